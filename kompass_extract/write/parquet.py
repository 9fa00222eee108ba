"""The Parquet output: one typed file per table, written in row groups as rows arrive.

A whole archive's table never sits in memory: rows are buffered up to a row group (:data:`ROW_GROUP_ROWS` rows
or :data:`ROW_GROUP_TEXT` characters of text, whichever comes first) and written with pyarrow's
``ParquetWriter``. A table smaller than one row group is one row group, as ``pyarrow.parquet.write_table``
would write it. pyarrow and pandas are imported here only: the batch's worker processes never import this module.
"""

from __future__ import annotations

import os
from typing import Any

from kompass_extract.write.fields import Table

PANDAS_DTYPES = {"string": "string", "integer": "Int64", "number": "float64", "boolean": "boolean"}
ROW_GROUP_ROWS = 65_536
ROW_GROUP_TEXT = 16 << 20
"""Characters of text buffered before a row group is written: the sections of ~150 reports."""


def parquet_schema(table: Table) -> Any:
    """The Arrow schema of a table, with pandas' dtype metadata (Int64, boolean, string) and the schema's texts.

    Taken from an empty pandas frame of the table's dtypes, so that pandas reads integers back as nullable Int64
    and kommunkod as text; pandas' metadata does not depend on the rows. The schema's descriptions and units
    ride along as field metadata. No timestamps are stored.
    """
    import pandas as pd
    import pyarrow as pa

    frame = pd.DataFrame({f.name: pd.array([], dtype=PANDAS_DTYPES[f.type]) for f in table.fields})
    arrow = pa.Table.from_pandas(frame, preserve_index=False)
    fields = []
    for f, arrow_field in zip(table.fields, arrow.schema, strict=True):
        meta = {"description": f.description} | ({"unit": f.unit} if f.unit else {})
        fields.append(arrow_field.with_metadata(meta))
    return pa.schema(fields, metadata={**arrow.schema.metadata, b"description": table.description.encode()})


class ParquetTableWriter:
    """One table's Parquet file, appended to in row groups; rows are lists in schema order, already coerced."""

    def __init__(self, path: str | os.PathLike[str], table: Table) -> None:
        import pyarrow.parquet as pq

        self.schema = parquet_schema(table)
        self.writer = pq.ParquetWriter(path, self.schema)
        self.rows: list[list[Any]] = []
        self.text = 0
        self.groups = 0

    def add(self, rows: list[list[Any]]) -> None:
        self.rows += rows
        self.text += sum(len(v) for row in rows for v in row if isinstance(v, str))
        if len(self.rows) >= ROW_GROUP_ROWS or self.text >= ROW_GROUP_TEXT:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        columns = [pa.array([row[i] for row in self.rows], type=f.type) for i, f in enumerate(self.schema)]
        self.writer.write_table(
            pa.Table.from_arrays(columns, schema=self.schema), row_group_size=max(1, len(self.rows))
        )
        self.rows, self.text = [], 0
        self.groups += 1

    def close(self) -> None:
        if self.rows or not self.groups:  # an empty table is one empty row group, as write_table writes it
            self._flush()
        self.writer.close()

    def abort(self) -> None:
        """Close the file without its last row group (the run failed; the staged file is removed)."""
        self.rows = []
        self.writer.close()
