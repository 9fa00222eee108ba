"""List markers that are not characters: small shapes and images painted left of a line.

Browsers' print-to-PDF and several layout programs draw a list's disc or square as a filled path, and some
use a small picture; the text layer then has no bullet at all, and a list would read as one paragraph. This
module finds such markers among pdfium's page objects and lets them take part in the text as *marker words*
(text :data:`MARKER`), so every parser that knows bullet glyphs splits items at them unchanged.

Markers from any other source enter the same way: a reader that sees them (the OCR reader's blobs left of a
line) gives their boxes in :attr:`~kompass_extract.read.document.Page.markers` (points, top-left origin, the
frame of the page's words), and :func:`with_markers` places them. Only the parsers of lists call this, for
the pages a list is on: the born-digital path stays a text read elsewhere.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable

import pypdfium2.raw as pdfium_c

from kompass_extract.model import BBox
from kompass_extract.read.document import Page
from kompass_extract.read.geometry import Frame, Word, bare
from kompass_extract.read.lines import Line

MarkerSource = Callable[[int], list[BBox]]
"""Page number -> boxes of that page's markers (see :func:`page_markers`)."""
MARKER = "\u25aa"
"""Text of a marker word that stands for a drawn shape or picture (a bullet glyph to every parser)."""
FORM = pdfium_c.FPDF_PAGEOBJ_FORM
MARKER_KINDS = (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_IMAGE, FORM)
MIN_SIDE = 1.2
"""Smallest width or height (points) of a marker: specks and hairlines are no markers."""
UPRIGHT = 1.5
"""A box this many times taller than wide is a bar (a dashed border's dash), never a list marker."""
MAX_SIDE = 14.0
"""Largest side (points) a marker may have at all; it must also be no larger than its line's text size."""


def page_markers(page: Page) -> list[BBox]:
    """Boxes of the marker-sized shapes and images of a page, in the frame of its words.

    Boxes a reader gave (:attr:`Page.markers`) are taken as they are; otherwise the PDF's page objects are read
    once and kept on the page; every small path or image is a candidate, and whether one is a marker is decided
    against the lines by :func:`with_markers`.
    """
    if page.markers is None:
        shapes = _read_shapes(page) if page.source is not None else []
        sheet = page.sheet
        if sheet is not None:  # a logical page of a sheet that holds several: its own shapes, in its own frame
            shapes = [
                (x0 - sheet.x, top - sheet.y, x1 - sheet.x, bottom - sheet.y)
                for x0, top, x1, bottom in shapes
                if sheet.own((x0, top, x1, bottom))
            ]
        page.markers = shapes
    return page.markers


def _read_shapes(page: Page) -> list[BBox]:
    """Small paths, images and forms of the page (from :attr:`Page.drawn`), also inside forms (some producers
    wrap a page's content in one); the page's frame is worked out only when there is one, since that needs its text page."""
    found = _small_objects([obj for _, obj, _ in page.drawn[1]], IDENTITY, 0)  # text objects are no markers
    if not found:
        return []
    frame = page.frame
    if frame is None:
        textpage = page.source.get_textpage()  # type: ignore[union-attr]
        try:
            frame = Frame.of(page.source, textpage, page.text)  # type: ignore[arg-type]
        finally:
            textpage.close()
    return [_box(box, frame.point) for box in found]


_FORM_OBJECT = bare(pdfium_c.FPDFFormObj_GetObject, pdfium_c.FPDF_PAGEOBJECT)
_OBJECT_TYPE = bare(pdfium_c.FPDFPageObj_GetType)
"""Calls made once per page object (thousands on a browser's page, one text object per glyph)."""
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
FORM_DEPTH = 4
"""How deep forms inside forms are searched."""


def _small_objects(objects: list[object], matrix: Matrix, depth: int) -> list[BBox]:
    """(left, bottom, right, top) in page space of every marker-sized path, image or form among ``objects``
    (whose own coordinates ``matrix`` maps to the page); larger forms are searched inside."""
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    found: list[BBox] = []
    for obj in objects:
        kind = _OBJECT_TYPE(obj)
        if kind not in MARKER_KINDS or not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            continue
        box = _box((left.value, bottom.value, right.value, top.value), lambda x, y: _apply(matrix, x, y))
        w, h = box[2] - box[0], box[3] - box[1]
        if MIN_SIDE <= max(w, h) <= MAX_SIDE and min(w, h) >= 0.25:
            found.append(box)
        elif kind == FORM and depth < FORM_DEPTH:
            m = pdfium_c.FS_MATRIX()
            pdfium_c.FPDFPageObj_GetMatrix(obj, m)
            inner = _compose(matrix, (m.a, m.b, m.c, m.d, m.e, m.f))
            children = [_FORM_OBJECT(obj, k) for k in range(pdfium_c.FPDFFormObj_CountObjects(obj))]
            found += _small_objects(children, inner, depth + 1)
    return found


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _compose(outer: Matrix, inner: Matrix) -> Matrix:
    """The matrix that applies ``inner`` first, then ``outer``."""
    a, b, c, d, e, f = inner
    linear: Matrix = (outer[0], outer[1], outer[2], outer[3], 0.0, 0.0)
    (a2, b2), (c2, d2), (e2, f2) = _apply(linear, a, b), _apply(linear, c, d), _apply(outer, e, f)
    return a2, b2, c2, d2, e2, f2


def _box(box: BBox, point: Callable[[float, float], tuple[float, float]]) -> BBox:
    """The box around the four corners of ``box`` mapped by ``point``."""
    x0, y0, x1, y1 = box
    corners = [point(x, y) for x in (x0, x1) for y in (y0, y1)]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    return min(xs), min(ys), max(xs), max(ys)


def with_markers(lines: list[Line], markers_of: MarkerSource | None) -> list[Line]:
    """The lines with a marker word added where a marker box stands left of a line's words.

    A box is a marker when it is no taller and no wider than the line's text size and not an upright bar, lies
    within the line's height, overlaps none of its words and a word of the line begins within three text sizes
    to its right, whose own height holds the box's middle. That last test matters where lines overlap: OCR'd
    lines of two columns side by side are grouped into one line as tall as both, and the next item's marker in
    its lower part would otherwise also start an item at a wrapped line of the other column's height.
    A shape beside a bullet glyph adds nothing.
    """
    if markers_of is None or not lines:
        return lines
    out: list[Line] = []
    by_page: dict[int, list[BBox]] = {}
    for line in lines:
        if line.page not in by_page:
            by_page[line.page] = markers_of(line.page)
        marks: list[Word] = []
        for box in by_page[line.page]:
            mark = _marker_word(box, line)
            if mark is not None and not any(m.x0 < mark.x1 and m.x1 > mark.x0 for m in marks):  # one per place
                marks.append(mark)
        out.append(Line(sorted(line.words + marks, key=lambda w: w.x0), line.page) if marks else line)
    return out


def _marker_word(box: BBox, line: Line) -> Word | None:
    x0, top, x1, bottom = box
    size = line.size
    if x1 - x0 > size or bottom - top > size or not line.top - 1 <= (top + bottom) / 2 <= line.bottom + 1:
        return None
    if bottom - top > UPRIGHT * (x1 - x0):  # a piece of a dashed cell border, not a marker
        return None
    if any(w.x0 < x1 and w.x1 > x0 for w in line.words):
        return None
    after = min((w for w in line.words if w.x0 >= x1), key=lambda w: w.x0, default=None)
    if after is None or after.x0 - x1 > 3 * size or (len(after.text) == 1 and not after.text.isalnum()):
        return None
    if not after.top - 1 <= (top + bottom) / 2 <= after.bottom + 1:
        return None
    return Word(MARKER, x0, line.top, x1, line.bottom, line.size)


def unplaced(lines: list[Line], markers_of: MarkerSource | None) -> list[tuple[int, BBox]]:
    """Markers the reader saw but did not split at: boxes in line with, and as wide as, the markers placed on
    ``lines`` (a sibling marker), within the lines' height on their page, yet placed on no line."""
    if markers_of is None:
        return []
    found: list[tuple[int, BBox]] = []
    for page in sorted({ln.page for ln in lines}):
        on_page = [ln for ln in lines if ln.page == page]
        placed = [w for ln in on_page for w in ln.words if w.text == MARKER]
        top, bottom = min(ln.top for ln in on_page), max(ln.bottom for ln in on_page)
        for box in markers_of(page) if placed else []:
            middle = (box[1] + box[3]) / 2
            if any(w.x0 == box[0] and w.x1 == box[2] and w.top - 1 <= middle <= w.bottom + 1 for w in placed):
                continue
            sibling = any(abs(w.x0 - box[0]) <= 1.5 and abs((w.x1 - w.x0) - (box[2] - box[0])) <= 1 for w in placed)
            if sibling and top <= middle <= bottom:
                found.append((page, box))
    return found
