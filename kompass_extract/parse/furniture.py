"""Running headers, footers and page numbers: recognised by repetition and position, then dropped.

A line belongs to the page furniture when it sits in the top or bottom band of the page and its
text, with digits masked, recurs on many pages at about the same height, or when it is only a page
number ("7", "7 (31)", "Sida 7 av 31", "- 7 -"). Nothing here knows what a particular template prints;
the labels that start the report's parts are exempt.
"""

from __future__ import annotations

import re
from collections import Counter

from ..pdf.document import Line, Page
from .text import starts_with_label

BAND = 0.12
PAGE_NUMBER_RE = re.compile(
    r"^(?:sida\s+)?[-–(]?\s*\d{1,3}\s*[-–)]?(?:\s*(?:\(\s*\S{1,4}\s*\)|av\s+\d{1,3}|/\s*\d{1,3}))?$", re.I
)


def _mask(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text.lower()))


STRUCTURE_LABELS = ("strengths", "area_heading_words", "overview_headings", "box_rubriker", "box_score")
"""Labels that start parts of the report: never furniture, even when (as with a Styrkor list that always
starts a new page) they recur at the top of many pages."""


def _in_band(line: Line, page: Page) -> bool:
    if line.bottom >= page.height * BAND and line.top <= page.height * (1 - BAND):
        return False
    return not any(starts_with_label(line.text, key) for key in STRUCTURE_LABELS)


def body_lines(pages: list[Page]) -> dict[int, list[Line]]:
    """Lines of each page without running headers, footers and page numbers."""
    keys: Counter[tuple[str, int]] = Counter()
    for page in pages:
        seen = set()
        for line in page.lines:
            if _in_band(line, page):
                key = (_mask(line.text), round(line.top / 12))
                if key not in seen:
                    seen.add(key)
                    keys[key] += 1
    threshold = max(3, int(0.3 * len(pages)))
    result: dict[int, list[Line]] = {}
    for page in pages:
        kept = []
        for line in page.lines:
            if _in_band(line, page):
                key = (_mask(line.text), round(line.top / 12))
                neighbours = sum(keys[(key[0], key[1] + d)] for d in (-1, 0, 1))
                if neighbours >= threshold or PAGE_NUMBER_RE.match(line.text.strip()):
                    continue
            kept.append(line)
        result[page.number] = kept
    return result
