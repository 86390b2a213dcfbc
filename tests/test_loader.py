"""The loader refuses every bad data file with located, one-line problems.

Each file in ``tests/data/bad/`` holds one mistake; its first line is
``# expect: <fragment>``, a piece of the ``FILE:LINE:COL: path: message`` line the
loader must report for it. ``tests/data/good/minimal.yaml`` is the valid file the
bad ones are made from.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from conftest import REQUIRED_IDS
from ketacalc.data import loader
from ketacalc.data.models import DataFile
from ketacalc.errors import DataFileError, DataProblem, shown_path

TODAY = date(2026, 11, 21)
HERE = Path(__file__).resolve().parent
BAD = HERE / "data" / "bad"
GOOD = HERE / "data" / "good"
SHIPPED = HERE.parent / "providers.yaml"
BAD_FILES = sorted(p for p in BAD.iterdir() if p.is_file())


def expectation(path: Path) -> str:
    """The ``# expect:`` fragment on the first line (read as bytes: some files are not UTF-8)."""
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8")
    prefix = "# expect: "
    assert first.startswith(prefix), f"{path.name}: first line must be '# expect: ...'"
    fragment = first[len(prefix) :].strip()
    assert fragment, f"{path.name}: empty expectation"
    return fragment


def problems_of(path: Path | str) -> list[DataProblem]:
    with pytest.raises(DataFileError) as info:
        loader.load(path, today=TODAY)
    error = info.value
    assert error.problems, "a DataFileError must list at least one problem"
    assert "Traceback" not in str(error)
    for problem in error.problems:
        assert "Traceback" not in str(problem)
    return error.problems


def problems_in(text: str, name: str = "t.yaml") -> list[DataProblem]:
    with pytest.raises(DataFileError) as info:
        loader.parse(text, name, today=TODAY)
    return info.value.problems


def render(problems: list[DataProblem]) -> str:
    return "\n".join(str(p) for p in problems)


# ------------------------------------------------------------------ catalogue


def test_catalogue_is_large_enough() -> None:
    assert len(BAD_FILES) >= 30


def test_minimal_good_file_loads() -> None:
    data = loader.load(GOOD / "minimal.yaml", today=TODAY)
    assert isinstance(data, DataFile)
    assert [p.id for p in data.providers] == ["acme"]


@pytest.mark.parametrize("path", BAD_FILES, ids=[p.name for p in BAD_FILES])
def test_bad_file_is_refused_with_expected_problem(path: Path) -> None:
    fragment = expectation(path)
    problems = problems_of(path)
    lines = [str(p) for p in problems]
    assert any(fragment in line for line in lines), (
        f"expected a problem containing {fragment!r}, got:\n" + "\n".join(lines)
    )
    # every problem names the file it is about, as its first field
    for problem in problems:
        assert problem.file == str(path)
        assert str(problem).startswith(f"{shown_path(str(path))}:{problem.line}:{problem.column}: ")


@pytest.mark.parametrize("path", BAD_FILES, ids=[p.name for p in BAD_FILES])
def test_bad_file_problems_are_one_line_and_inside_the_file(path: Path) -> None:
    raw_lines = path.read_bytes().split(b"\n")
    for problem in problems_of(path):
        text = str(problem)
        assert "\n" not in text and "\r" not in text, f"problem spans several lines: {text!r}"
        assert 1 <= problem.line <= max(1, len(raw_lines)), text
        line = raw_lines[problem.line - 1] if raw_lines else b""
        assert 1 <= problem.column <= len(line) + 1, text


# ------------------------------------------------------------- files and sizes


def test_missing_file(tmp_path: Path) -> None:
    problems = problems_of(tmp_path / "nope.yaml")
    assert "no such file" in render(problems)


def test_directory_instead_of_file(tmp_path: Path) -> None:
    problems = problems_of(tmp_path)
    assert f"{shown_path(str(tmp_path))}:1:1: is a directory" in render(problems)


def test_oversized_file(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    filler = "# " + "x" * 1021 + "\n"  # 1 KiB per line
    big.write_text("version: 1\n" + filler * 1100, encoding="utf-8")
    assert big.stat().st_size > loader.MAX_BYTES
    problems = problems_of(big)
    assert len(problems) == 1
    assert f"{shown_path(str(big))}:1:1: is larger than 1024 KiB" in str(problems[0])


def test_file_just_under_the_size_limit_is_read(tmp_path: Path) -> None:
    text = (GOOD / "minimal.yaml").read_text(encoding="utf-8")
    padded = text + "#" * (loader.MAX_BYTES - len(text.encode("utf-8")) - 1) + "\n"
    path = tmp_path / "padded.yaml"
    path.write_text(padded, encoding="utf-8")
    assert path.stat().st_size == loader.MAX_BYTES
    assert loader.load(path, today=TODAY).providers[0].id == "acme"


def test_non_utf8_written_from_bytes(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"version: 1\nsources: {}\nproviders:\n  - id: caf\xe9\n")
    problems = problems_of(path)
    assert [(p.line, p.column) for p in problems] == [(4, 12)]
    assert "is not valid UTF-8" in problems[0].message


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + (GOOD / "minimal.yaml").read_bytes())
    assert loader.load(path, today=TODAY).providers[0].id == "acme"


# --------------------------------------------------------------- shipped data


def test_shipped_file_loads_without_problems() -> None:
    data = loader.load(SHIPPED, today=TODAY)
    assert isinstance(data, DataFile)
    ids = [p.id for p in data.providers]
    assert REQUIRED_IDS <= set(ids)
    assert len(ids) == len(set(ids))


def test_default_data_path_is_the_shipped_file() -> None:
    data = loader.load(today=TODAY)
    assert REQUIRED_IDS <= {p.id for p in data.providers}


def test_shipped_file_cites_every_source_it_defines() -> None:
    """A source defined but never cited is dead weight (or a citation was lost)."""
    from ketacalc.data.loader import load_catalog

    catalog = load_catalog(SHIPPED, today=TODAY)
    cited = {sid for provider in catalog.providers for sid in provider.source_ids()}
    cited |= {span.source for rule in catalog.regulation for span in rule.spans}
    cited |= {o.source for alt in catalog.alternatives for o in (*alt.figures, *alt.notes)}
    assert set(catalog.sources) - cited == set()


# ------------------------------------------------------- every problem at once

SEVERAL = textwrap.dedent(
    """\
    version: 1
    sources:
      review-2025:
        title: "A review"
        date: 2030-01-01
        tier: D
    providers:
      - id: acme
        name: Acme Ketamine
        status:
          - {value: operating, source: review-2025, as_of: 2025-06-13}
        states:
          - source: review-2025
            codes: [TX, XX]
        plans:
          - id: starter
            name: Starter
            sessions: "six"
            client: new
            prices:
              - source: review-2052
                as_of: 2025-06-13
                price: 1200.50
      - id: acme
        name: Acme Again
        status:
          - {value: operating, source: review-2025, as_of: 2025-06-13}
        pricez: []
    """
)


def test_several_independent_errors_are_all_reported() -> None:
    problems = problems_in(SEVERAL, "several.yaml")
    got = [(p.line, p.column, p.path) for p in problems]
    assert got == [
        (5, 11, "sources.review-2025.date"),  # in the future
        (6, 11, "sources.review-2025.tier"),  # not A, B or C
        (14, 21, "providers.0.states.0.codes.1"),  # XX is no state
        (18, 19, "providers.0.plans.0.sessions"),  # "six"
        (21, 21, "providers.0.plans.0.prices.0.source"),  # unknown source
        (23, 20, "providers.0.plans.0.prices.0.price"),  # YAML float
        (24, 9, "providers.1.id"),  # duplicate provider id
        (28, 5, "providers.1.pricez"),  # unknown key
    ], render(problems)
    messages = render(problems)
    assert "2030-01-01 is in the future (today is 2026-11-21)" in messages
    assert "'XX' is not a USPS code" in messages
    assert "unknown source 'review-2052'; did you mean 'review-2025'?" in messages
    assert "money must not be a YAML float" in messages
    assert "duplicate provider id 'acme'" in messages
    assert "unknown key 'pricez'" in messages


def test_error_summary_counts_the_other_problems() -> None:
    with pytest.raises(DataFileError) as info:
        loader.parse(SEVERAL, "several.yaml", today=TODAY)
    assert "(and 7 more)" in str(info.value)
    assert "ketacalc" not in str(info.value)  # the core names no command; the CLI says how to list them


def test_the_cli_says_how_to_list_every_problem(cli, tmp_path: Path) -> None:
    path = tmp_path / "several.yaml"
    path.write_text(SEVERAL, encoding="utf-8")
    result = cli("--data", str(path), "providers")
    assert result.exit_code == 1
    assert "more) — run 'ketacalc check" in result.stderr
    assert "to list every problem" in result.stderr


def test_yaml_level_and_schema_problems_are_reported_together() -> None:
    """A duplicate key is independent of a float price; both should be listed.

    The converter keeps the first of two duplicate keys, so the data can still
    be checked against the schema.
    """
    text = (GOOD / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace("    name: Acme Ketamine\n", "    name: Acme Ketamine\n    name: Again\n")
    text = text.replace("price: 1200\n            installments: {count: 3, amount: 400}", "price: 1200.50")
    problems = problems_in(text)
    assert [(p.line, p.path) for p in problems] == [
        (13, "providers.0.name"),
        (30, "providers.0.plans.0.prices.0.price"),
    ], render(problems)


def test_problems_are_sorted_and_unique() -> None:
    problems = problems_in(SEVERAL + SEVERAL.split("providers:\n", 1)[1])
    assert problems == sorted(set(problems))


# ------------------------------------------------------ precise line and column


def _token_at(path: Path, problem: DataProblem) -> str:
    line = path.read_text(encoding="utf-8").split("\n")[problem.line - 1]
    return line[problem.column - 1 :]


@pytest.mark.parametrize(
    ("name", "token"),
    [
        ("unknown-state.yaml", "XX]"),
        ("money-float.yaml", "1200.50"),
        ("future-date.yaml", "2030-01-01"),
        ("impossible-date.yaml", "2025-02-30"),
        ("duplicate-key.yaml", "name: Acme Again"),
        ("unknown-key-pricez.yaml", "pricez:"),
        ("unknown-key-sesions.yaml", "sesions: 6"),
        ("wrong-type-sessions.yaml", '"six"'),
        ("unknown-source.yaml", "review-2052"),
        ("bad-tier.yaml", "D"),
        ("bad-status.yaml", "open,"),
        ("money-bool.yaml", "yes}"),
        ("duplicate-provider-id.yaml", "acme"),
        ("python-tag.yaml", "!!python/object/apply:os.system"),
    ],
)
def test_problem_points_at_the_offending_text(name: str, token: str) -> None:
    path = BAD / name
    first = problems_of(path)[0]
    assert _token_at(path, first).startswith(token), (str(first), _token_at(path, first))


def test_second_provider_problem_is_on_its_own_line() -> None:
    path = BAD / "duplicate-provider-id.yaml"
    (problem,) = problems_of(path)
    lines = path.read_text(encoding="utf-8").split("\n")
    assert problem.line == 31
    assert lines[problem.line - 1] == "  - id: acme"
    assert lines[10] == "  - id: acme"  # the first one, line 11, is not blamed


def test_alias_is_reported_on_the_line_of_the_alias() -> None:
    path = BAD / "single-alias.yaml"
    problems = problems_of(path)
    assert len(problems) == 1, render(problems)
    line = path.read_text(encoding="utf-8").split("\n")[problems[0].line - 1]
    assert "*seen" in line, (str(problems[0]), line)


def test_control_character_is_located(tmp_path: Path) -> None:
    path = tmp_path / "bell.yaml"
    path.write_bytes(b"version: 1\nsources: {}\nproviders:\n  - id: a\x07b\n")
    problems = problems_of(path)
    assert [(p.line, p.column) for p in problems] == [(4, 10)], render(problems)


# ------------------------------------------------------------ hostile input


@pytest.mark.parametrize(
    "name",
    ["alias-bomb.yaml", "deep-nesting.yaml", "deep-nesting-mappings.yaml", "self-referential-alias.yaml"],
)
def test_hostile_files_are_refused_with_one_problem(name: str) -> None:
    problems = problems_of(BAD / name)
    assert len(problems) == 1, render(problems)


_LOAD_SCRIPT = """
import sys
from datetime import date
from ketacalc.data import loader
from ketacalc.errors import DataFileError
try:
    loader.load(sys.argv[1], today=date(2026, 11, 21))
except DataFileError as exc:
    print("\\n".join(str(p) for p in exc.problems))
    sys.exit(3)
print("loaded")
"""


@pytest.mark.parametrize(
    "text",
    [
        "[" * 30_000 + "]" * 30_000 + "\n",
        "{a: " * 30_000 + "}" * 30_000 + "\n",
        "- " * 30_000 + "x\n",
    ],
    ids=["flow-sequences", "flow-mappings", "block-sequences"],
)
def test_very_deep_nesting_is_refused_without_crashing(tmp_path: Path, text: str) -> None:
    """30,000 levels is a 60-180 KB file, well under the size limit.

    Run in a child process: composing it can overflow the C stack, and a
    segmentation fault must not take the test session down with it.
    """
    path = tmp_path / "deep.yaml"
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size < loader.MAX_BYTES
    run = subprocess.run(
        [sys.executable, "-c", _LOAD_SCRIPT, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    crashed = f"exit status {run.returncode} (-11: segmentation fault)\n{run.stderr[-2000:]}"
    assert run.returncode == 3, crashed
    # one located problem (its wording may be PyYAML's own limit or ketacalc's: either refuses the file)
    [problem] = run.stdout.splitlines()
    assert problem.split(":")[:2] in ([shown_path(str(path)), "1"], [shown_path(str(path)), "2"]), problem
    assert "Traceback" not in run.stdout + run.stderr


@pytest.mark.parametrize("opener", ["[", "{a: ", "- "])
def test_unclosed_deep_nesting_is_refused(opener: str) -> None:
    problems = problems_in(opener * 10_000 + "\n")
    assert len(problems) == 1, render(problems)
    assert problems[0].line in (1, 2)


def test_python_tag_is_never_constructed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f'version: 1\nsources: !!python/object/apply:os.system ["touch {marker}"]\nproviders: []\n'
    problems = problems_in(text)
    assert "YAML tag tag:yaml.org,2002:python/object/apply:os.system is not allowed" in render(problems)
    assert not marker.exists()


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("!!bool maybe", "cannot read value 'maybe'"),
        ('!!bool ""', "cannot read value ''"),
        ('!!int ""', "cannot read value ''"),
        ('!!int "-"', "cannot read value '-'"),
        ('!!int "+"', "cannot read value '+'"),
        ('!!float ""', "cannot read value ''"),
        ('!!int "abc"', "cannot read value 'abc'"),
        ('!!float "x"', "cannot read value 'x'"),
    ],
)
def test_explicit_core_tag_with_bad_text_is_a_problem(value: str, fragment: str) -> None:
    text = (GOOD / "minimal.yaml").read_text(encoding="utf-8").replace("sessions: 6", f"sessions: {value}")
    problems = problems_in(text)
    assert f"t.yaml:24:19: providers.0.plans.0.sessions: {fragment}" in render(problems)


def test_nul_byte_in_text_is_a_problem() -> None:
    problems = problems_in("version: 1\x00\n")
    assert [p.line for p in problems] == [1]


# ------------------------------------------------------- short, plain messages


def test_a_system_file_is_not_echoed(tmp_path: Path) -> None:
    """``--data /etc/passwd``: a file of colon-separated lines reads as one YAML string."""
    secret = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n" * 20
    path = tmp_path / "passwd"
    path.write_text(secret, encoding="utf-8")
    (problem,) = problems_of(path)
    assert (
        problem.message == "the file must be a mapping starting with 'version: 1', not a single value or list"
    )
    assert "/bin/bash" not in str(problem) and "daemon" not in str(problem)


@pytest.mark.parametrize(
    "text",
    [
        "x" * 900_000 + "\n",
        "version: 1\nsources: " + "y" * 900_000 + "\nproviders: []\n",
        "version: 1\nsources: {}\nproviders: []\n" + "z" * 900_000 + ": 1\n",
        "version: " + "9" * 900_000 + "\nsources: {}\nproviders: []\n",
    ],
    ids=["one-scalar", "long-value", "long-key", "long-number"],
)
def test_a_huge_one_line_file_gives_short_error_lines(tmp_path: Path, text: str) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        loader.load(path, today=TODAY)
    assert len(str(info.value)) < 400, str(info.value)[:500]
    for problem in info.value.problems:
        assert len(str(problem)) < 400, str(problem)[:500]


@pytest.mark.parametrize("path", BAD_FILES, ids=[p.name for p in BAD_FILES])
def test_no_message_shows_library_internals(path: Path) -> None:
    text = render(problems_of(path))
    for internal in ("instance of", "valid dictionary", "pydantic", "model_type", "Value error", "^[a-z0-9]"):
        assert internal not in text, text


def test_messages_name_no_command_line_flag(tmp_path: Path) -> None:
    assert "--" not in render(problems_of(tmp_path / "missing.yaml"))


# --------------------------------------------------------- names across providers

TWO = textwrap.dedent(
    """\
    version: 1
    sources:
      s: {title: "S", tier: A}
    providers:
      - id: mindbloom
        name: Mindbloom
        status: {value: operating, source: s}
      - id: other
        name: {name}
        aliases: [{alias}]
        status: {value: operating, source: s}
    """
)


@pytest.mark.parametrize(
    ("name", "alias", "clash"),
    [
        ("Other", "mindbloom", "'mindbloom' already names provider 'mindbloom'"),
        ("Other", "Mind Bloom", "'Mind Bloom' already names provider 'mindbloom'"),
        ("MINDBLOOM", "other-one", "'MINDBLOOM' already names provider 'mindbloom'"),
    ],
)
def test_a_name_or_alias_of_another_provider_is_refused(name: str, alias: str, clash: str) -> None:
    problems = problems_in(TWO.replace("{name}", name).replace("{alias}", alias))
    assert len(problems) == 1, render(problems)
    assert clash in problems[0].message


def test_a_provider_may_repeat_its_own_name_as_an_alias() -> None:
    loader.parse(TWO.replace("{name}", "Other").replace("{alias}", "Other"), "t.yaml", today=TODAY)


# ------------------------------------------------------------ the clock behind the data


def test_check_still_refuses_future_dates() -> None:
    with pytest.raises(DataFileError, match="is in the future"):
        loader.load(SHIPPED, today=date(2025, 6, 13))
    with pytest.raises(DataFileError, match="is in the future"):
        loader.load(SHIPPED, today=date(2025, 6, 13), strict_dates=True)


def test_a_catalog_loads_with_one_warning_when_the_clock_is_behind() -> None:
    catalog = loader.load_catalog(SHIPPED, today=date(2025, 6, 13))
    assert REQUIRED_IDS <= {p.id for p in catalog.providers}
    (warning,) = catalog.warnings
    assert warning.startswith("the data file has figures dated after today (")
    assert "more, today is 2025-06-13); is the clock right?" in warning


def test_no_warning_when_the_clock_is_right() -> None:
    assert loader.load_catalog(SHIPPED, today=TODAY).warnings == ()


def test_the_warning_follows_today_not_the_cache() -> None:
    behind = loader.load_catalog(SHIPPED, today=date(2025, 6, 13))  # fills the cache
    right = loader.load_catalog(SHIPPED, today=TODAY)  # from the cache
    assert behind.warnings and not right.warnings


def test_one_future_figure_is_named_alone() -> None:
    text = (GOOD / "minimal.yaml").read_text(encoding="utf-8")
    catalog_path = GOOD / "minimal.yaml"
    assert text.count("2025-06-13") == 4  # the source's date and three observations
    (warning,) = loader.load_catalog(catalog_path, today=date(2025, 6, 12)).warnings
    assert "(2025-06-13 and 3 more, today is 2025-06-12)" in warning


# ------------------------------------------------------------------------ cache


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("KETACALC_CACHE_DIR", str(directory))
    return directory


def _cache_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("ketacalc-data-*.json"))


def test_the_cache_is_written_and_carries_its_checksum(cache_dir: Path) -> None:
    import hashlib

    loader.load_catalog(GOOD / "minimal.yaml", today=TODAY)
    (cached,) = _cache_files(cache_dir)
    header, _, body = cached.read_bytes().partition(b"\n")
    assert header.split(b" ")[-1].decode() == hashlib.sha256(body).hexdigest()


def _corrupt(path: Path, how: str) -> None:
    import hashlib

    header, _, body = path.read_bytes().partition(b"\n")
    if how == "truncated":
        path.write_bytes(path.read_bytes()[: len(header) + 40])
    elif how == "checksum-mismatch":
        path.write_bytes(header + b"\n" + body.replace(b"Acme", b"Acne"))
    elif how in ("wrong-shape", "bad-json", "wrong-types", "not-a-mapping"):
        new = {
            "wrong-shape": b'{"sources": [], "providers": []}',
            "bad-json": b'{"sources": {',
            "wrong-types": body.replace(b'"sessions":6', b'"sessions":{"a":1}').replace(
                b'"price":"1200.00"', b'"price":[]'
            ),
            "not-a-mapping": b"[1, 2, 3]",
        }[how]
        digest = hashlib.sha256(new).hexdigest().encode()  # a valid checksum: the content itself is wrong
        path.write_bytes(header.rsplit(b" ", 1)[0] + b" " + digest + b"\n" + new)
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "binary":
        path.write_bytes(b"\xff\xfe\x00garbage")


@pytest.mark.parametrize(
    "how",
    [
        "truncated",
        "checksum-mismatch",
        "wrong-shape",
        "bad-json",
        "wrong-types",
        "not-a-mapping",
        "empty",
        "binary",
    ],
)
def test_a_damaged_cache_is_ignored_and_rebuilt(cache_dir: Path, how: str) -> None:
    first = loader.load_catalog(GOOD / "minimal.yaml", today=TODAY)
    (cached,) = _cache_files(cache_dir)
    _corrupt(cached, how)
    again = loader.load_catalog(GOOD / "minimal.yaml", today=TODAY)
    assert again.providers == first.providers
    assert again.providers[0].plans[0].prices[0].price == 1200
    (rebuilt,) = _cache_files(cache_dir)
    from ketacalc.data import cache

    assert cache.read(rebuilt) is not None, "the damaged cache file was not rewritten"


def test_no_cache_turns_the_cache_off(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KETACALC_NO_CACHE", "1")
    loader.load_catalog(GOOD / "minimal.yaml", today=TODAY)
    assert not cache_dir.exists()


def test_an_empty_cache_dir_variable_means_not_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ketacalc.data import cache

    xdg = tmp_path / "xdg"
    monkeypatch.setenv("KETACALC_CACHE_DIR", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(xdg))
    monkeypatch.setattr(sys, "platform", "linux")
    assert cache.cache_dir() == xdg / "ketacalc"
    monkeypatch.setenv("KETACALC_CACHE_DIR", "   ")
    assert cache.cache_dir() == xdg / "ketacalc"


def test_a_relative_xdg_cache_home_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ketacalc.data import cache

    monkeypatch.delenv("KETACALC_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()  # a home that exists (one that does not turns the cache off)
    monkeypatch.chdir(tmp_path)
    directory = cache.cache_dir()
    assert directory is not None and directory.is_absolute()
    assert directory == tmp_path / "home" / ".cache" / "ketacalc"
    loader.load_catalog(GOOD / "minimal.yaml", today=TODAY)
    assert not (tmp_path / "relative").exists(), "a cache was made under the current directory"


def test_pruning_deletes_only_our_own_files(cache_dir: Path, tmp_path: Path) -> None:
    cache_dir.mkdir(parents=True)
    mine_old = cache_dir / "ketacalc-data-v1-0123456789abcdef.json"
    mine_old.write_text("old")
    others = [
        cache_dir / "data-v1-notes.json",
        cache_dir / "important.json",
        cache_dir / "ketacalc-notes.txt",
    ]
    for path in others:
        path.write_text("keep me")
    outside = tmp_path / "ketacalc-data-v1-outside.json"
    outside.write_text("keep me")
    (cache_dir / "ketacalc-data-v1-adir.json").mkdir()
    link = cache_dir / "ketacalc-data-v1-link.json"
    link.symlink_to(outside)
    loader.load_catalog(GOOD / "minimal.yaml", today=TODAY)
    assert not mine_old.exists()
    assert all(path.read_text() == "keep me" for path in [*others, outside])
    assert (cache_dir / "ketacalc-data-v1-adir.json").is_dir() and link.is_symlink()
    assert len([p for p in _cache_files(cache_dir) if p.is_file() and not p.is_symlink()]) == 1


def test_an_unwritable_cache_dir_only_costs_speed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("KETACALC_CACHE_DIR", str(blocker / "cache"))
    assert loader.load_catalog(GOOD / "minimal.yaml", today=TODAY).providers[0].id == "acme"


_WARM_SCRIPT = """
import sys
from datetime import date
from ketacalc.data.loader import load_catalog
load_catalog(sys.argv[1], today=date(2026, 11, 21))
print(sorted(m for m in ("yaml", "pydantic", "platformdirs") if m in sys.modules))
"""


def test_a_warm_start_imports_neither_yaml_nor_pydantic(cache_dir: Path) -> None:
    import os

    env = {**os.environ, "KETACALC_CACHE_DIR": str(cache_dir)}
    run = [sys.executable, "-c", _WARM_SCRIPT, str(SHIPPED)]
    subprocess.run(run, check=True, env=env, capture_output=True)  # cold: fills the cache
    warm = subprocess.run(run, check=True, env=env, capture_output=True, text=True)
    assert warm.stdout.strip() == "[]", warm.stdout


# ------------------------------------------------------------------------ the shipped checked form


@pytest.mark.parametrize("artefact", ["wrong-shape", "damaged", "other-key"])
def test_a_checked_form_that_does_not_fit_is_ignored_and_the_yaml_read(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, artefact: str
) -> None:
    """The shipped providers.checked.json is used only for the bytes it was made from,
    and only when a catalog can be built from it; otherwise the file is read as usual."""
    import json

    from ketacalc.data import shipped

    path = GOOD / "minimal.yaml"
    key = loader.data_key(path.read_bytes())
    fake = tmp_path / "providers.checked.json"
    fake.write_bytes(
        {
            "wrong-shape": json.dumps({"key": key, "data": {"sources": [], "providers": [{"id": 1}]}}),
            "damaged": '{"key": "',
            "other-key": json.dumps({"key": "0" * 32, "data": {"sources": {}, "providers": []}}),
        }[artefact].encode()
    )
    monkeypatch.setattr(shipped, "ARTEFACT", fake)
    catalog = loader.load_catalog(path, today=TODAY)
    assert catalog.providers[0].plans[0].prices[0].price == 1200
    assert len(_cache_files(cache_dir)) == 1, "a catalog read from the YAML is cached as before"


def test_a_fitting_checked_form_is_used_without_reading_the_yaml(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from ketacalc.data import shipped

    path = GOOD / "minimal.yaml"
    raw = path.read_bytes()
    fake = tmp_path / "providers.checked.json"
    data = loader.checked_data(raw, str(path))
    fake.write_text(json.dumps({"key": loader.data_key(raw), "data": data}))
    monkeypatch.setattr(shipped, "ARTEFACT", fake)
    monkeypatch.setattr(loader, "parse", lambda *a, **k: pytest.fail("the YAML was read"))
    catalog = loader.load_catalog(path, today=TODAY)
    assert catalog.providers[0].plans[0].prices[0].price == 1200
    assert _cache_files(cache_dir) == [], "nothing to cache: the checked form answers every run"
