"""Availability of a provider in a state: available, unavailable or unknown, each
answer carrying its list's source, date and trust tier; and the ``states`` and
``eligibility`` commands in every format, on the fixture data.

In the fixture, birch's complete list of 4 states (CA, ID, NY, TX; 2025-06-13, tier C)
was contradicted by a count of "10+" on 2026-05-05; fern's own complete lists (tier A)
dropped NY on 2026-05-01; gale's undated complete list names only FL.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from conftest import ANSI, FIXTURE_IDS, catalog_of, flat, parse_output, provider_data
from ketacalc.domain.eligibility import (
    AVAILABLE,
    UNAVAILABLE,
    UNKNOWN,
    all_states,
    availability,
    insurers_in,
    newest_complete_list,
    summary,
)
from ketacalc.output.notes import sentence
from ketacalc.usstates import STATES

FORMATS = ["table", "json", "ndjson", "csv", "tsv"]

# --------------------------------------------------------------- small data files: one provider, acme


def listing(
    source: str,
    as_of: str | None = None,
    codes: tuple[str, ...] = (),
    *,
    complete: bool = False,
    count: int | None = None,
    minimum: bool = False,
) -> dict[str, Any]:
    """One ``states`` observation, as written in providers.yaml (sources: site A, press B, review C)."""
    obs: dict[str, Any] = {"source": source, "codes": list(codes), "complete": complete}
    if as_of is not None:
        obs["as_of"] = as_of
    if count is not None:
        obs["count"] = count
        obs["count_is_minimum"] = minimum
    return obs


def make_catalog(*states: dict[str, Any], in_clinic: tuple[dict[str, Any], ...] = ()):
    """A catalog with one provider, ``acme``, with the given state observations."""
    return catalog_of(provider_data(states=list(states), in_clinic=list(in_clinic)))


def check(cat, state: str, as_of: date | None = None):
    return availability(cat, cat.providers[0], state, as_of)


D = date.fromisoformat


# --------------------------------------------------------------- synthetic: the three answers


def test_on_a_partial_list_is_available_with_its_source_date_and_tier():
    cat = make_catalog(listing("review", "2025-06-13", ("TX", "CA")))
    a = check(cat, "TX")
    assert a.status == AVAILABLE
    assert (a.source, a.as_of, a.tier) == ("review", D("2025-06-13"), "C")
    assert a.official is False
    assert "partial" in sentence(a.reason)


def test_on_a_complete_first_party_list_is_available_and_official():
    cat = make_catalog(listing("site", "2026-01-10", ("TX", "CA"), complete=True, count=2))
    a = check(cat, "CA")
    assert a.status == AVAILABLE
    assert (a.source, a.as_of, a.tier, a.official) == ("site", D("2026-01-10"), "A", True)


def test_left_off_a_complete_list_is_unavailable_citing_that_list():
    cat = make_catalog(listing("site", "2026-01-10", ("TX", "CA"), complete=True, count=2))
    a = check(cat, "NY")
    assert a.status == UNAVAILABLE
    assert (a.source, a.as_of, a.tier) == ("site", D("2026-01-10"), "A")
    assert "2 states" in sentence(a.reason)


def test_left_off_a_partial_list_is_unknown_not_unavailable():
    cat = make_catalog(listing("press", "2025-03-01", ("TX", "CA"), count=30))
    a = check(cat, "NY")
    assert a.status == UNKNOWN
    assert (a.source, a.tier) == ("press", "B")
    assert a.official is False


def test_a_count_without_a_list_leaves_every_state_unknown():
    cat = make_catalog(listing("review", "2025-03-01", count=35))
    results = {check(cat, code).status for code in STATES}
    assert results == {UNKNOWN}
    a = check(cat, "TX")
    assert (a.source, a.as_of, a.tier) == ("review", D("2025-03-01"), "C")
    assert "count" in sentence(a.reason)


def test_no_observation_at_all_is_unknown_with_no_source():
    a = check(make_catalog(), "TX")
    assert a.status == UNKNOWN
    assert (a.source, a.as_of, a.tier, a.official) == (None, None, None, None)


# --------------------------------------------------------------- synthetic: newer counts


def test_a_newer_larger_count_means_the_complete_list_is_no_longer_complete():
    cat = make_catalog(
        listing("review", "2025-06-13", ("TX", "CA", "NY"), complete=True, count=3),
        listing("review", "2026-05-05", count=34, minimum=True),
    )
    missing = check(cat, "OK")
    assert missing.status == UNKNOWN  # not "unavailable": the list has grown since
    assert missing.as_of == D("2026-05-05")
    listed = check(cat, "TX")
    assert listed.status == AVAILABLE
    assert listed.as_of == D("2025-06-13")
    assert newest_complete_list(cat.providers[0]) is None


def test_a_newer_exact_count_that_differs_also_invalidates_the_list():
    cat = make_catalog(
        listing("site", "2025-06-13", ("TX", "CA"), complete=True, count=2),
        listing("press", "2026-01-01", count=5),
    )
    assert check(cat, "NY").status == UNKNOWN


def test_a_newer_count_that_agrees_keeps_the_list_complete():
    cat = make_catalog(
        listing("site", "2025-06-13", ("TX", "CA"), complete=True, count=2),
        listing("press", "2026-01-01", count=2),
    )
    a = check(cat, "NY")
    assert a.status == UNAVAILABLE
    assert a.source == "site"


def test_an_older_count_does_not_contradict_a_newer_complete_list():
    cat = make_catalog(
        listing("press", "2024-01-01", count=40),
        listing("site", "2025-06-13", ("TX", "CA"), complete=True, count=2),
    )
    assert check(cat, "NY").status == UNAVAILABLE


def test_as_of_before_the_contradicting_count_restores_unavailable():
    cat = make_catalog(
        listing("review", "2025-06-13", ("TX", "CA"), complete=True, count=2),
        listing("review", "2026-05-05", count=34, minimum=True),
    )
    assert check(cat, "NY", D("2025-07-01")).status == UNAVAILABLE
    assert check(cat, "NY", D("2026-05-05")).status == UNKNOWN
    assert newest_complete_list(cat.providers[0], D("2025-07-01")).as_of == D("2025-06-13")


# --------------------------------------------------------------- synthetic: as_of and list history


def ny_dropped_later(*extra: dict[str, Any]):
    return make_catalog(
        listing("site", "2026-04-02", ("CA", "TX", "NY"), complete=True, count=3),
        listing("site", "2026-05-01", ("CA", "TX"), complete=True, count=2),
        *extra,
    )


def test_a_state_dropped_from_the_newest_complete_list_is_unavailable():
    a = check(ny_dropped_later(), "NY")
    assert a.status == UNAVAILABLE
    assert a.as_of == D("2026-05-01")


def test_as_of_selects_the_older_list():
    cat = ny_dropped_later()
    a = check(cat, "NY", D("2026-04-15"))
    assert a.status == AVAILABLE
    assert a.as_of == D("2026-04-02")
    assert check(cat, "NY", D("2026-05-01")).status == UNAVAILABLE


def test_as_of_before_any_list_is_unknown():
    cat = ny_dropped_later()
    for code in ("NY", "TX", "WY"):
        assert check(cat, code, D("2026-01-01")).status == UNKNOWN


def test_a_newer_partial_list_adds_a_state_to_an_older_complete_list():
    cat = make_catalog(
        listing("site", "2025-01-01", ("CA", "TX"), complete=True, count=2),
        listing("review", "2026-08-14", ("NY",)),
    )
    a = check(cat, "NY")
    assert a.status == AVAILABLE
    assert (a.source, a.as_of) == ("review", D("2026-08-14"))
    assert check(cat, "NY", D("2026-01-01")).status == UNAVAILABLE
    assert check(cat, "WA").status == UNAVAILABLE  # a partial list adds states, it does not invalidate


def test_an_older_partial_list_does_not_override_a_newer_complete_list():
    cat = make_catalog(
        listing("review", "2024-01-01", ("NY", "TX")),
        listing("site", "2025-01-01", ("CA", "TX"), complete=True, count=2),
    )
    assert check(cat, "NY").status == UNAVAILABLE
    a = check(cat, "TX")
    assert a.status == AVAILABLE
    assert a.source == "site"  # the newest list that names it


@pytest.mark.parametrize(
    "history",
    [
        pytest.param(
            [
                listing("site", "2026-04-02", ("CA", "TX", "NY"), complete=True, count=3),
                listing("site", "2026-05-01", ("CA", "TX"), complete=True, count=2),
                listing("review", "2026-06-01", count=10, minimum=True),
            ],
            id="dropped-from-newer-complete-list-then-count-grows",
        ),
        pytest.param(
            [
                listing("review", "2025-01-01", ("NY",)),
                listing("site", "2025-06-01", ("CA", "TX"), complete=True, count=2),
                listing("review", "2026-06-01", count=10),
            ],
            id="on-old-partial-list-left-off-newer-complete-list-then-count-grows",
        ),
    ],
)
def test_a_newer_count_does_not_revive_a_state_a_newer_list_dropped(history):
    # NY was left off the newest complete list. A later count says the list has
    # changed, so NY may or may not be served again: that is unknown, not
    # "available" on the strength of a list that the newer list superseded.
    a = check(make_catalog(*history), "NY")
    assert a.status == UNKNOWN, (a.status, a.reason, a.source, a.as_of)


# --------------------------------------------------------------- synthetic: undated observations


def test_an_undated_complete_list_excludes_other_states():
    cat = make_catalog(listing("site", None, ("FL",), complete=True, count=1))
    assert check(cat, "FL").status == AVAILABLE
    a = check(cat, "TX")
    assert a.status == UNAVAILABLE
    assert (a.source, a.as_of, a.tier) == ("site", None, "A")


def test_undated_observations_count_whatever_the_as_of():
    cat = make_catalog(listing("site", None, ("FL",), complete=True, count=1))
    assert check(cat, "FL", D("2000-01-01")).status == AVAILABLE
    assert check(cat, "TX", D("2000-01-01")).status == UNAVAILABLE


def test_an_undated_list_is_older_than_any_dated_one():
    cat = make_catalog(
        listing("review", None, ("NY", "TX")),
        listing("site", "2025-01-01", ("CA", "TX"), complete=True, count=2),
    )
    assert check(cat, "NY").status == UNAVAILABLE
    assert check(cat, "TX").source == "site"


def test_a_dated_count_invalidates_an_undated_complete_list():
    cat = make_catalog(
        listing("site", None, ("FL",), complete=True, count=1),
        listing("press", "2026-06-01", count=5),
    )
    assert check(cat, "TX").status == UNKNOWN
    assert check(cat, "TX", D("2026-01-01")).status == UNAVAILABLE
    assert check(cat, "FL").status == AVAILABLE


def test_an_undated_count_does_not_invalidate_a_dated_complete_list():
    cat = make_catalog(
        listing("site", "2025-06-01", ("FL",), complete=True, count=1),
        listing("press", None, count=5),
    )
    assert check(cat, "TX").status == UNAVAILABLE


# --------------------------------------------------------------- synthetic: in-clinic


def test_in_clinic_option_is_attached_whatever_the_at_home_status():
    clinic = {
        "source": "site",
        "as_of": "2026-02-01",
        "states": ["NY", "CA"],
        "services": "Infusions in our clinic",
    }
    cat = make_catalog(
        listing("site", "2026-01-01", ("TX", "CA"), complete=True, count=2), in_clinic=(clinic,)
    )
    ny = check(cat, "NY")
    assert ny.status == UNAVAILABLE  # no at-home care there...
    assert ny.in_clinic is not None and ny.in_clinic.services == "Infusions in our clinic"  # ...but a clinic
    assert check(cat, "CA").in_clinic is not None
    assert check(cat, "TX").in_clinic is None
    assert check(cat, "NY", D("2026-01-15")).in_clinic is None  # the clinic was not known yet


def test_all_states_answers_each_of_the_51_once():
    cat = ny_dropped_later()
    answers = all_states(cat, cat.providers[0])
    assert [a.state for a in answers] == list(STATES)
    assert sum(a.status == AVAILABLE for a in answers) == 2
    assert sum(a.status == UNAVAILABLE for a in answers) == 49


# --------------------------------------------------------------- the fixture data


def test_birch_texas_is_available_on_an_unofficial_complete_list(catalog):
    a = availability(catalog, catalog.find("birch"), "TX")
    assert a.status == AVAILABLE
    assert (a.source, a.as_of, a.tier, a.official) == ("review-2025", D("2025-06-13"), "C", False)


def test_birch_unlisted_state_is_unknown_today_but_unavailable_before_the_newer_count(catalog):
    birch = catalog.find("birch")
    today = availability(catalog, birch, "AL")
    assert today.status == UNKNOWN
    assert today.source == "compare-2026"  # "10+ states" on 2026-05-05
    before = availability(catalog, birch, "AL", D("2025-07-01"))
    assert before.status == UNAVAILABLE
    assert (before.source, before.as_of) == ("review-2025", D("2025-06-13"))


def test_birch_has_4_states_and_no_unavailable_state_today(catalog):
    birch = catalog.find("birch")
    statuses = [a.status for a in all_states(catalog, birch)]
    assert (statuses.count(AVAILABLE), statuses.count(UNAVAILABLE)) == (4, 0)
    older = [a.status for a in all_states(catalog, birch, D("2025-07-01"))]
    assert (older.count(AVAILABLE), older.count(UNAVAILABLE)) == (4, 47)


def test_fern_new_york_unavailable_today_available_in_mid_april_2026(catalog):
    fern = catalog.find("fern")
    now = availability(catalog, fern, "NY")
    assert now.status == UNAVAILABLE
    assert (now.source, now.as_of, now.tier, now.official) == (
        "fern-site-2026-05",
        D("2026-05-01"),
        "A",
        True,
    )
    then = availability(catalog, fern, "NY", D("2026-04-15"))
    assert then.status == AVAILABLE
    assert (then.source, then.as_of) == ("fern-site-2026-04", D("2026-04-02"))


def test_fern_serves_exactly_its_listed_states(catalog):
    fern = catalog.find("fern")
    assert {a.state for a in all_states(catalog, fern) if a.status == AVAILABLE} == {"CA", "TX"}


@pytest.mark.parametrize(
    ("pid", "state", "status"),
    [
        ("cedar", "TX", AVAILABLE),
        ("cedar", "NY", UNKNOWN),
        ("alder", "TX", AVAILABLE),
        ("alder", "NY", AVAILABLE),
        ("alder", "OK", UNKNOWN),
        ("dune", "TX", AVAILABLE),
        ("dune", "GA", UNKNOWN),
        ("gale", "FL", AVAILABLE),
        ("gale", "TX", UNAVAILABLE),
        ("elm", "TX", UNKNOWN),
    ],
)
def test_fixture_availability(catalog, pid, state, status):
    assert availability(catalog, catalog.find(pid), state).status == status


def test_alder_new_york_comes_from_its_2026_state_page(catalog):
    alder = catalog.find("alder")
    a = availability(catalog, alder, "NY")
    assert (a.source, a.as_of, a.tier) == ("alder-site", D("2026-08-14"), "A")
    assert availability(catalog, alder, "NY", D("2026-01-01")).status == UNKNOWN


def test_dune_list_is_an_undated_unofficial_note(catalog):
    a = availability(catalog, catalog.find("dune"), "TX")
    assert (a.source, a.as_of, a.tier, a.official) == ("dune-patient-note", None, "C", False)


def test_gale_undated_complete_list(catalog):
    a = availability(catalog, catalog.find("gale"), "TX")
    assert (a.status, a.source, a.as_of, a.tier) == (UNAVAILABLE, "gale-faq", None, "A")


@pytest.mark.parametrize(("pid", "state"), [("birch", "NY"), ("cedar", "FL")])
def test_in_clinic_options_are_shown(catalog, pid, state):
    assert availability(catalog, catalog.find(pid), state).in_clinic is not None


@pytest.mark.parametrize(("pid", "state"), [("cedar", "TX"), ("birch", "CA"), ("alder", "NY")])
def test_no_in_clinic_where_none_is_published(catalog, pid, state):
    assert availability(catalog, catalog.find(pid), state).in_clinic is None


def test_summary_counts_states(catalog):
    now = summary(catalog.find("birch"))
    assert (now.known, now.complete, now.count, now.count_is_minimum) == (4, False, 10, True)
    then = summary(catalog.find("birch"), D("2025-07-01"))
    assert (then.known, then.complete, then.count) == (4, True, 4)
    fern = summary(catalog.find("fern"))
    assert (fern.known, fern.complete, fern.count) == (2, True, 2)


def test_insurers_by_state(catalog):
    birch = catalog.find("birch")
    assert insurers_in(birch, "TX") == (
        "Aetna",
        "Cigna/Evernorth Behavioral Health",
        "UnitedHealthcare/Optum",
    )
    assert insurers_in(birch, "ID") == ()  # served, but no insurer accepted
    assert insurers_in(birch, "WY") == ()
    assert insurers_in(catalog.find("alder"), "TX") == ()  # no list, but says it accepts no insurance
    assert insurers_in(catalog.find("elm"), "TX") is None  # publishes nothing about insurance
    assert insurers_in(birch, "TX", D("2025-01-01")) is None  # before the list was published


# --------------------------------------------------------------- CLI: states


@pytest.mark.parametrize("fmt", ["json", "ndjson", "csv", "tsv"])
def test_states_machine_formats_have_51_rows(cli, fmt):
    result = cli("states", "birch", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert not ANSI.search(result.stdout + result.stderr)
    rows = parse_output(fmt, result.stdout)
    assert [r["state"] for r in rows] == list(STATES)
    by_state = {r["state"]: r for r in rows}
    texas = by_state["TX"]
    assert (texas["availability"], texas["availability_source"], texas["availability_as_of"]) == (
        "available",
        "review-2025",
        "2025-06-13",
    )
    assert texas["availability_tier"] == "C"
    assert by_state["AL"]["availability"] == "unknown"
    assert by_state["DC"]["state_name"] == "District of Columbia"
    assert by_state["NY"]["in_clinic"]  # the New York office


def test_states_json_carries_official_flag_and_in_clinic(cli):
    fern = {r["state"]: r for r in cli("states", "fern", "--format", "json").json()}
    assert (fern["NY"]["availability"], fern["NY"]["availability_official"]) == ("unavailable", True)
    assert all(r["in_clinic"] is None for r in fern.values())
    cedar = {r["state"]: r for r in cli("states", "Cedar Care", "--format", "json").json()}
    assert {s for s, r in cedar.items() if r["in_clinic"]} == {"FL"}
    assert cedar["TX"]["availability_official"] is False


def test_states_as_of_changes_the_answer(cli):
    now = {r["state"]: r["availability"] for r in cli("states", "fern", "-f", "json").json()}
    then = {
        r["state"]: r["availability"]
        for r in cli("states", "fern", "-f", "json", "--as-of", "2026-04-15").json()
    }
    assert (now["NY"], then["NY"]) == ("unavailable", "available")
    old = [r["availability"] for r in cli("states", "birch", "-f", "json", "--as-of", "2025-07-01").json()]
    assert old.count("unavailable") == 51 - 4


def test_states_table_lists_all_51_with_counts_and_disclaimer(cli):
    result = cli("states", "birch")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    starts = [line.split("  ")[0].strip() for line in out.splitlines()]
    for code, name in STATES.items():
        assert f"{code} {name}" in starts, f"{code} {name} has no row"
    assert "4 available, 0 unavailable, 47 unknown" in flat(out)
    assert "not medical advice" in flat(out)
    assert "unofficial" in flat(out)  # a tier C list is marked as such


def test_states_table_of_first_party_lists_is_not_marked_unofficial(cli):
    out = cli("states", "fern").stdout
    assert "unofficial" not in out
    assert "tier A" in flat(out)


def test_states_table_fits_80_columns_without_splitting_dates_or_sources(cli):
    result = cli("states", "birch", env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in result.stdout
    tokens = {tok for line in lines for tok in re.split(r"[\s(),]+", line) if tok}
    # every date and every source id a user needs to look up appears whole on one line
    assert {"2025-06-13", "2026-05-05", "review-2025", "compare-2026"} <= tokens


def test_states_unknown_provider_is_one_error_line(cli):
    result = cli("states", "birc")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == ["Error: unknown provider 'birc' — did you mean birch?"]


# --------------------------------------------------------------- CLI: eligibility


@pytest.mark.parametrize("fmt", ["json", "ndjson", "csv", "tsv"])
def test_eligibility_texas_every_machine_format(cli, fmt):
    result = cli("eligibility", "--state", "texas", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert not ANSI.search(result.stdout + result.stderr)
    rows = parse_output(fmt, result.stdout)
    assert len(rows) == len(FIXTURE_IDS)
    assert {r["state"] for r in rows} == {"TX"}
    by_id = {r["provider"]: r for r in rows}
    assert {p for p, r in by_id.items() if r["availability"] == "available"} == {
        "alder",
        "birch",
        "cedar",
        "dune",
        "fern",
    }
    assert (by_id["elm"]["availability"], by_id["gale"]["availability"]) == ("unknown", "unavailable")
    insurers = by_id["birch"]["insurers"]
    if fmt in ("csv", "tsv"):
        insurers = insurers.split("; ")
        assert by_id["alder"]["insurers"] == ""
    else:  # alder says it accepts no insurance: none, with its source; elm publishes nothing
        assert (by_id["alder"]["insurers"], by_id["alder"]["insurance"]) == ([], False)
        assert by_id["alder"]["insurance_source"] == "review-2025"
        assert (by_id["elm"]["insurers"], by_id["elm"]["insurance"]) == (None, None)
    assert insurers == ["Aetna", "Cigna/Evernorth Behavioral Health", "UnitedHealthcare/Optum"]
    # available first, then unknown, then unavailable
    order = {"available": 0, "unknown": 1, "unavailable": 2}
    ranks = [order[r["availability"]] for r in rows]
    assert ranks == sorted(ranks)


def test_eligibility_table_texas_names_insurers_and_marks_unofficial(cli):
    result = cli("eligibility", "--state", "TX", env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Who serves TX (Texas)" in out
    for name in ("Aetna", "Cigna/Evernorth Behavioral Health", "UnitedHealthcare/Optum"):
        assert name in out
    for provider in (
        "Alder Health",
        "Birch Clinic",
        "Cedar Care",
        "Dune Telehealth",
        "Elm Wellness",
        "Fern Health",
        "Gale MD",
    ):
        assert provider in out
    assert "(2025-06-13, tier C, unofficial)" in flat(out)
    assert "(2026-05-01, tier A)" in flat(out)
    assert "not medical advice" in flat(out)


def test_eligibility_table_fits_80_columns(cli):
    result = cli("eligibility", "--state", "TX", env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    assert "…" not in result.stdout
    assert "UnitedHealthcare/Optum" in result.stdout and "2025-06-13" in result.stdout


def test_eligibility_idaho_birch_serves_but_accepts_no_insurer(cli):
    rows = {r["provider"]: r for r in cli("eligibility", "--state", "ID", "-f", "json").json()}
    assert (rows["birch"]["availability"], rows["birch"]["insurers"]) == ("available", [])
    table = cli("eligibility", "--state", "ID", env={"COLUMNS": "120"}).stdout
    line = next(line for line in table.splitlines() if line.startswith("Birch Clinic"))
    assert "none listed" in line


def test_eligibility_new_york_in_clinic_and_fern_unavailable(cli):
    rows = {r["provider"]: r for r in cli("eligibility", "--state", "New York", "-f", "json").json()}
    assert (rows["fern"]["availability"], rows["fern"]["availability_official"]) == ("unavailable", True)
    assert rows["birch"]["in_clinic"] and rows["alder"]["in_clinic"] is None
    assert rows["cedar"]["availability"] == "unknown"
    then = {
        r["provider"]: r for r in cli("eligibility", "-s", "NY", "-f", "json", "--as-of", "2026-04-15").json()
    }
    assert then["fern"]["availability"] == "available"


def test_eligibility_table_shows_in_clinic_services(cli):
    out = cli("eligibility", "--state", "NY", env={"COLUMNS": "200"}).stdout
    assert "In-person consultations and sessions at the New York office" in flat(out)


def test_eligibility_without_state_is_a_usage_error(cli):
    result = cli("eligibility")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("Error:")


@pytest.mark.parametrize("fmt", FORMATS)
def test_forced_colour_reaches_tables_only(cli, fmt):
    env = {"NO_COLOR": None, "FORCE_COLOR": "1", "TERM": "xterm-256color"}
    for args in (("states", "birch"), ("eligibility", "--state", "TX")):
        result = cli(*args, "--format", fmt, env=env)
        assert result.exit_code == 0, result.stderr
        assert bool(ANSI.search(result.stdout)) == (fmt == "table"), (fmt, args)


def test_the_eligibility_caption_dates_every_fact_its_table_shows():
    """The availability is from a 2025 list, the "no insurance" cell from 2026-08-14: the
    caption's span reaches the newest date the table cites, never stops short of it."""
    from ketacalc.domain.eligibility import serving
    from ketacalc.output.views.states import EligibilityReport

    provider = provider_data(
        states=[{"source": "site", "as_of": "2025-01-10", "codes": ["TX"], "complete": True}],
        insurance=[{"value": False, "source": "site", "as_of": "2026-08-14"}],
    )
    cat = catalog_of(provider)
    view = EligibilityReport("TX", serving(cat, "TX", date(2026, 11, 21))).table()
    assert view.caption.startswith("Data as of 2025-01-10 to 2026-08-14.")


def test_a_closed_provider_reads_closed_and_one_that_does_not_serve_carries_no_rule(catalog):
    """A rule on the course's dates ("in-person visit may be required") is for those who may
    treat: it was attached to a provider not serving the state and to a closed one, which read
    "unavailable" as if it might open there."""
    from ketacalc.output.notes import availability_label

    closed = catalog_of(provider_data(status=[{"value": "closed", "source": "press", "as_of": "2024-01-10"}]))
    assert availability_label(check(closed, "TX", D("2026-11-21"))) == "closed"
    by_id = {p.id: p for p in catalog.providers}
    gale = availability(catalog, by_id["gale"], "TX", D("2026-11-21"))  # its complete list: FL
    assert gale.status == UNAVAILABLE and gale.regulation == ()  # in the answer itself: every view alike
    assert availability_label(gale) == "unavailable"
    birch = availability(catalog, by_id["birch"], "TX", D("2026-11-21"))
    assert availability_label(birch).startswith("available — in-person visit may be required from 2027-01-01")


def test_a_state_list_older_than_a_year_is_marked_stale_in_eligibility_and_states_as_in_compare(cli):
    """compare marks a provider's Texas listing from an 18-month-old review as a "stale list";
    eligibility counted it among those serving Texas, and states listed it "available", with
    only its date to tell. Both mark it as compare does (the same providers)."""
    rows = cli("compare", "--state", "TX", "--format", "json").json()
    limit = "2025-11-21"  # 365 days before the fixture's today
    stale = {r["name"] for r in rows if r["availability_as_of"] and r["availability_as_of"] < limit}
    assert stale and len(stale) < len([r for r in rows if r["availability"] == "available"])
    first = cli("eligibility", "--state", "TX").stdout.splitlines()[0]
    for row in rows:
        if row["availability"] == "available":
            assert (f"{row['name']} (stale list)" in first) is (row["name"] in stale), first
    table = cli("eligibility", "--state", "TX").stdout
    assert "stale list: the state list is more than 365 days older than 2026-11-21" in " ".join(table.split())
    # the day asked decides: on the review's own day its list is fresh
    assert "stale list" not in cli("eligibility", "--state", "TX", "--as-of", "2025-06-13").stdout
    assert "stale list" in cli("states", "alder").stdout
    assert "stale list" not in cli("states", "fern").stdout
