"""What an earlier build of the review site made, so a rebuild writes only the pages whose inputs changed.

A report's page is a function of its rows in the tables, the PDF its crops come from (found by path, identified
by SHA-256), the build's settings (scale, margin, footer) and the code that renders it. :func:`page_key` hashes
all of these; ``review/.pages.json`` keeps, per page file, the key it was built with and what the parent adds
up (crops, image, problem). A page whose key is unchanged, whose file is there and whose image is there keeps its
file; a page of a report no longer in the tables is removed (only pages the record lists: a user's own HTML in
the folder stays).

The record also keeps each PDF's SHA-256 with its size, modification time and inode: a rebuild of an archive
would otherwise read every PDF again only to learn that it did not change.

Kill-safety: before any page is written, the record is rewritten without the pages about to change, and every
page is written under a temporary name and renamed. A build killed half-way thus never leaves a page the record
vouches for with other content; the next build writes those pages again.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

from kompass_extract import __version__
from kompass_extract.common.data import DATA_DIR
from kompass_extract.common.files import atomic_path, file_sha256
from kompass_extract.write.formats import write_json

RECORD_NAME = ".pages.json"
RECORD_FORMAT = 1


@dataclass(frozen=True)
class PageEntry:
    """One page as built: the key of its inputs and what the build summary counts."""

    key: str
    crops: int
    image: str | None
    problem: str | None
    image_stamp: list[int] | None = None
    """Size and modification time of the image when the page was written: a changed or damaged image (a
    copy cut short) makes the page be built again, which reads the image and makes it again if need be."""


@cache
def code_fingerprint() -> str:
    """The version and the bytes of the code and data that render a page: a changed template rebuilds every page
    (also a development checkout whose version did not move)."""
    digest = hashlib.sha256(__version__.encode())
    files = sorted(Path(__file__).parent.glob("*.py")) + sorted((DATA_DIR / "review").glob("*"))
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def page_key(view: Any, settings: Any, pdf: Path | None, problem: str | None) -> str:
    """Hash of everything a report's page is made from (see the module docstring)."""
    basis = [
        code_fingerprint(),
        [settings.scale, list(settings.margin), settings.footer],
        [str(pdf) if pdf else None, problem],
        vars(view),  # its rows as they are: asdict would deep-copy every row first (5x the cost of the hash)
    ]
    return hashlib.sha256(json.dumps(basis, sort_keys=True, default=str).encode()).hexdigest()


class PageRecord:
    """``review/.pages.json``: the pages of the last build and the PDFs' hashes (see the module docstring)."""

    def __init__(self, site: Path) -> None:
        self.path = site / RECORD_NAME
        self.pages: dict[str, PageEntry] = {}
        self.pdfs: dict[str, list[Any]] = {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("format") == RECORD_FORMAT:
                self.pages = {name: PageEntry(**entry) for name, entry in data["pages"].items()}
                self.pdfs = dict(data["pdfs"])
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            pass  # no record, or not one this version reads: every page is built
        self._seen: dict[str, list[Any]] = {}

    def pdf_sha256(self, path: Path) -> str:
        """SHA-256 of a PDF, read again only when its size, modification time or inode changed."""
        st = path.stat()
        stamp = [st.st_size, st.st_mtime_ns, st.st_ino]  # a copy of another PDF onto the name changes the inode
        known = self.pdfs.get(str(path))
        digest = known[3] if known and known[:3] == stamp else file_sha256(path)
        self._seen[str(path)] = [*stamp, digest]
        return digest

    def save(self, pages: dict[str, PageEntry]) -> None:
        """Write the record (atomically): ``pages`` and the PDFs looked at by this build."""
        data = {"format": RECORD_FORMAT, "pages": {n: asdict(e) for n, e in sorted(pages.items())}, "pdfs": self._seen}
        with atomic_path(self.path) as tmp:
            write_json(tmp, data)


def file_stamp(path: Path) -> list[int] | None:
    """Size and modification time of a file (None when it is missing)."""
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def remove_pages(site: Path, names: set[str]) -> int:
    """Delete pages an earlier build wrote and this one does not (reports gone from the tables)."""
    removed = 0
    for name in names:
        if "/" not in name and os.sep not in name and name.endswith(".html"):
            (site / name).unlink(missing_ok=True)
            removed += 1
    return removed
