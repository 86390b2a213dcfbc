"""``ketacalc chart``: honest cost curves in the terminal, and their points for scripts."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import REPO, TODAY, parse_output, run_subprocess, words

FIXTURE = REPO / "tests" / "data" / "share" / "fixture.yaml"
ANSI = re.compile(r"\x1b\[")


def points_by_provider(text: str) -> dict[str, dict[int, str | None]]:
    found: dict[str, dict[int, str | None]] = {}
    for row in json.loads(text):
        assert row["unit"] == "sessions" and row["currency"] == "USD"
        found.setdefault(row["provider"], {})[row["n"]] = row["total"]
    return found


@pytest.mark.parametrize(
    "filters",
    [["--state", "TX"], ["--state", "NY", "--returning"], ["--state", "CA", "--pay-in-full"], []],
    ids=["TX", "NY-returning", "CA-pay-in-full", "no-state"],
)
def test_every_point_equals_the_cost_total_for_that_n(cli, filters):
    chart = cli("chart", *filters, "--sessions", "1-36", "--format", "json")
    assert chart.exit_code == 0, chart.stderr
    points = points_by_provider(chart.stdout)
    assert len(points) >= 3
    for provider, totals in points.items():
        assert sorted(totals) == list(range(1, 37))
        cost_filters = [f for f in filters if f not in ("--returning", "--pay-in-full")]
        extra = [f for f in filters if f in ("--returning", "--pay-in-full")]
        cost = cli("cost", provider, "--sessions", "1-36", *cost_filters, *extra, "--format", "ndjson")
        assert cost.exit_code == 0, cost.stderr
        expected = {r["sessions_requested"]: r["total"] for r in parse_output("ndjson", cost.stdout)}
        assert totals == expected, provider


def test_months_points_equal_the_cost_of_those_months_for_every_kind_of_plan(cli):
    chart = cli("chart", "--state", "TX", "--months", "1-6", "--format", "json")
    assert chart.exit_code == 0, chart.stderr
    records = json.loads(chart.stdout)
    assert {r["unit"] for r in records} == {"months"}
    points = points_by_provider(chart.stdout.replace('"months"', '"sessions"'))
    assert "dune" in points  # a daily low-dose plan has a price per month, so it is drawn
    for provider, totals in points.items():
        cost = cli("cost", provider, "--months", "1-6", "--format", "ndjson")
        assert cost.exit_code == 0, cost.stderr
        assert totals == {r["months"]: r["total"] for r in parse_output("ndjson", cost.stdout)}, provider


def test_points_as_csv_one_row_per_provider_and_n(cli):
    result = cli("--data", str(FIXTURE), "chart", "--state", "TX", "-n", "5-7", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = parse_output("csv", result.stdout)
    assert list(rows[0]) == [
        "provider",
        "name",
        "unit",
        "n",
        "total",
        "total_low",
        "total_high",
        "currency",
        "pricing",
        "availability",
        "route",
        "modality",
        "ranked",
        "stale",
        "oldest_price",
        "plan_conditions",
        "regulation",
    ]
    # pay-per-visit: visits at $120 and the $50 consultation
    assert [(r["provider"], r["n"], r["total"]) for r in rows] == [
        ("mindbloom", "5", "1290.00"), ("mindbloom", "6", "1290.00"), ("mindbloom", "7", "2364.00"),
        ("pay-per-visit", "5", "770.00"), ("pay-per-visit", "6", "890.00"), ("pay-per-visit", "7", "1010.00"),
    ]  # fmt: skip


def test_steps_where_a_package_is_bought(cli):
    result = cli("--data", str(FIXTURE), "chart", "--state", "TX", "-n", "1-13", "--format", "json")
    mindbloom = points_by_provider(result.stdout)["mindbloom"]
    # one 6-session package covers 1 to 6; the 7th session needs a second purchase
    assert {mindbloom[n] for n in range(1, 7)} == {"1290.00"}
    assert mindbloom[7] == "2364.00" and mindbloom[12] == "2364.00" and mindbloom[13] == "2970.00"


def test_daily_low_dose_and_unknown_prices_are_left_out_with_a_note(cli):
    result = cli("--data", str(FIXTURE), "chart", "--state", "TX", "--format", "json")
    assert result.exit_code == 0, result.stderr
    drawn = set(points_by_provider(result.stdout))
    assert drawn == {"mindbloom", "pay-per-visit"}
    assert "0.00" not in {r["total"] for r in json.loads(result.stdout)}
    assert "Not drawn: Daily Dose sells daily low-dose plans" in result.stderr
    assert "Not drawn: No Prices Inc publishes no prices" in result.stderr
    assert "unavailable in TX: not-in-texas" in result.stderr
    table = cli("--data", str(FIXTURE), "chart", "--state", "TX")
    assert "Daily Dose" not in table.stdout and "No Prices" not in table.stdout


def test_a_provider_selling_both_keeps_its_session_plans_only():
    from ketacalc.data.loader import load_catalog
    from ketacalc.domain.curves import CurveQuery, curves

    catalog = load_catalog(FIXTURE, today=TODAY)
    provider = catalog.find("mindbloom")
    low_dose = provider.plans[0]._replace(id="daily", name="Daily drops", modality="daily-low-dose")
    mixed = provider._replace(plans=(*provider.plans, low_dose))
    from ketacalc.data.catalog import Catalog

    small = Catalog(catalog.sources, (mixed,))
    result = curves(small, CurveQuery(counts=(1, 2, 3)), today=TODAY)
    (series,) = result.series
    assert "Daily drops" in " ".join(words(series.notes))
    plain = curves(Catalog(catalog.sources, (provider,)), CurveQuery(counts=(1, 2, 3)), today=TODAY)
    assert series.points == plain.series[0].points


@pytest.mark.parametrize("columns", ["80", "60", "45"])
def test_the_chart_fits_columns_and_names_every_provider_drawn(cli, columns):
    result = cli("chart", "--state", "TX", "--sessions", "1-36", env={"COLUMNS": columns})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(map(len, lines)) <= int(columns)
    assert (
        "sessions" in result.stdout and "$0" in result.stdout and re.search(r"\$\d{1,2},000", result.stdout)
    )
    drawn = points_by_provider(cli("chart", "--state", "TX", "--format", "json").stdout)
    names = {r["name"] for r in json.loads(cli("chart", "--state", "TX", "--format", "json").stdout)}
    assert len(names) == len(drawn) >= 3
    markers = []
    for name in names:
        legend = [line for line in lines if re.match(rf"^(\S)  {re.escape(name)}\b", line)]
        assert legend, f"{name} is not in the legend"
        markers.append(legend[0][0])
    assert len(set(markers)) == len(markers)  # a marker each: lines are told apart without colour
    for marker in markers:
        assert any(marker in line for line in lines[1 : -len(names)]), f"marker {marker} not drawn"


def test_no_colour_when_piped_or_with_no_color():
    env = {"COLUMNS": "", "NO_COLOR": ""}
    piped = run_subprocess("chart", "--state", "TX", env=env)
    assert piped.returncode == 0, piped.stderr
    assert not ANSI.search(piped.stdout)
    assert max(map(len, piped.stdout.splitlines())) <= 80  # 80 columns when piped


def test_colour_only_when_asked(catalog):
    from ketacalc.domain.curves import CurveQuery, curves
    from ketacalc.output.plot import write_chart

    result = curves(catalog, CurveQuery(state="TX", counts=tuple(range(1, 13))), today=TODAY)
    coloured, plain = io.StringIO(), io.StringIO()
    write_chart(result, coloured, 80, color=True)
    write_chart(result, plain, 80, color=False)
    assert ANSI.search(coloured.getvalue())
    assert not ANSI.search(plain.getvalue())


def test_no_colour_on_a_terminal_with_no_color():
    """A real pseudo-terminal: colour there, none once NO_COLOR is set."""
    pty = pytest.importorskip("pty")
    import os

    def run(no_color: str) -> str:
        code = (
            "import sys; from ketacalc.cli import main; "
            "sys.exit(main(['chart', '--state', 'TX', '-n', '1-6']))"
        )
        env = {**os.environ, "NO_COLOR": no_color, "COLUMNS": "80", "PYTHONPATH": str(REPO / "src")}
        leader, follower = pty.openpty()
        proc = subprocess.Popen(
            [sys.executable, "-c", code], stdout=follower, stderr=subprocess.DEVNULL, env=env
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                data = os.read(leader, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        proc.wait(timeout=60)
        os.close(leader)
        return b"".join(chunks).decode()

    assert ANSI.search(run(""))
    assert not ANSI.search(run("1"))


def test_unknown_points_are_gaps_never_zero():
    from ketacalc.domain.curves import CurveQuery, CurveResult, Series
    from ketacalc.output.plot import render_chart, segments

    series = Series("a", "Alpha", ((1, Decimal(100)), (2, None), (3, Decimal(300)), (4, Decimal(300))))
    assert list(segments(series)) == [[(1, Decimal(100))], [(3, Decimal(300)), (4, Decimal(300))]]
    result = CurveResult(CurveQuery(counts=(1, 2, 3, 4)), date(2026, 1, 1), (series,))
    text = render_chart(result, 60, color=False)
    assert "x  Alpha" in text


def test_a_list_of_counts_is_not_joined_by_a_step():
    from ketacalc.domain.curves import Series
    from ketacalc.output.plot import segments

    series = Series("a", "Alpha", ((6, Decimal(600)), (12, Decimal(900)), (13, Decimal(950))))
    assert [len(run) for run in segments(series)] == [1, 2]


@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=40))
def test_step_lines_pass_through_every_total(totals):
    from ketacalc.output.plot import steps

    run = [(n + 1, Decimal(t)) for n, t in enumerate(totals)]
    xs, ys = steps(run)
    assert len(xs) == len(ys) == 2 * len(run) - 1
    assert xs == sorted(xs)
    on_points = {(x, y) for x, y in zip(xs, ys, strict=True)}
    assert all((n, float(t)) in on_points for n, t in run)


def test_cheapest_provider_changes_are_named(cli):
    result = cli("--data", str(FIXTURE), "chart", "--state", "TX", "-n", "1-36")
    assert "Cheapest: Pay Per Visit | Clinic (stale prices) from 1" in " ".join(result.stdout.split())
    from ketacalc.domain.curves import CurveQuery, CurveResult, Series, crossings

    a = Series("a", "A", ((1, Decimal(1)), (2, Decimal(5)), (3, Decimal(9))))
    b = Series("b", "B", ((1, Decimal(3)), (2, Decimal(4)), (3, Decimal(5))))
    assert crossings(CurveResult(CurveQuery(counts=(1, 2, 3)), TODAY, (a, b))) == [(2, "A", "B")]


def _crossings_by_rescanning(result) -> list[tuple[int, str, str]]:
    """The first crossings(): every N rescans every point (quadratic, and plainly right)."""
    changes: list[tuple[int, str, str]] = []
    cheapest = None
    for n in sorted({n for s in result.series for n, _ in s.points}):
        known = [(t, s.name) for s in result.series for m, t in s.points if m == n and t is not None]
        if not known:
            continue
        low = min(t for t, _ in known)
        names = sorted(name for t, name in known if t == low)
        if cheapest is not None and cheapest not in names:
            changes.append((n, cheapest, names[0]))
            cheapest = names[0]
        elif cheapest is None:
            cheapest = names[0]
    return changes


_totals = st.one_of(st.none(), st.integers(min_value=0, max_value=6).map(Decimal))


@given(
    st.lists(
        st.tuples(st.sampled_from("ABCD"), st.dictionaries(st.integers(1, 12), _totals, max_size=12)),
        max_size=4,
    )
)
def test_crossings_in_one_pass_agree_with_rescanning(curves):
    from ketacalc.domain.curves import CurveQuery, CurveResult, Series, crossings

    series = tuple(Series(name.lower(), name, tuple(sorted(points.items()))) for name, points in curves)
    result = CurveResult(CurveQuery(), TODAY, series)
    assert crossings(result) == _crossings_by_rescanning(result)


def test_nothing_to_draw_says_so(cli):
    result = cli("--data", str(FIXTURE), "chart", "--state", "WY", "--insurance")
    assert result.exit_code == 0
    assert "No provider has a known price to draw." in result.stdout
    assert cli("--data", str(FIXTURE), "chart", "--state", "WY", "--insurance", "-f", "json").stdout == "[]\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["chart", "--months", "1-12", "--sessions", "3"], "--sessions and --months cannot be used together"),
        (["chart", "--months", "0-3"], "--months 0 is out of range"),
        (["chart", "--insurer", "aetna"], "--insurer needs --state"),
        (["chart", "--sessions", "0-3"], "--sessions 0 is out of range"),
        (["chart", "--state", "XX"], "--state 'XX' is not a US state"),
    ],
)
def test_usage_errors(cli, args, message):
    result = cli(*args)
    assert result.exit_code == 2
    assert message in result.stderr and result.stdout == ""


@pytest.mark.parametrize(
    "args", [["providers"], ["compare", "--state", "TX", "-f", "markdown"]], ids=" ".join
)
def test_other_commands_do_not_import_plotext_or_jinja(args):
    import os

    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "ketacalc", *args],
        capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(REPO / "src")},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    imported = proc.stderr.lower()
    assert "ketacalc.cli.share" in imported  # the measurement sees our modules
    assert not re.search(r"plotext|jinja2|markupsafe", imported)


def test_cost_imports_neither_compare_nor_the_curves():
    """Start-up: one course is priced without the comparison's or the chart's modules (about
    4 ms of imports; the request imports them when asked for a comparison or a curve)."""
    import os

    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "ketacalc", "--data", str(FIXTURE),
         "cost", "mindbloom", "-n", "6", "--format", "json"],
        capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(REPO / "src")},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    imported = proc.stderr
    assert "ketacalc.domain.pricing" in imported  # the measurement sees the core
    assert not re.search(r"ketacalc\.domain\.(compare|curves)\b", imported)


def test_chart_takes_the_course_options_cost_takes(cli):
    """--pace and --start reach the curves: two sessions a week cost more in the first months."""
    slow = cli("chart", "--months", "1-3", "--start", "2026-11-21", "--format", "json").json()
    fast = cli("chart", "--months", "1-3", "--start", "2026-11-21", "--pace", "2", "--format", "json").json()
    assert [(r["provider"], r["n"]) for r in slow] == [(r["provider"], r["n"]) for r in fast]
    assert any(f["total"] != s["total"] for s, f in zip(slow, fast, strict=True))


def test_report_takes_the_filters_compare_takes(cli):
    narrow = cli("report", "--state", "TX", "--no-sitter")
    wide = cli("report", "--state", "TX")
    assert narrow.exit_code == wide.exit_code == 0
    assert len(narrow.stdout) < len(wide.stdout)


def test_the_markdown_table_says_what_the_drawing_says_below_it(cli):
    """Markdown is for people: the points come with the prices' dates, what is stale, the
    cheapest, the rules on the courses' dates and the notice, as the drawn chart gives them."""
    out = cli("chart", "--state", "TX", "--sessions", "1-8", "--format", "markdown").stdout
    below = out.rstrip().splitlines()[-1]
    assert below.startswith("Total cost of N sessions in TX, new client (USD, prices dated 2025-06-13 to")
    assert "Stale prices (older than --max-age): Birch Clinic, Cedar Care." in below
    assert "Cheapest: Cedar Care (stale prices) from 1 session." in below
    assert "in-person evaluation may be required from 2027-01-01" in below
    assert below.endswith("it is not medical advice.")


def test_a_provider_not_drawn_is_said_to_be_so_for_its_reason_not_its_insurance_note():
    """With an insurer asked for, a provider with an insurer list but no prices is left out
    because it publishes no prices: the note said "Not drawn: Insurance: Aetna in TX …"."""
    from conftest import catalog_of, provider_data
    from ketacalc.domain.curves import CurveQuery, curves

    listed = provider_data(
        insurance=[{"value": True, "source": "site", "as_of": "2026-01-10"}],
        insurers=[{"source": "site", "as_of": "2026-01-10", "by_state": {"TX": ["Aetna"]}}],
    )
    result = curves(catalog_of(listed), CurveQuery(counts=(1, 2), state="TX", insurer="Aetna"), today=TODAY)
    said = [n for n in words(result.notes) if n.startswith("Not drawn")]
    assert said == ["Not drawn: Acme Ketamine publishes no prices; the cost is unknown."], said


def test_a_provider_not_known_to_serve_the_state_is_drawn_but_never_called_cheapest(cli):
    """In ID only Birch is known to serve: Alder and Cedar are drawn (they may serve) and
    left out of the ranking, with the reason; Birch, alone comparable, is the cheapest of
    nothing; each point says so to a script too."""
    head = " ".join(cli("chart", "--state", "ID", "-n", "1-6").stdout.split("\n\n")[0].split())
    assert head.startswith("Only Birch Clinic is comparable here; no line is ranked cheapest.")
    assert "Not ranked: Alder Health (not known to serve ID); Cedar Care (not known to serve ID)." in head
    ca = " ".join(cli("chart", "--state", "CA", "-n", "1-6").stdout.split("\n\n")[0].split())
    assert ca.startswith("Cheapest: ") and "Cedar Care (not known to serve CA)" in ca
    points = cli("chart", "--state", "ID", "-n", "1-6", "--format", "json").json()
    about = {p["provider"]: (p["availability"], p["ranked"]) for p in points}
    assert about == {"alder": ("unknown", False), "birch": ("available", True), "cedar": ("unknown", False)}
    none = " ".join(cli("chart", "--state", "AL", "-n", "1-6").stdout.split("\n\n")[0].split())
    assert none.startswith(
        "No line drawn is ranked cheapest. Not ranked: Alder Health (not known to serve AL)"
    )


def test_a_curve_drawn_on_the_standard_route_says_so(cli):
    """Alder prices tablets and injections apart: its line is the tablet's, and says the
    route is the person's choice (a script reads the route of each point)."""
    result = cli("chart", "--state", "TX", "-n", "1-6")
    assert (
        "Alder Health: drawn on tablet, its standard route; the route is yours to choose with your clinician (--route injection prices it)."
        in " ".join(result.stderr.split())
    )
    points = cli("chart", "--state", "TX", "-n", "1-6", "--format", "json").json()
    assert {p["route"] for p in points if p["provider"] == "alder"} == {"tablet"}
    asked = cli("chart", "--state", "TX", "-n", "1-6", "--route", "injection")
    assert "its standard route" not in asked.stderr


def test_chart_points_say_how_old_their_prices_are_and_who_a_plan_is_for(cli):
    points = cli("chart", "--state", "TX", "-n", "3", "--format", "json").json()
    cedar = next(p for p in points if p["provider"] == "cedar")
    assert cedar["stale"] is True and cedar["oldest_price"] == "2025-06-13"
    # the plan by its id, as compare and providers give it, with its name and who says so when
    assert cedar["plan_conditions"] == [
        {
            "plan": "intro",
            "name": "Introduction",
            "condition": "for problems of the last year",
            "source": "review-2025",
            "as_of": "2025-06-13",
        }
    ]
    rows = cli("chart", "--state", "TX", "-n", "3", "--format", "csv").stdout
    assert "intro: for problems of the last year" in rows


def test_an_insured_line_is_weighed_only_against_lines_that_may_be_ranked():
    """Acme alone serves TX and is insured for Aetna there; Zeta's self-pay line (not known to
    serve TX) is drawn but never ranked, so it cannot keep Acme's insured line from ranking:
    the chart ranked no line in IL and eight more states while compare named Innerwell."""
    from conftest import catalog_of, plan_data, provider_data
    from ketacalc.domain.curves import CurveQuery, comparable, curves

    acme = provider_data(
        states=[{"source": "site", "as_of": "2026-01-10", "codes": ["TX"], "complete": True, "count": 1}],
        plans=[plan_data("course", 4, "any", "800", insured="400")],
        insurance=[{"value": True, "source": "site", "as_of": "2026-01-10"}],
        insurers=[{"source": "site", "as_of": "2026-01-10", "by_state": {"TX": ["Aetna"]}}],
    )
    zeta = provider_data("zeta", "Zeta Care", plans=[plan_data("course", 4, "any", "300")])
    result = curves(catalog_of(acme, zeta), CurveQuery(counts=(4,), state="TX", insurer="Aetna"), today=TODAY)
    kept, why = comparable(result)
    assert [s.name for s in kept] == ["Acme Ketamine"]
    assert words(why) == ("Zeta Care (not known to serve TX)",)


def test_a_single_line_drawn_keeps_its_prices_in_words_beside_why_it_is_not_ranked():
    """One line drawn that is not known to serve the state: the headline still says what it
    costs (the reason not to rank it had replaced the summary) and why it is not ranked."""
    from conftest import catalog_of, plan_data, provider_data
    from ketacalc.domain.curves import CurveQuery, curves
    from ketacalc.output.plot import headline

    zeta = provider_data("zeta", "Zeta Care", plans=[plan_data("course", 4, "any", "300")])
    result = curves(catalog_of(zeta), CurveQuery(counts=(4, 8), state="TX"), today=TODAY)
    said = " ".join(headline(result, 200))
    assert said.startswith("Zeta Care: $300 for 4 to $600 for 8 sessions. No line drawn is ranked cheapest.")
    assert "Not ranked: Zeta Care (not known to serve TX)." in said


def test_each_point_says_whether_it_is_insured_as_compare_rows_do(cli):
    """The chart names a line's insured prices; its JSON said nothing of them per point, and a
    line insured at some N only read as insured everywhere."""
    from ketacalc.domain.curves import Series

    args = ("--state", "TX", "--insurer", "Aetna", "-n", "6")
    points = {p["provider"]: p["pricing"] for p in cli("chart", *args, "--format", "json").json()}
    rows = {r["provider"]: r["pricing"] for r in cli("compare", *args, "--format", "json").json()}
    assert points["birch"] == rows["birch"] == "insurance"
    assert points["cedar"] == rows["cedar"] == "self-pay"
    some = Series("x", "X", ((1, None), (2, None)), pricings=("insurance", "self-pay"))
    assert some.insured_label == "partly insured prices"
    assert some._replace(pricings=("insurance", None)).insured_label == "insured prices"
    assert some._replace(pricings=("self-pay", None)).insured_label is None


def _marks_at_each_n(text: str) -> dict[int, dict[str, set[int]]]:
    """For each N on the axis, the rows on which each of the legend's markers is drawn
    over its tick (halfway to the next tick on each side)."""
    lines = text.splitlines()
    top = next(i for i, line in enumerate(lines) if "┌" in line)
    bottom = next(i for i, line in enumerate(lines) if "└" in line)
    legend = {line[0] for line in lines[bottom:] if re.match(r"^\S  \S", line)}
    ticks = [(m.start(), int(m.group())) for m in re.finditer(r"\d+", lines[bottom + 1])]
    left, right = lines[top].index("┌") + 1, lines[top].index("┐")
    found: dict[int, dict[str, set[int]]] = {}
    for k, (column, n) in enumerate(ticks):
        start = left if k == 0 else (ticks[k - 1][0] + column) // 2 + 1
        end = right if k == len(ticks) - 1 else (column + ticks[k + 1][0]) // 2 + 1
        rows = range(top + 1, bottom)
        found[n] = {mark: {row for row in rows if mark in lines[row][start:end]} for mark in legend}
    assert legend and found, text
    return found


@pytest.mark.parametrize("sessions", ["2", "1-2", "1-3", "1-5"])
@pytest.mark.parametrize("columns", ["60", "80"])
def test_a_short_range_shows_every_provider_once_at_every_n(cli, sessions, columns):
    """At a few N the step lines ran across the whole width: the last drawn hid the others
    (Fern's $1,050 at 2 sessions hid Birch's, so "o  Birch Clinic" was in the legend and
    nowhere in the plot), and over an N's tick a line could stand at two totals (before and
    after its step). A short range is drawn as one mark per provider at each N, side by
    side, none over another: each marker once over each tick, on one row."""
    result = cli("chart", "--state", "TX", "--sessions", sessions, env={"COLUMNS": columns})
    assert result.exit_code == 0, result.stderr
    found = _marks_at_each_n(result.stdout)
    first, _, last = sessions.partition("-")
    assert sorted(found) == list(range(int(first), int(last or first) + 1)), result.stdout
    for n, marks in found.items():
        assert all(len(rows) == 1 for rows in marks.values()), (n, marks, result.stdout)
    assert max(map(len, result.stdout.splitlines())) <= int(columns)


def test_a_line_drawn_under_another_with_the_same_prices_is_said_to_be_hidden(cli, tmp_path):
    """Two providers with the same prices at every N: the later line is drawn over the
    earlier one, which showed nowhere though the legend listed its marker. The legend says
    it is hidden, and under which; side by side (a short range) nothing is hidden."""
    from conftest import FIXTURE

    text = FIXTURE.read_text(encoding="utf-8")
    start, end = text.index("  - id: birch\n"), text.index("  - id: cedar\n")
    twin = (
        text[start:end]
        .replace("id: birch\n", "id: birch-twin\n", 1)
        .replace("name: Birch Clinic", "name: Birch Twin")
    )
    path = tmp_path / "providers.yaml"
    path.write_text(text[:end] + twin + text[end:], encoding="utf-8")
    out = cli("--data", str(path), "chart", "--state", "TX", "-n", "1-24").stdout
    legend = {}  # each legend entry (its wrapped lines joined), by its provider's name
    for line in out.splitlines():
        if re.match(r"^\S  \S", line):
            legend[line[3:].split(" — ")[0].split(" (")[0]] = line[3:]
        elif line.startswith("   ") and legend:
            legend[list(legend)[-1]] += " " + line.strip()
    assert legend["Birch Clinic"] == "Birch Clinic — hidden under + Birch Twin: the same prices at every N."
    assert "hidden" not in legend["Birch Twin"]
    assert sum("hidden under" in entry for entry in legend.values()) == 1
    short = cli("--data", str(path), "chart", "--state", "TX", "-n", "1-2").stdout
    assert "idden under" not in short


def test_the_notes_come_after_the_chart_as_they_do_after_a_cost(tmp_path):
    """The chart's headline says "see the notes": said before the chart, they scrolled away
    above the pager it opened. In one stream (2>&1) they follow the chart, as cost's do."""
    from conftest import FIXTURE

    out = run_subprocess(
        shell=f"{sys.executable} -m ketacalc --data {FIXTURE} chart --state TX -n 1-3 2>&1",
        env={"KETACALC_TODAY": "2026-11-21", "KETACALC_CACHE_DIR": str(tmp_path / "cache")},
    ).stdout
    assert "see the notes" in out and out.index("note:") > out.index("Total cost of N sessions")


def test_a_chart_without_a_state_says_state_rules_were_not_checked(cli):
    """cost and compare say it without --state; the chart said nothing of state rules, the
    same as a state with none."""
    assert "State rules not checked: give --state" in " ".join(cli("chart", "-n", "1-4").stdout.split())
    assert "State rules not checked" not in cli("chart", "-n", "1-4", "--state", "TX").stdout
