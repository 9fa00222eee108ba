"""Editions are data: an edition added in a catalog folder (new area names, six areas of 120 points) is read
with no code change, and the same report read with the packaged catalog alone is flagged, not accepted."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from kompass_extract import extract
from kompass_testing.compare import compare
from kompass_testing.truth_builder import build_truth

pytest.importorskip("reportlab")

EDITION = "2030"
AREA_NAMES = (
    "Digital service och e-förvaltning",
    "Hållbar samhällsplanering",
    "Invånardialog och delaktighet",
    "Ekonomistyrning och uppföljning",
    "Arbetsgivarskap och ledarskap",
    "Samverkan med civilsamhället",
)
QUESTIONS = (  # (text, max) per area: four questions adding up to 120
    ("Finns en plan för {topic}?", 40),
    ("Följs arbetet med {topic} upp årligen?", 30),
    ("Redovisas resultaten av {topic} för fullmäktige?", 30),
    ("Jämför sig kommunen med andra inom {topic}?", 20),
)


def synthetic_edition() -> dict[str, Any]:
    """The generator's description of the edition: six areas, new names, maxima that add up to 120."""
    areas = []
    for name in AREA_NAMES:
        topic = name.split(" och ")[0].lower()
        areas.append(
            {
                "name": name,
                "rubriker": [f"Strategi för {topic}", f"Uppföljning av {topic}"],
                "headings": [f"Strategi för {topic}", f"Uppföljning av {topic}"],
                "questions": [[text.format(topic=topic), mx] for text, mx in QUESTIONS],
            }
        )
    return {"areas": areas, "variant_names": {}, "years": [2030, 2034]}


def write_catalog(folder: Path, edition: dict[str, Any]) -> Path:
    """A user's catalog folder holding the edition: its years and shape, area names and criteria."""
    folder.mkdir()

    def write(name: str, header: list[str], rows: list[list[Any]]) -> None:
        with open(folder / name, "w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([header, *rows])

    write(
        "editions.csv",
        ["edition", "first_year", "last_year", "area_count", "area_max", "report_max", "note"],
        [[EDITION, 2030, "", 6, 120, 720, "synthetic edition of the test"]],
    )
    write(
        "areas.csv",
        ["edition", "area_no", "area_name", "concept", "certainty", "source"],
        [[EDITION, no, a["name"], "", "printed", "test"] for no, a in enumerate(edition["areas"], 1)],
    )
    write(
        "criteria.csv",
        ["edition", "area_no", "area_name", "question_no", "question_text", "max", "rubrik", "certainty", "source"],
        [
            [EDITION, no, a["name"], f"{no}.{k}", text, mx, "", "printed", "test"]
            for no, a in enumerate(edition["areas"], 1)
            for k, (text, mx) in enumerate(a["questions"], 1)
        ],
    )
    return folder


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, Any]]:
    from kompass_testing.generator import render

    tmp = tmp_path_factory.mktemp("synthetic")
    edition = synthetic_edition()
    spec = {"name": "synthetic-2030", "seed": 3, "edition": EDITION, "template": "skl2016", "year": 2031}
    truth = build_truth(spec, edition)
    pdf = tmp / "report.pdf"
    pdf.write_bytes(render(truth))
    return pdf, write_catalog(tmp / "catalog", edition), truth


def test_an_edition_from_a_catalog_folder_converts_exactly(generated: tuple[Path, Path, dict[str, Any]]) -> None:
    pdf, catalog, truth = generated
    report = extract(pdf, catalog_dir=catalog)
    assert compare(report, truth) == []
    assert report.edition == EDITION and len(report.areas) == 6
    assert [c for c in report.checks if c.severity != "info"] == []
    assert report.total_max == 720
    assert report.total_score == sum(a["overview_total"]["achieved"] for a in truth["areas"])
    assert all(q.catalog_id == f"{EDITION}:{q.question_no}" for a in report.areas for q in a.questions)
    assert [a.name_canonical for a in report.areas] == list(AREA_NAMES)


def test_without_the_folder_the_same_report_is_flagged(generated: tuple[Path, Path, dict[str, Any]]) -> None:
    """The packaged editions expect eight areas of 100: the facts above came from the folder, not the code."""
    pdf, _, _ = generated
    report = extract(pdf)
    warned = {(c.code, c.area_no) for c in report.checks if c.severity != "info"}
    assert {("area-missing", 7), ("area-missing", 8)} <= warned
    assert ("area-max-not-100", 1) in warned
    assert report.edition is None and report.total_score is None
