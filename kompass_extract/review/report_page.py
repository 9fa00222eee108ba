"""The HTML page of one report: metadata, area chart, per-area question tables with PDF crops.

Every value is escaped; a check is shown on the row it concerns (question, else area, else the
report), so a reviewer reads the warning next to the number and its crop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from kompass_extract.review.data import SEVERITIES, ReportView, Row, group_by
from kompass_extract.review.format import fmt_num
from kompass_extract.review.svg import area_chart


@dataclass
class CropLink:
    """Where a question's crop is, relative to the page, with its size in CSS pixels."""

    href: str
    width: int
    height: int


@dataclass
class PageInput:
    """What the page needs besides the rows: crops by question index, the PDF link and why crops are missing."""

    view: ReportView
    crops: dict[int, CropLink] = field(default_factory=dict)
    pdf_href: str | None = None
    crop_problem: str | None = None


def shell(title: str, body: str, footer: str) -> str:
    """A complete page around ``body`` using the site's stylesheet (no scripts, no external resources)."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        '<link rel="stylesheet" href="review.css">\n</head>\n<body>\n'
        f"{body}\n<footer>{footer}</footer>\n</body>\n</html>\n"
    )


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


def place_checks(view: ReportView) -> tuple[dict[int, list[Row]], dict[int, list[Row]], list[Row]]:
    """Checks by question index, by area number, and the rest (report level)."""
    questions = {(q["area_no"], q["question_no"]): i for i, q in enumerate(view.questions)}
    by_qno = {q["question_no"]: i for i, q in reversed(list(enumerate(view.questions)))}
    area_nos = {a["area_no"] for a in view.areas} | {q["area_no"] for q in view.questions}
    on_question: dict[int, list[Row]] = {}
    on_area: dict[int, list[Row]] = {}
    rest: list[Row] = []
    for check in view.checks:
        qno, area_no = check.get("question_no"), check.get("area_no")
        index = questions.get((area_no, qno)) if area_no is not None else by_qno.get(qno)
        if qno is not None and index is not None:
            on_question.setdefault(index, []).append(check)
        elif area_no in area_nos:
            on_area.setdefault(area_no, []).append(check)
        else:
            rest.append(check)
    return on_question, on_area, rest


def metadata(view: ReportView, page: PageInput) -> str:
    r = view.report
    total = fmt_num(r.get("total_score"))
    total_max = fmt_num(r.get("total_max"))
    confidence = r.get("edition_confidence")
    edition = (r.get("edition") or "unknown") + (f" (confidence {confidence:.2f})" if confidence is not None else "")
    source = escape(r.get("source_file") or "")
    if page.pdf_href:
        source = f'<a href="{escape(page.pdf_href)}">{source}</a>'
    rows = [
        ("Municipality (printed)", escape(r.get("municipality") or "")),
        (
            "Kommun (SCB)",
            escape(" ".join(filter(None, [r.get("kommun"), f"({r['kommunkod']})" if r.get("kommunkod") else None]))),
        ),
        ("Evaluated", escape(" ".join(filter(None, [r.get("month"), fmt_num(r.get("year"))])))),
        ("Edition of the criteria", escape(edition)),
        ("Template", escape(r.get("template") or "")),
        ("Evaluators", escape(r.get("evaluators") or "")),
        ("Total", escape(f"{total} / {total_max}" if total else "not all eight area totals printed")),
        ("Source PDF", source + escape(f" ({fmt_num(r.get('pages'))} pages{', OCR' if r.get('ocr') else ''})")),
        ("SHA-256", f"<code>{escape(r.get('sha256') or '')}</code>"),
    ]
    missing = '<span class="note">not found</span>'
    return '<dl class="meta">' + "".join(f"<dt>{k}</dt><dd>{v or missing}</dd>" for k, v in rows) + "</dl>"


def question_row(index: int, q: Row, checks: list[Row], page: PageInput) -> str:
    severity = worst(checks)
    css = "question" + (f" has-{severity}" if severity else "")
    text = escape(q.get("question_text") or "")
    catalog_text = q.get("catalog_text")
    if catalog_text and catalog_text != q.get("question_text"):
        text += f'<div class="catalog-text">Catalog: {escape(catalog_text)}</div>'
    if q.get("confidence") is not None:
        text += f'<div class="catalog-text">OCR confidence {fmt_num(round(q["confidence"]))}</div>'
    text += check_list(checks, "checks row-checks")
    page_no = fmt_num(q.get("page"))
    if page.pdf_href and page_no:
        page_no = f'<a href="{escape(page.pdf_href)}#page={page_no}">{page_no}</a>'
    crop = page.crops.get(index)
    if crop is not None:
        alt = escape(f"Question {q.get('question_no')} as printed on page {fmt_num(q.get('page'))}")
        crop_cell = (
            f'<a href="{escape(crop.href)}"><img class="crop" src="{escape(crop.href)}" '
            f'width="{crop.width}" height="{crop.height}" alt="{alt}"></a>'
        )
    else:
        reason = page.crop_problem or "no position recorded for this row"
        crop_cell = f'<span class="nocrop">No crop: {escape(reason)}.</span>'
    percent = fmt_num(q.get("percent"))
    cells = [
        f'<td class="qno">{escape(q.get("question_no") or "")}</td>',
        f"<td>{text}</td>",
        f'<td class="num">{fmt_num(q.get("achieved"))}</td>',
        f'<td class="num">{fmt_num(q.get("max"))}</td>',
        f'<td class="num">{percent + "%" if percent else ""}</td>',
        f'<td class="catalog">{escape(q.get("catalog_id") or "unmatched")}</td>',
        f'<td class="num">{fmt_num(q.get("match_score") if q.get("match_score") is None else round(q["match_score"]))}</td>',
        f'<td class="num">{page_no}</td>',
        f'<td class="crop-cell">{crop_cell}</td>',
    ]
    anchor = escape(f"q-{q.get('area_no')}-{q.get('question_no')}")
    return f'<tr class="{css}" id="{anchor}">' + "".join(cells) + "</tr>"


QUESTION_HEAD = (
    "<thead><tr><th>No.</th><th>Question as printed</th><th class='num'>Achieved</th><th class='num'>Max</th>"
    "<th class='num'>Percent</th><th>Catalog id</th><th class='num'>Match</th><th class='num'>Page</th>"
    "<th>In the PDF</th></tr></thead>"
)


def findings_block(findings: list[Row]) -> str:
    columns = []
    for kind, title in (("strength", "Strengths (Styrkor)"), ("improvement", "Improvements (Förbättringsmöjligheter)")):
        items = [f for f in findings if f.get("kind") == kind]
        body = "".join(
            f'<li>{escape(f.get("text") or "")} <span class="page-ref">p.&nbsp;{fmt_num(f.get("page"))}</span></li>'
            for f in items
        )
        columns.append(
            f'<div class="{kind}"><h3>{title}</h3>'
            + (f"<ol>{body}</ol>" if body else "<p class='note'>none extracted</p>")
            + "</div>"
        )
    return '<div class="findings">' + "".join(columns) + "</div>"


def area_section(
    area: Row,
    questions: list[tuple[int, Row]],
    findings: list[Row],
    on_question: dict[int, list[Row]],
    area_checks: list[Row],
    page: PageInput,
) -> str:
    no = area["area_no"]
    name = area.get("area_name") or area.get("area_name_canonical") or ""
    facts = [
        f"Overview total {fmt_num(area.get('score')) or '–'} / {fmt_num(area.get('max')) or '–'}"
        + (f" ({fmt_num(area.get('percent'))}%)" if area.get("percent") is not None else ""),
        f"‘Poäng’ box {fmt_num(area.get('header_score')) or '–'}",
    ]
    if area.get("authoritative"):
        facts.append(f"score taken from: {area['authoritative']}")
    if area.get("area_name_canonical") and area.get("area_name_canonical") != name:
        facts.append(f"catalog name: {area['area_name_canonical']}")
    severity = worst(area_checks)
    rows = "".join(question_row(i, q, on_question.get(i, []), page) for i, q in questions)
    table = (
        f'<table class="questions">{QUESTION_HEAD}<tbody>{rows}</tbody></table>'
        if rows
        else '<p class="note">No questions extracted for this area.</p>'
    )
    return (
        f'<section class="area{f" has-{severity}" if severity else ""}" id="area-{no}">'
        f"<h2>{no}. {escape(name)}</h2>"
        f'<p class="facts">{escape(" · ".join(facts))}</p>'
        + check_list(area_checks)
        + table
        + findings_block(findings)
        + "</section>"
    )


def report_page(page: PageInput, footer: str) -> str:
    view = page.view
    on_question, on_area, rest = place_checks(view)
    counts = view.check_counts()
    questions_by_area: dict[int, list[tuple[int, Row]]] = {}
    for index, q in enumerate(view.questions):  # the index keys the question's crop and checks
        questions_by_area.setdefault(q["area_no"], []).append((index, q))
    findings_by_area = group_by(view.findings, "area_no")
    areas = list(view.areas)
    known = {a["area_no"] for a in areas}
    # Questions of an area without an areas row still need a place on the page.
    areas += [{"area_no": n} for n in sorted(k for k in questions_by_area if k not in known and k is not None)]
    flagged = {no for no, checks in on_area.items() if worst(checks) == "error"}
    flagged |= {view.questions[i]["area_no"] for i, checks in on_question.items() if worst(checks) == "error"}
    notice = (
        f'<p class="notice">No PDF crops on this page: {escape(page.crop_problem)}.</p>' if page.crop_problem else ""
    )
    toc = "".join(
        f'<li><a href="#area-{a["area_no"]}">{a["area_no"]}. {escape(a.get("area_name") or "")}</a></li>' for a in areas
    )
    summary = " · ".join(f"{counts[s]} {s}{'s' if s != 'info' and counts[s] != 1 else ''}" for s in SEVERITIES)
    sections = "".join(
        area_section(
            a,
            questions_by_area.get(a["area_no"], []),
            findings_by_area.get(a["area_no"], []),
            on_question,
            on_area.get(a["area_no"], []),
            page,
        )
        for a in areas
    )
    body = (
        '<nav class="top"><a href="index.html">← All reports</a></nav>\n<main>'
        f"<h1>{escape(view.label)}</h1>"
        + metadata(view, page)
        + notice
        + f'<h2>Checks</h2><p class="facts">{escape(summary)}</p>'
        + check_list(rest)
        + "<h2>Area scores</h2>"
        + area_chart(view.areas, flagged)
        + f'<h2>Areas</h2><ul class="toc">{toc}</ul>'
        + sections
        + "</main>"
    )
    return shell(f"{view.label} – Kommunkompassen review", body, footer)
