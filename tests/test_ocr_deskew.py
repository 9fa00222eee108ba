"""Deskew turns ink bicubic and blank paper by the nearest pixel: what Tesseract reads is unchanged, the cost follows
the ink (issue 18: OCR <= 1.2x bare Tesseract; the whole-page bicubic turn was the largest cost after Tesseract)."""

from __future__ import annotations

import time

import numpy as np
from PIL import Image, ImageDraw

from kompass_extract.read.ocr.image import DARK, INKED, deskew


def _page(width: int = 1240, height: int = 1754, *, ink: bool = True) -> Image.Image:
    """A grey page: paper grain between 215 and 255, dark text-like bars, one lone dark pixel, a dark scanner edge."""
    rng = np.random.default_rng(11)
    page = Image.fromarray(rng.integers(215, 256, (height, width), dtype=np.uint8))
    if ink:
        draw = ImageDraw.Draw(page)
        for row in range(12):
            y = 200 + row * 40
            for x in range(150, 900, 90):
                draw.rectangle((x, y, x + 60, y + 14), fill=25)
        draw.line((100, 900, 1100, 900), fill=10, width=3)  # a table rule
        page.putpixel((700, 1300), 120)  # alone in its 16 x 16 block
        draw.rectangle((0, 0, 6, height - 1), fill=40)  # the scanner's dark edge
    return page


def _turned(page: Image.Image, angle: float, resample: Image.Resampling) -> np.ndarray:
    return np.asarray(page.rotate(-angle, resample=resample, fillcolor=255)).astype(int)


def test_deskew_turns_ink_bicubic_and_paper_by_the_nearest_pixel() -> None:
    """Every pixel the bicubic turn makes ink (darker than :data:`DARK`: text, rule, edge and a lone dark pixel with
    the ring the interpolation draws around them) is exactly the bicubic one; every pixel is the bicubic or the
    nearest one, and the blank paper the nearest (the old deskew turned the whole page bicubic). Paper grain alone
    can ring a little under :data:`INKED` (197 from 215-255), never under :data:`DARK`."""
    for angle in (-2.3, 0.45, 1.7):
        page = _page()
        bicubic, nearest = (
            _turned(page, angle, Image.Resampling.BICUBIC),
            _turned(page, angle, Image.Resampling.NEAREST),
        )
        result = np.asarray(deskew(page, angle)).astype(int)
        inked = bicubic < DARK
        assert np.array_equal(result[inked], bicubic[inked]), angle
        assert (result[inked] < 100).sum() > 5000  # the text bars, the rule and the edge are there
        assert ((result == bicubic) | (result == nearest)).all(), angle
        paper = result != bicubic
        assert paper.mean() > 0.3, angle  # the blank paper was not turned bicubic
        assert (result[paper] >= INKED).all()


def test_deskew_a_lone_dark_pixel_keeps_its_bicubic_neighbourhood() -> None:
    """A single dark pixel in an otherwise paper block marks the block as ink: its 5 x 5 neighbourhood in the turned
    page is the bicubic one."""
    page = Image.new("L", (400, 300), 250)
    page.putpixel((203, 141), 0)
    angle = 1.2
    bicubic = _turned(page, angle, Image.Resampling.BICUBIC)
    result = np.asarray(deskew(page, angle)).astype(int)
    y, x = np.unravel_index(np.argmin(bicubic), bicubic.shape)
    assert bicubic[y, x] < 150
    assert np.array_equal(result[y - 2 : y + 3, x - 2 : x + 3], bicubic[y - 2 : y + 3, x - 2 : x + 3])


def test_deskew_of_a_mostly_blank_page_costs_a_fraction_of_a_bicubic_turn() -> None:
    """A 300 dpi page with a few lines of text: the turn costs well under half of turning the whole page bicubic
    (measured 0.02-0.07 s against 0.21 s on report pages; CPU time, best of three)."""
    page = _page(2480, 3508, ink=False)
    draw = ImageDraw.Draw(page)
    for row in range(8):
        draw.rectangle((300, 400 + row * 60, 2100, 420 + row * 60), fill=30)

    def cpu(work) -> float:
        best = float("inf")
        for _ in range(3):
            start = time.process_time()
            work()
            best = min(best, time.process_time() - start)
        return best

    whole = cpu(lambda: page.rotate(-1.1, resample=Image.Resampling.BICUBIC, fillcolor=255))
    assert cpu(lambda: deskew(page, 1.1)) < 0.5 * whole
