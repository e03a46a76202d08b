"""Horizontal bar charts, drawn at build time as inline SVG: no script, no library.

The SVG has no viewBox on purpose: bar lengths are percentages of its width
and its text keeps the page's font size, so a chart reads the same on a
360 px phone as on a desktop instead of shrinking its labels. Each label sits
on its own line above its bar and the figure is printed just past the bar's
end; the longest bar is cut short enough that its figure fits on a phone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Sequence

from markupsafe import Markup, escape

from builder.core import i18n

if TYPE_CHECKING:
    from builder.site.totals import Totals

FONT = 14          # px; the size style.css gives chart text
LINE = 20          # px per label line
BAR = 16           # px bar thickness
GAP = 14           # px between one bar and the next label
NARROWEST = 296    # px the chart has on a 360 px screen, inside the page margins
VALUE_GAP = 6      # px between a bar's end and its figure

_TOKENS = re.compile(r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+\s*|\s+")


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal
    shown: str   # the value as printed beside the bar


def text_width(text: str) -> float:
    """An estimate in px: CJK characters are square, Latin ones narrower."""
    return sum(FONT if ord(c) >= 0x2E80 else FONT * 0.6 for c in text)


def wrap(text: str, width: float = NARROWEST) -> list[str]:
    """Break a label into lines that fit `width`: between words, or between CJK characters."""
    lines, line = [], ""
    for token in _TOKENS.findall(text):
        if line and text_width(line + token.rstrip()) > width:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    return [*lines, line.rstrip()] if line.strip() else lines or [""]


def longest_bar(bars: Sequence[Bar]) -> Decimal:
    """The share of the width the largest bar may take, leaving room for its figure."""
    widest = max(text_width(b.shown) for b in bars)
    room = Decimal(1) - Decimal(int(widest + VALUE_GAP + 4)) / NARROWEST
    return min(max(room, Decimal("0.3")), Decimal("0.8"))


def percent_widths(bars: Sequence[Bar]) -> list[Decimal]:
    top = max((b.value for b in bars), default=Decimal(0))
    if top <= 0:
        return [Decimal(0) for _ in bars]
    scale = longest_bar(bars) * 100 / top
    # A non-zero amount always shows a sliver, so it never reads as nothing.
    return [max(b.value * scale, Decimal("0.5")).quantize(Decimal("0.01")) if b.value > 0
            else Decimal(0) for b in bars]


def bar_chart(bars: Sequence[Bar], chart_id: str, title: str, desc: str) -> Markup:
    """An accessible SVG bar chart: role img, named by its <title> and <desc>."""
    rows, y = [], 0
    for bar, width in zip(bars, percent_widths(bars)):
        row, y = _row(bar, width, y)
        rows.append(row)
    head = (f'<svg class="chart" id="{escape(chart_id)}" xmlns="http://www.w3.org/2000/svg" '
            f'width="100%" height="{max(y - GAP, 1)}" role="img" focusable="false" '
            f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc">'
            f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
            f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>')
    return Markup(head + "".join(rows) + "</svg>")


def _row(bar: Bar, width: Decimal, top: int) -> tuple[str, int]:
    lines = wrap(bar.label)
    labels = "".join(f'<text class="chart-label" x="0" y="{top + LINE * n + FONT}">'
                     f'{escape(line)}</text>' for n, line in enumerate(lines))
    bar_top = top + LINE * len(lines) + 2
    shape = (f'<rect class="chart-bar" x="0" y="{bar_top}" width="{width}%" '
             f'height="{BAR}"/>')
    value = (f'<text class="chart-value" x="{width}%" dx="{VALUE_GAP}" '
             f'y="{bar_top + BAR - 3}">{escape(bar.shown)}</text>')
    return f'<g class="chart-row">{labels}{shape}{value}</g>', bar_top + BAR + GAP


def totals_chart(totals: Totals, chart_id: str, title: str, intro: str, lang: str) -> Markup:
    """A chart of a totals table's rows; its description repeats every figure in words."""
    bars = [Bar(i18n.text_in(row.label, lang), row.amount, i18n.summary(row.amount, lang))
            for row in totals.rows]
    colon, separator = ("：", "；") if lang == "zh" else (": ", "; ")
    figures = separator.join(f"{b.label}{colon}{b.shown}" for b in bars)
    return bar_chart(bars, chart_id, title, f"{intro} {figures}".strip())
