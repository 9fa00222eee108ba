"""Build a truth document (the known answers) for one generated report variant.

The truth has the shape of ``fixtures/lulea-2018/truth.json`` plus ``evaluators``, ``template`` and
``layout`` (every layout knob of the variant, so a failing test can say which knob broke).

Rounding rule, as the real reports apply it (see the domain brief, "Numbers and rounding"):

* each sub-question has an unrounded score ``u`` (a multiple of ``score_step``: 0.25, 0.5 or 1);
* ``achieved`` = ``u`` rounded half-up to the printing precision (1, or 0.5 for half-point variants);
* ``percent`` = round-half-up(100 * u / max), from the *unrounded* score (None without a percent column);
* the overview total row = the unrounded sum rounded half-up to the printing precision, its percent
  = round-half-up(100 * unrounded sum / 100);
* the "Poäng" box of the area section (``header_score``) = the sum of the *rounded* ``achieved``.

So the box and the overview total may differ by a point or two, exactly as in real reports.
"""

from __future__ import annotations

import csv
import json
import random
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from importlib import resources
from typing import Any

from kompass_extract.common.data import data_text

LAYOUT_DEFAULTS: dict[str, Any] = {
    "font": "times",  # times | helvetica | dejavu_serif | dejavu_sans
    "font_size": 10.0,  # body size in points; tables are one point smaller
    "table_rules": True,  # ruling lines in the overview tables
    "overview_tables": "per_area",  # per_area | single (one long table across pages)
    "overview_break_area": None,  # area whose overview table is split by a forced page break
    "number_valign": "first",  # numbers on the first or the last line of a wrapped row
    "percent_format": "75%",  # "75%" | "75 %" | "none" (no percent column)
    "half_points": False,  # decimal commas, achieved printed to the nearest 0.5
    "score_step": 0.25,  # granularity of the unrounded sub-scores
    "bullet": "pua",  # pua (U+F0B7) | "•" | "–" | square | disc (drawn shapes) | hanging | none (no marker)
    "findings_style": "table",  # table (bordered) | columns (borderless two-column block)
    "findings_rows": "single",  # single (one row of two lists) | per_item (one row per item pair)
    "findings_break_area": None,  # area whose Styrkor/Förbättrings list is split by a page break
    "long_findings": False,  # some findings wrap over three lines
    "improvements_label": "Förbättringsmöjligheter",  # or "Förbättringsområden"
    "page_numbers": "plain",  # plain ("7") | sida ("Sida 7 av 31") | skl_date | rapport
    "area_heading": "space",  # space ("Område 2 X") | colon ("Område 2: X")
    "area_names": "canonical",  # canonical | variant_heading | variant_both
    "question_typos": False,
    "name_form": "kommun",  # kommun | genitive | stad | region
    "total_label": "",  # text in the first cell of an overview total row
    "letter_spaced_header": False,  # running header printed "S V E R I G E S  K O M M U N E R ..."
    "shifted_page_count": False,  # "7 (27)" headers whose count's text layer is shifted by 0x1D: "7 (OTF"
    "toc": None,  # None | dots | right: a contents page after the cover, with or without dot leaders
    "fifth_chapter": False,  # "5. Revideringen av Kommunkompassen" (numbered list, "3.1 ...") after the overview
    "kortfakta": False,  # "Kortfakta om <X>" box and an "Område | Poäng" summary table in chapter 2
    "area_running_header": False,  # small running header "Område N <name>" on the pages of each area
    "hyphenated_words": False,  # a few narrative and finding words printed split: "ledar - skapet"
    "repeated_table_header": False,  # a split overview table repeats "N. <name> (forts.)" on the next page
}


@dataclass(frozen=True)
class AreaScores:
    """Scores of one area, with the unrounded values the printed numbers were derived from."""

    unrounded: list[float]
    achieved: list[float]
    percent: list[int | None]
    total: float
    total_percent: int | None
    header_score: float


def round_half_up(value: float, precision: float = 1.0) -> float:
    """Round to a multiple of ``precision``, halves upwards (Python's round() rounds halves to even)."""
    steps = (Decimal(str(value)) / Decimal(str(precision))).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return float(steps * Decimal(str(precision)))


def score_area(
    rng: random.Random, maxima: list[float], step: float, precision: float, with_percent: bool
) -> AreaScores:
    """Draw unrounded sub-scores for maxima and derive every printed number the reports show."""
    unrounded = []
    for mx in maxima:
        share = rng.uniform(0.3, 1.0)
        unrounded.append(min(mx, round_half_up(share * mx, step)))
    achieved = [_num(round_half_up(u, precision)) for u in unrounded]
    percent = [
        int(round_half_up(100 * u / mx)) if with_percent else None for u, mx in zip(unrounded, maxima, strict=True)
    ]
    raw_total = sum(unrounded)
    return AreaScores(
        unrounded=unrounded,
        achieved=achieved,
        percent=percent,
        total=_num(round_half_up(raw_total, precision)),
        total_percent=int(round_half_up(100 * raw_total / sum(maxima))) if with_percent else None,
        header_score=_num(sum(achieved)),
    )


def _num(value: float) -> float:
    """Integers as int so the truth JSON prints 12, not 12.0."""
    return int(value) if float(value).is_integer() else value


@cache
def load_json(name: str) -> dict[str, Any]:
    """A data file of this package (editions.json, phrases.json, variants.json)."""
    return json.loads(resources.files(__package__).joinpath(name).read_text(encoding="utf-8"))


@cache
def municipalities() -> list[tuple[str, str]]:
    """(kommunkod, kommun) of every municipality, from the catalog."""
    text = data_text("catalog", "kommuner.csv")
    return [(row["kommunkod"], row["kommun"]) for row in csv.DictReader(text.splitlines())]


def genitive(name: str) -> str:
    """Swedish genitive: "Kungälvs", but "Borås" and "Vännäs" take no extra s."""
    return name if name[-1] in "sxz" else name + "s"


def printed_name(kommun: str, form: str) -> str:
    """The municipality as reports print it."""
    forms = {
        "kommun": f"{kommun} kommun",
        "genitive": f"{genitive(kommun)} kommun",
        "stad": f"{genitive(kommun)} stad",
        "region": f"Region {kommun}",
    }
    return forms[form]


def layout_of(spec: dict[str, Any]) -> dict[str, Any]:
    """The variant's knob values with defaults filled in; unknown keys are an error, not silently ignored."""
    meta = {"name", "seed", "edition", "template", "year", "month", "kommunkod", "doc"}
    unknown = set(spec) - meta - set(LAYOUT_DEFAULTS)
    if unknown:
        raise ValueError(f"variant {spec.get('name')!r}: unknown keys {sorted(unknown)}")
    return {k: spec.get(k, v) for k, v in LAYOUT_DEFAULTS.items()}


def build_truth(spec: dict[str, Any], edition: dict[str, Any] | None = None) -> dict[str, Any]:
    """Draw the truth document of one variant; the same spec always gives the same truth.

    ``edition`` describes an edition that ``editions.json`` does not have (areas with names, rubriker, headings
    and questions with maxima, ``variant_names``, ``years``): a synthetic edition, any number of areas.
    """
    rng = random.Random(f"{spec['name']}:{spec['seed']}")
    layout = layout_of(spec)
    editions = load_json("editions.json")
    phrases = load_json("phrases.json")
    if edition is None:
        edition = {**editions["editions"][spec["edition"]], "years": editions["years"][spec["edition"]]}

    if "kommunkod" in spec:
        kod, kommun = next(m for m in municipalities() if m[0] == spec["kommunkod"])
    else:
        kod, kommun = rng.choice(municipalities())
    municipality = printed_name(kommun, layout["name_form"])
    first, last = edition["years"]
    year = spec.get("year", rng.randint(first, last))
    months = phrases["months"]
    month = spec.get("month", rng.choice(months[1:11]))
    precision = 0.5 if layout["half_points"] else 1.0
    with_percent = layout["percent_format"] != "none"
    typos = editions["typos"] if layout["question_typos"] else []

    paragraphs = [p.replace("{municipality}", municipality) for p in phrases["paragraphs"]]
    areas = []
    for no, area in enumerate(edition["areas"], start=1):
        variant = edition["variant_names"].get(str(no), [area["name"]])[0]
        scores = score_area(rng, [q[1] for q in area["questions"]], layout["score_step"], precision, with_percent)
        strengths, improvements = _findings(rng, phrases["findings"], layout["long_findings"])
        areas.append(
            {
                "no": no,
                "title": area["name"] if layout["area_names"] == "canonical" else variant,
                "rubriker": list(area["rubriker"]),
                "header_score": scores.header_score,
                "narrative": [
                    {"heading": heading, "paragraphs": rng.sample(paragraphs, rng.randint(1, 2))}
                    for heading in ["Allmänt", *area["headings"]]
                ],
                "strengths": strengths,
                "improvements": improvements,
                "overview_title": variant if layout["area_names"] == "variant_both" else area["name"],
                "questions": [
                    {
                        "id": f"{no}.{i}",
                        "text": _apply_typos(text, typos),
                        "achieved": achieved,
                        "max": mx,
                        "percent": pct,
                    }
                    for i, ((text, mx), achieved, pct) in enumerate(
                        zip(area["questions"], scores.achieved, scores.percent, strict=True), start=1
                    )
                ],
                "overview_total": {
                    "achieved": scores.total,
                    "max": _num(sum(q[1] for q in area["questions"])),
                    "percent": scores.total_percent,
                },
            }
        )
    truth = {
        "municipality": municipality,
        "kommun": kommun,
        "kommunkod": kod,
        "year": year,
        "month": month,
        "edition": spec["edition"],
        "evaluation_no": 1,
        "interviewees": f"ett {rng.choice(['20', '30', '40'])}-tal",
        "intro": list(phrases["intro"]),
        "areas": areas,
        "summary_heading": phrases["summary_heading"],
        "summary": rng.sample(paragraphs, 3),
        "evaluators": rng.sample(phrases["evaluators"], 2),
        "template": spec["template"],
        "date": f"{year}-{months.index(month) + 1:02d}-{rng.randint(1, 28):02d}",
        "variant": spec["name"],
        "layout": layout,
    }
    if layout["hyphenated_words"]:
        _hyphenate(areas, phrases["hyphenations"])
    if layout["kortfakta"]:
        truth["kortfakta"] = _kortfakta(random.Random(f"{spec['name']}:{spec['seed']}:kortfakta"), year)
    return truth


def _hyphenate(areas: list[dict[str, Any]], splits: list[list[str]]) -> None:
    """Split a word of the first paragraph and of the first finding of each area that has one, as printed.

    Deterministic and applied after every draw, so switching the knob on changes nothing but these words.
    """
    patterns = [(re.compile(rf"\b{re.escape(word)}\b"), split) for word, split in splits]

    def split_first(slots: list[tuple[list[str], int]]) -> None:
        for texts, i in slots:
            for pattern, split in patterns:
                if pattern.search(texts[i]):
                    texts[i] = pattern.sub(split, texts[i], count=1)
                    return

    for area in areas:
        split_first([(s["paragraphs"], i) for s in area["narrative"] for i in range(len(s["paragraphs"]))])
        split_first([(area[key], i) for key in ("strengths", "improvements") for i in range(len(area[key]))])


def _kortfakta(rng: random.Random, year: int) -> dict[str, int]:
    """The numbers of a "Kortfakta" box: plausible, and unlike any score so a mix-up shows."""
    return {
        "population": rng.randint(2_500, 150_000),
        "population_year": year - 1,
        "area_km2": rng.randint(9, 19_000),
        "employees": rng.randint(300, 12_000),
        "founded": rng.choice([1863, 1952, 1971, 1974]),
    }


def _apply_typos(text: str, typos: list[list[str]]) -> str:
    for right, wrong in typos:
        text = text.replace(right, wrong)
    return text


def _findings(rng: random.Random, pool: list[str], long_items: bool) -> tuple[list[str], list[str]]:
    """Strengths and improvements drawn without repeats; a long item joins two short findings (about three lines)."""
    items = rng.sample(pool, 12)
    strengths, improvements = items[: rng.randint(3, 6)], items[6 : 6 + rng.randint(3, 6)]
    if long_items:
        short = rng.sample([p for p in pool if len(p) <= 40 and p not in items], 4)
        for target, (a, b) in ((strengths, short[:2]), (improvements, short[2:])):
            target.insert(1, f"{a} samt {b[0].lower()}{b[1:]} inom hela den kommunala organisationen")
    return strengths, improvements
