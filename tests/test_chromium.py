"""Reports printed by headless Chromium (the second PDF producer): lists marked by drawn discs, squares,
circles, images, SVG, ::before dashes, numbers, a hanging indent or nothing; CSS columns and floats.

The PDFs under fixtures/chromium/ are committed (regenerate with ``make chromium-fixtures``), so converting
them needs no browser; printing a fresh one does, and is skipped without Chromium.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kompass_extract import extract
from kompass_extract.read.document import open_pdf
from kompass_extract.read.markers import page_markers
from kompass_testing.compare import compare, summary, unexplained
from kompass_testing.html_producer import build_html_truth, chromium, html_variants, print_pdf, render_html

CHROMIUM = Path(__file__).resolve().parent.parent / "fixtures" / "chromium"
FOLDERS = sorted(p for p in CHROMIUM.iterdir() if (p / "truth.json").is_file())


def _truth(folder: Path) -> dict:
    return json.loads((folder / "truth.json").read_text(encoding="utf-8"))


AMBIGUOUS = {"tight"}
"""Marker kinds whose lists cannot always be read (no marker, indent or space): they must be warned, not silent."""


@pytest.mark.parametrize(
    "folder", [f for f in FOLDERS if _truth(f)["html"]["marker"] not in AMBIGUOUS], ids=lambda p: p.name
)
def test_chromium_variant_converts_exactly_and_quietly(folder: Path) -> None:
    truth = _truth(folder)
    report = extract(folder / "report.pdf")
    mismatches = unexplained(compare(report, truth), folder.name)
    exact, total = summary(mismatches, truth)
    listing = "\n".join(str(m) for m in mismatches[:40])
    assert mismatches == [], f"{folder.name}: {exact}/{total} fields exact; html {truth['html']}\n{listing}"
    assert [c.message for c in report.checks if c.code == "findings-uncertain"] == []


@pytest.mark.parametrize(
    "folder", [f for f in FOLDERS if _truth(f)["html"]["marker"] in AMBIGUOUS], ids=lambda p: p.name
)
def test_ambiguous_lists_are_warned_where_read_wrong(folder: Path) -> None:
    """Only how lines are filled tells the items apart (a finding that fills its line exactly is told from the next
    by the capital that begins it): whether read right or wrong, every list is warned."""
    truth = _truth(folder)
    report = extract(folder / "report.pdf")
    mismatches = compare(report, truth)
    assert all("strengths[" in m.path or "improvements[" in m.path for m in mismatches), mismatches[:5]
    wrong = {int(m.path.split("[")[1].split("]")[0]) for m in mismatches}
    warned = {c.area_no for c in report.checks if c.code == "findings-uncertain"}
    assert wrong <= warned
    assert {a.area_no for a in report.areas if a.findings} <= warned


def test_committed_chromium_fixtures_are_the_variants() -> None:
    specs = {s["name"]: s for s in html_variants()}
    assert {f.name for f in FOLDERS} == set(specs)
    for folder in FOLDERS:
        assert _truth(folder) == json.loads(json.dumps(build_html_truth(specs[folder.name]))), folder.name
    kinds = {_truth(f)["html"]["marker"] for f in FOLDERS}
    assert {"disc", "square", "image", "dash", "hanging", "none"} <= kinds
    assert {_truth(f)["html"]["findings_layout"] for f in FOLDERS} == {"table", "columns", "floats", "stacked"}


def test_drawn_markers_have_no_character_in_the_text_layer() -> None:
    """What makes the producer worth having: the disc variant's list markers are paths, not text."""
    folder = CHROMIUM / "chromium-disc-table"
    doc = open_pdf(str(folder / "report.pdf"))
    try:
        page = next(p for p in doc.pages if "Styrkor" in p.text)
        assert not any(ch in page.text for ch in "•\uf0b7▪●")
        assert len(page_markers(page)) >= 3
    finally:
        doc.close()


def test_chromium_prints_a_variant_that_converts(tmp_path: Path) -> None:
    if chromium() is None:
        pytest.skip("chromium is not installed (make system-deps)")
    spec = next(s for s in html_variants() if s["name"] == "chromium-square-columns")
    truth = build_html_truth(spec)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(print_pdf(render_html(truth)))
    assert compare(extract(pdf), truth) == []
