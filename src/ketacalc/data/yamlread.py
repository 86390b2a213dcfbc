"""Read YAML into plain values, refusing hostile input as soon as it is read.

Built from PyYAML's parser events, without its recursive composer, so that
nesting depth, aliases, tags and duplicate keys are caught with their line and
column before anything else sees the data. Every value's position is kept
(``marks``) so later checks can say where a problem is.
"""

from __future__ import annotations

from typing import Any

from ketacalc.errors import DataProblem, printable, quoted

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

Loc = tuple[str | int, ...]


class Problems(Exception):
    def __init__(self, problems: list[DataProblem]) -> None:
        self.problems = problems


_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"


class Builder:
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
        self.problems.append(DataProblem(line, column, dotted(loc), message, self.name))

    def _fatal(self, mark: Any, loc: Loc, message: str) -> Problems:
        self._problem(mark, loc, message)
        return Problems(self.problems)

    def build(self, text: str) -> Any:
        import yaml

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
        try:
            return self._document(loader, yaml)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            problem = cut(" ".join((exc.problem or exc.context or "malformed YAML").split()), 200)
            raise self._fatal(mark, (), f"YAML syntax error: {problem}") from None
        except yaml.reader.ReaderError as exc:
            prefix = text[: exc.position]
            line = prefix.count("\n") + 1
            column = exc.position - (prefix.rfind("\n") + 1) + 1
            char = exc.character if isinstance(exc.character, str) else chr(exc.character)
            self.problems.append(
                DataProblem(
                    line,
                    column,
                    "",
                    f"character U+{ord(char):04X} is not allowed in YAML; remove it",
                    self.name,
                )
            )
            raise Problems(self.problems) from None
        except yaml.YAMLError as exc:
            raise self._fatal(None, (), f"YAML error: {cut(' '.join(str(exc).split()), 200)}") from None
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
                self._problem(mark, loc, f"YAML tag {cut(event.tag)} is not allowed; remove the tag")
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
                    what = "merge keys (<<)" if event.value == "<<" else f"tags ({cut(event.tag)}) on keys"
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
            self._problem(event.start_mark, loc, f"YAML tag {cut(tag)} is not allowed; remove the tag")
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


def dotted(loc: Loc) -> str:
    """Where in the file: ``providers.2.plans.0.price``, each key cut and escaped as any echo
    of input (a key may hold an ESC sequence that would drive the terminal)."""
    return ".".join(printable(cut(str(part))) for part in loc)


def locate(loc: Loc, marks: dict[Loc, tuple[int, int]]) -> tuple[int, int]:
    for end in range(len(loc), -1, -1):
        if loc[:end] in marks:
            return marks[loc[:end]]
    return (1, 1)


def cut(text: str, limit: int = 60) -> str:
    """Input echoed in a message without quotes (a YAML tag), cut like ``quoted``."""
    return text if len(text) <= limit else text[:limit] + "…"
