"""ketacalc in pipelines and as a real process: NDJSON everywhere, quiet ends on a
closed pipe, no colour codes and no cut tables when the output is not a terminal,
exit codes. Real processes are slow (about 0.3 s each), so each behaviour is run
in as few of them as covers it; everything else runs in-process."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys

import pytest

from conftest import ANSI, FIXTURE_IDS, run_subprocess, shown

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


# --------------------------------------------------------------- ndjson everywhere


@pytest.mark.parametrize("args", DATA_COMMANDS.values(), ids=DATA_COMMANDS.keys())
def test_every_data_command_writes_ndjson(cli, args):
    result = cli(*args, "--format", "ndjson")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines
    records = [json.loads(line) for line in lines]
    assert all(isinstance(r, dict) for r in records)
    as_json = cli(*args, "--format", "json").json()
    assert records == (as_json if isinstance(as_json, list) else [as_json])


def test_ndjson_cost_range_is_one_object_per_n(cli):
    result = cli("cost", "alder", "--sessions", "1-40", "--format", "ndjson")
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["sessions_requested"] for r in records] == list(range(1, 41))


def test_ndjson_compare_has_one_object_per_provider(cli):
    providers = [p["id"] for p in cli("providers", "--format", "json").json()]
    assert providers == list(FIXTURE_IDS)
    records = [
        json.loads(line)
        for line in cli("compare", "--include-unavailable", "--format", "ndjson").stdout.splitlines()
    ]
    assert sorted(r["provider"] for r in records) == sorted(providers)


# --------------------------------------------------------------- closed pipes


def pipeline(command: str, memory_kb: int = 1_500_000) -> subprocess.CompletedProcess[str]:
    """Run ``command | head -1`` in a real shell.

    Like ``run_subprocess(shell=...)``, but the whole pipeline runs in its own process
    group, killed if it outlives the timeout (a shell killed alone would leave ketacalc
    running), and under a memory ceiling: ketacalc needs a few hundred MB at most for
    any of these, so a run that tries to hold its whole output in memory fails in
    seconds with a clear message instead of swapping the machine.
    """
    shell = f"ulimit -v {memory_kb} 2>/dev/null; {command} | head -1"
    proc = subprocess.Popen(shell, shell=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ), start_new_session=True)  # fmt: skip
    try:
        out, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"{command} | head -1 had not ended after 120 s")
    return subprocess.CompletedProcess(shell, proc.returncode, out, err)


def assert_quiet_head(proc: subprocess.CompletedProcess[str], notes: bool = False) -> None:
    """``head`` got exactly one line; nothing but (for tables) notes reached stderr."""
    assert proc.stdout.count("\n") == 1, proc.stdout[:500]
    stderr = [line for line in proc.stderr.splitlines() if not (notes and line.startswith("note: "))]
    assert stderr == [], proc.stderr[-2000:]


@pytest.mark.parametrize(
    "args",
    [
        "compare --state TX",
        "compare --state TX --sessions 10 --format csv",
        "cost alder --sessions 1-10000 --format ndjson",
        "cost alder --sessions 1-300",
    ],
)
def test_piped_into_head_ends_quietly(args):
    proc = pipeline(f"{KETACALC} {args}")
    assert_quiet_head(proc, notes=args == "cost alder --sessions 1-300")


def big_batch(tmp_path, lines: int = 20_000, fmt: str = "jsonl") -> str:
    providers = ["alder", "birch", "cedar", "dune", "fern"]
    path = tmp_path / f"big.{fmt}"
    if fmt == "csv":
        rows = ["provider,sessions,returning"] + [
            f"{providers[i % 5]},{i % 97 + 1},{'true' if i % 2 else 'false'}" for i in range(lines)]  # fmt: skip
    else:
        rows = [json.dumps({"provider": providers[i % 5], "sessions": i % 97 + 1, "returning": bool(i % 2)})
                for i in range(lines)]  # fmt: skip
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return shlex.quote(str(path))


@pytest.mark.parametrize("fmt", ["ndjson", "json", "csv"])
def test_big_batch_file_piped_into_head_ends_quietly(tmp_path, fmt):
    path = big_batch(tmp_path)
    assert_quiet_head(pipeline(f"{KETACALC} batch {path} --format {fmt}"))


def test_big_batch_from_stdin_piped_into_head_ends_quietly(tmp_path):
    path = big_batch(tmp_path, fmt="csv")
    assert_quiet_head(pipeline(f"cat {path} | {KETACALC} batch"))


def test_big_batch_with_failing_lines_piped_into_head(tmp_path):
    """Line errors still go to stderr, one per line, and nothing else does."""
    path = tmp_path / "mixed.jsonl"
    lines = ['{"provider":"alder","sessions":6}'] * 5000 + ['{"provider":"nosuch","sessions":6}']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = pipeline(f"{KETACALC} batch {shlex.quote(str(path))}")
    assert proc.stdout.count("\n") == 1
    assert not any(word in proc.stderr for word in NOISE)
    assert all(line.startswith("line 5001: ") for line in proc.stderr.splitlines())


def test_whole_big_batch_is_one_result_per_line(tmp_path):
    path = big_batch(tmp_path)
    proc = run_subprocess(shell=f"{KETACALC} batch {path} | wc -l")  # all of it, so run_subprocess is safe
    assert proc.stderr == ""
    assert int(proc.stdout.strip()) == 20_000


# every command once, every format at least once
CLOSED_PIPE_CASES = [
    ("providers", "table"), ("show", "json"), ("cost", "ndjson"), ("cost-range", "csv"), ("history", "tsv"),
    ("states", "table"), ("eligibility", "json"), ("compare", "csv"), ("compare-priced", "table"),
]  # fmt: skip


def test_output_to_an_already_closed_pipe():
    """The reader is gone before ketacalc writes (``ketacalc ... | true``): no complaint,
    and exit 0 as for any closed pipe (``main`` maps it to 0), whatever the format."""
    bad = []
    for name, fmt in CLOSED_PIPE_CASES:
        args = DATA_COMMANDS[name]
        read, write = os.pipe()
        os.close(read)
        try:
            proc = subprocess.run([sys.executable, "-m", "ketacalc", *args, "--format", fmt], stdout=write,
                                  stderr=subprocess.PIPE, text=True, timeout=60)  # fmt: skip
        finally:
            os.close(write)
        complaints = [line for line in proc.stderr.splitlines() if not line.startswith("note: ")]
        if complaints or proc.returncode != 0:
            bad.append((name, proc.returncode, complaints))
    assert bad == []


def test_batch_to_an_already_closed_pipe():
    read, write = os.pipe()
    os.close(read)
    try:
        proc = subprocess.run([sys.executable, "-m", "ketacalc", "batch"], stdout=write, stderr=subprocess.PIPE,
                              input='{"provider":"alder","sessions":6}\n' * 100, text=True, timeout=60)  # fmt: skip
    finally:
        os.close(write)
    assert proc.stderr == ""
    assert proc.returncode in (0, 141, -signal.SIGPIPE)


# --------------------------------------------------------------- no colour codes


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("args", DATA_COMMANDS.values(), ids=DATA_COMMANDS.keys())
def test_no_ansi_codes_in_process(cli, args, fmt):
    result = cli(*args, "--format", fmt, env={"NO_COLOR": None})
    assert result.exit_code == 0, result.stderr
    assert not ANSI.search(result.stdout + result.stderr)


@pytest.mark.parametrize("name", ["providers", "compare-priced", "cost"])
def test_no_ansi_codes_when_piped_without_no_color(name):
    args = DATA_COMMANDS[name]
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.pop("FORCE_COLOR", None)
    env["TERM"] = "xterm-256color"
    proc = subprocess.run([sys.executable, "-m", "ketacalc", *args], capture_output=True, text=True, env=env,
                          timeout=60)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip()
    assert not ANSI.search(proc.stdout + proc.stderr)


def test_no_ansi_codes_in_errors_when_piped():
    proc = run_subprocess("show", "aldr", env={"NO_COLOR": ""})
    assert proc.returncode == 1
    assert not ANSI.search(proc.stderr)
    assert proc.stderr.startswith("Error: ")


def run_on_terminal(args: list[str], env: dict[str, str]) -> bytes:
    """Run ketacalc with stdout on a pseudo-terminal; return what it printed."""
    pty = pytest.importorskip("pty")
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "ketacalc", *args], stdout=follower, stderr=subprocess.PIPE,
                            env=env)  # fmt: skip
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
@pytest.mark.parametrize(
    "args", [["providers"], ["compare", "--state", "TX"], ["cost", "alder", "--sessions", "10"]]
)
def test_no_color_is_honoured_on_a_terminal(args):
    env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm-256color"}
    out = run_on_terminal(args, env)
    assert out.strip()
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
    cost = cli("cost", *insured)
    assert_whole(cost.stdout, cost_expected(cli, *insured))


def run_piped(args: list[str], columns: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    if columns:
        env["COLUMNS"] = columns
    proc = subprocess.run([sys.executable, "-m", "ketacalc", *args], capture_output=True, text=True, env=env,
                          timeout=60)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.parametrize("columns", [None, "40"], ids=["COLUMNS-unset", "COLUMNS=40"])
def test_piped_tables_are_whole(cli, columns):
    """COLUMNS describes a terminal; when stdout is a pipe there is no terminal to fit,
    and nothing is cut even when COLUMNS is narrow."""
    compare = run_piped(["compare", "--state", "TX", "--sessions", "10"], columns)
    assert_whole(compare, compare_expected(cli))
    cost = run_piped(["cost", "alder", "--sessions", "4,10"], columns)
    assert_whole(cost, both(cost_expected(cli, "alder", "--sessions", "4"),
                            cost_expected(cli, "alder", "--sessions", "10")))  # fmt: skip


# --------------------------------------------------------------- exit codes of a real process


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["cost", "alder", "--sessions", "10", "--format", "json"], 0),
        (["cost", "nosuch", "--sessions", "6"], 1),
        (["compare", "--state", "Texsa"], 2),
    ],
    ids=["ok", "unknown-provider", "usage"],
)
def test_exit_codes_of_a_real_process(args, code):
    proc = run_subprocess(*args)
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    if code:
        assert proc.stdout == ""
        assert len(proc.stderr.splitlines()) == 1 and proc.stderr.startswith("Error: ")
    else:
        assert json.loads(proc.stdout)["total"] == "1800.00"  # alder new-10 today: 5 x $360
