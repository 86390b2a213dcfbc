"""``chart`` and ``report``: see a comparison and share it.

Thin like every command: options are parsed by :mod:`ketacalc.io.inputs`, the
curves come from the core (:mod:`ketacalc.domain.curves`), and the render switch draws
them. plotext and Jinja2 are imported only by the renderers these two use.
"""

from __future__ import annotations

import sys
from datetime import date
from typing import Annotated

import typer

from ketacalc.cli import defaults
from ketacalc.cli.app import app, catalog, notes, today
from ketacalc.cli.options import (
    AsOfOpt,
    FormatOpt,
    IncludeUnavailableOpt,
    InsuranceOpt,
    InsurerOpt,
    MaxAgeOpt,
    NoSitterOpt,
    PaceOpt,
    PayInFullOpt,
    RequiredStateOpt,
    ReturningOpt,
    RouteOpt,
    StartOpt,
    StateOpt,
)
from ketacalc.errors import UsageProblem, printable
from ketacalc.files import write_atomically
from ketacalc.output.formats import Format, render


@app.command()
def chart(
    ctx: typer.Context,
    state: StateOpt = None,
    sessions: Annotated[
        str | None,
        typer.Option(
            "--sessions",
            "-n",
            metavar="N",
            help="Session counts to draw: a range 1-36 (the default), or 6,12,18.",
        ),
    ] = None,
    months: Annotated[
        str | None,
        typer.Option("--months", "-m", metavar="M", help="Instead: the first M months of care, e.g. 1-12."),
    ] = None,
    returning: ReturningOpt = None,
    insurer: InsurerOpt = None,
    as_of: AsOfOpt = None,
    include_unavailable: IncludeUnavailableOpt = False,
    no_sitter: NoSitterOpt = False,
    insurance: InsuranceOpt = False,
    route: RouteOpt = None,
    pay_in_full: PayInFullOpt = False,
    start: StartOpt = None,
    pace: PaceOpt = "1",
    max_age: MaxAgeOpt = "365",
    fmt: FormatOpt = Format.table,
) -> None:
    """Cost curves: the total of N sessions, one line per provider.

    The providers are compare's, with its filters.

    Each line steps up where another package must be bought. Providers with no
    published price, and daily low-dose plans (not sessions), are not drawn; a
    note on stderr says so. --months draws the first M months of care for every
    kind of plan. --format json|csv gives one row per provider and N.
    """
    from ketacalc.domain import answers
    from ketacalc.domain.request import build
    from ketacalc.output.terminal import uses_color, width_for
    from ketacalc.output.views.chart import ChartReport

    state, insurer, returning = defaults.resolve(state, insurer, returning)
    request = build(
        state=state,
        sessions=sessions,
        months=months,
        returning=returning,
        insurer=insurer,
        as_of=as_of,
        include_unavailable=include_unavailable,
        no_sitter=no_sitter,
        insurance=insurance,
        route=route,
        pay_in_full=pay_in_full,
        start=start,
        pace=pace,
        max_age=max_age,
        many=True,
        blank_is_absent=False,
    )
    cat = catalog(ctx)
    result = answers.cost_curves(cat, request, today())
    # a chart is drawn 80 wide when piped; COLUMNS or the terminal otherwise, at most MAX_WIDTH
    render(fmt, ChartReport(result, width_for(sys.stdout, piped=80), uses_color(sys.stdout)))
    # the notes after the chart, as cost says them: before it, they scrolled away above the
    # pager the chart opened, though its headline says "see the notes"
    notes([*result.notes, *(n for s in result.series for n in s.notes)])


@app.command()
def report(
    ctx: typer.Context,
    state: RequiredStateOpt = None,
    sessions: Annotated[
        str | None,
        typer.Option(
            "--sessions", "-n", metavar="N", help="Price a course of N sessions, with its payment schedule."
        ),
    ] = None,
    months: Annotated[
        str | None, typer.Option("--months", "-m", metavar="M", help="Instead: the first M months of care.")
    ] = None,
    returning: ReturningOpt = None,
    as_of: AsOfOpt = None,
    insurer: InsurerOpt = None,
    start: StartOpt = None,
    pace: PaceOpt = "1",
    route: RouteOpt = None,
    pay_in_full: PayInFullOpt = False,
    include_unavailable: IncludeUnavailableOpt = False,
    no_sitter: NoSitterOpt = False,
    insurance: InsuranceOpt = False,
    max_age: MaxAgeOpt = "365",
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="PATH",
            help="Write the page to PATH; - for stdout. Default: stdout when piped, else "
            "ketacalc-report-STATE-DATE.html here.",
        ),
    ] = None,
) -> None:
    """One self-contained HTML page to share: comparison and costs.

    The comparison, cost curves, plans and sources of one state.

    Nothing in it is fetched from the network (no scripts, fonts or images); it
    reads on a phone and prints. Open it in any browser.
    """
    import io

    from ketacalc.domain import answers
    from ketacalc.domain.request import build
    from ketacalc.errors import OutputClosed
    from ketacalc.output.html import write_report

    state, insurer, returning = defaults.resolve(state, insurer, returning, need_state=True)
    to_stdout = output is not None and str(output) == "-"
    named = output is None and sys.stdout.isatty()  # on a terminal: a file here, never HTML on the screen
    if to_stdout and sys.stdout.isatty():
        raise UsageProblem(
            "report will not print HTML to a terminal",
            "pipe it (> report.html), or leave out --output to write a file here",
        )
    request = build(
        state=state,
        sessions=sessions,
        months=months,
        returning=returning,
        as_of=as_of,
        insurer=insurer,
        start=start,
        pace=pace,
        route=route,
        pay_in_full=pay_in_full,
        include_unavailable=include_unavailable,
        no_sitter=no_sitter,
        insurance=insurance,
        max_age=max_age,
        blank_is_absent=False,
    )
    cat = catalog(ctx)
    buffer = io.StringIO()
    write_report(cat, answers.page(cat, request, today()), buffer, today())
    page = buffer.getvalue()
    if output is None and not named or to_stdout:
        try:
            sys.stdout.write(page)
            sys.stdout.flush()
        except BrokenPipeError:
            raise OutputClosed() from None
        return
    target = default_report_name(request.state or "", today()) if output is None else output
    written = write_atomically(target, page)
    typer.echo(
        f"Wrote {printable(str(written.resolve()))} — open it in any browser"
        if named
        else f"Wrote {printable(target)}",
        err=True,
    )


def default_report_name(state: str, day: date) -> str:
    """The file ``report`` writes in the current directory when run on a terminal."""
    return f"ketacalc-report-{state}-{day.isoformat()}.html"
