"""Faults of the process's environment (issue 17): closed or full standard
streams, odd encodings, odd COLUMNS, a home that cannot be found, a clock past
2262, SIGINT. Each is one clear line on stderr and exit 1, 2 or 130; never an
internal error (70) or a traceback.

Where the fault is in the process itself (a closed descriptor, /dev/full, the
encoding Python picks at start-up, a signal), a real process is run; the rest
go through the in-process ``cli`` fixture.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import date

import pytest

from conftest import FIXTURE, REPO, assert_one_error_line, run_subprocess

KETACALC = f"{sys.executable} -m ketacalc"


def _no_traceback(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "internal error" not in proc.stderr, proc.stderr


# --------------------------------------------------------------- COLUMNS


@pytest.mark.parametrize("columns", ["²", "١٢٠", "-5", "0", "abc", " ", "9" * 50])
def test_columns_that_are_not_a_width_are_ignored(cli, columns):
    """``COLUMNS=²`` (a digit to ``str.isdigit``, not to ``int``) once crashed Rich."""
    for args in (["providers"], ["chart", "--state", "TX"], ["compare", "--state", "TX"]):
        result = cli(*args, env={"COLUMNS": columns})
        assert result.exit_code == 0, (args, result.stderr)
        assert "Error" not in result.stderr
        assert result.stdout.strip()


def test_a_huge_columns_is_capped_for_drawing(cli):
    """``COLUMNS=1000000`` once took a minute and 1.45 GB to draw a chart."""
    from ketacalc.output.terminal import MAX_WIDTH

    for args in (["chart", "--state", "TX"], ["providers"]):
        result = cli(*args, env={"COLUMNS": "1000000"})
        assert result.exit_code == 0, result.stderr
        assert max(map(len, result.stdout.splitlines())) <= MAX_WIDTH


@pytest.mark.parametrize("columns", ["1", "2", "39"])
def test_a_tiny_columns_is_raised_to_a_readable_width(cli, columns):
    """``COLUMNS=1 ketacalc compare --state TX`` wrapped every word a letter a line (521 lines):
    a table is drawn at least 40 columns wide, as a chart is."""
    for args in (["compare", "--state", "TX"], ["cost", "alder", "-n", "4"], ["providers"]):
        out = cli(*args, env={"COLUMNS": columns}).stdout
        assert out == cli(*args, env={"COLUMNS": "40"}).stdout, out[:200]


# --------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("encoding", "args"), [("cp1252", "chart --state TX"), ("ascii", "chart -s TX -n 1-5")]
)
def test_a_legacy_output_encoding_gets_replacements_not_an_error(encoding, args):
    """``PYTHONIOENCODING=cp1252 ketacalc chart`` once died on the chart's characters
    (tables in ASCII and latin-1: tests/test_hardening.py)."""
    proc = subprocess.run(
        [sys.executable, "-m", "ketacalc", *args.split()],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": encoding},
        timeout=60,
    )
    err = proc.stderr.decode(encoding)
    assert "Traceback" not in err and "internal error" not in err, err
    assert proc.returncode == 0, (args, err)
    out = proc.stdout.decode(encoding)
    assert out.strip()
    # the chart's frame falls back to -, | and +, as a table's rule does: never a box of '?'
    assert "?" not in out and "+-----" in out and "|" in out, out


# --------------------------------------------------------------- closed and full streams


def test_batch_with_stdin_closed_says_so():
    proc = run_subprocess(shell=f"{KETACALC} batch <&-")
    _no_traceback(proc)
    assert proc.returncode == 1
    assert proc.stderr.startswith("Error: standard input is closed — ")
    assert len(proc.stderr.splitlines()) == 1


def test_batch_reading_an_endless_device_says_so_and_stops():
    """``ketacalc batch < /dev/zero`` answered one over-long line, then read for ever; as a
    path it is refused: as stdin too. ``/dev/null`` is empty input, answered with nothing."""
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero here")
    proc = run_subprocess(shell=f"{KETACALC} batch < /dev/zero")
    _no_traceback(proc)
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr.startswith("Error: standard input is a device, not a stream of scenarios — ")
    assert len(proc.stderr.splitlines()) == 1
    empty = run_subprocess(shell=f"{KETACALC} batch < /dev/null")
    assert (empty.returncode, empty.stdout, empty.stderr) == (0, "", "")


def test_no_arguments_with_stdout_closed_is_one_line():
    """``ketacalc >&-`` printed a 57-line traceback writing its help."""
    proc = run_subprocess(shell=f"{KETACALC} >&-")
    _no_traceback(proc)
    assert proc.returncode == 1
    assert proc.stderr == (
        "Error: cannot write output: standard output is closed — check where the output goes "
        "(a full disk, a closed or read-only output)\n"
    )


def test_no_arguments_into_a_full_disk_is_one_line():
    """``ketacalc > /dev/full`` exited 120 with a traceback."""
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    proc = run_subprocess(shell=f"{KETACALC} > /dev/full")
    _no_traceback(proc)
    assert proc.returncode == 1
    assert proc.stderr.startswith("Error: cannot write output: no space left on device")
    assert len(proc.stderr.splitlines()) == 1


@pytest.fixture
def nearly_full_disk(tmp_path):
    """A directory on a file system of 8 KiB (a tmpfs: root only), unmounted afterwards."""
    where = tmp_path / "disk"
    where.mkdir()
    if (
        os.geteuid() != 0
        or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=8k", "tmpfs", str(where)], capture_output=True
        ).returncode
    ):
        pytest.skip("cannot mount a small tmpfs here (root only)")
    yield where
    subprocess.run(["umount", str(where)], check=False)


@pytest.mark.parametrize(
    "args",
    [
        ["show", "alder"],
        ["report", "--state", "TX", "-o", "-"],
        ["cost", "alder", "-n", "60", "--format", "ics", "--with-sessions"],
    ],
)
def test_a_disk_that_fills_part_way_is_an_error_not_a_short_file(nearly_full_disk, args):
    """``show mindbloom > file`` on a disk with 8 KiB free wrote 8,192 of 26,985 bytes and
    exited 0: CPython 3.11 hands one long write to the file directly and drops the rest when
    the disk fills part-way. The output goes down in pieces through the buffer: the failure
    is said, and the exit is 1."""
    target = nearly_full_disk / "out"
    proc = run_subprocess(shell=f"{KETACALC} {' '.join(args)} > {target}")
    _no_traceback(proc)
    assert proc.returncode == 1, (proc.returncode, target.stat().st_size)
    assert proc.stderr.startswith("Error: cannot write output: no space left on device")
    assert len(proc.stderr.splitlines()) == 1


def test_long_writes_reach_stdout_in_pieces_under_its_buffer(monkeypatch):
    """What the full disk above needs, wherever it cannot be mounted: every write the command
    line makes reaches the real stdout in pieces no longer than the buffer takes whole, and
    they make the whole page, in order."""
    import io

    from ketacalc.cli import _PIECE, main

    sizes = []

    class Sink(io.StringIO):
        encoding = "utf-8"

        def write(self, text):
            sizes.append(len(text))
            return super().write(text)

    sink = Sink()
    monkeypatch.setattr(sys, "stdout", sink)
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["show", "alder"]) == 0
    page = sink.getvalue()
    assert page.startswith("Alder Health") and len(page) > 3 * _PIECE
    assert max(sizes) <= _PIECE and _PIECE * 4 <= io.DEFAULT_BUFFER_SIZE


# --------------------------------------------------------------- home and cache directory


def test_a_cache_dir_of_an_unknown_user_only_turns_the_cache_off(cli, tmp_path):
    result = cli("providers", "--format", "json", env={"KETACALC_CACHE_DIR": "~nosuchuser-ketacalc/c"})
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert json.loads(result.stdout)


def test_a_home_that_cannot_be_found_only_turns_the_cache_off(cli, monkeypatch):
    """A user with no passwd entry and no HOME: ``Path.home()`` raises RuntimeError."""
    import pwd

    def no_entry(uid):
        raise KeyError(f"getpwuid(): uid not found: {uid}")

    monkeypatch.setattr(pwd, "getpwuid", no_entry)
    for name in ("HOME", "XDG_CACHE_HOME", "KETACALC_CACHE_DIR"):
        monkeypatch.delenv(name, raising=False)
    from ketacalc.data.cache import cache_dir

    assert cache_dir() is None
    result = cli("cost", "alder", "-n", "6", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["total"]


def test_a_home_that_does_not_exist_is_never_made_for_a_cache(cli, monkeypatch, tmp_path):
    """``HOME=/nonexistent ketacalc ...`` (a service account's home) made /nonexistent/.cache:
    no cache then, and no directory; an XDG cache directory elsewhere is still used."""
    home = tmp_path / "nonexistent"
    for name in ("XDG_CACHE_HOME", "KETACALC_CACHE_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    from ketacalc.data.cache import cache_dir

    assert cache_dir() is None
    data = tmp_path / "edited.yaml"  # not the shipped file: a first run writes its cache
    data.write_text(FIXTURE.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    result = cli("--data", str(data), "providers")
    assert result.exit_code == 0, result.stderr
    assert not home.exists()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "ketacalc"


# --------------------------------------------------------------- the clock


def test_a_clock_past_2262_is_one_error_line(cli, monkeypatch):
    """``date.today()`` overflows once the clock's nanoseconds pass 2**63 (in 2262)."""
    import ketacalc.io.inputs as inputs

    class FarFuture(date):
        @classmethod
        def today(cls):
            raise OverflowError("timestamp too large to convert to C _PyTime_t")

    monkeypatch.setattr(inputs, "date", FarFuture)
    monkeypatch.delenv("KETACALC_TODAY")
    for args in (["providers"], ["cost", "alder", "-n", "6"], ["batch"]):
        line = assert_one_error_line(cli(*args, input=""), 1)
        assert line.startswith(
            "Error: the system clock gives no usable date (it is past what Python can count"
        ), line
        assert "KETACALC_TODAY=YYYY-MM-DD" in line


# --------------------------------------------------------------- SIGINT


INTERRUPT_WHILE_LOADING = """
import os, signal, sys

class Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == MODULE:  # Ctrl-C while the command line's modules load
            os.kill(os.getpid(), signal.SIGINT)
        return None

sys.meta_path.insert(0, Interrupt())
sys.argv = ["ketacalc", "providers"]
from ketacalc.__main__ import run
raise SystemExit(run())
"""


@pytest.mark.parametrize("module", ["typer", "ketacalc.cli", "ketacalc.data.catalog"])
def test_sigint_while_the_modules_load_says_interrupted_too(module):
    """Ctrl-C while ``ketacalc.api`` loaded was a traceback: the package imported it before the
    entry point could set its handler. It now imports it on first use."""
    code = f"MODULE = {module!r}\n" + INTERRUPT_WHILE_LOADING
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stdout, proc.stderr) == (130, "", "Error: interrupted\n")


def test_the_entry_point_imports_nothing_before_its_handler():
    code = "import sys, ketacalc.__main__; print(sorted(m for m in sys.modules if m.startswith('ketacalc')))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "['ketacalc', 'ketacalc.__main__', 'ketacalc.version']", proc.stderr


def test_the_console_script_is_the_entry_that_guards_sigint():
    import tomllib

    from ketacalc import __main__
    from ketacalc.cli.errors import EXIT_INTERRUPTED

    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"ketacalc": "ketacalc.__main__:run"}
    assert __main__.EXIT_INTERRUPTED == EXIT_INTERRUPTED


def test_sigint_says_interrupted_and_exits_130():
    """Typer turned Ctrl-C into a silent exit 130; now it says so."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "ketacalc", "batch"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    try:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write('{"provider": "alder", "sessions": 6}\n')
        proc.stdin.flush()
        assert json.loads(proc.stdout.readline())["provider"] == "alder"  # running, waiting for more
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 130
    assert err == "Error: interrupted\n"


def _set(monkeypatch: pytest.MonkeyPatch, env: dict[str, str | None]) -> None:
    """Each variable of ``env`` set, or unset where it is None."""
    for name, value in env.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)


@pytest.mark.parametrize(
    "env",
    [
        {"HOME": "/home/ana", "XDG_CACHE_HOME": None},
        {"HOME": "/home/ana/", "XDG_CACHE_HOME": ""},
        {"HOME": "/home/ana", "XDG_CACHE_HOME": "/var/tmp/xdg"},
        {"HOME": "/home/ana", "XDG_CACHE_HOME": "relative/xdg"},
        {"HOME": "/home/ana", "XDG_CACHE_HOME": " /spaced"},
        {"HOME": "relative-home", "XDG_CACHE_HOME": None},
        {"HOME": None, "XDG_CACHE_HOME": None},
    ],
)
def test_the_cache_directory_is_the_one_platformdirs_gives(monkeypatch, env):
    """ketacalc works the XDG rule out itself on Linux (start-up); the directory is the
    one platformdirs gives (a relative one replaced by ~/.cache/ketacalc, as before)."""
    from ketacalc.data import cache

    monkeypatch.delenv("KETACALC_CACHE_DIR", raising=False)
    _set(monkeypatch, env)
    with monkeypatch.context() as only_platformdirs:
        only_platformdirs.setattr("ketacalc.files.user_dir", lambda kind: None)
        expected = cache.cache_dir()
    assert cache.cache_dir() == expected
    assert expected is None or (expected.is_absolute() and expected.name == "ketacalc")


@pytest.mark.parametrize(
    "env",
    [
        {"HOME": "/home/ana", "XDG_CONFIG_HOME": None},
        {"HOME": "/home/ana/", "XDG_CONFIG_HOME": ""},
        {"HOME": "/home/ana", "XDG_CONFIG_HOME": "/etc/xdg-ana"},
        {"HOME": "/home/ana", "XDG_CONFIG_HOME": "relative/xdg"},
        {"HOME": "relative-home", "XDG_CONFIG_HOME": None},
    ],
)
def test_the_config_file_is_in_the_directory_platformdirs_gives(monkeypatch, env):
    from ketacalc.io import settings

    monkeypatch.delenv("KETACALC_CONFIG_DIR", raising=False)
    _set(monkeypatch, env)
    with monkeypatch.context() as only_platformdirs:
        only_platformdirs.setattr("ketacalc.files.user_dir", lambda kind: None)
        expected = settings.config_path()
    assert settings.config_path() == expected
    assert expected.name == "config.toml" and expected.parent.name == "ketacalc"


def test_the_library_module_is_still_an_attribute_of_the_package():
    """Imported on first use, ``ketacalc.api`` is still reached as an attribute (it was, when the
    package imported it), and the functions it gives are the package's."""
    code = "import ketacalc; print(ketacalc.api.__name__, ketacalc.cost is ketacalc.api.cost)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "ketacalc.api True", proc.stderr
