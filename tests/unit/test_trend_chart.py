"""The staff file's trend chart: inline SVG, one dot per result, text escaped."""

from __future__ import annotations

from decimal import Decimal
from xml.etree import ElementTree

from exam_app.trend_chart import Point, trend_svg

NS = "{http://www.w3.org/2000/svg}"


def test_one_dot_per_result_and_a_line_through_them():
    svg = trend_svg(
        [
            Point("2026Q3", Decimal("55"), False),
            Point("2026Q4", Decimal("80"), True),
            Point("2027Q1", Decimal("100"), True),
        ]
    )
    root = ElementTree.fromstring(svg)
    dots = root.findall(f"{NS}circle")
    assert len(dots) == 3 and root.find(f"{NS}polyline") is not None
    assert [d.get("fill") for d in dots] == ["#ffffff", "#334e68", "#334e68"]
    heights = [float(d.get("cy")) for d in dots]
    assert heights[0] > heights[1] > heights[2]  # higher score, higher dot


def test_a_single_result_has_no_line_and_labels_are_escaped():
    svg = trend_svg([Point("<b>", Decimal("150"), True, title='a & "b"')])
    root = ElementTree.fromstring(svg)  # well-formed: the text was escaped
    assert root.find(f"{NS}polyline") is None
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    assert float(root.find(f"{NS}circle").get("cy")) >= 16  # clamped to the chart


def test_labels_stay_whole_inside_the_chart_and_dates_tell_a_quarter_apart():
    points = [Point(f"2026Q{n % 4 + 1}", Decimal(60), True, sublabel=f"1{n % 3}-0{n % 9 + 1}")
              for n in range(12)]  # fmt: skip
    root = ElementTree.fromstring(trend_svg(points))
    width = float(root.get("viewBox").split()[2])
    labels = [t for t in root.findall(f"{NS}text") if t.text and t.text.startswith("2026")]
    assert len(labels) == 12
    for text in root.findall(f"{NS}text"):
        half = len(text.text) * float(text.get("font-size")) * 0.6 / 2  # ASCII at ~0.6 em
        x, anchor = float(text.get("x")), text.get("text-anchor")
        left, right = (x - half, x + half) if anchor == "middle" else (x - 2 * half, x)
        assert left >= 0 and right <= width, text.text
    assert len([t for t in root.findall(f"{NS}text") if t.get("font-size") == "10"]) == 12
