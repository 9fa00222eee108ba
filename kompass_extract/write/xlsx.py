"""The XLSX output: one sheet per table, ready to filter in Excel, and a sheet with the data dictionary.

Each sheet has a frozen, bold header row, filters on every column, column widths that fit the content (capped),
number formats by the schema's type and unit, and text kept as text: a kommunkod '0114', a question_no '1.10'
(which Excel and most readers would otherwise turn into 1.1) and a finding starting with '=' are strings, never
numbers or formulas. The last sheet, ``data_dictionary``, describes every table and field.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

from kompass_extract.write.schema import PACKAGE, TABLES, Field

DICTIONARY_SHEET = "data_dictionary"
DICTIONARY_FIELDS = ("table", "field", "type", "unit", "allowed values", "description")
MIN_WIDTH, MAX_WIDTH = 8, 60
WIDTH_SAMPLE = 500
"""Rows measured for a column's width: enough to see the typical length, cheap on a large archive."""


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

    def __init__(self, book: Any, name: str, fields: list[Field]) -> None:
        self.sheet = book.create_sheet(name)
        self.fields = fields
        self.formats = [number_format(f) for f in fields]
        self.waiting: list[list[Any]] | None = []
        self.count = 0

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
                cell = WriteOnlyCell(self.sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value) if text else value)
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


class XlsxWriter:
    """One sheet per table plus the data dictionary (see the module docstring), filled as rows arrive.

    openpyxl's write-only workbook streams each sheet to a temporary file and writes strings inline, so memory
    stays flat however many rows an archive has; rows are lists in schema order, already coerced.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        from openpyxl import Workbook

        self.path = path
        self.book = Workbook(write_only=True)
        self.book.properties.title = PACKAGE["title"]
        self.book.properties.description = PACKAGE["description"]
        self.sheets = {name: _Sheet(self.book, name, list(table.fields)) for name, table in TABLES.items()}
        dictionary = _Sheet(self.book, DICTIONARY_SHEET, [Field(n, "string", "") for n in DICTIONARY_FIELDS])
        dictionary.add(dictionary_rows())
        self.sheets[DICTIONARY_SHEET] = dictionary

    def add(self, name: str, rows: list[list[Any]]) -> None:
        self.sheets[name].add(rows)

    def close(self) -> None:
        for sheet in self.sheets.values():
            sheet.finish()
        self.book.save(self.path)

    def abort(self) -> None:
        """Close the sheets' temporary files (openpyxl removes them when the process exits); no workbook is saved."""
        for sheet in self.sheets.values():
            with contextlib.suppress(Exception):
                sheet.sheet.close()
