"""ketacalc: cost and eligibility calculator for at-home ketamine therapy providers.

Not medical advice: ketacalc prices and filters; it never recommends a dose,
a provider or a treatment.

The package is a small typed library as well as a command line::

    import ketacalc

    catalog = ketacalc.load()                                  # the shipped, dated data
    course = ketacalc.cost(catalog, "mindbloom", 18)           # cheapest way to buy 18 sessions
    print(course.total, course.due_at_signup, [p.due for p in course.schedule])
    where = ketacalc.availability(catalog, "isha-health", "TX")
    print(where.status, where.source, where.as_of)              # available / unavailable / unknown
    for row in ketacalc.compare_state(catalog, "TX", sessions=12).rows:
        print(row.provider.name, row.total)

Money is ``Decimal``; an unknown figure is ``None``. The pure core lives in
``models``, ``loader``, ``catalog``, ``inputs``, ``pricing``, ``eligibility``
and ``compare``; the shell (``cli``, ``reports``, ``render``) only parses
arguments and writes output. Heavy modules are imported on first use, so
``import ketacalc`` stays cheap.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import os

    from ketacalc.data.catalog import Catalog
    from ketacalc.domain.compare import CompareResult
    from ketacalc.domain.eligibility import Availability
    from ketacalc.domain.pricing import CostResult

from ketacalc.version import SCHEMA_VERSION, __version__

__all__ = ["SCHEMA_VERSION", "__version__", "availability", "compare_state", "cost", "load"]


def load(path: str | os.PathLike[str] | None = None, *, today: date | None = None) -> Catalog:
    """The providers data file (default: the one shipped with ketacalc), checked.

    Raises :class:`ketacalc.errors.DataFileError` listing every problem."""
    from ketacalc.data.loader import load_catalog

    return load_catalog(path, today=today or date.today())


def cost(
    catalog: Catalog, provider: str, sessions: int, *, today: date | None = None, **options: Any
) -> CostResult:
    """The cheapest course of ``sessions`` sessions at ``provider`` (an id or a name).

    ``options`` are the fields of :class:`ketacalc.domain.pricing.CostQuery`: ``returning``,
    ``as_of``, ``start``, ``pace``, ``pay_in_full``, ``insurer``, ``state``,
    ``discount``, ``route``. With a ``state``, ``result.availability`` says whether
    the provider serves it, and its ``regulation`` the rules on the course's dates
    (:mod:`ketacalc.domain.regulation`). Raises :class:`ketacalc.errors.KetacalcError`
    subclasses for an unknown provider or options that cannot be priced."""
    from ketacalc.domain.pricing import CostQuery, price
    from ketacalc.io.inputs import parse_count

    query = CostQuery(sessions=parse_count(sessions), **options)
    return price(catalog.find(provider), query, today=today or date.today(), catalog=catalog)


def compare_state(
    catalog: Catalog, state: str, *, today: date | None = None, **options: Any
) -> CompareResult:
    """Every provider side by side for a state (a code or a name), as ``compare`` shows.

    ``options`` are the fields of :class:`ketacalc.domain.compare.CompareQuery` (``sessions``,
    ``returning``, ``sort``, ``include_unavailable``, ...)."""
    from ketacalc.domain.compare import CompareQuery, compare
    from ketacalc.io.inputs import parse_state

    return compare(catalog, CompareQuery(state=parse_state(state), **options), today=today or date.today())


def availability(catalog: Catalog, provider: str, state: str, as_of: date | None = None) -> Availability:
    """Whether ``provider`` serves ``state``: available, unavailable or unknown, with
    the source, date and trust tier of the list that says so, and in ``regulation``
    the rules that may affect a course started on ``as_of`` (about six months long;
    see :mod:`ketacalc.domain.regulation`)."""
    from ketacalc.domain.eligibility import availability as answer
    from ketacalc.io.inputs import parse_state

    return answer(catalog, catalog.find(provider), parse_state(state), as_of or date.today())
