"""The command line: parse arguments, call the core, hand the result to a renderer.

stdout carries data only; errors are one line on stderr, ``Error: <what> — <fix>``,
with exit 1 for bad data or unknown names and 2 for usage errors. No traceback
unless ``KETACALC_DEBUG=1``.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ketacalc import __version__
from ketacalc.errors import KetacalcError, OutputClosed, UsageProblem
from ketacalc.render import Format

if TYPE_CHECKING:
    from ketacalc.catalog import Catalog

HELP = (
    "Cost and eligibility calculator for at-home (telehealth) ketamine therapy providers in the US, "
    "from a dated, sourced data file. ketacalc prices and filters; it is not medical advice and "
    "never recommends a dose or a treatment."
)

app = typer.Typer(
    name="ketacalc",
    help=HELP,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


# --------------------------------------------------------------- shared options and parsing


def _in_the_case_typed(incomplete: str, candidates: list[str]) -> list[str]:
    """Completions in the case the user typed (shells drop those that do not start
    with exactly what was typed); matching itself ignores case."""
    typed = incomplete.casefold()
    found = [c for c in candidates if c.casefold().startswith(typed)]
    if incomplete.isupper():
        return [c.upper() for c in found]
    if incomplete.islower():
        return [c.lower() for c in found]
    return [incomplete + c[len(incomplete) :] for c in found]


def _complete_provider(incomplete: str) -> list[str]:
    try:
        catalog = _load(os.environ.get("KETACALC_DATA"))
    except KetacalcError:
        return []
    return _in_the_case_typed(incomplete, [p.id for p in catalog.providers])


def _complete_state(incomplete: str) -> list[str]:
    from ketacalc.usstates import STATES

    return _in_the_case_typed(incomplete, list(STATES))


FormatOpt = Annotated[
    Format,
    typer.Option("--format", "-f", help="Output format: table for people; json, ndjson, csv, tsv for scripts.",
                 case_sensitive=False),
]  # fmt: skip
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="DATE",
        help="Use the newest figures on or before DATE (YYYY-MM-DD). Default: today.",
    ),
]
ProviderArg = Annotated[
    str,
    typer.Argument(help="Provider id or name, e.g. mindbloom or 'Better U'.", autocompletion=_complete_provider,
                   show_default=False, metavar="PROVIDER"),
]  # fmt: skip
StateOpt = Annotated[
    str | None,
    typer.Option("--state", "-s", metavar="STATE", autocompletion=_complete_state,
                 help="US state or DC, as a code or a name: TX, texas, 'New York'."),
]  # fmt: skip


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(text: str) -> date | None:
    """A real ``YYYY-MM-DD`` date, or None (no week dates or other ISO forms)."""
    if not _ISO_DATE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def today() -> date:
    """Today, or ``KETACALC_TODAY`` (YYYY-MM-DD) for reproducible runs and tests."""
    pinned = os.environ.get("KETACALC_TODAY")
    if not pinned:
        return date.today()
    day = _iso_date(pinned)
    if day is None:
        raise UsageProblem(f"KETACALC_TODAY={pinned!r} is not a date", "set it as YYYY-MM-DD or unset it")
    return day


def parse_date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    day = _iso_date(text)
    if day is None:
        raise UsageProblem(f"{option} {text!r} is not a date", "write it as YYYY-MM-DD, e.g. 2025-06-13")
    return day


def parse_state(text: str | None) -> str | None:
    if text is None:
        return None
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
        raise UsageProblem(f"--state {text!r} is not a US state or DC", fix) from None


def parse_money_option(text: str | None, option: str) -> Decimal | None:
    if text is None:
        return None
    from ketacalc.money import parse_amount_arg

    try:
        return parse_amount_arg(text)
    except ValueError:
        raise UsageProblem(f"{option} {text!r} is not an amount", "write dollars like 50 or 49.99") from None


def parse_sessions(text: str) -> list[int]:
    """``18``, ``6,12,18`` or ``1-24`` -> a list of session counts (1 to 10,000 each)."""
    from ketacalc.pricing import MAX_SESSIONS

    fix = f"give a whole number from 1 to {MAX_SESSIONS:,}, a list like 6,12,18 or a range like 1-24"
    counts: list[int] = []
    for part in text.split(","):
        part = part.strip()
        low, sep, high = part.partition("-")
        try:
            if sep and low.strip():
                start, stop = int(low), int(high)
                if start > stop:
                    raise UsageProblem(f"--sessions range {part!r} runs backwards", fix)
                bounds = [start, stop]
            else:
                bounds = [int(part)]
        except ValueError:
            raise UsageProblem(f"--sessions {text!r} is not a number, list or range", fix) from None
        for value in bounds:
            if value < 1 or value > MAX_SESSIONS:
                raise UsageProblem(f"--sessions {value} is out of range", fix)
        counts.extend(range(bounds[0], bounds[-1] + 1))
        if len(counts) > MAX_SESSIONS:
            raise UsageProblem(f"--sessions {text!r} asks for more than {MAX_SESSIONS:,} results", fix)
    return counts


def parse_pace(text: str) -> Decimal:
    try:
        pace = Decimal(text)
        if not pace.is_finite() or pace <= 0 or pace > 14:
            raise ValueError
    except (ValueError, ArithmeticError):
        raise UsageProblem(
            f"--pace {text!r} is not a pace",
            "give sessions a week, more than 0 and at most 14, e.g. 1 or 0.5",
        ) from None
    return pace


# --------------------------------------------------------------- data


def _load(path: str | None) -> Catalog:
    from ketacalc.loader import load_catalog

    return load_catalog(path, today=today())


def catalog(ctx: typer.Context) -> Catalog:
    return _load((ctx.obj or {}).get("data"))


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ketacalc {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    data: Annotated[
        Path | None,
        typer.Option("--data", envvar="KETACALC_DATA", metavar="PATH",
                     help="Use another providers.yaml instead of the shipped one.",
                     show_default=False, dir_okay=True, exists=False),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:  # fmt: skip
    """Cost and eligibility calculator for at-home ketamine therapy providers. Not medical advice."""
    ctx.obj = {"data": str(data) if data is not None else None}


def _emit(
    fmt: Format, records: Any, view_factory: Any, fields: Sequence[str] | None = None, csv_rows: Any = None
) -> None:
    from ketacalc.render import emit

    if fmt in (Format.csv, Format.tsv) and csv_rows is not None:
        records = csv_rows
    emit(fmt, records, view_factory() if fmt in (Format.table, Format.markdown) else None, fields)


def _notes(lines: Sequence[str]) -> None:
    for line in dict.fromkeys(lines):
        typer.echo(f"note: {line}", err=True)


# --------------------------------------------------------------- commands


@app.command()
def providers(ctx: typer.Context, fmt: FormatOpt = Format.table, as_of: AsOfOpt = None) -> None:
    """List every provider: status, plans, lowest published total, states, newest data."""
    from ketacalc import views

    day = parse_date(as_of, "--as-of") or today()
    cat = catalog(ctx)
    records = [views.provider_record(cat, p, day) for p in cat.providers]
    _emit(fmt, records, lambda: views.providers_table(cat, records, day), views.PROVIDER_FIELDS,
          [views.provider_csv(r) for r in records])  # fmt: skip


@app.command()
def show(
    ctx: typer.Context, provider: ProviderArg, fmt: FormatOpt = Format.table, as_of: AsOfOpt = None
) -> None:
    """Everything known about one provider, with the source and date of each figure."""
    from ketacalc import views

    day = parse_date(as_of, "--as-of") or today()
    cat = catalog(ctx)
    record = views.show_record(cat, cat.find(provider), day)
    _emit(fmt, record, lambda: views.show_table(cat, record), views.SHOW_FIELDS, views.show_rows(record))


@app.command()
def check(
    ctx: typer.Context,
    path: Annotated[Path | None, typer.Argument(help="Data file to check. Default: --data, or the shipped file.",
                                                 show_default=False)] = None,
) -> None:  # fmt: skip
    """Validate a data file: silent with exit 0 when good; otherwise every problem, exit 1."""
    from ketacalc.errors import DataFileError
    from ketacalc.loader import load

    target = str(path) if path is not None else (ctx.obj or {}).get("data")
    try:
        load(target, today=today())
    except DataFileError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        typer.echo(f"Error: {len(exc.problems)} problem(s) in {exc.file} — fix them and run 'ketacalc check' again",
                   err=True)  # fmt: skip
        raise typer.Exit(1) from None


@app.command()
def cost(
    ctx: typer.Context,
    provider: ProviderArg,
    sessions: Annotated[str, typer.Option("--sessions", "-n", metavar="N",
                                          help="Sessions wanted: 18, a list 6,12,18 or a range 1-24.")],
    returning: Annotated[bool, typer.Option("--returning", help="Price for a returning client.")] = False,
    as_of: AsOfOpt = None,
    start: Annotated[str | None, typer.Option("--start", metavar="DATE",
                                              help="First payment date (YYYY-MM-DD). Default: today.")] = None,
    pace: Annotated[str, typer.Option("--pace", metavar="PER_WEEK",
                                      help="Sessions a week, to date later purchases.")] = "1",
    pay_in_full: Annotated[bool, typer.Option("--pay-in-full", help="Pay each purchase at once, with any published discount.")] = False,
    insurer: Annotated[str | None, typer.Option("--insurer", metavar="NAME",
                                                help="Use insurance prices where this insurer is accepted (needs --state).")] = None,
    state: StateOpt = None,
    discount: Annotated[str | None, typer.Option("--discount", metavar="AMOUNT",
                                                 help="Promo amount taken off the first purchase.")] = None,
    route: Annotated[str | None, typer.Option("--route", metavar="ROUTE",
                                              help="Only plans for this delivery route, e.g. 'sublingual tablet'.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:  # fmt: skip
    """The cheapest way to buy N sessions, with the payment schedule and per-session cost."""
    from ketacalc import views
    from ketacalc.pricing import CostQuery, price_many
    from ketacalc.render import emit, emit_stream

    counts = parse_sessions(sessions)
    if insurer is not None and state is None:
        raise UsageProblem("--insurer needs --state", "add --state XX: insurers are accepted state by state")
    query = CostQuery(
        sessions=counts[0], returning=returning, as_of=parse_date(as_of, "--as-of"),
        start=parse_date(start, "--start"), pace=parse_pace(pace), pay_in_full=pay_in_full, insurer=insurer,
        state=parse_state(state), discount=parse_money_option(discount, "--discount") or Decimal(0), route=route,
    )  # fmt: skip
    cat = catalog(ctx)
    found = cat.find(provider)
    if len(counts) > 1:  # the longest course fails first, if any does: fail before writing anything
        next(price_many(found, query, [max(counts)], today=today()))
    results = price_many(found, query, counts, today=today())
    if fmt in (Format.table, Format.markdown):
        notes: dict[str, None] = {}

        def noted(items):
            for r in items:
                notes.update(dict.fromkeys(r.notes))
                yield r

        view = views.cost_table(noted(results))
        _notes(list(notes))
        emit(fmt, {}, view)
    elif fmt in (Format.csv, Format.tsv):
        emit_stream(fmt, (views.cost_csv(views.cost_summary(r)) for r in results), views.COST_FIELDS)
    elif len(counts) == 1:
        emit(fmt, views.cost_record(cat, next(results)), None)
    else:  # a range is written as it is priced, so `| head -1` stops it at once
        emit_stream(fmt, (views.cost_record(cat, r) for r in results))


@app.command()
def history(ctx: typer.Context, provider: ProviderArg, fmt: FormatOpt = Format.table) -> None:
    """Each plan's dated price observations, oldest first."""
    from ketacalc import views

    cat = catalog(ctx)
    found = cat.find(provider)
    records = views.history_records(cat, found)
    _emit(fmt, records, lambda: views.history_table(found, records), views.HISTORY_FIELDS)


@app.command()
def states(
    ctx: typer.Context, provider: ProviderArg, fmt: FormatOpt = Format.table, as_of: AsOfOpt = None
) -> None:
    """Every state with the provider's availability there: available, unavailable or unknown."""
    from ketacalc import views
    from ketacalc.eligibility import all_states

    cat = catalog(ctx)
    found = cat.find(provider)
    items = all_states(cat, found, parse_date(as_of, "--as-of") or today())
    records = views.state_records(cat, items)
    _emit(fmt, records, lambda: views.states_table(found, items), views.STATE_FIELDS)


@app.command()
def eligibility(
    ctx: typer.Context,
    state: Annotated[str, typer.Option("--state", "-s", metavar="STATE", autocompletion=_complete_state,
                                       help="US state or DC, as a code or a name: TX, texas, 'New York'.")],
    fmt: FormatOpt = Format.table,
    as_of: AsOfOpt = None,
) -> None:  # fmt: skip
    """Which providers serve a state, and which insurers they accept there."""
    from ketacalc import views
    from ketacalc.eligibility import availability, insurers_in

    code = parse_state(state)
    assert code is not None
    day = parse_date(as_of, "--as-of") or today()
    cat = catalog(ctx)
    order = {"available": 0, "unknown": 1, "unavailable": 2}
    rows = sorted(
        ((availability(cat, p, code, day), insurers_in(p, code, day)) for p in cat.providers),
        key=lambda item: order[item[0].status],
    )
    records = views.eligibility_records(cat, rows)
    _emit(fmt, records, lambda: views.eligibility_table(code, rows), views.ELIGIBILITY_FIELDS)


@app.command()
def compare(
    ctx: typer.Context,
    state: StateOpt = None,
    sessions: Annotated[int | None, typer.Option("--sessions", "-n", metavar="N", min=1, max=10_000,
                                                 help="Price a course of N sessions with the pricing engine.")] = None,
    returning: Annotated[bool, typer.Option("--returning", help="Price for a returning client.")] = False,
    insurer: Annotated[str | None, typer.Option("--insurer", metavar="NAME",
                                                help="Use insurance prices where this insurer is accepted.")] = None,
    as_of: AsOfOpt = None,
    sort: Annotated[str, typer.Option("--sort", metavar="KEY",
                                      help="Sort by total, per-session, due-at-signup or name.")] = "name",
    include_unavailable: Annotated[bool, typer.Option("--include-unavailable",
                                                      help="Also list providers known not to serve the state.")] = False,
    no_sitter: Annotated[bool, typer.Option("--no-sitter", help="Only providers known not to require a sitter.")] = False,
    insurance: Annotated[bool, typer.Option("--insurance", help="Only providers that accept insurance (in the state).")] = False,
    max_due_at_signup: Annotated[str | None, typer.Option("--max-due-at-signup", metavar="AMOUNT",
                                                          help="Only providers due at most AMOUNT at sign-up.")] = None,
    route: Annotated[str | None, typer.Option("--route", metavar="ROUTE", help="Only plans for this delivery route.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:  # fmt: skip
    """Every provider side by side: availability, cost, sign-up cash, insurance, sitter, dosing."""
    from ketacalc import views
    from ketacalc.compare import SORT_KEYS, CompareQuery
    from ketacalc.compare import compare as run

    if sort not in SORT_KEYS:
        raise UsageProblem(f"--sort {sort!r} is not a sort key", f"use one of {', '.join(SORT_KEYS)}")
    code = parse_state(state)
    if insurer is not None and code is None:
        raise UsageProblem("--insurer needs --state", "add --state XX: insurers are accepted state by state")
    query = CompareQuery(
        state=code, sessions=sessions, returning=returning, insurer=insurer, as_of=parse_date(as_of, "--as-of"),
        sort=sort, include_unavailable=include_unavailable, no_sitter=no_sitter, insurance=insurance,
        max_due_at_signup=parse_money_option(max_due_at_signup, "--max-due-at-signup"), route=route,
    )  # fmt: skip
    cat = catalog(ctx)
    result = run(cat, query, today=today())
    records = [views.compare_record(cat, result, row) for row in result.rows]
    _emit(fmt, records, lambda: views.compare_table(result), views.COMPARE_FIELDS,
          [views.compare_csv(r) for r in records])  # fmt: skip


@app.command()
def batch(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(metavar="FILE", help="Scenarios as JSON Lines or CSV with a header; - for stdin.")] = "-",
    fmt: Annotated[
        Format,
        typer.Option("--format", "-f", case_sensitive=False,
                     help="ndjson (default), json, csv or tsv; one result per input line."),
    ] = Format.ndjson,
    full: Annotated[
        bool, typer.Option("--full", help="Write each result in full, as 'cost --format json' does, with every payment.")
    ] = False,
) -> None:  # fmt: skip
    """Price many scenarios, one per input line, as a stream (NDJSON or CSV out).

    Each result is the cost summary (totals, purchases counted by plan, first and
    last payment dates); --full writes the whole 'cost' record instead.

    Fields: provider, sessions, returning, state, insurer, as_of, start, pace,
    pay_in_full, discount, route. A bad line gives an error result for that line
    (and a message on stderr); the others are still priced; exit 1 if any failed.
    """
    from ketacalc.batch import BatchPricer, Parsers, chunked_lines, read_rows
    from ketacalc.render import BatchOutput, batch_serialiser, write_batch

    if fmt in (Format.table, Format.markdown):
        raise UsageProblem("batch does not print tables", "use --format ndjson, json, csv or tsv")
    cat = catalog(ctx)
    parsers = Parsers(parse_date, parse_state, parse_money_option, parse_sessions, parse_pace)
    pricer = BatchPricer(cat, today(), parsers, batch_serialiser(fmt, cat, full))
    out = sys.stdout
    if source == "-":
        stream = sys.stdin.buffer
    else:
        try:
            stream = open(source, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise KetacalcError(
                f"cannot read {source!r} ({exc.strerror})", "check the path, or use - for stdin"
            ) from None
    read = getattr(stream, "read1", stream.read)
    failed = 0
    output = BatchOutput(out)
    try:
        rows = read_rows(chunked_lines(read, output.flush))

        def outcomes():
            nonlocal failed
            price = pricer.price
            for number, raw, row in rows:
                body, error = price(raw, row)
                if error is not None:
                    failed += 1
                    sys.stderr.write(f"line {number}: {error}\n")
                yield number, body, error

        write_batch(fmt, outcomes(), output)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    if failed:
        raise typer.Exit(1)


# --------------------------------------------------------------- entry point


def _error(message: str, code: int) -> int:
    sys.stderr.write(f"Error: {message}\n")
    sys.stderr.flush()
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code. Errors become one line on stderr."""
    from typer._click import exceptions as click_exc  # Typer vendors Click; never import click itself
    from typer.main import get_command

    command = get_command(app)
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result = command.main(args=args, prog_name="ketacalc", standalone_mode=False)
        return result if isinstance(result, int) else 0
    except KetacalcError as exc:
        if os.environ.get("KETACALC_DEBUG"):
            raise
        return _error(str(exc), exc.exit_code)
    except click_exc.NoArgsIsHelpError as exc:
        sys.stdout.write(exc.format_message() + "\n")
        return 0
    except click_exc.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx is not None else "ketacalc"
        message = " ".join(exc.format_message().replace("Value error, ", "").split())
        return _error(f"{message} — see '{where} --help'", 2)
    except click_exc.ClickException as exc:
        return _error(" ".join(exc.format_message().split()), exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        return _error("interrupted", 130)
    except (OutputClosed, BrokenPipeError):
        _quiet_stdout()
        return 0
    except Exception as exc:  # a bug: say so in one line, keep the traceback for KETACALC_DEBUG=1
        if os.environ.get("KETACALC_DEBUG"):
            raise
        return _error(
            f"internal error ({type(exc).__name__}: {exc}) — rerun with KETACALC_DEBUG=1 and report it", 70
        )


def _quiet_stdout() -> None:
    """After a closed pipe (``| head -1``), stop Python complaining at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def run() -> None:  # pragma: no cover - console-script shim
    raise SystemExit(main())


from ketacalc.share_commands import chart, report  # noqa: E402 - registered last, after every shared helper

app.command()(chart)
app.command()(report)
