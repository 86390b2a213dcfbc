"""Every error quotes at most 60 characters of any input (issue 17): a
300-character value once gave a 447-character line. Click's own messages (no
such option, unexpected extra argument, a bad choice) are mapped by the CLI's
error handling too.
"""

from __future__ import annotations

import re

import pytest

from conftest import assert_one_error_line

LONG = "q" * 300


def _echoes(line: str, char: str) -> int:
    """The longest run of ``char`` in the line: how much of the input it echoes."""
    longest = run = 0
    for c in line:
        run = run + 1 if c == char else 0
        longest = max(longest, run)
    return longest


@pytest.mark.parametrize(
    ("args", "code", "start"),
    [
        (["cost", LONG, "-n", "6"], 1, "Error: unknown provider 'qqq"),
        (["compare", "--sort", LONG], 2, "Error: --sort 'qqq"),
        (["cost", "alder", "-n", "6", "--format", LONG], 2, "Error: --format 'qqq"),
        (["batch", LONG], 1, "Error: cannot read …qqq"),
        (["report", "--state", "TX", "--output", "/nonexistent/" + LONG], 1, "Error: cannot write …qqq"),
        (["--data", "/nonexistent/" + LONG, "providers"], 1, "Error: bad data file: …qqq"),
        (["cost", "alder", "-n", "6", "--" + LONG], 2, "Error: no such option '--qqq"),
        (["cost", "alder", "-n", "6", LONG], 2, "Error: unexpected extra argument 'qqq"),
        ([LONG], 2, "Error: no such command 'qqq"),
        (["cost", "alder", "--sessions", LONG], 2, "Error: --sessions 'qqq"),
        (["eligibility", "--state", LONG], 2, "Error: --state 'qqq"),
    ],
)
def test_an_error_quotes_at_most_60_characters_of_the_input(cli, args, code, start):
    line = assert_one_error_line(cli(*args), code)
    assert line.startswith(start), line
    assert _echoes(line, "q") <= 60, line
    assert len(line) < 300, line


def test_a_cut_echo_says_how_long_the_input_was(cli):
    line = assert_one_error_line(cli("cost", "alder", "-n", "6", "--format", LONG), 2)
    assert "'… (300 characters) is not one of table, markdown, json, ndjson, csv, tsv" in line


@pytest.mark.parametrize(
    "args", [["--" + "q" * 300], ["compare", "q" * 300], ["cost", "alder", "-n", "6", "--format", "q" * 300]]
)
def test_the_length_of_a_cut_echo_is_said_after_its_closing_quote(cli, args):
    """ "no such option '--qqq…(302 characters)'" put the marker inside the quotes, where it
    read as part of what was typed; every cut echo says it after them."""
    line = assert_one_error_line(cli(*args), 2)
    assert re.search(r"q'… \(\d{3} characters\)", line), line


def test_a_guessed_command_is_a_sentence_of_its_own(cli):
    line = assert_one_error_line(cli("config", "get", "state"), 2)
    assert line.startswith("Error: no such command 'get' (did you mean 'set'?) — "), line


def test_a_short_choice_is_quoted_whole(cli):
    line = assert_one_error_line(cli("cost", "alder", "-n", "6", "--format", "xml"), 2)
    assert line == (
        "Error: --format 'xml' is not one of table, markdown, json, ndjson, csv, tsv, ics — see 'ketacalc cost --help'"
    )


def test_check_names_a_long_path_cut(cli, tmp_path):
    deep = tmp_path / ("d" * 100)
    deep.mkdir()
    bad = deep / "providers.yaml"
    bad.write_text("version: 2\n", encoding="utf-8")
    result = cli("check", str(bad))
    assert result.exit_code == 1
    last = result.stderr.splitlines()[-1]
    assert last.startswith("Error: ") and "Error: 3 problems in …" in last and _echoes(last, "d") < 60, last


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["cost", "TX", "-n", "6"], "TX"),
        (["states", "new york"], "NY"),
        (["cost", "AL", "-n", "6"], "AL"),  # near provider names came first
        (["cost", "CA", "-n", "6"], "CA"),
        (["show", "Maine"], "ME"),
    ],
)
def test_a_state_given_for_a_provider_says_which_commands_take_a_state(cli, args, code):
    """``cost TX -n 6`` listed every provider: a caregiver had typed a state. The one line says
    it is a state and where a state goes; a name near a provider's still gets its suggestion."""
    result = cli(*args)
    assert_one_error_line(result, 1)
    assert f"{code} is a state — for who serves it, 'ketacalc eligibility --state {code}'" in result.stderr
    near = cli("cost", "alderr", "-n", "6")
    assert "did you mean alder" in near.stderr and "is a state" not in near.stderr
    nothing = cli("cost", "zzz", "-n", "6")
    assert_one_error_line(nothing, 1)
    assert "is a state" not in nothing.stderr


@pytest.mark.parametrize(
    "old",
    ["    name: Alder Health\n", "        name: 10-Session Program\n", "    aliases: [alder-care]\n"],
)
def test_a_name_longer_than_an_echo_is_refused_by_check(cli, tmp_path, old):
    """Errors quote a provider's and a plan's name whole ("B…(300 B)… has no plan for route
    'injection'", a 400-character line): a name, or an alias matched against input, is at
    most 60 characters, as an echo of any input is."""
    from conftest import fixture_with

    field = old.split(":")[0]
    long = "B" * 61
    value = f"[{long}]" if "aliases" in old else long
    data = fixture_with(tmp_path, old, f"{field}: {value}\n")
    result = cli("check", str(data))
    assert result.exit_code == 1
    assert "at most 60 characters" in result.stderr
    assert all(len(line) < 250 for line in result.stderr.splitlines())
    ok = fixture_with(tmp_path, old, f"{field}: {value.replace('B' * 61, 'B' * 60)}\n")
    assert cli("check", str(ok)).exit_code == 0


def test_an_unknown_provider_in_a_file_of_none_says_the_file_lists_none(cli, tmp_path):
    """ "known providers: " ended with nothing after it for a data file with no providers."""
    import yaml

    from conftest import FIXTURE

    document = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    document["providers"] = []
    data = tmp_path / "empty.yaml"
    data.write_text(yaml.safe_dump(document), encoding="utf-8")
    assert cli("check", str(data)).exit_code == 0
    line = assert_one_error_line(cli("--data", str(data), "cost", "alder", "-n", "6"), 1)
    assert line.endswith(
        "the data file lists no providers: give one that does with --data, or add them to it"
    ), line
