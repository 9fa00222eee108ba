"""An OCR'd area whose Rubriker box was not read at all, where the report's other areas have theirs.

Every area of a Kommunkompassen report opens with the box that lists its sub-areas. On a dark or blotched copy
Tesseract may not read the box's label, so the reader finds no box and the area's ``rubriker`` is empty: no item
is misread, so the area-level ``rubriker-uncertain`` has nothing to doubt. Across the report it shows: other areas
have a box and this one has none.
"""

from __future__ import annotations

from collections.abc import Iterator

from kompass_extract.validate.enrich import AreaFacts, ReportFacts
from kompass_extract.validate.lists import INNER_MARKER
from kompass_extract.validate.registry import Hit, hit, rule

ITEM_WORDS = 6
"""Words of a box item at most (sub-area names are 1-6 words; a bulleted sentence of the narrative is longer)."""
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


@rule("rubriker-uncertain", message="area {area_no}: the Rubriker box may be misread: {why}", on="area-review")
def box_items_before_the_narrative(facts: AreaFacts) -> Iterator[Hit]:
    """An OCR'd box whose last items were read as the narrative's start: the area's first section has no heading,
    or a heading holding a list marker, and a short piece of its text (<= :data:`ITEM_WORDS` words) begins with
    one ("1 ▪ lönesättning", "• Arbetsmiljö" before "Allmänt" on a 2-up bw-200 scan). A narrative opens with its
    first sub-heading and holds no marker before it, so the box ended early and lost those items."""
    area = facts.area
    if not area.rubriker_ocr or not area.sections or area.rubriker_doubt:
        return
    first = area.sections[0]
    if first.heading and not INNER_MARKER.search(first.heading):
        return
    items = [
        t for t in (first.heading, *first.paragraphs) if INNER_MARKER.search(t[:4]) and len(t.split()) <= ITEM_WORDS
    ]
    if items:
        why = f"list items were read before the narrative's first sub-heading ({items[0]!r}): the box may have ended early"
        yield hit(area=facts.no, area_no=facts.no, text={"why": why})


@rule("rubriker-uncertain", message="area {area_no}: the Rubriker box may be misread: {why}", on="area-review")
def box_item_in_lower_case(facts: AreaFacts) -> Iterator[Hit]:
    """An OCR'd box item beginning in lower case: a sub-area name begins with a capital (every one of the fixtures'
    3,341 printed box items does), so its first letter was misread ("innovation och nytänkande" on a dark copy)."""
    area = facts.area
    if not area.rubriker_ocr or area.rubriker_doubt:
        return
    lower = next((item for item in area.rubriker if item[:1].islower()), None)
    if lower:
        why = f"{lower!r} begins in lower case, as no sub-area name does: its first letter may be misread"
        yield hit(area=facts.no, area_no=facts.no, text={"why": why})
