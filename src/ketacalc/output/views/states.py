"""``states`` (one provider, every state) and ``eligibility`` (one state, every provider)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ketacalc.domain.notes import Kind
from ketacalc.money import NOT_PUBLISHED
from ketacalc.output.notes import counted, sentence
from ketacalc.output.tableview import Column, TableView
from ketacalc.output.views.common import (
    Report,
    availability_record,
    availability_text,
    caption,
    iso,
    rule_lines,
    show_date,
    stale_list,
    stale_list_line,
)
from ketacalc.usstates import STATES
from ketacalc.version import SCHEMA_VERSION

if TYPE_CHECKING:
    from datetime import date

    from ketacalc.data.catalog import Fact, InsurerList, Provider
    from ketacalc.domain.eligibility import Availability, StateAnswer, StateSummary


class StatesReport(Report):
    FIELDS = (
        "provider", "state", "state_name", "availability", "availability_reason", "availability_source",
        "availability_as_of", "availability_tier", "in_clinic", "regulation",
    )  # fmt: skip

    def __init__(
        self,
        provider: Provider,
        items: list[Availability],
        said: StateSummary | None = None,
        day: date | None = None,
    ) -> None:
        self.provider = provider
        self.items = items
        self.said = said  # what the provider says of its states: a list, or only a count
        self.day = day  # the day asked: a state list much older is marked stale

    def records(self) -> Iterator[dict[str, Any]]:
        for a in self.items:
            yield {
                "schema_version": SCHEMA_VERSION,
                "provider": a.provider.id,
                "state": a.state,
                "state_name": STATES[a.state],
                **availability_record(a),
            }

    def table(self) -> TableView:
        order = {"available": 0, "unknown": 1, "unavailable": 2}
        listed = sorted(self.items, key=lambda a: order.get(a.status, 1))  # stable: states in order within
        rows = [
            [
                f"{a.state} {STATES[a.state]}",
                availability_text(a, self.day),
                sentence(a.reason) + (f"\nin-clinic: {a.in_clinic.services}" if a.in_clinic else ""),
                a.source or NOT_PUBLISHED,
            ]
            for a in listed
        ]
        counts = {
            s: sum(1 for a in self.items if a.status == s) for s in ("available", "unavailable", "unknown")
        }
        return TableView(
            columns=[
                Column("State"),
                Column("Availability"),
                Column("Why"),
                Column("Source", nowrap=True, priority=1),
            ],
            rows=rows,
            title=f"{self.provider.name}: availability by state (available first)",
            headline=self.headline(),
            caption=caption(
                (a.as_of for a in self.items),
                f"{counts['available']} available, {counts['unavailable']} unavailable, {counts['unknown']} unknown"
                + (
                    f". {stale_list_line(self.day)}"
                    if self.day and any(stale_list(a, self.day) for a in self.items)
                    else ""
                ),
            ),
        )

    def headline(self) -> list[str]:
        """Where the provider is available, listed together, then how many are not or may be."""
        name = self.provider.name
        by = {
            s: [a.state for a in self.items if a.status == s] for s in ("available", "unavailable", "unknown")
        }
        yes = by["available"]
        s = self.said
        closed = next((a for a in self.items if a.reason is not None and a.reason.kind == Kind.CLOSED), None)
        if closed is not None:  # its lists no longer matter: it serves no state
            return [
                f"{name} is {sentence(closed.reason).rstrip('.')} ({closed.source}, {show_date(closed.as_of)})."
            ]
        if not yes and s is not None and not s.known and not s.complete:
            # no list at all: "available in 0 states" would read as "nowhere"
            lines = [f"{name} publishes no list of the states it serves"]
            if s.count is not None:
                lines[0] += (
                    f"; it says {s.count}{'+' if s.count_is_minimum else ''} states "
                    f"({s.source}, {show_date(s.as_of)})"
                )
            lines[0] += "."
        else:
            lines = [
                f"{name} is available in {counted(len(yes), 'state')}"
                + (f": {', '.join(yes)}." if yes else ".")
            ]
            old = [a for a in self.items if a.status == "available" and a.old]
            unofficial = [a for a in self.items if a.status == "available" and a.official is False]
            if old:  # old data says it is old, in the answer too
                dates = ", ".join(sorted({show_date(a.as_of) for a in old}))
                every = "all" if len(old) == len(yes) else f"{len(old)} of them"
                lines[0] = lines[0][:-1] + f" ({every} by an old list, {dates}: check with the provider)."
            elif unofficial:  # a third party's list is not the provider's word: said above the rows
                said = ", ".join(sorted({f"{a.source} ({show_date(a.as_of)})" for a in unofficial}))
                every = "all" if len(unofficial) == len(yes) else f"{len(unofficial)} of them"
                lines[0] = (
                    lines[0][:-1]
                    + f" ({every} by a list not the provider's own: {said}; check with the provider)."
                )
        rest = [f"unavailable in {len(by['unavailable'])}"] if by["unavailable"] else []
        if by["unknown"]:
            rest.append(f"not known in {len(by['unknown'])}")
        if rest:
            lines.append(" and ".join(rest).capitalize() + ".")
        # the rules on the course's dates, as eligibility's headline gives them: the federal
        # one binds every state alike; a state's own, where it may treat, is named
        dated = [a.regulation for a in self.items if a.regulation]  # none where it does not serve
        if dated:
            lines += rule_lines((e for e in dated[0] if e.jurisdiction == "US"), None)
        own = sorted(
            {
                a.state
                for a in self.items
                if a.status != "unavailable"
                for e in a.regulation
                if e.jurisdiction == a.state and not e.caution
            }
        )
        if own:
            lines.append(
                f"A state rule also applies in {', '.join(own)} (see {'its row' if len(own) == 1 else 'their rows'})."
            )
        caution = next((e for a in self.items for e in a.regulation if e.caution), None)
        if caution is not None:  # the other states' own rules: not known, never none
            lines.append(
                f"States with no rule named: {caution.short} ({caution.source}, {caution.as_of.isoformat()})."
            )
        return lines


class EligibilityReport(Report):
    FIELDS = (
        "provider", "name", "state", "availability", "availability_reason", "availability_source",
        "availability_as_of", "availability_tier", "in_clinic", "insurers", "insurers_source", "insurers_as_of",
        "insurance", "insurance_source", "insurance_as_of", "regulation",
    )  # fmt: skip

    def __init__(self, state: str, answers: list[StateAnswer], day: date | None = None) -> None:
        self.state = state
        self.answers = answers
        self.day = day  # the day asked: a state list much older is marked stale

    def records(self) -> Iterator[dict[str, Any]]:
        for a, insurers, said, listing in self.answers:
            yield {
                "schema_version": SCHEMA_VERSION,
                "provider": a.provider.id,
                "name": a.provider.name,
                "state": a.state,
                **availability_record(a),
                "insurers": list(insurers) if insurers is not None else None,
                # the list's own source and date (not the newer yes/no of ``insurance_source``)
                # (an empty list from it too: the list that names none in this state)
                "insurers_source": listing.source if listing is not None and insurers is not None else None,
                "insurers_as_of": iso(listing.as_of)
                if listing is not None and insurers is not None
                else None,
                "insurance": said.value if said is not None else None,
                "insurance_source": said.source if said is not None else None,
                "insurance_as_of": iso(said.as_of) if said is not None else None,
            }

    def table(self) -> TableView:
        rows = [
            [
                a.provider.name,
                availability_text(a, self.day),
                insurers_text(insurers, said, listing),
                a.in_clinic.services if a.in_clinic else NOT_PUBLISHED,
            ]
            for a, insurers, said, listing in self.answers
        ]
        return TableView(
            columns=[
                Column("Provider"),
                Column("Availability"),
                Column("Insurers accepted"),
                Column("In-clinic", priority=1),
            ],
            rows=rows,
            title=f"Who serves {self.state} ({STATES[self.state]})",
            headline=_eligibility_headline(self.state, self.answers, self.day),
            caption=caption(
                # the dates of every fact the table shows: availability, and the insurer cells'
                [
                    *(a.as_of for a, *_ in self.answers),
                    *(
                        listing.as_of
                        for _, insurers, _, listing in self.answers
                        if listing and insurers is not None
                    ),
                    *(said.as_of for _, insurers, said, _ in self.answers if said and not insurers),
                ],
                "none: accepts no insurance, per the source named, not always the provider (source, date)"
                + (
                    f". {stale_list_line(self.day)}"
                    if self.day and any(stale_list(s.availability, self.day) for s in self.answers)
                    else ""
                ),
            ),
        )


def _eligibility_headline(state: str, answers: list[StateAnswer], day: date | None = None) -> list[str]:
    serving = [
        s.availability.provider.name
        + (
            " (old list)"
            if s.availability.old
            else " (stale list)"
            if stale_list(s.availability, day)
            else ""
        )
        for s in answers
        if s.availability.status == "available"
    ]
    maybe = [s.availability.provider.name for s in answers if s.availability.status == "unknown"]
    insured = [
        s.availability.provider.name for s in answers if s.availability.status == "available" and s.insurers
    ]
    lines = [
        f"{counted(len(serving), 'provider')} serve{'s' if len(serving) == 1 else ''} {state}: {_listed(serving)}."
    ]
    if maybe:
        lines.append(f"{len(maybe)} may (not known): {_listed(maybe)}.")
    # a provider whose own insurer list names the state, though no list says it serves it
    listing = [
        s.availability.provider.name for s in answers if s.availability.status == "unknown" and s.insurers
    ]
    also = f"; listing insurers here, service not known: {_listed(listing)}" if listing else ""
    # none known, never "none": a provider whose service there is not known may accept it
    lines.append(f"Accepting insurance in {state}: {_listed(insured) if insured else 'none known'}{also}.")
    dated = [s.availability.regulation for s in answers if s.availability.regulation]
    lines += rule_lines(dated[0] if dated else (), state)  # from one that may treat: none else
    return lines


def insurers_text(
    insurers: tuple[str, ...] | None, said: Fact[bool] | None, listing: InsurerList | None = None
) -> str:
    """The insurers accepted: listed with the list's own source and date, "none" with the
    source that says so, or not published."""
    if said is not None and said.value is False and not insurers:
        return f"none\n({said.source}, {show_date(said.as_of)})"
    if insurers is None:
        return NOT_PUBLISHED
    if not insurers:  # insurance is accepted, but the list names no insurer in this state
        return "none listed" + (
            f"\n({listing.source}, {show_date(listing.as_of)})" if listing is not None else ""
        )
    cited = f"\n({listing.source}, {show_date(listing.as_of)})" if listing is not None else ""
    return ", ".join(insurers) + cited


def _listed(names: list[str]) -> str:
    return ", ".join(names) if names else "none"
