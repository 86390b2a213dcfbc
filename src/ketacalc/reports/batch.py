"""``batch``: one record per input line, the cost summary or the line's error."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ketacalc import SCHEMA_VERSION
from ketacalc.errors import KetacalcError
from ketacalc.reports.common import Report
from ketacalc.reports.cost import SUMMARY_FIELDS, full_record, summary_record, summary_row
from ketacalc.reports.summary import compact_record, encoded_line
from ketacalc.summary import CostSummary

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
        self._bodies: dict[int, tuple[CostResult, dict[str, Any]]] = {}

    def _body(self, result: CostResult) -> dict[str, Any]:
        known = self._bodies.get(id(result))
        if known is not None and known[0] is result:
            return known[1]
        if len(self._bodies) >= 4096:
            self._bodies.clear()
        body = _summary(result) if not self.full else full_record(self.catalog, result)
        self._bodies[id(result)] = (result, body)
        return body

    def records(self) -> Iterator[dict[str, Any]]:
        if not self.full:  # summaries: each record's text is built once per distinct outcome
            for line, outcome in self.outcomes:
                yield encoded_line(line, outcome, _summary)  # type: ignore[misc]
            return
        for line, outcome in self.outcomes:
            if isinstance(outcome, KetacalcError):
                yield {"schema_version": SCHEMA_VERSION, "line": line, "error": str(outcome)}
            else:
                yield {"schema_version": SCHEMA_VERSION, "line": line, "error": None, **self._body(outcome)}

    def rows(self) -> Iterator[dict[str, Any]]:
        for line, outcome in self.outcomes:
            if isinstance(outcome, KetacalcError):
                yield {"line": line, "error": str(outcome)}
            else:
                yield {
                    "line": line,
                    "error": None,
                    **summary_row(_summary(outcome) if self.full else self._body(outcome)),
                }

    def table(self) -> TableView:  # pragma: no cover - the CLI refuses tables for batch
        raise NotImplementedError("batch writes data formats only")


def _summary(result: Any) -> dict[str, Any]:
    """The summary record of a full result or of a :class:`~ketacalc.summary.CostSummary`."""
    if isinstance(result, CostSummary):
        return compact_record(result)
    return summary_record(result)
