"""OCR cost per page: kompass-extract's OCR of scanned pages against bare ``tesseract`` on the same page images.

What is compared (issue 12: the tool <= 1.3x bare Tesseract per page; issue 18: <= 1.2x):

* **the same images**: the pages of a degraded scan of a generated fixture (:mod:`kompass_testing.degrade`),
  rendered exactly as the tool renders them (grey, 300 dpi) and written as uncompressed PGM files, so bare Tesseract
  spends nothing on decoding; the tool starts from the PDF and pays for rendering, clean-up (paper, skew, rules),
  reading, the digits-only re-read of numbers and the list-marker search;
* **bare Tesseract, two ways**, both ``-l swe --psm 11 --dpi 300 tsv`` with one OpenMP thread (what the tool asks
  for): one process per page image (a script over page images; each start loads the model), and one process for
  all the page images (a list file: the model is loaded once, the cheapest way to run bare Tesseract);
* **the tool** reads the same pages in one :func:`ocr_document` call (no cache), its loaded Tesseract engines
  dropped before each run, so it pays its model loads once per run as the one-process Tesseract does: as
  ``kompass-extract extract``'s workers run it (Tesseract's library in the process itself; the figure the targets
  are checked on), and as a library call from the user's own process runs it (the library in a helper process,
  started and ended in the run, so its CPU counts).

Each way runs ``--repeats`` times, alternating, and the best run counts (the least disturbed by the machine's other
work); per page = the run's total / pages. CPU seconds are this process and its children (what the work costs,
whatever else runs on the machine), wall seconds what a user waits (on a shared machine also the neighbours).
``--stages`` adds where the tool's CPU goes, per page (median over the pages of the best run's process).

Usage: ``python bench/ocr.py [--pages 6] [--repeats 3] [--degradation grey-200-skew] [--stages]`` (``make bench``).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIXTURE = ROOT / "fixtures" / "generated" / "skl2016-baseline" / "report.pdf"
DPI = 300
TARGETS = (("issue 12", 1.3), ("issue 18", 1.2))
STAGES = (
    ("pages", "whiten_paper"),
    ("pages", "clear_dark_edges"),
    ("upright", "estimate_skew"),
    ("upright", "deskew"),
    ("upright", "remove_rules"),
    ("upright", "run_tesseract"),
    ("pages", "reread_numbers"),
    ("pages", "find_markers"),
)
"""The steps of :func:`kompass_extract.read.ocr.pages.ocr_image`, each by the module of ``kompass_extract.read.ocr``
that calls it, timed by ``--stages`` (``run_tesseract`` there is the main read, and the second one of a page read
turned; the digits pass is inside ``reread_numbers``)."""


HELPER_WAY = "kompass-extract, library call"
"""The tool called from the user's own process: Tesseract's library in a helper process."""


def _clock() -> tuple[float, float]:
    """(CPU seconds of this process and its finished children, wall seconds)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime, time.perf_counter()


def _timed(work: Callable[[], object]) -> tuple[float, float]:
    start = _clock()
    work()
    end = _clock()
    return end[0] - start[0], end[1] - start[1]


def _tesseract(source: Path) -> None:
    subprocess.run(
        ["tesseract", str(source), "stdout", "-l", "swe", "--psm", "11", "--dpi", str(DPI), "tsv"],
        check=True,
        capture_output=True,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    )


def _tool(scan: Path, pages: list[int], *, in_helper: bool = False) -> None:
    from kompass_extract.read.ocr import helper, libtesseract
    from kompass_extract.read.ocr.pages import ocr_document

    libtesseract._POOL.close()  # load the models in this run, as bare Tesseract does
    previous = os.environ.get("KOMPASS_TESSERACT")
    os.environ["KOMPASS_TESSERACT"] = "" if in_helper else "library"
    try:
        ocr_document(str(scan), pages, dpi=DPI, jobs=1)
    finally:
        helper.HELPERS.close()  # ended and waited for: its CPU counts as this process's children's
        if previous is None:
            del os.environ["KOMPASS_TESSERACT"]
        else:
            os.environ["KOMPASS_TESSERACT"] = previous


def _stages(scan: Path, pages_read: list[int]) -> dict[str, float]:
    """CPU seconds per page of each step of the tool's OCR; "render and the rest" is what the steps leave over."""
    from kompass_extract.read.ocr import pages, upright

    modules = {"pages": pages, "upright": upright}
    spent: dict[str, float] = defaultdict(float)

    def timing(name: str, step: Callable) -> Callable:
        def timed(*args: object, **kwargs: object) -> object:
            start = _clock()[0]
            try:
                return step(*args, **kwargs)
            finally:
                spent[name] += _clock()[0] - start

        return timed

    originals = {(module, name): getattr(modules[module], name) for module, name in STAGES}
    try:
        for (module, name), step in originals.items():
            setattr(modules[module], name, timing(name, step))
        total, _ = _timed(lambda: _tool(scan, pages_read))
    finally:
        for (module, name), step in originals.items():
            setattr(modules[module], name, step)
    spent["render and the rest"] = total - sum(spent.values())
    return {name: seconds / len(pages_read) for name, seconds in spent.items()}


def ocr_figures(pages: int = 6, degradation: str = "grey-200-skew", repeats: int = 3, stages: bool = False) -> str:
    """The comparison as printed lines."""
    from kompass_testing.degrade import DEGRADATIONS, cached_degraded_pdf

    with tempfile.TemporaryDirectory() as tmp:
        scan = cached_degraded_pdf(FIXTURE, DEGRADATIONS[degradation], tmp)
        pdf = pdfium.PdfDocument(str(scan))
        numbers = list(range(1, min(pages, len(pdf)) + 1))
        images = [Path(tmp) / f"page-{n}.pgm" for n in numbers]
        for n, image in zip(numbers, images, strict=True):
            pdf[n - 1].render(scale=DPI / 72, grayscale=True).to_pil().convert("L").save(image)
        pdf.close()
        listing = Path(tmp) / "pages.txt"
        listing.write_text("".join(f"{image}\n" for image in images), encoding="utf-8")
        ways: dict[str, Callable[[], object]] = {
            "bare tesseract, one process per page": lambda: [_tesseract(image) for image in images],
            "bare tesseract, one process for all": lambda: _tesseract(listing),
            "kompass-extract": lambda: _tool(scan, numbers),
            HELPER_WAY: lambda: _tool(scan, numbers, in_helper=True),
        }
        _tool(scan, numbers[:1])  # imports, the library, the model files in the disk cache
        runs: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for _ in range(repeats):
            for name, work in ways.items():
                runs[name].append(_timed(work))
        parts = _stages(scan, numbers) if stages else {}
    best = {
        name: (min(c for c, _ in r) / len(numbers), min(w for _, w in r) / len(numbers)) for name, r in runs.items()
    }
    tool = best["kompass-extract"]
    lines = [
        f"OCR of {len(numbers)} pages ({degradation} scan of {FIXTURE.parent.name}, {DPI} dpi), seconds per page,"
        f" best of {repeats} runs:",
        f"  {'':38} {'CPU':>6} {'wall':>6}   tool/bare CPU  wall",
    ]
    for name, (cpu, wall) in best.items():
        ratio = "" if name.startswith("kompass-extract") else f"   {tool[0] / cpu:11.2f}x {tool[1] / wall:5.2f}x"
        lines.append(f"  {name:38} {cpu:6.2f} {wall:6.2f}{ratio}")
    for name in ("bare tesseract, one process per page", "bare tesseract, one process for all"):
        ratio = tool[0] / best[name][0]
        verdicts = ", ".join(
            f"{issue} <= {limit}x {'met' if ratio <= limit else 'NOT met'}" for issue, limit in TARGETS
        )
        lines.append(f"  CPU {ratio:.2f}x {name}: {verdicts}")
    extra = best[HELPER_WAY][0] / tool[0] - 1
    lines.append(f"  a library call (Tesseract in a helper process) costs {extra:+.1%} CPU against the workers' way")
    if parts:
        lines.append("  where the tool's CPU goes, seconds per page:")
        lines += [f"    {name:24} {seconds:6.3f}" for name, seconds in parts.items()]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=6)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--degradation", default="grey-200-skew")
    parser.add_argument("--stages", action="store_true", help="also time the steps of the tool's OCR")
    args = parser.parse_args()
    print(ocr_figures(args.pages, args.degradation, args.repeats, args.stages))


if __name__ == "__main__":
    main()
