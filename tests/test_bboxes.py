"""Every extracted value's bbox holds that value in the PDF (read back with pypdfium2), on born-digital fixtures.

Crops are clamped into the page, so a wrong bbox still gives an image in the review site; this reads the text
under each box instead. ``make test`` checks Luleå and a sample of the generated and Chromium-printed variants;
``KOMPASS_ALL_FIXTURES=1`` (``make bboxes``) checks every variant.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import LULEA_PDF

from kompass_extract import extract
from kompass_testing.bboxes import bbox_problems

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
GENERATED = sorted((FIXTURES / "generated").glob("*/report.pdf"))  # reportlab
PRINTED = sorted((FIXTURES / "chromium").glob("*/report.pdf"))  # HTML printed by Chromium (Skia)
SAMPLE = GENERATED + PRINTED if os.environ.get("KOMPASS_ALL_FIXTURES") else GENERATED[::6] + PRINTED[::5]


@pytest.fixture(scope="module")
def lulea():
    return extract(LULEA_PDF)


@pytest.mark.parametrize("pdf", [LULEA_PDF, *SAMPLE], ids=lambda p: p.parent.name)
def test_every_bbox_holds_its_value(pdf: Path):
    report = extract(pdf)
    assert sum(len(a.questions) + len(a.findings) for a in report.areas) > 0
    assert bbox_problems(report, pdf) == []


def test_a_wrong_bbox_fails(lulea):
    """A box moved to the next row, one grown over its column and one put elsewhere are each reported."""
    area = lulea.areas[0]
    q1, q2 = area.questions[:2]
    finding = area.findings[0]
    heading = area.sections[1]
    original = (q1.bbox, finding.bbox, heading.bbox, area.header_bbox)
    try:
        q1.bbox = q2.bbox
        x0, top, x1, bottom = finding.bbox
        finding.bbox = (x0, top, x1, bottom + 60)
        heading.bbox = area.sections[2].bbox
        area.header_bbox = area.total_bbox
        problems = bbox_problems(lulea, LULEA_PDF)
    finally:
        q1.bbox, finding.bbox, heading.bbox, area.header_bbox = original
    assert len(problems) == 4, problems
    assert [p.split(":")[0].split(" (")[0] for p in problems] == [
        "question 1.1", "area 1 strength 1", "area 1 heading", "area 1 'Poäng' box 79"
    ]  # fmt: skip
    assert bbox_problems(lulea, LULEA_PDF) == []
