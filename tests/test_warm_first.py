"""Warm conversion speed (issue 18) of a file new to the process, as an archive converts it: whole-text
normalisation, the metadata cues, the label tests. Each saving is asserted by the work it leaves out (a regression
test that fails on the old code) and guarded by its plain definition on random and hostile texts."""

from __future__ import annotations

import random
import re
import unicodedata

import pytest

from kompass_extract.common.text import fold_diacritics, single_spaced
from kompass_extract.match import text as match_text
from kompass_extract.read.geometry import Word
from kompass_extract.read.lines import Line

EVERY = "".join(map(chr, [*range(0x30000), *range(0x30000, 0x110000, 61)]))
"""Every code point of the planes in use, lone surrogates included (a text layer may hold them), and every 61st above."""


def _normalise_as_defined(text: str) -> str:
    """normalise as it was written: the steps one after another on the whole text."""
    text = unicodedata.normalize("NFKC", text)
    text = match_text._LEADING_NUMBER_RE.sub("", text)
    text = match_text.strip_trailing_numbers(text)
    text = match_text.drop_hyphens(text)
    text = text.replace("/", " ").replace("_", " ")
    text = re.sub(r"[^\w\s]+", " ", fold_diacritics(text.casefold()))
    return single_spaced(text)


def test_a_whole_text_is_compared_without_a_pattern_pass_over_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: normalising a report's whole text (once per file, for the edition cues) case-folded, folded and
    replaced some 10,000 runs of punctuation with a pattern (2.7 ms of 4.2); each distinct character is now put in
    its comparison form once per process and the text rewritten by one translation and a replacement per character."""

    class Spy:
        def __init__(self, pattern: re.Pattern[str]) -> None:
            self.pattern = pattern

        def sub(self, repl: str, text: str) -> str:
            seen.append(text)
            return self.pattern.sub(repl, text)

    seen: list[str] = []
    monkeypatch.setattr(match_text, "_NON_WORD_RE", Spy(match_text._NON_WORD_RE))
    monkeypatch.setattr(match_text, "_FORMS", {})
    text = "Översikt av poängfördelning – 2018. Styrning, ledning & ”kvalitet”? " * 200
    assert match_text.normalise.__wrapped__(text) == _normalise_as_defined(text)
    assert seen and max(map(len, seen)) <= 4  # characters, never the text


def test_comparison_forms_are_the_steps_they_replace_on_every_character() -> None:
    """Every code point (of the planes in use) alone and between letters, in chunks, and random texts of characters
    whose forms hold other characters ("ϒ" -> "Υ" -> "υ"), sigmas, ligatures, hyphens, numbers and lone surrogates
    normalise as the steps one after another (a guard: the old code is the definition)."""
    for start in range(0, len(EVERY), 256):
        chunk = EVERY[start : start + 256]
        assert single_spaced(match_text.compared_characters(chunk)) == single_spaced(
            match_text._compared_plainly(chunk)
        ), hex(start)
        apart = "a".join(c for c in chunk if match_text._character_form(c) is not None or c.isascii())
        # between letters no step joins two characters, so each character's form is its own: exactly the same
        assert match_text.compared_characters(apart) == match_text._compared_plainly(apart), hex(start)
    for char in EVERY[::31]:
        assert match_text.normalise.__wrapped__(f"a{char}b") == _normalise_as_defined(f"a{char}b"), hex(ord(char))
    rnd = random.Random(21)
    pieces = ["a", "Å", "é", "\u0308", "ϒ", "Υ", "ς", "Σ", "ß", "ﬁ", "İ", "_", "/", "-", " ", "\n", "1", "2,5", "%"]
    pieces += ["–", "”", "\ud800", "＿", "ǅ", "K", ".", "ſ", "\u00a0"]
    for _ in range(30000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 14)))
        assert match_text.normalise.__wrapped__(text) == _normalise_as_defined(text), repr(text)


def test_trailing_numbers_of_a_long_text_are_looked_for_in_its_last_tokens() -> None:
    """Regression: stripping an overview row's trailing numbers split a report's whole text (7,000 words) to look at
    its last few; only the last TAIL_TOKENS are split off, unless the numbers reach into the rest."""
    calls: list[str] = []

    class Spy(str):
        def split(self, *args: object, **kwargs: object) -> list[str]:  # type: ignore[override]
            calls.append("split")
            return super().split(*args, **kwargs)  # type: ignore[arg-type]

    text = Spy("Finns en plan? " * 5000 + "11 15 75 %")
    assert match_text.strip_trailing_numbers(text) == "Finns en plan? " * 4999 + "Finns en plan?"
    assert calls == []
    assert match_text.strip_trailing_numbers(Spy("a " + "1 " * 40)) == "a"  # numbers all the way: split in full
    assert calls == ["split"]


def test_trailing_numbers_are_stripped_as_defined_past_the_last_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    """With only the last 1-4 tokens split off first, random rows of numbers, percentages and words of up to 30
    tokens lose the same numbers as when every token is split (a guard of the tail's edge)."""
    rnd = random.Random(11)
    words = ["11", "75%", "%", "7,5", "Finns", "plan?", "12a", "", "\u00a0", "\n"]
    spaces = ["", " ", "  ", "\t", "\u3000"]
    for tail in (1, 2, 3, 4):
        monkeypatch.setattr(match_text, "TAIL_TOKENS", tail)
        for _ in range(4000):
            text = "".join(rnd.choice(words) + rnd.choice(spaces) for _ in range(rnd.randint(0, 30)))
            got = match_text.strip_trailing_numbers(text)
            monkeypatch.setattr(match_text, "TAIL_TOKENS", 10_000)
            assert got == match_text.strip_trailing_numbers(text), (tail, repr(text))
            monkeypatch.setattr(match_text, "TAIL_TOKENS", tail)


def test_the_tool_s_name_is_found_without_lowering_the_whole_text() -> None:
    """Regression: every file's whole text was lowered and stripped of spaces to find "kommunkompass"; the name as
    reports print it is looked for first, and only a text without it is lowered (where "KOMMUN KOMPASSEN" is found)."""
    from kompass_extract.pipeline import _mentions_kommunkompass

    lowered: list[str] = []

    class Spy(str):
        def lower(self) -> str:
            lowered.append(self)
            return super().lower()

    assert _mentions_kommunkompass(Spy("Analys av Luleå kommun. Kommunkompassen är ett verktyg " * 500))
    assert lowered == []
    assert _mentions_kommunkompass(Spy("ANALYS ENLIGT KOMMUN KOMPASSEN"))
    assert lowered == ["ANALYS ENLIGT KOMMUN KOMPASSEN"]
    assert not _mentions_kommunkompass(Spy("Årsredovisning 2018"))


@pytest.mark.parametrize(
    ("pattern", "required"),
    [
        (r"(?i)analys\s++av\s++(?P<name>.+?)$", ("analys", True)),
        (
            r"^(?=[\s\S]*?\si\s)(?P<name>.+?)\s++i\s++förhållande\s++till\s++(?i:kommunkompassen)",
            ("förhållande", False),
        ),
        (r"(?i)(?:^|[.!?]\s++)utvärderingen\s++av", ("utvärderingen", True)),
        (r"(?P<isodate>\b(?:19|20)\d\d-\d\d-\d\d)\b", ("-", False)),
        (r"(?:kort(?:fakta)?)\s+om", ("kort", False)),  # a group's own runs, the longest
        (r"(?i:rapport)\s+\d", None),  # a group that changes flags is not looked into
        (r"rapport|utvärdering", None),  # an alternation requires neither
        (r"(?:rapport)?\s*x", ("x", False)),  # an optional group is a repeat
        (r"[Rr]apport", ("apport", False)),
        (r"\d+", None),
    ],
)
def test_the_text_a_pattern_requires_is_read_from_its_parse(pattern: str, required: tuple[str, bool] | None) -> None:
    from kompass_extract.common.patterns import required_text

    assert required_text(re.compile(pattern)) == required


def test_texts_are_searched_only_for_the_cues_whose_required_text_they_hold() -> None:
    """A text left out for a pattern never holds a match of it, and a text holding a match is listed: random texts of
    cue words in every case, characters that match letters only when case is ignored ("ſ", "ı", "İ", Kelvin "K",
    final sigma), and plain words; patterns that ignore case, that do not, and that require nothing (a guard)."""
    from kompass_extract.common.patterns import holding, required_text

    patterns = [
        re.compile(p)
        for p in (
            r"(?i)analys\s++av\s++(?P<name>.+?)$",
            r"(?i)utvärderingen\s++av",
            r"(?i)kommunkompassen\s",
            r"förhållande\s++till",
            r"(?i)ΣΟΣ",
            r"(?i)\d{4}",
            r"(?i)sk",
            r"(?i)ſa",  # an ASCII "s" matches it
        )
    ]
    required = [required_text(p) for p in patterns]
    rnd = random.Random(7)
    words = ["analys", "ANALYS", "Analys", "av", "utvärderingen", "UTVÄRDERINGEN", "Kommunkompassen", "förhållande"]
    words += ["till", "σος", "ΣΟΣ", "ſk", "SK", "\u212a", "ı", "İ", "anaſys", "x", "2018", " ", "  ", "ä", "sa", "SA"]
    searched = 0
    for _ in range(3000):
        texts = ["".join(rnd.choice(words) + rnd.choice(["", " "]) for _ in range(rnd.randint(0, 8))) for _ in range(4)]
        held = holding(texts, required)
        for i, text in enumerate(texts):
            for k, pattern in enumerate(patterns):
                if pattern.search(text):
                    assert k in held[i], (text, pattern.pattern)
            searched += len(held[i])
            assert held[i] == sorted(set(held[i]))
    assert searched < 3000 * 4 * len(patterns)  # texts are left out


def test_the_front_lines_are_searched_only_for_the_cues_they_may_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: each of the 13 metadata cues of labels.json was searched in every front line and pair of lines
    (~4,000 searches, 2 ms a report); a cue is searched only in the lines holding the text every match of it holds."""
    from kompass_extract.parse import cover

    searches: list[str] = []

    class Counting:
        def __init__(self, pattern: str) -> None:
            self.real = re.compile(pattern)
            self.pattern, self.flags = self.real.pattern, self.real.flags

        def search(self, text: str) -> re.Match[str] | None:
            searches.append(text)
            return self.real.search(text)

    class Re:
        def __getattr__(self, name: str) -> object:
            return getattr(re, name)

        compile = staticmethod(Counting)

    monkeypatch.setattr(cover, "re", Re())
    cover._cues.cache_clear()
    try:
        lines = [
            Line([_word(t, 50, 100 + 40 * n)], 1)
            for n, t in enumerate(["Analys av Luleå kommun", "Mars 2018", "Utvärderare: Anna Berg"])
        ]
        lines += [Line([_word(f"Brödtext rad {chr(97 + n)} om verksamheten", 50, 300 + 40 * n)], 2) for n in range(26)]
        meta = cover.read_metadata(lines, "\n".join(ln.text for ln in lines))
    finally:
        cover._cues.cache_clear()
    assert meta.municipality_candidates[0][0] == "Luleå kommun"
    assert (meta.year, meta.month, meta.evaluators) == (2018, "mars", ["Anna Berg"])
    assert len(searches) < 12  # the old code searched 13 cues in each of 29 lines, 7 in those without a digit


def test_a_line_is_not_asked_for_the_strengths_label_when_its_first_letters_begin_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Regression: each line of every section was asked whether its first words, joined one to three at a time,
    are the strengths label (six label tests a line, each a fold of a text new to the process); words whose first
    character begins no strengths label are told without a test."""
    from kompass_extract.parse import findings_header

    tested: list[str] = []
    real = findings_header.is_label
    monkeypatch.setattr(findings_header, "is_label", lambda text, *keys: tested.append(text) or real(text, *keys))
    words = [_word(t, 10.0 * n, 100) for n, t in enumerate(["Kommunen", "har", "en", "vision"])]
    assert findings_header.strengths_label(words) is None
    assert not findings_header.label_alone(Line(words, 1))
    assert tested == []
    assert findings_header.strengths_label([_word("S", 10, 100), _word("tyrkor", 20, 100)]) == (0, 2)


def test_a_label_begins_with_what_may_start_one_on_every_character() -> None:
    """Whatever is a label of a key begins with a character that may start one (the test the strengths label and
    a label alone on its line are told by first): every code point in front of, and instead of the first letter of,
    each label of the keys (a guard)."""
    from kompass_extract.locate import labels

    codes = [*range(0xD800), *range(0xE000, 0x10000), *range(0x10000, 0x110000, 61)]
    for key in ("strengths", "improvements"):
        label = labels.labels()[key][0]
        for char in map(chr, codes):
            for text in (char + label, char + label[1:]):
                if labels.is_label.__wrapped__(text, key):
                    assert labels.may_start_with_label(text, key), (text, key)


def _word(text: str, x0: float, top: float, size: float = 10.0) -> Word:
    return Word(text, x0, top, x0 + 6.0 * len(text), top + size, size, False)


def test_words_are_grouped_into_lines_without_a_call_per_comparison(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: grouping words into lines (every page, and each column again) called ``max`` for each word's
    height and ``abs`` and ``min`` for each comparison with the last lines (~16,000 calls a report); the comparisons
    are made inline, on the same floats (guarded by test_lines_given_as_they_are_read_are_the_grouped_lines)."""
    from kompass_extract.read import lines as grouping

    calls: list[str] = []
    for name, real in (("abs", abs), ("max", max), ("min", min)):
        monkeypatch.setattr(
            grouping, name, lambda *a, _n=name, _f=real, **k: calls.append(_n) or _f(*a, **k), raising=False
        )
    words = [_word(f"w{n}", 60.0 * (n % 7), 100.0 + 14 * (n // 7) + (n % 3) * 0.4) for n in range(70)]
    lines = grouping.group_lines(words, 1)
    assert [len(line.words) for line in lines] == [7] * 10
    assert calls == []


def test_a_line_of_alike_words_is_told_bold_from_one_word_with_a_letter() -> None:
    """Regression: whether a line is bold tested each of its words for a letter or digit; when all its words are
    alike (bold or not: nearly every line), one word with a letter or digit settles it."""
    tested: list[str] = []

    class Text(str):
        def isalnum(self) -> bool:
            tested.append(self)
            return super().isalnum()

    line = Line(
        [
            Word(Text(t), 10.0 * n, 100, 10.0 * n + 8, 110, 10, True)
            for n, t in enumerate(["Styrkor", "och", "svagheter"])
        ],
        1,
    )
    assert line.bold is True
    assert tested == ["Styrkor"]
    mixed = Line(
        [Word(Text(t), 10.0 * n, 100, 10.0 * n + 8, 110, 10, n == 0) for n, t in enumerate(["•", "Mål", "och"])], 1
    )
    assert mixed.bold is False  # the bullet is no word: the words are not all bold
    assert Line([Word(Text("•"), 0, 100, 8, 110, 10, True)], 1).bold is None


def test_a_word_s_first_character_is_checked_in_place_without_a_call(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: reading a word (once per word of every file) called ``abs`` to check that its first character
    stands at its left; the check is two comparisons on the same floats (guarded float for float by
    test_one_rectangle_words_in_the_common_frame_are_read_by_their_definition)."""
    from pathlib import Path

    from kompass_extract.read import document, geometry

    calls: list[float] = []
    monkeypatch.setattr(geometry, "abs", lambda v: calls.append(v) or abs(v), raising=False)
    pdf = Path(__file__).resolve().parent.parent / "fixtures" / "lulea-2018" / "report.pdf"
    doc = document.open_pdf(str(pdf))
    words = sum(len(page.words) for page in doc.pages)
    doc.close()
    assert words > 8000
    assert 3 * len(calls) < words  # once per text object (its size's scale), not once per word


def test_the_line_pitch_tells_body_lines_once_each(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: the line pitch asked twice per pair of lines whether each is set at the body size (a function
    call and abs() each time); each line is told once. Random pages give the median step of the definition."""
    import statistics

    from kompass_extract.locate import layout

    def pitch_as_defined(lines: list[Line], body: float) -> float:
        steps = [
            b.top - a.top
            for a, b in zip(lines, lines[1:], strict=False)
            if a.page == b.page
            and abs(a.size - body) < layout.BODY_SHARE * body
            and abs(b.size - body) < layout.BODY_SHARE * body
            and 0 < b.top - a.top < 2.2 * body
        ]
        return statistics.median(steps) if steps else body * 1.25

    rnd = random.Random(4)
    for _ in range(2000):
        lines = [
            Line(
                [_word("x", 50, rnd.choice([100.0, rnd.uniform(0, 800)]), rnd.choice([10.0, 10.5, 9.2, 14.0]))],
                rnd.randint(1, 3),
            )
            for _ in range(rnd.randint(0, 12))
        ]
        body = rnd.choice([10.0, 12.0])
        assert layout.line_pitch(lines, body) == pitch_as_defined(lines, body)
    calls: list[float] = []
    monkeypatch.setattr(layout, "abs", lambda v: calls.append(v) or abs(v), raising=False)
    lines = [Line([_word("Brödtext", 50, 100 + 14 * n)], 1) for n in range(20)]
    assert layout.line_pitch(lines, 10.0) == 14.0
    assert len(calls) == 20


def test_a_whole_text_s_hyphens_are_found_without_testing_each_character() -> None:
    """Regression: the runs of hyphens and dashes of a report's whole text (normalised once per file) were found
    with a character-class pattern that tested each of its 60,000 characters against the eight kinds (0.5 ms for
    some 50 runs); each kind is found with str.find, one call per hyphen and one per kind (guarded against the
    pattern by test_dropping_hyphens_is_the_pattern_it_replaces)."""
    finds: list[str] = []

    class Spy(str):
        def find(self, *args: object) -> int:  # type: ignore[override]
            finds.append(str(args[0]))
            return super().find(*args)  # type: ignore[arg-type]

    text = Spy("Styrning och ledning av verksamheten. " * 1000 + "e-tjänster - och ledar- skapet – 2018")
    assert (
        match_text.drop_hyphens(text)
        == "Styrning och ledning av verksamheten. " * 1000 + "etjänsteroch ledarskapet2018"
    )
    assert len(finds) == 4 + len(match_text._HYPHENS)  # a find per hyphen, and one more per kind that comes to -1


def test_a_python_without_the_regular_expression_parser_only_loses_the_prefilter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The required text is read with CPython's internal ``re._parser``; were it gone, importing the package must
    not fail, and every pattern is then simply searched (no required text)."""
    import sys

    from kompass_extract.common.patterns import required_text

    monkeypatch.delattr(re, "_parser")  # `from re import _parser` then looks it up as a module ...
    monkeypatch.setitem(sys.modules, "re._parser", None)  # ... whose import raises ImportError
    assert required_text(re.compile(r"(?i)analys\s++av\s++(?P<name>.+)")) is None
