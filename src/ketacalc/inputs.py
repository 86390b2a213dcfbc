"""Every value a person types, parsed and checked in one place (CLI and batch).

Messages name the field (``sessions``), never a command-line flag: the CLI adds
the flag where it reports the error. (Interim version: being replaced.)
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from ketacalc.errors import InvalidInput

MAX_SESSIONS = 10_000
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(text: str) -> date | None:
    if not _ISO_DATE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def today(env: Mapping[str, str] | None = None) -> date:
    pinned = (os.environ if env is None else env).get("KETACALC_TODAY")
    if not pinned:
        return date.today()
    day = _iso_date(pinned)
    if day is None:
        raise InvalidInput(
            "KETACALC_TODAY", f"KETACALC_TODAY={pinned!r} is not a date", "set it as YYYY-MM-DD or unset it"
        )
    return day


def parse_date(text: str, field: str) -> date:
    day = _iso_date(text)
    if day is None:
        raise InvalidInput(
            field, f"{field} {text!r} is not a date", "write it as YYYY-MM-DD, e.g. 2025-06-13"
        )
    return day


def parse_state(text: str, field: str = "state") -> str:
    from ketacalc.usstates import UnknownState
    from ketacalc.usstates import parse_state as parse

    try:
        return parse(text)
    except UnknownState as exc:
        fix = (
            f"did you mean {' or '.join(exc.suggestions)}?"
            if exc.suggestions
            else "use a USPS code such as TX or a name such as Texas"
        )
        raise InvalidInput(field, f"{field} {text!r} is not a US state or DC", fix) from None


def parse_money(text: str, field: str) -> Decimal:
    from ketacalc.money import parse_money as parse

    try:
        return parse(text)
    except ValueError:
        raise InvalidInput(
            field, f"{field} {text!r} is not an amount", "write dollars like 50 or 49.99"
        ) from None


def parse_sessions(text: str, field: str = "sessions") -> list[int]:
    fix = f"give a whole number from 1 to {MAX_SESSIONS:,}, a list like 6,12,18 or a range like 1-24"
    counts: list[int] = []
    for part in text.split(","):
        part = part.strip()
        low, sep, high = part.partition("-")
        try:
            if sep and low.strip():
                start, stop = int(low), int(high)
                if start > stop:
                    raise InvalidInput(field, f"{field} range {part!r} runs backwards", fix)
                bounds = [start, stop]
            else:
                bounds = [int(part)]
        except ValueError:
            raise InvalidInput(field, f"{field} {text!r} is not a number, list or range", fix) from None
        for value in bounds:
            if value < 1 or value > MAX_SESSIONS:
                raise InvalidInput(field, f"{field} {value} is out of range", fix)
        counts.extend(range(bounds[0], bounds[-1] + 1))
        if len(counts) > MAX_SESSIONS:
            raise InvalidInput(field, f"{field} {text!r} asks for more than {MAX_SESSIONS:,} results", fix)
    return counts


def parse_count(value: object, field: str = "sessions", maximum: int = MAX_SESSIONS) -> int:
    if isinstance(value, bool) or value is None or isinstance(value, float):
        raise InvalidInput(field, f"{field} {value!r} is not a whole number", "give sessions like 18")
    if isinstance(value, int) and 0 < value <= maximum:
        return value
    counts = parse_sessions(str(value).strip(), field)
    if len(counts) != 1:
        raise InvalidInput(field, f"{field} {value!r} must be one number", "give one line per N")
    return counts[0]


def parse_pace(text: str) -> Decimal:
    try:
        pace = Decimal(text)
        if not pace.is_finite() or pace <= 0 or pace > 14:
            raise ValueError
    except (ValueError, ArithmeticError):
        raise InvalidInput(
            "pace",
            f"pace {text!r} is not a pace",
            "give sessions a week, more than 0 and at most 14, e.g. 1 or 0.5",
        ) from None
    return pace


_TRUE = {"true", "yes", "1", "y", "t"}
_FALSE = {"false", "no", "0", "n", "f", ""}


def _text(value: Any, field: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, (bool, dict, list)):
        raise InvalidInput(
            field, f"{field} must be text or a number, not {type(value).__name__}", f"fix '{field}'"
        )
    text = str(value).strip()
    return text or None


def parse_flag(value: object, field: str) -> bool:
    if isinstance(value, bool):
        return value
    text = (_text(value, field) or "").lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InvalidInput(field, f"{field} {value!r} is not true or false", f"write {field} as true or false")


SCENARIO_FIELDS = (
    "provider", "sessions", "returning", "state", "insurer", "as_of", "start", "pace", "pay_in_full",
    "discount", "route",
)  # fmt: skip


class Scenario(NamedTuple):
    provider: str
    sessions: int | None
    months: int | None
    returning: bool
    state: str | None
    insurer: str | None
    as_of: date | None
    start: date | None
    pace: Decimal | None
    pay_in_full: bool
    discount: Decimal
    route: str | None


def scenario(fields: Mapping[str, object]) -> Scenario:
    unknown = sorted(set(fields) - set(SCENARIO_FIELDS))
    if unknown:
        raise InvalidInput(
            unknown[0], f"unknown field {unknown[0]!r}", f"use only {', '.join(SCENARIO_FIELDS)}"
        )
    provider = _text(fields.get("provider"), "provider")
    if provider is None:
        raise InvalidInput("provider", "missing 'provider'", "give a provider id such as mindbloom")
    sessions = parse_count(fields.get("sessions"))
    state_text = _text(fields.get("state"), "state")
    state = parse_state(state_text) if state_text else None
    insurer = _text(fields.get("insurer"), "insurer")
    if insurer is not None and state is None:
        raise InvalidInput(
            "insurer", "insurer needs state", "add state: insurers are accepted state by state"
        )
    pace = _text(fields.get("pace"), "pace")
    as_of = _text(fields.get("as_of"), "as_of")
    start = _text(fields.get("start"), "start")
    discount = _text(fields.get("discount"), "discount")
    return Scenario(
        provider=provider,
        sessions=sessions,
        months=None,
        returning=parse_flag(fields.get("returning"), "returning"),
        state=state,
        insurer=insurer,
        as_of=parse_date(as_of, "as_of") if as_of else None,
        start=parse_date(start, "start") if start else None,
        pace=parse_pace(pace) if pace else None,
        pay_in_full=parse_flag(fields.get("pay_in_full"), "pay_in_full"),
        discount=parse_money(discount, "discount") if discount else Decimal(0),
        route=_text(fields.get("route"), "route"),
    )


def read_scenarios(lines: Iterable[bytes]) -> Iterator[tuple[int, dict[str, object] | InvalidInput]]:
    """``(line number, fields or the problem with that line)`` for JSON Lines or CSV."""
    import json

    iterator = iter(enumerate(lines, start=1))
    first: tuple[int, bytes] | None = None
    for number, text in iterator:
        if number == 1 and text.startswith(b"\xef\xbb\xbf"):
            text = text[3:]
        if text.strip():
            first = (number, text)
            break
    if first is None:
        return
    rest = _chain(first, iterator)
    if first[1].lstrip().startswith(b"{"):
        for number, text in rest:
            if not text.strip():
                continue
            try:
                row = json.loads(text)
            except ValueError as exc:
                yield (
                    number,
                    InvalidInput(
                        "line",
                        f"not valid JSON ({getattr(exc, 'msg', exc)} at column {getattr(exc, 'colno', 1)})",
                    ),
                )
                continue
            except RecursionError:
                yield number, InvalidInput("line", "not a scenario: the JSON is nested too deeply")
                continue
            if not isinstance(row, dict):
                yield (
                    number,
                    InvalidInput(
                        "line",
                        "a scenario must be a JSON object",
                        'write {"provider": "mindbloom", "sessions": 18}',
                    ),
                )
                continue
            yield number, row
        return
    import csv

    header_line = first[0]
    reader = csv.reader(text.decode("utf-8", errors="replace") for _, text in rest)
    header = [h.strip() for h in next(reader)]
    for cells in reader:
        number = header_line + reader.line_num - 1
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            yield number, InvalidInput("line", f"has {len(cells)} fields, the header has {len(header)}")
            continue
        yield number, {k: v for k, v in zip(header, cells, strict=True) if v.strip() != ""}


def _chain(first: tuple[int, bytes], rest: Iterator[tuple[int, bytes]]) -> Iterator[tuple[int, bytes]]:
    yield first
    yield from rest
