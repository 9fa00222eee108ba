"""The one definition of every output table.

Writers (CSV, Parquet, SQLite, XLSX), the data dictionary (``datapackage.json``) and the docs are
all generated from :data:`TABLES`, so a column cannot exist in one place and not in another.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from kompass_extract.common.data import data_text
from kompass_extract.errors import FAILURE_CODES
from kompass_extract.match.catalog import COMPARABILITY, load_catalog
from kompass_extract.validate import RULES, SEVERITIES


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # frictionless types: string, integer, number, boolean
    description: str
    unit: str | None = None
    enum: tuple[str, ...] | None = None
    """The only values allowed (datapackage constraint); empty cells stay allowed."""
    pattern: str | None = None
    """A regular expression every non-empty value matches (datapackage constraint)."""


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...] = ()
    search: tuple[str, ...] = ()
    """Text columns indexed for full-text search (SQLite FTS5, Datasette's search box)."""

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


PACKAGE = {k: v for k, v in json.loads(data_text("package.json")).items() if not k.startswith("_")}
"""Package-level metadata of ``datapackage.json`` and of the Datasette metadata: title, licences, sources."""


def _f(
    name: str,
    type_: str,
    description: str,
    unit: str | None = None,
    enum: tuple[str, ...] | None = None,
    pattern: str | None = None,
) -> Field:
    return Field(name, type_, description, unit, enum, pattern)


EDITIONS = tuple(load_catalog().editions)
KOMMUNKOD_PATTERN = "^[0-9]{4}$"


REPORT_ID = _f(
    "report_id", "string", "Stable id of the report: '<kommunkod>-<year>' (suffix -2, -3 for a second report)."
)
AREA_NO = _f("area_no", "integer", "Area number 1-8 as printed.")
KOMMUNKOD = _f(
    "kommunkod",
    "string",
    "SCB kommunkod, 4 characters with leading zero; empty when unresolved.",
    pattern=KOMMUNKOD_PATTERN,
)
KOMMUN = _f("kommun", "string", "Official municipality name from SCB's list.")
YEAR = _f("year", "integer", "Year of the evaluation.")
EDITION = _f(
    "edition",
    "string",
    f"Edition of the criteria: {', '.join(EDITIONS)}; empty when unknown.",
    enum=EDITIONS,
)
CONCEPT = _f("concept", "string", "Edition-independent concept the area measures (see `area_crosswalk`).")
COMPARABILITY_FIELD = _f(
    "comparability",
    "string",
    "Comparability with the concept's reference edition (2016, criteria fully known): 'same', 'revised' "
    "(criteria revised: compare with care) or 'different' (do not compare).",
    enum=COMPARABILITY,
)


def _evaluation_fields(suffix: str, which: str) -> tuple[Field, ...]:
    """The columns of one side of a `changes` row (the earlier or the later report)."""
    return (
        _f(f"report_id_{suffix}", "string", f"The {which} report."),
        _f(f"year_{suffix}", "integer", f"Year of the {which} report."),
        _f(f"edition_{suffix}", "string", f"Edition of the {which} report.", enum=EDITIONS),
        _f(f"area_no_{suffix}", "integer", f"Area number of the concept in the {which} report's edition."),
        _f(f"score_{suffix}", "number", f"Area score of the {which} report (as in `panel`).", "points"),
    )


def _edition_area_fields(suffix: str, which: str) -> tuple[Field, ...]:
    """The columns of one side of an `area_crosswalk` row (the earlier or the later edition)."""
    return (
        _f(f"edition_{suffix}", "string", f"{which} edition.", enum=EDITIONS),
        _f(f"area_no_{suffix}", "integer", f"Area number of the concept in edition_{suffix}."),
        _f(f"area_name_{suffix}", "string", f"Canonical area name in edition_{suffix}."),
    )


PAGE = _f("page", "integer", "1-based page of the PDF where the value is printed.")
BBOX = _f("bbox", "string", "Position on the page as 'x0,top,x1,bottom' in PDF points from the top-left corner.", "pt")

NAME_SHOWN = "bytes of a name that are not UTF-8, and control characters such as a newline, as \\xHH"
"""How a file name is shown in a table (:func:`kompass_extract.common.files.display_path`)."""

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "reports",
            "One row per converted report.",
            (
                REPORT_ID,
                _f("source_file", "string", f"Path of the PDF as given ({NAME_SHOWN})."),
                _f("sha256", "string", "SHA-256 of the PDF bytes."),
                _f("municipality", "string", "Municipality as printed in the report (e.g. 'Luleå kommun')."),
                KOMMUN,
                KOMMUNKOD,
                YEAR,
                _f("month", "string", "Month of the evaluation in Swedish, lower case, when printed."),
                EDITION,
                _f(
                    "edition_confidence",
                    "number",
                    "Confidence 0-1 of the edition detection (1 when given by --edition).",
                ),
                _f("template", "string", "Template family recognised from the cover and labels."),
                _f("evaluators", "string", "Evaluators as printed, separated by '; '."),
                _f("pages", "integer", "Number of pages of the PDF."),
                _f("ocr", "boolean", "True when the text was read by OCR."),
                _f(
                    "total_score",
                    "number",
                    "Sum of the eight overview area totals; empty unless all eight are printed.",
                    "points",
                ),
                _f("total_max", "number", "Sum of the eight area maxima.", "points"),
                _f("extractor_version", "string", "Version of kompass-extract that wrote the row."),
                _f(
                    "catalog_hash",
                    "string",
                    "Identity of the criteria catalog the questions were matched with: a hash of its files (the "
                    "packaged ones and those of --catalog-dir). Reports with different values were matched differently.",
                ),
            ),
            ("report_id",),
        ),
        Table(
            "areas",
            "One row per area of a report.",
            (
                REPORT_ID,
                AREA_NO,
                _f("area_name", "string", "Area name as printed in the section heading (or the overview table)."),
                _f("area_name_canonical", "string", "Area name of the catalog edition."),
                CONCEPT,
                COMPARABILITY_FIELD,
                _f("score", "number", "Area total of the overview table (rounded sum of unrounded scores).", "points"),
                _f("max", "number", "Maximum of the area from the overview total row.", "points"),
                _f("percent", "number", "Percent printed on the overview total row.", "percent"),
                _f(
                    "header_score",
                    "number",
                    "Score printed in the area's 'Poäng' box (sum of rounded scores).",
                    "points",
                ),
                _f(
                    "authoritative",
                    "string",
                    "Which printed number the tool takes as the area score: 'score' or 'header_score'.",
                ),
                _f("rubriker", "string", "Sub-area headings listed in the 'Rubriker' box, separated by '; '."),
                PAGE,
                _f("total_page", "integer", "Page of the overview total row."),
                _f("header_page", "integer", "Page of the 'Poäng' box."),
                _f("total_bbox", "string", "Position of the overview total row on total_page, as bbox.", "pt"),
                _f("header_bbox", "string", "Position of the 'Poäng' box number on header_page, as bbox.", "pt"),
                _f(
                    "total_confidence", "number", "Lowest OCR confidence 0-100 of the total row; empty for text layers."
                ),
                _f("header_confidence", "number", "OCR confidence 0-100 of the 'Poäng' box; empty for text layers."),
            ),
            ("report_id", "area_no"),
        ),
        Table(
            "questions",
            "One row per printed sub-question of the overview tables.",
            (
                REPORT_ID,
                AREA_NO,
                _f("question_no", "string", "Question number as printed, e.g. '1.1'."),
                _f("question_text", "string", "Question text as printed, wrapped lines joined."),
                _f(
                    "catalog_id", "string", "Matched catalog criterion '<edition>:<question_no>'; empty when unmatched."
                ),
                _f("catalog_text", "string", "Catalog wording of the matched criterion."),
                _f("match_score", "number", "Similarity 0-100 of the printed text to the catalog text."),
                _f("achieved", "number", "'Uppnått' as printed (rounded score).", "points"),
                _f("max", "number", "'Max' as printed.", "points"),
                _f(
                    "percent",
                    "number",
                    "'Procent' as printed (from the unrounded score); empty when not printed.",
                    "percent",
                ),
                _f(
                    "score_low",
                    "number",
                    "Lower bound (inclusive) of the unrounded score implied by the printed numbers.",
                    "points",
                ),
                _f(
                    "score_high",
                    "number",
                    "Upper bound (exclusive) of the unrounded score implied by the printed numbers.",
                    "points",
                ),
                _f("confidence", "number", "Lowest OCR confidence 0-100 of the row's numbers; empty for text layers."),
                PAGE,
                BBOX,
            ),
            ("report_id", "question_no"),
            ("question_text",),
        ),
        Table(
            "findings",
            "Strengths and improvement items of each area, in printed order.",
            (
                REPORT_ID,
                AREA_NO,
                _f(
                    "kind",
                    "string",
                    "'strength' (Styrkor) or 'improvement' (Förbättringsmöjligheter/-områden).",
                    enum=("strength", "improvement"),
                ),
                _f("position", "integer", "1-based position in its column."),
                _f("text", "string", "Item text, wrapped lines joined, bullet removed."),
                PAGE,
                BBOX,
                _f("confidence", "number", "Lowest OCR word confidence 0-100 of the item; empty for text layers."),
            ),
            ("report_id", "area_no", "kind", "position"),
            ("text",),
        ),
        Table(
            "sections",
            "Narrative text of each area under its sub-headings.",
            (
                REPORT_ID,
                AREA_NO,
                _f("position", "integer", "1-based position of the sub-heading in the area."),
                _f("heading", "string", "Sub-heading as printed ('Allmänt' or a sub-area)."),
                _f("text", "string", "Paragraphs under the heading, separated by a blank line."),
                PAGE,
                BBOX,
                _f(
                    "uncertain_breaks",
                    "integer",
                    "Paragraph breaks in `text` at a page or column break that the text layer cannot settle (a new "
                    "paragraph, or the one before going on: the words are all there). 0 when none; the info check "
                    "paragraph-break-uncertain gives the page and the two lines of each.",
                ),
            ),
            ("report_id", "area_no", "position"),
            ("heading", "text"),
        ),
        Table(
            "checks",
            "Findings of the consistency rules.",
            (
                REPORT_ID,
                _f("severity", "string", "'error', 'warning' or 'info'.", enum=SEVERITIES),
                _f("code", "string", "Stable code of the rule (see the check codes).", enum=tuple(sorted(RULES))),
                AREA_NO,
                _f("question_no", "string", "Question the check concerns, if any."),
                _f("message", "string", "What was found, with the numbers."),
                _f(
                    "details",
                    "string",
                    "The numbers behind the message as a JSON object (e.g. achieved, max, intervals as [low, high]; "
                    "keys depend on the code, see the README's checks).",
                ),
            ),
        ),
        Table(
            "corrections",
            "Values a person corrected (extract --corrections FILE): the published tables hold the corrected value, "
            "this table the value the extraction gave, who corrected it and why.",
            (
                REPORT_ID,
                _f("table", "string", "Table of the corrected value: reports, areas, questions or findings."),
                _f("area_no", "integer", "Area of the corrected value (areas, questions, findings)."),
                _f("question_no", "string", "Question of the corrected value (questions)."),
                _f("position", "string", "Finding of the corrected value as '<kind>:<position>', e.g. 'strength:3'."),
                _f("field", "string", "Column of the corrected value in its table."),
                _f("original", "string", "Value as extracted; empty when none was extracted."),
                _f("value", "string", "Value as corrected (now in the table); empty when the value was removed."),
                _f("who", "string", "Who made the correction, as given in the corrections file."),
                _f("note", "string", "Why, as given in the corrections file."),
                _f("line", "integer", "Line of the corrections file."),
            ),
            ("report_id", "table", "area_no", "question_no", "position", "field"),
        ),
        Table(
            "failures",
            "Inputs that could not be converted.",
            (
                _f("source_file", "string", f"Path of the input ({NAME_SHOWN})."),
                _f("sha256", "string", "SHA-256 of the input bytes, when readable."),
                _f(
                    "error_code",
                    "string",
                    f"Stable failure code ({', '.join(FAILURE_CODES)}; correction-unmatched for a corrections row "
                    "that names no report, with the file and line as source_file).",
                ),
                _f("message", "string", "Human-readable reason."),
            ),
        ),
        Table(
            "duplicates",
            "Inputs not converted on their own because another input has the same bytes, or is the same file reached "
            "twice (a link, two patterns): every input is a report, a failure or a duplicate.",
            (
                _f("source_file", "string", f"Path of the input ({NAME_SHOWN})."),
                _f("sha256", "string", "SHA-256 of the input bytes (empty for the same file reached twice)."),
                _f("duplicate_of", "string", "Path of the input converted in its place (the first, sorted)."),
                _f(
                    "reason",
                    "string",
                    "same-content (other file, same bytes) or same-file.",
                    enum=("same-content", "same-file"),
                ),  # fmt: skip
                _f("report_id", "string", "The report the input is published as (empty when that input failed)."),
            ),
        ),
        Table(
            "panel",
            "One row per report and concept: the area scores of every report side by side, whatever the edition.",
            (
                REPORT_ID,
                KOMMUNKOD,
                KOMMUN,
                YEAR,
                EDITION,
                CONCEPT,
                AREA_NO,
                _f("area_name", "string", "Area name of the report's own edition (canonical)."),
                _f(
                    "score",
                    "number",
                    "Area score the validator took as authoritative (see `areas.authoritative`).",
                    "points",
                ),
                _f("max", "number", "Maximum of the area.", "points"),
                _f("percent", "number", "Percent printed on the overview total row.", "percent"),
                COMPARABILITY_FIELD,
            ),
            ("report_id", "concept"),
        ),
        Table(
            "changes",
            "Per municipality, each pair of consecutive evaluations and each concept: the score before and after.",
            (
                KOMMUNKOD,
                KOMMUN,
                CONCEPT,
                *_evaluation_fields("before", "earlier"),
                *_evaluation_fields("after", "later"),
                _f("difference", "number", "score_after - score_before; empty when either is missing.", "points"),
                _f(
                    "comparability",
                    "string",
                    "'same' (same edition), 'revised' (criteria revised in between: compare with care) or "
                    "'different' (do not compare).",
                    enum=COMPARABILITY,
                ),
                _f(
                    "comparable",
                    "boolean",
                    "True only when both reports use the same criteria ('same'): rank changes on these rows.",
                ),
                _f("reason", "string", "Why the two scores are (not) comparable."),
            ),
            ("report_id_before", "report_id_after", "concept"),
        ),
        Table(
            "area_crosswalk",
            "Per concept and pair of editions: the two areas and whether their scores are comparable.",
            (
                CONCEPT,
                *_edition_area_fields("a", "Earlier"),
                *_edition_area_fields("b", "Later"),
                _f("comparability", "string", "'same', 'revised' or 'different'.", enum=COMPARABILITY),
                _f("reason", "string", "Why the areas are (not) comparable."),
            ),
            ("concept", "edition_a", "edition_b"),
        ),
    )
}
