"""Flatten a :class:`~kompass_extract.model.Report` into rows of the tables in :mod:`schema`."""

from __future__ import annotations

import re
from typing import Any

from kompass_extract.common.text import fold_diacritics
from kompass_extract.model import BBox, Report
from kompass_extract.write.schema import TABLES


def slug(text: str) -> str:
    """ASCII, lower case, words joined by '-': 'Luleå kommun' -> 'lulea-kommun', '1.1' -> '1-1'.
    Safe as a file name and readable in an id."""
    return re.sub(r"[^a-z0-9]+", "-", fold_diacritics(text).lower()).strip("-")


def base_report_id(report: Report) -> str:
    """'<kommunkod>-<year>'; a slug of the printed municipality (or 'unknown') stands in for a missing code.
    The batch adds '-2', '-3' when several reports share one."""
    place = report.kommunkod or slug(report.municipality or report.kommun or "") or "unknown"
    return f"{place}-{report.year or 'unknown'}"


def format_bbox(bbox: BBox | None) -> str | None:
    """A bbox as the 'x0,top,x1,bottom' string of the tables (one decimal is sub-millimetre)."""
    if bbox is None:
        return None
    return ",".join(f"{v:.1f}" for v in bbox)


def report_rows(report: Report) -> dict[str, list[dict[str, Any]]]:
    """Rows of every per-report table for one report, in a stable order."""
    rid = report.report_id
    rows: dict[str, list[dict[str, Any]]] = {
        name: [] for name in ("reports", "areas", "questions", "findings", "sections", "checks")
    }
    rows["reports"].append(
        {
            "report_id": rid,
            "source_file": report.source_file,
            "sha256": report.sha256,
            "municipality": report.municipality,
            "kommun": report.kommun,
            "kommunkod": report.kommunkod,
            "year": report.year,
            "month": report.month,
            "edition": report.edition,
            "edition_confidence": report.edition_confidence,
            "template": report.template,
            "evaluators": "; ".join(report.evaluators) or None,
            "pages": report.pages,
            "ocr": report.ocr,
            "total_score": report.total_score,
            "total_max": report.total_max,
            "extractor_version": report.extractor_version,
        }
    )
    for area in sorted(report.areas, key=lambda a: a.area_no):
        rows["areas"].append(
            {
                "report_id": rid,
                "area_no": area.area_no,
                "area_name": area.name or area.overview_title,
                "area_name_canonical": area.name_canonical,
                "score": area.score,
                "max": area.max,
                "percent": area.percent,
                "header_score": area.header_score,
                "authoritative": area.authoritative.get("field"),
                "rubriker": "; ".join(area.rubriker) or None,
                "page": area.page,
                "total_page": area.total_page,
                "header_page": area.header_page,
            }
        )
        for q in area.questions:
            rows["questions"].append(
                {
                    "report_id": rid,
                    "area_no": area.area_no,
                    "question_no": q.question_no,
                    "question_text": q.text,
                    "catalog_id": q.catalog_id,
                    "catalog_text": q.catalog_text,
                    "match_score": q.match_score,
                    "achieved": q.achieved,
                    "max": q.max,
                    "percent": q.percent,
                    "score_low": q.score_low,
                    "score_high": q.score_high,
                    "confidence": q.confidence,
                    "page": q.page,
                    "bbox": format_bbox(q.bbox),
                }
            )
        for kind in ("strength", "improvement"):
            for f in (f for f in area.findings if f.kind == kind):
                rows["findings"].append(
                    {
                        "report_id": rid,
                        "area_no": area.area_no,
                        "kind": f.kind,
                        "position": f.position,
                        "text": f.text,
                        "page": f.page,
                        "bbox": format_bbox(f.bbox),
                    }
                )
        for pos, s in enumerate(area.sections, 1):
            rows["sections"].append(
                {
                    "report_id": rid,
                    "area_no": area.area_no,
                    "position": pos,
                    "heading": s.heading,
                    "text": s.text,
                    "page": s.page,
                }
            )
    for c in report.checks:
        rows["checks"].append(
            {
                "report_id": rid,
                "severity": c.severity,
                "code": c.code,
                "area_no": c.area_no,
                "question_no": c.question_no,
                "message": c.message,
            }
        )
    for name, table_rows in rows.items():
        names = TABLES[name].field_names
        rows[name] = [{k: r.get(k) for k in names} for r in table_rows]
    return rows
