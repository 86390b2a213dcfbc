"""Exceptions of the core. Each carries what is wrong and how to fix it.

The CLI maps them to one line on stderr and an exit code; the core never
prints or exits.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class KetacalcError(Exception):
    """Base: ``message`` says what is wrong, ``fix`` says what to do about it.
    (The CLI's error table, :data:`ketacalc.cli.errors.ERRORS`, gives each type its exit code.)"""

    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.message} — {self.fix}" if self.fix else self.message


class UsageProblem(KetacalcError):
    """Bad input: a value that cannot be used, or values that cannot go together."""


class InvalidInput(UsageProblem):
    """A value a person typed (an option, a batch field) that cannot be used.

    ``field`` names what was wrong in the person's terms (``sessions``,
    ``state``), and ``also`` any other field the message names (``months`` in
    "sessions and months cannot be used together"); the message never names a
    command-line flag: the CLI writes each field as its flag, batch names the field.
    """

    def __init__(self, field: str, message: str, fix: str = "", also: tuple[str, ...] = ()) -> None:
        self.field = field
        self.fields = (field, *also)
        super().__init__(message, fix)


QUOTE_LIMIT = 60


#: THE dangerous characters, the one definition: C0 and C1 controls (ESC, CR, NUL...),
#: DEL, the left-to-right and right-to-left marks, the line and paragraph separators and
#: the bidirectional embeddings, overrides and isolates. A data string may not hold them
#: (:data:`CONTROL`), :func:`inert` escapes them, :func:`printable` escapes them and more.
DANGEROUS = frozenset(
    map(chr, [*range(0x00, 0x20), *range(0x7F, 0xA0), 0x200E, 0x200F, *range(0x2028, 0x202F), *range(0x2066, 0x206A),
              # and the invisible ones a look-alike name hides in: the Arabic letter mark (a bidi
              # mark), the soft hyphen, the zero-width space, joiners and word joiner, the BOM
              0x061C, 0x00AD, 0x180E, 0x200B, 0x200C, 0x200D, *range(0x2060, 0x2065), 0xFEFF])
)  # fmt: skip

_NAMED_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def escape(char: str) -> str:
    """The one escape of one character, as a Python string literal writes it
    (``\\n``, ``\\x1b``, ``\\u202e``, ``\\U000e0001``), printable or not."""
    named = _NAMED_ESCAPES.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _char_class(chars: frozenset[str]) -> re.Pattern[str]:
    """A regular expression matching any one of ``chars`` (as ranges: as fast as a hand-written class)."""
    codes = sorted(map(ord, chars))
    ranges: list[list[int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return re.compile(
        "[" + "".join(escape(chr(lo)) + (f"-{escape(chr(hi))}" if hi > lo else "") for lo, hi in ranges) + "]"
    )


#: any dangerous character (:data:`DANGEROUS`): a data string may hold none
CONTROL = _char_class(DANGEROUS)
_CONTROL_BUT_NEWLINE = _char_class(DANGEROUS - {"\n"})
_ESCAPED = {char: escape(char) for char in DANGEROUS}
#: the dangerous characters ``str.isprintable`` passes (none today: it is printable's fast path)
_PRINTABLE_BUT_DANGEROUS = frozenset(c for c in DANGEROUS if c.isprintable())
_SEEN_PRINTABLE = _char_class(_PRINTABLE_BUT_DANGEROUS) if _PRINTABLE_BUT_DANGEROUS else None


def _escape(found: re.Match[str]) -> str:
    return _ESCAPED[found.group()]


def inert(text: str, newlines: bool = False) -> str:
    """``text`` with every dangerous character (:data:`DANGEROUS`) written as its
    :func:`escape` (``\\x1b``): a string from a data file can never drive the terminal
    or break a line. ``newlines`` keeps line breaks (a table cell ketacalc itself splits)."""
    pattern = _CONTROL_BUT_NEWLINE if newlines else CONTROL
    if pattern.search(text) is None:
        return text
    return pattern.sub(_escape, text)


def printable(text: str, limit: int | None = None) -> str:
    """``text`` as :func:`inert` writes it, with every other character that is not
    printable (format characters, spaces but ``" "``, unassigned code points) escaped
    too, cut to about ``limit`` characters: a file name or a value a message echoes
    can never break it into lines, drive the terminal or hide in it."""
    if limit is not None and len(text) > limit:
        return printable(text[:limit]) + f"… ({len(text):,} characters)"
    if text.isprintable() and (_SEEN_PRINTABLE is None or _SEEN_PRINTABLE.search(text) is None):
        return text
    return "".join(escape(c) if c in DANGEROUS or not c.isprintable() else c for c in text)


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """``repr`` of a piece of input, cut to about ``limit`` characters: an error
    message never echoes a whole file or a huge argument back."""
    text = value if isinstance(value, str) else str(value)
    if len(text) > limit:
        return repr(text[:limit]) + f"… ({len(text):,} characters)"
    return repr(text)


def shown_path(path: str, limit: int = QUOTE_LIMIT) -> str:
    """A file path as a message shows it: printable, and cut to its last ``limit``
    characters (the file's own name is the part a person needs)."""
    text = printable(path)
    return text if len(text) <= limit else "…" + text[-(limit - 1) :]


class ScheduleOutOfRange(UsageProblem):
    """A payment schedule that cannot be dated (past 9999-12-31, where dates end);
    ``unit`` is what was counted: sessions, daily doses, or months of care."""

    def __init__(self, sessions: int, unit: str = "sessions", provider: str | None = None) -> None:
        self.sessions = sessions
        self.unit = unit
        self.provider = provider  # named where many are priced (compare, chart): whose it is
        noun = unit[:-1] if sessions == 1 else unit
        whose = f"{provider}'s payment schedule" if provider else "the payment schedule"
        super().__init__(
            f"{whose} for {sessions} {noun} runs past the year 9999",
            f"use an earlier start, a faster pace or fewer {unit}"
            if unit == "sessions"  # a pace is sessions a week; doses are daily, months are months
            else f"use an earlier start or fewer {unit}",
        )


class NoPrice(KetacalcError):
    """A course that cannot be priced: no price on the date, or none for the client."""

    def __init__(self, provider: str, message: str, fix: str = "", first_price: str | None = None) -> None:
        self.provider = provider
        self.first_price = first_price  # YYYY-MM-DD of its first price, when it is the date that is too early
        super().__init__(message, fix)


class RouteNotOffered(NoPrice):
    """A delivery route the provider has no plan for (``routes``: the ones it has)."""

    def __init__(self, provider: str, route: str, routes: list[str]) -> None:
        self.route = route
        self.routes = routes
        super().__init__(
            provider, f"{provider} has no plan for route {route!r}", f"its routes: {', '.join(routes)}"
        )


class OutputClosed(Exception):
    """The reader of stdout went away (``ketacalc ... | head -1``): stop quietly."""


class UnknownProvider(KetacalcError):
    def __init__(self, name: str, suggestions: list[str], known: list[str]) -> None:
        self.name = name
        self.suggestions = suggestions
        fix = (
            f"did you mean {' or '.join(suggestions)}?"
            if suggestions
            else f"known providers: {', '.join(known)}"
            if known
            else "the data file lists no providers: give one that does with --data, or add them to it"
        )
        super().__init__(f"unknown provider {quoted(name)}", fix)


class DataProblem(NamedTuple):
    """One problem in a data file, located like a compiler error (sorts by position)."""

    line: int
    column: int
    path: str
    message: str
    file: str = ""

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{shown_path(self.file)}:{self.line}:{self.column}: {where}{self.message}"


class DataFileError(KetacalcError):
    """A data file that cannot be used; ``problems`` lists every problem found."""

    def __init__(self, file: str, problems: list[DataProblem]) -> None:
        self.file = file
        self.problems = sorted(problems)
        count = len(self.problems)
        first = str(self.problems[0]) if self.problems else shown_path(file)
        more = f" (and {count - 1} more)" if count > 1 else ""
        # one problem's message says how to fix it; several need the full list (the CLI says how)
        super().__init__(f"bad data file: {first}{more}")
