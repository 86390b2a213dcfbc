"""The terminal, as a person sees it: every line fits, the answer comes first, long
output pages, and colour means something (issue 16).

Real terminals are pseudo-terminals of 80x40 and 120x40 (TIOCSWINSZ), with
stdout and stderr both on them and COLUMNS/LINES unset, so ketacalc reads the
terminal's own size; the processes run side by side. The in-process checks run
a sample of widths from 60 to 200.
"""

from __future__ import annotations

import json
import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ANSI, REPO, table_part

#: every command that draws for people, on the fixture data
COMMANDS = {
    "providers": ["providers"],
    "show": ["show", "alder"],
    "history": ["history", "alder"],
    "cost": ["cost", "alder", "--sessions", "14"],
    "cost-range": ["cost", "cedar", "--sessions", "1-10"],
    "cost-notes": ["cost", "birch", "--sessions", "200", "--state", "TX", "--insurer", "aetna"],
    "compare": ["compare", "--state", "TX"],
    "compare-wide": ["compare", "--state", "TX", "--wide"],
    "compare-sessions": ["compare", "--state", "TX", "--sessions", "10", "--sort", "total"],
    "compare-months": ["compare", "--state", "TX", "--months", "3"],
    "states": ["states", "birch"],
    "eligibility": ["eligibility", "--state", "TX"],
    "chart": ["chart", "--state", "TX"],
}
ESCAPES = re.compile(r"\x1b(\[[0-9;?]*[A-Za-z]|[=>])")
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")


def width(line: str) -> int:
    from rich.cells import cell_len

    return cell_len(line)


class OnTerminal:
    """``python -m ketacalc ARGS`` (or ``python ARGS``) with stdout and stderr on a
    pseudo-terminal of COLUMNS x ROWS."""

    def __init__(
        self,
        args: list[str],
        columns: int,
        rows: int = 40,
        env: dict[str, str | None] | None = None,
        python: bool = False,  # args are Python's own (``-c CODE``), not ketacalc's
    ) -> None:
        import fcntl
        import pty
        import struct
        import termios

        self.leader, follower = pty.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        full = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        full.update({"TERM": "xterm-256color", "PYTHONPATH": str(REPO / "src")})
        for name, value in (env or {}).items():
            if value is None:
                full.pop(name, None)
            else:
                full[name] = value
        self.proc = subprocess.Popen(
            [sys.executable, *args] if python else [sys.executable, "-m", "ketacalc", *args],
            stdin=subprocess.DEVNULL,
            stdout=follower,
            stderr=follower,
            env=full,
        )
        os.close(follower)
        self.chunks: list[bytes] = []
        self.open = True

    def read(self) -> bool:
        """Read what is there; False once the terminal is closed."""
        try:
            chunk = os.read(self.leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            chunk = b""
        if not chunk:
            self.open = False
            os.close(self.leader)
        self.chunks.append(chunk)
        return self.open

    def lines(self) -> list[str]:
        text = b"".join(self.chunks).decode("utf-8", errors="replace")
        return [ESCAPES.sub("", line) for line in text.replace("\r\n", "\n").split("\n")]


def run_on_terminals(*terminals: OnTerminal) -> list[OnTerminal]:
    """Read every terminal until all are closed, then wait for every process."""
    deadline = time.monotonic() + 120
    while any(t.open for t in terminals) and time.monotonic() < deadline:
        ready, _, _ = select.select([t.leader for t in terminals if t.open], [], [], 1.0)
        for t in terminals:
            if t.open and t.leader in ready:
                t.read()
    for t in terminals:
        t.proc.wait(timeout=60)
    return list(terminals)


# --------------------------------------------------------------- every line fits a real terminal


#: one process runs every command in turn on the same terminal (one start-up, not one each)
EVERY_COMMAND = """
import sys
from ketacalc.cli import main
for name, args in {commands!r}.items():
    print("=== " + name, flush=True)
    code = main([*args, "--no-pager"])
    sys.stdout.flush()
    sys.stderr.flush()
    print("=== exit " + str(code), flush=True)
"""


@posix_only
@pytest.mark.parametrize("columns", [80, 120])
def test_every_command_fits_a_real_terminal(columns):
    """At 80x40 and 120x40, every line every command writes (table, headline, notes on
    stderr) fits the terminal; nothing is cut, no trailing padding."""
    code = EVERY_COMMAND.format(commands=COMMANDS)
    [t] = run_on_terminals(OnTerminal(["-c", code], columns, env={"NO_COLOR": "1"}, python=True))
    assert t.proc.returncode == 0, t.lines()
    outputs: dict[str, list[str]] = {}
    name = ""
    for line in t.lines():
        if line.startswith("=== exit "):
            assert line == "=== exit 0", (name, outputs[name])
        elif line.startswith("=== "):
            name = line[4:]
            outputs[name] = []
        elif line:
            outputs[name].append(line)
    assert list(outputs) == list(COMMANDS)
    for name, lines in outputs.items():
        assert len(lines) > 5, name
        too_wide = [line for line in lines if width(line) > columns]
        assert too_wide == [], (name, columns, too_wide)
        assert [line for line in lines if line != line.rstrip()] == [], (name, "trailing spaces")
        assert "…" not in "\n".join(lines), name


WIDTHS = [60, 67, 80, 99, 137, 200]


@pytest.mark.parametrize("name", COMMANDS)
def test_tables_fit_every_width_from_60_to_200(cli, name):
    """In process, at a sample of widths: every stdout line fits, and narrower never
    means fewer amounts (columns are folded, never dropped)."""
    amounts = None
    for columns in WIDTHS:
        result = cli(*COMMANDS[name], env={"COLUMNS": str(columns)})
        assert result.exit_code == 0, result.stderr
        lines = result.stdout.splitlines()
        assert [line for line in lines if width(line) > columns] == [], (name, columns)
        found = sorted(re.findall(r"\$[\d,]+\.\d\d", result.stdout))
        if name != "chart":  # the chart's axis labels depend on the width
            assert amounts is None or found == amounts, (name, columns)
            amounts = found


def test_notes_on_a_terminal_wrap_at_its_width():
    """A long note (the chart's reason for leaving a provider out) wraps on whole words."""
    [t] = run_on_terminals(OnTerminal(["chart", "--state", "TX", "--no-pager"], 60, env={"NO_COLOR": "1"}))
    notes = [line for line in t.lines() if line.startswith(("note:", "      "))]
    assert notes and max(map(width, notes)) <= 60
    assert any(line.startswith("      ") for line in notes)  # a continuation line, indented


def test_piped_output_has_no_trailing_padding(cli):
    for args in (["compare", "--state", "TX"], ["show", "alder"], ["states", "birch"]):
        result = cli(*args, env={"COLUMNS": None})
        assert result.exit_code == 0, result.stderr
        assert [line for line in result.stdout.splitlines() if line != line.rstrip()] == [], args


# --------------------------------------------------------------- the answer first


def test_compare_opens_with_the_lowest_comparable_total(cli):
    args = ["compare", "--state", "TX", "--sessions", "10"]
    records = cli(*args, "--format", "json").json()
    ranked = [
        r for r in records if r["availability"] == "available" and r["comparable"] and r["total"] is not None
    ]
    best = min(ranked, key=lambda r: float(r["total"]))
    head = cli(*args).stdout.split("\n\n")[0]
    flat = " ".join(head.split())
    serving = sum(1 for r in records if r["availability"] == "available")
    assert flat.startswith(f"{serving} of 7 providers serve TX")
    assert f"lowest total among those serving TX is {best['name']} at ${float(best['total']):,.2f}" in flat
    unlike = [r["name"] for r in records if not r["comparable"]]
    assert unlike and all(f"{name}: daily low-dose, not sessions, not ranked" in flat for name in unlike)
    # a federal rule on the course's dates binds every provider alike: said once, at the top
    assert "Federal rule: in-person visit may be required from 2027-01-01 (gazette-2025, 2025-12-31)." in flat
    assert len(head.splitlines()) <= 5  # 1-4 lines of words (wrapped at the width), then the rule


def test_compare_by_months_never_ranks_a_daily_low_dose_month_against_sessions(cli):
    records = cli("compare", "--state", "TX", "--months", "3", "--format", "json").json()
    monthly = [r for r in records if r["modality"] == "daily-low-dose" and r["total"] is not None]
    assert monthly  # Dune: cheaper than any course of sessions, and still not called the lowest
    head = " ".join(cli("compare", "--state", "TX", "--months", "3").stdout.split("\n\n")[0].split())
    lowest = head.split("lowest total")[1].split(".")[0]
    assert all(r["name"] not in lowest for r in monthly)
    assert all(f"{r['name']} (${float(r['total']):,.2f}): daily low-dose" in head for r in monthly)


def test_without_a_course_compare_says_how_to_rank(cli):
    head = " ".join(cli("compare", "--state", "TX").stdout.split("\n\n")[0].split())
    assert "lowest" not in head
    assert "give --sessions N or --months M" in head


@pytest.mark.parametrize("fmt", ["json", "csv", "tsv", "ndjson"])
def test_headlines_are_for_tables_only(cli, fmt):
    for args in (
        ["compare", "--state", "TX", "--sessions", "10"],
        ["states", "birch"],
        ["cost", "alder", "-n", "14"],
    ):
        out = cli(*args, "--format", fmt).stdout
        assert "lowest total" not in out and " is available in " not in out and "due at sign-up," not in out


def test_markdown_opens_with_the_headline_under_its_heading(cli):
    """A pasted table carries the answer in words, as the terminal opens with it: a paragraph
    a line between the heading and the table (the rules on the course's dates among them)."""
    for args in (
        ["compare", "--state", "TX", "--sessions", "10"],
        ["states", "birch"],
        ["cost", "alder", "-n", "14"],
    ):
        md = cli(*args, "--format", "markdown").stdout
        head = " ".join(cli(*args).stdout.split("\n\n")[0].split())  # every line of it, unwrapped
        before_table = md.split("\n| ", 1)[0]
        assert before_table.startswith("## ")
        assert head in " ".join(before_table.replace("\\", "").split())


def test_states_opens_with_the_available_states_together_and_lists_them_first(cli):
    records = cli("states", "birch", "--format", "json").json()
    available = [r["state"] for r in records if r["availability"] == "available"]
    out = cli("states", "birch", env={"COLUMNS": "120"}).stdout
    # a third party's list is said to be one, above the rows as in them
    assert " ".join(out.split("\n\n")[0].split()).startswith(
        f"Birch Clinic is available in {len(available)} states: {', '.join(available)} (all by a list not "
        "the provider's own: review-2025 (2025-06-13); check with the provider)."
    )
    table = table_part(out).splitlines()
    rows = [line.split()[0] for line in table[3:] if re.match(r"[A-Z]{2} ", line)]
    assert rows[: len(available)] == available
    # the rules on the course's dates, as eligibility's headline says them: every row carried
    # the federal one, and no line above the table said it
    head = " ".join(out.split("\n\n")[0].split())
    assert "Federal rule (for a course started 2026-11-21, assumed to run to 2027-05-22): in-person" in head
    assert head.endswith("A state rule also applies in AL (see its row).")


def test_cost_opens_with_the_total_and_what_is_due(cli):
    record = cli("cost", "alder", "--sessions", "14", "--format", "json").json()
    head = " ".join(cli("cost", "alder", "--sessions", "14").stdout.split("\n\n")[0].split())
    assert head.startswith(f"Alder Health, 14 sessions for a new client: ${float(record['total']):,.2f}")
    assert f"${float(record['due_at_signup']):,.2f} due at sign-up" in head
    assert f"{record['payments']} payments to {record['last_due']}" in head


def test_eligibility_and_chart_open_with_the_answer(cli):
    records = cli("eligibility", "--state", "TX", "--format", "json").json()
    serving = [r["name"] for r in records if r["availability"] == "available"]
    head = " ".join(cli("eligibility", "--state", "TX").stdout.split("\n\n")[0].split())
    assert re.sub(r" \(stale list\)", "", head).startswith(
        f"{len(serving)} providers serve TX: {', '.join(serving)}."
    )
    chart = cli("chart", "--state", "TX", "--sessions", "1-12").stdout
    assert chart.splitlines()[0].startswith("Cheapest: ")
    assert "providers drawn" in chart.split("\n\n")[0]


def test_compact_compare_and_wide(cli):
    compact = cli("compare", "--state", "TX", env={"COLUMNS": "200"}).stdout
    wide = cli("compare", "--state", "TX", "--wide", env={"COLUMNS": "200"}).stdout
    for header in ("Provider", "In TX", "Plans", "sign-up", "Sitter", "Insurance"):
        assert header in compact and header in wide
    assert "HSA/FSA" not in table_part(compact).split("─")[0] and "dosing" not in compact
    assert "HSA/FSA" in wide and "dosing" in wide and "flexibility" in wide


# --------------------------------------------------------------- the pager


@posix_only
def test_long_output_goes_through_the_pager_on_a_terminal(tmp_path: Path):
    """PAGER is run (here ``tee`` into a file, so the test sees what it was given) only
    for output longer than the screen, only on a terminal, never with --no-pager."""
    paged = tmp_path / "paged.txt"
    env = {"NO_COLOR": "1", "PAGER": f"tee {paged}"}
    [long] = run_on_terminals(OnTerminal(["states", "birch"], 80, rows=40, env=env))
    assert long.proc.returncode == 0
    text = paged.read_text()
    assert "Birch Clinic: availability by state" in text and len(text.splitlines()) > 40
    paged.unlink()
    short, off = run_on_terminals(
        OnTerminal(["eligibility", "--state", "TX"], 120, rows=60, env=env),
        OnTerminal(["states", "birch", "--no-pager"], 80, rows=40, env=env),
    )
    assert (short.proc.returncode, off.proc.returncode) == (0, 0)
    assert not paged.exists()  # one screen, or --no-pager: written straight out
    assert any("Birch Clinic: availability by state" in line for line in off.lines())


def test_a_pipe_never_pages(tmp_path: Path):
    from conftest import run_subprocess

    paged = tmp_path / "paged.txt"
    result = run_subprocess("states", "birch", env={"PAGER": f"tee {paged}", "LINES": "10"})
    assert result.returncode == 0 and "Birch Clinic" in result.stdout
    assert not paged.exists()


# --------------------------------------------------------------- colour that means something


def test_each_meaning_has_its_own_style(cli):
    from ketacalc.output.terminal import STYLES

    out = cli("--color", "always", "states", "birch", env={"COLUMNS": "120"}).stdout
    styles = {word: re.findall(rf"\x1b\[([0-9;]+)m{word}\b", out) for word in ("available", "unknown")}
    assert styles["available"] and styles["unknown"]
    assert set(styles["available"]).isdisjoint(styles["unknown"])
    assert len(set(STYLES.values())) == len(STYLES)
    stale = cli("compare", "--state", "TX", "--color", "always").stdout
    assert re.search(r"\x1b\[[0-9;]+mstale prices", stale)


@pytest.mark.parametrize(
    ("env", "option", "coloured"),
    [
        ({}, [], False),  # not a terminal
        ({"FORCE_COLOR": "1"}, [], True),
        ({"FORCE_COLOR": "1"}, ["--color", "never"], False),
        ({"NO_COLOR": "1"}, ["--color", "always"], True),
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, [], False),
        ({}, ["--color=always"], True),
    ],
)
def test_colour_is_riches_decision_and_the_option_overrides_it(cli, env, option, coloured):
    full = {"NO_COLOR": None, "FORCE_COLOR": None, "TERM": "xterm-256color", **env}
    result = cli("compare", "--state", "TX", *option, env=full)
    assert result.exit_code == 0, result.stderr
    assert bool(ANSI.search(result.stdout)) is coloured
    data = cli("compare", "--state", "TX", "--format", "json", *option, env=full)
    assert not ANSI.search(data.stdout)
    json.loads(data.stdout)


@posix_only
def test_colour_on_a_terminal_but_not_a_dumb_one_nor_with_no_color():
    plain: dict[str, str | None] = {"NO_COLOR": None, "FORCE_COLOR": None}
    runs = run_on_terminals(
        OnTerminal(["states", "birch", "--no-pager"], 80, env=plain),
        OnTerminal(["states", "birch", "--no-pager"], 80, env={**plain, "TERM": "dumb"}),
        OnTerminal(["states", "birch", "--no-pager"], 80, env={**plain, "NO_COLOR": "1"}),
    )
    raw = [b"".join(t.chunks) for t in runs]
    assert b"\x1b[" in raw[0]
    assert b"\x1b[" not in raw[1] and b"\x1b[" not in raw[2]


def test_a_warning_has_its_style_when_colour_is_on(cli):
    result = cli("--color", "always", "cost", "birch", "--sessions", "6", "--state", "WA")
    assert result.exit_code == 0, result.stderr
    assert re.search(r"\x1b\[[0-9;]+mwarning:", result.stderr)
    plain = cli("cost", "birch", "--sessions", "6", "--state", "WA")
    assert "warning: " in plain.stderr and not ANSI.search(plain.stderr)


def test_the_headline_counts_what_the_options_hid(cli):
    records = cli("compare", "--state", "TX", "--no-sitter", "--format", "json").json()
    head = " ".join(cli("compare", "--state", "TX", "--no-sitter").stdout.split("\n\n")[0].split())
    serving = sum(1 for r in records if r["availability"] == "available")
    assert head.startswith(f"Shown: {serving} provider{'s' if serving != 1 else ''} serving TX")
    assert "more hidden by the options" in head


@posix_only
def test_piped_to_a_pager_on_the_terminal_the_table_fits_it():
    """``ketacalc compare --state TX | cat`` in an 80-column terminal drew a 120-column table
    that the terminal wrapped into a tangle: with stderr on the terminal the table ends up on,
    it is drawn at that terminal's width; a script capturing both streams still gets 120."""
    import fcntl
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 80, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["PYTHONPATH"] = str(REPO / "src")
    args = [sys.executable, "-m", "ketacalc", "compare", "--state", "TX"]
    try:
        on_terminal = subprocess.run(args, stdout=subprocess.PIPE, stderr=follower, env=env, timeout=60)
    finally:
        os.close(follower)
        os.close(leader)
    lines = on_terminal.stdout.decode().splitlines()
    assert lines and max(width(line) for line in lines) <= 80
    captured = subprocess.run(args, capture_output=True, env=env, timeout=60).stdout.decode().splitlines()
    assert max(width(line) for line in captured) > 80
