"""Fuzz the loader: whatever it is given, it returns a DataFile or raises DataFileError.

Inputs are arbitrary text and mutations of the shipped ``providers.yaml`` and of
``tests/data/good/minimal.yaml`` (a line deleted, duplicated or truncated, a
scalar replaced, text or bytes inserted). Any other exception is a bug.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketacalc.data import loader
from ketacalc.data.models import DataFile
from ketacalc.errors import DataFileError

TODAY = date(2026, 11, 21)
HERE = Path(__file__).resolve().parent
SHIPPED_TEXT = (HERE.parent / "providers.yaml").read_text(encoding="utf-8")
MINIMAL_TEXT = (HERE / "data" / "good" / "minimal.yaml").read_text(encoding="utf-8")
BASES = {"shipped": SHIPPED_TEXT, "minimal": MINIMAL_TEXT}

FUZZ = settings(
    max_examples=15,  # each example checks a whole data file: the costliest property tests, kept small
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# A scalar: after "key: " up to the end of the value, or an item of a flow sequence.
_SCALAR_RE = re.compile(
    r"(?<=: )[^\s{}\[\],#][^\n,{}\[\]#]*"
    r"|(?<=[\[,] )[^\s{}\[\],#][^\n,{}\[\]#]*"
    r"|(?<=\[)[^\s\]\[,]+"
)
_LINE_BREAKS = ("\n", "\r", "\x85", "\u2028", "\u2029")

YAML_TOKENS = [
    "",
    "~",
    "null",
    "true",
    "false",
    "yes",
    "no",
    "on",
    "0",
    "-1",
    "1e3",
    "1.5",
    ".nan",
    "-.inf",
    "0x1F",
    "0o17",
    "0b101",
    "1_000",
    "1:30",
    "2025-02-30",
    "2030-01-01",
    "2025-06-13T10:00:00Z",
    "'quoted'",
    '"dq"',
    '"\\x00"',
    "[]",
    "{}",
    "[a, b]",
    "{a: 1}",
    "- x",
    "? x",
    ": x",
    "&a x",
    "*a",
    "*undefined",
    "&a [*a]",
    "<<: {a: 1}",
    "|\n  block",
    ">-\n  folded",
    "!!str 1",
    "!!int 1",
    "!!int x",
    '!!int ""',
    '!!int "-"',
    "!!float x",
    '!!float ""',
    "!!bool maybe",
    '!!bool ""',
    "!!null x",
    "!!timestamp x",
    "!!binary aGk=",
    "!!map x",
    "!!seq x",
    "!!set {a}",
    "!!omap [a: 1]",
    "!!python/object/apply:os.system [true]",
    "!local x",
    "!<tag:x> y",
    "%YAML 1.1",
    "---",
    "...",
    "\t",
    "#",
    "@",
    "`",
    "'unclosed",
    '"unclosed',
    "[unclosed",
    "{unclosed",
    "a: b: c",
    "9" * 5000,
    "XX",
    "TX",
    "A",
    "D",
    "operating",
    "new",
    "returning",
    "monthly",
    "é",
    "\U0001f600",
]
TAGS = ["!!bool", "!!int", "!!float", "!!null", "!!str", "!!timestamp", "!!binary", "!!map", "!!seq"]

scalars = st.one_of(
    st.sampled_from(YAML_TOKENS),
    st.text(max_size=20),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.dates().map(date.isoformat),
    st.builds(
        lambda tag, text: f"{tag} {text!r}" if text else f'{tag} ""',
        st.sampled_from(TAGS),
        st.text(max_size=6),
    ),
)


def _line_count(text: str) -> int:
    return sum(text.count(sep) for sep in _LINE_BREAKS) + 1


def check(text: str) -> None:
    """``parse`` gives a DataFile or a DataFileError of located problems; nothing else."""
    try:
        result = loader.parse(text, "fuzz.yaml", today=TODAY)
    except DataFileError as exc:
        assert exc.problems
        # libyaml reports an error at the end of the stream on the line after the last one
        last = _line_count(text) + 1
        for problem in exc.problems:
            assert 1 <= problem.line <= last, (str(problem), last)
            assert problem.column >= 1, str(problem)
            assert "Traceback" not in str(problem)
            assert len(problem.message) < 400, problem.message[:500]  # input is quoted, never echoed whole
        return
    assert isinstance(result, DataFile)


def _scalar_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _SCALAR_RE.finditer(text)]


SHIPPED_SPANS = _scalar_spans(SHIPPED_TEXT)
MINIMAL_SPANS = _scalar_spans(MINIMAL_TEXT)
SPANS = {"shipped": SHIPPED_SPANS, "minimal": MINIMAL_SPANS}


def test_scalar_pattern_finds_the_scalars() -> None:
    assert len(SHIPPED_SPANS) > 500
    assert any(MINIMAL_TEXT[a:b] == "1200" for a, b in MINIMAL_SPANS)
    assert any(MINIMAL_TEXT[a:b] == "CA" for a, b in MINIMAL_SPANS)
    assert any(MINIMAL_TEXT[a:b] == "2025-06-13" for a, b in MINIMAL_SPANS)


# ----------------------------------------------------------------- arbitrary


@FUZZ
@given(st.text(max_size=2000))
def test_arbitrary_text(text: str) -> None:
    check(text)


@FUZZ
@given(st.text(alphabet="ab1.:-[]{},&*!|>'\"#%?~<@ \n\t", max_size=300))
def test_arbitrary_yaml_punctuation(text: str) -> None:
    check(text)


@FUZZ
@given(
    st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10)),
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(st.text(min_size=1, max_size=8), children, max_size=4),
        ),
        max_leaves=30,
    )
)
def test_arbitrary_structures_as_json(value: object) -> None:
    import json

    check(json.dumps({"version": 1, "sources": value, "providers": [value]}))


# ------------------------------------------------------------ line mutations


@FUZZ
@given(st.sampled_from(sorted(BASES)), st.data())
def test_delete_a_line(base: str, data: st.DataObject) -> None:
    lines = BASES[base].splitlines(keepends=True)
    index = data.draw(st.integers(0, len(lines) - 1))
    check("".join(lines[:index] + lines[index + 1 :]))


@FUZZ
@given(st.sampled_from(sorted(BASES)), st.data())
def test_duplicate_a_line(base: str, data: st.DataObject) -> None:
    lines = BASES[base].splitlines(keepends=True)
    index = data.draw(st.integers(0, len(lines) - 1))
    check("".join(lines[: index + 1] + lines[index:]))


@FUZZ
@given(st.sampled_from(sorted(BASES)), st.data())
def test_reindent_a_line(base: str, data: st.DataObject) -> None:
    lines = BASES[base].splitlines(keepends=True)
    index = data.draw(st.integers(0, len(lines) - 1))
    indent = data.draw(st.sampled_from(["", " ", "  ", "    ", "\t", "- "]))
    lines[index] = indent + lines[index].lstrip(" ")
    check("".join(lines))


@FUZZ
@given(st.sampled_from(sorted(BASES)), st.data())
def test_truncate(name: str, data: st.DataObject) -> None:
    base = BASES[name]
    check(base[: data.draw(st.integers(0, len(base)))])


# ---------------------------------------------------------- scalar mutations


@FUZZ
@given(st.sampled_from(sorted(BASES)), st.data())
def test_replace_a_scalar(name: str, data: st.DataObject) -> None:
    text, spans = BASES[name], SPANS[name]
    start, end = data.draw(st.sampled_from(spans))
    value = data.draw(scalars)
    check(text[:start] + value + text[end:])


@FUZZ
@given(st.data())
def test_replace_several_scalars_of_the_minimal_file(data: st.DataObject) -> None:
    chosen = data.draw(st.lists(st.sampled_from(MINIMAL_SPANS), min_size=1, max_size=5, unique=True))
    text = MINIMAL_TEXT
    for start, end in sorted(chosen, reverse=True):  # from the end, so spans stay valid
        text = text[:start] + data.draw(scalars) + text[end:]
    check(text)


@FUZZ
@given(st.sampled_from(sorted(BASES)), st.data())
def test_insert_text(name: str, data: st.DataObject) -> None:
    base = BASES[name]
    position = data.draw(st.integers(0, len(base)))
    inserted = data.draw(st.one_of(st.text(max_size=30), st.sampled_from(YAML_TOKENS)))
    check(base[:position] + inserted + base[position:])


# --------------------------------------------------------- bytes, via load()


@FUZZ
@given(st.sampled_from(sorted(BASES)), st.data())
def test_insert_bytes_into_a_file(tmp_path_factory, name: str, data: st.DataObject) -> None:
    raw = BASES[name].encode("utf-8")
    position = data.draw(st.integers(0, len(raw)))
    inserted = data.draw(st.binary(min_size=1, max_size=16))
    path = tmp_path_factory.mktemp("fuzz") / "providers.yaml"
    path.write_bytes(raw[:position] + inserted + raw[position:])
    try:
        result = loader.load(path, today=TODAY)
    except DataFileError as exc:
        assert exc.problems
        assert all(p.line >= 1 and p.column >= 1 for p in exc.problems)
        return
    assert isinstance(result, DataFile)


# --------------------------------------------------------- the cache, via load_catalog()

_CACHE_BASE: dict[str, object] = {}


@FUZZ
@given(st.data())
def test_any_cache_content_is_rebuilt_or_used_never_an_error(tmp_path_factory, data: st.DataObject) -> None:
    """Whatever a cache file holds (cut, flipped, replaced), the catalog comes back whole."""
    import os

    from ketacalc.data.loader import load_catalog

    directory = tmp_path_factory.mktemp("cache")
    os.environ["KETACALC_CACHE_DIR"] = str(directory)  # the autouse fixture restores it
    minimal = HERE / "data" / "good" / "minimal.yaml"
    expected = load_catalog(minimal, today=TODAY)
    (cached,) = directory.glob("ketacalc-data-*.json")
    raw = cached.read_bytes()
    how = data.draw(st.sampled_from(["cut", "flip", "replace", "insert"]))
    if how == "cut":
        raw = raw[: data.draw(st.integers(0, len(raw)))]
    elif how == "flip":
        at = data.draw(st.integers(0, len(raw) - 1))
        raw = raw[:at] + bytes([raw[at] ^ data.draw(st.integers(1, 255))]) + raw[at + 1 :]
    elif how == "replace":
        raw = data.draw(st.binary(max_size=200))
    else:
        at = data.draw(st.integers(0, len(raw)))
        raw = raw[:at] + data.draw(st.binary(min_size=1, max_size=16)) + raw[at:]
    cached.write_bytes(raw)
    assert load_catalog(minimal, today=TODAY).providers == expected.providers
