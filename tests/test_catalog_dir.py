"""A catalog users can grow: rows proposed from one report, kept in a folder of their own, match other reports.

The packaged catalog has no 2020 question wording, so a 2020 report's questions stay uncatalogued. A pip user
cannot edit the installed package; the catalog grows in a folder given as ``--catalog-dir`` (or
``KOMPASS_CATALOG_DIR``) instead, and the batch cache must not serve results matched with the smaller catalog.
"""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner

from kompass_extract.cli import main
from kompass_extract.match.catalog import load_catalog

GENERATED = Path(__file__).resolve().parent.parent / "fixtures" / "generated"
SOURCE = GENERATED / "skr2020-baseline" / "report.pdf"
OTHER = GENERATED / "skr2020-sida-columns" / "report.pdf"  # another municipality, year and layout


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def run(*args: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(main, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


def test_proposed_rows_in_a_catalog_folder_match_another_report(tmp_path: Path) -> None:
    folder = tmp_path / "my-catalog"
    run("extract", str(SOURCE), "--out", str(tmp_path / "source"), "--quiet", "--jobs", "1")
    run("catalog", "propose", str(tmp_path / "source"), "--out", str(folder / "criteria.csv"))
    proposed = rows(folder / "criteria.csv")
    assert len(proposed) >= 30 and {r["edition"] for r in proposed} == {"2020"}

    out = tmp_path / "other"
    run("extract", str(OTHER), "--out", str(out), "--quiet", "--jobs", "1")
    before = rows(out / "questions.csv")
    assert not any(q["catalog_id"] for q in before)  # the packaged catalog knows no 2020 wording

    run("extract", str(OTHER), "--out", str(out), "--quiet", "--jobs", "1", env={"KOMPASS_CATALOG_DIR": str(folder)})
    after = rows(out / "questions.csv")
    matched = [q for q in after if q["catalog_id"]]
    assert len(after) == len(before) and len(matched) >= 0.9 * len(after), f"{len(matched)}/{len(after)}"
    assert all(q["catalog_id"].startswith("2020:") for q in matched)
    (report,) = rows(out / "reports.csv")
    assert report["catalog_hash"] == load_catalog(folder).identity != load_catalog().identity

    run("extract", str(OTHER), "--out", str(out), "--quiet", "--jobs", "1")  # the cache keeps both results apart
    assert not any(q["catalog_id"] for q in rows(out / "questions.csv"))


def test_validate_and_review_use_the_catalog_folder(tmp_path: Path) -> None:
    """An output folder converted before the catalog grew is checked and reviewed with the grown catalog."""
    folder = tmp_path / "my-catalog"
    out = tmp_path / "out"
    run("extract", str(SOURCE), "--out", str(out), "--quiet", "--jobs", "1")
    run("catalog", "propose", str(out), "--out", str(folder / "criteria.csv"))
    plain = run("validate", str(out), "--info")
    grown = run("validate", str(out), "--info", "--catalog-dir", str(folder))
    assert "uncatalogued-question" in plain and "uncatalogued-question" not in grown
    run("review", str(out), "--catalog-dir", str(folder))
    page = next((out / "review").glob("*.html"), None)
    assert page is not None
    index = (out / "review" / "index.html").read_text(encoding="utf-8")
    assert "--catalog-dir" in index
