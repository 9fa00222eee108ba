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
from typing import NamedTuple

from rapidfuzz import fuzz, process

from kompass_extract.common.text import fold_diacritics, single_spaced

_HYPHENS = "-\u2010\u2011\u2012\u2013\u2014\u2212\u00ad"
_LEADING_NUMBER_RE = re.compile(r"^\s*\d+\s*\.\s*\d+\s+")
_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)?")
_NON_WORD_RE = re.compile(r"[^\w\s]+")


@lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    """Comparison form of a printed text: lower case, no diacritics/punctuation/quotes/hyphens, single spaces."""
    text = unicodedata.normalize("NFKC", text)
    text = _LEADING_NUMBER_RE.sub("", text)
    text = strip_trailing_numbers(text)
    text = drop_hyphens(text)
    return single_spaced(compared_characters(text))


def compared_characters(text: str) -> str:
    """``text`` with "/" and "_" made spaces, case-folded, without diacritics (:func:`fold_diacritics`) and with
    every character that is neither a word character nor white space made a space: each character in its comparison
    form (white space may differ in length from the plain steps; :func:`normalise` makes it single spaces).

    Each step works character by character (``str.casefold`` has no context, folding is per character, and the
    non-word pattern replaces characters by their class), so a character's form is worked out once per process
    (:func:`_character_form`) and the text is rewritten in one bytes translation for ASCII and one replacement per
    distinct character outside it. A report's whole text is normalised once per file (edition cues, see
    :func:`~kompass_extract.match.edition.labels_in_text`): folding, case-folding and the non-word pattern over its
    60,000 characters took 2.7 ms, the pattern alone replacing some 10,000 runs. A character whose form holds one
    that has a form of its own ("ϒ" -> "Υ"), where the order of the replacements would matter, sends the text the
    plain way (:func:`_compared_plainly`)."""
    data = text.encode("utf-8", "surrogatepass")
    compared = data.translate(_ASCII_FORMS).decode("utf-8", "surrogatepass")
    if len(data) == len(text):
        return compared
    outside = set(data.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass"))
    forms = [(char, _character_form(char)) for char in outside]
    if any(form is None for _, form in forms):
        return _compared_plainly(text)
    for char, form in forms:
        if form != char:
            compared = compared.replace(char, form)  # type: ignore[arg-type]
    return compared


def _compared_plainly(text: str) -> str:
    """:func:`compared_characters` step by step (its definition)."""
    text = text.replace("/", " ").replace("_", " ")
    return _NON_WORD_RE.sub(" ", fold_diacritics(text.casefold()))


_ASCII_BYTES = bytes(range(128))
_ASCII_FORMS = bytes.maketrans(_ASCII_BYTES, "".join(map(_compared_plainly, _ASCII_BYTES.decode())).encode())
"""Each ASCII character's comparison form, one ASCII character each (a bytes translation table). ASCII bytes never
occur inside the UTF-8 encoding of another character, so the encoded text is translated as it stands."""
_FORMS: dict[str, str | None] = {}
"""Characters outside ASCII and their comparison forms so far (at most one entry per code point)."""


def _character_form(char: str) -> str | None:
    """The comparison form of ``char`` (outside ASCII), or None when it holds a character outside ASCII whose own
    form differs (a replacement of that character, made after this one, would change it again)."""
    if char in _FORMS:
        return _FORMS[char]
    form: str | None = _compared_plainly(char)
    if any(not c.isascii() and _compared_plainly(c) != c for c in form):  # type: ignore[union-attr]
        form = None
    _FORMS[char] = form
    return form


def drop_hyphens(text: str) -> str:
    """``text`` without its hyphens and dashes and the white space around them: "ledar - skapet" and
    "effektivitets-\\nutveckling" are joined; "kompetens- och" and "kompetens - och" become the same string.

    The same as deleting the matches of ``(?<!\\s)\\s*[-‐‑‒–—−\\xad]+\\s*``, leftmost first (the look-behind lets a
    match start only where a run of white space starts, so a long run of spaces is not scanned again from each of its
    positions), in a tenth of its time on a whole report's text (normalised once per file): the pattern begins with
    a look-behind, so the regular expression engine tried it at each of the 45,000 positions; here only the runs of
    hyphens are searched for, and each is widened by the white space around it. A run whose white space before it
    the previous match took (" - - ") is matched from its second hyphen on, as the look-behind allows, or not at
    all; white space is ``str.isspace``'s, which is ``\\s``'s."""
    pieces: list[str] = []
    end = 0  # where the previous match ended
    for first, last in _hyphen_runs(text):
        start = first
        while start > 0 and text[start - 1].isspace():
            start -= 1
        if start < end:  # the white space before the run was the previous match's: the look-behind fails there
            if last - first < 2:
                continue
            start = first + 1
        stop = last
        while stop < len(text) and text[stop].isspace():
            stop += 1
        pieces.append(text[end:start])
        end = stop
    if not pieces:
        return text
    pieces.append(text[end:])
    return "".join(pieces)


def _hyphen_runs(text: str) -> list[tuple[int, int]]:
    """The runs of hyphens and dashes in ``text`` (start, end), left to right: each kind found by ``str.find``, which
    skips the characters between in C (a character-class pattern tested each of a whole text's 60,000 characters
    against the eight: 0.5 ms for some 50 runs), and neighbours merged into runs."""
    at = []
    for hyphen in _HYPHENS:
        i = text.find(hyphen)
        while i >= 0:
            at.append(i)
            i = text.find(hyphen, i + 1)
    at.sort()
    runs: list[tuple[int, int]] = []
    for i in at:
        if runs and runs[-1][1] == i:
            runs[-1] = (runs[-1][0], i + 1)
        else:
            runs.append((i, i + 1))
    return runs


def strip_trailing_numbers(text: str) -> str:
    """Drop the numbers of an overview row glued to a question by a wrapped line: "... information? 11 15 75 %".

    Each trailing token is a number ("11", "75%", "7,5"), or a "%" after one, preceded by white space. Done
    token by token from the end, in linear time: the regular expression this replaces (a repeated group of
    optional parts) took 10 of 11 seconds of one report whose chart put long runs of value labels in the text.
    The tokens are ``str.split``'s (the same white space as ``\\S+``, without a match object for each of a whole
    report's 7,000 words: its text is normalised once per file), and only the last :data:`TAIL_TOKENS` of them are
    split off, the text before them left whole, unless the numbers reach into it.
    """
    tokens = text.rsplit(maxsplit=TAIL_TOKENS)
    keep = _kept_tokens(tokens)
    if len(tokens) > TAIL_TOKENS and keep <= 2:  # tokens[0] was looked at, and it holds several tokens
        tokens = text.split()
        keep = _kept_tokens(tokens)
    if keep == len(tokens):
        return text
    if keep == 0 and not text[0].isspace():  # white space must precede a stripped number: the first one stays
        keep = 2 if len(tokens) > 1 and tokens[1] == "%" and _NUMBER_RE.fullmatch(tokens[0]) else 1
        if keep == len(tokens):
            return text
    if keep == 0:
        return ""
    kept = text.rstrip()
    for token in reversed(tokens[keep:]):  # cut the stripped tokens off the end, with the white space before each
        kept = kept[: len(kept) - len(token)].rstrip()
    return kept


TAIL_TOKENS = 16
"""Tokens :func:`strip_trailing_numbers` splits off the end of a text at first (an overview row's numbers are a few)."""


def _kept_tokens(tokens: list[str]) -> int:
    """How many of ``tokens`` stay when the numbers at their end are stripped (the last one looked at, and the one
    before a "%", is ``tokens[keep - 1]``, ``tokens[keep - 2]``)."""
    keep = len(tokens)
    while keep:
        token = tokens[keep - 1]
        if token == "%" and keep >= 2 and _NUMBER_RE.fullmatch(tokens[keep - 2]):
            keep -= 2
        elif _NUMBER_RE.fullmatch(token.removesuffix("%")):
            keep -= 1
        else:
            break
    return keep


def similarity(a: str, b: str) -> float:
    """Similarity 0-100 of two texts after :func:`normalise`.

    The larger of two scores: the plain ratio of the texts with all spaces removed (insensitive to
    words split or joined by line wrapping) and the token-sort ratio (insensitive to reordered
    words). Both penalise missing or extra words, unlike partial or token-set scores, which would
    let a short question match any longer one that contains it.
    """
    return similarity_of(compared(a), compared(b))


Compared = tuple[str, str]
"""A text as :func:`similarity` scores it: its :func:`normalise` form without spaces, and its words sorted."""


def compared(text: str) -> Compared:
    """The two forms :func:`similarity` scores a text by (two empty strings for a text with nothing to compare).

    Made once per text, so that a text compared with many (a printed question with an edition's questions, the
    catalog's questions with every report's) is not normalised, split and sorted again for each pair. The sorted
    words joined by single spaces are what rapidfuzz's token-sort ratio compares: it splits at white space, sorts
    by code point and joins with one space, and a normalised text has single spaces only.
    """
    normal = normalise(text)
    return normal.replace(" ", ""), " ".join(sorted(normal.split()))


def similarity_of(a: Compared, b: Compared) -> float:
    """:func:`similarity` of two texts from their :func:`compared` forms."""
    if not a[0] or not b[0]:
        return 0.0
    return max(fuzz.ratio(a[0], b[0]), fuzz.ratio(a[1], b[1]))


class ComparedMany(NamedTuple):
    """The :func:`compared` forms of many texts, form by form (the texts a printed one is matched against)."""

    spaceless: list[str]
    sorted_words: list[str]

    @classmethod
    def of(cls, forms: list[Compared]) -> ComparedMany:
        return cls([f[0] for f in forms], [f[1] for f in forms])


def similarities(a: Compared, many: ComparedMany, cutoff: float) -> list[float]:
    """:func:`similarity_of` of ``a`` and each of ``many``, 0 where it is below ``cutoff``.

    One rapidfuzz call scores ``a``'s form against the same form of all of them: a printed question is matched
    against some 40 of an edition's questions, and calling the scorer once for each pair cost more than the
    scoring. With ``cutoff`` rapidfuzz gives up on a pair as soon as it cannot reach it and leaves it out; the
    scores it returns are those :func:`similarity_of` computes."""
    scores = [0.0] * len(many.spaceless)
    if not a[0]:
        return scores
    for form, column in zip(a, many, strict=True):
        for _, score, i in process.extract(form, column, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None):
            if score > scores[i] and many.spaceless[i]:  # an empty text is like none (see similarity_of)
                scores[i] = score
    return scores
