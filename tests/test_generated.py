"""Generated reports with known answers: every committed variant must convert exactly.

The PDFs under fixtures/generated/ are committed, so these tests do not need reportlab; regenerate them
with ``python -m kompass_testing.generate --out fixtures/generated`` (``make fixtures``).
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from kompass_extract import extract
from kompass_testing.compare import compare, summary, unexplained
from kompass_testing.truth_builder import LAYOUT_DEFAULTS, build_truth, load_json, round_half_up, score_area
from kompass_testing.truth_report import report_from_truth

GENERATED = Path(__file__).resolve().parent.parent / "fixtures" / "generated"
FOLDERS = sorted(p for p in GENERATED.iterdir() if (p / "truth.json").is_file())


def _truth(folder: Path) -> dict:
    return json.loads((folder / "truth.json").read_text(encoding="utf-8"))


def _variants() -> list[dict]:
    from kompass_testing.generate import variants

    return variants()


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_generated_variant_converts_exactly(folder: Path) -> None:
    truth = _truth(folder)
    mismatches = unexplained(compare(extract(folder / "report.pdf"), truth), folder.name)
    exact, total = summary(mismatches, truth)
    listing = "\n".join(str(m) for m in mismatches[:60])
    assert mismatches == [], f"{folder.name}: {exact}/{total} fields exact; layout {truth['layout']}\n{listing}"


def test_committed_fixtures_are_the_variants() -> None:
    """fixtures/generated/ holds exactly the variants of variants.json, with truths the builder still makes."""
    specs = {s["name"]: s for s in _variants()}
    assert {f.name for f in FOLDERS} == set(specs)
    for folder in FOLDERS:
        truth = _truth(folder)
        assert truth.pop("located"), f"{folder.name}: the truth says where no value was drawn"
        assert truth == json.loads(json.dumps(build_truth(specs[folder.name]))), folder.name


def test_variants_cover_every_edition_template_and_knob() -> None:
    truths = [_truth(f) for f in FOLDERS]
    assert len(truths) >= 24
    assert {t["edition"] for t in truths} == {"pre2010", "2010", "2016", "2020"}
    assert {t["template"] for t in truths} == {"skl2016", "analys_upper", "letterhead", "skr2020"}
    for knob in LAYOUT_DEFAULTS:
        values = {json.dumps(t["layout"][knob]) for t in truths}
        assert len(values) >= 2, f"knob {knob} is never varied"
    layouts = [t["layout"] for t in truths]
    assert {lay["percent_format"] for lay in layouts} == {"75%", "75 %", "none"}
    assert {lay["bullet"] for lay in layouts} == {"pua", "•", "–", "square", "disc", "hanging", "none"}
    assert {lay["page_numbers"] for lay in layouts} == {"plain", "sida", "skl_date", "rapport"}
    assert {lay["name_form"] for lay in layouts} == {"kommun", "genitive", "stad", "region"}


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_truth_is_consistent(folder: Path) -> None:
    """The printed numbers of each committed truth obey the reports' rounding rules."""
    truth = _truth(folder)
    precision = 0.5 if truth["layout"]["half_points"] else 1.0
    for area in truth["areas"]:
        questions = area["questions"]
        assert sum(q["max"] for q in questions) == area["overview_total"]["max"] == 100
        assert area["header_score"] == sum(q["achieved"] for q in questions)
        lowest = sum(q["achieved"] - precision / 2 for q in questions)
        highest = sum(q["achieved"] + precision / 2 for q in questions)
        assert lowest - precision / 2 <= area["overview_total"]["achieved"] <= highest + precision / 2
        for q in questions:
            assert round(q["achieved"] / precision) * precision == q["achieved"]
            if q["percent"] is not None:
                slack = 0.5 + 100 * (precision / 2) / q["max"]
                assert abs(q["percent"] - 100 * q["achieved"] / q["max"]) <= slack


def _page_texts(pdf_path: Path) -> list[str]:
    """The text layer of each page, whitespace collapsed (a wrapped "organisa -\ntionen" reads as printed)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(pdf_path)
    try:
        return [" ".join(page.get_textpage().get_text_range().split()) for page in pdf]
    finally:
        pdf.close()


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_archive_pitfalls_are_printed_exactly_when_asked(folder: Path) -> None:
    """Each pitfall knob shows in the text layer when on and nowhere when off, so a variant tests what it says."""
    truth = _truth(folder)
    layout = truth["layout"]
    pages = _page_texts(folder / "report.pdf")
    text = " ".join(pages)
    assert ("S V E R I G E S" in text) == layout["letter_spaced_header"]
    shifted = "".join(chr(ord(c) + 0x1D) for c in f"{len(pages)})")
    assert (f"1 ({shifted}" in pages[0]) == layout["shifted_page_count"]
    plain_count = layout["page_numbers"] in ("rapport", "skl_date") and not layout["shifted_page_count"]
    assert (f"1 ({len(pages)})" in pages[0]) == plain_count
    assert ("Innehållsförteckning" in text) == bool(layout["toc"])
    assert ("3.1 Nya frågor har tillkommit" in text) == layout["fifth_chapter"]
    assert (f"Kortfakta om {truth['municipality']}" in text) == layout["kortfakta"]
    assert ("(forts.)" in text) == layout["repeated_table_header"]
    hyphenated = [split for _, split in load_json("phrases.json")["hyphenations"] if split in text]
    assert bool(hyphenated) == layout["hyphenated_words"]
    sep = ": " if layout["area_heading"] == "colon" else " "
    headings = [f"Område {a['no']}{sep}{a['title']}" for a in truth["areas"]]
    if layout["toc"]:  # every listed page is the first one that prints that area
        contents = next(page for page in pages if "Innehållsförteckning" in page)
        for heading in headings:
            m = re.search(re.escape(heading) + r"(?: \.{5,})? (\d+)\b", contents)
            assert m, heading
            listed = int(m.group(1))
            assert heading in pages[listed - 1] and heading not in pages[listed - 2], (heading, listed)
            assert (" ....." in m.group(0)) == (layout["toc"] == "dots")
    running = [f"Område {a['no']} {a['title']}" for a in truth["areas"]]
    body = [page for page in pages if "Innehållsförteckning" not in page]
    printed = sum(page.count(header) for page in body for header in running)
    in_headings = len(headings) if sep == " " else 0  # the area headings themselves read the same
    assert (printed > in_headings) == layout["area_running_header"], (printed, in_headings)


def test_round_half_up() -> None:
    assert [round_half_up(x) for x in (0.5, 1.5, 2.5, 9.49)] == [1, 2, 3, 9]
    assert [round_half_up(x, 0.5) for x in (12.25, 12.75, 12.2)] == [12.5, 13.0, 12.0]


@pytest.mark.parametrize(("step", "precision"), [(0.25, 1.0), (0.5, 1.0), (1.0, 1.0), (0.25, 0.5)])
def test_score_area_rounding_invariants(step: float, precision: float) -> None:
    maxima = [15, 20, 25, 30, 10]
    for seed in range(200):
        s = score_area(random.Random(seed), maxima, step, precision, with_percent=True)
        assert s.header_score == sum(s.achieved)
        assert s.total == round_half_up(sum(s.unrounded), precision)
        assert s.total_percent == round_half_up(sum(s.unrounded))
        for u, a, p, mx in zip(s.unrounded, s.achieved, s.percent, maxima, strict=True):
            assert 0 <= u <= mx and u / step == int(u / step)
            assert a == round_half_up(u, precision) and abs(a - u) <= precision / 2
            assert p == round_half_up(100 * u / mx)
            assert abs(p - 100 * a / mx) <= 0.5 + 100 * (precision / 2) / mx


def test_generation_is_deterministic() -> None:
    pytest.importorskip("reportlab")
    from kompass_testing.generate import generate_variant

    spec = next(s for s in _variants() if s["name"] == "rapport2007-sans-single")
    first, truth = generate_variant(spec)
    second, _ = generate_variant(dict(spec))
    assert first == second
    assert first.startswith(b"%PDF") and len(first) < 150_000
    assert truth["variant"] == spec["name"]


def test_compare_names_each_wrong_field() -> None:
    truth = _truth(FOLDERS[0])
    report = report_from_truth(truth)
    assert compare(report, truth) == []
    area = report.area(2)
    area.questions[1].percent = (area.questions[1].percent or 0) + 1
    area.questions[0].text = "  " + area.questions[0].text.replace(" ", "\n")  # whitespace only: still exact
    area.findings = [f for f in area.findings if not (f.kind == "improvement" and f.position == 1)]
    report.kommunkod = "9999"
    report.areas = [a for a in report.areas if a.area_no != 8]
    mismatches = compare(report, truth)
    paths = {m.path for m in mismatches}
    assert {"kommunkod", "areas[2].questions[1].percent", "areas[2].improvements[0]", "areas[8].title"} <= paths
    assert "areas[2].questions[0].text" not in paths
    exact, total = summary(mismatches, truth)
    assert total - exact == len(mismatches) and 0 < exact < total


def test_compare_fails_on_one_wrong_box_page_or_paragraph() -> None:
    """Extracted from the PDF, a variant matches its truth; one row's box a row lower, one finding on the next
    page or one paragraph changed is each named, and a box within the tolerance is not."""
    folder = GENERATED / "skl2016-baseline"
    truth = _truth(folder)
    report = extract(folder / "report.pdf")
    assert compare(report, truth) == []
    row = report.area(3).questions[1]
    x0, top, x1, bottom = row.bbox
    row.bbox = (x0, top + 12, x1, bottom + 12)
    report.area(5).strengths[0].page += 1
    section = report.area(2).sections[1]
    section.paragraphs[-1] = section.paragraphs[-1].replace(" ", "  ") + " Ett tillägg."
    heading = report.area(6).sections[0]
    heading.bbox = tuple(v + 1.5 for v in heading.bbox)  # within the tolerance
    paths = {m.path for m in compare(report, truth)}
    last = len(section.paragraphs) - 1
    assert paths == {
        "areas[3].questions[1].bbox",
        "areas[5].strengths[0].page",
        f"areas[2].sections[1].paragraphs[{last}]",
    }
    exact, total = summary(compare(report, truth), truth)
    assert total - exact == 3 and total > 600
