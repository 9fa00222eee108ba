"""Where pdfium's page text parts into words (see ``kompass_extract.read.geometry._split``)."""

from __future__ import annotations

from kompass_extract.read import geometry


def test_words_part_at_white_space_nul_and_byte_order_mark_only() -> None:
    # white space as Unicode has it (no-break, ideographic, line separator), NUL and BOM part words;
    # a zero-width space is no white space and stays inside its word
    text = "Styrkor\x00Område\ufeffpoäng\xa0a\u3000b\u2028c \r\nd\u200be"
    assert geometry._split(text) == ["Styrkor", "Område", "poäng", "a", "b", "c", "d\u200be"]
