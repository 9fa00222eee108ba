"""Orientation detection (0.25-0.3 s of CPU a page) runs only on readings that leave the page's orientation in doubt:
a cover's dozen words read with high confidence prove it upright; a cover turned sideways or upside down is still
detected and turned (issue 18: OCR cost per page)."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from kompass_extract.read.ocr import upright
from kompass_extract.read.ocr.pages import ocr_image, tesseract_available
from kompass_extract.read.ocr.tesseract import OcrWord
from kompass_extract.read.ocr.upright import doubtful

PDF = Path(__file__).parent.parent / "fixtures" / "lulea-2018" / "report.pdf"


def _words(texts: list[tuple[str, float]]) -> list[OcrWord]:
    return [OcrWord(text, 10.0 * n, 0.0, 10.0 * n + 8, 10.0, conf, 0) for n, (text, conf) in enumerate(texts)]


def test_long_words_read_with_high_confidence_prove_a_page_upright() -> None:
    cover = [("Sveriges", 96.0), ("Kommuner", 93.0), ("och", 95.0), ("Landsting", 91.0), ("Analys", 96.5)]
    cover += [("Kommi", 40.0), ("r", 30.0), ("2018", 95.0)]
    assert not doubtful(_words(cover))  # 4 sure long words of 8 (was doubtful: fewer than 30 words)
    turned = [("LTOC", 88.0), ("ǝɯ", 30.0), ("uo", 45.0), ("puejg", 86.0), ("sa", 20.0), ("'", 10.0)]
    assert doubtful(_words(turned))  # what text read upside down gives: at most a stray word or two
    junk = [("Sveriges", 96.0), ("Kommuner", 93.0), ("Landsting", 91.0)] + [("SS", 30.0)] * 40
    assert doubtful(_words(junk))  # three sure words among junk: a quarter of the reading at least is asked
    fragments = [("5", 70.0), ("2", 66.0), ("Mo", 62.0)] * 22  # a list page copied sideways, read as fragments
    assert doubtful(_words(fragments))  # many words, confident enough, none of them long (was read as it stood)
    table = [("Uppnått", 95.0), ("Procent", 94.0), ("Finns", 92.0), ("strategi", 96.0)] + [("15", 90.0)] * 12
    assert not doubtful(_words(table))  # a page of numbers with a few long words, a quarter of it: upright


@pytest.mark.skipif(not tesseract_available(), reason="tesseract with the swe model is not installed")
@pytest.mark.parametrize("turn", [0, 90, 180])
def test_an_upright_cover_skips_orientation_detection_a_turned_one_is_turned(
    turn: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = pdfium.PdfDocument(str(PDF))
    try:
        cover = pdf[0].render(scale=200 / 72, grayscale=True).to_pil()
    finally:
        pdf.close()
    asked = []
    detect = upright.page_rotation
    monkeypatch.setattr(upright, "page_rotation", lambda image: asked.append(image.size) or detect(image))
    record = ocr_image(cover.rotate(turn, expand=True) if turn else cover, dpi=200)
    assert (len(asked), record["rotation"]) == ((0, 0) if turn == 0 else (1, turn))
    assert {"Luleå", "KommunKompassen"} <= {word[0] for word in record["words"]}


@pytest.mark.skipif(not tesseract_available(), reason="tesseract with the swe model is not installed")
def test_a_page_read_as_fragments_is_read_turned_when_detection_cannot_tell(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a 1-bit copy, orientation detection could not tell four pages copied sideways or upside down from upright
    ones, and each was read as 150-400 fragments (an area's heading and narrative lost). A page of many words none
    of them legible is read at the other turns, and the legible reading is kept."""
    pdf = pdfium.PdfDocument(str(PDF))
    try:
        page = pdf[4].render(scale=150 / 72, grayscale=True).to_pil().convert("L")
    finally:
        pdf.close()
    monkeypatch.setattr(upright, "page_rotation", lambda image: 0)  # detection cannot tell
    reading = upright.upright_reading(page.rotate(180), dpi=150, lang="swe", psm=11)
    assert reading.rotation == 180
    assert upright.legible(reading.words) >= 30 and not upright.doubtful(reading.words)
