"""An OCR'd area whose Rubriker box was not read at all, where the report's other areas have theirs.

Every area of a Kommunkompassen report opens with the box that lists its sub-areas. On a dark or blotched copy
Tesseract may not read the box's label, so the reader finds no box and the area's ``rubriker`` is empty: no item
is misread, so the area-level ``rubriker-uncertain`` has nothing to doubt. Across the report it shows: other areas
have a box and this one has none.
"""

from __future__ import annotations

from collections.abc import Iterator

from kompass_extract.validate.enrich import ReportFacts
from kompass_extract.validate.registry import Hit, hit, rule

BOXED = 2
"""Areas with a box read that show the report's layout has boxes (one could be a paragraph read as a box)."""


@rule("rubriker-uncertain", message="area {area_no}: the Rubriker box may be misread: {why}", on="report-end")
def box_not_read(facts: ReportFacts) -> Iterator[Hit]:
    """One warning per area of an OCR'd report with no box read (and no doubt of its own), when at least
    :data:`BOXED` of the report's areas have one (the report's layout has boxes; a dark copy may lose half of them).
    A text layer prints what it prints (a report may go without boxes)."""
    areas = facts.report.areas
    boxed = sum(bool(a.rubriker) for a in areas)
    if not facts.report.ocr or boxed < BOXED:
        return
    for area in areas:
        if not area.rubriker and not area.rubriker_doubt:
            why = (
                f"no box was read, where {boxed} of the report's {len(areas)} areas have one (its label may be unread)"
            )
            yield hit(area=area.area_no, area_no=area.area_no, text={"why": why})
