"""A priced course: the query, its runs of purchases, its payments and its totals.

Pure core code. A course is kept as runs of identical purchases, so its total,
payments and first and last due dates cost the same to compute for 6 sessions
or 10,000; ``purchases`` and ``schedule`` are listed one by one only when asked.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from ketacalc.data.catalog import Fact, Plan, PriceObs, Provider, newest
from ketacalc.domain.charges import ChargeLine, due, dues
from ketacalc.domain.notes import Kind, Note
from ketacalc.domain.schedule import add_months, last_day_of_care, session_day
from ketacalc.errors import ScheduleOutOfRange
from ketacalc.money import ZERO

if TYPE_CHECKING:
    from ketacalc.data.catalog import Catalog
    from ketacalc.domain.eligibility import Availability
    from ketacalc.domain.regulation import LeftoverPastEnd, NearEnd, RuleEntry
    from ketacalc.errors import NoPrice

DEFAULT_PACE = Decimal(1)  # sessions a week; an assumption, stated with every schedule
DAILY_LOW_DOSE = "daily-low-dose"  # a modality taken one dose a day (Joyous), not in sessions
DEFAULT_MAX_AGE = 365  # days: a price older than this before the as-of date is stale


Q = TypeVar("Q", bound=tuple[Any, ...])


def restate(query: object, as_: type[Q], **changes: object) -> Q:
    """``query`` as another kind of query: every field of ``as_`` that ``query`` has
    (a field or a property of the same name), copied by name, then ``changes``.

    The one conversion between a request and the cost, compare and curve queries:
    a field the two share can never be dropped on the way (``max_age`` once was)."""
    fields = as_._fields  # type: ignore[attr-defined]
    given = {name: getattr(query, name) for name in fields if name not in changes and hasattr(query, name)}
    return as_(**given, **changes)


def stale_before(as_of: date, max_age: int) -> date:
    """The one staleness rule: a price dated before this day is stale on ``as_of``."""
    try:
        return as_of - timedelta(days=max_age)
    except OverflowError:  # before year 1: nothing is that old
        return date.min


class CostQuery(NamedTuple):
    sessions: int
    returning: bool = False
    as_of: date | None = None  # None: today
    start: date | None = None  # None: the as-of date (today by default)
    pace: Decimal = DEFAULT_PACE
    pay_in_full: bool = False
    insurer: str | None = None
    state: str | None = None
    discount: Decimal = ZERO
    route: str | None = None  # None: the provider's standard route
    max_age: int = DEFAULT_MAX_AGE
    hired_sitter: bool = False  # add a hired sitter's published cost, as an estimate

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
    stale: bool = False


class Payment(NamedTuple):
    due: date
    amount: Decimal
    plan: str  # the plan's id, or the charge's id
    purchase: int  # index into the purchases; -1 for a charge
    assumed: bool  # no payment terms published: listed at the purchase's start, when it is paid is unknown
    kind: str = "plan"  # plan, or the charge's kind (consult, fee, ...)


class Offer(NamedTuple):
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

    @property
    def months(self) -> int:
        """Months one purchase of a monthly plan lasts."""
        return self.obs.installments.count if self.obs.installments else 1


class Run(NamedTuple):
    """``count`` identical purchases one after the other. The ``j``-th purchase of a
    monthly plan starts ``months + j * step_months`` months after ``anchor``; one of
    a plan of sessions starts on the day of the course's session number ``offset +
    j * sessions`` (0-based) at ``pace``, counted from ``anchor`` (the course's start),
    so that rounding never accumulates from one purchase to the next."""

    offer: Offer
    count: int
    client: str
    charged: Decimal  # each
    anchor: date
    months: int
    step_months: int  # a monthly plan: the months one purchase lasts
    offset: int  # a plan of sessions: the sessions of the course bought before this run
    amounts: tuple[tuple[Decimal, int], ...]  # one purchase's payments: (amount, months after its start)
    assumed: bool  # no payment terms published: when the purchase is paid is unknown
    pace: Decimal | None = None  # a plan of sessions: sessions a week

    def start(self, j: int) -> date:
        if self.pace is None:
            return add_months(self.anchor, self.months + j * self.step_months)
        first = self.offset + j * self.offer.plan.sessions
        return self.anchor + timedelta(days=session_day(first, self.pace))

    def last_due(self) -> date:
        return add_months(self.start(self.count - 1), self.amounts[-1][1])


class CostResult:
    """The cost of one course; totals are exact (round only to display)."""

    __slots__ = (
        "provider", "query", "as_of", "start", "sessions_requested", "months", "runs", "lines",
        "unpriced", "optional", "notes", "price_notes", "_sources", "route", "modality", "availability",
        "regulation",
        "no_price", "total", "total_low", "total_high", "sessions_covered", "due_at_signup", "payments",
        "first_due", "last_due", "stale", "prices_as_of", "oldest_price", "_purchases", "_schedule",
        "terms_unknown", "extras", "stop_ledger", "ends_of",
    )  # fmt: skip

    def __init__(
        self,
        provider: Provider,
        query: CostQuery,
        as_of: date,
        start: date,
        sessions_requested: int,
        runs: tuple[Run, ...] = (),
        lines: tuple[ChargeLine, ...] = (),
        notes: tuple[Note, ...] = (),
        *,
        months: int | None = None,
        unpriced: tuple[ChargeLine, ...] = (),
        optional: tuple[ChargeLine, ...] = (),
        price_notes: tuple[Note, ...] = (),
        route: str | None = None,
        modality: str | None = None,
        on_course: tuple[Availability | None, tuple[RuleEntry, ...]] = (None, ()),
        no_price: NoPrice | None = None,
        stop_ledger: Callable[[CostResult], tuple[Any, ...]] | None = None,
        ends_of: Callable[[CostResult], tuple[NearEnd | None, LeftoverPastEnd | None]] | None = None,
    ) -> None:
        self.provider, self.query, self.as_of, self.start = provider, query, as_of, start
        self.sessions_requested, self.months, self.runs = sessions_requested, months, runs
        self.lines = lines  # charges in the totals: one per run of plan purchases, then the others
        self.unpriced, self.optional, self.notes, self.price_notes = unpriced, optional, notes, price_notes
        self.route, self.modality, self.no_price = route, modality, no_price
        #: where the provider serves the state asked for (None without a state), and the rules
        #: in force on the course's dates: the state's and federal ones, or federal ones only
        self.availability, self.regulation = on_course
        self._purchases: tuple[Purchase, ...] | None = None
        self._schedule: tuple[Payment, ...] | None = None
        self.extras: dict[str, object] = {}  # answers worked out when asked for (the stop ledger)
        self.stop_ledger = stop_ledger
        self.ends_of = ends_of
        self._sources: tuple[str, ...] | None = None
        # one pass over the runs: the sessions covered, the payments, whether any purchase's
        # payment terms are unpublished (then when it is paid is unknown)
        covered = payments = 0
        unknown = False
        for r in runs:
            covered += r.offer.plan.sessions * r.count
            payments += len(r.amounts) * r.count
            unknown = unknown or r.assumed
        self.terms_unknown = unknown
        # one pass over the lines: their price dates (a free line, a $0 consultation, prices
        # nothing: it never makes a course stale), the totals and the charges paid besides the plans
        newest = oldest = None
        total = low = high = ZERO
        charges = []  # fixed charges besides the plans, with something to pay ($0: no payment)
        charged = ZERO  # what those charge at each payment
        for line in lines:
            each = line.each
            if line.as_of is not None and each != ZERO:
                day = line.as_of
                if newest is None:
                    newest = oldest = day
                elif day > newest:
                    newest = day
                elif day < oldest:  # type: ignore[operator]
                    oldest = day
            if each is not None:
                total += each * line.count
                if each and line.kind != "plan":
                    charges.append(line)
                    charged += each
                    payments += line.count
            if line.each_low is not None:  # an estimate: in the low and high totals only
                low += line.low  # type: ignore[operator]
                high += line.high  # type: ignore[operator]
        self.prices_as_of: date | None = newest
        self.oldest_price: date | None = oldest
        self.stale = oldest is not None and oldest < stale_before(as_of, query.max_age)
        if not runs:
            self.total = self.total_low = self.total_high = self.due_at_signup = None
            self.sessions_covered = self.payments = None
            self.first_due = self.last_due = None
            return
        self.total: Decimal | None = total
        self.total_low: Decimal | None = total + low
        self.total_high: Decimal | None = total + high
        self.sessions_covered: int | None = covered
        first = runs[0]
        # every fixed charge's first payment falls on the start (see charges.due): due at sign-up
        self.due_at_signup: Decimal | None = (
            None if first.assumed else sum((a for a, m in first.amounts if m == 0), ZERO) + charged
        )
        self.payments: int | None = payments
        self.first_due: date | None = _first_due(runs, bool(charges), start)
        # with terms_unknown: a lower bound
        self.last_due: date | None = last_due(runs, charges, start, query.pace, sessions_requested)

    def moved_to(self, start: date) -> CostResult:
        """The same course begun on ``start``: only its dates move (its purchases,
        totals and notes do not depend on the day it starts)."""
        moved = CostResult.__new__(CostResult)
        # every field as it is (a hot path of batch: one statement, not a loop; in the order of
        # __slots__, which tests/test_pricing.py holds it to), then the dated ones
        (
            moved.provider, moved.query, moved.as_of, moved.start, moved.sessions_requested, moved.months,
            moved.runs, moved.lines, moved.unpriced, moved.optional, moved.notes, moved.price_notes,
            moved._sources, moved.route, moved.modality, moved.availability, moved.regulation, moved.no_price,
            moved.total, moved.total_low, moved.total_high, moved.sessions_covered, moved.due_at_signup, moved.payments,
            moved.first_due, moved.last_due, moved.stale, moved.prices_as_of, moved.oldest_price,
            moved._purchases, moved._schedule, moved.terms_unknown, moved.extras, moved.stop_ledger,
            moved.ends_of,
        ) = _every_slot(self)  # fmt: skip
        moved.start = start
        moved.query = self.query._replace(start=start)
        moved._purchases = moved._schedule = None
        moved.extras = {}
        if self.runs:
            runs = anchored(self.runs, start)
            charges = [line for line in self.lines if line.kind != "plan" and line.each]
            moved.runs, moved.first_due = runs, _first_due(runs, bool(charges), start)
            moved.last_due = last_due(runs, charges, start, self.query.pace, self.sessions_requested)
        return moved

    @property
    def client(self) -> str:
        return self.query.client

    @property
    def sources(self) -> tuple[str, ...]:
        """The sources of the lines in the totals, each once, in order."""
        if self._sources is None:
            self._sources = tuple(dict.fromkeys(line.source for line in self.lines))
        return self._sources

    @property
    def if_stopped(self) -> tuple[Any, ...]:
        """What stopping costs at each point of the course (``StopPoint``s of
        :mod:`ketacalc.domain.stopping`, which the pricer hands in as ``stop_ledger``),
        worked out when first asked for; ``()`` with no price."""
        known = self.extras.get("if_stopped")
        if known is None:
            found = self.stop_ledger(self) if self.stop_ledger is not None else ()
            known = self.extras["if_stopped"] = found
        return known  # type: ignore[return-value]

    @property
    def near_end(self) -> NearEnd | None:
        """The federal flexibilities' recorded end, where the course's last day of care falls
        just before it (see :func:`ketacalc.domain.regulation.course_ends`); None with no total."""
        return self._ends()[0]

    @property
    def leftover_past_end(self) -> LeftoverPastEnd | None:
        """The sessions bought beyond those asked for that fall after the federal flexibilities'
        recorded end (see :func:`ketacalc.domain.regulation.course_ends`)."""
        return self._ends()[1]

    def _ends(self) -> tuple[NearEnd | None, LeftoverPastEnd | None]:
        """What the flexibilities' end means for the course, worked out when first asked for
        by what the pricer hands in as ``ends_of``; nothing with no total."""
        known = self.extras.get("ends")
        if known is None:
            found = self.ends_of(self) if self.ends_of is not None and self.total is not None else None
            known = self.extras["ends"] = found or (None, None)
        return known  # type: ignore[return-value]

    def ends(
        self, catalog: Catalog, regulation: Iterable[RuleEntry], availability: str | None
    ) -> tuple[NearEnd | None, LeftoverPastEnd | None]:
        """:func:`~ketacalc.domain.regulation.course_ends` of this course, with ``regulation``
        and ``availability`` (the status) of the state asked for."""
        from ketacalc.domain.regulation import CourseDates, course_ends

        dates = CourseDates(self.start, self.last_day_of_care)
        return course_ends(catalog, dates, self.as_of, self.leftover_days(), regulation, availability)

    def leftover_days(self) -> Iterator[date]:
        """The day of each session bought beyond those asked for, at the pace after them (none
        for a course by months or of daily doses)."""
        if self.months is not None or self.modality != "sessions" or self.sessions_covered is None:
            return
        pace = self.query.pace
        for k in range(self.sessions_requested, self.sessions_covered):
            yield self.start + timedelta(days=session_day(k, pace))

    def session_days(self) -> Iterator[date]:
        """The day of each session asked for, at the pace from the start, or of each daily dose
        (one a day, whatever the pace: as :attr:`last_day_of_care` counts them): dates to plan with."""
        if self.modality == DAILY_LOW_DOSE:
            for k in range(self.sessions_requested):
                yield self.start + timedelta(days=k)
            return
        pace = self.query.pace
        for k in range(self.sessions_requested):
            yield self.start + timedelta(days=session_day(k, pace))

    @property
    def charges(self) -> tuple[ChargeLine, ...]:
        return self.lines

    @property
    def leftover_sessions(self) -> int | None:
        covered = self.sessions_covered
        return None if covered is None else covered - self.sessions_requested

    @property
    def last_day_of_care(self) -> date:
        """The course's last day of care, as its rules are checked on: the last of its first
        M months, its last dose (one a day), or its last session at the pace (a course past
        the calendar's end is refused when priced: its schedule counts the sessions' days)."""
        if self.months is not None:
            return last_day_of_care(self.start, self.months)
        if self.modality == DAILY_LOW_DOSE:
            return self.start + timedelta(days=max(self.sessions_requested, 1) - 1)
        return self.start + timedelta(days=session_day(self.sessions_requested - 1, self.query.pace))

    # ------------------------------------------------------------ the first M months

    @property
    def window_last(self) -> date | None:
        """A course priced by months: the last day of its window (``None`` otherwise)."""
        return None if self.months is None else last_day_of_care(self.start, self.months)

    @property
    def committed(self) -> Decimal | None:
        """What the purchases made in the window cost, all in (with the fixed charges
        due in it): the whole price of a package bought in the window, even where its
        installments run past it. ``None`` without a window or a price."""
        last = self.window_last
        if last is None or self.total is None:
            return None
        bought = sum((p.charged for p in self.purchases if p.start <= last), ZERO)
        return bought + sum((x.amount for x in self._charge_payments() if x.due <= last), ZERO)

    @property
    def paid_in_window(self) -> Decimal | None:
        """The cash due in the window (``None`` when a purchase in it has no published terms)."""
        last = self.window_last
        if last is None or self.total is None:
            return None
        due_in = [p for p in self.schedule if p.due <= last]
        if any(p.assumed for p in due_in):
            return None
        return sum((p.amount for p in due_in), ZERO)

    @property
    def sessions_in_window(self) -> int | None:
        return None if self.months is None else self.sessions_requested

    def cash_by_month(self) -> list[tuple[str, Decimal, bool]]:
        """The cash due in each calendar month of the course: ``(YYYY-MM, amount,
        terms_unknown)``, every month from the first payment's to the last one's. From the
        month a purchase without published terms is made (listed as paid then), every month
        is ``terms_unknown``: its payments may fall in any of them, or later."""
        months: dict[str, list[Decimal | bool]] = {}
        for p in self.schedule:
            slot = months.setdefault(f"{p.due.year:04d}-{p.due.month:02d}", [ZERO, False])
            slot[0] = slot[0] + p.amount  # type: ignore[operator]
            slot[1] = bool(slot[1]) or p.assumed
        if not months:
            return []
        first, last = min(months), max(months)
        year, month = int(first[:4]), int(first[5:])
        out = []
        since = False  # a purchase with unpublished terms was made in this month or before
        while True:
            key = f"{year:04d}-{month:02d}"
            amount, unknown = months.get(key, [ZERO, False])
            since = since or bool(unknown)
            out.append((key, amount, since))  # type: ignore[arg-type]
            if key == last:
                return out
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)

    def _charge_payments(self) -> list[Payment]:
        return [p for p in self.schedule if p.purchase == -1]

    @property
    def per_session(self) -> Decimal | None:
        """The total ÷ the sessions asked for. Exact; round it only to display it."""
        return None if self.total is None else self.total / self.sessions_requested

    @property
    def per_covered_session(self) -> Decimal | None:
        """The total ÷ the sessions the purchases cover (a package may cover more)."""
        total, covered = self.total, self.sessions_covered
        return None if total is None or not covered else total / covered

    @property
    def pricing(self) -> str:
        if not self.runs:
            return "unknown"
        insured = {r.offer.insured for r in self.runs}
        return "mixed" if len(insured) == 2 else ("insurance" if True in insured else "self-pay")

    @property
    def purchases(self) -> tuple[Purchase, ...]:
        """Every purchase, one by one (a long course lists many: use ``runs`` to count)."""
        if self._purchases is None:
            limit = stale_before(self.as_of, self.query.max_age)
            self._purchases = tuple(
                Purchase(
                    r.offer.plan,
                    r.offer.obs,
                    r.client,
                    r.offer.obs.price,
                    r.charged,
                    r.offer.insured,
                    r.start(j),
                    r.offer.pay_in_full,
                    r.offer.obs.as_of < limit,
                )
                for r in self.runs
                for j in range(r.count)
            )
        return self._purchases

    @property
    def schedule(self) -> tuple[Payment, ...]:
        """Every payment, in date order (a purchase's installments may run past the
        next purchase's start); payments due the same day keep their purchase order."""
        if self._schedule is None:
            payments: list[Payment] = []
            index = 0
            for r in self.runs:
                for j in range(r.count):
                    start = r.start(j)
                    for amount, month in r.amounts:
                        payments.append(
                            Payment(add_months(start, month), amount, r.offer.plan.id, index, r.assumed)
                        )
                    index += 1
            for line in self.lines:
                if line.kind != "plan" and line.each:
                    for day in dues(line, self.start, self.query.pace):
                        payments.append(Payment(day, line.each, line.id, -1, False, line.kind))
            payments.sort(key=lambda p: p.due)
            self._schedule = tuple(payments)
        return self._schedule


_every_slot = operator.attrgetter(*CostResult.__slots__)  # in the order moved_to assigns them


def _first_due(runs: tuple[Run, ...], charges: bool, start: date) -> date:
    """The first payment's day: the start, unless a promo code covers the first purchase's
    earliest installments and no other charge falls due then: then the earliest payment of
    any purchase (a later purchase may start before the first's next installment)."""
    if charges or any(m == 0 for _, m in runs[0].amounts):
        return start
    return min(add_months(r.start(0), min(m for _, m in r.amounts)) for r in runs)


def last_due(
    runs: tuple[Run, ...], charges: list[ChargeLine], start: date, pace: Decimal, sessions: int
) -> date:
    """The day the last payment of the course falls due (``charges``: those paid, besides
    the plans); past the calendar's end, :class:`~ketacalc.errors.ScheduleOutOfRange`."""
    try:
        last = [r.last_due() for r in runs]
        last += [due(x, start, pace, x.count - 1) for x in charges]
        months = sum(r.count * r.step_months for r in runs)
        if months:  # the months of care bought (the stop points at each month's end) fit too
            last_day_of_care(start, months)
    except (OverflowError, ValueError):  # a date past 9999-12-31 (Python's calendar ends there)
        raise ScheduleOutOfRange(sessions, _counted(runs)) from None
    return max(last)


def _counted(runs: Iterable[Run]) -> str:
    """What a course's count counts: the doses of a daily low-dose plan, or sessions."""
    return "doses" if any(r.offer.plan.modality == "daily-low-dose" for r in runs) else "sessions"


# --------------------------------------------------------------- building a course


def anchored(runs: Sequence[Run], start: date) -> tuple[Run, ...]:
    """The runs of a course dated from ``start`` (every run counts from the course's start)."""
    make = Run._make
    return tuple(make((*run[:4], start, *run[5:])) for run in runs)  # run._replace(anchor=start)


def charged_price(observations: Sequence[PriceObs], as_of: date) -> PriceObs | None:
    """The price charged on ``as_of``: the newest regular or promo observation,
    leaving out a promo past its end date."""
    return newest((o for o in observations if o.kind != "promo" or o.ends is None or o.ends >= as_of), as_of)


def price_of(plan: Plan, as_of: date, insured: bool) -> tuple[PriceObs | None, bool]:
    if insured:
        obs = charged_price(plan.insurance_prices, as_of)
        if obs is not None:
            return obs, True
    return charged_price(plan.prices, as_of), False


def plan_lines(runs: tuple[Run, ...]) -> tuple[ChargeLine, ...]:
    """One line per run of identical purchases (same plan, price and charge), counted:
    a new client's first visit and the returning visits after it are one line."""
    lines: list[ChargeLine] = []
    for r in runs:
        obs = r.offer.obs
        last = lines[-1] if lines else None
        if last is not None and (last.id, last.each, last.source, last.as_of) == (
            r.offer.plan.id,
            r.charged,
            obs.source,
            obs.as_of,
        ):
            lines[-1] = last._replace(count=last.count + r.count)
            continue
        lines.append(
            ChargeLine(
                "plan",
                r.offer.plan.id,
                r.offer.plan.name,
                "purchase",
                r.count,
                obs.source,
                obs.as_of,
                each=r.charged,
                note=obs.note,
                price_kind=obs.kind,
                ends=obs.ends,
            )
        )
    return tuple(lines)


def spread(count: int, amount: Decimal, reduction: Decimal) -> list[tuple[Decimal, int]]:
    """Installments, with ``reduction`` taken off the earliest ones (never below zero)."""
    payments = []
    for month in range(count):
        take = min(reduction, amount)
        reduction -= take
        payments.append((amount - take, month))
    return payments


def payment_terms(
    offer: Offer,
    charged: Decimal,
    in_full: bool,
    notes: dict[Note, None],
    at_purchase: Fact[str] | None = None,
) -> tuple[list[tuple[Decimal, int]], bool]:
    """How one purchase is paid: ``[(amount, months after its start)]`` and whether
    its terms are unknown. A price observed without installments is paid at purchase
    only where the provider's own terms say so (``at_purchase``: the terms that say so);
    otherwise when it is paid is unknown (listed at the purchase's start, flagged),
    and a note names the last terms published for the plan."""
    plan, obs = offer.plan, offer.obs
    if (
        in_full
        and obs.installments is not None
        and plan.billing == "monthly"
        and obs.pay_in_full_discount is None
    ):
        # a commitment billed month by month (Joyous's 3 x $129): no source offers paying it
        # at once, so its monthly payments stand, and the note says why
        notes[Note(Kind.NO_PAY_IN_FULL_DISCOUNT, plan=plan.name, monthly=True)] = None
        in_full = False
    elif in_full and obs.pay_in_full_discount is None:  # said whatever the terms: no saving
        notes[Note(Kind.NO_PAY_IN_FULL_DISCOUNT, plan=plan.name)] = None
    if in_full or obs.installments is None:
        unknown = not in_full and plan.billing != "monthly" and at_purchase is None
        if unknown:
            notes[unknown_terms_note(offer)] = None
        return [(charged, 0)], unknown
    return spread(obs.installments.count, obs.installments.amount, obs.price - charged), False


def unknown_terms_note(offer: Offer) -> Note:
    """Why a purchase's payments are unknown, naming the last terms published for its plan
    (``last_*``: ``None`` when no terms were ever published for it)."""
    plan, obs = offer.plan, offer.obs
    older = [o for o in plan.prices if o.installments is not None and o.as_of <= obs.as_of]
    last = max(older, key=lambda o: o.as_of, default=None)
    inst = last.installments if last is not None else None
    return Note(
        Kind.TERMS_UNKNOWN,
        source=obs.source,
        as_of=obs.as_of,
        plan=plan.name,
        price=obs.price,
        last_count=inst.count if inst else None,
        last_amount=inst.amount if inst else None,
        last_price=last.price if last and inst else None,
        last_source=last.source if last and inst else None,
        last_as_of=last.as_of if last and inst else None,
    )


class RunTerms(NamedTuple):
    """What a run of a course is, whatever its count and dates (see :func:`course_terms`)."""

    offer: Offer
    client: str
    charged: Decimal  # each
    step_months: int  # a monthly plan: the months one purchase lasts; 0 otherwise
    amounts: tuple[tuple[Decimal, int], ...]
    assumed: bool
    pace: Decimal | None  # a plan of sessions: sessions a week


def course_terms(
    offers: Sequence[tuple[Offer, int]],
    query: CostQuery,
    terms: Callable[[Offer, Decimal, dict[Note, None]], tuple[tuple[tuple[Decimal, int], ...], bool]],
    notes: dict[Note, None],
) -> tuple[RunTerms, ...]:
    """The runs of a course bought as ``offers`` (offer, count), undated: who buys each
    and how it is paid. ``terms`` gives one purchase's payments; ``notes`` gathers what the
    reader must know (depending only on the offers, and on whether more than one purchase
    is made)."""
    parts: list[RunTerms] = []
    uses_pace = False
    for index, (offer, _count) in enumerate(offers):
        charged = offer.charged - (query.discount if index == 0 else ZERO)
        amounts, assumed = terms(offer, charged, notes)
        if index == 0 and query.discount:
            # a code that covers the earliest installments leaves nothing to pay on them: no
            # "$0.00 payment" (the discount is below the price: one payment at least is left)
            amounts = tuple((a, m) for a, m in amounts if a) or amounts
        monthly = offer.plan.billing == "monthly"
        uses_pace = uses_pace or not monthly
        parts.append(
            RunTerms(
                offer,
                query.client if index == 0 else "returning",
                charged,
                offer.months if monthly else 0,
                amounts,
                assumed,
                None if monthly else query.pace,
            )
        )
    # the pace sets the course's dates (the rules in force are checked on them) and when each
    # later purchase starts: said whenever a purchase holds or follows more than one session
    if uses_pace and (len(offers) > 1 or offers[0][1] > 1 or offers[0][0].plan.sessions > 1):
        notes[Note(Kind.PACE_ASSUMED, pace=query.pace)] = None
    elif query.pace != DEFAULT_PACE and all(o.plan.modality == DAILY_LOW_DOSE for o, _ in offers):
        # a pace asked for changes nothing in a course of daily doses (one a day): said, not dropped
        notes[Note(Kind.PACE_NOT_FOR_DOSES, pace=query.pace)] = None
    if any(p.offer.plan.billing == "monthly" for p in parts):
        notes[Note(Kind.MONTHLY_BILLING)] = None
    if query.discount:
        # off a purchase paid in installments, it is taken off the earliest: an assumption
        # (no source says how a provider splits a code across installments), and said so
        split = len(parts[0].amounts) > 1
        notes[Note(Kind.PROMO_DISCOUNT, discount=query.discount, split=split)] = None
    return tuple(parts)


def dated_runs(parts: Sequence[RunTerms], counts: Sequence[int], start: date) -> tuple[Run, ...]:
    """The runs ``parts`` bought ``counts`` times each, dated from ``start``: each later run
    starts when the previous one's sessions are used up at the pace (or its months end).
    Their dates are not worked out here: :func:`last_due` refuses a course past the calendar's end."""
    runs: list[Run] = []
    months = offset = 0
    make = Run._make
    for part, count in zip(parts, counts, strict=True):
        offer = part.offer
        runs.append(
            make(
                (
                    offer,
                    count,
                    part.client,
                    part.charged,
                    start,
                    months,
                    part.step_months,
                    offset,
                    part.amounts,
                    part.assumed,
                    part.pace,
                )
            )
        )
        months += count * part.step_months
        offset += count * offer.plan.sessions
    return tuple(runs)


def course_runs(
    offers: list[tuple[Offer, int]],
    query: CostQuery,
    start: date,
    terms: Callable[[Offer, Decimal, dict[Note, None]], tuple[tuple[tuple[Decimal, int], ...], bool]],
    notes: dict[Note, None],
) -> tuple[Run, ...]:
    """The course as runs of identical purchases, dated from ``start``: each later run
    starts when the previous one's sessions are used up at the pace (or its months end).
    ``terms`` gives one purchase's payments; ``notes`` gathers what the reader must know."""
    parts = course_terms(offers, query, terms, notes)
    runs = dated_runs(parts, [count for _, count in offers], start)
    try:
        for run in runs:
            run.last_due()  # a date past 9999-12-31 fails here
    except (OverflowError, ValueError):  # a date past 9999-12-31 (Python's calendar ends there)
        raise ScheduleOutOfRange(query.sessions, _counted(runs)) from None
    return runs
