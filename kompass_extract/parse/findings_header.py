"""The header row of the Styrkor / Förbättrings list: where the list starts, and its two labels.

The strengths label stands alone as a cell, followed by the improvements label (two columns) or alone on a heading
line (stacked lists). OCR may break a label into pieces ("S tyrkor"), misread it by a letter, set the two labels on
two lines, or lose the strengths label altogether; each is read as the label it stands for, and the list parser
(:mod:`kompass_extract.parse.findings`) parts the columns at the labels' places.
"""

from __future__ import annotations

from functools import cache

from rapidfuzz import fuzz

from kompass_extract.locate.labels import fold, is_label, labels, may_start_with_label, starts_with_label
from kompass_extract.locate.layout import Layout
from kompass_extract.read.geometry import Word
from kompass_extract.read.lines import Line


def find_findings_header(lines: list[Line], start: int, layout: Layout) -> int | None:
    """The header of the Styrkor / Förbättrings list: the strengths label standing alone as a cell, either
    followed by the improvements label (two columns) or alone on a heading line (stacked lists). A caption
    "Styrkor och förbättringsområden" or a sentence "Styrkor är ..." is neither.

    OCR may set the two labels on two lines (their boxes differ in height, or the page is a little skewed): a line
    that begins with the improvements label right of a lone strengths label and overlaps it vertically is the same
    header row; the index is then that of the first of the two (see :func:`header_row`)."""
    for i in range(start, len(lines)):
        words = lines[i].words
        found = strengths_label(words)
        if found is None:
            continue
        rest = [w for w in words[sum(found) :] if inked_text(w.text)]  # a scan's specks read as "|" or "." are no words
        if rest and starts_with_improvements(rest):
            return i
        near = (_inked_neighbour(lines, i, -1, start), _inked_neighbour(lines, i, 1, start))
        partner = next((j for j in near if j is not None and _split_header(lines[i], lines[j])), None)
        if partner is not None:
            return min(i, partner)
        if not rest and (layout.is_heading(lines[i]) or lines[i].bold is None):  # OCR: no fonts to tell
            return i
    return next((i for i in range(start, len(lines)) if _orphan_label(lines, i, start)), None)


ORPHAN_INDENT = 4.0
"""Text sizes right of the section's left margin from which an improvements label alone on its line stands over
a right-hand column (a stacked list's second heading stands at the margin)."""


def _orphan_label(lines: list[Line], i: int, start: int) -> bool:
    """Line ``i`` is the right half of a header row whose strengths label OCR did not read at all (a 1-bit copy
    lost the word): an OCR'd line holding the improvements label alone, standing over a right-hand column, with
    words of a left-hand column on the line below it."""
    line = lines[i]
    words = [w for w in line.words if inked_text(w.text)]
    if line.bold is not None or not words or _label_words(words) != len(words) or i + 1 >= len(lines):
        return False
    margin = min(ln.x0 for ln in lines[start : i + 2])
    below = lines[i + 1]
    return line.x0 - margin > ORPHAN_INDENT * line.size and below.page == line.page and below.x0 < line.x0


HEADER_OVERLAP = 0.5
"""Share of the smaller label's height by which two lines must overlap vertically to be one header row."""


def _split_header(strengths: Line, other: Line) -> bool:
    """``other`` holds the improvements label of the header row whose strengths label stands alone on
    ``strengths``: it begins with that label, right of the strengths label, on the same page and at the same
    height (overlapping by :data:`HEADER_OVERLAP` of the smaller line's height)."""
    if other.page != strengths.page or len(other.words) == 0 or other.x0 <= strengths.x1:
        return False
    found = strengths_label(strengths.words)
    if found is None or any(inked_text(w.text) for w in strengths.words[sum(found) :]):
        return False
    overlap = min(strengths.bottom, other.bottom) - max(strengths.top, other.top)
    height = min(strengths.bottom - strengths.top, other.bottom - other.top)
    return overlap >= HEADER_OVERLAP * height and starts_with_improvements(other.words)


def strengths_label(words: list[Word]) -> tuple[int, int] | None:
    """(index, number of words) of the strengths label among the first two ``words``: one word, or up to
    :data:`LABEL_PIECES` words that OCR broke it into ("S tyrkor"), which joined are the label itself."""
    for k in range(min(2, len(words))):
        if not may_start_with_label(words[k].text, "strengths"):  # no piece joined to it makes the label
            continue
        text = ""
        for n, word in enumerate(words[k : k + LABEL_PIECES], 1):
            text += word.text  # the pieces joined, one more at a time: each line of a section is asked
            if is_label(text, "strengths"):
                return k, n
    return None


def _inked_neighbour(lines: list[Line], i: int, step: int, start: int) -> int | None:
    """The index of the nearest line before (``step`` -1) or after (+1) line ``i``, from ``start`` on, that holds a
    letter or digit: a scan's speck read as "-" or "." between the two labels of a header row stands between."""
    j = i + step
    while start <= j < len(lines) and not inked_text(lines[j].text):
        j += step
    return j if start <= j < len(lines) else None


def header_row(lines: list[Line]) -> tuple[Line, list[Line]]:
    """(the header row, the lines after it) of a list whose header is ``lines[0]``, the two labels' lines of a
    header split by OCR joined again, and the strengths label as one word however many pieces OCR broke it into."""
    header, after = lines[0], lines[1:]
    j = _inked_neighbour(lines, 0, 1, 0)  # a speck OCR read between the two labels ("-") parts them not
    if j is not None and (_split_header(lines[0], lines[j]) or _split_header(lines[j], lines[0])):
        header, after = Line(sorted(lines[0].words + lines[j].words, key=lambda w: w.x0), lines[0].page), lines[j + 1 :]
    found = strengths_label(header.words)
    return (_merged(header, *found) if found else header), after


def inked_text(text: str) -> bool:
    """Text with a letter or digit: a word, not a mark."""
    return any(c.isalnum() for c in text)


def label_alone(line: Line) -> bool:
    """A line that is nothing but one of the two labels (half of a repeated header row split by OCR); told by its
    first character first (a line new to the process is otherwise looked at whole, twice)."""
    text = line.text
    return any(may_start_with_label(text, key) and is_label(text, key) for key in ("strengths", "improvements"))


LABEL_SIMILAR = 88.0
"""Similarity (0-100) from which a long word beside the strengths label is the improvements label that OCR
misread by a letter ("Förbättringsomraåden") or broke into pieces ("F örbättringsmöj ligheter")."""
LABEL_PIECES = 3
"""Most words OCR breaks one label word into."""


def starts_with_improvements(words: list[Word]) -> bool:
    """``words`` begin with the improvements label, or (in the header row) OCR's reading of it."""
    return _label_words(words) > 0


def _label_words(words: list[Word]) -> int:
    """How many of ``words`` the improvements label at their start takes (0: it is not there). OCR may misread
    the label by a letter or break it into pieces: the first one to :data:`LABEL_PIECES` words joined, at least
    ten letters long, that are much like a label (and, when joined, begin with its letter: "och
    förbättringsområden" of a caption is no label), are that label."""
    if not words:
        return 0
    found = starts_with_label(" ".join(w.text for w in words), "improvements")
    if found:
        return len(found.split())
    for n in range(1, min(LABEL_PIECES, len(words)) + 1):
        joined = fold("".join(w.text for w in words[:n]))
        similar = (
            fuzz.ratio(joined, label) >= LABEL_SIMILAR and (n == 1 or joined[0] == label[0])
            for label in _improvement_labels()
        )
        if len(joined) >= 10 and any(similar):
            return n
    return 0


def joined_label(header: Line, k: int) -> Line:
    """The header row with the improvements label (which starts at word ``k``) as one word, however many pieces
    OCR broke it into: the columns are parted by its place."""
    return _merged(header, k, _label_words(header.words[k:]))


def _merged(line: Line, k: int, n: int) -> Line:
    """``line`` with its words ``k`` to ``k + n`` as one word (a label OCR broke into pieces)."""
    if n <= 1:
        return line
    pieces = line.words[k : k + n]
    label = Word(
        "".join(w.text for w in pieces),
        pieces[0].x0,
        min(w.top for w in pieces),
        max(w.x1 for w in pieces),
        max(w.bottom for w in pieces),
        max(w.size for w in pieces),
        pieces[0].bold,
        min((w.conf for w in pieces if w.conf is not None), default=None),
    )
    return Line([*line.words[:k], label, *line.words[k + n :]], line.page)


@cache
def _improvement_labels() -> tuple[str, ...]:
    return tuple(fold(label) for label in labels()["improvements"])
