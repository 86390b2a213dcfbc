"""The terminal: Rich's colour decision, the width to fit, the pager and notes on stderr.

One place decides, as git and gh do:

- **Colour** is Rich's decision (a terminal; ``NO_COLOR``, ``FORCE_COLOR`` and
  ``TERM=dumb`` honoured), unless ``--color always|never`` overrides it. Each
  meaning has one style (:data:`STYLES`): available, unavailable, unknown, stale
  and warnings.
- **Width**: the terminal's (``COLUMNS`` when set); 120 when piped, so nothing is
  cut. Lines never carry trailing padding.
- **Pager**: on a terminal, text longer than the screen goes through ``$PAGER``
  (else ``less`` with ``LESS=FRX``, as git sets it), unless ``--no-pager``.
- **Notes** on stderr wrap at the terminal's width when stderr is a terminal.

Rich is imported only inside functions, when something is drawn.
"""

from __future__ import annotations

import os
import sys
from typing import IO, Any

#: one style for each meaning (Rich style names)
STYLES = {
    "available": "green",
    "unavailable": "red",
    "unknown": "yellow",
    "stale": "magenta",
    "warning": "bold yellow",
    "headline": "bold",
}
#: words in table cells that carry a meaning, and the style of each
MEANINGS = (
    (r"(?<![\w-])available\b", "available"),
    (r"\bunavailable\b", "unavailable"),
    (r"\bunknown\b", "unknown"),
    (r"\bstale(?: prices)?\b|\b\d{4}-\d{2}-\d{2}!", "stale"),
)
PIPED_WIDTH = 120


class Settings:
    """What the global options ask for: ``--color`` and ``--no-pager``."""

    def __init__(self) -> None:
        self.color = "auto"
        self.pager = True


settings = Settings()


def configure(color: str = "auto", pager: bool = True) -> None:
    settings.color = color
    settings.pager = pager


def _is_terminal(out: IO[str]) -> bool:
    try:
        return out.isatty()
    except (AttributeError, ValueError):
        return False


def color_system(out: IO[str]) -> str | None:
    """Rich's colour system for ``out`` (None: no colour codes at all), after ``--color``."""
    from rich.console import Console

    if settings.color == "never":
        return None
    # width and height given: Rich reads only the colour settings (COLUMNS=² is not a number)
    probe = Console(
        file=out, force_terminal=True if settings.color == "always" else None, width=80, height=25
    )
    found = probe.color_system
    if found is None and settings.color == "always":
        return "standard"  # TERM=dumb, but colour was asked for
    if found is not None and probe.no_color and settings.color == "auto":
        return None  # NO_COLOR: no colour, and no other codes either
    return found


def uses_color(out: IO[str]) -> bool:
    return color_system(out) is not None


#: the widest a table or chart is drawn, whatever COLUMNS says (a million columns would take minutes)
MAX_WIDTH = 1000


def env_columns() -> int | None:
    """``COLUMNS`` as a width: ASCII digits only (``²`` is not a number), above 0."""
    text = os.environ.get("COLUMNS", "").strip()
    if text.isascii() and text.isdigit() and 0 < len(text.lstrip("0")) <= 7:
        return int(text)
    return None


def width_for(out: IO[str], piped: int = PIPED_WIDTH) -> int:
    """COLUMNS when set; the terminal's width; ``piped`` when piped (tables: wide enough
    that nothing is cut); never above MAX_WIDTH."""
    import shutil

    env = env_columns()
    if env is not None:
        return min(env, MAX_WIDTH)
    if not _is_terminal(out):
        return piped
    try:
        columns = os.get_terminal_size(out.fileno()).columns
    except (AttributeError, ValueError, OSError):
        columns = shutil.get_terminal_size((80, 24)).columns
    return max(1, min(columns or 80, MAX_WIDTH))


def buffer_for(out: IO[str]) -> Any:
    """A text buffer to draw into before ``out`` is written (or paged), with ``out``'s
    encoding, so Rich draws ASCII boxes where ``—`` cannot be written."""
    import io

    class _Buffer(io.StringIO):
        encoding = getattr(out, "encoding", None) or "utf-8"  # type: ignore[assignment]

    return _Buffer()


def console(out: IO[str], width: int, system: str | None) -> Any:
    """A Rich console drawing into ``out`` at ``width``, with the colour already decided."""
    from rich.console import Console
    from rich.theme import Theme

    class _Console(Console):
        def on_broken_pipe(self) -> None:  # Rich would raise SystemExit(1); stop quietly instead
            from ketacalc.errors import OutputClosed

            raise OutputClosed()

    return _Console(
        file=out,
        width=width,
        height=25,  # given, so Rich never reads COLUMNS or LINES itself (COLUMNS=² is not a number)
        color_system=system,  # type: ignore[arg-type]
        force_terminal=system is not None,
        no_color=False,
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=False,
        theme=Theme(STYLES),
        _environ={},  # the decision is taken: COLUMNS, NO_COLOR, FORCE_COLOR no longer apply
    )


def styled(text: Any) -> Any:
    """A Rich Text with every word of meaning in its style (available, stale, ...)."""
    from rich.text import Text

    out = text if isinstance(text, Text) else Text(text)
    for pattern, style in MEANINGS:
        out.highlight_regex(pattern, style=style)
    return out


def strip_trailing(text: str) -> str:
    """Every line without the spaces Rich pads it with (colour codes kept)."""
    import re

    return re.sub(r"[ \t]+((?:\x1b\[[0-9;]*m)*)$", r"\1", text, flags=re.MULTILINE)


# --------------------------------------------------------------- the pager


def screen_lines(out: IO[str]) -> int | None:
    """How many lines the terminal shows, if ``out`` is a terminal that says (``LINES`` wins)."""
    if not _is_terminal(out):
        return None
    env = os.environ.get("LINES", "").strip()
    if env.isascii() and env.isdigit() and 0 < len(env.lstrip("0")) <= 7:
        return int(env)
    try:
        lines = os.get_terminal_size(out.fileno()).lines
    except (AttributeError, ValueError, OSError):
        return None
    return lines or None  # a terminal of unknown size: never page


def pager_command() -> str | None:
    """``$PAGER`` as the shell reads it, else ``less``; None when there is none to run."""
    import shutil

    chosen = os.environ.get("PAGER")
    if chosen is not None:
        return chosen.strip() or None  # PAGER= (empty) turns paging off
    return "less" if shutil.which("less") else None


def show(text: str, out: IO[str]) -> None:
    """Write ``text``; through the pager when it is longer than the terminal's screen."""
    lines = screen_lines(out)
    command = pager_command() if settings.pager and lines is not None else None
    if command is None or command == "cat" or text.count("\n") < lines:  # type: ignore[operator]
        out.write(text)
        out.flush()
        return
    _page(text, command, out)


def _page(text: str, command: str, out: IO[str]) -> None:
    import signal
    import subprocess

    out.flush()
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")  # quit if one screen, keep colours, leave the text on screen
    env.setdefault("LV", "-c")
    encoding = getattr(out, "encoding", None) or "utf-8"
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C belongs to the pager
    try:
        proc = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, stdout=out, env=env)
        try:
            assert proc.stdin is not None
            proc.stdin.write(text.encode(encoding, errors="replace"))
            proc.stdin.close()
        except BrokenPipeError:  # the reader quit the pager early
            pass
        proc.wait()
    finally:
        signal.signal(signal.SIGINT, previous)


# --------------------------------------------------------------- notes on stderr


def say(text: str, kind: str = "note") -> None:
    """``note: …`` or ``warning: …`` on stderr: wrapped at the terminal's width when
    stderr is a terminal (whole words; continuation lines indented), one line otherwise."""
    from ketacalc.errors import inert

    text = inert(text)  # a data string never drives the terminal
    err = sys.stderr
    label = f"{kind}: "
    system = color_system(err)
    if not _is_terminal(err) and system is None:
        err.write(label + text + "\n")
        err.flush()
        return
    import textwrap

    width = max(width_for(err), 20)
    lines = textwrap.wrap(
        label + text, width, subsequent_indent=" " * len(label), break_on_hyphens=False, break_long_words=True
    )
    if system is not None and kind == "warning":
        from rich.style import Style

        code = Style.parse(STYLES["warning"]).render(label.rstrip(), color_system=_system(system))
        lines[0] = code + lines[0][len(label) - 1 :]
    err.write("\n".join(lines) + "\n")
    err.flush()


def _system(name: str) -> Any:
    from rich.color import ColorSystem

    return {
        "standard": ColorSystem.STANDARD,
        "256": ColorSystem.EIGHT_BIT,
        "truecolor": ColorSystem.TRUECOLOR,
        "windows": ColorSystem.WINDOWS,
    }[name]
