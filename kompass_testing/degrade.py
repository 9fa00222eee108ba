"""Degraded scans of a born-digital PDF: what a scanner, a photocopier or a phone does to a printed report.

Each page is rendered with pypdfium2 at the scan's resolution, then spoiled in the ways real scans are: grey or
colour, tinted paper, sensor noise, a little blur, toner specks on a 1-bit copy, JPEG at a low quality, and a skew of
up to a few degrees that differs from page to page (a sheet fed crooked). PIL wraps the page images back into an
image-only PDF of the same page size, so the result has no text layer at all.

A :class:`Degradation` is data, so the scan matrix (:mod:`kompass_testing.scan_matrix`) can name and vary them;
everything is seeded from the degradation's name and the page number, so a scan is the same bytes every time.
"""

from __future__ import annotations

import hashlib
import os
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter


@dataclass(frozen=True)
class Degradation:
    """How to spoil the pages of one scan."""

    name: str
    dpi: int
    mode: str
    """"grey", "colour" (JPEG) or "bw" (1-bit, thresholded)."""
    jpeg_quality: int = 75
    max_skew: float = 0.0
    """Degrees; each page gets its own angle in [-max_skew, max_skew] (about a third of the pages stay straight)."""
    paper: tuple[int, int, int] = (255, 255, 255)
    """Colour of the paper (tinted, yellowed or a dark copy): white is multiplied by it, ink stays dark."""
    noise: float = 0.0
    """Standard deviation of Gaussian sensor noise, in grey levels."""
    blur: float = 0.0
    """Radius of a Gaussian blur (pixels at the scan's resolution): optics, or toner spread on a copy."""
    specks: int = 0
    """Toner specks per page (1-3 px dots and short smears), mostly away from the text."""
    threshold: int = 140
    """Grey level under which a pixel turns black on a 1-bit copy (lower: thinner, broken strokes)."""
    edge_band: float = 0.0
    """Millimetres of a copier's dark band along the left edge of the glass (widening down the page, as a sheet laid
    askew leaves it), and along the foot of every other page: the lid open or the sheet's own edge and shadow."""
    holes: int = 0
    """Punch holes in the left margin, drawn dark (a copy of a filed report with the lid open)."""
    turned: float = 0.0
    """Share of the pages fed turned by 90, 180 or 270 degrees (a copy made in a hurry, a landscape page)."""


DEGRADATIONS: dict[str, Degradation] = {
    d.name: d
    for d in (
        Degradation("grey-300", 300, "grey", max_skew=0.5, noise=4.0),
        Degradation("grey-200-skew", 200, "grey", max_skew=2.0, noise=6.0, blur=0.5),
        Degradation("grey-150", 150, "grey", max_skew=1.0, noise=5.0),
        Degradation("colour-jpeg50-200", 200, "colour", jpeg_quality=50, max_skew=1.0, paper=(250, 246, 235)),
        Degradation("bw-300-specks", 300, "bw", max_skew=1.5, noise=20.0, blur=0.7, specks=400),
        Degradation("bw-200", 200, "bw", max_skew=1.0, noise=12.0, blur=0.5, specks=120, threshold=120),
        Degradation("tinted-noise-200", 200, "grey", max_skew=2.0, paper=(236, 224, 190), noise=14.0, blur=0.6),
        Degradation("colour-jpeg50-150-tinted", 150, "colour", jpeg_quality=50, max_skew=2.0, paper=(238, 232, 214),
                    noise=8.0),
        Degradation("photocopy-200-edges", 200, "grey", max_skew=1.5, noise=6.0, blur=0.5, edge_band=4.0, holes=2,
                    turned=0.4),
    )
}  # fmt: skip


def page_skew(degradation: Degradation, page: int) -> float:
    """The angle (degrees, counter-clockwise) of one page of the scan: fixed for a degradation and page."""
    rng = random.Random(f"{degradation.name}/skew/{page}")
    if degradation.max_skew == 0 or rng.random() < 1 / 3:
        return 0.0
    return round(rng.uniform(-degradation.max_skew, degradation.max_skew), 2)


def page_turn(degradation: Degradation, page: int) -> int:
    """Degrees (counter-clockwise) one page of the scan was fed turned by: fixed for a degradation and page."""
    rng = random.Random(f"{degradation.name}/turn/{page}")
    return rng.choice((90, 180, 270)) if rng.random() < degradation.turned else 0


def degrade_page(image: Image.Image, degradation: Degradation, page: int) -> Image.Image:
    """Spoil one clean RGB page image (rendered at ``degradation.dpi``) as the degradation says."""
    rng = np.random.default_rng(int(hashlib.sha256(f"{degradation.name}/{page}".encode()).hexdigest()[:8], 16))
    angle = page_skew(degradation, page)
    if angle:
        image = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=(255, 255, 255))
    if degradation.blur:
        image = image.filter(ImageFilter.GaussianBlur(degradation.blur))
    pixels = np.asarray(image.convert("RGB")).astype(np.float32)
    pixels *= np.asarray(degradation.paper, np.float32) / 255.0
    if degradation.noise:
        pixels += rng.normal(0.0, degradation.noise, pixels.shape[:2])[..., None]
    if degradation.specks:
        _add_specks(pixels, degradation.specks, rng)
    if degradation.edge_band or degradation.holes:
        _add_copier_marks(pixels, degradation, page, rng)
    pixels = np.clip(pixels, 0, 255).astype(np.uint8)
    out = Image.fromarray(pixels, "RGB")
    turn = page_turn(degradation, page)
    if turn:
        out = out.rotate(turn, expand=True)
    if degradation.mode == "grey":
        return out.convert("L")
    if degradation.mode == "bw":
        return out.convert("L").point(lambda v: 255 if v >= degradation.threshold else 0).convert("1")
    return out


def _add_specks(pixels: np.ndarray, count: int, rng: np.random.Generator) -> None:
    """Dark dots of 1-3 pixels and a few short smears at random places, as a dirty photocopier drum leaves them."""
    height, width = pixels.shape[:2]
    for _ in range(count):
        y, x = int(rng.integers(0, height - 4)), int(rng.integers(0, width - 8))
        size = int(rng.integers(1, 4))
        length = size if rng.random() < 0.9 else int(rng.integers(4, 9))
        pixels[y : y + size, x : x + length] = rng.uniform(0, 70)


def _add_copier_marks(pixels: np.ndarray, degradation: Degradation, page: int, rng: np.random.Generator) -> None:
    """A copier's dark band along the left edge (and the foot of every other page) and punch holes in the margin."""
    height, width = pixels.shape[:2]
    per_mm = degradation.dpi / 25.4
    if degradation.edge_band:
        top, bottom = degradation.edge_band * per_mm, 1.5 * degradation.edge_band * per_mm
        reach = np.linspace(top, bottom, height).astype(int)  # widening down the page
        columns = np.arange(width)
        pixels[columns[None, :] < reach[:, None]] = rng.uniform(15, 60)
        if page % 2 == 0:
            pixels[height - int(degradation.edge_band * per_mm) :] = rng.uniform(15, 60)
    radius, x = int(3 * per_mm), int(12 * per_mm)
    ys, xs = np.ogrid[:height, :width]
    for k in range(degradation.holes):
        y = int(height * (k + 1) / (degradation.holes + 1))
        pixels[(ys - y) ** 2 + (xs - x) ** 2 <= radius**2] = 30.0


def degrade_pdf(src: str | Path, dest: str | Path, degradation: Degradation, *, pages: list[int] | None = None) -> Path:
    """Write an image-only PDF of the 1-based ``pages`` of ``src`` (all when None), each degraded."""
    pdf = pdfium.PdfDocument(str(src))
    images: list[Image.Image] = []
    try:
        for number in pages or range(1, len(pdf) + 1):
            clean = pdf[number - 1].render(scale=degradation.dpi / 72).to_pil().convert("RGB")
            images.append(degrade_page(clean, degradation, number))
    finally:
        pdf.close()
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(".tmp")
    jpeg = {} if degradation.mode == "bw" else {"quality": degradation.jpeg_quality}  # 1-bit pages go as CCITT G4
    images[0].save(
        tmp, format="PDF", save_all=True, append_images=images[1:], resolution=float(degradation.dpi), **jpeg
    )
    os.replace(tmp, dest)
    return dest


def partly_scanned_pdf(src: str | Path, dest: str | Path, degradation: Degradation, pages: list[int]) -> Path:
    """``src`` with the 1-based ``pages`` replaced by their degraded scans (a report with a few pages scanned in,
    or a cheap sample of a scan: only those pages are OCR'd, the rest keep their text layer)."""
    scanned = pdfium.PdfDocument(degrade_pdf(src, Path(dest).with_suffix(".pages.pdf"), degradation, pages=pages))
    original = pdfium.PdfDocument(str(src))
    out = pdfium.PdfDocument.new()
    try:
        for number in range(1, len(original) + 1):
            if number in pages:
                out.import_pages(scanned, [pages.index(number)])
            else:
                out.import_pages(original, [number - 1])
        out.save(str(dest))
    finally:
        for pdf in (out, original, scanned):
            pdf.close()
    Path(dest).with_suffix(".pages.pdf").unlink()
    return Path(dest)


def cached_degraded_pdf(
    src: str | Path,
    degradation: Degradation,
    cache_dir: str | Path,
    *,
    pages: list[int] | None = None,
    only: list[int] | None = None,
) -> Path:
    """The degraded scan of ``src`` (of its ``pages``; or the whole file with only the pages ``only`` scanned),
    built once per source content, degradation and page selection."""
    digest = hashlib.sha256(Path(src).read_bytes()).hexdigest()[:16]
    key = (degradation, pages) if only is None else (degradation, pages, only)
    variant = hashlib.sha256(repr(key).encode()).hexdigest()[:8]
    dest = Path(cache_dir) / f"{digest}-{degradation.name}-{variant}.pdf"
    if not dest.exists():
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
        if only:
            partly_scanned_pdf(src, dest, degradation, only)
        else:
            degrade_pdf(src, dest, degradation, pages=pages)
    return dest
