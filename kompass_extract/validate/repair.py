"""OCR'd numbers repaired by the rounding rules: when an area's numbers contradict each other, read its cells again
and keep the one combination of readings that satisfies every relation.

Why: a scanned "52" comes out as "2" or "92", a "80 %" as "807"; the rules in :mod:`kompass_extract.validate.rules`
notice it (achieved vs percent vs max, rows vs the overview total, rows vs the "Poäng" box), and a second, closer
reading of the cells (:func:`kompass_extract.read.ocr.reread.reread_cells`) usually has the right digits. Which
reading is right is then decided by the relations, not by Tesseract's confidence:

* every OCR'd number cell of a failing area is re-read; its candidates are the first reading and every re-reading
  that parses as a number (nothing the page does not print is ever a candidate);
* each combination of candidates is validated; the ones that raise no relational warning or error are kept, and the
  one that changes fewest cells (then: best supported by the readings) wins, if it is the only such one;
* no combination fits the whole area (a row no reading repairs keeps the area's sums failing): each failing row
  on its own, its cells' one best combination that satisfies the row's relations and makes no relation of the
  area worse;
* no winner (none fits, or two different ones fit equally well): nothing changes, the row stays flagged.

A changed value is recorded in ``report.provenance["ocr_repairs"]``, from which validation raises ``ocr-repaired``
(info) naming the first reading and the relation that decided; its cell's confidence is raised to the threshold, so
that the value is no longer sent to a person as unsure. When a value a digit away would satisfy the relations too
(they are rounding-aware, so they admit a range), the relations did not decide the last digit: the value is kept
unsure and ``ocr-repair-undecided`` (warning) says which other value fits.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from kompass_extract.locate.labels import parse_number
from kompass_extract.model import Area, BBox, CellBox, Check, Report
from kompass_extract.read.ocr.numbers import OCR_CONFIDENCE_THRESHOLD, normalise_ocr_number
from kompass_extract.validate.ocr_rules import OCR_REPAIRS
from kompass_extract.validate.run import area_checks, validate_report

Reader = Callable[[Sequence[tuple[int, BBox]]], list[list[tuple[str, float]]]]
"""Re-reads cells ``(page, box)`` and returns every reading (text, confidence) of each."""

RELATIONS = {
    "question-above-max": "achieved <= max",
    "question-interval-empty": "achieved vs percent of max",
    "area-total-infeasible": "question rows vs overview total and its percent",
    "box-sum-mismatch": "question rows vs 'Poäng' box",
    "box-overview-differ": "'Poäng' box vs overview total",
    "catalog-max-differs": "max vs the catalog",
    "area-max-not-100": "question maxima add up to the area max",
}
"""The relations between printed numbers (check code -> what it relates); a repair must satisfy all of them."""
MAX_COMBINATIONS = 3000
"""Most combinations of readings validated per area (a page that noisy needs a person anyway)."""


@dataclass
class _Slot:
    """One OCR'd number cell of an area: where it is, how it was read, what else it may be."""

    owner: Any
    """The Question (field "achieved"/"max"/"percent") or the Area (fields "score"/"max"/"percent"/"header_score")."""
    field: str
    cell: CellBox
    label: str
    first: float | None
    """The value as the main pass read it (None: no number was read in the cell)."""
    candidates: list[tuple[float | None, int]] = field(default_factory=list)
    """(value, readings that support it); the first reading first."""


def repair_ocr_numbers(report: Report, reread: Reader, catalog: Any | None = None) -> None:
    """Repair the OCR'd numbers of every area whose relations fail or whose cells were not read (see the module
    docstring); all cells concerned are re-read in one go. Re-validates the report."""
    failing = _failing_areas(report.checks)
    columns = _column_extents(
        [q.cells for a in report.areas for q in a.questions] + [a.total_cells for a in report.areas]
    )
    heights = [c[4] - c[2] for a in report.areas for q in a.questions for c in q.cells.values() if c[5] is not None]
    height = statistics.median(heights) if heights else None
    slots = {a.area_no: _slots(a, columns, height) for a in report.areas if _ocr_read(a)}
    doubtful = [a for a in report.areas if a.area_no in slots and (a.area_no in failing or _has_gaps(slots[a.area_no]))]
    if not doubtful:
        return
    flat = [s for a in doubtful for s in slots[a.area_no]]
    for slot, found in zip(flat, reread([(s.cell[0], s.cell[1:5]) for s in flat]), strict=True):
        support: dict[float | None, int] = {slot.first: 1}
        for text, _ in found:
            for value in _values(text, percent=slot.field == "percent"):
                support[value] = support.get(value, 0) + 1
        slot.candidates = list(support.items())
    for area in doubtful:
        _repair_area(report, area, slots[area.area_no], catalog, failing.get(area.area_no, []))
    report.checks = validate_report(report, catalog)


def _values(text: str, *, percent: bool) -> set[float]:
    """The numbers a re-reading of a cell may stand for: the number it reads as; in a percent cell, a run of digits
    over 100 is the percentage with its "%" read as one or two digits ("439" for "43%", "6826" for "68%"; the usual
    misreadings of the sign are undone by :func:`normalise_ocr_number` already), so the heads that are
    percentages are what it may stand for (the relations of the row decide among them)."""
    parsed = parse_number(normalise_ocr_number(text, percent=percent))
    if parsed is None:
        return set()
    digits = text.strip()
    if not percent or parsed[0] <= 100 or not digits.isdigit():
        return {parsed[0]}
    heads = {float(digits[:-n]) for n in range(1, SIGN_DIGITS + 1) if len(digits) > n and int(digits[:-n]) <= 100}
    return heads or {parsed[0]}


SIGN_DIGITS = 2
"""Most digits Tesseract makes of a "%" sign in a digits-only reading."""


def _failing_areas(checks: list[Check]) -> dict[int, list[Check]]:
    out: dict[int, list[Check]] = {}
    for c in checks:
        if c.code in RELATIONS and c.severity != "info" and c.area_no is not None:
            out.setdefault(c.area_no, []).append(c)
    return out


def _ocr_read(area: Area) -> bool:
    return (
        area.header_confidence is not None
        or area.total_confidence is not None
        or any(q.confidence is not None for q in area.questions)
    )


def _has_gaps(slots: list[_Slot]) -> bool:
    return any(s.first is None for s in slots)


def _slots(area: Area, columns: dict[str, dict[int, tuple[float, float]]], height: float | None) -> list[_Slot]:
    """The area's OCR'd number cells, and the cells of its columns that were left empty (located from the column's
    other cells on the same page and the row's own cells, or the top of the row's text when Tesseract read none of
    its cells; ``height`` is the report's usual cell height): a number Tesseract skipped is read there."""
    slots = []
    for q in area.questions:
        top = q.bbox[1] if q.bbox is not None and height is not None and q.confidence is None else None
        for key, cell in _with_gaps(q.cells, columns, None if top is None else (q.page, top, top + height)).items():
            slots.append(_Slot(q, key, cell, f"question {q.question_no} {key}", getattr(q, key)))
    for key, cell in _with_gaps(area.total_cells, columns, None).items():
        name = "score" if key == "achieved" else key
        slots.append(_Slot(area, name, cell, f"overview total {key}", getattr(area, name)))
    if area.header_bbox is not None and area.header_page is not None and area.header_confidence is not None:
        cell = (area.header_page, *area.header_bbox, area.header_confidence)
        slots.append(_Slot(area, "header_score", cell, "'Poäng' box", area.header_score))  # type: ignore[arg-type]
    return slots


def _column_extents(rows: list[dict[str, CellBox]]) -> dict[str, dict[int, tuple[float, float]]]:
    """column -> page -> the x extent of the column's OCR'd cells on that page (over the whole report)."""
    extents: dict[str, dict[int, tuple[float, float]]] = {}
    for cells in rows:
        for key, (page, x0, _, x1, _, conf) in cells.items():
            if conf is not None:
                lo, hi = extents.setdefault(key, {}).get(page, (x0, x1))
                extents[key][page] = (min(lo, x0), max(hi, x1))
    return extents


def _with_gaps(
    cells: dict[str, CellBox], columns: dict[str, dict[int, tuple[float, float]]], line: tuple[int, float, float] | None
) -> dict[str, CellBox]:
    """``cells`` (OCR'd ones only) plus a box for each column the row has no number in: at the column's place on
    the row's page, or on the nearest page where the column was read (a table whose whole column was missed); at
    the height of the row's cells, or of ``line`` (page, top, bottom) when it has none."""
    known = {k: c for k, c in cells.items() if c[5] is not None}
    if known:
        page, _, top, _, bottom, _ = next(iter(known.values()))
    elif line is not None:
        page, top, bottom = line
    else:
        return known
    gaps = {}
    for key, pages in columns.items():
        if key not in known:
            x0, x1 = pages[min(pages, key=lambda p: abs(p - page))]
            gaps[key] = (page, x0, top, x1, bottom, 0.0)
    return {**known, **gaps}


def _repair_area(report: Report, area: Area, slots: list[_Slot], catalog: Any | None, failed: list[Check]) -> None:
    """The area's one best combination of readings that satisfies every relation; failing that (a row no reading
    repairs keeps the area's sums failing), each failing row on its own: the one reading of its cells that satisfies
    its own relations (achieved vs percent vs max, the catalog max) and makes no relation of the area worse."""
    before = _failures(report, area, catalog)
    if _repair(report, area, slots, catalog, lambda fails: not fails, failed):
        return
    for question_no in sorted({no for _, no in before if no is not None}):
        own = [s for s in slots if getattr(s.owner, "question_no", None) == question_no]
        area_wide = {f for f in before if f[1] is None}
        fixed = [c for c in failed if c.question_no == question_no]

        def fits(fails: set[tuple[str, str | None]], q: str = question_no, wide: set = area_wide) -> bool:
            return not any(no == q for _, no in fails) and {f for f in fails if f[1] is None} <= wide

        _repair(report, area, own, catalog, fits, fixed)


def _repair(
    report: Report,
    area: Area,
    slots: list[_Slot],
    catalog: Any | None,
    fits: Callable[[set[tuple[str, str | None]]], bool],
    failed: list[Check],
) -> bool:
    """Assign the one best combination of the ``slots``' readings whose failing relations ``fits`` accepts (fewest
    empty cells, then fewest changes, then best supported) and record the changes; False when none or several fit
    equally well (nothing changes)."""
    originals = tuple(s.first for s in slots)
    fitting: list[tuple[int, int, int, tuple[float | None, ...]]] = []
    for combo in _combinations(slots):
        values = tuple(v for v, _ in combo)
        _assign(slots, values)
        if fits(_failures(report, area, catalog)):
            changes = sum(v != o for v, o in zip(values, originals, strict=True))
            fitting.append((values.count(None), changes, -sum(n for _, n in combo), values))
    _assign(slots, originals)
    if not fitting:
        return False
    fitting.sort(key=lambda f: f[:3])
    best = fitting[0]
    if any(f[:3] == best[:3] and f[3] != best[3] for f in fitting[1:]):
        return False  # two different repairs fit equally well: the page does not decide
    if best[3] == originals:
        return True
    _assign(slots, best[3])
    relation = "; ".join(dict.fromkeys(RELATIONS[c.code] for c in failed)) or "every relation of its row and area"
    repairs = report.provenance.setdefault(OCR_REPAIRS, {"cells": []})["cells"]
    for slot, value, first in zip(slots, best[3], originals, strict=True):
        if value != first:
            no = getattr(slot.owner, "question_no", None)
            near = _neighbour_that_fits(report, area, catalog, fits, slot, value)
            if near is None:
                _raise_confidence(slot)
            repairs.append(
                {"area_no": area.area_no, "question_no": no, "field": slot.label, "read": first, "value": value,
                 "relation": relation, "also_fits": near}
            )  # fmt: skip
    return True


def _neighbour_that_fits(
    report: Report,
    area: Area,
    catalog: Any | None,
    fits: Callable[[set[tuple[str, str | None]]], bool],
    slot: _Slot,
    value: float | None,
) -> float | None:
    """A value one step of the reading's last digit away (74 -> 73, 75; 2.6 -> 2.5, 2.7) that satisfies the relations
    as well as ``value`` does, or None when the relations pin the value.

    Why: the relations are rounding-aware, so they admit a small range. A re-read kept because it is the only
    reading in that range has its last digit from Tesseract alone (a percent 75 re-read as 74 passed as "decided"
    by achieved vs percent and was sent out as sure); such a value is kept but stays doubtful.
    """
    if value is None:
        return None
    decimals = len(f"{value:g}".partition(".")[2])
    step = 10.0**-decimals
    try:
        for near in (round(value - step, decimals), round(value + step, decimals)):
            setattr(slot.owner, slot.field, near)
            if near >= 0 and fits(_failures(report, area, catalog)):
                return near
        return None
    finally:
        setattr(slot.owner, slot.field, value)


def _combinations(slots: list[_Slot]) -> Iterator[list[tuple[float | None, int]]]:
    """Combinations of candidates with 0, 1, 2 ... cells changed from a base, fewest changes first, as long as a
    whole level fits in :data:`MAX_COMBINATIONS` (a repair needing more changes is not looked for). The base is
    the first reading, except that an empty cell starts from its best-supported re-reading: a table column that
    was skipped whole is then tried filled in one step, not found only after as many changes as it has rows."""
    ordered = [
        sorted(s.candidates, key=lambda c: (c[0] is None, -c[1])) if s.first is None else s.candidates for s in slots
    ]
    alternatives = [(n, cands[1:]) for n, cands in enumerate(ordered) if len(cands) > 1]
    first = [cands[0] for cands in ordered]
    budget = MAX_COMBINATIONS
    for k in range(len(alternatives) + 1):
        levels = list(itertools.combinations(alternatives, k))
        size = sum(math.prod(len(alt) for _, alt in chosen) for chosen in levels)
        if size > budget:
            return
        budget -= size
        for chosen in levels:
            for picks in itertools.product(*(alt for _, alt in chosen)):
                combo = list(first)
                for (n, _), pick in zip(chosen, picks, strict=True):
                    combo[n] = pick
                yield combo


def _assign(slots: list[_Slot], values: tuple[float | None, ...]) -> None:
    for slot, value in zip(slots, values, strict=True):
        setattr(slot.owner, slot.field, value)


def _failures(report: Report, area: Area, catalog: Any | None) -> set[tuple[str, str | None]]:
    """(code, question_no) of the relational warnings and errors the area raises with the values now assigned."""
    return {
        (c.code, c.question_no)
        for c in area_checks(report, area, catalog)
        if c.code in RELATIONS and c.severity != "info" and c.area_no == area.area_no
    }


def _raise_confidence(slot: _Slot) -> None:
    """The repaired cell is no longer unsure: the relations decided it (the row keeps its other cells' doubt)."""
    conf = max(slot.cell[5] or 0.0, OCR_CONFIDENCE_THRESHOLD)
    owner = slot.owner
    if slot.field == "header_score":
        owner.header_confidence = conf
        return
    cells = owner.cells if hasattr(owner, "cells") else owner.total_cells
    key = "achieved" if slot.field == "score" else slot.field
    cells[key] = (*slot.cell[:5], conf)
    confs = [c[5] for c in cells.values() if c[5] is not None]
    if hasattr(owner, "cells"):
        owner.confidence = min(confs)
    else:
        owner.total_confidence = min(confs)
