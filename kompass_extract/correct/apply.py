"""Apply corrections to extracted reports and check the corrected reports again.

A correction replaces one value and records the original (:class:`~kompass_extract.model.Correction`); a report
that already carries corrections (a report JSON of an earlier run) has them undone first, so the file is always
applied to the extraction itself. The rules then run on the corrected report, so its checks describe what is
published. A correction whose key the report does not have becomes a ``correction-unmatched`` check on that
report, and one that names no report is returned to the caller to publish as a failure: never dropped silently.
Two rows that set one value of one report (one naming it by report_id, the other by sha256, or a question with
and without its area_no) are a ``correction-conflict``: neither is applied, for the later would win unseen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from kompass_extract.correct.file import FINDING_POSITION, CorrectionRow
from kompass_extract.match.catalog import Catalog, load_catalog, match_catalog
from kompass_extract.model import Check, Report
from kompass_extract.validate import hit, make_check, validate_report
from kompass_extract.write.tables import value_text

ATTRIBUTES = {"area_name": "name", "question_text": "text"}
"""Output columns whose model attribute has another name."""
REMATCH = {("questions", "question_text"), ("areas", "area_name"), ("reports", "edition")}
"""Corrections that change what the catalog matches (criteria, canonical area names)."""
_UNMATCHED = "corrections line {line} ({field} = {shown}) was not applied: {reason}"
_CONFLICT = "corrections lines {rows} all set {what}; none was applied: keep one row per value"
CORRECTION_CODES = frozenset({"correction-unmatched", "correction-conflict"})
"""Checks raised when the corrections are applied (not by the rules): a re-validation keeps them."""
VERIFIES = {
    ("questions", "achieved"): "confidence",
    ("questions", "max"): "confidence",
    ("questions", "percent"): "confidence",
    ("areas", "score"): "total_confidence",
    ("areas", "max"): "total_confidence",
    ("areas", "percent"): "total_confidence",
    ("areas", "header_score"): "header_confidence",
    ("findings", "text"): "confidence",
}
"""The OCR confidence a person's correction makes moot: a corrected (or confirmed, same value) number is no
longer a doubtful reading, so its ``ocr-low-confidence`` check goes. The confidence is cleared as a correction of
its own, so the corrections table shows it and an undo restores it."""


@dataclass(frozen=True)
class UnmatchedCorrection:
    """A correction that names no report of the run."""

    row: CorrectionRow
    reason: str


def _describe(table: str, area_no: int | None, question_no: str | None, position: str | None) -> str:
    parts = [table] + [
        f"{k} {v}" for k, v in (("area", area_no), ("question", question_no), ("finding", position)) if v
    ]
    return " ".join(str(p) for p in parts)


def _locate(
    report: Report, table: str, area_no: int | None, question_no: str | None, position: str | None
) -> tuple[Any, int | None] | str:
    """The object holding the value (the report, an area, question or finding) and its area, or why there is none."""
    if table == "reports":
        return report, None
    areas = [a for a in report.areas if area_no is None or a.area_no == area_no]
    if table == "areas":
        found: list[tuple[Any, int]] = [(a, a.area_no) for a in areas]
    elif table == "questions":
        found = [(q, a.area_no) for a in areas for q in a.questions if q.question_no == question_no]
    else:
        match = FINDING_POSITION.match(position or "")
        kind, number = (match.group(1), int(match.group(2))) if match else ("", 0)
        found = [(f, a.area_no) for a in areas for f in a.findings if f.kind == kind and f.position == number]
    if len(found) == 1:
        return found[0]
    what = _describe(table, area_no, question_no, position)
    return f"{what} is not in the report" if not found else f"{what} occurs {len(found)} times; give area_no"


def undo_corrections(report: Report) -> None:
    """Put back the extracted values of every correction the report carries."""
    for c in reversed(report.corrections):
        found = _locate(report, c.table, c.area_no, c.question_no, c.position)
        if not isinstance(found, str):
            setattr(found[0], ATTRIBUTES.get(c.field, c.field), c.original)
    report.corrections = []


def correct_report(report: Report, rows: Sequence[CorrectionRow], catalog: Catalog | None = None) -> None:
    """Apply ``rows`` (all meant for this report) and replace its checks by those of the corrected report.

    A corrected (or uncorrected) question text, area name or edition matches the report with ``catalog`` (the
    packaged one when None) again, so catalog ids and the rules that use them follow the corrected text.
    """
    if not rows and not report.corrections and not any(c.code in CORRECTION_CODES for c in report.checks):
        return  # nothing to apply, nothing to take back: the report's checks stand
    catalog = catalog or load_catalog()
    rematch = {(c.table, c.field) for c in report.corrections} | {(r.fix.table, r.fix.field) for r in rows}
    undo_corrections(report)
    not_applied: list[Check] = []
    by_value: dict[tuple[int, str], list[tuple[CorrectionRow, Any, int | None]]] = {}
    for row in rows:
        fix = row.fix
        found = _locate(report, fix.table, fix.area_no, fix.question_no, fix.position)
        if isinstance(found, str):
            shown = "empty" if fix.value is None else value_text(fix.value)
            details = {"line": fix.line, "field": fix.field, "value": fix.value, "reason": found}
            missed = hit(area=fix.area_no, question=fix.question_no, **details, text={"shown": shown})
            not_applied.append(make_check("correction-unmatched", missed, _UNMATCHED))
            continue
        by_value.setdefault((id(found[0]), fix.field), []).append((row, *found))
    for same in by_value.values():
        if len(same) > 1:
            not_applied.append(_conflict([row for row, _, _ in same], same[0][2]))
            continue
        ((row, target, area_no),) = same
        fix = row.fix
        attribute = ATTRIBUTES.get(fix.field, fix.field)
        report.corrections.append(replace(fix, original=getattr(target, attribute), area_no=area_no))
        setattr(target, attribute, fix.value)
        confidence = VERIFIES.get((fix.table, fix.field))
        if confidence and getattr(target, confidence) is not None:
            report.corrections.append(
                replace(fix, field=confidence, original=getattr(target, confidence), value=None, area_no=area_no)
            )
            setattr(target, confidence, None)
    if rematch & REMATCH:
        match_catalog(report, catalog)
    report.checks = validate_report(report, catalog) + not_applied


def _conflict(rows: list[CorrectionRow], area_no: int | None) -> Check:
    """The check for rows that set one value: each row's line, how it names the report, and its value."""
    fix = rows[0].fix
    what = f"{_describe(fix.table, area_no, fix.question_no, fix.position)} {fix.field}"
    shown = [
        f"{r.fix.line} (by {' and '.join(k for k in ('report_id', 'sha256') if getattr(r, k))}: "
        f"{'empty' if r.fix.value is None else value_text(r.fix.value)})"
        for r in rows
    ]
    details = {"lines": [r.fix.line for r in rows], "field": fix.field, "values": [r.fix.value for r in rows]}
    found = hit(area=area_no, question=fix.question_no, **details, text={"rows": " and ".join(shown), "what": what})
    return make_check("correction-conflict", found, _CONFLICT)


def route_corrections(
    reports: Sequence[tuple[str | None, str | None]], rows: Sequence[CorrectionRow]
) -> tuple[list[list[CorrectionRow]], list[UnmatchedCorrection]]:
    """For each report, given as (report_id, sha256), the rows that name it; and the rows that name no report.

    The batch routes by the summaries of its reports, so that only the reports a person corrected are read back."""
    routed: list[list[CorrectionRow]] = [[] for _ in reports]
    unmatched = []
    for row in rows:
        named = [
            i
            for i, (report_id, sha256) in enumerate(reports)
            if (row.report_id is None or row.report_id == report_id) and (row.sha256 is None or row.sha256 == sha256)
        ]
        for i in named:
            routed[i].append(row)
        if not named:
            key = " and ".join(f"{k} {v}" for k, v in (("report_id", row.report_id), ("sha256", row.sha256)) if v)
            unmatched.append(UnmatchedCorrection(row, f"corrections line {row.fix.line}: no report with {key}"))
    return routed, unmatched


def apply_corrections(
    reports: Sequence[Report], rows: Sequence[CorrectionRow], catalog: Catalog | None = None
) -> list[UnmatchedCorrection]:
    """Correct every report named by ``rows``; return the rows that name no report (by report_id and sha256).

    ``catalog`` is the one the reports were matched with (the packaged one when None)."""
    routed, unmatched = route_corrections([(r.report_id, r.sha256) for r in reports], rows)
    for report, named in zip(reports, routed, strict=True):
        correct_report(report, named, catalog)
    return unmatched
