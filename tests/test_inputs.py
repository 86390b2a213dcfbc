"""Every value a person types: what is accepted, and the exact message for each mistake.

Messages name the field (never a flag), start with the value as typed, and end
with what to type instead; one mistake has one message wherever it is made.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ketacalc.errors import InvalidInput
from ketacalc.io import inputs
from ketacalc.io.inputs import (
    MAX_SESSIONS,
    parse_count,
    parse_date,
    parse_flag,
    parse_insurer,
    parse_insurer_name,
    parse_money,
    parse_months,
    parse_pace,
    parse_provider_name,
    parse_route,
    parse_sessions,
    parse_state,
    today,
)

SESSIONS_FIX = "give a whole number from 1 to 10,000, a list like 6,12,18 or a range like 1-24"
COUNT_FIX = "give a whole number from 1 to 10,000"
MONEY_FIX = "write dollars like 50, 49.99 or $1,250"
PACE_FIX = "give sessions a week, from 0.01 to 14, e.g. 1 or 0.5"
DATE_FIX = "write it as YYYY-MM-DD, e.g. 2025-06-13"
PROPERTY = settings(deadline=None)


def refusal(call, *args) -> str:
    """The full ``message — fix`` line of the InvalidInput that ``call`` raises."""
    with pytest.raises(InvalidInput) as info:
        call(*args)
    assert "--" not in info.value.message  # never a flag: the CLI adds its own
    return str(info.value)


# --------------------------------------------------------------- sessions and months


@pytest.mark.parametrize(
    ("text", "counts"),
    [("18", [18]), (" 18 ", [18]), ("6,12,18", [6, 12, 18]), (" 6 , 12 ,18 ", [6, 12, 18]),
     ("1-4", [1, 2, 3, 4]), ("1 - 3", [1, 2, 3]), ("3-3", [3]), ("2,5-6", [2, 5, 6]), ("007", [7]),
     ("10000", [10_000]), ("1-10000", list(range(1, 10_001)))],
)  # fmt: skip
def test_sessions_accepted(text, counts):
    assert parse_sessions(text) == counts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1_8", f"sessions '1_8' is not a whole number — {SESSIONS_FIX}"),
        ("١٨", f"sessions '١٨' is not a whole number — {SESSIONS_FIX}"),
        ("５０", f"sessions '５０' is not a whole number — {SESSIONS_FIX}"),
        ("+5", f"sessions '+5' is not a whole number — {SESSIONS_FIX}"),
        (" 1 8", f"sessions '1 8' is not a whole number — {SESSIONS_FIX}"),
        ("1e3", f"sessions '1e3' is not a whole number — {SESSIONS_FIX}"),
        ("18.0", f"sessions '18.0' is not a whole number — {SESSIONS_FIX}"),
        ("", f"sessions '' is not a whole number — {SESSIONS_FIX}"),
        ("6,x", f"sessions 'x' is not a whole number — {SESSIONS_FIX}"),
        ("1-x", f"sessions '1-x' is not a whole number — {SESSIONS_FIX}"),
        ("6,,12", f"sessions '6,,12' has an empty item — {SESSIONS_FIX}"),
        ("0", f"sessions 0 is out of range — {COUNT_FIX}"),
        ("-5", f"sessions -5 is out of range — {COUNT_FIX}"),
        ("10001", f"sessions 10001 is out of range — {COUNT_FIX}"),
        ("6,0", f"sessions 0 is out of range — {COUNT_FIX}"),
        ("0-5", f"sessions 0 is out of range — {COUNT_FIX}"),
        ("9" * 30, f"sessions '{'9' * 30}' is out of range — {COUNT_FIX}"),
        ("9" * 5000, f"sessions '{'9' * 60}'… (5,000 characters) is out of range — {COUNT_FIX}"),
        ("24-1", "sessions '24-1' runs backwards — write it as 1-24"),
        ("1-10000,1", f"sessions '1-10000,1' asks for more than 10,000 results — {SESSIONS_FIX}"),
        (",".join(["1"] * 10_001), f"sessions '{'1,' * 30}'… (20,001 characters) asks for more than 10,000 results — {SESSIONS_FIX}"),
    ],
)  # fmt: skip
def test_sessions_refused_with_one_message(text, expected):
    assert refusal(parse_sessions, text) == expected


def test_sessions_errors_name_the_field_they_are_given():
    with pytest.raises(InvalidInput) as info:
        parse_sessions("0", "doses")
    assert (info.value.field, info.value.message) == ("doses", "doses 0 is out of range")


@pytest.mark.parametrize(("value", "count"), [(18, 18), ("18", 18), (" 18 ", 18), (1, 1), (10_000, 10_000)])
def test_count_accepted_from_text_or_a_json_int(value, count):
    assert parse_count(value) == count


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, f"sessions 0 is out of range — {COUNT_FIX}"),
        ("0", f"sessions 0 is out of range — {COUNT_FIX}"),
        (-3, f"sessions -3 is out of range — {COUNT_FIX}"),
        ("-3", f"sessions -3 is out of range — {COUNT_FIX}"),
        (10**40, f"sessions '{10**40}' is out of range — {COUNT_FIX}"),
        (True, f"sessions true is not a whole number — {COUNT_FIX}"),
        (18.0, f"sessions '18.0' is not a whole number — {COUNT_FIX}"),
        (Decimal("18.0"), f"sessions '18.0' is not a whole number — {COUNT_FIX}"),
        ("18.0", f"sessions '18.0' is not a whole number — {COUNT_FIX}"),
        ("1_8", f"sessions '1_8' is not a whole number — {COUNT_FIX}"),
        ("6,12", f"sessions '6,12' is not one whole number — {COUNT_FIX}"),
        ("1-3", f"sessions '1-3' is not one whole number — {COUNT_FIX}"),
        ([6, 12], "sessions is a list, not text or a number — give sessions as text"),
        ({"n": 1}, "sessions is an object, not text or a number — give sessions as text"),
        (None, f"sessions null is not a whole number — {COUNT_FIX}"),
    ],
)  # fmt: skip
def test_count_refused(value, expected):
    assert refusal(parse_count, value) == expected


def test_out_of_range_is_one_message_for_a_list_a_single_value_and_batch():
    """`compare --sessions 0`, `cost --sessions 0` and a batch line say the same thing."""
    assert refusal(parse_sessions, "0") == refusal(parse_count, "0") == refusal(parse_count, 0)


def test_months():
    assert parse_months("3") == [3]
    assert parse_months("1,3,6") == [1, 3, 6]
    assert parse_months("1-120") == list(range(1, 121))
    fix = "give a whole number from 1 to 120"
    assert refusal(parse_months, "121") == f"months 121 is out of range — {fix}"
    assert refusal(parse_months, "0") == f"months 0 is out of range — {fix}"
    assert refusal(parse_months, "3m") == (
        f"months '3m' is not a whole number — {fix}, a list like 1,3,6 or a range like 1-12"
    )
    assert parse_count("120", "months", inputs.MAX_MONTHS) == 120
    assert refusal(parse_count, 121, "months", inputs.MAX_MONTHS) == f"months 121 is out of range — {fix}"


@PROPERTY
@given(st.integers(1, MAX_SESSIONS), st.sampled_from(["", " ", "0", "00", "\t"]))
def test_any_ascii_integer_in_range_round_trips(n, padding):
    text = f"{padding}{n}{padding.strip('0')}"  # leading zeros, surrounding space
    assert parse_sessions(text) == [n]
    assert parse_count(text) == n
    assert parse_count(n) == n


@PROPERTY
@given(st.integers(1, MAX_SESSIONS), st.integers(0, 200))
def test_any_range_in_bounds_has_every_count_once(low, width):
    high = min(low + width, MAX_SESSIONS)
    assert parse_sessions(f"{low}-{high}") == list(range(low, high + 1))


_OTHER_DIGITS = st.characters(categories=["Nd"]).filter(lambda c: not ("0" <= c <= "9"))


_ASCII_DIGITS = st.text(alphabet="0123456789", max_size=3)


@PROPERTY
@given(_ASCII_DIGITS, _OTHER_DIGITS, _ASCII_DIGITS)
def test_any_non_ascii_digit_is_refused(before, digit, after):
    chars = before + digit + after
    text = "".join(chars)
    assert all(unicodedata.category(c) == "Nd" for c in text)
    for call in (parse_sessions, parse_count, parse_months, parse_pace):
        with pytest.raises(InvalidInput):
            call(text)
    with pytest.raises(InvalidInput):
        parse_money(text, "discount")
    with pytest.raises(InvalidInput):
        parse_date(f"{text}-01-01", "start")


@PROPERTY
@given(st.text(max_size=30))
def test_arbitrary_text_is_counts_in_range_or_an_invalid_input(text):
    try:
        counts = parse_sessions(text)
    except InvalidInput as exc:
        assert exc.field == "sessions" and exc.message.startswith("sessions ")
    else:
        assert counts and all(1 <= n <= MAX_SESSIONS for n in counts)
        assert set(text) <= set("0123456789,- \t\n\r\x0b\x0c")


# --------------------------------------------------------------- dates and today


@pytest.mark.parametrize(
    ("text", "day"), [("2025-06-13", date(2025, 6, 13)), (" 2024-02-29 ", date(2024, 2, 29))]
)
def test_dates_accepted(text, day):
    assert parse_date(text, "start") == day


@pytest.mark.parametrize(
    "text",
    ["2025-02-30", "2025-13-01", "2025-6-13", "20250613", "2025-W24-5", "2025-06-13T00:00", "0000-01-01",
     "２０２５-06-13", "2025-06-13\n1", "", "13/06/2025"],
)  # fmt: skip
def test_dates_refused(text):
    assert refusal(parse_date, text, "as_of").startswith("as_of '")
    assert refusal(parse_date, text, "as_of").endswith(f" is not a date — {DATE_FIX}")


def test_today_is_pinned_by_the_environment_or_the_clock():
    assert today({"KETACALC_TODAY": "2025-06-13"}) == date(2025, 6, 13)
    assert today({"KETACALC_TODAY": ""}) == date.today()
    assert today({}) == date.today()
    assert today() == date(2026, 11, 21)  # the conftest pins it in os.environ
    with pytest.raises(InvalidInput) as info:
        today({"KETACALC_TODAY": "tomorrow"})
    assert info.value.field == "KETACALC_TODAY"
    assert str(info.value) == "KETACALC_TODAY 'tomorrow' is not a date — set it as YYYY-MM-DD or unset it"


# --------------------------------------------------------------- states


@pytest.mark.parametrize(
    ("text", "code"),
    [("TX", "TX"), ("texas", "TX"), ("New York", "NY"), ("new-york", "NY"), ("Washington, D.C.", "DC"),
     ("D.C.", "DC"), ("DC", "DC"), ("Washington DC", "DC"), ("District of Columbia", "DC"), ("Washington", "WA")],
)  # fmt: skip
def test_states_accepted(text, code):
    assert parse_state(text) == code


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Texsa", "state 'Texsa' is not a US state or DC — did you mean TX (Texas)?"),
        ("Atlantis", "state 'Atlantis' is not a US state or DC — use a USPS code such as TX or a name such as Texas"),
        ("", "state '' is not a US state or DC — use a USPS code such as TX or a name such as Texas"),
        ("x" * 900_000, f"state '{'x' * 60}'… (900,000 characters) is not a US state or DC — use a USPS code such as TX or a name such as Texas"),
    ],
)  # fmt: skip
def test_states_refused(text, expected):
    assert refusal(parse_state, text) == expected


def test_state_error_names_its_field():
    with pytest.raises(InvalidInput) as info:
        parse_state("ZZ", "home_state")
    assert info.value.field == "home_state" and info.value.message.startswith("home_state 'ZZ'")


# --------------------------------------------------------------- money


@pytest.mark.parametrize(
    ("text", "amount"),
    [("50", "50.00"), ("49.99", "49.99"), ("0.5", "0.50"), ("$50", "50.00"), ("$1,250", "1250.00"),
     ("1,000,000.10", "1000000.10"), (" 7 ", "7.00"), ("0", "0.00"), ("999999999.99", "999999999.99")],
)  # fmt: skip
def test_money_accepted(text, amount):
    value = parse_money(text, "discount")
    assert value == Decimal(amount) and str(value) == amount


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("５０", f"discount '５０' is not an amount — {MONEY_FIX}"),
        ("1_0", f"discount '1_0' is not an amount — {MONEY_FIX}"),
        ("1e2", f"discount '1e2' is not an amount — {MONEY_FIX}"),
        ("NaN", f"discount 'NaN' is not an amount — {MONEY_FIX}"),
        ("Infinity", f"discount 'Infinity' is not an amount — {MONEY_FIX}"),
        ("1,00", f"discount '1,00' is not an amount — {MONEY_FIX}"),
        ("1000,000", f"discount '1000,000' is not an amount — {MONEY_FIX}"),
        ("$ 5", f"discount '$ 5' is not an amount — {MONEY_FIX}"),
        ("5.", f"discount '5.' is not an amount — {MONEY_FIX}"),
        ("", f"discount '' is not an amount — {MONEY_FIX}"),
        ("-5", f"discount '-5' is negative — {MONEY_FIX}"),
        ("-$5.00", f"discount '-$5.00' is negative — {MONEY_FIX}"),
        ("49.999", f"discount '49.999' has more than 2 decimals — {MONEY_FIX}"),
        ("1000000000", "discount '1000000000' is too large — give at most $999,999,999.99"),
    ],
)  # fmt: skip
def test_money_refused(text, expected):
    assert refusal(parse_money, text, "discount") == expected


@PROPERTY
@given(st.text(max_size=40))
def test_money_raises_nothing_but_invalid_input(text):
    try:
        value = parse_money(text, "discount")
    except InvalidInput as exc:
        assert exc.field == "discount"
    else:
        assert value >= 0 and value == value.quantize(Decimal("0.01"))


@PROPERTY
@given(st.integers(0, 10**9 - 1), st.integers(0, 99))
def test_money_is_cents_exact(dollars, cents):
    assert parse_money(f"{dollars}.{cents:02d}", "discount") == Decimal(dollars) + Decimal(cents) / 100
    assert parse_money(f"${dollars:,}.{cents:02d}", "discount") == Decimal(dollars) + Decimal(cents) / 100


# --------------------------------------------------------------- pace


@pytest.mark.parametrize(
    ("text", "pace"),
    [("1", "1"), ("0.5", "0.5"), (".5", "0.5"), ("2.50", "2.5"), ("14", "14"), ("10", "10"), ("0.01", "0.01"),
     ("0.010000", "0.01"), ("3.", "3"), ("0.333333", "0.333333")],
)  # fmt: skip
def test_pace_accepted(text, pace):
    assert str(parse_pace(text)) == pace  # never exponent form: notes print it


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1e-1000000", f"pace '1e-1000000' is not a number — {PACE_FIX}"),
        ("1_0", f"pace '1_0' is not a number — {PACE_FIX}"),
        (".0", f"pace .0 is out of range — {PACE_FIX}"),  # found by the ci profile: no internal error
        ("１", f"pace '１' is not a number — {PACE_FIX}"),
        ("NaN", f"pace 'NaN' is not a number — {PACE_FIX}"),
        ("-1", f"pace -1 is out of range — {PACE_FIX}"),
        ("", f"pace '' is not a number — {PACE_FIX}"),
        ("0", f"pace 0 is out of range — {PACE_FIX}"),
        ("0.000001", f"pace 0.000001 is out of range — {PACE_FIX}"),
        ("0.009", f"pace 0.009 is out of range — {PACE_FIX}"),
        ("14.01", f"pace 14.01 is out of range — {PACE_FIX}"),
        ("1" * 100_000, f"pace '{'1' * 60}'… (100,000 characters) is out of range — {PACE_FIX}"),
        ("1.0000001", f"pace '1.0000001' has more than 6 decimals — {PACE_FIX}"),
        ("0." + "0" * 100_000 + "1", f"pace '0.{'0' * 58}'… (100,003 characters) has more than 6 decimals — {PACE_FIX}"),
    ],
)  # fmt: skip
def test_pace_refused(text, expected):
    assert refusal(parse_pace, text) == expected


@PROPERTY
@given(st.text(alphabet="0123456789.eE+-_ ", max_size=30))
@example("-.0")  # a sign and no whole digits: Decimal("-") was an internal error (exit 70)
@example("-.5")
def test_pace_is_in_range_or_an_invalid_input(text):
    try:
        pace = parse_pace(text)
    except InvalidInput as exc:
        assert exc.field == "pace"
    else:
        assert Decimal("0.01") <= pace <= 14


# --------------------------------------------------------------- flags


@pytest.mark.parametrize(
    ("value", "flag"),
    [(True, True), (False, False), (None, False), ("", False), ("true", True), ("TRUE", True), ("yes", True),
     ("1", True), (1, True), ("false", False), ("No", False), ("0", False), (0, False), (" y ", True)],
)  # fmt: skip
def test_flags_accepted(value, flag):
    assert parse_flag(value, "returning") is flag


@pytest.mark.parametrize(
    ("value", "shown"), [("maybe", "'maybe'"), (2, "'2'"), ("2", "'2'"), ([True], "a list"), (1.0, "'1.0'")]
)
def test_flags_refused(value, shown):
    assert refusal(parse_flag, value, "pay_in_full") == (
        f"pay_in_full {shown} is not true or false — write true or false (yes/no and 1/0 work too)"
    )


# --------------------------------------------------------------- routes and names


@pytest.mark.parametrize(
    ("text", "route"),
    [("tablet", "tablet"), ("Sublingual tablet", "tablet"), ("lozenge", "troche"), ("TROCHE", "troche"),
     ("nasal spray", "nasal-spray"), ("SQ", "injection")],
)  # fmt: skip
def test_routes_accepted(text, route):
    assert parse_route(text) == route


@pytest.mark.parametrize("text", ["t", "tab", "", "pill", "injection!?x"])
def test_routes_refused_by_listing_the_ids(text):
    assert refusal(parse_route, text) == (
        f"route {text!r} is not a route — use one of tablet, troche, injection, nasal-spray"
    )


KNOWN = ["Aetna", "Cigna/Evernorth Behavioral Health", "Blue Cross Blue Shield"]


@pytest.mark.parametrize(
    ("text", "name"),
    [("aetna", "Aetna"), (" AETNA ", "Aetna"), ("cigna", "Cigna/Evernorth Behavioral Health"),
     ("blue-cross blue shield", "Blue Cross Blue Shield")],
)  # fmt: skip
def test_known_insurer_is_its_listed_name_even_when_not_accepted_here(text, name):
    assert parse_insurer(text, KNOWN, ["Aetna"], "TX") == name


@pytest.mark.parametrize(
    ("text", "accepted", "expected"),
    [
        ("e", ["Aetna"], "insurer 'e' is not a known insurer — insurers accepted in TX: Aetna"),
        ("Atena", ["Aetna", "Blue Cross Blue Shield"],
         "insurer 'Atena' is not a known insurer — insurers accepted in TX: Aetna, Blue Cross Blue Shield"),
        ("e", [], "insurer 'e' is not a known insurer — insurers accepted in TX: none listed"),
        ("", ["Aetna"], "insurer '' is empty — insurers accepted in TX: Aetna"),
        ("  ", [], "insurer '  ' is empty — insurers accepted in TX: none listed"),
    ],
)  # fmt: skip
def test_insurer_refused_listing_those_accepted_in_the_state(text, accepted, expected):
    assert refusal(parse_insurer, text, KNOWN, accepted, "TX") == expected


def test_insurer_prefers_the_spelling_accepted_here():
    known = ["Cigna", "Cigna/Evernorth Behavioral Health"]
    assert parse_insurer("cigna", known, ["Cigna/Evernorth Behavioral Health"], "TX") == known[1]


@pytest.mark.parametrize(
    ("call", "field"), [(parse_provider_name, "provider"), (parse_insurer_name, "insurer")]
)
def test_names_are_non_empty_and_at_most_200_characters(call, field):
    assert call("  Better U ") == "Better U"
    assert call("x" * 200) == "x" * 200
    assert refusal(call, " ").startswith(f"{field} ' ' is empty — give ")
    assert refusal(call, "x" * 201).startswith(f"{field} '{'x' * 60}'… (201 characters) is too long — give ")


def test_insurer_needs_a_state():
    inputs.check_insurer_state(None, None)
    inputs.check_insurer_state("Aetna", "TX")
    assert refusal(inputs.check_insurer_state, "Aetna", None) == (
        "insurer needs state — add state: insurers are accepted state by state"
    )


# --------------------------------------------------------------- no flag in any core message


def test_no_core_message_names_a_flag():
    import re
    from pathlib import Path

    import ketacalc.io.scenarios

    for module in (inputs, ketacalc.io.scenarios):
        source = Path(module.__file__).read_text(encoding="utf-8")
        assert not re.search(r"""["'][^"'\n]*--[a-z]""", source), module.__name__
