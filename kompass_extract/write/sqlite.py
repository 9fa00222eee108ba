"""The SQLite output, ready for Datasette and sqlite3: keys, indexes, full-text search, views, metadata.

Everything comes from :data:`kompass_extract.write.schema.TABLES`:
- every column typed, the primary key declared, and a foreign key from each ``report_id`` column (also
  ``report_id_before``/``report_id_after`` of ``changes``) to ``reports``, so Datasette links rows to their report;
- an index on each ``report_id``, ``kommunkod`` and ``year`` column that no primary key already leads with;
- an FTS5 index ``<table>_fts`` over each table's :attr:`Table.search` columns. Its tokenizer folds case for
  every letter (Ö finds ö) but keeps diacritics (``remove_diacritics 0``): in Swedish å, ä and ö are letters of
  their own ("får" is not "far"). SQLite's LIKE folds ASCII only, so search through the FTS tables;
- a view ``<table>_by_kommun`` per table that lacks municipality and year, joining them from ``reports``;
- :func:`datasette_metadata`: titles, descriptions, units, licence, source, and the search of each view.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Mapping
from typing import Any

from kompass_extract.write.formats import SQLITE_NAME, Rows, duplicate_keys, typed_rows
from kompass_extract.write.schema import PACKAGE, TABLES, Table

SQLITE_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER"}
FTS_TOKENIZER = "unicode61 remove_diacritics 0"
INDEXED = ("report_id", "kommunkod", "year")
CONTEXT = ("kommunkod", "kommun", "year", "edition")
"""Columns of ``reports`` the views add to a table's rows."""
DATASETTE_UNITS = {"percent": "percent"}
"""Schema units Datasette (Pint) understands as meant; score points and PDF points are not physical units."""


def fts_name(table: str) -> str:
    return f"{table}_fts"


def view_name(table: str) -> str:
    return f"{table}_by_kommun"


def has_view(table: Table) -> bool:
    """Tables whose rows need a join to say which municipality and year they belong to."""
    return "report_id" in table.field_names and "kommunkod" not in table.field_names


def report_columns(table: Table) -> list[str]:
    return [n for n in table.field_names if n == "report_id" or n.startswith("report_id_")]


def create_table(conn: sqlite3.Connection, table: Table, rows: Rows, with_foreign_keys: bool) -> str | None:
    """Create and fill one table; returns a warning when repeated keys forced an index instead of the primary key."""
    columns = [f'"{f.name}" {SQLITE_TYPES[f.type]}' for f in table.fields]
    key = ", ".join(f'"{k}"' for k in table.primary_key)
    dupes = duplicate_keys(table, rows)
    if key and not dupes:
        columns.append(f"PRIMARY KEY ({key})")
    if with_foreign_keys and table.name != "reports":
        columns += [f'FOREIGN KEY ("{c}") REFERENCES reports (report_id)' for c in report_columns(table)]
    conn.execute(f'CREATE TABLE "{table.name}" ({", ".join(columns)})')
    marks = ", ".join("?" for _ in table.fields)
    conn.executemany(f'INSERT INTO "{table.name}" VALUES ({marks})', typed_rows(table, rows))
    leading = table.primary_key[0] if table.primary_key and not dupes else None
    for column in [c for c in table.field_names if c in INDEXED or c.startswith("report_id_")]:
        if column != leading:
            conn.execute(f'CREATE INDEX "{table.name}_{column}" ON "{table.name}" ("{column}")')
    if key and dupes:
        conn.execute(f'CREATE INDEX "{table.name}_key" ON "{table.name}" ({key})')
        return f"{table.name}: repeated primary key {dupes[0]!r}; {SQLITE_NAME} has an index instead"
    return None


def create_search(conn: sqlite3.Connection, table: Table) -> None:
    """An external-content FTS5 index over the table's search columns (Datasette finds it by ``content=``)."""
    columns = ", ".join(f'"{c}"' for c in table.search)
    conn.execute(
        f'CREATE VIRTUAL TABLE "{fts_name(table.name)}" USING fts5({columns}, content="{table.name}", '
        f"tokenize='{FTS_TOKENIZER}')"
    )
    conn.execute(f'INSERT INTO "{fts_name(table.name)}" (rowid, {columns}) SELECT rowid, {columns} FROM "{table.name}"')


def create_view(conn: sqlite3.Connection, table: Table) -> None:
    """The table's rows with municipality and year in front (and the row id its FTS index refers to)."""
    context = ", ".join(f'r."{c}"' for c in CONTEXT)
    rowid = ", t.rowid AS fts_rowid" if table.search else ""
    conn.execute(
        f'CREATE VIEW "{view_name(table.name)}" AS SELECT {context}, t.*{rowid} '
        f'FROM "{table.name}" AS t LEFT JOIN reports AS r ON r.report_id = t.report_id'
    )


def write_sqlite(path: str | os.PathLike[str], tables: Mapping[str, Rows]) -> list[str]:
    """One database with every table (see the module docstring). Returns warnings about repeated keys.

    Foreign keys are declared only when ``reports`` keeps its primary key (a key must reference a unique column).
    """
    warnings = []
    reports_unique = not duplicate_keys(TABLES["reports"], tables.get("reports", []))
    conn = sqlite3.connect(path)
    try:
        with conn:
            for name, rows in tables.items():
                table = TABLES[name]
                warning = create_table(conn, table, rows, with_foreign_keys=reports_unique)
                warnings += [warning] if warning else []
                if table.search:
                    create_search(conn, table)
                if has_view(table):
                    create_view(conn, table)
    finally:
        conn.close()
    return warnings


def _columns(table: Table) -> dict[str, str]:
    return {f.name: f.description + (f" Unit: {f.unit}." if f.unit else "") for f in table.fields}


def datasette_metadata() -> dict[str, Any]:
    """Datasette metadata for ``kompass.sqlite``, generated from the schema (``datasette -m``)."""
    license_ = PACKAGE["licenses"][0]
    tables: dict[str, Any] = {}
    for table in TABLES.values():
        entry: dict[str, Any] = {"description": table.description, "columns": _columns(table)}
        units = {f.name: DATASETTE_UNITS[f.unit] for f in table.fields if f.unit in DATASETTE_UNITS}
        if units:
            entry["units"] = units
        tables[table.name] = entry
        if table.search:
            tables[fts_name(table.name)] = {"hidden": True}
        if has_view(table):
            view: dict[str, Any] = {
                "description": f"{table.description} With municipality and year from reports.",
                "columns": {**{c: TABLES["reports"].field(c).description for c in CONTEXT}, **_columns(table)},
            }
            if table.search:
                view |= {"fts_table": fts_name(table.name), "fts_pk": "fts_rowid"}
            tables[view_name(table.name)] = view
    return {
        "title": PACKAGE["title"],
        "description": PACKAGE["description"],
        "license": f"{license_['name']}: {license_['title']}",
        "source": PACKAGE["sources"][0]["title"],
        "databases": {SQLITE_NAME.removesuffix(".sqlite"): {"description": PACKAGE["description"], "tables": tables}},
    }
