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


def test_cells_are_escaped_and_line_breaks_become_br():
    from ketacalc.output.tableview import Column, TableView

    view = TableView(
        columns=[Column("Name"), Column("Price", number=True), Column("Note\nhere")],
        rows=[
            ["A | B", "$1,290.00", "first\nsecond"],
            ["<script>alert(1)</script>", "—", "*not bold* _nor this_ [link](x) ~~no~~"],
            ["\x1b[31mred\x1b[0m", "$5.00", "back\\slash & `code`"],
        ],
        title="Pipes | and <tags>",
        caption="Caption with a | pipe.",
    )
    text = markdown_of(view)
    rows = table_rows(text)
    assert rows[0] == ["Name", "Price", "Note here"]  # a header is one line
    assert rows[1] == ["---", "---:", "---"]  # numbers right-aligned
    assert all(len(r) == 3 for r in rows), rows
    assert rows[2] == ["A \\| B", "$1,290.00", "first<br>second"]
    assert "\x1b" not in text
    html = render_html(text)
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "<em>" not in html and "<strong>" not in html and "<a " not in html and "<s>" not in html
    assert html.count("<tr>") == 4 and html.count("<td>") + html.count('<td style="text-align:right">') == 9
    assert "A | B" in html and "first<br>second" in html  # the pipe is text; the <br> a line break
    assert "back\\slash &amp; <code>" not in html and "back\\slash" in html


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
