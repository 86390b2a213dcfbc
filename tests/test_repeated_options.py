"""A repeated option is a usage error (issue 17): Click kept the last value
silently, even after an invalid one (``-n x -n 7``)."""

from __future__ import annotations

import pytest

from conftest import assert_one_error_line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["cost", "alder", "-n", "6", "-n", "7"], "--sessions / -n is given twice"),
        (["cost", "alder", "-n", "x", "--sessions", "7"], "--sessions / -n is given twice"),
        (["cost", "alder", "-n", "6", "--sessions=7", "-n7"], "--sessions / -n is given 3 times"),
        (["compare", "--state", "TX", "-s", "CA"], "--state / -s is given twice"),
        (["cost", "alder", "-n", "6", "--returning", "--returning"], "--returning / --new is given twice"),
        (["cost", "alder", "-n", "6", "--returning", "--new"], "--returning / --new is given twice"),
        (["--data", "a.yaml", "--data", "b.yaml", "providers"], "--data is given twice"),
        (["providers", "--format", "json", "-f", "csv"], "--format / -f is given twice"),
    ],
)
def test_a_repeated_option_is_a_usage_error(cli, args, message):
    """A flag and its opposite (--returning / --new) are one option: given together they
    are named together, and the fix says to give one of them (it said "--returning is
    given twice" for --returning --new)."""
    line = assert_one_error_line(cli(*args), 2)
    fix = "give one of them once" if "--new" in message else "give it once"
    assert line.startswith(f"Error: {message} — {fix} (see 'ketacalc"), line


def test_each_option_once_is_fine(cli):
    result = cli("cost", "alder", "-n", "6", "--returning", "--format", "json")
    assert result.exit_code == 0, result.stderr


def test_an_unknown_option_beside_a_repeat_keeps_clicks_message(cli):
    line = assert_one_error_line(cli("cost", "alder", "-n", "6", "-n", "7", "--bogus"), 2)
    assert line.startswith("Error: no such option '--bogus'")
