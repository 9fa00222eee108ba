"""OCR'd overview table rows made whole again where a 1-bit copy or Tesseract's line finding broke them.

On a photocopy the thin dot of a question number ("2.4" read as "24") or its first digits ("2.1" as "1") are lost,
and Tesseract now and then boxes a row's number cells as a line of their own beside the row's text. The row would
then be lost (its numbers going to the row above, or taken for the area's total). Only OCR'd words (with a
confidence) are touched: a text layer says what is printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kompass_extract.common.editions import question_no
from kompass_extract.model import Area
from kompass_extract.read.document import Line, Word
from kompass_extract.read.ocr.numbers import normalise_ocr_number


def ocr_rows(lines: list[Line]) -> list[Line]:
    """The lines with OCR'd table rows made whole: Tesseract now and then puts a row's number cells on a line of
    their own beside the row's text (the same print line, boxed a little lower or shorter), and the numbers would
    then go to the row above. Two neighbouring OCR'd lines of a page that share most of their height and do not
    have no words overlapping side by side are one line (the cells sit in the gaps of the text line)."""
    out: list[Line] = []
    for line in lines:
        prev = out[-1] if out else None
        if prev is not None and _same_print_line(prev, line):
            out[-1] = Line(sorted([*prev.words, *line.words], key=lambda w: w.x0), line.page)
        else:
            out.append(line)
    return out


def _same_print_line(a: Line, b: Line) -> bool:
    if a.page != b.page or a.conf is None or b.conf is None:
        return False
    shared = min(a.bottom, b.bottom) - max(a.top, b.top)
    side_by_side = not any(u.x0 < v.x1 and v.x0 < u.x1 for u in a.words for v in b.words)
    return side_by_side and shared >= SAME_LINE * min(a.bottom - a.top, b.bottom - b.top)


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

    def by_place(self, words: list[Word], area: Area, open_row: str | None) -> str | None:
        """The question number "N.k" a line of an OCR'd table row stands for when its first word is a misread
        question number: the next number in the area (the one after the last row, or N.1), aligned with the
        question numbers read so far, and what OCR read is that number without its dot or its first digits
        ("24", "1" for "2.1") but could not be the number after it ("2" for "2.2" might be a "2.3" whose ".3"
        was lost, with "2.2" not read at all). None when any of that fails: the row stays unread, as before."""
        if len(words) < 2 or words[0].conf is None or not self.edges:
            return None
        word = words[0]
        near = LABEL_ALIGN * (word.bottom - word.top)
        if not any(abs(word.x0 - x0) <= near or abs(word.x1 - x1) <= near for x0, x1 in self.edges[-5:]):
            return None
        read = normalise_ocr_number(word.text).replace(".", "").replace(",", "")
        if not read.isdigit() or len(read) > 4:
            return None
        numbered = [q.question_no for q in area.questions] + ([open_row] if open_row else [])
        done = max((int(no.split(".")[1]) for no in numbered), default=0)
        expected, after = f"{area.area_no}{done + 1}", f"{area.area_no}{done + 2}"
        if not expected.endswith(read) or after.startswith(read) or after.endswith(read):
            return None
        return question_no(area.area_no, done + 1)
