"""``ketacalc alternatives``: treatments given in person, listed with their sources, never
ranked against an at-home course and never recommended (fixture data; see its header:
an infusion with two dated ranges that disagree and an undated series price, a spray
with one figure of 2026-05-05)."""

from __future__ import annotations

import json

import pytest

from conftest import flat


def test_every_figure_comes_with_its_source_date_and_tier(cli):
    records = cli("alternatives", "--format", "json").json()
    assert [r["alternative"] for r in records] == ["infusion", "spray"]
    infusion = records[0]
    assert (infusion["name"], infusion["setting"], infusion["currency"]) == (
        "IV infusion",
        "in a clinic",
        "USD",
    )
    # both observations of one infusion stay, each with its date: a dispute is shown as one
    assert [
        (f["what"], f["low"], f["high"], f["source"], f["tier"], f["as_of"]) for f in infusion["figures"]
    ] == [
        ("one infusion", "400.00", "700.00", "review-2025", "C", "2025-06-13"),
        ("one infusion", "450.00", "800.00", "compare-2026", "C", "2026-05-05"),
        ("a 6-infusion series", None, None, "press-undated", "B", None),
    ]
    assert infusion["figures"][2]["amount"] == "3000.00"
    assert infusion["notes"] == [
        {"text": "Given in person.", "source": "press-undated", "as_of": None, "note": None}
    ]


def test_old_figures_are_marked_stale_and_the_table_says_what_the_mark_means(cli):
    records = cli("alternatives", "--format", "json").json()
    assert [f["stale"] for f in records[0]["figures"]] == [True, False, False]  # 2025-06-13 on 2026-11-21
    table = flat(cli("alternatives", env={"COLUMNS": "120"}).stdout)
    assert "2025-06-13 !" in table
    assert "! = a figure more than 365 days older than 2026-11-21" in table
    fresh = cli("alternatives", "--max-age", "1000", "--format", "json").json()
    assert not any(f["stale"] for r in fresh for f in r["figures"])


def test_as_of_a_past_day_shows_only_what_was_published_by_then(cli):
    records = cli("alternatives", "--as-of", "2025-06-13", "--format", "json").json()
    assert [r["alternative"] for r in records] == ["infusion"]  # the spray's only figure is from 2026
    assert [f["as_of"] for f in records[0]["figures"]] == ["2025-06-13", None]


def test_the_table_says_they_are_never_ranked_nor_recommended(cli):
    table = flat(cli("alternatives", env={"COLUMNS": "80"}).stdout)
    assert table.startswith(
        "Treatments given in person, not at home, that a person may price against at-home care."
    )
    assert "never ranks them against an at-home course" in table and "recommends none" in table
    assert "$450.00–$800.00" in table and "$3,000.00" in table and "it is not medical advice" in table
    assert max(len(line) for line in cli("alternatives", env={"COLUMNS": "80"}).stdout.splitlines()) <= 80


def test_an_alternative_is_never_a_provider(cli):
    rows = cli("compare", "-n", "6", "--format", "json").json()
    assert not {"infusion", "spray"} & {r["provider"] for r in rows}
    result = cli("cost", "infusion", "-n", "6")
    assert result.exit_code != 0 and "unknown provider" in result.stderr.lower()


def test_csv_lists_each_figure_in_one_cell(cli):
    csv = cli("alternatives", "--format", "csv").stdout.splitlines()
    assert csv[0] == "alternative,name,setting,figures,notes"
    assert "one infusion: 450.00-800.00 (compare-2026, 2026-05-05, tier C)" in csv[1]
    assert "one infusion: 400.00-700.00 (review-2025, 2025-06-13, tier C, stale)" in csv[1]


def test_the_library_gives_what_the_command_prints(cli):
    from conftest import FIXTURE, TODAY
    from ketacalc import api

    answer = api.alternatives(data=str(FIXTURE), today=TODAY)
    assert answer.to_dict() == cli("alternatives", "--format", "json").json()
    assert json.dumps(answer.to_dict())  # plain JSON values


@pytest.mark.parametrize(
    ("figure", "message"),
    [
        (
            'what: "one treatment", amount: 900, low: 1, high: 2}',
            "give either 'amount' or both 'low' and 'high'",
        ),
        ('what: "   ", amount: 900}', "what: is blank (only spaces); write the text, or leave the field out"),
    ],
)
def test_a_figure_check_refuses_is_one_line_naming_the_fix(cli, tmp_path, figure, message):
    """Both an amount and a range, or no word on what it prices: refused, with no traceback."""
    from conftest import FIXTURE

    text = FIXTURE.read_text(encoding="utf-8")
    good = 'what: "one treatment", amount: 900}'
    assert good in text
    bad = tmp_path / "providers.yaml"
    bad.write_text(text.replace(good, figure), encoding="utf-8")
    result = cli("check", str(bad))
    assert result.exit_code == 1 and message in result.stderr
    assert "Traceback" not in result.stderr
