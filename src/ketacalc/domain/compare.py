"""``compare``: one row per provider, with availability, cost and care facts.

Pure core code: builds rows, filters and sorts them; renderers show them.

Three ways to compare: the plans each provider sells (no course asked for), a
course of N standard-dose sessions (``sessions``: plans of another modality are
not priced, and such a provider gets no total and no rank), or the first M
months of care from ``start`` (``months``: every modality).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any, NamedTuple, TypeVar

from ketacalc.data.catalog import (
    Catalog,
    Charge,
    Consult,
    Fact,
    Plan,
    PriceObs,
    Provider,
    disputed,
    known_on,
    newest,
)
from ketacalc.domain import pricing
from ketacalc.domain.course import DEFAULT_MAX_AGE, restate, stale_before
from ketacalc.domain.eligibility import (
    UNAVAILABLE,
    Availability,
    StateSummary,
    availability,
    insurers_in,
    summary,
)
from ketacalc.domain.notes import Kind, Note
from ketacalc.domain.pricenotes import condition_note
from ketacalc.domain.pricing import DEFAULT_PACE, CostQuery, CostResult, offers_route, price
from ketacalc.domain.regulation import (
    CourseDates,
    LeftoverPastEnd,
    NearEnd,
    RuleEntry,
    assumed_course,
    course_dates,
    months_course,
    rules_for,
)
from ketacalc.domain.schedule import course_days
from ketacalc.errors import ScheduleOutOfRange
from ketacalc.vocab import match_insurer

T = TypeVar("T")
SORT_KEYS = ("name", "total", "total-low", "total-high", "per-session", "due-at-signup")
SESSIONS = "sessions"  # the modality a course of N sessions is made of


class PlanPrice(NamedTuple):
    plan: Plan
    observation: PriceObs
    paid_at_purchase: bool = False  # the provider's own terms: a price is paid when bought

    @property
    def first_payment(self) -> Decimal | None:
        """What buying the plan charges on day one: its first installment, or all of it where
        it is billed monthly or the provider's terms say so; ``None`` where no terms are
        published (never assumed to be one payment)."""
        inst = self.observation.installments
        if inst:
            return inst.amount
        if self.plan.billing == "monthly" or self.paid_at_purchase:
            return self.observation.price
        return None

    @property
    def per_month(self) -> Decimal | None:
        """A monthly plan's cost a month (a commitment spread over its installments)."""
        if self.plan.billing != "monthly":
            return None
        inst = self.observation.installments
        return self.observation.price / inst.count if inst else self.observation.price


class CompareRow(NamedTuple):
    provider: Provider
    as_of: date
    status: Fact[str] | None
    availability: Availability | None
    plans: tuple[PlanPrice, ...]  # on the route priced (the standard one when none is asked for)
    cost: CostResult | None  # with --sessions or --months, when the provider can be priced so
    consult: Fact[Consult] | None
    insurance: Fact[bool] | None
    insurers: tuple[str, ...] | None  # accepted in the state asked for
    hsa_fsa: Fact[str] | None
    sitter_required: Fact[bool] | None
    routes: Fact[tuple[str, ...]] | None
    dose_flexibility: Fact[str] | None
    trd_suitability: Fact[str] | None
    data_as_of: date | None
    route: str | None = None  # the route priced: asked for, or the provider's standard route
    other_routes: Mapping[str, Decimal | None] = MappingProxyType({})  # route -> its total or cheapest plan
    not_comparable: Note | None = None  # why the course asked for is not priced (another modality)
    hsa_fsa_disputed: tuple[Fact[str], ...] = ()  # the observations that disagree, oldest first
    max_age: int = DEFAULT_MAX_AGE
    months: int | None = None  # the first months of care priced, if asked for
    #: the rules in force on the course's dates: the state's and federal ones, or federal ones only
    regulation: tuple[RuleEntry, ...] = ()
    client: str = "new"  # who is asking: a returning client books no new client's consultation
    #: the federal flexibilities' end, where the course priced ends just before it (in the state
    #: asked for: its own rules and availability; see :func:`ketacalc.domain.regulation.course_ends`)
    near_end: NearEnd | None = None
    #: the sessions the course buys beyond those asked for that fall after that end (in the state)
    leftover_past_end: LeftoverPastEnd | None = None

    @property
    def stale_list(self) -> bool:
        """The state list the row's availability rests on is older than ``max_age`` before the
        row's date, as a price is stale: "available" on an 18-month-old review's list."""
        a = self.availability
        return a is not None and a.as_of is not None and a.as_of < stale_before(self.as_of, self.max_age)

    @property
    def consult_charge(self) -> Charge | None:
        """The client's consultation charge on the row's date (None: none published, or a
        returning client's, who books none: every consultation published is a new client's)."""
        return self.provider.charge_at("consult", self.as_of, self.client)

    @property
    def consult_fee(self) -> Decimal | None:
        """A new client's consultation fee on the row's date (None: not published)."""
        charge = self.consult_charge
        return charge.amount if charge is not None else None

    @property
    def cost_notes(self) -> tuple[Fact[str], ...]:
        """The data file's notes on the provider's costs, said on or before the row's date."""
        return known_on(self.provider.cost_notes, self.as_of)

    @property
    def provider_notes(self) -> tuple[Fact[str], ...]:
        """The data file's other notes on the provider, said on or before the row's date."""
        return known_on(self.provider.notes, self.as_of)

    @property
    def plan_conditions(self) -> tuple[Note, ...]:
        """Who the plans of the course priced are for (the total rests on it), or, with no
        course, the plans listed, where a source says they are for some people only (Better U's
        Introduction: problems of the last year; Transformation: a year or more)."""
        if self.cost is not None:
            return tuple(n for n in self.cost.notes if n.kind == Kind.PLAN_CONDITION)
        listed = {p.plan.id: p.plan.name for p in self.plans}
        return tuple(
            condition_note(self.provider, c, listed[c.plan])
            for c in known_on(self.provider.plan_conditions, self.as_of)
            if c.plan in listed
        )

    @property
    def other_condition(self) -> Note | None:
        """The same course without those plans: its total, and who the plans bought instead
        are for (None when the course rests on no such plan)."""
        notes = self.cost.notes if self.cost is not None else ()
        return next((n for n in notes if n.kind == Kind.OTHER_CONDITION), None)

    @property
    def daily_low_dose_only(self) -> bool:
        """Every plan is a month of daily low doses, not standard-dose sessions."""
        plans = self.provider.plans
        return bool(plans) and all(p.modality == "daily-low-dose" for p in plans)

    # ---- the figures: of the course priced, else of the cheapest plan listed

    @property
    def total(self) -> Decimal | None:
        if self.cost is not None:
            return self.cost.total
        return None  # without a course there is no total: plans of unlike sizes are not one scale

    @property
    def total_low(self) -> Decimal | None:
        if self.cost is not None:
            return self.cost.total_low
        return self.total

    @property
    def total_high(self) -> Decimal | None:
        if self.cost is not None:
            return self.cost.total_high
        return self.total

    @property
    def per_session(self) -> Decimal | None:
        """With a course: the total over the sessions asked for (see pricing); otherwise the
        lowest price per session of the plans listed."""
        if self.cost is not None:
            return self.cost.per_session
        return None  # per-session and total come from the same course, or there is none

    @property
    def per_covered_session(self) -> Decimal | None:
        """With a course: the total over the sessions it covers; otherwise as ``per_session``."""
        if self.cost is None:
            return self.per_session
        return self.cost.per_covered_session

    @property
    def due_at_signup(self) -> Decimal | None:
        """With a course, what it charges on day one; otherwise (no course asked for, or one
        the row's treatment cannot be priced as) the lowest first payment of the plans listed,
        with a new client's required consultation."""
        if self.cost is not None:
            return self.cost.due_at_signup
        # a row priced by no course (none asked for, or another treatment than the sessions
        # asked for): what starting one of its plans takes, published as it is
        return min((f for f in self.plans_due_at_signup if f is not None), default=None)

    @property
    def plans_due_at_signup(self) -> tuple[Decimal | None, ...]:
        """What starting each plan listed takes on day one: its first payment (None: its terms
        are not published), with a new client's required consultation (audit 2: Isha $398 + $398)."""
        booked = self._booked_consult
        return tuple(
            None if (f := p.first_payment) is None else f + booked if booked is not None else f
            for p in self.plans
        )

    @property
    def consult_in_due_at_signup(self) -> bool:
        """The figure due at sign-up counts a new client's paid consultation (a view says its fee
        is "included" there, never read as owed again)."""
        return self._booked_consult is not None and self.due_at_signup is not None

    @property
    def _booked_consult(self) -> Decimal | None:
        """A new client's required consultation fee, where one is charged (None: none, free, not
        published, or a returning client, who books none)."""
        consult = self.consult_charge
        return consult.amount if consult is not None and consult.required and consult.amount else None

    @property
    def monthly(self) -> Decimal | None:
        """The lowest cost a month of the monthly plans listed (a commitment counted per month)."""
        return min((m for p in self.plans if (m := p.per_month) is not None), default=None)

    @property
    def monthly_commitment(self) -> int | None:
        """The months a buyer must commit to for ``monthly`` (None: month to month)."""
        best = min(
            (p for p in self.plans if p.per_month is not None),
            key=lambda p: (p.per_month, p.observation.installments is not None),
            default=None,
        )
        inst = best.observation.installments if best is not None else None
        return inst.count if inst is not None and inst.count > 1 else None

    @property
    def monthly_flexible(self) -> Decimal | None:
        """The lowest cost a month without a commitment (a plan billed month by month)."""
        return min(
            (
                p.per_month
                for p in self.plans
                if p.per_month is not None and p.observation.installments is None
            ),
            default=None,
        )

    @property
    def modality(self) -> str | None:
        """What the row prices: ``sessions``, another modality (``daily-low-dose``), or None."""
        if self.cost is not None and self.cost.purchases:
            kinds = {p.plan.modality for p in self.cost.purchases}
        else:
            kinds = {p.plan.modality for p in self.plans}
        if not kinds:
            return None
        return SESSIONS if SESSIONS in kinds else sorted(kinds)[0]

    @property
    def comparable(self) -> bool:
        """Whether the row's figures may be ranked beside standard-dose sessions: not when the
        course asked for cannot be priced from its plans, nor when what it prices is another
        treatment (the first months of daily low doses are not months of sessions)."""
        return self.not_comparable is None and self.modality in (SESSIONS, None)

    @property
    def charges(self) -> tuple[Any, ...]:
        return tuple(self.cost.charges) if self.cost is not None else ()

    @property
    def unpriced(self) -> tuple[Any, ...]:
        return tuple(self.cost.unpriced) if self.cost is not None else ()

    @property
    def optional(self) -> tuple[Any, ...]:
        """The charges paid only when they apply (a late cancellation's fee): in no total."""
        return tuple(self.cost.optional) if self.cost is not None else ()

    # ---- the dates of the prices used

    @property
    def price_dates(self) -> list[date]:
        """The date of every price the row's figures use (plans, and charges with a figure); a
        course that could not be priced uses what the row shows without one (its consultation)."""
        if self.cost is not None and self.cost.no_price is None:
            dates = [p.observation.as_of for p in self.cost.purchases]
            dates += [
                d
                for c in self.charges
                if (d := getattr(c, "as_of", None)) is not None and getattr(c, "each", None) != 0
            ]  # a free line (a $0 consultation) prices nothing: it never makes a row stale
            return sorted(dates)
        dates = [p.observation.as_of for p in self.plans]
        consult = self.consult_charge  # shown, and in due_at_signup: a price the row uses
        if consult is not None and consult.as_of is not None and consult.amount:
            dates.append(consult.as_of)
        return sorted(dates)

    @property
    def prices_oldest(self) -> date | None:
        dates = self.price_dates
        return dates[0] if dates else None

    @property
    def prices_newest(self) -> date | None:
        dates = self.price_dates
        return dates[-1] if dates else None

    @property
    def stale(self) -> bool | None:
        """Whether a price used is more than ``max_age`` days older than the as-of date
        (None: no price is used)."""
        oldest = self.prices_oldest
        return None if oldest is None else oldest < stale_before(self.as_of, self.max_age)


class CompareQuery(NamedTuple):
    state: str | None = None
    sessions: int | None = None
    returning: bool = False
    insurer: str | None = None
    as_of: date | None = None
    sort: str = "name"
    include_unavailable: bool = False
    no_sitter: bool = False
    insurance: bool = False
    max_due_at_signup: Decimal | None = None
    route: str | None = None
    pay_in_full: bool = False
    months: int | None = None  # the first M months of care from ``start`` (every modality)
    start: date | None = None  # None: the as-of date (today by default)
    pace: Decimal = DEFAULT_PACE
    max_age: int = DEFAULT_MAX_AGE

    @property
    def client(self) -> str:
        return "returning" if self.returning else "new"


class Standing(NamedTuple):
    """A comparison in brief, from the same rows as the table (a headline words it):
    who may treat, who has prices, and the ranking of like with like only."""

    candidates: tuple[CompareRow, ...]  # serving the state asked for (every row without one)
    maybe: int  # rows whose availability in the state is unknown
    priced: tuple[CompareRow, ...]  # candidates with published prices
    unpriced: tuple[CompareRow, ...]  # candidates without
    filtered: int  # providers left out by the options asked for (not closed, not unavailable)
    ranked: tuple[CompareRow, ...]  # standard-dose session rows with an all-in total, cheapest first
    unlike: tuple[CompareRow, ...]  # another modality: never ranked against sessions
    #: session rows whose total leaves a charge out, estimated beside it (medication): the
    #: total is not what is paid, so it is never ranked (chart's rule too)
    estimated: tuple[CompareRow, ...] = ()


#: why a provider is left out that no option chose: it is not "hidden by the options"
NOT_FILTERED = (Kind.LEFT_OUT_UNAVAILABLE, Kind.LEFT_OUT_CLOSED)


class CompareResult(NamedTuple):
    query: CompareQuery
    as_of: date
    rows: tuple[CompareRow, ...]
    hidden: Mapping[Note, tuple[str, ...]] = MappingProxyType({})  # why -> provider ids

    @property
    def standing(self) -> Standing:
        """Who serves the state, who has prices, and the lowest comparable totals."""
        from ketacalc.domain.eligibility import AVAILABLE, UNKNOWN

        q, rows = self.query, self.rows
        candidates = (
            tuple(r for r in rows if r.availability is not None and r.availability.status == AVAILABLE)
            if q.state
            else rows
        )
        priced = tuple(r for r in candidates if r.plans or (r.cost is not None and r.cost.total is not None))
        sessions = [r for r in candidates if r.comparable and r.total is not None]
        estimated = [r for r in sessions if r.cost is not None and any(x.estimated for x in r.cost.charges)]
        ranked = sorted((r for r in sessions if r not in estimated), key=lambda r: (r.total, r.provider.name))
        return Standing(
            candidates=candidates,
            maybe=sum(1 for r in rows if r.availability is not None and r.availability.status == UNKNOWN),
            priced=priced,
            unpriced=tuple(r for r in candidates if r not in priced),
            filtered=sum(len(ids) for why, ids in self.hidden.items() if why.kind not in NOT_FILTERED),
            ranked=tuple(ranked),
            unlike=tuple(r for r in candidates if not r.comparable),
            estimated=tuple(estimated),
        )

    @property
    def data_dates(self) -> list[date]:
        return sorted({r.data_as_of for r in self.rows if r.data_as_of})

    @property
    def price_dates(self) -> list[date]:
        """The oldest and newest price any row uses (one date, or none)."""
        dates = sorted({d for r in self.rows for d in r.price_dates})
        return sorted({dates[0], dates[-1]}) if dates else []


def _cost_query(query: CompareQuery, as_of: date, today: date, route: str | None, sessions: int) -> CostQuery:
    return restate(query, CostQuery, sessions=sessions, as_of=as_of, start=query.start or as_of, route=route)


def _course(provider: Provider, query: CompareQuery, cq: CostQuery, today: date) -> CostResult:
    if query.months is not None:
        return pricing.price_months(provider, cq, query.months, today=today)
    return price(provider, cq, today=today)


def _course_dates(query: CompareQuery, as_of: date) -> CourseDates:
    """The dates of the course compared: N sessions at the pace, or the first M months,
    from the start; with neither, a course started then is assumed (see ``regulation``)."""
    start = query.start or as_of
    if query.months is not None:
        return months_course(start, query.months)
    if query.sessions is not None:
        return course_dates(start, course_days(query.sessions, query.pace))
    return assumed_course(start)


def _not_comparable(provider: Provider, plans: list[PlanPrice], sessions: int) -> Note | None:
    """Why a course of standard-dose sessions cannot be priced from these plans, if so."""
    if not plans or any(p.plan.modality == SESSIONS for p in plans):
        return None
    return Note(Kind.NOT_SESSIONS, provider=provider.name, modality=plans[0].plan.modality, sessions=sessions)


def _row(catalog: Catalog, provider: Provider, query: CompareQuery, as_of: date, today: date) -> CompareRow:
    route = query.route or provider.standard_route_id()
    plans = plan_prices(provider, as_of, query.client, route)
    # other routes (only when none is asked for and the provider prices routes apart)
    other_ids = (
        sorted({p.route for p in provider.plans if p.route and p.route != route}) if not query.route else []
    )
    others: dict[str, Decimal | None] = {}
    cost, not_comparable = None, None
    if query.sessions is not None:
        not_comparable = _not_comparable(provider, plans, query.sessions)
    if (query.sessions is not None and not_comparable is None) or query.months is not None:
        priced = provider
        if query.sessions is not None:  # only standard-dose sessions make a course of N sessions
            priced = provider._replace(plans=tuple(p for p in provider.plans if p.modality == SESSIONS))
        count = query.sessions or 1
        cost = _course(priced, query, _cost_query(query, as_of, today, route, count), today)
        for other in other_ids:
            others[other] = _course(
                priced, query, _cost_query(query, as_of, today, other, count), today
            ).total
    else:
        for other in other_ids:
            listed = [p for p in plan_prices(provider, as_of, query.client, other) if p.plan.route == other]
            if listed:
                others[other] = lowest_total(listed)
    # a row of another modality has no course of N sessions (it says so): it is checked on a
    # course started then, said as assumed, never on N weekly sessions it does not sell
    dates = _course_dates(query, as_of) if not_comparable is None else assumed_course(query.start or as_of)
    available = availability(catalog, provider, query.state, as_of, dates) if query.state else None
    regulation = available.regulation if available else rules_for(catalog, "", dates, as_of)
    ending: tuple[NearEnd | None, LeftoverPastEnd | None] = (None, None)
    if cost is not None and cost.total is not None:
        ending = cost.ends(catalog, regulation, available.status if available is not None else None)
    return CompareRow(
        provider=provider,
        as_of=as_of,
        status=newest(provider.status, as_of),
        availability=available,
        regulation=regulation,
        near_end=ending[0],
        leftover_past_end=ending[1],
        plans=tuple(plans),
        cost=cost,
        # how a new client's consultation is paid: a returning client books none
        consult=newest(provider.consult, as_of) if query.client == "new" else None,
        insurance=newest(provider.insurance, as_of),
        insurers=insurers_in(provider, query.state, as_of) if query.state else None,
        hsa_fsa=newest(provider.hsa_fsa, as_of),
        sitter_required=newest(provider.sitter_required, as_of),
        routes=newest(provider.routes, as_of),
        dose_flexibility=own_word_first(provider.dose_flexibility, as_of, catalog.sources),
        trd_suitability=own_word_first(provider.trd_suitability, as_of, catalog.sources),
        data_as_of=data_as_of(provider, as_of),
        # the route the figures are for: only a provider that prices routes apart has one (as
        # in ``cost``); one with no plans, or the same prices for every route, has none
        route=route if any(p.route for p in provider.plans) else None,
        other_routes=others,
        not_comparable=not_comparable,
        hsa_fsa_disputed=disputed(provider.hsa_fsa, as_of, catalog.sources),
        max_age=query.max_age,
        months=query.months,
        client=query.client,
    )


#: facts that are ratings: a third party's (tier B or C) is its opinion, never a fact
RATINGS = ("dose_flexibility", "trd_suitability")


def own_word_first(
    facts: Iterable[Fact[T]], as_of: date | None, sources: Mapping[str, Any]
) -> Fact[T] | None:
    """The provider's own word (a tier A source) on a rating, else the newest third-party one:
    Joyous's own "10-120 mg" is shown before a guide's "low, capped"."""
    seen = list(facts)
    own = newest((f for f in seen if getattr(sources.get(f.source), "tier", None) == "A"), as_of)
    return own if own is not None else newest(seen, as_of)


def is_opinion(fact: Fact[Any] | None, sources: Mapping[str, Any]) -> bool:
    """Whether a rating comes from a third party (not tier A): its opinion, labelled so."""
    return fact is not None and getattr(sources.get(fact.source), "tier", None) != "A"


def _accepts_insurance(row: CompareRow, query: CompareQuery) -> bool:
    if row.insurance is None or not row.insurance.value:
        return False
    if query.state is None:
        return True
    if not row.insurers:
        return False
    return query.insurer is None or match_insurer(query.insurer, row.insurers) is not None


_SORT_FIELD = {
    "total": "total", "total-low": "total_low", "total-high": "total_high", "per-session": "per_session",
    "due-at-signup": "due_at_signup",
}  # fmt: skip


def _sort_key(row: CompareRow, key: str) -> tuple[int, Decimal, str]:
    name = row.provider.name.casefold()
    if key == "name":
        return (0, Decimal(0), name)
    value: Decimal | None = getattr(row, _SORT_FIELD[key])
    # unknown values, and rows not comparable with the course asked for (another treatment,
    # ranked beside none of the others), sort last
    if value is None or not row.comparable:
        return (2, Decimal(0), name)
    # a total that leaves a charge out (medication estimated beside it) is not what is paid:
    # sorted by it, it comes after every total that is, as the headline never ranks it
    # (total-low and total-high count the estimate: those rows sort among the others there)
    if (
        key in ("total", "per-session")
        and row.cost is not None
        and any(x.estimated for x in row.cost.charges)
    ):
        return (1, value, name)
    return (0, value, name)


def compare(catalog: Catalog, query: CompareQuery, *, today: date) -> CompareResult:
    if query.sort not in SORT_KEYS:
        raise ValueError(f"unknown sort key {query.sort!r}")
    if query.sessions is not None and query.months is not None:
        raise ValueError("a comparison is of sessions or of months, not both")
    as_of = query.as_of or today
    hidden: dict[Note, list[str]] = {}

    def hide(reason: Note, row: Provider) -> None:
        hidden.setdefault(reason, []).append(row.id)

    rows = []
    for provider in catalog.providers:
        status = newest(provider.status, as_of)
        if status is not None and status.value == "closed":
            hide(Note(Kind.LEFT_OUT_CLOSED), provider)
        elif query.route is not None and not offers_route(provider, query.route, as_of):
            hide(Note(Kind.LEFT_OUT_NO_ROUTE, route=query.route), provider)
        else:
            try:
                rows.append(_row(catalog, provider, query, as_of, today))
            except ScheduleOutOfRange as exc:  # many are priced: say whose schedule it is
                raise ScheduleOutOfRange(exc.sessions, exc.unit, provider.name) from None
    kept = []
    for row in rows:
        if (
            row.availability is not None
            and row.availability.status == UNAVAILABLE
            and not query.include_unavailable
        ):
            hide(Note(Kind.LEFT_OUT_UNAVAILABLE, state=query.state), row.provider)
        elif query.no_sitter and (row.sitter_required is None or row.sitter_required.value is not False):
            hide(Note(Kind.LEFT_OUT_SITTER), row.provider)
        elif query.insurance and not _accepts_insurance(row, query):
            if row.insurance is None:  # nothing published: unknown, not "no"
                hide(Note(Kind.LEFT_OUT_INSURANCE_UNKNOWN), row.provider)
            else:
                hide(Note(Kind.LEFT_OUT_NO_INSURANCE, state=query.state), row.provider)
        elif query.max_due_at_signup is not None and (
            row.due_at_signup is None or row.due_at_signup > query.max_due_at_signup
        ):
            hide(Note(Kind.LEFT_OUT_DUE_AT_SIGNUP, limit=query.max_due_at_signup), row.provider)
        else:
            kept.append(row)
    kept.sort(key=lambda r: _sort_key(r, query.sort))
    return CompareResult(query, as_of, tuple(kept), {k: tuple(v) for k, v in hidden.items()})


# --------------------------------------------------------------- one line per provider


class ProviderOverview(NamedTuple):
    """What ``providers`` shows of one provider on a date."""

    provider: Provider
    status: Fact[str] | None
    plans: tuple[PlanPrice, ...]  # each plan a new client can buy, with its price: never one "lowest"
    states: StateSummary
    data_as_of: date | None
    oldest_price_as_of: date | None = None  # the oldest of the prices in force (one per plan)
    stale: bool | None = None  # that price is older than the staleness limit (None: no price), as compare's
    plan_conditions: tuple[Note, ...] = ()  # who a plan listed is for, where a source says some only


def lowest_total(plans: Iterable[PlanPrice]) -> Decimal | None:
    """The lowest price of the plans given: the one rule for a "lowest total"."""
    return min((p.observation.price for p in plans), default=None)


def data_as_of(provider: Provider, as_of: date) -> date | None:
    """The newest date of any figure of the provider on or before ``as_of``."""
    return max((d for d in provider.observed_dates() if d <= as_of), default=None)


def plan_prices(
    provider: Provider, as_of: date, client: str = "new", route: str | None = None
) -> list[PlanPrice]:
    """The plans a client can buy (on a route), each with its price on ``as_of``.
    Returning clients whose provider lists no returning plan pay new-client prices."""
    routed = provider.plans_for_route(route)
    terms = newest(provider.payment_terms, as_of)
    at_purchase = terms is not None and terms.value == "at-purchase"
    priced = [PlanPrice(p, o, at_purchase) for p in routed if (o := newest(p.prices, as_of)) is not None]
    open_to = [p for p in priced if p.plan.open_to(client)]
    return priced if client == "returning" and not open_to else open_to


def oldest_price_as_of(provider: Provider, as_of: date) -> date | None:
    """The oldest date among the prices in force on ``as_of`` (the newest price of each plan):
    how old the oldest figure a cost may use is."""
    return min((o.as_of for p in provider.plans if (o := newest(p.prices, as_of)) is not None), default=None)


def overview(catalog: Catalog, as_of: date) -> list[ProviderOverview]:
    return [_overview(p, as_of) for p in catalog.providers]


def _overview(p: Provider, as_of: date) -> ProviderOverview:
    plans = tuple(plan_prices(p, as_of, "new"))
    oldest = oldest_price_as_of(p, as_of)
    listed = {pp.plan.id: pp.plan.name for pp in plans}
    return ProviderOverview(
        provider=p,
        status=newest(p.status, as_of),
        plans=plans,
        states=summary(p, as_of),
        data_as_of=data_as_of(p, as_of),
        oldest_price_as_of=oldest,
        stale=None if oldest is None else oldest < stale_before(as_of, DEFAULT_MAX_AGE),
        plan_conditions=tuple(
            condition_note(p, c, listed[c.plan])
            for c in known_on(p.plan_conditions, as_of)
            if c.plan in listed
        ),
    )
