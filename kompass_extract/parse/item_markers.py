"""Which lines of one Styrkor / Förbättrings column begin with a list marker, and the words after it.

A marker is a bullet glyph or an enumerator ("1.", "a)") on a text layer, or a marker word that
:mod:`kompass_extract.read.markers` put where the ink reader saw a blob. On OCR'd lines two things go wrong, both
handled here by the column's own geometry (the markers of one column stand at one x, the items' text begins at
another): a lone "marker" that lines up with no other (a toner speck, a letter split off its word) is no marker;
and a marker that OCR read as text ("-e", "Lu |", "133", "5.6.", or "HH" for a picture) is a marker when it stands
where the column's markers stand and ends before the items' text begins.
"""

from __future__ import annotations

from statistics import median

from kompass_extract.locate.labels import is_bullet, strip_marker
from kompass_extract.parse.columns import text_size
from kompass_extract.read.geometry import Word
from kompass_extract.read.lines import Line

Split = list[tuple[bool, list[Word]]]
"""Per line of a column: whether it began with a marker, and its words without the marker."""

OCR_ALIGN_SHARE = 0.25
"""OCR'd markers whose left edges differ by less than this share of the text size (a box height) stand in one
column (a 1-bit copy moves a blob's edge by a pixel or two)."""
INK_WORDS = 3
"""Most words OCR made of one list marker's ink: a disc read as "-e" or "©", a picture marker read as "Lu |", "133"
or "HH", a decimal marker "5." read with a speck as "5.6.", a number whose full stop the ink reader took for a blob
of its own ("2 ▪")."""
INK_CHARS = 4
"""Most characters of such a reading, all its words together: a word of text is longer, or does not end before the
items' text begins."""
UNREAD_LINES = 2
"""Lines of a column without any marker seen that must show the same marker reading (a short word at one x, the
text at another) before such words are taken for markers."""


WORD_SPLIT_DASHES = ("-", "–")
"""Dashes that, printed spaced at a line start ("- tionen"), may end a word split over a line break."""


def item_markers(lines: list[Line], *, apart: bool = False) -> Split:
    """Per line of one column: (it begins with a marker, its words without the marker). ``apart``: a column whose
    items seldom wrap (the Rubriker box), where markers that OCR read as words also show by the indent after them
    (see :func:`_unread_markers`)."""
    split = _word_tails(lines, _lined_up(lines, [_strip_markers(line.words) for line in lines]))
    return _marker_ink(lines, split, apart)


def _word_tails(lines: list[Line], split: Split) -> Split:
    """``split`` without the dash "markers" that end a word split with a spaced hyphen ("organisa" / "- tionen"): a
    dash before a lower-case word, below a line of the column that ends in a letter, standing right of where the
    column's other markers stand (where the items' wrapped text begins). A dash-marked item stands at the markers."""
    out = list(split)
    size = None  # the column's text size, measured once and only when a dash is looked at (seldom)
    for n, (line, (had, rest)) in enumerate(zip(lines, split, strict=True)):
        if not (had and n and rest and word_tail(lines[n - 1], line, rest[0])):
            continue
        others = [o.words[0].x0 for o, (o_had, _) in zip(lines, split, strict=True) if o_had and o is not line]
        if size is None:
            size = text_size(lines) or 0.0
        if others and line.words[0].x0 > median(others) + OCR_ALIGN_SHARE * size:
            out[n] = (False, line.words)  # right of the markers
    return out


def word_tail(prev: Line, line: Line, tail: Word) -> bool:
    """``line`` opens with a spaced dash before ``tail``, a word in lower case, on the page of ``prev``, which ends
    in a letter: the shape of the rest of a word split with a spaced hyphen ("organisa" / "- tionen"), in a list or
    a paragraph alike (where the line stands, which tells it from a dash-marked item, is the caller's to judge)."""
    return (
        prev.page == line.page
        and line.words[0].text in WORD_SPLIT_DASHES
        and tail.text[:1].islower()
        and prev.text.rstrip()[-1:].isalpha()
    )


def text_start(lines: list[Line], split: Split) -> float | None:
    """Where the text of a column's marked OCR'd lines begins (the median x of their first words after the
    marker), or None."""
    xs = sorted(
        rest[0].x0 for line, (had, rest) in zip(lines, split, strict=True) if had and rest and line.bold is None
    )
    return xs[len(xs) // 2] if xs else None


def at(word: Word, x: float | None, line: Line) -> bool:
    """``word`` begins at ``x`` within what OCR moves a word's edge."""
    return x is not None and abs(word.x0 - x) <= OCR_ALIGN_SHARE * line.size


def _marker_ink(lines: list[Line], split: Split, apart: bool = False) -> Split:
    """``split`` with the markers that OCR read as short words: on an OCR'd line, the words before the first word
    that begins where the items' text begins, when they all end before it, start where the column's other markers
    stand (or right beside a marker that was seen), and are short (at most :data:`INK_WORDS` words of at most
    :data:`INK_CHARS` characters together), are the marker's ink, not text. Where no marker was seen at all, the
    markers' and the text's places come from the lines that OCR read so (:func:`_unread_markers`)."""
    size = text_size(lines) or 0.0
    xs = [line.words[0].x0 for line, (had, _) in zip(lines, split, strict=True) if had and line.bold is None]
    text_x = text_start(lines, split)
    if not xs:
        xs, text_x = _unread_markers(lines, split, size, apart)
    if not xs or text_x is None:
        return split
    out = []
    for line, (had, rest) in zip(lines, split, strict=True):
        n = next((j for j in range(1, min(INK_WORDS, len(rest) - 1) + 1) if at(rest[j], text_x, line)), 0)
        ink = rest[:n] if line.bold is None else []
        placed = any(abs(line.words[0].x0 - x) <= OCR_ALIGN_SHARE * size for x in xs)
        lone = not had and rest and rest[0] is not line.words[0] and placed and at(rest[0], text_x, line)
        out.append(
            (True, rest[n:])
            if lone  # a marker seen alone (see _lined_up) where the markers OCR read as words stand: one of them
            or ink
            and sum(len(w.text) for w in ink) <= INK_CHARS
            and all(w.x1 < text_x for w in ink)
            and (had or any(abs(ink[0].x0 - x) <= OCR_ALIGN_SHARE * size for x in xs))
            else (had, rest)
        )
    return out


def _unread_markers(
    lines: list[Line], split: Split, size: float, apart: bool = False
) -> tuple[list[float], float | None]:
    """(the markers' left edges, where the items' text begins) of an OCR'd column in which no marker was seen,
    when OCR read them all as short words (pictures as "LJ", "HH", "IH"): at least :data:`UNREAD_LINES` lines
    begin with a word of at most :data:`INK_CHARS` characters at one x followed by a word at another x right of
    it, those lines are at least half of the lines that begin at the first x, and some line (an item's wrapped
    continuation) begins at the second: the hanging indent of a marked list. With ``apart`` (a column whose items
    seldom wrap), the indent may show instead by every such short word standing more than :data:`INDENT` text sizes
    before the next (a space between words is a third of one). Else ([], None)."""
    tol = OCR_ALIGN_SHARE * size
    starts = [rest for line, (_, rest) in zip(lines, split, strict=True) if rest and line.bold is None]
    pairs = [
        (r[0].x0, r[1].x0, r[1].x0 - r[0].x1)
        for r in starts
        if len(r) > 1 and len(r[0].text) <= INK_CHARS and r[0].x1 < r[1].x0
    ]
    groups = [[p for p in pairs if abs(p[0] - q[0]) <= tol and abs(p[1] - q[1]) <= tol] for q in pairs]
    group = max(groups, key=len, default=[])
    if len(group) < UNREAD_LINES:
        return [], None
    mark_x, text_x = median(p[0] for p in group), median(p[1] for p in group)
    at_mark = sum(abs(r[0].x0 - mark_x) <= tol for r in starts)
    wrapped = any(abs(r[0].x0 - text_x) <= tol for r in starts)
    indented = apart and all(p[2] > INDENT * size for p in group)
    return ([p[0] for p in group], text_x) if (wrapped or indented) and 2 * len(group) >= at_mark else ([], None)


INDENT = 0.5
"""Text sizes of white after a short first word from which, in a column whose items seldom wrap, it stands apart
as a marker does (a list's text is indented past its markers by more than a space: 0.55-0.75 sizes measured)."""


def _lined_up(lines: list[Line], split: Split) -> Split:
    """``split`` (per line: it had a marker, its words without it), keeping on OCR'd lines only the markers that
    line up with another marker of the column (within :data:`OCR_ALIGN_SHARE` of the text size). A toner speck
    left of a line, or a letter OCR split off its word ("u" of "ut") that the ink reader took for a blob, stands
    alone; so does the one marker of a column whose other markers were not seen, which would join all its items.
    Such a marker starts nothing: the column is read by its layout or its other markers."""
    xs = [line.words[0].x0 if had and line.bold is None else None for line, (had, _) in zip(lines, split, strict=True)]
    seen = [x for x in xs if x is not None]
    if not seen:  # no marker on an OCR'd line: nothing to line up (nor a text size to measure)
        return split
    size = text_size(lines) or 0.0
    return [
        (False, rest) if x is not None and sum(abs(x - o) <= OCR_ALIGN_SHARE * size for o in seen) < 2 else (had, rest)
        for x, (had, rest) in zip(xs, split, strict=True)
    ]


def _strip_markers(words: list[Word]) -> tuple[bool, list[Word]]:
    """:func:`strip_marker`, and a second marker in the same place (OCR read the glyph and the ink reader saw its
    blob) goes too."""
    had, rest = strip_marker(words)
    while had and rest and is_bullet(rest[0]) and rest[0].x0 < words[0].x1:
        rest = rest[1:]
    return had, rest
