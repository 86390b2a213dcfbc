"""Shell completion: provider names and state codes.

The callbacks are tested directly, then end to end through the protocol the shell
scripts use (Typer 0.29 vendors Click's): ``_KETACALC_COMPLETE=complete_bash`` with
``COMP_WORDS``/``COMP_CWORD`` for bash, ``complete_zsh`` with ``_TYPER_COMPLETE_ARGS``
for zsh. ketacalc's ``main`` passes ``prog_name="ketacalc"``, so the variable is
``_KETACALC_COMPLETE`` however it is started (console script or ``python -m``).
"""

from __future__ import annotations

import pytest

from conftest import REPO, run_subprocess
from ketacalc.cli.options import complete_provider as _complete_provider
from ketacalc.cli.options import complete_state as _complete_state
from ketacalc.usstates import STATES


@pytest.fixture
def provider_ids(cli) -> list[str]:
    return [p["id"] for p in cli("providers", "--format", "json").json()]


# --------------------------------------------------------------- the callbacks


def test_provider_prefix_completes(provider_ids):
    assert "mindbloom" in _complete_provider("mi")
    assert _complete_provider("mi") == [p for p in provider_ids if p.startswith("mi")]
    assert set(_complete_provider("i")) == {"innerwell", "isha-health"}


def test_empty_prefix_offers_every_provider(provider_ids):
    assert _complete_provider("") == provider_ids


def test_provider_prefix_ignores_case_and_answers_in_the_case_typed():
    # a shell keeps only completions that start with exactly what was typed
    assert _complete_provider("MI") == ["MINDBLOOM"]
    assert _complete_provider("mi") == ["mindbloom"]


def test_unknown_provider_prefix_offers_nothing():
    assert _complete_provider("zz") == []
    assert _complete_provider("mindbloomx") == []


def test_provider_completion_with_a_broken_data_file_offers_nothing(monkeypatch):
    bad = REPO / "tests" / "data" / "bad" / "bad-status.yaml"
    assert bad.exists()
    monkeypatch.setenv("KETACALC_DATA", str(bad))
    assert _complete_provider("mi") == []


def test_state_prefix_completes_in_the_case_typed():
    found = _complete_state("T")
    assert {"TX", "TN"} <= set(found)
    assert all(code.startswith("T") for code in found)
    assert _complete_state("t") == [code.lower() for code in found]


def test_every_state_and_dc_is_offered():
    everything = _complete_state("")
    assert len(everything) == 51 == len(set(everything))
    assert "DC" in everything
    assert set(everything) == set(STATES)


def test_state_completion_of_a_full_code_and_of_nonsense():
    assert _complete_state("tx") == ["tx"]
    assert _complete_state("TX") == ["TX"]
    assert _complete_state("q") == []
    assert _complete_state("TXX") == []


# --------------------------------------------------------------- end to end


def complete_bash(line: str, *, trailing_space: bool = False) -> list[str]:
    """What bash's completion function receives for ``line`` (cursor on the last word)."""
    words = line.split()
    cword = len(words) if trailing_space else len(words) - 1
    proc = run_subprocess(env={"_KETACALC_COMPLETE": "complete_bash", "COMP_WORDS": line + (" " if trailing_space else ""),
                               "COMP_CWORD": str(cword)})  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    return proc.stdout.split()


def test_bash_completes_a_provider_argument():
    assert complete_bash("ketacalc cost mi") == ["mindbloom"]
    assert complete_bash("ketacalc show is") == ["isha-health"]
    assert set(complete_bash("ketacalc history i")) == {"innerwell", "isha-health"}


def test_bash_offers_every_provider_for_an_empty_word(provider_ids):
    assert complete_bash("ketacalc states", trailing_space=True) == provider_ids


@pytest.mark.parametrize(
    "command", ["compare --state", "eligibility --state", "cost mindbloom --state", "compare -s"]
)
def test_bash_completes_state_codes(command):
    found = complete_bash(f"ketacalc {command} T")
    assert {"TX", "TN"} <= set(found)
    assert all(code.startswith("T") for code in found)


def test_bash_completes_state_codes_typed_in_lower_case():
    """--state accepts 'tx', and the callback upper-cases what was typed: 't' + TAB
    must offer TX and TN (in either case), not nothing."""
    found = complete_bash("ketacalc compare --state t")
    assert {c.upper() for c in found} >= {"TX", "TN"}


def test_bash_completes_command_names():
    assert set(complete_bash("ketacalc co")) == {"compare", "cost"}


def test_completion_does_not_run_the_command():
    """A completion request for a full command line completes; it never prices or prints data."""
    found = complete_bash("ketacalc cost mindbloom --sessions 12 --format json --state N")
    assert found and all(code.startswith("N") for code in found)
    assert not any(c.startswith("{") for c in found)


def test_zsh_completes_a_provider_argument():
    proc = run_subprocess(
        env={"_KETACALC_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "ketacalc show mi"}
    )
    assert proc.returncode == 0, proc.stderr
    assert "mindbloom" in proc.stdout
    assert "innerwell" not in proc.stdout


def test_bash_completion_with_a_broken_data_file_is_silent():
    bad = REPO / "tests" / "data" / "bad" / "bad-status.yaml"
    proc = run_subprocess(env={"_KETACALC_COMPLETE": "complete_bash", "COMP_WORDS": "ketacalc cost mi",
                               "COMP_CWORD": "2", "KETACALC_DATA": str(bad)})  # fmt: skip
    assert proc.returncode == 0
    assert proc.stdout.strip() == ""
    assert proc.stderr == ""


def test_bash_completion_script_names_the_program():
    proc = run_subprocess(env={"_KETACALC_COMPLETE": "source_bash"})
    assert proc.returncode == 0, proc.stderr
    assert "_KETACALC_COMPLETE=complete_bash" in proc.stdout
    assert "ketacalc" in proc.stdout
