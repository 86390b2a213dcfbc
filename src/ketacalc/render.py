"""Renderers: one result, many views (table, json, ndjson, csv, tsv).

Records are plain JSON-ready dicts built by ``views``; this module only writes
them. JSON/CSV go through the standard library, never through Rich, so they
never carry colour codes. Rich is imported only to draw a table.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import IO, Any


class Format(StrEnum):
    table = "table"
    json = "json"
    ndjson = "ndjson"
    csv = "csv"
    tsv = "tsv"


@dataclass
class Column:
    header: str
    justify: str = "left"  # "right" for numbers
    number: bool = False  # numbers never wrap and are never cut
    nowrap: bool = False  # identifiers and dates: never split either
    ratio: int | None = None


@dataclass
class TableView:
    columns: list[Column]
    rows: list[list[str]]
    title: str | None = None
    caption: str | None = None
    sections: list[tuple[str, TableView]] = field(default_factory=list)  # extra tables below


MAX_WORD = 14


def write_json(records: Any, out: IO[str]) -> None:
    import json

    json.dump(records, out, indent=2, ensure_ascii=False)
    out.write("\n")


def write_ndjson(records: Iterable[dict[str, Any]], out: IO[str]) -> None:
    import json

    for record in records:
        out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
        out.write("\n")


def flat_cell(value: Any) -> str:
    """A record value as one CSV cell: lists joined with '; ', unknown as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "; ".join(flat_cell(v) for v in value)
    if isinstance(value, dict):
        import json

        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def write_delimited(
    rows: Sequence[dict[str, Any]], fields: Sequence[str], out: IO[str], tsv: bool, header: bool = True
) -> None:
    import csv

    if tsv:
        if header:
            out.write("\t".join(fields) + "\n")
        for row in rows:
            cells = [flat_cell(row.get(f)).replace("\t", " ").replace("\n", " ") for f in fields]
            out.write("\t".join(cells) + "\n")
        return
    writer = csv.writer(out, lineterminator="\n")
    if header:
        writer.writerow(fields)
    for row in rows:
        writer.writerow([flat_cell(row.get(f)) for f in fields])


def use_color(out: IO[str]) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    try:
        return out.isatty()
    except (AttributeError, ValueError):
        return False


def write_table(view: TableView, out: IO[str], width: int | None = None) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    tty = use_color(out)
    if width is None:
        env = os.environ.get("COLUMNS", "")
        if env.isdigit():
            width = int(env)
        elif not _is_terminal(out):
            width = 120  # piped: wide enough that nothing is cut
    console = Console(
        file=out,
        width=width,
        color_system="auto" if tty else None,
        force_terminal=tty,
        no_color=not tty,
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=False,
    )
    views = [(None, view), *view.sections]
    for index, (heading, part) in enumerate(views):
        if index:
            console.print()
        table = Table(
            title=part.title if heading is None else heading,
            caption=part.caption,
            box=box.SIMPLE_HEAD,
            show_edge=False,
            show_lines=False,
            expand=False,
            title_justify="left",
            caption_justify="left",
            padding=(0, 1, 0, 0),  # with the divider, two spaces between columns
            pad_edge=False,
        )
        for col in part.columns:
            if col.number or col.nowrap:
                index = len(table.columns)
                lines = [line for r in part.rows for line in r[index].split("\n")]
                longest = max([*map(len, lines), *map(len, col.header.split())] or [1])
                justify = "right" if col.number else col.justify
                table.add_column(col.header, justify=justify, no_wrap=True, min_width=longest)
            else:
                # a word is never split unless it is longer than MAX_WORD (then it folds)
                index = len(table.columns)
                words = [w for r in part.rows for w in r[index].split()] + col.header.split()
                shortest = min(max(map(len, words), default=1), MAX_WORD)
                table.add_column(
                    col.header, justify=col.justify, overflow="fold", ratio=col.ratio, min_width=shortest
                )
        for row in part.rows:
            table.add_row(*row)
        console.print(table)


def _is_terminal(out: IO[str]) -> bool:
    try:
        return out.isatty()
    except (AttributeError, ValueError):
        return False


def emit(
    fmt: Format,
    records: list[dict[str, Any]] | dict[str, Any],
    view: TableView | None,
    fields: Sequence[str] | None = None,
    out: IO[str] | None = None,
) -> None:
    """Write one result in the chosen format. ``records`` may be one object or a list."""
    out = out or sys.stdout
    try:
        _emit(fmt, records, view, fields, out)
    except BrokenPipeError:
        from ketacalc.errors import OutputClosed

        raise OutputClosed() from None


def _emit(
    fmt: Format,
    records: list[dict[str, Any]] | dict[str, Any],
    view: TableView | None,
    fields: Sequence[str] | None,
    out: IO[str],
) -> None:
    many = records if isinstance(records, list) else [records]
    if fmt is Format.json:
        write_json(records, out)
    elif fmt is Format.ndjson:
        write_ndjson(many, out)
    elif fmt in (Format.csv, Format.tsv):
        columns = list(fields) if fields else _fields_of(many)
        write_delimited(many, columns, out, tsv=fmt is Format.tsv)
    else:
        assert view is not None
        write_table(view, out)
    out.flush()


def _fields_of(records: Sequence[dict[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for record in records:
        for key in record:
            seen.setdefault(key, None)
    return list(seen)


def write_batch(fmt: Format, catalog: Any, outcomes: Iterable[Any], out: IO[str]) -> None:
    """Stream batch results: one record per input line, written as it is priced."""
    try:
        _write_batch(fmt, catalog, outcomes, out)
    except BrokenPipeError:
        from ketacalc.errors import OutputClosed

        raise OutputClosed() from None


def _write_batch(fmt: Format, catalog: Any, outcomes: Iterable[Any], out: IO[str]) -> None:
    import io
    import json
    from collections import OrderedDict

    from ketacalc.views import COST_FIELDS, cost_csv, cost_record

    # Equal keys mean equal results: each is serialised and encoded once (bounded),
    # and only the line number is written afresh. Bytes go straight to the buffer.
    sink = getattr(out, "buffer", None)
    if sink is not None:
        out.flush()
        write = sink.write
    else:  # a text-only stream (tests)

        def write(data: bytes) -> Any:
            return out.write(data.decode("utf-8"))

    bodies: OrderedDict[Any, bytes] = OrderedDict()
    fields = ["line", "error", *COST_FIELDS]
    tsv = fmt is Format.tsv
    sep = "\t" if tsv else ","

    def delimited(row: dict[str, Any]) -> str:
        buffer = io.StringIO()
        write_delimited([row], fields[1:], buffer, tsv, header=False)
        return buffer.getvalue()

    def make(result: Any) -> bytes:
        record = cost_record(catalog, result)
        if fmt in (Format.ndjson, Format.json):
            return json.dumps(record, ensure_ascii=False, separators=(",", ":"))[1:].encode()
        return delimited(cost_csv(record)).encode()

    if fmt in (Format.csv, Format.tsv):
        write((sep.join(fields) + "\n").encode())
    wrote = False
    for outcome in outcomes:
        line = outcome.line
        if outcome.error is None:
            body = bodies.get(outcome.key)
            if body is None:
                body = bodies[outcome.key] = make(outcome.result)
                if len(bodies) > 4096:
                    bodies.popitem(last=False)
            if fmt in (Format.csv, Format.tsv):
                text = b"%d%s%s" % (line, sep.encode(), body)
            else:
                text = b'{"line":%d,"error":null,%s' % (line, body)
        elif fmt in (Format.csv, Format.tsv):
            text = (f"{line}{sep}" + delimited({"error": outcome.error})).encode()
        else:
            text = json.dumps({"line": line, "error": outcome.error}, ensure_ascii=False,
                              separators=(",", ":")).encode()  # fmt: skip
        if fmt is Format.json:
            write((b",\n" if wrote else b"[\n") + text)
        elif fmt is Format.ndjson:
            write(text + b"\n")
        else:
            write(text)
        wrote = True
    if fmt is Format.json:
        write(b"\n]\n" if wrote else b"[]\n")
    if sink is not None:
        sink.flush()
    out.flush()
