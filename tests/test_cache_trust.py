"""The data cache is untrusted input (issue 17). Its checksum proves a file
intact, not valid: a crafted entry with a recomputed checksum must be rebuilt
from the data file, never crash a command. What the models refuse in a data
file, the cache check (:mod:`ketacalc.data.verify`) refuses too.
"""

from __future__ import annotations

import json
import tempfile
import typing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURE, TODAY


def _dumped(path=FIXTURE) -> dict:
    """The data file as the cache holds it: checked, then dumped as JSON values."""
    from ketacalc.data.loader import parse

    return parse(path.read_text(encoding="utf-8"), str(path), strict_dates=False).model_dump(
        mode="json", exclude_none=True
    )


def _leaves(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, (*path, index))
    else:
        yield path


FIXTURE_DATA = _dumped()
LEAVES = sorted(_leaves(FIXTURE_DATA), key=repr)
HOSTILE = [0, -1, 1001, 10**30, "", "x", None, True, False, [], {}, "\x1b[31mred", "NaN", "-5.00", "1e999",
           "2026-13-40", 1.5, "injection", "returning", "Z" * 3000, " \t ", "states", "caution"]  # fmt: skip


def _mutated(path, value) -> dict:
    data = json.loads(json.dumps(FIXTURE_DATA))
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


def _models_refuse(data) -> bool:
    from pydantic import ValidationError

    from ketacalc.data.datachecks import cross_checks
    from ketacalc.data.models import DataFile

    try:
        DataFile.model_validate(data, context={"today": None})
    except ValidationError:
        return True
    return bool(cross_checks(data, "", {}))


#: one scratch folder for every cache entry written here (a folder made and removed for each
#: of the hundreds of entries cost most of the time), removed when the run ends
_SCRATCH = tempfile.TemporaryDirectory(prefix="ketacalc-cache-trust-")


def _cache_refuses(data) -> bool:
    """Whether the loader would rebuild a cache holding ``data``: as it reads it."""
    from ketacalc.data import cache
    from ketacalc.data.verify import trusted

    path = Path(_SCRATCH.name) / "ketacalc-data-v0-entry.json"
    cache.write(path, data)
    value = cache.read(path)
    if value is None:
        return True
    try:
        trusted(value, "cache")
    except Exception:  # noqa: BLE001 - the loader rebuilds on any exception
        return True
    return False


def test_the_fixture_data_passes_the_cache_check():
    """(The shipped file's cache: tests/test_shipped_data.py.)"""
    assert not _cache_refuses(FIXTURE_DATA)


@given(path=st.sampled_from(LEAVES), value=st.sampled_from(HOSTILE))
def test_what_the_models_refuse_the_cache_check_refuses(path, value):
    data = _mutated(path, value)
    if _models_refuse(data):
        assert _cache_refuses(data), (path, value)


@given(path=st.sampled_from(LEAVES), value=st.sampled_from(HOSTILE))
def test_what_the_models_accept_the_cache_check_trusts(path, value):
    """The converse: a data file ``check`` accepts is trusted from its cache (else every run
    would read and check the file again, silently: a blank rule ``short`` did so)."""
    from pydantic import ValidationError

    from ketacalc.data.datachecks import cross_checks
    from ketacalc.data.models import DataFile

    data = _mutated(path, value)
    try:
        model = DataFile.model_validate(data, context={"today": None})
    except ValidationError:
        return
    if cross_checks(data, "", {}):
        return
    assert not _cache_refuses(model.model_dump(mode="json", exclude_none=True)), (path, value)


def test_a_blank_text_anywhere_is_refused_by_the_models_and_the_cache_alike():
    """Every string of the data file made only spaces: both checks refuse it, or both take it
    (the models took a blank rule ``short`` that the cache then refused on every run)."""
    strings = [path for path in LEAVES if isinstance(_at(FIXTURE_DATA, path), str)]
    # every kind of string once: the first of each path with its list places taken out (every
    # plan's name is one field of the models and of the cache's check alike)
    kinds = {tuple("[]" if isinstance(key, int) else key for key in path): path for path in reversed(strings)}
    assert len(kinds) > 50
    for path in kinds.values():
        data = _mutated(path, " \t ")
        assert _models_refuse(data) == _cache_refuses(data), path


def _at(node, path):
    for key in path:
        node = node[key]
    return node


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("providers", 0, "plans", 0, "sessions"), 0),
        (("providers", 0, "plans", 0, "prices", 0, "price"), "-5.00"),
        (("providers", 0, "plans", 0, "client"), "everyone"),
        (("providers", 0, "name"), "Alder\x1b[2J"),
        (("providers", 0, "plans", 0, "route"), "teleport"),
        (("sources",), {}),
        # a caution speaks for the states without a rule of their own, and only it does: a
        # crafted entry gave Texas Alabama's law, or took the federal rule's date away
        (("regulation", 1, "jurisdiction"), "states"),
        (("regulation", 0, "kind"), "caution"),
        # only an optional charge is left out beside an insured course: a required one never
        (("providers", 5, "charges", 0, "self_pay_only"), True),
    ],
)
def test_hand_picked_bad_values_are_refused(path, value):
    assert _models_refuse(_mutated(path, value))
    assert _cache_refuses(_mutated(path, value))


def test_every_field_of_every_record_has_a_check_derived_from_its_annotation():
    """The cache check is derived from the records' annotations: a field added to a record
    needs no edit in verify.py, but an annotation that says too little is an error here
    (an int without Bounds), not a check that lets anything through."""
    from decimal import Decimal
    from typing import Annotated

    from ketacalc.data.catalog import MODEL_OF
    from ketacalc.data.fields import Bounds
    from ketacalc.data.verify import check_of

    for record in MODEL_OF:  # Fact as its fields hold it: Fact[str], Fact[Consult]...
        assert callable(check_of(record[str] if getattr(record, "__parameters__", ()) else record))
    for vague in (int, Annotated[int, "1 to 10"], float, list[str], Any):
        with pytest.raises(TypeError):
            check_of(vague)
    sessions = check_of(Annotated[int, Bounds(ge=1, le=1000)])
    assert [sessions(v) for v in (1, 1000, 0, 1001, True, "5", 5.0)] == [True, True] + [False] * 5
    share = check_of(Annotated[Decimal, Bounds(gt=0, le=1)] | None)
    assert [share(v) for v in (None, Decimal("0.50"), Decimal("1.00"), Decimal("0.00"), Decimal("0.5"))] == [
        True, True, True, False, False,
    ]  # fmt: skip


def _is_list(annotation) -> bool:
    origin = typing.get_origin(annotation)
    alias = getattr(origin, "__value__", None)  # models.Facts[X]: a list of facts
    if alias is not None:
        return _is_list(typing.get_args(alias)[0] if typing.get_origin(alias) is typing.Annotated else alias)
    return origin in (list, tuple)


def _constraints(annotation, found=None) -> dict:
    """What an annotation allows beyond its type, wherever it says it (under Optional,
    list/tuple, Annotated): the words of its Literals and its number and length bounds."""
    from annotated_types import Ge, Gt, Le, MinLen

    from ketacalc.data.fields import Bounds, Length

    found = (
        {"words": set(), "ge": None, "gt": None, "le": None, "min_items": None} if found is None else found
    )
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Literal:
        found["words"] |= set(args)
        return found
    metadata = []
    if origin is typing.Annotated:
        metadata, args = list(args[1:]), args[:1]
    for item in metadata:
        for part in getattr(item, "metadata", [item]):  # a pydantic Field(...) holds annotated_types
            for key, kind in (("ge", Ge), ("gt", Gt), ("le", Le)):
                if isinstance(part, kind):
                    found[key] = getattr(part, key)
            if isinstance(part, Bounds):
                for key in ("ge", "gt", "le"):
                    found[key] = getattr(part, key) if getattr(part, key) is not None else found[key]
            if isinstance(part, MinLen) and _is_list(args[0]):
                found["min_items"] = part.min_length
            if isinstance(part, Length) and _is_list(args[0]):
                found["min_items"] = part.min
    for arg in args:
        if arg is not Ellipsis and not isinstance(arg, typing.TypeVar):
            _constraints(arg, found)
    return found


def test_each_records_words_and_bounds_are_its_models():
    """The records' annotations say what the models' say: the same words, the same bounds,
    the same non-empty lists (the models' own checks are the reference)."""
    from ketacalc.data import fields, models
    from ketacalc.data.catalog import MODEL_OF

    for record, name in MODEL_OF.items():
        model = getattr(models, name)
        hints = typing.get_type_hints(record, localns=vars(fields), include_extras=True)
        for field, info in model.model_fields.items():
            # pydantic keeps a field's outer Annotated constraints apart, in its metadata
            annotation = (
                typing.Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
            )
            expected, derived = _constraints(annotation), _constraints(hints[field])
            # its validator: "US", "states" or a state
            if (record.__name__, field) == ("Rule", "jurisdiction"):
                assert expected["words"] == set() and derived["words"] == {"US", "states"}
                expected["words"] = derived["words"]
            assert derived == expected, f"{record.__name__}.{field}"


def test_the_top_level_matches_the_models():
    from ketacalc.data import models
    from ketacalc.data.verify import TOP_KEYS, VERSION

    assert VERSION == models.DATA_VERSION
    assert set(models.DataFile.model_fields) == TOP_KEYS


# --------------------------------------------------------------- through the real entry point


def _cached(cli, tmp_path):
    env = {"KETACALC_CACHE_DIR": str(tmp_path)}
    assert cli("providers", env=env).exit_code == 0
    (found,) = tmp_path.glob("ketacalc-data-v*-*.json")
    return found, env


def test_a_crafted_cache_with_every_plan_at_0_sessions_is_rebuilt(cli, tmp_path):
    """Every plan's sessions set to 0, checksum recomputed: once exit 70 on every
    run until the cache was deleted; now the same answer as without a cache."""
    from ketacalc.data import cache

    cached, env = _cached(cli, tmp_path)
    data = cache.read(cached)
    for provider in data["providers"]:
        for plan in provider.get("plans", []):
            plan["sessions"] = 0
    cache.write(cached, data)  # a valid header and checksum over the crafted content
    assert cache.read(cached) is not None
    expected = cli("compare", "-s", "TX", "-n", "18", "--format", "json", env={"KETACALC_NO_CACHE": "1"})
    result = cli("compare", "-s", "TX", "-n", "18", "--format", "json", env=env)
    assert result.exit_code == 0, result.stderr
    assert (result.stdout, result.stderr) == (expected.stdout, expected.stderr)
    rebuilt = cache.read(cached)
    assert all(p["sessions"] > 0 for prov in rebuilt["providers"] for p in prov.get("plans", []))


@settings(max_examples=8)  # real commands: the property above searches the values widely
@given(path=st.sampled_from(LEAVES), value=st.sampled_from(HOSTILE))
def test_no_crafted_cache_entry_makes_an_internal_error(cli, tmp_path_factory, path, value):
    from ketacalc.data import cache
    from ketacalc.data.loader import load_catalog

    directory = tmp_path_factory.mktemp("cache")
    env = {"KETACALC_CACHE_DIR": str(directory)}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KETACALC_CACHE_DIR", str(directory))
        load_catalog(FIXTURE, today=TODAY)  # fills the cache
    (cached,) = directory.glob("ketacalc-data-v*-*.json")
    cache.write(cached, _mutated(path, value))
    for args in (["compare", "-s", "TX", "-n", "18"], ["show", "birch"]):
        result = cli(*args, "--format", "json", env=env)
        assert result.exit_code in (0, 1), (args, result.stderr)
        assert "internal error" not in result.stderr
