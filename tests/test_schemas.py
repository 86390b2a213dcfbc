"""Every command's JSON validates against the schema shipped in the package
(src/ketacalc/schemas/, linked from the README): the output contract is written down."""

from __future__ import annotations

import functools
import json
from importlib.resources import files

import jsonschema
import pytest

from conftest import FIXTURE_IDS, jsonl

#: (schema, command line) pairs, every command and its shapes (one N, a range, months, a state, errors)
RUNS = [
    ("cost", ["cost", "alder", "--sessions", "14"]),
    ("cost", ["cost", "fern", "--sessions", "6", "--state", "TX"]),
    ("cost", ["cost", "dune", "--months", "3", "--state", "NY", "--returning"]),
    ("cost", ["cost", "cedar", "-n", "8", "--insurer", "Aetna", "--state", "TX", "--as-of", "2025-06-13"]),
    ("cost-range", ["cost", "alder", "--sessions", "1-6", "--state", "TX"]),
    ("cost-range", ["cost", "birch", "--months", "1,3"]),
    ("compare", ["compare"]),
    ("compare", ["compare", "--state", "TX", "--sessions", "10", "--sort", "total"]),
    ("compare", ["compare", "--state", "CA", "--months", "3"]),
    # another route with no price on the day (null), which the schema refused
    ("compare", ["compare", "--state", "AL", "-n", "5", "--as-of", "2025-01-01"]),
    ("providers", ["providers"]),
    ("alternatives", ["alternatives"]),
    ("alternatives", ["alternatives", "--as-of", "2025-06-13"]),
    ("eligibility", ["eligibility", "--state", "TX"]),
    ("chart", ["chart", "--state", "TX", "--sessions", "1-8"]),
    ("chart", ["chart", "--months", "1-4"]),
    *[("show", ["show", p]) for p in FIXTURE_IDS],
    *[("history", ["history", p]) for p in FIXTURE_IDS],
    *[("states", ["states", p]) for p in FIXTURE_IDS],
]


def schema(name: str) -> dict:
    return json.loads((files("ketacalc") / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))


@functools.cache
def validator(name: str) -> jsonschema.Draft202012Validator:
    """The schema's validator, built once (``jsonschema.validate`` checks the schema itself on
    every call: most of this file's time); test_every_schema_is_a_valid_json_schema checks it."""
    return jsonschema.Draft202012Validator(schema(name))


@pytest.mark.parametrize(("name", "args"), RUNS, ids=[" ".join(a) for _, a in RUNS])
def test_every_commands_json_validates_against_its_shipped_schema(cli, name, args):
    result = cli(*args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    validator(name).validate(result.json())


def test_batch_records_and_errors_validate(cli):
    lines = jsonl(
        {"provider": "alder", "sessions": 6, "state": "TX"},
        {"provider": "dune", "months": 2},
        {"provider": "nosuch", "sessions": 2},
        "not json",
    )
    for full in ([], ["--full"]):
        result = cli("batch", *full, input=lines)
        for line in result.stdout.splitlines():
            validator("batch").validate(json.loads(line))


def test_a_schema_refuses_what_the_contract_does_not_allow(cli):
    """The schemas can fail: a money field as a float, or an unknown key, is refused."""
    record = cli("cost", "alder", "--sessions", "6", "--format", "json").json()
    with pytest.raises(jsonschema.ValidationError):
        validator("cost").validate({**record, "total": 1200.5})
    with pytest.raises(jsonschema.ValidationError):
        validator("cost").validate({**record, "surprise": 1})


def test_every_schema_is_a_valid_json_schema():
    names = sorted(p.name for p in (files("ketacalc") / "schemas").iterdir())
    assert len(names) == 11
    for name in names:
        jsonschema.Draft202012Validator.check_schema(schema(name.removesuffix(".schema.json")))
