"""Pydantic models of ``providers.yaml`` (schema version 1).

Every fact is a list of dated observations, each naming a source from the
file's ``sources:`` table; history is kept, never overwritten, and the newest
observation on or before a given date is the one used. Unknown keys are errors,
money is ``Decimal`` and a YAML float in a money field is refused.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Generic, Literal, TypeVar

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

from ketacalc.money import parse_money
from ketacalc.usstates import STATES

SCHEMA_VERSION = 1

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"


def _parse_date(value: object) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _DATE_RE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a real calendar date") from None
    raise ValueError(f"a date must be written YYYY-MM-DD, got {value!r}")


def _not_future(value: date, info: ValidationInfo) -> date:
    today = (info.context or {}).get("today")
    if today is not None and value > today:
        raise ValueError(f"{value.isoformat()} is in the future (today is {today.isoformat()})")
    return value


def _state_code(value: object) -> str:
    if not isinstance(value, str) or value not in STATES:
        raise ValueError(f"{value!r} is not a USPS code of a US state or DC (e.g. 'TX')")
    return value


def _as_list(value: object) -> object:
    """A fact with a single observation may be written as a mapping."""
    return [value] if isinstance(value, dict) else value


Money = Annotated[Decimal, BeforeValidator(parse_money)]
ObsDate = Annotated[date, BeforeValidator(_parse_date), AfterValidator(_not_future)]
StateCode = Annotated[str, BeforeValidator(_state_code)]
Slug = Annotated[StrictStr, Field(pattern=_SLUG, max_length=64)]
Text = Annotated[StrictStr, Field(min_length=1, max_length=2000)]

Status = Literal["operating", "uncertain", "closed"]
Client = Literal["new", "returning", "any"]
Billing = Literal["one-time", "monthly"]
Tier = Literal["A", "B", "C"]
YesNoMaybe = Literal["yes", "no", "maybe"]
IdCheck = Literal["required", "may-ask", "not-required"]
Integration = Literal["psychiatric-clinician", "coach", "none"]
TrdSuitability = Literal["excellent", "good", "moderate", "limited"]

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


class Installments(Strict):
    count: Annotated[StrictInt, Field(ge=1, le=120)]
    amount: Money


class PriceObservation(Observation):
    as_of: ObsDate  # required: a price without a date cannot be chosen by --as-of
    price: Money
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
        return self


class Plan(Strict):
    id: Slug
    name: Text
    sessions: Annotated[StrictInt, Field(ge=1, le=1000)]
    client: Client
    billing: Billing = "one-time"
    route: Text | None = None  # only where the price differs by delivery route
    prices: list[PriceObservation] = []
    insurance_prices: list[PriceObservation] = []
    note: Text | None = None


class StatesObservation(Observation):
    """A list of states served, a stated count, or both."""

    codes: list[StateCode] = []
    complete: StrictBool = False
    count: Annotated[StrictInt, Field(ge=0, le=51)] | None = None
    count_is_minimum: StrictBool = False  # the source says "30+"

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
    fee: Money | None = None  # 0 means free; None means not published
    prepayment: Literal["none", "first-installment"] | None = None
    refundable_if_ineligible: StrictBool | None = None


class Provider(Strict):
    id: Slug
    name: Text
    website: Text | None = None
    aliases: list[Text] = []
    status: Annotated[Facts[Status], Field(min_length=1)]
    states: list[StatesObservation] = []
    in_clinic: list[InClinic] = []
    plans: list[Plan] = []
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


class DataFile(Strict):
    version: Literal[1]
    sources: dict[Slug, Source]
    providers: list[Provider]

    def provider_sources(self, provider: Provider) -> list[str]:
        """Source ids a provider's facts cite, in first-seen order."""
        return list(dict.fromkeys(_walk_sources(provider)))


def _walk_sources(node: Any) -> list[str]:
    found: list[str] = []
    if isinstance(node, Observation):
        found.append(node.source)
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            found.extend(_walk_sources(getattr(node, name)))
    elif isinstance(node, list):
        for item in node:
            found.extend(_walk_sources(item))
    return found
