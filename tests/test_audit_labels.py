"""The 2026-11 audit's findings that are data and labels (issue 15, items 7-10, 17, 18),
each pinned on fixture data (or a copy of it with one change, written here).

Shipped figures (Isha's $398 promo, Joyous's $129, Alabama, Journey Clinical...)
are pinned in ``test_shipped_data.py`` only.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from conftest import FIXTURE, jsonl
from ketacalc.data.catalog import Fact, Source
from ketacalc.domain.compare import is_opinion, own_word_first

CLOSED = """
  - id: shut
    name: Shut Clinics
    status:
      - {value: operating, source: review-2025, as_of: 2025-06-13}
      - {value: closed, source: compare-2026, as_of: 2026-05-05, note: "all clinics closed in April 2026."}
"""


def cell_text(markdown: str) -> str:
    """A Markdown table's cells as running text (a cell's lines are joined with "; " or "<br>")."""
    return markdown.replace("<br>", " ").replace("; ", " ")


def variant(tmp_path: Path, old: str = "", new: str = "", extra: str = "") -> str:
    """A copy of the fixture with ``old`` replaced by ``new`` and ``extra`` appended."""
    text = FIXTURE.read_text(encoding="utf-8")
    if old:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "providers.yaml"
    path.write_text(text.rstrip("\n") + "\n" + extra, encoding="utf-8")
    return str(path)


# --------------------------------------------------------------- item 18: closed providers


def test_cost_of_a_closed_provider_says_it_closed_and_when(cli, tmp_path):
    data = variant(tmp_path, extra=CLOSED)
    assert cli("--data", data, "check", data).exit_code == 0
    result = cli("--data", data, "cost", "shut", "-n", "6")
    assert result.exit_code == 1 and result.stdout == ""
    assert (
        "Shut Clinics has closed (compare-2026, 2026-05-05): all clinics closed in April 2026"
        in result.stderr
    )
    assert "unknown provider" not in result.stderr


def test_a_closed_provider_is_unavailable_everywhere_and_hidden_from_compare(cli, tmp_path):
    data = variant(tmp_path, extra=CLOSED)
    rows = cli("--data", data, "eligibility", "--state", "TX", "--format", "json").json()
    shut = next(r for r in rows if r["provider"] == "shut")
    assert shut["availability"] == "unavailable" and shut["availability_reason"].startswith("closed")
    assert shut["availability_source"] == "compare-2026"
    compared = cli("--data", data, "compare", "--include-unavailable")
    assert "hidden (closed: shut)" in " ".join(compared.stdout.split())


def test_states_of_a_closed_provider_opens_with_its_closing(cli, tmp_path):
    """Not "publishes no list of the states it serves": it serves none, and says since when."""
    data = variant(tmp_path, extra=CLOSED)
    head = " ".join(cli("--data", data, "states", "shut").stdout.split("\n\n")[0].split())
    assert head == "Shut Clinics is closed: all clinics closed in April 2026 (compare-2026, 2026-05-05)."


def test_a_provider_closed_after_the_as_of_date_was_open_then(cli, tmp_path):
    data = variant(tmp_path, extra=CLOSED)
    rows = cli(
        "--data", data, "eligibility", "--state", "TX", "--as-of", "2026-01-01", "--format", "json"
    ).json()
    shut = next(r for r in rows if r["provider"] == "shut")
    assert not shut["availability_reason"].startswith("closed")


# --------------------------------------------------------------- item 7: insurance unknown is not "no"


def test_compare_insurance_keeps_unknown_apart_from_no(cli):
    out = " ".join(cli("compare", "--state", "TX", "--insurance").stdout.split())
    assert "(insurance unknown: nothing published: elm" in out
    no = out.split("hidden (no insurance accepted in TX: ", 1)[1].split(")", 1)[0]
    assert "elm" not in no and "alder" in no


# --------------------------------------------------------------- item 8: insurers cite their own list


def test_eligibility_cites_the_insurer_list_it_shows(cli):
    rows = cli("eligibility", "--state", "TX", "--format", "json").json()
    birch = next(r for r in rows if r["provider"] == "birch")
    assert birch["insurers"] and (birch["insurers_source"], birch["insurers_as_of"]) == (
        "review-2025",
        "2025-06-13",
    )
    table = cli("eligibility", "--state", "TX", "--format", "markdown").stdout
    assert "UnitedHealthcare/Optum (review-2025, 2025-06-13)" in cell_text(table)


# --------------------------------------------------------------- item 9: ratings are opinions


def test_compare_labels_third_party_ratings_as_opinion(cli):
    rows = cli("compare", "--state", "TX", "--format", "json").json()
    dune = next(r for r in rows if r["provider"] == "dune")
    assert dune["trd_suitability"] == "limited" and dune["trd_suitability_is_opinion"] is True
    assert dune["trd_suitability_source"] == "compare-2026"
    table = " ".join(cli("compare", "--state", "TX", "--wide", env={"COLUMNS": "250"}).stdout.split())
    assert "TRD†: limited" in table and "TRD: limited" not in table
    assert "† a rating from compare-2026 (tier C, 2026-05-05): one site's opinion, not a fact" in table
    markdown = cli("compare", "--state", "TX", "--wide", "--format", "markdown").stdout
    assert "TRD†: limited" in markdown and "one site's opinion, not a fact" in markdown


def test_show_labels_third_party_ratings_as_opinion(cli):
    shown = cli("show", "dune").stdout
    assert "(opinion of a tier C site, not a fact)" in shown
    record = cli("show", "dune", "--format", "json").json()
    assert [f["opinion"] for f in record["trd_suitability"]] == [True]


def test_the_providers_own_word_comes_before_a_newer_opinion():
    sources = {"own": Source("own", "Own site", "A"), "guide": Source("guide", "A guide", "C")}
    own = Fact("own", "10-120 mg: its own range")
    guide = Fact("guide", "Low, capped", date(2026, 4, 30))
    assert own_word_first([own, guide], date(2026, 11, 21), sources) is own
    assert own_word_first([guide], date(2026, 11, 21), sources) is guide
    assert is_opinion(guide, sources) and not is_opinion(own, sources)


# --------------------------------------------------------------- item 10: promo and commitment labels


def test_a_promo_consultation_is_labelled_with_its_regular_price(cli, tmp_path):
    old = "amount: 350, source: fern-site-2026-05, as_of: 2026-05-01}"
    new = "amount: 350, regular: 700, price_kind: promo, source: fern-site-2026-05, as_of: 2026-05-01}"
    data = variant(tmp_path, old, new)
    assert cli("--data", data, "check", data).exit_code == 0
    rows = cli("--data", data, "compare", "--state", "TX", "--format", "json").json()
    fern = next(r for r in rows if r["provider"] == "fern")
    assert (fern["consult_fee"], fern["consult_fee_kind"], fern["consult_fee_regular"]) == (
        "350.00",
        "promo",
        "700.00",
    )
    table = cell_text(cli("--data", data, "compare", "--state", "TX", "--format", "markdown").stdout)
    assert "$350.00 included promo (regular $700.00)" in table  # the fee is in the sign-up figure
    cost = cli("--data", data, "cost", "fern", "-n", "2")
    assert "limited-time promo (regular $700.00; no end date given)" in " ".join(cost.stdout.split())
    # the answer's first lines say the total rests on it (only the table's charge line did)
    head = " ".join(cost.stdout.split("\n\n")[0].split())
    assert (
        "The total counts Initial consultation at a limited-time promo price (regular $700.00; no end date "
        "given; fern-site-2026-05, 2026-05-01): check it is still offered."
    ) in head, head
    plain = " ".join(cli("cost", "fern", "-n", "2").stdout.split("\n\n")[0].split())
    assert "promo" not in plain
    shown = cli("--data", data, "show", "fern", "--format", "json").json()
    assert [c["regular"] for c in shown["charges"] if c["price_kind"] == "promo"] == ["700.00"]
    assert "consult, limited-time promo (regular $700.00;" in cli("--data", data, "show", "fern").stdout
    report = cli("--data", data, "report", "--state", "TX").stdout
    assert "limited-time promo (regular $700.00; no end date given)" in report


def test_a_regular_price_is_only_for_a_promo_above_it(cli, tmp_path):
    old = "amount: 350, source: fern-site-2026-05, as_of: 2026-05-01}"
    data = variant(tmp_path, old, "amount: 350, regular: 700, source: fern-site-2026-05, as_of: 2026-05-01}")
    result = cli("check", data)
    assert result.exit_code == 1 and "'regular' is only for a promo" in result.stderr
    assert "Error: 1 problem in " in result.stderr and "fix it and run" in result.stderr  # singular


def test_a_monthly_price_that_needs_a_commitment_says_so(cli):
    rows = cli("compare", "--state", "TX", "--sessions", "6", "--format", "json").json()
    dune = next(r for r in rows if r["provider"] == "dune")
    assert dune["monthly_cost"] == "120.00" and dune["monthly_commitment_months"] == 3
    assert dune["monthly_cost_without_commitment"] == "150.00"
    table = cli("compare", "--state", "TX", "--sessions", "6", "--format", "markdown").stdout
    assert "$120.00/mo with a 3-month commitment (else $150.00/mo)" in cell_text(table)
    plans = cell_text(cli("compare", "--state", "TX", "--format", "markdown").stdout)
    assert "90: $360.00 ($120.00/mo, 3-month commitment)" in plans


# --------------------------------------------------------------- item 17: an old list warns where it is used


def test_an_old_list_is_marked_wherever_it_makes_a_provider_available(cli, tmp_path):
    old = "        codes: [AZ, CO, TX]\n"
    data = variant(tmp_path, old, old + "        old: true\n")
    rows = cli("--data", data, "eligibility", "--state", "TX", "--format", "json").json()
    dune = next(r for r in rows if r["provider"] == "dune")
    assert dune["availability"] == "available" and dune["availability_old_list"] is True
    assert "an old list" in dune["availability_reason"]
    table = " ".join(
        cli("--data", data, "eligibility", "--state", "TX", env={"COLUMNS": "250"}).stdout.split()
    )
    assert "available (old list)" in table
    assert "Dune Telehealth (old list)" in table.split("Who serves")[0]  # the headline says it too
    states = " ".join(cli("--data", data, "states", "dune", env={"COLUMNS": "250"}).stdout.split())
    assert states.startswith("Dune Telehealth is available in 3 states: AZ, CO, TX (all by an old list,")
    cost = cli("--data", data, "cost", "dune", "--months", "1", "--state", "TX")
    assert "warning: Dune Telehealth is available in TX only on an old list" in cost.stderr
    plain = cli("eligibility", "--state", "TX", "--format", "json").json()
    assert not next(r for r in plain if r["provider"] == "dune")["availability_old_list"]


def test_batch_answers_differ_by_state(cli):
    """Two scenarios that differ only in the state are two answers (the state is no longer
    dropped from the memo key when there is no insurer)."""
    out = cli(
        "batch",
        input=jsonl(
            {"provider": "alder", "sessions": 4, "state": "TX"},
            {"provider": "alder", "sessions": 4, "state": "AL"},
        ),
    ).stdout
    tx, al = (json.loads(line) for line in out.splitlines())
    assert tx["regulation"] == [] and [r["id"] for r in al["regulation"]] == ["al-in-person"]
