"""``history``: every dated price observation of every plan, oldest first."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from ketacalc.money import money_str
from ketacalc.output.tableview import TableView
from ketacalc.output.views.common import CURRENCY, Report, caption, iso, plan_unit, price_cells, price_table
from ketacalc.version import SCHEMA_VERSION

if TYPE_CHECKING:
    from ketacalc.data.catalog import Catalog, Plan, PriceObs, Provider


class _Entry(NamedTuple):
    plan: Plan
    kind: str  # self-pay | insurance | quote
    obs: PriceObs


_LABEL = {"self-pay": "", "insurance": "\n(insurance)", "quote": "\n({kind} quote: a note, never charged)"}


#: the kinds of price observation, in the order shown on one day ("quote": "from $X" or
#: pay-in-full figures, notes never charged)
_KINDS = ("self-pay", "insurance", "quote")


class HistoryReport(Report):
    FIELDS = (
        "provider", "plan", "plan_name", "sessions", "client", "route", "kind", "as_of", "price", "per_session",
        "installments", "pay_in_full_discount", "source", "tier", "note",
    )  # fmt: skip

    def __init__(self, catalog: Catalog, provider: Provider) -> None:
        self.catalog = catalog
        self.provider = provider
        # each plan's observations oldest first, whatever their kind (on one day: self-pay,
        # insurance, then quotes)
        self.entries = [
            entry
            for plan in provider.plans
            for entry in sorted(
                (
                    _Entry(plan, kind, obs)
                    for kind, observations in zip(
                        _KINDS, (plan.prices, plan.insurance_prices, plan.quotes), strict=True
                    )
                    for obs in observations
                ),
                key=lambda e: (e.obs.as_of or date.min, _KINDS.index(e.kind)),
            )
        ]

    def records(self) -> Iterator[dict[str, Any]]:
        for plan, kind, obs in self.entries:
            inst = obs.installments
            yield {
                "schema_version": SCHEMA_VERSION,
                "provider": self.provider.id,
                "plan": plan.id,
                "plan_name": plan.name,
                "sessions": plan.sessions,
                "client": plan.client,
                "route": plan.route,
                "kind": kind,
                "currency": CURRENCY,
                "as_of": iso(obs.as_of),
                "price": money_str(obs.price),
                "per_session": money_str(obs.price / plan.sessions),
                "installments": f"{inst.count} x {money_str(inst.amount)}" if inst else None,
                "pay_in_full_discount": money_str(obs.pay_in_full_discount),
                "source": obs.source,
                "tier": self.catalog.sources[obs.source].tier,
                "note": obs.note,
            }

    def table(self) -> TableView:
        rows = [
            price_cells(
                plan.name
                + (f"\nroute: {plan.route}" if plan.route else "")  # as show says it
                + _LABEL[kind].format(kind=obs.kind.replace("_", "-")),
                plan.sessions,
                obs,
                f"{iso(obs.as_of)}\n{obs.source} ({self.catalog.sources[obs.source].tier})",
            )
            for plan, kind, obs in self.entries
        ]
        return price_table(
            rows,
            "Observed (tier)",
            title=f"{self.provider.name}: price history, oldest first",
            caption=caption(e.obs.as_of for e in self.entries),
            unit=plan_unit(self.provider.plans),
        )
