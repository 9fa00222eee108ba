"""The XLSX output: one sheet per table, ready to filter in Excel, and a sheet with the data dictionary.

Each sheet has a frozen, bold header row, filters on every column, column widths that fit the content (capped),
number formats by the schema's type and unit, and text kept as text: a kommunkod '0114', a question_no '1.10'
(which Excel and most readers would otherwise turn into 1.1) and a finding starting with '=' are strings, never
numbers or formulas. The last sheet, ``data_dictionary``, describes every table and field.

Excel's limits are never passed silently. A sheet holds at most 1,048,576 rows (the header included): a table
with more rows (the questions or findings of a national archive) goes on in sheets ``questions (2)``,
``questions (3)``, ... placed right after it, each with the same header. A cell holds at most 32,767 characters:
a longer text is cut, and ends with a marker saying how long it was (the CSV and Parquet files keep the whole
text). Either case adds a ``notes`` sheet that says what was done, and a warning the batch prints and keeps in its
run summary.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

from kompass_extract.write.fields import Field
from kompass_extract.write.formats import XLSX_NAME
from kompass_extract.write.schema import PACKAGE, TABLES

DICTIONARY_SHEET = "data_dictionary"
DICTIONARY_FIELDS = ("table", "field", "type", "unit", "allowed values", "description")
MIN_WIDTH, MAX_WIDTH = 8, 60
WIDTH_SAMPLE = 500
"""Rows measured for a column's width: enough to see the typical length, cheap on a large archive."""
SHEET_ROWS = 1_048_576
"""Excel's rows per sheet, the header row included."""
CELL_CHARS = 32_767
"""Excel's characters per cell (counted in UTF-16 code units, as Excel counts them)."""
NOTES_SHEET = "notes"
CUT_MARKER = " …[cut: {length:,} characters, Excel holds {limit:,}; full text in the CSV]"
"""Ends a text cut to fit a cell: a reader of the sheet sees that it is not the whole text, and where that is."""


def excel_length(text: str) -> int:
    """Characters as Excel counts them: UTF-16 code units (a character outside the BMP counts two)."""
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def number_format(field: Field) -> str:
    """Excel number format of a column: whole numbers plain, percents with a sign, points with one decimal."""
    if field.type == "integer":
        return "0"
    if field.type != "number":
        return "@" if field.type == "string" else "General"
    return {"percent": '0" %"', "points": "0.0"}.get(field.unit or "", "0.00")


def column_widths(names: list[str], rows: list[list[Any]]) -> list[float]:
    """Widths in characters: the longest of the header and the first rows' values, within bounds."""
    widths = []
    for i, name in enumerate(names):
        longest = max([len(name) + 2, *(len(str(r[i])) for r in rows[:WIDTH_SAMPLE] if r[i] is not None)])
        widths.append(float(min(MAX_WIDTH, max(MIN_WIDTH, longest + 1))))
    return widths


def dictionary_rows() -> list[list[Any]]:
    """One row per table (its description) and per field, as in the README's data dictionary."""
    rows: list[list[Any]] = []
    for table in TABLES.values():
        rows.append([table.name, None, None, None, None, table.description])
        for f in table.fields:
            allowed = ", ".join(f.enum) if f.enum else f"pattern {f.pattern}" if f.pattern else None
            rows.append([table.name, f.name, f.type, f.unit, allowed, f.description])
    return rows


class _Sheet:
    """One write-only sheet. Column widths must be known before the first row is written, so the first
    :data:`WIDTH_SAMPLE` rows wait; the filter's range is set at the end, when the count of rows is known."""

    def __init__(self, book: Any, name: str, fields: list[Field], index: int | None = None) -> None:
        self.sheet = book.create_sheet(name, index)
        self.fields = fields
        self.formats = [number_format(f) for f in fields]
        self.waiting: list[list[Any]] | None = []
        self.count = 0
        self.fit: Any = lambda text: text
        """Makes a text fit a cell (the owning :class:`_Table` counts what it cuts)."""

    def add(self, rows: list[list[Any]]) -> None:
        self.count += len(rows)
        if self.waiting is not None:
            self.waiting += rows
            if len(self.waiting) < WIDTH_SAMPLE:
                return
            rows, self.waiting = self.waiting, None
            self._start(rows)
        self._append(rows)

    def _start(self, sample: list[list[Any]]) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        self.sheet.freeze_panes = "A2"
        for i, width in enumerate(column_widths([f.name for f in self.fields], sample), 1):
            self.sheet.column_dimensions[get_column_letter(i)].width = width
        bold = Font(bold=True)
        header = []
        for f in self.fields:
            cell = WriteOnlyCell(self.sheet, value=f.name)
            cell.font = bold
            header.append(cell)
        self.sheet.append(header)

    def _append(self, rows: list[list[Any]]) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        for row in rows:
            cells = []
            for value, fmt in zip(row, self.formats, strict=True):
                text = isinstance(value, str)
                if text:
                    value = self.fit(ILLEGAL_CHARACTERS_RE.sub("", value))
                cell = WriteOnlyCell(self.sheet, value=value)
                if text:
                    cell.data_type = "s"  # never a formula or a number, whatever the text looks like
                cell.number_format = fmt
                cells.append(cell)
            self.sheet.append(cells)

    def finish(self) -> None:
        from openpyxl.utils import get_column_letter

        if self.waiting is not None:
            rows, self.waiting = self.waiting, None
            self._start(rows)
            self._append(rows)
        self.sheet.auto_filter.ref = f"A1:{get_column_letter(len(self.fields))}{self.count + 1}"


class _Table:
    """A table's rows on as many sheets as Excel's row limit needs: ``name``, then ``name (2)``, ... right after
    it; every sheet has the header. Texts longer than a cell holds are cut with :data:`CUT_MARKER` and counted."""

    def __init__(self, book: Any, name: str, fields: list[Field], max_rows: int, max_chars: int) -> None:
        self.book, self.name, self.fields = book, name, fields
        self.capacity, self.max_chars = max_rows - 1, max_chars
        if self.capacity < 1 or max_chars <= len(CUT_MARKER.format(length=10**9, limit=max_chars)):
            raise ValueError(f"an XLSX sheet of {max_rows} rows or a cell of {max_chars} characters holds no data")
        self.rows = self.cut = 0
        self.sheets = [self._sheet(name, None)]

    def _sheet(self, title: str, index: int | None) -> _Sheet:
        sheet = _Sheet(self.book, title, self.fields, index)
        sheet.fit = self._fit
        return sheet

    def add(self, rows: list[list[Any]]) -> None:
        self.rows += len(rows)
        while rows:
            sheet = self.sheets[-1]
            if sheet.count >= self.capacity:
                index = self.book.worksheets.index(sheet.sheet) + 1
                sheet = self._sheet(f"{self.name} ({len(self.sheets) + 1})", index)
                self.sheets.append(sheet)
            room = self.capacity - sheet.count
            sheet.add(rows[:room])
            rows = rows[room:]

    def _fit(self, text: str) -> str:
        if len(text) <= self.max_chars // 2 or excel_length(text) <= self.max_chars:
            return text
        self.cut += 1
        marker = CUT_MARKER.format(length=len(text), limit=self.max_chars)
        keep = 2 * (self.max_chars - len(marker))  # bytes of UTF-16; a half-cut pair is dropped by 'ignore'
        return text.encode("utf-16-le")[:keep].decode("utf-16-le", "ignore") + marker

    def notes(self) -> list[str]:
        """What was done to fit the table into Excel's limits, one sentence each (none when it fitted)."""
        notes = []
        if len(self.sheets) > 1:
            more = ", ".join(f"'{s.sheet.title}'" for s in self.sheets[1:])
            notes.append(
                f"table {self.name} has {self.rows:,} rows, more than an Excel sheet holds ({self.capacity:,} below "
                f"the header): sheet '{self.name}' holds the first {self.capacity:,}, and it goes on in {more}"
            )
        if self.cut:
            notes.append(
                f"table {self.name}: {self.cut:,} text(s) longer than the {self.max_chars:,} characters an Excel cell "
                "holds were cut, each ending with '…[cut: N characters …]'; the CSV and Parquet files hold them whole"
            )
        return notes

    def finish(self) -> None:
        for sheet in self.sheets:
            sheet.finish()

    def abort(self) -> None:
        for sheet in self.sheets:
            with contextlib.suppress(Exception):
                sheet.sheet.close()


class XlsxWriter:
    """One sheet per table plus the data dictionary (see the module docstring), filled as rows arrive.

    openpyxl's write-only workbook streams each sheet to a temporary file and writes strings inline, so memory
    stays flat however many rows an archive has; rows are lists in schema order, already coerced. ``max_rows``
    and ``max_chars`` are Excel's limits (:data:`SHEET_ROWS`, :data:`CELL_CHARS`) unless given.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, max_rows: int | None = None, max_chars: int | None = None
    ) -> None:
        from openpyxl import Workbook

        self.path = path
        self.book = Workbook(write_only=True)
        self.book.properties.title = PACKAGE["title"]
        self.book.properties.description = PACKAGE["description"]
        limits = (max_rows or SHEET_ROWS, max_chars or CELL_CHARS)
        self.tables = {name: _Table(self.book, name, list(table.fields), *limits) for name, table in TABLES.items()}
        fields = [Field(n, "string", "") for n in DICTIONARY_FIELDS]
        self.tables[DICTIONARY_SHEET] = _Table(self.book, DICTIONARY_SHEET, fields, *limits)
        self.tables[DICTIONARY_SHEET].add(dictionary_rows())

    def add(self, name: str, rows: list[list[Any]]) -> None:
        self.tables[name].add(rows)

    def close(self) -> list[str]:
        """Complete every sheet and save the workbook. Returns the notes on what Excel's limits made the writer do,
        which are also the rows of a ``notes`` sheet, placed first so that whoever opens the workbook sees it."""
        for table in self.tables.values():
            table.finish()  # texts are cut as rows are written, and rows wait for the column widths: finish first
        notes = [note for table in self.tables.values() for note in table.notes()]
        if notes:
            sheet = _Sheet(self.book, NOTES_SHEET, [Field("note", "string", "")], 0)
            sheet.add([[note] for note in notes])
            sheet.finish()
        self.book.save(self.path)
        return [f"{XLSX_NAME}: {note}" for note in notes]

    def abort(self) -> None:
        """Close the sheets' temporary files (openpyxl removes them when the process exits); no workbook is saved."""
        for table in self.tables.values():
            table.abort()
