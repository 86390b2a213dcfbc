"""``batch``: one record per input line, the cost summary or the line's error."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ketacalc.errors import KetacalcError
from ketacalc.output.views.common import Report
from ketacalc.output.views.cost import SUMMARY_FIELDS, full_record, summary_record, summary_row
from ketacalc.version import SCHEMA_VERSION

if TYPE_CHECKING:
    from ketacalc.data.catalog import Catalog
    from ketacalc.domain.batch import Outcome
    from ketacalc.domain.pricing import CostResult
    from ketacalc.output.tableview import TableView


class Condensed(str):
    """A result's record as ``batch`` keeps it: its fields after the line number, encoded."""

    __slots__ = ()


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

    def condense(self, result: CostResult) -> Condensed:
        """What ``batch`` keeps of a result to answer it again (JSON formats): its record's
        fields after the line number, encoded, a small fraction of the result's memory."""
        return Condensed(self._encode()(self._body(result, self._record))[1:])

    @staticmethod
    @functools.cache
    def _encode() -> Any:
        import json

        return json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

    def records(self) -> Iterator[dict[str, Any]]:
        """Compact JSON records, already encoded (text), each distinct outcome's fields
        encoded once: a repeated scenario comes back as the same outcome (or as its
        condensed record), and only its line number is new."""
        encoded: dict[int, tuple[object, str]] = {}
        for line, outcome in self.outcomes:
            if type(outcome) is Condensed:
                body: str = outcome
            else:
                known = encoded.get(id(outcome))
                if known is None or known[0] is not outcome:
                    if len(encoded) >= 8192:
                        encoded.clear()
                    known = encoded[id(outcome)] = (outcome, self.condense(outcome))  # type: ignore[arg-type]
                body = known[1]
            yield f'{{"schema_version":{SCHEMA_VERSION},"line":{line},{body}'  # type: ignore[misc]

    def rows(self) -> Iterator[dict[str, Any]]:
        row = lambda result: summary_row(summary_record(result))  # noqa: E731
        for line, outcome in self.outcomes:
            yield {"line": line, **self._body(outcome, row)}

    def table(self) -> TableView:  # pragma: no cover - the CLI refuses tables for batch
        raise NotImplementedError("batch writes data formats only")
