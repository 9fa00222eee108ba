"""Build the static review site of an output folder: ``DIR/review/index.html`` and a page per report.

The site is plain files (HTML, one stylesheet, PNG crops) that open from disk without a server or
network. Output is deterministic: the same folder and PDFs give byte-identical files.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from urllib.parse import quote

from kompass_extract import __version__
from kompass_extract.common.data import data_text
from kompass_extract.review.crops import (
    DEFAULT_MARGIN,
    DEFAULT_SCALE,
    CropRequest,
    locate_pdf,
    parse_bbox,
    render_crops,
)
from kompass_extract.review.data import SEVERITIES, ReportView, load_output, read_table
from kompass_extract.review.format import fmt_num
from kompass_extract.review.report_page import CropLink, PageInput, report_page, shell
from kompass_extract.write.tables import slug

SITE_DIR = "review"
CROPS_DIR = "crops"


@dataclass
class SiteResult:
    """What was built, and which reports have no crops and why (for the CLI to tell the user)."""

    index: Path
    pages: list[Path] = field(default_factory=list)
    crops: int = 0
    problems: dict[str, str] = field(default_factory=dict)


def report_href(view: ReportView) -> str:
    return f"{slug(view.report_id)}.html"


def _href(path: Path, start: Path) -> str:
    return quote(Path(os.path.relpath(path, start)).as_posix())


def _crops_for(view: ReportView, out_dir: Path, site: Path, scale: float, margin: tuple[float, float]) -> PageInput:
    """Render the crops of one report's questions and describe them for its page."""
    pdf, problem = locate_pdf(view.report.get("source_file"), out_dir, view.report.get("sha256"))
    page = PageInput(view, crop_problem=problem)
    if pdf is None:
        return page
    page.pdf_href = _href(pdf.resolve(), site.resolve())
    names: dict[int, str] = {}
    requests = []
    for index, q in enumerate(view.questions):
        bbox = parse_bbox(q.get("bbox"))
        if bbox is None or q.get("page") is None:
            continue
        name = f"{index + 1:03d}-q{slug(str(q.get('question_no')))}.png"
        names[index] = name
        requests.append(CropRequest(name, q["page"], bbox))
    crop_dir = site / CROPS_DIR / slug(view.report_id)
    crops = render_crops(pdf, requests, crop_dir, scale=scale, margin=margin)
    for index, name in names.items():
        crop = crops.get(name)
        if crop is not None:
            href = f"{CROPS_DIR}/{slug(view.report_id)}/{quote(name)}"
            page.crops[index] = CropLink(href, round(crop.width / scale), round(crop.height / scale))
    return page


def index_page(views: list[ReportView], failures: list[dict], footer: str) -> str:
    rows = []
    for view in views:
        r = view.report
        counts = view.check_counts()
        total = (
            f"{fmt_num(r.get('total_score'))} / {fmt_num(r.get('total_max'))}"
            if r.get("total_score") is not None
            else "–"
        )
        cells = [
            f'<td><a class="report-link" href="{escape(report_href(view))}">{escape(r.get("municipality") or view.label)}</a></td>',
            f"<td>{escape(r.get('kommunkod') or '')}</td>",
            f'<td class="num">{fmt_num(r.get("year"))}</td>',
            f"<td>{escape(r.get('edition') or 'unknown')}</td>",
            f'<td class="num">{escape(total)}</td>',
            *(f'<td class="num{f" count-{s}" if counts[s] else ""}">{counts[s]}</td>' for s in SEVERITIES),
        ]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    table = (
        '<table class="reports"><thead><tr><th>Municipality</th><th>Kommunkod</th><th class="num">Year</th>'
        '<th>Edition</th><th class="num">Total</th><th class="num">Errors</th><th class="num">Warnings</th>'
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
        f'<p class="facts">{len(views)} report{"s" if len(views) != 1 else ""}. '
        "Open a report to compare every extracted number with the spot of the PDF it was read from.</p>"
        f"{table}{failed}</main>"
    )
    return shell("Kommunkompassen review", body, footer)


def build_site(
    out_dir: str | Path, *, scale: float = DEFAULT_SCALE, margin: tuple[float, float] = DEFAULT_MARGIN
) -> SiteResult:
    """Write ``<out_dir>/review/`` for every report of an extract output folder; stale crops are removed."""
    out_dir = Path(out_dir)
    views = load_output(out_dir)
    failures = read_table(out_dir / "failures.csv", "failures") if (out_dir / "failures.csv").is_file() else []
    site = out_dir / SITE_DIR
    shutil.rmtree(site / CROPS_DIR, ignore_errors=True)
    site.mkdir(parents=True, exist_ok=True)
    css = data_text("review", "review.css")
    (site / "review.css").write_text(css, encoding="utf-8")
    footer = escape(f"Built by kompass-extract {__version__} from the tables of this output folder.")
    result = SiteResult(index=site / "index.html")
    for view in views:
        page = _crops_for(view, out_dir, site, scale, margin)
        if page.crop_problem:
            result.problems[view.report_id] = page.crop_problem
        result.crops += len(page.crops)
        path = site / report_href(view)
        path.write_text(report_page(page, footer), encoding="utf-8")
        result.pages.append(path)
    result.index.write_text(index_page(views, failures, footer), encoding="utf-8")
    return result
