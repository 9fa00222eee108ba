"""Warm conversion speed (issue 18): what was made faster must still give the same results and leave the process
as it found it."""

from __future__ import annotations

import ctypes
import gc
import math
import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import make_pdf

from kompass_extract import pipeline
from kompass_extract.errors import NotKommunkompassError

WORD = re.compile(r"[^\s\x00\ufeff]+")
"""A word of pdfium's page text by definition: a run of characters that are neither white space nor NUL nor BOM."""


def _record_collector(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Record whether the cyclic collector is on when the pipeline opens the PDF."""
    seen: list[bool] = []
    real = pipeline.open_pdf

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "open_pdf", spy)
    return seen


def test_the_collector_is_paused_while_a_file_is_converted_and_on_again_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _record_collector(monkeypatch)
    pdf = make_pdf(tmp_path / "not-a-report.pdf", ["Ett brev om annat"])
    assert gc.isenabled()
    with pytest.raises(NotKommunkompassError):  # on again after an error too
        pipeline.extract(pdf)
    assert seen == [False]
    assert gc.isenabled()


def test_a_collector_turned_off_by_the_caller_stays_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _record_collector(monkeypatch)
    pdf = make_pdf(tmp_path / "not-a-report.pdf", ["Ett brev om annat"])
    gc.disable()
    try:
        with pytest.raises(NotKommunkompassError):
            pipeline.extract(pdf)
        assert seen == [False]
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_every_date_cue_reads_a_year() -> None:
    """read_metadata tries the date cues only on text with a digit: each cue must read a year (or an ISO date)."""
    from kompass_extract.parse.cover import _cues

    for pattern, _ in _cues("date_cues"):
        assert {"year", "isodate"} & set(pattern.groupindex), pattern.pattern


def test_letter_spacing_is_collapsed_by_its_definition() -> None:
    """Counting the one-letter tokens in C gives what counting them one by one gave."""
    import random

    from kompass_extract.locate.labels import _WIDE_SPACES, collapse_letter_spacing

    def by_definition(text: str) -> str:
        tokens = text.split(" ")
        if len(tokens) >= 4 and sum(len(t) == 1 for t in tokens) >= 0.8 * len([t for t in tokens if t]):
            return _WIDE_SPACES.sub("\u0000", text).replace(" ", "").replace("\u0000", " ")
        return text

    rnd = random.Random(18)
    pieces = ["S", "V", "E", "", " ", "ab", "Å", "kommun", "7"]
    texts = ["S V E R I G E S  K O M M U N E R", "Analys av Luleå kommun", "a b c", "a b c d e", "   "]
    texts += [" ".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12))) for _ in range(2000)]
    for text in texts:
        assert collapse_letter_spacing(text) == by_definition(text), repr(text)


CHROMIUM_DISC = Path(__file__).resolve().parent.parent / "fixtures" / "chromium" / "chromium-disc-table" / "report.pdf"


def test_a_page_s_objects_are_walked_once_for_hidden_text_and_drawn_markers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: the hidden-text check and the drawn-marker reader each walked all of a page's objects; a
    browser's page holds one text object per glyph run (~2,000), so the second walk cost ~16 ms a report."""
    from kompass_extract.read import document, markers
    from kompass_extract.read.document import open_pdf
    from kompass_extract.read.markers import page_markers

    doc = open_pdf(str(CHROMIUM_DISC))
    try:
        page = next(p for p in doc.pages if "Styrkor" in p.text)
        fetched: list[int] = []

        def counting(real):  # type: ignore[no-untyped-def]
            return lambda raw, i: fetched.append(i) or real(raw, i)

        monkeypatch.setattr(document, "_GET_OBJECT", counting(document._GET_OBJECT))
        monkeypatch.setattr(markers, "_GET_OBJECT", counting(document._GET_OBJECT), raising=False)
        assert not page.covered_text
        assert len(page_markers(page)) >= 3
        assert sorted(fetched) == list(range(len(fetched))) and len(fetched) > 100
    finally:
        doc.close()


def test_glyph_placed_words_are_split_by_their_definition() -> None:
    """Words pdfium gives as several rectangles (a browser places glyphs one by one) are read character by
    character, in a loop kept lean for speed: it must give what the rule says, read here plainly from pypdfium2's
    character boxes. A new word at a gap wider than half the font size, a step back, or a new line."""
    import pypdfium2 as pdfium

    from kompass_extract.read.document import _read_upright
    from kompass_extract.read.geometry import _WordReader

    pdf = pdfium.PdfDocument(str(CHROMIUM_DISC))
    checked = 0
    try:
        for page in list(pdf)[:8]:
            textpage, text, frame = _read_upright(page)
            reader = _WordReader(textpage, frame)
            page_words = []  # the page's words by the rule: one rectangle, or the pieces below
            for m in WORD.finditer(text):
                start, end = m.span()
                if textpage.count_rects(start, end - start) == 1:
                    x0, _, x1, _ = reader.frame_box(*textpage.get_rect(0))
                    page_words.append((m.group(), x0, x1))
                    continue
                pieces: list[list] = []  # [first, last, x0, x1, top, bottom, size]
                for i in range(start, end):
                    left, bottom, right, top = textpage.get_charbox(i)
                    if right <= left and top <= bottom:
                        continue
                    x0, y0, x1, y1 = reader.frame_box(left, bottom, right, top)
                    p = pieces[-1] if pieces else None
                    if p and x0 - p[3] <= 0.5 * p[6] and x0 >= p[2] - 0.5 and y0 < p[5] and y1 > p[4]:
                        p[1], p[3], p[4], p[5] = i, max(p[3], x1), min(p[4], y0), max(p[5], y1)
                    else:
                        pieces.append([i, i, x0, x1, y0, y1, reader.style(i)[0]])
                words = reader.split(text, [(start, end)])[0]
                assert [(w.text, w.x0, w.x1) for w in words] == [(text[p[0] : p[1] + 1], p[2], p[3]) for p in pieces]
                page_words += [(w.text, w.x0, w.x1) for w in words]
                checked += 1
            assert [(w.text, w.x0, w.x1) for w in reader.read(text)] == page_words  # all spans at once, in place
            textpage.close()
    finally:
        pdf.close()
    assert checked > 100


FIXTURES = CHROMIUM_DISC.parent.parent.parent


@pytest.mark.parametrize("name", ["lulea-2018", "generated/analys2010-region-gotland", "typst/typst-bullet-stacked"])
def test_one_rectangle_words_in_the_common_frame_are_read_by_their_definition(name: str) -> None:
    """Words pdfium sets as one rectangle are read in a loop that skips the frame's products by 1 and -1 in the
    common frame (x right, y down): it must give, float for float, what the general rule gives, the word's box
    mapped through the frame and its top from the first character's baseline and font size."""
    import pypdfium2 as pdfium

    from kompass_extract.read.document import _read_upright
    from kompass_extract.read.geometry import _WordReader

    pdf = pdfium.PdfDocument(str(FIXTURES / name / "report.pdf"))
    x, y = ctypes.c_double(), ctypes.c_double()
    checked = 0
    try:
        for page in pdf:
            textpage, text, frame = _read_upright(page)
            assert (frame.ax, frame.by) == (1, -1)
            reader = _WordReader(textpage, frame)
            words = iter(reader.read(text))
            for m in WORD.finditer(text):
                start, end = m.span()
                if textpage.count_rects(start, end - start) != 1:
                    for _ in reader.split(text, [(start, end)])[0]:
                        next(words)
                    continue
                left, top, right, bottom = textpage.get_rect(0)
                x0, x1 = sorted(frame.point(x, 0.0)[0] for x in (left, right))
                size, bold = reader.style(start)
                pdfium.raw.FPDFText_GetCharOrigin(textpage, start, x, y)
                top = frame.point(x.value, y.value)[1] - 0.8 * size
                word = next(words)
                assert (word.x0, word.top, word.x1, word.bottom, word.size, word.bold) == (
                    x0,
                    top,
                    x1,
                    top + size,
                    size,
                    bold,
                )
                checked += 1
            textpage.close()
    finally:
        pdf.close()
    assert checked > 1000


def test_similarity_from_compared_forms_is_its_definition() -> None:
    """Catalog matching scores each text's normalised forms made once (spaces removed, words sorted) instead of
    normalising, splitting and sorting both texts for every pair: the scores must be rapidfuzz's, exactly."""
    import random

    from rapidfuzz import fuzz

    from kompass_extract.match.catalog import load_catalog
    from kompass_extract.match.text import normalise, similarity

    def by_definition(a: str, b: str) -> float:
        na, nb = normalise(a), normalise(b)
        if not na or not nb:
            return 0.0
        return max(fuzz.ratio(na.replace(" ", ""), nb.replace(" ", "")), fuzz.token_sort_ratio(na, nb))

    texts = sorted({c.question_text for c in load_catalog().criteria() if c.question_text})
    rnd = random.Random(18)
    words = ["Finns", "en", "plan", "för", "ÖVERSIKT", "ledar -", "skapet", "11", "75 %", "\u00a0", "\u2003", "ǆ", "ß"]
    noise = [" ".join(rnd.choice(words) for _ in range(rnd.randint(0, 9))) for _ in range(300)]
    for a in noise + texts[:60]:
        for b in rnd.sample(texts, 8) + [rnd.choice(noise), a[::-1], ""]:
            assert similarity(a, b) == by_definition(a, b), (a, b)


def test_catalog_questions_are_normalised_once_not_for_every_printed_question(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: each printed question was scored against every candidate by normalising both texts again
    (4.6 ms of a 20-page report's edition detection, ~1,900 pairs); the catalog's side is made once."""
    from kompass_extract.match import text
    from kompass_extract.match.catalog import load_catalog

    catalog = load_catalog()
    question = next(c for c in catalog.criteria("2016") if c.question_text)
    catalog.match_question("2016", question.area_no, question.question_no, question.question_text)
    asked: list[str] = []
    real = text.normalise
    monkeypatch.setattr(text, "normalise", lambda t: asked.append(t) or real(t))
    match = catalog.match_question("2016", question.area_no, question.question_no, question.question_text + " ?")
    assert match is not None and match.catalog_id == question.catalog_id
    assert asked == [question.question_text + " ?"]


def test_grouped_lines_are_measured_once_when_made_by_the_definition() -> None:
    """Lines made by group_lines carry their box and size from one pass over their words (nearly every stage
    asks for them; computed on first use each was a call and a pass of its own): the floats must be those of
    min and max over the words, ties and signed zeros included."""
    import random

    from kompass_extract.read.geometry import Word
    from kompass_extract.read.lines import group_lines

    rnd = random.Random(18)
    checked = 0
    for _ in range(300):
        words = []
        for _ in range(rnd.randint(1, 30)):
            top = rnd.choice([100.0, 100.25, 99.75, 0.0, -0.0, rnd.uniform(90.0, 110.0), 112.0])
            size = rnd.choice([10.0, 10.5, 12.0, rnd.uniform(1.0, 20.0)])
            x0 = rnd.choice([0.0, -0.0, 10.0, rnd.uniform(0.0, 300.0)])
            words.append(Word("w", x0, top, x0 + rnd.choice([0.0, 4.0, rnd.uniform(0.0, 40.0)]), top + size, size))
        for line in group_lines(words, 3):
            measured = {k: vars(line)[k] for k in ("x0", "x1", "top", "bottom", "size")}  # set when made
            expected = {
                "x0": line.words[0].x0,
                "x1": max(w.x1 for w in line.words),
                "top": min(w.top for w in line.words),
                "bottom": max(w.bottom for w in line.words),
                "size": max(w.size for w in line.words),
            }
            assert {k: (v, math.copysign(1.0, v)) for k, v in measured.items()} == {
                k: (v, math.copysign(1.0, v)) for k, v in expected.items()
            }
            checked += 1
    assert checked > 1000


def test_a_line_made_from_words_is_measured_by_the_definition() -> None:
    """A line any stage makes (not only group_lines) carries its box and size as plain attributes, measured when it
    is made: min and max over its words, signed zeros and ties included; a line of no words has none. Regression: as
    cached properties of Line (a descriptor class written in Python), every read of them cost ~170 instructions
    against ~40, some 16,000 reads a report."""
    import random

    from kompass_extract.read.geometry import Word
    from kompass_extract.read.lines import Line

    assert all(getattr(Line, name, None) is None for name in ("x0", "x1", "top", "bottom", "size"))
    rnd = random.Random(19)
    for _ in range(300):
        words = []
        for _ in range(rnd.randint(1, 8)):
            top, size, x0 = rnd.choice([0.0, -0.0, 5.5]), rnd.choice([10.0, 9.5]), rnd.choice([0.0, -0.0, 3.0])
            words.append(Word("w", x0, top, x0 + rnd.choice([0.0, -0.0, 2.0]), top + rnd.choice([0.0, -0.0]), size))
        line = Line(words, 1)
        expected = (
            words[0].x0,
            max(w.x1 for w in words),
            min(w.top for w in words),
            max(w.bottom for w in words),
            max(w.size for w in words),
        )
        got = (line.x0, line.x1, line.top, line.bottom, line.size)
        assert [(v, math.copysign(1.0, v)) for v in got] == [(v, math.copysign(1.0, v)) for v in expected]
        assert line.bbox == (line.x0, line.top, line.x1, line.bottom)
    with pytest.raises(AttributeError):
        Line([], 1).top  # noqa: B018 (the read is the test)


def test_a_file_is_hashed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: the pipeline hashed the bytes it had just read and hashed: ~30 instructions a byte, twice."""
    import hashlib

    hashed: list[int] = []
    real = hashlib.sha256

    def counting(data: bytes = b""):  # type: ignore[no-untyped-def]
        hashed.append(len(data))
        return real(data)

    monkeypatch.setattr(hashlib, "sha256", counting)
    data = CHROMIUM_DISC.read_bytes()
    assert pipeline.extract(CHROMIUM_DISC).sha256 == real(data).hexdigest()
    assert hashed == [len(data)]
    given = "0" * 64  # the caller's hash of the bytes it read (the batch's), taken as given
    assert pipeline.extract(CHROMIUM_DISC, data=data, sha256=given).sha256 == given
    assert hashed == [len(data)]
    assert pipeline.extract(CHROMIUM_DISC, data=data).sha256 == real(data).hexdigest()
    assert hashed == [len(data)] * 2


def test_sizes_are_counted_in_the_classes_round_gives() -> None:
    """The size classes of lines (body size, furniture) are ``round(size, 1)`` remembered per count, not recomputed
    (~2.8k instructions a call): the same counts in the same order of classes, and a NaN never shares a class, as no
    NaN equals another."""
    import random

    from kompass_extract.locate.layout import rounded_size

    rng = random.Random(7)
    sizes = [rng.choice([9.96, 10.0, 10.04, 11.95, -0.0, 0.0, 0.05, 1e300]) for _ in range(500)]
    sizes += [rng.uniform(0, 40) for _ in range(500)] + [math.inf, -math.inf]
    sizes += [float("nan")] * 3
    memo: dict[float, float] = {}
    counted: Counter[float] = Counter()
    defined: Counter[float] = Counter()
    for n, size in enumerate(sizes + sizes):
        counted[rounded_size(size, memo)] += n
        defined[round(size, 1)] += n

    def signed(counts: Counter[float]) -> list[tuple[str, int]]:  # keys in order, -0.0 told from 0.0, NaN kept
        return [(repr(math.copysign(1, k) * abs(k)) if k == k else "nan", v) for k, v in counts.items()]

    assert signed(counted) == signed(defined) and counted.most_common(3) == defined.most_common(3)
    nan = float("nan")
    first, second = rounded_size(nan, memo), rounded_size(nan, memo)
    assert math.isnan(first) and first is not second and not any(math.isnan(k) for k in memo)
