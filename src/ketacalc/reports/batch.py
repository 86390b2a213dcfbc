"""``batch``: one record per input line, the cost summary or the line's error."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ketacalc import SCHEMA_VERSION
from ketacalc.errors import KetacalcError
from ketacalc.reports.common import Report
from ketacalc.reports.cost import SUMMARY_FIELDS, full_record, summary_record, summary_row

if TYPE_CHECKING:
    from ketacalc.batch import Outcome
    from ketacalc.catalog import Catalog
    from ketacalc.pricing import CostResult
    from ketacalc.render import TableView


class BatchReport(Report):
    """Outcomes as they come; each record is ``{schema_version, line, error, …}``
    with the cost summary (or, with ``full``, the whole ``cost`` record)."""

    FIELDS = ("line", "error", *SUMMARY_FIELDS)
    compact = True

    def __init__(self, catalog: Catalog, outcomes: Iterable[tuple[int, Outcome]], full: bool = False) -> None:
        self.catalog = catalog
        self.outcomes = outcomes
        self.full = full
        # A repeated scenario comes back as the same result object: its record is
        # built once (the result is kept with it, so its id is never reused).
        self._bodies: dict[int, tuple[object, dict[str, Any]]] = {}

    def _body(self, outcome: CostResult | KetacalcError, build: Any) -> dict[str, Any]:
        known = self._bodies.get(id(outcome))
        if known is not None and known[0] is outcome:
            return known[1]
        if len(self._bodies) >= 4096:
            self._bodies.clear()
        if isinstance(outcome, KetacalcError):
            body: dict[str, Any] = {"error": str(outcome)}
        else:
            body = {"error": None, **build(outcome)}
            body.pop("schema_version", None)
        self._bodies[id(outcome)] = (outcome, body)
        return body

    def _record(self, result: CostResult) -> dict[str, Any]:
        return full_record(self.catalog, result) if self.full else summary_record(result)

    def records(self) -> Iterator[dict[str, Any]]:
        for line, outcome in self.outcomes:
            yield {"schema_version": SCHEMA_VERSION, "line": line, **self._body(outcome, self._record)}

    def rows(self) -> Iterator[dict[str, Any]]:
        row = lambda result: summary_row(summary_record(result))  # noqa: E731
        for line, outcome in self.outcomes:
            yield {"line": line, **self._body(outcome, row)}

    def table(self) -> TableView:  # pragma: no cover - the CLI refuses tables for batch
        raise NotImplementedError("batch writes data formats only")
