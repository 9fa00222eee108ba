"""List items as reportlab paragraphs, marked the ways report producers mark them.

A glyph (``bullet`` = ``pua``, ``•``, ``–``) is text the reader sees; a drawn square or disc (``square``,
``disc``) is a filled path beside the line with no character in the text layer, as browsers and several
layout programs print list markers; ``hanging`` prints no marker and sets continuation lines in from the first;
``none`` prints no marker and only a little space between items.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph

PUA_BULLET = "\uf0b7"
SHAPES = ("square", "disc")
MARKER_SIDE = 0.36
"""Side of a drawn marker in text sizes (Chromium draws its disc at about 0.3 of the font size)."""


class ShapeBulleted(Paragraph):
    """A paragraph with a filled square or disc drawn left of its first line (no character for it)."""

    def __init__(self, text: str, style: ParagraphStyle, shape: str) -> None:
        super().__init__(text, style)
        self.shape = shape

    def draw(self) -> None:
        super().draw()
        size = self.style.fontSize
        side = MARKER_SIDE * size
        baseline = self.height - size  # where reportlab sets the first line (ascent = font size)
        x, y = self.style.bulletIndent + 1, baseline + 0.3 * size - side / 2
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColorRGB(0, 0, 0)
        if self.shape == "square":
            canvas.rect(x, y, side, side, stroke=0, fill=1)
        else:
            canvas.circle(x + side / 2, y + side / 2, side / 2, stroke=0, fill=1)
        canvas.restoreState()


def list_items(items: list[str], style: ParagraphStyle, bullet: str) -> list[Flowable]:
    """One flowable per item, marked as the ``bullet`` knob says."""
    if bullet in SHAPES:  # set tight, as browsers set list items: only the markers tell where items start
        tight = ParagraphStyle("tight", parent=style, spaceAfter=0)
        return [ShapeBulleted(escape(item), tight, bullet) for item in items]
    if bullet == "hanging":
        hang = ParagraphStyle("hanging", parent=style, firstLineIndent=style.bulletIndent - style.leftIndent)
        hang.spaceAfter = 0
        return [Paragraph(escape(item), hang) for item in items]
    if bullet == "none":
        plain = ParagraphStyle("plain", parent=style, leftIndent=style.bulletIndent)
        return [Paragraph(escape(item), plain) for item in items]
    mark = PUA_BULLET if bullet == "pua" else bullet
    return [Paragraph(escape(item), style, bulletText=mark) for item in items]
