"""Read an output folder written by ``kompass-extract extract --out DIR`` back into typed rows.

The review site and the charts show exactly what was published, so they read the tables (not the cache
or the PDF), in whichever format the folder holds (:mod:`kompass_extract.write.readback`).
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kompass_extract.validate import SEVERITIES
from kompass_extract.write.readback import OutputFolderError, output_format, read_output_table
from kompass_extract.write.tables import authoritative_score

Row = dict[str, Any]

TABLE_NAMES = ("reports", "areas", "questions", "findings", "sections", "checks", "corrections")
SWEDISH_LAST = str.maketrans({"å": "{", "ä": "|", "ö": "}", "æ": "|", "ø": "}"})
"""Å, Ä, Ö after Z in that order (and Danish/Norwegian Æ, Ø as Ä, Ö): the characters after 'z' in ASCII."""


class ReviewInputError(ValueError):
    """The folder is not an extract output folder, or a lookup in it found nothing."""


@dataclass
class ReportView:
    """One report's rows from every table, in the order the tables list them (the printed order)."""

    report: Row
    areas: list[Row] = field(default_factory=list)
    questions: list[Row] = field(default_factory=list)
    findings: list[Row] = field(default_factory=list)
    sections: list[Row] = field(default_factory=list)
    checks: list[Row] = field(default_factory=list)
    corrections: list[Row] = field(default_factory=list)

    @property
    def report_id(self) -> str:
        return str(self.report["report_id"])

    @property
    def name(self) -> str:
        """The municipality: SCB's name when resolved, else as printed."""
        return str(self.report.get("kommun") or self.report.get("municipality") or self.report_id)

    @property
    def label(self) -> str:
        """Municipality and year as a person would name the report."""
        year = self.report.get("year")
        return f"{self.name} {year}" if year is not None else self.name

    def check_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(SEVERITIES, 0)
        for check in self.checks:
            counts[check["severity"]] = counts.get(check["severity"], 0) + 1
        return counts

    def area_score(self, area: Row) -> float | None:
        """The score the validator took as the area's (overview total unless it chose the box)."""
        return authoritative_score(area)


def load_output(out_dir: str | Path) -> list[ReportView]:
    """Every report of an output folder with its rows, sorted by municipality (Swedish order), year and id."""
    try:
        fmt = output_format(out_dir)
    except OutputFolderError as exc:
        raise ReviewInputError(str(exc)) from None
    tables = {name: read_output_table(out_dir, name, fmt) for name in TABLE_NAMES}
    views = {row["report_id"]: ReportView(row) for row in tables["reports"]}
    for name in TABLE_NAMES[1:]:
        for row in tables[name]:
            view = views.get(row["report_id"])
            if view is not None:
                getattr(view, name).append(row)
    return sorted(views.values(), key=lambda v: (swedish_key(v.name), v.report.get("year") or 0, v.report_id))


def swedish_key(text: str) -> str:
    """A sort key in Swedish alphabetical order: Å, Ä, Ö after Z (Åmål before Älvkarleby before Örebro);
    other accents sort as their base letter (é as e), case is ignored."""
    folded = unicodedata.normalize("NFC", text).casefold().translate(SWEDISH_LAST)
    return "".join(c for c in unicodedata.normalize("NFD", folded) if not unicodedata.combining(c))


def _names(name: str) -> set[str]:
    """Case-insensitive forms of a municipality name without 'kommun'/'stad' and the genitive 's'.

    "Helsingborgs stad" as printed must match "Helsingborg" from SCB's list.
    """
    text = unicodedata.normalize("NFKC", name).casefold().strip()
    for suffix in (" kommun", " stad"):
        text = text.removesuffix(suffix)
    return {text, text.removesuffix("s")} if text else set()


def split_kommun_year(key: str) -> tuple[str, int | None]:
    """'Luleå:2018' -> ('Luleå', 2018); a key without ':<year>' -> (key, None)."""
    kommun, sep, year = key.strip().rpartition(":")
    if sep and year.strip().isdigit() and kommun.strip():
        return kommun.strip(), int(year)
    return key.strip(), None


def find_reports(views: Iterable[ReportView], kommun: str) -> list[ReportView]:
    """Reports of one municipality given by kommunkod ('2580') or name ('Luleå', 'Luleå kommun'), oldest first.

    'kommun:year' ('2580:2018') keeps only that year's report(s).
    """
    key, year = split_kommun_year(kommun)
    wanted = _names(key)
    matches = [
        v
        for v in views
        if key == (v.report.get("kommunkod") or "")
        or wanted & (_names(v.report.get("kommun") or "") | _names(v.report.get("municipality") or ""))
    ]
    if not matches:
        raise ReviewInputError(f"no report of {key!r} in the output folder (give a kommunkod or a name)")
    if year is not None:
        years = sorted({v.report.get("year") for v in matches if v.report.get("year") is not None})
        matches = [v for v in matches if v.report.get("year") == year]
        if not matches:
            raise ReviewInputError(f"no report of {key!r} from {year}; its years: {', '.join(map(str, years))}")
    return sorted(matches, key=lambda v: (v.report.get("year") or 0, v.report_id))


def group_by(rows: Iterable[Row], key: str) -> dict[Any, list[Row]]:
    """Rows grouped by one column, keeping their order."""
    groups: dict[Any, list[Row]] = defaultdict(list)
    for row in rows:
        groups[row.get(key)].append(row)
    return dict(groups)


def rematch_questions(views: Iterable[ReportView], catalog: Any) -> int:
    """Match every question of ``views`` with ``catalog`` (a :class:`~kompass_extract.match.catalog.Catalog`)
    instead of taking the ids the tables hold; the number of questions whose id changed.

    ``review --catalog-dir`` shows what a grown catalog makes of an existing output folder, before converting again.
    """
    changed = 0
    for view in views:
        for q in view.questions:
            match = catalog.match_question(
                view.report.get("edition"), q["area_no"], q["question_no"] or "", q["question_text"] or ""
            )
            new = (match.catalog_id, match.catalog_text, match.score) if match else (None, None, None)
            changed += new[0] != q.get("catalog_id")
            q["catalog_id"], q["catalog_text"], q["match_score"] = new
    return changed
