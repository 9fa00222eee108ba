"""Rules about the report as a whole: its metadata, its set of areas and its total."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from kompass_extract.validate.enrich import ReportFacts
from kompass_extract.validate.numbers import EPS, fmt
from kompass_extract.validate.registry import Hit, declare, hit, rule


@rule(
    "metadata-missing",
    "warning",
    "The municipality could not be tied to an SCB kommunkod, or the year of the evaluation was not found: "
    "the report cannot be placed in a panel without a person's help.",
    message="municipality not resolved to a kommunkod ({printed})",
    on="report",
)
def kommunkod_missing(facts: ReportFacts) -> Iterator[Hit]:
    report = facts.report
    if report.kommunkod is None:
        printed = f"printed {report.municipality!r}" if report.municipality else "no name found"
        yield hit(field="kommunkod", municipality=report.municipality, text={"printed": printed})


@rule("metadata-missing", message="year of the evaluation not found", on="report")
def year_missing(facts: ReportFacts) -> Iterator[Hit]:
    if facts.report.year is None:
        yield hit(field="year")


@rule(
    "evaluators-uncertain",
    "warning",
    "An evaluator was read as one word: a person's name prints with a given name and a surname, so the name was "
    "cut where the sentence naming the evaluators wraps (at a line or page end), or the names were split wrongly. "
    "Verify the evaluators on the front pages.",
    message="evaluator {name!r} is one word: a name cut at a line or page end?",
    on="report",
)
def evaluators_uncertain(facts: ReportFacts) -> Iterator[Hit]:
    for name in facts.report.evaluators:
        if len(name.split(",")[0].split()) < 2:
            yield hit(field="evaluators", name=name)


@rule(
    "edition-mismatch",
    "warning",
    "The edition was given (--edition) but the report's own evidence (area names, questions, year) points to "
    "another: canonical area names and catalog ids follow the given edition.",
    message="edition {given} was given, the report reads as {detected} (confidence {confidence_text})",
    on="report",
)
def edition_mismatch(facts: ReportFacts) -> Iterator[Hit]:
    edition = facts.report.provenance.get("edition", {})
    given, detected = edition.get("given"), edition.get("detected")
    if given and detected and given != detected:
        confidence = edition.get("confidence", 0)
        yield hit(given=given, detected=detected, confidence=confidence, text={"confidence_text": f"{confidence:.2f}"})


@rule(
    "report-after-report",
    "warning",
    "Another overview table follows the report's last one: the file holds a second report (or a second copy), "
    "which is not read. Split the file to convert each report.",
    message="another overview table starts on page {page}, after this report's tables: a second report in the file?",
    on="report",
)
def report_after_report(facts: ReportFacts) -> Iterator[Hit]:
    unread = facts.report.provenance.get("unread_table")
    if unread:
        yield hit(page=unread["page"])


@rule(
    "pages-split",
    "info",
    "Pages of the PDF hold two report pages side by side (printed two pages per sheet, a copied booklet), two "
    "stacked, or four in a 2x2 grid: each was read as its pages, split at the white gutters between them. Values "
    "keep the PDF's page number and positions on that page; `reports/*.json` lists the parts under "
    "provenance.sheets.",
    message="{count} pages held {held} and were read {how} (pages {pages})",
    on="report",
)
def pages_split(facts: ReportFacts) -> Iterator[Hit]:
    yield from _split_sheets(facts, doubted_only=False)


@rule(
    "page-split-uncertain",
    "warning",
    "Pages were split at white gutters although their parts do not show their own page numbers in order: the file "
    "reads as printed two (or four) pages per sheet, from gutters most sheets agree on (and, for pages stacked or in "
    "a 2x2 grid, text shrunk to half a printed report's size), but a page set in two columns looks the same, and a "
    "booklet imposed for folding (pages 16 and 1 on one sheet) whose page numbers cannot all be read is read in the "
    "sheets' order. Check the values read on them.",
    message="pages {pages} were split at a white gutter without page numbers in order on their halves: two pages "
    "per sheet?",
    on="report",
)
def page_split_uncertain(facts: ReportFacts) -> Iterator[Hit]:
    yield from _split_sheets(facts, doubted_only=True)


@rule(
    "pages-shrunk-unsplit",
    "warning",
    "The text of the file is set much smaller than a printed report's (under 6.5 pt on the median), as when several "
    "report pages are shrunk onto each sheet (four per sheet, two stacked, or two side by side), but no sheet could be "
    "cut into its pages (no white gutter agreed on by most sheets). Each sheet was read as one page: lines of "
    "neighbouring pages may have been joined. Check the values read, or split the sheets before converting.",
    message="text set at {size} pt on pages {pages}, as pages shrunk to share a sheet, but no sheet was split: "
    "several report pages per sheet?",
    on="report",
)
def pages_shrunk_unsplit(facts: ReportFacts) -> Iterator[Hit]:
    unsplit = facts.report.provenance.get("sheets_unsplit")
    if unsplit:
        pages = unsplit["pages"]
        yield hit(size=unsplit["size"], count=len(pages), pages=pages, text={"pages": _ranges(pages)})


def _split_sheets(facts: ReportFacts, doubted_only: bool) -> Iterator[Hit]:
    """One hit naming the PDF pages that were split (only those split without certainty)."""
    parts = facts.report.provenance.get("sheets", {}).get("parts", [])
    pages = sorted({p["page"] for p in parts if not (doubted_only and p["certain"])})
    if pages:
        side_by_side = all(p["parts"] == 2 and p["y"] == 0 for p in parts)
        held = ("two report pages side by side", "half by half") if side_by_side else ("several pages", "part by part")
        yield hit(count=len(pages), pages=pages, text={"pages": _ranges(pages), "held": held[0], "how": held[1]})


def _ranges(numbers: list[int]) -> str:
    """1, 2, 3, 5 -> "1-3, 5"."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


@rule(
    "area-missing",
    "error",
    "One of the areas 1-8 is not in the report.",
    message="area {area_no} is not in the report",
    on="report",
)
def area_missing(facts: ReportFacts) -> Iterator[Hit]:
    numbers = {a.area_no for a in facts.report.areas}
    for n in facts.ctx.facts.area_nos:
        if n not in numbers:
            yield hit(area=n, area_no=n)


@rule(
    "area-duplicate",
    "error",
    "An area number occurs more than once.",
    message="area {area_no} occurs {count} times",
    on="report",
)
def area_duplicate(facts: ReportFacts) -> Iterator[Hit]:
    numbers = Counter(a.area_no for a in facts.report.areas)
    for n, k in sorted(numbers.items()):
        if k > 1:
            yield hit(area=n, area_no=n, count=k)


@rule(
    "area-number-invalid",
    "error",
    "An area number outside 1-8.",
    message="area number {area_no} is outside 1-{last_area}",
    on="report",
)
def area_number_invalid(facts: ReportFacts) -> Iterator[Hit]:
    valid = facts.ctx.facts.area_nos
    for n in sorted({a.area_no for a in facts.report.areas}):
        if n not in valid:
            yield hit(area=n, area_no=n, last_area=valid[-1])


@rule(
    "report-total-over-800",
    "error",
    "The overview totals of the areas add up to more than 800.",
    message="overview totals add up to {total} > {report_max}: {parts}",
    on="report-end",
)
def report_total_over_max(facts: ReportFacts) -> Iterator[Hit]:
    """The printed overview totals (what ``total_score`` adds up) must not exceed the report maximum."""
    scores = {a.area_no: a.score for a in facts.report.areas if a.score is not None}
    total = sum(scores.values())
    if total > facts.ctx.facts.report_max + EPS:
        parts = " + ".join(f"{fmt(v)} (area {n})" for n, v in sorted(scores.items()))
        yield hit(total=total, report_max=facts.ctx.facts.report_max, area_scores=scores, text={"parts": parts})


declare(
    "possible-duplicate-report",
    "warning",
    "Two files of one municipality and year carry the same numbers: probably one report saved twice (with "
    "different bytes, so not caught as a duplicate file). Raised by the batch, which sees both.",
)


declare(
    "correction-unmatched",
    "error",
    "A row of the corrections file (--corrections) names a value the report does not have (the area, question "
    "or finding is not there, or occurs twice): the correction was not applied. Raised when corrections are "
    "applied; a row that names no report at all is a failure row instead.",
)


declare(
    "correction-conflict",
    "error",
    "Two or more rows of the corrections file set one value of one report (one names the report by report_id, "
    "another by sha256, or a question is named with and without its area_no): none of them was applied, for the "
    "later row would otherwise win without a word. Keep one row per value.",
)
