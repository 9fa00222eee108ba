"""A second look for the list markers of an OCR'd column, where the column's other markers stand.

The OCR pass finds a marker as a blob left of each line Tesseract reports (:mod:`kompass_extract.read.ocr.markers`)
and misses some on copies (a 1-bit dash in pieces, a speck between marker and word, a Tesseract line across both
columns). A missed marker joins two items. The list parser knows where a column's markers stand once it has seen
two of them line up, and how large they are: every other line of the column whose text begins right of that place
is looked at again there, on the page image (:mod:`kompass_extract.read.ocr.probe`), for a blob like them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from statistics import median

from kompass_extract.model import BBox
from kompass_extract.read.geometry import Word
from kompass_extract.read.lines import Line
from kompass_extract.read.markers import MarkerSource
from kompass_extract.read.ocr.probe import Look

INK_WORD = 2
"""Most characters of a word that OCR made of a list marker's ink ("-e", "'e", "e€", "©")."""
REACH_SHARE = 0.5
"""How far beyond the column's markers' left and right edges a marker is looked for, as a share of their width
(a 1-bit copy moves an edge by a pixel or two; the place must stay clear of the text)."""
CLEAR_PT = 0.5
"""Points left clear before the text's first word (its first letter's ink is no marker)."""
ALIGN_SHARE = 0.25
"""OCR'd words whose left edges differ by less than this share of the line's height begin at one place."""
MATCH_PT = 1.0
"""Points within which a marker box of the page is the one a marker word was made of."""

Split = list[tuple[bool, list[Word]]]
"""Per line of a column: it had a marker, its words without it."""


@dataclass
class Relook:
    """The page's marker boxes (``markers``) and the image reader (``look``) of one document; None: no second look
    (a text layer, or no page images)."""

    markers: MarkerSource | None
    look: Look | None

    def again(self, lines: list[Line], split: Split, text_x: float | None, could: Callable[[int, Word], bool]) -> Split:
        """``split`` with the markers the second look found on OCR'd lines that had none.

        A line is looked at when it ``could`` begin an item (line number, first word of its text: a capital, or the
        line before ended on purpose; a wrapped item's continuation after a full line is not looked at, which keeps
        the pages rendered few) and its text begins where the items' text begins (``text_x``), right of the column's
        markers (a short first word before it is the marker's ink that OCR read as text: "-e"). The
        marker looked for is like the column's markers the OCR pass found (a box of the page's markers that a
        marker word of the column was made of); a column without such a marker, or with fewer than two marked
        lines, is left as it is."""
        if self.look is None or self.markers is None or text_x is None:
            return split
        marks = [line.words[0] for line, (had, _) in zip(lines, split, strict=True) if had and line.bold is None]
        like = self._like(lines, split)
        if len(marks) < 2 or like is None:
            return split
        x0, x1 = median(w.x0 for w in marks), median(w.x1 for w in marks)
        reach = REACH_SHARE * (x1 - x0)
        out = []
        for n, (line, (had, rest)) in enumerate(zip(lines, split, strict=True)):
            text = _text(rest, x1 + reach, text_x, line)
            skip = had or n == 0 or line.bold is not None or not text or not could(n, text[0])
            if skip or abs(text[0].x0 - text_x) > ALIGN_SHARE * line.size:
                out.append((had, rest))
                continue
            box = (x0 - reach, line.top, min(x1 + reach, text[0].x0 - CLEAR_PT), line.bottom)
            found = box[2] > box[0] and self.look(line.page, box, like) is not None
            out.append((True, text) if found else (had, rest))
        return out

    def _like(self, lines: list[Line], split: Split) -> BBox | None:
        """A marker box of the page's markers that a marker word of the column was made of (the one of middle
        width)."""
        assert self.markers is not None
        found = []
        for line, (had, _) in zip(lines, split, strict=True):
            if had and line.bold is None:
                w = line.words[0]
                found += [
                    b
                    for b in self.markers(line.page)
                    if abs(b[0] - w.x0) <= MATCH_PT and abs(b[2] - w.x1) <= MATCH_PT and line.top - 1 <= b[1]
                    and b[3] <= line.bottom + 1
                ]  # fmt: skip
        found.sort(key=lambda b: b[2] - b[0])
        return found[len(found) // 2] if found else None


def _text(rest: list[Word], limit: float, text_x: float, line: Line) -> list[Word]:
    """``rest`` without a first word of at most :data:`INK_WORD` characters that begins where a marker stands
    (left of ``limit``) and is followed by a word at the items' text start ``text_x``: the marker's ink read as
    text."""
    ink = len(rest) > 1 and len(rest[0].text) <= INK_WORD and rest[0].x0 < limit
    return rest[1:] if ink and abs(rest[1].x0 - text_x) <= ALIGN_SHARE * line.size else rest
