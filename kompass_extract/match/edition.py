"""Which edition of the criteria a report was evaluated with, from the evidence it prints.

Each kind of evidence adds points to the editions it supports; the edition with the most points is
taken only when it clearly leads and some of its support comes from the report's content (area
names or question texts). Year and cue words alone never decide, because reports written near a
revision may use either edition and cue words are shared across template families. The weights
are here; everything edition-specific (names, years, cue words) is in the catalog data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from kompass_extract.match.catalog import AREA_NAME_THRESHOLD, Catalog, load_catalog
from kompass_extract.match.text import normalise

AREA_NAME_WEIGHT = 4.0
"""Points of one printed area name, shared by the editions whose name for that number it matches."""
QUESTION_WEIGHT = 6.0
"""Points for an edition all of whose catalogued questions match (minus as many when none does)."""
QUESTIONS_FOR_FULL_WEIGHT = 8
"""A handful of questions is weaker evidence than a whole overview."""
YEAR_IN_RANGE = 1.5
YEAR_NEAR_RANGE = 0.5
"""Points when the year is within one year of the edition's period (reports near a revision)."""
YEAR_BEFORE_EDITION = -6.0
"""An edition cannot be used two or more years before it existed."""
YEAR_AFTER_EDITION = -1.0
MIN_PROBABILITY = 0.8
"""Lowest share of the evidence (softmax over editions) for the best edition to be reported."""


@dataclass
class EditionGuess:
    """The detected edition (None when unknown), a confidence 0-1 and the evidence in words."""

    edition: str | None
    confidence: float
    evidence: list[str] = field(default_factory=list)


def _area_points(
    catalog: Catalog, area_names: dict[int, str], points: dict[str, float], evidence: list[str]
) -> set[str]:
    supported: set[str] = set()
    for area_no, name in sorted(area_names.items()):
        if not name:
            continue
        matching = sorted(e for e, s in catalog.area_name_scores(area_no, name).items() if s >= AREA_NAME_THRESHOLD)
        if not matching:
            evidence.append(f"area {area_no} '{name}' matches no known area name")
            continue
        for e in matching:
            points[e] += AREA_NAME_WEIGHT / len(matching)
        supported.update(matching)
        evidence.append(f"area {area_no} '{name}' is a name of {', '.join(matching)}")
    return supported


def _question_points(
    catalog: Catalog, question_texts: dict[str, str], points: dict[str, float], evidence: list[str]
) -> set[str]:
    supported: set[str] = set()
    questions = [(no, text) for no, text in question_texts.items() if text and no.split(".")[0].isdigit()]
    if not questions:
        return supported
    strength = min(1.0, len(questions) / QUESTIONS_FOR_FULL_WEIGHT)
    for edition in points:
        if not catalog.has_questions(edition):
            continue
        matched = sum(
            catalog.match_question(edition, int(no.split(".")[0]), no, text) is not None for no, text in questions
        )
        share = matched / len(questions)
        points[edition] += QUESTION_WEIGHT * strength * (2 * share - 1)
        if share > 0.5:
            supported.add(edition)
        evidence.append(f"{matched} of {len(questions)} questions match the {edition} catalog")
    return supported


def _year_points(catalog: Catalog, year: int | None, points: dict[str, float], evidence: list[str]) -> None:
    if year is None:
        return
    for edition, (first, last) in catalog.editions.items():
        if (first is None or year >= first) and (last is None or year <= last):
            delta = YEAR_IN_RANGE
        elif (first is not None and first - year == 1) or (last is not None and year - last == 1):
            delta = YEAR_NEAR_RANGE
        elif first is not None and year < first:
            delta = YEAR_BEFORE_EDITION
        else:
            delta = YEAR_AFTER_EDITION
        points[edition] += delta
    evidence.append(f"year {year}")


def _label_points(catalog: Catalog, labels: set[str], points: dict[str, float], evidence: list[str]) -> None:
    seen = {normalise(label) for label in labels}
    for label, edition, weight in catalog.edition_cues:
        if normalise(label) in seen and edition in points:
            points[edition] += weight
            evidence.append(f"label '{label}' points to {edition}")


def detect_edition(
    area_names: dict[int, str],
    question_texts: dict[str, str],
    year: int | None,
    labels: set[str],
    catalog: Catalog | None = None,
) -> EditionGuess:
    """Guess the edition of the criteria from printed area names, question texts, year and cue labels.

    ``question_texts`` maps printed question numbers ("1.1") to texts; ``labels`` are cue words seen
    in the report (see :func:`labels_in_text`). Returns edition None with confidence 0 when the
    evidence does not single out one edition; ``evidence`` says why in either case.
    """
    catalog = catalog or load_catalog()
    points = dict.fromkeys(catalog.editions, 0.0)
    evidence: list[str] = []
    supported = _area_points(catalog, area_names, points, evidence)
    supported |= _question_points(catalog, question_texts, points, evidence)
    _year_points(catalog, year, points, evidence)
    _label_points(catalog, labels, points, evidence)

    top = max(points.values())
    weights = {e: math.exp(p - top) for e, p in points.items()}
    probability = {e: w / sum(weights.values()) for e, w in weights.items()}
    best = max(probability, key=lambda e: probability[e])
    summary = ", ".join(f"{e} {points[e]:.1f}" for e in sorted(points, key=lambda e: -points[e]))
    evidence.append(f"points: {summary}")
    if best not in supported:
        evidence.append(f"no area name or question supports {best}: edition unknown")
        return EditionGuess(None, 0.0, evidence)
    if probability[best] < MIN_PROBABILITY:
        evidence.append(f"{best} leads with only {probability[best]:.2f} of the evidence: edition unknown")
        return EditionGuess(None, 0.0, evidence)
    return EditionGuess(best, round(probability[best], 3), evidence)


def labels_in_text(text: str, catalog: Catalog | None = None) -> set[str]:
    """The catalog's edition cue labels that occur in ``text`` (case, diacritics and spacing ignored)."""
    catalog = catalog or load_catalog()
    haystack = f" {normalise(text)} "
    return {label for label, _, _ in catalog.edition_cues if f" {normalise(label)} " in haystack}
