"""``chart`` and ``report``: see a comparison and share it.

The shell only: parse options, call the core (``curves``), hand the result to a
renderer (``plot``, ``svg``/``htmlreport``). plotext and Jinja2 are imported by
those renderers, so no other command pays for them at start-up.
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ketacalc.errors import KetacalcError, UsageProblem


class ChartFormat(StrEnum):
    table = "table"
    json = "json"
    ndjson = "ndjson"
    csv = "csv"
    tsv = "tsv"


def _complete_state(incomplete: str) -> list[str]:
    from ketacalc.cli import _complete_state as complete

    return complete(incomplete)


StateOpt = Annotated[
    str | None,
    typer.Option("--state", "-s", metavar="STATE", autocompletion=_complete_state,
                 help="US state or DC, as a code or a name: TX, texas, 'New York'."),
]  # fmt: skip
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", metavar="DATE", help="Use the newest figures on or before DATE (YYYY-MM-DD). Default: today."),
]  # fmt: skip
MonthsOpt = Annotated[
    str | None,
    typer.Option("--months", metavar="M", hidden=True, help="Cost of the first M months of care (not available yet)."),
]  # fmt: skip
ReturningOpt = Annotated[bool, typer.Option("--returning", help="Price for a returning client.")]

MONTHS_LATER = "cost by months is not available in this version"


def _width() -> int:
    """COLUMNS when set; the terminal's width; 80 when piped."""
    import shutil

    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if not sys.stdout.isatty():
        return 80
    return shutil.get_terminal_size((80, 24)).columns


def _notes(lines: list[str] | tuple[str, ...]) -> None:
    for line in dict.fromkeys(lines):
        typer.echo(f"note: {line}", err=True)


def chart(
    ctx: typer.Context,
    state: StateOpt = None,
    sessions: Annotated[str, typer.Option("--sessions", "-n", metavar="N",
                                          help="Session counts to draw: a range 1-36, or a list 6,12,18.")] = "1-36",
    months: MonthsOpt = None,
    returning: ReturningOpt = False,
    insurer: Annotated[str | None, typer.Option("--insurer", metavar="NAME",
                                                help="Use insurance prices where this insurer is accepted (needs --state).")] = None,
    as_of: AsOfOpt = None,
    include_unavailable: Annotated[bool, typer.Option("--include-unavailable",
                                                      help="Also draw providers known not to serve the state.")] = False,
    no_sitter: Annotated[bool, typer.Option("--no-sitter", help="Only providers known not to require a sitter.")] = False,
    insurance: Annotated[bool, typer.Option("--insurance", help="Only providers that accept insurance (in the state).")] = False,
    route: Annotated[str | None, typer.Option("--route", metavar="ROUTE", help="Only plans for this delivery route.")] = None,
    pay_in_full: Annotated[bool, typer.Option("--pay-in-full", help="Pay each purchase at once, with any published discount.")] = False,
    fmt: Annotated[ChartFormat, typer.Option("--format", "-f", case_sensitive=False,
                                             help="table draws the chart; json, ndjson, csv, tsv give its points.")] = ChartFormat.table,
) -> None:  # fmt: skip
    """Cost curves: the total cost of N sessions, one line per provider (same filters as compare).

    Each line steps up where another package must be bought. Providers with no
    published price, and daily low-dose plans (not sessions), are not drawn; a
    note on stderr says so. --format json|csv gives one row per provider and N.
    """
    from ketacalc.cli import catalog, parse_date, parse_sessions, parse_state, today
    from ketacalc.curves import POINT_FIELDS, CurveQuery, curves, point_records
    from ketacalc.render import Format, emit, use_color

    if months is not None:
        raise UsageProblem(f"--months: {MONTHS_LATER}", "use --sessions, e.g. --sessions 1-36")
    counts = parse_sessions(sessions)
    code = parse_state(state)
    if insurer is not None and code is None:
        raise UsageProblem("--insurer needs --state", "add --state XX: insurers are accepted state by state")
    query = CurveQuery(
        counts=tuple(counts), state=code, returning=returning, insurer=insurer, route=route,
        no_sitter=no_sitter, insurance=insurance, include_unavailable=include_unavailable,
        pay_in_full=pay_in_full, as_of=parse_date(as_of, "--as-of"),
    )  # fmt: skip
    result = curves(catalog(ctx), query, today=today())
    _notes(list(result.notes) + [s.note for s in result.series if s.note])
    if fmt is ChartFormat.table:
        from ketacalc.plot import write_chart

        try:
            write_chart(result, sys.stdout, _width(), use_color(sys.stdout))
        except BrokenPipeError:
            from ketacalc.errors import OutputClosed

            raise OutputClosed() from None
        return
    records = point_records(result)
    if fmt in (ChartFormat.csv, ChartFormat.tsv):
        records = [{k: v for k, v in r.items() if k != "schema_version"} for r in records]
    emit(Format(fmt.value), records, None, POINT_FIELDS)


def report(
    ctx: typer.Context,
    state: Annotated[str, typer.Option("--state", "-s", metavar="STATE", autocompletion=_complete_state,
                                       help="US state or DC, as a code or a name: TX, texas, 'New York'.")],
    sessions: Annotated[int | None, typer.Option("--sessions", "-n", metavar="N", min=1, max=10_000,
                                                 help="Price a course of N sessions, with its payment schedule.")] = None,
    months: MonthsOpt = None,
    returning: ReturningOpt = False,
    as_of: AsOfOpt = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="FILE", dir_okay=False,
                                                help="Write the page to FILE (default: stdout).")] = None,
) -> None:  # fmt: skip
    """One self-contained HTML page to share: comparison, cost curves, plans and schedules, sources.

    Nothing in it is fetched from the network (no scripts, fonts or images); it
    reads on a phone and prints. Open it in any browser.
    """
    from ketacalc.cli import catalog, parse_date, parse_state, today
    from ketacalc.htmlreport import write_report

    if months is not None:
        raise UsageProblem(f"--months: {MONTHS_LATER}", "use --sessions N")
    code = parse_state(state)
    assert code is not None
    import io

    buffer = io.StringIO()
    write_report(
        catalog(ctx), code, sessions, buffer, today(), as_of=parse_date(as_of, "--as-of"), returning=returning
    )
    page = buffer.getvalue()
    if output is None or str(output) == "-":
        try:
            sys.stdout.write(page)
            sys.stdout.flush()
        except BrokenPipeError:
            from ketacalc.errors import OutputClosed

            raise OutputClosed() from None
        return
    write_atomically(output, page)
    typer.echo(f"Wrote {output}", err=True)


def write_atomically(path: Path, text: str) -> None:
    """Write to a temporary file beside ``path``, then rename it into place, so a
    reader never sees half a page and a failure leaves any old file untouched."""
    import tempfile

    directory = path.parent if str(path.parent) else Path(".")
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise KetacalcError(
            f"cannot write {str(path)!r} ({exc.strerror})", "check that the folder exists and is writable"
        ) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)  # as an ordinary new file would be, not mkstemp's 0600
        os.replace(temp, path)
    except OSError as exc:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise KetacalcError(
            f"cannot write {str(path)!r} ({exc.strerror})", "check the path and the free space"
        ) from None
