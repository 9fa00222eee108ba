"""The HTML page of one report: metadata, area chart, and per area every value beside its crop.

Each area shows its overview total and 'Poäng' box, its question rows, its findings and its narrative
headings, each with a crop of the PDF, a page link, its OCR confidence, its checks (a check is shown with the
value it concerns: a question row, else the area's totals, else the report), whether a person corrected it,
and for a flagged value the corrections.csv line to fill in.
"""

from __future__ import annotations

from html import escape

from kompass_extract.review.cells import (
    PageInput,
    check_list,
    confidence,
    corrected,
    crop,
    fix_lines,
    flagged,
    page_link,
    worst,
)
from kompass_extract.review.data import SEVERITIES, ReportView, Row, group_by
from kompass_extract.review.format import fmt_num
from kompass_extract.review.svg import area_chart
from kompass_extract.review.values import box_id, finding_id, heading_id, question_id, total_id


def shell(title: str, body: str, footer: str, script: str = "") -> str:
    """A complete page around ``body`` using the site's stylesheet (no external resources; ``script`` inline)."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        '<link rel="stylesheet" href="review.css">\n</head>\n<body>\n'
        f"{body}\n<footer>{footer}</footer>\n"
        + (f"<script>{script}</script>\n" if script else "")
        + "</body>\n</html>\n"
    )


def place_checks(view: ReportView) -> tuple[dict[str, list[Row]], dict[int, list[Row]], list[Row]]:
    """Checks by question id, by area number, and the rest (report level)."""
    ids = {(q["area_no"], q["question_no"]): question_id(q) for q in view.questions}
    by_qno = {q["question_no"]: question_id(q) for q in reversed(view.questions)}
    area_nos = {a["area_no"] for a in view.areas} | {q["area_no"] for q in view.questions}
    on_question: dict[str, list[Row]] = {}
    on_area: dict[int, list[Row]] = {}
    rest: list[Row] = []
    for check in view.checks:
        qno, area_no = check.get("question_no"), check.get("area_no")
        qid = ids.get((area_no, qno)) if area_no is not None else by_qno.get(qno)
        if qno is not None and qid is not None:
            on_question.setdefault(qid, []).append(check)
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


def question_row(q: Row, checks: list[Row], page: PageInput) -> str:
    qid = question_id(q)
    severity = worst(checks)
    css = "question" + (f" has-{severity}" if severity else "")
    key = (q.get("area_no"), q.get("question_no"), None)
    text = escape(q.get("question_text") or "")
    catalog_text = q.get("catalog_text")
    if catalog_text and catalog_text != q.get("question_text"):
        text += f'<div class="catalog-text">Catalog: {escape(catalog_text)}</div>'
    text += confidence(q.get("confidence"))
    text += corrected(page, "questions", key, ("achieved", "max", "percent", "question_text"))
    text += check_list(checks, "checks row-checks")
    if flagged(checks, q.get("confidence")):
        text += fix_lines(page, "questions", key, {f: q.get(f) for f in ("achieved", "max", "percent")})
    alt = f"Question {q.get('question_no')} as printed on page {fmt_num(q.get('page'))}"
    percent = fmt_num(q.get("percent"))
    cells = [
        f'<td class="qno">{escape(q.get("question_no") or "")}</td>',
        f"<td>{text}</td>",
        f'<td class="num">{fmt_num(q.get("achieved"))}</td>',
        f'<td class="num">{fmt_num(q.get("max"))}</td>',
        f'<td class="num">{percent + "%" if percent else ""}</td>',
        f'<td class="catalog">{escape(q.get("catalog_id") or "unmatched")}</td>',
        f'<td class="num">{fmt_num(q.get("match_score") if q.get("match_score") is None else round(q["match_score"]))}</td>',
        f'<td class="num">{page_link(page, q.get("page"))}</td>',
        f'<td class="crop-cell">{crop(page, qid, alt)}</td>',
    ]
    return f'<tr class="{css}" id="{escape(qid)}">' + "".join(cells) + "</tr>"


QUESTION_HEAD = (
    "<thead><tr><th>No.</th><th>Question as printed</th><th class='num'>Achieved</th><th class='num'>Max</th>"
    "<th class='num'>Percent</th><th>Catalog id</th><th class='num'>Match</th><th class='num'>Page</th>"
    "<th>In the PDF</th></tr></thead>"
)


def totals_block(area: Row, checks: list[Row], page: PageInput) -> str:
    """The area's overview total and 'Poäng' box with their crops; the area's checks beneath them."""
    no = area["area_no"]
    key = (no, None, None)
    total = f"{fmt_num(area.get('score')) or '–'} / {fmt_num(area.get('max')) or '–'}" + (
        f" ({fmt_num(area.get('percent'))}%)" if area.get("percent") is not None else ""
    )
    rows = [
        (total_id(no), "Overview total", total, "total", ("score", "max", "percent")),
        (box_id(no), "‘Poäng’ box", fmt_num(area.get("header_score")) or "–", "header", ("header_score",)),
    ]
    cells = []
    for vid, label, shown, prefix, fields in rows:
        note = confidence(area.get(f"{prefix}_confidence")) + corrected(page, "areas", key, fields)
        alt = f"{label} of area {no} as printed on page {fmt_num(area.get(f'{prefix}_page'))}"
        cells.append(
            f'<tr class="value" id="{vid}"><th>{label}</th><td class="num">{escape(shown)}</td><td>{note}</td>'
            f'<td class="num">{page_link(page, area.get(f"{prefix}_page"))}</td>'
            f'<td class="crop-cell">{crop(page, vid, alt)}</td></tr>'
        )
    fix = ""
    if flagged(checks, area.get("total_confidence"), area.get("header_confidence")):
        fix = fix_lines(page, "areas", key, {f: area.get(f) for f in ("score", "header_score")})
    return f'<table class="values totals"><tbody>{"".join(cells)}</tbody></table>' + check_list(checks) + fix


def findings_block(findings: list[Row], page: PageInput) -> str:
    columns = []
    for kind, title in (("strength", "Strengths (Styrkor)"), ("improvement", "Improvements (Förbättringsmöjligheter)")):
        items = []
        for f in (f for f in findings if f.get("kind") == kind):
            position = f"{kind}:{f.get('position')}"
            key = (f.get("area_no"), None, position)
            fix = fix_lines(page, "findings", key, {"text": f.get("text")}) if flagged([], f.get("confidence")) else ""
            items.append(
                f'<li id="{escape(finding_id(f))}">{escape(f.get("text") or "")} {page_link(page, f.get("page"))}'
                + confidence(f.get("confidence"))
                + corrected(page, "findings", key, ("text",))
                + crop(page, finding_id(f), f"{kind} {f.get('position')} as printed")
                + fix
                + "</li>"
            )
        columns.append(
            f'<div class="{kind}"><h3>{title}</h3>'
            + (f"<ol>{''.join(items)}</ol>" if items else "<p class='note'>none extracted</p>")
            + "</div>"
        )
    return '<div class="findings">' + "".join(columns) + "</div>"


def headings_block(sections: list[Row], page: PageInput) -> str:
    if not sections:
        return ""
    rows = "".join(
        f'<tr id="{escape(heading_id(s))}"><td>{escape(s.get("heading") or "")}</td>'
        f'<td class="num">{page_link(page, s.get("page"))}</td>'
        f'<td class="crop-cell">{crop(page, heading_id(s), "heading as printed")}</td></tr>'
        for s in sections
    )
    return f'<h3>Narrative headings</h3><table class="values headings"><tbody>{rows}</tbody></table>'


def area_section(
    area: Row, questions: list[Row], on_question: dict[str, list[Row]], area_checks: list[Row], page: PageInput
) -> str:
    no = area["area_no"]
    name = area.get("area_name") or area.get("area_name_canonical") or ""
    facts = []
    if area.get("authoritative"):
        facts.append(f"score taken from: {area['authoritative']}")
    if area.get("area_name_canonical") and area.get("area_name_canonical") != name:
        facts.append(f"catalog name: {area['area_name_canonical']}")
    severity = worst(area_checks)
    rows = "".join(question_row(q, on_question.get(question_id(q), []), page) for q in questions)
    table = (
        f'<table class="questions">{QUESTION_HEAD}<tbody>{rows}</tbody></table>'
        if rows
        else '<p class="note">No questions extracted for this area.</p>'
    )
    view = page.view
    return (
        f'<section class="area{f" has-{severity}" if severity else ""}" id="area-{no}">'
        f"<h2>{no}. {escape(name)}</h2>"
        + (f'<p class="facts">{escape(" · ".join(facts))}</p>' if facts else "")
        + totals_block(area, area_checks, page)
        + table
        + findings_block([f for f in view.findings if f.get("area_no") == no], page)
        + headings_block([s for s in view.sections if s.get("area_no") == no], page)
        + "</section>"
    )


def report_page(page: PageInput, footer: str) -> str:
    view = page.view
    on_question, on_area, rest = place_checks(view)
    counts = view.check_counts()
    questions_by_area = group_by(view.questions, "area_no")
    areas = list(view.areas)
    known = {a["area_no"] for a in areas}
    # Questions of an area without an areas row still need a place on the page.
    areas += [{"area_no": n} for n in sorted(k for k in questions_by_area if k not in known and k is not None)]
    flagged_areas = {no for no, checks in on_area.items() if worst(checks) == "error"}
    flagged_areas |= {q["area_no"] for q in view.questions if worst(on_question.get(question_id(q), [])) == "error"}
    notice = (
        f'<p class="notice">No PDF crops on this page: {escape(page.crop_problem)}.</p>' if page.crop_problem else ""
    )
    toc = "".join(
        f'<li><a href="#area-{a["area_no"]}">{a["area_no"]}. {escape(a.get("area_name") or "")}</a></li>' for a in areas
    )
    summary = " · ".join(f"{counts[s]} {s}{'s' if s != 'info' and counts[s] != 1 else ''}" for s in SEVERITIES)
    if view.corrections:
        summary += f" · {len(view.corrections)} value(s) corrected by a person"
    sections = "".join(
        area_section(a, questions_by_area.get(a["area_no"], []), on_question, on_area.get(a["area_no"], []), page)
        for a in areas
    )
    report_fields = {f: view.report.get(f) for f in ("municipality", "kommunkod", "year")}
    body = (
        '<nav class="top"><a href="index.html">← All reports</a></nav>\n<main>'
        f"<h1>{escape(view.label)}</h1>"
        + metadata(view, page)
        + notice
        + f'<h2>Checks</h2><p class="facts">{escape(summary)}</p>'
        + check_list(rest)
        + (fix_lines(page, "reports", (None, None, None), report_fields) if flagged(rest) else "")
        + "<h2>Area scores</h2>"
        + area_chart(view.areas, flagged_areas)
        + f'<h2>Areas</h2><ul class="toc">{toc}</ul>'
        + sections
        + "</main>"
    )
    return shell(f"{view.label} – Kommunkompassen review", body, footer)
