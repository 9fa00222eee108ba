"""The review site's budget at archive scale: KB per report with every value cropped, reports per second.

``python bench/review_site.py --copies 15`` converts Luleå and every generated fixture once, then makes an
archive of ``copies`` copies of each (PDFs with distinct bytes, so no crop is shared between copies; the table
rows are those of the original with the copy's id, path and hash) and builds its review site twice: cold (every
report's image of crops rendered) and warm (a rebuild of the unchanged folder: every image cached, every page kept). Prints the size per report (HTML,
crops, both; file bytes, not disk blocks) and the build rate, in wall time and per CPU-second (this process and
its crop workers; a figure the other load of a shared machine disturbs much less). ``make bench`` runs it with
``BENCH_REVIEW_COPIES`` (default 5) copies. Not part of ``make test``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = [
    ROOT / "fixtures" / "lulea-2018" / "report.pdf",
    *sorted((ROOT / "fixtures" / "generated").glob("*/report.pdf")),
]
PER_REPORT = ("reports", "areas", "questions", "findings", "sections", "checks", "corrections")


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def make_archive(work: Path, copies: int) -> Path:
    """An output folder of ``copies`` x the fixtures, each copy a PDF of its own bytes."""
    first = work / "first"
    bin_dir = Path(sys.executable).parent
    subprocess.run([bin_dir / "kompass-extract", "extract", *map(str, FIXTURES), "--out", str(first), "--format",
                    "csv", "--quiet", "--jobs", "2"], check=False)  # fmt: skip
    reports = {r["report_id"]: r for r in _rows(first / "reports.csv")[1]}
    out = work / "archive"
    out.mkdir()
    pdfs = work / "pdfs"
    pdfs.mkdir()
    copied: dict[tuple[str, int], tuple[str, str]] = {}
    for rid, report in reports.items():
        data = Path(report["source_file"]).read_bytes()
        for n in range(copies):
            pdf = pdfs / f"{rid}-c{n}.pdf"
            pdf.write_bytes(data + b"\n" * (n + 1))
            copied[rid, n] = (str(pdf), hashlib.sha256(pdf.read_bytes()).hexdigest())
    for table in PER_REPORT:
        fields, rows = _rows(first / f"{table}.csv")
        with open(out / f"{table}.csv", "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            for n in range(copies):
                for row in rows:
                    source, sha = copied[row["report_id"], n]
                    copy = {**row, "report_id": f"{row['report_id']}-c{n}"}
                    if table == "reports":
                        copy.update(source_file=source, sha256=sha)
                    writer.writerow(copy)
    return out


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the crop workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def site_bytes(site: Path) -> tuple[int, int]:
    """(HTML and CSS bytes, bytes of the images of crops) of a review folder."""
    pages = sum(p.stat().st_size for p in site.glob("*.*") if not p.name.startswith("."))  # not the lock, record
    crops = sum(p.stat().st_size for p in (site / "crops").rglob("*.png"))
    return pages, crops


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=15, help="copies of each fixture in the archive")
    parser.add_argument("--jobs", type=int, default=None, help="processes rendering crops [default: cores]")
    parser.add_argument(
        "--dir", type=Path, default=ROOT / "output", help="where the archive is made (file creation costs differ "
        "between file systems: /tmp here is five times slower than the checkout's disk) [default: output/]"
    )  # fmt: skip
    args = parser.parse_args()
    from kompass_extract.review import build_site

    args.dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="review-bench-") as tmp:
        out = make_archive(Path(tmp), args.copies)
        for label in ("cold", "warm"):
            clock, cpu = time.perf_counter(), _cpu()
            result = build_site(out, jobs=args.jobs)
            seconds, cpu = time.perf_counter() - clock, _cpu() - cpu
            n = len(result.pages)
            pages, crops = site_bytes(out / "review")
            print(
                f"review site, {label}: {n} reports ({getattr(result, 'built', n)} pages written), {result.crops} crops "
                f"in {result.images} images ({result.rendered} crops rendered) in {seconds:.1f} s = {n / seconds:.1f} reports/s (target >= 20); "
                f"per report {pages / n / 1024:.0f} KB pages + {crops / n / 1024:.0f} KB crops = "
                f"{(pages + crops) / n / 1024:.0f} KB (target <= 300); CPU {cpu:.1f} s = {n / cpu:.1f} reports per "
                f"CPU-second; cores {os.cpu_count()}, load {os.getloadavg()[0]:.1f}"
            )
        shutil.rmtree(out / "review")


if __name__ == "__main__":
    main()
