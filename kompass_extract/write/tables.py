"""Flatten a :class:`~kompass_extract.model.Report` into rows of the tables in :mod:`schema`."""

from __future__ import annotations

import itertools
import json
import re
from typing import Any, Protocol

from kompass_extract.common.text import fold_diacritics
from kompass_extract.match.catalog import Catalog, load_catalog
from kompass_extract.model import BBox, Report
from kompass_extract.write.schema import TABLES


def slug(text: str) -> str:
    """ASCII, lower case, words joined by '-': 'Luleå kommun' -> 'lulea-kommun', '1.1' -> '1-1'.
    Safe as a file name and readable in an id."""
    return re.sub(r"[^a-z0-9]+", "-", fold_diacritics(text).lower()).strip("-")


class Identity(Protocol):
    """What an id is made of: a :class:`Report`, or the batch's summary of one."""

    kommunkod: str | None
    municipality: str | None
    kommun: str | None
    year: int | None


def base_report_id(report: Identity) -> str:
    """'<kommunkod>-<year>'; a slug of the printed municipality (or 'unknown') stands in for a missing code.
    The batch adds '-2', '-3' when several reports share one."""
    place = report.kommunkod or slug(report.municipality or report.kommun or "") or "unknown"
    return f"{place}-{report.year or 'unknown'}"


def format_bbox(bbox: BBox | None) -> str | None:
    """A bbox as the 'x0,top,x1,bottom' string of the tables (one decimal is sub-millimetre)."""
    if bbox is None:
        return None
    return ",".join(f"{v:.1f}" for v in bbox)


def value_text(value: Any) -> str | None:
    """A value of any column as text, numbers as printed ('79', '12.5'), for columns that hold values of many."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return None if value is None else str(value)


Row = dict[str, Any]


def report_rows(report: Report, catalog: Catalog | None = None) -> dict[str, list[Row]]:
    """Rows of every per-report table for one report, in a stable order.

    Each area carries the concept it measures in its edition and how comparable that edition's area is
    with the concept's reference edition (from the catalog's crosswalk).
    """
    catalog = catalog or load_catalog()
    rid = report.report_id
    rows: dict[str, list[dict[str, Any]]] = {
        name: [] for name in ("reports", "areas", "questions", "findings", "sections", "checks", "corrections")
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
            "catalog_hash": report.catalog_hash,
        }
    )
    for area in sorted(report.areas, key=lambda a: a.area_no):
        rows["areas"].append(
            {
                "report_id": rid,
                "area_no": area.area_no,
                "area_name": area.name or area.overview_title,
                "area_name_canonical": area.name_canonical,
                "concept": catalog.concept_of(report.edition, area.area_no),
                "comparability": catalog.reference_comparability(report.edition, area.area_no),
                "score": area.score,
                "max": area.max,
                "percent": area.percent,
                "header_score": area.header_score,
                "authoritative": area.authoritative.get("field"),
                "rubriker": "; ".join(area.rubriker) or None,
                "page": area.page,
                "total_page": area.total_page,
                "header_page": area.header_page,
                "total_bbox": format_bbox(area.total_bbox),
                "header_bbox": format_bbox(area.header_bbox),
                "total_confidence": area.total_confidence,
                "header_confidence": area.header_confidence,
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
                        "confidence": f.confidence,
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
                    "bbox": format_bbox(s.bbox),
                    "uncertain_breaks": len(s.breaks),
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
                "details": json.dumps(c.details, ensure_ascii=False, sort_keys=True),
            }
        )
    for c in report.corrections:
        rows["corrections"].append(
            {
                "report_id": rid,
                "table": c.table,
                "area_no": c.area_no,
                "question_no": c.question_no,
                "position": c.position,
                "field": c.field,
                "original": value_text(c.original),
                "value": value_text(c.value),
                "who": c.who,
                "note": c.note,
                "line": c.line,
            }
        )
    for name, table_rows in rows.items():
        names = TABLES[name].field_names
        rows[name] = [{k: r.get(k) for k in names} for r in table_rows]
    return rows


def authoritative_score(area: Row) -> float | None:
    """The score the validator took as the area's (overview total unless it chose the 'Poäng' box)."""
    first, second = (
        ("header_score", "score") if area.get("authoritative") == "header_score" else ("score", "header_score")
    )
    return area.get(first) if area.get(first) is not None else area.get(second)


def panel_rows(reports: list[Row], areas: list[Row], catalog: Catalog | None = None) -> list[Row]:
    """One row per report and concept: the areas of every edition lined up by what they measure.

    Areas without a concept (unknown edition) are left out: a panel row must be comparable by construction.
    """
    catalog = catalog or load_catalog()
    by_id = {r["report_id"]: r for r in reports}
    rows = []
    for area in areas:
        report = by_id.get(area["report_id"])
        if report is None or not area.get("concept"):
            continue
        rows.append(
            {
                "report_id": report["report_id"],
                "kommunkod": report.get("kommunkod"),
                "kommun": report.get("kommun"),
                "year": report.get("year"),
                "edition": report.get("edition"),
                "concept": area["concept"],
                "area_no": area["area_no"],
                "area_name": area.get("area_name_canonical") or area.get("area_name"),
                "score": authoritative_score(area),
                "max": area.get("max"),
                "percent": area.get("percent"),
                "comparability": area.get("comparability"),
            }
        )
    return sort_panel(rows, catalog)


def panel_order(report: Row) -> tuple:
    """Where a report's panel rows go: by municipality, year and report (see :func:`sort_panel`)."""
    return (report.get("kommunkod") or "", report.get("year") or 0, report["report_id"])


def sort_panel(rows: list[Row], catalog: Catalog) -> list[Row]:
    """Panel rows by municipality, year, report and the catalog's order of concepts (stable: ties keep their order).

    Each report's rows come from :func:`panel_rows`, already in the catalog's order; the batch puts whole reports
    in :func:`panel_order` instead of sorting every row, which gives the same order."""
    order = {c: i for i, c in enumerate(catalog.concepts)}
    return sorted(rows, key=lambda r: (*panel_order(r), order.get(r["concept"], 99)))


def changes_rows(panel: list[Row], catalog: Catalog | None = None) -> list[Row]:
    """Per municipality (kommunkod), each pair of consecutive reports and each concept both have.

    Reports without a kommunkod are left out: they cannot be told to be the same municipality.
    ``comparable`` is true only for the same edition; across editions the crosswalk's reason is given.
    """
    catalog = catalog or load_catalog()
    reports = (list(rows) for _, rows in itertools.groupby(sort_panel(panel, catalog), key=lambda r: r["report_id"]))
    changes = PanelChanges(catalog)
    return [row for report in reports for row in changes.add(report)]


class PanelChanges:
    """The changes rows of a panel given one report's panel rows at a time, in :func:`panel_order`: only the
    previous report is kept, so a batch makes them without holding the panel."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.previous: dict[str, Row] = {}

    def add(self, report: list[Row]) -> list[Row]:
        """The changes from the previous report of the same municipality to this one (none for its first)."""
        before, after = self.previous, {row["concept"]: row for row in report}
        if not after:
            return []  # no comparable area: not a report of the panel, the pairs go around it
        self.previous = after
        kommunkod = next(iter(after.values()))["kommunkod"]
        if not kommunkod or not before or next(iter(before.values()))["kommunkod"] != kommunkod:
            return []
        rows = []
        for concept in self.catalog.concepts:
            b, a = before.get(concept), after.get(concept)
            if b is None or a is None:
                continue
            comparability, reason = self.catalog.comparability(concept, b["edition"], a["edition"])
            difference = None if a["score"] is None or b["score"] is None else round(a["score"] - b["score"], 3)
            rows.append(
                {
                    "kommunkod": kommunkod,
                    "kommun": a["kommun"] or b["kommun"],
                    "concept": concept,
                    "report_id_before": b["report_id"],
                    "year_before": b["year"],
                    "edition_before": b["edition"],
                    "area_no_before": b["area_no"],
                    "score_before": b["score"],
                    "report_id_after": a["report_id"],
                    "year_after": a["year"],
                    "edition_after": a["edition"],
                    "area_no_after": a["area_no"],
                    "score_after": a["score"],
                    "difference": difference,
                    "comparability": comparability,
                    "comparable": comparability == "same",
                    "reason": reason,
                }
            )
        return rows
