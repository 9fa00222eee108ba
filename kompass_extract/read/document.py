"""Stage 1: read a PDF into pages, lines and words with positions and font hints.

The text of every page is read cheaply with pypdfium2 (a few milliseconds for a whole report) so
that later stages can find the pages that matter by their text alone. Word geometry is built from
pdfium's character boxes only when a stage asks for a page's ``lines``, and is then cached on the
page. OCR'd pages (see :mod:`kompass_extract.read.ocr.pages`) provide their words directly; they carry a
confidence and no font information, so nothing downstream may depend on fonts being present.
"""

from __future__ import annotations

import ctypes
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from kompass_extract.errors import CorruptPdfError, EmptyFileError, EncryptedPdfError, NotPdfError

IMAGE, TEXT = pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_TEXT
INVISIBLE = 3
"""pdfium's FPDF_TEXTRENDERMODE_INVISIBLE."""
BOLD_MARKERS = ("bold", "black", "heavy", "semibold", "demibold", "demi")
SOFT_HYPHENS = ("\ufffe", "\u00ad", "\x02")


@dataclass
class Word:
    """A run of non-space characters on one baseline."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    bold: bool | None = None
    conf: float | None = None
    """OCR confidence 0-100; None for a born-digital text layer."""

    @property
    def xc(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class Line:
    """Words that share a baseline, left to right. May span several table columns."""

    words: list[Word]
    page: int

    @cached_property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @cached_property
    def x0(self) -> float:
        return self.words[0].x0

    @cached_property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @cached_property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @cached_property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @cached_property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.x0, self.top, self.x1, self.bottom)

    @cached_property
    def size(self) -> float:
        return max(w.size for w in self.words)

    @cached_property
    def bold(self) -> bool | None:
        """True when every word is bold, None when the layer has no font information (OCR)."""
        flags = [w.bold for w in self.words if any(c.isalnum() for c in w.text)]
        if not flags or any(f is None for f in flags):
            return None
        return all(flags)

    @property
    def conf(self) -> float | None:
        confs = [w.conf for w in self.words if w.conf is not None]
        return min(confs) if confs else None

    def slice(self, x_from: float, x_to: float) -> Line | None:
        """The words whose centre lies in [x_from, x_to), or None."""
        words = [w for w in self.words if x_from <= w.xc < x_to]
        return Line(words, self.page) if words else None


@dataclass
class Page:
    number: int
    width: float
    height: float
    text: str
    """Plain text of the page in the order pdfium reads it (cheap; used to locate content)."""
    loader: Callable[[], list[Word]] | None = field(default=None, repr=False)
    words_given: list[Word] | None = field(default=None, repr=False)
    ocr: bool = False
    source: pdfium.PdfPage | None = field(default=None, repr=False)
    markers: list[tuple[float, float, float, float]] | None = field(default=None, repr=False)
    """Boxes of list markers that are no characters (drawn shapes, OCR blobs), in the frame of the words;
    None until read (see :mod:`kompass_extract.read.markers`)."""

    @cached_property
    def image_cover(self) -> float:
        """Share of the page covered by its largest image (a scanned page is one image, ~1.0)."""
        if self.source is None:
            return 0.0
        area = self.width * self.height or 1.0
        covers = [(r - left) * (t - b) / area for left, b, r, t in (o.get_bounds() for o in self._objects(IMAGE))]
        return min(max(covers, default=0.0), 1.0)

    @cached_property
    def invisible_text(self) -> bool:
        """The text is drawn invisible (render mode 3): an OCR layer a scanner or ocrmypdf laid over a scan.
        The first text object tells: such layers are invisible throughout."""
        first = next(self._objects(TEXT), None)
        return first is not None and pdfium_c.FPDFTextObj_GetTextRenderMode(first.raw) == INVISIBLE

    def _objects(self, kind: int) -> Iterator[pdfium.PdfObject]:
        return self.source.get_objects(filter=[kind]) if self.source is not None else iter(())

    @cached_property
    def words(self) -> list[Word]:
        if self.words_given is not None:
            return self.words_given
        return self.loader() if self.loader else []

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


def open_pdf(path: str, data: bytes | None = None) -> Document:
    """Open a PDF and read each page's text; raise a typed error for inputs that are not usable."""
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
        raise CorruptPdfError(f"pdfium cannot read the file: {message}") from exc
    pages: list[Page] = []
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            frame = Frame.of(page, textpage, text)
            width, height = frame.width, frame.height
            pages.append(
                Page(
                    index + 1,
                    width,
                    height,
                    text,
                    loader=_char_loader(textpage, frame),
                    source=page,
                )
            )
    except pdfium.PdfiumError as exc:
        raise CorruptPdfError(f"pdfium cannot read page {len(pages) + 1}: {exc}") from exc
    return Document(path, pages, pdf)


def _char_loader(textpage: pdfium.PdfTextPage, frame: Frame) -> Callable[[], list[Word]]:
    def load() -> list[Word]:
        return read_words(textpage, frame)

    return load


WORD_RE = re.compile(r"[^\s\x00\ufeff]+")


@dataclass(frozen=True)
class Frame:
    """PDF user space -> the page turned so that its text reads left to right, top-left origin, points.

    The crop box fixes the origin; the direction the text runs in user space fixes the turn. That is the
    display orientation for ordinary pages and for landscape pages whose content was drawn rotated and
    turned back by /Rotate; a page turned by /Rotate alone shows sideways text but is read upright.
    """

    ox: float
    oy: float
    ax: float
    ay: float
    bx: float
    by: float
    width: float
    height: float

    @classmethod
    def of(cls, page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, text: str) -> Frame:
        left, bottom, right, top = page.get_cropbox()
        match _text_direction(textpage, text):
            case "+y":  # written bottom to top
                return cls(-bottom, -left, 0, 1, 1, 0, top - bottom, right - left)
            case "-y":  # written top to bottom
                return cls(top, right, 0, -1, -1, 0, top - bottom, right - left)
            case "-x":  # upside down
                return cls(right, -bottom, -1, 0, 0, 1, right - left, top - bottom)
        return cls(-left, top, 1, 0, 0, -1, right - left, top - bottom)

    def point(self, x: float, y: float) -> tuple[float, float]:
        return self.ox + self.ax * x + self.bx * y, self.oy + self.ay * x + self.by * y


def _text_direction(textpage: pdfium.PdfTextPage, text: str, sample: int = 12) -> str:
    """The way most text runs in user space ("+x", "-x", "+y", "-y"), from a few longer words' first and
    last characters."""
    x, y = ctypes.c_double(), ctypes.c_double()
    dx = dy = 0.0
    for m in itertools.islice(LONG_WORD_RE.finditer(text), sample):
        pdfium_c.FPDFText_GetCharOrigin(textpage, m.start(), x, y)
        x0, y0 = x.value, y.value
        pdfium_c.FPDFText_GetCharOrigin(textpage, m.end() - 1, x, y)
        dx, dy = dx + x.value - x0, dy + y.value - y0
    if abs(dy) > abs(dx):
        return "+y" if dy > 0 else "-y"
    return "-x" if dx < 0 else "+x"


LONG_WORD_RE = re.compile(r"\w{5,}")


class _WordReader:
    """pdfium calls for one text page, with their ctypes buffers allocated once."""

    def __init__(self, textpage: pdfium.PdfTextPage, frame: Frame) -> None:
        self.textpage = textpage
        self.frame = frame
        self.name = ctypes.create_string_buffer(128)
        self.flags = ctypes.c_int()
        self.d = [ctypes.c_double() for _ in range(4)]
        self.bold_names: dict[bytes, bool] = {}

    def word(self, text: str, index: int, box: tuple[float, float, float, float]) -> Word:
        """A word from its box (left, bottom, right, top in user space) and its first character's font
        and baseline.

        The vertical extent comes from the baseline and the font size, not from the glyphs: words of
        one line then share top and bottom exactly, whatever their ascenders and descenders.
        """
        tp, d = self.textpage, self.d
        size = pdfium_c.FPDFText_GetFontSize(tp, index) or 1.0
        pdfium_c.FPDFText_GetFontInfo(tp, index, self.name, len(self.name), ctypes.byref(self.flags))
        bold = self.bold_names.get(self.name.value)
        if bold is None:
            name = self.name.value.decode("latin-1", "replace").lower().split("+")[-1]
            bold = self.bold_names[self.name.value] = any(m in name for m in BOLD_MARKERS)
        bold = bold or pdfium_c.FPDFText_GetFontWeight(tp, index) >= 600
        pdfium_c.FPDFText_GetCharOrigin(tp, index, d[0], d[1])
        f = self.frame
        left, bottom, right, top_ = box
        if f.ay == 0 and f.bx == 0:  # not rotated: x maps to x, y to y (the common case, kept cheap)
            x0, x1 = sorted((f.ox + f.ax * left, f.ox + f.ax * right))
            baseline = f.oy + f.by * d[1].value
        else:
            xs = [f.ox + f.ax * x + f.bx * y for x in (left, right) for y in (bottom, top_)]
            x0, x1 = min(xs), max(xs)
            baseline = f.point(d[0].value, d[1].value)[1]
        top = baseline - 0.8 * size
        return Word(text, x0, top, x1, top + size, size, bold)

    def rect_of(self, start: int, end: int) -> tuple[float, float, float, float] | None:
        """(left, bottom, right, top) of a run of characters that pdfium sets as one rectangle, else None."""
        if pdfium_c.FPDFText_CountRects(self.textpage, start, end - start) != 1:
            return None
        left, top, right, bottom = self.d
        pdfium_c.FPDFText_GetRect(self.textpage, 0, left, top, right, bottom)
        return left.value, bottom.value, right.value, top.value

    def split(self, text: str, start: int, end: int) -> list[Word]:
        """Character by character: a new word at a gap wider than half the font size or a new line."""
        tp, (left, right, bottom, top) = self.textpage, self.d
        pieces: list[list[float]] = []  # [first index, last index, x0, x1, bottom, top]
        for i in range(start, end):
            pdfium_c.FPDFText_GetCharBox(tp, i, left, right, bottom, top)
            x0, x1, b, t = left.value, right.value, bottom.value, top.value
            if x1 <= x0 and t <= b:
                continue
            if pieces:
                p = pieces[-1]
                size = pdfium_c.FPDFText_GetFontSize(tp, int(p[0])) or 1.0
                if x0 - p[3] <= 0.5 * size and x0 >= p[2] - 0.5 and b < p[5] and t > p[4]:
                    p[1], p[3], p[4], p[5] = i, max(p[3], x1), min(p[4], b), max(p[5], t)
                    continue
            pieces.append([i, i, x0, x1, b, t])
        return [self.word(text[int(p[0]) : int(p[1]) + 1], int(p[0]), (p[2], p[4], p[3], p[5])) for p in pieces]


def read_words(textpage: pdfium.PdfTextPage, frame: Frame) -> list[Word]:
    """Words of a page: pdfium's text split at white space, each word one call for its box.

    A word that pdfium does not set as one rectangle (a gap, a change of line or font inside it) is
    read character by character instead.
    """
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count)
    if len(text) != count:  # characters outside the BMP: indices would not line up with the text
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(textpage, i) or 32) for i in range(count))
    reader = _WordReader(textpage, frame)
    words: list[Word] = []
    for m in WORD_RE.finditer(text):
        start, end = m.span()
        box = reader.rect_of(start, end)
        if box is not None:
            words.append(reader.word(m.group(), start, box))
        else:
            words.extend(reader.split(text, start, end))
    return words


def group_lines(words: Iterable[Word], page_number: int) -> list[Line]:
    """Group words into lines by vertical overlap, top to bottom, left to right."""
    ordered = sorted(words, key=lambda w: ((w.top + w.bottom) / 2, w.x0))
    lines: list[list[Word]] = []
    for w in ordered:
        centre = (w.top + w.bottom) / 2
        height = max(w.bottom - w.top, 1.0)
        for candidate in reversed(lines[-3:]):
            anchor = candidate[0]
            anchor_height = max(anchor.bottom - anchor.top, 1.0)
            if abs(centre - (anchor.top + anchor.bottom) / 2) < 0.3 * min(height, anchor_height):
                candidate.append(w)
                break
        else:
            lines.append([w])
    lines.sort(key=lambda ws: min(w.top for w in ws))
    return [Line(sorted(ws, key=lambda w: w.x0), page_number) for ws in lines]
