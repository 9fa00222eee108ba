"""Dark bands along a copy's edges, painted white before OCR.

A photocopy or a scan of a copy often shows a dark band along one or two edges of the sheet: the copier's lid
or the sheet's own edge and shadow, a book's gutter. Tesseract reads the band's inner edge as a "1", "|" or "l"
at the head of every line beside it: "1 Kommunen genomför ..." in a paragraph, "1 Nytt ledarutvecklingsprogram"
in a list, and "1 7.2 Arbetar ..." in an overview table, where a leading "1" reads as a new chapter and ends the
tables. Text is printed inside margins of at least a few millimetres, so ink that runs in from the very edge of
the image, in a band several millimetres wide and long, is no text: it is painted white, row by row (column by
column) from the edge, with a margin for its ragged, anti-aliased border. A letter that touches the edge of a
tightly cropped scan makes runs as long as a stem is wide and a line is high, not a band.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

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
