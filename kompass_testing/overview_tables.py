"""The overview tables of chapter 4: one per area (or one long one), split by page breaks as a variant asks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.lib import colors
from reportlab.platypus import Flowable, PageBreak, Spacer, Table, TableStyle

from kompass_testing.located import LocatedTable, keyed, locate
from kompass_testing.styles import OVERVIEW_TEXT_WIDTH, Styles, number, para, percent


def overview_tables(truth: dict[str, Any], st: Styles) -> list[Flowable]:
    """The tables of every area, each question row and total noting where it is drawn."""
    layout = truth["layout"]
    story: list[Flowable] = []
    per_area = [_overview_rows(area, layout, st) for area in truth["areas"]]
    continued = None
    if layout["repeated_table_header"]:
        continued = {
            a["no"]: _overview_head(a["no"], f"{a['overview_title']} (forts.)", layout, st) for a in truth["areas"]
        }
    if layout["overview_tables"] == "single":
        gap = ("gap", 0, [""] * len(per_area[0][0][2]))
        groups = [[row for rows in per_area for row in [*rows, gap]][:-1]]
    else:
        groups = per_area
    for group in groups:
        cut = _break_row(group, layout["overview_break_area"])
        parts = [group[:cut], group[cut:]] if cut else [group]
        for i, part in enumerate(parts):
            if i:
                story.append(PageBreak())
                part = _resume(part, continued)
            story.append(_overview_table(part, layout, st, continued))
        story.append(Spacer(1, st.size * 1.5))
    return story


Row = tuple[str, int, list[Any]]
"""(kind: head | row | total | gap, area number, cells) of an overview table."""


def _overview_head(no: int, title: str, layout: dict[str, Any], st: Styles) -> Row:
    head = [para(f"{no}. {title}", st.cell_bold), "Uppnått", "Max"]
    return ("head", no, [*head, "Procent"] if layout["percent_format"] != "none" else head)


def _overview_rows(area: dict[str, Any], layout: dict[str, Any], st: Styles) -> list[Row]:
    with_percent = layout["percent_format"] != "none"
    rows: list[Row] = [_overview_head(area["no"], area["overview_title"], layout, st)]
    for i, q in enumerate(area["questions"]):
        key = f"areas[{area['no']}].questions[{i}]"
        numbers = [number(q["achieved"], layout), number(q["max"], layout)]
        numbers += [percent(q["percent"], layout)] if with_percent else []
        cells = [locate(para(f"{q['id']} {q['text']}", st.cell), key), *(keyed(n, key) for n in numbers)]
        rows.append(("row", area["no"], cells))
    total = area["overview_total"]
    numbers = [layout["total_label"], number(total["achieved"], layout), number(total["max"], layout)]
    numbers += [percent(total["percent"], layout)] if with_percent else []
    rows.append(("total", area["no"], [keyed(n, f"areas[{area['no']}].overview_total") for n in numbers]))
    return rows


def _break_row(group: list[Row], area_no: int | None) -> int:
    """Index of the row before which a forced page break splits area ``area_no`` (0: no break here)."""
    indexes = [i for i, (kind, no, _) in enumerate(group) if kind == "row" and no == area_no]
    return indexes[len(indexes) // 2] if len(indexes) > 1 else 0


def _resume(rows: list[Row], continued: dict[int, Row] | None) -> list[Row]:
    """Rows continuing on a new page, led by their area's "(forts.)" head when the layout repeats heads."""
    kind, no, _ = rows[0]
    return [continued[no], *rows] if continued and kind in ("row", "total") else rows


class _ContinuedTable(LocatedTable):
    """An overview table that, split by a page break, starts the next page with its area's "(forts.)" head.

    It never ends a page on a head row, which would be printed again, "(forts.)", at the top of the next one.
    """

    resume: Callable[[int], list[Table]]
    kinds: list[str]

    def split(self, availWidth: float, availHeight: float) -> list[Table]:  # noqa: N803 (reportlab API)
        parts = super().split(availWidth, availHeight)
        if len(parts) != 2:
            return parts
        cut = parts[0]._nrows
        while cut and self.kinds[cut - 1] == "head":
            cut -= 1
        return self.resume(cut) if cut else []


def _overview_table(rows: list[Row], layout: dict[str, Any], st: Styles, continued: dict[int, Row] | None) -> Table:
    ncols = len(rows[0][2])
    widths = [55.0, 40.0, 55.0][: ncols - 1]
    valign = "BOTTOM" if layout["number_valign"] == "last" else "TOP"
    style: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), st.regular),
        ("FONTSIZE", (0, 0), (-1, -1), st.size - 1),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (0, -1), "TOP"),
        ("VALIGN", (1, 0), (-1, -1), valign),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    for i, (kind, _, _) in enumerate(rows):
        if kind in ("head", "total"):
            style.append(("FONTNAME", (0, i), (-1, i), st.bold))
        if layout["table_rules"] and kind != "gap":
            style.append(("GRID", (0, i), (-1, i), 0.5, colors.black))
    data = [cells for _, _, cells in rows]
    widths = [OVERVIEW_TEXT_WIDTH, *widths]
    if continued is None:
        return LocatedTable(data, colWidths=widths, style=TableStyle(style), hAlign="LEFT")
    table = _ContinuedTable(data, colWidths=widths, style=TableStyle(style), hAlign="LEFT")
    table.kinds = [kind for kind, _, _ in rows]
    table.resume = lambda n: [
        _overview_table(rows[:n], layout, st, continued),
        _overview_table(_resume(rows[n:], continued), layout, st, continued),
    ]
    return table
