"""Tables for people, drawn with Rich (imported only here, only when drawing).

A table is never cropped: text columns wrap (long words fold), numbers and
identifiers never split, and a table that cannot fit is drawn as wide as it
needs. Colour only on a terminal, never with ``NO_COLOR``.
"""

from __future__ import annotations

import os
from typing import IO, Any

from ketacalc.render import TableView

MAX_WORD = 14


def use_color(out: IO[str]) -> bool:
    return not os.environ.get("NO_COLOR") and _is_terminal(out)


def write_table(view: TableView, out: IO[str], width: int | None = None) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    tty = use_color(out)
    if width is None:
        env = os.environ.get("COLUMNS", "")
        if env.isdigit():
            width = int(env)
        elif not _is_terminal(out):
            width = 120  # piped: wide enough that nothing is cut
    from rich.measure import Measurement

    class _Console(Console):
        def on_broken_pipe(self) -> None:  # Rich would raise SystemExit(1); stop quietly instead
            from ketacalc.errors import OutputClosed

            raise OutputClosed()

    console = _Console(
        file=out,
        width=width,
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
                # a word is never split unless it is longer than MAX_WORD (then it folds)
                index = len(table.columns)
                words = [w for r in part.rows for w in r[index].split()] + col.header.split()
                shortest = min(max(map(len, words), default=1), MAX_WORD)
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
        console.print(table)


class _Foldable:
    """A text cell that may be narrower than its longest word (a URL, a long id):
    Rich would otherwise size the column for the whole word and crop the table.
    Words longer than the column fold; shorter ones never split."""

    def __init__(self, text: str) -> None:
        from rich.text import Text

        self.text = Text(text, overflow="fold")

    def __rich_measure__(self, console: Any, options: Any) -> Any:
        from rich.measure import Measurement

        measured = Measurement.get(console, options, self.text)
        return Measurement(min(measured.minimum, MAX_WORD), measured.maximum)

    def __rich_console__(self, console: Any, options: Any) -> Any:
        yield self.text


def _is_terminal(out: IO[str]) -> bool:
    try:
        return out.isatty()
    except (AttributeError, ValueError):
        return False
