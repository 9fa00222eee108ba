"""Read back the text under every value's bbox from a born-digital PDF and check it holds the value.

Crops are clamped into the page, so a wrong bbox still gives an image; only the text under the box tells
that it shows the wrong spot. A box must hold its value and little else: a question row its number and
achieved value and no other question number, a finding or heading its text (a finding broken across a page
keeps the box of its first part, which must then begin its text), a total or 'Poäng' box its number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from kompass_extract.model import BBox, Report

ROW_START = re.compile(r"(?m)^\s*(\d{1,2}[.,]\d{1,2})\s+[^\W\d]")
"""A question number beginning a line and followed by a word: a row's start (a wrapped row's numbers are not)."""
SLACK = 6
"""Characters a text box may hold beyond its value (bullets, a number's neighbour); more means a box too big."""


def letters(text: str) -> str:
    """Letters and digits only, case folded: hyphenation, bullets, quotes and line breaks do not count."""
    return re.sub(r"[\W_]+", "", text).casefold()


def number(value: float) -> str:
    return f"{value:g}"


@contextmanager
def text_reader(pdf_path: Path) -> Iterator:
    """A function (page, bbox, centres=False) -> the text pdfium finds inside the box (top-left origin, points).

    pdfium's bounded text takes every character whose box touches the box, so the descenders of the line above
    (p, j, g, y drawn with tall boxes by some producers) count; with ``centres`` only characters whose centre is
    inside do, in reading order and without spaces (for comparing texts by their letters).
    """
    pdf = pdfium.PdfDocument(str(pdf_path))
    pages: dict[int, tuple] = {}

    def page_of(page_no: int) -> tuple:
        if page_no not in pages:
            page = pdf[page_no - 1]
            pages[page_no] = (page, page.get_textpage(), page.get_height(), None)
        return pages[page_no]

    def centres(page_no: int) -> list[tuple[str, float, float]]:
        page, textpage, height, chars = page_of(page_no)
        if chars is None:
            chars = []
            for i in range(textpage.count_chars()):
                left, bottom, right, top = textpage.get_charbox(i)
                chars.append((chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, i)), (left + right) / 2,
                              height - (bottom + top) / 2))  # fmt: skip
            pages[page_no] = (page, textpage, height, chars)
        return chars

    def under(page_no: int, bbox: BBox, centred: bool = False) -> str:
        x0, top, x1, bottom = bbox
        if centred:
            return "".join(c for c, x, y in centres(page_no) if x0 <= x <= x1 and top <= y <= bottom)
        _, textpage, height, _ = page_of(page_no)
        return textpage.get_text_bounded(left=x0, bottom=height - bottom, right=x1, top=height - top)

    try:
        yield under
    finally:
        for page, textpage, _, _ in pages.values():
            textpage.close()
            page.close()
        pdf.close()


def _text_problem(what: str, text: str, found: str, *, may_continue: bool = False) -> str | None:
    want, got = letters(text), letters(found)
    if want in got and len(got) <= len(want) + SLACK:
        return None
    if may_continue and len(got) >= max(8, len(want) // 4) and want.startswith(got):
        return None  # the first part of an item that goes on on the next page
    return f"{what}: the box holds {found!r}, not {text!r}"


def bbox_problems(report: Report, pdf_path: Path) -> list[str]:
    """Every value whose box does not hold it (or holds more than it), as readable lines; [] when all are right."""
    problems: list[str | None] = []
    with text_reader(pdf_path) as under:
        for area in report.areas:
            for q in area.questions:
                if q.bbox is None:
                    problems.append(f"question {q.question_no}: no bbox")
                    continue
                found = under(q.page, q.bbox).replace(",", ".")
                numbers = set(ROW_START.findall(found))
                achieved = q.achieved is None or number(q.achieved) in found
                if not achieved or numbers - {q.question_no} or q.question_no not in found:
                    problems.append(f"question {q.question_no} ({q.achieved}): the box holds {found!r}")
            for f in area.findings:
                where = f"area {area.area_no} {f.kind} {f.position}"
                found = under(f.page, f.bbox, centred=True) if f.bbox else ""
                problems.append(_text_problem(where, f.text, found, may_continue=True))
            for s in area.sections:
                found = under(s.page, s.bbox, centred=True) if s.bbox else ""
                problems.append(_text_problem(f"area {area.area_no} heading", s.heading, found) if s.heading else None)
            for name, value, page, bbox in (
                ("overview total", area.score, area.total_page, area.total_bbox),
                ("'Poäng' box", area.header_score, area.header_page, area.header_bbox),
            ):
                if value is None:
                    continue
                found = under(page, bbox).replace(",", ".") if page and bbox else ""
                if number(value) not in re.findall(r"\d+(?:\.\d+)?", found):
                    problems.append(f"area {area.area_no} {name} {number(value)}: the box holds {found!r}")
    return [p for p in problems if p]
