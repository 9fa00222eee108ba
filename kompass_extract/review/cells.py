"""The pieces every value of a report page is shown with: its crop, its page link, its checks, its OCR
confidence, whether a person corrected it, and the corrections.csv line to fill in when it is flagged.

Every text is escaped. The correction line carries the value as published, so a line copied unedited changes
nothing; the person edits ``value`` and adds ``who`` and ``note``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any

from kompass_extract.correct import correction_line
from kompass_extract.read.ocr.numbers import OCR_CONFIDENCE_THRESHOLD
from kompass_extract.review.crops import CropRequest
from kompass_extract.review.data import SEVERITIES, ReportView, Row
from kompass_extract.review.format import fmt_num
from kompass_extract.write.tables import value_text


@dataclass(frozen=True)
class CropLink:
    """A value's crop: a region (x, y, width, height in pixels) of its report's image ``href`` (relative to the
    page) of ``image_size`` pixels, shown at ``scale`` pixels per CSS pixel (one CSS pixel per PDF point);
    ``source`` is the page and bbox (points from the top left) it shows."""

    href: str
    region: tuple[int, int, int, int]
    image_size: tuple[int, int]
    scale: float
    source: CropRequest


@dataclass
class PageInput:
    """What the page needs besides the rows: crops by value id, the PDF link and why crops are missing."""

    view: ReportView
    crops: dict[str, CropLink] = field(default_factory=dict)
    pdf_href: str | None = None
    crop_problem: str | None = None

    def corrections(self) -> dict[tuple[Any, ...], Row]:
        """The report's corrections by (table, area_no, question_no, position, field)."""
        return {
            (c.get("table"), c.get("area_no"), c.get("question_no"), c.get("position"), c.get("field")): c
            for c in self.view.corrections
        }


def check_list(checks: list[Row], css: str = "checks") -> str:
    if not checks:
        return ""
    items = "".join(
        f'<li class="sev-{escape(c["severity"])}"><span class="sev">{escape(c["severity"])}</span> '
        f"<code>{escape(c.get('code') or '')}</code> {escape(c.get('message') or '')}</li>"
        for c in checks
    )
    return f'<ul class="{css}">{items}</ul>'


def worst(checks: list[Row]) -> str | None:
    """The most severe severity among ``checks`` (error > warning > info)."""
    present = {c["severity"] for c in checks}
    return next((s for s in SEVERITIES if s in present), None)


def flagged(checks: list[Row], *confidences: float | None) -> bool:
    """A value a person should verify: a warning or error on it, or an OCR confidence below the threshold."""
    low = any(c is not None and c < OCR_CONFIDENCE_THRESHOLD for c in confidences)
    return low or any(c["severity"] != "info" for c in checks)


def crop(page: PageInput, value_id: str, alt: str) -> str:
    """The value's crop, or why there is none.

    An inline SVG whose viewBox is the crop's region of the report's image: the browser loads the image once
    for the whole page, and the crop scales down with its cell like an image would (no server, no script).
    Its title (the tooltip, and the name a screen reader gives) says where on which page the crop is from.
    """
    link = page.crops.get(value_id)
    if link is None:
        reason = page.crop_problem or "no position recorded for this value"
        return f'<span class="nocrop">No crop: {escape(reason)}.</span>'
    kind = value_id.split("-", 1)[0]
    x, y, width, height = link.region
    x0, top, x1, bottom = link.source.bbox
    where = f"{alt} (x {x0:.0f}–{x1:.0f}, y {top:.0f}–{bottom:.0f} pt from the top left of page {link.source.page})"
    return (
        f'<svg class="crop" data-kind="{kind}" viewBox="{x} {y} {width} {height}" width="{width / link.scale:g}" '
        f'height="{height / link.scale:g}" role="img"><title>{escape(where)}</title><image href="{escape(link.href)}" '
        f'width="{link.image_size[0]}" height="{link.image_size[1]}"/></svg>'
    )


def page_link(page: PageInput, page_no: Any) -> str:
    """'p. N', linked to that page of the PDF when the PDF is there."""
    text = fmt_num(page_no)
    if not text:
        return ""
    if page.pdf_href:
        return f'<a class="page-ref" href="{escape(page.pdf_href)}#page={text}">p.&nbsp;{text}</a>'
    return f'<span class="page-ref">p.&nbsp;{text}</span>'


def confidence(value: float | None) -> str:
    if value is None:
        return ""
    css = "conf low" if value < OCR_CONFIDENCE_THRESHOLD else "conf"
    return f'<span class="{css}">OCR confidence {fmt_num(round(value))}</span>'


def corrected(page: PageInput, table: str, key: tuple[Any, Any, Any], fields: tuple[str, ...]) -> str:
    """'corrected: was X (who: note)' for each of ``fields`` a person corrected."""
    found = page.corrections()
    notes = []
    for name in fields:
        c = found.get((table, *key, name))
        if c is not None:
            who = ", ".join(filter(None, [c.get("who"), c.get("note")]))
            notes.append(
                f'<span class="corrected">{escape(name)} corrected: extracted {escape(c.get("original") or "empty")}'
                + (f" ({escape(who)})" if who else "")
                + "</span>"
            )
    return "".join(notes)


def fix_lines(page: PageInput, table: str, key: tuple[Any, Any, Any], values: dict[str, Any]) -> str:
    """The corrections.csv lines for ``values`` (field -> value as published), ready to edit."""
    r = page.view.report
    area_no, question_no, position = key
    lines = [
        correction_line(
            r.get("report_id"),
            r.get("sha256"),
            table,
            name,
            value_text(value) or "",
            area_no=area_no,
            question_no=question_no,
            position=position,
        )  # fmt: skip
        for name, value in values.items()
    ]
    return (
        '<details class="fix"><summary>Correct it: corrections.csv line (edit value, add who and note)</summary>'
        f"<pre>{escape(chr(10).join(lines))}</pre></details>"
    )
