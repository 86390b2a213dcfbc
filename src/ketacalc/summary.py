"""The summary of a course without its payment-by-payment detail, at any N.

Pure core code. :func:`summarise` gives what ``batch`` writes for one scenario
(totals, purchases counted by plan, the number of payments, the first and last
due dates, the notes) from a :class:`~ketacalc.pricing.ProviderPricer`'s chosen
course, without building every purchase and dated payment: a course of 2,000
sessions is a handful of runs of the same purchase, and each run's dates follow
in closed form. The pricer is reused across starts (``start`` only shifts
dates), so one pricer serves every scenario with the same options.

The result must equal the summary of ``pricer.price(n)`` field for field (a
property test checks it); anything unusual (no course, a schedule that may
not be datable, a plan without payments) returns ``None`` and the caller
prices in full.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from ketacalc.money import ZERO
from ketacalc.pricing import ProviderPricer, _days_for, _weight, add_months

if TYPE_CHECKING:
    from ketacalc.catalog import Plan, Provider
    from ketacalc.pricing import _Offer


class CostSummary(NamedTuple):
    """The fields of a cost summary (see ``reports.cost.summary_record``)."""

    provider: Provider
    client: str
    sessions_requested: int
    sessions_covered: int
    total: Decimal
    due_at_signup: Decimal
    prices_as_of: date | None
    pricing: str
    runs: tuple[tuple[Plan, int, Decimal], ...]  # (plan, purchases in a row, charged each)
    payments: int
    first_due: date
    last_due: date
    notes: tuple[str, ...]
    shape: Shape | None = None  # the start-free part, shared by every start (for caching records)

    @property
    def leftover_sessions(self) -> int:
        return self.sessions_covered - self.sessions_requested

    @property
    def per_session(self) -> Decimal | None:
        return self.total / self.sessions_covered if self.sessions_covered else None


def course_runs(pricer: ProviderPricer, n: int) -> list[tuple[_Offer, int]] | None:
    """The pricer's cheapest course of ``n`` as ``[(offer, purchases in a row)]``,
    first purchase first, in the order ``pricer.price(n)`` buys them; ``None``
    when nothing can be bought or the course has no short form."""
    opt = pricer.optimiser
    if not pricer.offers or opt._period is None:
        return None
    solved = None
    best_first = -1
    for i in opt._first_idx:  # as Optimiser.solve
        rest = n - opt.first[i].sessions
        if rest > 0 and not opt._later:
            continue
        value = _weight(opt.first[i]) + (opt._best_for(rest) if rest > 0 else 0)
        if solved is None or value < solved:
            solved, best_first = value, i
    if best_first < 0:
        return None
    runs: list[tuple[_Offer, int]] = [(pricer.first[best_first], 1)]
    rest = n - opt.first[best_first].sessions
    if rest <= 0:
        return runs
    copies, rest = opt._reduce(rest)  # as Optimiser._later_course: copies of b, then the table
    if copies:
        runs.append((pricer.later[opt._period[3]], copies))
    if rest > 0:
        opt._extend(rest)
    while rest > 0:
        index = opt._choice[rest]
        offer = pricer.later[index]
        if len(runs) > 1 and runs[-1][0] is offer:
            runs[-1] = (offer, runs[-1][1] + 1)
        else:
            runs.append((offer, 1))
        rest -= opt.later[index].sessions
    return runs


class _Terms(NamedTuple):
    amounts: tuple[tuple[Decimal, int], ...]  # (amount, months after the purchase starts)
    lasts_months: int  # a monthly plan: months until the next purchase
    lasts_days: timedelta  # otherwise: days until the next purchase (at the pace)


class _Run(NamedTuple):
    """``count`` purchases in a row of one offer: its payments and how long each lasts."""

    count: int
    amounts: tuple[tuple[Decimal, int], ...]  # (amount, months after the purchase starts)
    lasts_months: int  # a monthly plan: months until the next purchase
    lasts_days: timedelta  # otherwise: days until the next purchase (at the pace)


class Shape(NamedTuple):
    """Everything about a course of N that does not depend on its start date."""

    sessions: int
    runs: tuple[_Run, ...]
    covered: int
    total: Decimal
    due_at_signup: Decimal
    prices_as_of: date
    pricing: str
    plan_runs: tuple[tuple[Plan, int, Decimal], ...]
    payments: int
    notes: tuple[str, ...]
    memo: dict[str, object]  # for the report layer: what it builds once per course (its encoded text)


class Summariser:
    """Summaries of one pricer's courses at any N and start. A course's shape is
    computed once per N (bounded), its dates once per start."""

    def __init__(self, pricer: ProviderPricer, shapes: int = 8192) -> None:
        self.pricer = pricer
        self._shapes: dict[int, Shape | None] = {}
        self._limit = shapes
        self._terms: dict[tuple[int, Decimal], tuple[_Terms, tuple[str, ...]]] = {}
        self._tail: dict[tuple[bool, bool, Decimal], tuple[str, ...]] = {}

    def terms(self, offer: _Offer, charged: Decimal) -> tuple[_Terms, tuple[str, ...]]:
        """How one purchase of ``offer`` at ``charged`` is paid, and the notes that says."""
        key = (id(offer), charged)
        known = self._terms.get(key)
        if known is None:
            said: dict[str, None] = {}
            amounts, _assumed = ProviderPricer._terms(offer, charged, self.pricer.query.pay_in_full, said)
            if offer.plan.billing == "monthly":
                lasts = offer.obs.installments.count if offer.obs.installments else 1
                terms = _Terms(tuple(amounts), lasts, timedelta())
            else:
                days = _days_for(offer.plan.sessions, self.pricer.query.pace)
                terms = _Terms(tuple(amounts), 0, timedelta(days=days))
            known = self._terms[key] = (terms, tuple(said))
        return known

    def tail_notes(self, paced: bool, monthly: bool, promo: Decimal) -> tuple[str, ...]:
        """The notes after the purchases' own, as ``ProviderPricer.price`` adds them."""
        key = (paced, monthly, promo)
        known = self._tail.get(key)
        if known is None:
            pricer, query = self.pricer, self.pricer.query
            notes: dict[str, None] = {}
            if paced:
                notes[
                    f"Assumes {query.pace.normalize():f} session(s) a week: each later purchase starts when "
                    "the previous one's sessions are used up (change with --pace)."
                ] = None
            if monthly:
                notes[
                    "Monthly plans are bought month by month; each month's payment is due on the same day."
                ] = None
            if promo:
                notes[f"A promo discount of ${promo:,.2f} is taken off the first purchase."] = None
            notes.update(dict.fromkeys(pricer._signup_notes(query)))
            notes.update(
                (f.value, None)
                for f in pricer.provider.cost_notes
                if f.as_of is None or f.as_of <= pricer.as_of
            )
            known = self._tail[key] = tuple(notes)
        return known

    def shape(self, n: int) -> Shape | None:
        known = self._shapes.get(n, False)
        if known is not False:
            return known  # type: ignore[return-value]
        if len(self._shapes) >= self._limit:
            self._shapes.clear()
        found = self._shapes[n] = _shape(self, n)
        return found

    def summary(self, n: int, start: date) -> CostSummary | None:
        """The summary of the cheapest course of ``n`` sessions from ``start``, or
        ``None``: then price it in full (``pricer.price``) for the answer or the error."""
        shape = self.shape(n)
        if shape is None:
            return None
        anchor, months = start, 0
        last_start = start
        try:
            for run in shape.runs:
                if run.lasts_months:
                    last_start = add_months(anchor, months + (run.count - 1) * run.lasts_months)
                    months += run.count * run.lasts_months
                else:
                    first_start = add_months(anchor, months)
                    last_start = first_start + (run.count - 1) * run.lasts_days
                    anchor, months = last_start + run.lasts_days, 0
            last_due = add_months(last_start, shape.runs[-1].amounts[-1][1])
            first_due = add_months(start, shape.runs[0].amounts[0][1])
        except (OverflowError, ValueError):  # past 9999-12-31: the full pricer says what it makes of it
            return None
        pricer = self.pricer
        return CostSummary(
            provider=pricer.provider,
            client=pricer.query.client,
            sessions_requested=n,
            sessions_covered=shape.covered,
            total=shape.total,
            due_at_signup=shape.due_at_signup,
            prices_as_of=shape.prices_as_of,
            pricing=shape.pricing,
            runs=shape.plan_runs,
            payments=shape.payments,
            first_due=first_due,
            last_due=last_due,
            notes=shape.notes,
            shape=shape,
        )


def summarise(pricer: ProviderPricer, n: int, start: date) -> CostSummary | None:
    """The summary of the cheapest course of ``n`` sessions from ``start``, or
    ``None``: then price it in full (``pricer.price``) for the answer or the error."""
    return Summariser(pricer).summary(n, start)


def _shape(summariser: Summariser, n: int) -> Shape | None:
    """The start-free part of ``pricer.price(n)``'s course, as ``_pay`` builds it."""
    pricer = summariser.pricer
    runs = course_runs(pricer, n)
    if runs is None:
        return None
    notes = dict.fromkeys(pricer.notes)
    promo = min(pricer.query.discount, runs[0][0].charged)
    uses_pace = monthly = False
    total = ZERO
    covered = payments = 0
    plan_runs: list[list[object]] = []
    out: list[_Run] = []
    due_at_signup = ZERO
    for position, (offer, count) in enumerate(runs):
        charged = offer.charged - (promo if position == 0 else ZERO)
        (amounts, lasts_months, lasts_days), said = summariser.terms(offer, charged)
        if not amounts:
            return None
        notes.update(dict.fromkeys(said))
        if position == 0:
            due_at_signup = sum((a for a, month in amounts if month == 0), ZERO)
        if lasts_months:
            monthly = True
        else:
            uses_pace = True
        out.append(_Run(count, amounts, lasts_months, lasts_days))
        total += charged * count
        covered += offer.plan.sessions * count
        payments += len(amounts) * count
        if plan_runs and plan_runs[-1][0] is offer.plan and plan_runs[-1][2] == charged:
            plan_runs[-1][1] += count  # type: ignore[operator]
        else:
            plan_runs.append([offer.plan, count, charged])
    notes.update(dict.fromkeys(summariser.tail_notes(uses_pace and len(runs) > 1, monthly, promo)))
    offers = [offer for offer, _ in runs]
    dates = {o.obs.as_of for o in offers}
    if None in dates:
        return None
    insured = {o.insured for o in offers}
    return Shape(
        sessions=n,
        runs=tuple(out),
        covered=covered,
        total=total,
        due_at_signup=due_at_signup,
        prices_as_of=max(dates),
        pricing="mixed" if len(insured) == 2 else ("insurance" if True in insured else "self-pay"),
        plan_runs=tuple((plan, count, charged) for plan, count, charged in plan_runs),  # type: ignore[misc]
        payments=payments,
        notes=tuple(notes),
        memo={},
    )
