"""``import ketacalc`` as a library: load the data, price a course, compare a state, availability."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import FIXTURE, TODAY


@pytest.fixture(scope="module")
def data():
    import ketacalc

    return ketacalc.load(FIXTURE, today=TODAY)


def test_cost_is_the_cheapest_course_with_its_schedule(data):
    import ketacalc

    course = ketacalc.cost(data, "alder", 14, today=TODAY, as_of=TODAY.replace(year=2025, month=6, day=13))
    # fixture comment: 14 sessions = new-4 $800 + returning-10 $1,300 = $2,100
    assert course.total == Decimal("2100.00")
    assert isinstance(course.total, Decimal)
    assert [p.plan.id for p in course.purchases][0] == "new-4"
    assert sum(p.amount for p in course.schedule) == course.total


def test_names_and_states_are_read_as_people_write_them(data):
    import ketacalc

    assert ketacalc.availability(data, "Fern Health", "texas", TODAY).status == "available"
    rows = ketacalc.compare_state(data, "New York", today=TODAY).rows
    assert rows and all(r.availability is not None and r.availability.state == "NY" for r in rows)


def test_bad_input_raises_the_cli_s_errors(data):
    import ketacalc
    from ketacalc.errors import InvalidInput, UnknownProvider

    with pytest.raises(UnknownProvider):
        ketacalc.cost(data, "nosuch", 6, today=TODAY)
    with pytest.raises(InvalidInput, match="sessions 0 is out of range"):
        ketacalc.cost(data, "alder", 0, today=TODAY)
    with pytest.raises(InvalidInput, match="not a US state"):
        ketacalc.availability(data, "alder", "Texsa")


def test_the_package_is_typed():
    import ketacalc

    assert (FIXTURE.parents[3] / "src" / "ketacalc" / "py.typed").exists()
    assert ketacalc.SCHEMA_VERSION == 1
