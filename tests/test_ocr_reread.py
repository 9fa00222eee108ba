"""The cell re-read's image preparation (no Tesseract run): table rules go, digits stay, broken strokes join."""

from __future__ import annotations

import numpy as np
from PIL import Image

from kompass_extract.read.ocr.image import DARK
from kompass_extract.read.ocr.reread import _closed, _without_rules


def crop_with(stem_rows: slice, rule_column: int | None = None, height: int = 36) -> Image.Image:
    """A crop as the re-read cuts it: the cell box is the digits' own, padded by a quarter above and below, so a
    digit's stem spans two thirds of the height; a table rule runs the whole height."""
    pixels = np.full((height, 100), 255, np.uint8)
    pixels[stem_rows, 40:43] = 0
    if rule_column is not None:
        pixels[:, rule_column] = 0
    return Image.fromarray(pixels)


def ink_columns(image: Image.Image) -> set[int]:
    return set(np.flatnonzero((np.asarray(image) < DARK).any(axis=0)).tolist())


def test_a_digit_stem_is_kept_and_a_table_rule_removed() -> None:
    """Regression: columns were removed from 60 % ink, and the stem of a '1' in a cell box of its own height
    (two thirds of the crop) went with the rules: '15' re-read as '5'."""
    cleaned = _without_rules(crop_with(slice(6, 30), rule_column=90))
    assert ink_columns(cleaned) == {40, 41, 42}


def test_a_dotted_stem_of_a_one_bit_copy_is_closed() -> None:
    """A thin '1' on a 1-bit copy is a dotted line: closing along the columns (reach relative to the crop's height)
    joins the dots into one stroke."""
    pixels = np.full((72, 100), 255, np.uint8)
    for top in range(12, 60, 6):
        pixels[top : top + 3, 40:43] = 0
    closed = np.asarray(_closed(Image.fromarray(pixels)))[:, 41]
    assert (closed[14:54] < DARK).all()
    assert (closed[:8] >= DARK).all() and (closed[66:] >= DARK).all()
