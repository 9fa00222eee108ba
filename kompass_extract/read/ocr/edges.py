"""What a copy adds at its edges and in its margins: dark bands painted white before OCR, specks dropped after.

A photocopy or a scan of a copy often shows a dark band along one or two edges of the sheet: the copier's lid
or the sheet's own edge and shadow, a book's gutter. Tesseract reads the band's inner edge as a "1", "|" or "l"
at the head of every line beside it: "1 Kommunen genomför ..." in a paragraph, "1 Nytt ledarutvecklingsprogram"
in a list, and "1 7.2 Arbetar ..." in an overview table, where a leading "1" reads as a new chapter and ends the
tables. Text is printed inside margins of at least a few millimetres, so ink that runs in from the very edge of
the image, in a band several millimetres wide and long, is no text: it is painted white, row by row (column by
column) from the edge, with a margin for its ragged, anti-aliased border. A letter that touches the edge of a
tightly cropped scan makes runs as long as a stem is wide and a line is high, not a band.

A punch hole or a speck in the left margin reads as a word of a character or two at little confidence before the
line beside it ("3 Strategi för brukarfokus": a sub-heading then read as a paragraph's start); such a word, well
left of the page's text, is dropped from the reading (:func:`drop_margin_specks`).
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from PIL import Image

from kompass_extract.read.geometry import Word
from kompass_extract.read.ocr.image import DARK, grey

BAND_MIN_MM = 1.5
"""Narrowest band (mm from the edge, in a row): wider than the stem of a bold heading's letter."""
BAND_MAX = 0.1
"""Share of the page's width (height) a band may reach into from its edge: a page's margins, not its text."""
BAND_LONG_MM = 12.0
"""Shortest stretch of rows (mm along the edge) holding a band: longer than the tallest printed line is high."""
HALO_MM = 0.8
"""White painted beyond the band's dark run, for its grey, ragged border."""


def clear_dark_edges(image: Image.Image, dpi: float) -> Image.Image:
    """``image`` (grey) with the dark bands along its four edges painted white; itself when it has none."""
    pixels = np.asarray(grey(image))
    cleared: np.ndarray | None = None
    for side in range(4):
        view = _side(pixels, side)
        strip = max(1, int(view.shape[1] * BAND_MAX))
        reach = _band_reach(view[:, :strip] < DARK, dpi)
        if reach is None:
            continue
        if cleared is None:
            cleared = pixels.copy()
        target = _side(cleared, side)[:, :strip]
        target[np.arange(strip)[None, :] < reach[:, None]] = 255
    return image if cleared is None else Image.fromarray(cleared)


def _side(pixels: np.ndarray, side: int) -> np.ndarray:
    """A view of ``pixels`` whose rows run inwards from one edge (0: left, 1: right, 2: top, 3: bottom)."""
    return (pixels, pixels[:, ::-1], pixels.T, pixels.T[:, ::-1])[side]


def _band_reach(ink: np.ndarray, dpi: float) -> np.ndarray | None:
    """For each row of ``ink`` (the strip of :data:`BAND_MAX` along one edge, rows running inwards from it), how far
    from the edge to paint white: the row's dark run from the edge and a halo, in the rows of a band (runs at least
    :data:`BAND_MIN_MM` wide over a stretch at least :data:`BAND_LONG_MM` long), 0 elsewhere; None when the edge has
    no band."""
    per_mm = dpi / 25.4
    run = np.where(ink.all(axis=1), ink.shape[1], ink.argmin(axis=1))
    wide = run >= BAND_MIN_MM * per_mm
    if not wide.any():
        return None
    edges = np.diff(np.concatenate(([0], wide.astype(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    long_enough = ends - starts >= BAND_LONG_MM * per_mm
    if not long_enough.any():
        return None
    in_band = np.zeros(len(run), dtype=bool)
    for start, end in zip(starts[long_enough], ends[long_enough], strict=True):
        in_band[start:end] = True
    return np.where(in_band & (run > 0), run + int(HALO_MM * per_mm), 0)


SPECK_CONFIDENCE = 30.0
"""OCR confidence under which a word of one or two characters in the margin is a speck or a punch hole read as text."""
SPECK_CHARS = 2
SHARED_STARTS = 3
"""Lines that must start at one place (within :data:`START_STEP`) for it to be a left edge of the page's text: the
leftmost such place is the text's edge (a page number or a speck in the margin starts one line; a second column's
edge is further right)."""
START_STEP = 2.0
"""Points to which line starts are rounded when they are counted: OCR moves an edge by a point or two."""


def drop_margin_specks(words: list[Word]) -> list[Word]:
    """OCR'd ``words`` without specks read in the left margin: a word of at most :data:`SPECK_CHARS` characters read
    below :data:`SPECK_CONFIDENCE`, first on its line, more than a line's height left of the page's text (the leftmost
    edge :data:`SHARED_STARTS` lines start at) and of the next word, and alone at its place ("3" read at 0 confidence
    from a punch hole before "Strategi för brukarfokus", a sub-heading then read as a paragraph). List markers read
    as letters stand at the text's edge, or repeat at one place down the list, and stay; so do specks that repeat
    (holes of a binder at one place: kept, as read). Lines are Tesseract's (words sharing their line box)."""
    lines: dict[tuple[float, float], list[Word]] = {}
    for word in words:
        lines.setdefault((word.top, word.bottom), []).append(word)
    starts, candidates = [], []
    for line in lines.values():
        line.sort(key=lambda w: w.x0)
        if len(line) > 1 and _speck_before(line[0], line[1]):
            candidates.append(line[0])
            starts.append(line[1].x0)
        else:
            starts.append(line[0].x0)
    if not candidates:  # most pages: nothing short and unsure before a line, nothing to count
        return words
    shared = [x for x, n in Counter(round(x / START_STEP) for x in starts).items() if n >= SHARED_STARTS]
    if not shared:
        return words
    left = min(shared) * START_STEP
    places = Counter(round(w.x0 / START_STEP) for w in candidates)  # list markers repeat at one place, specks do not
    specks = {id(w) for w in candidates if w.x1 < left - (w.bottom - w.top) and places[round(w.x0 / START_STEP)] == 1}
    return [w for w in words if id(w) not in specks] if specks else words


def _speck_before(first: Word, second: Word) -> bool:
    """``first`` may be a speck: short, read with little confidence, a line's height or more before ``second``."""
    return (
        len(first.text) <= SPECK_CHARS
        and first.conf is not None
        and first.conf < SPECK_CONFIDENCE
        and second.x0 - first.x1 > first.bottom - first.top
    )
