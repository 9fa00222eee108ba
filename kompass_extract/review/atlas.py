"""One image per report holding the crop of every value, and where in it each crop sits.

A report's ~200 crops used to be ~200 PNG files: at archive scale the build's time went to creating files and
to the fixed cost of each PNG, not to pixels. Now each crop is rendered by pdfium straight into its place in
one grey image per report (no page is rendered beyond its crops), which is reduced to 2 or 4 greys and written
once (:mod:`kompass_extract.review.png`); the page shows each value as a region of it. The image is named by
the hash of what it shows (PDF SHA-256, every region, scale, margin, greys), so a rebuild renders only reports
that are new or changed, and two reports of one PDF share it. Its layout travels inside the PNG.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kompass_extract.review.crops import CropRequest, crop_pixels
from kompass_extract.review.png import encode_grey_png, read_png_text

ATLAS_FORMAT = "atlas-v1"
"""Part of every image's hash: a change of how images are made must not reuse images made the old way."""
LAYOUT_KEY = "kompass-extract crops"
GAP = 2
"""Pixels of paper between crops: a browser scaling a crop samples a pixel or two beyond its edge."""
MAX_HEIGHT = 8192
"""Image height beyond which the rows get wider instead: some browsers refuse images over 16,384 pixels."""


@dataclass(frozen=True)
class Region:
    """Where a crop sits in its report's image, in pixels."""

    x: int
    y: int
    width: int
    height: int


@dataclass
class Atlas:
    """A report's image (``name`` relative to the crops folder), its size in pixels, and each crop in it."""

    name: str
    width: int
    height: int
    regions: dict[CropRequest, Region]


def atlas_name(
    pdf_sha256: str, requests: Sequence[CropRequest], scale: float, margin: tuple[float, float], greys: int
) -> str:
    """The image of these crops, named by the hash of what it shows: '<2 hex>/<24 hex>.png'."""
    parts = [ATLAS_FORMAT, str(greys), pdf_sha256, f"{scale:g}", f"{margin[0]:g},{margin[1]:g}"]
    parts += [f"{r.page}:" + ",".join(f"{v:.1f}" for v in r.bbox) for r in requests]
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]
    return f"{digest[:2]}/{digest}.png"


def pack(sizes: Sequence[tuple[int, int]], gap: int = GAP) -> tuple[list[tuple[int, int]], int, int]:
    """Top-left corners for boxes of ``sizes`` (width, height) in rows, tallest first, and the image's size.

    Rows are as wide as the widest box (a table row spans the table; findings and headings fill in beside
    each other), wider if the image would otherwise grow taller than :data:`MAX_HEIGHT`.
    """
    if not sizes:
        return [], 1, 1
    area = sum((w + gap) * (h + gap) for w, h in sizes)
    width = max(max(w for w, _ in sizes), math.ceil(area / MAX_HEIGHT))
    corners: list[tuple[int, int]] = [(0, 0)] * len(sizes)
    x = y = row_height = 0
    for i in sorted(range(len(sizes)), key=lambda i: (-sizes[i][1], i)):
        w, h = sizes[i]
        if x and x + w > width:
            x, y, row_height = 0, y + row_height + gap, 0
        corners[i] = (x, y)
        x += w + gap
        row_height = max(row_height, h)
    return corners, width, y + row_height


def render_atlas(
    pdf_path: Path, requests: Sequence[CropRequest], scale: float, margin: tuple[float, float]
) -> tuple[np.ndarray, dict[CropRequest, Region]]:
    """The grey image of every request's crop and where each is; requests on pages the PDF lacks are left out.

    Each crop is rendered by pdfium into its place in the image (a bitmap over the image's own memory), so
    only the pixels shown are drawn and nothing is copied. The page's own rotation is applied as when viewing.
    """
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        pages = len(pdf)
        kept = [r for r in requests if 1 <= r.page <= pages]
        full: dict[int, tuple[int, int]] = {}
        for page_no in sorted({r.page for r in kept}):
            width, height = pdf.get_page_size(page_no - 1)  # without loading the page
            full[page_no] = (round(width * scale), round(height * scale))
        boxes = [crop_pixels(r.bbox, *full[r.page], scale=scale, margin=margin) for r in kept]
        corners, width, height = pack([(x1 - x0, y1 - y0) for x0, y0, x1, y1 in boxes])
        image = np.full((height, width), 255, dtype=np.uint8)
        base = image.ctypes.data
        flags = pdfium_c.FPDF_ANNOT | pdfium_c.FPDF_GRAYSCALE
        by_page: dict[int, list[int]] = {}
        for i, r in enumerate(kept):
            by_page.setdefault(r.page, []).append(i)
        for page_no, indices in sorted(by_page.items()):
            page = pdf[page_no - 1]
            try:
                for i in indices:
                    (left, top, right, bottom), (x, y) = boxes[i], corners[i]
                    bitmap = pdfium_c.FPDFBitmap_CreateEx(
                        right - left, bottom - top, pdfium_c.FPDFBitmap_Gray, ctypes.c_void_p(base + y * width + x), width
                    )  # fmt: skip
                    try:
                        pdfium_c.FPDF_RenderPageBitmap(bitmap, page, -left, -top, *full[page_no], 0, flags)
                    finally:
                        pdfium_c.FPDFBitmap_Destroy(bitmap)
            finally:
                page.close()
    finally:
        pdf.close()
    regions = {
        r: Region(x, y, right - left, bottom - top)
        for r, (x, y), (left, top, right, bottom) in zip(kept, corners, boxes, strict=True)
    }
    return image, regions


def make_atlas(
    pdf_path: Path,
    name: str,
    requests: Sequence[CropRequest],
    crops_dir: Path,
    *,
    scale: float,
    margin: tuple[float, float],
    greys: int,
) -> Atlas:
    """Render the image of ``requests`` and write it as ``crops_dir/name`` (under a temporary name, then
    renamed: an interrupted build leaves no half file, and two workers making one image do not collide)."""
    image, regions = render_atlas(pdf_path, requests, scale, margin)
    crops = [[r.page, *r.bbox, g.x, g.y, g.width, g.height] for r, g in regions.items()]
    layout = {"width": image.shape[1], "height": image.shape[0], "crops": crops}
    data = encode_grey_png(image, greys, {LAYOUT_KEY: json.dumps(layout, separators=(",", ":"))})
    path = crops_dir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return Atlas(name, image.shape[1], image.shape[0], regions)


def read_atlas(crops_dir: Path, name: str) -> Atlas | None:
    """The image made by an earlier build and its layout, read from the PNG's header; None when it is missing
    or unreadable (then it is made again)."""
    text = read_png_text(crops_dir / name, LAYOUT_KEY)
    if text is None:
        return None
    try:
        layout = json.loads(text)
        regions = {
            CropRequest(int(p), (x0, top, x1, bottom)): Region(x, y, w, h)
            for p, x0, top, x1, bottom, x, y, w, h in layout["crops"]
        }
        return Atlas(name, int(layout["width"]), int(layout["height"]), regions)
    except (ValueError, TypeError, KeyError):
        return None
