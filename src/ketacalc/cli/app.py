"""The commands: parse arguments, call the core, hand a report to the render switch.

stdout carries data only; notes go to stderr. Each command is thin: inputs are
parsed by :mod:`ketacalc.inputs`, the answer comes from the core, and
:func:`ketacalc.render.render` writes the command's report in the format asked.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import typer

from ketacalc import __version__
from ketacalc.cli.options import (
    AsOfOpt,
    BatchFormat,
    BatchFormatOpt,
    FormatOpt,
    ProviderArg,
    ReturningOpt,
    RouteOpt,
    StateOpt,
    complete_state,
)
from ketacalc.errors import KetacalcError, UsageProblem
from ketacalc.render import Format, render

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


# --------------------------------------------------------------- shared steps


def today() -> date:
    from ketacalc.inputs import today as pinned_today

    return pinned_today()


def day_or_today(text: str | None, field: str = "as_of") -> date:
    from ketacalc.inputs import parse_date

    return parse_date(text, field) if text is not None else today()


def catalog(ctx: typer.Context) -> Catalog:
    from ketacalc.loader import load_catalog

    loaded = load_catalog((ctx.obj or {}).get("data"), today=today())
    for line in loaded.warnings:
        typer.echo(f"warning: {line}", err=True)
    return loaded


def notes(lines: dict[str, None]) -> None:
    for line in lines:
        typer.echo(f"note: {line}", err=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ketacalc {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    data: Annotated[
        str | None,
        typer.Option(
            "--data",
            envvar="KETACALC_DATA",
            show_envvar=False,
            metavar="PATH",
            help="Use another providers.yaml instead of the shipped one (or set KETACALC_DATA); "
            "before or after the command.",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Cost and eligibility calculator for at-home ketamine therapy providers. Not medical advice."""
    ctx.obj = {"data": data}


# --------------------------------------------------------------- commands


@app.command()
def providers(ctx: typer.Context, fmt: FormatOpt = Format.table, as_of: AsOfOpt = None) -> None:
    """List every provider with its plans, states and newest data.

    Status, plan count, lowest published total, states served and the date of
    the newest figure, one row per provider.
    """
    from ketacalc.compare import overview
    from ketacalc.reports.providers import ProvidersReport

    day = day_or_today(as_of)
    cat = catalog(ctx)
    render(fmt, ProvidersReport(cat, overview(cat, day)))


@app.command()
def show(
    ctx: typer.Context, provider: ProviderArg, fmt: FormatOpt = Format.table, as_of: AsOfOpt = None
) -> None:
    """Everything known about one provider, with sources and dates.

    Plans and prices, consultation, insurance, sitter, dosing and states, each
    figure with its source and the date it was observed.
    """
    from ketacalc.reports.show import ShowReport

    day = day_or_today(as_of)
    cat = catalog(ctx)
    render(fmt, ShowReport(cat, cat.find(provider), day))


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
    from ketacalc.errors import DataFileError
    from ketacalc.loader import load

    target = path if path is not None else (ctx.obj or {}).get("data")
    try:
        load(target, today=today(), strict_dates=True)
    except DataFileError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        typer.echo(
            f"Error: {len(exc.problems)} problem(s) in {exc.file} — fix them and run 'ketacalc check' again",
            err=True,
        )
        raise typer.Exit(1) from None


@app.command()
def cost(
    ctx: typer.Context,
    provider: ProviderArg,
    sessions: Annotated[
        str | None,
        typer.Option(
            "--sessions", "-n", metavar="N", help="Sessions wanted: 18, a list 6,12,18 or a range 1-24."
        ),
    ] = None,
    months: Annotated[
        str | None,
        typer.Option(
            "--months",
            metavar="M",
            help="Instead of sessions: the first M months of care from --start (3, 1,3,6 or 1-12).",
        ),
    ] = None,
    returning: ReturningOpt = False,
    as_of: AsOfOpt = None,
    start: Annotated[
        str | None,
        typer.Option("--start", metavar="DATE", help="First payment date (YYYY-MM-DD). Default: today."),
    ] = None,
    pace: Annotated[
        str, typer.Option("--pace", metavar="PER_WEEK", help="Sessions a week, to date later purchases.")
    ] = "1",
    pay_in_full: Annotated[
        bool, typer.Option("--pay-in-full", help="Pay each purchase at once, with any published discount.")
    ] = False,
    insurer: Annotated[
        str | None,
        typer.Option(
            "--insurer",
            metavar="NAME",
            help="Use insurance prices where this insurer is accepted (needs --state).",
        ),
    ] = None,
    state: StateOpt = None,
    discount: Annotated[
        str | None,
        typer.Option(
            "--discount",
            metavar="AMOUNT",
            help="Promo amount taken off the first purchase (below its price).",
        ),
    ] = None,
    route: RouteOpt = None,
    max_age: Annotated[
        str,
        typer.Option(
            "--max-age", metavar="DAYS", help="Mark prices older than DAYS before --as-of as stale."
        ),
    ] = "365",
    fmt: FormatOpt = Format.table,
) -> None:
    """The cheapest way to buy N sessions or M months, all in.

    The purchases, consultations and estimated medication, the payment schedule
    and the cost per session; a list or a range of N gives a row per N.
    """
    from ketacalc import inputs
    from ketacalc.eligibility import AVAILABLE, resolve_insurer
    from ketacalc.pricing import CostQuery, ProviderPricer, require_price
    from ketacalc.reports.cost import CostReport

    if (sessions is None) == (months is None):
        both = "not both" if sessions is not None else "one of them"
        raise UsageProblem(f"cost needs --sessions or --months, {both}", "give --sessions 18 or --months 3")
    counts = inputs.parse_sessions(sessions) if sessions is not None else inputs.parse_months(months or "")
    code = inputs.parse_state(state) if state is not None else None
    inputs.check_insurer_state(insurer, code)
    day = inputs.parse_date(as_of, "as_of") if as_of is not None else None
    query = CostQuery(
        sessions=counts[0],
        returning=returning,
        as_of=day,
        start=inputs.parse_date(start, "start") if start is not None else None,
        pace=inputs.parse_pace(pace),
        pay_in_full=pay_in_full,
        state=code,
        discount=inputs.parse_money(discount, "discount") if discount is not None else Decimal(0),
        route=inputs.parse_route(route) if route is not None else None,
        max_age=inputs.parse_count(max_age, "max_age", maximum=36_500),
    )
    cat = catalog(ctx)
    found = cat.find(provider)
    if insurer is not None and code is not None:
        query = query._replace(insurer=resolve_insurer(cat, insurer, code, day or today(), [found]))
    pricer = ProviderPricer(found, query, today(), catalog=cat)
    one = pricer.price if months is None else pricer.price_months
    # the longest course fails first, if any does: fail before writing anything
    checked = require_price(one(max(counts)))
    available = checked.availability
    if available is not None and available.status != AVAILABLE:
        typer.echo(f"warning: {found.name} is {available.status} in {code}: {available.reason}", err=True)
    results = (require_price(one(n)) for n in counts) if len(counts) > 1 else iter([checked])
    report = CostReport(cat, results, single=len(counts) == 1)
    render(fmt, report)
    notes(report.notes)


@app.command()
def history(ctx: typer.Context, provider: ProviderArg, fmt: FormatOpt = Format.table) -> None:
    """Each plan's dated price observations, oldest first."""
    from ketacalc.reports.history import HistoryReport

    cat = catalog(ctx)
    render(fmt, HistoryReport(cat, cat.find(provider)))


@app.command()
def states(
    ctx: typer.Context, provider: ProviderArg, fmt: FormatOpt = Format.table, as_of: AsOfOpt = None
) -> None:
    """Every state: is the provider available there?

    Each state and DC as available, unavailable or unknown, with the source.
    """
    from ketacalc.eligibility import all_states
    from ketacalc.reports.states import StatesReport

    day = day_or_today(as_of)
    cat = catalog(ctx)
    found = cat.find(provider)
    render(fmt, StatesReport(found, all_states(cat, found, day)))


@app.command()
def eligibility(
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
    fmt: FormatOpt = Format.table,
    as_of: AsOfOpt = None,
) -> None:
    """Which providers serve a state, and the insurers they accept."""
    from ketacalc.eligibility import serving
    from ketacalc.inputs import parse_state
    from ketacalc.reports.states import EligibilityReport

    code = parse_state(state)
    day = day_or_today(as_of)
    render(fmt, EligibilityReport(code, serving(catalog(ctx), code, day)))


MONTHS_HELP = "Price the first M months of care from --start, for every kind of plan (not with --sessions)."
START_HELP = "First session or payment (YYYY-MM-DD). Default: today."
PACE_HELP = "Sessions a week, to count the sessions in --months and date later purchases."
SORT_HELP = "Sort by total, total-low, total-high, per-session, due-at-signup or name."
MAX_AGE_HELP = "Mark a row whose prices are more than DAYS older than --as-of as stale."


@app.command()
def compare(
    ctx: typer.Context,
    state: StateOpt = None,
    sessions: Annotated[
        str | None,
        typer.Option(
            "--sessions", "-n", metavar="N", help="Price a course of N sessions with the pricing engine."
        ),
    ] = None,
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
    months: Annotated[
        str | None, typer.Option("--months", "-m", metavar="M", help=MONTHS_HELP, show_default=False)
    ] = None,
    start: Annotated[str | None, typer.Option("--start", metavar="DATE", help=START_HELP)] = None,
    pace: Annotated[str, typer.Option("--pace", metavar="PER_WEEK", help=PACE_HELP)] = "1",
    sort: Annotated[str, typer.Option("--sort", metavar="KEY", help=SORT_HELP)] = "name",
    include_unavailable: Annotated[
        bool, typer.Option("--include-unavailable", help="Also list providers known not to serve the state.")
    ] = False,
    no_sitter: Annotated[
        bool, typer.Option("--no-sitter", help="Only providers known not to require a sitter.")
    ] = False,
    insurance: Annotated[
        bool, typer.Option("--insurance", help="Only providers that accept insurance (in the state).")
    ] = False,
    max_due_at_signup: Annotated[
        str | None,
        typer.Option(
            "--max-due-at-signup", metavar="AMOUNT", help="Only providers due at most AMOUNT at sign-up."
        ),
    ] = None,
    route: RouteOpt = None,
    max_age: Annotated[str, typer.Option("--max-age", metavar="DAYS", help=MAX_AGE_HELP)] = "365",
    fmt: FormatOpt = Format.table,
) -> None:
    """Every provider side by side for a state: cost, sign-up, care.

    Availability, cost, cash due at sign-up, insurance, sitter and dosing;
    filters narrow the list.
    """
    from ketacalc import inputs
    from ketacalc.compare import SORT_KEYS, CompareQuery
    from ketacalc.compare import compare as run
    from ketacalc.reports.compare import CompareReport

    if sort not in SORT_KEYS:
        raise UsageProblem(f"--sort {sort!r} is not a sort key", f"use one of {', '.join(SORT_KEYS)}")
    from ketacalc.eligibility import resolve_insurer

    if sessions is not None and months is not None:
        raise UsageProblem(
            "--sessions and --months cannot be used together", "compare N sessions or the first M months"
        )
    count = inputs.parse_count(sessions) if sessions is not None else None
    month_count = inputs.parse_count(months, "months", inputs.MAX_MONTHS) if months is not None else None
    code = inputs.parse_state(state) if state is not None else None
    inputs.check_insurer_state(insurer, code)
    day = inputs.parse_date(as_of, "as_of") if as_of is not None else None
    cat = catalog(ctx)
    if insurer is not None and code is not None:
        insurer = resolve_insurer(cat, insurer, code, day or today(), cat.providers)
    query = CompareQuery(
        state=code,
        sessions=count,
        returning=returning,
        insurer=insurer,
        as_of=day,
        sort=sort,
        include_unavailable=include_unavailable,
        no_sitter=no_sitter,
        insurance=insurance,
        max_due_at_signup=(
            inputs.parse_money(max_due_at_signup, "max_due_at_signup")
            if max_due_at_signup is not None
            else None
        ),
        route=inputs.parse_route(route) if route is not None else None,
        months=month_count,
        start=inputs.parse_date(start, "start") if start is not None else None,
        pace=inputs.parse_pace(pace),
        max_age=inputs.parse_count(max_age, "max_age", maximum=36_500),
    )
    render(fmt, CompareReport(cat, run(cat, query, today=today())))


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

    Fields: provider, sessions, returning, state, insurer, as_of, start, pace,
    pay_in_full, discount, route (an insurer needs a state). A bad line gives
    an error result for that line (and a message on stderr); the others are
    still priced; exit 1 if any failed, 70 if a line hit a bug.
    """
    import sys

    from ketacalc.batch import BatchPricer, LineFailed, chunked_lines, long_run
    from ketacalc.reports.batch import BatchReport

    cat = catalog(ctx)
    if source == "-":
        stream = sys.stdin.buffer
    else:
        try:
            stream = open(source, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise KetacalcError(
                f"cannot read {source!r} ({exc.strerror})", "check the path, or use - for stdin"
            ) from None
    failed = 0

    def reported(outcomes):
        nonlocal failed
        for line, outcome in outcomes:
            if isinstance(outcome, KetacalcError):
                failed = max(failed, outcome.exit_code if isinstance(outcome, LineFailed) else 1)
                sys.stderr.write(f"line {line}: {outcome}\n")
            yield line, outcome

    try:
        with long_run():
            lines = chunked_lines(getattr(stream, "read1", stream.read), sys.stdout.flush)
            outcomes = reported(BatchPricer(cat, today()).run(lines))
            render(Format(fmt.value), BatchReport(cat, outcomes, full))
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    if failed:
        raise typer.Exit(failed)  # 1 when a line was refused; 70 when one hit a bug
