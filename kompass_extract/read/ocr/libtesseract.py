"""Tesseract in this process, through its C API (``libtesseract``, the library the ``tesseract`` binary runs on).

Why: the binary loads its model and dictionaries on every start. Measured on 300 dpi pages of a grey scan (CPU
seconds, process and children): the binary 1.70 / 2.04 / 3.58 / 1.93 s, the same recognition in this process
1.38 / 1.67 / 3.23 / 1.58 s, with **byte-identical** TSV; the digits pass (a small strip) costs ~0.1 s as a process
and a few hundredths in here. No Python binding is needed (tesserocr is not a dependency): the library ships with
the ``tesseract-ocr`` package and is called with :mod:`ctypes`, which releases the GIL, so pages OCR'd on several
threads run in parallel.

The library is used only when it is the same Tesseract version as the binary (the OCR cache key names the binary's
version) and when OpenMP is limited to one thread (see :mod:`kompass_extract.read.ocr.tesseract`); otherwise, or
when it cannot be loaded, the caller runs the binary. Loaded engines (one per language and settings, model in
memory, ~20-40 MB each) are kept in a small pool and reused by whichever thread needs one; they are freed at exit.
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from PIL import Image

from kompass_extract.errors import OcrFailedError

TSV_HEADER = ("level", "page_num", "block_num", "par_num", "line_num", "word_num", "left", "top", "width", "height")
TSV_HEADER += ("conf", "text")
"""The columns of Tesseract's TSV (the binary writes them as a header line; the C API gives the rows alone)."""

_P = ctypes.c_void_p
_FLOAT_P = ctypes.POINTER(ctypes.c_float)
_PROTOTYPES: dict[str, tuple[type | None, list]] = {
    "TessVersion": (ctypes.c_char_p, []),
    "TessBaseAPICreate": (_P, []),
    "TessBaseAPIInit3": (ctypes.c_int, [_P, ctypes.c_char_p, ctypes.c_char_p]),
    "TessBaseAPISetVariable": (ctypes.c_int, [_P, ctypes.c_char_p, ctypes.c_char_p]),
    "TessBaseAPISetPageSegMode": (None, [_P, ctypes.c_int]),
    "TessBaseAPISetImage": (None, [_P, ctypes.c_char_p, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int]),
    "TessBaseAPIRecognize": (ctypes.c_int, [_P, _P]),
    "TessBaseAPIGetTsvText": (_P, [_P, ctypes.c_int]),
    "TessDeleteText": (None, [_P]),
    "TessBaseAPIClear": (None, [_P]),
    "TessBaseAPIEnd": (None, [_P]),
    "TessBaseAPIDelete": (None, [_P]),
    "TessBaseAPIDetectOrientationScript": (
        ctypes.c_int,
        [_P, ctypes.POINTER(ctypes.c_int), _FLOAT_P, ctypes.POINTER(ctypes.c_char_p), _FLOAT_P],
    ),
    "TessMonitorCreate": (_P, []),
    "TessMonitorDelete": (None, [_P]),
    "TessMonitorSetDeadlineMSecs": (None, [_P, ctypes.c_int]),
}


@cache
def library(binary_version: str) -> ctypes.CDLL | None:
    """libtesseract with its functions typed, or None when it cannot serve for the binary ``binary_version``
    ("tesseract 5.3.0"): not found, another version, or OpenMP not limited to one thread."""
    name = ctypes.util.find_library("tesseract") or "libtesseract.so.5"
    before = os.environ.get("OMP_THREAD_LIMIT")
    os.environ["OMP_THREAD_LIMIT"] = "1"  # read by OpenMP when it is loaded, i.e. with the library just below
    try:
        lib = ctypes.CDLL(name)
        for function, (restype, argtypes) in _PROTOTYPES.items():
            getattr(lib, function).restype = restype
            getattr(lib, function).argtypes = argtypes
    except (OSError, AttributeError):
        return None
    finally:
        if before is None:
            del os.environ["OMP_THREAD_LIMIT"]
        else:
            os.environ["OMP_THREAD_LIMIT"] = before
    version = (lib.TessVersion() or b"").decode(errors="replace")
    if re.search(r"\d+(?:\.\d+)+", binary_version or "") is None or version not in binary_version.split():
        return None
    return lib if _one_openmp_thread() else None


def _one_openmp_thread() -> bool:
    """True when OpenMP (if the library uses it) runs one thread: its threads spin on a busy machine. OpenMP reads
    its thread limit once, when it is loaded; if another library loaded it earlier with another limit, the binary
    (started with ``OMP_THREAD_LIMIT=1``) is the way."""
    try:
        gomp = ctypes.CDLL("libgomp.so.1", mode=getattr(os, "RTLD_NOLOAD", 0))
    except OSError:
        return True  # not loaded: the library does not use OpenMP
    return gomp.omp_get_thread_limit() == 1


class _Pool:
    """Loaded engines by (language, settings); a thread takes one, uses it alone, and gives it back."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.idle: dict[tuple, list[int]] = {}
        self.every: list[tuple[ctypes.CDLL, int]] = []

    @contextmanager
    def engine(self, lib: ctypes.CDLL, lang: str, settings: tuple[tuple[str, str], ...]) -> Iterator[int]:
        key = (id(lib), lang, settings)
        with self.lock:
            handle = self.idle.get(key, []).pop() if self.idle.get(key) else None
        if handle is None:
            handle = _new_engine(lib, lang, settings)
            with self.lock:
                self.every.append((lib, handle))
        try:
            yield handle
        finally:
            lib.TessBaseAPIClear(handle)  # the page's results; the model stays loaded
            with self.lock:
                self.idle.setdefault(key, []).append(handle)

    def close(self) -> None:
        """Free every engine (at exit: Tesseract reports a leaked model on stderr otherwise)."""
        with self.lock:
            for lib, handle in self.every:
                lib.TessBaseAPIEnd(handle)
                lib.TessBaseAPIDelete(handle)
            self.every.clear()
            self.idle.clear()


_POOL = _Pool()
atexit.register(_POOL.close)


def _new_engine(lib: ctypes.CDLL, lang: str, settings: tuple[tuple[str, str], ...]) -> int:
    handle = lib.TessBaseAPICreate()
    if not handle or lib.TessBaseAPIInit3(handle, None, lang.encode()) != 0:
        if handle:
            lib.TessBaseAPIDelete(handle)
        raise OcrFailedError(f"tesseract could not load its model for {lang}")
    for name, value in (("debug_file", os.devnull), *settings):  # warnings ("Empty page!!") are not the user's
        lib.TessBaseAPISetVariable(handle, name.encode(), value.encode())
    return handle


MAX_SIDE = 32767
"""Tesseract's largest image side (the binary refuses larger images with "Image too large")."""


def check_size(image: Image.Image) -> None:
    """:class:`OcrFailedError` for an empty or too large image: the library would not refuse it politely (an empty
    one aborts the process in orientation detection, where the binary just fails)."""
    if not (0 < image.width <= MAX_SIDE and 0 < image.height <= MAX_SIDE):
        raise OcrFailedError(f"tesseract cannot read an image of {image.width} x {image.height} pixels")


def grey_pixels(image: Image.Image) -> tuple[Image.Image, bytes]:
    """``image`` in grey and its bytes (see :func:`check_size`)."""
    check_size(image)
    grey = image if image.mode == "L" else image.convert("L")
    return grey, grey.tobytes()


def recognise(
    lib: ctypes.CDLL,
    image: Image.Image,
    *,
    lang: str,
    psm: int,
    dpi: str,
    settings: tuple[tuple[str, str], ...],
    timeout: float,
    wall_timeout: float,
) -> list[str]:
    """The TSV rows (without header) that ``tesseract - - -l lang --psm psm --dpi dpi -c name=value... tsv``
    prints for ``image``; :class:`OcrFailedError` when it fails, uses more than ``timeout`` seconds of CPU or takes
    longer than ``wall_timeout`` seconds (see :class:`_Watchdog`)."""
    grey, pixels = grey_pixels(image)
    return recognise_pixels(lib, pixels, grey.size, lang, psm, dpi, settings, (timeout, wall_timeout))


def recognise_pixels(
    lib: ctypes.CDLL,
    pixels: bytes,
    size: tuple[int, int],
    lang: str,
    psm: int,
    dpi: str,
    settings: tuple[tuple[str, str], ...],
    limits: tuple[float, float],
) -> list[str]:
    """:func:`recognise` of a grey image given as its bytes and (width, height), already checked by
    :func:`check_size`; ``limits`` are the CPU and wall seconds."""
    width, height = size
    with _POOL.engine(lib, lang, settings) as handle:
        lib.TessBaseAPISetVariable(handle, b"user_defined_dpi", dpi.encode())  # what the binary's --dpi sets
        lib.TessBaseAPISetPageSegMode(handle, psm)
        lib.TessBaseAPISetImage(handle, pixels, width, height, 1, width)
        monitor = lib.TessMonitorCreate()
        try:
            with _Watchdog(lib, monitor, *limits) as watchdog:
                failed = lib.TessBaseAPIRecognize(handle, monitor) != 0
        finally:
            lib.TessMonitorDelete(monitor)
        if failed:
            raise OcrFailedError(watchdog.failure())
        text = lib.TessBaseAPIGetTsvText(handle, 0)
        try:
            return ctypes.string_at(text).decode("utf-8", errors="replace").splitlines() if text else []
        finally:
            if text:
                lib.TessDeleteText(text)


class _Watchdog:
    """Stops a Tesseract call (through its monitor) that used more than ``cpu`` seconds of CPU, or ran longer than
    ``wall`` seconds.

    Why CPU and not the clock on the wall: on an overloaded machine (load 10+ on 2 cores, or a process stopped and
    continued) a page that only waits for a processor took minutes and failed as if Tesseract hung. What a page
    costs is its CPU time, which waiting does not add to; the wall limit is a generous backstop for a call that
    hangs without computing. The CPU is that of the thread making the call (Tesseract runs in it: OpenMP is limited
    to one thread), read from another thread, so the call itself is left alone: a cancel callback would run Python
    for every word read and fight the other OCR threads for the interpreter lock. Tesseract checks its monitor
    between words; to stop it, the watchdog moves the monitor's deadline to now. Where a thread's CPU clock cannot
    be read, ``cpu`` seconds on the wall clock are the limit, as before.
    """

    def __init__(self, lib: ctypes.CDLL, monitor: int, cpu: float, wall: float) -> None:
        self.lib, self.monitor, self.cpu = lib, monitor, cpu
        self.clock = _thread_cpu_clock()
        self.wall = wall if self.clock is not None else cpu
        self.reason: str | None = None
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._watch, name="tesseract-watchdog", daemon=True)
        self.started = (0.0, 0.0)

    def __enter__(self) -> _Watchdog:
        self.lib.TessMonitorSetDeadlineMSecs(self.monitor, _msecs(self.wall))  # Tesseract watches the wall clock
        self.started = time.monotonic(), (time.clock_gettime(self.clock) if self.clock is not None else 0.0)
        if self.clock is not None:
            self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        if self.thread.is_alive():
            self.thread.join()

    def _watch(self) -> None:
        assert self.clock is not None
        while not self.done.wait(min(1.0, max(0.01, self.cpu / 20))):
            if time.clock_gettime(self.clock) - self.started[1] > self.cpu:
                self.reason = f"tesseract used more than {self.cpu:g} s of CPU on one image and was stopped"
                self.lib.TessMonitorSetDeadlineMSecs(self.monitor, 1)  # it stops at its next word (0: no deadline)
                return

    def failure(self) -> str:
        """Why the call failed."""
        if self.reason is None and time.monotonic() - self.started[0] >= self.wall:
            return f"tesseract did not finish within {self.wall:g} s and was stopped"
        return self.reason or "tesseract failed to read the page"


def _thread_cpu_clock() -> int | None:
    """The CPU-time clock of the calling thread, or None where it cannot be read from another thread."""
    try:
        return time.pthread_getcpuclockid(threading.get_ident())
    except (AttributeError, OSError):
        return None


def _msecs(seconds: float) -> int:
    return max(1, min(int(seconds * 1000), 2**31 - 1))


def orientation(lib: ctypes.CDLL, image: Image.Image) -> tuple[int, float] | None:
    """("Rotate", "Orientation confidence") as ``tesseract - - --psm 0`` prints them for ``image`` (degrees to turn
    it clockwise, and the confidence to two decimals), or None when it cannot tell (too little text).

    The binary uses the ``osd`` model for ``--psm 0``; here its engine stays loaded (the binary spends ~0.5 s CPU a
    call loading it, on every cover and blank page)."""
    try:
        grey, pixels = grey_pixels(image)
    except OcrFailedError:
        return None
    return orientation_pixels(lib, pixels, grey.size)


def orientation_pixels(lib: ctypes.CDLL, pixels: bytes, size: tuple[int, int]) -> tuple[int, float] | None:
    """:func:`orientation` of a grey image given as its bytes and (width, height), already checked by
    :func:`check_size`."""
    degrees, confidence, script, script_confidence = (
        ctypes.c_int(),
        ctypes.c_float(),
        ctypes.c_char_p(),
        ctypes.c_float(),
    )
    with _POOL.engine(lib, "osd", ()) as handle:
        lib.TessBaseAPISetPageSegMode(handle, 0)
        lib.TessBaseAPISetImage(handle, pixels, size[0], size[1], 1, size[0])
        found = lib.TessBaseAPIDetectOrientationScript(
            handle,
            ctypes.byref(degrees),
            ctypes.byref(confidence),
            ctypes.byref(script),
            ctypes.byref(script_confidence),
        )
    if not found:
        return None
    return (360 - degrees.value) % 360, float(f"{confidence.value:.2f}")  # as the binary computes and prints them
