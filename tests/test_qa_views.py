"""The 2026-12 QA review's findings on what the views say (#6, #10, #12, #13, #14, #17,
#20, #23), each pinned on fixture data or on a copy of it with one change written here.

Figures of the shipped providers.yaml are pinned in ``test_shipped_data.py`` only.
"""

from __future__ import annotations

import json
import pathlib
from pathlib import Path

import pytest

from conftest import FIXTURE

FERN_CONSULTS = (
    '      - {id: consultation, kind: consult, description: "Initial consultation", per: course, client: new, '
    "amount: 300, source: fern-site-2026-04, as_of: 2026-04-02}\n"
    '      - {id: consultation, kind: consult, description: "Initial consultation", per: course, client: new, '
    "amount: 350, source: fern-site-2026-05, as_of: 2026-05-01}\n"
)


def data_with(tmp_path: Path, *changes: tuple[str, str]) -> str:
    """A copy of the fixture with each ``(old, new)`` replaced once."""
    text = FIXTURE.read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "providers.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def flat(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------- #10: a stale $0 line has its legend


def test_a_free_consultation_older_than_max_age_is_marked_and_the_mark_explained(cli, tmp_path):
    """Fern's visits are priced in 2026; its consultation, free, was last seen in 2025-06. The
    table marks its date "!"; the caption must say what "!" means, and JSON (which counts a $0
    line as pricing nothing) still says the prices are not stale."""
    free = (
        '      - {id: consultation, kind: consult, description: "Initial consultation", per: course, '
        "client: new, amount: 0, source: review-2025, as_of: 2025-06-13}\n"
    )
    data = data_with(tmp_path, (FERN_CONSULTS, free))
    table = cli("--data", data, "cost", "fern", "--sessions", "2")
    assert table.exit_code == 0, table.stderr
    assert "2025-06-13 !" in table.stdout
    text = flat(table.stdout)
    assert "! = a figure older than 365 days on 2026-11-21 (set --max-age): a $0 charge" in text
    record = cli("--data", data, "cost", "fern", "--sessions", "2", "--format", "json").json()
    assert record["stale"] is False and record["oldest_price"] == "2026-05-01"
    # a course whose prices are fresh and whose lines are all fresh has no legend
    fresh = cli("cost", "fern", "--sessions", "2")
    assert " ! " not in flat(fresh.stdout) and "! =" not in fresh.stdout


# --------------------------------------------------------------- #12: a count of states, no list

COUNT_ONLY = """
  - id: hazel
    name: Hazel Care
    status:
      - {value: operating, source: review-2025, as_of: 2025-06-13}
    states:
      - source: review-2025
        as_of: 2025-06-13
        count: 25
        count_is_minimum: true
        note: "'operates across 25+ US states'; no list of which states."
"""


def test_states_of_a_provider_that_publishes_only_a_count_says_so(cli, tmp_path):
    data = data_with(tmp_path)
    Path(data).write_text(
        Path(data).read_text(encoding="utf-8").rstrip("\n") + "\n" + COUNT_ONLY, encoding="utf-8"
    )
    assert cli("--data", data, "check", data).exit_code == 0
    result = cli("--data", data, "states", "hazel")
    assert result.exit_code == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert (
        first
        == "Hazel Care publishes no list of the states it serves; it says 25+ states (review-2025, 2025-06-13)."
    )
    assert "available in 0 states" not in result.stdout
    # a provider with a list still says where it is available
    assert cli("states", "fern").stdout.startswith("Fern Health is available in 2 states: CA, TX.")


# --------------------------------------------------------------- #13: a hired sitter counted once

ALDER_SITTER = (
    "      - {source: alder-help, low: 20, high: 40, first_session_hours: 3, "
    'later_session_hours: "1.5", note: "\'$20-40 an hour\'."}\n'
)
ALDER_SITTER_FEE = (
    "    charges:\n"
    '      - {id: hired-monitor, kind: fee, description: "A hired sitter (instead of a friend)", '
    "per: hour, required: false, low: 20, high: 40, source: alder-help}\n"
)


def test_with_hired_sitter_the_sitters_fee_is_not_also_listed_as_not_in_the_total(cli, tmp_path):
    """Alder prices a hired sitter both as an hourly fee and as hours per session. Asked for,
    the sitter is estimated beside the total; its hourly fee must not be listed again under
    "Charges not in the total", where a reader would add it a second time."""
    data = data_with(tmp_path, (ALDER_SITTER, ALDER_SITTER + ALDER_SITTER_FEE))
    assert cli("--data", data, "check", data).exit_code == 0
    plain = cli("--data", data, "cost", "alder", "--sessions", "14")
    assert (
        "Charges not in the total" in plain.stdout and "A hired sitter (instead of a friend)" in plain.stdout
    )
    hired = cli("--data", data, "cost", "alder", "--sessions", "14", "--hired-sitter")
    assert hired.exit_code == 0, hired.stderr
    assert "sitter est. $450.00–$900.00" in flat(hired.stdout)
    assert "A hired sitter (instead of a friend)" not in hired.stdout
    record = cli(
        "--data", data, "cost", "alder", "--sessions", "14", "--hired-sitter", "--format", "json"
    ).json()
    assert [c["id"] for c in record["optional"]] == []
    assert [c["id"] for c in record["charges"] if c["kind"] == "sitter"] == ["hired-sitter"]
    # the answer itself, as the library gives it, leaves the fee out (not only its views)
    import ketacalc

    course = ketacalc.cost("alder", sessions=14, hired_sitter=True, data=data)
    assert [c.id for c in course.optional] == [] and any(c.kind == "sitter" for c in course.charges)


# --------------------------------------------------------------- #14: unknown terms in a calendar's summary


def test_a_payment_whose_terms_are_not_published_says_so_in_its_calendar_summary(cli):
    """alder's $840 price of 2026-05-05 came without payment terms: on 2026-07-01 its payment
    is shown at purchase, and the summary a calendar shows must say the date is not published."""
    from icalendar import Calendar

    args = ["cost", "alder", "-n", "4", "--as-of", "2026-07-01", "--start", "2026-07-01"]
    assert cli(*args, "--format", "json").json()["schedule"][0]["assumed"] is True
    [event] = Calendar.from_ical(cli(*args, "--format", "ics").stdout).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Pay $840.00 (date not published): Alder Health, 4-Session Program"
    assert "Payment terms not published" in str(event["DESCRIPTION"])
    # published terms keep the plain summary
    found = Calendar.from_ical(cli("cost", "alder", "-n", "4", "--format", "ics").stdout).walk("VEVENT")
    assert str(found[0]["SUMMARY"]) == "Pay $440.00: Alder Health, 4-Session Program"


# --------------------------------------------------------------- #17: a range's title dates its prices


def test_a_range_table_is_titled_with_the_dates_of_its_prices_not_today(cli):
    """Cedar's prices were last seen on 2025-06-13 (fern's on 2026-04-02 and 2026-05-01); today
    is 2026-11-21. A title must not call them prices "as of" today."""
    text = cli("cost", "cedar", "--sessions", "1-3").stdout
    assert "Cedar Care: cost for a new client (prices dated 2025-06-13)\n" in text
    assert "as of 2026-11-21" not in text
    fern = cli("cost", "fern", "--sessions", "1,2", "--as-of", "2026-04-15").stdout
    assert "Fern Health: cost for a new client (prices dated 2026-04-02)\n" in fern


# --------------------------------------------------------------- #20: show marks a superseded charge


def test_show_marks_a_charge_superseded_by_a_newer_observation_as_older(cli):
    """Fern's consultation was $300 on 2026-04-02 and $350 on 2026-05-01: one consultation, its
    older figure marked, as older plan prices are, not two consultations to pay."""
    text = cli("show", "fern").stdout
    charges = text[text.index("Charges besides the plans") : text.index("\nStates")]
    lines = [line for line in charges.splitlines() if line.startswith("Initial consultation")]
    assert len(lines) == 2
    assert "(older)" in lines[0] and "$300.00" in lines[0]
    assert "(older)" not in lines[1] and "$350.00" in lines[1]
    # on a date before the newer figure, the $300 one is in force
    earlier = cli("show", "fern", "--as-of", "2026-04-15").stdout
    assert "Initial consultation (older)" not in earlier


def test_a_charges_kind_reads_as_a_label_not_as_the_last_word_of_its_description(cli):
    """At 80 columns ``show`` drew "Cancelling ... before the clinician consult" and, alone on
    the next line, "fee": the kind read as the description's last word. It is labelled, as
    a plan's route is ("route: tablet")."""
    text = cli("show", "fern", env={"COLUMNS": "80"}).stdout
    charges = text[text.index("Charges besides the plans") : text.index("\nStates")].splitlines()
    cells = [line.split("  ")[0] for line in charges]
    assert not {"consult", "fee", "medication", "membership"} & set(cells), "\n".join(charges)
    assert cells.count("kind: consult") == 2, "\n".join(charges)


def test_show_as_of_a_day_lists_only_what_was_known_that_day(cli):
    """``show --as-of D`` is the provider as known on D, as ``cost`` and ``states`` answer
    then: a fact first said after D is not listed (it was, marked "(older)")."""
    full = cli("show", "fern", "--format", "json").json()
    then = cli("show", "fern", "--as-of", "2026-04-15", "--format", "json").json()
    dated = [
        (key, item["as_of"])
        for key, items in then.items()
        if isinstance(items, list)
        for item in items
        if isinstance(item, dict) and item.get("as_of")
    ]
    assert dated and all(day <= "2026-04-15" for _, day in dated)
    assert all(o["as_of"] <= "2026-04-15" for o in then["states"]["observations"] if o["as_of"])
    prices = [o["as_of"] for plan in then["plans"] for o in plan["prices"]]
    assert prices and max(prices) <= "2026-04-15"
    assert len(str(full)) > len(str(then))  # the later facts are in the whole record
    table = cli("show", "fern", "--as-of", "2026-04-15").stdout
    assert "$350.00" not in table.split("Charges besides the plans")[1].split("\nStates")[0]
    assert "2026-05-01" not in table


# --------------------------------------------------------------- #23: wording slips

FERN_PROMO_AND_MEDICATION = (
    '      - {id: consultation, kind: consult, description: "Initial consultation", per: course, client: new, '
    "amount: 300, source: fern-site-2026-04, as_of: 2026-04-02}\n"
    '      - {id: consultation, kind: consult, description: "Initial consultation", per: course, client: new, '
    "amount: 175, regular: 350, price_kind: promo, source: fern-site-2026-05, as_of: 2026-05-01}\n"
    '      - {id: medication, kind: medication, description: "Troches from a pharmacy", per: 30-days, '
    "low: 50, high: 150, source: fern-site-2026-05, as_of: 2026-05-01}\n"
)


def test_a_promo_a_period_of_30_days_and_a_chart_legend_read_as_phrases(cli, tmp_path):
    data = data_with(tmp_path, (FERN_CONSULTS, FERN_PROMO_AND_MEDICATION))
    cost = cli("--data", data, "cost", "fern", "--sessions", "6", "--pace", "1")
    assert cost.exit_code == 0, cost.stderr
    text = flat(cost.stdout + cost.stderr)
    assert (
        "Initial consultation: a limited-time promo price (regular $350.00; no end date given; "
        "fern-site-2026-05, 2026-05-01)." in text
    )
    assert "promo (regular" not in text.replace("limited-time promo (regular $350.00", "")
    assert "(30 days)" in text and "30-days" not in text
    assert "per 30 days" in flat(cli("--data", data, "show", "fern").stdout)
    chart = cli("--data", data, "chart", "--state", "TX", "--sessions", "1-6").stdout
    assert "Fern Health — medication estimated apart, not in the drawn total." in flat(chart)
    assert "Fern Health — Fern Health" not in flat(chart)


def test_chart_points_carry_the_estimated_charges_beside_their_totals_as_cost_does(cli, tmp_path):
    """A chart's JSON and CSV points give the low and high totals (medication estimated apart)
    beside each total, the same as ``cost`` for that N: a script reading the points is not
    shown the total alone as what the course costs."""
    data = data_with(tmp_path, (FERN_CONSULTS, FERN_PROMO_AND_MEDICATION))
    chart = cli("--data", data, "chart", "--state", "TX", "--sessions", "1-6", "--format", "json")
    assert chart.exit_code == 0, chart.stderr
    points = {(r["provider"], r["n"]): (r["total"], r["total_low"], r["total_high"]) for r in chart.json()}
    fern = [points["fern", n] for n in range(1, 7)]
    assert all(
        total < low < high for total, low, high in ((float(a), float(b), float(c)) for a, b, c in fern)
    )
    cost = cli("--data", data, "cost", "fern", "--sessions", "1-6", "--state", "TX", "--format", "json")
    assert fern == [(r["total"], r["total_low"], r["total_high"]) for r in cost.json()]
    alder = {points["alder", n] for n in range(1, 7)}  # nothing estimated: the total three times
    assert all(total == low == high for total, low, high in alder)
    rows = cli("--data", data, "chart", "--state", "TX", "--sessions", "2", "--format", "csv").stdout
    assert rows.splitlines()[0].startswith("provider,name,unit,n,total,total_low,total_high,")


def test_one_month_is_the_first_month(cli):
    cost = flat(cli("cost", "alder", "--months", "1").stdout)
    assert "Alder Health: the first month (5 sessions) for a new client" in cost
    assert "Committed in the first month" in cost and "paid in it" in cost
    assert "first 1 month" not in cost
    compare = cli("compare", "--state", "TX", "--months", "1", env={"COLUMNS": "200"}).stdout
    assert "First month of care from" in flat(compare) and "First 1" not in compare


def test_daily_doses_are_counted_as_doses_in_the_captions_and_columns(cli):
    """dune sells daily low doses by the month: its headline counts doses, and so do the caption
    and the columns below it."""
    single = cli("cost", "dune", "--months", "3").stdout
    assert "$4.00 a dose" in single
    table = single.split("\n\n")[1]
    assert " Doses " in table and " Sessions " not in table
    assert "per dose asked for" in flat(table) and "90 doses in them" in flat(table)
    assert "per session" not in flat(table) and "90 sessions" not in table
    listed = cli("cost", "dune", "--months", "1-3").stdout
    assert "Per dose" in listed and "Per session" not in listed


def test_a_headline_says_due_at_sign_up_not_published(cli):
    """alder's $840 of 2026-05-05 came without terms: on 2026-07-01 what is due at sign-up is unknown."""
    first = flat(cli("cost", "alder", "-n", "4", "--as-of", "2026-07-01").stdout.split("\n\n")[0])
    assert "$840.00 ($210.00 a session); due at sign-up not published" in first and "— due" not in first


def test_the_compare_caption_without_a_course_speaks_of_no_total_and_of_no_unseen_mark(cli):
    plain = flat(cli("compare", "--state", "TX").stdout)
    assert (
        "Due at sign-up: the first payment of each plan listed, with a new client's consultation fee."
        in plain
    )
    assert "the total is" not in plain
    assert "†" not in plain  # the ratings it explains are shown only with --wide
    wide = flat(cli("compare", "--state", "TX", "--wide").stdout)
    assert "flexibility†" in wide and "† a rating from" in wide


def test_an_unofficial_undated_list_reads_as_two_facts_in_markdown(cli):
    """gale's list is undated; a third party's list is unofficial: in Markdown a cell's facts are
    joined with "; " and "unofficial" and "undated" must not run together."""
    markdown = cli("compare", "--state", "TX", "--format", "markdown").stdout
    assert "unofficial undated" not in markdown
    assert "tier C, unofficial; 2025-06-13" in markdown


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["states"], "Error: Missing argument 'PROVIDER' — see 'ketacalc states --help'"),
        (["cost", "alder", "-n", "24", "--pace=-1"], "Error: --pace -1 is out of range — "),
        (["cost", "alder", "-n", "6", "--as-of", "2019-01-01"], "Error: no Alder Health price was observed"),
        (["cost", "elm", "-n", "6"], "Error: Elm Wellness publishes no prices; the cost is unknown — see "),
    ],
    ids=["missing-argument", "negative-pace", "no-price-on-the-date", "no-prices-at-all"],
)
def test_error_lines_read_as_the_others_do(cli, args, expected):
    result = cli(*args)
    assert result.exit_code in (1, 2)
    assert result.stderr.startswith(expected), result.stderr


def test_history_and_show_of_daily_doses_count_doses(cli):
    for command in ("history", "show"):
        text = cli(command, "dune").stdout
        assert "Doses" in text and "Per dose" in text, command
        assert "Per session" not in text, command
    assert "Per session" in cli("history", "alder").stdout


def test_show_says_who_a_plan_is_for(cli):
    """cedar's Introduction is for problems of the last year (a sourced plan condition): show,
    "everything known", says so beside the plan, in the table and the JSON."""
    record = cli("show", "cedar", "--format", "json").json()
    intro = next(p for p in record["plans"] if p["id"] == "intro")
    assert intro["conditions"] == [
        {
            "condition": "for problems of the last year",
            "source": "review-2025",
            "as_of": "2025-06-13",
            "note": None,
        }
    ]
    assert all(p["conditions"] == [] for p in record["plans"] if p["id"] != "intro")
    table = " ".join(cli("show", "cedar").stdout.split())
    assert "only for problems of the last year (review-2025, 2025-06-13)" in table


def test_a_third_partys_rating_in_csv_says_it_is_an_opinion_and_whose(cli):
    import csv
    import io

    table = {r["provider"]: r for r in csv.DictReader(io.StringIO(cli("compare", "--format", "csv").stdout))}
    json_rows = {r["provider"]: r for r in cli("compare", "--format", "json").json()}
    for pid, row in table.items():
        for key in ("dose_flexibility", "trd_suitability"):
            assert row[f"{key}_is_opinion"] == str(json_rows[pid][f"{key}_is_opinion"]).lower()
            assert row[f"{key}_source"] == (json_rows[pid][f"{key}_source"] or "")
    assert any(
        r["trd_suitability_is_opinion"] == "true" and r["trd_suitability_source"] for r in table.values()
    )


def test_eligibility_names_a_provider_listing_insurers_in_a_state_it_may_serve(cli, tmp_path):
    """Birch's lists leave NY out of the served states (then 'may', not known) while its own
    insurer list names NY: the headline's insurance line names it, service not known."""
    from conftest import FIXTURE

    text = FIXTURE.read_text(encoding="utf-8")
    listed = "codes: [CA, ID, NY, TX]\n        complete: true\n        count: 4"
    assert text.count(listed) == 1
    data = tmp_path / "providers.yaml"
    data.write_text(text.replace(listed, "codes: [CA, ID, TX]\n        complete: false"), encoding="utf-8")
    head = " ".join(cli("--data", str(data), "eligibility", "--state", "NY").stdout.split("\n\n")[0].split())
    assert (
        "Accepting insurance in NY: none known; listing insurers here, service not known: Birch Clinic."
        in head
    )
    plain = " ".join(cli("eligibility", "--state", "NY").stdout.split("\n\n")[0].split())
    assert "Accepting insurance in NY: Birch Clinic." in plain


def test_show_gives_no_side_of_a_disputed_fact_as_the_current_answer(cli):
    """cedar's HSA/FSA: yes (the review, 2025) vs no (a competitor, 2026). compare says
    "disputed"; show's JSON and CSV mark neither side current, and the CSV says disputed."""
    import csv
    import io

    record = cli("show", "cedar", "--format", "json").json()
    assert "hsa_fsa" in record["disputed"]
    assert [(f["value"], f["current"]) for f in record["hsa_fsa"]] == [("yes", False), ("no", False)]
    rows = list(csv.DictReader(io.StringIO(cli("show", "cedar", "--format", "csv").stdout)))
    hsa = [(r["value"], r["current"], r["disputed"]) for r in rows if r["item"] == "hsa_fsa"]
    assert hsa == [("yes", "false", "true"), ("no", "false", "true")]
    assert all(r["disputed"] == "false" for r in rows if r["section"] == "fact" and r["item"] == "status")


def test_show_csv_carries_every_section_the_json_does(cli, tmp_path):
    """``show --format csv`` gave facts, states and prices only: a script could not read the
    charges, in-clinic care, insurers by state, refund rungs or a hired sitter's rate that
    the table and JSON give. Each is now a row of its section, as many as JSON has."""
    import csv
    import io

    from conftest import FIXTURE_IDS

    for pid in FIXTURE_IDS:
        record = cli("show", pid, "--format", "json").json()
        rows = list(csv.DictReader(io.StringIO(cli("show", pid, "--format", "csv").stdout)))
        count = {name: sum(r["section"] == name for r in rows) for name in {r["section"] for r in rows}}
        expected = {
            "charges": len(record["charges"]),
            "in_clinic": len(record["in_clinic"]),
            "insurers": sum(len(i["by_state"]) for i in record["insurers"]),
            "refund_policy": sum(len(r["steps"]) for r in record["refund_policy"]),
            "hired_sitter": len(record["hired_sitter"]),
            "rules": len(record["rules"]),
        }
        assert {k: count.get(k, 0) for k in expected} == expected, pid
    rows = list(csv.DictReader(io.StringIO(cli("show", "alder", "--format", "csv").stdout)))
    rungs = [(r["item"], r["value"]) for r in rows if r["section"] == "refund_policy"]
    assert rungs == [
        ("new-4 new-10: before the consultation (24 h notice or more)", "full refund"),
        ("new-4 new-10: before the consultation (less than 24 h notice)", "100.00"),
        ("new-4 new-10: after session 1 or later", "50% of the plan"),
    ]
    # a promo charge says so, as the table labels it (its regular price, whether it has ended)
    rows_fern = list(
        csv.DictReader(
            io.StringIO(cli("--data", _fern_promo(tmp_path), "show", "fern", "--format", "csv").stdout)
        )
    )
    [promo] = [r for r in rows_fern if r["section"] == "charges" and r["value"] == "350.00"]
    assert "limited-time promo (regular $700.00; no end date given)" in promo["note"]
    sitter = [r for r in rows if r["section"] == "hired_sitter"]
    assert [(r["value"], r["source"]) for r in sitter] == [("20.00-40.00", "alder-help")]
    assert sitter[0]["note"].startswith("3 h the first session, 1.5 h each later one.")


def test_providers_marks_old_prices_and_plans_for_some_people(cli):
    """cedar's prices are the 2025 review's (stale on 2026-11-21) and its Introduction is for
    problems of the last year: providers says both, as compare does, in the table and JSON."""
    records = {r["provider"]: r for r in cli("providers", "--format", "json").json()}
    assert records["cedar"]["stale"] is True
    assert records["cedar"]["plan_conditions"] == [
        {
            "plan": "intro",
            "condition": "for problems of the last year",
            "source": "review-2025",
            "as_of": "2025-06-13",
        }
    ]
    assert not any(
        r["stale"] for pid, r in records.items() if r["oldest_price"] and r["oldest_price"] > "2025-11-21"
    )
    table = " ".join(cli("providers", env={"COLUMNS": "120"}).stdout.split())
    assert "2025-06-13 !" in table and "Introduction‡" in table
    # the plan named before its size and price, on one line where a cell is one line
    assert "| Introduction‡ 3 sessions: $300.00; " in cli("providers", "--format", "markdown").stdout
    assert "‡ Cedar Care's Introduction is for problems of the last year (review-2025, 2025-06-13)" in table


# --------------------------------------------------------------- summaries say what a total rests on


def _fern_promo(tmp_path):
    """The fixture with fern's $350 consultation a limited-time promo (regular $700)."""
    from conftest import fixture_with

    line = "amount: 350, source: fern-site-2026-05"
    return str(
        fixture_with(
            tmp_path, line, "amount: 350, regular: 700, price_kind: promo, source: fern-site-2026-05"
        )
    )


def test_a_promo_charge_in_the_total_is_said_in_every_summary(cli, tmp_path):
    """Isha's $398 consultation is a limited-time promo (regular $796): the table of one course
    said so, but a range's table, ``cost --format csv`` and ``batch`` gave the total with no word
    of it. Their notes now carry it."""
    import csv
    import io

    data = _fern_promo(tmp_path)
    said = "Initial consultation: a limited-time promo price (regular $700.00; no end date given"
    rows = list(
        csv.DictReader(io.StringIO(cli("--data", data, "cost", "fern", "-n", "4", "--format", "csv").stdout))
    )
    assert said in rows[0]["notes"], rows[0]["notes"]
    record = json.loads(cli("--data", data, "batch", input='{"provider": "fern", "sessions": 4}\n').stdout)
    assert any(n.startswith(said) for n in record["notes"]), record["notes"]
    ranged = cli("--data", data, "cost", "fern", "-n", "2,4")
    assert said in " ".join(ranged.stderr.split()), ranged.stderr


def test_a_range_says_the_rules_and_the_state_as_one_course_does(cli):
    """``cost innerwell --sessions 6,12 --state TX`` printed the totals only: no rule on the
    courses' dates and no word of the state, which one course's headline gives."""
    head = " ".join(cli("cost", "alder", "-n", "4,14", "--state", "AL").stdout.split("\n\n")[0].split())
    assert "Alder Health is not known to serve AL" in head or "Alder Health does not serve AL" in head, head
    assert "AL rule: in-person visit required" in head, head
    # only the longer course runs past the federal flexibilities' end: said from which
    assert "Federal rule (courses of 14 sessions or more): in-person visit may be required" in head, head
    plain = " ".join(cli("cost", "alder", "-n", "1-3").stdout.split("\n\n")[0].split())
    assert "Federal rule" not in plain  # three weekly sessions end before 2027-01-01
    # the range is told from its shortest to its longest course, whatever the order given
    unsorted = " ".join(cli("cost", "alder", "-n", "14,4").stdout.split("\n\n")[0].split())
    assert unsorted.startswith("Alder Health, new client: $") and " for 4 sessions to $" in unsorted, unsorted
    # the flexibilities' recorded end, once passed, binds no course length more than another
    later = " ".join(
        cli("cost", "alder", "-n", "4,20", "--start", "2026-10-01", env={"KETACALC_TODAY": "2027-02-01"})
        .stdout.split("\n\n")[0]
        .split()
    )
    assert (
        "Telemedicine flexibilities ended 2026-12-31 as last recorded (gazette-2025, 2025-12-31): check"
        in later
    )
    # no state asked for: its own rules were not checked, which is not "none"
    assert "State rules not checked: give --state for a state's own rule" in plain


def test_compare_csv_carries_the_commitment_the_promo_and_the_months_cash(cli, tmp_path):
    """The JSON had them, the CSV did not: a spreadsheet read Joyous's $129/mo with no word of
    its 3-month commitment, Isha's consultation with no word of its promo, and ``--months``
    totals with no word of what is paid in those months."""
    import csv
    import io

    data = _fern_promo(tmp_path)
    out = cli("--data", data, "compare", "--months", "3", "--start", "2026-11-21", "--format", "csv").stdout
    rows = {r["provider"]: r for r in csv.DictReader(io.StringIO(out))}
    dune, birch, fern = rows["dune"], rows["birch"], rows["fern"]
    assert (dune["monthly_commitment_months"], dune["monthly_cost_without_commitment"]) == ("3", "150.00")
    assert dune["commitment_months"] == "3"  # three months are bought on the 3-month commitment
    one = {r["provider"]: r for r in cli("compare", "--months", "1", "--format", "json").json()}["dune"]
    assert (one["total"], one["commitment_months"]) == ("150.00", None)  # one month: month to month
    assert dune["reason"].startswith(
        "Dune Telehealth sells daily-low-dose treatment, not standard-dose sessions"
    )
    assert (fern["consult_fee"], fern["consult_fee_kind"], fern["consult_fee_regular"]) == (
        "350.00",
        "promo",
        "700.00",
    )
    record = {
        r["provider"]: r
        for r in cli(
            "--data", data, "compare", "--months", "3", "--start", "2026-11-21", "--format", "json"
        ).json()
    }
    assert (birch["committed"], birch["paid_in_window"]) == (
        record["birch"]["committed"],
        record["birch"]["paid_in_window"],
    )
    assert birch["committed"] != birch["paid_in_window"] != ""  # paid in installments past the window


def test_a_first_time_users_walkthrough_reads_right(cli):
    """Found by a caregiver's walkthrough at 80 columns: Alabama's rule, in force now, came
    after the federal flexibilities' end in a row; "the lowest total as a returning client"
    read as open to anyone (it is each provider's former clients' price); an insured price
    read as what the person pays."""
    row = " ".join(cli("compare", "--state", "AL", "-n", "14", env={"COLUMNS": "200"}).stdout.split())
    assert (
        "in-person visit required (AL: within 12 months); in-person visit may be required from 2027-01-01"
        in row
    )
    returning = " ".join(
        cli("compare", "--state", "TX", "-n", "14", "--returning").stdout.split("\n\n")[0].split()
    )
    assert "For 14 sessions as a returning client of each provider the lowest total" in returning, returning
    insured = cli(
        "cost", "birch", "-n", "6", "--insurer", "Aetna", "--state", "TX", "--format", "json"
    ).json()
    assert any("what you pay depends on your plan (deductible, copay)" in n for n in insured["notes"])


def test_show_gives_the_rules_that_may_apply_to_its_states(cli, tmp_path):
    """show is "everything known" of a provider, yet said no rule: the federal flexibilities'
    end, and the own rule of each state it lists (Alabama's), with their sources."""
    record = cli("show", "birch", "--format", "json").json()
    rules = {r["id"]: r for r in record["rules"]}
    assert rules["tele-flex"]["ends"] == "2026-12-31" and rules["tele-flex"]["source"] == "gazette-2025"
    assert "al-in-person" not in rules  # birch lists no AL
    # a state it lists with a rule of its own (Alabama's), and the caution for the others
    from test_regulation import with_caution

    data = pathlib.Path(with_caution(tmp_path))
    text = data.read_text(encoding="utf-8")
    listed_four = "codes: [CA, ID, NY, TX]\n        complete: true\n        count: 4"
    assert text.count(listed_four) == 1
    data.write_text(
        text.replace(listed_four, "codes: [AL, CA, ID, NY, TX]\n        complete: true\n        count: 5"),
        encoding="utf-8",
    )
    listed = {
        r["id"]: r for r in cli("--data", str(data), "show", "birch", "--format", "json").json()["rules"]
    }
    assert listed["al-in-person"]["states"] == ["AL"] and listed["tele-flex"]["states"] is None
    assert listed["states-unknown"]["states"] == ["CA", "ID", "NY", "TX"]
    # after the flexibilities' recorded end, show says so as cost does
    later = " ".join(
        cli("show", "birch", env={"COLUMNS": "120", "KETACALC_TODAY": "2027-03-01"}).stdout.split()
    )
    assert "ended 2026-12-31 as last recorded, unless extended since (check it)" in later
    table = " ".join(cli("show", "birch", env={"COLUMNS": "120"}).stdout.split())
    assert "Rules that may stop at-home treatment" in table and "(every state)" in table
    assert "in force through 2026-12-31; then: an in-person evaluation may be required" in table
