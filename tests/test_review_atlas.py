"""The review site's image of crops: packing regions into one image, and the PNG it is written as."""

from __future__ import annotations

import io
import random
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from kompass_extract.review import atlas
from kompass_extract.review.atlas import pack
from kompass_extract.review.png import encode_grey_png, levels_of, read_png_text


def overlaps(a: tuple[int, int, int, int], b: tuple[int, int, int, int], gap: int) -> bool:
    """Whether two boxes (x, y, w, h) come closer than ``gap`` pixels on both axes."""
    return (
        a[0] < b[0] + b[2] + gap and b[0] < a[0] + a[2] + gap and a[1] < b[1] + b[3] + gap and b[1] < a[1] + a[3] + gap
    )


def test_packed_crops_lie_inside_the_image_apart_from_each_other():
    rng = random.Random(7)
    sizes = [(rng.randint(40, 900), rng.randint(10, 80)) for _ in range(150)]
    corners, width, height = pack(sizes, gap=2)
    boxes = [(x, y, w, h) for (x, y), (w, h) in zip(corners, sizes, strict=True)]
    assert all(x >= 0 and y >= 0 and x + w <= width and y + h <= height for x, y, w, h in boxes)
    assert not any(overlaps(a, b, 2) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    assert width == max(w for w, _ in sizes)  # rows as wide as the widest crop
    assert height < 1.6 * sum((w + 2) * (h + 2) for w, h in sizes) / width  # rows are filled, not one per crop


def test_many_crops_widen_the_rows_instead_of_growing_past_the_height_limit(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(atlas, "MAX_HEIGHT", 1000)
    sizes = [(300, 50)] * 200  # 200 x 52 x 302 px: one column would be 10,400 px tall
    corners, width, height = pack(sizes, gap=2)
    assert height <= 1100 and width > 300
    assert len(set(corners)) == 200


@pytest.mark.parametrize("greys", [2, 4, 16])
@pytest.mark.parametrize("width", [1, 7, 8, 13, 800])
def test_grey_png_holds_the_levels_of_the_image_and_its_text(tmp_path: Path, greys: int, width: int):
    """Every pixel comes back as its level (odd widths pad the last byte of a row; the padding is not image)."""
    rng = np.random.default_rng(width)
    image = rng.integers(0, 256, size=(9, width), dtype=np.uint8)
    data = encode_grey_png(image, greys, {"kompass-extract crops": '{"a": [1, 2.5]}'})
    with Image.open(io.BytesIO(data)) as decoded:
        assert decoded.mode == "P" and decoded.size == (width, 9)
        assert np.array_equal(np.asarray(decoded), levels_of(image, greys))
        palette = decoded.getpalette()[: 3 * greys]
    assert palette[0] == 0 and palette[-1] == 255  # ink black, paper white
    path = tmp_path / "a.png"
    path.write_bytes(data)
    assert read_png_text(path, "kompass-extract crops") == '{"a": [1, 2.5]}'
    assert read_png_text(path, "other") is None


def test_read_png_text_of_a_missing_or_foreign_file_is_none(tmp_path: Path):
    assert read_png_text(tmp_path / "missing.png", "k") is None
    (tmp_path / "x.png").write_bytes(b"GIF89a" + bytes(40))
    assert read_png_text(tmp_path / "x.png", "k") is None


def test_levels_split_the_greys_evenly():
    assert list(levels_of(np.array([0, 127, 128, 255], dtype=np.uint8), 2)) == [0, 0, 1, 1]
    assert list(levels_of(np.array([0, 63, 64, 191, 192, 255], dtype=np.uint8), 4)) == [0, 0, 1, 2, 3, 3]
    with pytest.raises(ValueError, match="greys must be one of"):
        encode_grey_png(np.zeros((2, 2), dtype=np.uint8), 3)
