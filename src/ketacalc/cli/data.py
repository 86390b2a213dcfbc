"""Commands about data files: ``check`` a providers file, price a ``batch`` of scenarios."""

from __future__ import annotations

from typing import Annotated

import typer

from ketacalc.cli import defaults
from ketacalc.cli.app import app, catalog, today
from ketacalc.cli.options import BatchFormat, BatchFormatOpt
from ketacalc.errors import KetacalcError, UsageProblem, inert
from ketacalc.output.formats import Format, render


@app.command()
def check(
    ctx: typer.Context,
    path: Annotated[
        str | None,
        typer.Argument(
            metavar="PATH",
            help="Data file to check. Default: --data, or the shipped file.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Validate a data file: silent when good, every problem if not.

    Exit 0 and no output when the file is good; otherwise every problem as
    FILE:LINE:COL: message, and exit 1. Dates in the future are errors here.
    """
    from ketacalc.data.loader import load
    from ketacalc.errors import DataFileError, shown_path
    from ketacalc.output.notes import counted

    target = path if path is not None else (ctx.obj or {}).get("data")
    try:
        load(target, today=today(), strict_dates=True)
    except DataFileError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        one = len(exc.problems) == 1
        typer.echo(
            f"Error: {counted(len(exc.problems), 'problem')} in {shown_path(exc.file)} — "
            f"fix {'it' if one else 'them'} and run 'ketacalc check' again",
            err=True,
        )
        raise typer.Exit(1) from None


@app.command()
def batch(
    ctx: typer.Context,
    source: Annotated[
        str,
        typer.Argument(
            metavar="PATH",
            help="Scenarios as JSON Lines or CSV with a header; - (the default) for stdin.",
            show_default=False,
        ),
    ] = "-",
    fmt: BatchFormatOpt = BatchFormat.ndjson,
    full: Annotated[
        bool,
        typer.Option(
            "--full", help="Write each result in full, as 'cost --format json' does, with every payment."
        ),
    ] = False,
) -> None:
    """Price many scenarios, one per input line (NDJSON or CSV).

    Each result is the cost summary (totals, purchases counted by plan, first and
    last payment dates); --full writes the whole 'cost' record instead.

    Fields: provider, sessions (or months), returning, state, insurer, as_of,
    start, pace, pay_in_full, discount, route, max_age, hired_sitter: cost's
    options, named with _ (an insurer needs a state). No default (KETACALC_STATE,
    KETACALC_INSURER, KETACALC_CLIENT, the config file) applies: each line is the
    whole question. A bad line gives
    an error result for that line (and a message on stderr); the others are
    still priced; exit 1 if any failed, 70 if a line hit a bug.
    """
    import sys

    from ketacalc.cli.errors import EXIT_INTERNAL, describe
    from ketacalc.domain.batch import BatchPricer, chunked_lines, long_run
    from ketacalc.errors import shown_path
    from ketacalc.files import endless_device, open_regular
    from ketacalc.output.views.batch import BatchReport

    if full and fmt in (BatchFormat.csv, BatchFormat.tsv):  # a full record (every payment) is no row
        raise UsageProblem(
            f"--full writes whole JSON records, not {fmt.value.upper()} rows",
            "use --full with --format ndjson or json, or leave it out for the summary rows",
        )
    cat = catalog(ctx)
    defaults.say_unused("batch")
    if source == "-":
        if sys.stdin is None or sys.stdin.closed:  # ketacalc batch <&-
            raise KetacalcError(
                "standard input is closed", "pipe the scenarios in, or give a file: ketacalc batch FILE"
            )
        if sys.stdin.isatty():  # a person at a terminal, not a pipe: say what ketacalc waits for
            from ketacalc.output.terminal import say

            end = "Ctrl-Z then Enter" if sys.platform == "win32" else "Ctrl-D"
            say(  # wrapped at the terminal's width, as every note is
                "Reading scenarios from standard input, one JSON object (or CSV row, after a header) "
                f"a line; end with {end} on a new line, or give a file: ketacalc batch scenarios.jsonl"
            )
        elif endless_device(sys.stdin):  # ketacalc batch < /dev/zero: one line that never ends
            raise KetacalcError(
                "standard input is a device, not a stream of scenarios",
                "pipe the scenarios in, or give a file: ketacalc batch FILE",
            )
        stream = sys.stdin.buffer
    else:
        try:
            stream = open_regular(source)  # never a FIFO or a device: nothing waited on or read forever
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise KetacalcError(
                f"cannot read {shown_path(source)} ({reason[0].lower() + reason[1:]})",
                "give the path of a regular file, or - for stdin",
            ) from None
    failed = 0

    def reported(outcomes):
        nonlocal failed
        said: dict[
            int, tuple[KetacalcError, str]
        ] = {}  # an error -> its message (a repeated line's is the same)
        for line, outcome in outcomes:
            if isinstance(outcome, KetacalcError):
                known = said.get(id(outcome))
                if known is None or known[0] is not outcome:
                    code = describe(outcome)[1]  # a line that failed is exit 1; a bug in one, 70
                    failed = max(failed, code if code == EXIT_INTERNAL else 1)
                    if len(said) >= 1024:
                        said.clear()
                    known = said[id(outcome)] = (outcome, inert(str(outcome)))
                sys.stderr.write(f"line {line}: {known[1]}\n")
            yield line, outcome

    try:
        with long_run():
            lines = chunked_lines(getattr(stream, "read1", stream.read), sys.stdout.flush)
            report = BatchReport(cat, (), full)
            # JSON formats: the memo keeps each result's encoded record, not the result
            keep = report.condense if fmt in (BatchFormat.ndjson, BatchFormat.json) else None
            place = report.place if keep is not None else None
            report.outcomes = reported(BatchPricer(cat, today(), keep=keep, place=place).run(lines))
            render(Format(fmt.value), report)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    if failed:
        raise typer.Exit(failed)  # 1 when a line was refused; 70 when one hit a bug
