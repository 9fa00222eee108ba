"""Rounding-aware validation on hand-built reports (no PDFs): the clean Luleå numbers and injected errors."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from kompass_extract.cli import main
from kompass_extract.common.editions import DEFAULT_FACTS, EditionFacts
from kompass_extract.model import Area, Check, Question, Report
from kompass_extract.validate import RULES, SEVERITIES, validate_report
from kompass_extract.validate import run as validate_module
from kompass_testing.truth_report import report_from_truth

TRUTH = Path(__file__).resolve().parents[1] / "fixtures" / "lulea-2018" / "truth.json"


@dataclass
class FakeCriterion:
    catalog_id: str
    max: float


class FakeCatalog:
    """The catalog API the validator uses: ``has_questions(edition)`` and ``criteria(edition)``."""

    def __init__(self, edition: str, criteria: list[FakeCriterion]) -> None:
        self.edition, self._criteria = edition, criteria

    def has_questions(self, edition: str) -> bool:
        return edition == self.edition

    def criteria(self, edition: str) -> list[FakeCriterion]:
        return self._criteria if edition == self.edition else []

    def edition_facts(self, edition: str | None) -> EditionFacts:
        return DEFAULT_FACTS


@pytest.fixture(autouse=True)
def no_packaged_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests say which catalog they use; the packaged one (another module) must not leak in."""
    monkeypatch.setattr(validate_module, "load_catalog", lambda: None)


def truth_report(*, catalogued: bool = False) -> Report:
    """The Luleå 2018 golden answer as a Report."""
    return report_from_truth(json.loads(TRUTH.read_text(encoding="utf-8")), catalogued=catalogued)


def truth_catalog() -> FakeCatalog:
    report = truth_report()
    return FakeCatalog(
        report.edition, [FakeCriterion(f"2016:{q.question_no}", q.max) for a in report.areas for q in a.questions]
    )


def question(report: Report, question_no: str) -> Question:
    area = report.area(int(question_no.split(".")[0]))
    return next(q for q in area.questions if q.question_no == question_no)


def codes(checks: list[Check], severity: str) -> list[str]:
    return [c.code for c in checks if c.severity == severity]


def assert_clean(checks: list[Check]) -> None:
    assert [c for c in checks if c.severity != "info"] == []


# --- the clean report ------------------------------------------------------------------------------


@pytest.mark.parametrize("catalogued", [False, True])
def test_lulea_is_clean_and_rounding_is_explained_on_areas_3_6_7(catalogued: bool) -> None:
    report = truth_report(catalogued=catalogued)
    checks = validate_report(report, truth_catalog() if catalogued else None)
    assert_clean(checks)
    differ = [c for c in checks if c.code == "box-overview-differ"]
    assert [(c.area_no, c.severity) for c in differ] == [(3, "info"), (6, "info"), (7, "info")]
    assert "box 71" in differ[1].message and "69" in differ[1].message and "rounding" in differ[1].message
    if catalogued:
        assert "uncatalogued-question" not in [c.code for c in checks]
    else:
        assert [c.code for c in checks if c.code == "uncatalogued-question"] == ["uncatalogued-question"]


def test_lulea_is_clean_with_the_packaged_catalog() -> None:
    catalog_module = pytest.importorskip("kompass_extract.match.catalog")
    catalog = catalog_module.load_catalog()
    report = truth_report()
    for area in report.areas:
        for q in area.questions:
            match = catalog.match_question(report.edition, area.area_no, q.question_no, q.text)
            q.catalog_id = match.catalog_id if match else None
    checks = validate_report(report, catalog)
    assert_clean(checks)
    assert [c.area_no for c in checks] == [3, 6, 7]


@pytest.mark.parametrize("edition", ["pre2010", "2010", "2016", "2020"])
def test_generated_clean_reports_raise_nothing(edition: str) -> None:
    """Truths drawn by the test generator with every rounding knob: no false alarm, every box/total gap explained."""
    from kompass_testing.truth_builder import build_truth

    for half_points, percent_format, score_step, seed in itertools.product(
        (False, True), ("75%", "none"), (0.25, 0.5, 1.0), range(4)
    ):
        spec = {"name": "v", "seed": seed, "edition": edition, "template": "skl2016", "half_points": half_points}
        spec |= {"percent_format": percent_format, "score_step": score_step}
        report = report_from_truth(build_truth(spec))
        checks = validate_report(report)
        assert_clean(checks)
        differ = {c.area_no for c in checks if c.code == "box-overview-differ"}
        assert differ == {a.area_no for a in report.areas if a.score != a.header_score}
        assert all(q.score_low <= q.score_high for a in report.areas for q in a.questions)


def test_question_intervals_are_set_from_achieved_and_percent() -> None:
    report = truth_report()
    validate_report(report)
    q = question(report, "1.5")  # 10 of 10 printed as 95 %: underlying 9.5
    assert (q.score_low, q.score_high) == pytest.approx((9.5, 9.55))
    q = question(report, "1.1")  # 11 of 15 at 75 %
    assert (q.score_low, q.score_high) == pytest.approx((11.175, 11.325))


def test_authoritative_is_the_feasible_overview_with_the_reason() -> None:
    report = truth_report()
    validate_report(report)
    area6 = report.area(6)
    assert area6.authoritative["field"] == "score"
    assert "box 71" in area6.authoritative["reason"] and "rounding" in area6.authoritative["reason"]
    assert all(a.authoritative["field"] == "score" for a in report.areas)


def test_checks_are_deterministic_and_use_documented_codes() -> None:
    first, second = validate_report(truth_report()), validate_report(truth_report())
    assert first == second
    assert all(c.code in RULES and c.severity in SEVERITIES for c in first)


def test_each_report_gets_its_own_check_objects() -> None:
    """Equal checks of two reports are distinct objects: changing one (the batch appends, a person edits) leaves
    the other alone."""
    first, second = validate_report(truth_report()), validate_report(truth_report())
    assert first and all(a is not b for a, b in zip(first, second, strict=True))
    first[0].details["edited"] = True
    first[0].message = "edited"
    assert "edited" not in second[0].details and second[0].message != "edited"


def test_details_carry_the_numbers_of_the_message() -> None:
    report = truth_report()
    question(report, "2.2").percent = 75  # 14 of 25 cannot be 75 %
    report.area(1).score = 78
    checks = {c.code: c for c in validate_report(report)}
    empty = checks["question-interval-empty"].details
    assert empty["achieved"] == 14 and empty["percent"] == 75 and empty["max"] == 25
    assert empty["achieved_interval"] == [13.5, 14.5] and empty["percent_interval"] == [18.625, 18.875]
    infeasible = checks["area-total-infeasible"]
    assert infeasible.details["score"] == 78 and infeasible.details["total_interval"] == [77.5, 78.5]
    assert infeasible.details["rows_interval"][0] > 78.5
    assert all(json.loads(json.dumps(c.details)) == c.details for c in checks.values())


def test_interval_in_a_check_message_is_printed_closed() -> None:
    """Regression: messages printed "[13.5, 14.5)" although the checks treat both ends as reachable (a score of
    exactly 14.5 prints as 14 when the report rounds half to even), so the message contradicted the check."""
    report = truth_report()
    question(report, "2.2").percent = 75  # 14 of 25 cannot be 75 %
    (empty,) = [c for c in validate_report(report) if c.code == "question-interval-empty"]
    assert "[13.5, 14.5]" in empty.message and "[18.625, 18.875]" in empty.message
    assert ")" not in empty.message.replace("(", "")


def test_a_new_rule_is_one_registered_function(monkeypatch: pytest.MonkeyPatch) -> None:
    """The documented way to add a rule: a function registered with code, severity, description and template."""
    from kompass_extract.validate import hit, registry, rule

    monkeypatch.setattr(registry, "RULES", dict(registry.RULES))
    monkeypatch.setattr(registry, "_FUNCTIONS", list(registry._FUNCTIONS))

    @rule(
        "test-long-name",
        "warning",
        "An area name longer than 60 characters.",
        message="{name!r} is {n} long",
        on="area",
    )
    def long_name(area):  # noqa: ANN001, ANN202
        if area.area.name and len(area.area.name) > 60:
            yield hit(area=area.no, name=area.area.name, n=len(area.area.name))

    report = truth_report()
    report.area(3).name = "x" * 61
    found = [c for c in validate_report(report) if c.code == "test-long-name"]
    assert [(c.severity, c.area_no, c.message, c.details) for c in found] == [
        ("warning", 3, f"{'x' * 61!r} is 61 long", {"name": "x" * 61, "n": 61})
    ]
    with pytest.raises(ValueError, match="declared twice"):
        rule("test-long-name", "error", "again", message="", on="area")
    with pytest.raises(ValueError, match="unknown scope"):
        rule("test-other", "error", "other", message="", on="page")


def test_authoritative_falls_back_to_the_box_then_to_nothing() -> None:
    report = truth_report()
    report.area(2).score = None
    report.area(5).score = report.area(5).header_score = None
    checks = validate_report(report)
    assert report.area(2).authoritative["field"] == "header_score"
    assert "field" not in report.area(5).authoritative and report.area(5).authoritative["reason"]
    assert [(c.code, c.area_no) for c in checks if c.severity == "warning"] == [
        ("area-score-missing", 2),
        ("area-score-missing", 5),
    ]


# --- one injected inconsistency each ---------------------------------------------------------------


def only_error(checks: list[Check]) -> str:
    errors = codes(checks, "error")
    assert len(errors) == 1, checks
    return errors[0]


def test_typo_in_overview_total_is_infeasible() -> None:
    report = truth_report()
    report.area(1).score = 78  # questions add up to 78.7..79.575
    checks = validate_report(report)
    assert only_error(checks) == "area-total-infeasible"
    assert report.area(1).authoritative["field"] == "header_score"


def test_achieved_above_max() -> None:
    report = truth_report()
    question(report, "1.1").achieved = 16  # max 15
    checks = validate_report(report)
    assert only_error(checks) == "question-above-max"
    assert question(report, "1.1").score_low is None


def test_percent_contradicting_achieved() -> None:
    report = truth_report()
    question(report, "2.2").percent = 75  # 14 of 25 cannot be 75 %
    checks = validate_report(report)
    assert only_error(checks) == "question-interval-empty"
    msg = next(c.message for c in checks if c.code == "question-interval-empty")
    assert "14" in msg and "75%" in msg


def test_missing_row() -> None:
    report = truth_report()
    report.area(4).questions.pop(2)  # 4.3
    checks = validate_report(report)
    assert only_error(checks) == "question-missing"
    assert next(c for c in checks if c.code == "question-missing").question_no == "4.3"


def test_missing_last_row_is_found_through_the_catalog() -> None:
    report = truth_report(catalogued=True)
    report.area(8).questions.pop()  # 8.7: no gap in the numbering
    checks = validate_report(report, truth_catalog())
    assert only_error(checks) == "question-missing"
    assert next(c for c in checks if c.code == "question-missing").question_no == "8.7"


class ColonCatalog(FakeCatalog):
    """A user's edition printing its question numbers '8:7', its criteria numbered as printed."""

    def edition_facts(self, edition: str | None) -> EditionFacts:
        return EditionFacts(question_no_patterns=(r"^(\d{1,2}):(\d{1,2})$",))


def test_a_criterion_numbered_as_its_edition_prints_it_is_checked() -> None:
    """Regression: validation parsed question numbers with a hard-coded '<area>.<k>' pattern, so the criteria of an
    edition printing '8:7' belonged to no area and a row missing from the end of an area passed without a word."""
    report = truth_report(catalogued=True)
    for q in (q for a in report.areas for q in a.questions):
        q.catalog_id = f"2016:{q.question_no.replace('.', ':')}"
    catalog = ColonCatalog(report.edition, [FakeCriterion(q.catalog_id, q.max) for q in report.area(8).questions])
    report.area(8).questions.pop()  # 8.7: no gap in the numbering, only the catalog knows
    checks = validate_report(report, catalog)
    assert only_error(checks) == "question-missing"
    assert next(c for c in checks if c.code == "question-missing").question_no == "8:7"
    assert not [c for c in checks if c.code == "question-number-invalid"]  # the rows carry '8.1' as ever


def test_duplicated_row() -> None:
    report = truth_report()
    area = report.area(5)
    area.questions.insert(2, Question(**area.questions[1].__dict__))
    checks = validate_report(report)
    assert only_error(checks) == "question-duplicate"


def test_typo_in_box() -> None:
    report = truth_report()
    report.area(8).header_score = 58
    checks = validate_report(report)
    assert only_error(checks) == "box-sum-mismatch"
    assert [c.severity for c in checks if c.code == "box-overview-differ" and c.area_no == 8] == ["warning"]
    assert report.area(8).authoritative["field"] == "score"
    assert "box 58 fails" in report.area(8).authoritative["reason"]


def test_missing_area_and_total_over_800() -> None:
    report = truth_report()
    report.areas.pop()
    assert only_error(validate_report(report)) == "area-missing"
    report = truth_report()
    for area in report.areas:  # every overview total misread as 100 or more
        area.score += 40
    checks = validate_report(report)
    assert "report-total-over-800" in codes(checks, "error")
    assert "report-total-over-800" not in [c.code for c in validate_report(truth_report())]


def test_catalog_max_differs_and_uncatalogued_question_warn() -> None:
    report = truth_report(catalogued=True)
    catalog = truth_catalog()
    catalog._criteria[0] = FakeCriterion("2016:1.1", 20)
    question(report, "2.1").catalog_id = None
    checks = validate_report(report, catalog)
    assert codes(checks, "error") == []
    assert codes(checks, "warning") == ["catalog-max-differs", "uncatalogued-question"]


def test_area_maxima_not_adding_up_warn() -> None:
    report = truth_report()
    report.area(2).max = 90
    checks = validate_report(report)
    assert "area-max-not-100" in codes(checks, "warning")


# --- precision and layouts -------------------------------------------------------------------------


def small_area(area_no: int, rows: list[tuple[float, float, float | None]], box: float, total: float) -> Area:
    area = Area(area_no, header_score=box, score=total, max=sum(m for _, m, _ in rows))
    area.questions = [Question(area_no, f"{area_no}.{k}", "q", a, m, p, 1) for k, (a, m, p) in enumerate(rows, 1)]
    return area


def eight_areas(first: Area) -> Report:
    """A report whose area 1 is ``first`` and areas 2-8 are trivially consistent 50-of-100 areas."""
    report = Report(source_file="r.pdf", sha256="0", pages=1, edition="2010", kommunkod="2580", year=2012)
    report.areas = [first] + [small_area(n, [(25, 50, 50), (25, 50, 50)], 50, 50) for n in range(2, 9)]
    return report


def test_half_points_are_clean_and_use_quarter_point_intervals() -> None:
    area = small_area(1, [(12.5, 50, 25), (30, 50, 60)], 42.5, 42.5)
    report = eight_areas(area)
    assert_clean(validate_report(report))
    q = area.questions[0]
    assert (q.score_low, q.score_high) == pytest.approx((12.25, 12.75))


def test_half_point_typo_is_caught() -> None:
    area = small_area(1, [(12.5, 50, None), (30, 50, None)], 42.5, 43.5)
    assert only_error(validate_report(eight_areas(area))) == "area-total-infeasible"


def test_no_percent_column_is_clean() -> None:
    # 10 + 21 + 33 rounded: the unrounded sum can lie in [62.5, 65.5), so 65 in the overview is feasible
    area = small_area(1, [(10, 20, None), (21, 30, None), (33, 50, None)], 64, 65)
    report = eight_areas(area)
    checks = validate_report(report)
    assert_clean(checks)
    assert codes(checks, "info").count("box-overview-differ") == 1
    q = area.questions[1]
    assert (q.score_low, q.score_high) == (20.5, 21.5)


def test_no_percent_column_infeasible_total() -> None:
    area = small_area(1, [(10, 20, None), (21, 30, None), (33, 50, None)], 64, 67)
    assert only_error(validate_report(eight_areas(area))) == "area-total-infeasible"


def test_boundary_values_are_tolerated() -> None:
    # 13 of 20 at 62 %: only 12.5 prints as both (half up for the score, half to even for the percent);
    # the total 93 needs the sum 92.5 too. Mixed rounding conventions must not raise an alarm.
    area = small_area(1, [(13, 20, 62), (80, 80, 100)], 93, 93)
    checks = validate_report(eight_areas(area))
    assert_clean(checks)
    q = area.questions[0]
    assert (q.score_low, q.score_high) == pytest.approx((12.5, 12.5))


# --- OCR -------------------------------------------------------------------------------------------


def test_low_confidence_and_failing_ocr_rows_are_flagged() -> None:
    report = truth_report()
    question(report, "3.2").confidence = 55.0
    checks = validate_report(report)
    assert [(c.code, c.question_no) for c in checks if c.severity == "warning"] == [("ocr-low-confidence", "3.2")]
    report = truth_report()
    q = question(report, "3.2")
    q.confidence, q.percent = 95.0, 98  # sure-looking but contradicts 17 of 25
    checks = validate_report(report)
    assert only_error(checks) == "question-interval-empty"
    ocr = [c for c in checks if c.code == "ocr-low-confidence"]
    assert [(c.question_no, c.severity) for c in ocr] == [("3.2", "warning")]
    assert "question-interval-empty" in ocr[0].message


def test_confident_ocr_numbers_raise_nothing() -> None:
    report = truth_report()
    for area in report.areas:
        area.header_confidence = area.total_confidence = 96.0
        for q in area.questions:
            q.confidence = 91.0
    assert_clean(validate_report(report))


# --- CLI -------------------------------------------------------------------------------------------


def write_folder(tmp_path: Path, report: Report) -> Path:
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "x-2018.json").write_text(json.dumps(report.to_dict()), encoding="utf-8")
    return tmp_path


def test_cli_clean_folder_exits_0_even_strict(tmp_path: Path) -> None:
    folder = write_folder(tmp_path, truth_report())
    result = CliRunner().invoke(main, ["validate", str(folder), "--strict", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data[0]["report_id"] == "2580-2018"
    assert data[0]["counts"] == {"error": 0, "warning": 0, "info": 4}


def test_cli_strict_fails_on_an_error(tmp_path: Path) -> None:
    report = truth_report()
    report.area(1).score = 97
    folder = write_folder(tmp_path, report)
    runner = CliRunner()
    assert runner.invoke(main, ["validate", str(folder)]).exit_code == 0
    result = runner.invoke(main, ["validate", str(folder), "--strict"], env={"COLUMNS": "250"})
    assert result.exit_code == 1
    assert "area-total-infeasible" in result.stdout


def test_cli_reads_only_the_report_files_the_tool_wrote(tmp_path: Path) -> None:
    """Regression: validate read every reports/*.json: a user's own JSON there crashed it (a list) or counted as
    an unreadable report, and a copy of a report was checked and counted twice. The folder's manifest decides."""
    from kompass_extract.batch.outdir import MANIFEST

    folder = write_folder(tmp_path, truth_report())
    (folder / MANIFEST).parent.mkdir()
    (folder / MANIFEST).write_text(json.dumps({"files": ["reports.csv", "reports/x-2018.json"]}), encoding="utf-8")
    (folder / "reports" / "my-analysis.json").write_text("[1, 2]", encoding="utf-8")
    (folder / "reports" / "copy.json").write_bytes((folder / "reports" / "x-2018.json").read_bytes())
    result = CliRunner().invoke(main, ["validate", str(folder), "--strict", "--json"])
    assert result.exit_code == 0, result.output
    assert [r["file"] for r in json.loads(result.stdout)] == [str(folder / "reports" / "x-2018.json")]
    for name in ("copy.json", "my-analysis.json"):
        assert f"skipped {folder / 'reports' / name}: not written by kompass-extract" in result.stderr
    assert "1 reports:" in result.stderr
    (folder / "reports" / "x-2018.json").unlink()  # listed but gone: not silently fewer reports
    gone = CliRunner().invoke(main, ["validate", str(folder), "--strict"])
    assert gone.exit_code == 1 and "cannot read" in gone.stderr and "x-2018.json" in gone.stderr


def test_cli_empty_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 2


def test_unresolved_municipality_and_missing_year_are_reported() -> None:
    report = truth_report()
    report.kommunkod, report.year, report.municipality = None, None, "Örbro kommun"
    codes = [(c.severity, c.code) for c in validate_report(report) if c.severity != "info"]
    assert codes == [("warning", "metadata-missing"), ("warning", "metadata-missing")]


def test_given_edition_that_the_report_contradicts_is_warned() -> None:
    report = truth_report()
    report.provenance["edition"] = {"detected": "2016", "confidence": 1.0, "given": "2020"}
    assert [c.code for c in validate_report(report) if c.severity == "warning"] == ["edition-mismatch"]
    report.provenance["edition"]["given"] = "2016"
    assert [c.code for c in validate_report(report) if c.severity == "warning"] == []


def test_details_are_a_json_column_of_checks() -> None:
    from kompass_extract.write.tables import report_rows

    report = truth_report()
    question(report, "1.1").achieved = 16  # max 15
    report.checks = validate_report(report)
    rows = report_rows(report)["checks"]
    above = next(r for r in rows if r["code"] == "question-above-max")
    assert json.loads(above["details"]) == {"achieved": 16, "max": 15, "question_no": "1.1"}
    assert all(isinstance(json.loads(r["details"]), dict) for r in rows)
