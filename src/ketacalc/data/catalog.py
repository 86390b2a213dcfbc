"""The runtime view of the data: immutable NamedTuple records, no Pydantic.

``providers.yaml`` is validated by the Pydantic models in ``models`` and dumped
to plain JSON values; :func:`build` turns those into these records. The same
function rebuilds them from the on-disk cache, so a warm start imports neither
Pydantic nor YAML.

The builder is table-driven: each record lists its fields (``_fields``) and
:data:`CONVERTERS` says how to turn a JSON value into the field's value (a
date, a Decimal, a nested record, a tuple of records). A field without a
converter is taken as it is. Every record mirrors one model of ``models``
(:data:`MODEL_OF`), field for field except the :data:`DERIVED` ones;
``tests/test_catalog.py`` fails when the two drift apart.

A record's annotations are its schema for the untrusted cache:
:mod:`ketacalc.data.verify` derives its checks from them. Their words
(:mod:`ketacalc.data.fields`: ``Slug``, ``Sessions``, the enumerations...) are
imported only for type checkers: nothing on the way to an answer evaluates an
annotation, so a warm start pays nothing for them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Generic, Literal, NamedTuple, TypeVar

from ketacalc.errors import UnknownProvider
from ketacalc.vocab import route_id

if TYPE_CHECKING:  # the words of the annotations: data/verify.py reads them, nothing else evaluates them
    from ketacalc.data.fields import (
        Billing,
        Bounds,
        ChargeKind,
        ChargePer,
        ChargePriceKind,
        Client,
        Hours,
        IdCheck,
        Integration,
        Length,
        Modality,
        Name,
        NonEmpty,
        PaymentTiming,
        Prepayment,
        PriceKind,
        Refund,
        RefundStage,
        RouteId,
        RuleKind,
        Sessions,
        Share,
        Slug,
        StateCode,
        Status,
        Tier,
        TrdSuitability,
        YesNoMaybe,
    )

T = TypeVar("T")
ObsT = TypeVar("ObsT")  # any observation: something with .source and .as_of

#: kinds of price a buyer is charged (the rest are quotes: "from $X", pay-in-full)
CHARGED_PRICE_KINDS = frozenset({"regular", "promo"})
#: facts whose values are enumerated, so that sources can be said to disagree
ENUMERATED_FACTS = (
    "status", "insurance", "hsa_fsa", "sitter_required", "id_verification", "integration", "starter_kit",
)  # fmt: skip


# --------------------------------------------------------------- the records


class Source(NamedTuple):
    id: Slug
    title: str
    tier: Tier
    url: str | None = None
    date: date | None = None
    note: str | None = None


class Fact(NamedTuple, Generic[T]):
    source: Slug
    value: T
    as_of: date | None = None  # None: the source is undated
    note: str | None = None


class Installments(NamedTuple):
    count: Annotated[int, Bounds(ge=1, le=120)]
    amount: Decimal


class PriceObs(NamedTuple):
    source: Slug
    as_of: date
    price: Decimal
    kind: PriceKind = "regular"
    ends: date | None = None  # a promo's last day
    installments: Installments | None = None
    pay_in_full_discount: Decimal | None = None
    note: str | None = None


class Plan(NamedTuple):
    id: Slug
    name: Name
    sessions: Sessions
    client: Client
    billing: Billing = "one-time"
    modality: Modality = "sessions"
    route: RouteId | None = None  # a route id of ketacalc.vocab.ROUTES
    prices: tuple[PriceObs, ...] = ()  # regular and promo prices: what a buyer is charged
    quotes: tuple[PriceObs, ...] = ()  # starting and pay-in-full figures: notes, never a price
    insurance_prices: tuple[PriceObs, ...] = ()
    note: str | None = None

    def open_to(self, client: str) -> bool:
        return self.client in (client, "any")

    def for_route(self, wanted: str | None) -> bool:
        """Whether the plan can be bought for a delivery route (an id or any alias):
        plans priced the same for every route always can."""
        return wanted is None or self.route is None or route_id(wanted) == self.route


class StatesObs(NamedTuple):
    source: Slug
    as_of: date | None = None
    codes: frozenset[StateCode] = frozenset()
    complete: bool = False
    count: Annotated[int, Bounds(ge=0, le=51)] | None = None
    count_is_minimum: bool = False
    old: bool = False  # the list is older than its date says
    note: str | None = None


class InClinic(NamedTuple):
    source: Slug
    states: Annotated[tuple[StateCode, ...], NonEmpty]
    services: str
    as_of: date | None = None
    note: str | None = None


class InsurerList(NamedTuple):
    source: Slug
    by_state: dict[StateCode, tuple[str, ...]]
    as_of: date | None = None
    note: str | None = None


class Consult(NamedTuple):
    prepayment: Prepayment | None = None
    refundable_if_ineligible: bool | None = None


class Charge(NamedTuple):
    """One observation of a charge besides the plans' prices (see ``models.Charge``)."""

    source: Slug
    id: Slug
    kind: ChargeKind
    description: str
    per: ChargePer
    required: bool = True  # False: optional, or charged only on an event; never in a total
    client: Client = "any"
    amount: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    price_kind: ChargePriceKind = "regular"
    ends: date | None = None
    as_of: date | None = None
    note: str | None = None
    regular: Decimal | None = None  # a promo's regular price
    self_pay_only: bool = False  # sold to self-pay patients only

    @property
    def priced(self) -> bool:
        return self.amount is not None or self.low is not None


class RefundStep(NamedTuple):
    quote: str
    stage: RefundStage
    after_sessions: Sessions | None = None
    through_sessions: Sessions | None = None
    notice_hours: Annotated[int, Bounds(ge=1, le=720)] | None = None
    late: bool = False
    refund: Refund | None = None
    owed: Decimal | None = None
    owed_low: Decimal | None = None
    owed_high: Decimal | None = None
    owed_share: Share | None = None


class RefundPolicy(NamedTuple):
    source: Slug
    steps: Annotated[tuple[RefundStep, ...], NonEmpty]
    plans: tuple[Slug, ...] = ()
    self_pay_only: bool = False  # for purchases the person pays, not those billed to an insurer
    as_of: date | None = None
    note: str | None = None


class PlanCondition(NamedTuple):
    source: Slug
    plan: Slug
    condition: str
    as_of: date | None = None
    note: str | None = None


class SitterCost(NamedTuple):
    source: Slug
    low: Decimal
    high: Decimal
    first_session_hours: Hours
    later_session_hours: Hours
    as_of: date | None = None
    note: str | None = None


class Provider(NamedTuple):
    id: Slug
    name: Name
    status: Annotated[tuple[Fact[Status], ...], NonEmpty]
    website: str | None = None
    aliases: tuple[Name, ...] = ()
    states: tuple[StatesObs, ...] = ()
    in_clinic: tuple[InClinic, ...] = ()
    plans: tuple[Plan, ...] = ()
    standard_route: Fact[RouteId] | None = None  # value: the route id priced when none is asked for
    charges: tuple[Charge, ...] = ()
    consult: tuple[Fact[Consult], ...] = ()
    insurance: tuple[Fact[bool], ...] = ()
    insurers: tuple[InsurerList, ...] = ()
    hsa_fsa: tuple[Fact[YesNoMaybe], ...] = ()
    sitter_required: tuple[Fact[bool], ...] = ()
    id_verification: tuple[Fact[IdCheck], ...] = ()
    integration: tuple[Fact[Integration], ...] = ()
    starter_kit: tuple[Fact[bool], ...] = ()
    routes: tuple[Fact[tuple[str, ...]], ...] = ()
    dose_flexibility: tuple[Fact[str], ...] = ()
    trd_suitability: tuple[Fact[TrdSuitability], ...] = ()
    cost_notes: tuple[Fact[str], ...] = ()
    notes: tuple[Fact[str], ...] = ()
    payment_terms: tuple[Fact[PaymentTiming], ...] = ()
    refund_policy: tuple[RefundPolicy, ...] = ()
    hired_sitter: tuple[SitterCost, ...] = ()
    plan_conditions: tuple[PlanCondition, ...] = ()

    def observations(self) -> Iterator[Any]:
        """Every dated-or-undated observation of the provider, at any depth."""
        return _observations(self)

    def plans_for_route(self, wanted: str | None) -> tuple[Plan, ...]:
        """The plans open to a delivery route. A provider whose prices differ by route
        has none for a route it does not list; one whose prices do not, has them all."""
        if wanted is None:
            return self.plans
        routed = [p for p in self.plans if p.route]
        if routed and not any(p.for_route(wanted) for p in routed):
            return ()
        return tuple(p for p in self.plans if p.for_route(wanted))

    def standard_route_id(self) -> str | None:
        """The route priced when the person names none (``None``: prices do not differ by route)."""
        return self.standard_route.value if self.standard_route is not None else None

    def charge_at(
        self, id_or_kind: str, as_of: date | None = None, client: str | None = None
    ) -> Charge | None:
        """The newest observation, on or before ``as_of``, of the charge with that id or,
        when no charge has that id, of any charge of that kind (``"consult"``)."""
        matches = [c for c in self.charges if c.id == id_or_kind] or [
            c for c in self.charges if c.kind == id_or_kind
        ]
        if client is not None:
            matches = [c for c in matches if c.client in (client, "any")]
        return newest(matches, as_of)

    def observed_dates(self) -> list[date]:
        return [obs.as_of for obs in self.observations() if obs.as_of is not None]

    def source_ids(self) -> list[str]:
        return list(dict.fromkeys(obs.source for obs in self.observations()))


class RuleSpan(NamedTuple):
    """One source's word on when a rule is in force (see ``models.RuleSpan``)."""

    source: Slug
    as_of: date
    starts: date | None = None
    ends: date | None = None  # None: no end given
    note: str | None = None


class Rule(NamedTuple):
    """A regulatory rule over a span of dates in a jurisdiction ("US" or a state)."""

    id: Slug
    name: str
    jurisdiction: Literal["US", "states"] | StateCode  # "states": see fields.EVERY_OTHER_STATE
    kind: RuleKind
    effect: str
    short: Annotated[str, Length(max=60)]  # the table's words
    spans: Annotated[tuple[RuleSpan, ...], NonEmpty]

    def span_at(self, as_of: date | None) -> RuleSpan | None:
        """The newest word on the rule's span, on or before ``as_of``."""
        return newest(self.spans, as_of)


class AltFigure(NamedTuple):
    """One sourced figure of a treatment given elsewhere than at home (see ``models.AltFigure``)."""

    source: Slug
    what: str
    as_of: date | None = None
    amount: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    note: str | None = None


class Alternative(NamedTuple):
    """A treatment a person may price against at-home care; never a provider (``models.Alternative``)."""

    id: Slug
    name: str
    setting: str
    figures: Annotated[tuple[AltFigure, ...], NonEmpty]
    notes: tuple[Fact[str], ...] = ()


def _observations(node: Any) -> Iterator[Any]:
    for value in node:
        if isinstance(value, tuple):
            if hasattr(value, "_fields") and "source" in value._fields:
                yield value
            yield from _observations(value)


class Catalog:
    """Every provider and source of one data file, with name lookup.

    ``warnings`` holds what a person should know about the data as loaded (one
    line each, e.g. figures dated after today); the shell prints them on stderr.
    """

    __slots__ = ("sources", "providers", "path", "warnings", "regulation", "alternatives", "_index")

    def __init__(
        self,
        sources: dict[str, Source],
        providers: tuple[Provider, ...],
        path: str = "",
        warnings: tuple[str, ...] = (),
        regulation: tuple[Rule, ...] = (),
        alternatives: tuple[Alternative, ...] = (),
    ) -> None:
        self.sources = sources
        self.regulation = regulation
        self.alternatives = alternatives
        self.providers = providers
        self.path = path
        self.warnings = warnings
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

    def dated_after(self, day: date) -> list[date]:
        """Every date of a source or an observation later than ``day``, oldest first
        (a promo's end date is not an observation and may lie ahead)."""
        dates = [s.date for s in self.sources.values() if s.date is not None and s.date > day]
        for provider in self.providers:
            dates += [d for d in provider.observed_dates() if d > day]
        dates += [s.as_of for rule in self.regulation for s in rule.spans if s.as_of > day]
        dates += [
            d
            for alt in self.alternatives
            for d in (*(f.as_of for f in alt.figures), *(n.as_of for n in alt.notes))
            if d is not None and d > day
        ]
        return sorted(dates)


_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def name_key(name: str) -> str:
    """What two spellings of a provider's name share (``Better U`` = ``better-u``)."""
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


def known_on(observations: Iterable[ObsT], as_of: date | None) -> tuple[ObsT, ...]:
    """The observations said on or before ``as_of`` (an undated one always; every one
    without ``as_of``), in their order."""
    return tuple(o for o in observations if as_of is None or o.as_of is None or o.as_of <= as_of)


def as_known_on(provider: Provider, as_of: date) -> Provider:
    """The provider as known on ``as_of``: each of its lists of observations, at any depth
    (a plan's prices too), keeps those said on or before that day (:func:`known_on`), and a
    single observation said later (its standard route) is not known yet."""
    return _known_on(provider, as_of)  # type: ignore[no-any-return]


def _known_on(record: Any, as_of: date) -> Any:
    changes: dict[str, Any] = {}
    for name, value in zip(record._fields, record, strict=True):
        if type(value) is tuple and value and hasattr(value[0], "_fields"):
            if "source" in value[0]._fields:  # observations
                kept = known_on(value, as_of)
            else:  # records holding observations (plans)
                kept = tuple(_known_on(v, as_of) for v in value)
            if kept != value:
                changes[name] = kept
        elif hasattr(value, "_fields") and value.as_of is not None and value.as_of > as_of:
            changes[name] = None
    return record._replace(**changes) if changes else record


def disputed(
    facts: Iterable[Fact[T]], as_of: date | None, sources: Mapping[str, Source]
) -> tuple[Fact[T], ...]:
    """The observations of a fact that the sources dispute, oldest first; ``()`` when none.

    Observations on or before ``as_of`` are disputed when their values differ and
    the newest of them is not from a tier A (first-party) source: a newer
    third-party figure does not silently settle what another source said. Meant
    for enumerated facts (:data:`ENUMERATED_FACTS`: yes/no and fixed words).
    """
    seen = known_on(facts, as_of)
    if len({_hashable(f.value) for f in seen}) < 2:
        return ()
    latest = newest(seen)
    source = sources.get(latest.source) if latest is not None else None
    if source is not None and source.tier == "A":
        return ()
    return tuple(sorted(seen, key=_rank))


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


# --------------------------------------------------------------- building

Convert = Callable[[Any], Any]


def _date(text: str) -> date:
    return date.fromisoformat(text)


def _record(cls: Any, item: Mapping[str, Any]) -> Any:
    """One record of ``cls`` from a JSON mapping, each field through its converter.

    A key the record does not have is an error (``KeyError``), so that a model
    field forgotten in its record cannot be dropped silently.
    """
    fields = cls._fields
    extra = [key for key in item if key not in fields]
    if extra:
        raise KeyError(f"{cls.__name__} has no field {extra[0]!r}")
    table = CONVERTERS.get(cls, {})
    values = {}
    for name in fields:
        value = item.get(name)
        if value is None:
            continue  # the record's default (a required field then fails loudly)
        convert = table.get(name)
        values[name] = convert(value) if convert is not None else value
    return cls(**values)


def _one(cls: Any) -> Convert:
    return lambda item: _record(cls, item)


def _many(cls: Any) -> Convert:
    return lambda items: tuple(_record(cls, item) for item in items)


def _fact(value: Convert | None = None) -> Convert:
    def convert(item: Mapping[str, Any]) -> Fact[Any]:
        fact = _record(Fact, item)
        return fact._replace(value=value(fact.value)) if value is not None else fact

    return convert


def _facts(value: Convert | None = None) -> Convert:
    one = _fact(value)
    return lambda items: tuple(one(item) for item in items)


def _plan(item: Mapping[str, Any]) -> Plan:
    prices = item.get("prices") or ()
    item = {
        **item,
        "prices": [p for p in prices if p.get("kind", "regular") in CHARGED_PRICE_KINDS],
        "quotes": [p for p in prices if p.get("kind", "regular") not in CHARGED_PRICE_KINDS],
    }
    return _record(Plan, item)


#: record -> {field: converter from its JSON value}; fields not listed are kept as they are
CONVERTERS: dict[type, dict[str, Convert]] = {
    Source: {"date": _date},
    Fact: {"as_of": _date},
    Installments: {"amount": Decimal},
    PriceObs: {
        "as_of": _date, "ends": _date, "price": Decimal, "pay_in_full_discount": Decimal,
        "installments": _one(Installments),
    },
    Plan: {
        "route": lambda r: route_id(r) or r, "prices": _many(PriceObs), "quotes": _many(PriceObs),
        "insurance_prices": _many(PriceObs),
    },
    StatesObs: {"as_of": _date, "codes": frozenset},
    InClinic: {"as_of": _date, "states": tuple},
    InsurerList: {"as_of": _date, "by_state": lambda m: {k: tuple(v) for k, v in m.items()}},
    Charge: {
        "as_of": _date, "ends": _date, "amount": Decimal, "low": Decimal, "high": Decimal, "regular": Decimal,
    },
    RefundStep: {"owed": Decimal, "owed_low": Decimal, "owed_high": Decimal, "owed_share": Decimal},
    PlanCondition: {"as_of": _date},
    RefundPolicy: {"as_of": _date, "plans": tuple, "steps": _many(RefundStep)},
    SitterCost: {
        "as_of": _date, "low": Decimal, "high": Decimal, "first_session_hours": Decimal,
        "later_session_hours": Decimal,
    },
    Provider: {
        "aliases": tuple, "refund_policy": _many(RefundPolicy), "hired_sitter": _many(SitterCost),
        "plan_conditions": _many(PlanCondition), "states": _many(StatesObs), "in_clinic": _many(InClinic),
        "plans": lambda items: tuple(_plan(i) for i in items), "standard_route": _fact(),
        "charges": _many(Charge), "consult": _facts(_one(Consult)), "insurers": _many(InsurerList),
        "routes": _facts(tuple),
        **dict.fromkeys(
            ("status", "insurance", "hsa_fsa", "sitter_required", "id_verification", "integration",
             "starter_kit", "dose_flexibility", "trd_suitability", "cost_notes", "notes", "payment_terms"),
            _facts(),
        ),
    },
    RuleSpan: {"as_of": _date, "starts": _date, "ends": _date},
    Rule: {"spans": _many(RuleSpan)},
    AltFigure: {"as_of": _date, "amount": Decimal, "low": Decimal, "high": Decimal},
    Alternative: {"figures": _many(AltFigure), "notes": _facts()},
}  # fmt: skip

#: record -> the name of the model in ``ketacalc.data.models`` it mirrors
MODEL_OF: dict[type, str] = {
    Source: "Source", Fact: "Fact", Installments: "Installments", PriceObs: "PriceObservation",
    Plan: "Plan", StatesObs: "StatesObservation", InClinic: "InClinic", InsurerList: "InsurerList",
    Consult: "Consult", Charge: "Charge", Provider: "Provider", RefundStep: "RefundStep",
    RefundPolicy: "RefundPolicy", SitterCost: "SitterCost", PlanCondition: "PlanCondition",
    RuleSpan: "RuleSpan", Rule: "Rule", AltFigure: "AltFigure", Alternative: "Alternative",
}  # fmt: skip

#: record fields that no model field holds: computed while building
DERIVED: dict[type, frozenset[str]] = {
    Source: frozenset({"id"}),  # the key of the ``sources:`` mapping
    Plan: frozenset({"quotes"}),  # the starting and pay-in-full ``prices``
}


def build(data: Mapping[str, Any], path: str = "", warnings: tuple[str, ...] = ()) -> Catalog:
    """Build the catalog from validated data dumped as JSON-compatible values.

    Raises ``KeyError``, ``TypeError``, ``ValueError`` or ``AttributeError`` on
    data of the wrong shape (a damaged cache file, which the loader then rebuilds).
    """
    sources = {sid: _record(Source, {**item, "id": sid}) for sid, item in data["sources"].items()}
    providers = tuple(_record(Provider, item) for item in data["providers"])
    regulation = tuple(_record(Rule, item) for item in data.get("regulation", ()))
    alternatives = tuple(_record(Alternative, item) for item in data.get("alternatives", ()))
    return Catalog(
        sources=sources,
        providers=providers,
        path=path,
        warnings=warnings,
        regulation=regulation,
        alternatives=alternatives,
    )
