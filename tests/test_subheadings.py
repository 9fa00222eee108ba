"""Sub-headings on OCR'd pages, where no font tells them from a paragraph's lines (kompass_extract.parse.subheadings).

The scan matrix's narrative figures found these faults silent on every degradation: a paragraph's first line set
apart by the paragraph gap, or a body line whose OCR line box a tall accent or a toner speck stretched, was read as
a sub-heading, and the paragraph was cut in two under a made-up heading.
"""

from __future__ import annotations

from kompass_extract.locate.areas import AreaHeading
from kompass_extract.locate.layout import Layout
from kompass_extract.model import Area
from kompass_extract.parse.sections import parse_area
from kompass_extract.read.document import Line, Word

SIZE = 10.0
PITCH = 13.0
LEFT, RIGHT = 70.0, 500.0
OCR = Layout(body_size=SIZE, pitch=PITCH, has_fonts=False)


def ocr_line(text: str, top: float, *, full: bool = True, size: float = SIZE, page: int = 1) -> Line:
    """An OCR'd line (no font: ``bold`` None, a confidence), its words spread to the right margin when ``full``
    (a justified line) or set at 5 pt a letter; ``size``: the height of Tesseract's line box."""
    tokens = text.split(" ")
    natural = [5.0 * len(t) for t in tokens]
    gap = (RIGHT - LEFT - sum(natural)) / max(1, len(tokens) - 1) if full else 3.0
    out, x = [], LEFT
    for token, width in zip(tokens, natural, strict=True):
        out.append(Word(token, x, top, x + width, top + size, size, None, 91.0))
        x += width + gap
    return Line(out, page)


def narrative(lines: list[Line]) -> list[tuple[str, int]]:
    area = Area(1)
    parse_area(lines, AreaHeading(0, 1, "Offentlighet", ocr_line("Område 1 Offentlighet", 40, full=False)), OCR, area)
    return [(s.heading, len(s.paragraphs)) for s in area.sections]


def test_a_paragraphs_first_line_set_apart_is_no_sub_heading() -> None:
    """A paragraph gap above a full first line that ends mid-sentence, the next line going on in lower case: one
    paragraph under the heading above, not a heading of its own."""
    lines = [
        ocr_line("Allmänt", 80, full=False),
        ocr_line("Kommunen har en strategi för demokratiutveckling som antogs av fullmäktige", 93),
        ocr_line("under förra året och som följs upp.", 106, full=False),
        ocr_line("Det finns ett antal olika förmåner för anställda i kommunen och", 132),
        ocr_line("några exempel är gratis kaffe och friskvård.", 145, full=False),
        ocr_line("Information till medborgarna", 171, full=False),
        ocr_line("Kommunens webbplats är det viktigaste verktyget för information till", 184),
        ocr_line("medborgarna.", 197, full=False),
    ]
    assert narrative(lines) == [("Allmänt", 2), ("Information till medborgarna", 1)]


def test_a_body_line_whose_ocr_box_is_tall_is_no_sub_heading() -> None:
    """A line box stretched a fifth above the body size (an accent, a speck) inside a paragraph: the line reaches
    the margin and the next goes on in lower case, so it is no larger heading."""
    lines = [
        ocr_line("Allmänt", 80, full=False),
        ocr_line("Kommunen har en strategi för demokratiutveckling som antogs av fullmäktige", 93),
        ocr_line("Årets ledare delades för första gången ut och det är ett bra exempel på", 106, size=1.3 * SIZE),
        ocr_line("hur ett gott ledarskap kan belönas.", 119, full=False),
    ]
    assert narrative(lines) == [("Allmänt", 1)]


def test_a_short_line_set_apart_is_still_a_sub_heading_and_a_full_one_before_a_new_paragraph() -> None:
    """What stays a heading: a short capitalised line set apart (unchanged), and a heading long enough to reach
    the margin when the line below begins a paragraph of its own, apart from it."""
    lines = [
        ocr_line("Allmänt", 80, full=False),
        ocr_line("Kommunen har en strategi för demokratiutveckling som antogs av fullmäktige", 93),
        ocr_line("under förra året.", 106, full=False),
        ocr_line("System för service och kvalitetsdeklarationer samt synpunkts och klagomålshantering", 132),
        ocr_line("Kommunen har infört servicedeklarationer inom flera verksamheter.", 150, full=False),
    ]
    assert narrative(lines) == [
        ("Allmänt", 1),
        ("System för service och kvalitetsdeklarationer samt synpunkts och klagomålshantering", 1),
    ]
