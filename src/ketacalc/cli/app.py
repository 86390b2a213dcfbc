"""The commands: parse arguments, call the core, hand a report to the render switch.

stdout carries data only; notes go to stderr. Each command is thin: inputs are
parsed by :mod:`ketacalc.io.inputs`, the answer comes from the core, and
:func:`ketacalc.output.formats.render` writes the command's report in the format asked.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from ketacalc.cli import defaults
from ketacalc.cli.once import OnceGroup
from ketacalc.cli.options import (
    AsOfOpt,
    Color,
    CostFormat,
    CostFormatOpt,
    FormatOpt,
    IncludeUnavailableOpt,
    InsuranceOpt,
    InsurerOpt,
    MaxAgeOpt,
    NoSitterOpt,
    PaceOpt,
    PayInFullOpt,
    ProviderArg,
    RequiredStateOpt,
    ReturningOpt,
    RouteOpt,
    StartOpt,
    StateOpt,
    complete_sort,
)
from ketacalc.errors import UsageProblem
from ketacalc.output.formats import Format, render
from ketacalc.version import __version__

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ketacalc.data.catalog import Catalog
    from ketacalc.domain.notes import Note
    from ketacalc.domain.request import Request

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
    cls=OnceGroup,
    rich_markup_mode=None,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


# --------------------------------------------------------------- shared steps


def today() -> date:
    from ketacalc.io.inputs import today as pinned_today

    return pinned_today()


def question(**fields: object) -> tuple[Request, date]:
    """The request of a command that prices no course (providers, show, states,
    eligibility), built by the one request builder, and the day it is asked for."""
    from ketacalc.domain.request import NO_COURSE, build, day_asked

    request = build(**fields, course=NO_COURSE, blank_is_absent=False)  # type: ignore[arg-type]
    return request, day_asked(request.as_of, today(), priced=False)


def catalog(ctx: typer.Context) -> Catalog:
    from ketacalc.data.loader import load_catalog
    from ketacalc.output.terminal import say

    loaded = load_catalog((ctx.obj or {}).get("data"), today=today())
    for line in loaded.warnings:
        say(line, "warning")
    return loaded


def notes(found: Iterable[Note]) -> None:
    """Each note once, in words, on stderr."""
    from ketacalc.output.notes import sentences
    from ketacalc.output.terminal import say

    for line in sentences(found):
        say(line)


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
        bool,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Show the version and exit."),
    ] = False,
    color: Annotated[
        Color,
        typer.Option(
            "--color",
            metavar="WHEN",
            case_sensitive=False,
            help="Colour tables and warnings: auto (on a terminal, unless NO_COLOR; FORCE_COLOR forces it), "
            "always or never.",
        ),
    ] = Color.auto,
    no_pager: Annotated[
        bool,
        typer.Option("--no-pager", help="Never page: on a terminal, long output goes through $PAGER (less)."),
    ] = False,
) -> None:
    """Cost and eligibility calculator for at-home ketamine therapy providers. Not medical advice."""
    from ketacalc.output.terminal import configure

    configure(color=color.value, pager=not no_pager)
    ctx.obj = {"data": data}


# --------------------------------------------------------------- commands


@app.command()
def providers(ctx: typer.Context, fmt: FormatOpt = Format.table, as_of: AsOfOpt = None) -> None:
    """List every provider with its plans, states and newest data.

    Status, each plan a new client can buy, with its size and price (plans of unlike sizes are never ranked:
    compare --sessions N ranks a course), states served, the date of the newest
    figure and of the oldest price, one row per provider.
    """
    from ketacalc.domain import answers
    from ketacalc.output.views.providers import ProvidersReport

    request, day = question(as_of=as_of)
    cat = catalog(ctx)
    render(fmt, ProvidersReport(cat, answers.providers(cat, request, day)))


@app.command()
def show(
    ctx: typer.Context, provider: ProviderArg, fmt: FormatOpt = Format.table, as_of: AsOfOpt = None
) -> None:
    """Everything known about one provider, with sources and dates.

    Plans and prices, consultation, insurance, sitter, dosing and states, each
    figure with its source and the date it was observed.
    """
    from ketacalc.domain import answers
    from ketacalc.output.views.show import ShowReport

    request, day = question(provider=provider, as_of=as_of)
    cat = catalog(ctx)
    render(fmt, ShowReport(cat, answers.show(cat, request, day)))


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
            "-m",
            metavar="M",
            help="Instead of sessions: the first M months of care from --start (3, 1,3,6 or 1-12).",
        ),
    ] = None,
    returning: ReturningOpt = None,
    as_of: AsOfOpt = None,
    start: StartOpt = None,
    pace: PaceOpt = "1",
    pay_in_full: PayInFullOpt = False,
    insurer: InsurerOpt = None,
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
    max_age: MaxAgeOpt = "365",
    by_month: Annotated[
        bool, typer.Option("--by-month", help="Show the cash due in each calendar month of the course.")
    ] = False,
    if_stopped: Annotated[
        bool,
        typer.Option(
            "--if-stopped", help="Show what stopping costs at each point (the provider's refund policy)."
        ),
    ] = False,
    hired_sitter: Annotated[
        bool,
        typer.Option(
            "--hired-sitter", help="Add a hired sitter's published cost, as an estimate (low–high)."
        ),
    ] = False,
    fmt: CostFormatOpt = CostFormat.table,
    with_sessions: Annotated[
        bool,
        typer.Option("--with-sessions", help="With --format ics: the sessions too, at --pace from --start."),
    ] = False,
) -> None:
    """The cheapest way to buy N sessions or M months, all in.

    The purchases, consultations and estimated medication, the payment schedule
    and the cost per session; a list or a range of N gives a row per N.
    --format ics writes the payments as an iCalendar file, one all-day event each.
    """
    from ketacalc.domain import answers
    from ketacalc.domain.eligibility import AVAILABLE
    from ketacalc.domain.request import REQUIRED, build
    from ketacalc.output.views.cost import CostReport

    cat = catalog(ctx)
    cat.find(provider)  # an unknown name is the first thing to fix, before a missing option
    if with_sessions and fmt is not CostFormat.ics:
        raise UsageProblem("--with-sessions is for a calendar", "add --format ics")
    state, insurer, returning = defaults.resolve(state, insurer, returning)
    request = build(
        provider=provider,
        sessions=sessions,
        months=months,
        returning=returning,
        as_of=as_of,
        start=start,
        pace=pace,
        pay_in_full=pay_in_full,
        insurer=insurer,
        state=state,
        discount=discount,
        route=route,
        max_age=max_age,
        course=REQUIRED,
        many=True,
        blank_is_absent=False,
        hired_sitter=hired_sitter,
    )
    if fmt is CostFormat.ics and request.course is not None and len(request.course.counts) > 1:
        raise UsageProblem("--format ics writes one course", "give one number: --sessions 18 or --months 3")
    if (by_month or if_stopped) and request.course is not None and len(request.course.counts) > 1:
        raise UsageProblem(
            "--by-month and --if-stopped take one --sessions or --months value",
            "give one N, e.g. --sessions 18",
        )
    if by_month and if_stopped:
        raise UsageProblem("--by-month and --if-stopped show different tables", "give one of them")
    if fmt is CostFormat.ics and (by_month or if_stopped):  # a calendar holds the payments only
        raise UsageProblem(
            f"--format ics writes the payment dates, not {'--by-month' if by_month else '--if-stopped'}",
            "drop one of them, or give another --format",
        )
    answer = answers.cost(cat, request, today())
    past_start(request)
    available = answer.availability
    if available is not None and available.status != AVAILABLE:
        from ketacalc.output.notes import sentence, serving_phrase
        from ketacalc.output.terminal import say

        say(f"{answer.provider.name} {serving_phrase(available)}: {sentence(available.reason)}", "warning")
    elif available is not None and available.old:
        from ketacalc.output.notes import sentence
        from ketacalc.output.terminal import say

        say(
            f"{answer.provider.name} is available in {request.state} only on an old list: {sentence(available.reason)}",
            "warning",
        )
    if fmt is CostFormat.ics:
        import sys

        from ketacalc.output.ical import write_calendar

        write_calendar(answer.first, sys.stdout, with_sessions=with_sessions, made_on=today())
        notes(answer.first.notes)
        return
    if by_month or if_stopped:
        from ketacalc.output.views.cost import ByMonthReport, StopReport

        [one] = list(answer.results())
        render(Format(fmt.value), ByMonthReport(one) if by_month else StopReport(one))
        notes(one.notes)
        return
    report = CostReport(cat, answer.results(), single=answer.single)
    render(Format(fmt.value), report)
    notes(report.notes)


@app.command()
def history(ctx: typer.Context, provider: ProviderArg, fmt: FormatOpt = Format.table) -> None:
    """Each plan's dated price observations, oldest first."""
    from ketacalc.output.views.history import HistoryReport

    cat = catalog(ctx)
    render(fmt, HistoryReport(cat, cat.find(provider)))


@app.command()
def states(
    ctx: typer.Context, provider: ProviderArg, fmt: FormatOpt = Format.table, as_of: AsOfOpt = None
) -> None:
    """Every state: is the provider available there?

    Each state and DC as available, unavailable or unknown, with the source.
    """
    from ketacalc.domain.eligibility import all_states, summary
    from ketacalc.output.views.states import StatesReport

    request, day = question(provider=provider, as_of=as_of)
    cat = catalog(ctx)
    found = cat.find(request.providers[0])
    render(fmt, StatesReport(found, all_states(cat, found, day), summary(found, day), day))


@app.command()
def eligibility(
    ctx: typer.Context,
    state: RequiredStateOpt = None,
    fmt: FormatOpt = Format.table,
    as_of: AsOfOpt = None,
) -> None:
    """Which providers serve a state, and the insurers they accept."""
    from ketacalc.domain.eligibility import serving
    from ketacalc.output.views.states import EligibilityReport

    chosen = defaults.resolve(state, need_state=True, uses_insurer=False, uses_client=False)
    request, day = question(state=chosen.state or "", as_of=as_of)
    code = request.state or ""
    render(fmt, EligibilityReport(code, serving(catalog(ctx), code, day), day))


MONTHS_HELP = "Price the first M months of care from --start, for every kind of plan (not with --sessions)."
SORT_HELP = "Sort by total, total-low, total-high, per-session, due-at-signup or name."


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
    returning: ReturningOpt = None,
    insurer: InsurerOpt = None,
    as_of: AsOfOpt = None,
    months: Annotated[
        str | None, typer.Option("--months", "-m", metavar="M", help=MONTHS_HELP, show_default=False)
    ] = None,
    start: StartOpt = None,
    pace: PaceOpt = "1",
    sort: Annotated[
        str, typer.Option("--sort", metavar="KEY", help=SORT_HELP, autocompletion=complete_sort)
    ] = "name",
    include_unavailable: IncludeUnavailableOpt = False,
    no_sitter: NoSitterOpt = False,
    insurance: InsuranceOpt = False,
    max_due_at_signup: Annotated[
        str | None,
        typer.Option(
            "--max-due-at-signup", metavar="AMOUNT", help="Only providers due at most AMOUNT at sign-up."
        ),
    ] = None,
    route: RouteOpt = None,
    max_age: MaxAgeOpt = "365",
    wide: Annotated[
        bool, typer.Option("--wide", help="Table: add the HSA/FSA and route and dosing columns.")
    ] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Every provider side by side for a state: cost, sign-up, care.

    Availability, cost, cash due at sign-up, sitter and insurance (--wide adds
    HSA/FSA, route and dosing; show PROVIDER gives every detail); filters narrow
    the list.
    """
    from ketacalc.domain import answers
    from ketacalc.domain.request import build
    from ketacalc.output.views.compare import CompareReport

    state, insurer, returning = defaults.resolve(state, insurer, returning)
    request = build(
        state=state,
        sessions=sessions,
        months=months,
        returning=returning,
        insurer=insurer,
        as_of=as_of,
        start=start,
        pace=pace,
        sort=sort,
        include_unavailable=include_unavailable,
        no_sitter=no_sitter,
        insurance=insurance,
        max_due_at_signup=max_due_at_signup,
        route=route,
        max_age=max_age,
        blank_is_absent=False,
    )
    past_start(request)
    if request.course is None and _given(ctx, "pace"):  # said, never dropped in silence
        from ketacalc.output.terminal import say

        say(
            "--pace dates a course's sessions; without --sessions or --months none is priced, so it changes nothing"
        )
    cat = catalog(ctx)
    render(fmt, CompareReport(cat, answers.compare_providers(cat, request, today()), wide=wide))


def past_start(request: Request) -> None:
    """A note when the course starts before the day its figures are taken as of (a year
    mistyped: 2020 for 2026): its dates, and the rules checked on them, are in the past,
    while its prices are those known on that day."""
    from ketacalc.domain.request import day_asked

    if request.start is None:
        return
    day = day_asked(request.as_of, today())
    if request.start < day:
        from ketacalc.output.terminal import say

        say(
            f"the course starts on {request.start.isoformat()}, before {day.isoformat()}, the day its prices "
            "are taken as of: its dates and the rules checked on them are in the past "
            "(give --as-of for a past day's prices)"
        )


def _given(ctx: typer.Context, name: str) -> bool:
    """Whether the option ``name`` was given (on the command line or by its environment
    variable), not left at its default."""
    from typer._click.core import ParameterSource  # Typer vendors Click; never import click itself

    return ctx.get_parameter_source(name) not in (None, ParameterSource.DEFAULT)


@app.command()
def alternatives(
    ctx: typer.Context, fmt: FormatOpt = Format.table, as_of: AsOfOpt = None, max_age: MaxAgeOpt = "365"
) -> None:
    """Treatments given in person: IV ketamine, Spravato.

    What sources publish of their cost, each figure dated and tiered; never
    ranked against an at-home course, and never a recommendation.
    """
    from ketacalc.domain import answers
    from ketacalc.output.views.alternatives import AlternativesReport

    request, day = question(as_of=as_of, max_age=max_age)
    cat = catalog(ctx)
    render(fmt, AlternativesReport(cat, answers.alternatives(cat, request, day)))
