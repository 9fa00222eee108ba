"""Page geometry, fonts and paragraph styles of the generated reports, and how numbers are printed."""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph

from kompass_testing.list_markers import PUA_BULLET, list_items

PAGE_W, PAGE_H = A4
LEFT, RIGHT, TOP, BOTTOM = 70.0, 60.0, 72.0, 66.0
WIDTH = PAGE_W - LEFT - RIGHT
OVERVIEW_TEXT_WIDTH = 250.0
"""Narrow enough that long question texts wrap, as in the Word tables."""
PUA_FONT = "KompassSymbol"
"""A font whose cmap maps U+F0B7 to a bullet, as Word's Symbol bullets come out of PDF exports."""
SHIFTED_FONT = "KompassShifted"
SHIFT, SHIFTED = 0x1D, "0123456789)"
"""The page-count encoding of some old PDFs: "(27)" reads "(OTF" in the text layer."""

FONT_FAMILIES = {
    "times": ("Times-Roman", "Times-Bold", "Helvetica-Bold"),
    "helvetica": ("Helvetica", "Helvetica-Bold", "Helvetica-Bold"),
    "dejavu_serif": ("DejaVuSerif", "DejaVuSerif-Bold", "DejaVuSans-Bold"),
    "dejavu_sans": ("DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Bold"),
}
"""Body, body bold and heading font of each ``font`` knob value."""


@dataclass(frozen=True)
class Styles:
    """Paragraph styles of one variant, derived from its font knobs."""

    regular: str
    bold: str
    size: float
    body: ParagraphStyle
    bullet: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_bullet: ParagraphStyle
    score: ParagraphStyle


@cache
def register_fonts() -> None:
    """Register DejaVu (shipped with matplotlib, a project dependency) and the U+F0B7 bullet font."""
    import matplotlib
    from fontTools.subset import Subsetter
    from fontTools.ttLib import TTFont as FtFont

    ttf_dir = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    for name in ("DejaVuSans", "DejaVuSans-Bold", "DejaVuSerif", "DejaVuSerif-Bold"):
        pdfmetrics.registerFont(TTFont(name, str(ttf_dir / f"{name}.ttf")))
    font = FtFont(str(ttf_dir / "DejaVuSans.ttf"), recalcTimestamp=False)  # reproducible bytes
    subsetter = Subsetter()
    subsetter.populate(unicodes=[ord(" "), ord("•")])
    subsetter.subset(font)  # a bullet is all it needs; keeps every PDF using it small
    for table in font["cmap"].tables:
        if table.isUnicode():
            table.cmap[ord(PUA_BULLET)] = table.cmap[ord("•")]
    for record in font["name"].names:  # reportlab shares faces by PostScript name: give this one its own
        if record.nameID in (1, 3, 4, 6):
            record.string = PUA_FONT
    pdfmetrics.registerFont(TTFont(PUA_FONT, _font_bytes(font)))
    pdfmetrics.registerFont(TTFont(SHIFTED_FONT, _font_bytes(_shifted_font(ttf_dir / "DejaVuSans.ttf"))))


def _shifted_font(path: Path) -> Any:
    """DejaVu Sans cut to a page header's characters, where each of "0-9)" is also reached from its code + 0x1D.

    Text drawn as "(OTF" then shows "(27)" on the page while the text layer keeps "(OTF", as in old PDFs.
    """
    from fontTools.subset import Options, Subsetter
    from fontTools.ttLib import TTFont as FtFont

    font = FtFont(str(path), recalcTimestamp=False)
    options = Options()
    options.drop_tables += ["FFTM"]  # fontTools cannot subset it and would warn on stderr
    subsetter = Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in " ()0123456789"])
    subsetter.subset(font)
    for table in font["cmap"].tables:
        if table.isUnicode():
            table.cmap.update({ord(c) + SHIFT: table.cmap[ord(c)] for c in SHIFTED})
    for record in font["name"].names:
        if record.nameID in (1, 3, 4, 6):
            record.string = SHIFTED_FONT
    return font


def _font_bytes(font: Any) -> io.BytesIO:
    data = io.BytesIO()
    font.save(data)
    data.seek(0)
    return data


def styles(layout: dict[str, Any]) -> Styles:
    register_fonts()
    regular, bold, heading = FONT_FAMILIES[layout["font"]]
    size = float(layout["font_size"])
    small = size - 1
    bullet_font = PUA_FONT if layout["bullet"] == "pua" else regular
    body = ParagraphStyle("body", fontName=regular, fontSize=size, leading=size * 1.25, spaceAfter=size * 0.6)
    cell = ParagraphStyle("cell", fontName=regular, fontSize=small, leading=small * 1.2)
    return Styles(
        regular=regular,
        bold=bold,
        size=size,
        body=body,
        bullet=ParagraphStyle(
            "bullet", parent=body, leftIndent=16, bulletIndent=4, bulletFontName=bullet_font, spaceAfter=2
        ),
        h1=ParagraphStyle("h1", fontName=heading, fontSize=size + 6, leading=(size + 6) * 1.25, spaceAfter=12),
        h2=ParagraphStyle(
            "h2", fontName=heading, fontSize=size + 3, leading=(size + 3) * 1.3, spaceBefore=8, spaceAfter=8
        ),
        h3=ParagraphStyle(
            "h3", fontName=heading, fontSize=size, leading=size * 1.3, spaceBefore=size * 0.5, keepWithNext=1
        ),
        cell=cell,
        cell_bold=ParagraphStyle("cell_bold", parent=cell, fontName=bold),
        cell_bullet=ParagraphStyle(
            "cell_bullet", parent=cell, leftIndent=14, bulletIndent=3, bulletFontName=bullet_font, spaceAfter=3
        ),
        score=ParagraphStyle("score", fontName=bold, fontSize=size + 10, leading=size + 14, alignment=TA_CENTER),
    )


def para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def bullets(items: list[str], style: ParagraphStyle, layout: dict[str, Any]) -> list[Flowable]:
    return list_items(items, style, layout["bullet"])


def number(value: float | None, layout: dict[str, Any]) -> str:
    """A score as printed: integers plain, half points with a decimal comma."""
    if value is None:
        return ""
    text = str(int(value)) if float(value).is_integer() else str(value)
    return text.replace(".", ",") if layout["half_points"] else text


def percent(value: int | None, layout: dict[str, Any]) -> str:
    return "" if value is None else layout["percent_format"].replace("75", str(value))
