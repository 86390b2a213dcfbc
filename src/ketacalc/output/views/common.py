"""What every report shares: the JSON conventions, captions and cell texts.

Every record carries ``schema_version``; money is a string with two decimals
(``"2862.00"``) and unknown is ``null``; dates are ``YYYY-MM-DD``. Tables print
unknown values as ``—`` and say so in their caption.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from ketacalc.money import NOT_PUBLISHED, money_display, money_str, round_cents
from ketacalc.output.notes import (
    NO_STATE_CHECKED,
    availability_label,
    counted,
    rule_summary,
    sentence,
    warning_text,
)

if TYPE_CHECKING:
    from ketacalc.data.catalog import Catalog, Fact, PriceObs
    from ketacalc.domain.eligibility import Availability, StateSummary
    from ketacalc.output.tableview import TableView

CURRENCY = "USD"
DISCLAIMER = "ketacalc prices and filters; it is not medical advice."
UNKNOWN_NOTE = f"{NOT_PUBLISHED} = not published"


class Report:
    """Base of every command's report: ``records()`` for JSON, ``rows()`` with
    ``FIELDS`` for CSV/TSV, ``table()`` for people (see :mod:`ketacalc.output.formats`)."""

    FIELDS: ClassVar[Sequence[str]] = ()
    single = False
    compact = False

    def records(self) -> Iterable[dict[str, Any]]:  # pragma: no cover - every report defines it
        raise NotImplementedError

    def rows(self) -> Iterator[dict[str, Any]]:
        return (flat_regulation(r) for r in self.records())

    def table(self) -> TableView:  # pragma: no cover - every report defines it
        raise NotImplementedError


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def show_date(day: date | None) -> str:
    return day.isoformat() if day else "undated"


def cents(value: Decimal | None) -> Decimal | None:
    """A per-session figure as shown: rounded half-up to the cent."""
    return None if value is None else round_cents(value)


def count_text(value: int | None) -> str:
    return NOT_PUBLISHED if value is None else str(value)


def source_record(catalog: Catalog, source_id: str) -> dict[str, Any]:
    s = catalog.sources[source_id]
    return {"id": s.id, "title": s.title, "url": s.url, "date": iso(s.date), "tier": s.tier}


def fact_value(fact: Fact[Any] | None) -> Any:
    """A fact's value in JSON form (consultation terms as a mapping, lists as lists)."""
    if fact is None:
        return None
    value = fact.value
    if hasattr(value, "_asdict"):  # a record such as the consultation terms
        return {k: money_str(v) if isinstance(v, Decimal) else v for k, v in value._asdict().items()}
    if isinstance(value, tuple):
        return list(value)
    return value


def fact_record(fact: Fact[Any]) -> dict[str, Any]:
    return {"value": fact_value(fact), "as_of": iso(fact.as_of), "source": fact.source, "note": fact.note}


def yes_no(value: Any) -> str:
    if value is None:
        return NOT_PUBLISHED
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(value) or NOT_PUBLISHED
    return str(value)


def price_cells(label: str, sessions: int, obs: PriceObs, observed: str) -> list[str]:
    """One dated price as a table row: plan, sessions, price, per session, installments, observed."""
    inst = obs.installments
    return [
        label,
        str(sessions),
        money(obs.price),
        money(obs.price / sessions),
        f"{inst.count} × {money(inst.amount)}" if inst else NOT_PUBLISHED,
        observed,
    ]


def plan_unit(plans: Iterable[Any]) -> str:
    """``dose`` where every plan is of daily low doses, else ``session``: what the plans count."""
    kinds = {p.modality for p in plans}
    return "dose" if kinds == {"daily-low-dose"} else "session"


def price_table(
    rows: list[list[str]],
    observed: str,
    title: str | None = None,
    caption: str | None = None,
    unit: str = "session",
) -> TableView:
    """The table of dated prices ``show`` and ``history`` share (``unit``: ``dose`` for daily low doses)."""
    from ketacalc.output.tableview import Column, TableView

    return TableView(
        columns=[
            Column("Plan"),
            Column(f"{unit.capitalize()}s", number=True),
            Column("Price", number=True),
            Column(f"Per {unit}", number=True, priority=2),
            Column("Installments", priority=1),
            Column(observed),
        ],
        rows=rows or [["no published prices", "", NOT_PUBLISHED, NOT_PUBLISHED, NOT_PUBLISHED, ""]],
        title=title,
        caption=caption,
    )


def states_text(s: StateSummary) -> str:
    if s.complete:
        return f"{s.known} (complete list)"
    if s.count is None and not s.known:
        return NOT_PUBLISHED
    said = f"{s.count}{'+' if s.count_is_minimum else ''}" if s.count is not None else "?"
    return f"{s.known} listed of {said}"


def caption(dates: Iterable[date | None], extra: str = "") -> str:
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


def availability_record(a: Availability | None, regulation: Iterable[Any] | None = None) -> dict[str, Any]:
    """Where the provider serves the state asked for: every key always present (null without a
    state), and the rules on the course's dates (``regulation``: default, the availability's own;
    without a state, the federal ones the answer gives)."""
    if a is None:
        return {**dict.fromkeys(_AVAILABILITY_KEYS), "regulation": regulation_records(regulation or ())}
    return {
        "availability": a.status,
        "availability_reason": sentence(a.reason),
        "availability_source": a.source,
        "availability_as_of": iso(a.as_of),
        "availability_tier": a.tier,
        "availability_official": a.official,
        "availability_old_list": a.old,
        "in_clinic": a.in_clinic.services if a.in_clinic else None,
        "regulation": regulation_records(a.regulation if regulation is None else regulation),
    }


def regulation_records(entries: Iterable[Any]) -> list[dict[str, Any]]:
    """The rules on the course's dates (``domain.regulation.RuleEntry``), for JSON."""
    return [
        {
            "id": e.id,
            "jurisdiction": e.jurisdiction,
            # "caution": the state's own rule is not known (not a rule in force); else the
            # data file's kind of rule
            "kind": e.kind,
            "summary": rule_summary(e),
            # the day its effect starts (a flexibility's: the day after its recorded end); null
            # for a rule in force since a day the data does not give
            "effect_from": iso(e.begins) if e.begins != date.min else None,
            "affects_from": iso(e.affects_from),
            "source": e.source,
            "as_of": iso(e.as_of),
            "tier": e.tier,
            "course_start": iso(e.course.start),
            "course_end": iso(e.course.end),
            "course_assumed": e.course.assumed,
        }
        for e in entries
    ]


def flat_regulation(record: dict[str, Any]) -> dict[str, Any]:
    """A record for CSV/TSV: its ``regulation`` entries as their one-line summaries."""
    if record.get("regulation"):
        return {**record, "regulation": [r["summary"] for r in record["regulation"]]}
    return record


_AVAILABILITY_KEYS = ("availability", "availability_reason", "availability_source", "availability_as_of",
                      "availability_tier", "availability_official", "availability_old_list", "in_clinic")  # fmt: skip


def availability_text(a: Availability, day: date | None = None) -> str:
    """The status, the list's date and tier, and ``stale list`` where that list is older
    than the default ``--max-age`` before ``day`` (as compare marks it, as a price that old)."""
    text = availability_label(a)
    if a.source:
        official = "" if a.official else ", unofficial"
        text += f"\n({show_date(a.as_of)}, tier {a.tier}{official})"
        if stale_list(a, day):
            text += "\nstale list"
    return text


def stale_list(a: Availability, day: date | None) -> bool:
    """Whether the state list ``a`` rests on is older than the default ``--max-age`` before ``day``."""
    from ketacalc.domain.course import DEFAULT_MAX_AGE, stale_before

    return day is not None and a.as_of is not None and a.as_of < stale_before(day, DEFAULT_MAX_AGE)


def stale_list_line(day: date) -> str:
    """What ``stale list`` means, for a caption."""
    from ketacalc.domain.course import DEFAULT_MAX_AGE

    return f"stale list: the state list is more than {DEFAULT_MAX_AGE} days older than {day}"


def rule_lines(in_force: Iterable[Any], state: str | None) -> list[str]:
    """A headline's rules: the state's, then the federal ones, a line each; they bind every
    provider alike. A course assumed (none asked for) is named once, as the JSON names it."""
    entries = list(in_force)
    lines = []
    for label, place in ((f"{state} rule", state), ("Federal rule", "US")):
        rules = [e for e in entries if place and e.jurisdiction == place]
        if rules:
            course = rules[0].course
            assumed = (
                f" (for a course started {course.start}, assumed to run to {course.end})"
                if course.assumed and not lines
                else ""
            )
            cited = "; ".join(dict.fromkeys(f"{e.source}, {e.as_of}" for e in rules))
            lines.append(f"{label}{assumed}: {warning_text(rules)} ({cited}).")
    ended = next((e for e in entries if e.past_end), None)
    if ended is not None:  # old data says it is old: past its recorded end, an extension is unknown
        lines.append(
            f"{ended.name} ended {ended.begins - timedelta(days=1)} as last recorded "
            f"({ended.source}, {ended.as_of}): check whether they were extended."
        )
    return lines


def state_rule_lines(in_force: Iterable[Any], state: str | None) -> list[str]:
    """:func:`rule_lines`, and without a state, that state rules were not checked (no state
    asked for is not a state without a rule)."""
    return rule_lines(in_force, state) + ([NO_STATE_CHECKED] if state is None else [])


def disputed_text(facts: Iterable[Any]) -> str:
    """Each side of a disputed fact with its source and date: "yes (innerbody-2025,
    2025-06-13) vs no (ketcare-compare-2026, 2026-05-05)"."""
    return " vs ".join(f"{yes_no(f.value)} ({f.source}, {show_date(f.as_of)})" for f in facts)


def condition_line(notes: Iterable[Any]) -> str | None:
    """A headline's word on a total that rests on a plan for some people only (Better U's
    Introduction): "That total is on Introduction, for those …; for others, Transformation:
    $792.00." None when the course's ``notes`` name no such plan."""
    from ketacalc.domain.notes import Kind

    notes = tuple(notes)
    on = next((n for n in notes if n.kind == Kind.PLAN_CONDITION), None)
    other = next((n for n in notes if n.kind == Kind.OTHER_CONDITION), None)
    if on is None or other is None:
        return None
    instead = f", {other.other_plan}" if other.other_plan else ""
    return f"That total is on {' and '.join(other.plans)}, {on.condition}; for others{instead}: {money(other.total)}."


def money(value: Decimal | None) -> str:
    return money_display(value)


def either(low: Decimal, high: Decimal) -> str:
    """Two figures a rung gives ("$450.00 or $615.00" owed, the refund of each), or one where
    both come to the same."""
    return money(low) if low == high else f"{money(low)} or {money(high)}"


def price_age(day: date | None, as_of: date) -> str:
    """`` (prices from 2025-06-13, 17 months old)``: how old the oldest price used is."""
    if day is None:
        return ""
    months = (as_of.year - day.year) * 12 + as_of.month - day.month - (as_of.day < day.day)
    old = f", {counted(months, 'month')} old" if months > 0 else ""
    return f" (prices from {day.isoformat()}{old})"


def payment_for(result: Any, pay: Any) -> str:
    """What a payment of ``result``'s schedule is for, by name: the plan bought ("18-Session
    Treatment", "(insured)" when it is), or the charge ("Initial consultation"); never the
    data file's ids ("new-18", "initial-consultation") a person does not know."""
    if 0 <= pay.purchase < len(result.purchases):
        bought = result.purchases[pay.purchase]
        return bought.plan.name + (" (insured)" if bought.insured else "")
    for line in result.charges:
        if line.id == pay.plan:
            return line.description
    return pay.plan


def charge_need(required: bool, per: str) -> str:
    """Whether a charge is paid: ``required``; ``when it applies`` for one on an event (a
    late-cancellation fee, an add-on bought: not all are a choice); else ``optional``."""
    if required:
        return "required"
    return "when it applies" if per == "event" else "optional"
