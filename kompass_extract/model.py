"""Typed results of an extraction.

These dataclasses are the library's contract: every stage fills them in, the validator reads them,
and :mod:`kompass_extract.write.tables` flattens them into the output tables. They hold no behaviour
beyond small derived properties, so that a cached report can be rebuilt from its JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

BBox = tuple[float, float, float, float]
"""(x0, top, x1, bottom) in PDF points, origin at the top-left corner of the page."""
CellBox = tuple[int, float, float, float, float, float | None]
"""(page, x0, top, x1, bottom, OCR confidence or None) of one printed number."""


def union(boxes: list[BBox]) -> BBox | None:
    """The smallest box around ``boxes`` (None for none)."""
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


@dataclass
class Question:
    """One printed sub-question row of an overview table."""

    area_no: int
    question_no: str
    text: str
    achieved: float | None
    max: float | None
    percent: float | None
    page: int
    bbox: BBox | None = None
    catalog_id: str | None = None
    catalog_text: str | None = None
    match_score: float | None = None
    score_low: float | None = None
    score_high: float | None = None
    confidence: float | None = None
    """Lowest OCR word confidence (0-100) of the row's numbers; None for a born-digital layer."""
    cells: dict[str, CellBox] = field(default_factory=dict)
    """Where each number ("achieved", "max", "percent") was read on the row's page: OCR re-reads it there."""
    question_no_read: str | None = None
    """What OCR read in place of the question number, when the number was taken from the row's place in its table
    (the next one after the row above it) because the reading was a misread of it ("24" for "2.4"); else None."""
    numbered_by: str | None = None
    """How a row whose number OCR misread was numbered: "reading" (the reading is that number with characters lost),
    "neighbours" (a run of such rows exactly filling the gap between two numbered rows or the area's start), "order"
    (after the area's last numbered row: checked against the catalog's rows of the area); None: as printed."""
    unread: dict[str, str] = field(default_factory=dict)
    """Text printed in a number column of the row that is no number ("75procent", a glyph the font lacks), by
    column; text layers only (OCR'd cells are read again instead)."""


@dataclass
class Finding:
    """One bullet of the Styrkor / Förbättrings list of an area."""

    kind: str  # "strength" or "improvement"
    position: int
    text: str
    page: int
    bbox: BBox | None = None
    confidence: float | None = None
    doubt: str | None = None
    """Why the parser doubts where this item begins or ends (a line it joined could begin an item), or None."""
    misread: str | None = None
    """Why OCR may have misread the item's words (mostly fragments, words read with low confidence), or None."""


@dataclass(frozen=True)
class BreakDoubt:
    """A page or column break inside a section where the text layer cannot tell a new paragraph from the paragraph
    going on (the line before it ends a sentence, the next begins with a capital): where it is and how it was read."""

    page: int
    """Page of the line before the break (the next line is at the head of the next column or page)."""
    paragraph: int
    """1-based position in the section's paragraphs of the paragraph the next line was read into."""
    before: str
    """The line before the break, as printed."""
    after: str
    """The line after the break, as printed."""
    parted: bool
    """True: read as a new paragraph; False: read as the paragraph going on."""


@dataclass
class Section:
    """One narrative sub-heading of an area with its paragraphs."""

    heading: str
    paragraphs: list[str]
    page: int
    bbox: BBox | None = None
    doubt: str | None = None
    """Why the parser doubts this section's heading or paragraph breaks (an OCR'd page shows no fonts), or None."""
    breaks: list[BreakDoubt] = field(default_factory=list)
    """The paragraph breaks at a page or column break that the text layer could not settle (see
    :mod:`kompass_extract.parse.breaks`); the words are all there, only where one paragraph ends is open."""

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass
class Area:
    """One "Område N" of a report: the section in chapter 3 and its overview table."""

    area_no: int
    name: str | None = None
    name_canonical: str | None = None
    page: int | None = None
    bbox: BBox | None = None
    rubriker: list[str] = field(default_factory=list)
    rubriker_ocr: bool = False
    """The Rubriker box was read by OCR (its words carry confidences)."""
    rubriker_doubt: str | None = None
    """Why the parser doubts its reading of an OCR'd Rubriker box (an item begun or ended where no marker was seen,
    the box ended at a line placed like its items, an item's words misread), or None."""
    header_score: float | None = None
    header_page: int | None = None
    header_bbox: BBox | None = None
    header_confidence: float | None = None
    overview_title: str | None = None
    score: float | None = None
    max: float | None = None
    percent: float | None = None
    total_page: int | None = None
    total_bbox: BBox | None = None
    total_confidence: float | None = None
    total_cells: dict[str, CellBox] = field(default_factory=dict)
    """Where each number of the overview total row ("achieved", "max", "percent") was read."""
    questions: list[Question] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    authoritative: dict[str, str] = field(default_factory=dict)
    """Which printed number the tool takes as the area's score, and why (filled by validation)."""

    @property
    def strengths(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == "strength"]

    @property
    def improvements(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == "improvement"]


@dataclass
class Check:
    """One finding of the consistency rules, reported as data."""

    severity: str  # "error", "warning" or "info"
    code: str
    message: str
    area_no: int | None = None
    question_no: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    """What the rule compared, as data (expected, got, interval, ...): the numbers behind the message."""


@dataclass
class Correction:
    """A value a person corrected (``corrections.csv``), with the value the extraction gave.

    ``original`` and ``value`` are typed as the field is (a float for a score, a string for a text); None is
    an empty value. Keeping the original lets a correction be undone, so a changed corrections file is
    always applied to the extraction itself, never on top of an earlier correction.
    """

    table: str
    field: str
    original: Any
    value: Any
    area_no: int | None = None
    question_no: str | None = None
    position: str | None = None
    who: str | None = None
    note: str | None = None
    line: int | None = None
    """Line of the corrections file the correction came from."""


@dataclass
class Report:
    """Everything extracted from one report PDF."""

    source_file: str
    sha256: str
    pages: int
    report_id: str | None = None
    municipality: str | None = None
    kommun: str | None = None
    kommunkod: str | None = None
    year: int | None = None
    month: str | None = None
    edition: str | None = None
    edition_confidence: float | None = None
    template: str | None = None
    evaluators: list[str] = field(default_factory=list)
    ocr: bool = False
    areas: list[Area] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    provenance: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Where each metadata value was read: field -> {"page": n, "bbox": [...], "rule": name}."""
    extractor_version: str = ""
    area_count: int = 8
    """Number of areas of the report's edition (``editions.csv``); the totals need every one of them."""
    corrections: list[Correction] = field(default_factory=list)
    """Values replaced from a corrections file after extraction (empty in the cache: it stores the extraction)."""
    catalog_hash: str | None = None
    """Identity of the criteria catalog the questions were matched with (a hash of its files)."""

    @property
    def total_score(self) -> float | None:
        """Sum of the overview totals; empty unless every area printed one."""
        scores = [a.score for a in self.areas]
        if len(scores) != self.area_count or any(s is None for s in scores):
            return None
        return float(sum(scores))  # type: ignore[arg-type]

    @property
    def total_max(self) -> float | None:
        maxima = [a.max for a in self.areas]
        if len(maxima) != self.area_count or any(m is None for m in maxima):
            return None
        return float(sum(maxima))  # type: ignore[arg-type]

    def area(self, area_no: int) -> Area | None:
        return next((a for a in self.areas if a.area_no == area_no), None)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["total_score"] = self.total_score
        data["total_max"] = self.total_max
        for area, area_data in zip(self.areas, data["areas"], strict=False):
            for section, section_data in zip(area.sections, area_data["sections"], strict=False):
                section_data["text"] = section.text
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        """Rebuild a report from :meth:`to_dict` output (the cache and the report JSON)."""
        known = {f.name for f in fields(cls)}
        report = cls(**{k: v for k, v in data.items() if k in known and k not in ("areas", "checks", "corrections")})
        report.checks = [Check(**c) for c in data.get("checks", [])]
        report.corrections = [Correction(**c) for c in data.get("corrections", [])]
        for a in data.get("areas", []):
            area = Area(**{k: v for k, v in a.items() if k not in ("questions", "findings", "sections")})
            area.questions = [Question(**_tuple_bbox(q)) for q in a.get("questions", [])]
            area.findings = [Finding(**_tuple_bbox(f)) for f in a.get("findings", [])]
            area.sections = [
                Section(**_tuple_bbox({k: v for k, v in s.items() if k not in ("text", "breaks")}))
                for s in a.get("sections", [])
            ]
            for section, data in zip(area.sections, a.get("sections", []), strict=True):
                section.breaks = [BreakDoubt(**b) for b in data.get("breaks", [])]
            area.total_cells = {k: tuple(v) for k, v in area.total_cells.items()}  # type: ignore[misc]
            for q in area.questions:
                q.cells = {k: tuple(v) for k, v in q.cells.items()}  # type: ignore[misc]
            for key in ("bbox", "header_bbox", "total_bbox"):
                if area.__dict__.get(key) is not None:
                    setattr(area, key, tuple(getattr(area, key)))
            report.areas.append(area)
        return report


def _tuple_bbox(d: dict[str, Any]) -> dict[str, Any]:
    if d.get("bbox") is not None:
        d = {**d, "bbox": tuple(d["bbox"])}
    return d
