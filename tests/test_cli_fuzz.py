"""Fuzz the command line: whatever the arguments, ketacalc answers like a tool.

Arguments are drawn from ketacalc's own vocabulary (commands, options, provider
names, dates, formats) mixed with garbage: random text and unicode, empty strings,
negative and huge numbers. Every run must end with exit 0, 1 or 2 and no
traceback; a failure is exactly one ``Error:`` line on stderr and nothing on stdout.

``batch`` is fuzzed with random scenario lines: one result per non-blank line,
exit 0 or 1, one ``line N:`` message per failed line.

The number of examples comes from the Hypothesis profile (small by default, more
under ``CI``; see conftest.py). Every run is in-process, on the fixture data.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import REPO

FUZZ = settings(
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

COMMANDS = ["providers", "show", "cost", "history", "states", "eligibility", "compare", "batch", "chart", "report",
            "check"]  # fmt: skip
NEEDS_PROVIDER = {"show", "cost", "history", "states"}
PROVIDERS = ["alder", "birch", "cedar", "Cedar Care", "dune", "fern", "gale", "elm", "ALDER", "aldr", "nosuch",
             ""]  # fmt: skip
OPTIONS = ["--sessions", "-n", "--state", "-s", "--as-of", "--format", "-f", "--insurer", "--discount", "--pace",
           "--sort", "--max-due-at-signup", "--start", "--route", "--returning", "--pay-in-full",
           "--include-unavailable", "--no-sitter", "--insurance", "--help", "-h", "--version", "--bogus", "--data",
           "--full", "--months"]  # fmt: skip
FLAGS = {"--returning", "--pay-in-full", "--include-unavailable", "--no-sitter", "--insurance", "--help", "-h",
         "--version", "--full"}  # fmt: skip
WORDS = [
    # sessions
    "1", "6", "12", "18", "2000", "10001", "0", "-1", "-3", "1-5", "5-1", "0-3", "6,12,18", "6,,12", "1-", "-",
    "1.5", "1e3", "99999999999999999999999999", "-99999999999999999999", "١٢",
    # states
    "TX", "tx", "texas", "New York", "DC", "XX", "T",
    # dates
    "2026-11-21", "2025-06-13", "2024-01-01", "0001-01-01", "9999-12-31", "2026-02-30", "2026-13-01", "26-1-1",
    "2026-11-21T00:00", "tomorrow",
    # data files and paths
    "tests/data/fixture/providers.yaml", "tests/data/bad/money-float.yaml", "/etc/passwd", "/nonexistent", ".",
    # formats and sort keys
    "table", "json", "ndjson", "csv", "tsv", "JSON", "xml", "total", "per-session", "due-at-signup", "name",
    # money, pace, insurers, routes
    "50", "49.99", "$1,000.50", "1.999", "-5", "nan", "inf", "1e400", "0.5", "14", "14.0001", "0.0001",
    "aetna", "Cigna", "tablet", "sublingual tablet", "lozenge", "nasal-spray",
    # garbage
    "", " ", "--", "—", "ünïcødé", "名前", "🙂", "' OR 1=1 --", "%s%n", "\t", "a\nb",
]  # fmt: skip

garbage = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)
numbers = st.one_of(st.integers(-(10**30), 10**30), st.floats(allow_nan=True, allow_infinity=True)).map(str)
values = st.one_of(st.sampled_from(WORDS), st.sampled_from(WORDS), garbage, numbers)


@st.composite
def argument_lists(draw) -> list[str]:
    if draw(st.integers(0, 9)) == 0:  # anything at all, in any order
        return draw(st.lists(st.one_of(st.sampled_from(COMMANDS + OPTIONS + PROVIDERS), values), max_size=8))
    args: list[str] = []
    command = draw(garbage) if draw(st.integers(0, 19)) == 0 else draw(st.sampled_from(COMMANDS))
    args.append(command)
    if command in NEEDS_PROVIDER and draw(st.integers(0, 9)):
        args.append(draw(st.one_of(st.sampled_from(PROVIDERS), garbage)))
    if command == "cost" and draw(st.integers(0, 4)):
        args += ["--sessions", draw(values)]
    if command == "eligibility" and draw(st.integers(0, 4)):
        args += ["--state", draw(values)]
    for _ in range(draw(st.integers(0, 5))):
        option = draw(st.sampled_from(OPTIONS))
        args.append(option)
        if option not in FLAGS or draw(st.integers(0, 5)) == 0:
            args.append(draw(values))
    return args


def assert_answers_like_a_tool(result, args) -> None:
    assert "Traceback" not in result.stdout and "Traceback" not in result.stderr, args
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.stderr)
    if result.exit_code != 0 and args and args[0] == "check" and "--help" not in args and "-h" not in args:
        # check lists every problem of a data file, then its one Error: line
        assert result.stdout == "", (args, result.stdout[:300])
        assert result.stderr.splitlines()[-1].startswith("Error: "), (args, result.stderr)
    elif result.exit_code != 0:
        assert result.stdout == "", (args, result.stdout[:300])
        lines = result.stderr.split("\n")
        assert lines[-1] == "" and len(lines) == 2, (args, result.stderr)
        assert lines[0].startswith("Error: "), (args, result.stderr)


@FUZZ
@given(args=argument_lists())
@example(args=["cost", "alder", "--sessions", "0"])
@example(args=["cost", "alder", "--sessions", "12", "--format", "xml"])
@example(args=["compare", "--sort", "bogus"])
@example(args=["cost", "birch", "--sessions", "6", "--insurer", "aetna"])
@example(args=["batch", "--format", "table"])
@example(args=[])
@example(args=["providers", "--data", "/etc/passwd"])
@example(args=["show", "alder", "--data", "tests/data/fixture/providers.yaml", "--format", "json"])
@example(args=["cost", "alder", "-n", "24", "--pace", "1e-1000000"])
@example(args=["chart", "--months", "3"])
def test_any_arguments_give_a_clean_answer(cli, monkeypatch, args):
    monkeypatch.chdir(REPO)  # the relative data paths among the words
    result = cli(*args)
    assert_answers_like_a_tool(result, args)


@FUZZ
@given(command=st.sampled_from(sorted(NEEDS_PROVIDER)), provider=garbage)
def test_any_provider_name_is_found_or_refused_cleanly(cli, command, provider):
    result = cli(command, provider, *(["--sessions", "6"] if command == "cost" else []))
    assert_answers_like_a_tool(result, [command, provider])
    if not provider.startswith("-"):  # else it reads as an option: a usage error
        assert result.exit_code in (0, 1)


@FUZZ
@given(
    option=st.sampled_from(
        ["--state", "--as-of", "--max-due-at-signup", "--sort", "--sessions", "--insurer"]
    ),
    value=values,
    fmt=st.sampled_from(["table", "json", "ndjson", "csv", "tsv"]),
)
def test_compare_options_with_any_value(cli, option, value, fmt):
    extra = ["--state", "TX"] if option == "--insurer" else []
    result = cli("compare", *extra, option, value, "--format", fmt)
    assert_answers_like_a_tool(result, [option, value, fmt])


@FUZZ
@given(
    option=st.sampled_from(
        ["--sessions", "--as-of", "--start", "--pace", "--discount", "--route", "--state"]
    ),
    value=values,
    provider=st.sampled_from(["alder", "birch", "cedar", "dune", "fern", "gale"]),
)
def test_cost_options_with_any_value(cli, option, value, provider):
    sessions = [] if option == "--sessions" else ["--sessions", "6"]
    result = cli("cost", provider, *sessions, option, value, "--format", "json")
    assert_answers_like_a_tool(result, [provider, option, value])
    if result.exit_code == 0:
        records = result.json()
        for record in records if isinstance(records, list) else [records]:
            assert record["provider"] == provider


@FUZZ
@given(
    provider=st.sampled_from(["alder", "birch", "cedar", "dune", "fern"]),
    # (10,000 sessions, every payment and stop point of them, are priced by the cases below and
    # in test_answers_cost: here they only made the run slow)
    sessions=st.integers(1, 1_000),
    start=st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
    pace=st.decimals(min_value=Decimal("0.000001"), max_value=14, places=6),
)
def test_cost_with_any_valid_start_and_pace(cli, provider, sessions, start, pace):
    """Every value here passes the option parsers, so each run prices or fails cleanly."""
    args = [
        "cost",
        provider,
        "--sessions",
        str(sessions),
        "--start",
        start.isoformat(),
        "--pace",
        f"{pace:f}",
        "--format",
        "json",
    ]
    result = cli(*args)
    assert_answers_like_a_tool(result, args)


@pytest.mark.parametrize(
    "args",
    [
        ["cost", "birch", "--sessions", "5", "--start", "9999-12-31"],
        ["cost", "alder", "--sessions", "10000", "--start", "9999-12-01", "--format", "json"],
        ["cost", "cedar", "--sessions", "4", "--pace", "0.0000000000000000000000001"],
        ["cost", "cedar", "--sessions", "10000", "--pace", "0.000001", "--format", "csv"],
    ],
    ids=["start-9999-12-31", "long-course-from-9999", "tiny-pace", "long-course-tiny-pace"],
)
def test_payment_dates_past_year_9999_are_handled(cli, args):
    """Found by fuzzing: accepted dates and paces whose payment schedule runs past 9999-12-31."""
    assert_answers_like_a_tool(cli(*args), args)


# --------------------------------------------------------------- batch input

FIELDS = ["provider", "sessions", "returning", "state", "insurer", "as_of", "start", "pace", "pay_in_full",
          "discount", "route"]  # fmt: skip
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(WORDS),
    st.sampled_from(PROVIDERS),
    garbage,
)
json_values = st.one_of(
    json_scalars, st.lists(json_scalars, max_size=2), st.dictionaries(garbage, json_scalars, max_size=2)
)
scenario = st.fixed_dictionaries(
    {
        "provider": st.one_of(st.sampled_from(PROVIDERS), json_values),
        "sessions": st.one_of(st.integers(1, 60), st.sampled_from(WORDS), json_values),
    },
    optional={**{f: json_values for f in FIELDS[2:]}, "extra": json_values},
)
good_scenario = st.fixed_dictionaries(
    {
        "provider": st.sampled_from(["alder", "birch", "cedar", "dune", "fern", "gale"]),
        "sessions": st.integers(1, 100),
    },
    optional={
        "returning": st.booleans(),
        "pay_in_full": st.booleans(),
        "state": st.sampled_from(["TX", "ca", "New York"]),
        "as_of": st.sampled_from(["2025-06-13", "2026-11-21"]),
        "pace": st.sampled_from(["0.5", "1", "3"]),
        "discount": st.sampled_from(["0", "25", "99.99"]),
    },
)
lines = st.one_of(
    scenario.map(json.dumps),
    good_scenario.map(json.dumps),
    good_scenario.map(lambda s: json.dumps(s, ensure_ascii=False, indent=None, separators=(", ", ": "))),
    st.sampled_from(
        ["", "   ", "{", "}", "[]", "null", "42", '"x"', "{}", '{"provider": "alder"}', "not json"]
    ),
    garbage.map(lambda s: s.replace("\n", " ")),
)


@FUZZ
@given(
    first=good_scenario.map(json.dumps),
    rest=st.lists(lines, max_size=12),
    fmt=st.sampled_from(["ndjson", "json", "csv", "tsv"]),
)
def test_batch_gives_one_result_per_line(cli, first, rest, fmt):
    text = "\n".join([first, *rest]) + "\n"
    physical = text.split("\n")[:-1]
    expected = [n for n, line in enumerate(physical, start=1) if line.encode().strip()]  # ASCII blanks only
    result = cli("batch", "--format", fmt, input=text)
    assert "Traceback" not in result.stdout and "Traceback" not in result.stderr
    assert result.exit_code in (0, 1), (text, result.exit_code, result.stderr)

    if fmt == "ndjson":
        out = result.stdout.split("\n")
        assert out[-1] == ""
        records = [json.loads(line) for line in out[:-1]]
    elif fmt == "json":
        records = json.loads(result.stdout)
    elif fmt == "csv":
        records = [
            {**r, "line": int(r["line"]), "error": r["error"] or None}
            for r in csv.DictReader(io.StringIO(result.stdout, newline=""))
        ]
    else:
        rows = result.stdout.split("\n")
        assert rows[-1] == ""
        header = rows[0].split("\t")
        assert all(len(row.split("\t")) == len(header) for row in rows[1:-1]), result.stdout
        records = [dict(zip(header, row.split("\t"), strict=True)) for row in rows[1:-1]]
        records = [{**r, "line": int(r["line"]), "error": r["error"] or None} for r in records]

    assert [r["line"] for r in records] == expected
    failed = [r["line"] for r in records if r["error"] is not None]
    assert result.exit_code == (1 if failed else 0)
    messages = result.stderr.split("\n")
    assert messages[-1] == ""
    assert [m.split(":")[0] for m in messages[:-1]] == [f"line {n}" for n in failed], result.stderr
    for record in records:
        if record["error"] is None:
            assert record["total"] is None or record["total"] == "" or float(record["total"]) >= 0
            assert record["provider"]


cell = st.one_of(st.sampled_from(WORDS), st.sampled_from(PROVIDERS), numbers, garbage).map(
    lambda s: s.replace("\n", " ").replace("\r", " ")
)


@st.composite
def csv_inputs(draw) -> tuple[str, list[int]]:
    """A CSV scenario file (header first, provider column first) and the line numbers of its rows."""
    columns = ["provider", *draw(st.lists(st.sampled_from([*FIELDS[1:], "colour"]), unique=True, max_size=5))]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    numbers_, line = [], 1
    for _ in range(draw(st.integers(0, 10))):
        line += 1
        if draw(st.integers(0, 6)) == 0:
            out.write(draw(st.sampled_from(["", "  ", "\t"])) + "\n")  # a blank line
            continue
        cells = [draw(st.sampled_from(["alder", "birch", "dune", "nosuch", "Cedar Care"]))]
        cells += [draw(cell) for _ in columns[1:]]
        if draw(st.integers(0, 6)) == 0:
            cells = cells[:-1] if len(cells) > 1 and draw(st.booleans()) else [*cells, "extra"]
        writer.writerow(cells)
        numbers_.append(line)
    if "colour" in columns and not numbers_:  # a broken header with no row: its own line is answered
        numbers_ = [1]
    return out.getvalue(), numbers_


@FUZZ
@given(data=csv_inputs(), fmt=st.sampled_from(["ndjson", "csv"]))
def test_batch_csv_input_gives_one_result_per_row(cli, data, fmt):
    text, expected = data
    result = cli("batch", "--format", fmt, input=text)
    assert "Traceback" not in result.stdout and "Traceback" not in result.stderr
    assert result.exit_code in (0, 1), (text, result.stderr)
    if fmt == "ndjson":
        records = [json.loads(line) for line in result.stdout.split("\n")[:-1]]
    else:
        records = [
            {"line": int(r["line"]), "error": r["error"] or None}
            for r in csv.DictReader(io.StringIO(result.stdout, newline=""))
        ]
    assert [r["line"] for r in records] == expected, text
    failed = [r["line"] for r in records if r["error"] is not None]
    assert result.exit_code == (1 if failed else 0)
    assert [m.split(":")[0] for m in result.stderr.split("\n")[:-1]] == [f"line {n}" for n in failed]


# --------------------------------------------------------------- faults of the environment

#: every fault of the environment issue 17 found, as a shell command line around
#: ``{k}`` (a real ketacalc process); ``{tmp}`` holds a FIFO named ``fifo``. Each
#: must end with exit 0, 1 or 2 and at most one ``Error:`` line, never exit 70 or a traceback.
ENVIRONMENT_FAULTS = {
    "COLUMNS not ASCII digits": "COLUMNS=² {k} providers",
    "COLUMNS a million": "COLUMNS=1000000 {k} chart --state TX",
    "cp1252 output": "PYTHONIOENCODING=cp1252 {k} chart --state TX",
    "ascii output": "PYTHONIOENCODING=ascii {k} compare --state TX",
    "stdin closed": "{k} batch <&-",
    "stdout closed, no arguments": "{k} >&-",
    "stdout closed": "{k} cost alder -n 6 >&-",
    "stderr closed, an error": "{k} cost nosuch -n 6 2>&-",
    "stdout a full disk, no arguments": "{k} > /dev/full",
    "stdout a full disk": "{k} compare --state TX > /dev/full",
    "stderr a full disk": "{k} cost nosuch -n 6 2> /dev/full",
    "cache dir of an unknown user": "KETACALC_CACHE_DIR='~nosuchuser/c' {k} providers",
    "no home at all": "env -u HOME -u XDG_CACHE_HOME -u KETACALC_CACHE_DIR {k} providers",
    "a FIFO as --data": "{k} --data {tmp}/fifo providers",
    "a FIFO as batch input": "{k} batch {tmp}/fifo",
    "a FIFO as the report": "{k} report --state TX --output {tmp}/fifo",
    "a device as --data": "{k} --data /dev/zero providers",
    "a device as batch input": "{k} batch /dev/zero",
    "a device as the report": "{k} report --state TX --output /dev/null",
    "a folder as the report": "{k} report --state TX --output {tmp}/new/",
    "stdin empty": "{k} batch < /dev/null",
    "a repeated option": "{k} cost alder -n 6 -n x",
}


@pytest.mark.parametrize("fault", ENVIRONMENT_FAULTS)
def test_environment_faults_are_one_clear_line(fault, tmp_path):
    import os
    import sys

    from conftest import run_subprocess

    os.mkfifo(tmp_path / "fifo")
    shell = ENVIRONMENT_FAULTS[fault].format(k=f"{sys.executable} -m ketacalc", tmp=tmp_path)
    proc = run_subprocess(shell=shell)
    assert proc.returncode in (0, 1, 2), (shell, proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
    assert sum(line.startswith("Error:") for line in proc.stderr.splitlines()) <= 1, proc.stderr
    assert stat_is_fifo(tmp_path / "fifo")  # never replaced by a regular file


def stat_is_fifo(path) -> bool:
    import os
    import stat

    return stat.S_ISFIFO(os.lstat(path).st_mode)
