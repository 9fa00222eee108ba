"""Document-wide layout facts that the parsers share: the body text size and what a heading looks like.

Headings are recognised by relative size and weight when the text layer has fonts; on font-less
layers (OCR) the parsers use shape (short, unpunctuated, set apart by space), numbering and labels.
No font name is ever consulted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from statistics import median

from kompass_extract.read.geometry import Word
from kompass_extract.read.lines import Line, group_lines, iter_lines


@dataclass(frozen=True)
class Layout:
    body_size: float
    pitch: float
    has_fonts: bool

    def is_heading(self, line: Line) -> bool:
        """Bold or larger than the body text. Font-less layers (OCR) know neither: their headings are
        found by the parsers from numbering, labels and the space around a line."""
        text = line.text.strip()
        if not text or len(text) > 130 or text[-1] in ".,;":
            return False
        return line.size > self.body_size * 1.12 or line.bold is True

    def gap(self, prev: Line, line: Line) -> float:
        """Vertical distance between two lines in units of the usual line pitch (inf across pages)."""
        if prev.page != line.page:
            return float("inf")
        return (line.top - prev.top) / self.pitch


def measure(lines: list[Line]) -> Layout:
    """Body size = the size most characters are set in; pitch = median distance of body lines."""
    sizes: Counter[float] = Counter()
    memo: dict[float, float] = {}
    for line in lines:
        sizes[rounded_size(line.size, memo)] += len(line.text)
    body = sizes.most_common(1)[0][0] if sizes else 12.0
    has_fonts = any(line.bold is not None for line in lines[:200])
    return Layout(body, line_pitch(lines, body), has_fonts)


def rounded_size(size: float, memo: dict[float, float]) -> float:
    """``round(size, 1)``, the size class lines are counted in, kept in ``memo`` (one per count): ``round`` with
    digits goes through the float's decimal digits (~2.8k instructions, 800 without), and a report's thousand lines
    come in a few sizes. A NaN is rounded anew each time, as ``round`` gives a new NaN, which no key equals."""
    rounded = memo.get(size)
    if rounded is None:
        rounded = round(size, 1)
        if size == size:
            memo[size] = rounded
    return rounded


def line_pitch(lines: list[Line], body: float) -> float:
    """The median distance between consecutive body lines of a page (``body``: the body text size)."""
    near, far = BODY_SHARE * body, 2.2 * body
    is_body = [abs(line.size - body) < near for line in lines]  # _body, once per line (each is in two pairs)
    steps = [
        b.top - a.top
        for a, b, a_body, b_body in zip(lines, lines[1:], is_body, is_body[1:], strict=False)
        if a.page == b.page and a_body and b_body and 0 < b.top - a.top < far
    ]
    return median(steps) if steps else body * 1.25


BODY_SHARE = 0.06
"""Lines whose size is within this share of the body size are body lines (0.6 pt at 10 pt; a share, so that an A5
report or OCR's line boxes in points are measured alike)."""


def column_lines(lines: list[Line], x_from: float, x_to: float) -> list[Line]:
    """The words of one column, regrouped into lines on their own.

    Grouping a whole page row at once lets a cell of one column borrow a bullet or a word from a
    line of the other column printed a point higher or lower; regrouping per column cannot.
    """
    return [ln for page, words in _column_words(lines, x_from, x_to).items() for ln in group_lines(words, page)]


def iter_column_lines(lines: list[Line], x_from: float, x_to: float) -> Iterator[Line]:
    """The lines of :func:`column_lines`, grouped as they are read: a reader that stops after a few lines of a long
    window (the box's Rubriker column) does not group the rest."""
    return (ln for page, words in _column_words(lines, x_from, x_to).items() for ln in iter_lines(words, page))


def _column_words(lines: list[Line], x_from: float, x_to: float) -> dict[int, list[Word]]:
    """The words of the lines whose middle lies in [x_from, x_to), by page."""
    by_page: dict[int, list[Word]] = {}
    for line in lines:
        by_page.setdefault(line.page, []).extend([w for w in line.words if x_from <= (w.x0 + w.x1) / 2 < x_to])  # xc
    return by_page
