"""``compare``: one row per provider, with availability, cost and care facts.

Pure core code: builds rows, filters and sorts them; renderers show them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from ketacalc.catalog import Catalog, Consult, Fact, Plan, PriceObs, Provider, newest
from ketacalc.eligibility import UNAVAILABLE, Availability, StateSummary, availability, insurers_in, summary
from ketacalc.pricing import CostQuery, CostResult, price
from ketacalc.vocab import match_insurer

SORT_KEYS = ("name", "total", "per-session", "due-at-signup")


@dataclass(frozen=True, slots=True)
class PlanPrice:
    plan: Plan
    observation: PriceObs

    @property
    def first_payment(self) -> Decimal:
        inst = self.observation.installments
        return inst.amount if inst else self.observation.price


@dataclass(frozen=True, slots=True)
class CompareRow:
    provider: Provider
    as_of: date
    status: Fact[str] | None
    availability: Availability | None
    plans: tuple[PlanPrice, ...]
    cost: CostResult | None  # with --sessions
    consult: Fact[Consult] | None
    insurance: Fact[bool] | None
    insurers: tuple[str, ...] | None  # accepted in the state asked for
    hsa_fsa: Fact[str] | None
    sitter_required: Fact[bool] | None
    routes: Fact[tuple[str, ...]] | None
    dose_flexibility: Fact[str] | None
    trd_suitability: Fact[str] | None
    data_as_of: date | None

    @property
    def total(self) -> Decimal | None:
        if self.cost is not None:
            return self.cost.total
        return lowest_total(self.plans)

    @property
    def per_session(self) -> Decimal | None:
        if self.cost is not None:
            return self.cost.per_session
        return min((p.observation.price / p.plan.sessions for p in self.plans), default=None)

    @property
    def due_at_signup(self) -> Decimal | None:
        """With --sessions, what the chosen course charges on day one; otherwise
        the smallest first payment of any plan open to new clients."""
        if self.cost is not None:
            return self.cost.due_at_signup
        firsts = [p.first_payment for p in self.plans if p.plan.open_to("new")]
        return min(firsts, default=None)


@dataclass(frozen=True, slots=True)
class CompareQuery:
    state: str | None = None
    sessions: int | None = None
    returning: bool = False
    insurer: str | None = None
    as_of: date | None = None
    sort: str = "name"
    include_unavailable: bool = False
    no_sitter: bool = False
    insurance: bool = False
    max_due_at_signup: Decimal | None = None
    route: str | None = None
    pay_in_full: bool = False


@dataclass(frozen=True, slots=True)
class CompareResult:
    query: CompareQuery
    as_of: date
    rows: tuple[CompareRow, ...]
    hidden: dict[str, tuple[str, ...]] = field(default_factory=dict)  # reason -> provider ids

    @property
    def data_dates(self) -> list[date]:
        return sorted({r.data_as_of for r in self.rows if r.data_as_of})


def _row(catalog: Catalog, provider: Provider, query: CompareQuery, as_of: date, today: date) -> CompareRow:
    plans = plan_prices(provider, as_of, "returning" if query.returning else "new", query.route)
    cost = None
    if query.sessions is not None:
        cost = price(
            provider,
            CostQuery(
                sessions=query.sessions, returning=query.returning, as_of=as_of, start=today,
                insurer=query.insurer, state=query.state, route=query.route, pay_in_full=query.pay_in_full,
            ),
            today=today,
        )  # fmt: skip
    return CompareRow(
        provider=provider,
        as_of=as_of,
        status=newest(provider.status, as_of),
        availability=availability(catalog, provider, query.state, as_of) if query.state else None,
        plans=tuple(plans),
        cost=cost,
        consult=newest(provider.consult, as_of),
        insurance=newest(provider.insurance, as_of),
        insurers=insurers_in(provider, query.state, as_of) if query.state else None,
        hsa_fsa=newest(provider.hsa_fsa, as_of),
        sitter_required=newest(provider.sitter_required, as_of),
        routes=newest(provider.routes, as_of),
        dose_flexibility=newest(provider.dose_flexibility, as_of),
        trd_suitability=newest(provider.trd_suitability, as_of),
        data_as_of=data_as_of(provider, as_of),
    )


def _accepts_insurance(row: CompareRow, query: CompareQuery) -> bool:
    if row.insurance is None or not row.insurance.value:
        return False
    if query.state is None:
        return True
    if not row.insurers:
        return False
    return query.insurer is None or match_insurer(query.insurer, row.insurers) is not None


def _sort_key(row: CompareRow, key: str) -> tuple[int, Decimal, str]:
    value: Decimal | None
    if key == "total":
        value = row.total
    elif key == "per-session":
        value = row.per_session
    elif key == "due-at-signup":
        value = row.due_at_signup
    else:
        return (0, Decimal(0), row.provider.name.casefold())
    # unknown values sort last, whatever the key
    return (
        (1, Decimal(0), row.provider.name.casefold())
        if value is None
        else (0, value, row.provider.name.casefold())
    )


def compare(catalog: Catalog, query: CompareQuery, *, today: date) -> CompareResult:
    if query.sort not in SORT_KEYS:
        raise ValueError(f"unknown sort key {query.sort!r}")
    as_of = query.as_of or today
    rows = [_row(catalog, p, query, as_of, today) for p in catalog.providers]
    hidden: dict[str, list[str]] = {}

    def hide(reason: str, row: CompareRow) -> None:
        hidden.setdefault(reason, []).append(row.provider.id)

    kept = []
    for row in rows:
        if (
            row.availability is not None
            and row.availability.status == UNAVAILABLE
            and not query.include_unavailable
        ):
            hide(f"unavailable in {query.state}", row)
        elif query.no_sitter and (row.sitter_required is None or row.sitter_required.value is not False):
            hide("sitter required or not published", row)
        elif query.insurance and not _accepts_insurance(row, query):
            hide("no insurance accepted" + (f" in {query.state}" if query.state else ""), row)
        elif query.max_due_at_signup is not None and (
            row.due_at_signup is None or row.due_at_signup > query.max_due_at_signup
        ):
            hide(f"due at sign-up above ${query.max_due_at_signup:,.2f} or not published", row)
        else:
            kept.append(row)
    kept.sort(key=lambda r: _sort_key(r, query.sort))
    return CompareResult(query, as_of, tuple(kept), {k: tuple(v) for k, v in hidden.items()})


# --------------------------------------------------------------- one line per provider


class ProviderOverview(NamedTuple):
    """What ``providers`` shows of one provider on a date."""

    provider: Provider
    status: Fact[str] | None
    lowest_total: Decimal | None
    states: StateSummary
    data_as_of: date | None


def lowest_total(plans: Iterable[PlanPrice]) -> Decimal | None:
    """The lowest price of the plans given: the one rule for a "lowest total"."""
    return min((p.observation.price for p in plans), default=None)


def data_as_of(provider: Provider, as_of: date) -> date | None:
    """The newest date of any figure of the provider on or before ``as_of``."""
    return max((d for d in provider.observed_dates() if d <= as_of), default=None)


def plan_prices(
    provider: Provider, as_of: date, client: str = "new", route: str | None = None
) -> list[PlanPrice]:
    """The plans a client can buy (on a route), each with its price on ``as_of``.
    Returning clients whose provider lists no returning plan pay new-client prices."""
    routed = provider.plans_for_route(route)
    priced = [PlanPrice(p, o) for p in routed if (o := newest(p.prices, as_of)) is not None]
    open_to = [p for p in priced if p.plan.open_to(client)]
    return priced if client == "returning" and not open_to else open_to


def overview(catalog: Catalog, as_of: date) -> list[ProviderOverview]:
    return [
        ProviderOverview(
            provider=p,
            status=newest(p.status, as_of),
            lowest_total=lowest_total(plan_prices(p, as_of, "new")),
            states=summary(p, as_of),
            data_as_of=data_as_of(p, as_of),
        )
        for p in catalog.providers
    ]
