"""Views of core results: JSON-ready records (the stable contract) and tables.

Every record carries ``schema_version``; money is a string with two decimals
(``"2862.00"``) and unknown is ``null``; dates are ``YYYY-MM-DD``. Tables print
unknown values as ``—`` and say so in their caption.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from ketacalc import SCHEMA_VERSION
from ketacalc.catalog import Consult, newest
from ketacalc.money import UNKNOWN, money_display, money_str, round_cents
from ketacalc.render import Column, TableView
from ketacalc.usstates import STATES

if TYPE_CHECKING:  # kept out of start-up: `cost` needs none of these
    from decimal import Decimal

    from ketacalc.catalog import Catalog, Fact, PriceObs, Provider
    from ketacalc.compare import CompareResult, CompareRow
    from ketacalc.eligibility import Availability, StateSummary
    from ketacalc.pricing import CostResult

CURRENCY = "USD"
DISCLAIMER = "ketacalc prices and filters; it is not medical advice."
UNKNOWN_NOTE = f"{UNKNOWN} = not published"


def _d(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _show_date(day: date | None) -> str:
    return day.isoformat() if day else "undated"


def source_record(catalog: Catalog, source_id: str) -> dict[str, Any]:
    s = catalog.sources[source_id]
    return {"id": s.id, "title": s.title, "url": s.url, "date": _d(s.date), "tier": s.tier}


def fact_record(fact: Fact[Any] | None) -> dict[str, Any] | None:
    if fact is None:
        return None
    value = fact.value
    if isinstance(value, Consult):
        value = {
            "prepayment": value.prepayment,
            "refundable_if_ineligible": value.refundable_if_ineligible,
        }
    elif isinstance(value, tuple):
        value = list(value)
    return {"value": value, "as_of": _d(fact.as_of), "source": fact.source, "note": fact.note}


def _value(fact: Fact[Any] | None) -> Any:
    record = fact_record(fact)
    return None if record is None else record["value"]


def _yes_no(value: Any) -> str:
    if value is None:
        return UNKNOWN
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(value) or UNKNOWN
    return str(value)


def states_text(s: StateSummary) -> str:
    if s.complete:
        return f"{s.known} (complete list)"
    if s.count is None and not s.known:
        return UNKNOWN
    said = f"{s.count}{'+' if s.count_is_minimum else ''}" if s.count is not None else "?"
    return f"{s.known} listed of {said}"


def _caption(dates: Sequence[date | None], extra: str = "") -> str:
    known = sorted(d for d in dates if d)
    span = (
        f"Data as of {known[0]} to {known[-1]}"
        if len(set(known)) > 1
        else (f"Data as of {known[0]}" if known else "Undated data")
    )
    parts = [span, UNKNOWN_NOTE, DISCLAIMER]
    if extra:
        parts.insert(1, extra)
    return ". ".join(p.rstrip(".") for p in parts) + "."


# --------------------------------------------------------------- providers


def provider_record(catalog: Catalog, provider: Provider, as_of: date) -> dict[str, Any]:
    from ketacalc.eligibility import summary

    status = newest(provider.status, as_of)
    # the lowest price of a plan a new client can buy (a returning-only top-up is not a "total")
    prices = [o for p in provider.plans if p.open_to("new") and (o := newest(p.prices, as_of)) is not None]
    s = summary(provider, as_of)
    return {
        "schema_version": SCHEMA_VERSION,
        "id": provider.id,
        "name": provider.name,
        "status": status.value if status else None,
        "status_as_of": _d(status.as_of) if status else None,
        "plans": len(provider.plans),
        "currency": CURRENCY,
        "lowest_total": money_str(min((o.price for o in prices), default=None)),
        "states_listed": s.known,
        "states_complete": s.complete,
        "states_stated_count": s.count,
        "states_count_is_minimum": s.count_is_minimum,
        "as_of": _d(max((d for d in provider.observed_dates() if d <= as_of), default=None)),
        "sources": [source_record(catalog, sid) for sid in provider.source_ids()],
    }


PROVIDER_FIELDS = [
    "id", "name", "status", "plans", "lowest_total", "states_listed", "states_complete",
    "states_stated_count", "as_of", "sources",
]  # fmt: skip


def provider_csv(record: dict[str, Any]) -> dict[str, Any]:
    return {**record, "sources": [s["id"] for s in record["sources"]]}


def providers_table(catalog: Catalog, records: list[dict[str, Any]], as_of: date) -> TableView:
    from ketacalc.eligibility import summary

    rows = []
    for r, provider in zip(records, catalog.providers, strict=True):
        rows.append([
            f"{r['name']}\n{r['id']}", r["status"] or UNKNOWN, str(r["plans"]),
            money_display(_money(r["lowest_total"])), states_text(summary(provider, as_of)),
            r["as_of"] or "undated",
        ])  # fmt: skip
    return TableView(
        columns=[Column("Provider"), Column("Status"), Column("Plans", number=True),
                 Column("Lowest total", number=True), Column("States"), Column("Newest data", number=True)],
        rows=rows,
        title="Providers",
        caption=_caption([_date(r["as_of"]) for r in records]),
    )  # fmt: skip


def _money(text: str | None) -> Any:
    from decimal import Decimal

    return None if text is None else Decimal(text)


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


# --------------------------------------------------------------- show

FACT_GROUPS = [
    ("status", "Status"), ("consult", "Consultation"), ("insurance", "Accepts insurance"),
    ("hsa_fsa", "HSA/FSA"), ("sitter_required", "Sitter required"), ("id_verification", "ID verification"),
    ("integration", "Integration support"), ("starter_kit", "Starter kit"), ("routes", "Delivery route"),
    ("dose_flexibility", "Dose flexibility"), ("trd_suitability", "TRD suitability"),
    ("cost_notes", "Cost note"), ("notes", "Note"),
]  # fmt: skip


def _price_record(obs: PriceObs, sessions: int, in_force: bool) -> dict[str, Any]:
    inst = obs.installments
    return {
        "as_of": _d(obs.as_of),
        "price": money_str(obs.price),
        "per_session": money_str(obs.price / sessions),
        "installments": {"count": inst.count, "amount": money_str(inst.amount)} if inst else None,
        "pay_in_full_discount": money_str(obs.pay_in_full_discount),
        "source": obs.source,
        "note": obs.note,
        "current": in_force,
    }


def _history(facts: Sequence[Any], as_of: date) -> list[dict[str, Any]]:
    now = newest(facts, as_of)
    out = []
    for fact in sorted(facts, key=lambda f: f.as_of or date.min):
        record = fact_record(fact) or {}
        record["current"] = fact is now
        out.append(record)
    return out


def show_record(catalog: Catalog, provider: Provider, as_of: date) -> dict[str, Any]:
    from ketacalc.eligibility import summary

    s = summary(provider, as_of)
    record: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "id": provider.id,
        "name": provider.name,
        "website": provider.website,
        "aliases": list(provider.aliases),
        "currency": CURRENCY,
        "as_of": _d(as_of),
    }
    for key, _label in FACT_GROUPS:
        record[key] = _history(getattr(provider, key), as_of)
    record["states"] = {
        "listed": s.known,
        "complete": s.complete,
        "stated_count": s.count,
        "count_is_minimum": s.count_is_minimum,
        "observations": [
            {"codes": sorted(o.codes), "complete": o.complete, "count": o.count,
             "count_is_minimum": o.count_is_minimum, "as_of": _d(o.as_of), "source": o.source, "note": o.note}
            for o in sorted(provider.states, key=lambda o: o.as_of or date.min)
        ],
    }  # fmt: skip
    record["in_clinic"] = [
        {"states": list(c.states), "services": c.services, "as_of": _d(c.as_of), "source": c.source}
        for c in provider.in_clinic
    ]
    record["insurers"] = [
        {"by_state": {k: list(v) for k, v in i.by_state.items()}, "as_of": _d(i.as_of), "source": i.source}
        for i in provider.insurers
    ]
    plans = []
    for plan in provider.plans:
        now = newest(plan.prices, as_of)
        now_ins = newest(plan.insurance_prices, as_of)
        plans.append({
            "id": plan.id, "name": plan.name, "sessions": plan.sessions, "client": plan.client,
            "billing": plan.billing, "route": plan.route,
            "prices": [_price_record(o, plan.sessions, o is now) for o in _oldest_first(plan.prices)],
            "insurance_prices": [
                _price_record(o, plan.sessions, o is now_ins) for o in _oldest_first(plan.insurance_prices)
            ],
        })  # fmt: skip
    record["plans"] = plans
    record["sources"] = [source_record(catalog, sid) for sid in provider.source_ids()]
    return record


def _oldest_first(observations: Sequence[PriceObs]) -> list[PriceObs]:
    return sorted(observations, key=lambda o: o.as_of)


SHOW_FIELDS = ["provider", "section", "item", "value", "as_of", "source", "current", "note"]


def show_rows(record: dict[str, Any]) -> list[dict[str, Any]]:
    """``show`` as long-format rows for CSV/TSV: one row per observation."""
    rows = []
    base = {"provider": record["id"]}
    for key, _label in FACT_GROUPS:
        for fact in record[key]:
            rows.append({**base, "section": "fact", "item": key, **fact, "value": _flat(fact["value"])})
    for obs in record["states"]["observations"]:
        rows.append({**base, "section": "states", "item": "complete list" if obs["complete"] else "list",
                     "value": " ".join(obs["codes"]) or f"count {obs['count']}", "as_of": obs["as_of"],
                     "source": obs["source"], "note": obs["note"]})  # fmt: skip
    for plan in record["plans"]:
        for kind in ("prices", "insurance_prices"):
            for obs in plan[kind]:
                rows.append({**base, "section": kind, "item": plan["id"], "value": obs["price"],
                             "as_of": obs["as_of"], "source": obs["source"], "current": obs["current"],
                             "note": obs["note"]})  # fmt: skip
    return rows


def _flat(value: Any) -> Any:
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items() if v is not None)
    return value


def _fact_text(key: str, value: Any) -> str:
    if key == "consult" and isinstance(value, dict):
        parts = []
        if value.get("prepayment") == "first-installment":
            parts.append("first payment charged before the consultation")
        if value.get("refundable_if_ineligible"):
            parts.append("refunded if ineligible")
        return "; ".join(parts) or UNKNOWN
    return _yes_no(value)


def show_table(catalog: Catalog, record: dict[str, Any]) -> TableView:
    facts = []
    for key, label in FACT_GROUPS:
        for fact in record[key]:
            mark = "" if fact["current"] else " (older)"
            text = _fact_text(key, fact["value"])
            if fact.get("note"):
                text += f"\n{fact['note']}"
            facts.append([label + mark, text, fact["as_of"] or "undated", fact["source"]])
    states = []
    for obs in record["states"]["observations"]:
        what = "complete list" if obs["complete"] else ("partial list" if obs["codes"] else "count only")
        count = (
            f"{obs['count']}{'+' if obs['count_is_minimum'] else ''}" if obs["count"] is not None else UNKNOWN
        )
        text = " ".join(obs["codes"]) or UNKNOWN
        if obs["note"]:
            text += f"\n{obs['note']}"
        states.append([what, count, text, obs["as_of"] or "undated", obs["source"]])
    for clinic in record["in_clinic"]:
        states.append(["in-clinic", "", f"{' '.join(clinic['states'])}: {clinic['services']}",
                       clinic["as_of"] or "undated", clinic["source"]])  # fmt: skip
    plans = []
    for plan in record["plans"]:
        for kind in ("prices", "insurance_prices"):
            for obs in plan[kind]:
                inst = obs["installments"]
                label = plan["name"] + (" (insurance)" if kind == "insurance_prices" else "")
                label += f"\n{plan['client']} clients" + (", monthly" if plan["billing"] == "monthly" else "")
                if plan["route"]:
                    label += f"\nroute: {plan['route']}"
                if not obs["current"]:
                    label += "\n(older price)"
                instalments = (
                    f"{inst['count']} × {money_display(_money(inst['amount']))}" if inst else UNKNOWN
                )
                plans.append([
                    label, str(plan["sessions"]), money_display(_money(obs["price"])),
                    money_display(_money(obs["per_session"])), instalments, f"{obs['as_of']}\n{obs['source']}",
                ])  # fmt: skip
    sources = [
        [
            f"{s['id']}\ntier {s['tier']}, {s['date'] or 'undated'}",
            s["title"] + (f"\n{s['url']}" if s["url"] else ""),
        ]
        for s in record["sources"]
    ]
    dates = [_date(f["as_of"]) for key, _ in FACT_GROUPS for f in record[key]]
    view = TableView(
        columns=[Column("Fact"), Column("Value"), Column("Observed")],
        rows=[[label, text, f"{as_of}\n{source}"] for label, text, as_of, source in facts],
        title=f"{record['name']} ({record['id']})" + (f" — {record['website']}" if record["website"] else ""),
        caption=_caption(dates),
    )
    view.sections.append(("Plans and dated prices", TableView(
        columns=[Column("Plan"), Column("Sessions", number=True), Column("Price", number=True),
                 Column("Per session", number=True), Column("Installments"), Column("Observed")],
        rows=plans or [["no published prices", "", UNKNOWN, UNKNOWN, UNKNOWN, ""]],
    )))  # fmt: skip
    view.sections.append(("States", TableView(
        columns=[Column("Kind"), Column("Count", number=True), Column("States"), Column("Observed")],
        rows=[[kind, count, text, f"{as_of}\n{source}"] for kind, count, text, as_of, source in states]
        or [["no list published", UNKNOWN, UNKNOWN, ""]],
    )))  # fmt: skip
    view.sections.append(("Sources (tier A: provider's own site; B: press; C: third party)", TableView(
        columns=[Column("Source"), Column("Title")],
        rows=sources,
    )))  # fmt: skip
    return view


# --------------------------------------------------------------- cost


def _cost_head(result: CostResult) -> dict[str, Any]:
    """The fields every cost record starts with, full or summary."""
    return {
        "schema_version": SCHEMA_VERSION,
        "provider": result.provider.id,
        "client": result.client,
        "currency": CURRENCY,
        "sessions_requested": result.sessions_requested,
        "sessions_covered": result.sessions_covered,
        "leftover_sessions": result.leftover_sessions,
        "total": money_str(result.total),
        "per_session": money_str(result.per_session),
        "due_at_signup": money_str(result.due_at_signup),
        "prices_as_of": _d(result.prices_as_of),
    }


def cost_record(catalog: Catalog, result: CostResult) -> dict[str, Any]:
    return {
        **_cost_head(result),
        "provider_name": result.provider.name,
        "as_of": _d(result.as_of),
        "start": _d(result.start),
        "pricing": result.pricing,
        "pay_in_full": result.query.pay_in_full,
        "pace_per_week": f"{result.query.pace.normalize():f}",
        "purchases": _purchase_records(result),
        "schedule": [
            {"due": p.due.isoformat(), "amount": money_str(p.amount), "plan": p.plan, "assumed": p.assumed}
            for p in result.schedule
        ],
        "notes": list(result.notes),
        "sources": [source_record(catalog, sid) for sid in result.sources],
    }


def _purchase_records(result: CostResult) -> list[dict[str, Any]]:
    """One record per purchase. A long course repeats the same plan many times, so
    the fields that do not change are built once per distinct purchase."""
    records = []
    shared: dict[tuple[Any, ...], dict[str, Any]] = {}
    for p in result.purchases:
        key = (p.plan.id, p.observation, p.client, p.charged, p.insured)
        fields = shared.get(key)
        if fields is None:
            fields = shared[key] = {
                "plan": p.plan.id,
                "plan_name": p.plan.name,
                "sessions": p.plan.sessions,
                "client": p.client,
                "price": money_str(p.price),
                "charged": money_str(p.charged),
                "insurance": p.insured,
                "route": p.plan.route,
            }
        records.append(
            {
                **fields,
                "starts": p.start.isoformat(),
                "as_of": _d(p.observation.as_of),
                "source": p.observation.source,
            }
        )
    return records


COST_FIELDS = [
    "provider", "client", "sessions_requested", "sessions_covered", "leftover_sessions", "total",
    "per_session", "due_at_signup", "prices_as_of", "pricing", "purchases", "payments", "first_due",
    "last_due", "notes",
]  # fmt: skip


def _runs(result: CostResult) -> list[tuple[Any, int, Any]]:
    """Consecutive purchases of the same plan at the same charge: ``(plan, count, charged)``."""
    runs: list[list[Any]] = []
    for p in result.purchases:
        if runs and runs[-1][0] is p.plan and runs[-1][2] == p.charged:
            runs[-1][1] += 1
        else:
            runs.append([p.plan, 1, p.charged])
    return [(plan, count, charged) for plan, count, charged in runs]


def cost_summary(result: CostResult) -> dict[str, Any]:
    """A cost without its payment-by-payment detail: the row of ``cost --format csv``
    and the default record of ``batch``. Runs of the same purchase are counted."""
    runs = [
        {"plan": plan.id, "count": count, "sessions": plan.sessions, "charged": money_str(charged)}
        for plan, count, charged in _runs(result)
    ]
    schedule = result.schedule
    return {
        **_cost_head(result),
        "pricing": result.pricing,
        "purchases": runs,
        "payments": len(schedule),
        "first_due": _d(schedule[0].due) if schedule else None,
        "last_due": _d(schedule[-1].due) if schedule else None,
        "notes": list(result.notes),
    }


def cost_csv(summary: dict[str, Any]) -> dict[str, Any]:
    """A summary with its purchases as text: ``transformation (792.00); continuation x3 (79.00)``."""
    return {
        **summary,
        "purchases": [
            f"{p['plan']}{' x' + str(p['count']) if p['count'] > 1 else ''} ({p['charged']})"
            for p in summary["purchases"]
        ],
    }


def cost_table(results: Iterable[CostResult]) -> TableView:
    """One result in detail, or a row per N (purchases counted by plan, so a long
    range stays readable); results are consumed one at a time."""
    rows: list[list[str]] = []
    dates: set[date | None] = set()
    first: CostResult | None = None
    for r in results:
        if first is None:
            first = r
        purchases = "\n".join(
            plan.name + (f" × {count}" if count > 1 else "") + f" ({money_display(charged)})"
            for plan, count, charged in _runs(r)
        )
        rows.append([
            str(r.sessions_requested), _int(r.sessions_covered), money_display(r.total), money_display(_per(r)),
            money_display(r.due_at_signup), purchases or UNKNOWN,
        ])  # fmt: skip
        dates.add(r.prices_as_of)
    assert first is not None, "at least one result"
    if len(rows) == 1:
        return _cost_single(first)
    return TableView(
        columns=[Column("Sessions", number=True), Column("Covered", number=True), Column("Total", number=True),
                 Column("Per session", number=True), Column("Due at sign-up", number=True),
                 Column("Purchases")],
        rows=rows,
        title=f"{first.provider.name}: cost for a {first.client} client (prices as of {first.as_of})",
        caption=_caption(list(dates)),
    )  # fmt: skip


def _int(value: int | None) -> str:
    return UNKNOWN if value is None else str(value)


def _per(result: CostResult) -> Any:
    return None if result.per_session is None else round_cents(result.per_session)


def _cost_single(r: CostResult) -> TableView:
    purchases = [
        [f"{p.plan.name}" + (f"\nroute: {p.plan.route}" if p.plan.route else "")
         + (" (insurance)" if p.insured else ""),
         p.client, str(p.plan.sessions), money_display(p.charged), _show_date(p.observation.as_of),
         p.observation.source]
        for p in r.purchases
    ] or [["no published price", "", "", UNKNOWN, "", ""]]  # fmt: skip
    summary_line = (
        f"Total {money_display(r.total)} for {_int(r.sessions_covered)} sessions "
        f"({money_display(_per(r))} per session; {r.leftover_sessions or 0} left over); "
        f"due at sign-up {money_display(r.due_at_signup)}"
    )
    view = TableView(
        columns=[Column("Purchase"), Column("Client"), Column("Sessions", number=True),
                 Column("Price", number=True), Column("Price as of", number=True), Column("Source")],
        rows=purchases,
        title=f"{r.provider.name}: {r.sessions_requested} sessions for a {r.client} client",
        caption=_caption([r.prices_as_of], summary_line),
    )  # fmt: skip
    if r.schedule:
        view.sections.append((
            f"Payment schedule from {r.start}",
            TableView(
                columns=[Column("Due", number=True), Column("Amount", number=True), Column("For")],
                rows=[[p.due.isoformat(), money_display(p.amount),
                       p.plan + (" (terms not published: one payment)" if p.assumed else "")]
                      for p in r.schedule],
            ),
        ))  # fmt: skip
    return view


# --------------------------------------------------------------- history


HISTORY_FIELDS = [
    "provider", "plan", "plan_name", "sessions", "client", "route", "kind", "as_of", "price", "per_session",
    "installments", "pay_in_full_discount", "source", "tier", "note",
]  # fmt: skip


def history_records(catalog: Catalog, provider: Provider) -> list[dict[str, Any]]:
    rows = []
    for plan in provider.plans:
        for kind, observations in (("self-pay", plan.prices), ("insurance", plan.insurance_prices)):
            for obs in _oldest_first(observations):
                inst = obs.installments
                rows.append({
                    "schema_version": SCHEMA_VERSION, "provider": provider.id, "plan": plan.id,
                    "plan_name": plan.name, "sessions": plan.sessions, "client": plan.client,
                    "route": plan.route, "kind": kind, "currency": CURRENCY, "as_of": _d(obs.as_of),
                    "price": money_str(obs.price), "per_session": money_str(obs.price / plan.sessions),
                    "installments": f"{inst.count} x {money_str(inst.amount)}" if inst else None,
                    "pay_in_full_discount": money_str(obs.pay_in_full_discount), "source": obs.source,
                    "tier": catalog.sources[obs.source].tier, "note": obs.note,
                })  # fmt: skip
    return rows


def history_table(provider: Provider, records: list[dict[str, Any]]) -> TableView:
    rows = [
        [f"{r['plan_name']}" + (f"\n{r['route']}" if r["route"] else "") + ("\n(insurance)" if r["kind"] == "insurance" else ""),
         str(r["sessions"]), money_display(_money(r["price"])), money_display(_money(r["per_session"])),
         (r["installments"] or UNKNOWN).replace(" x ", " × "), f"{r['as_of']}\n{r['source']} ({r['tier']})"]
        for r in records
    ]  # fmt: skip
    return TableView(
        columns=[Column("Plan"), Column("Sessions", number=True), Column("Price", number=True),
                 Column("Per session", number=True), Column("Installments"), Column("Observed (tier)")],
        rows=rows or [["no published prices", "", UNKNOWN, UNKNOWN, UNKNOWN, ""]],
        title=f"{provider.name}: price history, oldest first",
        caption=_caption([_date(r["as_of"]) for r in records]),
    )  # fmt: skip


# --------------------------------------------------------------- states and eligibility


def availability_record(catalog: Catalog, a: Availability) -> dict[str, Any]:
    return {
        "availability": a.status,
        "availability_reason": a.reason,
        "availability_source": a.source,
        "availability_as_of": _d(a.as_of),
        "availability_tier": a.tier,
        "availability_official": a.official,
        "in_clinic": a.in_clinic.services if a.in_clinic else None,
    }


def _avail_text(a: Availability) -> str:
    text = a.status
    if a.source:
        official = "" if a.official else ", unofficial"
        text += f"\n({_show_date(a.as_of)}, tier {a.tier}{official})"
    return text


STATE_FIELDS = [
    "provider", "state", "state_name", "availability", "availability_reason", "availability_source",
    "availability_as_of", "availability_tier", "in_clinic",
]  # fmt: skip


def state_records(catalog: Catalog, items: list[Availability]) -> list[dict[str, Any]]:
    return [
        {"schema_version": SCHEMA_VERSION, "provider": a.provider.id, "state": a.state,
         "state_name": STATES[a.state], **availability_record(catalog, a)}
        for a in items
    ]  # fmt: skip


def states_table(provider: Provider, items: list[Availability]) -> TableView:
    rows = [
        [f"{a.state} {STATES[a.state]}", _avail_text(a), a.reason + (f"\nin-clinic: {a.in_clinic.services}" if a.in_clinic else ""),
         a.source or UNKNOWN]
        for a in items
    ]  # fmt: skip
    counts = {s: sum(1 for a in items if a.status == s) for s in ("available", "unavailable", "unknown")}
    return TableView(
        columns=[Column("State"), Column("Availability"), Column("Why"), Column("Source", nowrap=True)],
        rows=rows,
        title=f"{provider.name}: availability by state",
        caption=_caption(
            [a.as_of for a in items],
            f"{counts['available']} available, {counts['unavailable']} unavailable, {counts['unknown']} unknown",
        ),
    )  # fmt: skip


ELIGIBILITY_FIELDS = [
    "provider", "name", "state", "availability", "availability_reason", "availability_source",
    "availability_as_of", "availability_tier", "in_clinic", "insurers",
]  # fmt: skip


def eligibility_records(
    catalog: Catalog, rows: list[tuple[Availability, tuple[str, ...] | None]]
) -> list[dict[str, Any]]:
    return [
        {"schema_version": SCHEMA_VERSION, "provider": a.provider.id, "name": a.provider.name, "state": a.state,
         **availability_record(catalog, a), "insurers": list(ins) if ins is not None else None}
        for a, ins in rows
    ]  # fmt: skip


def eligibility_table(state: str, rows: list[tuple[Availability, tuple[str, ...] | None]]) -> TableView:
    table_rows = [
        [a.provider.name, _avail_text(a),
         ("none listed" if ins == () else ", ".join(ins)) if ins is not None else UNKNOWN,
         a.in_clinic.services if a.in_clinic else UNKNOWN]
        for a, ins in rows
    ]  # fmt: skip
    return TableView(
        columns=[Column("Provider"), Column("Availability"), Column("Insurers accepted"),
                 Column("In-clinic")],
        rows=table_rows,
        title=f"Who serves {state} ({STATES[state]})",
        caption=_caption([a.as_of for a, _ in rows]),
    )  # fmt: skip


# --------------------------------------------------------------- compare


def _consult_fee(row: CompareRow) -> Decimal | None:
    """The newest consultation charge's amount (0: free; None: not published)."""
    charge = row.provider.charge_at("consult", row.as_of)
    return charge.amount if charge is not None else None


def compare_record(catalog: Catalog, result: CompareResult, row: CompareRow) -> dict[str, Any]:
    consult = row.consult.value if row.consult else None
    record: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "provider": row.provider.id,
        "name": row.provider.name,
        "status": row.status.value if row.status else None,
        "state": result.query.state,
    }
    if row.availability is not None:
        record.update(availability_record(catalog, row.availability))
    else:
        record.update({"availability": None, "in_clinic": None})
    record.update({
        "currency": CURRENCY,
        "plans": [
            {"plan": p.plan.id, "name": p.plan.name, "sessions": p.plan.sessions, "client": p.plan.client,
             "billing": p.plan.billing, "route": p.plan.route, "price": money_str(p.observation.price),
             "per_session": money_str(p.observation.price / p.plan.sessions), "as_of": _d(p.observation.as_of)}
            for p in row.plans
        ],
        "client": "returning" if result.query.returning else "new",
        "sessions_requested": result.query.sessions,
        "sessions_covered": row.cost.sessions_covered if row.cost else None,
        "total": money_str(row.total),
        "per_session": money_str(row.per_session),
        "due_at_signup": money_str(row.due_at_signup),
        "consult_fee": money_str(_consult_fee(row)),
        "consult_prepayment": consult.prepayment if consult else None,
        "insurance": row.insurance.value if row.insurance else None,
        "insurers": list(row.insurers) if row.insurers is not None else None,
        "hsa_fsa": _value(row.hsa_fsa),
        "sitter_required": _value(row.sitter_required),
        "routes": _value(row.routes),
        "dose_flexibility": _value(row.dose_flexibility),
        "trd_suitability": _value(row.trd_suitability),
        "as_of": _d(row.data_as_of),
        "notes": list(row.cost.notes) if row.cost else [],
    })  # fmt: skip
    return record


COMPARE_FIELDS = [
    "provider", "name", "status", "state", "availability", "availability_as_of", "availability_tier",
    "in_clinic", "client", "sessions_requested", "sessions_covered", "total", "per_session", "due_at_signup",
    "consult_fee", "insurance", "insurers", "hsa_fsa", "sitter_required", "routes", "dose_flexibility",
    "trd_suitability", "as_of", "plans",
]  # fmt: skip


def compare_csv(record: dict[str, Any]) -> dict[str, Any]:
    return {**record, "plans": [f"{p['plan']} {p['sessions']} for {p['price']}" for p in record["plans"]]}


def _cost_cell(row: CompareRow) -> str:
    if row.cost is not None:
        c = row.cost
        if c.total is None:
            return f"{UNKNOWN}\nnot\npublished"
        lines = [money_display(c.total), f"{money_display(_per(c))} each"]
        if c.leftover_sessions:
            lines.append(f"covers {c.sessions_covered}")
        return "\n".join(lines)
    if not row.plans:
        return f"{UNKNOWN}\nnot\npublished"
    return "\n".join(
        f"{p.plan.sessions}: {money_display(p.observation.price)}"
        + ("/mo" if p.plan.billing == "monthly" and p.observation.installments is None else "")
        for p in row.plans
    )


def _signup_cell(row: CompareRow) -> str:
    consult = row.consult.value if row.consult else None
    amount = _consult_fee(row)
    if consult is not None and consult.prepayment == "first-installment":
        fee = "prepaid*"
    elif amount is None:
        fee = UNKNOWN
    else:
        fee = "free" if amount == 0 else money_display(amount)
    return f"{money_display(row.due_at_signup)}\nconsult:\n{fee}"


def _care_cell(row: CompareRow, state: str | None) -> str:
    insurance = _yes_no(_value(row.insurance))
    if row.insurers:
        insurance += f" ({len(row.insurers)} in {state})"
    elif state and row.insurers == ():
        insurance += f" (none in {state})"
    return (
        f"sitter: {_yes_no(_value(row.sitter_required))}\n"
        f"insurance: {insurance}\n"
        f"HSA/FSA: {_yes_no(_value(row.hsa_fsa))}"
    )


def _dosing_cell(row: CompareRow) -> str:
    flex = _value(row.dose_flexibility)
    trd = _value(row.trd_suitability)
    lines = [_yes_no(_value(row.routes))]
    if flex is not None:
        lines.append(f"flexibility: {flex.split(':')[0].lower()}")
    if trd is not None:
        lines.append(f"TRD: {trd}")
    return "\n".join(lines)


def _availability_cell(a: Availability | None) -> str:
    if a is None:
        return UNKNOWN
    lines = [a.status]
    if a.source:
        lines.append(f"tier {a.tier}")
        if not a.official:
            lines.append("unofficial")
        lines.append(_show_date(a.as_of))
    if a.in_clinic:
        lines.append("+ in-clinic")
    return "\n".join(lines)


def compare_table(result: CompareResult) -> TableView:
    q = result.query
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
        status = row.status.value if row.status else UNKNOWN
        name = row.provider.name + ("" if status == "operating" else f"\n({status})")
        cells = [f"{name}\ndata {_show_date(row.data_as_of)}"]
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
        caption=_caption(result.data_dates, ". ".join(extra)),
    )
