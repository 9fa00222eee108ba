"""Running headers and footers of the generated reports, drawn once the page count is known."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.pdfgen import canvas

from kompass_testing.located import Recorder
from kompass_testing.styles import LEFT, PAGE_H, PAGE_W, RIGHT, SHIFT, SHIFTED_FONT, Styles


def decorator(truth: dict[str, Any], template: dict[str, str], st: Styles) -> Callable[[Any, int, int], None]:
    """Draw the running header and footer of a page once the page count is known."""
    layout = truth["layout"]
    kind = layout["page_numbers"]
    org = template["org"]
    if layout["letter_spaced_header"]:  # "S V E R I G E S  K O M M U N E R ..."
        org = "  ".join(" ".join(word) for word in org.upper().split())

    def draw(c: canvas.Canvas, page: int, total: int) -> None:
        y_head, y_foot, x_right = PAGE_H - 40, 36, PAGE_W - RIGHT
        c.setFont(st.regular, 7.5)
        c.drawString(LEFT, y_head, org)
        if kind == "rapport":
            c.drawString(LEFT + 250, y_head, "RAPPORT")
        if c.running_area:
            c.drawRightString(x_right, y_head - 10, c.running_area)
        if kind in ("rapport", "skl_date"):
            c.drawString(LEFT + 330, y_head, truth["date"])
            if layout["shifted_page_count"]:
                c.setFont(SHIFTED_FONT, 7.5)
                count = "".join(chr(ord(ch) + SHIFT) for ch in f"{total})")
                c.drawRightString(x_right, y_head, f"{page} ({count}")
            else:
                c.drawRightString(x_right, y_head, f"{page} ({total})")
        elif kind == "plain":
            c.setFont(st.regular, 9)
            c.drawRightString(x_right, y_foot, str(page))
        elif kind == "sida":
            c.setFont(st.regular, 9)
            c.drawCentredString(PAGE_W / 2, y_foot, f"Sida {page} av {total}")

    return draw


def canvas_class(draw: Callable[[Any, int, int], None], recorder: Recorder) -> type[canvas.Canvas]:
    """A canvas that holds its pages until the end so headers can print "7 (31)"; it carries the recorder of
    where values are drawn."""

    class _Canvas(canvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.recorder = recorder
            self._held: list[dict[str, Any]] = []
            self.running_area: str | None = None  # set by the area anchors, held with each page

        def showPage(self) -> None:  # reportlab calls this name
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for state in self._held:
                self.__dict__.update(state)
                draw(self, self._pageNumber, len(self._held))
                super().showPage()
            super().save()

    return _Canvas
