"""Every packaged data file is well formed: a malformed row would silently cut a value in every output.

A CSV row with an unquoted comma has one cell too many; ``csv.DictReader`` files the overflow under the key
None and the note is cut off without a word. So each CSV is read cell by cell here: the same number of cells
on every line, the columns the code reads, and no two rows with the same key. JSON files are parsed with a
hook that refuses a key given twice (``json`` keeps the last one silently).
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from kompass_extract.common.data import DATA_DIR
from kompass_extract.match.catalog_files import CATALOG_FILES

# file (relative to data/) -> (columns the code reads, columns that identify a row); the catalog's own files are
# described where they are read (a user's catalog directory is checked against the same description)
CSV_FILES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    **{f"catalog/{name}": spec for name, spec in CATALOG_FILES.items()},
    "catalog/kommuner.csv": (("kommunkod", "kommun", "lan_kod"), ("kommunkod",)),
    "catalog/municipality_aliases.csv": (
        ("alias", "kommunkod", "valid_from", "valid_to", "note"),
        ("alias", "kommunkod", "valid_from"),
    ),
    "catalog/municipality_cues.csv": (("position", "cue", "note"), ("position", "cue")),
}

PACKAGED_CSV = sorted(p.relative_to(DATA_DIR).as_posix() for p in DATA_DIR.rglob("*.csv"))
PACKAGED_JSON = sorted(p.relative_to(DATA_DIR).as_posix() for p in DATA_DIR.rglob("*.json"))


def csv_problems(path: Path, required: tuple[str, ...], key: tuple[str, ...]) -> list[str]:
    """What is wrong with one CSV: cell counts, missing columns, duplicate keys (empty when well formed)."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f, strict=True))
    header, body = rows[0], rows[1:]
    problems = [
        f"line {n}: {len(row)} cells, header has {len(header)}"
        for n, row in enumerate(body, 2)
        if len(row) != len(header)
    ]
    problems += [f"missing column {c!r}" for c in required if c not in header]
    problems += [f"column {c!r} twice" for c in set(header) if header.count(c) > 1]
    if problems:
        return problems
    seen: dict[tuple[str, ...], int] = {}
    for n, row in enumerate(body, 2):
        values = dict(zip(header, row, strict=True))
        k = tuple(values[c].strip() for c in key)
        if k in seen:
            problems.append(f"line {n}: key {k} already on line {seen[k]}")
        seen.setdefault(k, n)
    return problems


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    keys = [k for k, _ in pairs]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise ValueError(f"duplicate key(s) {duplicates}")
    return dict(pairs)


def test_every_packaged_csv_is_described_here() -> None:
    """A new data file needs its columns and key listed above, so it is checked too."""
    assert PACKAGED_CSV and set(PACKAGED_CSV) == set(CSV_FILES), "add the new CSV's columns and key to CSV_FILES"


@pytest.mark.parametrize("name", PACKAGED_CSV)
def test_packaged_csv_is_well_formed(name: str) -> None:
    required, key = CSV_FILES.get(name, ((), ()))
    assert csv_problems(DATA_DIR / name, required, key) == []


@pytest.mark.parametrize("name", PACKAGED_JSON)
def test_packaged_json_has_no_duplicate_keys(name: str) -> None:
    json.loads((DATA_DIR / name).read_text(encoding="utf-8"), object_pairs_hook=_no_duplicate_keys)


def test_the_checks_notice_what_they_look_for(tmp_path: Path) -> None:
    """An unquoted comma, a missing column and a repeated key are each reported."""
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,note\n1,x,fine\n2,y,cut, here\n", encoding="utf-8")
    assert csv_problems(bad, ("a", "b"), ("a",)) == ["line 3: 4 cells, header has 3"]
    bad.write_text("a,b\n1,x\n1,y\n", encoding="utf-8")
    assert csv_problems(bad, ("a", "c"), ("a",)) == ["missing column 'c'"]
    assert csv_problems(bad, ("a",), ("a",)) == ["line 3: key ('1',) already on line 2"]
    with pytest.raises(ValueError, match="duplicate key"):
        json.loads('{"x": 1, "x": 2}', object_pairs_hook=_no_duplicate_keys)


def test_a_catalog_row_with_an_extra_cell_is_refused(tmp_path: Path) -> None:
    """The library refuses such a row in a user's catalog too, instead of cutting the value."""
    from kompass_extract.match.catalog import CatalogError, load_catalog

    good = (DATA_DIR / "catalog" / "crosswalk.csv").read_text(encoding="utf-8")
    (tmp_path / "crosswalk.csv").write_text(good + "2016,9,x,same,a note, cut here\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="more cells than the header"):
        load_catalog(str(tmp_path))


def test_no_list_label_is_a_word_of_the_catalog_texts() -> None:
    """Regression: the improvements label "Förbättringar" (printed by no known report) is a word of the 2016
    edition's area 7 ("Ständiga förbättringar") and its Rubriker and questions. A stacked list switches to the
    improvements at a line starting with a label, so an item wrapped before "förbättringar" was cut there and the
    items after it became improvements. Labels are read before the edition is known, so they cannot be scoped by
    edition: a label must not be a word these texts start a wrapped line with."""
    from kompass_extract.locate.labels import fold, labels

    words: dict[str, str] = {}
    for name, column in (("areas.csv", "area_name"), ("area_aliases.csv", "alias"), ("criteria.csv", "rubrik"),
                         ("criteria.csv", "question_text")):  # fmt: skip
        with open(DATA_DIR / "catalog" / name, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                words |= {w: f"{name} {row['edition']}: {row[column]}" for w in re.findall(r"\w+", fold(row[column]))}
    clashes = {label: words[fold(label).split()[0]] for key in ("strengths", "improvements")
               for label in labels()[key] if fold(label).split()[0] in words}  # fmt: skip
    assert clashes == {}
