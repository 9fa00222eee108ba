"""Sheets that hold several report pages ("2 or 4 pages per sheet", a copied booklet): split into pages.

A photocopied or archived booklet, or a report printed two or four pages per sheet, has sheets whose text forms
page-sized blocks with white gutters between them: two side by side on a landscape sheet, two stacked, or a 2x2
grid. Read as one page, the lines of both pages join ("Styrkor"
beside the other page's heading), and nothing on such a sheet is usable. Here each such sheet becomes two
*logical* pages (:class:`~kompass_extract.read.document.Page` with :attr:`~kompass_extract.read.document.Page.sheet`
set), numbered in reading order, before anything is located; :func:`~kompass_extract.read.relocate.relocate` then puts every value the parsers
found back on its physical page and in that page's coordinates, so page numbers and review crops are those of
the PDF.

The evidence is geometric and cheap: the words already read (a pdfium text layer or OCR), a band near the middle of
the page that no word crosses (vertical on a landscape page; horizontal, found from the page's lines, on most pages
of a document), each part's own page furniture (a short line holding a page number at its foot or head), and the
document's sheets agreeing on where they are cut (the bands: :mod:`kompass_extract.read.gutters`). A portrait report
costs a pass over each page's lines.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from kompass_extract.read.document import Document, Page, SheetPart
from kompass_extract.read.geometry import Word
from kompass_extract.read.gutters import MIN_WORDS, Sheet, agreed, band_across, band_down, inked, landscape
from kompass_extract.read.lines import Line, group_lines

FOLIO = re.compile(
    r"(?:^|\s)(?:sida\s+)?[-–(]?(\d{1,3})[-–)]?(?:\s*\(\d{1,3}\)|\s+av\s+\d{1,3}|\s*/\s*\d{1,3})?$", re.I
)
"""A page number ending a line: "7", "- 7 -", "Sida 7 av 31", "7 (31)", "RAPPORT 2009-09-04 7 (13)"."""
MOST_SHEETS = 0.6
"""Share of a document's text pages that must show a gutter for the gutter alone to count as evidence (a whole
archive copy printed two pages per sheet, without page numbers), and that must show a white band across the page
for stacked pages to be looked for at all (one page often has a white band between two paragraphs)."""
FOOT, HEAD = 0, 1
"""Where a page number stands on its page. Pages stacked on a sheet print theirs at the same end, a single page's
own running header and footer are at opposite ends."""
SHRUNK = 6.5
"""Points: text set smaller than this, on the median of a document's lines, is pages shrunk to fit several on each
sheet. A printed report's body text is 9-12 pt (a scan's line boxes read 7.5 pt and up); a page shrunk to half its
size (four per sheet, or two stacked) prints it at 4.5-6 pt. With a white band across most sheets near their middle,
that is enough to cut them without page numbers (doubted); without such bands the file is read as it is, warned."""
EDGE_STEP = 2.0
"""Points to which text edges are rounded when the most common left margin (first line) of a column (row) of
cells is counted: OCR moves an edge by a point or two."""


@dataclass(frozen=True)
class _Grid:
    """A sheet cut into its cells: left to right, top to bottom."""

    sheet: Sheet
    bounds: tuple[tuple[float, float, float, float], ...]
    """Each cell's (x0, top, x1, bottom) on the sheet."""
    lines: tuple[list[Line], ...]
    """Each cell's inked words, in lines."""
    folios: tuple[tuple[int, int] | None, ...]
    """The page number each held cell prints and at which end (FOOT, HEAD); None when it prints none."""

    @property
    def held(self) -> tuple[bool, ...]:
        """Which cells hold enough of a page's text to show its furniture (see :data:`MIN_WORDS`)."""
        return tuple(sum(len(line.words) for line in lines) >= MIN_WORDS for lines in self.lines)

    @property
    def inked(self) -> tuple[bool, ...]:
        """Which cells are read as pages: any inked word on them (only a blank cell is dropped)."""
        return tuple(bool(lines) for lines in self.lines)

    @property
    def shape(self) -> tuple[bool, bool]:
        """Whether the sheet holds pages stacked, and side by side."""
        return self.sheet.ycut is not None, self.sheet.xcut is not None

    @property
    def furniture(self) -> bool:
        """Each held cell prints its own page number (stacked ones at the same end)."""
        found = [f for f, held in zip(self.folios, self.held, strict=True) if held]
        if not found or any(f is None for f in found):
            return False
        return self.sheet.ycut is None or len({f[1] for f in found if f is not None}) == 1

    def numbers(self) -> list[int | None]:
        """The page number each cell read as a page prints."""
        return [f[0] if f else None for f, inked in zip(self.folios, self.inked, strict=True) if inked]


def split_sheets(doc: Document) -> dict[str, Any] | None:
    """Replace every sheet that holds several pages (side by side, stacked, a 2x2 grid) by its logical pages,
    renumbered in reading order (a blank cell is dropped). A portrait report costs a pass over each page's lines.

    Pages side by side on a landscape sheet are split when each prints its own page number, or when the document is
    landscape throughout and most sheets show the gutter (uncertain unless most sheets show the page numbers); a lone
    landscape sheet of a portrait report (a wide table) is split only on the page-number evidence. Stacked pages are
    looked for only when most of the document's pages have a white band across them near the middle with a page
    number at the same end each side of it, and are split on their page numbers (2x2 grids alike). Every
    sheet is cut where the document's sheets agree when that is white on it: a table's column gap on the last sheet's
    only page is no gutter. Text shrunk to fit several pages on a sheet (see :data:`SHRUNK`) with a white band across
    most sheets is cut without page numbers, doubted.

    Returns what the file shows when its text is shrunk like that but no sheet was split (the size and pages, for the
    report's provenance and a warning), else None.
    """
    texted = [p for p in doc.pages if p.words]
    across = [band_across(p) for p in texted]  # cheap: the lines are grouped for every page anyway
    shrunk = shrunk_size(texted)
    several = shrunk is not None and sum(c is not None for c in across) >= MOST_SHEETS * len(texted)
    stacked = several or sum(map(_numbered_rows, texted, across)) >= MOST_SHEETS * len(texted)
    sheets = [
        Sheet(page, band_down(page), ycut if stacked else None)
        for page, ycut in zip(texted, across, strict=True)
        if landscape(page) or stacked and ycut is not None
    ]
    sheets = [s for s in sheets if s.xcut is not None or s.ycut is not None]
    if not sheets:
        return _unsplit(texted, shrunk)
    grids = {g.sheet.page.number: g for g in map(_grid, agreed(sheets, texted))}
    numbered = sum(g.furniture for g in grids.values()) >= MOST_SHEETS * len(grids)
    shapes = Counter(g.shape for g in grids.values())
    frames = _frames(list(grids.values()))
    pages: list[tuple[Page, int | None]] = []  # with the page number each prints
    for page in doc.pages:
        grid = grids.get(page.number)
        if grid is None or not _accepted(grid, numbered, shapes[grid.shape], texted, several):
            pages.append((page, None))
            continue
        pages += zip(_parts(grid, frames, certain=grid.furniture or numbered), grid.numbers(), strict=True)
    if any(p.sheet is not None for p, _ in pages):  # a page left whole keeps its PDF page through renumbering
        pages = [(_whole(p), n) if p.sheet is None else (p, n) for p, n in pages]
    doc.pages = [replace(p, number=n) if p.number != n else p for n, p in enumerate(_in_order(pages), 1)]
    for page in doc.pages:  # replace() copies cached line groups from before the renumbering: group again
        page.__dict__.pop("lines", None)
    return None if any(p.sheet is not None for p in doc.pages) else _unsplit(texted, shrunk)


def shrunk_size(pages: list[Page]) -> float | None:
    """The median size of the pages' lines when it is below :data:`SHRUNK` (pages shrunk to share a sheet)."""
    sizes = [line.size for page in pages for line in page.lines]
    size = statistics.median(sizes) if sizes else None
    return size if size is not None and size < SHRUNK else None


def _unsplit(texted: list[Page], shrunk: float | None) -> dict[str, Any] | None:
    """What a file of shrunk text whose sheets were not split shows (None when its text is not shrunk)."""
    if shrunk is None:
        return None
    return {"size": round(shrunk, 1), "pages": [p.number for p in texted]}


def _accepted(grid: _Grid, numbered: bool, alike: int, texted: list[Page], several: bool) -> bool:
    """Whether the sheet is split. Side by side, each held page printing its own number is enough; stacked pages
    need most of the document's sheets to print them too. Without page numbers, most of the document's sheets must
    be cut alike (``alike``: how many), and either their text be shrunk to share them (``several``) or, side by
    side, the document be landscape throughout (two pages stacked at full size look like one page with a white band
    between paragraphs)."""
    stacked, side = grid.shape
    if grid.furniture and (numbered or not stacked):
        return True
    if alike < MOST_SHEETS * len(texted):
        return False
    return several or side and not stacked and all(landscape(p) for p in texted)


def _whole(page: Page) -> Page:
    """A page of a document whose other pages were split, left whole: a part of its own (one of one), so that its
    values go back to its PDF page when the logical pages are renumbered."""
    cell = (0.0, 0.0, page.width, page.height)
    return replace(page, sheet=SheetPart(page.number, 1, 1, 0.0, 0.0, True, cell))


def _numbered_rows(page: Page, cut: float | None) -> bool:
    """The lines each side of a white band across the page end (or begin) with a page number set apart: two pages
    stacked (a page's own header and footer stand at its two ends, not at the same end of each half)."""
    if cut is None:
        return False
    lines = page.lines
    above = [line for line in lines if line.bottom <= cut]
    below = [line for line in lines if line.top >= cut]
    top, bottom = _folio(above), _folio(below)
    return top is not None and bottom is not None and top[1] == bottom[1]


def _grid(sheet: Sheet) -> _Grid:
    """The sheet's cells with their lines and page numbers."""
    page = sheet.page
    xs = (0.0, sheet.xcut, page.width) if sheet.xcut is not None else (0.0, page.width)
    ys = (0.0, sheet.ycut, page.height) if sheet.ycut is not None else (0.0, page.height)
    bounds = tuple((x0, top, x1, bottom) for top, bottom in itertools.pairwise(ys) for x0, x1 in itertools.pairwise(xs))
    words = [w for w in page.words if inked(w)]
    lines = tuple(group_lines([w for w in words if _within(_middle(w), cell)], 0) for cell in bounds)
    return _Grid(sheet, bounds, lines, tuple(map(_folio, lines)))


def _middle(word: Word) -> tuple[float, float]:
    return (word.x0 + word.x1) / 2, (word.top + word.bottom) / 2


def _within(point: tuple[float, float], cell: tuple[float, float, float, float]) -> bool:
    return cell[0] <= point[0] < cell[2] and cell[1] <= point[1] < cell[3]


def _frames(grids: list[_Grid]) -> tuple[float | None, float | None]:
    """The distance between neighbouring pages' frames across and down the sheets (None: the sheet's half).

    Halves of the sheet would give the cells frames of their own when the pages do not abut at its middle: a gutter
    away from the middle (a copy shifted on the glass, a binding offset), or pages imposed with a gap between them
    (each a quarter of it off the middle), and a list or box running on from one page to the next would change its
    columns' x. The pitch is measured from the text: the most common left margin of the second column of cells
    less that of the first (first lines' tops for rows). Rows cut at the middle keep the halves: one first line a
    page is too little to measure a gap of a few points by (a heading or a paragraph running on moves it), and a
    page's lines are read by their own tops."""
    middle = [g.sheet.ycut == g.sheet.page.height / 2 for g in grids if g.sheet.ycut is not None]
    return _pitch(grids, across=False), None if all(middle) else _pitch(grids, across=True)


def _pitch(grids: list[_Grid], across: bool) -> float | None:
    edges: tuple[Counter[float], Counter[float]] = (Counter(), Counter())
    for grid in grids:
        cols = 2 if grid.sheet.xcut is not None else 1
        for k, lines in enumerate(grid.lines):
            if not lines or (grid.sheet.ycut if across else grid.sheet.xcut) is None:
                continue
            side = k // cols if across else k % cols
            for value in [lines[0].top] if across else [line.x0 for line in lines]:
                edges[side][round(value / EDGE_STEP) * EDGE_STEP] += 1
    if not edges[0] or not edges[1]:
        return None
    pitch = edges[1].most_common(1)[0][0] - edges[0].most_common(1)[0][0]
    return pitch if pitch > 0 else None


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


def _folio(lines: list[Line]) -> tuple[int, int] | None:
    """The page number the cell's last or first line, set apart from the text, ends (or begins) with, and which."""
    if len(lines) < 3:
        return None
    for end, (line, neighbour) in ((FOOT, (lines[-1], lines[-2])), (HEAD, (lines[0], lines[1]))):
        apart = min(abs(line.top - neighbour.bottom), abs(neighbour.top - line.bottom)) > 0.5 * line.size
        found = apart and (FOLIO.search(line.text) or FOLIO.search(line.words[0].text))
        if found:
            return int(found.group(1)), end
    return None


def _parts(grid: _Grid, frames: tuple[float | None, float | None], certain: bool) -> list[Page]:
    """The logical pages of a sheet: each inked cell's words and markers moved into the cell's own frame (a frame
    the cells share, see :func:`_frames`)."""
    page, sheet, parts = grid.sheet.page, grid.sheet, []
    cols = 2 if sheet.xcut is not None else 1
    xs = _origins(sheet.xcut, frames[0], page.width)
    ys = _origins(sheet.ycut, frames[1], page.height)
    for k, (cell, has_ink) in enumerate(zip(grid.bounds, grid.inked, strict=True)):
        if not has_ink:
            continue
        (x, width), (y, height) = xs[k % cols], ys[k // cols]
        part = SheetPart(page.number, k + 1, len(grid.bounds), x, y, certain, cell)
        words = [_shifted(w, -x, -y) for w in page.words if part.own((w.x0, w.top, w.x1, w.bottom))]
        markers = page.markers
        if markers is not None:
            markers = [(m[0] - x, m[1] - y, m[2] - x, m[3] - y) for m in markers if part.own(m)]
        logical = replace(page, width=width, height=height, words_given=words, markers=markers, sheet=part)
        logical.__dict__.pop("lines", None)
        logical.text = "\r\n".join(line.text for line in logical.lines)
        parts.append(logical)
    return parts


def _origins(cut: float | None, pitch: float | None, extent: float) -> list[tuple[float, float]]:
    """Each cell's frame along one axis, (origin, size): the whole extent, the halves (without a pitch, or pages
    abutting at the middle), or frames one ``pitch`` apart, the second starting at the cut."""
    if cut is None:
        return [(0.0, extent)]
    if pitch is None or cut == extent / 2 and abs(pitch - cut) <= EDGE_STEP:  # abutting, as far as edges tell
        return [(0.0, cut), (cut, extent - cut)]
    return [(cut - pitch, pitch), (cut, pitch)]


def _shifted(word: Word, dx: float, dy: float) -> Word:
    return replace(word, x0=word.x0 + dx, x1=word.x1 + dx, top=word.top + dy, bottom=word.bottom + dy)
