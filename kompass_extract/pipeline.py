"""The extraction pipeline: read, locate, parse, match, validate. One plain function per stage.

``extract`` is the library's entry point. It reads the text and word geometry of every page (pypdfium2, one
pdfium rectangle per word), decides from the text alone which pages need OCR and whether the file is a
Kommunkompass report, then parses the pages. It returns a
:class:`~kompass_extract.model.Report` and never prints.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
from collections.abc import Iterator
from functools import partial

from kompass_extract import __version__
from kompass_extract.common.files import read_input
from kompass_extract.errors import NoTextLayerError, NotKommunkompassError
from kompass_extract.locate.areas import find_area_headings
from kompass_extract.locate.furniture import body_lines
from kompass_extract.locate.labels import fold, labels
from kompass_extract.locate.layout import measure
from kompass_extract.match.catalog import Catalog, load_catalog, match_catalog
from kompass_extract.match.edition import detect_edition, labels_in_text
from kompass_extract.match.municipality import find_municipality_in_text, resolve_municipality
from kompass_extract.model import Area, Report
from kompass_extract.parse.cover import FRONT_PAGES, read_metadata
from kompass_extract.parse.overview import find_overview_start, find_table_start, parse_overview
from kompass_extract.parse.sections import parse_area
from kompass_extract.read.document import Document, Page, open_pdf
from kompass_extract.read.lines import Line
from kompass_extract.read.markers import page_markers
from kompass_extract.read.ocr.pages import ProgressHook
from kompass_extract.read.ocr.probe import Look, MarkerLook, Place
from kompass_extract.read.ocr.reread import reread_cells
from kompass_extract.read.relocate import relocate
from kompass_extract.read.sheets import shrunk_size, split_sheets
from kompass_extract.validate import validate_report
from kompass_extract.validate.repair import repair_ocr_numbers
from kompass_extract.write.tables import base_report_id

MAX_FILE_BYTES = 1 << 30
"""Files larger than this are refused by :func:`extract` (the batch applies its own, configurable budget)."""
OCR_SHARE = 0.25
"""Share of pages without a text layer from which a file counts as a scan (a chart page alone does not)."""
SCAN_COVER = 0.5
"""Share of a page an image must cover for the page to count as scanned."""


def extract(
    path: str | os.PathLike[str],
    *,
    data: bytes | None = None,
    sha256: str | None = None,
    edition: str | None = None,
    ocr: str = "auto",
    max_pages: int = 500,
    ocr_cache: str | None = None,
    catalog_dir: str | os.PathLike[str] | None = None,
    ocr_progress: ProgressHook | None = None,
) -> Report:
    """Extract one Kommunkompass report.

    ``data`` is the file's content when the caller has read it already (the batch reads each input once, so that the
    bytes parsed are the bytes hashed), and ``sha256`` their hash (hex) when the caller took it as it read them;
    otherwise the file is read, or the bytes hashed, here, once (a hash costs ~30 instructions a byte: 5 M for a 175
    KB report). ``edition`` overrides edition detection; ``ocr`` is "auto" (OCR pages without a text layer), "never"
    (such files fail with ``no-text-layer``) or "always". ``catalog_dir`` is a folder of catalog CSVs extending the
    packaged catalog (see :func:`~kompass_extract.match.catalog.load_catalog`): an edition added there, with its
    area names, area count and maxima, is read without a code change. ``ocr_progress`` is called before and after
    each OCR'd page (see :class:`~kompass_extract.read.ocr.pages.OcrProgress`). Raises
    :class:`~kompass_extract.errors.KompassError` subclasses for inputs that cannot be converted.
    """
    with _collector_paused():
        return _extract(path, data, sha256, edition, ocr, max_pages, ocr_cache, catalog_dir, ocr_progress)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while one file is converted, as it was before if it was off.

    A conversion allocates some 100,000 containers (words, lines, their boxes) that live until it ends, and
    each 700 of them start a collection that walks them all again: ~5 ms of a 31-page report's ~100 ms, for
    nothing, since a conversion leaves a few hundred objects in cycles (measured: 226 for Luleå). Reference
    counting still frees everything else at once, so memory is the same; the collector runs again after.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _extract(
    path: str | os.PathLike[str],
    data: bytes | None,
    sha: str | None,
    edition: str | None,
    ocr: str,
    max_pages: int,
    ocr_cache: str | None,
    catalog_dir: str | os.PathLike[str] | None,
    ocr_progress: ProgressHook | None,
) -> Report:
    path = str(path)
    if data is None:
        read = read_input(path, MAX_FILE_BYTES)
        data, sha = read.data, read.sha256
    elif sha is None:
        sha = hashlib.sha256(data).hexdigest()
    catalog = load_catalog(catalog_dir)  # before the work: a broken user catalog fails fast
    doc = open_pdf(path, data, max_pages=max_pages)
    try:
        used_ocr = _ensure_text(doc, data, ocr, ocr_cache, ocr_progress)
        report = Report(source_file=path, sha256=sha, pages=len(doc.pages), ocr=used_ocr, extractor_version=__version__)
        unsplit = split_sheets(doc)
        parse_document(doc, report, catalog, MarkerLook(data, _places(doc.pages)) if used_ocr else None)
        relocate(report, doc.pages)
        if unsplit is not None:
            report.provenance["sheets_unsplit"] = unsplit
        frames = {p.sheet.page if p.sheet else p.number: p.ocr_frame for p in doc.pages if p.ocr}
    finally:
        doc.close()
    finish_report(report, edition, catalog)
    if frames:
        repair_ocr_numbers(report, partial(reread_cells, data, frames=frames), catalog)
    return report


def _ensure_text(doc: Document, data: bytes, mode: str, cache_dir: str | None, progress: ProgressHook | None) -> bool:
    """Replace pages without a usable text layer by OCR'd pages when asked; True if OCR was used.

    In "auto" mode a page is OCR'd when it has no usable text and either many pages are like it (a scanned
    report) or it is itself one page-sized image (a scanned page inside a born-digital report; a blank or
    chart-only page is neither), and when its text is an invisible layer over a page-sized image or lies hidden
    under one (a scanner's own OCR, whose numbers would otherwise enter unchecked). An OCR'd page whose own text layer
    draws glyphs without a map to characters (a report printed to PostScript and distilled again) is read from that
    layer again, with the map its glyphs and the OCR'd words give (:mod:`kompass_extract.read.ocr.glyphmap`).
    """
    from kompass_extract.read.ocr.glyphmap import reread_text_layers
    from kompass_extract.read.ocr.pages import SHRUNK_DPI, ocr_document, pages_needing_ocr

    textless = {p.number for p, needs in zip(doc.pages, pages_needing_ocr(doc.pages), strict=True) if needs}
    if mode == "never":
        if len(textless) >= OCR_SHARE * len(doc.pages):
            raise NoTextLayerError(
                f"{len(textless)} of {len(doc.pages)} pages have no text layer (use --ocr auto to OCR them)"
            )
        return False
    if mode == "always":
        wanted = list(doc.pages)
    else:
        scan = len(textless) >= OCR_SHARE * len(doc.pages)
        wanted = [p for p in doc.pages if _wants_ocr(p, p.number in textless, scan)]
    if not wanted:
        return False
    numbers = [p.number for p in wanted]
    read = partial(ocr_document, doc.path, numbers, data=data, cache_dir=cache_dir, jobs=os.cpu_count() or 1)
    pages = read(progress=progress)
    if shrunk_size(pages) is not None:  # several pages shrunk onto each sheet: their small print read larger
        pages = read(progress=progress, dpi=SHRUNK_DPI)
    replaced = {p.number: p for p in pages}
    replaced |= reread_text_layers(doc.pages, replaced)
    doc.pages = [replaced.get(p.number, p) for p in doc.pages]
    return True


def _wants_ocr(page: Page, textless: bool, scan: bool) -> bool:
    if textless:
        return scan or page.image_cover >= SCAN_COVER
    return (page.invisible_text or page.covered_text) and page.image_cover >= SCAN_COVER


def _places(pages: list[Page]) -> dict[int, Place]:
    """Where each OCR'd page's words lie in the PDF (a logical page of a sheet lies in a part of its page)."""
    return {
        p.number: (p.sheet.page, p.sheet.x, p.sheet.y, p.ocr_frame) if p.sheet else (p.number, 0.0, 0.0, p.ocr_frame)
        for p in pages
        if p.ocr
    }


def parse_document(doc: Document, report: Report, catalog: Catalog | None = None, look: Look | None = None) -> None:
    """Locate the parts of the report and fill ``report`` with metadata and areas (``catalog``: the packaged one
    when None; its editions say which area numbers and table shapes to expect; ``look``: looks for list markers
    again on the images of OCR'd pages)."""
    all_text = "\n".join(p.text for p in doc.pages)
    if not _mentions_kommunkompass(all_text):
        raise NotKommunkompassError("no Kommunkompass area sections or overview tables found")
    bodies = body_lines(doc.pages)
    lines: list[Line] = [ln for p in doc.pages for ln in bodies[p.number]]
    layout = measure(lines)
    catalog = catalog or load_catalog()
    facts = catalog.parse_facts()
    overview_at = find_overview_start(lines, layout.is_heading, facts)
    headings = find_area_headings(
        lines,
        layout,
        overview_at if overview_at is not None else len(lines),
        lambda no, name: max(catalog.area_name_scores(no, name).values(), default=0.0),
        facts.area_nos,
    )
    if overview_at is None:  # tables without a chapter heading: after the last area section
        overview_at = find_table_start(lines, headings[-1].index + 1 if headings else 0, facts)
    if overview_at is None and not headings:
        raise NotKommunkompassError("no Kommunkompass area sections or overview tables found")
    areas: dict[int, Area] = {}
    section_end = overview_at if overview_at is not None else len(lines)
    for n, heading in enumerate(headings):
        end = headings[n + 1].index if n + 1 < len(headings) else section_end
        area = areas.setdefault(heading.area_no, Area(heading.area_no))
        markers = lambda n: page_markers(doc.pages[n - 1])  # noqa: E731
        parse_area(lines[heading.index + 1 : end], heading, layout, area, markers, look)
    if overview_at is not None:
        after = overview_at + 1 + parse_overview(lines[overview_at + 1 :], areas, facts)
        complete = all(areas.get(n) is not None and areas[n].score is not None for n in facts.area_nos)
        again = find_table_start(lines, after, facts) if complete else None
        if again is not None:  # a second report in the file (or a second copy): not read, so said
            report.provenance["unread_table"] = {"page": lines[again + 1].page}
    report.areas = [areas[k] for k in sorted(areas)]
    front = _front_lines(doc.pages[:FRONT_PAGES], lines[headings[0].index] if headings else None)
    front_text = "\n".join(p.text for p in doc.pages[:FRONT_PAGES])
    meta = read_metadata(front, front_text)
    report.year, report.month, report.evaluators, report.template = (
        meta.year,
        meta.month,
        meta.evaluators,
        meta.template,
    )
    report.provenance.update(meta.provenance)
    report.provenance["labels"] = {"seen": sorted(labels_in_text(all_text))}
    resolve_report_municipality(report, meta.municipality_candidates, front_text)


def _front_lines(pages: list[Page], first_area: Line | None) -> list[Line]:
    """The lines metadata cues are read from: the front pages' lines, with their running headers and footers (a
    footer's date is evidence too), up to the first area section's heading.

    The sections' own text is no front matter: its dates are those of events ("sedan 2009") and its names those of
    other bodies, and reading it cost three quarters of reading the metadata where the areas begin on page 4."""
    front: list[Line] = []
    for page in pages:
        if first_area is not None and page.number == first_area.page:
            return front + [ln for ln in page.lines if ln.top < first_area.top]
        front += page.lines
    return front


def resolve_report_municipality(report: Report, candidates: list[tuple[str, dict]], front_text: str) -> None:
    """The first printed name that resolves to a kommunkod wins: the report's own cue phrases first (cover,
    chapter 2), then any municipality named in the front pages' text; unresolved names are kept as printed."""
    if not any(resolve_municipality(printed, report.year).kommunkod for printed, _ in candidates):
        mentions = find_municipality_in_text(front_text)
        candidates = candidates + [(printed, {"rule": "mentioned in the front pages"}) for printed, _, _ in mentions]
    for printed, where in candidates:
        resolved = resolve_municipality(printed, report.year)
        if resolved.kommunkod:
            report.municipality, report.kommun, report.kommunkod = printed, resolved.kommun, resolved.kommunkod
            report.provenance["municipality"] = {**where, "method": resolved.method}
            if resolved.code_in_force:
                report.provenance["municipality"]["code_in_force"] = resolved.code_in_force
            return
    names = [(printed, where) for printed, where in candidates if _name_like(printed)]
    if names:
        printed, where = names[0]
        report.municipality = printed
        proposals = resolve_municipality(printed, report.year).candidates
        report.provenance["municipality"] = {**where, "method": "unresolved", "candidates": proposals[:3]}


def _name_like(text: str) -> bool:
    """A printed name, not a piece of a sentence a cue caught ("kommuners sätt att arbeta. Verktyget ...")."""
    return len(text.split()) <= 4 and not any(mark in text for mark in ".;:!?")


def _mentions_kommunkompass(text: str) -> bool:
    """The name of the tool, or (spelled otherwise, or OCR'd) at least two of its section labels.

    The name as most reports print it is looked for as it stands first: lowering a whole report's text and dropping
    its spaces (which finds "KOMMUN KOMPASSEN" too) cost 0.4 ms a file, and a text holding one of these spellings
    holds the name after both."""
    if any(name in text for name in ("Kommunkompass", "kommunkompass", "KOMMUNKOMPASS")):
        return True
    if "kommunkompass" in text.lower().replace(" ", ""):
        return True
    folded = fold(text)
    cues = [fold(x) for x in labels()["overview_headings"] + labels()["area_heading_words"]]
    return sum(c in folded for c in cues) >= 2


def finish_report(report: Report, edition: str | None, catalog: Catalog | None = None) -> None:
    """Catalog matching, edition detection and validation: the stages after parsing."""
    catalog = catalog or load_catalog()
    guess = detect_edition(
        {a.area_no: a.name or a.overview_title or "" for a in report.areas},
        {q.question_no: q.text for a in report.areas for q in a.questions},
        report.year,
        set(report.provenance.get("labels", {}).get("seen", [])) | ({report.template} if report.template else set()),
        catalog,
    )
    report.provenance["edition"] = {
        "detected": guess.edition,
        "confidence": guess.confidence,
        "evidence": guess.evidence,
    }
    if edition is not None:  # the user's word; validation warns when the report's own evidence disagrees
        report.edition, report.edition_confidence = edition, 1.0
        report.provenance["edition"]["given"] = edition
    else:
        report.edition, report.edition_confidence = guess.edition, guess.confidence
    match_catalog(report, catalog)
    report.report_id = base_report_id(report)
    report.checks = validate_report(report, catalog)
