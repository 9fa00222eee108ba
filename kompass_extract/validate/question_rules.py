"""Rules about the question rows of an area: their numbers, their numbering and their catalog criteria."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from kompass_extract.common.editions import question_no
from kompass_extract.validate.enrich import AreaFacts, QuestionFacts, ReportFacts
from kompass_extract.validate.numbers import EPS, percent_interval, rounded
from kompass_extract.validate.registry import Hit, hit, rule


@rule(
    "question-score-missing",
    "warning",
    "A question row lacks its achieved value or its max.",
    message="question {question_no}: {what} not read",
    on="question",
)
def question_score_missing(row: QuestionFacts) -> Iterator[Hit]:
    q = row.question
    missing = [n for n, v in (("achieved", q.achieved), ("max", q.max)) if v is None]
    if missing:
        yield hit(
            area=row.area.area_no,
            question=q.question_no,
            question_no=q.question_no,
            missing=missing,
            text={"what": " and ".join(missing)},
        )


@rule(
    "question-cell-unread",
    "warning",
    "A number column of a question row holds text that is no number (a glyph the font lacks, a word, a dash): "
    "its value is left empty. Read it on the page.",
    message="question {question_no}: the {column} cell reads {printed!r}, which is no number",
    on="question",
)
def question_cell_unread(row: QuestionFacts) -> Iterator[Hit]:
    q = row.question
    for column, printed in sorted(q.unread.items()):
        yield hit(
            area=row.area.area_no,
            question=q.question_no,
            question_no=q.question_no,
            column=column,
            printed=printed,
        )


@rule(
    "question-number-invalid",
    "warning",
    "A question number is not of the form '<area>.<k>' of its area.",
    message="question number {question_no!r} is not of the form '{area_no}.<k>' of area {area_no}",
    on="question",
)
def question_number_invalid(row: QuestionFacts) -> Iterator[Hit]:
    q, a = row.question, row.area.area_no
    parsed = row.ctx.parse_question_no(q.question_no)
    if parsed is None or parsed[0] != a:
        yield hit(area=a, question=q.question_no, question_no=q.question_no, area_no=a)


def _above_max(row: QuestionFacts) -> bool:
    q = row.question
    return q.achieved is not None and q.max is not None and q.achieved > q.max + EPS


@rule(
    "question-above-max",
    "error",
    "A question's achieved value is above its max.",
    message="question {question_no}: achieved {achieved} > max {max}",
    on="question",
)
def question_above_max(row: QuestionFacts) -> Iterator[Hit]:
    q = row.question
    if _above_max(row):
        yield hit(
            area=row.area.area_no, question=q.question_no, question_no=q.question_no, achieved=q.achieved, max=q.max
        )


@rule(
    "question-interval-empty",
    "error",
    "A question's achieved value and percent contradict: no unrounded score rounds to both.",
    message="question {question_no}: achieved {achieved} means a score in {achieved_interval} "
    "but {percent}% of max {max} means {percent_interval}",
    on="question",
)
def question_interval_empty(row: QuestionFacts) -> Iterator[Hit]:
    q, precision = row.question, row.ctx.rows
    if _above_max(row) or row.interval is not None or q.achieved is None or q.percent is None or q.max is None:
        return
    yield hit(
        area=row.area.area_no,
        question=q.question_no,
        question_no=q.question_no,
        achieved=q.achieved,
        achieved_interval=rounded(q.achieved, precision.score),
        percent=q.percent,
        max=q.max,
        percent_interval=percent_interval(q.percent, q.max, precision.percent),
    )


@rule(
    "uncatalogued-question",
    "warning",
    "A question matched no catalog criterion. Info (one check per report) when the edition is unknown, the "
    "catalog is not available or it has no questions for the edition.",
    message="question {question_no} ({start!r}) matched no criterion of edition {edition}",
    on="question",
)
def uncatalogued_question(row: QuestionFacts) -> Iterator[Hit]:
    q = row.question
    if q.catalog_id is None and row.ctx.catalog_active:  # otherwise summarised once per report as info
        yield hit(
            area=row.area.area_no,
            question=q.question_no,
            question_no=q.question_no,
            edition=row.ctx.edition,
            text={"start": q.text[:60]},
        )


@rule(
    "catalog-max-differs",
    "warning",
    "The printed max differs from the max of the matched catalog criterion.",
    message="question {question_no}: printed max {max}, catalog {catalog_id} max {catalog_max}",
    on="question",
)
def catalog_max_differs(row: QuestionFacts) -> Iterator[Hit]:
    q = row.question
    if q.catalog_id is None:
        return
    criterion = row.ctx.criterion(q.catalog_id)
    if criterion is None or criterion.max is None or q.max is None or abs(criterion.max - q.max) <= EPS:
        return
    yield hit(
        area=row.area.area_no,
        question=q.question_no,
        question_no=q.question_no,
        max=q.max,
        catalog_id=q.catalog_id,
        catalog_max=criterion.max,
    )


@rule(
    "question-duplicate",
    "error",
    "A question number occurs more than once in an area.",
    message="question {question_no} is printed {count} times in area {area_no}",
    on="numbering",
)
def question_duplicate(facts: AreaFacts) -> Iterator[Hit]:
    counts = Counter(q.question_no.strip() for q in facts.area.questions)
    for no, k in counts.items():
        if k > 1:
            yield hit(area=facts.no, question=no, question_no=no, count=k, area_no=facts.no)


def _printed(facts: AreaFacts) -> tuple[list[str], set[int]]:
    """The area's printed question numbers, and the k of those numbered '<area>.<k>'."""
    printed = [q.question_no.strip() for q in facts.area.questions]
    parsed = (facts.ctx.parse_question_no(no) for no in printed)
    return printed, {p[1] for p in parsed if p is not None and p[0] == facts.no}


@rule(
    "question-missing",
    "error",
    "A gap in the numbering N.1..N.k of an area, or a catalog criterion of the edition without a printed "
    "row while the area prints fewer rows than the catalog has.",
    message="question {question_no} is not printed (area {area_no} prints {listing})",
    on="numbering",
)
def question_number_gap(facts: AreaFacts) -> Iterator[Hit]:
    a = facts.no
    printed, ks = _printed(facts)
    listing = ", ".join(dict.fromkeys(printed)) or "none"
    for k in range(1, max(ks, default=0)):
        if k not in ks:
            yield hit(
                area=a,
                question=question_no(a, k),
                question_no=question_no(a, k),
                area_no=a,
                printed=printed,
                text={"listing": listing},
            )


@rule(
    "question-missing",
    message="catalog criterion {catalog_id} (max {catalog_max}) has no printed row; "
    "area {area_no} prints {rows} rows, the catalog has {catalog_rows}",
    on="numbering",
)
def catalog_question_missing(facts: AreaFacts) -> Iterator[Hit]:
    """Catalog criteria without a row, when the area prints fewer rows than the catalog has."""
    a = facts.no
    criteria = facts.ctx.area_criteria(a)
    if len(facts.area.questions) >= len(criteria):
        return
    _, printed_ks = _printed(facts)
    matched = {q.catalog_id for q in facts.area.questions}
    gaps = set(range(1, max(printed_ks, default=0)))
    for c in criteria:
        no = c.catalog_id.split(":", 1)[-1]
        parsed = facts.ctx.parse_question_no(no)
        if c.catalog_id in matched or (parsed is not None and parsed[1] in gaps | printed_ks):
            continue
        yield hit(
            area=a,
            question=no,
            catalog_id=c.catalog_id,
            catalog_max=c.max,
            area_no=a,
            rows=len(facts.area.questions),
            catalog_rows=len(criteria),
        )


@rule(
    "uncatalogued-question",
    message="{count} printed questions have no catalog criterion ({why}); they are kept as printed",
    on="report-end",
)
def uncatalogued_summary(facts: ReportFacts) -> Iterator[Hit]:
    """One info check for all unmatched questions when the catalog cannot be expected to match them."""
    report, ctx = facts.report, facts.ctx
    if ctx.catalog_active:
        return
    unmatched = [q.question_no for a in report.areas for q in a.questions if q.catalog_id is None]
    if not unmatched:
        return
    if ctx.catalog is None:
        why = "the question catalog is not available"
    elif report.edition is None:
        why = "the edition of the report is unknown"
    else:
        why = f"the catalog has no questions for edition {report.edition}"
    yield hit(severity="info", count=len(unmatched), questions=unmatched, text={"why": why})
