"""Reports laid out as archives keep them: two report pages side by side on one landscape sheet, two stacked, four.

A copied booklet or a report printed "2 (4) pages per sheet" puts two (four) pages on each sheet, shrunk to fit.
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

from kompass_testing.generate import generate_variant, variants, write_fixture

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
    {"name": "4up-pdfium-skl2016-sans-sida", "base": "generated/skl2016-sans-sida", "tool": "pdfium", "gap": 0.0}
    | {"grid": [2, 2]},
    {"name": "4up-gs-skr2020-sida-columns", "base": "generated/skr2020-sida-columns", "tool": "gs", "gap": 10.0}
    | {"grid": [2, 2]},
    {"name": "stacked-pdfium-skl2016-square-markers", "base": "generated/skl2016-square-markers", "tool": "pdfium"}
    | {"gap": 0.0, "grid": [2, 1]},
    {"name": "offset-gs-skl2016-page-breaks", "base": "generated/skl2016-page-breaks", "tool": "gs", "gap": 0.0}
    | {"extra": [160.0, 0.0]},
    {"name": "stacked-gs-rapport2005-no-percent-nonum", "base": "generated/rapport2005-no-percent", "tool": "gs"}
    | {"gap": 18.0, "grid": [2, 1], "page_numbers": "none"},
    {"name": "4up-gs-skl2016-square-markers-nonum", "base": "generated/skl2016-square-markers", "tool": "gs"}
    | {"gap": 18.0, "grid": [2, 2], "page_numbers": "none"},
    {"name": "4up-pdfium-skr2020-disc-columns-nonum", "base": "generated/skr2020-disc-columns", "tool": "pdfium"}
    | {"gap": 10.0, "grid": [2, 2], "page_numbers": "none"},
)
"""Each: the base fixture, the imposing tool, the white gap (points) left between the pages on the sheet (a
copier's "2 pages per sheet" abuts them; a booklet has a fold), whether the pages are imposed as a booklet for
folding (16|1, 2|15, ...), the grid (rows, columns; default two side by side) and white added to the sheet's right
and bottom (``extra``: the gutter away from the sheet's middle), and ``page_numbers: "none"`` for pages that print
no page number (a generated base is generated again without them; LibreOffice's print none). Reportlab bases only: a Chromium report
imposed so is 0.6-1 MB (its fonts are embedded once per page); it reads exact too (see the t12layout note)."""


def sheet_order(count: int, booklet: bool, per_sheet: int = 2) -> list[tuple[int | None, ...]]:
    """The page numbers (1-based; None: blank) on each sheet, in the grid's reading order (left to right, top to
    bottom): in order (1|2, 3|4, ...), ``per_sheet`` at a time, or as a booklet imposed for folding (16|1, 2|15,
    14|3, ... for 16 pages; blank pages fill it to a multiple of four; two pages per sheet only)."""
    if not booklet:
        return [
            tuple(k + i if k + i <= count else None for i in range(per_sheet)) for k in range(1, count + 1, per_sheet)
        ]
    total = -(-count // 4) * 4
    pairs = [(total - i, i + 1) if i % 2 == 0 else (i + 1, total - i) for i in range(total // 2)]
    return [tuple(p if p <= count else None for p in pair) for pair in pairs]


def impose(
    pdf: bytes,
    gap: float = 0.0,
    booklet: bool = False,
    grid: tuple[int, int] = (1, 2),
    scale: float | None = None,
    extra: tuple[float, float] = (0.0, 0.0),
) -> tuple[bytes, dict[int, tuple[int, float, float, float]]]:
    """``rows`` x ``cols`` pages per sheet (``grid``), in the order of :func:`sheet_order`: on a sheet of the pages'
    own size, turned when the grid is wider than tall (2 side by side: landscape; 2x2 or 2 stacked: portrait). Each
    page is shrunk to fit its cell less half the ``gap`` (or by ``scale``) and centred in it; ``extra`` (width,
    height) is white added to the sheet's right and bottom (a spread scanned in the corner of a larger glass: the
    gutter away from the sheet's middle). Returns the PDF and, per source page number, (sheet,
    scale, x offset, y offset from the top)."""
    rows, cols = grid
    src = pdfium.PdfDocument(pdf)
    out = pdfium.PdfDocument.new()
    width, height = src[0].get_size()
    sheet_w, sheet_h = (height, width) if cols > rows else (width, height)
    cell_w, cell_h = sheet_w / cols, sheet_h / rows
    if scale is None:
        scale = min((cell_w - gap / 2 * (cols > 1)) / width, (cell_h - gap / 2 * (rows > 1)) / height)
    placed: dict[int, tuple[int, float, float, float]] = {}
    for number, cells in enumerate(sheet_order(len(src), booklet, rows * cols), 1):
        sheet = out.new_page(sheet_w + extra[0], sheet_h + extra[1])
        for k, source in enumerate(cells):
            if source is None:
                continue
            row, col = divmod(k, cols)
            dx = col * cell_w + (cell_w - width * scale) / 2 + (col - (cols - 1) / 2) * gap / 2
            top = row * cell_h + (cell_h - height * scale) / 2 + (row - (rows - 1) / 2) * gap / 2
            dy = sheet_h + extra[1] - top - height * scale  # PDF y grows upwards
            obj = src.page_as_xobject(source - 1, out).as_pageobject()
            obj.transform(pdfium.PdfMatrix().scale(scale, scale).translate(dx, dy))
            sheet.insert_obj(obj)
            placed[source] = (number, scale, dx, top)
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
    base, truth = _base(spec)
    grid = tuple(spec.get("grid", (1, 2)))
    pdf, placed = impose(
        base,
        spec["gap"],
        spec.get("booklet", False),
        grid,  # type: ignore[arg-type]
        spec.get("scale"),
        tuple(spec.get("extra", (0.0, 0.0))),  # type: ignore[arg-type]
    )
    if spec["tool"] == "gs":
        pdf = redistill(pdf)
    truth = sheet_truth(truth, placed)
    truth["sheet_layout"] = {"base": spec["base"], "tool": spec["tool"], "pages_per_sheet": grid[0] * grid[1]}
    truth["sheet_layout"] |= {k: spec[k] for k in ("gap", "grid", "scale", "extra", "page_numbers") if k in spec}
    if spec.get("booklet"):
        truth["sheet_layout"]["booklet"] = True
    return write_fixture(out_dir / spec["name"], pdf, truth)


def _base(spec: dict[str, Any]) -> tuple[bytes, dict[str, Any]]:
    """The PDF and truth of the pages to impose: the committed base, or a generated base made again with the
    spec's ``page_numbers``."""
    base = FIXTURES / spec["base"]
    if "page_numbers" in spec and spec["base"].startswith("generated/"):
        variant = next(v for v in variants() if v["name"] == base.name)
        return generate_variant(variant | {"page_numbers": spec["page_numbers"]})
    return (base / "report.pdf").read_bytes(), json.loads((base / "truth.json").read_text(encoding="utf-8"))


@click.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--only", multiple=True, help="Variant name (repeatable); default: all.")
def main(out_dir: Path, only: tuple[str, ...]) -> None:
    """Impose committed fixtures several pages per sheet (pypdfium2, Ghostscript), with their truth moved along."""
    for spec in LAYOUT_VARIANTS:
        if not only or spec["name"] in only:
            folder = write_layout_variant(spec, out_dir)
            click.echo(f"{folder}: {(folder / 'report.pdf').stat().st_size // 1024} KB", err=True)


if __name__ == "__main__":
    sys.exit(main())
