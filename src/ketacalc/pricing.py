"""The pricing engine: the cheapest way to buy N sessions, and how it is paid.

Pure core code: ``Decimal`` money, no printing, no exiting.

A course of N sessions is a sequence of plan purchases covering at least N
sessions. A new client's first purchase must be a plan open to new clients;
every later purchase, and every purchase by a returning client, uses plans open
to returning clients (or, where a provider lists none, the new-client plans).
Among all such courses ketacalc picks the lowest total, then the most sessions
covered, then the fewest purchases.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from ketacalc.catalog import Plan, PriceObs, Provider, newest
from ketacalc.errors import ScheduleOutOfRange
from ketacalc.money import ZERO
from ketacalc.vocab import match_insurer

DEFAULT_PACE = Decimal(1)  # sessions a week; an assumption, stated with every schedule


# --------------------------------------------------------------- the optimiser


class Option(NamedTuple):
    """Something that can be bought: a price for a number of sessions."""

    price: Decimal
    sessions: int


_SHIFT_TOTAL = 64
_SHIFT_COVERED = 32


def _weight(option: Option) -> int:
    # One integer whose order is (total, -covered, purchases) and which adds up
    # along a course, so the dynamic programme stays exact and fast: cents in
    # the high bits, minus sessions in the middle, one per purchase at the bottom.
    cents = int(option.price * 100)
    return (cents << _SHIFT_TOTAL) - (option.sessions << _SHIFT_COVERED) + 1


def _prune(options: Sequence[Option]) -> list[int]:
    """Indexes of options not dominated by another (as cheap and as large)."""
    keep: list[int] = []
    for i, a in enumerate(options):
        dominated = False
        for j, b in enumerate(options):
            if i == j:
                continue
            better_or_equal = b.price <= a.price and b.sessions >= a.sessions
            if better_or_equal and (b.price < a.price or b.sessions > a.sessions or j < i):
                dominated = True
                break
        if not dominated:
            keep.append(i)
    return keep


class Optimiser:
    """Cheapest courses over ``first`` options then ``later`` options, for many N.

    ``solve(n)`` returns the indexes chosen (first purchase first), or ``None``
    when nothing can be bought. The table of best courses is extended lazily and
    shared between calls, so a range of N costs one pass to the largest N.

    Large N cost no more than small ones. Let ``b`` be the later option with the
    lowest weight per session (``s_b`` sessions) and ``s_max`` the largest later
    option. Any cheapest course can be rewritten to hold fewer than ``s_b`` other
    purchases (among ``s_b`` of them, some subset's sessions add up to a multiple
    of ``s_b``, and swapping it for copies of ``b`` costs no more), so beyond
    ``(s_b - 1) * s_max`` sessions a cheapest course always contains ``b``:
    ``best(k) = w_b + best(k - s_b)``. The table stops there. This needs every
    later weight positive, i.e. no free later plan; otherwise the table is full.
    """

    def __init__(self, first: Sequence[Option], later: Sequence[Option]) -> None:
        self.first = list(first)
        self.later = list(later)
        self._first_idx = _prune(self.first)
        later_idx = _prune(self.later)
        self._later = [(self.later[i].sessions, _weight(self.later[i]), i) for i in later_idx]
        self._best: list[int] = [0]  # best weight to cover at least k sessions with later options
        self._choice: list[int] = [-1]
        self._period: tuple[int, int, int, int] | None = None  # (threshold, sessions, weight, index) of b
        if self._later and all(weight > 0 for _, weight, _ in self._later):
            sessions, weight, index = min(self._later, key=lambda o: (Fraction(o[1], o[0]), o[2]))
            s_max = max(o[0] for o in self._later)
            self._period = ((sessions - 1) * s_max, sessions, weight, index)

    def _reduce(self, k: int) -> tuple[int, int]:
        """``(copies of b, rest)`` with ``rest`` inside the table."""
        if self._period is None or k <= self._period[0]:
            return 0, k
        threshold, sessions = self._period[0], self._period[1]
        copies = -(-(k - threshold) // sessions)
        return copies, k - copies * sessions

    def _extend(self, n: int) -> None:
        best, choice, later = self._best, self._choice, self._later
        for k in range(len(best), n + 1):
            top = None
            pick = -1
            for sessions, weight, index in later:
                rest = k - sessions
                value = weight + (best[rest] if rest > 0 else 0)
                if top is None or value < top:
                    top, pick = value, index
            best.append(top if top is not None else -1)
            choice.append(pick)

    def _best_for(self, k: int) -> int:
        copies, rest = self._reduce(k)
        if rest > 0:
            self._extend(rest)
        tail = self._best[rest] if rest > 0 else 0
        return tail + (copies * self._period[2] if copies else 0)  # type: ignore[index]

    def _later_course(self, n: int) -> list[int]:
        copies, n = self._reduce(n)
        course = [self._period[3]] * copies if copies else []  # type: ignore[index]
        if n > 0:
            self._extend(n)
        while n > 0:
            index = self._choice[n]
            course.append(index)
            n -= self.later[index].sessions
        return course

    def solve(self, n: int) -> list[tuple[str, int]] | None:
        """``[("first", i), ("later", j), ...]`` for the cheapest course of ``n`` sessions."""
        if n <= 0:
            raise ValueError("n must be positive")
        best_value = None
        best_first = -1
        for i in self._first_idx:
            rest = n - self.first[i].sessions
            if rest > 0 and not self._later:
                continue
            value = _weight(self.first[i]) + (self._best_for(rest) if rest > 0 else 0)
            if best_value is None or value < best_value:
                best_value, best_first = value, i
        if best_first < 0:
            return None
        tail_course = self._later_course(n - self.first[best_first].sessions)
        return [("first", best_first)] + [("later", j) for j in tail_course]


# --------------------------------------------------------------- queries and results


class CostQuery(NamedTuple):
    sessions: int
    returning: bool = False
    as_of: date | None = None  # None: today
    start: date | None = None  # None: today
    pace: Decimal = DEFAULT_PACE
    pay_in_full: bool = False
    insurer: str | None = None
    state: str | None = None
    discount: Decimal = ZERO
    route: str | None = None

    @property
    def client(self) -> str:
        return "returning" if self.returning else "new"


class Purchase(NamedTuple):
    plan: Plan
    observation: PriceObs
    client: str  # who buys it: new or returning
    price: Decimal  # list price of the observation
    charged: Decimal  # after the pay-in-full discount and any promo
    insured: bool
    start: date
    pay_in_full: bool


class Payment(NamedTuple):
    due: date
    amount: Decimal
    plan: str
    purchase: int  # index into the purchases
    assumed: bool  # the provider publishes no payment terms: shown as one payment at purchase


class CostResult:
    """The cost of one course; totals are computed once, exact (round only to display)."""

    __slots__ = (
        "provider", "query", "as_of", "start", "sessions_requested", "purchases", "schedule", "notes",
        "sources", "total", "sessions_covered", "due_at_signup",
    )  # fmt: skip

    def __init__(
        self,
        provider: Provider,
        query: CostQuery,
        as_of: date,
        start: date,
        sessions_requested: int,
        purchases: tuple[Purchase, ...] = (),
        schedule: tuple[Payment, ...] = (),
        notes: tuple[str, ...] = (),
        sources: tuple[str, ...] = (),
    ) -> None:
        self.provider = provider
        self.query = query
        self.as_of = as_of
        self.start = start
        self.sessions_requested = sessions_requested
        self.purchases = purchases
        self.schedule = schedule
        self.notes = notes
        self.sources = sources
        self.total: Decimal | None = sum((p.charged for p in purchases), ZERO) if purchases else None
        self.sessions_covered: int | None = sum(p.plan.sessions for p in purchases) if purchases else None
        self.due_at_signup: Decimal | None = (
            sum((p.amount for p in schedule if p.due == start), ZERO) if schedule else None
        )

    @property
    def client(self) -> str:
        return self.query.client

    @property
    def leftover_sessions(self) -> int | None:
        covered = self.sessions_covered
        return None if covered is None else covered - self.sessions_requested

    @property
    def per_session(self) -> Decimal | None:
        """Exact; round it (half-up, to the cent) only to display it."""
        total, covered = self.total, self.sessions_covered
        return None if total is None or not covered else total / covered

    @property
    def prices_as_of(self) -> date | None:
        dates = {p.observation.as_of for p in self.purchases}
        return max(dates) if dates else None

    @property
    def pricing(self) -> str:
        if not self.purchases:
            return "unknown"
        insured = {p.insured for p in self.purchases}
        return "mixed" if len(insured) == 2 else ("insurance" if True in insured else "self-pay")


# --------------------------------------------------------------- dates


_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later, clamped to the month's end (Jan 31 + 1 -> Feb 28)."""
    if not months:
        return day
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = 29 if month == 2 and calendar.isleap(year) else _DAYS_IN_MONTH[month - 1]
    return date(year, month, min(day.day, last))


def _days_for(sessions: int, pace: Decimal) -> int:
    """Days until ``sessions`` are used up at ``pace`` sessions a week (rounded up)."""
    days = Decimal(sessions * 7) / pace
    whole = int(days)
    return whole if whole == days else whole + 1


# --------------------------------------------------------------- insurance


def insurance_applies(provider: Provider, query: CostQuery, as_of: date) -> tuple[bool, str | None]:
    """Whether insurance prices apply, and a note saying why not when they don't."""
    if not query.insurer:
        return False, None
    listing = newest(provider.insurers, as_of)
    if listing is None:
        return False, f"{provider.name} publishes no accepted insurers; self-pay prices are used."
    state = query.state or ""
    names = listing.by_state.get(state)
    dated = f"(insurer list of {listing.as_of.isoformat()})" if listing.as_of else "(undated insurer list)"
    if not names:
        return (
            False,
            f"{provider.name} lists no accepted insurers in {state} {dated}; self-pay prices are used.",
        )
    matched = match_insurer(query.insurer, names)
    if matched is None:
        return False, (
            f"{provider.name} does not list {query.insurer!r} in {state} {dated}; self-pay prices are used."
        )
    return True, f"Insurance: {matched} in {state} {dated}."


# --------------------------------------------------------------- pricing a provider


def _price_of(plan: Plan, as_of: date, insured: bool) -> tuple[PriceObs | None, bool]:
    if insured:
        obs = newest(plan.insurance_prices, as_of)
        if obs is not None:
            return obs, True
    return newest(plan.prices, as_of), False


class _Offer(NamedTuple):
    plan: Plan
    obs: PriceObs
    insured: bool
    pay_in_full: bool

    @property
    def charged(self) -> Decimal:
        """What this purchase costs: the price, less a published pay-in-full discount."""
        if self.pay_in_full and self.obs.pay_in_full_discount is not None:
            return self.obs.price - self.obs.pay_in_full_discount
        return self.obs.price

    def option(self, promo: Decimal = ZERO) -> Option:
        return Option(max(self.charged - promo, ZERO), self.plan.sessions)


class ProviderPricer:
    """Prices one provider for one set of options; reusable across many N."""

    def __init__(self, provider: Provider, query: CostQuery, today: date) -> None:
        self.provider = provider
        self.query = query
        self.as_of = query.as_of or today
        self.start = query.start or today
        self.notes: list[str] = []
        insured, note = insurance_applies(provider, query, self.as_of)
        if note:
            self.notes.append(note)
        offers: list[_Offer] = []
        plans = provider.plans_for_route(query.route)
        if query.route and plans and all(p.route is None for p in provider.plans):
            self.notes.append(f"{provider.name}'s prices do not differ by delivery route.")
        for plan in plans:
            obs, plan_insured = _price_of(plan, self.as_of, insured)
            if obs is not None:
                offers.append(_Offer(plan, obs, plan_insured, query.pay_in_full))
        if insured and any(not o.insured for o in offers):
            missing = ", ".join(o.plan.name for o in offers if not o.insured)
            self.notes.append(
                f"No insurance price is published for {missing}; self-pay prices are used there."
            )
        self.offers = offers
        new = [o for o in offers if o.plan.open_to("new")]
        returning = [o for o in offers if o.plan.open_to("returning")]
        if not returning and new:
            returning = new
            self.notes.append(
                f"{provider.name} lists no plan for returning clients; new-client plans are used for them."
            )
        if not offers:
            self.notes.append(self._unpriced_reason())
        self.first = returning if query.returning else new
        self.later = returning
        # the optimiser sees what is really charged, so discounts can change which plans win
        self.optimiser = Optimiser(
            [o.option(query.discount) for o in self.first], [o.option() for o in self.later]
        )

    def _unpriced_reason(self) -> str:
        if not self.provider.plans:
            return f"{self.provider.name} publishes no prices; the cost is unknown."
        if self.query.route and not self.provider.plans_for_route(self.query.route):
            routes = ", ".join(sorted({p.route for p in self.provider.plans if p.route}))
            return f"{self.provider.name} has no plan for route {self.query.route!r} (its routes: {routes})."
        return f"No {self.provider.name} price was observed on or before {self.as_of.isoformat()}."

    def price(self, sessions: int) -> CostResult:
        query = self.query._replace(sessions=sessions)
        notes = dict.fromkeys(self.notes)  # an ordered set: each note once
        solved = self.optimiser.solve(sessions) if self.offers else None
        if solved is None:
            if self.offers and not self.first:
                notes[f"{self.provider.name} lists no plan open to {query.client} clients."] = None
            return CostResult(self.provider, query, self.as_of, self.start, sessions, notes=tuple(notes))
        offers = [(self.first if part == "first" else self.later)[i] for part, i in solved]
        try:
            purchases, schedule = self._pay(offers, query, notes)
        except (OverflowError, ValueError):  # a date past 9999-12-31 (Python's calendar ends there)
            raise ScheduleOutOfRange(sessions) from None
        sources = tuple(dict.fromkeys(p.observation.source for p in purchases))
        notes.update(dict.fromkeys(self._signup_notes(query)))
        notes.update(
            (f.value, None) for f in self.provider.cost_notes if f.as_of is None or f.as_of <= self.as_of
        )
        return CostResult(
            self.provider, query, self.as_of, self.start, sessions,
            tuple(purchases), tuple(schedule), tuple(notes), sources,
        )  # fmt: skip

    def _signup_notes(self, query: CostQuery) -> list[str]:
        consult = newest(self.provider.consult, self.as_of)
        if consult is not None and consult.value.prepayment == "first-installment" and not query.returning:
            refund = (
                ", and refunds it if you are found ineligible"
                if consult.value.refundable_if_ineligible
                else ""
            )
            return [
                f"{self.provider.name} charges the first payment at checkout, before the consultation{refund}."
            ]
        return []

    def _pay(
        self, offers: list[_Offer], query: CostQuery, notes: dict[str, None]
    ) -> tuple[list[Purchase], list[Payment]]:
        purchases: list[Purchase] = []
        schedule: list[Payment] = []
        promo = min(query.discount, offers[0].charged)
        in_full = query.pay_in_full
        # Dates are kept as an anchor plus whole months, so monthly payments from
        # the 31st fall on each month's last day instead of drifting to the 28th.
        anchor, months = self.start, 0
        uses_pace = False
        # per distinct offer (after the first purchase): payments, assumed terms, and how long it lasts
        terms: dict[int, tuple[list[tuple[Decimal, int]], bool, int, timedelta]] = {}
        pay, buy = schedule.append, purchases.append
        for index, offer in enumerate(offers):
            plan, obs = offer.plan, offer.obs
            charged = offer.charged - (promo if index == 0 else ZERO)
            known = terms.get(id(offer)) if index else None
            if known is None:
                amounts, assumed = self._terms(offer, charged, in_full, notes)
                if plan.billing == "monthly":
                    known = (amounts, assumed, obs.installments.count if obs.installments else 1, timedelta())
                else:
                    known = (amounts, assumed, 0, timedelta(days=_days_for(plan.sessions, query.pace)))
                if index:
                    terms[id(offer)] = known
            amounts, assumed, lasts_months, lasts_days = known
            start = add_months(anchor, months)
            for amount, month in amounts:
                pay(Payment(add_months(start, month), amount, plan.id, index, assumed))
            buy(Purchase(plan, obs, query.client if index == 0 else "returning", obs.price, charged,
                         offer.insured, start, in_full))  # fmt: skip
            if lasts_months:
                months += lasts_months
            else:
                uses_pace = True
                anchor, months = start + lasts_days, 0
        if uses_pace and len(offers) > 1:
            notes[
                f"Assumes {query.pace.normalize():f} session(s) a week: each later purchase starts when "
                "the previous one's sessions are used up (change with --pace)."
            ] = None
        if any(p.plan.billing == "monthly" for p in purchases):
            notes["Monthly plans are bought month by month; each month's payment is due on the same day."] = (
                None
            )
        if promo:
            notes[f"A promo discount of ${promo:,.2f} is taken off the first purchase."] = None
        return purchases, schedule

    @staticmethod
    def _terms(
        offer: _Offer, charged: Decimal, in_full: bool, notes: dict[str, None]
    ) -> tuple[list[tuple[Decimal, int]], bool]:
        """How one purchase is paid: ``[(amount, months after its start)]`` and
        whether the terms are assumed (none published)."""
        plan, obs = offer.plan, offer.obs
        if in_full and obs.pay_in_full_discount is None and obs.installments is not None:
            notes[f"No pay-in-full discount is published for {plan.name}; the full price is shown."] = None
        if in_full or obs.installments is None:
            assumed = not in_full and plan.billing != "monthly"
            if assumed:
                notes[
                    f"No installment plan is published for {plan.name}; it is shown as one payment at purchase."
                ] = None
            return [(charged, 0)], assumed
        return _spread(obs.installments.count, obs.installments.amount, obs.price - charged), False


def _spread(count: int, amount: Decimal, reduction: Decimal) -> list[tuple[Decimal, int]]:
    """Installments, with ``reduction`` taken off the earliest ones (never below zero)."""
    payments = []
    for month in range(count):
        take = min(reduction, amount)
        reduction -= take
        payments.append((amount - take, month))
    return payments


# --------------------------------------------------------------- entry points


def price(provider: Provider, query: CostQuery, *, today: date) -> CostResult:
    return ProviderPricer(provider, query, today).price(query.sessions)


def price_many(
    provider: Provider, query: CostQuery, sessions: Sequence[int], *, today: date
) -> Iterator[CostResult]:
    """One result per N, lazily: a long range is written as it is priced."""
    pricer = ProviderPricer(provider, query, today)
    return (pricer.price(n) for n in sessions)
