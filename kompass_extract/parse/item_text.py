"""Whether an OCR'd list item's text may be misread: the words of a Styrkor / Förbättrings item as OCR gave them.

The list checks look at an item's place (joined, split, lost); its letters are another matter. A scan read from a
shrunk page, a speck-ridden 1-bit copy or tinted paper gives items of confident-looking garbage ("1 haf och k",
"För 5") or real text with a misread word or two, and Tesseract says so by a low confidence on those words. A text
layer's item (no confidences) is never doubted here.
"""

from __future__ import annotations

from functools import cache

from kompass_extract.locate.labels import fold, joins_on, labels
from kompass_extract.read.geometry import Word
from kompass_extract.read.lines import Line

PUNCTUATION = "\"'`‘’“”„«»,.·:;!?()[]-–—/•▪*&|"
"""Marks stripped from a word's ends before its letters are counted (a list marker read as text included)."""
MIN_LETTERS = 4
"""Fewer letters than this in a whole item is no finding (the shortest printed ones are a word of ten letters)."""
LONE_DIGITS = 2
"""A word without letters of at most this many digits is a fragment ("5", "12"); a year ("2030") is a word."""
LOW_CONFIDENCE = 60.0
"""OCR confidence (0-100) under which a word of an item is likely misread: on the scan matrix's diagonal and
held-out pairs, an item with :data:`LOW_WORDS` such words held a letter error four times out of five."""
LOW_WORDS = 2
"""Words read under :data:`LOW_CONFIDENCE` that make an item's text doubtful (one alone is often a capital or a
word by a speck that Tesseract read right)."""


SPECK_MARKS = frozenset(".,;:'`|\"‘’“”„·")
"""Marks that, standing alone between spaces in an OCR'd item, are a toner speck or a stroke of the next column:
printed text never sets a full stop, comma, quote or bar as a word of its own (dashes may be, and stay)."""


def inked(words: list[Word]) -> list[Word]:
    """``words`` without the OCR'd ones that are nothing but :data:`SPECK_MARKS` ("Nya styrmodellen ... '",
    "Externs granskningar |", "analys på . verksamhetsnivå"); a text layer's words are kept as printed."""
    return [w for w in words if w.conf is None or not w.text or not set(w.text) <= SPECK_MARKS]


FRAGMENT_CONFIDENCE = 30.0
"""A fragment (:func:`fragment`) read under this confidence is ink Tesseract could not read ("0", "6", "L" at 0 on a
shrunk sheet's items): on the scan matrix's 89 pairs, each of the 7 items holding one that no other rule doubted
was misread."""
HOLE_HEIGHTS = 4.0
"""Line heights (an OCR'd line box's) of white inside an item's line, or of indent of a wrapped line, from which words
were lost: on the scan matrix's 89 pairs a word gap is under 0.9 of a height in 99.9% of items and hanging indents are
1.5-1.7; every item over 4 was misread."""
PAIRS = (("(", ")"), ("[", "]"))
"""Brackets that a printed item opens and closes."""
QUOTES = ('"', "“”„")
"""Quotation marks that a printed item holds in pairs, each group counted together (”...”, “...”, „...“)."""


DASHES = frozenset("-–—")


def trimmed(lines: list[Line]) -> list[Line]:
    """An item's ``lines`` without a lone dash that OCR read at its very end ("Införande av resultatindikatorer -",
    "... verksamheter -": a speck or the rule of a table cell). A printed item never ends with a dash standing alone;
    inside an item a dash between words is printed text and stays. A text layer's item is kept as printed."""
    if not lines:
        return lines
    last = lines[-1]
    end = last.words[-1]
    if end.conf is None or not end.text or not set(end.text) <= DASHES:
        return lines
    rest = last.words[:-1]
    return lines[:-1] + ([Line(rest, last.page)] if rest else [])


@cache
def _short_words() -> frozenset[str]:
    return frozenset(fold(w) for w in labels()["short_words"])


def fragment(text: str) -> bool:
    """A word that is a piece of misread ink rather than a word: punctuation alone, a lone number of one or two
    digits, or one or two letters that are no Swedish word of their own (``short_words`` in labels.json) nor an
    acronym in capitals ("IT", "HR")."""
    core = text.strip(PUNCTUATION)
    letters = sum(c.isalpha() for c in core)
    if letters == 0:
        return sum(c.isdigit() for c in core) <= LONE_DIGITS
    if letters > 2:
        return False
    return not (fold(core) in _short_words() or (core.isalpha() and core.isupper()))


def misread(lines: list[Line]) -> str | None:
    """Why the text of an item read by OCR from ``lines`` may be misread, or None (also for a text layer's item).

    Mostly fragments (at least half its words, or fewer than :data:`MIN_LETTERS` letters in all): the item is
    OCR's reading of noise or of a word torn apart, not a finding. Else a fragment read under
    :data:`FRAGMENT_CONFIDENCE`, or at least :data:`LOW_WORDS` words read under :data:`LOW_CONFIDENCE`: some of its
    words are likely misread. Else a hole where words were lost (:func:`_hole`). Else brackets or quotation marks
    that do not pair: a speck read as a quote, or the
    item's end lost (on shrunk sheets: "... i årsberättelsen (mätbara 6"). Else a last word that ends no finding
    (:func:`~kompass_extract.locate.labels.joins_on`; none of the 6,386 printed items of the fixtures' truths ends in
    one): the item's end, most often a wrapped last line Tesseract did not read, was lost."""
    words = [w for line in lines for w in line.words]
    if not words or any(w.conf is None for w in words):
        return None
    pieces = [w.text for w in words if fragment(w.text)]
    if sum(c.isalpha() for w in words for c in w.text) < MIN_LETTERS or 2 * len(pieces) >= len(words):
        shown = ", ".join(repr(p) for p in pieces[:4]) or "too few letters"
        return f"its words are mostly fragments of misread ink ({shown})"
    unsure = [w for w in words if w.conf is not None and w.conf < FRAGMENT_CONFIDENCE and fragment(w.text)]
    if unsure:
        return f"it holds a piece of ink read as {unsure[0].text!r} at OCR confidence {unsure[0].conf:.0f}"
    low = [w for w in words if w.conf is not None and w.conf < LOW_CONFIDENCE]
    if len(low) >= LOW_WORDS:
        shown = ", ".join(f"{w.text!r} {w.conf:.0f}" for w in low[:4])
        return f"{len(low)} of its words were read with OCR confidence under {LOW_CONFIDENCE:.0f} ({shown})"
    hole = _hole(lines)
    if hole:
        return hole
    text = " ".join(w.text for w in words)
    if any(text.count(a) != text.count(b) for a, b in PAIRS) or any(sum(map(text.count, q)) % 2 for q in QUOTES):
        return "its brackets or quotation marks do not pair (a speck read as one, or the item cut off)"
    if joins_on(words[-1].text):
        return f"it ends in {words[-1].text!r}, which ends no finding: its end (a wrapped last line) may be lost"
    return None


def _hole(lines: list[Line]) -> str | None:
    """Where words of an OCR'd item seem lost: a gap of more than :data:`HOLE_HEIGHTS` line heights between two words
    of a line, or a wrapped line on the item's first page that begins that far right of its first line (a shrunk
    sheet's "Framtagande av ett" / "ållande": the word between was never read). A hanging indent is 1-2 heights."""
    first = lines[0]
    for n, line in enumerate(lines):
        words = sorted(line.words, key=lambda w: w.x0)
        height = max(w.bottom - w.top for w in words)
        if n and line.page == first.page and line.x0 - first.x0 > HOLE_HEIGHTS * height:
            return f"words seem lost: a wrapped line begins {(line.x0 - first.x0) / height:.0f} line heights right of the item's first ({words[0].text!r})"
        for a, b in zip(words, words[1:], strict=False):
            if b.x0 - a.x1 > HOLE_HEIGHTS * height:
                return f"words seem lost: a gap of {(b.x0 - a.x1) / height:.0f} line heights before {b.text!r}"
    return None
