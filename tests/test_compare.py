"""``ketacalc compare``: one row per provider, availability, cost, filters, sorting,
formats, and a table that fits an 80-column terminal."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from conftest import parse_output

FORMATS = ["table", "json", "ndjson", "csv", "tsv"]
ANSI = re.compile(r"\x1b\[")
MONEY_STR = re.compile(r"^\d+\.\d{2}$")
MONEY_SHOWN = re.compile(r"\$\d{1,3}(?:,\d{3})*\.\d{2}")
ALL_IDS = {"innerwell", "better-u", "mindbloom", "joyous", "kalm-health", "nue-life", "peak", "isha-health",
           "wondermed", "ketamd"}  # fmt: skip
TEXAS = {"innerwell", "better-u", "mindbloom", "joyous", "isha-health"}


def rows_of(cli, *args: str) -> list[dict[str, Any]]:
    result = cli("compare", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    rows = result.json()
    assert isinstance(rows, list)
    return rows


def ids(rows: list[dict[str, Any]]) -> list[str]:
    return [r["provider"] for r in rows]


def money(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def shown(text: str | None) -> str:
    """A JSON money string as the table prints it: ``"2970.00"`` -> ``$2,970.00``."""
    return f"${Decimal(text):,.2f}"


def flat(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------- state and availability


def test_texas_lists_every_provider_serving_texas(cli):
    rows = rows_of(cli, "--state", "TX")
    available = {r["provider"] for r in rows if r["availability"] == "available"}
    assert TEXAS <= available
    assert all(r["state"] == "TX" for r in rows)


def test_texas_hides_ketamd_unless_asked(cli):
    rows = rows_of(cli, "--state", "TX")
    assert "ketamd" not in ids(rows)
    assert all(r["availability"] in ("available", "unknown") for r in rows)
    assert set(ids(rows)) == ALL_IDS - {"ketamd"}
    everyone = rows_of(cli, "--state", "TX", "--include-unavailable")
    assert set(ids(everyone)) == ALL_IDS
    assert {r["provider"]: r["availability"] for r in everyone}["ketamd"] == "unavailable"


def test_texas_table_caption_counts_the_hidden_provider(cli):
    out = flat(cli("compare", "--state", "TX").stdout)
    assert "1 hidden (unavailable in TX: ketamd)" in out
    everyone = cli("compare", "--state", "TX", "--include-unavailable")
    assert everyone.exit_code == 0, everyone.stderr
    assert "hidden" not in everyone.stdout
    assert "KetaMD" in everyone.stdout and "unavailable" in everyone.stdout


def test_availability_carries_source_date_and_tier(cli):
    rows = {r["provider"]: r for r in rows_of(cli, "--state", "TX")}
    innerwell = rows["innerwell"]
    assert (innerwell["availability_as_of"], innerwell["availability_tier"]) == ("2025-06-13", "C")
    assert innerwell["availability_official"] is False
    isha = rows["isha-health"]
    assert (isha["availability_as_of"], isha["availability_tier"], isha["availability_official"]) == (
        "2026-05-01", "A", True)  # fmt: skip
    assert rows["kalm-health"]["availability"] == "unknown"
    assert rows["kalm-health"]["availability_tier"] is None


def test_without_state_every_provider_and_no_availability_column(cli):
    rows = rows_of(cli)
    assert set(ids(rows)) == ALL_IDS
    assert len(rows) == 10
    assert all(r["availability"] is None and r["state"] is None for r in rows)
    out = cli("compare", env={"COLUMNS": "120"}).stdout
    header = out.splitlines()[:4]
    assert not any(re.search(r"\bIn [A-Z]{2}\b", line) for line in header)
    for word in ("available", "unavailable", "unknown", "hidden"):
        assert word not in out
    for name in (
        "Innerwell",
        "Better U",
        "Mindbloom",
        "Joyous",
        "Kalm Health",
        "Nue Life",
        "Peak",
        "Isha Health",
        "Wondermed",
        "KetaMD",
    ):
        assert name in out


def test_with_state_the_table_has_an_availability_column(cli):
    out = cli("compare", "--state", "texas", env={"COLUMNS": "120"}).stdout
    assert "In TX" in out
    assert out.splitlines()[0].startswith("Providers for TX (Texas)")


def test_new_york_isha_hidden_today_but_shown_in_mid_april_2026(cli):
    assert "isha-health" not in ids(rows_of(cli, "--state", "NY"))
    then = {r["provider"]: r for r in rows_of(cli, "--state", "NY", "--as-of", "2026-04-15")}
    assert then["isha-health"]["availability"] == "available"
    assert "2 hidden (unavailable in NY: isha-health, ketamd)" in flat(cli("compare", "--state", "NY").stdout)


def test_innerwell_unlisted_state_is_unknown_today_and_hidden_before_the_new_count(cli):
    now = {r["provider"]: r for r in rows_of(cli, "--state", "AL")}
    assert now["innerwell"]["availability"] == "unknown"
    assert "innerwell" not in ids(rows_of(cli, "--state", "AL", "--as-of", "2025-07-01"))
    old = {
        r["provider"]: r
        for r in rows_of(cli, "--state", "AL", "--as-of", "2025-07-01", "--include-unavailable")
    }
    assert old["innerwell"]["availability"] == "unavailable"


def test_in_clinic_options_are_shown(cli):
    rows = {r["provider"]: r for r in rows_of(cli, "--state", "NY")}
    assert rows["better-u"]["in_clinic"] and rows["innerwell"]["in_clinic"]
    assert rows["mindbloom"]["in_clinic"] is None
    out = cli("compare", "--state", "NY", env={"COLUMNS": "120"}).stdout
    assert out.count("+ in-clinic") == 2


def test_insurers_in_the_state_are_listed(cli):
    rows = {r["provider"]: r for r in rows_of(cli, "--state", "TX")}
    assert len(rows["innerwell"]["insurers"]) == 6
    assert rows["better-u"]["insurers"] is None
    assert "(6 in TX)" in flat(cli("compare", "--state", "TX", env={"COLUMNS": "120"}).stdout)


# --------------------------------------------------------------- --sessions


def test_sessions_18_fields_and_types(cli):
    rows = rows_of(cli, "--sessions", "18")
    assert len(rows) == 10
    priced = [r for r in rows if r["total"] is not None]
    assert {r["provider"] for r in priced} == {"innerwell", "better-u", "mindbloom", "joyous", "isha-health"}
    for r in rows:
        assert r["sessions_requested"] == 18
        for key in ("total", "per_session", "due_at_signup"):
            assert r[key] is None or (isinstance(r[key], str) and MONEY_STR.match(r[key])), (
                r["provider"],
                key,
            )
        if r["total"] is None:
            assert r["per_session"] is None and r["due_at_signup"] is None
            assert r["sessions_covered"] is None
        else:
            covered = r["sessions_covered"]
            assert isinstance(covered, int) and not isinstance(covered, bool)
            assert covered >= 18
            # per session is the total spread over the sessions actually bought
            expected = (money(r["total"]) / covered).quantize(Decimal("0.01"), ROUND_HALF_UP)
            assert money(r["per_session"]) == expected, r["provider"]
            assert money(r["due_at_signup"]) <= money(r["total"])


def test_sessions_18_values_a_user_can_check_against_the_price_list(cli):
    rows = {r["provider"]: r for r in rows_of(cli, "--sessions", "18")}
    mindbloom = rows["mindbloom"]  # the 18-session program: $2,970 in 9 payments of $330
    assert (mindbloom["total"], mindbloom["per_session"], mindbloom["due_at_signup"]) == (
        "2970.00",
        "165.00",
        "330.00",
    )
    assert mindbloom["sessions_covered"] == 18
    innerwell = rows["innerwell"]  # no 18-session plan: the 24-session Extended Program is cheapest
    assert (innerwell["total"], innerwell["sessions_covered"]) == ("2100.00", 24)
    isha = rows["isha-health"]  # pay per visit
    assert (isha["total"], isha["per_session"]) == ("7164.00", "398.00")


def test_sessions_table_shows_total_each_and_covered(cli):
    result = cli("compare", "--state", "TX", "--sessions", "18", env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "18 sessions" in out
    assert "$2,970.00" in out and "$165.00 each" in out
    assert "covers 24" in out
    assert "18 sessions, new client" in out.splitlines()[0]


def test_returning_client_prices(cli):
    new = {r["provider"]: r for r in rows_of(cli, "--sessions", "18")}
    back = {r["provider"]: r for r in rows_of(cli, "--sessions", "18", "--returning")}
    assert all(r["client"] == "returning" for r in back.values())
    assert back["mindbloom"]["total"] is not None
    assert money(back["mindbloom"]["total"]) < money(new["mindbloom"]["total"])


def test_sessions_out_of_range_is_a_usage_error(cli):
    for value in ("0", "-3", "abc"):
        result = cli("compare", "--sessions", value)
        assert result.exit_code == 2, value
        assert result.stdout == ""
        assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("Error:")


# --------------------------------------------------------------- sorting


SORT_FIELDS = {"total": "total", "per-session": "per_session", "due-at-signup": "due_at_signup"}


@pytest.mark.parametrize(
    "extra", [[], ["--sessions", "18"], ["--state", "TX"], ["--state", "NY", "--sessions", "6"]]
)
@pytest.mark.parametrize("key", list(SORT_FIELDS))
def test_sort_is_non_decreasing_with_unknowns_last(cli, key, extra):
    rows = rows_of(cli, *extra, "--sort", key)
    values = [money(r[SORT_FIELDS[key]]) for r in rows]
    known = [v for v in values if v is not None]
    assert known, "nothing to sort"
    assert values[: len(known)] == known, f"unknown {key} sorted before a known one: {values}"
    assert known == sorted(known)
    assert set(ids(rows)) == set(ids(rows_of(cli, *extra)))  # sorting neither adds nor drops rows


@pytest.mark.parametrize("extra", [[], ["--state", "TX"]])
def test_sort_by_name(cli, extra):
    default = rows_of(cli, *extra)
    by_name = rows_of(cli, *extra, "--sort", "name")
    names = [r["name"] for r in by_name]
    assert names == sorted(names, key=str.casefold)
    assert ids(default) == ids(by_name)  # name is the default


def test_sort_by_total_puts_the_cheapest_18_session_course_first(cli):
    rows = rows_of(cli, "--sessions", "18", "--sort", "total")
    assert ids(rows)[0] == "joyous"
    assert ids(rows)[4] == "isha-health"  # the dearest of the five priced providers


def test_table_rows_follow_the_sort(cli):
    rows = rows_of(cli, "--sessions", "18", "--sort", "total")
    out = cli("compare", "--sessions", "18", "--sort", "total", env={"COLUMNS": "120"}).stdout
    positions = [out.index(r["name"] + " ") for r in rows]
    assert positions == sorted(positions)


@pytest.mark.parametrize("bad", ["price", "Total", "", "cheapest"])
def test_bad_sort_key_is_a_usage_error(cli, bad):
    result = cli("compare", "--sort", bad)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:")
    assert "per-session" in lines[0]  # says what is allowed


# --------------------------------------------------------------- filters


def test_no_sitter_keeps_only_joyous(cli):
    assert ids(rows_of(cli, "--no-sitter")) == ["joyous"]
    assert ids(rows_of(cli, "--no-sitter", "--state", "TX")) == ["joyous"]
    out = flat(cli("compare", "--no-sitter").stdout)
    assert "9 hidden (sitter required or not published" in out


def test_insurance_in_texas_keeps_innerwell(cli):
    assert ids(rows_of(cli, "--insurance", "--state", "TX")) == ["innerwell"]
    assert ids(rows_of(cli, "--insurance", "--state", "TX", "--insurer", "aetna")) == ["innerwell"]
    assert ids(rows_of(cli, "--insurance")) == ["innerwell"]


def test_insurance_in_idaho_keeps_nothing(cli):
    # Innerwell serves Idaho but accepts no insurer there
    assert rows_of(cli, "--insurance", "--state", "ID") == []
    result = cli("compare", "--insurance", "--state", "ID")
    assert result.exit_code == 0, result.stderr
    out = flat(result.stdout)
    assert "no provider matches" in out
    assert "no insurance accepted in ID" in out
    csv_out = cli("compare", "--insurance", "--state", "ID", "--format", "csv").stdout
    assert len(csv_out.splitlines()) == 1  # the header only


def test_insurer_not_accepted_in_the_state_keeps_nothing(cli):
    # an insurer no provider lists is a usage error that names those accepted in the state
    result = cli(
        "compare", "--insurance", "--state", "TX", "--insurer", "Kaiser Permanente", "--format", "json"
    )
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--insurer 'Kaiser Permanente' is not a known insurer" in result.stderr
    assert "insurers accepted in TX: Aetna" in result.stderr


@pytest.mark.parametrize("amount", ["400", "398", "$1,000", "129", "0"])
@pytest.mark.parametrize("extra", [[], ["--state", "TX"], ["--sessions", "18"]])
def test_max_due_at_signup(cli, amount, extra):
    everyone = rows_of(cli, *extra)
    limit = Decimal(amount.replace("$", "").replace(",", ""))
    expected = [
        r["provider"]
        for r in everyone
        if r["due_at_signup"] is not None and money(r["due_at_signup"]) <= limit
    ]
    kept = rows_of(cli, *extra, "--max-due-at-signup", amount)
    assert ids(kept) == expected


def test_max_due_at_signup_400_on_shipped_data_keeps_someone_and_drops_someone(cli):
    kept = set(ids(rows_of(cli, "--max-due-at-signup", "400")))
    assert kept and kept != ALL_IDS
    assert "innerwell" not in kept  # $525 due at sign-up
    out = flat(cli("compare", "--max-due-at-signup", "400").stdout)
    assert f"{10 - len(kept)} hidden (due at sign-up above $400.00 or not published" in out


def test_bad_max_due_at_signup_is_a_usage_error(cli):
    result = cli("compare", "--max-due-at-signup", "lots")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("Error:")


# --------------------------------------------------------------- formats


@pytest.mark.parametrize("fmt", ["json", "ndjson", "csv", "tsv"])
def test_every_machine_format_has_the_same_rows(cli, fmt):
    reference = rows_of(cli, "--state", "TX", "--sessions", "18")
    result = cli("compare", "--state", "TX", "--sessions", "18", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    rows = parse_output(fmt, result.stdout)
    assert [r["provider"] for r in rows] == ids(reference)
    for row, ref in zip(rows, reference, strict=True):
        assert row["availability"] == ref["availability"]
        for key in ("total", "per_session", "due_at_signup"):
            assert row[key] == (ref[key] if fmt in ("json", "ndjson") else ref[key] or "")


def test_csv_and_tsv_have_one_line_per_provider(cli):
    for fmt in ("csv", "tsv"):
        out = cli("compare", "--format", fmt).stdout
        assert len(out.splitlines()) == 11, fmt  # header + 10
        assert out.splitlines()[0].split("," if fmt == "csv" else "\t")[0] == "provider"


def test_table_format_lists_the_same_providers(cli):
    rows = rows_of(cli, "--state", "TX")
    out = cli("compare", "--state", "TX", "--format", "table", env={"COLUMNS": "120"}).stdout
    for r in rows:
        assert r["name"] in out
    assert "KetaMD" not in out.split("Data as of")[0]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "extra", [[], ["--state", "TX", "--sessions", "18"], ["--state", "ID", "--insurance"]]
)
def test_no_ansi_escape_codes(cli, fmt, extra):
    for env in (None, {"NO_COLOR": None, "FORCE_COLOR": "1", "TERM": "xterm-256color"}):
        result = cli("compare", *extra, "--format", fmt, env=env)  # type: ignore[arg-type]
        assert result.exit_code == 0, result.stderr
        assert not ANSI.search(result.stdout + result.stderr), (fmt, env)


def test_unknown_values_print_as_a_dash(cli):
    out = cli("compare", "--state", "TX", env={"COLUMNS": "120"}).stdout
    kalm = next(line for line in out.splitlines() if line.startswith("Kalm Health"))
    assert "—" in kalm
    assert "— = not published" in flat(out)
    assert "$0.00" not in out  # unknown is never shown as zero


def test_caption_gives_data_dates_and_disclaimer(cli):
    rows = rows_of(cli, "--state", "TX")
    dates = sorted(r["as_of"] for r in rows if r["as_of"])
    out = flat(cli("compare", "--state", "TX").stdout)
    assert f"Data as of {dates[0]} to {dates[-1]}" in out
    assert "Prices as of 2026-11-21" in out
    assert "not medical advice" in out


def test_as_of_sets_the_prices_used(cli):
    rows = {r["provider"]: r for r in rows_of(cli, "--sessions", "18", "--as-of", "2025-07-01")}
    assert rows["mindbloom"]["total"] == "2862.00"  # the 2025 price of the 18-session program
    assert "Prices as of 2025-07-01" in flat(cli("compare", "--as-of", "2025-07-01").stdout)


# --------------------------------------------------------------- 80 columns and golden files


TABLE_CASES = [
    [], ["--state", "TX"], ["--state", "TX", "--sessions", "18"], ["--state", "NY", "--include-unavailable"],
    ["--sessions", "6", "--returning"], ["--state", "TX", "--sessions", "10000", "--returning"],
    ["--state", "CA", "--sessions", "24", "--insurer", "Aetna"], ["--state", "ID", "--insurance"],
]  # fmt: skip


@pytest.mark.parametrize("args", TABLE_CASES, ids=lambda a: " ".join(a) or "no-options")
def test_table_fits_80_columns_and_never_splits_money(cli, args):
    result = cli("compare", *args, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    lines = text.splitlines()
    too_long = [line for line in lines if len(line) > 80]
    assert not too_long, too_long
    assert "…" not in text
    # every "$" starts a whole amount on one line: no "$2," + "970.00" split
    for line in lines:
        for start in [m.start() for m in re.finditer(r"\$", line)]:
            assert MONEY_SHOWN.match(line, start), f"money split or cut: {line!r}"
    # every amount the JSON gives is printed whole
    rows = rows_of(cli, *args)
    for r in rows:
        for key in ("total", "due_at_signup"):
            if r[key] is not None:
                assert shown(r[key]) in text, (r["provider"], key, shown(r[key]))
        if args and "--sessions" in args and r["per_session"] is not None:
            assert f"{shown(r['per_session'])} each" in text
        if "--sessions" not in args:
            for plan in r["plans"]:
                assert shown(plan["price"]) in text


def _table(cli, columns: str, *args: str) -> str:
    result = cli("compare", "--state", "TX", *args, env={"COLUMNS": columns})
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def test_golden_texas_80_columns(cli, golden):
    text = _table(cli, "80")
    assert max(len(line) for line in text.splitlines()) <= 80
    golden("compare-TX-80.txt", text)


def test_golden_texas_120_columns(cli, golden):
    text = _table(cli, "120")
    assert max(len(line) for line in text.splitlines()) <= 120
    golden("compare-TX-120.txt", text)


def test_golden_texas_18_sessions_80_columns(cli, golden):
    text = _table(cli, "80", "--sessions", "18")
    assert max(len(line) for line in text.splitlines()) <= 80
    golden("compare-TX-sessions-18-80.txt", text)


def test_wider_terminal_uses_fewer_lines(cli):
    assert len(_table(cli, "120").splitlines()) < len(_table(cli, "80").splitlines())


# --------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("args", "mentions"),
    [
        (["--state", "Texsa"], "TX (Texas)"),
        (["--state", "XX"], "XX"),
        (["--sort", "price"], "price"),
        (["--insurer", "Aetna"], "--state"),
        (["--insurer", "Aetna", "--sessions", "18"], "--state"),
        (["--as-of", "2026-13-01"], "2026-13-01"),
        (["--as-of", "yesterday"], "yesterday"),
        (["--max-due-at-signup", "-5"], "-5"),
        (["--state"], "--state"),
        (["--bogus"], "--bogus"),
    ],
)
def test_bad_input_exits_2_with_one_error_line(cli, args, mentions):
    result = cli("compare", *args)
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error:")
    assert mentions in lines[0]
    assert "Traceback" not in result.stderr


def test_bad_input_in_a_real_process_has_no_traceback():
    env = {**os.environ}
    proc = subprocess.run([sys.executable, "-m", "ketacalc", "compare", "--state", "Texsa"],
                          capture_output=True, text=True, env=env, timeout=60)  # fmt: skip
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith("Error:") and len(proc.stderr.splitlines()) == 1


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_closed_pipe_gives_no_traceback(fmt):
    """``ketacalc compare ... | head -1``: a reader that stops early must not get a traceback."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before ketacalc writes anything
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "ketacalc", "compare", "--state", "TX", "--format", fmt],
            stdout=write_end, stderr=subprocess.PIPE, text=True, env={**os.environ}, timeout=60,
        )  # fmt: skip
    finally:
        os.close(write_end)
    assert "Traceback" not in proc.stderr, proc.stderr[-600:]
    assert len(proc.stderr.splitlines()) <= 1, proc.stderr[-600:]
