"""Lines: the words of a page that share a baseline, left to right, grouped when a stage asks for them.

Every stage reads lines (their box, size, text and boldness), and a report makes some 9,000 of them: the page's
lines and the lines stages make of parts of them (a column, a list item's text). So a line's box and size are plain
attributes measured when it is made, and the grouping takes a page's words as runs of one top and bottom.
"""

from __future__ import annotations

import bisect
import math
import operator
from collections.abc import Callable, Iterable, Iterator
from dataclasses import InitVar, dataclass, field
from typing import Any, Generic, TypeVar

from kompass_extract.common.text import ALNUM
from kompass_extract.read.geometry import Word

_X0, _TOP, _BOTTOM = (operator.attrgetter(k) for k in ("x0", "top", "bottom"))
_CENTRE = operator.itemgetter(0)
T = TypeVar("T")


class cached_property(Generic[T]):  # noqa: N801 (a drop-in for functools.cached_property)
    """``functools.cached_property`` without its lock (Python 3.11 takes one on every first access, which
    costs as much as computing a line's box): a report computes thousands of these, in one thread."""

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> T:
        if obj is None:
            return self  # type: ignore[return-value]
        value = self.func(obj)
        _set_attribute(obj, self.name, value)  # kept with the object's other attributes (no dict made)
        return value


_set_attribute = object.__setattr__
"""Stores an attribute among the object's own values: reading ``obj.__dict__`` (to store in it) turns them into a
dictionary of their own, which makes each later read of any of the object's attributes slower."""

Measures = tuple[float, float, float, float, float]
"""A line's x0, x1, top, bottom and size."""


@dataclass
class Line:
    """Words that share a baseline, left to right. May span several table columns.

    Its box and size are measured when it is made: nearly every stage reads them (some 16,000 reads a report), and a
    plain attribute is read in a quarter of the instructions of a cached property (a descriptor whose class is
    defined in Python keeps the interpreter from specialising the read: ~170 against ~40). ``measures`` are given by
    a maker that measured the words already (:func:`measured_line`). A line of no words has none (a reader gets an
    ``AttributeError``, as it got an ``IndexError`` or ``ValueError`` when they were measured on first use)."""

    words: list[Word]
    page: int
    measures: InitVar[Measures | None] = None
    x0: float = field(init=False, repr=False, compare=False)
    x1: float = field(init=False, repr=False, compare=False)
    top: float = field(init=False, repr=False, compare=False)
    bottom: float = field(init=False, repr=False, compare=False)
    size: float = field(init=False, repr=False, compare=False)

    def __post_init__(self, measures: Measures | None) -> None:
        if measures is None:
            if not self.words:
                return
            measures = _measures(self.words)
        self.x0, self.x1, self.top, self.bottom, self.size = measures

    @cached_property
    def text(self) -> str:
        return " ".join([w.text for w in self.words])

    @cached_property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.x0, self.top, self.x1, self.bottom)

    @cached_property
    def bold(self) -> bool | None:
        """True when every word is bold, None when the layer has no font information (OCR).

        Only words with a letter or digit count; when all words of the line are alike (nearly every line), one such
        word is looked for, not each word tested."""
        flags = {w.bold for w in self.words}
        if len(flags) > 1 or not any(w.text.isalnum() or ALNUM.search(w.text) for w in self.words):
            flags = {w.bold for w in self.words if w.text.isalnum() or ALNUM.search(w.text)}  # isalnum: quick test
        if not flags or None in flags:
            return None
        return all(flags)

    @property
    def conf(self) -> float | None:
        confs = [w.conf for w in self.words if w.conf is not None]
        return min(confs) if confs else None


def group_lines(words: Iterable[Word], page_number: int) -> list[Line]:
    """Group words into lines by vertical overlap, top to bottom, left to right.

    Words are taken by their centre, top to bottom; a word joins the latest of the last three lines whose
    first word's centre is within 0.3 of the smaller of the two heights (at least 1 pt), else starts a line.
    """
    return list(_grouped(list(words), page_number, NEVER))


def iter_lines(words: list[Word], page_number: int) -> Iterator[Line]:
    """The lines of :func:`group_lines`, the same and in the same order, each given as soon as no word still to
    be grouped can join it or make a line that comes before it: a reader that stops after its first few lines (the
    Rubriker column of a box, a few lines of a 40-line window) does not group the rest of them."""
    return _grouped(words, page_number, SETTLE_FROM)


NEVER = -1
"""``settle_at`` of :func:`_grouped` for a reader that takes every line: no looks (a list has no count of -1)."""
SETTLE_FROM = 2
"""Lines made after which :func:`iter_lines` first looks for lines it can give; again after twice as many, and so
on: a look costs a pass over the words (their tallest height), so few looks, and never more than twice the lines
a reader takes are grouped."""


def _grouped(words: list[Word], page_number: int, settle_at: int) -> Iterator[Line]:
    """The grouping of :func:`group_lines`; with ``settle_at`` > 0 (lines made) its lines are given early (see
    :func:`iter_lines`).

    Words are taken as the pieces of :func:`_pieces`, each of which joins one line whole, as each of its words would
    one by one (the first word's choice is the others' too: same centre, same height, same last three lines). A line
    is settled when no later word can join it: it left the last three lines, or the words' centres (ascending) have
    passed its first word's centre by 0.3 of that word's height. Any line not yet settled or not yet made holds only
    words whose centre is at least the first word's centre of the oldest unsettled line (the current centre when
    there is none), so its top lies at most half the tallest word's height above that: every settled line whose top
    is above that bound is given, in order of their tops (ties in the order made, as the stable sort of
    :func:`group_lines`)."""
    pieces = _pieces(words)
    in_order = pieces is not None  # a line of one piece holds its words left to right (see _pieces)
    if pieces is None:  # the words one by one in the order of the definition's sort (see _pieces)
        ordered = sorted([((w.top + w.bottom) / 2, w.x0, n, w) for n, w in enumerate(words)])  # n: input order
        pieces = [(centre, _near(w), [w]) for centre, _, _, w in ordered]
    lines: list[tuple[float, float, list[Word]]] = []  # centre and 0.3 of the height of the first word, the words
    mixed: set[int] = set()  # lines (ids of their words' lists) that took more than one piece: put left to right
    latest_centre, latest = math.nan, []
    settled, given, reach = 0, [], math.nan  # lines settled (a prefix of lines), settled lines not yet given
    for centre, near, piece in pieces:
        if centre == latest_centre:  # the latest line takes it (heights >= 1): another run of its own centre
            latest += piece
            mixed.add(id(latest))
            continue
        # The lines' first centres increase (but word by word, see _pieces): a line is only farther than the latest,
        # so when the latest is out of this piece's reach (which bounds reached below), so are all: none looked at.
        nearby = lines[:-4:-1] if centre - latest_centre < near or not in_order else ()
        for anchor_centre, anchor_near, members in nearby:
            reached = anchor_near if anchor_near < near else near  # min(near, anchor_near), inlined
            if -reached < centre - anchor_centre < reached:  # abs(...) < reached, without a call
                members += piece
                mixed.add(id(members))
                break
        else:
            if len(lines) == settle_at:
                settle_at *= 2
                if reach != reach:  # nan: the tallest word not measured yet
                    reach = max(map(operator.sub, map(_BOTTOM, words), map(_TOP, words))) / 2
                last = settled
                while settled < len(lines) and (
                    settled < len(lines) - 2 or lines[settled][0] + lines[settled][1] <= centre
                ):
                    settled += 1
                given += [_made(members, page_number, in_order, mixed) for _, _, members in lines[last:settled]]
                given.sort(key=_TOP)
                bound = (lines[settled][0] if settled < len(lines) else centre) - reach
                ready = bisect.bisect_left(given, bound, key=_TOP)
                yield from given[:ready]
                del given[:ready]
            lines.append((centre, near, piece))
        latest_centre, _, latest = lines[-1]
    given += [_made(members, page_number, in_order, mixed) for _, _, members in lines[settled:]]
    given.sort(key=_TOP)  # in order of their tops, measured when made (see measured_line)
    yield from given


def _made(members: list[Word], page_number: int, in_order: bool, mixed: set[int]) -> Line:
    """The line of ``members`` (in the order they joined it), its words left to right: sorted by their left edges,
    stably, unless they are one piece of :func:`_pieces`, which is already (ties in input order), as a stable sort
    would keep it (~10% of a page's grouping)."""
    if not in_order or id(members) in mixed:
        return measured_line(sorted(members, key=_X0), page_number)
    return measured_line(members, page_number, level=True)


def _near(w: Word) -> float:
    """0.3 of the word's height (at least 1 pt; a NaN stays NaN): how near another line's centre must be for it
    to join (the smaller of the two). 0.3 * min(a, b) is min(0.3 * a, 0.3 * b), the same float (rounding keeps
    the order), so it is taken once per word."""
    height = w.bottom - w.top
    return 0.3 * (1.0 if height < 1.0 else height)


def _pieces(words: list[Word]) -> list[tuple[float, float, list[Word]]] | None:
    """The words as pieces (centre, 0.3 of the height, words) in the order of their centres, each of which joins
    one line whole, the same line its words join in the order of a sort of (centre, x0, input index).

    Words of one line mostly come one after the other with the same top and bottom (same centre, same height): such
    a run is one piece, put left to right by a stable sort only when it is not already, and the pieces are sorted
    by their centres alone, a float each, stably. Runs of one centre keep their input order (a line that takes
    more than one is put left to right when made). None (word by word) when two runs of one centre differ in
    height, as each word's choice then depends on which comes first, and when a centre or a left edge is NaN, which
    compares false both ways, so the sort's order is its own."""
    pieces: list[tuple[float, float, list[Word]]] = []
    nears: dict[float, float] = {}
    rough: list[list[Word]] = []  # runs not left to right (or holding a NaN left edge)
    top = bottom = last = math.nan
    run: list[Word] = []
    for w in words:
        x = w.x0
        if w.top != top or w.bottom != bottom:
            top, bottom, last, run = w.top, w.bottom, x, []
            centre, near = (top + bottom) / 2, _near(w)
            if nears.setdefault(centre, near) != near or centre != centre:  # a NaN height is never equal: word by word
                return None
            pieces.append((centre, near, run))
        if not x >= last and (not rough or rough[-1] is not run):  # x < last, or a NaN
            rough.append(run)
        run.append(w)
        last = x
    for run in rough:
        if any(w.x0 != w.x0 for w in run):
            return None
        run.sort(key=_X0)
    pieces.sort(key=_CENTRE)
    return pieces


def measured_line(words: list[Word], page_number: int, level: bool = False) -> Line:
    """A line of ``words`` (left to right, at least one) that grouping made; ``level``: see :func:`_measures`."""
    return Line(words, page_number, _measures(words, level))


def _measures(words: list[Word], level: bool = False) -> Measures:
    """The box and size of a line of ``words`` (at least one), in one pass: the comparisons are those of ``min`` and
    ``max``, so the values are the same floats, at less than a ``min``/``max`` over a ``map`` per measure costs.
    ``level``: the words share one top and one bottom (one piece of :func:`_pieces`: nearly every line), so the
    first word's are the line's (``min`` and ``max`` keep the first of equal floats, 0.0 or -0.0)."""
    first = words[0]
    top, bottom, x1, size = first.top, first.bottom, first.x1, first.size
    for w in words:
        if w.x1 > x1:
            x1 = w.x1
        if w.size > size:
            size = w.size
    if not level:
        for w in words:
            if w.top < top:
                top = w.top
            if w.bottom > bottom:
                bottom = w.bottom
    return (first.x0, x1, top, bottom, size)
