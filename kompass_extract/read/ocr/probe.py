"""A second look for a list marker on a scanned page, at the place where the list's other markers stand.

The blob finder of the OCR pass (:mod:`kompass_extract.read.ocr.markers`) looks left of the first word of each
line Tesseract reports, and takes the ink run nearest that word. On copies it misses markers three ways: a 1-bit
dash breaks into pieces, and the piece nearest the word is too small; a toner speck between the marker and the
word is the run nearest the word; and where Tesseract runs a line across both columns of a list, the right
column's marker lies in the middle of the line, where nobody looks. An item whose marker was missed is joined
to the item above it.

The list parser knows more: where the column's other markers stand and how large they are. :class:`MarkerLook`
answers its question "is there a marker like this one, in this box?" from the page image: the page is rendered
again and brought into the frame of the OCR'd words (the same paper whitening, turn and deskew as the OCR pass),
once per page asked about, and only the box is looked at. The OCR cache is not touched.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pypdfium2 as pdfium
from PIL import Image

from kompass_extract.model import BBox
from kompass_extract.read.ocr.image import DARK, deskewed_crop, whiten_paper
from kompass_extract.read.ocr.pages import render_dpi

LOOK_DPI = 300
"""Resolution the page is rendered at (that of the OCR pass, so a blob has the size the OCR pass saw)."""
LIKE_WIDTH = (0.6, 1.6)
"""Width of a blob found, as a share of the sibling marker's (a broken dash keeps most of its length; a toner speck
beside a line is a dot, narrower than a disc or dash)."""
LIKE_HEIGHT = (0.4, 1.6)
"""Height of a blob found, as a share of the sibling marker's (plus a pixel or two: a dash is a few pixels)."""
LIKE_INK = 0.3
"""Least ink of a blob, as a share of the sibling marker's box."""
MIDDLE = (0.15, 0.75)
"""Where a marker's centre lies in its line's box (top = 0): a full stop or comma sits lower."""
SLACK_PX = 2
"""Pixels of tolerance on a height measured on a copy (a dash two pixels high may print three), and on a width
beyond the largest."""

Place = tuple[int, float, float, tuple[float, int]]
"""Where a logical page's words lie in the PDF: (1-based PDF page, x offset, y offset, (skew, rotation))."""
Look = Callable[[int, BBox, BBox], "BBox | None"]
"""(page, box to look in, a sibling marker's box) -> the box of a marker like the sibling found in the box, or None."""


class MarkerLook:
    """Looks for list markers on the images of OCR'd pages (see the module's docstring); one per document.

    ``places`` maps each OCR'd page's number (as the parser numbers pages) to where it lies in the PDF."""

    def __init__(self, pdf: str | bytes, places: dict[int, Place]) -> None:
        self._pdf, self._places = pdf, places
        self._images: dict[int, tuple[Image.Image, float, float]] = {}

    def __call__(self, page: int, box: BBox, like: BBox) -> BBox | None:
        place = self._places.get(page)
        if place is None:
            return None
        image, skew, scale = self._image(place)
        _, dx, dy, _ = place
        pixels = tuple(round(v * scale) for v in (box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy))
        if pixels[2] - pixels[0] < 2 or pixels[3] - pixels[1] < 2:
            return None
        ink = np.asarray(deskewed_crop(image, skew, pixels)) < DARK  # type: ignore[arg-type]
        found = like_marker(ink, tuple(v * scale for v in like))  # type: ignore[arg-type]
        if found is None:
            return None
        x0, y0, x1, y1 = found
        return ((pixels[0] + x0) / scale - dx, (pixels[1] + y0) / scale - dy, (pixels[0] + x1) / scale - dx,
                (pixels[1] + y1) / scale - dy)  # fmt: skip

    def _image(self, place: Place) -> tuple[Image.Image, float, float]:
        number, _, _, (skew, rotation) = place
        if number not in self._images:
            pdf = pdfium.PdfDocument(self._pdf)
            try:
                page = pdf[number - 1]
                scale = render_dpi(*page.get_size(), LOOK_DPI) / 72
                image = whiten_paper(page.render(scale=scale, grayscale=True).to_pil().convert("L"))
            finally:
                pdf.close()
            self._images[number] = (image.rotate(-rotation, expand=True) if rotation else image), skew, scale
        return self._images[number]


def like_marker(ink: np.ndarray, like: BBox) -> tuple[int, int, int, int] | None:
    """The box (pixels of ``ink``) of a blob in ``ink`` (a line's height, the width where the column's markers
    stand) that is shaped like the sibling marker ``like`` (pixels; only its size counts): of ink in bands one above
    the other (a speck under the marker), the band with the most ink; as wide and high as the sibling within
    :data:`LIKE_WIDTH` and :data:`LIKE_HEIGHT`, with :data:`LIKE_INK` of its ink, centred in the line's height."""
    rows = np.flatnonzero(ink.any(axis=1))
    if len(rows) == 0:
        return None
    bands = np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1)
    band = max(bands, key=lambda b: int(ink[b[0] : b[-1] + 1].sum()))
    area = ink[band[0] : band[-1] + 1]
    cols = np.flatnonzero(area.any(axis=0))
    w, h = cols[-1] - cols[0] + 1, len(band)
    like_w, like_h = like[2] - like[0], like[3] - like[1]
    centre = (band[0] + band[-1] + 1) / 2 / ink.shape[0]
    if not LIKE_WIDTH[0] * like_w <= w <= LIKE_WIDTH[1] * like_w + SLACK_PX:
        return None
    if not LIKE_HEIGHT[0] * like_h - SLACK_PX <= h <= LIKE_HEIGHT[1] * like_h + SLACK_PX:
        return None
    if area.sum() < LIKE_INK * like_w * like_h or not MIDDLE[0] <= centre <= MIDDLE[1]:
        return None
    return int(cols[0]), int(band[0]), int(cols[-1] + 1), int(band[-1] + 1)
