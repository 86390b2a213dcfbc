"""Fixed vocabularies: delivery routes and insurer names.

Pure core code. A route is one of a few ids (``tablet``, ``troche``,
``injection``, ``nasal-spray``); the data file and the person may write it by
any declared alias (``lozenge``, ``sublingual tablet``, ``SQ``). Matching is
exact once case, spaces and punctuation are ignored: never by substring, so
``t`` matches nothing rather than whichever route happens to contain a "t".
"""

from __future__ import annotations

import re

#: route id -> the words that name it (the id itself is always accepted)
ROUTES: dict[str, tuple[str, ...]] = {
    "tablet": (
        "tablets", "sublingual tablet", "sublingual tablets", "oral tablet", "rapid-dissolve tablet",
        "oral rapid-dissolve tablet", "rapidly dissolving tablet", "RDT", "ODT",
    ),
    "troche": (
        "troches", "lozenge", "lozenges", "sublingual lozenge", "sublingual lozenges", "troche/lozenge",
        "troche (lozenge)", "buccal troche",
        "sublingual troche", "dissolvable troche", "dissolvable troche (lozenge)",
    ),
    "injection": (
        "injections", "injectable", "injectables", "subcutaneous injection", "subcutaneous", "SC", "SQ",
    ),
    "nasal-spray": ("nasal spray", "intranasal", "spray"),
}  # fmt: skip

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def word_key(text: str) -> str:
    """What two spellings of a name share: lower case, letters and digits only."""
    return _NON_ALNUM.sub("", text.casefold())


_ROUTE_INDEX: dict[str, str] = {}
for _route, _aliases in ROUTES.items():
    for _word in (_route, *_aliases):
        _ROUTE_INDEX[word_key(_word)] = _route


def route_id(text: str) -> str | None:
    """``'Sublingual tablet'`` -> ``'tablet'``; ``None`` when no route is named so."""
    return _ROUTE_INDEX.get(word_key(text))


#: words a data file uses for several routes at once
ROUTE_FAMILIES: dict[str, tuple[str, ...]] = {"oral": ("tablet", "troche")}
_FAMILY_INDEX = {word_key(word): routes for word, routes in ROUTE_FAMILIES.items()}


#: a qualifier in brackets after a route's word: ``oral (low-dose)``, ``tablet (RDT)``
_QUALIFIER = re.compile(r"\([^)]*\)")


def route_ids(text: str) -> tuple[str, ...] | None:
    """The routes a data file's word names: one (``lozenge`` -> troche), a family
    (``oral`` -> tablet, troche), or ``None`` when the word names no known route. A word
    with a qualifier in brackets names what it names without it (``oral (low-dose)``)."""
    for candidate in (text, _QUALIFIER.sub(" ", text)):
        key = word_key(candidate)
        found = _ROUTE_INDEX.get(key)
        if found is not None:
            return (found,)
        if key in _FAMILY_INDEX:
            return _FAMILY_INDEX[key]
    return None


def insurer_names(name: str) -> tuple[str, ...]:
    """The keys an insurer listed as ``name`` answers to: the whole name and, for
    ``Cigna/Evernorth Behavioral Health``, each name around the slash."""
    parts = [name, *name.split("/")] if "/" in name else [name]
    return tuple(dict.fromkeys(k for k in map(word_key, parts) if k))


def match_insurer(query: str, names: tuple[str, ...] | list[str]) -> str | None:
    """The listed insurer that ``query`` names exactly (ignoring case and
    punctuation), or ``None``: ``aetna`` -> ``Aetna``; ``e`` -> ``None``."""
    key = word_key(query)
    if not key:
        return None
    for name in names:
        if key in insurer_names(name):
            return name
    return None
