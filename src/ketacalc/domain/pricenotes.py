"""What a cost says besides its figures: notes on prices, quotes, insurance and sign-up.

Pure core code; every note is data (:class:`~ketacalc.domain.notes.Note`), worded
by the output layer.
"""

from __future__ import annotations

from datetime import date

from ketacalc.data.catalog import PlanCondition, Provider, newest
from ketacalc.domain.charges import ChargeLine
from ketacalc.domain.course import CostQuery, Run
from ketacalc.domain.notes import Kind, Note
from ketacalc.vocab import match_insurer


def condition_note(provider: Provider, cond: PlanCondition, plan_name: str) -> Note:
    """Who a plan is for, where a source says it is for some people only (Better U's
    Introduction: problems of the last year)."""
    return Note(
        Kind.PLAN_CONDITION,
        source=cond.source,
        as_of=cond.as_of,
        provider=provider.name,
        plan=plan_name,
        plan_id=cond.plan,
        condition=cond.condition,
    )


def insurance_applies(provider: Provider, query: CostQuery, as_of: date) -> tuple[bool, Note | None]:
    """Whether insurance prices apply, and a note saying why not when they don't."""
    if not query.insurer:
        return False, None
    listing = newest(provider.insurers, as_of)
    if listing is None:
        # a provider that says it takes no insurance says so, with its source (Mindbloom:
        # "does not accept insurance at this time"), never "publishes no accepted insurers"
        takes = newest(provider.insurance, as_of)
        if takes is not None and takes.value is False:
            return False, Note(
                Kind.NO_INSURERS_PUBLISHED,
                source=takes.source,
                as_of=takes.as_of,
                provider=provider.name,
                none=True,
            )
        return False, Note(Kind.NO_INSURERS_PUBLISHED, provider=provider.name)
    state = query.state or ""
    names = listing.by_state.get(state)
    if not names:
        return False, Note(
            Kind.NO_INSURERS_IN_STATE, provider=provider.name, state=state, list_as_of=listing.as_of
        )
    matched = match_insurer(query.insurer, names)
    if matched is None:
        return False, Note(
            Kind.INSURER_NOT_LISTED,
            provider=provider.name,
            insurer=query.insurer,
            state=state,
            list_as_of=listing.as_of,
        )
    return True, Note(Kind.INSURANCE, insurer=matched, state=state, list_as_of=listing.as_of)


def price_notes(runs: tuple[Run, ...], lines: tuple[ChargeLine, ...]) -> tuple[Note, ...]:
    """The notes of the prices used (``not browser re-verified``), and promos, once each."""
    found: dict[Note, None] = {}
    for r in runs:
        obs = r.offer.obs
        if obs.kind == "promo":
            found[
                Note(
                    Kind.PROMO_PRICE,
                    source=obs.source,
                    as_of=obs.as_of,
                    item=r.offer.plan.name,
                    ends=obs.ends,
                )
            ] = None
        if obs.note:
            found[
                Note(
                    Kind.PRICE_NOTE, source=obs.source, as_of=obs.as_of, item=r.offer.plan.name, text=obs.note
                )
            ] = None
    for line in lines:
        if line.price_kind == "promo":
            promo = Note(
                Kind.PROMO_CHARGE,
                source=line.source,
                as_of=line.as_of,
                item=line.description,
                regular=line.regular,
                ends=line.ends,
            )
            found[promo] = None
        if line.price_kind == "starting":
            found[Note(Kind.STARTING_PRICE, item=line.description)] = None
        if line.note:
            found[
                Note(
                    Kind.PRICE_NOTE,
                    source=line.source,
                    as_of=line.as_of,
                    item=line.description,
                    text=line.note,
                )
            ] = None
    return tuple(found)


def quote_notes(runs: tuple[Run, ...], as_of: date) -> list[Note]:
    """Starting and pay-in-full figures of the plans bought: quotes, never prices. A plan's
    quotes are of its self-pay price: an insured purchase has none (a $998 pay-in-full figure
    says nothing of a $650 insured price)."""
    found = []
    for offer in dict.fromkeys(r.offer for r in runs):
        quote = newest(offer.plan.quotes, as_of)
        if quote is None or offer.insured:
            continue
        said = {"source": quote.source, "as_of": quote.as_of, "plan": offer.plan.name, "quoted": quote.price}
        if quote.kind == "starting":
            found.append(Note(Kind.QUOTED_FROM, charged=offer.charged, **said))  # type: ignore[arg-type]
        elif not offer.pay_in_full:
            found.append(Note(Kind.PAY_IN_FULL_QUOTE, charged=offer.obs.price, **said))  # type: ignore[arg-type]
        elif quote.price != offer.charged:
            found.append(Note(Kind.PAY_IN_FULL_DISPUTED, charged=offer.charged, **said))  # type: ignore[arg-type]
    return found


def signup_notes(provider: Provider, query: CostQuery, as_of: date) -> list[Note]:
    consult = newest(provider.consult, as_of)
    if consult is not None and consult.value.prepayment == "first-installment" and not query.returning:
        return [
            Note(
                Kind.FIRST_PAYMENT_AT_CHECKOUT,
                source=consult.source,
                as_of=consult.as_of,
                provider=provider.name,
                refunded_if_ineligible=bool(consult.value.refundable_if_ineligible),
            )
        ]
    return []
