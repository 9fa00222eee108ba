"""Parse the Styrkor / Förbättrings list of an area section.

Its two columns are separated where the right column's markers line up, else in the white band between them
(:mod:`kompass_extract.parse.columns`), and regrouped into lines each on its own, so that they never mix, even
across a page break. The header row and its labels are read by :mod:`kompass_extract.parse.findings_header`; a list
without its improvements label, or columns cut where no white band was seen, leave a doubt (``findings-uncertain``).

An item starts at a marker of any kind: a bullet glyph, or a drawn shape or picture that
:mod:`kompass_extract.read.markers` turns into a marker word. A column without any marker is split by layout
alone: a hanging indent, a wider gap than the column's own line spacing, or a line that begins with a capital
after a line that ended short (its first word would have fitted) or with a full stop.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from kompass_extract.locate.labels import (
    fold,
    is_bullet,
    is_label,
    join_lines,
    starts_with_label,
    strip_bullet,
)
from kompass_extract.locate.layout import Layout, column_lines
from kompass_extract.model import BBox, Finding, union
from kompass_extract.parse.columns import GUTTER_SHARE, column_boundary, gutter, noise_pages, shared_width, stray_start
from kompass_extract.parse.findings_header import (
    header_row,
    inked_text,
    joined_label,
    label_alone,
    starts_with_improvements,
)
from kompass_extract.parse.item_markers import Split, at, item_markers, text_start
from kompass_extract.parse.item_starts import Breaks, titled
from kompass_extract.parse.item_text import inked, misread, trimmed
from kompass_extract.parse.relook import Relook
from kompass_extract.read.geometry import Word
from kompass_extract.read.lines import Line
from kompass_extract.read.markers import MarkerSource, unplaced, with_markers
from kompass_extract.read.ocr.probe import Look

FAR_GAP = 5.0
"""A gap above a line of more than this many line pitches ends the list on that page, unless a line below holds a
marker: the unmarked lines below (a page footer that OCR garbled beyond recognition, a speck) belong to no item."""
HEADING_GAP = 1.6
"""Line pitches of space above a line that, on OCR'd pages, a heading after the list has and a list row has not."""


def _ends_list(line: Line, prev: Line, layout: Layout) -> bool:
    """``line`` is a heading after the list: on a text layer, bold or larger and not bulleted. An OCR'd line's size
    is its line box's height, which grows when Tesseract takes in a neighbouring row's accents or descenders: there
    a heading also holds no marker at all (a row of the other column may), stands apart from ``prev`` and begins
    with no small letter (the wrapped end of an item at the head of the next page does: "kommunala organisationen")."""
    if not layout.is_heading(line) or strip_bullet(line.words)[0]:
        return False
    if line.bold is not None:  # a text layer's line (a partly scanned report has both kinds)
        return True
    lower = line.words[0].text[:1].islower()
    return not lower and not any(is_bullet(w) for w in line.words) and layout.gap(prev, line) > HEADING_GAP


def _row_of_both(line: Line, header: Line, k: int) -> bool:
    """An OCR'd line with words in both columns of the list whose header labels are words 0 and ``k`` of
    ``header``, apart by a white band of :data:`GUTTER_SHARE` header sizes where the columns part: a row of the
    list that Tesseract read as one line (in a box made tall by taking in both columns' ink), not a heading."""
    if line.bold is not None:
        return False
    lo, hi = header.words[0].xc, header.words[k].x0 + header.size
    words = sorted(line.words, key=lambda w: w.x0)
    return any(
        min(b.x0, hi) - max(a.x1, lo) >= GUTTER_SHARE * header.size for a, b in zip(words, words[1:], strict=False)
    )


SPECK_SHARE = 0.5
"""A line with no letter or digit that is less than this share of the list header's height tall is a speck of
noise on a scan (OCR reads it as "-", "." or "="), not a line of the list."""


def _speck(line: Line, header: Line) -> bool:
    return line.bottom - line.top < SPECK_SHARE * header.size and not inked_text(line.text)


@dataclass
class _Item:
    parts: list[str]
    page: int
    boxes: list[BBox] = field(default_factory=list)
    confs: list[float] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    """The item's lines without their markers."""
    doubt: str | None = None


def parse_findings(
    lines: list[Line], layout: Layout, markers: MarkerSource | None = None, look: Look | None = None
) -> list[Finding]:
    """Two columns split at the gutter between the labels; or one column whose kind switches at the second.

    ``markers`` gives the boxes of drawn list markers of a page (see :mod:`kompass_extract.read.markers`);
    ``look`` looks for a marker again on a scanned page's image (see :mod:`kompass_extract.read.ocr.probe`)."""
    header, after = header_row(lines)
    printed = fold(header.text)
    orphan = not is_label(header.words[0].text, "strengths") and starts_with_improvements(header.words)
    k = (
        0
        if orphan
        else next((n for n in range(1, len(header.words)) if starts_with_improvements(header.words[n:])), None)
    )
    if k is not None:
        header = joined_label(header, k)
    body: list[Line] = []
    cut: int | None = None  # a page whose list broke off at a wide gap: only a marked line there goes on with it
    noise = noise_pages(after)
    for line in with_markers(after, markers):
        if line.page in noise:
            continue
        if fold(line.text) == printed or (k is not None and label_alone(line)):
            continue  # the header row repeated on the next page (Word tables do), maybe split by OCR
        if _speck(line, header):
            continue
        prev = body[-1] if body else header
        marked = any(is_bullet(w) for w in line.words)
        if not marked and (line.page == cut or prev.page == line.page and layout.gap(prev, line) > FAR_GAP):
            cut = line.page
            continue
        switches = k is None and starts_with_label(line.text, "improvements") is not None
        if _ends_list(line, prev, layout) and not switches and not (k is not None and _row_of_both(line, header, k)):
            break
        body.append(line)
    columns: dict[str, list[_Item]] = {"strength": [], "improvement": []}
    split = next((i for i, ln in enumerate(body) if starts_with_label(ln.text, "improvements")), None)
    boundary, doubt = None, None
    if k is not None and body:
        left = header.words[0] if not orphan else _left_edge(body, header.words[0])
        boundary, doubt = column_boundary(body, left, header.words[k])
        if orphan:
            doubt = _also(doubt, "the strengths label was not read: the left-hand column was read as strengths")
    elif split is None and body:  # no improvements label at all: two columns side by side, or one list
        boundary = gutter(body, min(ln.x0 for ln in body), max(ln.x1 for ln in body))
        doubt = "no improvements label was found" + (
            ": the right-hand column was read as improvements" if boundary else ": every item was read as a strength"
        )
    if boundary is not None:
        pair = column_lines(body, -1e9, boundary), column_lines(body, boundary, 1e9)
        if stray_start(pair[1]):
            doubt = _also(
                doubt, "a line of the right-hand column starts left of the column: the two columns may be split wrongly"
            )
        width = shared_width(*pair)
        relook = Relook(markers, look)
        _read_items(pair[0], columns["strength"], layout, width, relook)
        _read_items(pair[1], columns["improvement"], layout, width, relook)
        _doubt_overleaf(columns, layout)
    else:
        split = len(body) if split is None else split
        relook = Relook(markers, look)
        _read_items(body[:split], columns["strength"], layout, relook=relook)
        _read_items(body[split + 1 :], columns["improvement"], layout, relook=relook)
    for items in columns.values():
        if doubt and items:  # a doubt of the whole list goes on each column's first item, beside its own
            items[0].doubt = _also(items[0].doubt, doubt)
    for page, box in unplaced(body, markers):
        _doubt_beside(columns, page, box)
    for page, conf in noise.items():  # the list may go on there: its last items may have lost their ends
        lost = f"page {page}'s OCR is noise (median word confidence {conf:.0f}): the list may go on there unread"
        for items in columns.values():
            if items:
                items[-1].doubt = _also(items[-1].doubt, lost)
    return _to_findings(columns)


def _also(doubt: str | None, more: str | None) -> str | None:
    """Doubts about one item or list joined, each kept (None when there is none)."""
    return "; ".join(filter(None, [doubt, more])) or None


def _doubt_overleaf(columns: dict[str, list[_Item]], layout: Layout) -> None:
    """Doubt the items at the head of a page that stand in one column only, when on the page before the other column
    ran lower (by half a line pitch): that column is the one that went on over the page. Two lists floated side by
    side (Chromium) put the right one's rest at the left of the next page, where it reads as the left list's."""

    def bottom(items: list[_Item], page: int) -> float | None:
        return max((ln.bottom for item in items for ln in item.lines if ln.page == page), default=None)

    pages = sorted({item.page for items in columns.values() for item in items})
    for before, page in itertools.pairwise(pages):
        here = [kind for kind, items in columns.items() if any(item.page == page for item in items)]
        if len(here) != 1:
            continue
        other = next(kind for kind in columns if kind != here[0])
        mine, theirs = bottom(columns[here[0]], before), bottom(columns[other], before)
        if theirs is not None and (mine is None or theirs > mine + OVERLEAF_SLACK * layout.pitch):
            first = next(item for item in columns[here[0]] if item.page == page)
            first.doubt = _also(
                first.doubt, f"read as the {here[0]} list at the head of page {page}, but on page {before} the "
                f"{other} list ran lower: it may go on the {other} list"
            )  # fmt: skip


OVERLEAF_SLACK = 0.5
"""Line pitches by which the other column must run lower on the page before for its list to be the one going on."""


def _left_edge(body: list[Line], label: Word) -> Word:
    """A stand-in for the strengths label OCR did not read: an empty word where the list's left column begins."""
    x = min(ln.x0 for ln in body)
    return Word("", x, label.top, x, label.bottom, label.size, label.bold, label.conf)


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


def _read_items(
    lines: list[Line], items: list[_Item], layout: Layout, width: float | None = None, relook: Relook | None = None
) -> None:
    """Items of one column, wrapped lines joined: a marker starts an item; without any, the layout does.

    A line read as a continuation although it could begin an item (a capitalised word after a line that ended
    short or with a full stop, or, in a column without markers, after any line) leaves a doubt on its item. On an
    OCR'd column whose other items have markers, such a line whose first word would have fitted on the line before
    (so that a line breaker ended that line on purpose) and that begins where the items' text begins, is an item
    whose marker the ink reader missed; that too is doubted. Before that, such lines are looked at again on the page
    image where the column's markers stand (``relook``).
    """
    split = item_markers(lines)
    breaks = Breaks.of(_without_specks(lines, split), layout, width)
    if relook is not None:  # a line that begins like an item, or after a line that ended on purpose
        could = lambda n, first: titled(first.text) or first.text[:1].isdigit() or breaks.ends_short(n)  # noqa: E731
        split = relook.again(lines, split, text_start(lines, split), could)
    marked = any(had for had, _ in split)
    text_x = text_start(lines, split)
    for n, (line, (had, rest)) in enumerate(zip(lines, split, strict=True)):
        if not rest:
            continue
        unmarked_start = False
        if marked:
            start, doubtful = had, not had and titled(rest[0].text) and breaks.ends_short(n)
            unmarked_start = doubtful and line.bold is None and breaks.fits(n) and at(rest[0], text_x, line)
            start = start or unmarked_start
        else:
            start, doubtful = breaks.layout_start(n)
            unmarked_start = start and doubtful
        if start or not items:
            items.append(_Item([], line.page))
        item = items[-1]
        if unmarked_start:
            item.doubt = item.doubt or f"no list marker was seen left of {rest[0].text!r}: read as a new item"
        elif doubtful:
            item.doubt = item.doubt or f"a line beginning {rest[0].text!r} was read as a continuation"
        kept = inked(rest)
        if not kept:
            continue
        text = Line(kept, line.page)
        item.parts.append(text.text)
        if line.page == item.page:
            item.boxes.append(text.bbox)
        item.confs.extend(w.conf for w in kept if w.conf is not None)
        item.lines.append(text)


def _without_specks(lines: list[Line], split: Split) -> list[Line]:
    """The column's lines for its layout: a lone marker that starts nothing gives no indent either. One that ends
    before the column's other lines begin (a toner speck left of a line) is left out, so that its line does not
    stand out to the left; one that stands where they begin (a letter OCR split off its word, the "u" of "ut", that
    the ink reader took for a blob) keeps its place, so that the words after it make no hanging indent (which made
    every line at the margin an item: an item's lower-case wrapped end stood alone, with no check).
    (The second look of :class:`Relook` only marks lines that had no marker stripped: the same lines either way.)"""
    lone = [
        not had and bool(rest) and len(rest) < len(line.words) for line, (had, rest) in zip(lines, split, strict=True)
    ]
    begin = min((line.x0 for line, alone in zip(lines, lone, strict=True) if not alone), default=None)
    return [
        Line(rest, line.page) if alone and (begin is None or line.words[0].x1 <= begin) else line
        for line, (_, rest), alone in zip(lines, split, lone, strict=True)
    ]


def _to_findings(columns: dict[str, list[_Item]]) -> list[Finding]:
    findings: list[Finding] = []
    for kind in ("strength", "improvement"):
        read = [
            (item, lines, join_lines([ln.text for ln in lines]))
            for item in columns[kind]
            for lines in [trimmed(item.lines)]
        ]
        for pos, (item, lines, text) in enumerate(((i, ls, t) for i, ls, t in read if t), 1):
            confidence = min(item.confs) if item.confs else None
            findings.append(
                Finding(kind, pos, text, item.page, union(item.boxes), confidence, item.doubt, misread(lines))
            )
    return findings
