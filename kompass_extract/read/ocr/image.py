"""Image clean-up before OCR: skew estimation, deskewing and removal of table rules.

Both steps are plain numpy on a grey page image (0 = black, 255 = white) and take well under a second per A4 page
at 300 dpi, so they run on every OCR'd page.

*Skew* is found with a projection-profile search: dark pixels of a downscaled copy are projected onto the vertical
axis of a frame rotated by each candidate angle, and the angle whose profile is most peaked (largest sum of squared
row counts) wins — text lines and table rules then fall into as few rows as possible. A coarse pass over
±``max_angle`` degrees is refined around its best angle. Tesseract's OSD was not used: it reports only multiples of
90 degrees, not small skews.

*Table rules* (long horizontal and vertical runs of dark pixels) are painted white before OCR: Tesseract reads
ruled table cells as one block, drops rows and turns the rules into "|", "]" and "_" characters; with the rules gone,
the cells of a row come out as one line with their words in place, which is what the table parser needs.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image

DARK = 160
"""Grey level below which a pixel counts as ink."""


def grey(image: Image.Image) -> Image.Image:
    """``image`` in grey: itself when it is (no copy of a page's 9 million pixels)."""
    return image if image.mode == "L" else image.convert("L")


def estimate_skew(image: Image.Image, *, max_angle: float = 6.0, work_width: int = 1200) -> float:
    """The angle in degrees by which the page content is rotated counter-clockwise (0.0 for a straight page)."""
    small = grey(image)
    factor = min(1.0, work_width / small.width)
    if factor < 1.0:
        small = small.resize((round(small.width * factor), round(small.height * factor)), Image.Resampling.BOX)
    ys, xs = np.nonzero(np.asarray(small) < DARK)
    if len(xs) < 50:
        return 0.0
    xs = xs.astype(np.float64) - small.width / 2
    ys = ys.astype(np.float64)
    along = np.empty_like(xs)  # one buffer for the ~70 angles tried

    def score(angle: float) -> float:
        # A line rotated counter-clockwise by `angle` rises to the right: y + x*tan(angle) is constant along it.
        np.multiply(xs, np.tan(np.radians(angle)), out=along)
        np.add(ys, along, out=along)
        rows = np.rint(along, out=along).astype(np.int64)  # np.round to 0 decimals is np.rint
        rows -= rows.min()
        counts = np.bincount(rows)
        return float(np.dot(counts, counts))

    best = 0.0
    for step, span in ((0.25, max_angle), (0.05, 0.25), (0.01, 0.05)):
        candidates = np.arange(best - span, best + span + step / 2, step)
        best = float(max(candidates, key=score))
    return round(best, 2)


INKED = 200
"""Grey level under which a pixel may be ink (or its anti-aliased edge) for :func:`deskew`: only paper, whitened by
:func:`whiten_paper`, lies above it. High enough that a bicubic turn of pixels all above it stays above :data:`DARK`
(its weights overshoot: 1.625 x 200 - 0.625 x 255 = 166 at worst), i.e. paper turned either way is never ink."""
TILE = 16
"""Side in pixels of the squares :func:`deskew` turns exactly where they hold ink (at most 16: see
:func:`_inked_boxes`). Smaller squares fit the ink closer but cost more calls: 16 was the fastest of 8-64."""
_INK_LUT = [255 if level < INKED else 0 for level in range(256)]


def deskew(image: Image.Image, angle: float) -> Image.Image:
    """Rotate ``image`` back by ``angle`` degrees about its centre, keeping its size (corners filled white).

    Ink is turned with bicubic interpolation, paper with the nearest pixel: every :data:`TILE` square of the result
    whose source (with the interpolation's reach) holds a pixel under :data:`INKED` gets exactly the pixels of a
    bicubic turn of the whole page, every other one is paper and gets the nearest source pixel, which is paper too.
    Bicubic costs 20-30 ns a pixel (0.2 s a 300 dpi page); a report page is mostly paper (ink in 15-40% of the
    squares), so this costs a third of that. Text, rules and the ink's edges, i.e. all Tesseract reads, are as
    bicubic made them; only the grain of blank paper differs.
    """
    if abs(angle) < 0.1:
        return image
    page = grey(image)
    turned = page.rotate(-angle, resample=Image.Resampling.NEAREST, fillcolor=255)
    for box in _inked_boxes(page, angle):
        turned.paste(_turned_part(page, angle, box), box[:2])
    return turned


def _turn_matrix(size: tuple[int, int], angle: float) -> tuple[float, ...]:
    """The map from a pixel of ``deskew``'s result back to the page: ``Image.rotate(-angle)``'s matrix, rounded as
    Pillow rounds it."""
    width, height = size
    turn = math.radians(angle)
    a, b = round(math.cos(turn), 15), round(math.sin(turn), 15)
    d, e = round(-math.sin(turn), 15), round(math.cos(turn), 15)
    return a, b, a * -width / 2 + b * -height / 2 + width / 2, d, e, d * -width / 2 + e * -height / 2 + height / 2


def _turned_part(page: Image.Image, angle: float, box: tuple[int, int, int, int]) -> Image.Image:
    """The pixels of ``box`` (inside the page) of the page turned bicubic as a whole: the affine map shifted by the
    box's corner (the same pixels: checked on random grey pages, see the tests)."""
    a, b, c, d, e, f = _turn_matrix(page.size, angle)
    x0, y0, x1, y1 = box
    shifted = (a, b, a * x0 + b * y0 + c, d, e, d * x0 + e * y0 + f)
    return page.transform((x1 - x0, y1 - y0), Image.Transform.AFFINE, shifted, Image.Resampling.BICUBIC, fillcolor=255)


REACH = 3
"""Pixels around a point mapped back to the page that can change its turned value: bicubic reads 2 to each side;
one more for the rounding of the map."""


def _inked_boxes(page: Image.Image, angle: float) -> list[tuple[int, int, int, int]]:
    """Boxes of the turned page that need turning exactly: runs of :data:`TILE` squares in a row whose source holds
    ink. The page's ink is looked up per :data:`TILE` block, the source of a square as the box around its corners
    mapped back, widened by :data:`REACH`."""
    width, height = page.size
    # ink as 255, averaged per block: one inked pixel of 16 x 16 is 255/256, which Pillow rounds to 1
    blocks = np.asarray(page.point(_INK_LUT).reduce(TILE)) > 0
    inked = np.zeros((blocks.shape[0] + 1, blocks.shape[1] + 1), np.int32)  # inked blocks, summed over rectangles
    inked[1:, 1:] = blocks.cumsum(axis=0).cumsum(axis=1)
    xs, ys = np.arange(0, width, TILE), np.arange(0, height, TILE)
    left, top = np.meshgrid(xs, ys)
    right, bottom = np.minimum(left + TILE, width), np.minimum(top + TILE, height)
    a, b, c, d, e, f = _turn_matrix(page.size, angle)
    corners = [(x, y) for x in (left, right) for y in (top, bottom)]
    src_x = [a * x + b * y + c for x, y in corners]
    src_y = [d * x + e * y + f for x, y in corners]
    c0, c1 = _block_span(np.minimum.reduce(src_x), np.maximum.reduce(src_x), blocks.shape[1])
    r0, r1 = _block_span(np.minimum.reduce(src_y), np.maximum.reduce(src_y), blocks.shape[0])
    ink = (inked[r1, c1] - inked[r0, c1] - inked[r1, c0] + inked[r0, c0]) > 0
    boxes = []
    for row in np.flatnonzero(ink.any(axis=1)):
        marks = np.diff(np.concatenate(([0], ink[row].view(np.int8), [0])))
        for start, stop in zip(np.flatnonzero(marks == 1), np.flatnonzero(marks == -1), strict=True):
            y0 = int(ys[row])
            boxes.append((start * TILE, y0, min(stop * TILE, width), min(y0 + TILE, height)))
    return boxes


def _block_span(low: np.ndarray, high: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """The first and past-the-last :data:`TILE` blocks (of ``count``) that pixels ``low`` to ``high`` with
    :data:`REACH` around them touch."""
    first = np.clip(np.floor((low - REACH) / TILE), 0, count).astype(np.int64)
    return first, np.clip(np.floor((high + REACH) / TILE) + 1, 0, count).astype(np.int64)


def deskewed_crop(image: Image.Image, angle: float, box: tuple[int, int, int, int]) -> Image.Image:
    """``deskew(image, angle).crop(box)`` where ``box`` holds ink, without turning the whole page: only the box is
    computed, bicubic (a few cells of a page re-read cost 0.2 s of bicubic rotation per 300 dpi page otherwise).

    Beyond the page, the box is black, as ``crop`` pads it.
    """
    if abs(angle) < 0.1:
        return image.crop(box)
    width, height = image.size
    x0, y0, x1, y1 = box
    inside = max(x0, 0), max(y0, 0), min(x1, width), min(y1, height)
    out = Image.new("L", (x1 - x0, y1 - y0), 0)
    if inside[2] > inside[0] and inside[3] > inside[1]:
        out.paste(_turned_part(grey(image), angle, inside), (inside[0] - x0, inside[1] - y0))
    return out


PAPER_PERCENTILE = 90
"""Grey level of the paper: most of a page is paper, so a high percentile of its pixels is the paper's tone."""


def whiten_paper(image: Image.Image) -> Image.Image:
    """Stretch the grey levels so that the paper is white: tinted, yellowed or dark-photocopied paper would
    otherwise fall under :data:`DARK` and count as ink everywhere."""
    page = grey(image)
    paper = _percentile(np.array(page.histogram(), dtype=np.int64), PAPER_PERCENTILE)  # 5x np.bincount's speed
    if paper >= 245 or paper <= DARK / 2:
        return page
    lut = np.clip(np.arange(256, dtype=np.float32) * (255.0 / paper), 0, 255).astype(np.uint8)
    return page.point(lut.tolist())  # a lookup table: the same levels as scaling every pixel, at a tenth of the cost


def _percentile(counts: np.ndarray, q: float) -> float:
    """``np.percentile(pixels, q)`` (linear interpolation) from the pixels' histogram, without sorting them."""
    position = q / 100 * (counts.sum() - 1)
    below = int(position)
    cumulative = np.cumsum(counts)
    low = int(np.searchsorted(cumulative, below, side="right"))
    high = int(np.searchsorted(cumulative, below + 1, side="right"))
    return low + (high - low) * (position - below)


def remove_rules(
    image: Image.Image, *, min_fraction_h: float = 1 / 12, min_fraction_v: float = 1 / 50, max_width_v: float = 1 / 400
) -> Image.Image:
    """Paint table rules white: long straight ink runs, horizontal or vertical (at 300 dpi: 50 pt and 17 pt).

    A vertical run only counts when it is thin (no ink ``max_width_v`` of the page width to either side, apart from
    the horizontal rules it crosses), so the stems of large headline letters survive while the short vertical rules
    of a one-row table fragment go.
    """
    pixels = np.asarray(grey(image))
    ink = pixels < DARK
    horizontal = _long_runs(ink, max(2, int(pixels.shape[1] * min_fraction_h)))
    beside = ink & ~_grow(horizontal, 2)
    w = max(2, int(pixels.shape[1] * max_width_v))
    thin = ink.copy()
    thin[:, w:] &= ~beside[:, :-w]
    thin[:, :-w] &= ~beside[:, w:]
    rules = horizontal | _long_runs(thin, max(2, int(pixels.shape[0] * min_fraction_v)), vertical=True)
    if not rules.any():
        return image
    cleaned = pixels.copy()
    cleaned[_grow(rules, 2)] = 255  # the anti-aliased edge of a rule is ink too
    return Image.fromarray(cleaned)


def _grow(mask: np.ndarray, by: int) -> np.ndarray:
    """``mask`` dilated by ``by`` pixels horizontally and vertically."""
    grown = mask.copy()
    for shift in range(1, by + 1):
        grown[shift:] |= mask[:-shift]
        grown[:-shift] |= mask[shift:]
        grown[:, shift:] |= mask[:, :-shift]
        grown[:, :-shift] |= mask[:, shift:]
    return grown


def _long_runs(mask: np.ndarray, length: int, *, vertical: bool = False) -> np.ndarray:
    """Pixels of ``mask`` on a horizontal (or vertical) run of at least ``length`` True values.

    Exactly :func:`_runs`, computed only on the rows (columns) that can hold such a run: a run of ``length`` or more
    covers a whole block of ``length // 2`` aligned on a multiple of that, and finding the lines with one full block
    is one cheap reduction. On a page, rules cross a few dozen lines out of thousands: 4-50x faster than
    :func:`_runs` on the whole page.
    """
    block = max(1, length // 2)
    size = mask.shape[0 if vertical else 1]
    found = np.zeros_like(mask)
    if size < length:
        return found
    usable = size // block * block
    if vertical:
        lines = np.flatnonzero(mask[:usable].reshape(-1, block, mask.shape[1]).all(axis=1).any(axis=0))
        if len(lines):
            found[:, lines] = _runs(mask[:, lines].T, length).T
    else:
        lines = np.flatnonzero(mask[:, :usable].reshape(mask.shape[0], -1, block).all(axis=2).any(axis=1))
        if len(lines):
            found[lines] = _runs(mask[lines], length)
    return found


def _runs(mask: np.ndarray, length: int) -> np.ndarray:
    """Pixels of ``mask`` that belong to a horizontal run of at least ``length`` True values."""
    rows, cols = mask.shape
    total = np.zeros((rows, cols + 1), np.int32)
    np.cumsum(mask, axis=1, out=total[:, 1:])
    full = (total[:, length:] - total[:, :-length]) == length  # window starting at column j is all ink
    padded = np.pad(full, ((0, 0), (length - 1, length - 1)))
    covered = np.zeros((rows, padded.shape[1] + 1), np.int32)
    np.cumsum(padded, axis=1, out=covered[:, 1:])
    return (covered[:, length:] - covered[:, :-length]) > 0


def is_bullet(image: Image.Image, box: tuple[int, int, int, int], line_height: float) -> bool:
    """True when the ink in ``box`` is one solid, roughly square blob a sixth to a half of the line height across.

    That is a list bullet ("•", "▪"), which Tesseract drops or reads as "e", "«" or "o"; a full stop is smaller,
    and letters are hollow or not square.
    """
    ink = np.asarray(grey(image.crop(box))) < DARK
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if len(rows) == 0:
        return False
    height, width = rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1
    fill = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1].mean()
    return line_height / 6 <= height <= line_height / 2 and 0.7 <= width / height <= 1.4 and fill >= 0.6
