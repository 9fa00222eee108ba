"""An OCR'd list item holding a word the report spells otherwise: a confident letter slip.

On a poor copy Tesseract reads "fönesättning" for "lönesättning" or "bernötande" for "bemötande" at a confidence as
high as the right words', so nothing in the item itself looks doubtful. What does is the report around it: the
right word is printed again and again (the narrative, the other items, the questions, the catalog's wording of every
edition), while the slip is read nowhere else. A word of an OCR'd item is doubted when it is rare in the report and
a word the report (or the catalog) holds several times as often is one or two *OCR confusions* away: strokes read as
other strokes (l i t f 1), an accent taken or lost (a å ä), "rn" for "m", a thin stroke or speck added or lost.
Words that differ only at their end (an inflection: "arbete" / "arbetet", "innehållet" / "innehåller") are not
doubted, and a word no confusion explains is left alone: Swedish compounds make most rare words right.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from functools import cache, lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from kompass_extract.model import Report
from kompass_extract.validate.enrich import ReportFacts
from kompass_extract.validate.lists import TEXT_CODE
from kompass_extract.validate.registry import Hit, hit, rule

WORD = re.compile(r"[^\W\d_]{3,}")
"""A word compared: three letters or more (shorter ones are too many to tell apart)."""
ALIKE = ("il1tfj|!", "aåäàá", "oöø0ó", "eéèë", "uü", "ce", "eg", "gqy", "vy")
"""Letters OCR takes for one another (after folding case)."""
GLYPHS = (("m", "rn"), ("m", "in"), ("m", "ni"), ("n", "ri"), ("h", "li"), ("d", "cl"), ("w", "vv"), ("n", "ii"))
"""A letter OCR reads as two (or two as one)."""
STRAY = set("il1tfj.,'’`")
"""Thin strokes and specks OCR adds to a word or drops from it."""
OFTEN = 2
"""The right word is read at least this many times as often as the slip..."""
MIN_SEEN = 2
"""...and at least this many times."""
RARE = 3
"""A word read more often than this is no slip (OCR seldom repeats one)."""
LONG = 8
"""Words of this many letters may be two confusions away from the right one; shorter ones one."""


@rule(TEXT_CODE, message="area {area_no}: {kind} {position} {reason}", on="report-end")
def slip_of_a_known_word(facts: ReportFacts) -> Iterator[Hit]:
    """One warning per OCR'd item (not doubted already) with a word that is a confusion of a far commoner word."""
    report = facts.report
    if not report.ocr:
        return
    catalog = facts.ctx.catalog
    seen = _counts(report) + (_catalog_counts(catalog) if catalog is not None else Counter())
    vocabulary = list(seen)  # once per report, not once per word looked up
    for area in report.areas:
        for item in area.findings:
            if item.confidence is None or item.misread:
                continue
            slip = _slip(item.text, seen, vocabulary)
            if slip:
                word, known = slip
                reason = (
                    f"reads {word!r}, which the report holds {seen[word.lower()]} time(s), where {known!r} is read "
                    f"{seen[known]} times: likely an OCR letter slip"
                )
                yield hit(
                    area=area.area_no,
                    area_no=area.area_no,
                    kind=item.kind,
                    position=item.position,
                    confidence=item.confidence,
                    text={"reason": reason},
                )


def _slip(text: str, seen: Counter[str], vocabulary: list[str]) -> tuple[str, str] | None:
    """The first word of ``text`` that is a likely slip, with the word it slipped from (``vocabulary``: the words
    of ``seen``); None when there is none."""
    for word in WORD.findall(text):
        folded = word.lower()
        rare = seen[folded]
        if rare > RARE:
            continue
        for known in _neighbours(folded, vocabulary):
            if seen[known] >= max(MIN_SEEN, OFTEN * rare):
                return word, known
    return None


def _neighbours(word: str, vocabulary: list[str]) -> Iterator[str]:
    """Words of ``vocabulary`` an OCR confusion or two away from ``word`` that differ from it before their last letters."""
    budget = 2 if len(word) >= LONG else 1
    near = process.extract(word, vocabulary, scorer=Levenshtein.distance, score_cutoff=2 * budget, limit=None)
    for known, _, _ in near:
        if known != word and not _inflected(word, known) and _distance(word, known) <= budget:
            yield known


def _inflected(read: str, known: str) -> bool:
    """The words differ only at their end, as Swedish inflects ("arbete" / "arbetet", "innehållet" / "innehåller"):
    one holds the other, or only their last letters differ and the one read is a plain letter (a slip of "å" for
    "a" at the end stays doubtful)."""
    held = known.startswith(read) or read.startswith(known)
    return held or (read[:-1] == known[:-1] and read[-1].isascii())


@lru_cache(maxsize=1 << 16)
def _distance(read: str, known: str) -> int:
    """Edit distance in which only confusions cost 1 (and every other edit 99). Cached for the suffixes its
    recursion meets again; bounded, as a worker reads thousands of reports."""
    if not read or not known:
        rest = read or known
        return len(rest) if set(rest) <= STRAY else 99
    if read[0] == known[0]:
        return _distance(read[1:], known[1:])
    best = 99
    if _alike(read[0], known[0]):
        best = min(best, 1 + _distance(read[1:], known[1:]))
    for one, two in GLYPHS:
        if known.startswith(one) and read.startswith(two):
            best = min(best, 1 + _distance(read[2:], known[1:]))
        if known.startswith(two) and read.startswith(one):
            best = min(best, 1 + _distance(read[1:], known[2:]))
    if read[0] in STRAY:
        best = min(best, 1 + _distance(read[1:], known))
    if known[0] in STRAY:
        best = min(best, 1 + _distance(read, known[1:]))
    return best


def _alike(a: str, b: str) -> bool:
    return any(a in group and b in group for group in ALIKE)


def _counts(report: Report) -> Counter[str]:
    """How often each word (folded) is read anywhere in the report: narrative, lists, boxes, questions."""
    texts: list[str] = []
    for area in report.areas:
        texts += [area.name or "", *area.rubriker, *(f.text for f in area.findings)]
        texts += [q.text for q in area.questions] + [q.catalog_text or "" for q in area.questions]
        for section in area.sections:
            texts += [section.heading, *section.paragraphs]
    return Counter(w.lower() for t in texts for w in WORD.findall(t))


@cache
def _catalog_counts(catalog: object) -> Counter[str]:
    """The words of the catalog's questions and sub-area names of every edition: the criteria's own spelling."""
    criteria = catalog.criteria()  # type: ignore[attr-defined]
    texts = [c.question_text for c in criteria] + [c.rubrik for c in criteria if c.rubrik]
    return Counter(w.lower() for t in texts for w in WORD.findall(t))
