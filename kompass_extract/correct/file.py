"""Read and check ``corrections.csv``: one row per corrected value, its key, the new value, who and why.

The header is exactly :data:`HEADER`. A row names its report by ``report_id`` or ``sha256`` (or both, which must
then agree with one report) and its value by ``table`` (reports, areas, questions, findings), the key columns that
table needs and ``field`` (a column of that output table). ``value`` is typed as the column is; an empty value
removes a wrong one. Every mistake in the file is a :class:`CorrectionsFileError` naming its line, raised before
any work is done: a correction that silently did nothing would publish the value the person knew to be wrong.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kompass_extract.errors import KompassError
from kompass_extract.model import Correction
from kompass_extract.write.schema import TABLES

HEADER = ("report_id", "sha256", "table", "area_no", "question_no", "position", "field", "value", "who", "note")

CORRECTABLE: dict[str, tuple[str, ...]] = {
    "reports": ("municipality", "kommun", "kommunkod", "year", "month", "edition"),
    "areas": ("area_name", "score", "max", "percent", "header_score"),
    "questions": ("question_text", "achieved", "max", "percent"),
    "findings": ("text",),
}
"""Columns a correction may set, per table. Keys (area_no, question_no, kind, position) and derived columns
(intervals, totals, catalog matches) are not among them: they follow from the corrected values."""

KEYS: dict[str, tuple[str, ...]] = {
    "reports": (),
    "areas": ("area_no",),
    "questions": ("question_no",),
    "findings": ("area_no", "position"),
}
"""Key columns each table needs; the others must be empty, except area_no, which may narrow a question."""

FINDING_POSITION = re.compile(r"^(strength|improvement):([1-9]\d*)$")
"""A finding's position: its kind and its 1-based place in that column, e.g. 'strength:3'."""


class CorrectionsFileError(KompassError):
    """The corrections file cannot be read or a row is malformed; the message names the line."""

    code = "corrections-invalid"


@dataclass(frozen=True)
class CorrectionRow:
    """One checked row of the file: the report it names and the correction (``original`` still unknown)."""

    report_id: str | None
    sha256: str | None
    fix: Correction

    @property
    def target(self) -> tuple[Any, ...]:
        """What the row corrects; two rows with one target contradict each other."""
        f = self.fix
        return (self.report_id, self.sha256, f.table, f.area_no, f.question_no, f.position, f.field)


def _typed(text: str, type_: str, where: str) -> Any:
    """A cell as the column's type; numbers accept a decimal comma, as Swedish spreadsheets write them."""
    if text == "":
        return None
    if type_ in ("number", "integer"):
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            raise CorrectionsFileError(f"{where}: {text!r} is not a number") from None
        if type_ == "integer":
            if not number.is_integer():
                raise CorrectionsFileError(f"{where}: {text!r} is not a whole number")
            return int(number)
        return number
    return text


def _row(line: int, cells: dict[str, str], where: str) -> CorrectionRow:
    cells = {k: (v or "").strip() for k, v in cells.items()}
    if not cells["report_id"] and not cells["sha256"]:
        raise CorrectionsFileError(f"{where}: give report_id or sha256 (or both)")
    table = cells["table"]
    if table not in CORRECTABLE:
        raise CorrectionsFileError(f"{where}: table {table!r} is not one of {', '.join(CORRECTABLE)}")
    field = cells["field"]
    if field not in CORRECTABLE[table]:
        raise CorrectionsFileError(
            f"{where}: {table}.{field or '(empty)'} cannot be corrected; choose from {', '.join(CORRECTABLE[table])}"
        )
    allowed = set(KEYS[table]) | ({"area_no"} if table == "questions" else set())
    for key in ("area_no", "question_no", "position"):
        if key in KEYS[table] and not cells[key]:
            raise CorrectionsFileError(f"{where}: a {table} correction needs {key}")
        if key not in allowed and cells[key]:
            raise CorrectionsFileError(f"{where}: {key} is not a key of {table}; leave it empty")
    if cells["position"] and not FINDING_POSITION.match(cells["position"]):
        raise CorrectionsFileError(
            f"{where}: position {cells['position']!r} is not like 'strength:3' or 'improvement:1'"
        )
    types = {f.name: f.type for f in TABLES[table].fields}
    fix = Correction(
        table,
        field,
        original=None,
        value=_typed(cells["value"], types[field], where),
        area_no=_typed(cells["area_no"], "integer", where),
        question_no=cells["question_no"] or None,
        position=cells["position"] or None,
        who=cells["who"] or None,
        note=cells["note"] or None,
        line=line,
    )
    return CorrectionRow(cells["report_id"] or None, cells["sha256"].lower() or None, fix)


def read_corrections(path: str | Path) -> list[CorrectionRow]:
    """Every row of a corrections file, checked; raises :class:`CorrectionsFileError` with the line of a mistake."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CorrectionsFileError(f"cannot read the corrections file {path}: {exc}") from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[CorrectionRow] = []
    seen: dict[tuple[Any, ...], int] = {}
    header: list[str] | None = None
    for cells in reader:
        line = reader.line_num
        if header is None:
            header = [c.strip() for c in cells]
            if tuple(header) != HEADER:
                raise CorrectionsFileError(f"{path}:{line}: the header must be exactly {','.join(HEADER)}")
            continue
        if not any(c.strip() for c in cells):
            continue
        where = f"{path}:{line}"
        if len(cells) != len(HEADER):
            raise CorrectionsFileError(f"{where}: {len(cells)} columns, the header has {len(HEADER)}")
        row = _row(line, dict(zip(HEADER, cells, strict=True)), where)
        if row.target in seen:
            raise CorrectionsFileError(f"{where}: corrects the same value as line {seen[row.target]}")
        seen[row.target] = line
        rows.append(row)
    if header is None:
        raise CorrectionsFileError(f"{path}:1: the file is empty; the header must be {','.join(HEADER)}")
    return rows


def corrections_digest(rows: list[CorrectionRow]) -> str:
    """A hash of what the rows change: the published outputs are a function of it."""
    text = repr([(r.target, r.fix.value, r.fix.who, r.fix.note, r.fix.line) for r in rows])
    return hashlib.sha256(text.encode()).hexdigest()


def correction_line(
    report_id: str | None,
    sha256: str | None,
    table: str,
    field: str,
    value: str = "",
    *,
    area_no: int | None = None,
    question_no: str | None = None,
    position: str | None = None,
) -> str:
    """The corrections.csv line that sets one value (``value`` left for the person to fill in by default)."""
    cells = [report_id or "", sha256 or "", table, "" if area_no is None else str(area_no), question_no or "",
             position or "", field, value, "", ""]  # fmt: skip
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    return out.getvalue()
