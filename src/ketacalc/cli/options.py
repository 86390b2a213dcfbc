"""The options every command shares, and shell completion for names."""

from __future__ import annotations

import os
from enum import StrEnum
from typing import Annotated, Any

import typer

from ketacalc.output.formats import Format


def in_the_case_typed(incomplete: str, candidates: list[str]) -> list[str]:
    """Completions in the case the user typed (shells drop those that do not start
    with exactly what was typed); matching itself ignores case."""
    typed = incomplete.casefold()
    found = [c for c in candidates if c.casefold().startswith(typed)]
    if incomplete.isupper():
        return [c.upper() for c in found]
    if incomplete.islower():
        return [c.lower() for c in found]
    return [incomplete + c[len(incomplete) :] for c in found]


def complete_provider(incomplete: str) -> list[str]:
    from ketacalc.data.loader import load_catalog
    from ketacalc.errors import KetacalcError
    from ketacalc.io.inputs import today

    try:
        catalog = load_catalog(os.environ.get("KETACALC_DATA"), today=today())
    except KetacalcError:
        return []
    return in_the_case_typed(incomplete, [p.id for p in catalog.providers])


def complete_state(incomplete: str) -> list[str]:
    from ketacalc.usstates import STATES

    return in_the_case_typed(incomplete, list(STATES))


def complete_sort(incomplete: str) -> list[str]:
    from ketacalc.domain.compare import SORT_KEYS

    return in_the_case_typed(incomplete, list(SORT_KEYS))


def complete_route(incomplete: str) -> list[str]:
    from ketacalc.vocab import ROUTES

    return in_the_case_typed(incomplete, list(ROUTES))


FormatOpt = Annotated[
    Format,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="table (the default) or markdown for people; json, ndjson, csv or tsv for scripts.",
        case_sensitive=False,
        show_default=False,
    ),
]


#: cost's formats: every command's (output.formats.Format), and an iCalendar file of the payments
CostFormat = StrEnum("CostFormat", [*((f.name, f.value) for f in Format), ("ics", "ics")])


CostFormatOpt = Annotated[
    CostFormat,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="table (the default) or markdown for people; json, ndjson, csv or tsv for scripts; "
        "ics: the payments as an iCalendar file.",
        case_sensitive=False,
        show_default=False,
    ),
]


class Color(StrEnum):
    """--color: Rich decides (auto), or colour always or never."""

    auto = "auto"
    always = "always"
    never = "never"


class BatchFormat(StrEnum):
    """The formats batch writes: data only, never a table."""

    ndjson = "ndjson"
    json = "json"
    csv = "csv"
    tsv = "tsv"


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
    typer.Argument(
        help="Provider id or name, e.g. mindbloom or 'Better U'.",
        autocompletion=complete_provider,
        show_default=False,
        metavar="PROVIDER",
    ),
]


def _state_option() -> Any:
    return typer.Option(
        "--state",
        "-s",
        metavar="STATE",
        autocompletion=complete_state,
        help="US state or DC, as a code or a name: TX, texas, 'New York'. "
        "Default: KETACALC_STATE, else the config file.",
    )


StateOpt = Annotated[str | None, _state_option()]
#: a state the command needs: the option, else KETACALC_STATE, else the config file (checked by the command)
RequiredStateOpt = Annotated[str | None, _state_option()]
ReturningOpt = Annotated[
    bool | None,
    typer.Option(
        "--returning/--new",
        help="Price for a returning or a new client. Default: KETACALC_CLIENT, the config file, else new.",
        show_default=False,
    ),
]
RouteOpt = Annotated[
    str | None,
    typer.Option(
        "--route",
        metavar="ROUTE",
        autocompletion=complete_route,
        help="Only plans for this delivery route, e.g. tablet.",
    ),
]

BatchFormatOpt = Annotated[
    BatchFormat,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        case_sensitive=False,
        help="ndjson (the default), json, csv or tsv; one result per input line.",
        show_default=False,
    ),
]
InsurerOpt = Annotated[
    str | None,
    typer.Option(
        "--insurer",
        metavar="NAME",
        help="Use insurance prices where this insurer is accepted (needs --state). "
        "Default: KETACALC_INSURER, else the config file.",
    ),
]
StartOpt = Annotated[
    str | None,
    typer.Option(
        "--start",
        metavar="DATE",
        help="First session or payment (YYYY-MM-DD). Default: the --as-of date (today).",
    ),
]
PaceOpt = Annotated[
    str,
    typer.Option(
        "--pace",
        metavar="PER_WEEK",
        help="Sessions a week: counts the sessions in --months, dates later purchases.",
    ),
]
PayInFullOpt = Annotated[
    bool, typer.Option("--pay-in-full", help="Pay each purchase at once, with any published discount.")
]
MaxAgeOpt = Annotated[
    str,
    typer.Option("--max-age", metavar="DAYS", help="Mark prices more than DAYS older than --as-of as stale."),
]
IncludeUnavailableOpt = Annotated[
    bool, typer.Option("--include-unavailable", help="Also list providers known not to serve the state.")
]
NoSitterOpt = Annotated[
    bool, typer.Option("--no-sitter", help="Only providers known not to require a sitter.")
]
InsuranceOpt = Annotated[
    bool, typer.Option("--insurance", help="Only providers that accept insurance (in the state).")
]
