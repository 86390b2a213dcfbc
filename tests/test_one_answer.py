"""One request, one answer: the library, ``cost --format json``, ``batch --full`` and the
matching ``compare`` row are views of the same answer, so they agree field for field."""

from __future__ import annotations

import json

import pytest

import ketacalc
from conftest import FIXTURE, FIXTURE_IDS, TODAY, jsonl
from ketacalc.errors import NoPrice

#: a spread of requests: sessions and months, with and without a state, new and returning
REQUESTS = [
    {"sessions": 6},
    {"sessions": 18, "state": "TX"},
    {"sessions": 4, "state": "NY", "returning": True},
    {"months": 3, "state": "TX"},
    {"months": 1},
]
#: a row's stale marks follow --max-age as cost's do
COMPARED = [*REQUESTS, {"sessions": 6, "state": "TX", "max_age": 30}]
#: cost's other questions, which a batch line takes too: a stale mark (some fixture prices are
#: over 30 days old on TODAY, none over 3,650) and a hired sitter's estimate (low and high totals)
COST_ONLY = [
    {"sessions": 6, "state": "TX", "max_age": 30},
    {"sessions": 6, "max_age": 3650},
    {"sessions": 14, "hired_sitter": True},
    {"months": 2, "state": "TX", "hired_sitter": True, "max_age": 30},
]


def _cli_args(provider: str, request: dict) -> list[str]:
    args = ["cost", provider]
    for key, value in request.items():
        flag = "--" + key.replace("_", "-")
        args += [flag] if value is True else [flag, str(value)]
    return [*args, "--format", "json"]


def _priced(provider: str, request: dict):
    try:
        return ketacalc.cost(provider, data=FIXTURE, today=TODAY, **request)
    except NoPrice:
        return None


CASES = [(p, r) for p in FIXTURE_IDS for r in [*REQUESTS, *COST_ONLY]]


@pytest.mark.parametrize(("provider", "request_"), CASES, ids=[f"{p}-{json.dumps(r)}" for p, r in CASES])
def test_library_cost_and_batch_give_the_same_record(cli, provider, request_):
    answer = _priced(provider, request_)
    printed = cli(*_cli_args(provider, request_))
    if answer is None:  # unpriced in the library: exit 1 in the CLI, an error line in batch
        assert printed.exit_code == 1 and printed.stdout == ""
        return
    assert printed.exit_code == 0, printed.stderr
    record = answer.to_dict()
    assert record == printed.json()

    batch = cli("batch", "--full", input=jsonl({"provider": provider, **request_}))
    [line] = [json.loads(x) for x in batch.stdout.splitlines()]
    assert line.pop("line") == 1 and line.pop("error") is None
    assert line == record


def test_max_age_and_a_hired_sitter_change_the_answer_in_every_view(cli):
    """The parity above is not vacuous: these two fields change what cost and batch say."""
    plain, marked = (_priced("alder", {"sessions": 14, "max_age": age}) for age in (3650, 30))
    assert (plain.to_dict()["stale"], marked.to_dict()["stale"]) == (False, True)
    sitter = _priced("alder", {"sessions": 14, "hired_sitter": True}).to_dict()
    assert sitter["total_low"] != sitter["total"] != sitter["total_high"]
    lines = [{"provider": "alder", "sessions": 14, **extra} for extra in
             ({}, {"max_age": 30}, {"hired_sitter": True}, {"hired_sitter": "no", "max_age": "3650"})]  # fmt: skip
    rows = [json.loads(x) for x in cli("batch", input=jsonl(*lines)).stdout.splitlines()]
    assert [r["stale"] for r in rows] == [False, True, False, False]
    assert [r["total_high"] == r["total"] for r in rows] == [True, True, False, True]


@pytest.mark.parametrize("request_", COMPARED, ids=[json.dumps(r) for r in COMPARED])
def test_a_compare_row_shows_the_same_course_as_cost(cli, request_):
    rows = ketacalc.compare(data=FIXTURE, today=TODAY, **request_).to_dict()
    printed = cli("compare", *_cli_args("x", request_)[2:])
    assert rows == printed.json()
    for row in rows:
        answer = _priced(row["provider"], request_)
        if answer is None or not row["comparable"]:
            continue
        record = answer.to_dict()
        shared = set(row) & set(record)
        assert shared >= {"total", "due_at_signup", "per_session", "charges", "availability", "prices_as_of"}
        assert {k: row[k] for k in shared if k != "notes"} == {k: record[k] for k in shared if k != "notes"}


def test_a_range_is_a_list_of_summaries_in_both(cli):
    answer = ketacalc.cost("alder", "1-5", data=FIXTURE, today=TODAY)
    assert answer.to_dict() == cli("cost", "alder", "--sessions", "1-5", "--format", "json").json()
    assert [r.sessions_requested for r in answer.results] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("provider", FIXTURE_IDS)
def test_show_and_providers_are_the_library_as_the_commands_print_it(cli, provider):
    shown = ketacalc.show(provider, as_of="2025-06-13", data=FIXTURE, today=TODAY)
    assert shown.provider.id == provider
    assert shown.to_dict() == cli("show", provider, "--as-of", "2025-06-13", "--format", "json").json()
    listed = ketacalc.providers(data=FIXTURE, today=TODAY)
    assert [row.provider.id for row in listed] == list(FIXTURE_IDS)
    assert listed.to_dict() == cli("providers", "--format", "json").json()
