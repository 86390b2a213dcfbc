"""A request in, one typed answer out: what every command, batch line and library
call asks of the core.

Each function takes a :class:`~ketacalc.domain.request.Request` and the catalog,
resolves the names in it against the data (the provider, the insurer as the data
file lists it in the state) and returns the answer. The views render these
answers and never compute them again; the CLI and the library call the same
functions, so the two can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import TYPE_CHECKING, NamedTuple

from ketacalc.data.catalog import Alternative, AltFigure, Catalog, Fact, Provider, as_known_on, known_on
from ketacalc.domain.course import stale_before
from ketacalc.domain.eligibility import Availability, StateSummary, resolve_insurer, summary
from ketacalc.domain.pricing import CostResult, ProviderPricer, require_price
from ketacalc.domain.request import Course, Request, course_needed, day_asked
from ketacalc.errors import InvalidInput

if TYPE_CHECKING:  # compare and the curves are imported by the answers that need them (start-up)
    from ketacalc.domain.compare import CompareResult, ProviderOverview
    from ketacalc.domain.curves import CurveResult


class CostAnswer(NamedTuple):
    """The cheapest course at one provider for each N (or M) of the request.

    ``first`` is the longest course, priced before anything else so that a
    request that cannot be priced fails before any output; ``results`` gives one
    result per count, in the request's order, lazily (a range of 10,000 streams)."""

    request: Request
    provider: Provider
    first: CostResult
    pricer: ProviderPricer

    @property
    def single(self) -> bool:
        return self.request.course is None or len(self.request.course.counts) == 1

    @property
    def availability(self) -> Availability | None:
        return self.first.availability

    def results(self) -> Iterator[CostResult]:
        counts = self.request.course.counts if self.request.course is not None else (1,)
        if len(counts) == 1:
            yield self.first
            return
        price = self.pricer.price_months if self.request.months is not None else self.pricer.price
        for count in counts:
            yield require_price(price(count))


def insurer_in(catalog: Catalog, request: Request, today: date, among: list[Provider]) -> str | None:
    """The request's insurer as the data file lists it (refused, listing those
    accepted by ``among`` in the state, when unknown)."""
    if request.insurer is None or request.state is None:
        return None
    return resolve_insurer(catalog, request.insurer, request.state, request.as_of or today, among)


def provider_of(catalog: Catalog, request: Request) -> Provider:
    if len(request.providers) != 1:
        raise InvalidInput(
            "provider", "one provider is needed", "give a provider id or name such as mindbloom"
        )
    return catalog.find(request.providers[0])


def cost(catalog: Catalog, request: Request, today: date) -> CostAnswer:
    """The cheapest way to buy the request's course at its one provider.

    Raises :class:`~ketacalc.errors.NoPrice` when the provider cannot be priced."""
    if request.course is None:
        raise course_needed()
    day_asked(request.as_of, today)
    provider = provider_of(catalog, request)
    query = request.cost_query(insurer_in(catalog, request, today, [provider]), request.course.count)
    pricer = ProviderPricer(provider, query, today, catalog=catalog)
    price = pricer.price_months if request.months is not None else pricer.price
    answer = CostAnswer(request, provider, require_price(price(request.course.count)), pricer)
    if not answer.single and _may_end_past_the_calendar(answer):
        for _ in answer.results():  # every count priced before any output: none fails half-way
            pass
    return answer


def _may_end_past_the_calendar(answer: CostAnswer) -> bool:
    """Whether a shorter course of the range could end later than the longest (priced first),
    past 9999-12-31: its last purchase starts by the longest course's last day, and its
    payments run at most the longest installment plan's months after it."""
    from ketacalc.domain.regulation import months_course
    from ketacalc.domain.schedule import add_months

    pricer, count = answer.pricer, answer.request.course.count  # type: ignore[union-attr]
    longest = max(
        (
            o.installments.count
            for p in answer.provider.plans
            for o in (*p.prices, *p.insurance_prices)
            if o.installments
        ),
        default=0,
    )
    try:
        last_day = (
            months_course(pricer.start, count).end
            if answer.request.months is not None
            else pricer.start + timedelta(days=pricer.days_of_care(count))
        )
        add_months(last_day, longest + 1)
    except (OverflowError, ValueError):
        return True
    return last_day == date.max


class ProviderFacts(NamedTuple):
    """Everything known about one provider on a date: its record as known then (every
    observation said by then, each with its source and date) and what its lists say of
    the states it serves."""

    provider: Provider
    as_of: date
    states: StateSummary


def show(catalog: Catalog, request: Request, today: date) -> ProviderFacts:
    """The request's one provider, as known on its as-of date."""
    provider = provider_of(catalog, request)
    as_of = day_asked(request.as_of, today, priced=False)
    return ProviderFacts(as_known_on(provider, as_of), as_of, summary(provider, as_of))


class AlternativeFacts(NamedTuple):
    """A treatment given elsewhere than at home, with its figures and notes as known on a day."""

    alternative: Alternative
    figures: tuple[AltFigure, ...]  # on or before the as-of date (an undated one always), as listed
    notes: tuple[Fact[str], ...]


class AlternativesAnswer(NamedTuple):
    """Treatments a person may price against at-home care (in-clinic IV ketamine, Spravato):
    their published figures, never ranked against an at-home course nor recommended."""

    as_of: date
    max_age: int
    items: tuple[AlternativeFacts, ...]

    def stale(self, figure: AltFigure) -> bool:
        """Whether the figure is more than ``max_age`` days older than the as-of date."""
        return figure.as_of is not None and figure.as_of < stale_before(self.as_of, self.max_age)


def alternatives(catalog: Catalog, request: Request, today: date) -> AlternativesAnswer:
    """Every alternative in the data file, with what was published of it on the as-of date."""
    as_of = day_asked(request.as_of, today, priced=False)
    items = tuple(
        AlternativeFacts(alt, known_on(alt.figures, as_of), known_on(alt.notes, as_of))
        for alt in catalog.alternatives
    )
    return AlternativesAnswer(as_of, request.max_age, tuple(i for i in items if i.figures))


def providers(catalog: Catalog, request: Request, today: date) -> list[ProviderOverview]:
    """Every provider in brief: status, plans, lowest prices, states, newest data."""
    from ketacalc.domain.compare import overview

    return overview(catalog, day_asked(request.as_of, today, priced=False))


def compare_providers(catalog: Catalog, request: Request, today: date) -> CompareResult:
    """Every provider side by side for the request's state, filtered and sorted."""
    day_asked(request.as_of, today)
    insurer = insurer_in(catalog, request, today, list(catalog.providers))
    from ketacalc.domain.compare import compare

    return compare(catalog, request.compare_query(insurer), today=today)


class PageAnswer(NamedTuple):
    """What the shared page shows: the comparison for the request, and the curves
    of every N (or M) from 1 to ``top`` (at least 36 sessions or 12 months)."""

    request: Request
    comparison: CompareResult
    curves: CurveResult
    top: int


CURVE_RANGE = 36  # sessions drawn when no longer course is asked for
MONTHS_RANGE = 12


def page(catalog: Catalog, request: Request, today: date) -> PageAnswer:
    """The comparison and the curves of one state, for the shared HTML page."""
    comparison = compare_providers(catalog, request, today)
    months, sessions = request.months, request.sessions
    top = max(MONTHS_RANGE, months) if months is not None else max(CURVE_RANGE, sessions or 0)
    unit = "months" if months is not None else "sessions"
    drawn = request._replace(course=Course(unit, tuple(range(1, top + 1))))
    return PageAnswer(request, comparison, cost_curves(catalog, drawn, today), top)


def cost_curves(catalog: Catalog, request: Request, today: date) -> CurveResult:
    """The total of each N (or M) of the request, one series per provider."""
    day_asked(request.as_of, today)
    insurer = insurer_in(catalog, request, today, list(catalog.providers))
    from ketacalc.domain.curves import curves

    return curves(catalog, request.curve_query(insurer), today=today)
