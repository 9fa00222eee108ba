"""Text that holds characters no report prints: a text layer whose character map was damaged.

A PDF rewritten by another producer (printed to PostScript and distilled again, optimised, converted to PDF/A) may
lose or garble the map from glyphs to characters. A page whose text is mostly such garbage is OCR'd; a page where
only some characters are garbled (a ligature mapped to two CJK ideographs, an unmapped glyph passed through as a
control character) reads as the report with holes in its words, and nothing in the numbers notices that. Such
characters are counted per area, in every text the area gives, and the area is warned.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kompass_extract.validate.enrich import AreaFacts, ReportFacts
from kompass_extract.validate.registry import Hit, hit, rule

_LATIN = "A-Za-z0-9\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
GARBLED = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd\ufffe\uffff]"  # control, replacement and non-characters: an unmapped glyph
    f"|(?<=[{_LATIN}])[\ue000-\uf8ff]|[\ue000-\uf8ff](?=[{_LATIN}])"  # a private-use glyph inside a word
    "|[^\\W\\d_\u0000-\u024f\u0370-\u03ff\u1e00-\u1eff\ufb00-\ufb06]"  # a letter of another script
)
"""A character no Swedish report prints: a control or replacement character, a non-character (pdfium's code for a
line-end hyphen, U+FFFE, left inside a text), a private-use glyph inside a word
(a symbol font's bullet stands alone), or a letter of a script other than Latin and Greek."""
SUSPECT = re.compile("[^\t\n\r\x20-\u024f\u0370-\u03ff\u1e00-\u1eff\u2010-\u2027\u2030-\u205e\ufb00-\ufb06]")
"""A character that :data:`GARBLED` may match, in some context: not one of the Latin and Greek letters, digits, white
space and punctuation that nearly all of a report's text is made of. One character class is scanned ten times faster
than :data:`GARBLED`, whose every branch is tried at every position, so only a text with a suspect is searched."""


@rule(
    "text-garbled",
    "warning",
    "An area's text (or the cover's name of the municipality or evaluators) holds characters no report prints (control or replacement characters, a private-use glyph inside "
    "a word, letters of another script): the PDF's map from glyphs to characters is damaged, as some rewriting "
    "producers leave it, and words read with wrong or missing letters. Verify the text against the page.",
    message="area {area_no}: {count} garbled characters in its text (first in {field}: {sample!r})",
    on="area-review",
)
def text_garbled(facts: AreaFacts) -> Iterator[Hit]:
    area = facts.area
    texts = [
        ("name", area.name or ""),
        *(("rubriker", r) for r in area.rubriker),
        *(("question", q.text) for q in area.questions),
        *(("list item", f.text) for f in area.findings),
        *(("narrative", s.heading) for s in area.sections),
        *(("narrative", p) for s in area.sections for p in s.paragraphs),
    ]
    yield from _garbled(texts, area=facts.no, area_no=facts.no)


@rule(
    "text-garbled",
    message="{count} garbled characters in the report's {field} ({sample!r})",
    on="report",
)
def metadata_garbled(facts: ReportFacts) -> Iterator[Hit]:
    """The cover's texts are read from the front pages' lines, not the areas: a garbled name is as wrong."""
    report = facts.report
    texts = [("municipality", report.municipality or ""), *(("evaluators", name) for name in report.evaluators)]
    yield from _garbled(texts)


def _garbled(texts: list[tuple[str, str]], **where: int) -> Iterator[Hit]:
    """One hit naming the first garbled character of ``texts`` ((field, text) pairs) and how many there are."""
    suspect = [(field, text) for field, text in texts if _suspect(text)]
    found = [(field, text, m.start()) for field, text in suspect for m in GARBLED.finditer(text)]
    if found:
        field, text, at = found[0]
        yield hit(**where, count=len(found), field=field, sample=text[max(0, at - 20) : at + 20])


_SUSPECT_LATIN1 = bytes(code for code in range(256) if SUSPECT.match(chr(code)))
"""The characters of Latin-1 that :data:`SUSPECT` matches (controls but tab and line breaks), as Latin-1 bytes."""


def _suspect(text: str) -> bool:
    """``text`` holds a character :data:`SUSPECT` matches. Most of a report's texts are Latin-1 only (Swedish letters),
    and Latin-1's bytes are its characters' code points: such a text is told by deleting the suspect bytes in C, not
    by the pattern's character class, tested character by character (2.8 M instructions for a report's areas)."""
    try:
        data = text.encode("latin-1")
    except UnicodeEncodeError:  # a dash, a quotation mark, a bullet: the pattern
        return SUSPECT.search(text) is not None
    return len(data.translate(None, _SUSPECT_LATIN1)) != len(data)
