"""``chart``: cost curves, drawn for people or given as points for scripts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from ketacalc.money import NOT_PUBLISHED, money_str
from ketacalc.output.tableview import Column, TableView
from ketacalc.output.views.common import CURRENCY, DISCLAIMER, Report, iso, money, regulation_records
from ketacalc.version import SCHEMA_VERSION

if TYPE_CHECKING:
    from ketacalc.domain.curves import CurveResult


class ChartReport(Report):
    """One record per provider and N; ``draw`` plots the curves in a terminal."""

    FIELDS = (
        "provider", "name", "unit", "n", "total", "total_low", "total_high", "currency", "pricing", "availability",
        "route",
        "modality", "ranked", "stale", "oldest_price", "plan_conditions", "regulation",
    )  # fmt: skip

    def __init__(self, result: CurveResult, width: int, color: bool) -> None:
        self.result = result
        self.width = width
        self.color = color

    def records(self) -> Iterator[dict[str, Any]]:
        ranked = {s.id for s in self.result.ranking.ranked}
        for s in self.result.series:
            # what the table says beside the line: whether it may be called cheapest (served
            # where asked, sessions, self-pay...), how old its prices are, who its plans are for
            about = {
                "availability": s.availability,
                "route": s.route,
                "modality": s.modality,
                "ranked": s.id in ranked,
                "stale": s.stale,
                "oldest_price": iso(s.oldest_price),
                "plan_conditions": [
                    {
                        "plan": n.plan_id,
                        "name": n.plan,
                        "condition": n.condition,
                        "source": n.source,
                        "as_of": iso(n.as_of),
                    }
                    for n in s.plan_conditions
                ],
            }
            for i, (n, total) in enumerate(s.points):
                low, high = s.bounds_at(i)
                yield {
                    "schema_version": SCHEMA_VERSION,
                    "provider": s.id,
                    "name": s.name,
                    "unit": self.result.unit,
                    "n": n,
                    "total": money_str(total),
                    # with the estimates beside it (medication), as cost's total_low and total_high
                    "total_low": money_str(low),
                    "total_high": money_str(high),
                    "currency": CURRENCY,
                    # as compare's rows say it: an insured total is one (None: no total)
                    "pricing": s.pricings[i] if s.pricings else None,
                    **about,
                    "regulation": regulation_records(self.result.regulation_at(n)),
                }

    def rows(self) -> Iterator[dict[str, Any]]:
        for record in self.records():
            yield {
                **record,
                "plan_conditions": [f"{c['plan']}: {c['condition']}" for c in record["plan_conditions"]],
                "regulation": [r["summary"] for r in record["regulation"]],
            }

    def draw(self, out: IO[str]) -> None:
        from ketacalc.output.plot import write_chart

        write_chart(self.result, out, self.width, self.color, DISCLAIMER)

    def table(self) -> TableView:
        """The points as a table (for Markdown): a row per N, a column per provider."""
        series = self.result.series
        counts = sorted({n for s in series for n, _ in s.points})
        totals = [dict(s.points) for s in series]
        return TableView(
            columns=[Column(self.result.unit.capitalize(), number=True)]
            + [Column(s.name, number=True) for s in series],
            rows=[
                [str(n)] + [money(t.get(n)) if t.get(n) is not None else NOT_PUBLISHED for t in totals]
                for n in counts
            ],
            title="Total cost by number of " + self.result.unit,
            caption=self._caption(),
        )

    def _caption(self) -> str:
        """What the drawing says beside its curves, in words below the table (Markdown): the
        prices' dates, what is estimated apart or stale, the cheapest, the rules, the notice."""
        from ketacalc.output.notes import sentences
        from ketacalc.output.plot import chart_title, cheapest_lines, regulation_lines

        wide = 10_000  # one line each: the Markdown paragraph joins them
        result = self.result
        parts = [chart_title(result)]
        parts += [text for s in result.series for text in sentences(s.notes)]
        stale = [s.name for s in result.series if s.stale]
        if stale:
            parts.append(f"Stale prices (older than --max-age): {', '.join(stale)}")
        parts += [*cheapest_lines(result, wide), *regulation_lines(result, wide)]
        parts += [f"{NOT_PUBLISHED} = not published", DISCLAIMER]
        return ". ".join(p.rstrip(".") for p in parts) + "."
