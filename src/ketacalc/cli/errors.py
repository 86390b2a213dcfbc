"""One place that turns every exception into the line a person reads, and an exit code.

Like the ``hf`` CLI's error table: the core raises domain errors that name
fields (``sessions``, ``start``); here they become ``Error: <what> — <fix>``
in the words of the command line (``--sessions``, ``--start``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ketacalc.errors import (
    DataFileError,
    InvalidInput,
    KetacalcError,
    NoPrice,
    RouteNotOffered,
    ScheduleOutOfRange,
    UnknownProvider,
    UsageProblem,
    printable,
    shown_path,
)
from ketacalc.io.scenarios import LineFailed

#: the command-line flag of each input field
FLAGS = {
    "sessions": "--sessions",
    "months": "--months",
    "state": "--state",
    "as_of": "--as-of",
    "start": "--start",
    "pace": "--pace",
    "discount": "--discount",
    "max_due_at_signup": "--max-due-at-signup",
    "route": "--route",
    "insurer": "--insurer",
    "sort": "--sort",
    "max_age": "--max-age",
}

EXIT_USAGE = 2
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130


def _with_flags(text: str, fields: tuple[str, ...]) -> str:
    """``sessions 0 is out of range`` -> ``--sessions 0 is out of range``: each
    field the error names, written once as its flag."""
    for field in fields:
        flag = FLAGS.get(field)
        if flag is not None:
            text = re.sub(rf"(?<![\w-]){re.escape(field)}\b", flag, text, count=1)
    return text


def _invalid(exc: InvalidInput) -> str:
    from ketacalc.cli import defaults

    found = defaults.applied(exc.fields[0])
    if found is not None:  # a value the person set once, not an option typed: say where, and its fix
        fix = f"{exc.fix}; or {defaults.fix(found)}" if exc.fix else defaults.fix(found)
        return f"{exc.message}, from {defaults.where(found)} — {fix}"
    message = _with_flags(exc.message, exc.fields)
    return f"{message} — {_with_flags(exc.fix, exc.fields)}" if exc.fix else message


def _route(exc: RouteNotOffered) -> str:
    return f"{exc.message} — choose --route {' or '.join(exc.routes)}, or leave --route out"


def _no_price(exc: NoPrice) -> str:
    # after "Error: " a sentence goes on in lower case: "no Mindbloom price was observed ..."
    message = "n" + exc.message[1:] if exc.message.startswith("No ") else exc.message
    if exc.first_price is not None:
        return f"{message} — use --as-of {exc.first_price} or later, the date of its first price"
    if exc.fix:
        return f"{message} — {exc.fix}"
    # a provider with no published prices at all: nothing to change in the command
    return f"{message} — see what it does publish with 'ketacalc show', or compare the providers with prices"


def _schedule(exc: ScheduleOutOfRange) -> str:
    if exc.unit == "sessions":
        return f"{exc.message} — use an earlier --start, a faster --pace or fewer sessions"
    return f"{exc.message} — use an earlier --start or fewer {exc.unit}"


def _unknown_provider(exc: UnknownProvider) -> str:
    """A state given where a provider goes (``cost TX -n 6``, ``states tx``): said so, with
    the commands that take a state; any other name, as the error has it."""
    from ketacalc.usstates import UnknownState, parse_state

    try:  # a state's code or name, exactly: near provider names ("AL": kalm-health) come after
        code = parse_state(exc.name)
    except UnknownState:  # no state: the error as it is, with its suggestions
        return str(exc)
    return (
        f"{exc.message}: {code} is a state — for who serves it, 'ketacalc eligibility --state {code}'; "
        f"for a provider's cost there, name the provider and add --state {code}"
    )


def _data_file(exc: DataFileError) -> str:
    if len(exc.problems) > 1:
        path = shown_path(exc.file)
        command = f"'ketacalc check {path}'" if path == printable(exc.file) else "'ketacalc check' on it"
        return f"{exc.message} — run {command} to list every problem"
    return str(exc)


#: The one table: each error type, most specific first, with its exit code and the
#: line a person reads. The first type the error is an instance of wins.
ERRORS: tuple[tuple[type[KetacalcError], int, Callable[[Any], str]], ...] = (
    (LineFailed, EXIT_INTERNAL, str),
    (RouteNotOffered, 1, _route),
    (NoPrice, 1, _no_price),
    (ScheduleOutOfRange, EXIT_USAGE, _schedule),
    (InvalidInput, EXIT_USAGE, _invalid),
    (UsageProblem, EXIT_USAGE, str),
    (DataFileError, 1, _data_file),
    (UnknownProvider, 1, _unknown_provider),
    (KetacalcError, 1, str),
)


def describe(exc: KetacalcError) -> tuple[str, int]:
    """The one-line message of a domain error, in the command line's words, and its exit code."""
    for kind, code, line in ERRORS:
        if isinstance(exc, kind):
            return line(exc), code
    raise AssertionError("KetacalcError is in the table")  # pragma: no cover
