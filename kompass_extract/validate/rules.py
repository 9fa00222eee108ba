"""Rounding-aware consistency checks of an extracted report.

Kommunkompassen reports print rounded numbers that were computed from unrounded ones: "Uppnått" is
the rounded score of a sub-question, "Procent" is computed from the unrounded score, the overview
total row is the rounded sum of the unrounded scores and the "Poäng" box is the sum of the rounded
scores. So box and overview may legitimately differ by a few points. The checks here first turn
every printed number into the interval of unrounded values it can stand for and only call a
discrepancy an error when no unrounded values at all can produce what is printed.

Rounding convention: reports may round half up or half to even, so every boundary is treated as
reachable (closed intervals) when deciding that something is *infeasible*. That can only hide an
inconsistency of exactly half a unit, never raise a false alarm. The intervals written to
``score_low``/``score_high`` are the half-open ones of round-half-up; when only a boundary value is
feasible they collapse to one point (``score_low == score_high``).

Consequences are not double-counted: when a question row of an area is already flagged as an error
(missing, duplicated, above its max, contradictory), the area sums that row feeds are reported as
warnings, so that each injected inconsistency yields exactly one error.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from kompass_extract.match.catalog import load_catalog
from kompass_extract.model import Area, Check, Question, Report
from kompass_extract.read.ocr.numbers import OCR_CONFIDENCE_THRESHOLD
from kompass_extract.validate import lists


class Rule(NamedTuple):
    """A consistency rule: its usual severity and what it means (exceptions are in the description)."""

    severity: str
    description: str


SEVERITIES = ("error", "warning", "info")

RULES: dict[str, Rule] = {
    "area-missing": Rule("error", "One of the areas 1-8 is not in the report."),
    "area-duplicate": Rule("error", "An area number occurs more than once."),
    "area-number-invalid": Rule("error", "An area number outside 1-8."),
    "question-score-missing": Rule("warning", "A question row lacks its achieved value or its max."),
    "question-number-invalid": Rule("warning", "A question number is not of the form '<area>.<k>' of its area."),
    "question-above-max": Rule("error", "A question's achieved value is above its max."),
    "question-interval-empty": Rule(
        "error", "A question's achieved value and percent contradict: no unrounded score rounds to both."
    ),
    "question-missing": Rule(
        "error",
        "A gap in the numbering N.1..N.k of an area, or a catalog criterion of the edition without a printed "
        "row while the area prints fewer rows than the catalog has.",
    ),
    "question-duplicate": Rule("error", "A question number occurs more than once in an area."),
    "catalog-max-differs": Rule("warning", "The printed max differs from the max of the matched catalog criterion."),
    "uncatalogued-question": Rule(
        "warning",
        "A question matched no catalog criterion. Info (one check per report) when the edition is unknown, the "
        "catalog is not available or it has no questions for the edition.",
    ),
    "area-no-questions": Rule("warning", "An area prints no question rows, so its totals cannot be checked."),
    "area-score-missing": Rule("warning", "An area lacks its overview total or its 'Poäng' box."),
    "area-max-not-100": Rule(
        "warning", "The maximum of the area's total row is not 100, or the question maxima do not add up to it."
    ),
    "area-total-infeasible": Rule(
        "error",
        "The overview total (and its percent) cannot be the rounding of any sum within the question intervals. "
        "Warning when a question row of the area is already flagged as an error.",
    ),
    "box-sum-mismatch": Rule(
        "error",
        "The 'Poäng' box differs from the sum of the printed achieved values and is not a feasible rounding of "
        "the unrounded sum either. Warning when a question row of the area is already flagged as an error.",
    ),
    "box-is-rounded-sum": Rule(
        "info",
        "The 'Poäng' box is not the sum of the printed achieved values but a feasible rounding of the unrounded "
        "sum (the overview total's convention).",
    ),
    "box-overview-differ": Rule(
        "info",
        "The 'Poäng' box and the overview total differ. Info when both are consistent with the question rows "
        "(the difference is rounding); warning when not (the cause is reported by another check).",
    ),
    "report-total-over-800": Rule("error", "The overview totals of the areas add up to more than 800."),
    "possible-duplicate-report": Rule(
        "warning",
        "Two files of one municipality and year carry the same numbers: probably one report saved twice (with "
        "different bytes, so not caught as a duplicate file). Raised by the batch, which sees both.",
    ),
    "edition-mismatch": Rule(
        "warning",
        "The edition was given (--edition) but the report's own evidence (area names, questions, year) points to "
        "another: canonical area names and catalog ids follow the given edition.",
    ),
    "metadata-missing": Rule(
        "warning",
        "The municipality could not be tied to an SCB kommunkod, or the year of the evaluation was not found: "
        "the report cannot be placed in a panel without a person's help.",
    ),
    lists.CODE: Rule(lists.SEVERITY, lists.DESCRIPTION),
    "ocr-low-confidence": Rule(
        "warning",
        "A number read by OCR has a confidence below the threshold, or an OCR'd row or area fails a check: "
        "verify it against the page.",
    ),
    "correction-unmatched": Rule(
        "error",
        "A row of the corrections file (--corrections) names a value the report does not have (the area, question "
        "or finding is not there, or occurs twice): the correction was not applied. Raised when corrections are "
        "applied; a row that names no report at all is a failure row instead.",
    ),
}


AREA_NOS = range(1, 9)
AREA_MAX = 100.0
REPORT_MAX = 800.0
_EPS = 1e-9
_STEPS = (1.0, 0.5, 0.1, 0.01)
_QUESTION_NO = re.compile(r"^\s*(\d+)\s*[.,]\s*(\d+)\s*$")
_ROW_ERROR_CODES = {"question-above-max", "question-interval-empty", "question-missing", "question-duplicate"}
_OCR_VERIFY_CODES = _ROW_ERROR_CODES | {"area-total-infeasible", "box-sum-mismatch", "box-overview-differ"}
"""Checks that, when not info, send a person to the page if the numbers were read by OCR."""

Interval = tuple[float, float]


def validate_report(report: Report, catalog: Any | None = None) -> list[Check]:
    """Check a report; set ``score_low``/``score_high`` of every question and ``authoritative`` of every area.

    ``catalog`` is a :class:`kompass_extract.match.catalog.Catalog`; when None the packaged catalog is used. Returns the checks in a deterministic order: report-level area checks, then per area
    (by number) its question rows in printed order and its totals, then report-level totals.
    """
    if catalog is None:
        catalog = load_catalog()
    ctx = _Context.of(report, catalog)
    checks = _metadata_checks(report) + _area_set_checks(report)
    for area in sorted(report.areas, key=lambda a: a.area_no):
        checks += _AreaValidator(area, ctx).run()
    checks += _report_total_checks(report)
    checks += _uncatalogued_summary(report, ctx)
    checks += lists.findings_checks(report)
    return checks


def severity_counts(checks: Iterable[Check]) -> dict[str, int]:
    """Number of checks per severity, every severity present (for summaries and ``--strict``)."""
    counts = Counter(c.severity for c in checks)
    return {s: counts.get(s, 0) for s in SEVERITIES}


@lru_cache(maxsize=1)
def _check(
    code: str, message: str, area_no: int | None = None, question_no: str | None = None, *, severity: str | None = None
) -> Check:
    return Check(severity or RULES[code].severity, code, message, area_no, question_no)


# --- intervals -------------------------------------------------------------------------------------


def _fmt(x: float) -> str:
    """A number for messages: no trailing zeros, at most three decimals."""
    if math.isinf(x):
        return "inf"
    return f"{x:.3f}".rstrip("0").rstrip(".") or "0"


def _fmt_iv(iv: Interval) -> str:
    return f"[{_fmt(iv[0])}, {_fmt(iv[1])})"


def _intersect(*ivs: Interval) -> Interval | None:
    """Common part of closed intervals (tolerant of float noise), None when there is none."""
    low, high = max(iv[0] for iv in ivs), min(iv[1] for iv in ivs)
    if low > high + _EPS:
        return None
    return low, max(low, high)


def _hull(*ivs: Interval) -> Interval:
    return min(iv[0] for iv in ivs), max(iv[1] for iv in ivs)


def _rounded(value: float, step: float) -> Interval:
    """Unrounded values that print as ``value`` at precision ``step``."""
    return value - step / 2, value + step / 2


def _percent_interval(percent: float, maximum: float, step: float) -> Interval:
    """Unrounded scores whose share of ``maximum`` prints as ``percent`` at precision ``step``."""
    low, high = _rounded(percent, step)
    return low * maximum / 100, high * maximum / 100


def _printing_step(values: Iterable[float | None]) -> float:
    """The coarsest precision every printed value is a multiple of (1 for integers, 0.5 for half points)."""
    present = [v for v in values if v is not None]
    for step in _STEPS:
        if all(abs(v / step - round(v / step)) < 1e-6 for v in present):
            return step
    return _STEPS[-1]


# --- context ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Precision:
    """Printing precision of scores and percents: 1 for integers, 0.5 for half points, ..."""

    score: float
    percent: float

    @classmethod
    def of(cls, scores: Iterable[float | None], percents: Iterable[float | None]) -> _Precision:
        return cls(_printing_step(scores), _printing_step(percents))


@dataclass
class _Context:
    """What every area's checks need to know about the whole report."""

    rows: _Precision
    """Precision of the question rows, judged from all rows of the report."""
    totals: _Precision
    """Precision of the overview totals, judged separately: a report may print them finer or coarser."""
    edition: str | None
    catalog: Any | None
    catalog_active: bool
    """True when the catalog knows the questions of the report's edition."""
    _by_edition: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def of(cls, report: Report, catalog: Any | None) -> _Context:
        questions = [q for a in report.areas for q in a.questions]
        rows = _Precision.of((q.achieved for q in questions), (q.percent for q in questions))
        totals = _Precision.of((a.score for a in report.areas), (a.percent for a in report.areas))
        active = catalog is not None and report.edition is not None and bool(catalog.has_questions(report.edition))
        return cls(rows, totals, report.edition, catalog, active)

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

    def area_criteria(self, area_no: int) -> list[Any]:
        """Catalog criteria of one area of the report's edition (numbered '<area>.<k>')."""
        if not self.catalog_active:
            return []
        found = []
        for cid, criterion in self._criteria(self.edition).items():
            parsed = _parse_question_no(cid.split(":", 1)[-1])
            if parsed is not None and parsed[0] == area_no:
                found.append(criterion)
        return found


def _parse_question_no(question_no: str) -> tuple[int, int] | None:
    m = _QUESTION_NO.match(question_no or "")
    return (int(m.group(1)), int(m.group(2))) if m else None


# --- report-level ----------------------------------------------------------------------------------


def _metadata_checks(report: Report) -> list[Check]:
    checks = []
    if report.kommunkod is None:
        printed = f"printed {report.municipality!r}" if report.municipality else "no name found"
        checks.append(_check("metadata-missing", f"municipality not resolved to a kommunkod ({printed})"))
    if report.year is None:
        checks.append(_check("metadata-missing", "year of the evaluation not found"))
    edition = report.provenance.get("edition", {})
    given, detected = edition.get("given"), edition.get("detected")
    if given and detected and given != detected:
        message = (
            f"edition {given} was given, the report reads as {detected} (confidence {edition.get('confidence', 0):.2f})"
        )
        checks.append(_check("edition-mismatch", message))
    return checks


def _area_set_checks(report: Report) -> list[Check]:
    numbers = Counter(a.area_no for a in report.areas)
    checks = [_check("area-missing", f"area {n} is not in the report", n) for n in AREA_NOS if n not in numbers]
    checks += [_check("area-duplicate", f"area {n} occurs {k} times", n) for n, k in sorted(numbers.items()) if k > 1]
    checks += [
        _check("area-number-invalid", f"area number {n} is outside 1-{AREA_NOS[-1]}", n)
        for n in sorted(numbers)
        if n not in AREA_NOS
    ]
    return checks


def _report_total_checks(report: Report) -> list[Check]:
    """The printed overview totals (what ``total_score`` adds up) must not exceed the report maximum."""
    scores = {a.area_no: a.score for a in report.areas if a.score is not None}
    total = sum(scores.values())
    if total <= REPORT_MAX + _EPS:
        return []
    parts = " + ".join(f"{_fmt(v)} (area {n})" for n, v in sorted(scores.items()))
    return [_check("report-total-over-800", f"overview totals add up to {_fmt(total)} > {_fmt(REPORT_MAX)}: {parts}")]


def _uncatalogued_summary(report: Report, ctx: _Context) -> list[Check]:
    """One info check for all unmatched questions when the catalog cannot be expected to match them."""
    if ctx.catalog_active:
        return []
    unmatched = [q.question_no for a in report.areas for q in a.questions if q.catalog_id is None]
    if not unmatched:
        return []
    if ctx.catalog is None:
        why = "the question catalog is not available"
    elif report.edition is None:
        why = "the edition of the report is unknown"
    else:
        why = f"the catalog has no questions for edition {report.edition}"
    return [
        _check(
            "uncatalogued-question",
            f"{len(unmatched)} printed questions have no catalog criterion ({why}); they are kept as printed",
            severity="info",
        )
    ]


# --- per area --------------------------------------------------------------------------------------


@dataclass
class _Row:
    question: Question
    interval: Interval | None
    """Unrounded scores consistent with every printed number; None when they contradict."""
    bound: Interval
    """Tolerant bound used for the area sums: the interval, or the hull of the contradicting evidence."""


class _AreaValidator:
    """The checks of one area; a class only to share the area's derived numbers between the checks."""

    def __init__(self, area: Area, ctx: _Context) -> None:
        self.area = area
        self.ctx = ctx
        self.rows = [self._row(q) for q in area.questions]

    def run(self) -> list[Check]:
        checks = [c for row in self.rows for c in self._question_checks(row)] + self._numbering_checks()
        checks += self._area_checks(rows_flagged=any(c.code in _ROW_ERROR_CODES for c in checks))
        return checks + self._ocr_checks(checks)

    # rows ---------------------------------------------------------------------------------------

    def _row(self, q: Question) -> _Row:
        """Interval of one question's unrounded score; sets ``score_low``/``score_high``."""
        evidence: list[Interval] = []
        if q.achieved is not None:
            evidence.append(_rounded(q.achieved, self.ctx.rows.score))
        if q.percent is not None and q.max is not None:
            evidence.append(_percent_interval(q.percent, q.max, self.ctx.rows.percent))
        limits: Interval = (0.0, q.max if q.max is not None else math.inf)
        interval = _intersect(*evidence, limits)
        bound = interval or _intersect(_hull(*evidence), limits) or _hull(*evidence)
        if interval is not None and math.isfinite(interval[1]):
            q.score_low, q.score_high = round(interval[0], 6), round(interval[1], 6)
        else:
            q.score_low = q.score_high = None
        return _Row(q, interval, bound)

    def _question_checks(self, row: _Row) -> list[Check]:
        q, a = row.question, self.area.area_no
        checks = []
        if q.achieved is None or q.max is None:
            missing = " and ".join(n for n, v in (("achieved", q.achieved), ("max", q.max)) if v is None)
            checks.append(
                _check("question-score-missing", f"question {q.question_no}: {missing} not read", a, q.question_no)
            )
        parsed = _parse_question_no(q.question_no)
        if parsed is None or parsed[0] != a:
            checks.append(
                _check(
                    "question-number-invalid",
                    f"question number {q.question_no!r} is not of the form '{a}.<k>' of area {a}",
                    a,
                    q.question_no,
                )
            )
        if q.achieved is not None and q.max is not None and q.achieved > q.max + _EPS:
            checks.append(
                _check(
                    "question-above-max",
                    f"question {q.question_no}: achieved {_fmt(q.achieved)} > max {_fmt(q.max)}",
                    a,
                    q.question_no,
                )
            )
        elif row.interval is None and q.achieved is not None and q.percent is not None and q.max is not None:
            achieved_iv = _rounded(q.achieved, self.ctx.rows.score)
            percent_iv = _percent_interval(q.percent, q.max, self.ctx.rows.percent)
            checks.append(
                _check(
                    "question-interval-empty",
                    f"question {q.question_no}: achieved {_fmt(q.achieved)} means a score in {_fmt_iv(achieved_iv)} "
                    f"but {_fmt(q.percent)}% of max {_fmt(q.max)} means {_fmt_iv(percent_iv)}",
                    a,
                    q.question_no,
                )
            )
        checks += self._catalog_checks(q)
        return checks

    def _catalog_checks(self, q: Question) -> list[Check]:
        a = self.area.area_no
        if q.catalog_id is None:
            if not self.ctx.catalog_active:
                return []  # summarised once per report as info
            return [
                _check(
                    "uncatalogued-question",
                    f"question {q.question_no} ({q.text[:60]!r}) matched no criterion of edition {self.ctx.edition}",
                    a,
                    q.question_no,
                )
            ]
        criterion = self.ctx.criterion(q.catalog_id)
        if criterion is None or criterion.max is None or q.max is None or abs(criterion.max - q.max) <= _EPS:
            return []
        return [
            _check(
                "catalog-max-differs",
                f"question {q.question_no}: printed max {_fmt(q.max)}, catalog {q.catalog_id} max {_fmt(criterion.max)}",
                a,
                q.question_no,
            )
        ]

    def _numbering_checks(self) -> list[Check]:
        a = self.area.area_no
        printed = [q.question_no.strip() for q in self.area.questions]
        counts = Counter(printed)
        checks = [
            _check("question-duplicate", f"question {no} is printed {k} times in area {a}", a, no)
            for no, k in counts.items()
            if k > 1
        ]
        ks = {p[1] for p in map(_parse_question_no, printed) if p is not None and p[0] == a}
        listing = ", ".join(dict.fromkeys(printed)) or "none"
        checks += [
            _check("question-missing", f"question {a}.{k} is not printed (area {a} prints {listing})", a, f"{a}.{k}")
            for k in range(1, max(ks, default=0))
            if k not in ks
        ]
        checks += self._catalog_missing_checks(ks)
        return checks

    def _catalog_missing_checks(self, printed_ks: set[int]) -> list[Check]:
        """Catalog criteria without a row, when the area prints fewer rows than the catalog has."""
        a = self.area.area_no
        criteria = self.ctx.area_criteria(a)
        if len(self.area.questions) >= len(criteria):
            return []
        matched = {q.catalog_id for q in self.area.questions}
        gaps = set(range(1, max(printed_ks, default=0)))
        checks = []
        for c in criteria:
            no = c.catalog_id.split(":", 1)[-1]
            parsed = _parse_question_no(no)
            if c.catalog_id in matched or (parsed is not None and parsed[1] in gaps | printed_ks):
                continue
            checks.append(
                _check(
                    "question-missing",
                    f"catalog criterion {c.catalog_id} (max {_fmt(c.max) if c.max is not None else '?'}) has no "
                    f"printed row; area {a} prints {len(self.area.questions)} rows, the catalog has {len(criteria)}",
                    a,
                    no,
                )
            )
        return checks

    # totals -------------------------------------------------------------------------------------

    def _max(self) -> float | None:
        """The area maximum: the total row's, else the sum of the question maxima."""
        if self.area.max is not None:
            return self.area.max
        maxima = [q.max for q in self.area.questions]
        return float(sum(maxima)) if maxima and None not in maxima else None  # type: ignore[arg-type]

    def _sum_interval(self) -> Interval:
        """Where the unrounded sum of the question scores can lie, limited by the area's max."""
        maximum = self._max()
        limits: Interval = (0.0, maximum if maximum is not None else math.inf)
        if not self.rows:
            return limits
        total = (sum(r.bound[0] for r in self.rows), sum(r.bound[1] for r in self.rows))
        return _intersect(total, limits) or total

    def _total_evidence(self) -> list[tuple[str, Interval]]:
        """Named intervals the overview total row implies for the unrounded sum."""
        area, maximum = self.area, self._max()
        evidence = [(f"overview total {_fmt(area.score)}", _rounded(area.score, self.ctx.totals.score))]  # type: ignore[arg-type]
        if area.percent is not None and maximum is not None:
            iv = _percent_interval(area.percent, maximum, self.ctx.totals.percent)
            evidence.append((f"percent {_fmt(area.percent)}% of {_fmt(maximum)}", iv))
        if maximum is not None:
            evidence.append((f"max {_fmt(maximum)}", (0.0, maximum)))
        return evidence

    def _area_checks(self, rows_flagged: bool) -> list[Check]:
        area, a = self.area, self.area.area_no
        note = (
            " (a question row of this area is flagged: the rows, not the total, may be wrong)" if rows_flagged else ""
        )
        checks = []
        if not self.rows:
            checks.append(_check("area-no-questions", f"area {a} prints no question rows", a))
        missing = [n for n, v in (("overview total", area.score), ("'Poäng' box", area.header_score)) if v is None]
        if missing:
            checks.append(_check("area-score-missing", f"area {a}: no {' and no '.join(missing)} read", a))
        checks += self._max_checks()
        sum_iv = self._sum_interval()
        total_ok = None
        if area.score is not None:
            evidence = [*self._total_evidence(), ("question rows", sum_iv)]
            total_ok = _intersect(*(iv for _, iv in evidence)) is not None
            if not total_ok:
                detail = "; ".join(f"{name}: {_fmt_iv(iv)}" for name, iv in evidence)
                severity = "warning" if rows_flagged else None
                message = f"area {a}: no unrounded sum fits: {detail}{note}"
                checks.append(_check("area-total-infeasible", message, a, severity=severity))
        box_checks, box_ok = self._box_checks(sum_iv, rows_flagged, note)
        checks += box_checks
        checks += self._box_overview_checks(total_ok, box_ok, sum_iv)
        self._set_authoritative(total_ok, box_ok, sum_iv)
        return checks

    def _printed_sum(self) -> float | None:
        """Sum of the printed achieved values, None when a row lacks one (or there are no rows)."""
        achieved = [r.question.achieved for r in self.rows]
        return float(sum(achieved)) if achieved and None not in achieved else None  # type: ignore[arg-type]

    def _box_checks(self, sum_iv: Interval, rows_flagged: bool, note: str) -> tuple[list[Check], bool | None]:
        """Check the 'Poäng' box against the rows; also say whether it is consistent (None: cannot tell).

        The box is meant to be the sum of the printed scores; a box that instead is a feasible rounding of
        the unrounded sum (the overview's convention) is accepted as info, unless a row is flagged, since
        then the sum interval is only a tolerant bound.
        """
        area, a, printed_sum = self.area, self.area.area_no, self._printed_sum()
        if area.header_score is None or printed_sum is None:
            return [], None
        box = area.header_score
        if abs(box - printed_sum) <= _EPS:
            return [], True
        if not rows_flagged and _intersect(_rounded(box, self.ctx.totals.score), sum_iv) is not None:
            message = (
                f"area {a}: box {_fmt(box)} is not the sum of the printed question scores ({_fmt(printed_sum)}) "
                f"but a rounding of their unrounded sum {_fmt_iv(sum_iv)}"
            )
            return [_check("box-is-rounded-sum", message, a)], True
        message = (
            f"area {a}: box {_fmt(box)} but the printed question scores add up to {_fmt(printed_sum)} "
            f"and their unrounded sum lies in {_fmt_iv(sum_iv)}{note}"
        )
        return [_check("box-sum-mismatch", message, a, severity="warning" if rows_flagged else None)], False

    def _box_role(self) -> str:
        """What a consistent box that differs from the overview total stands for."""
        if self._printed_sum() == self.area.header_score:
            return "the sum of the rounded question scores"
        return "another rounding of the unrounded sum"

    def _max_checks(self) -> list[Check]:
        area, a = self.area, self.area.area_no
        problems = []
        if area.max is not None and abs(area.max - AREA_MAX) > _EPS:
            problems.append(f"the total row's max is {_fmt(area.max)}, not {_fmt(AREA_MAX)}")
        maxima = [q.max for q in area.questions if q.max is not None]
        expected = area.max if area.max is not None else AREA_MAX
        if maxima and abs(sum(maxima) - expected) > _EPS:
            problems.append(f"the question maxima add up to {_fmt(sum(maxima))}, not {_fmt(expected)}")
        return [_check("area-max-not-100", f"area {a}: {'; '.join(problems)}", a)] if problems else []

    def _box_overview_checks(self, total_ok: bool | None, box_ok: bool | None, sum_iv: Interval) -> list[Check]:
        area, a = self.area, self.area.area_no
        if area.score is None or area.header_score is None or abs(area.score - area.header_score) <= _EPS:
            return []
        box, total = _fmt(area.header_score), _fmt(area.score)
        if total_ok and box_ok:
            return [
                _check(
                    "box-overview-differ",
                    f"area {a}: overview total {total} is the rounded sum of the unrounded scores {_fmt_iv(sum_iv)}, "
                    f"box {box} is {self._box_role()}; the difference is rounding",
                    a,
                    severity="info",
                )
            ]
        why = "there are no question rows to explain it" if box_ok is None else "rounding does not explain it"
        return [
            _check(
                "box-overview-differ",
                f"area {a}: box {box} and overview total {total} differ; {why}",
                a,
                severity="warning",
            )
        ]

    def _set_authoritative(self, total_ok: bool | None, box_ok: bool | None, sum_iv: Interval) -> None:
        """Say which printed number is the area's score and why (overview first, it is the exact rounding)."""
        area = self.area
        total = _fmt(area.score) if area.score is not None else None
        box = _fmt(area.header_score) if area.header_score is not None else None
        if total is not None and total_ok and self.rows:
            reason = (
                f"overview total {total} is a rounding of the unrounded sum of the question scores {_fmt_iv(sum_iv)}"
            )
            if box is not None and box != total:
                role = f"is {self._box_role()}; difference explained by rounding" if box_ok else "fails the checks"
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

    # OCR ----------------------------------------------------------------------------------------

    def _ocr_checks(self, checks: list[Check]) -> list[Check]:
        """Point a person at OCR'd numbers that are unsure or fail a check."""
        a = self.area.area_no
        failing = list(
            dict.fromkeys(
                (c.question_no, c.code) for c in checks if c.severity != "info" and c.code in _OCR_VERIFY_CODES
            )
        )
        out = []
        for q in self.area.questions:
            reasons = _confidence_reasons([("row", q.confidence)])
            reasons += [f"fails {code}" for no, code in failing if no == q.question_no and q.confidence is not None]
            if reasons:
                numbers = f"achieved {_opt(q.achieved)}, max {_opt(q.max)}, percent {_opt(q.percent)}"
                out.append(
                    _check(
                        "ocr-low-confidence",
                        f"verify question {q.question_no} ({numbers}): {'; '.join(reasons)}",
                        a,
                        q.question_no,
                    )
                )
        area = self.area
        reasons = _confidence_reasons([("box", area.header_confidence), ("overview total", area.total_confidence)])
        ocr_read = any(
            v is not None
            for v in (area.header_confidence, area.total_confidence, *(q.confidence for q in area.questions))
        )
        if ocr_read:
            reasons += [f"fails {code}" for no, code in failing if no is None]
        if reasons:
            out.append(
                _check(
                    "ocr-low-confidence",
                    f"verify area {a} (box {_opt(area.header_score)}, overview total {_opt(area.score)} and the OCR'd rows): "
                    + "; ".join(reasons),
                    a,
                )
            )
        return out


def _opt(value: float | None) -> str:
    return "?" if value is None else _fmt(value)


def _confidence_reasons(named: list[tuple[str, float | None]]) -> list[str]:
    return [
        f"{name} OCR confidence {_fmt(conf)} < {_fmt(OCR_CONFIDENCE_THRESHOLD)}"
        for name, conf in named
        if conf is not None and conf < OCR_CONFIDENCE_THRESHOLD
    ]
