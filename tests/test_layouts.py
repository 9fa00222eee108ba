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
from kompass_extract.read.document import Document, Page
from kompass_extract.read.geometry import Word
from kompass_extract.read.ocr.pages import tesseract_available
from kompass_extract.read.sheets import split_sheets
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
    truth = _truth(folder)
    report = extract(folder / "report.pdf")
    mismatches = unexplained(compare(report, truth), truth["sheet_layout"]["base"].split("/")[-1])
    exact, total = summary(mismatches, truth)
    assert mismatches == [], f"{folder.name}: {exact}/{total} fields exact\n" + "\n".join(map(str, mismatches[:30]))
    assert [c.message for c in report.checks if c.severity != "info"] == []
    split = [c for c in report.checks if c.code == "pages-split"]
    assert len(split) == 1 and split[0].details["count"] >= report.pages - 1
    assert max(q.page for a in report.areas for q in a.questions) <= report.pages  # the PDF's pages, not halves


def test_committed_layout_fixtures_are_the_variants(tmp_path: Path) -> None:
    assert {f.name for f in FOLDERS} == {s["name"] for s in LAYOUT_VARIANTS}
    for spec in LAYOUT_VARIANTS:
        if spec["tool"] == "gs" and shutil.which("gs") is None:
            continue
        assert _truth(write_layout_variant(spec, tmp_path)) == _truth(LAYOUTS / spec["name"]), spec["name"]


def _page(number: int, width: float, height: float, lines: list[tuple[float, float, str]]) -> Page:
    """A page of words: each line (x, top, text) set at 9 pt, a word every 5 pt a letter."""
    words = []
    for x, top, text in lines:
        for token in text.split():
            words.append(Word(token, x, top, x + 5 * len(token), top + 9, 9.0))
            x += 5 * len(token) + 3
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
        (3, None),
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
