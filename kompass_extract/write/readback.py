"""Read an output folder back, in whichever format it holds: CSV (either dialect), Parquet, SQLite or XLSX.

``review``, ``chart`` and ``catalog propose`` show what was published, so they read the tables rather than the
cache. A folder written with ``--format sqlite`` by an older version, or one whose CSVs a user deleted, is as
readable as any other. Values are typed by their declaration in :data:`kompass_extract.write.schema.TABLES`: a
kommunkod such as "0115" and a question_no such as "1.10" stay text, an empty cell is ``None``.
"""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path
from typing import Any

from kompass_extract.errors import OutputFolderError
from kompass_extract.write.formats import EXCEL_SV_DIR, SQLITE_NAME, XLSX_NAME, format_csv_value, read_output_csv
from kompass_extract.write.schema import TABLES

Row = dict[str, Any]
READ_ORDER = ("csv", "excel-sv", "parquet", "sqlite", "xlsx")
"""The format read when a folder holds several (they hold the same rows): the plainest first."""


def _table_path(out: Path, fmt: str, table: str) -> Path:
    return {
        "csv": out / f"{table}.csv",
        "excel-sv": out / EXCEL_SV_DIR / f"{table}.csv",
        "parquet": out / f"{table}.parquet",
        "sqlite": out / SQLITE_NAME,
        "xlsx": out / XLSX_NAME,
    }[fmt]


def output_format(out_dir: str | Path) -> str:
    """The format :func:`read_output_table` reads in this folder: the first of :data:`READ_ORDER` it holds."""
    out = Path(out_dir)
    for fmt in READ_ORDER:
        if _table_path(out, fmt, "reports").is_file():
            return fmt
    raise OutputFolderError(
        f"{out} has no reports table (reports.csv, reports.parquet, {SQLITE_NAME} or {XLSX_NAME}): "
        "is it a folder written by 'kompass-extract extract --out'?"
    )


def typed(value: Any, type_: str, decimal: str = ".") -> Any:
    """A cell as its schema type, whatever the format gave (text from CSV, 0/1 from SQLite, floats from XLSX)."""
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str) and type_ in ("integer", "number"):
        value = float(value.replace(decimal, ".") if decimal != "." else value)
    if type_ == "integer":
        return int(value)
    if type_ == "number":
        return float(value)
    if type_ == "boolean":
        return value.strip().lower() in ("true", "1", "yes") if isinstance(value, str) else bool(value)
    return value if isinstance(value, str) else format_csv_value(value)


def _raw_rows(path: Path, fmt: str, table: str) -> tuple[list[Row], str]:
    """Rows as the format stores them, and the decimal mark of text numbers."""
    if fmt in ("csv", "excel-sv"):
        return read_output_csv(path)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return pq.read_table(path).to_pylist(), "."
    if fmt == "sqlite":
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            conn.row_factory = sqlite3.Row
            if not conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (table,)).fetchone():
                return [], "."
            return [dict(r) for r in conn.execute(f'SELECT * FROM "{table}"')], "."
        finally:
            conn.close()
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        found: list[Row] = []
        for name in continued_sheets(book.sheetnames, table):
            rows = book[name].iter_rows(values_only=True)
            header = [str(h) for h in next(rows, ())]
            found += [dict(zip(header, r, strict=False)) for r in rows]
        return found, "."
    finally:
        book.close()


def continued_sheets(names: list[str], table: str) -> list[str]:
    """The sheets holding ``table``: its own, then ``table (2)``, ``table (3)``, ... where Excel's row limit made
    the writer go on (:mod:`kompass_extract.write.xlsx`)."""
    sheets = []
    while (name := table if not sheets else f"{table} ({len(sheets) + 1})") in names:
        sheets.append(name)
    return sheets


def read_output_table(out_dir: str | Path, table: str, fmt: str | None = None, as_text: bool = False) -> list[Row]:
    """Rows of one table of an output folder, typed by the schema (columns it does not know stay as stored).

    ``as_text`` gives every value as the default CSV would print it ('' for empty), for code written against CSV
    rows. A table the folder lacks (written by an older version) reads as no rows.
    """
    out = Path(out_dir)
    fmt = fmt or output_format(out)
    path = _table_path(out, fmt, table)
    if not path.is_file():
        return []
    raw, decimal = _raw_rows(path, fmt, table)
    types = {f.name: f.type for f in TABLES[table].fields}
    rows = [{k: typed(v, types.get(k, "string"), decimal) for k, v in row.items()} for row in raw]
    if as_text:
        return [{k: format_csv_value(v) for k, v in row.items()} for row in rows]
    return rows
