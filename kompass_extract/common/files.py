"""Files written safely and hashed: shared by the reader's OCR cache, the batch cache and the writers.

Every file the tool publishes is written under a temporary name beside its final path and renamed into place,
so a reader (or an interrupted run) sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success it is renamed onto ``path``.

    On an exception the temporary file is removed and ``path`` keeps its previous content.
    """
    with staged_paths() as stage:
        yield stage(path)


def _file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


FILE_MODE = _file_mode()
"""What a plain open() would create: 0666 less the umask."""


@contextlib.contextmanager
def staged_paths() -> Iterator[Callable[[str | os.PathLike[str]], Path]]:
    """Stage several files under temporary names and rename them all into place at the end, in one quick loop.

    The expensive part (writing) happens under temporary names; the renames that publish the new set run
    back to back, so the window in which old and new files are mixed is a few system calls wide. A file
    whose bytes did not change is left alone (same mtime), which also makes a cached rerun cheap.
    """
    staged: list[tuple[Path, Path]] = []

    def stage(path: str | os.PathLike[str]) -> Path:
        final = Path(path)
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".tmp")
        os.fchmod(fd, FILE_MODE)  # mkstemp makes 0600; outputs are for colleagues and services too
        os.close(fd)
        staged.append((Path(tmp), final))
        return Path(tmp)

    try:
        yield stage
        for tmp, final in staged:
            if not _same_bytes(tmp, final):
                os.replace(tmp, final)
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)


def _same_bytes(a: Path, b: Path) -> bool:
    try:
        return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()
    except OSError:
        return False


def file_sha256(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB chunks so a large file is never held in memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
