"""`make bench`: kompass-extract against the obvious alternatives, on the same report PDFs.

Prints, per report and as ratios to the naive pdfplumber pass (b):
  (a) pypdfium2 reading every page's text (about the floor of touching the text layer),
  (b) pdfplumber ``extract_text()`` on every page (the naive pass),
  (c) camelot lattice on every page (a generic table tool),
  (d) kompass-extract converting the file, cold (first call in a fresh process) and warm;
then the batch figures: ``--jobs 2`` against ``--jobs 1``, a rerun with the cache, and the peak
memory of a worker. Each tool runs in a process of its own so that imports and caches of one do
not flatter another. Not part of ``make test``: it takes a few minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TOOLS = {
    "pypdfium2": """
import pypdfium2 as pdfium
pdf = pdfium.PdfDocument(PATH)
for page in pdf:
    page.get_textpage().get_text_range()
""",
    "pdfplumber": """
import pdfplumber
with pdfplumber.open(PATH) as pdf:
    for page in pdf.pages:
        page.extract_text()
""",
    "camelot": """
import camelot
camelot.read_pdf(PATH, pages="all", flavor="lattice")
""",
    "kompass-extract": """
from kompass_extract import extract
extract(PATH)
""",
}

RUNNER = """
import json, sys, time, warnings
warnings.filterwarnings("ignore")
PATH = sys.argv[1]
code = sys.argv[2]
repeats = int(sys.argv[3])
times = []
for _ in range(repeats):
    t = time.perf_counter()
    exec(code, {"PATH": PATH})
    times.append(time.perf_counter() - t)
print(json.dumps(times))
"""


def time_tool(tool: str, pdf: Path, repeats: int) -> list[float]:
    """Run one tool on one PDF in a fresh process; the first time is cold, the rest warm."""
    out = subprocess.run(
        [sys.executable, "-c", RUNNER, str(pdf), TOOLS[tool], str(repeats)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def batch(files: list[Path], jobs: int, out: Path, force: bool) -> float:
    from kompass_extract.batch import convert

    t = time.perf_counter()
    summary = convert([str(f) for f in files], out, jobs=jobs, force=force, formats=("csv",))
    elapsed = time.perf_counter() - t
    assert summary.failed == 0, summary.failures
    return elapsed


def batch_figures_for(lulea: Path, generated: list[Path]) -> str:
    """Batch timings first, so that the children's peak RSS is the workers' alone."""
    files = [lulea, *generated]
    with tempfile.TemporaryDirectory() as tmp:
        one = batch(files, 1, Path(tmp) / "jobs1", force=True)
        two = batch(files, 2, Path(tmp) / "jobs2", force=True)
        rerun = batch(files, 2, Path(tmp) / "jobs2", force=False)
        shutil.rmtree(Path(tmp) / "jobs1")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    lines = [
        f"batch of {len(files)} reports: --jobs 1 {one:.2f}s, --jobs 2 {two:.2f}s -> speed-up {one / two:.2f}x (target >= 1.7x)",
        f"rerun with the cache: {rerun:.2f}s = {rerun / len(files):.3f}s per report (target <= 0.05)",
        f"peak memory of a worker process: {peak_mb:.0f} MB (target < 400 MB)",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=3, help="reports timed tool by tool (Luleå first)")
    parser.add_argument("--camelot-reports", type=int, default=1, help="camelot is slow: time it on this many")
    args = parser.parse_args()

    lulea = ROOT / "fixtures" / "lulea-2018" / "report.pdf"
    generated = sorted((ROOT / "fixtures" / "generated").glob("*/report.pdf"))
    reports = [lulea, *generated][: args.reports]
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    batch_figures = batch_figures_for(lulea, generated)
    print(f"reports timed one by one: {', '.join(p.parent.name for p in reports)}\n")

    header = f"{'report':32} {'pages':>5} {'(a) pdfium':>11} {'(b) plumber':>12} {'(c) camelot':>12} {'(d) cold':>9} {'(d) warm':>9} {'warm/(b)':>9}"
    print(header)
    print("-" * len(header))
    rows = []
    import pypdfium2 as pdfium

    for n, pdf in enumerate(reports):
        pages = len(pdfium.PdfDocument(str(pdf)))
        a = statistics.median(time_tool("pypdfium2", pdf, 3)[1:])
        b = statistics.median(time_tool("pdfplumber", pdf, 2))
        c = time_tool("camelot", pdf, 1)[0] if n < args.camelot_reports else None
        k = time_tool("kompass-extract", pdf, 4)
        cold, warm = k[0], statistics.median(k[1:])
        rows.append((a, b, c, cold, warm))
        c_text = f"{c:11.2f}s" if c is not None else f"{'-':>12}"
        print(
            f"{pdf.parent.name:32} {pages:5d} {a:10.3f}s {b:11.2f}s {c_text} {cold:8.2f}s {warm:8.3f}s {warm / b:9.3f}"
        )
    a, b, c, cold, warm = (
        statistics.mean(x for x in col if x is not None) if any(x is not None for x in col) else None
        for col in zip(*rows, strict=True)
    )
    print(f"\nmean seconds per report: (a) {a:.3f}  (b) {b:.2f}  (c) {c:.2f}  (d) cold {cold:.2f}, warm {warm:.3f}")
    print(
        f"ratios to (b): (a) {a / b:.3f}  (c) {c / b:.2f}  (d) cold {cold / b:.3f}, warm {warm / b:.3f}  (target: warm <= 0.15)"
    )

    print()
    print(batch_figures)


if __name__ == "__main__":
    main()
