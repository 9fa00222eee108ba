"""Running headers, footers and page numbers: recognised by repetition and position, then dropped.

A line belongs to the page furniture when it sits in the top or bottom band of the page and its
text, with digits masked, recurs on many pages at about the same height, or when it is only a page
number ("7", "7 (31)", "Sida 7 av 31", "- 7 -"). Nothing here knows what a particular template prints;
the labels that start the report's parts are exempt.
"""

from __future__ import annotations

import re
from collections import Counter

from rapidfuzz import fuzz

from kompass_extract.locate.labels import after_label, starts_with_label
from kompass_extract.read.document import Line, Page

BAND = 0.12
PAGE_NUMBER_RE = re.compile(
    r"^(?:sida\s++)?[-–(]?\s*+\d{1,3}\s*+[-–)]?(?:\s*+(?:\(\s*+\S{1,4}\s*+\)|av\s++\d{1,3}|/\s*+\d{1,3}))?$", re.I
)
"""Possessive quantifiers (``*+``): a run of spaces is taken whole, never shared between two neighbours by
backtracking (which took quadratic time on a line of spaces after "sida")."""


_DIGITS, _SPACES = re.compile(r"\d+"), re.compile(r"\s+")


def _mask(text: str) -> str:
    return _DIGITS.sub("#", _SPACES.sub("", text.lower()))


STRUCTURE_LABELS = ("strengths", "area_heading_words", "overview_headings", "box_rubriker", "box_score")
"""Labels that start parts of the report: when set prominently they are content even when they recur at the
top of many pages (as a Styrkor list that always starts a new page does)."""


def _in_band(line: Line, page: Page) -> bool:
    return line.bottom < page.height * BAND or line.top > page.height * (1 - BAND)


SMALL = 0.85
"""Running headers are set clearly smaller than the body (8 pt beside 12, 7.5 beside 10); table text is not."""


def _prominent_label(line: Line, body_size: float) -> bool:
    """A label that starts a part of the report, set bold or at body size, or a list's header row (the strengths
    label and the improvements label side by side, which no running header prints): content, wherever it stands.
    An OCR'd line's size is its box's height, which a line without descenders or accents keeps under the body's
    however the line was set, so the header row is told by its words alone."""
    if _findings_header_row(line.text):
        return True
    prominent = line.bold is True or line.size >= body_size - 0.5
    return prominent and any(starts_with_label(line.text, key) for key in STRUCTURE_LABELS)


def _findings_header_row(text: str) -> bool:
    rest = after_label(text, "strengths")
    return rest is not None and starts_with_label(rest, "improvements") is not None


GARBLED_SIMILAR = 85.0
"""Similarity (0-100, digits masked, spaces dropped) from which an OCR'd line in the band is taken for a misread
or broken-off part of a running header or footer that recurs there ("Sverigey Kommuner och Landstinzg",
"2009-06-06 217)" for "12 (17)", "RAPPORT 2004-11-21" set apart from the rest of its header line)."""
GARBLED_LEAST = 6
"""Letters a band line must have to be compared so: a lone number (a box score) or a short word is like some part
of any long header by chance."""


def _garbled_furniture(key: tuple[str, int], recurring: list[tuple[str, int]]) -> bool:
    """The OCR'd band line of ``key`` reads like (a part of) a running header or footer of ``recurring`` at about
    its height."""
    text, height = key
    if sum(c.isalpha() for c in text) < GARBLED_LEAST:
        return False
    return any(
        abs(height - other_height) <= 1 and fuzz.partial_ratio(text, other) >= GARBLED_SIMILAR
        for other, other_height in recurring
        if len(other) >= len(text)
    )


def body_lines(pages: list[Page]) -> dict[int, list[Line]]:
    """Lines of each page without running headers, footers and page numbers.

    A line in the top or bottom band is furniture when it is a page number, when its text (digits masked)
    recurs at that height on many pages, or when it recurs on at least two pages set clearly smaller than
    the body text, which catches headers that name the current chapter or area ("Område 3 ...") and so
    repeat on a few pages only. Prominent structure labels are exempt.
    """
    keys: Counter[tuple[str, int]] = Counter()
    sizes: dict[bool, Counter[float]] = {False: Counter(), True: Counter()}
    banded: list[list[tuple[Line, tuple[str, int] | None]]] = []  # each page's lines with their key when in the band
    for page in pages:
        seen = set()
        marked = []
        for line in page.lines:
            sizes[page.ocr][round(line.size, 1)] += len(line.text)
            key = (_mask(line.text), round(line.top / 12)) if _in_band(line, page) else None
            marked.append((line, key))
            if key is not None and key not in seen:
                seen.add(key)
                keys[key] += 1
        banded.append(marked)
    # OCR'd pages measure a line by its box (taller than the font size): each kind against its own body text, so
    # that on a partly scanned report the scanned pages' lines are not all "set smaller than the body"
    body_sizes = {ocr: counts.most_common(1)[0][0] if counts else 0.0 for ocr, counts in sizes.items()}
    threshold = max(3, int(0.3 * len(pages)))
    recurring = [key for key, count in keys.items() if count >= threshold]
    result: dict[int, list[Line]] = {}
    for page, marked in zip(pages, banded, strict=True):
        kept = []
        body_size = body_sizes[page.ocr]
        for line, key in marked:
            if key is not None:
                recurs = sum(keys[(key[0], key[1] + d)] for d in (-1, 0, 1))
                repeated = recurs >= threshold or (recurs >= 2 and line.size < SMALL * body_size)
                repeated = repeated or page.ocr and _garbled_furniture(key, recurring)
                if repeated and not _prominent_label(line, body_size):
                    continue
            kept.append(line)
        result[page.number] = _without_page_number(kept, page)
    return result


def _without_page_number(lines: list[Line], page: Page) -> list[Line]:
    """Drop a lone page number: the first or the last line of the page, in the band. A number further in
    (a box score just below a heading near the top of a tightly cropped page) is content."""
    ends = {0, len(lines) - 1} if lines else set()
    return [
        ln
        for i, ln in enumerate(lines)
        if not (i in ends and _in_band(ln, page) and PAGE_NUMBER_RE.match(ln.text.strip()))
    ]
