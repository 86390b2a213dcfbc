"""``compare``: every provider side by side."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from ketacalc.domain.compare import SESSIONS, is_opinion
from ketacalc.domain.notes import Kind, Note
from ketacalc.money import NOT_PUBLISHED, money_str
from ketacalc.output.notes import (
    NO_STATE_CHECKED,
    availability_label,
    counted,
    first_months,
    said,
    sentence,
    sentences,
)
from ketacalc.output.tableview import GOES_ON, Column, TableView
from ketacalc.output.views.common import (
    CURRENCY,
    Report,
    availability_record,
    caption,
    cents,
    condition_line,
    disputed_text,
    fact_record,
    fact_value,
    flat_regulation,
    iso,
    money,
    price_age,
    rule_lines,
    show_date,
    yes_no,
)
from ketacalc.output.views.cost import (
    CONDITION_MARK,
    LEFTOVER_RULE,
    charge_record,
    estimates,
    leftover_cell,
    leftover_record,
    near_end_cell,
    near_end_line,
    near_end_record,
    optional_cell,
    other_condition_cell,
    other_condition_record,
    qualifying,
    sessions_requested,
    total_text,
)
from ketacalc.usstates import STATES
from ketacalc.version import SCHEMA_VERSION

if TYPE_CHECKING:
    from datetime import date

    from ketacalc.data.catalog import Catalog
    from ketacalc.domain.compare import CompareResult, CompareRow
    from ketacalc.domain.pricing import CostResult


class CompareReport(Report):
    FIELDS = (
        "provider", "name", "status", "state", "availability", "availability_as_of", "availability_tier",
        "in_clinic", "regulation", "client", "months", "sessions_requested", "sessions_covered", "modality", "comparable",
        "ranked", "reason", "route", "pricing", "total", "total_low", "total_high", "per_session", "per_covered_session",
        "due_at_signup", "committed", "paid_in_window", "commitment_months", "monthly_cost", "monthly_commitment_months",
        "monthly_cost_without_commitment", "stale", "oldest_price", "prices_as_of", "consult_fee",
        "consult_fee_kind", "consult_fee_regular", "insurance",
        "insurers", "hsa_fsa", "sitter_required", "routes", "dose_flexibility", "dose_flexibility_is_opinion",
        "dose_flexibility_source", "trd_suitability", "trd_suitability_is_opinion", "trd_suitability_source",
        "data_as_of", "consult_prepayment", "availability_old_list", "near_end", "leftover_past_end",
        "plans", "other_routes", "plan_conditions", "other_condition", "charges", "unpriced", "optional",
        "notes",
    )  # fmt: skip

    def __init__(self, catalog: Catalog, result: CompareResult, wide: bool = False) -> None:
        self.catalog = catalog
        self.result = result
        self.wide = wide

    def records(self) -> Iterator[dict[str, Any]]:
        ranked = {id(r) for r in self.result.standing.ranked}  # the rows the headline ranks
        return (self._record(row, id(row) in ranked) for row in self.result.rows)

    def _record(self, row: CompareRow, ranked: bool = False) -> dict[str, Any]:
        q = self.result.query
        consult = row.consult.value if row.consult else None
        consult_charge = row.consult_charge
        record: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "provider": row.provider.id,
            "name": row.provider.name,
            "status": row.status.value if row.status else None,
            "state": q.state,
        }
        record.update(availability_record(row.availability, row.regulation))
        record.update(
            {
                "currency": CURRENCY,
                "plans": [
                    {
                        "plan": p.plan.id,
                        "name": p.plan.name,
                        "sessions": p.plan.sessions,
                        "client": p.plan.client,
                        "billing": p.plan.billing,
                        "modality": p.plan.modality,
                        "route": p.plan.route,
                        "price": money_str(p.observation.price),
                        "per_session": money_str(p.observation.price / p.plan.sessions),
                        "due_at_signup": money_str(p.first_payment),
                        "as_of": iso(p.observation.as_of),
                    }
                    for p in row.plans
                ],
                "client": q.client,
                "months": q.months,
                "sessions_requested": _sessions_requested(row, q.sessions),
                "sessions_covered": row.cost.sessions_covered if row.cost else None,
                "modality": row.modality,
                "comparable": row.comparable,
                # ranked as the headline ranks: comparable, serving the state, a total that is
                # what is paid (none with a charge only estimated beside it)
                "ranked": ranked,
                "reason": _reason(row),
                "route": row.route,
                "other_routes": {k: money_str(v) for k, v in row.other_routes.items()},
                "plan_conditions": [
                    {
                        "plan": n.plan_id,
                        "name": n.plan,
                        "condition": n.condition,
                        "source": n.source,
                        "as_of": iso(n.as_of),
                    }
                    for n in row.plan_conditions
                ],
                "other_condition": other_condition_record(row.cost.notes if row.cost is not None else ()),
                "total": money_str(row.total),
                "total_low": money_str(row.total_low),
                "total_high": money_str(row.total_high),
                "per_session": money_str(row.per_session),
                "per_covered_session": money_str(row.per_covered_session),
                "due_at_signup": money_str(row.due_at_signup),
                "monthly_cost": money_str(row.monthly),
                # the listing's lowest monthly rate and the commitment it needs; a course's own
                # commitment, the longest it is bought with (one month of Joyous: none)
                "monthly_commitment_months": row.monthly_commitment,
                "commitment_months": max(_commitments(row.cost), default=None)
                if row.cost is not None
                else None,
                "monthly_cost_without_commitment": money_str(row.monthly_flexible),
                "pricing": row.cost.pricing if row.cost is not None else None,
                "committed": money_str(row.cost.committed if row.cost is not None else None),
                "paid_in_window": money_str(row.cost.paid_in_window if row.cost is not None else None),
                # a course ending fewer than 14 days before the flexibilities' recorded end, in
                # the row's state: it may run past them (as the headline says of the first row)
                "near_end": near_end_record(row.near_end),
                "leftover_past_end": leftover_record(row.leftover_past_end),
                "charges": [charge_record(c) for c in row.charges],
                "unpriced": [charge_record(c) for c in row.unpriced],
                "optional": [charge_record(c) for c in row.optional],
                "stale": row.stale,
                "oldest_price": iso(row.prices_oldest),
                "prices_as_of": iso(row.prices_newest),
                "consult_fee": money_str(row.consult_fee),
                "consult_fee_kind": consult_charge.price_kind if consult_charge else None,
                "consult_fee_regular": money_str(consult_charge.regular) if consult_charge else None,
                "consult_prepayment": consult.prepayment if consult else None,
                "insurance": row.insurance.value if row.insurance else None,
                "insurers": list(row.insurers) if row.insurers is not None else None,
                "hsa_fsa": "disputed" if row.hsa_fsa_disputed else fact_value(row.hsa_fsa),
                "hsa_fsa_observations": [fact_record(f) for f in row.hsa_fsa_disputed],
                "sitter_required": fact_value(row.sitter_required),
                "routes": fact_value(row.routes),
                "dose_flexibility": fact_value(row.dose_flexibility),
                "dose_flexibility_source": row.dose_flexibility.source if row.dose_flexibility else None,
                "dose_flexibility_is_opinion": is_opinion(row.dose_flexibility, self.catalog.sources),
                "trd_suitability": fact_value(row.trd_suitability),
                "trd_suitability_source": row.trd_suitability.source if row.trd_suitability else None,
                "trd_suitability_is_opinion": is_opinion(row.trd_suitability, self.catalog.sources),
                "data_as_of": iso(row.data_as_of),
                "notes": sentences(row.cost.notes) if row.cost else [],
            }
        )
        return record

    def rows(self) -> Iterator[dict[str, Any]]:
        for record in self.records():
            yield {
                **flat_regulation(record),
                "plans": [f"{p['plan']} {p['sessions']} for {p['price']}" for p in record["plans"]],
                "other_routes": [f"{k} {v}" for k, v in record["other_routes"].items()],
                "plan_conditions": [f"{c['plan']}: {c['condition']}" for c in record["plan_conditions"]],
                "other_condition": other_condition_cell(record["other_condition"]),
                "charges": [c.get("description") or c.get("kind") for c in record["charges"]],
                "unpriced": [c.get("description") or c.get("kind") for c in record["unpriced"]],
                "optional": [optional_cell(c) for c in record["optional"]],
                "near_end": near_end_cell(record["near_end"]),
                "leftover_past_end": leftover_cell(record["leftover_past_end"]),
            }

    def table(self) -> TableView:
        """Compact by default (provider, availability, cost, sign-up, sitter, insurance);
        ``wide`` adds HSA/FSA and the route and dosing column."""
        result, q = self.result, self.result.query
        columns = [Column("Provider")]
        if q.state:
            columns.append(Column(f"In {q.state}"))
        if q.months:
            heading = "\n".join(first_months(q.months).capitalize().rsplit(" ", 1))  # First 3\nmonths
        else:
            heading = counted(q.sessions, "session") if q.sessions else "Plans"
        columns += [
            Column(heading, number=True),
            Column("Due at\nsign-up", number=True),
            Column("Sitter", priority=1),
            Column("Insurance", priority=2),
        ]
        if self.wide:
            columns += [Column("HSA/FSA", priority=3), Column("Route and\ndosing", priority=4)]
        rows = []
        for row in result.rows:
            status = row.status.value if row.status else NOT_PUBLISHED
            name = row.provider.name + ("" if status == "operating" else f"\n({status})")
            cell = f"{name}\ndata {show_date(row.data_as_of)}" + ("\nstale prices" if row.stale else "")
            cells = [cell]
            if q.state:
                cells.append(_availability_cell(row))
            cells += [
                _cost_cell(row),
                _signup_cell(row),
                yes_no(fact_value(row.sitter_required)),
                _insurance_cell(row, q.state),
            ]
            if self.wide:
                cells += [_hsa_cell(row), _dosing_cell(row, self.catalog.sources)]
            rows.append(cells)
        title = "Providers" + (f" for {q.state} ({STATES[q.state]})" if q.state else "")
        if q.sessions:
            title += f", {counted(q.sessions, 'session')}, {_client(q.client)}"
        elif q.months:
            title += f", {first_months(q.months)}, {_client(q.client)}"
        return TableView(
            columns=columns,
            rows=rows or [["no provider matches", *([""] * (len(columns) - 1))]],
            title=title,
            caption=caption(
                result.data_dates,
                ". ".join(
                    [*_caption_lines(result), *(_opinion_lines(result, self.catalog) if self.wide else [])]
                ),
            ),
            headline=headline(self.catalog, result),
        )


def _client(client: str) -> str:
    return "returning client of each" if client == "returning" else f"{client} client"


def headline(catalog: Catalog, result: CompareResult, *, page: bool = False) -> list[str]:
    """The answer in words, from the same rows as the table: who serves the state,
    the lowest comparable total (only like with like), and what was left out and why.
    On the shared ``page`` (the report), read by someone who never ran the command, no
    option is named and what was left out is said under the table, not in a caption."""
    q, standing = result.query, result.standing
    serving, priced = len(standing.candidates), len(standing.priced)
    maybe, filtered = standing.maybe, standing.filtered
    if q.state and filtered:
        first = f"Shown: {counted(serving, 'provider')} serving {q.state}"
        first += f", {priced} with published prices" if serving else ""
        first += f"; {maybe} may (not known)" if maybe else ""
        first += (
            f"; {filtered} more left out (under the table: which, and why)."
            if page
            else f"; {filtered} more hidden by the options (the caption says why)."
        )
    elif q.state:
        first = f"{serving} of {len(catalog.providers)} providers serve {q.state}"
        first += f", {priced} with published prices" if serving else ""
        first += f"; {maybe} may (not known)." if maybe else "."
    else:
        first = f"{len(result.rows)} of {len(catalog.providers)} providers listed, {priced} with published prices."
    lines = [first]
    if q.sessions or q.months:
        what = counted(q.sessions, "session") if q.sessions else f"the {first_months(q.months)} of sessions"
        if q.client == "returning":  # whose prices: each provider's own former clients'
            what += " as a returning client of each provider"  # one's former clients only
        if standing.ranked:
            best = standing.ranked[0]
            among = f" among those serving {q.state}" if q.state else ""
            label = insured_label(best)  # an insured price ranked beside self-pay ones says so
            figure = (total_text(best.cost) if best.cost is not None else money(best.total)) + (
                f" {label}" if label else ""
            )
            age = price_age(best.prices_oldest, result.as_of)
            tied = [r.provider.name for r in standing.ranked[1:] if r.total == best.total]
            if tied:  # the first by name is no cheaper than the others at the same total
                figure += f", tied with {_names(tied)}"
            if len(standing.ranked) == 1:  # the lowest of one: said as the chart says it
                lines.append(
                    f"For {what}, only {best.provider.name}{among} has a comparable total: {figure}{age}."
                )
            else:
                lines.append(f"For {what} the lowest total{among} is {best.provider.name} at {figure}{age}.")
            said = condition_line(best.cost.notes) if best.cost is not None else None
            if said is not None:
                lines.append(said)
            if label:  # ranked beside what others charge in cash: not what is paid, by itself
                lines.append(
                    f"That total is the source's price with {q.insurer} insurance: what you pay depends on "
                    "your plan (deductible, copay)."
                )
        elif standing.estimated:  # totals there are, each leaving a charge out: none is ranked
            lines.append(f"No total for {what}{' in ' + q.state if q.state else ''} is ranked.")
        else:
            lines.append(f"No provider{' serving ' + q.state if q.state else ''} has a total for {what}.")
        if q.insurer:  # the insurance asked for, where a total is not priced with it, and why
            self_paid = [said for r in result.rows if (said := self_pay_text(r)) is not None]
            if self_paid:
                lines.append(f"Self-pay prices, not {q.insurer} insurance: {'; '.join(self_paid)}.")
    elif priced and page:  # no course was asked for the page: nothing to rank
        lines.append(
            "Plans differ in size: no total is ranked without a course (a number of sessions or months)."
        )
        if q.insurer:
            lines.append(
                f"The plans listed are self-pay prices: {q.insurer} insurance is applied to a course only."
            )
    elif priced:
        lines.append("Plans differ in size: give --sessions N or --months M to rank what a course costs.")
        if q.insurer:  # an insured price is a course's (its purchases): the plans are self-pay
            lines.append(
                f"The plans listed are self-pay prices: {q.insurer} insurance is applied to a course "
                "(give --sessions N or --months M)."
            )
    left = []
    if standing.unpriced:
        names = [r.provider.name for r in standing.unpriced]
        left.append(f"{_names(names)} {'has' if len(names) == 1 else 'have'} no published prices")
    if standing.unlike and (q.sessions or q.months):
        said = [
            r.provider.name + (f" ({money(r.total)})" if r.total is not None and q.months else "")
            for r in standing.unlike
        ]
        left.append(f"{_names(said)}: daily low-dose, not sessions, not ranked against them")
    if standing.estimated and (q.sessions or q.months):
        for r in standing.estimated:
            kinds = " and ".join(dict.fromkeys(x.kind for x in r.cost.charges if x.estimated))
            left.append(f"{r.provider.name} ({total_text(r.cost)}): {kinds} only estimated, not ranked")
    if left:
        text = "; ".join(left)
        lines.append(text[0].upper() + text[1:] + ".")
    # the rules on the dates of the course compared: a row of another modality is dated as
    # its own (30 daily doses: 30 days), so the first comparable row's, if any; a row of a
    # provider known not to serve the state carries none
    may = [r for r in result.rows if r.availability is None or r.availability.status != "unavailable"]
    dated = [r for r in may if r.comparable] or may
    rules = dated[0].regulation if dated else ()
    lines += rule_lines(rules, q.state)
    if dated and dated[0].cost is not None:  # a course ending just before the flexibilities do
        lines += near_end_line(dated[0].cost, dated[0].near_end, page=page)  # in the row's state
    lines += _leftover_lines(may)
    if q.state is None:
        lines.append(NO_STATE_CHECKED)
    return lines


def _leftover_lines(rows: list[CompareRow]) -> list[str]:
    """The sessions each provider's course buys beyond those asked for that fall after the
    flexibilities' recorded end, provider by provider: each sells packages of its own size
    (2 sessions buy Innerwell's 8, Better U's 5)."""
    found = [(r.provider.name, r.leftover_past_end) for r in rows if r.leftover_past_end is not None]
    if not found:
        return []
    end = found[0][1]
    each = "; ".join(f"{name}: {counted(left.count, 'session')}, from {left.first}" for name, left in found)
    return [
        f"Sessions bought beyond those asked for fall after {end.name} end ({end.ends}) ({end.source}, "
        f"{end.as_of}), at the pace ({each}): {LEFTOVER_RULE}."
    ]


def _names(names: list[str]) -> str:
    return ", ".join(names) if len(names) <= 3 else f"{len(names)} providers"


def _sessions_requested(row: CompareRow, asked: int | None) -> int | None:
    """The sessions of the course priced: asked for, or those falling in the months asked for
    (None for a monthly treatment of another modality, counted in doses)."""
    return sessions_requested(row.cost) if row.cost is not None else asked


def _caption_lines(result: CompareResult) -> list[str]:
    q = result.query
    prices = result.price_dates
    lines = []
    stood = f", as they stood on {result.as_of}" if q.as_of is not None else ""
    if prices:
        dated = f"{prices[0]} to {prices[-1]}" if len(prices) > 1 else str(prices[0])
        lines.append(f"Prices used dated {dated}{stood}")
    elif stood:
        lines.append(f"No price published on or before {result.as_of}")
    if q.months:
        pace = f"{q.pace.normalize():f}"
        lines.append(
            f"{first_months(q.months).capitalize()} of care from {_start(result)}: the sessions that fall in "
            f"{'it' if q.months == 1 else 'them'} "
            f"at {pace} a week, or the cheapest mix of monthly plans; consultation and fees included"
        )
    elif not q.sessions:
        # what a plan's cell says, read from the table's own first plan of each kind
        plans = [p for r in result.rows for p in r.plans]
        session = next((p for p in plans if p.plan.modality == "sessions"), None)
        daily = next((p for p in plans if p.plan.modality == "daily-low-dose"), None)
        legend = []
        if session is not None:
            n, price = session.plan.sessions, money(session.observation.price)
            legend.append(f"'{n}: {price}' is {counted(n, 'session')} for {price}")
        if daily is not None:
            legend.append(
                f"on a daily low-dose plan, '{daily.plan.sessions}:' is {daily.plan.sessions} daily doses"
            )
        if legend:
            lines.append("Plans: " + "; ".join(legend))
        lines.append(  # no total is shown without a course; a returning client books no consultation
            "Due at sign-up: the first payment of each plan listed"
            + (", with a new client's consultation fee" if q.client == "new" else "")
        )
    if q.client == "returning":  # each row prices its own former clients' plans
        lines.append(
            "Returning client: each provider's prices for its own former clients; with a provider "
            "you have not used you are a new client (compare again with --new)"
        )
    if any(r.not_comparable for r in result.rows):
        lines.append(
            "Not sessions: a monthly low-dose treatment has no session total and no rank (use --months)"
        )
    if any(r.other_routes for r in result.rows):
        lines.append("Priced on each provider's standard route; 'also' gives another route's figure")
    for r in result.rows:
        said = condition_lines(r)
        if said:
            lines.append(f"{CONDITION_MARK} " + ". ".join(said))
    lines += [f"{r.provider.name}: {sentence(n).rstrip('.')}" for r in result.rows for n in _total_notes(r)]
    if any(insured_label(r) for r in result.rows):
        lines.append(INSURED_MEANS)
    if q.state and any(r.stale_list for r in result.rows):
        lines.append(f"stale list: the state list is more than {q.max_age} days older than {result.as_of}")
    if any(r.stale for r in result.rows):
        lines.append(f"stale prices: one used is more than {q.max_age} days older than {result.as_of}")
    for r in result.rows:
        if r.hsa_fsa_disputed:
            lines.append(f"{r.provider.name} HSA/FSA disputed: {disputed_text(r.hsa_fsa_disputed)}")
    if any(r.consult and r.consult.value.prepayment == "first-installment" for r in result.rows):
        lines.append("* first payment charged before the consultation, refunded if ineligible")
    lines += [
        f"{len(ids)} hidden ({sentence(reason)}: {', '.join(ids)})" for reason, ids in result.hidden.items()
    ]
    return lines


#: why a course asked for with an insurer is priced self-pay, all or in part: a note of each kind
_SELF_PAY: dict[Kind, Any] = {
    Kind.INSURER_NOT_LISTED: lambda n: f"{n.insurer} not listed in {n.state}{_list_of(n.list_as_of)}",
    Kind.NO_INSURERS_IN_STATE: lambda n: f"no insurer listed in {n.state}{_list_of(n.list_as_of)}",
    Kind.NO_INSURERS_PUBLISHED: lambda n: (
        "accepts no insurance" if n.figures.get("none") else "no accepted insurer published"
    ),
    Kind.NO_INSURANCE_PRICE: lambda n: f"no insurance price for {', '.join(n.plans)}",
}


def _list_of(on: date | None) -> str:
    return f", insurer list of {on.isoformat()}" if on else ", undated insurer list"


def self_pay_text(row: CompareRow) -> str | None:
    """``Innerwell (Aetna not listed in GA, insurer list of 2025-06-13)``: a row whose total, asked
    for with an insurer, is priced at self-pay prices (``partly``: some purchases are insured),
    with why; None for a row priced with the insurance, or with no total."""
    cost = row.cost
    if cost is None or (row.total is None and row.total_low is None) or cost.pricing == "insurance":
        return None
    why = [_SELF_PAY[n.kind](n) for n in cost.notes if n.kind in _SELF_PAY]
    partly = ", partly" if cost.pricing == "mixed" else ""
    return f"{row.provider.name}{partly}" + (f" ({'; '.join(why)})" if why else "")


def _total_notes(row: CompareRow) -> list[Note]:
    """What ``cost`` says beside the same total, where the row shows one: the notes on the prices
    it rests on that say a figure is not a plain price (a 'from' quote above the price used,
    which may be out of date; a promo plan), and the data file's own notes on the provider's
    costs (Isha's counts its consultation as a visit besides the sessions). A promo
    consultation is said in its own cell."""
    if row.cost is None or (row.total is None and row.total_low is None):
        return []
    prices = [n for n in qualifying(row.cost.price_notes) if n.kind is not Kind.PROMO_CHARGE]
    return prices + [n for n in row.cost.notes if n.kind is Kind.COST_NOTE]


def _start(result: CompareResult) -> str:
    starts = [r.cost.start for r in result.rows if r.cost is not None]
    return str(starts[0]) if starts else str(result.query.start or result.as_of)


def estimate_text(row: CompareRow) -> list[str]:
    """``+ medication est.`` / ``$100.00–$300.00`` for each part of the cost known only as a range."""
    if row.cost is None or row.total is None:
        return []
    return [text for kind, span in estimates(row.cost) for text in (f"+ {kind} est.", span)]


#: what an insured total is, beside the table that shows one (as ``cost`` says it in a note)
INSURED_MEANS = (
    "insured: the source's price with insurance; what you pay depends on your plan (deductible, "
    "copay), so ask the provider and your insurer"
)


def insured_label(row: CompareRow) -> str | None:
    """``insured`` or ``partly insured`` beside a total that is an insured price (never one
    beside self-pay ones unlabelled); None for a self-pay total or none."""
    c = row.cost
    if c is None or c.total is None or c.pricing == "self-pay":
        return None
    return "insured" if c.pricing == "insurance" else "partly insured"


def other_route_figures(row: CompareRow) -> list[tuple[str, str]]:
    """``("also injection:", "$3,612.00")`` for each other route: the same course's total,
    or, with no course, the route's lowest plan price (``from $…``)."""
    lowest = "" if row.cost is not None else "from "
    return [(f"also {route}:", f"{lowest}{money(total)}") for route, total in row.other_routes.items()]


def condition_figures(row: CompareRow) -> list[tuple[str, str]]:
    """``("on Introduction‡", "Transformation‡: $792.00")``: the plan the total rests on, for
    some people only, and the same course for the others (the caption says who is who)."""
    other = row.other_condition
    if other is None:
        return []
    instead = other.other_plan or "other plans"
    return [
        (
            f"on {' and '.join(other.plans)}{CONDITION_MARK}",
            f"{instead}{CONDITION_MARK}:{GOES_ON}{money(other.total)}",
        )
    ]


def condition_lines(row: CompareRow) -> list[str]:
    """Who the plans a total rests on are for, and what the others pay, in sentences; with no
    course, who each plan listed is for (the plans are listed side by side: never as if for all)."""
    if row.cost is None:
        return [plan_condition_text(n) for n in row.plan_conditions]
    if row.other_condition is None:
        return []
    return [sentence(n).rstrip(".") for n in (*row.plan_conditions, row.other_condition)]


def plan_condition_text(n: Note) -> str:
    """Who a plan listed (no course priced) is for: "Better U's Introduction is for those …
    (innerbody-2025, 2025-06-13)"."""
    return f"{n.provider}'s {n.plan} is {n.condition} ({said(n.source, n.as_of)})"


def _cost_cell(row: CompareRow) -> str:
    if row.not_comparable:
        return f"{money(row.monthly)}/mo{_commitment(row)}\nnot sessions:\nno total"
    if row.cost is not None:
        c = row.cost
        if c.total is None:
            return f"{NOT_PUBLISHED}\nnot{GOES_ON}published"
        lines = [money(c.total), *(f"+ {kind} est.{GOES_ON}{span}" for kind, span in estimates(c))]
        label = insured_label(row)
        if label is not None:
            lines.insert(1, label)
        if row.modality != SESSIONS:
            # the commitment the course is bought with, never the lowest monthly rate of any
            # plan (Joyous's $129.00/mo needs 3 months; one month alone is $159.00)
            lines.append(f"{c.sessions_covered} doses")
            lines += [f"with a {k}-month{GOES_ON}commitment" for k in _commitments(c)]
        else:
            lines.append(f"{money(cents(row.per_session))} each")
            if c.leftover_sessions:
                lines.append(f"covers {c.sessions_covered}")
            if row.months:
                lines.append(counted(c.sessions_requested, "session"))
        lines += [text for pair in other_route_figures(row) for text in pair]
        lines += [text for pair in condition_figures(row) for text in pair]
        return "\n".join(lines)
    if not row.plans:
        return f"{NOT_PUBLISHED}\nnot{GOES_ON}published"
    some = _for_some(row)
    lines = []
    for p in row.plans:
        line = f"{p.plan.sessions}: {money(p.observation.price)}"
        line += "/mo" if p.plan.billing == "monthly" and p.observation.installments is None else ""
        if p.plan.id in some:  # named, so the caption's "Introduction is for ..." finds its price
            line += f"{CONDITION_MARK}\n({p.plan.name})"
        if p.plan.billing == "monthly" and p.observation.installments is not None and p.per_month is not None:
            line += f"\n({money(p.per_month)}/mo,{GOES_ON}{p.observation.installments.count}-month{GOES_ON}commitment)"
        lines.append(line)
    lines += [text for pair in other_route_figures(row) for text in pair]
    return "\n".join(lines)


def _commitment(row: CompareRow) -> str:
    """``with a 3-month commitment (else $159.00/mo)`` under a monthly cost that needs one."""
    months = row.monthly_commitment
    if months is None:
        return ""
    flexible = row.monthly_flexible
    text = f"\nwith a {months}-month{GOES_ON}commitment"
    return text + (f"{GOES_ON}(else {money(flexible)}/mo)" if flexible is not None else "")


def _reason(row: CompareRow) -> str | None:
    """Why a row is not comparable: the course asked for cannot be priced from its plans, or
    what it prices (the first months of daily low doses) is another treatment."""
    if row.not_comparable is not None:
        return sentence(row.not_comparable)
    if row.comparable:
        return None
    return (
        f"{row.provider.name} sells {row.modality} treatment, not standard-dose sessions: priced, "
        "never ranked against sessions."
    )


def _commitments(cost: CostResult) -> list[int]:
    """The months each commitment a course is bought with binds the buyer to (a plan billed
    monthly in installments: Joyous's 3-month plan), fewest first; none month to month."""
    months = {
        run.offer.obs.installments.count
        for run in cost.runs
        if run.offer.plan.billing == "monthly"
        and run.offer.obs.installments is not None
        and run.offer.obs.installments.count > 1
    }
    return sorted(months)


def monthly_text(row: CompareRow) -> str:
    """A monthly plan's figure as one phrase (a report's cell): "$129.00/mo with a 3-month
    commitment (else $159.00/mo)"."""
    return f"{money(row.monthly)}/mo{_commitment(row)}".replace("\n", " ").replace(GOES_ON, " ")


def _for_some(row: CompareRow) -> set[str]:
    """The ids of the plans listed that are for some people only (each named on a line of its
    own under its price; the caption says who it is for)."""
    return {n.plan_id for n in row.plan_conditions}


def _signup_cell(row: CompareRow) -> str:
    """The cash due on the first day, and a new client's consultation (a returning client has
    none to book or prepay: no consultation line); a paid consultation in that figure is said
    to be "included", never read as owed again."""
    if row.cost is None and not row.not_comparable and row.plans:
        some = _for_some(row)  # a plan named on a line of its own: one more line
        # a new client's required consultation is paid on the first day too, as with a course
        # (and as the JSON's due_at_signup and --max-due-at-signup count it): Isha's $398 + $398
        due = "\n".join(
            money(f) + ("\n" if p.plan.id in some else "")
            for p, f in zip(row.plans, row.plans_due_at_signup, strict=True)
        )
    else:
        due = money(row.due_at_signup)
    if row.cost is not None and row.cost.months is not None:
        due += (
            f"\ncommitted in {row.cost.months} mo:{GOES_ON}{money(row.cost.committed)}"
            f"\npaid in them:{GOES_ON}{money(row.cost.paid_in_window)}"
        )
    if row.client == "returning":
        return due
    consult = row.consult.value if row.consult else None
    fee_amount = row.consult_fee
    if consult is not None and consult.prepayment == "first-installment":
        fee = "prepaid*"
    elif fee_amount is None:
        fee = NOT_PUBLISHED
    else:
        fee = "free" if fee_amount == 0 else money(fee_amount)
        if row.consult_in_due_at_signup:
            fee += "\nincluded"
        charge = row.consult_charge
        if charge is not None and charge.price_kind == "promo":
            regular = (
                f"{GOES_ON}(regular{GOES_ON}{money(charge.regular)})" if charge.regular is not None else ""
            )
            fee += f"\npromo{regular}"
    return f"{due}\nconsult:{GOES_ON}{fee}"


def _insurance_cell(row: CompareRow, state: str | None) -> str:
    insurance = yes_no(fact_value(row.insurance))
    if row.insurers:
        insurance += f" ({len(row.insurers)} in {state})"
    elif state and row.insurers == () and row.insurance is not None and row.insurance.value:
        insurance += f";{GOES_ON}none listed in {state}"  # "yes (none in AL)" read as a contradiction
    return insurance


def _hsa_cell(row: CompareRow) -> str:
    return "disputed" if row.hsa_fsa_disputed else yes_no(fact_value(row.hsa_fsa))


OPINION_MARK = "†"


def _dosing_cell(row: CompareRow, sources: Mapping[str, Any]) -> str:
    flex = fact_value(row.dose_flexibility)
    trd = fact_value(row.trd_suitability)
    lines = [yes_no(fact_value(row.routes))]
    if flex is not None:
        mark = OPINION_MARK if is_opinion(row.dose_flexibility, sources) else ""
        lines.append(f"flexibility{mark}: {flex.split(':')[0].lower()}")
    if trd is not None:
        mark = OPINION_MARK if is_opinion(row.trd_suitability, sources) else ""
        lines.append(f"TRD{mark}: {trd}")
    return "\n".join(lines)


def _opinion_lines(result: CompareResult, catalog: Catalog) -> list[str]:
    """What the opinion mark means: whose ratings they are, and that they are opinions."""
    said = {
        f.source: f.as_of
        for row in result.rows
        for f in (row.dose_flexibility, row.trd_suitability)
        if f is not None and is_opinion(f, catalog.sources)
    }
    if not said:
        return []
    whose = ", ".join(
        f"{sid} (tier {catalog.sources[sid].tier}, {show_date(day)})" if sid in catalog.sources else sid
        for sid, day in said.items()
    )
    # what the data file says of the rater (the TRD guide "ranks one provider first throughout")
    caveats = dict.fromkeys(
        f.note.rstrip(".")
        for row in result.rows
        for f in (row.dose_flexibility, row.trd_suitability)
        if f is not None and f.note and is_opinion(f, catalog.sources)
    )
    said_of = "".join(f". {caveat}" for caveat in caveats)
    return [f"{OPINION_MARK} a rating from {whose}: one site's opinion, not a fact{said_of}"]


def _availability_cell(row: CompareRow) -> str:
    a = row.availability
    if a is None:
        return NOT_PUBLISHED
    lines = [availability_label(a)]
    if a.source:
        # "tier C, unofficial" on one line: "unofficial" / "undated" would read on as one phrase
        lines.append(f"tier {a.tier}" + ("" if a.official else ", unofficial"))
        lines.append(show_date(a.as_of))
        if row.stale_list:  # old data says it is old, as a price that old does
            lines.append("stale list")
    if a.in_clinic:
        lines.append("+ in-clinic")
    return "\n".join(lines)
