"""One place that turns every exception into the line a person reads, and an exit code.

Like the ``hf`` CLI's error table: the core raises domain errors that name
fields (``sessions``, ``start``); here they become ``Error: <what> — <fix>``
in the words of the command line (``--sessions``, ``--start``).
"""

from __future__ import annotations

import re

from ketacalc.errors import InvalidInput, KetacalcError, NoPrice, RouteNotOffered, ScheduleOutOfRange

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


def _with_flag(text: str, field: str) -> str:
    """``sessions 0 is out of range`` -> ``--sessions 0 is out of range``."""
    flag = FLAGS.get(field)
    if flag is None:
        return text
    return re.sub(rf"(?<![\w-]){re.escape(field)}\b", flag, text, count=1)


#: messages whose command-line words are more than a flag in front
REWORDED = {
    "insurer needs a state": "--insurer needs --state — add --state XX: insurers are accepted state by state",
}


def describe(exc: KetacalcError) -> str:
    """The one-line message of a domain error, in the command line's words."""
    if exc.message in REWORDED:
        return REWORDED[exc.message]
    if isinstance(exc, InvalidInput):
        message = _with_flag(exc.message, exc.field)
        return f"{message} — {exc.fix}" if exc.fix else message
    if isinstance(exc, RouteNotOffered):
        return f"{exc.message} — choose --route {' or '.join(exc.routes)}, or leave --route out"
    if isinstance(exc, NoPrice) and exc.first_price is not None:
        return f"{exc.message} — use --as-of {exc.first_price} or later, the date of its first price"
    if isinstance(exc, ScheduleOutOfRange):
        if exc.unit == "sessions":
            return f"{exc.message} — use an earlier --start, a faster --pace or fewer sessions"
        return f"{exc.message} — use an earlier --start or fewer {exc.unit}"
    return str(exc)
