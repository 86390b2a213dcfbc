"""The command line: errors become one line on stderr, ``Error: <what> — <fix>``,
with exit 1 for bad data or unknown names, 2 for usage errors. No traceback
unless ``KETACALC_DEBUG=1``.
"""

from __future__ import annotations

import copy
import errno
import os
import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from ketacalc.cli import config, data, share  # noqa: F401 - register config, check, batch, chart and report
from ketacalc.cli.app import app
from ketacalc.cli.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE, describe
from ketacalc.cli.help import add_examples, plain_placeholders
from ketacalc.errors import QUOTE_LIMIT, KetacalcError, OutputClosed, inert, printable, quoted

if TYPE_CHECKING:
    import typer

__all__ = ["app", "main"]

add_examples(app)
plain_placeholders()


def _error(message: str, code: int) -> int:
    try:
        sys.stderr.write(f"Error: {inert(message)}\n")
        sys.stderr.flush()
    except (OSError, ValueError):  # stderr closed or full: the exit code still says it
        pass
    return code


#: errors of writing the output (not of reading a file): the disk, the device, the descriptor
_OUTPUT_ERRNOS = {errno.ENOSPC, errno.EBADF, errno.EIO, errno.EFBIG, errno.EDQUOT, errno.EROFS}


class Interrupted(BaseException):
    """SIGINT, raised where Typer cannot swallow it (it turns KeyboardInterrupt into a silent 130)."""


def _interrupt(signum: int, frame: object) -> None:
    raise Interrupted()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code. Errors become one line on stderr."""
    import signal

    try:
        previous = signal.signal(signal.SIGINT, _interrupt)
    except ValueError:  # not the main thread: leave SIGINT as it is
        previous = None
    try:
        return _main(argv)
    except Interrupted:
        return _error("interrupted", EXIT_INTERRUPTED)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def _main(argv: Sequence[str] | None) -> int:
    import typer
    from typer._click import exceptions as click_exc  # Typer vendors Click; never import click itself
    from typer.main import get_command

    from ketacalc.cli import defaults

    defaults.forget()  # the defaults a previous run applied (in-process: tests, the library)
    _usable_streams()
    args = data_first(list(sys.argv[1:] if argv is None else argv))
    shell = completion_shell(args)
    if shell is not None:
        return show_completion(shell)
    command = get_command(_app_for(args))
    try:
        result = command.main(args=args, prog_name="ketacalc", standalone_mode=False)
        sys.stdout.flush()  # a full disk shows now, not at exit
        return result if isinstance(result, int) else 0
    except OSError as exc:
        return _output_failed(exc)
    except KetacalcError as exc:
        if os.environ.get("KETACALC_DEBUG"):
            raise
        return _error(*describe(exc))
    except click_exc.NoArgsIsHelpError as exc:
        try:
            sys.stdout.write(exc.format_message() + "\n")
            sys.stdout.flush()
        except OSError as failed:  # ketacalc >&- or > /dev/full: the help cannot be written
            return _output_failed(failed)
        return 0
    except click_exc.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx is not None else "ketacalc"
        raw = " ".join(exc.format_message().replace("Value error, ", "").split())
        hint = _sessions_hint(raw, exc.ctx)
        return _error(hint or f"{_plain(raw).rstrip('.')} — see '{where} --help'", EXIT_USAGE)
    except click_exc.ClickException as exc:
        return _error(_short(" ".join(exc.format_message().split())), exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        return _error("interrupted", EXIT_INTERRUPTED)
    except (OutputClosed, BrokenPipeError):
        _quiet_stdout()
        return 0
    except Exception as exc:  # a bug: say so in one line, keep the traceback for KETACALC_DEBUG=1
        return _internal(exc)


#: the root's options that may come before the command: those taking a value, and the others
_ROOT_VALUE_OPTIONS = ("--data", "--color")
_ROOT_FLAGS = ("--no-pager",)
_ONE_COMMAND: dict[str, typer.Typer] = {}


def _invoked(args: list[str]) -> str | None:
    """The command ``args`` name after the root's own options (``--data PATH`` and the
    like), or ``None`` when anything else comes first (``--help``, ``--version``, ...)."""
    index = 0
    while index < len(args):
        arg = args[index]
        if arg in _ROOT_VALUE_OPTIONS:
            index += 2
        elif arg in _ROOT_FLAGS or arg.startswith(("--data=", "--color=")):
            index += 1
        elif arg.startswith("-"):
            return None
        else:
            return arg
    return None


def _app_for(args: list[str]) -> typer.Typer:
    """The app to turn into a Click command for ``args``: when they name one command,
    the app with that command only. Typer builds every command's options from its
    signature on each run (about 7 ms of a warm start-up), and a run needs one; the root's
    help, completion and a name that is no command's (Click's message) get the whole app."""
    from typer.main import get_command_name

    name = _invoked(args)
    if name is None or os.environ.get("_KETACALC_COMPLETE"):
        return app
    one = _ONE_COMMAND.get(name)
    if one is None:
        commands = [
            c for c in app.registered_commands if (c.name or get_command_name(c.callback.__name__)) == name
        ]
        groups = [g for g in app.registered_groups if g.typer_instance.info.name == name]
        if not commands and not groups:
            return app
        one = copy.copy(app)
        one.registered_commands, one.registered_groups = commands, groups
        _ONE_COMMAND[name] = one
    return one


def _output_failed(exc: OSError) -> int:
    """A failure to write stdout: quiet for a closed pipe, one line for a full disk or a
    closed descriptor; any other OSError is a bug."""
    if isinstance(exc, BrokenPipeError) or exc.errno == errno.EPIPE:
        _quiet_stdout()
        return 0
    if exc.errno not in _OUTPUT_ERRNOS or os.environ.get("KETACALC_DEBUG"):
        return _internal(exc)
    _quiet_stdout()
    return _error(f"cannot write output: {_reason(exc)} — {_OUTPUT_FIX}", 1)


_OUTPUT_FIX = "check where the output goes (a full disk, a closed or read-only output)"


_CHOICE = re.compile(r"Invalid value for '(--[\w-]+)'(?: / '-\w')?: (.*) is not one of (.*)\.$")
_NO_OPTION = re.compile(r"No such option: (\S+)(.*)$")
_NO_COMMAND = re.compile(r"No such command (.*?)\.?( Did you mean .*)?$")
#: Click says "argument(s)" or "arguments" by release: either reads
_EXTRA = re.compile(r"Got unexpected extra argument(?:\(s\)|s)? \((.*)\)$")


def _plain(message: str) -> str:
    """Click's messages in ketacalc's words, each echo of the input cut to
    :data:`~ketacalc.errors.QUOTE_LIMIT` characters: "Invalid value for '--format'
    / '-f': 'xml' is not one of 'a', 'b'." -> "--format 'xml' is not one of a, b"."""
    found = _CHOICE.fullmatch(message)
    if found is not None:
        option, value, choices = found.groups()
        return f"{option} {_unrepr(value)} is not one of {choices.replace(chr(39), '')}"
    found = _NO_OPTION.fullmatch(message)
    if found is not None:
        return f"no such option {_as_escaped(found.group(1))}{_short(found.group(2))}"
    found = _NO_COMMAND.fullmatch(message)
    if found is not None:
        guess = _short(found.group(2) or "").strip()  # " Did you mean 'set'?"
        return f"no such command {_unrepr(found.group(1))}" + (
            f" ({guess[0].lower()}{guess[1:]})" if guess else ""
        )
    found = _EXTRA.fullmatch(message)
    if found is not None:
        return f"unexpected extra argument {_as_escaped(found.group(1))}"
    return _short(message)


def _as_escaped(text: str) -> str:
    """Click's echo of an argument, whose control characters it already wrote ``\x1b``, in
    quotes and cut as :func:`~ketacalc.errors.quoted` cuts, never escaped again (``repr``
    would read ``\\x1b``), nor decoded (a backslash typed is kept as typed)."""
    if len(text) > QUOTE_LIMIT:  # the length after the quotes, as quoted() writes it
        return f"'{printable(text[:QUOTE_LIMIT])}'… ({len(text):,} characters)"
    return f"'{printable(text)}'"


def _unrepr(text: str) -> str:
    """A value Click wrote with ``repr``, quoted again with a cut."""
    import ast

    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        value = text
    return quoted(value if isinstance(value, str) else text)


def _short(message: str) -> str:
    """Any other message: printable, and no word longer than QUOTE_LIMIT characters."""
    long_word = re.compile(rf"\S{{{QUOTE_LIMIT + 1},}}")
    return long_word.sub(lambda m: m.group()[:QUOTE_LIMIT] + "…", printable(message))


def _sessions_hint(message: str, ctx: object) -> str | None:
    """``cost mindbloom 18``: a bare number after the provider is a number of sessions;
    ``compare TX``: a bare state, for a command that takes ``--state``, is the state."""
    found = _EXTRA.fullmatch(message)
    if found is None:
        return None
    params = getattr(getattr(ctx, "command", None), "params", [])
    takes = lambda option: any(option in getattr(p, "opts", ()) for p in params)  # noqa: E731
    given, where = found.group(1), getattr(ctx, "command_path", "ketacalc")
    if given.isascii() and given.isdigit() and takes("--sessions"):
        return (
            f"unexpected argument {given} — for {given} sessions, give --sessions {given} "
            f"('{where} PROVIDER --sessions {given}')"
        )
    if takes("--state"):
        from ketacalc.usstates import UnknownState, parse_state

        try:
            code = parse_state(given)
        except UnknownState:
            return None
        named = "".join(
            f" {p.name.upper()}" for p in params if getattr(p, "param_type_name", "") == "argument"
        )
        return (
            f"unexpected argument {_as_escaped(given)} — for a state, give --state {code} "
            f"('{where}{named} --state {code}')"
        )
    return None


SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")


def completion_shell(args: list[str]) -> str | None:
    """``--show-completion SHELL`` (before any command): the shell named. Typer reads
    SHELL only when it cannot detect the running shell, so ketacalc reads it first."""
    for index, arg in enumerate(args):
        if not arg.startswith("-"):
            return None  # a command: the option belongs to the root only
        if arg.startswith("--show-completion="):
            shell = arg.partition("=")[2]
        elif arg == "--show-completion" and index + 1 < len(args):
            shell = args[index + 1]
        else:
            continue
        return shell.casefold() if shell.casefold() in SHELLS else None
    return None


def show_completion(shell: str) -> int:
    """Print the completion script of ``shell`` for ketacalc."""
    from typer.completion import completion_init, get_completion_script

    completion_init()
    script = get_completion_script(prog_name="ketacalc", complete_var="_KETACALC_COMPLETE", shell=shell)
    try:
        sys.stdout.write(script + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_stdout()
    return 0


def _reason(exc: OSError) -> str:
    if exc.errno == errno.EBADF:
        return "standard output is closed"
    return (exc.strerror or type(exc).__name__).lower()


def _internal(exc: Exception) -> int:
    if os.environ.get("KETACALC_DEBUG"):
        raise exc
    return _error(
        f"internal error ({type(exc).__name__}: {quoted(str(exc))}) — rerun with KETACALC_DEBUG=1 and report it",
        EXIT_INTERNAL,
    )


def data_first(args: list[str]) -> list[str]:
    """The global options ``--data PATH``, ``--color WHEN`` and ``--no-pager`` may follow
    the command (``ketacalc providers --data x.yaml``): they are moved in front, where
    the root command reads them. ``--`` ends the search."""
    moved: list[str] = []
    rest: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            rest += args[index:]
            break
        if arg in ("--data", "--color") and index + 1 < len(args):
            moved += args[index : index + 2]
            index += 2
            continue
        if arg.startswith(("--data=", "--color=")) or arg == "--no-pager":
            moved.append(arg)
        else:
            rest.append(arg)
        index += 1
    return moved + rest


class _ClosedOutput:
    """Stands for a standard stream that was closed before start-up (``>&-``):
    writing to it fails as writing to a closed descriptor does; flushing at exit is quiet."""

    encoding = "utf-8"
    errors = "strict"

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "Bad file descriptor")

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise OSError(errno.EBADF, "Bad file descriptor")


#: the most characters written to stdout at once (four bytes each at most in UTF-8: under the
#: buffer's size, so a write never bypasses the buffer)
_PIECE = 2048


class _InPieces:
    """Standard output whose long writes go down in pieces under the buffer's size. CPython
    3.11 hands one write longer than its buffer straight to the file, and when the disk fills
    part-way (8 KiB of a 27 KiB table written) the rest is dropped with no error: ``show
    mindbloom > full-disk/file`` exited 0 with the file cut short. Through the buffer, the
    failure is raised, and said."""

    __slots__ = ("stream",)

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        write = self.stream.write
        if len(text) <= _PIECE:
            return write(text)
        for start in range(0, len(text), _PIECE):
            write(text[start : start + _PIECE])
        return len(text)

    def __getattr__(self, name: str) -> object:  # flush, fileno, isatty, encoding, ...
        return getattr(self.stream, name)


#: what stands for a character the output's encoding cannot hold
ASCII_FOR = {"—": "-", "–": "-", "×": "x", "…": "...", "→": "->", "←": "<-", "‘": "'", "’": "'",
             "“": '"', "”": '"', "•": "*", "≤": "<=", "≥": ">=", "\u00a0": " ", "†": "+", "‡": "++"}  # fmt: skip
_HANDLER = "ketacalc-ascii"


def _replace(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    text = exc.object[exc.start : exc.end]
    return "".join(ASCII_FOR.get(ch) or _box(ch) for ch in text), exc.end


def _box(char: str) -> str:
    """A box-drawing character (a chart's frame and axes) as ``-``, ``|`` or ``+``, as a
    table's rule falls back to ``-``; any other character as ``?``."""
    if not "\u2500" <= char <= "\u257f":
        return "?"
    import unicodedata

    name = unicodedata.name(char, "")
    horizontal, vertical = "HORIZONTAL" in name, "VERTICAL" in name
    return "-" if horizontal and not vertical else "|" if vertical and not horizontal else "+"


def ascii_fallback() -> str:
    """The name of the codecs error handler that writes ASCII replacements (registered once)."""
    import codecs

    try:
        codecs.lookup_error(_HANDLER)
    except LookupError:
        codecs.register_error(_HANDLER, _replace)
    return _HANDLER


def _usable_streams() -> None:
    """Standard streams that can take what ketacalc writes: a closed stdout or
    stderr is stood in for, and an encoding other than UTF (ASCII, latin-1,
    cp1252) gets replacements for what it cannot hold (``—`` -> ``-``, ``×`` ->
    ``x``, others ``?``) instead of an error."""
    import codecs

    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, _ClosedOutput())
            continue
        try:
            if codecs.lookup(stream.encoding or "ascii").name.startswith("utf"):
                continue
        except LookupError:
            pass
        ascii_fallback()
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors=_HANDLER)
            except (ValueError, OSError):
                pass
    if not isinstance(sys.stdout, (_ClosedOutput, _InPieces)):
        sys.stdout = _InPieces(sys.stdout)  # type: ignore[assignment]


def _quiet_stdout() -> None:
    """After a closed pipe (``| head -1``), stop Python complaining at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
