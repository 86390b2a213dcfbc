"""Smaller refusals of issue 17: a route the provider does not offer, and a
schedule of months that runs past 9999 named in months."""

from __future__ import annotations

import json

import pytest

from conftest import FIXTURE, TODAY, assert_one_error_line, fixture_with


def test_cost_refuses_a_route_the_provider_does_not_offer(cli):
    """Dune's plans are priced alike for every route, and its routes fact says
    troche: ``--route injection`` was priced as if it were offered."""
    line = assert_one_error_line(cli("cost", "dune", "--sessions", "6", "--route", "injection"), 1)
    assert line == (
        "Error: Dune Telehealth has no plan for route 'injection' — choose --route troche, or leave --route out"
    )


def test_cost_still_prices_a_route_the_provider_offers(cli):
    result = cli("cost", "dune", "--sessions", "6", "--route", "lozenge", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["total"] is not None


def test_compare_leaves_out_a_provider_without_the_route_with_a_note(cli):
    result = cli("compare", "--route", "injection", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "dune" not in [row["provider"] for row in result.json()]
    table = cli("compare", "--route", "injection")
    assert "no injection route:" in " ".join(table.stdout.split())
    assert "dune" in " ".join(table.stdout.split()).split("no injection route:")[1]


def test_batch_refuses_the_route_on_its_line(cli):
    result = cli("batch", input='{"provider": "dune", "sessions": 6, "route": "injection"}\n')
    assert json.loads(result.stdout)["error"].startswith("Dune Telehealth has no plan for route 'injection'")
    assert result.exit_code == 1


def test_oral_names_tablets_and_troches():
    from ketacalc.vocab import route_ids

    assert route_ids("oral") == ("tablet", "troche")
    assert route_ids("lozenge") == ("troche",)
    assert route_ids("telepathy") is None
    # a qualifier in brackets hid the route (compare --route injection kept "oral (low-dose)")
    assert route_ids("oral (low-dose)") == ("tablet", "troche")
    assert route_ids("tablet (RDT)") == ("tablet",)
    assert route_ids("(low-dose)") is None


def test_a_route_named_with_a_qualifier_is_filtered_by_route(cli, tmp_path):
    """TripSitter's routes read "oral (low-dose)": compare --route injection kept it, as if it
    might inject, while Better U ("oral") was left out."""
    anchor = "    name: Elm Wellness\n"
    data = fixture_with(
        tmp_path,
        anchor,
        anchor + "    routes:\n      - {value: [oral (low-dose)], source: press-undated}\n",
    )

    def listed(route: str) -> set[str]:
        rows = cli("--data", str(data), "compare", "--route", route, "--format", "json").json()
        return {r["provider"] for r in rows}

    assert "elm" not in listed("injection")
    assert "elm" in listed("troche")


def test_months_past_9999_say_months(cli):
    """The ``--months 120`` error said "120 sessions"."""
    # compare names whose schedule it is: many are priced
    for args, whose in (
        (["cost", "alder", "--months", "120"], "the"),
        (["compare", "--months", "120"], "Alder Health's"),
    ):
        line = assert_one_error_line(cli(*args, "--start", "9999-01-01"), 2)
        assert line == (
            f"Error: {whose} payment schedule for 120 months runs past the year 9999 — use an earlier --start or "
            "fewer months"
        ), line


# --------------------------------------------------------------- an as-of day after today

AS_OF_COMMANDS = [
    (["cost", "alder", "--sessions", "6"], True),
    (["compare", "--state", "TX"], True),
    (["chart", "--state", "TX", "--sessions", "1-3"], True),
    (["report", "--state", "TX", "--output", "-"], True),
    (["show", "alder"], False),
    (["providers"], False),
    (["states", "alder"], False),
    (["eligibility", "--state", "TX"], False),
]


@pytest.mark.parametrize(("args", "priced"), AS_OF_COMMANDS, ids=[a[0] for a, _ in AS_OF_COMMANDS])
def test_an_as_of_day_after_today_is_refused_never_answered_with_todays_figures(cli, args, priced):
    """The data holds what was observed up to today: an answer "as of" a later day would pass
    today's figures off as that day's (and call them months old). A later course has --start."""
    line = assert_one_error_line(cli(*args, "--as-of", "2026-11-22"), 2)
    assert line.startswith(
        "Error: --as-of 2026-11-22 is after today (2026-11-21): no figure is known from then — "
        "leave --as-of out to use the newest figures"
    )
    assert line.endswith(", or give --start to price a course that begins later") == priced
    assert cli(*args, "--as-of", "2026-11-21").exit_code == 0


def test_batch_refuses_a_later_as_of_day_on_its_line_and_the_library_raises(cli):
    import ketacalc
    from ketacalc.errors import InvalidInput

    result = cli("batch", input='{"provider": "alder", "sessions": 6, "as_of": "2027-01-01"}\n')
    assert json.loads(result.stdout)["error"].startswith("as_of 2027-01-01 is after today (2026-11-21)")
    assert result.exit_code == 1
    with pytest.raises(InvalidInput, match="after today"):
        ketacalc.cost("alder", sessions=6, as_of="2026-11-22", data=FIXTURE, today=TODAY)
    with pytest.raises(InvalidInput, match="after today"):
        ketacalc.availability("alder", "TX", as_of="2026-11-22", data=FIXTURE, today=TODAY)
