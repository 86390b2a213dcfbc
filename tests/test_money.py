"""Money parsing: every accepted input gives a cents-exact Decimal, and every refused
input gives a ValueError a data-file author can act on (never a crash)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ketacalc.money import money_display, money_str, parse_money

D = Decimal


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("129"), "129.00"),
        (D("12.5"), "12.50"),
        (D("12.500"), "12.50"),  # trailing zeros are not extra decimals
        (D("1E+2"), "100.00"),
        (D("0"), "0.00"),
    ],
)
def test_decimal_with_at_most_two_decimals_is_kept_to_the_cent(value, expected):
    parsed = parse_money(value)
    assert parsed == D(expected)
    assert str(parsed) == expected  # always exactly two places


@pytest.mark.parametrize("value", [D("1.005"), D("19.999"), D("0.001")])
def test_decimal_with_more_than_two_decimals_is_refused_not_rounded(value):
    with pytest.raises(ValueError, match="at most two decimals"):
        parse_money(value)


@pytest.mark.parametrize("value", [D("-1"), D("-0.01"), D("NaN"), D("sNaN"), D("Infinity"), D("-Infinity")])
def test_negative_or_non_finite_decimal_is_refused(value):
    with pytest.raises(ValueError, match="non-negative amount"):
        parse_money(value)


@pytest.mark.parametrize("value", [10**30, D("1E+30"), D("123456789012345678901234567.5")])
def test_an_amount_too_large_for_cents_is_a_value_error_not_a_crash(value):
    # Decimal keeps 28 digits; adding cents to a 27+-digit amount used to raise
    # decimal.InvalidOperation, which is not a ValueError and crashed the loader.
    with pytest.raises(ValueError, match="too large"):
        parse_money(value)


def test_the_largest_int_that_still_fits_is_accepted():
    assert parse_money(10**25) == D(10**25)


def test_unknown_money_is_a_dash_or_none_never_zero():
    assert money_display(None) == "—"
    assert money_str(None) is None
    assert money_display(D("2862")) == "$2,862.00"
    assert money_str(D("87.505")) == "87.51"  # half-up, for display only


def test_a_huge_integer_price_in_a_data_file_is_a_located_data_problem():
    from datetime import date

    from ketacalc.data import loader
    from ketacalc.errors import DataFileError

    text = """\
version: 1
sources:
  site: {title: "Site", tier: A}
providers:
  - id: acme
    name: Acme
    status: [{value: operating, source: site}]
    plans:
      - id: p
        name: P
        sessions: 1
        client: any
        prices:
          - {source: site, as_of: 2026-01-01, price: 1000000000000000000000000000000}
"""
    with pytest.raises(DataFileError) as info:
        loader.parse(text, "big.yaml", today=date(2026, 11, 21))
    [problem] = info.value.problems
    assert problem.path == "providers.0.plans.0.prices.0.price"
    assert problem.line == 14
    assert "too large" in problem.message
