"""Load ``providers.yaml``: refuse hostile input, report every problem at once.

Problems are reported as ``FILE:LINE:COL: path.to.field: message`` (hledger and
beancount style). The YAML is composed into nodes (which keep their line and
column) and turned into plain values here, so that aliases, duplicate keys,
tags and floats can be caught with their position before Pydantic sees the data.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ketacalc.catalog import Catalog
    from ketacalc.models import DataFile

from ketacalc.errors import DataFileError, DataProblem

MAX_BYTES = 1024 * 1024  # the shipped file is ~60 KiB; anything this big is not ours
MAX_DEPTH = 24
MAX_NODES = 200_000

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}

Loc = tuple[str | int, ...]


class _Problems(Exception):
    def __init__(self, problems: list[DataProblem]) -> None:
        self.problems = problems


def default_data_path() -> Path:
    """The data file shipped in the wheel, or the repository's top-level copy."""
    here = Path(__file__).resolve().parent
    packaged = here / "providers.yaml"
    if packaged.is_file():
        return packaged
    return here.parent.parent / "providers.yaml"  # src/ketacalc -> repository root


def load(path: str | os.PathLike[str] | None = None, *, today: date | None = None) -> DataFile:
    """Read, check and return a data file. Raises ``DataFileError`` listing every problem."""
    path = Path(path) if path is not None else default_data_path()
    text = read_text(path)
    return parse(text, str(path), today=today)


def read_text(path: Path) -> str:
    name = str(path)

    def fail(message: str) -> DataFileError:
        return DataFileError(name, [DataProblem(1, 1, "", message, name)])

    try:
        if path.is_dir():
            raise fail("is a directory, not a data file; pass the path of a providers.yaml file")
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise fail("no such file; check the path given to --data or KETACALC_DATA") from None
    except PermissionError:
        raise fail("permission denied; make the file readable") from None
    except OSError as exc:
        raise fail(f"cannot be read ({exc.strerror or exc})") from None
    if len(raw) > MAX_BYTES:
        raise fail(f"is larger than {MAX_BYTES // 1024} KiB; a providers file is far smaller")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DataFileError(
            name,
            [DataProblem(line, column, "", "is not valid UTF-8; save the file as UTF-8", name)],
        ) from None


def parse(text: str, name: str = "<data>", *, today: date | None = None) -> DataFile:
    """Parse YAML text into a checked ``DataFile``."""
    from pydantic import ValidationError

    from ketacalc.models import DataFile

    today = today or date.today()
    try:
        node = _compose(text, name)
        marks: dict[Loc, tuple[int, int]] = {}
        key_marks: dict[Loc, tuple[int, int]] = {}
        data = _Converter(name, marks, key_marks).convert(node)
    except _Problems as exc:
        raise DataFileError(name, exc.problems) from None

    if data is None:
        raise DataFileError(name, [DataProblem(1, 1, "", "the file is empty; start it with 'version: 1'", name)])
    problems = _cross_checks(data, name, marks, key_marks)
    try:
        result = DataFile.model_validate(data, context={"today": today})
    except ValidationError as exc:
        problems.extend(_from_pydantic(exc, name, marks, key_marks))
        result = None
    if problems or result is None:
        raise DataFileError(name, _dedupe(problems))
    return result


def _compose(text: str, name: str) -> Any:
    import yaml

    loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_cls(text)
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = (exc.problem or exc.context or "malformed YAML").strip()
        raise _Problems([DataProblem(line, column, "", f"YAML syntax error: {problem}", name)]) from None
    except yaml.YAMLError as exc:
        raise _Problems([DataProblem(1, 1, "", f"YAML error: {exc}", name)]) from None
    except RecursionError:
        raise _Problems([DataProblem(1, 1, "", "YAML nested too deeply to be a providers file", name)]) from None
    finally:
        loader.dispose()


class _Converter:
    """Nodes -> plain values, recording where each value and key starts."""

    def __init__(self, name: str, marks: dict[Loc, tuple[int, int]], key_marks: dict[Loc, tuple[int, int]]) -> None:
        import yaml

        self.yaml = yaml
        self.name = name
        self.marks = marks
        self.key_marks = key_marks
        self.seen: set[int] = set()
        self.problems: list[DataProblem] = []
        self.constructor = yaml.constructor.SafeConstructor()

    def convert(self, node: Any) -> Any:
        if node is None:
            return None
        value = self._node(node, ())
        if self.problems:
            raise _Problems(self.problems)
        return value

    def _problem(self, node: Any, loc: Loc, message: str) -> None:
        mark = node.start_mark
        self.problems.append(DataProblem(mark.line + 1, mark.column + 1, _dotted(loc), message, self.name))
        if len(self.problems) > 200:
            raise _Problems(self.problems)

    def _node(self, node: Any, loc: Loc) -> Any:
        yaml = self.yaml
        if id(node) in self.seen:
            line = node.start_mark.line + 1
            parent_line, parent_column = self.marks.get(loc[:-1], (line, 1))
            self.problems.append(
                DataProblem(
                    parent_line, parent_column, _dotted(loc),
                    f"YAML aliases are not allowed (this repeats the value anchored at line {line}); "
                    "write the value out in full",
                    self.name,
                )
            )
            raise _Problems(self.problems)  # an alias bomb must not be walked
        self.seen.add(id(node))
        if len(self.seen) > MAX_NODES:
            self._problem(node, loc, "too many values for a providers file")
            raise _Problems(self.problems)
        if len(loc) > MAX_DEPTH:
            self._problem(node, loc, "nested too deeply for a providers file")
            raise _Problems(self.problems)
        self.marks[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            if node.tag != "tag:yaml.org,2002:map":
                self._problem(node, loc, f"YAML tag {node.tag} is not allowed")
                return None
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                    self._problem(key_node, loc, "keys must be plain text (no merge keys or complex keys)")
                    continue
                key = key_node.value
                child = (*loc, key)
                if key in result:
                    self._problem(key_node, child, f"duplicate key {key!r}; keep one of them")
                    continue
                self.key_marks[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                result[key] = self._node(value_node, child)
            return result
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                self._problem(node, loc, f"YAML tag {node.tag} is not allowed")
                return None
            return [self._node(item, (*loc, index)) for index, item in enumerate(node.value)]
        if node.tag not in _SCALAR_TAGS:
            self._problem(node, loc, f"YAML tag {node.tag} is not allowed; remove the tag")
            return None
        if node.tag == "tag:yaml.org,2002:timestamp":
            return node.value  # keep the text; the model checks it is a real YYYY-MM-DD date
        try:
            return self.constructor.construct_object(node)
        except (ValueError, yaml.YAMLError) as exc:
            self._problem(node, loc, f"cannot read value {node.value!r}: {exc}")
            return None


def _dotted(loc: Loc) -> str:
    return ".".join(str(part) for part in loc)


def _locate(loc: Loc, marks: dict[Loc, tuple[int, int]]) -> tuple[int, int]:
    for end in range(len(loc), -1, -1):
        if loc[:end] in marks:
            return marks[loc[:end]]
    return (1, 1)


def _cross_checks(
    data: Any, name: str, marks: dict[Loc, tuple[int, int]], key_marks: dict[Loc, tuple[int, int]]
) -> list[DataProblem]:
    """Checks across records, run even when a record itself is malformed."""
    problems: list[DataProblem] = []
    if not isinstance(data, dict):
        return problems
    providers = data.get("providers")
    sources = data.get("sources")
    source_ids = set(sources) if isinstance(sources, dict) else None
    first_seen: dict[str, int] = {}
    if isinstance(providers, list):
        for index, provider in enumerate(providers):
            if not isinstance(provider, dict):
                continue
            pid = provider.get("id")
            if isinstance(pid, str):
                if pid in first_seen:
                    loc = ("providers", index, "id")
                    line, column = _locate(loc, marks)
                    problems.append(
                        DataProblem(
                            line, column, _dotted(loc),
                            f"duplicate provider id {pid!r} (first used by providers.{first_seen[pid]}); ids must be unique",
                            name,
                        )
                    )
                else:
                    first_seen[pid] = index
    if source_ids is not None:
        for loc, value in _source_refs(data, ()):
            if value not in source_ids:
                import difflib

                hint = difflib.get_close_matches(value, sorted(source_ids), n=1)
                fix = f"did you mean {hint[0]!r}?" if hint else "add it under 'sources:'"
                line, column = _locate(loc, marks)
                problems.append(
                    DataProblem(line, column, _dotted(loc), f"unknown source {value!r}; {fix}", name)
                )
    return problems


def _source_refs(node: Any, loc: Loc) -> list[tuple[Loc, str]]:
    found: list[tuple[Loc, str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "source" and isinstance(value, str) and loc and loc[0] == "providers":
                found.append(((*loc, key), value))
            else:
                found.extend(_source_refs(value, (*loc, key)))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found.extend(_source_refs(item, (*loc, index)))
    return found


_ALL_FIELDS: set[str] | None = None


def _known_fields() -> set[str]:
    global _ALL_FIELDS
    if _ALL_FIELDS is None:
        from pydantic import BaseModel

        from ketacalc import models

        names: set[str] = set()
        for obj in vars(models).values():
            if isinstance(obj, type) and issubclass(obj, BaseModel) and obj is not BaseModel:
                names.update(obj.model_fields)
        _ALL_FIELDS = names
    return _ALL_FIELDS


def _from_pydantic(
    exc: Any, name: str, marks: dict[Loc, tuple[int, int]], key_marks: dict[Loc, tuple[int, int]]
) -> list[DataProblem]:
    problems = []
    for error in exc.errors(include_url=False):
        loc: Loc = tuple(part for part in error["loc"] if not _is_internal(part))
        kind = error["type"]
        message = str(error["msg"])
        if kind == "extra_forbidden":
            key = str(loc[-1]) if loc else "?"
            import difflib

            hint = difflib.get_close_matches(key, sorted(_known_fields()), n=1)
            message = f"unknown key {key!r}; " + (f"did you mean {hint[0]!r}?" if hint else "remove it")
            line, column = key_marks.get(loc) or _locate(loc, marks)
        else:
            if kind == "missing":
                message = f"missing required key {loc[-1]!r}" if loc else "missing required key"
            elif message.startswith("Value error, "):
                message = message[len("Value error, "):]
            elif kind == "literal_error":
                message = message.replace("Input should be", "must be") + f", got {error.get('input')!r}"
            else:
                message = message[0].lower() + message[1:]
                if "input" in error and not isinstance(error["input"], (dict, list)):
                    message += f", got {error['input']!r}"
            line, column = _locate(loc, marks)
        problems.append(DataProblem(line, column, _dotted(loc), message, name))
    return problems


def _is_internal(part: str | int) -> bool:
    """Pydantic adds validator and union names to locations; they are not keys."""
    return isinstance(part, str) and ("[" in part or part.startswith("function-"))


def _dedupe(problems: list[DataProblem]) -> list[DataProblem]:
    return sorted(set(problems))


# --------------------------------------------------------------- catalog + cache

CACHE_FORMAT = 1


def load_catalog(path: str | os.PathLike[str] | None = None, *, today: date | None = None) -> Catalog:
    """The checked data as a :class:`ketacalc.catalog.Catalog`.

    The validated data is cached on disk as JSON, keyed by the SHA-256 of the
    file's bytes, ketacalc's version and the day it was checked on (dates must
    not be in the future), so a warm start imports neither YAML nor Pydantic.
    Set ``KETACALC_NO_CACHE=1`` to skip the cache.
    """
    import hashlib
    import json

    from ketacalc import __version__
    from ketacalc.catalog import build

    path = Path(path) if path is not None else default_data_path()
    today = today or date.today()
    name = str(path)
    raw = read_text(path).encode("utf-8")
    key = hashlib.sha256(raw).hexdigest()[:32]
    cache = _cache_file(key, __version__, today)
    if cache is not None:
        try:
            with open(cache, encoding="utf-8") as handle:
                return build(json.load(handle), name)
        except (OSError, ValueError, KeyError, TypeError):
            pass  # missing or unreadable: rebuild it below
    data = parse(raw.decode("utf-8"), name, today=today).model_dump(mode="json", exclude_none=True)
    catalog = build(data, name)
    if cache is not None:
        _write_atomically(cache, json.dumps(data, separators=(",", ":")))
    return catalog


def cache_dir() -> Path | None:
    if os.environ.get("KETACALC_NO_CACHE"):
        return None
    base = os.environ.get("KETACALC_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    if base and "KETACALC_CACHE_DIR" in os.environ:
        return Path(base)
    root = Path(base) if base else Path.home() / ".cache"
    return root / "ketacalc"


def _cache_file(key: str, version: str, today: date) -> Path | None:
    directory = cache_dir()
    if directory is None:
        return None
    return directory / f"data-v{CACHE_FORMAT}-{version}-{today.isoformat()}-{key}.json"


def _write_atomically(target: Path, text: str) -> None:
    import tempfile

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        for stale in target.parent.glob(f"data-v{CACHE_FORMAT}-*.json"):
            if stale != target:
                stale.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except OSError:
        pass  # a read-only home or full disk only costs speed
