"""Issue 15 (money): window cash, cash by month, the stop ledger, unknown terms, a hired
sitter, no ranking without a course, and purchase dates at any pace. Fixture data only."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from conftest import REVIEW, TODAY, review_cost, table_part, untimed
from ketacalc.domain.pricing import CostQuery, ProviderPricer

D = Decimal


def months_cost(catalog, provider: str, months: int, **kw):
    query = CostQuery(sessions=1, as_of=kw.pop("as_of", TODAY), start=kw.pop("start", TODAY), **kw)
    return ProviderPricer(catalog.find(provider), query, TODAY).price_months(months)


def test_sort_without_a_course_is_a_usage_error_naming_both_options(cli):
    for key in ("total", "per-session", "due-at-signup"):
        result = cli("compare", "--state", "TX", "--sort", key)
        assert result.exit_code == 2
        assert "--sessions" in result.stderr and "--months" in result.stderr
        assert result.stdout == ""
    assert cli("compare", "--state", "TX", "--sort", "name").exit_code == 0


def test_months_window_separates_what_is_committed_from_what_is_paid(catalog):
    """Audit 4: birch, 3 months from 2026-11-21 (92 days) at one a week = 14 sessions: the
    6-session plan ($1,050 = 3 x $350 from 11-21) then the 12-session one ($2,000 = 4 x $500
    from 2027-01-02, session 7's day). Committed $3,050; paid before 2027-02-21: 3 x $350
    + 2 x $500 = $2,050; 4 sessions left over; the last payment on 2027-04-02."""
    r = months_cost(catalog, "birch", 3)
    assert [(p.plan.id, p.start) for p in r.purchases] == [
        ("starter", TODAY),
        ("extended", TODAY + timedelta(days=42)),
    ]
    assert (r.committed, r.paid_in_window) == (D("3050.00"), D("2050.00"))
    assert (r.sessions_in_window, r.leftover_sessions) == (14, 4)
    assert r.last_due == date(2027, 4, 2)


def test_months_cost_shows_both_figures_in_json_and_table(cli):
    record = cli("cost", "birch", "--months", "3", "--format", "json").json()
    assert (record["committed"], record["paid_in_window"], record["sessions_in_window"]) == (
        "3050.00",
        "2050.00",
        14,
    )
    table = " ".join(cli("cost", "birch", "--months", "3").stdout.split())
    assert "Committed in the first 3 months $3,050.00" in table and "paid in them $2,050.00" in table
    compare = cli("compare", "--state", "TX", "--months", "3", "--format", "json").json()
    birch = next(r for r in compare if r["provider"] == "birch")
    assert (birch["committed"], birch["paid_in_window"]) == ("3050.00", "2050.00")


def test_a_range_of_months_shows_what_is_committed_and_what_is_paid_in_them(cli):
    """`cost birch -m 1-3` gave a Total column alone ("$3,050.00 for 3 months"), read as the
    cash of three months where $2,050.00 is paid in them: each row, and the headline, say both,
    as a single --months does."""
    rows = {r["months"]: r for r in cli("cost", "birch", "--months", "1-3", "--format", "json").json()}
    out = cli("cost", "birch", "--months", "1-3", env={"COLUMNS": "200"}).stdout
    flat = " ".join(out.split())
    assert "Months Covered Committed Paid in them" in flat
    three = rows[3]
    assert (three["committed"], three["paid_in_window"]) == ("3050.00", "2050.00")
    assert "$3,050.00 ! $2,050.00" in flat
    assert "$3,050.00 committed in 3 months ($2,050.00 paid in them)" in flat


def test_by_month_gives_the_cash_due_in_each_calendar_month(cli):
    rows = cli("cost", "birch", "-n", "12", "--by-month", "--format", "json").json()
    assert [(r["month"], r["due"]) for r in rows] == [
        ("2026-11", "500.00"),
        ("2026-12", "500.00"),
        ("2027-01", "500.00"),
        ("2027-02", "500.00"),
    ]
    csv = cli("cost", "birch", "-n", "12", "--by-month", "--format", "csv").stdout.splitlines()
    assert csv[0].startswith("provider,month,due") and len(csv) == 5
    assert "2027-02" in cli("cost", "birch", "-n", "12", "--by-month").stdout
    assert cli("cost", "birch", "-n", "6,12", "--by-month").exit_code == 2


def test_a_month_after_a_purchase_without_terms_is_not_told_known(cli):
    """Alder, 14 sessions from 2026-11-01: its 10-session program (no published terms) is
    bought in November and listed as paid then; December's $440 (the first plan's second
    installment) may carry some of it too: not "known" (it was), and the table marks it."""
    args = ("cost", "alder", "-n", "14", "--start", "2026-11-01", "--by-month")
    months = [(m["month"], m["due"], m["terms_unknown"]) for m in cli(*args, "--format", "json").json()]
    assert months == [("2026-11", "1840.00", True), ("2026-12", "440.00", True)]
    table = cli(*args).stdout
    assert "2026-12    $440.00 ?" in table and "its payments may fall in this month or later" in " ".join(
        table.split()
    )


def test_a_window_with_unpublished_terms_ends_or_later(cli):
    text = " ".join(cli("cost", "alder", "--months", "3", "--returning").stdout.split())
    assert "(some payment terms not published)" in text.split("last payment")[1]


def test_the_stop_ledger_follows_the_published_refund_ladder(cli):
    """alder, 4 sessions at the review: $800 = 2 x $400, the first charged at checkout.
    Its ladder: nothing owed with 24 h notice, $100 with less, half the plan after session 1."""
    record = review_cost(cli, "alder", "4").json()
    ledger = [
        (s["point"], s["number"], s["paid"], s["refund"], s["still_charged"], s["owed"])
        for s in record["if_stopped"]
    ]
    assert ledger == [
        ("before-consult", None, "400.00", "400.00", "0.00", "0.00"),
        ("before-consult", None, "400.00", "300.00", "0.00", "100.00"),
        ("after-session", 1, "400.00", "0.00", "0.00", "400.00"),
        ("after-session", 2, "400.00", "0.00", "0.00", "400.00"),
        ("after-session", 3, "400.00", "0.00", "0.00", "400.00"),
        ("after-session", 4, "400.00", "0.00", "400.00", "800.00"),
    ]
    assert all(s["source"] == "alder-help" for s in record["if_stopped"][:3])
    # a share of "the program" says which price it is a share of here: the quote's own example
    # may be another program's (Mindbloom's "$627 (50% of ... $1,254)" beside $1,485)
    assert record["if_stopped"][2]["rule"] == (
        "'You owe 50% of the program once the first kit has shipped.'; here 50% of 4-Session Program's $800.00"
    )
    table = " ".join(review_cost(cli, "alder", "4", "--if-stopped", fmt="table").stdout.split())
    assert "after session 1 2025-06-13 $400.00 $0.00 $0.00 $400.00" in table and "Owed in all" in table


def test_without_a_published_policy_refund_and_owed_are_not_published(cli):
    record = review_cost(cli, "birch", "12").json()
    first = record["if_stopped"][0]
    assert (first["point"], first["owed"], first["refund"], first["rule"]) == (
        "before-consult",
        None,
        None,
        "not published",
    )
    middle = record["if_stopped"][3]  # after session 3 of 12: a package in progress
    assert (middle["owed"], middle["rule"]) == (None, "not published")


def birch_with(ladder: str, tmp_path) -> Path:
    """The fixture with Birch given ``ladder`` (its refund_policy lines), as a data file."""
    from conftest import fixture_with

    anchor = (
        '    insurance:\n      - {value: true, source: review-2025, as_of: 2025-06-13, note: "Certain plans'
    )
    return fixture_with(tmp_path, anchor, ladder + anchor)


def test_a_self_pay_refund_ladder_never_speaks_for_an_insured_purchase(cli, tmp_path):
    """Birch given a self-pay ladder (as Innerwell's is): a course billed to Aetna in CA is
    told its refund is not published, where the same course paid by the person follows it."""
    ladder = (
        "    refund_policy:\n"
        "      - source: review-2025\n"
        "        self_pay_only: true\n"
        "        steps:\n"
        "          - {stage: before-consult, refund: full, quote: \"'A full refund before the visit.'\"}\n"
    )
    data = birch_with(ladder, tmp_path)
    args = ("--data", str(data), "cost", "birch", "-n", "6", "--state", "CA", "--format", "json")
    self_pay = cli(*args).json()
    insured = cli(*args, "--insurer", "Aetna").json()
    assert insured["pricing"] == "insurance" and self_pay["pricing"] == "self-pay"
    assert (self_pay["if_stopped"][0]["rule"], self_pay["if_stopped"][0]["owed"]) != ("not published", None)
    assert (insured["if_stopped"][0]["rule"], insured["if_stopped"][0]["owed"]) == ("not published", None)


def test_a_price_without_terms_has_no_due_at_sign_up(cli):
    """Audit 5: alder's $840 (2026-05-05) came without terms; the last were 2 x $400."""
    result = cli(
        "cost", "alder", "-n", "4", "--as-of", "2026-06-01", "--start", "2026-06-01", "--format", "json"
    )
    record = result.json()
    assert record["due_at_signup"] is None and record["terms_unknown"] is True
    assert any("the last published terms were 2 × $400.00" in n for n in record["notes"])
    assert not any(p["due"] == "2026-06-01" and not p["assumed"] for p in record["schedule"])


def test_hired_sitter_is_an_estimate_range_or_not_published(cli):
    """alder, 14 sessions: 3 h + 13 x 1.5 h = 22.5 h at $20-$40: $450-$900."""
    plain = review_cost(cli, "alder", "14").json()
    sitter = review_cost(cli, "alder", "14", "--hired-sitter").json()
    assert sitter["total"] == plain["total"]
    assert D(sitter["total_low"]) - D(plain["total_low"]) == D("450")
    assert D(sitter["total_high"]) - D(plain["total_high"]) == D("900")
    birch = review_cost(cli, "birch", "6", "--hired-sitter").json()
    assert "A hired sitter's cost is not published for Birch Clinic; it is in no total." in birch["notes"]
    assert birch["total_low"] == birch["total"]
    # a provider requiring no sitter has none to hire: said so with its source, never "not published"
    dune = cli("cost", "dune", "--months", "1", "--hired-sitter", "--format", "json").json()
    assert (
        "Dune Telehealth does not require a sitter (review-2025, 2025-06-13): no hired sitter is priced."
        in dune["notes"]
    )
    assert not any("cost is not published" in n for n in dune["notes"])


def test_a_required_sitter_says_what_a_hired_one_would_add_when_not_asked_for(cli):
    """A provider requiring a sitter at each session listed a hired one only as "optional:
    $20–$40" an hour: the course's estimate ($450–$900 for 14 sessions), which --hired-sitter
    computes, was nowhere, and a person with no one to sit read the total as all they pay."""
    plain = review_cost(cli, "alder", "14").json()
    said = [n for n in plain["notes"] if n.startswith("Alder Health requires a sitter at each session")]
    assert said == [
        "Alder Health requires a sitter at each session (review-2025, 2025-06-13): a friend or relative, or "
        "one hired at $20.00–$40.00 an hour (alder-help, undated), about 22.5 hours for this course: an "
        "estimate of $450.00–$900.00, not in the total (--hired-sitter adds it to the low and high totals)."
    ]
    assert plain["total_low"] == plain["total"]  # not in the total until asked for
    asked = review_cost(cli, "alder", "14", "--hired-sitter").json()
    assert not any("requires a sitter at each session" in n for n in asked["notes"])
    # no sitter required (dune), or none priced (birch): nothing of the kind is said
    for args in (("dune", "--months", "1"), ("birch", "-n", "6")):
        notes = cli("cost", *args, "--format", "json").json()["notes"]
        assert not any("requires a sitter at each session" in n for n in notes), args


def test_purchases_start_on_the_exact_session_day_at_any_pace(catalog):
    """Audit 12: cedar, 10 sessions at 3 a week: session k (0-based) falls ceil(7k/3) days
    after the first. The singles start on sessions 8 and 9's days (19 and 21), not on
    days rounded purchase by purchase (19 and 22)."""
    query = CostQuery(sessions=10, as_of=REVIEW, start=REVIEW, pace=D(3))
    r = ProviderPricer(catalog.find("cedar"), query, TODAY).price(10)
    assert [(p.start - REVIEW).days for p in r.purchases] == [0, 19, 21]


def flat(text: str) -> str:
    return " ".join(text.split())


def test_a_compare_row_without_a_course_has_no_total_and_counts_the_consultation(cli):
    """Audits 1-2: no total without a course; fern's $350 visit plus its required $350
    consultation is $700 due at sign-up, so --max-due-at-signup 400 drops fern."""
    rows = {r["provider"]: r for r in cli("compare", "--state", "TX", "--format", "json").json()}
    assert all(r["total"] is None and r["per_session"] is None for r in rows.values())
    assert rows["fern"]["due_at_signup"] == "700.00"
    kept = {
        r["provider"]
        for r in cli("compare", "--state", "TX", "--max-due-at-signup", "400", "--format", "json").json()
    }
    assert "fern" not in kept


def test_providers_lists_plans_never_a_lowest_total(cli):
    records = {r["provider"]: r for r in cli("providers", "--format", "json").json()}
    assert "lowest_total" not in records["alder"]
    assert [p["sessions"] for p in records["dune"]["plan_prices"]] == [30, 90]
    assert "Lowest total" not in cli("providers").stdout


def test_the_cheapest_line_ranks_only_comparable_curves(cli):
    """Audit 3: dune's daily low-dose months are never ranked against sessions."""
    text = flat(cli("chart", "--state", "TX", "--months", "1-6").stdout)
    assert "Not ranked: Dune Telehealth (daily low-dose plans: a different treatment)" in text
    assert "it is not medical advice" in text
    cheapest = text.split("Cheapest:", 1)[1].split("Not ranked", 1)[0]
    assert "Dune" not in cheapest


def test_a_chart_paid_in_full_says_so_in_its_title(cli):
    """Audit 14: a pay-in-full chart is not drawn under the usual title."""
    out = cli("chart", "--state", "TX", "--pay-in-full").stdout
    assert "paid in full" in table_part(out).splitlines()[0]  # the title, below the headline


def test_an_insured_total_is_labelled_beside_self_pay_ones(cli):
    """Audit 15: birch's insured $500 (Aetna in TX) is labelled, and its JSON says so."""
    rows = {
        r["provider"]: r
        for r in cli(
            "compare", "--state", "TX", "--sessions", "6", "--insurer", "Aetna", "--format", "json"
        ).json()
    }
    assert (rows["birch"]["total"], rows["birch"]["pricing"]) == ("500.00", "insurance")
    assert rows["cedar"]["pricing"] == "self-pay"
    table = cli("compare", "--state", "TX", "--sessions", "6", "--insurer", "Aetna").stdout
    assert "insured" in table


def test_a_price_that_rests_on_a_plan_condition_says_so(cli):
    """Audit 16: cedar's Introduction is only for problems of the last year."""
    record = review_cost(cli, "cedar", "3").json()
    assert any("Cedar Care's Introduction is for problems of the last year" in n for n in record["notes"])
    # the answer on stdout says it (the notes are on stderr), and so does a pasted Markdown table
    table = review_cost(cli, "cedar", "3", fmt="table").stdout
    assert (
        table.splitlines()[1]
        == "That total is on Introduction, for problems of the last year; for others: $650.00."
    )
    markdown = review_cost(cli, "cedar", "3", fmt="markdown").stdout
    assert "Note: Cedar Care's Introduction is for problems of the last year" in markdown
    assert "Note: Without Introduction, the same 3 sessions cost $650.00." in markdown


def test_show_gives_the_consultation_fee_in_force(cli):
    """Audit 13: fern's consultation is $350 (2026-05-01), not '—'."""
    text = flat(cli("show", "fern").stdout)
    assert "Consultation fee $350.00" in text


def test_the_library_takes_hired_sitter_and_answers_as_the_command_does(cli):
    import ketacalc
    from conftest import FIXTURE

    answer = ketacalc.cost(
        "alder", 14, hired_sitter=True, as_of="2025-06-13", start="2025-06-13", data=str(FIXTURE), today=TODAY
    ).to_dict()
    command = review_cost(cli, "alder", "14", "--hired-sitter").json()
    assert (answer["total_low"], answer["total_high"]) == (command["total_low"], command["total_high"])
    assert answer["if_stopped"] == command["if_stopped"]


def test_compare_and_chart_name_the_same_cheapest_by_one_rule(cli):
    """With Aetna in TX, compare named Birch's insured $500 the lowest while chart left it out
    ("Not ranked: insured prices") and named another: one rule now, the insured price ranked
    and said to be insured in both; a lone comparable total is "only", in both."""
    args = ("--state", "TX", "--sessions", "6", "--insurer", "Aetna")
    said = flat(cli("compare", *args).stdout)
    assert "For 6 sessions the lowest total among those serving TX is Birch Clinic at $500.00 insured" in said
    drawn = flat(cli("chart", *args).stdout)
    assert drawn.startswith("Cheapest: Birch Clinic (insured prices, stale prices) from 6 sessions.")
    points = {p["provider"]: p["ranked"] for p in cli("chart", *args, "--format", "json").json()}
    assert points["birch"] is True
    alone = flat(cli("compare", "--state", "ID", "--sessions", "6").stdout)
    assert (
        "For 6 sessions, only Birch Clinic among those serving ID has a comparable total: $1,050.00" in alone
    )
    assert flat(cli("chart", "--state", "ID", "-n", "6").stdout).startswith(
        "Only Birch Clinic is comparable here"
    )


def test_returning_prices_say_they_are_for_each_providers_own_former_clients(cli):
    """A returning Mindbloom client saw Better U's price for those who finished a Better U
    program, as if theirs: the title, caption and report say whose returning prices they are."""
    out = cli("compare", "--state", "TX", "--sessions", "6", "--returning", env={"COLUMNS": "200"}).stdout
    assert "6 sessions, returning client of each" in out
    assert "Returning client: each provider's prices for its own former clients" in flat(out)
    assert "(compare again with --new)" in flat(out)  # right whether typed or set once
    assert "For 6 sessions as a returning client" in flat(out)
    page = untimed(
        cli("report", "--state", "TX", "--sessions", "6", "--returning", "--start", "2027-01-10").stdout
    )
    assert "for a returning client of each provider (its prices for its own former clients" in page
    assert ", starting 2027-01-10." in page  # the day that decides the rules in force


def test_compare_csv_says_which_totals_are_insured(cli):
    rows = cli("compare", "--state", "TX", "--sessions", "6", "--insurer", "Aetna", "--format", "csv").stdout
    import csv
    import io

    pricing = {r["provider"]: r["pricing"] for r in csv.DictReader(io.StringIO(rows))}
    assert (pricing["birch"], pricing["cedar"]) == ("insurance", "self-pay")


def test_a_programs_ladder_that_refunds_before_the_consultation_counts_what_was_paid(cli, tmp_path):
    """Birch given Innerwell's kind of ladder for its 6-session plan (a full refund before the
    evaluation, $350 charged in all after it, '$450 or $615' after the first session): the
    plan was bought before the consultation, so what was paid at checkout is paid there. The
    ledger said $0 paid and '$350 still charged' where $350 of the $950 paid in full is kept
    and the rest refunded; a rung of two figures gave '—' (read 'not published') for the refund."""
    ladder = (
        "    refund_policy:\n"
        "      - source: review-2025\n"
        "        plans: [starter]\n"
        '        note: "The stored copy is cut off after the $615 rung."\n'
        "        steps:\n"
        "          - {stage: before-consult, notice_hours: 48, refund: full, quote: \"'A full refund before the evaluation.'\"}\n"
        "          - {stage: after-consult, owed: 350, quote: \"'Charged a total of $350.'\"}\n"
        "          - {stage: after-session, after_sessions: 1, through_sessions: 1, owed_low: 450, owed_high: 615, quote: \"'$450 or $615.'\"}\n"
    )
    data = birch_with(ladder, tmp_path)
    args = ("--data", str(data), "cost", "birch", "-n", "6", "--pay-in-full", "--if-stopped")
    # (less than 48 h notice before the consultation: not published, a row of its own)
    rows = [r for r in cli(*args, "--format", "json").json() if r["rule"] != "not published"][:3]
    got = [(r["point"], r["paid"], r["refund"], r["still_charged"], r["owed"]) for r in rows]
    assert got[:2] == [
        ("before-consult", "950.00", "950.00", "0.00", "0.00"),
        ("after-consult", "950.00", "600.00", "0.00", "350.00"),
    ]
    assert (got[2][0], got[2][1], got[2][4], rows[2]["owed_low"], rows[2]["owed_high"]) == (
        "after-session",
        "950.00",
        None,
        "450.00",
        "615.00",
    )
    table = " ".join(cli(*args, env={"COLUMNS": "200"}).stdout.split())
    assert "after session 1" in table and "$500.00 or $335.00 $0.00 $450.00 or $615.00" in table
    # the JSON gives a script the same two figures, in the owed figures' order
    two = rows[2]
    assert (two["refund_at_owed_low"], two["refund_at_owed_high"]) == ("500.00", "335.00")
    assert (two["still_charged_at_owed_low"], two["still_charged_at_owed_high"]) == ("0.00", "0.00")
    assert rows[1]["refund_at_owed_low"] is None  # one figure owed: refund holds it
    # what the data file says of the policy (why later rows are not published) is said with it
    assert "The stored copy is cut off after the $615 rung (review-2025, undated)." in table
    # and so does the cost's JSON, beside its stop ledger, for a script
    full = cli("--data", str(data), "cost", "birch", "-n", "6", "--pay-in-full", "--format", "json").json()
    assert full["if_stopped_notes"] == [
        "The stored copy is cut off after the $615 rung (review-2025, undated)"
    ]


def test_pay_in_full_never_turns_a_monthly_commitment_into_one_payment(cli):
    """Dune's 3-month commitment is billed 3 x $120: --pay-in-full made it one $360 payment no
    source offers. Its monthly payments stand, and a note says why."""
    record = cli("cost", "dune", "--months", "3", "--pay-in-full", "--format", "json").json()
    assert [p["amount"] for p in record["schedule"]] == ["120.00", "120.00", "120.00"]
    assert any("billed month by month and no source offers paying it at once" in n for n in record["notes"])


def test_a_table_of_dates_says_its_prices_are_stale_in_words_not_by_a_mark_it_never_shows(cli):
    """--by-month and --if-stopped rows are months and stop points, never marked '!': their
    captions explained a '!' no row carried. They say the prices are old in words."""
    for option in ("--by-month", "--if-stopped"):
        out = " ".join(cli("cost", "birch", "-n", "6", option, env={"COLUMNS": "200"}).stdout.split())
        assert "! =" not in out and "older than 365 days" in out and "check with the provider" in out


def test_pay_in_full_takes_a_monthly_commitments_published_discount_in_one_payment(cli, tmp_path):
    """A commitment whose source offers paying up front (a pay-in-full discount published)
    is paid so: one payment, the discount off; only one without such an offer stays monthly."""
    from conftest import fixture_with

    old = "price: 360, installments: {count: 3, amount: 120}}"
    path = fixture_with(
        tmp_path, old, "price: 360, installments: {count: 3, amount: 120}, pay_in_full_discount: 30}"
    )
    record = cli(
        "--data", str(path), "cost", "dune", "--months", "3", "--pay-in-full", "--format", "json"
    ).json()
    assert [p["amount"] for p in record["schedule"]] == ["330.00"]
    assert not any("no source offers paying it at once" in n for n in record["notes"])


def test_a_span_of_price_dates_says_only_the_oldest_is_stale(cli):
    """Alder as of 2026-06-01: prices dated 2025-06-13 to 2026-05-05, only the first older
    than 200 days. The words of a table of dates said every price was old; they say the oldest is."""
    args = ("cost", "alder", "-n", "6", "--as-of", "2026-06-01", "--max-age", "200")
    out = " ".join(cli(*args, "--by-month", env={"COLUMNS": "200"}).stdout.split())
    assert "Prices dated 2025-06-13 to 2026-05-05, the oldest older than 200 days on 2026-06-01" in out
    one = " ".join(
        cli(
            "cost", "birch", "-n", "6", "--by-month", "--max-age", "200", env={"COLUMNS": "200"}
        ).stdout.split()
    )
    assert "Prices dated 2025-06-13, older than 200 days" in one  # one date: every price is that old


def test_a_refund_with_enough_notice_says_less_notice_is_not_published(cli, tmp_path):
    """Innerwell refunds in full "and provide at least 48 hours' notice", and publishes nothing
    for less: the ledger gave the full refund alone, which read as holding whatever the
    notice. A row for less notice says what it owes is not published."""
    ladder = (
        "    refund_policy:\n"
        "      - source: review-2025\n"
        "        plans: [starter]\n"
        "        steps:\n"
        "          - {stage: before-consult, notice_hours: 48, refund: full, quote: \"'A full refund with 48 hours notice.'\"}\n"
    )
    data = birch_with(ladder, tmp_path)
    rows = cli("--data", str(data), "cost", "birch", "-n", "6", "--if-stopped", "--format", "json").json()
    before = [r for r in rows if r["point"] == "before-consult"]
    assert [(r["notice"], r["owed"], r["refund"]) for r in before] == [
        ("48 h notice or more", "0.00", before[0]["paid"]),
        ("less than 48 h notice", None, None),
    ]
    assert before[1]["rule"] == "not published" and before[1]["source"] == "review-2025"
