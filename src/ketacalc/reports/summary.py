"""The record of a :class:`~ketacalc.summary.CostSummary`: the same fields, in the
same order, as ``reports.cost.summary_record`` gives for the full result."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ketacalc import SCHEMA_VERSION
from ketacalc.money import money_str
from ketacalc.render import Encoded
from ketacalc.reports.common import CURRENCY

if TYPE_CHECKING:
    from ketacalc.summary import CostSummary


def compact_record(s: CostSummary) -> dict[str, Any]:
    """``summary_record`` of a summary (a property test keeps the two equal)."""
    return _record(s)


_RESTS: dict[int, tuple[object, str]] = {}


def encoded_line(line: int, outcome: object, summary: Any) -> Encoded:
    """Any batch outcome's summary record (``{schema_version, line, error, …}``) as
    compact JSON text. A repeated scenario comes back as the same object: all but
    its line number is encoded once (``summary`` gives a full result's record)."""
    if type(outcome).__name__ == "CostSummary":  # its parts are encoded once per course already
        return encoded_record(line, outcome)  # type: ignore[arg-type]
    known = _RESTS.get(id(outcome))
    if known is None or known[0] is not outcome:
        from ketacalc.errors import KetacalcError

        if isinstance(outcome, KetacalcError):
            rest = _encode({"error": str(outcome)})[1:]
        else:
            body = dict(summary(outcome))
            del body["schema_version"]
            rest = _encode({"error": None, **body})[1:]
        if len(_RESTS) >= 8192:
            _RESTS.clear()
        known = _RESTS[id(outcome)] = (outcome, rest)
    return Encoded(f'{{"schema_version":{SCHEMA_VERSION},"line":{line},{known[1]}')


def _encode(value: Any) -> str:
    import json

    return json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode(value)


def encoded_record(line: int, s: CostSummary) -> Encoded:
    """The batch record of line ``line`` (``{schema_version, line, error: null, …summary}``)
    as compact JSON text, the same text ``write_ndjson`` gives for the dict: the
    parts that do not depend on the start are encoded once per course."""
    memo = s.shape.memo if s.shape is not None else {}
    parts = memo.get("json")
    if parts is None:
        parts = memo["json"] = _parts(s)
    middle, tail = parts  # type: ignore[misc]
    return Encoded(
        f'{{"schema_version":{SCHEMA_VERSION},"line":{line},"error":null,{middle},'
        f'"first_due":"{s.first_due.isoformat()}","last_due":"{s.last_due.isoformat()}",{tail}}}'
    )


_NOTES: dict[tuple[str, ...], str] = {}


def _parts(s: CostSummary) -> tuple[str, str]:
    import json

    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    record = _record(s)
    del record["first_due"], record["last_due"], record["schema_version"], record["notes"]
    tail = _NOTES.get(s.notes)
    if tail is None:  # few courses differ in their notes
        if len(_NOTES) >= 256:
            _NOTES.clear()
        tail = _NOTES[s.notes] = encode({"notes": list(s.notes)})[1:-1]
    return encode(record)[1:-1], tail


def _record(s: CostSummary) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "provider": s.provider.id,
        "client": s.client,
        "currency": CURRENCY,
        "sessions_requested": s.sessions_requested,
        "sessions_covered": s.sessions_covered,
        "leftover_sessions": s.leftover_sessions,
        "total": money_str(s.total),
        "per_session": money_str(s.per_session),
        "due_at_signup": money_str(s.due_at_signup),
        "prices_as_of": s.prices_as_of.isoformat() if s.prices_as_of else None,
        "pricing": s.pricing,
        "purchases": [
            {"plan": plan.id, "count": count, "sessions": plan.sessions, "charged": money_str(charged)}
            for plan, count, charged in s.runs
        ],
        "payments": s.payments,
        "first_due": s.first_due.isoformat(),
        "last_due": s.last_due.isoformat(),
        "notes": list(s.notes),
    }
