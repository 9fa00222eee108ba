"""Build the static review site of an output folder: ``DIR/review/index.html`` and a page per report.

The site is plain files (HTML, one stylesheet, PNG crops) that open from disk without a server or
network. Output is deterministic: the same folder and PDFs give byte-identical files.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Collection
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from html import escape
from pathlib import Path
from urllib.parse import quote

from kompass_extract import __version__
from kompass_extract.common.data import data_text
from kompass_extract.match.catalog import Catalog
from kompass_extract.review.cells import CropLink, PageInput
from kompass_extract.review.crops import (
    DEFAULT_MARGIN,
    DEFAULT_SCALE,
    SCAN_GREYS,
    TEXT_GREYS,
    existing_crops,
    locate_pdf,
    remove_unused,
    render_crops,
)
from kompass_extract.review.data import SEVERITIES, ReportView, load_output, rematch_questions, swedish_key
from kompass_extract.review.format import fmt_num
from kompass_extract.review.report_page import report_page, shell
from kompass_extract.review.values import value_regions
from kompass_extract.write.readback import read_output_table
from kompass_extract.write.tables import slug

MIN_PARALLEL = 4
"""Reports needing crops from which worker processes pay for their start-up (about half a second)."""
SITE_DIR = "review"
CROPS_DIR = "crops"


@dataclass
class SiteResult:
    """What was built, and which reports have no crops and why (for the CLI to tell the user)."""

    index: Path
    pages: list[Path] = field(default_factory=list)
    crops: int = 0
    rendered: int = 0
    """Crops rendered by this build; the others were made by an earlier one."""
    problems: dict[str, str] = field(default_factory=dict)


def report_href(view: ReportView) -> str:
    return f"{slug(view.report_id)}.html"


def _href(path: Path, start: Path) -> str:
    return quote(os.fsencode(Path(os.path.relpath(path, start)).as_posix()))  # the name's bytes, also not UTF-8


def _crops_for(
    view: ReportView,
    out_dir: Path,
    site: Path,
    scale: float,
    margin: tuple[float, float],
    render: bool = True,
    existing: Collection[str] | None = None,
) -> PageInput:
    """The crop of every value of one report, for its page: made now, or found from an earlier build.

    With ``render=False`` crops not made before are left out and counted in ``missing``; ``existing`` names the
    crops made before (:func:`existing_crops`).
    """
    pdf, problem = locate_pdf(view.report.get("source_file"), out_dir, view.report.get("sha256"))
    page = PageInput(view, crop_problem=problem)
    if pdf is None:
        return page
    page.pdf_href = _href(pdf.resolve(), site.resolve())
    regions = value_regions(view)
    greys = SCAN_GREYS if view.report.get("ocr") else TEXT_GREYS
    crops, page.rendered = render_crops(
        pdf, view.report["sha256"], regions.values(), site / CROPS_DIR, scale=scale, margin=margin, greys=greys,
        render=render, existing=existing,
    )  # fmt: skip
    page.missing = len(set(regions.values()) - set(crops))
    for value_id, request in regions.items():
        crop = crops.get(request)
        if crop is not None:
            href = f"{CROPS_DIR}/{crop.name}"
            page.crops[value_id] = CropLink(href, round(crop.width / scale), round(crop.height / scale))
    return page


def _render_report(
    view: ReportView, existing: set[str], out_dir: Path, site: Path, scale: float, margin: tuple[float, float]
) -> PageInput:
    """A worker's task: the crops of one report, ``existing`` those of them made before."""
    return _crops_for(view, out_dir, site, scale, margin, existing=existing)


def _pages(
    views: list[ReportView], out_dir: Path, site: Path, scale: float, margin: tuple[float, float], jobs: int
) -> list[PageInput]:
    """Every report's page input; crops not made before are rendered in ``jobs`` processes when several reports
    need them (a rebuild finds its crops and starts none)."""
    existing = existing_crops(site / CROPS_DIR)
    pages = [_crops_for(view, out_dir, site, scale, margin, jobs == 1, existing) for view in views]
    todo = [i for i, page in enumerate(pages) if page.missing]
    if len(todo) < MIN_PARALLEL or jobs == 1:
        for i in todo:
            pages[i] = _crops_for(views[i], out_dir, site, scale, margin, existing=existing)
        return pages
    context = multiprocessing.get_context("spawn")  # pdfium in the parent is not to be forked
    with ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=context) as pool:
        render = partial(_render_report, out_dir=out_dir, site=site, scale=scale, margin=margin)
        made = [{link.href.removeprefix(f"{CROPS_DIR}/") for link in pages[i].crops.values()} for i in todo]
        done = pool.map(render, [views[i] for i in todo], made, chunksize=max(1, len(todo) // (4 * jobs)))
        for i, page in zip(todo, done, strict=True):
            pages[i] = page
    return pages


def _order(view: ReportView) -> tuple:
    """Reports with errors first, then by municipality in Swedish order, year and id."""
    return (view.check_counts()["error"] == 0, swedish_key(view.name), view.report.get("year") or 0, view.report_id)


def index_page(views: list[ReportView], failures: list[dict], footer: str) -> str:
    rows = []
    for view in sorted(views, key=_order):
        r = view.report
        counts = view.check_counts()
        total = (
            f"{fmt_num(r.get('total_score'))} / {fmt_num(r.get('total_max'))}"
            if r.get("total_score") is not None
            else "–"
        )
        worst = next((s for s in SEVERITIES if counts[s]), "none")
        data = f'data-worst="{worst}" data-edition="{escape(r.get("edition") or "unknown")}" data-year="{fmt_num(r.get("year"))}"'
        cells = [
            f'<td><a class="report-link" href="{escape(report_href(view))}" title="{escape(r.get("municipality") or "")}">'
            f"{escape(view.name)}</a></td>",  # the name the rows are sorted by (SCB's), the printed one as its title
            f"<td><code>{escape(view.report_id)}</code></td>",
            f"<td>{escape(r.get('kommunkod') or '')}</td>",
            f'<td class="num">{fmt_num(r.get("year"))}</td>',
            f"<td>{escape(r.get('edition') or 'unknown')}</td>",
            f'<td class="source">{escape(r.get("source_file") or "")}</td>',
            f"<td>{'OCR' if r.get('ocr') else ''}</td>",
            f'<td class="num">{escape(total)}</td>',
            *(f'<td class="num{f" count-{s}" if counts[s] else ""}">{counts[s]}</td>' for s in SEVERITIES),
        ]
        rows.append(f'<tr class="report" {data}>' + "".join(cells) + "</tr>")
    editions = sorted({v.report.get("edition") or "unknown" for v in views})
    years = sorted({fmt_num(v.report.get("year")) for v in views if v.report.get("year") is not None}, reverse=True)
    filters = (
        '<form class="filters" id="filters">'
        '<label>Checks <select name="worst"><option value="">all reports</option>'
        '<option value="error">with errors</option><option value="warning">worst is a warning</option>'
        '<option value="info">only info</option><option value="none">no checks</option></select></label> '
        '<label>Edition <select name="edition"><option value="">all</option>'
        + "".join(f'<option value="{escape(e)}">{escape(e)}</option>' for e in editions)
        + '</select></label> <label>Year <select name="year"><option value="">all</option>'
        + "".join(f'<option value="{y}">{y}</option>' for y in years)
        + '</select></label> <output id="shown"></output></form>'
    )
    table = (
        '<table class="reports"><thead><tr><th>Municipality</th><th>Report id</th><th>Kommunkod</th>'
        '<th class="num">Year</th><th>Edition</th><th>Source file</th><th>OCR</th><th class="num">Total</th>'
        '<th class="num">Errors</th><th class="num">Warnings</th>'
        f'<th class="num">Info</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )
    failed = ""
    if failures:
        items = "".join(
            f"<li><code>{escape(f.get('error_code') or '')}</code> {escape(f.get('source_file') or '')}: {escape(f.get('message') or '')}</li>"
            for f in failures
        )
        failed = f'<h2>Inputs that could not be converted</h2><ul class="checks">{items}</ul>'
    body = (
        "<main><h1>Kommunkompassen review</h1>"
        f'<p class="facts">{len(views)} report{"s" if len(views) != 1 else ""}, those with errors first. '
        "Open a report to compare every extracted number with the spot of the PDF it was read from.</p>"
        f"{filters}{table}{failed}</main>"
    )
    return shell("Kommunkompassen review", body, footer, data_text("review", "filters.js"))


def build_site(
    out_dir: str | Path,
    *,
    scale: float = DEFAULT_SCALE,
    margin: tuple[float, float] = DEFAULT_MARGIN,
    jobs: int | None = None,
    catalog: Catalog | None = None,
) -> SiteResult:
    """Write ``<out_dir>/review/`` for every report of an extract output folder.

    Crops made by an earlier build are reused (they are named by the hash of what they show); the others are
    rendered in ``jobs`` processes (default: the number of cores). Crops no page refers to any more are
    removed, so the folder holds exactly what the pages show.

    With ``catalog`` (``review --catalog-dir``) the questions' catalog ids come from it, not from the tables, and
    the footer says so: what a grown catalog makes of the folder can be reviewed before converting again.
    """
    out_dir = Path(out_dir)
    views = load_output(out_dir)
    rematched = rematch_questions(views, catalog) if catalog is not None else None
    failures = read_output_table(out_dir, "failures")
    site = out_dir / SITE_DIR
    site.mkdir(parents=True, exist_ok=True)
    css = data_text("review", "review.css")
    (site / "review.css").write_text(css, encoding="utf-8")
    footer = escape(f"Built by kompass-extract {__version__} from the tables of this output folder.")
    if rematched is not None:
        footer += escape(
            f" Catalog ids from the catalog {catalog.identity} (--catalog-dir), not the tables: {rematched} changed."
        )
    result = SiteResult(index=site / "index.html")
    used: set[str] = set()
    for view, page in zip(views, _pages(views, out_dir, site, scale, margin, jobs or os.cpu_count() or 1), strict=True):
        if page.crop_problem:
            result.problems[view.report_id] = page.crop_problem
        result.crops += len(page.crops)
        result.rendered += page.rendered
        used.update(link.href.removeprefix(f"{CROPS_DIR}/") for link in page.crops.values())
        path = site / report_href(view)
        path.write_text(report_page(page, footer), encoding="utf-8")
        result.pages.append(path)
    result.index.write_text(index_page(views, failures, footer), encoding="utf-8")
    remove_unused(site / CROPS_DIR, used)
    return result
