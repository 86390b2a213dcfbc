"""The shipped providers.yaml: the ONLY tests that read it or pin its figures.

Every other test runs on tests/data/fixture/providers.yaml, so adding a dated price
observation or a provider to the shipped file can fail nothing but this file
(``test_no_other_test_reads_the_shipped_file`` keeps it so). Figures are pinned at
the founding review's date (``--as-of 2025-06-13``), so newer observations do not
move them.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, REQUIRED_IDS, SHIPPED, TODAY, assert_one_error_line, jsonl, table_part
from conftest import review_cost as cost_at_the_review

REVIEW = "2025-06-13"
README = (REPO / "README.md").read_text(encoding="utf-8")
# sources the shipped file defines but no observation cites yet; the data helper is
# deciding whether to cite or drop it. Keep this set empty once it is gone.
NOT_YET_CITED = {"mindbloom-touchpoints-help"}


@pytest.fixture(autouse=True)
def shipped_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """ketacalc's own default: no KETACALC_DATA, so the CLI reads the shipped file."""
    monkeypatch.delenv("KETACALC_DATA", raising=False)


def review_cost(cli, provider: str, sessions: str, *extra: str) -> dict:
    result = cost_at_the_review(cli, provider, sessions, *extra)
    assert result.exit_code == 0, result.stderr
    return result.json()


def purchases(record: dict) -> list[tuple[str, int, str, str]]:
    return [(p["plan"], p["sessions"], p["client"], p["price"]) for p in record["purchases"]]


def payments(record: dict) -> list[tuple[str, str]]:
    return [(s["due"], s["amount"]) for s in record["schedule"]]


# --------------------------------------------------------------- the data file itself


def test_check_passes_on_the_shipped_file(cli):
    for args in (["check"], ["check", str(SHIPPED)]):
        result = cli(*args)
        assert (result.exit_code, result.stdout, result.stderr) == (0, "", ""), args


def test_the_eight_required_providers_are_there(cli):
    ids = [p["provider"] for p in cli("providers", "--format", "json").json()]
    assert REQUIRED_IDS <= set(ids), REQUIRED_IDS - set(ids)
    assert len(ids) == len(set(ids))


def _cited(node: object) -> set[str]:
    """Every ``source:`` an observation anywhere in the file names."""
    if isinstance(node, dict):
        found = {node["source"]} if isinstance(node.get("source"), str) else set()
        return found.union(*(_cited(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_cited(v) for v in node))
    return set()


def test_every_cited_source_exists_and_every_source_is_cited():
    import yaml

    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    defined = set(data["sources"])
    cited = (
        _cited(data["providers"]) | _cited(data.get("regulation", [])) | _cited(data.get("alternatives", []))
    )
    assert cited - defined == set(), "cited but not defined under sources:"
    assert defined - cited <= NOT_YET_CITED, "defined under sources: but never cited"


def test_the_citation_check_finds_what_is_missing():
    text = "providers:\n- status: [{value: operating, source: a}]\n  plans: [{prices: [{source: b}]}]\n"
    import yaml

    assert _cited(yaml.safe_load(text)["providers"]) == {"a", "b"}


# --------------------------------------------------------------- the 2025-06-13 review table


@pytest.mark.parametrize(
    ("provider", "sessions", "plan", "total", "per_session"),
    [
        ("innerwell", "8", "foundation", "1098.00", "137.25"),
        ("innerwell", "24", "extended", "2100.00", "87.50"),
        ("better-u", "5", "introduction", "500.00", "100.00"),
        ("better-u", "9", "transformation", "792.00", "88.00"),
        ("mindbloom", "6", "new-6", "1254.00", "209.00"),
        ("mindbloom", "12", "new-12", "2148.00", "179.00"),
        ("mindbloom", "18", "new-18", "2862.00", "159.00"),
        ("joyous", "30", "monthly", "129.00", "4.30"),
    ],
)
def test_review_table_is_reproduced(cli, provider, sessions, plan, total, per_session):
    record = review_cost(cli, provider, sessions)
    assert [p["plan"] for p in record["purchases"]] == [plan]
    assert (record["total"], record["per_session"]) == (total, per_session)
    assert (record["sessions_covered"], record["leftover_sessions"]) == (int(sessions), 0)
    assert (record["prices_as_of"], record["pricing"]) == (REVIEW, "self-pay")


def test_mindbloom_24_is_6_new_then_18_returning(cli):
    record = review_cost(cli, "mindbloom", "24")
    # $1,254 + $2,322 = $3,576, less than 18 new + 6 returning: $2,862 + $954 = $3,816
    assert record["total"] == "3576.00"
    assert [(sessions, client, price) for _, sessions, client, price in purchases(record)] == [
        (6, "new", "1254.00"),
        (18, "returning", "2322.00"),
    ]
    other = (
        review_cost(cli, "mindbloom", "18")["total"],
        review_cost(cli, "mindbloom", "6", "--returning")["total"],
    )
    assert other == ("2862.00", "954.00")


def test_mindbloom_18_is_nine_installments_of_318(cli):
    record = review_cost(cli, "mindbloom", "18")
    assert [amount for _, amount in payments(record)] == ["318.00"] * 9
    assert payments(record)[-1][0] == "2026-02-13"
    assert record["due_at_signup"] == "318.00"


def test_mindbloom_12_returning_is_two_6_session_plans(cli):
    record = review_cost(cli, "mindbloom", "12", "--returning")
    assert record["total"] == "1908.00"  # 2 x $954
    assert [(sessions, client, price) for _, sessions, client, price in purchases(record)] == [
        (6, "returning", "954.00"),
        (6, "returning", "954.00"),
    ]


def test_better_u_12_is_transformation_plus_three_continuation_sessions(cli):
    record = review_cost(cli, "Better U", "12")
    assert record["total"] == "1029.00"  # $792 + 3 x $79
    assert [p["plan"] for p in record["purchases"]] == ["transformation"] + ["continuation"] * 3


def test_innerwell_8_with_aetna_in_texas_is_two_payments_of_325(cli):
    record = review_cost(cli, "innerwell", "8", "--insurer", "Aetna", "--state", "TX")
    assert (record["total"], record["pricing"]) == ("650.00", "insurance")
    assert payments(record) == [("2025-06-13", "325.00"), ("2025-07-13", "325.00")]


def test_innerwell_8_paid_in_full_saves_100(cli):
    record = review_cost(cli, "innerwell", "8", "--pay-in-full")
    assert payments(record) == [("2025-06-13", "998.00")]


# --------------------------------------------------------------- the README's examples


def test_every_readme_example_runs(cli):
    block = re.findall(r"```sh\n(.*?)```", README, flags=re.S)[2]
    examples = [line.split("#")[0].strip() for line in block.splitlines()]
    examples = [e for e in examples if e.startswith("ketacalc ")]
    assert len(examples) >= 10
    for example in examples:
        args = shlex.split(example)[1:]
        if args[:1] == ["check"]:
            args = ["check", str(SHIPPED)]
        result = cli(*args)
        assert result.exit_code == 0, f"{example}: {result.stderr}"
        assert "Error" not in result.stderr, example


# --------------------------------------------------------------- a data update breaks nothing else

NEW_PROVIDER = """
  - id: zz-newcomer
    name: ZZ Newcomer
    status:
      - {value: operating, source: zz-site, as_of: 2026-11-01}
    states:
      - {source: zz-site, as_of: 2026-11-01, codes: [TX], complete: true, count: 1}
    plans:
      - id: single
        name: Single session
        sessions: 1
        client: any
        prices:
          - {source: zz-site, as_of: 2026-11-01, price: 99}
"""
NEW_SOURCE = """  zz-site:
    title: "ZZ Newcomer's pricing page"
    date: 2026-11-01
    tier: A
"""


def updated_copy(original: Path, tmp_path: Path) -> Path:
    """``original`` plus a provider and a newer price observation of its first plan."""
    text = original.read_text(encoding="utf-8")
    # a newer observation of the first plan's first price: the first "prices:" list item
    match = re.search(r"^(?P<indent> +)prices:\n(?P=indent)  - ", text, flags=re.M)
    assert match, "no prices: list to add to"
    item = match.group("indent") + "  - "
    newer = f"{item}{{source: zz-site, as_of: 2026-11-02, price: 1, note: 'a newer observation'}}\n"
    text = text[: match.end() - len(item)] + newer + text[match.end() - len(item) :]
    text = text.replace("\nsources:\n", "\nsources:\n" + NEW_SOURCE, 1)
    copy = tmp_path / "providers.yaml"
    copy.write_text(text.rstrip("\n") + "\n" + NEW_PROVIDER, encoding="utf-8")
    return copy


@pytest.mark.parametrize(
    "original", [SHIPPED, REPO / "tests" / "data" / "fixture" / "providers.yaml"], ids=["shipped", "fixture"]
)
def test_a_data_update_is_checked_and_served(cli, tmp_path, original):
    """Adding a provider and a newer dated price keeps the file valid and every
    command working; the newcomer shows up and the newer price is in force."""
    data = str(updated_copy(original, tmp_path))
    assert cli("--data", data, "check", data).exit_code == 0
    providers = cli("--data", data, "providers", "--format", "json").json()
    assert providers[-1]["provider"] == "zz-newcomer"
    first = providers[0]["provider"]
    history = cli("--data", data, "history", first, "--format", "json").json()
    assert any(r["source"] == "zz-site" and r["as_of"] == "2026-11-02" for r in history)
    for args in (
        ["compare", "--state", "TX"],
        ["compare", "--sessions", "12", "--format", "json"],
        ["eligibility", "--state", "TX"],
        ["states", "zz-newcomer"],
        ["show", first],
        ["cost", "zz-newcomer", "--sessions", "3", "--format", "json"],
    ):
        result = cli("--data", data, *args)
        assert result.exit_code == 0, (args, result.stderr)
    assert cli("--data", data, "cost", "zz-newcomer", "-n", "3", "-f", "json").json()["total"] == "297.00"


def test_no_other_test_reads_the_shipped_file():
    """Behaviour tests run on the fixture (conftest sets KETACALC_DATA); a test that
    names the shipped file or unsets KETACALC_DATA belongs in this file. The loader's
    own tests (test_loader.py, test_fuzz_data.py) load it to check the loader, not its figures."""
    allowed = {"test_shipped_data.py", "conftest.py", "test_loader.py", "test_fuzz_data.py"}
    reads_shipped = re.compile(
        r"\bSHIPPED\b|\bdefault_data_path\b|delenv\(\s*\"KETACALC_DATA\""
        r"|(?:REPO|parent|ROOT)\s*/\s*\"providers\.yaml\"|Path\(\s*\"providers\.yaml\"\)"
    )
    offenders = [
        path.name
        for path in sorted((REPO / "tests").glob("*.py"))
        if path.name not in allowed and reads_shipped.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_unknown_provider_suggests_a_shipped_name(cli):
    assert assert_one_error_line(cli("show", "mindblom"), 1) == (
        "Error: unknown provider 'mindblom' — did you mean mindbloom?"
    )


def test_the_readmes_library_example_runs(capsys):
    """The README's Python example, as written, on the shipped data."""
    (example,) = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    exec(compile(example, "README.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) >= 3
    assert printed[0].split()[0].replace(".", "").isdigit()  # a total in dollars and cents


# --------------------------------------------------------------- compare: issue 8's examples (H5b)


def shipped_compare(cli, *args: str) -> dict[str, dict]:
    result = cli("compare", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return {r["provider"]: r for r in result.json()}


def test_joyous_against_mindbloom_for_three_months_in_texas(cli):
    """The README's worked example, at the review's prices: 3 months of Joyous are 3 x $129;
    Mindbloom's 14 weekly sessions in those months are bought as its 18-session plan."""
    rows = shipped_compare(cli, "--state", "TX", "--months", "3", "--as-of", REVIEW, "--start", REVIEW)
    joyous, mindbloom = rows["joyous"], rows["mindbloom"]
    assert (joyous["total"], joyous["modality"], joyous["months"]) == ("387.00", "daily-low-dose", 3)
    assert (mindbloom["total"], mindbloom["sessions_requested"], mindbloom["route"]) == (
        "2862.00",
        14,
        "tablet",
    )


def test_joyous_gets_no_session_total_or_rank(cli):
    rows = shipped_compare(cli, "--state", "TX", "--sessions", "18", "--sort", "total", "--as-of", REVIEW)
    assert rows["joyous"]["total"] is None and rows["joyous"]["comparable"] is False
    assert list(rows).index("joyous") > list(rows).index("isha-health")  # unranked, after every total


def test_innerwell_due_at_signup_belongs_to_the_plan_beside_it(cli):
    innerwell = shipped_compare(cli, "--as-of", REVIEW)["innerwell"]
    assert [(p["sessions"], p["price"], p["due_at_signup"]) for p in innerwell["plans"]] == [
        (8, "1098.00", "366.00"),
        (24, "2100.00", "525.00"),
    ]
    # no course, no total; the row's due at sign-up is the lowest first payment of its plans
    assert (innerwell["total"], innerwell["due_at_signup"]) == (None, "366.00")


def test_better_u_hsa_fsa_is_disputed(cli):
    better_u = shipped_compare(cli, "--as-of", "2026-06-01")["better-u"]
    assert better_u["hsa_fsa"] == "disputed"
    assert [(o["value"], o["as_of"]) for o in better_u["hsa_fsa_observations"]] == [
        ("yes", "2025-06-13"),
        ("no", "2026-05-05"),
    ]


# --------------------------------------------------------------- issue 8: answers a person can act on (today)


def today_cost(cli, *args: str) -> dict:
    result = cli("cost", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return result.json()


def test_isha_6_sessions_all_in(cli):
    # 6 x $398 + the $398 consultation; medication $50-150 a 30-day supply, 2 supplies for 36 days
    record = today_cost(cli, "isha-health", "--sessions", "6")
    assert (record["total"], record["total_low"], record["total_high"]) == ("2786.00", "2886.00", "3086.00")
    assert record["due_at_signup"] == "796.00"
    table = " ".join(cli("cost", "isha-health", "--sessions", "6", env={"COLUMNS": "200"}).stdout.split())
    assert "Total $2,786.00 + medication est. $100.00–$300.00" in table
    assert "Session (pay per visit) × 6" in table


def test_innerwell_8_is_the_installment_price_with_the_pay_in_full_quote_as_a_note(cli):
    record = today_cost(cli, "innerwell", "--sessions", "8")
    assert record["total"] == "1098.00"
    assert [s["amount"] for s in record["schedule"] if s["kind"] == "plan"] == ["366.00"] * 3
    assert any(
        n.startswith(
            "A source quotes $998.00 for Foundation Program (ketcare-compare-2026, 2026-05-05), taken as its pay-in-full price"
        )
        for n in record["price_notes"]
    )
    assert today_cost(cli, "innerwell", "--sessions", "8", "--pay-in-full")["total"] == "998.00"


def test_better_u_introduction_is_the_reviews_price_and_the_2026_from_figure_a_quote(cli):
    """A competitor's 'starting: $500' (2026-05-05) is a quote, never the price: the price
    charged is the 2025 review's, and it says it is old (audit: a starting figure must not make
    a 17-month-old price look fresh)."""
    record = today_cost(cli, "better-u", "--sessions", "5")
    assert record["total"] == "500.00" and record["stale"] is True
    assert (record["prices_as_of"], record["oldest_price"]) == ("2025-06-13", "2025-06-13")
    assert "Introduction is quoted 'from $500.00' (ketcare-compare-2026, 2026-05-05)" in " ".join(
        record["price_notes"]
    )


def test_innerwell_1_session_per_session_and_per_covered_session(cli):
    record = today_cost(cli, "innerwell", "--sessions", "1")
    assert (record["per_session"], record["per_covered_session"]) == ("1098.00", "137.25")


def test_mindbloom_6_returning_is_tablets_with_a_note_on_injections(cli):
    record = today_cost(cli, "mindbloom", "--sessions", "6", "--returning")
    assert (record["total"], record["route"]) == ("1074.00", "tablet")
    assert any("injection $954.00" in n for n in record["notes"])


def test_isha_in_new_york_warns(cli):
    result = cli("cost", "isha-health", "--sessions", "4", "--state", "NY", "--format", "json")
    assert result.exit_code == 0
    assert result.json()["availability"] == "unavailable"
    assert result.stderr.startswith("warning: Isha Health does not serve NY: ")


def test_mindbloom_24_schedule_is_in_date_order(cli):
    record = review_cost(cli, "mindbloom", "24")
    dues = [s["due"] for s in record["schedule"]]
    assert dues == sorted(dues) and record["last_due"] == dues[-1]
    row = cli("cost", "mindbloom", "-n", "24", "--as-of", REVIEW, "--start", REVIEW, "-f", "csv").stdout
    assert f",{dues[-1]}," in row.splitlines()[1]


def test_joyous_is_priced_in_doses(cli):
    assert today_cost(cli, "joyous", "--sessions", "30")["modality"] == "daily-low-dose"
    out = cli("cost", "joyous", "--sessions", "30").stdout
    assert out.startswith("Joyous, 30 doses for a new client: ")  # the headline
    assert table_part(out).startswith("Joyous: 30 doses")


def test_no_price_and_far_dates(cli):
    line = assert_one_error_line(cli("cost", "mindbloom", "--sessions", "6", "--as-of", "2019-01-01"), 1)
    assert "no Mindbloom price was observed on or before 2019-01-01" in line
    assert today_cost(cli, "isha-health", "--sessions", "1", "--start", "9999-12-31")["total"] == "796.00"


# --------------------------------------------------------------- issue 10: help examples and 80-column tables
# (they name shipped providers; the rest of issue 10 is in tests/test_hardening.py)


def test_every_example_runs(cli, monkeypatch, tmp_path):
    """Each example as shown, on the shipped data, in a folder with the files they name."""
    import shlex
    import shutil

    from conftest import SHIPPED
    from ketacalc.cli.help import EXAMPLES

    monkeypatch.delenv("KETACALC_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    shutil.copy(SHIPPED, tmp_path / "providers.yaml")
    scenarios = [
        {"provider": "mindbloom", "sessions": 18},
        {"provider": "better-u", "sessions": 6, "state": "TX"},
    ]
    (tmp_path / "scenarios.jsonl").write_text(jsonl(*scenarios))
    (tmp_path / "scenarios.csv").write_text("provider,sessions,state\nmindbloom,18,\nbetter-u,6,TX\n")
    for example in (e for examples in EXAMPLES.values() for e in examples):
        words = shlex.split(example)
        assert words[0] == "ketacalc"
        stdin = None
        if "<" in words:
            at = words.index("<")
            stdin = (tmp_path / words[at + 1]).read_text()
            words = words[:at] + words[at + 2 :]
        if ">" in words:
            words = words[: words.index(">")]
        result = cli(*words[1:], input=stdin)
        assert result.exit_code == 0, (example, result.stderr)
        assert "Error" not in result.stderr, (example, result.stderr)


@pytest.mark.skipif(shutil.which("tmux") is None or shutil.which("script") is None, reason="needs tmux")
@pytest.mark.parametrize("args", [["show", "mindbloom"], ["compare", "--state", "TX"], ["providers"]])
def test_tables_in_a_real_80_column_terminal(args, tmp_path):
    """In a real terminal 80 columns wide, on the shipped data: every source id whole, and no
    cell line that is a lone mark or bracket ("(Transformation" over a ")" of its own)."""
    import subprocess
    import time

    from conftest import SHIPPED

    session = f"ketacalc-{os.getpid()}-{args[0]}"
    out = tmp_path / "out.txt"
    env = {k: v for k, v in os.environ.items() if k != "TMUX"}
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "80", "-y", "50"], check=True, env=env)
    try:
        # stdout to a file is not a terminal: run inside `script` so it is one, 80 columns wide
        inner = (
            f"cd {REPO} && KETACALC_DATA={SHIPPED} NO_COLOR=1 PYTHONPATH=src "
            f"script -qc '{sys.executable} -m ketacalc {' '.join(args)} --no-pager' {out}.tmp >/dev/null; mv {out}.tmp {out}"
        )
        subprocess.run(
            ["tmux", "send-keys", "-t", session, f"unset COLUMNS; {inner}", "Enter"], check=True, env=env
        )
        for _ in range(200):
            if out.exists():
                break
            time.sleep(0.05)
        text = out.read_text(encoding="utf-8", errors="replace")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], env=env, check=False)
    lines = [line.rstrip("\r") for line in text.splitlines() if not line.startswith("Script ")]
    assert len(lines) > 10 and "Error" not in text, text
    assert max(len(line) for line in lines) <= 80, text  # fitted to the terminal
    lone = [line for line in lines if re.search(r"(^|\s{2})[)\]!‡*]\s*($|\s{2})", line)]
    assert lone == [], lone
    words = {w.strip("(),;:.") for line in lines for w in line.split()}
    from ketacalc.data.loader import load_catalog

    sources = load_catalog(SHIPPED, today=TODAY).sources
    if args[0] == "show":  # every source the provider cites, as its JSON lists them
        listed = subprocess.run(
            [sys.executable, "-m", "ketacalc", *args, "--format", "json"],
            capture_output=True, text=True, env={**env, "KETACALC_DATA": str(SHIPPED)}, check=True,
        ).stdout  # fmt: skip
        shown = sorted({sid for sid in re.findall(r'"([a-z0-9-]+)"', listed) if sid in sources})
        assert len(shown) >= 5
    else:
        shown = [sid for sid in sources if sid in text]
    for sid in shown:
        assert sid in words, sid  # whole, never "vitalityscout-2 / 026"
    cut = [w for w in words if "-" in w and w not in sources and any(sid.startswith(w) for sid in shown)]
    assert cut == [], cut


def test_the_shipped_data_passes_the_cache_check():
    """The cache of the shipped file is trusted on a warm start: every value passes
    ``data/verify.py`` (what the models refuse it refuses: tests/test_cache_trust.py)."""
    from ketacalc.data.loader import parse
    from ketacalc.data.verify import trusted

    dumped = parse(SHIPPED.read_text(encoding="utf-8"), str(SHIPPED), strict_dates=False).model_dump(
        mode="json", exclude_none=True
    )
    trusted(dumped, str(SHIPPED))


def test_readme_shows_the_default_compare_screen_as_printed(cli):
    """The README's "On the screen" block is `ketacalc compare --state TX` at 80 columns on
    the shipped data, today pinned to 2026-11-21. After a data or table change, paste the
    output of `COLUMNS=80 KETACALC_TODAY=2026-11-21 ketacalc compare --state TX` there."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("(shipped data, 2026-11-21):\n\n```text\n", 1)[1].split("```", 1)[0]
    result = cli("--data", str(SHIPPED), "compare", "--state", "TX", env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    assert result.stdout == block


def test_the_checked_form_in_the_wheel_is_made_from_the_shipped_file():
    """providers.checked.json (a first run's data, checked at build time) is remade
    from providers.yaml, the one source of truth, by the command in its message."""
    import json

    from ketacalc.data.ship import shipped_form
    from ketacalc.data.shipped import ARTEFACT

    assert json.loads(ARTEFACT.read_text(encoding="utf-8")) == shipped_form(), (
        "providers.checked.json is stale: run .venv/bin/python -m ketacalc.data.ship and commit it"
    )


def test_a_first_run_reads_no_yaml_and_imports_no_pydantic(tmp_path: Path):
    code = (
        "import sys; from ketacalc.data.loader import load_catalog; load_catalog(); "
        "print(sorted(m for m in ('yaml', 'pydantic', 'ketacalc.data.models') if m in sys.modules))"
    )
    env = {**os.environ, "KETACALC_CACHE_DIR": str(tmp_path / "empty-cache")}
    env.pop("KETACALC_DATA", None)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, "[]\n", "")


# --------------------------------------------------------------- issue 15: rules on dates and the audit's data


def test_the_telemedicine_rule_ends_2026_12_31_per_the_federal_register(cli):
    """An 18-session Mindbloom course started 2026-12-02 in TX (the README's worked example)."""
    args = (
        "cost",
        "mindbloom",
        "-n",
        "18",
        "--state",
        "TX",
        "--start",
        "2026-12-02",
        "--as-of",
        "2026-12-02",
    )
    record = cli(*args, "--format", "json", env={"KETACALC_TODAY": "2026-12-02"}).json()
    rule, texas = record["regulation"]
    assert rule["id"] == "dea-telemedicine-flexibilities" and rule["jurisdiction"] == "US"
    # Texas's own rule is in no source ketacalc holds: said, never read as none
    assert (texas["id"], texas["jurisdiction"], texas["source"]) == (
        "state-rules-not-recorded",
        "TX",
        "hitconsultant-2026",
    )
    assert texas["summary"].startswith("In TX, a state rule may require an in-person visit")
    assert (rule["affects_from"], rule["source"], rule["as_of"], rule["tier"]) == (
        "2027-01-01",
        "fr-2025-24123",
        "2025-12-31",
        "B",
    )
    assert (
        "in force through 2026-12-31" in rule["summary"] and "unless the rule is extended" in rule["summary"]
    )
    assert (
        "available — in-person visit may be required from 2027-01-01"
        in cli(*args, env={"KETACALC_TODAY": "2026-12-02"}).stdout
    )
    short = cli("cost", "mindbloom", "-n", "3", "--state", "TX", "--start", "2026-12-02", "--format", "json")
    assert [r["id"] for r in short.json()["regulation"]] == ["state-rules-not-recorded"]
    anywhere = cli("cost", "mindbloom", "-n", "3", "--start", "2026-12-02", "--format", "json")
    assert anywhere.json()["regulation"] == []  # no state asked for: no state's rule to speak of


def test_the_states_caution_rests_on_the_2018_summary_before_2026(cli):
    """The caution (a state's own rule not known) has an earlier span: the 2018 law-firm summary
    ('Approximately 12 states' required a prior in-person examination). A course of the review's
    day in TX carries it from that source; one of 2026-12-02 from HIT Consultant's."""
    on = {"KETACALC_TODAY": REVIEW}
    then = cli(
        "cost", "mindbloom", "-n", "6", "--state", "TX", "--as-of", REVIEW, "-f", "json", env=on
    ).json()
    (caution,) = then["regulation"]
    assert (caution["id"], caution["kind"], caution["source"], caution["as_of"]) == (
        "state-rules-not-recorded",
        "caution",
        "foley-2018-controlled-substances",
        "2018-07-31",
    )
    now = cli("cost", "mindbloom", "-n", "3", "--state", "TX", "--start", "2026-12-02", "-f", "json").json()
    assert [(r["id"], r["source"]) for r in now["regulation"]] == [
        ("state-rules-not-recorded", "hitconsultant-2026")
    ]


def test_alabama_names_the_in_person_requirement_on_every_row_that_may_treat(cli):
    rows = cli("eligibility", "--state", "AL", "--format", "json").json()
    may = [row for row in rows if row["availability"] != "unavailable"]
    assert may and all(
        "al-telehealth-controlled-substances" in [r["id"] for r in row["regulation"]] for row in may
    )
    assert all(row["regulation"] == [] for row in rows if row not in may)  # closed, or not serving
    rule = next(r for r in rows[0]["regulation"] if r["id"] == "al-telehealth-controlled-substances")
    assert (rule["source"], rule["as_of"]) == ("ala-code-34-24-704", "2022-12-31")


def test_isha_consultation_is_a_limited_time_promo_of_a_796_regular_price(cli):
    rows = cli("compare", "--state", "TX", "--format", "json").json()
    isha = next(r for r in rows if r["provider"] == "isha-health")
    assert (isha["consult_fee"], isha["consult_fee_kind"], isha["consult_fee_regular"]) == (
        "398.00",
        "promo",
        "796.00",
    )
    assert "limited-time promo (regular $796.00" in cli("report", "--state", "TX").stdout


def test_joyous_129_needs_a_3_month_commitment_else_159_and_its_own_range_is_10_120_mg(cli):
    rows = cli("compare", "--state", "TX", "--months", "3", "--format", "json").json()
    joyous = next(r for r in rows if r["provider"] == "joyous")
    assert (joyous["monthly_cost"], joyous["monthly_commitment_months"]) == ("129.00", 3)
    assert joyous["monthly_cost_without_commitment"] == "159.00"
    assert joyous["dose_flexibility"].startswith("10-120 mg")
    assert joyous["dose_flexibility_is_opinion"] is False
    assert (
        joyous["trd_suitability_is_opinion"] is True and joyous["trd_suitability_source"] == "trd-guide-2026"
    )


def test_trd_guide_ratings_are_labelled_opinion_in_compare_report_markdown_and_show(cli):
    assert "TRD†: limited" in cli("compare", "--state", "TX", "--wide", "--format", "markdown").stdout
    assert "opinion of trd-guide-2026, a tier C site; not a fact" in cli("report", "--state", "TX").stdout
    shown = cli("show", "kalm-health", "--format", "json").json()
    assert [f["opinion"] for f in shown["trd_suitability"]] == [True]


def test_compare_insurance_in_texas_keeps_unknown_apart(cli):
    out = " ".join(cli("compare", "--state", "TX", "--insurance").stdout.split())
    assert "no insurance accepted in TX: better-u, mindbloom, joyous, isha-health)" in out
    assert "insurance unknown: nothing published: kalm-health" in out


def test_eligibility_in_texas_cites_innerwells_2025_insurer_list(cli):
    rows = cli("eligibility", "--state", "TX", "--format", "json").json()
    innerwell = next(r for r in rows if r["provider"] == "innerwell")
    assert (innerwell["insurers_source"], innerwell["insurers_as_of"]) == ("innerbody-2025", "2025-06-13")


@pytest.mark.parametrize(
    ("provider", "said"),
    [
        (
            "field-trip-health",
            "Field Trip Health has closed (bhbusiness-field-trip-2023, 2023-06-27): US clinics closed about 2023-04-15",
        ),
        (
            "ketamine-wellness-centers",
            "Ketamine Wellness Centers has closed (bhbusiness-kwc-2023, 2023-03-16)",
        ),
        (
            "smith-ketamine-services",
            "Smith Ketamine Services has closed (bhbusiness-smith-2023, 2023-05-17): "
            "'The practice is closed and no longer making appointments'",
        ),
    ],
)
def test_closed_providers_say_they_closed(cli, provider, said):
    result = cli("cost", provider, "-n", "6")
    assert result.exit_code == 1 and said in result.stderr and "unknown provider" not in result.stderr


@pytest.mark.parametrize(
    ("provider", "source"),
    [
        ("tripsitter-clinic", "tripsitter-faq"),
        ("discreet-ketamine", "discreetketamine-faq"),
        ("happyy", "happyy-consent"),
    ],
)
def test_providers_known_only_from_their_own_undated_pages_have_no_price_and_no_states(cli, provider, source):
    """updates-2026-12.md section 2 (tier A, undated): at-home ketamine by telehealth, but no
    prices and no states published: uncertain, never priced, available nowhere known."""
    shown = cli("show", provider, "--format", "json").json()
    assert [(f["value"], f["source"], f["as_of"]) for f in shown["status"]] == [("uncertain", source, None)]
    assert shown["plans"] == [] and shown["states"]["observations"] == []
    result = cli("cost", provider, "-n", "6")
    assert result.exit_code == 1 and "publishes no prices" in result.stderr
    rows = cli("eligibility", "--state", "TX", "--format", "json").json()
    assert next(r for r in rows if r["provider"] == provider)["availability"] == "unknown"


def test_joyous_support_hours_keep_both_observations(cli):
    """Its booking page: 8am-5pm Pacific; a competitor's page (2026-05-05): 9am-5pm PT. Both stay."""
    notes = {n["source"]: n for n in cli("show", "joyous", "--format", "json").json()["notes"]}
    assert "8am-5pm Pacific Time" in notes["joyous-next-step"]["value"]
    assert "(9am–5pm PT)" in notes["ketcare-compare-2026"]["value"]
    assert notes["ketcare-compare-2026"]["as_of"] == "2026-05-05"


def test_wondermed_delivery_time_and_ketamd_nurse_guides_are_noted(cli):
    wondermed = " ".join(n["value"] for n in cli("show", "wondermed", "--format", "json").json()["notes"])
    assert "within 7 business days of the clinician consultation" in wondermed
    ketamd = " ".join(n["value"] for n in cli("show", "ketamd", "--format", "json").json()["notes"])
    assert "certified Nurse Guide" in ketamd and "signature required for delivery" in ketamd


def test_mindbloom_serves_dc_per_its_two_sources(cli):
    rows = cli("states", "mindbloom", "--format", "json").json()
    dc = next(r for r in rows if r["state"] == "DC")
    assert dc["availability"] == "available" and dc["availability_source"] in (
        "crains-detroit",
        "wikipedia-mindbloom",
    )


def test_wondermeds_list_is_marked_old_where_it_is_used(cli):
    rows = cli("eligibility", "--state", "TX", "--format", "json").json()
    wondermed = next(r for r in rows if r["provider"] == "wondermed")
    assert wondermed["availability_old_list"] is True and "an old list" in wondermed["availability_reason"]


def test_journey_clinical_is_a_provider_with_its_sourced_facts(cli):
    shown = cli("show", "journey-clinical", "--format", "json").json()
    assert any("own therapist" in n["value"] for n in shown["notes"])
    tx = cli("eligibility", "--state", "TX", "--format", "json").json()
    journey = next(r for r in tx if r["provider"] == "journey-clinical")
    assert journey["insurers"] == ["Aetna"] and journey["insurers_source"] == "journey-insurance-help"
    assert journey["availability"] == "unknown"  # "25+ states": which ones is not published


# --------------------------------------------------------------- issue 15: money (shipped figures)


def shipped_cost(cli, *args: str) -> dict:
    """``cost ARGS --format json``; asked as of a day (``--as-of``), on that day: a later
    as-of day than today is refused."""
    on = {"KETACALC_TODAY": args[args.index("--as-of") + 1]} if "--as-of" in args else None
    result = cli("cost", *args, "--format", "json", env=on)
    assert result.exit_code == 0, result.stderr
    return result.json()


def test_mindbloom_first_three_months_commit_2970_and_pay_990(cli):
    record = shipped_cost(cli, "mindbloom", "--months", "3", "--as-of", "2026-12-02", "--start", "2026-12-02")
    assert (record["committed"], record["paid_in_window"]) == ("2970.00", "990.00")
    assert (record["sessions_in_window"], record["leftover_sessions"], record["last_due"]) == (
        13,
        5,
        "2027-08-02",
    )
    innerwell = shipped_cost(
        cli, "innerwell", "--months", "3", "--as-of", "2026-12-02", "--start", "2026-12-02"
    )
    assert (innerwell["committed"], innerwell["paid_in_window"]) == ("2100.00", "1575.00")


@pytest.mark.parametrize(
    ("sessions", "as_of", "terms"),
    [("18", "2026-07-01", "9 × $318.00 for $2,862.00"), ("6", "2026-07-01", "3 × $418.00 for $1,254.00")],
)
def test_mindbloom_prices_without_terms_are_not_one_payment_at_sign_up(cli, sessions, as_of, terms):
    record = shipped_cost(cli, "mindbloom", "-n", sessions, "--as-of", as_of, "--start", as_of)
    assert record["due_at_signup"] is None and record["terms_unknown"] is True
    assert any(
        f"the last published terms were {terms} (innerbody-2025, 2025-06-13)" in n for n in record["notes"]
    )


def test_mindbloom_stop_ledger_and_hired_sitter(cli):
    record = shipped_cost(
        cli, "mindbloom", "-n", "18", "--as-of", "2026-12-02", "--start", "2026-12-02", "--hired-sitter"
    )
    first = record["if_stopped"][0]
    assert (first["notice"], first["paid"], first["refund"], first["owed"]) == (
        "24 h notice or more",
        "330.00",
        "330.00",
        "0.00",
    )
    found_eligible = record["if_stopped"][2]  # found eligible, cancelled before the first order
    assert (found_eligible["point"], found_eligible["owed"], found_eligible["refund"]) == (
        "after-consult",
        "150.00",
        "180.00",
    )
    # the article's 50% rule has only the six-session program as its example: for the 18-session
    # program what is owed after the first shipment is not published (never 50% of $2,970)
    after_one = record["if_stopped"][3]
    assert (after_one["number"], after_one["owed"]) == (1, None)
    assert any("12- and 18-session programs is not published" in n for n in record["if_stopped_notes"])
    six = shipped_cost(cli, "mindbloom", "-n", "6", "--as-of", "2026-12-02", "--start", "2026-12-02")
    after_one = six["if_stopped"][3]
    assert (after_one["number"], after_one["owed"]) == (1, "645.00")  # 50% of $1,290
    # the source states the 50% for the point after the first shipment only: later, unknown
    assert (six["if_stopped"][4]["number"], six["if_stopped"][4]["owed"]) == (2, None)
    assert not any("12- and 18-session" in n for n in six["if_stopped_notes"])
    assert (record["total"], record["total_low"], record["total_high"]) == ("2970.00", "3540.00", "4110.00")


def test_mindbloom_stopping_after_being_found_eligible_owes_150(cli):
    """Help article 8894531: found eligible at the consult, cancelled before the first
    prescription and Bloombox are ordered: 'You owe $150' (a rung between the consult and
    the 50% owed once the first shipment has gone)."""
    ledger = cli("cost", "mindbloom", "-n", "6", "--if-stopped", "--format", "json").json()
    rung = next(r for r in ledger if r["point"] == "after-consult")
    assert (rung["paid"], rung["owed"], rung["refund"], rung["source"]) == (
        "430.00",
        "150.00",
        "280.00",
        "mindbloom-refund-help",
    )
    assert "your clinician determines that you are eligible for treatment" in rung["rule"]
    points = [r["point"] for r in ledger]
    assert points.index("after-consult") < points.index("after-session")


def test_innerwell_extended_ladder_says_its_650_815_rung_and_the_90_day_rule_in_its_note(cli):
    """The rung after the first medical check-in ($650, or $815 with the 'Meet Your Therapist'
    session) has no published session number: it is said under the stop ledger, never placed at a
    guessed session; so is the support article's no-refund rule after 90 days without contact."""
    (policy,) = cli("show", "innerwell", "--format", "json").json()["refund_policy"]
    assert [s["stage"] for s in policy["steps"]] == ["before-consult", "after-consult", "after-session"]
    assert "you will be charged a total of $650' (without" in policy["note"]
    assert "'or $815' (with it)" in policy["note"]
    assert "ninety (90) or more days" in policy["note"] and "innerwell-payment-help" in policy["note"]
    table = " ".join(
        cli("cost", "innerwell", "-n", "24", "--if-stopped", env={"COLUMNS": "200"}).stdout.split()
    )
    assert "charged a total of $650' (without the included 'Meet Your Therapist' session) 'or $815'" in table
    assert "are not eligible for a refund.' (innerwell-refund-extended, undated)" in table


def test_mindbloom_cost_says_what_its_superbill_leaves_out(cli):
    """Help article 12264490: the superbill excludes the treatment sessions; beside it, the
    homepage's 'over 50%' reimbursement claim (2026-08-14 notes), each with its source in show."""
    notes = " ".join(cli("cost", "mindbloom", "-n", "6", "--format", "json").json()["notes"])
    assert "Excludes: Guide appointments, treatment sessions, and medication management" in notes
    assert "'you may be eligible to reimburse over 50%'" in notes
    shown = cli("show", "mindbloom", "--format", "json").json()["cost_notes"]
    assert [(f["source"], f["as_of"]) for f in shown] == [
        ("mindbloom-superbill-help", None),
        ("mindbloom-notes-2026", "2026-08-14"),
    ]


def test_joyous_is_not_stale_because_of_its_free_consultation(cli):
    record = shipped_cost(cli, "joyous", "-n", "30", "--as-of", "2026-12-02")
    assert record["stale"] is False and record["oldest_price"] == "2026-06-25"


def test_isha_pays_each_visit_at_the_time_of_service(cli):
    record = shipped_cost(cli, "isha-health", "-n", "4", "--as-of", "2026-12-02", "--start", "2026-12-02")
    assert record["terms_unknown"] is False and record["due_at_signup"] == "796.00"
    assert record["if_stopped"][1]["owed"] == "140.00"  # cancelling within 48 hours of the consultation


def test_better_u_names_who_each_plan_is_for_and_what_the_others_pay(cli):
    """Introduction (problems of the last year) and Transformation (a year or more) are for
    different people: the cheapest course rests on one, and the other's figure is beside it."""
    six = shipped_cost(cli, "better-u", "-n", "6", "--as-of", "2026-12-02")
    assert six["total"] == "579.00"
    assert any(
        n.startswith(
            "Better U's Transformation is for those whose concerns have been affecting them for longer"
        )
        and n.endswith("for them the same 6 sessions cost $792.00.")
        for n in six["notes"]
    )
    twelve = shipped_cost(cli, "better-u", "-n", "12", "--as-of", "2026-12-02")
    assert twelve["total"] == "1029.00"
    assert any(
        n.endswith(
            "Introduction is for those with more recent mental health challenges (within the last year) (innerbody-2025, 2025-06-13): for them the same 12 sessions cost $1,053.00."
        )
        for n in twelve["notes"]
    )


def test_alternatives_carry_the_researched_figures_with_their_sources(cli):
    """In-clinic IV ketamine and Spravato, as research/updates-2026-12.md gives them: two
    2026 tier C ranges of an infusion that disagree at the top, and the manufacturer's $10 copay."""
    records = {r["alternative"]: r for r in cli("alternatives", "--format", "json").json()}
    infusion = {(f["source"], f["what"]): (f["low"], f["high"]) for f in records["iv-infusion"]["figures"]}
    assert infusion[("vitalityscout-guide-2026", "one infusion")] == ("400.00", "700.00")
    assert infusion[("clinics-directory-2026", "one infusion")] == ("400.00", "800.00")
    assert infusion[("clinics-directory-2026", "a 6-infusion series")] == ("2400.00", "4800.00")
    copay = records["spravato"]["figures"][0]
    assert (copay["amount"], copay["source"], copay["tier"], copay["as_of"]) == (
        "10.00",
        "janssen-spravato",
        "A",
        None,
    )
    assert "$7,150 maximum program benefit per calendar year" in copay["note"]


def test_alternatives_keep_disputed_spravato_figures_side_by_side(cli):
    """updates-2026-12.md sections 3.1-3.2: the savings cap ($7,150 from the manufacturer, tier A,
    beside $8,000 and $8,150 from third parties), Medicare's 2026 G-code fees as two secondary
    sources give them, the observation rebate, the no-insurance median, and IV series above $4,800."""
    records = {r["alternative"]: r for r in cli("alternatives", "--format", "json").json()}
    figures = records["spravato"]["figures"]
    spray = [(f["source"], f["amount"], f["tier"], f["as_of"]) for f in figures]
    caps = [
        (f["source"], f["amount"], f["tier"], f["as_of"]) for f in figures if "maximum benefit" in f["what"]
    ]
    assert caps == [
        ("janssen-spravato", "7150.00", "A", None),
        ("philly-spravato-faq", "8000.00", "C", None),
        ("ktfd-savings-cap", "8150.00", "C", None),
    ]
    medicare = {(f["source"], f["amount"]) for f in records["spravato"]["figures"] if "Medicare" in f["what"]}
    assert medicare == {
        ("osmind-spravato-2026", "906.51"),
        ("osmind-spravato-2026", "1289.82"),
        ("neolytix-rates-2026", "952.59"),
        ("neolytix-cpt-2026", "1356.08"),
    }
    assert ("spravato-hcp-support", "0.00", "A", None) in spray
    assert ("ktfd-cost-guide", "1050.00", "C", None) in spray
    infusion = {(f["source"], f["what"]): f for f in records["iv-infusion"]["figures"]}
    series = infusion[("thervo-ketamine-cost", "a full series of 6 to 8 infusions")]
    assert (series["low"], series["high"]) == ("2400.00", "6400.00")
    assert infusion[("ktfd-cost-guide", "one infusion, median")]["amount"] == "590.00"


def test_the_alternatives_table_keeps_every_source_id_whole_at_80_columns(cli):
    records = cli("alternatives", "--format", "json").json()
    table = cli("alternatives", env={"COLUMNS": "80"}).stdout
    assert max(len(line) for line in table.splitlines()) <= 80
    words = set(table.split())
    for source in {f["source"] for r in records for f in r["figures"]}:
        assert source in words, source


def test_mindbloom_in_dc_rests_on_an_old_list_and_says_so(cli):
    """Its only word on DC is an undated article of about 2023 (and an undated Wikipedia line):
    it reads "available (old list)", as Wondermed's old launch list does, never plainly available."""
    rows = cli("eligibility", "--state", "DC", "--format", "json").json()
    mindbloom = next(r for r in rows if r["provider"] == "mindbloom")
    assert (mindbloom["availability"], mindbloom["availability_old_list"]) == ("available", True)
    assert "Mindbloom (old list)" in cli("eligibility", "--state", "DC").stdout


def test_isha_s_per_visit_price_carries_its_own_blog_s_monthly_figure(cli):
    """Isha's pricing page says $398 per session, its blog 'approximately $398/month': the
    dispute is said where the total is priced (cost's notes), not only in ``show``."""
    out = " ".join(cli("cost", "isha-health", "-n", "6", env={"COLUMNS": "200"}).stdout.split())
    assert "'approximately $398/month'" in out and "a dispute between Isha's own pages" in out


def test_readme_shows_the_chart_as_printed(cli):
    """The README's chart sample is `chart --state TX --sessions 1-24` at 72 columns on the
    shipped data, today pinned to 2026-11-21: its headline (the stale mark, what is not
    ranked), legend and rules as printed, not an older, shorter answer."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    marker = "$ COLUMNS=72 ketacalc chart --state TX --sessions 1-24   # shipped data, 2026-11-21\n"
    block = readme.split(marker, 1)[1].split("```", 1)[0]
    result = cli(
        "--data", str(SHIPPED), "chart", "--state", "TX", "--sessions", "1-24", env={"COLUMNS": "72"}
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == block


def test_every_shipped_providers_show_validates_against_its_schema(cli):
    """The show schema was made from the fixture's output, and required the insurer lists to
    name CA, NY, TX and ID: Journey Clinical's (one state) failed it. Any state may be named."""
    import json
    from importlib.resources import files

    import jsonschema

    schema = json.loads((files("ketacalc") / "schemas" / "show.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)  # checked and compiled once, not per provider
    ids = [p["provider"] for p in cli("providers", "--format", "json").json()]
    assert "journey-clinical" in ids
    for pid in ids:
        validator.validate(cli("show", pid, "--format", "json").json())
