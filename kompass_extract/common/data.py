"""Where the packaged data files live: one ``data/`` tree, shipped as package data.

Every file the code reads at run time (labels, the criteria catalog, municipality list, the review site's
style sheet) sits under ``kompass_extract/data/``; ``pyproject.toml`` ships that whole tree, so a data file
cannot be forgotten by the wheel.
"""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
CATALOG_DIR = DATA_DIR / "catalog"


def data_text(*parts: str) -> str:
    """Text of a packaged data file, e.g. ``data_text("labels.json")``."""
    return DATA_DIR.joinpath(*parts).read_text(encoding="utf-8")
