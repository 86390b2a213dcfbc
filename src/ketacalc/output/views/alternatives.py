"""``alternatives``: treatments given in person, priced apart from at-home care."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ketacalc.money import money_str
from ketacalc.output.tableview import GOES_ON, Column, TableView
from ketacalc.output.views.common import CURRENCY, Report, caption, iso, money, show_date
from ketacalc.output.views.cost import STALE_MARK
from ketacalc.version import SCHEMA_VERSION

if TYPE_CHECKING:
    from ketacalc.data.catalog import AltFigure, Catalog
    from ketacalc.domain.answers import AlternativesAnswer

#: the answer's first words: what these are, and what ketacalc never does with them
HEADLINE = (
    "Treatments given in person, not at home, that a person may price against at-home care. "
    "ketacalc lists what sources publish of them; it never ranks them against an at-home course "
    "(another treatment, another setting) and recommends none: ask a clinician."
)


def figure_text(f: AltFigure) -> str:
    """``$400.00–$800.00``, or one amount."""
    return money(f.amount) if f.amount is not None else f"{money(f.low)}–{money(f.high)}"


class AlternativesReport(Report):
    """One record per treatment, with every figure and note as known on the as-of date."""

    FIELDS = ("alternative", "name", "setting", "figures", "notes")

    def __init__(self, catalog: Catalog, answer: AlternativesAnswer) -> None:
        self.catalog = catalog
        self.answer = answer

    def _tier(self, source: str) -> str | None:
        found = self.catalog.sources.get(source)
        return found.tier if found is not None else None

    def records(self) -> Iterator[dict[str, Any]]:
        for item in self.answer.items:
            alt = item.alternative
            yield {
                "schema_version": SCHEMA_VERSION,
                "alternative": alt.id,
                "name": alt.name,
                "setting": alt.setting,
                "currency": CURRENCY,
                "figures": [
                    {
                        "what": f.what,
                        "amount": money_str(f.amount),
                        "low": money_str(f.low),
                        "high": money_str(f.high),
                        "source": f.source,
                        "tier": self._tier(f.source),
                        "as_of": iso(f.as_of),
                        "stale": self.answer.stale(f),
                        "note": f.note,
                    }
                    for f in item.figures
                ],
                "notes": [
                    {"text": n.value, "source": n.source, "as_of": iso(n.as_of), "note": n.note}
                    for n in item.notes
                ],
            }

    def rows(self) -> Iterator[dict[str, Any]]:
        for record in self.records():
            yield {
                **record,
                "figures": [
                    f"{f['what']}: {f['amount'] or f['low'] + '-' + f['high']} ({f['source']}, "
                    f"{f['as_of'] or 'undated'}, tier {f['tier']}{', stale' if f['stale'] else ''})"
                    for f in record["figures"]
                ],
                "notes": [f"{n['text']} ({n['source']}, {n['as_of'] or 'undated'})" for n in record["notes"]],
            }

    def table(self) -> TableView:
        rows = []
        stale = False
        for item in self.answer.items:
            alt = item.alternative
            rows.append([f"{alt.name}, {alt.setting}:", "", ""])  # a heading row: one treatment
            for f in item.figures:
                old = self.answer.stale(f)
                stale = stale or old
                rows.append(
                    [
                        f"· {f.what}" + (f"{GOES_ON}({f.note})" if f.note else ""),
                        figure_text(f),
                        f"{f.source}\n{show_date(f.as_of)}{' ' + STALE_MARK if old else ''}, "
                        f"tier {self._tier(f.source)}",
                    ]
                )
            rows += [[f"· Note: {n.value} ({n.source}, {show_date(n.as_of)})", "", ""] for n in item.notes]
        extra = [f"Figures as published, in {CURRENCY}; none is a course ketacalc priced"]
        if stale:
            extra.append(
                f"{STALE_MARK} = a figure more than {self.answer.max_age} days older than {self.answer.as_of}"
            )
        dates = [f.as_of for i in self.answer.items for f in i.figures]
        return TableView(
            columns=[
                Column("Treatment; what the figure is for"),
                Column("Figure", number=True),
                Column("Source"),
            ],
            rows=rows or [["no alternative is recorded", "", ""]],
            title="Alternatives given in person (not ranked against at-home care)",
            caption=caption(dates, ". ".join(extra)),
            headline=[HEADLINE],
        )
