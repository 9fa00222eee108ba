"""List items found by layout (drawn markers, hanging indents, short lines) and the findings-uncertain check."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

import pytest

from kompass_extract import extract
from kompass_extract.locate.layout import Layout
from kompass_extract.model import Finding
from kompass_extract.parse.findings import parse_findings
from kompass_extract.read.geometry import Word
from kompass_extract.read.lines import Line
from kompass_extract.read.markers import MARKER, with_markers
from kompass_extract.validate.lists import CODE, INNER_MARKER, _holds_marker, _starts, findings_checks, item_starts
from kompass_testing.compare import compare
from kompass_testing.truth_report import report_from_truth

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "fixtures" / "generated"
SIZE = 10.0
LAYOUT = Layout(body_size=SIZE, pitch=12.0, has_fonts=True)


def words(text: str, x: float, top: float) -> list[Word]:
    """Tokens from x, 5 pt per character and a 3 pt space."""
    out = []
    for token in text.split(" "):
        out.append(Word(token, x, top, x + 5.0 * len(token), top + SIZE, SIZE, False))
        x += 5.0 * len(token) + 3.0
    return out


def header(top: float = 88.0) -> Line:
    return Line(words("Styrkor", 70, top) + words("Förbättringsområden", 320, top), 1)


def texts(findings: list[Finding], kind: str) -> list[str]:
    return [f.text for f in findings if f.kind == kind]


def test_a_drawn_square_left_of_a_line_becomes_a_marker_word() -> None:
    line = Line(words("Tydlig strategi", 82, 100), 1)
    beside, on_word, far = (72.0, 102.0, 75.5, 105.5), (90.0, 102.0, 93.0, 105.0), (20.0, 102.0, 23.0, 105.0)
    dash_of_a_border = (78.0, 101.0, 78.75, 105.0)  # a dashed cell border's dash: upright, not a marker
    (marked,) = with_markers([line], lambda page: [dash_of_a_border, beside, on_word, far])
    assert [w.text for w in marked.words] == [MARKER, "Tydlig", "strategi"]
    assert marked.words[0].x0 == 72.0


def test_drawn_markers_split_items_in_both_columns_and_across_pages() -> None:
    """No bullet character anywhere: only the shapes tell where the tight, wrapped items begin."""
    rows = [
        ("Ny styrmodell fokuserad på", "Utveckla arbetet med analys"),
        ("resultat inom förvaltningarna", "och uppföljning"),
        ("Gemensam värdegrund", "Fler samtal och dialoger"),
    ]
    lines = [header()]
    boxes: dict[int, list[tuple[float, float, float, float]]] = {1: [], 2: []}
    for n, (left, right) in enumerate(rows):
        top = 100.0 + 12 * n
        lines.append(Line(words(left, 82, top) + words(right, 332, top), 1))
        if n != 1:
            boxes[1] += [(72.0, top + 3, 75.0, top + 6), (322.0, top + 3, 325.0, top + 6)]
    lines.append(Line(words("Kvalitetschef och nätverk", 82, 60), 2))  # the list goes on after a page break
    boxes[2].append((72.0, 63.0, 75.0, 66.0))
    findings = parse_findings(lines, LAYOUT, lambda page: boxes[page])
    assert texts(findings, "strength") == [
        "Ny styrmodell fokuserad på resultat inom förvaltningarna",
        "Gemensam värdegrund",
        "Kvalitetschef och nätverk",
    ]
    assert texts(findings, "improvement") == ["Utveckla arbetet med analys och uppföljning", "Fler samtal och dialoger"]
    assert all(f.doubt is None for f in findings)


def test_a_marker_low_in_a_tall_ocr_line_starts_only_the_item_beside_it() -> None:
    """A 1-bit scan: OCR'd lines of two columns side by side were grouped into one line as tall as both, and the
    right-hand column's next marker, in that line's lower part, also began an item at the wrapped word beside it
    ("uppföljning" alone, with no check). A marker belongs to the word whose height holds its middle."""

    def ocr(text: str, x: float, top: float, bottom: float) -> list[Word]:
        return [replace(w, top=top, bottom=bottom, bold=None, conf=90.0) for w in words(text, x, top)]

    lines = [
        header(),
        Line(ocr("Kvalitetsarbete integrerat", 82, 100, 109) + ocr("Sammanlänka resurs och", 332, 100, 109), 1),
        Line(ocr("Uppföljning och utvärdering", 82, 112, 131) + ocr("uppföljning", 332, 115, 124), 1),
        Line(ocr("Stärkande av den", 332, 124, 139), 1),
        Line(ocr("kund/brukarfokus", 332, 140, 148), 1),
    ]
    boxes = [(72.0, 103.0, 75.0, 106.0), (72.0, 120.0, 75.0, 123.0), (322.0, 103.0, 325.0, 106.0)]
    boxes.append((322.0, 130.0, 325.0, 133.0))  # the marker of "Stärkande", below "uppföljning"
    (tall,) = with_markers(lines[2:3], lambda page: boxes)
    assert [w.text for w in tall.words] == [MARKER, "Uppföljning", "och", "utvärdering", "uppföljning"]
    findings = parse_findings(lines, LAYOUT, lambda page: boxes)
    assert texts(findings, "strength") == ["Kvalitetsarbete integrerat", "Uppföljning och utvärdering"]
    assert texts(findings, "improvement") == ["Sammanlänka resurs och uppföljning", "Stärkande av den kund/brukarfokus"]


def test_enumerators_mark_items_in_lists() -> None:
    lines = [
        header(),
        Line(words("1. Styrmodell fokuserad på", 72, 100), 1),
        Line(words("Resultat", 82, 112), 1),
        Line(words("a) Gemensam värdegrund", 72, 124), 1),
        Line(words("12) Fler samtal", 72, 136), 1),
    ]
    findings = parse_findings(lines, LAYOUT)
    assert texts(findings, "strength") == ["Styrmodell fokuserad på Resultat", "Gemensam värdegrund", "Fler samtal"]


def test_hanging_indent_without_markers_splits_items() -> None:
    lines = [
        header(),
        Line(words("Styrmodell fokuserad på", 72, 100), 1),
        Line(words("Resultat och uppföljning", 82, 112), 1),  # indented: a continuation despite its capital
        Line(words("Gemensam värdegrund", 72, 124), 1),
    ]
    findings = parse_findings(lines, LAYOUT)
    assert texts(findings, "strength") == ["Styrmodell fokuserad på Resultat och uppföljning", "Gemensam värdegrund"]


def test_capital_after_a_short_line_starts_an_item_and_after_a_full_line_a_doubted_one_unless_mid_phrase() -> None:
    """After a full line only a capital tells a new finding (one that filled its line exactly, as on a Chromium
    report without markers, indent or space); a line that ends with a preposition, conjunction or article ("och
    på") goes on whatever comes next (a name: "Facebook"). Both readings after a full line are doubted."""
    lines = [
        header(),
        Line(words("Tydliga strategier för området och", 72, 100), 1),  # the longest line: the column's edge
        Line(words("kulturen", 72, 112), 1),
        Line(words("Mötesarena för det samlade", 72, 124), 1),
        Line(words("Kulturlivet i kommunen", 72, 136), 1),  # would not have fitted: an item, doubted
        Line(words("Kanaler och sidor på webben på", 72, 148), 1),
        Line(words("Facebook och Instagram", 72, 160), 1),  # after "på": read on, doubted
    ]
    findings = parse_findings(lines, LAYOUT)
    assert texts(findings, "strength") == [
        "Tydliga strategier för området och kulturen",
        "Mötesarena för det samlade",
        "Kulturlivet i kommunen",
        "Kanaler och sidor på webben på Facebook och Instagram",
    ]
    assert [f.doubt is not None for f in findings] == [False, False, True, True]
    assert "Kulturlivet" in (findings[2].doubt or "") and "Facebook" in (findings[3].doubt or "")


def test_item_starts_without_a_capital_after_the_first_word_are_none_as_word_by_word() -> None:
    """Items with no capital after their first word are passed over without reading their words: the same starts as
    word by word, also for letters whose lower case is themselves ("ℂ") and white space other than spaces."""
    rnd = random.Random(24)
    pieces = ["a", "kommun", "Vision", "ℂommun", "ǅ", "Ⓐb", "KKiK", ".", "”", "(", "2050", " ", "\u00a0", "\n", "\t"]
    for _ in range(5000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 10)))
        assert item_starts(text) == _starts(text), repr(text)
    assert item_starts("styrning i ℂommun") == ["ℂommun"]


def test_a_marker_inside_an_item_is_found_as_the_pattern_finds_it() -> None:
    """The marker pattern is searched only in texts holding a marker glyph: the same answer as the pattern's."""
    rnd = random.Random(2022)
    pieces = ["a", "kommun", "å", "–", " ", "\n", "\u2022", "\uf0b7", "\u2713", "\u25aa", "\u27a2", "•x"]
    for _ in range(5000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 8)))
        assert _holds_marker(text) == (INNER_MARKER.search(text) is not None), repr(text)


def test_item_starts_ignore_names_after_names_acronyms_and_prepositions_of_one_name() -> None:
    assert item_starts("Tydliga strategier för området i ”Vision Luleå 2050”") == ["Vision"]
    assert item_starts("Klargör KKiK-måttens roll i styrningen") == []
    assert item_starts("Utveckla dialogen Fler samtal kring resultat. Gemensam vision") == ["Fler", "Gemensam"]


def _truth(name: str) -> dict:
    return json.loads((GENERATED / name / "truth.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", [ROOT / "fixtures" / "lulea-2018", *sorted(GENERATED.iterdir())], ids=lambda p: p.name)
def test_findings_uncertain_is_quiet_on_printed_lists(path: Path) -> None:
    truth = json.loads((path / "truth.json").read_text(encoding="utf-8"))
    assert findings_checks(report_from_truth(truth)) == []


def test_findings_uncertain_fires_on_joined_columns_and_a_lonely_column() -> None:
    report = report_from_truth(_truth("skl2016-baseline"))
    area = report.areas[2]
    strengths = [f.text for f in area.strengths]
    improvements = area.improvements
    area.findings = [Finding("strength", 1, " ".join(strengths), 1), *improvements]
    messages = [c.message for c in findings_checks(report) if c.code == CODE and c.area_no == area.area_no]
    assert len(improvements) >= 4 and any("one strength item beside" in m for m in messages)
    assert any("strength 1" in m and "findings" in m for m in messages), messages
    area.findings = [Finding("strength", 1, f"{strengths[0]} • {strengths[1]}", 1), *improvements]
    assert any("marker inside" in c.message for c in findings_checks(report))


def test_findings_uncertain_fires_on_an_empty_column_beside_a_full_one() -> None:
    """A column read empty while the other has many items: its items went into the other column (LibreOffice's
    indented lists put the column split left of every bullet). It was silent: only one item counted as lonely."""
    report = report_from_truth(_truth("skl2016-baseline"))
    area = report.areas[5]
    area.findings = [replace(f, kind="improvement") for f in area.findings]
    messages = [c.message for c in findings_checks(report) if c.area_no == area.area_no]
    assert any("no strength item beside" in m for m in messages), messages


def test_an_area_whose_list_was_not_found_is_not_silent() -> None:
    """A scan misread the header's improvements label, so no list was found in area 4: it is warned, while most
    areas have a list; a report without any list (an edition that prints none) stays quiet."""
    report = report_from_truth(_truth("rapport2006-findings-on-page-tops"))
    report.areas[3].findings = []
    checks = [c for c in findings_checks(report) if c.code == CODE]
    assert [c.area_no for c in checks] == [report.areas[3].area_no]
    assert "no strengths/improvements list was found" in checks[0].message
    for area in report.areas:
        area.findings = []
    assert findings_checks(report) == []


def test_lists_lost_in_every_area_are_warned_where_the_narrative_shows_them() -> None:
    """A grey 200-dpi scan of a Typst report lost the list header in every area: its items were read as narrative
    ("Styrk rin het", "medarbetarsamtal ▪ Nytt ledarutvecklingsprogram"), and as no area had a list, no check
    was raised at all. An area whose narrative shows a torn list label or markers inside a paragraph is warned."""
    report = report_from_truth(_truth("rapport2006-findings-on-page-tops"))
    for area in report.areas:
        area.findings = []
    report.areas[0].sections[-1].paragraphs.append("Styrk rin het")
    report.areas[2].sections[-1].paragraphs.append("medarbetarsamtal ▪ Nytt ledarutvecklingsprogram samt")
    report.areas[4].sections[-1].paragraphs.append("Styrkor är bland annat att planen följs upp av nämnderna varje år.")
    checks = [c for c in findings_checks(report) if c.code == CODE]
    assert [c.area_no for c in checks] == [report.areas[0].area_no, report.areas[2].area_no]
    assert "Styrk rin het" in checks[0].message and "markers inside" in checks[1].message


def test_unseen_drawn_markers_are_not_silent(monkeypatch: pytest.MonkeyPatch) -> None:
    """The issue's failure: a producer's drawn markers are not read, the lists join; every wrong area warns."""
    import kompass_extract.pipeline as pipeline

    folder = GENERATED / "skr2020-disc-columns"
    truth = _truth(folder.name)
    assert compare(extract(folder / "report.pdf"), truth) == []
    monkeypatch.setattr(pipeline, "page_markers", lambda page: [])
    report = extract(folder / "report.pdf")
    wrong = {
        int(m.path.split("[")[1].split("]")[0])
        for m in compare(report, truth)
        if "strengths[" in m.path or "improvements[" in m.path
    }
    warned = {c.area_no for c in report.checks if c.code == CODE}
    assert wrong and wrong <= warned


def test_markers_drawn_inside_forms_are_found(tmp_path: Path) -> None:
    """A producer that wraps content in form XObjects: a disc in a form, inside a page-wide form."""
    pytest.importorskip("reportlab")
    from reportlab.pdfgen import canvas

    from kompass_extract.read.document import open_pdf
    from kompass_extract.read.markers import page_markers

    path = tmp_path / "forms.pdf"
    c = canvas.Canvas(str(path), pagesize=(600, 800))
    c.beginForm("dot")
    c.circle(3, 3, 1.8, stroke=0, fill=1)
    c.endForm()
    c.beginForm("page")
    c.rect(0, 0, 500, 300, stroke=1, fill=0)  # a frame: too large to be a marker, searched inside
    c.saveState()
    c.translate(20, 100)
    c.doForm("dot")
    c.restoreState()
    c.endForm()
    c.saveState()
    c.translate(50, 400)
    c.doForm("page")
    c.restoreState()
    c.setFont("Helvetica", 10)
    c.drawString(82, 500, "Tydlig strategi")
    c.save()
    doc = open_pdf(str(path))
    try:
        (box,) = page_markers(doc.pages[0])
        x0, top, x1, bottom = box
        assert (round(x0, 1), round(x1, 1)) == (71.2, 74.8)  # 50 + 20 + 3 -/+ 1.8
        assert (round(top, 1), round(bottom, 1)) == (800 - 504.8, 800 - 501.2)
        (line,) = with_markers(doc.pages[0].lines, lambda page: [box])
        assert line.words[0].text == MARKER
    finally:
        doc.close()


def test_a_sibling_marker_that_began_no_item_leaves_a_doubt() -> None:
    """A drawn marker set lower than its line (it is not placed) but in line with the others: not silent."""
    lines = [header()] + [Line(words(text, 82, 100.0 + 14 * n), 1) for n, text in enumerate(["Ett", "Två", "Tre"])]
    boxes = [(72.0, 103.0, 75.0, 106.0), (72.0, 110.5, 75.0, 113.5), (72.0, 131.0, 75.0, 134.0)]
    findings = parse_findings(lines, LAYOUT, lambda page: boxes)
    assert texts(findings, "strength") == ["Ett Två", "Tre"]
    assert findings[0].doubt is not None and "began no item" in findings[0].doubt
    assert findings[1].doubt is None


def test_figures_count_a_joined_column_as_wrong() -> None:
    """The figure tool itself: a truth read back is all right; joining two items costs their whole column."""
    from kompass_testing.figures import group_of, score

    truth = _truth("skr2020-disc-columns")
    assert group_of(truth) == "reportlab / disc"
    clean = score(report_from_truth(truth), truth)
    assert clean["numbers_exact"] == clean["numbers"] > 0 and clean["items_right"] == clean["items"] > 0
    report = report_from_truth(truth)
    area = report.areas[0]
    strengths = area.strengths
    joined = Finding("strength", 1, f"{strengths[0].text} {strengths[1].text}", 1)
    area.findings = [joined, *strengths[2:], *area.improvements]
    area.questions[0].achieved = (area.questions[0].achieved or 0) + 1
    counts = score(report, truth)
    assert counts["items"] - counts["items_right"] == len(strengths)
    assert counts["numbers"] - counts["numbers_exact"] == 1 and counts["numbers_wrong_silent"] == 1


def test_drawn_bullets_in_the_narrative_start_paragraphs() -> None:
    from kompass_extract.locate.areas import AreaHeading
    from kompass_extract.model import Area
    from kompass_extract.parse.sections import parse_area

    lines = [
        Line(words("Allmänt", 70, 60), 1),
        Line(words("Kommunen har bland annat:", 70, 74), 1),
        Line(words("en tydlig vision", 82, 86), 1),
        Line(words("en gemensam värdegrund", 82, 98), 1),
    ]
    lines[0].words[0].bold = True
    heading = AreaHeading(0, 1, "Offentlighet", Line(words("Område 1 Offentlighet", 70, 40), 1))
    area = Area(1)
    parse_area(lines, heading, LAYOUT, area, lambda page: [(72.0, 89.0, 75.0, 92.0), (72.0, 101.0, 75.0, 104.0)])
    assert area.sections[0].paragraphs == [
        "Kommunen har bland annat:",
        "• en tydlig vision",
        "• en gemensam värdegrund",
    ]
