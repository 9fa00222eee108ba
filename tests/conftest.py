"""Shared test helpers: small PDFs made on the fly, broken inputs, and a stub extractor for batch tests.

The stub runs in spawned worker processes, which import this module by name (``conftest``), so it must stay
a module-level function and this module must import nothing heavy at the top.
"""

from __future__ import annotations

import csv
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from kompass_extract.errors import NotKommunkompassError
from kompass_extract.model import Area, Check, Finding, Question, Report, Section

ROOT = Path(__file__).resolve().parent.parent
LULEA_PDF = ROOT / "fixtures" / "lulea-2018" / "report.pdf"


def make_pdf(path: Path, lines: list[str], *, encrypt: bool = False) -> Path:
    """A one-page PDF with a text layer holding ``lines`` (optionally password-protected)."""
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    encryption = pdfencrypt.StandardEncryption("user", "owner") if encrypt else None
    pdf = canvas.Canvas(str(path), encrypt=encryption, invariant=1)
    for i, line in enumerate(lines):
        pdf.drawString(72, 760 - 16 * i, line)
    pdf.showPage()
    pdf.save()
    return path


def make_stub_report(path: Path, kommunkod: str, year: int, month: str = "oktober", **directives: object) -> Path:
    """A PDF that :func:`stub_extract` reads as a report; directives: sleep=<s>, crash=1, die=1, alloc=<MB>,
    replace_with=<name of a file beside it>, child=<file to write the pid of a hanging helper program to>,
    ocr_pages=<n> (reported to the OCR progress hook; page_seconds=<s> each), text=<KB> (a section of that much text: a bulky report),
    signal=<number> (the worker killed by that signal, as a crash in native code)."""
    lines = ["KommunKompassen", f"kommunkod={kommunkod}", f"year={year}", f"month={month}"]
    return make_pdf(path, lines + [f"{k}={v}" for k, v in directives.items()])


def stub_extract(
    path: str,
    *,
    data: bytes | None = None,
    edition: str | None = None,
    ocr: str = "auto",
    max_pages: int = 500,
    **options: Any,
) -> Report:
    """Stand-in for :func:`kompass_extract.extract`: real PDF checks, then a report from ``key=value`` lines.

    Opening with the real reader gives broken inputs their real failure codes (empty-file, not-pdf, encrypted,
    corrupt); a PDF without the word KommunKompassen is ``not-kommunkompass``.
    """
    import hashlib

    from kompass_extract.read.document import open_pdf

    data = Path(path).read_bytes() if data is None else data  # the batch passes the bytes its worker read
    doc = open_pdf(path, data)
    text = "\n".join(p.text for p in doc.pages)
    doc.close()
    if "KommunKompassen" not in text:
        raise NotKommunkompassError("no Kommunkompass cue")
    values = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    if "replace_with" in values:  # the file is replaced by another after the worker read it
        shutil.copyfile(Path(path).parent / values["replace_with"], path)
    if "alloc" in values:  # a file that needs this many MB of memory
        hog = bytearray(int(values["alloc"]) << 20)
        del hog
    if "child" in values:  # a helper program (like tesseract) that hangs
        import subprocess

        helper = subprocess.Popen(["sleep", "300"])
        Path(values["child"]).write_text(str(helper.pid), encoding="utf-8")
    if "ocr_pages" in values and options.get("ocr_progress"):  # OCR progress as read.ocr.pages reports it
        from kompass_extract.read.ocr.pages import OcrProgress

        total = int(values["ocr_pages"])
        for page in range(1, total + 1):
            options["ocr_progress"](OcrProgress(page, 0, total, False))
            time.sleep(float(values.get("page_seconds", 0)))
            options["ocr_progress"](OcrProgress(page, page, total, True))
    if "sleep" in values:
        time.sleep(float(values["sleep"]))
    if "crash" in values:
        raise ValueError("stub crash")
    if "die" in values:
        os._exit(3)
    if "signal" in values:  # a crash in native code
        os.kill(os.getpid(), int(values["signal"]))
    area = Area(1, name="Offentlighet och demokrati", score=55.0, max=100.0, percent=None, header_score=55.0, page=3)
    area.questions = [Question(1, "1.1", "Finns en strategi?", 7.0, 10.0, 70.0, page=20, bbox=(1.0, 2.0, 3.0, 4.0))]
    area.findings = [
        Finding("strength", 1, "Tydlig strategi", page=4),
        Finding("improvement", 1, "=Mer dialog", page=4),
    ]
    if "text" in values:
        area.sections = [Section("Allmänt", ["Text " * (int(values["text"]) * 1024 // 5)], page=5)]
    return Report(
        source_file=path,
        sha256=hashlib.sha256(data).hexdigest(),
        pages=1,
        municipality=f"Kommun {values['kommunkod']}",
        kommunkod=values["kommunkod"],
        year=int(values["year"]),
        month=values["month"],
        edition=edition or "2016",
        areas=[area],
        checks=[Check("warning", "stub-check", "a warning", area_no=1)],
        extractor_version="stub",
    )


def make_broken_inputs(directory: Path) -> dict[str, str]:
    """Broken inputs of every kind in ``directory``: file name -> the failure code it must get."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "empty.pdf").write_bytes(b"")
    (directory / "notes.pdf").write_text("Det här är en textfil, ingen PDF.\n", encoding="utf-8")
    data = LULEA_PDF.read_bytes()
    (directory / "truncated.pdf").write_bytes(data[: len(data) // 2])
    make_pdf(directory / "locked.pdf", ["KommunKompassen", "Hemlig"], encrypt=True)
    make_pdf(directory / "invoice.pdf", ["Faktura 2018-10-01", "Att betala: 1 200 kr"])
    return {
        "empty.pdf": "empty-file",
        "notes.pdf": "not-pdf",
        "truncated.pdf": "corrupt",
        "locked.pdf": "encrypted",
        "invoice.pdf": "not-kommunkompass",
    }


def copy_with_extra_byte(source: Path, target: Path, extra: bytes) -> Path:
    """A copy whose sha256 differs (one byte appended after %%EOF, which readers ignore)."""
    shutil.copyfile(source, target)
    with open(target, "ab") as fh:
        fh.write(extra)
    return target


@pytest.fixture
def broken_inputs(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    directory = tmp_path / "broken"
    return directory, make_broken_inputs(directory)


def read_csv(path: Path) -> list[dict[str, str]]:
    """An output CSV as rows of strings, the way a user's csv module would read it."""
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))
