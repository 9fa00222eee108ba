"""Make an image-only PDF ("a scan") from a born-digital PDF, for the OCR tests.

Each page (or each of the chosen pages) is rendered in grey at ``dpi`` and alternate pages are rotated by a small angle, like a sheet fed a little
crooked through a scanner. PIL writes the pages as JPEG images into a new PDF of the same page size, so the result has
no text layer at all. The file is cached in a folder the caller gives (a pytest temporary folder: nothing is written
into the checkout) keyed by the source's hash and the parameters, so a test session builds it only once.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

SKEWS = (1.0, -1.2)
"""Degrees (counter-clockwise) applied in turn to the 2nd, 4th, 6th ... page; odd pages stay straight."""


def skew_for(index: int) -> float:
    """The rotation given to the page at 0-based ``index`` of the scan."""
    return 0.0 if index % 2 == 0 else SKEWS[(index // 2) % len(SKEWS)]


def make_scan_pdf(src: str | Path, dest: str | Path, *, pages: list[int] | None = None, dpi: int = 200) -> Path:
    """Render the 1-based ``pages`` of ``src`` (all when None) to grey images, every other one skewed, into a PDF."""
    pdf = pdfium.PdfDocument(str(src))
    images: list[Image.Image] = []
    try:
        for index, number in enumerate(pages or range(1, len(pdf) + 1)):
            image = pdf[number - 1].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            angle = skew_for(index)
            if angle:
                image = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
            images.append(image)
    finally:
        pdf.close()
    dest = Path(dest)
    tmp = dest.with_suffix(".tmp")
    images[0].save(tmp, format="PDF", save_all=True, append_images=images[1:], resolution=float(dpi))
    os.replace(tmp, dest)
    return dest


def cached_scan_pdf(src: str | Path, cache_dir: Path, *, pages: list[int] | None = None, dpi: int = 200) -> Path:
    """The scan of ``src`` (or of some of its pages), built once and reused while source and parameters are unchanged."""
    digest = hashlib.sha256(Path(src).read_bytes()).hexdigest()[:16]
    variant = hashlib.sha256(repr((pages, dpi, SKEWS)).encode()).hexdigest()[:8]
    dest = cache_dir / f"scan-{digest}-{variant}.pdf"
    if not dest.exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        make_scan_pdf(src, dest, pages=pages, dpi=dpi)
    return dest


def text_crop(share: int = 3) -> Image.Image:
    """The top ``1/share`` of page 2 of the Luleå report at 200 dpi: headings and prose, a quick read (~0.7 s CPU for
    a third)."""
    pdf = pdfium.PdfDocument(str(Path(__file__).parent.parent / "fixtures" / "lulea-2018" / "report.pdf"))
    try:
        page = pdf[1].render(scale=200 / 72, grayscale=True).to_pil().convert("L")
    finally:
        pdf.close()
    return page.crop((0, 0, page.width, page.height // share))
