"""Telling a sub-heading from a paragraph's line where the text layer has no fonts (OCR'd pages).

A scan gives no weight and only a rough size: a line's size on an OCR'd page is the height of Tesseract's line box,
which a tall accent ("Å"), a descender or a speck of toner beside it raises by a fifth or more (on 1-bit copies a
sixth to a third of the body lines measured above 1.12 body sizes). So a line "larger than the body text" or "short,
capitalised and set apart by space" is only a candidate, and what the page shows decides:

* a sub-heading begins with a capital (or a digit); a line that begins in lower case goes on a sentence;
* a line followed closely by one that begins in lower case goes on its sentence below;
* a sub-heading ends short of the column's right margin, while every line of a paragraph but its last reaches it;
  a line that reaches the margin is a heading only when the next line does not go on its sentence (it begins with a
  capital and stands apart, or the line is one of the sub-areas the area's box lists).

The margin is measured per page and column, on the lines that start where the line starts (a column's lines share a
left edge, give or take a paragraph indent), so two columns and ragged text are measured on their own lines.
"""

from __future__ import annotations

from statistics import quantiles

from kompass_extract.locate.labels import fold
from kompass_extract.locate.layout import Layout
from kompass_extract.read.document import Line

FULL_SHORTFALL = 3.0
"""Body sizes (about six letters) short of its column's margin within which a line counts as full: a justified
paragraph's lines end at the margin, a ragged one's within a word of it, and sub-headings end many words short
(measured on scans of 5 reports: sub-headings 14-44 sizes short of the margin, body lines 1 size at the median)."""
PEER_INDENT = 3.0
"""Body sizes within which lines start at the same left edge (a paragraph indent is one to two)."""
MIN_PEERS = 3
"""Lines a column needs for its margin to be measured (fewer: every line counts as short, as before)."""
APART = 1.15
"""Line pitches below which the next line follows on: a sub-heading stands apart from the paragraph below it."""
ON_BELOW = 2.0
"""Line pitches within which a line that begins in lower case goes on the sentence of the line above it (a speck
or an accent can stretch an OCR'd line box, and so the gap, by half a pitch)."""


class FontlessHeadings:
    """Decides, for a font-less line the narrative's rules would take for a sub-heading, whether the page supports
    it (see the module docstring). ``known``: the folded sub-areas of the area's box and the general headings."""

    def __init__(self, lines: list[Line], layout: Layout, known: set[str]) -> None:
        self.layout = layout
        self.known = known
        self.lines = [ln for ln in lines if ln.words]
        self.next_of = {id(a): b for a, b in zip(self.lines, self.lines[1:], strict=False)}
        self._margins: dict[tuple[int, float], float | None] = {}

    def supports(self, line: Line) -> bool:
        """Whether the font-less ``line`` may be a sub-heading (True for lines that have fonts: not asked here)."""
        if line.bold is not None:
            return True
        text = line.text.strip()
        if not text[:1].isupper() and not text[:1].isdigit():
            return False
        following = self.next_of.get(id(line))
        below = following is not None and following.page == line.page and following.top > line.top
        if below and following.text.strip()[:1].islower() and self.layout.gap(line, following) < ON_BELOW:
            return False  # the next line goes on its sentence
        if not self.full(line) or fold(text) in self.known:
            return True
        if not below:
            return False  # a full line at a page's (column's) foot goes on over the break
        return following.text.strip()[:1].isupper() and self.layout.gap(line, following) > APART

    def full(self, line: Line) -> bool:
        """``line`` reaches the right margin of its column on its page (within :data:`FULL_SHORTFALL`)."""
        margin = self.margin(line)
        return margin is not None and line.x1 >= margin - FULL_SHORTFALL * self.layout.body_size

    def margin(self, line: Line) -> float | None:
        """The right margin of the column ``line`` starts in: the upper quartile of its peers' right ends (most
        lines of a paragraph are full), None when too few lines start there."""
        reach = PEER_INDENT * self.layout.body_size
        key = (line.page, round(line.x0 / reach))
        if key not in self._margins:
            ends = [ln.x1 for ln in self.lines if ln.page == line.page and abs(ln.x0 - line.x0) <= reach]
            self._margins[key] = quantiles(ends, n=4)[2] if len(ends) >= MIN_PEERS else None
        return self._margins[key]
