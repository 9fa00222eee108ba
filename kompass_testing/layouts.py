"""Reports laid out as archives keep them: two report pages side by side on one landscape sheet.

A copied booklet or a report printed "2 pages per sheet" puts two pages on each sheet, shrunk to fit its halves.
Here the committed fixtures of other producers are imposed that way, so the answers stay known: the truth is the
base fixture's, with each located value moved to its sheet (page and box). Two tools impose: pypdfium2 (each page
a form XObject placed and scaled on the sheet) and Ghostscript re-distilling that result (its own content streams
and fonts, no forms left). A scan of such a sheet is made in the tests from these PDFs with
:mod:`kompass_testing.degrade`.

Usage: ``python -m kompass_testing.layouts --out fixtures/layouts`` (``make layout-fixtures``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import click
import pypdfium2 as pdfium

from kompass_testing.generate import write_fixture

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
LAYOUT_VARIANTS: tuple[dict[str, Any], ...] = (
    {
        "name": "2up-pdfium-rapport2007-sans-single",
        "base": "generated/rapport2007-sans-single",
        "tool": "pdfium",
        "gap": 0.0,
    },
    {"name": "2up-gs-skl2016-baseline", "base": "generated/skl2016-baseline", "tool": "gs", "gap": 18.0},
    {
        "name": "booklet-pdfium-skr2020-no-percent",
        "base": "generated/skr2020-no-percent",
        "tool": "pdfium",
        "gap": 12.0,
        "booklet": True,
    },
)
"""Each: the base fixture, the imposing tool, the white gap (points) left between the two pages on the sheet
(a copier's "2 pages per sheet" abuts them; a booklet has a fold) and whether the pages are imposed as a booklet
for folding (16|1, 2|15, ...). Reportlab bases only: a Chromium report
imposed so is 0.6-1 MB (its fonts are embedded once per page); it reads exact too (see the t12layout note)."""


def sheet_order(count: int, booklet: bool) -> list[tuple[int | None, int | None]]:
    """The page numbers (1-based; None: blank) on each sheet, left and right: in order (1|2, 3|4, ...) or as a
    booklet imposed for folding (16|1, 2|15, 14|3, ... for 16 pages; blank pages fill it to a multiple of four)."""
    if not booklet:
        return [(k, k + 1 if k < count else None) for k in range(1, count + 1, 2)]
    total = -(-count // 4) * 4
    pairs = [(total - i, i + 1) if i % 2 == 0 else (i + 1, total - i) for i in range(total // 2)]
    return [tuple(p if p <= count else None for p in pair) for pair in pairs]  # type: ignore[misc]


def impose(
    pdf: bytes, gap: float = 0.0, booklet: bool = False
) -> tuple[bytes, dict[int, tuple[int, float, float, float]]]:
    """Two pages per landscape sheet of the pages' own size turned, each page shrunk to fit its half (less half
    the ``gap``) and centred in it, in the order of :func:`sheet_order`; returns the PDF and, per source page
    number, (sheet, scale, x offset, y offset from the top)."""
    src = pdfium.PdfDocument(pdf)
    out = pdfium.PdfDocument.new()
    width, height = src[0].get_size()
    sheet_w, sheet_h = height, width
    scale = min((sheet_w / 2 - gap / 2) / width, sheet_h / height)
    placed: dict[int, tuple[int, float, float, float]] = {}
    for number, pair in enumerate(sheet_order(len(src), booklet), 1):
        sheet = out.new_page(sheet_w, sheet_h)
        for k, source in enumerate(pair):
            if source is None:
                continue
            dx = k * sheet_w / 2 + (sheet_w / 2 - width * scale) / 2 + (gap / 4 if k else -gap / 4)
            dy = (sheet_h - height * scale) / 2
            obj = src.page_as_xobject(source - 1, out).as_pageobject()
            obj.transform(pdfium.PdfMatrix().scale(scale, scale).translate(dx, dy))
            sheet.insert_obj(obj)
            placed[source] = (number, scale, dx, (sheet_h - height * scale) - dy)
        sheet.gen_content()
    with tempfile.TemporaryDirectory(prefix="kompass-layout-") as tmp:
        path = Path(tmp) / "sheets.pdf"
        out.save(str(path))
        return path.read_bytes(), placed


def redistill(pdf: bytes) -> bytes:
    """The PDF rewritten by Ghostscript's pdfwrite (forms flattened into the page, fonts re-embedded)."""
    gs = shutil.which("gs")
    if gs is None:
        raise RuntimeError("Ghostscript is not installed (apt-get install ghostscript)")
    with tempfile.TemporaryDirectory(prefix="kompass-layout-") as tmp:
        src, dst = Path(tmp) / "in.pdf", Path(tmp) / "out.pdf"
        src.write_bytes(pdf)
        subprocess.run([gs, "-q", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pdfwrite", "-o", str(dst), str(src)], check=True)
        return dst.read_bytes()


def sheet_truth(truth: dict[str, Any], placed: dict[int, tuple[int, float, float, float]]) -> dict[str, Any]:
    """The base truth with every located value moved to its sheet: page = the sheet, box scaled and shifted."""
    located = {}
    for key, where in truth.get("located", {}).items():
        sheet, scale, dx, dy = placed[where["page"]]
        x0, top, x1, bottom = where["bbox"]
        box = [round(v, 2) for v in (x0 * scale + dx, top * scale + dy, x1 * scale + dx, bottom * scale + dy)]
        located[key] = {**where, "page": sheet, "bbox": box}
    out = {**truth, "located": located} if located else dict(truth)
    return out


def write_layout_variant(spec: dict[str, Any], out_dir: Path) -> Path:
    """Write ``<out_dir>/<name>/report.pdf`` and ``truth.json``; returns the folder."""
    base = FIXTURES / spec["base"]
    pdf, placed = impose((base / "report.pdf").read_bytes(), spec["gap"], spec.get("booklet", False))
    if spec["tool"] == "gs":
        pdf = redistill(pdf)
    truth = sheet_truth(json.loads((base / "truth.json").read_text(encoding="utf-8")), placed)
    truth["sheet_layout"] = {"base": spec["base"], "tool": spec["tool"], "pages_per_sheet": 2, "gap": spec["gap"]}
    if spec.get("booklet"):
        truth["sheet_layout"]["booklet"] = True
    return write_fixture(out_dir / spec["name"], pdf, truth)


@click.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--only", multiple=True, help="Variant name (repeatable); default: all.")
def main(out_dir: Path, only: tuple[str, ...]) -> None:
    """Impose committed fixtures two pages per sheet (pypdfium2, Ghostscript), with their truth moved along."""
    for spec in LAYOUT_VARIANTS:
        if not only or spec["name"] in only:
            folder = write_layout_variant(spec, out_dir)
            click.echo(f"{folder}: {(folder / 'report.pdf').stat().st_size // 1024} KB", err=True)


if __name__ == "__main__":
    sys.exit(main())
