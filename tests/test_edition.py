"""Edition detection from the evidence a report prints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kompass_extract.match.catalog import load_catalog
from kompass_extract.match.edition import detect_edition, labels_in_text

TRUTH = json.loads((Path(__file__).parents[1] / "fixtures" / "lulea-2018" / "truth.json").read_text(encoding="utf-8"))
LULEA_AREAS = {a["no"]: a["title"] for a in TRUTH["areas"]}
LULEA_QUESTIONS = {q["id"]: q["text"] for a in TRUTH["areas"] for q in a["questions"]}
YEARS = {"pre2010": 2005, "2010": 2013, "2016": 2017, "2020": 2021}


@pytest.fixture(scope="module")
def cat():
    return load_catalog()


def test_lulea(cat):
    guess = detect_edition(LULEA_AREAS, LULEA_QUESTIONS, 2018, {"Översikt av poängfördelning"}, cat)
    assert guess.edition == "2016"
    assert guess.confidence >= 0.95
    assert any("Ständiga förbättringar" in e for e in guess.evidence)


@pytest.mark.parametrize("edition", ["pre2010", "2010", "2016", "2020"])
@pytest.mark.parametrize("with_year", [True, False])
def test_canonical_area_names_of_each_edition(cat, edition, with_year):
    guess = detect_edition(cat.area_names(edition), {}, YEARS[edition] if with_year else None, set(), cat)
    assert guess.edition == edition
    assert guess.confidence >= 0.8


def test_variant_names_of_2016(cat):
    names = cat.area_names("2016") | {
        2: "Brukarfokus, tillgänglighet och bemötande",
        6: "Kommunen som arbetsgivare personalpolitik",
        8: "Kommun som samhällsbyggare",
    }
    assert detect_edition(names, {}, 2019, set(), cat).edition == "2016"


def test_2016_report_printing_the_old_area_7_name_is_still_2016(cat):
    names = LULEA_AREAS | {7: "Verksamhetsutveckling"}
    assert detect_edition(names, LULEA_QUESTIONS, 2018, set(), cat).edition == "2016"


def test_2010_report_is_not_taken_for_2016_when_questions_do_not_match(cat):
    questions = {
        "1.1": "Hur informerar kommunen om sin verksamhet på webben?",
        "7.1": "Finns ett system för förnyelse?",
    }
    guess = detect_edition(cat.area_names("2010"), questions, 2016, {"Poängsammanställning"}, cat)
    assert guess.edition == "2010"


def test_2020_report_printed_by_skr(cat):
    labels = labels_in_text("Sveriges Kommuner och Regioner\nKommunkompassen Analys av Umeå", cat)
    assert labels == {"Sveriges Kommuner och Regioner"}
    assert detect_edition(cat.area_names("2020"), {}, 2020, labels, cat).edition == "2020"


@pytest.mark.parametrize(
    ("areas", "year", "labels"),
    [
        ({}, None, set()),
        ({}, 2017, {"Översikt av poängfördelning"}),  # year and cue words alone never decide
        ({1: "Något helt annat", 2: "Ett område vi inte känner"}, 2012, set()),
        ({1: "Offentlighet och demokrati"}, None, set()),  # shared by 2010 and 2016
    ],
)
def test_unknown_is_reported_not_guessed(cat, areas, year, labels):
    guess = detect_edition(areas, {}, year, labels, cat)
    assert guess.edition is None
    assert guess.confidence == 0.0
    assert guess.evidence and "unknown" in guess.evidence[-1]


def test_labels_in_text_ignores_case_and_spacing(cat):
    text = "4.  ÖVERSIKT AV  POÄNGFÖRDELNING\nNedanstående tabeller"
    assert labels_in_text(text, cat) == {"Översikt av poängfördelning"}
    assert labels_in_text("Ingen ledtråd här", cat) == set()
