"""Parse the Styrkor / Förbättrings list of an area section.

Its two columns are separated where the right column's bullets line up (else at the second label) and
regrouped into lines each on its own, so that they never mix, even across a page break.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kompass_extract.locate.labels import (
    fold,
    is_bullet,
    is_label,
    join_lines,
    starts_with_label,
    strip_bullet,
)
from kompass_extract.locate.layout import Layout, column_lines
from kompass_extract.model import BBox, Finding, union
from kompass_extract.read.document import Line, Word


def find_findings_header(lines: list[Line], start: int, layout: Layout) -> int | None:
    """The header of the Styrkor / Förbättrings list: the strengths label standing alone as a cell, either
    followed by the improvements label (two columns) or alone on a heading line (stacked lists). A caption
    "Styrkor och förbättringsområden" or a sentence "Styrkor är ..." is neither."""
    for i in range(start, len(lines)):
        words = lines[i].words
        k = next((n for n, w in enumerate(words[:2]) if is_label(w.text, "strengths")), None)
        if k is None:
            continue
        rest = words[k + 1 :]
        if rest and starts_with_label(" ".join(w.text for w in rest), "improvements"):
            return i
        if not rest and (layout.is_heading(lines[i]) or not layout.has_fonts):
            return i
    return None


def _label_index(words: list[Word], key: str) -> int | None:
    """Index of the first word from which the words read as a label of ``key`` (labels may be phrases)."""
    for n in range(len(words)):
        if starts_with_label(" ".join(w.text for w in words[n:]), key):
            return n
    return None


@dataclass
class _Item:
    parts: list[str]
    page: int
    boxes: list[BBox] = field(default_factory=list)
    confs: list[float] = field(default_factory=list)
    last: Line | None = None


def parse_findings(lines: list[Line], layout: Layout) -> list[Finding]:
    """Two columns split at the gutter between the labels; or one column whose kind switches at the second."""
    header = lines[0]
    k = _label_index(header.words, "improvements")
    body: list[Line] = []
    for line in lines[1:]:
        if fold(line.text) == fold(header.text):  # the header row repeated on the next page (Word tables do)
            continue
        switches = k is None and starts_with_label(line.text, "improvements") is not None
        if layout.is_heading(line) and not strip_bullet(line.words)[0] and not switches:
            break
        body.append(line)
    columns: dict[str, list[_Item]] = {"strength": [], "improvement": []}
    if k is not None:
        left, right = header.words[0], header.words[k]
        bullets = _right_column_start(body, left.xc)
        boundary = bullets - 2 if bullets is not None and bullets < right.x1 else right.x0 - 4
        _read_items(column_lines(body, -1e9, boundary), columns["strength"], layout)
        _read_items(column_lines(body, boundary, 1e9), columns["improvement"], layout)
    else:
        split = next((i for i, ln in enumerate(body) if starts_with_label(ln.text, "improvements")), len(body))
        _read_items(body[:split], columns["strength"], layout)
        _read_items(body[split + 1 :], columns["improvement"], layout)
    return _to_findings(columns)


def _right_column_start(lines: list[Line], lo: float) -> float | None:
    """Where the right column's bullets stand: the leftmost x right of ``lo`` where bullets line up.

    Header labels may be left-aligned or centred in their cells; the bullets show where the cells begin.
    Two bullets at one x make a column; a dash inside a sentence ("organisa - tionen") stands alone.
    """
    xs = sorted(w.x0 for ln in lines for w in ln.words if is_bullet(w) and w.x0 > lo)
    return next((a for a, b in zip(xs, xs[1:], strict=False) if b - a < 1.5), None)


def _read_items(lines: list[Line], items: list[_Item], layout: Layout) -> None:
    """Bulleted items (wrapped lines joined); without bullets, a vertical gap separates items."""
    bullets_seen = False
    for line in lines:
        had_bullet, rest = strip_bullet(line.words)
        bullets_seen = bullets_seen or had_bullet
        if not rest:
            continue
        if had_bullet or not items or (not bullets_seen and _gap_lines(items[-1].last, line) > 1.5 * layout.pitch):
            items.append(_Item([], line.page))
        item = items[-1]
        item.parts.append(" ".join(w.text for w in rest))
        if line.page == item.page:
            item.boxes.append(Line(rest, line.page).bbox)
        item.confs.extend(w.conf for w in rest if w.conf is not None)
        item.last = line


def _gap_lines(prev: Line | None, line: Line) -> float:
    if prev is None or prev.page != line.page:
        return 0.0
    return line.top - prev.top


def _to_findings(columns: dict[str, list[_Item]]) -> list[Finding]:
    findings: list[Finding] = []
    for kind in ("strength", "improvement"):
        for pos, item in enumerate((i for i in columns[kind] if join_lines(i.parts)), 1):
            confidence = min(item.confs) if item.confs else None
            findings.append(Finding(kind, pos, join_lines(item.parts), item.page, union(item.boxes), confidence))
    return findings
