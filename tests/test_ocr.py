"""OCR: text-layer detection, deskew, rule removal, number normalisation, and a scan of the Luleå fixture read back.

The end-to-end part scans a subset of the fixture's pages (the front pages with area 1's section and its Styrkor
list, and the overview pages), because OCR of the whole 31-page report takes about two minutes on the 2-core CI
machine. The pages are chosen from the born-digital PDF's text, never by page number.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw
from rapidfuzz import fuzz
from scan_fixture import cached_scan_pdf, skew_for, text_crop

from kompass_extract.errors import OcrFailedError, OcrUnavailableError
from kompass_extract.read.document import Page, open_pdf
from kompass_extract.read.lines import Line
from kompass_extract.read.ocr import libtesseract
from kompass_extract.read.ocr import tesseract as ocr_tesseract
from kompass_extract.read.ocr.image import _long_runs, _runs, deskew, deskewed_crop, estimate_skew, remove_rules
from kompass_extract.read.ocr.numbers import LOW_CONFIDENCE, reread_numbers
from kompass_extract.read.ocr.pages import normalise_ocr_number, ocr_document, page_needs_ocr, tesseract_available
from kompass_extract.read.ocr.tesseract import OcrWord

FIXTURE = Path(__file__).parent.parent / "fixtures" / "lulea-2018"
PDF = FIXTURE / "report.pdf"
TRUTH = json.loads((FIXTURE / "truth.json").read_text(encoding="utf-8"))
needs_tesseract = pytest.mark.skipif(not tesseract_available(), reason="tesseract with the swe model is not installed")


def _page(text: str) -> Page:
    return Page(1, 595.0, 842.0, text)


# --- page_needs_ocr ---------------------------------------------------------------------------------------------


def test_born_digital_pages_have_a_text_layer() -> None:
    doc = open_pdf(str(PDF))
    try:
        assert [p.number for p in doc.pages if page_needs_ocr(p)] == []
    finally:
        doc.close()


@pytest.mark.parametrize(
    "text",
    [
        "",
        " \r\n \t ",
        "Sveriges Kommuner och Landsting\r\n12",  # a running header on an image page
        "\ufffd" * 300,
        "\uf0b7\uf0a7 " * 100 + "Sveriges Kommuner",
        "\x01\x02\x03\x04" * 80,
    ],
)
def test_pages_without_usable_text_need_ocr(text: str) -> None:
    assert page_needs_ocr(_page(text))


def test_mis_encoded_letters_need_ocr() -> None:
    prose = TRUTH["summary"][0]
    assert not page_needs_ocr(_page(prose))
    consonant_soup = prose.translate(str.maketrans("aeiouyåäöAEIOUYÅÄÖ", "xqzvwkbcdXQZVWKBCD"))
    assert page_needs_ocr(_page(consonant_soup))


# --- image clean-up ---------------------------------------------------------------------------------------------


def _synthetic_page() -> Image.Image:
    """Text-like blocks on a white A4 page at 100 dpi: rows of word boxes of varying width, with paragraph gaps."""
    image = Image.new("L", (827, 1169), 255)
    draw = ImageDraw.Draw(image)
    y = 80
    for row in range(55):
        x = 80 + (row % 3) * 7
        while x < 700:
            width = 18 + (x * 7 + row * 13) % 50
            draw.rectangle((x, y, x + width, y + 9), fill=30)
            x += width + 8
        y += 18 if row % 6 else 30
    return image


@pytest.mark.parametrize("angle", [-2.4, -0.8, 0.0, 1.3])
def test_estimate_skew_finds_the_rotation(angle: float) -> None:
    rotated = _synthetic_page().rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    assert estimate_skew(rotated) == pytest.approx(angle, abs=0.3)


def test_deskew_straightens_a_rendered_page() -> None:
    pdf = pdfium.PdfDocument(str(PDF))
    try:
        page = pdf[1].render(scale=150 / 72, grayscale=True).to_pil().convert("L")
    finally:
        pdf.close()
    crooked = page.rotate(-1.1, resample=Image.Resampling.BICUBIC, fillcolor=255)
    angle = estimate_skew(crooked)
    assert angle == pytest.approx(-1.1, abs=0.3)
    assert abs(estimate_skew(deskew(crooked, angle))) < 0.3


@pytest.mark.parametrize("angle", [-2.37, 0.05, 0.8, 5.9])
def test_deskewed_crop_is_the_crop_of_the_deskewed_page(angle: float) -> None:
    """The cells re-read are cut from the page turned box by box: the same pixels as turning the whole page (grey
    levels everywhere, boxes inside, across the edges and beyond the page)."""
    rng = np.random.default_rng(7)
    page = Image.fromarray(rng.integers(0, 256, (700, 530), dtype=np.uint8))
    whole = deskew(page, angle)
    boxes = [(10, 20, 210, 80), (-30, -12, 40, 30), (480, 650, 560, 740), (600, 10, 650, 40), (0, 0, 530, 700)]
    for box in boxes:
        assert np.array_equal(np.asarray(deskewed_crop(page, angle, box)), np.asarray(whole.crop(box))), box


def test_remove_rules_keeps_text_and_drops_table_lines() -> None:
    """A ruled table at 150 dpi (one short row included) loses its rules; a cell's glyph and a big letter stay."""
    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    for y in (100, 160, 220, 260):
        draw.line((100, y, 1100, y), fill=0, width=3)
    for x in (100, 800, 1100):
        draw.line((x, 100, x, 260), fill=0, width=3)
    draw.rectangle((150, 120, 170, 145), fill=0)  # a glyph inside a cell
    draw.rectangle((300, 400, 322, 520), fill=0)  # the stem of a 60-pt headline letter
    cleaned = remove_rules(image)
    probes = ((600, 100), (600, 220), (800, 130), (1100, 190), (800, 240))
    assert [p for p in probes if cleaned.getpixel(p) < 160] == []
    assert cleaned.getpixel((160, 130)) < 100
    assert cleaned.getpixel((310, 460)) < 100


@pytest.mark.parametrize("seed", range(6))
def test_long_runs_on_candidate_lines_equal_the_full_search(seed: int) -> None:
    """The run search restricted to the lines that hold a whole aligned half-length block finds exactly the runs of
    the search over every line: random ink with long horizontal and vertical runs at random places and lengths
    (including runs one pixel short of the limit and runs touching the image edges)."""
    rng = np.random.default_rng(seed)
    mask = rng.random((301, 257)) < 0.3
    for _ in range(12):
        row, col, n = rng.integers(0, 301), rng.integers(0, 257), rng.integers(10, 80)
        mask[row, col : col + n] = True
        mask[col % 301 : col % 301 + n, row % 257] = True
    for length in (2, 3, 7, 20, 21, 40, 256, 257):
        assert np.array_equal(_long_runs(mask, length), _runs(mask, length)), length
    for length in (2, 3, 7, 20, 21, 40, 257, 300, 301):
        assert np.array_equal(_long_runs(mask, length, vertical=True), _runs(mask.T, length).T), length
    assert not _long_runs(mask, 258).any() and not _long_runs(mask, 302, vertical=True).any()


# --- numbers ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "percent", "expected"),
    [
        ("75%", True, "75%"),
        ("7596", True, "75%"),
        ("7590", True, "75%"),
        ("79920", True, "79%"),
        ("10096", True, "100%"),
        ("75%o", True, "75%"),
        ("75 %", True, "75%"),
        ("7596", False, "7596"),  # the misread sign is only undone in a percent column
        ("1O", False, "10"),
        ("l5", False, "15"),
        ("S", False, "5"),
        ("2O1", False, "201"),
        ("12,5", False, "12,5"),
        ("11.", False, "11"),
        ("Max", False, "Max"),  # not a number: returned for the caller to flag
    ],
)
def test_normalise_ocr_number(raw: str, percent: bool, expected: str) -> None:
    assert normalise_ocr_number(raw, percent=percent) == expected


def test_disagreeing_readings_are_flagged(monkeypatch: pytest.MonkeyPatch) -> None:
    """The digits-only pass decides between readings; a disagreement between two real readings is capped."""
    words = [
        OcrWord("7590", 0, 0, 40, 20, 85.0, 0),  # per-cent sign misread, re-read as 75%: trusted
        OcrWord("20", 100, 0, 130, 20, 91.0, 0),  # re-read as 25 with conf 71: a real disagreement
        OcrWord("EL", 200, 0, 230, 20, 19.0, 0),  # letters for a lone number: taken, but flagged
        OcrWord("13", 300, 0, 330, 20, 95.0, 0),  # re-read failed (conf 3): the first reading stands
    ]
    second = {0: ("75%", 93.0), 1: ("25", 71.0), 2: ("11", 97.0), 3: ("2", 3.0)}

    def fake_tesseract(strip: Image.Image, **_: object) -> list[dict]:
        return [{"level": 5, "text": t, "conf": c, "top": n + 0.25, "height": 0.5} for n, (t, c) in second.items()]

    slots = [(float(n), float(n + 1)) for n in range(len(words))]  # row n of the strip spans [n, n+1)
    monkeypatch.setattr("kompass_extract.read.ocr.numbers._stack", lambda boxes, image: (image, slots))
    monkeypatch.setattr("kompass_extract.read.ocr.numbers.run_tesseract", fake_tesseract)
    out = reread_numbers(Image.new("L", (400, 4), 255), words, dpi=300)
    assert [(w.text, w.conf >= LOW_CONFIDENCE) for w in out] == [
        ("75%", True),
        ("20", False),
        ("11", False),
        ("13", True),
    ]


# --- tesseract in this process ----------------------------------------------------------------------------------


@needs_tesseract
def test_library_reads_what_the_binary_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """The C API in this process and the tesseract binary give the same rows, digits-only settings included; the
    second call with the same settings reuses the loaded engine."""
    if ocr_tesseract._library() is None:
        pytest.skip("libtesseract is not usable here (the binary is used)")
    monkeypatch.setenv("KOMPASS_TESSERACT", "library")  # not in a helper process
    crop = text_crop()
    digits = ("tessedit_char_whitelist=0123456789%,.",)
    before = len(libtesseract._POOL.every)
    in_process = [
        ocr_tesseract.run_tesseract(crop, dpi=200, lang="swe", psm=p, config=c) for p, c in ((11, ()), (6, digits))
    ]
    engines = len(libtesseract._POOL.every)
    ocr_tesseract.run_tesseract(crop, dpi=200, lang="swe", psm=6, config=digits)
    assert len(libtesseract._POOL.every) == engines <= before + 2
    monkeypatch.setattr(ocr_tesseract, "_library", lambda: None)
    binary = [
        ocr_tesseract.run_tesseract(crop, dpi=200, lang="swe", psm=p, config=c) for p, c in ((11, ()), (6, digits))
    ]
    assert in_process == binary
    assert any(row["text"].strip() for row in binary[0]) and binary[0] != binary[1]


@needs_tesseract
def test_library_detects_orientation_as_the_binary_does() -> None:
    lib = ocr_tesseract._library()
    if lib is None:
        pytest.skip("libtesseract is not usable here (the binary is used)")
    pdf = pdfium.PdfDocument(str(PDF))
    try:
        page = pdf[1].render(scale=150 / 72, grayscale=True).to_pil().convert("L")
    finally:
        pdf.close()
    for turned in (page, page.rotate(90, expand=True, fillcolor=255)):
        found = libtesseract.orientation(lib, turned)
        assert found is not None and found == ocr_tesseract._binary_orientation(turned)
    assert [ocr_tesseract.page_rotation(t) for t in (page, page.rotate(90, expand=True))] == [0, 90]


@needs_tesseract
@pytest.mark.parametrize("size", [(0, 0), (0, 40), (12, 40_000)])
def test_empty_or_huge_image_fails_the_page_not_the_process(
    size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tesseract's library aborts the process on an empty image in orientation detection (the binary just fails):
    such images never reach it."""
    image = Image.new("L", size, 255)
    for library in (ocr_tesseract._library, lambda: None):  # in this process, and the binary
        monkeypatch.setattr(ocr_tesseract, "_library", library)
        with pytest.raises(OcrFailedError, match="cannot read an image"):
            ocr_tesseract.run_tesseract(image, dpi=300, lang="swe", psm=11)
        assert ocr_tesseract.page_rotation(image) == 0


# --- tesseract missing ------------------------------------------------------------------------------------------


def test_missing_tesseract_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    ocr_tesseract.tesseract_info.cache_clear()
    try:
        assert not tesseract_available()
        with pytest.raises(OcrUnavailableError, match="apt-get install tesseract-ocr tesseract-ocr-swe"):
            ocr_document(str(PDF), [1])
    finally:
        monkeypatch.undo()
        ocr_tesseract.tesseract_info.cache_clear()


# --- a scan of the fixture, read back ---------------------------------------------------------------------------

QUESTION_ROW = re.compile(r"(?m)^\d\.\d+ ")
OVERVIEW = "Översikt av poängfördelning"


def _chosen_pages() -> dict[str, list[int]]:
    """Pages of the born-digital fixture to scan, found from its text: front + area 1 section, and the overview."""
    doc = open_pdf(str(PDF))
    try:
        texts = [p.text for p in doc.pages]
    finally:
        doc.close()
    start = next(n for n, t in enumerate(texts, 1) if OVERVIEW in t)
    overview = [start]
    while overview[-1] < len(texts) and QUESTION_ROW.search(texts[overview[-1]]):
        overview.append(overview[-1] + 1)
    area_1 = next(n for n, t in enumerate(texts, 1) if re.search(r"(?m)^Område 1\b", t))
    area_2 = next(n for n, t in enumerate(texts, 1) if re.search(r"(?m)^Område 2\b", t))
    styrkor = next(n for n in range(area_1, area_2) if "Styrkor" in texts[n - 1])
    return {"scan": list(range(1, area_2)) + overview, "overview": overview, "styrkor": [styrkor]}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The scan, its OCR'd pages (cached for the pipeline test), and the seconds per page it took."""
    if not tesseract_available():
        pytest.skip("tesseract with the swe model is not installed")
    chosen = _chosen_pages()
    scan = cached_scan_pdf(PDF, tmp_path_factory.mktemp("scan"), pages=chosen["scan"])
    cache_dir = tmp_path_factory.mktemp("ocr-cache")
    started = time.perf_counter()
    pages = ocr_document(str(scan), jobs=2, cache_dir=str(cache_dir))
    per_page = (time.perf_counter() - started) / len(pages)
    by_original = dict(zip(chosen["scan"], pages, strict=True))
    return {"scan": scan, "cache": cache_dir, "per_page": per_page, "chosen": chosen, "pages": by_original}


@needs_tesseract
def test_scan_has_no_text_layer_and_is_skewed(scanned: dict) -> None:
    doc = open_pdf(str(scanned["scan"]))
    try:
        assert all(page_needs_ocr(p) for p in doc.pages)
    finally:
        doc.close()
    assert any(skew_for(i) for i in range(len(scanned["chosen"]["scan"])))
    assert all(p.ocr and p.words and all(w.conf is not None and w.bold is None for w in p.words)
               for p in scanned["pages"].values())  # fmt: skip
    assert scanned["per_page"] < 20, f"OCR took {scanned['per_page']:.1f} s per page"


@needs_tesseract
def test_ocr_cache_is_reused(scanned: dict) -> None:
    started = time.perf_counter()
    again = ocr_document(str(scanned["scan"]), [1, 2], cache_dir=str(scanned["cache"]))
    assert time.perf_counter() - started < 2.0
    first = scanned["pages"][scanned["chosen"]["scan"][0]]
    assert [w.text for w in again[0].words] == [w.text for w in first.words]
    assert again[0].text == first.text


def _prefix_similarity(line: Line, label: str) -> float:
    """How well the text part of ``line`` (all but the three number cells) matches the start of ``label``."""
    text = " ".join(w.text for w in line.words[:-3])
    return fuzz.ratio(text, label[: len(text)]) if len(text) >= 10 else 0.0


def _number_words(line: Line) -> list:
    return line.words[-3:]


def _row_numbers(words: list) -> list[str]:
    return [normalise_ocr_number(w.text, percent=k == 2) for k, w in enumerate(words)]


def _expected(entry: dict) -> list[str]:
    return [str(entry["achieved"]), str(entry["max"]), f"{entry['percent']}%"]


@needs_tesseract
def test_overview_numbers_are_exact_or_flagged(scanned: dict) -> None:
    """Every question row and total of the overview: the three numbers read exactly, or low confidence on them."""
    lines = [ln for n in scanned["chosen"]["overview"] for ln in scanned["pages"][n].lines]
    exact = flagged = 0
    wrong = []
    for area in TRUTH["areas"]:
        last = 0
        rows = [(f"{q['id']} {q['text']}", _expected(q)) for q in area["questions"]]
        for label, expected in rows:
            last = max(range(len(lines)), key=lambda i: _prefix_similarity(lines[i], label))
            words = _number_words(lines[last])
            if _row_numbers(words) == expected:
                exact += 1
            elif any(w.conf < LOW_CONFIDENCE for w in words):
                flagged += 1
            else:
                wrong.append((label[:30], lines[last].text[-30:], expected))
        total = next(ln for ln in lines[last + 1 :] if len(ln.words) == 3)
        words = total.words
        if _row_numbers(words) == _expected(area["overview_total"]):
            exact += 1
        elif any(w.conf < LOW_CONFIDENCE for w in words):
            flagged += 1
        else:
            wrong.append((f"total {area['no']}", total.text, _expected(area["overview_total"])))
    assert wrong == [], "numbers read wrong with high confidence"
    assert exact / (exact + flagged) >= 0.85, f"only {exact} of {exact + flagged} rows exact"


TOTAL_FLAGS = {
    "ocr-low-confidence",
    "area-total-infeasible",
    "area-score-missing",
    "area-max-not-100",
    "box-sum-mismatch",
    "box-overview-differ",
}
"""Area-level checks that call the area's printed total, box or OCR'd rows into doubt (not, e.g., a doubtful
findings list or a missing catalog match, which say nothing about the numbers)."""


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


@needs_tesseract
def test_findings_read_with_high_similarity(scanned: dict) -> None:
    """Area 1's Styrkor and Förbättringsmöjligheter: each finding found in its column at similarity >= 90."""
    page = scanned["pages"][scanned["chosen"]["styrkor"][0]]
    header = next(i for i, ln in enumerate(page.lines) if "Styrkor" in ln.text)
    split = next(w.x0 for w in page.lines[header].words if w.text.startswith("Förbättring")) - 5
    lines = page.lines[header + 1 :]
    left = _fold(" ".join(w.text for ln in lines for w in ln.words if w.xc < split))
    right = _fold(" ".join(w.text for ln in lines for w in ln.words if w.xc >= split))
    area = TRUTH["areas"][0]
    scores = [fuzz.partial_ratio(_fold(f), left) for f in area["strengths"]]
    scores += [fuzz.partial_ratio(_fold(f), right) for f in area["improvements"]]
    matched = sum(s >= 90 for s in scores)
    assert matched / len(scores) >= 0.95, f"{matched} of {len(scores)} findings matched: {scores}"


@needs_tesseract
def test_extract_reads_the_scan_exact_or_flagged(scanned: dict) -> None:
    """Through the pipeline (OCR served from the cache filled above): overview numbers exact or flagged, findings."""
    from kompass_extract import extract

    report = extract(scanned["scan"], ocr_cache=str(scanned["cache"]))
    assert report.ocr
    doubts = [c for c in report.checks if c.severity in ("warning", "error")]
    # A row is flagged by a check that names it, or by the area's OCR check, which sends a person to the area's
    # OCR'd rows; a total or a box only by a check about it: any other warning of the area is no flag for them.
    flagged_rows = {(c.area_no, c.question_no) for c in doubts if c.question_no is not None}
    flagged_rows |= {(c.area_no, None) for c in doubts if c.question_no is None and c.code in TOTAL_FLAGS}
    areas = {a.area_no: a for a in report.areas}
    unverified = []
    for truth in TRUTH["areas"]:
        area = areas.get(truth["no"])
        assert area is not None, f"area {truth['no']} missing"
        got = {q.question_no: (q.achieved, q.max, q.percent) for q in area.questions}
        for q in truth["questions"]:
            if got.get(q["id"]) != (q["achieved"], q["max"], q["percent"]) and not (
                {(truth["no"], q["id"]), (truth["no"], None)} & flagged_rows
            ):
                unverified.append((q["id"], got.get(q["id"])))
        total = (area.score, area.max, area.percent)
        expected = tuple(truth["overview_total"][k] for k in ("achieved", "max", "percent"))
        if total != expected and (truth["no"], None) not in flagged_rows:
            unverified.append((f"total {truth['no']}", total))
    assert unverified == [], "wrong numbers without a warning"
    first = TRUTH["areas"][0]
    assert areas[1].header_score == first["header_score"] or (1, None) in flagged_rows
    findings = {(f.kind, _fold(f.text)) for f in areas[1].findings}
    wanted = [("strength", _fold(t)) for t in first["strengths"]] + [
        ("improvement", _fold(t)) for t in first["improvements"]
    ]
    matched = sum(any(k == kind and fuzz.ratio(t, text) >= 90 for k, text in findings) for kind, t in wanted)
    assert matched / len(wanted) >= 0.95, f"{matched} of {len(wanted)} findings of area 1 matched"


@pytest.mark.skipif(not tesseract_available(), reason="tesseract with the Swedish model is not installed")
def test_page_scanned_upside_down_is_turned() -> None:
    """Regression: a page scanned upside down lost its numbers (and one scanned sideways crashed the OCR)."""
    pdf = pdfium.PdfDocument(str(PDF))
    image = pdf[28].render(scale=150 / 72).to_pil().convert("L")
    pdf.close()
    assert ocr_tesseract.page_rotation(image) == 0
    assert ocr_tesseract.page_rotation(image.rotate(180, expand=True)) == 180
    assert ocr_tesseract.page_rotation(image.rotate(90, expand=True)) == 90


def test_tinted_paper_is_whitened_before_rules_are_removed() -> None:
    """Regression: on grey paper (a dark photocopy) every paper row counted as a rule and the page read empty."""
    from kompass_extract.read.ocr.image import DARK, whiten_paper

    page = Image.new("L", (400, 300), 150)
    ImageDraw.Draw(page).text((20, 20), "11 15 75%", fill=20)
    before, after = np.asarray(page), np.asarray(whiten_paper(page))
    assert (before < DARK).all()  # as read before: the whole page is ink
    assert after[150, 200] == 255  # paper is white now
    assert 0 < (after < DARK).sum() == (before < DARK * 150 / 255).sum()  # the ink, and only the ink, stays dark
