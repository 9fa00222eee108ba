"""Dark bands along a copy's edges are painted white before OCR (kompass_extract.read.ocr.edges): Tesseract read a
band's inner edge as a "1" at the head of every line beside it, and a "1 7.2 Arbetar ..." row ended the overview
tables as if a new chapter began (areas 7 and 8 of skl2016-baseline lost on a copy with a dark left edge)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw

from kompass_extract.read.geometry import Word
from kompass_extract.read.ocr.edges import clear_dark_edges, drop_margin_specks
from kompass_extract.read.ocr.image import DARK
from kompass_extract.read.ocr.pages import ocr_image, tesseract_available

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DPI = 200
MM = DPI / 25.4


def _text_page(width: int = 1654, height: int = 2339) -> Image.Image:
    """A grey page with paper grain and rows of text-like bars inside its margins."""
    rng = np.random.default_rng(5)
    page = Image.fromarray(rng.integers(225, 256, (height, width), dtype=np.uint8))
    draw = ImageDraw.Draw(page)
    for row in range(30):
        for x in range(200, 1400, 110):
            draw.rectangle((x, 250 + 60 * row, x + 80, 270 + 60 * row), fill=30)
    return page


def test_bands_along_the_edges_are_painted_white_and_the_text_is_kept() -> None:
    """A band slanted like a skewed sheet's edge (5 to 8 mm) on the left and a straight one along the foot go; the
    text between the margins is the same pixels."""
    page = _text_page()
    draw = ImageDraw.Draw(page)
    draw.polygon([(0, 0), (int(5 * MM), 0), (int(8 * MM), page.height), (0, page.height)], fill=35)
    draw.rectangle((0, page.height - int(4 * MM), page.width, page.height), fill=20)
    cleared = np.asarray(clear_dark_edges(page, DPI))
    assert not (cleared[:, : int(10 * MM)] < DARK).any()
    assert not (cleared[-int(6 * MM) :] < DARK).any()
    body = (slice(200, 2100), slice(150, 1500))
    assert np.array_equal(cleared[body], np.asarray(page)[body])


def test_letters_touching_the_edge_of_a_tight_crop_are_no_band() -> None:
    """A scan cropped to its text: the first letters of the lines touch the left edge, each a stem wide and a line
    high, and a heading's bar a few millimetres long but one stroke high; nothing is painted."""
    page = _text_page()
    draw = ImageDraw.Draw(page)
    for row in range(30):
        draw.rectangle((0, 250 + 60 * row, int(0.6 * MM), 280 + 60 * row), fill=20)  # a stem at the edge
    draw.rectangle((0, 150, int(6 * MM), 150 + int(0.8 * MM)), fill=20)  # a heading's "T" bar
    assert clear_dark_edges(page, DPI) is page


@pytest.mark.skipif(not tesseract_available(), reason="tesseract with the swe model is not installed")
def test_a_list_page_copied_with_a_dark_edge_reads_no_word_in_the_band() -> None:
    """A list page of a report, copied with a 4 mm dark band along its left edge: no word is read in the band or
    its border (Tesseract read its edge as "1" before lines of the page), and the page's words are those read
    without the band."""
    pdf = pdfium.PdfDocument(FIXTURES / "generated" / "skl2016-baseline" / "report.pdf")
    number = next(n for n in range(len(pdf)) if "Styrkor" in pdf[n].get_textpage().get_text_range())
    image = pdf[number].render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
    plain = ocr_image(image, dpi=DPI)
    banded = image.copy()
    ImageDraw.Draw(banded).rectangle((0, 0, int(4 * MM), banded.height), fill=25)
    record = ocr_image(banded, dpi=DPI)
    band_pt = 6 * 72 / 25.4
    assert [w for w in record["words"] if w[1] < band_pt] == []
    assert [w[0] for w in record["words"]] == [w[0] for w in plain["words"]]


def _line(texts: list[tuple[str, float, float]], top: float) -> list[Word]:
    """OCR'd words of one Tesseract line (text, x0, confidence), 5 pt a character, sharing the line box."""
    return [Word(text, x, top, x + 5 * len(text), top + 12, 12, None, conf) for text, x, conf in texts]


def test_a_speck_in_the_left_margin_is_dropped_a_bullet_or_a_confident_number_is_not() -> None:
    """A punch hole read as "3" at 0 confidence, 45 pt left of the text, before a sub-heading: dropped, so the
    heading reads alone. A bullet read as "e" at 20 before its item's text, and a page number read with confidence
    in the margin, stay: they stand at the text's edge, or were read as what they are."""
    page = [
        *_line([("Allmänt", 77, 96)], 100),
        *_line([("3", 18, 0), ("Strategi", 76, 95), ("för", 121, 96), ("brukarfokus", 140, 94)], 120),
        *_line([("Kommunen", 77, 95), ("har", 125, 96)], 140),
        *_line([("e", 77, 20), ("Utveckla", 100, 93), ("dialogen", 145, 95)], 160),
        *_line([("12", 20, 91), ("Sida", 77, 95)], 180),
        *_line([("Det", 77, 96), ("finns", 97, 95)], 200),
    ]
    kept = drop_margin_specks(page)
    assert [w.text for w in page if w not in kept] == ["3"]
    assert drop_margin_specks(kept) is kept


def test_list_markers_read_as_letters_left_of_their_items_text_stay() -> None:
    """A list whose markers Tesseract read as "e" at low confidence, 20 pt before the items' text, which is the page's
    leftmost edge of three lines and more: the markers repeat at one place, so they are no specks."""
    page = [*_line([("Styrkor", 100, 96)], 80)]
    for k in range(4):
        page += _line([("e", 77, 20), ("Utveckla", 100, 93), ("dialogen", 145, 95)], 100 + 20 * k)
    assert drop_margin_specks(page) is page
