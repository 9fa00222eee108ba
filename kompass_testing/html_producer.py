"""A second PDF producer for test reports: the truth as HTML, printed to PDF by headless Chromium.

Browsers print list markers as drawn shapes (a disc or square is a path, a ``list-style-image`` an image)
and lay text out with their own line breaking, columns and floats, so these reports test what the reportlab
ones cannot. The content comes from the same truth documents (:func:`kompass_testing.truth_builder.build_truth`);
what only this producer varies lives in ``truth["html"]`` (see :data:`HTML_DEFAULTS`).

Usage: ``python -m kompass_testing.generate --chromium --out fixtures/chromium [--only NAME ...]``. Chromium stamps
a creation date, so the PDF bytes differ between runs; the text and the drawing do not.
"""

from __future__ import annotations

import base64
import io
import shutil
import subprocess
import tempfile
from html import escape
from pathlib import Path
from typing import Any

from kompass_testing.report_text import OVERVIEW_LEAD, chapter2_blocks, cover_lines, number, overview_rows
from kompass_testing.truth_builder import build_truth, load_json

HTML_DEFAULTS: dict[str, Any] = {
    "marker": "disc",  # disc | square | circle | image | svg | dash | decimal | hanging | none | tight
    "findings_layout": "table",  # table | columns (CSS multi-column, one list per column) | floats | stacked
    "box": "table",  # table | float (the Poäng box floated right of the Rubriker list)
    "font": "serif",  # a CSS generic family
    "font_size": 10.0,  # points
    "narrative_columns": 1,  # the narrative (sub-headings and paragraphs) set in this many CSS columns
}
HTML_LATER: dict[str, Any] = {
    "narrative_full": 0,  # with narrative_columns: this many of an area's first sections across the page, above
}
"""Knobs added after fixtures were committed: a truth holds one only when its variant sets it."""
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
)
SVG_ARROW = "data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' width='6' height='6'><path d='M0 0L6 3L0 6z'/></svg>"

MARKER_CSS = {
    "disc": "list-style: disc;",
    "square": "list-style: square;",
    "circle": "list-style: circle;",
    "image": "list-style-image: url('data:image/png;base64,{png}');",
    "svg": f'list-style-image: url("{SVG_ARROW}");',
    "decimal": "list-style: decimal;",
}
"""Markers drawn by the browser (shapes, images, numbers); ``dash``, ``hanging`` and ``none`` are set apart."""


def chromium() -> str | None:
    """The Chromium binary, or None when it is not installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def html_variants() -> list[dict[str, Any]]:
    """Every spec of ``chromium_variants.json``: a truth spec plus the keys of :data:`HTML_DEFAULTS`."""
    return list(load_json("chromium_variants.json"))


def build_html_truth(spec: dict[str, Any]) -> dict[str, Any]:
    """The truth of a Chromium variant: the reportlab truth of its content keys, with ``html`` knobs added."""
    unknown = set(spec.get("html", {})) - set(HTML_DEFAULTS) - set(HTML_LATER)
    if unknown:
        raise ValueError(f"variant {spec.get('name')!r}: unknown html keys {sorted(unknown)}")
    truth = build_truth({k: v for k, v in spec.items() if k != "html"})
    truth["html"] = {**HTML_DEFAULTS, **spec.get("html", {})}
    truth["producer"] = "chromium"
    return truth


def print_pdf(html: str, binary: str | None = None) -> bytes:
    """Print ``html`` to PDF with headless Chromium (a throwaway profile; no network)."""
    binary = binary or chromium()
    if binary is None:
        raise RuntimeError("chromium is not installed (make system-deps)")
    with tempfile.TemporaryDirectory(prefix="kompass-chromium-") as tmp:
        page, out = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
        page.write_text(html, encoding="utf-8")
        cmd = [binary, *CHROMIUM_FLAGS, f"--user-data-dir={tmp}/profile", f"--print-to-pdf={out}", page.as_uri()]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)
        return out.read_bytes()


# --- HTML -------------------------------------------------------------------------------------------------


def render_html(truth: dict[str, Any]) -> str:
    """The whole report as one HTML document."""
    template = load_json("editions.json")["templates"][truth["template"]]
    body = [
        _cover(truth, template),
        _chapter1(truth),
        _chapter2(truth, template),
        *(_area(area, truth) for area in truth["areas"]),
        _overview(truth, template),
    ]
    return f'<!DOCTYPE html>\n<html lang="sv"><head><meta charset="utf-8"><style>{_css(truth)}</style></head>\n' + (
        "<body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def _css(truth: dict[str, Any]) -> str:
    html = truth["html"]
    marker = html["marker"]
    lists = MARKER_CSS.get(marker, "list-style: none;").format(png=_dot_png())
    extra = ""
    if marker == "dash":
        extra = "ul.m li { position: relative; } ul.m li::before { content: '–'; position: absolute; left: -1.1em; }"
    elif marker == "hanging":
        extra = "ul.m { padding-left: 0.3em; } ul.m li { padding-left: 1.2em; text-indent: -1.2em; }"
    elif marker == "none":
        extra = "ul.m { padding-left: 0.3em; } ul.m li { margin-bottom: 0.45em; }"
    elif marker == "tight":  # no marker, no indent, no space: only how lines are filled tells (ambiguous)
        extra = "ul.m { padding-left: 0.3em; }"
    size = float(html["font_size"])
    return f"""
@page {{ size: A4; margin: 25mm 21mm 23mm 25mm; @bottom-right {{ content: counter(page); font-size: 9pt; }} }}
body {{ font-family: {html["font"]}; font-size: {size}pt; line-height: 1.25; }}
h1 {{ font-size: {size + 6}pt; break-before: page; }} h1.cover {{ break-before: auto; font-size: 28pt; }}
h2 {{ font-size: {size + 3}pt; break-before: page; }} h3 {{ font-size: {size}pt; margin: 0.8em 0 0.2em; }}
p {{ margin: 0 0 0.6em; }}
ul.m {{ {lists} margin: 0.2em 0; padding-left: 1.6em; }} ul.m li {{ margin: 0; }}
{extra}
table {{ border-collapse: collapse; }} td, th {{ border: 0.6pt solid black; padding: 2pt 4pt; vertical-align: top; }}
th {{ text-align: left; }}
.box td {{ font-size: {size - 1}pt; }} .score {{ font-size: {size + 10}pt; font-weight: bold; text-align: center; }}
.findings {{ width: 100%; table-layout: fixed; font-size: {size - 1}pt; margin-top: 1em; }}
.fcols {{ column-count: 2; column-gap: 2em; break-inside: avoid; font-size: {size - 1}pt; margin-top: 1em; }}
.fcols h4 {{ margin: 0; font-size: {size - 1}pt; }} .fcols .second {{ break-before: column; }}
.ffloat {{ overflow: hidden; font-size: {size - 1}pt; margin-top: 1em; }} .ffloat > div {{ float: left; width: 48%; }}
.ffloat h4 {{ margin: 0; font-size: {size - 1}pt; }}
.fstack {{ margin-top: 1em; }} .fstack h4 {{ margin: 0.6em 0 0.2em; font-size: {size}pt; }}
.ncols {{ column-count: {html["narrative_columns"]}; column-gap: 1.8em; }} .ncols h3:first-child {{ margin-top: 0; }}
.rub {{ overflow: hidden; border: 0.6pt solid black; padding: 4pt; font-size: {size - 1}pt; }}
.rub .poang {{ float: right; width: 70pt; text-align: center; border-left: 0.6pt solid black; }}
.overview td {{ font-size: {size - 1}pt; }} .overview td.n {{ text-align: right; width: 45pt; }}
.overview td.q {{ width: 250pt; }} .overview tr.h td, .overview tr.t td {{ font-weight: bold; }}
"""


def _dot_png() -> str:
    """A small dark square as a base64 PNG, for ``list-style-image`` (an image object in the PDF)."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (8, 8), 30).save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


def _list(items: list[str]) -> str:
    return '<ul class="m">' + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"


def _p(text: str, tag: str = "p", cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<{tag}{attr}>{escape(text)}</{tag}>"


def _narrative_p(text: str) -> str:
    """A narrative paragraph; one that is a list item ("• ...") hangs its wrapped lines under its text, as a word
    processor sets a bulleted paragraph."""
    if not text.startswith("• "):
        return _p(text)
    return f'<p style="padding-left:1.3em;text-indent:-1.3em">•&nbsp;&nbsp;{escape(text[2:])}</p>'


def _cover(truth: dict[str, Any], template: dict[str, str]) -> str:
    return _p("KommunKompassen", "h1", "cover") + "".join(_p(x) for x in cover_lines(truth, template))


def _chapter1(truth: dict[str, Any]) -> str:
    intro = "".join(_p(text) for text in truth["intro"])
    names = [a["overview_title"] for a in truth["areas"]]
    return _p("1. Vad är kommunkompassen?", "h1") + intro + _p("De åtta huvudområdena är:", "h3") + _list(names)


def _chapter2(truth: dict[str, Any], template: dict[str, str]) -> str:
    return "".join(_p(text, kind) for kind, text in chapter2_blocks(truth, template))


def _area(area: dict[str, Any], truth: dict[str, Any]) -> str:
    layout, html = truth["layout"], truth["html"]
    sep = ": " if layout["area_heading"] == "colon" else " "
    score = number(area["header_score"], layout)
    if html["box"] == "float":
        box = (
            f'<div class="rub"><div class="poang"><b>Poäng</b><div class="score">{score}</div></div>'
            f"<b>Rubriker</b>{_list(area['rubriker'])}</div>"
        )
    else:
        box = (
            f'<table class="box" style="width:100%"><tr><td><b>Rubriker</b>{_list(area["rubriker"])}</td>'
            f'<td style="width:70pt"><b>Poäng</b><div class="score">{score}</div></td></tr></table>'
        )
    sections = [
        _p(section["heading"], "h3") + "".join(_narrative_p(text) for text in section["paragraphs"])
        for section in area["narrative"]
    ]
    full = html.get("narrative_full", HTML_LATER["narrative_full"])
    narrative = "".join(sections[full:])
    if html["narrative_columns"] > 1:
        narrative = f'<div class="ncols">{narrative}</div>'
    narrative = "".join(sections[:full]) + narrative
    return _p(f"Område {area['no']}{sep}{area['title']}", "h2") + box + narrative + _findings(area, truth)


def _findings(area: dict[str, Any], truth: dict[str, Any]) -> str:
    label = escape(truth["layout"]["improvements_label"])
    strengths, improvements = _list(area["strengths"]), _list(area["improvements"])
    kind = truth["html"]["findings_layout"]
    if kind == "columns":
        return (
            f'<div class="fcols"><div><h4>Styrkor</h4>{strengths}</div>'
            f'<div class="second"><h4>{label}</h4>{improvements}</div></div>'
        )
    if kind == "stacked":
        return f'<div class="fstack"><h4>Styrkor</h4>{strengths}<h4>{label}</h4>{improvements}</div>'
    if kind == "floats":
        return (
            f'<div class="ffloat"><div><h4>Styrkor</h4>{strengths}</div><div><h4>{label}</h4>{improvements}</div></div>'
        )
    return (
        f'<table class="findings"><tr><th>Styrkor</th><th>{label}</th></tr>'
        f"<tr><td>{strengths}</td><td>{improvements}</td></tr></table>"
    )


def _overview(truth: dict[str, Any], template: dict[str, str]) -> str:
    tables = []
    for area in truth["areas"]:
        head, rows = overview_rows(area, truth["layout"])
        html = [f'<tr class="h"><td class="q">{area["no"]}. {escape(area["overview_title"])}</td>']
        html[0] += "".join(f'<td class="n">{h}</td>' for h in head) + "</tr>"
        for i, (text, numbers) in enumerate(rows):
            cls = ' class="t"' if i == len(rows) - 1 else ""
            cells = "".join(f'<td class="n">{n}</td>' for n in numbers)
            html.append(f'<tr{cls}><td class="q">{escape(text)}</td>{cells}</tr>')
        tables.append('<table class="overview" style="margin-bottom:1.2em">' + "".join(html) + "</table>")
    return _p(f"4. {template['overview_heading']}", "h1") + _p(OVERVIEW_LEAD) + "".join(tables)


# --- fixtures ---------------------------------------------------------------------------------------------


LIBREOFFICE_VARIANTS = (
    "chromium-disc-table",
    "chromium-tight-unmarked",
    "chromium-hanging-table",
    "chromium-image-floats",
)
"""Chromium variants also converted by LibreOffice (a third producer: its own line breaking, list indents past the
header label, a table row's cells aligned by their first lines). The floated Poäng box (hanging-table) it sets as a
paragraph of its own above 'Rubriker', the score centred across the page; the box table (image-floats) it cuts at a
page break ('Poäng' at a page's foot, its score at the next one's head) or centres 'Poäng' on a rubrik's line.
Only these: LibreOffice ignores CSS columns, so the column variants would test its HTML import, not a layout."""


def libreoffice() -> str | None:
    """The LibreOffice binary, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_with_libreoffice(html: str, binary: str | None = None) -> bytes:
    """Convert ``html`` to PDF with headless LibreOffice (Writer/Web's PDF export; a throwaway profile)."""
    binary = binary or libreoffice()
    if binary is None:
        raise RuntimeError("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    with tempfile.TemporaryDirectory(prefix="kompass-libreoffice-") as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(html, encoding="utf-8")
        profile = f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}"
        cmd = [binary, profile, "--headless", "--convert-to", "pdf:writer_web_pdf_Export", "--outdir", tmp, str(page)]
        subprocess.run(cmd, check=True, capture_output=True, timeout=300)
        return (Path(tmp) / "report.pdf").read_bytes()


def libreoffice_truth(spec: dict[str, Any]) -> dict[str, Any]:
    """The truth of a Chromium variant's HTML converted by LibreOffice."""
    return {**build_html_truth(spec), "producer": "libreoffice"}


def libreoffice_name(spec: dict[str, Any]) -> str:
    return spec["name"].replace("chromium-", "libreoffice-", 1)


def write_libreoffice_variant(spec: dict[str, Any], out_dir: Path) -> Path:
    """Write ``<out_dir>/libreoffice-<kind>/report.pdf`` and ``truth.json``; returns the folder."""
    from kompass_testing.generate import write_fixture

    truth = libreoffice_truth(spec)
    return write_fixture(out_dir / libreoffice_name(spec), convert_with_libreoffice(render_html(truth)), truth)


def write_html_variant(spec: dict[str, Any], out_dir: Path) -> Path:
    """Write ``<out_dir>/<name>/report.pdf`` and ``truth.json``; returns the folder."""
    from kompass_testing.generate import write_fixture

    truth = build_html_truth(spec)
    return write_fixture(out_dir / spec["name"], print_pdf(render_html(truth)), truth)
