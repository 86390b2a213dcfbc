"""Golden files: every command's whole output on the fixture data, as JSON and as a
table at 80 and 120 columns, and ``batch`` as NDJSON and CSV.

The JSON goldens pin the contract (``schema_version``, ``currency`` and every field
of every record); they are stored pretty-printed so a change reads as a small diff.
Table goldens hold stdout and, below a marker line, the notes written to stderr.
Rewrite them all with ``pytest --update-golden`` and review the diff.
"""

from __future__ import annotations

import json

import pytest

from conftest import jsonl

COMMANDS = {
    "providers": ["providers"],
    "show-alder": ["show", "alder"],
    "cost-alder-14": ["cost", "alder", "--sessions", "14"],
    "cost-cedar-1-10": ["cost", "cedar", "--sessions", "1-10"],
    "history-alder": ["history", "alder"],
    "states-birch": ["states", "birch"],
    "eligibility-TX": ["eligibility", "--state", "TX"],
    "compare-TX": ["compare", "--state", "TX"],
    "compare-TX-sessions-10": ["compare", "--state", "TX", "--sessions", "10"],
}
# the records that hold money carry their currency
WITH_CURRENCY = {
    "providers",
    "show-alder",
    "cost-alder-14",
    "cost-cedar-1-10",
    "history-alder",
    "compare-TX",
    "compare-TX-sessions-10",
}

BATCH_INPUT = jsonl(
    {"provider": "alder", "sessions": 14},
    {"provider": "birch", "sessions": 6, "state": "TX", "insurer": "aetna", "as_of": "2025-06-13"},
    {"provider": "cedar", "sessions": 10, "returning": True, "pay_in_full": True, "discount": "20"},
    {"provider": "dune", "sessions": 60, "start": "2027-01-31"},
    {"provider": "elm", "sessions": 6},
    {"provider": "nosuch", "sessions": 6},
    {"provider": "alder", "sessions": 0},
)
STDERR = "\n--- stderr ---\n"


def test_the_fixture_is_a_valid_data_file(cli):
    """``ketacalc check`` is silent on the data file every behaviour test uses."""
    result = cli("check")  # KETACALC_DATA: tests/data/fixture/providers.yaml
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def records(value: object) -> list[dict]:
    return value if isinstance(value, list) else [value]  # type: ignore[return-value]


@pytest.mark.parametrize("name", COMMANDS)
def test_json_golden(cli, golden, name):
    result = cli(*COMMANDS[name], "--format", "json")
    assert result.exit_code == 0, result.stderr
    value = result.json()
    for record in records(value):
        assert record["schema_version"] == 1
        if name in WITH_CURRENCY:
            assert record["currency"] == "USD"
    golden(f"{name}.json", json.dumps(value, indent=2, ensure_ascii=False) + "\n")


@pytest.mark.parametrize("columns", ["80", "120"])
@pytest.mark.parametrize("name", COMMANDS)
def test_table_golden(cli, golden, name, columns):
    result = cli(*COMMANDS[name], env={"COLUMNS": columns})
    assert result.exit_code == 0, result.stderr
    assert max(len(line) for line in result.stdout.splitlines()) <= int(columns)
    golden(f"{name}-{columns}.txt", result.stdout + (STDERR + result.stderr if result.stderr else ""))


@pytest.mark.parametrize(
    ("fmt", "extra"),
    [("ndjson", []), ("csv", []), ("ndjson", ["--full"])],
    ids=["ndjson", "csv", "full-ndjson"],
)
def test_batch_golden(cli, golden, fmt, extra):
    result = cli("batch", "--format", fmt, *extra, input=BATCH_INPUT)
    assert result.exit_code == 1  # three lines fail (elm has no price); the others are priced
    assert [line.split(":")[0] for line in result.stderr.splitlines()] == ["line 5", "line 6", "line 7"]
    if fmt == "ndjson":
        lines = [json.loads(line) for line in result.stdout.splitlines()]
        assert [r["line"] for r in lines] == [1, 2, 3, 4, 5, 6, 7]
        text = "".join(json.dumps(r, indent=2, ensure_ascii=False) + "\n" for r in lines)
        golden(f"batch{'-full' if extra else ''}.ndjson.json", text + STDERR + result.stderr)
    else:
        golden("batch.csv", result.stdout + STDERR + result.stderr)
