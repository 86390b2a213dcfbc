"""One request: every question ketacalc answers, built and checked in one place.

The CLI's options, a batch line's fields and the library's keyword arguments
all become a :class:`Request` through :func:`build`, so a value is parsed by
one function and every rule that ties two fields together (sessions *or*
months, an insurer needs a state, a sort key needs a course) lives here and
nowhere else. Values may be text as a person typed it (``"1-24"``,
``"texas"``, ``"2026-12-02"``) or already typed (``18``, ``date``,
``Decimal``); errors name the field (``sessions``), never a command-line flag.

The domain's queries (:class:`~ketacalc.domain.course.CostQuery`,
:class:`~ketacalc.domain.compare.CompareQuery`,
:class:`~ketacalc.domain.curves.CurveQuery`) are views of a request.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from ketacalc.domain.course import DEFAULT_MAX_AGE, DEFAULT_PACE, CostQuery, restate
from ketacalc.errors import InvalidInput, quoted
from ketacalc.io import inputs
from ketacalc.io.scenarios import SCENARIO_FIELDS, unknown_field
from ketacalc.money import ZERO

if TYPE_CHECKING:  # compare and the curves are imported by the views of a request that need them
    from ketacalc.domain.compare import CompareQuery
    from ketacalc.domain.curves import CurveQuery

SESSIONS, MONTHS = "sessions", "months"
CLIENTS = ("new", "returning")
MAX_AGE_DAYS = 36_500

#: what a command asks of the course: none at all, one if given, or one required
NO_COURSE, OPTIONAL, REQUIRED = "none", "optional", "required"


class Course(NamedTuple):
    """N sessions, or the first M months of care; ``counts`` holds one value or a list/range."""

    unit: str  # SESSIONS or MONTHS
    counts: tuple[int, ...]

    @property
    def count(self) -> int:
        """The one count of a single course (the largest of a list)."""
        return max(self.counts)


class Request(NamedTuple):
    """A question, every field parsed. ``None`` is "not given" (a default applies)."""

    providers: tuple[str, ...] = ()  # names as typed; the catalog resolves them
    state: str | None = None  # a USPS code
    client: str = "new"
    course: Course | None = None
    start: date | None = None  # None: the as-of date (today by default)
    pace: Decimal = DEFAULT_PACE  # sessions a week
    route: str | None = None  # None: each provider's standard route
    insurer: str | None = None  # as typed; resolved against the data file in the state
    pay_in_full: bool = False
    discount: Decimal = ZERO
    as_of: date | None = None  # None: today
    max_age: int = DEFAULT_MAX_AGE  # days before a price is stale
    # a comparison's filters and order
    sort: str = "name"
    include_unavailable: bool = False
    no_sitter: bool = False
    insurance: bool = False
    max_due_at_signup: Decimal | None = None
    hired_sitter: bool = False  # cost: add a hired sitter's published cost, as an estimate

    @property
    def returning(self) -> bool:
        return self.client == "returning"

    @property
    def sessions(self) -> int | None:
        return self.course.count if self.course is not None and self.course.unit == SESSIONS else None

    @property
    def months(self) -> int | None:
        return self.course.count if self.course is not None and self.course.unit == MONTHS else None

    def cost_query(self, insurer: str | None = None, count: int | None = None) -> CostQuery:
        """The query that prices one course (``count`` of the request's unit)."""
        sessions = count if count is not None else (self.course.count if self.course else 1)
        return restate(self, CostQuery, sessions=sessions, insurer=insurer)

    def compare_query(self, insurer: str | None = None) -> CompareQuery:
        from ketacalc.domain.compare import CompareQuery

        return restate(self, CompareQuery, insurer=insurer)

    def curve_query(self, insurer: str | None = None) -> CurveQuery:
        from ketacalc.domain.curves import DEFAULT_RANGE, CurveQuery

        course = self.course
        return restate(
            self,
            CurveQuery,
            insurer=insurer,
            counts=course.counts if course is not None else DEFAULT_RANGE,
            unit=course.unit if course is not None else SESSIONS,
        )


def _given(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _text(value: object, field: str) -> str | None:
    return inputs.as_text(value, field)


def _date(value: object, field: str) -> date | None:
    if isinstance(value, date):
        return value
    text = _text(value, field)
    return None if text is None else inputs.parse_date(text, field)


def day_asked(as_of: date | None, today: date, priced: bool = True) -> date:
    """The day the figures are taken as of: the request's as-of date, or today.

    A later day is refused: the data holds what was observed up to today, so an answer
    "as of" a day to come would pass today's figures off as that day's. A course that
    begins later is priced from today's figures with a start date of its own."""
    if as_of is None:
        return today
    if as_of > today:
        later = ", or give start to price a course that begins later" if priced else ""
        raise InvalidInput(
            "as_of",
            f"as_of {as_of.isoformat()} is after today ({today.isoformat()}): no figure is known from then",
            f"leave as_of out to use the newest figures{later}",
            also=("start",) if priced else (),
        )
    return as_of


def _money(value: object, field: str) -> Decimal | None:
    text = _text(value, field)
    return None if text is None else inputs.parse_money(text, field)


def _flag(value: object, field: str) -> bool:
    return inputs.parse_flag(value, field)


def _counts(value: object, unit: str, many: bool) -> tuple[int, ...]:
    if many and isinstance(value, str):
        return tuple(inputs.parse_months(value) if unit == MONTHS else inputs.parse_sessions(value))
    maximum = inputs.MAX_MONTHS if unit == MONTHS else inputs.MAX_SESSIONS
    return (inputs.parse_count(value, unit, maximum),)


def _course(sessions: object, months: object, need: str, many: bool) -> Course | None:
    given = [unit for unit, value in ((SESSIONS, sessions), (MONTHS, months)) if _given(value)]
    if need == NO_COURSE:
        return None
    if len(given) == 2:
        raise InvalidInput(
            MONTHS,
            "sessions and months cannot be used together",
            "give sessions (N) or months (M), not both",
            also=(SESSIONS,),
        )
    if not given:
        if need == REQUIRED:
            raise course_needed()
        return None
    unit = given[0]
    return Course(unit, _counts(sessions if unit == SESSIONS else months, unit, many))


def course_needed() -> InvalidInput:
    return InvalidInput(
        SESSIONS, "sessions or months is needed", "give sessions (e.g. 18) or months (e.g. 3)", also=(MONTHS,)
    )


def _client(client: object, returning: object) -> str:
    if _given(client):
        text = (_text(client, "client") or "").lower()
        if text not in CLIENTS:
            raise InvalidInput(
                "client", f"client {quoted(text)} is not new or returning", "give new or returning"
            )
        if _given(returning) and _flag(returning, "returning") != (text == "returning"):
            raise InvalidInput(  # returning=True, client="new": never one silently over the other
                "client", f"client {quoted(text)} and returning={returning!r} disagree", "give one of them"
            )
        return text
    return "returning" if _flag(returning, "returning") else "new"


#: the parser that refuses each field's blank value, with that field's own message
_BLANK = {
    "state": lambda text, field: inputs.parse_state(text),
    "sessions": lambda text, field: inputs.parse_sessions(text),
    "months": lambda text, field: inputs.parse_months(text),
    "start": inputs.parse_date,
    "as_of": inputs.parse_date,
    "pace": lambda text, field: inputs.parse_pace(text),
    "route": lambda text, field: inputs.parse_route(text),
    "discount": inputs.parse_money,
    "max_due_at_signup": inputs.parse_money,
    "max_age": lambda text, field: inputs.parse_count(text, field, MAX_AGE_DAYS),
}


def build(
    *,
    provider: object = None,
    providers: object = None,
    state: object = None,
    client: object = None,
    returning: object = None,
    sessions: object = None,
    months: object = None,
    start: object = None,
    pace: object = None,
    route: object = None,
    insurer: object = None,
    pay_in_full: object = None,
    discount: object = None,
    as_of: object = None,
    max_age: object = None,
    sort: object = None,
    include_unavailable: object = None,
    no_sitter: object = None,
    insurance: object = None,
    max_due_at_signup: object = None,
    hired_sitter: object = None,
    course: str = OPTIONAL,
    many: bool = False,
    blank_is_absent: bool = True,
) -> Request:
    """The one place a request is parsed and its cross-field rules are checked.

    ``course`` says what the question needs (``"none"``, ``"optional"``,
    ``"required"``); ``many`` allows a list or a range of counts (``1-24``).
    A blank value is "not given" (an empty CSV cell); with ``blank_is_absent``
    false (an option typed as ``--state ''``) it is refused like any bad value."""
    if not blank_is_absent:
        given = {"state": state, "sessions": sessions, "months": months, "start": start,
                 "as_of": as_of, "pace": pace, "route": route, "discount": discount, "max_age": max_age,
                 "max_due_at_signup": max_due_at_signup}  # fmt: skip
        for field, value in given.items():
            if isinstance(value, str) and not value.strip():
                _BLANK[field](value, field)
    # names are looked up as typed (an unknown one is the catalog's error, with suggestions)
    names = [] if provider is None else [_text(provider, "provider") or ""]
    if providers is not None:
        items = [providers] if isinstance(providers, str) else list(providers)  # type: ignore[call-overload]
        names += [_text(p, "provider") or "" for p in items]
    the_course = _course(sessions, months, course, many)
    state_text = _text(state, "state")
    code = inputs.parse_state(state_text) if state_text is not None else None
    insurer_text = _text(insurer, "insurer")
    insurer_name = inputs.parse_insurer_name(insurer_text) if insurer_text is not None else None
    if not blank_is_absent and isinstance(insurer, str) and not insurer.strip():
        insurer_name = insurer  # refused where it is looked up, with the insurers accepted in the state
    inputs.check_insurer_state(insurer_name, code)
    sort_key = "name" if sort is None else str(sort).strip().lower()  # any case; blank is refused
    if sort is not None:  # a command that sorts (compare, for one): its keys
        from ketacalc.domain.compare import SORT_KEYS

        if sort_key not in SORT_KEYS:
            raise InvalidInput(
                "sort", f"sort {quoted(sort)} is not a sort key", f"use one of {', '.join(SORT_KEYS)}"
            )
    if sort_key != "name" and the_course is None and course != NO_COURSE:
        # ranking totals of unlike things (a month of troches, one visit, a 6-session package) misleads
        raise InvalidInput(
            "sort",
            f"sort {sort_key} needs a course to rank: sessions or months",
            "give sessions (e.g. 18) or months (e.g. 3) to rank by cost",
            also=(SESSIONS, MONTHS),
        )
    pace_text = _text(pace, "pace")
    route_text = _text(route, "route")
    return Request(
        providers=tuple(names),
        state=code,
        client=_client(client, returning),
        course=the_course,
        start=_date(start, "start"),
        pace=inputs.parse_pace(pace_text) if pace_text is not None else DEFAULT_PACE,
        route=inputs.parse_route(route_text) if route_text is not None else None,
        insurer=insurer_name,
        pay_in_full=_flag(pay_in_full, "pay_in_full"),
        discount=_money(discount, "discount") or ZERO,
        as_of=_date(as_of, "as_of"),
        # a count, read as sessions are: text or a JSON whole number, true/false refused
        max_age=inputs.parse_count(max_age, "max_age", MAX_AGE_DAYS) if _given(max_age) else DEFAULT_MAX_AGE,
        sort=sort_key,
        include_unavailable=_flag(include_unavailable, "include_unavailable"),
        no_sitter=_flag(no_sitter, "no_sitter"),
        insurance=_flag(insurance, "insurance"),
        max_due_at_signup=_money(max_due_at_signup, "max_due_at_signup"),
        hired_sitter=_flag(hired_sitter, "hired_sitter"),
    )


#: the fields of a scenario that say which course and when, not how it is priced
COURSE_FIELDS = (SESSIONS, MONTHS, "start")


def scenario_course(fields: Mapping[str, object]) -> tuple[int | None, int | None, date | None]:
    """A scenario's sessions, months and start, as :func:`scenario` parses them (with
    the same errors, the course's first) once its other fields are known to be good."""
    sessions, months = scenario_counts(fields.get(SESSIONS), fields.get(MONTHS))
    return sessions, months, scenario_start(fields.get("start"))


def scenario_counts(sessions: object, months: object) -> tuple[int | None, int | None]:
    """A scenario's sessions or months (the other ``None``), as :func:`scenario` parses them."""
    course = _course(sessions, months, REQUIRED, False)
    assert course is not None  # REQUIRED: a missing course is refused
    return (course.count, None) if course.unit == SESSIONS else (None, course.count)


def scenario_start(start: object) -> date | None:
    """A scenario's start, as :func:`scenario` parses it."""
    return _date(start, "start")


def scenario(fields: Mapping[str, object]) -> Request:
    """A batch line's fields (a JSON object, a CSV row) -> the request for one
    course at one provider: unknown fields are refused, a provider and exactly one
    of sessions and months are needed, and the rest is :func:`build`'s."""
    for name in fields:
        if name not in SCENARIO_FIELDS:
            raise unknown_field(name)
    if not _given(fields.get("provider")):
        raise InvalidInput("provider", "provider is missing", "give a provider id or name such as mindbloom")
    inputs.parse_provider_name(_text(fields["provider"], "provider") or "")
    return build(**fields, course=REQUIRED)  # type: ignore[arg-type]
