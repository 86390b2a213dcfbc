"""Rules on the course's dates: which regulatory rules may stop at-home treatment.

Pure core code. A rule of the data file's ``regulation:`` section applies to a
jurisdiction ("US" or a state) over a span of dates; the newest observation of
its span on or before the date asked for is the one used, so a data update that
records an extension changes every answer.

- A ``flexibility`` (the DEA's telemedicine flexibilities) lets at-home
  prescribing go on while in force. A course with any day after its end gets an
  entry: from the day after the end, its ``effect`` may apply.
- A ``requirement`` (Alabama's in-person encounter) applies while in force: a
  course with any day in its span gets an entry, from its first such day.
- A ``caution`` of jurisdiction ``states`` speaks for every state with no rule of
  its own known on the day asked for (none recorded, or one observed only later):
  that state's own rule is not known, and may require what the federal one no
  longer does. Its entry names the state asked for, so a state without a known
  rule is never read as a state without one.

Where there is no course (``eligibility``, ``states``, ``compare`` without
``--sessions`` or ``--months``), the course is assumed to start on the as-of date
and to last :data:`ASSUMED_COURSE_DAYS` days: the entry then says so.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, NamedTuple

from ketacalc.data.fields import EVERY_OTHER_STATE

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ketacalc.data.catalog import Catalog, Rule, RuleSpan

#: days a course is assumed to last when none is priced: about six months, long enough
#: for the largest packages (18 weekly sessions run about four months; Isha's average
#: treatment is 128 days)
ASSUMED_COURSE_DAYS = 183


class CourseDates(NamedTuple):
    """The first and last day of a course (both counted)."""

    start: date
    end: date
    assumed: bool = False  # True: no course was priced; a course started on ``start`` is assumed


def assumed_course(start: date) -> CourseDates:
    """The dates a course started on ``start`` would plausibly span (within the calendar)."""
    return course_dates(start, ASSUMED_COURSE_DAYS)._replace(assumed=True)


def course_dates(start: date, days: int) -> CourseDates:
    """A course of ``days`` days of care from ``start`` (its end kept within the calendar)."""
    try:
        return CourseDates(start, start + timedelta(days=max(days, 1) - 1))
    except OverflowError:
        return CourseDates(start, date.max)


def months_course(start: date, months: int) -> CourseDates:
    """The first ``months`` months of care from ``start`` (its end kept within the calendar)."""
    from ketacalc.domain.schedule import last_day_of_care

    try:
        return CourseDates(start, last_day_of_care(start, months))
    except ValueError:  # a year past 9999
        return CourseDates(start, date.max)


class RuleEntry(NamedTuple):
    """A rule that may affect a course in a state: what it says, from when, and its source."""

    id: str
    jurisdiction: str
    name: str  # "DEA telemedicine flexibilities"
    kind: str  # "flexibility" (its end brings the effect) or a rule in force from its start
    effect: str  # what it may require, in the data file's words
    short: str  # the same in a table's few words: "in-person visit may be required"
    begins: date  # when the effect starts (a flexibility: the day after it ends)
    affects_from: date  # the first course date it affects
    source: str
    as_of: date
    tier: str | None
    known_on: date | None  # the day the rules are as known on (the day asked, or later)
    course: CourseDates  # last: batch keys a rule's encoded record on the fields before it

    @property
    def past_end(self) -> bool:
        """A flexibility whose recorded end has passed on the day asked: the data cannot say
        whether it was extended after its last record (``as_of``)."""
        return self.kind == "flexibility" and self.known_on is not None and self.known_on >= self.begins

    @property
    def caution(self) -> bool:
        """A caution (the state's own rule is not known), not a rule in force: views say it
        once, apart from the rules."""
        return self.kind == "caution"


#: a course that ends this close before a flexibility's recorded end may yet run past it: its
#: first session is dated on its start, where a consultation and a shipment come first (Better U
#: ships "within 7 days after the first clinician visit"; Wondermed "within 7 business days")
NEAR_END_DAYS = 14


class NearEnd(NamedTuple):
    """A flexibility whose recorded end falls just after a course's last day."""

    name: str
    ends: date  # its last day in force
    source: str
    as_of: date
    last_day: date  # the course's last day of care

    @property
    def days_before(self) -> int:
        """Days from the course's last day to the flexibility's end (0: its last day)."""
        return (self.ends - self.last_day).days


class LeftoverPastEnd(NamedTuple):
    """Sessions a course buys beyond those asked for (a package's rest) that fall after a
    flexibility's recorded end: paid for now, they may need an in-person evaluation to be used."""

    name: str
    ends: date  # the flexibility's last day in force
    source: str
    as_of: date
    count: int  # the sessions left over dated after the end
    first: date  # the day of the first of them, at the pace


def course_ends(
    catalog: Catalog,
    course: CourseDates,
    as_of: date | None,
    leftover: Iterable[date],
    regulation: Iterable[RuleEntry],
    availability: str | None,
) -> tuple[NearEnd | None, LeftoverPastEnd | None]:
    """What the federal flexibilities' recorded end means for a priced course: its dates, the
    day its rules are checked on (see :func:`rules_for`), the days of the sessions it buys
    beyond those asked for (``leftover``), with the rules (``regulation``) and the availability
    of the state asked for (a compare row's own: its cost is priced without one).

    - :class:`NearEnd` when the course's last day falls fewer than :data:`NEAR_END_DAYS` days
      before that end: its first session is dated on its start, where a consultation and a
      shipment come first, so it may run past it;
    - :class:`LeftoverPastEnd` when sessions left over fall after it (Innerwell's 8-session
      program bought for 2 sessions on 2026-12-20 leaves 6, dated in 2027).

    Neither where it would mislead: a flexibility or a state's requirement already binds on the
    course's dates (Alabama's rule requires a visit now), or the provider is ``"unavailable"``
    in the state; nor when the end has passed on ``as_of``, or the course runs past it."""
    if ends_unsaid(regulation, availability):
        return None, None
    found = _flexibility_end(catalog, course, as_of)
    if found is None:
        return None, None
    rule, span = found
    ends = span.ends
    assert ends is not None  # (a flexibility with no end recorded is not found)
    near = None
    if (ends - course.end).days < NEAR_END_DAYS:
        near = NearEnd(rule.name, ends, span.source, span.as_of, course.end)
    after = [day for day in leftover if day > ends]
    left = LeftoverPastEnd(rule.name, ends, span.source, span.as_of, len(after), after[0]) if after else None
    return near, left


def ends_unsaid(regulation: Iterable[RuleEntry], availability: str | None) -> bool:
    """Whether :func:`course_ends` says nothing in a state whatever the course: a flexibility or
    a state's requirement already binds on its dates (``regulation``), or the provider is
    unavailable there. Otherwise a course's ends there are its ends in no state (batch places
    a course priced once in every state so)."""
    return availability == "unavailable" or any(e.kind in ("flexibility", "requirement") for e in regulation)


def _flexibility_end(
    catalog: Catalog, course: CourseDates, as_of: date | None
) -> tuple[Rule, RuleSpan] | None:
    """The federal flexibility as known when the course's rules are checked (see
    :func:`rules_for`), with the observation that gives its end: an end recorded, on or after
    the course's last day, and not passed on ``as_of``."""
    today = as_of
    known = _known_on(catalog, course, as_of)
    for rule in catalog.regulation:
        if rule.jurisdiction != "US" or rule.kind != "flexibility":
            continue
        span = rule.span_at(known)
        if span is None or span.ends is None or (today is not None and today > span.ends):
            continue  # no end recorded, or one already passed: nothing to run past
        if span.ends >= course.end:
            return rule, span
    return None


def _effect_starts(rule: Rule, as_of: date | None) -> tuple[date, date | None, RuleSpan] | None:
    """When the rule's effect starts and ends, with the observation that says so."""
    span = rule.span_at(as_of)
    if span is None:
        return None
    if rule.kind == "flexibility":
        if span.ends is None:
            return None  # in force with no end: nothing stops
        return span.ends + timedelta(days=1), None, span
    return span.starts or date.min, span.ends, span


#: the rules found for a state, course dates and day, with the catalog they came from (the
#: same for every provider: ``batch`` asks again and again); bounded
_FOUND: dict[tuple[int, str, CourseDates, date | None], tuple[Catalog, tuple[RuleEntry, ...]]] = {}


_NEWEST: dict[int, tuple[Catalog, date | None]] = {}


def _newest_observation(catalog: Catalog) -> date | None:
    """The newest day a rule's span was observed in the catalog (worked out once per catalog)."""
    known = _NEWEST.get(id(catalog))
    if known is None or known[0] is not catalog:
        days = [s.as_of for r in catalog.regulation for s in r.spans]
        if len(_NEWEST) >= 16:
            _NEWEST.clear()
        known = _NEWEST[id(catalog)] = (catalog, max(days, default=None))
    return known[1]


def _known_on(catalog: Catalog, course: CourseDates, as_of: date | None) -> date | None:
    """The day a course's rules are as known on: ``as_of``, or its first day if it starts
    later (what was observed up to then: the same answer, and the same cache entries, as on
    the as-of day when nothing newer was observed)."""
    if as_of is not None and course.start > as_of:
        newest = _newest_observation(catalog)
        if newest is not None and newest > as_of:
            return min(course.start, newest)
    return as_of


def rules_for(catalog: Catalog, state: str, course: CourseDates, as_of: date | None) -> tuple[RuleEntry, ...]:
    """The rules that may affect a course on ``course``'s dates in ``state``, as known on
    ``as_of``, or on the course's first day if it starts later: a course begun after the day
    asked for is checked against what is known when it begins (the data holds nothing newer
    than today), never against rules superseded by then."""
    as_of = _known_on(catalog, course, as_of)
    key = (id(catalog), state, course, as_of)
    known = _FOUND.get(key)
    if known is not None and known[0] is catalog:
        return known[1]
    found = _rules_for(catalog, state, course, as_of)
    if len(_FOUND) >= 4096:
        _FOUND.clear()
    _FOUND[key] = (catalog, found)
    return found


#: a rule in effect: the rule, the day its effect starts, the day it ends, the observation
#: that says so and that source's trust tier
_InEffect = tuple["Rule", date, "date | None", "RuleSpan", "str | None"]

#: each state's rules in effect on a day, with when their effect starts and ends (the same for
#: every course: only the dates are compared per course); bounded
_EFFECTIVE: dict[tuple[int, str, date | None], tuple[Catalog, tuple[_InEffect, ...]]] = {}


def _effective(catalog: Catalog, state: str, as_of: date | None) -> tuple[_InEffect, ...]:
    """The rules of ``state`` (and the nation's) in effect on ``as_of``: each with the day its
    effect starts, the day it ends, the observation that says so and that source's tier."""
    key = (id(catalog), state, as_of)
    known = _EFFECTIVE.get(key)
    if known is not None and known[0] is catalog:
        return known[1]
    found = []
    # a caution speaks for a state asked for that has no rule of its own known on the day
    # (one recorded but observed only later is not known yet: the caution speaks then)
    unrecorded = bool(state) and not any(
        rule.jurisdiction == state and rule.span_at(as_of) is not None for rule in catalog.regulation
    )
    for rule in catalog.regulation:
        if rule.jurisdiction == EVERY_OTHER_STATE:
            if not unrecorded:
                continue
        elif rule.jurisdiction not in ("US", state):
            continue
        starts = _effect_starts(rule, as_of)
        if starts is None:
            continue
        begins, ends, span = starts
        source = catalog.sources.get(span.source)
        found.append((rule, begins, ends, span, source.tier if source is not None else None))
    if len(_EFFECTIVE) >= 256:
        _EFFECTIVE.clear()
    _EFFECTIVE[key] = (catalog, tuple(found))
    return tuple(found)


def _rules_for(
    catalog: Catalog, state: str, course: CourseDates, as_of: date | None
) -> tuple[RuleEntry, ...]:
    return tuple(
        RuleEntry(
            rule.id,
            state if rule.jurisdiction == EVERY_OTHER_STATE else rule.jurisdiction,
            rule.name,
            rule.kind,
            rule.effect,
            rule.short,
            begins,
            max(begins, course.start),
            span.source,
            span.as_of,
            tier,
            as_of,
            course,
        )
        for rule, begins, ends, span, tier in _effective(catalog, state, as_of)
        if begins <= course.end and (ends is None or ends >= course.start)
    )
