"""Reports rewritten by another PDF producer, as archives hold them (see :mod:`kompass_testing.rewrites`).

The committed sample under fixtures/rewritten/ was made from committed fixtures by ``make rewritten-fixtures``; the
whole matrix (every fixture under every rewrite) runs with ``make rewrite-matrix``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kompass_extract import extract
from kompass_extract.read.document import open_pdf
from kompass_extract.read.textlayer import unswap_ligatures
from kompass_extract.validate import validate_report
from kompass_testing.compare import compare, summary, unexplained
from kompass_testing.rewrites import REWRITES
from kompass_testing.truth_report import report_from_truth

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
REWRITTEN = FIXTURES / "rewritten"
FOLDERS = sorted(p for p in REWRITTEN.iterdir() if (p / "truth.json").is_file())


def _truth(folder: Path) -> dict:
    return json.loads((folder / "truth.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_rewritten_report_converts_exactly_and_quietly(folder: Path) -> None:
    truth = _truth(folder)
    report = extract(folder / "report.pdf", ocr="never")
    mismatches = unexplained(compare(report, truth), Path(truth["base"]).name)
    exact, total = summary(mismatches, truth)
    listing = "\n".join(str(m)[:200] for m in mismatches[:20])
    assert mismatches == [], f"{folder.name}: {exact}/{total} fields exact\n{listing}"
    assert [c.message for c in report.checks if c.severity != "info"] == []


def test_committed_rewrites_name_their_rewrite_and_base() -> None:
    for folder in FOLDERS:
        name = _truth(folder)["rewrite"]
        assert name in REWRITES and folder.name.startswith(f"{name}-"), folder.name


def test_a_list_marker_drawn_after_its_line_is_its_own_word() -> None:
    """Chromium paints a list's dash after the item's text; Ghostscript keeps that order, and pdfium then gives the
    item's last word and the dash as one word ("information–", one rectangle on the line, left of the item): 144
    list items and sub-areas of a report read in the wrong order, none warned."""
    page = open_pdf(str(REWRITTEN / "gs-pdfwrite-chromium-dash-table" / "report.pdf")).pages[4]
    lines = [" ".join(w.text for w in line.words) for line in page.lines]
    assert "– Strategi för demokratiutveckling och information" in lines
    assert "– Etik – motverkan av korruption" in lines


def test_ghostscript_ligatures_byte_swapped_read_as_their_letters() -> None:
    """gs pdfwrite maps a ligature glyph to "ff" with each UTF-16 unit's bytes swapped: pdfium read "o昀昀entlig"
    for "offentlig" (55 narrative fields of a LibreOffice report wrong, none warned)."""
    assert unswap_ligatures("den o\u6600\u6600entliga \u6600\u6900nns och \u6600\u6c00era") == (
        "den offentliga finns och flera"
    )
    assert unswap_ligatures("\u65e5\u672c\u8a9e och \u6600") == "\u65e5\u672c\u8a9e och \u6600"  # not in a word


@pytest.mark.parametrize(
    "garbled",
    ["Strategi f\x03r demokrati", "den o\u6600\u6600entliga", "kommun\ufffdrganisation", "V\ue0a5sby"],
)
def test_garbled_characters_in_an_areas_text_are_warned(garbled: str) -> None:
    """A text layer that lost some of its character map reads with holes in words; nothing else notices."""
    truth = json.loads((FIXTURES / "generated" / "skl2016-baseline" / "truth.json").read_text(encoding="utf-8"))
    report = report_from_truth(truth)
    assert [c for c in validate_report(report) if c.code == "text-garbled"] == []
    report.areas[2].sections[0].paragraphs[0] += " " + garbled
    assert [c.area_no for c in validate_report(report) if c.code == "text-garbled"] == [report.areas[2].area_no]
