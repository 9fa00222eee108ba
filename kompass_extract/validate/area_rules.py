"""Rules about an area's totals: the overview total row and the 'Poäng' box against the question rows.

Consequences are not double-counted: when a question row of the area is already flagged as an error
(missing, duplicated, above its max, contradictory), the sums that row feeds are reported as warnings, so
that each injected inconsistency yields exactly one error.
"""

from __future__ import annotations

from collections.abc import Iterator

from kompass_extract.validate.enrich import AreaFacts
from kompass_extract.validate.numbers import EPS, fmt, fmt_interval
from kompass_extract.validate.registry import Hit, hit, rule

_FLAGGED_NOTE = " (a question row of this area is flagged: the rows, not the total, may be wrong)"


def _note(facts: AreaFacts) -> str:
    return _FLAGGED_NOTE if facts.rows_flagged else ""


@rule(
    "area-no-questions",
    "warning",
    "An area prints no question rows, so its totals cannot be checked.",
    message="area {area_no} prints no question rows",
    on="area",
)
def area_no_questions(facts: AreaFacts) -> Iterator[Hit]:
    if not facts.rows:
        yield hit(area=facts.no, area_no=facts.no)


@rule(
    "area-score-missing",
    "warning",
    "An area lacks its overview total or its 'Poäng' box.",
    message="area {area_no}: no {what} read",
    on="area",
)
def area_score_missing(facts: AreaFacts) -> Iterator[Hit]:
    area = facts.area
    missing = [n for n, v in (("overview total", area.score), ("'Poäng' box", area.header_score)) if v is None]
    if missing:
        yield hit(area=facts.no, area_no=facts.no, missing=missing, text={"what": " and no ".join(missing)})


@rule(
    "area-max-not-100",
    "warning",
    "The maximum of the area's total row is not 100, or the question maxima do not add up to it.",
    message="area {area_no}: {problems}",
    on="area",
)
def area_max_not_expected(facts: AreaFacts) -> Iterator[Hit]:
    area, area_max = facts.area, facts.ctx.facts.area_max
    problems, details = [], {}
    if area.max is not None and abs(area.max - area_max) > EPS:
        problems.append(f"the total row's max is {fmt(area.max)}, not {fmt(area_max)}")
        details.update(max=area.max, expected_max=area_max)
    maxima = [q.max for q in area.questions if q.max is not None]
    expected = area.max if area.max is not None else area_max
    if maxima and abs(sum(maxima) - expected) > EPS:
        problems.append(f"the question maxima add up to {fmt(sum(maxima))}, not {fmt(expected)}")
        details.update(question_max_sum=sum(maxima), expected_sum=expected)
    if problems:
        yield hit(area=facts.no, area_no=facts.no, **details, text={"problems": "; ".join(problems)})


@rule(
    "area-total-infeasible",
    "error",
    "The overview total (and its percent) cannot be the rounding of any sum within the question intervals. "
    "Warning when a question row of the area is already flagged as an error.",
    message="area {area_no}: no unrounded sum fits: {evidence}{note}",
    on="area",
)
def area_total_infeasible(facts: AreaFacts) -> Iterator[Hit]:
    if facts.total_ok is False:
        area = facts.area
        evidence = "; ".join(f"{label}: {fmt_interval(iv)}" for _, label, iv in facts.evidence)
        yield hit(
            area=facts.no,
            severity="warning" if facts.rows_flagged else None,
            area_no=facts.no,
            score=area.score,
            percent=area.percent,
            max=facts.maximum,
            **{key: iv for key, _, iv in facts.evidence},
            rows_flagged=facts.rows_flagged,
            text={"evidence": evidence, "note": _note(facts)},
        )


@rule(
    "box-is-rounded-sum",
    "info",
    "The 'Poäng' box is not the sum of the printed achieved values but a feasible rounding of the unrounded "
    "sum (the overview total's convention).",
    message="area {area_no}: box {box} is not the sum of the printed question scores ({printed_sum}) "
    "but a rounding of their unrounded sum {rows_interval}",
    on="area",
)
def box_is_rounded_sum(facts: AreaFacts) -> Iterator[Hit]:
    if facts.box == "rounded":
        yield hit(
            area=facts.no,
            area_no=facts.no,
            box=facts.area.header_score,
            printed_sum=facts.printed_sum,
            rows_interval=facts.sum_interval,
        )


@rule(
    "box-sum-mismatch",
    "error",
    "The 'Poäng' box differs from the sum of the printed achieved values and is not a feasible rounding of "
    "the unrounded sum either. Warning when a question row of the area is already flagged as an error.",
    message="area {area_no}: box {box} but the printed question scores add up to {printed_sum} "
    "and their unrounded sum lies in {rows_interval}{note}",
    on="area",
)
def box_sum_mismatch(facts: AreaFacts) -> Iterator[Hit]:
    if facts.box == "mismatch":
        yield hit(
            area=facts.no,
            severity="warning" if facts.rows_flagged else None,
            area_no=facts.no,
            box=facts.area.header_score,
            printed_sum=facts.printed_sum,
            rows_interval=facts.sum_interval,
            rows_flagged=facts.rows_flagged,
            text={"note": _note(facts)},
        )


def _box_and_total_differ(facts: AreaFacts) -> bool:
    area = facts.area
    return area.score is not None and area.header_score is not None and abs(area.score - area.header_score) > EPS


@rule(
    "box-overview-differ",
    "info",
    "The 'Poäng' box and the overview total differ. Info when both are consistent with the question rows "
    "(the difference is rounding); warning when not (the cause is reported by another check).",
    message="area {area_no}: overview total {score} is the rounded sum of the unrounded scores {rows_interval}, "
    "box {box} is {role}; the difference is rounding",
    on="area",
)
def box_overview_rounding(facts: AreaFacts) -> Iterator[Hit]:
    if _box_and_total_differ(facts) and facts.total_ok and facts.box_ok:
        yield hit(
            area=facts.no,
            severity="info",
            area_no=facts.no,
            score=facts.area.score,
            box=facts.area.header_score,
            rows_interval=facts.sum_interval,
            text={"role": facts.box_role},
        )


@rule(
    "box-overview-differ",
    message="area {area_no}: box {box} and overview total {score} differ; {why}",
    on="area",
)
def box_overview_unexplained(facts: AreaFacts) -> Iterator[Hit]:
    if _box_and_total_differ(facts) and not (facts.total_ok and facts.box_ok):
        why = "there are no question rows to explain it" if facts.box_ok is None else "rounding does not explain it"
        yield hit(
            area=facts.no,
            severity="warning",
            area_no=facts.no,
            box=facts.area.header_score,
            score=facts.area.score,
            text={"why": why},
        )
