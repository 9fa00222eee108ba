"""Read chosen number cells of OCR'd pages again, closer: cut out, enlarged, digits only, several ways.

The main OCR pass reads a whole page; a cell it got wrong ("12" as "17" or "2", "80 %" as "807", a lone "7" skipped)
is usually read right by at least one of: the cell alone with a digits-and-% whitelist (English model), the cell
enlarged twice, the enlarged cell binarised at its own threshold, the Swedish model on the cell, and the enlarged
cell with broken strokes closed (a thin "1" on a 1-bit copy is a dotted line Tesseract skips). Tesseract's
confidence on such crops means little (a right "12" often comes with 0), so every reading is returned and which one
to keep is decided elsewhere, by the rounding rules (:mod:`kompass_extract.validate.repair`): this module only says
what the page prints, so that no number is ever invented.

The page is rendered again and brought into the frame of the OCR'd words (the same paper whitening, turn and
deskew as :func:`kompass_extract.read.ocr.pages.ocr_image`), so a cell box in points lands on the same ink. All
crops are stacked into one strip per way of reading: five Tesseract runs for any number of cells.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter

from kompass_extract.model import BBox
from kompass_extract.read.ocr.image import DARK, deskewed_crop, whiten_paper
from kompass_extract.read.ocr.numbers import read_strip, stack, strip_runs
from kompass_extract.read.ocr.pages import render_dpi

REREAD_DPI = 300
"""Resolution the page is rendered at again (that of the main pass); crops are also read enlarged twice."""
ENLARGE = 2
PAD_X = 1.5
"""Horizontal padding of a crop in line heights: a digit the first reading dropped lies beside its word box."""
PAD_Y = 0.25
RULE_SHARE = 0.6
"""A row of a crop that is ink over this share of its width is a table rule, painted white (the padding left and
right of the cell is wider than the cell, so no row through the digits comes near it)."""
COLUMN_RULE_SHARE = 0.9
"""A column of a crop that is ink over this share of its height is a table rule: a rule runs the whole height,
whereas the stem of a "1" spans the digit height, two thirds of the crop when the cell box is the digits' own."""

Reading = tuple[str, float]


def reread_cells(
    pdf_path: str | bytes, cells: Sequence[tuple[int, BBox]], frames: dict[int, tuple[float, int]]
) -> list[list[Reading]]:
    """Every reading (text, confidence) of each cell ``(page, box in points)``; ``frames`` gives each page's
    (skew, rotation) as the main pass measured them. Empty lists where Tesseract fails. ``pdf_path`` may be the
    file's bytes (the batch reads each input once)."""
    if not cells:
        return []
    crops = _crops(pdf_path, cells, frames)
    enlarged = [c.resize((c.width * ENLARGE, c.height * ENLARGE), Image.Resampling.LANCZOS) for c in crops]
    ways = [(crops, "eng", 1), (enlarged, "eng", ENLARGE), ([_binarised(c) for c in enlarged], "eng", ENLARGE)]
    ways.append((crops, "swe", 1))
    ways.append(([_closed(c) for c in enlarged], "eng", ENLARGE))
    readings: list[list[Reading]] = [[] for _ in cells]
    for images, model, factor in ways:
        for n, found in enumerate(_read_strips(images, model, REREAD_DPI * factor)):
            readings[n] += found
    return readings


def _crops(
    pdf_path: str | bytes, cells: Sequence[tuple[int, BBox]], frames: dict[int, tuple[float, int]]
) -> list[Image.Image]:
    scales: dict[int, float] = {}
    pages: dict[int, tuple[Image.Image, float]] = {}
    pdf = pdfium.PdfDocument(pdf_path)
    try:
        for number in sorted({page for page, _ in cells}):
            page = pdf[number - 1]
            scales[number] = render_dpi(*page.get_size(), REREAD_DPI) / 72  # a huge page: capped pixels
            image = whiten_paper(page.render(scale=scales[number], grayscale=True).to_pil().convert("L"))
            skew, rotation = frames.get(number, (0.0, 0))
            pages[number] = (image.rotate(-rotation, expand=True) if rotation else image), skew  # deskewed per cell
    finally:
        pdf.close()
    crops = []
    for number, (x0, top, x1, bottom) in cells:
        height = bottom - top
        box = (x0 - PAD_X * height, top - PAD_Y * height, x1 + PAD_X * height, bottom + PAD_Y * height)
        pixels = tuple(round(v * scales[number]) for v in box)
        crops.append(_without_rules(deskewed_crop(*pages[number], pixels)))
    return crops


def _without_rules(crop: Image.Image) -> Image.Image:
    """The crop with table rules (rows or columns almost all ink) painted white."""
    pixels = np.asarray(crop.convert("L")).copy()
    ink = pixels < DARK
    pixels[ink.mean(axis=1) > RULE_SHARE, :] = 255
    pixels[:, ink.mean(axis=0) > COLUMN_RULE_SHARE] = 255
    return Image.fromarray(pixels)


CLOSE_SHARE = 0.06
"""Vertical gaps closed in a stroke, as a share of the crop's height: a thin "1" on a 1-bit copy is a dotted line."""
SMOOTH_SHARE = 0.02
"""Blur radius after closing, as a share of the crop's height: Tesseract reads smooth edges better than steps."""
FAINT = 200
"""Grey level under which a pixel of an enlarged crop is ink for closing (the faint edge of a thin stroke too)."""


def _closed(crop: Image.Image) -> Image.Image:
    """The crop with broken vertical strokes joined (a morphological close along the columns), table rules that the
    closing made whole painted white again, and the edges smoothed a little. Sizes are relative to the crop's
    height, so a copy at any resolution is treated alike."""
    ink = np.asarray(crop.convert("L")) < FAINT
    reach = max(1, round(CLOSE_SHARE * crop.height))
    padded = np.pad(ink, ((reach, reach), (0, 0)))
    grown = np.zeros_like(padded)
    for shift in range(-reach, reach + 1):
        grown |= np.roll(padded, shift, axis=0)
    closed = grown.copy()
    for shift in range(-reach, reach + 1):
        closed &= np.roll(grown, shift, axis=0)
    closed = closed[reach:-reach]
    image = _without_rules(Image.fromarray(np.where(closed, 0, 255).astype(np.uint8)))
    return image.filter(ImageFilter.GaussianBlur(SMOOTH_SHARE * crop.height))


def _binarised(crop: Image.Image) -> Image.Image:
    """Black and white at the crop's own Otsu threshold: noise and tint gone, broken strokes closed a little."""
    pixels = np.asarray(crop.convert("L"))
    counts = np.bincount(pixels.ravel(), minlength=256).astype(np.float64)
    total, levels = counts.sum(), np.arange(256)
    weight = np.cumsum(counts)
    mean = np.cumsum(counts * levels)
    between = (mean[-1] * weight / total - mean) ** 2 / np.maximum(weight * (total - weight), 1e-9)
    threshold = int(np.argmax(between))
    return Image.fromarray(np.where(pixels > threshold, 255, 0).astype(np.uint8))


def _read_strips(crops: list[Image.Image], lang: str, dpi: int) -> list[list[Reading]]:
    """The readings of each crop, read in strips no taller than :data:`~kompass_extract.read.ocr.numbers.MAX_STRIP`."""
    found: list[list[Reading]] = []
    for run in strip_runs([2 * crop.height for crop in crops]):
        found += _read_strip(crops[run.start : run.stop], lang, dpi)
    return found


def _read_strip(crops: list[Image.Image], lang: str, dpi: int) -> list[list[Reading]]:
    """The readings of each crop, its words left to right; a cell read in pieces ("5 2") is also read whole."""
    strip, slots = stack(crops)
    found: list[list[Reading]] = []
    for words in read_strip(strip, slots, dpi=dpi, lang=lang):
        words.sort()
        readings = [(text, conf) for _, text, conf in words]
        if len(words) > 1:
            readings.append(("".join(t for _, t, _ in words), min(c for _, _, c in words)))
        found.append(readings)
    return found
