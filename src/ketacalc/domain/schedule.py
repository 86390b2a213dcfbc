"""Dates of a course: months that stay on their day, sessions at a pace, 30-day supplies.

Pure core code. A pace is sessions a week; the ``k``-th session (from 0) falls
``ceil(7k / pace)`` days after the first, which is on the start date.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal

_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
SUPPLY_DAYS = 30  # a "30-day supply", and a month of a per-month charge


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later, clamped to the month's end (Jan 31 + 1 -> Feb 28)."""
    if not months:
        return day
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = 29 if month == 2 and calendar.isleap(year) else _DAYS_IN_MONTH[month - 1]
    return date(year, month, min(day.day, last))


def last_day_of_care(start: date, months: int) -> date:
    """The last day of ``months`` months of care from ``start``: the day before the same day
    ``months`` later (care from 9999-12-01 for a month ends on 9999-12-31, the calendar's
    last day); past it, ``ValueError`` (a year past 9999)."""
    if start.day == 1 and (start.year * 12 + start.month - 1 + months) == 10000 * 12:
        return date.max
    return add_months(start, months) - timedelta(days=1)


def _ceil(value: Decimal) -> int:
    whole = int(value)
    return whole if whole == value else whole + 1


_ONE = Decimal(1)


def days_for(sessions: int, pace: Decimal) -> int:
    """Days until ``sessions`` are used up at ``pace`` sessions a week (rounded up)."""
    if pace == _ONE:  # the default pace: a week a session, in whole days
        return sessions * 7
    return _ceil(Decimal(sessions * 7) / pace)


def session_day(k: int, pace: Decimal) -> int:
    """Days from the first session to the ``k``-th (0-based) at ``pace``."""
    return days_for(k, pace)


def course_days(sessions: int, pace: Decimal) -> int:
    """Days from the first session's day to the last one's, both counted."""
    return session_day(sessions - 1, pace) + 1


def sessions_within(days: int, pace: Decimal) -> int:
    """Sessions that fall in the first ``days`` days at ``pace``, the first on day 0."""
    return int(Decimal(days - 1) * pace / 7) + 1


def periods(days: int, length: int = SUPPLY_DAYS) -> int:
    """Whole periods of ``length`` days needed to cover ``days`` days (at least one)."""
    return max(1, -(-days // length))
