"""Notes are data (a kind, its figures, its source); the output layer alone words them."""

from __future__ import annotations

import copy
import json
import pickle
from datetime import date
from decimal import Decimal

import pytest

from conftest import FIXTURE, REVIEW, TODAY, untimed
from ketacalc.domain.notes import Kind, Note
from ketacalc.output import notes as wording


@pytest.fixture(scope="module")
def data():
    import ketacalc

    return ketacalc.load(FIXTURE, today=TODAY)


def test_every_kind_of_note_has_exactly_one_sentence():
    assert set(wording.SENTENCES) == set(Kind)


def test_a_cost_keeps_its_notes_as_data_with_figures_and_source(data):
    import ketacalc

    course = ketacalc.cost("cedar", sessions=14, data=data, today=TODAY, as_of=REVIEW)
    [terms] = [n for n in course.notes if n.kind is Kind.PAID_AT_PURCHASE]
    assert (terms.source, terms.as_of, terms.provider) == ("review-2025", date(2025, 6, 13), "Cedar Care")
    [pace] = [n for n in course.notes if n.kind is Kind.PACE_ASSUMED]
    assert pace.figures == {"pace": Decimal(1)}
    # the record a script reads carries the same notes, worded
    assert course.to_dict()["notes"] == [wording.sentence(n) for n in course.notes]


def test_alike_notes_are_one_note():
    first = Note(Kind.PROMO_DISCOUNT, discount=Decimal("100.00"))
    again = Note(Kind.PROMO_DISCOUNT, discount=Decimal("100.00"))
    other = Note(Kind.PROMO_DISCOUNT, discount=Decimal("50.00"))
    assert first == again and hash(first) == hash(again) and first != other
    assert first != "A promo discount of $100.00 is taken off the first purchase."
    assert list(dict.fromkeys([first, again, other])) == [first, other]
    assert repr(first) == "Note('promo-discount', discount=Decimal('100.00'))"
    with pytest.raises(AttributeError):
        _ = first.plan  # a figure the note does not have
    assert copy.deepcopy(first) == first and pickle.loads(pickle.dumps(first)) == first


def test_a_notes_words_come_from_one_place_for_every_view(cli, monkeypatch):
    """Rewording a kind rewords it in the JSON record, on stderr beside the table and in the chart."""
    monkeypatch.setitem(wording.SENTENCES, Kind.PACE_ASSUMED, lambda n: f"PACE IS {n.pace} A WEEK")
    monkeypatch.setattr(wording, "_WORDED", {})  # notes worded before keep their words: start afresh
    asked = ("--data", str(FIXTURE), "cost", "cedar", "--sessions", "14", "--as-of", "2025-06-13")
    as_json = cli(*asked, "--format", "json")
    assert "PACE IS 1 A WEEK" in json.loads(as_json.stdout)["notes"]
    assert "note: PACE IS 1 A WEEK" in cli(*asked).stderr
    chart = cli(
        "--data",
        str(FIXTURE),
        "chart",
        "--sessions",
        "1-3",
        "--as-of",
        "2025-06-13",
        "--insurer",
        "Aetna",
        "--state",
        "TX",
    )
    assert "self-pay prices" in chart.stderr


def test_a_curve_says_why_a_provider_is_not_drawn_as_data(data):
    import ketacalc

    chart = ketacalc.curves(sessions="1-3", data=data, today=TODAY, as_of=REVIEW)
    not_drawn = [n for n in chart.notes if n.kind is Kind.NOT_DRAWN]
    assert {n.provider for n in not_drawn} >= {"Elm Wellness", "Gale MD"}
    assert all(wording.sentence(n).startswith("Not drawn: ") for n in not_drawn)


def test_a_note_is_worded_alike_every_time_past_what_is_remembered():
    """Each note object's words are remembered (a pricer hands the same notes to many
    courses), a bounded number of them: the words are always the note's own."""
    notes = [Note(Kind.PACE_ASSUMED, pace=Decimal(k) / 4) for k in range(1, 2500)]
    worded = [wording.sentences([n]) for n in notes]
    assert worded == [[wording.sentence(n)] for n in notes]
    assert wording.sentences(notes[:3] + notes[:3]) == [wording.sentence(n) for n in notes[:3]]
    assert len({w[0] for w in worded}) == len(notes)


@pytest.mark.parametrize(
    "args",
    [
        ["cost", "alder", "--sessions", "1", "--hired-sitter"],
        ["cost", "alder", "--sessions", "14", "--pace", "1.5", "--hired-sitter"],
        ["cost", "cedar", "--months", "1"],
        ["cost", "cedar", "--months", "3"],
        ["compare", "--state", "TX", "--months", "1"],
        ["compare", "--state", "TX", "--sessions", "1"],
        ["cost", "alder", "--sessions", "14", "--format", "json"],
        ["cost", "alder", "--sessions", "1", "--format", "ics"],
    ],
)
def test_a_count_is_worded_in_the_singular_or_the_plural_never_with_s_in_brackets(cli, args):
    result = cli(*args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    said = result.stdout + result.stderr
    assert "(s)" not in said, [line for line in said.splitlines() if "(s)" in line]


def test_counted_words_a_count_and_its_noun():
    assert wording.counted(1, "session") == "1 session"
    assert wording.counted(0, "month") == "0 months"
    assert wording.counted(Decimal("1.0"), "session") == "1 session"
    assert wording.counted(Decimal("1.50"), "hour") == "1.5 hours"


def test_the_pace_is_said_whenever_it_sets_the_courses_dates(cli):
    """One purchase of a 4-session plan: no later purchase, but the course's last session (and
    the rules checked on its dates) still follows from 1 session a week, so it is said."""
    one = cli("cost", "alder", "-n", "4", "--state", "TX")
    assert "Assumes 1 session a week (set --pace): the course's dates follow from it" in one.stderr
    assert "Assumes 2 sessions a week" in cli("cost", "alder", "-n", "4", "--pace", "2").stderr


def test_a_chart_legend_entry_names_the_provider_once_and_starts_each_later_sentence_upper_case():
    notes = [
        Note(Kind.ESTIMATED_APART, provider="Isha Health", charges=("medication",)),
        Note(Kind.SELF_PAY_PRICES, provider="Isha Health", partly=False),
    ]
    assert wording.series_label("Isha Health", notes) == (
        "Isha Health — medication estimated apart, not in the drawn total. Self-pay prices."
    )


def test_the_report_footer_gives_the_dates_of_the_prices_not_today(cli):
    page = untimed(cli("report", "--state", "TX", "--sessions", "6").stdout)
    assert "prices dated 2025-06-13 to 2026-08-14; made on 2026-11-21" in page
    assert "prices as of 2026-11-21" not in page
