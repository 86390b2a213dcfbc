"""Special files (issue 17): a FIFO, a device, a link to one, a huge file. Each
is refused with one clear error, never read into memory or waited on, wherever
ketacalc takes a path: ``--data``, the cache file, ``batch PATH``,
``report --output``. And ``report --output`` writes like a careful editor: through
a symlink, keeping the file's mode, atomically, never to a path ending in ``/``.

A test that would hang without the fix runs in a real process with a timeout,
so a regression fails instead of blocking the suite.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest

from conftest import FIXTURE, assert_one_error_line, jsonl, run_subprocess
from ketacalc.errors import shown_path

KETACALC = [sys.executable, "-m", "ketacalc"]


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    return path


def _run(*args: str, timeout: float = 30, **env: str) -> subprocess.CompletedProcess[str]:
    """A real process that would block forever on a FIFO without the fix: fail, not hang."""
    return subprocess.run(
        [*KETACALC, *args], capture_output=True, text=True, timeout=timeout, env={**os.environ, **env}
    )


# --------------------------------------------------------------- reading


def test_a_fifo_as_the_data_file_is_refused_not_waited_on(fifo):
    proc = _run("--data", str(fifo), "providers")
    assert proc.returncode == 1
    assert proc.stderr == (
        f"Error: bad data file: {shown_path(str(fifo))}:1:1: is a FIFO (named pipe), not a data file; "
        "pass the path of a providers.yaml file\n"
    )


@pytest.mark.parametrize(
    "command", [("compare", "-s", "TX"), ("config", "show"), ("config", "set", "state", "TX")]
)
def test_a_fifo_as_the_config_file_is_refused_not_waited_on(tmp_path, command):
    os.mkfifo(tmp_path / "config.toml")
    proc = _run(*command, KETACALC_CONFIG_DIR=str(tmp_path))
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.splitlines() == [
        f"Error: config file {shown_path(str(tmp_path / 'config.toml'))} is a FIFO (named pipe), not a "
        "regular file — fix it in an editor, or delete it and run 'ketacalc config set KEY VALUE' again"
    ]


def test_a_config_file_over_its_byte_limit_is_refused_unread(cli, tmp_path):
    from ketacalc.io.settings import MAX_CONFIG_BYTES

    (tmp_path / "config.toml").write_text("# " + "x" * MAX_CONFIG_BYTES + '\nstate = "TX"\n')
    line = assert_one_error_line(cli("compare", env={"KETACALC_CONFIG_DIR": str(tmp_path)}), 1)
    assert f"is larger than {MAX_CONFIG_BYTES:,} bytes" in line


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_a_device_as_the_data_file_is_refused_unread(cli, device):
    line = assert_one_error_line(cli("--data", device, "providers"), 1)
    assert line == (
        f"Error: bad data file: {device}:1:1: is a device, not a data file; pass the path of a providers.yaml file"
    )


def test_check_refuses_a_fifo_too(fifo):
    proc = _run("check", str(fifo))
    assert proc.returncode == 1
    assert "is a FIFO (named pipe), not a data file" in proc.stderr


def test_a_fifo_as_batch_input_is_refused(fifo):
    proc = _run("batch", str(fifo))
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr == (
        f"Error: cannot read {shown_path(str(fifo))} (is a FIFO (named pipe), not a regular file) — "
        "give the path of a regular file, or - for stdin\n"
    )


def test_batch_of_dev_zero_ends_with_an_error(cli):
    """``ketacalc batch /dev/zero`` never ended."""
    line = assert_one_error_line(cli("batch", "/dev/zero"), 1)
    assert line == (
        "Error: cannot read /dev/zero (is a device, not a regular file) — give the path of a regular file, "
        "or - for stdin"
    )


# --------------------------------------------------------------- the cache file


def _cache_file(cli, tmp_path):
    """The cache file the fixture data is cached in, after one run fills it."""
    assert cli("providers", env={"KETACALC_CACHE_DIR": str(tmp_path)}).exit_code == 0
    (found,) = tmp_path.glob("ketacalc-data-v*-*.json")
    return found


def test_a_fifo_as_the_cache_file_is_ignored_and_replaced(cli, tmp_path):
    cached = _cache_file(cli, tmp_path)
    cached.unlink()
    os.mkfifo(cached)
    proc = _run("providers", "--format", "json", KETACALC_CACHE_DIR=str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert json.loads(proc.stdout)
    assert stat.S_ISREG(os.lstat(cached).st_mode)  # rebuilt as a regular file


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_cache_file_linked_to_a_device_is_never_read(cli, tmp_path, device):
    """A link to /dev/zero once ate memory until the process died."""
    cached = _cache_file(cli, tmp_path)
    expected = cli("providers", "--format", "json", env={"KETACALC_NO_CACHE": "1"}).stdout
    cached.unlink()
    cached.symlink_to(device)
    proc = _run("providers", "--format", "json", KETACALC_CACHE_DIR=str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == expected


def test_a_huge_cache_file_is_not_read_whole(cli, tmp_path, monkeypatch):
    """A 3 GB cache file once was read into memory; past the limit it is rebuilt unread."""
    from ketacalc.data import cache

    cached = _cache_file(cli, tmp_path)
    monkeypatch.setattr(cache, "MAX_BYTES", 64)  # stands for 8 MiB: the real file is larger
    assert cache.read(cached) is None
    monkeypatch.undo()
    assert cache.read(cached) is not None


# --------------------------------------------------------------- report --output


@pytest.fixture
def page(cli):
    def write(path) -> object:
        return cli("report", "--state", "TX", "--output", str(path))

    return write


def test_report_writes_through_a_symlink_to_its_target(page, tmp_path):
    target = tmp_path / "real.html"
    target.write_text("old")
    link = tmp_path / "link.html"
    link.symlink_to(target)
    result = page(link)
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink()  # still a link
    assert target.read_text().startswith("<!DOCTYPE html>")


def test_report_keeps_an_existing_files_mode(page, tmp_path):
    target = tmp_path / "private.html"
    target.write_text("old")
    target.chmod(0o600)
    assert page(target).exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text().startswith("<!DOCTYPE html>")


def test_report_writes_atomically_in_the_targets_folder(page, tmp_path):
    """Through a link into another folder: the temporary file is made beside the
    target (one rename, same file system), and nothing is left behind."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = elsewhere / "page.html"
    here = tmp_path / "here"
    here.mkdir()
    (here / "page.html").symlink_to(target)
    assert page(here / "page.html").exit_code == 0
    assert target.read_text().startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in elsewhere.iterdir()) == ["page.html"]
    assert sorted(p.name for p in here.iterdir()) == ["page.html"]


def test_report_to_an_empty_path_says_the_path_is_empty(page):
    line = assert_one_error_line(page(""), 1)
    assert line == "Error: the output path is empty — give a file name, e.g. report.html, or - for stdout"


def test_report_refuses_a_path_ending_in_a_slash(page, tmp_path):
    """``-o dir/new/`` once wrote a file named ``new``."""
    line = assert_one_error_line(page(f"{tmp_path}/new/"), 1)
    assert line.endswith("(it names a folder) — give a file name, e.g. report.html")
    assert not (tmp_path / "new").exists()


def test_report_refuses_a_fifo_and_leaves_it(page, fifo):
    line = assert_one_error_line(page(fifo), 1)
    assert "(it is a FIFO (named pipe)) — give the path of a regular file, or - for stdout" in line
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_report_refuses_a_device_and_a_link_to_one(page, tmp_path):
    line = assert_one_error_line(page("/dev/null"), 1)
    assert line == (
        "Error: cannot write /dev/null (it is a device) — give the path of a regular file, or - for stdout"
    )
    link = tmp_path / "null.html"
    link.symlink_to("/dev/null")
    assert "(it is a device)" in assert_one_error_line(page(link), 1)
    assert link.is_symlink()


def test_report_refuses_a_directory(page, tmp_path):
    assert "(it is a directory)" in assert_one_error_line(page(tmp_path), 1)


# --------------------------------------------------------------- byte limits on batch lines


def test_one_huge_line_is_one_error_and_the_next_line_is_priced(cli):
    from ketacalc.io.scenarios import MAX_LINE_BYTES

    huge = '{"provider": "' + "a" * (3 * MAX_LINE_BYTES) + '"}'
    result = cli(
        "batch", input=jsonl({"provider": "alder", "sessions": 6}, huge, {"provider": "birch", "sessions": 4})
    )
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["line"] for r in records] == [1, 2, 3]
    assert records[1]["error"].startswith(f"longer than {MAX_LINE_BYTES:,} bytes")
    assert records[0]["error"] is None and records[2]["error"] is None
    assert result.exit_code == 1


def test_the_line_reader_holds_at_most_one_line_limit_of_a_line():
    """A line without end (``batch < /dev/zero``) is read in constant memory: it is
    given once, cut just past the limit, and what follows it is skipped as it comes."""
    from ketacalc.domain.batch import chunked_lines

    limit = 1000
    chunks = iter([b"x" * 700] * 50 + [b"tail\n{}\n", b"last"])
    held: list[int] = []

    def read(_size: int) -> bytes:
        return next(chunks, b"")

    lines = []
    for line in chunked_lines(read, lambda: None, limit=limit):
        held.append(len(line))
        lines.append(line)
    assert lines == [b"x" * (limit + 1), b"{}", b"last"]
    assert max(held) == limit + 1


def test_lines_split_across_chunks_are_joined():
    from ketacalc.domain.batch import chunked_lines

    chunks = iter([b"ab", b"c\nde", b"", b"f\n\ng"])
    lines = list(chunked_lines(lambda _n: next(chunks, b""), lambda: None))
    assert lines == [b"abc", b"de"]  # an empty read is the end of the input

    chunks = iter([b"ab", b"c\nde", b"f\n\ng"])
    assert list(chunked_lines(lambda _n: next(chunks, b""), lambda: None)) == [b"abc", b"def", b"", b"g"]


def test_a_data_file_over_its_byte_limit_is_refused_unread(cli, tmp_path):
    from ketacalc.data.loader import MAX_BYTES

    big = tmp_path / "big.yaml"
    big.write_bytes(FIXTURE.read_bytes() + b"#" * MAX_BYTES)
    line = assert_one_error_line(cli("--data", str(big), "providers"), 1)
    assert line.endswith(f"is larger than {MAX_BYTES // 1024} KiB; a providers file is far smaller")


def test_report_to_dev_stdout_into_a_pipe_says_it_is_a_pipe():
    """``report -o /dev/stdout | cat`` said "No such file or directory": /dev/stdout is a
    link to a pipe, which resolves to no path. It is refused as the FIFO it is, with -o -."""
    if not os.path.exists("/dev/stdout"):
        pytest.skip("no /dev/stdout here")
    proc = run_subprocess(shell=f"{sys.executable} -m ketacalc report --state TX -o /dev/stdout | cat")
    assert proc.returncode == 0  # cat's; the page was not written
    assert proc.stdout == ""
    assert proc.stderr.startswith("Error: cannot write /dev/stdout (it is a FIFO (named pipe)) — ")
    assert "- for stdout" in proc.stderr and len(proc.stderr.splitlines()) == 1
