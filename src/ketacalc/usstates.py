"""The 50 states plus DC: USPS codes, names, and forgiving parsing.

Case, spaces, periods, hyphens, underscores, apostrophes and commas never
matter: ``new-york``, ``N.Y.``, ``Washington, D.C.`` all name a state.
"""

from __future__ import annotations

import re

from ketacalc.errors import quoted

STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas",
    "CA": "California", "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware",
    "DC": "District of Columbia", "FL": "Florida", "GA": "Georgia", "HI": "Hawaii",
    "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa",
    "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine",
    "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska",
    "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico",
    "NY": "New York", "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio",
    "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island",
    "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas",
    "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
}  # fmt: skip

_IGNORED = re.compile(r"[\s.,\-_']+")


def _key(text: str) -> str:
    return _IGNORED.sub("", text).lower()


_LOOKUP: dict[str, str] = {}
for _code, _name in STATES.items():
    _LOOKUP[_key(_code)] = _code
    _LOOKUP[_key(_name)] = _code
_LOOKUP["washingtondc"] = "DC"


_SUGGEST_LIMIT = 40  # no state's name is longer: nothing longer is worth a close-match search


class UnknownState(ValueError):
    """A state that is neither a USPS code nor a state name."""

    def __init__(self, text: str, suggestions: list[str]) -> None:
        self.text = text
        self.suggestions = suggestions
        hint = f"did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"{quoted(text)} is not a US state or DC" + (f"; {hint}" if hint else ""))


def parse_state(text: str) -> str:
    """``TX``, ``tx``, ``texas``, ``New York``, ``new-york``, ``D.C.``, ``Washington, D.C.`` -> USPS code.

    The core's callers want :func:`ketacalc.io.inputs.parse_state`, which raises
    ``InvalidInput`` naming the field."""
    code = _LOOKUP.get(_key(text))
    if code is None:
        raise UnknownState(text, suggest_states(text))
    return code


def suggest_states(text: str, n: int = 3) -> list[str]:
    """Closest valid states, as ``"TX (Texas)"``, best first."""
    import difflib

    key = _key(text)
    if len(key) > _SUGGEST_LIMIT:
        return []
    matches = difflib.get_close_matches(key, list(_LOOKUP), n=n * 2, cutoff=0.6)
    seen: list[str] = []
    for match in matches:
        code = _LOOKUP[match]
        if code not in seen:
            seen.append(code)
    return [f"{code} ({STATES[code]})" for code in seen[:n]]
