"""Municipality names to SCB kommunkod."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kompass_extract.match.municipality import find_municipality_in_text, kommuner, resolve_municipality

KOMMUNER = list(
    csv.DictReader((Path(__file__).parents[1] / "kompass_extract/data/catalog/kommuner.csv").open(encoding="utf-8"))
)


def _genitive(name: str) -> str:
    return name if name.endswith("s") else name + "s"


def test_list_has_290_municipalities_with_string_codes():
    assert len(KOMMUNER) == 290 == len(kommuner())
    assert kommuner()["0114"] == "Upplands Väsby"


@pytest.mark.parametrize(
    "form",
    [
        lambda n: n,
        lambda n: f"{n} kommun",
        lambda n: f"{_genitive(n)} kommun",
        lambda n: f"{_genitive(n)} stad",
        lambda n: f"{n} stad",
        lambda n: _genitive(n),
        lambda n: n.upper() + " KOMMUN",
        lambda n: f"  {n.lower()}\tkommun ",
    ],
)
def test_every_municipality_in_every_form(form):
    wrong = []
    for row in KOMMUNER:
        printed = form(row["kommun"])
        result = resolve_municipality(printed)
        if (result.kommunkod, result.kommun) != (row["kommunkod"], row["kommun"]):
            wrong.append((printed, result))
    assert wrong == []


def test_methods():
    assert resolve_municipality("Luleå kommun").method == "exact"
    assert resolve_municipality("Kungälvs kommun").method == "genitive"
    assert resolve_municipality("Falu kommun").method == "alias"


@pytest.mark.parametrize(
    ("printed", "code"),
    [
        ("Region Gotland", "0980"),
        ("Gotlands kommun", "0980"),
        ("Falu kommun", "2080"),
        ("Falun", "2080"),
        ("Helsingborgs stad", "1283"),
        ("Luleås", "2580"),
        ("L U L E Å", "2580"),
        ("L U L E Å  K O M M U N", "2580"),
        ("Upplands Bro", "0139"),
        ("Upplands-Väsby kommun", "0114"),
        ("Dals Ed", "1438"),
        ("Malungs kommun", "2023"),
        ("Borås stad", "1490"),
        ("0115", "0115"),
    ],
)
def test_aliases_and_variants(printed, code):
    assert resolve_municipality(printed).kommunkod == code


def test_heby_keeps_the_current_code_and_names_the_historic_one():
    before = resolve_municipality("Heby kommun", 2005)
    assert (before.kommunkod, before.code_in_force) == ("0331", "1917")
    after = resolve_municipality("Heby kommun", 2007)
    assert (after.kommunkod, after.code_in_force) == ("0331", None)
    old_code = resolve_municipality("1917", 2004)
    assert (old_code.kommunkod, old_code.kommun, old_code.method) == ("0331", "Heby", "alias")


def test_fuzzy_only_proposes_unless_near_identical():
    typo = resolve_municipality("Örbro kommun")
    assert typo.kommunkod is None and typo.method == "fuzzy-proposal"
    assert typo.candidates[0][:2] == ("1880", "Örebro")
    lost_diacritics = resolve_municipality("Lulea kommun")
    assert (lost_diacritics.kommunkod, lost_diacritics.method) == ("2580", "fuzzy")


@pytest.mark.parametrize("printed", ["", "kommun", "Atlantis kommun", "Sveriges Kommuner och Landsting"])
def test_unresolved(printed):
    result = resolve_municipality(printed)
    assert result.kommunkod is None and result.kommun is None
    assert result.method in ("unresolved", "fuzzy-proposal")


def test_find_municipality_in_text():
    text = (
        "KommunKompassen\nAnalys av Luleå kommun\nOktober 2018\n"
        "2. Kungälvs kommun i förhållande\ntill Kommunkompassen\n"
        "Utvärderingen av Kungälvs kommun genomfördes i oktober\n"
        "ANALYS AV HELSINGBORGS STAD 2014\n"
        "Analys av avvikelser, brister och problem\n"
        "Analys av Atlantis kommun\n"
        "Samverkan med Falu kommun och Region Gotland."
    )
    found = find_municipality_in_text(text)
    printed = [p for p, _, _ in found]
    assert printed[:2] == ["Luleå kommun", "HELSINGBORGS STAD"]
    assert {"Kungälvs kommun", "Atlantis kommun", "Falu kommun", "Region Gotland"} <= set(printed)
    assert not any(p.startswith("avvikelser") for p in printed)
    assert all(text[start:end] == p for p, start, end in found)
    assert len(found) == len({(s, e) for _, s, e in found})
