"""Where items begin in one column of a Styrkor / Förbättrings list that no marker starts: a hanging indent,
space between items, a line after one that ended short, a capital after a full stop (:class:`Breaks`).

Sizes are shares of the text size, so A5 reports and OCR'd line boxes are measured alike; OCR'd lines are placed
by their baselines (estimated from the box and the descenders of the text) and their steps split into two groups,
since a box's top and bottom move with the accents and descenders a line holds. Where two columns part is
:mod:`kompass_extract.parse.columns`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from statistics import mean, median

from kompass_extract.locate.labels import joins_on
from kompass_extract.locate.layout import Layout
from kompass_extract.parse.columns import text_size
from kompass_extract.read.lines import Line


def titled(word: str) -> bool:
    """A capitalised word as a finding begins ("Utveckla", or a compound's first part: "Brukar-/kundbemötande",
    "Kund-/brukarundersökningar"), not an acronym ("KKiK", "KKiK-måttens") or a number."""
    head = re.split(r"[-/]", word, maxsplit=1)[0]
    return len(head) > 1 and head[0].isupper() and head[1:].isalpha() and head[1:].islower()


@dataclass(frozen=True)
class Breaks:
    """The geometry of one column that tells where items begin when no marker does.

    A hanging indent (continuations indented from the first line) marks every line at the first line's x as a
    start; a gap wider than the column's own line step marks the line after it; so does a line after one that
    ended short of the column's right edge (greedy line breaking would have put its first word there), and a
    capital after a full stop.
    """

    lines: list[Line]
    hanging: bool
    indent: float
    """The least indent of a hanging indent's continuation lines (points): a line nearer the first line's x than
    that (OCR moves a line's left edge by a point or two either way) begins an item."""
    spaced: bool
    step: float
    left: float
    right: float
    threshold: float | None = None
    """On OCR'd lines: the step between two lines' baselines above which they belong to two items (else the step
    plus :data:`GAP_SHARE` of the text size)."""
    unsure: frozenset[int] = frozenset()
    """OCR'd lines whose box is too tall to place them surely (:data:`TALL_SHARE`): the steps beside them neither
    set the threshold nor make the column spaced, and a start or continuation read from them is doubtful."""
    ys: tuple[float, ...] = ()
    """Where each line stands (:func:`_y`)."""

    @classmethod
    def of(cls, lines: list[Line], layout: Layout, width: float | None) -> Breaks:
        """``width``: the column's text width when known from a twin column (else its longest line's)."""
        first_x = lines[0].x0 if lines else 0.0
        hang = HANG_SHARE * (text_size(lines) or layout.body_size)
        scanned = any(ln.bold is None for ln in lines)
        typical = median(ln.bottom - ln.top for ln in lines) if scanned and lines else 0.0
        unsure = frozenset(n for n, ln in enumerate(lines) if scanned and ln.bottom - ln.top > TALL_SHARE * typical)
        ys = tuple(_y(ln, typical) for ln in lines)
        steps = [
            ys[n + 1] - ys[n]
            for n, (a, b) in enumerate(zip(lines, lines[1:], strict=False))
            if a.page == b.page and b.top - a.top > 0.8 * b.size and not {n, n + 1} & unsure
        ]
        left = min((ln.x0 for ln in lines), default=0.0)
        right = max([ln.x1 for ln in lines] + ([left + width] if width and lines else []), default=0.0)
        indents = [ln.x0 - first_x for ln in lines if ln.x0 > first_x + hang]
        hanging = bool(indents)
        threshold = _step_threshold(steps, text_size(lines) or layout.body_size) if scanned else None
        indent = min(indents, default=hang)
        step = min(steps, default=layout.pitch)
        if not scanned:  # a line of this size is set at no more than the body's pitch, scaled: a column whose items
            step = min(step, layout.pitch * (text_size(lines) or layout.body_size) / layout.body_size)  # are all one
            # line each (one table row per item) has no step of its own, and its least step is between two items
        breaks = cls(lines, hanging, indent, False, step, left, right, threshold, unsure, ys)
        sure = (n for n in range(1, len(lines)) if not {n - 1, n} & unsure)  # a tall box's step proves nothing
        return replace(breaks, spaced=any(breaks.gap(n) for n in sure))

    def fits(self, n: int, slack: float = 0.0) -> bool:
        """The first word of line ``n`` would have fitted at the end of the line before (within ``slack`` of the
        column's width beyond its right edge): a line breaker that fills lines (as every word processor and
        browser does) ended that line on purpose."""
        prev, line = self.lines[n - 1], self.lines[n]
        first = line.words[0]
        reach = self.right + slack * (self.right - self.left)
        return prev.x1 + SPACE_SHARE * line.size + (first.x1 - first.x0) < reach and not prev.text.endswith("-")

    def ends_short(self, n: int) -> bool:
        """The line before line ``n`` ended with a full stop or short of the right edge: ``n`` could begin an
        item."""
        return n > 0 and (self.fits(n) or self.lines[n - 1].text.rstrip().endswith((".", "!", "?")))

    def continues(self, n: int) -> bool:
        """OCR'd line ``n`` reads as the wrapped end of the line before: it begins with a small letter, the line
        before ends no sentence, and its first word would not have fitted there. A scan's hanging indent may be no
        indent (a letter read as a marker blob and dropped left the rest of its line indented), and findings may
        begin with a small letter ("personalpolicyn, ..."): only all three together outweigh an indent."""
        line, prev = self.lines[n], self.lines[n - 1]
        return (
            line.bold is None
            and line.words[0].text[:1].islower()
            and not prev.text.rstrip().endswith((".", "!", "?"))
            and not self.fits(n)
        )

    def gap(self, n: int) -> bool:
        """More space above line ``n`` than the column's own line step."""
        prev, line = self.lines[n - 1], self.lines[n]
        if prev.page != line.page:
            return False
        if self.threshold is not None:
            return self.ys[n] - self.ys[n - 1] > self.threshold
        return line.top - prev.top > self.step + GAP_SHARE * line.size

    def near_gap(self, n: int) -> bool:
        """The step above OCR'd line ``n`` lies so near the threshold that a point of jitter would change it."""
        prev, line = self.lines[n - 1], self.lines[n]
        if self.threshold is None or prev.page != line.page:
            return False
        jitter = JITTER_SHARE * line.size
        return bool({n - 1, n} & self.unsure) or abs(self.ys[n] - self.ys[n - 1] - self.threshold) < jitter

    def layout_start(self, n: int) -> tuple[bool, bool]:
        """(line ``n`` begins an item, the reading is doubtful) in a column without markers.

        The strongest sign the column shows decides: a hanging indent; else space between items (when any two
        lines of the column stand apart, every item is set apart so; a page break shows none); else how lines are
        filled: a line after a short line begins an item whatever its first letter, after a full stop only a
        capital does, and a
        continuation is doubtful when it begins with a capitalised word or its first word would nearly have
        fitted on the line before (the column's true width is only known from its longest lines). After a full
        line, a capitalised word begins an item, doubted (True, True), unless that line ended mid-phrase (with a
        preposition, conjunction or article: "webben och på" / "Facebook"): a finding that fills its line
        exactly is told from its neighbour only so.
        """
        if n == 0:
            return True, False
        line = self.lines[n]
        if self.hanging:
            start = line.x0 - self.lines[0].x0 < self.indent / 2
            if start and self.continues(n) and not (self.spaced and self.gap(n)):
                return False, True  # the indent says an item begins, its words say the item before goes on
            return start, False
        if self.spaced and self.lines[n - 1].page == line.page:  # a page break shows no space: the filling does
            return self.gap(n), not self.gap(n) and self.near_gap(n)
        head = line.words[0].text[:1]
        start = self.fits(n) or ((head.isupper() or head.isdigit()) and self.ends_short(n))
        if not start and titled(line.words[0].text) and not joins_on(self.lines[n - 1].words[-1].text):
            return True, True  # a capital after a full line that ends no phrase mid-way: an item, doubted
        return start, not start and (titled(line.words[0].text) or self.fits(n, NEAR_SHARE))


def _y(line: Line, typical: float) -> float:
    """Where a line stands: its top on a text layer; on OCR its baseline, as well as the box tells it. A box's top
    moves with the accents and capitals the line holds (Å, Ö), its bottom with its descenders: the bottom of a line
    without descenders is its baseline, and a line with some reaches :data:`DESCENDER_SHARE` of its box below it,
    unless its box is short of the column's ``typical`` (median) box by :data:`SHORT_SHARE`: Tesseract's box then
    stops at the baseline ("kund/brukarfokus": the slash does not reach below it in every font).
    (The middle of the box, used before, moved by half of each: between-item and within-item steps overlapped.)"""
    if line.bold is not None:
        return line.top
    height = line.bottom - line.top
    descends = any(c in DESCENDERS for c in line.text) and height >= SHORT_SHARE * typical
    return line.bottom - (DESCENDER_SHARE * height if descends else 0.0)


TALL_SHARE = 1.35
"""An OCR'd line box this many times the column's median box height took in ink of a neighbour (the other column's
taller line, which Tesseract read as one line with it, or the accents of the line below): its top or its bottom is
not its own, so the place estimated from it is off by up to half a line."""
SHORT_SHARE = 0.85
"""An OCR'd line box under this share of the column's median box height reaches no lower than the baseline."""


DESCENDERS = frozenset("gjpqy,;()/Q")
"""Characters that reach below the baseline."""
DESCENDER_SHARE = 0.22
"""How far a descender reaches below the baseline, as a share of the height of a box from accent to descender."""


def _step_threshold(steps: list[float], size: float) -> float:
    """The step between OCR'd lines above which two lines belong to two items: between the two groups the steps
    fall into (the split leaving the least spread within each), when the groups lie more than :data:`GAP_SHARE`
    text sizes apart; else no step is a gap (infinity)."""
    ordered = sorted(steps)
    best: tuple[float, int] | None = None
    for k in range(1, len(ordered)):
        lo, hi = ordered[:k], ordered[k:]
        spread = sum((v - mean(lo)) ** 2 for v in lo) + sum((v - mean(hi)) ** 2 for v in hi)
        if best is None or spread < best[0]:
            best = (spread, k)
    if best is None or mean(ordered[best[1] :]) - mean(ordered[: best[1]]) <= GAP_SHARE * size:
        return float("inf")
    return (ordered[best[1] - 1] + ordered[best[1]]) / 2


HANG_SHARE = 0.3
"""Text sizes by which continuation lines must be indented from an item's first line to count as a hanging indent
(3 pt at 10 pt)."""
GAP_SHARE = 0.25
"""Extra space between two lines (in text sizes, beyond the column's line step) that separates items."""
JITTER_SHARE = 0.1
"""How far (in text sizes) an OCR'd line's place may be off: a step this near the threshold is doubtful."""
SPACE_SHARE = 0.3
"""A space's width in text sizes (generous: a word that fits with it would surely have been set there)."""
NEAR_SHARE = 0.12
"""A word that would have fitted in a column this much wider (share of its width) makes a continuation doubtful."""
