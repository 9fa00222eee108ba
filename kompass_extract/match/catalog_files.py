"""The catalog's CSV files: the packaged ones, extended or overridden by a user's catalog directory.

A pip or pipx user cannot edit files inside the installed package, so the catalog grows in a directory of
their own (``--catalog-dir DIR`` or ``KOMPASS_CATALOG_DIR``) holding files of the same names and columns.
Its rows are added to the packaged rows; a row with the key of a packaged row (``criteria.csv``: edition and
question number) replaces it. The catalog's identity is a hash of every file it was read from, so results
matched with one catalog are never taken for results of another (the batch cache key includes it).

Files are read strictly: a row with more or fewer cells than the header (an unquoted comma) is an error,
not a value cut off without a word, and so is a cell that is no number where a number belongs or an edition's facts
(area count, table columns, question number pattern) that cannot be used.
"""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

from kompass_extract.common.data import CATALOG_DIR
from kompass_extract.common.editions import COLUMN_NAMES, EditionFacts
from kompass_extract.errors import KompassError

CATALOG_FILES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "criteria.csv": (
        ("edition", "area_no", "area_name", "question_no", "question_text", "max", "rubrik", "certainty", "source"),
        ("edition", "question_no"),
    ),
    "areas.csv": (("edition", "area_no", "area_name", "concept", "certainty", "source"), ("edition", "area_no")),
    "area_aliases.csv": (("edition", "area_no", "alias", "source"), ("edition", "area_no", "alias")),
    "concepts.csv": (("concept", "order", "label", "reference_edition", "description"), ("concept",)),
    "crosswalk.csv": (
        ("concept", "edition_a", "edition_b", "comparability", "reason"),
        ("concept", "edition_a", "edition_b"),
    ),
    "editions.csv": (("edition", "first_year", "last_year", "note"), ("edition",)),
    "edition_cues.csv": (("label", "edition", "weight", "note"), ("label", "edition")),
}
"""file -> (its columns, the columns that identify a row): the files a catalog directory may hold."""


class CatalogError(KompassError):
    """A catalog file is missing a column, has a malformed row, a duplicate id or an unreadable number."""

    code = "catalog-invalid"


def read_rows(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of one catalog or municipality CSV, every value stripped; raises :class:`CatalogError` on a file
    that cannot be read or is malformed. A byte-order mark (a file saved by Excel) is not part of the first name."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            return _rows(path, csv.DictReader(f), columns)
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(f"cannot read {path}: {exc}") from exc


def _rows(path: Path, reader: csv.DictReader, columns: tuple[str, ...]) -> list[dict[str, str]]:
    missing = set(columns) - set(reader.fieldnames or ())
    if missing:
        raise CatalogError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
    rows = []
    for row in reader:  # an unquoted comma would otherwise cut a value silently
        if None in row or None in row.values():
            more = "more" if None in row else "fewer"
            raise CatalogError(f"{path}: line {reader.line_num} has {more} cells than the header")
        rows.append({k: v.strip() for k, v in row.items()})
    return rows


def user_files(directory: Path | None) -> dict[str, Path]:
    """The catalog files of a user's directory by name.

    Any other CSV there is an error: a misspelt name, or a municipality file (read from the package only), would
    otherwise be ignored without a word.
    """
    if directory is None:
        return {}
    if not directory.is_dir():
        raise CatalogError(f"catalog directory {directory} does not exist or is not a directory")
    found = {p.name: p for p in sorted(directory.glob("*.csv"))}
    unknown = sorted(set(found) - set(CATALOG_FILES))
    if unknown:
        raise CatalogError(
            f"{directory}: {', '.join(unknown)} cannot be used from a catalog directory "
            f"(it may hold {', '.join(CATALOG_FILES)})"
        )
    return found


def merged_rows(name: str, directory: Path | None) -> list[dict[str, str]]:
    """The packaged rows of ``name`` with the user's rows: a row with a packaged key replaces it, others are added."""
    columns, key = CATALOG_FILES[name]
    rows = read_rows(CATALOG_DIR / name, columns)
    user = user_files(directory).get(name)
    if user is None:
        return rows
    position = {tuple(r[c] for c in key): i for i, r in enumerate(rows)}
    own: set[tuple[str, ...]] = set()
    for row in read_rows(user, columns):
        k = tuple(row[c] for c in key)
        if k in own:
            raise CatalogError(f"{user}: two rows with {', '.join(key)} = {', '.join(k)}")
        own.add(k)
        at = position.get(k)
        if at is None:
            rows.append(row)
        else:
            rows[at] = row
    return rows


def catalog_identity(directory: Path | None) -> str:
    """A short hash of every file the catalog is read from (packaged and the user's), by name and content."""
    digest = hashlib.sha256()
    sources = [("package", CATALOG_DIR / name) for name in CATALOG_FILES]
    sources += [("user", path) for path in user_files(directory).values()]
    for origin, path in sources:
        digest.update(f"{origin}/{path.name}\0".encode() + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def directory_state(directory: Path) -> tuple[tuple[str, int, int], ...]:
    """(name, size, mtime) of a user's catalog files: a loaded catalog is reused only while these are unchanged."""
    return tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in user_files(directory).values())


def catalog_number(value: str, where: str) -> float | None:
    """A number cell ("1,5" as a Swedish spreadsheet writes it too); empty is None; anything else names its file and row
    (``where``), since a user's catalog is typed by hand."""
    if not value:
        return None
    try:
        return float(value.replace(",", "."))
    except ValueError as exc:
        raise CatalogError(f"{where}: not a number: {value!r}") from exc


def catalog_int(value: str, where: str) -> int | None:
    number = catalog_number(value, where)
    return None if number is None else int(number)


def edition_facts(row: dict[str, str]) -> EditionFacts:
    """The facts of one editions.csv row; an empty or absent cell (a user's file of the older columns) keeps the
    default."""
    where = f"editions.csv {row['edition']}"
    found = {
        "area_count": catalog_int(row.get("area_count", ""), where),
        "area_max": catalog_number(row.get("area_max", ""), where),
        "report_max": catalog_number(row.get("report_max", ""), where),
        "columns": tuple(row.get("columns", "").split()) or None,
        "question_no_patterns": (row["question_no_pattern"],) if row.get("question_no_pattern") else None,
    }
    unknown = set(found["columns"] or ()) - set(COLUMN_NAMES)
    if unknown or (found["area_count"] is not None and found["area_count"] < 1):
        raise CatalogError(f"{where}: area_count must be positive and columns among {', '.join(COLUMN_NAMES)}")
    for pattern in found["question_no_patterns"] or ():
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            raise CatalogError(f"{where}: question_no_pattern is not a regular expression: {exc}") from exc
        if compiled.groups < 2:
            raise CatalogError(f"{where}: question_no_pattern needs two groups (area, question)")
    return EditionFacts(**{k: v for k, v in found.items() if v is not None})
