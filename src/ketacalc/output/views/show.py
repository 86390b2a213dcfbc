"""``show``: everything known about one provider, each figure with its source and date."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from ketacalc.data.catalog import newest
from ketacalc.domain.compare import RATINGS, is_opinion, own_word_first
from ketacalc.domain.notes import Kind, Note
from ketacalc.money import NOT_PUBLISHED, money_str
from ketacalc.output.notes import per_text, promo_label, sentence
from ketacalc.output.tableview import Column, TableView
from ketacalc.output.views.common import (
    CURRENCY,
    Report,
    caption,
    charge_need,
    either,
    fact_record,
    fact_value,
    iso,
    money,
    plan_unit,
    price_cells,
    price_table,
    show_date,
    source_record,
    yes_no,
)
from ketacalc.version import SCHEMA_VERSION

if TYPE_CHECKING:
    from ketacalc.data.catalog import Catalog, Charge, Fact, PriceObs, Provider
    from ketacalc.domain.answers import ProviderFacts

#: the provider's facts, in the order shown, with their labels
FACT_GROUPS = (
    ("status", "Status"), ("consult", "Consultation"), ("insurance", "Accepts insurance"),
    ("hsa_fsa", "HSA/FSA"), ("sitter_required", "Sitter required"), ("id_verification", "ID verification"),
    ("integration", "Integration support"), ("starter_kit", "Starter kit"), ("routes", "Delivery route"),
    ("dose_flexibility", "Dose flexibility"), ("trd_suitability", "TRD suitability"),
    ("cost_notes", "Cost note"), ("notes", "Note"),
)  # fmt: skip
#: facts whose observations are separate notes, never newer and older answers to one question
INDEPENDENT = frozenset({"cost_notes", "notes"})


def oldest_first(observations: Sequence[Any]) -> list[Any]:
    return sorted(observations, key=lambda o: o.as_of or date.min)


def price_record(obs: PriceObs, sessions: int, in_force: bool) -> dict[str, Any]:
    inst = obs.installments
    return {
        "as_of": iso(obs.as_of),
        "price": money_str(obs.price),
        "per_session": money_str(obs.price / sessions),
        "installments": {"count": inst.count, "amount": money_str(inst.amount)} if inst else None,
        "pay_in_full_discount": money_str(obs.pay_in_full_discount),
        "source": obs.source,
        "note": obs.note,
        "current": in_force,
    }


class ShowReport(Report):
    FIELDS = ("provider", "section", "item", "value", "as_of", "source", "current", "disputed", "note")
    single = True

    def __init__(self, catalog: Catalog, answer: ProviderFacts) -> None:
        self.catalog = catalog
        self.provider = answer.provider
        self.as_of = answer.as_of
        self.states = answer.states

    def _facts(self, key: str) -> list[tuple[Fact[Any], bool]]:
        """A fact's observations, oldest first, each marked if it is in force: the newest of
        its fact, or any of independent notes (which never supersede one another)."""
        facts = getattr(self.provider, key)
        if key in INDEPENDENT:
            return [(fact, fact.as_of is None or fact.as_of <= self.as_of) for fact in oldest_first(facts)]
        if key in RATINGS:  # the provider's own word first, then a third party's opinion
            now = own_word_first(facts, self.as_of, self.catalog.sources)
            return [(fact, fact is now) for fact in oldest_first(facts)]
        # a disputed fact has no answer in force: compare says "disputed", never the newest side
        now = None if self.disputed(key) else newest(facts, self.as_of)
        return [(fact, fact is now) for fact in oldest_first(facts)]

    def disputed(self, key: str) -> bool:
        from ketacalc.data.catalog import ENUMERATED_FACTS, disputed

        return key in ENUMERATED_FACTS and bool(
            disputed(getattr(self.provider, key), self.as_of, self.catalog.sources)
        )

    def records(self) -> Iterator[dict[str, Any]]:
        p, s = self.provider, self.states
        record: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "provider": p.id,
            "name": p.name,
            "website": p.website,
            "aliases": list(p.aliases),
            "currency": CURRENCY,
            "as_of": iso(self.as_of),
        }
        for key, _label in FACT_GROUPS:
            record[key] = [{**fact_record(f), "current": now} for f, now in self._facts(key)]
            if key in RATINGS:
                for item, (f, _now) in zip(record[key], self._facts(key), strict=True):
                    item["opinion"] = is_opinion(f, self.catalog.sources)
        record["disputed"] = [key for key, _label in FACT_GROUPS if self.disputed(key)]
        record["states"] = {
            "listed": s.known,
            "complete": s.complete,
            "stated_count": s.count,
            "count_is_minimum": s.count_is_minimum,
            "observations": [
                {
                    "codes": sorted(o.codes),
                    "complete": o.complete,
                    "count": o.count,
                    "count_is_minimum": o.count_is_minimum,
                    "as_of": iso(o.as_of),
                    "source": o.source,
                    "note": o.note,
                }
                for o in oldest_first(p.states)
            ],
        }
        record["in_clinic"] = [
            {"states": list(c.states), "services": c.services, "as_of": iso(c.as_of), "source": c.source}
            for c in p.in_clinic
        ]
        record["insurers"] = [
            {
                "by_state": {k: list(v) for k, v in i.by_state.items()},
                "as_of": iso(i.as_of),
                "source": i.source,
            }
            for i in p.insurers
        ]
        record["plans"] = [
            {
                "id": plan.id,
                "name": plan.name,
                "sessions": plan.sessions,
                "client": plan.client,
                "billing": plan.billing,
                "route": plan.route,
                **{
                    kind: [
                        price_record(o, plan.sessions, in_force) for o, in_force in self._prices(plan, kind)
                    ]
                    for kind in ("prices", "insurance_prices")
                },
                "modality": plan.modality,
                # who a source says the plan is for (Better U's Introduction: the last year)
                "conditions": [
                    {"condition": c.condition, "source": c.source, "as_of": iso(c.as_of), "note": c.note}
                    for c in self._conditions(plan)
                ],
                "quotes": [
                    {**price_record(o, plan.sessions, False), "kind": o.kind}
                    for o in oldest_first(plan.quotes)
                ],
            }
            for plan in p.plans
        ]
        record["charges"] = [charge_record(c) for c in p.charges]
        # what stopping costs, rung by rung in the provider's words, and what a hired sitter costs
        record["refund_policy"] = [
            {
                "plans": list(r.plans),
                "self_pay_only": r.self_pay_only,
                "steps": [
                    {
                        "stage": t.stage,
                        "after_sessions": t.after_sessions,
                        "through_sessions": t.through_sessions,
                        "notice_hours": t.notice_hours,
                        "late": t.late,
                        "refund": t.refund,
                        "owed": money_str(t.owed),
                        "owed_low": money_str(t.owed_low),
                        "owed_high": money_str(t.owed_high),
                        "owed_share": str(t.owed_share) if t.owed_share is not None else None,
                        "quote": t.quote,
                    }
                    for t in r.steps
                ],
                "as_of": iso(r.as_of),
                "source": r.source,
                "note": r.note,
            }
            for r in oldest_first(p.refund_policy)
        ]
        record["hired_sitter"] = [
            {
                "low": money_str(o.low),
                "high": money_str(o.high),
                "first_session_hours": _hours(o.first_session_hours),
                "later_session_hours": _hours(o.later_session_hours),
                "as_of": iso(o.as_of),
                "source": o.source,
                "note": o.note,
            }
            for o in oldest_first(p.hired_sitter)
        ]
        # the rules as the data file holds them (their spans), not a course's entries: its own
        # key and shape, apart from the other commands' ``regulation``
        record["rules"] = [
            {
                "id": rule.id,
                "jurisdiction": rule.jurisdiction,
                "states": self._covered(rule),
                "kind": rule.kind,
                "name": rule.name,
                "effect": rule.effect,
                "starts": iso(span.starts),
                "ends": iso(span.ends),
                "source": span.source,
                "as_of": iso(span.as_of),
            }
            for rule, span in self._rules()
        ]
        record["sources"] = [source_record(self.catalog, sid) for sid in p.source_ids()]
        yield record

    def _conditions(self, plan: Any) -> list[Any]:
        return [c for c in oldest_first(self.provider.plan_conditions) if c.plan == plan.id]

    def _prices(self, plan: Any, kind: str) -> list[tuple[PriceObs, bool]]:
        observations = getattr(plan, kind)
        now = newest(observations, self.as_of)
        return [(o, o is now) for o in oldest_first(observations)]

    def rows(self) -> Iterator[dict[str, Any]]:
        """Long format: one row per observation."""
        base = {"provider": self.provider.id}
        for key, _label in FACT_GROUPS:
            for fact, now in self._facts(key):
                value = fact_value(fact)
                if isinstance(value, dict):
                    value = ", ".join(f"{k}={v}" for k, v in value.items() if v is not None)
                yield {
                    **base,
                    "section": "fact",
                    "item": key,
                    **fact_record(fact),
                    "value": value,
                    "current": now,
                    "disputed": self.disputed(key),
                }
        for o in oldest_first(self.provider.states):
            yield {
                **base,
                "section": "states",
                "item": "complete list" if o.complete else "list",
                "value": " ".join(sorted(o.codes)) or f"count {o.count}",
                "as_of": iso(o.as_of),
                "source": o.source,
                "note": o.note,
            }
        for plan in self.provider.plans:
            for kind in ("prices", "insurance_prices"):
                for o, now in self._prices(plan, kind):
                    yield {
                        **base,
                        "section": kind,
                        "item": plan.id,
                        "value": money_str(o.price),
                        "as_of": iso(o.as_of),
                        "source": o.source,
                        "current": now,
                        "note": o.note,
                    }
        yield from self._more_rows(base)

    def _more_rows(self, base: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """The sections after the prices, a row each as the table shows them: charges,
        in-clinic care, insurers by state, refund rungs and a hired sitter's rate."""
        p = self.provider
        now = self._charges_in_force()
        for c in oldest_first(p.charges):
            amount = f"{money_str(c.low)}-{money_str(c.high)}" if c.low is not None else money_str(c.amount)
            said = f"{c.description} ({c.kind}, per {per_text(c.per)}, {charge_need(c.required, c.per)})"
            if c.price_kind == "promo":  # as the table labels it: a promo, its regular price, its end
                ended = c.ends is not None and c.ends < self.as_of
                said += f" {promo_label(c.regular, c.ends)}" + (" (promo ended)" if ended else "")
            elif c.price_kind != "regular":
                said += f" ({c.price_kind})"
            yield {
                **base,
                "section": "charges",
                "item": c.id,
                "value": amount,
                "as_of": iso(c.as_of),
                "source": c.source,
                "current": id(c) in now,
                "note": said + (f" {c.note}" if c.note else ""),
            }
        for c in p.in_clinic:
            yield {
                **base,
                "section": "in_clinic",
                "item": " ".join(c.states),
                "value": c.services,
                "as_of": iso(c.as_of),
                "source": c.source,
            }
        for o in oldest_first(p.insurers):
            for state, names in sorted(o.by_state.items()):
                yield {
                    **base,
                    "section": "insurers",
                    "item": state,
                    "value": "; ".join(names) or "none",
                    "as_of": iso(o.as_of),
                    "source": o.source,
                }
        for policy in oldest_first(p.refund_policy):
            plans = " ".join(policy.plans) or "every plan"
            for k, step in enumerate(policy.steps):
                yield {
                    **base,
                    "section": "refund_policy",
                    "item": f"{plans}: {_stage_text(step)}",
                    "value": _owed_value(step),
                    "as_of": iso(policy.as_of),
                    "source": policy.source,
                    "note": " ".join(
                        x
                        for x in (
                            step.quote,
                            policy.self_pay_only and "(self-pay only)",
                            k == 0 and policy.note,
                        )
                        if x
                    ),
                }
        for rule, span in self._rules():
            yield {
                **base,
                "section": "rules",
                "item": f"{rule.id} ({rule.jurisdiction})",
                "value": rule.effect,
                "as_of": iso(span.as_of),
                "source": span.source,
                "note": _span_words(rule.kind, span),
            }
        for o in oldest_first(p.hired_sitter):
            yield {
                **base,
                "section": "hired_sitter",
                "item": "hourly rate",
                "value": f"{money_str(o.low)}-{money_str(o.high)}",
                "as_of": iso(o.as_of),
                "source": o.source,
                "note": f"{_hours(o.first_session_hours)} h the first session, "
                f"{_hours(o.later_session_hours)} h each later one." + (f" {o.note}" if o.note else ""),
            }

    def table(self) -> TableView:
        p = self.provider
        facts, dates = [], []
        for key, label in FACT_GROUPS:
            for fact, now in self._facts(key):
                text = fact_text(key, fact, self.provider)
                if fact.note:
                    text += f"\n{fact.note}"
                mark = " (disputed)" if self.disputed(key) else ("" if now else " (older)")
                if key in RATINGS and is_opinion(fact, self.catalog.sources):
                    tier = (
                        self.catalog.sources[fact.source].tier if fact.source in self.catalog.sources else "?"
                    )
                    mark += f"\n(opinion of a tier {tier} site, not a fact)"
                facts.append([label + mark, text, f"{show_date(fact.as_of)}\n{fact.source}"])
                dates.append(fact.as_of)
        view = TableView(
            columns=[Column("Fact"), Column("Value"), Column("Observed")],
            rows=facts,
            title=f"{p.name} ({p.id})" + (f" — {p.website}" if p.website else ""),
            caption=caption(dates),
        )
        view.sections.append(("Plans and dated prices", self._plans_table()))
        if p.charges:
            view.sections.append(("Charges besides the plans", self._charges_table()))
        view.sections.append(("States", self._states_table()))
        if p.insurers:
            view.sections.append(("Insurers accepted, by state", self._insurers_table()))
        if p.refund_policy:
            view.sections.append(("Refund policies (what stopping costs)", self._refunds_table()))
        if p.hired_sitter:
            view.sections.append(("A hired sitter", self._sitter_table()))
        if self._rules():
            view.sections.append(
                ("Rules that may stop at-home treatment (federal, and its states')", self._rules_table())
            )
        view.sections.append(
            (
                "Sources (tier A: provider's own site; B: press; C: third party)",
                TableView(
                    columns=[Column("Source"), Column("Title")],
                    rows=[
                        [
                            f"{s.id}\ntier {s.tier}, {show_date(s.date)}",
                            s.title + (f"\n{s.url}" if s.url else ""),
                        ]
                        for s in (self.catalog.sources[sid] for sid in p.source_ids())
                    ],
                ),
            )
        )
        return view

    def _plans_table(self) -> TableView:
        rows = []
        for plan in self.provider.plans:
            for kind in ("prices", "insurance_prices"):
                for o, now in self._prices(plan, kind):
                    label = plan.name + (" (insurance)" if kind == "insurance_prices" else "")
                    label += f"\n{plan.client} clients" + (", monthly" if plan.billing == "monthly" else "")
                    if plan.route:
                        label += f"\nroute: {plan.route}"
                    for c in self._conditions(plan):
                        label += f"\nonly {c.condition} ({c.source}, {show_date(c.as_of)})"
                    if not now:
                        label += "\n(older price)"
                    rows.append(price_cells(label, plan.sessions, o, f"{iso(o.as_of)}\n{o.source}"))
            for o in oldest_first(plan.quotes):
                label = f"{plan.name}\n({o.kind.replace('_', '-')} quote: a note, never the price charged)"
                rows.append(price_cells(label, plan.sessions, o, f"{iso(o.as_of)}\n{o.source}"))
        return price_table(rows, "Observed", unit=plan_unit(self.provider.plans))

    def _charges_in_force(self) -> set[int]:
        """The ``id()`` of each charge in force for some client on the date: the newest
        observation of its charge id (as a course prices it); an older one is marked, as
        older plan prices and facts are."""
        from ketacalc.domain.charges import in_force

        charges = self.provider.charges
        return {id(c) for client in ("new", "returning") for c in in_force(charges, self.as_of, client)}

    def _charges_table(self) -> TableView:
        charges = self.provider.charges
        now = self._charges_in_force()
        rows = []
        for c in oldest_first(charges):
            if id(c) in now:
                mark = ""
            elif c.price_kind == "promo" and c.ends is not None and c.ends < self.as_of:
                mark = " (promo ended)"
            else:
                mark = " (older)"
            amount = money(c.amount) if c.amount is not None else NOT_PUBLISHED
            if c.low is not None:
                amount = f"{money(c.low)}–{money(c.high)}"
            rows.append(
                [
                    f"{c.description}{mark}\nkind: {c.kind}"  # a bare "fee" read as the description's end
                    + (
                        f", {promo_label(c.regular, c.ends)}"
                        if c.price_kind == "promo"
                        else (f", {c.price_kind}" if c.price_kind != "regular" else "")
                    ),
                    f"{amount}\nper {per_text(c.per)}",
                    charge_need(c.required, c.per),
                    f"{show_date(c.as_of)}\n{c.source}",
                ]
            )
        return TableView(
            columns=[
                Column("Charge"),
                Column("Amount", number=True),
                Column("Paid", priority=1),
                Column("Observed"),
            ],
            rows=rows,
        )

    def _insurers_table(self) -> TableView:
        """Each insurer list, a row a state, as its source lists them ("none" where it lists
        the state with no insurer)."""
        rows = [
            [state, "; ".join(names) or "none", f"{show_date(o.as_of)}\n{o.source}"]
            for o in oldest_first(self.provider.insurers)
            for state, names in sorted(o.by_state.items())
        ]
        return TableView(columns=[Column("State"), Column("Insurers"), Column("Observed")], rows=rows)

    def _refunds_table(self) -> TableView:
        """Each refund policy's rungs in the provider's words, with what they owe; the data
        file's note on the policy (a copy cut off, an older version) under its first rung."""
        rows = []
        for policy in oldest_first(self.provider.refund_policy):
            names = {plan.id: plan.name for plan in self.provider.plans}  # the names the plans table uses
            plans = ", ".join(names.get(pid, pid) for pid in policy.plans) or "every plan"
            if policy.self_pay_only:
                plans += "\n(self-pay only)"
            said = f"{plans}\n{policy.source}\n{show_date(policy.as_of)}"
            for k, step in enumerate(policy.steps):
                quote = step.quote + (f"\n{policy.note}" if k == 0 and policy.note else "")
                rows.append([said if k == 0 else "", _stage_text(step), _owed_text(step), quote])
        return TableView(
            columns=[Column("Plans, source"), Column("If you stop"), Column("Owed"), Column("Refund policy")],
            rows=rows,
        )

    def _sitter_table(self) -> TableView:
        rows = [
            [
                f"{money(o.low)}–{money(o.high)} an hour",
                f"{_hours(o.first_session_hours)} h the first session, {_hours(o.later_session_hours)} h each "
                "later one",
                (o.note or ""),
                f"{show_date(o.as_of)}\n{o.source}",
            ]
            for o in oldest_first(self.provider.hired_sitter)
        ]
        return TableView(
            columns=[Column("Rate"), Column("Hours"), Column("Note"), Column("Observed")], rows=rows
        )

    def _rules(self) -> list[tuple[Any, Any]]:
        """The rules, as known on the date, that may apply to a course with this provider: the
        federal ones, each listed state's own, and the caution for a listed state with none
        (worked out once: the table, JSON and CSV each ask)."""
        return self._rules_and_unruled[0]

    @functools.cached_property
    def _rules_and_unruled(self) -> tuple[list[tuple[Any, Any]], list[str]]:
        """:meth:`_rules`, and the listed states with no rule of their own known (the caution's)."""
        from ketacalc.data.fields import EVERY_OTHER_STATE

        listed = {code for o in self.provider.states for code in o.codes}
        own = {r.jurisdiction for r in self.catalog.regulation if r.span_at(self.as_of) is not None}
        unruled = sorted(listed - own)
        found = []
        for rule in self.catalog.regulation:
            span = rule.span_at(self.as_of)
            if span is None or (rule.kind == "flexibility" and span.ends is None):
                continue  # a flexibility with no end recorded: nothing stops (as rules_for reads it)
            if rule.jurisdiction == EVERY_OTHER_STATE:
                applies = bool(unruled)  # a listed state with no rule of its own known
            else:
                applies = rule.jurisdiction == "US" or rule.jurisdiction in listed
            if applies:
                found.append((rule, span))
        return found, unruled

    def _covered(self, rule: Any) -> list[str] | None:
        """The listed states a rule covers: its own state, the listed states with no rule of
        their own for the caution, or None for a federal rule (every state)."""
        from ketacalc.data.fields import EVERY_OTHER_STATE

        if rule.jurisdiction == "US":
            return None
        return self._rules_and_unruled[1] if rule.jurisdiction == EVERY_OTHER_STATE else [rule.jurisdiction]

    def _rules_table(self) -> TableView:
        from ketacalc.data.fields import EVERY_OTHER_STATE

        rows = []
        for rule, span in self._rules():
            covered = self._covered(rule)
            if rule.jurisdiction == EVERY_OTHER_STATE:
                where = "states with no rule recorded: " + " ".join(covered or [])
            else:
                where = "every state" if rule.jurisdiction == "US" else rule.jurisdiction
            if rule.kind == "flexibility" and self.as_of is not None and self.as_of > span.ends:
                when = (  # past its recorded end: when it was last recorded, and to check
                    f"ended {span.ends} as last recorded, unless extended since (check it); "
                    f"then: {rule.effect}"
                )
            elif rule.kind == "flexibility":
                when = f"in force through {span.ends}; then: {rule.effect}"
            elif rule.kind == "caution":
                when = rule.effect
            else:
                when = (f"since {span.starts}: " if span.starts else "") + rule.effect
            rows.append([f"{rule.name}\n({where})", when, f"{show_date(span.as_of)}\n{span.source}"])
        return TableView(columns=[Column("Rule"), Column("What it says"), Column("Observed")], rows=rows)

    def _states_table(self) -> TableView:
        rows = []
        for o in oldest_first(self.provider.states):
            what = "complete list" if o.complete else ("partial list" if o.codes else "count only")
            count = f"{o.count}{'+' if o.count_is_minimum else ''}" if o.count is not None else NOT_PUBLISHED
            text = " ".join(sorted(o.codes)) or NOT_PUBLISHED
            if o.note:
                text += f"\n{o.note}"
            rows.append([what, count, text, f"{show_date(o.as_of)}\n{o.source}"])
        for c in self.provider.in_clinic:
            rows.append(
                ["in-clinic", "", f"{' '.join(c.states)}: {c.services}", f"{show_date(c.as_of)}\n{c.source}"]
            )
        return TableView(
            columns=[Column("Kind"), Column("Count", number=True), Column("States"), Column("Observed")],
            rows=rows or [["no list published", NOT_PUBLISHED, NOT_PUBLISHED, ""]],
        )


def _span_words(kind: str, span: Any) -> str:
    """When a rule is in force, as the data gives it: a flexibility's span, after which its
    effect starts; a rule's start, if given."""
    if kind == "flexibility":
        begun = span.starts or "(start not given)"
        return (
            f"flexibility in force {begun} to {span.ends or '(no end given)'}: the effect from the day after"
        )
    return f"{kind}, in force " + (f"since {span.starts}" if span.starts else "(start not given)")


def _hours(hours: Any) -> str:
    """Hours as a person writes them: 3, 1.5 (never 3.00)."""
    return format(hours.normalize(), "f") if hasattr(hours, "normalize") else str(hours)


_STAGES = {
    "before-consult": "before the consultation",
    "after-consult": "after the consultation",
    "after-session": "after a session",
    "before-next": "before the next appointment",
}


def _stage_text(step: Any) -> str:
    """When a rung applies: "before the consultation (48 h notice or more)", "after session 1 to 3"."""
    text = _STAGES[step.stage]
    if step.stage == "after-session" and step.after_sessions is not None:
        last = step.through_sessions
        text = f"after session {step.after_sessions}" + (
            "" if last == step.after_sessions else (f" to {last}" if last is not None else " or later")
        )
    if step.notice_hours is not None:  # as the stop ledger words the notice
        text += f" ({sentence(Note(Kind.NOTICE, hours=step.notice_hours, late=step.late))})"
    return text


def _owed_text(step: Any) -> str:
    """What a rung owes, as it says it: a full refund, an amount, two figures or a share."""
    if step.refund == "full":
        return "nothing (full refund)"
    if step.refund == "none":
        return "everything (no refund)"
    if step.owed is not None:
        return money(step.owed)
    if step.owed_low is not None and step.owed_high is not None:
        return either(step.owed_low, step.owed_high)
    if step.owed_share is not None:
        return f"{step.owed_share * 100:.0f}% of the plan"
    return NOT_PUBLISHED


def _owed_value(step: Any) -> str | None:
    """What a rung owes in a spreadsheet's cell: "full refund", "no refund", "450.00",
    "450.00 or 615.00", "50% of the plan", or nothing (not published)."""
    if step.refund in ("full", "none"):
        return f"{'full' if step.refund == 'full' else 'no'} refund"
    if step.owed is not None or step.owed_low is None:
        return (
            money_str(step.owed) if step.owed_share is None else f"{step.owed_share * 100:.0f}% of the plan"
        )
    return f"{money_str(step.owed_low)} or {money_str(step.owed_high)}"


def charge_record(c: Charge) -> dict[str, Any]:
    return {
        "id": c.id,
        "kind": c.kind,
        "description": c.description,
        "amount": money_str(c.amount),
        "low": money_str(c.low),
        "high": money_str(c.high),
        "per": c.per,
        "required": c.required,
        "client": c.client,
        "price_kind": c.price_kind,
        "regular": money_str(c.regular),
        "ends": iso(c.ends),
        "as_of": iso(c.as_of),
        "source": c.source,
        "note": c.note,
    }


def fact_text(key: str, fact: Fact[Any], provider: Provider | None = None) -> str:
    value = fact.value
    if key == "consult":
        parts = []
        # the fee is a charge of kind consult: the one in force on the fact's date (audit 13)
        charge = provider.charge_at("consult", fact.as_of, "new") if provider is not None else None
        if charge is not None and charge.amount is not None:
            fee = "free" if charge.amount == 0 else f"fee {money(charge.amount)}"
            parts.append(fee + (" (a promo)" if charge.price_kind == "promo" else ""))
        if value.prepayment == "first-installment":
            parts.append("first payment charged before the consultation")
        if value.refundable_if_ineligible:
            parts.append("refunded if ineligible")
        return "; ".join(parts) or NOT_PUBLISHED
    return yes_no(value)
