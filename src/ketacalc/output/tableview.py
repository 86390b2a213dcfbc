"""What a table is, before anyone draws it: columns and rows of text."""

from __future__ import annotations

from typing import NamedTuple

#: a line break inside one phrase: a cell of a column that never wraps (an amount) is broken
#: by hand, ``with a 3-month`` / ``commitment``. A table draws it as a line break; a format
#: that writes a cell on one line (Markdown) as a space, where a plain line break between
#: two facts becomes ``; ``. (U+2028 LINE SEPARATOR: no data string holds it, ``check``
#: refuses it.)
GOES_ON = "\u2028"


class Column(NamedTuple):
    header: str
    number: bool = False  # right-aligned; never wraps and is never cut
    nowrap: bool = False  # identifiers and dates: never split either
    #: 0: always a column of its own. 1, 2, …: secondary, folded into the row's first
    #: text cell ("Header: value") when the table is too wide, the highest first
    priority: int = 0


class TableView:
    """A table to draw: a headline (the answer in words, above it), columns, rows
    of text, and further tables below it."""

    def __init__(
        self,
        columns: list[Column],
        rows: list[list[str]],
        title: str | None = None,
        caption: str | None = None,
        headline: list[str] | None = None,
    ) -> None:
        self.columns = columns
        self.rows = rows
        self.title = title
        self.caption = caption
        self.headline = headline or []
        self.sections: list[tuple[str, TableView]] = []


def inert_view(view: TableView) -> TableView:
    """The same table with every control character in its text escaped (line
    breaks kept): a name from a data file cannot drive the terminal."""
    from ketacalc.errors import inert

    def clean(text: str | None) -> str | None:
        return None if text is None else inert(text.replace(GOES_ON, "\n"), newlines=True)

    copy = TableView(
        [c._replace(header=inert(c.header, newlines=True)) for c in view.columns],
        [[clean(cell) for cell in row] for row in view.rows],  # type: ignore[misc]
        clean(view.title),
        clean(view.caption),
        [inert(line) for line in view.headline],
    )
    copy.sections = [(inert(heading, newlines=True), inert_view(part)) for heading, part in view.sections]
    return copy
