"""``cost --format ics``: the payment schedule as a calendar a person can import."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from conftest import assert_one_error_line, shown


def events(text: str) -> list:
    from icalendar import Calendar

    cal = Calendar.from_ical(text)
    assert cal["VERSION"] == "2.0" and "ketacalc" in str(cal["PRODID"])
    return list(cal.walk("VEVENT"))


@pytest.mark.parametrize(
    "args",
    [["alder", "-n", "6"], ["cedar", "--sessions", "12", "--start", "2027-01-31"],
     ["fern", "--months", "3"], ["alder", "-n", "6", "--pay-in-full"]],
    ids=" ".join,
)  # fmt: skip
def test_each_payment_is_an_all_day_event_with_its_amount_on_its_date(cli, args):
    calendar = cli("cost", *args, "--format", "ics")
    assert calendar.exit_code == 0, calendar.stderr
    schedule = cli("cost", *args, "--format", "json").json()["schedule"]
    found = events(calendar.stdout)
    assert len(found) == len(schedule) > 0
    for event, payment in zip(found, schedule, strict=True):
        start = event.decoded("DTSTART")
        assert type(start) is date  # all day, no time
        assert start == date.fromisoformat(payment["due"])
        assert event.decoded("DTEND") == start + timedelta(days=1)
        amount = shown(Decimal(payment["amount"]))
        assert str(event["SUMMARY"]).startswith(f"Pay {amount}: ")
        assert amount in str(event["DESCRIPTION"])
    assert sum(
        Decimal(str(e["SUMMARY"]).split()[1].rstrip(":").lstrip("$").replace(",", "")) for e in found
    ) == sum(Decimal(p["amount"]) for p in schedule)


def test_the_summary_and_description_name_the_purchase(cli):
    found = events(cli("cost", "alder", "-n", "6", "--format", "ics").stdout)
    first = found[0]
    assert str(first["SUMMARY"]) == "Pay $440.00: Alder Health, 4-Session Program"
    description = str(first["DESCRIPTION"])
    assert (
        "Payment 1 of 4: $440.00 for 4-Session Program, part of 6 sessions with Alder Health" in description
    )
    assert "Purchase: 4-Session Program, 4 sessions, bought as a new client, $880.00" in description
    assert "Price as of 2026-08-14, source alder-site.\n" in description  # fresh: nothing more said
    assert "Not medical advice" in description


def test_an_insured_or_stale_price_says_so_in_the_calendar_as_in_the_table(cli):
    """Birch's $500 with Aetna (2025-06-13) read as a plain cash price in a calendar, and its
    age went unsaid, where the table marks both."""
    args = ("cost", "birch", "-n", "6", "--state", "TX", "--insurer", "Aetna", "--format", "ics")
    first = events(cli(*args).stdout)[0]
    assert str(first["SUMMARY"]) == "Pay $250.00: Birch Clinic, Starter Program (insured)"
    description = " ".join(str(first["DESCRIPTION"]).split())
    assert "Starter Program, 6 sessions, bought as a new client, $500.00 (insurance price)" in description
    assert "Stale: more than 365 days old on 2026-11-21; check it with the provider." in description


def test_uids_are_unique_and_the_same_on_every_run(cli):
    first = cli("cost", "alder", "-n", "6", "--format", "ics", "--with-sessions").stdout
    again = cli("cost", "alder", "-n", "6", "--format", "ics", "--with-sessions").stdout
    assert first == again  # the same file: importing it again updates, never duplicates
    uids = [str(e["UID"]) for e in events(first)]
    assert len(uids) == len(set(uids))
    other = cli("cost", "alder", "-n", "8", "--format", "ics").stdout
    assert not set(uids) & {str(e["UID"]) for e in events(other)}  # another course, other events


def test_with_sessions_adds_each_session_at_the_pace(cli):
    result = cli("cost", "alder", "-n", "6", "--pace", "2", "--format", "ics", "--with-sessions")
    assert result.exit_code == 0, result.stderr
    sessions = [e for e in events(result.stdout) if str(e["SUMMARY"]).startswith("Session ")]
    assert [str(e["SUMMARY"]) for e in sessions][:2] == [
        "Session 1 of 6: Alder Health",
        "Session 2 of 6: Alder Health",
    ]
    days = [e.decoded("DTSTART") for e in sessions]
    assert days == [date(2026, 11, 21) + timedelta(days=d) for d in (0, 4, 7, 11, 14, 18)]  # twice a week


@pytest.mark.parametrize("pace", [None, "3"])
def test_with_sessions_a_daily_dose_course_has_a_dose_each_day_whatever_the_pace(cli, pace):
    """A month of daily low doses was dated at the pace's sessions a week: 'Session 30 of 30'
    fell months after the course cost says ends. A dose is dated each day, and called a dose."""
    extra = ("--pace", pace) if pace else ()
    result = cli("cost", "dune", "--months", "1", *extra, "--format", "ics", "--with-sessions")
    assert result.exit_code == 0, result.stderr
    doses = [e for e in events(result.stdout) if "categories" in e and "session" in str(e["CATEGORIES"].cats)]
    count = len(doses)
    assert count == 30  # one a day, 2026-11-21 to 2026-12-20: the month cost prices
    assert [str(e["SUMMARY"]).split(":")[0] for e in doses[:2]] == [
        f"Dose 1 of {count}",
        f"Dose 2 of {count}",
    ]
    days = [e.decoded("DTSTART") for e in doses]
    assert days == [date(2026, 11, 21) + timedelta(days=d) for d in range(count)]
    assert "Planned at one dose a day from 2026-11-21" in str(doses[0]["DESCRIPTION"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["cost", "alder", "-n", "1-3", "--format", "ics"], "--format ics writes one course"),
        (["cost", "alder", "-n", "6", "--with-sessions"], "--with-sessions is for a calendar"),
        # a calendar silently dropped the month table or the stop ledger asked for
        (
            ["cost", "alder", "-n", "6", "--format", "ics", "--by-month"],
            "--format ics writes the payment dates, not --by-month",
        ),
        (["cost", "alder", "-n", "6", "--format", "ics", "--if-stopped"], "not --if-stopped"),
    ],
)
def test_a_calendar_is_of_one_course(cli, args, message):
    line = assert_one_error_line(cli(*args), 2)
    assert message in line


def test_icalendar_is_imported_only_for_a_calendar():
    from conftest import run_subprocess

    proc = run_subprocess(
        shell="python -X importtime -m ketacalc cost alder -n 6 --format json 2>&1 >/dev/null | grep -c icalendar || true"
    )
    assert proc.stdout.strip() == "0"


def test_a_calendar_total_carries_its_estimate_as_the_table_does(cli):
    """ "(total $880.00)" left the hired sitter's estimate out, which the table gives beside it."""
    first = events(cli("cost", "alder", "-n", "4", "--hired-sitter", "--format", "ics").stdout)[0]
    assert "(total $880.00 + sitter est. $150.00–$300.00)" in " ".join(str(first["DESCRIPTION"]).split())


def test_a_promo_split_across_installments_is_said_to_be_assumed_in_the_calendar(cli):
    """Alder's first plan is paid in 2 installments: a $100 code comes off the earliest by an
    assumption, which each of that purchase's payments says (a calendar showed '$340.00' as
    fact); the later purchase's payments do not."""
    found = events(cli("cost", "alder", "-n", "6", "--discount", "100", "--format", "ics").stdout)
    first = [e for e in found if "(promo split assumed)" in str(e["SUMMARY"])]
    assert len(first) == 2 and str(first[0]["SUMMARY"]).startswith("Pay $340.00 (promo split assumed): ")
    assert "an assumption, as no source says how a code is split" in str(first[0]["DESCRIPTION"])
    later = [e for e in found if "(promo split assumed)" not in str(e["SUMMARY"])]
    assert later and all(str(e["SUMMARY"]).startswith("Pay ") for e in later)  # the later purchase's
    plain = events(cli("cost", "alder", "-n", "6", "--format", "ics").stdout)
    assert not any("assumed" in str(e["SUMMARY"]) for e in plain)


def test_the_calendar_carries_the_rules_on_the_courses_dates(cli):
    """The calendar, the file a person keeps and shares, said no word of a rule: Alabama's
    in-person rule binds every session, the federal flexibilities' end binds those from
    2027-01-01. The calendar's description gives each with its source; an event on a date a
    rule binds gives it too, and a session says it in its summary, which calendars show."""
    from icalendar import Calendar

    text = cli("cost", "alder", "-n", "14", "--state", "AL", "--format", "ics", "--with-sessions").stdout
    cal = Calendar.from_ical(text)
    described = str(cal["X-WR-CALDESC"])
    assert (
        "Telemedicine flexibilities: in force through 2026-12-31" in described and "gazette-2025" in described
    )
    assert "In AL" in described
    sessions = [e for e in cal.walk("VEVENT") if "session" in e["CATEGORIES"].cats]
    assert len(sessions) == 14
    for event in sessions:
        day, summary, description = event.decoded("DTSTART"), str(event["SUMMARY"]), str(event["DESCRIPTION"])
        federal = day >= date(2027, 1, 1)
        assert ("may be required from 2027-01-01" in summary) is federal, (day, summary)
        assert ("Telemedicine flexibilities" in description) is federal, (day, description)
        assert "in-person visit required (AL" in summary  # Alabama's binds the whole course
    # a course that ends before the rules bind says none
    short = Calendar.from_ical(cli("cost", "alder", "-n", "4", "--format", "ics").stdout)
    assert "Rule:" not in str(short["X-WR-CALDESC"])
    assert not any("Rule:" in str(e["DESCRIPTION"]) for e in short.walk("VEVENT"))


def test_the_calendar_says_a_caution_as_one_the_states_first_and_cites_each_once(cli, tmp_path):
    """A state's caution was labelled "Rule:", the federal rule came before the state's (the
    headline says the state's first), a citation followed its full stop, and without a state
    the calendar said nothing of state rules."""
    from icalendar import Calendar

    from test_regulation import with_caution

    data = with_caution(tmp_path)
    cal = Calendar.from_ical(
        cli("--data", data, "cost", "alder", "-n", "14", "--state", "TX", "-f", "ics").stdout
    )
    lines = str(cal["X-WR-CALDESC"]).replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";").splitlines()
    assert lines[0].startswith("Caution: In TX, a state rule may require an in-person visit"), lines
    assert lines[1].startswith("Rule: Telemedicine flexibilities: in force through 2026-12-31"), lines
    assert lines[1].endswith("unless the rule is extended (gazette-2025, 2025-12-31)."), lines
    plain = Calendar.from_ical(cli("cost", "alder", "-n", "4", "-f", "ics").stdout)
    assert "State rules not checked" in str(plain["X-WR-CALDESC"])


def test_the_calendar_says_what_the_total_rests_on_and_whether_the_provider_serves_the_state(cli):
    """Read without the table: Cedar's total rests on a plan for some people only, and Alder
    is not known to serve AL; the table's headline said both, the calendar neither."""
    from icalendar import Calendar

    cedar = Calendar.from_ical(cli("cost", "cedar", "-n", "3", "--as-of", "2025-06-13", "-f", "ics").stdout)
    assert "That total is on Introduction, for problems of the last year" in str(
        cedar["X-WR-CALDESC"]
    ).replace("\\,", ",")
    alder = Calendar.from_ical(cli("cost", "alder", "-n", "4", "--state", "AL", "-f", "ics").stdout)
    assert "Alder Health is not known to serve AL" in str(alder["X-WR-CALDESC"])
