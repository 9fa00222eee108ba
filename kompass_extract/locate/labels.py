"""Small text helpers shared by the parsing stages: labels, folding, numbers, bullets, line joining."""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache
from typing import Any

from kompass_extract.common.data import data_text
from kompass_extract.common.text import fold_diacritics, single_spaced
from kompass_extract.read.geometry import Word
from kompass_extract.read.textlayer import SOFT_HYPHENS

_WIDE_SPACES = re.compile(r"\s{2,}")
_DOT_LEADER = re.compile(r"(?:(?<!\s)\s+|(?<![\s.]))\.{3,}\s*\d*\s*$")
"""Dot leaders and a page number at the end; a match starts only where a run of spaces or dots starts (linear)."""
"""Dot leaders and the page number a table of contents prints after a heading."""


@cache
def labels() -> dict[str, Any]:
    """The label lists of :file:`labels.json` (printed words of every edition and layout)."""
    return json.loads(data_text("labels.json"))


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case without diacritics and with single spaces, for comparing labels (OCR drops accents).
    Cached: the same words and lines are compared with several label lists."""
    return single_spaced(fold_diacritics(text.lower()))


def collapse_letter_spacing(text: str) -> str:
    """'S V E R I G E S  K O M M U N E R' -> 'SVERIGES KOMMUNER' (only when every token is one letter)."""
    lengths = list(map(len, text.split(" ")))  # counted in C: this runs on every line of the front pages
    if len(lengths) >= 4 and lengths.count(1) >= 0.8 * (len(lengths) - lengths.count(0)):
        return _WIDE_SPACES.sub("\u0000", text).replace(" ", "").replace("\u0000", " ")
    return text


@cache
def _folded_labels(key: str) -> frozenset[str]:
    """The labels of ``key`` folded."""
    return frozenset(fold(x) for x in labels()[key])


@cache
def _label_start(key: str) -> re.Pattern[str]:
    """The folded labels of ``key`` as one pattern, longest first (so "Max poäng" is tried before "Max"), each
    ending the text or followed by a space or a colon: the first alternative that matches is the label."""
    alternatives = "|".join(re.escape(x) for x in sorted(_folded_labels(key), key=lambda x: (-len(x), x)))
    return re.compile(rf"(?:{alternatives})(?=[ :]|\Z)")


_SPECKS = "\"'`‘’“”„«»,.·:;"
"""Marks that noise glues to the front of a scanned word ('"Förbättringsmöjligheter' from a toner speck)."""


def may_start_with_label(text: str, key: str) -> bool:
    """False when ``text``'s folding cannot begin with a label of ``key``: its first character (after white space)
    folds to a first character no label of ``key`` has. Most lines asked are no heading, and a line new to the
    process costs a fold of its whole text; its first character is folded once per process. Nor is ``text``, nor
    anything that begins with it, a label of ``key`` then (:func:`is_label` strips the same stray marks in front).

    Exact when False: folding is character by character (see :func:`_may_fold_into`; a first character has no
    letter before it, so it lowers as it does alone), leading white space folds to white space, which is stripped;
    a first character that folds to nothing, to white space or to a stray mark decides nothing (the full test)."""
    stripped = text.lstrip()
    first = _folded_first(stripped[0]) if stripped else ""
    firsts = _label_firsts(key)
    return not first or firsts is None or first in firsts


@cache
def _folded_first(char: str) -> str:
    """The first character of ``char``'s folding when it is the first of any text that begins with ``char``; ""
    when that depends on what follows (it folds to nothing, white space or a stray mark)."""
    folded = fold_diacritics(char.lower())
    return folded[0] if folded and not folded[0].isspace() and folded[0] not in _SPECKS else ""


@cache
def _label_firsts(key: str) -> frozenset[str] | None:
    """The first characters of the folded labels of ``key``; None when one is empty (any text may start with it)."""
    folded = _folded_labels(key)
    return None if "" in folded else frozenset(label[0] for label in folded)


def starts_with_label(text: str, key: str) -> str | None:
    """The label of ``key`` that ``text`` starts with (folded comparison, stray marks in front ignored), or None."""
    if not may_start_with_label(text, key):
        return None
    m = _label_start(key).match(fold(text).lstrip(_SPECKS))
    return m.group() if m else None


def after_label(text: str, key: str) -> str | None:
    """The folded text after the label of ``key`` that ``text`` starts with (and the marks after it: "Styrkor:"),
    or None when it starts with none."""
    if not may_start_with_label(text, key):
        return None
    folded = fold(text).lstrip(_SPECKS)
    m = _label_start(key).match(folded)
    return folded[m.end() :].lstrip(_SPECKS + " ") if m else None


@lru_cache(maxsize=65536)
def is_label(text: str, *keys: str) -> bool:
    """``text`` is one of the labels of any of ``keys`` (folded, stray marks in front and a colon or a full stop
    after ignored: OCR reads a speck after a word as one).
    Cached: every word of an area's first lines is tested (sections.py). A text new to the process (each line of a
    file not seen before) is first told by its characters (see :func:`_may_fold_into`): nearly every word holds a
    letter that no label of the keys holds, and folding it costs four times as much."""
    if not _may_fold_into(text, keys):
        return False
    folded = fold(text).lstrip(_SPECKS).rstrip(":.")
    return any(folded in _folded_labels(key) for key in keys)


def _may_fold_into(text: str, keys: tuple[str, ...]) -> bool:
    """False when ``text`` holds a character whose folding gives one that no label of ``keys``, no stray mark and
    no space holds: then ``text`` folds into none of them (a necessary test, so exact when False).

    Folding is character by character: ``str.lower`` is (but for a final sigma, so a character's lower case is taken
    at a word's end too), NFKD decomposes each character on its own and only reorders the combining marks, which
    folding drops, and white space becomes a space or nothing. Each character is folded once per key list and
    remembered as fitting or not."""
    fits, misfits, allowed = _char_classes(keys)
    chars = set(text)
    if chars <= fits:
        return True
    if not chars.isdisjoint(misfits):
        return False
    for char in chars - fits:
        folds = {" " if c.isspace() else c for lower in {char.lower(), ("a" + char).lower()[1:]} for c in fold(lower)}
        (fits if folds <= allowed else misfits).add(char)
    return chars <= fits


@cache
def _char_classes(keys: tuple[str, ...]) -> tuple[set[str], set[str], frozenset[str]]:
    """(characters known to fold within the labels' characters, characters known not to, those characters) of
    ``keys``: the labels', the stray marks and the colon and full stop :func:`is_label` strips, and the space."""
    allowed = frozenset("".join(label for key in keys for label in _folded_labels(key)) + _SPECKS + ":. ")
    return set(allowed), set(), allowed


NUMBER_RE = re.compile(r"^\(?(\d{1,4}(?:[.,]\d{1,2})?)\s*(%?)\)?$")


def parse_number(token: str) -> tuple[float, bool] | None:
    """'12' -> (12.0, False); '12,5' -> (12.5, False); '75%' -> (75.0, True); other tokens -> None."""
    m = NUMBER_RE.match(token.strip())
    if not m:
        return None
    return float(m.group(1).replace(",", ".")), bool(m.group(2))


@cache
def _score_formats() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.I) for p in labels()["box_score_formats"])


def parse_score(token: str) -> float | None:
    """A score as the 'Poäng' box prints it: '71', '71,5', '71p', '71 poäng', '71/100'."""
    for pattern in _score_formats():
        m = pattern.match(token.strip())
        if m:
            return float(m.group("score").replace(",", "."))
    return None


@cache
def _bullet_chars() -> frozenset[str]:
    return frozenset(labels()["bullets"])


def is_bullet(word: Word) -> bool:
    """A bullet glyph: listed in labels.json, a private-use symbol, or (OCR) a lone mark that is no word."""
    text = word.text
    if text in _bullet_chars():
        return True
    return len(text) == 1 and (0xE000 <= ord(text) <= 0xF8FF or not text.isalnum() and text not in "([\"”'§")


def strip_bullet(words: list[Word]) -> tuple[bool, list[Word]]:
    """Remove a leading bullet (a word of its own or glued to the first word). Returns (had_bullet, words)."""
    if not words:
        return False, words
    first = words[0]
    if is_bullet(first):
        return True, words[1:]
    head = first.text[0]
    if (head in _bullet_chars() and head not in "o-–—*" or 0xE000 <= ord(head) <= 0xF8FF) and len(first.text) > 1:
        rest = Word(
            first.text[1:].lstrip(), first.x0, first.top, first.x1, first.bottom, first.size, first.bold, first.conf
        )
        return True, [rest, *words[1:]]
    return False, words


ENUMERATOR_RE = re.compile(r"^(?:\d{1,2}|[a-zA-Z])[.)]$")
"""A list item's number or letter standing as a word of its own: "1." "12)" "a)" "B."."""


def strip_marker(words: list[Word]) -> tuple[bool, list[Word]]:
    """Like :func:`strip_bullet`, and a leading enumerator ("1.", "a)") counts as a marker too: for lists
    (findings, the Rubriker box), not for running text where "1." may begin a sentence-like heading."""
    had, rest = strip_bullet(words)
    if not had and len(words) > 1 and ENUMERATOR_RE.match(words[0].text):
        return True, words[1:]
    return had, rest


CONJUNCTIONS = {"och", "eller", "respektive", "resp.", "samt", "som", "till", "men"}


def joins_on(word: str) -> bool:
    """A word no finding ends with (a preposition, conjunction or article of ``joining_words``): the phrase it
    belongs to goes on on the next line."""
    return fold(word.strip(_SPECKS + "()")) in _folded_labels("joining_words")


VOWELS = frozenset("aeiouyåäöéèü")


def _cut_tail(word: str) -> bool:
    """A line of one or two lower-case letters without a vowel that are no word (``vowelless_words``): the end of a
    word cut where it met its column's edge, as LibreOffice cuts a word too long for a narrow column ("uppföljni" /
    "ng"). Only a line of its own: on OCR'd lines such a piece before other words is a misread letter ("t inom")."""
    word = word.rstrip(".,;:!?)”")
    return (
        0 < len(word) <= 2
        and word.isalpha()
        and word.islower()
        and VOWELS.isdisjoint(word)
        and word not in _folded_labels("vowelless_words")
    )


def join_lines(parts: list[str]) -> str:
    """Join wrapped lines into one text: spaces between lines, printed hyphens kept.

    A line ending in a hyphen joins the next without a space ("e-" + "petitioner", "kund-" +
    "/brukare", "1900-" + "talet") unless the next word is a conjunction ("medborgar- respektive") or the hyphen stands
    alone as a dash ("arbetsgivare -" + "personalpolitik"). A line ending in a slash joins the next the same way
    ("styrning/" + "uppföljning"): a slash between words is printed without spaces, and line breakers break
    after it. A line that is only a piece of a word no word can be (:func:`_cut_tail`) joins without a space.
    """
    out = ""
    for raw in parts:
        text = raw.strip()
        if not text:
            continue
        if not out:
            out = text
            continue
        if out[-1] in SOFT_HYPHENS:
            out = out[:-1] + "-"
        first_word = text.split(" ", 1)[0].lower()
        if out.endswith("-") and len(out) > 1 and out[-2].isalnum() and first_word not in CONJUNCTIONS:
            out += text
        elif out[-1].isalpha() and _cut_tail(text):
            out += text  # "Medarbetarundersökninga" / "r": a word too long for its line, cut without a hyphen
        elif out.endswith("/") and len(out) > 1 and (out[-2].isalnum() or out[-2] == "-"):
            out += text  # a line broken after a slash ("kund/" + "brukare"), as typesetters allow
        else:
            out += " " + text
    return out.replace("\ufffe", "-").replace("\u00ad", "-")


def clean_heading(text: str) -> str:
    """Tidy a printed heading: collapse spaces, drop dot leaders and a trailing page number of a TOC."""
    if "..." in text:  # a leader needs three dots; the pattern itself tries every position of every line
        text = _DOT_LEADER.sub("", text)
    return single_spaced(text)
