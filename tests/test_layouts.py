"""Reports as archives keep them: two pages side by side on one sheet (fixtures/layouts/, ``make layout-fixtures``).

Read as one page, the lines of both pages joined and nothing on such a sheet was usable (66-603 of ~600-900 fields,
all flagged). Each sheet is now split at its gutter into two pages before anything is located, and every value is
put back on the PDF's page in that page's coordinates (the truth's located boxes are moved to the sheets).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kompass_extract import extract
from kompass_extract.model import Report
from kompass_extract.pipeline import _ensure_text
from kompass_extract.read.document import Document, Page
from kompass_extract.read.geometry import Word
from kompass_extract.read.ocr.pages import SHRUNK_DPI, tesseract_available
from kompass_extract.read.relocate import relocate
from kompass_extract.read.sheets import EDGE_STEP, split_sheets
from kompass_extract.validate.run import validate_report
from kompass_testing.compare import compare, summary, unexplained
from kompass_testing.degrade import DEGRADATIONS
from kompass_testing.layouts import LAYOUT_VARIANTS, write_layout_variant
from kompass_testing.scan_matrix import run_one

LAYOUTS = Path(__file__).resolve().parent.parent / "fixtures" / "layouts"
FOLDERS = sorted(p for p in LAYOUTS.iterdir() if (p / "truth.json").is_file())


def _truth(folder: Path) -> dict:
    return json.loads((folder / "truth.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_two_pages_per_sheet_convert_exactly_on_the_sheets_pages(folder: Path) -> None:
    """Exact, and quiet when the pages print their page numbers; pages without them (shrunk to share the sheet) are
    split all the same, doubted."""
    truth = _truth(folder)
    report = extract(folder / "report.pdf")
    mismatches = unexplained(compare(report, truth), truth["sheet_layout"]["base"].split("/")[-1])
    exact, total = summary(mismatches, truth)
    assert mismatches == [], f"{folder.name}: {exact}/{total} fields exact\n" + "\n".join(map(str, mismatches[:30]))
    numbered = truth["sheet_layout"].get("page_numbers") != "none"
    assert [c.code for c in report.checks if c.severity != "info"] == ([] if numbered else ["page-split-uncertain"])
    split = [c for c in report.checks if c.code == "pages-split"]
    assert len(split) == 1 and split[0].details["count"] >= report.pages - 1
    assert max(q.page for a in report.areas for q in a.questions) <= report.pages  # the PDF's pages, not halves


def test_committed_layout_fixtures_are_the_variants(tmp_path: Path) -> None:
    assert {f.name for f in FOLDERS} == {s["name"] for s in LAYOUT_VARIANTS}
    for spec in LAYOUT_VARIANTS:
        if spec["tool"] == "gs" and shutil.which("gs") is None:
            continue
        assert _truth(write_layout_variant(spec, tmp_path)) == _truth(LAYOUTS / spec["name"]), spec["name"]


def _page(number: int, width: float, height: float, lines: list[tuple[float, float, str]], size: float = 9.0) -> Page:
    """A page of words: each line (x, top, text) set at ``size`` (9 pt), a word every 5/9 of it a letter."""
    words = []
    for x, top, text in lines:
        for token in text.split():
            words.append(Word(token, x, top, x + size * 5 / 9 * len(token), top + size, size))
            x += size * 5 / 9 * len(token) + size / 3
    return Page(number, width, height, "", words_given=words)


def _half(x: float, folio: str | None) -> list[tuple[float, float, str]]:
    body = [(x, 60 + 12 * i, "text of a page in lines of words") for i in range(30)]
    return body + ([(x + 100, 560, folio)] if folio else [])


def _document(*pages: Page) -> Document:
    return Document("x.pdf", list(pages))


def test_a_sheet_is_split_where_each_half_has_its_own_page_number() -> None:
    doc = _document(_page(1, 842, 595, _half(40, "7") + _half(461, "8")), _page(2, 595, 842, _half(40, "9")))
    split_sheets(doc)
    assert [(p.number, p.sheet and (p.sheet.page, p.sheet.part, p.sheet.certain)) for p in doc.pages] == [
        (1, (1, 1, True)),
        (2, (1, 2, True)),
        (3, (2, 1, True)),  # left whole: one part of one, its PDF page kept
    ]
    right = doc.pages[1]
    assert right.width == pytest.approx(421) and min(w.x0 for w in right.words) == pytest.approx(40)
    assert "\n" in right.text and "8" in right.text and "7" not in right.text


def test_a_lone_landscape_page_without_page_numbers_is_a_wide_page() -> None:
    """Two columns of a landscape table in a portrait report: no page number on each half, so no split."""
    doc = _document(_page(1, 595, 842, _half(40, "1")), _page(2, 842, 595, _half(40, None) + _half(461, "2")))
    split_sheets(doc)
    assert [p.sheet for p in doc.pages] == [None, None]


def test_sheets_without_page_numbers_are_split_but_doubted() -> None:
    sheets = [_page(n, 842, 595, _half(40, None) + _half(461, None)) for n in (1, 2, 3)]
    doc = _document(*sheets)
    split_sheets(doc)
    assert len(doc.pages) == 6 and all(p.sheet is not None and not p.sheet.certain for p in doc.pages)


def test_a_line_across_the_middle_keeps_the_sheet_whole() -> None:
    across = [(40, 60 + 12 * i, "a line of a landscape page that runs on " * 3) for i in range(9)]
    doc = _document(_page(1, 842, 595, across + _half(40, "1") + _half(461, "2")))
    split_sheets(doc)
    assert [p.sheet for p in doc.pages] == [None]


@pytest.mark.skipif(not tesseract_available(), reason="tesseract with the swe model is not installed")
def test_a_scanned_sheet_of_two_pages_reads_exact_or_flagged(tmp_path: Path) -> None:
    """The first overview tables sheet of a 2-up copy, scanned grey at 300 dpi (the other sheets keep their text)."""
    folder = LAYOUTS / "2up-pdfium-rapport2007-sans-single"
    figures = run_one(folder, DEGRADATIONS["grey-300"], tmp_path, only=[6])
    assert figures.silent == [] and figures.wrong_silent == 0
    assert figures.exact / figures.numbers >= 0.97, figures.row()


def test_a_booklet_is_read_in_the_order_of_its_page_numbers_or_doubted() -> None:
    """A booklet imposed for folding holds pages 4|1 and 2|3: read in the sheets' order its areas ran into each
    other (33 silent fields on the booklet fixture). Put in order by the printed numbers; when one is missing
    (a cover without a number) kept as it is, and doubted."""
    doc = _document(
        _page(1, 842, 595, _half(40, "4") + _half(461, "1")), _page(2, 842, 595, _half(40, "2") + _half(461, "3"))
    )
    split_sheets(doc)
    assert [(p.sheet.page, p.sheet.part, p.sheet.certain) for p in doc.pages] == [
        (1, 2, True),
        (2, 1, True),
        (2, 2, True),
        (1, 1, True),
    ]
    assert [p.number for p in doc.pages] == [1, 2, 3, 4]
    coverless = _document(
        _page(1, 842, 595, _half(40, "4") + _half(461, None)), _page(2, 842, 595, _half(40, "2") + _half(461, "3"))
    )
    split_sheets(coverless)
    assert len(coverless.pages) == 4 and not any(p.sheet.certain for p in coverless.pages)


def test_page_numbers_read_by_ocr_never_reorder_a_booklet() -> None:
    """An OCR'd page number may be misread ("7" for "1"): out of order on scanned sheets, the pages keep the
    sheets' order and every split is doubted."""
    sheets = [
        _page(1, 842, 595, _half(40, "4") + _half(461, "1")),
        _page(2, 842, 595, _half(40, "2") + _half(461, "3")),
    ]
    for sheet in sheets:
        sheet.ocr = True
    doc = _document(*sheets)
    split_sheets(doc)
    assert [(p.sheet.page, p.sheet.part, p.sheet.certain) for p in doc.pages] == [
        (1, 1, False),
        (1, 2, False),
        (2, 1, False),
        (2, 2, False),
    ]


def test_the_last_sheet_holding_one_page_is_cut_where_the_other_sheets_are() -> None:
    """The last sheet of an odd page count holds one page, whose table leaves a white band near the sheet's middle
    (the gap before its percent column) and whose sum line ends with a number: cut there, the percent column became
    a page of its own and a 2-up Luleå lost area 8's percents with no check. Cut where the other sheets are, the
    sheet's right half is blank."""
    sheets = [_page(n, 842, 595, _half(40, str(2 * n - 1)) + _half(461, str(2 * n))) for n in (1, 2, 3)]
    rows = [(150, 60 + 14 * i, f"8.{i} Finns en plan 13 15") for i in range(9)] + [(150, 200, "Summa 85 100")]
    percents = [(400, 60 + 14 * i, f"{80 + i}%") for i in range(9)] + [(400, 200, "85%"), (405, 560, "7")]
    doc = _document(*sheets, _page(4, 842, 595, rows + percents))
    split_sheets(doc)
    assert len(doc.pages) == 7
    last = doc.pages[-1]
    assert (last.sheet.page, last.sheet.part) == (4, 1) and "85%" in last.text and "8.0 Finns" in last.text


def _stacked(number: int, folios: tuple[str, str], height: float = 842) -> Page:
    """A portrait sheet with two pages stacked: each a block of lines with its page number under it."""
    top = [(60, 40 + 9 * i, "text of a page in lines of words") for i in range(30)] + [(150, 330, folios[0])]
    low = [(60, 440 + 9 * i, "text of a page in lines of words") for i in range(30)] + [(150, 730, folios[1])]
    return _page(number, 595, height, top + low)


def test_pages_stacked_on_a_sheet_are_split_by_their_page_numbers() -> None:
    doc = _document(*(_stacked(n, (str(2 * n - 1), str(2 * n))) for n in (1, 2, 3)))
    split_sheets(doc)
    assert [(p.sheet.page, p.sheet.part, p.sheet.certain) for p in doc.pages] == [
        (n, part, True) for n in (1, 2, 3) for part in (1, 2)
    ]
    low = doc.pages[1]
    assert low.height < 842 / 1.5 and min(w.top for w in low.words) == pytest.approx(440 - 421, abs=0.5)
    assert "\n" in low.text and "2" in low.text and "1" not in low.text.split()


def test_a_page_numbered_at_its_head_and_foot_with_a_white_band_is_one_page() -> None:
    """A running header with the page number and a footer with it again, and white space between two paragraphs
    near the middle: page numbers at opposite ends of the two halves, so one page, not two stacked."""
    pages = []
    for n in (1, 2, 3):
        page = _stacked(n, ("x", f"Sida {n}"))
        page.words_given = [w for w in page.words_given if w.text != "x"] + [Word(str(n), 150, 20, 155, 29, 9.0)]
        pages.append(page)
    doc = _document(*pages)
    split_sheets(doc)
    assert [p.sheet for p in doc.pages] == [None, None, None]


def test_four_pages_per_sheet_in_a_grid_are_split_in_reading_order() -> None:
    def quarter(x: float, y: float, folio: str) -> list[tuple[float, float, str]]:
        body = [(x, y + 11 * i, "text of a page") for i in range(14)]
        return body + [(x + 40, y + 170, folio)]

    sheets = [_page(n, 595, 842, quarter(150, 40, f"{4 * n - 3}") + quarter(330, 40, f"{4 * n - 2}")) for n in (1, 2)]
    for n, sheet in enumerate(sheets, 1):
        lower = _page(n, 595, 842, quarter(150, 460, f"{4 * n - 1}") + quarter(330, 460, f"{4 * n}"))
        sheet.words_given += lower.words_given
    doc = _document(*sheets)
    split_sheets(doc)
    assert [(p.sheet.page, p.sheet.part, p.sheet.parts) for p in doc.pages] == [
        (n, part, 4) for n in (1, 2) for part in (1, 2, 3, 4)
    ]
    assert [p.text.split()[-1] for p in doc.pages] == [str(k) for k in range(1, 9)]


def test_a_gutter_away_from_the_sheets_middle_leaves_both_pages_one_frame() -> None:
    """A spread scanned in the corner of a larger glass: the gutter is not at the sheet's middle. Cut at the
    gutter with each half's own frame, the same column stood 178 points apart on a left and a right page (a list
    running on from one to the next changed its columns' x); the frames now lie one page apart."""
    doc = _document(*(_page(n, 1000, 595, _half(220, str(2 * n - 1)) + _half(450, str(2 * n))) for n in (1, 2)))
    split_sheets(doc)
    assert len(doc.pages) == 4
    assert len({round(min(w.x0 for w in p.words)) for p in doc.pages}) == 1
    assert all(p.sheet.certain for p in doc.pages)


def test_a_two_up_copy_of_a_real_report_reads_exactly(tmp_path: Path) -> None:
    """Luleå's 31 pages two per sheet (built here: 3 MB, its fonts embedded once per page): the last sheet holds
    one page, which lost its percent column silently before."""
    spec = {"name": "lulea-2up", "base": "lulea-2018", "tool": "pdfium", "gap": 0.0}
    folder = write_layout_variant(spec, tmp_path)
    truth = _truth(folder)
    report = extract(folder / "report.pdf")
    mismatches = unexplained(compare(report, truth), "lulea-2018")
    assert mismatches == [], "\n".join(map(str, mismatches[:30]))
    assert [c.message for c in report.checks if c.severity != "info"] == []


def test_a_sheet_left_whole_among_split_ones_keeps_its_pdf_page() -> None:
    """Sheets 1-2 are split, sheet 3 is not (a line runs across its middle): renumbered as logical page 5 it sent its
    values to PDF page 5 of a 3-page file, and the OCR repair step failed on it ("Failed to load page" on a scanned
    2-up copy whose last sheet was left whole)."""
    across = [(40, 60 + 12 * i, "a line of a landscape page that runs on " * 3) for i in range(9)]
    doc = _document(
        *(_page(n, 842, 595, _half(40, str(2 * n - 1)) + _half(461, str(2 * n))) for n in (1, 2)),
        _page(3, 842, 595, across),
    )
    split_sheets(doc)
    assert [(p.number, p.sheet.page, p.sheet.parts) for p in doc.pages] == [
        (1, 1, 2),
        (2, 1, 2),
        (3, 2, 2),
        (4, 2, 2),
        (5, 3, 1),
    ]
    report = Report(source_file="x.pdf", sha256="0", pages=3, ocr=False, extractor_version="0")
    relocate(report, doc.pages)
    assert [p["page"] for p in report.provenance["sheets"]["parts"]] == [1, 1, 2, 2]


def _shrunk_quarters(number: int, rows: int, cols: int, size: float) -> Page:
    """A portrait sheet holding ``rows`` x ``cols`` pages of lines at ``size`` points, without page numbers."""
    lines = []
    for row in range(rows):
        for col in range(cols):
            x, y = 30 + col * 595 / cols, 40 + row * 842 / rows
            lines += [
                (x, y + 1.4 * size * i, "text of a page in lines of words that run on across it")
                for i in range(int(300 / rows / size))
            ]
    return _page(number, 595, 842, lines, size)


def test_pages_shrunk_to_share_a_sheet_are_split_without_page_numbers_but_doubted() -> None:
    """Two stacked or four pages a sheet, printing no page numbers: read whole before, lines of pages side by side
    joined (a 4-up copy of a report lost most of its fields, one silently; a stacked LibreOffice report 14 fields,
    silently). Text shrunk to half a printed report's size and a white band across most sheets cut them."""
    for rows, cols in ((2, 1), (2, 2)):
        doc = _document(*(_shrunk_quarters(n, rows, cols, 5.0) for n in (1, 2, 3)))
        assert split_sheets(doc) is None
        assert [(p.sheet.page, p.sheet.part, p.sheet.parts) for p in doc.pages] == [
            (n, part, rows * cols) for n in (1, 2, 3) for part in range(1, rows * cols + 1)
        ]
        assert not any(p.sheet.certain for p in doc.pages)


def test_full_size_pages_with_a_white_band_across_are_one_page_each() -> None:
    """Most pages of a LibreOffice report have a white band across them near the middle: at a printed size with no
    page numbers that is a page, not two."""
    doc = _document(*(_shrunk_quarters(n, 2, 1, 9.0) for n in (1, 2, 3)))
    assert split_sheets(doc) is None
    assert [p.sheet for p in doc.pages] == [None, None, None]


def test_shrunk_pages_that_cannot_be_cut_are_warned() -> None:
    """Shrunk text without a white band that most sheets agree on is read sheet by sheet, never silently."""
    lines = [(30, 40 + 7 * i, "a line of text that runs across the whole sheet from side to side") for i in range(100)]
    doc = _document(*(_page(n, 595, 842, lines, 5.0) for n in (1, 2)))
    unsplit = split_sheets(doc)
    assert unsplit == {"size": 5.0, "pages": [1, 2]} and [p.sheet for p in doc.pages] == [None, None]
    report = Report(source_file="x.pdf", sha256="0", pages=2, provenance={"sheets_unsplit": unsplit})
    (check,) = [c for c in validate_report(report) if c.code == "pages-shrunk-unsplit"]
    assert check.severity == "warning" and "at 5 pt on pages 1-2" in check.message


@pytest.mark.parametrize(
    ("base", "grid", "gap", "numbered"),
    [
        ("libreoffice/libreoffice-image-floats", [2, 2], 18.0, False),
        ("chromium/chromium-disc-twocol", [2, 1], 0.0, True),
    ],
    ids=["4up-libreoffice-gap", "stacked-chromium"],
)
def test_reports_of_other_producers_imposed_read_exactly(
    tmp_path: Path, base: str, grid: list, gap: float, numbered: bool
):
    """Built here (0.6-1.4 MB: their fonts embedded once per page). LibreOffice prints no page numbers and leaves a
    white band across most pages: stacked two a sheet it was read whole, 14 fields wrong without a check; four a
    sheet with a gap between the pages, the Rubriker box running on from a left page to a right one lost its items
    and headings (23 fields, no check: the right page's frame was the sheet's half, its text a gap's half off the
    left page's). Chromium's last two improvements on a page of their own (4 words with its page number) were taken
    for a blank cell and dropped, silently."""
    spec = {"name": "sheets", "base": base, "tool": "pdfium", "gap": gap, "grid": grid}
    folder = write_layout_variant(spec | ({} if numbered else {"page_numbers": "none"}), tmp_path)
    report = extract(folder / "report.pdf")
    assert unexplained(compare(report, _truth(folder)), base.split("/")[-1]) == []
    assert [c.code for c in report.checks if c.severity != "info"] == ([] if numbered else ["page-split-uncertain"])


def test_pages_side_by_side_with_a_gap_between_them_share_one_frame() -> None:
    """Imposed with a gap, each page stands a quarter of it away from the sheet's middle: cut into halves, a right
    page's text lay half a gap right of a left page's, and a list or box running on from one to the other changed
    its column. The frames lie one page (measured from the text's margins) apart."""
    doc = _document(*(_page(n, 842, 595, _half(36, str(2 * n - 1)) + _half(463, str(2 * n))) for n in (1, 2)))
    split_sheets(doc)
    margins = [min(w.x0 for w in p.words) for p in doc.pages]
    assert len(margins) == 4 and max(margins) - min(margins) <= EDGE_STEP  # edges are counted to the EDGE_STEP


def test_a_page_holding_a_few_words_of_a_sheet_is_read() -> None:
    """The last two items of a list run on to the next page, alone on it with its page number: fewer words than a
    page shows its furniture with, that part was dropped as blank and the items were lost without a check."""
    sheets = [_stacked(n, (str(2 * n - 1), str(2 * n))) for n in (1, 2, 3)]
    tail = [w for w in sheets[2].words_given if w.top < 421] + [Word("Årets", 60, 440, 85, 449, 9.0)]
    sheets[2].words_given = tail + [Word("ledare", 90, 440, 120, 449, 9.0), Word("6", 150, 730, 155, 739, 9.0)]
    doc = _document(*sheets)
    split_sheets(doc)
    assert len(doc.pages) == 6 and doc.pages[-1].text.split() == ["Årets", "ledare", "6"]


@pytest.mark.parametrize(("size", "passes"), [(5.0, [300, SHRUNK_DPI]), (9.0, [300])])
def test_scanned_sheets_of_shrunk_pages_are_read_again_larger(monkeypatch: pytest.MonkeyPatch, size, passes) -> None:
    """4.5-6 pt print is 19-25 px high at 300 dpi, too small for Tesseract: a 4-up copy scanned grey at 300 dpi kept
    55 of 93 list items, words dropped from them without a check. Such pages are read again at a higher resolution;
    pages at a printed size are read once."""
    calls = []

    def fake_ocr(path: str, numbers: list[int], *, dpi: int = 300, **_: object) -> list[Page]:
        calls.append(dpi)
        return [_shrunk_quarters(n, 2, 2, size) for n in numbers]

    monkeypatch.setattr("kompass_extract.read.ocr.pages.ocr_document", fake_ocr)
    doc = _document(*(Page(n, 595, 842, "") for n in (1, 2)))
    assert _ensure_text(doc, b"", "always", None, None) and calls == passes
