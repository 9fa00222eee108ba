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
from kompass_extract.locate.layout import rounded_size
from kompass_extract.read.document import Page
from kompass_extract.read.lines import Line

BAND = 0.12
PAGE_NUMBER_RE = re.compile(
    r"^(?:sida\s++)?[-–(]?\s*+\d{1,3}\s*+[-–)]?(?:\s*+(?:\(\s*+\S{1,4}\s*+\)|av\s++\d{1,3}|/\s*+\d{1,3}))?$", re.I
)
"""Possessive quantifiers (``*+``): a run of spaces is taken whole, never shared between two neighbours by
backtracking (which took quadratic time on a line of spaces after "sida")."""


_DIGITS = re.compile(r"\d+")


def _mask(text: str) -> str:
    return _DIGITS.sub("#", "".join(text.lower().split()))  # white space dropped as r"\s+" would, faster


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
"""Similarity (0-100, digits masked, spaces dropped) from which an OCR'd line in the band, or a word of it, is taken
for a misread running header or footer that recurs there, or a part of one ("Sverigey Komnumer och Landstinzg",
"217)" for "12 (17)")."""
GARBLED_LETTERS = 6
"""Letters from which a line is compared as a whole: a short one is like some part of any long header by chance."""
GARBLED_WORD = 4
"""Characters (digits masked) from which a word is compared by similarity; a shorter one must be found as it is."""


def _garbled_furniture(line: Line, height: int, recurring: dict[int, dict[str, str]]) -> bool:
    """The OCR'd band line ``line`` at ``height`` reads like (a part of) a running header or footer that recurs
    at about its height. Tesseract garbles a header a little differently on each page and tears parts of it off as
    lines of their own ("RAPPORT 5 (15)" apart from "SVERIGES KOMMUNER OCH LANDSTING"), so such a line recurs
    letter for letter on too few pages. Either the whole line is much like a part of such a header, or each of its
    words is one of the header's words, as printed or misread, one of them long enough to tell (a lone box score
    or page number is no evidence)."""
    headers = [text for d in (-1, 0, 1) for text in recurring.get(height + d, {}).values()]
    masked = _mask(line.text)
    if not headers:
        return False
    if sum(c.isalpha() for c in masked) >= GARBLED_LETTERS and any(
        fuzz.partial_ratio(masked, _mask(h)) >= GARBLED_SIMILAR for h in headers
    ):
        return True
    known = {_mask(w) for h in headers for w in h.split()}
    words = [w for w in map(_mask, line.text.split()) if any(c.isalnum() or c == "#" for c in w)]
    return any(len(w) >= GARBLED_WORD for w in words) and all(
        w in known or len(w) >= GARBLED_WORD and any(fuzz.ratio(w, k) >= GARBLED_SIMILAR for k in known) for w in words
    )


FAMILY_LETTERS = 3
"""Letters a family's label must have before its number."""


def _family(masked: str) -> str | None:
    """What the running headers of one kind share when each names its chapter or area: the label before the
    first number ("område#" of "Område 8 Kommunen som ..."), when it has letters enough to tell (a footnote's
    number alone is no family)."""
    head, digit, _ = masked.partition("#")
    return head + digit if digit and sum(c.isalpha() for c in head) >= FAMILY_LETTERS else None


def body_lines(pages: list[Page]) -> dict[int, list[Line]]:
    """Lines of each page without running headers, footers and page numbers.

    A line in the top or bottom band is furniture when it is a page number, when its text (digits masked)
    recurs at that height on many pages, or when it recurs on at least two pages set clearly smaller than
    the body text, which catches headers that name the current chapter or area ("Område 3 ...") and so
    repeat on a few pages only; or when it is set so and begins like lines at its height on many pages ("Område 8
    ..." where "Område N ..." heads most pages: OCR garbles the same header differently from page to page, so the
    last area's, printed on two pages, may recur on one). Prominent structure labels are exempt.
    """
    keys: Counter[tuple[str, int]] = Counter()
    families: Counter[tuple[str, int]] = Counter()
    sizes: dict[bool, Counter[float]] = {False: Counter(), True: Counter()}
    banded: list[list[tuple[Line, tuple[str, int] | None]]] = []  # each page's lines with their key when in the band
    memo: dict[float, float] = {}
    for page in pages:
        seen = set()
        marked = []
        page_sizes = sizes[page.ocr]
        above, below = page.height * BAND, page.height * (1 - BAND)  # _in_band's bounds, taken once per page
        for line in page.lines:
            page_sizes[rounded_size(line.size, memo)] += len(line.text)
            key = (_mask(line.text), round(line.top / 12)) if line.bottom < above or line.top > below else None
            marked.append((line, key))
            if key is not None and key not in seen:
                seen.add(key)
                keys[key] += 1
                families[(_family(key[0]) or "", key[1])] += 1
        banded.append(marked)
    # OCR'd pages measure a line by its box (taller than the font size): each kind against its own body text, so
    # that on a partly scanned report the scanned pages' lines are not all "set smaller than the body"
    body_sizes = {ocr: counts.most_common(1)[0][0] if counts else 0.0 for ocr, counts in sizes.items()}
    threshold = max(3, int(0.3 * len(pages)))
    recurring: dict[int, dict[str, str]] = {}  # by height: each recurring header's or footer's key and a text of it
    for marked in banded:
        for line, key in marked:
            if key is not None and keys[key] >= threshold:
                recurring.setdefault(key[1], {}).setdefault(key[0], line.text)
    result: dict[int, list[Line]] = {}
    for page, marked in zip(pages, banded, strict=True):
        kept = []
        body_size = body_sizes[page.ocr]
        for line, key in marked:
            if key is not None:
                recurs = sum(keys[(key[0], key[1] + d)] for d in (-1, 0, 1))
                small = line.size < SMALL * body_size
                family = _family(key[0])
                kin = families[(family, key[1])] if family else 0
                repeated = recurs >= threshold or small and (recurs >= 2 or kin >= threshold)
                repeated = repeated or page.ocr and _garbled_furniture(line, key[1], recurring)
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
