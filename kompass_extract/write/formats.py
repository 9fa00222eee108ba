"""Write the output tables as CSV, Parquet, SQLite and XLSX, plus the ``datapackage.json`` data dictionary.

Every writer takes its columns and types from :data:`kompass_extract.write.schema.TABLES`, so the formats cannot
disagree. Files are written under a temporary name in the output directory and renamed into place only when
every file of the set is complete (:func:`write_outputs`), so an interrupted run leaves the previous outputs
or the new ones, never half a table. pyarrow and openpyxl are imported inside their writers: the batch's
worker processes import this module's package and should not pay for them.
"""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kompass_extract.common.files import FILE_MODE, atomic_path, json_text, staged_paths  # noqa: F401 (re-exported)
from kompass_extract.write.fields import Table
from kompass_extract.write.schema import TABLES

Rows = Sequence[Mapping[str, Any]]
FORMATS = ("csv", "parquet", "sqlite", "xlsx")
DEFAULT_FORMATS = ("csv", "parquet")
SQLITE_NAME = "kompass.sqlite"
XLSX_NAME = "kompass.xlsx"
DATAPACKAGE_NAME = "datapackage.json"
DATASETTE_METADATA_NAME = "datasette-metadata.json"
SQLITE_DESCRIPTION = (
    "Every table in one SQLite database: foreign keys to reports, indexes, full-text search (FTS5, case folded, "
    "å ä ö kept) and views joining municipality and year (ready for Datasette: kompass-extract serve)."
)
DATASETTE_METADATA_DESCRIPTION = "Datasette metadata of kompass.sqlite: descriptions, units, licence, source, search."


@dataclass(frozen=True)
class CsvDialect:
    """How a CSV file is spelled; ``excel-sv`` is what Swedish Excel opens with a double click."""

    delimiter: str
    decimal: str
    encoding: str
    lineterminator: str


CSV_DIALECTS: dict[str, CsvDialect] = {
    "default": CsvDialect(",", ".", "utf-8", "\n"),
    "excel-sv": CsvDialect(";", ",", "utf-8-sig", "\r\n"),
}


# --- values ---------------------------------------------------------------------------------------------------


def coerce(value: Any, type_: str) -> Any:
    """A row value as the Python type of its schema type; None (and NaN) stay None, never 0.

    A value of the wrong kind (text in an integer column, a fractional year) is a bug upstream and raises,
    rather than being written as something it is not.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if type_ == "string":
        return value if isinstance(value, str) else str(value)
    if type_ == "boolean" and isinstance(value, bool):
        return value
    if type_ == "integer" and not isinstance(value, bool):
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
    if type_ == "number" and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise TypeError(f"{value!r} is not a valid {type_}")


def typed_rows(table: Table, rows: Rows) -> list[list[Any]]:
    """Rows as lists in schema column order, each value coerced to its column's type."""
    out = []
    for row in rows:
        values = []
        for f in table.fields:
            try:
                values.append(coerce(row.get(f.name), f.type))
            except TypeError as exc:
                raise TypeError(f"{table.name}.{f.name}: {exc}") from None
        out.append(values)
    return out


def format_csv_value(value: Any, decimal: str = ".") -> str:
    """A coerced value as CSV text: empty for None, integral numbers without '.0', shortest round-trip floats."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
        return text.replace(".", decimal)
    return str(value)


def write_json(path: str | os.PathLike[str], data: Any, indent: int | None = 2) -> None:
    """Write JSON with sorted keys and a final newline, so equal data gives equal bytes.

    ``indent=None`` is several times faster (json's C encoder only runs without indentation): for bulky files.
    A file name that is not valid UTF-8 is kept exactly (see :func:`~kompass_extract.common.files.json_text`).
    """
    Path(path).write_text(json_text(data, indent) + "\n", encoding="utf-8")


# --- formats --------------------------------------------------------------------------------------------------


class CsvTableWriter:
    """One table's CSV file, appended to as rows arrive; rows are lists in schema order, already coerced."""

    def __init__(
        self, path: str | os.PathLike[str], table: Table, dialect: CsvDialect = CSV_DIALECTS["default"]
    ) -> None:
        self.file = open(path, "w", encoding=dialect.encoding, newline="")  # noqa: SIM115 (closed by close/abort)
        self.writer = csv.writer(self.file, delimiter=dialect.delimiter, lineterminator=dialect.lineterminator)
        self.decimal = dialect.decimal
        self.writer.writerow(table.field_names)

    def add(self, rows: list[list[Any]]) -> None:
        self.writer.writerows([format_csv_value(v, self.decimal) for v in values] for values in rows)

    def close(self) -> None:
        self.file.close()

    abort = close


# --- the set of files -----------------------------------------------------------------------------------------

EXCEL_SV_DIR = "excel-sv"
"""Folder of the Swedish Excel dialect's CSVs, beside the default ones (R, pandas and Excel users share a folder)."""


def output_files(formats: Sequence[str], csv_dialect: str = "default") -> list[str]:
    """The files (relative paths) an output set of these formats consists of, ``datapackage.json`` last."""
    names = [f"{t}.csv" for t in TABLES]
    if csv_dialect == "excel-sv":
        names += [f"{EXCEL_SV_DIR}/{t}.csv" for t in TABLES]
    if "parquet" in formats:
        names += [f"{t}.parquet" for t in TABLES]
    names += [SQLITE_NAME, DATASETTE_METADATA_NAME] if "sqlite" in formats else []
    names += [XLSX_NAME] if "xlsx" in formats else []
    return names + [DATAPACKAGE_NAME]


def formats_of(files: Iterable[str]) -> tuple[set[str], str]:
    """The formats and CSV dialect an earlier output set consisted of, from its list of files."""
    files = set(files)
    base = set(output_files(()))
    formats = {f for f in FORMATS if (set(output_files((f,))) - base) & files} | {"csv"}
    return formats, "excel-sv" if f"{EXCEL_SV_DIR}/reports.csv" in files else "default"


def output_plan(
    formats: Sequence[str], csv_dialect: str, previous_files: Iterable[str] = ()
) -> tuple[tuple[str, ...], str, list[str]]:
    """What to write: the formats asked for plus those the folder already holds, so formats add up.

    CSV is always written (``datapackage.json`` describes it; every reader takes it). A format an earlier run
    wrote into the folder is written again from this run's data rather than deleted or left describing
    another run; the notes say so. Returns (formats, csv dialect, notes).
    """
    kept, kept_dialect = formats_of(previous_files) if previous_files else (set(), "default")
    chosen = tuple(f for f in FORMATS if f in formats or f in kept or f == "csv")
    dialect = "excel-sv" if "excel-sv" in (csv_dialect, kept_dialect) else "default"
    notes = []
    added = [f for f in chosen if f not in formats and f in kept and f != "csv"] + (
        [f"{EXCEL_SV_DIR}/ CSVs"] if dialect != csv_dialect else []
    )
    if added:
        notes.append(
            f"also rewrote {', '.join(added)}: written into this folder by an earlier run, now updated so that "
            "every format describes this run (delete those files to stop this)"
        )
    return chosen, dialect, notes


def write_outputs(
    out_dir: str | os.PathLike[str],
    tables: Mapping[str, Rows],
    *,
    formats: Sequence[str] = DEFAULT_FORMATS,
    csv_dialect: str = "default",
    created: str | None = None,
) -> tuple[list[str], list[str]]:
    """Write every table as CSV and in each format asked for, plus ``datapackage.json``; publish them together.

    ``tables`` must hold rows for every table of :data:`TABLES`. CSV is always written; ``csv_dialect='excel-sv'``
    adds the Swedish Excel dialect's CSVs in ``excel-sv/`` beside them. ``created`` (ISO 8601) dates the data
    package (default: now). Nothing is deleted here: which earlier files go is the caller's decision.
    Returns (file names written, warnings). The batch streams its rows into an
    :class:`~kompass_extract.write.outputs.OutputSet` instead of holding whole tables.
    """
    from kompass_extract.write.outputs import output_set

    if set(tables) != set(TABLES):
        raise ValueError(f"tables must be exactly {sorted(TABLES)}")
    with (
        staged_paths() as stage,
        output_set(out_dir, stage, formats=formats, csv_dialect=csv_dialect, created=created) as outputs,
    ):
        for name in TABLES:
            outputs.add(name, tables[name])
    return outputs.files, outputs.warnings


def read_output_csv(path: str | os.PathLike[str]) -> tuple[list[dict[str, str]], str]:
    """Rows (as text) of a table this module wrote, in either CSV dialect, and its decimal mark.

    The Excel dialect is told by its semicolons (and its BOM is skipped), so tools that read an output folder
    need not be told how it was written.
    """
    with open(path, newline="", encoding="utf-8-sig") as fh:
        header = fh.readline()
        fh.seek(0)
        delimiter, decimal = (";", ",") if header.count(";") > header.count(",") else (",", ".")
        return [{k: v or "" for k, v in row.items()} for row in csv.DictReader(fh, delimiter=delimiter)], decimal
