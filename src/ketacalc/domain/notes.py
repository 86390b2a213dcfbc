"""What an answer says besides its figures, kept as data: a kind, the figures, the source.

Pure core code. The core never writes a note's sentence: it records *what* the
reader must know (a promo ends, a charge is estimated, payment terms are unknown)
with the figures and the source that back it, and :mod:`ketacalc.output.notes`
turns each kind into words. So a script can pick notes by kind, a sentence is
worded in one place, and every view (table, JSON, HTML, chart) says the same.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum


class Kind(StrEnum):
    """Every kind of note, each worded once in :data:`ketacalc.output.notes.SENTENCES`."""

    # insurance
    INSURANCE = "insurance"
    NO_INSURERS_PUBLISHED = "no-insurers-published"
    NO_INSURERS_IN_STATE = "no-insurers-in-state"
    INSURER_NOT_LISTED = "insurer-not-listed"
    NO_INSURANCE_PRICE = "no-insurance-price"
    # the prices used, and quotes beside them
    PROMO_PRICE = "promo-price"
    PROMO_CHARGE = "promo-charge"
    STARTING_PRICE = "starting-price"
    PRICE_NOTE = "price-note"
    QUOTED_FROM = "quoted-from"
    PAY_IN_FULL_QUOTE = "pay-in-full-quote"
    PAY_IN_FULL_DISPUTED = "pay-in-full-disputed"
    NO_PAY_IN_FULL_DISCOUNT = "no-pay-in-full-discount"
    PROMO_DISCOUNT = "promo-discount"
    PLAN_CONDITION = "plan-condition"
    OTHER_CONDITION = "other-condition"  # the same course without the plans for some people only
    # plans and routes
    SAME_PRICE_EVERY_ROUTE = "same-price-every-route"
    NO_RETURNING_PLAN = "no-returning-plan"
    OTHER_ROUTES = "other-routes"
    # when and how it is paid
    TERMS_UNKNOWN = "terms-unknown"
    PAID_AT_PURCHASE = "paid-at-purchase"
    FIRST_PAYMENT_AT_CHECKOUT = "first-payment-at-checkout"
    PACE_ASSUMED = "pace-assumed"
    PACE_NOT_FOR_DOSES = "pace-not-for-doses"  # a pace asked for a course of daily doses
    MONTHLY_BILLING = "monthly-billing"
    # charges beside the plans
    ESTIMATED_CHARGE = "estimated-charge"
    HIRED_SITTER = "hired-sitter"
    HIRED_SITTER_UNPUBLISHED = "hired-sitter-unpublished"
    SITTER_REQUIRED = "sitter-required"  # a sitter required and one to hire priced, not asked for
    UNPRICED_CHARGE = "unpriced-charge"
    COST_NOTE = "cost-note"  # the data file's own note on a provider's costs
    # no price
    NO_PRICE = "no-price"
    # availability in a state: why (words for a table cell, not sentences)
    CLOSED = "closed"
    ON_LIST = "on-list"
    NOT_ON_COMPLETE_LIST = "not-on-complete-list"
    NO_STATES_PUBLISHED = "no-states-published"
    LIST_CHANGED = "list-changed"
    NOT_ON_PARTIAL_LIST = "not-on-partial-list"
    ONLY_A_COUNT = "only-a-count"
    # why compare leaves a provider out (a caption's words)
    LEFT_OUT_CLOSED = "left-out-closed"
    LEFT_OUT_NO_ROUTE = "left-out-no-route"
    LEFT_OUT_UNAVAILABLE = "left-out-unavailable"
    LEFT_OUT_SITTER = "left-out-sitter"
    LEFT_OUT_INSURANCE_UNKNOWN = "left-out-insurance-unknown"
    LEFT_OUT_NO_INSURANCE = "left-out-no-insurance"
    LEFT_OUT_DUE_AT_SIGNUP = "left-out-due-at-signup"
    # what stopping costs: the rule a stop point rests on
    REFUND_RULE = "refund-rule"  # the policy's own words
    REFUND_UNPUBLISHED = "refund-unpublished"
    USED_UP = "used-up"  # the purchase is used up; the next one's rule, if any
    NOTICE = "notice"  # before the consultation: the notice given
    # compare and curves
    NOT_SESSIONS = "not-sessions"
    NOT_LISTED = "not-listed"
    NOT_RANKED_LOW_DOSE = "not-ranked-low-dose"
    NOT_RANKED_ESTIMATED = "not-ranked-estimated"
    LOW_DOSE_DRAWN = "low-dose-drawn"  # a month of daily low doses drawn beside sessions' months
    NOT_RANKED_NOT_SERVING = "not-ranked-not-serving"  # not known to serve the state asked for
    ROUTE_DRAWN = "route-drawn"  # a curve drawn on the provider's standard route, others priced apart
    NOT_DRAWN = "not-drawn"
    LOW_DOSE_NOT_DRAWN = "low-dose-not-drawn"
    ESTIMATED_APART = "estimated-apart"
    CONDITIONS_DRAWN = "conditions-drawn"  # a line on plans for some people only, where cheaper
    COST_UNKNOWN_FOR = "cost-unknown-for"
    SELF_PAY_PRICES = "self-pay-prices"


class Note:
    """One thing the reader must know: its ``kind``, its figures (money as
    ``Decimal``, dates as ``date``; read as attributes) and, where a source says
    it, the ``source`` and the date it was observed (``as_of``).

    Notes compare and hash by value, so an answer lists each once."""

    __slots__ = ("as_of", "figures", "kind", "source", "_key")

    def __init__(
        self, kind: Kind, /, *, source: str | None = None, as_of: date | None = None, **figures: object
    ):
        self.kind = kind
        self.source = source
        self.as_of = as_of
        self.figures = figures
        self._key = (kind, source, as_of, tuple(figures.items()))

    def __getattr__(self, name: str) -> object:
        if name == "figures" or name.startswith("_"):  # not set yet (a copy being made)
            raise AttributeError(name)
        try:
            return self.figures[name]
        except KeyError:
            raise AttributeError(name) from None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Note) and self._key == other._key

    def __hash__(self) -> int:
        return hash(self._key)

    def __repr__(self) -> str:
        figures = "".join(f", {k}={v!r}" for k, v in self.figures.items())
        said = (f", source={self.source!r}" if self.source else "") + (
            f", as_of={self.as_of!r}" if self.as_of else ""
        )
        return f"Note({self.kind.value!r}{figures}{said})"
