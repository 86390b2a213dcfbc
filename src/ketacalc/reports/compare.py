"""``compare``: every provider side by side."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ketacalc import SCHEMA_VERSION
from ketacalc.money import NOT_PUBLISHED, money_str
from ketacalc.render import Column, TableView
from ketacalc.reports.common import (
    CURRENCY,
    Report,
    availability_record,
    caption,
    cents,
    fact_value,
    iso,
    money,
    show_date,
    yes_no,
)
from ketacalc.usstates import STATES

if TYPE_CHECKING:
    from decimal import Decimal

    from ketacalc.catalog import Catalog
    from ketacalc.compare import CompareResult, CompareRow
    from ketacalc.eligibility import Availability


class CompareReport(Report):
    FIELDS = (
        "provider", "name", "status", "state", "availability", "availability_as_of", "availability_tier",
        "in_clinic", "client", "sessions_requested", "sessions_covered", "total", "per_session", "due_at_signup",
        "consult_fee", "insurance", "insurers", "hsa_fsa", "sitter_required", "routes", "dose_flexibility",
        "trd_suitability", "as_of", "plans",
    )  # fmt: skip

    def __init__(self, catalog: Catalog, result: CompareResult) -> None:
        self.catalog = catalog
        self.result = result

    def records(self) -> Iterator[dict[str, Any]]:
        return (self._record(row) for row in self.result.rows)

    def _record(self, row: CompareRow) -> dict[str, Any]:
        q = self.result.query
        consult = row.consult.value if row.consult else None
        record: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "provider": row.provider.id,
            "name": row.provider.name,
            "status": row.status.value if row.status else None,
            "state": q.state,
        }
        if row.availability is not None:
            record.update(availability_record(row.availability))
        else:
            record.update({"availability": None, "in_clinic": None})
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
                        "route": p.plan.route,
                        "price": money_str(p.observation.price),
                        "per_session": money_str(p.observation.price / p.plan.sessions),
                        "as_of": iso(p.observation.as_of),
                    }
                    for p in row.plans
                ],
                "client": "returning" if q.returning else "new",
                "sessions_requested": q.sessions,
                "sessions_covered": row.cost.sessions_covered if row.cost else None,
                "total": money_str(row.total),
                "per_session": money_str(row.per_session),
                "due_at_signup": money_str(row.due_at_signup),
                "consult_fee": money_str(_consult_fee(row)),
                "consult_prepayment": consult.prepayment if consult else None,
                "insurance": row.insurance.value if row.insurance else None,
                "insurers": list(row.insurers) if row.insurers is not None else None,
                "hsa_fsa": fact_value(row.hsa_fsa),
                "sitter_required": fact_value(row.sitter_required),
                "routes": fact_value(row.routes),
                "dose_flexibility": fact_value(row.dose_flexibility),
                "trd_suitability": fact_value(row.trd_suitability),
                "as_of": iso(row.data_as_of),
                "notes": list(row.cost.notes) if row.cost else [],
            }
        )
        return record

    def rows(self) -> Iterator[dict[str, Any]]:
        for record in self.records():
            yield {
                **record,
                "plans": [f"{p['plan']} {p['sessions']} for {p['price']}" for p in record["plans"]],
            }

    def table(self) -> TableView:
        result, q = self.result, self.result.query
        columns = [Column("Provider")]
        if q.state:
            columns.append(Column(f"In {q.state}"))
        columns += [
            Column(f"{q.sessions} sessions" if q.sessions else "Plans", number=True),
            Column("Due at\nsign-up", number=True),
            Column("Care and\npayment"),
            Column("Route and\ndosing"),
        ]
        rows = []
        for row in result.rows:
            status = row.status.value if row.status else NOT_PUBLISHED
            name = row.provider.name + ("" if status == "operating" else f"\n({status})")
            cells = [f"{name}\ndata {show_date(row.data_as_of)}"]
            if q.state:
                cells.append(_availability_cell(row.availability))
            cells += [_cost_cell(row), _signup_cell(row), _care_cell(row, q.state), _dosing_cell(row)]
            rows.append(cells)
        extra = [f"Prices as of {result.as_of}"]
        if any(r.consult and r.consult.value.prepayment == "first-installment" for r in result.rows):
            extra.append("* first payment charged before the consultation, refunded if ineligible")
        extra += [f"{len(ids)} hidden ({reason}: {', '.join(ids)})" for reason, ids in result.hidden.items()]
        title = "Providers" + (f" for {q.state} ({STATES[q.state]})" if q.state else "")
        if q.sessions:
            title += f", {q.sessions} sessions, {'returning' if q.returning else 'new'} client"
        return TableView(
            columns=columns,
            rows=rows or [["no provider matches", *([""] * (len(columns) - 1))]],
            title=title,
            caption=caption(result.data_dates, ". ".join(extra)),
        )


def _cost_cell(row: CompareRow) -> str:
    if row.cost is not None:
        c = row.cost
        if c.total is None:
            return f"{NOT_PUBLISHED}\nnot\npublished"
        lines = [money(c.total), f"{money(cents(c.per_session))} each"]
        if c.leftover_sessions:
            lines.append(f"covers {c.sessions_covered}")
        return "\n".join(lines)
    if not row.plans:
        return f"{NOT_PUBLISHED}\nnot\npublished"
    return "\n".join(
        f"{p.plan.sessions}: {money(p.observation.price)}"
        + ("/mo" if p.plan.billing == "monthly" and p.observation.installments is None else "")
        for p in row.plans
    )


def _consult_fee(row: CompareRow) -> Decimal | None:
    charge = row.provider.charge_at("consult", row.as_of, "new")
    return charge.amount if charge is not None else None


def _signup_cell(row: CompareRow) -> str:
    consult = row.consult.value if row.consult else None
    fee_amount = _consult_fee(row)
    if consult is not None and consult.prepayment == "first-installment":
        fee = "prepaid*"
    elif fee_amount is None:
        fee = NOT_PUBLISHED
    else:
        fee = "free" if fee_amount == 0 else money(fee_amount)
    return f"{money(row.due_at_signup)}\nconsult:\n{fee}"


def _care_cell(row: CompareRow, state: str | None) -> str:
    insurance = yes_no(fact_value(row.insurance))
    if row.insurers:
        insurance += f" ({len(row.insurers)} in {state})"
    elif state and row.insurers == ():
        insurance += f" (none in {state})"
    return (
        f"sitter: {yes_no(fact_value(row.sitter_required))}\n"
        f"insurance: {insurance}\n"
        f"HSA/FSA: {yes_no(fact_value(row.hsa_fsa))}"
    )


def _dosing_cell(row: CompareRow) -> str:
    flex = fact_value(row.dose_flexibility)
    trd = fact_value(row.trd_suitability)
    lines = [yes_no(fact_value(row.routes))]
    if flex is not None:
        lines.append(f"flexibility: {flex.split(':')[0].lower()}")
    if trd is not None:
        lines.append(f"TRD: {trd}")
    return "\n".join(lines)


def _availability_cell(a: Availability | None) -> str:
    if a is None:
        return NOT_PUBLISHED
    lines = [a.status]
    if a.source:
        lines.append(f"tier {a.tier}")
        if not a.official:
            lines.append("unofficial")
        lines.append(show_date(a.as_of))
    if a.in_clinic:
        lines.append("+ in-clinic")
    return "\n".join(lines)
