"""Pydantic models of ``providers.yaml`` (data version :data:`DATA_VERSION`).

Every fact is a list of dated observations, each naming a source from the
file's ``sources:`` table; history is kept, never overwritten, and the newest
observation on or before a given date is the one used. Unknown keys are errors,
money is ``Decimal`` and a YAML float in a money field is refused.

Each model has a Pydantic-free twin in :mod:`ketacalc.data.catalog` (the runtime
records); ``tests/test_catalog.py`` fails when the two drift apart.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationInfo,
    model_validator,
)
from typing_extensions import TypeAliasType

# the enumerations: defined once, for these models and the runtime records
from ketacalc.data.fields import (
    EVERY_OTHER_STATE,
    Billing,
    ChargeKind,
    ChargePer,
    ChargePriceKind,
    Client,
    IdCheck,
    Integration,
    Modality,
    PaymentTiming,
    Prepayment,
    PriceKind,
    Refund,
    RefundStage,
    RuleKind,
    Status,
    Tier,
    TrdSuitability,
    YesNoMaybe,
)
from ketacalc.errors import CONTROL, quoted
from ketacalc.money import parse_money
from ketacalc.usstates import STATES
from ketacalc.vocab import ROUTES, route_id

#: the version a data file declares on its first line (``version: 1``)
DATA_VERSION = 1

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"


def _echo(value: object) -> str:
    """A piece of input in a message, cut to about 60 characters (``errors.quoted``)."""
    if isinstance(value, str):
        return quoted(value)
    text = repr(value)
    return text if len(text) <= 60 else text[:60] + "…"


def _parse_date(value: object) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _DATE_RE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{quoted(value)} is not a real calendar date") from None
    raise ValueError(f"a date must be written YYYY-MM-DD, got {_echo(value)}")


def _not_future(value: date, info: ValidationInfo) -> date:
    """Observation dates may not be after today, when the loader asks for that check."""
    today = (info.context or {}).get("today")
    if today is not None and value > today:
        raise ValueError(f"{value.isoformat()} is in the future (today is {today.isoformat()})")
    return value


def _state_code(value: object) -> str:
    if not isinstance(value, str) or value not in STATES:
        raise ValueError(f"{_echo(value)} is not a USPS code of a US state or DC (e.g. 'TX')")
    return value


def _route(value: object) -> str:
    found = route_id(value) if isinstance(value, str) else None
    if found is None:
        raise ValueError(f"{_echo(value)} is not a known route; use one of: {', '.join(ROUTES)}")
    return found


def _no_control(value: str) -> str:
    """Data strings are inert: no ESC, CR, NUL, bidi override... that could drive a terminal;
    and they say something: a blank name or note would print as an empty cell."""
    if value.isspace():
        raise ValueError("is blank (only spaces); write the text, or leave the field out")
    found = CONTROL.search(value)
    if found is not None:
        raise ValueError(
            f"contains a control character ({repr(found.group())[1:-1]} at character {found.start() + 1}); "
            "remove it"
        )
    return value


def _as_list(value: object) -> object:
    """A fact with a single observation may be written as a mapping."""
    return [value] if isinstance(value, dict) else value


Money = Annotated[Decimal, BeforeValidator(parse_money)]
ObsDate = Annotated[date, BeforeValidator(_parse_date), AfterValidator(_not_future)]
EndDate = Annotated[date, BeforeValidator(_parse_date)]  # a promotion's end: may lie in the future
StateCode = Annotated[str, BeforeValidator(_state_code)]
RouteId = Annotated[str, BeforeValidator(_route)]
Slug = Annotated[StrictStr, Field(pattern=_SLUG, max_length=64)]
Text = Annotated[StrictStr, Field(min_length=1, max_length=2000), AfterValidator(_no_control)]
ShortText = Annotated[
    StrictStr, Field(min_length=1, max_length=60), AfterValidator(_no_control)
]  # a cell's words
#: a provider's or a plan's name (errors quote it whole: at most 60 characters, as of any input)
Name = ShortText


T = TypeVar("T")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Strict):
    title: Text
    url: Text | None = None
    date: ObsDate | None = None  # None: the source states no date
    tier: Tier
    note: Text | None = None


class Observation(Strict):
    """Where a fact comes from and when it was observed (None: undated source)."""

    source: Slug
    as_of: ObsDate | None = None
    note: Text | None = None


class Fact(Observation, Generic[T]):
    value: T


Facts = TypeAliasType("Facts", Annotated[list[Fact[T]], BeforeValidator(_as_list)], type_params=(T,))


def _check_ends(kind: str, ends: date | None, as_of: date | None) -> None:
    if ends is None:
        return
    if kind != "promo":
        raise ValueError(f"'ends' is only for a promo price, but the kind is {kind!r}; remove 'ends'")
    if as_of is not None and ends < as_of:
        raise ValueError(f"the promo ends ({ends.isoformat()}) before it was observed ({as_of.isoformat()})")


class Installments(Strict):
    count: Annotated[StrictInt, Field(ge=1, le=120)]
    amount: Money


class PriceObservation(Observation):
    """A price of a plan. ``kind`` says what a buyer is charged: a ``regular`` or
    ``promo`` price is a price; a ``starting`` ("from $X") or ``pay_in_full``
    figure is only a quote, never an installment price."""

    as_of: ObsDate  # required: a price without a date cannot be chosen by as-of date
    price: Money
    kind: PriceKind = "regular"
    ends: EndDate | None = None  # a promo's last day, when the source gives one
    installments: Installments | None = None
    pay_in_full_discount: Money | None = None

    @model_validator(mode="after")
    def _adds_up(self) -> PriceObservation:
        inst = self.installments
        if inst is not None and inst.count * inst.amount != self.price:
            raise ValueError(
                f"installments {inst.count} × {inst.amount} = {inst.count * inst.amount} "
                f"do not add up to the price {self.price}; fix the count, amount or price"
            )
        if self.pay_in_full_discount is not None and self.pay_in_full_discount > self.price:
            raise ValueError("pay_in_full_discount is larger than the price")
        _check_ends(self.kind, self.ends, self.as_of)
        return self


class Plan(Strict):
    id: Slug
    name: Name
    sessions: Annotated[StrictInt, Field(ge=1, le=1000)]
    client: Client
    billing: Billing = "one-time"
    modality: Modality = "sessions"
    route: RouteId | None = None  # only where the price differs by delivery route
    prices: list[PriceObservation] = []
    insurance_prices: list[PriceObservation] = []
    note: Text | None = None


class StatesObservation(Observation):
    """A list of states served, a stated count, or both."""

    codes: list[StateCode] = []
    complete: StrictBool = False
    count: Annotated[StrictInt, Field(ge=0, le=51)] | None = None
    count_is_minimum: StrictBool = False  # the source says "30+"
    old: StrictBool = False  # the list is older than its date says (e.g. a page re-dated later)

    @model_validator(mode="after")
    def _consistent(self) -> StatesObservation:
        duplicates = sorted({c for c in self.codes if self.codes.count(c) > 1})
        if duplicates:
            raise ValueError(f"states listed twice: {', '.join(duplicates)}")
        if self.complete:
            if not self.codes:
                raise ValueError("a list marked complete must list its states in 'codes'")
            if self.count is not None and (self.count != len(self.codes) or self.count_is_minimum):
                raise ValueError(
                    f"list marked complete has {len(self.codes)} states but its stated count "
                    f"is {self.count}{'+' if self.count_is_minimum else ''}; "
                    "fix the list or set complete: false"
                )
        if not self.codes and self.count is None:
            raise ValueError("a states observation needs 'codes', 'count' or both")
        return self


class InClinic(Observation):
    states: Annotated[list[StateCode], Field(min_length=1)]
    services: Text


class InsurerList(Observation):
    by_state: dict[StateCode, list[Text]]


class Consult(Strict):
    """How sign-up works; the consultation's fee is a ``charges`` item of kind consult."""

    prepayment: Prepayment | None = None
    refundable_if_ineligible: StrictBool | None = None


class Charge(Observation):
    """A charge besides the plans' prices (consultation, medication, a fee, a membership).

    Observations with the same ``id`` are the history of one charge. A charge has
    an ``amount``, a range (``low`` < ``high``), or neither (named by a source
    without a figure: listed as unpriced). ``required: false`` marks optional
    extras and fees charged only on an event; they are never added to a total.
    """

    id: Slug
    kind: ChargeKind
    description: Text
    per: ChargePer
    required: StrictBool = True
    client: Client = "any"
    amount: Money | None = None
    low: Money | None = None
    high: Money | None = None
    price_kind: ChargePriceKind = "regular"
    ends: EndDate | None = None
    regular: Money | None = None  # a promo's regular price, as the source shows it
    #: sold only to self-pay patients (Innerwell's add-on): never offered beside an insured course
    self_pay_only: StrictBool = False

    @model_validator(mode="after")
    def _priced_once(self) -> Charge:
        ranged = self.low is not None or self.high is not None
        if self.amount is not None and ranged:
            raise ValueError("give either 'amount' or 'low' and 'high', not both")
        if ranged:
            if self.low is None or self.high is None:
                raise ValueError("a range needs both 'low' and 'high'")
            if self.low >= self.high:
                raise ValueError(
                    f"the range's low ({self.low}) must be below its high ({self.high}); "
                    "for one figure use 'amount'"
                )
        _check_ends(self.price_kind, self.ends, self.as_of)
        if self.self_pay_only and self.required:
            raise ValueError(
                "a charge for self-pay patients only is left out beside an insured course, so it must be "
                "optional: add 'required: false' or drop 'self_pay_only'"
            )
        if self.regular is not None:
            if self.price_kind != "promo":
                raise ValueError(f"'regular' is only for a promo, but the price_kind is {self.price_kind!r}")
            if self.amount is None or self.regular <= self.amount:
                raise ValueError("a promo's 'regular' price must be above its 'amount'")
        return self


# --------------------------------------------------------------- money policies
# Payment terms, refund ladders and a hired sitter's cost: what a course's cash and
# a stop cost, each a dated, sourced observation (kept apart from the plans' prices).

Share = Annotated[Decimal, BeforeValidator(parse_money), Field(gt=0, le=1)]
Hours = Annotated[Decimal, BeforeValidator(parse_money), Field(gt=0, le=24)]


class RefundStep(Strict):
    """One rung of a refund ladder: at a stop point, what the person owes in all for
    the purchase (``refund: full`` = nothing; ``refund: none`` = its whole price;
    ``owed``; an ``owed_low``/``owed_high`` pair when the source gives two figures;
    ``owed_share`` of the plan's price), quoted. A ``before-next`` rung says what
    cancelling the next appointment or refill costs on top (``owed``: a fee)."""

    stage: RefundStage
    after_sessions: Annotated[StrictInt, Field(ge=1, le=1000)] | None = None  # stage after-session
    through_sessions: Annotated[StrictInt, Field(ge=1, le=1000)] | None = None  # known to hold up to here
    notice_hours: Annotated[StrictInt, Field(ge=1, le=720)] | None = None  # at least this notice
    late: StrictBool = False  # less than ``notice_hours``' notice
    refund: Refund | None = None
    owed: Money | None = None
    owed_low: Money | None = None
    owed_high: Money | None = None
    owed_share: Share | None = None
    quote: Text

    @model_validator(mode="after")
    def _one_outcome(self) -> RefundStep:
        outcomes = [
            self.refund is not None,
            self.owed is not None,
            self.owed_low is not None or self.owed_high is not None,
            self.owed_share is not None,
        ]
        if sum(outcomes) != 1:
            raise ValueError(
                "a refund step gives one of 'refund', 'owed', 'owed_low'/'owed_high' or 'owed_share'"
            )
        if (self.owed_low is None) != (self.owed_high is None):
            raise ValueError("a range of what is owed needs both 'owed_low' and 'owed_high'")
        if self.owed_low is not None and self.owed_high is not None and self.owed_low >= self.owed_high:
            raise ValueError(f"owed_low ({self.owed_low}) must be below owed_high ({self.owed_high})")
        if (self.stage == "after-session") != (self.after_sessions is not None):
            raise ValueError("'after_sessions' is given for, and only for, the stage after-session")
        if self.through_sessions is not None and (
            self.after_sessions is None or self.through_sessions < self.after_sessions
        ):
            raise ValueError("'through_sessions' must be at least 'after_sessions'")
        if self.late and self.notice_hours is None:
            raise ValueError("a late step names the notice it falls short of in 'notice_hours'")
        return self


class RefundPolicy(Observation):
    """A provider's published refund ladder, for the plans it names (all when empty); with
    ``self_pay_only``, for purchases paid by the person, not those billed to an insurer."""

    plans: list[Slug] = []
    self_pay_only: bool = False
    steps: Annotated[list[RefundStep], Field(min_length=1)]

    @model_validator(mode="after")
    def _in_order(self) -> RefundPolicy:
        """A ladder climbs: its stages in order, sessions rising, what is owed never falling."""
        order = {"before-consult": 0, "after-consult": 1, "after-session": 2, "before-next": 3}
        last_key: tuple[int, int] = (-1, 0)
        last_owed: Decimal | None = None
        for number, step in enumerate(self.steps):
            key = (order[step.stage], step.after_sessions or 0)
            if key < last_key:
                raise ValueError(
                    f"refund step {number} ({step.stage}"
                    + (f", after {step.after_sessions} sessions" if step.after_sessions else "")
                    + ") comes before an earlier stop point; list the steps in the order a course reaches them"
                )
            owed = step.owed if step.owed is not None else step.owed_low
            if step.stage in ("after-consult", "after-session") and owed is not None:
                if last_owed is not None and owed < last_owed:
                    raise ValueError(
                        f"refund step {number} owes {owed}, less than an earlier step ({last_owed}); "
                        "what is owed never falls as a course goes on"
                    )
                last_owed = owed
            last_key = key
        return self


class PlanCondition(Observation):
    """Who a plan is for, as the source says (Better U's Introduction: problems of the last year)."""

    plan: Slug
    condition: Text


class SitterCost(Observation):
    """What a hired sitter (treatment monitor) costs, per hour, and the hours a session takes."""

    low: Money
    high: Money
    first_session_hours: Hours
    later_session_hours: Hours

    @model_validator(mode="after")
    def _range(self) -> SitterCost:
        if self.low >= self.high:
            raise ValueError(f"the range's low ({self.low}) must be below its high ({self.high})")
        return self


class Provider(Strict):
    id: Slug
    name: Name
    website: Text | None = None
    aliases: list[Name] = []
    status: Annotated[Facts[Status], Field(min_length=1)]
    states: list[StatesObservation] = []
    in_clinic: list[InClinic] = []
    plans: list[Plan] = []
    standard_route: Fact[RouteId] | None = None  # the route priced when none is asked for
    charges: list[Charge] = []
    consult: Facts[Consult] = []
    insurance: Facts[StrictBool] = []
    insurers: list[InsurerList] = []
    hsa_fsa: Facts[YesNoMaybe] = []
    sitter_required: Facts[StrictBool] = []
    id_verification: Facts[IdCheck] = []
    integration: Facts[Integration] = []
    starter_kit: Facts[StrictBool] = []
    routes: Facts[list[Text]] = []
    dose_flexibility: Facts[Text] = []
    trd_suitability: Facts[TrdSuitability] = []
    cost_notes: Facts[Text] = []  # shown beside every cost (e.g. medication billed apart)
    notes: Facts[Text] = []
    payment_terms: Facts[PaymentTiming] = []  # the provider's own: prices are paid at purchase
    refund_policy: list[RefundPolicy] = []
    hired_sitter: list[SitterCost] = []
    plan_conditions: list[PlanCondition] = []

    @model_validator(mode="after")
    def _routes_and_charges(self) -> Provider:
        routes = sorted({p.route for p in self.plans if p.route is not None})
        standard = self.standard_route.value if self.standard_route is not None else None
        if routes and standard is None:
            raise ValueError(
                f"plans are priced by route ({', '.join(routes)}); "
                "add 'standard_route' naming the route priced when none is asked for"
            )
        if standard is not None and standard not in routes:
            raise ValueError(
                f"standard_route {standard!r} is not the route of any plan"
                + (
                    f" (plan routes: {', '.join(routes)})"
                    if routes
                    else "; give plans a 'route' or remove it"
                )
            )
        plan_ids = {p.id for p in self.plans}
        for cond in self.plan_conditions:
            if cond.plan not in plan_ids:
                raise ValueError(
                    f"plan_conditions names plan {cond.plan!r}, which the provider does not have"
                )
        for policy in self.refund_policy:
            unknown = [p for p in policy.plans if p not in plan_ids]
            if unknown:
                raise ValueError(
                    f"refund_policy names plan {unknown[0]!r}, which the provider does not have; "
                    "use one of its plan ids or leave 'plans' empty"
                )
        kinds: dict[str, str] = {}
        for charge in self.charges:
            first = kinds.setdefault(charge.id, charge.kind)
            if first != charge.kind:
                raise ValueError(
                    f"charge {charge.id!r} is of kind {first!r} and of kind {charge.kind!r}; "
                    "one charge id has one kind"
                )
        return self


# --------------------------------------------------------------- rules on dates


def _jurisdiction(value: object) -> str:
    if value in ("US", EVERY_OTHER_STATE):
        return value  # type: ignore[return-value]
    if not isinstance(value, str) or value not in STATES:
        raise ValueError(
            f"{_echo(value)} is not a known jurisdiction; use 'US' (federal), a state's USPS code "
            f"(e.g. 'AL') or '{EVERY_OTHER_STATE}' (every state without a rule of its own known)"
        )
    return value


Jurisdiction = Annotated[str, BeforeValidator(_jurisdiction)]


class RuleSpan(Observation):
    """One source's word on when a rule is in force (``ends`` None: no end given).

    The newest observation on or before the date asked for is the one used, so a
    data update recording an extension (a newer observation with a later
    ``ends``) changes every answer."""

    as_of: ObsDate  # required: a rule's span without a date cannot be chosen by date
    starts: EndDate | None = None
    ends: EndDate | None = None

    @model_validator(mode="after")
    def _ordered(self) -> RuleSpan:
        if self.starts is not None and self.ends is not None and self.starts > self.ends:
            raise ValueError(
                f"the span starts ({self.starts.isoformat()}) after it ends ({self.ends.isoformat()}); "
                "fix 'starts' or 'ends'"
            )
        return self


class Rule(Strict):
    """A regulatory rule that applies to a jurisdiction over a span of dates."""

    id: Slug
    name: Text
    jurisdiction: Jurisdiction
    kind: RuleKind
    effect: Text  # what it means for a patient, e.g. "an in-person evaluation may be required"
    short: ShortText  # the table's words
    spans: Annotated[list[RuleSpan], Field(min_length=1)]

    @model_validator(mode="after")
    def _flexibility_ends(self) -> Rule:
        problems = []  # every one at once: a fix of one never reveals the next
        if self.kind == "flexibility" and not any(s.ends is not None for s in self.spans):
            problems.append("a flexibility needs an observation with 'ends' (the day it stops)")
        if (self.kind == "caution") != (self.jurisdiction == EVERY_OTHER_STATE):
            problems.append(
                f"a caution is for jurisdiction '{EVERY_OTHER_STATE}' (the states without a rule of their "
                "own known), and that jurisdiction holds cautions only; fix 'kind' or 'jurisdiction'"
            )
        if problems:
            raise ValueError("; and ".join(problems))
        return self


class AltFigure(Observation):
    """One sourced figure of a treatment given elsewhere than at home: what it is the price of
    (``what``: "one infusion", "a 6-infusion series"), one ``amount`` or a ``low``-``high`` range."""

    what: Text
    amount: Money | None = None
    low: Money | None = None
    high: Money | None = None

    @model_validator(mode="after")
    def _one_figure(self) -> AltFigure:
        ranged = self.low is not None or self.high is not None
        if (self.amount is None) == (not ranged) or (ranged and (self.low is None or self.high is None)):
            raise ValueError("give either 'amount' or both 'low' and 'high'")
        if ranged and self.low >= self.high:  # type: ignore[operator]
            raise ValueError(f"the range's low ({self.low}) must be below its high ({self.high})")
        return self


class Alternative(Strict):
    """A treatment a person may price against at-home care (in-clinic IV ketamine, Spravato):
    never a provider, never ranked with one; its figures and notes are sourced and dated."""

    id: Slug
    name: Text
    setting: Text  # where and how it is given: "in a clinic, by IV infusion"
    figures: Annotated[list[AltFigure], Field(min_length=1)]
    notes: list[Fact[Text]] = []


class DataFile(Strict):
    version: Literal[1]
    sources: dict[Slug, Source]
    providers: list[Provider]
    regulation: list[Rule] = []
    alternatives: list[Alternative] = []
