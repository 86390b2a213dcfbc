"""A plan for some people only (Better U's Introduction: problems of the last year) is never
chosen for the person without saying so: a course that rests on one names who it is for and
what the same course costs the others, in ``cost``, ``compare`` (row, headline, caption,
JSON) and the HTML report.

Fixture figures (tests/data/fixture/providers.yaml): cedar's Introduction, 3 sessions for
$300, is "for problems of the last year"; its Course is 8 sessions for $650, for anyone; a
returning client's single session is $79.
"""

from __future__ import annotations

import json
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import TODAY, flat, load_fixture
from ketacalc.domain.notes import Kind
from ketacalc.domain.pricing import CostQuery, price

WITHOUT = "Without Introduction, the same 3 sessions cost $650.00."


def test_cost_names_the_condition_and_what_the_others_pay(cli):
    record = cli("cost", "cedar", "-n", "3", "--format", "json").json()
    assert record["total"] == "300.00"
    assert (
        "Cedar Care's Introduction is for problems of the last year (review-2025, 2025-06-13); this price rests on it."
        in record["notes"]
    )
    assert WITHOUT in record["notes"]
    assert WITHOUT in flat(cli("cost", "cedar", "-n", "3").stderr)


def test_a_course_on_plans_for_anyone_says_nothing_of_it(cli):
    record = cli("cost", "cedar", "-n", "8", "--format", "json").json()
    assert record["total"] == "650.00"
    assert not [n for n in record["notes"] if "Introduction" in n]


def test_compare_ranks_on_it_only_saying_so(cli):
    rows = {r["provider"]: r for r in cli("compare", "-n", "3", "--format", "json").json()}
    cedar = rows["cedar"]
    assert cedar["total"] == "300.00"
    assert cedar["plan_conditions"] == [
        {
            "plan": "intro",
            "name": "Introduction",
            "condition": "for problems of the last year",
            "source": "review-2025",
            "as_of": "2025-06-13",
        }
    ]
    assert cedar["other_condition"] == {
        "without": ["intro"],
        "plan": None,
        "name": None,
        "condition": None,
        "total": "650.00",
    }
    assert all(
        r["other_condition"] is None and r["plan_conditions"] == [] for k, r in rows.items() if k != "cedar"
    )
    text = flat(cli("compare", "-n", "3", env={"COLUMNS": "120"}).stdout)
    assert "For 3 sessions the lowest total is Cedar Care at $300.00" in text
    assert "That total is on Introduction, for problems of the last year; for others: $650.00." in text
    assert "on Introduction‡" in text and "other plans‡: $650.00" in text
    assert (
        f"‡ Cedar Care's Introduction is for problems of the last year (review-2025, 2025-06-13); this price rests on it. {WITHOUT[:-1]}"
        in text
    )
    csv = cli("compare", "-n", "3", "--format", "csv").stdout
    assert "intro: for problems of the last year" in csv and "without intro 650.00" in csv


def test_the_report_says_it_beside_the_total(cli, tmp_path):
    out = tmp_path / "r.html"
    assert cli("report", "--state", "TX", "-n", "3", "--output", str(out)).exit_code == 0
    assert WITHOUT[:-1] in flat(out.read_text(encoding="utf-8"))


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 30), returning=st.booleans(), pay_in_full=st.booleans())
def test_the_others_total_is_the_course_priced_without_those_plans(n, returning, pay_in_full):
    """The figure for the others is exactly what pricing the same course on a provider without
    the conditioned plans gives (its charges are the same; only the plans differ)."""
    catalog = load_fixture()
    cedar = catalog.find("cedar")
    query = CostQuery(sessions=n, returning=returning, pay_in_full=pay_in_full)
    result = price(cedar, query, today=TODAY)
    said = [x for x in result.notes if x.kind == Kind.OTHER_CONDITION]
    bought = {r.offer.plan.id for r in result.runs}
    if "intro" not in bought:
        assert said == []
        return
    (note,) = said
    without = cedar._replace(plans=tuple(p for p in cedar.plans if p.id != "intro"))
    assert note.total == price(without, query, today=TODAY).total
    assert isinstance(note.total, Decimal) and note.total >= result.total


def test_with_nothing_else_to_buy_the_others_price_is_not_published():
    """A new client's only plan is for some people only: for the others nothing is priced,
    and the note says so (never $0, never the same price)."""
    from conftest import catalog_of, plan_data, provider_data

    cat = catalog_of(
        provider_data(
            plans=[plan_data("intro", 3, "new", "300"), plan_data("single", 1, "returning", "79")],
            plan_conditions=[
                {"plan": "intro", "condition": "for problems of the last year", "source": "site"}
            ],
        )
    )
    result = price(cat.providers[0], CostQuery(sessions=4), today=TODAY)
    (note,) = [n for n in result.notes if n.kind == Kind.OTHER_CONDITION]
    assert result.total == Decimal(379) and note.total is None
    from ketacalc.output.notes import sentence

    name = cat.providers[0].plans[0].name
    assert sentence(note) == f"Without {name}, the same 4 sessions have no published price."


def test_months_of_care_name_the_others_price_too(cli):
    record = cli("cost", "cedar", "--months", "1", "--format", "json").json()
    assert record["total"] == "458.00"  # 5 weekly sessions in the month: Introduction + 2 single sessions
    said = [n for n in record["notes"] if n.startswith("Without Introduction")]
    assert said == ["Without Introduction, the same 1 month costs $650.00."]


def test_chart_says_a_line_may_rest_on_such_a_plan_only_for_a_client_who_may_buy_it(cli):
    said = "each point is its cheapest course, which may rest on a plan for some people only"
    new = cli("chart", "-n", "1-10").stderr
    assert f"note: Cedar Care: {said} (Introduction is for problems of the last year)" in new
    assert said not in cli("chart", "-n", "1-10", "--returning").stderr  # Introduction: new clients only


def test_without_a_course_each_plan_for_some_people_only_is_marked_and_said(cli, tmp_path):
    """Plans listed side by side (no course) never read as open to all: the plan is marked,
    the caption says who it is for, the JSON row carries it, the report says it."""
    text = flat(cli("compare", env={"COLUMNS": "120"}).stdout)
    assert "3: $300.00‡" in text and "(Introduction)" in text and "8: $650.00‡" not in text
    markdown = cli("compare", "--format", "markdown").stdout
    assert "3: $300.00‡ (Introduction); 8: $650.00 |" in markdown  # the price named with its plan
    assert "‡ Cedar Care's Introduction is for problems of the last year (review-2025, 2025-06-13)." in text
    cedar = {r["provider"]: r for r in cli("compare", "--format", "json").json()}["cedar"]
    assert [c["plan"] for c in cedar["plan_conditions"]] == ["intro"] and cedar["other_condition"] is None
    out = tmp_path / "r.html"
    assert cli("report", "--state", "TX", "--output", str(out)).exit_code == 0
    assert "Cedar Care&#39;s Introduction is for problems of the last year" in out.read_text(encoding="utf-8")


def test_scripts_get_the_others_price_as_a_field_in_cost_range_and_batch(cli):
    """Not only in words: cost (one N, a range, CSV) and batch carry ``other_condition``."""
    expected = {"without": ["intro"], "plan": None, "name": None, "condition": None, "total": "650.00"}
    assert cli("cost", "cedar", "-n", "3", "--format", "json").json()["other_condition"] == expected
    rows = cli("cost", "cedar", "-n", "3,8", "--format", "json").json()
    assert [r["other_condition"] for r in rows] == [expected, None]
    csv = cli("cost", "cedar", "-n", "3", "--format", "csv").stdout
    assert "without intro 650.00" in csv
    batch = cli(
        "batch",
        input='{"provider":"cedar","sessions":3}\n{"provider":"cedar","sessions":3,"start":"2027-01-04"}\n',
    )
    records = [json.loads(line) for line in batch.stdout.splitlines()]
    assert [r["other_condition"] for r in records] == [expected, expected]
