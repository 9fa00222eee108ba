"""Warm conversion speed (issue 18), structural savings: work no stage reads is not done, and what is done instead
gives the same lines, in the same order, as the plain definitions."""

from __future__ import annotations

import math
import operator
import random
from pathlib import Path

import pytest

from kompass_extract.locate.layout import iter_column_lines
from kompass_extract.model import Area
from kompass_extract.parse import box, sections
from kompass_extract.parse.box import box_column
from kompass_extract.read import lines as grouping
from kompass_extract.read.document import open_pdf
from kompass_extract.read.geometry import Word
from kompass_extract.read.lines import Line, group_lines, iter_lines

ROOT = Path(__file__).resolve().parent.parent


def _group_lines_as_defined(words: list[Word], page_number: int) -> list[Line]:
    """group_lines as it was written before lines could be given as they are read (the definition)."""
    ordered = sorted(((w.top + w.bottom) / 2, w.x0, n, w) for n, w in enumerate(words))
    lines: list[tuple[float, float, list[Word]]] = []
    for centre, _, _, w in ordered:
        if lines and centre == lines[-1][0]:  # the latest line's own centre: it joins (a NaN height at infinity too)
            lines[-1][2].append(w)
            continue
        height = max(w.bottom - w.top, 1.0)
        for anchor_centre, anchor_height, members in lines[:-4:-1]:
            if abs(centre - anchor_centre) < 0.3 * min(height, anchor_height):
                members.append(w)
                break
        else:
            lines.append((centre, height, [w]))
    made = [Line(sorted(members, key=operator.attrgetter("x0")), page_number) for _, _, members in lines]
    made.sort(key=lambda line: min(w.top for w in line.words))
    return made


def _shape(lines: list[Line]) -> list[tuple]:
    """Each line's words (by identity), page, box and size: what a reader of the lines sees (floats by repr, so
    that a NaN equals a NaN and -0.0 differs from 0.0)."""
    return [
        ([id(w) for w in ln.words], ln.page, *map(repr, (ln.top, ln.bottom, ln.x0, ln.x1, ln.size))) for ln in lines
    ]


def _random_words(rnd: random.Random) -> list[Word]:
    """Words of mixed heights (specks, body text, a tall heading), on rounded and free positions: lines that
    overlap, tie, and reach above the words' centres."""
    words = []
    for _ in range(rnd.randint(0, 45)):
        top = rnd.choice([rnd.uniform(0, 120), float(round(rnd.uniform(0, 120))), 50.0])
        height = rnd.choice([rnd.uniform(0.1, 3.0), rnd.uniform(5.0, 14.0), 10.0, 30.0, 60.0])
        x0 = rnd.choice([rnd.uniform(0, 500), 100.0])
        words.append(Word("w", x0, top, x0 + rnd.uniform(0, 40), top + height, height))
    return words


def test_lines_given_as_they_are_read_are_the_grouped_lines() -> None:
    """iter_lines gives a line as soon as no word still to come can join it or come before it: all of them, the
    same and in the same order as group_lines and as its definition, on random pages and on every page of fixtures
    of four producers; and a reader that stops early gets a prefix of them (a guard: group_lines is unchanged)."""
    rnd = random.Random(20)
    pages = [_random_words(rnd) for _ in range(2500)]
    for name in ("lulea-2018", "generated/analys2010-region-gotland", "chromium/chromium-circle-floats"):
        doc = open_pdf(str(ROOT / "fixtures" / name / "report.pdf"))
        pages += [page.words for page in doc.pages]
        doc.close()
    for words in pages:
        defined = _shape(_group_lines_as_defined(words, 4))
        assert _shape(group_lines(words, 4)) == defined
        assert _shape(list(iter_lines(words, 4))) == defined
        taken = rnd.randint(0, 5)
        assert _shape([line for _, line in zip(range(taken), iter_lines(words, 4), strict=False)]) == defined[:taken]


def _set_words(rnd: random.Random) -> list[Word]:
    """Words as a producer sets them, with what could make a shortcut differ: lines in runs of words with the same
    top and bottom, a run broken into several (a line that crosses a table's columns, read column by column), words
    of another height on a line's centre, runs not left to right, ties in left edge and centre, signed zeros,
    specks under 1 pt, infinities and NaN; or all of them in no order."""
    words: list[Word] = []
    odd = rnd.choice([0.0, 0.03, 0.3])  # share of runs at infinity or NaN
    for _ in range(rnd.randint(0, 12)):
        top = rnd.choice([100.0, 112.0, 0.0, -0.0, float(rnd.randint(0, 40)), rnd.uniform(0, 200)])
        bottom = top + rnd.choice([10.0, 10.0, 12.0, 0.5, 0.0, rnd.uniform(0.2, 30.0)])
        if rnd.random() < odd:
            top, bottom = rnd.choice([(math.nan, 10.0), (100.0, math.nan), (math.inf, math.inf), (-math.inf, math.inf)])
        height = bottom - top
        size = rnd.choice([height, 10.0, math.nan]) if rnd.random() < 0.1 else height
        run = []
        for _ in range(rnd.randint(1, 8)):
            x0 = rnd.choice([0.0, -0.0, 50.0, float(rnd.randint(0, 30) * 10), rnd.uniform(0, 500)])
            if rnd.random() < 0.02:
                x0 = math.nan
            if rnd.random() < 0.1:  # another height on the same centre (a bigger or smaller font on the line)
                grown = rnd.choice([1.0, 2.0, 4.0])
                run.append(Word("w", x0, top - grown, x0 + 9.0, bottom + grown, size))
            else:
                run.append(Word("w", x0, top, rnd.choice([x0, x0 + rnd.uniform(0, 60)]), bottom, size))
        if rnd.random() < 0.7:
            run.sort(key=lambda w: w.x0 if w.x0 == w.x0 else 0.0)
        cut = rnd.randint(0, len(run))
        at = rnd.randint(0, len(words))
        words[at:at] = run[:cut]
        at = rnd.randint(0, len(words)) if rnd.random() < 0.3 else len(words)
        words[at:at] = run[cut:]
    if rnd.random() < 0.1:  # no runs at all
        rnd.shuffle(words)
    return words


def test_grouped_lines_are_those_of_the_definition() -> None:
    """group_lines and iter_lines take the words as runs of one top and bottom and sort them by centre alone: the
    lines, their words' order, their order and their measures must be those of the definition (a sort of every
    word by (centre, x0, index), word by word), on every page of every committed fixture, on its words shuffled,
    and on random pages set as producers set them, ties, mixed heights, signed zeros and NaN included (iter_lines
    where no height is NaN: the tallest word's height bounds what it gives, and a NaN top has no place among tops)."""
    rnd = random.Random(25)
    pages = [_set_words(rnd) for _ in range(6000)]
    for path in sorted((ROOT / "fixtures").rglob("*.pdf")):
        doc = open_pdf(str(path))
        pages += [page.words for page in doc.pages]
        pages += [rnd.sample(page.words, len(page.words)) for page in doc.pages[:3]]
        doc.close()
    for words in pages:
        defined = _shape(_group_lines_as_defined(words, 4))
        assert _shape(group_lines(words, 4)) == defined
        if all(w.bottom - w.top == w.bottom - w.top for w in words):  # a NaN height or top: an order of its own
            taken = rnd.randint(0, 8)
            given = _shape([line for _, line in zip(range(taken), iter_lines(words, 4), strict=False)])
            assert given == defined[:taken]


def _word(text: str, x0: float, top: float, size: float = 10.0, bold: bool = False) -> Word:
    return Word(text, x0, top, x0 + 6.0 * len(text), top + size, size, bold)


def test_the_box_groups_only_the_lines_it_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: the Rubriker column of the 40 lines after an area heading was regrouped in full, though the
    sub-area headings end within a few lines (~3% of a warm conversion); its lines are grouped as they are read."""
    lines = [
        Line([_word("Rubriker", 50, 100, bold=True), _word("Poäng", 300, 100, bold=True)], 1),
        Line([_word("•", 50, 114), _word("Ledning", 60, 114)], 1),
        Line([_word("•", 50, 128), _word("Styrning", 60, 128), _word("71", 300, 128)], 1),
        *(Line([_word(f"Brödtext{n}", 50, 160 + 14 * n), _word("och", 120, 160 + 14 * n)], 1) for n in range(36)),
    ]
    made: list[Line] = []
    real = grouping.measured_line
    monkeypatch.setattr(grouping, "measured_line", lambda *args, **kw: made.append(real(*args, **kw)) or made[-1])
    area = Area(1)
    start = sections._parse_box(lines, area, None)
    assert area.rubriker == ["Ledning", "Styrning"] and area.header_score == 71.0
    assert start == 3
    assert 3 <= len(made) <= box.HEAD, len(made)  # the column's first lines (a head of the window), not all 38


def _rows(rnd: random.Random) -> list[Word]:
    """Words set in rows at a pitch, each a point or three off its row, a few of them tall: lines that part where
    a head of them may end, and words of the next row that reach into the one above."""
    pitch, words = rnd.uniform(8.0, 16.0), []
    for row in range(rnd.randint(1, 50)):
        for x0 in sorted(rnd.uniform(0, 500) for _ in range(rnd.randint(1, 6))):
            top = 100 + row * pitch + rnd.uniform(-3.0, 3.0)
            height = rnd.uniform(20.0, 60.0) if rnd.random() < 0.03 else rnd.uniform(8.0, 11.0)
            words.append(Word("w", x0, top, x0 + rnd.uniform(5, 40), top + height, height))
    return words


def test_the_box_column_read_from_a_head_is_the_window_column() -> None:
    """The Rubriker column read from a head of the box window first (then, for a reader that goes on, the window) gives
    the lines the whole window's column gives, in its order, on random windows (over one or two pages, lines in any
    order, tall words whose middles lie below the head's last line, heads of one line to all) and on fixtures."""
    rnd = random.Random(23)
    windows = []
    for _ in range(1500):
        pages = (1, 2)[: rnd.randint(1, 2)]
        lines = [line for page in pages for line in group_lines(rnd.choice([_random_words, _rows])(rnd), page)]
        if rnd.random() < 0.3:
            rnd.shuffle(lines)
        windows.append((lines, rnd.choice([1e9, rnd.uniform(0, 540)])))
    for name in ("lulea-2018", "generated/analys2010-region-gotland"):
        doc = open_pdf(str(ROOT / "fixtures" / name / "report.pdf"))
        all_lines = [line for page in doc.pages for line in page.lines]
        windows += [(all_lines[n : n + 40], rnd.uniform(100, 600)) for n in range(0, len(all_lines), 7)]
        doc.close()
    for lines, x_to in windows:
        whole = _shape(list(iter_column_lines(lines, -1e9, x_to)))
        for head in (1, 2, 3, 5, box.HEAD, 60):
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(box, "HEAD", head)
                assert _shape(list(box_column(lines, None, x_to))) == whole


def test_a_line_is_not_given_while_a_tall_word_still_to_come_could_top_it() -> None:
    """A guard of the bound: a tall word whose centre lies below a short line's but whose top lies above it makes a
    line that comes first; the short line is held back until the tall word is grouped."""
    short = [Word("a", 0, 100, 5, 104, 4), Word("b", 10, 100, 15, 104, 4)]
    later = [Word("c", 0, 120, 5, 124, 4), Word("d", 0, 140, 5, 144, 4), Word("e", 0, 160, 5, 164, 4)]
    tall = Word("T", 200, 60, 260, 160, 100)  # centre 110, top 60
    words = short + later + [tall]
    given = list(iter_lines(words, 1))
    assert given[0].words == [tall] and given[0].top == 60
    assert _shape(given) == _shape(_group_lines_as_defined(words, 1))
    assert not any(math.isnan(line.top) for line in given)


def _is_label_as_defined(text: str, *keys: str) -> bool:
    """is_label as it was written before texts were first told by their characters (the definition)."""
    from kompass_extract.locate.labels import _SPECKS, _folded_labels, fold

    folded = fold(text).lstrip(_SPECKS).rstrip(":.")
    return any(folded in _folded_labels(key) for key in keys)


def test_a_word_is_not_folded_when_it_holds_a_letter_no_label_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: every word new to the process was folded to be compared with the labels (each line of every
    section is asked for the strengths label: ~1,100 distinct texts a report, ~2 µs each); a word holding a letter
    that folds to none of the labels' letters is told apart without folding it."""
    from kompass_extract.locate import labels

    folded: list[str] = []
    real = labels.fold
    monkeypatch.setattr(labels, "fold", lambda text: folded.append(text) or real(text))
    labels.is_label.cache_clear()
    assert not labels.is_label("Verksamhetsplanen", "strengths")
    assert not labels.is_label("Styrkorna", "strengths")
    assert labels.is_label("STYRKOR:", "strengths")
    assert "Verksamhetsplanen" not in folded and "Styrkorna" not in folded  # 'v', 'n' fold to no label letter
    assert "STYRKOR:" in folded


def test_telling_a_label_by_its_characters_is_its_definition_on_every_character() -> None:
    """Each code point of the Basic Multilingual Plane (and every 61st above it) inside a label, and random texts of
    label letters in both cases, marks, spaces, a sigma (it lowers by its context) and other characters, give the
    same answer as folding the whole text (a guard of the character test)."""
    from kompass_extract.locate import labels

    keys = ("box_rubriker", "box_score")
    label = sorted(labels._folded_labels(keys[0]))[0]
    codes = [*range(0xD800), *range(0xE000, 0x10000), *range(0x10000, 0x110000, 61)]
    for char in map(chr, codes):
        text = label[:2] + char + label[2:]
        assert labels.is_label.__wrapped__(text, *keys) == _is_label_as_defined(text, *keys), (text, keys)
    rnd = random.Random(20)
    pieces = [
        *label,
        *label.upper(),
        "\u0301",
        "\u0308",
        " ",
        "\u00a0",
        ":",
        ".",
        "'",
        "a",
        "\ufb01",
        "\u03a3",
        "ß",
        "İ",
    ]
    for keys in [("strengths",), ("box_rubriker", "box_score"), ("improvements",), ("area_heading_words",)]:
        for _ in range(4000):
            text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 12)))
            if rnd.random() < 0.3:
                text = rnd.choice(sorted(labels._folded_labels(keys[-1]))) + text[:2]
            assert labels.is_label.__wrapped__(text, *keys) == _is_label_as_defined(text, *keys), (text, keys)


def test_a_line_is_not_folded_when_its_first_letter_begins_no_label(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: each line asked whether it begins with a label (every line after the areas, for the overview
    heading) was folded in full; a line whose first character folds to no label's first one is told without it."""
    from kompass_extract.locate import labels

    labels.starts_with_label("x", "overview_headings"), labels.after_label("x", "improvements")  # labels folded
    folded: list[str] = []
    real = labels.fold
    monkeypatch.setattr(labels, "fold", lambda text: folded.append(text) or real(text))
    assert labels.starts_with_label("Kommunen har en tydlig vision", "overview_headings") is None
    assert labels.after_label("Kommunen har en tydlig vision", "improvements") is None
    assert labels.starts_with_label("  ÖVERSIKT AV POÄNGFÖRDELNING", "overview_headings") is not None
    assert labels.after_label('"Förbättringsområden: tre', "improvements") == "tre"
    assert folded == ["  ÖVERSIKT AV POÄNGFÖRDELNING", '"Förbättringsområden: tre']


def test_telling_a_label_start_by_the_first_character_is_its_definition_on_every_character() -> None:
    """Each code point of the Basic Multilingual Plane (and every 61st above it) at the head of a label, and after
    white space or a stray mark, gives the same start as folding the whole text (a guard)."""
    from kompass_extract.locate import labels

    def starts_as_defined(text: str, key: str) -> str | None:
        m = labels._label_start(key).match(labels.fold(text).lstrip(labels._SPECKS))
        return m.group() if m else None

    key = "improvements"
    label = sorted(labels._folded_labels(key))[0]
    codes = [*range(0xD800), *range(0xE000, 0x10000), *range(0x10000, 0x110000, 61)]
    for n, char in enumerate(map(chr, codes)):
        text = (char + label, " " + char + label[1:], "'" + char + label)[n % 3]
        assert labels.starts_with_label(text, key) == starts_as_defined(text, key), text


def test_dropping_hyphens_is_the_pattern_it_replaces() -> None:
    """drop_hyphens (a whole report's text is normalised once per file) deletes what the look-behind pattern it
    replaces deleted, leftmost first: random texts of letters, hyphens and dashes, spaces and line breaks, hostile
    runs (" - - ", "a--  -b", long runs of spaces); and its white space is the pattern's on every code point (a guard:
    the old code gives the same, slower)."""
    import re

    from kompass_extract.match import text

    pattern = re.compile(rf"(?<!\s)\s*[{text._HYPHENS}]+\s*")
    rnd = random.Random(20)
    alphabet = ["a", "b", " ", "  ", "\n", "\u00a0", "-", "--", "\u2013", "\u00ad", "\u2212", "\t"]
    for _ in range(20000):
        sample = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 16)))
        assert text.drop_hyphens(sample) == pattern.sub("", sample), repr(sample)
    for sample in (" - - ", "a - - b", "a --  - b", "-", " -", "- ", "a" + " " * 5000 + "-" + " " * 5000 + "b"):
        assert text.drop_hyphens(sample) == pattern.sub("", sample), repr(sample[:20])
    space = re.compile(r"\s")
    for code in [*range(0xD800), *range(0xE000, 0x30000)]:
        char = chr(code)
        assert char.isspace() == bool(space.match(char)), hex(code)


def test_a_text_is_folded_character_by_character_outside_ascii(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: folding decomposed the whole text (NFKD) and deleted the marks of every "å", "ä" and "ö" (a
    report's whole text is folded once per file); each character outside ASCII is now decomposed once per process
    and the rest left alone (guarded on every code point by test_fold_diacritics_is_its_definition_on_every_character)."""
    import unicodedata

    from kompass_extract.common import text

    asked: list[str] = []
    real = unicodedata.normalize

    class Spy:
        @staticmethod
        def normalize(form: str, value: str) -> str:
            asked.append(value)
            return real(form, value)

        combining = staticmethod(unicodedata.combining)

    monkeypatch.setattr(text, "unicodedata", Spy)
    monkeypatch.setattr(text, "_FOLDED", {}, raising=False)
    assert text.fold_diacritics("Styrkor för förbättring – åtgärder är här " * 50) == (
        "Styrkor for forbattring – atgarder ar har " * 50
    )
    assert sorted(asked) == sorted("öäå–")  # each character once, never the text
