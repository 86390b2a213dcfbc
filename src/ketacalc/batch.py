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
from datetime import date
from decimal import Decimal
from typing import Any

from ketacalc.catalog import Catalog
from ketacalc.errors import KetacalcError, UsageProblem
from ketacalc.pricing import DEFAULT_PACE, MAX_SESSIONS, CostQuery, CostResult, ProviderPricer

FIELDS = (
    "provider", "sessions", "returning", "state", "insurer", "as_of", "start", "pace", "pay_in_full",
    "discount", "route",
)  # fmt: skip
_TRUE = {"true", "yes", "1", "y", "t"}
_FALSE = {"false", "no", "0", "n", "f", ""}


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


_KNOWN = frozenset(FIELDS)


def scenario_query(row: dict[str, Any], parse: Parsers) -> tuple[str, CostQuery]:
    unknown = sorted(set(row) - _KNOWN)
    if unknown:
        raise UsageProblem(f"unknown field {unknown[0]!r}", f"use only {', '.join(FIELDS)}")
    provider = _text(row.get("provider"), "provider")
    if provider is None:
        raise UsageProblem("missing 'provider'", "give a provider id such as mindbloom")
    raw_sessions = row.get("sessions")
    if isinstance(raw_sessions, bool) or raw_sessions is None or isinstance(raw_sessions, float):
        raise UsageProblem(f"sessions {raw_sessions!r} is not a whole number", "give sessions like 18")
    counts = [raw_sessions] if isinstance(raw_sessions, int) and 0 < raw_sessions <= MAX_SESSIONS else None
    counts = counts or parse.sessions(str(raw_sessions).strip())
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


class _Bounded(OrderedDict[Any, Any]):
    """A cache that drops its oldest entries beyond ``limit`` units (entries, or bytes)."""

    def __init__(self, limit: int, size: Callable[[Any, Any], int] = lambda key, value: 1) -> None:
        super().__init__()
        self.limit = limit
        self.size = size
        self.used = 0

    def remember(self, key: Any, value: Any) -> Any:
        self[key] = value
        self.used += self.size(key, value)
        while self.used > self.limit and len(self) > 1:
            old_key, old_value = self.popitem(last=False)
            self.used -= self.size(old_key, old_value)
        return value


def _footprint(raw: Any, done: tuple[bytes | None, str | None]) -> int:
    body, error = done
    return 200 + (len(raw) if isinstance(raw, bytes) else 100) + (len(body) if body else len(error or ""))


class BatchPricer:
    """Prices scenarios into serialised results; a repeated scenario is priced once.

    Memory stays bounded whatever the input's length: finished results are kept
    for at most ``cache_bytes``, and one pricer per provider and option set (so
    its table of best courses serves every N). A line seen before is not even
    parsed again.
    """

    def __init__(
        self,
        catalog: Catalog,
        today: date,
        parse: Parsers,
        serialise: Callable[[CostResult], bytes],
        cache_bytes: int = 8 * 1024 * 1024,
    ) -> None:
        self.catalog = catalog
        self.today = today
        self.parse = parse
        self.serialise = serialise
        self._done = _Bounded(cache_bytes, _footprint)  # raw scenario -> (body, error)
        self._bodies = _Bounded(cache_bytes // 2, lambda key, body: 200 + len(body))  # priced key -> body
        self._pricers = _Bounded(256)

    def price(self, raw: Any, row: Any = None) -> tuple[bytes | None, str | None]:
        """``(serialised result, None)`` or ``(None, error)`` for one scenario.

        ``raw`` is its hashable text (a JSON line's bytes, a CSV row's cells);
        ``row`` the parsed mapping, or ``JSON`` to parse ``raw`` on first sight."""
        done = self._done.get(raw) if raw is not None else None
        if done is None:
            done = self._compute(raw, row)
            if raw is not None:
                self._done.remember(raw, done)
        return done

    def _compute(self, raw: Any, row: Any) -> tuple[bytes | None, str | None]:
        try:
            return self._price_line(raw, row)
        except KetacalcError as exc:
            return None, str(exc)

    def _price_line(self, raw: Any, row: Any) -> tuple[bytes | None, str | None]:
        prepared = self._prepare(raw, row)
        if isinstance(prepared, str):
            return None, prepared
        provider, query, key = prepared
        body = self._bodies.get((key, query.sessions))
        if body is None:
            pricer = self._pricers.get(key)
            if pricer is None:
                pricer = self._pricers.remember(key, ProviderPricer(provider, query, self.today))
            body = self._bodies.remember((key, query.sessions), self.serialise(pricer.price(query.sessions)))
        return body, None

    def _prepare(self, raw: Any, row: Any) -> tuple[Any, CostQuery, tuple[Any, ...]] | str:
        if isinstance(row, ValueError):
            return str(row)
        if row is JSON:
            import json

            try:
                row = json.loads(raw)
            except ValueError as exc:
                return f"not valid JSON ({getattr(exc, 'msg', exc)} at column {getattr(exc, 'colno', 1)})"
            except RecursionError:
                return "not a scenario: the JSON is nested too deeply"
        try:
            if not isinstance(row, dict):
                raise UsageProblem(
                    "a scenario must be a JSON object", 'write {"provider": "mindbloom", "sessions": 18}'
                )
            name, query = scenario_query(row, self.parse)
            provider = self.catalog.find(name)
        except KetacalcError as exc:
            return str(exc)
        # Everything that can change the result, and nothing else: the state only
        # matters with an insurer, so scenarios that differ only in it are priced once.
        state = query.state if query.insurer is not None else None
        key = (provider.id, query.returning, query.as_of, query.start, query.pace, query.pay_in_full,
               query.insurer, state, query.discount, query.route)  # fmt: skip
        return provider, query, key


JSON = object()  # marker: the row is the raw JSON line itself, parsed only when first seen


def read_rows(lines: Iterable[bytes]) -> Iterator[tuple[int, Any, Any]]:
    """``(line number, raw, row)`` from JSON Lines or CSV-with-header bytes, lazily.

    The format is told from the first non-blank line: ``{`` starts JSON Lines,
    whose rows are left as ``JSON`` (parsed on first sight by the pricer).
    """
    iterator = iter(enumerate(lines, start=1))
    first: tuple[int, bytes] | None = None
    for number, text in iterator:
        if number == 1 and text.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte order mark (Excel's "CSV UTF-8")
            text = text[3:]
        if text.strip():
            first = (number, text)
            break
    if first is None:
        return
    if first[1].lstrip().startswith(b"{"):
        for number, text in _chain(first, iterator):
            raw = text.strip()
            if raw:
                yield number, raw, JSON
        return
    import csv

    header_line = first[0]
    reader = csv.reader(text.decode("utf-8", errors="replace") for _, text in _chain(first, iterator))
    header = [h.strip() for h in next(reader)]
    for cells in reader:
        number = header_line + reader.line_num - 1
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            yield number, None, ValueError(f"has {len(cells)} fields, the header has {len(header)}")
            continue
        yield number, tuple(cells), {k: v for k, v in zip(header, cells, strict=True) if v.strip() != ""}


def _chain(first: tuple[int, bytes], rest: Iterator[tuple[int, bytes]]) -> Iterator[tuple[int, bytes]]:
    yield first
    yield from rest


def chunked_lines(read: Callable[[int], bytes], before_wait: Callable[[], None]) -> Iterator[bytes]:
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
        yield from lines
    if pending:
        yield pending
