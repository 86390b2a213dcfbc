"""``batch``: one record per input line, the cost summary or the line's error."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ketacalc.errors import KetacalcError
from ketacalc.output.formats import Encoded
from ketacalc.output.views.common import Report
from ketacalc.output.views.cost import SUMMARY_FIELDS, full_record, summary_record, summary_row
from ketacalc.version import SCHEMA_VERSION

if TYPE_CHECKING:
    from ketacalc.data.catalog import Catalog
    from ketacalc.domain.batch import Outcome
    from ketacalc.domain.pricing import CostResult
    from ketacalc.output.tableview import TableView


class BatchReport(Report):
    """Outcomes as they come; each record is ``{schema_version, line, error, …}``
    with the cost summary (or, with ``full``, the whole ``cost`` record)."""

    FIELDS = ("line", "error", *SUMMARY_FIELDS)
    compact = True

    def __init__(self, catalog: Catalog, outcomes: Iterable[tuple[int, Outcome]], full: bool = False) -> None:
        self.catalog = catalog
        self.outcomes = outcomes
        self.full = full

    @staticmethod
    def _body(outcome: CostResult | KetacalcError, build: Any) -> dict[str, Any]:
        if isinstance(outcome, KetacalcError):
            return {"error": str(outcome)}
        body = {"error": None, **build(outcome)}
        body.pop("schema_version", None)
        return body

    def _record(self, result: CostResult) -> dict[str, Any]:
        return full_record(self.catalog, result) if self.full else summary_record(result)

    def records(self) -> Iterator[dict[str, Any]]:
        """Compact JSON records, each distinct outcome's fields encoded once: a repeated
        scenario comes back as the same outcome, and only its line number is new."""
        import json

        encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        encoded: dict[int, tuple[object, str]] = {}
        for line, outcome in self.outcomes:
            known = encoded.get(id(outcome))
            if known is None or known[0] is not outcome:
                if len(encoded) >= 8192:
                    encoded.clear()
                known = encoded[id(outcome)] = (outcome, encode(self._body(outcome, self._record))[1:])
            yield Encoded(f'{{"schema_version":{SCHEMA_VERSION},"line":{line},{known[1]}')

    def rows(self) -> Iterator[dict[str, Any]]:
        row = lambda result: summary_row(summary_record(result))  # noqa: E731
        for line, outcome in self.outcomes:
            yield {"line": line, **self._body(outcome, row)}

    def table(self) -> TableView:  # pragma: no cover - the CLI refuses tables for batch
        raise NotImplementedError("batch writes data formats only")
