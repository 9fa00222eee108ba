"""What every match of a regular expression must hold, read from the pattern itself: a cheap test that rules a
text out before the pattern is searched in it (cue patterns of labels.json are tried on every front line)."""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from functools import cache
from typing import NamedTuple


class Required(NamedTuple):
    """A run of characters every match of a pattern holds, and whether the pattern matches it ignoring case."""

    text: str
    ignore_case: bool


def required_text(pattern: re.Pattern[str]) -> Required | None:
    """The longest run of literal characters that every match of ``pattern`` holds; None when there is none.

    The runs are read from the pattern's parse (Python's own parser, so what is read is what the engine matches):
    the items of the top-level sequence, and of capturing and non-capturing groups in it that change no flags, are
    all matched, one after another, so each run of plain characters among them is in every match; a character
    class, an alternation, a repeat or an assertion ends a run and is not looked into. Whether case is ignored
    follows the pattern's global flags. None as well when the pattern cannot be read that way (a form of the parser
    this does not know): then the pattern is simply searched."""
    try:  # CPython's internal modules, imported here: a Python without them only loses the prefilter
        from re import _constants as sre  # type: ignore[attr-defined]
        from re import _parser as sre_parse  # type: ignore[attr-defined]

        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
        runs = _literal_runs(list(parsed), sre.LITERAL, sre.SUBPATTERN)
        ignore_case = bool(parsed.state.flags & re.IGNORECASE)
    except Exception:  # noqa: BLE001 (the parser is CPython's internal one: when it changes, no prefilter)
        return None
    longest = max(runs, key=len, default="")
    return Required(longest, ignore_case) if longest else None


def _literal_runs(items: list[tuple[object, object]], literal: object, subpattern: object) -> list[str]:
    runs, run = [], ""
    for op, av in items:
        if op is literal:
            run += chr(av)  # type: ignore[arg-type]
            continue
        runs.append(run)
        run = ""
        if op is subpattern:
            _, add_flags, del_flags, inner = av  # type: ignore[misc]
            if not add_flags and not del_flags:
                runs += _literal_runs(list(inner), literal, subpattern)
    runs.append(run)
    return runs


def holding(texts: list[str], required: Sequence[Required | None]) -> list[list[int]]:
    """For each of ``texts``, the indices (ascending) of ``required`` whose text it holds: a text missing from a
    pattern's list cannot hold a match of it (exact), so only the listed patterns need be searched in it. A pattern
    without a required text is listed for every text, and so is a case-ignoring one when a character of the texts
    could hide a match from a test of the lower-cased texts (see :func:`plainly_cased`).

    Each required text is looked for once in all the texts joined (``str.find``), not once per text and pattern."""
    cased = plainly_cased("".join(texts), case_ignored(required))
    plain, lowered = _Joined(texts), _Joined([text.lower() for text in texts])
    held: list[list[int]] = [[] for _ in texts]
    for k, req in enumerate(required):
        if req is None or (req.ignore_case and not cased):
            for indices in held:
                indices.append(k)
            continue
        for i in lowered.holders(req.text.lower()) if req.ignore_case else plain.holders(req.text):
            held[i].append(k)
    return held


class _Joined:
    """Texts joined by line breaks, and where each begins: a text looked for once in all of them."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.joined = "\n".join(texts)
        self.starts = list(itertools.accumulate(map(len, texts[:-1]), lambda at, n: at + n + 1, initial=0))

    def holders(self, needle: str) -> list[int]:
        """The indices of the texts that hold ``needle`` (ascending, each once)."""
        found: list[int] = []
        at = self.joined.find(needle)
        while at >= 0:
            i = bisect.bisect_right(self.starts, at) - 1
            if needle in self.texts[i] and (not found or found[-1] != i):  # not a find across two texts
                found.append(i)
            at = self.joined.find(needle, at + 1)
        return found


def case_ignored(required: list[Required | None]) -> str:
    """The characters of the case-ignoring ones of ``required`` (what :func:`plainly_cased` looks for)."""
    return "".join(sorted({c for r in required if r is not None and r.ignore_case for c in r.text}))


def plainly_cased(text: str, needed: str) -> bool:
    """No character of ``text`` matches one of ``needed`` (:func:`case_ignored`), case ignored, without being the
    same once both are lower-cased: the regular expression engine lowers by the simple mapping and knows a few
    equivalences ("ſ" matches "s", "ı" matches "i", "İ" lowers to "i" there and to "i̇" in ``str.lower``, a capital
    sigma lowers by its context in ``str.lower``), and such a character would hide a match from a test of
    ``text.lower()``. Each character is judged once per process.

    The ASCII characters that are such are looked for one by one (there are none for the labels' letters), and only
    the characters outside ASCII are gathered: a set of all the characters of the front pages' lines (30,000) cost
    an eighth of reading the metadata, while deleting the ASCII bytes of their UTF-8 leaves a few hundred."""
    if not needed:
        return True
    if any(char in text for char in _ascii_unplain(needed)):
        return False
    if text.isascii():
        return True
    outside = text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")
    return not any(_unplain(char, needed) for char in set(outside))


_ASCII_BYTES = bytes(range(128))
"""Deleted from UTF-8, they leave the encodings of the characters outside ASCII whole (none holds an ASCII byte)."""


@cache
def _ascii_unplain(needed: str) -> str:
    """The ASCII characters that :func:`plainly_cased` finds unplain for ``needed``."""
    return "".join(char for char in map(chr, range(128)) if _unplain(char, needed))


@cache
def _unplain(char: str, needed: str) -> bool:
    return any(
        (len(_lower_forms(c)) > 1 or _lower_forms(char) != _lower_forms(c))
        and re.fullmatch(re.escape(c), char, re.IGNORECASE) is not None
        for c in needed
    )


def _lower_forms(char: str) -> set[str]:
    """``char`` lower-cased alone and after a letter (a final sigma lowers by its context)."""
    return {char.lower(), ("a" + char).lower()[1:]}
