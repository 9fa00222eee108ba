"""Word geometry of a born-digital page: pdfium's text split into words with boxes, font size and boldness.

Built in bulk, a few bare pdfium calls per word (see :class:`_WordReader`), right after a page's text is read
from the same pdfium text page (:func:`kompass_extract.read.document.open_pdf`).
"""

from __future__ import annotations

import ctypes
import itertools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from unicodedata import normalize

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from kompass_extract.read.textlayer import unswap_ligatures

BOLD_MARKERS = ("bold", "black", "heavy", "semibold", "demibold", "demi")
FAMILY_NAME = re.compile(r"[a-z]{4}")
"""A font name that names a family ("LiberationSerif", "ArialMT"), unlike the generated "F1", "TT2", "T3Font_0"."""


@dataclass(slots=True)
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


WORD_BREAKS = "\x00\ufeff"
"""What parts words besides white space: NUL and the byte order mark, which some producers write between words."""


def _split(text: str) -> list[str]:
    """The words of ``text``: its runs of characters that are neither white space (as ``str.split`` has it, the
    ``\\s`` of a regular expression) nor :data:`WORD_BREAKS`. A split and a ``str.find`` per word place them at
    about two thirds of the cost of a regular expression's match object and slice (~1k of ~24k instructions a
    word, see :class:`_WordReader`)."""
    for mark in WORD_BREAKS:
        text = text.replace(mark, " ")
    return text.split()


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

    def display_rotation(self) -> int:
        """The page rotation (/Rotate, degrees clockwise) that displays this frame's text upright."""
        return {(1, 0): 0, (0, 1): 90, (-1, 0): 180, (0, -1): 270}[(self.ax, self.ay)]

    def point(self, x: float, y: float) -> tuple[float, float]:
        return self.ox + self.ax * x + self.bx * y, self.oy + self.ay * x + self.by * y


def _text_direction(textpage: pdfium.PdfTextPage, text: str, sample: int = 12) -> str:
    """The way most text runs in user space ("+x", "-x", "+y", "-y"), from the angle of a few longer words'
    glyphs. Not from where a word's first and last characters stand: pdfium orders characters as the page is
    displayed, so upside-down text on an unrotated page reads as "margorp" left to right."""
    tp = textpage.raw
    dx = dy = 0.0
    for m in itertools.islice(LONG_WORD_RE.finditer(text), sample):
        angle = _CHAR_ANGLE(tp, m.start())  # radians, clockwise; -1 when pdfium cannot tell
        if angle >= 0:
            dx, dy = dx + math.cos(angle), dy - math.sin(angle)
    if abs(dy) > abs(dx):
        return "+y" if dy > 0 else "-y"
    return "-x" if dx < 0 else "+x"


LONG_WORD_RE = re.compile(r"\w{5,}")


def bare(function: Any, restype: Any = ctypes.c_int) -> Callable[..., Any]:
    """``function`` without ctypes' per-argument conversions, which cost twice the pdfium call itself (~1 us
    against ~0.4 us): word geometry makes a few such calls per word, tens of thousands per report.

    Without declared argument types ctypes passes Python ints as C ``int`` and ctypes pointers (``byref``,
    pdfium handles) as pointers, so callers pass exactly those; the call is an ordinary, non-variadic one.

    The call also keeps the interpreter's lock (see :data:`_PROTOTYPE`): an ordinary ctypes call releases it and
    takes it back around every call (a mutex and a condition signal each way, ~25 ns of a ~200 ns call), which
    lets other threads run during a long C call; these calls return in well under a microsecond.
    """
    return ctypes.cast(function, _PROTOTYPE(restype))


_PROTOTYPE = getattr(ctypes, "WINFUNCTYPE", ctypes.PYFUNCTYPE)
"""pdfium's calling convention (FPDF_CALLCONV): __stdcall on Windows, where ctypes has WINFUNCTYPE; else cdecl, which
``PYFUNCTYPE`` is too, holding the interpreter's lock through the call (it then also asks whether the call set a
Python error, which a pdfium call does not)."""


_COUNT_RECTS = bare(pdfium_c.FPDFText_CountRects)
_GET_RECT = bare(pdfium_c.FPDFText_GetRect)
_CHAR_BOX = bare(pdfium_c.FPDFText_GetCharBox)
_CHAR_ORIGIN = bare(pdfium_c.FPDFText_GetCharOrigin)
_CHAR_ANGLE = bare(pdfium_c.FPDFText_GetCharAngle, ctypes.c_float)
_TEXT_OBJECT = bare(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p)
_FONT_SIZE = bare(pdfium_c.FPDFText_GetFontSize, ctypes.c_double)
_FONT_OF = bare(pdfium_c.FPDFTextObj_GetFont, ctypes.c_void_p)
_GET_MATRIX = bare(pdfium_c.FPDFText_GetMatrix)


class _WordReader:
    """Word geometry of one text page, a few bare pdfium calls per word.

    A word's box is one ``CountRects``/``GetRect`` pair (pdfium unites its character boxes), its baseline one
    ``GetCharOrigin``; its font size and boldness belong to the pdfium text object its first character comes
    from (pdfium answers both from that object), so they are asked once per text object, not once per word.
    Boldness belongs to the object's font: ``bold_fonts`` (font handle -> bold) may be shared by all pages of a
    document, whose fonts pdfium loads once and keeps while any of its pages is open.
    """

    def __init__(self, textpage: pdfium.PdfTextPage, frame: Frame, bold_fonts: dict[int, bool] | None = None) -> None:
        self.textpage = textpage.raw
        self.frame = frame
        self.upright = frame.ay == 0 and frame.bx == 0
        """Not rotated: x maps to x and y to y (the common case, kept cheap)."""
        self.d = [ctypes.c_double() for _ in range(4)]
        self.refs = [ctypes.byref(v) for v in self.d]
        self.origin = [ctypes.c_double(), ctypes.c_double()]
        self.origin_refs = [ctypes.byref(v) for v in self.origin]
        self.styles: dict[int | None, tuple[float, bool]] = {}
        self.bold_fonts: dict[int, bool] = {} if bold_fonts is None else bold_fonts
        self.unfonted: bool | None = None
        """Boldness of characters whose text object has no font, per page (pdfium names none)."""
        self.matrix = pdfium_c.FS_MATRIX()
        self.matrix_ref = ctypes.byref(self.matrix)

    def read(self, text: str) -> list[Word]:
        """Words of the page: its text split at white space, each word one rectangle when pdfium sets it so,
        else read character by character. For upright pages the loop has :meth:`word` inlined: it runs once
        per word of the report (in the common frame, x right and y down, without the products by 1 and -1: the
        floats are the same, ``1 * x == x`` and ``a + -b == a - b``)."""
        tp, (r0, r1, r2, r3), (left, top, right, bottom) = self.textpage, self.refs, self.d
        (o0, o1), (x, y) = self.origin_refs, self.origin
        styles, style_of, upright = self.styles, self._style_of, self.upright
        ox, ax, oy, by = self.frame.ox, self.frame.ax, self.frame.oy, self.frame.by
        plain = upright and ax == 1 and by == -1
        words: list[Word] = []
        append = words.append
        pending: list[tuple[int, int, int]] = []  # words of several rectangles: (place in words, start, end)
        find, end = text.find, 0
        for word in _split(text):
            start = find(word, end)  # only white space lies between the last word and this one's first occurrence
            end = start + len(word)
            if _COUNT_RECTS(tp, start, end - start) != 1:
                pending.append((len(words), start, end))
                continue
            _GET_RECT(tp, 0, r0, r1, r2, r3)
            if not upright:
                append(self.word(word, start, (left.value, bottom.value, right.value, top.value)))
                continue
            key = _TEXT_OBJECT(tp, start)
            size, bold = styles.get(key) or style_of(key, start)
            _CHAR_ORIGIN(tp, start, o0, o1)
            if plain:
                x0, x1 = ox + left.value, ox + right.value
                top_ = oy - y.value - 0.8 * size
                if x1 < x0:
                    x0, x1 = x1, x0
                drift = ox + x.value - x0
            else:
                x0, x1 = ox + ax * left.value, ox + ax * right.value
                top_ = oy + by * y.value - 0.8 * size
                if x1 < x0:
                    x0, x1 = x1, x0
                drift = ox + ax * x.value - x0
            if drift > size or drift < -size:  # abs(drift) > size: the first character is not at the left (drawn
                pending.append((len(words), start, end))  # out of order); a NaN is no drift, as abs() has it
                continue
            if not word.isascii():  # _composed, inlined
                word = normalize("NFC", word)
            append(Word(word, x0, top_, x1, top_ + size, size, bold))
        return self._with_split(words, pending, text) if pending else words

    def _with_split(self, words: list[Word], pending: list[tuple[int, int, int]], text: str) -> list[Word]:
        """``words`` with the words of several rectangles read character by character, in their places."""
        split = self.split(text, [(start, end) for _, start, end in pending])
        out: list[Word] = []
        done = 0
        for (place, _, _), pieces in zip(pending, split, strict=True):
            out += words[done:place]
            out += pieces
            done = place
        out += words[done:]
        return out

    def style(self, index: int) -> tuple[float, bool]:
        """(font size, bold) of the text object character ``index`` belongs to."""
        key = _TEXT_OBJECT(self.textpage, index)
        return self.styles.get(key) or self._style_of(key, index)

    def _style_of(self, key: int | None, index: int) -> tuple[float, bool]:
        """(font size, bold) of text object ``key``, asked of pdfium for its character ``index``.

        The size is scaled by how much the character's transformation (text matrix and the drawing's current
        matrix, forms included) enlarges it: pdfium gives the size the font was selected at ("12" in
        ``/F1 12 Tf``), while a browser draws in pixels scaled by 0.75 and a sheet of two pages draws each page
        shrunk as a form. Sizes of a page then match its line pitch whatever the producer. Runs once per text
        object: once per line or per glyph for some producers, so kept to bare calls."""
        tp = self.textpage
        font = _FONT_OF(ctypes.c_void_p(key)) if key else None
        if font is None:
            bold = self.unfonted
            if bold is None:
                bold = self.unfonted = self._bold(index)
        else:
            bold = self.bold_fonts.get(font)
            if bold is None:
                bold = self.bold_fonts[font] = self._bold(index)
        size = _FONT_SIZE(tp, index) or 1.0
        if _GET_MATRIX(tp, index, self.matrix_ref):
            m = self.matrix
            size *= math.sqrt(abs(m.a * m.d - m.b * m.c)) or 1.0
        style = self.styles[key] = (size, bold)
        return style

    def _bold(self, index: int) -> bool:
        """A bold font: by its name (subset prefix dropped); by its weight only when the name is no family name.

        pdfium derives a weight from the font descriptor's StemV when /FontWeight is missing, and producers set
        StemV as they like: Ghostscript measures it from the outlines (regular Liberation Serif 640, bold sans
        620), Word writes 80 for every font. A family name without a weight in it is the regular face.
        """
        buffer = ctypes.create_string_buffer(128)
        pdfium_c.FPDFText_GetFontInfo(self.textpage, index, buffer, len(buffer), None)
        name = buffer.value.decode("latin-1", "replace").lower().split("+")[-1]
        if any(m in name for m in BOLD_MARKERS):
            return True
        if FAMILY_NAME.search(name.replace("font", "")):
            return False
        return pdfium_c.FPDFText_GetFontWeight(self.textpage, index) >= 600

    def word(self, text: str, index: int, box: tuple[float, float, float, float]) -> Word:
        """A word from its box (left, bottom, right, top in user space) and its first character's font
        and baseline."""
        x0, _, x1, _ = self.frame_box(*box)
        return self.word_at(text, index, x0, x1)

    def word_at(self, text: str, index: int, x0: float, x1: float) -> Word:
        """A word from its horizontal extent in the frame and its first character's font and baseline.

        The vertical extent comes from the baseline and the font size, not from the glyphs: words of
        one line then share top and bottom exactly, whatever their ascenders and descenders.
        """
        size, bold = self.style(index)
        _CHAR_ORIGIN(self.textpage, index, *self.origin_refs)
        f, (x, y) = self.frame, self.origin
        baseline = f.oy + f.by * y.value if self.upright else f.point(x.value, y.value)[1]
        top = baseline - 0.8 * size
        return Word(_composed(text), x0, top, x1, top + size, size, bold)

    def frame_box(self, left: float, bottom: float, right: float, top: float) -> tuple[float, float, float, float]:
        """A user-space box (left, bottom, right, top) in the frame: (x0, top, x1, bottom), y downwards."""
        f = self.frame
        if self.upright:
            x0, x1 = sorted((f.ox + f.ax * left, f.ox + f.ax * right))
            y0, y1 = sorted((f.oy + f.by * bottom, f.oy + f.by * top))
            return x0, y0, x1, y1
        points = [f.point(u, v) for u in (left, right) for v in (bottom, top)]
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        return min(xs), min(ys), max(xs), max(ys)

    def split(self, text: str, spans: list[tuple[int, int]]) -> list[list[Word]]:
        """The words of each span (start, end) of ``text``, character by character, in the frame (a page turned
        by its text reads upright): a new word at a gap wider than half the font size, a step back or a new line.

        Producers that place every glyph on its own (Chromium) send most words here, so the loop is kept lean:
        all of a page's spans in one call, the upright frame inlined, the font of a piece's first character asked
        once, when it starts, and the pieces made words after the loop (:meth:`word_at`, inlined)."""
        tp, (r0, r1, r2, r3), (left, right, bottom, top) = self.textpage, self.refs, self.d
        f, upright, styles, style_of = self.frame, self.upright, self.styles, self._style_of
        ox, ax, oy, by = f.ox, f.ax, f.oy, f.by
        plain = upright and ax == 1 and by == -1
        pieces: list[tuple[int, int, int, float, float, tuple[float, bool]]] = []  # span, first, last, x0, x1, style
        for n, (start, end) in enumerate(spans):
            first = last = -1  # the piece being built: its first and last index, box in the frame, font, half its size
            px0 = px1 = ptop = pbottom = half = 0.0
            style: tuple[float, bool] = (0.0, False)
            for i in range(start, end):
                _CHAR_BOX(tp, i, r0, r1, r2, r3)
                lv, rv, bv, tv = left.value, right.value, bottom.value, top.value
                if rv <= lv and tv <= bv:
                    continue
                if plain:  # frame_box, inlined, for ax == 1 and by == -1 (the products are exact)
                    x0, x1 = ox + lv, ox + rv
                    if x1 < x0:
                        x0, x1 = x1, x0
                    y0, y1 = oy - tv, oy - bv  # top first: the pair is (min, max) as it stands
                    if y1 < y0:
                        y0, y1 = y1, y0
                elif upright:
                    x0, x1 = ox + ax * lv, ox + ax * rv
                    if x1 < x0:
                        x0, x1 = x1, x0
                    y0, y1 = oy + by * bv, oy + by * tv
                    if y1 < y0:
                        y0, y1 = y1, y0
                else:
                    x0, y0, x1, y1 = self.frame_box(lv, bv, rv, tv)
                if first >= 0 and x0 - px1 <= half and x0 >= px0 - 0.5 and y0 < pbottom and y1 > ptop:
                    last = i
                    if x1 > px1:
                        px1 = x1
                    if y0 < ptop:
                        ptop = y0
                    if y1 > pbottom:
                        pbottom = y1
                    continue
                if first >= 0:
                    pieces.append((n, first, last, px0, px1, style))
                key = _TEXT_OBJECT(tp, i)  # style(i), inlined
                style = styles.get(key) or style_of(key, i)
                first = last = i
                px0, px1, ptop, pbottom, half = x0, x1, y0, y1, 0.5 * style[0]
            if first >= 0:
                pieces.append((n, first, last, px0, px1, style))
        words: list[list[Word]] = [[] for _ in spans]
        (o0, o1), (x, y) = self.origin_refs, self.origin
        for n, first, last, x0, x1, (size, bold) in pieces:
            _CHAR_ORIGIN(tp, first, o0, o1)
            top_ = (oy + by * y.value if upright else f.point(x.value, y.value)[1]) - 0.8 * size
            word = text[first : last + 1]
            if not word.isascii():  # _composed, inlined
                word = normalize("NFC", word)
            words[n].append(Word(word, x0, top_, x1, top_ + size, size, bold))
        return words


def _composed(text: str) -> str:
    """A word's letters composed (NFC): a producer that writes "a" + a combining ring gives "å" as two
    characters, which reads the same but matches, sorts and searches as another word."""
    return text if text.isascii() else normalize("NFC", text)


def read_words(
    textpage: pdfium.PdfTextPage, frame: Frame, text: str, bold_fonts: dict[int, bool] | None = None
) -> list[Word]:
    """Words of a page from pdfium's text (``text``: all of it, as ``get_text_range()`` read it) and character
    geometry (see :class:`_WordReader`); ``bold_fonts``: the boldness of the document's fonts told so far, shared
    by its pages while they are all open (a font is told from its name once per document, not once per page)."""
    count = textpage.count_chars()
    if len(text) != count:  # characters outside the BMP: indices would not line up with the text
        text = unswap_ligatures("".join(chr(pdfium_c.FPDFText_GetUnicode(textpage, i) or 32) for i in range(count)))
    return _WordReader(textpage, frame, bold_fonts).read(text)
