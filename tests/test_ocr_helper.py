"""OCR called from the user's own process runs Tesseract's library in a helper process: the same words, and a crash
in the library fails the image with a typed error instead of ending the caller (issue 18's left-out)."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest
from PIL import Image
from scan_fixture import text_crop

from kompass_extract.errors import OcrFailedError
from kompass_extract.read.ocr import helper, libtesseract, tesseract
from kompass_extract.read.ocr.pages import tesseract_available

pytestmark = pytest.mark.skipif(not tesseract_available(), reason="tesseract with the swe model is not installed")


@pytest.fixture(autouse=True)
def _library_or_skip(monkeypatch: pytest.MonkeyPatch) -> None:
    if tesseract._library() is None:
        pytest.skip("libtesseract is not usable here (the binary is used)")
    monkeypatch.delenv("KOMPASS_TESSERACT", raising=False)


def _idle_helpers() -> list[helper._Helper]:
    return [h for group in helper.HELPERS.idle.values() for h in group]


def _read(image: Image.Image) -> list[tuple[str, float]]:
    return [(r["text"], r["conf"]) for r in tesseract.run_tesseract(image, dpi=200, lang="swe", psm=11)]


def test_a_library_call_reads_in_a_helper_process_what_the_library_reads_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """The default for a caller's own process: no Tesseract engine is loaded in it, a helper process reads, and the
    words, confidences and orientation are those of the library in this process."""
    crop = text_crop()
    engines = len(libtesseract._POOL.every)
    in_helper = _read(crop), tesseract.page_rotation(crop.rotate(90, expand=True))
    assert len(libtesseract._POOL.every) == engines  # nothing read in this process
    helpers = _idle_helpers()
    assert helpers and all(h.process.poll() is None and h.process.pid != os.getpid() for h in helpers)
    monkeypatch.setenv("KOMPASS_TESSERACT", "library")
    assert in_helper == (_read(crop), tesseract.page_rotation(crop.rotate(90, expand=True)))
    assert len([text for text, _ in in_helper[0] if text.strip()]) > 5 and in_helper[1] == 90


@pytest.mark.skipif(not hasattr(signal, "SIGSEGV"), reason="POSIX signals")
def test_a_crash_in_the_library_fails_the_image_and_the_caller_goes_on() -> None:
    """The helper killed by SIGSEGV while it reads (what a crash in libtesseract does): the call fails with a typed
    error naming the signal, this process lives on, and the next image is read by a new helper."""
    crop = text_crop(6)
    helper.HELPERS.close()  # helpers left by earlier reads (one per thread that read)
    _read(crop.crop((0, 0, 300, 100)))  # one helper, its model loaded
    (victim,) = _idle_helpers()
    failure: list[BaseException] = []

    def read() -> None:
        try:
            _read(crop)
        except OcrFailedError as exc:
            failure.append(exc)

    reader = threading.Thread(target=read)
    reader.start()
    deadline = time.monotonic() + 60
    while _idle_helpers() and time.monotonic() < deadline:  # taken by the reader
        time.sleep(0.005)
    os.kill(victim.process.pid, signal.SIGSEGV)
    reader.join(120)
    assert not reader.is_alive()
    assert len(failure) == 1 and "signal 11, SIGSEGV" in str(failure[0])
    assert victim.process.poll() == -signal.SIGSEGV
    assert len([text for text, _ in _read(crop) if text.strip()]) > 5
    assert [h.process.pid for h in _idle_helpers()] != [victim.process.pid]


def test_a_helper_that_does_not_answer_is_stopped(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A helper that hangs (reads nothing, answers nothing) fails the image after the wall limit and a margin, and
    is ended; a new one reads the next image."""
    monkeypatch.setattr(helper, "COMMAND", [sys.executable, "-c", "import time; time.sleep(60)"])
    monkeypatch.setattr(helper, "WALL_MARGIN", 0.5)
    monkeypatch.setattr(tesseract, "TESSERACT_WALL_TIMEOUT", 0.5)
    helper.HELPERS.close()
    start = time.monotonic()
    with pytest.raises(OcrFailedError, match="did not answer within 1 s"):
        _read(text_crop(6))  # more pixels than a pipe holds: the write waits too
    assert time.monotonic() - start < 30
    assert _idle_helpers() == []
    monkeypatch.undo()
    assert len([text for text, _ in _read(text_crop()) if text.strip()]) > 5
