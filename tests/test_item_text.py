"""An OCR'd list item whose text may be misread: mostly fragments of ink, or several words read with low confidence
(``finding-text-uncertain``); a text layer's items and well-read scans stay quiet."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

from kompass_extract.locate.layout import Layout
from kompass_extract.model import Check, Report
from kompass_extract.parse.findings import parse_findings
from kompass_extract.read.geometry import Word
from kompass_extract.read.lines import group_lines
from kompass_extract.validate.lists import TEXT_CODE
from kompass_extract.validate.run import validate_report
from kompass_testing.scan_matrix import score
from kompass_testing.truth_report import report_from_truth

OCR = Layout(body_size=9.0, pitch=12.0, has_fonts=False)
LULEA = Path(__file__).resolve().parents[1] / "fixtures" / "lulea-2018"


def read(spec: str, x: float, top: float, char: float = 4.2) -> list[Word]:
    """OCR'd words from "word[conf] word[conf] ..." (confidence 95 where none is given), on one line box."""
    out = []
    for token in spec.split(" "):
        text, _, conf = token.partition("[")
        out.append(Word(text, x, top, x + char * len(text), top + 8.6, 8.6, None, float(conf.rstrip("]") or 95)))
        x += char * (len(text) + 1)
    return out


def _list(rows: list[str]) -> list:
    header = read("Styrkor", 77.0, 131.5) + read("Förbättringsmöjligheter", 312.0, 131.5)
    body = []
    for n, row in enumerate(rows):
        body += read("▪", 80.0, 146.0 + 15.0 * n, 3.0) + read(row, 89.0, 146.0 + 15.0 * n)
    body += read("▪", 315.0, 146.0, 3.0) + read("Utveckla servicedeklarationer", 324.0, 146.0)
    body += read("▪", 315.0, 161.0, 3.0) + read("Fler samtal kring resultat", 324.0, 161.0)
    return group_lines(header + body, 3)


def test_garbage_items_and_items_with_low_confidence_words_are_doubted() -> None:
    """A stacked 4.5-pt report scanned grey-300 (t19sheets): confident OCR made items of ink ("1 haf och k", "För
    5") with no check at all, and an item had "LR i hela 12" read at confidence 13-19 glued to its end. Each is now
    doubted; a well-read item, a finding in lower case, a year and an acronym are not."""
    rows = [
        "1[83] haf[46] och[93] k[93]",
        "Korruptionsmotverkande arbete, t.ex. visselblåsarfunktion",
        "Gott bemötande LR[13] i[80] hela[80] 12[19]",
        "För[97] 5[82]",
        "Tyd[92]",
        "personalpolicyn,[62] HR-strategin och ledningsfilosofi[81]",
        "Vision 2030 för IT i hela kommunen",
    ]
    findings = parse_findings(_list(rows), OCR)
    strengths = [f for f in findings if f.kind == "strength"]
    assert [f.text for f in strengths][1:3] == [rows[1], "Gott bemötande LR i hela 12"]
    assert [f.misread is not None for f in strengths] == [True, False, True, True, True, False, False]
    assert "fragments" in strengths[0].misread and "'k'" in strengths[0].misread
    assert "'12' at OCR confidence 19" in strengths[2].misread
    assert not any(f.misread for f in findings if f.kind == "improvement")


def test_a_misread_item_raises_its_check_and_text_layers_stay_quiet() -> None:
    """The parser's doubt on an item's words is a warning naming the item (kind, position); the printed lists of a
    report (no OCR) raise none."""
    report = report_from_truth(json.loads((LULEA / "truth.json").read_text(encoding="utf-8")))
    assert [c for c in validate_report(report) if c.code == TEXT_CODE] == []
    area = report.areas[1]
    area.findings[2] = replace(area.findings[2], misread="its words are mostly fragments of misread ink ('k')")
    checks = [c for c in validate_report(report) if c.code == TEXT_CODE]
    assert [(c.severity, c.area_no, c.details["kind"], c.details["position"]) for c in checks] == [
        ("warning", area.area_no, area.findings[2].kind, area.findings[2].position)
    ]
    assert "fragments" in checks[0].message


def test_score_counts_misread_items_and_takes_the_text_check_as_a_warning_on_the_column() -> None:
    """The scan matrix counted an item found at similarity >= 90 as found, whatever its letters; a misread item no
    check names is now counted (MISREAD), and a column whose item carries ``finding-text-uncertain`` is warned."""
    truth = json.loads((LULEA / "truth.json").read_text(encoding="utf-8"))
    report = report_from_truth(truth)
    area = report.areas[0]
    first = next(n for n, f in enumerate(area.findings) if f.kind == "strength")
    item = area.findings[first]
    area.findings[first] = replace(item, text=item.text[:-1] + "x")  # one letter misread, still found
    assert score(report, truth).items_misread == 1
    mark = Check("warning", TEXT_CODE, "misread?", area.area_no, None, {"kind": item.kind, "position": item.position})
    report.checks = [mark]
    assert score(report, truth).items_misread == 0
    area.findings[first] = replace(item, text="1 haf och k")  # garbage: the printed item is lost, but warned
    assert score(report, truth).items_unwarned == 0
    report.checks = []
    assert score(report, truth).items_unwarned == 1


def test_specks_read_as_lone_punctuation_are_no_part_of_an_item() -> None:
    """bw-300-specks scans: a speck read as a word of its own ("'", "|", ".", ",") stayed in the item's text
    ("Nya styrmodellen fokuserad på resultatstyrning '", "Ökad systematik ... på . verksamhetsnivå"). A printed
    item never holds such a mark alone; a dash between words, and marks inside words, stay."""
    rows = [
        "Nya styrmodellen fokuserad på resultatstyrning '[63]",
        "Analys på .[40] verksamhetsnivå",
        "Externs granskningar |[72]",
        "Kvalitet – styrning, t.ex. mål",
    ]
    findings = parse_findings(_list(rows), OCR)
    assert [f.text for f in findings if f.kind == "strength"] == [
        "Nya styrmodellen fokuserad på resultatstyrning",
        "Analys på verksamhetsnivå",
        "Externs granskningar",
        "Kvalitet – styrning, t.ex. mål",
    ]
    assert not any(f.misread for f in findings)


def test_a_piece_of_ink_read_at_no_confidence_or_unpaired_quotes_make_an_item_doubtful() -> None:
    """A 4-up sheet scanned grey-300: items ended in ink OCR could not read ("Information om resultat från 6", the
    "6" at confidence 0) or lost their end ("... årsberättelsen (mätbara 6"), and a 1-bit copy read a speck as a
    quote; none was doubted. A fragment read under confidence 30, or brackets and quotes that do not pair, now
    doubt the item; quotes in pairs (”...”, “...”) and brackets closed do not."""
    rows = [
        "Information om resultat från 6[0]",
        "Förbättra måluppföljning (mätbara",
        "Satsning på ”social hållbarhet",
        "Satsning på ”social hållbarhet”",
        "Satsning på “social hållbarhet”",
        "Våga lägga ribbor (målsätta indikatorer)",
        "Fler mål 6[95]",
    ]
    strengths = [f for f in parse_findings(_list(rows), OCR) if f.kind == "strength"]
    assert [f.text for f in strengths] == [r.replace("[0]", "").replace("[95]", "") for r in rows]
    assert [f.misread is not None for f in strengths] == [True, True, True, False, False, False, False]
    assert "'6' at OCR confidence 0" in strengths[0].misread and "do not pair" in strengths[1].misread


def test_a_hole_where_ocr_lost_words_makes_an_item_doubtful() -> None:
    """A 4-up sheet scanned grey-300: OCR lost "medarbetarutvecklingsprogram" of "Framtagande av ett" / "..." and
    read only "ållande" far right on the wrapped line; it lost "kreativitet och innovationer" inside a line, leaving
    a wide gap. Neither was doubted. A hanging indent (the wrapped line 1.6 line heights in) is no hole."""
    from kompass_extract.parse.item_text import misread

    lost_wrap = group_lines(read("Framtagande av ett", 49.5, 118.0) + read("ållande", 132.6, 128.0), 18)
    assert "wrapped line begins" in (misread(lost_wrap) or "")
    gap = read("Light-versioner samt system för", 158.7, 90.6) + read("inom hela", 330.0, 90.6)
    assert "a gap of" in (misread(group_lines(gap, 18)) or "")
    hanging = group_lines(
        read("Brukar-/kundbemötande med i kommunens", 80.0, 200.0) + read("lönekriterier", 94.0, 212.0), 18
    )
    assert misread(hanging) is None


def test_a_lone_dash_read_at_an_items_end_is_no_part_of_it() -> None:
    """1-bit copies read a speck or a cell's rule after an item's last word as a dash ("Införande av
    resultatindikatorer -", "Hållbart medarbetarindex --—"); a printed item never ends so. A dash between words
    stays."""
    rows = ["Införande av resultatindikatorer -[78]", "Hållbart medarbetarindex --—[27]", "Kvalitet – styrning"]
    findings = parse_findings(_list(rows), OCR)
    assert [f.text for f in findings if f.kind == "strength"] == [
        "Införande av resultatindikatorer",
        "Hållbart medarbetarindex",
        "Kvalitet – styrning",
    ]
    assert not any(f.misread for f in findings)


def _scanned_lulea() -> Report:
    """Luleå's printed text as if OCR had read it: every item with a confidence as high as a right word's."""
    report = report_from_truth(json.loads((LULEA / "truth.json").read_text(encoding="utf-8")))
    report.ocr = True
    for area in report.areas:
        area.findings = [replace(f, confidence=91.0) for f in area.findings]
    return report


def test_a_confident_letter_slip_of_a_word_the_report_holds_often_is_doubted() -> None:
    """bw-200 / bw-300-specks scans: Tesseract read "fönesättning", "bernötande", "Mänga" at a confidence as high as
    the right words', and no check named the item (156 misread items on the diagonal scan matrix). The report around
    the item spells the word right many times, so an item word read nowhere else that is an OCR confusion of it
    (l->i, a->å, m->rn) is doubted; the report's own right text raises nothing, and a word differing only in its last
    letter (an inflection) is left alone."""
    report = _scanned_lulea()
    assert [c for c in validate_report(report) if c.code == TEXT_CODE] == []
    counts = Counter(w.lower() for a in report.areas for f in a.findings for w in re.findall(r"\w{3,}", f.text))
    area, n, word = next(
        (a, n, w)
        for a in report.areas
        for n, f in enumerate(a.findings)
        for w in f.text.split()
        if w.isalpha() and len(w) > 5 and "l" in w[1:-1] and counts[w.lower()] >= 3
    )
    slip = word[0] + word[1:-1].replace("l", "i", 1) + word[-1]
    item = area.findings[n]
    area.findings[n] = replace(item, text=item.text.replace(word, slip, 1))
    other = next(f for a in report.areas if a is not area for f in a.findings if len(f.text.split()[-1]) > 5)
    ending = other.text.split()[-1]
    other.text = other.text[: -len(ending)] + ending[:-1] + ("x" if ending[-1] != "x" else "y")  # an inflection
    checks = [c for c in validate_report(report) if c.code == TEXT_CODE]
    assert [(c.area_no, c.details["kind"], c.details["position"]) for c in checks] == [
        (area.area_no, item.kind, item.position)
    ]
    assert repr(slip) in checks[0].message and repr(word.lower()) in checks[0].message
    report.ocr = False  # a text layer prints what it prints
    assert [c for c in validate_report(report) if c.code == TEXT_CODE] == []


def test_an_ocr_item_ending_in_a_word_that_ends_no_finding_lost_its_end() -> None:
    """A dark 1-bit copy: the wrapped last line of narrow-column items went unread ("Flera exempel på lärande
    jämförelser på" for "... på verksamhetsnivå", "Processhandbok och digitalt verktyg för"), the item was found at
    similarity < 90 and lost with no check. No printed finding ends in a preposition, conjunction or article, so an
    OCR'd item that does is doubted; one ending in a noun is not."""
    rows = ["Flera exempel på lärande jämförelser på", "Processhandbok och digitalt verktyg för kartläggning"]
    strengths = [f for f in parse_findings(_list(rows), OCR) if f.kind == "strength"]
    assert [f.text for f in strengths] == rows
    assert "'på'" in (strengths[0].misread or "") and "end" in strengths[0].misread
    assert strengths[1].misread is None
