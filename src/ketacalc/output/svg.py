"""An accessible inline SVG line chart of cost curves (pure string building).

The same points as the terminal chart: a step line per provider, flat until the
next N. Each provider has a colour, a dash pattern and a marker shape, so colour
is never the only cue; the chart has a ``<title>`` and a ``<desc>`` naming every
curve in words, axes with ticks and units, and a legend. Every string that
comes from the data file is escaped. It is drawn for the report, a page read by
someone who never ran the command: its notes are in the page's words (no option named).
"""

from __future__ import annotations

import textwrap
from decimal import Decimal
from html import escape

from ketacalc.domain.curves import CurveResult, Series
from ketacalc.money import money_display
from ketacalc.output.notes import not_ranked_reason, sentences, series_label
from ketacalc.output.plot import chart_title, nice_step, segments

# Okabe–Ito colours (distinct for the common kinds of colour blindness), dark enough on white
COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#7A5C00", "#000000", "#56B4E9", "#994F00")
DASHES = ("", "8 4", "2 3", "10 3 2 3", "5 5", "1 4", "12 6", "4 2 1 2")
SHAPES = ("circle", "square", "triangle", "diamond", "cross", "plus", "down", "bar")

LEFT, RIGHT, TOP, BOTTOM = 78, 16, 16, 56  # LEFT: the least; wider price labels widen it
LABEL_CHAR = 7.6  # a price label's character, at 13 px, at most (digits, "$"; "," is narrower)
TITLE_X = 14  # the rotated axis title's centre: 7 either side at 13 px
LEGEND_ROW = 22
LEGEND_LINE = 16  # a legend entry's next line
#: a legend line's characters at most: about 7.5 units each at 13 px, in the 580 right of the sample
LEGEND_CHARS = 72


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def marker(shape: str, x: float, y: float, color: str, size: float = 4.0) -> str:
    """A marker shape centred on (x, y)."""
    s = size
    if shape == "circle":
        return f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(s)}" fill="{color}"/>'
    if shape == "square":
        return f'<rect x="{_num(x - s)}" y="{_num(y - s)}" width="{_num(2 * s)}" height="{_num(2 * s)}" fill="{color}"/>'
    if shape in ("triangle", "down"):
        d = -1 if shape == "triangle" else 1
        points = f"{_num(x)},{_num(y + d * s * 1.2)} {_num(x - s * 1.1)},{_num(y - d * s * 0.8)} {_num(x + s * 1.1)},{_num(y - d * s * 0.8)}"
        return f'<polygon points="{points}" fill="{color}"/>'
    if shape == "diamond":
        points = f"{_num(x)},{_num(y - s * 1.3)} {_num(x + s * 1.3)},{_num(y)} {_num(x)},{_num(y + s * 1.3)} {_num(x - s * 1.3)},{_num(y)}"
        return f'<polygon points="{points}" fill="{color}"/>'
    if shape == "cross":
        return (
            f'<path d="M{_num(x - s)} {_num(y - s)}L{_num(x + s)} {_num(y + s)}M{_num(x - s)} {_num(y + s)}'
            f'L{_num(x + s)} {_num(y - s)}" stroke="{color}" stroke-width="2.2" fill="none"/>'
        )
    if shape == "plus":
        return (
            f'<path d="M{_num(x - s * 1.2)} {_num(y)}H{_num(x + s * 1.2)}M{_num(x)} {_num(y - s * 1.2)}'
            f'V{_num(y + s * 1.2)}" stroke="{color}" stroke-width="2.2" fill="none"/>'
        )
    # bar: a short vertical bar
    return f'<rect x="{_num(x - s / 3)}" y="{_num(y - s * 1.3)}" width="{_num(s * 2 / 3)}" height="{_num(s * 2.6)}" fill="{color}"/>'


def _style(index: int) -> tuple[str, str, str]:
    return COLORS[index % len(COLORS)], DASHES[index % len(DASHES)], SHAPES[index % len(SHAPES)]


def describe(result: CurveResult) -> str:
    """The chart in words, for the ``<desc>`` (read by screen readers)."""
    unit = result.unit
    parts = [f"Step lines of the total cost in US dollars of 1 to N {unit}, one per provider."]
    for s in result.series:
        known = s.known
        if not known:
            continue
        (n0, t0), (n1, t1) = known[0], known[-1]
        text = f"{s.name}: {money_display(t0)} for {n0} {unit if n0 != 1 else unit.rstrip('s')}"
        if n1 != n0:
            text += f", rising to {money_display(t1)} for {n1}"
        parts.append(text + ".")
    parts.extend(sentences(result.notes, page=True))
    return " ".join(parts)


def _legend_text(s: Series, not_ranked: str | None) -> str:
    text = series_label(s.name, s.notes, page=True)  # the report's chart: no option named
    extra = [f"{s.insured_label[0].upper()}{s.insured_label[1:]}." if s.insured_label else ""]
    extra.append(f"Not ranked: {not_ranked}." if not_ranked else "")
    said = " ".join(e for e in extra if e)
    if not said:
        return text
    return f"{text} {said}" if text != s.name else f"{text} — {said}"


def svg_chart(result: CurveResult, width: int = 720, height: int = 380, id_prefix: str = "curves") -> str:
    """The chart as one ``<svg>`` element (no scripts, no external references)."""
    drawn = [(i, s) for i, s in enumerate(result.series) if s.known]
    # each entry whole, on as many lines as it needs (a cut entry lost who a plan is for)
    # and what the ranking under the chart says of the line: insured prices, and why a line
    # drawn lowest may not be named cheapest (not known to serve the state)
    not_ranked = {n.provider: not_ranked_reason(n) for n in result.ranking.not_ranked}
    labels = [
        textwrap.wrap(_legend_text(s, not_ranked.get(s.name)), LEGEND_CHARS, break_on_hyphens=False)
        or [s.name]
        for _, s in drawn
    ]
    legend_height = sum(LEGEND_ROW + LEGEND_LINE * (len(lines) - 1) for lines in labels) + (8 if drawn else 0)
    total_height = height + legend_height
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {total_height}" '
        f'width="100%" role="img" aria-labelledby="{title_id} {desc_id}" class="chart" '
        'font-family="system-ui, sans-serif" font-size="13">',
        f'<title id="{title_id}">{_e(chart_title(result))}</title>',
        f'<desc id="{desc_id}">{_e(describe(result))}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{total_height}" fill="#ffffff"/>',
    ]
    top = result.top
    if not drawn or top is None:
        out.append(
            f'<text x="{width // 2}" y="{height // 2}" text-anchor="middle">'
            "No provider has a known price to draw.</text></svg>"
        )
        return "\n".join(out)
    counts = sorted({n for _, s in drawn for n, _ in s.known})
    low, high = counts[0], counts[-1]
    x_min, x_max = (low - 1, high + 1) if low == high else (low, high)
    y_step = nice_step(float(top), 5)
    y_ticks = [i * y_step for i in range(int(float(top) // y_step) + 2)]
    y_max = y_ticks[-1]
    # the widest price label sets the left margin: the axis title stands left of the labels,
    # never over them ("total cost (USD)" was drawn across "$15,000")
    widest = max(len(f"${value:,.0f}") for value in y_ticks) * LABEL_CHAR
    left = max(LEFT, round(TITLE_X * 2 + 8 + widest))
    plot_w, plot_h = width - left - RIGHT, height - TOP - BOTTOM

    def sx(n: float) -> float:
        return left + (n - x_min) / (x_max - x_min) * plot_w

    def sy(value: float | Decimal) -> float:
        return TOP + plot_h - float(value) / y_max * plot_h

    # axes, grid and ticks
    out.append('<g class="axes" stroke="#555" stroke-width="1">')
    for value in y_ticks:
        y = sy(value)
        out.append(f'<line x1="{left}" y1="{_num(y)}" x2="{left + plot_w}" y2="{_num(y)}" stroke="#ddd"/>')
        out.append(f'<line x1="{left - 5}" y1="{_num(y)}" x2="{left}" y2="{_num(y)}"/>')
        out.append(
            f'<text x="{left - 8}" y="{_num(y + 4)}" text-anchor="end" stroke="none" fill="#222">'
            f"${value:,.0f}</text>"
        )
    x_step = max(1, int(nice_step(high - low, 10))) if high > low else 1
    x_ticks = [n for n in range(low, high + 1) if (n - low) % x_step == 0] or [low]
    for n in x_ticks:
        x = sx(n)
        out.append(f'<line x1="{_num(x)}" y1="{TOP + plot_h}" x2="{_num(x)}" y2="{TOP + plot_h + 5}"/>')
        out.append(
            f'<text x="{_num(x)}" y="{TOP + plot_h + 20}" text-anchor="middle" stroke="none" fill="#222">{n}</text>'
        )
    out.append(f'<line x1="{left}" y1="{TOP}" x2="{left}" y2="{TOP + plot_h}"/>')
    out.append(f'<line x1="{left}" y1="{TOP + plot_h}" x2="{left + plot_w}" y2="{TOP + plot_h}"/>')
    out.append("</g>")
    out.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{TOP + plot_h + 42}" text-anchor="middle" fill="#222">'
        f"{_e(result.unit)}</text>"
    )
    out.append(
        f'<text transform="translate({TITLE_X} {TOP + plot_h / 2:.1f}) rotate(-90)" text-anchor="middle" '
        'fill="#222">total cost (USD)</text>'
    )

    # the curves
    every = max(1, len(counts) // 36)  # markers on at most ~36 points per curve
    for index, s in drawn:
        color, dash, shape = _style(index)
        out.append(f'<g class="series" aria-label="{_e(s.name)}">')
        out.append(f"<title>{_e(s.name)}</title>")
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        for run in segments(s):
            path = [f"M{_num(sx(run[0][0]))} {_num(sy(run[0][1]))}"]
            for (_, prev), (n, total) in zip(run, run[1:], strict=False):
                path.append(f"H{_num(sx(n))}")
                if total != prev:
                    path.append(f"V{_num(sy(total))}")
            if len(run) > 1:
                out.append(
                    f'<path d="{"".join(path)}" fill="none" stroke="{color}" stroke-width="2.4"{dash_attr}/>'
                )
        known = s.known  # built once: asking for it at every point made a long range quadratic
        for position, (n, total) in enumerate(known):
            if position % every == 0 or position == len(known) - 1:
                out.append(
                    f"<g><title>{_e(s.name)}: {n} {_e(result.unit if n != 1 else result.unit.rstrip('s'))}, "
                    f"{_e(money_display(total))}</title>" + marker(shape, sx(n), sy(total), color) + "</g>"
                )
        out.append("</g>")

    # the legend: a line sample with its dash and marker, and the provider's name
    out.append('<g class="legend">')
    y = height + 8
    for (index, _s), lines in zip(drawn, labels, strict=True):
        color, dash, shape = _style(index)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line x1="{left}" y1="{y}" x2="{left + 44}" y2="{y}" stroke="{color}" stroke-width="2.4"{dash_attr}/>'
        )
        out.append(marker(shape, left + 22, y, color))
        x = left + 54
        spans = "".join(
            f'<tspan x="{x}" dy="{0 if k == 0 else LEGEND_LINE}">{_e(line)}</tspan>'
            for k, line in enumerate(lines)
        )
        out.append(f'<text x="{x}" y="{y + 4}" fill="#222">{spans}</text>')
        y += LEGEND_ROW + LEGEND_LINE * (len(lines) - 1)
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)
