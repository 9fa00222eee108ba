"""Stage 2b: the overview tables ("Översikt av poängfördelning", older "Poängsammanställning").

Columns are found by position: the header labels (Uppnått / Max / Procent) give the centres of the
numeric columns and the left edge of the first one bounds the question text. A row starts at its
question number "N.M"; lines without a number continue the text; the numbers may sit on the first
or the last line of the row; a numbers-only line after a complete row is the area's total. Column
positions carry over page breaks and to areas whose header row omits the labels.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from statistics import median

from kompass_extract.common.editions import COLUMN_NAMES, DEFAULT_FACTS, EditionFacts, question_no
from kompass_extract.locate.areas import is_toc_entry
from kompass_extract.locate.labels import (
    clean_heading,
    fold,
    is_label,
    join_lines,
    labels,
    parse_number,
    starts_with_label,
)
from kompass_extract.model import Area, BBox, CellBox, Question, union
from kompass_extract.parse.glued import unglued
from kompass_extract.parse.ocr_rows import LabelColumn, number_by_neighbours, ocr_rows, speck_height
from kompass_extract.read.geometry import Word
from kompass_extract.read.lines import Line

AREA_TITLE_RE = re.compile(r"^(\d)\s*[.:)]?$")
PLACED_NO_RE = re.compile(r"^(\d+)\.(\d+)$")
"""A question number taken by its place in the table (:class:`~kompass_extract.parse.ocr_rows.LabelColumn`)."""
CHAPTER_NO_RE = re.compile(r"^\d+(?:\.\d+)*\.?\s*")
"""A chapter number before a heading ("4. Översikt ...", "4.1 ...")."""


@dataclass
class Columns:
    centres: dict[str, float]
    text_right: float


@dataclass
class RowBuilder:
    area_no: int
    question_no: str
    texts: list[str]
    page: int
    boxes: list[BBox]
    read_as: str | None = None
    """What OCR read in place of the question number, when the number was taken from the row's place."""
    numbered_by: str | None = None
    """How the row was numbered when OCR misread its number (see :attr:`~kompass_extract.model.Question.numbered_by`);
    with ``question_no`` "" until its neighbours number it."""
    numbers: dict[str, tuple[float, str, Word]] = field(default_factory=dict)
    cells: dict[str, CellBox] = field(default_factory=dict)
    unread: dict[str, str] = field(default_factory=dict)

    def add_box(self, words: list[Word], page: int) -> None:
        """Provenance: the row's box on its first page (a row continued on the next page keeps that one): the box of
        a line of ``words``, measured in one pass as grouping measures its lines (a plain ``Line`` computes its box a
        property at a time, four times the work, on each of a table's hundred rows)."""
        if words and page == self.page:
            self.boxes.append(Line(words, page).bbox)


def find_overview_start(
    lines: list[Line], is_heading: Callable[[Line], bool], facts: EditionFacts = DEFAULT_FACTS
) -> int | None:
    """Index of the overview chapter heading: a label line (not a TOC entry, not running text) that a
    table follows. A chart caption "Poängfördelning per område" in chapter 2 has no table after it."""
    for i, line in enumerate(lines):
        text = line.text.strip()
        if text[:1].isdigit():  # a chapter number begins with a digit (every "\d" is one): most lines have none
            text = CHAPTER_NO_RE.sub("", text)
        is_label_line = starts_with_label(text, "overview_headings") and not is_toc_entry(line)
        if (
            is_label_line
            and (is_heading(line) or len(text.split()) <= 5)
            and _table_follows(lines, i + 1, facts) is not None
        ):
            return i
    return None


TABLE_LOOKAHEAD = 30
"""Lines after the overview heading within which its first table row must stand."""


def _table_follows(lines: list[Line], start: int, facts: EditionFacts, limit: int = TABLE_LOOKAHEAD) -> int | None:
    """Index of the first overview table row (a header row or a question row with numbers) from ``start``."""
    for i in range(start, min(len(lines), start + limit)):
        if _header_columns(lines[i]) is not None or _columns_from_numbers(lines[i], facts) is not None:
            return i
    return None


def find_table_start(lines: list[Line], start: int, facts: EditionFacts = DEFAULT_FACTS) -> int | None:
    """Overview tables printed without a chapter heading: the line before their first row after ``start``."""
    first = _table_follows(lines, start, facts, len(lines))
    return first - 1 if first is not None else None


@cache
def _column_phrases() -> list[tuple[tuple[str, ...], str]]:
    """(folded words of a column label, column key), longest labels first ("Max poäng" before "Poäng")."""
    phrases = [(tuple(fold(label).split()), key) for key in COLUMN_NAMES for label in labels()[f"column_{key}"]]
    return sorted(phrases, key=lambda p: -len(p[0]))


@cache
def _label_words() -> frozenset[str]:
    """Every folded word of the column labels."""
    return frozenset(word for phrase, _ in _column_phrases() for word in phrase)


@cache
def _phrase_ends() -> tuple[str, ...]:
    """The folded last words of the column labels: a header row ends with one of them (a tuple, for ``in`` and for
    ``str.endswith``)."""
    return tuple(dict.fromkeys(phrase[-1] for phrase, _ in _column_phrases()))


def _label_run(
    words: list[Word], folded: list[str], end: int, spans: dict[str, tuple[float, float]]
) -> dict[str, tuple[float, float]] | None:
    """Column labels ending at word ``end``, read backwards; the longest complete run (backtracking, so
    that "Max Poäng %" is max + achieved + percent, not the one label "Max poäng")."""
    best = spans if "achieved" in spans and "max" in spans else None
    for phrase, key in _column_phrases():
        n = len(phrase)
        if key not in spans and n <= end and tuple(folded[end - n : end]) == phrase:
            found = _label_run(words, folded, end - n, {**spans, key: (words[end - n].x0, words[end - 1].x1)})
            if found is not None and (best is None or len(found) > len(best)):
                best = found
    return best


def _header_columns(line: Line) -> Columns | None:
    """Column centres from a header row: the run of column labels that ends the line.

    Labels are read as phrases from the right ("Uppnådda poäng | Max poäng | Procent"), so a word of the
    area name before them ("Resultat och effektivitet") is never taken for a column.
    """
    words = line.words
    if not words:
        return None
    last = fold(words[-1].text).strip(":")
    if last not in _phrase_ends():  # most lines: every line is asked
        glued = unglued(words[-1], _label_words()) if last.endswith(_phrase_ends()) else None  # "MaxProcent"
        if glued is None:
            return None
        words = [*words[:-1], *glued]
    folded = [fold(w.text).strip(":") for w in words]
    spans = _label_run(words, folded, len(words), {})
    if spans is None:
        return None
    centres = {key: (x0 + x1) / 2 for key, (x0, x1) in spans.items()}
    return Columns(centres, min(x0 for x0, _ in spans.values()) - 4)


def _trailing_numbers(line: Line, facts: EditionFacts) -> list[Word] | None:
    """The 2-3 score cells that end a question row ("1.1 Finns ... 11 15 75%"), or None.

    Cells hold scores and percents, so a number above the edition's :attr:`~EditionFacts.cell_max` (a year in the
    question text) is not one.
    """
    words = _split_glued_number(line.words)
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


def _columns_from_numbers(line: Line, facts: EditionFacts) -> Columns | None:
    """Tables printed without a header row: a question row ending in 2-3 numbers fixes the columns by order."""
    numbers = _trailing_numbers(line, facts)
    if numbers is None:
        return None
    return Columns({key: w.xc for key, w in zip(facts.columns, numbers, strict=False)}, numbers[0].x0 - 4)


def _columns_from_rows(lines: list[Line], facts: EditionFacts) -> Columns | None:
    """Column positions agreed by the first question rows: the count of cells most rows end in, and the
    median position of each (one row whose text ends in a number cannot shift them all)."""
    rows = [n for n in (_trailing_numbers(ln, facts) for ln in lines[:ROWS_LOOKAHEAD]) if n is not None]
    if not rows:
        return None
    counts = Counter(len(n) for n in rows)
    width = max(counts, key=lambda c: (counts[c], c))
    agreed = [n for n in rows if len(n) == width]
    centres = {key: median(n[k].xc for n in agreed) for k, key in enumerate(facts.columns[:width])}
    return Columns(centres, median(n[0].x0 for n in agreed) - 4)


ROWS_LOOKAHEAD = 40
"""Lines read ahead to agree on the columns of a table printed without a header row."""


def _numbers(
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


def _text_column(words: list[Word], columns: Columns | None) -> list[Word]:
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
    """OCR'd cells: look-alike letters to digits, a misread per-cent sign undone (see kompass_extract.read.ocr.pages)."""
    from kompass_extract.read.ocr.numbers import normalise_ocr_number

    return normalise_ocr_number(text, percent=percent)


GLUED_NO_RE = re.compile(r"^(\d{1,2}[.,]\d{1,2}\.?)(?=[^\d.,%])(.+)$")


def _split_glued_number(words: list[Word]) -> list[Word]:
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


def parse_overview(lines: list[Line], areas: dict[int, Area], facts: EditionFacts = DEFAULT_FACTS) -> int:
    """Fill ``areas`` (created on demand) with question rows and totals; ``facts`` say which area numbers, question
    numbers and columns a table can have. Returns the index of the first line after the tables."""
    end = len(lines)
    columns: Columns | None = None
    current: Area | None = None
    row: RowBuilder | None = None
    title_open = False
    labels_seen = LabelColumn()
    speck = speck_height(lines)
    lines, starts = ocr_rows(lines, speck)

    def finish_row() -> None:
        nonlocal row
        if row is not None and current is not None:
            current.questions.append(_to_question(row))
        row = None

    for index, line in enumerate(lines):
        header = _header_columns(line)
        if header is not None:
            columns = header
        elif columns is None and _trailing_numbers(line, facts) is not None:
            columns = _columns_from_rows(lines[index:], facts)
        text_column = _text_column(line.words, columns)
        text_words = _split_glued_number(text_column)
        unread: dict[str, str] = {}
        in_text = set(map(id, text_column))  # the line's own words (``in`` would compare every pair field by field)
        nums = _numbers([w for w in line.words if id(w) not in in_text], columns, unread, speck) if columns else {}
        first = text_words[0].text if text_words else ""
        qmatch = facts.match_question_no(first)
        read_as = None
        if current is not None and text_words and text_words[0].conf is not None:
            open_row = _to_question(row) if row is not None and row.area_no == current.area_no else None
            placed = labels_seen.place(text_words, qmatch, bool(nums), current, open_row)
            if placed is not None:
                qmatch, read_as = PLACED_NO_RE.match(placed), first
        title_words = _area_title_words(text_words)
        amatch = AREA_TITLE_RE.match(title_words[0].text) if title_words else None
        if (
            (qmatch is None or int(qmatch.group(1)) not in facts.area_nos)  # "38.1": a speck read before 8.1
            and current is not None
            and len(nums) >= 2
            and current.total_page is None
            and (row is None or bool(row.numbers))  # else a continued row's numbers, on a line starting with a year
            and not (amatch and int(amatch.group(1)) != current.area_no)
            and labels_seen.misread_number(text_words) is not None
        ):  # a row whose number OCR misread beyond recognition: numbered by its neighbours at the end, or dropped
            finish_row()
            row = RowBuilder(current.area_no, "", [" ".join(w.text for w in text_words[1:])], line.page, [], first)
            row.numbered_by = "neighbours"
            row.add_box(text_words, line.page)
            _take_numbers(row, nums, line.page, unread)
            continue
        if qmatch and int(qmatch.group(1)) in facts.area_nos:
            finish_row()
            area_no = int(qmatch.group(1))
            if current is None or current.area_no != area_no:
                current = areas.setdefault(area_no, Area(area_no))
            title_open = False
            qno = question_no(area_no, int(qmatch.group(2)))
            row = RowBuilder(area_no, qno, [" ".join(w.text for w in text_words[1:])], line.page, [], read_as)
            row.numbered_by = "reading" if read_as is not None else None
            labels_seen.add(text_words[0])
            row.add_box(text_words, line.page)
            _take_numbers(row, nums, line.page, unread)
            continue
        if (
            amatch
            and int(amatch.group(1)) in facts.area_nos
            and len(title_words) > 1
            and not _is_total_label(line.text)
        ):
            finish_row()
            area_no = int(amatch.group(1))
            if current is not None and area_no < current.area_no and current.questions:
                end = starts[index]
                break  # numbering went backwards after the tables: a later chapter ("5. Revideringen ...")
            current = areas.setdefault(area_no, Area(area_no))
            labels_seen.add(title_words[0])
            if current.overview_title is None or not current.questions:  # not a "(forts.)" repeat
                current.overview_title = clean_heading(" ".join(w.text for w in title_words[1:]))
                title_open = header is None
            if nums and "max" in nums:
                _set_total(current, nums, line)
            continue
        if current is None:
            continue
        text = " ".join(w.text for w in text_words)
        if title_open and text and not nums:
            current.overview_title = join_lines([current.overview_title or "", text])
            continue
        if title_open and header is not None:
            if text:
                current.overview_title = join_lines([current.overview_title or "", text])
            title_open = False
            continue
        title_open = False
        is_total_label = bool(text and nums) and _is_total_label(text)  # a wrapped text may say "totalt"
        if row is not None and not is_total_label:
            if text:
                row.texts.append(text)
                row.add_box(text_words, line.page)
            if nums and not row.numbers:
                _take_numbers(row, nums, line.page, unread)
                continue
            if not nums:
                continue
        if nums and "max" in nums:
            finish_row()
            _set_total(current, nums, line)
            if current.area_no == facts.area_count and current.questions:
                end = starts[index + 1]
                break  # what follows the last area's total is not part of the tables
            continue
    finish_row()
    for area in areas.values():
        number_by_neighbours(area)
    return end


def _area_title_words(words: list[Word]) -> list[Word]:
    """The words of a possible area title row without a leading "Område" ("Område 3: Politisk ...")."""
    if len(words) > 1 and is_label(words[0].text, "area_heading_words"):
        return words[1:]
    return words


@cache
def _total_words() -> frozenset[str]:
    return frozenset(fold(label) for label in labels()["total_row"] if " " not in label)


def _is_total_label(text: str) -> bool:
    """A total row's label: "Summa", "Totalt område 3", "Område 3 totalt"."""
    return starts_with_label(text, "total_row") is not None or any(w in _total_words() for w in fold(text).split())


def _take_numbers(row: RowBuilder, nums: dict[str, tuple[float, str, Word]], page: int, unread: dict[str, str]) -> None:
    row.numbers.update(nums)
    row.unread.update({key: text for key, text in unread.items() if key not in nums})
    row.cells.update(_cells(nums, page))
    row.add_box([n[2] for n in nums.values()], page)


def _set_total(area: Area, nums: dict[str, tuple[float, str, Word]], line: Line) -> None:
    area.score = nums["achieved"][0] if "achieved" in nums else None
    area.max = nums["max"][0]
    area.percent = nums["percent"][0] if "percent" in nums else None
    area.total_page = line.page
    area.total_bbox = line.bbox
    confs = [n[2].conf for n in nums.values() if n[2].conf is not None]
    area.total_confidence = min(confs) if confs else None
    area.total_cells = _cells(nums, line.page)


def _cells(nums: dict[str, tuple[float, str, Word]], page: int) -> dict[str, CellBox]:
    return {key: (page, w.x0, w.top, w.x1, w.bottom, w.conf) for key, (_, _, w) in nums.items()}


def _to_question(row: RowBuilder) -> Question:
    nums = row.numbers
    confs = [n[2].conf for n in nums.values() if n[2].conf is not None]
    return Question(
        area_no=row.area_no,
        question_no=row.question_no,
        text=join_lines(row.texts),
        achieved=nums["achieved"][0] if "achieved" in nums else None,
        max=nums["max"][0] if "max" in nums else None,
        percent=nums["percent"][0] if "percent" in nums else None,
        page=row.page,
        bbox=union(row.boxes),
        confidence=min(confs) if confs else None,
        cells=row.cells,
        question_no_read=row.read_as,
        numbered_by=row.numbered_by,
        unread={key: text for key, text in row.unread.items() if key not in nums},
    )
