"""Notes into words: the one place a note's sentence is written.

The core records each note as data (:class:`ketacalc.domain.notes.Note`: a kind,
its figures, its source); :func:`sentence` words it, for every view alike (the
table's notes on stderr, JSON's ``notes``, the HTML report, the chart). The HTML
report is read by someone who never ran the command: where a sentence names an
option (``set --pace``), :data:`ON_THE_PAGE` words it for the page. A new kind
of note is a member of :class:`~ketacalc.domain.notes.Kind` and one entry here;
a test fails when a kind has no sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from ketacalc.domain.notes import Kind, Note
from ketacalc.money import money_display

if TYPE_CHECKING:
    from ketacalc.domain.eligibility import Availability
    from ketacalc.domain.regulation import RuleEntry


def said(source: str | None, as_of: date | None) -> str:
    """Where and when a figure was said: ``source, 2026-05-01``."""
    return f"{source}, {as_of.isoformat()}" if as_of else f"{source}, undated"


def sourced(text: str, source: str | None, as_of: date | None) -> str:
    """``Paying in full saves $100 (review-2025, 2025-06-13).``: a note of the data file with
    where and when it was said, as the report gives every figure's."""
    if not source:
        return text
    end = "." if text.endswith(".") else ""
    return f"{text.removesuffix('.')} ({said(source, as_of)}){end}"


def _promo_terms(regular: Decimal | None, ends: date | None) -> str:
    """``regular $796.00; no end date given``: what is known of a promo figure."""
    parts = [f"regular {money_display(regular)}"] if regular is not None else []
    parts.append(f"until {ends.isoformat()}" if ends else "no end date given")
    return "; ".join(parts)


def promo_label(regular: Decimal | None, ends: date | None) -> str:
    """``limited-time promo (regular $796.00)``: how a promo figure is labelled wherever it shows."""
    return f"limited-time promo ({_promo_terms(regular, ends)})"


def first_months(n: int) -> str:
    """``first month``, ``first 3 months``: a course of the first M months (never "first 1 month")."""
    return "first month" if n == 1 else f"first {counted(n, 'month')}"


def per_text(per: str) -> str:
    """``30 days``, ``session``: a charge's period in words (the data's ``30-days``)."""
    return per.replace("-", " ")


def counted(n: int | Decimal, word: str) -> str:
    """``1 session``, ``6 sessions``, ``1.5 sessions``, ``0 months``: a count and its noun,
    in every view alike (a decimal without trailing zeros: ``1.0`` is ``1 session``)."""
    number = _n(n) if isinstance(n, Decimal) else str(n)
    return f"{number} {word}{'' if n == 1 else 's'}"


def ranges(counts: Iterable[int]) -> str:
    """``[1, 2, 3, 7]`` -> ``"1–3, 7"``."""
    ordered = list(counts)
    parts: list[str] = []
    start = prev = ordered[0]
    for n in [*ordered[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(f"{start}" if start == prev else f"{start}–{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(parts)


def _listed(on: date | None) -> str:
    return f"(insurer list of {on.isoformat()})" if on else "(undated insurer list)"


def _n(value: Decimal) -> str:
    """A count or an hour figure without trailing zeros: ``1.5``, ``2``."""
    return f"{value.normalize():f}"


def _terms_unknown(n: Note) -> str:
    if n.last_count is None:
        before = "no payment terms were ever published for it"
    else:
        before = (
            f"the last published terms were {n.last_count} × {money_display(n.last_amount)} "
            f"for {money_display(n.last_price)} ({said(n.last_source, n.last_as_of)})"
        )
    return (
        f"{n.plan}: the price {money_display(n.price)} ({said(n.source, n.as_of)}) was published without payment "
        f"terms, so what is due at sign-up and when each payment falls are unknown; {before}."
    )


def _other_routes(n: Note) -> str:
    where = f" ({said(n.source, n.as_of)})" if n.source else ""
    unit = counted(n.count, "month" if n.unit == "months" else "session")
    costs = ", ".join(
        f"{route} {money_display(total)}" if total is not None else f"{route} has no price"
        for route, total in n.costs
    )
    return (
        f"Priced on {n.route}, {n.provider}'s standard route{where}; the route is yours to choose with "
        "your clinician. "
        f"For the same {unit}: {costs}."
    )


def _other_condition(n: Note) -> str:
    unit = counted(n.count, "month" if n.unit == "months" else "session")
    one = n.count == 1
    if n.total is None:
        cost = f"{'has' if one else 'have'} no published price"
    else:
        cost = f"{'costs' if one else 'cost'} {money_display(n.total)}"
    if n.other_plan is None:
        return f"Without {' and '.join(n.plans)}, the same {unit} {cost}."
    return f"{n.provider}'s {n.other_plan} is {n.condition} ({said(n.source, n.as_of)}): for them the same {unit} {cost}."


def _unpriced(n: Note) -> str:
    why = (
        "no figure published" if n.per is None else f"charged per {per_text(n.per)}: not counted in a course"
    )
    return f"{n.item} ({n.charge}) is required but {why}; it is in no total."


def _not_drawn(n: Note) -> str:
    why = (
        " ".join(sentence(r) for r in n.reasons) or f"{n.provider} publishes no prices; the cost is unknown."
    )
    return f"Not drawn: {why}"


def _low_dose(n: Note) -> str:
    if n.plans is None:
        return (
            f"Not drawn: {n.provider} sells daily low-dose plans billed by the month, not "
            "standard-dose sessions, so it has no place on a sessions axis."
        )
    return f"{n.provider}'s daily low-dose plans ({', '.join(n.plans)}) are not drawn."


def _used_up(n: Note) -> str:
    if n.monthly:
        return "the month's purchase is used up" + "".join(f"; {q}" for q in n.next_rules)
    text = "the purchase is used up; nothing more is bought"
    return text + ("; the next appointment: " + "; ".join(n.next_rules) if n.next_rules else "")


def _on_list(n: Note) -> str:
    kind = "complete list" if n.complete else "partial list"
    old = f" (an old list: {n.old_note})" if n.old and n.old_note else (" (an old list)" if n.old else "")
    return f"on the {kind}{old}"


def _pace_assumed(n: Note, how: str) -> str:
    return (
        f"Assumes {counted(n.pace, 'session')} a week{how}: the course's dates follow "
        "from it, and each later purchase starts when the previous one's sessions are used up."
    )


def _sitter_required(n: Note, how: str) -> str:
    return (
        f"{n.provider} requires a sitter at each session ({said(n.required_source, n.required_as_of)}): a friend "
        "or relative, or one "
        f"hired at {money_display(n.low)}–{money_display(n.high)} an hour ({said(n.source, n.as_of)}), about "
        f"{counted(n.hours, 'hour')} for this course: an estimate of {money_display(n.estimate_low)}–"
        f"{money_display(n.estimate_high)}, not in the total{how}."
    )


def _route_drawn(n: Note, others: str) -> str:
    return f"{n.provider}: drawn on {n.route}, its standard route; the route is yours to choose with your clinician ({others})."


def _conditions_drawn(n: Note, others: str) -> str:
    return (
        f"{n.provider}: each point is its cheapest course, which may rest on a plan for some people "
        f"only ({'; '.join(f'{plan} is {who}' for plan, who in n.plans)}); {others}."
    )


#: each kind of note, worded once
SENTENCES: dict[Kind, Callable[[Note], str]] = {
    Kind.INSURANCE: lambda n: (
        f"Insurance: {n.insurer} in {n.state} {_listed(n.list_as_of)}; the insured price is the source's "
        "figure: what you pay depends on your plan (deductible, copay), so ask the provider and your insurer."
    ),
    Kind.NO_INSURERS_PUBLISHED: lambda n: (
        f"{n.provider} does not accept insurance ({said(n.source, n.as_of)}); self-pay prices are used."
        if n.figures.get("none")
        else f"{n.provider} publishes no accepted insurers; self-pay prices are used."
    ),
    Kind.NO_INSURERS_IN_STATE: lambda n: (
        f"{n.provider} lists no accepted insurers in {n.state} {_listed(n.list_as_of)}; self-pay prices are used."
    ),
    Kind.INSURER_NOT_LISTED: lambda n: (
        f"{n.provider} does not list {n.insurer!r} in {n.state} {_listed(n.list_as_of)}; self-pay prices are used."
    ),
    Kind.NO_INSURANCE_PRICE: lambda n: (
        f"No insurance price is published for {', '.join(n.plans)}; self-pay prices are used there."
    ),
    Kind.PROMO_PRICE: lambda n: (
        f"{n.item}: a promo price ("
        + (f"until {n.ends.isoformat()}" if n.ends else "no end date given")
        + f"; {said(n.source, n.as_of)})."
    ),
    Kind.PROMO_CHARGE: lambda n: (
        f"{n.item}: a limited-time promo price ({_promo_terms(n.regular, n.ends)}; {said(n.source, n.as_of)})."
    ),
    Kind.STARTING_PRICE: lambda n: f"{n.item}: a 'from' price; it may cost more.",
    Kind.PRICE_NOTE: lambda n: f"{n.item} ({said(n.source, n.as_of)}): {n.text}",
    Kind.QUOTED_FROM: lambda n: (
        f"{n.plan} is quoted 'from {money_display(n.quoted)}' ({said(n.source, n.as_of)}); "
        + (
            # a 'from' figure is a floor: a price used below it is older than what it says
            f"the price used, {money_display(n.charged)}, is below that floor: it may be out of date."
            if n.quoted > n.charged
            else f"the price used is {money_display(n.charged)}."
        )
    ),
    Kind.PAY_IN_FULL_QUOTE: lambda n: (
        f"A source quotes {money_display(n.quoted)} for {n.plan} ({said(n.source, n.as_of)}), taken as its pay-in-full "
        f"price; the installment price {money_display(n.charged)} is charged here (pay in full to price it)."
    ),
    Kind.PAY_IN_FULL_DISPUTED: lambda n: (
        f"A source gives {money_display(n.quoted)} as the pay-in-full price of {n.plan} ({said(n.source, n.as_of)}); "
        f"the published discount gives {money_display(n.charged)}."
    ),
    Kind.NO_PAY_IN_FULL_DISCOUNT: lambda n: (
        f"{n.plan} is billed month by month and no source offers paying it at once: its monthly "
        "payments are shown."
        if n.figures.get("monthly")
        else f"No pay-in-full discount is published for {n.plan}; the full price is shown."
    ),
    Kind.PROMO_DISCOUNT: lambda n: (
        f"A promo discount of {money_display(n.discount)} is taken off the first purchase"
        + (
            ", from its earliest installments: an assumption, as no source says how a code is "
            "split across installments, so what is due at sign-up may differ."
            if n.figures.get("split")
            else "."
        )
    ),
    Kind.PLAN_CONDITION: lambda n: (
        f"{n.provider}'s {n.plan} is {n.condition} ({said(n.source, n.as_of)}); this price rests on it."
    ),
    Kind.SAME_PRICE_EVERY_ROUTE: lambda n: f"{n.provider}'s prices do not differ by delivery route.",
    Kind.NO_RETURNING_PLAN: lambda n: (
        f"{n.provider} lists no plan for returning clients; new-client plans are used for them."
    ),
    Kind.OTHER_ROUTES: _other_routes,
    Kind.OTHER_CONDITION: _other_condition,
    Kind.TERMS_UNKNOWN: _terms_unknown,
    Kind.PAID_AT_PURCHASE: lambda n: (
        f"{n.provider}'s own terms: each purchase is paid in full when made ({said(n.source, n.as_of)})."
    ),
    Kind.FIRST_PAYMENT_AT_CHECKOUT: lambda n: sourced(
        f"{n.provider} charges the first payment at checkout, before the consultation"
        + (", and refunds it if you are found ineligible" if n.refunded_if_ineligible else "")
        + ".",
        n.source,
        n.as_of,
    ),
    Kind.PACE_ASSUMED: lambda n: _pace_assumed(n, " (set --pace)"),
    Kind.PACE_NOT_FOR_DOSES: lambda n: (
        f"The pace asked for ({counted(n.pace, 'session')} a week) does not apply to daily low doses: "
        "they are dated one a day, whatever the pace."
    ),
    Kind.MONTHLY_BILLING: lambda n: (
        "Monthly plans are bought month by month; each month's payment is due on the same day."
    ),
    Kind.ESTIMATED_CHARGE: lambda n: (
        f"{n.item}: estimated at {money_display(n.each_low)}–{money_display(n.each_high)} "
        f"per {n.per.replace('-', ' ')} × {n.count} over {counted(n.days, 'day')} of care; "
        "in the low and high totals only."
    ),
    Kind.HIRED_SITTER: lambda n: (
        f"A hired sitter at {money_display(n.low)}–{money_display(n.high)} an hour ({said(n.source, n.as_of)}) for "
        f"{counted(n.hours, 'hour')}: an estimate of {money_display(n.estimate_low)}–{money_display(n.estimate_high)}, "
        "in the low and high totals only."
    ),
    Kind.SITTER_REQUIRED: lambda n: _sitter_required(
        n, " (--hired-sitter adds it to the low and high totals)"
    ),
    Kind.HIRED_SITTER_UNPUBLISHED: lambda n: (
        f"{n.provider} does not require a sitter ({said(n.source, n.as_of)}): no hired sitter is priced."
        if n.figures.get("required") is False
        else f"A hired sitter's cost is not published for {n.provider}; it is in no total."
    ),
    Kind.UNPRICED_CHARGE: _unpriced,
    Kind.COST_NOTE: lambda n: sourced(n.text, n.source, n.as_of),  # whose words, and when
    Kind.NO_PRICE: lambda n: n.reason + (f" ({n.fix})." if n.fix else "."),
    Kind.NOT_SESSIONS: lambda n: (
        f"{n.provider} sells {n.modality} treatment by the month, not standard-dose "
        f"sessions: it has no {n.sessions}-session total; compare the first months instead."
    ),
    # what stopping costs
    Kind.REFUND_RULE: lambda n: (
        f"{n.text}; here {(n.share * 100).normalize():f}% of {n.plan}'s {money_display(n.price)}"
        if "share" in n.figures
        else n.text
    ),
    Kind.REFUND_UNPUBLISHED: lambda n: "not published",
    Kind.USED_UP: _used_up,
    Kind.NOTICE: lambda n: f"less than {n.hours} h notice" if n.late else f"{n.hours} h notice or more",
    # availability
    Kind.CLOSED: lambda n: "closed" + (f": {n.text.rstrip('.')}" if n.text else ""),
    Kind.ON_LIST: _on_list,
    Kind.NOT_ON_COMPLETE_LIST: lambda n: f"not on the complete list of {n.states} states",
    Kind.NO_STATES_PUBLISHED: lambda n: "no list of states published",
    Kind.LIST_CHANGED: lambda n: "not on the last complete list, but a newer count says the list has changed",
    Kind.NOT_ON_PARTIAL_LIST: lambda n: "not on a partial list",
    Kind.ONLY_A_COUNT: lambda n: "only a count of states is published",
    # why compare leaves a provider out
    Kind.LEFT_OUT_CLOSED: lambda n: "closed",
    Kind.LEFT_OUT_NO_ROUTE: lambda n: f"no {n.route} route",
    Kind.LEFT_OUT_UNAVAILABLE: lambda n: f"unavailable in {n.state}",
    Kind.LEFT_OUT_SITTER: lambda n: "sitter required or not published",
    Kind.LEFT_OUT_INSURANCE_UNKNOWN: lambda n: "insurance unknown: nothing published",
    Kind.LEFT_OUT_NO_INSURANCE: lambda n: "no insurance accepted" + (f" in {n.state}" if n.state else ""),
    Kind.LEFT_OUT_DUE_AT_SIGNUP: lambda n: f"due at sign-up above ${n.limit:,.2f} or not published",
    Kind.NOT_LISTED: lambda n: (
        f"{len(n.providers)} not listed ({sentence(n.reason)}: {', '.join(n.providers)})."
    ),
    Kind.NOT_DRAWN: _not_drawn,
    Kind.NOT_RANKED_LOW_DOSE: lambda n: f"{n.provider} ({not_ranked_reason(n)})",
    Kind.NOT_RANKED_ESTIMATED: lambda n: f"{n.provider} ({not_ranked_reason(n)})",
    Kind.LOW_DOSE_DRAWN: lambda n: (
        f"{n.provider}: daily low-dose plans, a different treatment: drawn, never ranked against sessions."
    ),
    Kind.NOT_RANKED_NOT_SERVING: lambda n: f"{n.provider} ({not_ranked_reason(n)})",
    Kind.ROUTE_DRAWN: lambda n: _route_drawn(n, f"--route {' or '.join(n.others)} prices it"),
    Kind.LOW_DOSE_NOT_DRAWN: _low_dose,
    Kind.ESTIMATED_APART: lambda n: (
        f"{n.provider}: {' and '.join(n.charges)} estimated apart, not in the drawn total."
    ),
    Kind.CONDITIONS_DRAWN: lambda n: _conditions_drawn(n, "'ketacalc cost' gives the others' price"),
    Kind.COST_UNKNOWN_FOR: lambda n: f"{n.provider}: cost unknown for {ranges(n.counts)} {n.unit}.",
    Kind.SELF_PAY_PRICES: lambda n: (
        f"{n.provider}: self-pay prices" + (" for part of the course." if n.partly else ".")
    ),
}


#: the words of a note on the page a person shares (the report), read by someone who never
#: ran the command: a kind whose sentence names an option or a command says what it means,
#: and the data file's own note on costs says where and when it was said, as every figure there
ON_THE_PAGE: dict[Kind, Callable[[Note], str]] = {
    Kind.PACE_ASSUMED: lambda n: _pace_assumed(n, ""),
    Kind.SITTER_REQUIRED: lambda n: _sitter_required(n, ""),
    Kind.ROUTE_DRAWN: lambda n: _route_drawn(n, f"its {' and '.join(n.others)} plans are not drawn"),
    Kind.CONDITIONS_DRAWN: lambda n: _conditions_drawn(n, "the others' price is not drawn"),
}


def rule_summary(e: RuleEntry) -> str:
    """A rule that may affect the course, in one sentence, with its dates."""
    where = "" if e.jurisdiction == "US" else f"In {e.jurisdiction}, "
    if e.kind == "flexibility" and e.past_end:
        # past its recorded end: the data cannot say whether it was extended since its record
        ended = (e.begins - timedelta(days=1)).isoformat()
        text = (
            f"{e.name}: ended {ended} as last recorded ({e.source}, {e.as_of.isoformat()}), unless "
            f"extended since (check it); {e.effect} from {e.begins.isoformat()}"
        )
    elif e.kind == "flexibility":
        ended = (e.begins - timedelta(days=1)).isoformat()
        text = (
            f"{e.name}: in force through {ended}; {e.effect} from {e.begins.isoformat()} "
            "unless the rule is extended"
        )
    elif e.kind == "caution":  # its effect says what is not known: its name adds nothing
        text, where = f"{where}{e.effect}", ""
    else:
        text = f"{where}{e.effect} ({e.name})"
        where = ""
    if e.course.assumed:
        text += f" (for a course started {e.course.start.isoformat()}, assumed to run to {e.course.end.isoformat()})"
    return f"{where}{text[0].upper()}{text[1:]}."


#: a headline without a state: the state's own rules were not checked, which is not "none"
NO_STATE_CHECKED = (
    "State rules not checked: give --state for a state's own rule (some require an in-person visit)."
)


def rule_cited(e: RuleEntry) -> str:
    """:func:`rule_summary` with its source and date, once (a flexibility past its recorded
    end cites them in its own words already)."""
    text = rule_summary(e)
    return text if e.past_end else sourced(text, e.source, e.as_of)


def rule_short(e: RuleEntry) -> str:
    """The table's words, with the date the rule's effect starts: ``in-person visit may be
    required from 2027-01-01``; for a course begun on or after it, ``since 2027-01-01`` (the
    whole course, then: the course's first day would read as the day the rule changes)."""
    if e.kind != "flexibility":
        return e.short
    return f"{e.short} {'since' if e.begins <= e.course.start else 'from'} {e.begins.isoformat()}"


def state_first(entries: Iterable[RuleEntry]) -> list[RuleEntry]:
    """The entries with a state's own first (Alabama's, in force now, before the federal
    flexibilities' end), each side in its order."""
    return sorted(entries, key=lambda e: e.jurisdiction == "US")


def warning_text(entries: Iterable[RuleEntry]) -> str:
    """The entries' table words in one line, a state's own first."""
    return "; ".join(dict.fromkeys(rule_short(e) for e in state_first(entries)))


def serving_phrase(a: Availability) -> str:
    """What an availability that is not "available" means for the person, as a predicate:
    ``is not known to serve AL`` ("is unknown in AL" read as if the provider were unknown),
    ``does not serve AL``, ``has closed``."""
    if a.reason.kind == Kind.CLOSED:
        return "has closed"
    if a.status == "unavailable":
        return f"does not serve {a.state}"
    return f"is not known to serve {a.state}"


def not_ranked_reason(n: Note) -> str:
    """Why a chart line is not ranked, without its provider's name (a legend entry names it):
    ``not known to serve NY``, ``medication only estimated``."""
    if n.kind == Kind.NOT_RANKED_LOW_DOSE:
        return "daily low-dose plans: a different treatment"
    if n.kind == Kind.NOT_RANKED_ESTIMATED:
        return f"{' and '.join(n.charges)} only estimated"
    return f"{'not known to serve' if n.status == 'unknown' else 'does not serve'} {n.state}"


def availability_label(a: Availability) -> str:
    """The status in words, with what a rule on the course's dates may require:
    ``available — in-person visit may be required from 2027-01-01`` (not a caution that the
    state's own rule is not known: the headline gives it). A provider that does not
    serve the state carries no rule (the answer has none); a closed one is said to be closed."""
    if a.reason.kind == Kind.CLOSED:
        return "closed"
    status = f"{a.status} (old list)" if a.old else a.status
    # a caution (the state's own rule not known) binds every provider alike: the headline
    # says it once, a row does not repeat it
    rules = [e for e in a.regulation if not e.caution]
    return f"{status} — {warning_text(rules)}" if rules else status


def sentence(note: Note, *, page: bool = False) -> str:
    """The note in words; on the shared ``page``, in its words where they differ (no option named)."""
    words = ON_THE_PAGE.get(note.kind) if page else None
    return (words or SENTENCES[note.kind])(note)


#: notes already worded, by identity and audience (a pricer hands the same note objects to
#: many courses: ``batch`` words each once); the note is kept with its words so its id stays its own
_WORDED: dict[tuple[int, bool], tuple[Note, str]] = {}


def sentences(notes: Iterable[Note], *, page: bool = False) -> list[str]:
    """Each note in words, in order, each sentence once (``page``: as :func:`sentence`)."""
    worded = _WORDED
    said: dict[str, None] = {}
    for note in notes:
        known = worded.get((id(note), page))
        if known is None or known[0] is not note:
            if len(worded) >= 1024:
                worded.clear()
            known = worded[id(note), page] = (note, sentence(note, page=page))
        said[known[1]] = None
    return list(said)


def series_label(name: str, notes: Iterable[Note], *, page: bool = False) -> str:
    """``Isha Health — medication estimated apart, not in the drawn total.``: a chart legend's
    entry, its notes without the provider's name they start with (it is named once)."""
    said = [s.removeprefix(f"{name}: ") for s in sentences(notes, page=page)]
    said = said[:1] + [s[:1].upper() + s[1:] for s in said[1:]]  # after the first, each a sentence
    return f"{name} — {' '.join(said)}" if said else name
