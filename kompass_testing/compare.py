"""Compare an extracted report with a truth document, field by field.

Both sides are flattened to ``{field path: value}`` with the same paths (``areas[3].questions[2].percent``),
so a mismatch names exactly the field that differs and :func:`summary` can count the share of fields
that came out exact. Texts are compared after collapsing runs of whitespace (a PDF does not keep
double spaces or line ends); numbers are compared as numbers (12 == 12.0); nothing else is forgiven.
Every narrative paragraph is a field. A generated truth also says where each value was drawn
(``located``: page and box, see :mod:`kompass_testing.located`): the extracted page must be the same and
each edge of the extracted box within :data:`BBOX_TOLERANCE` of the drawn one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kompass_extract.model import Area, Report

QUESTION_FIELDS = ("id", "text", "achieved", "max", "percent")
BBOX_TOLERANCE = 5.0
"""Points an extracted box edge may differ from the drawn glyph box (font side bearings, pdfium's character
boxes: at most 3.6 pt over the committed variants); less than half a table row, so a box of the wrong row, item
or heading is caught."""


@dataclass(frozen=True)
class Mismatch:
    """One field whose extracted value differs from the truth (None: missing on that side)."""

    path: str
    expected: Any
    got: Any

    def __str__(self) -> str:
        return f"{self.path}: expected {self.expected!r}, got {self.got!r}"


def compare(report: Report, truth: dict[str, Any]) -> list[Mismatch]:
    """Every field of ``truth`` (and every extra extracted item) that the report does not reproduce, then every
    located value whose page or box differs."""
    expected, got = flatten_truth(truth), flatten_report(report)
    values = [
        Mismatch(path, expected.get(path), got.get(path))
        for path in [*expected, *(p for p in got if p not in expected)]
        if not _equal(expected.get(path), got.get(path))
    ]
    return values + location_mismatches(report, truth.get("located", {}))


KNOWN_AMBIGUOUS: dict[str, frozenset[str]] = {
    "rapport2003-half-points": frozenset({"areas[4].sections[3].paragraphs[1]", "areas[4].sections[3].paragraphs[2]"}),
    "chromium-disc-mixedcol": frozenset(  # at the head of a column: pages 13 and 18
        {
            "areas[5].sections[3].paragraphs[0]",
            "areas[5].sections[3].paragraphs[1]",
            "areas[8].sections[3].paragraphs[0]",
            "areas[8].sections[3].paragraphs[1]",
        }
    ),
    "chromium-dash-table": frozenset(
        {
            "areas[1].sections[5].paragraphs[0]",
            "areas[1].sections[5].paragraphs[1]",
            "areas[1].sections[5].paragraphs[2]",
        }
    ),
}
"""Fields of committed variants the text layer cannot settle: a paragraph that goes on over a page (column) break
right after a line that ends a sentence reads exactly like two paragraphs (a "the line was full" rule splits the Luleå
golden instead)."""


def unexplained(mismatches: list[Mismatch], variant: str) -> list[Mismatch]:
    """``mismatches`` less the known ambiguities of ``variant``; a known ambiguity that no longer occurs is
    itself returned (path ``known:<field>``), so the list is kept true."""
    known = KNOWN_AMBIGUOUS.get(variant, frozenset())
    gone = known - {m.path for m in mismatches}
    return [m for m in mismatches if m.path not in known] + [
        Mismatch(f"known:{p}", "ambiguous", "exact") for p in sorted(gone)
    ]


def location_mismatches(report: Report, located: dict[str, dict[str, Any]]) -> list[Mismatch]:
    """The located values (``areas[3].questions[1]``: page, bbox) the report puts on another page or box."""
    found = []
    for key, drawn in located.items():
        page, bbox = extracted_location(report, key)
        if page != drawn["page"]:
            found.append(Mismatch(f"{key}.page", drawn["page"], page))
        elif bbox is None or any(abs(a - b) > BBOX_TOLERANCE for a, b in zip(drawn["bbox"], bbox, strict=True)):
            found.append(Mismatch(f"{key}.bbox", drawn["bbox"], None if bbox is None else [round(v, 2) for v in bbox]))
    return found


_KEY = re.compile(r"^areas\[(\d+)\]\.(\w+)(?:\[(\d+)\])?(?:\.heading)?$")


def extracted_location(report: Report, key: str) -> tuple[int | None, tuple[float, ...] | None]:
    """(page, bbox) the report gives the value of a located key; (None, None) when it has no such value."""
    slot = located_slot(report, key)
    if slot is None:
        return None, None
    target, page, bbox = slot
    return getattr(target, page), getattr(target, bbox)


def located_slot(report: Report, key: str) -> tuple[Any, str, str] | None:
    """(model object, its page attribute, its bbox attribute) of a located key (``areas[3].strengths[0]``)."""
    m = _KEY.match(key)
    area = report.area(int(m.group(1))) if m else None
    if m is None or area is None:
        return None
    what, i = m.group(2), int(m.group(3) or 0)
    singles = {
        "heading": ("page", "bbox"),
        "header_score": ("header_page", "header_bbox"),
        "overview_total": ("total_page", "total_bbox"),
    }
    if what in singles:
        return area, *singles[what]
    lists = {
        "narrative": area.sections,
        "strengths": area.strengths,
        "improvements": area.improvements,
        "questions": area.questions,
    }
    items = lists.get(what, [])
    return (items[i], "page", "bbox") if i < len(items) else None


def summary(mismatches: list[Mismatch], truth: dict[str, Any]) -> tuple[int, int]:
    """(fields exact, fields in the truth): the "share of fields exact" figure."""
    fields = [*flatten_truth(truth), *(f"{k}.{w}" for k in truth.get("located", {}) for w in ("page", "bbox"))]
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
            paragraphs=[n["paragraphs"] for n in area["narrative"]],
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
        "paragraphs": [s.paragraphs for s in area.sections],
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
    for i, paragraphs in enumerate(values["paragraphs"]):
        for j, text in enumerate(paragraphs):
            flat[f"{prefix}.sections[{i}].paragraphs[{j}]"] = text
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
