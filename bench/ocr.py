"""OCR cost per page: kompass-extract's OCR of a scanned page against bare ``tesseract`` on the same page image.

The scan is a degraded copy of a generated fixture (:mod:`kompass_testing.degrade`). Both sides get the page as the
tool sees it (rendered grey at 300 dpi); bare Tesseract reads that image from a file with the tool's page
segmentation mode and one thread, the tool renders, cleans (paper, skew, rules), reads and re-reads numbers. Pages
alternate between the two so that a change in the machine's load hits both alike; the median per page is compared,
in CPU seconds (this process and its children: what the work costs, whatever else runs on the machine) and in wall
seconds (what a user waits, which on a shared machine also measures the neighbours).

Usage: ``python bench/ocr.py [--pages 6] [--degradation grey-200-skew]`` (part of ``make bench``).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIXTURE = ROOT / "fixtures" / "generated" / "skl2016-baseline" / "report.pdf"
DPI = 300


def _clock() -> tuple[float, float]:
    """(CPU seconds of this process and its finished children, wall seconds)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime, time.perf_counter()


def _since(start: tuple[float, float]) -> tuple[float, float]:
    now = _clock()
    return now[0] - start[0], now[1] - start[1]


def bare_tesseract(image: Path) -> tuple[float, float]:
    """(CPU, wall) seconds for the tesseract binary alone to read ``image`` (TSV, sparse text, one thread)."""
    started = _clock()
    subprocess.run(
        ["tesseract", str(image), "stdout", "-l", "swe", "--psm", "11", "--dpi", str(DPI), "tsv"],
        check=True,
        capture_output=True,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    )
    return _since(started)


def tool(scan: Path, page: int) -> tuple[float, float]:
    """(CPU, wall) seconds for the tool's OCR of one page (render, clean-up, read, number re-read), no cache."""
    from kompass_extract.read.ocr.pages import ocr_document

    started = _clock()
    ocr_document(str(scan), [page], dpi=DPI, jobs=1)
    return _since(started)


def ocr_figures(pages: int, degradation: str) -> str:
    """The comparison as printed lines."""
    from kompass_testing.degrade import DEGRADATIONS, cached_degraded_pdf

    with tempfile.TemporaryDirectory() as tmp:
        scan = cached_degraded_pdf(FIXTURE, DEGRADATIONS[degradation], tmp)
        pdf = pdfium.PdfDocument(str(scan))
        numbers = list(range(1, min(pages, len(pdf)) + 1))
        images = {}
        for n in numbers:
            images[n] = Path(tmp) / f"page-{n}.png"
            pdf[n - 1].render(scale=DPI / 72, grayscale=True).to_pil().convert("L").save(images[n])
        pdf.close()
        tool(scan, numbers[0])  # warm up imports and the model files
        bare, ours = [], []
        for n in numbers:
            bare.append(bare_tesseract(images[n]))
            ours.append(tool(scan, n))
    lines = [f"OCR of {len(numbers)} pages ({degradation} scan of {FIXTURE.parent.name}), median seconds per page:"]
    for n, what in enumerate(("CPU", "wall")):
        b, k = statistics.median(x[n] for x in bare), statistics.median(x[n] for x in ours)
        lines.append(f"  {what:4}: bare tesseract {b:.2f}s, kompass-extract {k:.2f}s -> {k / b:.2f}x (target <= 1.2x)")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=6)
    parser.add_argument("--degradation", default="grey-200-skew")
    args = parser.parse_args()
    print(ocr_figures(args.pages, args.degradation))


if __name__ == "__main__":
    main()
