"""The output folder is owned by one run at a time, and the tool deletes only files it wrote there.

* A lock file (``.kompass.lock``, ``flock``): a second run into the same folder stops before any work with a
  clear message (two runs would each delete the other's report files as stale). The kernel releases the lock
  when the process ends, also on SIGKILL, so a killed run never blocks the next one.
* A manifest (``.cache/manifest.json``) of the files the tool wrote: files a user keeps in the folder
  (``reports/my-analysis.json``, a ``kompass.xlsx`` of their own) are never deleted as stale. It also holds the
  key of the publication those files are, when complete: an unchanged rerun then writes nothing.
* Temporary files of an earlier run killed while writing (``.reports.csv.k3j9x_2a.tmp``) are removed on start.
* A folder that cannot be written is a usage error before any work, not a crash after the first file.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kompass_extract.batch.cache import CACHE_DIR
from kompass_extract.common.files import atomic_path
from kompass_extract.errors import OutputFolderError
from kompass_extract.write.formats import write_json

LOCK_NAME = ".kompass.lock"
MANIFEST = f"{CACHE_DIR}/manifest.json"
"""The one record of what the tool wrote into the folder: ``files``, the only files it ever replaces or deletes,
and ``key``, set when those files are a complete publication (see :func:`record_manifest`), so that a rerun that
would write exactly the same may skip writing."""
LEGACY_MARKER = f"{CACHE_DIR}/last-publication"
"""Versions before the manifest recorded their files here; read when no manifest exists, removed once it does."""
TEMP_RE = re.compile(r"\A\..+\.[a-z0-9_]{8}\.tmp(?:-journal|-wal|-shm)?\Z")
"""What :func:`kompass_extract.common.files.staged_paths` names a file while it is written (plus SQLite's own)."""
OWN_FOLDERS = ("", "reports", "runs", "excel-sv")


@contextlib.contextmanager
def claim_output(out: Path) -> Iterator[int]:
    """Create ``out`` if needed, check that it is writable, lock it for this run and clear stale temporary files.

    Yields the number of stale temporary files removed. Raises :class:`OutputFolderError` when the folder is
    not writable or another run holds it.
    """
    with folder_lock(out, "choose another --out"):
        _require_writable(out)
        yield remove_stale_temps(out)


@contextlib.contextmanager
def folder_lock(folder: Path, advice: str) -> Iterator[None]:
    """Hold ``folder``'s lock file for this process (created with the folder if needed), or raise
    :class:`OutputFolderError` naming the process that holds it (``advice`` says what else to do)."""
    import fcntl

    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
    except OSError as exc:
        raise OutputFolderError(f"cannot write to the output folder {folder}: {exc.strerror or exc}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            raise OutputFolderError(
                f"another kompass-extract run (pid {holder}) is writing to {folder}; wait for it to finish, or {advice}"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


def _require_writable(out: Path) -> None:
    """Create and remove a file in every folder the run writes to (the lock file may predate a chmod)."""
    for folder in (out, *(out / name for name in ("reports", "runs", CACHE_DIR) if (out / name).is_dir())):
        try:
            fd, probe = tempfile.mkstemp(dir=folder, prefix=".kompass-probe.")
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            raise OutputFolderError(f"cannot write to the output folder {folder}: {exc.strerror or exc}") from None


def remove_stale_temps(out: Path) -> int:
    """Remove this tool's temporary files left by a run killed while writing; return how many.

    Only names of the tool's own pattern, in the folders it writes (the cache recursively), under the lock.
    """
    cache = out / CACHE_DIR
    folders = [out / name for name in OWN_FOLDERS] + [cache] + [p for p in cache.rglob("*") if p.is_dir()]
    removed = 0
    for folder in folders:
        with contextlib.suppress(OSError):
            for entry in os.scandir(folder):
                if TEMP_RE.match(entry.name) and entry.is_file(follow_symlinks=False):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)
                        removed += 1
    return removed


@dataclass(frozen=True)
class Manifest:
    """What the manifest says: the files the tool wrote, and the key of the publication they are, if complete."""

    files: frozenset[str] = frozenset()
    key: str | None = None


def read_manifest(out: Path) -> Manifest:
    """The manifest of ``out`` (empty when there is none). A folder of a version before the manifest has its
    files adopted from that version's marker (without its key: such a folder is published again)."""
    for name in (MANIFEST, LEGACY_MARKER):
        try:
            data = json.loads((out / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and isinstance(data.get("files"), list):
            files = frozenset(f for f in data["files"] if isinstance(f, str) and ".." not in Path(f).parts)
            key = data.get("key") if name == MANIFEST and isinstance(data.get("key"), str) else None
            return Manifest(files, key)
    return Manifest()


def record_manifest(out: Path, files: Iterable[str], key: str | None = None) -> None:
    """Write the manifest: before publishing (the files about to be written, no key: from then on the folder is
    not a complete publication) and after (the files kept, and the key of the publication they are)."""
    with atomic_path(out / MANIFEST) as tmp:
        write_json(tmp, {"files": sorted(set(files)), "key": key})
    (out / LEGACY_MARKER).unlink(missing_ok=True)  # the manifest is the one record from now on
