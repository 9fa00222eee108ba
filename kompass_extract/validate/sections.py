"""Doubtful narrative structure: sub-headings that do not echo the sub-areas the area's box lists; and a box whose
OCR'd reading the parser doubts.

Each area's narrative has one sub-heading per sub-area of its "Rubriker" box (worded alike, not always the same:
"Information till medborgare" over "Information till medborgarna"). When across the whole report few of the box's
sub-areas turn up among the narrative's headings, the narrative was not read as printed: text set in two columns
(whose lines interleave), headings that did not stand out from the body text, a box that swallowed a paragraph.
Nothing in the numbers notices that, so the areas whose headings miss most of their box are warned.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from rapidfuzz import fuzz, process

from kompass_extract.locate.labels import fold
from kompass_extract.model import Area
from kompass_extract.validate.enrich import AreaFacts, ReportFacts
from kompass_extract.validate.lists import MARKER_GLYPHS
from kompass_extract.validate.registry import Hit, hit, rule

SIMILAR = 85
"""Token-set similarity from which a sub-heading echoes a sub-area of the box."""
REPORT_SHARE = 0.6
"""Below this share of the report's box sub-areas found among its sub-headings, the narrative is doubtful (printed
reports: 0.87 and more; a two-column narrative: 0.40)..."""
AREA_SHARE = 0.5
"""...and then each area where fewer than this share are found is warned."""
MIN_RUBRIKER = 10
"""Sub-areas a report's boxes must list for the share to say anything."""
NARRATED = 2
"""Areas with a narrative read that show the report prints narratives (one could be text read after a heading)."""
SENTENCE_ENDS = ".!?:;…"
CLOSERS = ' "”’)»'
"""What may close a sentence after its end: quotes and a parenthesis."""
LIST_ITEM = re.compile(rf"[{MARKER_GLYPHS}–—-]\s")
"""A paragraph that is a list item: it begins with a marker (items of a list end without a sentence's end)."""
LOWER_START = re.compile(rf"(?:[{MARKER_GLYPHS}–—-]\s+)?[a-zåäöé]")
"""A paragraph's text beginning in lower case, after a list marker if any: no paragraph of a report does."""


@rule(
    "sections-uncertain",
    "warning",
    "Few of the sub-areas an area's 'Rubriker' box lists are among the narrative's sub-headings, in an area and in "
    "the report as a whole: the narrative may not have been read as printed (text in two columns, sub-headings "
    "that do not stand out, a paragraph read into the box). Verify the sub-headings and the box against the page.",
    message="area {area_no}: {found} of {listed} sub-areas of the box are among the sub-headings",
    on="report-end",
)
def sections_uncertain(facts: ReportFacts) -> Iterator[Hit]:
    counts = {area.area_no: (_echoed(area), len(area.rubriker)) for area in facts.report.areas if area.rubriker}
    listed = sum(n for _, n in counts.values())
    if listed < MIN_RUBRIKER or sum(found for found, _ in counts.values()) >= REPORT_SHARE * listed:
        return
    for area_no, (found, n) in sorted(counts.items()):
        if found < AREA_SHARE * n:
            yield hit(area=area_no, area_no=area_no, found=found, listed=n)


def _echoed(area: Area) -> int:
    """Sub-areas of the box that a sub-heading of the narrative echoes.

    One rapidfuzz call per sub-area finds whether any heading reaches the threshold (giving up on a heading as soon
    as it cannot), not one call per pair of a sub-area and a heading (2 M instructions a report)."""
    headings = [fold(s.heading) for s in area.sections if s.heading]
    return sum(
        process.extractOne(fold(r), headings, scorer=fuzz.token_set_ratio, score_cutoff=SIMILAR) is not None
        for r in area.rubriker
    )


@rule(
    "narrative-uncertain",
    "warning",
    "The parser could not tell from the page alone where the narrative's text runs. On a page without fonts "
    "(OCR'd): a line taken for a sub-heading by its shape only (no sub-area of the box echoes it), or two "
    "paragraphs parted (or joined) by a gap close to the threshold, which a line box stretched by an accent or a "
    "speck can move. On any page: lines that hold a white band down the middle at one place, as two columns' lines "
    "would, in text the parser did not read column by column (the columns' lines may be interleaved; a table in "
    "the narrative looks alike). Or no narrative read at all in an area of a report whose other areas have one: the "
    "area's section heading was not found (a page read turned or as fragments), so its text is missing or was read "
    "into the area before it. Or a paragraph that begins in lower case after one that ends mid-sentence: one "
    "paragraph read as two (a speck read as a list marker before a word's second half). Verify the area's sub-headings, paragraphs and reading order against the page.",
    message="area {area_no}: {count} doubtful sub-heading(s) or paragraph break(s), first: {first}",
    on="area-review",
)
def narrative_uncertain(facts: AreaFacts) -> Iterator[Hit]:
    doubts = [s.doubt for s in facts.area.sections if s.doubt]
    if doubts:
        yield hit(area=facts.no, area_no=facts.no, count=len(doubts), text={"first": doubts[0]})


@rule("narrative-uncertain", message="area {area_no}: no narrative was read, {why}", on="report-end")
def narrative_not_read(facts: ReportFacts) -> Iterator[Hit]:
    """One warning per area without a narrative when at least :data:`NARRATED` of the report's areas have one: every
    area of a report that prints narratives has one, so its section was not found (a heading on a page OCR read
    turned or as fragments, or a heading not told from the text) and what it prints is missing or in another area;
    nothing in the numbers, read from the overview tables, notices."""
    areas = facts.report.areas
    narrated = sum(bool(a.sections) for a in areas)
    if narrated < NARRATED:
        return
    for area in areas:
        if not area.sections:
            why = f"where {narrated} of the report's {len(areas)} areas have one (its section's heading may be unread)"
            yield hit(area=area.area_no, area_no=area.area_no, text={"why": why})


@rule("narrative-uncertain", message="area {area_no}: {why}", on="area-review")
def paragraph_split_mid_sentence(facts: AreaFacts) -> Iterator[Hit]:
    """One warning per area with a paragraph that begins in lower case (after a list marker, if any) after a
    paragraph of its section that ends without a sentence's end and is no list item: one paragraph read as two. On a
    tinted, noisy scan a speck before the second half of a hyphenated word ("organisa-" / "tionen.") was read as a
    list marker, and "• tionen. Tidigare ..." began a paragraph of its own, silently."""
    for section in facts.area.sections:
        for before, after in itertools.pairwise(section.paragraphs):
            ended = before.rstrip(CLOSERS)[-1:] in SENTENCE_ENDS
            if not ended and not LIST_ITEM.match(before) and LOWER_START.match(after):
                why = (
                    f"a paragraph begins in lower case ({after[:40]!r}) after one that ends mid-sentence "
                    f"({before[-40:]!r}): one paragraph read as two?"
                )
                yield hit(area=facts.no, area_no=facts.no, text={"why": why})
                return


@rule(
    "paragraph-break-uncertain",
    "info",
    "A paragraph break at a page or column break that the text layer cannot settle: the line before it ends a "
    "sentence, the next begins with a capital, and the page shows no justified margin or greedy line breaking "
    "that would tell a new paragraph from the paragraph going on (the next line's first word would not have fitted "
    "on the line before). The section's words are all there, only where one paragraph ends is open "
    "(`sections.uncertain_breaks` counts these). Info, not a warning: the reading kept (a new paragraph) is what "
    "printed reports hold as often as not (the Luleå report, area 7), and no number or word is in doubt; on "
    "held-out layouts about two in three such breaks were a paragraph going on. Verify against the page (details: "
    "page, the two lines, the paragraph) where paragraph boundaries matter.",
    message="area {area_no}, section {section}: {reading} at a page or column break (page {page}): {before} / {after}",
    on="area-review",
)
def paragraph_break_uncertain(facts: AreaFacts) -> Iterator[Hit]:
    for position, section in enumerate(facts.area.sections, 1):
        for doubt in section.breaks:
            reading = "read as a new paragraph" if doubt.parted else "read as one paragraph"
            yield hit(
                area=facts.no,
                area_no=facts.no,
                section=position,
                paragraph=doubt.paragraph,
                page=doubt.page,
                parted=doubt.parted,
                before=doubt.before,
                after=doubt.after,
                text={"reading": reading, "before": repr(doubt.before[-40:]), "after": repr(doubt.after[:40])},
            )


@rule(
    "rubriker-uncertain",
    "warning",
    "On a page without fonts (OCR'd), the 'Rubriker' box's list of sub-areas may be misread: an item begun where "
    "no list marker was seen, the box ended at a line placed like its items (an item lost), an item's words read "
    "as fragments or with low OCR confidence, or an item a letter or two away from a sub-area name the catalog or the "
    'area\'s narrative knows ("Kompetensutveekling", an en dash read as an em dash) and equal to none; or no '
    "box read at all in an area of a report whose other areas have one (its label unread), or short list items read "
    "before the narrative's first sub-heading (the box ended early), or an item beginning in lower case. "
    "Tesseract reads a box's markers as letters, as lines of their own, or not at all, and some letters with confidence. "
    "Verify the area's rubriker against the page.",
    message="area {area_no}: the Rubriker box may be misread: {why}",
    on="area-review",
)
def rubriker_uncertain(facts: AreaFacts) -> Iterator[Hit]:
    area = facts.area
    why = area.rubriker_doubt or (_near_miss(area, facts.ctx.rubriker_names()) if area.rubriker_ocr else None)
    if why:
        yield hit(area=facts.no, area_no=facts.no, text={"why": why})


def _dashless(text: str) -> str:
    return text.translate(_DASHES)


_DASHES = str.maketrans("–—‐‑−", "-----")
NEAR = 85
"""Similarity (rapidfuzz ratio, letters as read) from which a box item that equals no known sub-area name is that
name misread: OCR's letter slips ("Eedarutveckling", "Mangfald" 87.5, a dash 97); names of other sub-areas differ
more (a box's own items are under 70 alike)."""


def _near_miss(area: Area, names: frozenset[str]) -> str | None:
    """The first OCR'd box item that is a catalog sub-area name but for the kind of a dash (Tesseract does not tell a
    hyphen, an en dash and an em dash apart, and the narrative's sub-heading repeats the slip), or that equals no
    sub-area name of the catalog nor any of the area's narrative sub-headings, yet is :data:`NEAR` alike to one of
    them: a name with a letter misread."""
    known = names | {" ".join(s.heading.split()) for s in area.sections if s.heading}
    dashless = {_dashless(name): name for name in names}
    for item in area.rubriker:
        text = " ".join(item.split())
        printed = dashless.get(_dashless(text))
        if printed is not None and printed != text:
            return f"{text!r} is the sub-area {printed!r} but for a dash, which OCR does not tell apart"
        if text in known:
            continue
        best = process.extractOne(text, known, scorer=fuzz.ratio, score_cutoff=NEAR)
        if best is not None:
            return f"{text!r} is like the sub-area {best[0]!r} but not the same (a letter misread?)"
    return None
