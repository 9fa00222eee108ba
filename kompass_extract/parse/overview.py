"""Stage 2b: the overview tables ("Översikt av poängfördelning", older "Poängsammanställning").

Columns are found by position (:mod:`kompass_extract.parse.table_columns`): the header labels (Uppnått / Max /
Procent) give the centres of the numeric columns and the left edge of the first one bounds the question text. A row
starts at its question number "N.M"; lines without a number continue the text; the numbers may sit on the first or
the last line of the row; a numbers-only line after a complete row is the area's total. Column positions carry over
page breaks and to areas whose header row omits the labels.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from kompass_extract.common.editions import DEFAULT_FACTS, EditionFacts, question_no
from kompass_extract.locate.areas import is_toc_entry
from kompass_extract.locate.labels import (
    clean_heading,
    fold,
    is_label,
    join_lines,
    labels,
    starts_with_label,
)
from kompass_extract.model import Area, BBox, CellBox, Question, union
from kompass_extract.parse.ocr_rows import LabelColumn, number_by_neighbours, ocr_rows, speck_height
from kompass_extract.parse.table_columns import (
    Columns,
    cell_numbers,
    columns_from_numbers,
    columns_from_rows,
    header_columns,
    split_glued_number,
    text_column,
    trailing_numbers,
)
from kompass_extract.read.geometry import Word
from kompass_extract.read.lines import Line

AREA_TITLE_RE = re.compile(r"^(\d)\s*[.:)]?$")
PLACED_NO_RE = re.compile(r"^(\d+)\.(\d+)$")
"""A question number taken by its place in the table (:class:`~kompass_extract.parse.ocr_rows.LabelColumn`)."""
CHAPTER_NO_RE = re.compile(r"^\d+(?:\.\d+)*\.?\s*")
"""A chapter number before a heading ("4. Översikt ...", "4.1 ...")."""


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
        if header_columns(lines[i]) is not None or columns_from_numbers(lines[i], facts) is not None:
            return i
    return None


def find_table_start(lines: list[Line], start: int, facts: EditionFacts = DEFAULT_FACTS) -> int | None:
    """Overview tables printed without a chapter heading: the line before their first row after ``start``."""
    first = _table_follows(lines, start, facts, len(lines))
    return first - 1 if first is not None else None


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
        header = header_columns(line)
        if header is not None:
            columns = header
        elif columns is None and trailing_numbers(line, facts) is not None:
            columns = columns_from_rows(lines[index:], facts)
        text_part = text_column(line.words, columns)
        text_words = _without_leading_speck(split_glued_number(text_part), facts)
        unread: dict[str, str] = {}
        in_text = set(map(id, text_part))  # the line's own words (``in`` would compare every pair field by field)
        nums = cell_numbers([w for w in line.words if id(w) not in in_text], columns, unread, speck) if columns else {}
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


def _without_leading_speck(words: list[Word], facts: EditionFacts) -> list[Word]:
    """An OCR'd row's words without a speck read before its question number ("1 7.2 Arbetar ...", a copy's dark
    edge or a speck in the margin): a word of one or two characters standing apart from a question number of the
    tables (a gap wider than the line is high). Read as the row's first word it would be a chapter number that goes
    back to 1 after area 7, which ends the tables."""
    if len(words) < 2 or words[0].conf is None or len(words[0].text) > 2:
        return words
    first, second = words[0], words[1]
    if second.x0 - first.x1 <= first.bottom - first.top:
        return words
    number = facts.match_question_no(second.text)
    return words[1:] if number is not None and int(number.group(1)) in facts.area_nos else words


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
