"""``cost``: the cheapest course of N sessions (or M months), one in detail or a row each.

One N (or M) gives the full record: every charge, purchase and dated payment.
A list or a range gives one summary record per value (the CSV row's fields, as
objects), so a long range streams in constant memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from ketacalc.domain.notes import Kind
from ketacalc.domain.regulation import NEAR_END_DAYS
from ketacalc.money import NOT_PUBLISHED, ZERO, money_display, money_str
from ketacalc.output.notes import (
    NO_STATE_CHECKED,
    availability_label,
    counted,
    first_months,
    per_text,
    ranges,
    rule_summary,
    sentence,
    sentences,
    serving_phrase,
)
from ketacalc.output.tableview import Column, TableView
from ketacalc.output.views.common import (
    CURRENCY,
    DISCLAIMER,
    UNKNOWN_NOTE,
    Report,
    availability_record,
    cents,
    charge_need,
    condition_line,
    count_text,
    either,
    iso,
    money,
    payment_for,
    price_age,
    regulation_records,
    rule_lines,
    show_date,
    source_record,
    state_rule_lines,
)
from ketacalc.version import SCHEMA_VERSION

if TYPE_CHECKING:
    from ketacalc.data.catalog import Catalog
    from ketacalc.domain.charges import ChargeLine
    from ketacalc.domain.notes import Note
    from ketacalc.domain.pricing import CostResult
    from ketacalc.domain.regulation import LeftoverPastEnd, NearEnd
    from ketacalc.domain.stopping import StopPoint

#: the columns of ``cost --format csv`` (and of a list or range in JSON) and of a ``batch`` result
SUMMARY_FIELDS = (
    "provider", "client", "modality", "route", "months", "sessions_requested", "sessions_covered",
    "leftover_sessions", "total", "total_low", "total_high", "per_session", "per_covered_session",
    "due_at_signup", "prices_as_of", "oldest_price", "stale", "pricing", "purchases", "unpriced", "optional",
    "payments", "first_due", "last_due", "availability", "regulation", "near_end", "leftover_past_end", "notes",
    "other_condition", "committed", "paid_in_window", "terms_unknown",
)  # fmt: skip
STALE_MARK = "!"
#: marks a price that rests on a plan for some people only (Better U's Introduction), and the
#: figure for the others ("‡", as "†" marks a rating in compare --wide)
CONDITION_MARK = "‡"


def head(result: CostResult) -> dict[str, Any]:
    """The fields every cost record starts with, full or summary."""
    return {
        "schema_version": SCHEMA_VERSION,
        "provider": result.provider.id,
        "client": result.client,
        "currency": CURRENCY,
        "modality": result.modality,
        "route": result.route,
        "months": result.months,
        "sessions_requested": sessions_requested(result),
        "sessions_covered": result.sessions_covered,
        "leftover_sessions": result.leftover_sessions,
        "total": money_str(result.total),
        "total_low": money_str(result.total_low),
        "total_high": money_str(result.total_high),
        "per_session": money_str(result.per_session),
        "per_covered_session": money_str(result.per_covered_session),
        "due_at_signup": money_str(result.due_at_signup),
        "prices_as_of": iso(result.prices_as_of),
        "oldest_price": iso(result.oldest_price),
        "stale": result.stale,
    }


def sessions_requested(result: CostResult) -> int | None:
    """The sessions of the course: asked for, or those in the months asked for; None for the
    months of a treatment of another modality (daily low doses are counted in doses, not sessions)."""
    if result.months is not None and result.modality not in ("sessions", None):
        return None
    return result.sessions_requested


def money_fields(result: CostResult) -> dict[str, Any]:
    """What a course commits and pays in its window (``--months``), and whether any
    purchase's payment terms are unknown (then what is due when is not known)."""
    return {
        "committed": money_str(result.committed),
        "paid_in_window": money_str(result.paid_in_window),
        "terms_unknown": result.terms_unknown,
    }


def stop_records(result: CostResult) -> list[dict[str, Any]]:
    """The stop ledger (``if_stopped``): one record per stop point, in order."""
    return [
        {
            "point": p.point,
            "number": p.number,
            "date": p.day.isoformat(),
            "notice": sentence(p.notice) if p.notice else None,
            "paid": money_str(p.paid),
            "refund": money_str(p.refund),
            "still_charged": money_str(p.still_charged),
            "owed": money_str(p.owed),
            "owed_low": money_str(p.owed_low),
            "owed_high": money_str(p.owed_high),
            # a rung of two figures: the refund and the charge each gives, as the table shows them
            "refund_at_owed_low": money_str(p.refund_range[0]) if p.refund_range else None,
            "refund_at_owed_high": money_str(p.refund_range[1]) if p.refund_range else None,
            "still_charged_at_owed_low": money_str(p.still_range[0]) if p.still_range else None,
            "still_charged_at_owed_high": money_str(p.still_range[1]) if p.still_range else None,
            "rule": sentence(p.rule),
            "source": p.source,
            "as_of": iso(p.as_of),
        }
        for p in result.if_stopped
    ]


def describe(point: StopPoint) -> str:
    """``after session 3``, ``before the consultation (24 h notice or more)``."""
    if point.point == "before-consult":
        return "before the consultation" + (f" ({sentence(point.notice)})" if point.notice else "")
    if point.point == "after-consult":
        return "after the consultation, before the first session"
    if point.point == "after-month":
        return f"after month {point.number}"
    return f"after session {point.number}"


def _policy_notes(result: CostResult) -> list[str]:
    """What the data file says of each refund policy the ledger's rows quote (a copy cut off
    before its last rung, an older version that refunded nothing), with its source: of the
    policies for the plans the course buys (one source may hold a policy per set of plans)."""
    cited = {p.source for p in result.if_stopped if p.source}
    bought = {r.offer.plan.id for r in result.runs}
    return [
        f"{policy.note.rstrip('.')} ({policy.source}, {show_date(policy.as_of)})"
        for policy in result.provider.refund_policy
        if policy.note and policy.source in cited and (not policy.plans or bought & set(policy.plans))
    ]


def _paid_after(r: CostResult) -> str:
    """Installments that run on after the last session of a course of sessions, said so: a
    person reads "9 payments to 2027-08-03" beside a course that ends on 2027-04-01."""
    from datetime import timedelta

    from ketacalc.domain.schedule import session_day

    if r.months is not None or r.modality != "sessions" or not r.sessions_requested or r.last_due is None:
        return ""
    try:
        last = r.start + timedelta(days=session_day(r.sessions_requested - 1, r.query.pace))
    except OverflowError:  # past the calendar's end: no later payment to speak of
        return ""
    return f", running past the last session ({last})" if r.last_due > last else ""


def owed_text(point: StopPoint) -> str:
    if point.owed is not None:
        return money_display(point.owed)
    if point.owed_low is not None and point.owed_high is not None:
        return either(point.owed_low, point.owed_high)
    return "—"


def charge_record(line: ChargeLine) -> dict[str, Any]:
    """One line of ``charges`` (or of ``unpriced``/``optional``): ``amount``, or
    ``low`` and ``high`` for an estimate, is what the line adds to the totals."""
    return {
        "kind": line.kind,
        "id": line.id,
        "description": line.description,
        "per": line.per,
        "count": line.count,
        "each": money_str(line.each),
        "amount": money_str(line.amount),
        "each_low": money_str(line.each_low),
        "each_high": money_str(line.each_high),
        "low": money_str(line.low),
        "high": money_str(line.high),
        "price_kind": line.price_kind,
        "regular": money_str(line.regular),
        "source": line.source,
        "as_of": iso(line.as_of),
        "ends": iso(line.ends),  # a promo price's last day
        "note": line.note,
    }


def full_record(catalog: Catalog, result: CostResult) -> dict[str, Any]:
    """Everything about one course: every charge, purchase and dated payment."""
    record = {
        **head(result),
        "provider_name": result.provider.name,
        "as_of": iso(result.as_of),
        "start": iso(result.start),
        "pricing": result.pricing,
        "pay_in_full": result.query.pay_in_full,
        "pace_per_week": f"{result.query.pace.normalize():f}",
        "max_age_days": result.query.max_age,
        "charges": [charge_record(line) for line in result.charges],
        "unpriced": [charge_record(line) for line in result.unpriced],
        "optional": [charge_record(line) for line in result.optional],
        "purchases": _purchase_records(result),
        "schedule": [
            {
                "due": p.due.isoformat(),
                "amount": money_str(p.amount),
                "plan": p.plan,
                "kind": p.kind,
                "assumed": p.assumed,
            }
            for p in result.schedule
        ],
        "payments": result.payments,
        "first_due": iso(result.first_due),
        "last_due": iso(result.last_due),
        **money_fields(result),
        "sessions_in_window": result.sessions_in_window,
        "cash_by_month": by_month_records(result),
        "if_stopped": stop_records(result),
        # what the data file says of the refund policies quoted (Innerwell's $650/$815 rung,
        # whose session is not published; a copy cut off), as under the table
        "if_stopped_notes": _policy_notes(result),
        # a course ending fewer than 14 days before the flexibilities' recorded end: it may run past
        "near_end": near_end_record(result.near_end),
        # the sessions bought beyond those asked for that fall after the flexibilities' end
        "leftover_past_end": leftover_record(result.leftover_past_end),
        "price_notes": sentences(result.price_notes),
        "notes": sentences(result.notes),
        "other_condition": other_condition_record(result.notes),
        "sources": [source_record(catalog, sid) for sid in result.sources],
        "state": result.query.state,
    }
    record.update(availability_record(result.availability, result.regulation))
    return record


def _purchase_records(result: CostResult) -> list[dict[str, Any]]:
    """One record per purchase; the fields of a run are built once."""
    records = []
    index = 0
    for run in result.runs:
        offer = run.offer
        fields = {
            "plan": offer.plan.id,
            "plan_name": offer.plan.name,
            "sessions": offer.plan.sessions,
            "client": run.client,
            "price": money_str(offer.obs.price),
            "charged": money_str(run.charged),
            "insurance": offer.insured,
            "route": offer.plan.route,
            "price_kind": offer.obs.kind,
            "as_of": iso(offer.obs.as_of),
            "source": offer.obs.source,
            "note": offer.obs.note,
        }
        for purchase in result.purchases[index : index + run.count]:
            records.append({**fields, "starts": purchase.start.isoformat(), "stale": purchase.stale})
        index += run.count
    return records


def summary_record(result: CostResult) -> dict[str, Any]:
    """A cost without its payment-by-payment detail: the row of ``cost --format csv``,
    a record of a list or range, and the default record of ``batch``. Runs of the
    same purchase are counted; nothing here grows with the number of sessions."""
    return {
        **head(result),
        "pricing": result.pricing,
        "purchases": [
            {"plan": line.id, "count": line.count, "charged": money_str(line.each)}
            for line in result.charges
            if line.kind == "plan"
        ],
        "unpriced": [line.description for line in result.unpriced],
        # paid only when they apply (a late cancellation's fee), in no total: as the full record has them
        "optional": [charge_record(line) for line in result.optional],
        "payments": result.payments,
        **dated_fields(result),
        "notes": sentences((*result.notes, *qualifying(result.price_notes))),
        "other_condition": other_condition_record(result.notes),
        **money_fields(result),
    }


#: the notes on prices that say a figure in the total is not a plain price: a promo (Isha's
#: $398 consultation, regular $796) or a 'from' figure. A summary (a row of a range, CSV,
#: batch) carries these among its notes: it has no table of the prices used
_QUALIFYING = frozenset({Kind.PROMO_PRICE, Kind.PROMO_CHARGE, Kind.STARTING_PRICE})


def qualifying(price_notes: Iterable[Note]) -> tuple[Note, ...]:
    """The notes of :data:`_QUALIFYING` kinds among a result's notes on prices, and a 'from'
    quote above the price used (that price may be out of date)."""
    return tuple(
        n
        for n in price_notes
        if n.kind in _QUALIFYING or (n.kind == Kind.QUOTED_FROM and n.quoted > n.charged)
    )


def other_condition_record(notes: Any) -> dict[str, Any] | None:
    """The same course without the plans for some people only it rests on (Better U's
    Introduction): ``{without, plan, name, condition, total}``, or None when it rests on none."""
    note = next((n for n in notes if n.kind == Kind.OTHER_CONDITION), None)
    if note is None:
        return None
    return {
        "without": list(note.plan_ids),
        "plan": note.other_plan_id,
        "name": note.other_plan,
        "condition": note.condition,
        "total": money_str(note.total),
    }


#: the fields of a summary that depend on when the course starts (and where): all the
#: others are the same for the same course begun another day
DATED_FIELDS = ("first_due", "last_due", "availability", "regulation", "near_end", "leftover_past_end")


def dated_fields(result: CostResult) -> dict[str, Any]:
    """The summary's :data:`DATED_FIELDS`: the first and last payment dates, the availability
    with the rules on the course's dates, and what the federal flexibilities' end means for it."""
    return {
        "first_due": iso(result.first_due),
        "last_due": iso(result.last_due),
        "availability": result.availability.status if result.availability is not None else None,
        "regulation": regulation_records(result.regulation),
        "near_end": near_end_record(result.near_end),
        "leftover_past_end": leftover_record(result.leftover_past_end),
    }


def by_month_records(result: CostResult) -> list[dict[str, Any]]:
    return [
        {"month": month, "due": money_str(amount), "terms_unknown": unknown}
        for month, amount, unknown in result.cash_by_month()
    ]


def other_condition_cell(record: dict[str, Any] | None) -> str | None:
    """``transformation 792.00``, or ``without intro 650.00``: one CSV cell."""
    if record is None:
        return None
    return f"{record['plan'] or 'without ' + ' and '.join(record['without'])} {record['total'] or ''}".strip()


def optional_cell(record: dict[str, Any]) -> str:
    """``Late cancellation (fee, when it applies): 140.00``: a charge paid only when it applies, as a
    CSV cell (``120.00–300.00`` for an estimate; ``no figure`` when none is published)."""
    if record["each"] is not None:
        figure = record["each"]
    elif record["each_low"] is not None:
        figure = f"{record['each_low']}–{record['each_high']}"
    else:
        figure = "no figure"
    per = record["per"]
    per = ", when it applies" if per == "event" else (f", per {per_text(per)}" if per else "")
    return f"{record['description'] or record['kind']} ({record['kind']}{per}): {figure}"


def summary_row(summary: dict[str, Any]) -> dict[str, Any]:
    """A summary with its purchases as text: ``transformation (792.00); continuation x3 (79.00)``."""
    return {
        **summary,
        "regulation": [r["summary"] for r in summary["regulation"]],
        "near_end": near_end_cell(summary["near_end"]),
        "leftover_past_end": leftover_cell(summary["leftover_past_end"]),
        "other_condition": other_condition_cell(summary["other_condition"]),
        "optional": [optional_cell(c) for c in summary["optional"]],
        "purchases": [
            f"{p['plan']}{' x' + str(p['count']) if p['count'] > 1 else ''} ({p['charged']})"
            for p in summary["purchases"]
        ],
    }


# --------------------------------------------------------------- tables


def unit_word(result: CostResult) -> str:
    """``dose`` (a daily-low-dose plan) or ``session``: what the course counts."""
    return "dose" if result.modality == "daily-low-dose" else "session"


def unit(result: CostResult, count: int | None = None) -> str:
    """``6 sessions``, ``30 doses`` (a daily-low-dose plan), ``1 session``."""
    n = result.sessions_requested if count is None else count
    return counted(n, unit_word(result))


def course_text(result: CostResult) -> str:
    """``18 sessions``, ``the first 3 months (13 sessions)``: the course asked for."""
    if result.months is None:
        return unit(result)
    return f"the {first_months(result.months)} ({unit(result)})"


def per_session_text(result: CostResult) -> str:
    """``$116.67 per session asked for, $87.50 per session covered``: the total ÷ the sessions
    asked for, and ÷ the sessions the purchases cover where a package covers more."""
    word = unit_word(result)
    per = f"{money(cents(result.per_session))} per {word} asked for"
    if result.sessions_covered and result.sessions_covered != result.sessions_requested:
        per += f", {money(cents(result.per_covered_session))} per {word} covered"
    return per


def estimates(result: CostResult) -> list[tuple[str, str]]:
    """What is estimated beside the total: ``[("medication", "$100.00–$300.00")]``."""
    return [(line.kind, f"{money(line.low)}–{money(line.high)}") for line in result.charges if line.estimated]


def total_text(result: CostResult) -> str:
    """``$2,786.00 + medication est. $100.00–$300.00``: the total, and what is estimated."""
    if result.total is None:
        return NOT_PUBLISHED
    return money(result.total) + "".join(f" + {kind} est. {span}" for kind, span in estimates(result))


def _dated(day: date | None, stale: bool) -> str:
    return show_date(day) + (f" {STALE_MARK}" if stale else "")


def _price_span(results: list[CostResult]) -> str | None:
    """``2025-06-13 to 2026-05-05``: the dates of the oldest and newest price used (None: no dated price)."""
    oldest = min((r.oldest_price for r in results if r.oldest_price), default=None)
    newest = max((r.prices_as_of for r in results if r.prices_as_of), default=None)
    if oldest is None or newest is None:
        return None
    return str(newest) if oldest == newest else f"{oldest} to {newest}"


def _caption(
    results: list[CostResult], extra: str = "", free_marked: bool = False, marks: bool = True
) -> str:
    """The real dates of the prices used (oldest to newest), and the stale mark explained.
    ``free_marked``: a $0 line (a free consultation) is marked; it prices nothing, so it never
    makes the prices stale (nor the JSON ``stale``), and the legend says what its mark means.
    Without ``marks`` (a table whose rows are dates, not prices) stale prices are said so in
    words: a legend for a mark no row carries read as if one were missing."""
    dated = _price_span(results)
    span = f"Prices dated {dated}" if dated else "No dated price used"
    parts = [span, extra] if extra else [span]
    stale = [r for r in results if r.stale]
    if stale and not marks:
        r = stale[0]
        some = "the oldest " if " to " in span else ""  # a span of dates: not every price is old
        parts[0] += (
            f", {some}older than {r.query.max_age} days on {r.as_of} (set --max-age): check with the provider"
        )
    elif stale:
        r = stale[0]
        parts.append(
            f"{STALE_MARK} = a price older than {r.query.max_age} days on {r.as_of} (set --max-age); "
            "check it with the provider"
        )
    elif free_marked:
        r = results[0]
        parts.append(
            f"{STALE_MARK} = a figure older than {r.query.max_age} days on {r.as_of} (set --max-age): "
            "a $0 charge, which prices nothing, so the prices used are not stale; check with the "
            "provider that it is still free"
        )
    parts += [UNKNOWN_NOTE, DISCLAIMER]
    return ". ".join(p.rstrip(".") for p in parts) + "."


class CostReport(Report):
    """Costs for one or many N, consumed one at a time (a long range streams).
    ``notes`` gathers every result's notes as they are drawn, for stderr."""

    FIELDS = SUMMARY_FIELDS

    def __init__(self, catalog: Catalog, results: Iterable[CostResult], single: bool) -> None:
        self.catalog = catalog
        self.results = results
        self.single = single
        self.notes: dict[Note, None] = {}

    def records(self) -> Iterator[dict[str, Any]]:
        if self.single:
            return (full_record(self.catalog, r) for r in self.results)
        return (summary_record(r) for r in self.results)

    def rows(self) -> Iterator[dict[str, Any]]:
        return (summary_row(summary_record(r)) for r in self.results)

    def table(self) -> TableView:
        """One result in detail, or a row per N (purchases counted by plan)."""
        results: list[CostResult] = []
        rows: list[list[str]] = []
        others: list[str] = []  # what the same course costs those a plan it rests on is not for
        for r in self.results:
            self.notes.update(dict.fromkeys(n for n in r.notes if n.kind != Kind.OTHER_CONDITION))
            self.notes.update(dict.fromkeys(qualifying(r.price_notes)))
            results.append(r)
            other = next((n for n in r.notes if n.kind == Kind.OTHER_CONDITION), None)
            others.append(
                total_text(r)
                if other is None  # a course on plans for anyone: the same for everyone
                else money(other.total) + (f"\n({other.other_plan})" if other.other_plan else "")
            )
            purchases = "\n".join(
                line.description + (f" × {line.count}" if line.count > 1 else "") + f" ({money(line.each)})"
                for line in r.charges
                if line.kind == "plan"
            )
            rows.append(
                [
                    str(r.months) if r.months is not None else str(r.sessions_requested),
                    count_text(r.sessions_covered),
                    total_text(r) + (f" {STALE_MARK}" if r.stale else ""),
                    money(cents(r.per_session)),
                    money(cents(r.per_covered_session)),
                    money(r.due_at_signup),
                    purchases or NOT_PUBLISHED,
                ]
            )
        first = results[0]
        if len(rows) == 1:
            self.notes.update(dict.fromkeys(first.notes))
            return _single(first)
        months = first.months is not None
        view = TableView(
            columns=[
                Column(
                    "Months" if months else ("Doses" if first.modality == "daily-low-dose" else "Sessions"),
                    number=True,
                ),
                Column("Covered", number=True, priority=3),
                Column("Total", number=True),
                Column(f"Per {unit_word(first)}", number=True, priority=1),
                Column("Per covered", number=True, priority=4),
                Column("At sign-up", number=True),
                Column("Purchases", priority=2),
            ],
            rows=rows,
            # the dates of the prices used, not today's (which would make a 2025 price look current)
            title=f"{first.provider.name}: cost for a {first.client} client"
            + (f" (prices dated {dated})" if (dated := _price_span(results)) else ""),
            caption=_caption(results),
        )
        view.headline = range_headline(results)
        if months:  # the first M months: what is committed in them, and the cash paid in them
            view.columns[2] = Column("Committed", number=True)
            view.columns.insert(3, Column("Paid in them", number=True))
            for row, r in zip(rows, results, strict=True):
                row.insert(3, money(r.paid_in_window))
            view.caption = (
                "Committed: what the purchases made in the first months cost, all in (a package counts "
                "whole though its installments run past them); paid in them: the cash due in those "
                "months. " + view.caption
            )
            per_at = 4  # the per-session columns moved one along
        else:
            per_at = 3
        if all(row[per_at] == row[per_at + 1] for row in rows):  # per session covered: only where it differs
            del view.columns[per_at + 1]
            for row in rows:
                del row[per_at + 1]
        if any(n.kind == Kind.OTHER_CONDITION for r in results for n in r.notes):
            view.columns.insert(per_at, Column(f"Others{CONDITION_MARK}", number=True, priority=2))
            for row, cell in zip(rows, others, strict=True):
                row.insert(per_at, cell)
            view.caption = (
                f"{CONDITION_MARK} Others: the same course for those a plan it rests on is not for (the notes say who "
                "each plan is for). " + view.caption
            )
        return view


def charge_amount(line: ChargeLine) -> str:
    """A charge's figure in a table: its amount, or its estimate (``est. $100.00–$300.00``)."""
    return f"est. {money(line.low)}–{money(line.high)}" if line.estimated else money(line.amount)


def charge_count(line: ChargeLine) -> str:
    """`` × 2 (30 days)`` after a charge counted more than once in a course, else nothing."""
    return f" × {line.count} ({per_text(line.per)})" if line.count > 1 else ""


def _single(r: CostResult) -> TableView:
    rows = []
    free_marked = False  # a $0 line older than --max-age: marked, though the prices are not stale
    for line in r.charges:
        if line.kind == "plan":
            runs = [x for x in r.runs if x.offer.plan.id == line.id and x.charged == line.each]
            run = runs[0]
            clients = ", ".join(dict.fromkeys(x.client for x in runs))
            name = line.description + (f" × {line.count}" if line.count > 1 else "")
            name += f"\nroute: {run.offer.plan.route}" if run.offer.plan.route else ""
            name += " (insurance)" if run.offer.insured else ""
            if run.charged != run.offer.charged:  # the promo discount given, off the first purchase
                discount = money(run.offer.charged - run.charged)
                name += f"\n{money(run.offer.charged)} less your {discount} discount"
            stale = r.as_of.toordinal() - line.as_of.toordinal() > r.query.max_age if line.as_of else False
            rows.append(
                [
                    name,
                    clients,
                    str(run.offer.plan.sessions * line.count),
                    money(line.amount),
                    _dated(line.as_of, stale),
                    line.source,
                ]
            )
        else:
            amount, per = charge_amount(line), charge_count(line)
            stale = r.as_of.toordinal() - line.as_of.toordinal() > r.query.max_age if line.as_of else False
            free_marked = free_marked or (stale and line.each == ZERO)
            if line.price_kind == "promo":
                from ketacalc.output.notes import promo_label

                per += f"\n{promo_label(line.regular, line.ends)}"
            rows.append(
                [
                    f"{line.description}{per}\n({line.kind})",
                    r.client,
                    "",
                    amount,
                    _dated(line.as_of, stale),
                    line.source,
                ]
            )
    if not rows:
        rows = [["no published price", "", "", NOT_PUBLISHED, "", ""]]
    summary_line = (
        f"Total {total_text(r)} for {course_text(r)} ({per_session_text(r)}; {r.leftover_sessions or 0} left over); "
        f"due at sign-up {money(r.due_at_signup)}"
    )
    if r.months is not None:
        them = "it" if r.months == 1 else "them"
        summary_line += (
            f". Committed in the {first_months(r.months)} {money(r.committed)}; paid in {them} "
            f"{money(r.paid_in_window)}; {counted(r.sessions_in_window, unit_word(r))} in {them}, "
            f"{r.leftover_sessions or 0} left over; last payment {show_date(r.last_due)}"
            + (" or later (some payment terms not published)" if r.terms_unknown else "")
        )
    view = TableView(
        columns=[
            Column("Charge"),
            Column("Client", priority=3),
            Column(f"{unit_word(r).capitalize()}s", number=True, priority=2),
            Column("Amount", number=True),
            Column("Price as of", number=True, priority=1),
            Column("Source", nowrap=True),
        ],
        rows=rows,
        title=f"{r.provider.name}: {course_text(r)} for a {r.client} client",
        caption=_caption([r], summary_line, free_marked),
        headline=single_headline(r) + near_end_line(r, r.near_end) + leftover_line(r, r.leftover_past_end),
    )
    extras = [list(row) for row in not_in_total(r)]
    if extras:
        view.sections.append(
            (
                "Charges not in the total",
                TableView(
                    columns=[Column("Charge"), Column("Why"), Column("Source", nowrap=True)], rows=extras
                ),
            )
        )
    a = r.availability
    if a is not None:
        rows = [[availability_label(a), f"{a.source} ({show_date(a.as_of)})" if a.source else NOT_PUBLISHED]]
        rows += [[rule_summary(e), f"{e.source} ({e.as_of})"] for e in a.regulation]
        view.sections.append(
            (
                f"Availability in {a.state}"
                + (f" on the course's dates ({a.course.start} to {a.course.end})" if a.course else ""),
                TableView(columns=[Column("Availability"), Column("Source", nowrap=True)], rows=rows),
            )
        )
    elif r.regulation:  # no state asked for: the federal rules bind every state
        course = r.regulation[0].course
        view.sections.append(
            (
                f"Rules in every state on the course's dates ({course.start} to {course.end})",
                TableView(
                    columns=[Column("Rule"), Column("Source", nowrap=True)],
                    rows=[[rule_summary(e), f"{e.source} ({e.as_of})"] for e in r.regulation],
                ),
            )
        )
    if r.price_notes:
        view.sections.append(
            (
                "Notes on the prices used",
                TableView(columns=[Column("Note")], rows=[[n] for n in sentences(r.price_notes)]),
            )
        )
    if r.schedule:
        view.sections.append(
            (
                f"Payment schedule from {r.start}",
                TableView(
                    columns=[Column("Due", number=True), Column("Amount", number=True), Column("For")],
                    rows=[
                        [
                            p.due.isoformat(),
                            money(p.amount),
                            payment_for(r, p)
                            + (" (terms not published: when it is paid is unknown)" if p.assumed else ""),
                        ]
                        for p in r.schedule
                    ],
                ),
            )
        )
    return view


def _dated_rules(r: CostResult) -> list[str]:
    """A table of dates (months, stop points) opens with the rules on the course's dates, as
    the course's own headline says them: a stop point from 2027-01-01 may be one the rule forces."""
    ends = near_end_line(r, r.near_end) + leftover_line(r, r.leftover_past_end)
    return state_rule_lines(r.regulation, r.query.state) + ends


def near_end_record(near: NearEnd | None) -> dict[str, Any] | None:
    """A course's ``near_end`` for JSON: ``{name, ends, days_before, source, as_of}`` or null."""
    return None if near is None else _end_record(near, days_before=near.days_before)


def leftover_record(left: LeftoverPastEnd | None) -> dict[str, Any] | None:
    """A course's ``leftover_past_end`` for JSON: ``{name, ends, count, first, source, as_of}`` or null."""
    return None if left is None else _end_record(left, count=left.count, first=iso(left.first))


def _end_record(found: NearEnd | LeftoverPastEnd, **figures: object) -> dict[str, Any]:
    """The flexibilities' end a note speaks of, with the note's own ``figures``, and its source."""
    return {
        "name": found.name,
        "ends": iso(found.ends),
        **figures,
        "source": found.source,
        "as_of": iso(found.as_of),
    }


def near_end_cell(record: dict[str, Any] | None) -> str | None:
    """``DEA telemedicine flexibilities: end 2026-12-31, 5 days after the course's last day
    (fr-2025-24123, 2025-12-31)``: one CSV cell."""
    if record is None:
        return None
    after = f"{counted(record['days_before'], 'day')} after" if record["days_before"] else "on"
    return (
        f"{record['name']}: end {record['ends']}, {after} the course's last day "
        f"({record['source']}, {record['as_of']})"
    )


def leftover_cell(record: dict[str, Any] | None) -> str | None:
    """``DEA telemedicine flexibilities: end 2026-12-31; 6 sessions left over after it, from
    2027-01-03 (fr-2025-24123, 2025-12-31)``: one CSV cell."""
    if record is None:
        return None
    return (
        f"{record['name']}: end {record['ends']}; {counted(record['count'], 'session')} left over after it, "
        f"from {record['first']} ({record['source']}, {record['as_of']})"
    )


def near_end_line(r: CostResult, near: NearEnd | None, *, page: bool = False) -> list[str]:
    """A course whose last day falls just before the federal flexibilities' recorded end
    (``near``: the result's own, or a compare row's, of its state: its cost is priced without
    one), priced with its first session on its start: said, for a consultation and a shipment
    come first, and a later start runs past the end."""
    if near is None:
        return []
    days = near.days_before  # fewer than NEAR_END_DAYS
    when = (
        f"is the last day of {near.name}"
        if days == 0
        else f"is {counted(days, 'day')} before {near.name} end ({near.ends})"
    )
    return [
        f"The course's last day ({near.last_day}) {when} ({near.source}, {near.as_of}), and its first "
        f"{_first(r)} is dated on its start: if a consultation and a shipment come first, it may run past "
        "them, when an in-person evaluation may be required"
        + ("." if page else " (--start prices a later start).")
    ]


def not_in_total(r: CostResult) -> list[tuple[str, str, str]]:
    """The charges of a course that are in no total, as ``(charge, why, source)``: those with
    no published figure, and those paid only when they apply (a late cancellation's fee)."""
    rows = [
        (f"{line.description} ({line.kind})", "unpriced: not in any total", line.source)
        for line in r.unpriced
    ]
    for line in r.optional:
        if line.estimated:
            figure = f"{money(line.each_low)}–{money(line.each_high)}"
        else:
            figure = money(line.each) if line.each is not None else "no figure"
        rows.append(
            (
                f"{line.description} ({line.kind}, per {per_text(line.per)})",
                f"{charge_need(False, line.per)}: {figure}",
                line.source,
            )
        )
    return rows


#: what the flexibilities' end may mean for sessions bought and not yet used, in the rule's words
#: ("an in-person evaluation may be required before ketamine is prescribed")
LEFTOVER_RULE = "an in-person evaluation may be required before ketamine is prescribed for them"


def leftover_line(r: CostResult, left: LeftoverPastEnd | None) -> list[str]:
    """The sessions a course buys beyond those asked for, paid for now, that fall after the
    federal flexibilities' recorded end (``left``: the result's own, or a compare row's)."""
    if left is None:
        return []
    over = r.leftover_sessions or left.count
    if left.count == over:
        which = "it falls" if over == 1 else "they fall"
    else:
        which = f"{left.count} of them " + ("falls" if left.count == 1 else "fall")
    return [
        f"The course buys {counted(over, 'session')} more than asked for; at the pace, {which} after "
        f"{left.name} end ({left.ends}) ({left.source}, {left.as_of}), from {left.first}: {LEFTOVER_RULE}."
    ]


def _first(r: CostResult) -> str:
    """What a course's first day holds: its first month, dose or session."""
    return "month" if r.months is not None else unit_word(r)


def _length(r: CostResult) -> int:
    """What a range of courses is ordered by: the months, else the sessions (or doses)."""
    return r.months if r.months is not None else r.sessions_requested


def single_headline(r: CostResult) -> list[str]:
    """The answer in words: the total all in, per session, due at sign-up, the
    payments, and how old the prices are."""
    what = course_text(r)
    if r.total is None:
        return [f"{r.provider.name} has no published price for {what}."]
    each = f" ({money(cents(r.per_session))} a {'dose' if r.modality == 'daily-low-dose' else 'session'})"
    spans = "".join(f" + {kind} est. {span}" for kind, span in estimates(r))
    if r.unpriced:  # a charge to pay whose figure no source gives: beside the total, never $0 in it
        spans += f" + {counted(len(r.unpriced), 'charge')} not published (see below)"
    # an insured price never passes for the self-pay one: the answer says whose it is
    insured = {
        "insurance": f" with {r.query.insurer} insurance",
        "mixed": f" partly with {r.query.insurer} insurance",
        # asked with an insurer the provider does not take there: the notes say why
        "self-pay": f" at self-pay prices, not {r.query.insurer} insurance (the notes say why)"
        if r.query.insurer
        else "",
    }
    lines = [
        f"{r.provider.name}, {what} for a {r.client} client{insured.get(r.pricing, '')}: "
        f"{money(r.total)}{each}{spans}; "
        + (
            f"{money(r.due_at_signup)} due at sign-up"
            if r.due_at_signup is not None
            else "due at sign-up not published"
        )
        + (
            (
                # a purchase without published terms is listed as one payment at its start:
                # there may be more, and later
                f", at least {r.payments} payments to {r.last_due} or later (some payment terms "
                "not published)."
                if r.terms_unknown
                else f", {r.payments} payments to {r.last_due}{_paid_after(r)}."
            )
            if r.payments and r.payments > 1 and r.last_due
            else "."
        )
    ]
    said = condition_line(r.notes)  # a total resting on a plan for some people only says so
    if said is not None:
        lines.append(said)
    # a total resting on a promo (Isha's $398 consultation, regular $796) says so where it is read
    lines += [
        f"The total counts {sentence(n).replace(f'{n.item}: a ', f'{n.item} at a ', 1)[:-1]}: check it is "
        "still offered."
        for n in r.price_notes
        if n.kind in (Kind.PROMO_PRICE, Kind.PROMO_CHARGE)
    ]
    age = price_age(r.oldest_price, r.as_of).strip(" ()")
    lines.append(
        age[0].upper() + age[1:] + ("; some are stale, check them with the provider." if r.stale else ".")
    )
    a = r.availability
    if a is not None and a.status != "available":
        lines.append(f"{r.provider.name} {serving_phrase(a)}.")
    # the state's rule (or what is not known of it), then the federal one, worded as compare words them
    lines += [line[:-1] + " (see below)." for line in rule_lines(r.regulation, r.query.state)]
    if r.query.state is None:
        lines.append(NO_STATE_CHECKED)
    return lines


def range_headline(results: list[CostResult]) -> list[str]:
    """For a list or range of N: the totals at both ends and the lowest per session."""
    # the shortest and the longest course, whatever order the list was given in
    priced = sorted((r for r in results if r.total is not None), key=_length)
    first = results[0]
    if not priced:
        return [f"{first.provider.name} has no published price for these courses."]
    low, high = priced[0], priced[-1]
    if first.months is not None:  # committed in the first months, and the cash paid in them

        def said(r: CostResult) -> str:
            them = "it" if r.months == 1 else "them"
            paid = r.paid_in_window
            cash = (
                f"{money(paid)} paid in {them}"
                if paid is not None
                else f"what is paid in {them} not published"
            )
            return f"{total_text(r)} committed in {_n(r)} ({cash})"

        lines = [f"{first.provider.name}, {first.client} client: {said(low)} to {said(high)}."]
    else:
        lines = [
            f"{first.provider.name}, {first.client} client: {total_text(low)} for {_n(low)} "
            f"to {total_text(high)} for {_n(high)}."
        ]
    best = min(priced, key=lambda r: (cents(r.per_session), r.sessions_requested))
    word = "dose" if first.modality == "daily-low-dose" else "session"
    lines.append(f"Lowest per {word}: {money(cents(best.per_session))} at {_n(best)}.")
    return lines + _range_rules(results) + _range_ends(results)


def _range_ends(results: list[CostResult]) -> list[str]:
    """What the federal flexibilities' end means for the courses of a range, as one course's
    headline says it (:func:`near_end_line`, :func:`leftover_line`), for the counts it concerns."""
    first = results[0]
    unit = "months" if first.months is not None else f"{unit_word(first)}s"

    def at(found: list[CostResult]) -> str:
        return f"At {ranges(sorted({_length(r) for r in found}))} {unit}"

    lines = []
    left = [r for r in results if r.leftover_past_end is not None]
    if left:
        e = left[0].leftover_past_end
        assert e is not None
        most = max(r.leftover_past_end.count for r in left)  # type: ignore[union-attr]
        day = min(r.leftover_past_end.first for r in left)  # type: ignore[union-attr]
        lines.append(
            f"{at(left)}, sessions bought beyond those asked for fall after {e.name} end ({e.ends}) "
            f"({e.source}, {e.as_of}), at the pace: up to {counted(most, 'session')}, from {day}; "
            f"{LEFTOVER_RULE}."
        )
    near = [r for r in results if r.near_end is not None]
    if near:
        e2 = near[0].near_end
        assert e2 is not None
        lines.append(
            f"{at(near)}, the course's last day falls fewer than {NEAR_END_DAYS} days before {e2.name} "
            f"end ({e2.ends}) ({e2.source}, {e2.as_of}), and its first {_first(first)} is dated on its "
            "start: if a consultation and a shipment come first, it may run past them (--start prices "
            "a later start)."
        )
    return lines


def _range_rules(results: list[CostResult]) -> list[str]:
    """Whether the provider serves the state, and the rules on the courses' dates, as one
    course's headline says them; a rule that only the longer courses reach says from which."""
    first = results[0]
    lines = []
    a = first.availability
    if a is not None and a.status != "available":
        lines.append(f"{first.provider.name} {serving_phrase(a)}.")
    state = first.query.state
    longest = max(results, key=lambda r: len(r.regulation))
    for line in state_rule_lines(longest.regulation, state):
        if not line.startswith((f"{state} rule", "Federal rule")):  # the end passed, no state: any course
            lines.append(line)
            continue
        place = state if state is not None and line.startswith(f"{state} rule") else "US"
        reach = [r for r in results if any(e.jurisdiction == place for e in r.regulation)]
        if len(reach) < len(results):
            line = line.replace(": ", f" (courses of {_n(min(reach, key=_length))} or more): ", 1)
        lines.append(line)
    return lines


def _n(r: CostResult) -> str:
    return unit(r) if r.months is None else counted(r.months, "month")


class ByMonthReport(Report):
    """``cost --by-month``: the cash due in each calendar month of one course."""

    FIELDS = ("provider", "month", "due", "terms_unknown")
    single = False

    def __init__(self, result: CostResult) -> None:
        self.result = result

    @property
    def notes(self) -> tuple[Note, ...]:
        return self.result.notes

    def records(self) -> list[dict[str, Any]]:
        return [
            {"schema_version": SCHEMA_VERSION, "provider": self.result.provider.id, "currency": CURRENCY, **m}
            for m in by_month_records(self.result)
        ]

    def rows(self) -> Iterator[dict[str, Any]]:
        return iter(self.records())

    def table(self) -> TableView:
        r = self.result
        rows = []
        running = ZERO
        for m, amount, unknown in r.cash_by_month():
            running += amount
            rows.append([m, money(amount) + (" ?" if unknown else ""), money(running)])
        extra = (
            "? = a purchase whose payment terms are not published is shown as paid when made; "
            "its payments may fall in this month or later"
            if r.terms_unknown
            else ""
        )
        return TableView(
            columns=[
                Column("Month", nowrap=True),
                Column("Due", number=True),
                Column("Paid by then", number=True),
            ],
            rows=rows or [["—", NOT_PUBLISHED, NOT_PUBLISHED]],
            title=f"{r.provider.name}: cash due by month, {unit(r)} from {r.start}",
            caption=_caption([r], f"Total {total_text(r)}" + (f". {extra}" if extra else ""), marks=False),
            headline=_dated_rules(r),
        )


class StopReport(Report):
    """``cost --if-stopped``: what stopping costs at each point of one course."""

    FIELDS = (
        "point", "number", "date", "notice", "paid", "refund", "still_charged", "owed", "owed_low",
        "owed_high", "refund_at_owed_low", "refund_at_owed_high", "still_charged_at_owed_low",
        "still_charged_at_owed_high", "rule", "source", "as_of",
    )  # fmt: skip

    def __init__(self, result: CostResult) -> None:
        self.result = result

    @property
    def notes(self) -> tuple[Note, ...]:
        return self.result.notes

    def records(self) -> list[dict[str, Any]]:
        return [
            {"schema_version": SCHEMA_VERSION, "provider": self.result.provider.id, "currency": CURRENCY, **p}
            for p in stop_records(self.result)
        ]

    def rows(self) -> Iterator[dict[str, Any]]:
        return iter(stop_records(self.result))

    def table(self) -> TableView:
        r = self.result
        rows = [
            [
                describe(p),
                p.day.isoformat(),
                money(p.paid),
                either(*p.refund_range) if p.refund is None and p.refund_range else money(p.refund),
                either(*p.still_range)
                if p.still_charged is None and p.still_range
                else money(p.still_charged),
                owed_text(p),
                sentence(p.rule) + (f" ({p.source}, {show_date(p.as_of)})" if p.source else ""),
            ]
            for p in r.if_stopped
        ]
        return TableView(
            columns=[
                Column("If you stop"),
                Column("Date", nowrap=True),
                Column("Paid", number=True, priority=3),
                Column("Refund", number=True, priority=2),
                Column("Still charged", number=True, priority=1),
                Column("Owed in all", number=True),
                Column("Refund policy"),
            ],
            rows=rows or [["no published price", "", "", "", "", NOT_PUBLISHED, ""]],
            title=f"{r.provider.name}: what stopping costs, {unit(r)} from {r.start}",
            headline=_dated_rules(r),
            caption=_caption(
                [r],
                "Owed in all: what the course costs you if you stop there, by the provider's published "
                "policy; — where no policy is published (never guessed)"
                + "".join(f". {note}" for note in _policy_notes(r)),
                marks=False,
            ),
        )
