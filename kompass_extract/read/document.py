"""Stage 1: read a PDF into pages, lines and words with positions and font hints.

The text of every page is read with pypdfium2, and the page's word geometry
(:mod:`kompass_extract.read.geometry`) right after it from the same pdfium text page, which is then closed:
one text page (~0.2 MB, three times the page itself) is open at a time, not all of them. Every stage after
the text check needs the words of every page anyway (running headers are found by repetition across pages);
a file that is no report costs ~0.8 ms per page more. Lines are grouped when a stage asks. OCR'd pages (see
:mod:`kompass_extract.read.ocr.pages`) provide their words directly; they carry a confidence and no
font information, so nothing downstream may depend on fonts being present.
"""

from __future__ import annotations

import bisect
import ctypes
import math
import operator
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import InitVar, dataclass, field
from typing import Any, Generic, TypeVar

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from kompass_extract.errors import CorruptPdfError, EmptyFileError, EncryptedPdfError, NotPdfError, TooManyPagesError
from kompass_extract.read.geometry import Frame, Word, bare, read_words
from kompass_extract.read.textlayer import unswap_ligatures

IMAGE, TEXT = pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_TEXT
FORM = pdfium_c.FPDF_PAGEOBJ_FORM
INVISIBLE = 3
"""pdfium's FPDF_TEXTRENDERMODE_INVISIBLE."""
COVERING = 0.5
"""Share of the page an image drawn over text must cover for the text to count as hidden under it."""
_COUNT_OBJECTS = bare(pdfium_c.FPDFPage_CountObjects)
_GET_OBJECT = bare(pdfium_c.FPDFPage_GetObject, pdfium_c.FPDF_PAGEOBJECT)
_FORM_OBJECT = bare(pdfium_c.FPDFFormObj_GetObject, pdfium_c.FPDF_PAGEOBJECT)
_OBJECT_TYPE = bare(pdfium_c.FPDFPageObj_GetType)
SOFT_HYPHENS = ("\ufffe", "\u00ad", "\x02")
_ALNUM = re.compile(r"[^\W_]")
"""A letter or digit (what ``str.isalnum`` accepts)."""
_X0, _TOP, _BOTTOM = (operator.attrgetter(k) for k in ("x0", "top", "bottom"))
_CENTRE = operator.itemgetter(0)
T = TypeVar("T")


class cached_property(Generic[T]):  # noqa: N801 (a drop-in for functools.cached_property)
    """``functools.cached_property`` without its lock (Python 3.11 takes one on every first access, which
    costs as much as computing a line's box): a report computes thousands of these, in one thread."""

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> T:
        if obj is None:
            return self  # type: ignore[return-value]
        value = self.func(obj)
        _set_attribute(obj, self.name, value)  # kept with the object's other attributes (no dict made)
        return value


_set_attribute = object.__setattr__
"""Stores an attribute among the object's own values: reading ``obj.__dict__`` (to store in it) turns them into a
dictionary of their own, which makes each later read of any of the object's attributes slower."""

Measures = tuple[float, float, float, float, float]
"""A line's x0, x1, top, bottom and size."""


@dataclass
class Line:
    """Words that share a baseline, left to right. May span several table columns.

    Its box and size are measured when it is made: nearly every stage reads them (some 16,000 reads a report), and a
    plain attribute is read in a quarter of the instructions of a cached property (a descriptor whose class is
    defined in Python keeps the interpreter from specialising the read: ~170 against ~40). ``measures`` are given by
    a maker that measured the words already (:func:`measured_line`). A line of no words has none (a reader gets an
    ``AttributeError``, as it got an ``IndexError`` or ``ValueError`` when they were measured on first use)."""

    words: list[Word]
    page: int
    measures: InitVar[Measures | None] = None
    x0: float = field(init=False, repr=False, compare=False)
    x1: float = field(init=False, repr=False, compare=False)
    top: float = field(init=False, repr=False, compare=False)
    bottom: float = field(init=False, repr=False, compare=False)
    size: float = field(init=False, repr=False, compare=False)

    def __post_init__(self, measures: Measures | None) -> None:
        if measures is None:
            if not self.words:
                return
            measures = _measures(self.words)
        self.x0, self.x1, self.top, self.bottom, self.size = measures

    @cached_property
    def text(self) -> str:
        return " ".join([w.text for w in self.words])

    @cached_property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.x0, self.top, self.x1, self.bottom)

    @cached_property
    def bold(self) -> bool | None:
        """True when every word is bold, None when the layer has no font information (OCR).

        Only words with a letter or digit count; when all words of the line are alike (nearly every line), one such
        word is looked for, not each word tested."""
        flags = {w.bold for w in self.words}
        if len(flags) > 1 or not any(w.text.isalnum() or _ALNUM.search(w.text) for w in self.words):
            flags = {w.bold for w in self.words if w.text.isalnum() or _ALNUM.search(w.text)}  # isalnum: quick test
        if not flags or None in flags:
            return None
        return all(flags)

    @property
    def conf(self) -> float | None:
        confs = [w.conf for w in self.words if w.conf is not None]
        return min(confs) if confs else None


@dataclass(frozen=True)
class SheetPart:
    """Where a logical page lies on the physical page that holds it with others (a sheet printed two or four pages
    per side, see :mod:`kompass_extract.read.sheets`): the PDF's page number, which cell it is (1: top left, in
    reading order) of how many, its frame's offset in the physical page's frame (points), whether the split was
    certain, and the cell (x0, top, x1, bottom) on the physical page."""

    page: int
    part: int
    parts: int
    x: float
    y: float
    certain: bool
    cell: tuple[float, float, float, float]

    def box(self, bbox: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        """A box of the logical page in the physical page's coordinates."""
        x0, top, x1, bottom = bbox
        return (x0 + self.x, top + self.y, x1 + self.x, bottom + self.y)

    def own(self, box: tuple[float, float, float, float]) -> bool:
        """The physical page's ``box`` lies (by its middle) in this logical page's cell."""
        x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        x0, top, x1, bottom = self.cell
        return x0 <= x < x1 and top <= y < bottom


@dataclass
class Page:
    number: int
    width: float
    height: float
    text: str
    """Plain text of the page in the order pdfium reads it (cheap; used to locate content)."""
    words_given: list[Word] | None = field(default=None, repr=False)
    ocr: bool = False
    source: pdfium.PdfPage | None = field(default=None, repr=False)
    frame: Frame | None = field(default=None, repr=False)
    """How the PDF's user space maps to the words' frame (born-digital pages)."""
    markers: list[tuple[float, float, float, float]] | None = field(default=None, repr=False)
    """Boxes of list markers that are no characters (drawn shapes, OCR blobs), in the frame of the words;
    None until read (see :mod:`kompass_extract.read.markers`)."""
    ocr_frame: tuple[float, int] = (0.0, 0)
    """OCR'd pages: (skew in degrees, rotation in degrees) that turned the scan into the frame of the words, so
    that a cell can be cut out of the page image again (:mod:`kompass_extract.read.ocr.reread`)."""
    invisible_text: bool = False
    """The text is drawn invisible (render mode 3): an OCR layer a scanner or ocrmypdf laid over a scan (see
    :func:`_invisible_layer`)."""
    sheet: SheetPart | None = None
    """Set on a logical page cut out of a physical page that holds several (its words are in its own frame; its
    ``number`` is its place in reading order, not the PDF's)."""

    @cached_property
    def image_cover(self) -> float:
        """Share of the page covered by its largest image (a scanned page is one image, ~1.0)."""
        if self.source is None:
            return 0.0
        area = self.width * self.height or 1.0
        covers = [(r - left) * (t - b) / area for left, b, r, t in (o.get_bounds() for o in self._objects(IMAGE))]
        return min(max(covers, default=0.0), 1.0)

    @cached_property
    def covered_text(self) -> bool:
        """Text drawn before an image that covers most of the page, so hidden under it: a scan laid over its own
        OCR text (or over another document's), whose text layer says what nobody can check against the page.

        From the page's objects in drawing order (:attr:`drawn`); a form counts as text when it holds text
        objects, as a producer that wraps a text layer in one draws it.
        """
        if self.source is None:
            return False
        page_area = (self.width * self.height) or 1.0
        left, bottom, right, top = (ctypes.c_float() for _ in range(4))
        text_from, drawn = self.drawn
        for position, obj, kind in drawn:
            if kind == FORM:
                if position < text_from and _form_holds_text(obj):
                    text_from = position
            elif (
                kind == IMAGE
                and position > text_from
                and pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
                and (right.value - left.value) * (top.value - bottom.value) >= COVERING * page_area
            ):
                return True
        return False

    @cached_property
    def drawn(self) -> tuple[int, list[tuple[int, Any, int]]]:
        """The page's own objects other than text, as (position in drawing order, handle, kind), and the position
        of its first text object (the object count when there is none).

        One walk with bare pdfium calls serves every reader of the page's drawing (text hidden under an image,
        drawn list markers): a browser's page holds thousands of objects, one text object per glyph run, and
        walking them costs as much as reading the page's words.
        """
        raw = self.source.raw if self.source is not None else None
        count = _COUNT_OBJECTS(raw) if raw is not None else 0
        first_text, drawn = count, []
        for position in range(count):
            obj = _GET_OBJECT(raw, position)
            kind = _OBJECT_TYPE(obj)
            if kind != TEXT:
                drawn.append((position, obj, kind))
            elif position < first_text:
                first_text = position
        return first_text, drawn

    def _objects(self, kind: int) -> Iterator[pdfium.PdfObject]:
        return self.source.get_objects(filter=[kind]) if self.source is not None else iter(())

    @property
    def words(self) -> list[Word]:
        return self.words_given if self.words_given is not None else []

    @cached_property
    def lines(self) -> list[Line]:
        return group_lines(self.words, self.number)


@dataclass
class Document:
    path: str
    pages: list[Page]
    _pdf: object = field(default=None, repr=False)

    def close(self) -> None:
        pdf = self._pdf
        if pdf is not None:
            pdf.close()  # type: ignore[attr-defined]
            self._pdf = None


def open_pdf(path: str, data: bytes | None = None, *, max_pages: int | None = None) -> Document:
    """Open a PDF and read each page's text; raise a typed error for inputs that are not usable.

    ``max_pages`` is checked from the page count alone, before any page is loaded: 100,000 blank pages fit in
    a 1 MB file, and loading their text would take minutes and gigabytes.
    """
    if data is None:
        with open(path, "rb") as fh:
            data = fh.read()
    if not data:
        raise EmptyFileError("the file is empty")
    if b"%PDF-" not in data[:1024]:
        raise NotPdfError("the file does not start with a PDF header")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise EncryptedPdfError("the PDF is encrypted and needs a password") from exc
        hint = _cut_off_hint(data)
        raise CorruptPdfError(
            f"pdfium cannot read the file: {message.rstrip('.') + hint if hint else message}"
        ) from exc
    if max_pages is not None and len(pdf) > max_pages:
        count = len(pdf)
        pdf.close()
        raise TooManyPagesError(f"{count} pages exceed the limit of {max_pages}")
    pages: list[Page] = []
    bold_fonts: dict[int, bool] = {}  # the document's fonts, loaded once by pdfium and kept while its pages are open
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            textpage, text, frame = _read_upright(page)
            try:
                words = read_words(textpage, frame, text, bold_fonts)
                invisible = _invisible_layer(textpage)
            finally:
                textpage.close()
            pages.append(
                Page(
                    index + 1,
                    frame.width,
                    frame.height,
                    text,
                    words_given=words,
                    source=page,
                    frame=frame,
                    invisible_text=invisible,
                )
            )
    except pdfium.PdfiumError as exc:
        raise CorruptPdfError(f"pdfium cannot read page {len(pages) + 1}: {exc}") from exc
    return Document(path, pages, pdf)


def _cut_off_hint(data: bytes) -> str:
    """Why an unreadable file may be so, when its end says it: a PDF ends with ``%%EOF`` (after any padding), and
    one that does not was most likely cut off, an incomplete download or copy, which an archivist can fetch again;
    pdfium's own message ("Data format error") does not tell that from a damaged file."""
    if b"%%EOF" in data.rstrip(b"\0\t\n\r\f ")[-1024:]:
        return ""
    return f"; the file ends without %%EOF after {len(data):,} bytes, so it was most likely cut off (an incomplete download or copy)"


def _invisible_layer(textpage: pdfium.PdfTextPage) -> bool:
    """The page's text is drawn invisible: such a layer is invisible throughout, so its first character tells.

    The character's text object is looked up through the text page, which is read anyway: walking the page's
    objects to the first text object cost as much as the whole page's words on a page that draws a chart of
    thousands of shapes before its text. A character pdfium generated (a space, a line break) has no object."""
    for index in range(min(textpage.count_chars(), FIRST_CHARS)):
        obj = pdfium_c.FPDFText_GetTextObject(textpage.raw, index)
        if obj:
            return pdfium_c.FPDFTextObj_GetTextRenderMode(obj) == INVISIBLE
    return False


FIRST_CHARS = 16
"""Characters looked at for one that has a text object (the first one has, but for a generated one)."""


def _form_holds_text(form: Any) -> bool:
    """A form object with text among its own objects."""
    return any(_OBJECT_TYPE(_FORM_OBJECT(form, k)) == TEXT for k in range(pdfium_c.FPDFFormObj_CountObjects(form)))


def _read_upright(page: pdfium.PdfPage) -> tuple[pdfium.PdfTextPage, str, Frame]:
    """The page's text page, text and frame, read with the page turned so that its text runs left to right.

    pdfium orders characters and joins them into words as the page is displayed: on a page whose upright text
    a /Rotate turns sideways it reads each glyph-positioned word ("organisationen") as pieces of other lines
    ("or" ... "ganisationen"). The rotation is set in the document in memory only; the words' frame does
    not depend on it (see :class:`~kompass_extract.read.geometry.Frame`).
    """
    textpage = page.get_textpage()
    text = textpage.get_text_range()
    frame = Frame.of(page, textpage, text)
    upright = frame.display_rotation()
    if text.strip() and page.get_rotation() != upright:
        textpage.close()
        page.set_rotation(upright)
        textpage = page.get_textpage()
        text = textpage.get_text_range()
    return textpage, unswap_ligatures(text), frame


def group_lines(words: Iterable[Word], page_number: int) -> list[Line]:
    """Group words into lines by vertical overlap, top to bottom, left to right.

    Words are taken by their centre, top to bottom; a word joins the latest of the last three lines whose
    first word's centre is within 0.3 of the smaller of the two heights (at least 1 pt), else starts a line.
    """
    return list(_grouped(list(words), page_number, NEVER))


def iter_lines(words: list[Word], page_number: int) -> Iterator[Line]:
    """The lines of :func:`group_lines`, the same and in the same order, each given as soon as no word still to
    be grouped can join it or make a line that comes before it: a reader that stops after its first few lines (the
    Rubriker column of a box, a few lines of a 40-line window) does not group the rest of them."""
    return _grouped(words, page_number, SETTLE_FROM)


NEVER = -1
"""``settle_at`` of :func:`_grouped` for a reader that takes every line: no looks (a list has no count of -1)."""
SETTLE_FROM = 2
"""Lines made after which :func:`iter_lines` first looks for lines it can give; again after twice as many, and so
on: a look costs a pass over the words (their tallest height), so few looks, and never more than twice the lines
a reader takes are grouped."""


def _grouped(words: list[Word], page_number: int, settle_at: int) -> Iterator[Line]:
    """The grouping of :func:`group_lines`; with ``settle_at`` > 0 (lines made) its lines are given early (see :func:`iter_lines`).

    Words are taken as the pieces of :func:`_pieces`, each of which joins one line whole, as each of its words would
    one by one (the first word's choice is the others' too: same centre, same height, same last three lines). A line
    is settled when no later word can join it: it left the last three lines, or the words' centres (ascending) have
    passed its first word's centre by 0.3 of that word's height. Any line not yet settled or not yet made holds only
    words whose centre is at least the first word's centre of the oldest unsettled line (the current centre when
    there is none), so its top lies at most half the tallest word's height above that: every settled line whose top
    is above that bound is given, in order of their tops (ties in the order made, as the stable sort of
    :func:`group_lines`)."""
    pieces = _pieces(words)
    in_order = pieces is not None  # a line of one piece holds its words left to right (see _pieces)
    if pieces is None:  # the words one by one in the order of the definition's sort (see _pieces)
        ordered = sorted([((w.top + w.bottom) / 2, w.x0, n, w) for n, w in enumerate(words)])  # n: input order
        pieces = [(centre, _near(w), [w]) for centre, _, _, w in ordered]
    lines: list[tuple[float, float, list[Word]]] = []  # centre and 0.3 of the height of the first word, the words
    mixed: set[int] = set()  # lines (ids of their words' lists) that took more than one piece: put left to right
    latest_centre, latest = math.nan, []
    settled, given, reach = 0, [], math.nan  # lines settled (a prefix of lines), settled lines not yet given
    for centre, near, piece in pieces:
        if centre == latest_centre:  # the latest line takes it (heights >= 1): another run of its own centre
            latest += piece
            mixed.add(id(latest))
            continue
        # The lines' first centres increase (but word by word, see _pieces): a line is only farther than the latest,
        # so when the latest is out of this piece's reach (which bounds reached below), so are all: none looked at.
        nearby = lines[:-4:-1] if centre - latest_centre < near or not in_order else ()
        for anchor_centre, anchor_near, members in nearby:
            reached = anchor_near if anchor_near < near else near  # min(near, anchor_near), inlined
            if -reached < centre - anchor_centre < reached:  # abs(...) < reached, without a call
                members += piece
                mixed.add(id(members))
                break
        else:
            if len(lines) == settle_at:
                settle_at *= 2
                if reach != reach:  # nan: the tallest word not measured yet
                    reach = max(map(operator.sub, map(_BOTTOM, words), map(_TOP, words))) / 2
                last = settled
                while settled < len(lines) and (
                    settled < len(lines) - 2 or lines[settled][0] + lines[settled][1] <= centre
                ):
                    settled += 1
                given += [_made(members, page_number, in_order, mixed) for _, _, members in lines[last:settled]]
                given.sort(key=_TOP)
                bound = (lines[settled][0] if settled < len(lines) else centre) - reach
                ready = bisect.bisect_left(given, bound, key=_TOP)
                yield from given[:ready]
                del given[:ready]
            lines.append((centre, near, piece))
        latest_centre, _, latest = lines[-1]
    given += [_made(members, page_number, in_order, mixed) for _, _, members in lines[settled:]]
    given.sort(key=_TOP)  # in order of their tops, measured when made (see measured_line)
    yield from given


def _made(members: list[Word], page_number: int, in_order: bool, mixed: set[int]) -> Line:
    """The line of ``members`` (in the order they joined it), its words left to right: sorted by their left edges,
    stably, unless they are one piece of :func:`_pieces`, which is already (ties in input order), as a stable sort
    would keep it (~10% of a page's grouping)."""
    if not in_order or id(members) in mixed:
        return measured_line(sorted(members, key=_X0), page_number)
    return measured_line(members, page_number, level=True)


def _near(w: Word) -> float:
    """0.3 of the word's height (at least 1 pt; a NaN stays NaN): how near another line's centre must be for it
    to join (the smaller of the two). 0.3 * min(a, b) is min(0.3 * a, 0.3 * b), the same float (rounding keeps
    the order), so it is taken once per word."""
    height = w.bottom - w.top
    return 0.3 * (1.0 if height < 1.0 else height)


def _pieces(words: list[Word]) -> list[tuple[float, float, list[Word]]] | None:
    """The words as pieces (centre, 0.3 of the height, words) in the order of their centres, each of which joins
    one line whole, the same line its words join in the order of a sort of (centre, x0, input index).

    Words of one line mostly come one after the other with the same top and bottom (same centre, same height): such
    a run is one piece, put left to right by a stable sort only when it is not already, and the pieces are sorted
    by their centres alone, a float each, stably. Runs of one centre keep their input order (a line that takes
    more than one is put left to right when made). None (word by word) when two runs of one centre differ in
    height, as each word's choice then depends on which comes first, and when a centre or a left edge is NaN, which
    compares false both ways, so the sort's order is its own."""
    pieces: list[tuple[float, float, list[Word]]] = []
    nears: dict[float, float] = {}
    rough: list[list[Word]] = []  # runs not left to right (or holding a NaN left edge)
    top = bottom = last = math.nan
    run: list[Word] = []
    for w in words:
        x = w.x0
        if w.top != top or w.bottom != bottom:
            top, bottom, last, run = w.top, w.bottom, x, []
            centre, near = (top + bottom) / 2, _near(w)
            if nears.setdefault(centre, near) != near or centre != centre:  # a NaN height is never equal: word by word
                return None
            pieces.append((centre, near, run))
        if not x >= last and (not rough or rough[-1] is not run):  # x < last, or a NaN
            rough.append(run)
        run.append(w)
        last = x
    for run in rough:
        if any(w.x0 != w.x0 for w in run):
            return None
        run.sort(key=_X0)
    pieces.sort(key=_CENTRE)
    return pieces


def measured_line(words: list[Word], page_number: int, level: bool = False) -> Line:
    """A line of ``words`` (left to right, at least one) that grouping made; ``level``: see :func:`_measures`."""
    return Line(words, page_number, _measures(words, level))


def _measures(words: list[Word], level: bool = False) -> Measures:
    """The box and size of a line of ``words`` (at least one), in one pass: the comparisons are those of ``min`` and
    ``max``, so the values are the same floats, at less than a ``min``/``max`` over a ``map`` per measure costs.
    ``level``: the words share one top and one bottom (one piece of :func:`_pieces`: nearly every line), so the
    first word's are the line's (``min`` and ``max`` keep the first of equal floats, 0.0 or -0.0)."""
    first = words[0]
    top, bottom, x1, size = first.top, first.bottom, first.x1, first.size
    for w in words:
        if w.x1 > x1:
            x1 = w.x1
        if w.size > size:
            size = w.size
    if not level:
        for w in words:
            if w.top < top:
                top = w.top
            if w.bottom > bottom:
                bottom = w.bottom
    return (first.x0, x1, top, bottom, size)
