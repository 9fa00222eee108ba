"""Stage 2a: the area sections of chapter 3 ("Område N <name>").

Each section is cut into its parts by labels and position: the box ("Rubriker" bullets, "Poäng"
and the score below or beside it), the narrative (sub-headings recognised by weight/size, or by
shape on font-less layers), and the Styrkor / Förbättrings list, whose two columns are separated
where the right column's bullets line up (else at the second label) and regrouped into lines each on
its own, so that they never mix, even across a page break.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..model import Area, BBox, Finding, Section, union
from ..pdf.document import Line, Word, group_lines
from .layout import Layout
from .text import (
    clean_heading,
    fold,
    is_bullet,
    is_label,
    join_lines,
    labels,
    parse_number,
    parse_score,
    starts_with_label,
    strip_bullet,
)


def _area_heading_re() -> re.Pattern[str]:
    words = "|".join(re.escape(w) for w in labels()["area_heading_words"])
    return re.compile(rf"^(?:{words})\s*(\d{{1,2}})\s*[:.\-–—]?\s*(.*)$", re.I)


TOC_RE = re.compile(r"(\.{3,}|…+)\s*\d{1,3}\s*$")


def is_toc_entry(line: Line) -> bool:
    """A table-of-contents (or summary table) row: dot leaders, or a number far right of the text."""
    if TOC_RE.search(line.text):
        return True
    words = line.words
    return len(words) >= 2 and parse_number(words[-1].text) is not None and words[-1].x0 - words[-2].x1 > 3 * line.size


@dataclass
class AreaHeading:
    index: int
    area_no: int
    name: str
    line: Line


NUMBERED_HEADING_RE = re.compile(r"^(?:\d+\.)?([1-8])\s*[.:)]?\s+(\D.*)$")
NAME_SCORE_MIN = 85.0


def find_area_headings(
    lines: list[Line], layout: Layout, end: int, name_score: Callable[[int, str], float] | None = None
) -> list[AreaHeading]:
    """The first heading-like 'Område N ...' line for each N, in document order, before ``end``.

    Reports that number their area sections without the word ("3.1 Offentlighet och ...", "1. ...") are
    read when no 'Område' heading exists at all: then a numbered heading counts when ``name_score`` (the
    catalog's similarity of the name to the known names of area N, 0-100) is high.
    """
    pattern = _area_heading_re()
    found = _headings(lines[:end], layout, lambda text: pattern.match(text))
    if not found and name_score is not None:

        def numbered(text: str) -> re.Match[str] | None:
            m = NUMBERED_HEADING_RE.match(text)
            return m if m and name_score(int(m.group(1)), clean_heading(m.group(2))) >= NAME_SCORE_MIN else None

        found = _headings(lines[:end], layout, numbered)
    return found


def _headings(lines: list[Line], layout: Layout, match: Callable[[str], re.Match[str] | None]) -> list[AreaHeading]:
    """One heading per area number, chosen among every line that could be it.

    A summary chapter may print the same "Område N ..." lines as sub-headings, and a running header may
    repeat them; the section heading is the one followed by its Rubriker/Poäng box. Without boxes (older
    layouts) it is the last heading-like candidate, since the sections follow any summary.
    """
    candidates: dict[int, list[tuple[int, bool, bool]]] = {}  # area -> (index, heading-like, box follows)
    for i, line in enumerate(lines):
        m = match(line.text.strip())
        if not m or is_toc_entry(line) or not 1 <= int(m.group(1)) <= 8:
            continue
        heading_like = layout.is_heading(line) or not layout.has_fonts and _looks_like_heading(lines, i, layout)
        box_follows = _box_follows(lines, i + 1, match)
        if heading_like or box_follows:
            candidates.setdefault(int(m.group(1)), []).append((i, heading_like, box_follows))
    found = []
    for no, options in candidates.items():
        boxed = [o for o in options if o[2]]
        i = (sorted(boxed, key=lambda o: not o[1])[0] if boxed else options[-1])[0]
        found.append(_area_heading(lines, i, no, layout, match))
    return sorted(found, key=lambda h: h.index)


def _box_follows(lines: list[Line], start: int, match: Callable[[str], re.Match[str] | None]) -> bool:
    """A Rubriker or Poäng label within the next few lines, before another area heading."""
    for line in lines[start : start + BOX_LOOKAHEAD]:
        if match(line.text.strip()):
            return False
        if starts_with_label(line.text, "box_rubriker") or any(is_label(w.text, "box_score") for w in line.words[:4]):
            return True
    return False


BOX_LOOKAHEAD = 6
"""Lines after an area heading within which its box labels stand, when the section has a box."""


def _area_heading(
    lines: list[Line], i: int, no: int, layout: Layout, match: Callable[[str], re.Match[str] | None]
) -> AreaHeading:
    """The heading at line ``i``, its name continued on the next line when the heading wraps."""
    line = lines[i]
    m = match(line.text.strip())
    name = m.group(2).strip() if m else ""
    nxt = lines[i + 1] if i + 1 < len(lines) else None
    if (
        nxt is not None
        and layout.is_heading(nxt)
        and abs(nxt.size - line.size) < 0.5
        and layout.gap(line, nxt) < 1.6
        and not match(nxt.text.strip())
        and not starts_with_label(nxt.text, "box_rubriker")
    ):
        name = join_lines([name, nxt.text])
    return AreaHeading(i, no, clean_heading(name), line)


def _looks_like_heading(lines: list[Line], i: int, layout: Layout) -> bool:
    """Font-less layers: the line stands apart from the previous one and is short."""
    line = lines[i]
    prev = lines[i - 1] if i else None
    return len(line.text) < 90 and (prev is None or layout.gap(prev, line) > 1.3)


def parse_area(lines: list[Line], heading: AreaHeading, layout: Layout, area: Area) -> None:
    """Fill ``area`` from the lines of its section (heading excluded)."""
    area.name = heading.name or area.name
    area.page = heading.line.page
    area.bbox = heading.line.bbox
    body_start = _parse_box(lines, area)
    findings_at = _find_findings_header(lines, body_start, layout)
    narrative_end = findings_at if findings_at is not None else len(lines)
    area.sections = _parse_narrative(lines[body_start:narrative_end], layout, area.rubriker)
    if findings_at is not None:
        area.findings = _parse_findings(lines[findings_at:], layout)


# --- the Rubriker / Poäng box -------------------------------------------------------------------


def _parse_box(lines: list[Line], area: Area) -> int:
    """Read the box at the top of the section; return the index where the narrative starts.

    The box is a two-column table: "Rubriker" over the bulleted sub-area headings, "Poäng" over (or
    beside) the score. The heading column is regrouped on its own, so the score cannot split its lines.
    """
    window = lines[:BOX_WINDOW]
    rub_i = next((i for i, ln in enumerate(window) if starts_with_label(ln.text, "box_rubriker")), None)
    score_i, score_label = next(
        (
            (i, w)
            for i, ln in enumerate(window)
            if len(ln.words) <= 4
            for w in ln.words
            if is_label(w.text, "box_score")
        ),
        (None, None),
    )
    if rub_i is None and score_label is None:
        return 0
    start = rub_i if rub_i is not None else score_i or 0
    beside = score_label is not None and (rub_i is None or score_label.x0 > window[rub_i].x0 + 40)
    limit_x = score_label.x0 - 6 if beside and score_label is not None else 1e9
    column = [
        Line(
            [w for w in ln.words if not is_label(w.text, "box_rubriker") and not is_label(w.text, "box_score")], ln.page
        )
        for ln in column_lines(window[start:], -1e9, limit_x)
    ]
    items, last = _box_items([ln for ln in column if ln.words], window[start].x0)
    area.rubriker = [text for text in (join_lines(parts) for parts in items) if text]
    bottom = (last.page, last.bottom) if last is not None else (window[start].page, window[start].bottom)
    if score_label is not None:
        _read_box_score(window, score_i or 0, score_label, area)
        if area.header_bbox is not None and area.header_page is not None:
            bottom = max(bottom, (area.header_page, area.header_bbox[3]))
    return next((i for i in range(start + 1, len(window)) if (window[i].page, window[i].top) > bottom), len(window))


BOX_WINDOW = 40
"""Lines after an area heading within which its Rubriker/Poäng box must start."""


def _box_items(column: list[Line], left: float) -> tuple[list[list[str]], Line | None]:
    """Sub-area headings of the box: bulleted items (wrapped lines joined), or one short line each."""
    items: list[list[str]] = []
    item_x: float | None = None
    bullet_style = False
    last: Line | None = None
    for ln in column:
        if parse_number(ln.text) is not None:  # the score, printed under the headings: the list has ended
            break
        had_bullet, rest = strip_bullet(ln.words)
        text = " ".join(w.text for w in (rest if had_bullet else ln.words))
        if had_bullet and rest:
            bullet_style, item_x = True, rest[0].x0
            items.append([text])
        elif bullet_style and item_x is not None and ln.x0 >= item_x - 2 and _close_below(last, ln):
            items[-1].append(text)
        elif (
            not bullet_style
            and not starts_with_label(ln.text, "general_heading")
            and ln.bold is not True
            and len(items) < 12
            and ln.x0 > left - 2
            and _short(ln)
        ):
            items.append([text])
        else:
            break
        last = ln
    return items, last


def _close_below(prev: Line | None, line: Line) -> bool:
    return prev is None or prev.page != line.page or line.top - prev.bottom < 2.5 * max(line.size, 1.0)


def _short(line: Line) -> bool:
    return len(line.text) < 100 and not line.text.rstrip().endswith(".")


SCORE_REACH = 6
"""How far below its label (in label heights) the box score may stand: a tall cell centres it lower."""


def _read_box_score(window: list[Line], label_i: int, label: Word, area: Area) -> None:
    """The score nearest below (or right of) the 'Poäng' label, within the box: never from the narrative."""
    best: tuple[float, Word, Line] | None = None
    reach = label.bottom + SCORE_REACH * (label.bottom - label.top)
    for ln in window[label_i:]:
        if ln.page != window[label_i].page or ln.top > reach or starts_with_label(ln.text, "general_heading"):
            break
        for w in ln.words:
            if w is label or parse_score(w.text) is None:
                continue
            same_line = ln is window[label_i] and w.x0 > label.x1
            below = w.top >= label.top and (w.x0 < label.x1 + 40 and w.x1 > label.x0 - 40)
            if same_line or below:
                distance = abs(w.top - label.top) + abs(w.xc - label.xc) * 0.2
                if best is None or distance < best[0]:
                    best = (distance, w, ln)
    if best is not None:
        _, word, ln = best
        area.header_score = parse_score(word.text)
        area.header_page = ln.page
        area.header_bbox = (word.x0, word.top, word.x1, word.bottom)
        area.header_confidence = word.conf


# --- narrative ----------------------------------------------------------------------------------


def _parse_narrative(lines: list[Line], layout: Layout, rubriker: list[str]) -> list[Section]:
    sections: list[Section] = []
    known = {fold(r) for r in rubriker} | {fold(x) for x in labels()["general_heading"]}
    paragraphs: list[list[str]] = []
    current: Section | None = None
    prev: Line | None = None
    item_x: float | None = None  # text indent of the bullet item being read, if any
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        heading = layout.is_heading(line) or (
            not layout.has_fonts and (fold(text) in known or _looks_like_subheading(prev, line, layout))
        )
        if heading and not text.endswith((".", ",", ";")):
            if (
                current is not None
                and current.paragraphs == []
                and paragraphs == []
                and prev is not None
                and layout.gap(prev, line) < 1.6
                and layout.is_heading(prev)
            ):
                current.heading = join_lines([current.heading, text])
                prev = line
                continue
            _close(current, paragraphs, sections)
            current = Section(clean_heading(text), [], line.page, line.bbox)
            paragraphs = []
            prev = line
            continue
        if current is None:
            current = Section("", [], line.page, line.bbox)
        had_bullet, rest = strip_bullet(line.words)
        if had_bullet and rest:
            text = "• " + " ".join(w.text for w in rest)
        leaves_item = item_x is not None and line.x0 < item_x - 2
        if had_bullet or leaves_item or not paragraphs or _new_paragraph(prev, line, layout):
            paragraphs.append([])
            item_x = rest[0].x0 if had_bullet and rest else None
        paragraphs[-1].append(text)
        prev = line
    _close(current, paragraphs, sections)
    return sections


def _looks_like_subheading(prev: Line | None, line: Line, layout: Layout) -> bool:
    text = line.text.strip()
    return (
        not strip_bullet(line.words)[0]
        and len(text) < 90
        and text[:1].isupper()
        and not text.endswith((".", ",", ";", ":"))
        and (prev is None or layout.gap(prev, line) > 1.3)
    )


def _new_paragraph(prev: Line | None, line: Line, layout: Layout) -> bool:
    """A vertical gap starts a paragraph; at a page break, only a finished sentence does."""
    if prev is None:
        return True
    if prev.page != line.page:
        return prev.text.rstrip().endswith((".", "!", "?", ":"))
    return layout.gap(prev, line) > 1.3


def _close(section: Section | None, paragraphs: list[list[str]], sections: list[Section]) -> None:
    if section is None:
        return
    section.paragraphs = [join_lines(p) for p in paragraphs if p]
    if section.heading or section.paragraphs:
        sections.append(section)


# --- Styrkor / Förbättrings list ----------------------------------------------------------------


def _find_findings_header(lines: list[Line], start: int, layout: Layout) -> int | None:
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


def column_lines(lines: list[Line], x_from: float, x_to: float) -> list[Line]:
    """The words of one column, regrouped into lines on their own.

    Grouping a whole page row at once lets a cell of one column borrow a bullet or a word from a
    line of the other column printed a point higher or lower; regrouping per column cannot.
    """
    by_page: dict[int, list[Word]] = {}
    for line in lines:
        by_page.setdefault(line.page, []).extend(w for w in line.words if x_from <= w.xc < x_to)
    return [ln for page, words in by_page.items() for ln in group_lines(words, page)]


def _parse_findings(lines: list[Line], layout: Layout) -> list[Finding]:
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
