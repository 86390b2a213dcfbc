"""The ``cost`` and ``history`` commands, as a user runs them, on the fixture data.

Alder's 10-session program at the fixture review's prices (2025-06-13) is $1,700
in 5 monthly installments of $340; its 4-session program is $800 in 2 x $400.
"""

from __future__ import annotations

import pytest

from conftest import ANSI, MONEY_STR, assert_one_error_line, parse_output, review_cost

REVIEW = "2025-06-13"
ALDER_10_DUES = ["2025-06-13", "2025-07-13", "2025-08-13", "2025-09-13", "2025-10-13"]


# --------------------------------------------------------------- formats


def test_cost_json_has_the_contract_fields(cli):
    result = review_cost(cli, "alder", "10")
    assert result.exit_code == 0, result.stderr
    record = result.json()
    assert isinstance(record, dict)
    assert (record["schema_version"], record["currency"]) == (1, "USD")
    assert (record["provider"], record["client"]) == ("alder", "new")
    assert (record["sessions_requested"], record["sessions_covered"], record["leftover_sessions"]) == (
        10,
        10,
        0,
    )
    assert (record["total"], record["per_session"], record["due_at_signup"]) == (
        "1700.00",
        "170.00",
        "340.00",
    )
    assert record["prices_as_of"] == REVIEW
    assert [(p["plan"], p["sessions"], p["price"], p["client"]) for p in record["purchases"]] == [
        ("new-10", 10, "1700.00", "new")
    ]
    assert [(s["due"], s["amount"], s["plan"]) for s in record["schedule"]] == [
        (due, "340.00", "new-10") for due in ALDER_10_DUES
    ]
    for key in ("total", "per_session", "due_at_signup"):
        assert MONEY_STR.match(record[key]), record[key]
    assert any("before the consultation" in n for n in record["notes"])


def test_cost_json_defaults_to_today(cli):
    record = cli("cost", "alder", "--sessions", "10", "--format", "json").json()
    assert (record["as_of"], record["start"]) == ("2026-11-21", "2026-11-21")
    assert record["schedule"][0]["due"] == "2026-11-21"
    assert record["total"] == "1800.00"  # Alder's own 2026-08-14 price: 5 x $360


def test_cost_table_shows_total_and_schedule_without_colour(cli):
    result = review_cost(cli, "alder", "10", fmt="table")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert not ANSI.search(out + result.stderr)
    assert "$1,700.00" in out and "$170.00" in out
    assert "Payment schedule" in out
    for due in ALDER_10_DUES:
        assert due in out
    assert out.count("$340.00") >= 5
    # notes go to stderr so stdout stays data only
    assert "before the consultation" in result.stderr
    assert "before the consultation" not in out


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_cost_csv_and_tsv_are_a_header_and_one_row(cli, fmt):
    result = review_cost(cli, "alder", "10", fmt=fmt)
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == 2
    [record] = parse_output(fmt, result.stdout)
    assert (record["provider"], record["total"], record["per_session"]) == ("alder", "1700.00", "170.00")
    assert (record["sessions_covered"], record["due_at_signup"]) == ("10", "340.00")
    assert (record["payments"], record["first_due"], record["last_due"]) == ("5", "2025-06-13", "2025-10-13")
    assert not ANSI.search(result.stdout)


def test_cost_ndjson_is_one_object_per_line(cli):
    single = review_cost(cli, "alder", "10", fmt="ndjson")
    assert single.exit_code == 0, single.stderr
    assert [r["total"] for r in parse_output("ndjson", single.stdout)] == ["1700.00"]
    many = review_cost(cli, "alder", "4,10,14", fmt="ndjson")
    assert [r["total"] for r in parse_output("ndjson", many.stdout)] == ["800.00", "1700.00", "2100.00"]


# --------------------------------------------------------------- lists and ranges


def test_sessions_list_gives_an_array(cli):
    records = review_cost(cli, "alder", "4,10,14").json()
    assert isinstance(records, list)
    # new-4 $800; new-10 $1,700; new-4 + returning-10 $2,100
    assert [(r["sessions_requested"], r["total"], r["per_session"]) for r in records] == [
        (4, "800.00", "200.00"),
        (10, "1700.00", "170.00"),
        (14, "2100.00", "150.00"),
    ]


def test_sessions_range_gives_one_result_per_n(cli):
    records = review_cost(cli, "alder", "1-20").json()
    assert [r["sessions_requested"] for r in records] == list(range(1, 21))
    assert all(r["sessions_covered"] >= r["sessions_requested"] for r in records)
    assert records[0]["total"] == "800.00"  # 1 session still means buying the 4-session program
    assert records[0]["leftover_sessions"] == 3
    assert records[13]["total"] == "2100.00"


def test_sessions_range_csv_has_one_row_per_n(cli):
    rows = parse_output("csv", review_cost(cli, "cedar", "1-10", fmt="csv").stdout)
    assert [int(r["sessions_requested"]) for r in rows] == list(range(1, 11))
    assert rows[-1]["total"] == "808.00"  # course $650 + 2 x single $79


def test_sessions_range_table(cli):
    result = review_cost(cli, "alder", "4,10,14", fmt="table")
    assert result.exit_code == 0, result.stderr
    for total in ("$800.00", "$1,700.00", "$2,100.00"):
        assert total in result.stdout


# --------------------------------------------------------------- options


def test_worked_examples_through_the_cli(cli):
    assert review_cost(cli, "alder", "14").json()["total"] == "2100.00"
    returning = review_cost(cli, "alder", "8", "--returning").json()
    assert returning["total"] == "1200.00"  # 2 x returning-4 $600
    assert returning["client"] == "returning"
    assert {p["client"] for p in returning["purchases"]} == {"returning"}
    cedar = review_cost(cli, "Cedar Care", "10").json()
    assert (cedar["provider"], cedar["total"]) == ("cedar", "808.00")


def test_insurance_through_the_cli(cli):
    record = review_cost(cli, "birch", "6", "--insurer", "Aetna", "--state", "texas").json()
    assert (record["total"], record["pricing"]) == ("500.00", "insurance")
    assert [(s["due"], s["amount"]) for s in record["schedule"]] == [
        ("2025-06-13", "250.00"),
        ("2025-07-13", "250.00"),
    ]
    idaho = review_cost(cli, "birch", "6", "--insurer", "Aetna", "--state", "ID").json()
    assert (idaho["total"], idaho["pricing"]) == ("1050.00", "self-pay")
    assert any("self-pay" in n for n in idaho["notes"])


def test_pay_in_full_through_the_cli(cli):
    record = review_cost(cli, "birch", "6", "--pay-in-full").json()
    assert (record["total"], record["pay_in_full"], record["due_at_signup"]) == ("950.00", True, "950.00")
    assert [(s["due"], s["amount"]) for s in record["schedule"]] == [("2025-06-13", "950.00")]


def test_discount_through_the_cli(cli):
    record = review_cost(cli, "alder", "14", "--discount", "$100").json()
    assert record["total"] == "2000.00"
    assert [p["charged"] for p in record["purchases"]] == ["700.00", "1300.00"]
    line = assert_one_error_line(review_cost(cli, "birch", "6", "--discount", "5000"), 2)
    assert line.startswith("Error: --discount $5,000.00 is not below the price of the first purchase")


def test_the_table_shows_the_published_price_of_the_discounted_purchase(cli):
    """The discounted first purchase's amount is not the provider's price: its line names the
    published price and the person's own discount, so the source is not cited for a figure
    it never gave."""
    table = review_cost(cli, "alder", "14", "--discount", "$100", fmt="table").stdout
    assert "$800.00 less your $100.00 discount" in " ".join(table.split())
    assert "$100.00 discount" not in review_cost(cli, "alder", "14", fmt="table").stdout


def test_start_and_pace_through_the_cli(cli):
    month_end = cli(
        "cost", "alder", "-n", "10", "--as-of", REVIEW, "--start", "2025-01-31", "-f", "json"
    ).json()
    dues = [s["due"] for s in month_end["schedule"]]
    assert dues[:4] == ["2025-01-31", "2025-02-28", "2025-03-31", "2025-04-30"]
    paced = review_cost(cli, "alder", "14", "--pace", "2").json()
    # new-4's 4 sessions at 2 a week last 14 days
    assert [p["starts"] for p in paced["purchases"]] == ["2025-06-13", "2025-06-27"]
    assert paced["pace_per_week"] == "2"


@pytest.mark.parametrize("course", [("--months", "2"), ("--sessions", "45")])
def test_a_pace_asked_for_daily_doses_is_said_not_to_apply(cli, course):
    """--pace with a course of daily low doses changed nothing and said nothing (its JSON even
    echoed the pace): the person read their pace as priced. It is said not to apply."""
    said = "The pace asked for (3 sessions a week) does not apply to daily low doses"
    paced = cli("cost", "dune", *course, "--pace", "3")
    plain = cli("cost", "dune", *course)
    assert paced.exit_code == plain.exit_code == 0, paced.stderr
    assert said in " ".join(paced.stderr.split()) and said not in plain.stderr
    record = cli("cost", "dune", *course, "--pace", "3", "-f", "json").json()
    assert any(said in n for n in record["notes"])
    assert record["total"] == cli("cost", "dune", *course, "-f", "json").json()["total"]
    # a course of sessions takes the pace: nothing of the kind is said
    assert said not in cli("cost", "alder", "-n", "6", "--pace", "3").stderr


def test_route_through_the_cli(cli):
    record = cli("cost", "alder", "-n", "14", "--route", "tablet", "-f", "json").json()
    assert [p["plan"] for p in record["purchases"]] == ["new-4", "returning-10-tablet"]
    assert record["total"] == "2280.00"  # today: $880 + $1,400


def test_a_provider_without_prices_is_refused_with_exit_1(cli):
    for name in ("elm", "Elm Wellness"):
        for fmt in ("json", "table"):
            line = assert_one_error_line(cli("cost", name, "--sessions", "6", "--format", fmt), 1)
            assert line == (
                "Error: Elm Wellness publishes no prices; the cost is unknown — "
                "see what it does publish with 'ketacalc show', or compare the providers with prices"
            )


# --------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "args",
    [
        ["--sessions", "0"],
        ["--sessions", "-3"],
        ["--sessions", "10001"],
        ["--sessions", "1-10001"],
        ["--sessions", "5-"],
        ["--sessions", "9-3"],
        ["--sessions", "a-b"],
        ["--sessions", "abc"],
        ["--sessions", "6,,12"],
        ["--sessions", ""],
        ["--sessions", "10", "--as-of", "2025-13-01"],
        ["--sessions", "10", "--as-of", "yesterday"],
        ["--sessions", "10", "--start", "2025-02-30"],
        ["--sessions", "10", "--discount", "ten"],
        ["--sessions", "10", "--discount=-5"],
        ["--sessions", "10", "--insurer", "Aetna"],
        ["--sessions", "10", "--pace", "0"],
        ["--sessions", "10", "--pace", "-1"],
        ["--sessions", "10", "--pace", "abc"],
        ["--sessions", "10", "--pace", "nan"],
        ["--sessions", "10", "--pace", "15"],
        ["--sessions", "10", "--state", "ZZ", "--insurer", "Aetna"],
        ["--sessions", "10", "--format", "xml"],
        [],
    ],
    ids=lambda args: " ".join(args) or "no-sessions",
)
def test_bad_input_is_one_error_line_and_exit_2(cli, args):
    assert_one_error_line(cli("cost", "alder", *args), 2)


@pytest.mark.parametrize("fmt", ["json", "table"])
def test_bad_sessions_with_any_format(cli, fmt):
    line = assert_one_error_line(cli("cost", "alder", "--sessions", "0", "--format", fmt), 2)
    assert "--sessions" in line


def test_unknown_provider_exits_1_with_a_suggestion(cli):
    line = assert_one_error_line(cli("cost", "aldr", "--sessions", "6"), 1)
    assert "did you mean alder" in line
    assert_one_error_line(cli("history", "no-such-provider"), 1)


def test_a_provider_is_found_by_id_name_or_alias_in_any_case(cli):
    for name in ("alder", "Alder Health", "ALDER-HEALTH", "alder care", "AlderCare"):
        record = cli("cost", name, "-n", "4", "-f", "json").json()
        assert record["provider"] == "alder", name


# --------------------------------------------------------------- history


def test_history_lists_each_plans_prices_oldest_first(cli):
    rows = cli("history", "alder", "--format", "json").json()
    by_plan: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        by_plan.setdefault((row["plan"], row["kind"]), []).append(row)
    assert {plan for plan, _ in by_plan} == {
        "new-4",
        "new-10",
        "returning-4-tablet",
        "returning-4-injection",
        "returning-10-tablet",
        "returning-10-injection",
    }
    for observations in by_plan.values():
        dates = [o["as_of"] for o in observations]
        assert dates == sorted(dates)
    # the three observations of new-4 in the fixture
    assert [(o["as_of"], o["price"], o["source"]) for o in by_plan[("new-4", "self-pay")]] == [
        ("2025-06-13", "800.00", "review-2025"),
        ("2026-05-05", "840.00", "compare-2026"),
        ("2026-08-14", "880.00", "alder-site"),
    ]
    assert [(o["as_of"], o["price"]) for o in by_plan[("returning-4-tablet", "self-pay")]] == [
        ("2025-06-13", "600.00"),
        ("2026-08-14", "640.00"),
    ]


def test_history_includes_insurance_prices(cli):
    rows = cli("history", "birch", "--format", "json").json()
    insured = [(r["plan"], r["as_of"], r["price"]) for r in rows if r["kind"] == "insurance"]
    assert insured == [("starter", "2025-06-13", "500.00"), ("extended", "2025-06-13", "1200.00")]


def test_history_of_a_provider_without_prices_is_empty(cli):
    assert cli("history", "elm", "--format", "json").json() == []


def test_history_table(cli):
    result = cli("history", "alder")
    assert result.exit_code == 0, result.stderr
    assert "oldest first" in result.stdout
    assert result.stdout.index("2025-06-13") < result.stdout.index("2026-08-14")


def test_a_hired_sitter_asked_for_but_unpriced_is_listed_beside_the_total(cli):
    """Cedar requires a sitter and no source prices a hired one: asked for, it is a charge the
    person pays whose figure is unknown, listed (never $0 in the total, never left out)."""
    record = cli("cost", "cedar", "-n", "3", "--hired-sitter", "--format", "json").json()
    (line,) = [u for u in record["unpriced"] if u["kind"] == "sitter"]
    assert (line["amount"], line["source"], line["as_of"]) == (None, "review-2025", "2025-06-13")
    assert record["total_high"] == record["total"] == "300.00"
    out = cli("cost", "cedar", "-n", "3", "--hired-sitter", env={"COLUMNS": "120"}).stdout
    head = " ".join(out.split("\n\n")[0].split())
    assert "$300.00 ($100.00 a session) + 1 charge not published (see below)" in head
    assert (
        line["description"]
        == "A hired sitter (the provider requires a sitter; what one costs is not published)"
    )
    assert "A hired sitter" in out and "unpriced: not in any total" in out
    plain = cli("cost", "cedar", "-n", "3", "--format", "json").json()
    assert not [u for u in plain["unpriced"] if u["kind"] == "sitter"]  # not asked for
    dune = cli("cost", "dune", "-n", "30", "--hired-sitter", "--format", "json").json()
    assert not [u for u in dune["unpriced"] if u["kind"] == "sitter"]  # no sitter required


def test_the_headline_never_counts_payments_whose_terms_are_unknown_as_known(cli):
    unknown = cli("cost", "alder", "-n", "14", "--format", "json").json()
    assert unknown["terms_unknown"] is True
    head = " ".join(cli("cost", "alder", "-n", "14").stdout.split("\n\n")[0].split())
    assert (
        f"at least {unknown['payments']} payments to {unknown['last_due']} or later (some payment terms not published)"
        in head
    )
    known = cli("cost", "cedar", "-n", "4", "--format", "json").json()
    assert known["terms_unknown"] is False and known["payments"] == 2
    head = " ".join(cli("cost", "cedar", "-n", "4").stdout.split("\n\n")[0].split())
    assert f", 2 payments to {known['last_due']}." in head and "at least" not in head


def test_a_headline_says_when_payments_run_past_the_last_session(cli):
    """Birch's 6 sessions end on day 35 while its 3 monthly installments run to the third month:
    '3 payments to …' beside a course that ended weeks before read as paid while treated."""
    head = " ".join(cli("cost", "birch", "-n", "6").stdout.split("\n\n")[0].split())
    assert "3 payments to 2027-01-21, running past the last session (2026-12-26)." in head
    one = " ".join(cli("cost", "birch", "-n", "6", "--pay-in-full").stdout.split("\n\n")[0].split())
    assert "running past" not in one  # one payment, on the first day


def test_compare_says_a_pace_without_a_course_changes_nothing(cli):
    """compare --pace 3 with no course priced gave the same answer and said nothing."""
    said = "note: --pace dates a course's sessions; without --sessions or --months none is priced"
    paced = cli("compare", "--state", "TX", "--pace", "3")
    assert paced.exit_code == 0 and [line for line in paced.stderr.splitlines() if said in line] == [
        said + ", so it changes nothing"
    ]
    assert paced.stdout == cli("compare", "--state", "TX").stdout
    assert said not in cli("compare", "--state", "TX").stderr
    assert said not in cli("compare", "--state", "TX", "-n", "6", "--pace", "3").stderr


def test_a_start_before_the_day_priced_is_said(cli):
    """--start 2020-01-01 (a year mistyped) priced a 2020 schedule at today's prices in silence."""
    said = "note: the course starts on 2026-01-01, before 2026-11-21, the day its prices are taken as of"
    for args in (("cost", "alder", "-n", "6"), ("compare", "--state", "TX", "-n", "6")):
        past = cli(*args, "--start", "2026-01-01")
        assert past.exit_code == 0 and said in past.stderr, past.stderr
        assert "note: the course starts" not in cli(*args, "--start", "2026-11-21").stderr
        assert "note: the course starts" not in cli(*args).stderr


def test_a_course_asked_with_an_insurer_but_priced_self_pay_says_so_in_its_first_line(cli):
    """cost birch --state NY --insurer Aetna headlined the self-pay $1,050 as the course's
    price; only a note at the very end said Birch does not list Aetna in New York."""
    args = ("cost", "birch", "-n", "6", "--state", "NY", "--insurer", "Aetna")
    first = " ".join(cli(*args).stdout.split("\n\n")[0].split())
    assert first.startswith(
        "Birch Clinic, 6 sessions for a new client at self-pay prices, not Aetna insurance (the notes say why): "
        "$1,050.00"
    ), first
    texas = " ".join(cli("cost", "birch", "-n", "6", "--state", "TX", "--insurer", "Aetna").stdout.split())
    assert "with Aetna insurance: $500.00" in texas and "self-pay prices" not in texas
    assert "self-pay prices" not in cli("cost", "birch", "-n", "6", "--state", "NY").stdout
