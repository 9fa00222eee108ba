"""A text layer whose glyphs map to no characters, read again with the map learnt from OCR of the same pages.

A report printed to PostScript and distilled again (``pdftops`` then ``ps2pdf``, Ghostscript's ps2write) keeps every
glyph where it was drawn, in fonts that still draw the right letters, but loses the fonts' map to characters: pdfium
reads control characters or dingbats, and the page is OCR'd like a scan. OCR reads words well but loses what the
text layer knew (fonts, sizes, exact positions, every character of a name), and its slips are not noticed.

Yet the damage is a substitution: within one font each glyph code stands for one letter, on every page. So each
character of the text layer is keyed by (font, code), the OCR'd words are laid over the glyphs they cover, and
every word whose glyph count equals its letter count votes for the letters of its glyphs. A key takes the letter
most of its votes name (:data:`MIN_VOTES`, :data:`MIN_SHARE`); a key seen once takes its letter when OCR read its
word with high confidence and the word's other glyphs read as OCR read them. The page is then read from its own
text layer, decoded, as a born-digital page. A glyph without an outline is a space; a glyph the votes do not settle
reads as U+FFFD, which the ``text-garbled`` check reports in its area. A page with more such glyphs than
:data:`MAX_UNKNOWN_SHARE`, or whose decoded text still looks like garbage, keeps its OCR reading.
"""

from __future__ import annotations

import ctypes
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from kompass_extract.read.document import Page
from kompass_extract.read.geometry import Word, bare, read_words
from kompass_extract.read.ocr.pages import page_needs_ocr

MIN_VOTES = 2
"""Votes a key needs (the letter of most of them); a key seen once is settled by its word (see the module)."""
MIN_SHARE = 0.7
"""Share of a key's votes its letter must have: OCR misreads a glyph now and then, not mostly."""
SINGLE_CONFIDENCE = 85.0
"""OCR confidence of its word from which a key seen once takes its letter."""
MAX_UNKNOWN_SHARE = 0.02
"""Share of a page's glyphs that may stay unknown (U+FFFD, warned) for the decoded text layer to be used."""
BLANK_HEIGHT = 0.1
"""Points: a glyph box this low has no outline (a space: pdfium gives it 0.01; a dash's ink is a twentieth of an em)."""
MIN_GLYPHS = 40
"""Glyphs with an outline a page needs for its text layer to be worth decoding."""
UNKNOWN = "\ufffd"
MARGIN = 0.1
"""Share of its line's height an OCR'd word's box is widened by on each side: OCR boxes the ink, pdfium the glyph."""

Key = tuple[int, int]
"""(font handle, the code pdfium read): one glyph of one font."""

_TEXT_OBJECT = bare(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p)
_FONT_OF = bare(pdfium_c.FPDFTextObj_GetFont, ctypes.c_void_p)
_UNICODE = bare(pdfium_c.FPDFText_GetUnicode, ctypes.c_uint)
_CHAR_BOX = bare(pdfium_c.FPDFText_GetCharBox)
_GENERATED = bare(pdfium_c.FPDFText_IsGenerated)
_FONT_SIZE = bare(pdfium_c.FPDFText_GetFontSize, ctypes.c_double)
_GET_MATRIX = bare(pdfium_c.FPDFText_GetMatrix)


@dataclass
class Glyphs:
    """The characters of one page's text layer: keys (None: a character pdfium made, a space or a line break),
    centres of the glyph boxes in the page's frame, and which glyphs are blank."""

    page: Page
    textpage: pdfium.PdfTextPage
    codes: list[int]
    keys: list[Key | None]
    centres: np.ndarray
    blank: np.ndarray
    widths: np.ndarray
    """Width of each glyph's box in ems of its font size (0 for a character pdfium made)."""
    heights: np.ndarray
    """Height of each glyph's box in ems."""

    @property
    def drawn(self) -> int:
        """Glyphs with an outline."""
        return int(sum(k is not None for k in self.keys) - self.blank.sum())


def read_glyphs(page: Page) -> Glyphs | None:
    """The glyphs of a born-digital page (None for a page without a text layer worth decoding)."""
    if page.source is None or page.frame is None or page.invisible_text or page.covered_text:
        return None
    textpage = page.source.get_textpage()
    raw, frame = textpage.raw, page.frame
    count = textpage.count_chars()
    d = [ctypes.c_double() for _ in range(4)]
    refs = [ctypes.byref(v) for v in d]
    codes, keys = [], []
    centres = np.zeros((count, 2))
    blank = np.zeros(count, dtype=bool)
    widths = np.zeros(count)
    heights = np.zeros(count)
    matrix = pdfium_c.FS_MATRIX()
    for i in range(count):
        code = _UNICODE(raw, i)
        codes.append(code)
        obj = _TEXT_OBJECT(raw, i)
        if not obj or _GENERATED(raw, i):  # a space or line break pdfium added: no glyph
            keys.append(None)
            continue
        keys.append((_FONT_OF(ctypes.c_void_p(obj)) or 0, code))
        _CHAR_BOX(raw, i, *refs)
        left, right, bottom, top = (v.value for v in d)
        x0, y0 = frame.point(left, top)
        x1, y1 = frame.point(right, bottom)
        centres[i] = ((x0 + x1) / 2, (y0 + y1) / 2)
        blank[i] = abs(y1 - y0) < BLANK_HEIGHT or right <= left
        scale = (
            math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c))
            if _GET_MATRIX(raw, i, ctypes.byref(matrix))
            else 1
        )
        em = (_FONT_SIZE(raw, i) or 1.0) * (scale or 1.0)
        widths[i], heights[i] = abs(x1 - x0) / em, abs(y1 - y0) / em
    glyphs = Glyphs(page, textpage, codes, keys, centres, blank, widths, heights)
    if glyphs.drawn < MIN_GLYPHS:
        textpage.close()
        return None
    return glyphs


def learn(pages: list[tuple[Glyphs, Page]]) -> dict[Key, str]:
    """The letter of every key the OCR'd words settle, from pages' (glyphs, OCR'd page) pairs; a key no OCR'd word
    covers anywhere and that stands alone wherever it is drawn is a symbol (a list marker): "•"."""
    votes: dict[Key, Counter[str]] = defaultdict(Counter)
    singles: list[tuple[list[Key], str, float]] = []
    covered: set[Key] = set()
    for glyphs, ocr in pages:
        for word_keys, text, conf in _aligned(glyphs, ocr, covered):
            for key, letter in zip(word_keys, text, strict=True):
                votes[key][letter] += 1
            singles.append((word_keys, text, conf))
    mapping: dict[Key, str] = {}
    for key, letters in votes.items():
        letter, count = letters.most_common(1)[0]
        if count >= MIN_VOTES and count >= MIN_SHARE * sum(letters.values()):
            mapping[key] = letter
    for word_keys, text, conf in singles:  # keys seen once: settled by a sure word that reads right elsewhere
        unsettled = [i for i, k in enumerate(word_keys) if k not in mapping]
        if len(unsettled) != 1 or conf < SINGLE_CONFIDENCE or sum(votes[word_keys[unsettled[0]]].values()) != 1:
            continue
        if all(mapping[k] == letter for k, letter in zip(word_keys, text, strict=True) if k in mapping):
            mapping[word_keys[unsettled[0]]] = text[unsettled[0]]
    mapping |= _dashes(votes, [g for g, _ in pages])
    alone = _standing_alone([g for g, _ in pages])
    mapping |= {key: MARKER for key in alone - covered - mapping.keys()}
    return mapping


MARKER = "\u2022"
DASHES = (("-", 0.0), ("\u2013", 0.42), ("\u2014", 0.75))
"""Dashes by the width of their ink in ems, from which on each is read: OCR tells a dash, not which (a hyphen's ink is
about a quarter em, an en dash's half, an em dash's a whole one)."""


def _dashes(votes: dict[Key, Counter[str]], pages: list[Glyphs]) -> dict[Key, str]:
    """Keys most of whose votes name some dash, read as the dash their glyphs' width says."""
    names = {dash for dash, _ in DASHES} | {"\u2010", "\u2011", "\u2212"}
    keys = {k for k, v in votes.items() if sum(n for c, n in v.items() if c in names) >= MIN_SHARE * sum(v.values())}
    widths: dict[Key, list[float]] = defaultdict(list)
    for g in pages:
        for i, key in enumerate(g.keys):
            if key in keys:
                widths[key].append(float(g.widths[i]))
    return {key: [dash for dash, least in DASHES if float(np.median(w)) >= least][-1] for key, w in widths.items()}


def _standing_alone(pages: list[Glyphs]) -> set[Key]:
    """Keys of small glyphs (lower than :data:`MARKER_HEIGHT`) that begin their line and stand alone (white space after
    them) wherever they are drawn."""
    alone: set[Key] = set()
    not_alone: set[Key] = set()
    for g in pages:
        keys, blank, codes = g.keys, g.blank, g.codes
        for i, key in enumerate(keys):
            if key is None or blank[i]:
                continue
            first = i == 0 or (keys[i - 1] is None and codes[i - 1] in LINE_BREAKS)
            after = i + 1 == len(keys) or keys[i + 1] is None or blank[i + 1]
            (alone if first and after and g.heights[i] < MARKER_HEIGHT else not_alone).add(key)
    return alone - not_alone


LINE_BREAKS = (0x0A, 0x0D)
MARKER_HEIGHT = 0.5
"""Ems: a bullet's ink is about a third of an em high, a digit's or a capital's seven tenths."""


def _aligned(glyphs: Glyphs, ocr: Page, covered: set[Key]) -> list[tuple[list[Key], str, float]]:
    """(keys of the glyphs under an OCR'd word, left to right; its text; its confidence) for every word that covers
    as many drawn glyphs as it has letters; ``covered`` gets the keys under any word."""
    drawn = np.array([k is not None for k in glyphs.keys]) & ~glyphs.blank
    index = np.nonzero(drawn)[0]
    xs, ys = glyphs.centres[index, 0], glyphs.centres[index, 1]
    found = []
    for word in ocr.words:
        margin = MARGIN * (word.bottom - word.top)
        inside = index[(xs >= word.x0 - margin) & (xs <= word.x1 + margin) & (ys >= word.top) & (ys <= word.bottom)]
        covered.update(glyphs.keys[i] for i in inside.tolist())
        if len(inside) != len(word.text) or not len(inside):
            continue
        ordered = sorted(inside.tolist(), key=lambda i: glyphs.centres[i, 0])
        found.append(([glyphs.keys[i] for i in ordered], word.text, word.conf or 0.0))
    return found


def decode(glyphs: Glyphs, mapping: dict[Key, str], ocr: Page) -> tuple[Page, int]:
    """The page read from its text layer with ``mapping`` (words, boxes, fonts as a born-digital page), and the
    count of its glyphs left unknown. Closes the glyphs' text page."""
    letters = []
    unknown = 0
    for code, key, blank in zip(glyphs.codes, glyphs.keys, glyphs.blank.tolist(), strict=True):
        if key is None:
            letters.append(chr(code) if code else " ")
        elif key in mapping:
            letters.append(mapping[key])
        elif blank:
            letters.append(" ")
        else:
            letters.append(UNKNOWN)
            unknown += 1
    text = "".join(letters)
    page = glyphs.page
    try:
        words = read_words(glyphs.textpage, page.frame, text)
    finally:
        glyphs.textpage.close()
    doubled = {letter for key, letter in mapping.items() if key[1] == SPACE and letter.strip()}
    if doubled:
        words = [_undropped(word, ocr.words, doubled) for word in words]
    decoded = Page(page.number, page.width, page.height, text, words_given=words, source=page.source, frame=page.frame)
    return decoded, unknown


SPACE = 0x20
"""A glyph whose code pdfium reads as a space: of two such glyphs in a row pdfium keeps one ("till" reads "til")."""


def _undropped(word: Word, ocr_words: list[Word], doubled: set[str]) -> Word:
    """``word`` as the OCR'd word over it reads when that differs only by doubled letters pdfium dropped."""
    if not any(letter in word.text for letter in doubled):
        return word
    middle = (word.top + word.bottom) / 2
    for other in ocr_words:
        overlap = min(other.x1, word.x1) - max(other.x0, word.x0)
        if other.top <= middle <= other.bottom and overlap > 0.5 * (word.x1 - word.x0):
            pattern = "".join(f"{re.escape(c)}{{1,2}}" if c in doubled else re.escape(c) for c in word.text)
            return replace(word, text=other.text) if re.fullmatch(pattern, other.text) else word
    return word


MAX_SKEW = 0.25
"""Degrees: a page rendered from its own drawing is not skewed (its estimate is within a step or two of 0); one
OCR turned more is no rendering of its glyphs."""


def reread_text_layers(pages: list[Page], ocr: dict[int, Page]) -> dict[int, Page]:
    """Of the OCR'd pages (by number), those whose own text layer reads again with the map its glyphs and the OCR'd
    words give (see the module), decoded; the others keep their OCR reading."""
    glyphs = {n: g for n in sorted(ocr) if (g := read_glyphs(pages[n - 1])) is not None}
    upright = [
        (g, ocr[n]) for n, g in glyphs.items() if abs(ocr[n].ocr_frame[0]) <= MAX_SKEW and not ocr[n].ocr_frame[1]
    ]
    mapping = learn(upright)
    decoded = {}
    for n, g in glyphs.items():
        page, unknown = decode(g, mapping, ocr[n])
        if unknown <= MAX_UNKNOWN_SHARE * g.drawn and not page_needs_ocr(page) and _agrees(page, ocr[n]):
            decoded[n] = page
    return decoded


MIN_AGREEMENT = 0.7
"""Share of the OCR'd words the decoded page must read too: below it the glyphs' boxes do not make words as printed
(a Type 3 font whose glyphs pdfium places one by one at a tenth of their size), and the OCR reading is kept."""


def _agrees(page: Page, ocr: Page) -> bool:
    """The decoded page reads most of the words OCR read (as a multiset of texts)."""
    read = Counter(w.text for w in ocr.words)
    both = read & Counter(w.text for w in page.words)
    return sum(both.values()) >= MIN_AGREEMENT * sum(read.values())
