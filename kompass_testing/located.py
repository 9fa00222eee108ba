"""Where the generator drew each value: page and box, recorded while reportlab lays the report out.

A value is drawn either as a paragraph made :func:`locate`-d (headings, findings, question texts, the box score) or
as a :func:`keyed` string in a :class:`LocatedTable` cell (the overview numbers). Both note, when drawn, the
page and the box of the printed glyphs (ascent to descent of the font, left edge to the end of the longest
line) under the value's key (``areas[3].questions[1]``). A value drawn in several pieces on one page (a table
row's cells) gets the union of the pieces; a piece on a later page (a paragraph continued over a page break)
is ignored, as the extracted model keeps a value's first page. Coordinates are PDF points from the top-left
corner of the page, as in :data:`kompass_extract.model.BBox`.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
from reportlab.platypus import Paragraph, Table

Box = tuple[float, float, float, float]


class Recorder:
    """The pages and boxes of the values drawn so far, by key."""

    def __init__(self, page_height: float) -> None:
        self.page_height = page_height
        self.found: dict[str, dict[str, Any]] = {}

    def note(self, key: str, canv: Any, x0: float, bottom: float, x1: float, top: float) -> None:
        """Record a piece drawn at local coordinates (origin bottom-left, as the canvas is translated now)."""
        _, _, _, _, dx, dy = canv._currentMatrix  # platypus only translates: no scale, no rotation
        page = canv.getPageNumber()
        box = (dx + x0, self.page_height - (dy + top), dx + x1, self.page_height - (dy + bottom))
        entry = self.found.get(key)
        if entry is None:
            self.found[key] = {"page": page, "bbox": box}
        elif entry["page"] == page:
            old = entry["bbox"]
            entry["bbox"] = (min(old[0], box[0]), min(old[1], box[1]), max(old[2], box[2]), max(old[3], box[3]))

    def positions(self) -> dict[str, dict[str, Any]]:
        """Key -> {"page": n, "bbox": [x0, top, x1, bottom]} rounded to 0.01 pt, in drawing order."""
        return {k: {"page": v["page"], "bbox": [round(c, 2) for c in v["bbox"]]} for k, v in self.found.items()}


class _LocatedMixin:
    """Notes the glyph box of a paragraph under its ``key`` when drawn (``canv.recorder``)."""

    key: str
    first_line: bool

    def draw(self) -> None:
        super().draw()  # type: ignore[misc]
        recorder = getattr(self.canv, "recorder", None)  # type: ignore[attr-defined]
        widths = self.getActualLineWidths0()  # type: ignore[attr-defined]
        if recorder is None or not widths:
            return
        style = self.style  # type: ignore[attr-defined]
        if self.first_line:
            widths = widths[:1]
        ascent, descent = getAscentDescent(style.fontName, style.fontSize)
        first_baseline = self.height - style.fontSize  # type: ignore[attr-defined]
        last_baseline = first_baseline - (len(widths) - 1) * style.leading
        # reportlab's line widths are the paragraph width less the room left on the line: indents included
        longest = max(widths) - style.leftIndent - style.rightIndent
        room = self.width - style.leftIndent - style.rightIndent - longest  # type: ignore[attr-defined]
        shift = {TA_CENTER: room / 2, TA_RIGHT: room}.get(style.alignment, 0.0)
        left = style.leftIndent + shift + min(0.0, style.firstLineIndent)
        right = style.leftIndent + shift + longest
        recorder.note(self.key, self.canv, left, last_baseline + descent, right, first_baseline + ascent)  # type: ignore[attr-defined]

    def split(self, availWidth: float, availHeight: float) -> list[Any]:  # noqa: N803 (reportlab API)
        parts = super().split(availWidth, availHeight)  # type: ignore[misc]
        for part in parts:
            part.key, part.first_line = self.key, self.first_line
        return parts


_LOCATED: dict[type, type] = {}


def locate(paragraph: Paragraph, key: str, first_line: bool = False) -> Paragraph:
    """``paragraph`` made to note where it is drawn, under ``key`` (its drawing is unchanged); ``first_line``:
    only its first line, as the model locates an area heading (``Area.bbox``)."""
    cls = type(paragraph)
    if cls not in _LOCATED:
        _LOCATED[cls] = type(f"Located{cls.__name__}", (_LocatedMixin, cls), {})
    paragraph.__class__ = _LOCATED[cls]
    paragraph.key, paragraph.first_line = key, first_line  # type: ignore[attr-defined]
    return paragraph


class keyed(str):  # noqa: N801 (used like str)
    """A table cell's text that carries the key of the value it prints."""

    key: str

    def __new__(cls, text: str, key: str) -> keyed:
        value = super().__new__(cls, text)
        value.key = key
        return value


class LocatedTable(Table):
    """A table whose :func:`keyed` string cells note their glyph boxes when drawn."""

    def _drawCell(self, cellval: Any, cellstyle: Any, pos: tuple[float, float], size: tuple[float, float]) -> None:  # noqa: N802 (reportlab API)
        super()._drawCell(cellval, cellstyle, pos, size)
        recorder = getattr(self.canv, "recorder", None)
        key = getattr(cellval, "key", None)
        if recorder is None or key is None or not str(cellval) or "\n" in cellval:
            return
        (colpos, rowpos), (colwidth, rowheight) = pos, size
        font, fontsize = cellstyle.fontname, cellstyle.fontsize
        width = stringWidth(str(cellval), font, fontsize)
        if cellstyle.alignment == "RIGHT":
            x1 = colpos + colwidth - cellstyle.rightPadding
            x0 = x1 - width
        elif cellstyle.alignment == "LEFT":
            x0 = colpos + cellstyle.leftPadding
            x1 = x0 + width
        else:
            raise ValueError(f"located cells are aligned left or right, not {cellstyle.alignment}")
        if cellstyle.valign == "BOTTOM":
            baseline = rowpos + cellstyle.bottomPadding + cellstyle.leading - fontsize
        else:
            baseline = rowpos + rowheight - cellstyle.topPadding - fontsize
        ascent, descent = getAscentDescent(font, fontsize)
        recorder.note(key, self.canv, x0, baseline + descent, x1, baseline + ascent)
