"""The 2026-12 QA review's findings on what the views say (#6, #10, #12, #13, #14, #17,
#20, #23), each pinned on fixture data or on a copy of it with one change written here.

Figures of the shipped providers.yaml are pinned in ``test_shipped_data.py`` only.
"""

from __future__ import annotations

from pathlib import Path

from conftest import FIXTURE

FERN_CONSULTS = (
    '      - {id: consultation, kind: consult, description: "Initial consultation", per: course, client: new, '
    "amount: 300, source: fern-site-2026-04, as_of: 2026-04-02}\n"
    '      - {id: consultation, kind: consult, description: "Initial consultation", per: course, client: new, '
    "amount: 350, source: fern-site-2026-05, as_of: 2026-05-01}\n"
)


def data_with(tmp_path: Path, *changes: tuple[str, str]) -> str:
    """A copy of the fixture with each ``(old, new)`` replaced once."""
    text = FIXTURE.read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "providers.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def flat(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------- #10: a stale $0 line has its legend


def test_a_free_consultation_older_than_max_age_is_marked_and_the_mark_explained(cli, tmp_path):
    """Fern's visits are priced in 2026; its consultation, free, was last seen in 2025-06. The
    table marks its date "!"; the caption must say what "!" means, and JSON (which counts a $0
    line as pricing nothing) still says the prices are not stale."""
    free = (
        '      - {id: consultation, kind: consult, description: "Initial consultation", per: course, '
        "client: new, amount: 0, source: review-2025, as_of: 2025-06-13}\n"
    )
    data = data_with(tmp_path, (FERN_CONSULTS, free))
    table = cli("--data", data, "cost", "fern", "--sessions", "2")
    assert table.exit_code == 0, table.stderr
    assert "2025-06-13 !" in table.stdout
    text = flat(table.stdout)
    assert "! = a figure older than 365 days on 2026-11-21 (set --max-age): a $0 charge" in text
    record = cli("--data", data, "cost", "fern", "--sessions", "2", "--format", "json").json()
    assert record["stale"] is False and record["oldest_price"] == "2026-05-01"
    # a course whose prices are fresh and whose lines are all fresh has no legend
    fresh = cli("cost", "fern", "--sessions", "2")
    assert " ! " not in flat(fresh.stdout) and "! =" not in fresh.stdout


# --------------------------------------------------------------- #12: a count of states, no list

COUNT_ONLY = """
  - id: hazel
    name: Hazel Care
    status:
      - {value: operating, source: review-2025, as_of: 2025-06-13}
    states:
      - source: review-2025
        as_of: 2025-06-13
        count: 25
        count_is_minimum: true
        note: "'operates across 25+ US states'; no list of which states."
"""


def test_states_of_a_provider_that_publishes_only_a_count_says_so(cli, tmp_path):
    data = data_with(tmp_path)
    Path(data).write_text(
        Path(data).read_text(encoding="utf-8").rstrip("\n") + "\n" + COUNT_ONLY, encoding="utf-8"
    )
    assert cli("--data", data, "check", data).exit_code == 0
    result = cli("--data", data, "states", "hazel")
    assert result.exit_code == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert (
        first
        == "Hazel Care publishes no list of the states it serves; it says 25+ states (review-2025, 2025-06-13)."
    )
    assert "available in 0 states" not in result.stdout
    # a provider with a list still says where it is available
    assert cli("states", "fern").stdout.startswith("Fern Health is available in 2 states: CA, TX.")


# --------------------------------------------------------------- #13: a hired sitter counted once

ALDER_SITTER = (
    "      - {source: alder-help, low: 20, high: 40, first_session_hours: 3, "
    'later_session_hours: "1.5", note: "\'$20-40 an hour\'."}\n'
)
ALDER_SITTER_FEE = (
    "    charges:\n"
    '      - {id: hired-monitor, kind: fee, description: "A hired sitter (instead of a friend)", '
    "per: hour, required: false, low: 20, high: 40, source: alder-help}\n"
)


def test_with_hired_sitter_the_sitters_fee_is_not_also_listed_as_not_in_the_total(cli, tmp_path):
    """Alder prices a hired sitter both as an hourly fee and as hours per session. Asked for,
    the sitter is estimated beside the total; its hourly fee must not be listed again under
    "Charges not in the total", where a reader would add it a second time."""
    data = data_with(tmp_path, (ALDER_SITTER, ALDER_SITTER + ALDER_SITTER_FEE))
    assert cli("--data", data, "check", data).exit_code == 0
    plain = cli("--data", data, "cost", "alder", "--sessions", "14")
    assert (
        "Charges not in the total" in plain.stdout and "A hired sitter (instead of a friend)" in plain.stdout
    )
    hired = cli("--data", data, "cost", "alder", "--sessions", "14", "--hired-sitter")
    assert hired.exit_code == 0, hired.stderr
    assert "sitter est. $450.00–$900.00" in flat(hired.stdout)
    assert "A hired sitter (instead of a friend)" not in hired.stdout
    record = cli(
        "--data", data, "cost", "alder", "--sessions", "14", "--hired-sitter", "--format", "json"
    ).json()
    assert [c["id"] for c in record["optional"]] == []
    assert [c["id"] for c in record["charges"] if c["kind"] == "sitter"] == ["hired-sitter"]


# --------------------------------------------------------------- #14: unknown terms in a calendar's summary


def test_a_payment_whose_terms_are_not_published_says_so_in_its_calendar_summary(cli):
    """alder's $840 price of 2026-05-05 came without payment terms: on 2026-07-01 its payment
    is shown at purchase, and the summary a calendar shows must say the date is not published."""
    from icalendar import Calendar

    args = ["cost", "alder", "-n", "4", "--as-of", "2026-07-01", "--start", "2026-07-01"]
    assert cli(*args, "--format", "json").json()["schedule"][0]["assumed"] is True
    [event] = Calendar.from_ical(cli(*args, "--format", "ics").stdout).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Pay $840.00 (date not published): Alder Health, 4-Session Program"
    assert "Payment terms not published" in str(event["DESCRIPTION"])
    # published terms keep the plain summary
    found = Calendar.from_ical(cli("cost", "alder", "-n", "4", "--format", "ics").stdout).walk("VEVENT")
    assert str(found[0]["SUMMARY"]) == "Pay $440.00: Alder Health, 4-Session Program"


# --------------------------------------------------------------- #17: a range's title dates its prices


def test_a_range_table_is_titled_with_the_dates_of_its_prices_not_today(cli):
    """Cedar's prices were last seen on 2025-06-13 (fern's on 2026-04-02 and 2026-05-01); today
    is 2026-11-21. A title must not call them prices "as of" today."""
    text = cli("cost", "cedar", "--sessions", "1-3").stdout
    assert "Cedar Care: cost for a new client (prices dated 2025-06-13)\n" in text
    assert "as of 2026-11-21" not in text
    fern = cli("cost", "fern", "--sessions", "1,2", "--as-of", "2026-04-15").stdout
    assert "Fern Health: cost for a new client (prices dated 2026-04-02)\n" in fern


# --------------------------------------------------------------- #20: show marks a superseded charge


def test_show_marks_a_charge_superseded_by_a_newer_observation_as_older(cli):
    """Fern's consultation was $300 on 2026-04-02 and $350 on 2026-05-01: one consultation, its
    older figure marked, as older plan prices are, not two consultations to pay."""
    text = cli("show", "fern").stdout
    charges = text[text.index("Charges besides the plans") : text.index("\nStates")]
    lines = [line for line in charges.splitlines() if line.startswith("Initial consultation")]
    assert len(lines) == 2
    assert "(older)" in lines[0] and "$300.00" in lines[0]
    assert "(older)" not in lines[1] and "$350.00" in lines[1]
    # on a date before the newer figure, the $300 one is in force
    earlier = cli("show", "fern", "--as-of", "2026-04-15").stdout
    assert "Initial consultation (older)" not in earlier
