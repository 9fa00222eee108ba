"""Text normalisation and similarity shared by the catalog, edition detection and municipality names.

Printed texts differ from the catalog in ways that carry no meaning: case, quotes, punctuation,
hyphenation split over lines ("ledar - skapet", "kompetens -"), spaces inside words, lost diacritics
("Strategi for"), trailing numbers of a table row glued to the text. Both sides of a comparison go
through the same :func:`normalise`, so these differences vanish before rapidfuzz scores the rest.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz import fuzz

from kompass_extract.common.text import fold_diacritics

_HYPHENS = "-\u2010\u2011\u2012\u2013\u2014\u2212\u00ad"
# A hyphen or dash with the whitespace around it: deleting it joins "ledar - skapet" and
# "effektivitets-\nutveckling"; "kompetens- och" and "kompetens - och" become the same string.
_HYPHEN_RE = re.compile(rf"\s*[{_HYPHENS}]+\s*")
_LEADING_NUMBER_RE = re.compile(r"^\s*\d+\s*\.\s*\d+\s+")
# Numbers of an overview row glued to the question text by a wrapped line: "... information? 11 15 75%".
_TRAILING_NUMBERS_RE = re.compile(r"(?:\s+\d+(?:[.,]\d+)?\s*%?)+\s*$")
_NON_WORD_RE = re.compile(r"[^\w\s]+")
_SPACE_RE = re.compile(r"\s+")


@lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    """Comparison form of a printed text: lower case, no diacritics/punctuation/quotes/hyphens, single spaces."""
    text = unicodedata.normalize("NFKC", text)
    text = _LEADING_NUMBER_RE.sub("", text)
    text = _TRAILING_NUMBERS_RE.sub("", text)
    text = _HYPHEN_RE.sub("", text)
    text = text.replace("/", " ").replace("_", " ")
    text = _NON_WORD_RE.sub(" ", fold_diacritics(text.casefold()))
    return _SPACE_RE.sub(" ", text).strip()


def similarity(a: str, b: str) -> float:
    """Similarity 0-100 of two texts after :func:`normalise`.

    The larger of two scores: the plain ratio of the texts with all spaces removed (insensitive to
    words split or joined by line wrapping) and the token-sort ratio (insensitive to reordered
    words). Both penalise missing or extra words, unlike partial or token-set scores, which would
    let a short question match any longer one that contains it.
    """
    na, nb = normalise(a), normalise(b)
    if not na or not nb:
        return 0.0
    compact = fuzz.ratio(na.replace(" ", ""), nb.replace(" ", ""))
    return max(compact, fuzz.token_sort_ratio(na, nb))
