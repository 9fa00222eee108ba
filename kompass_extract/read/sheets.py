"""Sheets that hold two report pages side by side ("2 pages per sheet", a copied booklet): split into pages.

A photocopied or archived booklet, or a report printed two pages per sheet, has landscape sheets whose text forms
two page-sized blocks with a white gutter between them. Read as one page, the lines of both pages join ("Styrkor"
beside the other page's heading), and nothing on such a sheet is usable. Here each such sheet becomes two
*logical* pages (:class:`~kompass_extract.read.document.Page` with :attr:`~kompass_extract.read.document.Page.sheet`
set), numbered in reading order, before anything is located; :func:`relocate` then puts every value the parsers
found back on its physical page and in that page's coordinates, so page numbers and review crops are those of
the PDF.

The evidence is geometric and cheap: the words already read (a pdfium text layer or OCR), a vertical band near the
middle of a landscape page that no word crosses, and each half's own page furniture (a short line holding a page
number at its foot or head). A portrait page is passed over at once.
"""

from __future__ import annotations

import itertools
import re
import statistics
from dataclasses import dataclass, replace
from typing import Any

from kompass_extract.model import Report
from kompass_extract.read.document import Document, Page, SheetPart, group_lines
from kompass_extract.read.geometry import Word

LANDSCAPE = 1.15
"""Width/height ratio from which a page is a landscape sheet that may hold two portrait pages."""
MIDDLE = (0.38, 0.62)
"""Share of the sheet's width the gutter's middle must lie in: two pages imposed side by side meet near the middle
(centred or shifted by unequal margins), a page's own text columns rarely do so on every sheet."""
GUTTER_SIZES = 2.0
"""Smallest gutter, in body text sizes: two pages' margins; a column gap of one page is one to two."""
MIN_WORDS = 8
"""Words a half must hold to be a page of its own (a half with fewer is blank: the last sheet of an odd count)."""
FOLIO = re.compile(
    r"(?:^|\s)(?:sida\s+)?[-–(]?(\d{1,3})[-–)]?(?:\s*\(\d{1,3}\)|\s+av\s+\d{1,3}|\s*/\s*\d{1,3})?$", re.I
)
"""A page number ending a line: "7", "- 7 -", "Sida 7 av 31", "7 (31)", "RAPPORT 2009-09-04 7 (13)"."""
MOST_SHEETS = 0.6
"""Share of a document's text pages that must show a gutter for the gutter alone to count as evidence (a whole
archive copy printed two pages per sheet, without page numbers)."""


@dataclass(frozen=True)
class _Gutter:
    page: Page
    cut: float
    """x of the gutter's middle on the physical page."""
    furniture: bool
    """Each half has its own page-number line."""
    halves: tuple[bool, bool]
    """Which halves hold a page's text."""
    folios: tuple[int | None, int | None]
    """The page number each half prints, when it prints one."""


def split_sheets(doc: Document) -> None:
    """Replace every sheet that holds two pages side by side by its two logical pages, renumbered in reading
    order (a blank half is dropped). A document without landscape pages costs one comparison per page.

    A gutter with each half's own page number is a split; so is a gutter on most pages of a document that is
    landscape throughout (two pages per sheet without page numbers), marked uncertain unless most of its sheets
    show the page numbers. A lone landscape sheet of a portrait report (a wide table) is split only on the
    page-number evidence.
    """
    landscape = [p for p in doc.pages if p.width > LANDSCAPE * p.height and p.words]
    if not landscape:
        return
    gutters = {g.page.number: g for g in map(_gutter, landscape) if g is not None}
    if not gutters:
        return
    texted = [p for p in doc.pages if p.words]
    throughout = len(landscape) == len(texted) and len(gutters) >= MOST_SHEETS * len(texted)
    numbered = sum(g.furniture for g in gutters.values()) >= MOST_SHEETS * len(gutters)
    pages: list[tuple[Page, int | None]] = []  # with the page number each prints
    for page in doc.pages:
        gutter = gutters.get(page.number)
        if gutter is None or not (gutter.furniture or throughout):
            pages.append((page, None))
            continue
        halves = _halves(gutter, certain=gutter.furniture or numbered)
        pages += zip(halves, [f for f, held in zip(gutter.folios, gutter.halves, strict=True) if held], strict=True)
    doc.pages = [replace(p, number=n) if p.number != n else p for n, p in enumerate(_in_order(pages), 1)]
    for page in doc.pages:  # replace() copies cached line groups from before the renumbering: group again
        page.__dict__.pop("lines", None)


def _in_order(pages: list[tuple[Page, int | None]]) -> list[Page]:
    """The pages in the order of the page numbers they print: a booklet imposed for folding holds pages 16 and 1
    on its first sheet. Put in order when every page prints a number of its own in its text layer; when the numbers
    read go backwards otherwise (a cover without a number, OCR), kept as they are, every split marked uncertain."""
    numbers = [n for _, n in pages if n is not None]
    if all(a < b for a, b in itertools.pairwise(numbers)):
        return [p for p, _ in pages]
    read = not any(p.ocr for p, _ in pages)  # an OCR'd page number may be misread: it never moves a page
    if read and len(numbers) == len(pages) and len(set(numbers)) == len(numbers):
        return [p for p, _ in sorted(pages, key=lambda pair: pair[1] or 0)]
    return [replace(p, sheet=replace(p.sheet, certain=False)) if p.sheet else p for p, _ in pages]


def _gutter(page: Page) -> _Gutter | None:
    """The widest band near the middle of the page that no word crosses and that is wide enough to part two
    pages (or, when all text stands in one half, the middle: a sheet whose other page is blank), with whether
    each half carries its own page number; None when there is none."""
    words = [w for w in page.words if _inked(w)]
    if len(words) < MIN_WORDS:
        return None
    size = statistics.median(w.size for w in words)
    spans = sorted((w.x0, w.x1) for w in words)
    lo, hi = MIDDLE[0] * page.width, MIDDLE[1] * page.width
    best: tuple[float, float] | None = None
    reach = spans[0][1]
    for x0, x1 in spans[1:]:
        wide = x0 - reach >= GUTTER_SIZES * size and (best is None or x0 - reach > best[1] - best[0])
        if wide and lo <= (reach + x0) / 2 <= hi:
            best = (reach, x0)
        reach = max(reach, x1)
    middle = page.width / 2
    if best is not None:  # at the middle when the gutter holds it: both halves then share one frame, as imposed
        cut = middle if best[0] <= middle <= best[1] else (best[0] + best[1]) / 2
    elif reach <= middle or spans[0][0] >= middle:  # one half blank
        cut = middle
    else:
        return None
    left = [w for w in words if w.x1 <= cut]
    right = [w for w in words if w.x0 >= cut]
    halves = (len(left) >= MIN_WORDS, len(right) >= MIN_WORDS)
    folios = (_folio(left) if halves[0] else None, _folio(right) if halves[1] else None)
    furniture = all(f is not None for f, held in zip(folios, halves, strict=True) if held)
    return _Gutter(page, cut, furniture, halves, folios)


def _inked(word: Word) -> bool:
    """A word that is text: a letter or digit in it, and for OCR a confident reading (a speck read as "." or a
    smudge read at low confidence must not close a gutter)."""
    return any(c.isalnum() for c in word.text) and (word.conf is None or word.conf >= 30)


def _folio(words: list[Word]) -> int | None:
    """The page number the words' first or last line, set apart from the text, begins or ends with."""
    lines = group_lines(words, 0)
    if len(lines) < 3:
        return None
    for end, neighbour in ((lines[-1], lines[-2]), (lines[0], lines[1])):
        apart = min(abs(end.top - neighbour.bottom), abs(neighbour.top - end.bottom)) > 0.5 * end.size
        found = apart and (FOLIO.search(end.text) or FOLIO.search(end.words[0].text))
        if found:
            return int(found.group(1))
    return None


def _halves(gutter: _Gutter, certain: bool) -> list[Page]:
    """The logical pages of a sheet: each half's words and markers moved into the half's own frame."""
    page, parts = gutter.page, []
    for part, (x0, x1) in enumerate(((0.0, gutter.cut), (gutter.cut, page.width)), 1):
        if not gutter.halves[part - 1]:
            continue
        sheet = SheetPart(page.number, part, 2, x0, 0.0, certain)
        width = x1 - x0
        words = [_shifted(w, -x0) for w in page.words if sheet.own((w.x0, w.top, w.x1, w.bottom), width, page.height)]
        markers = page.markers
        if markers is not None:
            markers = [(m[0] - x0, m[1], m[2] - x0, m[3]) for m in markers if sheet.own(m, width, page.height)]
        half = replace(page, width=width, words_given=words, markers=markers, sheet=sheet)
        half.__dict__.pop("lines", None)
        half.text = "\r\n".join(line.text for line in half.lines)
        parts.append(half)
    return parts


def _shifted(word: Word, dx: float) -> Word:
    return replace(word, x0=word.x0 + dx, x1=word.x1 + dx)


def relocate(report: Report, pages: list[Page]) -> None:
    """Put every value of ``report`` that the parsers placed on a logical page back on its physical page, in that
    page's coordinates, and say in the provenance which sheets were split and how surely."""
    parts = {p.number: p.sheet for p in pages if p.sheet is not None}
    if not parts:
        return

    def move(page: int | None, bbox: Any) -> tuple[int | None, Any]:
        part = parts.get(page) if page is not None else None
        if part is None:
            return page, bbox
        return part.page, (part.box(tuple(bbox)) if bbox is not None else None)

    for area in report.areas:
        area.page, area.bbox = move(area.page, area.bbox)
        area.header_page, area.header_bbox = move(area.header_page, area.header_bbox)
        area.total_page, area.total_bbox = move(area.total_page, area.total_bbox)
        area.total_cells = _moved_cells(area.total_cells, move)
        for item in [*area.questions, *area.findings, *area.sections]:
            item.page, item.bbox = move(item.page, item.bbox)  # type: ignore[assignment]
        for q in area.questions:
            q.cells = _moved_cells(q.cells, move)
    for where in report.provenance.values():
        if isinstance(where, dict) and "page" in where:
            page, bbox = move(where["page"], where.get("bbox"))
            where["page"] = page
            if bbox is not None:
                where["bbox"] = [round(v, 1) for v in bbox]
    report.provenance["sheets"] = {
        "rule": "two pages side by side on one sheet, split at the white gutter between them",
        "parts": [
            {"logical_page": n, "page": s.page, "part": s.part, "parts": s.parts, "x": round(s.x, 1), "y": s.y}
            | {"certain": s.certain}
            for n, s in sorted(parts.items())
        ],
    }


def _moved_cells(cells: dict[str, Any], move: Any) -> dict[str, Any]:
    out = {}
    for key, (page, x0, top, x1, bottom, conf) in cells.items():
        page, box = move(page, (x0, top, x1, bottom))
        out[key] = (page, *box, conf)
    return out
