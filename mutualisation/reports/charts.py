"""Small server-side SVG bar charts. The page carries no script and no inline style (strict
CSP): geometry goes in SVG attributes, colours in CSS classes, and a data table sits next to
every chart for those who would rather read."""

from __future__ import annotations

from dataclasses import dataclass

BAR_HEIGHT = 24
GAP = 10
LABEL_WIDTH = 260
PLOT_WIDTH = 360
VALUE_WIDTH = 60


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    y: int
    width: int
    text_y: int
    value_x: int


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    width: int
    height: int
    label_width: int = LABEL_WIDTH


def bar_chart(title: str, rows: list[tuple[str, float]]) -> BarChart:
    top = max((value for _, value in rows), default=0) or 1
    bars = []
    for index, (label, value) in enumerate(rows):
        y = index * (BAR_HEIGHT + GAP)
        width = round(PLOT_WIDTH * value / top)
        bars.append(
            Bar(
                label=str(label),
                value=value,
                y=y,
                width=width,
                text_y=y + BAR_HEIGHT // 2 + 5,
                value_x=LABEL_WIDTH + width + 6,
            )
        )
    height = max(len(rows) * (BAR_HEIGHT + GAP), BAR_HEIGHT)
    return BarChart(
        title=title, bars=bars, width=LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH, height=height
    )
