"""Municipality arguments of the commands (``chart --kommun``, ``--compare``) resolved as a person means them.

Users type names without diacritics ("Lulea", "Goteborg"), with a hyphen ("Upplands-Väsby"), or a kommunkod
that a spreadsheet stripped of its leading zero ("180" for 0180). Each is resolved against the reports of the
output folder: exactly after folding (case, diacritics, punctuation, 'kommun'/'stad'), then through SCB's list
and its aliases; anything else is a usage error (exit 2) that names the closest municipalities of the folder,
found with rapidfuzz. A fuzzy match is only ever suggested, never taken: a chart of the wrong municipality is
worse than a question. ``kommun:year`` picks one report where one is meant.
"""

from __future__ import annotations

from collections.abc import Iterable

import click
from rapidfuzz import fuzz, process

from kompass_extract.common.text import fold_diacritics
from kompass_extract.match.municipality import kommuner, resolve_municipality
from kompass_extract.review.data import ReportView, split_kommun_year

SUGGEST_SCORE = 60.0
"""Folder municipalities at least this similar to an unknown argument are suggested."""
SUGGESTIONS = 3


def folded(name: str) -> str:
    """Letters and digits of a name, lower case, without diacritics or a trailing 'kommun'/'stad'."""
    words = fold_diacritics(name).casefold().split()
    while words and words[-1] in ("kommun", "stad"):
        words.pop()
    return "".join(c for c in "".join(words) if c.isalnum())


def _keys(view: ReportView) -> dict[str, str]:
    """Folded names of a report (SCB's and as printed, with and without a genitive 's') -> its key."""
    key = view.report.get("kommunkod") or view.report.get("municipality") or view.report_id
    names = {folded(n) for n in (view.report.get("kommun"), view.report.get("municipality")) if n}
    return {form: str(key) for n in names for form in (n, n.removesuffix("s")) if form}


def resolve_kommun(value: str, views: Iterable[ReportView], option: str) -> str:
    """The key of ``value`` for :func:`~kompass_extract.review.data.find_reports` ('2580' or '2580:2018').

    Raises :class:`click.BadParameter` (a usage error) naming the closest municipalities when nothing fits.
    """
    views = list(views)
    text, year = split_kommun_year(value)
    codes = {v.report.get("kommunkod"): v.name for v in views if v.report.get("kommunkod")}
    by_name: dict[str, str] = {}
    for view in views:
        by_name.update(_keys(view))
    key = _key(text, codes, by_name)
    if key is None:
        raise click.BadParameter(_unknown(text, codes, by_name, views), param_hint=option)
    if year is not None:
        years = sorted({v.report.get("year") for v in views if key in _keys(v).values() and v.report.get("year")})
        if year not in years:
            raise click.BadParameter(
                f"no report of {text!r} from {year} in the output folder; its years: {', '.join(map(str, years))}",
                param_hint=option,
            )
        return f"{key}:{year}"
    return key


def _key(text: str, codes: dict[str, str], by_name: dict[str, str]) -> str | None:
    if text.isdigit() and len(text) <= 4:
        code = text.zfill(4)  # "180": a kommunkod that lost its leading zero in a spreadsheet
        return code if code in codes else None
    name = folded(text)
    if name in by_name:
        return by_name[name]
    resolved = resolve_municipality(text).kommunkod  # SCB's list and aliases ("Falu", former names)
    return resolved if resolved in codes else None


def _unknown(text: str, codes: dict[str, str], by_name: dict[str, str], views: list[ReportView]) -> str:
    """Why ``text`` names no report of the folder, with the closest ones."""
    if text.isdigit():
        code = text.zfill(4)
        scb = kommuner().get(code)
        what = f"{code} ({scb})" if scb else f"{code}, which is no kommunkod in SCB's list,"
        present = ", ".join(f"{c} {n}" for c, n in sorted(codes.items())[:10])
        return f"no report of {what} in the output folder; it has: {present or 'no resolved municipality'}"
    names = {key: view.name for view in views for key in _keys(view).values()}
    choices = list(by_name)
    found = process.extract(
        folded(text), choices, scorer=fuzz.WRatio, limit=SUGGESTIONS * 3, score_cutoff=SUGGEST_SCORE
    )
    keys = [by_name[choice] for choice, _, _ in found]
    suggestions = list(dict.fromkeys(f"{names[key]} ({key})" for key in keys))[:SUGGESTIONS]
    hint = f"; did you mean {' or '.join(suggestions)}?" if suggestions else " (give a kommunkod or a name)"
    return f"no report of {text!r} in the output folder{hint}"
