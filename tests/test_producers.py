"""Copies of reports as other tools leave them: re-distilled fonts, turned pages, fonts without a character map.

Each case is what a real archive holds after a PDF went through Ghostscript, a printer driver or a page
turner; each broke extraction silently before (headings read as body text, words read as letters, names with
holes) and is made here from the committed fixtures with pypdfium2 and reportlab alone.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from kompass_extract import extract
from kompass_extract.read.document import open_pdf
from kompass_extract.read.ocr.pages import page_needs_ocr
from kompass_testing.compare import compare
from kompass_testing.styles import register_fonts

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
LULEA = FIXTURES / "lulea-2018"
CHROMIUM = FIXTURES / "chromium" / "chromium-disc-table"
LINES = (
    "Mötesarena för det samlade kulturlivet samt nytt ledarutvecklingsprogram inom hela den",
    "kommunala organisationen och tillgänglighet vid bemötande av invånare i kommunen",
)


def _words(path: Path) -> list[list[str]]:
    doc = open_pdf(str(path))
    try:
        return [[w.text for w in page.words] for page in doc.pages]
    finally:
        doc.close()


def test_bold_comes_from_the_font_name_not_from_a_producers_stem_width(tmp_path: Path) -> None:
    """Ghostscript writes the StemV it measures from the outlines (128 for a regular serif), and pdfium turns a
    StemV into a weight (640): every word read as bold, so no heading stood out from the body text."""
    register_fonts()
    path = tmp_path / "stemv.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("DejaVuSerif-Bold", 12)
    c.drawString(72, 700, "Allmänt")
    c.setFont("DejaVuSerif", 12)
    c.drawString(72, 680, "Kommunen har en plan för demokratiutveckling.")
    c.showPage()
    c.save()
    data = path.read_bytes()
    redistilled = re.sub(
        rb"(/FontName /\w+\+DejaVuSerif /ItalicAngle 0 /MissingWidth [\d.]+ )/StemV 87 ", rb"\1/StemV 128", data
    )
    assert redistilled != data and len(redistilled) == len(data)
    path.write_bytes(redistilled)
    doc = open_pdf(str(path))
    try:
        (page,) = doc.pages
        assert [(w.text, w.bold) for w in page.words][:3] == [("Allmänt", True), ("Kommunen", False), ("har", False)]
    finally:
        doc.close()


def _glyph_by_glyph(path: Path, *, turn: int, rotate: int) -> None:
    """Lines drawn one glyph at a time (as browsers and layout programs do), the content turned by ``turn``
    degrees and the page by /Rotate ``rotate``."""
    register_fonts()
    c = canvas.Canvas(str(path), pagesize=A4)
    if turn == 180:
        c.translate(*A4)
        c.rotate(180)
    for i, line in enumerate(LINES * 4):
        x = 60.0
        for ch in line:
            c.setFont("DejaVuSerif", 11)
            c.drawString(x, 760 - 16 * i, ch)
            x += stringWidth(ch, "DejaVuSerif", 11) - 0.15
    c.setPageRotation(rotate)
    c.showPage()
    c.save()


@pytest.mark.parametrize(("turn", "rotate"), [(180, 0), (180, 180)])
def test_upside_down_glyph_by_glyph_text_reads_as_words(tmp_path: Path, turn: int, rotate: int) -> None:
    """Upside-down content (shown so, or turned upright by /Rotate 180) was read letter by letter ("M ö t e s")
    or as reversed pieces ("al eh"): the text direction came from the order pdfium had already rearranged."""
    upright, turned = tmp_path / "upright.pdf", tmp_path / "turned.pdf"
    _glyph_by_glyph(upright, turn=0, rotate=0)
    _glyph_by_glyph(turned, turn=turn, rotate=rotate)
    assert _words(turned) == _words(upright)
    assert _words(upright)[0][:3] == ["Mötesarena", "för", "det"]


def _turned_copy(source: Path, out: Path, *, turn: int, rotate: int) -> None:
    """Every page of ``source`` drawn turned by ``turn`` degrees counter-clockwise onto a new page (sideways for
    90), shown with /Rotate ``rotate``."""
    src, dst = pdfium.PdfDocument(str(source)), pdfium.PdfDocument.new()
    for i in range(len(src)):
        width, height = src[i].get_size()
        obj = src.page_as_xobject(i, dst).as_pageobject()
        if turn == 90:
            obj.transform(pdfium.PdfMatrix().rotate(90, ccw=True).translate(height, 0))
            width, height = height, width
        elif turn == 180:
            obj.transform(pdfium.PdfMatrix().rotate(180).translate(width, height))
        page = dst.new_page(width, height)
        page.insert_obj(obj)
        page.gen_content()
        page.set_rotation(rotate)
    dst.save(str(out))


@pytest.mark.parametrize(("turn", "rotate"), [(90, 0), (90, 90), (180, 0)])
def test_a_report_drawn_turned_converts_exactly(tmp_path: Path, turn: int, rotate: int) -> None:
    """Luleå drawn sideways or upside down (a landscape scan-less copy, a page turner's output): words were split
    into letters ("h u v u d -") where pdfium gives no word box, and a list item came out as two."""
    out = tmp_path / "turned.pdf"
    _turned_copy(LULEA / "report.pdf", out, turn=turn, rotate=rotate)
    truth = json.loads((LULEA / "truth.json").read_text(encoding="utf-8"))
    assert [str(m) for m in compare(extract(out), truth) if not m.path.endswith((".page", ".bbox"))] == []


def test_a_sideways_page_of_glyph_positioned_text_keeps_its_words(tmp_path: Path) -> None:
    """A Chromium report turned by /Rotate 90 alone: pdfium, ordering characters as displayed, tore words of
    glyph-positioned text apart ("or ganisationen", "T illgänglighet")."""
    pdf = pdfium.PdfDocument(str(CHROMIUM / "report.pdf"))
    for page in pdf:
        page.set_rotation(90)
    out = tmp_path / "rotated.pdf"
    pdf.save(str(out))
    assert _words(out) == _words(CHROMIUM / "report.pdf")


class _Page:
    def __init__(self, text: str) -> None:
        self.text = text


def test_letters_lost_to_a_font_without_a_character_map_need_ocr() -> None:
    """Ghostscript's copy of a subset TrueType font kept no character map: "Po\\x01ng", "Uppntt", "Upplands
    V\\x01sby" went into names and labels. A bullet of a symbol font alone ("\\x01 Mer") is no lost letter."""
    cover = "KommunKompassen\r\nAnalys av Upplands V\x01sby kommun\r\nMars 2016\r\nUtvärderare: Björn Hedlund"
    assert page_needs_ocr(_Page(cover))
    bullets = "Styrkor Förbättringsmöjligheter\r\n" + "\x01 Mer av systematisk uppföljning av verksamheten\r\n" * 12
    assert not page_needs_ocr(_Page(bullets))


def test_decomposed_letters_are_read_composed(tmp_path: Path) -> None:
    """A producer that writes "å" as "a" + a combining ring (NFD) gave names, headings and findings that look
    right but match, sort and search as other words ("Åmål" != "Åmål")."""
    register_fonts()
    path = tmp_path / "nfd.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("DejaVuSerif", 11)
    c.drawString(72, 700, unicodedata.normalize("NFD", "Analys av Åmål kommun: Förbättringsområden"))
    c.showPage()
    c.save()
    assert _words(path) == [["Analys", "av", "Åmål", "kommun:", "Förbättringsområden"]]


def test_a_second_report_in_the_same_file_is_warned(tmp_path: Path) -> None:
    """Two reports bound into one file (an archive's scan batch, a merged download): the first was read exactly
    and the second dropped without a word."""
    first, second = FIXTURES / "generated" / "skl2016-baseline", FIXTURES / "generated" / "skr2020-baseline"
    merged = pdfium.PdfDocument.new()
    for folder in (first, second):
        merged.import_pages(pdfium.PdfDocument(str(folder / "report.pdf")))
    path = tmp_path / "two.pdf"
    merged.save(str(path))
    report = extract(path)
    truth = json.loads((first / "truth.json").read_text(encoding="utf-8"))
    assert [m for m in compare(report, truth) if not m.path.endswith((".page", ".bbox"))] == []
    (warning,) = [c for c in report.checks if c.code == "report-after-report"]
    assert warning.severity == "warning" and "page 40" in warning.message  # 21 pages + the overview on p. 19
    assert not [c for c in extract(first / "report.pdf").checks if c.code == "report-after-report"]
