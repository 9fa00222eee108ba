"""Warm conversion speed of the stages after reading (issue 18): parsing and catalog matching do less work, with the
same results as the plain definitions they replace."""

from __future__ import annotations

import random

import pytest
from rapidfuzz import fuzz

from kompass_extract.locate.labels import fold, is_label
from kompass_extract.match.catalog import (
    QUESTION_MARGIN,
    QUESTION_THRESHOLD,
    STRICT_THRESHOLD,
    Catalog,
    Criterion,
    Match,
    Pool,
    load_catalog,
)
from kompass_extract.match.text import ComparedMany, compared, similarities, similarity_of
from kompass_extract.model import Area, Section
from kompass_extract.parse import sections
from kompass_extract.read.geometry import Word
from kompass_extract.read.lines import Line
from kompass_extract.validate.sections import SIMILAR, _echoed


def _word(text: str, x0: float, top: float, size: float = 10.0, bold: bool = False) -> Word:
    return Word(text, x0, top, x0 + 6.0 * len(text), top + size, size, bold)


def test_the_box_tests_words_against_its_labels_only_in_the_lines_it_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: every word of the 40 lines after an area heading was tested against the box labels, though the
    sub-area headings end within a few lines; the lines are read one at a time and the rest are left alone."""
    lines = [
        Line([_word("Rubriker", 50, 100, bold=True), _word("Poäng", 300, 100, bold=True)], 1),
        Line([_word("•", 50, 114), _word("Ledning", 60, 114)], 1),
        Line([_word("•", 50, 128), _word("Styrning", 60, 128), _word("71", 300, 128)], 1),
        *(Line([_word(f"Brödtext{n}", 50, 200 + 14 * n)], 1) for n in range(30)),
    ]
    tested: list[str] = []
    monkeypatch.setattr(sections, "is_label", lambda text, *keys: tested.append(text) or is_label(text, *keys))
    area = Area(1)
    start = sections._parse_box(lines, area, None)
    assert area.rubriker == ["Ledning", "Styrning"] and area.header_score == 71.0
    assert start == 3
    assert "Brödtext0" in tested  # the line that ends the headings is read
    assert not [t for t in tested if t.startswith("Brödtext") and t != "Brödtext0"]


def _best_by_definition(candidates: list, printed: str, question_no: str, threshold: float) -> Match | None:
    """Catalog._best as it was written first: every candidate scored in full with similarity_of."""
    if not candidates or not compared(printed)[0]:
        return None
    scored = sorted(
        ((similarity_of(compared(printed), compared(c.question_text)), c) for c in candidates), key=lambda sc: -sc[0]
    )
    score, best = scored[0]
    if score < threshold:
        return None
    runner_up = scored[1] if len(scored) > 1 else (0.0, None)
    clear = score - runner_up[0] >= QUESTION_MARGIN
    settled = best.question_no == question_no.strip() and (
        runner_up[1] is None or runner_up[1].question_no != question_no.strip()
    )
    return Match(best.catalog_id, best.question_text, round(score, 1), best.max) if clear or settled else None


def test_question_matching_is_its_definition() -> None:
    """A printed question is scored against all candidates in one rapidfuzz call per form, giving up below
    threshold - margin: the match must be the one full scores of every pair give, on noisy, reworded, truncated and
    foreign texts, with every edition and none."""
    catalog = load_catalog()
    rnd = random.Random(18)
    criteria = [c for c in catalog.criteria() if c.question_text]
    editions = sorted({c.edition for c in criteria})

    def noisy(text: str) -> str:
        chars = list(text)
        for _ in range(rnd.choice([0, 0, 1, 3, 8, 20])):
            at = rnd.randrange(len(chars))
            chars[at : at + rnd.choice([0, 1])] = rnd.choice(["", "x", " ", "ö", "  "])
        words = "".join(chars).split()
        if rnd.random() < 0.2:
            words = words[: max(1, len(words) * 2 // 3)]
        return " ".join(words)

    checked = 0
    for c in criteria * 4:
        other = rnd.choice(criteria).question_text.split()
        printed = noisy(c.question_text) if rnd.random() < 0.8 else " ".join(other[:5] + c.question_text.split()[5:])
        for edition in [None, *editions]:
            pool = [x for x in criteria if edition is None or x.edition == edition]
            threshold = QUESTION_THRESHOLD if edition else STRICT_THRESHOLD
            expected = _best_by_definition(
                [x for x in pool if x.area_no == c.area_no], printed, c.question_no, threshold
            )
            if expected is None:
                others = [x for x in pool if x.area_no != c.area_no]
                expected = _best_by_definition(others, printed, c.question_no, STRICT_THRESHOLD)
            assert catalog.match_question(edition, c.area_no, c.question_no, printed) == expected, (edition, printed)
            checked += expected is not None
    assert checked > 100  # most noisy texts still match: the comparison covers matches, not only misses


def test_a_tie_for_runner_up_is_broken_by_catalog_order() -> None:
    """The best and the runner-up are taken without sorting every score: among candidates scored alike the first in
    the catalog's order comes first, as in a stable sort. Here the runner-up of the printed 1.1 is the other 1.1 (so
    the number settles nothing and the lead is too small); the 1.2 tied with it, taken instead, would settle it."""
    text = "Finns det en plan för hur kommunen informerar invånarna om sina tjänster"
    near = text.replace("sina", "dess")

    def criterion(edition: str, question_no: str, question_text: str) -> Criterion:
        return Criterion(edition, 1, question_no, question_text, 4.0, None, "exact", "test")

    def best(*candidates: Criterion) -> Match | None:
        pool = Pool(list(candidates), ComparedMany.of([compared(c.question_text) for c in candidates]))
        return Catalog._best(pool, "1.1", compared(text), QUESTION_THRESHOLD)

    lead = similarity_of(compared(text), compared(text)) - similarity_of(compared(text), compared(near))
    assert 0 < lead < QUESTION_MARGIN
    first, other_one, other_two = (
        criterion("2016", "1.1", text),
        criterion("2010", "1.1", near),
        criterion("2020", "1.2", near),
    )
    assert best(first, other_one, other_two) is None
    assert best(first, other_two, other_one) == Match(first.catalog_id, text, 100.0, 4.0)


def test_similarities_are_similarity_of_each_from_the_cutoff_up() -> None:
    rnd = random.Random(7)
    texts = sorted({c.question_text for c in load_catalog().criteria() if c.question_text})
    many = ComparedMany.of([compared(t) for t in texts[:80]] + [compared(""), compared("  ")])
    for a in rnd.sample(texts, 40) + ["", "Finns en plan", texts[0][: len(texts[0]) // 2]]:
        for cutoff in (0.0, 50.0, 80.0, 90.0):
            full = [similarity_of(compared(a), b) for b in zip(*many, strict=True)]
            assert similarities(compared(a), many, cutoff) == [s if s >= cutoff else 0.0 for s in full]


def test_a_printed_question_is_not_scored_pair_by_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: each printed question was scored against each candidate with two rapidfuzz calls of its own
    (some 1,900 pairs, 2.2 ms, for the edition detection of a report of 44 questions)."""
    from kompass_extract.match import catalog as catalog_module

    catalog = load_catalog()
    question = next(c for c in catalog.criteria("2016") if c.question_text)
    pairs: list[object] = []
    monkeypatch.setattr(catalog_module, "similarity_of", lambda *args: pairs.append(args) or similarity_of(*args))
    match = catalog.match_question("2016", question.area_no, question.question_no, question.question_text + " ?")
    assert match is not None and match.catalog_id == question.catalog_id
    assert catalog.match_question("2016", question.area_no, "9.9", "Ett annat ämne helt och hållet") is None
    assert pairs == []


def test_single_spaced_is_the_white_space_pattern() -> None:
    """Headings, folded labels and catalog texts are single-spaced by ``str.split`` instead of ``re.sub(r"\\s+")``
    (four times faster): both must take the same characters for white space, and give the same text."""
    import re

    from kompass_extract.common.text import single_spaced
    from kompass_extract.locate.labels import clean_heading

    every = "".join(map(chr, range(0x110000))).encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass")
    assert re.findall(r"\s", every) == [c for c in every if c.isspace()]
    spaces = [c for c in every if c.isspace()]
    rnd = random.Random(5)
    for _ in range(2000):
        text = "".join(rnd.choice(["a", "Ö", "1", ".", "...", *spaces]) for _ in range(rnd.randint(0, 12)))
        assert single_spaced(text) == re.sub(r"\s+", " ", text).strip(), repr(text)
        assert clean_heading(text) == single_spaced(re.sub(r"(?:(?<!\s)\s+|(?<![\s.]))\.{3,}\s*\d*\s*$", "", text))


def test_a_line_is_read_as_a_table_header_only_when_a_column_label_ends_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: every word of every line after the overview heading was folded to look for the column labels at
    its end; a line whose last word ends no label is no header, and its other words are left alone."""
    from kompass_extract.parse import table_columns

    table_columns.column_phrases()  # the labels themselves are folded once per process
    folded: list[str] = []
    real = table_columns.fold
    monkeypatch.setattr(table_columns, "fold", lambda text: folded.append(text) or real(text))
    row = Line([_word(w, 50 + 60 * n, 100) for n, w in enumerate(["1.1", "Finns", "en", "plan", "3", "4"])], 1)
    assert table_columns.header_columns(row) is None
    assert folded == ["4"]
    header = Line([_word(w, 50 + 80 * n, 100) for n, w in enumerate(["Fråga", "Poäng", "Max", "poäng"])], 1)
    assert table_columns.header_columns(header) is not None


def test_a_text_without_a_suspect_character_holds_no_garbled_one() -> None:
    """text-garbled searches only the texts that hold a character outside the innocent ranges (Latin and Greek,
    digits, punctuation): no character of those ranges may be garbled, whatever stands beside it."""
    from kompass_extract.validate.text_rules import GARBLED, SUSPECT

    innocent = [chr(c) for c in range(0x110000) if c < 0xD800 or c > 0xDFFF if not SUSPECT.match(chr(c))]
    assert len(innocent) > 800 and "å" in innocent and "–" in innocent and "\ufb01" in innocent
    for c in innocent:
        for text in (c, f"a{c}", f"{c}a", f"a{c}a", f"\ue000{c}\ue000"):
            assert [m.group() for m in GARBLED.finditer(text)] in ([], ["\ue000", "\ue000"][: text.count("\ue000")])
        assert GARBLED.search(f"a{c}a") is None, repr(c)
    assert SUSPECT.search("Sve\ue001rige") and SUSPECT.search("kommun\x02") and SUSPECT.search("Ｓ")


def test_a_latin1_text_is_told_suspect_as_the_pattern_tells_it() -> None:
    """A text of Latin-1 characters is told suspect from its bytes, other texts by the pattern: the same answer for
    every Latin-1 character alone and beside others, and for texts mixing in characters outside Latin-1."""
    from kompass_extract.validate.text_rules import SUSPECT, _suspect

    rnd = random.Random(1252)
    latin1 = [chr(c) for c in range(256)]
    for c in latin1:
        for text in (c, f"Styrning {c}", f"{c}å\t\n"):
            assert _suspect(text) == (SUSPECT.search(text) is not None), repr(text)
    others = ["–", "”", "•", "\ue001", "Ж", "\ufffd", "Ｓ", "\u0100"]
    for _ in range(2000):
        text = "".join(rnd.choice(latin1 + others) for _ in range(rnd.randint(0, 6)))
        assert _suspect(text) == (SUSPECT.search(text) is not None), repr(text)


def test_text_garbled_searches_only_texts_with_a_suspect_character(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: every text of every area (its paragraphs, items, questions) was searched with the garbled-character
    pattern, 2.2 ms of a 31-page report; a text of Latin letters, digits and punctuation alone is not."""
    from types import SimpleNamespace

    from kompass_extract.model import Finding, Section
    from kompass_extract.validate import text_rules

    searched: list[str] = []
    real = text_rules.GARBLED

    class Spy:
        def finditer(self, text: str):  # type: ignore[no-untyped-def]
            searched.append(text)
            return real.finditer(text)

    area = Area(1, name="Styrning – och ”ledning”")
    area.sections = [Section("Rubrik", ["Ett stycke text, 75 % av allt.", "Of\ue001entlig styrning"], 1, None)]
    area.findings = [Finding("strength", 1, "Tydlig ledning • bra", 1)]
    monkeypatch.setattr(text_rules, "GARBLED", Spy())
    hits = list(text_rules.text_garbled(SimpleNamespace(area=area, no=1)))  # type: ignore[arg-type]
    assert searched == ["Of\ue001entlig styrning"]
    assert len(hits) == 1


def test_a_page_without_a_swapped_unit_is_not_searched_for_swapped_ligatures(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: every page text that is not ASCII (every Swedish page) was searched with the swapped-ligature
    pattern, whose branches begin with a look-behind and so are tried at every position (1.4-1.9 ms a report)."""
    from kompass_extract.read import textlayer

    searched: list[str] = []
    real = textlayer._SWAPPED_IN_WORD

    class Spy:
        def sub(self, repl, text):  # type: ignore[no-untyped-def]
            searched.append(text)
            return real.sub(repl, text)

    monkeypatch.setattr(textlayer, "_SWAPPED_IN_WORD", Spy())
    assert textlayer.unswap_ligatures("Förbättringsområden – 75 %") == "Förbättringsområden – 75 %"
    assert textlayer.unswap_ligatures("den o\u6600\u6600entliga") == "den offentliga"
    assert searched == ["den o\u6600\u6600entliga"]


def test_grouped_lines_carry_the_top_they_were_ordered_by() -> None:
    """Regression: group_lines took each line's top to order the lines and the line took it again at first use
    (every line's top is read: running headers, body size, pitch); it is taken once, as its definition says."""
    from kompass_extract.read.lines import group_lines

    rnd = random.Random(18)
    for _ in range(50):
        words = [
            _word(rnd.choice(["a", "Styrkor", "71"]), rnd.uniform(0, 500), rnd.choice([100.0, 100.4, 113.0, 126.2]))
            for _ in range(rnd.randint(1, 30))
        ]
        lines = group_lines(words, 1)
        assert all("top" in line.__dict__ for line in lines)  # carried, not computed on first use
        tops = [min(w.top for w in line.words) for line in lines]
        assert [line.top for line in lines] == tops == sorted(tops)
        assert sorted(id(w) for line in lines for w in line.words) == sorted(map(id, words))


def test_the_strengths_label_in_pieces_is_found_as_defined() -> None:
    """The strengths label among a line's first two words, whole or in up to three pieces OCR broke it into, is
    looked for by adding one piece at a time to the joined text (each line of every section is asked): the same
    (index, pieces) as joining each slice anew. A guard: the old code gives the same, slower."""
    from kompass_extract.parse.findings_header import LABEL_PIECES, strengths_label

    def by_definition(words: list[Word]) -> tuple[int, int] | None:
        for k in range(min(2, len(words))):
            for n in range(1, min(LABEL_PIECES, len(words) - k) + 1):
                if is_label("".join(w.text for w in words[k : k + n]), "strengths"):
                    return k, n
        return None

    rnd = random.Random(18)
    pieces = ["S", "tyrkor", "Sty", "rkor", "Styrkor", "Styrkor:", "'Styrkor", "St", "yr", "kor", "•", "och", "2."]
    found = 0
    for _ in range(3000):
        words = [_word(rnd.choice(pieces), 10.0 * n, 100) for n in range(rnd.randint(0, 5))]
        assert strengths_label(words) == by_definition(words), [w.text for w in words]
        found += by_definition(words) is not None
    assert found > 300


def test_a_table_row_s_numbers_are_told_from_its_text_without_comparing_words(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: the words of a row that are not its text were found with ``w not in text_column``, comparing
    every word with every text word field by field (some 2,400 comparisons a report); the text column holds the
    line's own words, so they are told apart by identity (a word and its exact double always fall on one side)."""
    from kompass_extract.parse import overview

    header = Line([_word(w, x, 100) for w, x in [("Fråga", 50), ("Uppnått", 300), ("Max", 400)]], 1)
    rows = [
        Line([_word(w, x, 120 + 14 * n) for w, x in [(f"1.{n}", 50), ("Finns", 80), ("en plan", 130), ("3", 320)]], 1)
        for n in range(1, 6)
    ]
    compared: list[object] = []
    real = Word.__eq__
    monkeypatch.setattr(Word, "__eq__", lambda self, other: compared.append(self) or real(self, other))
    areas: dict[int, Area] = {}
    overview.parse_overview([header, *rows], areas)
    assert [(q.question_no, q.text, q.achieved) for q in areas[1].questions][:2] == [
        ("1.1", "Finns en plan", 3.0),
        ("1.2", "Finns en plan", 3.0),
    ]
    assert compared == []


def test_running_headers_are_looked_for_in_the_band_without_a_call_per_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: body_lines asked ``_in_band(line, page)`` for every line of every page, a call that multiplied the
    page height again each time; the band's bounds are taken once per page. Only a page's first and last lines are
    still asked (for a lone page number)."""
    from kompass_extract.locate import furniture
    from kompass_extract.read.document import Page

    words = [_word(f"Rad{n}", 50, 120 + 24 * n) for n in range(25)] + [_word("Rapport", 50, 5), _word("3", 300, 820)]
    pages = [Page(n, 595.0, 842.0, "", words_given=list(words)) for n in (1, 2, 3)]
    asked: list[object] = []
    real = furniture._in_band
    monkeypatch.setattr(furniture, "_in_band", lambda line, page: asked.append(line) or real(line, page))
    kept = furniture.body_lines(pages)
    assert [ln.text for ln in kept[2]][:2] == ["Rad0", "Rad1"] and "Rapport" not in [ln.text for ln in kept[2]]
    assert len(asked) <= 2 * len(pages)


def test_fold_diacritics_is_its_definition_on_every_character() -> None:
    """fold_diacritics strips the common combining marks in one pass and tests only the rest outside ASCII one by
    one (a report's whole text is folded once per file): the same text as testing every character."""
    import unicodedata

    from kompass_extract.common.text import fold_diacritics

    def by_definition(text: str) -> str:
        return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))

    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    for start in range(0, len(every), 4096):
        chunk = every[start : start + 4096]
        assert fold_diacritics(chunk) == by_definition(chunk)
    rnd = random.Random(3)
    for _ in range(500):
        text = "".join(
            rnd.choice(["a", "å", "é", "\u0308", "\u034f", "ǅ", "ﬁ", "Ö", " ", "ß", "\u20d7", "1"]) for _ in range(9)
        )
        assert fold_diacritics(text) == by_definition(text), repr(text)


def test_trailing_numbers_are_stripped_as_defined() -> None:
    """strip_trailing_numbers splits with ``str.split`` instead of a match object per word (a whole report's text is
    normalised once per file): the same text as the token-by-token definition, on random rows."""
    import re

    from kompass_extract.match.text import strip_trailing_numbers

    number = re.compile(r"\d+(?:[.,]\d+)?")

    def by_definition(text: str) -> str:
        tokens = [(m.start(), m.group()) for m in re.finditer(r"\S+", text)]
        keep = len(tokens)
        while keep:
            token = tokens[keep - 1][1]
            if token == "%" and keep >= 2 and number.fullmatch(tokens[keep - 2][1]):
                keep -= 2
            elif number.fullmatch(token.removesuffix("%")):
                keep -= 1
            else:
                break
        if keep == len(tokens):
            return text
        if keep == 0 and tokens[0][0] == 0:
            keep = 2 if len(tokens) > 1 and tokens[1][1] == "%" and number.fullmatch(tokens[0][1]) else 1
            if keep == len(tokens):
                return text
        if keep == 0:
            return ""
        start, token = tokens[keep - 1]
        return text[: start + len(token)]

    rnd = random.Random(11)
    words = ["11", "75%", "%", "7,5", "3.25", "1.1", "Finns", "plan?", "12a", "x%", "", "\u00a0", "\u2003", "\n"]
    for _ in range(5000):
        text = "".join(
            rnd.choice(words) + rnd.choice(["", " ", "  ", "\t", "\u00a0", "\u3000"]) for _ in range(rnd.randint(0, 7))
        )
        assert strip_trailing_numbers(text) == by_definition(text), repr(text)


def test_a_box_sub_area_is_echoed_by_the_same_headings_as_pair_by_pair() -> None:
    """The sub-headings that echo a box's sub-area are looked for with one rapidfuzz call per sub-area (giving up on a
    heading below the threshold), not one per pair: the same count as every pair's full token-set score, on catalog
    texts reworded, cut and mixed with others, around the threshold too."""
    rnd = random.Random(85)
    texts = sorted({c.question_text for c in load_catalog().criteria() if c.question_text})
    words = [w for t in texts for w in t.split()]

    def near(text: str) -> str:
        parts = text.split()[: rnd.randint(1, 8)]
        for _ in range(rnd.choice([0, 1, 2, 3])):
            parts.insert(rnd.randrange(len(parts) + 1), rnd.choice(words))
        return " ".join(parts) if rnd.random() < 0.9 else rnd.choice(["", " ", "Åtgärder"])

    scores: list[float] = []
    for _ in range(300):
        rubriker = [near(rnd.choice(texts)) for _ in range(rnd.randint(0, 6))]
        headings = [near(rnd.choice(rubriker or texts)) for _ in range(rnd.randint(0, 8))]
        area = Area(1, rubriker=rubriker, sections=[Section(h, [], 1) for h in headings])
        echoed = [r for r in rubriker if any(fuzz.token_set_ratio(fold(r), fold(h)) >= SIMILAR for h in headings if h)]
        assert _echoed(area) == len(echoed), (rubriker, headings)
        scores += [fuzz.token_set_ratio(fold(r), fold(h)) for r in rubriker for h in headings if h]
    assert any(SIMILAR <= s < 100 for s in scores) and any(0 < s < SIMILAR for s in scores)
