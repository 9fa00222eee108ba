"""Enrichment: what the printed numbers imply, computed once and written back onto the report.

Kommunkompassen reports print rounded numbers computed from unrounded ones: "Uppnått" is the rounded score
of a sub-question, "Procent" is computed from the unrounded score, the overview total row is the rounded sum
of the unrounded scores and the "Poäng" box is the sum of the rounded scores. So box and overview may
legitimately differ by a few points. Here every printed number becomes the interval of unrounded values it
can stand for (``score_low``/``score_high`` of each question: closed intervals, both boundaries reachable
whichever way the report rounded half points, collapsed to one point when only a boundary is feasible), the area sums are bounded, and each area
gets ``authoritative``: which printed number is its score and why. The rules (the other modules of this
package) only read these facts and say what is doubtful.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kompass_extract.common.editions import DEFAULT_FACTS, EditionFacts
from kompass_extract.model import Area, Check, Question, Report
from kompass_extract.validate.numbers import (
    EPS,
    Interval,
    fmt,
    fmt_interval,
    hull,
    intersect,
    percent_interval,
    printing_step,
    rounded,
)

ROW_ERROR_CODES = frozenset({"question-above-max", "question-interval-empty", "question-missing", "question-duplicate"})
"""Row checks after which an area's sums only warn: each injected inconsistency yields exactly one error."""


@dataclass(frozen=True)
class Precision:
    """Printing precision of scores and percents: 1 for integers, 0.5 for half points, ..."""

    score: float
    percent: float

    @classmethod
    def of(cls, scores: Iterable[float | None], percents: Iterable[float | None]) -> Precision:
        return cls(printing_step(scores), printing_step(percents))


@dataclass
class Context:
    """What every check needs to know about the whole report."""

    rows: Precision
    """Precision of the question rows, judged from all rows of the report."""
    totals: Precision
    """Precision of the overview totals, judged separately: a report may print them finer or coarser."""
    edition: str | None
    catalog: Any | None
    catalog_active: bool
    """True when the catalog knows the questions of the report's edition."""
    facts: EditionFacts = DEFAULT_FACTS
    """Area count and maxima of the report's edition."""
    _by_edition: dict[str, dict[str, Any]] = field(default_factory=dict)
    _rubriker: frozenset[str] | None = None

    @classmethod
    def of(cls, report: Report, catalog: Any | None) -> Context:
        questions = [q for a in report.areas for q in a.questions]
        rows = Precision.of((q.achieved for q in questions), (q.percent for q in questions))
        totals = Precision.of((a.score for a in report.areas), (a.percent for a in report.areas))
        active = catalog is not None and report.edition is not None and bool(catalog.has_questions(report.edition))
        facts = catalog.edition_facts(report.edition) if catalog is not None else DEFAULT_FACTS
        return cls(rows, totals, report.edition, catalog, active, facts)

    def criterion(self, catalog_id: str) -> Any | None:
        """The catalog criterion of an id '<edition>:<question_no>' (the edition of the id, not of the report)."""
        if self.catalog is None:
            return None
        edition = catalog_id.split(":", 1)[0] if ":" in catalog_id else self.edition
        return self._criteria(edition).get(catalog_id)

    def _criteria(self, edition: str | None) -> dict[str, Any]:
        """Criteria of an edition by catalog id, empty when the catalog does not know the edition."""
        if edition is None or self.catalog is None:
            return {}
        if edition not in self._by_edition:
            known = self.catalog.has_questions(edition)
            self._by_edition[edition] = {c.catalog_id: c for c in self.catalog.criteria(edition)} if known else {}
        return self._by_edition[edition]

    def rubriker_names(self) -> frozenset[str]:
        """Every sub-area name ("rubrik") the catalog knows, of any edition, white space folded: the words a box
        prints."""
        if self._rubriker is None:
            criteria = self.catalog.criteria() if self.catalog is not None else []
            self._rubriker = frozenset(" ".join(c.rubrik.split()) for c in criteria if c.rubrik)
        return self._rubriker

    def area_criteria(self, area_no: int) -> list[Any]:
        """Catalog criteria of one area of the report's edition (numbered '<area>.<k>')."""
        if not self.catalog_active:
            return []
        found = []
        for cid, criterion in self._criteria(self.edition).items():
            parsed = self.parse_question_no(cid.split(":", 1)[-1])
            if parsed is not None and parsed[0] == area_no:
                found.append(criterion)
        return found

    def parse_question_no(self, question_no: str) -> tuple[int, int] | None:
        """(area, k) of a question number, as the report carries it or the report's edition prints it."""
        return self.facts.parse_question_no(question_no)


@dataclass
class ReportFacts:
    """The subject of report-level rules."""

    report: Report
    ctx: Context


@dataclass
class QuestionFacts:
    """One question row and the unrounded scores its printed numbers allow."""

    question: Question
    area: Area
    ctx: Context
    interval: Interval | None
    """Unrounded scores consistent with every printed number; None when they contradict."""
    bound: Interval
    """Tolerant bound used for the area sums: the interval, or the hull of the contradicting evidence."""

    @classmethod
    def of(cls, q: Question, area: Area, ctx: Context) -> QuestionFacts:
        """Interval of one question's unrounded score; sets ``score_low``/``score_high`` of the question."""
        evidence: list[Interval] = []
        if q.achieved is not None:
            evidence.append(rounded(q.achieved, ctx.rows.score))
        if q.percent is not None and q.max is not None:
            evidence.append(percent_interval(q.percent, q.max, ctx.rows.percent))
        limits: Interval = (0.0, q.max if q.max is not None else math.inf)
        interval = intersect(*evidence, limits)
        bound = interval or intersect(hull(*evidence), limits) or hull(*evidence)
        if interval is not None and math.isfinite(interval[1]):
            q.score_low, q.score_high = round(interval[0], 6), round(interval[1], 6)
        else:
            q.score_low = q.score_high = None
        return cls(q, area, ctx, interval, bound)


@dataclass
class AreaFacts:
    """One area, its rows, and (once :meth:`settle` ran) what its totals are consistent with."""

    area: Area
    ctx: Context
    rows: list[QuestionFacts]
    rows_flagged: bool = False
    """A row of the area failed a row check (:data:`ROW_ERROR_CODES`): the totals only warn."""
    maximum: float | None = None
    sum_interval: Interval = (0.0, math.inf)
    evidence: list[tuple[str, str, Interval]] = field(default_factory=list)
    """(detail key, message label, interval) the overview total row implies for the unrounded sum."""
    total_ok: bool | None = None
    """The overview total is a feasible rounding of the rows; None when no total is printed."""
    box: str = "unchecked"
    """The 'Poäng' box: 'unchecked' (box or a row score missing), 'sum' (of the printed scores), 'rounded'
    (a feasible rounding of the unrounded sum) or 'mismatch'."""
    checks: list[Check] = field(default_factory=list)
    """The area's checks before the review rules (filled by the runner)."""

    @classmethod
    def of(cls, area: Area, ctx: Context) -> AreaFacts:
        return cls(area, ctx, [QuestionFacts.of(q, area, ctx) for q in area.questions])

    @property
    def no(self) -> int:
        return self.area.area_no

    @property
    def box_ok(self) -> bool | None:
        return None if self.box == "unchecked" else self.box != "mismatch"

    @property
    def printed_sum(self) -> float | None:
        """Sum of the printed achieved values, None when a row lacks one (or there are no rows)."""
        achieved = [r.question.achieved for r in self.rows]
        return float(sum(achieved)) if achieved and None not in achieved else None  # type: ignore[arg-type]

    @property
    def box_role(self) -> str:
        """What a consistent box that differs from the overview total stands for."""
        if self.printed_sum == self.area.header_score:
            return "the sum of the rounded question scores"
        return "another rounding of the unrounded sum"

    def settle(self, row_checks: Iterable[Check]) -> None:
        """Bound the area sums and judge the total and the box, given the checks of the rows."""
        self.rows_flagged = any(c.code in ROW_ERROR_CODES for c in row_checks)
        self.maximum = self._max()
        self.sum_interval = self._sum_interval()
        if self.area.score is not None:
            self.evidence = [*self._total_evidence(), ("rows_interval", "question rows", self.sum_interval)]
            self.total_ok = intersect(*(iv for _, _, iv in self.evidence)) is not None
        self.box = self._box()

    def _max(self) -> float | None:
        """The area maximum: the total row's, else the sum of the question maxima."""
        if self.area.max is not None:
            return self.area.max
        maxima = [q.max for q in self.area.questions]
        return float(sum(maxima)) if maxima and None not in maxima else None  # type: ignore[arg-type]

    def _sum_interval(self) -> Interval:
        """Where the unrounded sum of the question scores can lie, limited by the area's max."""
        limits: Interval = (0.0, self.maximum if self.maximum is not None else math.inf)
        if not self.rows:
            return limits
        total = (sum(r.bound[0] for r in self.rows), sum(r.bound[1] for r in self.rows))
        return intersect(total, limits) or total

    def _total_evidence(self) -> list[tuple[str, str, Interval]]:
        area, maximum, totals = self.area, self.maximum, self.ctx.totals
        evidence = [("total_interval", f"overview total {fmt(area.score)}", rounded(area.score, totals.score))]  # type: ignore[arg-type]
        if area.percent is not None and maximum is not None:
            iv = percent_interval(area.percent, maximum, totals.percent)
            evidence.append(("percent_interval", f"percent {fmt(area.percent)}% of {fmt(maximum)}", iv))
        if maximum is not None:
            evidence.append(("max_interval", f"max {fmt(maximum)}", (0.0, maximum)))
        return evidence

    def _box(self) -> str:
        """The box is meant to be the sum of the printed scores; a feasible rounding of the unrounded sum
        (the overview's convention) is accepted too, unless a row is flagged: then the sum interval is
        only a tolerant bound."""
        box, printed_sum = self.area.header_score, self.printed_sum
        if box is None or printed_sum is None:
            return "unchecked"
        if abs(box - printed_sum) <= EPS:
            return "sum"
        if not self.rows_flagged and intersect(rounded(box, self.ctx.totals.score), self.sum_interval) is not None:
            return "rounded"
        return "mismatch"


def set_authoritative(facts: AreaFacts) -> None:
    """Say which printed number is the area's score and why (overview first, it is the exact rounding)."""
    area, total_ok, box_ok = facts.area, facts.total_ok, facts.box_ok
    total = fmt(area.score) if area.score is not None else None
    box = fmt(area.header_score) if area.header_score is not None else None
    if total is not None and total_ok and facts.rows:
        reason = (
            f"overview total {total} is a rounding of the unrounded sum of the question scores "
            f"{fmt_interval(facts.sum_interval)}"
        )
        if box is not None and box != total:
            role = f"is {facts.box_role}; difference explained by rounding" if box_ok else "fails the checks"
            reason += f"; box {box} {role}"
        area.authoritative = {"field": "score", "reason": reason}
    elif total is not None and total_ok:
        area.authoritative = {
            "field": "score",
            "reason": f"overview total {total}; no question rows to check it against",
        }
    elif box is not None and box_ok:
        lead = (
            "no overview total printed"
            if total is None
            else f"overview total {total} is inconsistent with the question rows"
        )
        area.authoritative = {"field": "header_score", "reason": f"{lead}; box {box} is consistent with them"}
    elif total is not None:
        area.authoritative = {
            "field": "score",
            "reason": f"overview total {total} as printed, but it fails the checks: verify",
        }
    elif box is not None:
        reason = f"no overview total printed; box {box} " + (
            "cannot be checked" if box_ok is None else "fails the checks: verify"
        )
        area.authoritative = {"field": "header_score", "reason": reason}
    else:
        area.authoritative = {"reason": "neither an overview total nor a 'Poäng' box was read"}
