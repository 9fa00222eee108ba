"""Parse one area section: the box ("Rubriker" bullets, "Poäng" and the score below or beside it), the
narrative (sub-headings recognised by weight/size, or by shape on font-less layers), then hand the
Styrkor / Förbättrings list to :mod:`kompass_extract.parse.findings`.
"""

from __future__ import annotations

from dataclasses import replace

from kompass_extract.locate.areas import AreaHeading
from kompass_extract.locate.labels import (
    clean_heading,
    fold,
    is_label,
    join_lines,
    labels,
    parse_score,
    starts_with_label,
    strip_bullet,
)
from kompass_extract.locate.layout import Layout, line_pitch
from kompass_extract.model import Area, BreakDoubt, Section, union
from kompass_extract.parse.box import box_column, box_items, box_lines
from kompass_extract.parse.breaks import HANGING_PUNCTUATION, JUSTIFIED_SPREAD, PageBreaks, ends_sentence
from kompass_extract.parse.columns import in_columns
from kompass_extract.parse.findings import parse_findings
from kompass_extract.parse.findings_header import find_findings_header
from kompass_extract.parse.item_markers import word_tail
from kompass_extract.parse.item_text import misread, trimmed
from kompass_extract.parse.subheadings import PARAGRAPH_GAP, FontlessNarrative
from kompass_extract.read.geometry import Word
from kompass_extract.read.lines import Line
from kompass_extract.read.markers import MarkerSource, with_markers
from kompass_extract.read.ocr.probe import Look


def parse_area(
    lines: list[Line],
    heading: AreaHeading,
    layout: Layout,
    area: Area,
    markers: MarkerSource | None = None,
    look: Look | None = None,
) -> None:
    """Fill ``area`` from the lines of its section (heading excluded); ``markers`` gives a page's drawn list
    markers (read only for the pages of the box and the Styrkor / Förbättrings list), ``look`` looks for a list
    marker again on a scanned page's image."""
    area.name = heading.name or area.name
    area.page = heading.line.page
    area.bbox = heading.line.bbox
    body_start = _parse_box(lines, area, markers)
    findings_at = find_findings_header(lines, body_start, layout)
    narrative_end = findings_at if findings_at is not None else len(lines)
    narrative, in_two, straddled = in_columns(lines[body_start:narrative_end])
    if in_two:  # the report's pitch was measured between lines of two columns' baselines interleaved
        layout = replace(layout, pitch=line_pitch(narrative, layout.body_size))
    narrative = with_markers(narrative, markers)  # drawn bullets start paragraphs too
    area.sections = _parse_narrative(narrative, layout, area.rubriker, _across_gutter(straddled))
    area.rubriker = _unbroken(area.rubriker, [section.heading for section in area.sections])
    if findings_at is not None:
        area.findings = parse_findings(lines[findings_at:], layout, markers, look)


# --- the Rubriker / Poäng box -------------------------------------------------------------------


def _parse_box(lines: list[Line], area: Area, markers: MarkerSource | None) -> int:
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
            for n, w in enumerate(ln.words)
            if is_label(w.text, "box_score") and (len(ln.words) <= 4 or _own_cell(ln.words, n))
        ),
        (None, None),
    )
    if rub_i is None and score_label is None:
        return 0
    start = rub_i if rub_i is not None else score_i or 0
    beside = score_label is not None and (rub_i is None or score_label.x0 > window[rub_i].x0 + 40)
    limit_x = score_label.x0 - 6 if beside and score_label is not None else 1e9
    column = (  # lazily: the headings end within a few lines, and each word is tested against the labels
        Line([w for w in ln.words if not is_label(w.text, "box_rubriker", "box_score")], ln.page)
        for ln in box_column(window[start:], markers, limit_x)
    )
    items, last, doubt = box_items(box_lines(ln for ln in column if ln.words), window[start].x0)
    items = [trimmed([ln for ln in parts if ln.words]) for parts in items]
    texts = [join_lines([ln.text for ln in parts]) for parts in items]
    area.rubriker = [text for text in texts if text]
    misreads = (f"{text!r}: {why}" for parts, text in zip(items, texts, strict=True) if (why := misread(parts)))
    area.rubriker_ocr = window[start].conf is not None  # the box's label line was OCR'd
    few = f"the box lists {len(area.rubriker)} sub-area(s) only: its items were likely lost"
    area.rubriker_doubt = (
        doubt or next(misreads, None) or (few if area.rubriker_ocr and len(area.rubriker) < FEWEST_RUBRIKER else None)
    )
    bottom = (last.page, last.bottom) if last is not None else (window[start].page, window[start].bottom)
    if score_label is not None:
        _read_box_score(window, score_i or 0, score_label, area)
        if area.header_bbox is not None and area.header_page is not None:
            bottom = max(bottom, (area.header_page, area.header_bbox[3]))
    return next((i for i in range(start + 1, len(window)) if (window[i].page, window[i].top) > bottom), len(window))


FEWEST_RUBRIKER = 2
"""Fewest sub-areas a box lists (three to seven in the reports known): an OCR'd box read with fewer lost items, its
marker or label read as something else."""


CELL_GAP = 1.0
"""A gap of this many font sizes parts two cells of a row; words of a line of text stand half a size apart at most."""
WORD_GAP = 0.3
"""A gap of this many font sizes is wider than a space: with a change of weight, it parts two cells."""


def _unbroken(rubriker: list[str], headings: list[str]) -> list[str]:
    """``rubriker``, each that a narrative sub-heading prints with fewer spaces and otherwise alike taken as the heading
    prints it: a word too long for a narrow box's line, broken without a hyphen ("Medarbetarundersökninga" / "r", as
    LibreOffice breaks one), was joined with a space. The sub-headings repeat the box's sub-areas on a full line."""
    spaced = {heading.replace(" ", ""): heading for heading in headings}
    out = []
    for rubrik in rubriker:
        heading = spaced.get(rubrik.replace(" ", ""))
        out.append(heading if heading is not None and heading.count(" ") < rubrik.count(" ") else rubrik)
    return out


def _own_cell(words: list[Word], n: int) -> bool:
    """Word ``n`` stands apart from the words before it, in a cell of its own: the 'Poäng' label on the line of a
    long heading of the Rubriker column beside it (LibreOffice aligns the two cells' first lines, or centres the
    label in a tall row). Apart by a wide gap, or by a gap and its weight (a bold label after regular text)."""
    if n == 0:
        return False
    gap, size = words[n].x0 - words[n - 1].x1, max(words[n].size, 1.0)
    restyled = words[n].bold is True and words[n - 1].bold is False
    return gap > CELL_GAP * size or restyled and gap > WORD_GAP * size


BOX_WINDOW = 40
"""Lines after an area heading within which its Rubriker/Poäng box must start."""


SCORE_REACH = 6
"""How far below its label (in label heights) the box score may stand: a tall cell centres it lower."""


def _read_box_score(window: list[Line], label_i: int, label: Word, area: Area) -> None:
    """The score nearest below (or right of) the 'Poäng' label, within the box: never from the narrative.

    A label near the foot of its page may have its score at the head of the next one (a table row or a float that
    the page break cut): when the label's page ends within reach, the search goes on there, as far below that
    page's first line."""
    best: tuple[float, Word, Line] | None = None
    height = label.bottom - label.top
    first_page, page, reach = window[label_i].page, window[label_i].page, label.bottom + SCORE_REACH * height
    for ln in window[label_i:]:
        if ln.page == first_page + 1 and page == first_page and best is None:
            page, reach = ln.page, ln.top + SCORE_REACH * height
        if ln.page != page or ln.top > reach or starts_with_label(ln.text, "general_heading"):
            break
        for w in ln.words:
            if w is label or parse_score(w.text) is None:
                continue
            same_line = ln is window[label_i] and w.x0 > label.x1
            lower = ln.page > first_page or w.top >= label.top
            below = lower and (w.x0 < label.x1 + 40 and w.x1 > label.x0 - 40)
            if same_line or below or lower and _floated_score(ln, w, label):
                distance = abs(w.top - label.top) + abs(w.xc - label.xc) * 0.2
                if best is None or distance < best[0]:
                    best = (distance, w, ln)
    if best is not None:
        _, word, ln = best
        area.header_score = parse_score(word.text)
        area.header_page = ln.page
        area.header_bbox = (word.x0, word.top, word.x1, word.bottom)
        area.header_confidence = word.conf
    elif label.conf is not None:  # OCR'd, and Tesseract read no number there: where it stands, to be read again
        area.header_page = window[label_i].page
        area.header_bbox = (label.x0 - height, label.bottom, label.x1 + height, label.bottom + UNREAD_BOX * height)
        area.header_confidence = 0.0


UNREAD_BOX = 3
"""Height (in label heights) of the place under an OCR'd 'Poäng' label where its unread score is looked for again by
:mod:`kompass_extract.validate.repair`, which keeps a reading only when the rounding relations decide it (the
printed score is larger than the label)."""


def _floated_score(line: Line, word: Word, label: Word) -> bool:
    """A number on a line of its own below the label, set no smaller than it, wherever across the page: a box
    floated right of the Rubriker list that LibreOffice lays out as the label's paragraph and a centred score."""
    return len(line.words) == 1 and word.size >= label.size


# --- narrative ----------------------------------------------------------------------------------


def _across_gutter(straddled: list[Line]) -> dict[int, str]:
    """The doubt of each line that may be two columns' lines read across their gutter, by its last word (a drawn
    marker added to a line stands left of its words)."""
    if not straddled:
        return {}
    first = straddled[0]
    doubt = (
        f"{len(straddled)} lines of page {first.page} hold a white band at one place in the middle, as two columns "
        f"read across their gutter would ({first.text.strip()[:60]!r})"
    )
    return {id(ln.words[-1]): doubt for ln in straddled}


def _parse_narrative(
    lines: list[Line], layout: Layout, rubriker: list[str], straddled: dict[int, str] | None = None
) -> list[Section]:
    """The sections of the narrative ``lines``; ``straddled`` (see :func:`_across_gutter`) doubts the sections
    that hold such lines."""
    sections: list[Section] = []
    known = {fold(r) for r in rubriker} | {fold(x) for x in labels()["general_heading"]}
    paragraphs: list[list[str]] = []
    current: Section | None = None
    prev: Line | None = None
    item: tuple[float, float] | None = None  # the bullet item being read: where its text starts, and how far in
    rights = _right_ends(lines)
    shapes = FontlessNarrative(lines, layout, known)
    breaks = PageBreaks(lines, layout)
    for line in lines:
        text = line.text.strip()
        if not text or shapes.speck(line):
            continue
        heading = layout.is_heading(line) or (
            line.bold is None and (fold(text) in known or _looks_like_subheading(prev, line, layout))
        )
        doubt = (shapes.heading_doubt(line) if heading else None) or (straddled or {}).get(id(line.words[-1]))
        heading = heading and shapes.supports(line)  # a scan's line box is no font: does the page show a heading?
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
                if line.page == current.page and current.bbox is not None:  # the box covers every line of it
                    current.bbox = union([current.bbox, line.bbox])
                current.doubt = current.doubt or doubt
                prev = line
                continue
            _close(current, paragraphs, sections)
            current = Section(clean_heading(text), [], line.page, line.bbox, doubt)
            paragraphs = []
            prev = line
            continue
        if current is None:
            current = Section("", [], line.page, line.bbox)
        current.doubt = current.doubt or doubt
        had_bullet, rest = strip_bullet(line.words)
        if had_bullet and _split_word_tail(prev, line, layout):
            had_bullet = False  # "organisa" / "- tionen": the dash joins a word split over the line break
        if had_bullet and rest:
            text = "• " + " ".join(w.text for w in rest)
        leaves_item = item is not None and _leaves_item(prev, line, item, layout, breaks)
        if prev is not None and paragraphs and not had_bullet and not shapes.goes_on(line):
            current.doubt = current.doubt or shapes.gap_doubt(prev, line)
        within = prev is not None and bool(paragraphs) and not had_bullet and not leaves_item  # text goes on or not
        parted = had_bullet or leaves_item or not paragraphs or _new_paragraph(prev, line, layout, rights, shapes)
        if parted:
            paragraphs.append([])
            item = (rest[0].x0, rest[0].x0 - line.x0) if had_bullet and rest else None
        paragraphs[-1].append(text)
        if within and prev is not None:
            _doubt_break(current, prev, line, parted, len(paragraphs), breaks)
        prev = line
    _close(current, paragraphs, sections)
    if sections and not sections[0].heading:
        sections[0].doubt = sections[0].doubt or shapes.lead_doubt(sections[0].paragraphs)
    return sections


def _doubt_break(section: Section, prev: Line, line: Line, parted: bool, paragraph: int, breaks: PageBreaks) -> None:
    """Record on ``section`` a page or column break between ``prev`` and ``line`` that the page cannot settle
    (``paragraph``: position of the paragraph ``line`` was read into)."""
    if _broken(prev, line) and breaks.doubt(prev, line, parted):
        section.breaks.append(BreakDoubt(prev.page, paragraph, prev.text.strip(), line.text.strip(), parted))


def _leaves_item(prev: Line | None, line: Line, item: tuple[float, float], layout: Layout, breaks: PageBreaks) -> bool:
    """``line`` starts left of the text of the bullet ``item`` (where its text starts, and how far right of its
    marker's line), so it ends the item, unless it goes on the item's sentence wrapped to the margin. Over a page or
    column break the text goes on in another column, maybe at another x: there the line's indent within its own
    column is compared with the item's (a paragraph at the next column's margin after an item that ended in no stop
    was read into the item)."""
    start, indent = item
    if prev is not None and _broken(prev, line):  # the line's indent within its own column, wherever that stands
        left = min((ln.x0 for ln in breaks.column(line)), default=line.x0)
        inside = line.x0 - left >= indent - ITEM_SLACK
    else:
        inside = line.x0 >= start - ITEM_SLACK
    return not inside and not _wraps_to_margin(prev, line, layout)


ITEM_SLACK = 2.0
"""Points by which a wrapped line of a bullet item may start left of the item's text."""


def _wraps_to_margin(prev: Line | None, line: Line, layout: Layout) -> bool:
    """A bulleted paragraph set without a hanging indent wraps to the margin, left of its text: the line goes on the
    item when it goes on its sentence (the item's line ends in no stop, this one begins in lower case) at the next
    pitch or over a page or column break; a paragraph that follows a list begins with a capital, or after a stop."""
    if prev is None or ends_sentence(prev.text):
        return False
    if not _broken(prev, line) and layout.gap(prev, line) > PARAGRAPH_GAP:
        return False
    return line.text.lstrip()[:1].islower()


def _looks_like_subheading(prev: Line | None, line: Line, layout: Layout) -> bool:
    text = line.text.strip()
    return (
        not strip_bullet(line.words)[0]
        and len(text) < 90
        and text[:1].isupper()
        and not text.endswith((".", ",", ";", ":"))
        and (prev is None or layout.gap(prev, line) > 1.3)
    )


def _new_paragraph(
    prev: Line | None, line: Line, layout: Layout, rights: dict[int, list[float]], shapes: FontlessNarrative
) -> bool:
    """A vertical gap starts a paragraph; at a page or column break, only a finished sentence on a line that does
    not reach a justified margin does (``rights``: the right ends of the narrative's lines, by page), and not before
    a line in lower case (the stop of an abbreviation, "bl.a.", ended the line). On a font-less page (OCR) a line in
    lower case goes on, and the gap is measured as ``shapes`` says.

    A justified paragraph's lines end at one margin and its last line short of it: a page that ends in a full line
    goes on on the next page even when that line ends a sentence (Typst's justified reports were cut there).
    """
    if prev is None:
        return True
    if shapes.goes_on(line):
        return False
    if _broken(prev, line):
        ends = ends_sentence(prev.text) and not line.text.lstrip()[:1].islower()
        return ends and not _at_margin(prev, rights, layout.body_size)
    return layout.gap(prev, line) > PARAGRAPH_GAP


def _right_ends(lines: list[Line]) -> dict[int, list[float]]:
    ends: dict[int, list[float]] = {}
    for line in lines:
        if line.words:
            ends.setdefault(line.page, []).append(line.x1)
    return ends


JUSTIFIED_SHARE = 0.3
"""Share of a page's lines that end at one margin (three at least) for the page to count as justified there.
Ragged lines end anywhere across some 60 points, so a few of them meeting within a point is no margin."""


def _at_margin(prev: Line, rights: dict[int, list[float]], size: float) -> bool:
    """``prev`` ends at a margin that many other lines of its page end at, its last character perhaps hanging."""
    ends = rights.get(prev.page, [])
    low, high = prev.x1 - HANGING_PUNCTUATION * size - JUSTIFIED_SPREAD, prev.x1 + JUSTIFIED_SPREAD
    at = sum(low <= x1 <= high for x1 in ends) - 1  # prev itself is one of them
    return at >= max(3, JUSTIFIED_SHARE * len(ends))


def _broken(prev: Line, line: Line) -> bool:
    """The text goes on on another page or at the head of the next column (a line above the one before it)."""
    return prev.page != line.page or line.top < prev.top


def _split_word_tail(prev: Line | None, line: Line, layout: Layout) -> bool:
    """A line that starts with a dash and a lower-case word straight below a line of the same paragraph that
    ends in a letter: the rest of a word split with a spaced hyphen ("organisa" / "- tionen"), not a list item."""
    if prev is None or len(line.words) < 2:
        return False
    return word_tail(prev, line, line.words[1]) and layout.gap(prev, line) <= 1.3


def _close(section: Section | None, paragraphs: list[list[str]], sections: list[Section]) -> None:
    if section is None:
        return
    section.paragraphs = [join_lines(p) for p in paragraphs if p]
    if section.heading or section.paragraphs:
        sections.append(section)
