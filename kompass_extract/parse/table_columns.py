"""The overview tables' columns, and the cells of a row by column (see :mod:`kompass_extract.parse.overview`).

A header row's labels (Uppnått / Max / Procent, read as phrases from the right) give the centres of the numeric
columns, and the left edge of the first one bounds the question text; a table printed without a header row takes
them from the numbers its first question rows end in. A row's words right of the text column are its cells, each
given to the nearest column centre.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from statistics import median

from kompass_extract.common.editions import COLUMN_NAMES, EditionFacts
from kompass_extract.locate.labels import fold, labels, parse_number
from kompass_extract.parse.glued import unglued
from kompass_extract.read.geometry import Word
from kompass_extract.read.lines import Line


@dataclass
class Columns:
    """The numeric columns' centres by key ("achieved", "max", "percent") and where the text column ends."""

    centres: dict[str, float]
    text_right: float


@cache
def column_phrases() -> list[tuple[tuple[str, ...], str]]:
    """(folded words of a column label, column key), longest labels first ("Max poäng" before "Poäng")."""
    phrases = [(tuple(fold(label).split()), key) for key in COLUMN_NAMES for label in labels()[f"column_{key}"]]
    return sorted(phrases, key=lambda p: -len(p[0]))


@cache
def label_words() -> frozenset[str]:
    """Every folded word of the column labels."""
    return frozenset(word for phrase, _ in column_phrases() for word in phrase)


@cache
def _phrase_ends() -> tuple[str, ...]:
    """The folded last words of the column labels: a header row ends with one of them (a tuple, for ``in`` and for
    ``str.endswith``)."""
    return tuple(dict.fromkeys(phrase[-1] for phrase, _ in column_phrases()))


def _label_run(
    words: list[Word], folded: list[str], end: int, spans: dict[str, tuple[float, float]]
) -> dict[str, tuple[float, float]] | None:
    """Column labels ending at word ``end``, read backwards; the longest complete run (backtracking, so
    that "Max Poäng %" is max + achieved + percent, not the one label "Max poäng")."""
    best = spans if "achieved" in spans and "max" in spans else None
    for phrase, key in column_phrases():
        n = len(phrase)
        if key not in spans and n <= end and tuple(folded[end - n : end]) == phrase:
            found = _label_run(words, folded, end - n, {**spans, key: (words[end - n].x0, words[end - 1].x1)})
            if found is not None and (best is None or len(found) > len(best)):
                best = found
    return best


def header_columns(line: Line) -> Columns | None:
    """Column centres from a header row: the run of column labels that ends the line.

    Labels are read as phrases from the right ("Uppnådda poäng | Max poäng | Procent"), so a word of the
    area name before them ("Resultat och effektivitet") is never taken for a column.
    """
    words = line.words
    if not words:
        return None
    last = fold(words[-1].text).strip(":")
    if last not in _phrase_ends():  # most lines: every line is asked
        glued = unglued(words[-1], label_words()) if last.endswith(_phrase_ends()) else None  # "MaxProcent"
        if glued is None:
            return None
        words = [*words[:-1], *glued]
    folded = [fold(w.text).strip(":") for w in words]
    spans = _label_run(words, folded, len(words), {})
    if spans is None:
        return None
    centres = {key: (x0 + x1) / 2 for key, (x0, x1) in spans.items()}
    return Columns(centres, min(x0 for x0, _ in spans.values()) - 4)


def trailing_numbers(line: Line, facts: EditionFacts) -> list[Word] | None:
    """The 2-3 score cells that end a question row ("1.1 Finns ... 11 15 75%"), or None.

    Cells hold scores and percents, so a number above the edition's :attr:`~EditionFacts.cell_max` (a year in the
    question text) is not one.
    """
    words = split_glued_number(line.words)
    if not words or not facts.match_question_no(words[0].text):
        return None
    tail: list[Word] = []
    for w in reversed(words[1:]):
        parsed = parse_number(w.text)
        if w.text != "%" and (parsed is None or parsed[0] > facts.cell_max):
            break
        tail.insert(0, w)
    numbers = [w for w in tail if w.text != "%"]
    if not 2 <= len(numbers) <= 3 or len(tail) == len(words) - 1:
        return None
    return numbers


def columns_from_numbers(line: Line, facts: EditionFacts) -> Columns | None:
    """Tables printed without a header row: a question row ending in 2-3 numbers fixes the columns by order."""
    numbers = trailing_numbers(line, facts)
    if numbers is None:
        return None
    return Columns({key: w.xc for key, w in zip(facts.columns, numbers, strict=False)}, numbers[0].x0 - 4)


def columns_from_rows(lines: list[Line], facts: EditionFacts) -> Columns | None:
    """Column positions agreed by the first question rows: the count of cells most rows end in, and the
    median position of each (one row whose text ends in a number cannot shift them all)."""
    rows = [n for n in (trailing_numbers(ln, facts) for ln in lines[:ROWS_LOOKAHEAD]) if n is not None]
    if not rows:
        return None
    counts = Counter(len(n) for n in rows)
    width = max(counts, key=lambda c: (counts[c], c))
    agreed = [n for n in rows if len(n) == width]
    centres = {key: median(n[k].xc for n in agreed) for k, key in enumerate(facts.columns[:width])}
    return Columns(centres, median(n[0].x0 for n in agreed) - 4)


ROWS_LOOKAHEAD = 40
"""Lines read ahead to agree on the columns of a table printed without a header row."""


def cell_numbers(
    words: list[Word], columns: Columns, unread: dict[str, str] | None = None, speck: float = 0.0
) -> dict[str, tuple[float, str, Word]]:
    """Numeric words right of the text column, assigned to the nearest column centre; a word of a text layer there
    that is no number goes to ``unread`` by column (an OCR'd one is read again later instead). An OCR'd word lower
    than ``speck`` is toner or a table rule's fragment, not a digit."""
    merged: list[Word] = []
    for w in words:
        if w.conf is not None and w.bottom - w.top < speck:
            continue
        if w.text == "%" and merged:
            prev = merged[-1]
            merged[-1] = Word(
                prev.text + "%", prev.x0, prev.top, w.x1, prev.bottom, prev.size, prev.bold, _min_conf(prev, w)
            )
        else:
            merged.append(w)
    found: dict[str, tuple[float, str, Word]] = {}
    centres = columns.centres
    for w in merged:
        xc = w.xc
        if xc < columns.text_right:
            continue
        nearest = min(centres, key=lambda k, xc=xc: abs(centres[k] - xc))
        text = w.text if w.conf is None else _ocr_number(w.text, nearest == "percent")
        parsed = parse_number(text)
        if parsed is None:
            if unread is not None and w.conf is None:
                unread.setdefault(nearest, w.text)
            continue
        value, has_percent = parsed
        key = "percent" if has_percent and "percent" in columns.centres else nearest
        found.setdefault(key, (value, text, w))
    return found


def text_column(words: list[Word], columns: Columns | None) -> list[Word]:
    """The words of a row's text column: those left of the first score column, and a word that runs on past its
    edge ("... för alla chefer i" where "i" ends beside the right-aligned header "Uppnått").

    A run-on word is no number, is nearer the text before it than the next word, and ends left of the first
    column's centre, where a right-aligned score never ends. Dropping it lost the word from the question text
    without a trace.
    """
    if columns is None:
        return words
    text, right_of = [], []
    for w in words:  # each word's centre once
        xc = w.xc
        if xc < columns.text_right:
            text.append(w)
        elif xc >= columns.text_right:
            right_of.append(w)
    if not text:
        return text
    first_centre = min(columns.centres.values())
    right = max(w.x1 for w in text)
    rest = sorted(right_of, key=lambda w: w.x0)
    for i, w in enumerate(rest):  # an OCR'd word there is more likely a garbled cell: never run on
        if w.conf is not None or w.x1 >= first_centre or w.text == "%" or parse_number(w.text) is not None:
            break
        gap_before, right = w.x0 - right, w.x1
        gap_after = rest[i + 1].x0 - w.x1 if i + 1 < len(rest) else float("inf")
        if not 0 <= gap_before < gap_after:
            break
        text.append(w)
    return text


def _ocr_number(text: str, percent: bool) -> str:
    """OCR'd cells: look-alike letters to digits, a misread per-cent sign undone (see
    :mod:`kompass_extract.read.ocr.numbers`)."""
    from kompass_extract.read.ocr.numbers import normalise_ocr_number

    return normalise_ocr_number(text, percent=percent)


GLUED_NO_RE = re.compile(r"^(\d{1,2}[.,]\d{1,2}\.?)(?=[^\d.,%])(.+)$")


def split_glued_number(words: list[Word]) -> list[Word]:
    """'1.1Finns' (no space after the number) -> '1.1', 'Finns'; an OCR'd '2.' '1' (a thin dot read as a word
    gap) -> '2.1'; an OCR'd '2' '1' (the dot lost) -> '21', which is numbered by its place in the table, or not."""
    if words and (m := GLUED_NO_RE.match(words[0].text)):
        w = words[0]
        cut = w.x0 + (w.x1 - w.x0) * len(m.group(1)) / len(w.text)
        head = Word(m.group(1), w.x0, w.top, cut, w.bottom, w.size, w.bold, w.conf)
        tail = Word(m.group(2), cut, w.top, w.x1, w.bottom, w.size, w.bold, w.conf)
        return [head, tail, *words[1:]]
    if len(words) > 2 and words[0].conf is not None and SPLIT_NO_RE.match(words[0].text + words[1].text):
        a, b = words[0], words[1]
        if b.x0 - a.x1 < SPLIT_GAP * (a.bottom - a.top):
            joined = Word(a.text + b.text, a.x0, a.top, b.x1, max(a.bottom, b.bottom), a.size, a.bold, _min_conf(a, b))
            return [joined, *words[2:]]
    return words


SPLIT_NO_RE = re.compile(r"^\d{1,2}[.,]?\d{1,2}$")
SPLIT_GAP = 0.5
"""Widest gap (line heights) between the two halves of an OCR'd question number read as two words."""


def _min_conf(a: Word, b: Word) -> float | None:
    confs = [c for c in (a.conf, b.conf) if c is not None]
    return min(confs) if confs else None
