"""Crop the region of a PDF page a value was read from, so a person can compare it with the number.

Each page is rendered once (pdfium) and every region of that page is cut from the same bitmap.
Crops come from the PDF the report was extracted from, or none at all: a file at the recorded path
whose SHA-256 differs would show the wrong spot, so it is refused with a reason.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kompass_extract.common.files import file_sha256
from kompass_extract.model import BBox

DEFAULT_SCALE = 2.0
"""Pixels per PDF point; 2 keeps 9-point table text sharp on a high-density screen."""
DEFAULT_MARGIN = (6.0, 2.0)
"""Points of context (horizontal, vertical) around a bbox: enough to show the row's edges, too little
to show half of the next row (table rows are often only 4-5 points apart)."""


@dataclass(frozen=True)
class CropRequest:
    """One region to cut: ``page`` is 1-based, ``bbox`` in points from the top-left; ``name`` the PNG file name."""

    name: str
    page: int
    bbox: BBox


@dataclass(frozen=True)
class Crop:
    name: str
    width: int
    height: int


def parse_bbox(text: str | None) -> BBox | None:
    """The 'x0,top,x1,bottom' string of the tables as numbers; None when empty or malformed."""
    if not text:
        return None
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        return None
    if len(values) != 4 or values[2] < values[0] or values[3] < values[1]:
        return None
    return values  # type: ignore[return-value]


def crop_pixels(
    bbox: BBox,
    image_width: int,
    image_height: int,
    *,
    scale: float = DEFAULT_SCALE,
    margin: tuple[float, float] = DEFAULT_MARGIN,
) -> tuple[int, int, int, int]:
    """Pixel box (left, top, right, bottom) of ``bbox`` plus ``margin`` on a page image rendered at ``scale``.

    Rounded outwards so no ink at the edge is cut, and clamped to the image so a bbox near the
    edge still gives a valid, non-empty crop.
    """
    x0, top, x1, bottom = bbox
    mx, my = margin
    left = min(max(math.floor((x0 - mx) * scale), 0), image_width - 1)
    upper = min(max(math.floor((top - my) * scale), 0), image_height - 1)
    right = max(min(math.ceil((x1 + mx) * scale), image_width), left + 1)
    lower = max(min(math.ceil((bottom + my) * scale), image_height), upper + 1)
    return left, upper, right, lower


def locate_pdf(source_file: str | None, out_dir: Path, sha256: str | None) -> tuple[Path | None, str | None]:
    """The PDF a report was extracted from, or None and the reason it cannot be used.

    ``source_file`` is the path given to ``extract``: tried as given (relative to the working
    directory), then relative to the output folder's parent, where extract usually ran.
    """
    if not source_file:
        return None, "the report names no source PDF"
    given = Path(source_file)
    candidates = [given] if given.is_absolute() else [Path.cwd() / given, out_dir.resolve().parent / given]
    found = next((p for p in candidates if p.is_file()), None)
    if found is None:
        return None, f"the source PDF {source_file} was not found"
    if sha256 and file_sha256(found) != sha256:
        return None, f"{found} is not the PDF that was extracted (its SHA-256 differs)"
    return found, None


def render_crops(
    pdf_path: Path,
    requests: Iterable[CropRequest],
    out_dir: Path,
    *,
    scale: float = DEFAULT_SCALE,
    margin: tuple[float, float] = DEFAULT_MARGIN,
) -> dict[str, Crop]:
    """Write one PNG per request into ``out_dir``; requests on pages the PDF lacks are left out."""
    import pypdfium2 as pdfium

    by_page: dict[int, list[CropRequest]] = {}
    for request in requests:
        by_page.setdefault(request.page, []).append(request)
    out_dir.mkdir(parents=True, exist_ok=True)
    crops: dict[str, Crop] = {}
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        for page_no in sorted(by_page):
            if not 1 <= page_no <= len(pdf):
                continue
            page = pdf[page_no - 1]
            try:
                image = page.render(scale=scale).to_pil()
            finally:
                page.close()
            for request in by_page[page_no]:
                piece = image.crop(crop_pixels(request.bbox, image.width, image.height, scale=scale, margin=margin))
                piece.save(out_dir / request.name, format="PNG")
                crops[request.name] = Crop(request.name, piece.width, piece.height)
    finally:
        pdf.close()
    return crops
