"""One request: every input is parsed, and every cross-field rule checked, in domain.request."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import TODAY, load_fixture
from ketacalc.domain import answers
from ketacalc.domain.request import NO_COURSE, REQUIRED, Course, Request, build
from ketacalc.errors import InvalidInput


def test_text_and_typed_values_give_the_same_request():
    typed = build(provider="alder", sessions=18, state="TX", as_of=date(2025, 6, 13), pace=Decimal("0.5"))
    text = build(provider="alder", sessions="18", state="texas", as_of="2025-06-13", pace="0.50")
    assert (
        typed
        == text
        == Request(
            providers=("alder",),
            state="TX",
            course=Course("sessions", (18,)),
            as_of=date(2025, 6, 13),
            pace=Decimal("0.5"),
        )
    )


def test_the_client_is_new_or_returning_in_any_spelling():
    assert build(client="Returning").client == build(returning=True).client == "returning"
    assert build().client == "new"
    with pytest.raises(InvalidInput, match="client 'old' is not new or returning"):
        build(client="old")


def test_several_providers_and_a_list_of_counts():
    request = build(providers=["alder", " Birch "], sessions="6,12", many=True)
    assert request.providers == ("alder", "Birch")
    assert request.course == Course("sessions", (6, 12)) and request.sessions == 12
    assert build(providers="alder").providers == ("alder",)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"sessions": 6, "months": 2}, "months", "sessions and months cannot be used together"),
        ({"course": REQUIRED}, "sessions", "sessions or months is needed"),
        ({"insurer": "Aetna"}, "insurer", "insurer needs state"),
        ({"sort": "total"}, "sort", "sort total needs a course to rank"),
        ({"sort": "cheapest", "sessions": 6}, "sort", "sort 'cheapest' is not a sort key"),
        ({"state": " ", "blank_is_absent": False}, "state", "is not a US state"),
    ],
)
def test_each_cross_field_rule_is_one_error_naming_its_fields(fields, field, message):
    with pytest.raises(InvalidInput) as info:
        build(**fields)
    assert info.value.field == field and message in info.value.message


def test_a_question_without_a_course_ignores_one():
    assert build(sessions=6, months=3, course=NO_COURSE).course is None


def test_a_blank_value_is_not_given_where_it_comes_from_a_file():
    assert build(state="", insurer=" ", sessions="") == Request()


@given(n=st.integers(min_value=1, max_value=10_000))
def test_a_count_typed_or_as_text_is_the_same_course(n):
    assert build(sessions=n).course == build(sessions=str(n)).course == Course("sessions", (n,))


def test_the_answers_need_one_provider_and_a_course():
    catalog = load_fixture()
    with pytest.raises(InvalidInput, match="sessions or months is needed"):
        answers.cost(catalog, build(provider="alder"), TODAY)
    with pytest.raises(InvalidInput, match="one provider is needed"):
        answers.cost(catalog, build(providers=["alder", "birch"], sessions=6), TODAY)
