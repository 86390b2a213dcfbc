"""``import ketacalc`` as a library: the same request and answers as the command line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from conftest import FIXTURE, REVIEW, TODAY


@pytest.fixture(scope="module")
def data():
    import ketacalc

    return ketacalc.load(FIXTURE, today=TODAY)


def test_cost_is_the_cheapest_course_with_its_schedule(data):
    import ketacalc

    course = ketacalc.cost("alder", sessions=14, data=data, today=TODAY, as_of=REVIEW)
    # fixture comment: 14 sessions = new-4 $800 + returning-10 $1,300 = $2,100
    assert course.total == Decimal("2100.00")
    assert isinstance(course.total, Decimal)
    assert [p.plan.id for p in course.purchases][0] == "new-4"
    assert sum(p.amount for p in course.schedule) == course.total


def test_data_may_be_a_path_and_options_text_as_typed():
    import ketacalc

    by_path = ketacalc.cost("Alder", sessions="14", data=FIXTURE, today=TODAY, as_of="2025-06-13")
    typed = ketacalc.cost("alder", sessions=14, data=FIXTURE, today=TODAY, as_of=date(2025, 6, 13))
    assert by_path.to_dict() == typed.to_dict()


def test_a_state_brings_availability(data):
    import ketacalc

    course = ketacalc.cost("fern", sessions=6, state="texas", data=data, today=TODAY)
    assert course.availability is not None and course.availability.state == "TX"
    assert ketacalc.availability("Fern Health", "texas", data=data, today=TODAY).status == "available"
    rows = ketacalc.compare("New York", data=data, today=TODAY).rows
    assert rows and all(r.availability is not None and r.availability.state == "NY" for r in rows)


def test_bad_input_raises_the_cli_s_errors(data):
    import ketacalc
    from ketacalc.errors import InvalidInput, NoPrice, UnknownProvider

    with pytest.raises(UnknownProvider):
        ketacalc.cost("nosuch", sessions=6, data=data, today=TODAY)
    with pytest.raises(InvalidInput, match="sessions 0 is out of range"):
        ketacalc.cost("alder", sessions=0, data=data, today=TODAY)
    with pytest.raises(InvalidInput, match="sessions or months is needed"):
        ketacalc.cost("alder", data=data, today=TODAY)
    with pytest.raises(InvalidInput, match="insurer needs state"):
        ketacalc.cost("alder", sessions=6, insurer="Aetna", data=data, today=TODAY)
    with pytest.raises(InvalidInput, match="not a US state"):
        ketacalc.availability("alder", "Texsa", data=data, today=TODAY)
    with pytest.raises(NoPrice):  # unpriced: an error, as the CLI's exit 1
        ketacalc.cost("gale", sessions=6, data=data, today=TODAY)


def test_the_package_is_typed():
    import ketacalc

    assert (FIXTURE.parents[3] / "src" / "ketacalc" / "py.typed").exists()
    assert ketacalc.SCHEMA_VERSION == 1


def test_the_stop_ledger_is_part_of_the_answer_and_worked_out_once(data):
    import ketacalc

    course = ketacalc.cost("alder", sessions=14, data=data, today=TODAY, as_of=REVIEW)
    ledger = course.if_stopped
    assert [p.point for p in ledger][-1] == "after-session" and ledger[-1].number == 14
    assert len(course.to_dict()["if_stopped"]) == len(ledger)
    assert course.if_stopped is ledger  # asked again: not worked out again


def test_an_option_of_another_question_or_a_conflict_is_refused_not_dropped():
    """compare(provider=…) gave every provider, cost(sort=…) was ignored, and returning=True
    with client="new" gave "new": the library says so, as Python does of a wrong keyword."""
    import ketacalc
    from ketacalc.errors import InvalidInput

    with pytest.raises(TypeError, match="compare\\(\\) got an unexpected keyword argument 'provider'"):
        ketacalc.compare("TX", provider="alder", data=FIXTURE)
    with pytest.raises(TypeError, match="cost\\(\\) got an unexpected keyword argument 'sort'"):
        ketacalc.cost("alder", 6, sort="total", data=FIXTURE)
    for foreign in ({"discount": "100"}, {"max_due_at_signup": "100"}, {"sort": "total"}):
        with pytest.raises(TypeError, match="curves\\(\\) got an unexpected keyword argument"):
            ketacalc.curves("TX", sessions="6", data=FIXTURE, **foreign)
    assert ketacalc.curves("TX", sessions="6", data=FIXTURE, pay_in_full=True, pace="2").to_dict()
    with pytest.raises(InvalidInput, match="disagree"):
        ketacalc.cost("alder", 6, returning=True, client="new", data=FIXTURE)
    assert ketacalc.cost("alder", 6, returning=True, client="returning", data=FIXTURE).client == "returning"


def test_today_may_be_given_as_text_and_anything_else_is_a_bad_value():
    import ketacalc
    from ketacalc.errors import InvalidInput

    assert ketacalc.cost("alder", 6, today="2026-11-21", data=FIXTURE).total is not None
    with pytest.raises(InvalidInput, match="today 5 is not a date"):
        ketacalc.cost("alder", 6, today=5, data=FIXTURE)
