"""Tables for people, drawn with Rich (imported only here, only when drawing).

A table is never cropped: text columns wrap (long words fold), numbers and
identifiers never split, and a table that cannot fit is drawn as wide as it
needs. Colour only on a terminal, never with ``NO_COLOR``.
"""

from __future__ import annotations

import os
import re
from typing import IO, Any

from ketacalc.output.tableview import TableView, inert_view

MAX_WORD = 14


def use_color(out: IO[str]) -> bool:
    return not os.environ.get("NO_COLOR") and _is_terminal(out)


#: the widest a table or chart is drawn, whatever COLUMNS says
MAX_WIDTH = 1000


def env_columns() -> int | None:
    """``COLUMNS`` as a width: ASCII digits only (``²`` is not a number), above 0."""
    text = os.environ.get("COLUMNS", "").strip()
    if text.isascii() and text.isdigit() and 0 < len(text.lstrip("0")) <= 7:
        return int(text)
    return None


def write_table(view: TableView, out: IO[str], width: int | None = None) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    view = inert_view(view)
    tty = use_color(out)
    if width is None:
        width = env_columns()
        if width is not None:
            width = min(width, MAX_WIDTH)
        elif not _is_terminal(out):
            width = 120  # piped: wide enough that nothing is cut
        else:
            import shutil

            width = min(shutil.get_terminal_size((80, 24)).columns, MAX_WIDTH)
    from rich.measure import Measurement

    class _Console(Console):
        def on_broken_pipe(self) -> None:  # Rich would raise SystemExit(1); stop quietly instead
            from ketacalc.errors import OutputClosed

            raise OutputClosed()

    console = _Console(
        file=out,
        width=width,
        height=25,  # given, so Rich never reads COLUMNS or LINES itself (COLUMNS=² is not a number)
        color_system="auto" if tty else None,
        force_terminal=tty,
        no_color=not tty,
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=False,
    )
    screen = console.width
    views = [(None, view), *view.sections]
    for index, (heading, part) in enumerate(views):
        if index:
            console.print()
        table = Table(
            title=part.title if heading is None else heading,
            caption=part.caption,
            box=box.SIMPLE_HEAD,
            show_edge=False,
            show_lines=False,
            expand=False,
            title_justify="left",
            caption_justify="left",
            padding=(0, 1, 0, 0),  # with the divider, two spaces between columns
            pad_edge=False,
        )
        for col in part.columns:
            if col.number or col.nowrap:
                index = len(table.columns)
                lines = [line for r in part.rows for line in r[index].split("\n")]
                longest = max(
                    [*map(len, lines), *map(len, col.header.split("\n"))] or [1]
                )  # never-wrapping header too
                justify = "right" if col.number else "left"
                table.add_column(col.header, justify=justify, no_wrap=True, min_width=longest)
            else:
                # a word is never split unless it is longer than MAX_WORD (then it folds);
                # an id is never split; a URL wraps after a '/'
                index = len(table.columns)
                words = [w for r in part.rows for w in r[index].split()] + col.header.split()
                shortest = max(map(narrowest_width, words), default=1)
                table.add_column(col.header, justify="left", overflow="fold", min_width=shortest)
        text_columns = [not (col.number or col.nowrap) for col in part.columns]
        for row in part.rows:
            table.add_row(
                *(_Foldable(cell) if text else cell for cell, text in zip(row, text_columns, strict=True))
            )
        # Never crop: a table that cannot be squeezed into the screen is drawn as
        # wide as it needs (the terminal wraps the long lines; nothing is lost).
        narrowest = Measurement.get(console, console.options.update_width(10_000), table).minimum
        console.width = max(screen, narrowest)
        _respect_minimums(console, table)
        console.print(table)


_ID = re.compile(r"[a-z0-9-]+")
_AFTER_SLASH = re.compile(r"(?<=/)(?=[^/])")


def narrowest_width(word: str) -> int:
    """The narrowest a word may be drawn: an id (``vitalityscout-2026``) whole; a
    URL as its longest part between slashes; any other word down to MAX_WORD."""
    if _ID.fullmatch(word):
        return len(word)
    if "/" in word:
        return min(max(map(len, _AFTER_SLASH.split(word))), MAX_WORD)
    return min(len(word), MAX_WORD)


def wrap_word(word: str, width: int) -> list[str]:
    """A word too long for ``width`` as lines: a URL broken after its slashes, each
    line as full as fits (a part longer than the width folds); an id never breaks."""
    if len(word) <= width or _ID.fullmatch(word):
        return [word]
    parts = _AFTER_SLASH.split(word) if "/" in word else [word]
    lines: list[str] = []
    line = ""
    for part in parts:
        if line and len(line) + len(part) > width:
            lines.append(line)
            line = ""
        line += part
        while len(line) > width:  # a part longer than the width: fold it
            lines.append(line[:width])
            line = line[width:]
    if line:
        lines.append(line)
    return lines


def _respect_minimums(console: Any, table: Any) -> None:
    """Rich narrows the widest wrapping columns first, even below what their words
    need, or leaves the table wider than the screen (an id would then be cut):
    when it would, widths are given instead, every column at least its minimum
    and the rest shared out."""
    options = console.options.update_width(console.width - table._extra_width)
    ranges = [table._measure_column(console, options, column) for column in table.columns]
    widths = table._calculate_column_widths(console, options)
    fits = sum(widths) <= options.max_width
    if fits and all(w >= r.minimum for w, r in zip(widths, ranges, strict=True)):
        return
    given = [r.minimum for r in ranges]
    spare = options.max_width - sum(given)
    while spare > 0:
        room = [r.maximum - w for w, r in zip(given, ranges, strict=True)]
        widest = max(range(len(room)), key=room.__getitem__)
        if room[widest] <= 0:
            break
        given[widest] += 1
        spare -= 1
    for index, (column, width) in enumerate(zip(table.columns, given, strict=True)):
        column.width = max(1, width - table._get_padding_width(index))


class _Foldable:
    """A text cell that may be narrower than its longest word (a URL, a long id):
    Rich would otherwise size the column for the whole word and crop the table.
    Ids never split; a URL wraps after a '/'; other words longer than the column fold."""

    def __init__(self, text: str) -> None:
        from rich.text import Text

        self.raw = text
        self.text = Text(text, overflow="fold")

    def __rich_measure__(self, console: Any, options: Any) -> Any:
        from rich.measure import Measurement

        measured = Measurement.get(console, options, self.text)
        least = max(map(narrowest_width, self.raw.split()), default=0)
        return Measurement(min(measured.minimum, least), measured.maximum)

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from rich.text import Text

        width = options.max_width
        if not any(len(w) > width for w in self.raw.split()):
            yield self.text
            return
        lines = []
        for line in self.raw.split("\n"):
            words = []
            for word in line.split(" "):
                pieces = wrap_word(word, width)
                words.append("\n".join(pieces))
            lines.append(" ".join(words))
        yield Text("\n".join(lines), overflow="fold")


def _is_terminal(out: IO[str]) -> bool:
    try:
        return out.isatty()
    except (AttributeError, ValueError):
        return False
