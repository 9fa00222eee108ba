"""Labels printed so close together that the text layer has no space between them ("MaxProcent").

A table whose header cells are narrow sets the right-aligned "Max" against a left-aligned "Procent", and pdfium,
seeing no gap, gives one word: the header row is then no run of column labels, and every question row of the table
is lost (flagged as an area without question rows, but lost). Such a word is cut back into the labels it is made of,
each given its share of the word's width by its letters (centres close enough to tell the columns apart; the number
cells below, not the labels, give the values).
"""

from __future__ import annotations

from dataclasses import replace

from kompass_extract.locate.labels import fold
from kompass_extract.read.geometry import Word


def unglued(word: Word, vocabulary: frozenset[str]) -> list[Word] | None:
    """``word`` cut into two or more words of ``vocabulary`` (folded label words), or None when it is no such run.

    The cut is searched from the right, longest word first, and must use the whole word.
    """
    text = word.text.strip(":")
    folded = fold(text)
    if len(folded) != len(text):  # folding changed the letters' count: no place to cut by
        return None
    parts = _cut(folded, vocabulary)
    if parts is None or len(parts) < 2:
        return None
    width = (word.x1 - word.x0) / len(text)
    out, start = [], 0
    for part in parts:
        end = start + len(part)
        out.append(replace(word, text=text[start:end], x0=word.x0 + start * width, x1=word.x0 + end * width))
        start = end
    return out


def _cut(text: str, vocabulary: frozenset[str]) -> list[str] | None:
    """``text`` as a sequence of vocabulary words, the last one longest (None when there is none)."""
    if not text:
        return []
    for n in range(len(text), 0, -1):
        tail = text[len(text) - n :]
        if tail in vocabulary:
            head = _cut(text[: len(text) - n], vocabulary)
            if head is not None:
                return [*head, tail]
    return None
