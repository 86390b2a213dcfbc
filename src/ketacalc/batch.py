"""``batch``: price many scenarios, one per input line, as a stream.

Pure core code apart from reading the lines it is given: each scenario (a
JSON object, or a CSV row with a header) becomes a cost query; a bad line
becomes an error result for that line and the others are still priced.
Pricers are shared between scenarios that differ only in their sessions, so
the table of best courses is computed once per provider and option set.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ketacalc.catalog import Catalog
from ketacalc.errors import KetacalcError, UsageProblem
from ketacalc.pricing import DEFAULT_PACE, CostQuery, CostResult, ProviderPricer

FIELDS = (
    "provider", "sessions", "returning", "state", "insurer", "as_of", "start", "pace", "pay_in_full",
    "discount", "route",
)  # fmt: skip
_TRUE = {"true", "yes", "1", "y", "t"}
_FALSE = {"false", "no", "0", "n", "f", ""}


@dataclass(frozen=True, slots=True)
class Outcome:
    line: int
    result: CostResult | None = None
    error: str | None = None


class Parsers:
    """How scenario fields are read; the CLI supplies its own so errors match."""

    def __init__(
        self,
        date_: Callable[[str | None, str], date | None],
        state: Callable[[str | None], str | None],
        money: Callable[[str | None, str], Decimal | None],
        sessions: Callable[[str], list[int]],
        pace: Callable[[str], Decimal],
    ) -> None:
        self.date = date_
        self.state = state
        self.money = money
        self.sessions = sessions
        self.pace = pace


def _text(value: Any, field: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or isinstance(value, (dict, list)):
        raise UsageProblem(f"{field} must be text or a number, not {type(value).__name__}", f"fix '{field}'")
    text = str(value).strip()
    return text or None


def _flag(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    text = (_text(value, field) or "").lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise UsageProblem(f"{field} {value!r} is not true or false", f"write {field} as true or false")


def scenario_query(row: dict[str, Any], parse: Parsers) -> tuple[str, CostQuery]:
    unknown = sorted(set(row) - set(FIELDS))
    if unknown:
        raise UsageProblem(f"unknown field {unknown[0]!r}", f"use only {', '.join(FIELDS)}")
    provider = _text(row.get("provider"), "provider")
    if provider is None:
        raise UsageProblem("missing 'provider'", "give a provider id such as mindbloom")
    raw_sessions = row.get("sessions")
    if isinstance(raw_sessions, bool) or raw_sessions is None or isinstance(raw_sessions, float):
        raise UsageProblem(f"sessions {raw_sessions!r} is not a whole number", "give sessions like 18")
    counts = parse.sessions(str(raw_sessions).strip())
    if len(counts) != 1:
        raise UsageProblem(f"sessions {raw_sessions!r} must be one number in batch", "give one line per N")
    state = parse.state(_text(row.get("state"), "state"))
    insurer = _text(row.get("insurer"), "insurer")
    if insurer is not None and state is None:
        raise UsageProblem("insurer needs state", "add state: insurers are accepted state by state")
    pace_text = _text(row.get("pace"), "pace")
    query = CostQuery(
        sessions=counts[0],
        returning=_flag(row.get("returning"), "returning"),
        as_of=parse.date(_text(row.get("as_of"), "as_of"), "as_of"),
        start=parse.date(_text(row.get("start"), "start"), "start"),
        pace=parse.pace(pace_text) if pace_text is not None else DEFAULT_PACE,
        pay_in_full=_flag(row.get("pay_in_full"), "pay_in_full"),
        insurer=insurer,
        state=state,
        discount=parse.money(_text(row.get("discount"), "discount"), "discount") or Decimal(0),
        route=_text(row.get("route"), "route"),
    )
    return provider, query


class BatchPricer:
    """Prices scenarios, sharing one pricer per provider and option set (bounded)."""

    def __init__(self, catalog: Catalog, today: date, parse: Parsers, max_pricers: int = 64) -> None:
        self.catalog = catalog
        self.today = today
        self.parse = parse
        self.max_pricers = max_pricers
        self._pricers: OrderedDict[tuple[Any, ...], ProviderPricer] = OrderedDict()

    def price(self, line: int, row: Any) -> Outcome:
        try:
            if not isinstance(row, dict):
                raise UsageProblem("a scenario must be a JSON object", 'write {"provider": "mindbloom", "sessions": 18}')
            name, query = scenario_query(row, self.parse)
            provider = self.catalog.find(name)
            key = (provider.id, query.returning, query.as_of, query.start, query.pace, query.pay_in_full,
                   query.insurer, query.state, query.discount, query.route)  # fmt: skip
            pricer = self._pricers.get(key)
            if pricer is None:
                pricer = ProviderPricer(provider, query, self.today)
                self._pricers[key] = pricer
                if len(self._pricers) > self.max_pricers:
                    self._pricers.popitem(last=False)
            else:
                self._pricers.move_to_end(key)
            return Outcome(line, result=pricer.price(query.sessions))
        except KetacalcError as exc:
            return Outcome(line, error=str(exc))


def read_rows(lines: Iterable[str]) -> Iterator[tuple[int, Any]]:
    """``(line number, scenario)`` from JSON Lines or CSV-with-header text, lazily.

    The format is told from the first non-blank line: ``{`` starts JSON Lines.
    A line that is not valid JSON yields ``(line, ValueError)``.
    """
    import json

    iterator = iter(enumerate(lines, start=1))
    first: tuple[int, str] | None = None
    for number, text in iterator:
        if text.strip():
            first = (number, text)
            break
    if first is None:
        return
    if first[1].lstrip().startswith("{"):
        for number, text in _chain(first, iterator):
            if not text.strip():
                continue
            try:
                yield number, json.loads(text)
            except ValueError as exc:
                yield number, ValueError(f"not valid JSON ({exc.msg} at column {exc.colno})")
        return
    import csv

    header_line = first[0]
    stream = (text for _, text in _chain(first, iterator))
    reader = csv.reader(stream)
    header = [h.strip() for h in next(reader)]
    for cells in reader:
        number = header_line + reader.line_num - 1
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            yield number, ValueError(f"has {len(cells)} fields, the header has {len(header)}")
            continue
        yield number, {k: v for k, v in zip(header, cells, strict=True) if v.strip() != ""}


def _chain(first: tuple[int, str], rest: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    yield first
    yield from rest


def chunked_lines(read: Callable[[int], bytes], before_wait: Callable[[], None]) -> Iterator[str]:
    """Lines of a byte stream, read as they arrive; ``before_wait`` runs before each
    read that may block, so results already computed reach the reader first."""
    pending = b""
    while True:
        before_wait()
        chunk = read(65536)
        if not chunk:
            break
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            yield line.decode("utf-8", errors="replace") + "\n"
    if pending:
        yield pending.decode("utf-8", errors="replace")
