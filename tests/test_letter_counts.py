"""The text-layer test counts letters on code point arrays; the regular expressions below are its definition."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from kompass_extract.read.ocr.pages import _letter_counts

ROOT = Path(__file__).resolve().parent.parent

LATIN = re.compile("[0-9A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")
LETTER_OR_DIGIT = re.compile(r"[^\W_]")
GARBAGE = re.compile("[\ufffd\x00-\x08\x0b\x0c\x0e-\x1f\ue000-\uf8ff]")
VOWEL = re.compile("[aeiouyåäöéAEIOUYÅÄÖÉ]")
UNMAPPED_AFTER_LETTER = re.compile(
    "(?<=[0-9A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f])[\x00\x01\x03-\x08\x0b\x0c\x0e-\x1f]"
)


def by_regex(text: str) -> tuple[int, int, int, int]:
    good = len(LATIN.findall(text))
    bad = len(GARBAGE.findall(text)) + len(LETTER_OR_DIGIT.findall(text)) - good
    return good, bad, len(VOWEL.findall(text)), len(UNMAPPED_AFTER_LETTER.findall(text))


def test_letter_counts_agree_with_their_definition_on_any_characters() -> None:
    rnd = random.Random(18)
    points = [*range(0x3000), *range(0xD7F0, 0xE100), *range(0xF8F0, 0x10000), 0x1D400, 0x1F600, 0x10FFFF]
    texts = ["", "Område 1: Offentlighet och demokrati, 75 %", "\ud800 ensam surrogat", "\x00\ufffd\ue000 skräp"]
    texts += ["Po\x01ng \x01 Mer V\x01\x04sby 7\x02x \x1f"]
    texts += ["".join(chr(rnd.choice(points)) for _ in range(rnd.randint(1, 300))) for _ in range(500)]
    for text in texts:
        assert _letter_counts(text) == by_regex(text), repr(text)


def test_a_document_s_pages_are_counted_in_one_pass_as_each_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: the text-layer test counted letters page by page, some fifteen array operations each (1 ms of a
    31-page report); a document's pages are counted in one pass, each page's counts its own: random pages of any
    characters, empty pages, and a page that ends in a letter before one that begins with an unmapped code (a pair
    across two pages is no pair)."""
    from kompass_extract import pipeline
    from kompass_extract.read.ocr import pages as ocr_pages

    rnd = random.Random(21)
    points = [*range(0x300), 0x2022, 0xFFFD, 0xE000, 0x1D400, 0x10FFFF, 0xD800]
    for _ in range(300):
        texts = [
            "".join(chr(rnd.choice(points)) for _ in range(rnd.choice([0, 1, 5, 80]))) for _ in range(rnd.randint(1, 6))
        ]
        texts += ["Po", "\x01ng", ""]
        rnd.shuffle(texts)
        assert ocr_pages._letter_counts_of(texts) == [by_regex(text) for text in texts], texts
    passes: list[int] = []
    real = ocr_pages._letter_counts_of
    monkeypatch.setattr(ocr_pages, "_letter_counts_of", lambda texts: passes.append(len(texts)) or real(texts))
    pipeline.extract(str(ROOT / "fixtures" / "lulea-2018" / "report.pdf"))
    assert passes == [31]


def test_a_document_of_no_pages_has_no_counts() -> None:
    """The pass over all pages' texts at once indexed its page ends with an empty float array (IndexError) when
    there were no pages."""
    from kompass_extract.read.ocr.pages import _letter_counts_of, pages_needing_ocr

    assert _letter_counts_of([]) == []
    assert pages_needing_ocr([]) == []
