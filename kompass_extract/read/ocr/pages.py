"""OCR for scanned reports: image-only pages become :class:`~kompass_extract.read.document.Page` objects.

Why this shape:

* Pages are rendered with pypdfium2 (grey, 300 dpi by default), deskewed by a projection-profile search and cleared
  of table rules (:mod:`kompass_extract.read.ocr.image`), then read by Tesseract with TSV output
  (:mod:`kompass_extract.read.ocr.tesseract`: its library in this process, or the binary). That keeps the moving parts
  few (no ocrmypdf, no intermediate PDF) and gives word boxes with a confidence each, which is all the pipeline needs.
* Page segmentation mode 11 (sparse text) is used, and lines are rebuilt from positions downstream
  (:func:`kompass_extract.read.lines.group_lines`). Measured on a scan of a 2016-edition report: mode 6 (one
  uniform block) interleaves two-column bullet lists and reads the bullets as letters; modes 3 and 4 (automatic
  layout / one column) drop whole number columns of the overview tables as "non-text"; mode 11 keeps both the lists
  and nearly every table cell, at the same speed.
* Tesseract runs with ``OMP_THREAD_LIMIT=1``: its OpenMP threads spin on a busy 2-core machine and made a page
  five times slower; parallelism comes from ``jobs`` (pages read at once, on threads) instead.
* Numbers get a second look (:mod:`kompass_extract.read.ocr.numbers`): the Swedish model reads "75%" as "7590" in common
  serif fonts, so number-like words (and skipped cells) are read again, all in one strip image, by a digits-only
  pass; list bullets are recognised by their shape and written as "•".
* Word boxes are returned in PDF points in the frame of the *deskewed* page (same size and origin, top-left, as the
  original page): mapping them back into the crooked scan would tilt every line and break line grouping.
* Every word gets the top and bottom of its Tesseract line box (like the loose glyph boxes of a text layer), so the
  words of a printed line group into one line downstream; ``Word.size`` is that box's height in points (ascender to
  descender), close to the font size and the same for every word on the line. There is no bold information on OCR
  pages (``bold=None``): headings must be found by their numbering and labels.

OCR output is cached as JSON per page when ``cache_dir`` is given, keyed by the PDF's sha256, page, dpi, language,
the Tesseract version and :data:`OCR_VERSION` (bumped whenever the image processing changes what is read).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pypdfium2 as pdfium
from PIL import Image

from kompass_extract.common.files import atomic_path
from kompass_extract.errors import CorruptPdfError
from kompass_extract.read.document import Page
from kompass_extract.read.geometry import Word
from kompass_extract.read.ocr.edges import clear_dark_edges, drop_margin_specks
from kompass_extract.read.ocr.image import deskew, remove_rules, whiten_paper
from kompass_extract.read.ocr.markers import find_markers
from kompass_extract.read.ocr.numbers import normalise_ocr_number, reread_numbers
from kompass_extract.read.ocr.tesseract import OcrWord, require_tesseract, tesseract_available
from kompass_extract.read.ocr.upright import upright_reading

__all__ = ["OcrProgress", "normalise_ocr_number", "ocr_document", "ocr_image", "page_needs_ocr", "tesseract_available"]

OCR_VERSION = 8
"""Part of the cache key: bump when rendering, clean-up, word conversion or the list-marker blobs a cached page
keeps change (5: specks under a bullet and blobs under half the typical marker size are no markers; 6: deskew turns
the paper without ink by the nearest pixel; 7: dark bands along a copy's edges are painted white; 8: a page read as
fragments is read at every turn)."""
PSM = 11
MIN_LETTERS = 40
"""A page with fewer letters/digits than this has no usable text layer (a running header alone is ~30)."""
MAX_BAD_SHARE = 0.3
MIN_VOWEL_SHARE = 0.2
"""Swedish prose has ~35-40% vowels; a text layer far below that is mis-encoded (e.g. glyph ids shifted)."""
_VOWELS = np.array([ord(c) for c in "aeiouyåäöéAEIOUYÅÄÖÉ"], dtype=np.uint32)
_LATIN = ((0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A), (0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0x24F))
"""Digits and letters of the Latin script (Basic Latin, Latin-1, Latin Extended-A/B), as code point ranges;
every one of them is a letter or digit (``str.isalnum``)."""
_GARBAGE = ((0xFFFD, 0xFFFD), (0x00, 0x08), (0x0B, 0x0C), (0x0E, 0x1F), (0xE000, 0xF8FF))
"""Replacement and control characters and private-use glyphs, as code point ranges."""
_UNMAPPED = ((0x00, 0x01), (0x03, 0x08), (0x0B, 0x0C), (0x0E, 0x1F))
"""Control characters: pdfium passes a glyph code through when the font maps it to no character (no ToUnicode,
a subset encoding). Right after a letter ("V\x01sby") it stood for a letter (å, ä, ö mostly); alone it is a
bullet of a symbol font. U+0002 is pdfium's soft hyphen."""
MAX_UNMAPPED_SHARE = 0.005
"""A page with more unmapped codes than this share of its letters (one on a cover of 150 letters) has a text
layer that lost letters: "Po\x01ng", "Uppntt" read from a font without a character map. Read, such a page gives
names and labels with holes, so it is OCR'd (Swedish prose has ~3% å, ä and ö)."""

SHRUNK_DPI = 600
"""Resolution at which scanned pages whose text is shrunk to share a sheet (four or two stacked pages a sheet, see
:data:`~kompass_extract.read.sheets.SHRUNK`) are read again: their 4.5-6 pt text is 19-25 px high at 300 dpi, too
small for Tesseract (a 4-up copy scanned grey at 300 dpi: 55 of 93 list items, words dropped from them without a
check; 79 read at this resolution, which :data:`MAX_PIXELS` caps at ~450 dpi for an A4 sheet)."""
MAX_PIXELS = 20_000_000
"""Pixels of one rendered page at most: A3 at 300 dpi (A4 is 8.7 million); larger pages get fewer dpi. The image
clean-up needs ~25 bytes per pixel at its peak, so this keeps a page under ~0.5 GB."""
MAX_SIDE = 20_000
"""Pixels of the longer side at most (a page 1e9 pt wide and 1 pt high is small in area, not in width)."""

_RENDER_LOCK = threading.Lock()
"""pdfium is not thread-safe: rendering is serialised, deskewing and OCR run in parallel."""


def page_needs_ocr(page: Page) -> bool:
    """True when ``page.text`` is not a usable text layer: (almost) no letters, or mostly garbage.

    Decided from the cheap page text alone. Garbage is replacement characters, control characters, private-use
    glyphs and letters outside the Latin script; a long text whose vowel share is far below Swedish prose is also
    garbage (a font without a usable character map yields consistent but meaningless letters).
    """
    return _needs_ocr(*_letter_counts(page.text))


def pages_needing_ocr(pages: list[Page]) -> list[bool]:
    """:func:`page_needs_ocr` of each page, their letters counted in one pass over all their texts."""
    return [_needs_ocr(*counts) for counts in _letter_counts_of([page.text for page in pages])]


def _needs_ocr(good: int, bad: int, vowels: int, unmapped: int) -> bool:
    if good < MIN_LETTERS or bad > MAX_BAD_SHARE * (good + bad):
        return True
    if unmapped > MAX_UNMAPPED_SHARE * good:
        return True
    return good >= 4 * MIN_LETTERS and vowels < MIN_VOWEL_SHARE * good


def _letter_counts(text: str) -> tuple[int, int, int, int]:
    """(Latin letters and digits, garbage, vowels, unmapped codes right after a letter) of ``text``, garbage being
    garbage characters and letters or digits of other scripts (see :func:`_letter_counts_of`)."""
    return _letter_counts_of([text])[0]


def _letter_counts_of(texts: list[str]) -> list[tuple[int, int, int, int]]:
    """:func:`_letter_counts` of each of ``texts``. Counted on the code points of all of them as one array, each
    looked up in :data:`_CLASSES` (this runs on every page of every file: one lookup, not a comparison per range, and
    one pass for a document's pages, not some fifteen array operations per page); code points above the table are
    none of these but garbage, which they are tested for one by one. Each text is followed by a line break whose
    class is cleared, so that no pair of codes across two texts counts and each text's share is summed apart."""
    if not texts:  # a document of no pages (pdfium refuses to open one, but the function stands alone)
        return []
    codes = np.frombuffer("".join(text + "\n" for text in texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    ends = np.cumsum([len(text) + 1 for text in texts]) - 1  # each text's line break
    classes = _CLASSES[np.minimum(codes, _TABLE_SIZE)]
    classes[ends] = 0
    latin = (classes & _IS_LATIN).astype(bool)
    outside = np.flatnonzero((codes >= 0x80) & ~latin)  # outside ASCII and the Latin letters: few, tested one by one
    bad = ((classes & _IS_GARBAGE) != 0).astype(np.int64)
    other = codes[outside]
    bad[outside] += (other >= _TABLE_SIZE) & _in_ranges(other, _GARBAGE)
    bad[outside] += np.array([chr(c).isalnum() for c in other.tolist()], dtype=bool)
    # an unmapped code right after a Latin letter or digit: inside a word (a bullet stands alone)
    unmapped = np.zeros(len(codes), dtype=bool)
    unmapped[1:] = classes[1:] & (classes[:-1] << 3) & _IS_UNMAPPED
    starts = np.concatenate(([0], ends[:-1] + 1))
    sums = [np.add.reduceat(counted, starts).tolist() for counted in (latin, bad, (classes & _IS_VOWEL) != 0, unmapped)]
    return [(int(g), int(b), int(v), int(u)) for g, b, v, u in zip(*sums, strict=True)]


def _in_ranges(codes: np.ndarray, ranges: tuple[tuple[int, int], ...]) -> np.ndarray:
    inside = np.zeros(codes.shape, dtype=bool)
    for low, high in ranges:
        inside |= (codes >= low) & (codes <= high)
    return inside


_IS_LATIN, _IS_GARBAGE, _IS_VOWEL, _IS_UNMAPPED = 1, 2, 4, 8
"""Classes of a code point, as bits; ``_IS_UNMAPPED`` is ``_IS_LATIN`` shifted by 3 (an unmapped code is
counted where the code before it is a Latin letter or digit)."""
_TABLE_SIZE = 0x250
"""Code points below this have their classes in :data:`_CLASSES` (every Latin letter, vowel and unmapped code
is one); the last entry, for all above, is empty."""


def _class_table() -> np.ndarray:
    points = np.arange(_TABLE_SIZE, dtype=np.uint32)
    table = np.zeros(_TABLE_SIZE + 1, dtype=np.uint8)
    table[:-1] = (
        _in_ranges(points, _LATIN) * _IS_LATIN
        | _in_ranges(points, _GARBAGE) * _IS_GARBAGE
        | np.isin(points, _VOWELS) * _IS_VOWEL
        | _in_ranges(points, _UNMAPPED) * _IS_UNMAPPED
    )
    return table


_CLASSES = _class_table()


class OcrProgress(NamedTuple):
    """One step of OCR'ing a document, for a progress line ("OCR page 7 (3 of 21)")."""

    page: int
    """1-based page number in the PDF."""
    done: int
    """Pages finished so far, this one included when ``finished``."""
    total: int
    """Pages to OCR in this call."""
    finished: bool
    """False when the page is about to be read, True when it is read (or came from the cache)."""
    cached: bool = False


ProgressHook = Callable[[OcrProgress], None]


def ocr_document(
    pdf_path: str,
    page_numbers: list[int] | None = None,
    *,
    dpi: int = 300,
    lang: str = "swe",
    jobs: int = 1,
    cache_dir: str | None = None,
    progress: ProgressHook | None = None,
    data: bytes | None = None,
) -> list[Page]:
    """OCR the given 1-based pages (all when None) of ``pdf_path``, in order, as :class:`Page` objects with words.

    Each page is written to the cache as soon as it is read, so an interrupted run resumes at the first page it had
    not finished. ``progress`` is called before and after each page (from the worker threads when ``jobs`` > 1:
    keep it short and thread-safe, e.g. writing a line to stderr). ``data`` is the file's content when the caller
    has read it (the pages OCR'd are then those of the bytes parsed, even if the file is replaced meanwhile).
    Raises :class:`OcrUnavailableError` (with the install command) when Tesseract or the model is missing.
    """
    version = require_tesseract(lang)
    data = Path(pdf_path).read_bytes() if data is None else data
    sha = hashlib.sha256(data).hexdigest()
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise CorruptPdfError(f"pdfium cannot read the file: {exc}") from exc
    try:
        numbers = page_numbers if page_numbers is not None else list(range(1, len(pdf) + 1))
        done = itertools.count(1)

        def report(number: int, finished: bool, cached: bool = False) -> None:
            if progress is not None:
                progress(OcrProgress(number, next(done) if finished else 0, len(numbers), finished, cached))

        def one(number: int) -> Page:
            key = _cache_key(sha, number, dpi, lang, version)
            cached = _cache_read(cache_dir, key)
            if cached is not None and "markers" not in cached:  # read before markers were looked for: add them
                with _RENDER_LOCK:
                    image = pdf[number - 1].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
                cached = _add_markers(cached, image, dpi)
                _cache_write(cache_dir, key, cached)
            if cached is not None:
                report(number, True, cached=True)
                return _page_from_json(number, cached)
            report(number, False)
            with _RENDER_LOCK:
                page = pdf[number - 1]
                page_dpi = render_dpi(*page.get_size(), dpi)
                image = page.render(scale=page_dpi / 72, grayscale=True).to_pil().convert("L")
            record = ocr_image(image, dpi=page_dpi, lang=lang)
            _cache_write(cache_dir, key, record)
            report(number, True)
            return _page_from_json(number, record)

        if jobs <= 1:
            return [one(n) for n in numbers]
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            return list(pool.map(one, numbers))
    finally:
        pdf.close()


def render_dpi(width_pt: float, height_pt: float, dpi: int) -> float:
    """The resolution to render a page at: ``dpi``, lowered so the image has at most :data:`MAX_PIXELS` pixels.

    A page's size comes from the file: a 580-byte PDF can declare a 14400 pt square page (60000 px at 300 dpi,
    gigabytes of image) or a 1e9 pt one (an overflow). Checked before rendering, from the declared size.
    """
    width, height = abs(width_pt) * dpi / 72, abs(height_pt) * dpi / 72
    shrink = min(1.0, math.sqrt(MAX_PIXELS / max(width * height, 1.0)), MAX_SIDE / max(width, height, 1.0))
    return dpi * shrink


def ocr_image(image: Image.Image, *, dpi: int = 300, lang: str = "swe") -> dict:
    """OCR one rendered page image; return the JSON-able record that :func:`_page_from_json` turns into a Page.

    The record holds the page size in points, the measured skew and the words as
    ``[text, x0, top, x1, bottom, conf]`` in points (top and bottom are those of the word's line box), and the
    boxes of list markers found as ink (:mod:`kompass_extract.read.ocr.markers`).
    """
    read = upright_reading(clear_dark_edges(whiten_paper(image), dpi), dpi=dpi, lang=lang, psm=PSM)
    image, angle, rotation, clean = read.image, read.skew, read.rotation, read.clean
    markers, words = find_markers(clean, reread_numbers(clean, read.words, dpi=dpi))
    scale = 72 / dpi
    return {
        "width": image.width * scale,
        "height": image.height * scale,
        "skew": angle,
        "rotation": rotation,
        "words": [
            [w.text, *(round(v * scale, 2) for v in (w.x0, w.top, w.x1, w.bottom)), round(w.conf, 1)] for w in words
        ],
        "markers": [[round(v * scale, 2) for v in box] for box in markers],
    }


def _add_markers(record: dict, image: Image.Image, dpi: int) -> dict:
    """A cached record from before markers were looked for, with its markers: the page image prepared as when it
    was read (paper, turn, skew, rules) and the words' Tesseract lines rebuilt from their shared line boxes."""
    image = clear_dark_edges(whiten_paper(image), dpi)
    if record.get("rotation"):
        image = image.rotate(-record["rotation"], expand=True)
    clean = remove_rules(deskew(image, record.get("skew", 0.0)))
    scale = dpi / 72
    lines: dict[tuple[float, float], int] = {}
    words = [
        OcrWord(
            t, x0 * scale, top * scale, x1 * scale, bottom * scale, conf, lines.setdefault((top, bottom), len(lines))
        )
        for t, x0, top, x1, bottom, conf in record["words"]
    ]
    markers, kept = find_markers(clean, words)
    return {
        **record,
        "words": [[w.text, *(round(v / scale, 2) for v in (w.x0, w.top, w.x1, w.bottom)), w.conf] for w in kept],
        "markers": [[round(v / scale, 2) for v in box] for box in markers],
    }


def _page_from_json(number: int, record: dict) -> Page:
    words = [Word(t, x0, top, x1, bottom, bottom - top, None, conf) for t, x0, top, x1, bottom, conf in record["words"]]
    words = drop_margin_specks(words)
    frame = (float(record.get("skew", 0.0)), int(record.get("rotation", 0)))
    markers = [(x0, top, x1, bottom) for x0, top, x1, bottom in record.get("markers", [])]
    page = Page(
        number, record["width"], record["height"], "", words_given=words, ocr=True, ocr_frame=frame, markers=markers
    )
    page.text = "\r\n".join(line.text for line in page.lines)  # line breaks as pdfium writes them
    return page


def _cache_key(sha: str, number: int, dpi: int, lang: str, version: str) -> str:
    material = json.dumps([sha, number, dpi, lang, version, OCR_VERSION, PSM])
    return f"{sha}-p{number}-{hashlib.sha256(material.encode()).hexdigest()[:16]}"


def _cache_path(cache_dir: str, key: str) -> Path:
    return Path(cache_dir) / "ocr" / key[:2] / f"{key}.json"


def _cache_read(cache_dir: str | None, key: str) -> dict | None:
    """The cached record, or None when absent or unreadable (a damaged entry is simply recomputed)."""
    if cache_dir is None:
        return None
    try:
        record = json.loads(_cache_path(cache_dir, key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and isinstance(record.get("words"), list) else None


def _cache_write(cache_dir: str | None, key: str, record: dict) -> None:
    if cache_dir is None:
        return
    with atomic_path(_cache_path(cache_dir, key)) as tmp:
        tmp.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
