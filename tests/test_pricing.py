"""Example tests for the pricing engine against the shipped data.

Figures marked "review" are the 2025-06-13 review table, reproduced with
``as_of=2025-06-13``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ketacalc.money import money_str
from ketacalc.pricing import (
    CostQuery,
    Optimiser,
    Option,
    add_months,
    match_insurer,
    price,
    price_many,
)

TODAY = date(2026, 11, 21)
REVIEW = date(2025, 6, 13)
D = Decimal


def cost(catalog, provider: str, sessions: int, **kw):
    kw.setdefault("as_of", REVIEW)
    kw.setdefault("start", REVIEW)
    return price(catalog.find(provider), CostQuery(sessions=sessions, **kw), today=TODAY)


def bought(result) -> list[tuple[int, str, Decimal]]:
    """(sessions, client, list price) of each purchase, in order."""
    return [(p.plan.sessions, p.client, p.price) for p in result.purchases]


def payments(result) -> list[tuple[date, Decimal]]:
    return [(p.due, p.amount) for p in result.schedule]


def schedule_sum(result) -> Decimal:
    return sum((p.amount for p in result.schedule), D(0))


# --------------------------------------------------------------- worked examples


def test_mindbloom_24_new_is_6_new_then_18_returning(catalog):
    r = cost(catalog, "mindbloom", 24)
    assert r.total == D("3576.00")
    assert bought(r) == [(6, "new", D("1254.00")), (18, "returning", D("2322.00"))]
    assert r.purchases[0].plan.id == "new-6"
    assert r.purchases[1].plan.id in ("returning-18-tablets", "returning-18-injectables")
    assert r.sessions_covered == 24
    assert r.leftover_sessions == 0


def test_mindbloom_24_new_beats_18_new_then_6_returning(catalog):
    # the other order would be 2862 + 954 = 3816 at the review's prices
    eighteen_new = cost(catalog, "mindbloom", 18)
    six_returning = cost(catalog, "mindbloom", 6, returning=True)
    other = eighteen_new.total + six_returning.total
    assert other == D("3816.00")
    r = cost(catalog, "mindbloom", 24)
    assert r.total == D("3576.00") < other
    assert r.purchases[0].plan.id != "new-18"


def test_mindbloom_12_returning_is_two_6_session_returning_plans(catalog):
    r = cost(catalog, "mindbloom", 12, returning=True)
    assert r.total == D("1908.00")
    assert bought(r) == [(6, "returning", D("954.00")), (6, "returning", D("954.00"))]
    assert all(p.plan.client == "returning" for p in r.purchases)
    assert r.client == "returning"


def test_better_u_12_new_is_transformation_plus_three_continuation_sessions(catalog):
    r = cost(catalog, "better-u", 12)
    assert r.total == D("1029.00")
    assert [p.plan.id for p in r.purchases] == ["transformation"] + ["continuation"] * 3
    assert bought(r) == [(9, "new", D("792.00"))] + [(1, "returning", D("79.00"))] * 3
    assert r.sessions_covered == 12


# --------------------------------------------------------------- the review table


@pytest.mark.parametrize(
    ("provider", "sessions", "plan", "total", "per_session"),
    [
        ("innerwell", 8, "foundation", "1098.00", "137.25"),
        ("innerwell", 24, "extended", "2100.00", "87.50"),
        ("better-u", 5, "introduction", "500.00", "100.00"),
        ("better-u", 9, "transformation", "792.00", "88.00"),
        ("mindbloom", 6, "new-6", "1254.00", "209.00"),
        ("mindbloom", 12, "new-12", "2148.00", "179.00"),
        ("mindbloom", 18, "new-18", "2862.00", "159.00"),
        ("joyous", 30, "monthly", "129.00", "4.30"),
    ],
)
def test_review_table_is_reproduced(catalog, provider, sessions, plan, total, per_session):
    r = cost(catalog, provider, sessions)
    assert [p.plan.id for p in r.purchases] == [plan]
    assert r.total == D(total)
    assert money_str(r.per_session) == per_session
    assert r.sessions_covered == sessions
    assert r.leftover_sessions == 0
    assert r.prices_as_of == REVIEW
    assert r.pricing == "self-pay"


# --------------------------------------------------------------- who may buy what


def test_new_client_must_start_with_a_new_client_plan(catalog):
    # a returning 6-session plan is cheaper ($954), but a new client cannot buy it first
    r = cost(catalog, "mindbloom", 6)
    assert bought(r) == [(6, "new", D("1254.00"))]
    assert r.purchases[0].plan.id == "new-6"


def test_returning_client_buys_returning_plans_only(catalog):
    r = cost(catalog, "mindbloom", 6, returning=True)
    assert r.total == D("954.00")
    assert r.purchases[0].plan.client == "returning"
    assert r.purchases[0].client == "returning"


def test_returning_client_pays_new_client_plans_when_none_are_listed_for_them(catalog):
    better_u = catalog.find("better-u")
    no_returning = better_u._replace(plans=tuple(p for p in better_u.plans if p.client != "returning"))
    r = price(no_returning, CostQuery(sessions=12, returning=True, as_of=REVIEW, start=REVIEW), today=TODAY)
    # 5 + 9 sessions: $500 + $792
    assert r.total == D("1292.00")
    assert sorted(p.plan.id for p in r.purchases) == ["introduction", "transformation"]
    assert r.sessions_covered == 14
    assert r.leftover_sessions == 2
    assert any("no plan for returning clients" in n for n in r.notes)


def test_route_limits_the_plans(catalog):
    r = cost(catalog, "mindbloom", 24, route="subcutaneous injection")
    assert [p.plan.id for p in r.purchases] == ["new-6", "returning-18-injectables"]
    assert r.total == D("3576.00")


def test_leftover_sessions_are_reported(catalog):
    # 10 Innerwell sessions: the 24-session Extended Program ($2,100) beats 2 x Foundation ($2,196)
    r = cost(catalog, "innerwell", 10)
    assert r.total == D("2100.00")
    assert [p.plan.id for p in r.purchases] == ["extended"]
    assert r.sessions_covered == 24
    assert r.leftover_sessions == 14
    assert money_str(r.per_session) == "87.50"


def test_price_many_matches_price_for_each_n(catalog):
    provider = catalog.find("mindbloom")
    query = CostQuery(sessions=1, as_of=REVIEW, start=REVIEW)
    many = list(price_many(provider, query, list(range(1, 25)), today=TODAY))
    assert [r.sessions_requested for r in many] == list(range(1, 25))
    for n, r in zip(range(1, 25), many, strict=True):
        alone = cost(catalog, "mindbloom", n)
        assert r.total == alone.total
        assert r.sessions_covered == alone.sessions_covered
    assert many[5].total == D("1254.00")
    assert many[23].total == D("3576.00")


# --------------------------------------------------------------- ties


def test_tie_on_total_prefers_more_sessions():
    solved = Optimiser([Option(D("100.00"), 5), Option(D("100.00"), 6)], []).solve(4)
    assert solved == [("first", 1)]


def test_tie_on_total_and_sessions_prefers_fewer_purchases():
    first = [Option(D("100.00"), 2)]
    later = [Option(D("50.00"), 1), Option(D("100.00"), 2)]
    solved = Optimiser(first, later).solve(4)
    # first + 2 x one-session ($200, 4 sessions, 3 purchases) ties with
    # first + one two-session ($200, 4 sessions, 2 purchases)
    assert solved == [("first", 0), ("later", 1)]


def test_optimiser_returns_none_when_nothing_covers_n():
    assert Optimiser([Option(D("10.00"), 3)], []).solve(4) is None
    assert Optimiser([], [Option(D("10.00"), 3)]).solve(1) is None


# --------------------------------------------------------------- monthly plans


def test_joyous_monthly_is_bought_month_by_month(catalog):
    r = cost(catalog, "joyous", 60)
    assert [p.plan.id for p in r.purchases] == ["monthly", "monthly"]
    assert [p.client for p in r.purchases] == ["new", "returning"]
    assert r.total == D("258.00")
    assert payments(r) == [(date(2025, 6, 13), D("129.00")), (date(2025, 7, 13), D("129.00"))]
    assert money_str(r.per_session) == "4.30"


def test_joyous_three_month_commitment_is_its_own_plan(catalog):
    r = cost(catalog, "joyous", 90, as_of=date(2026, 6, 25), start=date(2026, 7, 1))
    # 3 months committed ($387) beats 3 x $159 month by month ($477)
    assert [p.plan.id for p in r.purchases] == ["three-month"]
    assert r.total == D("387.00")
    assert payments(r) == [(date(2026, 7, 1), D("129.00")), (date(2026, 8, 1), D("129.00")),
                           (date(2026, 9, 1), D("129.00"))]  # fmt: skip


def test_joyous_month_by_month_when_shorter_than_the_commitment(catalog):
    r = cost(catalog, "joyous", 60, as_of=date(2026, 6, 25))
    # two months at $159 ($318) beat the 3-month commitment ($387)
    assert [p.plan.id for p in r.purchases] == ["monthly", "monthly"]
    assert r.total == D("318.00")


def test_monthly_payments_from_a_month_end_stay_on_the_month_end(catalog):
    # month by month from Jan 31: each month's payment on the same day, clamped to shorter months
    r = cost(catalog, "joyous", 90, start=date(2025, 1, 31))
    assert [p.plan.id for p in r.purchases] == ["monthly"] * 3
    assert [p.due for p in r.schedule] == [date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31)]


# --------------------------------------------------------------- as of


def test_as_of_picks_each_plans_newest_price_on_or_before_the_date(catalog):
    assert cost(catalog, "mindbloom", 6, as_of=date(2026, 5, 4)).total == D("1254.00")
    newer = cost(catalog, "mindbloom", 6, as_of=date(2026, 5, 5))
    assert newer.total == D("1290.00")
    assert newer.prices_as_of == date(2026, 5, 5)
    assert newer.purchases[0].observation.source == "ketcare-compare-2026"


def test_as_of_is_per_plan(catalog):
    # on 2026-05-05 only the 6-session plan had a newer price; the 18-session plan keeps its 2025 price
    r = cost(catalog, "mindbloom", 18, as_of=date(2026, 5, 5))
    assert [p.plan.id for p in r.purchases] == ["new-18"]
    assert r.total == D("2862.00")
    assert r.prices_as_of == REVIEW


def test_default_as_of_is_today(catalog):
    r = price(catalog.find("mindbloom"), CostQuery(sessions=18), today=TODAY)
    assert r.as_of == TODAY
    assert r.start == TODAY
    assert r.total == D("2970.00")
    assert r.prices_as_of == date(2026, 8, 14)


def test_a_plan_without_a_price_by_as_of_cannot_be_bought(catalog):
    # the 3-month commitment was first observed 2026-06-25: in 2025 it is month by month
    r = cost(catalog, "joyous", 90)
    assert [p.plan.id for p in r.purchases] == ["monthly"] * 3
    assert r.total == D("387.00")


def test_nothing_priced_before_the_first_observation(catalog):
    r = cost(catalog, "mindbloom", 6, as_of=date(2025, 6, 12))
    assert r.total is None
    assert r.per_session is None
    assert r.purchases == ()
    assert r.schedule == ()
    assert any("2025-06-12" in n for n in r.notes)


# --------------------------------------------------------------- per-session


def test_per_session_is_exact_and_rounded_half_up_only_for_display(catalog):
    # Better U, 8 sessions: 5-session Introduction + 3 continuation = $737; $737 / 8 = $92.125
    r = cost(catalog, "better-u", 8)
    assert r.total == D("737.00")
    assert r.per_session == D("92.125")
    assert money_str(r.per_session) == "92.13"  # half-up, not half-even (92.12)


def test_per_session_of_a_repeating_fraction(catalog):
    r = cost(catalog, "better-u", 11)  # 792 + 2 x 79 = 950; 950 / 11 = 86.3636...
    assert r.total == D("950.00")
    assert money_str(r.per_session) == "86.36"


# --------------------------------------------------------------- installments and schedule


def test_mindbloom_18_new_is_nine_monthly_installments_of_318(catalog):
    r = cost(catalog, "mindbloom", 18)
    assert [p.amount for p in r.schedule] == [D("318.00")] * 9
    assert [p.due for p in r.schedule] == [add_months(REVIEW, m) for m in range(9)]
    assert r.schedule[-1].due == date(2026, 2, 13)
    assert schedule_sum(r) == r.total == D("2862.00")
    assert r.due_at_signup == D("318.00")
    assert not any(p.assumed for p in r.schedule)


def test_innerwell_foundation_is_three_installments_of_366(catalog):
    r = cost(catalog, "innerwell", 8)
    assert payments(r) == [(date(2025, 6, 13), D("366.00")), (date(2025, 7, 13), D("366.00")),
                           (date(2025, 8, 13), D("366.00"))]  # fmt: skip
    assert r.due_at_signup == D("366.00")


def test_installments_from_a_month_end_are_clamped(catalog):
    r = cost(catalog, "mindbloom", 18, start=date(2025, 1, 31))
    assert [p.due for p in r.schedule] == [
        date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31), date(2025, 4, 30), date(2025, 5, 31),
        date(2025, 6, 30), date(2025, 7, 31), date(2025, 8, 31), date(2025, 9, 30),
    ]  # fmt: skip


def test_installments_in_a_leap_year(catalog):
    r = cost(catalog, "innerwell", 8, start=date(2024, 1, 31))
    assert [p.due for p in r.schedule] == [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31)]


@pytest.mark.parametrize(
    ("pace", "second_start"),
    [
        (D("1"), date(2025, 7, 25)),  # 6 sessions at 1 a week: 42 days
        (D("2"), date(2025, 7, 4)),  # 21 days
        (D("0.5"), date(2025, 9, 5)),  # 84 days
        (D("4"), date(2025, 6, 24)),  # 10.5 days, rounded up to 11
    ],
)
def test_later_purchases_start_when_the_previous_sessions_are_used_up(catalog, pace, second_start):
    r = cost(catalog, "mindbloom", 24, pace=pace)
    assert [p.start for p in r.purchases] == [REVIEW, second_start]
    later = [p for p in r.schedule if p.purchase == 1]
    assert later[0].due == second_start
    assert schedule_sum(r) == D("3576.00")
    # the 6-session plan's installments plus the 18-session plan's one payment
    assert r.due_at_signup == D("418.00")
    assert any("session(s) a week" in n for n in r.notes)


def test_better_u_continuation_sessions_are_dated_weekly_after_the_package(catalog):
    r = cost(catalog, "better-u", 12)
    assert payments(r) == [
        (date(2025, 6, 13), D("792.00")),
        (date(2025, 8, 15), D("79.00")),  # 9 sessions at 1 a week: 63 days
        (date(2025, 8, 22), D("79.00")),
        (date(2025, 8, 29), D("79.00")),
    ]
    assert r.due_at_signup == D("792.00")
    assert schedule_sum(r) == r.total


def test_mindbloom_charges_the_first_installment_before_the_consultation(catalog):
    r = cost(catalog, "mindbloom", 18)
    note = next(n for n in r.notes if "before the consultation" in n)
    assert "refund" in note
    assert r.due_at_signup == D("318.00")
    # Innerwell's consultation is free and nothing is prepaid: no such note
    assert not any("before the consultation" in n for n in cost(catalog, "innerwell", 8).notes)


# --------------------------------------------------------------- pay in full


def test_pay_in_full_innerwell_saves_100_in_one_payment(catalog):
    r = cost(catalog, "innerwell", 8, pay_in_full=True)
    assert r.total == D("998.00")
    assert payments(r) == [(REVIEW, D("998.00"))]
    assert r.due_at_signup == D("998.00")
    assert r.purchases[0].price == D("1098.00")
    assert r.purchases[0].charged == D("998.00")
    extended = cost(catalog, "innerwell", 24, pay_in_full=True)
    assert extended.total == D("2000.00")
    assert len(extended.schedule) == 1


def test_pay_in_full_is_one_payment_per_purchase(catalog):
    r = cost(catalog, "mindbloom", 24, pay_in_full=True)
    # no pay-in-full discount is published for Mindbloom: the full price, one payment each
    assert r.total == D("3576.00")
    assert payments(r) == [(date(2025, 6, 13), D("1254.00")), (date(2025, 7, 25), D("2322.00"))]
    assert any("No pay-in-full discount" in n for n in r.notes)


def test_pay_in_full_picks_the_cheapest_course_after_the_discount(catalog):
    # paid in full: 2 x Foundation = 2 x $998 = $1,996 for 16 sessions,
    # less than the Extended Program at $2,100 - $100 = $2,000
    r = cost(catalog, "innerwell", 16, pay_in_full=True)
    assert r.total == D("1996.00")
    assert [p.plan.id for p in r.purchases] == ["foundation", "foundation"]


# --------------------------------------------------------------- insurance


def test_innerwell_aetna_in_texas(catalog):
    r = cost(catalog, "innerwell", 8, insurer="Aetna", state="TX")
    assert r.total == D("650.00")
    assert payments(r) == [(date(2025, 6, 13), D("325.00")), (date(2025, 7, 13), D("325.00"))]
    assert r.purchases[0].insured is True
    assert r.pricing == "insurance"
    assert any("Aetna" in n and "TX" in n for n in r.notes)


def test_insurer_names_match_exactly_ignoring_case_and_punctuation(catalog):
    assert cost(catalog, "innerwell", 8, insurer="aetna", state="TX").total == D("650.00")
    names = ("Aetna", "Cigna/Evernorth Behavioral Health", "UnitedHealthcare/Optum")
    assert match_insurer("cigna", names) == "Cigna/Evernorth Behavioral Health"
    assert match_insurer("optum", names) == "UnitedHealthcare/Optum"
    assert match_insurer("united-healthcare", names) == "UnitedHealthcare/Optum"
    assert match_insurer("United", names) is None  # never a prefix or a substring
    assert match_insurer("e", names) is None
    assert match_insurer("Humana", names) is None
    assert match_insurer("", names) is None
    assert match_insurer("  ", names) is None


def test_aetna_in_idaho_is_self_pay_with_a_note(catalog):
    r = cost(catalog, "innerwell", 8, insurer="Aetna", state="ID")
    assert r.total == D("1098.00")
    assert r.pricing == "self-pay"
    assert not r.purchases[0].insured
    assert any("ID" in n and "self-pay" in n for n in r.notes)


def test_an_insurer_not_listed_is_self_pay_with_a_note(catalog):
    r = cost(catalog, "innerwell", 8, insurer="Humana", state="TX")
    assert r.total == D("1098.00")
    assert r.pricing == "self-pay"
    assert any("Humana" in n and "self-pay" in n for n in r.notes)


def test_a_provider_that_lists_no_insurers_is_self_pay_with_a_note(catalog):
    r = cost(catalog, "mindbloom", 18, insurer="Aetna", state="TX")
    assert r.total == D("2862.00")
    assert r.pricing == "self-pay"
    assert any("self-pay" in n for n in r.notes)


# --------------------------------------------------------------- promo discount


def test_discount_comes_off_the_first_purchase_only(catalog):
    r = cost(catalog, "mindbloom", 24, discount=D("100"))
    assert r.total == D("3476.00")
    assert [p.charged for p in r.purchases] == [D("1154.00"), D("2322.00")]
    assert schedule_sum(r) == r.total
    assert all(p.amount >= 0 for p in r.schedule)
    assert any("$100.00" in n for n in r.notes)


def test_discount_with_installments_adds_up(catalog):
    r = cost(catalog, "innerwell", 8, discount=D("50.50"))
    assert r.total == D("1047.50")
    assert schedule_sum(r) == D("1047.50")
    assert all(p.amount >= 0 for p in r.schedule)
    assert len(r.schedule) == 3


def test_discount_never_goes_below_zero(catalog):
    r = cost(catalog, "innerwell", 8, discount=D("5000"))
    assert r.total == D("0.00")
    assert all(p.amount == 0 for p in r.schedule)
    assert money_str(r.per_session) == "0.00"


def test_discount_larger_than_the_first_purchase_leaves_later_purchases_alone(catalog):
    # Better U, 12 sessions, $1,000 off: the $792 package is free, the 3 continuation sessions are not
    r = cost(catalog, "better-u", 12, discount=D("1000"))
    assert [p.plan.id for p in r.purchases] == ["transformation"] + ["continuation"] * 3
    assert [p.charged for p in r.purchases] == [D("0.00")] + [D("79.00")] * 3
    assert r.total == D("237.00")
    assert schedule_sum(r) == r.total


def test_discount_with_pay_in_full_never_goes_below_zero(catalog):
    # $1,098 - $100 for paying in full leaves $998; a $1,000 promo must stop at $0
    r = cost(catalog, "innerwell", 8, pay_in_full=True, discount=D("1000"))
    assert r.total == D("0.00")
    assert [p.amount for p in r.schedule] == [D("0.00")]
    assert r.due_at_signup == D("0.00")


def test_discount_counts_when_choosing_the_cheapest_course(catalog):
    # Better U, 6 sessions, $790 off the first purchase:
    #   Introduction (5) + 1 continuation: $500 - $500 + $79 = $79
    #   Transformation (9):                $792 - $790       = $2
    r = cost(catalog, "better-u", 6, discount=D("790"))
    assert r.total == D("2.00")
    assert [p.plan.id for p in r.purchases] == ["transformation"]


# --------------------------------------------------------------- unknown stays unknown


@pytest.mark.parametrize("provider", ["kalm-health", "nue-life", "peak"])
def test_unpriced_provider_is_unknown_never_zero(catalog, provider):
    r = cost(catalog, provider, 6, as_of=None, start=None)
    assert r.total is None
    assert r.per_session is None
    assert r.due_at_signup is None
    assert r.sessions_covered is None
    assert r.purchases == ()
    assert r.schedule == ()
    assert r.pricing == "unknown"
    assert any("unknown" in n or "no prices" in n for n in r.notes)


# --------------------------------------------------------------- add_months


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 1, 31), 2, date(2025, 3, 31)),
        (date(2025, 3, 31), 1, date(2025, 4, 30)),
        (date(2025, 12, 31), 2, date(2026, 2, 28)),
        (date(2025, 11, 15), 3, date(2026, 2, 15)),
        (date(2025, 6, 13), 0, date(2025, 6, 13)),
        (date(2025, 6, 13), 12, date(2026, 6, 13)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected
