"""Compare an extracted report with a truth document, field by field.

Both sides are flattened to ``{field path: value}`` with the same paths (``areas[3].questions[2].percent``),
so a mismatch names exactly the field that differs and :func:`summary` can count the share of fields
that came out exact. Texts are compared after collapsing runs of whitespace (a PDF does not keep
double spaces or line ends); numbers are compared as numbers (12 == 12.0); nothing else is forgiven.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kompass_extract.model import Area, Report

QUESTION_FIELDS = ("id", "text", "achieved", "max", "percent")


@dataclass(frozen=True)
class Mismatch:
    """One field whose extracted value differs from the truth (None: missing on that side)."""

    path: str
    expected: Any
    got: Any

    def __str__(self) -> str:
        return f"{self.path}: expected {self.expected!r}, got {self.got!r}"


def compare(report: Report, truth: dict[str, Any]) -> list[Mismatch]:
    """Every field of ``truth`` (and every extra extracted item) that the report does not reproduce."""
    expected, got = flatten_truth(truth), flatten_report(report)
    return [
        Mismatch(path, expected.get(path), got.get(path))
        for path in [*expected, *(p for p in got if p not in expected)]
        if not _equal(expected.get(path), got.get(path))
    ]


def summary(mismatches: list[Mismatch], truth: dict[str, Any]) -> tuple[int, int]:
    """(fields exact, fields in the truth): the "share of fields exact" figure."""
    fields = flatten_truth(truth)
    wrong = {m.path for m in mismatches}
    return sum(1 for path in fields if path not in wrong), len(fields)


def flatten_truth(truth: dict[str, Any]) -> dict[str, Any]:
    """The compared fields of a truth document, keyed by path."""
    flat: dict[str, Any] = {k: truth[k] for k in ("municipality", "kommunkod", "year", "month", "edition")}
    if "evaluators" in truth:  # the Luleå PDF prints none
        flat["evaluators"] = truth["evaluators"]
    for area in truth["areas"]:
        total = area["overview_total"]
        _add_area(
            flat,
            area["no"],
            title=area["title"],
            header_score=area["header_score"],
            score=total["achieved"],
            max=total["max"],
            percent=total["percent"],
            rubriker=area["rubriker"],
            headings=[n["heading"] for n in area["narrative"]],
            strengths=area["strengths"],
            improvements=area["improvements"],
            questions=[[q[f] for f in QUESTION_FIELDS] for q in area["questions"]],
        )
    return flat


def flatten_report(report: Report) -> dict[str, Any]:
    """The same fields read from an extracted :class:`Report`."""
    flat: dict[str, Any] = {
        "municipality": report.municipality,
        "kommunkod": report.kommunkod,
        "year": report.year,
        "month": report.month,
        "edition": report.edition,
    }
    if report.evaluators:
        flat["evaluators"] = report.evaluators
    for area in report.areas:
        _add_area(flat, area.area_no, **_area_values(area))
    return flat


def _area_values(area: Area) -> dict[str, Any]:
    return {
        "title": area.name,
        "header_score": area.header_score,
        "score": area.score,
        "max": area.max,
        "percent": area.percent,
        "rubriker": area.rubriker,
        "headings": [s.heading for s in area.sections],
        "strengths": [f.text for f in area.strengths],
        "improvements": [f.text for f in area.improvements],
        "questions": [[q.question_no, q.text, q.achieved, q.max, q.percent] for q in area.questions],
    }


def _add_area(flat: dict[str, Any], no: int, **values: Any) -> None:
    prefix = f"areas[{no}]"
    for key in ("title", "header_score", "score", "max", "percent"):
        flat[f"{prefix}.{key}"] = values[key]
    for key in ("rubriker", "headings", "strengths", "improvements"):
        for i, item in enumerate(values[key]):
            flat[f"{prefix}.{key}[{i}]"] = item
    for i, row in enumerate(values["questions"]):
        for name, value in zip(QUESTION_FIELDS, row, strict=True):
            flat[f"{prefix}.questions[{i}].{name}"] = value


def _equal(expected: Any, got: Any) -> bool:
    if isinstance(expected, str) and isinstance(got, str):
        return " ".join(expected.split()) == " ".join(got.split())
    numeric = (int, float)
    if isinstance(expected, numeric) and isinstance(got, numeric) and not isinstance(expected, bool):
        return abs(float(expected) - float(got)) < 1e-9
    return expected == got
