"""Shell completion: provider names (from the data file in use) and state codes.

The callbacks are tested directly, then end to end through the protocol the shell
scripts use (Typer 0.29 vendors Click's): ``_KETACALC_COMPLETE=complete_bash`` with
``COMP_WORDS``/``COMP_CWORD`` for bash, ``complete_zsh`` with ``_TYPER_COMPLETE_ARGS``
for zsh. ketacalc's ``main`` passes ``prog_name="ketacalc"``, so the variable is
``_KETACALC_COMPLETE`` however it is started; one real process checks that for
``python -m ketacalc``, the rest run in-process.
"""

from __future__ import annotations

import sys

import pytest

from conftest import FIXTURE_IDS, REPO, run_subprocess
from ketacalc.cli.options import complete_provider as _complete_provider
from ketacalc.cli.options import complete_state as _complete_state
from ketacalc.usstates import STATES

BROKEN = REPO / "tests" / "data" / "bad" / "bad-status.yaml"


def completion(env: dict[str, str]) -> tuple[int, str, str]:
    """Run ``ketacalc`` in-process as a shell's completion function does: (exit code, stdout, stderr)."""
    from typer.testing import CliRunner

    from ketacalc.cli import main

    with CliRunner().isolation(env=env) as (out, err, _mixed):
        with pytest.raises(SystemExit) as info:  # Click ends a completion request with sys.exit
            main([])
        sys.stdout.flush()
        sys.stderr.flush()
        return info.value.code or 0, out.getvalue().decode(), err.getvalue().decode()


def complete_bash(line: str, *, trailing_space: bool = False, env: dict[str, str] | None = None) -> list[str]:
    """What bash's completion function receives for ``line`` (cursor on the last word)."""
    words = line.split()
    cword = len(words) if trailing_space else len(words) - 1
    code, out, err = completion(
        {
            "_KETACALC_COMPLETE": "complete_bash",
            "COMP_WORDS": line + (" " if trailing_space else ""),
            "COMP_CWORD": str(cword),
            **(env or {}),
        }
    )
    assert code == 0, err
    assert err == ""
    return out.split()


# --------------------------------------------------------------- the callbacks


def test_provider_prefix_completes_from_the_data_file_in_use():
    assert _complete_provider("al") == ["alder"]
    assert _complete_provider("") == list(FIXTURE_IDS)


def test_provider_prefix_ignores_case_and_answers_in_the_case_typed():
    # a shell keeps only completions that start with exactly what was typed
    assert _complete_provider("AL") == ["ALDER"]
    assert _complete_provider("al") == ["alder"]
    assert _complete_provider("Al") == ["Alder"]


def test_unknown_provider_prefix_offers_nothing():
    assert _complete_provider("zz") == []
    assert _complete_provider("alderx") == []


def test_provider_completion_with_a_broken_data_file_offers_nothing(monkeypatch):
    assert BROKEN.exists()
    monkeypatch.setenv("KETACALC_DATA", str(BROKEN))
    assert _complete_provider("al") == []


def test_state_prefix_completes_in_the_case_typed():
    found = _complete_state("T")
    assert {"TX", "TN"} <= set(found)
    assert all(code.startswith("T") for code in found)
    assert _complete_state("t") == [code.lower() for code in found]


def test_every_state_and_dc_is_offered():
    everything = _complete_state("")
    assert len(everything) == 51 == len(set(everything))
    assert set(everything) == set(STATES)


def test_state_completion_of_a_full_code_and_of_nonsense():
    assert _complete_state("tx") == ["tx"]
    assert _complete_state("TX") == ["TX"]
    assert _complete_state("q") == []
    assert _complete_state("TXX") == []


# --------------------------------------------------------------- end to end


def test_bash_completes_a_provider_argument():
    assert complete_bash("ketacalc cost al") == ["alder"]
    assert complete_bash("ketacalc show fe") == ["fern"]
    assert complete_bash("ketacalc history ze") == []


def test_bash_offers_every_provider_for_an_empty_word():
    assert complete_bash("ketacalc states", trailing_space=True) == list(FIXTURE_IDS)


@pytest.mark.parametrize(
    "command", ["compare --state", "eligibility --state", "cost alder --state", "compare -s"]
)
def test_bash_completes_state_codes(command):
    found = complete_bash(f"ketacalc {command} T")
    assert {"TX", "TN"} <= set(found)
    assert all(code.startswith("T") for code in found)


def test_bash_completes_state_codes_typed_in_lower_case():
    """--state accepts 'tx', and the callback answers in the case typed: 't' + TAB
    must offer TX and TN (in either case), not nothing."""
    assert {c.upper() for c in complete_bash("ketacalc compare --state t")} >= {"TX", "TN"}


def test_bash_completes_command_names():
    assert set(complete_bash("ketacalc co")) == {"compare", "config", "cost"}


def test_completion_does_not_run_the_command():
    """A completion request for a full command line completes; it never prices or prints data."""
    found = complete_bash("ketacalc cost alder --sessions 12 --format json --state N")
    assert found and all(code.startswith("N") for code in found)


def test_zsh_completes_a_provider_argument():
    code, out, err = completion(
        {"_KETACALC_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "ketacalc show al"}
    )
    assert code == 0, err
    assert "alder" in out
    assert "birch" not in out


def test_bash_completion_with_a_broken_data_file_is_silent():
    assert complete_bash("ketacalc cost al", env={"KETACALC_DATA": str(BROKEN)}) == []


def test_completion_in_a_real_process_and_its_script_name_the_program():
    proc = run_subprocess(
        env={"_KETACALC_COMPLETE": "complete_bash", "COMP_WORDS": "ketacalc cost al", "COMP_CWORD": "2"}
    )
    assert (proc.returncode, proc.stdout.split(), proc.stderr) == (0, ["alder"], "")
    script = run_subprocess(env={"_KETACALC_COMPLETE": "source_bash"})
    assert script.returncode == 0, script.stderr
    assert "_KETACALC_COMPLETE=complete_bash" in script.stdout


def test_bash_completes_sort_keys_and_routes():
    assert complete_bash("ketacalc compare --sort t") == ["total", "total-low", "total-high"]
    assert complete_bash("ketacalc compare --sort D") == ["DUE-AT-SIGNUP"]
    routes = complete_bash("ketacalc cost alder --route ", trailing_space=True)
    assert "tablet" in routes and "injection" in routes
    assert complete_bash("ketacalc chart --route tab") == ["tablet"]


@pytest.mark.parametrize(
    ("shell", "first"),
    [
        ("zsh", "#compdef ketacalc"),
        ("bash", "_ketacalc_completion() {"),
        ("fish", "complete --command ketacalc"),
    ],
)
def test_show_completion_prints_the_script_of_the_shell_named(cli, shell, first):
    result = cli("--show-completion", shell)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.lstrip().startswith(first)
    assert f"complete_{shell}" in result.stdout
    assert cli(f"--show-completion={shell.upper()}").stdout == result.stdout
