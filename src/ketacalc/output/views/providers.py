"""``providers``: one line per provider."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ketacalc.domain.course import DEFAULT_MAX_AGE
from ketacalc.money import NOT_PUBLISHED, money_str
from ketacalc.output.notes import counted
from ketacalc.output.tableview import GOES_ON, Column, TableView
from ketacalc.output.views.common import (
    CURRENCY,
    Report,
    caption,
    iso,
    money,
    show_date,
    source_record,
    states_text,
)
from ketacalc.output.views.compare import plan_condition_text
from ketacalc.output.views.cost import CONDITION_MARK
from ketacalc.version import SCHEMA_VERSION

if TYPE_CHECKING:
    from ketacalc.data.catalog import Catalog
    from ketacalc.domain.compare import ProviderOverview


class ProvidersReport(Report):
    FIELDS = (
        "provider", "name", "status", "plans", "plan_prices", "states_listed", "states_complete",
        "states_stated_count", "data_as_of", "oldest_price", "stale", "plan_conditions", "sources",
    )  # fmt: skip

    def __init__(self, catalog: Catalog, items: list[ProviderOverview]) -> None:
        self.catalog = catalog
        self.items = items

    def records(self) -> Iterator[dict[str, Any]]:
        for item in self.items:
            p, s, status = item.provider, item.states, item.status
            yield {
                "schema_version": SCHEMA_VERSION,
                "provider": p.id,
                "name": p.name,
                "status": status.value if status else None,
                "status_as_of": iso(status.as_of) if status else None,
                "plans": len(p.plans),
                "currency": CURRENCY,
                "plan_prices": [
                    {
                        "plan": pp.plan.id,
                        "sessions": pp.plan.sessions,
                        "modality": pp.plan.modality,
                        "billing": pp.plan.billing,
                        "price": money_str(pp.observation.price),
                        "as_of": iso(pp.observation.as_of),
                    }
                    for pp in item.plans
                ],
                "states_listed": s.known,
                "states_complete": s.complete,
                "states_stated_count": s.count,
                "states_count_is_minimum": s.count_is_minimum,
                "data_as_of": iso(item.data_as_of),
                "oldest_price": iso(item.oldest_price_as_of),
                "stale": item.stale,
                "plan_conditions": [
                    {"plan": n.plan_id, "condition": n.condition, "source": n.source, "as_of": iso(n.as_of)}
                    for n in item.plan_conditions
                ],
                "sources": [source_record(self.catalog, sid) for sid in p.source_ids()],
            }

    def rows(self) -> Iterator[dict[str, Any]]:
        for record in self.records():
            yield {
                **record,
                "plan_prices": "; ".join(f"{pp['plan']} ({pp['price']})" for pp in record["plan_prices"]),
                "plan_conditions": [f"{c['plan']}: {c['condition']}" for c in record["plan_conditions"]],
                "sources": [s["id"] for s in record["sources"]],
            }

    def table(self) -> TableView:
        rows = [
            [
                f"{i.provider.name}\n{i.provider.id}",
                i.status.value if i.status else NOT_PUBLISHED,
                "\n".join(_plan_text(pp, {n.plan_id for n in i.plan_conditions}) for pp in i.plans)
                or NOT_PUBLISHED,
                states_text(i.states),
                show_date(i.data_as_of),
                (iso(i.oldest_price_as_of) or NOT_PUBLISHED) + (" !" if i.stale else ""),
            ]
            for i in self.items
        ]
        marks = []
        if any(i.stale for i in self.items):
            marks.append(f"! = older than {DEFAULT_MAX_AGE} days: check it with the provider")
        said = [plan_condition_text(n) for i in self.items for n in i.plan_conditions]
        if said:
            marks.append(f"{CONDITION_MARK} " + ". ".join(said))
        return TableView(
            columns=[
                Column("Provider"),
                Column("Status", priority=3),
                Column("Plans for a new client"),
                Column("States"),
                Column("Newest data", number=True, priority=1),
                Column("Oldest price", number=True, priority=2),
            ],
            rows=rows,
            title="Providers",
            caption=caption(
                (i.data_as_of for i in self.items),
                ". ".join(["Oldest price: the oldest of the prices in force, one per plan", *marks]),
            ),
        )


def _plan_text(pp: Any, for_some: set[str]) -> str:
    """``6 sessions: $1,290.00``, ``1 session: $398.00``, ``30 doses a month: $159.00``: a
    plan, never ranked; one for some people only named and marked ‡ (the caption says who)."""
    unit = counted(pp.plan.sessions, "dose" if pp.plan.modality == "daily-low-dose" else "session")
    inst = pp.observation.installments
    every = ""
    if pp.plan.billing == "monthly":
        every = f" over {inst.count} months" if inst else " a month"
    # named first, as one word with its mark: "(Transformation)" after the price broke at
    # 80 columns, leaving a lone ")"
    named = f"{pp.plan.name}{CONDITION_MARK}{GOES_ON}" if pp.plan.id in for_some else ""
    return f"{named}{unit}{every}: {money(pp.observation.price)}"
