"""The pricing engine on the fixture data (tests/data/fixture/providers.yaml).

Most figures are the fixture review's prices (2025-06-13, ``REVIEW``); each test
says how its expected values follow from the plans in the fixture file.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from conftest import REVIEW, TODAY, catalog_of, plan_data, provider_data, words
from ketacalc.domain.pricing import CostQuery, Optimiser, Option, add_months, price, price_many
from ketacalc.money import money_str
from ketacalc.vocab import match_insurer

D = Decimal


def cost(catalog, provider: str, sessions: int, **kw):
    kw.setdefault("as_of", REVIEW)
    kw.setdefault("start", REVIEW)
    return price(catalog.find(provider), CostQuery(sessions=sessions, **kw), today=TODAY)


def bought(result) -> list[tuple[str, str, Decimal]]:
    """(plan, client, list price) of each purchase, in order."""
    return [(p.plan.id, p.client, p.price) for p in result.purchases]


def payments(result) -> list[tuple[date, Decimal]]:
    return [(p.due, p.amount) for p in result.schedule]


def schedule_sum(result) -> Decimal:
    return sum((p.amount for p in result.schedule), D(0))


# --------------------------------------------------------------- worked examples


def test_alder_14_new_is_4_new_then_10_returning(catalog):
    # new-4 $800 + returning-10 $1,300 = $2,100
    r = cost(catalog, "alder", 14)
    assert r.total == D("2100.00")
    assert [(p.plan.sessions, p.client, p.price) for p in r.purchases] == [
        (4, "new", D("800.00")),
        (10, "returning", D("1300.00")),
    ]
    assert r.purchases[0].plan.id == "new-4"
    assert r.purchases[1].plan.id in ("returning-10-tablet", "returning-10-injection")
    assert (r.sessions_covered, r.leftover_sessions) == (14, 0)


def test_alder_14_new_beats_buying_the_big_new_plan_first(catalog):
    # the other order: new-10 $1,700 + returning-4 $600 = $2,300
    other = cost(catalog, "alder", 10).total + cost(catalog, "alder", 4, returning=True).total
    assert other == D("2300.00")
    r = cost(catalog, "alder", 14)
    assert r.total == D("2100.00") < other
    assert r.purchases[0].plan.id != "new-10"


def test_alder_8_returning_is_two_4_session_returning_plans(catalog):
    # 2 x returning-4 $600 = $1,200 beats one returning-10 at $1,300
    r = cost(catalog, "alder", 8, returning=True)
    assert r.total == D("1200.00")
    assert [(p.plan.sessions, p.client, p.price) for p in r.purchases] == [(4, "returning", D("600.00"))] * 2
    assert all(p.plan.client == "returning" for p in r.purchases)
    assert r.client == "returning"


def test_cedar_10_new_is_the_course_plus_two_single_sessions(catalog):
    # course $650 + 2 x single $79 = $808 (intro $300 + 7 x $79 = $853 costs more)
    r = cost(catalog, "cedar", 10)
    assert r.total == D("808.00")
    assert bought(r) == [("course", "new", D("650.00"))] + [("single", "returning", D("79.00"))] * 2
    assert r.sessions_covered == 10


@pytest.mark.parametrize(
    ("provider", "sessions", "plan", "total", "per_session"),
    [
        ("alder", 4, "new-4", "800.00", "200.00"),
        ("alder", 10, "new-10", "1700.00", "170.00"),  # new-4 + returning-10 would be $2,100
        ("birch", 6, "starter", "1050.00", "175.00"),
        ("birch", 12, "extended", "2000.00", "166.67"),  # 2 x starter would be $2,100
        ("cedar", 3, "intro", "300.00", "100.00"),
        ("cedar", 8, "course", "650.00", "81.25"),  # intro + 5 singles would be $695
        ("dune", 30, "monthly", "120.00", "4.00"),
    ],
)
def test_one_plan_is_bought_at_its_list_price(catalog, provider, sessions, plan, total, per_session):
    r = cost(catalog, provider, sessions)
    assert [p.plan.id for p in r.purchases] == [plan]
    assert r.total == D(total)
    assert money_str(r.per_session) == per_session
    assert (r.sessions_covered, r.leftover_sessions) == (sessions, 0)
    assert r.prices_as_of == REVIEW
    assert r.pricing == "self-pay"


# --------------------------------------------------------------- who may buy what


def test_new_client_must_start_with_a_new_client_plan(catalog):
    # returning-4 is cheaper ($600), but a new client cannot buy it first
    r = cost(catalog, "alder", 4)
    assert bought(r) == [("new-4", "new", D("800.00"))]


def test_returning_client_buys_returning_plans_only(catalog):
    r = cost(catalog, "alder", 4, returning=True)
    assert r.total == D("600.00")
    assert r.purchases[0].plan.client == "returning"
    assert r.purchases[0].client == "returning"


def test_returning_client_pays_new_client_plans_when_none_are_listed_for_them(catalog):
    cedar = catalog.find("cedar")
    no_returning = cedar._replace(plans=tuple(p for p in cedar.plans if p.client != "returning"))
    r = price(no_returning, CostQuery(sessions=10, returning=True, as_of=REVIEW, start=REVIEW), today=TODAY)
    # course (8) + intro (3): $650 + $300 = $950 for 11 sessions (4 x intro: $1,200; 2 x course: $1,300)
    assert r.total == D("950.00")
    assert sorted(p.plan.id for p in r.purchases) == ["course", "intro"]
    assert (r.sessions_covered, r.leftover_sessions) == (11, 1)
    assert "Cedar Care lists no plan for returning clients; new-client plans are used for them." in words(
        r.notes
    )


def test_a_provider_with_only_returning_plans_cannot_price_a_new_client():
    [acme] = catalog_of(provider_data(plans=[plan_data("refill", 3, "returning", "300")])).providers
    new = price(acme, CostQuery(sessions=3), today=TODAY)
    assert new.total is None
    assert (
        "Acme Ketamine lists no plan open to new clients (price it for the other kind of client)."
        in words(new.notes)
    )
    assert new.no_price is not None and "no plan open to new clients" in new.no_price.message
    returning = price(acme, CostQuery(sessions=3, returning=True), today=TODAY)
    assert returning.total == D("300.00")
    assert not any("open to" in n for n in words(returning.notes))


# --------------------------------------------------------------- delivery routes


def test_route_limits_the_plans(catalog):
    # today: new-4 $880, then returning-10 at $1,400 (tablets) or $1,300 (injections)
    tablets = cost(catalog, "alder", 14, as_of=None, route="tablet")
    assert [p.plan.id for p in tablets.purchases] == ["new-4", "returning-10-tablet"]
    assert tablets.total == D("2280.00")
    injections = cost(catalog, "alder", 14, as_of=None, route="injection")
    assert [p.plan.id for p in injections.purchases] == ["new-4", "returning-10-injection"]
    assert injections.total == D("2180.00")


def test_a_route_the_provider_has_no_plan_for_is_unpriced_with_a_reason(catalog):
    r = cost(catalog, "alder", 4, route="nasal-spray")
    assert (r.total, r.per_session, r.due_at_signup) == (None, None, None)
    assert r.pricing == "unknown"
    assert "Alder Health has no plan for route 'nasal-spray' (its routes: injection, tablet)." in words(
        r.notes
    )


def test_a_route_asked_of_a_provider_whose_prices_do_not_differ_by_route(catalog):
    r = cost(catalog, "birch", 6, route="tablet")
    assert r.total == D("1050.00")
    assert "Birch Clinic's prices do not differ by delivery route." in words(r.notes)


def test_leftover_sessions_are_reported(catalog):
    # 8 Birch sessions: extended (12 sessions, $2,000) beats 2 x starter ($2,100)
    r = cost(catalog, "birch", 8)
    assert r.total == D("2000.00")
    assert [p.plan.id for p in r.purchases] == ["extended"]
    assert (r.sessions_covered, r.leftover_sessions) == (12, 4)
    assert money_str(r.per_session) == "250.00"  # 2000 / 8, per session asked for
    assert money_str(r.per_covered_session) == "166.67"  # 2000 / 12, per session bought


def test_price_many_matches_price_for_each_n(catalog):
    query = CostQuery(sessions=1, as_of=REVIEW, start=REVIEW)
    many = list(price_many(catalog.find("alder"), query, list(range(1, 21)), today=TODAY))
    assert [r.sessions_requested for r in many] == list(range(1, 21))
    for n, r in zip(range(1, 21), many, strict=True):
        alone = cost(catalog, "alder", n)
        assert (r.total, r.sessions_covered) == (alone.total, alone.sessions_covered)
    assert many[3].total == D("800.00")  # 4 sessions: new-4
    assert many[13].total == D("2100.00")  # 14 sessions: the worked example


def test_zero_sessions_is_refused_by_the_engine(catalog):
    with pytest.raises(ValueError, match="positive"):
        Optimiser([Option(D("10.00"), 1)], []).solve(0)
    with pytest.raises(ValueError, match="positive"):
        price(catalog.find("alder"), CostQuery(sessions=0), today=TODAY)


# --------------------------------------------------------------- ties


def test_tie_on_total_prefers_more_sessions():
    solved = Optimiser([Option(D("100.00"), 5), Option(D("100.00"), 6)], []).solve(4)
    assert solved == [("first", 1)]


def test_tie_on_total_and_sessions_prefers_fewer_purchases():
    first = [Option(D("100.00"), 2)]
    later = [Option(D("50.00"), 1), Option(D("100.00"), 2)]
    # first + 2 x one-session ($200, 4 sessions, 3 purchases) ties with
    # first + one two-session ($200, 4 sessions, 2 purchases)
    assert Optimiser(first, later).solve(4) == [("first", 0), ("later", 1)]


def test_optimiser_returns_none_when_nothing_covers_n():
    assert Optimiser([Option(D("10.00"), 3)], []).solve(4) is None
    assert Optimiser([], [Option(D("10.00"), 3)]).solve(1) is None


# --------------------------------------------------------------- monthly plans


def test_dune_monthly_is_bought_month_by_month(catalog):
    # 60 daily doses: 2 months at $120
    r = cost(catalog, "dune", 60)
    assert [p.plan.id for p in r.purchases] == ["monthly", "monthly"]
    assert [p.client for p in r.purchases] == ["new", "returning"]
    assert r.total == D("240.00")
    assert payments(r) == [(date(2025, 6, 13), D("120.00")), (date(2025, 7, 13), D("120.00"))]
    assert money_str(r.per_session) == "4.00"
    assert "Monthly plans are bought month by month; each month's payment is due on the same day." in words(
        r.notes
    )


def test_dune_three_month_commitment_is_its_own_plan(catalog):
    # from 2026-05-05: 3 months committed ($360 = 3 x $120) beat 3 x $150 month by month ($450)
    r = cost(catalog, "dune", 90, as_of=date(2026, 5, 5), start=date(2026, 6, 1))
    assert [p.plan.id for p in r.purchases] == ["three-month"]
    assert r.total == D("360.00")
    assert payments(r) == [(date(2026, m, 1), D("120.00")) for m in (6, 7, 8)]


def test_dune_month_by_month_when_shorter_than_the_commitment(catalog):
    # two months at $150 ($300) beat the 3-month commitment ($360)
    r = cost(catalog, "dune", 60, as_of=date(2026, 5, 5))
    assert [p.plan.id for p in r.purchases] == ["monthly", "monthly"]
    assert r.total == D("300.00")


def test_monthly_payments_from_a_month_end_stay_on_the_month_end(catalog):
    r = cost(catalog, "dune", 90, start=date(2025, 1, 31))
    assert [p.plan.id for p in r.purchases] == ["monthly"] * 3
    assert [p.due for p in r.schedule] == [date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31)]


# --------------------------------------------------------------- as of


def test_as_of_picks_each_plans_newest_price_on_or_before_the_date(catalog):
    # new-4: $800 (2025-06-13), $840 (2026-05-05), $880 (2026-08-14)
    assert cost(catalog, "alder", 4, as_of=date(2026, 5, 4)).total == D("800.00")
    newer = cost(catalog, "alder", 4, as_of=date(2026, 5, 5))
    assert newer.total == D("840.00")
    assert newer.prices_as_of == date(2026, 5, 5)
    assert newer.purchases[0].observation.source == "compare-2026"
    assert cost(catalog, "alder", 4, as_of=TODAY).total == D("880.00")


def test_as_of_is_per_plan(catalog):
    # on 2026-05-05 only new-4 had a newer price; new-10 keeps its 2025 price
    r = cost(catalog, "alder", 10, as_of=date(2026, 5, 5))
    assert [p.plan.id for p in r.purchases] == ["new-10"]
    assert r.total == D("1700.00")
    assert r.prices_as_of == REVIEW


def test_default_as_of_and_start_are_today(catalog):
    r = price(catalog.find("alder"), CostQuery(sessions=10), today=TODAY)
    assert (r.as_of, r.start) == (TODAY, TODAY)
    assert r.total == D("1800.00")  # new-10 on alder's own site, 2026-08-14
    assert r.prices_as_of == date(2026, 8, 14)


def test_a_plan_without_a_price_by_as_of_cannot_be_bought(catalog):
    # the 3-month commitment was first observed 2026-05-05: in 2025 it is month by month
    r = cost(catalog, "dune", 90)
    assert [p.plan.id for p in r.purchases] == ["monthly"] * 3


def test_nothing_priced_before_the_first_observation(catalog):
    r = cost(catalog, "alder", 4, as_of=date(2025, 6, 12))
    assert (r.total, r.per_session) == (None, None)
    assert (r.purchases, r.schedule) == ((), ())
    assert words(r.notes) == (
        "No Alder Health price was observed on or before 2025-06-12 "
        "(price it on or after 2025-06-13, its first dated price).",
    )


# --------------------------------------------------------------- per session


def test_per_session_is_exact_and_rounded_half_up_only_for_display(catalog):
    # 16 Cedar sessions: course $650 + 8 singles $632 = $1,282; 1282 / 16 = 80.125
    r = cost(catalog, "cedar", 16)
    assert r.total == D("1282.00")
    assert r.per_session == D("80.125")
    assert money_str(r.per_session) == "80.13"  # half-up, not half-even (80.12)


def test_per_session_of_a_repeating_fraction(catalog):
    r = cost(catalog, "cedar", 11)  # course $650 + 3 x $79 = $887; 887 / 11 = 80.6363...
    assert r.total == D("887.00")
    assert money_str(r.per_session) == "80.64"


# --------------------------------------------------------------- installments and schedule


def test_alder_10_is_five_monthly_installments_of_340(catalog):
    r = cost(catalog, "alder", 10)
    assert [p.amount for p in r.schedule] == [D("340.00")] * 5
    assert [p.due for p in r.schedule] == [add_months(REVIEW, m) for m in range(5)]
    assert r.schedule[-1].due == date(2025, 10, 13)
    assert schedule_sum(r) == r.total == D("1700.00")
    assert r.due_at_signup == D("340.00")
    assert not any(p.assumed for p in r.schedule)


def test_birch_starter_is_three_installments_of_350(catalog):
    r = cost(catalog, "birch", 6)
    assert payments(r) == [(date(2025, m, 13), D("350.00")) for m in (6, 7, 8)]
    assert r.due_at_signup == D("350.00")


def test_installments_from_a_month_end_are_clamped(catalog):
    r = cost(catalog, "alder", 10, start=date(2025, 1, 31))
    assert [p.due for p in r.schedule] == [
        date(2025, 1, 31),
        date(2025, 2, 28),
        date(2025, 3, 31),
        date(2025, 4, 30),
        date(2025, 5, 31),
    ]


def test_installments_in_a_leap_year(catalog):
    r = cost(catalog, "birch", 6, start=date(2024, 1, 31))
    assert [p.due for p in r.schedule] == [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31)]


@pytest.mark.parametrize(
    ("pace", "second_start"),
    [
        (D("1"), date(2025, 7, 11)),  # new-4's 4 sessions at 1 a week: 28 days
        (D("2"), date(2025, 6, 27)),  # 14 days
        (D("0.5"), date(2025, 8, 8)),  # 56 days
        (D("3"), date(2025, 6, 23)),  # 9.33 days, rounded up to 10
    ],
)
def test_later_purchases_start_when_the_previous_sessions_are_used_up(catalog, pace, second_start):
    r = cost(catalog, "alder", 14, pace=pace)
    assert [p.start for p in r.purchases] == [REVIEW, second_start]
    assert [p.due for p in r.schedule if p.purchase == 1] == [second_start]
    assert schedule_sum(r) == D("2100.00")
    # day one: the first of new-4's 2 installments; returning-10 is paid later
    assert r.due_at_signup == D("400.00")
    said = f"Assumes {pace.normalize():f} session{'' if pace == 1 else 's'} a week"  # 1 session, 2 sessions
    assert any(said in n for n in words(r.notes)), words(r.notes)


def test_a_plan_without_published_terms_has_unknown_payments(catalog):
    r = cost(catalog, "alder", 14)
    later = [p for p in r.schedule if p.purchase == 1]
    assert [(p.amount, p.assumed) for p in later] == [(D("1300.00"), True)]
    assert r.terms_unknown
    assert any(
        "10-Session Program, returning (tablets): the price $1,300.00 (review-2025, 2025-06-13) was "
        "published without payment terms"
        in n
        and "no payment terms were ever published" in n
        for n in words(r.notes)
    )


def test_a_price_without_terms_never_becomes_one_payment_at_sign_up(catalog):
    """Audit 5: alder's $840 of 2026-05-05 came without terms; the last were 2 x $400."""
    r = cost(catalog, "alder", 4, as_of=date(2026, 6, 1), start=date(2026, 6, 1))
    assert r.total == D("840.00")
    assert r.due_at_signup is None
    assert any(
        "the last published terms were 2 × $400.00 for $800.00 (review-2025, 2025-06-13)" in n
        for n in words(r.notes)
    )
    assert not any("one payment at purchase" in n for n in words(r.notes))


def test_a_provider_whose_terms_say_paid_at_purchase_has_known_payments(catalog):
    r = cost(catalog, "cedar", 10)
    assert not r.terms_unknown and r.due_at_signup == D("650.00")
    assert (
        "Cedar Care's own terms: each purchase is paid in full when made (review-2025, 2025-06-13)."
        in words(r.notes)
    )


def test_cedar_single_sessions_are_dated_weekly_after_the_package(catalog):
    r = cost(catalog, "cedar", 10)
    assert payments(r) == [
        (date(2025, 6, 13), D("650.00")),
        (date(2025, 8, 8), D("79.00")),  # the course's 8 sessions at 1 a week: 56 days
        (date(2025, 8, 15), D("79.00")),
    ]
    assert r.due_at_signup == D("650.00")
    assert schedule_sum(r) == r.total


def test_alder_charges_the_first_installment_before_the_consultation(catalog):
    r = cost(catalog, "alder", 10)
    assert (
        "Alder Health charges the first payment at checkout, before the consultation, "
        "and refunds it if you are found ineligible (review-2025, 2025-06-13)."  # whose words, and when
    ) in words(r.notes)
    assert r.due_at_signup == D("340.00")
    # a returning client has had the consultation: no such note
    assert not any(
        "before the consultation" in n for n in words(cost(catalog, "alder", 4, returning=True).notes)
    )
    # Birch publishes no prepayment: no such note
    assert not any("before the consultation" in n for n in words(cost(catalog, "birch", 6).notes))


def test_cost_notes_come_with_every_cost(catalog):
    r = cost(catalog, "fern", 2, as_of=None)
    assert r.total == D("1050.00")  # 2 visits at $350, and the $350 consultation
    assert "Medication is billed separately by the pharmacy (fern-site-2026-05, 2026-05-01)." in words(
        r.notes
    )


# --------------------------------------------------------------- pay in full


def test_pay_in_full_birch_saves_100_in_one_payment(catalog):
    r = cost(catalog, "birch", 6, pay_in_full=True)
    assert r.total == D("950.00")  # $1,050 - $100
    assert payments(r) == [(REVIEW, D("950.00"))]
    assert r.due_at_signup == D("950.00")
    assert (r.purchases[0].price, r.purchases[0].charged) == (D("1050.00"), D("950.00"))


def test_pay_in_full_is_one_payment_per_purchase(catalog):
    r = cost(catalog, "alder", 14, pay_in_full=True)
    # Alder publishes no pay-in-full discount: the full price, one payment for each purchase
    assert r.total == D("2100.00")
    assert payments(r) == [(date(2025, 6, 13), D("800.00")), (date(2025, 7, 11), D("1300.00"))]
    assert "No pay-in-full discount is published for 4-Session Program; the full price is shown." in words(
        r.notes
    )


def test_pay_in_full_where_every_purchase_is_paid_at_once_says_no_discount_is_published(catalog):
    """Cedar's purchases are paid in full when made: --pay-in-full changed nothing and said
    nothing (the note was only for plans sold in installments), so it read as the best price
    asked for and got. It says no discount is published, as for Alder."""
    plain, in_full = cost(catalog, "cedar", 6), cost(catalog, "cedar", 6, pay_in_full=True)
    assert in_full.total == plain.total
    said = [s for s in words(in_full.notes) if s.startswith("No pay-in-full discount is published for")]
    assert said and all(s.endswith("; the full price is shown.") for s in said)
    assert not [s for s in words(plain.notes) if "pay-in-full" in s]


def test_pay_in_full_picks_the_cheapest_course_after_the_discount(catalog):
    # 12 sessions paid in full: 2 x starter = 2 x $950 = $1,900 beats extended at $1,950;
    # in installments extended ($2,000) beats 2 x starter ($2,100)
    assert [p.plan.id for p in cost(catalog, "birch", 12).purchases] == ["extended"]
    r = cost(catalog, "birch", 12, pay_in_full=True)
    assert r.total == D("1900.00")
    assert [p.plan.id for p in r.purchases] == ["starter", "starter"]


# --------------------------------------------------------------- insurance


def test_birch_aetna_in_texas(catalog):
    r = cost(catalog, "birch", 6, insurer="Aetna", state="TX")
    assert r.total == D("500.00")
    assert payments(r) == [(date(2025, 6, 13), D("250.00")), (date(2025, 7, 13), D("250.00"))]
    assert r.purchases[0].insured is True
    assert r.pricing == "insurance"
    assert any(
        n.startswith(
            "Insurance: Aetna in TX (insurer list of 2025-06-13); the insured price is the source's figure: what you pay depends on your plan"
        )
        for n in words(r.notes)
    )


def test_insurer_names_match_exactly_ignoring_case_and_punctuation(catalog):
    assert cost(catalog, "birch", 6, insurer="aetna", state="TX").total == D("500.00")
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
    # Birch serves Idaho but lists no insurer there
    r = cost(catalog, "birch", 6, insurer="Aetna", state="ID")
    assert r.total == D("1050.00")
    assert r.pricing == "self-pay"
    assert not r.purchases[0].insured
    assert (
        "Birch Clinic lists no accepted insurers in ID (insurer list of 2025-06-13); self-pay prices are used."
    ) in words(r.notes)


def test_an_insurer_not_listed_is_self_pay_with_a_note(catalog):
    r = cost(catalog, "birch", 6, insurer="Humana", state="TX")
    assert r.total == D("1050.00")
    assert r.pricing == "self-pay"
    assert any("'Humana'" in n and "self-pay" in n for n in words(r.notes))


def test_a_provider_that_lists_no_insurers_is_self_pay_with_a_note(catalog):
    """One that says it takes no insurance says so, with its source: "publishes no accepted
    insurers" read as if its list were only missing (Mindbloom: "does not accept insurance")."""
    r = cost(catalog, "alder", 10, insurer="Aetna", state="TX")
    assert r.total == D("1700.00")
    assert r.pricing == "self-pay"
    assert (
        "Alder Health does not accept insurance (review-2025, 2025-06-13); self-pay prices are used."
        in words(r.notes)
    )
    [acme] = catalog_of(provider_data(plans=[plan_data("visit", 1, "any", "100")])).providers
    unsaid = price(acme, CostQuery(sessions=1, insurer="Aetna", state="TX"), today=TODAY)
    assert "Acme Ketamine publishes no accepted insurers; self-pay prices are used." in words(unsaid.notes)


def test_a_plan_without_an_insurance_price_is_bought_self_pay_with_a_note():
    """Aetna pays for the short plan only; the long plan has a self-pay price alone."""
    [acme] = catalog_of(
        provider_data(
            plans=[plan_data("short", 4, "any", "800", insured="200"), plan_data("long", 10, "any", "500")],
            insurers=[{"source": "site", "as_of": "2026-01-10", "by_state": {"TX": ["Aetna"]}}],
        )
    ).providers
    r = price(acme, CostQuery(sessions=14, insurer="aetna", state="TX"), today=TODAY)
    # long self-pay + short insured: $500 + $200 beats 4 x short insured ($800)
    assert sorted((p.plan.id, p.insured, p.charged) for p in r.purchases) == [
        ("long", False, D("500.00")),
        ("short", True, D("200.00")),
    ]
    assert r.total == D("700.00")
    assert r.pricing == "mixed"
    assert "No insurance price is published for Long; self-pay prices are used there." in words(r.notes)
    # without insurance: two long plans ($1,000, 20 sessions) beat long + short ($1,300)
    self_pay = price(acme, CostQuery(sessions=14), today=TODAY)
    assert self_pay.pricing == "self-pay"
    assert [p.plan.id for p in self_pay.purchases] == ["long", "long"]
    assert not any("insurance" in n.casefold() for n in words(self_pay.notes))


def test_a_charge_for_self_pay_patients_only_is_not_offered_beside_an_insured_course():
    """Innerwell's add-on is 'exclusive to patients paying out-of-pocket': beside a course paid
    with insurance throughout it is not listed; beside a self-pay or a mixed one (part of it
    paid out of pocket) it is, as any optional charge is."""
    add_on = {"id": "add-on", "kind": "fee", "description": "Therapy add-on", "per": "course",
              "required": False, "self_pay_only": True, "amount": "525", "source": "site"}  # fmt: skip
    extra = {"id": "kit", "kind": "fee", "description": "Kit", "per": "course", "required": False,
             "amount": "20", "source": "site"}  # fmt: skip
    [acme] = catalog_of(
        provider_data(
            plans=[plan_data("short", 4, "any", "800", insured="200"), plan_data("long", 10, "any", "500")],
            insurers=[{"source": "site", "as_of": "2026-01-10", "by_state": {"TX": ["Aetna"]}}],
            charges=[add_on, extra],
        )
    ).providers
    listed = lambda r: sorted(c.id for c in r.optional)  # noqa: E731
    insured = price(acme, CostQuery(sessions=4, insurer="aetna", state="TX"), today=TODAY)
    assert insured.pricing == "insurance" and listed(insured) == ["kit"]
    assert listed(price(acme, CostQuery(sessions=14, insurer="aetna", state="TX"), today=TODAY)) == [
        "add-on",
        "kit",
    ]
    assert listed(price(acme, CostQuery(sessions=4), today=TODAY)) == ["add-on", "kit"]


# --------------------------------------------------------------- promo discount


def test_discount_comes_off_the_first_purchase_only(catalog):
    r = cost(catalog, "alder", 14, discount=D("100"))
    assert r.total == D("2000.00")
    assert [p.charged for p in r.purchases] == [D("700.00"), D("1300.00")]
    assert schedule_sum(r) == r.total
    assert all(p.amount >= 0 for p in r.schedule)
    assert any(
        n.startswith("A promo discount of $100.00 is taken off the first purchase") for n in words(r.notes)
    )


def test_discount_with_installments_adds_up(catalog):
    r = cost(catalog, "birch", 6, discount=D("50.50"))
    assert r.total == D("999.50")
    assert [p.amount for p in r.schedule] == [D("299.50"), D("350.00"), D("350.00")]  # off the earliest
    assert schedule_sum(r) == r.total
    # how a code is split across installments is in no source: the split is said to be assumed
    (note,) = [n for n in words(r.notes) if n.startswith("A promo discount")]
    assert "from its earliest installments: an assumption" in note and "due at sign-up may differ" in note


@pytest.mark.parametrize(
    ("provider", "sessions", "discount", "cheapest"),
    [
        ("birch", 6, "5000", "$1,050.00"),  # starter $1,050 is the cheapest first purchase
        ("cedar", 10, "1000", "$300.00"),  # intro $300, though the course would be bought
        ("cedar", 4, "300", "$300.00"),  # equal to the price: nothing left to pay
    ],
)
def test_a_discount_of_the_first_purchases_price_or_more_is_refused(
    catalog, provider, sessions, discount, cheapest
):
    from ketacalc.errors import InvalidInput

    with pytest.raises(InvalidInput) as caught:
        cost(catalog, provider, sessions, discount=D(discount))
    assert caught.value.field == "discount"
    assert caught.value.message.startswith(f"discount ${D(discount):,.2f} is not below")
    assert cheapest in caught.value.message and cheapest in caught.value.fix


def test_a_discount_is_compared_with_what_is_charged_after_paying_in_full(catalog):
    # $1,050 - $100 for paying in full leaves $950: $950 off is refused, $949.99 leaves a cent
    from ketacalc.errors import InvalidInput

    with pytest.raises(InvalidInput):
        cost(catalog, "birch", 6, pay_in_full=True, discount=D("950"))
    r = cost(catalog, "birch", 6, pay_in_full=True, discount=D("949.99"))
    assert [p.amount for p in r.schedule] == [D("0.01")]


@pytest.mark.parametrize(
    ("provider", "sessions", "discount"),
    [("cedar", 4, "299.99"), ("cedar", 10, "299.99"), ("alder", 14, "799.99"), ("birch", 18, "1049.99")],
)
def test_a_discount_never_changes_which_plans_are_bought(catalog, provider, sessions, discount):
    # below every first purchase's price, a promo lowers every course by the same amount
    full = cost(catalog, provider, sessions)
    off = cost(catalog, provider, sessions, discount=D(discount))
    assert [p.plan.id for p in off.purchases] == [p.plan.id for p in full.purchases]
    assert off.total == full.total - D(discount)


# --------------------------------------------------------------- unknown stays unknown


@pytest.mark.parametrize("provider", ["elm", "gale"])
def test_unpriced_provider_is_unknown_never_zero(catalog, provider):
    r = cost(catalog, provider, 6, as_of=None, start=None)
    assert (r.total, r.per_session, r.due_at_signup, r.sessions_covered) == (None, None, None, None)
    assert (r.purchases, r.schedule) == ((), ())
    assert r.pricing == "unknown"
    assert words(r.notes) == (f"{catalog.find(provider).name} publishes no prices; the cost is unknown.",)


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


@pytest.mark.parametrize(
    ("new_as_of", "returning_as_of"), [("2026-01-10", "2026-03-01"), ("2026-03-01", "2026-01-10")]
)
def test_a_course_gives_its_newest_and_oldest_price_dates_whichever_plan_is_bought_first(
    new_as_of, returning_as_of
):
    """The first purchase's price may be older or newer than a later one's."""
    acme = provider_data(
        plans=[
            plan_data("starter", 2, "new", "300.00", as_of=new_as_of),
            plan_data("refill", 4, "returning", "500.00", as_of=returning_as_of),
        ]
    )
    [provider] = catalog_of(acme).providers
    result = price(provider, CostQuery(sessions=6), today=TODAY)
    assert [p.plan.id for p in result.purchases] == ["starter", "refill"]
    assert (result.prices_as_of, result.oldest_price) == (date(2026, 3, 1), date(2026, 1, 10))


def test_a_course_moved_to_another_start_keeps_every_field_but_its_dates(catalog):
    """``moved_to`` copies the result's fields in one statement, in the order of its slots:
    a field out of order would land in another's place."""
    from datetime import timedelta

    from ketacalc.domain.course import CostResult

    result = cost(catalog, "alder", 14)
    moved = result.moved_to(result.start + timedelta(days=7))
    dated = {"start", "query", "runs", "first_due", "last_due", "extras", "_purchases", "_schedule"}
    for name in CostResult.__slots__:
        if name not in dated:
            assert getattr(moved, name) == getattr(result, name), name
    assert moved.start == result.start + timedelta(days=7) == moved.query.start
    assert moved.first_due == moved.start and moved.last_due == result.last_due + timedelta(days=7)


def test_a_pay_in_full_quote_of_the_self_pay_price_is_not_said_of_an_insured_price():
    """A source's $950 pay-in-full figure is of the $1,050 self-pay price: beside an insured
    $500 it would read as if paying in full cost more (audit: Innerwell $998 vs $650)."""
    plan = {
        "id": "starter", "name": "Starter Program", "sessions": 6, "client": "any",
        "prices": [
            {"source": "site", "as_of": "2026-01-10", "price": "1050", "installments": {"count": 3, "amount": "350"}},
            {"source": "review", "as_of": "2026-01-11", "price": "950", "kind": "pay_in_full"},
        ],
        "insurance_prices": [
            {"source": "site", "as_of": "2026-01-10", "price": "500", "installments": {"count": 2, "amount": "250"}}
        ],
    }  # fmt: skip
    extra = {
        "insurance": [{"value": True, "source": "site", "as_of": "2026-01-10"}],
        "insurers": [{"source": "site", "as_of": "2026-01-10", "by_state": {"TX": ["Aetna"]}}],
    }
    [acme] = catalog_of(provider_data(plans=[plan], **extra)).providers
    quoted = "A source quotes $950.00 for Starter Program"
    self_pay = price(acme, CostQuery(sessions=6, state="TX"), today=TODAY)
    insured = price(acme, CostQuery(sessions=6, state="TX", insurer="Aetna"), today=TODAY)
    assert (self_pay.total, insured.total) == (D("1050.00"), D("500.00"))
    assert any(quoted in n for n in words(self_pay.price_notes))
    assert not any("pay-in-full price" in n for n in words(insured.price_notes + insured.notes))


def test_an_assumed_route_is_said_even_when_the_others_cost_the_same(catalog):
    """Alder's 4-session plan is the same for every route: priced on its standard route
    (tablet), which is said with the injection figure, the same (a route is never chosen
    silently). A provider whose plans are all of its standard route has no other to name."""
    r = cost(catalog, "alder", 4, as_of=TODAY, start=TODAY)
    [said] = [n for n in words(r.notes) if n.startswith("Priced on tablet")]
    assert said.endswith(
        "the route is yours to choose with your clinician. For the same 4 sessions: injection $880.00."
    )
    one_route = provider_data(
        standard_route={"value": "tablet", "source": "site"},
        plans=[{**plan_data("visit", 1, "any", "100"), "route": "tablet"}],
    )
    [acme] = catalog_of(one_route).providers
    alone = price(acme, CostQuery(sessions=2), today=TODAY)
    assert alone.total == D("200.00") and not any("Priced on" in n for n in words(alone.notes))


def test_the_cost_headline_says_an_insured_price_is_insured(cli):
    """The first line a person reads says whose price it is: with Aetna insurance, not the
    self-pay price it would otherwise pass for (an insurer may come from the config file)."""
    head = cli("cost", "birch", "-n", "6", "--state", "TX", "--insurer", "aetna").stdout.splitlines()[0]
    assert head.startswith("Birch Clinic, 6 sessions for a new client with Aetna insurance: $500.00")
    plain = cli("cost", "birch", "-n", "6", "--state", "TX").stdout.splitlines()[0]
    assert plain.startswith("Birch Clinic, 6 sessions for a new client: $1,050.00")
