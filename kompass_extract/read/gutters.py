"""White bands that part the pages printed on one sheet: where a sheet may be cut, and where a document's sheets agree.

The evidence :mod:`kompass_extract.read.sheets` weighs before it splits a sheet into its pages: a band near the middle
of the page that no inked word crosses, down a landscape sheet (pages side by side) or across a page (pages stacked,
found from the page's lines), wide enough to be two pages' margins rather than a column gap of one page.
"""

from __future__ import annotations

import bisect
import operator
import statistics
from collections import Counter
from dataclasses import dataclass

from kompass_extract.read.document import Page
from kompass_extract.read.geometry import Word

LANDSCAPE = 1.15
"""Width/height ratio from which a page is a landscape sheet that may hold two portrait pages side by side."""
MIDDLE = (0.38, 0.62)
"""Share of the sheet's width (height) the gutter's middle must lie in: pages imposed side by side (stacked) meet
near the middle (centred or shifted by unequal margins), a page's own text columns rarely do so on every sheet."""
GUTTER_SIZES = 2.0
"""Smallest gutter, in body text sizes: two pages' margins; a column gap of one page is one to two."""
MIN_WORDS = 8
"""Words a part must hold to count as a page in the evidence (its page number, a gutter); a part with fewer is still
read as a page when any word is inked on it (the last two items of a list run on to the next page), and dropped only
when blank (the last sheet of an odd count)."""
REACH_LINES = 3
"""Lines above the middle of a page whose bottoms are counted when a band across it is looked for (a tall line
that begins above the middle may reach into it)."""


_top = operator.attrgetter("top")


@dataclass(frozen=True)
class Sheet:
    """A page that may hold several report pages: where white bands cut it (None: no band that way)."""

    page: Page
    xcut: float | None
    """x of the vertical gutter's cut (pages side by side)."""
    ycut: float | None
    """y of the horizontal gutter's cut (pages stacked)."""


def landscape(page: Page) -> bool:
    return page.width > LANDSCAPE * page.height


def band_across(page: Page) -> float | None:
    """The cut of the tallest white band across the page near its middle that parts two pages' text, or None.

    Runs on every page: only the lines about the middle are looked at (found by bisection on the page's lines,
    which are in order of their tops), with a few before them for the reach of a tall one."""
    lines = page.lines
    lo, hi = MIDDLE[0] * page.height, MIDDLE[1] * page.height
    first, last = bisect.bisect_left(lines, lo, key=_top), bisect.bisect_right(lines, hi, key=_top)
    near = lines[max(first - REACH_LINES, 0) : last + 1]
    if page.ocr:  # a line of specks must not close a band (a text layer's lines are all text, near enough)
        near = [line for line in near if any(map(inked, line.words))]
    if len(near) < 2:
        return None
    sizes = sorted(line.size for line in near)
    return _cut([(line.top, line.bottom) for line in near], sizes[len(sizes) // 2], page.height)


def band_down(page: Page) -> float | None:
    """The cut of the widest white band down the page near its middle (or, on a landscape sheet whose text all
    stands in one half, the middle: its other page is blank), or None."""
    words = [w for w in page.words if inked(w)]
    if len(words) < MIN_WORDS:
        return None
    spans = sorted((w.x0, w.x1) for w in words)
    cut = _cut(spans, statistics.median(w.size for w in words), page.width)
    if (
        cut is None
        and landscape(page)
        and (max(x1 for _, x1 in spans) <= page.width / 2 or spans[0][0] >= page.width / 2)
    ):
        return page.width / 2
    return cut


def _cut(spans: list[tuple[float, float]], size: float, extent: float) -> float | None:
    """Where to cut at the widest gap between the sorted spans that is wide enough to part two pages and lies
    near the middle of ``extent``: the middle itself when the gap holds it (the cells then share one frame, as
    imposed), else the gap's middle; None when there is no such gap."""
    lo, hi = MIDDLE[0] * extent, MIDDLE[1] * extent
    best: tuple[float, float] | None = None
    reach = spans[0][1]
    for start, end in spans[1:]:
        wide = start - reach >= GUTTER_SIZES * size and (best is None or start - reach > best[1] - best[0])
        if wide and lo <= (reach + start) / 2 <= hi:
            best = (reach, start)
        reach = max(reach, end)
    if best is None:
        return None
    middle = extent / 2
    return middle if best[0] <= middle <= best[1] else (best[0] + best[1]) / 2


def agreed(sheets: list[Sheet], texted: list[Page]) -> list[Sheet]:
    """The sheets cut where most of them are (the median cut each way), wherever that is white on a sheet; a page
    of the same orientation without a band of its own (one page at the top of the last sheet) is cut there too
    when all its text is on one side (a narrower gap, a table's column gap, is no gutter)."""
    xcut = _median([s.xcut for s in sheets])
    ycut = _median([s.ycut for s in sheets])
    orientation = Counter(landscape(s.page) for s in sheets).most_common(1)[0][0]
    banded = {s.page.number: s for s in sheets}
    agreed = []
    for page in texted:
        own = banded.get(page.number)
        if own is None and landscape(page) != orientation:
            continue
        x, y = _at(page, own and own.xcut, xcut, False), _at(page, own and own.ycut, ycut, True)
        if x is not None or y is not None:
            agreed.append(Sheet(page, x, y))
    return agreed


def _at(page: Page, own: float | None, agreed: float | None, across: bool) -> float | None:
    """Where the page is cut one way: where the sheets agree if that is white on it (for a page without a band of
    its own: if all its text is on one side), else at its own band."""
    if agreed is None:
        return None
    if (_white if own is not None else _one_side)(page, agreed, across):
        return agreed
    return own


def _median(cuts: list[float | None]) -> float | None:
    """The median cut, when at least half of the sheets are cut that way (a table's column gap on a few pages of
    stacked sheets is no column of pages)."""
    found = [c for c in cuts if c is not None]
    return statistics.median_low(found) if found and 2 * len(found) >= len(cuts) else None


def _white(page: Page, cut: float, across: bool) -> bool:
    """No inked word of the page crosses the line at ``cut`` (across the page at y, or down it at x)."""
    if across:
        return not any(w.top < cut < w.bottom for w in page.words if inked(w))
    return not any(w.x0 < cut < w.x1 for w in page.words if inked(w))


def _one_side(page: Page, cut: float, across: bool) -> bool:
    """All inked words of the page lie on one side of the cut."""
    sides = {(w.top + w.bottom) / 2 < cut if across else (w.x0 + w.x1) / 2 < cut for w in page.words if inked(w)}
    return len(sides) == 1 and _white(page, cut, across)


def inked(word: Word) -> bool:
    """A word that is text: a letter or digit in it, and for OCR a confident reading (a speck read as "." or a
    smudge read at low confidence must not close a gutter)."""
    return any(c.isalnum() for c in word.text) and (word.conf is None or word.conf >= 30)
