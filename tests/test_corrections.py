"""Corrections as data: a corrections.csv applied after extraction and before the checks, surviving reruns."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import LULEA_PDF, read_csv

from kompass_extract.cli import main
from kompass_extract.correct import HEADER, CorrectionsFileError, correction_line, read_corrections

HEAD = ",".join(HEADER)


def write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join([HEAD, *lines]) + "\n", encoding="utf-8")
    return path


def extract(*args: str) -> object:
    return CliRunner().invoke(main, ["extract", *args, "--jobs", "1", "--quiet"], catch_exceptions=False)


@pytest.fixture
def lulea(tmp_path: Path) -> Path:
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copyfile(LULEA_PDF, inputs / "lulea.pdf")
    return inputs


def snapshot(out: Path) -> dict[str, bytes]:
    names = [p for p in sorted(out.glob("*.csv"))] + sorted((out / "reports").glob("*.json"))
    return {p.name: p.read_bytes() for p in names}


def test_correcting_a_question_goes_into_the_tables_keeps_the_original_and_rechecks(lulea: Path, tmp_path: Path):
    """The issue's done-when: Luleå 1.1 'achieved' set to a value its percent contradicts."""
    out = tmp_path / "out"
    plain = extract(str(lulea), "--out", str(out))
    assert plain.exit_code == 0, plain.output
    before = next(q for q in read_csv(out / "questions.csv") if q["question_no"] == "1.1")
    assert not [c for c in read_csv(out / "checks.csv") if c["code"] == "question-interval-empty"]
    uncorrected = snapshot(out)

    fixes = write(tmp_path / "corrections.csv", "2580-2018,,questions,1,1.1,,achieved,3,Anna A,misread 8 as 3?")
    result = extract(str(lulea), "--out", str(out), "--corrections", str(fixes))
    assert result.exit_code == 0, result.output

    after = next(q for q in read_csv(out / "questions.csv") if q["question_no"] == "1.1")
    assert after["achieved"] == "3" and before["achieved"] != "3"
    (row,) = read_csv(out / "corrections.csv")
    assert (row["table"], row["area_no"], row["question_no"], row["field"]) == ("questions", "1", "1.1", "achieved")
    assert (row["original"], row["value"], row["who"], row["note"]) == (
        before["achieved"],
        "3",
        "Anna A",
        "misread 8 as 3?",
    )
    errors = [c for c in read_csv(out / "checks.csv") if c["severity"] == "error"]
    assert [(c["code"], c["question_no"]) for c in errors] == [("question-interval-empty", "1.1")]
    saved = json.loads((out / "reports" / "2580-2018.json").read_text(encoding="utf-8"))
    assert saved["corrections"][0]["original"] == float(before["achieved"])

    # The cache holds the extraction: a rerun applies the file again and publishes the same bytes ...
    corrected = snapshot(out)
    again = extract(str(lulea), "--out", str(out), "--corrections", str(fixes), "--force")
    assert again.exit_code == 0 and snapshot(out) == corrected
    # ... and a run without the file publishes the extraction as it was.
    assert extract(str(lulea), "--out", str(out)).exit_code == 0
    assert snapshot(out) == uncorrected


def test_corrections_whose_key_is_gone_are_reported_not_dropped(lulea: Path, tmp_path: Path):
    out = tmp_path / "out"
    fixes = write(
        tmp_path / "c.csv",
        ",,findings,1,,strength:1,text,Kommunövergripande strategi,,".replace(",,findings", "2580-2018,,findings", 1),
        "2580-2018,,questions,,9.9,,achieved,1,bo,no such question",
        ",0000beef,areas,2,,,score,50,bo,no such report",
    )
    result = extract(str(lulea), "--out", str(out), "--corrections", str(fixes))
    assert result.exit_code == 1  # the correction naming no report is a failure row
    (failure,) = read_csv(out / "failures.csv")
    assert failure["error_code"] == "correction-unmatched" and failure["source_file"].endswith("c.csv:4")
    unmatched = [c for c in read_csv(out / "checks.csv") if c["code"] == "correction-unmatched"]
    assert [(c["question_no"], c["severity"]) for c in unmatched] == [("9.9", "error")]
    assert "line 3" in unmatched[0]["message"]
    first = next(f for f in read_csv(out / "findings.csv") if f["kind"] == "strength" and f["position"] == "1")
    assert first["text"] == "Kommunövergripande strategi"


def test_validate_applies_a_corrections_file_instead_of_the_one_published(lulea: Path, tmp_path: Path):
    out = tmp_path / "out"
    first = write(tmp_path / "a.csv", "2580-2018,,questions,,1.1,,achieved,3,a,")
    assert extract(str(lulea), "--out", str(out), "--corrections", str(first)).exit_code == 0
    runner = CliRunner()
    published = runner.invoke(main, ["validate", str(out), "--json"])
    assert "question-interval-empty" in published.stdout  # the folder's report is the corrected one
    sha = read_csv(out / "reports.csv")[0]["sha256"]
    other = write(tmp_path / "b.csv", f",{sha},areas,3,,,score,20,b,")
    tried = runner.invoke(main, ["validate", str(out), "--json", "--corrections", str(other)])
    codes = {c["code"] for r in json.loads(tried.stdout) for c in r["checks"]}
    assert "question-interval-empty" not in codes  # the earlier correction is undone
    assert "area-total-infeasible" in codes
    missing = write(tmp_path / "c.csv", "9999-2000,,areas,3,,,score,20,b,")
    nothing = runner.invoke(main, ["validate", str(out), "--strict", "--corrections", str(missing)])
    assert nothing.exit_code == 1 and "no report with report_id 9999-2000" in nothing.stderr


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["2580-2018,,questions,,1.1,,achieved,abc,,"], ":2: 'abc' is not a number"),
        (["2580-2018,,answers,,1.1,,achieved,3,,"], ":2: table 'answers'"),
        ([",,questions,,1.1,,achieved,3,,"], ":2: give report_id or sha256"),
        (["2580-2018,,questions,,,,achieved,3,,"], ":2: a questions correction needs question_no"),
        (["2580-2018,,areas,1,,,catalog_id,x,,"], ":2: areas.catalog_id cannot be corrected"),
        (["2580-2018,,findings,1,,3,text,x,,"], ":2: position '3' is not like 'strength:3'"),
        (["2580-2018,,reports,1,,,year,2019,,"], ":2: area_no is not a key of reports"),
        (
            ["", "2580-2018,,questions,,1.1,,achieved,3,,", "2580-2018,,questions,,1.1,,achieved,4,,"],
            ":4: corrects the same value as line 3",
        ),
        (["2580-2018,,questions,,1.1,,achieved"], ":2: 7 columns"),
    ],
)
def test_malformed_corrections_name_their_line(tmp_path: Path, lines: list[str], message: str):
    path = write(tmp_path / "c.csv", *lines)
    with pytest.raises(CorrectionsFileError, match=message.replace("(", r"\(")):
        read_corrections(path)


def test_a_wrong_header_is_a_usage_error_of_extract(lulea: Path, tmp_path: Path):
    path = tmp_path / "c.csv"
    path.write_text("report_id,table,field,value\n2580-2018,questions,achieved,3\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", str(lulea), "--out", str(tmp_path / "o"), "--corrections", str(path)])
    assert result.exit_code == 2 and "c.csv:1: the header must be exactly" in result.output
    assert not (tmp_path / "o" / "reports.csv").exists()  # refused before any work


def test_a_printed_correction_line_reads_back(tmp_path: Path):
    """The line the review page prints for a flagged value is a valid row once the value is filled in."""
    line = correction_line("2580-2018", "ab" * 32, "findings", "text", "Ny, text", area_no=2, position="strength:1")
    (row,) = read_corrections(write(tmp_path / "c.csv", line))
    fix = row.fix
    assert (fix.table, fix.area_no, fix.position, fix.field, fix.value) == (
        "findings",
        2,
        "strength:1",
        "text",
        "Ny, text",
    )
    excel = tmp_path / "sv.csv"
    excel.write_text(HEAD.replace(",", ";") + "\n2580-2018;;areas;3;;;score;71,5;;\n", encoding="utf-8-sig")
    assert read_corrections(excel)[0].fix.value == 71.5


def test_correcting_an_ocr_read_number_clears_its_doubt_and_an_undo_brings_it_back(tmp_path: Path):
    """The archive-of-scans round trip: an OCR'd number read at low confidence is flagged; the person's value
    replaces it, the flag goes (the value is no longer a machine reading), and a file without it restores all."""
    from kompass_extract import extract
    from kompass_extract.correct import apply_corrections
    from kompass_extract.validate import validate_report

    report = extract(LULEA_PDF)
    report.report_id = "2580-2018"
    q = report.areas[1].questions[2]
    true_value, q.achieved, q.confidence = q.achieved, q.achieved + 1, 41.0  # a misread, as OCR gives it
    report.checks = validate_report(report)
    doubts = [c for c in report.checks if c.question_no == q.question_no]
    assert {c.code for c in doubts} >= {"ocr-low-confidence", "question-interval-empty"}
    fixes = write(tmp_path / "c.csv", f"2580-2018,,questions,,{q.question_no},,achieved,{true_value:g},Anna,p. 29")
    assert apply_corrections([report], read_corrections(fixes)) == []
    assert (q.achieved, q.confidence) == (true_value, None)
    assert [c for c in report.checks if c.question_no == q.question_no] == []
    assert [(c.field, c.original, c.value) for c in report.corrections] == [
        ("achieved", true_value + 1, true_value), ("confidence", 41.0, None)
    ]  # fmt: skip
    apply_corrections([report], [])  # the next run without the line
    assert (q.achieved, q.confidence, report.corrections) == (true_value + 1, 41.0, [])
    assert {c.code for c in report.checks if c.question_no == q.question_no} == {c.code for c in doubts}


def test_a_corrected_question_text_is_matched_with_the_catalog_again(lulea: Path, tmp_path: Path):
    out = tmp_path / "out"
    fixes = write(tmp_path / "c.csv", "2580-2018,,questions,,1.2,,question_text,Hur många fönster har rådhuset?,a,")
    assert extract(str(lulea), "--out", str(out), "--corrections", str(fixes)).exit_code == 0
    row = next(q for q in read_csv(out / "questions.csv") if q["question_no"] == "1.2")
    assert (row["question_text"], row["catalog_id"]) == ("Hur många fönster har rådhuset?", "")
    assert ("uncatalogued-question", "1.2") in {(c["code"], c["question_no"]) for c in read_csv(out / "checks.csv")}
    assert extract(str(lulea), "--out", str(out)).exit_code == 0  # without the file: matched as extracted
    assert next(q for q in read_csv(out / "questions.csv") if q["question_no"] == "1.2")["catalog_id"] == "2016:1.2"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("2580-2018,,questions,,1.1,,achieved,3,Anna,", ",{sha},questions,,1.1,,achieved,4,Bo,"),  # report_id, sha256
        ("2580-2018,,questions,1,1.1,,achieved,3,Anna,", "2580-2018,,questions,,1.1,,achieved,4,Bo,"),  # area_no
    ],
)
def test_two_corrections_of_one_value_conflict_instead_of_the_later_winning(tmp_path: Path, first: str, second: str):
    """Regression: rows naming one report differently (report_id / sha256, or with / without area_no) passed the
    file's duplicate check, and both were applied: the later one won without a word."""
    from kompass_extract import extract
    from kompass_extract.correct import apply_corrections

    report = extract(LULEA_PDF)
    report.report_id = "2580-2018"
    extracted = report.areas[0].questions[0].achieved
    fixes = write(tmp_path / "c.csv", first, second.format(sha=report.sha256), "2580-2018,,areas,2,,,score,50,Cy,")
    assert apply_corrections([report], read_corrections(fixes)) == []
    (conflict,) = [c for c in report.checks if c.code == "correction-conflict"]
    assert conflict.severity == "error" and conflict.question_no == "1.1" and conflict.details["lines"] == [2, 3]
    assert (
        "lines 2 (by report_id: 3) and 3 (by " in conflict.message
        and ": 4) all set questions area 1" in conflict.message
    )
    assert report.areas[0].questions[0].achieved == extracted  # neither row applied ...
    assert [(c.table, c.field, c.value) for c in report.corrections] == [("areas", "score", 50)]  # ... the others are
