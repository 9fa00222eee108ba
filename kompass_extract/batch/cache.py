"""Per-file results cache under ``<out>/.cache/``, so a rerun converts only what is new or changed.

An entry is keyed by the PDF's sha256, the extractor's fingerprint and the options that change results
(edition, OCR mode, page limit). It holds the whole Report (as :meth:`Report.to_dict`) or the failure, so
the output tables can be rebuilt from the cache alone. Entries are written atomically: a run killed
half-way leaves only complete entries, and the rerun picks up where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from kompass_extract import __version__
from kompass_extract.common.files import Signature, atomic_path, json_text
from kompass_extract.errors import ExtractionTimeoutError, KompassError, OcrUnavailableError, TooLargeError

CACHE_DIR = ".cache"
_FINGERPRINT_SUFFIXES = (".py", ".csv", ".json")
UNCACHED_CODES = frozenset(
    {ExtractionTimeoutError.code, OcrUnavailableError.code, TooLargeError.code, KompassError.code}
)
"""Failures that depend on the machine, the limits or the moment rather than the file (a timeout, no Tesseract, too
little memory, an internal error): not kept, so tried again next run."""


RUN_KEYS = frozenset({"signature", "cached", "stored"})
"""What an entry says of one run, not of the file: the file's stat when read, whether it came from the cache or was
stored by its worker."""


def worth_keeping(entry: Mapping[str, Any]) -> bool:
    """A result that the same bytes will give again: a report, or a failure of the file itself."""
    return entry["status"] == "ok" or entry["error_code"] not in UNCACHED_CODES


@lru_cache(maxsize=1)
def extractor_fingerprint() -> str:
    """The version plus a hash of the package's code and data files.

    During development the version number does not change when the parsers do; hashing the sources keeps a
    cache from serving results of older code. Hashing the ~100 small files takes a few milliseconds.
    """
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.suffix in _FINGERPRINT_SUFFIXES and "__pycache__" not in path.parts and path.is_file():
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return f"{__version__}+{digest.hexdigest()[:16]}"


class Cache:
    """Results by (sha256, extractor fingerprint, options)."""

    def __init__(self, out_dir: str | os.PathLike[str], fingerprint: str | None = None) -> None:
        self.root = Path(out_dir) / CACHE_DIR
        self.fingerprint = fingerprint or extractor_fingerprint()

    def path(self, sha256: str, options: Mapping[str, Any]) -> Path:
        material = json.dumps({"extractor": self.fingerprint, "options": dict(options)}, sort_keys=True)
        variant = hashlib.sha256(material.encode()).hexdigest()[:16]
        return self.root / sha256[:2] / f"{sha256}-{variant}.json"

    def get(self, sha256: str, options: Mapping[str, Any]) -> dict[str, Any] | None:
        """The stored entry, or None when absent or unreadable (a damaged entry is simply recomputed)."""
        try:
            entry = json.loads(self.path(sha256, options).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return entry if isinstance(entry, dict) and entry.get("status") in ("ok", "failed") else None

    def put(self, sha256: str, options: Mapping[str, Any], entry: Mapping[str, Any]) -> None:
        """Store ``entry`` without what belongs to one run (see :data:`RUN_KEYS`)."""
        kept = {k: v for k, v in entry.items() if k not in RUN_KEYS}
        record = {**kept, "sha256": sha256, "extractor": self.fingerprint, "options": dict(options)}
        with atomic_path(self.path(sha256, options)) as tmp:
            tmp.write_text(json_text(record, indent=None), encoding="utf-8")  # exact names, also not UTF-8 ones


class FileIndex:
    """The sha256 of each input as last read by a worker, valid while the file's signature is unchanged.

    Like git's index: a rerun finds the cached result of an unchanged file from its ``stat`` alone, without
    opening it in the main process (where a FIFO would hang the batch and a large file cost time outside any
    deadline). A file that is written or replaced gets a new inode or ctime and is read again by a worker.
    """

    NAME = "files.json"

    def __init__(self, cache_root: Path) -> None:
        self.path = cache_root / self.NAME
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        self.entries: dict[str, list] = data if isinstance(data, dict) else {}

    def sha256(self, path: str, signature: Signature) -> str | None:
        entry = self.entries.get(path)
        if isinstance(entry, list) and len(entry) == 2 and entry[0] == list(signature):
            return entry[1]
        return None

    def save(self, known: Mapping[str, tuple[Signature, str]]) -> None:
        """Keep exactly this run's readable inputs (the index never grows beyond one archive)."""
        entries = {path: [list(sig), sha] for path, (sig, sha) in sorted(known.items())}
        if entries != self.entries:
            with atomic_path(self.path) as tmp:
                tmp.write_text(json_text(entries, indent=None), encoding="utf-8")
