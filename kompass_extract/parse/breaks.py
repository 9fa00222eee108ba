"""Paragraph breaks at a page or column break: settled where the page shows how it was set, doubted where not.

At the foot of a page (or column) a paragraph ends or goes on overleaf, and the text layer keeps no paragraph mark.
When the line before the break ends a sentence and the next begins with a capital, both read alike. What can
still tell them apart is how the text was set:

* ragged text broken greedily (each line takes every word that fits, as Word, LibreOffice, browsers and reportlab
  do): a line that goes on had no room for the next line's first word, so when that word would have fitted on the
  line before the break, the paragraph ended there. Whether the narrative was broken greedily is read from itself:
  a line inside a paragraph (it ends in no stop) with room for the first word of the line below it says it was not
  (a paragraph composer, a forced line break), and the test is not used there;
* justified text: every line of a paragraph but its last reaches the margin. In a column where most lines end at
  one margin, a line short of it ended its paragraph.

What stays open becomes data, :class:`~kompass_extract.model.BreakDoubt` (``sections.breaks``, reported as
``paragraph-break-uncertain``): a line that ends a sentence with no room for the next word on ragged (or not
greedily broken) text, and a full line of a ragged column that the justified-margin rule read as going on. On
held-out born-digital reports (four producers) about two in three such breaks were a paragraph going on.
"""

from __future__ import annotations

import math
from statistics import median

from kompass_extract.locate.labels import strip_bullet
from kompass_extract.locate.layout import Layout
from kompass_extract.parse.item_starts import SPACE_SHARE
from kompass_extract.parse.subheadings import PARAGRAPH_GAP
from kompass_extract.read.lines import Line

SENTENCE_END = (".", "!", "?", ":")
"""Characters that end a sentence (or a lead-in) at the end of a line: a paragraph may end there."""
CLOSERS = "\"'”’»)]"
"""Closing quotes and brackets, which may follow a sentence's stop ('... kallas "medborgarlöftet".', '(se bilaga.)')."""


def ends_sentence(text: str) -> bool:
    """``text`` ends a sentence: its last stop may stand inside closing quotes or brackets. Read as no sentence end,
    a paragraph that ended with a quotation at a page's foot was joined to the next page's paragraph without a
    doubt."""
    return text.rstrip().rstrip(CLOSERS).endswith(SENTENCE_END)


PEER_INDENT = 3.0
"""Body sizes within which the lines of one column start (a paragraph indent or a list's text is one to two)."""
FIT_SLACK = 0.2
"""Font sizes a word must fit by to count as fitting: pdfium's boxes hold a word's ink, narrower than the advance
its typesetter measured (side bearings), and the space is not measured. On held-out reports lines inside paragraphs
had at most 0.8 points more room than the next word took by these boxes, and 1 in 300 paragraph ends had less
than 3 points (at 10 pt)."""
JUSTIFIED_SPREAD = 1.0
"""Points by which the lines of a justified text may miss their margin (rounding)."""
HANGING_PUNCTUATION = 0.5
"""Font sizes by which a line's last character may pass the margin: typesetters hang a period or comma there."""
JUSTIFIED_MAJORITY = 0.5
"""Share of a column's lines on a page that end at its margin for the column to count as justified: ragged lines end
anywhere across some 60 points (at most a fifth of them within a few points of the longest, measured on held-out
reports); justified ones all but each paragraph's last."""
MIN_PAIRS = 5
"""Lines inside paragraphs a page needs for it to show that its lines were broken greedily."""
MIN_COLUMN = 8
"""Lines a column needs on the page for its margin to say whether it is justified (at a short column's foot a few
ragged lines may end together)."""
SHORT = 2.0
"""Body sizes short of the margin from which a line is set at its natural spacing (a paragraph's last line)."""
MIN_SHORT = 1
"""Such lines a column needs for its natural word space to be known (the mean gaps of two such lines differ by
about a tenth of a point)."""
MIN_SPACES = 3
"""Word gaps a line needs for its mean to say how it was spaced (each gap varies with the letters beside it)."""
SPACE_TOLERANCE = 0.03
"""Body sizes by which a line's mean word gap may differ from the natural one and still count as natural: lines set
at their natural width differ by a third of that (held-out Typst pages: 4.22-4.45 pt at 11 pt), justified ones by
up to several points."""


class PageBreaks:
    """The evidence one narrative's lines give about its paragraph breaks at page and column breaks."""

    def __init__(self, lines: list[Line], layout: Layout) -> None:
        self.layout = layout
        self.by_page: dict[int, list[Line]] = {}
        for line in lines:
            if line.words:
                self.by_page.setdefault(line.page, []).append(line)
        self._greedy: dict[int, bool] = {}
        self._columns: dict[tuple[int, int, float], list[Line]] = {}

    def doubt(self, prev: Line, line: Line, parted: bool) -> bool:
        """Whether the reading of a break between ``prev`` (the last line before a page or column break) and
        ``line`` (``parted``: read as a new paragraph) is open: ``prev`` ends a sentence, ``line`` begins in no lower
        case, and neither a justified margin nor greedy breaking settles it (in a justified column only a short
        ``prev`` ended its paragraph)."""
        if not ends_sentence(prev.text) or line.text.lstrip()[:1].islower():
            return False
        column = self.column(prev, line)
        if not parted:  # read as going on: prev reaches a margin; settled only when its spaces were stretched to it
            return not (self._fonts(prev) and self._stretched(prev, column))
        if self._justified(column):  # a justified line that goes on reaches the margin: a short one ended its paragraph
            return prev.x1 >= self._margin_low(column)
        return not (self._fonts(prev, line) and self.fits(prev, line, column) and self.greedy(prev.page))

    def column(self, prev: Line, after: Line | None = None) -> list[Line]:
        """The lines of ``prev``'s column on its page: starting where it starts (within :data:`PEER_INDENT`) and
        ending left of a column beside it (a line at its height further right, or ``after``, the head of the next
        column on the same page), so that text across the page above two columns does not widen the measure."""
        reach = PEER_INDENT * self.layout.body_size
        page = self.by_page.get(prev.page, [])
        beside = [ln.x0 for ln in page if ln.x0 > prev.x1 and ln.top < prev.bottom and ln.bottom > prev.top]
        if after is not None and after.page == prev.page and after.x0 > prev.x0 + reach:
            beside.append(after.x0)
        key = (prev.page, round(prev.x0), min(beside, default=math.inf))
        if key not in self._columns:  # the lines of a column share their left edge: measured once
            self._columns[key] = [ln for ln in page if abs(ln.x0 - prev.x0) <= reach and ln.x1 < key[2]]
        return self._columns[key]

    def fits(self, prev: Line, line: Line, column: list[Line]) -> bool:
        """The first word of ``line`` would have fitted, after a space, on ``prev`` within the measure of its
        ``column`` (its longest line: at most the true measure, so a doubtful fit counts as none)."""
        measure = max((ln.x1 for ln in column), default=prev.x1)
        first = line.words[0]
        return prev.x1 + SPACE_SHARE * prev.size + (first.x1 - first.x0) <= measure - FIT_SLACK * prev.size

    def greedy(self, page: int) -> bool:
        """The lines of ``page`` were broken greedily, as far as it shows: of at least :data:`MIN_PAIRS` lines inside
        a paragraph, none had room for the first word of the line below it. Page by page, because text flowed
        around a picture or a box is set to a narrower measure than its column's longest line (a page with fewer
        such lines is judged by the whole narrative)."""
        if page not in self._greedy:
            inside = self._inside(page)
            if len(inside) < MIN_PAIRS:  # too few lines here: what the narrative's other pages show
                inside = [pair for other in self.by_page for pair in self._inside(other)]
            roomy = any(self.fits(a, b, self.column(a)) for a, b in inside)
            self._greedy[page] = len(inside) >= MIN_PAIRS and not roomy
        return self._greedy[page]

    def _inside(self, page: int) -> list[tuple[Line, Line]]:
        """The pairs of lines of ``page`` inside a paragraph (see :meth:`_goes_on`)."""
        lines = self.by_page.get(page, [])
        return [(a, b) for a, b in zip(lines, lines[1:], strict=False) if self._goes_on(a, b)]

    def _goes_on(self, above: Line, below: Line) -> bool:
        """``above`` goes on at ``below``: the next line, straight below in its column, it ends in no stop and no
        hyphen, and ``below`` is no list item."""
        reach = PEER_INDENT * self.layout.body_size
        if below.top <= above.top or abs(below.x0 - above.x0) > reach or not self._fonts(above, below):
            return False
        if self.layout.gap(above, below) > PARAGRAPH_GAP or self.layout.is_heading(above):
            return False
        ends = ends_sentence(above.text) or above.text.rstrip().endswith("-")
        return not ends and not strip_bullet(below.words)[0]

    def _stretched(self, prev: Line, column: list[Line]) -> bool:
        """``prev``'s word spaces are set wider than those of the column's lines that end short of the margin (set
        at their natural width): a justified line, which goes on. A paragraph's last line, and any line of ragged
        text, keeps the natural space, even where it happens to end at the margin, or has it squeezed: a composer
        may narrow a paragraph's last line to take its last word (held-out Typst), so narrower spaces settle
        nothing."""
        margin = max(ln.x1 for ln in column)
        short = [
            space
            for ln in column
            if ln.x1 < margin - SHORT * self.layout.body_size and (space := _space(ln)) is not None
        ]
        space = _space(prev)
        if space is None or len(short) < MIN_SHORT:
            return False
        return space - median(short) > SPACE_TOLERANCE * self.layout.body_size

    def _justified(self, column: list[Line]) -> bool:
        if len(column) < MIN_COLUMN:
            return False
        low = self._margin_low(column)
        return sum(ln.x1 >= low for ln in column) >= JUSTIFIED_MAJORITY * len(column)

    def _margin_low(self, column: list[Line]) -> float:
        """From where a line of ``column`` ends at its margin."""
        return max(ln.x1 for ln in column) - HANGING_PUNCTUATION * self.layout.body_size - JUSTIFIED_SPREAD

    @staticmethod
    def _fonts(*lines: Line) -> bool:
        """The lines come from a text layer with fonts: an OCR'd line's box is too rough to measure a word's fit."""
        return all(line.bold is not None for line in lines)


def _space(line: Line) -> float | None:
    """The mean gap between the words of ``line`` (None with fewer than :data:`MIN_SPACES` gaps)."""
    words = line.words
    if len(words) <= MIN_SPACES:
        return None
    return sum(b.x0 - a.x1 for a, b in zip(words, words[1:], strict=False)) / (len(words) - 1)
