"""List markers on scanned pages, found as ink, not as text: a small blob left of a line's first word.

Tesseract reads a list's bullets and dashes as anything ("e", "«", "-", "—"), or drops them, above all on 1-bit
copies and small dashes; a list would then read as one paragraph. Here every Tesseract line is looked at on the
page image: the ink just left of its first word, cut into runs of ink columns, and the run nearest the word is a
*marker* when it is a compact blob (a disc, square, dash, arrow or check mark) of the size of a glyph, standing
apart from the word and in the middle of the line's height, where a full stop or a comma cannot stand. The
boxes go to :attr:`kompass_extract.read.document.Page.markers`, from which the list parsers split items
(:mod:`kompass_extract.read.markers`); a first word that is itself such a blob (Tesseract's guess at the marker)
is dropped, so that the marker is not read twice.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from PIL import Image

from kompass_extract.read.ocr.image import DARK, grey
from kompass_extract.read.ocr.tesseract import OcrWord

REACH = 3.0
"""How far left of a line's first word a marker may stand, in line heights."""
MIN_GAP = 0.12
"""Least white between a marker and the word, in line heights (a glued letter is part of the word)."""
MAX_SIDE = 0.75
"""Largest height of a marker blob, in line heights (a dash or arrow may be a little wider than that)."""
MIN_SIDE = 0.12
"""Least width or height of the larger side (specks and dots of noise are smaller)."""
MIN_INK = 0.015
"""Least ink of a marker, as a share of the line height squared."""
MIDDLE = (0.2, 0.68)
"""Where a marker's centre lies in the line box (top = 0): a full stop or comma sits lower, an apostrophe higher."""
SPECK = 0.5
"""A blob whose larger side is under this share of the page's typical marker's is a speck, not a marker."""
JOIN = 0.06
"""Gaps between ink columns narrower than this (line heights) do not split a blob (broken 1-bit strokes)."""


def find_markers(
    image: Image.Image, words: list[OcrWord]
) -> tuple[list[tuple[float, float, float, float]], list[OcrWord]]:
    """(marker boxes in pixels, ``words`` without the words that were the markers) of one page image."""
    ink = np.asarray(grey(image)) < DARK
    covered = np.zeros(ink.shape, dtype=bool)
    for w in words:
        covered[int(w.top) : int(w.bottom) + 1, int(w.x0) : int(w.x1) + 1] = True
    lines: dict[int, list[OcrWord]] = defaultdict(list)
    for w in words:
        lines[w.line].append(w)
    markers, dropped = [], []
    for line_words in lines.values():
        line_words.sort(key=lambda w: w.x0)
        first = line_words[0]
        text_line = line_words[1] if len(line_words) > 1 else _word_right_of(first, words)
        box = _blob(ink, first, text_line) if text_line is not None and _is_guess(first) else None
        guess = box is not None  # Tesseract's guess at the marker (often a line of its own): the marker, not a word
        if not guess and (len(line_words) > 1 or not _is_guess(first)):
            box = _left_blob(ink, covered, first)
        if box is not None:
            markers.append(box)
            dropped.append(id(first) if guess else None)
    kept = _alike(markers)
    gone = {word for box, word in zip(markers, dropped, strict=True) if word is not None and box in kept}
    return kept, [w for w in words if id(w) not in gone]


def _alike(boxes: list[tuple[float, float, float, float]]) -> list[tuple[float, float, float, float]]:
    """The boxes that are the size of the page's markers: a list's markers are one glyph, printed alike, while
    toner specks and dust beside a line are smaller (a larger side under :data:`SPECK` of the median)."""
    if len(boxes) < 3:
        return boxes
    sides = sorted(max(b[2] - b[0], b[3] - b[1]) for b in boxes)
    typical = sides[len(sides) // 2]
    return [b for b in boxes if max(b[2] - b[0], b[3] - b[1]) >= SPECK * typical]


def _word_right_of(mark: OcrWord, words: list[OcrWord]) -> OcrWord | None:
    """The nearest word that starts right of ``mark`` on the text line through its middle."""
    middle = (mark.top + mark.bottom) / 2
    beside = [w for w in words if w.top <= middle <= w.bottom and 0 < w.x0 - mark.x1 < REACH * (w.bottom - w.top)]
    return min(beside, key=lambda w: w.x0, default=None)


def _is_guess(word: OcrWord) -> bool:
    """A first word that may be Tesseract's reading of a marker: one or two characters, no word of the text."""
    text = word.text
    return len(text) <= 2 and not any(c.isalnum() for c in text)


def _blob(ink: np.ndarray, word: OcrWord, following: OcrWord) -> tuple[float, float, float, float] | None:
    """The marker box of a short first word, when its ink is one marker-like blob apart from the next word and
    placed like a marker in that word's line."""
    height = following.bottom - following.top
    if following.x0 - word.x1 < MIN_GAP * height:
        return None
    area = ink[int(following.top) : int(following.bottom) + 1, int(word.x0) : int(word.x1) + 1]
    return _shape(area, int(word.x0), following.top, height)


def _left_blob(ink: np.ndarray, covered: np.ndarray, word: OcrWord) -> tuple[float, float, float, float] | None:
    """The marker box of the ink no word covers just left of ``word``, when it is one marker-like blob."""
    height = word.bottom - word.top
    left = max(0, int(word.x0 - REACH * height))
    right = int(word.x0 - MIN_GAP * height)
    if right - left < 2:
        return None
    top, bottom = int(word.top), int(word.bottom) + 1
    area = ink[top:bottom, left:right] & ~covered[top:bottom, left:right]
    columns = np.flatnonzero(area.any(axis=0))
    if len(columns) == 0:
        return None
    breaks = np.flatnonzero(np.diff(columns) > max(1, JOIN * height))
    start = columns[breaks[-1] + 1] if len(breaks) else columns[0]  # the run nearest the word
    return _shape(area[:, start : columns[-1] + 1], left + int(start), word.top, height)


def _shape(area: np.ndarray, x0: int, top: float, height: float) -> tuple[float, float, float, float] | None:
    """The box of the ink in ``area`` (whose left edge is at ``x0``, top at ``top``), if it is marker-shaped.

    Of ink in bands one above the other (a speck of toner under a bullet), only the band with the most ink counts."""
    rows = np.flatnonzero(area.any(axis=1))
    if len(rows) == 0:
        return None
    bands = np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1)
    band = max(bands, key=lambda b: int(area[b[0] : b[-1] + 1].sum()))
    area = area.copy()
    area[: band[0]], area[band[-1] + 1 :] = False, False
    rows, cols = np.flatnonzero(area.any(axis=1)), np.flatnonzero(area.any(axis=0))
    h, w = rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1
    centre = (rows[0] + rows[-1]) / 2 / height
    if not (h <= MAX_SIDE * height and w <= 1.3 * height and max(h, w) >= MIN_SIDE * height):
        return None
    if area.sum() < MIN_INK * height * height or not MIDDLE[0] <= centre <= MIDDLE[1]:
        return None
    return (x0 + cols[0], top + rows[0], x0 + cols[-1] + 1, top + rows[-1] + 1)
