"""Datasets people use directly: concepts across editions, panel and changes, charts paired by concept.

Built once from generated fixtures of two editions (a 2016 and a 2020 report) and one municipality evaluated
twice (Skara: a pre-2010 report and a 2016 one), converted by the batch as a user would.
"""

from __future__ import annotations

import json
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kompass_extract.batch import convert
from kompass_extract.cli import main
from kompass_extract.review.charts import compare_groups
from kompass_extract.review.data import find_reports, load_output
from kompass_extract.write.formats import FORMATS, write_outputs
from kompass_extract.write.readback import read_output_table
from kompass_extract.write.schema import TABLES

ROOT = Path(__file__).resolve().parents[1]
GENERATED = ROOT / "fixtures" / "generated"
VARIANTS = ("skl2016-baseline", "skr2020-baseline", "rapport2006-findings-on-page-tops", "skl2016-single-table-unruled")


def truth(variant: str) -> dict:
    return json.loads((GENERATED / variant / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("datasets")
    summary = convert([str(GENERATED / v / "report.pdf") for v in VARIANTS], folder, jobs=1)
    assert summary.converted == len(VARIANTS)
    return folder


def test_compare_of_a_2016_and_a_2020_report_pairs_areas_by_concept(out: Path) -> None:
    old, new = truth("skl2016-baseline"), truth("skr2020-baseline")
    views = load_output(out)
    pair = [find_reports(views, f"{t['kommunkod']}:{t['year']}")[0] for t in (old, new)]
    groups = compare_groups(pair)
    paired = {(points[0].area_no, points[1].area_no) for _, points in groups if len(points) == 2}
    # The 2019/2020 revision renumbered the areas (domain brief): 2016 area 8 'Kommunen som samhällsbyggare'
    # is 2020 area 2 'Samhällsutveckling', 2016 area 2 (users) is 2020 area 5 'Brukarens fokus', and so on.
    assert paired == {(1, 1), (2, 5), (3, 3), (4, 8), (5, 4), (6, 7), (7, 6), (8, 2)}
    names_2020 = {a["no"]: a["title"] for a in new["areas"]}
    for _, points in groups:  # every bar carries its own edition's area name, not the other report's
        assert points[1].area_name == names_2020[points[1].area_no]
    result = CliRunner().invoke(
        main, ["chart", str(out), "--compare", f"{old['kommunkod']}:{old['year']},{new['kommunkod']}", "--out",
               str(out / "c.svg")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    svg = (out / "c.svg").read_text(encoding="utf-8")
    assert "8. Kommunen som samhällsbyggare" in svg and "2. Samhällsutveckling" in svg


def test_kommun_year_picks_one_report_and_says_which_years_exist(out: Path) -> None:
    skara = truth("skl2016-single-table-unruled")
    views = load_output(out)
    assert [v.report["year"] for v in find_reports(views, skara["kommunkod"])] == sorted(
        [truth("rapport2006-findings-on-page-tops")["year"], skara["year"]]
    )
    assert [v.report["year"] for v in find_reports(views, f"{skara['kommunkod']}:{skara['year']}")] == [skara["year"]]
    result = CliRunner().invoke(main, ["chart", str(out), "--compare", f"{skara['kommunkod']}:1999"])
    assert result.exit_code != 0 and str(skara["year"]) in result.output


def test_areas_carry_concept_and_comparability(out: Path) -> None:
    areas = read_output_table(out, "areas")
    assert all(a["concept"] for a in areas)
    reports = {r["report_id"]: r["edition"] for r in read_output_table(out, "reports")}
    for a in areas:
        assert a["comparability"] == ("same" if reports[a["report_id"]] == "2016" else "revised" if
                                      reports[a["report_id"]] in ("2010", "2020") else a["comparability"])  # fmt: skip


def test_panel_has_one_row_per_report_and_concept(out: Path) -> None:
    panel = read_output_table(out, "panel")
    areas = read_output_table(out, "areas")
    assert len(panel) == len(areas) == 8 * len(VARIANTS)
    assert len({(r["report_id"], r["concept"]) for r in panel}) == len(panel)
    new = truth("skr2020-baseline")
    row = next(r for r in panel if r["year"] == new["year"] and r["area_no"] == 2)
    assert row["concept"] == "community-building" and row["area_name"] == "Samhällsutveckling"
    assert row["kommunkod"] == new["kommunkod"] and row["edition"] == "2020"


def test_changes_pair_consecutive_evaluations_per_concept(out: Path) -> None:
    changes = read_output_table(out, "changes")
    skara_old, skara_new = truth("rapport2006-findings-on-page-tops"), truth("skl2016-single-table-unruled")
    assert {r["kommunkod"] for r in changes} == {skara_new["kommunkod"]}  # the only municipality seen twice
    assert len(changes) == 8
    panel = {(r["report_id"], r["concept"]): r["score"] for r in read_output_table(out, "panel")}
    for r in changes:
        assert (r["year_before"], r["year_after"]) == (skara_old["year"], skara_new["year"])
        assert r["score_before"] == panel[(r["report_id_before"], r["concept"])]
        assert r["difference"] == r["score_after"] - r["score_before"]
        assert r["comparable"] is False and r["comparability"] in ("revised", "different") and r["reason"]
    assert next(r for r in changes if r["concept"] == "results-efficiency")["comparability"] == "different"


# --- formats ------------------------------------------------------------------------------------------------

COMBINATIONS = [tuple(f for i, f in enumerate(FORMATS) if mask >> i & 1) for mask in range(1, 2 ** len(FORMATS))]


@pytest.fixture(scope="module")
def tables(out: Path) -> dict[str, list[dict]]:
    return {name: read_output_table(out, name) for name in TABLES}


@pytest.mark.parametrize("formats", COMBINATIONS, ids="+".join)
def test_datapackage_is_valid_for_every_format_combination(formats, tables, tmp_path: Path) -> None:
    frictionless = pytest.importorskip("frictionless", reason="frictionless is in the dev extra")
    dialect = "excel-sv" if len(formats) % 2 else "default"  # half the combinations with the Excel CSVs too
    written, _ = write_outputs(tmp_path, tables, formats=formats, csv_dialect=dialect)
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["path"] for r in package["resources"]} | {"datapackage.json"} == set(written)
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "type", "note"])[:5]


@pytest.mark.parametrize("fmt", ["parquet", "sqlite", "xlsx", "excel-sv"])
def test_every_format_reads_back_the_same_rows(fmt: str, tables, tmp_path: Path) -> None:
    write_outputs(tmp_path, tables, formats=("parquet", "sqlite", "xlsx"), csv_dialect="excel-sv")
    for name in ("reports", "questions", "changes"):
        assert read_output_table(tmp_path, name, fmt) == read_output_table(tmp_path, name, "csv"), name
    assert {type(r["question_no"]) for r in read_output_table(tmp_path, "questions", fmt)} == {str}


def test_formats_add_up_and_review_chart_and_propose_read_any_of_them(out: Path, tmp_path: Path) -> None:
    inputs = [str(GENERATED / v / "report.pdf") for v in VARIANTS[:2]]
    folder = tmp_path / "o"
    convert(inputs, folder, jobs=1)
    summary = convert(inputs, folder, jobs=1, formats=("xlsx",))
    assert (folder / "reports.parquet").is_file() and (folder / "kompass.xlsx").is_file()
    assert any("parquet" in w and "earlier run" in w for w in summary.warnings)
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert {"kompass.xlsx", "reports.parquet", "reports.csv"} <= {r["path"] for r in package["resources"]}
    for path in [*folder.glob("*.csv"), *folder.glob("*.parquet")]:  # only the workbook is left
        path.unlink()
    runner = CliRunner()
    key = truth(VARIANTS[0])["kommunkod"]
    assert runner.invoke(main, ["chart", str(folder), "--kommun", key, "--out", str(tmp_path / "t.png")]).exit_code == 0
    proposed = runner.invoke(main, ["catalog", "propose", str(folder)])
    assert proposed.exit_code == 0 and "\nedition,area_no," in proposed.output
    empty = tmp_path / "empty"
    empty.mkdir()
    refused = runner.invoke(main, ["chart", str(empty), "--kommun", key])
    assert refused.exit_code != 0 and "reports.parquet" in refused.output


# --- SQLite for Datasette -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def database(tables, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sqlite")
    write_outputs(folder, tables, formats=("sqlite",))
    return folder


def swedish_word(db: sqlite3.Connection) -> str:
    """A word of the findings that starts with å, ä or ö in some row (the fixtures' own text, not a fixed word)."""
    for (text,) in db.execute("SELECT text FROM findings"):
        for word in re.findall(r"\w+", text):
            if word[0].casefold() in "åäö" and len(word) > 4:
                return word
    raise AssertionError("no finding has a word starting with å, ä or ö")


def test_sqlite_search_folds_case_of_swedish_letters_but_keeps_them(database: Path) -> None:
    db = sqlite3.connect(database / "kompass.sqlite")
    word = swedish_word(db)
    lower, upper = word[0].lower() + word[1:].lower(), word[0].upper() + word[1:].lower()

    def matches(term: str) -> list[int]:
        return [r for (r,) in db.execute("SELECT rowid FROM findings_fts WHERE findings_fts MATCH ? ORDER BY rowid",
                                         (f'"{term}"',))]  # fmt: skip

    expected = [r for r, t in db.execute("SELECT rowid, text FROM findings ORDER BY rowid")
                if lower in re.findall(r"\w+", t.casefold())]  # fmt: skip
    assert expected and matches(lower) == matches(upper) == expected
    folded = lower.replace("å", "a").replace("ä", "a").replace("ö", "o")
    assert matches(folded) != expected  # å ä ö are letters of their own, not a, a, o with marks
    for table, column in (("sections", "text"), ("questions", "question_text")):  # the other searchable texts
        rowid, text = db.execute(f"SELECT rowid, {column} FROM {table} WHERE {column} != '' LIMIT 1").fetchone()
        term = max(re.findall(r"\w+", text), key=len).upper()
        found = [r for (r,) in db.execute(f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH ?", (f'"{term}"',))]
        assert rowid in found, (table, term)
    db.close()


def test_sqlite_has_foreign_keys_indexes_and_views(database: Path) -> None:
    db = sqlite3.connect(database / "kompass.sqlite")
    for table in ("areas", "questions", "findings", "sections", "checks", "panel"):
        assert [r[2] for r in db.execute(f"PRAGMA foreign_key_list({table})")] == ["reports"], table
    assert sorted(r[3] for r in db.execute("PRAGMA foreign_key_list(changes)")) == ["report_id_after",
                                                                                    "report_id_before"]  # fmt: skip
    indexed = {(r[0], r[1]) for r in db.execute(
        "SELECT m.name, i.name FROM sqlite_master m, pragma_index_info(m.name) i WHERE m.type = 'index'")}  # fmt: skip
    assert {("reports_kommunkod", "kommunkod"), ("reports_year", "year"), ("panel_kommunkod", "kommunkod"),
            ("checks_report_id", "report_id")} <= indexed  # fmt: skip
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    row = db.execute("SELECT kommunkod, kommun, year, text FROM findings_by_kommun LIMIT 1").fetchone()
    assert re.fullmatch(r"[0-9]{4}", row[0]) and row[1] and row[2] > 2000 and row[3]
    db.close()
    metadata = json.loads((database / "datasette-metadata.json").read_text(encoding="utf-8"))
    tables_meta = metadata["databases"]["kompass"]["tables"]
    assert metadata["license"] and metadata["source"] and metadata["title"]
    assert set(tables_meta["questions"]["columns"]) == set(TABLES["questions"].field_names)
    assert tables_meta["areas"]["units"]["percent"] == "percent"
    assert tables_meta["findings_by_kommun"]["fts_table"] == "findings_fts"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def test_serve_starts_datasette_and_searches_in_swedish_over_http(database: Path) -> None:
    pytest.importorskip("datasette", reason="Datasette is the optional 'serve' extra (make test installs it)")
    db = sqlite3.connect(database / "kompass.sqlite")
    word = swedish_word(db)
    db.close()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "kompass_extract", "serve", str(database), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}/kompass"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                get_json(f"{base}.json")
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                assert time.monotonic() < deadline, "datasette did not start within 30 s"
                time.sleep(0.3)

        def search(path: str, term: str) -> list[Any]:
            query = urllib.parse.urlencode({"_search": term, "_shape": "array", "_size": "max"})
            return get_json(f"{base}/{path}.json?{query}")

        lower, upper = word.lower(), word[0].upper() + word[1:].lower()
        rows = search("findings", lower)
        assert rows and rows == search("findings", upper)
        in_context = search("findings_by_kommun", upper)
        assert sorted(r["text"] for r in in_context) == sorted(r["text"] for r in rows)
        assert all(r["kommun"] and r["year"] for r in in_context)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
