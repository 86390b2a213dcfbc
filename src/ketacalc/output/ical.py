"""``cost --format ics``: the payment schedule (and, if asked, the sessions) as an
iCalendar file (RFC 5545), to add to a calendar.

Each payment is an all-day event on its due date whose summary names the amount
and the purchase; its description says what it is part of, the price's date and
source. Sessions, with ``--with-sessions``, are all-day events at the pace asked
for: dates to plan with, not appointments. Every UID is made from the course
(provider, start, sessions or months) and the event's place in it, so the same
command gives the same file and importing it again updates the events instead of
adding copies. The file is made with the ``icalendar`` library, imported here only.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import IO, TYPE_CHECKING, Any

from ketacalc.domain.course import stale_before
from ketacalc.money import money_display
from ketacalc.output.notes import (
    NO_STATE_CHECKED,
    counted,
    first_months,
    rule_cited,
    rule_short,
    serving_phrase,
    state_first,
)
from ketacalc.output.views.common import condition_line, payment_for
from ketacalc.output.views.cost import leftover_line, near_end_line, total_text
from ketacalc.version import __version__

if TYPE_CHECKING:
    from ketacalc.domain.pricing import CostResult
    from ketacalc.domain.regulation import RuleEntry

NOTICE = (
    "Not medical advice: ketacalc prices published plans. Check every price with the provider before you pay."
)


def _course_name(result: CostResult) -> str:
    if result.months is not None:
        return f"the {first_months(result.months)} of care"
    return counted(result.sessions_requested, "session")


def _uid(result: CostResult, what: str, index: int) -> str:
    unit = f"{result.months}m" if result.months is not None else f"{result.sessions_requested}s"
    return f"{result.provider.id}-{result.client}-{result.start.isoformat()}-{unit}-{what}-{index}@ketacalc"


def _purchase_detail(result: CostResult, purchase: int) -> list[str]:
    """The purchase a payment is part of: who buys it, its sessions, price, date and source."""
    if not 0 <= purchase < len(result.purchases):
        return []
    p = result.purchases[purchase]
    sessions = p.plan.sessions
    obs = p.observation
    dated = obs.as_of.isoformat() if obs.as_of else "undated"
    # as the table says it: an insurance price is one, and a price past its age is old
    old = obs.as_of is not None and obs.as_of < stale_before(result.as_of, result.query.max_age)
    return [
        f"Purchase: {p.plan.name}, {counted(sessions, 'session')}, bought as a {p.client} client, "
        f"{money_display(p.charged)}{' (insurance price)' if p.insured else ''}, "
        f"starting {p.start.isoformat()}.",
        f"Price as of {dated}"
        + (f", source {obs.source}." if obs.source else ".")
        + (
            f" Stale: more than {result.query.max_age} days old on {result.as_of.isoformat()}; "
            "check it with the provider."
            if old
            else ""
        ),
    ]


def _rule_lines(entries: tuple[RuleEntry, ...], day: date | None = None, state: str | None = "") -> list[str]:
    """The rules on the course's dates, the state's first, a sentence each with its source and
    date (a state's caution says it is one); with ``day``, those that affect an event on it
    (a rule from 2027-01-01 binds a session then). Without a state, the calendar says that
    state rules were not checked."""
    lines = [
        f"{'Caution' if e.caution else 'Rule'}: {rule_cited(e)}"
        for e in state_first(entries)
        if day is None or day >= e.affects_from
    ]
    return lines + ([NO_STATE_CHECKED] if state is None else [])


def _all_day(event: Any, day: date) -> None:
    """An event of the whole ``day``: it ends the next day, or, on the calendar's last day
    (9999-12-31, with no next), it has no end, which RFC 5545 reads as one day."""
    event.add("dtstart", day)
    if day < date.max:
        event.add("dtend", day + timedelta(days=1))


def calendar_bytes(result: CostResult, *, with_sessions: bool, made_on: date) -> bytes:
    """The iCalendar file of one priced course (``made_on`` is its DTSTAMP, so the
    file is the same on every run of the same day)."""
    from icalendar import Calendar, Event, vText

    name = result.provider.name
    course = _course_name(result)
    # the total with what is estimated beside it, as the table gives it (Isha's medication)
    total = total_text(result)
    stamp = datetime.combine(made_on, time(0, 0), tzinfo=UTC)
    cal = Calendar()
    cal.add("prodid", f"-//ketacalc//ketacalc {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{name}: {course}")
    # the rules on the course's dates, as the table says them: the calendar is the file kept
    # and shared, and a session after 2027-01-01 may need an in-person visit first
    rules = result.regulation
    # what the table's headline says of the course besides its rules: a total resting on a
    # plan for some people only (Better U's Introduction), and a provider not known to serve
    # the state asked for; the calendar is read without the table
    said = [line for line in (condition_line(result.notes),) if line]
    a = result.availability
    if a is not None and a.status != "available":
        said.append(f"{name} {serving_phrase(a)}.")
    # a course ending just before the flexibilities' recorded end may yet run past it
    ending = near_end_line(result, result.near_end, page=True) + leftover_line(
        result, result.leftover_past_end
    )
    cal.add(
        "x-wr-caldesc",
        vText("\n".join([*said, *_rule_lines(rules, state=result.query.state), *ending, NOTICE])),
    )
    schedule = result.schedule
    # a promo code taken off a purchase paid in installments comes off the earliest ones by an
    # assumption (no source says how a code is split): each of those payments says so
    from ketacalc.domain.notes import Kind

    split = any(n.kind == Kind.PROMO_DISCOUNT and n.figures.get("split") for n in result.notes)
    for index, pay in enumerate(schedule, start=1):
        what = payment_for(result, pay)
        amount = money_display(pay.amount)
        lines = [
            f"Payment {index} of {len(schedule)}: {amount} for {what}, part of {course} with {name} "
            f"(total {total}).",
            *_purchase_detail(result, pay.purchase),
        ]
        if pay.assumed:
            lines.append("Payment terms not published: shown as one payment at purchase.")
        promo = split and pay.purchase == 0  # the first purchase's payments
        if promo:
            lines.append(
                "The promo discount is taken off the earliest installments: an assumption, as no source "
                "says how a code is split across installments."
            )
        lines += _rule_lines(rules, pay.due)
        lines.append(NOTICE)
        event = Event()
        event.add("uid", _uid(result, "payment", index))
        event.add("dtstamp", stamp)
        _all_day(event, pay.due)
        # calendars show the summary, not the description: a payment whose terms are not
        # published says so there, never as a firm payment on that date
        unknown = " (date not published)" if pay.assumed else (" (promo split assumed)" if promo else "")
        event.add("summary", f"Pay {amount}{unknown}: {name}, {what}")
        event.add("description", "\n".join(lines))
        event.add("categories", ["ketacalc", "payment"])
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    if with_sessions:
        count = result.sessions_requested
        daily = result.modality == "daily-low-dose"  # a dose a day, not sessions at the pace
        unit = "Dose" if daily else "Session"
        planned = "one dose a day" if daily else f"{counted(result.query.pace, 'session')} a week"
        for k, day in enumerate(result.session_days()):
            event = Event()
            event.add("uid", _uid(result, "session", k + 1))
            event.add("dtstamp", stamp)
            _all_day(event, day)
            bound = [e for e in rules if day >= e.affects_from and not e.caution]
            said = f" ({'; '.join(dict.fromkeys(rule_short(e) for e in bound))})" if bound else ""
            event.add("summary", f"{unit} {k + 1} of {count}: {name}{said}")
            event.add(
                "description",
                "\n".join(
                    [
                        f"Planned at {planned} from {result.start.isoformat()}: "
                        "a date to plan with, not an appointment.",
                        *_rule_lines(rules, day),
                        NOTICE,
                    ]
                ),
            )
            event.add("categories", ["ketacalc", "session"])
            event.add("transp", "TRANSPARENT")
            cal.add_component(event)
    return cal.to_ical()


def write_calendar(result: CostResult, out: IO[str], *, with_sessions: bool, made_on: date) -> None:
    """Write the calendar to a text stream (its lines end in CRLF, as RFC 5545 asks)."""
    out.write(calendar_bytes(result, with_sessions=with_sessions, made_on=made_on).decode("utf-8"))
    out.flush()
