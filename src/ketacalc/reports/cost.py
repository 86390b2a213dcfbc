"""``cost``: the cheapest course of N sessions, one N in detail or a row per N."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from ketacalc import SCHEMA_VERSION
from ketacalc.money import NOT_PUBLISHED, money_str
from ketacalc.render import Column, TableView
from ketacalc.reports.common import (
    CURRENCY,
    Report,
    caption,
    cents,
    count_text,
    iso,
    money,
    show_date,
    source_record,
)

if TYPE_CHECKING:
    from decimal import Decimal

    from ketacalc.catalog import Catalog, Plan
    from ketacalc.pricing import CostResult

#: the columns of ``cost --format csv`` and of a ``batch`` result
SUMMARY_FIELDS = (
    "provider", "client", "sessions_requested", "sessions_covered", "leftover_sessions", "total",
    "per_session", "due_at_signup", "prices_as_of", "pricing", "purchases", "payments", "first_due",
    "last_due", "notes",
)  # fmt: skip


def head(result: CostResult) -> dict[str, Any]:
    """The fields every cost record starts with, full or summary."""
    return {
        "schema_version": SCHEMA_VERSION,
        "provider": result.provider.id,
        "client": result.client,
        "currency": CURRENCY,
        "sessions_requested": result.sessions_requested,
        "sessions_covered": result.sessions_covered,
        "leftover_sessions": result.leftover_sessions,
        "total": money_str(result.total),
        "per_session": money_str(result.per_session),
        "due_at_signup": money_str(result.due_at_signup),
        "prices_as_of": iso(result.prices_as_of),
    }


def full_record(catalog: Catalog, result: CostResult) -> dict[str, Any]:
    """Everything about one course: every purchase and every dated payment."""
    return {
        **head(result),
        "provider_name": result.provider.name,
        "as_of": iso(result.as_of),
        "start": iso(result.start),
        "pricing": result.pricing,
        "pay_in_full": result.query.pay_in_full,
        "pace_per_week": f"{result.query.pace.normalize():f}",
        "purchases": _purchase_records(result),
        "schedule": [
            {"due": p.due.isoformat(), "amount": money_str(p.amount), "plan": p.plan, "assumed": p.assumed}
            for p in result.schedule
        ],
        "notes": list(result.notes),
        "sources": [source_record(catalog, sid) for sid in result.sources],
    }


def _purchase_records(result: CostResult) -> list[dict[str, Any]]:
    """One record per purchase. A long course repeats the same plan many times, so
    the fields that do not change are built once per distinct purchase."""
    records = []
    shared: dict[tuple[Any, ...], dict[str, Any]] = {}
    for p in result.purchases:
        key = (p.plan.id, p.observation, p.client, p.charged, p.insured)
        fields = shared.get(key)
        if fields is None:
            fields = shared[key] = {
                "plan": p.plan.id,
                "plan_name": p.plan.name,
                "sessions": p.plan.sessions,
                "client": p.client,
                "price": money_str(p.price),
                "charged": money_str(p.charged),
                "insurance": p.insured,
                "route": p.plan.route,
            }
        records.append(
            {
                **fields,
                "starts": p.start.isoformat(),
                "as_of": iso(p.observation.as_of),
                "source": p.observation.source,
            }
        )
    return records


def runs(result: CostResult) -> list[tuple[Plan, int, Decimal]]:
    """Consecutive purchases of the same plan at the same charge: ``(plan, count, charged)``."""
    found: list[list[Any]] = []
    for p in result.purchases:
        if found and found[-1][0] is p.plan and found[-1][2] == p.charged:
            found[-1][1] += 1
        else:
            found.append([p.plan, 1, p.charged])
    return [(plan, count, charged) for plan, count, charged in found]


def summary_record(result: CostResult) -> dict[str, Any]:
    """A cost without its payment-by-payment detail: the row of ``cost --format csv``
    and the default record of ``batch``. Runs of the same purchase are counted."""
    schedule = result.schedule
    return {
        **head(result),
        "pricing": result.pricing,
        "purchases": [
            {"plan": plan.id, "count": count, "sessions": plan.sessions, "charged": money_str(charged)}
            for plan, count, charged in runs(result)
        ],
        "payments": len(schedule),
        "first_due": iso(schedule[0].due) if schedule else None,
        "last_due": iso(schedule[-1].due) if schedule else None,
        "notes": list(result.notes),
    }


def summary_row(summary: dict[str, Any]) -> dict[str, Any]:
    """A summary with its purchases as text: ``transformation (792.00); continuation x3 (79.00)``."""
    return {
        **summary,
        "purchases": [
            f"{p['plan']}{' x' + str(p['count']) if p['count'] > 1 else ''} ({p['charged']})"
            for p in summary["purchases"]
        ],
    }


class CostReport(Report):
    """Costs for one or many N, consumed one at a time (a long range streams).
    ``notes`` gathers every result's notes as they are drawn, for stderr."""

    FIELDS = SUMMARY_FIELDS

    def __init__(self, catalog: Catalog, results: Iterable[CostResult], single: bool) -> None:
        self.catalog = catalog
        self.results = results
        self.single = single
        self.notes: dict[str, None] = {}

    def records(self) -> Iterator[dict[str, Any]]:
        return (full_record(self.catalog, r) for r in self.results)

    def rows(self) -> Iterator[dict[str, Any]]:
        return (summary_row(summary_record(r)) for r in self.results)

    def table(self) -> TableView:
        """One result in detail, or a row per N (purchases counted by plan)."""
        rows: list[list[str]] = []
        dates: set[date | None] = set()
        first: CostResult | None = None
        for r in self.results:
            self.notes.update(dict.fromkeys(r.notes))
            first = first or r
            purchases = "\n".join(
                plan.name + (f" × {count}" if count > 1 else "") + f" ({money(charged)})"
                for plan, count, charged in runs(r)
            )
            rows.append(
                [
                    str(r.sessions_requested),
                    count_text(r.sessions_covered),
                    money(r.total),
                    money(cents(r.per_session)),
                    money(r.due_at_signup),
                    purchases or NOT_PUBLISHED,
                ]
            )
            dates.add(r.prices_as_of)
        assert first is not None, "at least one result"
        if len(rows) == 1:
            return _single(first)
        return TableView(
            columns=[
                Column("Sessions", number=True),
                Column("Covered", number=True),
                Column("Total", number=True),
                Column("Per session", number=True),
                Column("Due at sign-up", number=True),
                Column("Purchases"),
            ],
            rows=rows,
            title=f"{first.provider.name}: cost for a {first.client} client (prices as of {first.as_of})",
            caption=caption(dates),
        )


def _single(r: CostResult) -> TableView:
    purchases = [
        [
            p.plan.name
            + (f"\nroute: {p.plan.route}" if p.plan.route else "")
            + (" (insurance)" if p.insured else ""),
            p.client,
            str(p.plan.sessions),
            money(p.charged),
            show_date(p.observation.as_of),
            p.observation.source,
        ]
        for p in r.purchases
    ] or [["no published price", "", "", NOT_PUBLISHED, "", ""]]
    summary_line = (
        f"Total {money(r.total)} for {count_text(r.sessions_covered)} sessions "
        f"({money(cents(r.per_session))} per session; {r.leftover_sessions or 0} left over); "
        f"due at sign-up {money(r.due_at_signup)}"
    )
    view = TableView(
        columns=[
            Column("Purchase"),
            Column("Client"),
            Column("Sessions", number=True),
            Column("Price", number=True),
            Column("Price as of", number=True),
            Column("Source"),
        ],
        rows=purchases,
        title=f"{r.provider.name}: {r.sessions_requested} sessions for a {r.client} client",
        caption=caption([r.prices_as_of], summary_line),
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
                            p.plan + (" (terms not published: one payment)" if p.assumed else ""),
                        ]
                        for p in r.schedule
                    ],
                ),
            )
        )
    return view
