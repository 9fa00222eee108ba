"""Every value of a report page that has a place in the PDF: its id on the page and the region to crop.

The ids tie a value's crop, its checks and its corrections together: ``total-3`` and ``box-3`` (an area's
overview total and 'Poäng' box), ``q-1-1.1`` (a question row), ``f-2-strength-3`` (a finding), ``h-4-2`` (a
narrative heading). Rows of an overview table are cropped across the table's whole width on their page (the
union of the rows' boxes), so a row whose box covers only its numbers (an OCR'd row) still shows its text.
"""

from __future__ import annotations

from kompass_extract.model import BBox, union
from kompass_extract.review.crops import CropRequest, parse_bbox
from kompass_extract.review.data import ReportView, Row


def total_id(area_no: int) -> str:
    return f"total-{area_no}"


def box_id(area_no: int) -> str:
    return f"box-{area_no}"


def question_id(q: Row) -> str:
    return f"q-{q.get('area_no')}-{q.get('question_no')}"


def finding_id(f: Row) -> str:
    return f"f-{f.get('area_no')}-{f.get('kind')}-{f.get('position')}"


def heading_id(s: Row) -> str:
    return f"h-{s.get('area_no')}-{s.get('position')}"


def _region(page: object, bbox_text: object) -> tuple[int, BBox] | None:
    bbox = parse_bbox(bbox_text if isinstance(bbox_text, str) else None)
    return (page, bbox) if isinstance(page, int) and bbox is not None else None


def value_regions(view: ReportView) -> dict[str, CropRequest]:
    """Value id -> the page region to crop, for every value of the report that records a position."""
    rows: dict[str, tuple[int, BBox]] = {}
    other: dict[str, tuple[int, BBox]] = {}
    for a in view.areas:
        if found := _region(a.get("total_page"), a.get("total_bbox")):
            rows[total_id(a["area_no"])] = found
        if found := _region(a.get("header_page"), a.get("header_bbox")):
            other[box_id(a["area_no"])] = found
    for q in view.questions:
        if found := _region(q.get("page"), q.get("bbox")):
            rows[question_id(q)] = found
    for f in view.findings:
        if found := _region(f.get("page"), f.get("bbox")):
            other[finding_id(f)] = found
    for s in view.sections:
        if found := _region(s.get("page"), s.get("bbox")):
            other[heading_id(s)] = found
    width: dict[int, BBox] = {}
    for page, bbox in rows.values():
        width[page] = union([width[page], bbox]) if page in width else bbox  # type: ignore[assignment]
    regions = {vid: CropRequest(page, (width[page][0], b[1], width[page][2], b[3])) for vid, (page, b) in rows.items()}
    regions.update({vid: CropRequest(page, bbox) for vid, (page, bbox) in other.items()})
    return regions
