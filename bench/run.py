"""`make bench`: kompass-extract against the obvious alternatives, on the same report PDFs.

Prints, per report and as ratios to the naive pdfplumber pass (b):
  (a) pypdfium2 reading every page's text (about the floor of touching the text layer),
  (b) pdfplumber ``extract_text()`` on every page (the naive pass),
  (c) camelot lattice on every page (a generic table tool),
  (d) kompass-extract converting the file, cold (first call in a fresh process) and warm;
then the ratio of (d) warm to (a), the distance to the pdfium limit, in CPU time for one file of each producer (Word's
Luleå, reportlab, Chromium, LibreOffice, Typst: a producer that places glyphs one by one costs more per word than its
text pass), the two measured in one process in turns (see :func:`pdfium_ratios`); then the batch figures: ``--jobs 2``
against ``--jobs 1``, a rerun with the cache, and an archive-scale batch of ``BENCH_REPORTS`` (default
5,000) synthetic reports: copies of the fixtures made distinct by a comment after ``%%EOF``, so that
nothing comes from the cache. Each batch runs in a fresh process; its memory is read from /proc: the
parent's own peak (VmHWM) and each worker's, polled while it runs (``ru_maxrss`` of the children is no
use here: a child started by fork+exec reports the parent's peak from before the exec). Seconds per report
follow the load of a shared machine, so each batch also reports its CPU seconds per report, the parent's
own and its workers' (``getrusage``: the workers are joined when the batch ends), and the load average.
Each tool runs in a process of its own so that imports and caches of one do not flatter another. Not part
of ``make test``: it takes several minutes (``BENCH_REPORTS=500 make bench`` for a quicker run). Last, the
review site's build rate and size per report (bench/review_site.py, ``BENCH_REVIEW_COPIES`` copies of each
fixture).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

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
times, cpu = [], []
for _ in range(repeats):
    t, c = time.perf_counter(), time.process_time()
    exec(code, {"PATH": PATH})
    times.append(time.perf_counter() - t)
    cpu.append(time.process_time() - c)
print(json.dumps([times, cpu]))
"""


RATIO_RUNNER = """
import functools, gc, json, sys, tempfile, time, warnings
from pathlib import Path
warnings.filterwarnings("ignore")
from kompass_extract import extract
target, others, rounds, text_pass = Path(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
def forget():  # every cache of the library emptied: the content-keyed ones (folded lines, label tests, texts) too
    for obj in gc.get_objects():
        if isinstance(obj, functools._lru_cache_wrapper) and obj.__module__.startswith("kompass_extract"):
            obj.cache_clear()
def cpu(run, *args):
    c = time.process_time()
    run(*args)
    return time.process_time() - c
figures = {"pass": [], "first": [], "same": []}
with tempfile.TemporaryDirectory() as tmp:
    for n in range(rounds):
        forget()
        for other in others:  # the process converts other reports first, as a worker of an archive batch has
            extract(other)
        copy = Path(tmp) / f"{n}-{target.name}"  # distinct bytes too: nothing keyed by the file's hash can hit
        copy.write_bytes(target.read_bytes() + f"\\n% first-time copy {n}\\n".encode())
        figures["pass"].append(cpu(exec, text_pass, {"PATH": str(copy)}))
        figures["first"].append(cpu(extract, str(copy)))
        figures["pass"].append(cpu(exec, text_pass, {"PATH": str(target)}))
        figures["same"].append(cpu(extract, str(target)))  # the copy's lines fill the caches: the same text again
print(json.dumps({k: min(v) for k, v in figures.items()}))
"""


def run_python(code: str, *args: str, stdin: str | None = None) -> Any:
    """Run ``code`` in a fresh Python process; the JSON it prints last."""
    out = subprocess.run(
        [sys.executable, "-c", code, *args], input=stdin, check=True, stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def time_tool(tool: str, pdf: Path, repeats: int) -> list[float]:
    """Run one tool on one PDF in a fresh process; the seconds of each run, the first cold, the rest warm."""
    return run_python(RUNNER, str(pdf), TOOLS[tool], str(repeats))[0]


def cpu_tool(tool: str, pdf: Path, repeats: int) -> tuple[float, float]:
    """Best warm (wall, CPU) seconds of one tool on one PDF. CPU time, the process's own, is what other
    load on a shared machine disturbs least."""
    wall, cpu = run_python(RUNNER, str(pdf), TOOLS[tool], str(repeats + 1))
    return min(wall[1:]), min(cpu[1:])


BATCH_RUNNER = """
import json, os, resource, sys, threading, time
from pathlib import Path
from kompass_extract.batch import convert

def status_kb(pid, key):
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        return None

def workers(pid):
    # the children of pid that multiprocessing's spawn started (not its resource tracker)
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat") as fh:
                    parent = int(fh.read().rsplit(")", 1)[1].split()[1])
                with open(f"/proc/{entry.name}/cmdline", "rb") as fh:
                    if parent == pid and b"spawn_main" in fh.read():
                        found.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                pass
    return found

peaks, done, polling = {}, threading.Event(), [0.0]
def poll():
    while not done.wait(0.05):
        for child in workers(os.getpid()):
            kb = status_kb(child, "VmHWM")
            if kb:
                peaks[child] = max(kb, peaks.get(child, 0))
    polling[0] = time.thread_time()  # this thread's own CPU: the bench's, not the batch's

def cpu(who):
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime

files, out, jobs, force = json.load(sys.stdin), sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
thread = threading.Thread(target=poll, daemon=True)
thread.start()
t, parent, children = time.perf_counter(), cpu(resource.RUSAGE_SELF), cpu(resource.RUSAGE_CHILDREN)
def milestone(p):  # every 500 finished files a line on stderr: a long archive run shows how it goes
    if p.event in ("ok", "failed") and p.done % 500 == 0:
        print(f"  {p.done}/{p.total} in {time.perf_counter() - t:.0f}s, parent VmHWM"
              f" {status_kb('self', 'VmHWM') / 1024:.0f} MB", file=sys.stderr, flush=True)

summary = convert(files, out, jobs=jobs, force=force, formats=("csv",), progress=milestone)
seconds = time.perf_counter() - t
done.set()
thread.join()
assert summary.failed == 0, summary.failures
print(json.dumps({
    "seconds": seconds,
    "reports": summary.converted + summary.from_cache,
    "parent_cpu": cpu(resource.RUSAGE_SELF) - parent - polling[0],
    "worker_cpu": cpu(resource.RUSAGE_CHILDREN) - children,  # workers are joined when the batch ends
    "parent_peak_mb": status_kb("self", "VmHWM") / 1024,
    "worker_peak_mb": max(peaks.values(), default=0) / 1024,
    "workers": len(peaks),
}))
"""


def batch(files: list[Path], jobs: int, out: Path, force: bool) -> dict[str, float]:
    """Convert ``files`` in a fresh process; its seconds, reports, parent and worker peak memory (MB)."""
    paths = json.dumps([str(f) for f in files])  # on stdin: 5,000 paths are more than one argument may hold
    return run_python(BATCH_RUNNER, str(out), str(jobs), str(int(force)), stdin=paths)


def synthetic_copies(sources: list[Path], count: int, folder: Path) -> list[Path]:
    """``count`` distinct reports: the sources in turn, each copy made unique by a comment after %%EOF."""
    copies = []
    for n in range(count):
        source = sources[n % len(sources)]
        copy = folder / f"{n:05d}-{source.parent.name}.pdf"
        copy.write_bytes(source.read_bytes() + f"\n% synthetic copy {n}\n".encode())
        copies.append(copy)
    return copies


def pdfium_ratios(pdfs: list[Path], repeats: int) -> str:
    """(d) against (a) in CPU time per file, both measured in one process, in turns, best of ``repeats`` rounds: the
    target (<= 3x) holds per file, so no mean hides a producer that misses it. Measured in turns, a change of the
    machine's speed (a shared virtual machine's neighbours) moves both figures alike instead of the ratio; measured in
    processes of their own, minutes apart, the ratio of the same tree moved by a third between runs.

    Two figures for (d), since they differ by ~10%: "first time", a warm process converting a file whose text it has
    not seen (in each round every cache is emptied, the other sample files are converted, as a batch worker has done
    before, then a copy of the file with distinct bytes once): what an archive pays; and "same file", the file
    converted again right after (the library's content-keyed caches, folded lines and label tests, then hold every
    line of it)."""
    lines = [
        f"conversion / pdfium text pass, CPU time, one process, in turns, best of {repeats} (target: <= 3 per file);"
        " first time: a warm process that converted other reports converts this one; same file: converted again:"
    ]
    for pdf in pdfs:
        others = json.dumps([str(p) for p in pdfs if p != pdf])
        best = run_python(RATIO_RUNNER, str(pdf), others, str(repeats), TOOLS["pypdfium2"])
        a, first, same = best["pass"], best["first"], best["same"]
        lines.append(
            f"  {pdf.parent.name:36} (a) {a * 1000:6.1f} ms  (d) first time {first * 1000:6.1f} ms  ratio"
            f" {first / a:.2f}  same file {same * 1000:6.1f} ms  ratio {same / a:.2f}"
        )
    return "\n".join(lines)


def producer_samples() -> list[Path]:
    """Luleå and the first fixture of each producer folder (reportlab, Chromium, LibreOffice, Typst)."""
    producers = ("generated", "chromium", "libreoffice", "typst")
    firsts = [min((ROOT / "fixtures" / name).glob("*/report.pdf")) for name in producers]
    return [ROOT / "fixtures" / "lulea-2018" / "report.pdf", *firsts]


def batch_figures_for(lulea: Path, generated: list[Path], archive_reports: int) -> str:
    files = [lulea, *generated]
    load_before = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory() as tmp:
        one = batch(files, 1, Path(tmp) / "jobs1", force=True)
        two = batch(files, 2, Path(tmp) / "jobs2", force=True)
        rerun = batch(files, 2, Path(tmp) / "jobs2", force=False)
        shutil.rmtree(Path(tmp) / "jobs1")
        copies = synthetic_copies(files, archive_reports, Path(tmp))
        load_archive = f"{os.getloadavg()[0]:.1f}"
        archive = batch(copies, 2, Path(tmp) / "archive", force=True) if archive_reports else None
    per_report, cpu_per_report = two["seconds"] / len(files), cpu_text(two)
    lines = [
        f"load average before the batches: {load_before}",
        f"batch of {len(files)} reports: --jobs 1 {one['seconds']:.2f}s, --jobs 2 {two['seconds']:.2f}s"
        f" -> speed-up {one['seconds'] / two['seconds']:.2f}x (target >= 1.7x), {per_report:.3f}s per report,"
        f" CPU {cpu_per_report}",
        f"rerun with the cache: {rerun['seconds']:.2f}s = {rerun['seconds'] / len(files):.3f}s per report"
        " (target <= 0.05)",
        f"peak memory (VmHWM from /proc): worker {max(one['worker_peak_mb'], two['worker_peak_mb']):.0f} MB"
        f" (target < 400 MB), parent {two['parent_peak_mb']:.0f} MB",
    ]
    if archive is not None:
        archive_per_report = archive["seconds"] / archive["reports"]
        cpu_ratio = per_report_cpu(archive) / per_report_cpu(two)
        lines.append(
            f"archive batch of {archive['reports']} synthetic reports, --jobs 2: {archive['seconds']:.1f}s ="
            f" {archive_per_report:.3f}s per report ({archive_per_report / per_report:.2f}x the {len(files)}-report"
            f" batch; target <= 1.10x), CPU {cpu_text(archive)} ({cpu_ratio:.2f}x the {len(files)}-report batch),"
            f" parent peak {archive['parent_peak_mb']:.0f} MB (target <= 600 MB), worker peak"
            f" {archive['worker_peak_mb']:.0f} MB over {archive['workers']} worker processes;"
            f" load average before/after the archive: {load_archive} / {os.getloadavg()[0]:.1f}"
        )
    return "\n".join(lines)


def per_report_cpu(figures: dict[str, float]) -> float:
    return (figures["parent_cpu"] + figures["worker_cpu"]) / figures["reports"]


def cpu_text(figures: dict[str, float]) -> str:
    """CPU seconds per report, parent and workers: what the load of other users of the machine disturbs least."""
    n = figures["reports"]
    return (
        f"{per_report_cpu(figures):.3f}s per report (parent {figures['parent_cpu'] / n:.3f}s"
        f" + workers {figures['worker_cpu'] / n:.3f}s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=3, help="reports timed tool by tool (Luleå first)")
    parser.add_argument("--camelot-reports", type=int, default=1, help="camelot is slow: time it on this many")
    parser.add_argument(
        "--repeats", type=int, default=7, help="warm runs of (a) and (d); the best counts (the machine may be shared)"
    )
    parser.add_argument("--batch-only", action="store_true", help="only the batch figures (jobs, cache, archive)")
    parser.add_argument(
        "--pdfium-only", action="store_true", help="only the warm/pdfium CPU ratio of one file of each producer"
    )
    args = parser.parse_args()

    lulea = ROOT / "fixtures" / "lulea-2018" / "report.pdf"
    generated = sorted((ROOT / "fixtures" / "generated").glob("*/report.pdf"))
    reports = [lulea, *generated][: args.reports]
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    if args.pdfium_only:
        print(pdfium_ratios(producer_samples(), args.repeats))
        return
    batch_figures = batch_figures_for(lulea, generated, int(os.environ.get("BENCH_REPORTS", "5000")))
    if args.batch_only:
        print(batch_figures)
        return
    print(f"reports timed one by one: {', '.join(p.parent.name for p in reports)}")
    print(f"(a) and (d) warm: best of {args.repeats} warm runs; (b): best of 2; (c) and (d) cold: one run\n")

    header = f"{'report':32} {'pages':>5} {'(a) pdfium':>11} {'(b) plumber':>12} {'(c) camelot':>12} {'(d) cold':>9} {'(d) warm':>9} {'warm/(b)':>9}"
    print(header)
    print("-" * len(header))
    rows = []
    import pypdfium2 as pdfium

    for n, pdf in enumerate(reports):
        pages = len(pdfium.PdfDocument(str(pdf)))
        a = cpu_tool("pypdfium2", pdf, args.repeats)[0]
        b = min(time_tool("pdfplumber", pdf, 2))
        c = time_tool("camelot", pdf, 1)[0] if n < args.camelot_reports else None
        cold = time_tool("kompass-extract", pdf, 1)[0]
        warm = cpu_tool("kompass-extract", pdf, args.repeats)[0]
        rows.append((a, b, c, cold, warm))
        c_text = f"{c:11.2f}s" if c is not None else f"{'-':>12}"
        print(
            f"{pdf.parent.name:32} {pages:5d} {a:10.3f}s {b:11.2f}s {c_text} {cold:8.2f}s {warm:8.3f}s {warm / b:9.3f}"
        )
    a, b, c, cold, warm = (
        statistics.mean(x for x in col if x is not None) if any(x is not None for x in col) else None
        for col in zip(*rows, strict=True)
    )
    camelot, camelot_ratio = (f"{c:.2f}", f"{c / b:.2f}") if c is not None else ("-", "-")  # --camelot-reports 0
    print(f"\nmean seconds per report: (a) {a:.3f}  (b) {b:.2f}  (c) {camelot}  (d) cold {cold:.2f}, warm {warm:.3f}")
    print(
        f"ratios to (b): (a) {a / b:.3f}  (c) {camelot_ratio}  (d) cold {cold / b:.3f}, warm {warm / b:.3f}"
        "  (target: warm <= 0.15)"
    )
    print(
        "the ratio to (a), the pdfium text pass, is below, per file, the two measured in one process in turns: timed in"
        " processes of their own minutes apart, as in this table, the ratio moved by a third between runs"
    )
    print()
    print(pdfium_ratios(producer_samples(), args.repeats))

    print()
    print(batch_figures)

    from ocr import ocr_figures  # bench/ocr.py: OCR per page against bare tesseract

    print()
    print(ocr_figures(pages=6, degradation="grey-200-skew", repeats=3, stages=True))

    print(flush=True)  # bench/review_site.py in a process of its own: its CPU figure counts its own crop workers only
    copies = os.environ.get("BENCH_REVIEW_COPIES", "5")
    subprocess.run([sys.executable, str(ROOT / "bench" / "review_site.py"), "--copies", copies], check=True)


if __name__ == "__main__":
    main()
