"""The geometry of a Styrkor / Förbättrings list's columns: where two columns part (the right column's markers,
else the white band between them), and whether a run of lines is set in columns at all. Sizes are shares of the
text size, so A5 reports and OCR'd line boxes are measured alike. Where items begin inside one column is
:mod:`kompass_extract.parse.item_starts`.
"""

from __future__ import annotations

import itertools
import math
import operator
from statistics import median
from typing import NamedTuple

from kompass_extract.locate.labels import ENUMERATOR_RE, is_bullet
from kompass_extract.locate.layout import column_lines
from kompass_extract.read.geometry import Word
from kompass_extract.read.lines import Line

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
"""Short lines of text across the page (a paragraph's last line, a heading, a one-line paragraph) that may stand
right above two columns, in the run of lines that do not bridge the middle."""


class Narrative(NamedTuple):
    """A narrative's lines in reading order (see :func:`in_columns`)."""

    lines: list[Line]
    split: bool
    """Some page was read column by column."""
    straddled: list[Line]
    """Lines left as they are that look like two columns' lines read across their gutter (see :func:`_straddled`)."""


def in_columns(lines: list[Line]) -> Narrative:
    """Narrative ``lines`` read column by column where a page's lines hold two columns side by side: the left
    column's lines, then the right one's, each regrouped on its own. Two columns are a white band in the middle
    of the narrative's text that no word crosses, with words on each side on at least :data:`SIDE_LINES` lines (lines
    of the two columns, joined where their baselines meet). The middle is that of the text of all the narrative's
    pages, not of each page's own: a page holding only the columns' last lines, the right one's a short line, has
    narrow text, and its left column's longest line bridged that page's middle. A page is read region by region, top
    to bottom: a
    paragraph across the page (its lines bridge the middle) above or below two columns is kept as it is and the
    columns are read column by column (read as one, the two columns' lines interleaved with no check). Other pages
    are kept as they are. Also says whether any page was read in columns, and which lines left as they are may be
    two columns read across."""
    out: list[Line] = []
    straddled: list[Line] = []
    split = False
    last_cut: float | None = None  # where the columns of the page before parted
    x0, x1 = min((ln.x0 for ln in lines), default=0.0), max((ln.x1 for ln in lines), default=0.0)
    lo, hi = x0 + MIDDLE[0] * (x1 - x0), x0 + MIDDLE[1] * (x1 - x0)
    for page in dict.fromkeys(ln.page for ln in lines):
        group = [ln for ln in lines if ln.page == page]
        narrowest = GUTTER_SHARE * min((w.size for ln in group for w in ln.words), default=0.0)
        runs = [
            (across, list(run))
            for across, run in itertools.groupby(group, key=lambda ln: _bridges(ln, lo, hi, narrowest))
        ]
        cut_before, last_cut = last_cut, None
        for n, (across, region) in enumerate(runs):
            go_on = cut_before if n == 0 else None  # columns going on at the page's head part where they did
            lead, cut = (len(region), None) if across else _columns(region, lo, hi, len(runs) > 1, go_on)
            out += region[:lead]
            last_cut = cut  # the page's last region says whether its columns go on overleaf
            if cut is None:
                if not across and (len(region) >= SIDE_LINES or go_on is not None):  # else too few lines to tell
                    straddled += _straddled(region, lo, hi, go_on)
                continue
            columns = region[lead:]
            end = len(columns) - (_trailing(columns, cut) if n + 1 < len(runs) else 0)
            out += column_lines(columns[:end], -math.inf, cut) + column_lines(columns[:end], cut, math.inf)
            out += columns[end:]
            split = True
    return Narrative(out, split, straddled)


def _straddled(region: list[Line], lo: float, hi: float, go_on: float | None = None) -> list[Line]:
    """The lines of a region not read in columns that look like two columns' lines joined across their gutter: on
    at least :data:`SIDE_LINES` of them one gap, a gutter wide (:data:`GUTTER_SHARE` text sizes) and more than
    :data:`GUTTER_OVER_SPACE` times each of the line's other gaps, lies in the middle band ``lo``..``hi`` at one x.

    The region was left as it is because it fails a test of columns (too few lines beside the band, more short lines
    above it than :data:`LEAD_LINES`, columns unequally wide, or the band crossed by a line), so if these lines are
    two columns' they are read interleaved, which no number shows; a table set in the narrative looks alike and is
    doubted too. Justified text's wide spaces are stretched alike on a line, so a river of them is no such gap.
    At the head of a page whose page before ended in columns parted at ``go_on``, one line whose gap holds ``go_on``
    is enough: the columns' last lines, one of each joined (see :func:`_columns`)."""
    size = text_size(region) or 0.0
    gaps: list[tuple[float, float, Line]] = []  # the gutter-like gap of each line that has one, within the band
    for ln in region:
        spaces = _spaces(ln)
        wide = [(a, b) for a, b in spaces if b - a >= GUTTER_SHARE * size and min(b, hi) > max(a, lo)]
        if len(wide) == 1 and _stands_out(wide[0], [gap for gap in spaces if gap != wide[0]]):
            gaps.append((max(wide[0][0], lo), min(wide[0][1], hi), ln))
    most = [ln for a, b, ln in gaps if go_on is not None and a <= go_on <= b]
    if most:
        return most
    for x, _, _ in gaps:  # the x most gaps hold is where one of them begins
        holding = [ln for a, b, ln in gaps if a <= x <= b]
        if len(holding) > len(most):
            most = holding
    return most if len(most) >= SIDE_LINES else []


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
    region: list[Line], lo: float, hi: float, part: bool, go_on: float | None = None
) -> tuple[int, float | None]:
    """How many of the region's first lines go before its columns and where the columns part (None: no columns).

    Below text across the page, the last line of its paragraph (or a heading across it) is short and so does not
    bridge the middle: it begins the run of lines of two columns below, and crosses their gutter. So does text across
    the page whose lines are all short, at the head of the narrative or of a page (a heading and a one-line
    paragraph). Up to :data:`LEAD_LINES` such lines are left before the columns, when the region is in columns
    without them. A region that is ``part`` of its page (lines across it elsewhere), or that is in columns only
    without its first lines, is in columns only when they are about equally wide and the gutter is wider than the
    lines' spaces: a few lines of justified text between full ones that do not bridge (a wide space), or below a
    heading (the short last lines of its paragraphs), may leave a river as wide as a gutter.

    At the head of a page whose page before ended in columns parted at ``go_on``, the columns' last lines may be
    fewer than :data:`SIDE_LINES` on a side (a paragraph's end in each column, their first lines joined into one
    line across the gutter): a gutter-wide white band at ``go_on`` with words on both sides parts them there."""
    for lead in range(min(LEAD_LINES, len(region)) + 1):
        rest = region[lead:]
        if go_on is not None and lead == 0 and not part and _parted_at(rest, go_on):
            return 0, go_on
        if len(rest) < SIDE_LINES:
            break
        cut = gutter(rest, lo, hi)
        if cut is None or min(sum(ln.x0 < cut for ln in rest), sum(ln.x1 > cut for ln in rest)) < SIDE_LINES:
            continue
        if not (part or lead) or _equal_sides(rest, cut) and _wider_than_spaces(rest, cut):
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
        spaces = _spaces(ln)
        at_cut = [(a, b) for a, b in spaces if a <= cut <= b]
        others = [(a, b) for a, b in spaces if not a <= cut <= b]
        parted += bool(at_cut) and _stands_out(at_cut[0], others)
    return parted >= SIDE_LINES


def _spaces(line: Line) -> list[tuple[float, float]]:
    """The gaps between the words of ``line``, left to right: (where a word ends, where the next begins)."""
    return [(a.x1, b.x0) for a, b in itertools.pairwise(sorted(line.words, key=_X0))]


def _stands_out(gap: tuple[float, float], others: list[tuple[float, float]]) -> bool:
    """``gap`` is more than :data:`GUTTER_OVER_SPACE` times as wide as each of ``others``: a gutter beside a line's
    word spaces, not a river of spaces stretched alike."""
    width = gap[1] - gap[0]
    return all(width > GUTTER_OVER_SPACE * (b - a) for a, b in others)


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
