"""Find the area sections of chapter 3 ("Område N <name>") and tell a table-of-contents entry from a heading.

A heading is a numbered line that looks like a heading in this report's layout (size, weight, or shape on
font-less OCR layers) and names an area, or is followed by the Rubriker/Poäng box within a few lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from kompass_extract.common.editions import DEFAULT_FACTS
from kompass_extract.locate.labels import (
    clean_heading,
    is_label,
    join_lines,
    labels,
    parse_number,
    starts_with_label,
)
from kompass_extract.locate.layout import Layout
from kompass_extract.read.lines import Line


def _area_heading_re() -> re.Pattern[str]:
    """ "Område 5: Kontroll- ..."; OCR may set a stray colon or stop after the word ("Område: 5:")."""
    words = "|".join(re.escape(w) for w in labels()["area_heading_words"])
    return re.compile(rf"^(?:{words})[:.]?\s*(\d{{1,2}})\s*[:.\-–—]?\s*(.*)$", re.I)


TOC_RE = re.compile(r"(?:(?<!\.)\.{3,}|(?<!…)…+)\s*\d{1,3}\s*$")
"""A dot leader and a page number. The look-behinds start a match only where a run of dots starts: linear time."""


def is_toc_entry(line: Line) -> bool:
    """A table-of-contents (or summary table) row: dot leaders, or a number far right of the text."""
    if TOC_RE.search(line.text):
        return True
    words = line.words
    return len(words) >= 2 and parse_number(words[-1].text) is not None and words[-1].x0 - words[-2].x1 > 3 * line.size


def heading_text(line: Line) -> str:
    """The line's text without the marks a scan sets before an OCR'd heading: leading OCR'd words of no letter or
    digit (a toner speck read as "." or "'") would keep "Område 8 ..." from being read as the area's heading, and
    the area's whole section would go to the area before it."""
    words = line.words
    n = 0
    while n < len(words) - 1 and words[n].conf is not None and not any(c.isalnum() for c in words[n].text):
        n += 1
    return Line(words[n:], line.page).text.strip() if n else line.text.strip()


@dataclass
class AreaHeading:
    index: int
    area_no: int
    name: str
    line: Line


NUMBERED_HEADING_RE = re.compile(r"^(?:\d+\.)?(\d)\s*[.:)]?\s+(\D.*)$")
NAME_SCORE_MIN = 85.0


def find_area_headings(
    lines: list[Line],
    layout: Layout,
    end: int,
    name_score: Callable[[int, str], float] | None = None,
    area_nos: range = DEFAULT_FACTS.area_nos,
) -> list[AreaHeading]:
    """The first heading-like 'Område N ...' line for each N, in document order, before ``end``.

    Reports that number their area sections without the word ("3.1 Offentlighet och ...", "1. ...") are
    read when no 'Område' heading exists at all: then a numbered heading counts when ``name_score`` (the
    catalog's similarity of the name to the known names of area N, 0-100) is high. ``area_nos`` are the area
    numbers a heading can carry (those of the catalog's editions).
    """
    pattern = _area_heading_re()
    found = _headings(lines[:end], layout, lambda text: pattern.match(text), area_nos)
    if not found and name_score is not None:

        def numbered(text: str) -> re.Match[str] | None:
            m = NUMBERED_HEADING_RE.match(text)
            return m if m and name_score(int(m.group(1)), clean_heading(m.group(2))) >= NAME_SCORE_MIN else None

        found = _headings(lines[:end], layout, numbered, area_nos)
    return found


def _headings(
    lines: list[Line], layout: Layout, match: Callable[[str], re.Match[str] | None], area_nos: range
) -> list[AreaHeading]:
    """One heading per area number, chosen among every line that could be it.

    A summary chapter may print the same "Område N ..." lines as sub-headings, and a running header may
    repeat them; the section heading is the one followed by its Rubriker/Poäng box. Without boxes (older
    layouts) it is the last heading-like candidate, since the sections follow any summary.
    """
    candidates: dict[int, list[tuple[int, bool, bool]]] = {}  # area -> (index, heading-like, box follows)
    for i, line in enumerate(lines):
        m = match(heading_text(line))
        if not m or is_toc_entry(line) or int(m.group(1)) not in area_nos:
            continue
        heading_like = layout.is_heading(line) or line.bold is None and _looks_like_heading(lines, i, layout)
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
        if match(heading_text(line)):
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
    m = match(heading_text(line))
    name = m.group(2).strip() if m else ""
    nxt = lines[i + 1] if i + 1 < len(lines) else None
    if (
        nxt is not None
        and layout.is_heading(nxt)
        and abs(nxt.size - line.size) < 0.5
        and layout.gap(line, nxt) < 1.6
        and not match(heading_text(nxt))
        and not starts_with_label(nxt.text, "box_rubriker")
    ):
        name = join_lines([name, nxt.text])
    return AreaHeading(i, no, clean_heading(name), line)


def _looks_like_heading(lines: list[Line], i: int, layout: Layout) -> bool:
    """Font-less layers: the line stands apart from the previous one and is short."""
    line = lines[i]
    prev = lines[i - 1] if i else None
    return len(line.text) < 90 and (prev is None or layout.gap(prev, line) > 1.3)
