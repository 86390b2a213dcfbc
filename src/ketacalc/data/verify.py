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

The checks of each field are not written here: :func:`check_of` derives them from
the records' own annotations in :mod:`ketacalc.data.catalog` (``typing.get_type_hints``,
their words from :mod:`ketacalc.data.fields`):
what each plain type means (:data:`PLAIN`: text, an amount, a flag, a date), each
named set (:data:`NAMED`), a ``Literal``'s words, ``Optional``, a union, ``tuple[X, ...]``,
``frozenset``, ``dict``, nested and generic records (``Fact[X]``), and the
``Annotated`` constraints (``Bounds``, ``Length``). A field added to a record needs no
edit here. Only the rules across fields (the models' validators) are written out below.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from types import NoneType, UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

from ketacalc.data import fields
from ketacalc.data.catalog import Alternative, Catalog, Provider, RefundPolicy, Rule, Source, build
from ketacalc.data.fields import EVERY_OTHER_STATE, ROUTE, SLUG, STATE, Bounds, Length, Named
from ketacalc.errors import CONTROL
from ketacalc.usstates import STATES
from ketacalc.vocab import ROUTES

Check = Callable[[Any], bool]

_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_MAX_MONEY = Decimal(10) ** 9


class Untrusted(ValueError):
    """A value of the cache that the data file's checks would refuse."""


# --------------------------------------------------------------- checks of one value


def text(value: Any) -> bool:
    return (
        type(value) is str
        and 1 <= len(value) <= 2000
        and not value.isspace()
        and CONTROL.search(value) is None
    )


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


def day(value: Any) -> bool:
    return type(value) is date


def flag(value: Any) -> bool:
    return type(value) is bool


def state(value: Any) -> bool:
    return type(value) is str and value in STATES


def route(value: Any) -> bool:
    return type(value) is str and value in ROUTES


def whole(value: Any) -> bool:
    """An ``int`` (never a ``bool``): only with its :class:`~ketacalc.data.catalog.Bounds`."""
    return type(value) is int


def optional(check: Check) -> Check:
    return lambda value: value is None or check(value)


def each(check: Check, container: type = tuple) -> Check:
    return lambda value: type(value) is container and all(check(v) for v in value)


def one_of(words: Iterable[str]) -> Check:
    allowed = frozenset(words)
    return lambda value: type(value) is str and value in allowed


def bounded(check: Check, bounds: Bounds) -> Check:
    ge, gt, le = bounds.ge, bounds.gt, bounds.le
    return lambda value: (
        check(value)
        and (ge is None or value >= ge)
        and (gt is None or value > gt)
        and (le is None or value <= le)
    )


def sized(check: Check, length: Length) -> Check:
    least, most = length.min, length.max
    return lambda value: check(value) and least <= len(value) and (most is None or len(value) <= most)


# --------------------------------------------------------------- the checks, derived from the records' annotations

#: what a plain type means in a record's annotation (an ``int`` needs ``Bounds``: no default range)
PLAIN: dict[Any, Check] = {str: text, Decimal: money, bool: flag, date: day}
#: the named sets of ``Annotated[str, ...]``
NAMED: dict[Named, Check] = {SLUG: slug, STATE: state, ROUTE: route}

_derived: dict[Any, Check] = {}


def check_of(hint: Any) -> Check:
    """The check of a value annotated ``hint`` in a record (or of a record itself): true
    when the value passes; a record's check raises :class:`Untrusted` naming the field that
    does not. ``TypeError`` for an annotation that says too little (an ``int`` without bounds)."""
    found = _derived.get(hint)
    if found is None:
        found = _derived[hint] = _derive(hint)
    return found


def _is_record(hint: Any) -> bool:
    return isinstance(hint, type) and issubclass(hint, tuple) and hasattr(hint, "_fields")


def _derive(hint: Any) -> Check:
    origin, args = get_origin(hint), get_args(hint)
    if origin is Annotated:
        return _annotated(args[0], args[1:])
    if origin is Union or origin is UnionType:
        options = [check_of(a) for a in args if a is not NoneType]
        one = options[0] if len(options) == 1 else (lambda value: any(c(value) for c in options))
        return optional(one) if NoneType in args else one
    if origin is Literal and all(type(a) is str for a in args):
        return one_of(args)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return each(check_of(args[0]), tuple)
    if origin is frozenset:
        return each(check_of(args[0]), frozenset)
    if origin is dict:
        key, item = check_of(args[0]), check_of(args[1])
        return lambda value: type(value) is dict and all(key(k) and item(v) for k, v in value.items())
    if _is_record(origin):  # a generic record: Fact[str]
        return _record(origin, dict(zip(origin.__parameters__, args, strict=True)))
    if _is_record(hint):
        return _record(hint, {})
    if hint in PLAIN:
        return PLAIN[hint]
    raise TypeError(f"the cache check cannot read the annotation {hint!r} (an int needs Bounds)")


def _annotated(base: Any, metadata: tuple[Any, ...]) -> Check:
    if base is int and not any(type(m) is Bounds for m in metadata):
        raise TypeError(f"an int needs Bounds: {base!r} {metadata!r}")
    check = whole if base is int else check_of(base)
    for item in metadata:
        if type(item) is Named and base is str:
            check = NAMED[item]
        elif type(item) is Bounds:
            check = bounded(check, item)
        elif type(item) is Length:
            check = sized(check, item)
        else:
            raise TypeError(f"the cache check cannot read {item!r} on {base!r}")
    return check


_hints: dict[type, dict[str, Any]] = {}
#: the words of the records' annotations, which catalog imports only for type checkers
_WORDS = vars(fields)


def _record(cls: Any, parameters: dict[Any, Any]) -> Check:
    hints = _hints.get(cls)
    if hints is None:  # once for Fact, however many Fact[X]
        hints = _hints[cls] = get_type_hints(cls, localns=_WORDS, include_extras=True)
    checks = tuple(check_of(parameters.get(hints[name], hints[name])) for name in cls._fields)
    names = tuple(f"{cls.__name__}.{name}" for name in cls._fields)

    def check(record: Any) -> bool:
        if type(record) is not cls:
            return False
        for field, value, name in zip(checks, record, names):  # noqa: B905 - a record of cls has them all
            if not field(value):
                raise Untrusted(name)
        return True

    return check


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
        yield not (charge.self_pay_only and charge.required)  # only an optional one is left out
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


_SOURCE, _PROVIDER, _RULE = check_of(Source), check_of(Provider), check_of(Rule)
_ALTERNATIVE = check_of(Alternative)


def _one_figure(f: Any) -> bool:
    """An alternative's figure is one amount or a range, low below high (``models.AltFigure``)."""
    if f.amount is not None:
        return f.low is None and f.high is None
    return f.low is not None and f.high is not None and f.low < f.high


def verify(catalog: Catalog) -> Catalog:
    """``catalog`` itself when every value passes the data file's checks; else :class:`Untrusted`."""
    if type(catalog.sources) is not dict or type(catalog.providers) is not tuple:
        raise Untrusted("catalog")
    for sid, source in catalog.sources.items():
        if not _SOURCE(source) or source.id != sid:
            raise Untrusted("sources")
    ids: set[str] = set()
    for provider in catalog.providers:
        if not _PROVIDER(provider):
            raise Untrusted("providers")
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
        if not _RULE(rule) or rule.id in rules:
            raise Untrusted("regulation")
        rules.add(rule.id)
        spans_ordered = all(s.starts is None or s.ends is None or s.starts <= s.ends for s in rule.spans)
        ends_known = rule.kind != "flexibility" or any(s.ends is not None for s in rule.spans)
        # a caution speaks for the states without a rule of their own, and only it does
        caution_placed = (rule.kind == "caution") == (rule.jurisdiction == EVERY_OTHER_STATE)
        if not (spans_ordered and ends_known and caution_placed) or any(
            s.source not in catalog.sources for s in rule.spans
        ):
            raise Untrusted(f"rule {rule.id}")
    if type(catalog.alternatives) is not tuple:
        raise Untrusted("alternatives")
    alternatives: set[str] = set()
    for alt in catalog.alternatives:
        if not _ALTERNATIVE(alt) or alt.id in alternatives or not all(map(_one_figure, alt.figures)):
            raise Untrusted("alternatives")
        alternatives.add(alt.id)
        if any(o.source not in catalog.sources for o in (*alt.figures, *alt.notes)):
            raise Untrusted(f"source of {alt.id}")
    return catalog


#: the keys and the version of a data file (``models.DataFile``); ``regulation`` may be left out
TOP_KEYS = frozenset({"version", "sources", "providers", "regulation", "alternatives"})
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
    if type(data.get("regulation", [])) is not list or type(data.get("alternatives", [])) is not list:
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
