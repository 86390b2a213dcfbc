"""Every table fits an 80-column terminal: text wraps, and nothing is cropped (fixture data)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import FIXTURE_IDS

PROVIDERS = list(FIXTURE_IDS)
COMMANDS = [
    ["providers"],
    ["compare"],
    ["compare", "--state", "TX"],
    ["compare", "--state", "NY", "--sessions", "12", "--include-unavailable"],
    ["compare", "--sessions", "14", "--returning", "--route", "injection"],
    ["eligibility", "--state", "CA"],
    *[[command, p] for p in PROVIDERS for command in ("show", "history", "states")],
    # cost refuses a provider without a price (elm, gale; fern before its first price)
    *[["cost", p, "-n", "24", "--as-of", "2025-06-13"] for p in ("alder", "birch", "cedar", "dune")],
    ["cost", "fern", "-n", "24"],
    ["cost", "alder", "-n", "1-6"],
    ["cost", "birch", "-n", "200", "--state", "TX", "--insurer", "aetna"],
]


@pytest.fixture
def measured(monkeypatch):
    """Record, for every table drawn, how narrow it can be and how wide the screen is."""
    from ketacalc.output import table

    seen: list[tuple[str | None, int, int]] = []
    original = table.fitted

    def spy(part, screen):
        fit = original(part, screen)
        seen.append((part.title, fit.narrowest, screen))
        return fit

    monkeypatch.setattr(table, "fitted", spy)
    return seen


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_tables_fit_80_columns_without_cropping(cli, measured, args):
    result = cli(*args, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    assert measured, "no table was drawn"
    for title, narrowest, width in measured:
        assert width == 80
        assert narrowest <= width, f"table {title!r} needs {narrowest} columns and would be cropped"
    assert all(len(line) <= 80 for line in result.stdout.splitlines())
    # money is never split across lines
    assert not re.search(r"\$[\d,]*\n", result.stdout)


# --------------------------------------------------------------- drawn without Rich

#: runs the command line as ``ketacalc`` does, then names every Rich module it imported
IMPORTED_RICH = """
import sys
from ketacalc.__main__ import run
sys.argv = ["ketacalc", *sys.argv[1:]]
code = run()
sys.stdout.flush()
print(sorted(m for m in sys.modules if m == "rich" or m.startswith("rich.")), file=sys.stderr)
sys.exit(code)
"""


@pytest.mark.parametrize(
    "args",
    [["compare", "--state", "TX"], ["states", "birch"], ["cost", "alder", "-n", "14"], ["providers"]],
    ids=" ".join,
)
def test_a_piped_table_imports_no_rich_module(args):
    """Piped, without colour, a table command draws without importing Rich at all."""
    import os
    import subprocess
    import sys

    env = {
        k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")
    }
    proc = subprocess.run(
        [sys.executable, "-c", IMPORTED_RICH, *args], capture_output=True, text=True, env=env, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert "────" in proc.stdout  # a table was drawn
    assert proc.stderr.splitlines()[-1] == "[]"


def test_colour_still_comes_when_forced(cli):
    """FORCE_COLOR on a pipe: Rich decides, as before, and the codes are Rich's."""
    out = cli("states", "birch", env={"FORCE_COLOR": "1", "NO_COLOR": None, "TERM": "xterm-256color"}).stdout
    assert "\x1b[32mavailable\x1b[0m" in out and "\x1b[33munknown\x1b[0m" in out
    assert out.startswith("\x1b[1mBirch Clinic is available")  # the headline, bold


# --------------------------------------------------------------- the renderer's rules

_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-/.:0123456789ÉéXY", min_size=1, max_size=24)
_CELL = st.lists(st.lists(_WORD, min_size=0, max_size=6).map(" ".join), min_size=1, max_size=3).map("\n".join)
_AMOUNT = st.decimals(min_value=0, max_value=10**6, places=2).map(lambda d: f"${d:,.2f}")


@st.composite
def _views(draw):
    from ketacalc.output.tableview import Column, TableView

    kinds = draw(st.lists(st.sampled_from(["text", "number", "nowrap"]), min_size=1, max_size=5))
    columns = [
        Column(
            draw(_WORD) + draw(st.sampled_from(["", "\nmore"])),
            number=kind == "number",
            nowrap=kind == "nowrap",
            priority=draw(st.sampled_from([0, 0, 1, 2])),
        )
        for kind in kinds
    ]
    rows = [[draw(_AMOUNT if c.number else _CELL) for c in columns] for _ in range(draw(st.integers(0, 4)))]
    caption = draw(st.none() | _CELL)
    return TableView(columns, rows, title=draw(st.none() | _WORD), caption=caption)


@given(view=_views(), screen=st.integers(20, 160))
def test_every_line_fits_when_the_minimums_do_and_every_word_is_kept_in_order(view, screen):
    """Whenever the narrowest the table can be fits the screen, no drawn line is wider
    than the screen; always, read down each column, every cell's words come out
    whole (a folded word in consecutive pieces) and in order."""
    from ketacalc.output.table import GAP, cell_width, draw, fitted

    view.title = view.caption = None
    fit = fitted(view, screen)
    lines = draw(view, screen)
    if fit.narrowest <= screen:
        assert all(cell_width(line) <= screen for line in lines), "\n".join(lines)
    assert all(line == line.rstrip() for line in lines)
    if not view.columns:
        return
    rules = [i for i, line in enumerate(lines) if line and set(line) == {"─"}]
    assert rules, "\n".join(lines)
    body = lines[rules[0] + 1 :]
    left = 0
    for i, width in enumerate(fit.widths):
        drawn = "".join(line[left : left + width] for line in body)
        assert "".join(drawn.split()) == "".join("".join(row[i].split()) for row in fit.rows), "\n".join(
            lines
        )
        assert all(line[left + width : left + width + GAP].strip() == "" for line in body)  # nothing spills
        left += width + GAP


@given(
    words=st.lists(
        st.from_regex(
            r"[a-z0-9-]{1,20}|https://[a-z]{1,9}(/[a-z]{1,12}){1,4}|[A-Z][a-z]{1,25}", fullmatch=True
        ),
        min_size=1,
        max_size=8,
    ),
    width=st.integers(14, 40),
)
def test_a_text_column_keeps_ids_whole_and_breaks_urls_after_a_slash(words, width):
    from ketacalc.output.table import _spans, wrap_word

    text = " ".join(words)
    lines = [text[a:b] for a, b in _spans(text, width, wrap_word)]
    for word in words:
        if re.fullmatch(r"[a-z0-9-]+", word):
            assert any(word in line.split() for line in lines), (word, lines)  # whole, on one line
    for line in lines:
        for piece in line.split():
            if len(piece) > width:
                assert re.fullmatch(r"[a-z0-9-]+", piece), (piece, lines)  # only an id may be wider
    assert "".join(text.split()) == "".join("".join(line.split()) for line in lines)


@given(
    words=st.lists(st.from_regex(r"[a-z0-9$,.-]{1,12}", fullmatch=True), min_size=1, max_size=8),
    mark=st.sampled_from(["!", "‡", "*"]),
    width=st.integers(6, 30),
)
def test_a_mark_never_starts_a_line_alone(words, mark, width):
    """ "2025-06-13 !" wrapped leaves no "!" on a line of its own: the word it marks goes
    down with it (when both fit the width), and every word is kept, in order."""
    from ketacalc.output.table import _spans, wrap_word

    text = " ".join([*words, mark])
    lines = [text[a:b] for a, b in _spans(text, width, wrap_word)]
    assert "".join(text.split()) == "".join("".join(line.split()) for line in lines)
    if len(words) > 1 and len(words[-1]) + 2 <= width:
        assert lines[-1] != mark, lines
        assert all(len(line) <= width for line in lines if " " in line), lines


def test_a_mark_opening_a_sentence_goes_down_with_it_and_one_after_its_word_stays():
    """A caption ended a line "…with the provider. ‡" and explained the mark on the next; a
    stale mark after its date ("2025-06-13 !") stays with the date."""
    from ketacalc.output.table import _spans, wrap_word

    text = "check it with the provider. ‡ Better U is for some"
    assert [text[a:b] for a, b in _spans(text, 30, wrap_word)] == [
        "check it with the provider.",
        "‡ Better U is for some",
    ]
    text = "it is old. — = not published"
    assert [text[a:b] for a, b in _spans(text, 12, wrap_word)] == ["it is old.", "— = not", "published"]
    text = "price 2025-06-13 ! Better one"
    assert [text[a:b] for a, b in _spans(text, 19, wrap_word)] == ["price 2025-06-13 !", "Better one"]


@given(
    words=st.lists(st.from_regex(r"[a-z()]{1,10}", fullmatch=True), min_size=1, max_size=6),
    count=st.integers(2, 40),
    width=st.integers(6, 30),
)
def test_a_counts_sign_never_ends_a_line(words, count, width):
    """``cost`` at 80 columns drew "Session (pay per visit) ×" and "6" on the next line:
    the sign goes down with its count (when both fit the width), every word kept in order."""
    from ketacalc.output.table import _spans, wrap_word

    text = " ".join([*words, "×", str(count)])
    lines = [text[a:b] for a, b in _spans(text, width, wrap_word)]
    assert "".join(text.split()) == "".join("".join(line.split()) for line in lines)
    assert not [line for line in lines if line.endswith("×")], lines
    assert lines[-1].endswith(f"× {count}"), lines


def test_a_charge_counted_more_than_once_keeps_its_count_on_one_line():
    """The column's narrowest width holds "× 6" whole, so a narrow table never splits it."""
    from ketacalc.output.table import draw
    from ketacalc.output.tableview import Column, TableView

    view = TableView([Column("Charge"), Column("Amount")], [["Session (pay per visit) × 12", "$2,388.00"]])
    for width in (20, 24, 30):
        lines = draw(view, width)
        assert any(line.rstrip().endswith("× 12") or "× 12 " in line for line in lines), "\n".join(lines)


def test_a_dash_may_start_a_line_it_is_not_a_mark():
    """Only the table's marks take a word down with them: "(old list)" stays whole before
    a dash that starts the next line."""
    from ketacalc.output.table import _spans, wrap_word

    text = "available (old list) — in-person visit"
    assert [text[a:b] for a, b in _spans(text, 21, wrap_word)] == [
        "available (old list)",
        "— in-person visit",
    ]


def test_the_rule_is_ascii_where_the_output_cannot_encode_it():
    import io

    from ketacalc.output.table import write_table
    from ketacalc.output.tableview import Column, TableView

    view = TableView([Column("Provider"), Column("Total", number=True)], [["Alder Health", "$1.00"]])
    for encoding, rule in (("latin-1", "-"), ("ascii", "-"), ("cp1252", "-"), ("utf-8", "─")):
        out = io.TextIOWrapper(io.BytesIO(), encoding=encoding, errors="replace")
        write_table(view, out, width=40)
        out.seek(0)
        lines = out.read().splitlines()
        assert lines[1] == rule * len(lines[0]), (encoding, lines)
        assert lines[2] == "Alder Health  $1.00"


def test_a_narrow_tables_title_wraps_at_the_screen_not_at_the_table(cli):
    """``cost``'s payment schedule is three narrow columns: its title stays one line
    on an 80-column screen, and wraps only where the screen ends; a caption too."""
    from ketacalc.output.table import draw
    from ketacalc.output.tableview import Column, TableView

    out = cli("cost", "alder", "--sessions", "14", "--start", "2026-12-02", env={"COLUMNS": "80"}).stdout
    assert "Payment schedule from 2026-12-02\n" in out
    title = "Payment schedule from 2026-12-02, at one session a week"
    view = TableView(
        [Column("Due", nowrap=True), Column("Amount", number=True)], [["2026-12-02", "$1.00"]], title
    )
    assert draw(view, 80)[0] == title
    assert draw(view, 30)[:3] == ["Payment schedule from", "2026-12-02, at one session a", "week"]
    view.caption = "Prices dated 2026-08-14. Total $3,576.00 + sitter est. $630.00–$1,260.00."
    assert draw(view, 80)[-1] == view.caption  # one line, though the table is 19 columns wide


_WIDE_WORD = st.text(alphabet="abcdéXY東京日本語メモ\u0301", min_size=1, max_size=12).filter(
    lambda w: not w.startswith("\u0301")
)


@given(
    cells=st.lists(st.lists(_WIDE_WORD, min_size=1, max_size=5).map(" ".join), min_size=2, max_size=8),
    screen=st.integers(20, 100),
)
def test_wide_and_combining_characters_are_counted_in_cells(cells, screen):
    """A CJK character takes two cells, a combining accent none: a table of such text is
    drawn within the screen whenever its narrowest fits, with its columns aligned
    (cells counted by Rich's ``cell_len``, an independent count)."""
    from rich.cells import cell_len as cell_width

    from ketacalc.output.table import GAP, draw, fitted
    from ketacalc.output.tableview import Column, TableView

    rows = [cells[i : i + 2] for i in range(0, len(cells) - 1, 2)]
    view = TableView([Column("Name"), Column("Note")], rows)
    fit = fitted(view, screen)
    lines = draw(view, screen)
    widths = [cell_width(line) for line in lines]
    if fit.narrowest <= screen:
        assert max(widths) <= screen, "\n".join(lines)
    rule = next(i for i, line in enumerate(lines) if set(line) == {"─"})
    assert widths[rule] == sum(fit.widths) + GAP
    start = fit.widths[0] + GAP  # the cell where the second column starts, on every line
    for line in lines[rule + 1 :]:
        cut, used = 0, 0
        while cut < len(line) and used < start:
            used += cell_width(line[cut])
            cut += 1
        while cut < len(line) and cell_width(line[cut]) == 0:  # an accent stays with its letter
            cut += 1
        if cut < len(line):  # a second cell on this line: it starts at the column, after the gap
            assert used == start and line[:cut].endswith(" " * GAP), "\n".join(lines)


def test_a_source_id_in_brackets_or_before_a_comma_is_never_split():
    """``(ketcare-compare-2026, 2026-05-05)``: the id a reader may pass to ``show`` or look
    up in the sources stays whole, as a bare id does; a long ordinary word still folds."""
    from ketacalc.output.table import MAX_WORD, draw, narrowest_width
    from ketacalc.output.tableview import Column, TableView

    assert narrowest_width("(ketcare-compare-2026,") == len("(ketcare-compare-2026,")
    assert narrowest_width("2026-05-05)") == len("2026-05-05)")
    assert narrowest_width("Cigna/Evernorth-Behavioural,") <= MAX_WORD
    cell = "none (ketcare-compare-2026, 2026-05-05) Anthem-Blue-Cross-of-California"
    view = TableView([Column("Provider"), Column("Insurers accepted")], [["Better U", cell]])
    lines = draw(view, 36)
    assert any(line.endswith("(ketcare-compare-2026,") for line in lines), "\n".join(lines)
    assert all(len(line) <= 36 for line in lines), "\n".join(lines)


def test_lines_folded_into_a_number_column_read_from_the_left():
    """With no text column to take them, folded "Header: value" lines land in the first
    column, a number's: they are drawn from its left edge, not right-aligned as scraps."""
    from ketacalc.output.table import draw
    from ketacalc.output.tableview import Column, TableView

    view = TableView(
        [Column("Sessions", number=True), Column("Total", number=True), Column("Purchases", priority=1)],
        [["1", "$796.00", "Session (pay per visit) ($398.00)"], ["16", "$6,368.00", "Session × 16"]],
    )
    lines = draw(view, 24)  # too narrow for three columns: Purchases folds
    folded = [line for line in lines if "Purchases:" in line]
    assert len(folded) == 2 and all(line.startswith("Purchases:") for line in folded), "\n".join(lines)
    assert any(line.startswith("1 ") for line in lines) and all(len(line) <= 24 for line in lines)


# --------------------------------------------------------------- what a person sees at 80 columns


def test_a_trust_tier_stays_on_the_line_of_its_source(cli):
    """``history fern`` at 80 columns drew "fern-site-2026-04" and, alone on the next line,
    "(A)": a tier is a mark after its source, and the column is made wide enough for both."""
    for columns in (80, 60):  # at 60 a label gives way ("Per session:" ends a line), the tier not
        out = cli("history", "fern", env={"COLUMNS": str(columns)}).stdout
        lines = out.splitlines()
        assert not [line for line in lines if re.search(r"(^|  )\([ABC]\)$", line)], out
        assert sum(line.endswith("fern-site-2026-04 (A)") for line in lines) == 1, out
        assert all(len(line) <= columns for line in lines), out


def test_a_mark_is_measured_with_the_word_it_marks():
    """The narrowest a text column may be holds its widest word with the mark after it, so
    the mark never has to go to a line of its own; a table that cannot give it that room
    still fits the screen."""
    from ketacalc.output.table import draw
    from ketacalc.output.tableview import Column, TableView

    view = TableView(
        [Column("Plan"), Column("Observed (tier)")],
        [["Visit (pay per visit)", "2026-04-02\nfern-site-2026-04 (A)"]],
    )
    lines = draw(view, 30)
    assert any(line.endswith("  fern-site-2026-04 (A)") for line in lines), "\n".join(lines)
    assert not [line for line in lines if line.strip() == "(A)"], "\n".join(lines)
    assert all(len(line) <= 30 for line in lines), "\n".join(lines)


def test_a_folded_amount_stays_on_the_line_of_its_label(cli):
    """``cost cedar -n 1-10`` at 80 columns folded "Per covered" into Purchases and drew
    "Per covered:" on one line and "$100.00" alone on the next: an amount is never split in
    its own column, and folded it stays with its label."""
    out = cli("cost", "cedar", "-n", "1-10", env={"COLUMNS": "80"}).stdout
    assert not re.search(r"(Per covered|Per session|Covered):$", out, re.M), out
    assert "Per covered: $100.00" in out
    assert all(len(line) <= 80 for line in out.splitlines())
    from ketacalc.output.table import draw
    from ketacalc.output.tableview import Column, TableView

    view = TableView(
        [
            Column("Plan"),
            Column("Price", number=True),
            Column("Per session", number=True, priority=2),
            Column("Installments", priority=1),
            Column("Observed"),
        ],
        [["6-Session Treatment", "$1,254.00", "$209.00", "3 × $418.00", "2025-06-13\nmindbloom-notes-2026"]],
    )
    lines = draw(view, 58)  # "Per / session: / $209.00" when only Per session was folded
    assert any(line.startswith("Per session: $209.00 ") for line in lines), "\n".join(lines)
    assert all(len(line) <= 58 for line in lines), "\n".join(lines)


def test_a_plans_route_in_history_is_labelled_as_show_labels_it(cli):
    """``history alder`` drew "4-Session Program, returning (tablets)" and then "tablet" alone
    on a line, as if the name went on; ``show`` says "route: tablet"."""
    out = cli("history", "alder", env={"COLUMNS": "80"}).stdout
    cells = [line.split("  ")[0] for line in out.splitlines()]
    assert "tablet" not in cells and "injection" not in cells, out
    assert cells.count("route: tablet") == 4 and cells.count("route: injection") == 4, out


def test_a_url_breaks_where_a_url_does_and_its_tail_never_stands_alone(cli):
    """``show`` at 80 columns drew "…/en/articles/" then "12285946" alone, "https://" alone,
    and "…-for-the-Exten" / "ded-Program": a URL breaks after a "/" (never inside "://"), a
    part too long for the line before a "-", "_", "." (so the break never reads as a
    hyphenated word), and its last part goes down with the part before it."""
    from ketacalc.output.table import wrap_word

    assert wrap_word("https://alder.example/help/consultation", 30) == [
        "https://alder.example/",
        "help/consultation",
    ]
    assert wrap_word("https://www.crainsdetroit.com/health-care/telehealth", 24)[0] != "https://"
    url = (
        "https://support.helloinnerwell.com/hc/en-us/articles/"
        "15715402457105-How-do-refunds-work-for-the-Extended-Program"
    )
    for width in (20, 30, 48):
        lines = wrap_word(url, width)
        assert "".join(lines) == url and all(len(line) <= width for line in lines), lines
        for before, after in zip(lines[:-1], lines[1:], strict=True):  # after "/" or before "-"
            assert before.endswith("/") or after[0] in "-_.", lines
        assert "/" in lines[-1] or lines[-1][0] in "-_.", lines  # no bare tail
    out = cli("show", "alder", env={"COLUMNS": "56"}).stdout.splitlines()
    assert [line[20:] for line in out if line[20:].startswith(("https://alder.example/", "help/"))] == [
        "https://alder.example/pricing",
        "https://alder.example/",
        "help/consultation",
    ], out


def test_an_id_that_must_fold_breaks_after_a_hyphen():
    """When a table cannot fit with its ids whole (relax 1), an id folds after one of its
    hyphens ("mindbloom-notes-" / "2026"), not mid-part ("mindbloom-notes-20" / "26")."""
    from ketacalc.output.table import draw, fitted
    from ketacalc.output.tableview import Column, TableView

    view = TableView(
        [Column("Fact"), Column("Value"), Column("Observed")],
        [["Status (older)", "operating " * 30, "2026-08-14\nmindbloom-notes-2026"]],
    )
    fit = fitted(view, 38)
    assert fit.relax == 1
    lines = draw(view, 38)
    observed = [line[fit.widths[0] + fit.widths[1] + 4 :] for line in lines[2:]]
    assert observed[:3] == ["2026-08-14", "mindbloom-notes-", "2026"], "\n".join(lines)
    assert all(len(line) <= 38 for line in lines), "\n".join(lines)


def test_the_label_of_a_folded_fact_never_ends_a_line_without_its_value(cli):
    """``compare --wide`` folds "Route and dosing" into the first column, its facts joined by
    "; ": at 70 columns a line ended "flexibility†: no cap; TRD†:" and its value stood alone
    on the next. A fact's label goes down with its value, as an opening mark does."""
    out = cli("compare", "--state", "TX", "--wide", env={"COLUMNS": "70"}).stdout
    cells = [line.split("  ")[0] for line in out.splitlines()]
    assert not [cell for cell in cells if cell.endswith("†:")], out
    assert "TRD†: excellent" in cells, out
    from ketacalc.output.table import _spans, wrap_word

    text = "Route and dosing: —; flexibility†: no cap; TRD†: excellent"
    assert [text[a:b] for a, b in _spans(text, 27, wrap_word)] == [
        "Route and dosing: —;",
        "flexibility†: no cap;",
        "TRD†: excellent",
    ]


def test_a_mark_carried_after_a_mark_leaves_no_trailing_space():
    """Each mark goes down with the word before it; a second carry ended the line left behind
    with a space ('(A) ')."""
    from ketacalc.output.table import _chop, _wrapped

    lines = _wrapped("Birch (A) (A) (A)", 9, _chop)
    assert lines == ["Birch", "(A)", "(A) (A)"] and not any(line != line.rstrip() for line in lines)


def test_a_one_word_plan_name_under_its_price_never_widens_the_table(cli, tmp_path):
    """A plan named in one 48-character word sat under its price in the number column, whose
    words never broke: compare drew 85 columns on a 60-column screen. As a last resort a word
    of text there breaks as text does; an amount never does."""
    from conftest import FIXTURE

    text = FIXTURE.read_text(encoding="utf-8")
    assert "name: Introduction\n" in text
    path = tmp_path / "providers.yaml"
    for name in (
        "Introduction-for-recent-concerns-within-one-year",
        "Introduction-for-the-last-12-months",
        "12-Sessions-for-recent-concerns-within-one-year",  # a word of text may start with a digit
    ):
        path.write_text(text.replace("name: Introduction\n", f'name: "{name}"\n'))
        for columns in ("60", "70"):
            out = cli("--data", str(path), "compare", "--state", "TX", env={"COLUMNS": columns}).stdout
            assert max(map(len, out.splitlines())) <= int(columns), out
            assert "$1,800.00" in out and "$300.00‡" in out  # amounts whole
