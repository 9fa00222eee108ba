"""The scan matrix: degraded scans of the fixtures (kompass_testing.degrade) and their scoring against the truth.

The whole matrix (every fixture under every degradation) runs with ``make scan-matrix``; here the degradations and
the scoring are checked on their own, and one small report goes through a rough 1-bit copy end to end.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image

from kompass_extract.model import BreakDoubt, Check
from kompass_extract.read.document import open_pdf
from kompass_extract.read.ocr.pages import page_needs_ocr, tesseract_available
from kompass_testing.degrade import DEGRADATIONS, cached_degraded_pdf, degrade_page, page_skew, page_turn
from kompass_testing.scan_matrix import fixture_folders, plan, run_one, score
from kompass_testing.truth_report import report_from_truth

LULEA = Path(__file__).resolve().parents[1] / "fixtures" / "lulea-2018"
TRUTH = json.loads((LULEA / "truth.json").read_text(encoding="utf-8"))


def test_every_degradation_spoils_the_page_its_own_way() -> None:
    clean = Image.new("RGB", (400, 300), "white")
    clean.paste((0, 0, 0), (50, 100, 350, 110))  # a bar of ink
    seen = set()
    for d in DEGRADATIONS.values():
        page = degrade_page(clean, d, 2)
        assert page.mode == {"grey": "L", "colour": "RGB", "bw": "1"}[d.mode]
        pixels = np.asarray(page.convert("L"), dtype=np.float64)
        upright = np.asarray(page.rotate(-page_turn(d, 2), expand=True).convert("L"), dtype=np.float64)
        assert upright[105, 200] < 100, d.name  # the ink survives
        seen.add(pixels.tobytes())
        assert abs(page_skew(d, 2)) <= d.max_skew
        assert (np.asarray(degrade_page(clean, d, 2).convert("L")) == pixels).all(), "not deterministic"
    assert len(seen) == len(DEGRADATIONS)
    copy = DEGRADATIONS["photocopy-200-edges"]
    turns = [page_turn(copy, n) for n in range(1, 30)]
    assert {90, 180, 270} <= set(turns) and turns.count(0) > 10  # some pages fed turned, most not
    flat = np.asarray(degrade_page(clean, copy, 4).rotate(-page_turn(copy, 4), expand=True).convert("L"))
    assert flat[:, :4].mean() < 100 and flat[-3:].mean() < 100  # the dark band along the edge and the foot
    skews = {page_skew(DEGRADATIONS["grey-200-skew"], n) for n in range(1, 30)}
    assert len(skews) > 10 and max(map(abs, skews)) > 1.0


def test_a_degraded_pdf_is_image_only(tmp_path: Path) -> None:
    scan = cached_degraded_pdf(LULEA / "report.pdf", DEGRADATIONS["bw-300-specks"], tmp_path, pages=[2, 3])
    doc = open_pdf(str(scan))
    try:
        assert len(doc.pages) == 2 and all(page_needs_ocr(p) for p in doc.pages)
        assert all(p.image_cover > 0.9 for p in doc.pages)
    finally:
        doc.close()
    source = pdfium.PdfDocument(str(LULEA / "report.pdf"))
    assert pdfium.PdfDocument(str(scan))[0].get_size() == pytest.approx(source[1].get_size(), abs=1)


def test_plan_diagonal_sees_every_fixture_and_degradation() -> None:
    folders = fixture_folders()
    runs = plan(folders, list(DEGRADATIONS.values()), diagonal=True)
    assert [f for f, _ in runs] == folders and {d.name for _, d in runs} == set(DEGRADATIONS)
    assert len(plan(folders, list(DEGRADATIONS.values()), diagonal=False)) == len(folders) * len(DEGRADATIONS)


def test_score_counts_exact_flagged_and_silent_numbers_and_list_items() -> None:
    report = report_from_truth(TRUTH)
    perfect = score(report, TRUTH)
    assert perfect.exact == perfect.numbers > 100 and perfect.items_found == perfect.items
    area = report.area(2)
    area.questions[0].achieved += 1  # wrong, and nothing says so
    area.questions[1].achieved = None  # left empty
    report.area(3).questions[0].percent += 1  # wrong, but flagged on its row
    report.checks = [Check("warning", "ocr-low-confidence", "verify", 3, report.area(3).questions[0].question_no)]
    joined = " ".join(f.text for f in area.findings if f.kind == "strength")
    area.findings = [f for f in area.findings if f.kind != "strength"] + [
        area.strengths[0].__class__("strength", 1, joined, 1)
    ]
    figures = score(report, TRUTH, "lulea")
    assert (figures.exact, figures.missing, figures.wrong_flagged, figures.wrong_silent) == (
        perfect.numbers - 3,
        1,
        1,
        1,
    )
    assert figures.silent == [
        f"lulea: area 2 q 2.1 achieved {TRUTH['areas'][1]['questions'][0]['achieved']} read "
        f"{TRUTH['areas'][1]['questions'][0]['achieved'] + 1}"
    ]
    assert figures.items_found == perfect.items - len(TRUTH["areas"][1]["strengths"])
    assert figures.columns_counted == figures.columns - 1
    assert (figures + perfect).numbers == 2 * perfect.numbers  # fmt: skip


def test_score_counts_list_items_lost_where_no_check_doubts_the_list() -> None:
    """A list item split in two (a marker placed on the wrong line) in an area with only the numbers' warnings is a
    list fault nothing names; the same with ``findings-uncertain`` on the area is warned."""
    report = report_from_truth(TRUTH)
    area = report.area(4)
    first = next(f for f in area.findings if f.kind == "improvement")
    head, _, tail = first.text.rpartition(" ")
    area.findings = [f for f in area.findings if f is not first] + [
        replace(first, text=head),
        replace(first, text=tail),
    ]
    report.checks = [Check("warning", "ocr-low-confidence", "verify", 4, None)]
    figures = score(report, TRUTH, "lulea")
    assert (figures.items_found, figures.items_unwarned) == (figures.items - 1, 1)
    assert figures.unwarned == [f"lulea: area 4 improvement, 1 of {len(TRUTH['areas'][3]['improvements'])} items"]
    report.checks.append(Check("warning", "findings-uncertain", "joined or split?", 4, None))
    assert score(report, TRUTH, "lulea").items_unwarned == 0
    area.findings = [f for f in area.findings if f.text != tail] + [replace(first, text=first.text + " " + tail)]
    report.checks = []
    assert score(report, TRUTH).items_unwarned == 1  # every item found, but one too many: the count tells


def test_score_counts_narrative_headings_paragraphs_and_their_silent_errors() -> None:
    """A paragraph's first line read as a sub-heading (the scans' narrative fault) is a wrong heading and a wrong
    paragraph; a heading read with one wrong letter is found but not exact; nothing is silent where
    ``sections-uncertain`` doubts the area."""
    report = report_from_truth(TRUTH)
    perfect = score(report, TRUTH, "lulea")
    assert perfect.headings_exact == perfect.headings_found == perfect.headings > 30
    assert perfect.paragraphs_found == perfect.paragraphs and perfect.narrative_silent == 0
    sections = report.area(5).sections
    section = next(s for s in sections if len(s.paragraphs) >= 2 and len(s.paragraphs[1]) > 200)
    head, _, tail = section.paragraphs[1].partition(". ")
    section.paragraphs = [section.paragraphs[0]]
    sections.insert(sections.index(section) + 1, replace(section, heading=head, paragraphs=[tail]))
    report.area(6).sections[1].heading = report.area(6).sections[1].heading[:-1] + "x"  # one letter: found
    report.checks = [Check("warning", "ocr-low-confidence", "verify", 5, None)]  # a numbers' check: not narrative
    figures = score(report, TRUTH, "lulea")
    assert (figures.headings_found, figures.headings_exact) == (perfect.headings, perfect.headings - 1)
    assert figures.paragraphs_found == perfect.paragraphs - 1
    assert figures.narrative_silent == 2
    assert [line.split(",")[0] for line in figures.narrative_unwarned] == [
        "lulea: area 5 headings",
        "lulea: area 5 paragraphs",
    ]
    report.checks.append(Check("warning", "sections-uncertain", "verify the sub-headings", 5, None))
    assert score(report, TRUTH).narrative_silent == 0


def test_a_paragraph_parted_at_an_unsettled_break_is_flagged_not_silent() -> None:
    """A paragraph read as two at a page break the parser could not settle (``Section.breaks``, the info
    ``paragraph-break-uncertain``) is flagged, as the held-out hunt counts it; the same split where no break is
    doubted is two silent errors, and so is one in another section of the same area."""
    report = report_from_truth(TRUTH)
    section = next(s for s in report.area(5).sections if s.heading and len(s.paragraphs[0]) > 200)
    head, _, tail = section.paragraphs[0].partition(". ")
    section.paragraphs[0:1] = [head + ".", tail]
    assert score(report, TRUTH).narrative_silent == 2
    section.breaks = [BreakDoubt(page=9, paragraph=2, before=head[-20:], after=tail[:20], parted=True)]
    assert score(report, TRUTH).narrative_silent == 0
    other = next(s for s in report.area(5).sections if s is not section and len(s.paragraphs[0]) > 200)
    first, _, rest = other.paragraphs[0].partition(". ")
    other.paragraphs[0:1] = [first + ".", rest]
    assert score(report, TRUTH).narrative_silent == 2


def _sample_pages(pdf: Path) -> list[int]:
    """The pages worth scanning in a cheap sample: the overview tables and the first two Styrkor lists."""
    doc = open_pdf(str(pdf))
    try:
        texts = [p.text for p in doc.pages]
    finally:
        doc.close()
    tables = [n for n, t in enumerate(texts, 1) if len(re.findall(r"(?m)^\d\.\d+ ", t)) >= 3]
    lists = [n for n, t in enumerate(texts, 1) if "Styrkor" in t and n not in tables][:2]
    return sorted(tables + lists)


@pytest.mark.skipif(not tesseract_available(), reason="tesseract with the swe model is not installed")
def test_a_rough_photocopy_reads_exact_or_flagged(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The matrix's sample in CI: the overview and two list pages of the smallest report as a 1-bit copy with toner
    specks and skewed pages (the other pages keep their text layer, so only these are OCR'd)."""
    folder = next(f for f in fixture_folders() if f.name == "rapport2007-sans-single")
    only = _sample_pages(folder / "report.pdf")
    assert 3 <= len(only) <= 6
    figures = run_one(folder, DEGRADATIONS["bw-300-specks"], tmp_path_factory.mktemp("scan-matrix"), only=only)
    assert figures.silent == [] and figures.wrong_silent == 0
    assert figures.exact / figures.numbers >= 0.97, figures.row()
    assert figures.items_found / figures.items >= 0.97, figures.row()  # 77/77 measured


def test_score_counts_rubriker_boxes_their_items_and_the_silent_ones() -> None:
    """A box item with a marker read as letters ("jz ...") is found but not exact, an item lost and one of junk
    ("SE") are lost and extra; each such box is wrong, and silent unless a box check names its area."""
    report = report_from_truth(TRUTH)
    perfect = score(report, TRUTH, "lulea")
    assert perfect.rubriker_exact == perfect.rubriker_found == perfect.rubriker > 20
    assert perfect.boxes == len(TRUTH["areas"]) and perfect.boxes_wrong == perfect.boxes_silent == 0
    report.area(2).rubriker = ["jz " + report.area(2).rubriker[0], *report.area(2).rubriker[1:]]
    report.area(3).rubriker = [*report.area(3).rubriker[:-1], "SE"]
    report.checks = [Check("warning", "narrative-uncertain", "a narrative check is no box check", 3, None)]
    figures = score(report, TRUTH, "lulea")
    assert (figures.rubriker_exact, figures.rubriker_found) == (perfect.rubriker - 2, perfect.rubriker - 1)
    assert (figures.rubriker_lost, figures.rubriker_extra) == (1, 1)
    assert (figures.boxes_wrong, figures.boxes_silent) == (2, 2)
    assert [line.split(",")[0] for line in figures.boxes_unwarned] == ["lulea: area 2 box", "lulea: area 3 box"]
    report.checks.append(Check("warning", "rubriker-uncertain", "verify the box", 3, None))
    assert (score(report, TRUTH).boxes_wrong, score(report, TRUTH).boxes_silent) == (2, 1)
