"""Crop the region of a PDF page a value was read from, so a person can compare it with the number.

What a crop is (a page region with a margin, in pixels at a scale), which PDF crops come from, and the crops
folder's housekeeping; the pixels are made by :mod:`kompass_extract.review.atlas`, one image per report. Crops
are palette images of few greys: 1 bit (ink and paper) for a born-digital page, whose text at 2 pixels per
point stays crisp, and 2 bits (4 greys) for a scan, whose faint strokes a threshold would lose. Crops come
from the PDF the report was extracted from, or none at all: a file at the recorded path whose SHA-256 differs
would show the wrong spot, so it is refused with a reason.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kompass_extract.common.files import file_sha256, path_from_display
from kompass_extract.model import BBox

DEFAULT_SCALE = 2.0
"""Pixels per PDF point; 2 keeps 9-point table text sharp on a high-density screen."""
DEFAULT_MARGIN = (6.0, 2.0)
"""Points of context (horizontal, vertical) around a bbox: enough to show the row's edges, too little
to show half of the next row (table rows are often only 4-5 points apart)."""
TEXT_GREYS = 2
SCAN_GREYS = 4


@dataclass(frozen=True)
class CropRequest:
    """One region to cut: ``page`` is 1-based, ``bbox`` in points from the top-left."""

    page: int
    bbox: BBox


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


def locate_pdf(
    source_file: str | None, out_dir: Path, sha256: str | None, sha256_of: Callable[[Path], str] = file_sha256
) -> tuple[Path | None, str | None]:
    """The PDF a report was extracted from, or None and the reason it cannot be used.

    ``source_file`` is the path given to ``extract``: tried as given (relative to the working
    directory), then relative to the output folder's parent, where extract usually ran. ``sha256_of`` hashes
    the file found (a rebuild passes one that remembers the hashes of files that did not change).
    """
    if not source_file:
        return None, "the report names no source PDF"
    candidates = []
    for given in dict.fromkeys((Path(source_file), Path(path_from_display(source_file)))):  # a non-UTF-8 name
        candidates += [given] if given.is_absolute() else [Path.cwd() / given, out_dir.resolve().parent / given]
    found = next((p for p in candidates if p.is_file()), None)
    if found is None:
        return None, f"the source PDF {source_file} was not found"
    if sha256 and sha256_of(found) != sha256:
        return None, f"{found} is not the PDF that was extracted (its SHA-256 differs)"
    return found, None


def existing_crops(crops_dir: Path) -> set[str]:
    """Names ('xx/<hash>.png') of the crops made before: one listing per folder instead of a look per crop."""
    if not crops_dir.is_dir():
        return set()
    return {f"{d.name}/{f.name}" for d in os.scandir(crops_dir) if d.is_dir() for f in os.scandir(d.path)}


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
