"""Issue 10 ("hardening round two"), item by item: each test names what it pins.

The hostile inputs with their one-line messages are catalogued in
tests/test_hostile_inputs.py; the fuzz tests are in tests/test_cli_fuzz.py.
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import TODAY, assert_one_error_line, jsonl, load_fixture

# --------------------------------------------------------------- batch: the summary without every payment


@given(
    provider=st.sampled_from(["alder", "birch", "cedar", "dune", "fern", "gale", "elm"]),
    returning=st.booleans(),
    pay_in_full=st.booleans(),
    pace=st.sampled_from(["1", "0.5", "3", "14", "0.01"]),
    as_of=st.sampled_from([None, date(2025, 6, 13), date(2024, 1, 1)]),
    insured=st.booleans(),
    counts=st.lists(st.integers(1, 3000), min_size=1, max_size=4),
    starts=st.lists(st.dates(date(2020, 1, 1), date(9000, 12, 31)), min_size=1, max_size=3),
)
def test_one_pricer_for_every_start_gives_what_a_fresh_pricer_gives(
    provider, returning, pay_in_full, pace, as_of, insured, counts, starts
):
    """batch keeps one pricer per provider and options, whatever the start: each
    summary is, field for field, what a pricer made for that start gives."""
    from ketacalc.domain.pricing import CostQuery, ProviderPricer
    from ketacalc.errors import KetacalcError
    from ketacalc.output.views.cost import summary_record

    catalog = load_fixture()
    found = catalog.find(provider)
    query = CostQuery(
        sessions=1, returning=returning, pay_in_full=pay_in_full, pace=Decimal(pace), as_of=as_of,
        state="TX" if insured else None, insurer="Aetna" if insured else None,
    )  # fmt: skip
    shared = ProviderPricer(found, query, TODAY)

    def outcome(price, n, *start):
        try:
            return summary_record(price(n, *start))
        except KetacalcError as exc:  # a schedule past 9999 is refused alike
            return str(exc)

    for n in counts:
        for start in starts:
            fresh = ProviderPricer(found, query._replace(start=start), TODAY)
            assert outcome(shared.price, n, start) == outcome(fresh.price, n)


def test_distinct_scenarios_give_what_cost_gives(cli):
    """One pricer serves every start: each line still gets its own dates."""
    lines = [
        {"provider": "alder", "sessions": n, "start": f"2026-0{m}-1{m}"} for n in (3, 25) for m in (1, 5)
    ]
    result = cli("batch", input=jsonl(*lines))
    assert result.exit_code == 0, result.stderr
    for line, record in zip(lines, result.stdout.splitlines(), strict=True):
        expected = cli("cost", "alder", "--sessions", str(line["sessions"]), "--start", line["start"],
                       "--format", "csv")  # fmt: skip
        got = json.loads(record)
        assert got["first_due"] == line["start"]
        assert got["last_due"] in expected.stdout and got["total"] in expected.stdout


# --------------------------------------------------------------- batch loses no line


def test_a_bug_on_one_line_fails_only_that_line(cli, monkeypatch):
    """An unexpected exception while pricing one line is that line's error; the
    lines after it are still priced, and the run exits 70 at the end."""
    from ketacalc.domain.pricing import ProviderPricer

    real = ProviderPricer.price

    def broken(self, n, start=None):
        if n == 5:
            raise RuntimeError("boom")
        return real(self, n, start)

    monkeypatch.setattr(ProviderPricer, "price", broken)
    result = cli("batch", input=jsonl(*({"provider": "alder", "sessions": n} for n in (4, 5, 6))))
    assert result.exit_code == 70
    first, second, third = (json.loads(r) for r in result.stdout.splitlines())
    assert first["total"] is not None and third["total"] is not None
    message = "internal error (RuntimeError: 'boom') — please report it"
    assert second == {"schema_version": 1, "line": 2, "error": message}
    assert result.stderr == f"line 2: {message}\n"


def test_a_bug_while_reading_one_line_fails_only_that_line(cli, monkeypatch):
    from ketacalc.io import scenarios

    real = scenarios._json_line

    def broken(line):
        if b"birch" in line:
            raise RuntimeError("bad read")
        return real(line)

    monkeypatch.setattr(scenarios, "_json_line", broken)
    text = jsonl(
        {"provider": "alder", "sessions": 4},
        {"provider": "birch", "sessions": 4},
        {"provider": "alder", "sessions": 8},
    )
    result = cli("batch", "--format", "csv", input=text)
    assert result.exit_code == 70
    assert [row.split(",")[0] for row in result.stdout.splitlines()[1:]] == ["1", "2", "3"]
    assert result.stderr.startswith("line 2: internal error (RuntimeError: 'bad read')")


def test_pace_too_small_for_decimal_between_good_lines(cli):
    lines = [{"provider": "alder", "sessions": 4}, '{"provider": "alder", "sessions": 24, "pace": 1e-1000000}',
             {"provider": "alder", "sessions": 24, "pace": "1e-1000000"}, {"provider": "alder", "sessions": 8}]  # fmt: skip
    result = cli("batch", input=jsonl(*lines))
    assert result.exit_code == 1
    records = [json.loads(r) for r in result.stdout.splitlines()]
    assert [r["line"] for r in records] == [1, 2, 3, 4]
    assert [r["error"] is None for r in records] == [True, False, False, True]
    assert "pace" in records[1]["error"] and "pace" in records[2]["error"]


# --------------------------------------------------------------- output that cannot be written


def test_a_full_disk_is_one_line_and_exit_1():
    from conftest import run_subprocess

    proc = run_subprocess(shell=f"{sys.executable} -m ketacalc providers --format json > /dev/full")
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == (
        "Error: cannot write output: no space left on device — check where the output goes "
        "(a full disk, a closed or read-only output)\n"
    )


def test_a_closed_stdout_is_one_line_and_exit_1():
    from conftest import run_subprocess

    proc = run_subprocess(shell=f"{sys.executable} -m ketacalc providers >&-")
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.startswith("Error: cannot write output: standard output is closed — ")
    assert len(proc.stderr.splitlines()) == 1
    quiet = run_subprocess(shell=f"{sys.executable} -m ketacalc check >&-")  # writes nothing: nothing fails
    assert (quiet.returncode, quiet.stderr) == (0, "")


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_an_output_encoding_without_dashes_degrades_to_ascii(encoding):
    import subprocess

    env = {**os.environ, "PYTHONIOENCODING": encoding}
    ok = subprocess.run(
        [sys.executable, "-m", "ketacalc", "compare", "--state", "TX"], capture_output=True, env=env
    )
    assert ok.returncode == 0, ok.stderr
    text = ok.stdout.decode("ascii")  # nothing but ASCII
    assert "Alder Health" in text and "—" not in text
    assert any(line.startswith("-----") for line in text.splitlines())  # the rule under the header, in ASCII
    bad = subprocess.run([sys.executable, "-m", "ketacalc", "compare", "--state", "TX", "--insurer", "zz"],
                         capture_output=True, env=env)  # fmt: skip
    assert bad.returncode == 2
    assert bad.stderr.decode("ascii").startswith(
        "Error: --insurer 'zz' is not a known insurer - insurers accepted"
    )


def test_ascii_replacements():
    from ketacalc.cli import ascii_fallback

    text = "a—b × c… → ‘q’ “q” 名"
    assert text.encode("ascii", errors=ascii_fallback()) == b"a-b x c... -> 'q' \"q\" ?"
    assert "£ 名".encode("latin-1", errors=ascii_fallback()) == "£ ?".encode("latin-1")


# --------------------------------------------------------------- --data


def test_data_goes_before_or_after_the_command(cli):
    from conftest import FIXTURE

    unset = {"KETACALC_DATA": None}
    before = cli("--data", str(FIXTURE), "providers", "--format", "json", env=unset)
    after = cli("providers", "--format", "json", "--data", str(FIXTURE), env=unset)
    equals = cli("providers", f"--data={FIXTURE}", "--format", "json", env=unset)
    assert before.exit_code == after.exit_code == equals.exit_code == 0
    assert before.stdout == after.stdout == equals.stdout
    assert "alder" in before.stdout
    assert "before or after the command" in " ".join(cli("--help").stdout.split())


def test_an_unreadable_data_file_exits_1_without_naming_the_variable(cli, tmp_path):
    line = assert_one_error_line(cli("--data", str(tmp_path), "providers"), 1)
    assert "env var" not in line and "KETACALC_DATA" not in line


# --------------------------------------------------------------- one message for one mistake


@pytest.mark.parametrize("value", ["0", "-3", "10001", "1_8", "x", "1.5"])
def test_one_message_for_one_sessions_mistake(cli, value):
    messages = {
        assert_one_error_line(cli(*args, "--sessions", value), 2).removeprefix("Error: ")
        for args in (["compare"], ["chart"], ["report", "--state", "TX"], ["cost", "alder"])
    }
    batch = cli("batch", input=jsonl({"provider": "alder", "sessions": value}))
    line = batch.stderr.removeprefix("line 1: ").strip()
    assert len({m.split(" — ")[0] for m in messages}) == 1, messages  # what is wrong: the same words
    assert messages.pop().split(" — ")[0] == "--" + line.split(" — ")[0]


# --------------------------------------------------------------- help


def _commands(cli) -> list[str]:
    text = cli("--help").stdout
    return re.findall(r"^  (\w+)  ", text.split("Commands:")[1], flags=re.M)


def test_every_command_help_ends_with_two_to_four_examples(cli):
    from ketacalc.cli.help import EXAMPLES

    names = _commands(cli)
    assert set(names) == set(EXAMPLES)
    for name in names:
        text = cli(name, "--help").stdout
        tail = text.rstrip("\n").split("\n  Examples:\n\n")[1]
        shown = [line.strip() for line in tail.splitlines()]
        assert shown == list(EXAMPLES[name]) and 2 <= len(shown) <= 4, name


def test_the_command_list_fits_80_columns_without_cut_offs(cli):
    text = cli("--help", env={"COLUMNS": "80"}).stdout
    listing = text.split("Commands:")[1].strip("\n").splitlines()
    assert len(listing) == len(_commands(cli))
    for line in listing:
        assert len(line) <= 80 and not line.endswith("...") and line.endswith((".", "?")), line


def test_placeholders_are_plain(cli):
    for name in _commands(cli):
        text = cli(name, "--help").stdout
        assert not re.search(r"\{[A-Z]+\}|<\w+>|<[a-z|]+>|\[(?!required\])[a-z]+\]", text), (name, text)
    assert "Usage: ketacalc check [OPTIONS] [PATH]" in cli("check", "--help").stdout
    assert "Usage: ketacalc show [OPTIONS] PROVIDER" in cli("show", "--help").stdout


def test_batch_format_lists_only_what_batch_writes(cli):
    text = " ".join(cli("batch", "--help").stdout.split())
    assert "ndjson (the default), json, csv or tsv" in text
    assert "table" not in text and "markdown" not in text


def test_insurer_help_says_it_needs_a_state_everywhere(cli):
    for name in _commands(cli):
        text = " ".join(cli(name, "--help").stdout.split())
        if "--insurer" in text:
            assert "(needs --state)" in text, name


# --------------------------------------------------------------- tables keep ids whole


def test_ids_are_never_split_and_urls_wrap_after_a_slash():
    from ketacalc.output.table import wrap_word, write_table
    from ketacalc.output.tableview import Column, TableView

    url = "https://help-center.example.com/en/articles/1234567-what-does-a-course-cost"
    view = TableView(
        columns=[Column("Plan"), Column("Price", number=True), Column("Source"), Column("Where")],
        rows=[
            [
                "18-Session Treatment for new clients",
                "$2,970.00",
                "vitalityscout-2026 ketcare-compare-2026",
                url,
            ]
        ],
    )
    out = io.StringIO()
    write_table(view, out, width=60)
    text = out.getvalue()
    assert "vitalityscout-2026" in text and "ketcare-compare-2026" in text
    header, _rule, *body = text.splitlines()
    where = header.index("Where")
    assert "".join(line[where:].strip() for line in body) == url  # the URL, broken only after a '/'
    # a part wider than the column breaks before a '-' or '.' (never mid-word), then wraps at '/'
    assert [line[where:].strip() for line in body[1:3]] == ["-center.example", ".com/en/"]
    assert body[3][where:].strip() == "articles/"
    assert wrap_word(url, 30) == [  # never a lone letter: a part too long breaks before '.' or '-'
        "https://help-center.example",
        ".com/en/articles/1234567-what",
        "-does-a-course-cost",
    ]
    assert wrap_word("vitalityscout-2026", 5) == ["vitalityscout-2026"]
