"""Stage 2c: report metadata from the first pages (cover, chapter 2 opening).

Cue phrases for the municipality, the date and the evaluators are regular expressions in
``labels.json``; each template family prints some of them. Every value remembers the page, the
position and the cue that produced it, so a reader can check it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..pdf.document import Line
from .text import clean_heading, collapse_letter_spacing, labels

FRONT_PAGES = 6


@dataclass
class Metadata:
    municipality_candidates: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    year: int | None = None
    month: str | None = None
    evaluators: list[str] = field(default_factory=list)
    template: str | None = None
    provenance: dict[str, dict[str, Any]] = field(default_factory=dict)


def _where(line: Line, rule: str) -> dict[str, Any]:
    return {"page": line.page, "bbox": [round(v, 1) for v in line.bbox], "rule": rule}


def _with_wrapped(lines: list[Line]) -> list[tuple[Line, bool]]:
    """(line, is_single): each line preceded by itself joined with the next close line, since names
    wrap ('analys av X' / 'kommun')."""
    out = []
    for a, b in zip(lines, [*lines[1:], None], strict=True):
        if b is not None and a.page == b.page and b.top - a.bottom < a.size * 1.2:
            out.append((type(a)(a.words + b.words, a.page), False))
        out.append((a, True))
    return out


def read_metadata(front: list[Line], front_text: str) -> Metadata:
    """Municipality candidates, year, month, evaluators and template from the front pages."""
    meta = Metadata()
    cues = labels()
    for t in cues["templates"]:
        if re.search(t["pattern"], front_text):
            meta.template = t["template"]
            break
    months = cues["months"]
    for line, single in _with_wrapped(front):
        text = clean_heading(collapse_letter_spacing(line.text))
        for n, pattern in enumerate(cues["municipality_cues"]):
            m = re.search(pattern, text)
            if m and m.group("name"):
                name = re.sub(r"[\s:,.–-]+$", "", m.group("name")).strip()
                if 2 <= len(name) <= 60:
                    meta.municipality_candidates.append((name, _where(line, f"municipality_cues[{n}]")))
                if "year" in m.groupdict() and m.group("year") and meta.year is None:
                    meta.year = int(m.group("year"))
                    meta.provenance["year"] = _where(line, f"municipality_cues[{n}]")
        for n, pattern in enumerate(cues["date_cues"]):
            m = re.search(pattern, text)
            if not m:
                continue
            groups = m.groupdict()
            if groups.get("isodate"):
                year, month, _ = groups["isodate"].split("-")
                found_year, found_month = int(year), months[int(month) - 1] if 1 <= int(month) <= 12 else None
            else:
                found_year = int(groups["year"]) if groups.get("year") else None
                month_word = (groups.get("month") or "").lower()
                found_month = month_word if month_word in months else None
            if found_year and (meta.year is None or meta.month is None and found_month):
                meta.year = found_year
                meta.provenance["year"] = _where(line, f"date_cues[{n}]")
            if found_month and meta.month is None:
                meta.month = found_month
                meta.provenance["month"] = _where(line, f"date_cues[{n}]")
        for n, pattern in enumerate(cues["evaluator_cues"]):
            m = re.search(pattern, text) if single else None  # a single line: the names end where it ends
            if m and not meta.evaluators:
                names = re.split(r"\s*(?:,|;|\boch\b|&)\s*", m.group("names"))
                meta.evaluators = [x.strip(" .") for x in names if x.strip(" .")]
                meta.provenance["evaluators"] = _where(line, f"evaluator_cues[{n}]")
    # Upper-case covers ("ANALYS AV LULEÅ KOMMUN") come last: the running text prints the name as people write it.
    meta.municipality_candidates.sort(key=lambda c: c[0].isupper())
    return meta
