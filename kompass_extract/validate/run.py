"""Run the validation: enrich the report, then every registered rule, in a deterministic order."""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Iterable
from typing import Any

from kompass_extract.match.catalog import load_catalog
from kompass_extract.model import Area, Check, Report
from kompass_extract.validate.enrich import AreaFacts, Context, ReportFacts, set_authoritative
from kompass_extract.validate.registry import SEVERITIES, run_rules

RULE_MODULES = (
    "report_rules",
    "question_rules",
    "area_rules",
    "ocr_rules",
    "lists",
    "item_words",
    "sections",
    "box_rules",
    "text_rules",
)
"""The modules of this package that register rules on import. Their order is the order of the rules within a
scope (and so of the checks); a new module of rules is added here."""
for _module in RULE_MODULES:
    importlib.import_module(f"kompass_extract.validate.{_module}")


def validate_report(report: Report, catalog: Any | None = None) -> list[Check]:
    """Check a report; set ``score_low``/``score_high`` of every question and ``authoritative`` of every area.

    ``catalog`` is a :class:`kompass_extract.match.catalog.Catalog`; when None the packaged catalog is used.
    Returns new check objects in a deterministic order: report-level checks, then per area (by number) its
    question rows in printed order, its numbering, its totals and the OCR review, then report-level totals.
    """
    if catalog is None:
        catalog = load_catalog()
    facts = ReportFacts(report, Context.of(report, catalog))
    checks = run_rules("report", facts)
    for area in sorted(report.areas, key=lambda a: a.area_no):
        checks += _area_checks(AreaFacts.of(area, facts.ctx))
    return checks + run_rules("report-end", facts)


def area_checks(report: Report, area: Area, catalog: Any | None = None) -> list[Check]:
    """The checks of one area of ``report``, judged in the whole report's context (printing precision of all its
    rows, its edition's facts): what the OCR repair weighs each candidate reading against, without running the
    rules of the other areas and of the report each time."""
    if catalog is None:
        catalog = load_catalog()
    return _area_checks(AreaFacts.of(area, Context.of(report, catalog)))


def _area_checks(facts: AreaFacts) -> list[Check]:
    checks = [c for row in facts.rows for c in run_rules("question", row)]
    checks += run_rules("numbering", facts)
    facts.settle(checks)
    checks += run_rules("area", facts)
    set_authoritative(facts)
    facts.checks = list(checks)
    return checks + run_rules("area-review", facts)


def severity_counts(checks: Iterable[Check]) -> dict[str, int]:
    """Number of checks per severity, every severity present (for summaries and ``--strict``)."""
    counts = Counter(c.severity for c in checks)
    return {s: counts.get(s, 0) for s in SEVERITIES}
