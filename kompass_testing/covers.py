"""The cover (or letterhead) of each template family of the generated reports."""

from __future__ import annotations

from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, PageBreak, Spacer

from kompass_testing.styles import Styles, para


def _cover_skl2016(truth: dict[str, Any], template: dict[str, str], st: Styles) -> list[Flowable]:
    return [
        Spacer(1, 200),
        para("KommunKompassen", _sized(st.h1, 28)),
        para(f"Analys av {truth['municipality']}", _sized(st.body, 16)),
        para(f"{truth['month'].capitalize()} {truth['year']}", _sized(st.body, 12)),
        Spacer(1, 30),
        para(f"Utvärderare: {', '.join(truth['evaluators'])}", st.body),
        PageBreak(),
    ]


def _cover_analys_upper(truth: dict[str, Any], template: dict[str, str], st: Styles) -> list[Flowable]:
    return [
        Spacer(1, 220),
        para("KommunKompassen", _sized(st.h1, 30)),
        para(f"ANALYS AV {truth['municipality'].upper()} {truth['year']}", _sized(st.h1, 18)),
        PageBreak(),
    ]


def _cover_letterhead(truth: dict[str, Any], template: dict[str, str], st: Styles) -> list[Flowable]:
    """The old SKL letterhead: no cover page, the report starts under the section name."""
    return [
        para(template["section"], _sized(st.body, 8)),
        *[para(name, _sized(st.body, 8)) for name in truth["evaluators"]],
        Spacer(1, 24),
        para(f"Kommunkompassen – analys av {truth['municipality']}", st.h1),
    ]


def _cover_skr2020(truth: dict[str, Any], template: dict[str, str], st: Styles) -> list[Flowable]:
    """SKR 2020+: the municipality is only in an image on the cover, so the text layer has no name here."""
    return [
        Spacer(1, 220),
        para("Kommunkompassen", _sized(st.h1, 30)),
        para(f"Analys {truth['year']}", _sized(st.body, 16)),
        Spacer(1, 30),
        para(template["org"], st.body),
        PageBreak(),
    ]


COVERS = {
    "skl2016": _cover_skl2016,
    "analys_upper": _cover_analys_upper,
    "letterhead": _cover_letterhead,
    "skr2020": _cover_skr2020,
}


def _sized(style: ParagraphStyle, size: float) -> ParagraphStyle:
    return ParagraphStyle(f"{style.name}{size}", parent=style, fontSize=size, leading=size * 1.3, spaceAfter=8)
