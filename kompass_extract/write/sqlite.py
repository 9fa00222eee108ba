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
from typing import Any

from kompass_extract.write.fields import Table
from kompass_extract.write.formats import SQLITE_NAME
from kompass_extract.write.schema import PACKAGE, TABLES

SQLITE_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER"}
FTS_TOKENIZER = "unicode61 remove_diacritics 0"
INDEXED = ("report_id", "kommunkod", "year")
CONTEXT = ("kommunkod", "kommun", "year", "edition")
"""Columns of ``reports`` the views add to a table's rows."""
INSERT_BATCH = 2_000
"""Rows of one table inserted at a time."""
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


def key_columns(table: Table) -> str:
    return ", ".join(f'"{k}"' for k in table.primary_key)


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


class SqliteWriter:
    """The database, filled as rows arrive (see the module docstring); rows are lists in schema order, coerced.

    Every table is created at once with its primary key and foreign keys, and filled in batches of
    :data:`INSERT_BATCH` rows inside one transaction; indexes, full-text indexes and views are made at the end
    (cheaper than keeping them up to date row by row). A row that repeats a primary key (a report read twice
    under one id) is no reason to lose rows: the table is rebuilt without its key and gets an index instead,
    and when ``reports`` loses its key no table declares foreign keys (a key must reference a unique column).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("BEGIN")
        self.repeated: dict[str, tuple[Any, ...]] = {}
        """Per table whose key repeated: the first repeated key (the warning names it)."""
        self.pending: dict[str, list[list[Any]]] = {name: [] for name in TABLES}
        for table in TABLES.values():
            self.conn.execute(self._create_sql(table, table.name))

    def _create_sql(self, table: Table, name: str) -> str:
        columns = [f'"{f.name}" {SQLITE_TYPES[f.type]}' for f in table.fields]
        if table.primary_key and table.name not in self.repeated:
            columns.append(f"PRIMARY KEY ({key_columns(table)})")
        if table.name != "reports" and "reports" not in self.repeated:
            columns += [f'FOREIGN KEY ("{c}") REFERENCES reports (report_id)' for c in report_columns(table)]
        return f'CREATE TABLE "{name}" ({", ".join(columns)})'

    def add(self, name: str, rows: list[list[Any]]) -> None:
        self.pending[name] += rows
        if len(self.pending[name]) >= INSERT_BATCH:
            self._insert(TABLES[name])

    def _insert(self, table: Table) -> None:
        rows, self.pending[table.name] = self.pending[table.name], []
        sql = f'INSERT INTO "{table.name}" VALUES ({", ".join("?" for _ in table.fields)})'
        self.conn.execute("SAVEPOINT batch")
        try:
            self.conn.executemany(sql, rows)
        except sqlite3.IntegrityError:  # a repeated primary key: find it, drop the key, keep every row
            self.conn.execute("ROLLBACK TO batch")
            self.repeated[table.name] = self._first_repeated(table, sql, rows)
            for rebuilt in [table] if table.name != "reports" else TABLES.values():
                self._rebuild(rebuilt)
            self.conn.executemany(sql, rows)
        self.conn.execute("RELEASE batch")

    def _first_repeated(self, table: Table, sql: str, rows: list[list[Any]]) -> tuple[Any, ...]:
        """The key of the first row the table's primary key refuses (rows tried one by one, then taken back)."""
        at = [table.field_names.index(k) for k in table.primary_key]
        self.conn.execute("SAVEPOINT probe")
        try:
            for row in rows:
                try:
                    self.conn.execute(sql, row)
                except sqlite3.IntegrityError:
                    return tuple(row[i] for i in at)
            raise AssertionError(f"{table.name}: a batch was refused, but none of its rows alone")
        finally:
            self.conn.execute("ROLLBACK TO probe")
            self.conn.execute("RELEASE probe")

    def _rebuild(self, table: Table) -> None:
        """Recreate a table as :meth:`_create_sql` now declares it, keeping its rows and their order."""
        interim = f"{table.name}__rebuilt"
        self.conn.execute(self._create_sql(table, interim))
        self.conn.execute(f'INSERT INTO "{interim}" SELECT * FROM "{table.name}" ORDER BY rowid')
        self.conn.execute(f'DROP TABLE "{table.name}"')
        self.conn.execute(f'ALTER TABLE "{interim}" RENAME TO "{table.name}"')

    def close(self) -> list[str]:
        """Insert what is pending, make the indexes, full-text indexes and views, commit. Returns the warnings
        about repeated keys."""
        for table in TABLES.values():
            self._insert(table)
        for table in TABLES.values():
            repeated = table.name in self.repeated
            leading = table.primary_key[0] if table.primary_key and not repeated else None
            for column in [c for c in table.field_names if c in INDEXED or c.startswith("report_id_")]:
                if column != leading:
                    self.conn.execute(f'CREATE INDEX "{table.name}_{column}" ON "{table.name}" ("{column}")')
            if repeated:
                self.conn.execute(f'CREATE INDEX "{table.name}_key" ON "{table.name}" ({key_columns(table)})')
            if table.search:
                create_search(self.conn, table)
            if has_view(table):
                create_view(self.conn, table)
        self.conn.execute("COMMIT")
        self.conn.close()
        return [
            f"{name}: repeated primary key {key!r}; {SQLITE_NAME} has an index instead"
            for name, key in self.repeated.items()
        ]

    def abort(self) -> None:
        self.conn.close()  # the open transaction is rolled back


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
