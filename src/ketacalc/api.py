"""The library: one request in, one typed answer out.

Each function takes the same fields as the command of the same name (as keyword
arguments: text as a person would type it, or typed values), builds the request
with :func:`ketacalc.domain.request.build` (the one place inputs are checked),
asks the core, and returns an answer whose ``to_dict()`` is exactly the JSON the
command prints with ``--format json``. The CLI is a thin layer over the same
request builder, answers and views, so the two cannot disagree.

``data`` is the providers file to use: ``None`` for the one shipped with
ketacalc, a path, or a catalog from :func:`load`. ``today`` defaults to the
real date (or ``KETACALC_TODAY``, as for the CLI). Errors are
:class:`ketacalc.errors.KetacalcError` subclasses naming the field that is wrong.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ketacalc.data.catalog import Catalog
    from ketacalc.domain import answers
    from ketacalc.domain.answers import ProviderFacts
    from ketacalc.domain.compare import CompareResult, CompareRow, ProviderOverview
    from ketacalc.domain.curves import CurveResult
    from ketacalc.domain.eligibility import Availability
    from ketacalc.domain.notes import Note
    from ketacalc.domain.pricing import CostResult


def load(data: str | os.PathLike[str] | None = None, *, today: date | None = None) -> Catalog:
    """The providers data file (default: the one shipped with ketacalc), checked.

    Raises :class:`ketacalc.errors.DataFileError` listing every problem."""
    from ketacalc.data.loader import load_catalog

    return load_catalog(data, today=_day(today))


def _today() -> date:
    from ketacalc.io.inputs import today

    return today()


def _day(today: object) -> date:
    """``today`` as given (a date, or ``YYYY-MM-DD`` text as every other date field takes),
    else the real day; anything else is refused as a bad value, not a ``TypeError`` deep inside."""
    from ketacalc.errors import InvalidInput
    from ketacalc.io.inputs import parse_date

    if today is None:
        return _today()
    if isinstance(today, date):
        return today
    if isinstance(today, str):
        return parse_date(today, "today")
    raise InvalidInput("today", f"today {today!r} is not a date", "give a date or YYYY-MM-DD text")


#: the options each question takes (the command's own): another's is refused, never dropped.
#: cost's are batch's scenario fields (the same questions) but the course, with ``client``.
_COMPARE_OPTIONS = frozenset({
    "returning", "client", "insurer", "as_of", "start", "pace", "sort", "include_unavailable", "no_sitter",
    "insurance", "max_due_at_signup", "route", "max_age",
})  # fmt: skip
_CURVES_OPTIONS = frozenset({
    "returning", "client", "insurer", "as_of", "include_unavailable", "no_sitter", "insurance", "route",
    "pay_in_full", "start", "pace", "max_age",
})  # fmt: skip


def _only(options: dict[str, Any], allowed: frozenset[str], function: str) -> None:
    unexpected = sorted(set(options) - allowed)
    if unexpected:
        raise TypeError(f"{function}() got an unexpected keyword argument {unexpected[0]!r}")


def _catalog(data: Any, today: date) -> Catalog:
    from ketacalc.data.catalog import Catalog

    return data if isinstance(data, Catalog) else load(data, today=today)


class CostAnswer:
    """The cheapest course at one provider (``result``), or one per N for a list or a
    range (``results``). Attributes of a single course (``total``, ``due_at_signup``,
    ``schedule``, ``availability``, ...) read through to its result."""

    def __init__(self, catalog: Catalog, results: list[CostResult], single: bool) -> None:
        self.catalog = catalog
        self.results = results
        self.single = single

    @property
    def result(self) -> CostResult:
        return self.results[0]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name in ("catalog", "results", "single"):
            raise AttributeError(name)
        return getattr(self.results[0], name)

    def report(self) -> Any:
        from ketacalc.output.views.cost import CostReport

        return CostReport(self.catalog, iter(self.results), single=self.single)

    def to_dict(self) -> Any:
        """Exactly what ``ketacalc cost ... --format json`` prints: one record for
        one N, a list of summary records for several."""
        records = list(self.report().records())
        return records[0] if self.single else records

    @property
    def notes(self) -> tuple[Note, ...]:
        """What the reader must know beside the figures, as data (each a kind, its
        figures and source; ``ketacalc.output.notes.sentence`` words one)."""
        return tuple(dict.fromkeys(n for r in self.results for n in r.notes))


class CompareAnswer:
    """Every provider side by side (``rows``), as ``ketacalc compare`` shows them."""

    def __init__(self, catalog: Catalog, result: CompareResult) -> None:
        self.catalog = catalog
        self.result = result

    @property
    def rows(self) -> tuple[CompareRow, ...]:
        return self.result.rows

    def __iter__(self) -> Iterator[CompareRow]:
        return iter(self.result.rows)

    def to_dict(self) -> list[dict[str, Any]]:
        """Exactly what ``ketacalc compare ... --format json`` prints."""
        from ketacalc.output.views.compare import CompareReport

        return list(CompareReport(self.catalog, self.result).records())


class CurvesAnswer:
    """The total of each N (or M) at every provider, as ``ketacalc chart`` draws it."""

    def __init__(self, result: CurveResult) -> None:
        self.result = result

    @property
    def series(self) -> Any:
        return self.result.series

    @property
    def notes(self) -> tuple[Note, ...]:
        """Why providers are left out, and what each curve must say, as data."""
        return tuple(dict.fromkeys([*self.result.notes, *(n for s in self.result.series for n in s.notes)]))

    def to_dict(self) -> list[dict[str, Any]]:
        """Exactly what ``ketacalc chart ... --format json`` prints."""
        from ketacalc.output.views.chart import ChartReport

        return list(ChartReport(self.result, 80, False).records())


def cost(
    provider: str,
    sessions: int | str | None = None,
    *,
    months: int | str | None = None,
    data: Any = None,
    today: date | None = None,
    **options: Any,
) -> CostAnswer:
    """The cheapest way to buy ``sessions`` sessions (or the first ``months`` months)
    at ``provider`` (an id or a name), all in, with its payment schedule.

    ``options`` are the ``cost`` command's: ``state``, ``insurer``, ``returning``,
    ``client``, ``as_of``, ``start``, ``pace``, ``pay_in_full``, ``discount``,
    ``route``, ``max_age``, ``hired_sitter``. ``sessions`` may be a list or a range (``"1-24"``).
    Raises :class:`ketacalc.errors.NoPrice` when the provider cannot be priced."""
    from ketacalc.domain import answers
    from ketacalc.domain.request import REQUIRED, build
    from ketacalc.io.scenarios import SCENARIO_FIELDS

    _only(options, frozenset(SCENARIO_FIELDS) - {"provider", "sessions", "months"} | {"client"}, "cost")
    day = _day(today)
    request = build(
        provider=provider, sessions=sessions, months=months, course=REQUIRED, many=True, **options
    )
    catalog = _catalog(data, day)
    answer = answers.cost(catalog, request, day)
    return CostAnswer(catalog, list(answer.results()), answer.single)


def compare(
    state: str | None = None,
    *,
    sessions: int | str | None = None,
    months: int | str | None = None,
    data: Any = None,
    today: date | None = None,
    **options: Any,
) -> CompareAnswer:
    """Every provider side by side for ``state`` (a code or a name), as ``compare`` shows.

    ``options`` are the ``compare`` command's: ``returning``, ``insurer``, ``as_of``,
    ``start``, ``pace``, ``sort``, ``include_unavailable``, ``no_sitter``,
    ``insurance``, ``max_due_at_signup``, ``route``, ``max_age``."""
    from ketacalc.domain import answers
    from ketacalc.domain.request import build

    _only(options, _COMPARE_OPTIONS, "compare")
    day = _day(today)
    request = build(state=state, sessions=sessions, months=months, **options)
    catalog = _catalog(data, day)
    return CompareAnswer(catalog, answers.compare_providers(catalog, request, day))


def curves(
    state: str | None = None,
    *,
    sessions: int | str | None = None,
    months: int | str | None = None,
    data: Any = None,
    today: date | None = None,
    **options: Any,
) -> CurvesAnswer:
    """The total of each N sessions (default 1-36) or M months at every provider, as ``chart``
    draws it. ``options`` are the ``chart`` command's: ``returning``, ``insurer``, ``as_of``,
    ``include_unavailable``, ``no_sitter``, ``insurance``, ``route``, ``pay_in_full``,
    ``start``, ``pace``, ``max_age``."""
    from ketacalc.domain import answers
    from ketacalc.domain.request import build

    _only(options, _CURVES_OPTIONS, "curves")
    day = _day(today)
    request = build(state=state, sessions=sessions, months=months, many=True, **options)
    catalog = _catalog(data, day)
    return CurvesAnswer(answers.cost_curves(catalog, request, day))


class ShowAnswer:
    """Everything known about one provider (``provider``: every observation, with its
    source and date; ``states``: what its lists say), as ``ketacalc show`` shows it."""

    def __init__(self, catalog: Catalog, answer: ProviderFacts) -> None:
        self.catalog = catalog
        self.answer = answer

    @property
    def provider(self) -> Any:
        return self.answer.provider

    @property
    def states(self) -> Any:
        return self.answer.states

    def to_dict(self) -> dict[str, Any]:
        """Exactly what ``ketacalc show PROVIDER --format json`` prints."""
        from ketacalc.output.views.show import ShowReport

        [record] = list(ShowReport(self.catalog, self.answer).records())
        return record


class ProvidersAnswer:
    """Every provider in brief (``rows``), as ``ketacalc providers`` lists them."""

    def __init__(self, catalog: Catalog, rows: list[ProviderOverview]) -> None:
        self.catalog = catalog
        self.rows = rows

    def __iter__(self) -> Iterator[ProviderOverview]:
        return iter(self.rows)

    def to_dict(self) -> list[dict[str, Any]]:
        """Exactly what ``ketacalc providers --format json`` prints."""
        from ketacalc.output.views.providers import ProvidersReport

        return list(ProvidersReport(self.catalog, self.rows).records())


def show(
    provider: str, *, as_of: date | str | None = None, data: Any = None, today: date | None = None
) -> ShowAnswer:
    """Everything known about ``provider`` (an id or a name) on the as-of date."""
    from ketacalc.domain import answers
    from ketacalc.domain.request import NO_COURSE, build

    day = _day(today)
    request = build(provider=provider, as_of=as_of, course=NO_COURSE)
    catalog = _catalog(data, day)
    return ShowAnswer(catalog, answers.show(catalog, request, day))


def providers(
    *, as_of: date | str | None = None, data: Any = None, today: date | None = None
) -> ProvidersAnswer:
    """Every provider with its status, plans, lowest prices, states and newest data."""
    from ketacalc.domain import answers
    from ketacalc.domain.request import NO_COURSE, build

    day = _day(today)
    request = build(as_of=as_of, course=NO_COURSE)
    catalog = _catalog(data, day)
    return ProvidersAnswer(catalog, answers.providers(catalog, request, day))


class AlternativesAnswer:
    """Treatments given in person (in-clinic IV ketamine, Spravato): ``answer.items`` holds
    each with its figures and notes as known on the as-of date; never ranked against an
    at-home course."""

    def __init__(self, catalog: Catalog, answer: answers.AlternativesAnswer) -> None:
        self.catalog = catalog
        self.answer = answer

    def to_dict(self) -> list[dict[str, Any]]:
        """Exactly what ``ketacalc alternatives --format json`` prints."""
        from ketacalc.output.views.alternatives import AlternativesReport

        return list(AlternativesReport(self.catalog, self.answer).records())


def alternatives(
    *,
    as_of: date | str | None = None,
    max_age: int | str | None = None,
    data: Any = None,
    today: date | None = None,
) -> AlternativesAnswer:
    """Treatments given in person, with what sources publish of them on the as-of date."""
    from ketacalc.domain import answers
    from ketacalc.domain.request import NO_COURSE, build

    day = _day(today)
    request = build(as_of=as_of, max_age=max_age, course=NO_COURSE)
    catalog = _catalog(data, day)
    return AlternativesAnswer(catalog, answers.alternatives(catalog, request, day))


def availability(
    provider: str, state: str, *, as_of: date | str | None = None, data: Any = None, today: date | None = None
) -> Availability:
    """Whether ``provider`` serves ``state``: available, unavailable or unknown, with
    the source, date and trust tier of the list that says so, and in ``regulation``
    the rules that may affect a course started on the as-of date (assumed to last
    about six months; see :mod:`ketacalc.domain.regulation`)."""
    from ketacalc.domain.eligibility import availability as answer
    from ketacalc.domain.request import NO_COURSE, build, day_asked

    day = _day(today)
    request = build(provider=provider, state=state, as_of=as_of, course=NO_COURSE)
    as_of_day = day_asked(request.as_of, day, priced=False)
    catalog = _catalog(data, day)
    return answer(catalog, catalog.find(request.providers[0]), request.state or "", as_of_day)
