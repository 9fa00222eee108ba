"""The area score chart of a report page as inline SVG (no script, no library, works offline).

Each area gets a bar for the overview total and, where the report prints a different number in
the area's "Poäng" box, a second bar for it: the difference is a rounding artefact most of the
time, but a reviewer must see both to judge.
"""

from __future__ import annotations

from html import escape

from kompass_extract.review.data import Row
from kompass_extract.review.format import fmt_num

WIDTH = 960
LABEL_H = 18
BAR_H = 14
GAP = 12
LEFT = 8
RIGHT = 96
TOP = 34
AXIS_H = 22


def _bar(y: float, value: float | None, scale_max: float, css: str, caption: str, max_: float | None) -> str:
    plot_w = WIDTH - LEFT - RIGHT
    if value is None:
        return f'<text class="note" x="{LEFT}" y="{y + BAR_H - 3}">{escape(caption)}: not printed</text>'
    w = max(0.0, min(value / scale_max, 1.0)) * plot_w
    shown = fmt_num(value) + (f" / {fmt_num(max_)}" if max_ is not None else "")
    return (
        f'<rect class="{css}" x="{LEFT}" y="{y}" width="{w:.1f}" height="{BAR_H}">'
        f"<title>{escape(caption)}: {escape(shown)}</title></rect>"
        f'<text class="value" x="{LEFT + w + 4:.1f}" y="{y + BAR_H - 3}">{escape(shown)}</text>'
    )


def area_chart(areas: list[Row], flagged: set[int]) -> str:
    """SVG of horizontal bars per area; ``flagged`` areas (with an error check) get a marked label."""
    scale_max = max([a["max"] for a in areas if a.get("max")] or [100.0])
    parts: list[str] = []
    y = TOP
    for area in areas:
        no = area["area_no"]
        name = area.get("area_name") or area.get("area_name_canonical") or ""
        label_css = "label flagged" if no in flagged else "label"
        mark = " ⚠" if no in flagged else ""
        parts.append(f'<text class="{label_css}" x="{LEFT}" y="{y + 12}">{no}. {escape(name)}{mark}</text>')
        y += LABEL_H
        parts.append(_bar(y, area.get("score"), scale_max, "overview", "overview total", area.get("max")))
        y += BAR_H + 2
        if area.get("header_score") != area.get("score"):
            parts.append(_bar(y, area.get("header_score"), scale_max, "box", "'Poäng' box", area.get("max")))
            y += BAR_H + 2
        y += GAP
    plot_w = WIDTH - LEFT - RIGHT
    grid = []
    for i in range(5):
        x = LEFT + plot_w * i / 4
        grid.append(f'<line class="grid" x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" y2="{y}"/>')
        grid.append(
            f'<text class="tick" x="{x:.1f}" y="{y + 14}" text-anchor="middle">{fmt_num(scale_max * i / 4)}</text>'
        )
    height = y + AXIS_H
    legend = (
        f'<rect class="overview" x="{LEFT}" y="8" width="14" height="12"/>'
        f'<text class="legend" x="{LEFT + 20}" y="18">overview total (chapter 4)</text>'
        f'<rect class="box" x="{LEFT + 220}" y="8" width="14" height="12"/>'
        f'<text class="legend" x="{LEFT + 240}" y="18">\u2018Poäng\u2019 box of the area section, where it differs</text>'
    )
    return (
        f'<svg class="area-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label="Area scores">'
        + legend
        + "".join(grid)
        + "".join(parts)
        + "</svg>"
    )
