"""One publication's tables in every format, written as rows arrive: the batch never holds a whole table.

An :class:`OutputSet` opens every file of the set at once (CSV, the Swedish Excel CSVs, Parquet, SQLite, XLSX)
under staged names and appends each batch of rows to every format; :meth:`OutputSet.finish` completes the files
and writes ``datapackage.json`` (sizes and hashes of the finished files). Whoever staged the paths publishes
them together (:func:`kompass_extract.common.files.staged_paths`): a failed run leaves the previous set.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kompass_extract.write.formats import (
    CSV_DIALECTS,
    DATAPACKAGE_NAME,
    DATASETTE_METADATA_DESCRIPTION,
    DATASETTE_METADATA_NAME,
    DEFAULT_FORMATS,
    EXCEL_SV_DIR,
    FORMATS,
    SQLITE_DESCRIPTION,
    SQLITE_NAME,
    XLSX_NAME,
    CsvTableWriter,
    Rows,
    output_files,
    typed_rows,
    write_json,
)
from kompass_extract.write.schema import TABLES

Stage = Callable[[str | os.PathLike[str]], Path]
"""Gives the temporary path a final path is written under (:func:`~kompass_extract.common.files.staged_paths`)."""


class OutputSet:
    """Every table in every format asked for; rows of any table may come in any number of :meth:`add` calls.

    Each file keeps a table's rows in the order they were added, so the caller decides the order of the rows.
    """

    def __init__(
        self,
        out: str | os.PathLike[str],
        stage: Stage,
        *,
        formats: Sequence[str] = DEFAULT_FORMATS,
        csv_dialect: str = "default",
        created: str | None = None,
    ) -> None:
        from kompass_extract.write.parquet import ParquetTableWriter
        from kompass_extract.write.sqlite import SqliteWriter
        from kompass_extract.write.xlsx import XlsxWriter

        unknown = sorted(set(formats) - set(FORMATS))
        if unknown:
            raise ValueError(f"unknown format(s): {', '.join(unknown)}")
        self.out, self.stage = Path(out), stage
        self.formats, self.csv_dialect = tuple(formats), csv_dialect
        self.created = created or datetime.now(UTC).isoformat(timespec="seconds")
        self.staged: dict[str, Path] = {}
        self.warnings: list[str] = []
        self.tables: dict[str, list[Any]] = {name: [] for name in TABLES}
        """Per table, the writers of its own files (CSV, Parquet)."""
        self.database: Any = None
        self.book: Any = None
        try:
            for name, table in TABLES.items():
                self.tables[name].append(CsvTableWriter(self._path(f"{name}.csv"), table))
                if csv_dialect == "excel-sv":
                    excel = CSV_DIALECTS["excel-sv"]
                    self.tables[name].append(CsvTableWriter(self._path(f"{EXCEL_SV_DIR}/{name}.csv"), table, excel))
                if "parquet" in formats:
                    self.tables[name].append(ParquetTableWriter(self._path(f"{name}.parquet"), table))
            if "sqlite" in formats:
                self.database = SqliteWriter(self._path(SQLITE_NAME))
            if "xlsx" in formats:
                self.book = XlsxWriter(self._path(XLSX_NAME))
        except BaseException:
            self.abort()
            raise

    def _path(self, name: str) -> Path:
        self.staged[name] = self.stage(self.out / name)
        return self.staged[name]

    def add(self, name: str, rows: Rows) -> None:
        """Append rows (dicts by column name) to table ``name`` in every format; each value coerced once."""
        typed = typed_rows(TABLES[name], rows)
        for writer in self.tables[name]:
            writer.add(typed)
        if self.database is not None:
            self.database.add(name, typed)
        if self.book is not None:
            self.book.add(name, typed)

    @property
    def files(self) -> list[str]:
        """The files of the set (relative paths), in the order of :func:`output_files`."""
        return [f for f in output_files(self.formats, self.csv_dialect) if f in self.staged]

    def finish(self) -> None:
        """Complete every file, then describe them all in ``datapackage.json``."""
        from kompass_extract.write.package import add_integrity, csv_resources, datapackage, file_resource
        from kompass_extract.write.sqlite import datasette_metadata

        for writers in self.tables.values():
            for writer in writers:
                writer.close()
        resources = csv_resources("", CSV_DIALECTS["default"])
        if "parquet" in self.formats:
            resources += [
                file_resource(f"{n}-parquet", f"{n}.parquet", "parquet", f"Parquet: {t.description}")
                for n, t in TABLES.items()
            ]
        if self.csv_dialect == "excel-sv":
            resources += csv_resources(EXCEL_SV_DIR, CSV_DIALECTS["excel-sv"], "-excel-sv")
        if self.database is not None:
            self.warnings += self.database.close()
            write_json(self._path(DATASETTE_METADATA_NAME), datasette_metadata())
            resources.append(file_resource("kompass-sqlite", SQLITE_NAME, "sqlite", SQLITE_DESCRIPTION))
            resources.append(
                file_resource("datasette-metadata", DATASETTE_METADATA_NAME, "json", DATASETTE_METADATA_DESCRIPTION)
            )
        if self.book is not None:
            notes = self.book.close()
            self.warnings += notes
            described = " ".join(["Every table as a sheet of one workbook.", *(f"Note: {n}." for n in notes)])
            resources.append(file_resource("kompass-xlsx", XLSX_NAME, "xlsx", described))
        add_integrity(resources, self.staged)
        write_json(self._path(DATAPACKAGE_NAME), datapackage(resources, self.created))

    def abort(self) -> None:
        """Close whatever is open without completing it (the staged files are then removed, never published)."""
        writers = [w for ws in self.tables.values() for w in ws] + [w for w in (self.database, self.book) if w]
        for writer in writers:
            with contextlib.suppress(Exception):
                writer.abort()


@contextlib.contextmanager
def output_set(out: str | os.PathLike[str], stage: Stage, **options: Any) -> Iterator[OutputSet]:
    """An :class:`OutputSet`, finished when the block ends normally and abandoned when it raises."""
    outputs = OutputSet(out, stage, **options)
    try:
        yield outputs
        outputs.finish()
    except BaseException:
        outputs.abort()
        raise
