"""Crop the region of a PDF page a value was read from, so a person can compare it with the number.

Each page is rendered once (pdfium, grey; only the part that holds its regions) and every region of that page is
cut from the same bitmap. A crop
is stored under the hash of what it shows (the PDF's SHA-256, page, region, scale, margin), so a crop already
made by an earlier build is not rendered again and identical crops are stored once: building the site of a
large archive again only renders what is new. Crops are palette PNGs of few greys: 1 bit (ink and paper) for a
born-digital page, whose text at 2 pixels per point stays crisp, and 2 bits (4 greys) for a scan, whose faint
strokes a threshold would lose; a fifth and a third of an 8-bit PNG. Crops come from the PDF the report was extracted
from, or none at all: a file at the recorded path whose SHA-256 differs would show the wrong spot, so it is
refused with a reason.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import struct
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kompass_extract.common.files import file_sha256, path_from_display
from kompass_extract.model import BBox

DEFAULT_SCALE = 2.0
"""Pixels per PDF point; 2 keeps 9-point table text sharp on a high-density screen."""
DEFAULT_MARGIN = (6.0, 2.0)
"""Points of context (horizontal, vertical) around a bbox: enough to show the row's edges, too little
to show half of the next row (table rows are often only 4-5 points apart)."""
CROP_FORMAT = "png-greys-v1"
"""Part of every crop's hash: a change of how crops are made must not reuse crops made the old way."""
TEXT_GREYS = 2
SCAN_GREYS = 4


@dataclass(frozen=True)
class CropRequest:
    """One region to cut: ``page`` is 1-based, ``bbox`` in points from the top-left."""

    page: int
    bbox: BBox


@dataclass(frozen=True)
class Crop:
    """A crop file, relative to the crops folder, and its size in pixels."""

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
    candidates = []
    for given in dict.fromkeys((Path(source_file), Path(path_from_display(source_file)))):  # a non-UTF-8 name
        candidates += [given] if given.is_absolute() else [Path.cwd() / given, out_dir.resolve().parent / given]
    found = next((p for p in candidates if p.is_file()), None)
    if found is None:
        return None, f"the source PDF {source_file} was not found"
    if sha256 and file_sha256(found) != sha256:
        return None, f"{found} is not the PDF that was extracted (its SHA-256 differs)"
    return found, None


def crop_name(pdf_sha256: str, request: CropRequest, scale: float, margin: tuple[float, float], greys: int) -> str:
    """The file of a crop, named by the hash of what it shows: '<2 hex>/<20 hex>.png'."""
    box = ",".join(f"{v:.1f}" for v in request.bbox)
    key = f"{CROP_FORMAT}|{greys}|{pdf_sha256}|{request.page}|{box}|{scale:g}|{margin[0]:g},{margin[1]:g}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:20]
    return f"{digest[:2]}/{digest}.png"


def png_size(path: Path) -> tuple[int, int] | None:
    """Width and height from a PNG's header (no decoding), or None when the file is missing or not a PNG."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(24)
    except OSError:
        return None
    if len(head) < 24 or not head.startswith(b"\x89PNG"):
        return None
    width, height = struct.unpack(">II", head[16:24])
    return width, height


@lru_cache(maxsize=4)
def _levels(greys: int) -> tuple[bytes, list[int]]:
    """The lookup table grey -> level index, and the palette of ``greys`` evenly spaced greys."""
    table = bytes(min(greys - 1, v * greys // 256) for v in range(256))
    return table, [i * 255 // (greys - 1) for i in range(greys) for _ in range(3)]


def _quantised(image: object, greys: int) -> object:
    """An 8-bit grey page image as a palette image of ``greys`` evenly spaced greys (once per page: its crops
    keep the palette)."""
    from PIL import Image

    table, palette = _levels(greys)
    levels = image.point(table)  # type: ignore[attr-defined]
    quantised = Image.frombytes("P", levels.size, levels.tobytes())
    quantised.putpalette(palette)
    return quantised


def _write_png(path: str, piece: object, greys: int) -> None:
    """The crop as a PNG of 1 or 2 bits a pixel, under a temporary name, then renamed: an interrupted build
    leaves no half file under a crop's name (two workers may make one crop, for two reports of one PDF, so the
    temporary name is the process's own)."""
    out = io.BytesIO()
    piece.save(out, format="PNG", bits=max(1, (greys - 1).bit_length()))  # type: ignore[attr-defined]
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        _write_file(tmp, out.getvalue())
    except FileNotFoundError:  # the crop's folder is made the first time it is needed
        os.makedirs(os.path.dirname(path), exist_ok=True)
        _write_file(tmp, out.getvalue())
    os.replace(tmp, path)


def _write_file(path: str, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)


def existing_crops(crops_dir: Path) -> set[str]:
    """Names ('xx/<hash>.png') of the crops made before: one listing per folder instead of a look per crop."""
    if not crops_dir.is_dir():
        return set()
    return {f"{d.name}/{f.name}" for d in os.scandir(crops_dir) if d.is_dir() for f in os.scandir(d.path)}


def render_crops(
    pdf_path: Path,
    pdf_sha256: str,
    requests: Iterable[CropRequest],
    crops_dir: Path,
    *,
    scale: float = DEFAULT_SCALE,
    margin: tuple[float, float] = DEFAULT_MARGIN,
    greys: int = TEXT_GREYS,
    render: bool = True,
    existing: Collection[str] | None = None,
) -> tuple[dict[CropRequest, Crop], int]:
    """The crop of every request under ``crops_dir`` in ``greys`` greys, rendering only those not made before.

    Returns the crops by request (requests on pages the PDF lacks are left out) and how many were rendered;
    with ``render=False`` only the crops made before (so a caller can send the rest to worker processes).
    ``existing`` (from :func:`existing_crops`) spares a look at the disk for each crop not made yet.
    """
    crops: dict[CropRequest, Crop] = {}
    missing: dict[int, list[tuple[CropRequest, str]]] = {}
    for request in dict.fromkeys(requests):
        name = crop_name(pdf_sha256, request, scale, margin, greys)
        size = png_size(crops_dir / name) if existing is None or name in existing else None
        if size is None:
            missing.setdefault(request.page, []).append((request, name))
        else:
            crops[request] = Crop(name, *size)
    if not missing or not render:
        return crops, 0
    import pypdfium2 as pdfium

    rendered = 0
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        for page_no in sorted(missing):
            if not 1 <= page_no <= len(pdf):
                continue
            page = pdf[page_no - 1]
            try:
                width, height = page.get_size()
                full = (round(width * scale), round(height * scale))
                boxes = [crop_pixels(r.bbox, *full, scale=scale, margin=margin) for r, _ in missing[page_no]]
                left, top = min(b[0] for b in boxes), min(b[1] for b in boxes)
                right, bottom = max(b[2] for b in boxes), max(b[3] for b in boxes)
                clip = (left / scale, (full[1] - bottom) / scale, (full[0] - right) / scale, top / scale)
                image = _quantised(page.render(scale=scale, grayscale=True, crop=clip).to_pil(), greys)
            finally:
                page.close()
            for (request, name), (x0, y0, x1, y1) in zip(missing[page_no], boxes, strict=True):
                piece = image.crop((x0 - left, y0 - top, min(x1 - left, image.width), min(y1 - top, image.height)))
                _write_png(os.path.join(crops_dir, name), piece, greys)
                crops[request] = Crop(name, piece.width, piece.height)
                rendered += 1
    finally:
        pdf.close()
    return crops, rendered


def remove_unused(crops_dir: Path, used: set[str]) -> int:
    """Delete crop files no page refers to any more (reports gone or changed); returns how many."""
    removed = 0
    for folder in [p for p in crops_dir.iterdir() if p.is_dir()] if crops_dir.is_dir() else []:
        for path in folder.iterdir():
            if path.relative_to(crops_dir).as_posix() not in used:
                path.unlink()
                removed += 1
        if not any(folder.iterdir()):
            folder.rmdir()
    return removed
