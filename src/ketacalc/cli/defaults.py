"""Options a person sets once: ``--state``, ``--insurer`` and ``--returning``/``--new``
fall back on ``KETACALC_STATE``, ``KETACALC_INSURER``, ``KETACALC_CLIENT`` and then
on the config file (:mod:`ketacalc.io.settings`). When a default applies, one note
on stderr says which and where it came from; an option always wins.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import typer

from ketacalc.errors import InvalidInput, UsageProblem

if TYPE_CHECKING:
    from ketacalc.io.settings import Setting

SET_STATE = "give --state TX, set KETACALC_STATE=TX, or run 'ketacalc config set state TX'"


class Chosen(NamedTuple):
    state: str | None
    insurer: str | None
    returning: bool


def _where(setting: Setting) -> str:
    return setting.source if setting.source.startswith("KETACALC_") else f"the config file {setting.source}"


def _fix(setting: Setting) -> str:
    if setting.source.startswith("KETACALC_"):
        return f"fix or unset {setting.source}"
    return f"run 'ketacalc config set {setting.key} VALUE' or 'ketacalc config unset {setting.key}'"


def _checked(found: Setting, wrong: str) -> str:
    """A default's value as the option would take it; a bad one is a usage problem naming
    where it was set and how to fix it."""
    from ketacalc.io import settings

    try:
        return settings.check_value(found.key, found.value)
    except InvalidInput as exc:
        raise UsageProblem(f"{found.key} {found.value!r} from {_where(found)} {wrong}", _fix(found)) from exc


def resolve(
    state: str | None = None,
    insurer: str | None = None,
    returning: bool | None = None,
    *,
    need_state: bool = False,
    uses_insurer: bool = True,
    uses_client: bool = True,
) -> Chosen:
    """The options given, with the defaults filled in where one was not (and noted)."""
    import os

    from ketacalc.io import settings

    read: list[dict[str, str]] = []  # the config file, read once and only if needed

    def default(key: str) -> Setting | None:
        if (os.environ.get(settings.ENV[key]) or "").strip():
            return settings.lookup(key, config={})
        if not read:
            read.append(settings.read_config())
        return settings.lookup(key, config=read[0])

    applied: list[str] = []
    if state is None:
        found = default("state")
        if found is not None:
            state = _checked(found, "is not a US state")
            applied.append(f"state {state} from {_where(found)}")
    if state is None and need_state:
        raise UsageProblem("Missing option '--state'", SET_STATE)
    if uses_insurer and insurer is None and state is not None:
        found = default("insurer")
        if found is not None:
            insurer = found.value
            applied.append(f"insurer {insurer} from {_where(found)}")
    if uses_client and returning is None:
        found = default("client")
        if found is not None:
            client = _checked(found, "is not new or returning")
            returning = client == "returning"
            applied.append(f"{client} client from {_where(found)}")
    for line in applied:
        typer.echo(f"note: {line}", err=True)
    return Chosen(state, insurer, bool(returning))
