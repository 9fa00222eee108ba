"""The versioned criteria catalog: every known sub-question of every edition, area names and the crosswalk.

The catalog is data (CSV files in ``data/``, described in ``data/README.md``), so it can grow from
what was extracted (``kompass-extract catalog propose``) without code changes. Matching a printed
question to the catalog is deliberately conservative: a score threshold *and* a margin over the
runner-up, within the report's edition only, because a wrong criterion id silently corrupts a
time series while an empty one is flagged and can be reviewed.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from kompass_extract.common.editions import DEFAULT_FACTS, EditionFacts
from kompass_extract.match.catalog_files import (
    CATALOG_FILES,
    CatalogError,
    catalog_identity,
    catalog_int,
    catalog_number,
    directory_state,
    edition_facts,
    merged_rows,
)
from kompass_extract.match.text import Compared, ComparedMany, compared, similarities, similarity_of
from kompass_extract.model import Report

QUESTION_THRESHOLD = 85.0
"""Lowest similarity accepted for a question of the same area (typos and reordering stay above it)."""
QUESTION_MARGIN = 5.0
"""Required lead of the best candidate over the runner-up, unless the printed number settles it."""
STRICT_THRESHOLD = 95.0
"""Used when the text could belong to another edition or area: without a known edition (reworded
questions of another edition score 85-95 against their 2016 counterpart, typos of the same text
above 95), and for a question printed under another area number."""
COMPARABILITY = ("same", "revised", "different")
"""How comparable a concept's areas of two editions are: same criteria; revised criteria (compare with care);
different (do not compare)."""
AREA_NAME_THRESHOLD = 88.0
"""Lowest similarity for a printed area name to count as one of an edition's names or aliases."""

CRITERIA_FIELDS = CATALOG_FILES["criteria.csv"][0]


@dataclass(frozen=True)
class Criterion:
    """One sub-question of one edition of the criteria."""

    edition: str
    area_no: int
    question_no: str
    question_text: str
    max: float | None
    rubrik: str | None
    certainty: str
    source: str

    @property
    def catalog_id(self) -> str:
        return f"{self.edition}:{self.question_no}"


@dataclass(frozen=True)
class Match:
    """A printed question tied to a catalog criterion."""

    catalog_id: str
    catalog_text: str
    score: float
    max: float | None


@dataclass(frozen=True)
class _AreaName:
    edition: str
    area_no: int
    canonical: str
    variants: tuple[str, ...]
    concept: str | None = None


@dataclass(frozen=True)
class Concept:
    """What an area measures, independent of its edition's number and name (``concepts.csv``)."""

    concept: str
    order: int
    label: str
    reference_edition: str
    description: str


SAME_EDITION = ("same", "Same edition of the criteria.")
"""Comparability of two areas of one edition: the criteria are the same."""


class Pool(NamedTuple):
    """Catalog questions a printed one is matched against, and their texts' forms in the same order."""

    criteria: list[Criterion]
    forms: ComparedMany


class Catalog:
    """Criteria, area names and crosswalk of all editions, with the matching rules."""

    def __init__(
        self,
        criteria: Iterable[Criterion],
        areas: Iterable[_AreaName],
        crosswalk: list[dict],
        concepts: Iterable[Concept],
        editions: dict[str, tuple[int | None, int | None]],
        edition_cues: list[tuple[str, str, float]],
        identity: str = "",
        facts: dict[str, EditionFacts] | None = None,
    ) -> None:
        self._criteria = list(criteria)
        counts = Counter(c.catalog_id for c in self._criteria)
        duplicates = sorted(i for i, n in counts.items() if n > 1)
        if duplicates:
            raise CatalogError(f"duplicate catalog ids in criteria.csv: {', '.join(duplicates)}")
        self._areas = {(a.edition, a.area_no): a for a in areas}
        self._pools: dict[tuple[str | None, int | None, bool], Pool] = {}
        self._variants: dict[int, list[tuple[str, list[Compared]]]] = {}
        self._pairs = {(r["concept"], frozenset((r["edition_a"], r["edition_b"]))): r for r in crosswalk}
        self.concepts = {c.concept: c for c in sorted(concepts, key=lambda c: c.order)}
        """concept id -> :class:`Concept`, in the order charts and tables list them."""
        self.editions = editions
        """edition -> (first_year, last_year) in which it was in use; None when open."""
        self.edition_cues = edition_cues
        """(label, edition, weight): cue words of a report that point to an edition."""
        self.identity = identity
        """Hash of the files the catalog was read from: stored with each report, part of the batch cache key."""
        self._facts = facts or {}

    def edition_facts(self, edition: str | None) -> EditionFacts:
        """Area count, maxima, table columns and question-number pattern of an edition (the packaged editions'
        when the edition is unknown)."""
        return self._facts.get(edition or "", DEFAULT_FACTS)

    def parse_facts(self) -> EditionFacts:
        """Facts that admit a report of any edition of the catalog: what parsing may expect before the edition is
        known."""
        return EditionFacts.covering(self._facts.values())

    def criteria(self, edition: str | None = None) -> list[Criterion]:
        return [c for c in self._criteria if edition is None or c.edition == edition]

    def has_questions(self, edition: str) -> bool:
        """True when the edition's question wording is known, i.e. questions can be matched at all."""
        return bool(self._pool(edition).criteria)

    def _pool(self, edition: str | None, area_no: int | None = None, others: bool = False) -> Pool:
        """The criteria with a question text of an edition (every edition when None), of one area when given (of
        every other area with ``others``), with their texts' :func:`~kompass_extract.match.text.compared` forms:
        made once, not for every printed question of every report."""
        key = (edition, area_no, others)
        pool = self._pools.get(key)
        if pool is None:
            if area_no is None:
                chosen = [c for c in self._criteria if c.question_text and (edition is None or c.edition == edition)]
                pool = Pool(chosen, ComparedMany.of([compared(c.question_text) for c in chosen]))
            else:
                every = self._pool(edition)
                at = [n for n, c in enumerate(every.criteria) if (c.area_no == area_no) != others]
                pool = Pool(
                    [every.criteria[n] for n in at],
                    ComparedMany(*([column[n] for n in at] for column in every.forms)),
                )
            self._pools[key] = pool
        return pool

    def match_question(self, edition: str | None, area_no: int, question_no: str, text: str) -> Match | None:
        """The catalog criterion a printed question is, or None when no criterion is clearly it.

        Candidates are the edition's questions of the same area (every edition with known wording
        when ``edition`` is None, at the strict threshold); only when none qualifies, those of other
        areas at the strict threshold. The best candidate must reach the threshold and lead the
        runner-up by the margin; a near tie is broken only by the printed question number. A text
        is never matched to another edition than the one given.
        """
        threshold = QUESTION_THRESHOLD if edition else STRICT_THRESHOLD
        printed = compared(text)
        match = self._best(self._pool(edition, area_no), question_no, printed, threshold)
        if match is None:
            match = self._best(self._pool(edition, area_no, others=True), question_no, printed, STRICT_THRESHOLD)
        return match

    @staticmethod
    def _best(candidates: Pool, question_no: str, printed: Compared, threshold: float) -> Match | None:
        if not candidates.criteria or not printed[0]:
            return None
        # Below threshold - margin a score decides nothing: the best is too low, or it leads the runner-up clearly.
        # The best and the runner-up are the first two candidates of a stable sort by falling score: the first
        # with the highest score, then the first of the others with their highest (scores are never negative, so
        # the best, scored -1 in its place, is not met again). Two passes over the scores, not a sort of them all:
        # most printed questions are looked up in a pool where none reaches the threshold.
        scores = similarities(printed, candidates.forms, threshold - QUESTION_MARGIN)
        score = max(scores)
        if score < threshold:
            return None
        at = scores.index(score)
        best = candidates.criteria[at]
        runner_up: tuple[float, Criterion | None] = (0.0, None)
        if len(scores) > 1:
            scores[at] = -1.0
            second = max(scores)
            runner_up = (second, candidates.criteria[scores.index(second)])
        clear = score - runner_up[0] >= QUESTION_MARGIN
        settled_by_number = best.question_no == question_no.strip() and (
            runner_up[1] is None or runner_up[1].question_no != question_no.strip()
        )
        if not (clear or settled_by_number):
            return None
        return Match(best.catalog_id, best.question_text, round(score, 1), best.max)

    def area_names(self, edition: str) -> dict[int, str]:
        return {no: a.canonical for (e, no), a in sorted(self._areas.items()) if e == edition}

    def area_name_scores(self, area_no: int, printed: str) -> dict[str, float]:
        """Best similarity of a printed area name to each edition's name and aliases for that number."""
        variants = self._variants.get(area_no)
        if variants is None:
            variants = self._variants[area_no] = [
                (a.edition, [compared(v) for v in a.variants]) for a in self._areas.values() if a.area_no == area_no
            ]
        forms = compared(printed)
        return {edition: max(similarity_of(forms, v) for v in names) for edition, names in variants}

    def area_canonical(self, edition: str | None, area_no: int, printed: str | None) -> str | None:
        """Canonical name of an area.

        With an edition, the edition's name for the number (evaluators print variants and even old
        names; the criteria are those of the edition). Without one, the printed name decides, and
        only when every edition it matches agrees on the canonical name.
        """
        if edition:
            area = self._areas.get((edition, area_no))
            return area.canonical if area else None
        if not printed:
            return None
        scores = self.area_name_scores(area_no, printed)
        names = {self._areas[(e, area_no)].canonical for e, s in scores.items() if s >= AREA_NAME_THRESHOLD}
        return names.pop() if len(names) == 1 else None

    def concept_of(self, edition: str | None, area_no: int | None) -> str | None:
        """The concept an edition's area measures; None when the edition or the area is unknown."""
        area = self._areas.get((edition or "", area_no or 0))
        return area.concept if area else None

    def area_of(self, edition: str | None, concept: str) -> tuple[int, str] | None:
        """(area number, canonical name) of a concept in an edition; None when the edition lacks it."""
        for (e, no), area in sorted(self._areas.items()):
            if e == edition and area.concept == concept:
                return no, area.canonical
        return None

    def comparability(self, concept: str | None, edition_a: str | None, edition_b: str | None) -> tuple[str, str]:
        """('same' | 'revised' | 'different', reason) for a concept's areas in two editions (order does not matter).

        A pair the crosswalk does not list, or an unknown edition, is 'different': comparability must be
        declared in the data, never assumed.
        """
        if not concept or not edition_a or not edition_b:
            return "different", "The edition or the concept of an area is unknown."
        if edition_a == edition_b:
            return SAME_EDITION
        row = self._pairs.get((concept, frozenset((edition_a, edition_b))))
        if row is None:
            return "different", f"crosswalk.csv has no row for {concept} between {edition_a} and {edition_b}."
        return row["comparability"], row["reason"]

    def reference_comparability(self, edition: str | None, area_no: int | None) -> str | None:
        """Comparability of an edition's area with its concept's reference edition (2016: criteria fully known)."""
        concept = self.concept_of(edition, area_no)
        if concept is None or concept not in self.concepts:
            return None
        return self.comparability(concept, edition, self.concepts[concept].reference_edition)[0]

    def crosswalk_rows(self) -> list[dict]:
        """Rows of the ``area_crosswalk`` table: every concept x pair of editions that both have it."""
        editions = list(self.editions)
        rows = []
        for concept in self.concepts:
            for i, a in enumerate(editions):
                for b in editions[i + 1 :]:
                    area_a, area_b = self.area_of(a, concept), self.area_of(b, concept)
                    if area_a is None or area_b is None:
                        continue
                    comparability, reason = self.comparability(concept, a, b)
                    rows.append(
                        {
                            "concept": concept,
                            "edition_a": a,
                            "area_no_a": area_a[0],
                            "area_name_a": area_a[1],
                            "edition_b": b,
                            "area_no_b": area_b[0],
                            "area_name_b": area_b[1],
                            "comparability": comparability,
                            "reason": reason,
                        }
                    )
        return rows


def _load(directory: Path | None) -> Catalog:
    criteria = [
        Criterion(
            edition=r["edition"],
            area_no=int(r["area_no"]),
            question_no=r["question_no"],
            question_text=r["question_text"],
            max=catalog_number(r["max"], f"criteria.csv {r['edition']}:{r['question_no']}"),
            rubrik=r["rubrik"] or None,
            certainty=r["certainty"],
            source=r["source"],
        )
        for r in merged_rows("criteria.csv", directory)
    ]
    aliases: dict[tuple[str, int], list[str]] = {}
    for r in merged_rows("area_aliases.csv", directory):
        aliases.setdefault((r["edition"], int(r["area_no"])), []).append(r["alias"])
    areas = [
        _AreaName(
            r["edition"],
            int(r["area_no"]),
            r["area_name"],
            (r["area_name"], *aliases.get((r["edition"], int(r["area_no"])), ())),
            r.get("concept") or None,
        )
        for r in merged_rows("areas.csv", directory)
    ]
    crosswalk = merged_rows("crosswalk.csv", directory)
    bad = sorted({r["comparability"] for r in crosswalk} - set(COMPARABILITY))
    if bad:
        raise CatalogError(f"crosswalk.csv: comparability must be one of {', '.join(COMPARABILITY)}, got {bad}")
    concepts = [
        Concept(r["concept"], int(r["order"]), r["label"], r["reference_edition"], r["description"])
        for r in merged_rows("concepts.csv", directory)
    ]
    edition_rows = merged_rows("editions.csv", directory)
    editions = {
        r["edition"]: (catalog_int(r["first_year"], "editions.csv"), catalog_int(r["last_year"], "editions.csv"))
        for r in edition_rows
    }
    facts = {r["edition"]: edition_facts(r) for r in edition_rows}
    cues = [
        (r["label"], r["edition"], catalog_number(r["weight"], "edition_cues.csv") or 0.0)
        for r in merged_rows("edition_cues.csv", directory)
    ]
    return Catalog(
        criteria, areas, crosswalk, concepts, editions, cues, identity=catalog_identity(directory), facts=facts
    )


@lru_cache(maxsize=8)
def _cached(directory: str | None, state: tuple[tuple[str, int, int], ...]) -> Catalog:
    return _load(Path(directory) if directory else None)


def load_catalog(directory: str | os.PathLike[str] | None = None) -> Catalog:
    """The packaged catalog, or the packaged catalog extended by the CSV files in ``directory``.

    A file of ``directory`` adds rows to the packaged file of the same name and replaces packaged rows with the
    same key (see :mod:`kompass_extract.match.catalog_files`), so a user's catalog can be ``criteria.csv`` with
    the new rows alone. Loaded catalogs are cached until a file of ``directory`` changes.
    """
    if not directory:
        return _cached(None, ())
    path = Path(directory).resolve()
    return _cached(str(path), directory_state(path))


__all__ = ["COMPARABILITY", "Catalog", "CatalogError", "Concept", "Criterion", "Match", "load_catalog"]


def match_catalog(report: Report, catalog: Catalog) -> None:
    """Canonical area names and the catalog criterion of every question, from ``catalog``; records its identity.

    Also used by ``validate --catalog-dir`` (a report converted before the catalog grew is matched again) and by
    corrections of a question's text, an area's name or the edition.
    """
    report.catalog_hash = catalog.identity
    report.area_count = catalog.edition_facts(report.edition).area_count
    for area in report.areas:
        area.name_canonical = catalog.area_canonical(report.edition, area.area_no, area.name or area.overview_title)
        for q in area.questions:
            match = catalog.match_question(report.edition, area.area_no, q.question_no, q.text)
            q.catalog_id, q.catalog_text, q.match_score = (
                (match.catalog_id, match.catalog_text, match.score) if match else (None, None, None)
            )
