"""The pricing engine: the cheapest way to buy N sessions (or M months), all in.

Pure core code: ``Decimal`` money, no printing, no exiting.

A course of N sessions is a sequence of plan purchases covering at least N
sessions. A new client's first purchase must be a plan open to new clients;
every later purchase, and every purchase by a returning client, uses plans open
to returning clients (or, where a provider lists none, the new-client plans).
Among all such courses ketacalc picks the lowest total, then the most sessions
covered, then the fewest purchases (see :mod:`ketacalc.domain.optimiser`).

Only ``regular`` prices and ``promo`` prices still in force are charged; a
``starting`` or ``pay_in_full`` figure is a quote, shown as a note. A provider
whose plans differ by delivery route is priced on the route asked for, or on
its standard route, never on a cheaper one silently. Consultations, fees and
medication are added by :mod:`ketacalc.domain.charges`.

A course is kept as runs of identical purchases, so its total, payments and
first and last due dates cost the same to compute for 6 sessions or 10,000;
``purchases`` and ``schedule`` are listed one by one only when asked for.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from ketacalc.data.catalog import Fact, Provider, known_on, newest
from ketacalc.domain.charges import (
    COUNT_AT,
    ChargeLine,
    Charges,
    Span,
    charge_line,
    counted_lines,
    sitter_line,
)
from ketacalc.domain.course import (
    DAILY_LOW_DOSE,
    DEFAULT_MAX_AGE,
    DEFAULT_PACE,
    CostQuery,
    CostResult,
    Offer,
    Payment,
    Purchase,
    Run,
    RunTerms,
    course_runs,
    course_terms,
    dated_runs,
    last_due,
    payment_terms,
    plan_lines,
    price_of,
    stale_before,
)
from ketacalc.domain.notes import Kind, Note
from ketacalc.domain.optimiser import Optimiser, Option
from ketacalc.domain.pricenotes import (
    condition_note,
    insurance_applies,
    price_notes,
    quote_notes,
    signup_notes,
)
from ketacalc.domain.schedule import add_months, course_days, last_day_of_care, sessions_within
from ketacalc.domain.stopping import ledger
from ketacalc.errors import InvalidInput, KetacalcError, NoPrice, RouteNotOffered, ScheduleOutOfRange
from ketacalc.money import ZERO, money_display
from ketacalc.vocab import route_ids

if TYPE_CHECKING:
    from ketacalc.data.catalog import Catalog
    from ketacalc.domain.eligibility import Availability
    from ketacalc.domain.regulation import LeftoverPastEnd, NearEnd, RuleEntry

__all__ = [
    "DEFAULT_MAX_AGE", "DEFAULT_PACE", "ChargeLine", "CostQuery", "CostResult", "Optimiser", "Option",
    "Payment", "ProviderPricer", "Purchase", "add_months", "insurance_applies", "price", "price_many",
    "price_months", "require_price",
]  # fmt: skip


# --------------------------------------------------------------- pricing a provider


def routes_of(provider: Provider, as_of: date) -> list[str]:
    """The route ids the provider delivers by: its plans' routes, else those its
    newest ``routes`` fact names (``oral`` is tablet and troche)."""
    planned = sorted({p.route for p in provider.plans if p.route})
    if planned:
        return planned
    fact = newest(provider.routes, as_of)
    named = [route_ids(text) or () for text in fact.value] if fact is not None else []
    return sorted({r for ids in named for r in ids})


def offers_route(provider: Provider, route: str, as_of: date) -> bool:
    """Whether the provider may deliver by ``route``: it has plans for it (or plans priced
    the same for every route), and its newest routes fact includes it. Words of the fact that
    name no route (``taken daily``) say nothing; a fact none of whose words names a route
    leaves it unknown (kept, as no fact does)."""
    if provider.plans and not provider.plans_for_route(route):
        return False
    fact = newest(provider.routes, as_of)
    named = [ids for text in fact.value if (ids := route_ids(text)) is not None] if fact is not None else []
    return not named or any(route in ids for ids in named)


class CostPoint(NamedTuple):
    """A course as a cost curve draws it (see :meth:`ProviderPricer.point`)."""

    total: Decimal | None
    pricing: str
    prices_as_of: date | None
    oldest_price: date | None
    notes: tuple[Note, ...]  # only when the total is unknown: why
    modality: str | None = None
    charges: tuple[ChargeLine, ...] = ()  # the charges besides the plans (a plan is never estimated)
    stale: bool = False

    @property
    def total_low(self) -> Decimal | None:
        """The total with the low end of each estimated charge (as ``CostResult.total_low``)."""
        if self.total is None:
            return None
        return self.total + sum((c.low for c in self.charges if c.low is not None), ZERO)

    @property
    def total_high(self) -> Decimal | None:
        """The total with the high end of each estimated charge (as ``CostResult.total_high``)."""
        if self.total is None:
            return None
        return self.total + sum((c.high for c in self.charges if c.high is not None), ZERO)


class _Shape(NamedTuple):
    """What the courses of a pricer that buy the same plans in the same order share (see
    :meth:`ProviderPricer._shape_of`)."""

    parts: tuple[RunTerms, ...]
    run_notes: dict[Note, None]  # an ordered set: never changed
    plan_lines: tuple[tuple[ChargeLine, tuple[int, ...]], ...]  # a plan line, and the runs it counts
    price_notes: tuple[Note, ...]  # the quotes' notes, then those of the prices used
    quotes: int  # how many of price_notes are the quotes'
    condition_notes: dict[Note, None]


class ProviderPricer:
    """Prices one provider for one set of options; reusable across many N.

    With ``keep``, the last ``keep`` courses priced (one per N) are kept: pricing N
    again from another start only moves their dates (what ``batch`` does).

    Raises :class:`~ketacalc.errors.InvalidInput` (field ``discount``) when the
    promo discount is not below the price of every plan a first purchase can be.
    """

    #: the shapes of courses (plans bought, in order) a pricer keeps worked out; past it, it starts over
    SHAPES = 512

    def __init__(
        self,
        provider: Provider,
        query: CostQuery,
        today: date,
        *,
        catalog: Catalog | None = None,
        alternatives: bool = True,
        keep: int = 0,
    ) -> None:
        self.provider = provider
        self.query = query
        self.as_of = query.as_of or today
        self.start = query.start or self.as_of  # a course asked of another day starts then
        self.today = today
        self.notes: list[Note] = []
        self.no_price: NoPrice | None = None
        standard = provider.standard_route_id()
        self.route = query.route or standard
        insured, note = insurance_applies(provider, query, self.as_of)
        if note:
            self.notes.append(note)
        plans = provider.plans_for_route(self.route)
        refused = (
            query.route is not None and plans != () and not offers_route(provider, query.route, self.as_of)
        )
        if refused:
            plans = ()
        elif query.route and plans and all(p.route is None for p in provider.plans):
            self.notes.append(Note(Kind.SAME_PRICE_EVERY_ROUTE, provider=provider.name))
            self.route = None
        offers: list[Offer] = []
        for plan in plans:
            obs, plan_insured = price_of(plan, self.as_of, insured)
            if obs is not None:
                offers.append(Offer(plan, obs, plan_insured, query.pay_in_full))
        if insured and any(not o.insured for o in offers):
            missing = tuple(o.plan.name for o in offers if not o.insured)
            self.notes.append(Note(Kind.NO_INSURANCE_PRICE, plans=missing))
        self.offers = offers
        new = [o for o in offers if o.plan.open_to("new")]
        returning = [o for o in offers if o.plan.open_to("returning")]
        if not returning and new:
            returning = new
            self.notes.append(Note(Kind.NO_RETURNING_PLAN, provider=provider.name))
        self.first = returning if query.returning else new
        self.later = returning
        if not offers:
            self.no_price = self._unpriced()
        elif not self.first:
            self.no_price = NoPrice(
                provider.name,
                f"{provider.name} lists no plan open to {query.client} clients",
                "price it for the other kind of client" if offers else "",
            )
        if self.no_price is not None:
            self.notes.append(
                Note(Kind.NO_PRICE, reason=self.no_price.message, fix=self.no_price.fix or None)
            )
        self._check_discount()
        # the optimiser sees what is really charged, so discounts can change which plans win
        self.optimiser = Optimiser(
            [Option(o.charged - query.discount, o.plan.sessions) for o in self.first],
            [Option(o.charged, o.plan.sessions) for o in self.later],
        )
        monthly_first = [o for o in self.first if o.plan.billing == "monthly"]
        monthly_later = [o for o in self.later if o.plan.billing == "monthly"]
        self._monthly = (monthly_first, monthly_later) if monthly_first else None
        self._by_months: Optimiser | None = None
        self.charges = Charges.of(provider, self.as_of, query.client)
        self._counted = tuple(charge_line(c) for c in self.charges.counted)  # one each: counted per course
        self.availability: Availability | None = None
        self.catalog = catalog
        if catalog is not None and query.state is not None:
            from ketacalc.domain.eligibility import availability

            self.availability = availability(catalog, provider, query.state, self.as_of)
        self._shared: (
            tuple[str | None, tuple[ChargeLine, ...], tuple[ChargeLine, ...], dict[Note, None]] | None
        ) = None
        #: the optional charges sold to self-pay patients only (``check`` allows the mark on
        #: optional ones alone): none is listed beside an insured course
        self._self_pay_only = frozenset(c.id for c in self.charges.optional if c.self_pay_only)
        # an offer's payments at a charge, with the notes they bring: shared by every course
        self._shapes: dict[tuple[Any, ...], _Shape] = {}
        self._said: dict[str, Note] = {}  # the notes of its shapes, by their repr: each once
        self._terms_memo: dict[
            tuple[int, Decimal], tuple[tuple[tuple[Decimal, int], ...], bool, tuple[Note, ...]]
        ] = {}
        at_purchase = self._at_purchase()
        if at_purchase is not None and not query.pay_in_full and self.offers:
            self.notes.append(
                Note(
                    Kind.PAID_AT_PURCHASE,
                    source=at_purchase.source,
                    as_of=at_purchase.as_of,
                    provider=provider.name,
                )
            )
        self._others: dict[str, ProviderPricer] | None = None
        # up to ``keep`` courses, one per N, priced once: another start only moves the dates
        self._keep = keep
        self._courses: dict[int, CostResult] = {}
        self._unknown: CostPoint | None = None
        if alternatives and query.route is None and standard is not None and self.no_price is None:
            self._others = {}
            self._standard = newest([provider.standard_route] if provider.standard_route else [])
        # plans for some people only (Better U's Introduction: problems of the last year), by id:
        # a course bought on one is priced without it too, for the others
        conditioned = {c.plan: c for c in known_on(provider.plan_conditions, self.as_of)}
        self._conditioned = conditioned if alternatives else {}
        self._without: dict[frozenset[str], ProviderPricer] = {}

    def in_state(self, state: str, catalog: Catalog) -> ProviderPricer:
        """This pricer for a person in ``state`` (its own query names no state and no insurer,
        so the state changes nothing but the provider's availability there and the rules on
        each course's dates): the same courses, sharing what this pricer works out once (its
        table of best courses, its courses' shapes and payment terms, its other routes)."""
        from ketacalc.domain.eligibility import availability

        assert self.query.state is None and self.query.insurer is None, "a pricer of no state"
        other = ProviderPricer.__new__(ProviderPricer)
        other.__dict__.update(self.__dict__)
        other.query = self.query._replace(state=state)
        other.catalog = catalog
        other.availability = availability(catalog, self.provider, state, self.as_of)
        other._courses = {}  # a course keeps its query and availability: each pricer its own
        other._unknown = None
        return other

    # ----------------------------------------------------------- checks and reasons

    def _unpriced(self) -> NoPrice:
        name = self.provider.name
        closed = closed_fact(self.provider, self.as_of)
        if closed is not None:
            return NoPrice(name, closed_text(self.provider, closed), "compare the providers still operating")
        if not self.provider.plans:
            # fees known without a price for the sessions (Journey Clinical's consultation and
            # refills, as a partner practice republished them): said, not "no prices"
            fees = any(c.amount or c.high for c in self.provider.charges)
            said = (
                f"{name}: no price for its sessions is published, only some fees"
                if fees
                else f"{name} publishes no prices"
            )
            return NoPrice(name, f"{said}; the cost is unknown", "")
        if self.route and not (
            self.provider.plans_for_route(self.route) and offers_route(self.provider, self.route, self.as_of)
        ):
            return RouteNotOffered(name, self.route, routes_of(self.provider, self.as_of))
        dates = [o.as_of for p in self.provider.plans for o in p.prices]
        fix = f"price it on or after {min(dates).isoformat()}, its first dated price" if dates else ""
        first = min(dates).isoformat() if dates else None
        return NoPrice(
            name, f"No {name} price was observed on or before {self.as_of.isoformat()}", fix, first
        )

    def _check_discount(self) -> None:
        discount = self.query.discount
        if not discount or not self.first:
            return
        cheapest = min(self.first, key=lambda o: o.charged)
        if discount >= cheapest.charged:
            raise InvalidInput(
                "discount",
                f"discount {money_display(discount)} is not below the price of the first purchase: "
                f"{self.provider.name}'s {cheapest.plan.name} costs {money_display(cheapest.charged)}",
                f"give a discount below {money_display(cheapest.charged)}, taken off the first purchase",
            )

    # ----------------------------------------------------------- entry points

    def price(self, sessions: int, start: date | None = None) -> CostResult:
        """The cheapest course of ``sessions`` sessions (doses, for a daily-low-dose plan),
        paid from ``start`` (default: the query's): the start only moves the dates, so
        one pricer serves every start."""
        start = start or self.start
        known = self._courses.get(sessions)
        if known is not None:
            if known.start == start:
                return known
            moved = known.moved_to(start)
            if self.catalog is not None:  # the rules in force depend on the course's dates
                span = Span(sessions, self.days_of_care(sessions))
                moved.availability, moved.regulation = self._on_course(start, span)
            return moved
        query = self.query._replace(sessions=sessions, start=start)
        solved = self.optimiser.solve_runs(sessions) if self.no_price is None else None
        span = Span(sessions, self.days_of_care(sessions))
        result = self._result(query, sessions, solved, self.first, self.later, span, None)
        if self._keep:
            if len(self._courses) >= self._keep:
                self._courses.clear()
            self._courses[sessions] = result
        return result

    def point(self, sessions: int) -> CostPoint:
        """What a cost curve draws of ``price(sessions)``: its total, pricing and price
        dates (and, when the total is unknown, why), without building the result (its
        notes, charges listed, payments and other routes). Refused as ``price`` is."""
        solved = self.optimiser.solve_runs(sessions) if self.no_price is None else None
        if solved is None:  # unknown, and for the same reasons whatever N is
            if self._unknown is None:
                result = self.price(sessions)
                self._unknown = CostPoint(
                    result.total,
                    result.pricing,
                    result.prices_as_of,
                    result.oldest_price,
                    result.notes,
                    result.modality,
                    result.charges,
                    result.stale,
                )
            return self._unknown
        query = self.query._replace(sessions=sessions, start=self.start)
        offers = [((self.first if part == "first" else self.later)[i], count) for part, i, count in solved]
        runs = self._runs(offers, query, {})
        charge_lines = counted_lines(self._counted, Span(sessions, self.days_of_care(sessions)))
        if query.hired_sitter:
            sitter = sitter_line(self.provider, self.as_of, sessions)
            if sitter is not None:
                charge_lines += (sitter[0],)
        paid = [line for line in charge_lines if line.each]
        # a course past the calendar's end is refused here as price() refuses it
        last_due(runs, paid, self.start, query.pace, sessions)
        total = sum((r.charged * r.count for r in runs), ZERO)
        total += sum((line.amount for line in charge_lines if line.amount is not None), ZERO)
        dated = [r.offer.obs.as_of for r in runs] + [x.as_of for x in charge_lines if x.as_of is not None]
        insured = {r.offer.insured for r in runs}
        pricing = "mixed" if len(insured) == 2 else ("insurance" if True in insured else "self-pay")
        limit = stale_before(self.as_of, query.max_age)
        stale = any(d < limit for d in dated)
        return CostPoint(
            total, pricing, max(dated), min(dated), (), self._invariant()[0], charge_lines, stale
        )

    def plans_cost(self, sessions: int) -> Decimal | None:
        """What the plans of the cheapest course of ``sessions`` cost (no dates, no
        charges besides the plans); ``None`` when nothing can be bought."""
        found = self._cheapest_plans(sessions)
        return None if found is None else found[0]

    def _cheapest_plans(self, sessions: int) -> tuple[Decimal, set[str]] | None:
        """What the plans of the cheapest course of ``sessions`` cost, and which plans they are."""
        solved = self.optimiser.solve_runs(sessions) if self.no_price is None else None
        if solved is None:
            return None
        offers = [((self.first if part == "first" else self.later)[i], n) for part, i, n in solved]
        cost = sum((o.charged * n for o, n in offers), ZERO) - self.query.discount
        return cost, {o.plan.id for o, _ in offers}

    @staticmethod
    def _on_other_plans(priced: CostResult, runs: tuple[Run, ...], plans: Decimal) -> Decimal:
        """The total of ``priced`` (a course bought: it has one) with its plans swapped for others
        costing ``plans``: the same charges (they do not depend on the plans bought), other plans."""
        assert priced.total is not None
        return priced.total - sum((r.charged * r.count for r in runs), ZERO) + plans

    def price_months(self, months: int, start: date | None = None) -> CostResult:
        """The cost of the first ``months`` months of care from ``start`` (default: the
        query's): the cheapest mix of monthly plans, or the sessions that fall in those
        months at the pace (the first on the start date)."""
        start = start or self.start
        try:
            days = (last_day_of_care(start, months) - start).days + 1
            return self._months_result(months, start, days)
        except (OverflowError, ValueError, ScheduleOutOfRange):  # said in the months asked for
            raise ScheduleOutOfRange(months, "months") from None

    def _months_result(self, months: int, start: date, days: int) -> CostResult:
        if self._monthly is None:
            sessions = sessions_within(days, self.query.pace)
            query = self.query._replace(sessions=sessions, start=start)
            solved = self.optimiser.solve_runs(sessions) if self.no_price is None else None
            span = Span(sessions, self.days_of_care(sessions), months)
            return self._result(query, sessions, solved, self.first, self.later, span, months)
        first, later = self._monthly
        if self._by_months is None:
            self._by_months = Optimiser(
                [Option(o.charged - self.query.discount, o.months) for o in first],
                [Option(o.charged, o.months) for o in later],
            )
        solved = self._by_months.solve_runs(months)
        covered = sum(
            (first if part == "first" else later)[i].plan.sessions * n for part, i, n in solved or ()
        )
        bought = sum((first if part == "first" else later)[i].months * n for part, i, n in solved or ())
        sessions = covered * months // bought if bought else months
        query = self.query._replace(sessions=sessions, start=start)
        return self._result(query, sessions, solved, first, later, Span(sessions, days, months), months)

    # ----------------------------------------------------------- building a result

    def _result(
        self,
        query: CostQuery,
        sessions: int,
        solved: list[tuple[str, int, int]] | None,
        first: list[Offer],
        later: list[Offer],
        span: Span,
        months: int | None,
    ) -> CostResult:
        notes = dict.fromkeys(self.notes)  # an ordered set: each note once
        modality, unpriced, optional, unpriced_notes = self._invariant()
        if solved is None:
            return CostResult(
                self.provider,
                query,
                self.as_of,
                query.start,
                sessions,
                notes=tuple(notes),
                months=months,
                unpriced=unpriced,
                optional=optional,
                route=self.route,
                modality=modality,
                on_course=self._on_course(query.start, span),
                no_price=self.no_price or self._nothing_covers(months or sessions),
            )
        shape = self._shape_of(solved, first, later, query)
        # dated, not checked: the result's last payment date refuses a course past the calendar's end
        counts = [count for _, _, count in solved]
        runs = dated_runs(shape.parts, counts, query.start)
        if self._self_pay_only and all(r.offer.insured for r in runs):  # paid with insurance throughout
            optional = tuple(c for c in optional if c.id not in self._self_pay_only)
        notes.update(shape.run_notes)
        make, at = ChargeLine._make, COUNT_AT
        bought = tuple(
            make(
                (
                    *line[:at],
                    counts[counted[0]] if len(counted) == 1 else sum(counts[k] for k in counted),
                    *line[at + 1 :],
                )
            )
            for line, counted in shape.plan_lines
        )
        charge_lines = counted_lines(self._counted, span)
        used_notes = shape.price_notes
        if query.hired_sitter:
            sitter = sitter_line(self.provider, self.as_of, sessions)
            if sitter is None:
                required = newest(self.provider.sitter_required, self.as_of)
                if required is not None and not required.value:  # none to hire: said so, by its source
                    notes[
                        Note(
                            Kind.HIRED_SITTER_UNPUBLISHED,
                            provider=self.provider.name,
                            required=False,
                            source=required.source,
                            as_of=required.as_of,
                        )
                    ] = None
                else:
                    notes[Note(Kind.HIRED_SITTER_UNPUBLISHED, provider=self.provider.name)] = None
                if required is not None and required.value:
                    # asked for, and the provider requires a sitter: a charge to pay whose figure
                    # no source gives, listed beside the total (never $0 in it)
                    unpriced = (
                        *unpriced,
                        ChargeLine(
                            kind="sitter",
                            id="hired-sitter",
                            description="A hired sitter (the provider requires a sitter; what one costs is not published)",
                            per="course",
                            count=1,
                            source=required.source,
                            as_of=required.as_of,
                        ),
                    )
            else:
                charge_lines += (sitter[0],)
                notes[sitter[1]] = None
                # the provider's hourly fee for a hired sitter (a charge per hour from the
                # estimate's own source) is in the estimate now: no longer listed apart
                optional = tuple(
                    c for c in optional if not (c.per == "hour" and c.source == sitter[0].source)
                )
                said = dict.fromkeys(shape.price_notes[shape.quotes :])
                said.update(dict.fromkeys(price_notes((), (sitter[0],))))
                used_notes = (*shape.price_notes[: shape.quotes], *said)
        else:
            required = newest(self.provider.sitter_required, self.as_of)
            sitter = sitter_line(self.provider, self.as_of, sessions) if required and required.value else None
            if sitter is not None:  # a sitter required, one to hire priced: what it would add, said
                hired = sitter[1]
                notes[
                    Note(
                        Kind.SITTER_REQUIRED,
                        source=hired.source,
                        as_of=hired.as_of,
                        provider=self.provider.name,
                        required_source=required.source,
                        required_as_of=required.as_of,
                        low=hired.low,
                        high=hired.high,
                        hours=hired.hours,
                        estimate_low=hired.estimate_low,
                        estimate_high=hired.estimate_high,
                    )
                ] = None
        notes.update(shape.condition_notes)
        for line in charge_lines:
            if line.estimated and line.kind != "sitter":
                estimate = Note(
                    Kind.ESTIMATED_CHARGE,
                    item=line.description,
                    each_low=line.each_low,
                    each_high=line.each_high,
                    per=line.per,
                    count=line.count,
                    days=span.days,
                )
                notes[estimate] = None
        notes.update(unpriced_notes)
        result = CostResult(
            self.provider,
            query,
            self.as_of,
            query.start,
            sessions,
            runs,
            bought + charge_lines,
            tuple(notes),
            months=months,
            unpriced=unpriced,
            optional=optional,
            price_notes=used_notes,
            route=self.route,
            modality=modality,
            on_course=self._on_course(query.start, span),
            stop_ledger=ledger,
            ends_of=self._ends if self.catalog is not None else None,
        )
        if self._others is not None:
            result.notes += tuple(self._route_notes(result, runs))
        if self._conditioned:
            result.notes += tuple(self._condition_notes(result, runs))
        return result

    def _shape_of(
        self, solved: list[tuple[str, int, int]], first: list[Offer], later: list[Offer], query: CostQuery
    ) -> _Shape:
        """What every course of this pricer buying the same plans in the same order shares,
        whatever the counts, the length and the start (worked out once): the runs undated,
        the notes they bring, the plan lines (runs of the same plan and price as one) and
        the notes of the prices and quotes used."""
        key = (first is self.first, tuple((part, i) for part, i, _ in solved), solved[0][2] > 1)
        known = self._shapes.get(key)
        if known is not None:
            return known
        offers = [((first if part == "first" else later)[i], count) for part, i, count in solved]
        run_notes: dict[Note, None] = {}
        parts = course_terms(offers, query, self._terms_of, run_notes)
        # one purchase per run, undated: the plan lines it gives say which runs each line counts
        runs = tuple(
            Run(
                p.offer,
                1,
                p.client,
                p.charged,
                query.start,
                0,
                p.step_months,
                0,
                p.amounts,
                p.assumed,
                p.pace,
            )
            for p in parts
        )
        plan_runs: list[tuple[ChargeLine, tuple[int, ...]]] = []
        k = 0
        for line in plan_lines(runs):
            plan_runs.append((line, tuple(range(k, k + line.count))))
            k += line.count
        quotes = quote_notes(runs, self.as_of)
        used = (*quotes, *price_notes(runs, counted_lines(self._counted, Span(1, 1))))
        bought_plans = {o.plan.id for o, _ in offers}
        conditions: dict[Note, None] = {}
        for cond in known_on(self.provider.plan_conditions, self.as_of):
            if cond.plan in bought_plans:
                name = next(o.plan.name for o, _ in offers if o.plan.id == cond.plan)
                conditions[condition_note(self.provider, cond, name)] = None
        # a note alike in every way (its figures written alike too) is one object for all the
        # pricer's shapes: memory, and each is worded once
        said = self._said
        shape = _Shape(
            parts,
            {said.setdefault(repr(n), n): None for n in run_notes},
            tuple(plan_runs),
            tuple(said.setdefault(repr(n), n) for n in used),
            len(quotes),
            {said.setdefault(repr(n), n): None for n in conditions},
        )
        if len(self._shapes) >= self.SHAPES:
            self._said.clear()
            self._shapes.clear()
        self._shapes[key] = shape
        return shape

    def on_course_for(self, sessions: int, start: date) -> tuple[Availability | None, tuple[RuleEntry, ...]]:
        """The availability and the rules a course of ``sessions`` sessions from ``start``
        carries (see :meth:`_on_course`)."""
        return self._on_course(start, Span(sessions, self.days_of_care(sessions)))

    def _on_course(self, start: date, span: Span) -> tuple[Availability | None, tuple[RuleEntry, ...]]:
        """The availability in the state asked for, and the rules in force on this course's
        dates (its first to last day of care): the state's and the nation's with a state, the
        nation's (a federal rule binds every state) without one."""
        if not span.months:
            try:  # the last session's day: the stopping table and the calendar date every session
                start + timedelta(days=span.days - 1)
            except OverflowError:  # past 9999-12-31, where Python's calendar ends
                daily = self._monthly is not None and all(
                    o.plan.modality == "daily-low-dose" for part in self._monthly for o in part
                )  # counted in doses, which take no --pace
                raise ScheduleOutOfRange(span.sessions, "doses" if daily else "sessions") from None
        if self.catalog is None:
            return self.availability, ()
        from ketacalc.domain.regulation import course_dates, months_course, rules_for

        # a course priced by months is on the dates of those months (as compare and chart date it)
        dates = months_course(start, span.months) if span.months else course_dates(start, span.days)
        if self.availability is None:
            return None, rules_for(self.catalog, "", dates, self.as_of)
        available = self.availability.on_course(self.catalog, dates, self.as_of)
        return available, available.regulation

    def _ends(self, result: CostResult) -> tuple[NearEnd | None, LeftoverPastEnd | None]:
        """A priced course's :func:`~ketacalc.domain.regulation.course_ends`, on its own dates,
        rules and availability (``CostResult.near_end`` and ``leftover_past_end`` ask for them)."""
        assert self.catalog is not None  # handed in only with one
        available = result.availability.status if result.availability is not None else None
        return result.ends(self.catalog, result.regulation, available)

    def _invariant(
        self,
    ) -> tuple[str | None, tuple[ChargeLine, ...], tuple[ChargeLine, ...], dict[Note, None]]:
        """What every course of this pricer shares, whatever its length and start: the
        modality, the unpriced and optional charges, and the notes they bring (computed once)."""
        if self._shared is None:
            notes = {
                Note(
                    Kind.UNPRICED_CHARGE,
                    item=c.description,
                    charge=c.kind,
                    per=c.per if c.priced else None,  # None: no figure is published
                ): None
                for c in self.charges.unpriced
            }
            notes.update(dict.fromkeys(signup_notes(self.provider, self.query, self.as_of)))
            notes.update(
                (Note(Kind.COST_NOTE, source=f.source, as_of=f.as_of, text=f.value), None)
                for f in known_on(self.provider.cost_notes, self.as_of)
            )
            self._shared = (
                self._modality(),
                tuple(charge_line(c) for c in self.charges.unpriced),
                tuple(charge_line(c) for c in self.charges.optional),
                notes,
            )
        return self._shared

    def _nothing_covers(self, months: int) -> NoPrice:
        """Monthly plans a new client can start with, but none to go on with."""
        name = self.provider.name
        return NoPrice(
            name, f"{name}'s monthly plans do not cover {months} months for a {self.query.client} client"
        )

    def days_of_care(self, sessions: int) -> int:
        """The days a course of ``sessions`` takes, first to last, both counted: the sessions
        at the query's pace, or, for a daily-low-dose plan, one dose a day (30 doses: 30 days)."""
        if self._invariant()[0] == DAILY_LOW_DOSE:
            return max(sessions, 1)
        return course_days(sessions, self.query.pace)

    def _modality(self) -> str | None:
        kinds = {o.plan.modality for o in self.offers} or {p.modality for p in self.provider.plans}
        return kinds.pop() if len(kinds) == 1 else ("mixed" if kinds else None)

    def _runs(
        self, offers: list[tuple[Offer, int]], query: CostQuery, notes: dict[Note, None]
    ) -> tuple[Run, ...]:
        return course_runs(offers, query, query.start or self.start, self._terms_of, notes)

    def _terms_of(
        self, offer: Offer, charged: Decimal, notes: dict[Note, None]
    ) -> tuple[tuple[tuple[Decimal, int], ...], bool]:
        """``_terms``, worked out once per offer and charge: every course of this pricer
        that buys the offer shares its payments (and the notes they bring)."""
        key = (id(offer), charged)
        known = self._terms_memo.get(key)
        if known is None:
            found: dict[Note, None] = {}
            amounts, assumed = payment_terms(
                offer, charged, self.query.pay_in_full, found, self._at_purchase()
            )
            known = self._terms_memo[key] = (tuple(amounts), assumed, tuple(found))
        notes.update(dict.fromkeys(known[2]))
        return known[0], known[1]

    def _at_purchase(self) -> Fact[str] | None:
        """The provider's own terms saying a price is paid in full at purchase, if they do."""
        terms = newest(self.provider.payment_terms, self.as_of)
        if terms is None or terms.value != "at-purchase":
            return None
        return terms

    def _condition_notes(self, priced: CostResult, runs: tuple[Run, ...]) -> list[Note]:
        """What the same course costs without the plans it rests on that are for some people
        only (a plan for another group of people, or one for everyone, is bought instead):
        the price is not chosen for the person without saying what the others pay."""
        mine = frozenset(r.offer.plan.id for r in runs if r.offer.plan.id in self._conditioned)
        if not mine:
            return []
        months, sessions = priced.months, priced.sessions_requested
        # (never refused where this course was not: the other plans cost at least as much as
        # the cheapest first purchase, so a discount below it is below theirs, and the dates
        # are this course's)
        other = self._without.get(mine)
        if other is None:
            plans = tuple(p for p in self.provider.plans if p.id not in mine)
            other = ProviderPricer(
                self.provider._replace(plans=plans), self.query, self.today, alternatives=False
            )
            self._without[mine] = other
        total: Decimal | None
        if months is not None:
            result = other.price_months(months)
            total, bought = result.total, {r.offer.plan.id for r in result.runs}
        else:
            found = other._cheapest_plans(sessions)
            if found is None:  # nothing left to buy for this client
                total, bought = None, set()
            else:
                total, bought = self._on_other_plans(priced, runs, found[0]), found[1]
        theirs = sorted(bought & self._conditioned.keys())
        names = {p.id: p.name for p in self.provider.plans}
        instead = self._conditioned[theirs[0]] if theirs else None
        return [
            Note(
                Kind.OTHER_CONDITION,
                source=instead.source if instead else None,
                as_of=instead.as_of if instead else None,
                provider=self.provider.name,
                plans=tuple(names[p] for p in sorted(mine)),
                plan_ids=tuple(sorted(mine)),
                other_plan=names[instead.plan] if instead else None,
                other_plan_id=instead.plan if instead else None,
                condition=instead.condition if instead else None,
                count=months if months is not None else sessions,
                unit="months" if months is not None else "sessions",
                total=total,
            )
        ]

    def _route_notes(self, priced: CostResult, runs: tuple[Run, ...]) -> list[Note]:
        """What each other route would cost for the same course: the route is the person's
        choice, and the standard one priced (none was asked for) is said to be assumed even when
        the others cost the same (a price that does not depend on it still names a route)."""
        assert self._others is not None
        sessions, months = priced.sessions_requested, priced.months
        routes = sorted({p.route for p in self.provider.plans if p.route and p.route != self.route})
        if not routes:
            return []
        costs: list[tuple[str, Decimal | None]] = []
        for route in routes:
            other = self._others.get(route)
            try:
                if other is None:
                    query = self.query._replace(route=route)
                    other = ProviderPricer(self.provider, query, self.today, alternatives=False)
                    self._others[route] = other
                if months is not None:
                    total = other.price_months(months).total
                else:
                    plans = other.plans_cost(sessions)
                    total = None if plans is None else self._on_other_plans(priced, runs, plans)
            except KetacalcError:  # e.g. a discount above that route's prices
                total = None
            costs.append((route, total))
        standard = self._standard
        return [
            Note(
                Kind.OTHER_ROUTES,
                source=standard.source if standard else None,
                as_of=standard.as_of if standard else None,
                provider=self.provider.name,
                route=self.route,
                count=months if months is not None else sessions,
                unit="months" if months is not None else "sessions",
                costs=tuple(costs),
            )
        ]


# --------------------------------------------------------------- entry points


def price(provider: Provider, query: CostQuery, *, today: date, catalog: Catalog | None = None) -> CostResult:
    return ProviderPricer(provider, query, today, catalog=catalog).price(query.sessions)


def price_many(
    provider: Provider,
    query: CostQuery,
    sessions: Sequence[int],
    *,
    today: date,
    catalog: Catalog | None = None,
) -> Iterator[CostResult]:
    """One result per N, lazily: a long range is written as it is priced."""
    pricer = ProviderPricer(provider, query, today, catalog=catalog)
    return (pricer.price(n) for n in sessions)


def price_months(
    provider: Provider, query: CostQuery, months: int, *, today: date, catalog: Catalog | None = None
) -> CostResult:
    """The cost of the first ``months`` months of care from ``query.start`` (see
    :meth:`ProviderPricer.price_months`); ``query.sessions`` is not used."""
    return ProviderPricer(provider, query, today, catalog=catalog).price_months(months)


def closed_fact(provider: Provider, as_of: date | None) -> Fact[str] | None:
    """The observation that says the provider has closed, when its newest status says so."""
    status = newest(provider.status, as_of)
    return status if status is not None and status.value == "closed" else None


def closed_text(provider: Provider, fact: Fact[str]) -> str:
    """``Field Trip Health has closed (bhbusiness-…, 2023-06-27): US clinics closed about …``."""
    when = fact.as_of.isoformat() if fact.as_of else "undated"
    return f"{provider.name} has closed ({fact.source}, {when})" + (
        f": {fact.note.rstrip('.')}" if fact.note else ""
    )


def require_price(result: CostResult) -> CostResult:
    """The result, or its :class:`~ketacalc.errors.NoPrice` raised when it has no price
    (a command pricing one provider refuses what ``compare`` shows as unknown)."""
    if result.no_price is not None:
        raise result.no_price
    return result
