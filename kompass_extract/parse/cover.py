"""Stage 2c: report metadata from the first pages (cover, chapter 2 opening).

Cue phrases for the municipality, the date and the evaluators are regular expressions in
``labels.json``; each template family prints some of them. Every value remembers the page, the
position and the cue that produced it, so a reader can check it.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from kompass_extract.common.patterns import Required, holding, required_text
from kompass_extract.locate.labels import clean_heading, collapse_letter_spacing, join_lines, labels
from kompass_extract.read.lines import Line

FRONT_PAGES = 6


@dataclass
class Metadata:
    municipality_candidates: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    year: int | None = None
    month: str | None = None
    evaluators: list[str] = field(default_factory=list)
    template: str | None = None
    provenance: dict[str, dict[str, Any]] = field(default_factory=dict)


def _where(line: Line, rule: str) -> dict[str, Any]:
    return {"page": line.page, "bbox": [round(v, 1) for v in line.bbox], "rule": rule}


def _with_wrapped(lines: list[Line]) -> list[tuple[Line, str, bool]]:
    """(line, its text, is_single): each line preceded by itself joined with the next close line, since names
    wrap ('analys av X' / 'kommun'), in running text over a page break too. The texts are joined as wrapped text is (:func:`join_lines`): a name broken at
    its hyphen ("Per-" / "Olof") keeps the hyphen and no space, and the line-end hyphen some producers' text layers
    give as a soft-hyphen code (U+FFFE) reads as the printed "-"."""
    out = []
    for a, b in itertools.zip_longest(lines, lines[1:]):  # the last line with None
        if b is not None and (b.top - a.bottom < a.size * 1.2 if a.page == b.page else _turns_page(a, b)):
            out.append((type(a)(a.words + b.words, a.page), join_lines([a.text, b.text]), False))
        out.append((a, join_lines([a.text]), True))
    return out


def _turns_page(a: Line, b: Line) -> bool:
    """``b`` goes on ``a``'s text over a page break: it is the next page's first line, in the same type, and ``a``
    ends with no stop (a sentence naming the evaluators may wrap there: "... har varit Ingrid" / "Söderlund och ...")."""
    return b.page == a.page + 1 and abs(a.size - b.size) < 0.5 and not a.text.rstrip().endswith((".", ":", "!", "?"))


# The look-behinds let a match start only where a run starts: without them a long run of spaces or dots is
# scanned again from each of its positions (quadratic time on hostile text).
_NAME_TAIL_RE = re.compile(r"(?<![\s:,.–-])[\s:,.–-]+$")
_NAME_SEPARATOR_RE = re.compile(r"(?<!\s)\s*(?:,|;|\boch\b|&)\s*")
_DIGIT_RE = re.compile(r"\d")


def read_metadata(front: list[Line], front_text: str) -> Metadata:
    """Municipality candidates, year, month, evaluators and template from the front pages."""
    meta = Metadata()
    templates = _templates()
    held_by_front = holding([front_text], [required for _, _, required in templates])[0]
    meta.template = next(
        (name for name, pattern, _ in map(templates.__getitem__, held_by_front) if pattern.search(front_text)), None
    )
    dates: list[tuple[int, int, float, int, str | None, dict[str, Any]]] = []  # rank, page, top, year, month, where
    texts = [
        (line, single, clean_heading(collapse_letter_spacing(joined))) for line, joined, single in _with_wrapped(front)
    ]
    cues = [(key, n, pattern) for key in CUE_KEYS for n, (pattern, _) in enumerate(_cues(key))]
    held = holding([text for _, _, text in texts], [required for key in CUE_KEYS for _, required in _cues(key)])
    for (line, single, text), indices in zip(texts, held, strict=True):
        digit = None
        for key, n, pattern in map(cues.__getitem__, indices):  # only the cues whose required text it holds
            if key == "municipality_cues":
                m = pattern.search(text)
                if m and m.group("name"):
                    name = _NAME_TAIL_RE.sub("", m.group("name")).strip()
                    if 2 <= len(name) <= 60:
                        meta.municipality_candidates.append((name, _where(line, f"municipality_cues[{n}]")))
            elif key == "date_cues":
                # a date cue reads a year (see _date: a number), so a text without a digit has no date: most lines
                digit = _DIGIT_RE.search(text) is not None if digit is None else digit
                found = _date(pattern.search(text)) if digit else None
                if found is not None:
                    dates.append((n, line.page, line.top, *found, _where(line, f"date_cues[{n}]")))
            else:
                m = pattern.search(text)
                # Names wrap: a line joined with the next is read when the names end inside it (at a full stop);
                # a cue that reads to the end of the line ("Utvärderare: ...") only on the line itself.
                if m and not single and not text[m.end("names") :].lstrip().startswith("."):
                    m = None
                if m and not meta.evaluators:
                    meta.evaluators = split_evaluators(m.group("names"))
                    meta.provenance["evaluators"] = _where(line, f"evaluator_cues[{n}]")
    if dates:
        best = min(dates, key=lambda d: d[:3])
        meta.year, meta.provenance["year"] = best[3], best[5]
        with_month = [d for d in dates if d[4] and d[3] == best[3]]
        if with_month:
            month = min(with_month, key=lambda d: d[:3])
            meta.month, meta.provenance["month"] = month[4], month[5]
    # Upper-case covers ("ANALYS AV LULEÅ KOMMUN") come last: the running text prints the name as people write it.
    meta.municipality_candidates.sort(key=lambda c: c[0].isupper())
    return meta


CUE_KEYS = ("municipality_cues", "date_cues", "evaluator_cues")
"""The cue lists of labels.json read from every front line, in the order each line is tried with them."""


@cache
def _templates() -> tuple[tuple[str, re.Pattern[str], Required | None], ...]:
    """(template, its pattern, the text every match holds) of labels.json, in its order (the first that matches the
    front pages' text wins): a pattern that ignores case is tried at each of the text's 10,000 characters, so only
    those whose required text the front pages hold are searched (three patterns were 15% of reading the metadata)."""
    patterns = [(t["template"], re.compile(t["pattern"])) for t in labels()["templates"]]
    return tuple((name, pattern, required_text(pattern)) for name, pattern in patterns)


@cache
def _cues(key: str) -> tuple[tuple[re.Pattern[str], Required | None], ...]:
    """The cue patterns of ``key`` in labels.json, compiled once, each with the text every match of it holds
    (:func:`~kompass_extract.common.patterns.required_text`: "analys" for "analys av <name>"). Every front line and
    pair of lines was searched with each of the 13 cues (2 ms a report); a cue is now searched only in the lines
    that hold its required text (:func:`~kompass_extract.common.patterns.holding`)."""
    return tuple((pattern, required_text(pattern)) for pattern in map(re.compile, labels()[key]))


def _date(m: re.Match[str] | None) -> tuple[int, str | None] | None:
    """(year, month) of a date cue's match; None when its month word is no month ("Kommunkompassen 2018")."""
    if m is None:
        return None
    groups = m.groupdict()
    months: list[str] = labels()["months"]
    if groups.get("isodate"):
        year, month, _ = groups["isodate"].split("-")
        return int(year), months[int(month) - 1] if 1 <= int(month) <= 12 else None
    month = None
    if groups.get("month") is not None:
        word = groups["month"].lower().rstrip(".")
        month = word if word in months else labels()["month_aliases"].get(word)
        if month is None:
            return None
    return int(groups["year"]), month


def split_evaluators(names: str) -> list[str]:
    """'Anna Andersson, SKL och Bo Berg, Ramböll' -> ['Anna Andersson, SKL', 'Bo Berg, Ramböll']: a one-word
    part after a name is that person's organisation, not another evaluator."""
    people: list[str] = []
    for part in (p.strip(" .") for p in _NAME_SEPARATOR_RE.split(names)):
        if not part:
            continue
        if people and len(part.split()) == 1 and len(people[-1].split()) >= 2 and "," not in people[-1]:
            people[-1] = f"{people[-1]}, {part}"
        else:
            people.append(part)
    return people
