"""Render a truth document as a report PDF that looks like the real (Word-exported) Kommunkompassen reports.

Everything the layout may vary is a knob in ``truth["layout"]`` (see
:data:`kompass_testing.truth_builder.LAYOUT_DEFAULTS`); fixed wording of each template family
lives in ``editions.json``. Output is byte-for-byte reproducible: reportlab runs in invariant mode
(fixed dates and ids) and nothing here reads the clock or an unseeded random source.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from itertools import zip_longest
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
)

from kompass_testing.covers import COVERS
from kompass_testing.located import Recorder, locate
from kompass_testing.overview_tables import overview_tables
from kompass_testing.page_furniture import canvas_class, decorator
from kompass_testing.styles import (
    BOTTOM,
    LEFT,
    PAGE_H,
    RIGHT,
    TOP,
    WIDTH,
    Styles,
    bullets,
    number,
    para,
    styles,
)
from kompass_testing.truth_builder import load_json

NARRATIVE_BULLET = "• "
"""How a narrative paragraph of the sentence pool that is a list item begins."""


def render(truth: dict[str, Any]) -> bytes:
    """The PDF bytes of a report that prints exactly what ``truth`` says."""
    return render_located(truth)[0]


def render_located(truth: dict[str, Any]) -> tuple[bytes, dict[str, dict[str, Any]]]:
    """The PDF bytes, and where each located value was drawn (see :mod:`kompass_testing.located`).

    A contents page needs the pages its entries land on: the first build finds them, the second prints them
    (one entry is one line whatever its number, so the second build paginates as the first).
    """
    template = load_json("editions.json")["templates"][truth["template"]]
    st = styles(truth["layout"])
    found: dict[str, int] = {}
    recorder = Recorder(PAGE_H)
    pdf = _build(truth, template, st, _Pages(found, {}), recorder)
    if truth["layout"]["toc"]:
        recorder = Recorder(PAGE_H)
        pdf = _build(truth, template, st, _Pages({}, found), recorder)
    return pdf, recorder.positions()


@dataclass(frozen=True)
class _Pages:
    """Pages of the anchored headings: ``found`` while building, ``printed`` in the contents page."""

    found: dict[str, int]
    printed: dict[str, int]


def _build(truth: dict[str, Any], template: dict[str, str], st: Styles, pages: _Pages, recorder: Recorder) -> bytes:
    story: list[Flowable] = [
        *COVERS[truth["template"]](truth, template, st),
        *_contents(truth, template, st, pages),
        *_chapter1(truth, template, st, pages),
        *_chapter2(truth, template, st, pages),
        *_chapter3(truth, template, st, pages),
        *_chapter4(truth, template, st, pages),
        *_chapter5(truth, st, pages),
    ]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=LEFT,
        rightMargin=RIGHT,
        topMargin=TOP,
        bottomMargin=BOTTOM,
        title=f"KommunKompassen {truth['municipality']} {truth['year']}",
        author=template["org"],
        invariant=1,
        pageCompression=1,
    )
    doc.build(story, canvasmaker=canvas_class(decorator(truth, template, st), recorder))
    return buf.getvalue()


# --- chapters -----------------------------------------------------------------------------------------


def _chapter_titles(truth: dict[str, Any], template: dict[str, str]) -> dict[str, str]:
    """Chapter headings by anchor key, shared by the chapters and the contents page."""
    titles = {
        "1": "1. Vad är kommunkompassen?",
        "2": f"2. {truth['municipality']} i förhållande till Kommunkompassen{template['chapter2_suffix']}",
        "3": "3. Detaljerad genomgång per område",
        "4": f"4. {template['overview_heading']}",
    }
    if truth["layout"]["fifth_chapter"]:
        titles["5"] = load_json("phrases.json")["revision"]["heading"]
    return titles


def _area_heading(area: dict[str, Any], layout: dict[str, Any]) -> str:
    sep = ": " if layout["area_heading"] == "colon" else " "
    return f"Område {area['no']}{sep}{area['title']}"


def _anchor(key: str, layout: dict[str, Any], pages: _Pages, running_area: str | None = None) -> list[Flowable]:
    """A mark where a heading lands: notes its page for the contents, and sets or ends the area running header.

    Only layouts that use either get marks, so every other variant renders exactly as before.
    """
    if not (layout["toc"] or layout["area_running_header"]):
        return []
    running = running_area if layout["area_running_header"] else None

    def note(c: canvas.Canvas) -> None:
        pages.found[key] = c.getPageNumber()
        c.running_area = running

    return [_Mark(note)]


class _Mark(Flowable):
    """A zero-size flowable that calls ``action(canvas)`` on the page where it lands."""

    def __init__(self, action: Callable[[Any], None]) -> None:
        super().__init__()
        self.action = action

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (reportlab API)
        return 0, 0

    def draw(self) -> None:
        self.action(self.canv)


def _contents(truth: dict[str, Any], template: dict[str, str], st: Styles, pages: _Pages) -> list[Flowable]:
    """The contents page: chapters, and under chapter 3 each area, with dot leaders or a bare right-aligned number."""
    layout = truth["layout"]
    if not layout["toc"]:
        return []
    entries = [(0.0, key, title) for key, title in _chapter_titles(truth, template).items()]
    at = next(i for i, (_, key, _) in enumerate(entries) if key == "3") + 1
    entries[at:at] = [(15.0, f"area{a['no']}", _area_heading(a, layout)) for a in truth["areas"]]
    dots = layout["toc"] == "dots"
    lines = [_TocLine(text, str(pages.printed.get(key, 0)), indent, dots, st) for indent, key, text in entries]
    return [para(load_json("phrases.json")["toc_heading"], st.h1), *lines, PageBreak()]


class _TocLine(Flowable):
    """One contents entry: the title (wrapped if long), then dot leaders or space, the page number far right."""

    def __init__(self, text: str, page: str, indent: float, dots: bool, st: Styles) -> None:
        super().__init__()
        self.text, self.page, self.indent, self.dots = text, page, indent, dots
        self.font, self.size = st.regular, st.size
        self.leading = st.size * 1.6
        self.lines: list[str] = []

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (reportlab API)
        self.width = availWidth
        room = availWidth - self.indent - 40
        self.lines = simpleSplit(self.text, self.font, self.size, room)
        return availWidth, self.leading * len(self.lines)

    def draw(self) -> None:
        c = self.canv
        c.setFont(self.font, self.size)
        y = self.leading * (len(self.lines) - 1) + (self.leading - self.size) / 2
        for line in self.lines[:-1]:
            c.drawString(self.indent, y, line)
            y -= self.leading
        last = self.lines[-1]
        if self.dots:
            start = self.indent + c.stringWidth(last + " ", self.font, self.size)
            room = self.width - c.stringWidth(" " + self.page, self.font, self.size) - start
            last += " " + "." * int(room / c.stringWidth(".", self.font, self.size))
        c.drawString(self.indent, y, last)
        c.drawRightString(self.width, y, self.page)


def _chapter1(truth: dict[str, Any], template: dict[str, str], st: Styles, pages: _Pages) -> list[Flowable]:
    names = [a["overview_title"] for a in truth["areas"]]
    return [
        *_anchor("1", truth["layout"], pages),
        para(_chapter_titles(truth, template)["1"], st.h1),
        *[para(text, st.body) for text in truth["intro"]],
        para("De åtta huvudområdena är:", st.h3),
        *bullets(names, st.bullet, truth["layout"]),
        PageBreak(),
    ]


def _chapter2(truth: dict[str, Any], template: dict[str, str], st: Styles, pages: _Pages) -> list[Flowable]:
    layout = truth["layout"]
    name = truth["municipality"]
    total = sum(a["overview_total"]["achieved"] for a in truth["areas"])
    evaluators = " och ".join(truth["evaluators"])
    return [
        *_anchor("2", layout, pages),
        para(_chapter_titles(truth, template)["2"], st.h1),
        para("Utvärderingen", st.h3),
        para(
            f"Utvärderingen av {name} genomfördes i {truth['month']} år {truth['year']}. Utvärderingsgruppen har "
            "studerat dokument, granskat kommunens hemsida och intervjuat "
            f"{truth['interviewees']} personer i organisationen. Utvärderare har varit {evaluators}.",
            st.body,
        ),
        *_kortfakta_box(truth, st),
        para("Sammanfattning av resultatet", st.h3),
        para(f"Totalt fick {name} {number(total, layout)} poäng av 800 möjliga.", st.body),
        *_summary_table(truth, total, st),
        para(truth["summary_heading"], st.h3),
        *[para(text, st.body) for text in truth["summary"]],
        PageBreak(),
    ]


def _kortfakta_box(truth: dict[str, Any], st: Styles) -> list[Flowable]:
    """The "Kortfakta om <X>" box: population (with the year before the evaluation), area in km², staff."""
    if not truth["layout"]["kortfakta"]:
        return []
    wording = load_json("phrases.json")["kortfakta"]
    years = ("population_year", "founded")
    values = {k: str(v) if k in years else f"{v:,}".replace(",", " ") for k, v in truth["kortfakta"].items()}
    cells = [
        para(wording["heading"].format(municipality=truth["municipality"]), st.cell_bold),
        *[para(line.format(**values), st.cell) for line in wording["lines"]],
    ]
    box = Table([[cells]], colWidths=[WIDTH * 0.6], hAlign="LEFT")
    box.setStyle([("BOX", (0, 0), (-1, -1), 0.6, colors.black), ("BACKGROUND", (0, 0), (-1, -1), colors.whitesmoke)])
    return [Spacer(1, 4), box, Spacer(1, 8)]


def _summary_table(truth: dict[str, Any], total: float, st: Styles) -> list[Flowable]:
    """Chapter 2's "Område | Poäng" table of the eight area totals (the overview's total rows) and their sum."""
    layout = truth["layout"]
    if not layout["kortfakta"]:
        return []
    wording = load_json("phrases.json")["kortfakta"]
    rows = [
        wording["summary_head"],
        *[
            [f"{a['no']}. {a['overview_title']}", number(a["overview_total"]["achieved"], layout)]
            for a in truth["areas"]
        ],
        [wording["summary_total"], number(total, layout)],
    ]
    style = [
        ("FONTNAME", (0, 0), (-1, -1), st.regular),
        ("FONTSIZE", (0, 0), (-1, -1), st.size - 1),
        ("FONTNAME", (0, 0), (-1, 0), st.bold),
        ("FONTNAME", (0, -1), (-1, -1), st.bold),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
        ("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.black),
    ]
    return [para(wording["summary_lead"], st.body), Table(rows, colWidths=[280, 50], style=style, hAlign="LEFT")]


def _chapter3(truth: dict[str, Any], template: dict[str, str], st: Styles, pages: _Pages) -> list[Flowable]:
    layout = truth["layout"]
    story: list[Flowable] = [*_anchor("3", layout, pages), para(_chapter_titles(truth, template)["3"], st.h1)]
    for area in truth["areas"]:
        if area["no"] > 1:
            story.append(PageBreak())
        heading = _area_heading(area, layout)
        running = f"Område {area['no']} {area['title']}"
        key = f"areas[{area['no']}]"
        story += [
            *_anchor(f"area{area['no']}", layout, pages, running),
            locate(para(heading, st.h2), f"{key}.heading", first_line=True),
        ]
        story.append(_score_box(area, layout, st))
        story.append(Spacer(1, 8))
        for i, section in enumerate(area["narrative"]):
            story.append(locate(para(section["heading"], st.h3), f"{key}.narrative[{i}].heading"))
            story += [_narrative_paragraph(text, st) for text in section["paragraphs"]]
        story.append(Spacer(1, 6))
        story += _findings(area, layout, st)
    return story


def _narrative_paragraph(text: str, st: Styles) -> Paragraph:
    """A paragraph of the narrative; one that is a list item ("• ...") hangs its wrapped lines under its text, as
    a word processor sets a bulleted paragraph."""
    if not text.startswith(NARRATIVE_BULLET):
        return para(text, st.body)
    item = ParagraphStyle("narrative_item", parent=st.body, leftIndent=16, bulletIndent=4, bulletFontName=st.regular)
    return Paragraph(escape(text[len(NARRATIVE_BULLET) :]), item, bulletText=NARRATIVE_BULLET.strip())


def _score_box(area: dict[str, Any], layout: dict[str, Any], st: Styles) -> Table:
    """The box at the top of an area: bulleted "Rubriker" on the left, "Poäng" and the score on the right."""
    left = [para("Rubriker", st.cell_bold), *bullets(area["rubriker"], st.cell_bullet, layout)]
    score = locate(para(number(area["header_score"], layout), st.score), f"areas[{area['no']}].header_score")
    right = [para("Poäng", st.cell_bold), score]
    return Table(
        [[left, right]],
        colWidths=[WIDTH - 80, 80],
        style=[("BOX", (0, 0), (-1, -1), 0.6, colors.black), ("INNERGRID", (0, 0), (-1, -1), 0.6, colors.black)]
        + [("VALIGN", (0, 0), (-1, -1), "TOP")],
    )


def _findings(area: dict[str, Any], layout: dict[str, Any], st: Styles) -> list[Flowable]:
    """The "Styrkor | Förbättrings..." block; split into two tables around a page break when the knob asks."""
    strengths, improvements = area["strengths"], area["improvements"]
    chunks = [(strengths, improvements)]
    if layout["findings_break_area"] == area["no"]:
        hs, hi = (len(strengths) + 1) // 2, (len(improvements) + 1) // 2
        chunks = [(strengths[:hs], improvements[:hi]), (strengths[hs:], improvements[hi:])]
    lines = layout["findings_style"] == "table"
    out: list[Flowable] = []
    done = {"strengths": 0, "improvements": 0}
    for i, (s_items, i_items) in enumerate(chunks):
        rows: list[list[Any]] = []
        if i == 0:
            rows.append([para("Styrkor", st.cell_bold), para(layout["improvements_label"], st.cell_bold)])
        left = _located_items(area["no"], "strengths", done["strengths"], s_items, st, layout)
        right = _located_items(area["no"], "improvements", done["improvements"], i_items, st, layout)
        done["strengths"] += len(s_items)
        done["improvements"] += len(i_items)
        if layout["findings_rows"] == "per_item":
            rows += [[a, b] for a, b in zip_longest(left, right, fillvalue="")]
        else:
            rows.append([left, right])
        style = [("VALIGN", (0, 0), (-1, -1), "TOP")]
        if lines:
            style.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
        if i:
            out.append(PageBreak())
        # Keep the "Styrkor" header with its items rather than alone at the foot of a page.
        out.append(KeepTogether([Table(rows, colWidths=[WIDTH / 2] * 2, style=style)]))
    return out


def _located_items(
    no: int, kind: str, first: int, items: list[str], st: Styles, layout: dict[str, Any]
) -> list[Flowable]:
    """The list items of one column, each noting where it is drawn as ``areas[N].<kind>[i]``."""
    flowables = bullets(items, st.cell_bullet, layout)
    return [locate(f, f"areas[{no}].{kind}[{first + j}]") for j, f in enumerate(flowables)]


def _chapter4(truth: dict[str, Any], template: dict[str, str], st: Styles, pages: _Pages) -> list[Flowable]:
    layout = truth["layout"]
    story: list[Flowable] = [
        PageBreak(),
        *_anchor("4", layout, pages),
        para(_chapter_titles(truth, template)["4"], st.h1),
        para("Nedanstående tabeller visar kommunens resultat fördelat på delfrågor inom respektive område.", st.body),
    ]
    story += overview_tables(truth, st)
    return story


def _chapter5(truth: dict[str, Any], st: Styles, pages: _Pages) -> list[Flowable]:
    """The 2010-2011 reports' chapter on the revision: a numbered list and a "3.1 ..." heading, not table rows."""
    layout = truth["layout"]
    if not layout["fifth_chapter"]:
        return []
    text = load_json("phrases.json")["revision"]
    numbered = ParagraphStyle("numbered", parent=st.body, leftIndent=18, bulletIndent=2, spaceAfter=3)
    return [
        PageBreak(),
        *_anchor("5", layout, pages),
        para(text["heading"], st.h1),
        *[para(line, st.body) for line in text["lead"]],
        *[Paragraph(escape(item), numbered, bulletText=f"{i}.") for i, item in enumerate(text["numbered"], 1)],
        para(text["subheading"], st.h3),
        *[para(line, st.body) for line in text["tail"]],
    ]
