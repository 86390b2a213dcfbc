"""Checks of a data file beyond its YAML: across records, and Pydantic's
findings turned into ``FILE:LINE:COL: path: message`` problems a person can act on.
"""

from __future__ import annotations

from typing import Any

from ketacalc.data.yamlread import Loc, cut, dotted, locate
from ketacalc.errors import DataProblem, quoted


def problem_at(loc: Loc, marks: dict[Loc, tuple[int, int]], name: str, message: str) -> DataProblem:
    """A problem with the value at ``loc``, placed where that value starts in the file."""
    line, column = locate(loc, marks)
    return DataProblem(line, column, dotted(loc), message, name)


def cross_checks(data: Any, name: str, marks: dict[Loc, tuple[int, int]]) -> list[DataProblem]:
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
                    problems.append(
                        problem_at(
                            loc,
                            marks,
                            name,
                            f"duplicate plan id {quoted(plan_id)} (first used by plans.{seen_plans[plan_id]}); "
                            "plan ids must be unique within a provider",
                        )
                    )
                else:
                    seen_plans[plan_id] = plan_index
            pid = provider.get("id")
            if isinstance(pid, str):
                if pid in first_seen:
                    loc = ("providers", index, "id")
                    problems.append(
                        problem_at(
                            loc,
                            marks,
                            name,
                            f"duplicate provider id {quoted(pid)} (first used by providers.{first_seen[pid]}); ids must be unique",
                        )
                    )
                else:
                    first_seen[pid] = index
    if isinstance(providers, list):
        problems += _name_clashes(providers, name, marks)
    problems += _rule_ids(data.get("regulation"), name, marks)
    problems += _rule_ids(data.get("alternatives"), name, marks, section="alternatives", what="alternative")
    if source_ids is not None:
        for loc, value in _source_refs(data, ()):
            if value not in source_ids:
                import difflib

                hint = difflib.get_close_matches(value, sorted(source_ids), n=1)
                fix = f"did you mean {hint[0]!r}?" if hint else "add it under 'sources:'"
                problems.append(problem_at(loc, marks, name, f"unknown source {quoted(value)}; {fix}"))
    return problems


def _rule_ids(
    rules: Any,
    name: str,
    marks: dict[Loc, tuple[int, int]],
    section: str = "regulation",
    what: str = "rule",
) -> list[DataProblem]:
    """Each rule of ``regulation:`` (each entry of ``alternatives:``) has its own id (its
    observations are its history)."""
    problems: list[DataProblem] = []
    seen: dict[str, int] = {}
    fix = "add a newer observation to that rule's 'spans' instead" if what == "rule" else "ids must be unique"
    for index, rule in enumerate(rules if isinstance(rules, list) else []):
        rid = rule.get("id") if isinstance(rule, dict) else None
        if not isinstance(rid, str):
            continue
        if rid in seen:
            problems.append(
                problem_at(
                    (section, index, "id"),
                    marks,
                    name,
                    f"duplicate {what} id {quoted(rid)} (first used by {section}.{seen[rid]}); {fix}",
                )
            )
        else:
            seen[rid] = index
    return problems


def _name_clashes(providers: list[Any], name: str, marks: dict[Loc, tuple[int, int]]) -> list[DataProblem]:
    """A provider's id, name or alias that names another provider, compared as a
    person's typing is (``catalog.name_key``): ``Mind Bloom`` is ``mindbloom``."""
    from ketacalc.data.catalog import name_key

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
                problems.append(
                    problem_at(
                        loc,
                        marks,
                        name,
                        f"{quoted(text)} already names provider {quoted(first[1])}; "
                        "ids, names and aliases must be unique across providers (ignoring case, spaces and punctuation)",
                    )
                )
    return problems


def _source_refs(node: Any, loc: Loc) -> list[tuple[Loc, str]]:
    found: list[tuple[Loc, str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if (
                key == "source"
                and isinstance(value, str)
                and loc
                and loc[0] in ("providers", "regulation", "alternatives")
            ):
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

    from ketacalc.data.models import DataFile

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

    from ketacalc.data.models import Consult

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
    return sorted(
        {
            name
            for tp in current
            if isinstance(tp, type) and issubclass(tp, BaseModel)
            for name in tp.model_fields
        }
    )


def from_pydantic(
    exc: Any, name: str, marks: dict[Loc, tuple[int, int]], key_marks: dict[Loc, tuple[int, int]]
) -> list[DataProblem]:
    problems = []
    for error in exc.errors(include_url=False):
        kind = error["type"]
        # the keys of the file: a part that is one ("bad[2]key", "O[R]") is kept whatever it holds;
        # one that is not and looks like pydantic's own ("function-after[…]") is dropped
        loc: Loc = ()
        for part in error["loc"]:
            if (*loc, part) in marks or (*loc, part) in key_marks or not _is_internal(part):
                loc = (*loc, part)
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
            line, column = key_marks.get(loc) or locate(loc, marks)
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
            line, column = locate(loc, marks)
        problems.append(DataProblem(line, column, dotted(loc), message, name))
    return problems


def _got(error: Any) -> str:
    """``, got 'text'`` for a scalar input, cut to about 60 characters."""
    if "input" in error and not isinstance(error["input"], (dict, list)):
        return f", got {_echo(error['input'])}"
    return ""


def _echo(value: Any) -> str:
    """A piece of input as Python writes it (``'text'``, ``2``, ``None``), cut to about 60 characters."""
    return quoted(value) if isinstance(value, str) else cut(repr(value))


def _is_internal(part: str | int) -> bool:
    """Pydantic adds validator and union names to locations; they are not keys."""
    return isinstance(part, str) and ("[" in part or part.startswith("function-"))


def dedupe(problems: list[DataProblem]) -> list[DataProblem]:
    return sorted(set(problems))
