"""Who can treat you where you live: availability of a provider in a state.

Pure core code. A provider's availability in a state is:

- ``available``: the state is on a list of the provider's states;
- ``unavailable``: it is not, and the newest complete list (one that names
  every state served, with no newer count contradicting it) leaves it out;
- ``unknown``: every other case.

Each answer carries the list's source, date and trust tier, and the rules
(:mod:`ketacalc.domain.regulation`) that may affect a course on its dates in
the state: ``regulation``. An ``available`` answer with a rule is not plainly
available: its ``regulation`` says what may stop the treatment.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from ketacalc.data.catalog import Catalog, Fact, InClinic, InsurerList, Provider, StatesObs, newest
from ketacalc.domain.notes import Kind, Note
from ketacalc.domain.regulation import CourseDates, RuleEntry, assumed_course, rules_for
from ketacalc.usstates import STATES

AVAILABLE = "available"
UNAVAILABLE = "unavailable"
UNKNOWN = "unknown"


class Availability(NamedTuple):
    provider: Provider
    state: str
    status: str
    reason: Note  # why: on which list, or what is (not) published
    source: str | None = None
    as_of: date | None = None
    tier: str | None = None
    in_clinic: InClinic | None = None
    regulation: tuple[RuleEntry, ...] = ()  # rules that may affect the course on its dates
    course: CourseDates | None = None  # the dates the rules were checked against
    old: bool = False  # the list it rests on is older than its date says (marked so in the data)

    @property
    def official(self) -> bool | None:
        return None if self.tier is None else self.tier == "A"

    def on_course(self, catalog: Catalog, course: CourseDates, as_of: date | None) -> Availability:
        """The same answer for a course on other dates: the rules in force on them, none for a
        provider known not to serve the state (a rule bears on a course it could give)."""
        rules = rules_for(catalog, self.state, course, as_of) if self.status != UNAVAILABLE else ()
        return self._replace(regulation=rules, course=course)


def _on_or_before(obs: StatesObs, as_of: date | None) -> bool:
    return as_of is None or obs.as_of is None or obs.as_of <= as_of


def _order(obs: StatesObs) -> date:
    return obs.as_of or date.min


def newest_complete_list(provider: Provider, as_of: date | None = None) -> StatesObs | None:
    """The newest complete list, if no newer stated count contradicts it."""
    observations = [o for o in provider.states if _on_or_before(o, as_of)]
    complete = newest((o for o in observations if o.complete), as_of)
    if complete is None:
        return None
    for other in observations:
        if other is complete or other.count is None or _order(other) <= _order(complete):
            continue
        if other.count != len(complete.codes) or other.count_is_minimum:
            return None  # a newer count says the list has changed since
    return complete


def availability(
    catalog: Catalog,
    provider: Provider,
    state: str,
    as_of: date | None = None,
    course: CourseDates | None = None,
) -> Availability:
    """A provider's availability in a state, with the rules on the course's dates
    (``course`` None: a course started on ``as_of``, or today, is assumed)."""
    found = _availability(catalog, provider, state, as_of)
    dates = course if course is not None else assumed_course(as_of or date.today())
    return found.on_course(catalog, dates, as_of)


def _availability(catalog: Catalog, provider: Provider, state: str, as_of: date | None) -> Availability:
    status = newest(provider.status, as_of)
    if status is not None and status.value == "closed":
        source = catalog.sources.get(status.source)
        why = Note(Kind.CLOSED, text=status.note)
        return Availability(
            provider, state, UNAVAILABLE, why, status.source, status.as_of, source.tier if source else None
        )
    observations = [o for o in provider.states if _on_or_before(o, as_of)]
    clinic = next(
        (
            c
            for c in provider.in_clinic
            if state in c.states and (as_of is None or c.as_of is None or c.as_of <= as_of)
        ),
        None,
    )
    # A complete list overrides every older list, even once a newer count says
    # it is out of date: a state it dropped does not come back from older data.
    last_complete = newest((o for o in observations if o.complete), as_of)
    listing = [
        o
        for o in observations
        if state in o.codes and (last_complete is None or _order(o) >= _order(last_complete))
    ]
    if listing:
        best = max(listing, key=_order)
        why = Note(
            Kind.ON_LIST, complete=best.complete, old=best.old, old_note=best.note if best.old else None
        )
        return Availability(
            provider,
            state,
            AVAILABLE,
            why,
            best.source,
            best.as_of,
            catalog.sources[best.source].tier,
            clinic,
            old=best.old,
        )
    complete = newest_complete_list(provider, as_of)
    if complete is not None:
        return Availability(
            provider,
            state,
            UNAVAILABLE,
            Note(Kind.NOT_ON_COMPLETE_LIST, states=len(complete.codes)),
            complete.source,
            complete.as_of,
            catalog.sources[complete.source].tier,
            clinic,
        )
    if not observations:
        return Availability(provider, state, UNKNOWN, Note(Kind.NO_STATES_PUBLISHED), in_clinic=clinic)
    latest = max(observations, key=_order)
    if last_complete is not None:
        why = Note(Kind.LIST_CHANGED)
    elif any(o.codes for o in observations):
        why = Note(Kind.NOT_ON_PARTIAL_LIST)
    else:
        why = Note(Kind.ONLY_A_COUNT)
    return Availability(
        provider,
        state,
        UNKNOWN,
        why,
        latest.source,
        latest.as_of,
        catalog.sources[latest.source].tier,
        clinic,
    )


def all_states(catalog: Catalog, provider: Provider, as_of: date | None = None) -> list[Availability]:
    return [availability(catalog, provider, code, as_of) for code in STATES]


class StateSummary(NamedTuple):
    """What a provider says about how many states it serves."""

    known: int  # states on its lists
    complete: bool
    count: int | None
    count_is_minimum: bool
    as_of: date | None
    source: str | None


def summary(provider: Provider, as_of: date | None = None) -> StateSummary:
    observations = [o for o in provider.states if _on_or_before(o, as_of)]
    complete = newest_complete_list(provider, as_of)
    counted = newest((o for o in observations if o.count is not None), as_of)
    last_complete = newest((o for o in observations if o.complete), as_of)
    floor = _order(last_complete) if last_complete is not None else date.min
    known = {code for o in observations if _order(o) >= floor for code in o.codes}
    latest = max(observations, key=_order) if observations else None
    return StateSummary(
        known=len(known),
        complete=complete is not None,
        count=counted.count if counted else None,
        count_is_minimum=counted.count_is_minimum if counted else False,
        as_of=latest.as_of if latest else None,
        source=latest.source if latest else None,
    )


def insurers_in(provider: Provider, state: str, as_of: date | None = None) -> tuple[str, ...] | None:
    """Accepted insurers in a state: ``()`` where the provider lists none there or says it
    accepts no insurance at all; None when nothing is published."""
    listing = newest(provider.insurers, as_of)
    if listing is None:
        said = newest(provider.insurance, as_of)
        return () if said is not None and said.value is False else None
    return listing.by_state.get(state, ())


class StateAnswer(NamedTuple):
    """One provider's answer for a state: availability and insurers accepted there."""

    availability: Availability
    insurers: tuple[str, ...] | None  # None: nothing published; (): none accepted there
    insurance: Fact[bool] | None = None  # whether it accepts insurance at all, with its source
    listing: InsurerList | None = None  # the list ``insurers`` comes from: its own source and date


#: the order ``eligibility`` lists providers in: who serves the state first
_ORDER = {AVAILABLE: 0, UNKNOWN: 1, UNAVAILABLE: 2}


def serving(catalog: Catalog, state: str, as_of: date | None = None) -> list[StateAnswer]:
    """Every provider's answer for ``state``: available first, then unknown, then
    unavailable (the data file's order within each)."""
    answers = [
        StateAnswer(
            availability(catalog, p, state, as_of),
            insurers_in(p, state, as_of),
            newest(p.insurance, as_of),
            newest(p.insurers, as_of),
        )
        for p in catalog.providers
    ]
    return sorted(answers, key=lambda a: _ORDER[a.availability.status])


def resolve_insurer(
    catalog: Catalog, text: str, state: str, as_of: date | None, providers: Iterable[Provider]
) -> str:
    """The insurer a person names, as the data file lists it: known to some provider
    (exactly, or by a declared alias), else an error listing those that accept
    ``providers``' clients in ``state``."""
    from ketacalc.io.inputs import parse_insurer

    known = {
        name
        for p in catalog.providers
        for listing in p.insurers
        for names in listing.by_state.values()
        for name in names
    }
    here = dict.fromkeys(name for p in providers for name in (insurers_in(p, state, as_of) or ()))
    return parse_insurer(text, sorted(known), list(here), state)
