"""The real-world golden answer: the Luleå 2018 report must convert exactly."""

from __future__ import annotations

import json
from pathlib import Path

from kompass_extract import extract
from kompass_testing.compare import compare, summary

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "lulea-2018"


def test_lulea_2018_converts_exactly() -> None:
    truth = json.loads((FIXTURE / "truth.json").read_text(encoding="utf-8"))
    mismatches = compare(extract(FIXTURE / "report.pdf"), truth)
    exact, total = summary(mismatches, truth)
    listing = "\n".join(str(m) for m in mismatches[:60])
    assert mismatches == [], f"{exact}/{total} fields exact\n{listing}"


def test_lulea_2018_headline_figures_and_narrative() -> None:
    """The figures a reader checks first, and every narrative paragraph (compare() checks the headings)."""
    truth = json.loads((FIXTURE / "truth.json").read_text(encoding="utf-8"))
    report = extract(FIXTURE / "report.pdf")
    assert (report.municipality, report.kommunkod, report.year, report.edition) == (
        "Luleå kommun",
        "2580",
        2018,
        "2016",
    )
    assert [a.score for a in report.areas] == [79, 74, 72, 65, 66, 69, 65, 85]
    assert [a.header_score for a in report.areas] == [79, 74, 71, 65, 66, 71, 66, 85]
    assert report.total_score == 575 and report.total_max == 800
    assert sum(len(a.questions) for a in report.areas) == 45
    assert all(
        q.achieved is not None and q.max is not None and q.percent is not None
        for a in report.areas
        for q in a.questions
    )
    assert (sum(len(a.strengths) for a in report.areas), sum(len(a.improvements) for a in report.areas)) == (54, 46)
    for area, t in zip(report.areas, truth["areas"], strict=True):
        assert [(s.heading, s.paragraphs) for s in area.sections] == [
            (n["heading"], n["paragraphs"]) for n in t["narrative"]
        ]
    assert {c.severity for c in report.checks} == {"info"}
