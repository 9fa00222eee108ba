"""Text folding shared by every stage: matching labels, catalog texts and municipality names."""

from __future__ import annotations

import re
import unicodedata

_MARKS = re.compile("[\u0300-\u034e\u0350-\u036f]+")
"""Combining diacritical marks (U+034F, the grapheme joiner, is none): what NFKD leaves of "åäöé" besides letters."""
_NON_ASCII = re.compile("[^\x00-\x7f]+")


def fold_diacritics(text: str) -> str:
    """Drop combining marks: "för" -> "for", so a lost diacritic costs nothing in a comparison.

    The common marks go in one pass in C, and only what is left outside ASCII (no ASCII character is a mark) is
    tested character by character: a report's whole text is folded once per file (see
    :func:`~kompass_extract.match.edition.labels_in_text`), and testing each of its 45,000 characters took 2.7 ms."""
    decomposed = _MARKS.sub("", unicodedata.normalize("NFKD", text))
    return decomposed if decomposed.isascii() else _NON_ASCII.sub(_without_marks, decomposed)


def _without_marks(run: re.Match[str]) -> str:
    return "".join([c for c in run.group() if not unicodedata.combining(c)])


def single_spaced(text: str) -> str:
    """``text`` with each run of white space one space and none at either end: ``re.sub(r"\\s+", " ", text).strip()``
    in a quarter of its time (every line of the front pages and every heading goes through it). ``str.split`` and
    the pattern's ``\\s`` take the same characters for white space (Python's ``str.isspace``)."""
    return " ".join(text.split())
