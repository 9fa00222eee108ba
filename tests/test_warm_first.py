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
from kompass_extract.read.document import Word

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


def _word(text: str, x0: float, top: float, size: float = 10.0) -> Word:
    return Word(text, x0, top, x0 + 6.0 * len(text), top + size, size, False)
