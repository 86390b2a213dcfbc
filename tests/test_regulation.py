"""Rules on the course's dates (fixture data, today pinned to 2026-11-21).

The fixture's federal flexibility is in force through 2026-12-31; its state
requirement applies in AL with no end. A course with any day from 2027-01-01
carries the flexibility's entry; one that ends before carries none; a newer
observation moving the end date (an extension) changes every answer.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from conftest import FIXTURE, assert_one_error_line, jsonl, parse_output, untimed
from ketacalc.domain.regulation import (
    ASSUMED_COURSE_DAYS,
    assumed_course,
    course_dates,
    months_course,
    rules_for,
)
from ketacalc.output.notes import rule_short, rule_summary

FLEX = "tele-flex"
AL_RULE = "al-in-person"
WARNING = "in-person visit may be required from 2027-01-01"
#: the federal rule's source as a headline cites it
CITED = "(gazette-2025, 2025-12-31)"


def ids(entries: list[dict]) -> list[str]:
    return [e["id"] for e in entries]


def extended(tmp_path: Path, ends: str = "2027-12-31") -> str:
    """The fixture plus a fifth extension: a newer observation of the flexibility's span."""
    text = FIXTURE.read_text(encoding="utf-8")
    old = "      - {source: gazette-2025, as_of: 2025-12-31, starts: 2026-01-01, ends: 2026-12-31}\n"
    assert old in text
    newer = f"      - {{source: gazette-2025, as_of: 2026-11-01, starts: 2027-01-01, ends: {ends}}}\n"
    path = tmp_path / "providers.yaml"
    path.write_text(text.replace(old, old + newer), encoding="utf-8")
    return str(path)


# --------------------------------------------------------------- the domain


def test_a_course_past_the_end_gets_the_entry_from_the_day_after(catalog):
    course = course_dates(date(2026, 12, 2), 120)
    (entry,) = rules_for(catalog, "TX", course, date(2026, 11, 21))
    assert entry.id == FLEX
    assert entry.affects_from == date(2027, 1, 1)
    assert (entry.source, entry.as_of, entry.tier) == ("gazette-2025", date(2025, 12, 31), "B")
    assert "from 2027-01-01 unless the rule is extended" in rule_summary(entry)
    assert rule_short(entry) == WARNING


def test_a_course_ending_on_the_last_day_gets_none(catalog):
    assert rules_for(catalog, "TX", course_dates(date(2026, 12, 2), 30), date(2026, 11, 21)) == ()
    assert rules_for(catalog, "TX", course_dates(date(2026, 12, 2), 31), date(2026, 11, 21)) != ()


def test_a_state_rule_applies_only_in_its_state_from_the_course_start(catalog):
    course = course_dates(date(2026, 11, 21), 10)
    (entry,) = rules_for(catalog, "AL", course, date(2026, 11, 21))
    assert entry.id == AL_RULE and entry.affects_from == date(2026, 11, 21)
    assert rules_for(catalog, "TX", course, date(2026, 11, 21)) == ()


def test_rules_not_yet_published_on_the_as_of_date_do_not_apply(catalog):
    course = course_dates(date(2025, 6, 1), 400)
    assert FLEX not in [e.id for e in rules_for(catalog, "TX", course, date(2025, 6, 1))]


def test_without_a_course_one_started_on_the_as_of_date_is_assumed():
    course = assumed_course(date(2026, 11, 21))
    assert course.assumed and (course.end - course.start).days == ASSUMED_COURSE_DAYS - 1


# --------------------------------------------------------------- every answer with a state


def test_cost_past_the_end_carries_the_entry_and_the_table_says_so(cli):
    record = cli("cost", "alder", "-n", "14", "--state", "TX", "--format", "json").json()
    assert record["availability"] == "available"
    (entry,) = record["regulation"]
    assert entry["id"] == FLEX and entry["affects_from"] == "2027-01-01"
    assert (entry["source"], entry["as_of"]) == ("gazette-2025", "2025-12-31")
    assert entry["course_start"] == "2026-11-21" and not entry["course_assumed"]
    table = cli("cost", "alder", "-n", "14", "--state", "TX").stdout
    assert f"available — {WARNING}" in table


def test_a_federal_rule_binds_without_a_state_too(cli):
    """No state asked for: the federal rule still decides whether the course can run as
    planned (a state's own rule, Alabama's, cannot apply to a state not named)."""
    record = cli("cost", "alder", "-n", "14", "--format", "json").json()
    assert record["availability"] is None and ids(record["regulation"]) == [FLEX]
    table = cli("cost", "alder", "-n", "14").stdout
    assert f"Federal rule: {WARNING} {CITED} (see below)." in " ".join(table.split())
    assert "Rules in every state on the course's dates (2026-11-21 to" in table
    short = cli("cost", "alder", "-n", "4", "--format", "json").json()
    assert short["regulation"] == []  # it ends before 2027-01-01
    rows = cli("compare", "-n", "14", "--format", "json").json()
    assert rows and all(ids(r["regulation"]) == [FLEX] for r in rows)
    assert f"Federal rule: {WARNING} {CITED}." in " ".join(cli("compare", "-n", "14").stdout.split())
    batch = cli("batch", input=jsonl({"provider": "alder", "sessions": 14})).stdout
    assert ids(json.loads(batch)["regulation"]) == [FLEX]
    points = cli("chart", "-n", "4,14", "--format", "json").json()
    assert {r["n"]: ids(r["regulation"]) for r in points if r["provider"] == "alder"} == {4: [], 14: [FLEX]}
    assert "In every state, for a course of up to" in cli("chart").stdout


@pytest.mark.parametrize(("state", "labels"), [("AL", ["AL rule", "Federal rule"]), ("TX", ["Federal rule"])])
def test_cost_words_the_rules_as_compare_does(cli, state, labels):
    """``cost`` said "Rules in force: …" where ``compare`` said "AL rule: …" and "Federal
    rule: …" of the same rules: both now give the state's rule, then the federal one."""

    def rule_lines(text: str) -> list[str]:
        flat = " ".join(text.split("\n\n")[0].split())
        return re.findall(r"(?:[A-Z]{2}|Federal) rule(?: \(for a course[^)]*\))?: [^.]*\.", flat)

    cost = rule_lines(cli("cost", "alder", "-n", "14", "--state", state).stdout)
    compare = rule_lines(cli("compare", "-n", "14", "--state", state).stdout)
    assert [line.split(":")[0] for line in cost] == labels, cost
    assert [line.replace(" (see below)", "") for line in cost] == compare


def test_cost_that_ends_before_carries_none(cli):
    record = cli("cost", "alder", "-n", "4", "--state", "TX", "--format", "json").json()
    assert record["availability"] == "available" and record["regulation"] == []
    assert "may be required" not in cli("cost", "alder", "-n", "4", "--state", "TX").stdout


def test_the_start_date_decides(cli):
    late = cli("cost", "alder", "-n", "4", "--state", "TX", "--start", "2026-12-20", "--format", "json")
    assert ids(late.json()["regulation"]) == [FLEX]


def test_a_course_begun_after_the_end_is_told_the_rules_date_not_its_own_first_day(cli):
    """A course starting 2027-02-01 is affected from its first day; the words give the
    day the rule changes (2027-01-01), never the course's start as if the rule began then."""
    args = ("cost", "alder", "-n", "4", "--state", "TX", "--start", "2027-02-01")
    (entry,) = cli(*args, "--format", "json").json()["regulation"]
    assert entry["affects_from"] == "2027-02-01"  # the data: the first course day affected
    table = " ".join(cli(*args).stdout.split())
    # begun after it, the whole course is under the rule: since that day, not from it (the words
    # on 2027-01-04 read "required from 2027-01-01", as if still to come)
    since = WARNING.replace(" from ", " since ")
    assert f"Federal rule: {since} {CITED} (see below)." in table
    assert f"available — {since}" in table and "required since 2027-02-01" not in table
    assert f"Federal rule: {WARNING} {CITED}" in " ".join(
        cli("cost", "alder", "-n", "8", "--state", "TX", "--start", "2026-12-20").stdout.split()
    )  # a course begun before it: from that day


def test_an_answer_as_of_a_past_day_is_a_course_of_that_day(cli):
    """``--as-of`` alone asks what was answered then: the course starts on that day, so a
    14-week course from 2026-01-15 ends long before the flexibilities do (from today it
    would not), and compare checks the same dates."""
    record = cli("cost", "alder", "-n", "14", "--as-of", "2026-01-15", "--format", "json").json()
    assert (record["first_due"], record["regulation"]) == ("2026-01-15", [])
    rows = cli("compare", "-n", "14", "--as-of", "2026-01-15", "--format", "json").json()
    assert rows and all(r["regulation"] == [] for r in rows)
    today = cli(
        "cost", "alder", "-n", "14", "--as-of", "2026-01-15", "--start", "2026-11-21", "--format", "json"
    )
    assert ids(today.json()["regulation"]) == [FLEX]


def test_a_course_begun_after_the_as_of_day_is_checked_against_the_rules_known_when_it_begins(cli):
    """Rules as known on 2025-06-13 know nothing of the flexibilities' end (observed
    2025-12-31); a course started on 2026-11-21 at those prices is checked against what is
    known on its first day, never silently against nothing."""
    args = ("cost", "alder", "-n", "14", "--as-of", "2025-06-13", "--start", "2026-11-21", "--format", "json")
    late = cli(*args).json()
    assert ids(late["regulation"]) == [FLEX] and late["prices_as_of"] <= "2025-06-13"
    then = cli("cost", "alder", "-n", "14", "--as-of", "2025-06-13", "--format", "json").json()
    assert then["regulation"] == []  # the course of that day, as known then


def test_months_are_courses_too(cli):
    one = cli("cost", "dune", "--months", "1", "--state", "TX", "--format", "json").json()
    three = cli("cost", "dune", "--months", "3", "--state", "TX", "--format", "json").json()
    assert one["regulation"] == [] and ids(three["regulation"]) == [FLEX]


def test_a_list_of_n_carries_it_row_by_row(cli):
    rows = cli("cost", "alder", "-n", "4,14", "--state", "TX", "--format", "json").json()
    assert [ids(r["regulation"]) for r in rows] == [[], [FLEX]]


def test_eligibility_states_and_compare_assume_a_course_started_today(cli):
    for args in (["eligibility", "--state", "TX"], ["states", "birch"], ["compare", "--state", "TX"]):
        records = cli(*args, "--format", "json").json()
        may = [r for r in records if r["availability"] != "unavailable"]  # the others carry no rule
        assert may and all(FLEX in ids(r["regulation"]) for r in may), args
        assert all(ids(r["regulation"]) == [FLEX] for r in may if r["state"] != "AL"), args
        assert all(r["regulation"][0]["course_assumed"] for r in may)
        assert all(r["regulation"] == [] for r in records if r not in may)
    table = cli("eligibility", "--state", "TX", env={"COLUMNS": "250"}).stdout
    assert f"available — {WARNING}" in table
    # never plainly "available"; one that does not serve the state carries no rule
    assert "available " not in table.replace("available —", "").replace("unavailable ", "")
    assert f"unavailable — {WARNING}" not in table


def test_compare_with_a_short_course_carries_none(cli):
    records = cli("compare", "--state", "TX", "--sessions", "4", "--format", "json").json()
    assert all(r["regulation"] == [] for r in records if r["comparable"])
    # the daily low dose, not a course of 4 sessions, is checked on an assumed course
    assert all(e["course_assumed"] for r in records if not r["comparable"] for e in r["regulation"])


def test_in_alabama_every_row_names_the_in_person_requirement(cli):
    records = cli("eligibility", "--state", "AL", "--format", "json").json()
    # every format alike: JSON carries the rule where the table names it
    carried = {r["name"].split(" ")[0]: AL_RULE in ids(r["regulation"]) for r in records}
    table = cli("eligibility", "--state", "AL", env={"COLUMNS": "250"}).stdout
    rows = [
        line
        for line in table.splitlines()
        if line.split(" ")[0] in {"Alder", "Birch", "Cedar", "Dune", "Elm", "Fern", "Gale"}
    ]
    assert len(rows) == len(records) == 7
    # every provider that serves AL or may: one known not to (fern, gale) carries no rule
    named = {row.split(" ")[0]: "in-person visit required (AL: within 12 months)" in row for row in rows}
    assert named == carried == {
        "Alder": True, "Birch": True, "Cedar": True, "Dune": True, "Elm": True, "Fern": False, "Gale": False
    }  # fmt: skip


def test_batch_carries_availability_and_regulation(cli):
    """Audit item 6: batch gave ``"availability": null`` for every line."""
    out = cli("batch", input=jsonl({"provider": "alder", "sessions": 14, "state": "TX"}, GOOD)).stdout
    with_state, without = (json.loads(line) for line in out.splitlines())
    assert with_state["availability"] == "available" and ids(with_state["regulation"]) == [FLEX]
    assert without["availability"] is None and without["regulation"] == []


GOOD = {"provider": "alder", "sessions": 4}


def test_chart_carries_it_for_each_course_and_says_it_under_the_plot(cli):
    records = cli("chart", "--state", "TX", "-n", "4,14", "--format", "json").json()
    by_n = {r["n"]: ids(r["regulation"]) for r in records if r["provider"] == "alder"}
    assert by_n == {4: [], 14: [FLEX]}
    assert "in-person evaluation may be required from 2027-01-01" in cli("chart", "--state", "TX").stdout


def test_report_shows_it(cli):
    page = untimed(cli("report", "--state", "TX", "-n", "14").stdout)
    assert WARNING in page and "unless the rule is extended" in page


def test_library_answers_carry_it(catalog):
    import ketacalc

    day = date(2026, 11, 21)
    where = ketacalc.availability("alder", "TX", data=catalog, today=day)
    assert [e.id for e in where.regulation] == [FLEX]
    course = ketacalc.cost("alder", 14, data=catalog, today=day, state="TX")
    assert course.availability is not None and [e.id for e in course.availability.regulation] == [FLEX]
    assert [r["id"] for r in course.to_dict()["regulation"]] == [FLEX]
    short = ketacalc.cost("alder", 4, data=catalog, today=day, state="TX")
    assert short.availability is not None and short.availability.regulation == ()
    rows = ketacalc.compare("AL", data=catalog, today=day).rows
    assert rows and all(AL_RULE in [e.id for e in r.availability.regulation] for r in rows)


# --------------------------------------------------------------- a data update changes every answer


@pytest.mark.parametrize(
    "args",
    [
        ["cost", "alder", "-n", "14", "--state", "TX"],
        ["compare", "--state", "TX"],
        ["eligibility", "--state", "TX"],
        ["states", "alder"],
    ],
)
def test_a_fifth_extension_in_the_data_lifts_the_warning(cli, tmp_path, args):
    data = extended(tmp_path)
    assert cli("--data", data, "check", data).exit_code == 0
    before = cli(*args, "--format", "json").json()
    after = cli("--data", data, *args, "--format", "json").json()
    records = lambda value: value if isinstance(value, list) else [value]  # noqa: E731
    may = lambda value: [r for r in records(value) if r.get("availability") != "unavailable"]  # noqa: E731
    assert may(before) and all(FLEX in ids(r["regulation"]) for r in may(before))
    assert all(FLEX not in ids(r["regulation"]) for r in records(after))
    assert "may be required" not in cli("--data", data, *args).stdout


def test_an_extension_moves_the_date_a_long_course_is_warned_of(cli, tmp_path):
    data = extended(tmp_path, ends="2027-03-31")
    record = cli("--data", data, "cost", "alder", "-n", "30", "--state", "TX", "--format", "json").json()
    (entry,) = record["regulation"]
    assert entry["affects_from"] == "2027-04-01" and entry["as_of"] == "2026-11-01"


def test_a_fifth_extension_reaches_chart_batch_and_report(cli, tmp_path):
    data = extended(tmp_path)
    chart = cli("--data", data, "chart", "--state", "TX", "-n", "14", "--format", "json").json()
    assert chart and all(r["regulation"] == [] for r in chart)
    line = {"provider": "alder", "sessions": 14, "state": "TX"}
    (record,) = (json.loads(x) for x in cli("--data", data, "batch", input=jsonl(line)).stdout.splitlines())
    assert record["regulation"] == []
    assert WARNING not in cli("--data", data, "report", "--state", "TX", "-n", "14").stdout


def test_chart_checks_the_courses_from_its_start(cli):
    late = cli("chart", "--state", "TX", "-n", "4", "--start", "2026-12-25", "--format", "json").json()
    early = cli("chart", "--state", "TX", "-n", "4", "--format", "json").json()
    assert all([e["id"] for e in r["regulation"]] == [FLEX] for r in late)
    assert all(r["regulation"] == [] for r in early)


def test_chart_names_the_day_its_courses_start_as_of_a_past_day(cli):
    """As of 2026-06-01 the course starts then: the line under the plot says so, never "today"."""
    text = " ".join(cli("chart", "--state", "TX", "-n", "1-60", "--as-of", "2026-06-01").stdout.split())
    assert "for a course of up to 60 sessions from 2026-06-01:" in text
    assert "from today" in " ".join(cli("chart", "--state", "TX", "-n", "1-60").stdout.split())


def test_a_course_near_the_end_of_the_calendar_stays_within_it():
    far = date(9999, 12, 1)
    assert course_dates(far, 100).end == date.max
    assert months_course(far, 3).end == date.max
    assert months_course(date(2026, 12, 2), 3) == course_dates(date(2026, 12, 2), 90)


def test_a_flexibility_made_permanent_warns_of_nothing(catalog):
    from ketacalc.data.catalog import Catalog, RuleSpan

    (flex,) = [r for r in catalog.regulation if r.id == FLEX]
    permanent = flex._replace(
        spans=(*flex.spans, RuleSpan("gazette-2025", date(2026, 11, 1), date(2027, 1, 1)))
    )
    changed = Catalog(catalog.sources, catalog.providers, regulation=(permanent,))
    course = course_dates(date(2026, 12, 2), 200)
    assert rules_for(changed, "TX", course, date(2026, 11, 21)) == ()
    before = course_dates(date(2026, 10, 1), 200)  # a course begun before the news, as known then
    assert [e.id for e in rules_for(changed, "TX", before, date(2026, 10, 1))] == [FLEX]
    # a course begun after it is checked against what is known on its first day
    assert rules_for(changed, "TX", course, date(2026, 10, 1)) == ()


def test_a_chart_past_the_calendar_names_whose_schedule_it_is(cli):
    line = assert_one_error_line(cli("chart", "--state", "TX", "--months", "1-3", "--start", "9999-10-01"), 2)
    assert line.startswith("Error: Alder Health's payment schedule for 2 months runs past the year 9999")


def test_compare_a_compare_far_in_the_calendar_is_refused_cleanly(cli):
    result = cli("compare", "--state", "TX", "--months", "3", "--start", "9999-12-01")
    assert result.exit_code in (1, 2) and "Traceback" not in result.stderr
    # a course of months is refused in months (it said "for 5 sessions" of a month asked for)
    for command in (("compare", "--state", "TX"), ("cost", "alder")):
        line = cli(*command, "--months", "1", "--start", "9999-11-30").stderr
        assert "payment schedule for 1 month runs past the year 9999" in line, line
        assert line.startswith(
            "Error: Alder Health's payment" if command[0] == "compare" else "Error: the payment"
        )


def test_rules_asked_again_and_past_what_is_remembered_are_the_same(catalog):
    """The rules found for a state, course dates and day are remembered (batch asks for the
    same ones for every provider), a bounded number of them: the answers never change."""
    day, end = date(2026, 11, 21), date(2027, 1, 1).toordinal()
    starts = [date.fromordinal(date(2026, 1, 1).toordinal() + k) for k in range(5000)]
    first = [rules_for(catalog, "TX", course_dates(start, 120), day) for start in starts]
    again = [rules_for(catalog, "TX", course_dates(start, 120), day) for start in starts]
    assert first == again
    # a course with a day past the flexibilities' end (2026-12-31) gets its entry, from 2027-01-01
    # or from its start if later
    assert [bool(rules) for rules in first] == [start.toordinal() + 119 >= end for start in starts]
    assert all(
        e.affects_from == max(date(2027, 1, 1), start) and e.course.start == start
        for start, rules in zip(starts, first, strict=True)
        for e in rules
    )
    other = rules_for(catalog, "AL", course_dates(starts[-1], 120), day)
    assert [e.id for e in other] == [FLEX, AL_RULE]


def test_daily_doses_are_a_day_each_so_their_course_is_that_many_days(cli):
    """30 daily doses from 2026-11-21 end on 2026-12-20, before the flexibility ends: no rule.
    (Dated as 30 weekly sessions they ran into 2027 and carried one.) 60 doses run to 2027-01-19."""
    month = cli("cost", "dune", "-n", "30", "--format", "json").json()
    two = cli("cost", "dune", "-n", "60", "--format", "json").json()
    assert month["modality"] == "daily-low-dose" and month["regulation"] == []
    assert [(r["course_start"], r["course_end"]) for r in two["regulation"]] == [("2026-11-21", "2027-01-19")]


@pytest.mark.parametrize("months", ["1", "2"])
def test_cost_and_compare_date_a_course_of_months_alike(cli, months):
    """The first M months are the course's dates in ``cost``, ``compare`` and ``batch`` alike
    (a month from 2026-12-02 runs to 2027-01-01, the day the flexibility's end takes effect)."""
    start = ["--start", "2026-12-02", "--state", "TX"]
    cost = cli("cost", "alder", "--months", months, *start, "--format", "json").json()
    row = next(
        r
        for r in cli("compare", "--months", months, *start, "--format", "json").json()
        if r["provider"] == "alder"
    )
    line = jsonl({"provider": "alder", "months": int(months), "start": "2026-12-02", "state": "TX"})
    batch = json.loads(cli("batch", input=line).stdout)
    assert cost["regulation"] == row["regulation"] == batch["regulation"]
    assert [(r["course_start"], r["course_end"]) for r in cost["regulation"]][0][0] == "2026-12-02"
    assert ids(cost["regulation"]) == [FLEX]


def test_the_compare_headline_says_the_course_its_rule_was_checked_on(cli):
    """Without a course, the rules are checked on one assumed to start today: the headline
    says so, where a priced course's own dates need no saying."""
    plain = " ".join(cli("compare", "--state", "TX").stdout.split("\n\n")[0].split())
    assert "Federal rule (for a course started 2026-11-21, assumed to run to 2027-05-22): in-person" in plain
    course = cli("compare", "--state", "TX", "--sessions", "14").stdout.split("\n\n")[0]
    assert "Federal rule: in-person visit may be required" in " ".join(course.split())


@pytest.mark.parametrize(
    ("command", "federal"),
    [(["eligibility"], True), (["compare"], True), (["compare", "--sessions", "6"], False)],
)
def test_the_headline_names_the_states_own_rule_beside_the_federal_one(cli, command, federal):
    """Alabama's in-person rule is in force now and binds every provider there: the answer's
    first lines say it, not only the rows (they named only the federal rule, or none). Six
    weekly sessions from 2026-11-21 end before the federal flexibility does: that one is not said."""
    head = " ".join(cli(*command, "--state", "AL").stdout.split("\n\n")[0].split())
    assert (
        "AL rule" in head
        and "in-person visit required (AL: within 12 months) (state-code, 2024-04-04)." in head
    )
    assert ("Federal rule" in head) is federal
    if federal:
        assert head.index("AL rule") < head.index("Federal rule")


def test_the_chart_names_a_states_rule_once():
    """Alabama's rule says "In AL, …" itself: the line under the chart does not say it again
    (the federal rule's line names the state; Alabama's keeps its own words)."""
    from conftest import TODAY
    from ketacalc.data.loader import load_catalog
    from ketacalc.domain.curves import CurveQuery, curves
    from ketacalc.output.plot import regulation_lines

    result = curves(load_catalog(FIXTURE, today=TODAY), CurveQuery(counts=(1, 26), state="AL"), today=TODAY)
    lines = regulation_lines(result, 1000)
    assert any(line.startswith("For a course of up to 26 sessions from today: In AL, ") for line in lines), (
        lines
    )
    assert not any("In AL, for a course" in line and "In AL, a" in line for line in lines), lines


@pytest.mark.parametrize("doses", ["4", "30"])
def test_compare_checks_a_daily_low_dose_row_on_an_assumed_course(cli, doses):
    """Asked for N sessions, compare's daily-low-dose row is not a course of N (it is sold by
    the month): its rules are those of a course started then, said as assumed, never of N
    weekly sessions it does not sell (30 weekly sessions ran to 2027-06-12)."""
    args = ["--state", "TX", "--sessions", doses, "--format", "json"]
    row = next(r for r in cli("compare", *args).json() if r["provider"] == "dune")
    plain = next(
        r for r in cli("compare", "--state", "TX", "--format", "json").json() if r["provider"] == "dune"
    )
    assert row["comparable"] is False
    assert row["regulation"] == plain["regulation"] and row["regulation"]
    assert all(r["course_assumed"] for r in row["regulation"])


def test_the_compare_headline_takes_its_rules_from_the_course_compared(cli, tmp_path):
    """Listed first (by name), the daily low dose's row (checked on an assumed course) does
    not speak for the 30 weekly sessions compared: the headline names no assumed course."""
    from conftest import FIXTURE

    data = tmp_path / "providers.yaml"
    data.write_text(FIXTURE.read_text(encoding="utf-8").replace("name: Dune Telehealth", "name: Aa Dune"))
    args = ["--data", str(data), "compare", "--state", "TX", "--sessions", "30", "--sort", "name"]
    rows = cli(*args, "--format", "json").json()
    assert rows[0]["provider"] == "dune" and rows[0]["regulation"][0]["course_assumed"]
    head = " ".join(cli(*args).stdout.split("\n\n")[0].split())
    assert f"Federal rule: {WARNING} {CITED}." in head


@pytest.mark.parametrize(
    "args",
    [
        ("compare", "--state", "TX", "--start", "9999-07-03"),  # its assumed course ran past the calendar
        ("report", "--state", "TX", "--start", "9999-07-15"),
        ("cost", "alder", "-n", "9816", "--start", "0380-01-01", "--pace", "0.019553", "--format", "json"),
        ("cost", "dune", "-n", "1", "--start", "9999-12-30", "--format", "json"),  # a month bought: past 9999
        ("cost", "dune", "-n", "2", "--start", "9999-12-30", "--if-stopped"),
    ],
)
def test_a_course_at_the_end_of_the_calendar_is_answered_or_refused_never_a_crash(cli, tmp_path, args):
    extra = ("-o", str(tmp_path / "page.html")) if args[0] == "report" else ()
    result = cli(*args, *extra)
    assert result.exit_code in (0, 2), result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    if result.exit_code == 2:
        assert "runs past the year 9999" in result.stderr


@pytest.mark.parametrize("fmt", ["csv", "json", "ndjson"])
def test_a_range_with_a_course_past_the_calendar_writes_nothing(cli, fmt):
    """From 9999-10-01 the longest course of 1-14 (priced first) ends in time, but a shorter
    one paid over months would not: the range is refused before a line is written (8 rows
    were written, then the error)."""
    args = ("cost", "alder", "--start", "9999-10-01", "--format", fmt)
    assert cli(*args[:2], "-n", "14", *args[2:]).exit_code == 0
    result = cli(*args[:2], "-n", "1-14", *args[2:])
    assert result.exit_code == 2 and result.stdout == ""
    assert "runs past the year 9999" in result.stderr
    fits = cli(*args[:2], "-n", "1-4", *args[2:])  # checked whole too, and every course fits
    assert fits.exit_code == 0 and fits.stdout.count("9999-1") >= 4


def test_a_range_checks_insured_installments_too_before_writing(cli, tmp_path):
    """Birch's insured starter at $700 over 10 months: from 9999-04-01, 12 sessions (its 3 insured
    installments) end in time, 6 would not; the list writes nothing (it wrote 12's row first)."""
    from conftest import FIXTURE

    text = FIXTURE.read_text(encoding="utf-8")
    insured = "price: 500, installments: {count: 2, amount: 250}}"
    assert text.count(insured) == 1
    data = tmp_path / "providers.yaml"
    data.write_text(
        text.replace(insured, "price: 700, installments: {count: 10, amount: 70}}"), encoding="utf-8"
    )
    args = (
        "--data",
        str(data),
        "cost",
        "birch",
        "--state",
        "CA",
        "--insurer",
        "Aetna",
        "--start",
        "9999-04-01",
    )
    assert cli(*args, "-n", "12", "--format", "json").exit_code == 0
    result = cli(*args, "-n", "12,6", "--format", "csv")  # 12 is written first: then 6 failed
    assert result.exit_code == 2 and result.stdout == "" and "runs past the year 9999" in result.stderr


def test_a_payment_on_the_calendars_last_day_is_a_one_day_event_without_an_end(cli):
    """RFC 5545: a DATE start with no end lasts the day (9999-12-31 has no next day)."""
    from icalendar import Calendar

    result = cli("cost", "fern", "-n", "1", "--start", "9999-12-31", "--format", "ics")
    assert result.exit_code == 0, result.stderr
    events = list(Calendar.from_ical(result.stdout).walk("VEVENT"))
    assert events and all(e.decoded("DTSTART") == date.max and "DTEND" not in e for e in events)


def test_a_provider_that_does_not_serve_the_state_carries_no_rule_in_any_view(cli):
    """The rule was dropped by some views only: cost's JSON said none while batch, CSV, the
    cost table, chart and the library carried the federal rule for Gale in TX."""
    import ketacalc
    from conftest import TODAY

    line = cli("batch", input='{"provider": "fern", "sessions": 8, "state": "NY"}\n').json()
    assert line["availability"] == "unavailable" and line["regulation"] == []
    answer = ketacalc.cost("fern", 8, state="NY", data=str(FIXTURE), today=TODAY)
    assert answer.availability.status == "unavailable" and answer.regulation == ()
    table = cli("cost", "fern", "-n", "8", "--state", "NY").stdout
    assert "in-person" in cli("cost", "fern", "-n", "8", "--state", "TX").stdout  # the course crosses it
    assert "Fern Health does not serve NY." in table and "Federal rule" not in table


# --------------------------------------------------------------- a state's own rule, not known

CAUTION = "states-unknown"


def with_caution(tmp_path: Path) -> str:
    """The fixture plus a caution for the states it holds no rule of its own for."""
    text = FIXTURE.read_text(encoding="utf-8")
    caution = (
        "  - id: states-unknown\n"
        '    name: "State rules not recorded"\n'
        "    jurisdiction: states\n"
        "    kind: caution\n"
        '    effect: "a state rule may require an in-person visit; none is recorded for this state"\n'
        '    short: "state rule not known (may require in-person)"\n'
        "    spans:\n"
        "      - {source: gazette-2025, as_of: 2025-12-31}\n"
    )
    assert "\nalternatives:" in text
    path = tmp_path / "providers.yaml"
    path.write_text(text.replace("\nalternatives:", "\n" + caution + "\nalternatives:", 1), encoding="utf-8")
    return str(path)


def test_a_state_without_a_rule_of_its_own_is_told_its_rule_is_not_known(tmp_path):
    """Texas has no rule in the data: the caution speaks for it, under its own name, from the
    course's first day (a state with no recorded rule read as a state with none). Alabama has
    its own rule: no caution. Without a state there is no state's rule to speak of."""
    from ketacalc.data.loader import load_catalog

    catalog = load_catalog(with_caution(tmp_path), today=date(2026, 11, 21))
    course = course_dates(date(2026, 11, 21), 10)
    (entry,) = rules_for(catalog, "TX", course, date(2026, 11, 21))
    assert (entry.id, entry.jurisdiction, entry.affects_from) == (CAUTION, "TX", date(2026, 11, 21))
    assert (
        rule_summary(entry)
        == "In TX, a state rule may require an in-person visit; none is recorded for this state."
    )
    assert [e.id for e in rules_for(catalog, "AL", course, date(2026, 11, 21))] == [AL_RULE]
    assert rules_for(catalog, "", course, date(2026, 11, 21)) == ()


def test_the_caution_is_in_every_answer_once_and_in_no_row(cli, tmp_path):
    """It binds every provider alike: the headline says it once, the JSON carries it on each
    record, the cost table lists it with its source; a compare row does not repeat it."""
    data = with_caution(tmp_path)
    compare = cli("--data", data, "compare", "--state", "TX")
    head, table = compare.stdout.split("\n\n", 1)
    head = " ".join(head.split())
    assert (
        head.count("state rule not known (may require in-person) (") == 1 and "TX rule (for a course" in head
    )
    assert "not known (may" not in table
    rows = cli("--data", data, "compare", "--state", "TX", "--format", "json").json()
    may = [r for r in rows if r["availability"] != "unavailable"]
    assert may and all(CAUTION in ids(r["regulation"]) for r in may)
    cost = cli("--data", data, "cost", "alder", "-n", "6", "--state", "TX")
    flat = " ".join(cost.stdout.split())
    assert "In TX, a state rule may require an in-person visit" in flat and "gazette-2025" in flat
    states = " ".join(cli("--data", data, "states", "alder").stdout.split("\n\n")[0].split())
    assert "States with no rule named: state rule not known (may require in-person) (gazette-2025" in states
    assert "A state rule also applies in AL" in states  # its own rule, named as before


def test_a_state_rule_not_yet_observed_on_the_day_leaves_the_caution_to_speak(tmp_path):
    """Alabama's rule observed only from 2026-06-01: asked as of 2026-03-01 its rule is not
    known yet, so Alabama is told its own rule is not known (it had neither)."""
    from ketacalc.data.loader import load_catalog

    path = Path(with_caution(tmp_path))
    text = path.read_text(encoding="utf-8")
    old = "{source: state-code, as_of: 2024-04-04, starts: 2022-07-11}"
    assert old in text
    path.write_text(
        text.replace(old, "{source: state-code, as_of: 2026-06-01, starts: 2022-07-11}"), encoding="utf-8"
    )
    catalog = load_catalog(path, today=date(2026, 11, 21))
    course = course_dates(date(2026, 3, 1), 10)
    (entry,) = rules_for(catalog, "AL", course, date(2026, 3, 1))
    assert (entry.id, entry.jurisdiction, entry.caution) == (CAUTION, "AL", True)
    later = rules_for(catalog, "AL", course_dates(date(2026, 7, 1), 10), date(2026, 7, 1))
    assert [e.id for e in later] == [AL_RULE]


def test_the_caution_reaches_markdown_and_json_as_a_caution(cli, tmp_path):
    """A pasted Markdown table opens with the answer in words, the caution included (its rows
    do not repeat it); JSON marks it ``kind: caution``, so a script never takes it for a rule."""
    data = with_caution(tmp_path)
    md = cli("--data", data, "compare", "--state", "TX", "--format", "markdown").stdout
    head, table = md.split("\n| ", 1)
    assert "state rule not known (may require in-person)" in head and "not known (may" not in table
    rows = cli("--data", data, "eligibility", "--state", "TX", "--format", "json").json()
    kinds = {(e["id"], e["kind"]) for r in rows for e in r["regulation"]}
    assert (CAUTION, "caution") in kinds and (FLEX, "flexibility") in kinds
    cost = cli("--data", data, "cost", "alder", "-n", "2", "--state", "TX")
    assert (
        "TX rule: state rule not known (may require in-person) (gazette-2025, 2025-12-31) (see below)."
        in " ".join(cost.stdout.split())
    )
    assert "Federal rule" not in cost.stdout  # two weekly sessions end before the federal rule does


def test_past_its_recorded_end_a_flexibility_says_it_may_have_been_extended(cli):
    """On 2027-06-01 the shipped data still said the flexibilities were "in force through
    2026-12-31 … unless the rule is extended", as if the future were known: past its recorded
    end, the rule says when it was last recorded and to check for an extension."""
    later = {"KETACALC_TODAY": "2027-06-01"}
    record = cli("cost", "alder", "-n", "14", "--format", "json", env=later).json()
    [summary] = [r["summary"] for r in record["regulation"] if r["id"] == FLEX]
    assert summary.startswith(
        "Telemedicine flexibilities: ended 2026-12-31 as last recorded (gazette-2025, 2025-12-31), unless "
        "extended since (check it)"
    ), summary
    head = " ".join(cli("compare", "--state", "TX", env=later).stdout.split("\n\n")[0].split())
    assert (
        "Telemedicine flexibilities ended 2026-12-31 as last recorded (gazette-2025, 2025-12-31): check "
        "whether they were extended." in head
    ), head
    # before its end nothing has passed: the rule is said as recorded
    now = cli("cost", "alder", "-n", "14", "--format", "json").json()
    assert "in force through 2026-12-31" in now["regulation"][0]["summary"]
    assert "as last recorded" not in cli("compare", "--state", "TX").stdout


@pytest.mark.parametrize(
    "command", [["cost", "alder", "-n", "4"], ["cost", "alder", "-n", "2,4"], ["compare"]]
)
def test_without_a_state_the_headline_says_state_rules_were_not_checked(cli, command):
    """Without --state, a course that ends before 2027 showed no rule at all, the same as a
    state with none; Alabama's binds whatever the date. The headline says they were not
    checked; with a state it does not."""
    head = " ".join(cli(*command).stdout.split("\n\n")[0].split())
    assert "State rules not checked: give --state" in head, head
    with_state = " ".join(cli(*command, "--state", "TX").stdout.split("\n\n")[0].split())
    assert "State rules not checked" not in with_state


def test_json_gives_the_day_a_rules_effect_starts(cli):
    """The flexibilities' end was only in a rule's prose summary: a script could not read when
    an in-person evaluation may be required. ``effect_from`` gives the day (null for a rule in
    force since a day the data does not give, never a made-up one)."""
    record = cli("cost", "alder", "-n", "14", "--state", "AL", "--format", "json").json()
    effect = {r["id"]: r["effect_from"] for r in record["regulation"]}
    assert effect[FLEX] == "2027-01-01"
    assert effect[AL_RULE] == "2022-07-11"  # the fixture's statute starts then


@pytest.mark.parametrize(
    ("sessions", "said"),
    [
        ("4", None),  # ends 2026-12-12, 19 days before: a margin the consultation and shipment leave
        (
            "5",
            "The course's last day (2026-12-19) is 12 days before Telemedicine flexibilities end (2026-12-31)",
        ),
        (
            "6",
            "The course's last day (2026-12-26) is 5 days before Telemedicine flexibilities end (2026-12-31)",
        ),
        ("7", None),  # runs past the end: the rule itself is said
    ],
)
def test_a_course_ending_just_before_the_flexibilities_end_says_it_may_run_past(cli, sessions, said):
    """Five weekly sessions from today end 2026-12-31 with the first session dated on sign-up
    day, so no rule was said, though a consultation and a shipment come first (Better U ships
    "within 7 days after the first clinician visit"): the headline says the course may run
    past the flexibilities' end, with their source."""
    record = cli("cost", "alder", "-n", sessions, "--state", "TX", "--format", "json").json()
    near = record["near_end"]  # the same for a script
    assert (near is None) is (said is None), near
    if near is not None:
        assert (near["ends"], near["source"]) == ("2026-12-31", "gazette-2025") and near["days_before"] > 0
    cost = " ".join(cli("cost", "alder", "-n", sessions, "--state", "TX").stdout.split("\n\n")[0].split())
    compare = " ".join(cli("compare", "-n", sessions, "--state", "TX").stdout.split("\n\n")[0].split())
    for head in (cost, compare):
        if said is None:
            assert "The course's last day" not in head, head
        else:
            assert said in head and "(gazette-2025, 2025-12-31)" in head and "may run past them" in head, head
    assert ("Federal rule" in cost) is (sessions == "7")


@pytest.mark.parametrize("view", ["--if-stopped", "--by-month"])
def test_a_table_of_dates_opens_with_the_rules_on_the_courses_dates(cli, view):
    """The stop ledger and the cash by month listed dates from 2027-01-01, when the federal
    rule may stop the course, with no word of it: they open with the rules as cost does."""
    out = " ".join(cli("cost", "alder", "-n", "14", "--state", "AL", view).stdout.split("\n\n")[0].split())
    assert out.startswith(
        "AL rule: in-person visit required (AL: within 12 months) (state-code, 2024-04-04)."
    )
    assert f"Federal rule: {WARNING} {CITED}." in out


def test_the_near_end_note_is_said_only_where_the_flexibilities_decide(cli, tmp_path):
    """Alabama requires an in-person encounter now: a note that a course "may run past" the
    flexibilities read as if treatment at home were fine until then. A provider that does not
    serve the state carries no rule there; a course asked about after the end has no end to
    run past; and the first day of a course by months is its first month."""
    al = " ".join(cli("cost", "alder", "-n", "5", "--state", "AL").stdout.split("\n\n")[0].split())
    assert "in-person visit required (AL" in al and "The course's last day" not in al
    assert "The course's last day" not in cli("compare", "-n", "5", "--state", "AL").stdout
    fern_ny = " ".join(cli("cost", "fern", "-n", "5", "--state", "NY").stdout.split("\n\n")[0].split())
    assert "does not serve NY" in fern_ny and "The course's last day" not in fern_ny
    later = cli("cost", "alder", "-n", "5", "--start", "2026-11-21", env={"KETACALC_TODAY": "2027-02-01"})
    assert "The course's last day" not in later.stdout
    months = " ".join(
        cli("cost", "dune", "--months", "1", "--start", "2026-11-25").stdout.split("\n\n")[0].split()
    )
    assert "and its first month is dated on its start" in months, months


def test_the_near_end_reaches_every_view_of_the_course(cli):
    """The near-end note was in the headlines and cost's JSON only: compare's JSON and CSV,
    the calendar and the tables of dates now carry it too, in the row's own state
    (Alabama's rule binds now: no note there, though the same course priced without a state
    ends just before the flexibilities do)."""
    ends = {"ends": "2026-12-31", "days_before": 5, "source": "gazette-2025"}
    rows = {r["provider"]: r for r in cli("compare", "-n", "6", "--state", "TX", "--format", "json").json()}
    near = rows["alder"]["near_end"]
    assert {k: near[k] for k in ends} == ends
    assert rows["dune"]["near_end"] is None  # a month of daily doses: no course of 6 sessions
    al = {r["provider"]: r for r in cli("compare", "-n", "6", "--state", "AL", "--format", "json").json()}
    assert al["alder"]["near_end"] is None
    table = parse_output("csv", cli("compare", "-n", "6", "--state", "TX", "--format", "csv").stdout)
    [row] = [r for r in table if r["provider"] == "alder"]
    cell = "end 2026-12-31, 5 days after the course's last day (gazette-2025, 2025-12-31)"
    assert cell in row["near_end"]
    said = "The course's last day (2026-12-26) is 5 days before Telemedicine flexibilities end (2026-12-31)"
    calendar = cli("cost", "alder", "-n", "6", "--state", "TX", "--format", "ics").stdout
    assert said in " ".join(calendar.replace("\r\n ", "").replace("\\n", " ").replace("\\,", ",").split())
    for view in ("--if-stopped", "--by-month"):
        head = " ".join(
            cli("cost", "alder", "-n", "6", "--state", "TX", view).stdout.split("\n\n")[0].split()
        )
        assert said in head, (view, head)


@pytest.mark.parametrize(
    ("start", "said", "count"),
    [
        ("2026-12-10", None, None),  # the 2 sessions left over fall on 12-24 and 12-31: in force
        ("2026-12-17", "at the pace, 1 of them falls after Telemedicine flexibilities end (2026-12-31)", 1),
        ("2026-12-24", "at the pace, they fall after Telemedicine flexibilities end (2026-12-31)", 2),
    ],
)
def test_sessions_bought_beyond_those_asked_for_that_fall_after_the_end_are_said(cli, start, said, count):
    """Two sessions from 2026-12-24 buy Alder's 4-session program: the 2 left over, paid for
    now, fall in January, when an in-person evaluation may be required to use them. Only the
    sessions asked for were checked, so the course read as free of any rule."""
    args = ("cost", "alder", "-n", "2", "--state", "TX", "--start", start)
    record = cli(*args, "--format", "json").json()
    left = record["leftover_past_end"]
    head = " ".join(cli(*args).stdout.split("\n\n")[0].split())
    if said is None:
        assert left is None and "more than asked for" not in head, head
        return
    assert (left["count"], left["first"], left["ends"], left["source"]) == (
        count,
        "2027-01-07",
        "2026-12-31",
        "gazette-2025",
    )
    assert "The course buys 2 sessions more than asked for" in head and said in head, head
    assert "an in-person evaluation may be required before ketamine is prescribed for them" in head
    rows = {
        r["provider"]: r
        for r in cli("compare", "-n", "2", "--state", "TX", "--start", start, "--format", "json").json()
    }
    assert rows["alder"]["leftover_past_end"] == left
    # Alabama's own rule requires a visit now: the flexibilities' end decides nothing there
    al = cli("cost", "alder", "-n", "2", "--state", "AL", "--start", start, "--format", "json").json()
    assert al["leftover_past_end"] is None


def test_compare_says_each_providers_sessions_left_over_past_the_end(cli):
    """compare's headline gave the table's first provider's count under another's name (2
    sessions buy Birch's 12 but Alder's 4): it names each provider with its own count."""
    args = ("compare", "-n", "2", "--state", "TX", "--start", "2026-12-24")
    rows = cli(*args, "--format", "json").json()
    left = {r["name"]: r["leftover_past_end"] for r in rows if r["leftover_past_end"]}
    assert len({v["count"] for v in left.values()}) > 1, left  # packages of different sizes
    head = " ".join(cli(*args).stdout.split("\n\n")[0].split())
    assert (
        "Sessions bought beyond those asked for fall after Telemedicine flexibilities end (2026-12-31)"
        in head
    )
    for name, found in left.items():
        count = f"{found['count']} session" + ("" if found["count"] == 1 else "s")
        assert f"{name}: {count}, from {found['first']}" in head, (name, head)
    table = parse_output("csv", cli(*args, "--format", "csv").stdout)
    for row in table:
        name = next(r["name"] for r in rows if r["provider"] == row["provider"])
        assert bool(row["leftover_past_end"]) is (name in left)


def test_a_summary_says_what_the_end_means_in_csv_a_range_and_batch(cli):
    """cost's CSV, a range's records and batch's summaries (the shapes a script reads) carried
    the rules but not the sessions left over past the flexibilities' end, nor a course ending
    just before it: the table, the full record and compare said both."""
    args = ("cost", "alder", "-n", "2", "--state", "TX", "--start", "2026-12-24")
    full = cli(*args, "--format", "json").json()
    assert full["leftover_past_end"]["count"] == 2
    [row] = parse_output("csv", cli(*args, "--format", "csv").stdout)
    assert row["leftover_past_end"] == (
        "Telemedicine flexibilities: end 2026-12-31; 2 sessions left over after it, "
        "from 2027-01-07 (gazette-2025, 2025-12-31)"
    )
    # the 2nd session falls on the last day in force
    assert row["near_end"] == (
        "Telemedicine flexibilities: end 2026-12-31, on the course's last day (gazette-2025, 2025-12-31)"
    )
    records = cli("cost", "alder", "-n", "2,6", "--state", "TX", "--start", "2026-12-24", "--format", "json")
    two, six = records.json()
    assert (two["leftover_past_end"], two["near_end"]) == (full["leftover_past_end"], full["near_end"])
    assert six["leftover_past_end"] is None  # 6 sessions use the whole package: none left over
    assert six["near_end"] is None  # and run past the end
    # batch: the same course in Texas, then in Alabama (whose own rule binds: nothing said)
    # and the other way round; one course priced once is placed in the other state
    line = {"provider": "alder", "sessions": 2, "start": "2026-12-24"}
    for order in (("TX", "AL", "CA"), ("AL", "TX", "CA"), (None, "AL", "TX")):
        scenarios = jsonl(*({**line, "state": s} if s else line for s in order))
        out = [json.loads(r) for r in cli("batch", "-", input=scenarios).stdout.splitlines()]
        said = {s: r["leftover_past_end"] for s, r in zip(order, out, strict=True)}
        assert said["AL"] is None, order
        assert said["TX"] == full["leftover_past_end"], order
    csv_out = parse_output("csv", cli("batch", "-", "--format", "csv", input=jsonl(line)).stdout)
    assert csv_out[0]["leftover_past_end"] == row["leftover_past_end"]


def test_a_range_says_at_which_counts_the_end_leaves_sessions_over_or_comes_close(cli):
    """A range's table (cost -n 1-3) said nothing of the sessions left over past the
    flexibilities' end, nor of courses ending just before it: each single course's
    headline says both. The range's headline says at which counts."""
    head = " ".join(
        cli("cost", "alder", "-n", "1-3", "--state", "TX", "--start", "2026-12-24")
        .stdout.split("\n\n")[0]
        .split()
    )
    assert (
        "At 1–2 sessions, sessions bought beyond those asked for fall after Telemedicine flexibilities "
        "end (2026-12-31) (gazette-2025, 2025-12-31), at the pace: up to 2 sessions, from 2027-01-07; "
        "an in-person evaluation may be required before ketamine is prescribed for them."
    ) in head, head
    assert (
        "At 1–2 sessions, the course's last day falls fewer than 14 days before Telemedicine "
        "flexibilities end (2026-12-31)"
    ) in head, head
    # 3 sessions run past the end: the federal rule itself is said of them
    assert "Federal rule (courses of 3 sessions or more)" in head
    # in Alabama the state's own rule binds now: the end decides nothing there
    al = cli("cost", "alder", "-n", "1-3", "--state", "AL", "--start", "2026-12-24").stdout
    assert "beyond those asked for" not in al and "fewer than 14 days" not in al
