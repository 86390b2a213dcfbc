"""Load ``providers.yaml``: refuse hostile input, report every problem at once.

Problems are reported as ``FILE:LINE:COL: path.to.field: message`` (hledger and
beancount style). The YAML is composed into nodes (which keep their line and
column) and turned into plain values here, so that aliases, duplicate keys,
tags and floats can be caught with their position before Pydantic sees the data.
An error quotes at most about 60 characters of the input (``errors.quoted``).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ketacalc.catalog import Catalog
    from ketacalc.models import DataFile

from ketacalc.errors import DataFileError, DataProblem, quoted

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


def load(
    path: str | os.PathLike[str] | None = None, *, today: date | None = None, strict_dates: bool = True
) -> DataFile:
    """Read, check and return a data file. Raises ``DataFileError`` listing every problem.

    With ``strict_dates`` (the default, for ``check``) a date after ``today`` is a problem.
    """
    path = Path(path) if path is not None else default_data_path()
    return parse(decode(read_bytes(path), str(path)), str(path), today=today, strict_dates=strict_dates)


def read_bytes(path: Path) -> bytes:
    """The file's bytes, refusing a directory, a missing or unreadable file, or one too large."""
    name = str(path)

    def fail(message: str) -> DataFileError:
        return DataFileError(name, [DataProblem(1, 1, "", message, name)])

    try:
        if path.is_dir():
            raise fail("is a directory, not a data file; pass the path of a providers.yaml file")
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise fail("no such file; check the path of the data file") from None
    except PermissionError:
        raise fail("permission denied; make the file readable") from None
    except OSError as exc:
        raise fail(f"cannot be read ({exc.strerror or exc})") from None
    if len(raw) > MAX_BYTES:
        raise fail(f"is larger than {MAX_BYTES // 1024} KiB; a providers file is far smaller")
    return raw


def decode(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DataFileError(
            name,
            [DataProblem(line, column, "", "is not valid UTF-8; save the file as UTF-8", name)],
        ) from None


def parse(
    text: str, name: str = "<data>", *, today: date | None = None, strict_dates: bool = True
) -> DataFile:
    """Parse YAML text into a checked ``DataFile``; every problem is reported at once.

    With ``strict_dates`` a date after ``today`` is a problem; without, dates are
    not compared with today (the catalog reports them as one warning instead).
    """
    from pydantic import ValidationError

    from ketacalc.models import DataFile

    today = (today or date.today()) if strict_dates else None
    builder = _Builder(name)
    try:
        data = builder.build(text)
    except _Problems as exc:  # unreadable YAML: nothing more can be checked
        raise DataFileError(name, exc.problems) from None
    problems = list(builder.problems)  # duplicate keys, tags: the rest can still be checked
    if data is None:
        problems.append(DataProblem(1, 1, "", "the file is empty; start it with 'version: 1'", name))
        raise DataFileError(name, problems)
    if not isinstance(data, dict):
        line, column = builder.marks.get((), (1, 1))
        problems.append(DataProblem(
            line, column, "", "the file must be a mapping starting with 'version: 1', not a single value or list",
            name,
        ))  # fmt: skip
        raise DataFileError(name, _dedupe(problems))
    problems += _cross_checks(data, name, builder.marks)
    try:
        result = DataFile.model_validate(data, context={"today": today})
    except ValidationError as exc:
        problems.extend(_from_pydantic(exc, name, builder.marks, builder.key_marks))
        result = None
    if problems or result is None:
        raise DataFileError(name, _dedupe(problems))
    return result


_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"


class _Builder:
    """YAML events -> plain values, recording where each value and key starts.

    Built from the parser's events, without PyYAML's recursive composer, so
    that nesting depth, aliases and tags are refused as soon as they are read:
    a deeply nested or alias-bomb file is turned away before it costs anything.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.marks: dict[Loc, tuple[int, int]] = {}
        self.key_marks: dict[Loc, tuple[int, int]] = {}
        self.problems: list[DataProblem] = []
        self.values = 0

    def _at(self, mark: Any) -> tuple[int, int]:
        return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)

    def _problem(self, mark: Any, loc: Loc, message: str) -> None:
        line, column = self._at(mark)
        self.problems.append(DataProblem(line, column, _dotted(loc), message, self.name))

    def _fatal(self, mark: Any, loc: Loc, message: str) -> _Problems:
        self._problem(mark, loc, message)
        return _Problems(self.problems)

    def build(self, text: str) -> Any:
        import yaml

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
        try:
            return self._document(loader, yaml)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            problem = _cut(" ".join((exc.problem or exc.context or "malformed YAML").split()), 200)
            raise self._fatal(mark, (), f"YAML syntax error: {problem}") from None
        except yaml.reader.ReaderError as exc:
            prefix = text[: exc.position]
            line = prefix.count("\n") + 1
            column = exc.position - (prefix.rfind("\n") + 1) + 1
            char = exc.character if isinstance(exc.character, str) else chr(exc.character)
            self.problems.append(DataProblem(
                line, column, "", f"character U+{ord(char):04X} is not allowed in YAML; remove it", self.name
            ))  # fmt: skip
            raise _Problems(self.problems) from None
        except yaml.YAMLError as exc:
            raise self._fatal(None, (), f"YAML error: {_cut(' '.join(str(exc).split()), 200)}") from None
        finally:
            loader.dispose()

    def _document(self, loader: Any, yaml: Any) -> Any:
        loader.get_event()  # StreamStart
        if loader.check_event(yaml.StreamEndEvent):
            return None
        loader.get_event()  # DocumentStart
        value = self._value(loader, yaml, ())
        loader.get_event()  # DocumentEnd
        if not loader.check_event(yaml.StreamEndEvent):
            event = loader.get_event()
            raise self._fatal(
                event.start_mark, (), "more than one YAML document; keep a single document (no '---')"
            )
        return value

    def _value(self, loader: Any, yaml: Any, loc: Loc) -> Any:
        event = loader.get_event()
        mark = event.start_mark
        self.values += 1
        if self.values > MAX_NODES:
            raise self._fatal(mark, loc, "too many values for a providers file")
        if isinstance(event, yaml.AliasEvent):
            raise self._fatal(
                mark, loc, f"YAML aliases (*{event.anchor}) are not allowed; write the value out in full"
            )
        self.marks[loc] = self._at(mark)
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if len(loc) >= MAX_DEPTH:
                raise self._fatal(mark, loc, "nested too deeply for a providers file")
            mapping = isinstance(event, yaml.MappingStartEvent)
            if event.tag not in (None, "!", _MAP if mapping else _SEQ):
                self._problem(mark, loc, f"YAML tag {_cut(event.tag)} is not allowed; remove the tag")
            return self._mapping(loader, yaml, loc) if mapping else self._sequence(loader, yaml, loc)
        return self._scalar(event, yaml, loc)

    def _sequence(self, loader: Any, yaml: Any, loc: Loc) -> list[Any]:
        items: list[Any] = []
        while not loader.check_event(yaml.SequenceEndEvent):
            items.append(self._value(loader, yaml, (*loc, len(items))))
        loader.get_event()
        return items

    def _mapping(self, loader: Any, yaml: Any, loc: Loc) -> dict[str, Any]:
        result: dict[str, Any] = {}
        while not loader.check_event(yaml.MappingEndEvent):
            event = loader.peek_event()
            if not isinstance(event, yaml.ScalarEvent) or event.tag is not None or event.value == "<<":
                if isinstance(event, yaml.ScalarEvent):
                    loader.get_event()
                    what = "merge keys (<<)" if event.value == "<<" else f"tags ({_cut(event.tag)}) on keys"
                    self._problem(
                        event.start_mark, loc, f"{what} are not allowed; write the key as plain text"
                    )
                else:
                    self._value(loader, yaml, (*loc, "?"))
                    self._problem(event.start_mark, loc, "keys must be plain text, not lists or mappings")
                self._value(loader, yaml, (*loc, "?"))  # read and drop its value
                continue
            loader.get_event()
            key = event.value
            child = (*loc, key)
            if key in result:
                self._problem(event.start_mark, child, f"duplicate key {quoted(key)}; keep one of them")
                self._value(loader, yaml, (*loc, f"{key} (duplicate)"))
                continue
            self.key_marks[child] = self._at(event.start_mark)
            result[key] = self._value(loader, yaml, child)
        loader.get_event()
        return result

    def _scalar(self, event: Any, yaml: Any, loc: Loc) -> Any:
        if not isinstance(event, yaml.ScalarEvent):  # pragma: no cover - the parser yields nothing else here
            raise self._fatal(event.start_mark, loc, "unexpected YAML event")
        tag = event.tag
        if tag in (None, "!"):
            tag = yaml.resolver.Resolver().resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag not in _SCALAR_TAGS:
            self._problem(event.start_mark, loc, f"YAML tag {_cut(tag)} is not allowed; remove the tag")
            return None
        if tag == "tag:yaml.org,2002:timestamp":
            return event.value  # keep the text; the model checks it is a real YYYY-MM-DD date
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            return yaml.constructor.SafeConstructor().construct_object(node)
        except Exception:  # PyYAML raises KeyError/IndexError on e.g. "!!bool maybe"
            self._problem(
                event.start_mark, loc, f"cannot read value {quoted(event.value)} as {tag.rsplit(':', 1)[-1]}"
            )
            return None


def _dotted(loc: Loc) -> str:
    return ".".join(_cut(str(part)) for part in loc)


def _locate(loc: Loc, marks: dict[Loc, tuple[int, int]]) -> tuple[int, int]:
    for end in range(len(loc), -1, -1):
        if loc[:end] in marks:
            return marks[loc[:end]]
    return (1, 1)


def _cross_checks(data: Any, name: str, marks: dict[Loc, tuple[int, int]]) -> list[DataProblem]:
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
            plans = provider.get("plans")
            seen_plans: dict[str, int] = {}
            for plan_index, plan in enumerate(plans if isinstance(plans, list) else []):
                plan_id = plan.get("id") if isinstance(plan, dict) else None
                if not isinstance(plan_id, str):
                    continue
                if plan_id in seen_plans:
                    loc = ("providers", index, "plans", plan_index, "id")
                    line, column = _locate(loc, marks)
                    problems.append(DataProblem(
                        line, column, _dotted(loc),
                        f"duplicate plan id {quoted(plan_id)} (first used by plans.{seen_plans[plan_id]}); "
                        "plan ids must be unique within a provider",
                        name,
                    ))  # fmt: skip
                else:
                    seen_plans[plan_id] = plan_index
            pid = provider.get("id")
            if isinstance(pid, str):
                if pid in first_seen:
                    loc = ("providers", index, "id")
                    line, column = _locate(loc, marks)
                    problems.append(
                        DataProblem(
                            line,
                            column,
                            _dotted(loc),
                            f"duplicate provider id {quoted(pid)} (first used by providers.{first_seen[pid]}); ids must be unique",
                            name,
                        )
                    )
                else:
                    first_seen[pid] = index
    if isinstance(providers, list):
        problems += _name_clashes(providers, name, marks)
    if source_ids is not None:
        for loc, value in _source_refs(data, ()):
            if value not in source_ids:
                import difflib

                hint = difflib.get_close_matches(value, sorted(source_ids), n=1)
                fix = f"did you mean {hint[0]!r}?" if hint else "add it under 'sources:'"
                line, column = _locate(loc, marks)
                problems.append(
                    DataProblem(line, column, _dotted(loc), f"unknown source {quoted(value)}; {fix}", name)
                )
    return problems


def _name_clashes(providers: list[Any], name: str, marks: dict[Loc, tuple[int, int]]) -> list[DataProblem]:
    """A provider's id, name or alias that names another provider, compared as a
    person's typing is (``catalog.name_key``): ``Mind Bloom`` is ``mindbloom``."""
    from ketacalc.catalog import name_key

    problems: list[DataProblem] = []
    owner: dict[str, tuple[int, str]] = {}  # key -> (provider index, its id)
    for index, provider in enumerate(providers):
        if not isinstance(provider, dict):
            continue
        pid = provider.get("id")
        aliases = provider.get("aliases")
        names: list[tuple[Loc, Any]] = [
            (("providers", index, "id"), pid),
            (("providers", index, "name"), provider.get("name")),
        ]
        if isinstance(aliases, list):
            names += [(("providers", index, "aliases", i), alias) for i, alias in enumerate(aliases)]
        for loc, text in names:
            if not isinstance(text, str) or not name_key(text):
                continue
            key = name_key(text)
            first = owner.setdefault(key, (index, pid if isinstance(pid, str) else f"providers.{index}"))
            if first[0] != index and not (
                loc[-1] == "id" and pid == first[1]
            ):  # duplicate ids: reported above
                line, column = _locate(loc, marks)
                problems.append(DataProblem(
                    line, column, _dotted(loc),
                    f"{quoted(text)} already names provider {quoted(first[1])}; "
                    "ids, names and aliases must be unique across providers (ignoring case, spaces and punctuation)",
                    name,
                ))  # fmt: skip
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


def _fields_at(loc: Loc) -> list[str]:
    """The keys allowed in the mapping at ``loc`` (for "did you mean" hints)."""
    import typing

    from pydantic import BaseModel

    from ketacalc.models import DataFile

    def unwrap(tp: Any) -> list[Any]:
        """The concrete types a (possibly annotated, aliased, optional) type stands for."""
        origin = typing.get_origin(tp)
        alias = origin if origin is not None and hasattr(origin, "__value__") else tp
        if hasattr(alias, "__value__"):  # TypeAliasType such as Facts[...]: its parameters do not matter here
            return unwrap(alias.__value__)
        if origin is typing.Annotated:
            return unwrap(typing.get_args(tp)[0])
        if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
            return [t for arg in typing.get_args(tp) for t in unwrap(arg)]
        return [tp]

    from ketacalc.models import Consult

    if len(loc) >= 3 and loc[-3] == "consult" and loc[-1] == "value":
        return sorted(Consult.model_fields)  # the one fact whose value is a mapping
    current: list[Any] = [DataFile]
    for part in loc:
        following: list[Any] = []
        for tp in current:
            origin = typing.get_origin(tp)
            if isinstance(tp, type) and issubclass(tp, BaseModel) and isinstance(part, str):
                field = tp.model_fields.get(part)
                if field is not None:
                    following += unwrap(field.annotation)
            elif origin is list and isinstance(part, int):
                following += unwrap(typing.get_args(tp)[0])
            elif origin is dict and isinstance(part, str):
                following += unwrap(typing.get_args(tp)[1])
        current = following
    return sorted({name for tp in current if isinstance(tp, type) and issubclass(tp, BaseModel)
                   for name in tp.model_fields})  # fmt: skip


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

            allowed = _fields_at(loc[:-1])
            hint = difflib.get_close_matches(key, allowed, n=1)
            if key == "fee" and "consult" in loc:
                hint, allowed = [], []
                key_fix = "a consultation fee is a 'charges' item of kind consult (amount 0 when free)"
            else:
                key_fix = "remove it"
            message = (
                f"unknown key {quoted(key)}; "
                + (f"did you mean {hint[0]!r}?" if hint else key_fix)
                + (f" (allowed here: {', '.join(allowed)})" if allowed and not hint else "")
            )
            line, column = key_marks.get(loc) or _locate(loc, marks)
        else:
            if kind == "missing":
                message = f"missing required key {quoted(loc[-1])}" if loc else "missing required key"
            elif message.startswith("Value error, "):
                message = message[len("Value error, ") :]
            elif kind == "literal_error":
                message = message.replace("Input should be", "must be") + f", got {_echo(error.get('input'))}"
            elif kind in ("model_type", "model_attributes_type", "dict_type"):
                message = "must be a mapping of keys to values" + _got(error)
            elif kind == "string_pattern_mismatch":
                message = "must be an id of lower-case letters and digits joined by single hyphens (e.g. 'better-u')"
                message += _got(error)
            else:
                message = message[0].lower() + message[1:] + _got(error)
            line, column = _locate(loc, marks)
        problems.append(DataProblem(line, column, _dotted(loc), message, name))
    return problems


def _got(error: Any) -> str:
    """``, got 'text'`` for a scalar input, cut to about 60 characters."""
    if "input" in error and not isinstance(error["input"], (dict, list)):
        return f", got {_echo(error['input'])}"
    return ""


def _echo(value: Any) -> str:
    """A piece of input as Python writes it (``'text'``, ``2``, ``None``), cut to about 60 characters."""
    return quoted(value) if isinstance(value, str) else _cut(repr(value))


def _cut(text: str, limit: int = 60) -> str:
    """Input echoed in a message without quotes (a YAML tag), cut like ``quoted``."""
    return text if len(text) <= limit else text[:limit] + "…"


def _is_internal(part: str | int) -> bool:
    """Pydantic adds validator and union names to locations; they are not keys."""
    return isinstance(part, str) and ("[" in part or part.startswith("function-"))


def _dedupe(problems: list[DataProblem]) -> list[DataProblem]:
    return sorted(set(problems))


# --------------------------------------------------------------- catalog + cache


def load_catalog(path: str | os.PathLike[str] | None = None, *, today: date | None = None) -> Catalog:
    """The checked data as a :class:`ketacalc.catalog.Catalog`.

    The validated data is cached on disk (:mod:`ketacalc.cache`), keyed by the
    SHA-256 of the file's bytes and ketacalc's version, so a warm start imports
    neither YAML nor Pydantic. Dates after ``today`` do not make the file
    unusable (the clock may be wrong): they become one line in
    ``catalog.warnings``. ``ketacalc check`` (:func:`load`) still refuses them.
    """
    import hashlib

    from ketacalc import __version__, cache
    from ketacalc.catalog import build

    path = Path(path) if path is not None else default_data_path()
    today = today or date.today()
    name = str(path)
    raw = read_bytes(path)  # hashed as read; decoded only when the cache cannot answer
    key = hashlib.sha256(raw + b"\0" + __version__.encode()).hexdigest()[:32]
    cached = cache.cache_file(key)
    catalog = None
    if cached is not None:
        data = cache.read(cached)
        if data is not None:
            try:
                catalog = build(data, name)
            except Exception:  # a cache of the wrong shape: rebuild it below, never an internal error
                catalog = None
    if catalog is None:
        data = parse(decode(raw, name), name, strict_dates=False).model_dump(mode="json", exclude_none=True)
        catalog = build(data, name)
        if cached is not None:
            cache.write(cached, data)
    catalog.warnings = clock_warnings(catalog, today)
    return catalog


def clock_warnings(catalog: Catalog, today: date) -> tuple[str, ...]:
    """One line when the data has dates after ``today``; none otherwise."""
    later = catalog.dated_after(today)
    if not later:
        return ()
    more = f" and {len(later) - 1} more" if len(later) > 1 else ""
    return (
        f"the data file has figures dated after today ({later[0].isoformat()}{more}, today is "
        f"{today.isoformat()}); is the clock right?",
    )
