"""Tables for people, drawn with Rich (imported only here, only when drawing).

A table is never cropped: text columns wrap (long words fold), numbers and
identifiers never split, and a table that cannot fit is drawn as wide as it
needs. Colour only on a terminal, never with ``NO_COLOR``.
"""

from __future__ import annotations

import re
from typing import IO, Any

from ketacalc.output.tableview import Column, TableView, inert_view

MAX_WORD = 14


def write_table(view: TableView, out: IO[str], width: int | None = None) -> None:
    """Draw ``view`` (its headline, then the table and its sections) fitted to the
    width, with Rich's colour decision, without trailing padding; through the pager
    when it is longer than the terminal's screen."""
    from rich.text import Text

    view = inert_view(view)
    from ketacalc.output import terminal

    system = terminal.color_system(out)
    screen = width or terminal.width_for(out)
    buffer = terminal.buffer_for(out)
    console = terminal.console(buffer, screen, system)
    if view.headline:
        for line in view.headline:
            console.print(Text(line, style="headline"), width=screen)
        console.print()
    for index, (heading, part) in enumerate([(None, view), *view.sections]):
        if index:
            console.print()
        console.width = screen
        table = fitted(console, part, part.title if heading is None else heading, screen)
        console.print(table)
    terminal.show(terminal.strip_trailing(buffer.getvalue()), out)


def fitted(console: Any, part: TableView, title: str | None, screen: int) -> Any:
    """The Rich table of ``part`` that fits ``screen``: secondary columns are folded
    into the row's first text cell, the least important first; then identifiers may
    fold and number headers wrap. Only a table that still cannot fit is drawn as wide
    as it needs (the terminal wraps the long lines; nothing is lost)."""
    from rich.measure import Measurement

    columns, rows = list(part.columns), [list(r) for r in part.rows]
    relax = 0
    while True:
        table = _rich_table(part, title, columns, rows, relax)
        narrowest = Measurement.get(console, console.options.update_width(10_000), table).minimum
        if narrowest <= screen:
            break
        secondary = [i for i, c in enumerate(columns) if c.priority > 0]
        if secondary:
            fold = max(secondary, key=lambda i: (columns[i].priority, i))
            columns, rows = _fold(columns, rows, fold)
        elif relax < 3:
            relax += 1
        else:
            break
    console.width = max(screen, narrowest)
    _respect_minimums(console, table)
    return table


def _fold(columns: list[Column], rows: list[list[str]], fold: int) -> tuple[list[Column], list[list[str]]]:
    """Column ``fold`` moved into the first text column, as "Header: value" lines."""
    into = next((i for i, c in enumerate(columns) if not (c.number or c.nowrap) and i != fold), 0)
    label = " ".join(columns[fold].header.split())
    moved = []
    for row in rows:
        row = list(row)
        value = "; ".join(" ".join(line.split()) for line in row[fold].split("\n") if line.strip())
        if value:
            row[into] = f"{row[into]}\n{label}: {value}" if row[into] else f"{label}: {value}"
        del row[fold]
        moved.append(row)
    return [c for i, c in enumerate(columns) if i != fold], moved


def _rich_table(
    part: TableView, title: str | None, columns: list[Column], rows: list[list[str]], relax: int
) -> Any:
    """``relax`` 1: identifiers may fold; 2: number headers may wrap too; 3: number
    cells may wrap between words (an amount is one word, never split)."""
    from rich import box
    from rich.table import Table

    from ketacalc.output.terminal import styled

    table = Table(
        title=title,
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
    text_columns = []
    for index, col in enumerate(columns):
        whole = col.number or (col.nowrap and relax < 1)
        text_columns.append(not whole)
        if whole:
            lines = [line for r in rows for line in r[index].split("\n")]
            if relax >= 3:  # the last resort: cells wrap between words too (an amount stays whole)
                lines = [word for line in lines for word in line.split()]
            heads = col.header.split() if relax >= 2 else col.header.split("\n")
            longest = max([*map(len, lines), *map(len, heads)] or [1])  # never-wrapping header too
            justify = "right" if col.number else "left"
            header: Any = col.header
            if relax >= 2:  # the header may wrap between its words
                from rich.text import Text

                header = Text(col.header, no_wrap=False, overflow="fold")
            table.add_column(header, justify=justify, no_wrap=relax < 3, min_width=longest)
        else:
            # a word is never split unless it is longer than MAX_WORD (then it folds);
            # an id is never split (unless relaxed); a URL wraps after a '/'
            words = [w for r in rows for w in r[index].split()] + col.header.split()
            narrowest = narrowest_width if relax < 1 else _narrowest_relaxed
            shortest = max(map(narrowest, words), default=1)
            table.add_column(col.header, justify="left", overflow="fold", min_width=shortest)
    for row in rows:
        table.add_row(
            *(
                _Foldable(cell, relax >= 1) if text else styled(cell)
                for cell, text in zip(row, text_columns, strict=True)
            )
        )
    return table


def _narrowest_relaxed(word: str) -> int:
    return min(len(word), MAX_WORD)


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
    Ids never split (unless ``relaxed``); a URL wraps after a '/'; other words longer
    than the column fold. Words of meaning (available, stale, …) carry their style."""

    def __init__(self, text: str, relaxed: bool = False) -> None:
        from ketacalc.output.terminal import styled

        self.raw = text
        self.relaxed = relaxed
        self.text = styled(text)
        self.text.overflow = "fold"

    def __rich_measure__(self, console: Any, options: Any) -> Any:
        from rich.measure import Measurement

        measured = Measurement.get(console, options, self.text)
        narrowest = _narrowest_relaxed if self.relaxed else narrowest_width
        least = max(map(narrowest, self.raw.split()), default=0)
        return Measurement(min(measured.minimum, least), measured.maximum)

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from rich.text import Text

        from ketacalc.output.terminal import styled

        width = options.max_width
        if not any(len(w) > width for w in self.raw.split()):
            yield self.text
            return
        lines = []
        for line in self.raw.split("\n"):
            words = []
            for word in line.split(" "):
                pieces = (
                    [word[i : i + width] for i in range(0, len(word), width)]
                    if self.relaxed and _ID.fullmatch(word)
                    else wrap_word(word, width)
                )
                words.append("\n".join(pieces))
            lines.append(" ".join(words))
        text = styled(Text("\n".join(lines)))
        text.overflow = "fold"
        yield text
