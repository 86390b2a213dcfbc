"""Every table fits an 80-column terminal: text wraps, and nothing is cropped (fixture data)."""

from __future__ import annotations

import re

import pytest

from conftest import FIXTURE_IDS

PROVIDERS = list(FIXTURE_IDS)
COMMANDS = [
    ["providers"],
    ["compare"],
    ["compare", "--state", "TX"],
    ["compare", "--state", "NY", "--sessions", "12", "--include-unavailable"],
    ["compare", "--sessions", "14", "--returning", "--route", "injection"],
    ["eligibility", "--state", "CA"],
    *[[command, p] for p in PROVIDERS for command in ("show", "history", "states")],
    # cost refuses a provider without a price (elm, gale; fern before its first price)
    *[["cost", p, "-n", "24", "--as-of", "2025-06-13"] for p in ("alder", "birch", "cedar", "dune")],
    ["cost", "fern", "-n", "24"],
    ["cost", "alder", "-n", "1-6"],
    ["cost", "birch", "-n", "200", "--state", "TX", "--insurer", "aetna"],
]


@pytest.fixture
def measured(monkeypatch):
    """Record, for every table drawn, how narrow it can be and how wide the screen is."""
    from ketacalc.output import table

    seen: list[tuple[str | None, int, int]] = []
    original = table.fitted

    def spy(part, screen):
        fit = original(part, screen)
        seen.append((part.title, fit.narrowest, screen))
        return fit

    monkeypatch.setattr(table, "fitted", spy)
    return seen


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_tables_fit_80_columns_without_cropping(cli, measured, args):
    result = cli(*args, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    assert measured, "no table was drawn"
    for title, narrowest, width in measured:
        assert width == 80
        assert narrowest <= width, f"table {title!r} needs {narrowest} columns and would be cropped"
    assert all(len(line) <= 80 for line in result.stdout.splitlines())
    # money is never split across lines
    assert not re.search(r"\$[\d,]*\n", result.stdout)
