"""The terminal: Rich's colour decision, the width to fit, the pager and notes on stderr.

One place decides, as git and gh do:

- **Colour** is Rich's decision (a terminal; ``NO_COLOR``, ``FORCE_COLOR`` and
  ``TERM=dumb`` honoured), unless ``--color always|never`` overrides it. Each
  meaning has one style (:data:`STYLES`): available, unavailable, unknown, stale
  and warnings.
- **Width**: the terminal's (``COLUMNS`` when set); piped into a pager or ``cat`` with
  stderr still on the terminal, that terminal's, where the table ends up; else 120, so
  nothing is cut. Lines never carry trailing padding.
- **Pager**: on a terminal, text longer than the screen goes through ``$PAGER``
  (else ``less`` with ``LESS=FRX``, as git sets it), unless ``--no-pager``.
- **Notes** on stderr wrap at the terminal's width when stderr is a terminal.

Rich is imported only to take the colour decision for a terminal (or for a pipe
that ``FORCE_COLOR`` and the like make one): a piped table never imports it.
Tables are drawn by output/table.py; :func:`sgr` gives the escape codes of a style.
"""

from __future__ import annotations

import os
import sys
from typing import IO

#: one style for each meaning (Rich style names; :func:`sgr` knows their words)
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
    """Rich's colour system for ``out`` (None: no colour codes at all), after ``--color``.

    Not a terminal, ``--color`` auto or never, and none of the variables that make Rich
    treat a pipe as a terminal set: no colour, decided without importing Rich (Rich
    would say the same). Otherwise Rich decides."""
    if settings.color == "never":
        return None
    if settings.color == "auto" and not _is_terminal(out) and not _rich_may_colour_a_pipe():
        return None
    from rich.console import Console

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


def _rich_may_colour_a_pipe() -> bool:
    """Whether Rich could colour what is not a terminal: FORCE_COLOR, TTY_COMPATIBLE or
    TTY_INTERACTIVE set, or running inside IPython/Jupyter (rich/console.py)."""
    import builtins

    forced = any(name in os.environ for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"))
    return forced or hasattr(builtins, "get_ipython")


def uses_color(out: IO[str]) -> bool:
    return color_system(out) is not None


#: the widest a table or chart is drawn, whatever COLUMNS says (a million columns would take minutes)
MAX_WIDTH = 1000
#: the narrowest: ``COLUMNS=1`` wrapped every word a letter a line (521 lines for compare)
MIN_WIDTH = 40


def env_columns() -> int | None:
    """``COLUMNS`` as a width: ASCII digits only (``²`` is not a number), above 0."""
    text = os.environ.get("COLUMNS", "").strip()
    if text.isascii() and text.isdigit() and 0 < len(text.lstrip("0")) <= 7:
        return int(text)
    return None


def width_for(out: IO[str], piped: int = PIPED_WIDTH) -> int:
    """COLUMNS when set; the terminal's width; ``piped`` when piped (tables: wide enough
    that nothing is cut); never below MIN_WIDTH nor above MAX_WIDTH."""
    return max(_width_for(out, piped), MIN_WIDTH)


def _width_for(out: IO[str], piped: int) -> int:
    import shutil

    env = env_columns()
    if env is not None:
        return min(env, MAX_WIDTH)
    if not _is_terminal(out):
        # ``ketacalc compare | cat`` (or ``| less``) ends on the terminal stderr is on: its
        # width; a script's pipe, stderr captured too, gets the wide ``piped``
        return _terminal_width(sys.stderr) or piped
    try:
        columns = os.get_terminal_size(out.fileno()).columns
    except (AttributeError, ValueError, OSError):
        columns = shutil.get_terminal_size((80, 24)).columns
    return max(1, min(columns or 80, MAX_WIDTH))


def _terminal_width(err: IO[str]) -> int | None:
    """The width of the terminal ``err`` is on, or None when it is on none."""
    if not _is_terminal(err):
        return None
    try:
        columns = os.get_terminal_size(err.fileno()).columns
    except (AttributeError, ValueError, OSError):
        return None
    return max(1, min(columns, MAX_WIDTH)) if columns else None


#: the SGR code of each word in a style name (Rich's order: attributes, then the colour)
_SGR = {"bold": 1, "dim": 2, "italic": 3, "red": 31, "green": 32, "yellow": 33, "magenta": 35}


def sgr(style: str) -> str:
    """The escape code that starts ``style`` (``"bold yellow"`` -> ``ESC[1;33m``), as Rich writes it."""
    codes = sorted(_SGR[word] for word in style.split())
    return "\x1b[" + ";".join(map(str, codes)) + "m"


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
        lines[0] = sgr(STYLES["warning"]) + label.rstrip() + "\x1b[0m" + lines[0][len(label) - 1 :]
    err.write("\n".join(lines) + "\n")
    err.flush()
