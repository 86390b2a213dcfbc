"""Batch input: one item per input line whatever it holds, and each scenario
parsed by the same rules (and messages) as the command line."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketacalc.domain.request import Course, Request, scenario
from ketacalc.errors import InvalidInput
from ketacalc.io.scenarios import SCENARIO_FIELDS, read_scenarios

JSON_FIX = 'write one JSON object per line, e.g. {"provider": "mindbloom", "sessions": 18}'
FIELDS_FIX = f"use only {', '.join(SCENARIO_FIELDS)}"


def items(*lines: bytes | str) -> list[tuple[int, object]]:
    """``read_scenarios`` over the lines; problems shown as ``(field, 'message — fix')``."""
    encoded = [line.encode() if isinstance(line, str) else line for line in lines]
    return [
        (number, (item.field, str(item)) if isinstance(item, InvalidInput) else item)
        for number, item in read_scenarios(encoded)
    ]


# --------------------------------------------------------------- JSON Lines


def test_json_lines_give_each_object_with_its_line_number():
    assert items(
        '{"provider": "mindbloom", "sessions": 12}', "", "   ", '{"provider": "isha", "months": 3}'
    ) == [
        (1, {"provider": "mindbloom", "sessions": 12}),
        (4, {"provider": "isha", "months": 3}),
    ]


def test_json_numbers_stay_exact():
    [(_, fields)] = items('{"pace": 0.1, "discount": 49.99, "sessions": 18}')
    assert fields == {"pace": Decimal("0.1"), "discount": Decimal("49.99"), "sessions": 18}


def test_a_byte_order_mark_and_crlf_line_ends_are_fine():
    assert items(b'\xef\xbb\xbf{"provider": "m"}\r', b'{"provider": "n"}\r') == [
        (1, {"provider": "m"}),
        (2, {"provider": "n"}),
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('{"sessions": 1, "sessions": 2}', ("sessions", "field 'sessions' is given twice — give each field once")),
        ("{bad", ("scenario", f"not valid JSON (Expecting property name enclosed in double quotes at column 2) — {JSON_FIX}")),
        ('{"pace": NaN}', ("scenario", f"not valid JSON (NaN is not a JSON value) — {JSON_FIX}")),
        ('{"pace": Infinity}', ("scenario", f"not valid JSON (Infinity is not a JSON value) — {JSON_FIX}")),
        ("[1, 2]", ("scenario", f"a scenario must be a JSON object — {JSON_FIX}")),
        ('"text"', ("scenario", f"a scenario must be a JSON object — {JSON_FIX}")),
        ("[" * 50_000 + "]" * 50_000, ("scenario", f"not a scenario: the JSON is nested too deeply — {JSON_FIX}")),
        (b"{\"provider\": \"\xff\"}", ("scenario", "not valid UTF-8 (byte 15) — save the file as UTF-8")),
        ('{"provider": "' + "x" * 200_000 + '"}', ("scenario", "longer than 131,072 bytes — no scenario needs that much: check the input")),
    ],
)  # fmt: skip
def test_a_bad_json_line_is_an_error_for_that_line_only(line, expected):
    good = '{"provider": "mindbloom", "sessions": 12}'
    assert items(good, line, good) == [
        (1, {"provider": "mindbloom", "sessions": 12}),
        (2, expected),
        (3, {"provider": "mindbloom", "sessions": 12}),
    ]


def test_a_huge_json_integer_is_kept_as_text_for_its_field_to_refuse():
    [(_, fields)] = items('{"provider": "m", "sessions": ' + "9" * 5000 + "}")
    with pytest.raises(InvalidInput) as info:
        scenario(fields)
    assert info.value.message == f"sessions '{'9' * 60}'… (5,000 characters) is out of range"


# --------------------------------------------------------------- CSV with a header


def test_csv_header_is_matched_ignoring_case_and_spaces_and_empty_cells_are_not_given():
    assert items(" Provider , SESSIONS,state", "mindbloom,12,", "", 'isha,"3",TX', ",,") == [
        (2, {"provider": "mindbloom", "sessions": "12"}),
        (4, {"provider": "isha", "sessions": "3", "state": "TX"}),
        (5, {}),
    ]


def test_csv_with_a_byte_order_mark_and_crlf():
    assert items(b"\xef\xbb\xbfprovider,sessions\r", b"mindbloom,12\r") == [
        (2, {"provider": "mindbloom", "sessions": "12"})
    ]


def test_duplicate_csv_columns_make_every_row_an_error_naming_the_column():
    problem = ("sessions", "column 'sessions' appears twice in the header — give each column once")
    assert items("provider,sessions,Sessions", "a,1,2", "", "b,3,4") == [(2, problem), (4, problem)]


def test_an_unknown_csv_column_makes_every_row_an_error():
    problem = ("colour", f"unknown field 'colour' — {FIELDS_FIX}")
    assert items("provider,sessions,colour", "a,1,red", "b,2,") == [(2, problem), (3, problem)]


def test_a_nameless_csv_column_makes_every_row_an_error():
    problem = ("header", "column 3 of the header has no name — name every column")
    assert items("provider,sessions,", "a,1,") == [(2, problem)]


def test_a_header_that_is_not_utf8_makes_every_row_an_error():
    problem = ("header", "the CSV header is not valid UTF-8 (byte 1) — save the file as UTF-8")
    assert items(b"\xffprovider,sessions", b"a,1") == [(1, problem), (2, problem)]  # the header line too


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("a,1,2", ("scenario", "has 3 fields, the header has 2 — give one field per column; leave a field empty when it is not given")),
        ("a", ("scenario", "has 1 field, the header has 2 — give one field per column; leave a field empty when it is not given")),
        ('"a,1', ("scenario", "not a CSV row (unexpected end of data) — close every quote on the line it opens")),
        (b"\xff,1", ("scenario", "not valid UTF-8 (byte 1) — save the file as UTF-8")),
        ("x" * 131_073 + ",1", ("scenario", "longer than 131,072 bytes — no scenario needs that much: check the input")),
    ],
)  # fmt: skip
def test_a_bad_csv_row_is_an_error_for_that_row_only(line, expected):
    assert items("provider,sessions", "a,1", line, "b,2") == [
        (2, {"provider": "a", "sessions": "1"}),
        (3, expected),
        (4, {"provider": "b", "sessions": "2"}),
    ]


def test_a_field_at_the_csv_limit_is_read_whole():
    long = "x" * 131_000
    assert items("provider,sessions", f"{long},1") == [(2, {"provider": long, "sessions": "1"})]


def test_nothing_but_blank_lines_gives_nothing():
    assert items() == [] and items("", "  ", "\r") == []


# --------------------------------------------------------------- one item per line, whatever it holds


def _non_blank(lines: list[bytes]) -> list[int]:
    first = lines[0][3:] if lines and lines[0].startswith(b"\xef\xbb\xbf") else (lines[0] if lines else b"")
    return [n for n, line in enumerate([first, *lines[1:]], start=1) if line.strip()]


def _is_csv_header(line: bytes) -> bool:
    """A first line read as a CSV header: not JSON, readable, naming a scenario field."""
    import csv

    line = line.removeprefix(b"\xef\xbb\xbf")
    if line.lstrip().startswith((b"{", b"[")):
        return False
    try:
        cells = next(csv.reader([line.decode("utf-8").rstrip("\r\n")], strict=True), [])
    except (UnicodeDecodeError, csv.Error):
        return False
    return any(c.strip().casefold() in SCENARIO_FIELDS for c in cells)


_LINE = st.one_of(
    st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"")),
    st.text(alphabet='{}[]",:0123456789abc \\-.', max_size=40).map(str.encode),
    st.builds(lambda d: json.dumps(d).encode(), st.dictionaries(st.sampled_from(SCENARIO_FIELDS), st.integers() | st.text(max_size=5), max_size=4)),
)  # fmt: skip


@settings(deadline=None)
@given(st.lists(_LINE, max_size=12), st.sampled_from([b"", b"{}", b"provider,sessions"]))
def test_exactly_one_item_per_non_blank_line_in_order(lines, first):
    lines = [first, *lines] if first else lines
    got = [number for number, _ in read_scenarios(lines)]
    expected = _non_blank(lines)
    if expected and _is_csv_header(lines[expected[0] - 1]):
        # a CSV header is not a scenario (a first line that is not one gets its error); alone,
        # it is answered only when it is broken (a column unknown, unnamed or given twice)
        header, expected = expected[0], expected[1:]
        if not expected:
            assert got in ([], [header])
            return
    assert got == expected
    for _, item in read_scenarios(lines):
        assert isinstance(item, (dict, InvalidInput))


# --------------------------------------------------------------- scenario fields


def test_a_full_scenario_is_parsed_with_the_input_rules():
    fields = {"provider": " Mindbloom ", "months": "3", "returning": "yes", "state": "Washington, D.C.",
              "insurer": " Aetna ", "as_of": "2025-06-13", "start": "2025-07-01", "pace": Decimal("0.5"),
              "pay_in_full": True, "discount": 50, "route": "lozenge", "max_age": " 90 ", "hired_sitter": "yes"}  # fmt: skip
    assert scenario(fields) == Request(
        providers=("Mindbloom",), course=Course("months", (3,)), client="returning", state="DC",
        insurer="Aetna", as_of=date(2025, 6, 13), start=date(2025, 7, 1), pace=Decimal("0.5"),
        pay_in_full=True, discount=Decimal("50.00"), route="troche", max_age=90, hired_sitter=True,
    )  # fmt: skip


def test_fields_not_given_have_their_defaults():
    assert scenario(
        {"provider": "m", "sessions": 12, "state": "", "pace": None, "max_age": "", "hired_sitter": ""}
    ) == Request(providers=("m",), course=Course("sessions", (12,)))


def test_same_scenario_same_key_from_json_or_csv():
    from_json = scenario({"provider": "m", "sessions": 12, "pace": Decimal("0.50"), "discount": 5})
    from_csv = scenario({"provider": "m", "sessions": "12", "pace": "0.5", "discount": "$5.00"})
    assert from_json == from_csv and hash(from_json) == hash(from_csv)


@pytest.mark.parametrize(
    ("fields", "field", "expected"),
    [
        ({"provider": "m", "sessions": 1, "colour": "red"}, "colour", f"unknown field 'colour' — {FIELDS_FIX}"),
        ({"sessions": 1}, "provider", "provider is missing — give a provider id or name such as mindbloom"),
        ({"provider": "  ", "sessions": 1}, "provider", "provider is missing — give a provider id or name such as mindbloom"),
        ({"provider": ["m"], "sessions": 1}, "provider", "provider is a list, not text or a number — give provider as text"),
        ({"provider": "m"}, "sessions", "sessions or months is needed — give sessions (e.g. 18) or months (e.g. 3)"),
        ({"provider": "m", "sessions": ""}, "sessions", "sessions or months is needed — give sessions (e.g. 18) or months (e.g. 3)"),
        ({"provider": "m", "sessions": 1, "months": 1}, "months", "sessions and months cannot be used together — give sessions (N) or months (M), not both"),
        ({"provider": "m", "sessions": 0}, "sessions", "sessions 0 is out of range — give a whole number from 1 to 10,000"),
        ({"provider": "m", "sessions": "1_8"}, "sessions", "sessions '1_8' is not a whole number — give a whole number from 1 to 10,000"),
        ({"provider": "m", "sessions": True}, "sessions", "sessions true is not a whole number — give a whole number from 1 to 10,000"),
        ({"provider": "m", "sessions": Decimal("18.0")}, "sessions", "sessions '18.0' is not a whole number — give a whole number from 1 to 10,000"),
        ({"provider": "m", "sessions": "6,12"}, "sessions", "sessions '6,12' is not one whole number — give a whole number from 1 to 10,000"),
        ({"provider": "m", "months": 121}, "months", "months 121 is out of range — give a whole number from 1 to 120"),
        ({"provider": "m", "sessions": 1, "returning": "maybe"}, "returning", "returning 'maybe' is not true or false — write true or false (yes/no and 1/0 work too)"),
        ({"provider": "m", "sessions": 1, "state": "ZZ"}, "state", "state 'ZZ' is not a US state or DC — use a USPS code such as TX or a name such as Texas"),
        ({"provider": "m", "sessions": 1, "insurer": "aetna"}, "insurer", "insurer needs state — add state: insurers are accepted state by state"),
        ({"provider": "m", "sessions": 1, "as_of": "2025-02-30"}, "as_of", "as_of '2025-02-30' is not a date — write it as YYYY-MM-DD, e.g. 2025-06-13"),
        ({"provider": "m", "sessions": 1, "start": 20250101}, "start", "start '20250101' is not a date — write it as YYYY-MM-DD, e.g. 2025-06-13"),
        ({"provider": "m", "sessions": 1, "pace": "1e-1000000"}, "pace", "pace '1e-1000000' is not a number — give sessions a week, from 0.01 to 14, e.g. 1 or 0.5"),
        ({"provider": "m", "sessions": 1, "pace": Decimal("1E-1000000")}, "pace", "pace '1E-1000000' is not a number — give sessions a week, from 0.01 to 14, e.g. 1 or 0.5"),
        ({"provider": "m", "sessions": 1, "pay_in_full": 2}, "pay_in_full", "pay_in_full '2' is not true or false — write true or false (yes/no and 1/0 work too)"),
        ({"provider": "m", "sessions": 1, "discount": "５０"}, "discount", "discount '５０' is not an amount — write dollars like 50, 49.99 or $1,250"),
        ({"provider": "m", "sessions": 1, "discount": {"usd": 5}}, "discount", "discount is an object, not text or a number — give discount as text"),
        ({"provider": "m", "sessions": 1, "route": "t"}, "route", "route 't' is not a route — use one of tablet, troche, injection, nasal-spray"),
        ({"provider": "m", "sessions": 1, "max_age": 0}, "max_age", "max_age 0 is out of range — give a whole number from 1 to 36,500"),
        ({"provider": "m", "sessions": 1, "max_age": "36501"}, "max_age", "max_age 36501 is out of range — give a whole number from 1 to 36,500"),
        ({"provider": "m", "sessions": 1, "max_age": True}, "max_age", "max_age true is not a whole number — give a whole number from 1 to 36,500"),
        ({"provider": "m", "sessions": 1, "max_age": Decimal("30.0")}, "max_age", "max_age '30.0' is not a whole number — give a whole number from 1 to 36,500"),
        ({"provider": "m", "sessions": 1, "hired_sitter": "maybe"}, "hired_sitter", "hired_sitter 'maybe' is not true or false — write true or false (yes/no and 1/0 work too)"),
        ({"provider": "m", "sessions": 1, "x" * 100: 1}, "x" * 60 + "…", f"unknown field '{'x' * 60}'… (100 characters) — {FIELDS_FIX}"),
    ],
)  # fmt: skip
def test_a_bad_field_is_named_with_the_message_the_cli_gives(fields, field, expected):
    with pytest.raises(InvalidInput) as info:
        scenario(fields)
    assert (info.value.field, str(info.value)) == (field, expected)


@settings(deadline=None)
@given(st.lists(_LINE, max_size=6))
def test_scenario_raises_nothing_but_invalid_input_on_any_line(lines):
    for _, item in read_scenarios([b"{}", *lines]):
        if isinstance(item, dict):
            try:
                result = scenario(item)
            except InvalidInput:
                pass
            else:
                assert isinstance(result, Request)


@pytest.mark.parametrize("first", [b",", b" , ,", b"x,x"])
def test_a_first_line_of_empty_or_repeated_names_that_names_no_field_gets_its_error(first):
    """``,`` names no scenario field: not a header but a line, answered with its error (it
    was read as a header whose empty column appears twice, and a lone one gave no answer)."""
    [(number, item)] = list(read_scenarios([first]))
    assert number == 1 and isinstance(item, InvalidInput)
    assert "names no scenario field" in item.message


@pytest.mark.parametrize(
    ("header", "said"),
    [(b"provider,colour", "unknown field 'colour'"), (b"provider,provider", "appears twice"),
     (b"provider,", "has no name")],
)  # fmt: skip
def test_a_broken_header_with_no_row_after_it_is_answered_on_its_own_line(header, said):
    """With rows, each gets the header's problem; with none, the header's line does (it
    gave no answer at all and exit 0). A good header alone is still no scenario."""
    [(number, item)] = list(read_scenarios([header]))
    assert number == 1 and isinstance(item, InvalidInput) and said in item.message
    assert list(read_scenarios([b"provider,sessions"])) == []


def test_a_json_key_is_a_field_in_any_case_as_a_csv_header_is():
    """``{"Provider": …}`` names the provider field, as a CSV header "Provider" does (it was an
    unknown field in JSON only); the same field twice in two cases is given twice."""
    [(_, fields)] = list(read_scenarios([b'{"Provider": "alder", " Sessions ": 6}']))
    assert fields == {"provider": "alder", "sessions": 6}
    [(_, twice)] = list(read_scenarios([b'{"provider": "alder", "PROVIDER": "birch"}']))
    assert isinstance(twice, InvalidInput) and "given twice" in twice.message
