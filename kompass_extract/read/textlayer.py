"""Repairs of a text layer whose character map a rewriting PDF producer damaged in a known, reversible way.

Ghostscript's pdfwrite (also as PDF/A) writes a ToUnicode entry that maps one glyph to several characters (a
typesetter's ligature: "ﬁ" → "fi") with the bytes of each UTF-16 unit swapped: "fi" (U+0066 U+0069) becomes U+6600
U+6900, two CJK ideographs inside a Swedish word ("昀椀nns" for "finns"). Swapped back they are the letters the
ligature stands for, exactly; a byte-swapped unit is recognised by its low byte being zero and its high byte a
printable ASCII character, and only inside a word of Latin letters (a Chinese text stays as it is).
"""

from __future__ import annotations

import re

SOFT_HYPHENS = ("\ufffe", "\u00ad", "\x02")
"""What a text layer writes for a hyphen that a line break made: pdfium's U+FFFE or U+0002, or a soft hyphen."""
_SWAPPED = "".join(chr(c << 8) for c in range(0x21, 0x7F))
_UNSWAP = {c << 8: c for c in range(0x21, 0x7F)}
_LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
_SWAPPED_IN_WORD = re.compile(f"(?<=[{_LATIN}])[{_SWAPPED}]+|[{_SWAPPED}]+(?=[{_LATIN}])")
_ANY_SWAPPED = re.compile(f"[{_SWAPPED}]")


def unswap_ligatures(text: str) -> str:
    """``text`` with byte-swapped UTF-16 units next to a Latin letter swapped back (same length: one character for
    one, so character indices into pdfium's text page still hold)."""
    if text.isascii() or not _ANY_SWAPPED.search(text):  # one character class scans a page ten times faster
        return text
    return _SWAPPED_IN_WORD.sub(lambda m: m.group().translate(_UNSWAP), text)
