"""ketacalc in pipelines and as a real process: NDJSON everywhere, quiet ends on a
closed pipe, no colour codes and no cut tables when the output is not a terminal,
exit codes.

A real process costs about 0.3 s, so each behaviour runs in as few of them as cover
it, and the processes of one test run side by side (``run_all``); everything that
an in-process call shows as well runs in-process.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
from collections.abc import Sequence

import pytest

from conftest import ANSI, FIXTURE_IDS, shown

KETACALC = f"{shlex.quote(sys.executable)} -m ketacalc"
NOISE = ("Traceback", "Exception ignored", "BrokenPipeError", "Error")

DATA_COMMANDS = {
    "providers": ["providers"],
    "show": ["show", "alder"],
    "cost": ["cost", "alder", "--sessions", "10"],
    "cost-range": ["cost", "birch", "--sessions", "1-5"],
    "history": ["history", "alder"],
    "states": ["states", "alder"],
    "eligibility": ["eligibility", "--state", "TX"],
    "compare": ["compare"],
    "compare-priced": ["compare", "--state", "TX", "--sessions", "10"],
}
FORMATS = ["table", "json", "ndjson", "csv", "tsv"]


class Run:
    """One real process: ``args`` run as ``python -m ketacalc ARGS``, or ``shell`` as
    a shell pipeline (in its own process group, under a memory ceiling: ketacalc
    needs a few hundred MB at most, so a run that tries to hold all its output in
    memory fails in seconds instead of swapping the machine)."""

    def __init__(
        self,
        args: Sequence[str] = (),
        *,
        shell: str | None = None,
        env: dict[str, str | None] | None = None,
        stdin: str | None = None,
        stdout_closed: bool = False,
    ) -> None:
        full_env = {**os.environ, **(env or {})}
        self.env = {k: v for k, v in full_env.items() if v is not None}
        self.label = shell or " ".join(args)
        self.stdin = stdin
        self.closed_write_end: int | None = None
        stdout: int = subprocess.PIPE
        if stdout_closed:  # the reader is gone before ketacalc writes anything
            read, write = os.pipe()
            os.close(read)
            stdout = self.closed_write_end = write
        command: str | list[str] = (
            f"ulimit -v 1500000 2>/dev/null; {shell}" if shell else [sys.executable, "-m", "ketacalc", *args]
        )
        self.proc = subprocess.Popen(
            command,
            shell=shell is not None,
            stdout=stdout,
            stderr=subprocess.PIPE,
            stdin=subprocess.PIPE if stdin is not None else None,
            text=True,
            env=self.env,
            start_new_session=True,
        )

    def wait(self) -> subprocess.CompletedProcess[str]:
        try:
            out, err = self.proc.communicate(self.stdin, timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.communicate()
            pytest.fail(f"{self.label} had not ended after 120 s")
        finally:
            if self.closed_write_end is not None:
                os.close(self.closed_write_end)
        return subprocess.CompletedProcess(self.label, self.proc.returncode, out or "", err)


def run_all(*runs: Run) -> list[subprocess.CompletedProcess[str]]:
    """Wait for processes already started side by side."""
    return [run.wait() for run in runs]


# --------------------------------------------------------------- ndjson everywhere (in-process)


@pytest.mark.parametrize("args", DATA_COMMANDS.values(), ids=DATA_COMMANDS.keys())
def test_every_data_command_writes_ndjson(cli, args):
    result = cli(*args, "--format", "ndjson")
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records and all(isinstance(r, dict) for r in records)
    as_json = cli(*args, "--format", "json").json()
    assert records == (as_json if isinstance(as_json, list) else [as_json])


def test_ndjson_cost_range_is_one_object_per_n(cli):
    result = cli("cost", "alder", "--sessions", "1-40", "--format", "ndjson")
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["sessions_requested"] for r in records] == list(range(1, 41))


def test_ndjson_compare_has_one_object_per_provider(cli):
    providers = [p["provider"] for p in cli("providers", "--format", "json").json()]
    assert providers == list(FIXTURE_IDS)
    lines = cli("compare", "--include-unavailable", "--format", "ndjson").stdout.splitlines()
    assert sorted(json.loads(line)["provider"] for line in lines) == sorted(providers)


# --------------------------------------------------------------- closed pipes


def assert_quiet_head(proc: subprocess.CompletedProcess[str], notes: bool = False) -> None:
    """``head`` got exactly one line; nothing but (for tables) notes reached stderr."""
    assert proc.stdout.count("\n") == 1, (proc.args, proc.stdout[:500])
    stderr = [line for line in proc.stderr.splitlines() if not (notes and line.startswith("note: "))]
    assert stderr == [], (proc.args, proc.stderr[-2000:])


def test_piped_into_head_ends_quietly():
    commands = {
        "compare --state TX": False,
        "compare --state TX --sessions 10 --format csv": False,
        "cost alder --sessions 1-10000 --format ndjson": False,
        "cost alder --sessions 1-300": True,  # a table: its notes go to stderr
    }
    runs = [Run(shell=f"{KETACALC} {args} | head -1") for args in commands]
    for proc, notes in zip(run_all(*runs), commands.values(), strict=True):
        assert_quiet_head(proc, notes=notes)


def big_batch(tmp_path, lines: int = 20_000, fmt: str = "jsonl") -> str:
    providers = ["alder", "birch", "cedar", "dune", "fern"]
    path = tmp_path / f"big.{fmt}"
    if fmt == "csv":
        rows = ["provider,sessions,returning"] + [
            f"{providers[i % 5]},{i % 97 + 1},{'true' if i % 2 else 'false'}" for i in range(lines)
        ]
    else:
        rows = [
            json.dumps({"provider": providers[i % 5], "sessions": i % 97 + 1, "returning": bool(i % 2)})
            for i in range(lines)
        ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return shlex.quote(str(path))


def test_big_batch_piped_into_head_ends_quietly(tmp_path):
    jsonl, csv = big_batch(tmp_path), big_batch(tmp_path, fmt="csv")
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text('{"provider":"alder","sessions":6}\n' * 5000 + '{"provider":"nosuch","sessions":6}\n')
    runs = [
        Run(shell=f"{KETACALC} batch {jsonl} --format {fmt} | head -1") for fmt in ("ndjson", "json", "csv")
    ]
    runs.append(Run(shell=f"cat {csv} | {KETACALC} batch | head -1"))
    failing = Run(shell=f"{KETACALC} batch {shlex.quote(str(mixed))} | head -1")
    whole = Run(shell=f"{KETACALC} batch {jsonl} | wc -l")  # all of it: one result per line
    for proc in run_all(*runs):
        assert_quiet_head(proc)
    # line errors still go to stderr, one per line, and nothing else does
    [failed, counted] = run_all(failing, whole)
    assert failed.stdout.count("\n") == 1
    assert not any(word in failed.stderr for word in NOISE)
    assert all(line.startswith("line 5001: ") for line in failed.stderr.splitlines())
    assert (counted.stderr, int(counted.stdout.strip())) == ("", 20_000)


# every command once, every format at least once
CLOSED_PIPE_CASES = [
    ("providers", "table"),
    ("show", "json"),
    ("cost", "ndjson"),
    ("cost-range", "csv"),
    ("history", "tsv"),
    ("states", "table"),
    ("eligibility", "json"),
    ("compare", "csv"),
    ("compare-priced", "table"),
]


def test_output_to_an_already_closed_pipe():
    """The reader is gone before ketacalc writes (``ketacalc ... | true``): no complaint,
    and exit 0 as for any closed pipe (``main`` maps it to 0), whatever the format."""
    runs = [
        Run([*DATA_COMMANDS[name], "--format", fmt], stdout_closed=True) for name, fmt in CLOSED_PIPE_CASES
    ]
    bad = []
    for proc in run_all(*runs):
        complaints = [line for line in proc.stderr.splitlines() if not line.startswith("note: ")]
        if complaints or proc.returncode != 0:
            bad.append((proc.args, proc.returncode, complaints))
    assert bad == []
    [batch] = run_all(Run(["batch"], stdin='{"provider":"alder","sessions":6}\n' * 100, stdout_closed=True))
    assert batch.stderr == ""
    assert batch.returncode in (0, 141, -signal.SIGPIPE)


# --------------------------------------------------------------- no colour codes


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("args", DATA_COMMANDS.values(), ids=DATA_COMMANDS.keys())
def test_no_ansi_codes_in_process(cli, args, fmt):
    result = cli(*args, "--format", fmt, env={"NO_COLOR": None})
    assert result.exit_code == 0, result.stderr
    assert not ANSI.search(result.stdout + result.stderr)


def test_no_ansi_codes_when_piped_without_no_color():
    env = {"NO_COLOR": None, "FORCE_COLOR": None, "TERM": "xterm-256color"}
    [table, error] = run_all(Run(DATA_COMMANDS["compare-priced"], env=env), Run(["show", "aldr"], env=env))
    assert table.returncode == 0, table.stderr
    assert table.stdout.strip()
    assert not ANSI.search(table.stdout + table.stderr)
    assert error.returncode == 1
    assert error.stderr.startswith("Error: ")
    assert not ANSI.search(error.stderr)


def run_on_terminal(args: list[str], env: dict[str, str]) -> bytes:
    """Run ketacalc with stdout on a pseudo-terminal; return what it printed."""
    pty = pytest.importorskip("pty")
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ketacalc", *args], stdout=follower, stderr=subprocess.PIPE, env=env
    )
    os.close(follower)
    out = b""
    try:
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
    finally:
        os.close(leader)
        proc.wait(timeout=60)
    assert proc.returncode == 0, proc.stderr.read()
    return out


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_no_color_is_honoured_on_a_terminal():
    out = run_on_terminal(
        ["compare", "--state", "TX"], {**os.environ, "NO_COLOR": "1", "TERM": "xterm-256color"}
    )
    assert b"Alder Health" in out
    assert b"\x1b[" not in out


# --------------------------------------------------------------- tables are never cut when piped


def compare_expected(cli) -> tuple[list[str], list[str]]:
    records = cli("compare", "--state", "TX", "--sessions", "10", "--format", "json").json()
    amounts = [
        shown(r[k]) for r in records for k in ("total", "per_session", "due_at_signup") if r[k] is not None
    ]
    assert len(amounts) >= 9
    words = [w for r in records for w in r["name"].split()]
    return amounts, [*words, "medical", "advice."]


def cost_expected(cli, *args: str) -> tuple[list[str], list[str]]:
    record = cli("cost", *args, "--format", "json").json()
    words = [w for p in record["purchases"] for w in p["plan_name"].split()]
    amounts = [shown(record[k]) for k in ("total", "per_session", "due_at_signup")]
    return amounts, [*words, "medical", "advice."]


def assert_whole(text: str, expected: tuple[list[str], list[str]]) -> None:
    """No cell or caption was cut: every amount and every word is there in full."""
    amounts, words = expected
    assert "…" not in text
    assert [a for a in amounts if a not in text] == [], text
    assert [w for w in words if w not in text.split()] == [], text


def both(*parts: tuple[list[str], list[str]]) -> tuple[list[str], list[str]]:
    return [a for p in parts for a in p[0]], [w for p in parts for w in p[1]]


def test_in_process_tables_are_whole(cli):
    compare = cli("compare", "--state", "TX", "--sessions", "10")
    assert_whole(compare.stdout, compare_expected(cli))
    insured = ("birch", "--sessions", "200", "--state", "TX", "--insurer", "aetna")
    assert_whole(cli("cost", *insured).stdout, cost_expected(cli, *insured))


def test_piped_tables_are_whole(cli):
    """COLUMNS describes a terminal; when stdout is a pipe there is no terminal to fit,
    and nothing is cut even when COLUMNS is narrow."""
    compare = ["compare", "--state", "TX", "--sessions", "10"]
    cost = ["cost", "alder", "--sessions", "4,10"]
    runs = [Run(args, env={"COLUMNS": columns}) for columns in (None, "40") for args in (compare, cost)]
    procs = run_all(*runs)
    assert all(proc.returncode == 0 for proc in procs), [proc.stderr for proc in procs]
    expected_cost = both(
        cost_expected(cli, "alder", "--sessions", "4"), cost_expected(cli, "alder", "--sessions", "10")
    )
    for proc, expected in zip(procs, [compare_expected(cli), expected_cost] * 2, strict=True):
        assert_whole(proc.stdout, expected)


# --------------------------------------------------------------- exit codes of a real process


def test_exit_codes_of_a_real_process():
    ok, unknown, usage = run_all(
        Run(["cost", "alder", "--sessions", "10", "--format", "json"]),
        Run(["cost", "nosuch", "--sessions", "6"]),
        Run(["compare", "--state", "Texsa"]),
    )
    assert (ok.returncode, ok.stderr) == (0, ""), ok.stderr
    assert json.loads(ok.stdout)["total"] == "1800.00"  # alder's new-10 today: 5 x $360
    for proc, code in ((unknown, 1), (usage, 2)):
        assert proc.returncode == code, proc.stderr
        assert proc.stdout == ""
        assert len(proc.stderr.splitlines()) == 1 and proc.stderr.startswith("Error: "), proc.stderr
