"""A second look for list markers on scanned pages, where the column's other markers stand; a strengths label that
OCR broke into pieces. Cases as read from 1-bit copies: a dash broken into pieces, a speck between a bullet and its
word, a right-hand column's marker in the middle of a Tesseract line, marker ink read as "-e"."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw

from kompass_extract.model import BBox
from kompass_extract.parse.findings import parse_findings
from kompass_extract.parse.findings_header import find_findings_header
from kompass_extract.read.geometry import Word
from kompass_extract.read.lines import group_lines
from kompass_extract.read.ocr.probe import MarkerLook, like_marker
from tests.test_findings_geometry import OCR, ocr_words, texts

DASH_W, DASH_H = 4.6, 0.8
"""A dash marker's size in points, as a 200-dpi copy prints it."""


def dashed_row(text: str, top: float, x: float = 90.5) -> list[Word]:
    """A list row as OCR gives it: the dash blob is no word (the OCR pass gives it as a marker box); the text at
    ``x``."""
    return ocr_words(text, x, top, top + 7.2, char=3.6)


def dash_box(top: float, mark_x: float = 79.2) -> BBox:
    return (mark_x, top + 3.0, mark_x + DASH_W, top + 3.0 + DASH_H)


class FakeLook:
    """Ink where the test printed it: a dash at each of ``inked`` (page, middle y), looked for box by box."""

    def __init__(self, inked: list[tuple[int, float]]) -> None:
        self.inked, self.asked = inked, []

    def __call__(self, page: int, box: BBox, like: BBox) -> BBox | None:
        self.asked.append(box)
        for p, y in self.inked:
            if p == page and box[1] <= y <= box[3] and box[0] <= 79.2 + DASH_W / 2 <= box[2]:
                return (79.2, y - DASH_H / 2, 79.2 + DASH_W, y + DASH_H / 2)
        return None


def _dashed_list() -> tuple[list, list[BBox]]:
    """Styrkor / Förbättringsmöjligheter over one-line items; the OCR pass saw the dashes of rows 2 and 3 of the
    left column (and all of the right column's), not those of rows 1 and 4: row 4 begins under the text of row 3,
    which is the column's longest line (so its first word would not have fitted there)."""
    header = ocr_words("Styrkor", 76.3, 556.8, 564.0, char=3.6) + ocr_words(
        "Förbättringsmöjligheter", 323.0, 556.8, 564.0, char=3.6
    )
    left = ["Ny styrmodell fokuserad på resultat", "Utveckla arbetet med analys",
            "Färre tydligare kommunövergripande mål", "Utveckla servicedeklarationer"]  # fmt: skip
    right = ["Framtagande av ett program", "Samlad uppföljning av innehållet", "Gemensam värdegrund"]
    words, boxes = list(header), []
    for n, text in enumerate(left):
        top = 572.4 + 12.6 * n
        words += dashed_row(text, top)
        boxes += [dash_box(top)] if n in (1, 2) else []
    for n, text in enumerate(right):
        top = 572.4 + 12.6 * n
        words += ocr_words(text, 323.0, top, top + 7.2, char=3.6)
        boxes.append(dash_box(top, mark_x=312.0))
    return group_lines(words, 8), boxes


def test_a_marker_the_ocr_pass_missed_is_found_where_the_columns_other_markers_stand() -> None:
    """skr2020 bw-200: "Färre tydligare kommunövergripande mål Utveckla servicedeklarationer" came out as one item,
    since the 1-bit dash of the last row broke into pieces and the blob finder took the piece nearest the word."""
    lines, boxes = _dashed_list()
    look = FakeLook([(8, 572.4 + 12.6 * 3 + 3.4)])
    findings = parse_findings(lines, OCR, lambda page: boxes, look)
    assert texts(findings, "strength") == [
        "Ny styrmodell fokuserad på resultat",
        "Utveckla arbetet med analys",
        "Färre tydligare kommunövergripande mål",
        "Utveckla servicedeklarationer",
    ]
    assert not any(f.doubt for f in findings)
    assert look.asked and all(box[2] < 90.5 for box in look.asked)  # only left of the text, where markers stand


def test_without_ink_where_markers_stand_the_line_stays_a_continuation() -> None:
    lines, boxes = _dashed_list()
    findings = parse_findings(lines, OCR, lambda page: boxes, FakeLook([]))
    assert texts(findings, "strength")[-1] == "Färre tydligare kommunövergripande mål Utveckla servicedeklarationer"


def test_a_line_beginning_elsewhere_than_the_items_text_is_not_looked_at() -> None:
    """OCR set the rest of a line as a Tesseract line of its own at the same height ("System för uppmärk" +
    "samhet av ..."): the marker left of the first part must not start an item at the second."""
    header = ocr_words("Styrkor", 76.3, 290.0, 297.0, char=3.6) + ocr_words("Förbättringsmöjligheter", 323.0,
                                                                             290.0, 297.0, char=3.6)  # fmt: skip
    rows = ocr_words("Tydlig styrmodell", 90.5, 307.4, 314.6, char=3.6)
    rows += ocr_words("System för uppmärk", 90.5, 320.0, 327.2, char=3.6)
    rows += ocr_words("samhet av arbetsplatser", 164.6, 320.0, 329.9, char=3.6)
    rows += ocr_words("Gemensam värdegrund", 90.5, 332.6, 339.8, char=3.6)
    rows += ocr_words("Fler samtal", 323.0, 307.4, 314.6, char=3.6)
    boxes = [dash_box(307.4), dash_box(320.0), dash_box(332.6), dash_box(307.4, 312.0)]
    lines = group_lines(header + rows, 5)
    look = FakeLook([(5, 323.4)])
    strengths = texts(parse_findings(lines, OCR, lambda page: boxes, look), "strength")
    assert "System för uppmärk samhet av arbetsplatser" in strengths
    assert all(box[3] <= 320.0 or box[1] >= 330.0 for box in look.asked)  # the row's parts were not looked at


def test_marker_ink_read_as_a_short_word_left_of_the_markers_place_is_dropped_when_a_marker_is_found() -> None:
    """skl2016 bw-300-specks: a speck joined the right column's disc, and OCR read both as "-e" beginning 5 pt left
    of the other discs: "Fler samtal och dialoger kring resultat -e En gemensam strategi" was one item."""
    header = ocr_words("Styrkor", 76.3, 230.0, 238.0, char=4.0) + ocr_words("Förbättringsmöjligheter", 323.0,
                                                                             230.0, 238.0, char=4.0)  # fmt: skip
    words = list(header)
    right = [("Samlad uppföljning", 248.0), ("Fler samtal och dialoger", 262.0), ("En gemensam strategi", 276.0)]
    for text, top in right:
        words += ocr_words(text, 323.0, top, top + 9.0, char=4.0)
    words += [Word("-e", 307.4, 276.0, 316.6, 285.0, 9.0, None, 40.0)]
    words += ocr_words("Tydlig styrmodell", 90.5, 248.0, 257.0, char=4.0)
    boxes = [(312.7, 251.0, 316.6, 254.6), (312.7, 265.0, 316.6, 268.6), (79.9, 251.0, 83.8, 254.6)]

    def look(page: int, box: BBox, like: BBox) -> BBox | None:
        return (312.7, 279.0, 316.6, 282.6) if box[1] <= 280.0 <= box[3] and box[0] < 314.0 < box[2] else None

    findings = parse_findings(group_lines(words, 9), OCR, lambda page: boxes, look)
    assert texts(findings, "improvement") == ["Samlad uppföljning", "Fler samtal och dialoger", "En gemensam strategi"]


def test_like_marker_takes_a_broken_dash_whole_and_refuses_specks_and_full_stops() -> None:
    """In pixels: a dash 19 x 3 that a 1-bit copy broke into three pieces is one marker like its sibling; a speck,
    and a full stop on the baseline, are not."""
    like = (0.0, 0.0, 19.0, 3.0)
    line = np.zeros((30, 40), dtype=bool)
    broken = line.copy()
    broken[13:16, 5:10] = broken[13:16, 12:17] = broken[13:16, 19:24] = True
    assert like_marker(broken, like) == (5, 13, 24, 16)
    speck = line.copy()
    speck[14:16, 10:12] = True
    assert like_marker(speck, like) is None
    stop = line.copy()
    stop[25:28, 10:24] = True  # as wide as a dash, but on the baseline
    assert like_marker(stop, like) is None
    assert like_marker(line, like) is None


def test_marker_look_finds_the_ink_on_the_page_image_in_the_words_frame() -> None:
    """The page is rendered again (300 dpi) and the box in points is looked at in the words' frame: a dash broken
    in two is found where it is printed; a box with only text's edge in it finds nothing."""
    image = Image.new("L", (1000, 400), 255)  # 300 dpi: 240 x 96 pt
    draw = ImageDraw.Draw(image)
    draw.rectangle((100, 201, 108, 205), fill=0)  # a dash broken in two, 100..119 px = 24.0..28.6 pt
    draw.rectangle((111, 201, 119, 205), fill=0)
    draw.rectangle((160, 190, 400, 215), fill=0)  # "text" right of it
    pdf = io.BytesIO()
    image.save(pdf, format="PDF", resolution=300.0)
    look = MarkerLook(pdf.getvalue(), {3: (1, 0.0, 0.0, (0.0, 0))})
    like = (24.0, 48.2, 28.8, 49.4)
    found = look(3, (22.0, 45.0, 37.0, 52.0), like)
    assert found is not None
    assert abs(found[0] - 24.0) < 0.5 and abs(found[2] - 28.8) < 0.5 and 48.0 < found[1] < found[3] < 49.8
    assert look(3, (22.0, 55.0, 37.0, 62.0), like) is None  # no ink below it
    assert look(4, (22.0, 45.0, 37.0, 52.0), like) is None  # a page that was not OCR'd


def test_a_strengths_label_that_ocr_broke_into_pieces_still_heads_the_list() -> None:
    """skl2016 bw-200: the header row read "S tyrkor Förbättringsmöjligheter"; the area's whole list was lost."""
    narrative = ocr_words("Kommunen har arbetat med frågan länge.", 76.6, 243.6, 255.1)
    header = ocr_words("S tyrkor", 70.3, 267.4, 283.7) + ocr_words("Förbättringsmöjligheter", 323.0, 267.4, 283.7)
    rows = ocr_words("• Många lärande nätverk", 80.0, 289.4, 300.0) + ocr_words("• Politikerenkäter", 312.0, 289.4,
                                                                                    300.0)  # fmt: skip
    rows += ocr_words("• Chattfunktion på webben", 80.0, 304.0, 314.6)
    rows += ocr_words("• Medborgardialoger", 312.0, 304.0, 314.6)
    lines = group_lines(narrative + header + rows, 5)
    at = find_findings_header(lines, 1, OCR)
    assert at == 1
    findings = parse_findings(lines[at:], OCR)
    assert texts(findings, "strength") == ["Många lärande nätverk", "Chattfunktion på webben"]
    assert texts(findings, "improvement") == ["Politikerenkäter", "Medborgardialoger"]


def test_a_page_whose_ocr_is_noise_adds_nothing_to_the_list_and_doubts_its_last_items() -> None:
    """Luleå tinted-noise-200: the list's last item wrapped onto a near-empty page, whose paper noise Tesseract read
    as hundreds of "words" at confidence 10 ("VÄRS ASSR", "SS SR"); they were glued to the last items, silently."""
    header = ocr_words("Styrkor", 84.5, 300.0, 311.8) + ocr_words("Förbättringsområden", 312.5, 300.0, 311.8)
    rows = ocr_words("• Många exempel på samarbeten", 80.0, 320.0, 331.8)
    rows += ocr_words("• Tydlig satsning på åtgärder inom", 80.0, 335.0, 346.8)
    rows += ocr_words("• Samlad uppföljning", 308.0, 320.0, 331.8)
    rows += ocr_words("• Mer systematiska insatser", 308.0, 335.0, 346.8)
    lines = group_lines(header + rows, 27)
    rng = np.random.default_rng(7)
    noise = [
        Word(str(t), float(x), float(y), float(x) + 12.0, float(y) + 6.0, 6.0, None, float(c))
        for t, x, y, c in zip(rng.choice(["SR", "SS", "ASSR", "—", "Se"], 60), rng.uniform(5, 580, 60),
                              rng.uniform(0, 800, 60), rng.uniform(0, 30, 60), strict=True)
    ]  # fmt: skip
    lines += group_lines(noise, 28)
    findings = parse_findings(lines, OCR)
    assert texts(findings, "strength") == ["Många exempel på samarbeten", "Tydlig satsning på åtgärder inom"]
    assert texts(findings, "improvement") == ["Samlad uppföljning", "Mer systematiska insatser"]
    doubted = {f.kind for f in findings if f.doubt and "page 28" in f.doubt}
    assert doubted == {"strength", "improvement"}  # each column may have lost its last item's end there


def test_a_page_of_real_text_read_with_confidence_is_no_noise() -> None:
    header = ocr_words("Styrkor", 84.5, 300.0, 311.8) + ocr_words("Förbättringsområden", 312.5, 300.0, 311.8)
    rows = ocr_words("• Många exempel på samarbeten med", 80.0, 320.0, 331.8)
    rows += ocr_words("• Samlad uppföljning", 308.0, 320.0, 331.8)
    lines = group_lines(header + rows, 27)
    words = [w for top in range(60, 360, 15) for w in ocr_words("civilsamhälle och kulturliv", 88.0, top, top + 11.8)]
    lines += group_lines(words, 28)
    findings = parse_findings(lines, OCR)
    assert texts(findings, "strength")[0].startswith("Många exempel på samarbeten med civilsamhälle och kulturliv")
    assert not any("noise" in (f.doubt or "") for f in findings)


def test_a_wrapped_items_lower_case_continuation_after_a_full_line_is_not_looked_at() -> None:
    """Every page looked at is rendered again (0.02-0.2 s of CPU): a line that could not begin an item (lower case,
    after a line that was full) is not looked at; one that begins with a capital is."""
    header = ocr_words("Styrkor", 76.3, 290.0, 297.0, char=3.6) + ocr_words("Förbättringsmöjligheter", 323.0,
                                                                             290.0, 297.0, char=3.6)  # fmt: skip
    left = ["Tydlig styrmodell", "Aktivt arbete med medborgardialog i alla nämnder", "och förvaltningar",
            "Gemensam värdegrund", "Fler samtal"]  # fmt: skip
    words, boxes = list(header), []
    for n, text in enumerate(left):
        top = 307.4 + 12.6 * n
        words += ocr_words(text, 90.5, top, top + 7.2, char=3.6)
        boxes += [dash_box(top)] if n in (0, 1, 3) else []
    words += ocr_words("Fler samtal om resultat i alla nämnder", 323.0, 307.4, 314.6, char=3.6)
    boxes.append(dash_box(307.4, 312.0))
    look = FakeLook([])
    findings = parse_findings(group_lines(words, 5), OCR, lambda page: boxes, look)
    assert texts(findings, "strength")[1] == "Aktivt arbete med medborgardialog i alla nämnder och förvaltningar"
    asked = sorted(round(box[1], 1) for box in look.asked)
    assert asked == [round(307.4 + 12.6 * 4, 1)]  # "Fler samtal", not "och förvaltningar"


def test_item_numbers_ocr_read_without_their_dot_or_with_a_comma_are_markers() -> None:
    """A 1-bit copy of a numbered list (Typst's "1." "2." ...) read "1 Politikerenkäter" and "2, Nytt": a number
    that stands where the column's numbers stand, before the items' text, is the item's marker, however its dot
    was read."""
    header = ocr_words("Styrkor", 76.3, 556.8, 564.0, char=3.6) + ocr_words(
        "Förbättringsmöjligheter", 323.0, 556.8, 564.0, char=3.6
    )
    rows = [("1", "Politikerenkäter", "1.", "Årets ledare"), ("2", "Många exempel på", "2,", "Nytt program för"),
            ("", "samarbeten och projekt", "", "chefer och ledare"), ("3", "Servicedeklarationer", "3", "Processhandbok")]  # fmt: skip
    words = list(header)
    for n, row in enumerate(rows):
        top = 572.4 + 12.6 * n
        for x, (number, text) in ((76.3, row[:2]), (323.0, row[2:])):
            words += ocr_words(number, x, top, top + 7.2, char=3.6) if number else []
            words += ocr_words(text, x + 10.8, top, top + 7.2, char=3.6)  # the items' text begins at one x
    lines = group_lines(words, 8)
    findings = parse_findings(lines[find_findings_header(lines, 0, OCR) :], OCR)
    assert texts(findings, "strength") == [
        "Politikerenkäter",
        "Många exempel på samarbeten och projekt",
        "Servicedeklarationer",
    ]
    assert texts(findings, "improvement") == ["Årets ledare", "Nytt program för chefer och ledare", "Processhandbok"]
