"""Behaviour of the pure core that the example tests do not reach: insurance that
covers only some plans, routes and client types a provider has no plan for,
compare's fallbacks and sort keys, and the catalog's lookup helpers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from ketacalc.catalog import build
from ketacalc.compare import CompareQuery, compare
from ketacalc.pricing import CostQuery, Optimiser, Option, price

TODAY = date(2026, 11, 21)
D = Decimal

SOURCES = {
    "site": {"title": "The provider's own site", "tier": "A"},
    "review": {"title": "An affiliate review", "tier": "C"},
}


def plan(
    pid: str, sessions: int, client: str, price: str, *, as_of: str = "2026-01-10",
    route: str | None = None, insured: str | None = None, installments: dict | None = None,
) -> dict[str, Any]:  # fmt: skip
    """One plan as written in providers.yaml, with one price observed by the provider's site."""
    obs: dict[str, Any] = {"source": "site", "as_of": as_of, "price": price}
    if installments:
        obs["installments"] = installments
    data: dict[str, Any] = {
        "id": pid, "name": pid.replace("-", " ").title(), "sessions": sessions, "client": client,
        "prices": [obs],
    }  # fmt: skip
    if route is not None:
        data["route"] = route
    if insured is not None:
        data["insurance_prices"] = [{"source": "site", "as_of": as_of, "price": insured}]
    return data


def provider(pid: str = "acme", name: str = "Acme Ketamine", **extra: Any) -> dict[str, Any]:
    return {"id": pid, "name": name, "status": [{"value": "operating", "source": "site"}], **extra}


def make(*providers: dict[str, Any]):
    return build({"sources": SOURCES, "providers": list(providers)})


def cost(prov, sessions: int, **kw):
    kw.setdefault("start", date(2026, 2, 1))
    return price(prov, CostQuery(sessions=sessions, **kw), today=TODAY)


# --------------------------------------------------------------- pricing: insurance on some plans only


@pytest.fixture
def partly_insured():
    """Aetna pays for the short plan only; the long plan has a self-pay price alone."""
    return make(provider(
        plans=[
            plan("short", 4, "any", "800", insured="200"),
            plan("long", 10, "any", "500"),
        ],
        insurers=[{"source": "site", "as_of": "2026-01-10", "by_state": {"TX": ["Aetna"]}}],
    )).providers[0]  # fmt: skip


def test_a_plan_without_an_insurance_price_is_bought_self_pay_with_a_note(partly_insured):
    r = cost(partly_insured, 14, insurer="aetna", state="TX")
    # long self-pay + short insured: $500 + $200 beats 4 x short insured ($800)
    assert sorted((p.plan.id, p.insured, p.charged) for p in r.purchases) == [
        ("long", False, D("500.00")),
        ("short", True, D("200.00")),
    ]
    assert r.total == D("700.00")
    assert r.pricing == "mixed"
    assert "No insurance price is published for Long; self-pay prices are used there." in r.notes
    assert any(n.startswith("Insurance: Aetna in TX") for n in r.notes)


def test_the_same_provider_without_insurance_is_all_self_pay(partly_insured):
    r = cost(partly_insured, 14)
    assert r.pricing == "self-pay"
    # at list prices two long plans ($1,000, 20 sessions) beat long + short ($1,300)
    assert [p.plan.id for p in r.purchases] == ["long", "long"]
    assert r.total == D("1000.00")
    assert not any("insurance" in n.casefold() for n in r.notes)


# --------------------------------------------------------------- pricing: nothing to buy


def test_a_route_the_provider_has_no_plan_for_is_unpriced_with_a_reason():
    prov = make(provider(plans=[plan("tabs", 6, "any", "900", route="sublingual tablet")])).providers[0]
    r = cost(prov, 6, route="nasal spray")
    assert r.total is None
    assert r.total is None and r.per_session is None and r.due_at_signup is None
    assert r.pricing == "unknown"
    assert "Acme Ketamine has no plan for route 'nasal spray' (its routes: sublingual tablet)." in r.notes
    assert cost(prov, 6, route="tablet").total == D("900.00")  # part of a route's name is enough
    assert cost(prov, 6, route="sublingual tablet").total == D("900.00")


def test_a_provider_with_plans_but_no_price_by_as_of_is_unpriced_with_the_date():
    prov = make(provider(plans=[plan("six", 6, "any", "900", as_of="2026-03-01")])).providers[0]
    r = cost(prov, 6, as_of=date(2026, 2, 28))
    assert r.total is None
    assert r.notes == ("No Acme Ketamine price was observed on or before 2026-02-28.",)
    assert cost(prov, 6, as_of=date(2026, 3, 1)).total == D("900.00")


def test_a_provider_with_only_returning_plans_cannot_price_a_new_client():
    prov = make(provider(plans=[plan("refill", 3, "returning", "300")])).providers[0]
    new = cost(prov, 3)
    assert new.total is None
    assert new.total is None
    assert "Acme Ketamine lists no plan open to new clients." in new.notes
    returning = cost(prov, 3, returning=True)
    assert returning.total is not None
    assert returning.total == D("300.00")
    assert not any("open to" in n for n in returning.notes)


def test_zero_sessions_is_refused_by_the_engine(catalog):
    with pytest.raises(ValueError, match="positive"):
        Optimiser([Option(D("10.00"), 1)], []).solve(0)
    with pytest.raises(ValueError, match="positive"):
        price(catalog.find("mindbloom"), CostQuery(sessions=0), today=TODAY)


def test_compare_rejects_an_unknown_sort_key(catalog):
    with pytest.raises(ValueError, match="unknown sort key 'price'"):
        compare(catalog, CompareQuery(sort="price"), today=TODAY)


def test_compare_returning_without_returning_plans_shows_new_client_prices():
    cat = make(provider(plans=[
        plan("intro", 4, "new", "400", installments={"count": 2, "amount": "200"}),
        plan("course", 8, "new", "720"),
    ]))  # fmt: skip
    [row] = compare(cat, CompareQuery(returning=True), today=TODAY).rows
    assert [p.plan.id for p in row.plans] == ["intro", "course"]
    assert row.total == D("400.00")
    assert row.per_session == D("90.00")
    assert row.due_at_signup == D("200.00")


def test_compare_route_filter_agrees_with_the_cost_engine(catalog):
    """Mindbloom prices its returning plans by route: a returning client asking for
    tablets sees only the tablet plans, and a route Mindbloom does not list gets no
    price at all (never another route's plans), in compare as in the cost engine."""
    tablets = compare(catalog, CompareQuery(returning=True, route="tablet"), today=TODAY)
    [row] = [r for r in tablets.rows if r.provider.id == "mindbloom"]
    assert [p.plan.id for p in row.plans] == ["returning-6-tablets", "returning-18-tablets"]
    unknown = compare(catalog, CompareQuery(returning=True, route="nasal spray", sessions=6), today=TODAY)
    [row] = [r for r in unknown.rows if r.provider.id == "mindbloom"]
    assert row.plans == () and row.total is None and row.cost.total is None
    assert any("no plan for route 'nasal spray'" in note for note in row.cost.notes)
    # a provider whose prices do not differ by route keeps its plans for any route
    [innerwell] = [r for r in unknown.rows if r.provider.id == "innerwell"]
    assert innerwell.cost.total is not None


def test_compare_sort_by_due_at_signup_puts_unknowns_last():
    cat = make(
        provider("zed", "Zed", plans=[plan("one", 1, "any", "150")]),
        provider(
            "amy",
            "Amy",
            plans=[
                plan("six", 6, "any", "900", installments={"count": 3, "amount": "300"}),
            ],
        ),  # fmt: skip
        provider("bob", "Bob"),  # no plans: due at sign-up unknown
        provider("cal", "Cal", plans=[plan("refill", 2, "returning", "50")]),  # nothing a new client can buy
    )
    rows = compare(cat, CompareQuery(sort="due-at-signup"), today=TODAY).rows
    assert [(r.provider.id, r.due_at_signup) for r in rows] == [
        ("zed", D("150.00")),
        ("amy", D("300.00")),
        ("bob", None),
        ("cal", None),
    ]


# --------------------------------------------------------------- catalog helpers
