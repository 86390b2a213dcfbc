"""The runtime view of the data: plain frozen dataclasses, no Pydantic.

``providers.yaml`` is validated by the Pydantic models in ``models`` and then
turned into these classes by :func:`build`, from the validated data dumped to
plain JSON. The same function rebuilds them from the on-disk cache, so a warm
start never imports Pydantic or YAML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Generic, NamedTuple, TypeVar

from ketacalc.errors import UnknownProvider

# Records are NamedTuples, not dataclasses: they are immutable all the same and
# several times cheaper to define, which keeps start-up fast (see benchmarks/).

T = TypeVar("T")
ObsT = TypeVar("ObsT")  # any observation: something with .source and .as_of


class Source(NamedTuple):
    id: str
    title: str
    tier: str
    url: str | None = None
    date: date | None = None
    note: str | None = None


class Fact(NamedTuple, Generic[T]):
    source: str
    as_of: date | None  # None: the source is undated
    value: T
    note: str | None = None


class Installments(NamedTuple):
    count: int
    amount: Decimal


class PriceObs(NamedTuple):
    source: str
    as_of: date
    price: Decimal
    installments: Installments | None = None
    pay_in_full_discount: Decimal | None = None
    note: str | None = None


class Plan(NamedTuple):
    id: str
    name: str
    sessions: int
    client: str  # new | returning | any
    billing: str  # one-time | monthly
    route: str | None
    prices: tuple[PriceObs, ...]
    insurance_prices: tuple[PriceObs, ...]
    note: str | None = None

    def open_to(self, client: str) -> bool:
        return self.client in (client, "any")

    def for_route(self, wanted: str | None) -> bool:
        """Whether the plan can be bought for a delivery route: plans priced the same
        for every route always can; ``tablet`` matches ``sublingual tablet``."""
        return wanted is None or self.route is None or name_key(wanted) in name_key(self.route)


class StatesObs(NamedTuple):
    source: str
    as_of: date | None
    codes: frozenset[str]
    complete: bool
    count: int | None
    count_is_minimum: bool
    note: str | None = None


class InClinic(NamedTuple):
    source: str
    as_of: date | None
    states: tuple[str, ...]
    services: str
    note: str | None = None


class InsurerList(NamedTuple):
    source: str
    as_of: date | None
    by_state: dict[str, tuple[str, ...]]
    note: str | None = None


class Consult(NamedTuple):
    fee: Decimal | None
    prepayment: str | None
    refundable_if_ineligible: bool | None


class Provider(NamedTuple):
    id: str
    name: str
    website: str | None
    aliases: tuple[str, ...]
    status: tuple[Fact[str], ...]
    states: tuple[StatesObs, ...]
    in_clinic: tuple[InClinic, ...]
    plans: tuple[Plan, ...]
    consult: tuple[Fact[Consult], ...]
    insurance: tuple[Fact[bool], ...]
    insurers: tuple[InsurerList, ...]
    hsa_fsa: tuple[Fact[str], ...]
    sitter_required: tuple[Fact[bool], ...]
    id_verification: tuple[Fact[str], ...]
    integration: tuple[Fact[str], ...]
    starter_kit: tuple[Fact[bool], ...]
    routes: tuple[Fact[tuple[str, ...]], ...]
    dose_flexibility: tuple[Fact[str], ...]
    trd_suitability: tuple[Fact[str], ...]
    cost_notes: tuple[Fact[str], ...]
    notes: tuple[Fact[str], ...]

    def _observations(self) -> Iterable[Any]:
        for group in (
            self.status, self.states, self.in_clinic, self.consult, self.insurance, self.insurers,
            self.hsa_fsa, self.sitter_required, self.id_verification, self.integration,
            self.starter_kit, self.routes, self.dose_flexibility, self.trd_suitability,
            self.cost_notes, self.notes,
        ):  # fmt: skip
            yield from group
        for plan in self.plans:
            yield from plan.prices
            yield from plan.insurance_prices

    def plans_for_route(self, wanted: str | None) -> tuple[Plan, ...]:
        """The plans open to a delivery route. A provider whose prices differ by route
        has none for a route it does not list; one whose prices do not, has them all."""
        if wanted is None:
            return self.plans
        routed = [p for p in self.plans if p.route]
        if routed and not any(p.for_route(wanted) for p in routed):
            return ()
        return tuple(p for p in self.plans if p.for_route(wanted))

    def observed_dates(self) -> list[date]:
        return [obs.as_of for obs in self._observations() if obs.as_of is not None]

    def source_ids(self) -> list[str]:
        return list(dict.fromkeys(obs.source for obs in self._observations()))


class Catalog:
    """Every provider and source of one data file, with name lookup."""

    __slots__ = ("sources", "providers", "path", "_index")

    def __init__(self, sources: dict[str, Source], providers: tuple[Provider, ...], path: str = "") -> None:
        self.sources = sources
        self.providers = providers
        self.path = path
        self._index: dict[str, Provider] = {}
        for provider in providers:
            for name in (provider.id, provider.name, *provider.aliases):
                self._index.setdefault(name_key(name), provider)

    def find(self, name: str) -> Provider:
        """Case-, space- and punctuation-insensitive lookup: ``"Better U"``, ``betteru``."""
        found = self._index.get(name_key(name))
        if found is not None:
            return found
        import difflib

        keys = list(self._index)
        close = difflib.get_close_matches(name_key(name), keys, n=3, cutoff=0.5)
        close += [k for k in keys if name_key(name) and (k.startswith(name_key(name)) or name_key(name) in k)]
        suggestions = list(dict.fromkeys(self._index[k].id for k in close))
        raise UnknownProvider(name, suggestions, [p.id for p in self.providers])


_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def name_key(name: str) -> str:
    return _NON_ALNUM.sub("", name.casefold())


# --------------------------------------------------------------- observations


def _rank(obs: Any) -> date:
    return obs.as_of or date.min  # undated observations count as the oldest


def newest(observations: Iterable[ObsT], as_of: date | None = None) -> ObsT | None:
    """The newest observation on or before ``as_of`` (later in the file wins a tie).

    Undated observations are older than any dated one; with ``as_of`` given they
    still count, since the source was published before the data file was made.
    """
    best: ObsT | None = None
    for obs in observations:
        if as_of is not None and obs.as_of is not None and obs.as_of > as_of:
            continue
        if best is None or _rank(obs) >= _rank(best):
            best = obs
    return best


def current(facts: Sequence[Fact[T]], as_of: date | None = None) -> Fact[T] | None:
    return newest(facts, as_of)


# --------------------------------------------------------------- building


def _d(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _m(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None else None


def _facts(items: list[dict[str, Any]], convert: Any = None) -> tuple[Fact[Any], ...]:
    return tuple(
        Fact(
            source=item["source"],
            as_of=_d(item.get("as_of")),
            value=convert(item["value"]) if convert else item["value"],
            note=item.get("note"),
        )
        for item in items
    )


def _price(item: dict[str, Any]) -> PriceObs:
    inst = item.get("installments")
    return PriceObs(
        source=item["source"],
        as_of=_d(item["as_of"]),
        price=Decimal(item["price"]),
        installments=Installments(inst["count"], Decimal(inst["amount"])) if inst else None,
        pay_in_full_discount=_m(item.get("pay_in_full_discount")),
        note=item.get("note"),
    )


def _consult(value: dict[str, Any]) -> Consult:
    return Consult(
        fee=_m(value.get("fee")),
        prepayment=value.get("prepayment"),
        refundable_if_ineligible=value.get("refundable_if_ineligible"),
    )


def build(data: dict[str, Any], path: str = "") -> Catalog:
    """Build the catalog from validated data dumped as JSON-compatible values."""
    sources = {
        sid: Source(id=sid, title=s["title"], tier=s["tier"], url=s.get("url"), date=_d(s.get("date")),
                    note=s.get("note"))
        for sid, s in data["sources"].items()
    }  # fmt: skip
    providers = []
    for p in data["providers"]:
        providers.append(
            Provider(
                id=p["id"],
                name=p["name"],
                website=p.get("website"),
                aliases=tuple(p.get("aliases", ())),
                status=_facts(p["status"]),
                states=tuple(
                    StatesObs(
                        source=s["source"],
                        as_of=_d(s.get("as_of")),
                        codes=frozenset(s.get("codes", ())),
                        complete=s.get("complete", False),
                        count=s.get("count"),
                        count_is_minimum=s.get("count_is_minimum", False),
                        note=s.get("note"),
                    )
                    for s in p.get("states", ())
                ),  # fmt: skip
                in_clinic=tuple(
                    InClinic(
                        source=c["source"],
                        as_of=_d(c.get("as_of")),
                        states=tuple(c["states"]),
                        services=c["services"],
                        note=c.get("note"),
                    )
                    for c in p.get("in_clinic", ())
                ),  # fmt: skip
                plans=tuple(
                    Plan(
                        id=pl["id"],
                        name=pl["name"],
                        sessions=pl["sessions"],
                        client=pl["client"],
                        billing=pl.get("billing", "one-time"),
                        route=pl.get("route"),
                        prices=tuple(_price(o) for o in pl.get("prices", ())),
                        insurance_prices=tuple(_price(o) for o in pl.get("insurance_prices", ())),
                        note=pl.get("note"),
                    )
                    for pl in p.get("plans", ())
                ),  # fmt: skip
                consult=_facts(p.get("consult", []), _consult),
                insurance=_facts(p.get("insurance", [])),
                insurers=tuple(
                    InsurerList(
                        source=i["source"],
                        as_of=_d(i.get("as_of")),
                        by_state={k: tuple(v) for k, v in i["by_state"].items()},
                        note=i.get("note"),
                    )
                    for i in p.get("insurers", ())
                ),  # fmt: skip
                hsa_fsa=_facts(p.get("hsa_fsa", [])),
                sitter_required=_facts(p.get("sitter_required", [])),
                id_verification=_facts(p.get("id_verification", [])),
                integration=_facts(p.get("integration", [])),
                starter_kit=_facts(p.get("starter_kit", [])),
                routes=_facts(p.get("routes", []), tuple),
                dose_flexibility=_facts(p.get("dose_flexibility", [])),
                trd_suitability=_facts(p.get("trd_suitability", [])),
                cost_notes=_facts(p.get("cost_notes", [])),
                notes=_facts(p.get("notes", [])),
            )
        )
    return Catalog(sources=sources, providers=tuple(providers), path=path)
