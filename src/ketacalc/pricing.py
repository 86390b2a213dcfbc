"""The pricing engine: the cheapest way to buy N sessions, and how it is paid.

Pure core code: ``Decimal`` money, no printing, no exiting.

A course of N sessions is a sequence of plan purchases covering at least N
sessions. A new client's first purchase must be a plan open to new clients;
every later purchase, and every purchase by a returning client, uses plans open
to returning clients (or, where a provider lists none, the new-client plans).
Among all such courses ketacalc picks the lowest total, then the most sessions
covered, then the fewest purchases.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from ketacalc.catalog import Catalog, Plan, PriceObs, Provider, newest
from ketacalc.money import ZERO

MAX_SESSIONS = 10_000
DEFAULT_PACE = Decimal(1)  # sessions a week; an assumption, stated with every schedule


# --------------------------------------------------------------- the optimiser


@dataclass(frozen=True, slots=True)
class Option:
    """Something that can be bought: a price for a number of sessions."""

    price: Decimal
    sessions: int


_SHIFT_TOTAL = 64
_SHIFT_COVERED = 32


def _weight(option: Option) -> int:
    # One integer whose order is (total, -covered, purchases) and which adds up
    # along a course, so the dynamic programme stays exact and fast: cents in
    # the high bits, minus sessions in the middle, one per purchase at the bottom.
    cents = int(option.price * 100)
    return (cents << _SHIFT_TOTAL) - (option.sessions << _SHIFT_COVERED) + 1


def _prune(options: Sequence[Option]) -> list[int]:
    """Indexes of options not dominated by another (as cheap and as large)."""
    keep: list[int] = []
    for i, a in enumerate(options):
        dominated = False
        for j, b in enumerate(options):
            if i == j:
                continue
            better_or_equal = b.price <= a.price and b.sessions >= a.sessions
            if better_or_equal and (b.price < a.price or b.sessions > a.sessions or j < i):
                dominated = True
                break
        if not dominated:
            keep.append(i)
    return keep


class Optimiser:
    """Cheapest courses over ``first`` options then ``later`` options, for many N.

    ``solve(n)`` returns the indexes chosen (first purchase first), or ``None``
    when nothing can be bought. The table of best courses is extended lazily and
    shared between calls, so a range of N costs one pass to the largest N.
    """

    def __init__(self, first: Sequence[Option], later: Sequence[Option]) -> None:
        self.first = list(first)
        self.later = list(later)
        self._first_idx = _prune(self.first)
        later_idx = _prune(self.later)
        self._later = [(self.later[i].sessions, _weight(self.later[i]), i) for i in later_idx]
        self._best: list[int] = [0]  # best weight to cover at least k sessions with later options
        self._choice: list[int] = [-1]

    def _extend(self, n: int) -> None:
        best, choice, later = self._best, self._choice, self._later
        for k in range(len(best), n + 1):
            top = None
            pick = -1
            for sessions, weight, index in later:
                rest = k - sessions
                value = weight + (best[rest] if rest > 0 else 0)
                if top is None or value < top:
                    top, pick = value, index
            best.append(top if top is not None else -1)
            choice.append(pick)

    def _later_course(self, n: int) -> list[int]:
        if n <= 0:
            return []
        self._extend(n)
        course = []
        while n > 0:
            index = self._choice[n]
            course.append(index)
            n -= self.later[index].sessions
        return course

    def solve(self, n: int) -> list[tuple[str, int]] | None:
        """``[("first", i), ("later", j), ...]`` for the cheapest course of ``n`` sessions."""
        if n <= 0:
            raise ValueError("n must be positive")
        best_value = None
        best_first = -1
        for i in self._first_idx:
            rest = n - self.first[i].sessions
            if rest > 0:
                if not self._later:
                    continue
                self._extend(rest)
                tail = self._best[rest]
            else:
                tail = 0
            value = _weight(self.first[i]) + tail
            if best_value is None or value < best_value:
                best_value, best_first = value, i
        if best_first < 0:
            return None
        tail_course = self._later_course(n - self.first[best_first].sessions)
        return [("first", best_first)] + [("later", j) for j in tail_course]


def course_for_returning(later: Sequence[Option], n: int) -> list[int] | None:
    """Cheapest course when every purchase uses ``later`` options."""
    optimiser = Optimiser(later, later)
    solved = optimiser.solve(n)
    return None if solved is None else [index for _, index in solved]


# --------------------------------------------------------------- queries and results


@dataclass(frozen=True, slots=True)
class CostQuery:
    sessions: int
    returning: bool = False
    as_of: date | None = None  # None: today
    start: date | None = None  # None: today
    pace: Decimal = DEFAULT_PACE
    pay_in_full: bool = False
    insurer: str | None = None
    state: str | None = None
    discount: Decimal = ZERO
    route: str | None = None

    @property
    def client(self) -> str:
        return "returning" if self.returning else "new"


@dataclass(frozen=True, slots=True)
class Purchase:
    plan: Plan
    observation: PriceObs
    client: str  # who buys it: new or returning
    price: Decimal  # list price of the observation
    charged: Decimal  # after the pay-in-full discount and any promo
    insured: bool
    start: date
    pay_in_full: bool


@dataclass(frozen=True, slots=True)
class Payment:
    due: date
    amount: Decimal
    plan: str
    purchase: int  # index into the purchases
    assumed: bool  # the provider publishes no payment terms: shown as one payment at purchase


@dataclass(frozen=True, slots=True)
class CostResult:
    provider: Provider
    query: CostQuery
    as_of: date
    start: date
    sessions_requested: int
    purchases: tuple[Purchase, ...] = ()
    schedule: tuple[Payment, ...] = ()
    notes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    @property
    def client(self) -> str:
        return self.query.client

    @property
    def priced(self) -> bool:
        return bool(self.purchases)

    @property
    def total(self) -> Decimal | None:
        return sum((p.charged for p in self.purchases), ZERO) if self.purchases else None

    @property
    def sessions_covered(self) -> int | None:
        return sum(p.plan.sessions for p in self.purchases) if self.purchases else None

    @property
    def leftover_sessions(self) -> int | None:
        covered = self.sessions_covered
        return None if covered is None else covered - self.sessions_requested

    @property
    def per_session(self) -> Decimal | None:
        """Exact; round it (half-up, to the cent) only to display it."""
        total, covered = self.total, self.sessions_covered
        return None if total is None or not covered else total / covered

    @property
    def due_at_signup(self) -> Decimal | None:
        if not self.schedule:
            return None
        return sum((p.amount for p in self.schedule if p.due == self.start), ZERO)

    @property
    def prices_as_of(self) -> date | None:
        dates = [p.observation.as_of for p in self.purchases if p.observation.as_of]
        return max(dates) if dates else None

    @property
    def pricing(self) -> str:
        if not self.purchases:
            return "unknown"
        insured = {p.insured for p in self.purchases}
        return "mixed" if len(insured) == 2 else ("insurance" if True in insured else "self-pay")


# --------------------------------------------------------------- dates


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later, clamped to the month's end (Jan 31 + 1 -> Feb 28)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _days_for(sessions: int, pace: Decimal) -> int:
    """Days until ``sessions`` are used up at ``pace`` sessions a week (rounded up)."""
    days = Decimal(sessions * 7) / pace
    whole = int(days)
    return whole if whole == days else whole + 1


# --------------------------------------------------------------- insurance


def _insurer_key(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def match_insurer(query: str, names: Sequence[str]) -> str | None:
    """``aetna`` -> ``Aetna``; ``cigna`` -> ``Cigna/Evernorth Behavioral Health``."""
    key = _insurer_key(query)
    if not key:
        return None
    for name in names:
        parts = [name, *name.split("/")]
        if any(_insurer_key(part) == key for part in parts):
            return name
    for name in names:
        if any(_insurer_key(part).startswith(key) for part in [name, *name.split("/")]):
            return name
    return None


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
        return False, f"{provider.name} lists no accepted insurers in {state} {dated}; self-pay prices are used."
    matched = match_insurer(query.insurer, names)
    if matched is None:
        return False, (
            f"{provider.name} does not list {query.insurer!r} in {state} {dated}; self-pay prices are used."
        )
    return True, f"Insurance: {matched} in {state} {dated}."


# --------------------------------------------------------------- pricing a provider


def _price_of(plan: Plan, as_of: date, insured: bool) -> tuple[PriceObs | None, bool]:
    if insured:
        obs = newest(plan.insurance_prices, as_of)
        if obs is not None:
            return obs, True
    return newest(plan.prices, as_of), False


@dataclass(frozen=True, slots=True)
class _Offer:
    plan: Plan
    obs: PriceObs
    insured: bool
    pay_in_full: bool

    @property
    def charged(self) -> Decimal:
        """What this purchase costs: the price, less a published pay-in-full discount."""
        if self.pay_in_full and self.obs.pay_in_full_discount is not None:
            return self.obs.price - self.obs.pay_in_full_discount
        return self.obs.price

    def option(self, promo: Decimal = ZERO) -> Option:
        return Option(max(self.charged - promo, ZERO), self.plan.sessions)


class ProviderPricer:
    """Prices one provider for one set of options; reusable across many N."""

    def __init__(self, provider: Provider, query: CostQuery, today: date) -> None:
        self.provider = provider
        self.query = query
        self.as_of = query.as_of or today
        self.start = query.start or today
        self.notes: list[str] = []
        insured, note = insurance_applies(provider, query, self.as_of)
        if note:
            self.notes.append(note)
        offers: list[_Offer] = []
        plans = [p for p in provider.plans if query.route is None or p.route in (None, query.route)]
        for plan in plans:
            obs, plan_insured = _price_of(plan, self.as_of, insured)
            if obs is not None:
                offers.append(_Offer(plan, obs, plan_insured, query.pay_in_full))
        if insured and any(not o.insured for o in offers):
            missing = ", ".join(o.plan.name for o in offers if not o.insured)
            self.notes.append(f"No insurance price is published for {missing}; self-pay prices are used there.")
        self.offers = offers
        new = [o for o in offers if o.plan.open_to("new")]
        returning = [o for o in offers if o.plan.open_to("returning")]
        if not returning and new:
            returning = new
            self.notes.append(
                f"{provider.name} lists no plan for returning clients; new-client plans are used for them."
            )
        if not offers:
            self.notes.append(self._unpriced_reason())
        self.first = returning if query.returning else new
        self.later = returning
        # the optimiser sees what is really charged, so discounts can change which plans win
        self.optimiser = Optimiser(
            [o.option(query.discount) for o in self.first], [o.option() for o in self.later]
        )

    def _unpriced_reason(self) -> str:
        if not self.provider.plans:
            return f"{self.provider.name} publishes no prices; the cost is unknown."
        if self.query.route and not any(p.route in (None, self.query.route) for p in self.provider.plans):
            return f"{self.provider.name} has no plan for route {self.query.route!r}."
        return f"No {self.provider.name} price was observed on or before {self.as_of.isoformat()}."

    def price(self, sessions: int) -> CostResult:
        query = replace(self.query, sessions=sessions)
        notes = list(self.notes)
        solved = self.optimiser.solve(sessions) if self.offers else None
        if solved is None:
            if self.offers and not self.first:
                notes.append(f"{self.provider.name} lists no plan open to {query.client} clients.")
            return CostResult(self.provider, query, self.as_of, self.start, sessions, notes=tuple(notes))
        offers = [(self.first if part == "first" else self.later)[i] for part, i in solved]
        purchases, schedule = self._pay(offers, query, notes)
        sources = tuple(dict.fromkeys(p.observation.source for p in purchases))
        notes.extend(self._signup_notes(query))
        notes.extend(f.value for f in self.provider.cost_notes if f.as_of is None or f.as_of <= self.as_of)
        return CostResult(
            self.provider, query, self.as_of, self.start, sessions,
            tuple(purchases), tuple(schedule), tuple(dict.fromkeys(notes)), sources,
        )  # fmt: skip

    def _signup_notes(self, query: CostQuery) -> list[str]:
        consult = newest(self.provider.consult, self.as_of)
        if consult is not None and consult.value.prepayment == "first-installment" and not query.returning:
            refund = ", and refunds it if you are found ineligible" if consult.value.refundable_if_ineligible else ""
            return [
                f"{self.provider.name} charges the first payment at checkout, before the consultation{refund}."
            ]
        return []

    def _pay(
        self, offers: list[_Offer], query: CostQuery, notes: list[str]
    ) -> tuple[list[Purchase], list[Payment]]:
        purchases: list[Purchase] = []
        schedule: list[Payment] = []
        promo = min(query.discount, offers[0].charged)
        # Dates are kept as an anchor plus whole months, so monthly payments from
        # the 31st fall on each month's last day instead of drifting to the 28th.
        anchor, months = self.start, 0
        uses_pace = False
        for index, offer in enumerate(offers):
            plan, obs = offer.plan, offer.obs
            client = query.client if index == 0 else "returning"
            charged = offer.charged - (promo if index == 0 else ZERO)
            in_full = query.pay_in_full
            if in_full and obs.pay_in_full_discount is None and obs.installments is not None:
                notes.append(f"No pay-in-full discount is published for {plan.name}; the full price is shown.")
            if in_full or obs.installments is None:
                amounts = [(charged, 0)]
                assumed = not in_full and plan.billing != "monthly"
                if assumed:
                    notes.append(
                        f"No installment plan is published for {plan.name}; it is shown as one payment at purchase."
                    )
            else:
                amounts = _spread(obs.installments.count, obs.installments.amount, obs.price - charged)
                assumed = False
            for amount, month in amounts:
                schedule.append(Payment(add_months(anchor, months + month), amount, plan.id, index, assumed))
            purchases.append(
                Purchase(plan, obs, client, obs.price, charged, offer.insured, add_months(anchor, months), in_full)
            )
            if plan.billing == "monthly":
                months += obs.installments.count if obs.installments else 1
            else:
                uses_pace = True
                anchor = add_months(anchor, months) + timedelta(days=_days_for(plan.sessions, query.pace))
                months = 0
        if uses_pace and len(offers) > 1:
            notes.append(
                f"Assumes {query.pace.normalize():f} session(s) a week: each later purchase starts when "
                "the previous one's sessions are used up (change with --pace)."
            )
        if any(p.plan.billing == "monthly" for p in purchases):
            notes.append("Monthly plans are bought month by month; each month's payment is due on the same day.")
        if promo:
            notes.append(f"A promo discount of ${promo:,.2f} is taken off the first purchase.")
        return purchases, schedule


def _spread(count: int, amount: Decimal, reduction: Decimal) -> list[tuple[Decimal, int]]:
    """Installments, with ``reduction`` taken off the earliest ones (never below zero)."""
    payments = []
    for month in range(count):
        take = min(reduction, amount)
        reduction -= take
        payments.append((amount - take, month))
    return payments


# --------------------------------------------------------------- entry points


def price(provider: Provider, query: CostQuery, *, today: date) -> CostResult:
    return ProviderPricer(provider, query, today).price(query.sessions)


def price_many(provider: Provider, query: CostQuery, sessions: Sequence[int], *, today: date) -> list[CostResult]:
    pricer = ProviderPricer(provider, query, today)
    return [pricer.price(n) for n in sessions]


def price_all(catalog: Catalog, query: CostQuery, *, today: date) -> list[CostResult]:
    return [price(provider, query, today=today) for provider in catalog.providers]
