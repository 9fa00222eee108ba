"""Rules that send a person to the page when numbers read by OCR are unsure or fail a check."""

from __future__ import annotations

from collections.abc import Iterator

from kompass_extract.read.ocr.numbers import OCR_CONFIDENCE_THRESHOLD
from kompass_extract.validate.enrich import ROW_ERROR_CODES, AreaFacts, QuestionFacts, ReportFacts
from kompass_extract.validate.numbers import fmt
from kompass_extract.validate.registry import Hit, hit, rule

OCR_VERIFY_CODES = ROW_ERROR_CODES | {"area-total-infeasible", "box-sum-mismatch", "box-overview-differ"}
"""Checks that, when not info, send a person to the page if the numbers were read by OCR."""

_DESCRIPTION = (
    "A number read by OCR has a confidence below the threshold, or an OCR'd row or area fails a check: "
    "verify it against the page."
)


def _failing(facts: AreaFacts) -> list[tuple[str | None, str]]:
    """(question_no, code) of the area's checks that call OCR'd numbers into doubt, first occurrence order."""
    found = ((c.question_no, c.code) for c in facts.checks if c.severity != "info" and c.code in OCR_VERIFY_CODES)
    return list(dict.fromkeys(found))


def _low(named: list[tuple[str, float | None]]) -> dict[str, float]:
    return {name: conf for name, conf in named if conf is not None and conf < OCR_CONFIDENCE_THRESHOLD}


def _reasons(low: dict[str, float], fails: list[str]) -> str:
    words = [f"{name} OCR confidence {fmt(conf)} < {fmt(OCR_CONFIDENCE_THRESHOLD)}" for name, conf in low.items()]
    return "; ".join(words + [f"fails {code}" for code in fails])


@rule(
    "ocr-low-confidence",
    "warning",
    _DESCRIPTION,
    message="verify question {question_no} (achieved {achieved}, max {max}, percent {percent}): {reasons}",
    on="area-review",
)
def ocr_question(facts: AreaFacts) -> Iterator[Hit]:
    failing = _failing(facts)
    for q in facts.area.questions:
        low = _low([("row", q.confidence)])
        fails = [code for no, code in failing if no == q.question_no and q.confidence is not None]
        if low or fails:
            yield hit(
                area=facts.no,
                question=q.question_no,
                question_no=q.question_no,
                achieved=q.achieved,
                max=q.max,
                percent=q.percent,
                confidence=q.confidence,
                threshold=OCR_CONFIDENCE_THRESHOLD,
                fails=fails,
                text={"reasons": _reasons(low, fails)},
            )


@rule(
    "ocr-low-confidence",
    message="verify area {area_no} (box {box}, overview total {score} and the OCR'd rows): {reasons}",
    on="area-review",
)
def ocr_area(facts: AreaFacts) -> Iterator[Hit]:
    area = facts.area
    low = _low([("box", area.header_confidence), ("overview total", area.total_confidence)])
    ocr_read = any(
        v is not None for v in (area.header_confidence, area.total_confidence, *(q.confidence for q in area.questions))
    )
    fails = [code for no, code in _failing(facts) if no is None] if ocr_read else []
    if low or fails:
        yield hit(
            area=facts.no,
            area_no=facts.no,
            box=area.header_score,
            score=area.score,
            box_confidence=area.header_confidence,
            total_confidence=area.total_confidence,
            threshold=OCR_CONFIDENCE_THRESHOLD,
            fails=fails,
            text={"reasons": _reasons(low, fails)},
        )


OCR_REPAIRS = "ocr_repairs"
"""Provenance key under which :mod:`kompass_extract.validate.repair` records the numbers it repaired."""


@rule(
    "ocr-repaired",
    "info",
    "An OCR'd number failed the rounding rules or was read empty; its cell, read again closer (cut out, enlarged, "
    "digits only), gave the only combination of readings that satisfies every relation of its row and area. "
    "The message names the first reading and the relation that decided.",
    message="area {area_no} {field}: OCR read {read}, re-read as {value}: the only reading that satisfies {relation}",
    on="report-end",
)
def ocr_repaired(facts: ReportFacts) -> Iterator[Hit]:
    """One check per number the repair step changed (kept in provenance, so re-validation keeps it)."""
    for r in _repairs(facts):
        yield _repair_hit(r, read=r["read"])


def _repairs(facts: ReportFacts) -> list[dict]:
    """The numbers :mod:`kompass_extract.validate.repair` repaired, as it recorded them in provenance."""
    return facts.report.provenance.get(OCR_REPAIRS, {}).get("cells", [])


def _repair_hit(r: dict, **extra: object) -> Hit:
    return hit(
        area=r["area_no"],
        question=r["question_no"],
        area_no=r["area_no"],
        field=r["field"],
        value=r["value"],
        relation=r["relation"],
        **extra,
    )


@rule(
    "ocr-repair-undecided",
    "warning",
    "An OCR'd number was taken from a closer re-read of its cell, but the relations of its row and area would accept "
    "a value a digit away as well (they allow for rounding): its last digit rests on Tesseract's reading alone. "
    "Compare it with the page.",
    message="area {area_no} {field}: re-read as {value}, but {also_fits} satisfies {relation} as well",
    on="report-end",
)
def ocr_repair_undecided(facts: ReportFacts) -> Iterator[Hit]:
    """One check per repaired number the relations did not pin (kept in provenance, so re-validation keeps it)."""
    for r in _repairs(facts):
        if r.get("also_fits") is not None:
            yield _repair_hit(r, also_fits=r["also_fits"])


_HOW = {
    "reading": "its place in the table",
    "neighbours": "its place between the numbered rows around it",
    "order": "its place after the area's last numbered row",
}
"""How a row whose number OCR misread was numbered (:attr:`~kompass_extract.model.Question.numbered_by`)."""


@rule(
    "question-number-by-place",
    "info",
    'OCR misread a question number (a thin dot or digit lost on a copy: "24" for "2.4", "il" for "1.1"); '
    "the row was numbered by its place in the table: the next number after the row above it, when what was read "
    'is that number with lost characters and not the number after it; or, read beyond recognition ("51" for '
    '"2.1"), when the rows not numbered exactly fill the gap between two numbered rows (or the area\'s start), or '
    "follow the area's last numbered row (then checked by question-number-doubtful).",
    message="question {question_no}: OCR read its number as {read}; numbered by {how}",
    on="question",
)
def question_number_by_place(facts: QuestionFacts) -> Iterator[Hit]:
    q = facts.question
    if q.question_no_read is not None:
        yield hit(area=facts.area.area_no, question=q.question_no, question_no=q.question_no,
                  read=q.question_no_read, text={"how": _HOW.get(q.numbered_by or "reading", "")})  # fmt: skip


@rule(
    "question-number-doubtful",
    "warning",
    "A row whose number OCR misread was numbered by its place, and the catalog does not confirm it: its text is "
    "another question of the catalog, or it was numbered after the area's last readable row and the area does not "
    "print as many rows as the catalog has (or the catalog does not know the edition's questions).",
    message="question {question_no} (OCR read {read}): {why}",
    on="question",
)
def question_number_doubtful(facts: QuestionFacts) -> Iterator[Hit]:
    q = facts.question
    if q.numbered_by is None:
        return
    own = facts.ctx.parse_question_no(q.question_no)
    matched = facts.ctx.parse_question_no(q.catalog_id.split(":", 1)[-1]) if q.catalog_id else None
    criteria = facts.ctx.area_criteria(facts.area.area_no)
    if matched is not None and matched != own:
        why = f"its text is catalog question {q.catalog_id}"
    elif q.numbered_by == "order" and len(criteria) != len(facts.area.questions):
        why = (
            f"numbered after the area's last readable row, and the area prints {len(facts.area.questions)} rows, "
            f"the catalog has {len(criteria)}"
            if criteria
            else "numbered after the area's last readable row, and the catalog does not know this edition's questions"
        )
    else:
        return
    yield hit(area=facts.area.area_no, question=q.question_no, question_no=q.question_no, read=q.question_no_read,
              text={"why": why})  # fmt: skip
