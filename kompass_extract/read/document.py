"""Stage 1: read a PDF into pages, lines and words with positions and font hints.

The text of every page is read with pypdfium2, and the page's word geometry
(:mod:`kompass_extract.read.geometry`) right after it from the same pdfium text page, which is then closed:
one text page (~0.2 MB, three times the page itself) is open at a time, not all of them. Every stage after
the text check needs the words of every page anyway (running headers are found by repetition across pages);
a file that is no report costs ~0.8 ms per page more. Lines are grouped when a stage asks
(:mod:`kompass_extract.read.lines`). OCR'd pages (see
:mod:`kompass_extract.read.ocr.pages`) provide their words directly; they carry a confidence and no
font information, so nothing downstream may depend on fonts being present.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from kompass_extract.errors import CorruptPdfError, EmptyFileError, EncryptedPdfError, NotPdfError, TooManyPagesError
from kompass_extract.read.geometry import Frame, Word, bare, read_words
from kompass_extract.read.lines import Line, cached_property, group_lines
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
