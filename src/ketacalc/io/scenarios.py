"""Batch scenarios: JSON Lines or CSV-with-header bytes in, parsed scenarios out.

Pure core code. :func:`read_scenarios` yields one item per input line, in
order, whatever the line holds: the line's raw fields, or the problem with
that line (an :class:`~ketacalc.errors.InvalidInput`). The fields become a
request in :func:`ketacalc.domain.request.scenario`, the one builder the command
line and the library use too, so a batch field and a command-line value give the
same message for the same mistake.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

from ketacalc.errors import InvalidInput, KetacalcError, quoted

MAX_LINE_BYTES = 131_072  # one input line (the csv module's own field limit)


#: a batch line's fields: every question ``cost`` takes (its output options aside), named as
#: :func:`ketacalc.domain.request.build` names them
SCENARIO_FIELDS = ("provider", "sessions", "months", "returning", "state", "insurer", "as_of",
                   "start", "pace", "pay_in_full", "discount", "route", "max_age", "hired_sitter")  # fmt: skip
_KNOWN_FIELDS = frozenset(SCENARIO_FIELDS)
_FIELDS_FIX = f"use only {', '.join(SCENARIO_FIELDS)}"
JSON_EXAMPLE = 'write one JSON object per line, e.g. {"provider": "mindbloom", "sessions": 18}'


class LineFailed(KetacalcError):
    """An unexpected exception while handling one line (a bug): that line's error,
    and the run goes on; the command exits 70 at the end."""

    def __init__(self, exc: BaseException) -> None:
        self.cause = exc
        super().__init__(f"internal error ({type(exc).__name__}: {quoted(str(exc))})", "please report it")


def _guarded(parse: Callable[[bytes], Any], line: bytes) -> Any:
    """``parse(line)``, or the line's :class:`LineFailed` if it raises unexpectedly."""
    try:
        return parse(line)
    except Exception as exc:
        return LineFailed(exc)


def _field_name(name: str) -> str:
    """A field name as an error names it: a huge key is cut, like any echoed input."""
    return name if len(name) <= 60 else name[:60] + "…"


def unknown_field(name: str) -> InvalidInput:
    """The one message for a field that is not a scenario field (JSON key or CSV column)."""
    return InvalidInput(_field_name(name), f"unknown field {quoted(name)}", _FIELDS_FIX)


def _given(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _line_problem(message: str, fix: str) -> InvalidInput:
    return InvalidInput("scenario", message, fix)


def read_scenarios(
    lines: Iterable[bytes], known: Callable[[bytes], bool] | None = None
) -> Iterator[tuple[int, dict[str, object] | KetacalcError | None]]:
    """``(line number, fields or the problem with that line)`` for JSON Lines or
    CSV-with-header bytes, lazily: one item per non-blank line (a good CSV header
    excepted: a first line that cannot be read, or names no scenario field, gets
    its error), in order, whatever a line holds. A JSON line for which ``known``
    is true is not parsed again: its item is ``(line number, None)``.

    The format is told from the first non-blank line: ``{`` or ``[`` starts JSON Lines.
    A UTF-8 byte order mark at the start is skipped. Each CSV line is one row
    (a quoted cell cannot span lines); an empty cell is "not given"."""
    numbered = enumerate(lines, start=1)
    for number, line in numbered:
        if number == 1 and line.startswith(b"\xef\xbb\xbf"):  # Excel's "CSV UTF-8"
            line = line[3:]
        if line.strip():
            if line.lstrip().startswith((b"{", b"[")):  # an array line is JSON too: its error says so
                yield number, _guarded(_json_line, line)
                yield from _json_lines(numbered, known)
            else:
                yield from _csv_rows(number, line, numbered)
            return


def _json_lines(
    numbered: Iterator[tuple[int, bytes]], known: Callable[[bytes], bool] | None = None
) -> Iterator[tuple[int, dict[str, object] | KetacalcError | None]]:
    for number, line in numbered:
        if known is not None and known(line):
            yield number, None
        elif line.strip():
            yield number, _guarded(_json_line, line)


class _Duplicate(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    # a key is a field's name in any case, as a CSV header's is ("Provider" is provider)
    pairs = [(key.strip().casefold(), value) for key, value in pairs]
    out = dict(pairs)
    if len(out) < len(pairs):  # a key given twice: the first one seen again is named
        seen: set[str] = set()
        raise _Duplicate(next(key for key, _ in pairs if key in seen or seen.add(key)))  # type: ignore[func-returns-value]
    return out


def _json_int(digits: str) -> int | str:
    # a number too long for int() (Python refuses over 4,300 digits) stays text:
    # the field's own parser then says it is out of range
    return int(digits) if len(digits) <= 30 else digits


def _json_constant(name: str) -> object:
    raise ValueError(f"{name} is not a JSON value")


def _utf8(line: bytes) -> str | InvalidInput:
    if len(line) > MAX_LINE_BYTES:
        return _line_problem(
            f"longer than {MAX_LINE_BYTES:,} bytes", "no scenario needs that much: check the input"
        )
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _line_problem(f"not valid UTF-8 (byte {exc.start + 1})", "save the file as UTF-8")


@functools.cache
def _decoder() -> Any:
    import json

    return json.JSONDecoder(
        object_pairs_hook=_no_duplicates,
        parse_float=Decimal,
        parse_int=_json_int,
        parse_constant=_json_constant,
    )


def _json_line(line: bytes) -> dict[str, object] | InvalidInput:
    """One JSON line's fields (batch does not parse a line it has seen again)."""
    import json

    text = _utf8(line)
    if isinstance(text, InvalidInput):
        return text
    try:
        value = _decoder().decode(text)
    except _Duplicate as exc:
        return InvalidInput(
            _field_name(exc.key), f"field {quoted(exc.key)} is given twice", "give each field once"
        )
    except RecursionError:
        return _line_problem("not a scenario: the JSON is nested too deeply", JSON_EXAMPLE)
    except ValueError as exc:
        where = f" at column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        return _line_problem(f"not valid JSON ({reason}{where})", JSON_EXAMPLE)
    if not isinstance(value, dict):
        return _line_problem("a scenario must be a JSON object", JSON_EXAMPLE)
    return value


def _csv_cells(line: bytes) -> list[str] | InvalidInput:
    import csv

    text = _utf8(line)
    if isinstance(text, InvalidInput):
        return text
    try:
        rows = list(csv.reader([text.rstrip("\r\n")], strict=True))
    except csv.Error as exc:
        return _line_problem(f"not a CSV row ({exc})", "close every quote on the line it opens")
    return rows[0] if rows else []


#: the problem of a first line that names no scenario field (``mindbloom,18``, ``5``)
NO_HEADER = (
    "the first line is not a CSV header: it names no scenario field",
    "start a CSV with a header line such as provider,sessions, or write one JSON object per line",
)


def _csv_rows(
    header_number: int, header_line: bytes, numbered: Iterator[tuple[int, bytes]]
) -> Iterator[tuple[int, dict[str, object] | KetacalcError]]:
    header = _guarded(_csv_cells, header_line)
    problem: InvalidInput | None = None
    told = False  # whether the header's line has had its problem as its own answer
    names: list[str] = []
    if isinstance(header, KetacalcError):
        problem = InvalidInput("header", f"the CSV header is {header.message}", header.fix)
        told = True
        yield header_number, problem
    else:
        names = [cell.strip().casefold() for cell in header]
        unknown = [(i, n) for i, n in enumerate(names, start=1) if n not in _KNOWN_FIELDS]
        seen: set[str] = set()
        twice = next((n for n in names if n in seen or seen.add(n)), None)  # type: ignore[func-returns-value]
        if len(unknown) == len(names):  # not a header at all (a row, ",", a JSON value): its own error
            problem = _line_problem(*NO_HEADER)
            told = True
            yield header_number, problem
        elif twice is not None:
            problem = InvalidInput(
                _field_name(twice),
                f"column {quoted(twice)} appears twice in the header",
                "give each column once",
            )
        elif unknown and not unknown[0][1]:
            problem = InvalidInput(
                "header", f"column {unknown[0][0]} of the header has no name", "name every column"
            )
        elif unknown:
            problem = unknown_field(unknown[0][1])
    answered = False  # whether a row followed the header (and had its answer)
    for number, line in numbered:
        if not line.strip():
            continue
        answered = True
        if problem is not None:
            yield number, problem
            continue
        cells = _guarded(_csv_cells, line)
        if isinstance(cells, KetacalcError):
            yield number, cells
        elif len(cells) != len(names):
            yield (
                number,
                _line_problem(
                    f"has {len(cells)} field{'' if len(cells) == 1 else 's'}, the header has {len(names)}",
                    "give one field per column; leave a field empty when it is not given",
                ),
            )
        else:
            yield number, {name: cell for name, cell in zip(names, cells, strict=True) if cell.strip()}
    if problem is not None and not told and not answered:
        # a header with a problem and no row after it: its own line is answered, never silence
        yield header_number, problem
