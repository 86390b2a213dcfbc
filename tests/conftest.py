"""Shared fixtures and helpers.

Every test runs with "today", terminal width and colour pinned, a private cache
directory, and ``KETACALC_DATA`` pointing at the fixture data file
(tests/data/fixture/providers.yaml), so no result depends on the machine or on
the shipped providers.yaml. Only tests/test_shipped_data.py reads the shipped file.

The whole session runs with ``HOME``, ``XDG_CACHE_HOME``, ``XDG_CONFIG_HOME`` and
``KETACALC_CACHE_DIR`` inside one temporary directory, set before any test module
is imported, so no test (in-process or a real process) reads or writes the user's
home, cache or configuration.

Hypothesis runs a small ``dev`` profile by default and the ``ci`` profile when the
environment variable ``CI`` is set (CI sets ``CI=true``): derandomised, so the gate
gives the same verdict on every run. ``HYPOTHESIS_PROFILE=explore`` is the larger,
random search to run by hand (``HYPOTHESIS_PROFILE=explore pytest tests/test_cli_fuzz.py``).
"""

from __future__ import annotations

import atexit
import functools
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# --------------------------------------------------------------- a private home for the whole session

_PRIVATE = Path(tempfile.mkdtemp(prefix="ketacalc-tests-"))
for _name, _sub in (
    ("HOME", "home"),
    ("XDG_CACHE_HOME", "xdg-cache"),
    ("XDG_CONFIG_HOME", "xdg-config"),
    ("XDG_DATA_HOME", "xdg-data"),
    ("KETACALC_CACHE_DIR", "cache"),
):
    (_PRIVATE / _sub).mkdir()
    os.environ[_name] = str(_PRIVATE / _sub)
atexit.register(shutil.rmtree, _PRIVATE, ignore_errors=True)
# output never goes through a pager unless a test asks for one (it sets PAGER itself)
os.environ["PAGER"] = "cat"
PRIVATE_HOME = _PRIVATE

TODAY = date(2026, 11, 21)
REVIEW = date(2025, 6, 13)  # the date of the fixture's review (source review-2025)
REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "providers.yaml"
FIXTURE = REPO / "tests" / "data" / "fixture" / "providers.yaml"
FIXTURE_IDS = ("alder", "birch", "cedar", "dune", "elm", "fern", "gale")  # in file order
# the providers the founding articles name; the shipped data file must cover every one
REQUIRED_IDS = frozenset(
    {"innerwell", "better-u", "mindbloom", "joyous", "kalm-health", "nue-life", "peak", "isha-health"}
)

ANSI = re.compile(r"\x1b\[")
MONEY_STR = re.compile(r"^\d+\.\d{2}$")  # money in JSON, CSV and TSV: "2862.00"

# --------------------------------------------------------------- Hypothesis profiles

_QUIET = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile("dev", max_examples=15, deadline=None, suppress_health_check=_QUIET)
settings.register_profile(
    "ci", max_examples=30, deadline=None, suppress_health_check=_QUIET, derandomize=True, database=None
)
settings.register_profile("explore", max_examples=2_000, deadline=None, suppress_health_check=_QUIET)
_IN_CI = os.environ.get("CI", "").lower() not in ("", "0", "false")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if _IN_CI else "dev"))


# --------------------------------------------------------------- a faster in-process CLI


def _build_the_command_once() -> None:
    """Typer turns the app into a Click command afresh on every ``main()`` call
    (about 30 ms, most of an in-process run). The command is the same every time
    and keeps no state between runs, so tests build it once per app. Real
    processes (tests/test_pipes.py) still build it as a user's run does."""
    import typer.main

    if getattr(typer.main.get_command, "_ketacalc_memo", False):
        return
    build = typer.main.get_command
    built: dict[int, tuple[object, object]] = {}

    @functools.wraps(build)
    def get_command(typer_instance):
        key = id(typer_instance)
        if key not in built:
            built[key] = (typer_instance, build(typer_instance))  # the app is kept, so its id stays unique
        return built[key][1]

    get_command._ketacalc_memo = True  # type: ignore[attr-defined]
    typer.main.get_command = get_command


_build_the_command_once()


# --------------------------------------------------------------- fixtures


_CONFIG_DIRS = itertools.count()


@pytest.fixture(autouse=True)
def pinned_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    monkeypatch.setenv("KETACALC_TODAY", TODAY.isoformat())
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("KETACALC_CACHE_DIR", str(PRIVATE_HOME / "cache"))
    monkeypatch.setenv("KETACALC_DATA", str(FIXTURE))
    # no default from the environment or a config file, unless a test sets one (tests/test_defaults.py);
    # a folder of its own for each test (made only if a test writes to it), so none leaks into another
    monkeypatch.setenv("KETACALC_CONFIG_DIR", str(PRIVATE_HOME / "config" / str(next(_CONFIG_DIRS))))
    for name in ("KETACALC_DEBUG", "KETACALC_NO_CACHE", "FORCE_COLOR", "KETACALC_STATE", "KETACALC_INSURER",
                 "KETACALC_CLIENT"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    yield


@pytest.fixture(scope="session")
def catalog():
    """The fixture data, loaded once."""
    return load_fixture()


@functools.cache
def load_fixture():
    """The fixture catalog, for module-level use (Hypothesis tests, where a fixture
    would be reset for each example)."""
    from ketacalc.data.loader import load_catalog

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KETACALC_NO_CACHE", "1")
        return load_catalog(FIXTURE, today=TODAY)


def table_part(text: str) -> str:
    """A headed command's table, without the headline above it (up to the first blank line)."""
    head, blank, rest = text.partition("\n\n")
    assert blank and head, text
    return rest


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
    real ``main`` entry point, so errors are mapped exactly as a user sees them.
    ``env`` values of None unset a variable."""
    from typer.testing import CliRunner

    from ketacalc.cli import main

    def run(*args: str, input: str | None = None, env: dict[str, str | None] | None = None) -> Result:
        runner = CliRunner()
        with runner.isolation(input=input, env=env) as (out, err, _mixed):
            code = main(list(args))
            sys.stdout.flush()
            sys.stderr.flush()
            return Result(code, out.getvalue().decode(), err.getvalue().decode())

    return run


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
            path.write_bytes(text.encode("utf-8"))
        assert text == path.read_bytes().decode("utf-8"), (
            f"output differs from {path}; rerun with --update-golden if intended"
        )

    return check


def pytest_sessionstart(session: pytest.Session) -> None:
    """Compile ketacalc once before the real-process tests start it many times: where
    PYTHONDONTWRITEBYTECODE is set (as on CI machines), every ``python -m ketacalc``
    would otherwise compile the whole package again, as an installed program never does."""
    import compileall

    compileall.compile_dir(REPO / "src" / "ketacalc", quiet=1)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files from current output")


# --------------------------------------------------------------- helpers


def review_cost(cli, provider: str, sessions: str, *extra: str, fmt: str = "json") -> Result:
    """``cost`` at the review's date, with payments from that date (its prices are the review's)."""
    iso = REVIEW.isoformat()
    return cli(
        "cost", provider, "--sessions", sessions, "--as-of", iso, "--start", iso, "--format", fmt, *extra
    )


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


def jsonl(*scenarios: object) -> str:
    """Batch input: one line per scenario (a dict is dumped as JSON, a str is kept as written)."""
    return "".join((s if isinstance(s, str) else json.dumps(s)) + "\n" for s in scenarios)


def shown(amount: str | Decimal) -> str:
    """A machine amount as a table shows it: ``"2970.00"`` -> ``$2,970.00``."""
    return f"${Decimal(amount):,.2f}"


def words(notes) -> tuple[str, ...]:
    """Notes (data) in the words a person reads."""
    from ketacalc.output.notes import sentences

    return tuple(sentences(notes))


def flat(text: str) -> str:
    """Text with every run of whitespace (wrapped table cells) made one space."""
    return " ".join(text.split())


def untimed(page: str) -> str:
    """A report's HTML with each date as plain text: the ``<time>`` that keeps it one
    unbreakable word taken off (``<time datetime="2026-05-01">2026-05-01</time>``)."""
    return re.sub(r'<time datetime="[^"]*">([^<]*)</time>', r"\1", page)


def assert_one_error_line(result: Result, code: int) -> str:
    """A failure as a user sees it: exit ``code``, nothing on stdout, one ``Error:`` line."""
    assert result.exit_code == code, (result.exit_code, result.stdout[:300], result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in result.stderr
    return lines[0]


# --------------------------------------------------------------- small data files written in a test

SYNTHETIC_SOURCES = {
    "site": {"title": "The provider's own site", "tier": "A"},
    "press": {"title": "A newspaper", "tier": "B"},
    "review": {"title": "An affiliate review", "tier": "C"},
}


def plan_data(
    pid: str,
    sessions: int,
    client: str,
    price: str,
    *,
    as_of: str = "2026-01-10",
    route: str | None = None,
    insured: str | None = None,
    installments: dict | None = None,
) -> dict:
    """One plan as written in providers.yaml, with one price observed on the provider's site."""
    obs: dict = {"source": "site", "as_of": as_of, "price": price}
    if installments:
        obs["installments"] = installments
    data: dict = {
        "id": pid,
        "name": pid.replace("-", " ").title(),
        "sessions": sessions,
        "client": client,
        "prices": [obs],
    }
    if route is not None:
        data["route"] = route
    if insured is not None:
        data["insurance_prices"] = [{"source": "site", "as_of": as_of, "price": insured}]
    return data


def provider_data(pid: str = "acme", name: str = "Acme Ketamine", **extra: object) -> dict:
    """One operating provider as written in providers.yaml; ``extra`` adds its other keys."""
    return {"id": pid, "name": name, "status": [{"value": "operating", "source": "site"}], **extra}


def fixture_with(tmp_path: Path, old: str, new: str) -> Path:
    """The behaviour fixture with its one occurrence of ``old`` replaced by ``new``, written
    as a data file under ``tmp_path`` (a test changes one fact and keeps the rest)."""
    text = FIXTURE.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / "providers.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def catalog_of(*providers: dict):
    """The catalog of a data file holding ``providers`` and the three SYNTHETIC_SOURCES,
    read and checked by the loader as a user's file would be."""
    import tempfile

    from ketacalc.data.loader import load_catalog

    data = {"version": 1, "sources": SYNTHETIC_SOURCES, "providers": list(providers)}
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as mp:
        mp.setenv("KETACALC_NO_CACHE", "1")
        path = Path(tmp) / "providers.yaml"
        path.write_text(json.dumps(data), encoding="utf-8")  # JSON is YAML
        return load_catalog(path, today=TODAY)


def run_subprocess(
    *args: str, input: str | None = None, env: dict[str, str] | None = None, shell: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m ketacalc`` (or a shell pipeline) as a real process, with the pinned
    environment. Its output is read as UTF-8, a byte that is not (output asked for in another
    encoding, ``PYTHONIOENCODING=cp1252``) replaced."""
    how = {
        "capture_output": True, "text": True, "errors": "replace", "input": input, "timeout": 60,
        "env": {**os.environ, **(env or {})},
    }  # fmt: skip
    if shell is not None:
        return subprocess.run(shell, shell=True, **how)  # type: ignore[call-overload,no-any-return]
    return subprocess.run([sys.executable, "-m", "ketacalc", *args], **how)  # type: ignore[call-overload,no-any-return]
