"""The geometry of a Styrkor / Förbättrings list's columns: where two columns part (the right column's markers,
else the white band between them), and where items begin in a column without markers (a hanging indent, space
between items, lines that end short). Sizes are shares of the text size, so A5 reports and OCR'd line boxes are
measured alike; OCR'd lines are placed by their baselines (estimated from the box and the descenders of the text)
and their steps split into two groups, since a box's top and bottom move with the accents and descenders a line
holds.
"""

from __future__ import annotations

import itertools
import math
import operator
import re
from dataclasses import dataclass, replace
from statistics import mean, median

from kompass_extract.locate.labels import ENUMERATOR_RE, is_bullet, joins_on
from kompass_extract.locate.layout import Layout, column_lines
from kompass_extract.read.document import Line, Word

_X0 = operator.attrgetter("x0")


def column_boundary(body: list[Line], left: Word, right: Word) -> tuple[float, str | None]:
    """(x that separates the two columns, a doubt when it had to be guessed) below the labels ``left`` and
    ``right`` of the header row.

    Where the right column's markers line up, just left of them; else in the white band between the columns that
    no word crosses; else (the columns touch, or OCR ran words of both together) just left of the right label,
    which is doubtful when there are words on both sides: a centred label stands right of its column's start.
    """
    size = text_size(body) or right.size
    bullets = _right_column_start(body, left.xc, size, right.x0)
    if bullets is not None and bullets < right.x1:
        return bullets - MARGIN_SHARE * size, None
    band = gutter(body, left.xc, right.x0 + size)
    if band is not None:
        return band, None
    boundary = right.x0 - 2 * MARGIN_SHARE * size
    sides = {w.xc < boundary for ln in body for w in ln.words}
    return boundary, "no white band was found between the two columns" if len(sides) == 2 else None


def _right_column_start(lines: list[Line], lo: float, size: float, label: float) -> float | None:
    """Where the right column's bullets stand: of the x right of ``lo`` where bullets line up, the one nearest the
    right column's label at ``label``.

    Header labels may be left-aligned or centred in their cells; the bullets show where the cells begin.
    Two bullets at one x (within :data:`ALIGN_SHARE` of the text ``size``) make a column; a dash inside a sentence
    ("organisa - tionen") stands alone. The left column's bullets may stand right of ``lo`` too (LibreOffice
    indents a list past its label's middle). Item numbers ("1." "2.") line up as markers do: without them a
    numbered right column was split at a river of a justified left column's spaces, and words crossed over silently.
    """
    xs = sorted(w.x0 for ln in lines for w in ln.words if w.x0 > lo and (is_bullet(w) or ENUMERATOR_RE.match(w.text)))
    near = ALIGN_SHARE * size
    lined_up = [a for a, b in zip(xs, xs[1:], strict=False) if b - a < near]
    starts = [a for n, a in enumerate(lined_up) if n == 0 or a - lined_up[n - 1] >= near]
    return min(starts, key=lambda x: abs(x - label), default=None)


NOISE_CONFIDENCE = 30.0
"""Median OCR confidence of a page's words under which its "text" is the noise of the paper read as letters: on a
near-empty page of a tinted, noisy copy Tesseract reads hundreds of "words" at 10-12, and its few real lines not at
all; real text, even on a 1-bit copy, reads at a median of 80-95."""
NOISE_WORDS = 20
"""Least words of a page for its median confidence to tell."""


def noise_pages(lines: list[Line]) -> dict[int, float]:
    """{page: median word confidence} of the pages among ``lines`` whose OCR'd words are noise (see
    :data:`NOISE_CONFIDENCE`): no line there belongs to a list."""
    confs: dict[int, list[float]] = {}
    for line in lines:
        if line.bold is None:
            confs.setdefault(line.page, []).extend(w.conf for w in line.words if w.conf is not None)
    found = {page: median(c) for page, c in confs.items() if len(c) >= NOISE_WORDS}
    return {page: conf for page, conf in found.items() if conf < NOISE_CONFIDENCE}


def text_size(lines: list[Line]) -> float | None:
    """The median size of the words of ``lines`` (the text size on a text layer, the line height on OCR)."""
    sizes = [w.size for ln in lines for w in ln.words]
    return median(sizes) if sizes else None


def gutter(lines: list[Line], lo: float, hi: float) -> float | None:
    """The middle of the widest vertical white band between ``lo`` and ``hi`` that no word of ``lines`` crosses,
    when it is at least :data:`GUTTER_SHARE` text sizes wide (far wider than a space, so never a river of spaces)
    and has words on both sides."""
    spans = sorted((w.x0, w.x1) for ln in lines for w in ln.words)
    best, widest = None, GUTTER_SHARE * (text_size(lines) or 0.0)
    reach = spans[0][1] if spans else 0.0
    for x0, x1 in spans[1:]:
        a, b = max(reach, lo), min(x0, hi)
        if b - a >= widest:
            best, widest = (a + b) / 2, b - a
        reach = max(reach, x1)
    return best


MIDDLE = (0.3, 0.7)
"""Share of a page's text width within which the gutter of a two-column narrative lies."""
SIDE_LINES = 2
"""Lines with words on each side of a gutter that make a page's narrative two columns (a lone pair could be a
number or a label beside a line)."""
TRAILING_STEPS = 1.5
"""Line steps by which a heading below two columns stands apart from the column's last line above it."""
LEAD_LINES = 2
"""Short lines of the text across the page (a paragraph's last line, a heading) that may stand right above two
columns, in the run of lines that do not bridge the middle."""


def in_columns(lines: list[Line]) -> tuple[list[Line], bool]:
    """Narrative ``lines`` read column by column where a page's lines hold two columns side by side: the left
    column's lines, then the right one's, each regrouped on its own. Two columns are a white band in the middle
    of the page's text that no word crosses, with words on each side on at least :data:`SIDE_LINES` lines (lines
    of the two columns, joined where their baselines meet). A page is read region by region, top to bottom: a
    paragraph across the page (its lines bridge the middle) above or below two columns is kept as it is and the
    columns are read column by column (read as one, the two columns' lines interleaved with no check). Other pages
    are kept as they are. Also says whether any page was read in columns."""
    out: list[Line] = []
    split = False
    last_cut: float | None = None  # where the columns of the page before parted
    for page in dict.fromkeys(ln.page for ln in lines):
        group = [ln for ln in lines if ln.page == page]
        x0, x1 = min(ln.x0 for ln in group), max(ln.x1 for ln in group)
        lo, hi = x0 + MIDDLE[0] * (x1 - x0), x0 + MIDDLE[1] * (x1 - x0)
        narrowest = GUTTER_SHARE * min((w.size for ln in group for w in ln.words), default=0.0)
        runs = [
            (across, list(run))
            for across, run in itertools.groupby(group, key=lambda ln: _bridges(ln, lo, hi, narrowest))
        ]
        cut_before, last_cut = last_cut, None
        for n, (across, region) in enumerate(runs):
            below_across = n > 0  # text across the page above (runs alternate), whose last lines may be short
            go_on = cut_before if n == 0 else None  # columns going on at the page's head part where they did
            lead, cut = (len(region), None) if across else _columns(region, lo, hi, below_across, len(runs) > 1, go_on)
            out += region[:lead]
            last_cut = cut  # the page's last region says whether its columns go on overleaf
            if cut is None:
                continue
            columns = region[lead:]
            end = len(columns) - (_trailing(columns, cut) if n + 1 < len(runs) else 0)
            out += column_lines(columns[:end], -math.inf, cut) + column_lines(columns[:end], cut, math.inf)
            out += columns[end:]
            split = True
    return out, split


def _trailing(columns: list[Line], cut: float) -> int:
    """How many of the last lines of two columns above text across the page belong to that text: from the first
    line below the right column's end that is set apart from the line above by more than the columns' line step
    (a heading over the text across, which read as the left column's last line took the right column's paragraphs
    into its section)."""
    last_right = max(n for n, ln in enumerate(columns) if ln.x1 > cut)
    steps = sorted(b.top - a.top for a, b in itertools.pairwise(columns[: last_right + 1]))
    step = steps[len(steps) // 2] if steps else 0.0
    for n in range(last_right + 1, len(columns)):
        if columns[n].top - columns[n - 1].top > TRAILING_STEPS * step > 0:
            return len(columns) - n
    return 0


def _columns(
    region: list[Line], lo: float, hi: float, below_across: bool, part: bool, go_on: float | None = None
) -> tuple[int, float | None]:
    """How many of the region's first lines go before its columns and where the columns part (None: no columns).

    Below text across the page, the last line of its paragraph (or a heading across it) is short and so does not
    bridge the middle: it begins the run of lines of two columns below, and crosses their gutter. Up to
    :data:`LEAD_LINES` such lines are left before the columns, only there. A region that is ``part`` of its page
    (lines across it elsewhere) is in columns only when they are about equally wide: a few lines of justified
    text between full ones that do not bridge (a wide space) may leave a river as wide as a gutter.

    At the head of a page whose page before ended in columns parted at ``go_on``, the columns' last lines may be
    fewer than :data:`SIDE_LINES` on a side (a paragraph's end in each column, their first lines joined into one
    line across the gutter): a gutter-wide white band at ``go_on`` with words on both sides parts them there."""
    for lead in range(min(LEAD_LINES if below_across else 0, len(region)) + 1):
        rest = region[lead:]
        if go_on is not None and lead == 0 and not part and _parted_at(rest, go_on):
            return 0, go_on
        if len(rest) < SIDE_LINES:
            break
        cut = gutter(rest, lo, hi)
        if cut is None or min(sum(ln.x0 < cut for ln in rest), sum(ln.x1 > cut for ln in rest)) < SIDE_LINES:
            continue
        if not part or _equal_sides(rest, cut) and _wider_than_spaces(rest, cut):
            return lead, cut
    return len(region), None


def _parted_at(lines: list[Line], x: float) -> bool:
    """No word of ``lines`` comes within half a gutter (:data:`GUTTER_SHARE` text sizes) of ``x``, and words stand
    on both sides of it."""
    half = GUTTER_SHARE * (text_size(lines) or 0.0) / 2
    words = [w for ln in lines for w in ln.words]
    clear = all(w.x1 < x - half or w.x0 > x + half for w in words)
    return clear and any(w.x1 < x for w in words) and any(w.x0 > x for w in words)


def _wider_than_spaces(lines: list[Line], cut: float) -> bool:
    """On at least :data:`SIDE_LINES` of ``lines`` the gap at ``cut`` is more than :data:`GUTTER_OVER_SPACE` times
    each of the line's other gaps: a gutter parts two columns' words, set at their own spacing. A river of wide
    spaces in justified text is no wider than the line's other spaces, all stretched alike."""
    parted = 0
    for ln in lines:
        gaps = [(b.x0 - a.x1, a.x1 <= cut <= b.x0) for a, b in itertools.pairwise(sorted(ln.words, key=_X0))]
        at_cut = [gap for gap, here in gaps if here]
        others = [gap for gap, here in gaps if not here]
        parted += bool(at_cut) and all(at_cut[0] > GUTTER_OVER_SPACE * gap for gap in others)
    return parted >= SIDE_LINES


GUTTER_OVER_SPACE = 1.5
"""How many times wider than a line's word spaces the gap between two columns is (a gutter of an em or more beside
spaces of a third of one, stretched to twice that at most in justified columns)."""


def _equal_sides(lines: list[Line], cut: float) -> bool:
    """The words of ``lines`` left and right of ``cut`` span widths within :data:`EQUAL_COLUMNS` of each other."""
    sides: tuple[list[Word], list[Word]] = ([], [])
    for ln in lines:
        for w in ln.words:
            sides[w.xc > cut].append(w)
    widths = [max(w.x1 for w in side) - min(w.x0 for w in side) for side in sides]
    return min(widths) >= EQUAL_COLUMNS * max(widths)


def _bridges(line: Line, lo: float, hi: float, narrowest: float) -> bool:
    """Whether the words of ``line`` run across the whole band ``lo``..``hi`` with no gap of ``narrowest`` or more.

    Such a line proves that no white band that wide lies in ``lo``..``hi`` where it stands, so a one-column page's
    full lines are settled without sorting every word of the page (:func:`gutter`): only a run of lines that do
    not bridge is looked at. ``narrowest`` must not exceed :func:`gutter`'s least width (the smallest word size
    gives that).
    """
    if narrowest <= 0 or not line.words or line.x0 > lo or line.x1 < hi:  # a line that ends short bridges nothing
        return False
    words = sorted(line.words, key=_X0)
    reach = words[0].x1
    for w in words:
        x0 = w.x0
        if x0 - reach >= narrowest and min(x0, hi) - max(reach, lo) >= narrowest:  # most gaps are word spaces
            return False
        if w.x1 > reach:
            reach = w.x1
    return reach >= hi


MARGIN_SHARE = 0.2
"""How far left of the right column's markers (in text sizes) the columns are separated."""
ALIGN_SHARE = 0.15
"""Markers whose left edges differ by less than this share of the text size stand in one column."""
GUTTER_SHARE = 0.8
"""Least width of the white band between two columns, in text sizes (a space is about 0.3, an OCR'd line box's
height about 1.3 times the font size)."""


EQUAL_COLUMNS = 0.85
"""Two columns whose longest lines are this close in width are taken to be equally wide."""


def shared_width(left: list[Line], right: list[Line]) -> float | None:
    """The text width of two equally wide columns: the longer of their longest lines (one column's longest
    line may end an item early; the other's then tells how far its lines may run). None when they differ."""
    widths = [max((ln.x1 - ln.x0 for ln in col), default=0.0) for col in (left, right)]
    return max(widths) if min(widths) >= EQUAL_COLUMNS * max(widths) > 0 else None


def stray_start(lines: list[Line]) -> bool:
    """A line of a column starts well left of where the column's lines start: words of the column beside it were
    taken in, so the split between the columns is doubtful.

    The column's start is the leftmost x that two lines share (its markers', or its text's when unmarked); a line
    that starts more than a text size left of it is no line of this column.
    """
    size = text_size(lines) or 0.0
    xs = sorted(ln.x0 for ln in lines if ln.words)
    shared = [a for a, b in zip(xs, xs[1:], strict=False) if b - a < size * ALIGN_SHARE * 2]
    return bool(shared) and xs[0] < shared[0] - size


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
