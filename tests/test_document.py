"""The PDF reader's page facts that decide OCR: invisible OCR layers and page-sized scan images."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from conftest import LULEA_PDF
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from kompass_extract.errors import CorruptPdfError
from kompass_extract.model import Report
from kompass_extract.pipeline import _wants_ocr, resolve_report_municipality
from kompass_extract.read.document import open_pdf


def make_pdf(path: Path, tmp: Path) -> Path:
    """Page 1: a scan with an invisible OCR layer; page 2: born-digital text; page 3: a blank page."""
    scan = tmp / "scan.png"
    Image.new("L", (200, 280), 235).save(scan)
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawImage(str(scan), 0, 0, *A4)
    text = c.beginText(72, 700)
    text.setTextRenderMode(3)
    text.textLine("Översikt av poängfördelning 1.1 Finns en plan 11 15 75%")
    c.drawText(text)
    c.showPage()
    c.drawString(72, 700, "Område 1 Offentlighet och demokrati: vanlig synlig text på sidan.")
    c.showPage()
    c.showPage()
    c.save()
    return path


def test_invisible_ocr_layer_over_a_scan_is_read_again(tmp_path: Path) -> None:
    doc = open_pdf(str(make_pdf(tmp_path / "x.pdf", tmp_path)))
    try:
        scanned, digital, blank = doc.pages
        assert scanned.invisible_text and scanned.image_cover > 0.99
        assert not digital.invisible_text and digital.image_cover == 0.0
        assert _wants_ocr(scanned, textless=False, scan=False)
        assert not _wants_ocr(digital, textless=False, scan=False)
        assert not _wants_ocr(blank, textless=True, scan=False)  # a blank page in a born-digital report
        assert _wants_ocr(blank, textless=True, scan=True)  # ... but not in a scanned one
    finally:
        doc.close()


def test_telling_an_invisible_text_layer_walks_no_page_objects(tmp_path: Path, monkeypatch) -> None:
    """Regression: ``--ocr auto`` walked the page objects of every page with text to its first text object, to
    tell an invisible OCR layer: on a born-digital page that draws a chart of thousands of shapes before its text
    that cost more than reading the page (275 ms for 30 such pages). The text page tells it in one look-up."""
    path = make_pdf(tmp_path / "x.pdf", tmp_path)
    walked: list[int] = []
    monkeypatch.setattr(pdfium.PdfPage, "get_objects", lambda page, *a, **k: walked.append(1) or iter(()))
    doc = open_pdf(str(path))
    try:
        scanned, digital, blank = doc.pages
        assert (scanned.invisible_text, digital.invisible_text, blank.invisible_text) == (True, False, False)
        assert not _wants_ocr(digital, textless=False, scan=False)
        assert walked == []
    finally:
        doc.close()


def test_text_hidden_under_a_page_sized_image_is_read_from_the_image(tmp_path: Path) -> None:
    """A scan laid over a text layer drawn visibly (render mode 0) hides that text: its numbers (another OCR
    engine's, or another document's) were taken as born-digital text, unchecked against what the page shows.
    A cover photo with its title drawn over it is born-digital."""
    scan = tmp_path / "scan.png"
    Image.new("L", (200, 280), 235).save(scan)
    path = tmp_path / "covered.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawString(72, 700, "Översikt av poängfördelning 1.1 Finns en plan 12 15 75%")
    c.drawImage(str(scan), 0, 0, *A4)
    c.showPage()
    c.drawImage(str(scan), 0, 0, *A4)
    c.drawString(72, 700, "Analys av Luleå kommun 2018")
    c.showPage()
    c.save()
    doc = open_pdf(str(path))
    try:
        covered, cover_photo = doc.pages
        assert covered.covered_text and not covered.invisible_text
        assert _wants_ocr(covered, textless=False, scan=False)
        assert not cover_photo.covered_text and not _wants_ocr(cover_photo, textless=False, scan=False)
    finally:
        doc.close()


def test_words_are_placed_in_the_crop_box_and_read_upright_on_turned_pages(tmp_path: Path) -> None:
    """Regression: crop box offsets shifted every line, and content drawn rotated (landscape pages
    turned back by /Rotate) was read as columns of single words."""
    path = tmp_path / "frames.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setCropBox((20, 40, 575, 782))
    c.drawString(100, 700, "Uppnått Max Procent")
    c.showPage()
    c.setPageRotation(90)  # /Rotate alone: the text itself is upright in user space
    c.drawString(100, 700, "Uppnått Max Procent")
    c.showPage()
    c.setPageRotation(270)  # landscape content drawn rotated and turned back for display
    c.translate(595, 0)
    c.rotate(90)
    c.drawString(100, 300, "Uppnått Max Procent")
    c.showPage()
    c.save()
    doc = open_pdf(str(path))
    try:
        cropped, attr, landscape = doc.pages
        (line,) = cropped.lines
        assert line.text == "Uppnått Max Procent"
        assert abs(line.x0 - 80) < 1 and abs(line.top - (782 - 700 - 0.8 * 12)) < 1
        assert [ln.text for ln in attr.lines] == ["Uppnått Max Procent"]
        assert [ln.text for ln in landscape.lines] == ["Uppnått Max Procent"]
        assert landscape.width > landscape.height  # read in its landscape frame
    finally:
        doc.close()


def test_municipality_named_only_in_the_running_text_is_found() -> None:
    """A cover whose name is an image: the name printed in the front pages' text still gives the kommunkod."""
    report = Report(source_file="x.pdf", sha256="0", pages=1, year=2015)
    resolve_report_municipality(report, [], "Kommunkompassen 2015\nUtvärderingsgruppen träffade Kungälvs kommun i maj.")
    assert (report.kommunkod, report.provenance["municipality"]["rule"]) == ("1482", "mentioned in the front pages")


def test_font_size_and_boldness_follow_each_word_and_each_text_page_is_closed_once_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Size and boldness are read once per pdfium text object: words of different objects on one line
    must not share them. Each page's pdfium text page is released as soon as its words are built, before the
    next page's is made (one open at a time, not one per page of a 500-page file)."""
    path = tmp_path / "fonts.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica-Bold", 14)
    c.drawString(72, 700, "Rubrik fet")
    c.setFont("Helvetica", 9)
    c.drawString(200, 700, "liten mager")
    c.setFont("Times-Bold", 9)
    c.drawString(300, 700, "12 av 15")
    c.showPage()
    c.drawString(72, 700, "Sida två")
    c.showPage()
    c.save()
    made: list[pdfium.PdfTextPage] = []
    get_textpage = pdfium.PdfPage.get_textpage

    def recorded(page: pdfium.PdfPage) -> pdfium.PdfTextPage:
        assert all(earlier.raw is None for earlier in made)  # the previous page's text page is closed already
        made.append(get_textpage(page))
        return made[-1]

    monkeypatch.setattr(pdfium.PdfPage, "get_textpage", recorded)
    doc = open_pdf(str(path))
    try:
        assert len(made) == 2 and all(textpage.raw is None for textpage in made)
        page, second = doc.pages
        assert [w.text for w in second.words] == ["Sida", "två"]
        words = [(w.text, w.size, w.bold) for w in page.words]
        assert words == [
            ("Rubrik", 14, True),
            ("fet", 14, True),
            ("liten", 9, False),
            ("mager", 9, False),
            ("12", 9, True),
            ("av", 9, True),
            ("15", 9, True),
        ]
        assert all(abs(w.top - (A4[1] - 700 - 0.8 * w.size)) < 0.01 for w in page.words)  # one baseline
    finally:
        doc.close()


def test_a_file_cut_off_before_its_end_says_so_a_damaged_whole_one_does_not() -> None:
    """pdfium answers "Data format error" for both; a cut-off file (an incomplete download or copy, common on
    archive disks) is the one an archivist can fetch again, and its missing ``%%EOF`` tells it apart."""
    data = LULEA_PDF.read_bytes()
    with pytest.raises(
        CorruptPdfError, match=r"error\); the file ends without %%EOF after 88,000 bytes, so it was most"
    ):
        open_pdf("cut.pdf", data[:88_000])
    damaged = data[:1024] + b"\0" * (len(data) - 2048) + data[-1024:]  # header and end kept, the body gone
    with pytest.raises(CorruptPdfError) as caught:
        open_pdf("damaged.pdf", damaged + b"\n\0\0\n")  # padding after %%EOF is still an end
    assert "cut off" not in str(caught.value)
