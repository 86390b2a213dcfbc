"""The conventions people expect of a command line: the same short option means the
same everywhere, choices ignore case, mistakes get the likely fix, -V shows the version."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import assert_one_error_line


def every_command():
    import typer.main

    from ketacalc.cli import app

    root = typer.main.get_command(app)
    yield "ketacalc", root
    yield from root.commands.items()


def test_each_short_option_means_the_same_on_every_command():
    meaning: dict[str, set[str]] = {}
    for _name, command in every_command():
        for param in command.params:
            longs = [o for o in param.opts if o.startswith("--")]
            for short in (o for o in param.opts if len(o) == 2 and o.startswith("-")):
                meaning.setdefault(short, set()).update(longs)
    assert {s: m for s, m in meaning.items() if len(m) != 1} == {}
    assert (
        meaning["-m"] == {"--months"} and meaning["-n"] == {"--sessions"} and meaning["-V"] == {"--version"}
    )


def test_every_command_with_months_takes_m_and_every_one_with_sessions_takes_n():
    for name, command in every_command():
        for param in command.params:
            if "--months" in param.opts:
                assert "-m" in param.opts, name
            if "--sessions" in param.opts:
                assert "-n" in param.opts, name


def test_cost_takes_m_for_months(cli):
    short = cli("cost", "fern", "-m", "3", "--format", "json")
    assert short.exit_code == 0, short.stderr
    assert short.json() == cli("cost", "fern", "--months", "3", "--format", "json").json()


@pytest.mark.parametrize(
    ("args", "same_as"),
    [
        (["compare", "--state", "tx", "--sort", "Total", "-n", "6"], ["compare", "--state", "TX", "--sort", "total", "-n", "6"]),
        (["compare", "--state", "TX", "--format", "JSON"], ["compare", "--state", "TX", "--format", "json"]),
        (["cost", "alder", "-n", "6", "--route", "TABLET", "-f", "Csv"], ["cost", "alder", "-n", "6", "--route", "tablet", "-f", "csv"]),
        (["cost", "alder", "-n", "6", "--format", "ICS"], ["cost", "alder", "-n", "6", "--format", "ics"]),
    ],
    ids=["sort", "format", "route", "ics"],
)  # fmt: skip
def test_choices_ignore_case(cli, args, same_as):
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == cli(*same_as).stdout


def test_a_bare_number_after_the_provider_suggests_sessions(cli):
    line = assert_one_error_line(cli("cost", "alder", "18"), 2)
    assert "--sessions 18" in line


@pytest.mark.parametrize(
    ("args", "fix"),
    [
        (["compare", "TX"], "give --state TX ('ketacalc compare --state TX')"),
        (["eligibility", "new york"], "give --state NY ('ketacalc eligibility --state NY')"),
        (["cost", "alder", "TX", "-n", "6"], "give --state TX ('ketacalc cost PROVIDER --state TX')"),
    ],
)
def test_a_bare_state_suggests_the_state_option(cli, args, fix):
    """`compare TX`, the most natural slip, said only 'unexpected extra argument' with a pointer
    to --help: the state named is read, and the option that takes it given."""
    line = assert_one_error_line(cli(*args), 2)
    assert fix in line


def test_an_unknown_provider_is_reported_before_a_missing_option(cli):
    line = assert_one_error_line(cli("cost", "aldr"), 1)
    assert "unknown provider 'aldr'" in line and "alder" in line


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_v_prints_the_version(cli, flag):
    from ketacalc.version import __version__

    result = cli(flag)
    assert (result.exit_code, result.stdout) == (0, f"ketacalc {__version__}\n")


def test_batch_on_a_terminal_says_it_reads_standard_input_and_how_to_end_it():
    """Standard input on a pseudo-terminal, as when a person types ``ketacalc batch``:
    the hint comes at once on stderr, and Ctrl-D ends the input."""
    import pty

    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "ketacalc", "batch"],
            stdin=follower, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ),
        )  # fmt: skip
        os.write(leader, b"\x04")  # Ctrl-D on an empty line: end of input
        out, err = proc.communicate(timeout=60)
    finally:
        os.close(follower)
        os.close(leader)
    assert proc.returncode == 0, err
    assert out == b""
    assert b"Reading scenarios from standard input" in err and b"Ctrl-D" in err


def test_batch_from_a_pipe_says_nothing_of_the_kind(cli):
    result = cli("batch", input="")
    assert result.exit_code == 0 and "standard input" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["cost", "mindbloom", "-n", "18"],
        ["--data", "x.yaml", "--no-pager", "compare", "-s", "TX"],
        ["--color=never", "config", "show"],
        ["batch", "-"],
    ],
)
def test_a_run_naming_one_command_builds_that_command_as_the_whole_app_does(args):
    """A run builds only the command it names (start-up); its options, help and
    examples are those of the whole app's command, and the root's options stay."""
    import typer.main

    from ketacalc.cli import _app_for, app

    whole = typer.main.get_command(app)
    alone = typer.main.get_command(_app_for(args))
    name = next(a for a in args if not a.startswith("-") and a not in ("x.yaml", "never"))
    assert list(alone.commands) == [name]
    assert [p.opts for p in alone.params] == [p.opts for p in whole.params]
    ctx = whole.make_context("ketacalc", [name, "--help"], resilient_parsing=True)
    mine, theirs = alone.commands[name], whole.commands[name]
    assert mine.get_help(ctx) == theirs.get_help(ctx)
    assert [p.opts for p in mine.params] == [p.opts for p in theirs.params]


@pytest.mark.parametrize(
    "args", [[], ["--help"], ["-V"], ["cots"], ["--data", "x.yaml"], ["--bogus", "cost"]]
)
def test_a_run_naming_no_command_builds_the_whole_app(args):
    from ketacalc.cli import _app_for, app

    assert _app_for(args) is app
