"""Files written safely, inputs read safely, names kept exact: shared by the readers, the batch and the writers.

Every file the tool publishes is written under a temporary name beside its final path and renamed into place,
so a reader (or an interrupted run) sees the old file or the new one, never half of one.

Inputs are untrusted: :func:`read_input` opens a path without blocking (a FIFO would wait for a writer forever),
refuses anything but a regular file (``/dev/zero`` never ends), refuses files over a size budget before reading
them, and returns the bytes together with their hash, so that what is parsed and what keys the cache are the
same bytes. File names are data: a name that is not valid UTF-8 (old archive disks) reaches Python as a string
with lone surrogates (``surrogateescape``); it is kept exactly in JSON and shown by :func:`display_path`.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kompass_extract.errors import (
    KompassError,
    MissingFileError,
    NotAFileError,
    TooLargeError,
    UnreadableFileError,
)


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
    """Whether two files hold the same bytes, compared in 1 MiB chunks (a database may be gigabytes)."""
    try:
        if a.stat().st_size != b.stat().st_size:
            return False
        with open(a, "rb") as fa, open(b, "rb") as fb:
            while chunk := fa.read(1 << 20):
                if chunk != fb.read(1 << 20):
                    return False
        return True
    except OSError:
        return False


def file_sha256(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB chunks so a large file is never held in memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- inputs ---------------------------------------------------------------------------------------------------

DEFAULT_MAX_MEMORY_MB = 2048
"""Address space per batch worker: a 30-page report peaks at ~0.2 GB of address space, OCR of one at ~0.8 GB."""

Signature = tuple[int, int, int, int, int]
"""(device, inode, size, mtime_ns, ctime_ns): changes whenever a file is written or replaced (like git's index)."""


def signature(st: os.stat_result) -> Signature:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


@dataclass(frozen=True)
class InputBytes:
    """A file's bytes as read once, their sha256, and the file's signature when it did not change while read."""

    data: bytes
    sha256: str
    signature: Signature | None


def probe_input(path: str) -> Signature:
    """The signature of a regular file the process may read, without opening it (stat never blocks on a FIFO).

    Raises :class:`NotAFileError` for FIFOs, devices, sockets, directories and link loops,
    :class:`MissingFileError` for a link to nothing, and :class:`UnreadableFileError` when permission is denied.
    """
    try:
        st = os.stat(path)
    except OSError as exc:
        raise input_error(exc) from exc
    _require_regular(st)
    if not os.access(path, os.R_OK):
        raise UnreadableFileError("permission denied: the file may not be read")
    return signature(st)


def read_input(path: str, max_bytes: int) -> InputBytes:
    """Open, check, read and hash one input, once. Raises typed errors (see :func:`probe_input`, and
    :class:`TooLargeError` for a file over ``max_bytes``)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise input_error(exc) from exc
    try:
        before = os.fstat(fd)
        _require_regular(before)
        if before.st_size > max_bytes:
            raise TooLargeError(f"the file is {_mib(before.st_size)}; the limit is {_mib(max_bytes)}")
        with os.fdopen(os.dup(fd), "rb", buffering=0) as fh:  # one allocation of the file's size
            data = fh.read(before.st_size + 1)
            while len(data) <= max_bytes and (more := fh.read(1 << 20)):  # it grew since fstat
                data += more
        if len(data) > max_bytes:
            raise TooLargeError(f"the file grew beyond the limit of {_mib(max_bytes)} while it was read")
        after = os.fstat(fd)
    except OSError as exc:
        raise input_error(exc) from exc
    finally:
        os.close(fd)
    same = signature(before) == signature(after)
    return InputBytes(data, hashlib.sha256(data).hexdigest(), signature(after) if same else None)


def _require_regular(st: os.stat_result) -> None:
    if not stat.S_ISREG(st.st_mode):
        raise NotAFileError(f"not a regular file but {_kind(st.st_mode)}; it was not read")


def _kind(mode: int) -> str:
    kinds = [(stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
             (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")]  # fmt: skip
    return next((name for test, name in kinds if test(mode)), "a special file")


def input_error(exc: OSError) -> KompassError:
    """The typed error for an input the system would not open: what happened, in the user's terms."""
    if exc.errno in (errno.EACCES, errno.EPERM):
        return UnreadableFileError("permission denied: the file may not be read")
    if exc.errno == errno.ELOOP:
        return NotAFileError("a symbolic link loop, not a file")
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return MissingFileError("no such file (a link to nothing, or the file was removed during the run)")
    if exc.errno in (errno.ENXIO, errno.EISDIR, errno.ENODEV):
        return NotAFileError(f"not a regular file ({exc.strerror})")
    return UnreadableFileError(f"cannot read the file: {exc.strerror or exc}")


def _mib(size: int) -> str:
    return f"{size / (1 << 20):.0f} MiB"


# --- names ----------------------------------------------------------------------------------------------------


def display_path(path: str) -> str:
    """A path as one line of valid UTF-8 text for tables and messages: bytes that are not UTF-8, and control
    characters (a newline, a tab, an escape ...), are shown as ``\\xHH`` of their UTF-8 bytes.

    A file name may hold any byte but "/" and NUL: a newline in one split the log line of that file in two, and
    a terminal's escape sequence in one would be played on the user's terminal. Names of printable UTF-8 (nearly
    all) are returned unchanged; the exact name is kept in the JSON files, and :func:`path_from_display` reads
    the escapes back.
    """
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        path = os.fsencode(path).decode("utf-8", "backslashreplace")
    if _CONTROL.search(path) is None:
        return path
    return _CONTROL.sub(lambda m: "".join(f"\\x{byte:02x}" for byte in m[0].encode("utf-8")), path)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
"""Characters that are no text on one line: C0 and C1 controls, DEL, and the Unicode line and paragraph
separators (which str.splitlines and many viewers break lines at)."""


def path_from_display(text: str) -> str:
    """The path a :func:`display_path` stands for: its ``\\xHH`` escapes back to the bytes they show.

    A valid UTF-8 name that literally contains ``\\xHH`` would be changed too: callers try the text as given
    first (and the review checks the file's hash).
    """
    if "\\x" not in text:
        return text
    raw = re.sub(rb"\\x([0-9a-f]{2})", lambda m: bytes([int(m[1], 16)]), text.encode("utf-8", "surrogateescape"))
    return os.fsdecode(raw)


def json_text(data: Any, indent: int | None = 2, *, sort_keys: bool = True) -> str:
    """JSON with sorted keys, readable UTF-8 when possible; exact names with undecodable bytes are kept as
    ``\\udcHH`` escapes (ASCII JSON), which Python's json reads back to the same name."""
    text = json.dumps(data, ensure_ascii=False, indent=indent, sort_keys=sort_keys)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(data, ensure_ascii=True, indent=indent, sort_keys=sort_keys)
    return text
