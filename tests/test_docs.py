"""The README stays true: its two set-up commands, its command table and the CI script.
(Its examples name shipped providers: tests/test_shipped_data.py runs them.)"""

from __future__ import annotations

import re

from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
CI = (REPO / ".ci" / "run").read_text(encoding="utf-8")


def _blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", README, flags=re.S)


def test_readme_starts_with_the_two_setup_commands():
    first, second = _blocks()[:2]
    assert first.strip().endswith("ketacalc compare --state TX")
    assert "pip install" in first and "'.[test]'" not in first
    assert "'.[test]'" in second and "pytest" in second


def test_ci_runs_the_readme_test_command_exactly():
    test_command = _blocks()[1].strip()
    ci_lines = [line.strip() for line in CI.splitlines()]
    assert test_command in ci_lines


def test_every_command_in_the_readme_table_exists(cli):
    documented = set(re.findall(r"^\| `(\w+)", README, flags=re.M))
    result = cli("--help")
    for name in documented:
        assert re.search(rf"^\s+{name}\b", result.stdout, flags=re.M), name
