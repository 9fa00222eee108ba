"""The criteria catalog: contents, matching of printed questions, area names, crosswalk, CLI."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kompass_extract.cli.catalog import catalog as catalog_cli
from kompass_extract.match.catalog import CRITERIA_FIELDS, CatalogError, load_catalog
from kompass_extract.match.propose import propose_rows
from kompass_extract.match.text import normalise
from kompass_extract.write.schema import TABLES

TRUTH = json.loads((Path(__file__).parents[1] / "fixtures" / "lulea-2018" / "truth.json").read_text(encoding="utf-8"))
LULEA = [(a["no"], q["id"], q["text"], q["max"]) for a in TRUTH["areas"] for q in a["questions"]]


@pytest.fixture(scope="module")
def cat():
    return load_catalog()


def test_2016_edition_is_complete_with_maxima_summing_to_100(cat):
    criteria = cat.criteria("2016")
    assert len(criteria) == 45  # the seed prints 45 sub-questions (the domain brief says 43)
    for area_no in range(1, 9):
        in_area = [c for c in criteria if c.area_no == area_no]
        assert sum(c.max for c in in_area) == 100
        assert all(c.rubrik and c.certainty == "printed" for c in in_area)
    assert cat.has_questions("2016")
    assert not cat.has_questions("2010") and not cat.has_questions("2020")


def test_catalog_text_has_the_seed_typo_corrected(cat):
    texts = {c.catalog_id: c.question_text for c in cat.criteria("2016")}
    assert texts["2016:1.1"] == "Finns en plan/strategi för demokratiutveckling och information?"


def test_2010_rubriker_are_marked_inferred(cat):
    rows = cat.criteria("2010")
    assert {c.area_no for c in rows} == {1, 2, 3, 4, 5}
    assert all(c.certainty == "inferred" and not c.question_text and c.rubrik for c in rows)
    assert rows[0].rubrik == "Strategi för demokratiutveckling och information"


@pytest.mark.parametrize(("area_no", "question_no", "text", "maximum"), LULEA)
def test_lulea_question_matches_its_2016_id(cat, area_no, question_no, text, maximum):
    match = cat.match_question("2016", area_no, question_no, text)
    assert match is not None
    assert match.catalog_id == f"2016:{question_no}"
    assert match.score >= 95
    assert match.max == maximum


def _swap_letters(text: str) -> str:
    """Swap two letters inside the longest word (a typing error)."""
    word = max(text.split(), key=len)
    i = len(word) // 2
    return text.replace(word, word[:i] + word[i + 1] + word[i] + word[i + 2 :], 1)


def _hyphenate(text: str) -> str:
    """Split the longest word as a line-break hyphenation printed 'ledar - skapet'."""
    word = max(text.split(), key=len)
    return text.replace(word, f"{word[:5]} - {word[5:]}", 1)


def _wrap_with_numbers(text: str) -> str:
    """A wrapped overview row: line break mid-text and the row's numbers glued to the end."""
    words = text.split()
    return " ".join(words[: len(words) // 2]) + "\n" + " ".join(words[len(words) // 2 :]) + " 11 15 75 %"


def _reorder(text: str) -> str:
    """Swap the last two words."""
    words = text.rstrip("?").split()
    return " ".join(words[:-2] + [words[-1], words[-2]]) + "?"


def _strip_diacritics_and_case(text: str) -> str:
    return text.upper().replace("Ö", "O").replace("Ä", "A")


def _all_at_once(text: str) -> str:
    return _wrap_with_numbers(_hyphenate(_swap_letters(_reorder(_strip_diacritics_and_case(text)))))


@pytest.mark.parametrize(
    "perturb", [_swap_letters, _hyphenate, _wrap_with_numbers, _reorder, _strip_diacritics_and_case, _all_at_once]
)
def test_perturbed_2016_questions_keep_their_ids(cat, perturb):
    for area_no, question_no, text, _ in LULEA:
        printed = perturb(text)
        match = cat.match_question("2016", area_no, question_no, printed)
        assert match is not None and match.catalog_id == f"2016:{question_no}", (printed, match)


@pytest.mark.parametrize(
    "printed",
    [
        "Hur informeras invånarana om aktuella frågor i politiken?",
        "Hur informeras invånarna om aktuella\nfrågor i politiken?",
        "Hur informeras invå - narna om aktuella frågor i politiken? 16 20 79%",
        "1.2 Hur informeras ”invånarna” om aktuella frågor i politiken?",
    ],
)
def test_known_real_world_artefacts(cat, printed):
    match = cat.match_question("2016", 1, "1.2", printed)
    assert match is not None and match.catalog_id == "2016:1.2"


def test_normalise_joins_hyphenation_and_drops_quotes():
    assert normalise("Läggs stor vikt vid kompetens - och\nmedarbetarutveckling?") == normalise(
        "Läggs stor vikt vid kompetens- och medarbetarutveckling?"
    )
    assert normalise("ledar - skapet") == "ledarskapet"
    assert normalise("Kommunen som ”attraktiv arbetsgivare”.") == "kommunen som attraktiv arbetsgivare"


# Plausible wording of other editions: different criteria, not re-printings of 2016 questions.
OTHER_EDITIONS = [
    (1, "1.1", "Hur arbetar kommunen med tillitsbaserad styrning och ledning?"),
    (1, "1.3", "Finns det en strategi för medborgardialog i budgetprocessen?"),
    (2, "2.1", "Hur arbetar kommunen med digitalisering av välfärdstjänster?"),
    (2, "2.4", "Genomförs brukarundersökningar regelbundet inom alla verksamheter?"),
    (3, "3.2", "Hur säkerställs den interna kontrollen i nämnderna?"),
    (4, "4.3", "Hur arbetar kommunen med Agenda 2030 och de globala målen?"),
    (5, "5.1", "Finns en strategi för resultatstyrning?"),
    (6, "6.5", "Hur arbetar kommunen med arbetsmiljö?"),
    (7, "7.1", "Finns en strategi för verksamhetsutveckling?"),
    (7, "7.2", "Arbetar verksamheterna med kvalitetsutveckling och förnyelse?"),
    (8, "8.4", "Hur arbetar kommunen med bostadsförsörjning och infrastruktur?"),
]


@pytest.mark.parametrize(("area_no", "question_no", "text"), OTHER_EDITIONS)
def test_other_edition_questions_are_not_forced_onto_2016(cat, area_no, question_no, text):
    assert cat.match_question("2016", area_no, question_no, text) is None
    assert cat.match_question(None, area_no, question_no, text) is None


def test_edition_without_question_wording_never_matches(cat):
    area_no, question_no, text, _ = LULEA[0]
    assert cat.match_question("2010", area_no, question_no, text) is None
    assert cat.match_question("2020", area_no, question_no, text) is None
    assert cat.match_question("1999", area_no, question_no, text) is None


def test_unknown_edition_needs_a_near_identical_text(cat):
    assert cat.match_question(
        None, 1, "1.2", "Hur informeras invånarana om aktuella frågor i politiken?"
    ).catalog_id == ("2016:1.2")
    # a reworded question (as another edition would print it) is not given a 2016 id without an edition
    reworded = "Vilket ansvar har resultatenheterna för budget, personal och organisation?"
    assert cat.match_question("2016", 4, "4.2", reworded).catalog_id == "2016:4.2"
    assert cat.match_question(None, 4, "4.2", reworded) is None


def test_question_under_wrong_area_matches_only_when_identical(cat):
    text = "Bedriver kommunen ledarutveckling?"
    assert cat.match_question("2016", 5, "5.6", text).catalog_id == "2016:4.6"
    assert cat.match_question("2016", 5, "5.6", "Bedriver kommunen chefsutveckling?") is None


def test_empty_text_is_unmatched(cat):
    assert cat.match_question("2016", 1, "1.1", "") is None
    assert cat.match_question("2016", 1, "1.1", "11 15 75%") is None


def test_area_canonical_names(cat):
    assert cat.area_canonical("2016", 2, "Brukarfokus, tillgänglighet och bemötande") == (
        "Tillgänglighet och brukarorientering"
    )
    assert cat.area_canonical("2016", 6, "Kommunen som arbetsgivare personalpolitik") == (
        "Kommunen som arbetsgivare - personalpolitik"
    )
    assert cat.area_canonical("2016", 7, "Verksamhetsutveckling") == "Ständiga förbättringar"
    assert cat.area_canonical(None, 8, "Kommun som samhällsbyggare") == "Kommunen som samhällsbyggare"
    assert cat.area_canonical(None, 7, "Ständiga förbättringar") == "Ständiga förbättringar"
    assert cat.area_canonical(None, 7, "Något helt annat") is None
    assert cat.area_canonical("2020", 9, None) is None
    assert len(cat.area_names("2020")) == 8 and cat.area_names("2020")[5] == "Brukarens fokus"


def test_crosswalk_rows_fit_the_schema_and_cover_every_pair_of_editions(cat):
    rows = cat.crosswalk_rows()
    fields = TABLES["area_crosswalk"].field_names
    assert all(set(r) == set(fields) for r in rows)
    editions = ("pre2010", "2010", "2016", "2020")
    pairs = {(a, b) for i, a in enumerate(editions) for b in editions[i + 1 :]}
    for concept in cat.concepts:
        assert {(r["edition_a"], r["edition_b"]) for r in rows if r["concept"] == concept} == pairs
    assert {r["comparability"] for r in rows} <= {"same", "revised", "different"}
    assert all(r["reason"] for r in rows)
    for edition in editions:  # each edition's eight areas are eight different concepts
        assert len({cat.concept_of(edition, n) for n in range(1, 9)}) == 8


def test_concepts_follow_the_2020_renumbering(cat):
    """2016 area 8 'Kommunen som samhällsbyggare' is 2020 area 2 'Samhällsutveckling' (domain brief), etc."""
    renumbered = {1: 1, 2: 5, 3: 3, 4: 8, 5: 4, 6: 7, 7: 6, 8: 2}
    for no_2016, no_2020 in renumbered.items():
        assert cat.concept_of("2016", no_2016) == cat.concept_of("2020", no_2020)
    assert cat.comparability("community-building", "2020", "2016")[0] == "revised"
    assert cat.comparability("community-building", "2016", "2016") == ("same", "Same edition of the criteria.")
    assert cat.comparability(None, "2016", "2020")[0] == "different"
    assert cat.reference_comparability("2016", 3) == "same" and cat.reference_comparability("2020", 3) == "revised"


def test_extended_catalog_directory(tmp_path):
    header = "edition,area_no,area_name,question_no,question_text,max,rubrik,certainty,source\n"
    (tmp_path / "criteria.csv").write_text(
        header + "2020,1,Samspel mellan förtroendevalda och medborgare,1.1,Hur arbetar kommunen med tillitsbaserad "
        "styrning?,10,,printed,test\n",
        encoding="utf-8",
    )
    extended = load_catalog(str(tmp_path))
    assert extended.has_questions("2020") and extended.has_questions("2016")  # rows are added to the package's
    assert extended.match_question(
        "2020", 1, "1.1", "Hur arbetar kommunen med tillitsbaserad styrning?"
    ).catalog_id == ("2020:1.1")
    assert extended.area_names("2016")[7] == "Ständiga förbättringar"  # other files from the package
    assert extended.identity != load_catalog().identity


def test_catalog_directory_replaces_rows_by_key_and_refuses_unknown_files(tmp_path):
    header = "edition,area_no,area_name,question_no,question_text,max,rubrik,certainty,source\n"
    (tmp_path / "criteria.csv").write_text(header + "2016,1,X,1.1,Ny formulering av frågan?,12,,printed,test\n")
    extended = load_catalog(tmp_path)
    packaged = load_catalog()
    assert len(extended.criteria("2016")) == len(packaged.criteria("2016"))
    replaced = next(c for c in extended.criteria("2016") if c.question_no == "1.1")
    assert (replaced.question_text, replaced.max) == ("Ny formulering av frågan?", 12.0)
    (tmp_path / "criteria.csv").write_text(header + "2016,1,X,1.1,Ändrad igen?,12,,printed,test\n")
    again = load_catalog(tmp_path)  # a changed file is read again, with a new identity
    assert again.identity != extended.identity and again.criteria("2016")[0].question_text == "Ändrad igen?"
    (tmp_path / "critera.csv").write_text(header)
    with pytest.raises(CatalogError, match=r"critera\.csv cannot be used"):
        load_catalog(tmp_path)
    with pytest.raises(CatalogError, match="does not exist"):
        load_catalog(tmp_path / "nope")


def test_near_tie_is_settled_only_by_the_printed_number(tmp_path):
    (tmp_path / "criteria.csv").write_text(
        "edition,area_no,area_name,question_no,question_text,max,rubrik,certainty,source\n"
        "2016,8,X,8.1,Arbetar kommunen med miljöfrågor?,10,,printed,test\n"
        "2016,8,X,8.2,Arbetar kommunen med miljöfrågorna?,10,,printed,test\n",
        encoding="utf-8",
    )
    extended = load_catalog(str(tmp_path))
    assert extended.match_question("2016", 8, "8.1", "Arbetar kommunen med miljöfrågor").catalog_id == "2016:8.1"
    assert extended.match_question("2016", 8, "8.3", "Arbetar kommunen med miljöfrågor") is None
    assert extended.match_question("2016", 8, "8.2", "Arbetar kommunen med miljöfrågor") is None


def test_duplicate_ids_are_rejected(tmp_path):
    row = "2016,1,X,1.1,Text,10,,printed,test\n"
    (tmp_path / "criteria.csv").write_text(
        "edition,area_no,area_name,question_no,question_text,max,rubrik,certainty,source\n" + row + row,
        encoding="utf-8",
    )
    with pytest.raises(CatalogError, match="2016, 1.1"):
        load_catalog(str(tmp_path))


def test_a_user_catalog_file_saved_with_a_byte_order_mark_is_read(tmp_path):
    """Regression: the catalog reader opened files as plain UTF-8, so a criteria.csv saved by Excel (BOM first)
    was refused for a 'missing column edition', and a file in another encoding crashed with UnicodeDecodeError."""
    header = "edition,area_no,area_name,question_no,question_text,max,rubrik,certainty,source\n"
    (tmp_path / "criteria.csv").write_text(header + "2020,1,X,1.1,Hur styrs kommunen?,10,,printed,t\n", "utf-8-sig")
    assert load_catalog(tmp_path).has_questions("2020")
    (tmp_path / "criteria.csv").write_text(header + "2020,1,X,1.1,Hur styrs kommunen?,10,,printed,t\n", "utf-16")
    with pytest.raises(CatalogError, match="cannot read .*criteria.csv"):
        load_catalog(tmp_path)


def test_a_municipality_file_with_a_row_of_extra_cells_is_an_error(tmp_path, monkeypatch):
    """Regression: the municipality files had a reader of their own that dropped the cells past the header (an
    unquoted comma in an alias), so a wrong alias was used without a word; they use the catalog's reader now."""
    from kompass_extract.common.data import CATALOG_DIR
    from kompass_extract.match import municipality

    for name in ("kommuner.csv", "municipality_cues.csv"):
        (tmp_path / name).write_bytes((CATALOG_DIR / name).read_bytes())
    (tmp_path / "municipality_aliases.csv").write_text(
        "alias,kommunkod,valid_from,valid_to,note\nFalu,2080,,,Falun, as in 'Falu kommun'\n", encoding="utf-8"
    )
    monkeypatch.setattr(municipality, "CATALOG_DIR", tmp_path)
    municipality._tables.cache_clear()
    try:
        with pytest.raises(CatalogError, match=r"municipality_aliases\.csv: line 2 has more cells"):
            municipality.resolve_municipality("Falu kommun")
    finally:
        municipality._tables.cache_clear()


def test_propose_groups_unmatched_questions_across_reports(cat):
    reports = [{"report_id": f"r{i}", "edition": "2020"} for i in range(3)] + [{"report_id": "r9", "edition": "2016"}]
    questions = [
        {
            "report_id": "r0",
            "area_no": "1",
            "question_no": "1.1",
            "question_text": "Hur främjas tillit?",
            "max": "10",
            "catalog_id": "",
        },
        {
            "report_id": "r1",
            "area_no": "1",
            "question_no": "1.1",
            "question_text": "Hur främjas tilit?",
            "max": "10",
            "catalog_id": "",
        },
        {
            "report_id": "r2",
            "area_no": "1",
            "question_no": "1.1",
            "question_text": "Finns en digital agenda?",
            "max": "15",
            "catalog_id": "",
        },
        {
            "report_id": "r9",
            "area_no": "1",
            "question_no": "1.1",
            "question_text": "Helt ny fråga om demokrati?",
            "max": "15",
            "catalog_id": "",
        },
        {
            "report_id": "r9",
            "area_no": "1",
            "question_no": "1.2",
            "question_text": "Hur informeras invånarna?",
            "max": "20",
            "catalog_id": "2016:1.2",
        },
    ]
    rows = propose_rows(questions, reports, cat)
    assert len(rows) == 2  # one row per catalog id: the other 2020 wording under 1.1 is named in the source
    top = rows[0]
    assert (top["edition"], top["area_no"], top["question_no"], top["count"], top["variants"]) == (
        "2020",
        1,
        "1.1",
        2,
        2,
    )
    assert top["question_text"] == "Hur främjas tillit?" and top["max"] == "10"
    assert top["source"] == (
        "proposed from 2 report(s): r0, r1; other wording(s) under this number: Finns en digital agenda?"
    )
    assert top["area_name"] == "Samspel mellan förtroendevalda och medborgare"
    existing = next(r for r in rows if r["edition"] == "2016")
    assert "replaces the catalog wording 'Finns en plan/strategi" in existing["source"]


def test_cli_list_and_propose(tmp_path):
    runner = CliRunner()
    result = runner.invoke(catalog_cli, ["list", "--edition", "2016"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == 45 and rows[0]["question_no"] == "1.1" and rows[0]["max"] == "15"
    table = runner.invoke(catalog_cli, ["list", "--format", "table", "--edition", "2010"])
    assert table.exit_code == 0 and "2010:1.1" in table.output

    (tmp_path / "reports.csv").write_text("report_id,edition\nr1,2020\n", encoding="utf-8")
    (tmp_path / "questions.csv").write_text(
        "report_id,area_no,question_no,question_text,catalog_id,max\nr1,3,3.1,Hur styrs bolagen?,,10\n",
        encoding="utf-8",
    )
    out = tmp_path / "mine" / "criteria.csv"
    result = runner.invoke(catalog_cli, ["propose", str(tmp_path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    proposals = list(csv.DictReader(out.open(encoding="utf-8")))
    assert tuple(proposals[0]) == CRITERIA_FIELDS  # criteria.csv format, ready for a catalog folder
    assert proposals[0]["question_text"] == "Hur styrs bolagen?" and proposals[0]["max"] == "10"
    assert load_catalog(out.parent).match_question("2020", 3, "3.1", "Hur styrs bolagen?").catalog_id == "2020:3.1"
    again = runner.invoke(catalog_cli, ["propose", str(tmp_path), "--out", str(out)])  # appends, never twice
    assert again.exit_code == 0 and "already in" in again.output
    assert len(list(csv.DictReader(out.open(encoding="utf-8")))) == 1
    grown = runner.invoke(catalog_cli, ["--catalog-dir", str(out.parent), "propose", str(tmp_path)])
    assert grown.exit_code == 0 and "0 proposed row(s)" in grown.output  # the grown catalog matches it
    missing = runner.invoke(catalog_cli, ["propose", str(tmp_path / "nope")])
    assert missing.exit_code == 2
