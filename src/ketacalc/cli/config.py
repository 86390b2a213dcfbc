"""``ketacalc config show|set|unset``: the defaults a person sets once.

The file is ``config.toml`` in the platform's config directory (see
:mod:`ketacalc.io.settings`); ``set`` checks the value (a state is stored as its
code) and writes the file atomically, keeping the person's comments.
"""

from __future__ import annotations

from typing import Annotated

import typer

from ketacalc.cli.app import app
from ketacalc.cli.help import epilog
from ketacalc.errors import InvalidInput, UsageProblem, quoted

config_app = typer.Typer(
    name="config",
    help="Defaults set once: state, insurer, new or returning client.\n\n"
    "Kept in config.toml in your config folder (KETACALC_CONFIG_DIR overrides it). "
    "A command-line option always wins, then KETACALC_STATE, KETACALC_INSURER and "
    "KETACALC_CLIENT, then this file.",
    epilog=epilog("config"),
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(config_app)

KeyArg = Annotated[
    str,
    typer.Argument(metavar="KEY", help="state, insurer or client.", show_default=False),
]


def _key(key: str) -> str:
    from ketacalc.io.settings import KEYS

    name = key.strip().casefold()
    if name not in KEYS:
        raise UsageProblem(f"config has no key {quoted(key)}", f"use one of {', '.join(KEYS)}")
    return name


@config_app.command("show")
def show() -> None:
    """Print the defaults in force and where each comes from, as TOML.

    An option given on a command line always wins over these; the environment
    (KETACALC_STATE, KETACALC_INSURER, KETACALC_CLIENT) wins over the file.
    """
    import json

    from ketacalc.io import settings

    path = settings.config_path()
    config = settings.read_config(path)
    lines = [f"# {path}" + ("" if path.exists() else " (no file yet)")]
    for key in settings.KEYS:
        found = settings.lookup(key, config=config)
        if found is None:
            lines.append(f"# {key}: not set")
            continue
        where = found.source if found.source.startswith("KETACALC_") else "config file"
        lines.append(f"{key} = {json.dumps(found.value, ensure_ascii=False)}  # from {where}")
    typer.echo("\n".join(lines))


@config_app.command("set")
def set_(
    ctx: typer.Context,
    key: KeyArg,
    value: Annotated[
        str, typer.Argument(metavar="VALUE", help="e.g. TX, Aetna or returning.", show_default=False)
    ],
) -> None:
    """Set a default: ketacalc config set state TX."""
    from ketacalc.files import write_atomically
    from ketacalc.io import settings

    name = _key(key)
    path = settings.config_path()
    values = settings.read_config(path)
    try:
        values[name] = settings.check_value(name, value)
    except InvalidInput as exc:  # the key was typed, not an option: its words, not a flag
        raise UsageProblem(exc.message, exc.fix) from None
    if name == "insurer":
        _known_insurer(ctx, values[name])
    _save(path, values, write_atomically)
    typer.echo(f"Set {name} = {values[name]} in {path}", err=True)


def _known_insurer(ctx: typer.Context, insurer: str) -> None:
    """An insurer some provider lists, in some state, in the data: one nobody lists would
    make every later command fail on a name the person no longer types."""
    from ketacalc.cli.app import catalog
    from ketacalc.vocab import match_insurer

    listed = sorted(
        {
            name
            for p in catalog(ctx).providers
            for listing in p.insurers
            for names in listing.by_state.values()
            for name in names
        }
    )
    if match_insurer(insurer, listed) is None:
        shown = ", ".join(listed[:8]) + (", …" if len(listed) > 8 else "")
        raise UsageProblem(
            f"no provider lists the insurer {quoted(insurer)}",
            f"give one the data names (e.g. {shown}), or leave the insurer unset",
        )


@config_app.command("unset")
def unset(key: KeyArg) -> None:
    """Remove a default: ketacalc config unset insurer."""
    from ketacalc.files import write_atomically
    from ketacalc.io import settings

    name = _key(key)
    path = settings.config_path()
    values = settings.read_config(path)
    if name not in values:
        typer.echo(f"{name} was not set in {path}", err=True)
        return
    del values[name]
    _save(path, values, write_atomically)
    typer.echo(f"Unset {name} in {path}", err=True)


def _save(path, values, write) -> None:
    from ketacalc.errors import KetacalcError, shown_path
    from ketacalc.io.settings import config_file_text, config_text

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KetacalcError(
            f"cannot make the config folder {shown_path(str(path.parent))} ({exc.strerror})",
            "check that it can be written, or set KETACALC_CONFIG_DIR",
        ) from None
    write(str(path), config_text(values, config_file_text(path)))  # read_config has just checked it
