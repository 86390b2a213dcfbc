"""Defaults a person sets once: the state, the insurer and the client (new or returning).

Each comes from, in order: the command-line option; the environment
(``KETACALC_STATE``, ``KETACALC_INSURER``, ``KETACALC_CLIENT``); the config file
``config.toml`` in the platform's config directory (``KETACALC_CONFIG_DIR``
overrides it). The file is TOML with three string keys, read with ``tomllib`` and
written here by hand (a few ``key = "value"`` lines, the person's comments kept). A file that cannot be read is
one error that names the file and the fix, never a traceback.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from ketacalc.errors import QUOTE_LIMIT, InvalidInput, KetacalcError, quoted, shown_path

KEYS = ("state", "insurer", "client")
CLIENTS = ("new", "returning")
ENV = {key: f"KETACALC_{key.upper()}" for key in KEYS}
HEADER = "# ketacalc's defaults; change them with 'ketacalc config set KEY VALUE' or 'ketacalc config unset KEY'.\n"


class Setting(NamedTuple):
    """A default that applied: its value and where it came from (for the note on stderr)."""

    key: str
    value: str
    source: str  # KETACALC_STATE, or the config file's path


def config_path() -> Path:
    """``config.toml`` in ``KETACALC_CONFIG_DIR``, else in the platform's config directory."""
    override = os.environ.get("KETACALC_CONFIG_DIR", "").strip()  # as KETACALC_CACHE_DIR is read
    if override:
        try:  # "~/cfg" is the home's, never a folder named "~" where ketacalc runs
            return Path(override).expanduser().absolute() / "config.toml"
        except (RuntimeError, KeyError, ValueError, OSError):  # ~nosuchuser; a deleted working folder
            why = "its '~' has no home" if override.startswith("~") else "the current folder is gone"
            raise ConfigError(
                f"KETACALC_CONFIG_DIR {quoted(override)} names no directory ({why})",
                "set it to a directory's full path, or unset it",
            ) from None
    from ketacalc.files import user_dir

    return (user_dir("config") or _platform_config_dir()) / "config.toml"


def _platform_config_dir() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("ketacalc", appauthor=False))


class ConfigError(KetacalcError):
    """The config file cannot be used: names the file and the fix."""

    exit_code = 1


def _broken(path: Path, what: str) -> ConfigError:
    return ConfigError(
        f"config file {shown_path(str(path))} {what}",
        "fix it in an editor, or delete it and run 'ketacalc config set KEY VALUE' again",
    )


#: a config file holds three short keys and the person's comments: more is not one
MAX_CONFIG_BYTES = 64 * 1024


def config_file_text(path: Path) -> str | None:
    """The config file's text; ``None`` when there is no file. Only a regular file of at most
    :data:`MAX_CONFIG_BYTES` is read: a FIFO is never waited on, nor a device read forever."""
    from ketacalc.files import SpecialFile, TooLarge, read_regular

    try:
        data = read_regular(path, MAX_CONFIG_BYTES)
    except FileNotFoundError:
        return None
    except (SpecialFile, TooLarge) as exc:
        raise _broken(path, exc.strerror) from None
    except OSError as exc:
        raise _broken(path, f"cannot be read ({exc.strerror})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _broken(path, "is not UTF-8 text") from None


def read_config(path: Path | None = None) -> dict[str, str]:
    """The config file's keys, checked; ``{}`` when there is no file."""
    path = path or config_path()
    text = config_file_text(path)
    if text is None:
        return {}
    import tomllib  # only when there is a file

    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _broken(path, f"is not valid TOML ({exc})") from None
    unknown = [key for key in table if key not in KEYS]
    if unknown:
        raise _broken(path, f"has an unknown key {quoted(unknown[0])} (known: {', '.join(KEYS)})")
    for key, value in table.items():
        if not isinstance(value, str):
            shown = repr(value) if len(repr(value)) <= QUOTE_LIMIT else quoted(repr(value))
            raise _broken(path, f'has {key} = {shown}, not text in quotes (e.g. {key} = "...")')
    return dict(table)  # each value is checked where it is used (settings.check_value)


#: a key whose value opens a multi-line string (its next lines are neither keys nor comments)
_MULTI_LINE = r"""^\s*(["']?)(?:state|insurer|client)\1\s*=\s*(?:\"\"\"|''')"""


def config_text(values: dict[str, str], old: str | None = None) -> str:
    """The file for ``values``: a new file is the header, then one ``key = "value"`` line
    each. Given the file as it was (``old``, checked by :func:`read_config`: only the three
    string keys), its lines are kept (the person's comments, blank lines and order): a
    changed key's line is written anew in its place, or left out when the key is unset, and
    a key new to the file goes at the end. A file with a multi-line string, whose lines are not
    all keys and comments, is written anew."""
    import json

    def line(key: str) -> str:
        # a JSON string is a TOML basic string (the same escapes: \" \\ \n \uXXXX) but for
        # DEL, which JSON leaves as it is and TOML refuses
        value = json.dumps(values[key], ensure_ascii=False).replace("\x7f", "\\u007f")
        return f"{key} = {value}\n"

    import re

    # a multi-line string opens right after a key's "="; three quotes inside a one-line value
    # are only characters (such a file was written anew, losing its comments)
    if old is None or not old.strip() or re.search(_MULTI_LINE, old, re.M):
        return HEADER + "".join(line(key) for key in KEYS if key in values)
    import tomllib

    was = tomllib.loads(old)  # read_config's check passed: the three keys, each a string
    kept: list[str] = []
    written: set[str] = set()
    *ended, last = old.split("\n")  # TOML's own line ends (\r\n too), never str.splitlines' others
    end = "\r\n" if ended and all(text.endswith("\r") for text in ended) else "\n"  # the file's own
    for text in [f"{text}\n" for text in ended] + ([last] if last else []):
        found = re.match(r"""\s*(["']?)(state|insurer|client)\1\s*=""", text)
        if found is None:
            kept.append(text)
        elif found[2] in values and found[2] not in written:
            # a value the same as before keeps its line as written; a changed one keeps the
            # comment after it (``state = "TX"  # work``)
            if was.get(found[2]) == values[found[2]]:
                kept.append(text)
            else:
                kept.append(line(found[2])[:-1] + _comment_after(text, found.end()) + end)
            written.add(found[2])
    if kept and not kept[-1].endswith("\n"):
        kept[-1] += end
    added = "".join(line(key) for key in KEYS if key in values and key not in written)
    return "".join(kept) + added.replace("\n", end)


def _comment_after(text: str, at: int) -> str:
    """The comment after the string value that starts past ``at`` on a ``key = value`` line,
    with the space before it (``"  # work"``), or ``""`` when there is none."""
    import tomllib

    rest = text[at:].rstrip("\r\n")
    body = rest.lstrip()
    if body[:1] == '"':  # a basic string: the first quote not escaped ends it
        i = 1
        while i < len(body) and body[i] != '"':
            i += 2 if body[i] == "\\" else 1
    elif body[:1] == "'":  # a literal string: no escapes
        i = body.find("'", 1)
    else:
        return ""
    value, after = body[: i + 1], body[i + 1 :]
    if not after.lstrip().startswith("#"):
        return ""
    try:  # the value read as TOML reads it: the comment is what follows it
        tomllib.loads(f"v = {value}")
    except tomllib.TOMLDecodeError:
        return ""
    return after


def check_value(key: str, value: str) -> str:
    """A value for ``key`` as it will be stored: a state as its code, a client new/returning."""
    if key == "state":
        from ketacalc.io.inputs import parse_state

        return parse_state(value)
    if key == "client":
        client = value.strip().casefold()
        if client not in CLIENTS:
            raise InvalidInput(
                "client", f"client {quoted(value)} is not new or returning", "use new or returning"
            )
        return client
    name = " ".join(value.split())
    if not name:
        raise InvalidInput("insurer", "the insurer is empty", "give its name, e.g. Aetna")
    return name


def lookup(
    key: str, environ: dict[str, str] | None = None, config: dict[str, str] | None = None
) -> Setting | None:
    """The default for ``key`` from the environment, else from the config file (read
    only when the environment has none); None when neither sets it."""
    environ = os.environ if environ is None else environ  # type: ignore[assignment]
    value = (environ.get(ENV[key]) or "").strip()
    if value:
        return Setting(key, value, ENV[key])
    if config is None:
        config = read_config()
    if key in config and config[key].strip():
        return Setting(key, config[key], str(config_path()))
    return None
