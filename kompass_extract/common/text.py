"""Text folding shared by every stage: matching labels, catalog texts and municipality names."""

from __future__ import annotations

import unicodedata


def fold_diacritics(text: str) -> str:
    """Drop combining marks: "för" -> "for", so a lost diacritic costs nothing in a comparison."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))
