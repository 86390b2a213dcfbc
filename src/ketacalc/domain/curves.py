"""Cost curves: the total cost of N sessions (or of the first M months of care), for
every provider a comparison lists.

Pure core code: no printing, no exiting. The providers are those ``compare``
lists for the same filters; each is priced with one pricer for the whole range
(``price_many``), so a range costs one pass. The points are the real totals of
``cost`` for each N, so a curve steps where a package is bought.

Honest curves: a provider whose price is unknown is left out with a note (never
drawn as zero), and daily low-dose plans, which sell a month of small daily
doses rather than standard-dose sessions, are not put on a sessions axis.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import NamedTuple

from ketacalc.data.catalog import Catalog, Plan, Provider, known_on
from ketacalc.domain.course import DEFAULT_MAX_AGE, DEFAULT_PACE, restate
from ketacalc.domain.notes import Kind, Note
from ketacalc.domain.regulation import RuleEntry
from ketacalc.errors import ScheduleOutOfRange

UNITS = ("sessions", "months")
DEFAULT_RANGE = tuple(range(1, 37))

Point = tuple[int, Decimal | None]


class CurveQuery(NamedTuple):
    """What to draw: a range of N and the filters ``compare`` takes."""

    counts: tuple[int, ...] = DEFAULT_RANGE
    unit: str = "sessions"  # "sessions": N sessions; "months": the first M months of care, every modality
    state: str | None = None
    returning: bool = False
    insurer: str | None = None
    route: str | None = None
    no_sitter: bool = False
    insurance: bool = False
    include_unavailable: bool = False
    pay_in_full: bool = False
    as_of: date | None = None
    start: date | None = None  # None: the as-of date, today by default (the first M months run from here)
    pace: Decimal = DEFAULT_PACE
    max_age: int = DEFAULT_MAX_AGE


class Series(NamedTuple):
    """One provider's curve: ``points`` are ``(n, total)``, total None where unknown."""

    id: str
    name: str
    points: tuple[Point, ...]
    notes: tuple[Note, ...] = ()  # what the reader must know of this curve
    prices_as_of: date | None = None  # the newest price date any point uses
    oldest_price: date | None = None  # the oldest
    modality: str | None = None  # sessions, daily-low-dose, mixed
    estimated: tuple[str, ...] = ()  # kinds of charge estimated beside the drawn totals (medication)
    stale: bool = False  # a price used is older than the staleness limit
    insured: bool = False  # some point uses an insurance price
    availability: str | None = None  # in the state asked for: available, unknown, unavailable
    route: str | None = None  # the route priced: asked for, or the provider's standard one
    #: the low and high totals of each point (estimated charges in them: medication), in the
    #: points' order; () when nothing is estimated (each the point's total)
    bounds: tuple[tuple[Decimal | None, Decimal | None], ...] = ()
    #: who a plan the line may rest on is for, where a source says some people only (its notes
    #: say it in words): Kind.PLAN_CONDITION notes, as compare's rows carry them
    plan_conditions: tuple[Note, ...] = ()
    #: each point's pricing, in the points' order: self-pay, insurance or mixed (None: no total)
    pricings: tuple[str | None, ...] = ()

    @property
    def insured_label(self) -> str | None:
        """``insured prices`` when every point drawn is insured, ``partly insured prices`` when
        some are (an insurer's prices cover some courses only), else None."""
        known = {p for p in self.pricings if p is not None}
        if not known & {"insurance", "mixed"}:
            return None
        return "insured prices" if known == {"insurance"} else "partly insured prices"

    def bounds_at(self, index: int) -> tuple[Decimal | None, Decimal | None]:
        """The low and high totals of the point at ``index``."""
        return self.bounds[index] if self.bounds else (self.points[index][1],) * 2

    @property
    def known(self) -> tuple[tuple[int, Decimal], ...]:
        return tuple((n, t) for n, t in self.points if t is not None)


class Ranking(NamedTuple):
    """Where each comparable curve is the cheapest, and why the others are not ranked."""

    ranked: tuple[Series, ...]  # the comparable curves (one alone is ranked against nothing)
    cheapest_from: tuple[tuple[str, int], ...]  # (name, the first N where it is the cheapest)
    not_ranked: tuple[Note, ...]


class CurveResult(NamedTuple):
    query: CurveQuery
    as_of: date
    series: tuple[Series, ...]
    notes: tuple[Note, ...] = ()  # providers left out, and why
    left_out: tuple[str, ...] = ()  # ids of providers listed but not drawn
    #: n -> the rules on the dates of a course of n (sessions at one a week, or months) started today
    regulation: dict[int, tuple[RuleEntry, ...]] = {}  # noqa: RUF012 - never mutated

    def regulation_at(self, n: int) -> tuple[RuleEntry, ...]:
        return self.regulation.get(n, ())

    @property
    def ranking(self) -> Ranking:
        """Who is cheapest where, among comparable curves only (like with like)."""
        ranked, not_ranked = comparable(self)
        counts = sorted({n for s in ranked for n, t in s.points if t is not None})
        if len(ranked) < 2 or not counts:  # one comparable line is the cheapest of nothing
            return Ranking(tuple(ranked), (), tuple(not_ranked))
        first = min((t, s.name) for s in ranked for n, t in s.points if n == counts[0] and t is not None)[1]
        starts = [(first, counts[0]), *((now, n) for n, _was, now in crossings(self, ranked))]
        return Ranking(ranked, tuple(starts), tuple(not_ranked))

    @property
    def unit(self) -> str:
        return self.query.unit

    @property
    def top(self) -> Decimal | None:
        """The largest known total (the top of the y axis), None when nothing is drawn."""
        return max((t for s in self.series for _, t in s.known), default=None)

    @property
    def prices_as_of(self) -> list[date]:
        """The oldest and newest price date any point uses (one date, or none)."""
        dates = {d for s in self.series for d in (s.oldest_price, s.prices_as_of) if d is not None}
        return sorted({min(dates), max(dates)}) if dates else []


def is_daily_low_dose(plan: Plan) -> bool:
    """A month of daily very-low doses, not standard-dose sessions (the plan's modality)."""
    return plan.modality == "daily-low-dose"


def _sessions_only(provider: Provider) -> tuple[Provider | None, Note | None]:
    """The provider with its daily low-dose plans taken out (None if nothing is left),
    and a note saying what was taken out."""
    low_dose = [p for p in provider.plans if is_daily_low_dose(p)]
    if not low_dose:
        return provider, None
    if len(low_dose) == len(provider.plans):
        return None, Note(Kind.LOW_DOSE_NOT_DRAWN, provider=provider.name, plans=None)
    kept = tuple(p for p in provider.plans if not is_daily_low_dose(p))
    names = tuple(p.name for p in low_dose)
    return provider._replace(plans=kept), Note(Kind.LOW_DOSE_NOT_DRAWN, provider=provider.name, plans=names)


#: notes of the insurance asked for: what a curve's prices are, never why one has none
_INSURANCE_KINDS = frozenset(
    {Kind.INSURANCE, Kind.NO_INSURERS_PUBLISHED, Kind.NO_INSURERS_IN_STATE, Kind.INSURER_NOT_LISTED}
)


def curves(catalog: Catalog, query: CurveQuery, *, today: date) -> CurveResult:
    """The curves for every provider ``compare`` lists with the same filters."""
    from ketacalc.domain.compare import CompareQuery, compare
    from ketacalc.domain.pricenotes import condition_note
    from ketacalc.domain.pricing import CostQuery, ProviderPricer

    if query.unit not in UNITS:
        raise ValueError(f"unknown unit {query.unit!r}; use one of {', '.join(UNITS)}")
    if not query.counts:
        raise ValueError(f"no {query.unit} to price")
    counts = sorted(set(query.counts))
    listed = compare(catalog, restate(query, CompareQuery), today=today)
    notes: list[Note] = [
        Note(Kind.NOT_LISTED, reason=reason, providers=ids) for reason, ids in listed.hidden.items()
    ]
    series: list[Series] = []
    left_out: list[str] = []
    cost_query = restate(query, CostQuery, sessions=counts[0])
    months = query.unit == "months"
    for row in listed.rows:
        # a month of care has a price in every modality; a session only in sessions plans
        provider, low_dose_note = (row.provider, None) if months else _sessions_only(row.provider)
        if provider is None:
            left_out.append(row.provider.id)
            if low_dose_note is not None:
                notes.append(low_dose_note)
            continue
        points: list[Point] = []
        bounds: list[tuple[Decimal | None, Decimal | None]] = []
        reasons: dict[Note, None] = {}
        dates: set[date] = set()
        pricing: set[str] = set()
        modalities: set[str] = set()
        estimated: dict[str, None] = {}
        stale = False
        pricer = ProviderPricer(provider, cost_query, today)
        pricings: list[str | None] = []  # each point's: self-pay, insurance or mixed (None: no total)
        for n in counts:
            try:
                result = pricer.price_months(n) if months else pricer.point(n)
            except ScheduleOutOfRange as exc:  # many are drawn: say whose schedule it is
                raise ScheduleOutOfRange(exc.sessions, exc.unit, provider.name) from None
            points.append((n, result.total))
            bounds.append((result.total_low, result.total_high))
            pricings.append(result.pricing if result.total is not None else None)
            if result.total is None:  # why it has no total (not the insurance notes said before it)
                why = [note for note in result.notes if note.kind not in _INSURANCE_KINDS]
                reasons.update(dict.fromkeys(why[:1]))
            else:
                pricing.add(result.pricing)
                modalities.add(result.modality or "")
                estimated.update((line.kind, None) for line in result.charges if line.estimated)
                stale = stale or result.stale
                dates.update(d for d in (result.oldest_price, result.prices_as_of) if d is not None)
        missing = [n for n, total in points if total is None]
        if len(missing) == len(points):
            left_out.append(provider.id)
            notes.append(Note(Kind.NOT_DRAWN, provider=provider.name, reasons=tuple(reasons)))
            continue
        series_notes = [low_dose_note] if low_dose_note else []
        if estimated:
            series_notes.append(Note(Kind.ESTIMATED_APART, provider=provider.name, charges=tuple(estimated)))
        if missing:
            series_notes.append(
                Note(Kind.COST_UNKNOWN_FOR, provider=provider.name, counts=tuple(missing), unit=query.unit)
            )
        # plans this client may buy (a returning client buys no new client's plan)
        names = {p.id: p.name for p in provider.plans if p.open_to(cost_query.client)}
        conditions = tuple(
            condition_note(provider, c, names[c.plan])
            for c in known_on(provider.plan_conditions, listed.as_of)
            if c.plan in names
        )
        if conditions:  # the cheapest course at an N may rest on one: the line is not everyone's
            conditioned = tuple((n.plan, n.condition) for n in conditions)
            series_notes.append(Note(Kind.CONDITIONS_DRAWN, provider=provider.name, plans=conditioned))
        others = sorted({p.route for p in provider.plans if p.route and p.route != row.route})
        if others and row.route and not query.route:  # the route is the person's choice: said
            series_notes.append(
                Note(Kind.ROUTE_DRAWN, provider=provider.name, route=row.route, others=tuple(others))
            )
        if query.insurer and pricing != {"insurance"}:
            partly = "mixed" in pricing or "insurance" in pricing
            series_notes.append(Note(Kind.SELF_PAY_PRICES, provider=provider.name, partly=partly))
        series.append(
            Series(
                id=provider.id,
                name=provider.name,
                points=tuple(points),
                notes=tuple(series_notes),
                prices_as_of=max(dates) if dates else None,
                oldest_price=min(dates) if dates else None,
                modality=modalities.pop() if len(modalities) == 1 else ("mixed" if modalities else None),
                estimated=tuple(estimated),
                stale=stale,
                insured=bool(pricing & {"insurance", "mixed"}),
                pricings=tuple(pricings),
                bounds=tuple(bounds) if estimated else (),
                availability=row.availability.status if row.availability is not None else None,
                route=row.route,
                plan_conditions=conditions,
            )
        )
    if any(s.modality == "sessions" for s in series):  # a low dose beside them: not alike, said so
        series = [
            s
            if s.modality in ("sessions", None)
            else s._replace(notes=(*s.notes, Note(Kind.LOW_DOSE_DRAWN, provider=s.name)))
            for s in series
        ]
    return CurveResult(
        query=query,
        as_of=listed.as_of,
        series=tuple(series),
        notes=tuple(dict.fromkeys(notes)),
        left_out=tuple(left_out),
        regulation=_regulation(catalog, query, counts, listed.as_of, today),
    )


def _regulation(
    catalog: Catalog, query: CurveQuery, counts: list[int], as_of: date, today: date
) -> dict[int, tuple[RuleEntry, ...]]:
    """The rules on the dates of each course drawn (from ``start``, default today, at the pace):
    the state's and federal ones, or federal ones only without a state."""
    from ketacalc.domain.regulation import course_dates, months_course, rules_for
    from ketacalc.domain.schedule import course_days

    start = query.start or as_of
    found = {}
    for n in counts:
        course = (
            months_course(start, n)
            if query.unit == "months"
            else course_dates(start, course_days(n, query.pace))
        )
        found[n] = rules_for(catalog, query.state or "", course, as_of)
    return found


def comparable(result: CurveResult) -> tuple[tuple[Series, ...], list[Note]]:
    """The series a "cheapest" line may rank, and why each other one is left out: only
    providers known to serve the state asked for, standard-dose sessions (a daily low-dose
    plan is another treatment), and none whose total leaves an estimated charge out. An
    insured line is ranked, said to be insured, as compare ranks it: it is what the person
    who named the insurer pays (one rule for every command)."""
    kept: list[Series] = []
    why: list[Note] = []
    state = result.query.state
    # each test weighs a line only against those that passed the tests before it
    serving = [s for s in result.series if not state or s.availability == "available"]
    sessions = any(s.modality == "sessions" for s in serving)
    for s in result.series:
        if state and s.availability != "available":  # drawn (it may serve), never "cheapest"
            why.append(Note(Kind.NOT_RANKED_NOT_SERVING, provider=s.name, status=s.availability, state=state))
        elif sessions and s.modality != "sessions":
            why.append(Note(Kind.NOT_RANKED_LOW_DOSE, provider=s.name))
        elif s.estimated:
            why.append(Note(Kind.NOT_RANKED_ESTIMATED, provider=s.name, charges=s.estimated))
        else:
            kept.append(s)
    return tuple(kept), why


def crossings(result: CurveResult, series: tuple[Series, ...] | None = None) -> list[tuple[int, str, str]]:
    """Where the cheapest provider changes along the range: ``(n, was, now)`` by name.

    One pass over the points (each N's known totals gathered first), so a range of
    10,000 costs ten times one of 1,000."""
    ranked = result.series if series is None else series
    known_at: dict[int, list[tuple[Decimal, str]]] = {}
    for s in ranked:
        for n, t in s.points:
            known = known_at.setdefault(n, [])
            if t is not None:
                known.append((t, s.name))
    changes: list[tuple[int, str, str]] = []
    cheapest: str | None = None
    for n in sorted(known_at):
        known = known_at[n]
        if not known:
            continue
        low = min(t for t, _ in known)
        names = sorted(name for t, name in known if t == low)
        if cheapest is not None and cheapest not in names:
            changes.append((n, cheapest, names[0]))
            cheapest = names[0]
        elif cheapest is None:
            cheapest = names[0]
    return changes
