"""Tesseract's library in a helper process, for OCR called from the user's own Python process.

Why: :func:`kompass_extract.extract` called from one's own program (a notebook, a script, a service) would run
libtesseract in that program's process, and a crash inside it (a SIGSEGV or an abort on some image) would end the
program with all its state. Here a helper process holds the library and its loaded models and reads the images it
is sent; when it dies, the image fails with :class:`OcrFailedError` (the file fails typed, the program goes on) and
the next image starts a new helper. The cost, measured on 300 dpi pages: a helper's start once (~0.1 s of CPU) and
each page's pixels through a pipe (a few ms against ~2 s of Tesseract). ``kompass-extract extract`` converts in
worker processes, which are that isolation already: they call the library in themselves
(:func:`kompass_extract.read.ocr.tesseract.read_in_this_process`).

One request at a time per helper; threads that read at once get a helper each (kept for the next call, ended at
exit). A request is an 8-byte length, a pickled header (what to do, the image size, the settings) and the grey
pixels; the answer is an 8-byte length and a pickled ``("ok", result)`` or ``("error", message)``. Both ends are
this module, run by the same Python.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

from PIL import Image

from kompass_extract.errors import OcrFailedError
from kompass_extract.read.ocr.libtesseract import grey_pixels, library, orientation_pixels, recognise_pixels

COMMAND = [sys.executable, "-m", "kompass_extract.read.ocr.helper"]
"""How a helper is started (followed by the Tesseract version the caller found)."""
_LENGTH = struct.Struct("<Q")
WALL_MARGIN = 60.0
"""Seconds the caller waits beyond the helper's own wall limit before it takes the helper for hung and ends it."""


class _Helper:
    """One helper process and its pipes; ``broken`` once it died, hung or was interrupted mid-request."""

    def __init__(self, version: str) -> None:
        self.process = subprocess.Popen(
            [*COMMAND, version],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # the library never prints
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
            bufsize=0,
        )
        assert self.process.stdin is not None
        os.set_blocking(self.process.stdin.fileno(), False)  # writes wait in select, with the call's deadline
        self.broken = False

    def call(self, header: dict[str, Any], pixels: bytes, wall: float) -> Any:
        """Send one request, return its result; :class:`OcrFailedError` for an error answer or a helper that died
        or did not answer within ``wall`` seconds (then ``broken``)."""
        assert self.process.stdin is not None and self.process.stdout is not None
        try:
            packed = pickle.dumps({**header, "bytes": len(pixels)})
            deadline = time.monotonic() + wall
            _write(self.process.stdin.fileno(), _LENGTH.pack(len(packed)) + packed, deadline)
            _write(self.process.stdin.fileno(), pixels, deadline)
            length = _LENGTH.unpack(_read(self.process.stdout.fileno(), _LENGTH.size, deadline))[0]
            status, result = pickle.loads(_read(self.process.stdout.fileno(), length, deadline))
        except TimeoutError as exc:  # an OSError: first
            self.broken = True
            raise OcrFailedError(
                f"tesseract's helper process did not answer within {wall:g} s and was stopped"
            ) from exc
        except (OSError, EOFError) as exc:
            self.broken = True
            raise OcrFailedError(self._death()) from exc
        except BaseException:  # Ctrl-C mid-request: the helper's state is unknown
            self.broken = True
            raise
        if status != "ok":
            raise OcrFailedError(result)
        return result

    def _death(self) -> str:
        self.kill()
        code = self.process.returncode
        how = f"signal {-code}, {signal.Signals(-code).name}" if code is not None and code < 0 else f"exit code {code}"
        return (
            f"tesseract's library ended its helper process ({how}) on this image; the program goes on, and the next"
            " image gets a new helper"
        )

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.process.kill()
        self.process.wait()

    def close(self) -> None:
        """End an idle helper: it exits when its input closes."""
        with contextlib.suppress(OSError):
            if self.process.stdin is not None:
                self.process.stdin.close()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.kill()


def _write(fd: int, data: bytes, deadline: float | None) -> None:
    """All of ``data`` to ``fd``; TimeoutError past ``deadline`` (monotonic)."""
    view = memoryview(data)
    while view:
        wait = None if deadline is None else max(0.0, deadline - time.monotonic())
        if not select.select([], [fd], [], wait)[1]:
            raise TimeoutError
        try:
            view = view[os.write(fd, view) :]
        except BlockingIOError:
            continue


def _read(fd: int, count: int, deadline: float | None) -> bytes:
    """``count`` bytes from ``fd``; EOFError when it closes first, TimeoutError past ``deadline`` (monotonic)."""
    parts, left = [], count
    while left:
        wait = None if deadline is None else max(0.0, deadline - time.monotonic())
        if not select.select([fd], [], [], wait)[0]:
            raise TimeoutError
        part = os.read(fd, min(left, 1 << 20))
        if not part:
            raise EOFError
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


class _Helpers:
    """Idle helpers by Tesseract version; a thread takes one, uses it alone and gives it back (a broken one is
    ended). Helpers inherited by a forked child are its parent's: the child starts its own."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.idle: dict[str, list[_Helper]] = {}
        self.owner = os.getpid()

    @contextlib.contextmanager
    def helper(self, version: str) -> Iterator[_Helper]:
        with self.lock:
            if self.owner != os.getpid():
                self.idle, self.owner = {}, os.getpid()
            helper = self.idle[version].pop() if self.idle.get(version) else None
        if helper is None:
            helper = _Helper(version)
        try:
            yield helper
        finally:
            if helper.broken:
                helper.kill()
            else:
                with self.lock:
                    self.idle.setdefault(version, []).append(helper)

    def close(self) -> None:
        """End every idle helper (at exit, and for a caller that wants their CPU counted as its children's)."""
        with self.lock:
            helpers = [h for group in self.idle.values() for h in group] if self.owner == os.getpid() else []
            self.idle = {}
        for helper in helpers:
            helper.close()


HELPERS = _Helpers()
atexit.register(HELPERS.close)


def recognise(version: str, image: Image.Image, options: dict[str, Any], limits: tuple[float, float]) -> list[str]:
    """:func:`kompass_extract.read.ocr.libtesseract.recognise` in a helper process: ``version`` is the Tesseract
    version line of the binary the library must match, ``options`` its lang, psm, dpi and settings, ``limits`` the
    CPU and wall seconds."""
    grey, pixels = grey_pixels(image)
    header = {"do": "recognise", "size": grey.size, **options, "limits": limits}
    with HELPERS.helper(version) as helper:
        return helper.call(header, pixels, limits[1] + WALL_MARGIN)


def orientation(version: str, image: Image.Image, wall_timeout: float) -> tuple[int, float] | None:
    """:func:`kompass_extract.read.ocr.libtesseract.orientation` in a helper process."""
    try:
        grey, pixels = grey_pixels(image)
    except OcrFailedError:
        return None
    with HELPERS.helper(version) as helper:
        return helper.call({"do": "orientation", "size": grey.size}, pixels, wall_timeout + WALL_MARGIN)


def _serve(version: str) -> None:
    """The helper's side: answer requests from standard input until it closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the caller's: it ends the helper if it must
    lib = library(version)
    source, sink = sys.stdin.fileno(), sys.stdout.fileno()
    while True:
        try:
            length = _LENGTH.unpack(_read(source, _LENGTH.size, None))[0]
            header = pickle.loads(_read(source, length, None))
            pixels = _read(source, header["bytes"], None)
        except EOFError:
            return
        try:
            if lib is None:
                raise OcrFailedError("tesseract's library cannot be loaded in the helper process")
            if header["do"] == "recognise":
                settings = header["settings"]
                result: Any = recognise_pixels(
                    lib,
                    pixels,
                    header["size"],
                    header["lang"],
                    header["psm"],
                    header["dpi"],
                    settings,
                    header["limits"],
                )
            else:
                result = orientation_pixels(lib, pixels, header["size"])
            answer = pickle.dumps(("ok", result))
        except OcrFailedError as exc:
            answer = pickle.dumps(("error", str(exc)))
        _write(sink, _LENGTH.pack(len(answer)) + answer, None)


if __name__ == "__main__":
    _serve(sys.argv[1])
