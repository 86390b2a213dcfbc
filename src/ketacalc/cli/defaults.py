"""Options a person sets once: ``--state``, ``--insurer`` and ``--returning``/``--new``
fall back on ``KETACALC_STATE``, ``KETACALC_INSURER``, ``KETACALC_CLIENT`` and then
on the config file (:mod:`ketacalc.io.settings`). When a default applies, one note
on stderr says which and where it came from; an option always wins.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING, NamedTuple

import typer

from ketacalc.errors import QUOTE_LIMIT, InvalidInput, UsageProblem, printable, quoted, shown_path

if TYPE_CHECKING:
    from ketacalc.io.settings import Setting

SET_STATE = "give --state TX, set KETACALC_STATE=TX, or run 'ketacalc config set state TX'"

#: the defaults this run applied, by key: an error about one names where it was set, never
#: an option the person did not type (``forget`` starts each run afresh)
_APPLIED: ContextVar[dict[str, Setting] | None] = ContextVar("ketacalc_defaults", default=None)


def applied(key: str) -> Setting | None:
    """The default this run applied for ``key`` (``state``, ``insurer``, ``client``), if any."""
    found = _APPLIED.get()
    return found.get(key) if found else None


def forget() -> None:
    _APPLIED.set(None)


class Chosen(NamedTuple):
    state: str | None
    insurer: str | None
    returning: bool


def where(setting: Setting, cut: bool = True) -> str:
    """Where a default was set: an error cuts a long path (``shown_path``), a note does not."""
    if setting.source.startswith("KETACALC_"):
        return setting.source
    return f"the config file {shown_path(setting.source) if cut else printable(setting.source)}"


def fix(setting: Setting) -> str:
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
        raise UsageProblem(
            f"{found.key} {quoted(found.value)} from {where(found)} {wrong}", fix(found)
        ) from exc


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

    used: dict[str, Setting] = {}
    _APPLIED.set(used)
    if state is None:
        found = default("state")
        if found is not None:
            state = _checked(found, "is not a US state")
            used["state"] = found._replace(value=state)
    if state is None and need_state:
        raise UsageProblem("Missing option '--state'", SET_STATE)
    unused: Setting | None = None  # an insurer set once, with no state to apply it in
    if uses_insurer and insurer is None:
        found = default("insurer")
        if found is not None and state is not None:
            insurer = found.value
            used["insurer"] = found
        elif found is not None:
            unused = found
    if uses_client and returning is None:
        found = default("client")
        if found is not None:
            client = _checked(found, "is not new or returning")
            returning = client == "returning"
            used["client"] = found._replace(value=client)
    for key, found in used.items():
        value = _shown(found.value)
        said = f"{value} client" if key == "client" else f"{key} {value}"
        typer.echo(f"note: {said} from {where(found, cut=False)}", err=True)
    if unused is not None:  # said, never dropped in silence: self-pay prices are shown
        value = _shown(unused.value)
        typer.echo(
            f"note: insurer {value} from {where(unused, cut=False)} not applied: insurance is by state "
            "(give --state); self-pay prices are shown",
            err=True,
        )
    return Chosen(state, insurer, bool(returning))


def _shown(value: str) -> str:
    """A default as a note echoes it (an insurer as set): escaped, cut like any echo of input."""
    value = printable(value)
    return value if len(value) <= QUOTE_LIMIT else value[:QUOTE_LIMIT] + "…"


def say_unused(command: str) -> None:
    """One note on stderr naming the defaults set (state, insurer, client) that ``command``
    does not apply (``batch``: each line is the whole question), so a line without a state
    is not read as priced in the state set. A config file that cannot be read is not this
    command's concern: it is left to the commands that use it."""
    from ketacalc.errors import KetacalcError
    from ketacalc.io import settings

    try:
        config = settings.read_config()
    except KetacalcError:
        config = {}
    found = [s for key in ("state", "insurer", "client") if (s := settings.lookup(key, config=config))]
    if found:
        said = "; ".join(f"{s.key} {_shown(s.value)} from {where(s, cut=False)}" for s in found)
        typer.echo(f"note: not applied by {command} (each line is the whole question): {said}", err=True)
