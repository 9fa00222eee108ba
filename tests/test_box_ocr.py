"""The "Rubriker" box of an OCR'd area: markers read as letters, as slivers of their own or not at all, and the
check that names a box whose reading the parser doubts (``rubriker-uncertain``).

The lines are built the way the OCR reader gives them (words with confidences, a marker the ink reader saw as a
marker word without one), at the geometry measured on the scan matrix's scans: markers at x 79-84, the items' text
from x 90, the narrative from x 76, items 13.7 pt apart.
"""

from __future__ import annotations

import json
from pathlib import Path

from kompass_extract.model import Area, Report, Section
from kompass_extract.parse import sections
from kompass_extract.read.geometry import Word
from kompass_extract.read.lines import Line
from kompass_extract.read.markers import MARKER
from kompass_extract.validate import validate_report
from kompass_testing.truth_report import report_from_truth

PITCH = 13.7
TOP = 119.0
LULEA = Path(__file__).resolve().parents[1] / "fixtures" / "lulea-2018"


def _words(text: str, x0: float, top: float, conf: float = 95.0, height: float = 8.2) -> list[Word]:
    words, x = [], x0
    for token in text.split():
        width = 4.6 * len(token)
        words.append(Word(token, x, top, x + width, top + height, height, None, conf))
        x += width + 2.5
    return words


def _marker(top: float) -> Word:
    return Word(MARKER, 79.0, top, 84.0, top + 8.2, 8.2, None, None)


def _ink(text: str, top: float, conf: float = 10.0, height: float = 8.2) -> Word:
    return Word(text, 79.0, top, 84.0, top + height, height, None, conf)


def _box(rows: list[list[Word]]) -> list[Line]:
    label = Line(_words("Rubriker", 76.0, TOP - PITCH) + _words("Poäng", 470.0, TOP - PITCH), 4)
    body = [Line(words, 4) for words in rows]
    after = TOP + PITCH * len(rows) + 12
    narrative = [
        Line(_words("Allmänt", 76.0, after), 4),
        Line(
            _words("Ett förbättringsområde skulle kunna vara att redovisa en samlad uppföljning", 76.0, after + 14), 4
        ),
        Line(_words("av de olika åtgärderna och vad de leder till i verksamheten.", 76.0, after + 27), 4),
    ]
    return [label, *body, *narrative]


def _read(rows: list[list[Word]]) -> Area:
    area = Area(1)
    sections._parse_box(_box(rows), area, None)
    return area


def test_markers_read_as_letters_start_items_and_are_left_out() -> None:
    """Regression: a box marker that Tesseract read as letters ("jz", "CEN", "SR") was no bullet, so the box ended
    at the first of them (the rest lost, no check) or the letters were glued to the item ("jz Strategi ...")."""
    items = ["Strategi för verksamhetsutveckling", "Kvalitetssystem", "Lärande och omvärldsbevakning", "Förnyelse"]
    rows = [
        [_ink("CEN", TOP, 46), *_words(items[0], 90.0, TOP)],
        [_ink("SR", TOP + PITCH, 0), *_words(items[1], 90.0, TOP + PITCH)],
        [_marker(TOP + 2 * PITCH), *_words(items[2], 90.0, TOP + 2 * PITCH)],  # the one marker the ink reader saw
        [_ink("pe", TOP + 3 * PITCH, 13), *_words(items[3], 90.0, TOP + 3 * PITCH)],
    ]
    area = _read(rows)
    assert area.rubriker == items
    assert area.rubriker_doubt is None


def test_markers_read_as_letters_beside_seen_markers() -> None:
    """Regression: with two markers seen, the others read as letters ("jz", "FX") were glued to their items."""
    items = ["Strategi för resultatstyrning", "Kostnader och resultat", "Jämförelser", "Extern samverkan"]
    rows = [
        [_ink("jz", TOP, 0), *_words(items[0], 90.0, TOP)],
        [_ink("FX", TOP + PITCH, 2), *_words(items[1], 90.0, TOP + PITCH)],
        [_marker(TOP + 2 * PITCH), *_words(items[2], 90.0, TOP + 2 * PITCH)],
        [_marker(TOP + 3 * PITCH), *_words(items[3], 90.0, TOP + 3 * PITCH)],
    ]
    assert _read(rows).rubriker == items


def test_a_marker_read_as_a_sliver_line_starts_its_item() -> None:
    """Regression: Tesseract read a marker as a line of its own, half a point high, in the middle of its item's
    line; the item (at the text's x, no marker) was joined to the one above ("Samarbete med civilsamhället
    Samarbete med kulturlivet")."""
    items = ["Planer för samhällsbyggande", "Samarbete med civilsamhället", "Samarbete med kulturlivet", "Miljöfrågor"]
    rows = [[_marker(TOP + n * PITCH), *_words(item, 90.0, TOP + n * PITCH)] for n, item in enumerate(items)]
    rows[2] = _words(items[2], 90.0, TOP + 2 * PITCH, height=6.5)
    rows.insert(3, [_ink("de", TOP + 2 * PITCH + 3.5, 4, height=0.5)])
    area = _read(rows)
    assert area.rubriker == items
    assert area.rubriker_doubt is None


def test_a_line_with_no_marker_seen_is_an_item_when_its_first_word_would_have_fitted() -> None:
    """Regression: a box line whose marker OCR lost entirely (no ink, no letters) was joined to the item above
    ("System för styrning och uppföljning Politiska mål"); a capitalised line whose first word would have fitted on
    the line before begins an item, and the box is doubted. A line in lower case wraps its item, undoubted."""
    items = [
        "System för styrning och uppföljning",
        "Politiska mål",
        "Ansvarsfördelning och roller mellan politiker och",
    ]
    rows = [[_marker(TOP + n * PITCH), *_words(item, 90.0, TOP + n * PITCH)] for n, item in enumerate(items)]
    rows[1] = _words(items[1], 90.0, TOP + PITCH)
    rows.append(_words("tjänstemän", 90.0, TOP + 3 * PITCH))
    area = _read(rows)
    assert area.rubriker == [items[0], items[1], items[2] + " tjänstemän"]
    assert area.rubriker_doubt is not None and "'Politiska'" in area.rubriker_doubt


def test_a_text_layer_box_is_read_as_before_and_never_doubted() -> None:
    """A text layer's box (no confidences) keeps its glyph markers' reading: letters before an item are text."""
    rows = [
        [Word("•", 79.0, TOP, 83.0, TOP + 9, 9.0, False), Word("Ledning", 90.0, TOP, 130.0, TOP + 9, 9.0, False)],
        [Word("•", 79.0, TOP + PITCH, 83.0, TOP + PITCH + 9, 9.0, False)]
        + [Word("Styrning", 90.0, TOP + PITCH, 130.0, TOP + PITCH + 9, 9.0, False)],
    ]
    area = _read(rows)
    assert area.rubriker == ["Ledning", "Styrning"] and area.rubriker_doubt is None


def test_rubriker_uncertain_names_the_area_whose_box_the_parser_doubts() -> None:
    report = Report(source_file="scan.pdf", sha256="0", pages=1)
    report.areas = [Area(1, rubriker=["A"]), Area(2, rubriker=["B"], rubriker_doubt="why")]
    hits = [c for c in validate_report(report) if c.code == "rubriker-uncertain"]
    assert [(c.area_no, c.severity) for c in hits] == [(2, "warning")]
    assert "why" in hits[0].message


def _box_checks(rubriker: list[str], *, ocr: bool = True, headings: tuple[str, ...] = ()) -> list[str]:
    report = Report(source_file="scan.pdf", sha256="0", pages=1)
    area = Area(1, rubriker=rubriker, rubriker_ocr=ocr)
    area.sections = [Section(h, ["Text."], 4) for h in headings]
    report.areas = [area]
    return [c.message for c in validate_report(report) if c.code == "rubriker-uncertain"]


def test_an_ocr_box_item_a_letter_or_a_dash_from_a_known_sub_area_is_warned() -> None:
    """Regression: OCR's confident letter slips in a box ("Kompetensutveekling") and its dashes (the en dash of
    "Etik – motverkan av korruption" read as an em dash, and repeated so in the narrative's sub-heading) went out
    with no check. A box item a letter from a sub-area name the catalog knows, or that name but for its dash, is
    warned; one that is a known name, or that the narrative's own sub-heading repeats, is not."""
    assert _box_checks(["Strategi för demokratiutveckling och information", "Information till medborgare"]) == []
    assert len(_box_checks(["Kompetens- och medarbetarutveekling"])) == 1  # the catalog's name, a letter wrong
    assert len(_box_checks(["Mangfald"], headings=("Mångfald",))) == 1  # the narrative's sub-heading, read right
    dash = "Etik \u2014 motverkan av korruption"
    warned = _box_checks([dash], headings=(dash,))
    assert len(warned) == 1 and "dash" in warned[0]
    assert _box_checks(["Information till medborgarna"], headings=("Information till medborgarna",)) == []
    assert (
        _box_checks(["Kompetens- och medarbetarutveekling", dash], ocr=False) == []
    )  # a text layer prints what it prints


def test_an_ocr_box_read_with_fewer_than_two_items_is_doubted() -> None:
    """Regression: a box whose label OCR split ("RU" / "briker") ended at the label's piece with one item, the
    label's, and a box whose first line OCR read in a way that ended it at once listed nothing: no check. A box lists
    three to seven sub-areas; an OCR'd box read with fewer than two is doubted (a text layer's is what it prints)."""
    rows = [[_marker(TOP), *_words("Strategi för samhällsbyggande", 90.0, TOP)]]
    rows.append(_words("Ett stycke av brödtexten som inte hör till rutan och som slutar här.", 76.0, TOP + 14))
    area = _read(rows)
    assert area.rubriker == ["Strategi för samhällsbyggande"]
    assert area.rubriker_doubt is not None and "1 sub-area" in area.rubriker_doubt


def test_the_box_label_read_with_a_mark_in_front_is_no_item() -> None:
    """Regression: OCR read the label with a speck glued on ("-Rubriker", on its own line above the items) and the
    label test, made for a text layer, kept it: it became the box's first sub-area."""
    items = ["Styrmodell", "Politiska mål och uppdrag", "Intern kontroll"]
    rows = [[_marker(TOP + n * PITCH), *_words(item, 90.0, TOP + n * PITCH)] for n, item in enumerate(items)]
    lines = _box(rows)
    lines[0] = Line(_words("-Rubriker", 76.0, TOP - PITCH) + _words("Poäng", 470.0, TOP - PITCH), 4)
    area = Area(1)
    sections._parse_box(lines, area, None)
    assert area.rubriker == items


def test_an_ocr_area_with_no_box_read_where_the_others_have_one_is_warned() -> None:
    """A dark 1-bit copy (t22scan's unseen degradations: paper 175 grey, blur 0.9): Tesseract did not read the
    'Rubriker' label of four areas, so no box was found there and nothing was misread to doubt; their rubriker came
    out empty and silent. An area of an OCR'd report with no box where other areas have one is now warned; a text
    layer, and a report without boxes, are not."""
    truth = json.loads((LULEA / "truth.json").read_text(encoding="utf-8"))
    report = report_from_truth(truth)
    report.ocr = True
    assert [c for c in validate_report(report) if c.code == "rubriker-uncertain"] == []
    report.areas[3].rubriker = []
    checks = [c for c in validate_report(report) if c.code == "rubriker-uncertain"]
    assert [c.area_no for c in checks] == [report.areas[3].area_no]
    assert "no box was read" in checks[0].message
    report.ocr = False
    assert [c for c in validate_report(report) if c.code == "rubriker-uncertain"] == []
    report.ocr = True
    for area in report.areas:
        area.rubriker = []
    assert [c for c in validate_report(report) if c.code == "rubriker-uncertain"] == []


def test_box_items_read_before_the_narratives_first_heading_doubt_the_box() -> None:
    """A 2-up bw-200 scan: the box ended after two of its four items and the other two ("1 ▪ lönesättning",
    "• Arbetsmiljö") were read as the start of the narrative, before "Allmänt"; the box was short and no box check
    named it. Short pieces beginning with a list marker before the narrative's first sub-heading now doubt the box;
    a bulleted sentence there, or a narrative that opens with its heading, does not."""
    truth = json.loads((LULEA / "truth.json").read_text(encoding="utf-8"))
    report = report_from_truth(truth)
    report.ocr = True
    area = report.areas[5]
    area.rubriker_ocr = True
    area.rubriker = area.rubriker[:2]
    assert [c for c in validate_report(report) if c.code == "rubriker-uncertain"] == []
    area.sections.insert(0, Section("", ["1 ▪ lönesättning", "• Arbetsmiljö"], 1))
    checks = [c for c in validate_report(report) if c.code == "rubriker-uncertain"]
    assert [c.area_no for c in checks] == [area.area_no]
    assert "'1 ▪ lönesättning'" in checks[0].message
    area.sections[0] = Section("", ["• Kommunen har under året arbetat vidare med sin strategi för kompetens"], 1)
    assert [c for c in validate_report(report) if c.code == "rubriker-uncertain"] == []


def test_an_ocr_box_item_beginning_in_lower_case_is_doubted() -> None:
    """A dark 1-bit copy read "innovation och nytänkande" for "Innovation och nytänkande": its capital lost, equal to
        no known name by one letter's case, and no box check named it (the narrative's sub-heading repeats the slip, so it
    counts as a known name). A sub-area name begins with a capital, so an OCR'd
        item that does not is doubted; a text layer is not."""
    truth = json.loads((LULEA / "truth.json").read_text(encoding="utf-8"))
    report = report_from_truth(truth)
    area = report.areas[2]
    area.rubriker[1] = area.rubriker[1][0].lower() + area.rubriker[1][1:]
    area.sections.append(Section(area.rubriker[1], ["Kommunen har arbetat med det."], 1))  # the heading repeats it
    assert [c for c in validate_report(report) if c.code == "rubriker-uncertain"] == []
    area.rubriker_ocr = True
    checks = [c for c in validate_report(report) if c.code == "rubriker-uncertain"]
    assert [c.area_no for c in checks] == [area.area_no]
    assert "lower case" in checks[0].message
