"""Money is ``Decimal`` from the data file to every output.

YAML reads ``199.99`` as a binary float, which cannot hold cents exactly, so a
float is refused with a message asking for quotes. Rounding happens only where a
rule says so: per-session cost is rounded half-up to the cent, for display.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
NOT_PUBLISHED = "—"

_MONEY_RE = re.compile(r"^\d{1,9}(\.\d{1,2})?$")

FLOAT_MESSAGE = "money must not be a YAML float (it cannot hold cents exactly); quote it, e.g. '{value}'"


def _to_cents(value: Decimal) -> Decimal:
    try:
        return value.quantize(CENT)
    except InvalidOperation:  # more digits than Decimal's 28 once cents are added
        raise ValueError(f"money {value} is too large") from None


def parse_money(value: object) -> Decimal:
    """Turn an int, a quoted amount or a Decimal into a cents-exact Decimal.

    Raises ``ValueError`` with a message a data-file author can act on.
    """
    if isinstance(value, bool):
        raise ValueError("money must be an amount such as '129.00', not true/false")
    if isinstance(value, float):
        raise ValueError(FLOAT_MESSAGE.format(value=value))
    if isinstance(value, int):
        if value < 0:
            raise ValueError("money must not be negative")
        return _to_cents(Decimal(value))
    if isinstance(value, Decimal):
        if not value.is_finite() or value < 0:
            raise ValueError("money must be a non-negative amount")
        cents = _to_cents(value)
        if value != cents:
            raise ValueError("money has at most two decimals")
        return cents
    if isinstance(value, str):
        text = value.strip().replace(",", "")  # '1,254.50' reads as it is written
        if not _MONEY_RE.match(text):
            raise ValueError(f"{value!r} is not an amount; write it like '1098' or '129.50'")
        return Decimal(text).quantize(CENT)
    raise ValueError(f"money must be an amount such as '129.00', not {type(value).__name__}")


def round_cents(value: Decimal) -> Decimal:
    """Round half-up to the cent (the one rounding rule ketacalc uses)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money_str(value: Decimal | None) -> str | None:
    """Machine form: ``"2862.00"``, or ``None`` when unknown."""
    if value is None:
        return None
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))  # never exponent form: amounts are < 10**9


def money_display(value: Decimal | None) -> str:
    """Human form: ``"$2,862.00"``, or ``—`` when unknown (never ``$0``)."""
    if value is None:
        return NOT_PUBLISHED
    return f"${round_cents(value):,.2f}"
