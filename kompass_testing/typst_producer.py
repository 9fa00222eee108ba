"""A third PDF producer for test reports: the truth set in Typst markup and compiled by the Typst compiler.

Typst lays text out its own way: justified paragraphs with punctuation hanging past the margin, a line broken
after a slash, table cells whose text may run up to the next column, list markers drawn as shapes or numbered,
fonts subset as CID fonts with ligatures. Reading its reports found three silent faults that neither reportlab nor
Chromium showed: a question's last word beside a right-aligned column head was dropped, "kund/" + "brukare" got a
space, and a justified paragraph was cut in two at a page break. The content comes from the same truth documents
as the other producers; what only this one varies lives in ``truth["typst"]`` (see :data:`TYPST_DEFAULTS`).

Usage: ``python -m kompass_testing.generate --typst --out fixtures/typst [--only NAME ...]``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kompass_testing.report_text import OVERVIEW_LEAD, chapter2_blocks, cover_lines, number, overview_rows
from kompass_testing.truth_builder import build_truth, load_json

TYPST_DEFAULTS: dict[str, Any] = {
    "marker": "bullet",  # bullet (a glyph) | dash (a glyph) | square | circle (drawn shapes) | enum (1. 2. ...)
    "findings_layout": "grid",  # grid (two columns, no rules) | table (ruled) | stacked (one list under the other)
    "box": "table",  # table (ruled, score at the right) | grid (no rules)
    "justify": True,
    "font": "Libertinus Serif",  # Typst's own fonts need nothing installed; others must be system fonts
    "font_size": 10.5,
    "overview_valign": "top",  # top | horizon | bottom: where a wrapped question row's numbers stand
    "overview_header": False,  # the table's head row marked as a header, so Typst repeats it after a page break
    "narrative_columns": 1,  # the narrative set in this many columns
}
MARKERS = {
    "bullet": "",
    "dash": "#set list(marker: [–])\n",
    "square": "#set list(marker: box(baseline: -0.15em, square(size: 0.38em, fill: black)))\n",
    "circle": "#set list(marker: box(baseline: -0.15em, circle(radius: 0.2em, stroke: 0.5pt)))\n",
    "enum": "",
}
"""Set rules for each marker kind; ``enum`` lists are numbered lists instead."""


def typst_variants() -> list[dict[str, Any]]:
    """Every spec of ``typst_variants.json``: a truth spec plus the keys of :data:`TYPST_DEFAULTS`."""
    return list(load_json("typst_variants.json"))


def build_typst_truth(spec: dict[str, Any]) -> dict[str, Any]:
    """The truth of a Typst variant: the reportlab truth of its content keys, with ``typst`` knobs added."""
    unknown = set(spec.get("typst", {})) - set(TYPST_DEFAULTS)
    if unknown:
        raise ValueError(f"variant {spec.get('name')!r}: unknown typst keys {sorted(unknown)}")
    truth = build_truth({k: v for k, v in spec.items() if k != "typst"})
    truth["typst"] = {**TYPST_DEFAULTS, **spec.get("typst", {})}
    truth["producer"] = "typst"
    return truth


def compile_pdf(markup: str) -> bytes:
    """Compile Typst ``markup`` to PDF bytes (the ``typst`` wheel bundles the compiler and its fonts)."""
    import typst

    return typst.compile(markup.encode("utf-8"))


def _s(text: str) -> str:
    """Text as a Typst string literal in markup, so that no character of it is read as markup."""
    return '#"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _list(items: list[str], knobs: dict[str, Any]) -> str:
    kind = "enum" if knobs["marker"] == "enum" else "list"
    return f"#{kind}(" + ", ".join(f"[{_s(item)}]" for item in items) + ")\n"


def _bold(text: str) -> str:
    return f"*{_s(text)}*"


def render_typst(truth: dict[str, Any]) -> str:
    """The whole report as one Typst document."""
    knobs, layout = truth["typst"], truth["layout"]
    template = load_json("editions.json")["templates"][truth["template"]]
    out = [
        '#set page(paper: "a4", margin: (left: 25mm, right: 21mm, top: 25mm, bottom: 23mm), '
        "footer: context align(right, text(9pt, counter(page).display())))\n",
        f'#set text(font: "{knobs["font"]}", size: {knobs["font_size"]}pt, lang: "sv", hyphenate: false)\n',
        f"#set par(justify: {str(knobs['justify']).lower()})\n",
        MARKERS[knobs["marker"]],
        "#set table(stroke: 0.6pt)\n",
        '#text(28pt, weight: "bold")[' + _s("KommunKompassen") + "]\n\n",
        *(_s(line) + "\n\n" for line in cover_lines(truth, template)),
        "#pagebreak()\n= " + _s("1. Vad är kommunkompassen?") + "\n",
        *(_s(text) + "\n\n" for text in truth["intro"]),
        "=== " + _s("De åtta huvudområdena är:") + "\n",
        _list([a["overview_title"] for a in truth["areas"]], knobs),
    ]
    for kind, text in chapter2_blocks(truth, template):
        out.append({"h1": "#pagebreak()\n= ", "h3": "=== ", "p": ""}[kind] + _s(text) + "\n\n")
    sep = ": " if layout["area_heading"] == "colon" else " "
    for area in truth["areas"]:
        out.append("#pagebreak()\n== " + _s(f"Område {area['no']}{sep}{area['title']}") + "\n")
        out.append(_box(area, knobs, layout))
        narrative = []
        for section in area["narrative"]:
            narrative.append("=== " + _s(section["heading"]) + "\n")
            for text in section["paragraphs"]:  # a bulleted paragraph keeps its printed bullet whatever the lists use
                narrative.append(
                    f"#list(marker: [•], [{_s(text[2:])}])\n" if text.startswith("• ") else _s(text) + "\n\n"
                )
        columns = knobs["narrative_columns"]
        out.append(
            "".join(narrative) if columns == 1 else f"#columns({columns}, gutter: 18pt)[\n{''.join(narrative)}]\n"
        )
        out.append(_findings(area, knobs, layout["improvements_label"]))
    out.append("#pagebreak()\n= " + _s(f"4. {template['overview_heading']}") + "\n" + _s(OVERVIEW_LEAD) + "\n\n")
    out += [_overview_table(area, layout, knobs) for area in truth["areas"]]
    return "".join(out)


def _box(area: dict[str, Any], knobs: dict[str, Any], layout: dict[str, Any]) -> str:
    rubriker = "[" + _bold("Rubriker") + "\n" + _list(area["rubriker"], knobs) + "]"
    score = '[*Poäng*\n\n#align(center, text(20pt, weight: "bold")[' + _s(number(area["header_score"], layout)) + "])]"
    kind, gutter = ("table", "") if knobs["box"] == "table" else ("grid", ", column-gutter: 12pt")
    return f"#{kind}(columns: (1fr, 70pt){gutter}, {rubriker}, {score})\n"


def _findings(area: dict[str, Any], knobs: dict[str, Any], label: str) -> str:
    strengths, improvements = _list(area["strengths"], knobs), _list(area["improvements"], knobs)
    if knobs["findings_layout"] == "stacked":
        return _bold("Styrkor") + "\n" + strengths + "\n" + _bold(label) + "\n" + improvements
    kind, gutter = (
        ("table", "") if knobs["findings_layout"] == "table" else ("grid", ", column-gutter: 18pt, row-gutter: 0.6em")
    )
    heads = f"[{_bold('Styrkor')}], [{_bold(label)}]"
    return f"#{kind}(columns: (1fr, 1fr){gutter}, {heads}, [{strengths}], [{improvements}])\n"


def _overview_table(area: dict[str, Any], layout: dict[str, Any], knobs: dict[str, Any]) -> str:
    head, rows = overview_rows(area, layout)
    head_cells = ", ".join([f"[{_bold(str(area['no']) + '. ' + area['overview_title'])}]", *(f"[*{h}*]" for h in head)])
    cells = [f"table.header({head_cells})" if knobs["overview_header"] else head_cells]
    for text, numbers in rows:
        cells += [f"[{_s(text)}]", *(f"[{_s(n)}]" for n in numbers)]
    widths = ", ".join(["1fr"] + ["45pt"] * len(head))
    valign = knobs["overview_valign"]
    aligns = ", ".join([f"left + {valign}"] + [f"right + {valign}"] * len(head))
    return f"#table(columns: ({widths}), align: ({aligns}), " + ", ".join(cells) + ")\n#v(1em)\n"


def write_typst_variant(spec: dict[str, Any], out_dir: Path) -> Path:
    """Write ``<out_dir>/<name>/report.pdf`` and ``truth.json``; returns the folder."""
    from kompass_testing.generate import write_fixture

    truth = build_typst_truth(spec)
    return write_fixture(out_dir / spec["name"], compile_pdf(render_typst(truth)), truth)
