"""The runtime catalog mirrors the schema, field for field, and answers the
questions the core asks of it: which prices a buyer is charged, which route a
plan is for, which charge applies on a date, and which facts sources dispute."""

from __future__ import annotations

import inspect
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from ketacalc.data import catalog as cat
from ketacalc.data import models
from ketacalc.data.catalog import DERIVED, MODEL_OF, build, disputed
from ketacalc.data.loader import load, load_catalog

TODAY = date(2026, 11, 21)
FULL = Path(__file__).resolve().parent / "data" / "good" / "full.yaml"


@pytest.fixture(scope="module")
def full() -> cat.Catalog:
    return build(load(FULL, today=TODAY).model_dump(mode="json", exclude_none=True), str(FULL))


def _records() -> list[type]:
    return [
        obj
        for obj in vars(cat).values()
        if inspect.isclass(obj) and issubclass(obj, tuple) and hasattr(obj, "_fields")
    ]


def _models() -> list[type]:
    abstract = {models.Strict, models.Observation, models.DataFile}
    return [
        obj
        for obj in vars(models).values()
        if inspect.isclass(obj) and issubclass(obj, models.Strict) and obj not in abstract
    ]


# --------------------------------------------------------------- one source of truth


def test_every_record_mirrors_a_model_and_every_model_has_a_record() -> None:
    assert set(_records()) == set(MODEL_OF), "a catalog record without a model pair, or the reverse"
    assert {getattr(models, name) for name in MODEL_OF.values()} == set(_models())


@pytest.mark.parametrize("record", list(MODEL_OF), ids=lambda r: r.__name__)
def test_record_has_exactly_the_fields_of_its_model(record: type) -> None:
    model: type[BaseModel] = getattr(models, MODEL_OF[record])
    derived = DERIVED.get(record, frozenset())
    record_fields = set(record._fields) - derived  # type: ignore[attr-defined]
    assert record_fields == set(model.model_fields), (
        f"{record.__name__} and models.{model.__name__} differ: "
        f"only in the record {sorted(record_fields - set(model.model_fields))}, "
        f"only in the model {sorted(set(model.model_fields) - record_fields)}"
    )
    assert not derived & set(model.model_fields), "a derived field is also a model field"


@pytest.mark.parametrize("record", list(cat.CONVERTERS), ids=lambda r: r.__name__)
def test_converters_name_real_fields(record: type) -> None:
    assert set(cat.CONVERTERS[record]) <= set(record._fields)  # type: ignore[attr-defined]


def test_the_catalog_needs_no_pydantic_field_the_data_file_lacks() -> None:
    assert set(models.DataFile.model_fields) - {"version"} <= set(cat.Catalog.__slots__)


def test_a_key_the_record_lacks_is_refused_not_dropped() -> None:
    with pytest.raises(KeyError, match="has no field 'colour'"):
        build({"sources": {"s": {"title": "S", "tier": "A", "colour": "red"}}, "providers": []})


def _walk(node: Any, path: str = "catalog"):
    yield path, node
    if isinstance(node, tuple) and hasattr(node, "_fields"):
        for name, value in zip(node._fields, node, strict=True):
            yield from _walk(value, f"{path}.{name}")
    elif isinstance(node, (tuple, frozenset)):
        for index, value in enumerate(node):
            yield from _walk(value, f"{path}[{index}]")
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, f"{path}[{key!r}]")


def test_every_value_has_its_runtime_type(full: cat.Catalog) -> None:
    """Built from a file that uses every field: dates are dates, money is Decimal,
    nested records are records and lists are tuples (immutable all the way down)."""
    for path, value in _walk((full.providers, tuple(full.sources.values()))):
        assert not isinstance(value, list), f"{path} is a list"
        leaf = path.rsplit(".", 1)[-1]
        if leaf in ("as_of", "date", "ends") and value is not None:
            assert type(value) is date, path
        if leaf in ("price", "amount", "low", "high", "pay_in_full_discount") and value is not None:
            assert isinstance(value, Decimal), path


def test_the_full_fixture_sets_every_field_of_every_record(full: cat.Catalog) -> None:
    """Otherwise a field could be built wrongly without any test noticing."""
    set_somewhere: dict[str, set[str]] = {}
    for _path, value in _walk(
        (full.providers, tuple(full.sources.values()), full.regulation, full.alternatives)
    ):
        if isinstance(value, tuple) and hasattr(value, "_fields"):
            defaults = type(value)._field_defaults
            set_somewhere.setdefault(type(value).__name__, set()).update(
                name
                for name, v in zip(value._fields, value, strict=True)
                if name not in defaults or v != defaults[name]
            )
    for record in MODEL_OF:
        missing = set(record._fields) - set_somewhere.get(record.__name__, set())  # type: ignore[attr-defined]
        assert not missing, f"full.yaml never sets {record.__name__}.{sorted(missing)}"


def test_cache_round_trip_gives_the_same_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KETACALC_CACHE_DIR", str(tmp_path))
    cold = load_catalog(FULL, today=TODAY)
    assert list(tmp_path.glob("ketacalc-data-*.json")), "no cache file was written"
    warm = load_catalog(FULL, today=TODAY)
    assert warm.providers == cold.providers
    assert warm.sources == cold.sources
    assert warm.regulation == cold.regulation != ()
    assert warm.alternatives == cold.alternatives != ()


# --------------------------------------------------------------- prices, routes, charges


def test_quotes_are_kept_apart_from_prices(full: cat.Catalog) -> None:
    plan = full.find("acme").plans[0]
    assert [(o.kind, o.price) for o in plan.prices] == [
        ("regular", Decimal("1200.00")),
        ("promo", Decimal("900.00")),
    ]
    assert [(o.kind, o.price) for o in plan.quotes] == [
        ("pay_in_full", Decimal("1100.00")),
        ("starting", Decimal("999.00")),
    ]
    assert plan.prices[1].ends == date(2099, 12, 31)


def test_routes_are_stored_as_ids_and_matched_by_alias(full: cat.Catalog) -> None:
    acme = full.find("acme")
    assert [p.route for p in acme.plans] == ["tablet", "injection", None]
    assert acme.standard_route_id() == "tablet"
    assert [p.id for p in acme.plans_for_route("subcutaneous injection")] == ["injections-6", "daily"]
    assert [p.id for p in acme.plans_for_route("RDT")] == ["tablets-6", "daily"]
    assert acme.plans_for_route("nasal spray") == ()
    assert acme.plans_for_route("t") == ()  # never a substring match
    assert full.find("bare").standard_route_id() is None


def test_modality(full: cat.Catalog) -> None:
    assert [p.modality for p in full.find("acme").plans] == ["sessions", "sessions", "daily-low-dose"]


def test_charge_at_picks_the_newest_observation_on_or_before_the_date(full: cat.Catalog) -> None:
    acme = full.find("acme")
    assert acme.charge_at("consultation", date(2026, 1, 31)).amount == Decimal("0.00")
    promo = acme.charge_at("consult", date(2026, 3, 1))  # by kind
    assert (promo.amount, promo.price_kind, promo.ends) == (Decimal("199.00"), "promo", date(2099, 1, 31))
    assert acme.charge_at("consult", date(2025, 1, 1)) is None
    assert acme.charge_at("membership", client="new") is None
    assert acme.charge_at("membership", client="returning").amount == Decimal("10.00")
    assert acme.charge_at("nothing") is None


def test_charges_in_force_give_each_charge_once(full: cat.Catalog) -> None:
    from ketacalc.domain.charges import in_force

    charges = in_force(full.find("acme").charges, date(2026, 3, 1), "new")
    assert [c.id for c in charges] == ["consultation", "medication", "no-show", "monitor", "session-fee"]
    returning = in_force(full.find("acme").charges, date(2026, 3, 1), "returning")
    assert "membership" in [c.id for c in returning]  # a returning client's charge only
    by_id = {c.id: c for c in charges}
    assert (by_id["medication"].low, by_id["medication"].high) == (Decimal("50.00"), Decimal("150.00"))
    assert by_id["no-show"].required is False
    assert by_id["monitor"].priced is False  # named without a figure: unpriced, never 0
    assert by_id["consultation"].priced


def test_observations_include_charges_quotes_and_the_standard_route(full: cat.Catalog) -> None:
    acme = full.find("acme")
    assert date(2026, 2, 1) in acme.observed_dates()  # the promo consultation
    assert date(2025, 6, 13) in acme.observed_dates()  # the starting quote
    assert acme.source_ids() == ["site", "review"]


def test_dated_after_ignores_promo_end_dates(full: cat.Catalog) -> None:
    assert full.dated_after(TODAY) == []
    assert full.dated_after(date(2026, 1, 9))[0] == date(2026, 1, 10)


# --------------------------------------------------------------- disputed facts

SOURCES = {
    "site": {"title": "Own site", "tier": "A"},
    "press": {"title": "Newspaper", "tier": "B"},
    "rival": {"title": "A competitor's page", "tier": "C"},
}


def _hsa(*observations: tuple[str, str | None, str]) -> cat.Catalog:
    facts = [{"value": v, "source": s, **({"as_of": d} if d else {})} for s, d, v in observations]
    return build({
        "sources": SOURCES,
        "providers": [{"id": "p", "name": "P", "status": [{"value": "operating", "source": "site"}],
                       "hsa_fsa": facts}],
    })  # fmt: skip


def test_disagreeing_sources_with_a_third_party_newest_are_disputed() -> None:
    c = _hsa(("press", "2025-06-13", "yes"), ("rival", "2026-05-05", "no"))
    found = disputed(c.providers[0].hsa_fsa, TODAY, c.sources)
    assert [(f.source, f.value) for f in found] == [("press", "yes"), ("rival", "no")]


def test_a_first_party_newest_settles_the_fact() -> None:
    c = _hsa(("rival", "2025-06-13", "no"), ("site", "2026-05-05", "yes"))
    assert disputed(c.providers[0].hsa_fsa, TODAY, c.sources) == ()


def test_agreeing_sources_are_not_disputed() -> None:
    c = _hsa(("press", "2025-06-13", "yes"), ("rival", "2026-05-05", "yes"))
    assert disputed(c.providers[0].hsa_fsa, TODAY, c.sources) == ()


def test_dispute_counts_only_observations_on_or_before_the_date() -> None:
    c = _hsa(("press", "2025-06-13", "yes"), ("rival", "2026-05-05", "no"))
    assert disputed(c.providers[0].hsa_fsa, date(2025, 12, 31), c.sources) == ()
    undated = _hsa(("press", None, "yes"), ("rival", "2026-05-05", "no"))
    assert len(disputed(undated.providers[0].hsa_fsa, date(2026, 6, 1), undated.sources)) == 2


def test_no_facts_no_dispute() -> None:
    assert disputed((), TODAY, {}) == ()


def test_a_provider_as_known_on_a_day_keeps_only_what_was_said_by_then(catalog) -> None:
    """At every depth: its facts, its plans' prices, its standard route (said on 2025-06-13)."""
    alder = catalog.find("alder")
    before = cat.as_known_on(alder, date(2025, 6, 12))
    assert before.standard_route is None
    assert all(o.as_of is None or o.as_of <= date(2025, 6, 12) for o in before.observations())
    assert len(list(before.observations())) < len(list(alder.observations()))
    assert [p.id for p in before.plans] == [p.id for p in alder.plans]  # the plans stay, unpriced
    assert cat.as_known_on(alder, date(2099, 1, 1)) is alder  # nothing said later: the same record
