"""Write the output tables as CSV, Parquet, SQLite and XLSX, plus the ``datapackage.json`` data dictionary.

Every writer takes its columns and types from :data:`kompass_extract.write.schema.TABLES`, so the formats cannot
disagree. Files are written under a temporary name in the output directory and renamed into place only when
every file of the set is complete (:func:`write_outputs`), so an interrupted run leaves the previous outputs
or the new ones, never half a table. pyarrow and openpyxl are imported inside their writers: the batch's
worker processes import this module's package and should not pay for them.
"""

from __future__ import annotations

import csv
import json
import math
import os
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kompass_extract import __version__
from kompass_extract.common.files import FILE_MODE, atomic_path, staged_paths  # noqa: F401 (re-exported)
from kompass_extract.write.schema import TABLES, Table

Rows = Sequence[Mapping[str, Any]]
FORMATS = ("csv", "parquet", "sqlite", "xlsx")
DEFAULT_FORMATS = ("csv", "parquet")
SQLITE_NAME = "kompass.sqlite"
XLSX_NAME = "kompass.xlsx"
DATAPACKAGE_NAME = "datapackage.json"


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


def duplicate_keys(table: Table, rows: Rows) -> list[tuple[Any, ...]]:
    """Primary-key values that occur more than once (the SQLite writer then declares no primary key)."""
    if not table.primary_key:
        return []
    seen: set[tuple[Any, ...]] = set()
    dupes: list[tuple[Any, ...]] = []
    for row in rows:
        key = tuple(row.get(k) for k in table.primary_key)
        if key in seen and key not in dupes:
            dupes.append(key)
        seen.add(key)
    return dupes


def write_json(path: str | os.PathLike[str], data: Any, indent: int | None = 2) -> None:
    """Write JSON with sorted keys and a final newline, so equal data gives equal bytes.

    ``indent=None`` is several times faster (json's C encoder only runs without indentation): for bulky files.
    """
    text = json.dumps(data, ensure_ascii=False, indent=indent, sort_keys=True)
    Path(path).write_text(text + "\n", encoding="utf-8")


# --- formats --------------------------------------------------------------------------------------------------


def write_csv(
    path: str | os.PathLike[str], table: Table, rows: Rows, dialect: CsvDialect = CSV_DIALECTS["default"]
) -> None:
    with open(path, "w", encoding=dialect.encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=dialect.delimiter, lineterminator=dialect.lineterminator)
        writer.writerow(table.field_names)
        for values in typed_rows(table, rows):
            writer.writerow([format_csv_value(v, dialect.decimal) for v in values])


PANDAS_DTYPES = {"string": "string", "integer": "Int64", "number": "float64", "boolean": "boolean"}


def write_parquet(path: str | os.PathLike[str], table: Table, rows: Rows) -> None:
    """Typed Parquet; pandas reads integers back as nullable Int64 and kommunkod as text.

    The frame goes through pandas so that the file carries pandas' dtype metadata (Int64, boolean); the
    schema's descriptions and units ride along as field metadata. No timestamps are stored.
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    values = typed_rows(table, rows)
    frame = pd.DataFrame(
        {f.name: pd.array([row[i] for row in values], dtype=PANDAS_DTYPES[f.type]) for i, f in enumerate(table.fields)}
    )
    arrow = pa.Table.from_pandas(frame, preserve_index=False)
    fields = []
    for f, arrow_field in zip(table.fields, arrow.schema, strict=True):
        meta = {"description": f.description} | ({"unit": f.unit} if f.unit else {})
        fields.append(arrow_field.with_metadata(meta))
    schema = pa.schema(fields, metadata={**arrow.schema.metadata, b"description": table.description.encode()})
    pq.write_table(arrow.cast(schema), path)


SQLITE_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER"}


def write_sqlite(path: str | os.PathLike[str], tables: Mapping[str, Rows]) -> list[str]:
    """One database with every table, typed columns and primary keys (ready for Datasette or sqlite3).

    Returns warnings: a table whose rows repeat a primary key gets a plain index instead of losing rows.
    """
    warnings = []
    conn = sqlite3.connect(path)
    try:
        with conn:
            for name, rows in tables.items():
                table = TABLES[name]
                columns = [f'"{f.name}" {SQLITE_TYPES[f.type]}' for f in table.fields]
                key = ", ".join(f'"{k}"' for k in table.primary_key)
                dupes = duplicate_keys(table, rows)
                if key and not dupes:
                    columns.append(f"PRIMARY KEY ({key})")
                conn.execute(f'CREATE TABLE "{name}" ({", ".join(columns)})')
                if key and dupes:
                    conn.execute(f'CREATE INDEX "{name}_key" ON "{name}" ({key})')
                    warnings.append(f"{name}: repeated primary key {dupes[0]!r}; {SQLITE_NAME} has an index instead")
                marks = ", ".join("?" for _ in table.fields)
                conn.executemany(f'INSERT INTO "{name}" VALUES ({marks})', typed_rows(table, rows))
    finally:
        conn.close()
    return warnings


def write_xlsx(path: str | os.PathLike[str], tables: Mapping[str, Rows]) -> None:
    """One sheet per table; text stays text (kommunkod '0114', a finding that starts with '=')."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    for name, rows in tables.items():
        table = TABLES[name]
        sheet = book.create_sheet(name)
        sheet.append(table.field_names)
        for values in typed_rows(table, rows):
            cells = []
            for value in values:
                cell = WriteOnlyCell(
                    sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value
                )
                if isinstance(value, str):
                    cell.data_type = "s"
                cells.append(cell)
            sheet.append(cells)
    book.save(path)


# --- data dictionary ------------------------------------------------------------------------------------------

_RESOURCE_FORMATS = {
    "csv": ("csv", "text/csv"),
    "parquet": ("parquet", "application/vnd.apache.parquet"),
}


def datapackage(formats: Sequence[str] = DEFAULT_FORMATS, csv_dialect: str = "default") -> dict[str, Any]:
    """The frictionless data package describing every table, generated from :data:`TABLES`.

    Resources point at the CSV files when CSV is written, otherwise at the Parquet files.
    """
    fmt = next(f for f in ("csv", "parquet") if f in formats)
    dialect = CSV_DIALECTS[csv_dialect]
    resources = []
    for table in TABLES.values():
        fields = []
        for f in table.fields:
            field: dict[str, Any] = {"name": f.name, "type": f.type, "description": f.description}
            if f.unit:
                field["unit"] = f.unit
            if fmt == "csv" and f.type == "number" and dialect.decimal != ".":
                field["decimalChar"] = dialect.decimal
            fields.append(field)
        schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
        if table.primary_key:
            schema["primaryKey"] = list(table.primary_key)
        if table.name != "reports" and "report_id" in table.field_names:
            schema["foreignKeys"] = [
                {"fields": ["report_id"], "reference": {"resource": "reports", "fields": ["report_id"]}}
            ]
        extension, mediatype = _RESOURCE_FORMATS[fmt]
        resource: dict[str, Any] = {
            "name": table.name,
            "path": f"{table.name}.{extension}",
            "profile": "tabular-data-resource",
            "format": extension,
            "mediatype": mediatype,
            "description": table.description,
            "schema": schema,
        }
        if fmt == "csv":
            resource["encoding"] = dialect.encoding
            resource["dialect"] = {
                "delimiter": dialect.delimiter,
                "header": True,
                "lineTerminator": dialect.lineterminator,
            }
        resources.append(resource)
    return {
        "profile": "tabular-data-package",
        "name": "kommunkompassen",
        "title": "Kommunkompassen evaluation reports",
        "description": "Scores, questions, findings and narrative of Kommunkompassen reports, extracted from the PDFs.",
        "generator": f"kompass-extract {__version__}",
        "resources": resources,
    }


def write_outputs(
    out_dir: str | os.PathLike[str],
    tables: Mapping[str, Rows],
    *,
    formats: Sequence[str] = DEFAULT_FORMATS,
    csv_dialect: str = "default",
) -> tuple[list[str], list[str]]:
    """Write every table in each format plus ``datapackage.json``; publish them together.

    ``tables`` must hold rows for every table of :data:`TABLES`. Returns (file names written, warnings).
    ``datapackage.json`` is written when CSV or Parquet is among the formats (its resources need a file).
    """
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise ValueError(f"unknown format(s): {', '.join(unknown)}")
    if set(tables) != set(TABLES):
        raise ValueError(f"tables must be exactly {sorted(TABLES)}")
    ordered = {name: tables[name] for name in TABLES}
    out = Path(out_dir)
    written: list[str] = []
    warnings: list[str] = []
    with staged_paths() as stage:
        for name, rows in ordered.items():
            if "csv" in formats:
                write_csv(stage(out / f"{name}.csv"), TABLES[name], rows, CSV_DIALECTS[csv_dialect])
                written.append(f"{name}.csv")
            if "parquet" in formats:
                write_parquet(stage(out / f"{name}.parquet"), TABLES[name], rows)
                written.append(f"{name}.parquet")
        if "sqlite" in formats:
            warnings += write_sqlite(stage(out / SQLITE_NAME), ordered)
            written.append(SQLITE_NAME)
        if "xlsx" in formats:
            write_xlsx(stage(out / XLSX_NAME), ordered)
            written.append(XLSX_NAME)
        if "csv" in formats or "parquet" in formats:
            write_json(stage(out / DATAPACKAGE_NAME), datapackage(formats, csv_dialect))
            written.append(DATAPACKAGE_NAME)
    for stale in _output_names() - set(written):  # files of formats not asked for now would describe another run
        (out / stale).unlink(missing_ok=True)
    return written, warnings


def _output_names() -> set[str]:
    names = {f"{name}.{ext}" for name in TABLES for ext in ("csv", "parquet")}
    return names | {SQLITE_NAME, XLSX_NAME, DATAPACKAGE_NAME}


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
