"""``ketacalc compare`` on the fixture data: one row per provider, availability,
cost, filters, sorting and formats; and the core ``compare`` function.

Today's fixture prices for 10 sessions of a new client (see the fixture's comments):
alder new-10 $1,800 (5 x $360); birch extended $2,000 (12 sessions, 4 x $500);
cedar course + 2 singles $808; dune one month $150 (30 doses); fern 10 visits x $350.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from conftest import (
    ANSI,
    FIXTURE_IDS,
    MONEY_STR,
    TODAY,
    assert_one_error_line,
    catalog_of,
    flat,
    parse_output,
    plan_data,
    provider_data,
    shown,
    table_part,
)
from ketacalc.domain.compare import CompareQuery, compare
from ketacalc.domain.notes import Kind, Note

FORMATS = ["table", "json", "ndjson", "csv", "tsv"]
MONEY_SHOWN = re.compile(r"\$\d{1,3}(?:,\d{3})*\.\d{2}")
ALL_IDS = set(FIXTURE_IDS)
TEXAS = {"alder", "birch", "cedar", "dune", "fern"}  # on a list that names TX
D = Decimal


def rows_of(cli, *args: str) -> list[dict[str, Any]]:
    result = cli("compare", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    rows = result.json()
    assert isinstance(rows, list)
    return rows


def by_id(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["provider"]: r for r in rows}


def ids(rows: list[dict[str, Any]]) -> list[str]:
    return [r["provider"] for r in rows]


def money(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


# --------------------------------------------------------------- state and availability


def test_texas_lists_every_provider_serving_texas(cli):
    rows = rows_of(cli, "--state", "TX")
    assert {r["provider"] for r in rows if r["availability"] == "available"} == TEXAS
    assert by_id(rows)["elm"]["availability"] == "unknown"  # elm publishes no states
    assert all(r["state"] == "TX" for r in rows)


def test_texas_hides_the_provider_whose_complete_list_leaves_it_out(cli):
    rows = rows_of(cli, "--state", "TX")
    assert set(ids(rows)) == ALL_IDS - {"gale"}  # gale's undated complete list names only FL
    everyone = rows_of(cli, "--state", "TX", "--include-unavailable")
    assert set(ids(everyone)) == ALL_IDS
    assert by_id(everyone)["gale"]["availability"] == "unavailable"


def test_texas_table_caption_counts_the_hidden_provider(cli):
    assert "1 hidden (unavailable in TX: gale)" in flat(cli("compare", "--state", "TX").stdout)
    everyone = cli("compare", "--state", "TX", "--include-unavailable")
    assert everyone.exit_code == 0, everyone.stderr
    assert "hidden" not in everyone.stdout
    assert "Gale MD" in everyone.stdout and "unavailable" in everyone.stdout


def test_availability_carries_source_date_and_tier(cli):
    rows = by_id(rows_of(cli, "--state", "TX"))
    birch = rows["birch"]  # the review's complete list
    assert (birch["availability_source"], birch["availability_as_of"], birch["availability_tier"]) == (
        "review-2025",
        "2025-06-13",
        "C",
    )
    assert birch["availability_official"] is False
    fern = rows["fern"]  # fern's own site
    assert (fern["availability_as_of"], fern["availability_tier"], fern["availability_official"]) == (
        "2026-05-01",
        "A",
        True,
    )
    assert rows["elm"]["availability_tier"] is None


def test_without_state_every_provider_and_no_availability_column(cli):
    rows = rows_of(cli)
    assert ids(rows) == list(FIXTURE_IDS)  # sorted by name, which is also the file's order
    assert all(r["availability"] is None and r["state"] is None for r in rows)
    out = cli("compare", env={"COLUMNS": "120"}).stdout
    assert not any(re.search(r"\bIn [A-Z]{2}\b", line) for line in out.splitlines()[:4])
    for word in ("available", "unavailable", "unknown", "hidden"):
        assert word not in out
    for name in (r["name"] for r in rows):
        assert name in out


def test_with_state_the_table_has_an_availability_column(cli):
    out = cli("compare", "--state", "texas", env={"COLUMNS": "120"}).stdout
    assert "In TX" in out
    assert table_part(out).splitlines()[0].startswith("Providers for TX (Texas)")


def test_new_york_fern_hidden_today_but_shown_in_mid_april_2026(cli):
    # fern's complete list of 2026-04-02 names NY; its list of 2026-05-01 does not
    assert "fern" not in ids(rows_of(cli, "--state", "NY"))
    then = by_id(rows_of(cli, "--state", "NY", "--as-of", "2026-04-15"))
    assert then["fern"]["availability"] == "available"
    assert "2 hidden (unavailable in NY: fern, gale)" in flat(cli("compare", "--state", "NY").stdout)


def test_birch_unlisted_state_is_unknown_today_and_hidden_before_the_new_count(cli):
    # birch's complete list of 4 states (2025-06-13) was contradicted by "10+" on 2026-05-05
    assert by_id(rows_of(cli, "--state", "AL"))["birch"]["availability"] == "unknown"
    assert "birch" not in ids(rows_of(cli, "--state", "AL", "--as-of", "2025-07-01"))
    old = by_id(rows_of(cli, "--state", "AL", "--as-of", "2025-07-01", "--include-unavailable"))
    assert old["birch"]["availability"] == "unavailable"


def test_in_clinic_options_are_shown(cli):
    ny = by_id(rows_of(cli, "--state", "NY"))
    assert ny["birch"]["in_clinic"] and ny["alder"]["in_clinic"] is None
    assert cli("compare", "--state", "NY", env={"COLUMNS": "120"}).stdout.count("+ in-clinic") == 1
    florida = by_id(rows_of(cli, "--state", "FL"))
    assert florida["cedar"]["in_clinic"] and florida["cedar"]["availability"] == "unknown"


def test_insurers_in_the_state_are_listed(cli):
    rows = by_id(rows_of(cli, "--state", "TX"))
    assert rows["birch"]["insurers"] == [
        "Aetna",
        "Cigna/Evernorth Behavioral Health",
        "UnitedHealthcare/Optum",
    ]
    assert rows["alder"]["insurers"] == []  # says it accepts no insurance
    assert rows["elm"]["insurers"] is None  # publishes nothing
    assert "(3 in TX)" in flat(cli("compare", "--state", "TX", env={"COLUMNS": "120"}).stdout)


def test_without_sessions_each_row_shows_its_plans_and_no_total(cli):
    rows = by_id(rows_of(cli))
    alder = rows["alder"]  # new clients only: new-4 $880 (2 x $440), new-10 $1,800 (5 x $360)
    assert [(p["plan"], p["price"], p["due_at_signup"]) for p in alder["plans"]] == [
        ("new-4", "880.00", "440.00"),
        ("new-10", "1800.00", "360.00"),
    ]
    # no course, no total: the row's due at sign-up is the lowest first payment of its plans
    assert (alder["total"], alder["per_session"], alder["due_at_signup"]) == (None, None, "360.00")
    assert rows["dune"]["due_at_signup"] == "120.00"  # the first month of the 3-month commitment
    assert rows["fern"]["consult_fee"] == "350.00"
    assert rows["fern"]["due_at_signup"] == "700.00"  # a $350 visit and the required $350 consultation
    assert rows["elm"]["plans"] == [] and rows["elm"]["total"] is None


# --------------------------------------------------------------- --sessions


def test_sessions_10_fields_and_types(cli):
    rows = rows_of(cli, "--sessions", "10")
    assert len(rows) == len(FIXTURE_IDS)
    # dune sells daily low doses by the month: no 10-session total
    assert {r["provider"] for r in rows if r["total"] is not None} == {"alder", "birch", "cedar", "fern"}
    for r in rows:
        assert r["sessions_requested"] == 10
        for key in ("total", "per_session", "due_at_signup"):
            assert r[key] is None or MONEY_STR.match(r[key]), (r["provider"], key)
        if r["total"] is None and r["provider"] == "dune":
            assert r["comparable"] is False and r["monthly_cost"] == "120.00"  # 3 months: 3 x $120
        elif r["total"] is None:
            assert r["per_session"] is None and r["due_at_signup"] is None and r["sessions_covered"] is None
        else:
            covered = r["sessions_covered"]
            assert isinstance(covered, int) and not isinstance(covered, bool) and covered >= 10
            # per session is the total spread over the sessions asked for
            expected = (money(r["total"]) / 10).quantize(Decimal("0.01"), ROUND_HALF_UP)
            assert money(r["per_session"]) == expected, r["provider"]
            assert money(r["due_at_signup"]) <= money(r["total"])


def test_sessions_10_values_a_user_can_check_against_the_price_list(cli):
    rows = by_id(rows_of(cli, "--sessions", "10"))
    got = {
        pid: (r["total"], r["per_session"], r["due_at_signup"], r["sessions_covered"])
        for pid, r in rows.items()
    }
    assert got == {
        "alder": ("1800.00", "180.00", "360.00", 10),
        "birch": ("2000.00", "200.00", "500.00", 12),
        "cedar": ("808.00", "80.80", "650.00", 10),
        "dune": (None, None, "120.00", None),  # not sessions (test_answers_compare.py); its first payment
        "elm": (None, None, None, None),
        "fern": ("3850.00", "385.00", "700.00", 10),  # 10 visits and the $350 consultation
        "gale": (None, None, None, None),
    }


def test_sessions_table_shows_total_each_and_covered(cli):
    result = cli("compare", "--state", "TX", "--sessions", "10", env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "10 sessions, new client" in table_part(out).splitlines()[0]
    assert "$1,800.00" in out and "$180.00 each" in out
    assert "covers 12" in out  # birch's extended program


def test_returning_client_prices(cli):
    new = by_id(rows_of(cli, "--sessions", "10"))
    back = by_id(rows_of(cli, "--sessions", "10", "--returning"))
    assert all(r["client"] == "returning" for r in back.values())
    # alder's standard route is tablets: returning-10-tablet $1,400, never injections silently
    assert back["alder"]["total"] == "1400.00"
    assert back["alder"]["route"] == "tablet" and back["alder"]["other_routes"] == {"injection": "1300.00"}
    assert money(back["alder"]["total"]) < money(new["alder"]["total"])


def test_as_of_sets_the_prices_used(cli):
    rows = by_id(rows_of(cli, "--sessions", "10", "--as-of", "2025-07-01"))
    assert rows["alder"]["total"] == "1700.00"  # the review's price of new-10
    caption = flat(cli("compare", "--as-of", "2025-07-01").stdout)
    assert "Prices used dated 2025-06-13, as they stood on 2025-07-01." in caption
    assert "No price published on or before 2020-01-01." in flat(
        cli("compare", "--as-of", "2020-01-01").stdout
    )


def test_route_limits_the_plans_compared(cli):
    rows = by_id(rows_of(cli, "--sessions", "14", "--route", "tablet"))
    assert rows["alder"]["total"] == "2280.00"  # new-4 $880 + returning-10-tablet $1,400
    assert rows["birch"]["total"] is not None  # birch's prices do not differ by route
    # the route the figures are for: alder prices routes apart; birch's prices are the same for
    # every route and elm publishes none, so neither is said to be priced "on tablet"
    assert (rows["alder"]["route"], rows["birch"]["route"], rows["elm"]["route"]) == ("tablet", None, None)


def test_a_route_word_of_the_data_that_names_no_route_keeps_no_provider_under_every_route():
    """``[buccal troche, taken daily]``: "taken daily" names no route, so the provider delivers
    troches and is left out under --route injection; ``sublingual lozenge`` is a troche; a
    provider whose route is not published at all stays (unknown is not no) with no route."""
    from ketacalc.vocab import route_ids

    assert route_ids("sublingual lozenge") == ("troche",)
    daily = provider_data(
        "daily", "Daily Dose", routes=[{"value": ["buccal troche", "taken daily"], "source": "site"}]
    )
    lozenge = provider_data("loz", "Lozenge Co", routes=[{"value": ["sublingual lozenge"], "source": "site"}])
    silent = provider_data("quiet", "Quiet Clinic")
    cat = catalog_of(daily, lozenge, silent)
    shown_ids = [r.provider.id for r in compare(cat, CompareQuery(route="injection"), today=TODAY).rows]
    assert shown_ids == ["quiet"]
    [quiet] = compare(cat, CompareQuery(route="injection"), today=TODAY).rows
    assert quiet.route is None
    troches = [r.provider.id for r in compare(cat, CompareQuery(route="troche"), today=TODAY).rows]
    assert sorted(troches) == ["daily", "loz", "quiet"]


# --------------------------------------------------------------- sorting


SORT_FIELDS = {"total": "total", "per-session": "per_session", "due-at-signup": "due_at_signup"}


@pytest.mark.parametrize(
    "extra", [["--sessions", "10"], ["--state", "NY", "--sessions", "6"], ["--months", "2"]]
)
@pytest.mark.parametrize("key", list(SORT_FIELDS))
def test_sort_is_non_decreasing_with_unknowns_and_unlike_treatments_last(cli, key, extra):
    """The rows ranked come first, in order; then those with no figure, and those of another
    treatment (daily low doses beside sessions), which are ranked beside none of them."""
    rows = rows_of(cli, *extra, "--sort", key)
    values = [money(r[SORT_FIELDS[key]]) for r in rows]
    known = [v for v, r in zip(values, rows, strict=True) if v is not None and r["comparable"]]
    assert known and len(known) < len(values), "the fixture gives known and unknown values"
    assert values[: len(known)] == known, f"a {key} not ranked sorted before a ranked one: {values}"
    assert known == sorted(known)
    assert all(
        v is None or not r["comparable"]
        for v, r in zip(values[len(known) :], rows[len(known) :], strict=True)
    )
    assert set(ids(rows)) == set(ids(rows_of(cli, *extra)))  # sorting neither adds nor drops rows


def test_sort_by_total_puts_the_cheapest_10_session_course_first(cli):
    assert ids(rows_of(cli, "--sessions", "10", "--sort", "total")) == [
        "cedar",
        "alder",
        "birch",
        "fern",
        "dune",  # not sessions: unranked, with the unknowns
        "elm",
        "gale",
    ]


def test_sort_by_name_is_the_default(cli):
    by_name = rows_of(cli, "--state", "TX", "--sort", "name")
    names = [r["name"] for r in by_name]
    assert names == sorted(names, key=str.casefold)
    assert ids(rows_of(cli, "--state", "TX")) == ids(by_name)


def test_table_rows_follow_the_sort(cli):
    rows = rows_of(cli, "--sessions", "10", "--sort", "total")
    out = table_part(cli("compare", "--sessions", "10", "--sort", "total", env={"COLUMNS": "120"}).stdout)
    positions = [out.index(r["name"] + " ") for r in rows]
    assert positions == sorted(positions)


@pytest.mark.parametrize("bad", ["price", "Totals", "", "cheapest"])  # case is ignored: Total is total
def test_bad_sort_key_is_a_usage_error(cli, bad):
    assert "per-session" in assert_one_error_line(cli("compare", "--sort", bad), 2)  # says what is allowed


def test_a_sort_key_is_read_in_any_case(cli):
    shouted = cli("compare", "--sessions", "10", "--sort", "TOTAL", "--format", "json")
    assert shouted.exit_code == 0, shouted.stderr
    assert shouted.stdout == cli("compare", "--sessions", "10", "--sort", "total", "--format", "json").stdout


# --------------------------------------------------------------- filters


def test_no_sitter_keeps_only_dune(cli):
    assert ids(rows_of(cli, "--no-sitter")) == ["dune"]
    assert ids(rows_of(cli, "--no-sitter", "--state", "TX")) == ["dune"]
    assert "6 hidden (sitter required or not published" in flat(cli("compare", "--no-sitter").stdout)


def test_insurance_in_texas_keeps_birch(cli):
    assert ids(rows_of(cli, "--insurance", "--state", "TX")) == ["birch"]
    assert ids(rows_of(cli, "--insurance", "--state", "TX", "--insurer", "aetna")) == ["birch"]
    assert ids(rows_of(cli, "--insurance")) == ["birch"]


def test_insurance_in_idaho_keeps_nothing(cli):
    # birch serves Idaho but accepts no insurer there
    assert rows_of(cli, "--insurance", "--state", "ID") == []
    result = cli("compare", "--insurance", "--state", "ID")
    assert result.exit_code == 0, result.stderr
    out = flat(result.stdout)
    assert "no provider matches" in out
    assert "no insurance accepted in ID" in out
    assert len(cli("compare", "--insurance", "--state", "ID", "--format", "csv").stdout.splitlines()) == 1


def test_insurer_not_accepted_in_the_state_keeps_nothing(cli):
    assert rows_of(cli, "--insurance", "--state", "NY", "--insurer", "Aetna") == []  # birch: Cigna only in NY


def test_an_insurer_no_provider_lists_is_refused_naming_those_accepted(cli):
    result = cli(
        "compare", "--insurance", "--state", "TX", "--insurer", "Kaiser Permanente", "--format", "json"
    )
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--insurer 'Kaiser Permanente' is not a known insurer" in result.stderr
    assert "insurers accepted in TX: Aetna" in result.stderr


@pytest.mark.parametrize("amount", ["350", "359.99", "$1,000", "120", "0"])
@pytest.mark.parametrize("extra", [[], ["--state", "TX"], ["--sessions", "10"]])
def test_max_due_at_signup(cli, amount, extra):
    limit = Decimal(amount.replace("$", "").replace(",", ""))
    expected = [
        r["provider"]
        for r in rows_of(cli, *extra)
        if r["due_at_signup"] is not None and money(r["due_at_signup"]) <= limit
    ]
    assert ids(rows_of(cli, *extra, "--max-due-at-signup", amount)) == expected


def test_max_due_at_signup_350_keeps_some_and_names_the_others(cli):
    # first payments: alder $360, birch $350, cedar $300, dune $120, fern $350 + its $350
    # consultation; elm and gale unknown
    assert ids(rows_of(cli, "--max-due-at-signup", "350")) == ["birch", "cedar", "dune"]
    out = flat(cli("compare", "--max-due-at-signup", "350").stdout)
    assert "4 hidden (due at sign-up above $350.00 or not published: alder, elm, fern, gale)" in out


def test_bad_max_due_at_signup_is_a_usage_error(cli):
    assert_one_error_line(cli("compare", "--max-due-at-signup", "lots"), 2)


# --------------------------------------------------------------- formats


@pytest.mark.parametrize("fmt", ["json", "ndjson", "csv", "tsv"])
def test_every_machine_format_has_the_same_rows(cli, fmt):
    reference = rows_of(cli, "--state", "TX", "--sessions", "10")
    result = cli("compare", "--state", "TX", "--sessions", "10", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    rows = parse_output(fmt, result.stdout)
    assert ids(rows) == ids(reference)
    for row, ref in zip(rows, reference, strict=True):
        assert row["availability"] == ref["availability"]
        for key in ("total", "per_session", "due_at_signup"):
            assert row[key] == (ref[key] if fmt in ("json", "ndjson") else ref[key] or "")


def test_table_format_lists_the_same_providers(cli):
    out = cli("compare", "--state", "TX", "--format", "table", env={"COLUMNS": "120"}).stdout
    for r in rows_of(cli, "--state", "TX"):
        assert r["name"] in out
    assert "Gale MD" not in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_forced_colour_reaches_tables_only(cli, fmt):
    """FORCE_COLOR is Rich's to honour: a table is coloured; data formats never are."""
    for extra in ([], ["--state", "TX", "--sessions", "10"], ["--state", "ID", "--insurance"]):
        result = cli(
            "compare",
            *extra,
            "--format",
            fmt,
            env={"NO_COLOR": None, "FORCE_COLOR": "1", "TERM": "xterm-256color"},
        )
        assert result.exit_code == 0, result.stderr
        assert bool(ANSI.search(result.stdout)) == (fmt == "table"), (fmt, extra)


def test_unknown_values_print_as_a_dash(cli):
    out = cli("compare", "--state", "TX", env={"COLUMNS": "120"}).stdout
    elm = next(line for line in out.splitlines() if line.startswith("Elm Wellness"))
    assert "—" in elm
    assert "— = not published" in flat(out)
    assert "$0.00" not in out  # unknown is never shown as zero


def test_caption_gives_data_dates_and_disclaimer(cli):
    rows = rows_of(cli, "--state", "TX")
    dates = sorted(r["data_as_of"] for r in rows if r["data_as_of"])
    out = flat(cli("compare", "--state", "TX").stdout)
    assert f"Data as of {dates[0]} to {dates[-1]}" in out
    # the real dates of the prices used, never today's date posing as one
    oldest = min(r["oldest_price"] for r in rows if r["oldest_price"])
    newest = max(r["prices_as_of"] for r in rows if r["prices_as_of"])
    assert f"Prices used dated {oldest} to {newest}" in out
    # (the headline may name today as the start of the course the rules are checked on)
    table = flat(cli("compare", "--state", "TX").stdout.split("\n\n", 1)[1])
    assert "2026-11-21" not in re.split("stale (?:list|prices):", table)[0]
    assert "not medical advice" in out


def test_a_total_carries_the_data_files_notes_on_it_as_cost_does(cli):
    """Fern's own note on its costs is said beside its total, as ``cost`` says it; a table
    of plans, with no total, leaves it to ``cost``."""
    note = "Fern Health: Medication is billed separately by the pharmacy (fern-site-2026-05, 2026-05-01)"
    priced = flat(cli("compare", "--state", "TX", "--sessions", "10").stdout)
    assert note in priced
    assert "Medication is billed separately by the pharmacy" in flat(cli("cost", "fern", "-n", "10").stderr)
    assert "Medication is billed separately" not in flat(cli("compare", "--state", "TX").stdout)


def test_csv_carries_the_caveats_json_gives(cli):
    """The CSV lost the notes on each total (unpublished terms, the pace assumed), how the
    consultation is paid (first payment charged before it) and an old list's mark; it carries
    them as the JSON does."""
    args = ("compare", "--state", "TX", "--sessions", "10")
    table = {r["provider"]: r for r in parse_output("csv", cli(*args, "--format", "csv").stdout)}
    for record in rows_of(cli, *args[1:]):
        row = table[record["provider"]]
        assert row["consult_prepayment"] == (record["consult_prepayment"] or "")
        assert row["availability_old_list"] == str(record["availability_old_list"]).lower()
        for note in record["notes"]:
            assert note in row["notes"]
    assert any(r["notes"] for r in table.values())
    assert "first-installment" in {r["consult_prepayment"] for r in table.values()}


def test_a_state_list_older_than_max_age_is_marked_stale_as_a_price_is(cli, catalog):
    """Alder's Texas listing rests on a list of 2025-06-13, 17 months before today: prices
    that old are marked stale, the list was shown with its date only. Fern's of 2026-05-01 is
    not; an undated list (Dune's) is never called stale; --max-age moves the line."""
    from ketacalc.domain.compare import CompareQuery, compare
    from ketacalc.output.views.compare import CompareReport

    def cell(**query):
        result = compare(catalog, CompareQuery(state="TX", **query), today=TODAY)
        view = CompareReport(catalog, result).table()
        cells = {r.provider.id: flat(row[1]) for r, row in zip(result.rows, view.rows, strict=True)}
        return cells, flat(view.caption)

    cells, caption = cell()
    assert cells["alder"].endswith("2025-06-13 stale list")
    assert "stale list" not in cells["fern"] and "stale list" not in cells["dune"]
    assert "stale list: the state list is more than 365 days older than 2026-11-21" in caption
    cells, caption = cell(max_age=1000)
    assert "stale list" not in " ".join(cells.values()) and "stale list" not in caption


# --------------------------------------------------------------- 80 columns


TABLE_CASES = [
    [],
    ["--state", "TX"],
    ["--state", "TX", "--sessions", "10"],
    ["--state", "NY", "--include-unavailable"],
    ["--sessions", "6", "--returning"],
    ["--state", "TX", "--sessions", "10000", "--returning"],
    ["--state", "CA", "--sessions", "24", "--insurer", "Aetna"],
    ["--state", "ID", "--insurance"],
]


@pytest.mark.parametrize("args", TABLE_CASES, ids=lambda a: " ".join(a) or "no-options")
def test_table_fits_80_columns_and_never_splits_money(cli, args):
    result = cli("compare", *args, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    lines = text.splitlines()
    assert [line for line in lines if len(line) > 80] == []
    assert "…" not in text
    # every "$" starts a whole amount on one line: no "$2," + "970.00" split
    for line in lines:
        for start in [m.start() for m in re.finditer(r"\$", line)]:
            assert MONEY_SHOWN.match(line, start), f"money split or cut: {line!r}"
    # every amount the JSON gives is printed whole
    for r in rows_of(cli, *args):
        for key in ("total", "due_at_signup") if "--sessions" in args else ("total",):
            if r[key] is not None:
                assert shown(r[key]) in text, (r["provider"], key, shown(r[key]))
        if "--sessions" in args and r["per_session"] is not None:
            assert f"{shown(r['per_session'])} each" in text
        if "--sessions" not in args:
            for plan in r["plans"]:
                assert shown(plan["price"]) in text


def test_wider_terminal_uses_fewer_lines(cli):
    def lines(columns: str) -> int:
        return len(cli("compare", "--state", "TX", env={"COLUMNS": columns}).stdout.splitlines())

    assert lines("120") < lines("80")


# --------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("args", "mentions"),
    [
        (["--state", "Texsa"], "TX (Texas)"),
        (["--state", "XX"], "XX"),
        (["--sort", "price"], "price"),
        (["--insurer", "Aetna"], "--state"),
        (["--insurer", "Aetna", "--sessions", "10"], "--state"),
        (["--as-of", "2026-13-01"], "2026-13-01"),
        (["--as-of", "yesterday"], "yesterday"),
        (["--max-due-at-signup", "-5"], "-5"),
        (["--sessions", "0"], "--sessions"),
        (["--sessions", "abc"], "--sessions"),
        (["--state"], "--state"),
        (["--bogus"], "--bogus"),
    ],
)
def test_bad_input_exits_2_with_one_error_line(cli, args, mentions):
    assert mentions in assert_one_error_line(cli("compare", *args), 2)


# --------------------------------------------------------------- the core function


def test_compare_rejects_an_unknown_sort_key(catalog):
    with pytest.raises(ValueError, match="unknown sort key 'price'"):
        compare(catalog, CompareQuery(sort="price"), today=TODAY)


def test_compare_route_filter_agrees_with_the_cost_engine(catalog):
    """Alder prices its returning plans by route: a returning client asking for tablets
    sees only the tablet plans, and a route Alder does not list gets no price at all
    (never another route's plans), in compare as in the cost engine."""
    tablets = compare(catalog, CompareQuery(returning=True, route="tablet"), today=TODAY)
    [row] = [r for r in tablets.rows if r.provider.id == "alder"]
    assert [p.plan.id for p in row.plans] == ["returning-4-tablet", "returning-10-tablet"]
    unknown = compare(catalog, CompareQuery(returning=True, route="nasal-spray", sessions=6), today=TODAY)
    assert (
        "alder" in unknown.hidden[Note(Kind.LEFT_OUT_NO_ROUTE, route="nasal-spray")]
    )  # excluded, with the reason
    assert "alder" not in {r.provider.id for r in unknown.rows}
    # a provider whose routes are not all known words, or unpublished, keeps its plans for any route
    [elm] = [r for r in unknown.rows if r.provider.id == "elm"]
    assert elm.cost.total is None


def test_compare_returning_without_returning_plans_shows_new_client_prices():
    catalog = catalog_of(
        provider_data(
            plans=[
                plan_data("intro", 4, "new", "400", installments={"count": 2, "amount": "200"}),
                plan_data("course", 8, "new", "720"),
            ]
        )
    )
    [row] = compare(catalog, CompareQuery(returning=True), today=TODAY).rows
    assert [p.plan.id for p in row.plans] == ["intro", "course"]
    # no course: no total; the course plan has no published terms, so only intro's $200 is known
    assert (row.total, row.per_session, row.due_at_signup) == (None, None, D("200.00"))


def test_compare_sort_by_due_at_signup_puts_unknowns_last():
    catalog = catalog_of(
        provider_data(
            "zed",
            "Zed",
            plans=[plan_data("one", 1, "any", "150")],
            payment_terms=[{"value": "at-purchase", "source": "site", "as_of": "2026-01-10"}],
        ),
        provider_data(
            "amy",
            "Amy",
            plans=[plan_data("six", 6, "any", "900", installments={"count": 3, "amount": "300"})],
        ),
        provider_data("bob", "Bob"),  # no plans: due at sign-up unknown
        provider_data(
            "cal", "Cal", plans=[plan_data("refill", 2, "returning", "50")]
        ),  # nothing for new clients
    )
    rows = compare(catalog, CompareQuery(sort="due-at-signup"), today=TODAY).rows
    assert [(r.provider.id, r.due_at_signup) for r in rows] == [
        ("zed", D("150.00")),
        ("amy", D("300.00")),
        ("bob", None),
        ("cal", None),
    ]


@pytest.mark.parametrize("key", ["total", "per-session", "due-at-signup", "total-low"])
def test_ranking_by_cost_without_a_course_is_a_usage_error_naming_both_options(cli, key):
    """Without a course, a month of troches, one visit and a 6-session package are unlike things."""
    line = assert_one_error_line(cli("compare", "--state", "TX", "--sort", key), 2)
    assert "--sessions" in line and "--months" in line


def test_sorting_by_name_needs_no_course(cli):
    assert cli("compare", "--sort", "name").exit_code == 0


@pytest.mark.parametrize(
    ("state", "why"),
    [
        ("NY", "Birch Clinic (Aetna not listed in NY, insurer list of 2025-06-13)"),
        ("ID", "Birch Clinic (no insurer listed in ID, insurer list of 2025-06-13)"),
    ],
)
def test_a_total_asked_for_with_an_insurer_but_priced_self_pay_says_so_and_why(cli, state, why):
    """compare --insurer showed Birch's self-pay total where it does not list the insurer with
    nothing in the table or its words to say so (only the JSON row's notes): read as the
    insured price. The answer in words names each total priced self-pay, and why."""
    args = ("compare", "--state", state, "-n", "6", "--insurer", "Aetna")
    head = " ".join(cli(*args).stdout.split("\n\n")[0].split())
    assert "Self-pay prices, not Aetna insurance:" in head, head
    assert why in head, head
    assert "Alder Health (accepts no insurance)" in head, head
    rows = {r["provider"]: r for r in cli(*args, "--format", "json").json()}
    assert rows["birch"]["total"] == "1050.00"  # the self-pay price the words explain
    texas = " ".join(cli("compare", "--state", "TX", "-n", "6", "--insurer", "Aetna").stdout.split())
    assert "Birch Clinic (" not in texas  # insured in Texas: not among the self-pay totals
    assert "Self-pay prices, not Aetna insurance:" in texas  # Alder still is
