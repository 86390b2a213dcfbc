"""``--format markdown``: pipe tables that paste cleanly into GitHub, Reddit and Obsidian."""

from __future__ import annotations

import io
import re

import pytest

from conftest import REPO

FIXTURE = REPO / "tests" / "data" / "share" / "fixture.yaml"
UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def markdown_of(view) -> str:
    from ketacalc.output.markdown import write_markdown

    out = io.StringIO()
    write_markdown(view, out)
    return out.getvalue()


def render_html(text: str) -> str:
    """Render as a GitHub-flavoured Markdown reader would (markdown-it-py comes with Rich)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(text)


def table_rows(text: str) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        if line.startswith("|"):
            rows.append([c.strip() for c in UNESCAPED_PIPE.split(line)[1:-1]])
    return rows


def gfm_tables(text: str) -> list[tuple[int, list[int]]]:
    """Each table as a GFM reader parses it (markdown-it-py comes with Rich):
    (header cells, cells of each body row)."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(text)
    tables: list[tuple[int, list[int]]] = []
    part, cells = "", 0
    for token in tokens:
        if token.type == "table_open":
            tables.append((0, []))
        elif token.type in ("thead_open", "tbody_open"):
            part = token.type
        elif token.type == "tr_open":
            cells = 0
        elif token.type in ("th_open", "td_open"):
            cells += 1
        elif token.type == "tr_close":
            header, body = tables[-1]
            tables[-1] = (cells, body) if part == "thead_open" else (header, [*body, cells])
    return tables


def pandoc_html(text: str) -> str | None:
    """The HTML pandoc makes of ``text`` as GFM, or None where pandoc is not installed."""
    import shutil
    import subprocess

    pandoc = shutil.which("pandoc")
    if pandoc is None:
        return None
    return subprocess.run(
        [pandoc, "--from", "gfm", "--to", "html"], input=text, capture_output=True, text=True, check=True
    ).stdout


def test_cells_are_escaped_plain_text_on_one_line():
    from ketacalc.output.tableview import Column, TableView

    view = TableView(
        columns=[Column("Name"), Column("Price", number=True), Column("Note\nhere")],
        rows=[
            ["A | B", "$1,290.00", "paid in full\nno refund"],
            ["<script>alert(1)</script>", "—", "*not bold* _nor this_ [link](x) ~~no~~"],
            ["\x1b[31mred\x1b[0m", "$5.00", "back\\slash & `code`"],
            ["Clinic\n(uncertain)\ndata 2026-05-01", "—\nnot\npublished", "$430.00\nconsult:\nfree"],
        ],
        title="Pipes | and <tags>",
        caption="Caption with a | pipe.",
    )
    text = markdown_of(view)
    rows = table_rows(text)
    assert rows[0] == ["Name", "Price", "Note here"]  # a header is one line
    assert rows[1] == ["---", "---:", "---"]  # numbers right-aligned
    assert all(len(r) == 3 for r in rows), rows
    assert rows[2] == ["A \\| B", "$1,290.00", "paid in full; no refund"]  # separate facts: "; "
    assert rows[5] == ["Clinic (uncertain); data 2026-05-01", "—; not published", "$430.00; consult: free"]
    assert "<br" not in text and "\x1b" not in text
    html = render_html(text)
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "<em>" not in html and "<strong>" not in html and "<a " not in html and "<s>" not in html
    assert "<br" not in html
    assert gfm_tables(text) == [(3, [3, 3, 3, 3])]
    assert "A | B" in html and "paid in full; no refund" in html  # the pipe is text
    assert "back\\slash &amp; <code>" not in html and "back\\slash" in html
    pandoc = pandoc_html(text)
    if pandoc is not None:  # a second GFM reader, where installed
        assert pandoc.count("<tr") == 5 and pandoc.count("<td") == 12
        assert "<script" not in pandoc and "<br" not in pandoc and "<em>" not in pandoc


def test_every_cell_of_every_command_is_plain_text(cli):
    """No HTML in any table ketacalc writes as Markdown: GFM readers (markdown-it-py,
    pandoc) see tables whose every row has the header's cells."""
    every = ""
    for args in (["compare", "--state", "TX", "--sessions", "18"], ["show", "alder"], ["cost", "fern", "-n", "6"],
                 ["states", "dune"], ["eligibility", "--state", "CA"], ["providers"], ["history", "birch"]):  # fmt: skip
        result = cli(*args, "--format", "markdown")
        assert result.exit_code == 0, result.stderr
        assert not re.search(r"(?<!\\)<[a-zA-Z/]", result.stdout), args  # no tag, not even <br>
        tables = gfm_tables(result.stdout)
        assert tables and all(set(body) <= {header} for header, body in tables), (args, tables)
        every += result.stdout + "\n\n"
    pandoc = pandoc_html(every)
    if pandoc is not None:
        assert pandoc.count("<table") == len(gfm_tables(every)) and "<br" not in pandoc


def test_sections_are_headings_with_their_own_table_and_caption_below():
    from ketacalc.output.tableview import Column, TableView

    view = TableView([Column("A")], [["1"]], title="Main", caption="Data as of 2026-01-01.")
    view.sections.append(("Payment schedule", TableView([Column("Due", number=True)], [["2026-01-01"]])))
    text = markdown_of(view)
    assert text.startswith(
        "## Main\n\n| A |\n|---|\n| 1 |\n\nData as of 2026-01-01.\n\n### Payment schedule\n"
    )
    assert text.endswith("| Due |\n|---:|\n| 2026-01-01 |\n")


def test_notes_are_plain_lines_below():
    from ketacalc.output.markdown import write_markdown
    from ketacalc.output.tableview import Column, TableView

    out = io.StringIO()
    write_markdown(TableView([Column("A")], [["1"]]), out, notes=["Pay *now*.", "Pay *now*."])
    assert out.getvalue().endswith("| 1 |\n\nNote: Pay \\*now\\*.\n")


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (["compare", "--state", "TX"], "markdown-compare-TX.md"),
        (["cost", "mindbloom", "--sessions", "18"], "markdown-cost-mindbloom-18.md"),
    ],
    ids=["compare", "cost"],
)
def test_markdown_golden(cli, golden, args, name):
    result = cli("--data", str(FIXTURE), *args, "--format", "markdown", env={"COLUMNS": "60"})
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout
    golden(name, result.stdout)
    # the same columns and money as the table view
    table = cli("--data", str(FIXTURE), *args, env={"COLUMNS": "200"}).stdout
    for money in re.findall(r"\$[\d,]+\.\d\d", table):
        assert money in result.stdout


def test_every_row_has_the_header_s_cells_on_the_real_data(cli):
    result = cli("compare", "--state", "TX", "--sessions", "12", "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    rows = table_rows(result.stdout)
    assert len(rows) > 3
    assert {len(r) for r in rows} == {len(rows[0])}
    assert "<table>" in render_html(result.stdout)


@pytest.mark.parametrize(
    "args",
    [["providers"], ["show", "alder"], ["history", "birch"], ["states", "dune"],
     ["eligibility", "--state", "CA"], ["cost", "fern", "-n", "1-3"]],
    ids=" ".join,
)  # fmt: skip
def test_every_table_command_writes_markdown(cli, args):
    result = cli(*args, "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("## ")
    assert "\x1b" not in result.stdout
    assert table_rows(result.stdout)


def test_a_headline_starting_with_a_name_like_a_list_item_stays_a_paragraph(cli, tmp_path):
    """A provider named "1. Alder Health" (or "- Acme"): its headline, now in the Markdown,
    rendered as an ordered list ("<ol><li>Alder Health…"). A line opening like a list stays a
    paragraph, its first sign escaped."""
    from conftest import FIXTURE

    for name in ("1. Alder Health", "- Alder Health", "+ Alder Health"):
        path = tmp_path / "providers.yaml"
        path.write_text(
            FIXTURE.read_text(encoding="utf-8").replace("name: Alder Health\n", f'name: "{name}"\n')
        )
        md = cli("--data", str(path), "cost", "alder", "-n", "4", "--format", "markdown").stdout
        html = render_html(md)
        assert "<ol" not in html and "<ul" not in html, html
        assert f"<p>{name}, 4 sessions" in html
