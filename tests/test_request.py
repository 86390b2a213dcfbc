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
        ({"sort": "QQQ", "sessions": 6}, "sort", "sort 'QQQ' is not a sort key"),  # as typed
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


def _unusual(request: Request) -> Request:
    """A request whose every field differs from its default, so a dropped field shows."""
    return request._replace(
        providers=("mindbloom",),
        state="TX",
        client="returning",
        course=Course("sessions", (7,)),
        start=date(2026, 3, 2),
        pace=Decimal(2),
        route="injection",
        insurer="Aetna",
        pay_in_full=True,
        discount=Decimal(5),
        as_of=date(2026, 2, 1),
        max_age=30,
        sort="total",
        include_unavailable=True,
        no_sitter=True,
        insurance=True,
        max_due_at_signup=Decimal(100),
        hired_sitter=True,
    )


def test_every_query_keeps_each_field_it_shares_with_the_request():
    from ketacalc.domain.compare import CompareQuery, _cost_query

    request = _unusual(Request())
    assert all(getattr(request, f) != default for f, default in Request._field_defaults.items())
    queries = [request.cost_query("Aetna"), request.compare_query("Aetna"), request.curve_query("Aetna")]
    for query in queries:
        shared = [f for f in query._fields if hasattr(request, f)]
        assert {f: getattr(query, f) for f in shared} == {f: getattr(request, f) for f in shared}
    compared = request.compare_query("Aetna")
    priced = _cost_query(compared, compared.as_of, TODAY, compared.route, 7)
    shared = [f for f in priced._fields if f in CompareQuery._fields]
    assert {f: getattr(priced, f) for f in shared} == {f: getattr(compared, f) for f in shared}
    # the curves price with the same conversion: a curve's compare and cost queries keep its fields
    curve = request.curve_query("Aetna")
    assert curve.max_age == 30 and curve.start == date(2026, 3, 2) and curve.pace == Decimal(2)
