"""Issue 8 on the comparison side, on the fixture data: comparable units (sessions vs
months), per-plan sign-up cash, standard routes, stale prices, real price dates,
"none" for insurers, disputed facts, and what ``show`` and ``providers`` add.

Fixture figures used (see tests/data/fixture/providers.yaml):
dune sells daily low doses by the month: $150 a month, or 3 months for $360 (3 x $120).
alder: new-4 $880 (2 x $440), new-10 $1,800 (5 x $360); its standard route is tablets;
returning tablets 4 for $640 and 10 for $1,400, injections 4 for $600 and 10 for $1,300.
Three months from 2026-11-21 end on 2027-02-21: 92 days, so 14 weekly sessions
(days 0, 7, ..., 91) or 27 at two a week; alder's 14 = new-4 $880 + returning-10 $1,400.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest

from conftest import TODAY, assert_one_error_line, catalog_of, flat, plan_data, provider_data
from ketacalc.domain.answers import show
from ketacalc.domain.compare import CompareQuery, compare
from ketacalc.domain.pricing import CostQuery, price_months
from ketacalc.domain.request import Request
from ketacalc.output.markdown import write_markdown
from ketacalc.output.table import draw
from ketacalc.output.tableview import GOES_ON, inert_view
from ketacalc.output.views.compare import CompareReport, estimate_text
from ketacalc.output.views.show import ShowReport

D = Decimal


def rows_of(cli, *args: str) -> dict[str, dict]:
    result = cli("compare", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return {r["provider"]: r for r in result.json()}


def table(cli, *args: str) -> str:
    result = cli(*args, env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.stderr
    return flat(result.stdout)


def cells(catalog, **query: object) -> dict[str, str]:
    """Each table row of ``compare`` as one flat line, by provider id (cells in order)."""
    result = compare(catalog, CompareQuery(**query), today=TODAY)
    rows = CompareReport(catalog, result).table().rows
    return {r.provider.id: flat(" | ".join(cells)) for r, cells in zip(result.rows, rows, strict=True)}


# --------------------------------------------------------------- comparable units


def test_sessions_never_give_a_daily_low_dose_provider_a_session_total(cli, catalog):
    dune = rows_of(cli, "--sessions", "10", "--sort", "total")["dune"]
    assert (dune["total"], dune["per_session"]) == (None, None)
    # what starting it takes is published all the same: the 3-month plan's first $120
    assert dune["due_at_signup"] == "120.00"
    kept = rows_of(cli, "--sessions", "10", "--max-due-at-signup", "150")
    assert "dune" in kept  # not hidden as if its sign-up payment were unknown
    assert dune["comparable"] is False and dune["modality"] == "daily-low-dose"
    assert dune["reason"].startswith("Dune Telehealth sells daily-low-dose treatment by the month")
    assert dune["monthly_cost"] == "120.00"
    assert (
        "| $120.00/mo with a 3-month commitment (else $150.00/mo) not sessions: no total |"
        in cells(catalog, sessions=10)["dune"]
    )
    out = table(cli, "compare", "--sessions", "10")
    assert "no session total and no rank (use --months)" in out


def test_sessions_price_only_standard_dose_plans_of_a_mixed_provider():
    mixed = provider_data(
        plans=[
            plan_data("visit", 1, "any", "300"),
            {**plan_data("daily", 30, "any", "90"), "billing": "monthly", "modality": "daily-low-dose"},
        ]
    )
    [row] = compare(catalog_of(mixed), CompareQuery(sessions=10), today=TODAY).rows
    assert row.total == D("3000") and row.modality == "sessions"  # never 30 daily doses for $90
    assert {p.plan.id for p in row.cost.purchases} == {"visit"}


def test_months_price_every_modality_from_the_start(cli):
    rows = rows_of(cli, "--months", "3", "--start", "2026-11-21", "--sort", "total")
    dune, alder = rows["dune"], rows["alder"]
    assert (dune["months"], dune["total"], dune["modality"]) == (3, "360.00", "daily-low-dose")
    assert dune["sessions_requested"] is None  # doses, not sessions
    assert (alder["months"], alder["sessions_requested"], alder["total"]) == (3, 14, "2280.00")
    # its months cost less, but a month of daily low doses is another treatment than a month of
    # sessions: priced and shown, never ranked among them (sorted after them, not comparable)
    assert list(rows)[0] == "cedar" and dune["comparable"] is False and alder["comparable"] is True
    ranked = [r["provider"] for r in rows.values() if r["comparable"] and r["total"] is not None]
    assert list(rows)[: len(ranked)] == ranked and "dune" not in ranked
    out = table(cli, "compare", "--months", "3", "--start", "2026-11-21")
    assert "first 3 months, new client" in out and "90 doses" in out and "14 sessions" in out
    assert "First 3 months of care from 2026-11-21" in out


def test_a_months_cell_gives_the_commitment_the_course_is_bought_with(catalog):
    """``compare --months 1`` showed Joyous at "$159.00" above "$129.00/mo", the 3-month
    commitment's rate, which one month cannot have; with 3 months the commitment went
    unsaid. The cell gives the doses and any commitment the course is bought with."""
    one = cells(catalog, months=1, start=TODAY)["dune"]
    assert "$150.00 | " in one or "$150.00 30 doses" in one, one
    assert "$120.00/mo" not in one and "commitment" not in one, one
    three = cells(catalog, months=3, start=TODAY)["dune"]
    assert "$360.00 90 doses with a 3-month commitment" in three, three


def test_months_follow_the_pace(cli):
    alder = rows_of(cli, "--months", "3", "--start", "2026-11-21", "--pace", "2")["alder"]
    assert alder["sessions_requested"] == 27


def test_price_months_counts_sessions_in_the_window(catalog):
    alder = catalog.find("alder")
    query = CostQuery(sessions=1, start=TODAY, route="tablet")
    assert price_months(alder, query, 1, today=TODAY).sessions_requested == 5  # 31 days: days 0..28
    dune = query._replace(route=None)  # dune delivers troches only: a tablet route is refused
    assert price_months(catalog.find("dune"), dune, 2, today=TODAY).sessions_requested == 60


@pytest.mark.parametrize(
    ("args", "mentions"),
    [
        (["--sessions", "6", "--months", "3"], "--sessions and --months"),
        (["--months", "0"], "--months"),
        (["--months", "121"], "--months"),
        (["--max-age", "-1"], "--max-age"),
        (["--start", "tomorrow"], "--start"),
        (["--pace", "0"], "--pace"),
    ],
)
def test_bad_months_options_are_usage_errors(cli, args, mentions):
    assert mentions in assert_one_error_line(cli("compare", *args), 2)


def test_sessions_and_months_together_are_refused_by_the_core(catalog):
    with pytest.raises(ValueError, match="sessions or of months"):
        compare(catalog, CompareQuery(sessions=6, months=3), today=TODAY)


@pytest.mark.parametrize("key", ["total-low", "total-high"])
def test_all_in_sort_keys(cli, key):
    rows = list(rows_of(cli, "--sessions", "10", "--sort", key).values())
    field = key.replace("-", "_")
    known = [D(r[field]) for r in rows if r[field] is not None]
    assert known == sorted(known) and len(known) == 4
    assert all(r[field] is None for r in rows[len(known) :])


def test_all_in_fields_are_in_every_record(cli):
    for r in rows_of(cli, "--sessions", "10").values():
        for key in ("charges", "unpriced", "total_low", "total_high", "per_covered_session", "stale"):
            assert key in r
        if r["total"] is not None and r["provider"] == "alder":
            assert r["total_low"] == r["total_high"] == r["total"]  # nothing estimated
            assert r["per_covered_session"] == "180.00"


# --------------------------------------------------------------- due at sign-up


def test_due_at_signup_is_shown_per_plan_without_a_course(cli):
    out = table(cli, "compare")
    # alder's 4-session plan starts at $440, its 10-session plan at $360: each beside its plan
    assert "4: $880.00 $440.00" in out and "10: $1,800.00 $360.00" in out
    assert (
        "Due at sign-up: the first payment of each plan listed, with a new client's consultation fee." in out
    )
    assert "the total is the cheapest plan" not in out  # no total is shown without a course


def test_due_at_signup_without_a_course_counts_the_consultation_as_the_json_and_filter_do(cli, catalog):
    """Fern's $350 visit was shown due at sign-up beside its $350 consultation while the JSON
    and --max-due-at-signup counted $700: Fern read as within a $400 limit that hid it. Each
    plan's figure now counts a new client's consultation, as with a course."""
    fern = rows_of(cli, "--state", "TX")["fern"]
    assert fern["due_at_signup"] == "700.00"
    cell = cells(catalog, state="TX")["fern"]
    assert "$700.00 consult: $350.00 included" in cell, cell  # the fee is in the figure above
    assert "fern" not in rows_of(cli, "--state", "TX", "--max-due-at-signup", "400")
    returning = cells(catalog, state="TX", returning=True)["fern"]
    assert "$700.00" not in returning  # a returning client books no consultation


# --------------------------------------------------------------- routes


def test_standard_route_for_a_returning_client_with_the_others_noted(cli, catalog):
    alder = rows_of(cli, "--returning")["alder"]
    assert [p["plan"] for p in alder["plans"]] == ["returning-4-tablet", "returning-10-tablet"]
    assert (alder["route"], alder["other_routes"]) == ("tablet", {"injection": "600.00"})
    assert (
        "4: $640.00 10: $1,400.00 also injection: from $600.00 |" in cells(catalog, returning=True)["alder"]
    )


def test_standard_route_course_with_the_other_route_priced(cli, catalog):
    alder = rows_of(cli, "--returning", "--sessions", "10")["alder"]
    assert (alder["total"], alder["other_routes"]) == ("1400.00", {"injection": "1300.00"})
    assert "also injection: $1,300.00 |" in cells(catalog, returning=True, sessions=10)["alder"]
    assert "standard route" in table(cli, "compare", "--returning", "--sessions", "10")


def test_a_provider_without_the_route_asked_for_is_hidden_with_the_reason(cli):
    rows = rows_of(cli, "--route", "injection")
    assert "alder" in rows and "birch" not in rows and "cedar" not in rows  # birch: tablets; cedar: troches
    assert rows["alder"]["route"] == "injection" and rows["alder"]["other_routes"] == {}
    assert "hidden (no injection route: birch, cedar, dune, fern, gale)" in table(
        cli, "compare", "--route", "injection"
    )


# --------------------------------------------------------------- stale and dates


def test_stale_when_a_price_used_is_older_than_max_age(cli, catalog):
    rows = rows_of(cli, "--sessions", "6")
    assert rows["birch"]["stale"] is True and rows["birch"]["oldest_price"] == "2025-06-13"
    assert rows["fern"]["stale"] is False and rows["elm"]["stale"] is None
    assert rows_of(cli, "--sessions", "6", "--max-age", "600")["birch"]["stale"] is False
    out = table(cli, "compare", "--sessions", "6")
    assert "stale prices: one used is more than 365 days older than 2026-11-21" in out
    assert cells(catalog, sessions=6)["birch"].startswith("Birch Clinic data 2026-05-05 stale prices |")
    assert "stale" not in cells(catalog, sessions=6)["fern"]


def test_caption_names_the_price_dates_not_today(cli):
    out = table(cli, "compare", "--sessions", "6", "--max-age", "999")
    assert "Prices used dated 2025-06-13 to 2026-08-14" in out
    assert "2026-11-21" not in out and "Prices as of" not in out


def test_providers_show_the_oldest_price_in_force(cli):
    result = cli("providers", "--format", "json")
    got = {r["provider"]: (r["data_as_of"], r["oldest_price"]) for r in result.json()}
    assert got["birch"] == ("2026-05-05", "2025-06-13")
    assert got["alder"] == ("2026-08-14", "2026-08-14")
    assert got["elm"][1] is None
    assert "Oldest price" in table(cli, "providers")


def test_providers_count_one_session_in_the_singular(cli):
    out = " ".join(cli("providers", env={"COLUMNS": "200"}).stdout.split())
    assert "1 session: $350.00" in out  # Fern Health's one-session plan
    assert "4 sessions: $880.00" in out and "1 sessions" not in out


@pytest.mark.parametrize(("option", "said"), [("--sessions", "1 session"), ("--months", "first month")])
def test_compare_of_one_session_or_month_says_it_in_the_singular(cli, option, said):
    out = cli("compare", "--state", "TX", option, "1", env={"COLUMNS": "200"}).stdout
    assert f"Providers for TX (Texas), {said}, new client" in out
    assert "1 sessions" not in out and "1 months" not in out


# --------------------------------------------------------------- small truths


def test_a_headline_total_carries_its_estimate_beside_it():
    """The first lines a person reads give the estimate beside the total, as the table does:
    "$600.00 + medication est. $100.00–$300.00", never the bare $600.00 (compare and a range);
    a total that leaves a charge out is never named the lowest (chart's rule: one rule)."""
    from ketacalc.domain.pricing import price_many
    from ketacalc.output.views.compare import headline
    from ketacalc.output.views.cost import range_headline

    meds = {"id": "meds", "kind": "medication", "description": "Pharmacy", "per": "30-days",
            "low": "50", "high": "150", "source": "site", "as_of": "2026-01-10"}  # fmt: skip
    cat = catalog_of(provider_data(plans=[plan_data("visit", 1, "any", "100")], charges=[meds]))
    said = " ".join(headline(cat, compare(cat, CompareQuery(sessions=6), today=TODAY)))
    assert "No total for 6 sessions is ranked." in said and "lowest" not in said
    assert (
        "Acme Ketamine ($600.00 + medication est. $100.00–$300.00): medication only estimated, not ranked"
        in said
    )
    courses = list(price_many(cat.providers[0], CostQuery(sessions=1), [1, 6], today=TODAY))
    assert range_headline(courses)[0] == (
        "Acme Ketamine, new client: $100.00 + medication est. $50.00–$150.00 for 1 session "
        "to $600.00 + medication est. $100.00–$300.00 for 6 sessions."
    )


def test_eligibility_says_none_with_its_source(catalog):
    from ketacalc.domain.eligibility import serving
    from ketacalc.output.views.states import EligibilityReport

    report = EligibilityReport("TX", serving(catalog, "TX", TODAY))
    insurers = {row[0]: flat(row[2]) for row in report.table().rows}
    assert insurers["Alder Health"] == "none (review-2025, 2025-06-13)"
    assert insurers["Elm Wellness"] == "—"  # nothing published: a dash, not "none"
    assert insurers["Birch Clinic"].startswith("Aetna, ")


def test_eligibility_tells_a_list_naming_none_here_from_no_insurance_at_all(cli):
    """Birch accepts insurance but its list names no insurer in Idaho; Alder accepts none at
    all. Both have ``insurers: []``: ``insurance`` and the list cited tell them apart."""
    rows = {r["provider"]: r for r in cli("eligibility", "--state", "ID", "--format", "json").json()}
    birch, alder = rows["birch"], rows["alder"]
    assert (birch["insurers"], birch["insurance"], birch["insurers_source"]) == ([], True, "review-2025")
    assert (alder["insurers"], alder["insurance"], alder["insurers_source"]) == ([], False, None)
    markdown = cli("eligibility", "--state", "ID", "--format", "markdown").stdout
    assert "| none listed (review-2025, 2025-06-13) |" in markdown


def test_compare_hsa_fsa_disputed_in_json_and_table(cli):
    cedar = rows_of(cli)["cedar"]
    assert cedar["hsa_fsa"] == "disputed"
    assert [(o["value"], o["source"], o["as_of"]) for o in cedar["hsa_fsa_observations"]] == [
        ("yes", "review-2025", "2025-06-13"),
        ("no", "compare-2026", "2026-05-05"),
    ]
    assert rows_of(cli)["birch"]["hsa_fsa_observations"] == []
    out = table(cli, "compare", "--wide")
    assert "HSA/FSA" in out and "disputed" in out
    assert (
        "Cedar Care HSA/FSA disputed: yes (review-2025, 2025-06-13) vs no (compare-2026, 2026-05-05)" in out
    )


def test_show_marks_disputed_facts_and_never_calls_notes_older(cli, catalog):
    out = table(cli, "show", "cedar")
    assert out.count("HSA/FSA (disputed)") == 2 and "HSA/FSA (older)" not in out
    [record] = ShowReport(catalog, show(catalog, Request(providers=("cedar",)), TODAY)).records()
    assert record["disputed"] == ["hsa_fsa"]
    notes = provider_data(
        notes=[
            {"value": "First note.", "source": "site", "as_of": "2025-01-01"},
            {"value": "Second note.", "source": "review", "as_of": "2026-01-01"},
        ],
        cost_notes=[{"value": "Old cost note.", "source": "press", "as_of": "2024-01-01"}],
        status=[
            {"value": "operating", "source": "press", "as_of": "2024-01-01"},
            {"value": "operating", "source": "site", "as_of": "2026-01-01"},
        ],
    )
    cat = catalog_of(notes)
    report = ShowReport(cat, show(cat, Request(providers=("acme",)), TODAY))
    labels = [row[0] for row in report.table().rows]
    assert labels.count("Note") == 2 and "Cost note" in labels and "Note (older)" not in labels
    assert labels.count("Status (older)") == 1  # superseded by a newer status: older
    [record] = report.records()
    assert all(n["current"] for n in record["notes"] + record["cost_notes"])


def test_show_lists_quotes_and_charges():
    plan = plan_data("course", 8, "any", "1098", installments={"count": 3, "amount": "366"})
    plan["prices"].append({"source": "review", "as_of": "2026-05-05", "price": "998", "kind": "pay_in_full"})
    charges = [
        {"id": "consult", "kind": "consult", "description": "Consultation", "per": "course",
         "amount": "100", "source": "site", "as_of": "2026-01-10"},
        {"id": "meds", "kind": "medication", "description": "Pharmacy", "per": "30-days",
         "low": "50", "high": "150", "source": "site", "as_of": "2026-01-10"},
        {"id": "no-show", "kind": "fee", "description": "No-show", "per": "event", "required": False,
         "amount": "75", "source": "site"},
    ]  # fmt: skip
    cat = catalog_of(provider_data(plans=[plan], charges=charges))
    report = ShowReport(cat, show(cat, Request(providers=("acme",)), TODAY))
    [record] = report.records()
    assert [(q["price"], q["kind"]) for q in record["plans"][0]["quotes"]] == [("998.00", "pay_in_full")]
    assert [(c["kind"], c["amount"], c["low"], c["high"], c["required"]) for c in record["charges"]] == [
        ("consult", "100.00", None, None, True),
        ("medication", None, "50.00", "150.00", True),
        ("fee", "75.00", None, None, False),
    ]
    sections = dict(report.table().sections)
    plans = flat(" ".join(" ".join(r) for r in sections["Plans and dated prices"].rows))
    assert "(pay-in-full quote: a note, never the price charged)" in plans
    charged = flat(" ".join(" ".join(r) for r in sections["Charges besides the plans"].rows))
    assert (
        "$50.00–$150.00 per 30 days" in charged
        and "No-show kind: fee $75.00 per event when it applies" in charged
    )


# --------------------------------------------------------------- helpers of the report


def test_estimate_is_shown_beside_the_total(catalog):
    result = compare(catalog, CompareQuery(sessions=6), today=TODAY)
    [row] = [r for r in result.rows if r.provider.id == "fern"]
    assert estimate_text(row) == []  # nothing estimated

    # $50–150 of medication per 30 days; 6 weekly sessions span 36 days: 2 supplies
    meds = {"id": "meds", "kind": "medication", "description": "Pharmacy", "per": "30-days",
            "low": "50", "high": "150", "source": "site", "as_of": "2026-01-10"}  # fmt: skip
    cat = catalog_of(provider_data(plans=[plan_data("visit", 1, "any", "100")], charges=[meds]))
    [row] = compare(cat, CompareQuery(sessions=6), today=TODAY).rows
    assert (row.total, row.total_low, row.total_high) == (D("600.00"), D("700.00"), D("900.00"))
    assert estimate_text(row) == ["+ medication est.", "$100.00–$300.00"]
    report = CompareReport(cat, compare(cat, CompareQuery(sessions=6), today=TODAY))
    assert f"+ medication est.{GOES_ON}$100.00–$300.00" in report.table().rows[0][1]  # one phrase, broken
    lines = draw(inert_view(report.table()), 80)
    assert any("+ medication est." in line and "$100.00–" not in line for line in lines)  # a table breaks it…
    out = io.StringIO()
    write_markdown(report.table(), out)
    assert "$600.00; + medication est. $100.00–$300.00; $100.00 each" in out.getvalue()  # …Markdown reads on


def test_history_lists_a_quote_as_a_note_never_as_a_price():
    from ketacalc.output.views.history import HistoryReport

    plan = plan_data("course", 8, "any", "1098", installments={"count": 3, "amount": "366"})
    plan["prices"].append({"source": "review", "as_of": "2026-05-05", "price": "998", "kind": "pay_in_full"})
    cat = catalog_of(provider_data(plans=[plan]))
    report = HistoryReport(cat, cat.find("acme"))
    assert [(r["price"], r["kind"]) for r in report.records()] == [
        ("1098.00", "self-pay"),
        ("998.00", "quote"),
    ]
    labels = [row[0] for row in report.table().rows]
    assert labels[1].endswith("(pay-in-full quote: a note, never charged)")


def test_history_is_oldest_first_across_prices_and_quotes():
    """A quote seen between two prices is listed between them (it came after both)."""
    from ketacalc.output.views.history import HistoryReport

    plan = plan_data("course", 8, "any", "1098")
    plan["prices"] += [
        {"source": "review", "as_of": "2026-06-01", "price": "1150"},
        {"source": "review", "as_of": "2026-05-05", "price": "998", "kind": "starting"},
    ]
    cat = catalog_of(provider_data(plans=[plan]))
    records = HistoryReport(cat, cat.find("acme")).records()
    assert [(r["as_of"], r["kind"]) for r in records] == [
        (plan["prices"][0]["as_of"], "self-pay"),
        ("2026-05-05", "quote"),
        ("2026-06-01", "self-pay"),
    ]


def test_an_insurer_without_a_course_says_the_plans_are_self_pay(cli):
    """Insurance prices a course (its purchases); the plans listed without one are self-pay
    prices, and the headline says so rather than let them pass for the insured ones."""
    plain = table(cli, "compare", "--state", "TX", "--insurer", "aetna")
    assert "The plans listed are self-pay prices: Aetna insurance is applied to a course" in " ".join(
        plain.split()
    )
    course = cli("compare", "--state", "TX", "--insurer", "aetna", "--sessions", "6").stdout
    assert "self-pay prices" not in course and "insured" in course


def test_an_insured_total_ranked_first_says_it_is_not_what_you_pay(cli):
    """Birch's insured $500 was "the lowest total" above cash totals with no word in the table
    that a deductible and copay decide what is paid (only cost and the JSON said it): the
    headline and the table's caption say it, where an insured total is shown."""
    course = " ".join(table(cli, "compare", "--state", "TX", "--insurer", "aetna", "-n", "6").split())
    assert "lowest total among those serving TX is Birch Clinic at $500.00 insured" in course
    said = "That total is the source's price with Aetna insurance: what you pay depends on your plan"
    assert said in course
    assert "insured: the source's price with insurance; what you pay depends on your plan" in course
    cash = " ".join(table(cli, "compare", "--state", "TX", "-n", "6").split())
    assert "depends on your plan" not in cash


def test_a_returning_client_is_not_told_of_a_new_clients_prepaid_consultation(cli):
    """Alder charges a new client's first payment before the consultation; a returning
    client books no consultation: no "prepaid*" mark and no footnote for one."""
    new = table(cli, "compare", "-n", "4")
    assert "prepaid*" in new and "* first payment charged before the consultation" in new
    returning = table(cli, "compare", "-n", "4", "--returning")
    assert "prepaid" not in returning and "first payment charged before the consultation" not in returning
    assert "consult:" not in returning
    alder = rows_of(cli, "-n", "4", "--returning")["alder"]
    assert alder["consult_prepayment"] is None  # the JSON agrees with the table


def test_a_consultation_fee_shown_without_a_course_makes_an_old_row_stale():
    """A provider with no published plans whose consultation fee is more than a year old:
    the fee is shown (and in due_at_signup), so its age marks the row like any price's."""
    consult = {
        "id": "consultation", "kind": "consult", "description": "Initial consultation", "per": "course",
        "client": "new", "amount": "250", "source": "site", "as_of": "2025-08-13",
    }  # fmt: skip
    cat = catalog_of(provider_data(charges=[consult]))
    (row,) = compare(cat, CompareQuery(), today=TODAY).rows
    assert row.consult_fee == D(250) and row.stale is True and row.prices_oldest.isoformat() == "2025-08-13"
    fresh = catalog_of(provider_data(charges=[{**consult, "as_of": "2026-08-13"}]))
    assert compare(fresh, CompareQuery(), today=TODAY).rows[0].stale is False


def test_a_returning_clients_row_counts_no_new_clients_consultation(cli):
    """Fern's $350 consultation is a new client's: without a course, a returning client's
    due at sign-up is the visit alone, no consultation fee is given, and the fee's date
    never makes the row stale (as the table, which shows no consultation line, says)."""
    new = rows_of(cli)["fern"]
    assert (new["due_at_signup"], new["consult_fee"]) == ("700.00", "350.00")
    returning = rows_of(cli, "--returning")["fern"]
    assert (returning["due_at_signup"], returning["consult_fee"]) == ("350.00", None)
    consult = {
        "id": "consultation", "kind": "consult", "description": "Initial consultation", "per": "course",
        "client": "new", "amount": "250", "source": "site", "as_of": "2025-08-13",
    }  # fmt: skip
    cat = catalog_of(provider_data(charges=[consult]))
    assert compare(cat, CompareQuery(returning=True), today=TODAY).rows[0].stale is None


def test_a_row_without_prices_but_with_an_old_consultation_fee_is_stale_with_a_course_or_without():
    """Its only price (a consultation, shown in both) is old: the row was stale without a
    course and not with one, as if asking for 6 sessions had made the fee fresh."""
    from ketacalc.domain.compare import overview

    consult = {
        "id": "consultation", "kind": "consult", "description": "Consultation", "per": "course",
        "client": "new", "amount": "250", "source": "site", "as_of": "2024-08-13",
    }  # fmt: skip
    cat = catalog_of(provider_data(charges=[consult]))
    plain = compare(cat, CompareQuery(), today=TODAY).rows[0]
    course = compare(cat, CompareQuery(sessions=6), today=TODAY).rows[0]
    assert plain.stale is course.stale is True
    assert plain.prices_oldest == course.prices_oldest == date(2024, 8, 13)
    # providers lists plans only: no plan price, so no stale mark either way (not "fresh")
    assert overview(cat, TODAY)[0].stale is None


def test_a_tie_for_the_lowest_total_names_every_provider_in_it():
    """Two providers at the same $600: the first by name was named alone, as if cheaper."""
    from ketacalc.domain.curves import CurveQuery, curves
    from ketacalc.output.plot import cheapest_lines
    from ketacalc.output.views.compare import headline

    cat = catalog_of(
        provider_data("acme", "Acme Ketamine", plans=[plan_data("visit", 1, "any", "100")]),
        provider_data("zeta", "Zeta Care", plans=[plan_data("visit", 1, "any", "100")]),
    )
    said = " ".join(headline(cat, compare(cat, CompareQuery(sessions=6), today=TODAY)))
    assert "the lowest total is Acme Ketamine at $600.00, tied with Zeta Care" in said
    drawn = " ".join(cheapest_lines(curves(cat, CurveQuery(counts=(1, 2)), today=TODAY), 200))
    assert drawn.startswith("Cheapest: Acme Ketamine from 1 session (tied with Zeta Care).")


def test_compare_records_say_which_rows_the_headline_ranks():
    """``comparable`` says a row is priced in sessions like the others; ``ranked`` says the
    headline ranks it. A total that leaves a charge out (medication estimated beside it) is
    comparable but never ranked, so a script picking the lowest ranked total agrees with the
    headline (Isha read ``comparable: true`` while the headline left it out)."""
    from ketacalc.output.views.compare import CompareReport

    meds = {"id": "meds", "kind": "medication", "description": "Pharmacy", "per": "30-days",
            "low": "50", "high": "150", "source": "site", "as_of": "2026-01-10"}  # fmt: skip
    cat = catalog_of(
        provider_data(plans=[plan_data("visit", 1, "any", "100")], charges=[meds]),
        provider_data(id="bare", name="Bare Clinic", plans=[plan_data("visit", 1, "any", "150")]),
    )
    result = compare(cat, CompareQuery(sessions=6), today=TODAY)
    got = {r["provider"]: (r["comparable"], r["ranked"]) for r in CompareReport(cat, result).records()}
    assert got == {"acme": (True, False), "bare": (True, True)}


def test_sorted_by_total_a_total_that_leaves_a_charge_out_comes_after_the_others():
    """Acme's $600 leaves its medication out ($100-$300 estimated beside it): sorted by total
    or per session it came first, ahead of a $900 that is what is paid, though the headline
    ranks it nowhere. It comes after every total that is paid; by total-high it is among them."""
    meds = {"id": "meds", "kind": "medication", "description": "Pharmacy", "per": "30-days",
            "low": "50", "high": "150", "source": "site", "as_of": "2026-01-10"}  # fmt: skip
    cat = catalog_of(
        provider_data(plans=[plan_data("visit", 1, "any", "100")], charges=[meds]),
        provider_data(id="bare", name="Bare Clinic", plans=[plan_data("visit", 1, "any", "150")]),
    )

    def order(key: str) -> list[str]:
        return [r.provider.id for r in compare(cat, CompareQuery(sessions=6, sort=key), today=TODAY).rows]

    assert order("total") == order("per-session") == ["bare", "acme"]
    assert order("total-low") == ["acme", "bare"]  # $700 with the low estimate, against $900


def test_show_gives_refund_ladders_insurers_and_a_hired_sitter_as_the_json_does(cli):
    """'Everything known': show's table left out each insurer list, the refund policies and what
    a hired sitter costs (the first only in JSON, the others nowhere)."""
    alder = cli("show", "alder", "--format", "json").json()
    (policy,) = alder["refund_policy"]
    assert (policy["plans"], policy["source"]) == (["new-4", "new-10"], "alder-help")
    assert [(t["stage"], t["refund"], t["owed"], t["owed_share"]) for t in policy["steps"]] == [
        ("before-consult", "full", None, None),
        ("before-consult", None, "100.00", None),
        ("after-session", None, None, "0.50"),
    ]
    assert alder["hired_sitter"][0]["first_session_hours"] == "3"
    table = " ".join(cli("show", "alder", env={"COLUMNS": "200"}).stdout.split())
    assert "Refund policies (what stopping costs)" in table and "nothing (full refund)" in table
    assert "(less than 24 h notice) $100.00" in table and "50% of the plan" in table
    assert "$20.00–$40.00 an hour 3 h the first session, 1.5 h each later one" in table
    birch = " ".join(cli("show", "birch", env={"COLUMNS": "200"}).stdout.split())
    assert "Insurers accepted, by state" in birch


def test_the_caption_says_what_a_plan_cell_means_from_the_tables_own_plans(cli):
    """'8: $1,098.00' and Joyous's '30: $159.00/mo' read alike, one in sessions, one in daily
    doses: the caption says which, with a plan the table itself lists (never a fixed figure)."""
    out = " ".join(cli("compare", "--state", "TX", env={"COLUMNS": "200"}).stdout.split())
    assert (
        "Plans: '4: $880.00' is 4 sessions for $880.00; on a daily low-dose plan, '30:' is 30 daily doses."
        in out
    )
