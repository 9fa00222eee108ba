"""A truth document (the Luleå fixture's or a generated one) as a :class:`Report`, for tests that need a
report with known numbers without extracting a PDF."""

from __future__ import annotations

from typing import Any

from kompass_extract.model import Area, Finding, Question, Report, Section
from kompass_testing.compare import located_slot


def report_from_truth(truth: dict[str, Any], *, catalogued: bool = False, page: int = 1) -> Report:
    """Every printed value of ``truth`` in the model; catalog ids ``<edition>:<no>`` when ``catalogued``."""
    edition = truth["edition"]
    report = Report(
        source_file="report.pdf",
        sha256="0" * 64,
        pages=page,
        report_id=f"{truth.get('kommunkod') or 'x'}-{truth.get('year') or 0}",
        municipality=truth.get("municipality"),
        kommun=truth.get("kommun"),
        kommunkod=truth.get("kommunkod"),
        year=truth.get("year"),
        month=truth.get("month"),
        edition=edition,
        evaluators=list(truth.get("evaluators", [])),
    )
    for a in truth["areas"]:
        total = a["overview_total"]
        area = Area(
            a["no"],
            name=a["title"],
            overview_title=a.get("overview_title"),
            header_score=a["header_score"],
            score=total["achieved"],
            max=total["max"],
            percent=total["percent"],
            rubriker=list(a.get("rubriker", [])),
            sections=[Section(n["heading"], list(n["paragraphs"]), page) for n in a.get("narrative", [])],
        )
        for q in a["questions"]:
            cid = f"{edition}:{q['id']}" if catalogued else None
            text = q["text"] if catalogued else None
            area.questions.append(
                Question(a["no"], q["id"], q["text"], q["achieved"], q["max"], q["percent"], page,
                         catalog_id=cid, catalog_text=text, match_score=100.0 if catalogued else None)
            )  # fmt: skip
        for kind, key in (("strength", "strengths"), ("improvement", "improvements")):
            area.findings += [Finding(kind, i, text, page) for i, text in enumerate(a.get(key, []), 1)]
        report.areas.append(area)
    for key, drawn in truth.get("located", {}).items():  # where a generated truth's values were drawn
        slot = located_slot(report, key)
        if slot is not None:
            target, page_attr, bbox_attr = slot
            setattr(target, page_attr, drawn["page"])
            setattr(target, bbox_attr, tuple(drawn["bbox"]))
    return report
