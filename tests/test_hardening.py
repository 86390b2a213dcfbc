"""Issue 10 ("hardening round two"), item by item: each test names what it pins.

The hostile inputs with their one-line messages are catalogued in
tests/test_hostile_inputs.py; the fuzz tests are in tests/test_cli_fuzz.py.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import TODAY, jsonl, load_fixture

# --------------------------------------------------------------- batch: the summary without every payment


@given(
    provider=st.sampled_from(["alder", "birch", "cedar", "dune", "fern", "gale", "elm"]),
    returning=st.booleans(),
    pay_in_full=st.booleans(),
    discount=st.sampled_from(["0", "25", "500", "99999"]),
    pace=st.sampled_from(["1", "0.5", "3", "14", "0.01"]),
    as_of=st.sampled_from([None, date(2025, 6, 13), date(2024, 1, 1)]),
    insured=st.booleans(),
    counts=st.lists(st.integers(1, 3000), min_size=1, max_size=4),
    starts=st.lists(st.dates(date(2020, 1, 1), date(9999, 12, 31)), min_size=1, max_size=3),
)
def test_a_summary_equals_the_summary_of_the_full_result(
    provider, returning, pay_in_full, discount, pace, as_of, insured, counts, starts
):
    """batch summarises a course without building every payment, with one pricer for
    every start: field for field what `cost --format csv` gives from the full result."""
    from ketacalc.errors import KetacalcError
    from ketacalc.pricing import CostQuery, ProviderPricer
    from ketacalc.reports.cost import summary_record
    from ketacalc.reports.summary import compact_record, encoded_record
    from ketacalc.summary import Summariser

    catalog = load_fixture()
    found = catalog.find(provider)
    query = CostQuery(
        sessions=1, returning=returning, pay_in_full=pay_in_full, discount=Decimal(discount),
        pace=Decimal(pace), as_of=as_of, state="TX" if insured else None, insurer="Aetna" if insured else None,
    )  # fmt: skip
    summariser = Summariser(ProviderPricer(found, query, TODAY))
    for n in counts:
        for start in starts:
            summary = summariser.summary(n, start)
            if summary is None:
                continue  # priced in full instead
            try:
                full = summary_record(ProviderPricer(found, query._replace(start=start), TODAY).price(n))
            except KetacalcError as exc:
                pytest.fail(f"summarised a course the full pricer refuses: {exc}")
            assert compact_record(summary) == full
            encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
            assert encoded_record(7, summary) == encoder.encode(
                {"schema_version": 1, "line": 7, "error": None, **full}
            )


def test_distinct_scenarios_give_what_cost_gives(cli):
    """One pricer serves every start: each line still gets its own dates."""
    lines = [
        {"provider": "alder", "sessions": n, "start": f"2026-0{m}-1{m}"} for n in (3, 25) for m in (1, 5)
    ]
    result = cli("batch", input=jsonl(*lines))
    assert result.exit_code == 0, result.stderr
    for line, record in zip(lines, result.stdout.splitlines(), strict=True):
        expected = cli("cost", "alder", "--sessions", str(line["sessions"]), "--start", line["start"],
                       "--format", "csv")  # fmt: skip
        got = json.loads(record)
        assert got["first_due"] == line["start"]
        assert got["last_due"] in expected.stdout and got["total"] in expected.stdout
