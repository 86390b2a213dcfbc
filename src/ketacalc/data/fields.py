"""What a field of the data holds: the words of the runtime records' annotations.

The records (:mod:`ketacalc.data.catalog`) are annotated with these, and the cache
check (:mod:`ketacalc.data.verify`) derives its checks from those annotations: a
``str`` is text (1 to 2,000 characters, no control character), a ``Decimal`` an
amount with two decimals from 0 to under a billion, a ``Literal`` one of its words;
the rest is said with ``Annotated``: :class:`Bounds` (every ``int`` has them, as the
model's ``Field(ge=, gt=, le=)``), :class:`Length`, and the named sets :data:`SLUG`,
:data:`STATE` and :data:`ROUTE`. The enumerations are defined here once, for the
records and the models (:mod:`ketacalc.data.models`) alike.

Nothing on the way to an answer imports this module: the records' annotations are
never evaluated there (``from __future__ import annotations``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal


class Bounds:
    """A number's bounds, as the model's ``Field(ge=, gt=, le=)`` says them."""

    __slots__ = ("ge", "gt", "le")

    def __init__(self, *, ge: int | None = None, gt: int | None = None, le: int | None = None) -> None:
        self.ge, self.gt, self.le = ge, gt, le


class Length:
    """How many characters or items a value has: at least ``min``, at most ``max``."""

    __slots__ = ("min", "max")

    def __init__(self, *, min: int = 0, max: int | None = None) -> None:
        self.min, self.max = min, max


class Named:
    """A string from a named set: a slug, a USPS state code, a route id."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


SLUG, STATE, ROUTE = Named("slug"), Named("state"), Named("route")
Slug = Annotated[str, SLUG]
StateCode = Annotated[str, STATE]
RouteId = Annotated[str, ROUTE]
Share = Annotated[Decimal, Bounds(gt=0, le=1)]  # of a price
Hours = Annotated[Decimal, Bounds(gt=0, le=24)]
Sessions = Annotated[int, Bounds(ge=1, le=1000)]
NonEmpty = Length(min=1)
#: a provider's or a plan's name: errors quote it whole, and quote at most 60 characters of input
Name = Annotated[str, Length(min=1, max=60)]

Status = Literal["operating", "uncertain", "closed"]
Client = Literal["new", "returning", "any"]
Billing = Literal["one-time", "monthly"]
Modality = Literal["sessions", "daily-low-dose"]
PriceKind = Literal["regular", "starting", "pay_in_full", "promo"]
ChargeKind = Literal["consult", "medication", "fee", "membership"]
ChargePer = Literal["course", "session", "month", "30-days", "event", "hour"]
ChargePriceKind = Literal["regular", "starting", "promo"]
Tier = Literal["A", "B", "C"]
YesNoMaybe = Literal["yes", "no", "maybe"]
IdCheck = Literal["required", "may-ask", "not-required"]
Integration = Literal["psychiatric-clinician", "coach", "none"]
TrdSuitability = Literal["excellent", "good", "moderate", "limited"]
Prepayment = Literal["none", "first-installment"]
PaymentTiming = Literal["at-purchase"]
RefundStage = Literal["before-consult", "after-consult", "after-session", "before-next"]
Refund = Literal["full", "none"]
#: a ``flexibility`` lets at-home prescribing go on while in force, so its effect begins
#: the day after it ends; a ``requirement`` applies while in force; a ``caution`` says that a
#: rule may apply which the file does not hold (a state's own rule, where none is recorded)
RuleKind = Literal["flexibility", "requirement", "caution"]
#: a rule's reach: the nation, a state (its USPS code), or ``states``: every state the file
#: records no rule of its own for (a caution that the state's own rule is not known)
EVERY_OTHER_STATE = "states"
