"""Answers a person can act on (issue 8, the cost side), on fixture and synthetic data.

Acme (written below, as a user's data file would be) sells a $100 visit and a
4-visit pack at $400 (a $300 promo until 2026-03-01, "from $250" on a review),
and charges a $150 consultation to new clients, medication at $40–60 per 30
days, lab work without a figure, and an optional $100 no-show fee.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from conftest import (
    TODAY,
    assert_one_error_line,
    catalog_of,
    fixture_with,
    flat,
    jsonl,
    load_fixture,
    parse_output,
    plan_data,
    provider_data,
    review_cost,
    table_part,
    words,
)
from ketacalc.domain.pricing import CostQuery, ProviderPricer, price, price_months

D = Decimal
START = date(2026, 6, 1)

ACME = provider_data(
    plans=[
        {
            "id": "visit", "name": "Visit", "sessions": 1, "client": "any",
            "prices": [{"source": "site", "as_of": "2026-01-10", "price": "100"}],
        },
        {
            "id": "pack", "name": "4-Visit Pack", "sessions": 4, "client": "any",
            "prices": [
                {"source": "site", "as_of": "2026-01-10", "price": "400", "note": "Not re-verified."},
                {"source": "site", "as_of": "2026-02-01", "price": "300", "kind": "promo", "ends": "2026-03-01"},
                {"source": "review", "as_of": "2026-02-02", "price": "250", "kind": "starting"},
            ],
        },
    ],
    charges=[
        {"id": "consult", "kind": "consult", "description": "Initial consultation", "per": "course",
         "client": "new", "amount": "150", "source": "site", "as_of": "2026-01-10"},
        {"id": "meds", "kind": "medication", "description": "Medication", "per": "30-days",
         "low": "40", "high": "60", "source": "site", "as_of": "2026-01-10"},
        {"id": "labs", "kind": "fee", "description": "Lab work", "per": "course", "source": "site",
         "as_of": "2026-01-10"},
        {"id": "no-show", "kind": "fee", "description": "No-show", "per": "event", "required": False,
         "amount": "100", "source": "site", "as_of": "2026-01-10"},
    ],
    payment_terms=[{"value": "at-purchase", "source": "site", "as_of": "2026-01-10"}],
)  # fmt: skip


@pytest.fixture(scope="module")
def acme():
    return catalog_of(ACME).find("acme")


@pytest.fixture
def acme_file(tmp_path):
    from conftest import SYNTHETIC_SOURCES

    path = tmp_path / "acme.yaml"
    path.write_text(json.dumps({"version": 1, "sources": SYNTHETIC_SOURCES, "providers": [ACME]}))
    return str(path)


def acme_cost(acme, sessions: int, **kw):
    kw.setdefault("as_of", START)
    kw.setdefault("start", START)
    return price(acme, CostQuery(sessions=sessions, **kw), today=TODAY)


# --------------------------------------------------------------- 1. all-in cost


def test_consultation_is_in_the_total_and_due_at_sign_up(acme):
    r = acme_cost(acme, 6)
    # pack $400 + 2 visits $200, and the $150 consultation
    assert r.total == D("750.00")
    # the first purchase and the consultation, both on the start date
    assert r.due_at_signup == r.purchases[0].charged + D("150.00")
    assert sum((p.amount for p in r.schedule), D(0)) == r.total
    plans = sorted((line.id, line.count, line.amount) for line in r.charges if line.kind == "plan")
    assert plans == [("pack", 1, D("400.00")), ("visit", 2, D("200.00"))]
    others = [(line.kind, line.id, line.count, line.amount) for line in r.charges if line.kind != "plan"]
    assert others == [("consult", "consult", 1, D("150.00")), ("medication", "meds", 2, None)]


def test_a_ranged_charge_is_estimated_over_the_course(acme):
    # 6 weekly sessions span 36 days (first and last day counted): 2 thirty-day supplies
    r = acme_cost(acme, 6)
    [meds] = [line for line in r.charges if line.estimated]
    assert (meds.count, meds.low, meds.high) == (2, D("80.00"), D("120.00"))
    assert (r.total_low, r.total_high) == (D("830.00"), D("870.00"))
    assert acme_cost(acme, 1).charges[-1].count == 1  # one session: one supply
    assert acme_cost(acme, 5, pace=D(2)).charges[-1].count == 1  # 5 sessions at 2 a week: 15 days


def test_returning_clients_pay_no_new_client_consultation(acme):
    r = acme_cost(acme, 4, returning=True)
    assert r.total == D("400.00")
    assert "consult" not in [line.kind for line in r.charges]


def test_unpriced_and_optional_charges_are_listed_never_added(acme):
    r = acme_cost(acme, 6)
    assert [(c.description, c.source) for c in r.unpriced] == [("Lab work", "site")]
    assert [(c.description, c.each) for c in r.optional] == [("No-show", D("100.00"))]
    assert any("Lab work" in n and "in no total" in n for n in words(r.notes))


def test_totals_are_equal_when_nothing_is_estimated(catalog):
    r = price(catalog.find("birch"), CostQuery(sessions=6), today=TODAY)
    assert r.total == r.total_low == r.total_high == D("1050.00")


def test_json_and_table_carry_the_all_in_fields(cli, acme_file):
    args = ("--data", acme_file, "cost", "acme", "-n", "6", "--as-of", "2026-06-01", "--start", "2026-06-01")
    record = cli(*args, "-f", "json").json()
    assert (record["total"], record["total_low"], record["total_high"]) == ("750.00", "830.00", "870.00")
    assert [c["kind"] for c in record["charges"]] == ["plan", "plan", "consult", "medication"]
    assert record["charges"][-1]["low"] == "80.00" and record["charges"][-1]["amount"] is None
    assert [c["description"] for c in record["unpriced"]] == ["Lab work"]
    assert [c["description"] for c in record["optional"]] == ["No-show"]
    table = flat(cli(*args).stdout)
    assert "Total $750.00 + medication est. $80.00–$120.00" in table
    assert "Lab work" in table and "No-show" in table
    assert "Not re-verified." in table  # notes on the prices used are in the table too


# --------------------------------------------------------------- 3. qualified prices


def test_a_promo_is_charged_only_until_it_ends(acme):
    during = acme_cost(acme, 4, as_of=date(2026, 2, 15))
    after = acme_cost(acme, 4, as_of=date(2026, 3, 2))
    assert [line.each for line in during.charges if line.kind == "plan"] == [D("300.00")]
    assert [line.each for line in after.charges if line.kind == "plan"] == [D("400.00")]
    assert any("a promo price (until 2026-03-01" in n for n in words(during.price_notes))


def test_a_starting_price_is_a_note_never_the_price(acme):
    r = acme_cost(acme, 4)
    assert r.total == D("550.00")  # $400 + $150, not $250
    assert "4-Visit Pack is quoted 'from $250.00' (review, 2026-02-02); the price used is $400.00." in words(
        r.price_notes
    )


def test_a_price_below_a_newer_from_figure_is_said_to_be_out_of_date():
    """A 'from' figure is a floor: Mindbloom's 2025 $1,254 priced a course in June 2026 while a
    competitor quoted 'from $1,290' in May, and the note said "the price charged is $1,254.00"
    as a fact. A price used below a newer floor may be out of date, and says so; a quote is
    measured against what is charged, with a pay-in-full discount taken off."""
    plan = {
        "id": "pack", "name": "4-Visit Pack", "sessions": 4, "client": "any",
        "prices": [
            {"source": "site", "as_of": "2026-01-10", "price": "400", "pay_in_full_discount": "50"},
            {"source": "review", "as_of": "2026-02-02", "price": "450", "kind": "starting"},
        ],
    }  # fmt: skip
    [pack] = catalog_of(provider_data(plans=[plan])).providers
    r = price(pack, CostQuery(sessions=4, as_of=START, start=START), today=TODAY)
    assert (
        "4-Visit Pack is quoted 'from $450.00' (review, 2026-02-02); the price used, $400.00, is below "
        "that floor: it may be out of date."
    ) in words(r.price_notes)
    # a summary (a range's row, cost CSV, batch) has no table of the prices used: it says so too
    from ketacalc.output.views.cost import summary_record

    assert any("is below that floor: it may be out of date" in n for n in summary_record(r)["notes"])
    plan["prices"][1]["price"] = "350"  # a floor under what is charged paid in full: $350
    [pack] = catalog_of(provider_data(plans=[plan])).providers
    paid = price(pack, CostQuery(sessions=4, as_of=START, start=START, pay_in_full=True), today=TODAY)
    assert paid.total == D("350.00")
    assert "4-Visit Pack is quoted 'from $350.00' (review, 2026-02-02); the price used is $350.00." in words(
        paid.price_notes
    )


# --------------------------------------------------------------- 2. months and units


def test_months_of_sessions_at_the_pace(cli, acme_file):
    # 2026-06-01 + 2 months = 61 days: weekly sessions on days 0, 7, ..., 56 are 9
    record = cli("--data", acme_file, "cost", "acme", "--months", "2", "--start", "2026-06-01",
                 "--as-of", "2026-06-01", "-f", "json").json()  # fmt: skip
    assert (record["months"], record["sessions_requested"]) == (2, 9)
    assert record["total"] == "1050.00"  # 2 packs + 1 visit, and the consultation


def test_months_of_a_monthly_plan_are_the_cheapest_mix(catalog):
    dune = catalog.find("dune")
    three = price_months(dune, CostQuery(sessions=1), 3, today=TODAY)
    assert three.total == D("360.00")  # the 3-month commitment beats 3 x $150
    assert (three.months, three.sessions_requested, three.modality) == (3, 90, "daily-low-dose")
    four = price_months(dune, CostQuery(sessions=1), 4, today=TODAY)
    assert four.total == D("510.00")  # commitment + one month


def test_daily_low_dose_is_labelled_in_doses(cli):
    result = cli("cost", "dune", "-n", "30")
    assert table_part(result.stdout).splitlines()[0].startswith("Dune Telehealth: 30 doses")
    assert cli("cost", "dune", "-n", "30", "-f", "json").json()["modality"] == "daily-low-dose"


def test_sessions_or_months_not_both(cli):
    assert_one_error_line(cli("cost", "alder", "-n", "3", "--months", "2"), 2)
    assert_one_error_line(cli("cost", "alder"), 2)
    assert "--months" in assert_one_error_line(cli("cost", "alder", "--months", "121"), 2)


# --------------------------------------------------------------- 4. routes


def test_without_a_route_the_standard_route_is_priced_with_a_note(catalog):
    r = price(catalog.find("alder"), CostQuery(sessions=8, returning=True), today=TODAY)
    assert r.route == "tablet" and r.total == D("1280.00")  # 2 x returning-4 tablets at $640
    assert any("standard route" in n and "injection $1,200.00" in n for n in words(r.notes))


def test_a_route_the_provider_lacks_is_refused_with_exit_1(cli):
    line = assert_one_error_line(cli("cost", "alder", "-n", "4", "--route", "troche"), 1)
    assert line == (
        "Error: Alder Health has no plan for route 'troche' — choose --route injection or tablet, "
        "or leave --route out"
    )


# --------------------------------------------------------------- 5, 6. per session, stale, unserved


def test_per_session_and_per_covered_session(cli):
    record = cli("cost", "birch", "-n", "8", "-f", "json").json()
    assert (record["per_session"], record["per_covered_session"]) == ("250.00", "166.67")
    assert "$166.67 per session covered" in flat(cli("cost", "birch", "-n", "8").stdout)


def test_stale_prices_are_flagged_and_the_caption_names_their_dates(cli):
    record = cli("cost", "alder", "-n", "4", "-f", "json").json()
    assert (record["stale"], record["prices_as_of"]) == (False, "2026-08-14")
    old = cli("cost", "alder", "-n", "4", "--max-age", "30", "-f", "json").json()
    assert old["stale"] is True and old["purchases"][0]["stale"] is True
    table = flat(cli("cost", "alder", "-n", "4", "--max-age", "30").stdout)
    assert "2026-08-14 !" in table and "! = a price older than 30 days on 2026-11-21" in table
    assert "Prices dated 2026-08-14" in table and "2026-11-21." not in table.split("Prices dated")[1][:20]


def test_state_gives_availability_and_a_warning(cli):
    result = cli("cost", "fern", "-n", "2", "--state", "NY", "-f", "json")
    assert result.exit_code == 0
    assert result.json()["availability"] == "unavailable"
    assert result.stderr.startswith("warning: Fern Health does not serve NY: ")
    served = cli("cost", "fern", "-n", "2", "--state", "TX", "-f", "json")
    assert served.json()["availability"] == "available" and "warning" not in served.stderr


# --------------------------------------------------------------- 7. schedules


def test_a_repeated_purchase_is_one_row_with_a_count(cli):
    out = cli("cost", "fern", "-n", "6").stdout
    assert "Visit (pay per visit) × 6" in out
    assert cli("cost", "fern", "-n", "6", "-f", "csv").stdout.count("visit x6 (350.00)") == 1


ROUTES = [None, "tablet", "injection"]


@given(
    provider_id=st.sampled_from(["alder", "birch", "cedar", "dune", "fern"]),
    n=st.integers(min_value=1, max_value=80),
    returning=st.booleans(),
    route=st.sampled_from(ROUTES),
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
    pace=st.sampled_from(["0.25", "0.5", "1", "3", "14"]).map(D),
)
@example("alder", 14, False, "injection", date(2025, 1, 31), D(1))  # installments past the next start
def test_schedule_is_in_date_order_and_last_due_is_its_last_payment(
    provider_id, n, returning, route, start, pace
):
    provider = load_fixture().find(provider_id)
    query = CostQuery(
        sessions=n, returning=returning, route=route, start=start, pace=pace, as_of=date(2025, 6, 13)
    )
    r = price(provider, query, today=TODAY)
    if r.total is None:
        return
    dues = [p.due for p in r.schedule]
    assert dues == sorted(dues)
    assert (r.payments, r.first_due, r.last_due) == (len(dues), dues[0], dues[-1])
    assert sum((p.amount for p in r.schedule), D(0)) == r.total


# --------------------------------------------------------------- 8, 9. refusals, far dates, long ranges


def test_no_price_on_the_date_exits_1(cli):
    line = assert_one_error_line(cli("cost", "alder", "-n", "6", "--as-of", "2019-01-01"), 1)
    assert line == (
        "Error: no Alder Health price was observed on or before 2019-01-01 — "
        "use --as-of 2025-06-13 or later, the date of its first price"
    )


def test_batch_refuses_an_unpriced_provider_and_a_large_discount_on_their_lines(cli):
    result = cli("batch", input=jsonl({"provider": "elm", "sessions": 6},
                                      {"provider": "birch", "sessions": 6, "discount": "2000"},
                                      {"provider": "birch", "sessions": 6}))  # fmt: skip
    rows = parse_output("ndjson", result.stdout)
    assert result.exit_code == 1
    assert rows[0]["error"] == "Elm Wellness publishes no prices; the cost is unknown"
    assert rows[1]["error"].startswith("discount $2,000.00 is not below the price of the first purchase")
    assert rows[2]["total"] == "1050.00"


def test_a_start_at_the_end_of_the_calendar_still_prices_one_session(cli):
    record = cli("cost", "fern", "-n", "1", "--start", "9999-12-31", "-f", "json").json()
    assert (record["total"], record["last_due"]) == ("700.00", "9999-12-31")
    assert_one_error_line(cli("cost", "fern", "-n", "2", "--start", "9999-12-31"), 2)


def test_a_month_of_care_that_ends_on_the_calendars_last_day_is_priced(cli):
    """Dune's month bought on 9999-12-01 ends on 9999-12-31: it is priced (it was refused,
    the check overflowing on the day after), with its stop point on that last day; one dose
    more is refused in doses, without a --pace that daily doses do not take."""
    record = cli("cost", "dune", "-n", "30", "--start", "9999-12-01", "-f", "json").json()
    assert (record["total"], record["last_due"]) == ("150.00", "9999-12-01")
    months = cli("cost", "dune", "--months", "1", "--start", "9999-12-01", "-f", "json").json()
    assert (months["total"], months["committed"], months["paid_in_window"]) == ("150.00",) * 3
    stops = cli("cost", "dune", "-n", "30", "--start", "9999-12-01", "--if-stopped", "-f", "json").json()
    assert [s["date"] for s in stops] == ["9999-12-01", "9999-12-31"]
    line = assert_one_error_line(cli("cost", "dune", "-n", "31", "--start", "9999-12-01"), 2)
    assert "31 doses runs past the year 9999" in line and "--pace" not in line
    # the last dose's day past the calendar is said in doses too (it said "2 sessions", "--pace")
    line = assert_one_error_line(cli("cost", "dune", "-n", "2", "--start", "9999-12-31"), 2)
    assert "2 doses runs past the year 9999" in line and "--pace" not in line


def test_a_range_writes_summaries_and_one_n_the_full_record(cli):
    many = cli("cost", "fern", "-n", "1-3", "-f", "json").json()
    assert [r["sessions_requested"] for r in many] == [1, 2, 3]
    assert all("schedule" not in r and "payments" in r for r in many)
    one = cli("cost", "fern", "-n", "3", "-f", "json").json()
    assert {"schedule", "charges", "unpriced", "optional"} <= set(one)
    assert {k: one[k] for k in ("total", "payments", "last_due")} == {
        k: many[2][k] for k in ("total", "payments", "last_due")
    }


def test_a_long_range_is_summarised_without_listing_every_purchase(catalog):
    pricer = ProviderPricer(catalog.find("fern"), CostQuery(sessions=1), TODAY)
    r = pricer.price(10_000)
    assert len(r.runs) == 2 and r._purchases is None  # nothing listed one by one
    assert (r.payments, r.last_due) == (10_001, TODAY + timedelta(days=7 * 9_999))
    assert r.total == D("3500350.00")


def test_ten_thousand_sessions_as_csv(cli):
    rows = parse_output("csv", cli("cost", "fern", "-n", "1-10000", "-f", "csv").stdout)
    assert len(rows) == 10_000 and rows[-1]["purchases"] == "visit x10000 (350.00)"


# --------------------------------------------------------------- charges of every kind


def test_recurring_charges_are_counted_and_scheduled():
    extras = [
        {"id": "fee", "kind": "fee", "description": "Session fee", "per": "session", "amount": "10",
         "source": "site", "as_of": "2026-01-10"},
        {"id": "club", "kind": "membership", "description": "Membership", "per": "month", "amount": "20",
         "source": "site", "as_of": "2026-01-10"},
        {"id": "kit", "kind": "medication", "description": "Kit", "per": "30-days", "amount": "5",
         "price_kind": "starting", "source": "site", "as_of": "2026-01-10"},
        {"id": "coach", "kind": "fee", "description": "Coaching", "per": "hour", "amount": "50",
         "source": "site", "as_of": "2026-01-10"},
    ]  # fmt: skip
    [acme] = catalog_of({**ACME, "charges": ACME["charges"] + extras}).providers
    r = acme_cost(acme, 6)  # 36 days: 6 session fees, 2 months, 2 kits
    counts = {line.id: (line.count, line.amount) for line in r.charges if line.kind != "plan"}
    assert (
        counts["fee"] == (6, D("60.00"))
        and counts["club"] == (2, D("40.00"))
        and counts["kit"] == (2, D("10.00"))
    )
    assert r.total == D("860.00")  # 600 + 150 + 60 + 40 + 10
    assert sum((p.amount for p in r.schedule), D(0)) == r.total
    fee_days = [p.due for p in r.schedule if p.plan == "fee"]
    assert fee_days == [START + timedelta(days=7 * k) for k in range(6)]
    assert [p.due for p in r.schedule if p.plan == "club"] == [START, date(2026, 7, 1)]
    assert [p.due for p in r.schedule if p.plan == "kit"] == [START, START + timedelta(days=30)]
    assert r.last_due == r.schedule[-1].due
    assert "Kit: a 'from' price; it may cost more." in words(r.price_notes)
    assert any("Coaching (fee) is required but charged per hour" in n for n in words(r.notes))
    months = ProviderPricer(acme, CostQuery(sessions=1, as_of=START, start=START), TODAY).price_months(3)
    assert [line.count for line in months.charges if line.id == "club"] == [3]


def test_a_pay_in_full_quote_that_differs_from_the_discount_is_noted():
    plan = {
        "id": "course", "name": "Course", "sessions": 8, "client": "any",
        "prices": [
            {"source": "site", "as_of": "2026-01-10", "price": "1000", "pay_in_full_discount": "100",
             "installments": {"count": 2, "amount": "500"}},
            {"source": "review", "as_of": "2026-01-11", "price": "850", "kind": "pay_in_full"},
        ],
    }  # fmt: skip
    [acme] = catalog_of(provider_data(plans=[plan])).providers
    r = price(acme, CostQuery(sessions=8, pay_in_full=True), today=TODAY)
    assert r.total == D("900.00")
    assert any("A source gives $850.00 as the pay-in-full price of Course" in n for n in words(r.price_notes))


def test_months_past_the_calendar_and_monthly_plans_that_cannot_go_on():
    from ketacalc.errors import ScheduleOutOfRange

    [acme] = catalog_of(ACME).providers
    with pytest.raises(ScheduleOutOfRange):
        price_months(acme, CostQuery(sessions=1, start=date(9999, 12, 1)), 2, today=TODAY)
    monthly = {
        "id": "month", "name": "A month", "sessions": 30, "client": "new", "billing": "monthly",
        "modality": "daily-low-dose", "prices": [{"source": "site", "as_of": "2026-01-10", "price": "100"}],
    }  # fmt: skip
    later = {**monthly, "id": "later", "client": "returning", "billing": "one-time", "modality": "sessions"}
    [club] = catalog_of(provider_data(plans=[monthly, later])).providers
    pricer = ProviderPricer(club, CostQuery(sessions=1), TODAY)
    assert pricer.price_months(1).total == D("100.00")
    two = pricer.price_months(2)
    assert two.total is None and "do not cover 2 months for a new client" in two.no_price.message


def test_another_route_a_discount_does_not_fit_has_no_price_in_the_note(catalog):
    # returning plans today: tablets $640 and $1,400, injections $600 and $1,300
    r = price(catalog.find("alder"), CostQuery(sessions=4, returning=True, discount=D("620")), today=TODAY)
    assert r.total == D("20.00")
    assert any("injection has no price" in n for n in words(r.notes))


def test_another_route_with_no_price_yet_is_said_so():
    """The standard route is priced; the other route's plan has no price on the as-of
    date, and the note says it has none rather than dropping it."""
    plans = [
        plan_data("tabs", 6, "any", "600", route="tablet"),
        plan_data("shots", 6, "any", "500", route="injection", as_of="2026-09-01"),
    ]
    standard = {"value": "tablet", "source": "site", "as_of": "2026-01-10"}
    cat = catalog_of(provider_data(plans=plans, standard_route=standard))
    result = price(cat.find("acme"), CostQuery(sessions=6, as_of=date(2026, 6, 1)), today=TODAY)
    assert result.total == D("600.00")
    assert any("For the same 6 sessions: injection has no price." in n for n in words(result.notes))


def test_an_as_of_date_at_the_start_of_the_calendar_is_priced_or_refused_cleanly():
    """Nothing is "a year older" than 0001-01-01: staleness must not overflow the calendar."""
    from ketacalc.domain.course import stale_before

    assert stale_before(date(1, 1, 2), 365) == date.min
    result = price(load_fixture().find("alder"), CostQuery(sessions=4, as_of=date(1, 1, 2)), today=TODAY)
    assert result.total is None and result.stale is False


def test_a_provider_whose_service_is_unknown_is_not_called_unknown(cli):
    """ "Cedar Care is unknown in NY" read as if the provider were unknown: it is not known to
    serve NY, said so on stderr and in the answer."""
    result = cli("cost", "cedar", "-n", "3", "--state", "NY")
    assert result.stderr.startswith("warning: Cedar Care is not known to serve NY: ")
    assert "Cedar Care is not known to serve NY." in result.stdout.split("\n\n")[0]


def test_a_payment_schedule_names_what_each_payment_is_for(cli):
    """ "new-4", "returning-10-tablet": the data file's ids, which no person knows, stood in the
    schedule's "For" column (table, report); the plan's name does, as the calendar gives it."""
    table = review_cost(cli, "alder", "14", fmt="table").stdout.split("Payment schedule", 1)[1]
    assert "4-Session Program" in table and "new-4" not in table and "returning-10-tablet" not in table
    page = cli("report", "--state", "TX", "--sessions", "14", "--start", "2025-06-13").stdout
    schedule = page.split("Payment schedule", 1)[1] if "Payment schedule" in page else page
    assert "<td>new-4" not in schedule and "<td>4-Session Program" in page


def test_a_charge_on_an_event_is_not_called_optional(cli, tmp_path):
    """A late-cancellation fee read "optional: $75.00", as if a person chose it."""
    import json

    from conftest import SYNTHETIC_SOURCES

    fee = {"id": "no-show", "kind": "fee", "description": "No-show", "per": "event", "required": False,
           "amount": "75", "source": "site"}  # fmt: skip
    acme = provider_data(plans=[plan_data("visit", 1, "any", "100")], charges=[fee])
    path = tmp_path / "providers.yaml"
    path.write_text(
        json.dumps({"version": 1, "sources": SYNTHETIC_SOURCES, "providers": [acme]}), encoding="utf-8"
    )
    table = cli("--data", str(path), "cost", "acme", "-n", "2").stdout
    extras = table.split("Charges not in the total", 1)[1]
    assert "when it applies: $75.00" in extras and "optional" not in extras


def test_fees_without_a_session_price_are_not_no_prices():
    """Journey Clinical publishes its consultation and refill fees, not a price for its
    sessions: "publishes no prices" read as if nothing were known."""
    fees = provider_data(
        charges=[
            {"id": "consult", "kind": "consult", "description": "Initial consultation", "per": "course",
             "client": "new", "amount": "250", "source": "site", "as_of": "2026-01-10"},
        ],
    )  # fmt: skip
    [provider] = catalog_of(fees).providers
    result = price(provider, CostQuery(sessions=4), today=TODAY)
    assert str(result.no_price).startswith(
        "Acme Ketamine: no price for its sessions is published, only some fees"
    )
    [bare] = catalog_of(provider_data()).providers
    assert str(price(bare, CostQuery(sessions=4), today=TODAY).no_price).startswith(
        "Acme Ketamine publishes no prices; the cost is unknown"
    )


def test_a_courses_last_day_of_care(catalog):
    """The day its rules are checked to: the last session at the pace, the last dose (one a
    day), the last of its first M months."""
    from datetime import timedelta

    start = date(2026, 12, 1)
    alder = price(catalog.find("alder"), CostQuery(sessions=5, start=start), today=TODAY)
    assert alder.last_day_of_care == start + timedelta(days=28)  # weekly: days 0, 7, ..., 28
    dune = price(catalog.find("dune"), CostQuery(sessions=30, start=start), today=TODAY)
    assert dune.modality == "daily-low-dose" and dune.last_day_of_care == date(2026, 12, 30)
    months = price_months(catalog.find("birch"), CostQuery(sessions=1, start=start), 2, today=TODAY)
    assert months.last_day_of_care == date(2027, 1, 31)


def test_compare_says_a_from_floor_above_the_price_used_beside_the_total():
    """``cost`` warned that a price used below a newer 'from' figure may be out of date;
    ``compare`` showed the same total with no word of it."""
    from ketacalc.domain.compare import CompareQuery, compare
    from ketacalc.output.views.compare import CompareReport

    plan = {
        "id": "pack", "name": "4-Visit Pack", "sessions": 4, "client": "any",
        "prices": [
            {"source": "site", "as_of": "2026-01-10", "price": "400"},
            {"source": "review", "as_of": "2026-02-02", "price": "450", "kind": "starting"},
        ],
    }  # fmt: skip
    catalog = catalog_of(provider_data(plans=[plan]))
    result = compare(catalog, CompareQuery(sessions=4, as_of=START), today=TODAY)
    caption = " ".join(CompareReport(catalog, result).table().caption.split())
    assert (
        "Acme Ketamine: 4-Visit Pack is quoted 'from $450.00' (review, 2026-02-02); the price used, $400.00"
        in caption
    )
    assert "is below that floor: it may be out of date" in caption


def test_charges_paid_only_when_they_apply_are_in_every_shape_a_script_reads(cli, tmp_path):
    """A late cancellation's fee was under the cost table ("Charges not in the total") and in
    the full JSON record, but not in cost's CSV, a range's records, batch's summaries or
    compare's JSON and CSV: a script never saw it. Each carries it, in no total."""
    anchor = (
        '      - {id: consultation, kind: consult, description: "Initial consultation", per: course, '
        "client: new, amount: 350, source: fern-site-2026-05, as_of: 2026-05-01}\n"
    )
    fee = (
        '      - {id: late-cancel, kind: fee, description: "Cancelling within 48 hours", per: event, '
        "required: false, amount: 140, source: fern-site-2026-05, as_of: 2026-05-01}\n"
    )
    data = fixture_with(tmp_path, anchor, anchor + fee)
    cell = "Cancelling within 48 hours (fee, when it applies): 140.00"
    full = cli("--data", str(data), "cost", "fern", "-n", "6", "--format", "json").json()
    assert [c["each"] for c in full["optional"]] == ["140.00"]
    plain = cli("cost", "fern", "-n", "6", "--format", "json").json()
    assert full["total"] == plain["total"]  # in no total
    [row] = parse_output("csv", cli("--data", str(data), "cost", "fern", "-n", "6", "--format", "csv").stdout)
    assert row["optional"] == cell
    records = cli("--data", str(data), "cost", "fern", "-n", "5,6", "--format", "json").json()
    assert all(r["optional"] == full["optional"] for r in records)
    batch = cli("--data", str(data), "batch", "-", input='{"provider": "fern", "sessions": 6}\n')
    assert json.loads(batch.stdout)["optional"] == full["optional"]
    args = ("--data", str(data), "compare", "--state", "TX", "-n", "6")
    [fern] = [r for r in cli(*args, "--format", "json").json() if r["provider"] == "fern"]
    assert fern["optional"] == full["optional"]
    [fern_row] = [
        r for r in parse_output("csv", cli(*args, "--format", "csv").stdout) if r["provider"] == "fern"
    ]
    assert fern_row["optional"] == cell
