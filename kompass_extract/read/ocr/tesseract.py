"""Tesseract: is it installed, with which models, and what does it read on an image.

Pages are read with TSV output (word boxes with a confidence each), in this process through the library the binary
runs on when it can (:mod:`kompass_extract.read.ocr.libtesseract`: byte-identical output without a model load per
call), else by the ``tesseract`` binary as a subprocess; no Python binding is needed. Either way with
``OMP_THREAD_LIMIT=1``: its OpenMP threads spin on a busy 2-core machine and made a page five times slower;
parallelism comes from reading several pages at once instead.
"""

from __future__ import annotations

import ctypes
import math
import os
import re
import shutil
import signal
import subprocess
import threading
from functools import cache
from io import BytesIO
from typing import NamedTuple

from PIL import Image

from kompass_extract.errors import OcrFailedError, OcrUnavailableError
from kompass_extract.read.ocr import helper
from kompass_extract.read.ocr.libtesseract import TSV_HEADER, check_size, library, orientation, recognise

INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-swe"
TESSERACT_TIMEOUT = 120.0
"""CPU seconds one tesseract call may use (a page takes 1-3 s); one that uses more is stopped and the page fails.
CPU, not the clock on the wall: on an overloaded or stopped machine a page that only waits for a processor is not
hung (it took minutes at load 17 on 2 cores and failed as if it were)."""
TESSERACT_WALL_TIMEOUT = 3600.0
"""Wall-clock seconds one tesseract call may take whatever CPU it used: the backstop for a call that hangs without
computing (a deadlock), long enough for a page to wait out a machine loaded many times over."""


@cache
def tesseract_info() -> tuple[str, frozenset[str]] | None:
    """The Tesseract version line and its installed languages, or None when the binary is missing or broken."""
    binary = shutil.which("tesseract")
    if binary is None:
        return None
    try:
        version = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30, check=True)
        langs = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    first = (version.stdout or version.stderr).strip().splitlines()
    listed = langs.stdout.strip().splitlines()[1:]  # the first line names the tessdata folder
    return (first[0] if first else "tesseract"), frozenset(x.strip() for x in listed)


def tesseract_available(lang: str = "swe") -> bool:
    """True when the ``tesseract`` binary and the model(s) for ``lang`` (e.g. "swe" or "swe+eng") are installed."""
    info = tesseract_info()
    return info is not None and all(part in info[1] for part in lang.split("+"))


def require_tesseract(lang: str) -> str:
    """The Tesseract version line; raise :class:`OcrUnavailableError` with the install command when it cannot run."""
    info = tesseract_info()
    if info is None:
        raise OcrUnavailableError(f"the tesseract OCR program is not installed; install it with: {INSTALL_HINT}")
    missing = [part for part in lang.split("+") if part not in info[1]]
    if missing:
        packages = " ".join(f"tesseract-ocr-{part}" for part in missing if part != "swe")
        raise OcrUnavailableError(
            f"tesseract has no model for {', '.join(missing)}; install it with: {INSTALL_HINT} {packages}".rstrip()
        )
    return info[0]


def run_tesseract(image: Image.Image, *, dpi: float, lang: str, psm: int, config: tuple[str, ...] = ()) -> list[dict]:
    """Tesseract's TSV rows for ``image`` as dicts (numbers as int/float), read in this process through the library
    when it can (:mod:`kompass_extract.read.ocr.libtesseract`: same output, no model load per call), else by the
    binary. ``config`` holds ``name=value`` settings."""
    settings = (("preserve_interword_spaces", "1"), *(tuple(c.split("=", 1)) for c in config))
    lib = _library()
    if lib is not None:
        options = {"lang": lang, "psm": psm, "dpi": str(dpi), "settings": settings}
        if _in_helper():
            lines = helper.recognise(_version(), image, options, (TESSERACT_TIMEOUT, TESSERACT_WALL_TIMEOUT))
        else:
            lines = recognise(lib, image, **options, timeout=TESSERACT_TIMEOUT, wall_timeout=TESSERACT_WALL_TIMEOUT)
        return _rows(TSV_HEADER, lines)
    args = ["-l", lang, "--psm", str(psm), "--dpi", str(dpi)]
    for name, value in settings:
        args += ["-c", f"{name}={value}"]
    lines = _tesseract(image, [*args, "tsv"]).splitlines()
    return _rows(tuple(lines[0].split("\t")), lines[1:]) if lines else []


ENGINE_VARIABLE = "KOMPASS_TESSERACT"
"""Environment variable: how Tesseract is run. Unset: its library, in a helper process when the library is called
from the user's own process (:mod:`kompass_extract.read.ocr.helper`: a crash in it fails the page, not the
program), in the process itself in ``kompass-extract extract``'s workers (a worker is a process of its own: a crash
fails its file as ``internal-error``). ``library``: the library in the calling process always (no helper: a few ms
a page less, but a crash in it ends the program). ``binary``: the ``tesseract`` program, a process per image (a
model load each time: ~0.3 s a page more); the way out if the library ever crashes on some image in a worker."""

_IN_THIS_PROCESS = threading.Event()


def read_in_this_process() -> None:
    """From now on call Tesseract's library in this process, not in a helper: for a process that is the isolation
    itself (a batch worker) and would only pay the helper's cost."""
    _IN_THIS_PROCESS.set()


def _in_helper() -> bool:
    return not _IN_THIS_PROCESS.is_set() and os.environ.get(ENGINE_VARIABLE, "").strip().lower() != "library"


def _library() -> ctypes.CDLL | None:
    """libtesseract when it can stand in for the binary found on the PATH (and :data:`ENGINE_VARIABLE` does not ask
    for the binary), else None."""
    if os.environ.get(ENGINE_VARIABLE, "").strip().lower() == "binary":
        return None
    info = tesseract_info()
    return library(info[0]) if info is not None else None


def _version() -> str:
    info = tesseract_info()
    return info[0] if info is not None else ""


def _rows(header: tuple[str, ...], lines: list[str]) -> list[dict]:
    rows = []
    for line in lines:
        cells = line.split("\t")
        if len(cells) < len(header):
            continue
        row: dict = dict(zip(header, cells, strict=False))
        for name in ("level", "block_num", "par_num", "line_num", "word_num", "left", "top", "width", "height"):
            row[name] = int(row[name])
        row["conf"] = float(row["conf"])
        rows.append(row)
    return rows


class OcrWord(NamedTuple):
    """A word as Tesseract read it, in pixels of the image it was given; top and bottom are its line's."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    conf: float
    line: int
    """Running number of the line Tesseract put the word on."""

    @property
    def size(self) -> float:
        """The line box height: the same for every word on a line and close to the font size."""
        return self.bottom - self.top


def tsv_words(rows: list[dict]) -> list[OcrWord]:
    """The non-empty words of Tesseract's TSV rows, in its reading order.

    Every word gets the top and bottom of its line box, like the loose glyph boxes of a text layer: a word's own box
    shrinks to its letters ("av" vs "Åg"), and words of one printed line would otherwise scatter over a few points
    and be split into separate lines by the geometric line grouping downstream.
    """
    lines: dict[tuple[int, int, int], tuple[int, int, int]] = {}
    words = []
    for row in rows:
        key = (row["block_num"], row["par_num"], row["line_num"])
        if row["level"] == 4:
            lines[key] = (len(lines), row["top"], row["top"] + row["height"])
        elif row["level"] == 5 and row["text"].strip():
            number, top, bottom = lines.get(key, (len(lines), row["top"], row["top"] + row["height"]))
            x0 = row["left"]
            words.append(OcrWord(row["text"].strip(), x0, top, x0 + row["width"], bottom, row["conf"], number))
    return words


ROTATION_CONFIDENCE = 2.0
"""Tesseract's orientation confidence above which a page is turned (upright text scores far higher)."""


def page_rotation(image: Image.Image) -> int:
    """Degrees (0, 90, 180, 270) to turn ``image`` clockwise to make its text upright, by Tesseract's
    orientation detection; 0 when it cannot tell (too little text) or is not confident."""
    try:
        lib = _library()
        if lib is None:
            found = _binary_orientation(image)
        elif _in_helper():
            found = helper.orientation(_version(), image, TESSERACT_WALL_TIMEOUT)
        else:
            found = orientation(lib, image)
    except OcrFailedError:
        return 0
    if found is not None and found[1] >= ROTATION_CONFIDENCE:
        return found[0] % 360
    return 0


def _binary_orientation(image: Image.Image) -> tuple[int, float] | None:
    """("Rotate", "Orientation confidence") as the binary prints them, or None when it cannot tell."""
    rows = _tesseract(image, ["--psm", "0"])
    rotate = re.search(r"Rotate:\s*(\d+)", rows)
    confidence = re.search(r"Orientation confidence:\s*([\d.]+)", rows)
    return (int(rotate.group(1)), float(confidence.group(1))) if rotate and confidence else None


def _tesseract(image: Image.Image, args: list[str]) -> str:
    """Tesseract's standard output for ``image`` (sent as PPM: uncompressed is cheaper for both sides).

    Limited to :data:`TESSERACT_TIMEOUT` seconds of CPU by the kernel (``RLIMIT_CPU``: the process gets SIGXCPU when
    it has used them) and to :data:`TESSERACT_WALL_TIMEOUT` seconds on the wall clock; where a process's CPU cannot
    be limited (no ``prlimit``), :data:`TESSERACT_TIMEOUT` seconds on the wall clock.
    """
    check_size(image)
    buffer = BytesIO()
    image.save(buffer, format="PPM")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        process = subprocess.Popen(
            ["tesseract", "stdin", "stdout", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
    except FileNotFoundError as exc:
        raise OcrUnavailableError(
            f"the tesseract OCR program is not installed; install it with: {INSTALL_HINT}"
        ) from exc
    with process:
        wall = TESSERACT_WALL_TIMEOUT if _limit_cpu(process.pid, TESSERACT_TIMEOUT) else TESSERACT_TIMEOUT
        try:
            stdout, stderr = process.communicate(buffer.getvalue(), timeout=wall)
        except subprocess.TimeoutExpired as exc:
            process.kill()
            raise OcrFailedError(f"tesseract did not finish within {wall:g} s and was stopped") from exc
        except BaseException:  # Ctrl-C: no tesseract left behind
            process.kill()
            raise
    cpu_signal = getattr(signal, "SIGXCPU", None)  # POSIX
    if cpu_signal is not None and process.returncode == -cpu_signal:
        raise OcrFailedError(f"tesseract used more than {TESSERACT_TIMEOUT:g} s of CPU on one image and was stopped")
    if process.returncode != 0:
        raise OcrFailedError(f"tesseract failed: {stderr.decode(errors='replace').strip()[:300]}")
    return stdout.decode("utf-8", errors="replace")


def _limit_cpu(pid: int, seconds: float) -> bool:
    """Limit process ``pid`` to ``seconds`` of CPU (whole seconds, at least 1); False where that cannot be done."""
    limit = max(1, math.ceil(seconds))
    try:
        import resource  # POSIX only

        resource.prlimit(pid, resource.RLIMIT_CPU, (limit, limit + 5))  # SIGXCPU at the first, SIGKILL at the second
    except ProcessLookupError:
        return True  # already finished
    except (ImportError, AttributeError, OSError, ValueError):
        return False
    return True
