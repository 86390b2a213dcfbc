"""``ketacalc report``: one self-contained, escaped, accessible HTML page."""

from __future__ import annotations

import html
import os
import re
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import REPO, untimed

FIXTURE = REPO / "tests" / "data" / "share" / "fixture.yaml"
CONFTEST_FIXTURE = REPO / "tests" / "data" / "fixture" / "providers.yaml"
HOSTILE = REPO / "tests" / "data" / "share" / "hostile.yaml"


class Page(HTMLParser):
    """Every tag with its attributes, and the page's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


@pytest.fixture
def fixture_report(cli) -> str:
    result = cli("--data", str(FIXTURE), "report", "--state", "TX", "--sessions", "18")
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_report_holds_everything_a_person_shares(fixture_report):
    html = fixture_report
    page = parse(html)
    text = " ".join("".join(page.text).split())
    # the comparison table, with headers marked up as headers
    assert "Comparison for TX" in text
    assert any(t == "th" and a.get("scope") == "col" for t, a in page.tags)
    assert any(t == "th" and a.get("scope") == "row" for t, a in page.tags)
    # the chart: inline SVG with a title and description, axes with units, a legend
    assert html.count("<svg") == 1
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "<title" in svg and "<desc" in svg and 'role="img"' in svg
    assert ">sessions</text>" in svg and "total cost (USD)" in svg and ">$0</text>" in svg
    assert 'class="legend"' in svg and "Mindbloom" in svg and "Pay Per Visit | Clinic" in svg
    assert "stroke-dasharray" in svg  # colour is not the only cue
    # plans and the payment schedule for the course
    assert "Total $2,970.00 for 18 sessions" in text
    assert text.count("$330.00") >= 9
    assert "Payment schedule from 2026-11-21" in text
    # availability with source, date and tier
    assert "available: on the complete list" in text and "tier A" in text
    # every cited source, with its link and date
    for title, url in [("Mindbloom pricing page", "https://www.example.com/pricing"),
                       ("A review of telehealth ketamine providers", "https://example.org/review")]:  # fmt: skip
        assert title in text
        assert ("a", {"href": url}) in page.tags
    assert "A list of states served" in text and "2026-05-01" in text
    # data dates and the notice
    assert "Data as of 2025-06-13 to 2026-08-14" in text
    assert "Not medical advice." in text
    # honest about what is not drawn or not listed
    assert "Not drawn: Daily Dose sells daily low-dose plans" in text
    assert "unavailable in TX: not-in-texas" in text


def test_nothing_is_fetched(fixture_report):
    html = fixture_report
    lowered = html.lower()
    for forbidden in (
        "<script",
        "<link",
        "@import",
        "url(",
        "<img",
        "<iframe",
        "<object",
        "<embed",
        "@font-face",
    ):
        assert forbidden not in lowered, forbidden
    for tag, attrs in parse(html).tags:
        assert "src" not in attrs, tag
        href = attrs.get("href") or ""
        assert tag == "a" or not href, f"<{tag} href> would be fetched"
        if attrs.get("xmlns"):
            assert tag == "svg"  # a namespace name, never fetched
    assert "@media (max-width: 600px)" in html and "@media print" in html


def test_every_string_from_the_data_file_is_escaped(cli):
    result = cli("--data", str(HOSTILE), "report", "--state", "TX", "--sessions", "3")
    assert result.exit_code == 0, result.stderr
    html = result.stdout
    page = parse(html)
    tags = {t for t, _ in page.tags}
    assert not tags & {"script", "img", "i", "b", "x"}
    assert [t for t, _ in page.tags].count("style") == 1 and [t for t, _ in page.tags].count("svg") == 1
    for tag, attrs in page.tags:
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        assert not (attrs.get("href") or "").lower().startswith("javascript:")
    text = " ".join(page.text)
    # the strings are shown as text, exactly as written
    assert '<script>alert(1)</script> "&<> Evil' in text
    assert "</title><style>body{display:none}</style>" in text
    assert "]]><svg onload=alert(1)>" in text
    assert '<script>alert(1)</script> "&<> Insurer' in text
    assert '<script>alert(1)</script> "&<> note' in text
    assert "<img src=x onerror=alert(1)> note" in text
    assert "javascript:alert(1)" not in [a.get("href") for _, a in page.tags]
    # a quote in a URL cannot end its attribute
    hrefs = [a["href"] for t, a in page.tags if t == "a" and a.get("href", "").startswith("http")]
    assert 'https://example.org/a"onmouseover="alert(1)<x>' in hrefs


def test_report_to_a_file_is_written_whole(cli, tmp_path):
    target = tmp_path / "report.html"
    result = cli("--data", str(FIXTURE), "report", "--state", "texas", "--output", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert f"Wrote {target}" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]  # no temporary file left
    assert oct(target.stat().st_mode & 0o777) != oct(0o600)  # readable like any new file


def test_a_failed_write_leaves_the_old_file_alone(cli, tmp_path, monkeypatch):
    target = tmp_path / "report.html"
    target.write_text("old page", encoding="utf-8")

    def broken(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    result = cli("--data", str(FIXTURE), "report", "--state", "TX", "--output", str(target))
    assert result.exit_code == 1
    assert "cannot write" in result.stderr and "No space left on device" in result.stderr
    assert target.read_text(encoding="utf-8") == "old page"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_report_without_a_course_lists_plans_only(cli):
    result = cli("--data", str(FIXTURE), "report", "--state", "TX")
    assert result.exit_code == 0, result.stderr
    assert "No course asked for" in result.stdout
    assert "Payment schedule" not in result.stdout
    assert "6-Session Treatment" in result.stdout


def test_without_a_course_the_comparison_lists_each_plan_with_its_price(cli):
    """No course: the comparison's price cell lists the plans with their prices (never one
    "lowest plan price", never a dash for a provider that publishes prices)."""
    import re

    result = cli("--data", str(CONFTEST_FIXTURE), "report", "--state", "TX")
    assert result.exit_code == 0, result.stderr
    page = result.stdout
    assert "Lowest plan price" not in page and "Plans and prices</th>" in page
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert (
        "4-Session Program, 4 sessions: $880.00 10-Session Program, 10 sessions: $1,800.00 $220.00 $180.00"
        in text
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report"], "Missing option '--state'"),
        (
            ["report", "--state", "TX", "--months", "3", "-n", "6"],
            "--sessions and --months cannot be used together",
        ),
        (["report", "--state", "Texass"], "is not a US state"),
        (["report", "--state", "TX", "--sessions", "0"], "--sessions"),
    ],
)
def test_report_usage_errors(cli, args, message):
    result = cli(*args)
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr and result.stdout == ""


def test_the_template_ships_inside_the_package():
    import ketacalc.output.html as report

    assert (report.TEMPLATES / "report.html.j2").is_file()
    assert report.TEMPLATES.parent == Path(report.__file__).parent


# --------------------------------------------------------------- in a real browser


def _png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit, non-interlaced RGB(A) PNG into rows of pixels (no Pillow needed)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    height = channels = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and interlace == 0 and colour in (2, 6)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, rows


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def test_report_says_what_a_comparison_says_disputed_stale_estimated_and_months(cli):
    """On the behaviour fixture: cedar's HSA/FSA answers disagree, prices of the 2025 review
    are over a year old, and --months prices every kind of plan for the first M months."""
    page = untimed(cli("report", "--state", "TX", "--sessions", "10").stdout)
    assert "HSA/FSA: disputed" in page
    # who disputes what, as compare's caption says it
    assert "<dd>disputed: yes (review-2025, 2025-06-13) vs no (compare-2026, 2026-05-05)</dd>" in page
    # a daily-low-dose row (no course of 10 sessions) gives its monthly figure and commitment
    assert "$120.00/mo with a 3-month commitment (else $150.00/mo)" in page
    # the ranking under the chart: who is cheapest, and why the others are not ranked
    assert re.search(r"<p>Cheapest: [^<]+</p>", page)
    assert "stale prices</strong> (over 365 days old)" in page
    months = cli("report", "--state", "TX", "--months", "3")
    assert months.exit_code == 0, months.stderr
    assert "Course: the first 3 months of care for a new client." in months.stdout
    # what each commits, and the cash due in the 3 months, as compare's table gives both
    rows = cli("compare", "--state", "TX", "--months", "3", "--format", "json").json()
    paid = [r for r in rows if r["paid_in_window"] and r["committed"]]
    assert paid
    for r in paid:
        assert f"committed in 3 mo: ${float(r['committed']):,.2f}" in months.stdout
        assert f"paid in them: ${float(r['paid_in_window']):,.2f}" in months.stdout
    assert "total cost of 1 to 12 months" in months.stdout


def test_the_comparison_cell_names_the_plan_and_the_table_says_who_it_is_for(cli):
    """A figure's cell stays narrow (a sentence in it, kept on one line, pushed the table past a
    1024-pixel window): it names the plan with ‡ and the others' price; who is who is under it."""
    page = untimed(cli("report", "--state", "TX", "--sessions", "3").stdout)
    assert 'on Introduction‡</span><br><span class="small">other plans‡: $650.00</span></td>' in page
    assert (
        '<p class="small">‡ Cedar Care&#39;s Introduction is for problems of the last year (review-2025, '
        "2025-06-13); this price rests on it. Without Introduction, the same 3 sessions cost $650.00.</p>"
    ) in page
    cells = re.findall(r'<td class="num"[^>]*>(.*?)</td>', page, re.S)
    assert cells and not any("is for problems" in cell for cell in cells)


def test_a_report_without_a_course_marks_the_plans_its_caption_explains(cli):
    """No course: each plan is listed with its price; the one for some people only carries the
    ‡ its caption under the table points to, and the plan table below says whom it is for."""
    page = cli("report", "--state", "TX").stdout
    assert "‡ Cedar Care&#39;s Introduction is for problems of the last year" in page
    assert 'Introduction‡, <span class="nowrap">3 sessions: $300.00</span>' in page
    assert "new clients; for problems of the last year</span>" in page


def test_a_returning_clients_report_books_no_consultation_rather_than_an_unpublished_one(cli):
    page = cli("report", "--state", "TX", "--sessions", "8", "--returning").stdout
    cells = re.findall(r'<td data-label="Consultation">(.*?)</td>', page, re.S)
    assert cells and set(cells) == {"none for a returning client"}


def test_a_report_paid_in_full_says_so_and_its_legend_is_whole(cli):
    page = cli("report", "--state", "TX", "--sessions", "10", "--pay-in-full").stdout
    assert "for a new client, paid in full where a provider publishes a pay-in-full price." in page
    # a legend entry on as many lines as it needs, never cut with an ellipsis
    months = cli("report", "--state", "TX", "--months", "3").stdout
    legend = " ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", months))
    assert "…" not in legend
    assert "Dune Telehealth — daily low-dose plans, a different treatment: drawn, never ranked" in legend
    assert "Introduction is for problems of the last year" in legend


def test_report_names_the_sessions_asked_for_beside_each_per_session_figure(cli):
    """A 12-session package bought for 10 sessions: the page says 10 sessions, as `cost` does,
    and keeps the total ÷ 10 apart from the total ÷ the 12 sessions covered."""
    text = " ".join("".join(parse(cli("report", "--state", "TX", "--sessions", "10").stdout).text).split())
    cost = cli("cost", "birch", "--sessions", "10", "--state", "TX").stdout
    assert "$200.00 per session asked for, $166.67 per session covered" in " ".join(cost.split())
    assert (
        "Total $2,000.00 for 10 sessions ($200.00 per session asked for, $166.67 per session covered; "
        "2 left over)" in text
    )
    assert "for 12 sessions" not in text
    months = " ".join("".join(parse(cli("report", "--state", "TX", "--months", "3").stdout).text).split())
    assert (
        "Total $3,050.00 for the first 3 months (14 sessions) ($217.86 per session asked for, "
        "$169.44 per session covered;" in months
    )


def test_report_says_what_each_total_is_of_an_insured_price_and_the_route_priced(cli):
    """As compare does: an insured price is marked, and a total priced on the standard route
    says so (the person's choice) with what the other route would cost; the course names
    the insurer asked for."""
    insured = " ".join(
        "".join(
            parse(cli("report", "--state", "TX", "--sessions", "6", "--insurer", "aetna").stdout).text
        ).split()
    )
    assert "Course: 6 sessions for a new client, with Aetna insurance where accepted" in insured
    assert re.search(r"\$500\.00\s*insured", insured)  # Birch's Starter Program, insured (self-pay $1,050)
    routes = " ".join("".join(parse(cli("report", "--state", "TX", "--sessions", "14").stdout).text).split())
    assert re.search(
        r"\$2,280\.00\s*on tablet \(the standard route; your choice\)\s*also injection: \$2,180\.00", routes
    )


# --------------------------------------------------------------- where the page goes


def _on_a_terminal(args: list[str], cwd: Path) -> tuple[int, str, str]:
    """Run ``python -m ketacalc`` with stdout on a pseudo-terminal, as in a person's shell:
    (exit code, what reached the terminal, stderr)."""
    import pty
    import sys

    leader, follower = pty.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "ketacalc", *args],
            stdout=follower, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
            cwd=cwd, env=dict(os.environ), timeout=60, text=True,
        )  # fmt: skip
        os.close(follower)
        follower = -1
        screen = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal's other side is closed: all is read
                break
            if not chunk:
                break
            screen += chunk
    finally:
        if follower != -1:
            os.close(follower)
        os.close(leader)
    return proc.returncode, screen.decode(errors="replace"), proc.stderr


def test_on_a_terminal_the_report_is_written_to_a_file_here(tmp_path):
    code, screen, err = _on_a_terminal(["report", "--state", "texas", "-n", "6"], tmp_path)
    assert code == 0, err
    assert screen == ""  # no HTML on the screen
    written = tmp_path / "ketacalc-report-TX-2026-11-21.html"
    assert sorted(p.name for p in tmp_path.iterdir()) == [written.name]
    assert written.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert f"Wrote {written}" in err and "browser" in err


def test_html_is_never_printed_to_a_terminal(tmp_path):
    code, screen, err = _on_a_terminal(["report", "--state", "TX", "--output", "-"], tmp_path)
    assert code == 2
    assert "<html" not in screen and list(tmp_path.iterdir()) == []
    assert err.startswith("Error: report will not print HTML to a terminal — pipe it")


def test_piped_the_report_goes_to_stdout_and_no_file_is_written(tmp_path):
    from conftest import run_subprocess

    proc = run_subprocess(shell=f"cd {tmp_path} && {os.sys.executable} -m ketacalc report -s TX | head -c 15")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "<!DOCTYPE html>"
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------- axe-core, widths and print in Chromium

BROWSER_CHECKS = REPO / "tests" / "browser"
NODE = shutil.which("node")


def _missing(why: str) -> None:
    """Under CI the browser checks must run (.ci/run installs what they need); on a
    person's machine without the tools, the test is skipped and says why."""
    if os.environ.get("CI", "").lower() not in ("", "0", "false"):
        pytest.fail(why)
    pytest.skip(why)


def _browser_packages() -> None:
    """puppeteer-core and axe-core, exactly as tests/browser/package-lock.json locks them,
    installed on first use (Puppeteer's own browser is never downloaded)."""
    if (BROWSER_CHECKS / "node_modules" / "puppeteer-core").is_dir():
        return
    npm = shutil.which("npm")
    if npm is None:
        _missing("npm is not installed: the browser checks need it (.ci/run installs it)")
    subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
        cwd=BROWSER_CHECKS,
        env={**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1"},
        capture_output=True,
        check=True,
        timeout=300,
    )


@pytest.mark.skipif(NODE is None, reason="node is not installed (the browser checks need it)")
def test_the_report_reads_at_every_width_passes_axe_and_prints_in_a_few_pages(cli, tmp_path):
    """In the system Chromium (puppeteer-core): at 1024 and 1200 px nothing needs sideways
    scrolling; no date is broken over two lines at any width; at 400 px chart text is at least 11 px tall and every region that scrolls
    sideways is reachable by keyboard and named; axe-core finds no WCAG 2.1 A/AA violation
    at 400 and 1200 px; printed on Letter paper it takes a few pages, in-page links unprinted."""
    import json

    _browser_packages()
    chromium = os.environ.get("CHROMIUM") or CHROMIUM or "/usr/bin/chromium"
    if not Path(chromium).exists():
        _missing("Chromium is missing: apt-get install chromium (.ci/run does)")
    page = tmp_path / "report.html"
    # the 18-session plan for some people only, said at length (its words once widened the
    # comparison past the window: they go under the table, the cell names the plan)
    data = tmp_path / "providers.yaml"
    text = FIXTURE.read_text(encoding="utf-8")
    anchor = "    routes:\n      - {value: [sublingual tablet], source: review-2025, as_of: 2025-06-13}\n"
    assert text.count(anchor) == 1
    condition = "for those whose concerns have been affecting them for much longer than a year or two"
    data.write_text(
        text.replace(
            anchor,
            anchor + "    plan_conditions:\n"
            f'      - {{plan: new-18, condition: "{condition}", source: review-2025, as_of: 2025-06-13}}\n',
        ),
        encoding="utf-8",
    )
    result = cli("--data", str(data), "report", "--state", "TX", "--sessions", "18", "-o", str(page))
    assert result.exit_code == 0, result.stderr
    assert condition in page.read_text(encoding="utf-8")
    shots = tmp_path / "shots"
    proc = subprocess.run(
        [NODE, str(BROWSER_CHECKS / "check-report.mjs"), str(page), "--shots", str(shots)],
        capture_output=True, text=True, timeout=300, cwd=BROWSER_CHECKS,
        env={**os.environ, "CHROMIUM": chromium, "HOME": str(tmp_path)},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout)
    for width in ("400", "1024", "1200"):
        seen = found["widths"][width]
        assert seen["pageWidth"] == seen["windowWidth"] == int(width), (width, seen)  # no sideways page
        for region in seen["scrollable"]:
            assert region["tabindex"] == "0" and region["label"], (width, region)
    assert found["widths"]["1024"]["scrollable"] == []  # every table fits: nothing cut or scrolled
    assert found["widths"]["1200"]["scrollable"] == []
    assert found["widths"]["400"]["chartFontPx"] >= 11
    assert all(found["widths"][w]["chartClipped"] == [] for w in found["widths"]), found["widths"]
    assert all(found["widths"][w]["chartOverlap"] == [] for w in found["widths"]), found["widths"]
    # no date drawn on two lines ("2026-12-" over "31"), at any width
    assert {w: v["brokenDates"] for w, v in found["widths"].items() if v["brokenDates"]} == {}
    assert found["widths"]["400"]["violations"] == []
    assert found["widths"]["1200"]["violations"] == []
    assert 1 <= found["printedPages"] <= 4
    assert found["printedInPageLinks"] == 0
    assert found["text"]["compareTable"] and found["text"]["chart"] and found["text"]["notice"]
    for width in (400, 1024, 1200):  # what a person sees is drawn, not blank
        got_width, height, rows = _png_pixels((shots / f"report-{width}.png").read_bytes())
        assert (got_width, height) == (width, 900)
        colours = {row[i : i + 3] for row in rows[::8] for i in range(0, len(row), 3 * 4)}
        assert len(colours) > 20, "the screenshot is blank"
        assert len(set(rows)) > height // 4, "most of the screenshot is empty"


def test_the_report_without_a_course_fits_and_passes_axe(cli, tmp_path):
    """The comparison without a course lists every plan and its per-session figure: at 1024
    and 1200 px it still fits without sideways scrolling, and axe finds no violation at 1200
    (at 400 px the page with a course is checked: the same layout, more of it)."""
    import json

    _browser_packages()
    chromium = os.environ.get("CHROMIUM") or CHROMIUM or "/usr/bin/chromium"
    if not Path(chromium).exists():
        _missing("Chromium is missing: apt-get install chromium (.ci/run does)")
    page = tmp_path / "report.html"
    assert cli("--data", str(CONFTEST_FIXTURE), "report", "--state", "TX", "-o", str(page)).exit_code == 0
    proc = subprocess.run(
        [NODE, str(BROWSER_CHECKS / "check-report.mjs"), str(page), "--axe", "1200"],
        capture_output=True, text=True, timeout=300, cwd=BROWSER_CHECKS,
        env={**os.environ, "CHROMIUM": chromium, "HOME": str(tmp_path)},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout)
    assert found["widths"]["1024"]["scrollable"] == found["widths"]["1200"]["scrollable"] == []
    assert found["widths"]["1200"]["violations"] == []
    assert "violations" not in found["widths"]["400"]  # (checked on the page with a course)


def test_a_daily_dose_plans_figure_is_per_dose_in_the_report(cli):
    """Three months of Dune's daily doses cost $360 for 90 doses: its figure beside the
    per-session ones reads "a dose", never as a session's price."""
    text = " ".join("".join(parse(cli("report", "--state", "TX", "--months", "3").stdout).text).split())
    assert re.search(r"\$4\.00 a dose", text), text[:400]


def test_insurance_taken_elsewhere_but_listed_nowhere_in_the_state_does_not_read_as_a_contradiction(cli):
    """Birch takes insurance, but its list names no insurer in Idaho: "yes (none in ID)"
    read as yes and no at once."""
    page = cli("report", "--state", "ID").stdout
    assert "yes, but no insurer is listed in ID" in page and "yes; none listed in ID" in page
    assert "(none in ID)" not in page
    # one that takes no insurance is "no", as compare says: never "no, but no insurer is listed"
    assert "no, but no insurer" not in page and "no; none listed" not in page
    markdown = cli("compare", "--state", "ID", "--format", "markdown").stdout
    assert "| yes; none listed in ID |" in markdown  # one ";", where the cell's lines are joined
    table = cli("compare", "--state", "ID", env={"COLUMNS": "50"}).stdout  # insurance folded in
    first = " ".join(line.split("  ")[0].strip() for line in table.splitlines())  # its first column
    assert "Insurance: yes; none listed in ID" in first and ";;" not in table


def test_with_a_course_the_plan_table_says_whom_every_plan_is_for(cli, tmp_path):
    """With a course, the plan tables said whom only the plan the price rests on is for."""
    from conftest import FIXTURE as DATA

    data = tmp_path / "providers.yaml"
    text = DATA.read_text(encoding="utf-8")
    anchor = "    plan_conditions:\n"
    assert text.count(anchor) == 1
    extra = '      - {plan: course, condition: "for those treated before", source: review-2025, as_of: 2025-06-13}\n'
    data.write_text(text.replace(anchor, anchor + extra), encoding="utf-8")
    page = cli("--data", str(data), "report", "--state", "TX", "--sessions", "3").stdout
    assert "clients; for problems of the last year</span>" in page
    assert "clients; for those treated before</span>" in page
    row = cli("compare", "--state", "ID", env={"COLUMNS": "200"}).stdout.split("Birch Clinic", 1)[1]
    assert row.split("\n")[0].rstrip().endswith("yes;") and "none listed in ID" in row.split("\n")[1]


def test_a_pay_in_full_report_says_of_each_total_which_price_it_is(cli):
    """Paid in full where a discount is published (birch: $100 off its Starter Program), at the
    full price elsewhere: each total says which, not only the page's first line."""
    page = cli("report", "--state", "TX", "--sessions", "6", "--pay-in-full").stdout
    cells = re.findall(r'data-label="Total for 6 sessions">(.*?)</td>', page, re.S)
    assert any("$950.00" in c and "paid in full, $100.00 off" in c for c in cells), cells
    assert any("paid in full; no discount published" in c for c in cells), cells
    assert "paid in full," not in cli("report", "--state", "TX", "--sessions", "6").stdout
    # a commitment billed month by month is not payable at once: its total was labelled paid in
    # full beside a first month's payment due at sign-up
    page = cli("report", "--state", "TX", "--months", "3", "--pay-in-full").stdout
    cells = re.findall(r'data-label="Total for the first 3 months of care">(.*?)</td>', page, re.S)
    [dune] = [c for c in cells if "$360.00" in c]
    assert "billed month by month: no source offers paying it at once" in dune and "paid in full" not in dune


def test_the_report_opens_its_comparison_with_the_answer_compare_gives(cli):
    """A list "for Alabama" alone read as "these serve me": the report opens the comparison
    with compare's headline, who serves the state and the lowest comparable total."""
    page = cli("report", "--state", "TX", "--sessions", "6").stdout
    said = [html.unescape(untimed(line)) for line in re.findall(r'<p class="summary">(.*?)</p>', page)]
    table = cli("compare", "--state", "TX", "--sessions", "6", env={"COLUMNS": "1000"}).stdout
    # the same words, but the option's: a shared page names no command-line option
    words = [
        line.replace(" (--start prices a later start).", ".") for line in table.split("\n\n")[0].splitlines()
    ]
    assert said and said == words
    assert not any("--" in line for line in said)


def test_the_plan_table_lists_every_plan_the_course_buys(cli):
    """A new client's later sessions are returning-client plans: the course bought Better U's
    Continuation nine times while its plan table, the new client's list, left it out."""
    page = cli("report", "--state", "TX", "--sessions", "14").stdout
    section = page.split('id="providers-heading"', 1)[1]
    assert '<th scope="row">10-Session Program, returning (tablets)<br>' in section
    assert "bought in the course below as a returning client" in section
    # without a course the plan lists are the client's own: nothing is bought
    assert "bought in the course below" not in cli("report", "--state", "TX").stdout


def test_a_plan_bought_at_its_insurance_price_says_so_in_the_plan_table(cli):
    """The plan table lists self-pay prices; Birch's Starter Program, bought with Aetna at $500,
    showed only its $1,050 beside a course priced at $500."""
    page = cli("report", "--state", "TX", "--sessions", "6", "--insurer", "Aetna").stdout
    assert "$500.00 with insurance in the course below" in page
    assert (
        "with insurance in the course below" not in cli("report", "--state", "TX", "--sessions", "6").stdout
    )


def test_without_a_course_due_at_sign_up_counts_the_consultation_as_compare_gives_it(cli):
    """Fern's $350 visit and its $350 consultation: $700 is due at sign-up, as compare, its
    JSON and --max-due-at-signup count it (the page said $350, and a $400 limit hid Fern); the
    page says the fee is in the figure, so the Consultation column is not read as owed again."""
    page = cli("report", "--state", "TX").stdout
    fern = page.split(">Fern Health<", 1)[1].split("</tr>", 1)[0]
    assert re.search(r'data-label="Due at sign-up">\$700\.00</td>', fern), fern
    assert '<td data-label="Consultation">$350.00' in fern
    assert (
        "due at sign-up is each plan's first payment, with a consultation's fee where one is charged" in page
    )


# --------------------------------------------------------------- what a person reads and copies

#: the reports a person may share, on the fixture data: a course, none, months, a returning
#: client, an insurer, paid in full
SHARED = [
    ["--data", str(FIXTURE), "report", "--state", "TX", "--sessions", "18"],
    ["report", "--state", "TX", "--sessions", "10"],
    ["report", "--state", "TX"],
    ["report", "--state", "TX", "--months", "3"],
    ["report", "--state", "TX", "--sessions", "8", "--returning"],
    ["report", "--state", "TX", "--sessions", "6", "--insurer", "Aetna"],
    ["report", "--state", "TX", "--sessions", "6", "--pay-in-full"],
    ["report", "--state", "TX", "--insurer", "Aetna"],
    ["report", "--state", "TX", "--sessions", "6", "--no-sitter"],
]
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _seen(page: str, *, chart: bool = True) -> str:
    """The text a person sees, tags and attributes out; ``chart``: with the chart's (its
    legend; its SVG text never wraps)."""
    for hidden in (r"<style>.*?</style>", r"<title>.*?</title>", *([] if chart else [r"<svg.*?</svg>"])):
        page = re.sub(hidden, " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.mark.parametrize("args", SHARED, ids=lambda a: " ".join(a[a.index("report") + 1 :]))
def test_every_date_on_the_page_is_one_word_that_never_wraps(cli, args):
    """A narrow column broke "2026-12-31" at its hyphens, "2026-12-" over "31": every date
    in the page's text is a <time> the CSS keeps on one line, with its real hyphens (copied
    from the page, it is the date; never U+2011)."""
    page = cli(*args).stdout
    assert re.search(r"\btime \{ white-space: nowrap; \}", page)
    times = re.findall(r'<time datetime="([^"]*)">([^<]*)</time>', page)
    assert times and all(attr == text and ISO_DATE.fullmatch(text) for attr, text in times)
    left = ISO_DATE.findall(_seen(re.sub(r"<time [^>]*>[^<]*</time>", " ", page), chart=False))
    assert left == [], left  # a date outside a <time> may break
    assert "\u2011" not in page


@pytest.mark.parametrize("args", SHARED, ids=lambda a: " ".join(a[a.index("report") + 1 :]))
def test_the_page_names_no_command_line_option(cli, args):
    """The page is shared with someone who never ran the command: "(set --pace)", "--route
    injection prices it", "give --sessions N or --months M" and "'ketacalc cost' gives the
    others' price" meant nothing to them."""
    seen = _seen(cli(*args).stdout)
    assert re.findall(r".{0,40}(?<![\w-])--[a-z][\w-]*.{0,20}", seen) == []
    assert "'ketacalc" not in seen


def test_the_page_says_in_words_what_the_terminal_says_with_an_option(cli):
    """Each note that names an option on the terminal says on the page what it means; the
    terminal keeps the option, which its reader can type."""
    course = _seen(cli("report", "--state", "TX", "--sessions", "10").stdout)
    assert "Assumes 1 session a week: the course's dates follow from it" in course
    assert (
        "drawn on tablet, its standard route; the route is yours to choose with your clinician (its injection plans are not drawn)."
        in course
    )
    assert "(Introduction is for problems of the last year); the others' price is not drawn." in course
    plans = _seen(cli("report", "--state", "TX", "--insurer", "Aetna").stdout)
    assert (
        "Plans differ in size: no total is ranked without a course (a number of sessions or months)." in plans
    )
    assert "The plans listed are self-pay prices: Aetna insurance is applied to a course only." in plans
    hidden = _seen(cli("report", "--state", "TX", "--sessions", "6", "--no-sitter").stdout)
    assert "more left out (under the table: which, and why)." in hidden
    assert "(set --pace)" in cli("cost", "alder", "--sessions", "10").stderr  # its notes
    assert "(--route injection prices it)" in " ".join(cli("chart", "--state", "TX").stdout.split())
    assert "give --sessions N or --months M" in " ".join(cli("compare", "--state", "TX").stdout.split())


def _card(page: str, provider: str) -> str:
    """One provider's card, its dates as plain text."""
    card = untimed(page).split(f'<article class="provider" id="p-{provider}"', 1)[1]
    return html.unescape(card.split("</article>", 1)[0])


def test_every_figure_on_a_providers_card_names_its_source_and_date(cli):
    """Fern's $350 consultation read bare on its card, beside plan prices each with the date
    and source they were observed; so did the notes' figures ("saves $100") and the charges of
    a course besides its plans. Each says where and when, as "(source, date)"."""
    plans = cli("report", "--state", "TX").stdout
    fern = _card(plans, "fern")
    said = "<dt>Consultation</dt><dd>$350.00 (fern-site-2026-05, 2026-05-01); included in due at sign-up</dd>"
    assert said in fern
    assert "<li>Medication is billed separately by the pharmacy (fern-site-2026-05, 2026-05-01).</li>" in fern
    assert "<li>Paying in full saves $100 on the Starter Program (review-2025, 2025-06-13).</li>" in _card(
        plans, "birch"
    )
    # the comparison's cell stays short: the card carries the source
    assert '<td data-label="Consultation">$350.00; included in due at sign-up</td>' in plans
    course = _card(cli("report", "--state", "TX", "--sessions", "6").stdout, "fern")
    assert said in course
    assert (
        "<li>Initial consultation (consult): $350.00; price of 2026-05-01, fern-site-2026-05</li>" in course
    )
    assert (
        "<li>Medication is billed separately by the pharmacy (fern-site-2026-05, 2026-05-01).</li>" in course
    )
    # the terminal says whose words they are, and when, as the page does
    assert (
        "Medication is billed separately by the pharmacy (fern-site-2026-05, 2026-05-01)."
        in cli("cost", "fern", "-n", "6").stderr
    )


def test_every_table_that_may_scroll_sideways_is_a_named_stop_for_the_keyboard(fixture_report):
    """At 400 px the plan and source tables scroll sideways (the browser test measures it on
    the fixture; on a longer data file the sources table does too): each wrapper is reachable
    by the keyboard and named, as axe-core's scrollable-region-focusable asks, whether or not it
    scrolls on the fixture's page."""
    wraps = [a for t, a in parse(fixture_report).tags if t == "div" and "-wrap" in (a.get("class") or "")]
    labels = [a.get("aria-label") or "" for a in wraps]
    assert any(label.startswith("Plans of ") for label in labels) and "Sources (scrolls sideways)" in labels
    assert any(label.startswith("Payment schedule of ") for label in labels)
    for a in wraps:
        assert a.get("tabindex") == "0" and a.get("role") == "region" and a.get("aria-label"), a


def test_a_date_inside_an_id_or_a_file_name_is_not_marked_as_a_date():
    """Only a date standing alone is a <time>: "mindbloom-homepage-2026-08-07" (a source's id)
    and "…-2026-08-07T172926.png" (a file name) name things; they are not dates of anything."""
    from ketacalc.output.html import dated

    assert str(dated("mindbloom-homepage-2026-08-07")) == "mindbloom-homepage-2026-08-07"
    assert "<time" not in str(dated("screenshots/mindbloom-2026-08-07T172926.png"))
    assert str(dated("(2025-06-13)")) == '(<time datetime="2025-06-13">2025-06-13</time>)'


def test_the_report_says_the_rules_under_its_chart_and_in_each_providers_status(cli):
    """The terminal's chart says the rules on the longest course drawn under it; the page's
    did not, and each provider's section opened with a plain "available" above the rule."""
    page = untimed(cli("report", "--state", "AL", "--sessions", "14").stdout)
    chart = page.split('id="chart-heading"', 1)[1].split("</section>", 1)[0]
    assert re.search(
        r"<p><strong>In AL, for a course of up to \d+ sessions from [^<]*Telemedicine flexibilities", chart
    )
    assert "(gazette-2025, 2025-12-31)" in chart
    assert "from today" not in chart  # a shared page dates the course it was checked on
    cards = page.split('id="providers-heading"', 1)[1]
    statuses = re.findall(r'<span class="status-[a-z]+">([^<]*)</span>', cards)
    assert statuses and all("in-person visit" in s for s in statuses if not s.startswith("unavailable")), (
        statuses
    )


def test_the_page_lists_the_charges_not_in_the_total_as_cost_does(cli, tmp_path):
    """The shared page left out what ``cost`` lists under "Charges not in the total" (a
    no-show fee, a hired sitter): a person printing it saw fewer costs than the terminal."""
    from conftest import fixture_with

    old = "amount: 350, source: fern-site-2026-05, as_of: 2026-05-01}\n"
    fee = (
        '      - {id: no-show, kind: fee, description: "No-show", per: event, required: false, '
        "amount: 120, source: fern-site-2026-05, as_of: 2026-05-01}\n"
    )
    data = fixture_with(tmp_path, old, old + fee)
    terminal = " ".join(cli("--data", str(data), "cost", "fern", "-n", "10", "--state", "TX").stdout.split())
    assert "Charges not in the total" in terminal and "No-show (fee, per event)" in terminal
    page = untimed(cli("--data", str(data), "report", "--state", "TX", "--sessions", "10").stdout)
    fern = page.split(">Fern Health<", 2)[2]
    assert "Charges not in the total:" in fern
    assert "<li>No-show (fee, per event): when it applies: $120.00 (fern-site-2026-05)</li>" in fern


def test_the_page_marks_a_stale_list_and_a_consultation_fee_in_the_sign_up_figure(cli):
    """The table marked a 2025 state list "stale list" and said a consultation's fee is in the
    sign-up figure; the page did neither (its $700 beside a $350 consultation read as owed
    again)."""
    page = untimed(cli("report", "--state", "TX", "--sessions", "10").stdout)
    alder = page.split(">Alder Health<", 1)[1].split("</tr>", 1)[0]
    assert "2025-06-13</span> (<strong>stale list</strong>, over 365 days old)" in alder, alder
    fern = page.split(">Fern Health<", 1)[1].split("</tr>", 1)[0]
    assert "stale list" not in fern  # its list is of 2026-05-01
    assert "$350.00; included in due at sign-up" in fern, fern
