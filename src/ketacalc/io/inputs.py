"""Every value a person types, parsed and validated in one place.

Pure core code: no printing, no exiting, and no command-line flag in any
message. Every problem is an :class:`~ketacalc.errors.InvalidInput` whose
``field`` is the person's word (``sessions``, ``state``, ``start``) and whose
message starts with that word and the value, quoted: ``sessions '1_8' is not a
whole number``. The CLI puts its flag in front where it reports the error;
``batch`` reports the field. One mistake has one message wherever it is made.

Numbers are ASCII digits only: ``1_8``, ``١٨`` (Arabic-Indic), ``５０``,
``+5``, ``1e3`` are refused, never read as numbers.

Batch input (JSON Lines or CSV with a header) is read by
:mod:`ketacalc.io.scenarios` with these parsers.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal

from ketacalc.errors import InvalidInput, KetacalcError, quoted
from ketacalc.money import CENT

MAX_SESSIONS = 10_000  # sessions in one course, and values in one list or range
MAX_MONTHS = 120
MAX_PACE = Decimal(14)  # sessions a week
MIN_PACE = Decimal("0.01")  # one session in 100 weeks: slower cannot be a course of care
PACE_DECIMALS = 6
MAX_NAME = 200  # characters in a provider's or an insurer's name
MAX_MONEY_DIGITS = 9  # dollars below one billion

# ASCII only: re.ASCII keeps \s and \d from matching other scripts' spaces and digits
_WHOLE = re.compile(r"\s*([0-9]+)\s*", re.ASCII)
_NEGATIVE = re.compile(r"\s*-\s*([0-9]+)\s*", re.ASCII)
_RANGE = re.compile(r"\s*([0-9]+)\s*-\s*([0-9]+)\s*", re.ASCII)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_PACE = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)  # a negative one is out of range
_MONEY = re.compile(r"\$?([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]+))?", re.ASCII)

DATE_FIX = "write it as YYYY-MM-DD, e.g. 2025-06-13"
MONEY_FIX = "write dollars like 50, 49.99 or $1,250"
PACE_FIX = f"give sessions a week, from {MIN_PACE} to {MAX_PACE}, e.g. 1 or 0.5"
FLAG_FIX = "write true or false (yes/no and 1/0 work too)"

_TRUE = frozenset({"true", "yes", "1", "y", "t"})
_FALSE = frozenset({"false", "no", "0", "n", "f", ""})


# --------------------------------------------------------------- showing a value in a message


def _shown(value: object) -> str:
    """A value as a message shows it: text quoted (and cut), JSON values as JSON."""
    if isinstance(value, str):
        return quoted(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal, float)):
        return quoted(str(value))
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return quoted(str(value))


def _number(text: str) -> str:
    """A number that passed the ASCII-digit check, shown unquoted (cut when huge)."""
    return text if len(text) <= 20 else quoted(text)


def as_text(value: object, field: str) -> str | None:
    """A scenario value as stripped text; ``None`` (or blank text) means "not given".

    Text and numbers are fine (a JSON number for sessions or pace); true/false,
    lists and objects are refused."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, (list, tuple, dict)):
        kind = "an object" if isinstance(value, dict) else "a list"
        raise InvalidInput(field, f"{field} is {kind}, not text or a number", f"give {field} as text")
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, float)):
        raise InvalidInput(field, f"{field} {_shown(value)} is not text or a number", f"give {field} as text")
    return str(value)


# --------------------------------------------------------------- counts: sessions and months


def _count_fix(maximum: int) -> str:
    return f"give a whole number from 1 to {maximum:,}"


def _list_fix(maximum: int) -> str:
    example, span = ("6,12,18", "1-24") if maximum > MAX_MONTHS else ("1,3,6", "1-12")
    return f"{_count_fix(maximum)}, a list like {example} or a range like {span}"


def _out_of_range(field: str, shown: str, maximum: int) -> InvalidInput:
    # the same message and fix wherever the number was typed: a list, a range, one value, batch
    return InvalidInput(field, f"{field} {_number(shown)} is out of range", _count_fix(maximum))


def _bounded(digits: str, field: str, maximum: int) -> int:
    """ASCII ``digits`` as an int from 1 to ``maximum`` (never converts a huge string)."""
    significant = digits.lstrip("0")
    if not significant or len(significant) > len(str(maximum)) or int(significant) > maximum:
        raise _out_of_range(field, digits, maximum)
    return int(significant)


def _not_whole(field: str, text: str, maximum: int, fix: str) -> InvalidInput:
    negative = _NEGATIVE.fullmatch(text)
    if negative:
        return _out_of_range(field, "-" + negative.group(1), maximum)
    return InvalidInput(field, f"{field} {quoted(text.strip())} is not a whole number", fix)


def parse_count(value: object, field: str = "sessions", maximum: int = MAX_SESSIONS) -> int:
    """One whole number from 1 to ``maximum``, from text or a JSON int.

    ``bool`` and fractional numbers are refused; so are lists and ranges
    (one scenario is one number)."""
    fix = _count_fix(maximum)
    if isinstance(value, bool) or isinstance(value, (float, Decimal)):
        raise InvalidInput(field, f"{field} {_shown(value)} is not a whole number", fix)
    if isinstance(value, int):
        if 1 <= value <= maximum:
            return value
        raise _out_of_range(field, str(value), maximum)
    if not isinstance(value, str):
        as_text(value, field)  # refuses lists and objects
        raise InvalidInput(field, f"{field} {_shown(value)} is not a whole number", fix)
    whole = _WHOLE.fullmatch(value)
    if whole:
        return _bounded(whole.group(1), field, maximum)
    if "," in value or _RANGE.fullmatch(value):
        raise InvalidInput(field, f"{field} {quoted(value.strip())} is not one whole number", fix)
    raise _not_whole(field, value, maximum, fix)


def _parse_counts(text: str, field: str, maximum: int) -> list[int]:
    fix = _list_fix(maximum)
    parts = text.split(",")
    counts: list[int] = []
    for part in parts:
        whole = _WHOLE.fullmatch(part)
        span = None if whole else _RANGE.fullmatch(part)
        if whole:
            low = high = _bounded(whole.group(1), field, maximum)
        elif span:
            low, high = _bounded(span.group(1), field, maximum), _bounded(span.group(2), field, maximum)
            if low > high:
                raise InvalidInput(
                    field, f"{field} '{low}-{high}' runs backwards", f"write it as {high}-{low}"
                )
        elif not part.strip() and len(parts) > 1:
            raise InvalidInput(field, f"{field} {quoted(text.strip())} has an empty item", fix)
        else:
            raise _not_whole(field, part, maximum, fix)
        if len(counts) + high - low + 1 > MAX_SESSIONS:
            raise InvalidInput(
                field, f"{field} {quoted(text.strip())} asks for more than {MAX_SESSIONS:,} results", fix
            )
        counts.extend(range(low, high + 1))
    return counts


def parse_sessions(text: str, field: str = "sessions") -> list[int]:
    """``18``, ``6,12,18`` or ``1-24`` -> session counts, 1 to 10,000 each,
    at most 10,000 of them; a backwards range is refused."""
    return _parse_counts(text, field, MAX_SESSIONS)


def parse_months(text: str) -> list[int]:
    """``3``, ``1,3,6`` or ``1-12`` -> month counts, 1 to 120 each."""
    return _parse_counts(text, "months", MAX_MONTHS)


# --------------------------------------------------------------- dates


def _iso_date(text: str) -> date | None:
    """A real ``YYYY-MM-DD`` date in ASCII digits, or None (no other ISO forms)."""
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_date(text: str, field: str) -> date:
    """``2025-06-13`` -> a date; anything else, or a day that does not exist, is refused."""
    day = _iso_date(text.strip())
    if day is None:
        raise InvalidInput(field, f"{field} {quoted(text)} is not a date", DATE_FIX)
    return day


def clock_today() -> date:
    """The system clock's date; a clock past what Python can count (its nanoseconds
    overflow in 2262) or before 1970 on some systems is an error that says so."""
    try:
        return date.today()
    except (OverflowError, ValueError, OSError):
        raise KetacalcError(
            "the system clock gives no usable date (it is past what Python can count, or before 1970)",
            "set the clock, or give the date as KETACALC_TODAY=YYYY-MM-DD",
        ) from None


def today(env: Mapping[str, str] | None = None) -> date:
    """Today, or ``KETACALC_TODAY`` (YYYY-MM-DD) for reproducible runs and tests."""
    pinned = (os.environ if env is None else env).get("KETACALC_TODAY")
    if not pinned:
        return clock_today()
    day = _iso_date(pinned.strip())
    if day is None:
        raise InvalidInput(
            "KETACALC_TODAY",
            f"KETACALC_TODAY {quoted(pinned)} is not a date",
            "set it as YYYY-MM-DD or unset it",
        )
    return day


# --------------------------------------------------------------- states, money, pace, flags


def parse_state(text: str, field: str = "state") -> str:
    """A USPS code or a state's name, any case and punctuation -> the USPS code;
    refused with the closest states when it is neither."""
    from ketacalc.usstates import UnknownState
    from ketacalc.usstates import parse_state as lookup

    try:
        return lookup(text)
    except UnknownState as exc:
        fix = (
            f"did you mean {' or '.join(exc.suggestions)}?"
            if exc.suggestions
            else "use a USPS code such as TX or a name such as Texas"
        )
        raise InvalidInput(field, f"{field} {quoted(text.strip())} is not a US state or DC", fix) from None


def parse_money(text: str, field: str) -> Decimal:
    """Dollars -> a cents-exact Decimal: ``50``, ``49.99``, ``$1,250.00``.

    ASCII digits, at most two decimals, commas only between groups of three."""
    stripped = text.strip()
    match = _MONEY.fullmatch(stripped)
    if match is None:
        if stripped.startswith("-") and _MONEY.fullmatch(stripped[1:].strip()):
            raise InvalidInput(field, f"{field} {quoted(stripped)} is negative", MONEY_FIX)
        raise InvalidInput(field, f"{field} {quoted(stripped)} is not an amount", MONEY_FIX)
    dollars, cents = match.group(1).replace(",", ""), match.group(2) or ""
    if len(cents) > 2:
        raise InvalidInput(field, f"{field} {quoted(stripped)} has more than 2 decimals", MONEY_FIX)
    if len(dollars.lstrip("0")) > MAX_MONEY_DIGITS:
        raise InvalidInput(
            field,
            f"{field} {quoted(stripped)} is too large",
            f"give at most ${10**MAX_MONEY_DIGITS - 1:,}.99",
        )
    return Decimal(f"{dollars}.{cents or '0'}").quantize(CENT)


def parse_pace(text: str) -> Decimal:
    """Sessions a week -> Decimal, from 0.01 to 14 with at most 6 decimals
    (``1``, ``0.5``, ``2.25``). Exponents and other spellings are not numbers."""
    stripped = text.strip()
    if not _PACE.fullmatch(stripped):
        raise InvalidInput("pace", f"pace {quoted(stripped)} is not a number", PACE_FIX)
    whole, _, fraction = stripped.partition(".")
    if len(fraction.rstrip("0")) > PACE_DECIMALS:
        raise InvalidInput(
            "pace", f"pace {quoted(stripped)} has more than {PACE_DECIMALS} decimals", PACE_FIX
        )
    if len(whole.lstrip("-").lstrip("0")) > 2:  # 100 or more: out of range, without converting a huge string
        raise InvalidInput("pace", f"pace {_number(stripped)} is out of range", PACE_FIX)
    fraction = fraction.rstrip("0")
    whole = whole if whole.lstrip("-") else whole + "0"  # ".5" -> "0.5", "-.0" -> "-0"
    pace = Decimal(f"{whole}.{fraction}" if fraction else whole)  # 1.50 -> 1.5, .0 -> 0
    if pace < MIN_PACE or pace > MAX_PACE:
        raise InvalidInput("pace", f"pace {_number(stripped)} is out of range", PACE_FIX)
    return pace


def parse_flag(value: object, field: str) -> bool:
    """true/false, yes/no, y/n, t/f, 1/0 (any case) or empty (false); bools as they are."""
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise InvalidInput(field, f"{field} {_shown(value)} is not true or false", FLAG_FIX)


# --------------------------------------------------------------- routes and names


def parse_route(text: str) -> str:
    """A delivery route by its id or a declared alias -> the route id (``lozenge`` -> ``troche``)."""
    from ketacalc.vocab import ROUTES, route_id

    found = route_id(text)
    if found is None:
        raise InvalidInput(
            "route", f"route {quoted(text.strip())} is not a route", f"use one of {', '.join(ROUTES)}"
        )
    return found


def _name(text: str, field: str, example: str) -> str:
    name = text.strip()
    if not name:
        raise InvalidInput(field, f"{field} {quoted(text)} is empty", f"give {example}")
    if len(name) > MAX_NAME:
        raise InvalidInput(
            field, f"{field} {quoted(name)} is too long", f"give {example}, at most {MAX_NAME} characters"
        )
    return name


def parse_provider_name(text: str) -> str:
    """A provider's id or name as typed: non-empty after stripping, at most 200 characters."""
    return _name(text, "provider", "a provider id or name such as mindbloom")


def parse_insurer_name(text: str) -> str:
    """An insurer's name as typed, checked only as text (non-empty, at most 200
    characters): batch checks it against the catalog later, with :func:`parse_insurer`."""
    return _name(text, "insurer", "an insurer's name such as Aetna")


def parse_insurer(text: str, known: Iterable[str], accepted_here: Sequence[str], state: str) -> str:
    """The listed insurer ``text`` names (exactly, ignoring case and punctuation,
    or by a declared alias), even when it is not accepted in ``state``: the
    caller then prices self-pay with a note. Anything else is refused, listing
    the insurers accepted in ``state``."""
    from ketacalc.vocab import match_insurer

    fix = f"insurers accepted in {state}: {', '.join(accepted_here) or 'none listed'}"
    if not text.strip():
        raise InvalidInput("insurer", f"insurer {quoted(text)} is empty", fix)
    found = match_insurer(text, list(accepted_here)) or match_insurer(text, list(known))
    if found is None:
        raise InvalidInput("insurer", f"insurer {quoted(text.strip())} is not a known insurer", fix)
    return found


def check_insurer_state(insurer: str | None, state: str | None) -> None:
    """An insurer is accepted state by state: naming one needs a state."""
    if insurer is not None and state is None:
        raise InvalidInput(
            "insurer",
            "insurer needs state",
            "add state: insurers are accepted state by state",
            also=("state",),
        )
