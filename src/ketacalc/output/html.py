"""``ketacalc report``: one self-contained HTML file to share a comparison.

The page holds the comparison table for a state, the cost curves as inline SVG,
each provider's plans and payment schedule for the course asked for, the
availability with its source, date and trust tier, every source cited with its
link and date, the data dates and the "not medical advice" notice. Nothing is
fetched: the CSS and SVG are inline, there are no scripts, fonts or images.

The page is built with Jinja2 (imported here only) with autoescaping on, so
every string from the data file is escaped; the SVG is built by ``svg`` and
escapes its own strings.
"""

from __future__ import annotations

import functools
import re
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ketacalc.data.catalog import Catalog, known_on
from ketacalc.domain.notes import Kind
from ketacalc.money import NOT_PUBLISHED, ZERO, money_display, round_cents
from ketacalc.output.notes import (
    availability_label,
    counted,
    first_months,
    promo_label,
    rule_summary,
    said,
    sentence,
    sentences,
    sourced,
)
from ketacalc.output.tableview import GOES_ON
from ketacalc.output.views.common import disputed_text, payment_for, yes_no
from ketacalc.output.views.compare import (
    CONDITION_MARK,
    condition_figures,
    condition_lines,
    estimate_text,
    headline,
    insured_label,
    monthly_text,
    other_route_figures,
)

if TYPE_CHECKING:
    from markupsafe import Markup

    from ketacalc.domain.answers import PageAnswer

TEMPLATES = Path(__file__).with_name("templates")
DISCLAIMER = (
    "Not medical advice. ketacalc prices and filters published information about telehealth "
    "providers; it never recommends a dose, a treatment or a provider. Ask a clinician whether "
    "ketamine treatment is right for you, and check every price with the provider before you pay."
)


#: a date as the page writes it (the data's and ketacalc's own: YYYY-MM-DD), standing alone:
#: never a part of an id or a file name ("mindbloom-homepage-2026-08-07", "2026-08-07T1729")
_ISO_DATE = re.compile(r"(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])")


def dated(text: object) -> Markup:
    """The text escaped, each date in it one ``<time>`` that never wraps (the page's CSS): a
    browser broke "2026-12-31" at its hyphens in a narrow column, "2026-12-" over "31".
    The hyphens stay hyphens, so a date copied from the page is the date."""
    from markupsafe import Markup, escape

    def one(found: re.Match[str]) -> str:
        try:
            date.fromisoformat(found[0])
        except ValueError:  # digits that only look like a date: left as they are
            return found[0]
        return f'<time datetime="{found[0]}">{found[0]}</time>'

    return Markup(_ISO_DATE.sub(one, str(escape(text))))


def _d(day: date | None) -> str:
    return day.isoformat() if day else "undated"


def _total_notes(row: Any) -> list[str]:
    """``insured``; ``on tablet (the standard route; your choice)``; ``also injection: $3,612.00``."""
    label = insured_label(row)
    notes = [label] if label is not None else []
    if row.route and row.other_routes:
        notes.append(f"on {row.route} (the standard route; your choice)")
        notes += [f"{also} {figure}" for also, figure in other_route_figures(row)]
    cost = row.cost
    if cost is not None and cost.query.pay_in_full and cost.total is not None:  # which price is it
        off = sum(((r.offer.obs.price - r.offer.charged) * r.count for r in cost.runs), ZERO)  # never a promo
        # a commitment billed month by month (no source offers paying it at once) is not paid in full
        monthly = any(n.kind is Kind.NO_PAY_IN_FULL_DISCOUNT and n.figures.get("monthly") for n in cost.notes)
        if off:
            notes.append(
                f"paid in full, {money_display(off)} off" + ("; a plan billed monthly" if monthly else "")
            )
        elif monthly:
            notes.append("billed month by month: no source offers paying it at once")
        else:
            notes.append("paid in full; no discount published")
    if cost is not None and cost.months is not None:  # what is committed, and the cash due in them
        notes.append(f"committed in {cost.months} mo: {money_display(cost.committed)}")
        notes.append(f"paid in them: {money_display(cost.paid_in_window)}")
    # a plan for some people only: which, and what the others pay (who is who: under the table)
    notes += [text.replace(GOES_ON, " ") for pair in condition_figures(row) for text in pair]
    return notes


def _safe_url(url: str | None) -> str | None:
    """Only web links become links; anything else (``javascript:``) stays text."""
    if url and url.strip().lower().startswith(("https://", "http://")):
        return url.strip()
    return None


def _fact(fact: Any) -> Any:
    return None if fact is None else fact.value


def _consult_text(row: Any, *, with_source: bool = False) -> str:
    """``$250.00``; ``with_source``: with where and when it was said (``$250.00 (calm-kap-2025,
    2025-08-13)``), as a provider's card gives every figure."""
    if row.client == "returning":  # who books no new client's consultation: none, not "not published"
        return "none for a returning client"
    consult, fee, charge = _fact(row.consult), row.consult_fee, row.consult_charge
    parts = []
    if fee is not None:
        parts.append("free" if fee == 0 else money_display(fee))
        if with_source and charge is not None:
            parts[-1] += f" ({said(charge.source, charge.as_of)})"
        if row.consult_in_due_at_signup:
            parts.append("included in due at sign-up")  # as compare's cell: never read as owed again
        if charge is not None and charge.price_kind == "promo":
            parts.append(promo_label(charge.regular, charge.ends))
    if consult is None:
        return "; ".join(parts) or NOT_PUBLISHED
    if consult.prepayment == "first-installment":
        parts.append("first payment charged before the consultation")
    if consult.refundable_if_ineligible:
        parts.append("refunded if ineligible")
    return "; ".join(parts) or NOT_PUBLISHED


def _source(catalog: Catalog, source_id: str | None) -> dict[str, Any] | None:
    if source_id is None or source_id not in catalog.sources:
        return None
    s = catalog.sources[source_id]
    return {
        "id": s.id,
        "title": s.title,
        "url": s.url,
        "href": _safe_url(s.url),
        "date": _d(s.date),
        "tier": s.tier,
        "note": s.note,
    }


def _availability(catalog: Catalog, a: Any) -> dict[str, Any] | None:
    if a is None:
        return None
    return {
        "status": a.status,
        "reason": sentence(a.reason),
        "source": _source(catalog, a.source),
        "as_of": _d(a.as_of) if a.source else None,
        "tier": a.tier,
        "official": a.official,
        "in_clinic": a.in_clinic.services if a.in_clinic else None,
        "label": availability_label(a),
        "regulation": [
            {
                "id": e.id,
                "summary": rule_summary(e),
                "source": _source(catalog, e.source),
                "as_of": _d(e.as_of),
            }
            for e in a.regulation
        ],
    }


def _plans(row: Any, catalog: Catalog) -> list[dict[str, Any]]:
    plans = []
    # whom each plan listed is for, whichever plan a course was priced on
    for_some = {c.plan: c.condition for c in known_on(row.provider.plan_conditions, row.as_of)}
    purchases = row.cost.purchases if row.cost is not None else ()
    # a plan the course buys at its insurance price says so: the list shows self-pay prices
    insured = {b.plan.id: money_display(b.observation.price) for b in purchases if b.insured}
    listed = [
        (
            p.plan,
            p.observation,
            f"{insured[p.plan.id]} with insurance in the course below" if p.plan.id in insured else None,
        )
        for p in row.plans
    ]
    # and every plan the course below buys that the client's own list leaves out (a new
    # client's later sessions are returning-client plans: Better U's Continuation was unlisted)
    seen = {p.plan.id for p in row.plans}
    for bought in purchases:
        if bought.plan.id not in seen:
            seen.add(bought.plan.id)
            said = f"bought in the course below as a {bought.client} client"
            listed.append(
                (bought.plan, bought.observation, said + (", insured price" if bought.insured else ""))
            )
    for plan, obs, bought_note in listed:
        inst = obs.installments
        plans.append(
            {
                "name": plan.name,
                "for_some": for_some.get(plan.id),
                "sessions": plan.sessions,
                "client": plan.client,
                "billing": plan.billing,
                "modality": plan.modality,
                "route": plan.route,
                "price": money_display(obs.price),
                "per_session": money_display(round_cents(obs.price / plan.sessions)),
                "installments": f"{inst.count} × {money_display(inst.amount)}" if inst else NOT_PUBLISHED,
                "pay_in_full_discount": money_display(obs.pay_in_full_discount)
                if obs.pay_in_full_discount is not None
                else None,
                "as_of": _d(obs.as_of),
                "source": _source(catalog, obs.source),
                "note": "; ".join(n for n in (bought_note, obs.note) if n),
            }
        )
    return plans


def _purchase_runs(cost: Any, catalog: Catalog) -> list[dict[str, Any]]:
    """The purchases, a run of the same purchase counted once ("× 9")."""
    runs: list[dict[str, Any]] = []
    last = None
    for p in cost.purchases:
        key = (p.plan.id, p.client, p.charged, p.insured, p.observation)
        if runs and key == last:
            runs[-1]["count"] += 1
            continue
        last = key
        runs.append(
            {
                "name": p.plan.name,
                "client": p.client,
                "sessions": p.plan.sessions,
                "count": 1,
                "charged": money_display(p.charged),
                "starts": _d(p.start),
                "as_of": _d(p.observation.as_of),
                "source": _source(catalog, p.observation.source),
                "insured": p.insured,
            }
        )
    return runs


def _charges(cost: Any, catalog: Catalog) -> list[dict[str, Any]]:
    """The course's charges besides its plans (a consultation, medication estimated), each
    with the date and source of its figure, as its purchases are listed."""
    from ketacalc.output.views.cost import charge_amount, charge_count

    charges = []
    for line in cost.charges:
        if line.kind == "plan":
            continue
        amount = "free" if not line.estimated and line.amount == 0 else charge_amount(line)
        if line.price_kind == "promo":
            amount += f", {promo_label(line.regular, line.ends)}"
        charges.append(
            {
                "name": line.description,
                "kind": line.kind,
                "count": charge_count(line),
                "amount": amount,
                "as_of": _d(line.as_of),
                "source": _source(catalog, line.source),
            }
        )
    return charges


def _course(cost: Any, catalog: Catalog) -> dict[str, Any] | None:
    if cost is None:
        return None
    from ketacalc.output.views.cost import course_text, not_in_total, per_session_text

    return {
        "known": cost.total is not None,
        "total": money_display(cost.total),
        "asked_for": course_text(cost),  # "18 sessions", "the first 3 months (13 sessions)"
        "per_session": per_session_text(cost),  # "per session asked for" and "covered", as `cost` says
        "due_at_signup": money_display(cost.due_at_signup),
        "covered": cost.sessions_covered,
        "leftover": cost.leftover_sessions,
        "start": _d(cost.start),
        "pace": counted(cost.query.pace, "session"),  # "1 session", "2 sessions"
        "purchases": _purchase_runs(cost, catalog),
        "charges": _charges(cost, catalog),
        # what the terminal lists as "Charges not in the total": fees when they apply, and
        # charges with no published figure (the page shows what cost shows)
        "not_in_total": [
            {"name": name, "why": why, "source": _source(catalog, source)}
            for name, why, source in not_in_total(cost)
        ],
        "schedule": [
            {
                "due": _d(p.due),
                "amount": money_display(p.amount),
                "plan": payment_for(cost, p),
                "assumed": p.assumed,
            }
            for p in cost.schedule
        ],
        "notes": sentences(cost.notes, page=True),  # in the page's words: no option named
    }


def report_context(catalog: Catalog, page: PageAnswer, *, today: date) -> dict[str, Any]:
    """Everything the page shows, as plain values (the template only lays it out)."""
    from ketacalc.domain.compare import is_opinion
    from ketacalc.output.plot import cheapest_lines, regulation_sentences
    from ketacalc.output.svg import svg_chart
    from ketacalc.usstates import STATES
    from ketacalc.version import __version__

    result, curve, top = page.comparison, page.curves, page.top
    request = page.request
    state, sessions, months = request.state or "", request.sessions, request.months
    unit = "months" if months is not None else "sessions"
    rows = []
    cited: dict[str, None] = {}
    for row in result.rows:
        provider = row.provider
        cited.update(dict.fromkeys(provider.source_ids()))
        if row.availability is not None and row.availability.source:
            cited[row.availability.source] = None
        if row.availability is not None:
            cited.update(dict.fromkeys(e.source for e in row.availability.regulation))
        insurance = short = yes_no(_fact(row.insurance))
        if row.insurers:
            insurance += f" ({', '.join(row.insurers)})"
            short += f" ({len(row.insurers)} in {state})"
        elif row.insurers == () and row.insurance is not None and row.insurance.value:
            # it takes insurance, in no state listed as this one ("yes (none in AL)" read as
            # yes and no at once); a provider that takes none is "no", as compare says
            insurance += f", but no insurer is listed in {state}"
            short += f"; none listed in {state}"
        rows.append(
            {
                "id": provider.id,
                "name": provider.name,
                "website": provider.website,
                "website_href": _safe_url(provider.website),
                "status": _fact(row.status) or NOT_PUBLISHED,
                "availability": _availability(catalog, row.availability),
                "stale_list": row.stale_list,  # as compare's table marks it
                "total": money_display(row.total),
                "estimate": estimate_text(row),
                # what the total is of, as compare says it: an insured price, the route priced
                # (the person's choice) and what each other route would cost
                "total_notes": _total_notes(row),
                # a daily-dose plan's figure is per dose, never set beside sessions as one
                "per_session": money_display(
                    None if row.per_session is None else round_cents(row.per_session)
                )
                + (" a dose" if row.per_session is not None and row.modality == "daily-low-dose" else ""),
                "due_at_signup": money_display(row.due_at_signup),
                # as compare's cell: with no course, each plan's first payment with a new
                # client's required consultation (as due_at_signup and the filter count it)
                "due_lines": [money_display(f) for f in row.plans_due_at_signup]
                if row.cost is None and not row.not_comparable and row.plans
                else [money_display(row.due_at_signup)],
                "consult": _consult_text(row),
                "consult_said": _consult_text(row, with_source=True),  # the card's: with its source and date
                "insurance": insurance,
                "insurance_short": short,
                "low_dose": row.daily_low_dose_only,
                # not a course of sessions: its monthly figure, with any commitment it needs
                "monthly": monthly_text(row) if row.not_comparable else None,
                "hsa_fsa": "disputed" if row.hsa_fsa_disputed else yes_no(_fact(row.hsa_fsa)),
                "hsa_fsa_sides": disputed_text(row.hsa_fsa_disputed),  # "" unless disputed
                "stale": bool(row.stale),
                "sitter": yes_no(_fact(row.sitter_required)),
                "routes": yes_no(_fact(row.routes)),
                "dose_flexibility": yes_no(_fact(row.dose_flexibility))
                + (
                    f" (the opinion of {row.dose_flexibility.source}, a tier "
                    f"{getattr(catalog.sources.get(row.dose_flexibility.source), 'tier', '?')} site; not a fact)"
                    if is_opinion(row.dose_flexibility, catalog.sources)
                    else ""
                ),
                "data_as_of": _d(row.data_as_of),
                "plans": _plans(row, catalog),
                "course": _course(row.cost, catalog),
                # the data file's notes, each with where and when it was said (figures among them)
                "cost_notes": [sourced(f.value, f.source, f.as_of) for f in row.cost_notes],
                "notes": [sourced(f.value, f.source, f.as_of) for f in row.provider_notes],
            }
        )
    sources = [s for sid in cited if (s := _source(catalog, sid)) is not None]
    dates = result.data_dates
    hidden = [
        f"{len(ids)} not listed ({sentence(reason)}: {', '.join(ids)})"
        for reason, ids in result.hidden.items()
    ]
    return {
        "state": state,
        "state_name": STATES[state],
        "sessions": sessions,
        "months": months,
        "course": f"{sessions} sessions"
        if sessions
        else (f"the {first_months(months)} of care" if months else None),
        "chart_unit": unit,
        "client": request.client,
        # the day the course starts decides the rules in force on it: said when asked for
        "start": result.query.start.isoformat() if result.query.start else None,
        "insurer": result.query.insurer,
        "pay_in_full": result.query.pay_in_full,
        "today": today.isoformat(),
        "as_of": result.as_of.isoformat(),
        "max_age": result.query.max_age,
        "prices_dated": " to ".join(d.isoformat() for d in result.price_dates),
        "data_from": dates[0].isoformat() if dates else None,
        "data_to": dates[-1].isoformat() if dates else None,
        "rows": rows,
        # the answer in words, as compare opens with it: who serves the state, the lowest
        # comparable total, what was left out and why (a list alone read as "these serve me")
        "summary": headline(catalog, result, page=True),
        # who a plan for some people only is for, and what the others pay: under the table
        "conditions": [line for row in result.rows for line in condition_lines(row)],
        "condition_mark": CONDITION_MARK,
        "hidden": hidden,
        "chart": svg_chart(curve),
        # who is cheapest where, among the lines that may be ranked, and why the others are not
        "chart_ranking": " ".join(cheapest_lines(curve, 10_000)),
        "chart_notes": sentences(curve.notes, page=True),
        # the rules on the longest course drawn, as the terminal's chart says them under it
        "chart_rules": regulation_sentences(curve, today),
        "chart_range": top,
        "sources": sources,
        "disclaimer": DISCLAIMER,
        "version": __version__,
        "unknown": NOT_PUBLISHED,
    }


def render_report(context: dict[str, Any]) -> str:
    from markupsafe import Markup

    return _template().render(
        **{**context, "chart": Markup(context["chart"])}
    )  # the SVG escapes its own text


@functools.cache
def _template() -> Any:
    """The page's template, compiled once a process (compiling it takes longer than
    rendering it; a library caller or a test suite writes many pages)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # every string from the data file is escaped
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["dated"] = dated  # every date in the page's text: one word, never broken
    return env.get_template("report.html.j2")


def write_report(catalog: Catalog, page: PageAnswer, out: IO[str], today: date) -> None:
    """Write the whole page to ``out`` (built in memory first: nothing half-written)."""
    out.write(render_report(report_context(catalog, page, today=today)))
