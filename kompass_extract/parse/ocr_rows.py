"""OCR'd overview table rows made whole again where a 1-bit copy or Tesseract's line finding broke them.

On a photocopy the thin dot of a question number ("2.4" read as "24") or its first digits ("2.1" as "1") are lost,
and Tesseract now and then boxes a row's number cells as a line of their own beside the row's text. The row would
then be lost (its numbers going to the row above, or taken for the area's total). Only OCR'd words (with a
confidence) are touched: a text layer says what is printed.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from kompass_extract.common.editions import question_no
from kompass_extract.model import Area, Question
from kompass_extract.read.geometry import Word
from kompass_extract.read.lines import Line
from kompass_extract.read.ocr.numbers import normalise_ocr_number


def ocr_rows(lines: list[Line], speck: float = 0.0) -> tuple[list[Line], list[int]]:
    """The lines with OCR'd table rows made whole: Tesseract now and then puts a row's number cells on a line of
    their own beside the row's text (the same print line, boxed a little lower or shorter), and the numbers would
    then go to the row above. Two neighbouring OCR'd lines of a page that share most of their height and do not
    have no words overlapping side by side are one line (the cells sit in the gaps of the text line).

    Before that, what a copy adds to a table is taken out of OCR'd lines: a table rule read as a word "|" (it would
    be read as a cell "1", and a header row ending in one is no header), and lines of nothing but specks (words
    lower than ``speck``: toner or rule fragments, which would join the row beside them or end the table).
    Also returns, for each line returned, the index of the first of ``lines`` it holds (``len(lines)`` at the end),
    so that a position in the lines returned is one in ``lines``."""
    out: list[Line] = []
    starts: list[int] = []
    for index, line in enumerate(map(_without_rules, lines)):
        if not line.words or all(w.conf is not None and w.bottom - w.top < speck for w in line.words):
            continue
        prev = out[-1] if out else None
        if prev is not None and _same_print_line(prev, line):
            out[-1] = Line(sorted([*prev.words, *line.words], key=lambda w: w.x0), line.page)
        else:
            out.append(line)
            starts.append(index)
    return out, [*starts, len(lines)]


def _without_rules(line: Line) -> Line:
    if line.conf is None or not any(w.text == RULE for w in line.words):
        return line
    return Line([w for w in line.words if w.text != RULE or w.conf is None], line.page)


RULE = "|"
"""How Tesseract reads a vertical table rule."""


def _same_print_line(a: Line, b: Line) -> bool:
    if a.page != b.page or a.conf is None or b.conf is None:
        return False
    shared = min(a.bottom, b.bottom) - max(a.top, b.top)
    side_by_side = not any(u.x0 < v.x1 and v.x0 < u.x1 for u in a.words for v in b.words)
    return side_by_side and shared >= SAME_LINE * min(a.bottom - a.top, b.bottom - b.top)


def speck_height(lines: list[Line]) -> float:
    """Below this height an OCR'd word in a number column is no digit: a speck of toner or a fragment of a table
    rule that Tesseract read as "22" (a number-only line of it would end the table as the area's total). A share of
    the median height of the OCR'd words; 0 for a text layer."""
    heights = [w.bottom - w.top for line in lines for w in line.words if w.conf is not None]
    return SPECK * statistics.median(heights) if heights else 0.0


SPECK = 0.5
"""Share of the usual OCR'd word height below which a word is a speck (a digit is never less than half a line)."""


_DOT_LOOKALIKES = str.maketrans(":;", "..")
"""What a question number's dot is read as on a copy besides nothing ("5:2")."""


SAME_LINE = 0.8
"""Share of the shorter line's height two OCR'd lines must share to be one printed line."""


LABEL_ALIGN = 0.6
"""How far (in line heights) a misread question number may stand from the other question numbers' left or right edge."""


@dataclass
class LabelColumn:
    """Where the question numbers of the OCR'd tables stand, to recognise one OCR misread ("2.4" as "24", "1.1" as
    "il", "2.1" as "1": the thin dot or a thin digit lost on a 1-bit copy) by its place in the table."""

    edges: list[tuple[float, float]] = field(default_factory=list)

    def add(self, word: Word) -> None:
        if word.conf is not None:
            self.edges.append((word.x0, word.x1))

    def aligned(self, word: Word) -> bool:
        """The word stands where the question numbers read so far stand (left or right edge)."""
        near = LABEL_ALIGN * (word.bottom - word.top)
        return any(abs(word.x0 - x0) <= near or abs(word.x1 - x1) <= near for x0, x1 in self.edges[-5:])

    def misread_number(self, words: list[Word]) -> str | None:
        """The digits OCR read for a question number that is not one as printed ("24", "5:2", "51", "il" -> "11"): the line's
        first OCR'd word, aligned with the question numbers read so far, reading as at most four digits (dots and
        commas aside) with more words after it; else None."""
        if len(words) < 2 or words[0].conf is None or not self.edges or not self.aligned(words[0]):
            return None
        read = normalise_ocr_number(words[0].text.translate(_DOT_LOOKALIKES)).replace(".", "").replace(",", "")
        return read if read.isdigit() and len(read) <= 4 else None

    def place(
        self, words: list[Word], qmatch: re.Match[str] | None, has_numbers: bool, area: Area, open_row: Question | None
    ) -> str | None:
        """The number an OCR'd row is given by its place in the table when OCR misread its number: one not read as a
        number ("24", "il"; ``qmatch`` None), or one read with a character too many ("7.34").

        A line without numbers begins a row so only when the row above it has its numbers already (a row whose
        text wraps prints its numbers beside its last line, or between its lines) and what was read is the whole
        number without its dot ("54" for 5.4): a wrapped line of text may begin with a number that only ends like the
        next one ("12 kommuner" where 1.12 comes next)."""
        if qmatch is None:
            placed = self.by_place(words, area, open_row)
            if has_numbers or placed is None:
                return placed
            complete = open_row is not None and open_row.achieved is not None
            return placed if complete and self.misread_number(words) == placed.replace(".", "") else None
        return self.one_too_many(words[0], int(qmatch.group(1)), int(qmatch.group(2)), area, open_row)

    def by_place(self, words: list[Word], area: Area, open_row: Question | None) -> str | None:
        """The question number "N.k" a line of an OCR'd table row stands for when its first word is a misread
        question number: the next number in the area (the one after the last row, or N.1, counting the rows not
        numbered yet), aligned with the question numbers read so far, and what OCR read is that number without its
        dot or its first digits ("24", "1" for "2.1") but could not be the number after it ("2" for "2.2" might be
        a "2.3" whose ".3" was lost, with "2.2" not read at all). None when any of that fails."""
        read = self.misread_number(words)
        if read is None:
            return None
        done = _next_k(area.questions + ([open_row] if open_row is not None else [])) - 1
        expected, after = f"{area.area_no}{done + 1}", f"{area.area_no}{done + 2}"
        if not expected.endswith(read) or after.startswith(read) or after.endswith(read):
            return None
        return question_no(area.area_no, done + 1)

    def one_too_many(self, word: Word, area_no: int, k: int, area: Area, open_row: Question | None) -> str | None:
        """The question number an OCR'd one read in full stands for when it skips ahead of its place by one character
        read too many ("7.34" for 7.4 after 7.3: a speck or a rule read as a digit): the next number of the area,
        when dropping one digit of what was read gives it; else None (a number that skips ahead is kept as printed)."""
        if word.conf is None or area_no != area.area_no:
            return None
        expected = _next_k(area.questions + ([open_row] if open_row is not None else []))
        read = str(k)
        if k <= expected or not any(read[:i] + read[i + 1 :] == str(expected) for i in range(len(read))):
            return None
        return question_no(area_no, expected)


def _next_k(rows: list[Question]) -> int:
    """The k the next row of an area has by its place: one after the last numbered row, counting the rows after
    it that are not numbered yet."""
    done, pending = 0, 0
    for q in rows:
        if q.question_no:
            done, pending = int(q.question_no.split(".")[1]), 0
        else:
            pending += 1
    return done + pending + 1


def number_by_neighbours(area: Area) -> None:
    """Number the area's rows whose question number OCR misread beyond recognition ("51" for 2.1, "53" for 2.5),
    or drop them: a run of such rows between two numbered rows (or the area's start) is numbered in order when it
    is exactly as long as the gap between their numbers (``numbered_by`` "neighbours"); a run after the area's last
    numbered row is numbered on from it (``numbered_by`` "order", which the checks hold against the catalog's rows
    of the area); any other run is dropped, as such rows were before (their numbers are not the area's)."""
    kept: list[Question] = []
    run: list[Question] = []
    done = 0

    def close(k_next: int | None) -> None:
        if k_next is not None and k_next - done - 1 != len(run):
            run.clear()
            return
        for n, q in enumerate(run, start=1):
            q.question_no = question_no(area.area_no, done + n)
            q.numbered_by = "neighbours" if k_next is not None else "order"
        kept.extend(run)
        run.clear()

    for q in area.questions:
        if not q.question_no:
            run.append(q)
            continue
        k = int(q.question_no.split(".")[1])
        close(k)
        kept.append(q)
        done = k
    close(None)
    area.questions = kept
