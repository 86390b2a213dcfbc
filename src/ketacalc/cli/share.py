"""``chart`` and ``report``: see a comparison and share it.

Thin like every command: options are parsed by :mod:`ketacalc.inputs`, the
curves come from the core (:mod:`ketacalc.curves`), and the render switch draws
them. plotext and Jinja2 are imported only by the renderers these two use.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from ketacalc.cli.app import app, catalog, notes, today
from ketacalc.cli.options import AsOfOpt, FormatOpt, ReturningOpt, RouteOpt, StateOpt, complete_state
from ketacalc.errors import KetacalcError, UsageProblem
from ketacalc.render import Format, render

MonthsOpt = Annotated[
    str | None,
    typer.Option(
        "--months", metavar="N", hidden=True, help="Cost of the first M months of care (not available yet)."
    ),
]
MONTHS_LATER = "cost by months is not available in this version"


def terminal_width() -> int:
    """COLUMNS when set; the terminal's width; 80 when piped."""
    import shutil

    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if not sys.stdout.isatty():
        return 80
    return shutil.get_terminal_size((80, 24)).columns


@app.command()
def chart(
    ctx: typer.Context,
    state: StateOpt = None,
    sessions: Annotated[
        str,
        typer.Option(
            "--sessions", "-n", metavar="N", help="Session counts to draw: a range 1-36, or a list 6,12,18."
        ),
    ] = "1-36",
    months: MonthsOpt = None,
    returning: ReturningOpt = False,
    insurer: Annotated[
        str | None,
        typer.Option(
            "--insurer",
            metavar="NAME",
            help="Use insurance prices where this insurer is accepted (needs --state).",
        ),
    ] = None,
    as_of: AsOfOpt = None,
    include_unavailable: Annotated[
        bool, typer.Option("--include-unavailable", help="Also draw providers known not to serve the state.")
    ] = False,
    no_sitter: Annotated[
        bool, typer.Option("--no-sitter", help="Only providers known not to require a sitter.")
    ] = False,
    insurance: Annotated[
        bool, typer.Option("--insurance", help="Only providers that accept insurance (in the state).")
    ] = False,
    route: RouteOpt = None,
    pay_in_full: Annotated[
        bool, typer.Option("--pay-in-full", help="Pay each purchase at once, with any published discount.")
    ] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Cost curves: the total of N sessions, one line per provider.

    The providers are compare's, with its filters.

    Each line steps up where another package must be bought. Providers with no
    published price, and daily low-dose plans (not sessions), are not drawn; a
    note on stderr says so. --format json|csv gives one row per provider and N.
    """
    from ketacalc import inputs
    from ketacalc.curves import CurveQuery, curves
    from ketacalc.eligibility import resolve_insurer
    from ketacalc.render.table import use_color
    from ketacalc.reports.chart import ChartReport

    if months is not None:
        raise UsageProblem(f"--months: {MONTHS_LATER}", "use --sessions, e.g. --sessions 1-36")
    counts = inputs.parse_sessions(sessions)
    code = inputs.parse_state(state) if state is not None else None
    inputs.check_insurer_state(insurer, code)
    day = inputs.parse_date(as_of, "as_of") if as_of is not None else None
    cat = catalog(ctx)
    if insurer is not None and code is not None:
        insurer = resolve_insurer(cat, insurer, code, day or today(), cat.providers)
    query = CurveQuery(
        counts=tuple(counts),
        state=code,
        returning=returning,
        insurer=insurer,
        route=inputs.parse_route(route) if route is not None else None,
        no_sitter=no_sitter,
        insurance=insurance,
        include_unavailable=include_unavailable,
        pay_in_full=pay_in_full,
        as_of=day,
    )
    result = curves(cat, query, today=today())
    notes(dict.fromkeys([*result.notes, *(s.note for s in result.series if s.note)]))
    render(fmt, ChartReport(result, terminal_width(), use_color(sys.stdout)))


@app.command()
def report(
    ctx: typer.Context,
    state: Annotated[
        str,
        typer.Option(
            "--state",
            "-s",
            metavar="STATE",
            autocompletion=complete_state,
            help="US state or DC, as a code or a name: TX, texas, 'New York'.",
        ),
    ],
    sessions: Annotated[
        str | None,
        typer.Option(
            "--sessions", "-n", metavar="N", help="Price a course of N sessions, with its payment schedule."
        ),
    ] = None,
    months: MonthsOpt = None,
    returning: ReturningOpt = False,
    as_of: AsOfOpt = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="PATH", dir_okay=False, help="Write the page to PATH (default: stdout)."
        ),
    ] = None,
) -> None:
    """One self-contained HTML page to share: comparison and costs.

    The comparison, cost curves, plans and sources of one state.

    Nothing in it is fetched from the network (no scripts, fonts or images); it
    reads on a phone and prints. Open it in any browser.
    """
    import io

    from ketacalc import inputs
    from ketacalc.errors import OutputClosed
    from ketacalc.render.html import write_report

    if months is not None:
        raise UsageProblem(f"--months: {MONTHS_LATER}", "use --sessions N")
    code = inputs.parse_state(state)
    count = inputs.parse_count(sessions) if sessions is not None else None
    day = inputs.parse_date(as_of, "as_of") if as_of is not None else None
    buffer = io.StringIO()
    write_report(catalog(ctx), code, count, buffer, today(), as_of=day, returning=returning)
    page = buffer.getvalue()
    if output is None or str(output) == "-":
        try:
            sys.stdout.write(page)
            sys.stdout.flush()
        except BrokenPipeError:
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
