"""Markdown tables: the table view as GitHub-flavoured pipe tables, to paste into
GitHub, Reddit or Obsidian.

The cells are the table view's own text, so columns and money read the same.
Every character Markdown would act on is escaped with a backslash (a pipe would
end the cell, ``<`` could start HTML, ``*`` and ``_`` emphasis); a line break in
a cell becomes ``<br>``. No colour codes, ever.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import IO, Any

from ketacalc.errors import CONTROL

# ASCII punctuation that Markdown acts on inside a table cell. Backslash escapes of
# these work in CommonMark/GFM (GitHub, Obsidian) and in Reddit's Markdown.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#])")
_CONTROL = CONTROL  # ANSI escapes start with \x1b; C1 and bidi controls go too


def escape(text: str) -> str:
    """One line of text, safe in Markdown: special characters backslash-escaped."""
    text = _CONTROL.sub("", text.replace("\t", " "))
    return _SPECIAL.sub(r"\\\1", text)


def cell(text: str) -> str:
    """A table cell: escaped, each line break a ``<br>``, no edge spaces."""
    lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").split("\n")]
    return "<br>".join(escape(line) for line in lines if line) if any(lines) else ""


def header(text: str) -> str:
    """A header cell on one line (a multi-line header reads as words)."""
    return escape(" ".join(text.split()))


def _is_number(column: Any) -> bool:
    return bool(getattr(column, "number", False)) or getattr(column, "justify", "left") == "right"


def table_lines(view: Any) -> list[str]:
    columns = list(view.columns)
    lines = [
        "| " + " | ".join(header(c.header) or " " for c in columns) + " |",
        "|" + "|".join("---:" if _is_number(c) else "---" for c in columns) + "|",
    ]
    for row in view.rows:
        cells = [cell(str(value)) for value in row]
        cells += [""] * (len(columns) - len(cells))
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def paragraph(text: str) -> str:
    """Plain text below a table: one paragraph, its line breaks kept as spaces."""
    return escape(" ".join(text.split()))


def write_markdown(view: Any, out: IO[str], notes: Sequence[str] = ()) -> None:
    """Write a ``TableView`` and its sections: a heading and a table each, then the
    caption and any notes as plain lines below."""
    blocks: list[str] = []
    parts = [(view.title, view), *view.sections]
    for index, (title, part) in enumerate(parts):
        block: list[str] = []
        if title:
            block.append(("## " if index == 0 else "### ") + paragraph(title))
            block.append("")
        block.extend(table_lines(part))
        if part.caption:
            block.append("")
            block.append(paragraph(part.caption))
        blocks.append("\n".join(block))
    for note in dict.fromkeys(notes):
        blocks.append("Note: " + paragraph(note))
    out.write("\n\n".join(blocks) + "\n")
