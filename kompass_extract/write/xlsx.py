"""The XLSX output: one sheet per table, ready to filter in Excel, and a sheet with the data dictionary.

Each sheet has a frozen, bold header row, filters on every column, column widths that fit the content (capped),
number formats by the schema's type and unit, and text kept as text: a kommunkod '0114', a question_no '1.10'
(which Excel and most readers would otherwise turn into 1.1) and a finding starting with '=' are strings, never
numbers or formulas. The last sheet, ``data_dictionary``, describes every table and field.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from kompass_extract.write.formats import Rows, typed_rows
from kompass_extract.write.schema import PACKAGE, TABLES, Field, Table

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


def _sheet(book: Any, name: str, fields: list[Field], values: list[list[Any]]) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(name)
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(fields))
    sheet.auto_filter.ref = f"A1:{last}{len(values) + 1}"
    for i, width in enumerate(column_widths([f.name for f in fields], values), 1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    bold = Font(bold=True)
    header = []
    for f in fields:
        cell = WriteOnlyCell(sheet, value=f.name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    formats = [number_format(f) for f in fields]
    for row in values:
        cells = []
        for value, fmt in zip(row, formats, strict=True):
            cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula or a number, whatever the text looks like
            cell.number_format = fmt
            cells.append(cell)
        sheet.append(cells)


def write_xlsx(path: str | os.PathLike[str], tables: Mapping[str, Rows]) -> None:
    """One sheet per table plus the data dictionary (see the module docstring)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    book.properties.title = PACKAGE["title"]
    book.properties.description = PACKAGE["description"]
    for name, rows in tables.items():
        table: Table = TABLES[name]
        _sheet(book, name, list(table.fields), typed_rows(table, rows))
    text = [Field(n, "string", "") for n in DICTIONARY_FIELDS]
    _sheet(book, DICTIONARY_SHEET, text, dictionary_rows())
    book.save(path)
