"""Renderers: one result, many views (table, json, ndjson, csv, tsv).

Records are plain JSON-ready dicts built by ``views``; this module only writes
them. JSON/CSV go through the standard library, never through Rich, so they
never carry colour codes. Rich is imported only to draw a table.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import IO, Any, NamedTuple


class Format(StrEnum):
    table = "table"
    json = "json"
    ndjson = "ndjson"
    csv = "csv"
    tsv = "tsv"
    markdown = "markdown"


class Column(NamedTuple):
    header: str
    justify: str = "left"  # "right" for numbers
    number: bool = False  # numbers never wrap and are never cut
    nowrap: bool = False  # identifiers and dates: never split either
    ratio: int | None = None


class TableView:
    """A table to draw: columns, rows of text, and further tables below it."""

    def __init__(
        self,
        columns: list[Column],
        rows: list[list[str]],
        title: str | None = None,
        caption: str | None = None,
    ) -> None:
        self.columns = columns
        self.rows = rows
        self.title = title
        self.caption = caption
        self.sections: list[tuple[str, TableView]] = []


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
    return not os.environ.get("NO_COLOR") and _is_terminal(out)


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
    from rich.measure import Measurement

    class _Console(Console):
        def on_broken_pipe(self) -> None:  # Rich would raise SystemExit(1); stop quietly instead
            from ketacalc.errors import OutputClosed

            raise OutputClosed()

    console = _Console(
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
    screen = console.width
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
                longest = max(
                    [*map(len, lines), *map(len, col.header.split("\n"))] or [1]
                )  # never-wrapping header too
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
        text_columns = [not (col.number or col.nowrap) for col in part.columns]
        for row in part.rows:
            table.add_row(
                *(_Foldable(cell) if text else cell for cell, text in zip(row, text_columns, strict=True))
            )
        # Never crop: a table that cannot be squeezed into the screen is drawn as
        # wide as it needs (the terminal wraps the long lines; nothing is lost).
        narrowest = Measurement.get(console, console.options.update_width(10_000), table).minimum
        console.width = max(screen, narrowest)
        console.print(table)


class _Foldable:
    """A text cell that may be narrower than its longest word (a URL, a long id):
    Rich would otherwise size the column for the whole word and crop the table.
    Words longer than the column fold; shorter ones never split."""

    def __init__(self, text: str) -> None:
        from rich.text import Text

        self.text = Text(text, overflow="fold")

    def __rich_measure__(self, console: Any, options: Any) -> Any:
        from rich.measure import Measurement

        measured = Measurement.get(console, options, self.text)
        return Measurement(min(measured.minimum, MAX_WORD), measured.maximum)

    def __rich_console__(self, console: Any, options: Any) -> Any:
        yield self.text


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
    elif fmt is Format.markdown:
        from ketacalc.markdown import write_markdown

        assert view is not None
        write_markdown(view, out)
    else:
        assert view is not None
        write_table(view, out)
    out.flush()


def emit_stream(
    fmt: Format,
    records: Iterable[dict[str, Any]],
    fields: Sequence[str] | None = None,
    out: IO[str] | None = None,
) -> None:
    """Write records one at a time as they come (json as an array, ndjson, csv, tsv)."""
    import itertools
    import json

    out = out or sys.stdout
    iterator = iter(records)
    first = list(itertools.islice(iterator, 1))  # a failure to compute the first writes nothing
    records = itertools.chain(first, iterator)
    try:
        if fmt in (Format.csv, Format.tsv):
            assert fields is not None
            write_delimited([], fields, out, fmt is Format.tsv)
            for record in records:
                write_delimited([record], fields, out, fmt is Format.tsv, header=False)
        elif fmt is Format.ndjson:
            write_ndjson(records, out)
        else:  # the same text write_json gives for the whole list, element by element
            wrote = False
            for record in records:
                text = json.dumps(record, indent=2, ensure_ascii=False).replace("\n", "\n  ")
                out.write(("," if wrote else "[") + "\n  " + text)
                wrote = True
            out.write("\n]\n" if wrote else "[]\n")
        out.flush()
    except BrokenPipeError:
        from ketacalc.errors import OutputClosed

        raise OutputClosed() from None


def _fields_of(records: Sequence[dict[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for record in records:
        for key in record:
            seen.setdefault(key, None)
    return list(seen)


def batch_serialiser(fmt: Format, catalog: Any, full: bool = False) -> Any:
    """How ``batch`` turns one cost result into bytes (without its line number):
    the summary record by default, the full ``cost`` record with ``full``."""
    import io
    import json

    from ketacalc.views import COST_FIELDS, cost_csv, cost_record, cost_summary

    if fmt in (Format.ndjson, Format.json):

        def serialise(result: Any) -> bytes:
            record = cost_record(catalog, result) if full else cost_summary(result)
            return json.dumps(record, ensure_ascii=False, separators=(",", ":"))[1:].encode()  # after its "{"

        return serialise

    def serialise_row(result: Any) -> bytes:
        buffer = io.StringIO()
        write_delimited([cost_csv(cost_summary(result))], COST_FIELDS, buffer, fmt is Format.tsv, False)
        return buffer.getvalue().encode()

    return serialise_row


class BatchOutput:
    """stdout for ``batch``: bytes gathered into large writes, flushed on demand."""

    def __init__(self, out: IO[str], chunk: int = 256 * 1024) -> None:
        self.out = out
        self.sink = getattr(out, "buffer", None)
        self.parts: list[bytes] = []
        self.size = 0
        self.chunk = chunk

    def write_bytes(self, data: bytes) -> None:
        self.parts.append(data)
        self.size += len(data)
        if self.size >= self.chunk:
            self.flush()

    def flush(self) -> None:
        data = b"".join(self.parts)
        self.parts, self.size = [], 0
        if self.sink is not None:
            self.out.flush()
            self.sink.write(data)
            self.sink.flush()
        else:  # a text-only stream
            self.out.write(data.decode("utf-8"))
            self.out.flush()


def write_batch(fmt: Format, outcomes: Iterable[Any], out: IO[str] | BatchOutput) -> None:
    """Stream batch results: one record per input line, written as it is priced."""
    try:
        _write_batch(fmt, outcomes, out)
    except BrokenPipeError:
        from ketacalc.errors import OutputClosed

        raise OutputClosed() from None


def _write_batch(fmt: Format, outcomes: Iterable[Any], out: IO[str] | BatchOutput) -> None:
    import io
    import json

    from ketacalc.views import COST_FIELDS

    # Bytes go straight to the buffer, gathered into large writes; only the line
    # number is written afresh. ``flush`` is called before reading more input.
    write = out.write_bytes if isinstance(out, BatchOutput) else BatchOutput(out).write_bytes

    tsv = fmt is Format.tsv
    sep = "\t" if tsv else ","
    fields = ["line", "error", *COST_FIELDS]
    delimited = fmt in (Format.csv, Format.tsv)
    if delimited:
        write((sep.join(fields) + "\n").encode())
    wrote = False
    sep_bytes = sep.encode()
    for line, body, error in outcomes:
        if fmt is Format.ndjson and error is None:  # the common case, kept short
            write(b'{"line":%d,"error":null,%s\n' % (line, body))
            continue
        if delimited:
            if error is None:
                text = b"%d%s%s%s" % (line, sep_bytes, sep_bytes, body)
            else:
                buffer = io.StringIO()
                write_delimited(
                    [{"line": line, "error": error}], ["line", "error"], buffer, tsv, header=False
                )
                text = buffer.getvalue().rstrip("\n").encode() + sep_bytes * len(COST_FIELDS) + b"\n"
        elif error is None:
            text = b'{"line":%d,"error":null,%s' % (line, body)
        else:
            text = json.dumps(
                {"line": line, "error": error}, ensure_ascii=False, separators=(",", ":")
            ).encode()
        if fmt is Format.json:
            write((b",\n" if wrote else b"[\n") + text)
        elif fmt is Format.ndjson:
            write(text + b"\n")
        else:
            write(text)
        wrote = True
    if fmt is Format.json:
        write(b"\n]\n" if wrote else b"[]\n")
    write.__self__.flush()  # type: ignore[attr-defined]
