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
