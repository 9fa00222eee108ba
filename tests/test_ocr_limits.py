"""Tesseract's time limit counts the CPU a page used, not the wall clock: a page that only waits for a processor (an
overloaded machine, a stopped and continued process) is read; one that computes too long, or hangs, is stopped with a
typed error. And the way out of the library in this process (KOMPASS_TESSERACT=binary)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image
from scan_fixture import text_crop

from kompass_extract.errors import OcrFailedError
from kompass_extract.read.ocr import tesseract
from kompass_extract.read.ocr.pages import tesseract_available

needs_tesseract = pytest.mark.skipif(not tesseract_available(), reason="tesseract with the swe model is not installed")
needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to see a stopped process")
TSV = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
TSV += "5\t1\t1\t1\t1\t1\t0\t0\t8\t8\t91.5\tread\n"


def _fake_tesseract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str, *, binary: bool = True) -> None:
    """A ``tesseract`` on the PATH running ``script``, and (``binary``) the binary, not the library, used."""
    fake = tmp_path / "bin" / "tesseract"
    fake.parent.mkdir()
    fake.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    if binary:
        monkeypatch.setattr(tesseract, "_library", lambda: None)


def test_binary_that_only_waits_is_not_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two seconds on the wall clock, almost no CPU, against a limit of one second: read (it failed as hung)."""
    _fake_tesseract(tmp_path, monkeypatch, f"cat > /dev/null\nsleep 2\nprintf '{TSV}'")
    monkeypatch.setattr(tesseract, "TESSERACT_TIMEOUT", 1.0)
    rows = tesseract.run_tesseract(Image.new("L", (10, 10), 255), dpi=300, lang="swe", psm=11)
    assert [(row["text"], row["conf"]) for row in rows] == [("read", 91.5)]


@pytest.mark.parametrize(
    ("script", "limit", "message"),
    [
        ("while :; do :; done", "TESSERACT_TIMEOUT", "used more than 1 s of CPU"),  # computes too long
        ("sleep 60", "TESSERACT_WALL_TIMEOUT", "did not finish within 1 s"),  # hangs without computing
    ],
)
def test_binary_that_computes_too_long_or_hangs_is_stopped(
    script: str, limit: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_tesseract(tmp_path, monkeypatch, script)
    monkeypatch.setattr(tesseract, limit, 1.0)
    start = time.monotonic()
    with pytest.raises(OcrFailedError, match=message):
        tesseract.run_tesseract(Image.new("L", (10, 10), 255), dpi=300, lang="swe", psm=11)
    assert time.monotonic() - start < 30


@needs_tesseract
def test_engine_variable_reads_with_the_binary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """KOMPASS_TESSERACT=binary (the way out if the library crashes in this process) reads with the program."""
    _library_or_skip()
    _fake_tesseract(tmp_path, monkeypatch, f"cat > /dev/null\nprintf '{TSV}'", binary=False)
    monkeypatch.setenv("KOMPASS_TESSERACT", "binary")
    rows = tesseract.run_tesseract(Image.new("L", (10, 10), 255), dpi=300, lang="swe", psm=11)
    assert [row["text"] for row in rows] == ["read"]


def _library_or_skip() -> None:
    if tesseract._library() is None:
        pytest.skip("libtesseract is not usable here (the binary is used)")


@needs_tesseract
@pytest.mark.parametrize("engine", ["library", ""])  # in this process, in a helper process
@pytest.mark.parametrize(
    ("limit", "message"),
    [
        ("TESSERACT_TIMEOUT", "used more than 0.001 s of CPU"),
        ("TESSERACT_WALL_TIMEOUT", "did not finish within 0.001 s"),
    ],
)
def test_library_call_over_its_cpu_or_wall_limit_is_stopped(
    limit: str, message: str, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _library_or_skip()
    monkeypatch.setenv("KOMPASS_TESSERACT", engine)
    monkeypatch.setattr(tesseract, limit, 0.001)
    with pytest.raises(OcrFailedError, match=message):
        tesseract.run_tesseract(text_crop(6), dpi=200, lang="swe", psm=11)


STOPPED_READER = """
import os, signal, sys, threading
from PIL import Image
from kompass_extract.read.ocr import tesseract
image = Image.open(sys.argv[1])
tesseract.run_tesseract(image.crop((0, 0, 300, 100)), dpi=200, lang="swe", psm=11)  # the model loaded
tesseract.TESSERACT_TIMEOUT = float(sys.argv[2])
threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGSTOP)).start()  # stopped while Tesseract reads
rows = tesseract.run_tesseract(image, dpi=200, lang="swe", psm=11)
print(sum(1 for row in rows if row["text"].strip()))
"""


def _state(pid: int) -> str:
    with open(f"/proc/{pid}/stat") as fh:
        return fh.read().rsplit(")", 1)[1].split()[0]


@needs_tesseract
@needs_proc
def test_library_call_of_a_stopped_process_is_not_stopped(tmp_path: Path) -> None:
    """A process stopped (SIGSTOP, as a busy machine's scheduler or a person may) for longer than the limit while
    Tesseract reads, then continued: the page is read, its CPU being far under the limit (it failed as hung)."""
    _library_or_skip()
    image = tmp_path / "crop.png"
    text_crop(6).save(image)
    limit = 1.5
    reader = subprocess.Popen(
        [sys.executable, "-c", STOPPED_READER, str(image), str(limit)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "KOMPASS_TESSERACT": "library"},  # Tesseract in the process stopped
    )
    try:
        deadline = time.monotonic() + 120
        while reader.poll() is None and _state(reader.pid) != "T" and time.monotonic() < deadline:
            time.sleep(0.02)
        assert reader.poll() is None, reader.communicate()
        time.sleep(limit + 1.0)  # stopped longer than the limit
        os.kill(reader.pid, signal.SIGCONT)
        out, err = reader.communicate(timeout=120)
    finally:
        if reader.poll() is None:
            reader.kill()
            reader.communicate()
    assert reader.returncode == 0, err
    assert int(out) > 5
