"""Reports as archives hold them: rewritten by another PDF producer, with the answers still known.

Archivists and printers rarely keep the file the evaluator wrote: it was printed to PostScript and distilled again,
converted to PDF/A, optimised, re-rendered by cairo or merged. Each rewrite here is one such tool chain applied to a
committed fixture; the pages keep their size and drawing, so the base fixture's truth (page and box of every located
value) stays the answer. The matrix scores every fixture under every rewrite: fields exact, and mismatches silent
(in an area with no warning or error, or outside any area).

Usage: ``python -m kompass_testing.rewrites matrix [--only REWRITE ...] [--ocr never|auto] FOLDER...`` (``make
rewrite-matrix``) and ``python -m kompass_testing.rewrites sample --out fixtures/rewritten`` (the committed
sample, ``make rewritten-fixtures``).
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

from kompass_testing.generate import write_fixture

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
Step = list[str]
"""One command of a chain: ``{in}`` and ``{out}`` stand for its input and output file."""

REWRITES: dict[str, list[Step]] = {
    "ps2pdf": [["pdftops", "{in}", "{ps}"], ["ps2pdf", "{ps}", "{out}"]],
    "ps2pdf-level1": [["pdftops", "-level1", "{in}", "{ps}"], ["ps2pdf", "{ps}", "{out}"]],
    "ps2pdf-level2": [["pdftops", "-level2", "{in}", "{ps}"], ["ps2pdf", "{ps}", "{out}"]],
    "gs-ps2write": [
        ["gs", "-q", "-dBATCH", "-dNOPAUSE", "-sDEVICE=ps2write", "-o", "{ps}", "{in}"],
        ["ps2pdf", "{ps}", "{out}"],
    ],
    "gs-pdfwrite": [["gs", "-q", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pdfwrite", "-o", "{out}", "{in}"]],
    "gs-screen": [
        ["gs", "-q", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pdfwrite", "-dPDFSETTINGS=/screen", "-o", "{out}", "{in}"]
    ],
    "gs-pdfa2b": [
        ["gs", "-q", "-dBATCH", "-dNOPAUSE", "-dPDFA=2", "-dPDFACompatibilityPolicy=1"]
        + ["-sColorConversionStrategy=RGB", "-sDEVICE=pdfwrite", "-o", "{out}", "{in}"]
    ],
    "pdftocairo": [["pdftocairo", "-pdf", "{in}", "{out}"]],
    "mutool-clean-gggg": [["mutool", "clean", "-gggg", "{in}", "{out}"]],
    "mutool-clean-d": [["mutool", "clean", "-d", "{in}", "{out}"]],
    "qpdf-linearize": [["qpdf", "--linearize", "{in}", "{out}"]],
    "qpdf-object-streams": [["qpdf", "--object-streams=generate", "{in}", "{out}"]],
    "mutool-merge": [["mutool", "merge", "-o", "{out}", "{in}"]],
}
"""Each rewrite: the commands run in turn (PostScript round trips through ``{ps}``)."""


def rewrite(pdf: bytes, name: str) -> bytes:
    """``pdf`` rewritten by the tool chain ``name`` of :data:`REWRITES` (raises when a tool is missing or fails)."""
    with tempfile.TemporaryDirectory() as tmp:
        files = {"in": f"{tmp}/in.pdf", "ps": f"{tmp}/x.ps", "out": f"{tmp}/out.pdf"}
        Path(files["in"]).write_bytes(pdf)
        for step in REWRITES[name]:
            if shutil.which(step[0]) is None:
                raise FileNotFoundError(f"{step[0]} is needed for the rewrite {name}")
            subprocess.run([a.format(**files) for a in step], check=True, capture_output=True, timeout=600)
        return Path(files["out"]).read_bytes()


def fixture_folders(roots: list[Path]) -> list[Path]:
    """Every folder with a ``report.pdf`` and ``truth.json`` at or one level under ``roots``."""
    found = {p.parent for root in roots for p in [*root.glob("truth.json"), *root.glob("*/truth.json")]}
    return sorted(f for f in found if (f / "report.pdf").is_file())


def score(pdf: Path, truth: dict[str, Any], variant: str, ocr: str) -> dict[str, Any]:
    """Fields exact and silent mismatches of one rewritten report (or why it was not read)."""
    from kompass_extract import extract
    from kompass_extract.errors import KompassError
    from kompass_testing.compare import compare, summary, unexplained

    start = resource.getrusage(resource.RUSAGE_SELF)
    try:
        report = extract(pdf, ocr=ocr)
    except KompassError as exc:
        return {"error": getattr(exc, "code", type(exc).__name__), "message": str(exc)[:200]}
    used = resource.getrusage(resource.RUSAGE_SELF)
    mismatches = unexplained(compare(report, truth), variant)
    exact, total = summary(mismatches, truth)
    warned = {c.area_no for c in report.checks if c.severity in ("warning", "error")}
    silent = [m for m in mismatches if area_of(m.path) not in warned or area_of(m.path) is None]
    codes: dict[str, int] = {}
    for check in report.checks:
        if check.severity in ("warning", "error"):
            codes[check.code] = codes.get(check.code, 0) + 1
    return {
        "exact": exact,
        "total": total,
        "mismatches": len(mismatches),
        "silent": len(silent),
        "ocr": report.ocr,
        "cpu": round(used.ru_utime + used.ru_stime - start.ru_utime - start.ru_stime, 2),
        "checks": codes,
        "silent_sample": [str(m)[:200] for m in silent[:5]],
    }


def area_of(path: str) -> int | None:
    """The area number of a compared field's path (``areas[3]...`` → 3); None for report-level fields."""
    if not path.startswith("areas["):
        return None
    return int(path[6 : path.index("]")])


@click.group()
def main() -> None:
    """Rewrite committed fixtures with other PDF producers and score them against their truth."""


@main.command("matrix")
@click.argument("roots", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--only", multiple=True, type=click.Choice(sorted(REWRITES)), help="Rewrite to run (repeatable).")
@click.option("--ocr", type=click.Choice(["never", "auto"]), default="auto", show_default=True)
@click.option("--jsonl", type=click.Path(dir_okay=False, path_type=Path), help="Append each result as a JSON line.")
def matrix(roots: tuple[Path, ...], only: tuple[str, ...], ocr: str, jsonl: Path | None) -> None:
    """Every fixture under ROOTS rewritten by every rewrite, extracted and scored; a table per rewrite."""
    totals: dict[str, dict[str, int]] = {}
    for folder in fixture_folders(list(roots)):
        truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
        for name in only or sorted(REWRITES):
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / "report.pdf"
                out.write_bytes(rewrite((folder / "report.pdf").read_bytes(), name))
                result = {"fixture": f"{folder.parent.name}/{folder.name}", "rewrite": name}
                result |= score(out, truth, folder.name, ocr)
            _echo(result, jsonl)
            row = totals.setdefault(name, {"reports": 0, "exact": 0, "total": 0, "silent": 0, "failed": 0})
            row["reports"] += 1
            for key in ("exact", "total", "silent"):
                row[key] += result.get(key, 0)
            row["failed"] += "error" in result or result["exact"] < result["total"]
    click.echo("| rewrite | reports | fields exact | silent mismatches | reports not exact |")
    click.echo("|---|---:|---:|---:|---:|")
    for name, row in sorted(totals.items()):
        share = 100 * row["exact"] / row["total"] if row["total"] else 0.0
        click.echo(
            f"| {name} | {row['reports']} | {row['exact']}/{row['total']} ({share:.1f}%) | {row['silent']} "
            f"| {row['failed']} |"
        )


def _echo(result: dict[str, Any], jsonl: Path | None) -> None:
    line = json.dumps(result, ensure_ascii=False)
    click.echo(line, err=True)
    if jsonl is not None:
        with jsonl.open("a", encoding="utf-8") as f:
            f.write(line + "\n")


SAMPLE: tuple[tuple[str, str], ...] = (
    ("gs-pdfwrite", "libreoffice/libreoffice-disc-table"),
    ("gs-pdfwrite", "chromium/chromium-dash-table"),
)
"""The committed sample (rewrite, base fixture): each one a rewrite that once broke extraction silently."""


PAGES_SAMPLE: tuple[tuple[str, str, tuple[int, ...]], ...] = (
    ("ps2pdf", "chromium/chromium-disc-table", (5, 6, 7)),
    ("gs-ps2write", "chromium/chromium-disc-table", (5, 6, 7)),
)
"""Pages of rewrites that are read with OCR's help (rewrite, base fixture, 1-based pages): a whole report would take
the tests a minute of OCR, so these are compared page by page with their base's text layer (no truth)."""


def pages_of(pdf: bytes, numbers: tuple[int, ...]) -> bytes:
    """A PDF of the given 1-based pages of ``pdf``."""
    import io

    import pypdfium2 as pdfium

    source, target = pdfium.PdfDocument(pdf), pdfium.PdfDocument.new()
    target.import_pages(source, [n - 1 for n in numbers])
    buffer = io.BytesIO()
    target.save(buffer)
    return buffer.getvalue()


@main.command("sample")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True)
def sample(out_dir: Path) -> None:
    """Write the :data:`SAMPLE` rewrites with their truth to OUT/<rewrite>-<fixture>/."""
    for name, base in SAMPLE:
        folder = FIXTURES / base
        truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
        pdf = rewrite((folder / "report.pdf").read_bytes(), name)
        target = write_fixture(out_dir / f"{name}-{folder.name}", pdf, truth | {"rewrite": name, "base": base})
        click.echo(f"{target}: {len(pdf) // 1024} KB", err=True)
    for name, base, numbers in PAGES_SAMPLE:
        pdf = pages_of(rewrite((FIXTURES / base / "report.pdf").read_bytes(), name), numbers)
        target = out_dir / f"{name}-{Path(base).name}-p{numbers[0]}-{numbers[-1]}"
        target.mkdir(parents=True, exist_ok=True)
        (target / "report.pdf").write_bytes(pdf)
        click.echo(f"{target}: {len(pdf) // 1024} KB", err=True)


if __name__ == "__main__":
    sys.exit(main())
