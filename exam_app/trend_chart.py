"""A staff file's trend over quarters as inline SVG, drawn on the server.

Pure (no Flask): exam rooms are often offline and pages load no chart library. Every text
placed in the SVG is escaped here, so the caller may mark the result safe.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 640, 232
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 16, 52
INSET = 30  # the first and last point stand in from the edges, so their labels show whole


@dataclass(frozen=True)
class Point:
    label: str  # e.g. 2026Q4
    percent: Decimal  # score as a share of full marks, 0–100
    passed: bool
    title: str = ""  # tooltip: paper and score
    sublabel: str = ""  # a second line under the label, e.g. the date: two exams of a quarter


def _y(percent: Decimal) -> float:
    share = min(max(float(percent), 0.0), 100.0) / 100
    return round(TOP + (HEIGHT - TOP - BOTTOM) * (1 - share), 1)


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT - 2 * INSET
    return round(LEFT + INSET + (span / 2 if count == 1 else span * index / (count - 1)), 1)


def trend_svg(points: list[Point], label: str = "历次考核得分率趋势") -> str:
    """A line through the results in order, a grid at 0/60/100 %, a dot per result (filled
    for passed, hollow for failed, so it reads in black and white print too)."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="trend" role="img" aria-label="{escape(label)}">'
    ]
    for level in (0, 60, 100):
        y = _y(Decimal(level))
        parts.append(
            f'<line x1="{LEFT}" y1="{y}" x2="{WIDTH - RIGHT}" y2="{y}" stroke="#bcccdc" '
            f'stroke-dasharray="{"4 3" if level == 60 else "0"}"/>'
            f'<text x="{LEFT - 6}" y="{y + 4}" text-anchor="end" font-size="11">{level}%</text>'
        )
    coords = [(_x(n, len(points)), _y(p.percent)) for n, p in enumerate(points)]
    if len(coords) > 1:
        path = " ".join(f"{x},{y}" for x, y in coords)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#334e68" stroke-width="2"/>')
    for (x, y), point in zip(coords, points, strict=True):
        fill = "#334e68" if point.passed else "#ffffff"
        tip = escape(point.title or f"{point.label} {point.percent:.0f}%")
        parts.append(
            f'<circle cx="{x}" cy="{y}" r="5" fill="{fill}" stroke="#334e68" stroke-width="2">'
            f"<title>{tip}</title></circle>"
            f'<text x="{x}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" font-size="11">'
            f"{escape(point.label)}</text>"
        )
        if point.sublabel:
            parts.append(
                f'<text x="{x}" y="{HEIGHT - BOTTOM + 32}" text-anchor="middle" font-size="10" '
                f'fill="#52606d">{escape(point.sublabel)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
