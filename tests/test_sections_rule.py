"""The narrative's sub-headings against the sub-areas of the box: a narrative not read as printed is warned."""

from __future__ import annotations

import json
from pathlib import Path

from kompass_extract.validate import validate_report
from kompass_testing.truth_report import report_from_truth

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _report():
    truth = json.loads((FIXTURES / "generated" / "skl2016-baseline" / "truth.json").read_text(encoding="utf-8"))
    return report_from_truth(truth)


def _warned(report) -> list[int]:
    return [c.area_no for c in validate_report(report) if c.code == "sections-uncertain"]


def test_printed_sub_headings_are_quiet() -> None:
    assert _warned(_report()) == []


def test_a_two_column_narrative_read_across_its_columns_is_warned() -> None:
    """Chromium printing the narrative in two columns: each line joined the two columns, so sub-headings came out
    as other sub-areas' names, a paragraph's words or nothing, with no check (136 fields wrong, all silent)."""
    report = _report()
    for area in report.areas[:5]:
        for section in area.sections[1:]:
            section.heading = ""
    for area in report.areas[5:]:
        area.sections[1].heading = f"{area.sections[1].heading} I senaste årsredovisningen görs jämförelser"
    assert _warned(report) == [1, 2, 3, 4, 5]


def test_an_area_without_a_narrative_where_the_others_have_one_is_warned() -> None:
    """A page of lists copied sideways and read as fragments lost area 4's section heading: area 4 came from the
    overview tables alone, its narrative empty and no narrative check on it (16 headings and paragraphs silent on a
    photocopy of chromium-disc-table). An area without a narrative where two or more areas have one is warned; a
    report without narratives is not."""
    report = _report()
    assert [c for c in validate_report(report) if c.code == "narrative-uncertain"] == []
    report.areas[3].sections = []
    checks = [c for c in validate_report(report) if c.code == "narrative-uncertain"]
    assert [(c.area_no, c.severity) for c in checks] == [(report.areas[3].area_no, "warning")]
    assert "no narrative was read, where 7 of the report's 8 areas have one" in checks[0].message
    for area in report.areas[1:]:
        area.sections = []
    assert [c for c in validate_report(report) if c.code == "narrative-uncertain"] == []


def _lower_case_warnings(report) -> list[int]:
    return [c.area_no for c in validate_report(report) if "begins in lower case" in c.message]


def test_a_paragraph_split_mid_word_is_warned_a_list_of_lower_case_items_is_not() -> None:
    """A speck before the second half of a hyphenated word ("organisa-" / "tionen.") read as a list marker began a
    paragraph "• tionen. Tidigare ..." on a tinted scan, silently. A paragraph beginning in lower case after one
    that ends mid-sentence is warned; items of a list, in lower case, after an introduction ending in a colon and
    after each other, are not."""
    report = _report()
    section = next(s for s in report.areas[2].sections if s.paragraphs and len(s.paragraphs[0]) > 120)
    first = section.paragraphs[0]
    cut = first.index(" ", 60)
    section.paragraphs[0:1] = [first[:cut], "• " + first[cut + 1 :].lower()]
    assert _lower_case_warnings(report) == [report.areas[2].area_no]
    section.paragraphs[0:2] = [first[:cut] + ":", "• ökad samverkan", "• bättre dialog med brukarna"]
    assert _lower_case_warnings(report) == []
