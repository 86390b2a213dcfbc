"""What stopping costs: a course's stop ledger, from the provider's published refund ladder.

Pure core code. The stop points are: before the consultation (one row per notice
the policy names), after the consultation where the policy prices that point, then
after each session (each month, for plans billed monthly). At each point:

- ``paid``: the cash due by then on the course's schedule (before the consultation,
  only a first installment charged at checkout);
- ``owed``: what the person owes in all if they stop there: every purchase used up
  at its price, the charges already due (a consultation held), and for the purchase
  in progress what the policy's rung says (``None``, "not published", where no rung
  applies: never guessed); a rung giving two figures gives ``owed_low``/``owed_high``;
- ``refund`` and ``still_charged``: the difference between the two, either way.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from ketacalc.data.catalog import RefundPolicy, RefundStep, newest
from ketacalc.domain.notes import Kind, Note
from ketacalc.domain.schedule import last_day_of_care, session_day
from ketacalc.money import ZERO

if TYPE_CHECKING:
    from ketacalc.domain.course import CostResult, Payment, Purchase

NOT_PUBLISHED_RULE = Note(Kind.REFUND_UNPUBLISHED)


class StopPoint(NamedTuple):
    point: str  # before-consult | after-consult | after-session | after-month
    number: int | None  # the session (or month) just completed
    day: date  # the day of that session (the start date before the first one)
    notice: Note | None  # before the consultation: the notice given
    paid: Decimal | None
    owed: Decimal | None
    owed_low: Decimal | None
    owed_high: Decimal | None
    refund: Decimal | None
    still_charged: Decimal | None
    rule: Note  # the policy's words, or that none are published
    source: str | None
    as_of: date | None

    @property
    def refund_range(self) -> tuple[Decimal, Decimal] | None:
        """With owed published as two figures ("$450 or $615"), the refund each gives, in the
        same order (owing $450 refunds the more); None otherwise (``refund`` holds one)."""
        pair = self._against_paid()
        return None if pair is None else (max(-pair[0], ZERO), max(-pair[1], ZERO))

    @property
    def still_range(self) -> tuple[Decimal, Decimal] | None:
        """As ``refund_range``, what each figure still charges beyond what was paid."""
        pair = self._against_paid()
        return None if pair is None else (max(pair[0], ZERO), max(pair[1], ZERO))

    def _against_paid(self) -> tuple[Decimal, Decimal] | None:
        """Each owed figure less what was paid, in the figures' order."""
        if self.paid is None or self.owed_low is None or self.owed_high is None:
            return None
        return self.owed_low - self.paid, self.owed_high - self.paid


class _Cumulative:
    """What payments (in date order) add up to by a day, in O(log n) a question:
    ``None`` once a payment whose terms are unknown falls on or before it."""

    def __init__(self, payments: Sequence[Payment]) -> None:
        self.days = [p.due for p in payments]
        self.totals: list[Decimal] = []
        self.unknown: list[bool] = []
        running, flagged = ZERO, False
        for p in payments:
            running += p.amount
            flagged = flagged or p.assumed
            self.totals.append(running)
            self.unknown.append(flagged)

    def by(self, day: date) -> Decimal | None:
        i = bisect_right(self.days, day)
        if i == 0:
            return ZERO
        return None if self.unknown[i - 1] else self.totals[i - 1]


def policy_for(result: CostResult, purchase: Purchase, next_only: bool = False) -> RefundPolicy | None:
    """The newest published refund ladder on the as-of date that covers the purchase: its
    plan, and how it is paid (a self-pay ladder never speaks for a purchase billed to an
    insurer); with ``next_only``, the newest rule on cancelling the next appointment or refill."""
    policies = [
        p
        for p in result.provider.refund_policy
        if (not p.plans or purchase.plan.id in p.plans)
        and not (p.self_pay_only and purchase.insured)
        and any((s.stage == "before-next") == next_only for s in p.steps)
    ]
    return newest(policies, result.as_of)


def _share(step: RefundStep, price: Decimal) -> Decimal:
    return (price * step.owed_share).quantize(Decimal("0.01"))  # type: ignore[operator]


def _owed(step: RefundStep, purchase: Purchase) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """What one rung says the purchase costs in all: (owed, low, high)."""
    if step.refund == "full":
        return ZERO, None, None
    if step.refund == "none":
        return purchase.charged, None, None
    if step.owed is not None:
        return step.owed, None, None
    if step.owed_share is not None:
        return _share(step, purchase.price), None, None
    return None, step.owed_low, step.owed_high


def _row(
    point: str,
    number: int | None,
    day: date,
    notice: Note | None,
    paid: Decimal | None,
    owed: tuple[Decimal | None, Decimal | None, Decimal | None],
    rule: Note,
    policy: RefundPolicy | None,
) -> StopPoint:
    total, low, high = owed
    refund = still = None
    if paid is not None and total is not None:
        refund, still = max(paid - total, ZERO), max(total - paid, ZERO)
    source, as_of = (policy.source, policy.as_of) if policy is not None else (None, None)
    return StopPoint(point, number, day, notice, paid, total, low, high, refund, still, rule, source, as_of)


def _said(step: RefundStep, purchase: Purchase | None = None) -> Note:
    """A rung of a refund policy: its own words; a share of the price, with what it is a share
    of here (the quote's own example may be another program's price: "50% of the full-price
    $1,254 program" beside an 18-session course's $1,485)."""
    if step.owed_share is None or purchase is None:
        return Note(Kind.REFUND_RULE, text=step.quote)
    return Note(
        Kind.REFUND_RULE,
        text=step.quote,
        share=step.owed_share,
        plan=purchase.plan.name,
        price=purchase.price,
    )


def _add(
    base: Decimal, part: tuple[Decimal | None, Decimal | None, Decimal | None]
) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    total, low, high = part
    if total is not None:
        return base + total, None, None
    if low is not None and high is not None:
        return None, base + low, base + high
    return None, None, None


def ledger(result: CostResult) -> tuple[StopPoint, ...]:
    """Every stop point of the course, in order (``()`` when it has no price)."""
    if result.total is None or not result.runs:
        return ()
    purchases = result.purchases
    schedule = result.schedule
    start = result.start
    first = purchases[0]
    policy = policy_for(result, first)
    rows: list[StopPoint] = []

    paid_by = _Cumulative(schedule).by

    # before the consultation: a first installment charged at checkout is all that is paid.
    # A program's own refund policy that refunds in full before the consultation says so too:
    # it was bought first (Innerwell's Extended: "a full refund if you cancel before your
    # initial evaluation"; after it, "charged a total of $350" of what was paid)
    consult = newest(result.provider.consult, result.as_of)
    bought_first = (
        policy is not None
        and bool(policy.plans)
        and any(s.stage == "before-consult" and s.refund == "full" for s in policy.steps)
    )
    at_checkout = consult is not None and consult.value.prepayment == "first-installment"
    prepaid = (at_checkout or bought_first) and not result.query.returning
    if first.start == start and any(p.assumed for p in schedule if p.purchase == 0 and p.due == start):
        paid_before: Decimal | None = None if prepaid else ZERO
    else:
        paid_before = (
            sum((p.amount for p in schedule if p.purchase == 0 and p.due == start), ZERO) if prepaid else ZERO
        )
    steps = [s for s in (policy.steps if policy else ()) if s.stage == "before-consult"]
    if result.query.returning:
        steps = []
    for step in steps:
        hours = step.notice_hours
        notice = None if hours is None else Note(Kind.NOTICE, hours=hours, late=bool(step.late))
        rows.append(
            _row(
                "before-consult",
                None,
                start,
                notice,
                paid_before,
                _owed(step, first),
                _said(step, first),
                policy,
            )
        )
    if not steps and not result.query.returning:
        rows.append(
            _row(
                "before-consult", None, start, None, paid_before, (None, None, None), NOT_PUBLISHED_RULE, None
            )
        )
    # a refund with enough notice, and no rung for less (Innerwell's Extended: a full refund
    # "and provide at least 48 hours' notice"): with less, what is owed is not published, said
    # so, never left to read as if the refund held whatever the notice
    noticed = [s for s in steps if s.notice_hours is not None]
    if noticed and not any(s.late for s in noticed):
        hours = noticed[0].notice_hours
        rows.append(
            _row(
                "before-consult",
                None,
                start,
                Note(Kind.NOTICE, hours=hours, late=True),
                paid_before,
                (None, None, None),
                NOT_PUBLISHED_RULE,
                policy,
            )
        )
    for step in (s for s in (policy.steps if policy else ()) if s.stage == "after-consult"):
        if not result.query.returning:
            rows.append(
                _row(
                    "after-consult",
                    None,
                    start,
                    None,
                    paid_before,
                    _owed(step, first),
                    _said(step, first),
                    policy,
                )
            )
    charges = [p for p in schedule if p.purchase == -1]
    fees_by = _Cumulative([p._replace(assumed=False) for p in charges]).by
    monthly = first.plan.billing == "monthly"
    if monthly:
        rows += _monthly(result, purchases, fees_by, paid_by)
        return tuple(rows)
    pace = result.query.pace
    bounds: list[tuple[int, int, Purchase]] = []  # (first session, end, purchase)
    done = 0
    for p in purchases:
        bounds.append((done, done + p.plan.sessions, p))
        done += p.plan.sessions
    index = 0
    used = ZERO
    for k in range(1, result.sessions_requested + 1):
        day = start + timedelta(days=session_day(k - 1, pace))
        while bounds[index][1] < k:
            used += bounds[index][2].charged
            index += 1
        begin, end, current = bounds[index]
        fees = fees_by(day) or ZERO
        base = used + fees
        if end == k:
            owed = _add(base, (current.charged, None, None))
            row_policy = policy_for(result, current, next_only=True)
            nexts = tuple(
                s.quote for s in (row_policy.steps if row_policy else ()) if s.stage == "before-next"
            )
            rule = Note(Kind.USED_UP, monthly=False, next_rules=nexts)
            if not nexts:
                row_policy = None
        else:
            row_policy = policy_for(result, current)
            rung = _rung(row_policy, k - begin)
            if rung is None:
                owed, rule = (None, None, None), NOT_PUBLISHED_RULE
            else:
                owed, rule = _add(base, _owed(rung, current)), _said(rung, current)
        rows.append(_row("after-session", k, day, None, paid_by(day), owed, rule, row_policy))
    return tuple(rows)


def _rung(policy: RefundPolicy | None, used: int) -> RefundStep | None:
    """The policy's rung for a purchase with ``used`` of its sessions done."""
    if policy is None:
        return None
    rungs = [
        s
        for s in policy.steps
        if s.stage == "after-session"
        and (s.after_sessions or 0) <= used
        and (s.through_sessions is None or used <= s.through_sessions)
    ]
    return max(rungs, key=lambda s: s.after_sessions or 0, default=None)


def _monthly(result: CostResult, purchases, fees_by, paid_by) -> list[StopPoint]:  # type: ignore[no-untyped-def]
    """Plans billed monthly: a stop point at the end of each month of the course."""
    rows = []
    month = 0
    used = ZERO
    for p in purchases:
        length = p.observation.installments.count if p.observation.installments else 1
        for m in range(1, length + 1):
            month += 1
            day = last_day_of_care(result.start, month)
            fees = fees_by(day) or ZERO
            policy = policy_for(result, p, next_only=m == length)
            if m == length:
                owed = (used + p.charged + fees, None, None)
                nexts = tuple(s.quote for s in (policy.steps if policy else ()) if s.stage == "before-next")
                rule = Note(Kind.USED_UP, monthly=True, next_rules=nexts)
                if not nexts:
                    policy = None
            else:
                rung = _rung(policy, m)
                owed = (None, None, None) if rung is None else _add(used + fees, _owed(rung, p))
                rule = NOT_PUBLISHED_RULE if rung is None else _said(rung)
            rows.append(_row("after-month", month, day, None, paid_by(day), owed, rule, policy))
        used += p.charged
    return rows
