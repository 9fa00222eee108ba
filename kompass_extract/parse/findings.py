"""Parse the Styrkor / Förbättrings list of an area section.

Its two columns are separated where the right column's markers line up (else at the second label) and
regrouped into lines each on its own, so that they never mix, even across a page break.

An item starts at a marker of any kind: a bullet glyph, or a drawn shape or picture that
:mod:`kompass_extract.read.markers` turns into a marker word. A column without any marker is split by layout
alone: a hanging indent, a wider gap than the column's own line spacing, or a line that begins with a capital
after a line that ended short (its first word would have fitted) or with a full stop.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from statistics import median

from kompass_extract.locate.labels import (
    fold,
    is_bullet,
    is_label,
    join_lines,
    starts_with_label,
    strip_bullet,
    strip_marker,
)
from kompass_extract.locate.layout import Layout, column_lines
from kompass_extract.model import BBox, Finding, union
from kompass_extract.read.document import Line, Word
from kompass_extract.read.markers import MarkerSource, unplaced, with_markers


def find_findings_header(lines: list[Line], start: int, layout: Layout) -> int | None:
    """The header of the Styrkor / Förbättrings list: the strengths label standing alone as a cell, either
    followed by the improvements label (two columns) or alone on a heading line (stacked lists). A caption
    "Styrkor och förbättringsområden" or a sentence "Styrkor är ..." is neither.

    OCR may set the two labels on two lines (their boxes differ in height, or the page is a little skewed): a line
    that begins with the improvements label right of a lone strengths label and overlaps it vertically is the same
    header row; the index is then that of the first of the two (see :func:`_header_row`)."""
    for i in range(start, len(lines)):
        words = lines[i].words
        k = next((n for n, w in enumerate(words[:2]) if is_label(w.text, "strengths")), None)
        if k is None:
            continue
        rest = [w for w in words[k + 1 :] if _inked(w.text)]  # a scan's specks read as "|" or "." are no words
        if rest and starts_with_label(" ".join(w.text for w in rest), "improvements"):
            return i
        partner = next((j for j in (i - 1, i + 1) if j >= start and _split_header(lines[i], lines[j])), None)
        if partner is not None:
            return min(i, partner)
        if not rest and (layout.is_heading(lines[i]) or lines[i].bold is None):  # OCR: no fonts to tell
            return i
    return None


HEADER_OVERLAP = 0.5
"""Share of the smaller label's height by which two lines must overlap vertically to be one header row."""


def _split_header(strengths: Line, other: Line) -> bool:
    """``other`` holds the improvements label of the header row whose strengths label stands alone on
    ``strengths``: it begins with that label, right of the strengths label, on the same page and at the same
    height (overlapping by :data:`HEADER_OVERLAP` of the smaller line's height)."""
    if other.page != strengths.page or len(other.words) == 0 or other.x0 <= strengths.x1:
        return False
    k = next((n for n, w in enumerate(strengths.words[:2]) if is_label(w.text, "strengths")), None)
    if k is None or any(_inked(w.text) for w in strengths.words[k + 1 :]):
        return False
    overlap = min(strengths.bottom, other.bottom) - max(strengths.top, other.top)
    height = min(strengths.bottom - strengths.top, other.bottom - other.top)
    return overlap >= HEADER_OVERLAP * height and starts_with_label(other.text, "improvements") is not None


def _header_row(lines: list[Line]) -> tuple[Line, list[Line]]:
    """(the header row, the lines after it) of a list whose header is ``lines[0]``, the two labels' lines of a
    header split by OCR joined again."""
    for a, b in ((0, 1), (1, 0)):
        if len(lines) > 1 and _split_header(lines[a], lines[b]):
            return Line(sorted(lines[0].words + lines[1].words, key=lambda w: w.x0), lines[0].page), lines[2:]
    return lines[0], lines[1:]


FAR_GAP = 5.0
"""A gap above a line of more than this many line pitches ends the list on that page, unless a line below holds a
marker: the unmarked lines below (a page footer that OCR garbled beyond recognition, a speck) belong to no item."""
HEADING_GAP = 1.6
"""Line pitches of space above a line that, on OCR'd pages, a heading after the list has and a list row has not."""


def _ends_list(line: Line, prev: Line, layout: Layout) -> bool:
    """``line`` is a heading after the list: on a text layer, bold or larger and not bulleted. An OCR'd line's size
    is its line box's height, which grows when Tesseract takes in a neighbouring row's accents or descenders: there
    a heading also holds no marker at all (a row of the other column may) and stands apart from ``prev``."""
    if not layout.is_heading(line) or strip_bullet(line.words)[0]:
        return False
    if line.bold is not None:  # a text layer's line (a partly scanned report has both kinds)
        return True
    return not any(is_bullet(w) for w in line.words) and layout.gap(prev, line) > HEADING_GAP


SPECK_SHARE = 0.5
"""A line with no letter or digit that is less than this share of the list header's height tall is a speck of
noise on a scan (OCR reads it as "-", "." or "="), not a line of the list."""


def _speck(line: Line, header: Line) -> bool:
    return line.bottom - line.top < SPECK_SHARE * header.size and not _inked(line.text)


def _inked(text: str) -> bool:
    """Text with a letter or digit: a word, not a mark."""
    return any(c.isalnum() for c in text)


def _label_alone(line: Line) -> bool:
    """A line that is nothing but one of the two labels (half of a repeated header row split by OCR)."""
    return is_label(line.text, "strengths") or is_label(line.text, "improvements")


def _label_index(words: list[Word], key: str) -> int | None:
    """Index of the first word from which the words read as a label of ``key`` (labels may be phrases)."""
    for n in range(len(words)):
        if starts_with_label(" ".join(w.text for w in words[n:]), key):
            return n
    return None


@dataclass
class _Item:
    parts: list[str]
    page: int
    boxes: list[BBox] = field(default_factory=list)
    confs: list[float] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    """The item's lines without their markers."""
    doubt: str | None = None


def parse_findings(lines: list[Line], layout: Layout, markers: MarkerSource | None = None) -> list[Finding]:
    """Two columns split at the gutter between the labels; or one column whose kind switches at the second.

    ``markers`` gives the boxes of drawn list markers of a page (see :mod:`kompass_extract.read.markers`)."""
    header, after = _header_row(lines)
    k = _label_index(header.words, "improvements")
    body: list[Line] = []
    cut: int | None = None  # a page whose list broke off at a wide gap: only a marked line there goes on with it
    for line in with_markers(after, markers):
        if fold(line.text) == fold(header.text) or (k is not None and _label_alone(line)):
            continue  # the header row repeated on the next page (Word tables do), maybe split by OCR
        if _speck(line, header):
            continue
        prev = body[-1] if body else header
        marked = any(is_bullet(w) for w in line.words)
        if not marked and (line.page == cut or prev.page == line.page and layout.gap(prev, line) > FAR_GAP):
            cut = line.page
            continue
        switches = k is None and starts_with_label(line.text, "improvements") is not None
        if _ends_list(line, prev, layout) and not switches:
            break
        body.append(line)
    columns: dict[str, list[_Item]] = {"strength": [], "improvement": []}
    split = next((i for i, ln in enumerate(body) if starts_with_label(ln.text, "improvements")), None)
    boundary, doubt = None, None
    if k is not None:
        boundary, doubt = _column_boundary(body, header.words[0], header.words[k])
    elif split is None and body:  # no improvements label at all: two columns side by side, or one list
        boundary = _gutter(body, min(ln.x0 for ln in body), max(ln.x1 for ln in body))
        doubt = "no improvements label was found" + (
            ": the right-hand column was read as improvements" if boundary else ": every item was read as a strength"
        )
    if boundary is not None:
        pair = column_lines(body, -1e9, boundary), column_lines(body, boundary, 1e9)
        width = _shared_width(*pair)
        _read_items(pair[0], columns["strength"], layout, width)
        _read_items(pair[1], columns["improvement"], layout, width)
    else:
        split = len(body) if split is None else split
        _read_items(body[:split], columns["strength"], layout)
        _read_items(body[split + 1 :], columns["improvement"], layout)
    for items in columns.values():
        if doubt and items:  # a doubt of the whole list goes on each column's first item, beside its own
            items[0].doubt = f"{items[0].doubt}; {doubt}" if items[0].doubt else doubt
    for page, box in unplaced(body, markers):
        _doubt_beside(columns, page, box)
    return _to_findings(columns)


def _doubt_beside(columns: dict[str, list[_Item]], page: int, box: BBox) -> None:
    """Mark the item read where a marker stands that started no item: the item of the nearest line above it
    whose text begins just right of the marker."""
    middle = (box[1] + box[3]) / 2
    beside = [
        (line.top, item)
        for items in columns.values()
        for item in items
        for line in item.lines
        if line.page == page and line.top <= middle and 0 <= line.x0 - box[2] <= 3 * line.size
    ]
    if beside:
        item = max(beside, key=lambda pair: pair[0])[1]
        item.doubt = item.doubt or f"a list marker on page {page} at y={middle:.0f} began no item"


def _column_boundary(body: list[Line], left: Word, right: Word) -> tuple[float, str | None]:
    """(x that separates the two columns, a doubt when it had to be guessed) below the labels ``left`` and
    ``right`` of the header row.

    Where the right column's markers line up, just left of them; else in the white band between the columns that
    no word crosses; else (the columns touch, or OCR ran words of both together) just left of the right label,
    which is doubtful when there are words on both sides: a centred label stands right of its column's start.
    """
    size = _text_size(body) or right.size
    bullets = _right_column_start(body, left.xc, size, right.x0)
    if bullets is not None and bullets < right.x1:
        return bullets - MARGIN_SHARE * size, None
    gutter = _gutter(body, left.xc, right.x0 + size)
    if gutter is not None:
        return gutter, None
    boundary = right.x0 - 2 * MARGIN_SHARE * size
    sides = {w.xc < boundary for ln in body for w in ln.words}
    return boundary, "no white band was found between the two columns" if len(sides) == 2 else None


def _right_column_start(lines: list[Line], lo: float, size: float, label: float) -> float | None:
    """Where the right column's bullets stand: of the x right of ``lo`` where bullets line up, the one nearest the
    right column's label at ``label``.

    Header labels may be left-aligned or centred in their cells; the bullets show where the cells begin.
    Two bullets at one x (within :data:`ALIGN_SHARE` of the text ``size``) make a column; a dash inside a sentence
    ("organisa - tionen") stands alone. The left column's bullets may stand right of ``lo`` too (LibreOffice
    indents a list past its label's middle).
    """
    xs = sorted(w.x0 for ln in lines for w in ln.words if is_bullet(w) and w.x0 > lo)
    near = ALIGN_SHARE * size
    lined_up = [a for a, b in zip(xs, xs[1:], strict=False) if b - a < near]
    starts = [a for n, a in enumerate(lined_up) if n == 0 or a - lined_up[n - 1] >= near]
    return min(starts, key=lambda x: abs(x - label), default=None)


def _text_size(lines: list[Line]) -> float | None:
    """The median size of the words of ``lines`` (the text size on a text layer, the line height on OCR)."""
    sizes = [w.size for ln in lines for w in ln.words]
    return median(sizes) if sizes else None


def _gutter(lines: list[Line], lo: float, hi: float) -> float | None:
    """The middle of the widest vertical white band between ``lo`` and ``hi`` that no word of ``lines`` crosses,
    when it is at least :data:`GUTTER_SHARE` text sizes wide (far wider than a space, so never a river of spaces)
    and has words on both sides."""
    spans = sorted((w.x0, w.x1) for ln in lines for w in ln.words)
    best, widest = None, GUTTER_SHARE * (_text_size(lines) or 0.0)
    reach = spans[0][1] if spans else 0.0
    for x0, x1 in spans[1:]:
        a, b = max(reach, lo), min(x0, hi)
        if b - a >= widest:
            best, widest = (a + b) / 2, b - a
        reach = max(reach, x1)
    return best


MARGIN_SHARE = 0.2
"""How far left of the right column's markers (in text sizes) the columns are separated."""
ALIGN_SHARE = 0.15
"""Markers whose left edges differ by less than this share of the text size stand in one column."""
GUTTER_SHARE = 0.8
"""Least width of the white band between two columns, in text sizes (a space is about 0.3, an OCR'd line box's
height about 1.3 times the font size)."""


EQUAL_COLUMNS = 0.85
"""Two columns whose longest lines are this close in width are taken to be equally wide."""


def _shared_width(left: list[Line], right: list[Line]) -> float | None:
    """The text width of two equally wide columns: the longer of their longest lines (one column's longest
    line may end an item early; the other's then tells how far its lines may run). None when they differ."""
    widths = [max((ln.x1 - ln.x0 for ln in col), default=0.0) for col in (left, right)]
    return max(widths) if min(widths) >= EQUAL_COLUMNS * max(widths) > 0 else None


def _read_items(lines: list[Line], items: list[_Item], layout: Layout, width: float | None = None) -> None:
    """Items of one column, wrapped lines joined: a marker starts an item; without any, the layout does.

    A line read as a continuation although it could begin an item (a capitalised word after a line that ended
    short or with a full stop, or, in a column without markers, after any line) leaves a doubt on its item.
    """
    split = [_strip_markers(line.words) for line in lines]
    marked = any(had for had, _ in split)
    breaks = _Breaks.of(lines, layout, width)
    for n, (line, (had, rest)) in enumerate(zip(lines, split, strict=True)):
        if not rest:
            continue
        if marked:
            start, doubtful = had, not had and _titled(rest[0].text) and breaks.ends_short(n)
        else:
            start, doubtful = breaks.layout_start(n)
        if start or not items:
            items.append(_Item([], line.page))
        item = items[-1]
        if doubtful:
            item.doubt = item.doubt or f"a line beginning {rest[0].text!r} was read as a continuation"
        text = Line(rest, line.page)
        item.parts.append(text.text)
        if line.page == item.page:
            item.boxes.append(text.bbox)
        item.confs.extend(w.conf for w in rest if w.conf is not None)
        item.lines.append(text)


def _strip_markers(words: list[Word]) -> tuple[bool, list[Word]]:
    """:func:`strip_marker`, and a second marker in the same place (OCR read the glyph and the ink reader saw its
    blob) goes too."""
    had, rest = strip_marker(words)
    while had and rest and is_bullet(rest[0]) and rest[0].x0 < words[0].x1:
        rest = rest[1:]
    return had, rest


def _titled(word: str) -> bool:
    """A capitalised word as a finding begins ("Utveckla"), not an acronym ("KKiK") or a number."""
    return len(word) > 1 and word[0].isupper() and word[1:].isalpha() and word[1:].islower()


@dataclass(frozen=True)
class _Breaks:
    """The geometry of one column that tells where items begin when no marker does.

    A hanging indent (continuations indented from the first line) marks every line at the first line's x as a
    start; a gap wider than the column's own line step marks the line after it; so does a line after one that
    ended short of the column's right edge (greedy line breaking would have put its first word there), and a
    capital after a full stop.
    """

    lines: list[Line]
    hanging: bool
    hang: float
    """The least indent of a hanging indent's continuation lines (points)."""
    spaced: bool
    step: float
    left: float
    right: float

    @classmethod
    def of(cls, lines: list[Line], layout: Layout, width: float | None) -> _Breaks:
        """``width``: the column's text width when known from a twin column (else its longest line's)."""
        first_x = lines[0].x0 if lines else 0.0
        hang = HANG_SHARE * (_text_size(lines) or layout.body_size)
        steps = [
            b.top - a.top
            for a, b in zip(lines, lines[1:], strict=False)
            if a.page == b.page and b.top - a.top > 0.8 * b.size
        ]
        left = min((ln.x0 for ln in lines), default=0.0)
        right = max([ln.x1 for ln in lines] + ([left + width] if width and lines else []), default=0.0)
        hanging = any(ln.x0 > first_x + hang for ln in lines)
        breaks = cls(lines, hanging, hang, False, min(steps, default=layout.pitch), left, right)
        return replace(breaks, spaced=any(breaks.gap(n) for n in range(1, len(lines))))

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

    def gap(self, n: int) -> bool:
        """More space above line ``n`` than the column's own line step."""
        prev, line = self.lines[n - 1], self.lines[n]
        return prev.page == line.page and line.top - prev.top > self.step + GAP_SHARE * line.size

    def layout_start(self, n: int) -> tuple[bool, bool]:
        """(line ``n`` begins an item, it continues one but might begin one) in a column without markers.

        The strongest sign the column shows decides: a hanging indent; else space between items (when any two
        lines of the column stand apart, every item is set apart so); else how lines are filled: a line after a
        short line begins an item whatever its first letter, after a full stop only a capital does, and a
        continuation is doubtful when it begins with a capitalised word or its first word would nearly have
        fitted on the line before (the column's true width is only known from its longest lines).
        """
        if n == 0:
            return True, False
        line = self.lines[n]
        if self.hanging:
            return abs(line.x0 - self.lines[0].x0) <= self.hang / 2, False
        if self.spaced:
            return self.gap(n), False
        head = line.words[0].text[:1]
        start = self.fits(n) or ((head.isupper() or head.isdigit()) and self.ends_short(n))
        return start, not start and (_titled(line.words[0].text) or self.fits(n, NEAR_SHARE))


HANG_SHARE = 0.3
"""Text sizes by which continuation lines must be indented from an item's first line to count as a hanging indent
(3 pt at 10 pt)."""
GAP_SHARE = 0.25
"""Extra space between two lines (in text sizes, beyond the column's line step) that separates items."""
SPACE_SHARE = 0.3
"""A space's width in text sizes (generous: a word that fits with it would surely have been set there)."""
NEAR_SHARE = 0.12
"""A word that would have fitted in a column this much wider (share of its width) makes a continuation doubtful."""


def _to_findings(columns: dict[str, list[_Item]]) -> list[Finding]:
    findings: list[Finding] = []
    for kind in ("strength", "improvement"):
        for pos, item in enumerate((i for i in columns[kind] if join_lines(i.parts)), 1):
            confidence = min(item.confs) if item.confs else None
            text, box = join_lines(item.parts), union(item.boxes)
            findings.append(Finding(kind, pos, text, item.page, box, confidence, item.doubt))
    return findings
