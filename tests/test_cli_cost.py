"""The ``cost`` and ``history`` commands, as a user runs them."""

from __future__ import annotations

import re

import pytest

from conftest import run_subprocess

REVIEW = "2025-06-13"
MONEY = re.compile(r"^\d+\.\d{2}$")
ANSI = "\x1b["


def review_cost(cli, provider: str, sessions: str, *extra: str, fmt: str = "json"):
    return cli("cost", provider, "--sessions", sessions, "--as-of", REVIEW, "--start", REVIEW,
               "--format", fmt, *extra)  # fmt: skip


def loads(text: str):
    import json

    return json.loads(text)


def csv_rows(text: str) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(text)))


def csv_records(text: str) -> list[dict[str, str]]:
    header, *rows = csv_rows(text)
    return [dict(zip(header, row, strict=True)) for row in rows]


def assert_usage_error(result, code: int = 2) -> str:
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in result.stderr
    return lines[0]


# --------------------------------------------------------------- formats


def test_cost_json_has_the_contract_fields(cli):
    result = review_cost(cli, "mindbloom", "18")
    assert result.exit_code == 0, result.stderr
    record = result.json()
    assert isinstance(record, dict)
    assert record["provider"] == "mindbloom"
    assert record["client"] == "new"
    assert record["sessions_requested"] == 18
    assert record["sessions_covered"] == 18
    assert record["leftover_sessions"] == 0
    assert record["total"] == "2862.00"
    assert record["per_session"] == "159.00"
    assert record["due_at_signup"] == "318.00"
    assert record["prices_as_of"] == REVIEW
    assert [(p["plan"], p["sessions"], p["price"], p["client"]) for p in record["purchases"]] == [
        ("new-18", 18, "2862.00", "new")
    ]
    assert [(s["due"], s["amount"], s["plan"]) for s in record["schedule"]] == [
        (due, "318.00", "new-18")
        for due in ("2025-06-13", "2025-07-13", "2025-08-13", "2025-09-13", "2025-10-13", "2025-11-13",
                    "2025-12-13", "2026-01-13", "2026-02-13")
    ]  # fmt: skip
    for key in ("total", "per_session", "due_at_signup"):
        assert MONEY.match(record[key]), record[key]
    assert all(MONEY.match(s["amount"]) for s in record["schedule"])
    assert any("before the consultation" in n for n in record["notes"])


def test_cost_json_defaults_to_today(cli):
    result = cli("cost", "mindbloom", "--sessions", "18", "--format", "json")
    assert result.exit_code == 0, result.stderr
    record = result.json()
    assert record["as_of"] == "2026-11-21"
    assert record["start"] == "2026-11-21"
    assert record["schedule"][0]["due"] == "2026-11-21"
    assert record["total"] == "2970.00"


def test_cost_table_shows_total_and_schedule_without_colour(cli):
    result = review_cost(cli, "mindbloom", "18", fmt="table")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert ANSI not in out and ANSI not in result.stderr
    assert "$2,862.00" in out
    assert "$159.00" in out
    assert "Payment schedule" in out
    for due in ("2025-06-13", "2025-07-13", "2026-02-13"):
        assert due in out
    assert out.count("$318.00") >= 9
    # notes go to stderr so stdout stays data only
    assert "before the consultation" in result.stderr
    assert "before the consultation" not in out


def test_cost_csv_is_a_header_and_one_row(cli):
    result = review_cost(cli, "mindbloom", "18", fmt="csv")
    assert result.exit_code == 0, result.stderr
    rows = csv_rows(result.stdout)
    assert len(rows) == 2
    header, row = rows
    record = dict(zip(header, row, strict=True))
    assert record["provider"] == "mindbloom"
    assert record["total"] == "2862.00"
    assert record["per_session"] == "159.00"
    assert record["sessions_covered"] == "18"
    assert record["payments"] == "9"
    assert record["first_due"] == "2025-06-13"
    assert record["last_due"] == "2026-02-13"
    assert ANSI not in result.stdout


def test_cost_tsv_is_a_header_and_one_row(cli):
    result = review_cost(cli, "mindbloom", "18", fmt="tsv")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    header, row = (line.split("\t") for line in lines)
    assert len(header) == len(row)
    record = dict(zip(header, row, strict=True))
    assert record["total"] == "2862.00"
    assert record["due_at_signup"] == "318.00"


def test_cost_ndjson_is_one_object_per_line(cli):
    single = review_cost(cli, "mindbloom", "18", fmt="ndjson")
    assert single.exit_code == 0, single.stderr
    lines = single.stdout.splitlines()
    assert len(lines) == 1
    assert loads(lines[0])["total"] == "2862.00"

    many = review_cost(cli, "mindbloom", "6,12,18", fmt="ndjson")
    assert many.exit_code == 0, many.stderr
    records = [loads(line) for line in many.stdout.splitlines()]
    assert [r["total"] for r in records] == ["1254.00", "2148.00", "2862.00"]


# --------------------------------------------------------------- lists and ranges


def test_sessions_list_gives_an_array(cli):
    result = review_cost(cli, "mindbloom", "6,12,18")
    assert result.exit_code == 0, result.stderr
    records = result.json()
    assert isinstance(records, list)
    assert [(r["sessions_requested"], r["total"], r["per_session"]) for r in records] == [
        (6, "1254.00", "209.00"), (12, "2148.00", "179.00"), (18, "2862.00", "159.00"),
    ]  # fmt: skip


def test_sessions_range_gives_one_result_per_n(cli):
    result = review_cost(cli, "mindbloom", "1-24")
    assert result.exit_code == 0, result.stderr
    records = result.json()
    assert [r["sessions_requested"] for r in records] == list(range(1, 25))
    assert all(r["sessions_covered"] >= r["sessions_requested"] for r in records)
    assert records[0]["total"] == "1254.00"  # 1 session still means buying the 6-session plan
    assert records[0]["leftover_sessions"] == 5
    assert records[23]["total"] == "3576.00"


def test_sessions_range_csv_has_one_row_per_n(cli):
    result = review_cost(cli, "better-u", "1-12", fmt="csv")
    assert result.exit_code == 0, result.stderr
    rows = csv_records(result.stdout)
    assert [int(r["sessions_requested"]) for r in rows] == list(range(1, 13))
    assert rows[-1]["total"] == "1029.00"


def test_sessions_range_table(cli):
    result = review_cost(cli, "mindbloom", "6,12,18", fmt="table")
    assert result.exit_code == 0, result.stderr
    for total in ("$1,254.00", "$2,148.00", "$2,862.00"):
        assert total in result.stdout
    assert ANSI not in result.stdout


# --------------------------------------------------------------- options


def test_worked_examples_through_the_cli(cli):
    assert review_cost(cli, "mindbloom", "24").json()["total"] == "3576.00"
    returning = review_cost(cli, "mindbloom", "12", "--returning").json()
    assert returning["total"] == "1908.00"
    assert returning["client"] == "returning"
    assert {p["client"] for p in returning["purchases"]} == {"returning"}
    better_u = review_cost(cli, "Better U", "12").json()
    assert better_u["provider"] == "better-u"
    assert better_u["total"] == "1029.00"


def test_insurance_through_the_cli(cli):
    record = review_cost(cli, "innerwell", "8", "--insurer", "Aetna", "--state", "texas").json()
    assert record["total"] == "650.00"
    assert record["pricing"] == "insurance"
    assert [(s["due"], s["amount"]) for s in record["schedule"]] == [
        ("2025-06-13", "325.00"), ("2025-07-13", "325.00"),
    ]  # fmt: skip

    idaho = review_cost(cli, "innerwell", "8", "--insurer", "Aetna", "--state", "ID").json()
    assert idaho["total"] == "1098.00"
    assert idaho["pricing"] == "self-pay"
    assert any("self-pay" in n for n in idaho["notes"])


def test_pay_in_full_through_the_cli(cli):
    record = review_cost(cli, "innerwell", "8", "--pay-in-full").json()
    assert record["total"] == "998.00"
    assert record["pay_in_full"] is True
    assert [(s["due"], s["amount"]) for s in record["schedule"]] == [("2025-06-13", "998.00")]
    assert record["due_at_signup"] == "998.00"


def test_discount_through_the_cli(cli):
    record = review_cost(cli, "mindbloom", "24", "--discount", "$100").json()
    assert record["total"] == "3476.00"
    assert record["purchases"][0]["charged"] == "1154.00"
    assert record["purchases"][1]["charged"] == "2322.00"
    big = review_cost(cli, "innerwell", "8", "--discount", "5000").json()
    assert big["total"] == "0.00"


def test_start_and_pace_through_the_cli(cli):
    month_end = cli("cost", "mindbloom", "-n", "18", "--as-of", REVIEW, "--start", "2025-01-31",
                    "-f", "json").json()  # fmt: skip
    dues = [s["due"] for s in month_end["schedule"]]
    assert dues[:4] == ["2025-01-31", "2025-02-28", "2025-03-31", "2025-04-30"]
    paced = review_cost(cli, "mindbloom", "24", "--pace", "2").json()
    assert [p["starts"] for p in paced["purchases"]] == ["2025-06-13", "2025-07-04"]
    assert paced["pace_per_week"] == "2"


def test_unpriced_provider_is_null_never_zero(cli):
    result = cli("cost", "kalm-health", "--sessions", "6", "--format", "json")
    assert result.exit_code == 0, result.stderr
    record = result.json()
    assert record["total"] is None
    assert record["per_session"] is None
    assert record["due_at_signup"] is None
    assert record["purchases"] == []
    assert record["schedule"] == []
    assert record["notes"]
    table = cli("cost", "kalm", "--sessions", "6")
    assert table.exit_code == 0, table.stderr
    assert "$0" not in table.stdout
    assert "—" in table.stdout


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
        ["--sessions", "18", "--as-of", "2025-13-01"],
        ["--sessions", "18", "--as-of", "yesterday"],
        ["--sessions", "18", "--start", "2025-02-30"],
        ["--sessions", "18", "--discount", "ten"],
        ["--sessions", "18", "--discount=-5"],
        ["--sessions", "18", "--insurer", "Aetna"],
        ["--sessions", "18", "--pace", "0"],
        ["--sessions", "18", "--pace", "-1"],
        ["--sessions", "18", "--pace", "abc"],
        ["--sessions", "18", "--pace", "nan"],
        ["--sessions", "18", "--pace", "15"],
        ["--sessions", "18", "--state", "ZZ", "--insurer", "Aetna"],
        ["--sessions", "18", "--format", "xml"],
        [],
    ],
    ids=lambda args: " ".join(args) or "no-sessions",
)
def test_bad_input_is_one_error_line_and_exit_2(cli, args):
    assert_usage_error(cli("cost", "mindbloom", *args), 2)


@pytest.mark.parametrize("fmt", ["json", "table"])
def test_bad_sessions_with_any_format(cli, fmt):
    line = assert_usage_error(cli("cost", "mindbloom", "--sessions", "0", "--format", fmt), 2)
    assert "--sessions" in line


def test_unknown_provider_exits_1(cli):
    line = assert_usage_error(cli("cost", "mindblom", "--sessions", "6"), 1)
    assert "mindbloom" in line  # suggests the close name
    assert_usage_error(cli("history", "no-such-provider"), 1)


# --------------------------------------------------------------- history


def test_history_lists_each_plans_prices_oldest_first(cli):
    result = cli("history", "mindbloom", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = result.json()
    by_plan: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        by_plan.setdefault((row["plan"], row["kind"]), []).append(row)
    assert {plan for plan, _ in by_plan} == {
        "new-6", "new-12", "new-18", "returning-6-tablets", "returning-6-injectables",
        "returning-18-tablets", "returning-18-injectables",
    }  # fmt: skip
    for observations in by_plan.values():
        dates = [o["as_of"] for o in observations]
        assert dates == sorted(dates)
    assert [(o["as_of"], o["price"]) for o in by_plan[("new-6", "self-pay")]] == [
        ("2025-06-13", "1254.00"), ("2026-05-05", "1290.00"),
        ("2026-06-25", "1290.00"), ("2026-08-14", "1290.00"),
    ]  # fmt: skip
    assert [(o["as_of"], o["price"]) for o in by_plan[("returning-6-tablets", "self-pay")]] == [
        ("2025-06-13", "954.00"), ("2026-08-14", "1074.00"),
    ]  # fmt: skip


def test_history_includes_insurance_prices(cli):
    rows = cli("history", "innerwell", "--format", "json").json()
    insured = [(r["plan"], r["as_of"], r["price"]) for r in rows if r["kind"] == "insurance"]
    assert ("foundation", "2025-06-13", "650.00") in insured
    assert ("extended", "2025-06-13", "1398.00") in insured


def test_history_table(cli):
    result = cli("history", "mindbloom")
    assert result.exit_code == 0, result.stderr
    assert "oldest first" in result.stdout
    assert result.stdout.index("2025-06-13") < result.stdout.index("2026-08-14")
    assert ANSI not in result.stdout


# --------------------------------------------------------------- real processes


def test_subprocess_cost_json():
    proc = run_subprocess("cost", "mindbloom", "--sessions", "18", "--as-of", REVIEW, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    record = loads(proc.stdout)
    assert record["total"] == "2862.00"
    assert record["per_session"] == "159.00"
    assert len(record["schedule"]) == 9
    assert "Traceback" not in proc.stderr


def test_subprocess_bad_sessions():
    proc = run_subprocess("cost", "mindbloom", "--sessions", "0")
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    assert "Traceback" not in proc.stderr


def test_subprocess_unknown_provider():
    proc = run_subprocess("cost", "nosuch", "--sessions", "6")
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1
    assert proc.stderr.startswith("Error: ")
