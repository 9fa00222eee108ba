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
from functools import cache
from itertools import zip_longest
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from kompass_testing.list_markers import PUA_BULLET, list_items
from kompass_testing.located import LocatedTable, Recorder, keyed, locate
from kompass_testing.truth_builder import load_json

PAGE_W, PAGE_H = A4
LEFT, RIGHT, TOP, BOTTOM = 70.0, 60.0, 72.0, 66.0
WIDTH = PAGE_W - LEFT - RIGHT
OVERVIEW_TEXT_WIDTH = 250.0
NARRATIVE_BULLET = "• "
"""How a narrative paragraph of the sentence pool that is a list item begins."""
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


def render(truth: dict[str, Any]) -> bytes:
    """The PDF bytes of a report that prints exactly what ``truth`` says."""
    return render_located(truth)[0]


def render_located(truth: dict[str, Any]) -> tuple[bytes, dict[str, dict[str, Any]]]:
    """The PDF bytes, and where each located value was drawn (see :mod:`kompass_testing.located`).

    A contents page needs the pages its entries land on: the first build finds them, the second prints them
    (one entry is one line whatever its number, so the second build paginates as the first).
    """
    template = load_json("editions.json")["templates"][truth["template"]]
    st = _styles(truth["layout"])
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
    doc.build(story, canvasmaker=_canvas_class(_decorator(truth, template, st), recorder))
    return buf.getvalue()


# --- fonts and styles -------------------------------------------------------------------------------


@cache
def _register_fonts() -> None:
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


def _styles(layout: dict[str, Any]) -> Styles:
    _register_fonts()
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


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def _bullets(items: list[str], style: ParagraphStyle, layout: dict[str, Any]) -> list[Flowable]:
    return list_items(items, style, layout["bullet"])


def _number(value: float | None, layout: dict[str, Any]) -> str:
    """A score as printed: integers plain, half points with a decimal comma."""
    if value is None:
        return ""
    text = str(int(value)) if float(value).is_integer() else str(value)
    return text.replace(".", ",") if layout["half_points"] else text


def _percent(value: int | None, layout: dict[str, Any]) -> str:
    return "" if value is None else layout["percent_format"].replace("75", str(value))


# --- running headers and footers ---------------------------------------------------------------------


def _decorator(truth: dict[str, Any], template: dict[str, str], st: Styles) -> Callable[[Any, int, int], None]:
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


def _canvas_class(draw: Callable[[Any, int, int], None], recorder: Recorder) -> type[canvas.Canvas]:
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


# --- covers -------------------------------------------------------------------------------------------


def _cover_skl2016(truth: dict[str, Any], template: dict[str, str], st: Styles) -> list[Flowable]:
    return [
        Spacer(1, 200),
        _p("KommunKompassen", _sized(st.h1, 28)),
        _p(f"Analys av {truth['municipality']}", _sized(st.body, 16)),
        _p(f"{truth['month'].capitalize()} {truth['year']}", _sized(st.body, 12)),
        Spacer(1, 30),
        _p(f"Utvärderare: {', '.join(truth['evaluators'])}", st.body),
        PageBreak(),
    ]


def _cover_analys_upper(truth: dict[str, Any], template: dict[str, str], st: Styles) -> list[Flowable]:
    return [
        Spacer(1, 220),
        _p("KommunKompassen", _sized(st.h1, 30)),
        _p(f"ANALYS AV {truth['municipality'].upper()} {truth['year']}", _sized(st.h1, 18)),
        PageBreak(),
    ]


def _cover_letterhead(truth: dict[str, Any], template: dict[str, str], st: Styles) -> list[Flowable]:
    """The old SKL letterhead: no cover page, the report starts under the section name."""
    return [
        _p(template["section"], _sized(st.body, 8)),
        *[_p(name, _sized(st.body, 8)) for name in truth["evaluators"]],
        Spacer(1, 24),
        _p(f"Kommunkompassen – analys av {truth['municipality']}", st.h1),
    ]


def _cover_skr2020(truth: dict[str, Any], template: dict[str, str], st: Styles) -> list[Flowable]:
    """SKR 2020+: the municipality is only in an image on the cover, so the text layer has no name here."""
    return [
        Spacer(1, 220),
        _p("Kommunkompassen", _sized(st.h1, 30)),
        _p(f"Analys {truth['year']}", _sized(st.body, 16)),
        Spacer(1, 30),
        _p(template["org"], st.body),
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
    return [_p(load_json("phrases.json")["toc_heading"], st.h1), *lines, PageBreak()]


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
        _p(_chapter_titles(truth, template)["1"], st.h1),
        *[_p(text, st.body) for text in truth["intro"]],
        _p("De åtta huvudområdena är:", st.h3),
        *_bullets(names, st.bullet, truth["layout"]),
        PageBreak(),
    ]


def _chapter2(truth: dict[str, Any], template: dict[str, str], st: Styles, pages: _Pages) -> list[Flowable]:
    layout = truth["layout"]
    name = truth["municipality"]
    total = sum(a["overview_total"]["achieved"] for a in truth["areas"])
    evaluators = " och ".join(truth["evaluators"])
    return [
        *_anchor("2", layout, pages),
        _p(_chapter_titles(truth, template)["2"], st.h1),
        _p("Utvärderingen", st.h3),
        _p(
            f"Utvärderingen av {name} genomfördes i {truth['month']} år {truth['year']}. Utvärderingsgruppen har "
            "studerat dokument, granskat kommunens hemsida och intervjuat "
            f"{truth['interviewees']} personer i organisationen. Utvärderare har varit {evaluators}.",
            st.body,
        ),
        *_kortfakta_box(truth, st),
        _p("Sammanfattning av resultatet", st.h3),
        _p(f"Totalt fick {name} {_number(total, layout)} poäng av 800 möjliga.", st.body),
        *_summary_table(truth, total, st),
        _p(truth["summary_heading"], st.h3),
        *[_p(text, st.body) for text in truth["summary"]],
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
        _p(wording["heading"].format(municipality=truth["municipality"]), st.cell_bold),
        *[_p(line.format(**values), st.cell) for line in wording["lines"]],
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
            [f"{a['no']}. {a['overview_title']}", _number(a["overview_total"]["achieved"], layout)]
            for a in truth["areas"]
        ],
        [wording["summary_total"], _number(total, layout)],
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
    return [_p(wording["summary_lead"], st.body), Table(rows, colWidths=[280, 50], style=style, hAlign="LEFT")]


def _chapter3(truth: dict[str, Any], template: dict[str, str], st: Styles, pages: _Pages) -> list[Flowable]:
    layout = truth["layout"]
    story: list[Flowable] = [*_anchor("3", layout, pages), _p(_chapter_titles(truth, template)["3"], st.h1)]
    for area in truth["areas"]:
        if area["no"] > 1:
            story.append(PageBreak())
        heading = _area_heading(area, layout)
        running = f"Område {area['no']} {area['title']}"
        key = f"areas[{area['no']}]"
        story += [
            *_anchor(f"area{area['no']}", layout, pages, running),
            locate(_p(heading, st.h2), f"{key}.heading", first_line=True),
        ]
        story.append(_score_box(area, layout, st))
        story.append(Spacer(1, 8))
        for i, section in enumerate(area["narrative"]):
            story.append(locate(_p(section["heading"], st.h3), f"{key}.narrative[{i}].heading"))
            story += [_narrative_paragraph(text, st) for text in section["paragraphs"]]
        story.append(Spacer(1, 6))
        story += _findings(area, layout, st)
    return story


def _narrative_paragraph(text: str, st: Styles) -> Paragraph:
    """A paragraph of the narrative; one that is a list item ("• ...") hangs its wrapped lines under its text, as
    a word processor sets a bulleted paragraph."""
    if not text.startswith(NARRATIVE_BULLET):
        return _p(text, st.body)
    item = ParagraphStyle("narrative_item", parent=st.body, leftIndent=16, bulletIndent=4, bulletFontName=st.regular)
    return Paragraph(escape(text[len(NARRATIVE_BULLET) :]), item, bulletText=NARRATIVE_BULLET.strip())


def _score_box(area: dict[str, Any], layout: dict[str, Any], st: Styles) -> Table:
    """The box at the top of an area: bulleted "Rubriker" on the left, "Poäng" and the score on the right."""
    left = [_p("Rubriker", st.cell_bold), *_bullets(area["rubriker"], st.cell_bullet, layout)]
    score = locate(_p(_number(area["header_score"], layout), st.score), f"areas[{area['no']}].header_score")
    right = [_p("Poäng", st.cell_bold), score]
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
            rows.append([_p("Styrkor", st.cell_bold), _p(layout["improvements_label"], st.cell_bold)])
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
    flowables = _bullets(items, st.cell_bullet, layout)
    return [locate(f, f"areas[{no}].{kind}[{first + j}]") for j, f in enumerate(flowables)]


def _chapter4(truth: dict[str, Any], template: dict[str, str], st: Styles, pages: _Pages) -> list[Flowable]:
    layout = truth["layout"]
    story: list[Flowable] = [
        PageBreak(),
        *_anchor("4", layout, pages),
        _p(_chapter_titles(truth, template)["4"], st.h1),
        _p("Nedanstående tabeller visar kommunens resultat fördelat på delfrågor inom respektive område.", st.body),
    ]
    per_area = [_overview_rows(area, layout, st) for area in truth["areas"]]
    continued = None
    if layout["repeated_table_header"]:
        continued = {
            a["no"]: _overview_head(a["no"], f"{a['overview_title']} (forts.)", layout, st) for a in truth["areas"]
        }
    if layout["overview_tables"] == "single":
        gap = ("gap", 0, [""] * len(per_area[0][0][2]))
        groups = [[row for rows in per_area for row in [*rows, gap]][:-1]]
    else:
        groups = per_area
    for group in groups:
        cut = _break_row(group, layout["overview_break_area"])
        parts = [group[:cut], group[cut:]] if cut else [group]
        for i, part in enumerate(parts):
            if i:
                story.append(PageBreak())
                part = _resume(part, continued)
            story.append(_overview_table(part, layout, st, continued))
        story.append(Spacer(1, st.size * 1.5))
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
        _p(text["heading"], st.h1),
        *[_p(para, st.body) for para in text["lead"]],
        *[Paragraph(escape(item), numbered, bulletText=f"{i}.") for i, item in enumerate(text["numbered"], 1)],
        _p(text["subheading"], st.h3),
        *[_p(para, st.body) for para in text["tail"]],
    ]


Row = tuple[str, int, list[Any]]
"""(kind: head | row | total | gap, area number, cells) of an overview table."""


def _overview_head(no: int, title: str, layout: dict[str, Any], st: Styles) -> Row:
    head = [_p(f"{no}. {title}", st.cell_bold), "Uppnått", "Max"]
    return ("head", no, [*head, "Procent"] if layout["percent_format"] != "none" else head)


def _overview_rows(area: dict[str, Any], layout: dict[str, Any], st: Styles) -> list[Row]:
    with_percent = layout["percent_format"] != "none"
    rows: list[Row] = [_overview_head(area["no"], area["overview_title"], layout, st)]
    for i, q in enumerate(area["questions"]):
        key = f"areas[{area['no']}].questions[{i}]"
        numbers = [_number(q["achieved"], layout), _number(q["max"], layout)]
        numbers += [_percent(q["percent"], layout)] if with_percent else []
        cells = [locate(_p(f"{q['id']} {q['text']}", st.cell), key), *(keyed(n, key) for n in numbers)]
        rows.append(("row", area["no"], cells))
    total = area["overview_total"]
    numbers = [layout["total_label"], _number(total["achieved"], layout), _number(total["max"], layout)]
    numbers += [_percent(total["percent"], layout)] if with_percent else []
    rows.append(("total", area["no"], [keyed(n, f"areas[{area['no']}].overview_total") for n in numbers]))
    return rows


def _break_row(group: list[Row], area_no: int | None) -> int:
    """Index of the row before which a forced page break splits area ``area_no`` (0: no break here)."""
    indexes = [i for i, (kind, no, _) in enumerate(group) if kind == "row" and no == area_no]
    return indexes[len(indexes) // 2] if len(indexes) > 1 else 0


def _resume(rows: list[Row], continued: dict[int, Row] | None) -> list[Row]:
    """Rows continuing on a new page, led by their area's "(forts.)" head when the layout repeats heads."""
    kind, no, _ = rows[0]
    return [continued[no], *rows] if continued and kind in ("row", "total") else rows


class _ContinuedTable(LocatedTable):
    """An overview table that, split by a page break, starts the next page with its area's "(forts.)" head.

    It never ends a page on a head row, which would be printed again, "(forts.)", at the top of the next one.
    """

    resume: Callable[[int], list[Table]]
    kinds: list[str]

    def split(self, availWidth: float, availHeight: float) -> list[Table]:  # noqa: N803 (reportlab API)
        parts = super().split(availWidth, availHeight)
        if len(parts) != 2:
            return parts
        cut = parts[0]._nrows
        while cut and self.kinds[cut - 1] == "head":
            cut -= 1
        return self.resume(cut) if cut else []


def _overview_table(rows: list[Row], layout: dict[str, Any], st: Styles, continued: dict[int, Row] | None) -> Table:
    ncols = len(rows[0][2])
    widths = [55.0, 40.0, 55.0][: ncols - 1]
    valign = "BOTTOM" if layout["number_valign"] == "last" else "TOP"
    style: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), st.regular),
        ("FONTSIZE", (0, 0), (-1, -1), st.size - 1),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (0, -1), "TOP"),
        ("VALIGN", (1, 0), (-1, -1), valign),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    for i, (kind, _, _) in enumerate(rows):
        if kind in ("head", "total"):
            style.append(("FONTNAME", (0, i), (-1, i), st.bold))
        if layout["table_rules"] and kind != "gap":
            style.append(("GRID", (0, i), (-1, i), 0.5, colors.black))
    data = [cells for _, _, cells in rows]
    widths = [OVERVIEW_TEXT_WIDTH, *widths]
    if continued is None:
        return LocatedTable(data, colWidths=widths, style=TableStyle(style), hAlign="LEFT")
    table = _ContinuedTable(data, colWidths=widths, style=TableStyle(style), hAlign="LEFT")
    table.kinds = [kind for kind, _, _ in rows]
    table.resume = lambda n: [
        _overview_table(rows[:n], layout, st, continued),
        _overview_table(_resume(rows[n:], continued), layout, st, continued),
    ]
    return table
