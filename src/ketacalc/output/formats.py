"""One render switch: a report, written in the format asked for.

A report (see :mod:`ketacalc.output.views`) offers the same result three ways:
``records()`` (JSON-ready dicts, the stable contract), ``rows()`` with
``FIELDS`` (flat dicts for CSV/TSV) and ``table()`` (a :class:`TableView`
drawn from the typed result). :func:`render` picks one by format, for every
command, batch included. JSON and CSV go through the standard library and never
carry colour codes; tables are drawn by :mod:`ketacalc.output.table`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from enum import StrEnum
from typing import IO, Any, ClassVar, Protocol

from ketacalc.errors import OutputClosed, inert
from ketacalc.output.tableview import TableView


class Format(StrEnum):
    table = "table"
    markdown = "markdown"
    json = "json"
    ndjson = "ndjson"
    csv = "csv"
    tsv = "tsv"


class Report(Protocol):
    """What every command's report offers the render switch."""

    FIELDS: ClassVar[Sequence[str]]  # CSV/TSV columns, in order
    single: bool  # JSON: one object (True) or an array of them
    compact: bool  # JSON: one object a line (a stream of many) rather than indented

    def records(self) -> Iterable[dict[str, Any]]: ...

    def rows(self) -> Iterable[dict[str, Any]]: ...

    def table(self) -> TableView: ...


def render(fmt: Format, report: Report, out: IO[str] | None = None) -> None:
    """Write ``report`` to ``out`` (stdout) in ``fmt``. Records are written as
    they come, so a long range reaches ``| head -1`` at once; the first record is
    computed before anything is written, so a failure writes nothing."""
    out = out or sys.stdout
    try:
        if fmt is Format.table and hasattr(report, "draw"):  # a chart draws itself
            report.draw(out)
        elif fmt is Format.table:
            from ketacalc.output.table import write_table

            write_table(report.table(), out)
        elif fmt is Format.markdown:
            from ketacalc.output.markdown import write_markdown
            from ketacalc.output.notes import sentences

            view = report.table()  # a document to paste: the notes said on stderr go in it too
            write_markdown(view, out, notes=sentences(getattr(report, "notes", ())))
        elif fmt is Format.json:
            write_json(report.records(), out, single=report.single, compact=report.compact)
        elif fmt is Format.ndjson:
            write_ndjson(report.records(), out)
        else:
            write_delimited(report.rows(), report.FIELDS, out, tsv=fmt is Format.tsv)
        out.flush()
    except BrokenPipeError:
        raise OutputClosed() from None


def _started(items: Iterable[Any]) -> Iterator[Any]:
    """The same items, with the first one computed now, before anything is
    written: a failure to compute it leaves the output empty."""
    import itertools

    iterator = iter(items)
    first = list(itertools.islice(iterator, 1))
    return itertools.chain(first, iterator)


def write_json(records: Iterable[dict[str, Any]], out: IO[str], single: bool, compact: bool = False) -> None:
    """Indented JSON: one object, or an array written element by element (the
    same text ``json.dump`` gives for the whole list, ``[]`` when empty);
    ``compact``: an array with one object a line."""
    import json

    if compact:
        dumps = _compact_encoder()
        wrote = False
        for record in _started(records):
            out.write(("," if wrote else "[") + "\n" + dumps(record))
            wrote = True
        out.write("\n]\n" if wrote else "[]\n")
        return
    if single:
        (record,) = records
        json.dump(record, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return
    wrote = False
    for record in _started(records):
        text = json.dumps(record, indent=2, ensure_ascii=False).replace("\n", "\n  ")
        out.write(("," if wrote else "[") + "\n  " + text)
        wrote = True
    out.write("\n]\n" if wrote else "[]\n")


def write_ndjson(records: Iterable[dict[str, Any]], out: IO[str]) -> None:
    dumps = _compact_encoder()
    for record in records:
        out.write(dumps(record) + "\n")


def _compact_encoder() -> Any:
    import json

    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

    def dumps(record: Any) -> str:
        # a record given as text is already encoded as compact JSON, exactly as ``encode``
        # would write it: ``batch`` writes many records alike but for their line number,
        # and encodes each distinct one once
        return record if type(record) is str else encode(record)

    return dumps


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


#: what a spreadsheet reads as the start of a formula (OWASP "CSV injection")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def sheet_cell(text: str) -> str:
    """A CSV/TSV cell a spreadsheet takes as text: control characters escaped, and a
    cell that starts like a formula (``= + - @``, tab, CR) prefixed with ``'``, as
    OWASP recommends. A plain number (``-5.00``) is left as it is."""
    # a spreadsheet may drop the spaces before a formula (" =1+1"): they do not hide one
    if text.lstrip(" \u00a0").startswith(_FORMULA_START) and not _is_number(text):
        text = "'" + text
    return inert(text, newlines=True)


def _is_number(text: str) -> bool:
    body = text[1:] if text[:1] in "+-" else text
    whole, _, fraction = body.partition(".")
    return (
        whole.isascii() and whole.isdigit() and (not fraction or (fraction.isascii() and fraction.isdigit()))
    )


def write_delimited(
    rows: Iterable[dict[str, Any]], fields: Sequence[str], out: IO[str], tsv: bool, header: bool = True
) -> None:
    """CSV (RFC 4180 quoting) or TSV (tabs and line breaks inside cells become spaces);
    every cell through :func:`sheet_cell`, so none is read as a formula."""
    rows = _started(rows)
    if tsv:
        if header:
            out.write("\t".join(fields) + "\n")
        for row in rows:
            cells = [sheet_cell(flat_cell(row.get(f)).replace("\t", " ").replace("\n", " ")) for f in fields]
            out.write("\t".join(cells) + "\n")
        return
    import csv

    writer = csv.writer(out, lineterminator="\n")
    if header:
        writer.writerow(fields)
    for row in rows:
        writer.writerow([sheet_cell(flat_cell(row.get(f))) for f in fields])
