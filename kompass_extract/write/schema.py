"""The one definition of every output table.

Writers (CSV, Parquet, SQLite, XLSX), the data dictionary (``datapackage.json``) and the docs are
all generated from :data:`TABLES`, so a column cannot exist in one place and not in another.
"""

from __future__ import annotations

import json

from kompass_extract.common.data import data_text
from kompass_extract.errors import FAILURE_CODES
from kompass_extract.match.catalog import COMPARABILITY
from kompass_extract.validate import RULES, SEVERITIES
from kompass_extract.write.fields import (
    AREA_NO,
    BBOX,
    COMPARABILITY_FIELD,
    CONCEPT,
    EDITION,
    KOMMUN,
    KOMMUNKOD,
    NAME_SHOWN,
    PAGE,
    REPORT_ID,
    YEAR,
    Table,
    column,
    edition_area_fields,
    evaluation_fields,
)

PACKAGE = {k: v for k, v in json.loads(data_text("package.json")).items() if not k.startswith("_")}
"""Package-level metadata of ``datapackage.json`` and of the Datasette metadata: title, licences, sources."""


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "reports",
            "One row per converted report.",
            (
                REPORT_ID,
                column("source_file", "string", f"Path of the PDF as given ({NAME_SHOWN})."),
                column("sha256", "string", "SHA-256 of the PDF bytes."),
                column("municipality", "string", "Municipality as printed in the report (e.g. 'Luleå kommun')."),
                KOMMUN,
                KOMMUNKOD,
                YEAR,
                column("month", "string", "Month of the evaluation in Swedish, lower case, when printed."),
                EDITION,
                column(
                    "edition_confidence",
                    "number",
                    "Confidence 0-1 of the edition detection (1 when given by --edition).",
                ),
                column("template", "string", "Template family recognised from the cover and labels."),
                column("evaluators", "string", "Evaluators as printed, separated by '; '."),
                column("pages", "integer", "Number of pages of the PDF."),
                column("ocr", "boolean", "True when the text was read by OCR."),
                column(
                    "total_score",
                    "number",
                    "Sum of the eight overview area totals; empty unless all eight are printed.",
                    "points",
                ),
                column("total_max", "number", "Sum of the eight area maxima.", "points"),
                column("extractor_version", "string", "Version of kompass-extract that wrote the row."),
                column(
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
                column("area_name", "string", "Area name as printed in the section heading (or the overview table)."),
                column("area_name_canonical", "string", "Area name of the catalog edition."),
                CONCEPT,
                COMPARABILITY_FIELD,
                column(
                    "score", "number", "Area total of the overview table (rounded sum of unrounded scores).", "points"
                ),
                column("max", "number", "Maximum of the area from the overview total row.", "points"),
                column("percent", "number", "Percent printed on the overview total row.", "percent"),
                column(
                    "header_score",
                    "number",
                    "Score printed in the area's 'Poäng' box (sum of rounded scores).",
                    "points",
                ),
                column(
                    "authoritative",
                    "string",
                    "Which printed number the tool takes as the area score: 'score' or 'header_score'.",
                ),
                column("rubriker", "string", "Sub-area headings listed in the 'Rubriker' box, separated by '; '."),
                PAGE,
                column("total_page", "integer", "Page of the overview total row."),
                column("header_page", "integer", "Page of the 'Poäng' box."),
                column("total_bbox", "string", "Position of the overview total row on total_page, as bbox.", "pt"),
                column("header_bbox", "string", "Position of the 'Poäng' box number on header_page, as bbox.", "pt"),
                column(
                    "total_confidence", "number", "Lowest OCR confidence 0-100 of the total row; empty for text layers."
                ),
                column(
                    "header_confidence", "number", "OCR confidence 0-100 of the 'Poäng' box; empty for text layers."
                ),
            ),
            ("report_id", "area_no"),
        ),
        Table(
            "questions",
            "One row per printed sub-question of the overview tables.",
            (
                REPORT_ID,
                AREA_NO,
                column("question_no", "string", "Question number as printed, e.g. '1.1'."),
                column("question_text", "string", "Question text as printed, wrapped lines joined."),
                column(
                    "catalog_id", "string", "Matched catalog criterion '<edition>:<question_no>'; empty when unmatched."
                ),
                column("catalog_text", "string", "Catalog wording of the matched criterion."),
                column("match_score", "number", "Similarity 0-100 of the printed text to the catalog text."),
                column("achieved", "number", "'Uppnått' as printed (rounded score).", "points"),
                column("max", "number", "'Max' as printed.", "points"),
                column(
                    "percent",
                    "number",
                    "'Procent' as printed (from the unrounded score); empty when not printed.",
                    "percent",
                ),
                column(
                    "score_low",
                    "number",
                    "Lower bound (inclusive) of the unrounded score implied by the printed numbers.",
                    "points",
                ),
                column(
                    "score_high",
                    "number",
                    "Upper bound (exclusive) of the unrounded score implied by the printed numbers.",
                    "points",
                ),
                column(
                    "confidence", "number", "Lowest OCR confidence 0-100 of the row's numbers; empty for text layers."
                ),
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
                column(
                    "kind",
                    "string",
                    "'strength' (Styrkor) or 'improvement' (Förbättringsmöjligheter/-områden).",
                    enum=("strength", "improvement"),
                ),
                column("position", "integer", "1-based position in its column."),
                column("text", "string", "Item text, wrapped lines joined, bullet removed."),
                PAGE,
                BBOX,
                column("confidence", "number", "Lowest OCR word confidence 0-100 of the item; empty for text layers."),
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
                column("position", "integer", "1-based position of the sub-heading in the area."),
                column("heading", "string", "Sub-heading as printed ('Allmänt' or a sub-area)."),
                column("text", "string", "Paragraphs under the heading, separated by a blank line."),
                PAGE,
                BBOX,
                column(
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
                column("severity", "string", "'error', 'warning' or 'info'.", enum=SEVERITIES),
                column("code", "string", "Stable code of the rule (see the check codes).", enum=tuple(sorted(RULES))),
                AREA_NO,
                column("question_no", "string", "Question the check concerns, if any."),
                column("message", "string", "What was found, with the numbers."),
                column(
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
                column("table", "string", "Table of the corrected value: reports, areas, questions or findings."),
                column("area_no", "integer", "Area of the corrected value (areas, questions, findings)."),
                column("question_no", "string", "Question of the corrected value (questions)."),
                column(
                    "position", "string", "Finding of the corrected value as '<kind>:<position>', e.g. 'strength:3'."
                ),
                column("field", "string", "Column of the corrected value in its table."),
                column("original", "string", "Value as extracted; empty when none was extracted."),
                column("value", "string", "Value as corrected (now in the table); empty when the value was removed."),
                column("who", "string", "Who made the correction, as given in the corrections file."),
                column("note", "string", "Why, as given in the corrections file."),
                column("line", "integer", "Line of the corrections file."),
            ),
            ("report_id", "table", "area_no", "question_no", "position", "field"),
        ),
        Table(
            "failures",
            "Inputs that could not be converted.",
            (
                column("source_file", "string", f"Path of the input ({NAME_SHOWN})."),
                column("sha256", "string", "SHA-256 of the input bytes, when readable."),
                column(
                    "error_code",
                    "string",
                    f"Stable failure code ({', '.join(FAILURE_CODES)}; correction-unmatched for a corrections row "
                    "that names no report, with the file and line as source_file).",
                ),
                column("message", "string", "Human-readable reason."),
            ),
        ),
        Table(
            "duplicates",
            "Inputs not converted on their own because another input has the same bytes, or is the same file reached "
            "twice (a link, two patterns): every input is a report, a failure or a duplicate.",
            (
                column("source_file", "string", f"Path of the input ({NAME_SHOWN})."),
                column("sha256", "string", "SHA-256 of the input bytes (empty for the same file reached twice)."),
                column("duplicate_of", "string", "Path of the input converted in its place (the first, sorted)."),
                column(
                    "reason",
                    "string",
                    "same-content (other file, same bytes) or same-file.",
                    enum=("same-content", "same-file"),
                ),  # fmt: skip
                column("report_id", "string", "The report the input is published as (empty when that input failed)."),
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
                column("area_name", "string", "Area name of the report's own edition (canonical)."),
                column(
                    "score",
                    "number",
                    "Area score the validator took as authoritative (see `areas.authoritative`).",
                    "points",
                ),
                column("max", "number", "Maximum of the area.", "points"),
                column("percent", "number", "Percent printed on the overview total row.", "percent"),
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
                *evaluation_fields("before", "earlier"),
                *evaluation_fields("after", "later"),
                column("difference", "number", "score_after - score_before; empty when either is missing.", "points"),
                column(
                    "comparability",
                    "string",
                    "'same' (same edition), 'revised' (criteria revised in between: compare with care) or "
                    "'different' (do not compare).",
                    enum=COMPARABILITY,
                ),
                column(
                    "comparable",
                    "boolean",
                    "True only when both reports use the same criteria ('same'): rank changes on these rows.",
                ),
                column("reason", "string", "Why the two scores are (not) comparable."),
            ),
            ("report_id_before", "report_id_after", "concept"),
        ),
        Table(
            "area_crosswalk",
            "Per concept and pair of editions: the two areas and whether their scores are comparable.",
            (
                CONCEPT,
                *edition_area_fields("a", "Earlier"),
                *edition_area_fields("b", "Later"),
                column("comparability", "string", "'same', 'revised' or 'different'.", enum=COMPARABILITY),
                column("reason", "string", "Why the areas are (not) comparable."),
            ),
            ("concept", "edition_a", "edition_b"),
        ),
    )
}
