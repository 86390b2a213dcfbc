"""Data strings are inert (issue 17): ``check`` refuses control characters in any
string, every output escapes them, and a CSV/TSV cell that a spreadsheet would
read as a formula is neutralised with a leading ``'`` (OWASP), numbers excepted.
"""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import FIXTURE, assert_one_error_line
from ketacalc.errors import DANGEROUS, escape, inert, printable, shown_path

ESC_NAME = 'name: "Alder\\e[31mHealth"'  # YAML's \e is ESC


def _with_name(tmp_path, name_line: str):
    text = FIXTURE.read_text(encoding="utf-8").replace("name: Alder Health", name_line, 1)
    path = tmp_path / "providers.yaml"
    path.write_text(text, encoding="utf-8")
    line = text[: text.index(name_line)].count("\n") + 1
    return path, line


@pytest.mark.parametrize(
    ("name_line", "shown"),
    [
        (ESC_NAME, "\\x1b at character 6"),
        ('name: "Alder\\rHealth"', "\\r at character 6"),
        ('name: "Alder\\u202eHealth"', "\\u202e at character 6"),
        ('name: "Alder\\x9bHealth"', "\\x9b at character 6"),
        ('name: "Alder\\nHealth"', "\\n at character 6"),
        # invisible characters a look-alike name hides in ("Alder​Health" reads as "AlderHealth")
        ('name: "Alder\\u200bHealth"', "\\u200b at character 6"),
        ('name: "Alder\\u061cHealth"', "\\u061c at character 6"),
        ('name: "Alder\\u00adHealth"', "\\xad at character 6"),
        ('name: "Alder\\ufeffHealth"', "\\ufeff at character 6"),
    ],
)
def test_check_refuses_control_characters_with_their_place(cli, tmp_path, name_line, shown):
    path, line = _with_name(tmp_path, name_line)
    result = cli("check", str(path))
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert first == (
        f"{shown_path(str(path))}:{line}:11: providers.0.name: contains a control character ({shown}); remove it"
    )
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr


@pytest.mark.parametrize(
    "blank", ['" "', '"\\t  "', '"\\u3000"']
)  # YAML escapes: a tab, an ideographic space
def test_check_refuses_a_blank_name_that_would_print_as_an_empty_cell(cli, tmp_path, blank):
    path, line = _with_name(tmp_path, f"name: {blank}")
    result = cli("check", str(path))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{shown_path(str(path))}:{line}:11: providers.0.name: is blank (only spaces); "
        "write the text, or leave the field out"
    )
    assert_one_error_line(cli("--data", str(path), "providers"), 1)


def test_a_data_file_with_a_control_character_is_not_used(cli, tmp_path):
    path, _ = _with_name(tmp_path, ESC_NAME)
    line = assert_one_error_line(cli("--data", str(path), "providers"), 1)
    assert "contains a control character (\\x1b" in line


# --------------------------------------------------------------- every output escapes them


def _view():
    from ketacalc.output.tableview import Column, TableView

    view = TableView(
        [Column("Name\x1b[1m"), Column("Total", number=True)],
        [["Evil\x1b[2J\u202eCo", "$1.00"]],
        title="Title\x07",
        caption="Caption\x9b31m",
    )
    view.sections.append(("Section\x1b]0;x\x07", TableView([Column("Note")], [["a\x1b[31mb\nsecond line"]])))
    return view


@pytest.mark.parametrize("writer", ["table", "markdown"])
def test_tables_and_markdown_escape_control_characters(writer):
    from ketacalc.output.markdown import write_markdown
    from ketacalc.output.table import write_table

    out = io.StringIO()
    (write_table if writer == "table" else write_markdown)(_view(), out)
    text = out.getvalue()
    for bad in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert bad not in text
    if writer == "table":
        assert "Evil\\x1b[2J\\u202eCo" in text
        assert "second line" in text.splitlines()[-1]  # ketacalc's own line breaks are kept


def test_csv_and_tsv_escape_control_characters_and_neutralise_formulas():
    from ketacalc.output.formats import write_delimited

    rows = [{"a": "=HYPERLINK(\"http://x\")", "b": "+1+2", "c": "-5.00", "d": "@SUM(A1)", "e": "x\x1by"},
            {"a": "-", "b": "-5", "c": "2026-11-21", "d": "\tlead", "e": "ok"}]  # fmt: skip
    out = io.StringIO()
    write_delimited(rows, ["a", "b", "c", "d", "e"], out, tsv=False)
    got = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert got[0] == {
        "a": '\'=HYPERLINK("http://x")',
        "b": "'+1+2",
        "c": "-5.00",
        "d": "'@SUM(A1)",
        "e": "x\\x1by",
    }
    assert got[1] == {"a": "'-", "b": "-5", "c": "2026-11-21", "d": "'\\tlead", "e": "ok"}
    out = io.StringIO()
    write_delimited(rows, ["a", "b", "c", "d", "e"], out, tsv=True)
    assert out.getvalue().splitlines()[1].split("\t") == [
        '\'=HYPERLINK("http://x")',
        "'+1+2",
        "-5.00",
        "'@SUM(A1)",
        "x\\x1by",
    ]


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_a_provider_name_starting_with_equals_is_text_in_csv(cli, tmp_path, fmt):
    path, _ = _with_name(tmp_path, 'name: "=1+2 Alder"')
    result = cli("--data", str(path), "providers", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    cells = [c for line in result.stdout.splitlines() for c in line.split("," if fmt == "csv" else "\t")]
    assert "'=1+2 Alder" in cells
    assert "=1+2 Alder" not in cells
    assert all(not c.startswith(("=", "+", "@")) for c in cells)


@pytest.mark.parametrize("name", [" =1+2 Alder", "\u00a0=1+2 Alder"])
def test_spaces_before_a_formula_do_not_hide_it(cli, tmp_path, name):
    """A spreadsheet may drop the spaces before a formula: " =1+2" was written as it is."""
    path, _ = _with_name(tmp_path, f'name: "{name}"')
    result = cli("--data", str(path), "providers", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert f"'{name}" in result.stdout.splitlines()[1]


def test_money_in_csv_is_never_prefixed(cli):
    """Money is never negative today; a number like -5.00 would stay a number."""
    from ketacalc.output.formats import sheet_cell

    assert sheet_cell("-5.00") == "-5.00"
    assert sheet_cell("-12") == "-12"
    result = cli("cost", "alder", "-n", "1-12", "--format", "csv")
    assert "'" not in "".join(row["total"] for row in csv.DictReader(io.StringIO(result.stdout)))


def test_messages_on_stderr_escape_control_characters(cli):
    """Notes, warnings and errors go through ``errors.inert``: an error echoing a
    typed value shows its escapes, never the raw character."""
    from ketacalc.errors import inert

    assert inert("note \x1b[31m\u2066x") == "note \\x1b[31m\\u2066x"
    assert inert("keeps\nline", newlines=True) == "keeps\nline"
    line = assert_one_error_line(cli("cost", "alder\x1b[2J\u202e", "-n", "6"), 1)
    assert "\x1b" not in line and "\u202e" not in line
    assert "alder\\x1b[2J\\u202e" in line
    # Click's own echoes (an extra argument, an unknown option) are escaped once, as the rest
    extra = assert_one_error_line(cli("providers", "a\x1bb"), 2)
    assert "unexpected extra argument 'a\\x1bb'" in extra
    option = assert_one_error_line(cli("--\x1b[2J"), 2)
    assert "no such option '--\\x1b[2J'" in option


# --------------------------------------------------------------- one escaping table

_SAFE = st.characters(codec="utf-8").filter(lambda c: c.isprintable() and c not in DANGEROUS)


@given(st.text(st.sampled_from(sorted(DANGEROUS)) | _SAFE, max_size=40))
def test_printable_and_inert_escape_the_dangerous_set_alike(text):
    """On the one dangerous set both write the one escape; inert's newlines keep only \\n."""
    assert printable(text) == inert(text) == "".join(escape(c) if c in DANGEROUS else c for c in text)
    assert inert(text, newlines=True) == "\n".join(inert(part) for part in text.split("\n"))


def test_the_dangerous_set_is_the_one_the_data_checks_refuse_and_its_escapes_are_pythons():
    from ketacalc.errors import CONTROL

    every = "".join(map(chr, range(0x110000)))
    assert set(CONTROL.findall(every)) == DANGEROUS
    assert {"\x1b", "\r", "\n", "\x9b", "\u202e", "\u2028", "\u2066", "\u200f"} <= DANGEROUS
    unprintable = [c for c in every[:0x10000] + every[0x10000::97] if not c.isprintable()]
    assert [escape(c) for c in unprintable] == [repr(c)[1:-1] for c in unprintable]


def test_printable_also_escapes_what_is_not_dangerous_in_data_but_hides_in_a_message():
    # (the soft hyphen, zero-width space and BOM are dangerous now: a look-alike name hides in them)
    assert {"\u00ad", "\u200b", "\ufeff", "\u061c", "\u200d", "\u2060"} <= DANGEROUS
    for c in ("\u00a0", "\u3000", "\U000e0001", "\ue000"):
        assert c not in DANGEROUS
        assert (inert(f"a{c}b"), printable(f"a{c}b")) == (f"a{c}b", f"a{escape(c)}b")


def test_an_unknown_key_is_named_as_written_and_never_drives_the_terminal(cli, tmp_path):
    """A key holding an ESC sequence reached the terminal raw in the place ("providers.0.<ESC>]0;…"
    set the window's title); a key holding "[2]" was named '2', on the wrong line."""
    text = FIXTURE.read_text(encoding="utf-8")
    anchor = "  - id: alder\n"
    assert text.count(anchor) == 1
    path = tmp_path / "keys.yaml"
    path.write_text(
        text.replace(anchor, anchor + '    "\\e]0;PWNED\\a": 1\n    "bad[2]key": 1\n'), encoding="utf-8"
    )
    result = cli("check", str(path))
    assert result.exit_code == 1 and "\x1b" not in result.stderr and "\x07" not in result.stderr
    where = text[: text.index(anchor)].count("\n") + 2  # the line after the provider's id
    lines = result.stderr.splitlines()
    assert lines[0].startswith(
        f"{shown_path(str(path))}:{where}:5: providers.0.\\x1b]0;PWNED\\x07: unknown key "
    )
    assert lines[1].startswith(
        f"{shown_path(str(path))}:{where + 1}:5: providers.0.bad[2]key: unknown key 'bad[2]key'"
    )


def test_a_key_holding_brackets_keeps_its_place_inside_the_file(cli, tmp_path):
    """ "O[R]" under by_state was dropped from the place ("by_state.0"): only pydantic's own
    parts ("function-after[…]") are left out of it, never a key of the file."""
    text = FIXTURE.read_text(encoding="utf-8")
    anchor = "          ID: []\n"
    assert text.count(anchor) == 1
    path = tmp_path / "bracket.yaml"
    path.write_text(text.replace(anchor, anchor + '          "O[R]": [5]\n'), encoding="utf-8")
    said = cli("check", str(path)).stderr
    assert "insurers.0.by_state.O[R].0: input should be a valid string" in said
    assert "by_state.0:" not in said
