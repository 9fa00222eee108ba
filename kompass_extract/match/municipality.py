"""Tie a printed municipality name to SCB's kommunkod.

Names are matched exactly after normalisation ("Luleå kommun", "LULEÅ", "L U L E Å", "Region
Gotland", "Helsingborgs stad"), then through the genitive ("Kungälvs kommun") and the alias table
(``data/catalog/municipality_aliases.csv``: "Falu", former names, historic codes). Fuzzy matching
only proposes: a wrong kommunkod silently puts a report on the wrong municipality's time series,
so a fuzzy candidate is accepted only when it is near-identical after folding diacritics and far
ahead of the next one ("Lulea" -> Luleå); anything else leaves the kommunkod empty with candidates.

The kommunkod is always the *current* code, so that panels join across years; when a report's
year falls in a period with another code (Heby had 1917 until 2006), that code is given as
``code_in_force``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

from kompass_extract.common.data import CATALOG_DIR
from kompass_extract.common.text import fold_diacritics
from kompass_extract.match.catalog_files import read_rows

FUZZY_ACCEPT_SCORE = 96.0
"""A fuzzy candidate is accepted only at this similarity of the diacritic-folded keys ..."""
FUZZY_ACCEPT_MARGIN = 10.0
"""... and this lead over the runner-up; otherwise it is only proposed."""
FUZZY_PROPOSE_SCORE = 70.0
"""Candidates below this similarity are not worth proposing."""

_SUFFIX_WORDS = ("kommun", "kommuns", "stad", "stads", "municipality")
_PREFIX_WORDS = ("region",)
_SPACED_LETTERS_RE = re.compile(r"^(?:\w )+\w$")


@dataclass
class Municipality:
    """A resolved (or unresolved) municipality name."""

    kommunkod: str | None
    kommun: str | None
    method: str
    """'exact', 'alias', 'genitive', 'fuzzy' (accepted), 'fuzzy-proposal' (not accepted) or 'unresolved'."""
    candidates: list[tuple[str, str, float]] = field(default_factory=list)
    """(kommunkod, kommun, score) of the best fuzzy candidates, best first."""
    code_in_force: str | None = None
    """The kommunkod valid in the given year when it differs from the current one."""


@dataclass(frozen=True)
class _Alias:
    kommunkod: str
    valid_from: int | None
    valid_to: int | None

    def valid_in(self, year: int | None) -> bool:
        if year is None:
            return True
        return (self.valid_from is None or year >= self.valid_from) and (self.valid_to is None or year <= self.valid_to)


COLUMNS = {
    "kommuner.csv": ("kommunkod", "kommun"),
    "municipality_aliases.csv": ("alias", "kommunkod", "valid_from", "valid_to"),
    "municipality_cues.csv": ("position", "cue"),
}
"""The columns each municipality file must have (read from the package only, by the catalog's reader)."""


def _read(name: str) -> list[dict[str, str]]:
    return read_rows(CATALOG_DIR / name, COLUMNS[name])


def _key(text: str) -> str:
    """Letters and digits only, lower case: 'Upplands-Bro' and 'Upplands Bro' share a key."""
    return "".join(c for c in text.casefold() if c.isalnum())


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, str], dict[str, list[_Alias]]]:
    """(name key or code -> kommunkod, kommunkod -> kommun, alias key -> aliases), read once."""
    names = {r["kommunkod"]: r["kommun"] for r in _read("kommuner.csv")}
    by_key = {_key(name): code for code, name in names.items()} | {code: code for code in names}
    aliases: dict[str, list[_Alias]] = {}
    for r in _read("municipality_aliases.csv"):
        alias = _Alias(
            r["kommunkod"],
            int(r["valid_from"]) if r["valid_from"] else None,
            int(r["valid_to"]) if r["valid_to"] else None,
        )
        aliases.setdefault(_key(r["alias"]), []).append(alias)
    return by_key, names, aliases


def kommuner() -> dict[str, str]:
    """kommunkod -> official name, for all municipalities in SCB's list."""
    return dict(_tables()[1])


def _clean(printed: str) -> str:
    """The name part of a printed municipality: letter-spacing undone, 'kommun'/'stad'/'Region' dropped."""
    groups = [g for g in re.split(r"\s{2,}", printed.strip()) if g]
    words = " ".join(g.replace(" ", "") if _SPACED_LETTERS_RE.match(g) else g for g in groups).split()
    while words and words[-1].casefold().strip(".,:;") in _SUFFIX_WORDS:
        words.pop()
    while words and words[0].casefold() in _PREFIX_WORDS:
        words.pop(0)
    return " ".join(words)


def _code_in_force(current: str, year: int | None) -> str | None:
    if year is None:
        return None
    _, _, aliases = _tables()
    for key, entries in aliases.items():
        if key.isdigit() and any(a.kommunkod == current and a.valid_in(year) for a in entries):
            return key
    return None


def _lookup(key: str, year: int | None) -> tuple[str, str] | None:
    """(kommunkod, method) for an exact or alias key."""
    by_key, _, aliases = _tables()
    if key in by_key:
        return by_key[key], "exact"
    valid = [a for a in aliases.get(key, []) if a.valid_in(year)] or aliases.get(key, [])
    codes = {a.kommunkod for a in valid}
    return (codes.pop(), "alias") if len(codes) == 1 else None


def resolve_municipality(printed: str, year: int | None = None) -> Municipality:
    """The municipality a printed name (or a current or historic kommunkod) refers to."""
    _, names, _ = _tables()
    cleaned = _clean(printed)
    key = _key(cleaned)
    if not key:
        return Municipality(None, None, "unresolved")
    found = _lookup(key, year)
    if found is None and key.endswith("s"):
        genitive = _lookup(key[:-1], year)
        found = (genitive[0], "genitive") if genitive else None
    if found is not None:
        code, method = found
        return Municipality(code, names[code], method, code_in_force=_code_in_force(code, year))
    return _fuzzy(cleaned, year)


def _fuzzy(cleaned: str, year: int | None) -> Municipality:
    _, names, _ = _tables()
    choices = _fuzzy_choices()
    query = fold_diacritics(_key(cleaned))
    results = process.extract(query, choices, scorer=fuzz.ratio, limit=5, score_cutoff=FUZZY_PROPOSE_SCORE)
    candidates = [(code, names[code], round(score, 1)) for _, score, code in results]
    if not candidates:
        return Municipality(None, None, "unresolved")
    best = candidates[0][2]
    runner_up = candidates[1][2] if len(candidates) > 1 else 0.0
    if best >= FUZZY_ACCEPT_SCORE and best - runner_up >= FUZZY_ACCEPT_MARGIN:
        code = candidates[0][0]
        return Municipality(code, names[code], "fuzzy", candidates, _code_in_force(code, year))
    return Municipality(None, None, "fuzzy-proposal", candidates)


@lru_cache(maxsize=1)
def _fuzzy_choices() -> dict[str, str]:
    """kommunkod -> the official name as fuzzy matching compares it, built once (~0.5 ms a name asked)."""
    return {code: fold_diacritics(_key(name)) for code, name in _tables()[1].items()}


@lru_cache(maxsize=1)
def _cues() -> list[tuple[str, re.Pattern[str]]]:
    return [(r["position"], re.compile(r["cue"], re.IGNORECASE)) for r in _read("municipality_cues.csv")]


@lru_cache(maxsize=1)
def _mention_re() -> re.Pattern[str]:
    """'<Name> kommun|stad' or 'Region <Name>' for every known name and alias, genitive allowed."""
    alias_names = [_clean(r["alias"]) for r in _read("municipality_aliases.csv") if not r["alias"].isdigit()]
    forms = sorted({*kommuner().values(), *alias_names}, key=len, reverse=True)
    alternation = "|".join(re.escape(f).replace(r"\-", r"[\s-]?").replace(r"\ ", r"[\s-]") for f in forms)
    return re.compile(rf"\b(?:(?:{alternation})s?\s+(?:kommun|stad)\b|Region\s+(?:{alternation})\b)", re.IGNORECASE)


_WORD_RE = re.compile(r"[^\W\d_][\w-]*", re.UNICODE)


def _resolvable(words: list[re.Match[str]]) -> tuple[int, int] | None:
    """Span of the longest run of leading words (max 4, plus 'kommun'/'stad') that resolves without fuzz."""
    for n in range(min(len(words), 5), 0, -1):
        span = words[0].start(), words[n - 1].end()
        text = " ".join(w.group() for w in words[:n])
        if resolve_municipality(text).method in ("exact", "alias", "genitive"):
            return span
    return None


def find_municipality_in_text(text: str) -> list[tuple[str, int, int]]:
    """Candidate municipality names in ``text`` as (printed, start, end), most telling first.

    First the names next to the cue phrases of ``municipality_cues.csv`` ("Analys av <X> kommun",
    "<X> kommun i förhållande till Kommunkompassen"), then any "<Name> kommun/stad" or "Region
    <Name>" mention. A cue followed by words that resolve to no municipality still yields them
    when they end in 'kommun'/'stad' ("Analys av Atlantis kommun"), so the caller can report what
    was printed; without such a word the cue was prose ("Analys av avvikelser ...").
    """
    spans: list[tuple[int, int]] = []
    for position, cue in _cues():
        for m in cue.finditer(text):
            if position == "before":
                line_end = text.find("\n", m.end())
                segment_end = len(text) if line_end < 0 else line_end
                words = list(_WORD_RE.finditer(text, m.end(), segment_end))
            else:
                line_start = text.rfind("\n", 0, m.start()) + 1
                words = list(_WORD_RE.finditer(text, line_start, m.start()))[-5:]
                words = _suffix_runs(words)
            span = _resolvable(words) if words else None
            if span is None and words and position == "before":
                span = _unresolved_span(words)
            if span is not None:
                spans.append(span)
    spans.extend(m.span() for m in _mention_re().finditer(text))
    seen: set[tuple[int, int]] = set()
    result = []
    for start, end in spans:
        if (start, end) not in seen:
            seen.add((start, end))
            result.append((text[start:end], start, end))
    return result


def _suffix_runs(words: list[re.Match[str]]) -> list[re.Match[str]]:
    """For a cue that follows the name: start the word run where the longest resolvable suffix starts."""
    for i in range(len(words)):
        if _resolvable(words[i:]) == (words[i].start(), words[-1].end()):
            return words[i:]
    return []


def _unresolved_span(words: list[re.Match[str]]) -> tuple[int, int] | None:
    """Words after a cue up to and including 'kommun'/'stad' (at most five), for an unknown name."""
    for w in words[1:5]:
        if w.group().casefold() in _SUFFIX_WORDS:
            return words[0].start(), w.end()
    return None
