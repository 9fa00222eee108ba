"""Metadata cues are read from the front matter only: the front pages' lines up to the first area section's heading.

An area's own text holds dates of events and names of other bodies; a line of it that reads like a cover's date
("Mars 2009") outranked the cover's "Analys av ... 2010" and set the report's year, with no check.
"""

from __future__ import annotations

from pathlib import Path

from kompass_extract.model import Report
from kompass_extract.parse.cover import read_metadata
from kompass_extract.pipeline import _front_lines, parse_document
from kompass_extract.read.document import Page, open_pdf
from kompass_extract.read.geometry import Word
from kompass_extract.read.lines import Line

REPORT = Path(__file__).resolve().parent.parent / "fixtures" / "generated" / "analys2010-region-gotland" / "report.pdf"


def _parsed(extra_line_on_page: int | None = None) -> Report:
    doc = open_pdf(str(REPORT))
    if extra_line_on_page is not None:
        page = doc.pages[extra_line_on_page - 1]
        last = max(page.words, key=lambda w: w.bottom)
        top = last.bottom + 4
        page.words_given = [
            *page.words,
            Word("Mars", 70, top, 95, top + 10, 10, False),
            Word("2009", 98, top, 120, top + 10, 10, False),
        ]
    report = Report(source_file=str(REPORT), sha256="", pages=len(doc.pages), ocr=False, extractor_version="")
    try:
        parse_document(doc, report)
    finally:
        doc.close()
    return report


def test_a_date_in_an_area_section_does_not_set_the_year() -> None:
    plain = _parsed()
    assert (plain.year, plain.provenance["year"]["page"]) == (2010, 1)
    dated = _parsed(extra_line_on_page=5)  # area 1 begins on page 4: page 5 is its text
    assert (dated.year, dated.month) == (plain.year, plain.month)
    assert dated.provenance["year"] == plain.provenance["year"]


def test_the_same_date_in_the_front_matter_does() -> None:
    """The rule is where the line stands, not what it says: on page 2, before the areas, the line is the best cue."""
    dated = _parsed(extra_line_on_page=2)
    assert (dated.year, dated.month, dated.provenance["year"]["page"]) == (2009, "mars", 2)


def _page(number: int, tops: list[float]) -> Page:
    words = [Word(f"w{number}-{int(top)}", 70, top, 100, top + 10, 10) for top in tops]
    return Page(number, 595, 842, "", words_given=words)


def test_front_lines_end_above_the_first_area_heading() -> None:
    pages = [_page(1, [100, 200]), _page(2, [100, 200, 300]), _page(3, [100])]
    heading = pages[1].lines[1]
    assert [ln.text for ln in _front_lines(pages, heading)] == ["w1-100", "w1-200", "w2-100"]
    assert len(_front_lines(pages, None)) == 6  # no area heading found: every front page
    assert _front_lines(pages, pages[0].lines[0]) == []  # the areas begin at the top of page 1


def test_metadata_of_no_front_lines_is_empty() -> None:
    meta = read_metadata(list[Line](), "")
    assert (meta.year, meta.municipality_candidates, meta.evaluators) == (None, [], [])
