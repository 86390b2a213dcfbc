"""Markdown tables: the table view as GitHub-flavoured pipe tables, to paste into
GitHub, Reddit or Obsidian.

The cells are the table view's own text, so columns and money read the same.
Every character Markdown would act on is escaped with a backslash (a pipe would
end the cell, ``<`` could start HTML, ``*`` and ``_`` emphasis). Cells are plain
text: no HTML at all (``<br>`` shows as written where raw HTML is off, as on
Reddit), so the lines of a cell are joined with ``; ``. No colour codes, ever.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import IO, Any

from ketacalc.errors import CONTROL
from ketacalc.output.tableview import GOES_ON

# ASCII punctuation that Markdown acts on inside a table cell. Backslash escapes of
# these work in CommonMark/GFM (GitHub, Obsidian) and in Reddit's Markdown.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#])")
_CONTROL = CONTROL  # ANSI escapes start with \x1b; C1 and bidi controls go too


def escape(text: str) -> str:
    """One line of text, safe in Markdown: special characters backslash-escaped."""
    text = _CONTROL.sub("", text.replace("\t", " "))
    return _SPECIAL.sub(r"\\\1", text)


def one_line(text: str) -> str:
    """The lines of a table cell as one line of plain text: separate facts are joined
    with ``; ``, a line that goes on (after ``:`` or ``,``, a parenthesis, or a phrase
    wrapped a word a line, as ``not`` / ``published``) with a space."""
    text = text.replace(GOES_ON, " ")  # a phrase broken by hand goes on
    lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        return ""
    joined = lines[0]
    for previous, line in zip(lines, lines[1:], strict=False):
        goes_on = (
            previous.endswith((":", ","))
            or line.startswith("(")
            or (_is_a_word(previous) and _is_a_word(line))
        )
        joined += (" " if goes_on else "; ") + line
    return joined


def _is_a_word(line: str) -> bool:
    return line.isalpha() and line.islower()


def cell(text: str) -> str:
    """A table cell: plain text on one line (no HTML, no ``<br>``), escaped, no edge spaces."""
    return escape(one_line(text))


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


#: what starts a list or a block where a line begins ("1. Alder", "- Acme", "+ Acme"): a
#: paragraph beginning with a data file's name must stay a paragraph
_BLOCK_START = re.compile(r"^(\d+)([.)])|^([-+])(?=\s|$)")


def paragraph(text: str) -> str:
    """Plain text below a table: one paragraph, its line breaks kept as spaces."""
    text = escape(" ".join(text.split()))
    return _BLOCK_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text, count=1)


def write_markdown(view: Any, out: IO[str], notes: Sequence[str] = ()) -> None:
    """Write a ``TableView`` and its sections: a heading, the headline (the answer in words,
    a paragraph a line: who serves the state, the lowest comparable total, the rules on the
    course's dates) and a table each, then the caption and any notes as plain lines below."""
    blocks: list[str] = []
    parts = [(view.title, view), *view.sections]
    for index, (title, part) in enumerate(parts):
        block: list[str] = []
        if title:
            block.append(("## " if index == 0 else "### ") + paragraph(title))
            block.append("")
        for line in part.headline:  # the answer in words, as the terminal opens with it
            block.append(paragraph(line))
            block.append("")
        block.extend(table_lines(part))
        if part.caption:
            block.append("")
            block.append(paragraph(part.caption))
        blocks.append("\n".join(block))
    for note in dict.fromkeys(notes):
        blocks.append("Note: " + paragraph(note))
    out.write("\n\n".join(blocks) + "\n")
