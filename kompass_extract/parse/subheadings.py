"""Telling a sub-heading from a paragraph's line, and a paragraph from the next, where the text layer has no fonts
(OCR'd pages).

A scan gives no weight and only a rough size: a line's size on an OCR'd page is the height of Tesseract's line box,
which a tall accent ("Å"), a descender or a speck of toner beside it raises by a fifth or more (on 1-bit copies a
sixth to a third of the body lines measured above 1.12 body sizes). So a line "larger than the body text" or "short,
capitalised and set apart by space" is only a candidate, and what the page shows decides:

* a sub-heading begins with a capital (or a digit); a line that begins in lower case goes on a sentence;
* a line followed closely by one that begins in lower case goes on its sentence below;
* a sub-heading ends short of the column's right margin, while every line of a paragraph but its last reaches it;
  a line that reaches the margin is a heading only when the next line does not go on its sentence (it begins with a
  capital and stands apart, or the line is one of the sub-areas the area's box lists).

Paragraphs: a line that begins in lower case goes on the paragraph above it; a line without a letter or digit is a
speck, not a paragraph.

Where the page cannot settle it, the section is doubted (reported as ``narrative-uncertain``): a full line that may
be a long sub-heading or a paragraph's first line (:meth:`FontlessNarrative.heading_doubt`), and two paragraphs parted
(or not) by a gap close to the threshold, which a stretched line box can move (:meth:`FontlessNarrative.gap_doubt`).
Text before the first sub-heading that looks like the box's items (short lines without a sentence's end) is
doubted too (:meth:`FontlessNarrative.lead_doubt`). Headings that none of the box's sub-areas echo are not doubted
for that: on scans the box itself is often misread.

The margin is measured per page and column, on the lines that start where the line starts (a column's lines share a
left edge, give or take a paragraph indent), so two columns and ragged text are measured on their own lines.
"""

from __future__ import annotations

from statistics import quantiles

from rapidfuzz import fuzz

from kompass_extract.locate.labels import fold
from kompass_extract.locate.layout import Layout
from kompass_extract.read.lines import Line

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
ECHO = 85
"""Token-set similarity from which a heading echoes a sub-area of the box (as :mod:`kompass_extract.validate.sections`
measures)."""
PARAGRAPH_GAP = 1.3
"""Line pitches above which a gap parts two paragraphs..."""
GAP_DOUBT = (1.2, 1.4)
"""...and the band around it in which an OCR'd line box (stretched by an accent or a speck) may have decided it;
wider where the area's own lines of one sentence stray further from one pitch (:attr:`FontlessNarrative.spread`)."""
BOX_ITEM = 80
"""Characters below which an unpunctuated paragraph before the first sub-heading looks like a box item."""
SPECK_MARKS = frozenset(" -–—=_~'`\".,:;|/\\!^*°‘’“”")
"""What OCR reads toner specks and the ends of rules as."""
ON_BELOW = 2.0
"""Line pitches within which a line that begins in lower case goes on the sentence of the line above it (a speck
or an accent can stretch an OCR'd line box, and so the gap, by half a pitch)."""


class FontlessNarrative:
    """Decides, for a font-less line the narrative's rules would take for a sub-heading, whether the page supports
    it (see the module docstring). ``known``: the folded sub-areas of the area's box and the general headings."""

    def __init__(self, lines: list[Line], layout: Layout, known: set[str]) -> None:
        self.layout = layout
        self.known = known
        self.lines = [ln for ln in lines if ln.words]
        self.next_of = {id(a): b for a, b in zip(self.lines, self.lines[1:], strict=False)}
        self._margins: dict[tuple[int, float], float | None] = {}
        self.fontless = bool(self.lines) and all(ln.bold is None for ln in self.lines)
        steps = [
            layout.gap(a, b) - 1.0
            for a, b in zip(self.lines, self.lines[1:], strict=False)
            if a.bold is None and a.page == b.page and b.top > a.top and self.goes_on(b)
        ]
        self.spread = max(map(abs, steps), default=0.0)
        """How far a step between two lines of one sentence (the lower one goes on in lower case) strays from one
        pitch here: on a rough copy a box stretched by a speck moves a gap by this much either way."""

    def supports(self, line: Line) -> bool:
        """Whether the font-less ``line`` may be a sub-heading (True for lines that have fonts: not asked here)."""
        if line.bold is not None:
            return True
        text = line.text.strip()
        if not text[:1].isupper() and not text[:1].isdigit():
            return False
        if self._continued(line):
            return False  # the next line goes on its sentence
        if not self.full(line) or fold(text) in self.known:
            return True
        following = self._below(line)
        if following is None:
            return False  # a full line at a page's (column's) foot goes on over the break
        return following.text.strip()[:1].isupper() and self.layout.gap(line, following) > APART

    def _below(self, line: Line) -> Line | None:
        following = self.next_of.get(id(line))
        return following if following is not None and following.page == line.page and following.top > line.top else None

    def _continued(self, line: Line) -> bool:
        following = self._below(line)
        return (
            following is not None
            and following.text.strip()[:1].islower()
            and self.layout.gap(line, following) < ON_BELOW
        )

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

    def goes_on(self, line: Line) -> bool:
        """A font-less ``line`` that begins in lower case goes on the sentence of the paragraph above it."""
        return line.bold is None and line.text.strip()[:1].islower()

    def speck(self, line: Line) -> bool:
        """A font-less line of marks only: toner or a rule's end read as "-", "=", "'" (a line of unreadable glyphs
        stays, for ``text-garbled`` to see)."""
        return line.bold is None and all(c in SPECK_MARKS for c in line.text)

    def heading_doubt(self, line: Line) -> str | None:
        """Why a font-less line that the narrative's rules take for a sub-heading candidate is not settled by the
        page: it reaches the margin (a long heading, or a paragraph's first line) and no lower-case line below it
        says it goes on, and nothing the area names echoes it."""
        text = line.text.strip()
        if line.bold is not None or not self.full(line) or self._continued(line):
            return None
        if any(fuzz.token_set_ratio(fold(text), k) >= ECHO for k in self.known):
            return None
        return f"a full line {text[:50]!r} read as a sub-heading or a paragraph's first line by the gap below it"

    def gap_doubt(self, prev: Line, line: Line) -> str | None:
        """Why the paragraph break (or its absence) between two font-less lines on a page may be wrong."""
        if line.bold is not None or prev.page != line.page or line.top < prev.top:
            return None
        gap = self.layout.gap(prev, line)
        low, high = min(GAP_DOUBT[0], PARAGRAPH_GAP - self.spread), max(GAP_DOUBT[1], PARAGRAPH_GAP + self.spread)
        return f"paragraph gap of {gap:.2f} line pitches before {line.text[:40]!r}" if low < gap < high else None

    def lead_doubt(self, paragraphs: list[str]) -> str | None:
        """Why the text before the first sub-heading of a font-less narrative may be no paragraph: a short line
        without a sentence's end there is rather an item of the box above (the OCR'd box ended early, at a marker
        read as letters), which the narrative took in."""
        stray = next((p for p in paragraphs if len(p) < BOX_ITEM and not p.rstrip().endswith((".", "!", "?"))), None)
        if not self.fontless or stray is None:
            return None
        return f"{stray[:40]!r} before the first sub-heading: an item of the box?"
