"""Shared fixtures: every test runs with "today", terminal width and colour pinned,
and with a private cache directory, so results never depend on the machine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

TODAY = date(2026, 11, 21)
REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "providers.yaml"
# the providers the founding articles name; the data file must cover every one
REQUIRED_IDS = frozenset(
    {"innerwell", "better-u", "mindbloom", "joyous", "kalm-health", "nue-life", "peak", "isha-health"}
)


@pytest.fixture(autouse=True)
def pinned_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    monkeypatch.setenv("KETACALC_TODAY", TODAY.isoformat())
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("KETACALC_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
    for name in ("KETACALC_DATA", "KETACALC_DEBUG", "KETACALC_NO_CACHE"):
        monkeypatch.delenv(name, raising=False)
    yield


@pytest.fixture(scope="session")
def catalog():
    from ketacalc.loader import load_catalog

    return load_catalog(DATA, today=TODAY)


class Result:
    def __init__(self, exit_code: int, stdout: str, stderr: str) -> None:
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr

    def json(self):
        return json.loads(self.stdout)


@pytest.fixture
def cli():
    """Run ketacalc in-process inside Typer's ``CliRunner`` isolation, through the
    real ``main`` entry point, so errors are mapped exactly as a user sees them."""
    from typer.testing import CliRunner

    from ketacalc.cli import main

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        runner = CliRunner()
        with runner.isolation(input=input, env=env) as (out, err, _mixed):
            code = main(list(args))
            sys.stdout.flush()
            sys.stderr.flush()
            return Result(code, out.getvalue().decode(), err.getvalue().decode())

    return run


def parse_output(fmt: str, text: str) -> list[dict]:
    """Rows of a machine-readable output, whatever its format."""
    import csv
    import io

    if fmt == "json":
        return json.loads(text)
    if fmt == "ndjson":
        return [json.loads(line) for line in text.splitlines()]
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(text)))
    if fmt == "tsv":
        header, *lines = text.splitlines()
        return [dict(zip(header.split("\t"), line.split("\t"), strict=True)) for line in lines]
    raise AssertionError(fmt)


def run_subprocess(
    *args: str, input: str | None = None, env: dict[str, str] | None = None, shell: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed ``ketacalc`` (``python -m ketacalc``) as a real process."""
    full_env = {**os.environ, **(env or {})}
    if shell is not None:
        return subprocess.run(
            shell, shell=True, capture_output=True, text=True, env=full_env, input=input, timeout=60
        )
    return subprocess.run(
        [sys.executable, "-m", "ketacalc", *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=input,
        timeout=60,
    )


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files from current output")


@pytest.fixture
def golden(request: pytest.FixtureRequest):
    """``golden("name.txt", text)`` compares with tests/golden/name.txt (``--update-golden`` rewrites it)."""
    update = request.config.getoption("--update-golden")

    def check(name: str, text: str) -> None:
        path = REPO / "tests" / "golden" / name
        if update or not path.exists():
            if not update:
                pytest.fail(f"golden file {path} is missing; run pytest --update-golden to create it")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        assert text == path.read_text(encoding="utf-8"), (
            f"output differs from {path}; rerun with --update-golden if intended"
        )

    return check
