"""Doubtful list structure: a Styrkor / Förbättrings list whose items may have been joined.

A list whose markers the reader did not see (a producer's drawn shapes, a scan's faint dashes) comes out as
one long item per column, and nothing in the numbers notices; a list whose header was not found comes out as no
list at all. These checks look at the items themselves, and at an area without a list where most areas have one:
an item much longer than its siblings, an item in which several findings seem to begin (a capitalised word
straight after a word in lower case, or a new sentence), a column with one item or none beside a column with many,
a marker glyph left inside an item's text, and the doubts the list parser noted (a line it joined to an item
could as well have begun one). A second code, ``finding-text-uncertain``, names an OCR'd item whose words the
parser doubts (:mod:`kompass_extract.parse.item_text`): its place may be right and its letters wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from statistics import median

from kompass_extract.locate.labels import fold, labels
from kompass_extract.model import Area, Check, Finding, Report
from kompass_extract.validate.enrich import AreaFacts, ReportFacts
from kompass_extract.validate.registry import Hit, hit, make_check, rule

CODE = "findings-uncertain"
SEVERITY = "warning"
DESCRIPTION = (
    "The strengths/improvements list of an area may have been read with items joined (or split): an item much "
    "longer than its siblings, an item in which several findings seem to begin, a column with one item or none "
    "beside one with many, a list marker inside an item's text, or no list in an area where most areas have one or "
    "whose narrative shows one (a line that begins like a torn list label, list markers inside a paragraph). "
    "Verify the list against the page."
)
LONG_FACTOR = 3.0
"""An item this many times longer than the median of its area's other items is suspicious..."""
LONG_MIN = 150
"""...when it is also at least this many characters long (findings are a line or two)."""
STARTS_MIN = 2
"""Item starts inside one item (capitalised word after a lower-case word, or a new sentence) that are doubtful
on their own; one is doubtful only in an item twice as long as its siblings (proper names are capitalised)."""
MANY = 4
"""A column of one item or none beside a column of at least this many is doubtful (its items may have been read
into the other column)."""
KINDS = {"strength": "strengths", "improvement": "improvements"}
QUOTES = "”“\"'()«»"
_WORD = re.compile(r"\S+")
MARKER_GLYPHS = "\uf0b7\uf0a7\u2022\u25aa\u25a0\u25cf\u25e6\u27a2\u2713"
INNER_MARKER = re.compile(rf"(?:^|\s)[{MARKER_GLYPHS}](?:\s|$)")


MESSAGE = "area {area_no}: {what}: items joined or lost?"


@rule(CODE, SEVERITY, DESCRIPTION, message=MESSAGE, on="report-end")
def findings_uncertain(facts: ReportFacts) -> Iterator[Hit]:
    """One warning per doubtful item or column, area by area; and one per area without a list where most areas
    have one (its header was not found: a scan's misread label, a list the reader did not see)."""
    areas = sorted(facts.report.areas, key=lambda a: a.area_no)
    listed = sum(bool(a.findings) for a in areas)
    for area in areas:
        sign = None if area.findings else unread_list_sign(area)
        if not area.findings and listed > 0 and 2 * listed >= len(areas):
            what = f"no strengths/improvements list was found, though {listed} of {len(areas)} areas have one"
            yield hit(area=area.area_no, area_no=area.area_no, items=0, text={"what": what})
        elif sign is not None:
            what = f"no strengths/improvements list was found, though the narrative shows one: {sign}"
            yield hit(area=area.area_no, area_no=area.area_no, items=0, sign=sign, text={"what": what})
        yield from _area_hits(area)


LABEL_LINE = 60
"""Characters of a line that may be a list's header, not a sentence that begins with "Styrkor"."""
LABEL_PREFIX = 5
"""Letters of a list label's first word that a torn or misread label keeps ("Styrk" of "Styrkor")."""


@cache
def _label_words() -> tuple[str, ...]:
    return tuple(fold(label).split()[0] for key in KINDS.values() for label in labels()[key])


def unread_list_sign(area: Area) -> str | None:
    """A trace, in an area's narrative, of a strengths/improvements list the parser did not read: a short line that
    begins like a list label (a scan's "Styrk rin het"), or list markers inside a paragraph (the items of both
    columns read as prose). With no list in any area of a report, nothing else notices that every list was lost."""
    for section in area.sections:
        for text in (section.heading, *section.paragraphs):
            first = fold(text).split()[0] if text.strip() else ""
            if (
                len(text) <= LABEL_LINE
                and len(first) >= LABEL_PREFIX
                and any(w.startswith(first) for w in _label_words())
            ):
                return f"a line reads {text[:40]!r}"
            if _holds_marker(text[2:]):
                return f"list markers inside the paragraph {text[:40]!r}"
    return None


def findings_checks(report: Report) -> list[Check]:
    """The checks of :func:`findings_uncertain` alone (for tests and callers that look only at lists)."""
    return [make_check(CODE, found, MESSAGE) for found in findings_uncertain(ReportFacts(report, None))]  # type: ignore[arg-type]


def _area_hits(area: Area) -> Iterator[Hit]:
    columns = {kind: [f for f in area.findings if f.kind == kind] for kind in KINDS}
    for kind, items in columns.items():
        other = columns["improvement" if kind == "strength" else "strength"]
        if len(items) <= 1 and len(other) >= MANY:
            what = f"{'one' if items else 'no'} {kind} item beside {len(other)} {KINDS[other[0].kind]}"
            yield hit(
                area=area.area_no,
                area_no=area.area_no,
                kind=kind,
                items=len(items),
                other_items=len(other),
                text={"what": what},
            )
    for item in area.findings:
        siblings = [len(f.text) for f in area.findings if f is not item]
        typical = median(siblings) if siblings else None
        reasons = _item_reasons(item, typical)
        if reasons:
            what = f"{item.kind} {item.position} {' and '.join(reasons)}"
            yield hit(
                area=area.area_no,
                area_no=area.area_no,
                kind=item.kind,
                position=item.position,
                length=len(item.text),
                typical_length=typical,
                reasons=reasons,
                text={"what": what},
            )


def _item_reasons(item: Finding, typical: float | None) -> list[str]:
    text = item.text
    reasons = [item.doubt] if item.doubt else []
    long = typical is not None and len(text) > LONG_FACTOR * typical and len(text) >= LONG_MIN
    if long:
        reasons.append(f"is {len(text)} characters long (its siblings about {typical:.0f})")
    starts = item_starts(text)
    twice = typical is not None and len(text) > 2 * typical
    if len(starts) >= STARTS_MIN or (starts and twice and not long):
        reasons.append(f"seems to hold {len(starts) + 1} findings (new ones at {', '.join(map(repr, starts[:3]))})")
    if _holds_marker(text):
        reasons.append("holds a list marker inside its text")
    return reasons


def _holds_marker(text: str) -> bool:
    """``text`` holds a list marker standing alone (:data:`INNER_MARKER`). The pattern is searched only in a text
    that holds a marker glyph at all (``in``, in C: a glyph outside Latin-1 is not looked for in a Latin-1 text): its
    first step, a line start or white space, is tried at every character of every item (1.5 M instructions a report)."""
    return any(glyph in text for glyph in MARKER_GLYPHS) and INNER_MARKER.search(text) is not None


def item_starts(text: str) -> list[str]:
    r"""Words inside ``text`` where another finding seems to begin: a capitalised word (not an acronym, not a
    name after a name) straight after a word that ends in a lower-case letter, or after a full stop.

    Most items hold no capital after their first word, and then no word after it is capitalised: the text after
    the first word (``str.split`` parts words at the white space ``\S+`` does) is told in C, since ``str.islower``
    is False for a text with any character ``str.isupper`` holds, not word by word (2 M instructions a report).
    """
    rest = text.split(None, 1)[1:]
    if not rest or rest[0].islower():
        return []
    return _starts(text)


def _starts(text: str) -> list[str]:
    """:func:`item_starts` word by word (its definition)."""
    words = [w.strip(QUOTES) for w in _WORD.findall(text)]
    found = []
    for prev, word in zip(words, words[1:], strict=False):
        titled = len(word) > 1 and word[0].isupper() and word[1:].islower() and word[1:].isalpha()
        if not titled or not prev:
            continue
        after_sentence = prev.endswith((".", "!", "?")) and len(prev.rstrip(".!?")) > 3
        after_lower = prev[-1].islower() and not prev[0].isupper()
        if after_sentence or after_lower:
            found.append(word)
    return found


TEXT_CODE = "finding-text-uncertain"
TEXT_DESCRIPTION = (
    "A strengths/improvements item read by OCR may be misread: its words are mostly fragments (lone digits, "
    "pieces of one or two letters that are no word), several of them were read with low OCR confidence, or one of "
    "them is read nowhere else in the report while a word an OCR letter confusion away (l/i, a/å, rn/m) is read "
    "several times as often (a confident letter slip). The item may be garbage from a poor copy, or hold a wrong "
    "word. Verify its text against the page."
)


@rule(TEXT_CODE, SEVERITY, TEXT_DESCRIPTION, message="area {area_no}: {kind} {position} {reason}", on="area-review")
def finding_text_uncertain(facts: AreaFacts) -> Iterator[Hit]:
    """One warning per OCR'd item whose words the parser doubts (:func:`kompass_extract.parse.item_text.misread`)."""
    for item in facts.area.findings:
        if item.misread:
            yield hit(
                area=facts.no,
                area_no=facts.no,
                kind=item.kind,
                position=item.position,
                confidence=item.confidence,
                text={"reason": item.misread},
            )
