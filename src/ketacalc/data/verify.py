"""The catalog read back from the cache, checked as strictly as the data file.

A cache file's checksum proves it intact, not valid: anyone who can write the
cache directory can write a well-formed entry whose plans have 0 sessions. So a
catalog built from the cache goes through the constraints of the models in
:mod:`ketacalc.data.models` (types, ranges, enumerations, lengths, no control
characters, the cross-record rules), here in plain Python so that a warm start
still imports no Pydantic. :func:`verify` raises :class:`Untrusted` at the
first value out of bounds; the loader then rebuilds the cache from the data
file. ``tests/test_cache_trust.py`` checks that whatever the models refuse in a
dumped data file, this refuses too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from ketacalc.data.catalog import (
    Catalog,
    Charge,
    Consult,
    Fact,
    InClinic,
    Installments,
    InsurerList,
    Plan,
    PlanCondition,
    PriceObs,
    Provider,
    RefundPolicy,
    RefundStep,
    Rule,
    RuleSpan,
    SitterCost,
    Source,
    StatesObs,
    build,
)
from ketacalc.errors import CONTROL
from ketacalc.usstates import STATES
from ketacalc.vocab import ROUTES

Check = Callable[[Any], bool]

#: the models' enumerations (``tests/test_cache_trust.py`` compares them with the Literals)
ENUMS: dict[str, frozenset[str]] = {
    "Status": frozenset({"operating", "uncertain", "closed"}),
    "Client": frozenset({"new", "returning", "any"}),
    "Billing": frozenset({"one-time", "monthly"}),
    "Modality": frozenset({"sessions", "daily-low-dose"}),
    "PriceKind": frozenset({"regular", "starting", "pay_in_full", "promo"}),
    "ChargeKind": frozenset({"consult", "medication", "fee", "membership"}),
    "ChargePer": frozenset({"course", "session", "month", "30-days", "event", "hour"}),
    "ChargePriceKind": frozenset({"regular", "starting", "promo"}),
    "Tier": frozenset({"A", "B", "C"}),
    "YesNoMaybe": frozenset({"yes", "no", "maybe"}),
    "IdCheck": frozenset({"required", "may-ask", "not-required"}),
    "Integration": frozenset({"psychiatric-clinician", "coach", "none"}),
    "TrdSuitability": frozenset({"excellent", "good", "moderate", "limited"}),
    "Prepayment": frozenset({"none", "first-installment"}),
    "PaymentTiming": frozenset({"at-purchase"}),
    "RefundStage": frozenset({"before-consult", "after-consult", "after-session", "before-next"}),
    "Refund": frozenset({"full", "none"}),
    "RuleKind": frozenset({"flexibility", "requirement"}),
}

_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_MAX_MONEY = Decimal(10) ** 9


class Untrusted(ValueError):
    """A value of the cache that the data file's checks would refuse."""


# --------------------------------------------------------------- checks of one value


def text(value: Any) -> bool:
    return type(value) is str and 1 <= len(value) <= 2000 and CONTROL.search(value) is None


def slug(value: Any) -> bool:
    return type(value) is str and len(value) <= 64 and _SLUG.fullmatch(value) is not None


def money(value: Any) -> bool:
    """Cents as the dump writes them (``"129.00"``): a JSON ``true`` or ``5`` made into a
    Decimal has no two decimals, so it is refused too."""
    return (
        type(value) is Decimal
        and value.is_finite()
        and value.as_tuple().exponent == -2
        and 0 <= value < _MAX_MONEY
    )


def cents_within(low: Decimal, high: Decimal) -> Check:
    """A share or a number of hours: two decimals (as the dump writes them), low < value <= high."""
    return lambda value: money(value) and low < value <= high


def day(value: Any) -> bool:
    return type(value) is date


def flag(value: Any) -> bool:
    return type(value) is bool


def whole(low: int, high: int) -> Check:
    return lambda value: type(value) is int and low <= value <= high


def one_of(enum: str) -> Check:
    allowed = ENUMS[enum]
    return lambda value: type(value) is str and value in allowed


def state(value: Any) -> bool:
    return type(value) is str and value in STATES


def route(value: Any) -> bool:
    return type(value) is str and value in ROUTES


def optional(check: Check) -> Check:
    return lambda value: value is None or check(value)


def each(check: Check, container: type = tuple) -> Check:
    return lambda value: type(value) is container and all(check(v) for v in value)


# --------------------------------------------------------------- the records

_OBSERVED: dict[str, Check] = {"source": slug, "as_of": optional(day), "note": optional(text)}

FIELDS: dict[type, dict[str, Check]] = {
    Source: {
        "id": slug, "title": text, "tier": one_of("Tier"), "url": optional(text), "date": optional(day),
        "note": optional(text),
    },
    Installments: {"count": whole(1, 120), "amount": money},
    PriceObs: {
        **_OBSERVED, "as_of": day, "price": money, "kind": one_of("PriceKind"), "ends": optional(day),
        "installments": optional(lambda v: type(v) is Installments),
        "pay_in_full_discount": optional(money),
    },
    Plan: {
        "id": slug, "name": text, "sessions": whole(1, 1000), "client": one_of("Client"),
        "billing": one_of("Billing"), "modality": one_of("Modality"), "route": optional(route),
        "prices": each(lambda v: type(v) is PriceObs), "quotes": each(lambda v: type(v) is PriceObs),
        "insurance_prices": each(lambda v: type(v) is PriceObs), "note": optional(text),
    },
    StatesObs: {
        **_OBSERVED, "codes": each(state, frozenset), "complete": flag, "count": optional(whole(0, 51)),
        "count_is_minimum": flag, "old": flag,
    },
    InClinic: {**_OBSERVED, "states": lambda v: each(state)(v) and len(v) >= 1, "services": text},
    InsurerList: {
        **_OBSERVED,
        "by_state": lambda v: type(v) is dict and all(state(k) and each(text)(n) for k, n in v.items()),
    },
    Consult: {"prepayment": optional(one_of("Prepayment")), "refundable_if_ineligible": optional(flag)},
    Charge: {
        **_OBSERVED, "id": slug, "kind": one_of("ChargeKind"), "description": text,
        "per": one_of("ChargePer"), "required": flag, "client": one_of("Client"), "amount": optional(money),
        "low": optional(money), "high": optional(money), "price_kind": one_of("ChargePriceKind"),
        "ends": optional(day), "regular": optional(money),
    },
    RuleSpan: {**_OBSERVED, "as_of": day, "starts": optional(day), "ends": optional(day)},
    Rule: {
        "id": slug, "name": text, "jurisdiction": lambda v: v == "US" or state(v), "kind": one_of("RuleKind"),
        "effect": text, "short": lambda v: text(v) and len(v) <= 60,
        "spans": lambda v: len(v) >= 1 and each(lambda x: type(x) is RuleSpan)(v),
    },
    RefundStep: {
        "quote": text, "stage": one_of("RefundStage"), "after_sessions": optional(whole(1, 1000)),
        "through_sessions": optional(whole(1, 1000)), "notice_hours": optional(whole(1, 720)), "late": flag,
        "refund": optional(one_of("Refund")), "owed": optional(money), "owed_low": optional(money),
        "owed_high": optional(money), "owed_share": optional(cents_within(Decimal(0), Decimal(1))),
    },
    RefundPolicy: {
        **_OBSERVED, "plans": each(slug), "steps": lambda v: len(v) >= 1 and each(lambda s: type(s) is RefundStep)(v),
    },
    PlanCondition: {**_OBSERVED, "plan": slug, "condition": text},
    SitterCost: {
        **_OBSERVED, "low": money, "high": money, "first_session_hours": cents_within(Decimal(0), Decimal(24)),
        "later_session_hours": cents_within(Decimal(0), Decimal(24)),
    },
}  # fmt: skip


def _fact(value: Check) -> Check:
    def check(fact: Any) -> bool:
        return (
            type(fact) is Fact
            and all(c(getattr(fact, f)) for f, c in _OBSERVED.items())
            and value(fact.value)
        )

    return check


def _facts(value: Check, at_least: int = 0) -> Check:
    one = _fact(value)
    return lambda v: type(v) is tuple and len(v) >= at_least and all(one(f) for f in v)


def _records(cls: type) -> Check:
    return each(lambda v: type(v) is cls)


FIELDS[Provider] = {
    "id": slug, "name": text, "website": optional(text), "aliases": each(text),
    "status": _facts(one_of("Status"), at_least=1), "states": _records(StatesObs),
    "in_clinic": _records(InClinic), "plans": _records(Plan),
    "standard_route": optional(_fact(route)), "charges": _records(Charge),
    "consult": _facts(lambda v: type(v) is Consult), "insurance": _facts(flag),
    "insurers": _records(InsurerList), "hsa_fsa": _facts(one_of("YesNoMaybe")),
    "sitter_required": _facts(flag), "id_verification": _facts(one_of("IdCheck")),
    "integration": _facts(one_of("Integration")), "starter_kit": _facts(flag),
    "routes": _facts(each(text)), "dose_flexibility": _facts(text),
    "trd_suitability": _facts(one_of("TrdSuitability")), "cost_notes": _facts(text), "notes": _facts(text),
    "payment_terms": _facts(one_of("PaymentTiming")), "refund_policy": _records(RefundPolicy),
    "hired_sitter": _records(SitterCost), "plan_conditions": _records(PlanCondition),
}  # fmt: skip


def _record(record: Any) -> None:
    checks = FIELDS[type(record)]
    for name in record._fields:
        if not checks[name](getattr(record, name)):
            raise Untrusted(f"{type(record).__name__}.{name}")
    for value in record:  # nested records: plans, prices, charges, consult facts...
        for inner in value if type(value) is tuple else (value,):
            if type(inner) is Fact:
                inner = inner.value
            if type(inner) in FIELDS:
                _record(inner)


# --------------------------------------------------------------- rules across fields (the models' validators)


def _rules(provider: Provider) -> Iterable[bool]:
    for plan in provider.plans:
        for obs in (*plan.prices, *plan.quotes, *plan.insurance_prices):
            inst = obs.installments
            yield inst is None or inst.count * inst.amount == obs.price
            yield obs.pay_in_full_discount is None or obs.pay_in_full_discount <= obs.price
            yield obs.ends is None or (obs.kind == "promo" and obs.ends >= obs.as_of)
        yield all(o.kind in ("regular", "promo") for o in plan.prices)
        yield all(o.kind not in ("regular", "promo") for o in plan.quotes)
    for obs in provider.states:
        yield len(obs.codes) > 0 or obs.count is not None
        yield not obs.complete or (
            len(obs.codes) > 0
            and (obs.count is None or (obs.count == len(obs.codes) and not obs.count_is_minimum))
        )
    kinds: dict[str, str] = {}
    for charge in provider.charges:
        ranged = charge.low is not None or charge.high is not None
        yield not (ranged and charge.amount is not None)
        yield not ranged or (charge.low is not None and charge.high is not None and charge.low < charge.high)
        yield charge.ends is None or (
            charge.price_kind == "promo" and (charge.as_of is None or charge.ends >= charge.as_of)
        )
        yield kinds.setdefault(charge.id, charge.kind) == charge.kind
    routes = {p.route for p in provider.plans if p.route is not None}
    standard = provider.standard_route_id()
    yield not routes or standard is not None
    yield standard is None or standard in routes
    plan_ids = [p.id for p in provider.plans]
    yield len(plan_ids) == len(set(plan_ids))
    yield all(c.plan in plan_ids for c in provider.plan_conditions)
    yield all(s.low < s.high for s in provider.hired_sitter)
    for policy in provider.refund_policy:
        yield all(p in plan_ids for p in policy.plans)
        yield from _ladder(policy)


_STAGES = {"before-consult": 0, "after-consult": 1, "after-session": 2, "before-next": 3}


def _ladder(policy: RefundPolicy) -> Iterable[bool]:
    """``models.RefundStep`` and ``models.RefundPolicy``'s rules: one outcome a step,
    a ladder in order, what is owed never falling."""
    last_key: tuple[int, int] = (-1, 0)
    last_owed: Decimal | None = None
    for step in policy.steps:
        ranged = step.owed_low is not None or step.owed_high is not None
        outcomes = [step.refund is not None, step.owed is not None, ranged, step.owed_share is not None]
        yield sum(outcomes) == 1
        yield (step.owed_low is None) == (step.owed_high is None)
        yield step.owed_low is None or step.owed_high is None or step.owed_low < step.owed_high
        yield (step.stage == "after-session") == (step.after_sessions is not None)
        yield step.through_sessions is None or (
            step.after_sessions is not None and step.through_sessions >= step.after_sessions
        )
        yield not step.late or step.notice_hours is not None
        key = (_STAGES[step.stage], step.after_sessions or 0)
        yield key >= last_key
        owed = step.owed if step.owed is not None else step.owed_low
        if step.stage in ("after-consult", "after-session") and owed is not None:
            yield last_owed is None or owed >= last_owed
            last_owed = owed
        last_key = key


def verify(catalog: Catalog) -> Catalog:
    """``catalog`` itself when every value passes the data file's checks; else :class:`Untrusted`."""
    if type(catalog.sources) is not dict or type(catalog.providers) is not tuple:
        raise Untrusted("catalog")
    for sid, source in catalog.sources.items():
        if type(source) is not Source or source.id != sid:
            raise Untrusted("sources")
        _record(source)
    ids: set[str] = set()
    for provider in catalog.providers:
        if type(provider) is not Provider:
            raise Untrusted("providers")
        _record(provider)
        if provider.id in ids or not all(_rules(provider)):
            raise Untrusted(f"provider {provider.id}")
        ids.add(provider.id)
        for obs in provider.observations():
            if obs.source not in catalog.sources:
                raise Untrusted(f"source of {provider.id}")
    if type(catalog.regulation) is not tuple:
        raise Untrusted("regulation")
    rules: set[str] = set()
    for rule in catalog.regulation:
        if type(rule) is not Rule or rule.id in rules:
            raise Untrusted("regulation")
        _record(rule)
        rules.add(rule.id)
        spans_ordered = all(s.starts is None or s.ends is None or s.starts <= s.ends for s in rule.spans)
        ends_known = rule.kind != "flexibility" or any(s.ends is not None for s in rule.spans)
        if not (spans_ordered and ends_known) or any(s.source not in catalog.sources for s in rule.spans):
            raise Untrusted(f"rule {rule.id}")
    return catalog


#: the keys and the version of a data file (``models.DataFile``); ``regulation`` may be left out
TOP_KEYS = frozenset({"version", "sources", "providers", "regulation"})
REQUIRED_KEYS = frozenset({"version", "sources", "providers"})
VERSION = 1


def trusted(data: Any, path: str = "") -> Catalog:
    """The catalog of a cache entry's ``data``, checked as strictly as the data file;
    :class:`Untrusted` (or the builder's own error) when anything is out of bounds."""
    if (
        type(data) is not dict
        or not REQUIRED_KEYS <= set(data) <= TOP_KEYS
        or type(data["version"]) is not int
    ):
        raise Untrusted("top level")
    if data["version"] != VERSION or type(data["sources"]) is not dict or type(data["providers"]) is not list:
        raise Untrusted("top level")
    if type(data.get("regulation", [])) is not list:
        raise Untrusted("top level")
    import gc

    # the checks make no cycles: without the collector walking the records just
    # built (again and again), building and checking costs a few ms, not 20
    enabled = gc.isenabled()
    gc.disable()
    try:
        return verify(build(data, path))
    finally:
        if enabled:
            gc.enable()
