"""``datapackage.json``: the frictionless data package that describes every file an output folder holds.

The CSV tables (always written) are tabular resources with the schema's types, units, enums, patterns, keys and
foreign keys, so ``frictionless validate datapackage.json`` checks every row. Parquet, SQLite and XLSX hold
the same tables in other shapes; they are listed as file resources (format, media type, size and sha256),
so an archivist can tell what each file is and that it is intact, without a plugin per format.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from kompass_extract import __version__
from kompass_extract.common.files import file_sha256
from kompass_extract.write.fields import Field, Table
from kompass_extract.write.schema import PACKAGE, TABLES

MEDIATYPES = {
    "csv": "text/csv",
    "parquet": "application/vnd.apache.parquet",
    "sqlite": "application/vnd.sqlite3",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def field_descriptor(f: Field, decimal: str = ".") -> dict[str, Any]:
    """One field of a table schema, with its constraints."""
    field: dict[str, Any] = {"name": f.name, "type": f.type, "description": f.description}
    if f.unit:
        field["unit"] = f.unit
    if f.type == "number" and decimal != ".":
        field["decimalChar"] = decimal
    if f.type == "boolean":
        field["trueValues"], field["falseValues"] = ["true"], ["false"]
    constraints: dict[str, Any] = {}
    if f.enum:
        constraints["enum"] = list(f.enum)
    if f.pattern:
        constraints["pattern"] = f.pattern
    if constraints:
        field["constraints"] = constraints
    return field


def table_schema(table: Table, decimal: str = ".", reports_resource: str = "reports") -> dict[str, Any]:
    """The table schema of one table: fields, missing values, primary key and the foreign key to ``reports``."""
    schema: dict[str, Any] = {"fields": [field_descriptor(f, decimal) for f in table.fields], "missingValues": [""]}
    if table.primary_key:
        schema["primaryKey"] = list(table.primary_key)
    if table.name != "reports" and "report_id" in table.field_names:
        schema["foreignKeys"] = [
            {"fields": ["report_id"], "reference": {"resource": reports_resource, "fields": ["report_id"]}}
        ]
    return schema


def csv_resources(folder: str, dialect: Any, suffix: str = "") -> list[dict[str, Any]]:
    """Tabular resources of every table's CSV in ``folder`` ('' for the output folder itself)."""
    prefix = f"{folder}/" if folder else ""
    resources = []
    for table in TABLES.values():
        resources.append(
            {
                "name": f"{table.name}{suffix}",
                "path": f"{prefix}{table.name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": MEDIATYPES["csv"],
                "encoding": dialect.encoding,
                "description": table.description,
                "dialect": {"delimiter": dialect.delimiter, "header": True, "lineTerminator": dialect.lineterminator},
                "schema": table_schema(table, dialect.decimal, f"reports{suffix}"),
            }
        )
    return resources


def file_resource(name: str, path: str, fmt: str, description: str) -> dict[str, Any]:
    """A non-tabular resource: a file of the folder in another format."""
    return {
        "name": name,
        "path": path,
        "type": "file",
        "profile": "data-resource",
        "format": fmt,
        "mediatype": MEDIATYPES[fmt],
        "description": description,
    }


def add_integrity(resources: list[dict[str, Any]], files: Mapping[str, str | os.PathLike[str]]) -> None:
    """Add ``bytes`` and ``hash`` (sha256) to each resource whose path is in ``files`` (path -> file to read)."""
    for resource in resources:
        actual = files.get(resource["path"])
        if actual is None:
            continue
        resource["bytes"] = os.path.getsize(actual)
        resource["hash"] = "sha256:" + file_sha256(actual)  # in chunks: a large archive's database is gigabytes


def datapackage(resources: list[dict[str, Any]], created: str) -> dict[str, Any]:
    """The package: its metadata (:data:`kompass_extract.write.schema.PACKAGE`) around ``resources``."""
    return {
        "profile": "data-package",
        **PACKAGE,
        "version": __version__,
        "created": created,
        "generator": f"kompass-extract {__version__}",
        "resources": resources,
    }
