"""Reports rewritten by another PDF producer, as archives hold them (see :mod:`kompass_testing.rewrites`).

The committed sample under fixtures/rewritten/ was made from committed fixtures by ``make rewritten-fixtures``; the
whole matrix (every fixture under every rewrite) runs with ``make rewrite-matrix``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from kompass_extract import extract
from kompass_extract.pipeline import _ensure_text
from kompass_extract.read.document import Page, open_pdf
from kompass_extract.read.ocr.pages import page_needs_ocr, tesseract_available
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
    [
        "Strategi f\x03r demokrati",
        "den o\u6600\u6600entliga",
        "kommun\ufffdrganisation",
        "V\ue0a5sby",
        "Per\ufffe Olof",
    ],
)
def test_garbled_characters_in_an_areas_text_are_warned(garbled: str) -> None:
    """A text layer that lost some of its character map reads with holes in words; nothing else notices."""
    truth = json.loads((FIXTURES / "generated" / "skl2016-baseline" / "truth.json").read_text(encoding="utf-8"))
    report = report_from_truth(truth)
    assert [c for c in validate_report(report) if c.code == "text-garbled"] == []
    report.areas[2].sections[0].paragraphs[0] += " " + garbled
    assert [c.area_no for c in validate_report(report) if c.code == "text-garbled"] == [report.areas[2].area_no]


def test_garbled_characters_in_the_cover_names_are_warned() -> None:
    """The municipality and the evaluators are read from the front pages, not an area: a line-end hyphen's code
    (U+FFFE) left in a name was printed nowhere and warned by nothing."""
    truth = json.loads((FIXTURES / "generated" / "skl2016-baseline" / "truth.json").read_text(encoding="utf-8"))
    report = report_from_truth(truth)
    report.evaluators = ["Per\ufffe Olof Sandberg", "Anna Wallin"]
    found = [c for c in validate_report(report) if c.code == "text-garbled"]
    assert [(c.area_no, c.details["field"]) for c in found] == [(None, "evaluators")]


needs_tesseract = pytest.mark.skipif(not tesseract_available(), reason="Tesseract with Swedish is not installed")


def _lines(pages) -> list[str]:
    return [" ".join(w.text for w in line.words) for page in pages for line in page.lines]


@needs_tesseract
def test_a_text_layer_without_a_character_map_reads_as_printed() -> None:
    """pdftops | ps2pdf keeps every glyph but no map to characters (pdfium reads control characters), so the pages
    were OCR'd: dashes read as other dashes, headings shifted, 125 fields of the Luleå report wrong without a
    warning. The map is learnt from the OCR'd words over the glyphs, and the pages read from their own text layer."""
    pdf = REWRITTEN / "ps2pdf-chromium-disc-table-p5-7" / "report.pdf"
    data = pdf.read_bytes()
    doc = open_pdf(str(pdf), data)
    assert all(page_needs_ocr(p) for p in doc.pages)
    assert _ensure_text(doc, data, "auto", None, None)
    base = open_pdf(str(FIXTURES / "chromium" / "chromium-disc-table" / "report.pdf"))
    assert not any(p.ocr for p in doc.pages)  # read from the text layer, with its fonts
    got, printed = _lines(doc.pages), _lines(base.pages[4:7])
    assert len(got) == len(printed)
    differ = [(g, p) for g, p in zip(got, printed, strict=True) if g != p]
    # never a wrong letter: a glyph the votes do not settle reads U+FFFD (a lone page number OCR does not see, a "Q"
    # read "O" once in three) and the area is warned (text-garbled)
    unsettled = [len(g) == len(p) and all(a in (b, "\ufffd") for a, b in zip(g, p, strict=True)) for g, p in differ]
    assert all(unsettled) and len(differ) <= 3, differ
    assert [w.bold for p in doc.pages for w in p.words] == [w.bold for p in base.pages[4:7] for w in p.words]


def test_glyphs_read_as_the_ocr_words_over_them_say() -> None:
    """Votes: a key takes the letter most OCR'd words over it name; a key seen once only from a sure word that reads
    right elsewhere; an unsettled glyph reads U+FFFD (text-garbled warns); a dash is told by its width."""
    from kompass_extract.read.geometry import Word
    from kompass_extract.read.ocr import glyphmap

    keys = [(1, c) for c in (1, 2, 3, 4, 5, 6)]  # a b c d: letters; 5: an en dash; 6: seen once in a weak word
    page = Page(1, 600, 800, "", words_given=[])
    line = [0, 1, 2, None, 4, None, 0, 1, 5, None, 3, 2, None, 0, 0]  # "abc – ab? dc aa"
    glyph_keys = [keys[i] if i is not None else None for i in line]
    centres = np.array([[10.0 + 10 * i, 100.0] for i in range(len(line))])
    widths = np.array([0.5 if k == keys[4] else 0.4 for k in glyph_keys])
    glyphs = glyphmap.Glyphs(
        page, None, [0x20] * len(line), glyph_keys, centres, np.zeros(len(line), bool), widths, widths
    )

    def word(text: str, first: int, conf: float = 96.0) -> Word:
        return Word(text, 5.0 + 10 * first, 95.0, 5.0 + 10 * (first + len(text)), 105.0, 10.0, None, conf)

    ocr = Page(1, 600, 800, "", words_given=[word("abc", 0), word("—", 4), word("abx", 6, 60.0), word("dc", 10)])
    ocr.words.append(word("aa", 13))
    mapping = glyphmap.learn([(glyphs, ocr)])
    assert mapping == {keys[0]: "a", keys[1]: "b", keys[2]: "c", keys[3]: "d", keys[4]: "\u2013"}


@needs_tesseract
def test_a_decoded_layer_that_does_not_read_the_ocr_words_keeps_the_ocr_reading() -> None:
    """Ghostscript's ps2write draws text in Type 3 fonts that pdfium places glyph by glyph at a tenth of their size:
    decoded, each letter was a word of its own ("O" "m" "r" "å" "d" "e"), and the report was no Kommunkompass report.
    Such a page reads few of the words OCR read, so its OCR reading is kept."""
    pdf = REWRITTEN / "gs-ps2write-chromium-disc-table-p5-7" / "report.pdf"
    data = pdf.read_bytes()
    doc = open_pdf(str(pdf), data)
    assert _ensure_text(doc, data, "auto", None, None)
    assert all(p.ocr for p in doc.pages)
    assert "Strategi för demokratiutveckling och information" in " ".join(_lines(doc.pages))
