"""Smaller refusals of issue 17: a route the provider does not offer, and a
schedule of months that runs past 9999 named in months."""

from __future__ import annotations

import json

from conftest import assert_one_error_line


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


def test_months_past_9999_say_months(cli):
    """The ``--months 120`` error said "120 sessions"."""
    for args in (["cost", "alder", "--months", "120"], ["compare", "--months", "120"]):
        line = assert_one_error_line(cli(*args, "--start", "9999-01-01"), 2)
        assert line == (
            "Error: the payment schedule for 120 months runs past the year 9999 — use an earlier --start or "
            "fewer months"
        ), line
