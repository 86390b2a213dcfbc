"""``ketacalc batch``: many scenarios in, one result per input line out, as a stream (fixture data)."""

from __future__ import annotations

import csv
import io
import json
import os
import queue
import subprocess
import sys
import threading

import pytest

from conftest import assert_one_error_line, jsonl

GOOD = {"provider": "alder", "sessions": 10}


def ndjson_rows(text: str) -> list[dict]:
    rows = [json.loads(line) for line in text.splitlines()]
    assert all(isinstance(r, dict) for r in rows)
    return rows


def cost_args(scenario: dict) -> list[str]:
    """The ``cost`` command line for the same scenario."""
    args = ["cost", str(scenario["provider"]), "--sessions", str(scenario["sessions"])]
    for flag in ("returning", "pay_in_full", "hired_sitter"):
        if scenario.get(flag):
            args.append("--" + flag.replace("_", "-"))
    for field in ("state", "insurer", "as_of", "start", "pace", "discount", "route", "max_age"):
        if field in scenario:
            args += ["--" + field.replace("_", "-"), str(scenario[field])]
    return [*args, "--format", "json"]


def purchases(record: dict) -> list[tuple[str, str]]:
    """Each purchase as (plan, charged), runs expanded, whatever the record's shape."""
    out: list[tuple[str, str]] = []
    for p in record["purchases"]:
        out += [(p["plan"], p["charged"])] * p.get("count", 1)
    return out


def payments(record: dict) -> tuple[int, str | None, str | None]:
    if "schedule" in record:
        schedule = record["schedule"]
        return (
            len(schedule),
            (schedule[0]["due"] if schedule else None),
            (schedule[-1]["due"] if schedule else None),
        )
    return record["payments"], record["first_due"], record["last_due"]


COMPARED = (
    "provider",
    "client",
    "sessions_requested",
    "sessions_covered",
    "leftover_sessions",
    "total",
    "total_low",
    "total_high",
    "stale",
    "per_session",
    "due_at_signup",
    "prices_as_of",
    "pricing",
    "notes",
)

SCENARIOS = [
    {"provider": "alder", "sessions": 10},
    {"provider": "alder", "sessions": 10, "state": "TX"},
    {"provider": "alder", "sessions": 7, "returning": True, "route": "tablet"},
    {"provider": "alder", "sessions": 14, "as_of": "2025-06-13", "start": "2025-06-13", "discount": "100"},
    {"provider": "birch", "sessions": 20, "state": "TX", "insurer": "aetna"},
    {"provider": "birch", "sessions": 20, "state": "NY", "insurer": "aetna"},  # not accepted in NY
    {"provider": "birch", "sessions": 20, "state": "TX"},
    {"provider": "birch", "sessions": 30, "pace": "0.5"},
    {"provider": "cedar", "sessions": 12, "pay_in_full": True},
    {"provider": "Cedar Care", "sessions": 3},
    {"provider": "dune", "sessions": 31, "state": "texas"},
    {"provider": "fern", "sessions": 5, "start": "2027-01-31"},
    {"provider": "alder", "sessions": 10000},
    {"provider": "alder", "sessions": 14, "max_age": 30},
    {"provider": "alder", "sessions": 14, "hired_sitter": True, "as_of": "2025-06-13"},
    {"provider": "dune", "sessions": 8, "hired_sitter": True, "max_age": "3650"},
]


# --------------------------------------------------------------- happy path


def test_one_result_per_line_in_input_order(cli):
    scenarios = [
        {"provider": "alder", "sessions": 6},
        {"provider": "cedar", "sessions": 9},
        {"provider": "dune", "sessions": 1},
    ]
    result = cli("batch", input=jsonl(*scenarios))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    rows = ndjson_rows(result.stdout)
    assert [r["line"] for r in rows] == [1, 2, 3]
    assert [r["error"] for r in rows] == [None, None, None]
    assert [r["provider"] for r in rows] == ["alder", "cedar", "dune"]
    assert [r["sessions_requested"] for r in rows] == [6, 9, 1]
    for row in rows:
        assert {"total", "per_session", "due_at_signup", "purchases"} <= set(row)


def test_batch_results_equal_cost_for_the_same_scenario(cli):
    result = cli("batch", input=jsonl(*SCENARIOS))
    assert result.exit_code == 0, result.stderr
    rows = ndjson_rows(result.stdout)
    assert len(rows) == len(SCENARIOS)
    for scenario, row in zip(SCENARIOS, rows, strict=True):
        single = cli(*cost_args(scenario))
        assert single.exit_code == 0, (scenario, single.stderr)
        expected = single.json()
        assert row["error"] is None, (scenario, row["error"])
        assert {k: row[k] for k in COMPARED} == {k: expected[k] for k in COMPARED}, scenario
        assert purchases(row) == purchases(expected), scenario
        assert payments(row) == payments(expected), scenario


#: cost's options that choose what is written, not what is asked: a batch line has no field for them
OUTPUT_OPTIONS = {"fmt", "by_month", "if_stopped", "with_sessions"}


def test_every_question_cost_takes_is_a_batch_field():
    import typer

    from ketacalc.cli import app
    from ketacalc.io.scenarios import SCENARIO_FIELDS

    command = typer.main.get_command(app).commands["cost"]  # type: ignore[attr-defined]
    asked = {p.name for p in command.params} - OUTPUT_OPTIONS
    assert asked == set(SCENARIO_FIELDS)


@pytest.mark.parametrize(
    ("field", "value"),
    [("max_age", "0"), ("max_age", "30.5"), ("max_age", "99999"), ("pace", "0"), ("start", "2026-02-30"),
     ("discount", "-5"), ("route", "t")],
)  # fmt: skip
def test_a_bad_field_gets_the_message_cost_gives_for_its_option(cli, field, value):
    line = cli("batch", input=jsonl({"provider": "alder", "sessions": 6, field: value}))
    [row] = ndjson_rows(line.stdout)
    option = "--" + field.replace("_", "-")
    alone = cli("cost", "alder", "--sessions", "6", option, value)
    assert alone.exit_code == 2 and alone.stderr.startswith(f"Error: {option} ")
    assert row["error"] == alone.stderr.strip().removeprefix("Error: ").replace(option, field, 1)


def test_a_line_and_cost_csv_write_the_same_record(cli):
    """One record shape: a batch CSV row is cost's CSV row after line and error (neither
    has the stop ledger, which --if-stopped or batch --full writes)."""
    scenario = {"provider": "alder", "sessions": 14, "max_age": 30, "hired_sitter": True}
    batch = list(csv.reader(io.StringIO(cli("batch", "--format", "csv", input=jsonl(scenario)).stdout)))
    args = cost_args(scenario)[:-2]
    alone = list(csv.reader(io.StringIO(cli(*args, "--format", "csv").stdout)))
    assert [row[2:] for row in batch] == alone
    assert [row[:2] for row in batch] == [["line", "error"], ["1", ""]]
    assert "if_stopped" not in alone[0]
    full = ndjson_rows(cli("batch", "--full", input=jsonl(scenario)).stdout)[0]
    assert full["if_stopped"] == cli(*args, "--format", "json").json()["if_stopped"] != []


def test_a_scenario_alone_gives_the_same_result_as_among_others(cli):
    together = ndjson_rows(cli("batch", input=jsonl(*SCENARIOS)).stdout)
    for index, scenario in enumerate(SCENARIOS):
        alone = ndjson_rows(cli("batch", input=jsonl(scenario)).stdout)
        assert len(alone) == 1
        assert {**alone[0], "line": index + 1} == together[index], scenario


def test_identical_scenarios_give_identical_results_apart_from_line(cli):
    same = {"provider": "birch", "sessions": 20, "state": "TX", "insurer": "aetna"}
    respelled = '  {"sessions": 20, "insurer": "aetna", "provider": "birch", "state": "TX"}  '
    lines = [same, {"provider": "alder", "sessions": 6}, same, respelled, same]
    result = cli("batch", input=jsonl(*lines))
    assert result.exit_code == 0, result.stderr
    rows = ndjson_rows(result.stdout)
    assert [r["line"] for r in rows] == [1, 2, 3, 4, 5]
    bodies = [{k: v for k, v in r.items() if k != "line"} for r in rows]
    assert bodies[0] == bodies[2] == bodies[3] == bodies[4]
    assert bodies[0]["pricing"] == "insurance"
    assert bodies[1] != bodies[0]


def test_csv_input_is_detected_from_its_header(cli):
    text = (
        "provider,sessions,returning,state,insurer,as_of,pay_in_full\n"
        "alder,10,false,,,,\n"
        "birch,20,no,TX,aetna,,\n"
        "cedar,12,,,,,true\n"
    )
    result = cli("batch", input=text)
    assert result.exit_code == 0, result.stderr
    rows = ndjson_rows(result.stdout)
    assert [r["line"] for r in rows] == [2, 3, 4]  # physical lines: the header is line 1
    expected = [
        cli(*cost_args({"provider": "alder", "sessions": 10})).json(),
        cli(*cost_args({"provider": "birch", "sessions": 20, "state": "TX", "insurer": "aetna"})).json(),
        cli(*cost_args({"provider": "cedar", "sessions": 12, "pay_in_full": True})).json(),
    ]
    for row, want in zip(rows, expected, strict=True):
        assert row["error"] is None
        assert (row["total"], row["per_session"], row["due_at_signup"]) == (
            want["total"],
            want["per_session"],
            want["due_at_signup"],
        )
        assert purchases(row) == purchases(want)


def test_csv_input_with_columns_in_any_order_and_quotes(cli):
    text = 'sessions,provider\n"6","alder"\n7,"Cedar Care"\n'
    result = cli("batch", input=text)
    assert result.exit_code == 0, result.stderr
    rows = ndjson_rows(result.stdout)
    assert [(r["line"], r["provider"], r["sessions_requested"]) for r in rows] == [
        (2, "alder", 6),
        (3, "cedar", 7),
    ]


def test_windows_line_endings_are_accepted(cli):
    jsonl_result = cli(
        "batch", input='{"provider":"alder","sessions":6}\r\n{"provider":"dune","sessions":2}\r\n'
    )
    csv_result = cli("batch", input="provider,sessions\r\nalder,6\r\ndune,2\r\n")
    for result, lines in ((jsonl_result, [1, 2]), (csv_result, [2, 3])):
        assert result.exit_code == 0, result.stderr
        rows = ndjson_rows(result.stdout)
        assert [(r["line"], r["error"], r["provider"]) for r in rows] == [
            (lines[0], None, "alder"),
            (lines[1], None, "dune"),
        ]


@pytest.mark.parametrize(
    "text",
    [
        '\ufeff{"provider":"alder","sessions":6}\n{"provider":"dune","sessions":2}\n',
        "\ufeffprovider,sessions\nalder,6\n",
    ],
    ids=["jsonl", "csv"],
)
def test_a_utf8_byte_order_mark_is_ignored(cli, text):
    """Notepad and Excel ('CSV UTF-8') save files with a BOM; it is not part of the data."""
    result = cli("batch", input=text)
    assert result.exit_code == 0, (result.stdout, result.stderr)
    rows = ndjson_rows(result.stdout)
    assert rows and all(r["error"] is None for r in rows)
    assert rows[0]["provider"] == "alder"
    assert len(rows) == text.count("\n") - (1 if "provider," in text else 0)


# --------------------------------------------------------------- output formats


def test_csv_output_has_a_header_and_one_row_per_line(cli):
    lines = [
        {"provider": "alder", "sessions": 6},
        '{"provider":"nosuch","sessions":6}',
        {"provider": "birch", "sessions": 20, "state": "TX", "insurer": "aetna"},
    ]
    result = cli("batch", "--format", "csv", input=jsonl(*lines))
    assert result.exit_code == 1
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["line"] for r in table] == ["1", "2", "3"]
    assert list(table[0])[:3] == ["line", "error", "provider"]
    assert table[0]["error"] == "" and table[0]["provider"] == "alder"
    assert "nosuch" in table[1]["error"] and table[1]["total"] == ""
    as_ndjson = ndjson_rows(cli("batch", input=jsonl(*lines)).stdout)
    for row, record in zip(table, as_ndjson, strict=True):
        if record["error"] is None:
            assert (row["total"], row["per_session"], row["due_at_signup"]) == (
                record["total"],
                record["per_session"],
                record["due_at_signup"],
            )
    width = len(next(csv.reader(io.StringIO(result.stdout))))
    assert all(len(cells) == width for cells in csv.reader(io.StringIO(result.stdout)))


def test_tsv_output_rows_are_rectangular(cli):
    lines = [{"provider": "alder", "sessions": 6}, "garbage", {"provider": "dune", "sessions": 3}]
    result = cli("batch", "--format", "tsv", input=jsonl(*lines))
    assert result.exit_code == 1
    out = result.stdout.splitlines()
    header = out[0].split("\t")
    assert header[:3] == ["line", "error", "provider"]
    assert len(out) == 4
    assert all(len(line.split("\t")) == len(header) for line in out)
    assert [line.split("\t")[0] for line in out[1:]] == ["1", "2", "3"]


def test_json_output_is_one_array(cli):
    lines = [{"provider": "alder", "sessions": 6}, "{oops", {"provider": "dune", "sessions": 3}]
    result = cli("batch", "--format", "json", input=jsonl(*lines))
    assert result.exit_code == 1
    records = result.json()
    assert isinstance(records, list)
    assert [r["line"] for r in records] == [1, 2, 3]
    assert records[0]["error"] is None and records[0]["total"] is not None
    assert records[1]["error"]


@pytest.mark.parametrize("fmt", ["ndjson", "csv", "tsv", "json"])
def test_format_names_are_case_insensitive(cli, fmt):
    lower = cli("batch", "--format", fmt, input=jsonl(GOOD))
    upper = cli("batch", "--format", fmt.upper(), input=jsonl(GOOD))
    assert lower.exit_code == upper.exit_code == 0
    assert lower.stdout == upper.stdout != ""


@pytest.mark.parametrize("fmt", ["table", "TABLE"])
def test_table_format_is_refused(cli, fmt):
    result = cli("batch", "--format", fmt, input=jsonl(GOOD))
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:")


# --------------------------------------------------------------- bad lines

BAD_LINES = {
    "not-json": "this is not json",
    "broken-json": '{"provider": "alder", "sessions": }',
    "unknown-provider": '{"provider": "nosuch", "sessions": 6}',
    "sessions-zero": '{"provider": "alder", "sessions": 0}',
    "sessions-negative": '{"provider": "alder", "sessions": -3}',
    "sessions-huge": '{"provider": "alder", "sessions": 10001}',
    "sessions-fraction": '{"provider": "alder", "sessions": 6.5}',
    "sessions-range": '{"provider": "alder", "sessions": "6-8"}',
    "sessions-missing": '{"provider": "alder"}',
    "sessions-bool": '{"provider": "alder", "sessions": true}',
    "provider-missing": '{"sessions": 6}',
    "provider-list": '{"provider": ["alder"], "sessions": 6}',
    "bad-date": '{"provider": "alder", "sessions": 6, "as_of": "2026-02-30"}',
    "bad-start": '{"provider": "alder", "sessions": 6, "start": "next week"}',
    "insurer-without-state": '{"provider": "birch", "sessions": 6, "insurer": "aetna"}',
    "bad-state": '{"provider": "alder", "sessions": 6, "state": "XX"}',
    "bad-pace": '{"provider": "alder", "sessions": 6, "pace": "0"}',
    "bad-discount": '{"provider": "alder", "sessions": 6, "discount": "-5"}',
    "bad-flag": '{"provider": "alder", "sessions": 6, "returning": "maybe"}',
    "bad-max-age": '{"provider": "alder", "sessions": 6, "max_age": 0}',
    "bad-hired-sitter": '{"provider": "alder", "sessions": 6, "hired_sitter": "some"}',
    "unknown-field": '{"provider": "alder", "sessions": 6, "colour": "red"}',
    "array": "[1, 2, 3]",
    "string": '"alder"',
    "number": "42",
    "null": "null",
}


@pytest.mark.parametrize("bad", BAD_LINES.values(), ids=BAD_LINES.keys())
def test_a_bad_line_gets_an_error_and_the_others_are_priced(cli, bad):
    result = cli(
        "batch", input=jsonl({"provider": "alder", "sessions": 6}, bad, {"provider": "dune", "sessions": 3})
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    rows = ndjson_rows(result.stdout)
    assert [r["line"] for r in rows] == [1, 2, 3]
    assert rows[0]["error"] is None and rows[0]["provider"] == "alder"
    assert rows[2]["error"] is None and rows[2]["provider"] == "dune"
    error = rows[1]["error"]
    assert isinstance(error, str) and error.strip()
    assert rows[1].get("total") is None
    assert result.stderr.splitlines() == [f"line 2: {error}"]


@pytest.mark.parametrize(
    "bad",
    [
        '{"provider": "birch", "sessions": 5, "start": "9999-12-31"}',
        '{"provider": "alder", "sessions": 10000, "start": "9999-12-01"}',
        '{"provider": "cedar", "sessions": 4, "pace": "0.0000000000000000000000001"}',
    ],
    ids=["start-9999-12-31", "long-course-from-9999", "tiny-pace"],
)
def test_a_scenario_whose_dates_run_past_the_calendar_spoils_only_its_line(cli, bad):
    """Values every parser accepts but whose payment dates would pass year 9999: that
    line is priced or gets an error, and the lines around it are priced as usual."""
    result = cli(
        "batch", input=jsonl({"provider": "alder", "sessions": 6}, bad, {"provider": "dune", "sessions": 3})
    )
    assert result.exit_code in (0, 1), result.stderr
    rows = ndjson_rows(result.stdout)
    assert [r["line"] for r in rows] == [1, 2, 3]
    assert rows[0]["error"] is None and rows[2]["error"] is None
    expected_stderr = [f"line 2: {rows[1]['error']}"] if rows[1]["error"] else []
    assert result.stderr.splitlines() == expected_stderr
    assert result.exit_code == (1 if rows[1]["error"] else 0)


def test_every_failing_line_is_reported_with_its_number(cli):
    lines = [
        '{"provider": "nosuch", "sessions": 6}',
        {"provider": "alder", "sessions": 6},
        "nope",
        {"provider": "dune", "sessions": 3},
        '{"provider": "alder", "sessions": 0}',
    ]
    result = cli("batch", input=jsonl(*lines))
    assert result.exit_code == 1
    rows = ndjson_rows(result.stdout)
    failed = [r["line"] for r in rows if r["error"] is not None]
    assert failed == [1, 3, 5]
    assert [line.split(":")[0] for line in result.stderr.splitlines()] == ["line 1", "line 3", "line 5"]


def test_a_deeply_nested_json_line_is_a_line_error(cli):
    deep = '{"provider": ' + "[" * 50_000 + "]" * 50_000 + ', "sessions": 6}'
    result = cli(
        "batch", input=jsonl({"provider": "alder", "sessions": 6}, deep, {"provider": "dune", "sessions": 3})
    )
    assert result.exit_code == 1, result.stderr
    rows = ndjson_rows(result.stdout)
    assert [(r["line"], r["error"] is None) for r in rows] == [(1, True), (2, False), (3, True)]


def test_invalid_utf8_is_a_line_error(cli, tmp_path):
    path = tmp_path / "scenarios.jsonl"
    path.write_bytes(
        b'{"provider":"alder","sessions":6}\n{"provider":"mind\xffbloom","sessions":6}\n'
        b'{"provider":"dune","sessions":3}\n'
    )
    result = cli("batch", str(path))
    assert result.exit_code == 1
    rows = ndjson_rows(result.stdout)
    assert [(r["line"], r["error"] is None) for r in rows] == [(1, True), (2, False), (3, True)]


def test_csv_row_with_the_wrong_number_of_fields(cli):
    text = "provider,sessions\nalder,6\nalder,6,extra\ndune\ncedar,4\n"
    result = cli("batch", input=text)
    assert result.exit_code == 1
    rows = ndjson_rows(result.stdout)
    assert [(r["line"], r["error"] is None) for r in rows] == [(2, True), (3, False), (4, False), (5, True)]
    assert [line.split(":")[0] for line in result.stderr.splitlines()] == ["line 3", "line 4"]


def test_csv_with_an_unknown_column_fails_every_row(cli):
    result = cli("batch", input="provider,sessions,colour\nalder,6,red\ndune,3,blue\n")
    assert result.exit_code == 1
    rows = ndjson_rows(result.stdout)
    assert [r["line"] for r in rows] == [2, 3]
    assert all("colour" in r["error"] for r in rows)
    assert len(result.stderr.splitlines()) == 2


# --------------------------------------------------------------- blank and empty input


def test_blank_lines_are_skipped_but_counted(cli):
    text = '\n{"provider":"alder","sessions":6}\n\n   \n\t\n{"provider":"dune","sessions":3}\n\n'
    result = cli("batch", input=text)
    assert result.exit_code == 0, result.stderr
    rows = ndjson_rows(result.stdout)
    assert [(r["line"], r["provider"]) for r in rows] == [(2, "alder"), (6, "dune")]


def test_blank_lines_in_csv_are_skipped_but_counted(cli):
    result = cli("batch", input="\nprovider,sessions\n\nalder,6\n  \ndune,3\n")
    assert result.exit_code == 0, result.stderr
    rows = ndjson_rows(result.stdout)
    assert [(r["line"], r["provider"]) for r in rows] == [(4, "alder"), (6, "dune")]


def test_last_line_without_a_newline_is_priced(cli):
    result = cli("batch", input='{"provider":"alder","sessions":6}\n{"provider":"dune","sessions":3}')
    assert result.exit_code == 0
    assert [r["line"] for r in ndjson_rows(result.stdout)] == [1, 2]


@pytest.mark.parametrize(
    "text", ["", "\n", "\n  \n\n", "provider,sessions\n"], ids=["empty", "newline", "blank", "header-only"]
)
def test_empty_input_gives_no_rows(cli, text):
    for fmt in ("ndjson", "csv", "tsv"):
        result = cli("batch", "--format", fmt, input=text)
        assert result.exit_code == 0, (fmt, result.stderr)
        assert result.stderr == ""
        data = result.stdout.splitlines()[1:] if fmt in ("csv", "tsv") else result.stdout.splitlines()
        assert data == [], fmt
    result = cli("batch", "--format", "json", input=text)
    assert result.exit_code == 0
    assert result.json() == []


# --------------------------------------------------------------- files


def test_file_argument_reads_the_same_as_stdin(cli, tmp_path):
    text = jsonl(*SCENARIOS[:5])
    path = tmp_path / "scenarios.jsonl"
    path.write_text(text, encoding="utf-8")
    from_file = cli("batch", str(path))
    from_stdin = cli("batch", "-", input=text)
    assert from_file.exit_code == from_stdin.exit_code == 0
    assert from_file.stdout == from_stdin.stdout
    assert len(from_file.stdout.splitlines()) == 5


@pytest.mark.parametrize("name", ["missing.jsonl", "."])
def test_unreadable_file_is_one_error_line(cli, tmp_path, name):
    target = tmp_path / name if name != "." else tmp_path
    result = cli("batch", str(target))
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:")


# --------------------------------------------------------------- streaming


class Streamed:
    """A real ``ketacalc batch`` process fed line by line, its stdout read as it comes."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "ketacalc", "batch", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=dict(os.environ),
        )
        self.chunks: queue.Queue[bytes] = queue.Queue()
        self.seen = b""
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        fd = self.proc.stdout.fileno()
        while True:
            chunk = os.read(fd, 65536)
            self.chunks.put(chunk)
            if not chunk:
                return

    def send(self, text: str) -> None:
        self.proc.stdin.write(text.encode())
        self.proc.stdin.flush()

    def wait_for(self, needle: bytes, timeout: float = 30) -> bytes:
        """Output so far once it contains ``needle``; fails if it never comes (stdin still open)."""
        while needle not in self.seen:
            try:
                chunk = self.chunks.get(timeout=timeout)
            except queue.Empty:
                pytest.fail(f"no {needle!r} on stdout while input was still open; got {self.seen!r}")
            if not chunk:
                pytest.fail(f"stdout closed without {needle!r}; got {self.seen!r}")
            self.seen += chunk
        return self.seen

    def finish(self) -> tuple[int, bytes, str]:
        self.proc.stdin.close()
        code = self.proc.wait(timeout=60)
        while True:
            chunk = self.chunks.get(timeout=30)
            if not chunk:
                break
            self.seen += chunk
        return code, self.seen, self.proc.stderr.read().decode()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def streamed():
    started: list[Streamed] = []

    def start(*args: str) -> Streamed:
        started.append(Streamed(*args))
        return started[-1]

    yield start
    for proc in started:
        proc.kill()


def test_ndjson_results_stream_before_the_input_ends(streamed):
    proc = streamed()
    proc.send(jsonl({"provider": "alder", "sessions": 6}))
    first = proc.wait_for(b"\n")
    assert json.loads(first.splitlines()[0])["line"] == 1
    proc.send(jsonl({"provider": "dune", "sessions": 3}))
    second = proc.wait_for(b'"line":2')
    assert json.loads(second.splitlines()[1])["provider"] == "dune"
    code, out, err = proc.finish()
    assert code == 0, err
    assert [r["line"] for r in ndjson_rows(out.decode())] == [1, 2]


def test_an_error_result_streams_too(streamed):
    proc = streamed()
    proc.send(jsonl('{"provider":"nosuch","sessions":6}'))
    first = proc.wait_for(b"\n")
    row = json.loads(first.splitlines()[0])
    assert row["line"] == 1 and "nosuch" in row["error"]
    code, _out, err = proc.finish()
    assert code == 1
    assert err.startswith("line 1: ")


def test_csv_in_csv_out_streams(streamed):
    proc = streamed("--format", "csv")
    proc.send("provider,sessions\nalder,6\n")
    out = proc.wait_for(b"\n2,")
    assert out.startswith(b"line,error,provider")
    code, out, err = proc.finish()
    assert code == 0, err
    assert len(out.decode().splitlines()) == 2


def test_json_array_elements_stream(streamed):
    proc = streamed("--format", "json")
    proc.send(jsonl({"provider": "alder", "sessions": 6}))
    proc.wait_for(b'"line":1')
    proc.send(jsonl({"provider": "dune", "sessions": 3}))
    proc.wait_for(b'"line":2')
    code, out, err = proc.finish()
    assert code == 0, err
    assert [r["line"] for r in json.loads(out)] == [1, 2]


def test_a_course_priced_again_from_another_start_gets_the_rules_of_its_own_dates(cli):
    """batch re-dates a course it priced before (same provider, options and N): the
    rules on dates (regulation) are those of the new dates, as for the course alone."""
    late = {"provider": "alder", "sessions": 10, "state": "TX", "start": "2026-12-01"}
    early = {**late, "start": "2026-01-05"}  # its last session falls before 2026-12-31
    together = ndjson_rows(cli("batch", input=jsonl(late, early)).stdout)
    alone = [ndjson_rows(cli("batch", input=jsonl(s)).stdout)[0] for s in (late, early)]
    assert together[0]["regulation"] != together[1]["regulation"]
    assert [r["regulation"] for r in together] == [r["regulation"] for r in alone]
    assert together[0]["regulation"][0]["course_start"] == "2026-12-01"
    assert together[1]["regulation"] == []


def test_a_scenario_whose_other_fields_were_seen_gets_the_answer_and_errors_it_gets_alone(cli):
    """batch parses a scenario's fields besides its course and start once: a later line with
    the same fields gets its own course's answer, and its own course's or start's error, and
    a value of another type or spelling (``true`` and ``1``, ``1.0`` and ``1.00``) is its own."""
    lines = [
        {"provider": "alder", "sessions": 6, "state": "TX"},
        {"provider": "alder", "sessions": 9, "state": "TX", "start": "2026-03-02"},
        {"provider": "alder", "months": 2, "state": "TX"},
        {"provider": "alder", "sessions": "x", "state": "TX"},
        {"provider": "alder", "sessions": 6, "months": 2, "state": "TX"},
        {"provider": "alder", "state": "TX"},
        {"provider": "alder", "sessions": 6, "state": "TX", "start": "2026-02-30"},
        {"provider": "alder", "sessions": [6], "state": "TX"},
        {"provider": "alder", "sessions": 6, "state": "TX", "start": {"day": 1}},
        {"provider": "alder", "sessions": 6, "returning": True},
        {"provider": "alder", "sessions": 6, "returning": 1},
        {"provider": "alder", "sessions": 6, "returning": "yes"},
        {"provider": "alder", "sessions": 6, "pace": "1.0"},
        {"provider": "alder", "sessions": 6, "pace": "1.00"},
    ]
    text = jsonl(*lines).replace('"1.0"', "1.0").replace('"1.00"', "1.00")
    together = cli("batch", input=text)
    rows = ndjson_rows(together.stdout)
    assert [r["error"] is None for r in rows] == [True] * 3 + [False] * 6 + [True] * 5
    for index, line in enumerate(text.splitlines()):
        alone = cli("batch", input=line + "\n")
        assert {**ndjson_rows(alone.stdout)[0], "line": index + 1} == rows[index], line
        assert (
            f"line {index + 1}: " + alone.stderr.removeprefix("line 1: ") in together.stderr
            or not alone.stderr
        )


def test_batch_keeps_what_it_is_told_to_keep_of_a_result_and_prices_each_course_once(catalog):
    """The memo keeps ``keep(result)`` (ketacalc keeps the encoded record, not the result),
    and answers a line seen before, or the same scenario spelled another way, from it."""
    from conftest import TODAY
    from ketacalc.domain.batch import BatchPricer

    kept = []

    def keep(result, redated):
        kept.append(result.sessions_requested)
        return ("kept", result.provider.id, result.sessions_requested)

    lines = [jsonl(s).encode().rstrip(b"\n") for s in ({"provider": "alder", "sessions": 6},) * 2]
    lines += [b'{"sessions": 6, "provider": "alder"}', b'{"provider": "alder", "sessions": 7}']
    outcomes = list(BatchPricer(catalog, TODAY, keep=keep).run(lines))
    assert [o for _, o in outcomes] == [("kept", "alder", 6)] * 3 + [("kept", "alder", 7)]
    assert kept == [6, 7]


def test_an_error_kept_for_many_scenarios_holds_no_traceback(catalog):
    """A provider with no prices gives every scenario the same error: kept in the memo,
    it must not hold the frames that raised it (each raise would chain more, each frame
    holding a priced course: memory growing with every distinct line)."""
    from conftest import TODAY
    from ketacalc.domain.batch import BatchPricer
    from ketacalc.errors import NoPrice

    lines = [jsonl({"provider": "elm", "sessions": n}).encode().rstrip(b"\n") for n in range(1, 40)]
    outcomes = [o for _, o in BatchPricer(catalog, TODAY).run(lines)]
    assert all(isinstance(o, NoPrice) for o in outcomes)
    assert all(o.__traceback__ is None for o in outcomes)


def test_a_course_from_many_starts_gives_each_start_the_record_it_gets_alone(cli):
    """batch prices a course once and re-dates it (and re-encodes only its dated fields)
    for another start: each record is the one the scenario gets on its own."""
    starts = ["2026-01-31", "2026-02-28", "2026-12-15", "2027-03-01", "2025-06-13"]
    lines = [
        {"provider": p, "sessions": 14, "state": "TX", "start": s} for p in ("alder", "birch") for s in starts
    ]
    together = ndjson_rows(cli("batch", input=jsonl(*lines)).stdout)
    assert len({(r["first_due"], r["last_due"]) for r in together}) == len(lines)
    for index, line in enumerate(lines):
        alone = ndjson_rows(cli("batch", input=jsonl(line)).stdout)[0]
        assert {**alone, "line": index + 1} == together[index], line


@pytest.mark.parametrize("state", [None, "TX"])
def test_a_course_priced_from_many_starts_gets_the_record_it_gets_alone(cli, state):
    """batch prices a course of N once and re-dates it for each other start (its dated
    fields written anew, the rules' records once for the same rules): every line's record
    is the one the scenario gets alone."""
    base = {"provider": "alder", "sessions": 10, **({"state": state} if state else {})}
    starts = ["2026-12-01", "2026-01-05", "2026-12-01", "2027-03-31", "2026-01-05"]
    scenarios = [{**base, "start": start} for start in starts] + [{**base, "sessions": 3}]
    together = ndjson_rows(cli("batch", input=jsonl(*scenarios)).stdout)
    for index, scenario in enumerate(scenarios):
        alone = ndjson_rows(cli("batch", input=jsonl(scenario)).stdout)[0]
        assert {**alone, "line": index + 1} == together[index], scenario
    assert len({r["last_due"] for r in together[:5]}) == 3


@pytest.mark.parametrize("fmt", ["ndjson", "json", "csv", "full"])
def test_a_course_in_many_states_gets_in_each_the_record_it_gets_alone(cli, fmt):
    """Without an insurer the state changes only the availability: batch prices a course of
    N once and places it in each other state (its availability and the rules on its dates
    written anew); every line's record is the one the scenario gets alone, in every format."""
    course = {"provider": "alder", "sessions": 10}
    states = [None, "TX", "AL", "NY", "TX", "ID", "AL"]
    scenarios = [{**course, **({"state": s} if s else {})} for s in states]
    scenarios += [{**s, "start": "2026-12-20"} for s in scenarios[:4]]  # into the rules' dates
    scenarios += [{**course, "state": "TX", "insurer": "Aetna"}, {**course, "months": 2, "state": "NY"}]
    del scenarios[-1]["sessions"]
    args = ["--full"] if fmt == "full" else ["--format", "csv" if fmt == "csv" else fmt]

    def records(*lines: dict) -> list:
        text = cli("batch", *args, input=jsonl(*lines)).stdout
        if fmt == "csv":
            return list(csv.DictReader(io.StringIO(text)))
        return json.loads(text) if fmt == "json" else ndjson_rows(text)

    together = records(*scenarios)
    assert len(together) == len(scenarios)
    for index, scenario in enumerate(scenarios):
        alone = records(scenario)[0]
        assert str(together[index]["line"]) == str(index + 1)
        assert {**alone, "line": None} == {**together[index], "line": None}, scenario
    # the rules differ by state (Alabama's own) and, in JSON, by the course's dates too
    assert len({json.dumps(r["regulation"]) for r in together}) >= (2 if fmt == "csv" else 3)


def test_options_spelled_another_way_after_a_start_get_the_record_they_get_alone(cli):
    """batch rebuilds its pricers once a scenario gives a start of its own; the same options
    spelled another way (a pace of 1 given) afterwards are still priced as themselves: no
    state, no availability."""
    scenarios = [
        {"provider": "alder", "sessions": 6},
        {"provider": "alder", "sessions": 6, "state": "TX"},
        {"provider": "alder", "sessions": 6, "returning": True, "start": "2026-12-20"},
        {"provider": "alder", "sessions": 7, "pace": "1"},
        {"provider": "alder", "sessions": 8, "pace": "1", "state": "NY"},
    ]
    together = ndjson_rows(cli("batch", input=jsonl(*scenarios)).stdout)
    for index, scenario in enumerate(scenarios):
        alone = ndjson_rows(cli("batch", input=jsonl(scenario)).stdout)[0]
        assert {**alone, "line": index + 1} == together[index], scenario
    assert [r["availability"] for r in together] == [None, "available", None, None, "available"]


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_full_records_are_refused_as_rows(cli, fmt):
    """--full gives whole JSON records (every payment): as CSV or TSV it gave the summary rows
    silently. It is a usage error naming the formats that take it, and nothing is written."""
    result = cli("batch", "--full", "--format", fmt, input=jsonl({"provider": "alder", "sessions": 6}))
    line = assert_one_error_line(result, 2)
    assert f"--full writes whole JSON records, not {fmt.upper()} rows" in line and "--format ndjson" in line
    assert result.stdout == ""


def test_a_rules_record_is_encoded_once_for_every_course_it_binds():
    """batch encodes a rule's record once and writes each course's dates into it, keyed on the
    entry's fields before its course: a field added after ``course`` (the day the rules are
    known on) made every line encode every rule again (a fifth of the time of 20,000 lines)."""
    from datetime import date

    from ketacalc.domain.regulation import RuleEntry, course_dates
    from ketacalc.output.views.batch import BatchReport

    assert RuleEntry._fields[-1] == "course"
    entry = RuleEntry(
        "r", "US", "Rule", "flexibility", "effect", "short", date(2027, 1, 1), date(2027, 1, 1),
        "src", date(2025, 12, 31), "B", date(2026, 11, 21), course_dates(date(2026, 12, 1), 60),
    )  # fmt: skip
    report = BatchReport(None, iter(()))  # type: ignore[arg-type]
    first = report._rules_text((entry,))
    later = report._rules_text((entry._replace(course=course_dates(date(2026, 12, 8), 60)),))
    assert len(report._rule_heads) == 1  # one record encoded, two courses written
    assert first != later and '"course_start":"2026-12-08"' in later
