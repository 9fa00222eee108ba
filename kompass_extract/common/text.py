"""Text folding shared by every stage: matching labels, catalog texts and municipality names."""

from __future__ import annotations

import unicodedata


def fold_diacritics(text: str) -> str:
    """Drop combining marks: "för" -> "for", so a lost diacritic costs nothing in a comparison."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def single_spaced(text: str) -> str:
    """``text`` with each run of white space one space and none at either end: ``re.sub(r"\\s+", " ", text).strip()``
    in a quarter of its time (every line of the front pages and every heading goes through it). ``str.split`` and
    the pattern's ``\\s`` take the same characters for white space (Python's ``str.isspace``)."""
    return " ".join(text.split())
