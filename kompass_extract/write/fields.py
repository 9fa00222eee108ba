"""The building blocks of the output tables' one definition (:mod:`kompass_extract.write.schema`): what a column is,
what a table is, and the columns several tables share (a report's id, its municipality, its edition, a value's page
and position), each described once.
"""

from __future__ import annotations

from dataclasses import dataclass

from kompass_extract.match.catalog import COMPARABILITY, load_catalog


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


def column(
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


REPORT_ID = column(
    "report_id", "string", "Stable id of the report: '<kommunkod>-<year>' (suffix -2, -3 for a second report)."
)
AREA_NO = column("area_no", "integer", "Area number 1-8 as printed.")
KOMMUNKOD = column(
    "kommunkod",
    "string",
    "SCB kommunkod, 4 characters with leading zero; empty when unresolved.",
    pattern=KOMMUNKOD_PATTERN,
)
KOMMUN = column("kommun", "string", "Official municipality name from SCB's list.")
YEAR = column("year", "integer", "Year of the evaluation.")
EDITION = column(
    "edition",
    "string",
    f"Edition of the criteria: {', '.join(EDITIONS)}; empty when unknown.",
    enum=EDITIONS,
)
CONCEPT = column("concept", "string", "Edition-independent concept the area measures (see `area_crosswalk`).")
COMPARABILITY_FIELD = column(
    "comparability",
    "string",
    "Comparability with the concept's reference edition (2016, criteria fully known): 'same', 'revised' "
    "(criteria revised: compare with care) or 'different' (do not compare).",
    enum=COMPARABILITY,
)


def evaluation_fields(suffix: str, which: str) -> tuple[Field, ...]:
    """The columns of one side of a `changes` row (the earlier or the later report)."""
    return (
        column(f"report_id_{suffix}", "string", f"The {which} report."),
        column(f"year_{suffix}", "integer", f"Year of the {which} report."),
        column(f"edition_{suffix}", "string", f"Edition of the {which} report.", enum=EDITIONS),
        column(f"area_no_{suffix}", "integer", f"Area number of the concept in the {which} report's edition."),
        column(f"score_{suffix}", "number", f"Area score of the {which} report (as in `panel`).", "points"),
    )


def edition_area_fields(suffix: str, which: str) -> tuple[Field, ...]:
    """The columns of one side of an `area_crosswalk` row (the earlier or the later edition)."""
    return (
        column(f"edition_{suffix}", "string", f"{which} edition.", enum=EDITIONS),
        column(f"area_no_{suffix}", "integer", f"Area number of the concept in edition_{suffix}."),
        column(f"area_name_{suffix}", "string", f"Canonical area name in edition_{suffix}."),
    )


PAGE = column("page", "integer", "1-based page of the PDF where the value is printed.")
BBOX = column(
    "bbox", "string", "Position on the page as 'x0,top,x1,bottom' in PDF points from the top-left corner.", "pt"
)

NAME_SHOWN = "bytes of a name that are not UTF-8, and control characters such as a newline, as \\xHH"
"""How a file name is shown in a table (:func:`kompass_extract.common.files.display_path`)."""
