"""What a cost says besides its figures: notes on prices, quotes, insurance and sign-up.

Pure core code; every note is a sentence a person can read, naming no command-line flag.
"""

from __future__ import annotations

from datetime import date

from ketacalc.data.catalog import Provider, newest
from ketacalc.domain.charges import ChargeLine
from ketacalc.domain.course import CostQuery, Run
from ketacalc.money import money_display
from ketacalc.vocab import match_insurer


def said(source: str, as_of: date | None) -> str:
    """Where and when a figure was said: ``source, 2026-05-01``."""
    return f"{source}, {as_of.isoformat()}" if as_of else f"{source}, undated"


def insurance_applies(provider: Provider, query: CostQuery, as_of: date) -> tuple[bool, str | None]:
    """Whether insurance prices apply, and a note saying why not when they don't."""
    if not query.insurer:
        return False, None
    listing = newest(provider.insurers, as_of)
    if listing is None:
        return False, f"{provider.name} publishes no accepted insurers; self-pay prices are used."
    state = query.state or ""
    names = listing.by_state.get(state)
    dated = f"(insurer list of {listing.as_of.isoformat()})" if listing.as_of else "(undated insurer list)"
    if not names:
        return (
            False,
            f"{provider.name} lists no accepted insurers in {state} {dated}; self-pay prices are used.",
        )
    matched = match_insurer(query.insurer, names)
    if matched is None:
        return False, (
            f"{provider.name} does not list {query.insurer!r} in {state} {dated}; self-pay prices are used."
        )
    return True, f"Insurance: {matched} in {state} {dated}."


def price_notes(runs: tuple[Run, ...], lines: tuple[ChargeLine, ...]) -> tuple[str, ...]:
    """The notes of the prices used (``not browser re-verified``), and promos, once each."""
    found: dict[str, None] = {}
    for r in runs:
        obs = r.offer.obs
        if obs.kind == "promo":
            ends = f"until {obs.ends.isoformat()}" if obs.ends else "no end date given"
            found[f"{r.offer.plan.name}: a promo price ({ends}; {said(obs.source, obs.as_of)})."] = None
        if obs.note:
            found[f"{r.offer.plan.name} ({said(obs.source, obs.as_of)}): {obs.note}"] = None
    for line in lines:
        if line.price_kind == "promo":
            from ketacalc.domain.charges import promo_label

            label = promo_label(line.regular, line.ends)
            found[f"{line.description}: a {label} price ({said(line.source, line.as_of)})."] = None
        if line.price_kind == "starting":
            found[f"{line.description}: a 'from' price; it may cost more."] = None
        if line.note:
            found[f"{line.description} ({said(line.source, line.as_of)}): {line.note}"] = None
    return tuple(found)


def quote_notes(runs: tuple[Run, ...], as_of: date) -> list[str]:
    """Starting and pay-in-full figures of the plans bought: quotes, never prices."""
    found = []
    for offer in dict.fromkeys(r.offer for r in runs):
        quote = newest(offer.plan.quotes, as_of)
        if quote is None:
            continue
        where = said(quote.source, quote.as_of)
        name = offer.plan.name
        if quote.kind == "starting":
            found.append(
                f"{name} is quoted 'from {money_display(quote.price)}' ({where}); "
                f"the price charged is {money_display(offer.obs.price)}."
            )
        elif not offer.pay_in_full:
            found.append(
                f"{money_display(quote.price)} is the pay-in-full price of {name} ({where}); the installment "
                f"price {money_display(offer.obs.price)} is charged here (pay in full to price it)."
            )
        elif quote.price != offer.charged:
            found.append(
                f"A source gives {money_display(quote.price)} as the pay-in-full price of {name} ({where}); "
                f"the published discount gives {money_display(offer.charged)}."
            )
    return found


def signup_notes(provider: Provider, query: CostQuery, as_of: date) -> list[str]:
    consult = newest(provider.consult, as_of)
    if consult is not None and consult.value.prepayment == "first-installment" and not query.returning:
        refund = (
            ", and refunds it if you are found ineligible" if consult.value.refundable_if_ineligible else ""
        )
        return [f"{provider.name} charges the first payment at checkout, before the consultation{refund}."]
    return []
