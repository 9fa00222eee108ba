"""Values read on the logical pages of split sheets, put back on the PDF's pages.

:mod:`kompass_extract.read.sheets` reads a sheet that holds several report pages as its pages, so that locating and
parsing see one report page at a time; users, the review site and corrections need the PDF's own page numbers and
positions on those pages. This runs once the report is parsed, and records in the provenance which sheets were split
and how surely (``page-split-uncertain`` reads it).
"""

from __future__ import annotations

from typing import Any

from kompass_extract.model import Report
from kompass_extract.read.document import Page


def relocate(report: Report, pages: list[Page]) -> None:
    """Put every value of ``report`` that the parsers placed on a logical page back on its physical page, in that
    page's coordinates, and say in the provenance which sheets were split and how surely."""
    moved = {p.number: p.sheet for p in pages if p.sheet is not None}
    parts = {n: s for n, s in moved.items() if s.parts > 1}
    if not parts:
        return

    def move(page: int | None, bbox: Any) -> tuple[int | None, Any]:
        part = moved.get(page) if page is not None else None
        if part is None:
            return page, bbox
        return part.page, (part.box(tuple(bbox)) if bbox is not None else None)

    for area in report.areas:
        area.page, area.bbox = move(area.page, area.bbox)
        area.header_page, area.header_bbox = move(area.header_page, area.header_bbox)
        area.total_page, area.total_bbox = move(area.total_page, area.total_bbox)
        area.total_cells = _moved_cells(area.total_cells, move)
        for item in [*area.questions, *area.findings, *area.sections]:
            item.page, item.bbox = move(item.page, item.bbox)  # type: ignore[assignment]
        for q in area.questions:
            q.cells = _moved_cells(q.cells, move)
    for where in report.provenance.values():
        if isinstance(where, dict) and "page" in where:
            page, bbox = move(where["page"], where.get("bbox"))
            where["page"] = page
            if bbox is not None:
                where["bbox"] = [round(v, 1) for v in bbox]
    side_by_side = all(s.parts == 2 and s.y == 0 for s in parts.values())
    report.provenance["sheets"] = {
        "rule": "two pages side by side on one sheet, split at the white gutter between them"
        if side_by_side
        else "several pages on one sheet (stacked, or a 2x2 grid), split at the white gutters between them",
        "parts": [
            {"logical_page": n, "page": s.page, "part": s.part, "parts": s.parts, "x": round(s.x, 1), "y": s.y}
            | {"certain": s.certain}
            for n, s in sorted(parts.items())
        ],
    }


def _moved_cells(cells: dict[str, Any], move: Any) -> dict[str, Any]:
    out = {}
    for key, (page, x0, top, x1, bottom, conf) in cells.items():
        page, box = move(page, (x0, top, x1, bottom))
        out[key] = (page, *box, conf)
    return out
