"""Tables for people, drawn as plain lines of text (no Rich: a table is one shape).

What is drawn, top to bottom: the headline (bold, wrapped at the screen), a blank
line, then each table: its title (wrapped at the screen, or at the table when the
table is wider), the header (multi-line headers bottom-aligned, bold), a rule of
``─`` (``-`` where the output's encoding has no ``─``), the rows, the caption
(wrapped as the title is); a blank line before each further section. Columns
are two spaces apart; no line carries trailing spaces. Widths are terminal cells
(East Asian wide characters are two, combining marks none).

A table is never cropped:

- a text column wraps at spaces; a word longer than MAX_WORD folds; an id
  (``vitalityscout-2026``) never splits; a URL wraps after a '/' (a part too long
  for the line before a '-', '_' or '.'), its last part never alone;
- a mark (``!``, ``‡``, a tier ``(C)``) stays on the line of the word it marks, and a
  label that starts a line (``route:``, a folded ``Per session:``) with its value's
  first word, unless the table cannot fit so (then before an id splits);
- a number (:attr:`Column.number`) is right-aligned and never split, nor is a
  ``nowrap`` cell (identifiers, dates);
- :func:`fitted` tries, in turn, until the narrowest the table can be fits the
  screen: folding secondary columns into the row's first text cell (the highest
  priority first), then the relax levels 1-3; a table that still does not fit is
  drawn as wide as it needs (the terminal wraps the long lines; nothing is lost).

Widths: each column is as wide as its longest line when the whole table fits.
Otherwise the widest columns are narrowed first: every column is drawn at most a
common width (the cap), never below its minimum (its longest unbreakable piece),
and a column narrower than the cap keeps its longest line (:func:`share`). So a
long description wraps while names, states and short notes stay whole, and no
column is squeezed while another has room. Width a wrapped column cannot use (its
lines are shorter than its width) is shared out again (:func:`fitted`).

Colour only when :func:`terminal.color_system` says so: the SGR codes of
:data:`terminal.STYLES` for the words of :data:`terminal.MEANINGS`, the header and
headline bold, the title italic and the caption dim italic (as Rich drew them).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import IO, NamedTuple

from ketacalc.output.tableview import Column, TableView, inert_view

MAX_WORD = 14
GAP = 2  # spaces between columns
#: how a table's text is drawn in colour: the meanings, and the parts of the table
_PARTS = {"header": "bold", "title": "italic", "caption": "dim italic"}


def write_table(view: TableView, out: IO[str], width: int | None = None) -> None:
    """Draw ``view`` (its headline, then the table and its sections) fitted to the
    width; through the pager when it is longer than the terminal's screen."""
    from ketacalc.output import terminal

    view = inert_view(view)
    colour = terminal.color_system(out) is not None
    screen = width or terminal.width_for(out)
    encoding = getattr(out, "encoding", None) or "utf-8"
    lines = draw(view, screen, colour=colour, rule=_rule_char(encoding))
    terminal.show("\n".join(lines) + "\n", out)


def draw(view: TableView, screen: int, colour: bool = False, rule: str = "─") -> list[str]:
    """The lines of ``view``: headline, blank line, the table, each section after a blank line."""
    paint = _painter(colour)
    lines = []
    if view.headline:
        for line in view.headline:
            lines += [paint(text, "headline") for text in _wrapped(line, screen, _chop)]
        lines.append("")
    for index, (heading, part) in enumerate([(None, view), *view.sections]):
        if index:
            lines.append("")
        lines += _draw_table(part, part.title if heading is None else heading, screen, paint, rule)
    return lines


def _rule_char(encoding: str) -> str:
    try:
        "─".encode(encoding)
    except (LookupError, UnicodeEncodeError):
        return "-"
    return "─"


# --------------------------------------------------------------- fitting


class Measure(NamedTuple):
    least: int  # the narrowest the column may be: its longest unbreakable piece
    most: int  # its longest line: wider never helps


class Fit(NamedTuple):
    """A table fitted to a screen: the columns and rows left after folding, the relax
    level reached, each column's measure and width, and the narrowest it could be."""

    columns: list[Column]
    rows: list[list[str]]
    relax: int
    measures: list[Measure]
    widths: list[int]
    narrowest: int


def fitted(part: TableView, screen: int) -> Fit:
    """``part`` fitted to ``screen``: secondary columns are folded into the row's first
    text cell, the least important first; then identifiers may fold (relax 1), number
    headers wrap (2) and number cells wrap between words (3). Only a table that still
    cannot fit is drawn as wide as it needs, every column at its minimum."""
    columns, rows = list(part.columns), [list(r) for r in part.rows]
    relax = 0
    labels: set[str] = set()  # of folded columns: "Per session:" stays with "$209.00"
    # 2: the labels of folded columns and a primary column's own ("route:" starting a line)
    # kept with their value's first word, and a mark with its word; 1: the mark only. A
    # secondary column's facts ("TRD†: good") may end a line on a label: never folded for it
    glue = 2
    while True:
        kept = labels if glue == 2 else None
        cells = [[row[i] for row in rows] for i in range(len(columns))]
        measures = [
            _measure(col, cells[i], relax, kept, glue > 0, glue == 2 and not col.priority)
            for i, col in enumerate(columns)
        ]
        gaps = GAP * max(len(columns) - 1, 0)
        narrowest = sum(m.least for m in measures) + gaps
        if narrowest <= screen:
            break
        secondary = [i for i, c in enumerate(columns) if c.priority > 0 and _into(columns, i) != i]
        if secondary:
            fold = max(secondary, key=lambda i: (columns[i].priority, i))
            labels.add(_label(columns[fold]))
            columns, rows = _fold(columns, rows, fold)
        elif glue:  # a label may end a line, then a mark start one, before an id splits (relax 1)
            glue -= 1
        elif relax < 3:
            relax += 1
        else:
            break
    widths = share(measures, max(screen, narrowest) - gaps)
    return Fit(columns, rows, relax, measures, _tightened(columns, rows, relax, measures, widths), narrowest)


def _tightened(
    columns: list[Column], rows: list[list[str]], relax: int, measures: list[Measure], widths: list[int]
) -> list[int]:
    """``widths`` with no column wider than the lines it draws (a wrapped column may
    use less than it was given): what is freed is shared again among the other columns
    still short of their longest line (a column that could not use its width gets no
    more), until nothing is freed or no column is short. What no column can use is
    given back to the widest one that wraps, so a table that wraps spans the screen
    (and its caption is wrapped at the screen's width)."""
    settled: set[int] = set()  # columns drawn narrower than they were given
    room = sum(widths)
    for _ in range(len(columns)):
        laid = _layout(columns, rows, relax, widths)
        drawn = [max(m.least, _drawn_width(*column)) for column, m in zip(laid, measures, strict=True)]
        settled |= {i for i, (d, w) in enumerate(zip(drawn, widths, strict=True)) if d < w}
        wanting = [i for i, m in enumerate(measures) if drawn[i] < m.most and i not in settled]
        freed = sum(widths) - sum(drawn)
        if freed <= 0 or not wanting:
            widths = drawn
            break
        more = share(
            [measures[i]._replace(least=drawn[i]) for i in wanting], sum(drawn[i] for i in wanting) + freed
        )
        widths = list(drawn)
        for i, width in zip(wanting, more, strict=True):
            widths[i] = width
    if settled and sum(widths) < room:  # what no column can use stays with the widest wrapped one:
        widest = max(sorted(settled), key=widths.__getitem__)  # a table that wraps spans the screen
        widths[widest] += room - sum(widths)
    return widths


def _drawn_width(texts: list[str], spans: list[list[Span]]) -> int:
    return max(
        (cell_width(text[a:b]) for text, lines in zip(texts, spans, strict=True) for a, b in lines), default=0
    )


def _layout(
    columns: list[Column], rows: list[list[str]], relax: int, widths: list[int]
) -> list[tuple[list[str], list[list[Span]]]]:
    """For each column, its texts (the header, then each row's cell) and the lines
    each is drawn in at ``widths``."""
    pieces = _relaxed_pieces if relax >= 1 else wrap_word
    found = []
    for i, column in enumerate(columns):
        whole = _whole(column, relax)
        header = _spans(column.header, widths[i], None if whole and relax < 2 else pieces)
        wraps = None if whole and relax < 3 else pieces
        cells = [row[i] for row in rows]
        found.append(([column.header, *cells], [header, *(_spans(cell, widths[i], wraps) for cell in cells)]))
    return found


def _into(columns: list[Column], fold: int) -> int:
    """The column that column ``fold`` is folded into: the first other text column (else
    the first column; never itself: a lone column is not folded away)."""
    return next((i for i, c in enumerate(columns) if not (c.number or c.nowrap) and i != fold), 0)


def _fold(columns: list[Column], rows: list[list[str]], fold: int) -> tuple[list[Column], list[list[str]]]:
    """Column ``fold`` moved into the first text column, as "Header: value" lines. With no
    text column left, the first column takes them and is drawn as text from then on (left
    aligned, wrapping): folded lines right-aligned under a number read as ragged scraps."""
    into = _into(columns, fold)
    if columns[into].number or columns[into].nowrap:
        columns = [c._replace(number=False, nowrap=True) if i == into else c for i, c in enumerate(columns)]
    label = _label(columns[fold])
    moved = []
    for row in rows:
        row = list(row)
        lines = [" ".join(line.split()) for line in row[fold].split("\n") if line.strip()]
        # lines are facts joined by "; "; a line ending in its own ";" or "," goes on after a space
        value = "".join(
            line + ("" if k == len(lines) - 1 else " " if line[-1] in ";,:" else "; ")
            for k, line in enumerate(lines)
        )
        if value:
            row[into] = f"{row[into]}\n{label} {value}" if row[into] else f"{label} {value}"
        del row[fold]
        moved.append(row)
    return [c for i, c in enumerate(columns) if i != fold], moved


def _label(column: Column) -> str:
    """The label a folded column's value takes: its header on one line, then a colon."""
    return " ".join(column.header.split()) + ":"


#: an amount or a count in a number column ("$1,800.00", "$300.00‡", "24:"), never broken;
#: a word of text there ("(Introduction-for-the-last-12-months)") may be, as a last resort
_AMOUNT = re.compile(r"\(?\$|\d[\d,.]*:?$")


def _whole(column: Column, relax: int) -> bool:
    """A column whose cells are never wrapped at this relax level (numbers; ``nowrap`` until relax 1)."""
    return column.number or (column.nowrap and relax < 1)


def _measure(
    column: Column, cells: list[str], relax: int, labels: set[str] | None, marks: bool, own: bool = False
) -> Measure:
    """How narrow and how wide the column may be; ``labels``, ``marks`` and ``own`` as
    :func:`_unbroken` takes them."""
    lines = [line for cell in cells for line in cell.split("\n")]
    heads = column.header.split("\n")
    most = max(map(cell_width, [*lines, *heads]), default=0)
    if _whole(column, relax):
        # relax 3: cells wrap between words (an amount is one word; a word of text, as a plan's
        # name under its price, may break as text does); 2: the header does
        pieces = [w for line in lines for w in line.split()] if relax >= 3 else lines
        sizes = [
            _narrowest_relaxed(w) if relax >= 3 and not _AMOUNT.match(w) else cell_width(w) for w in pieces
        ]
        least = max([*sizes, *map(cell_width, column.header.split() if relax >= 2 else heads)], default=0)
    else:
        narrowest = narrowest_width if relax < 1 else _narrowest_relaxed
        sizes = [size for line in [*lines, *heads] for size in _unbroken(line, narrowest, labels, marks, own)]
        least = max(sizes, default=0)
    least = max(least, 1)
    return Measure(least, max(most, least))


def _unbroken(
    line: str, narrowest: Callable[[str], int], labels: set[str] | None, marks: bool, own: bool = False
) -> list[int]:
    """The narrowest each unbreakable piece of ``line`` may be drawn: a word, with the mark
    after it (``fern-site-2026-04 (A)``, ``2025-06-13 !``), which :func:`_wrap_line` never
    leaves alone at the start of a line; a label that starts the line with the first word
    of its value (``route: injection``; ``Per session: $209.00``, one of ``labels``), so
    the label never ends a line alone. A label of the line's own (its first word ends in a
    colon) is kept so only with ``own``. With ``labels`` None no label is kept with its value,
    and without ``marks`` no mark with its word: the table could not fit otherwise."""
    glued = 0  # how many words from the line's start are one piece: a label's and a value's first
    if labels is not None:
        label = next((a for a in labels if line.startswith(a + " ")), line.split(" ", 1)[0] if own else "")
        glued = len(label.split()) + 1 if label.endswith(":") else 0
    sizes: list[int] = []
    end = 0
    bound = False  # the word before was one that never ends a line ("×")
    for k, match in enumerate(_WORD.finditer(line)):
        word = match.group()
        if ((marks and word in _MARKS) or bound or 0 < k < glued) and sizes:
            sizes[-1] += cell_width(line[end : match.end()])
        else:
            sizes.append(narrowest(word))
        end = match.end()
        bound = word in _BINDS
    return sizes


def share(measures: list[Measure], room: int) -> list[int]:
    """Column widths that add up to ``room`` (or less, when every column has its longest
    line): the widest columns are narrowed first, each down to the same width (a cap)
    but never below its minimum; a column narrower than the cap keeps its longest
    line. A cell the cap leaves over goes to the leftmost capped column."""
    if sum(m.most for m in measures) <= room:
        return [m.most for m in measures]

    def capped(cap: int) -> list[int]:
        return [min(m.most, max(m.least, cap)) for m in measures]

    low, high = 0, max(m.most for m in measures)  # the highest cap that fits: capped(low) fits
    while low < high:
        middle = (low + high + 1) // 2
        if sum(capped(middle)) <= room:
            low = middle
        else:
            high = middle - 1
    widths = capped(low)
    left = room - sum(widths)
    for i, m in enumerate(measures):
        if left > 0 and widths[i] == low < m.most:
            widths[i] += 1
            left -= 1
    return widths


# --------------------------------------------------------------- words


def _narrowest_relaxed(word: str) -> int:
    return min(cell_width(word), MAX_WORD)


#: an id (a source, a provider, a date), with the punctuation a sentence puts around it:
#: ``(ketcare-compare-2026,`` is drawn whole as ``ketcare-compare-2026`` is
_ID = re.compile(r"[(\[]?[a-z0-9-]+[)\],;:.]*")
#: where a URL (or a word with slashes) may break: after a "/", never inside "://"
_AFTER_SLASH = re.compile(r"(?<=/)(?<!://)(?=[^/])")
#: and where a part of a URL too long for a line may: before a "-", "_", ".", "?", "&", "="
#: or "#" (a line ending in "-" would read as a hyphenated word, and the "-" as not the URL's)
_IN_URL_PART = re.compile(r"(?<=[^-_.?&=#])(?=[-_.?&=#])")


def narrowest_width(word: str) -> int:
    """The narrowest a word may be drawn: an id (``vitalityscout-2026``, also in brackets
    or before a comma) whole; a URL as its longest part between slashes; any other word
    down to MAX_WORD."""
    if _ID.fullmatch(word):
        return len(word)
    if "/" in word:
        return min(max(map(cell_width, _AFTER_SLASH.split(word))), MAX_WORD)
    return min(cell_width(word), MAX_WORD)


def wrap_word(word: str, width: int) -> list[str]:
    """A word too long for ``width`` as lines: a URL (or a path) broken after its slashes,
    each line as full as fits (:func:`_url_lines`); an id never breaks; another word folds."""
    if cell_width(word) <= width or _ID.fullmatch(word):
        return [word]
    if "/" in word:  # a URL, or a path ("screenshots/mindbloom-2026-08-07T172926.png")
        return _url_lines(word, width)
    return _chop(word, width)


def _url_lines(url: str, width: int) -> list[str]:
    """``url`` as lines no wider than ``width``, where a URL breaks: after a "/" (the scheme
    stays with the host); a part longer than the line before a "-", "_" or "." in it, and
    folded only where it has none. Its last part never stands alone on the last line (a
    bare "12285946" or "role-of-a-sitter" reads as a word, not as the URL's end): the part
    before it goes down with it when both fit."""
    pieces = [
        piece
        for part in _AFTER_SLASH.split(url)
        for piece in (_IN_URL_PART.split(part) if cell_width(part) > width else [part])
    ]
    lines = _filled(pieces, width)
    if len(lines) > 1 and len(lines[-1]) == 1 and len(lines[-2]) > 1:
        carried = [lines[-2][-1], *lines[-1]]
        if cell_width("".join(carried)) <= width:
            lines[-2:] = [lines[-2][:-1], carried]
    return ["".join(line) for line in lines]


def _filled(pieces: list[str], width: int) -> list[list[str]]:
    """``pieces`` put on lines, each as full as fits; a piece longer than the width folds."""
    lines: list[list[str]] = []
    line: list[str] = []
    for piece in pieces:
        if line and cell_width("".join(line)) + cell_width(piece) > width:
            lines.append(line)
            line = []
        line.append(piece)
        if cell_width("".join(line)) > width:  # a piece longer than the width: fold it
            *full, last = _chop("".join(line), width)
            lines += [[text] for text in full]
            line = [last]
    if line:
        lines.append(line)
    return lines


_AFTER_HYPHEN = re.compile(r"(?<=-)(?=[^-])")


def _relaxed_pieces(word: str, width: int) -> list[str]:
    """As :func:`wrap_word`, but an id folds too (relax 1 and above): after a hyphen
    (``mindbloom-notes-`` / ``2026``), a part longer than the width where it must."""
    if cell_width(word) <= width or not _ID.fullmatch(word):
        return wrap_word(word, width)
    return ["".join(line) for line in _filled(_AFTER_HYPHEN.split(word), width)]


def _chop(word: str, width: int) -> list[str]:
    """``word`` in pieces of at most ``width`` cells (a piece holds one character at least)."""
    if word.isascii():
        return [word[i : i + width] for i in range(0, len(word), width)] or [word]
    pieces, piece, used = [], "", 0
    for char in word:
        size = _char_width(char)
        if piece and used + size > width:
            pieces.append(piece)
            piece, used = "", 0
        piece += char
        used += size
    return [*pieces, piece]


def cell_width(text: str) -> int:
    """How many terminal cells ``text`` takes (East Asian wide: 2; combining marks: 0)."""
    return len(text) if text.isascii() else sum(map(_char_width, text))


_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")


def _char_width(char: str) -> int:
    if char < "\u0300":
        return 1
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me") or char in _ZERO_WIDTH:
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


# --------------------------------------------------------------- wrapping

Span = tuple[int, int]  # a drawn line as the part of a cell's text it shows
_WORD = re.compile(r"\S+")


def _spans(text: str, width: int, pieces: Callable[[str, int], list[str]] | None) -> list[Span]:
    """``text``'s lines (its own line breaks kept) wrapped at ``width`` as spans of
    ``text``; ``pieces`` breaks a word longer than the width (None: lines never wrap)."""
    spans: list[Span] = []
    offset = 0
    for line in text.split("\n"):
        if pieces is None:
            spans.append((offset, offset + len(line.rstrip())))
        else:
            spans += [(offset + a, offset + b) for a, b in _wrap_line(line, width, pieces)]
        offset += len(line) + 1
    return spans


#: the signs a table puts after what they mark: stale "!", a plan for some "‡", an assumed "*",
#: an opinion "†" (a dash "—" or a bracket starts what follows it: it may begin a line)
_SIGNS = frozenset("!‡*†")
#: the marks that never start a line alone: the signs, and a source's trust tier after its id
#: (``fern-site-2026-04 (A)``); each is measured with the word before it (:func:`_measure`)
_MARKS = _SIGNS | {"(A)", "(B)", "(C)"}
#: and the marks a caption's sentence may open with ("— = not published")
_OPENERS = _SIGNS | {"—"}
#: the words that never end a line: a count's sign stays with its count ("× 6")
_BINDS = frozenset({"×"})
#: a one-word label, as a fact after "; " opens with it ("flexibility†:", "TRD†:")
_FACT_LABEL = re.compile(r"[^\W\d][\w!‡*†/-]*:")


def _wrap_line(line: str, width: int, pieces: Callable[[str, int], list[str]]) -> list[Span]:
    """One line filled word by word, as Rich wraps: a word that does not fit starts the
    next line; a word longer than the width is broken into ``pieces``, the first on
    this line if it fits, each further piece on a line of its own."""
    lines: list[Span] = []
    start = end = used = 0  # the line being filled is line[start:end], ``used`` cells wide
    last = before = 0  # where its last word starts, and where the word before that one ends
    for match in _WORD.finditer(line):
        a, b = match.span()
        word = match.group()
        size = cell_width(word)
        gap = cell_width(line[end:a])  # the spaces before the word (the indent before the first)
        if used + gap + size <= width:
            last, before = (a, end) if end > start else (last, before)
            end, used = b, used + gap + size
            continue
        if size <= width:
            # a mark ("!", "‡") never starts a line alone: the word it marks goes down with it;
            # one that opens a sentence ("provider. ‡ Better U's …") never ends a line alone,
            # nor does the label of a fact after a "; " ("moderate; TRD†:") without its value,
            # nor a count's sign ("×") without its count
            carried = cell_width(line[last:b])
            after = before > start and line[before - 1] in ".;:"
            opens = after and (line[last:end] in _OPENERS or bool(_FACT_LABEL.fullmatch(line[last:end])))
            binds = line[last:end] in _BINDS  # "×" goes down with its count
            if (word in _MARKS or opens or binds) and last > start and carried <= width:
                lines.append((start, before))
                # the new line holds the carried word and this one: this one is its last word,
                # the carried one ends before it (a further carry never leaves a trailing space)
                start, end, used, last, before = last, b, carried, a, end
                continue
            if end > start:
                lines.append((start, end))
            start, end, used = a, b, size
            last = before = a
            continue
        parts = pieces(word, width)
        first = cell_width(parts[0])
        if end > start and used + gap + first <= width:
            end, used = a + len(parts[0]), used + gap + first
        else:
            if end > start:
                lines.append((start, end))
            start, end, used = a, a + len(parts[0]), first
        at = end
        for part in parts[1:]:
            lines.append((start, end))
            start, end, used = at, at + len(part), cell_width(part)
            at = end
        last = before = start
    lines.append((start, end))
    return lines


def _wrapped(text: str, width: int, pieces: Callable[[str, int], list[str]]) -> list[str]:
    return [text[a:b] for a, b in _spans(text, width, pieces)]


# --------------------------------------------------------------- drawing

Painter = Callable[[str, str], str]


def _painter(colour: bool) -> Painter:
    """``paint(text, style)``: ``text`` in the SGR codes of a style (a meaning of
    terminal.STYLES or a part of the table); the text itself without colour."""
    if not colour:
        return lambda text, style: text
    from ketacalc.output.terminal import STYLES, sgr

    codes = {name: sgr(style) for name, style in {**STYLES, **_PARTS}.items()}
    return lambda text, style: f"{codes[style]}{text}\x1b[0m" if text else text


def _meanings(text: str) -> list[tuple[int, int, str]]:
    """Where the words of meaning are in ``text``, and the style of each (first found wins)."""
    from ketacalc.output.terminal import MEANINGS

    found: list[tuple[int, int, str]] = []
    for pattern, style in MEANINGS:
        found += [(m.start(), m.end(), style) for m in re.finditer(pattern, text) if m.end() > m.start()]
    found.sort()
    kept: list[tuple[int, int, str]] = []
    for a, b, style in found:
        if not kept or a >= kept[-1][1]:
            kept.append((a, b, style))
    return kept


class _Cell(NamedTuple):
    text: str
    spans: list[Span]
    right: bool


def _draw_table(part: TableView, title: str | None, screen: int, paint: Painter, rule: str) -> list[str]:
    fit = fitted(part, screen)
    widths = fit.widths
    table_width = sum(widths) + GAP * max(len(widths) - 1, 0)
    # a title and a caption frame the table but are prose: they wrap at the screen (a narrow
    # table's title, "Payment schedule from 2026-12-02", stays on one line, and its caption
    # is not squeezed into the table's few columns)
    prose_width = max(table_width, screen)
    lines = [paint(line, "title") for line in _wrapped(title, prose_width, _chop)] if title else []
    if widths:
        laid = _layout(fit.columns, fit.rows, fit.relax, widths)
        right = [column.number for column in fit.columns]
        heads = [_Cell(texts[0], spans[0], r) for (texts, spans), r in zip(laid, right, strict=True)]
        lines += [paint(line, "header") for line in _row(heads, widths, None, bottom=True)]
        lines.append(rule * table_width)
        for k in range(1, len(fit.rows) + 1):
            cells = [_Cell(texts[k], spans[k], r) for (texts, spans), r in zip(laid, right, strict=True)]
            lines += _row(cells, widths, paint, bottom=False)
    if part.caption:
        lines += [paint(line, "caption") for line in _wrapped(part.caption, prose_width, _chop)]
    return lines


def _row(cells: list[_Cell], widths: list[int], paint: Painter | None, bottom: bool) -> list[str]:
    """The lines of one row: each cell padded to its column's width (right-aligned
    for numbers), top-aligned (bottom-aligned: the header), no trailing spaces."""
    height = max(len(cell.spans) for cell in cells)
    drawn = []
    for cell, width in zip(cells, widths, strict=True):
        styles = _meanings(cell.text) if paint is not None else []
        lines = [_line(cell, span, width, styles, paint) for span in cell.spans]
        blank = [" " * width] * (height - len(lines))
        drawn.append(blank + lines if bottom else lines + blank)
    return [(" " * GAP).join(parts).rstrip(" ") for parts in zip(*drawn, strict=True)]


def _line(
    cell: _Cell, span: Span, width: int, styles: list[tuple[int, int, str]], paint: Painter | None
) -> str:
    a, b = span
    plain = cell.text[a:b]
    text = plain
    if paint is not None and styles:
        text, at = "", a
        for start, end, style in styles:
            start, end = max(start, a), min(end, b)
            if start < end:
                text += cell.text[at:start] + paint(cell.text[start:end], style)
                at = end
        text += cell.text[at:b]
    pad = " " * max(width - cell_width(plain), 0)
    return pad + text if cell.right else text + pad
