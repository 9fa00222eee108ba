"""Build the static review site of an output folder: ``DIR/review/index.html`` and a page per report.

The site is plain files (HTML, one stylesheet, one PNG of crops per report) that open from disk without a
server or network. Output is deterministic: the same folder and PDFs give byte-identical files.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from html import escape
from pathlib import Path
from urllib.parse import quote

from kompass_extract import __version__
from kompass_extract.batch.outdir import folder_lock
from kompass_extract.common.data import data_text
from kompass_extract.common.files import atomic_path
from kompass_extract.match.catalog import Catalog
from kompass_extract.review.atlas import Atlas, atlas_name, make_atlas, read_atlas
from kompass_extract.review.cells import CropLink, PageInput
from kompass_extract.review.crops import (
    DEFAULT_MARGIN,
    DEFAULT_SCALE,
    SCAN_GREYS,
    TEXT_GREYS,
    CropRequest,
    existing_crops,
    locate_pdf,
    remove_unused,
)
from kompass_extract.review.data import SEVERITIES, ReportView, load_output, rematch_questions, swedish_key
from kompass_extract.review.format import fmt_num
from kompass_extract.review.record import PageEntry, PageRecord, file_stamp, page_key, remove_pages
from kompass_extract.review.report_page import report_page, shell
from kompass_extract.review.values import value_regions
from kompass_extract.write.readback import read_output_table
from kompass_extract.write.tables import slug

MIN_PARALLEL = 4
"""Reports needing their image rendered from which worker processes pay for their start-up (about half a
second); when they start, they also write the pages of reports whose image was made before."""
MIN_PARALLEL_PAGES = 500
"""Reports from which writing their pages alone is worth the worker processes (a rebuild of a large archive):
~5 ms of CPU a page against ~0.3 s to start a worker and to send it the rows; measured on 215 reports, two
workers cost 2.3 s of CPU against 1.6 s in one process, so below a few hundred reports one process wins."""
SITE_DIR = "review"
CROPS_DIR = "crops"


@dataclass
class SiteResult:
    """What was built, and which reports have no crops and why (for the CLI to tell the user)."""

    index: Path
    pages: list[Path] = field(default_factory=list)
    crops: int = 0
    """Values shown with their crop."""
    rendered: int = 0
    """Crops rendered by this build; the others were made by an earlier one."""
    built: int = 0
    """Pages written by this build; the others' inputs did not change since an earlier one wrote them."""
    images: int = 0
    """Images the crops are regions of (one per report with crops)."""
    problems: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    size: int = 0
    """Bytes of the site's files (pages, stylesheet, images), not of disk blocks."""

    def summary(self) -> str:
        """The build's figures as the CLI and the bench print them."""
        n = len(self.pages)
        rate = f"{n / self.seconds:.1f}" if self.seconds > 0 else "–"
        per_report = f"{self.size / max(n, 1) / 1024:.0f}"
        return (
            f"{n} report page(s) ({self.built} written now, {n - self.built} unchanged), {self.crops} crop(s) in "
            f"{self.images} image(s), {self.rendered} crop(s) rendered now; {self.seconds:.1f} s = {rate} reports/s; "
            f"{per_report} KB per report"
        )


@dataclass(frozen=True)
class Settings:
    """What every report's page is built with (sent once to each worker process)."""

    out_dir: Path
    site: Path
    scale: float
    margin: tuple[float, float]
    footer: str


@dataclass(frozen=True)
class Built:
    """One report's page, written: what the parent adds up."""

    report_id: str
    path: Path
    crops: int
    rendered: int
    image: str | None
    problem: str | None


Located = tuple[Path | None, str | None]
"""The PDF a report's crops come from, or None and why there is none (:func:`locate_pdf`)."""


def report_href(view: ReportView) -> str:
    return f"{slug(view.report_id)}.html"


def _href(path: Path, start: Path) -> str:
    return quote(os.fsencode(Path(os.path.relpath(path, start)).as_posix()))  # the name's bytes, also not UTF-8


def _image_of(view: ReportView, settings: Settings) -> tuple[str, dict[str, CropRequest], int]:
    """The name of the report's image, the region of each value in it and its greys, from the tables alone."""
    regions = value_regions(view)
    greys = SCAN_GREYS if view.report.get("ocr") else TEXT_GREYS
    requests = list(dict.fromkeys(regions.values()))
    name = atlas_name(view.report.get("sha256") or "", requests, settings.scale, settings.margin, greys)
    return name, regions, greys


def _links(atlas: Atlas, regions: dict[str, CropRequest], scale: float) -> dict[str, CropLink]:
    """Each value's crop: its region of the report's image."""
    links = {}
    for value_id, request in regions.items():
        if (region := atlas.regions.get(request)) is not None:
            box = (region.x, region.y, region.width, region.height)
            links[value_id] = CropLink(f"{CROPS_DIR}/{atlas.name}", box, (atlas.width, atlas.height), scale, request)
    return links


def build_report(view: ReportView, made_before: bool, located: Located, settings: Settings) -> Built:
    """Write one report's page, rendering its image unless ``made_before`` (and readable); a worker's task.

    Crops come only from the PDF the report was extracted from (``located``: the PDF or why there is none).
    """
    pdf, problem = located
    page = PageInput(view, crop_problem=problem)
    atlas, rendered = None, 0
    if pdf is not None:
        page.pdf_href = _href(pdf.resolve(), settings.site.resolve())
        name, regions, greys = _image_of(view, settings)
        crops_dir = settings.site / CROPS_DIR
        atlas = read_atlas(crops_dir, name) if made_before else None
        if atlas is None and regions:  # a report without positions has no image
            requests = list(dict.fromkeys(regions.values()))
            atlas = make_atlas(
                pdf, name, requests, crops_dir, scale=settings.scale, margin=settings.margin, greys=greys
            )
            rendered = len(atlas.regions)
        if atlas is not None:
            page.crops = _links(atlas, regions, settings.scale)
    path = settings.site / report_href(view)
    with atomic_path(path) as tmp:  # a killed build leaves the old page or the new one, never half of one
        tmp.write_text(report_page(page, settings.footer), encoding="utf-8")
    image = atlas.name if atlas is not None and atlas.regions else None
    return Built(view.report_id, path, len(page.crops), rendered, image, problem)


def _build_all(views: list[ReportView], located: list[Located], settings: Settings, jobs: int) -> list[Built]:
    """The pages of ``views``; written in ``jobs`` processes when several reports need their image rendered or
    many pages are to be written (a rebuild of a few reports finds their images and starts none)."""
    existing = existing_crops(settings.site / CROPS_DIR)
    made = [_image_of(view, settings)[0] in existing for view in views]
    if jobs == 1 or (made.count(False) < MIN_PARALLEL and len(views) < MIN_PARALLEL_PAGES):
        return [build_report(*task, settings) for task in zip(views, made, located, strict=True)]
    context = multiprocessing.get_context("spawn")  # pdfium in the parent is not to be forked
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        build = partial(build_report, settings=settings)
        return list(pool.map(build, views, made, located, chunksize=max(1, len(views) // (8 * jobs))))


def _plan(
    views: list[ReportView], settings: Settings, record: PageRecord
) -> tuple[dict[str, PageEntry], list[tuple[ReportView, Located, str]]]:
    """Which pages keep their file (their inputs' key is the record's, their file and image are there) and which
    are to be built, with each one's PDF and key."""
    kept: dict[str, PageEntry] = {}
    todo = []
    for view in views:
        r = view.report
        located = locate_pdf(r.get("source_file"), settings.out_dir, r.get("sha256"), record.pdf_sha256)
        key, name = page_key(view, settings, *located), report_href(view)
        old = record.pages.get(name)
        image = old and old.image and file_stamp(settings.site / CROPS_DIR / old.image)
        if (
            old
            and old.key == key
            and (old.image is None or image == old.image_stamp)
            and (settings.site / name).is_file()
        ):
            kept[name] = old
        else:
            todo.append((view, located, key))
    return kept, todo


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
        '<label>Search <input type="search" name="q" placeholder="municipality, id, file"></label> '
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

    Each report's crops are regions of one image; images made by an earlier build are reused (they are named
    by the hash of what they show), the others are rendered in ``jobs`` processes (default: the number of
    cores). Images no page refers to any more are removed, so the folder holds exactly what the pages show.

    With ``catalog`` (``review --catalog-dir``) the questions' catalog ids come from it, not from the tables, and
    the footer says so: what a grown catalog makes of the folder can be reviewed before converting again.
    """
    started = time.perf_counter()
    out_dir = Path(out_dir)
    views = load_output(out_dir)
    rematched = rematch_questions(views, catalog) if catalog is not None else None
    failures = read_output_table(out_dir, "failures")
    site = out_dir / SITE_DIR
    footer = escape(f"Built by kompass-extract {__version__} from the tables of this output folder.")
    if rematched is not None:
        footer += escape(
            f" Catalog ids from the catalog {catalog.identity} (--catalog-dir), not the tables: {rematched} changed."
        )
    settings = Settings(out_dir, site, scale, margin, footer)
    result = SiteResult(index=site / "index.html")
    # two builds at once would remove each other's pages and images
    with folder_lock(site, "build the site of another copy of the folder"):
        with atomic_path(site / "review.css") as tmp:
            tmp.write_text(data_text("review", "review.css"), encoding="utf-8")
        record = PageRecord(site)
        kept, todo = _plan(views, settings, record)
        record.save(kept)  # before any page changes: the record never vouches for a page being rewritten
        pages = dict(kept)
        views_todo, located = [view for view, _, _ in todo], [where for _, where, _ in todo]
        built_now = _build_all(views_todo, located, settings, jobs or os.cpu_count() or 1)
        for (_, _, key), built in zip(todo, built_now, strict=True):
            stamp = file_stamp(site / CROPS_DIR / built.image) if built.image else None
            pages[built.path.name] = PageEntry(key, built.crops, built.image, built.problem, stamp)
            result.rendered += built.rendered
        remove_pages(site, set(record.pages) - set(pages))
        for view in views:
            entry = pages[report_href(view)]
            if entry.problem:
                result.problems[view.report_id] = entry.problem
            result.crops += entry.crops
            result.pages.append(site / report_href(view))
        result.built = len(todo)
        used = {entry.image for entry in pages.values() if entry.image}
        with atomic_path(result.index) as tmp:
            tmp.write_text(index_page(views, failures, footer), encoding="utf-8")
        remove_unused(site / CROPS_DIR, used)
        record.save(pages)
    result.images = len(used)
    files = [*result.pages, result.index, site / "review.css", *(site / CROPS_DIR / name for name in used)]
    result.size = sum(path.stat().st_size for path in files)
    result.seconds = time.perf_counter() - started
    return result
