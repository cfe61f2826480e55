"""Bar charts as SVG, drawn on the server: no script, no CDN, readable by screen readers.

A chart is its numbers (``Chart``): the page draws it with ``svg``, shows the same
numbers as a table a click away and offers them as CSV, so a picture never holds a
figure the table does not.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 760, 300
LEFT, RIGHT, TOP, BOTTOM = 70, 10, 30, 60
COLOURS = ("#00457a", "#b35900", "#1d5e20", "#6b2c91", "#9b1c1c", "#3d3d3d")


@dataclass(frozen=True)
class Chart:
    """Named series of numbers over the same categories (months, providers, ...)."""

    key: str
    title: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float, ...]], ...]

    @property
    def empty(self) -> bool:
        return not self.categories

    def rows(self) -> list[tuple[str, ...]]:
        """The numbers as a table: a row per category, a column per series."""
        return [
            (category, *(_number(values[i]) for _, values in self.series))
            for i, category in enumerate(self.categories)
        ]

    def to_csv(self, first_column: str) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([first_column, *(name for name, _ in self.series)])
        writer.writerows(self.rows())
        return out.getvalue()


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def _scale(top: float) -> tuple[float, float]:
    """A round maximum for the axis and its step (four or five gridlines)."""
    if top <= 0:
        return 1.0, 0.25
    magnitude = 10 ** (len(str(int(top))) - 1)
    for step in (magnitude / 5, magnitude / 2, magnitude, magnitude * 2, magnitude * 5):
        if top / step <= 5:
            return step * -(-top // step), step
    return top, top / 5


def svg(chart: Chart) -> str:
    """Grouped bars, one group per category; the title and a legend name everything."""
    top, step = _scale(max((v for _, vs in chart.series for v in vs), default=0.0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    group = plot_w / max(len(chart.categories), 1)
    bar = group * 0.8 / max(len(chart.series), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart.key}-title"><title id="{chart.key}-title">'
        f"{escape(chart.title)}</title>"
    ]
    parts.extend(_grid(top, step, plot_w, plot_h))
    for s, (name, values) in enumerate(chart.series):
        colour = COLOURS[s % len(COLOURS)]
        for i, value in enumerate(values):
            h = plot_h * value / top if top else 0
            x = LEFT + i * group + group * 0.1 + s * bar
            parts.append(
                f'<rect x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}" fill="{colour}"><title>{escape(chart.categories[i])}, '
                f"{escape(name)}: {_number(value)}</title></rect>"
            )
        parts.append(_legend(s, name, colour))
    parts.extend(_labels(chart.categories, group, plot_h))
    parts.append("</svg>")
    return "".join(parts)


def _grid(top: float, step: float, plot_w: float, plot_h: float) -> list[str]:
    lines, value = [], 0.0
    while value <= top + step / 2:
        y = TOP + plot_h - plot_h * value / top
        lines.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#c4c4c4"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="#1a1a1a">{_number(value)}</text>'
        )
        value += step
    return lines


def _legend(index: int, name: str, colour: str) -> str:
    x = LEFT + index * 170
    return (
        f'<rect x="{x}" y="8" width="12" height="12" fill="{colour}"/>'
        f'<text x="{x + 16}" y="18" font-size="12" fill="#1a1a1a">{escape(name)}</text>'
    )


def _labels(categories: tuple[str, ...], group: float, plot_h: float) -> list[str]:
    every = max(1, len(categories) // 12)  # at most about twelve labels fit
    return [
        f'<text x="{LEFT + i * group + group / 2:.1f}" y="{TOP + plot_h + 18}" '
        f'text-anchor="middle" font-size="12" fill="#1a1a1a">{escape(c)}</text>'
        for i, c in enumerate(categories)
        if i % every == 0
    ]
