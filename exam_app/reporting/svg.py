"""A histogram as inline SVG, drawn on the server: exam rooms are often offline (no CDN)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

WIDTH, HEIGHT = 560, 220
LEFT, BOTTOM, TOP = 36, 28, 12


def histogram_svg(counts: Sequence[int], labels: Sequence[str], title: str) -> str:
    """Bars with their counts above and band labels below; `title` is read by screen readers."""
    n = max(len(counts), 1)
    peak = max(counts, default=0) or 1
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    bar_w = plot_w / n
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="histogram" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - 8}" y2="{TOP + plot_h}" '
        'stroke="#52606d"/>',
    ]
    for i, (count, label) in enumerate(zip(counts, labels, strict=True)):
        h = plot_h * count / peak
        x = LEFT + i * bar_w
        y = TOP + plot_h - h
        parts.append(
            f'<rect x="{x + 2:.1f}" y="{y:.1f}" width="{bar_w - 4:.1f}" height="{h:.1f}" '
            f'fill="#2680c2"><title>{escape(label)}：{count} 人</title></rect>'
        )
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{max(y - 3, TOP + 9):.1f}" font-size="11" '
            f'text-anchor="middle">{count}</text>'
        )
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{HEIGHT - 10}" font-size="10" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def band_labels(bins: int) -> list[str]:
    step = 100 // bins
    return [f"{i * step}–{(i + 1) * step}%" for i in range(bins)]
