"""The items of an area box's "Rubriker" column: its lines, each with its list marker told apart from its text.

On a text layer a line's marker is its bullet glyph or enumerator, read line by line as the box is read (its items
end within a few lines). On an OCR'd page the marker is what goes wrong, and the box with it: Tesseract reads a
square or disc as letters glued in front of the item ("jz Strategi ...", "CEN", "EH"), as a line of its own only
a fraction of a point high beside its item (which then reads as the wrapped end of the item above), or not at all.
There the column's lines up to the end of the box (the next general heading or a number, at most
:data:`WINDOW` lines) are read at once and their markers told by the column's geometry, as the Styrkor /
Förbättrings lists' are (:mod:`kompass_extract.parse.item_markers`): the markers of one box stand at one x, the
items' text begins at another, and a short word that stands where the markers do and ends before the text begins
is a marker's ink.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice, takewhile
from statistics import median

from kompass_extract.common.text import ALNUM
from kompass_extract.locate.labels import is_label, parse_number, starts_with_label, strip_marker
from kompass_extract.locate.layout import column_lines, iter_column_lines
from kompass_extract.parse.item_markers import INK_CHARS, item_markers
from kompass_extract.parse.item_markers import OCR_ALIGN_SHARE as ALIGN_SHARE
from kompass_extract.parse.item_text import PUNCTUATION, inked
from kompass_extract.read.geometry import Word
from kompass_extract.read.lines import Line
from kompass_extract.read.markers import MarkerSource, with_markers

WINDOW = 30
"""Most lines of an OCR'd Rubriker column read at once: a box lists at most a dozen sub-areas, a few wrapped."""
SLIVER = 0.35
"""A line less high than this share of the column's median line height is a sliver: Tesseract's reading of a
marker as a line of its own (a box 0.5-1 pt high) beside the item whose line its middle lies in."""


@dataclass(frozen=True)
class BoxLine:
    """One line of the Rubriker column: whether it begins with a list marker, and its words after the marker.
    ``room``: on an OCR'd page, how far right the column's marked lines reach (the least width the column has),
    else None."""

    line: Line
    marked: bool
    rest: list[Word]
    room: float | None = None
    score: bool = False
    """A number on a row of its own: the score printed under the headings, where the list has ended."""

    @property
    def ocr(self) -> bool:
        return self.room is not None


HEAD = 14
"""Lines of a section's box window whose column is regrouped first: a box's label, items and score take at most ten
column lines in every fixture, and regrouping the whole window (40 lines) cost a third of reading the box."""
SETTLED = 0.5
"""Points by which a column line must end above the first line left out of the head for no word of those lines to
join it (a word joins a line within 0.3 of a height of its first word's middle: never below its bottom + 0.3)."""


def box_column(lines: list[Line], markers: MarkerSource | None, x_to: float) -> Iterator[Line]:
    """The Rubriker column of a box window: the words of ``lines`` (with their drawn markers) left of ``x_to``,
    regrouped on their own (:func:`~kompass_extract.locate.layout.iter_column_lines`), the very lines and order the
    whole window gives, grouped only as far as the reader takes them.

    The first :data:`HEAD` lines of the window's first page are regrouped first. Every word of the lines after them
    on that page has its middle at or below ``bound``, the highest top among those lines; grouping takes words by
    their middles, top down, so the head's words above ``bound`` are grouped as among all, and a head line that ends
    :data:`SETTLED` above ``bound`` takes no word below it: it is the window's line. The head's lines are in order of
    their tops; those before the first that ends lower stand above every line that may differ (a word of the head
    whose middle is at or below ``bound`` is on such a line, and so is its top): they are given from the head, and a
    reader that goes on gets the window's lines after them."""
    page = lines[0].page if lines else None
    head = list(takewhile(lambda ln: ln.page == page, lines[:HEAD]))
    bound = min((ln.top for ln in lines[len(head) :] if ln.page == page), default=math.inf)
    read = column_lines(with_markers(head, markers), -1e9, x_to)
    given = next((n for n, ln in enumerate(read) if ln.bottom + SETTLED >= bound), len(read))
    while 0 < given < len(read) and read[given - 1].top == read[given].top:  # same top: the order they were made
        given -= 1
    yield from read[:given]
    if bound < math.inf:
        yield from islice(iter_column_lines(with_markers(lines, markers), -1e9, x_to), given, None)
    else:  # the head holds the window's first page whole (every line settled): the pages after it on their own
        yield from iter_column_lines(with_markers(lines[len(head) :], markers), -1e9, x_to)


def box_lines(column: Iterable[Line]) -> Iterator[BoxLine]:
    """The column's lines with their markers told apart: a text layer's lazily, line by line; an OCR'd column's
    up to the end of its box at once, slivers put back on their lines, lone specks dropped
    (:func:`~kompass_extract.parse.item_text.inked`) and markers read as text found by the column's geometry."""
    lines = iter(column)
    first = next(lines, None)
    if first is None:
        return
    if first.conf is None:  # a text layer: its bullets are glyphs
        for line in chain([first], lines):
            yield BoxLine(line, *strip_marker(line.words), score=parse_number(line.text) is not None)
        return
    window = _merged_slivers(_window(chain([first], lines)))
    window = [Line(words, line.page) for line in window if (words := _unlabelled(inked(line.words)))]
    split = item_markers(window, apart=True)
    room = _room(window, split)
    above = [None, *window]
    for line, prev, (had, rest) in zip(window, above, split, strict=True):
        yield BoxLine(line, had, rest, room, _score(line, prev))


def _unlabelled(words: list[Word]) -> list[Word]:
    """``words`` without the box's labels that OCR read with a mark glued in front ("-Rubriker": a speck or the
    cell's rule), which the column's label test, made for a text layer's words, leaves in."""
    return [w for w in words if not is_label(w.text.lstrip(PUNCTUATION), "box_rubriker", "box_score")]


def _room(window: list[Line], split: list[tuple[bool, list[Word]]]) -> float:
    """How far right the box's lines reach: the right ends of the lines from the first to the last that begin no
    further left than its marked lines (the narrative below begins at the column's margin)."""
    marked = [line.x0 for line, (had, _) in zip(window, split, strict=True) if had]
    if not marked:
        return max(line.x1 for line in window)
    left = min(marked) - ALIGN_SHARE * median(line.size for line in window)
    inside = [n for n, line in enumerate(window) if line.x0 >= left]
    return max(line.x1 for line in window[: inside[-1] + 1] if line.x0 >= left)


def _score(line: Line, prev: Line | None) -> bool:
    """A number on a row of its own below the line before: the score under the headings. A number beside a line
    (its height overlapping the line above) is a marker that OCR read as a digit ("8" for two squares)."""
    return parse_number(line.text) is not None and (prev is None or prev.page != line.page or line.top >= prev.bottom)


def _window(lines: Iterator[Line]) -> list[Line]:
    """The column's lines up to and with the first that ends any box: a general heading ("Allmänt") or the score
    (:func:`_score`); at most :data:`WINDOW`."""
    window: list[Line] = []
    for line in lines:
        prev = window[-1] if window else None
        window.append(line)
        if len(window) >= WINDOW or starts_with_label(line.text, "general_heading") or _score(line, prev):
            break
    return window


def _merged_slivers(lines: list[Line]) -> list[Line]:
    """``lines`` with each sliver (a line under :data:`SLIVER` of the median height, of at most :data:`INK_CHARS`
    characters) put at the front of the line whose height holds its middle and whose words begin right of it: the
    marker of that line, which Tesseract read as a line of its own."""
    if len(lines) < 2:
        return lines
    height = median(line.bottom - line.top for line in lines)
    out = list(lines)
    for sliver in lines:
        if sliver.bottom - sliver.top >= SLIVER * height or len(sliver.text.replace(" ", "")) > INK_CHARS:
            continue
        middle = (sliver.top + sliver.bottom) / 2
        host = next(
            (
                n
                for n, line in enumerate(out)
                if line is not sliver
                and line.page == sliver.page
                and line.top <= middle <= line.bottom
                and line.x0 > sliver.x1
            ),
            None,
        )
        if host is not None:
            out[host] = Line(sliver.words + out[host].words, sliver.page)
            out.remove(sliver)
    return out


def box_items(column: Iterable[BoxLine], left: float) -> tuple[list[list[Line]], Line | None, str | None]:
    """Sub-area headings of the box (each its lines, markers left out): bulleted items (wrapped lines joined), or
    one short line each; the last line read; why the reading of an OCR'd box is doubtful, or None.

    On an OCR'd box a line under an item's text with no marker seen is a new item when it begins with a capital and
    its first word would have fitted on the line before (a heading wraps only where the column is full, and goes on
    in lower case); else it wraps the item, doubted when it begins with a capital or would have fitted."""
    items: list[list[Line]] = []
    item_x: float | None = None
    marker_x: float | None = None
    bullet_style = False
    last: Line | None = None
    doubt: str | None = None
    for box in column:
        ln, had_bullet, rest = box.line, box.marked, box.rest
        if box.score:  # printed under the headings: the list has ended
            break
        text = Line(rest, ln.page)
        if box.ocr and (had_bullet and not rest or _ink_alone(ln, marker_x, item_x) or not ALNUM.search(ln.text)):
            continue  # a marker alone, ink that OCR read as a line of its own, or specks
        if had_bullet and rest:
            bullet_style, item_x, marker_x = True, rest[0].x0, ln.x0
            items.append([text])
        elif bullet_style and item_x is not None and _under_item(ln, item_x) and _close_below(last, ln):
            capital, fits = rest[0].text[:1].isupper(), last is not None and _would_fit(last, ln, box.room)
            if box.ocr and (capital or fits):
                doubt = doubt or f"no list marker was seen left of {rest[0].text!r}" + (
                    ": read as a new sub-area" if capital and fits else ": read as the end of the sub-area above"
                )
            if box.ocr and capital and fits:
                items.append([text])
            elif text.words:
                items[-1].append(text)
        elif (
            not bullet_style
            and not starts_with_label(ln.text, "general_heading")
            and ln.bold is not True
            and len(items) < 12
            and ln.x0 > left - 2
            and _short(ln)
        ):
            items.append([text])
        else:
            if box.ocr and marker_x is not None and _placed_like_items(ln, marker_x):
                doubt = doubt or f"the box ended at {ln.text[:40]!r}, a line that begins where its items do"
            break
        last = ln
    return items, last, doubt


def _ink_alone(line: Line, marker_x: float | None, item_x: float | None) -> bool:
    """An OCR'd line of short words only that begins where the box's markers stand and ends before its items' text:
    a marker (or two run together, "8") read as a line of its own."""
    return (
        marker_x is not None
        and item_x is not None
        and len(line.text.replace(" ", "")) <= INK_CHARS
        and _placed_like_items(line, marker_x)
        and line.x1 < item_x
    )


def _would_fit(prev: Line, line: Line, room: float | None) -> bool:
    """``line``'s first word would have fitted at the end of ``prev`` in the room the box's items take: ``line``
    does not wrap ``prev``'s item but begins one whose marker was not seen."""
    first = line.words[0]
    return room is not None and prev.x1 + WORD_SPACE * max(line.size, 1.0) + (first.x1 - first.x0) < room


WORD_SPACE = 0.3
"""A space between words, in text sizes (an OCR'd line's height)."""


def _placed_like_items(line: Line, marker_x: float) -> bool:
    """An OCR'd line that ended the box yet begins where its markers stand (or right of them), and is no general
    heading: an item whose marker was read as neither a marker nor its ink (the box may have been cut short)."""
    return line.x0 >= marker_x - PLACE_SHARE * max(line.size, 1.0) and not starts_with_label(
        line.text, "general_heading"
    )


PLACE_SHARE = 0.25
"""Share of the text size by which an OCR'd line's left edge may miss the markers' (a pixel or two of a copy)."""


def _under_item(line: Line, item_x: float) -> bool:
    """A line that wraps a bulleted heading begins under its text, not further right (a narrative set in two
    columns right below the box begins its right column beside the last heading)."""
    return item_x - 2 <= line.x0 <= item_x + 2 * max(line.size, 1.0)


def _close_below(prev: Line | None, line: Line) -> bool:
    return prev is None or prev.page != line.page or line.top - prev.bottom < 2.5 * max(line.size, 1.0)


def _short(line: Line) -> bool:
    return len(line.text) < 100 and not line.text.rstrip().endswith(".")
