"""The terminal chart of cost curves, drawn with plotext (imported only here).

Each provider has its own marker, so the lines are told apart without colour;
the legend below the chart names every provider drawn with its marker. The
chart fits the width it is given; colour only on a terminal without NO_COLOR.
A short range (a few N, each with room for every provider's mark) is drawn as
marks side by side at each N (:func:`dodge`): step lines across the width would
lie over one another, and a tie would hide a provider.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import IO, NamedTuple

from ketacalc.domain.curves import CurveResult, Series
from ketacalc.errors import inert
from ketacalc.output.notes import NO_STATE_CHECKED, counted, rule_cited, sentences, series_label
from ketacalc.output.terminal import MAX_WIDTH, MIN_WIDTH

MARKERS = ("x", "o", "+", "*", "#", "@", "%", "=", "&", "~")
COLORS = ("red", "blue", "green", "magenta", "cyan", "orange", "yellow", "white")
HEIGHT = 20


def marker_for(index: int) -> str:
    return MARKERS[index % len(MARKERS)]


def nice_step(span: float, ticks: int) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about ``ticks`` ticks."""
    if span <= 0:
        return 1.0
    raw = span / max(ticks, 1)
    power = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 1.0
    for factor in (1, 2, 2.5, 5, 10):
        if power * factor >= raw:
            return power * factor
    return power * 10  # pragma: no cover - the loop always returns


def dollars(value: float) -> str:
    return f"${value:,.0f}"


def segments(series: Series) -> Iterator[list[tuple[int, Decimal]]]:
    """Runs of consecutive N with a known total: only there is a step line honest
    (between 6 and 12 sessions asked as a list, nothing is known)."""
    run: list[tuple[int, Decimal]] = []
    for n, total in series.points:
        if total is None or (run and n != run[-1][0] + 1):
            if run:
                yield run
            run = []
        if total is not None:
            run.append((n, total))
    if run:
        yield run


def steps(run: list[tuple[int, Decimal]]) -> tuple[list[float], list[float]]:
    """A step line through the totals: flat until the next N, then up (or down)."""
    xs: list[float] = []
    ys: list[float] = []
    for index, (n, total) in enumerate(run):
        if index:
            xs.append(n)
            ys.append(float(run[index - 1][1]))
        xs.append(n)
        ys.append(float(total))
    return xs, ys


#: the widest a provider's mark at one N is drawn in a short range (its own columns, then a gap)
MAX_SLOT = 8


class Dodge(NamedTuple):
    """A short range drawn in columns: each N has a band of the plot's ``inner`` columns,
    and each of ``lines`` providers a slot in it, side by side, in the legend's order:
    a mark ``slot - 1`` columns wide at its total, then a gap. No step line joins them, so
    no line is drawn over another, and equal totals stay side by side."""

    low: int
    band: float
    slot: int
    lines: int

    def centre(self, n: int) -> int:
        return int((n - self.low + 0.5) * self.band)

    def columns(self, n: int, line: int) -> tuple[int, int]:
        """The first and last column of the ``line``-th provider's mark at ``n``."""
        first = self.centre(n) - (self.lines * self.slot - 1) // 2 + line * self.slot
        return first, first + self.slot - 2


def dodge(low: int, high: int, inner: int, lines: int) -> Dodge | None:
    """How a range of N (``low`` to ``high``) is drawn as marks side by side in ``inner``
    columns, when each band has room for every provider's mark and a gap (and a column
    either side) and for its N's label; None for a longer range, drawn as step lines."""
    band = inner / (high - low + 1)
    slot = min(MAX_SLOT, (int(band) - 2) // max(lines, 1))
    return Dodge(low, band, slot, lines) if slot >= 2 and int(band) > len(str(high)) else None


def chart_title(result: CurveResult) -> str:
    q = result.query
    where = f" in {q.state}" if q.state else ""
    who = "returning" if q.returning else "new"
    dates = result.prices_as_of
    dated = f"prices dated {' to '.join(d.isoformat() for d in dates)}" if dates else "no prices"
    paid = ", paid in full" if q.pay_in_full else ""
    insured = ", with insurance where accepted" if q.insurer else ""
    return f"Total cost of N {result.unit}{where}, {who} client{paid}{insured} (USD, {dated})"


def legend_lines(result: CurveResult, width: int, overdrawn: bool = True) -> list[str]:
    """A line a provider: its marker, its name and what its curve's notes say. Where lines are
    drawn over one another (``overdrawn``: not side by side), a curve drawn under another with
    the same prices at every N is said to be hidden under it (only the last one shows)."""
    lines = []
    series = result.series
    known = [s.known for s in series] if overdrawn else []  # each worked out once
    for index, s in enumerate(series):
        label = series_label(s.name, s.notes)
        if overdrawn and known[index]:
            over = next((k for k in range(len(series) - 1, index, -1) if known[k] == known[index]), None)
            if over is not None:
                hidden = f"idden under {marker_for(over)} {series[over].name}: the same prices at every N."
                label += f" H{hidden}" if label != s.name else f" — h{hidden}"
        text = f"{marker_for(index)}  {inert(label)}"
        lines.extend(textwrap.wrap(text, width, subsequent_indent="   ", break_on_hyphens=False))
    return lines


def cheapest_lines(result: CurveResult, width: int, notice: str = "") -> list[str]:
    """Which provider is cheapest where, among comparable curves only: the crossing points
    in words, what was left out and why, stale marks and the notice."""
    ranking = result.ranking
    if not ranking.cheapest_from and not ranking.not_ranked:
        return []
    # what the reader must know of the line named: insured prices (what the insured person
    # pays, beside self-pay ones), prices past their age
    said = {}
    for s in ranking.ranked:
        marks = [word for word in (s.insured_label, "stale prices" if s.stale else None) if word]
        said[s.name] = f" ({', '.join(marks)})" if marks else ""
    unit = result.unit.rstrip("s")  # "from 1 session", "from 2 sessions"
    totals = {s.name: dict(s.known) for s in ranking.ranked}

    def tied(name: str, n: int) -> str:  # the first by name is no cheaper than an equal total
        others = [o for o in totals if o != name and totals[o].get(n) == totals[name].get(n)]
        return f" (tied with {', '.join(inert(o) for o in others)})" if others else ""

    parts = [
        f"{inert(name)}{said[name]} from {n} {unit if n == 1 else result.unit}{tied(name, n)}"
        for name, n in ranking.cheapest_from
    ]
    if parts:
        text = f"Cheapest: {'; '.join(parts)}."
    elif len(ranking.ranked) == 1:  # one comparable line: the cheapest of nothing
        text = f"Only {inert(ranking.ranked[0].name)} is comparable here; no line is ranked cheapest."
    else:
        text = "No line drawn is ranked cheapest."
    if ranking.not_ranked:
        text += f" Not ranked: {'; '.join(sentences(ranking.not_ranked))}."
    if notice:
        text += f" {notice}"
    return textwrap.wrap(text, width, break_on_hyphens=False)


def headline(result: CurveResult, width: int) -> list[str]:
    """The answer first: who is cheapest where, how many are drawn and how many left
    out (the notes on stderr say why), then a blank line."""
    drawn = [s for s in result.series if s.known]
    text = []
    if len(drawn) == 1:  # one line: its prices in words, then why it is (or is not) ranked
        known = drawn[0].known
        text = textwrap.wrap(
            f"{inert(drawn[0].name)}: {dollars(float(known[0][1]))} for {known[0][0]} to "
            f"{dollars(float(known[-1][1]))} for {known[-1][0]} {result.unit}.",
            width,
            break_on_hyphens=False,
        )
    text += cheapest_lines(result, width)
    left = len({s.id for s in result.series if not s.known} | set(result.left_out))
    count = f"{counted(len(drawn), 'provider')} drawn"
    count += f"; {left} left out (see the notes)." if left else "."
    text += textwrap.wrap(count, width, break_on_hyphens=False)
    return [*text, ""]


def regulation_lines(result: CurveResult, width: int) -> list[str]:
    """The rules on the dates of the longest course drawn, one line each with its date."""
    return [
        line
        for text in regulation_sentences(result)
        for line in textwrap.wrap(text, width, break_on_hyphens=False)
    ]


def regulation_sentences(result: CurveResult, today: date | None = None) -> list[str]:
    """The rules on the dates of the longest course drawn, a sentence each with its source
    (the terminal wraps them under the chart; the report prints them under its SVG, dated
    ``today``, never "from today"); without a state, that state rules were not checked."""
    longest = max(result.regulation, default=None)
    unchecked = [NO_STATE_CHECKED] if result.query.state is None else []
    if longest is None:
        return unchecked
    unit = result.unit.rstrip("s") if longest == 1 else result.unit
    lines = []
    for e in result.regulation_at(longest):
        q = result.query  # the course starts on --start, else on the as-of date (today by default)
        begins = q.start or q.as_of or today
        start = begins.isoformat() if begins else "today"
        summary = rule_cited(e)  # with its source, as cost says it
        course = f"a course of up to {longest} {unit} from {start}"
        if summary.startswith("In "):  # a state's rule names its state: "In AL" is said once
            text = f"For {course}: {summary}"
        else:
            text = f"In {result.query.state or 'every state'}, for {course}: {summary}"
        lines.append(text)
    return lines + unchecked


def render_chart(result: CurveResult, width: int, color: bool, height: int = HEIGHT, notice: str = "") -> str:
    """The chart as text, ``width`` columns wide at most."""
    import plotext as plt

    width = min(max(width, MIN_WIDTH), MAX_WIDTH)  # COLUMNS=1000000 must not take minutes
    lines = headline(result, width)
    lines += textwrap.wrap(chart_title(result), width, break_on_hyphens=False)
    drawn = [s for s in result.series if s.known]
    top = result.top
    if not drawn or top is None:
        lines.append("No provider has a known price to draw.")
        return "\n".join(lines) + "\n"
    counts = sorted({n for s in drawn for n, _ in s.known})
    low, high = counts[0], counts[-1]
    y_step = nice_step(float(top), 5)
    y_ticks = [i * y_step for i in range(int(float(top) // y_step) + 2)]
    y_labels = [dollars(v) for v in y_ticks]
    inner = width - max(map(len, y_labels)) - 2  # the plot's columns, inside its frame
    short = dodge(low, high, inner, len(drawn))

    plt.clear_figure()
    plt.plotsize(width, height)
    plt.theme("clear" if not color else "pro")
    for index, s in enumerate(result.series):
        marker = marker_for(index)
        style = {"marker": marker}
        if color:
            style["color"] = COLORS[index % len(COLORS)]
        if short is not None:  # each total its own mark, in the provider's slot at its N
            for n, total in s.known:
                first, last = short.columns(n, [id(d) for d in drawn].index(id(s)))
                plt.plot([first, last], [float(total)] * 2, **style)
            continue
        for run in segments(s):
            xs, ys = steps(run)
            if len(xs) == 1:
                plt.scatter(xs, ys, **style)
            else:
                plt.plot(xs, ys, **style)
    plt.ylim(0, y_ticks[-1])
    plt.yticks(y_ticks, y_labels)
    if short is not None:  # the columns themselves: a tick over the middle of each N's marks
        plt.xlim(0, inner - 1)
        plt.xticks([short.centre(n) for n in counts], [str(n) for n in counts])
    elif low == high:
        plt.xlim(low - 1, high + 1)
        plt.xticks([low], [str(low)])
    else:
        x_step = max(1, int(nice_step(high - low, max(2, min(10, width // 10)))))
        x_ticks = [n for n in range(low, high + 1) if (n - low) % x_step == 0 or n == high]
        if len(x_ticks) > 1 and x_ticks[-1] - x_ticks[-2] < x_step / 2:
            x_ticks.pop(-2)  # the last tick too close to the one before
        plt.xlim(low, high)
        plt.xticks(x_ticks, [str(n) for n in x_ticks])
    plt.xlabel(result.unit)
    text = plt.build()
    plt.clear_figure()
    if not color:
        text = plt.uncolorize(text)
    lines.extend(line.rstrip() for line in text.splitlines())
    lines.extend(legend_lines(result, width, overdrawn=short is None))
    lines.extend(regulation_lines(result, width))
    if notice:
        lines.extend(textwrap.wrap(notice, width, break_on_hyphens=False))
    return "\n".join(lines) + "\n"


def write_chart(result: CurveResult, out: IO[str], width: int, color: bool, notice: str = "") -> None:
    from ketacalc.output.terminal import show

    show(render_chart(result, width, color, notice=notice), out)
