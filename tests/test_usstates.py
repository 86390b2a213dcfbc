"""State input: USPS code or full name, any case, spaces/hyphens/periods/commas ignored;
anything else is refused with the closest valid states."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketacalc.usstates import STATES, UnknownState, parse_state

SUGGESTION = re.compile(r"^([A-Z]{2}) \((.+)\)$")


# --------------------------------------------------------------- the 51 codes and names


def test_there_are_fifty_states_and_dc():
    assert len(STATES) == 51
    assert STATES["DC"] == "District of Columbia"
    assert len(set(STATES.values())) == 51


@pytest.mark.parametrize("code", sorted(STATES))
def test_every_code_parses_in_any_case(code):
    assert parse_state(code) == code
    assert parse_state(code.lower()) == code
    assert parse_state(code[0] + code[1].lower()) == code
    assert parse_state(f"  {code}  ") == code


@pytest.mark.parametrize(("code", "name"), sorted(STATES.items()))
def test_every_name_round_trips(code, name):
    assert parse_state(name) == code
    assert parse_state(name.lower()) == code
    assert parse_state(name.upper()) == code
    assert parse_state(name.swapcase()) == code
    assert parse_state(name.replace(" ", "-")) == code
    assert parse_state(name.replace(" ", "")) == code
    assert parse_state(STATES[parse_state(name)]) == code  # code -> name -> code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("TX", "TX"), ("tx", "TX"), ("Tx", "TX"), ("texas", "TX"), ("TEXAS", "TX"), ("T.X.", "TX"),
        ("New York", "NY"), ("new york", "NY"), ("new-york", "NY"), ("NEW-YORK", "NY"), ("newyork", "NY"),
        ("New  York", "NY"), ("N.Y.", "NY"), ("ny", "NY"),
        ("DC", "DC"), ("dc", "DC"), ("D.C.", "DC"), ("d.c.", "DC"), ("D. C.", "DC"),
        ("District of Columbia", "DC"), ("district-of-columbia", "DC"), ("DISTRICT OF COLUMBIA", "DC"),
        ("Washington D.C.", "DC"), ("washington dc", "DC"), ("Washington, D.C.", "DC"), ("Washington, DC", "DC"),
        ("washington,d.c.", "DC"), ("D.C", "DC"),
        ("Washington", "WA"), ("WA", "WA"),
        ("Virginia", "VA"), ("West Virginia", "WV"), ("west-virginia", "WV"),
        ("North Carolina", "NC"), ("north-carolina", "NC"), ("South Dakota", "SD"), ("N.D.", "ND"),
        ("\ttexas\n", "TX"),
    ],
)  # fmt: skip
def test_accepted_spellings(text, code):
    assert parse_state(text) == code


# --------------------------------------------------------------- rejection with suggestions


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("Texsa", "TX (Texas)"),
        ("Tex", "TX (Texas)"),
        ("Californa", "CA (California)"),
        ("New Yrok", "NY (New York)"),
        ("Pensylvania", "PA (Pennsylvania)"),
        ("Masachusetts", "MA (Massachusetts)"),
        ("Texas!", "TX (Texas)"),
        ("Dist of Columbia", "DC (District of Columbia)"),
    ],
)
def test_typo_is_refused_with_the_closest_state_first(text, first):
    with pytest.raises(UnknownState) as info:
        parse_state(text)
    assert info.value.suggestions[0] == first
    assert first in str(info.value)
    assert text in str(info.value)


@pytest.mark.parametrize(("text", "expected"), [("Dakota", {"ND", "SD"}), ("Carolina", {"NC", "SC"})])
def test_ambiguous_typo_suggests_each_candidate(text, expected):
    with pytest.raises(UnknownState) as info:
        parse_state(text)
    codes = {SUGGESTION.match(s).group(1) for s in info.value.suggestions}
    assert expected <= codes


@pytest.mark.parametrize(
    "text", ["", "   ", ".", "XX", "ZZ", "PR", "Puerto Rico", "Guam", "USA", "T3xas", "TXX"]
)
def test_not_a_state_is_refused(text):
    with pytest.raises(UnknownState) as info:
        parse_state(text)
    assert info.value.text == text
    assert len(info.value.suggestions) <= 3


def test_a_huge_input_is_cut_in_the_message_and_gets_no_suggestions():
    with pytest.raises(UnknownState) as info:
        parse_state("Texas" * 200_000)
    assert info.value.suggestions == []
    assert str(info.value) == f"{'Texas' * 12!r}… (1,000,000 characters) is not a US state or DC"


def _assert_valid_suggestions(suggestions):
    assert len(suggestions) <= 3
    assert len(set(suggestions)) == len(suggestions)
    for suggestion in suggestions:
        match = SUGGESTION.match(suggestion)
        assert match is not None, suggestion
        code, name = match.groups()
        assert STATES[code] == name


# --------------------------------------------------------------- properties


@settings(deadline=None)
@given(st.text(max_size=40))
def test_arbitrary_text_is_a_state_or_an_unknown_state(text):
    try:
        code = parse_state(text)
    except UnknownState as exc:
        _assert_valid_suggestions(exc.suggestions)
        assert str(exc)  # a message a user can read
    else:
        assert code in STATES


@st.composite
def mangled_spelling(draw):
    """A code or name with random case and random ignorable separators between letters."""
    code = draw(st.sampled_from(sorted(STATES)))
    base = draw(st.sampled_from([code, STATES[code]]))
    out = draw(st.sampled_from(["", " ", "  ", "\t"]))
    for char in base:
        out += char.upper() if draw(st.booleans()) else char.lower()
        out += draw(st.sampled_from(["", "", "", " ", "-", ".", "- ", ". ", ", "]))
    return code, out


@settings(deadline=None)
@given(mangled_spelling())
def test_case_spaces_hyphens_and_periods_never_matter(case):
    code, text = case
    assert parse_state(text) == code


# --------------------------------------------------------------- through the CLI


@pytest.mark.parametrize(
    ("text", "code"),
    [("TX", "TX"), ("tx", "TX"), ("texas", "TX"), ("New York", "NY"), ("new-york", "NY"), ("DC", "DC"),
     ("District of Columbia", "DC"), ("D.C.", "DC"), ("Washington, D.C.", "DC")],
)  # fmt: skip
def test_cli_accepts_every_spelling(cli, text, code):
    result = cli("eligibility", "--state", text, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert {row["state"] for row in result.json()} == {code}


@pytest.mark.parametrize("command", [["eligibility"], ["compare"], ["compare", "--sessions", "18"]])
def test_cli_refuses_a_typo_in_one_line_naming_the_closest_state(cli, command):
    result = cli(*command, "--state", "Texsa")
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error:")
    assert "TX (Texas)" in lines[0]
    assert "Traceback" not in result.stderr


def test_cli_refuses_a_non_state_without_traceback(cli):
    result = cli("eligibility", "--state", "Atlantis")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("Error:") and "Atlantis" in result.stderr
