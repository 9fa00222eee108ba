"""Sub-headings on OCR'd pages, where no font tells them from a paragraph's lines (kompass_extract.parse.subheadings).

The scan matrix's narrative figures found these faults silent on every degradation: a paragraph's first line set
apart by the paragraph gap, or a body line whose OCR line box a tall accent or a toner speck stretched, was read as
a sub-heading, and the paragraph was cut in two under a made-up heading.
"""

from __future__ import annotations

from kompass_extract.locate.areas import AreaHeading
from kompass_extract.locate.layout import Layout
from kompass_extract.model import Area, Report
from kompass_extract.parse.sections import parse_area
from kompass_extract.read.geometry import Word
from kompass_extract.read.lines import Line
from kompass_extract.validate import validate_report

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


def _long_heading() -> list[Line]:
    """A narrative whose second heading is long enough to reach the margin, a paragraph apart below it."""
    return [
        ocr_line("Allmänt", 80, full=False),
        ocr_line("Kommunen har en strategi för demokratiutveckling som antogs av fullmäktige", 93),
        ocr_line("under förra året.", 106, full=False),
        ocr_line("System för service och kvalitetsdeklarationer samt synpunkts och klagomålshantering", 132),
        ocr_line("Kommunen har infört servicedeklarationer inom flera verksamheter.", 150, full=False),
    ]


def test_a_short_line_set_apart_is_still_a_sub_heading_and_a_full_one_before_a_new_paragraph() -> None:
    """What stays a heading: a short capitalised line set apart (unchanged), and a heading long enough to reach
    the margin when the line below begins a paragraph of its own, apart from it."""
    assert narrative(_long_heading()) == [
        ("Allmänt", 1),
        ("System för service och kvalitetsdeklarationer samt synpunkts och klagomålshantering", 1),
    ]


def test_a_line_in_lower_case_goes_on_its_paragraph_and_a_speck_line_is_dropped() -> None:
    """A 1-bit copy: a speck stretches a line box so the step above a line that goes on a sentence reads as a
    paragraph gap, and toner under a paragraph is read as a line "-"; neither starts a paragraph."""
    lines = [
        ocr_line("Allmänt", 80, full=False),
        ocr_line("Kommunen har en strategi för demokratiutveckling som antogs av fullmäktige", 93),
        ocr_line("under förra året och som följs upp varje år i årsberättelsen och i", 113, size=1.5 * SIZE),
        ocr_line("nämndernas verksamhetsberättelser.", 126, full=False),
        ocr_line("-", 140, full=False),
    ]
    area = Area(1)
    parse_area(lines, AreaHeading(0, 1, "Offentlighet", ocr_line("Område 1", 40, full=False)), OCR, area)
    assert [(s.heading, len(s.paragraphs)) for s in area.sections] == [("Allmänt", 1)]
    assert area.sections[0].paragraphs[0].endswith("verksamhetsberättelser.")


def _checks(lines: list[Line]) -> list[str]:
    report = Report(source_file="scan.pdf", sha256="0", pages=1)
    area = Area(1, name="Offentlighet och demokrati")
    parse_area(lines, AreaHeading(0, 1, "Offentlighet", ocr_line("Område 1", 40, full=False)), OCR, area)
    report.areas = [area]
    return [c.message for c in validate_report(report) if c.code == "narrative-uncertain"]


def test_a_paragraph_break_the_page_cannot_settle_is_warned() -> None:
    """A paragraph gap of 1.5 pitches is clear where lines step one pitch apart; where two lines of one sentence
    stand 1.54 pitches apart (a speck stretched a box on a rough copy) the same gap could be noise, and the area is
    warned ``narrative-uncertain``."""

    def narrative_at(tops: list[float]) -> list[Line]:
        texts = [
            "Kommunen har en strategi för demokratiutveckling som antogs av fullmäktige",
            "under förra året och som följs upp varje år i årsberättelsen och i",
            "nämndernas verksamhetsberättelser.",
            "Det finns ett antal olika förmåner för anställda i kommunen och",
            "några exempel är gratis kaffe och friskvård.",
        ]
        body = [ocr_line(t, top, full=not t.endswith(".")) for t, top in zip(texts, tops, strict=True)]
        return [ocr_line("Allmänt", 80, full=False), *body]

    assert _checks(narrative_at([93, 106, 119, 138.5, 151.5])) == []
    warned = _checks(narrative_at([93, 113, 126, 145.5, 158.5]))
    assert len(warned) == 1 and "paragraph gap of 1.50" in warned[0], warned


def test_a_full_line_that_may_be_a_long_sub_heading_is_warned() -> None:
    """A line reaching the margin, apart from the capitalised line below it and echoing nothing the area names,
    is read as a long sub-heading, and doubted."""
    warned = _checks(_long_heading())
    assert len(warned) == 1 and "a full line 'System för service" in warned[0], warned


def test_box_items_read_into_the_narrative_before_its_first_heading_are_warned() -> None:
    """The OCR'd box ended early (a marker read as letters, "SR Brukarundersökningar"), and its last items came out
    as paragraphs before "Allmänt": short lines without a sentence's end there are doubted."""
    lines = [
        ocr_line("• Valfrihet och påverkan", 60, full=False),
        ocr_line("SR Brukarundersökningar", 73, full=False),
        *_long_heading(),
    ]
    warned = _checks(lines)
    assert len(warned) == 1 and "2 doubtful" in warned[0] and "'• Valfrihet och påverkan' before the first" in warned[0]
    assert _checks(_long_heading()[:3]) == []  # a narrative that starts with its heading
