"""The charges of a course besides its plans: consultations, medication, fees, memberships.

Pure core code. Each charge of a provider is a history of observations under one
``id``; the one used is the newest on or before the as-of date, leaving out a
promo already past its ``ends``, for the person's kind of client.

- A required charge with an ``amount`` is counted in the total, as many times as
  its ``per`` says over the course (``course`` once, ``session`` per session,
  ``month`` and ``30-days`` per 30 days or part of them from the first session's
  day to the last, both counted).
- A required charge known only as a range (``low``–``high``) is an estimate: it
  goes into ``total_low`` and ``total_high``, never into ``total``.
- A required charge without a figure, or charged per event or per hour (which a
  course cannot count), is listed as unpriced, never dropped.
- An optional or event-only charge (``required: false``) is listed, in no total.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from ketacalc.data.catalog import Charge, Provider, newest
from ketacalc.domain.notes import Kind, Note
from ketacalc.domain.schedule import add_months, periods, session_day

COUNTED = frozenset({"course", "session", "month", "30-days"})


class Span(NamedTuple):
    """What a course's charges are counted over."""

    sessions: int  # sessions (or doses) asked for
    days: int  # from the first session's day to the last one's, both counted
    months: int | None = None  # a course priced by months: that many months


class ChargeLine(NamedTuple):
    """One line of what a course costs: a run of identical plan purchases or a charge.

    ``amount`` is what the line adds to ``total`` (``count`` × ``each``); a ranged
    charge has ``low`` and ``high`` instead (``count`` × ``each_low``/``each_high``).
    """

    kind: str  # plan | consult | medication | fee | membership
    id: str  # the plan's or the charge's id
    description: str
    per: str  # plan lines: "purchase"
    count: int
    source: str
    as_of: date | None
    each: Decimal | None = None
    each_low: Decimal | None = None
    each_high: Decimal | None = None
    note: str | None = None
    price_kind: str = "regular"
    ends: date | None = None
    regular: Decimal | None = None  # a promo's regular price, as the source shows it

    @property
    def amount(self) -> Decimal | None:
        return None if self.each is None else self.each * self.count

    @property
    def low(self) -> Decimal | None:
        return None if self.each_low is None else self.each_low * self.count

    @property
    def high(self) -> Decimal | None:
        return None if self.each_high is None else self.each_high * self.count

    @property
    def estimated(self) -> bool:
        return self.each_low is not None


#: where ``count`` sits in a ChargeLine: hot paths make a line with another count by
#: position (``_make``), a third of what ``_replace(count=...)`` costs
COUNT_AT = ChargeLine._fields.index("count")


def in_force(charges: tuple[Charge, ...], as_of: date, client: str) -> list[Charge]:
    """The newest observation of each charge on ``as_of`` for ``client``, in file order;
    a promo past its ``ends`` does not count (the charge's older figure does)."""
    found = []
    for cid in dict.fromkeys(c.id for c in charges):
        usable = [
            c
            for c in charges
            if c.id == cid
            and c.client in (client, "any")
            and not (c.price_kind == "promo" and c.ends is not None and c.ends < as_of)
        ]
        latest = newest(usable, as_of)
        if latest is not None:
            found.append(latest)
    return found


class Charges(NamedTuple):
    """A provider's charges for one client on one date, split as a course uses them."""

    counted: tuple[Charge, ...]  # required, priced and countable over a course
    unpriced: tuple[Charge, ...]  # required, but without a figure or not countable
    optional: tuple[Charge, ...]  # required: false

    @classmethod
    def of(cls, provider: Provider, as_of: date, client: str) -> Charges:
        counted, unpriced, optional = [], [], []
        for charge in in_force(provider.charges, as_of, client):
            if not charge.required:
                optional.append(charge)
            elif charge.priced and charge.per in COUNTED:
                counted.append(charge)
            else:
                unpriced.append(charge)
        return cls(tuple(counted), tuple(unpriced), tuple(optional))


def counted_lines(ones: tuple[ChargeLine, ...], span: Span) -> tuple[ChargeLine, ...]:
    """The lines of a course's counted charges, from their lines of one each
    (``charge_line(c)`` for ``c`` in ``Charges.counted``, made once): only the counts change."""
    make, at = ChargeLine._make, COUNT_AT
    return tuple(make((*line[:at], _count(line.per, span), *line[at + 1 :])) for line in ones)


def _count(per: str, span: Span) -> int:
    if per == "course":
        return 1
    if per == "session":
        return span.sessions
    if per == "month" and span.months is not None:
        return span.months
    return periods(span.days)  # 30-days, or a month of a course priced by sessions


def charge_line(charge: Charge, count: int = 1) -> ChargeLine:
    """A charge as a line of a result: ``count`` of it at its observed figure (one, in
    the lists of unpriced and optional charges)."""
    return ChargeLine(
        kind=charge.kind,
        id=charge.id,
        description=charge.description,
        per=charge.per,
        count=count,
        source=charge.source,
        as_of=charge.as_of,
        each=charge.amount,
        each_low=charge.low,
        each_high=charge.high,
        note=charge.note,
        price_kind=charge.price_kind,
        ends=charge.ends,
        regular=charge.regular,
    )


def dues(line: ChargeLine, start: date, pace: Decimal) -> Iterator[date]:
    """When each of a fixed charge's ``count`` payments is due, in order."""
    for k in range(line.count):
        yield due(line, start, pace, k)


def due(line: ChargeLine, start: date, pace: Decimal, k: int) -> date:
    """The ``k``-th (0-based) payment of a fixed charge: a course charge on the start
    date, a session charge on each session's day, the others every month or 30 days."""
    if line.per == "session":
        return start + timedelta(days=session_day(k, pace))
    if line.per == "month":
        return add_months(start, k)
    if line.per == "30-days":
        return start + timedelta(days=30 * k)
    return start


def sitter_line(provider: Provider, as_of: date, sessions: int) -> tuple[ChargeLine, Note] | None:
    """A hired sitter for ``sessions`` sessions, as an estimate from the provider's
    published hourly range and hours (the first session, then each later one), and
    the note that explains it; ``None`` where no source prices one."""
    cost = newest(provider.hired_sitter, as_of)
    if cost is None or sessions < 1:
        return None
    hours = cost.first_session_hours + cost.later_session_hours * (sessions - 1)
    line = ChargeLine(
        kind="sitter",
        id="hired-sitter",
        description=f"A hired sitter, about {hours.normalize():f} hour{'' if hours == 1 else 's'} "
        f"({cost.first_session_hours.normalize():f} for the first session, "
        f"{cost.later_session_hours.normalize():f} for each later one)",
        per="course",
        count=1,
        source=cost.source,
        as_of=cost.as_of,
        each_low=cost.low * hours,
        each_high=cost.high * hours,
        note=cost.note,
    )
    note = Note(
        Kind.HIRED_SITTER,
        source=cost.source,
        as_of=cost.as_of,
        low=cost.low,
        high=cost.high,
        hours=hours,
        estimate_low=line.low,
        estimate_high=line.high,
    )
    return line, note
