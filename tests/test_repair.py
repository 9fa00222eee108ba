"""OCR'd numbers repaired by the rounding rules: hand-built OCR'd reports (the Luleå numbers) and a fake re-reader."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from kompass_extract.model import BBox, Question, Report
from kompass_extract.read.ocr.numbers import OCR_CONFIDENCE_THRESHOLD
from kompass_extract.validate import validate_report
from kompass_extract.validate.repair import repair_ocr_numbers
from kompass_testing.truth_report import report_from_truth

TRUTH = json.loads((Path(__file__).resolve().parents[1] / "fixtures/lulea-2018/truth.json").read_text("utf-8"))
SURE = 95.0


def ocr_report() -> Report:
    """The Luleå truth as if read by OCR: every number has a cell box (a distinct one) and a high confidence."""
    report = report_from_truth(TRUTH)
    y = 0.0
    for area in report.areas:
        for q in area.questions:
            q.cells = {
                k: (1, 300.0 + 50 * i, y, 320.0 + 50 * i, y + 10, SURE)
                for i, k in enumerate(("achieved", "max", "percent"))
            }
            q.confidence = SURE
            y += 12
        area.total_cells = {
            k: (1, 300.0 + 50 * i, y, 320.0 + 50 * i, y + 10, SURE)
            for i, k in enumerate(("achieved", "max", "percent"))
        }
        area.total_confidence = SURE
        area.header_page, area.header_bbox, area.header_confidence = 2, (500.0, y, 520.0, y + 10), SURE
        y += 12
    return report  # fmt: skip


def misread(report: Report, question_no: str, key: str, value: float) -> Question:
    q = next(q for a in report.areas for q in a.questions if q.question_no == question_no)
    setattr(q, key, value)
    q.cells[key] = (*q.cells[key][:5], 55.0)
    q.confidence = 55.0
    return q


class FakeReader:
    """Re-reads every cell as its value in the truth-built report, except the cells given other readings."""

    def __init__(self, report: Report, readings: dict[tuple[str, str], list[str]]) -> None:
        self.by_box: dict[tuple[int, BBox], list[tuple[str, float]]] = {}
        clean = report_from_truth(TRUTH)
        for area, truth_area in zip(report.areas, clean.areas, strict=True):
            for q, t in zip(area.questions, truth_area.questions, strict=True):
                for key, cell in q.cells.items():
                    texts = readings.get((q.question_no, key), [f"{getattr(t, key):g}"])
                    self.by_box[(cell[0], cell[1:5])] = [(text, 90.0) for text in texts]
        self.calls = 0

    def __call__(self, cells: Sequence[tuple[int, BBox]]) -> list[list[tuple[str, float]]]:
        self.calls += 1
        return [self.by_box.get((page, tuple(box)), []) for page, box in cells]


def checks_of(report: Report, code: str) -> list:
    return [c for c in report.checks if c.code == code]


def test_a_dropped_digit_is_repaired_by_the_percent() -> None:
    """'16' read as '6': achieved 6 contradicts 79 % of 20; the re-read 16 is the only reading that fits."""
    report = ocr_report()
    misread(report, "1.2", "achieved", 6.0)
    report.checks = validate_report(report)
    assert any(c.code == "question-interval-empty" for c in report.checks)
    repair_ocr_numbers(report, FakeReader(report, {("1.2", "achieved"): ["16", "6"]}))
    assert report.area(1).questions[1].achieved == 16
    [repaired] = checks_of(report, "ocr-repaired")
    assert (repaired.severity, repaired.area_no, repaired.question_no) == ("info", 1, "1.2")
    assert "OCR read 6" in repaired.message and "achieved vs percent of max" in repaired.message
    assert [c for c in report.checks if c.severity != "info" and c.code != "uncatalogued-question"] == []


def test_a_percent_sign_read_as_a_digit_is_repaired() -> None:
    """'79 %' read as '797': the re-read '79%' wins."""
    report = ocr_report()
    misread(report, "1.2", "percent", 797.0)
    report.checks = validate_report(report)
    repair_ocr_numbers(report, FakeReader(report, {("1.2", "percent"): ["79%"]}))
    assert report.area(1).questions[1].percent == 79
    assert [c.question_no for c in checks_of(report, "ocr-repaired")] == ["1.2"]


def test_a_percent_whose_sign_every_re_read_takes_for_digits_is_repaired() -> None:
    """A 1-bit copy: '79 %' read '7' by the main pass and '799' or '7926' by every closer re-read (the sign as one or
    two digits, held-out pair skr2020-toc-kortfakta-running bw-300-specks): no reading was a percentage, and the
    cell stayed wrong (flagged). The percentages at the head of such a run of digits are the readings."""
    report = ocr_report()
    misread(report, "1.2", "percent", 7.0)
    report.checks = validate_report(report)
    repair_ocr_numbers(report, FakeReader(report, {("1.2", "percent"): ["799", "7926", "799"]}))
    assert report.area(1).questions[1].percent == 79
    [repaired] = checks_of(report, "ocr-repaired")
    assert (repaired.question_no, repaired.severity) == (
        "1.2",
        "info",
    ) and "OCR read 7, re-read as 79" in repaired.message


def test_no_fitting_reading_leaves_the_value_flagged() -> None:
    """Every re-read says 6 again: nothing the page prints satisfies the rules, so the number stays and is flagged."""
    report = ocr_report()
    misread(report, "1.2", "achieved", 6.0)
    report.checks = validate_report(report)
    repair_ocr_numbers(report, FakeReader(report, {("1.2", "achieved"): ["6", "8"]}))
    assert report.area(1).questions[1].achieved == 6
    assert checks_of(report, "ocr-repaired") == []
    assert {(c.area_no, c.question_no) for c in checks_of(report, "ocr-low-confidence")} >= {(1, "1.2")}


def test_clean_areas_are_not_read_again() -> None:
    report = ocr_report()
    report.checks = validate_report(report)
    reader = FakeReader(report, {})
    repair_ocr_numbers(report, reader)
    assert reader.calls == 0 and checks_of(report, "ocr-repaired") == []


def test_repairs_survive_revalidation() -> None:
    """The repair is recorded in provenance: validating the report again (``validate`` command) keeps the check."""
    report = ocr_report()
    misread(report, "1.2", "achieved", 6.0)
    report.checks = validate_report(report)
    repair_ocr_numbers(report, FakeReader(report, {("1.2", "achieved"): ["16"]}))
    again = Report.from_dict(json.loads(json.dumps(report.to_dict())))
    assert [c.question_no for c in validate_report(again) if c.code == "ocr-repaired"] == ["1.2"]


def test_a_cell_read_empty_is_filled_by_the_only_fitting_reading() -> None:
    """A lone '16' Tesseract skipped: the row says 'achieved not read' (regression: that message crashed), and
    the re-read of the empty cell (located from its column) is kept because it is the one the percent allows."""
    report = ocr_report()
    q = report.area(1).questions[1]
    q.achieved = None
    del q.cells["achieved"]
    report.checks = validate_report(report)
    assert [c.message for c in checks_of(report, "question-score-missing")] == ["question 1.2: achieved not read"]
    reader = FakeReader(report, {})
    box = report.area(1).questions[0].cells["achieved"]
    top, bottom = q.cells["max"][2], q.cells["max"][4]
    reader.by_box[(box[0], (box[1], top, box[3], bottom))] = [("16", 40.0), ("18", 30.0)]
    repair_ocr_numbers(report, reader)
    assert q.achieved == 16
    assert [c.message for c in checks_of(report, "ocr-repaired")] == [
        "area 1 question 1.2 achieved: OCR read ?, re-read as 16: the only reading that satisfies every relation of "
        "its row and area"
    ]


def test_a_row_is_repaired_on_its_own_when_another_row_of_its_area_cannot_be() -> None:
    """Two maxima read '5' for '15' (a thin '1' lost): the re-reads of one say 15, of the other only 5. The area's
    sums fail either way; the row the page supports is repaired by its own relations, the other stays flagged."""
    report = ocr_report()
    first, second = (q for q in report.area(3).questions if q.question_no in ("3.1", "3.5"))
    assert first.max == second.max == 15
    misread(report, first.question_no, "max", 5.0)
    misread(report, second.question_no, "max", 5.0)
    report.checks = validate_report(report)
    reader = FakeReader(report, {(first.question_no, "max"): ["15", "5"], (second.question_no, "max"): ["5", "5."]})
    repair_ocr_numbers(report, reader)
    assert (first.max, second.max) == (15, 5)
    [repaired] = checks_of(report, "ocr-repaired")
    assert repaired.question_no == first.question_no and "OCR read 5, re-read as 15" in repaired.message
    assert "achieved <= max" in repaired.message or "achieved vs percent of max" in repaired.message
    assert {(c.area_no, c.question_no) for c in checks_of(report, "ocr-low-confidence")} >= {(3, "3.5")}


def test_a_row_read_without_any_number_is_read_at_the_top_of_its_text() -> None:
    """Tesseract read the row's text but none of its cells: they are located from their columns and the top of the
    row's text (at the report's usual cell height), and the re-reads that fit are kept."""
    report = ocr_report()
    q = report.area(2).questions[1]
    top = q.cells["max"][2]
    q.bbox = (80.0, top, 290.0, top + 22)
    q.achieved = q.max = q.percent = q.confidence = None
    q.cells = {}
    report.checks = validate_report(report)
    reader = FakeReader(report, {})
    height = 10.0  # every cell of ocr_report() is 10 high
    for i, value in enumerate(("14", "25", "57%")):
        reader.by_box[(1, (300.0 + 50 * i, top, 320.0 + 50 * i, top + height))] = [(value, 30.0)]
    repair_ocr_numbers(report, reader)
    assert (q.achieved, q.max, q.percent) == (14, 25, 57)
    assert {c.question_no for c in checks_of(report, "ocr-repaired")} == {q.question_no}


def _repaired_unread_box(readings: list[str]) -> Report:
    """The truth-built report with area 1's box unread (its place kept), repaired with ``readings`` of that place."""
    report = ocr_report()
    area = report.area(1)
    area.header_score, area.header_confidence = None, 0.0
    report.checks = validate_report(report)
    truth_reader = FakeReader(report, {})
    box = (area.header_page, area.header_bbox)

    def reader(cells: Sequence[tuple[int, BBox]]) -> list[list[tuple[str, float]]]:
        return [[(t, 10.0) for t in readings] if c == box else truth_reader([c])[0] for c in cells]

    repair_ocr_numbers(report, reader)
    return report


def test_an_unread_box_is_filled_by_the_reading_the_relations_decide() -> None:
    """The 'Poäng' box was not read at all (parse kept only its place): of the re-readings of that place, the one
    that agrees with the rows and the overview total is taken, with ocr-repaired; none agreeing leaves it empty."""
    report = _repaired_unread_box(["5", "79", "19"])
    assert report.area(1).header_score == 79
    [repaired] = [c for c in checks_of(report, "ocr-repaired") if c.area_no == 1]
    assert "'Poäng' box: OCR read ?, re-read as 79" in repaired.message
    report = _repaired_unread_box(["5", "19"])
    assert report.area(1).header_score is None
    assert not [c for c in checks_of(report, "ocr-repaired") if c.area_no == 1]
    assert any(c.code == "area-score-missing" and c.area_no == 1 for c in report.checks)


def test_a_reread_the_rounding_rules_do_not_pin_is_kept_doubtful() -> None:
    """A percent read empty and re-read as 74 where 75 is printed: achieved 11 of 15 (rounded from the real score)
    admits 73..76, so the relations did not decide the last digit. It was sent out as repaired and sure (info only):
    a silent wrong number on a 1-bit copy of a 2-up sheet. It is kept, but its cell stays unsure and warned."""
    report = ocr_report()
    q = misread(report, "1.1", "percent", None)
    report.checks = validate_report(report)
    repair_ocr_numbers(report, FakeReader(report, {("1.1", "percent"): ["74"]}))
    assert q.percent == 74
    [undecided] = checks_of(report, "ocr-repair-undecided")
    assert (undecided.severity, undecided.question_no) == ("warning", "1.1")
    assert "re-read as 74, but 73 satisfies" in undecided.message
    assert q.cells["percent"][5] == 55.0 and q.confidence == 55.0


def test_a_reread_the_rounding_rules_pin_is_sure() -> None:
    """'16' read as '6' of 20 at 79 %: 15 or 17 would break the percent, so the re-read 16 is decided, and sure."""
    report = ocr_report()
    q = misread(report, "1.2", "achieved", 6.0)
    report.checks = validate_report(report)
    repair_ocr_numbers(report, FakeReader(report, {("1.2", "achieved"): ["16"]}))
    assert q.achieved == 16 and checks_of(report, "ocr-repair-undecided") == []
    assert q.cells["achieved"][5] >= OCR_CONFIDENCE_THRESHOLD
