"""Batch answers every line (issue 17): a CSV row with no header, a JSON array,
a JSON scalar once gave no output and exit 0. Each now gets an error record
(and a ``line N:`` message), and a first line that names no scenario field is
an error saying a header is needed.
"""

from __future__ import annotations

import json

import pytest

NO_HEADER = (
    "the first line is not a CSV header: it names no scenario field — start a CSV with a header line "
    "such as provider,sessions, or write one JSON object per line"
)
NOT_OBJECT = (
    'a scenario must be a JSON object — write one JSON object per line, e.g. {"provider": "mindbloom", '
    '"sessions": 18}'
)


def _records(result):
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mindbloom,18\n", [(1, NO_HEADER)]),
        ("alder,6\nbirch,4\n", [(1, NO_HEADER), (2, NO_HEADER)]),
        ("5\n", [(1, NO_HEADER)]),
        ("[1, 2]\n", [(1, NOT_OBJECT)]),
        ('["alder", 6]\n{"provider": "alder", "sessions": 6}\n', [(1, NOT_OBJECT), (2, None)]),
        (
            '{"provider": "alder", "sessions": 6}\n7\n"x"\nnull\n[]\n',
            [(1, None)] + [(n, NOT_OBJECT) for n in range(2, 6)],
        ),
    ],
)
def test_every_line_gets_an_answer(cli, text, expected):
    result = cli("batch", input=text)
    assert [(r["line"], r["error"]) for r in _records(result)] == expected
    assert result.exit_code == 1
    failed = [n for n, error in expected if error is not None]
    assert result.stderr.splitlines() == [f"line {n}: {dict(expected)[n]}" for n in failed]


def test_a_header_with_a_known_field_is_still_a_header(cli):
    result = cli("batch", input="provider,sessions\nalder,6\n")
    assert [(r["line"], r["error"]) for r in _records(result)] == [(2, None)]
    assert result.exit_code == 0


def test_csv_output_of_a_headerless_input_has_its_error_row(cli):
    result = cli("batch", "--format", "csv", input="alder,6\n")
    header, row = result.stdout.splitlines()
    assert row.startswith("1,") and "the first line is not a CSV header" in row
    assert result.exit_code == 1
