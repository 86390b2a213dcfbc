"""``batch``: one record per input line, the cost summary or the line's error."""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ketacalc.errors import KetacalcError
from ketacalc.output.views.common import Report, regulation_records
from ketacalc.output.views.cost import (
    DATED_FIELDS,
    SUMMARY_FIELDS,
    full_record,
    leftover_record,
    near_end_record,
    summary_record,
    summary_row,
)
from ketacalc.version import SCHEMA_VERSION

if TYPE_CHECKING:
    from datetime import date

    from ketacalc.data.catalog import Catalog
    from ketacalc.domain.batch import Outcome
    from ketacalc.domain.eligibility import Availability
    from ketacalc.domain.pricing import CostResult
    from ketacalc.domain.regulation import LeftoverPastEnd, NearEnd, RuleEntry
    from ketacalc.output.tableview import TableView


#: the courses whose record text ``condense`` keeps for another start (about 1 KB each)
UNDATED = 8192
#: the distinct condensed records ``condense`` shares (each the memo's already)
TEXTS = 8192


#: where a summary record's dated fields (one run of its fields: DATED_FIELDS) start in its
#: text, and where the field after them starts: a key's quotes are never part of a string
#: (whose quotes are escaped), and no field before them holds an object with such a key
_DATED_STARTS = f',"{DATED_FIELDS[0]}":'
_DATED_END = f',"{SUMMARY_FIELDS[SUMMARY_FIELDS.index(DATED_FIELDS[-1]) + 1]}":'
#: the text of a course's near_end and leftover_past_end when the flexibilities' end means nothing for it
_NO_ENDS = ',"near_end":null,"leftover_past_end":null'


class Condensed:
    """A result's record as ``batch`` keeps it: its fields after the line number, encoded, as
    parts joined when written. A summary's parts are the text before its dated fields, their
    text up to the rules, the rules' text, what the flexibilities' end means for the course and
    the text after them: the same course in another
    state shares the first and last with it, and courses on the same dates in the same state
    share their rules' text, so thousands of kept records hold each long text once."""

    __slots__ = ("parts",)

    def __init__(self, *parts: str) -> None:
        self.parts = parts

    def __eq__(self, other: object) -> bool:
        return type(other) is Condensed and self.parts == other.parts

    def __hash__(self) -> int:
        return hash(self.parts)


class BatchReport(Report):
    """Outcomes as they come; each record is ``{schema_version, line, error, …}``
    with the cost summary (or, with ``full``, the whole ``cost`` record)."""

    FIELDS = ("line", "error", *SUMMARY_FIELDS)
    compact = True

    def __init__(self, catalog: Catalog, outcomes: Iterable[tuple[int, Outcome]], full: bool = False) -> None:
        self.catalog = catalog
        self.outcomes = outcomes
        self.full = full
        self._texts: dict[Condensed, Condensed] = {}  # each condensed record once
        # a course's charge lines -> its record's text before and after the dated fields
        self._undated: OrderedDict[int, tuple[object, str, str]] = OrderedDict()
        self._rules: dict[int, tuple[object, str]] = {}  # rules on a course's dates -> their records' text
        self._rule_heads: dict[
            tuple[object, ...], str
        ] = {}  # a rule but its course -> its record's text before the dates

    @staticmethod
    def _body(outcome: CostResult | KetacalcError, build: Any) -> dict[str, Any]:
        if isinstance(outcome, KetacalcError):
            return {"error": str(outcome)}
        body = {"error": None, **build(outcome)}
        body.pop("schema_version", None)
        return body

    def _record(self, result: CostResult) -> dict[str, Any]:
        return full_record(self.catalog, result) if self.full else summary_record(result)

    def condense(self, result: CostResult, redated: bool = False) -> Condensed:
        """What ``batch`` keeps of a result to answer it again (see :meth:`_condense`), one
        text for records alike: scenarios that differ only in what a summary leaves out (the
        state, where the provider's availability is the same) share it."""
        return self._shared(self._condense(result, redated))

    def place(
        self,
        kept: object,
        first_due: date | None,
        last_due: date | None,
        availability: Availability | None,
        regulation: tuple[RuleEntry, ...],
        ends: tuple[NearEnd | None, LeftoverPastEnd | None],
    ) -> Condensed | None:
        """What ``condense`` keeps of a course, for the same course whose dated fields are
        these (the same course in another state: only its availability there differs, and with
        it the rules and what the flexibilities' end means), or ``None`` when it cannot be
        placed so (a full record also says the state)."""
        if self.full or type(kept) is not Condensed or len(kept.parts) != 5:
            return None
        return self._shared(
            Condensed(
                kept.parts[0],
                *self._dated_parts(first_due, last_due, availability, regulation, ends),
                kept.parts[4],
            )
        )

    def _shared(self, text: Condensed) -> Condensed:
        known = self._texts.get(text)
        if known is not None:
            return known
        if len(self._texts) >= TEXTS:
            self._texts.clear()
        self._texts[text] = text
        return text

    def _condense(self, result: CostResult, redated: bool) -> Condensed:
        """What ``batch`` keeps of a result to answer it again (JSON formats): its record's
        fields after the line number, encoded, a small fraction of the result's memory.

        A course re-dated from another start (``CostResult.moved_to``: the same charge
        lines, the same object) differs from the course first priced only in its
        :data:`DATED_FIELDS`: with ``redated`` (courses may be re-dated later in the run),
        the other fields' text is kept and reused, and only those are encoded again."""
        encode = self._encode()
        if self.full or isinstance(result, KetacalcError) or not result.runs or result.months is not None:
            return Condensed(encode(self._body(result, self._record))[1:])
        dated = self._dated_parts(
            result.first_due,
            result.last_due,
            result.availability,
            result.regulation,
            (result.near_end, result.leftover_past_end),
        )
        lines = result.lines
        known = self._undated.get(id(lines))
        if known is not None and known[0] is lines:
            self._undated.move_to_end(id(lines))
            return Condensed(known[1], *dated, known[2])
        text = encode(self._body(result, self._record))
        cut = text.index(_DATED_STARTS) + 1  # after its comma
        rest = text.index(_DATED_END, cut)
        head, tail = text[1:cut], text[rest:]
        if redated or self._undated:  # the lines kept: their id stays theirs
            self._undated[id(lines)] = (lines, head, tail)
            if len(self._undated) > UNDATED:
                self._undated.popitem(last=False)  # the course seen least recently
        return Condensed(head, *dated, tail)

    def _dated_parts(
        self,
        first: date | None,
        last: date | None,
        a: Availability | None,
        entries: tuple[RuleEntry, ...],
        ends: tuple[NearEnd | None, LeftoverPastEnd | None],
    ) -> tuple[str, str, str]:
        """``encode(dated_fields(result))[1:-1]`` for a result with these dated fields, in three
        parts: up to the rules, the rules' records, encoded once (one text) for the same
        rules (``rules_for`` gives the same entries for the same state and dates), and what
        the flexibilities' end means for the course (one text for most: nothing)."""
        encode = self._encode()
        status = "null" if a is None else encode(a.status)
        if not entries:
            rules = "[]"
        else:
            known = self._rules.get(id(entries))
            if known is None or known[0] is not entries:
                if len(self._rules) >= 1024:
                    self._rules.clear()
                known = self._rules[id(entries)] = (entries, self._rules_text(entries))
            rules = known[1]
        near, left = ends
        ends_text = (
            _NO_ENDS
            if near is None and left is None
            else f',"near_end":{encode(near_end_record(near))},"leftover_past_end":{encode(leftover_record(left))}'
        )  # a course near the end (few) has its own
        # a date in ISO form is digits and dashes: its JSON is the text in quotes
        first_text = f'"{first.isoformat()}"' if first else "null"
        last_text = f'"{last.isoformat()}"' if last else "null"
        return (
            f'"first_due":{first_text},"last_due":{last_text},"availability":{status},"regulation":',
            rules,
            ends_text,
        )

    def _rules_text(self, entries: tuple[RuleEntry, ...]) -> str:
        """``encode(regulation_records(entries))``: each rule's record but its course dates
        (the last three fields) encoded once, and the dates written in (a dated course's
        rules differ from another's only there)."""
        encode = self._encode()
        if any(e.course.assumed for e in entries):  # the summary names the assumed dates
            return encode(regulation_records(entries))  # type: ignore[no-any-return]
        parts = []
        for e in entries:
            head = self._rule_heads.get(e[:-1])
            if head is None:
                text = encode(regulation_records([e])[0])
                head = text[: text.index('"course_start":')]
                if len(self._rule_heads) >= 1024:
                    self._rule_heads.clear()
                self._rule_heads[e[:-1]] = head
            parts.append(
                f'{head}"course_start":"{e.course.start.isoformat()}",'
                f'"course_end":"{e.course.end.isoformat()}","course_assumed":false}}'
            )
        return f"[{','.join(parts)}]"

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
                body: Condensed = outcome
            else:
                known = encoded.get(id(outcome))
                if known is None or known[0] is not outcome:
                    if len(encoded) >= 8192:
                        encoded.clear()
                    known = encoded[id(outcome)] = (outcome, self.condense(outcome))  # type: ignore[arg-type]
                body = known[1]
            yield f'{{"schema_version":{SCHEMA_VERSION},"line":{line},{"".join(body.parts)}'  # type: ignore[misc]

    def rows(self) -> Iterator[dict[str, Any]]:
        row = lambda result: summary_row(summary_record(result))  # noqa: E731
        for line, outcome in self.outcomes:
            yield {"line": line, **self._body(outcome, row)}

    def table(self) -> TableView:  # pragma: no cover - the CLI refuses tables for batch
        raise NotImplementedError("batch writes data formats only")
