"""Writers: every format follows the schema, keeps text as text and empties as empty, and publishes atomically."""

from __future__ import annotations

import json
import math
import sqlite3
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from kompass_extract.write import formats as writers
from kompass_extract.write.formats import atomic_path, coerce, format_csv_value, output_plan, write_outputs
from kompass_extract.write.parquet import ParquetTableWriter
from kompass_extract.write.schema import TABLES


def sample_tables() -> dict[str, list[dict[str, Any]]]:
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    tables["reports"] = [
        {"report_id": "0114-2016", "kommunkod": "0114", "year": 2016, "pages": 30, "ocr": False, "total_score": 426.5,
         "municipality": "Upplands Väsby kommun", "edition_confidence": None},
        {"report_id": "unknown-2005", "kommunkod": None, "year": 2005.0, "pages": 12, "ocr": True, "total_score": None},
    ]  # fmt: skip
    tables["findings"] = [
        {"report_id": "0114-2016", "area_no": 1, "kind": "improvement", "position": 1, "text": "=SUM(A1)\x02 ok",
         "page": 4},
        {"report_id": "0114-2016", "area_no": 1, "kind": "strength", "position": 1, "text": "Rad ett\nrad två", "page": 4},
    ]  # fmt: skip
    return tables


def test_coerce_keeps_empty_empty_and_refuses_wrong_kinds() -> None:
    assert coerce(None, "number") is None
    assert coerce(math.nan, "number") is None
    assert coerce(2018.0, "integer") == 2018 and isinstance(coerce(2018.0, "integer"), int)
    assert coerce(12, "number") == 12.0
    with pytest.raises(TypeError):
        coerce(12.5, "integer")
    with pytest.raises(TypeError):
        coerce(True, "number")
    with pytest.raises(TypeError):
        coerce("75%", "number")


def test_csv_numbers_are_plain_and_decimal_char_follows_dialect() -> None:
    assert [format_csv_value(v) for v in (79.0, 12.5, None, True, 3)] == ["79", "12.5", "", "true", "3"]
    assert format_csv_value(12.5, ",") == "12,5"


def test_all_formats_follow_the_schema_and_keep_text(tmp_path: Path) -> None:
    written, warnings = write_outputs(tmp_path, sample_tables(), formats=writers.FORMATS)
    assert warnings == []
    assert set(written) == {f"{n}.{ext}" for n in TABLES for ext in ("csv", "parquet")} | {
        "kompass.sqlite", "datasette-metadata.json", "kompass.xlsx", "datapackage.json"}  # fmt: skip

    csv_text = (tmp_path / "reports.csv").read_text(encoding="utf-8")
    assert csv_text.splitlines()[0] == ",".join(TABLES["reports"].field_names)
    assert csv_text.splitlines()[1].startswith("0114-2016,,,Upplands Väsby kommun,,0114,2016,")
    assert ",426.5," in csv_text and ",false," in csv_text
    assert "unknown-2005,,,,,,2005,,,,,,12,true,,," in csv_text  # not printed -> empty, never 0

    frame = pd.read_parquet(tmp_path / "reports.parquet")
    assert list(frame.columns) == TABLES["reports"].field_names
    assert str(frame["year"].dtype) == "Int64" and str(frame["total_score"].dtype) == "float64"
    assert str(frame["ocr"].dtype) == "boolean"
    assert frame["kommunkod"].tolist()[0] == "0114" and pd.isna(frame["kommunkod"][1])
    assert pd.isna(frame["total_score"][1])

    db = sqlite3.connect(tmp_path / "kompass.sqlite")
    assert db.execute("SELECT kommunkod, typeof(kommunkod), year FROM reports ORDER BY report_id").fetchall()[0] == (
        "0114", "text", 2016)  # fmt: skip
    primary = [row[1] for row in db.execute("PRAGMA table_info(findings)") if row[5]]
    assert primary == list(TABLES["findings"].primary_key)
    db.close()

    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "kompass.xlsx")
    assert book.sheetnames == [*TABLES, "data_dictionary"]
    assert book["reports"]["F2"].value == "0114"
    assert book["findings"]["E2"].value == "=SUM(A1) ok" and book["findings"]["E2"].data_type == "s"


def test_workbook_is_ready_to_filter_and_explains_itself(tmp_path: Path) -> None:
    tables = sample_tables()
    tables["questions"] = [{"report_id": "0114-2016", "area_no": 1, "question_no": "1.10", "question_text": "Finns "
                            "en plan?", "achieved": 7.0, "max": 10, "percent": 68.0}]  # fmt: skip
    write_outputs(tmp_path, tables, formats=("xlsx",))
    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "kompass.xlsx")
    sheet = book["questions"]
    assert (
        sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}2"
    )
    assert sheet["A1"].font.bold
    header = [c.value for c in sheet[1]]
    number = sheet.cell(2, header.index("question_no") + 1)
    assert number.value == "1.10" and number.data_type == "s" and number.number_format == "@"  # never 1.1
    assert sheet.cell(2, header.index("percent") + 1).number_format == '0" %"'
    assert sheet.cell(2, header.index("area_no") + 1).number_format == "0"
    widths = {c: sheet.column_dimensions[c].width for c in ("A", "D")}
    assert widths["A"] >= len("0114-2016") and widths["D"] >= len("question_text")
    dictionary = book["data_dictionary"]
    rows = [[c.value for c in r] for r in dictionary.iter_rows(min_row=2)]
    described = {(r[0], r[1]) for r in rows if r[1]}
    assert described == {(t.name, f.name) for t in TABLES.values() for f in t.fields}
    kommunkod = next(r for r in rows if r[:2] == ["reports", "kommunkod"])
    assert kommunkod[4] == "pattern ^[0-9]{4}$" and kommunkod[5]


def test_datapackage_is_generated_from_the_schema(tmp_path: Path) -> None:
    write_outputs(tmp_path, sample_tables(), formats=("csv", "parquet", "sqlite"), csv_dialect="excel-sv")
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    names = [r["name"] for r in package["resources"]]
    assert names[: len(TABLES)] == list(TABLES)
    questions = next(r for r in package["resources"] if r["name"] == "questions")
    assert questions["path"] == "questions.csv"
    assert questions["schema"]["primaryKey"] == ["report_id", "question_no"]
    achieved = next(f for f in questions["schema"]["fields"] if f["name"] == "achieved")
    assert (achieved["type"], achieved["unit"]) == ("number", "points") and achieved["description"]
    assert next(f for f in questions["schema"]["fields"] if f["name"] == "question_no")["type"] == "string"
    assert questions["schema"]["foreignKeys"][0]["reference"]["resource"] == "reports"
    reports = next(r for r in package["resources"] if r["name"] == "reports")["schema"]["fields"]
    assert next(f for f in reports if f["name"] == "kommunkod")["constraints"] == {"pattern": "^[0-9]{4}$"}
    assert next(f for f in reports if f["name"] == "edition")["constraints"]["enum"] == [
        "pre2010",
        "2010",
        "2016",
        "2020",
    ]
    swedish = next(r for r in package["resources"] if r["name"] == "reports-excel-sv")
    assert swedish["path"] == "excel-sv/reports.csv" and swedish["dialect"]["delimiter"] == ";"
    assert next(f for f in swedish["schema"]["fields"] if f["name"] == "total_score")["decimalChar"] == ","
    files = {r["path"]: r for r in package["resources"]}
    assert set(files) | {"datapackage.json"} == {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.*")}
    sqlite_bytes = (tmp_path / "kompass.sqlite").read_bytes()
    assert files["kompass.sqlite"]["bytes"] == len(sqlite_bytes) and files["kompass.sqlite"]["type"] == "file"
    assert package["licenses"] and package["sources"] and package["created"] and package["version"]


def test_excel_sv_dialect_is_written_beside_the_default_csvs(tmp_path: Path) -> None:
    write_outputs(tmp_path, sample_tables(), formats=("csv",), csv_dialect="excel-sv")
    assert (tmp_path / "reports.csv").read_text(encoding="utf-8").startswith("report_id,source_file,")
    raw = (tmp_path / "excel-sv" / "reports.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())
    text = raw.decode("utf-8-sig")
    assert text.startswith("report_id;source_file;") and ";426,5;" in text
    resources = json.loads((tmp_path / "datapackage.json").read_text())["resources"]
    assert next(r for r in resources if r["path"] == "excel-sv/reports.csv")["encoding"] == "utf-8-sig"


def test_formats_add_up_and_the_plan_says_so() -> None:
    formats, dialect, notes = output_plan(("xlsx",), "default", ["reports.csv", "reports.parquet", "datapackage.json"])
    assert formats == ("csv", "parquet", "xlsx") and dialect == "default"
    assert len(notes) == 1 and "parquet" in notes[0]
    formats, dialect, notes = output_plan(("sqlite",), "default", ["reports.csv", "excel-sv/reports.csv"])
    assert formats == ("csv", "sqlite") and dialect == "excel-sv" and "excel-sv" in notes[0]
    assert output_plan(("csv", "parquet"), "default", []) == (("csv", "parquet"), "default", [])


def test_writing_twice_gives_identical_bytes(tmp_path: Path) -> None:
    write_outputs(tmp_path / "a", sample_tables(), created="2026-01-01T00:00:00+00:00")
    write_outputs(tmp_path / "b", sample_tables(), created="2026-01-01T00:00:00+00:00")
    for path in (tmp_path / "a").iterdir():
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


def test_a_failing_write_keeps_the_previous_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_outputs(tmp_path, sample_tables())
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    changed = sample_tables()
    changed["reports"][0]["year"] = 2017

    def broken_parquet(self: Any) -> None:
        raise OSError("disk full")  # the last row group of a table cannot be written

    monkeypatch.setattr(ParquetTableWriter, "close", broken_parquet)
    with pytest.raises(OSError):
        write_outputs(tmp_path, changed)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # old set intact, no temp files

    with pytest.raises(RuntimeError), atomic_path(tmp_path / "reports.csv") as tmp:
        tmp.write_text("half a table")
        raise RuntimeError("killed")
    assert (tmp_path / "reports.csv").read_bytes() == before["reports.csv"]


def test_repeated_primary_key_keeps_every_row_in_sqlite(tmp_path: Path) -> None:
    tables = sample_tables()
    tables["findings"][1]["kind"] = "improvement"  # same (report, area, kind, position) twice
    _, warnings = write_outputs(tmp_path, tables, formats=("sqlite",))
    assert len(warnings) == 1 and "findings" in warnings[0]
    db = sqlite3.connect(tmp_path / "kompass.sqlite")
    assert db.execute("SELECT count(*) FROM findings").fetchone() == (2,)
    db.close()


def test_rows_streamed_in_small_batches_give_the_same_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kompass_extract.common.files import staged_paths
    from kompass_extract.write import parquet, sqlite, xlsx
    from kompass_extract.write.outputs import output_set

    tables = sample_tables()
    tables["questions"] = [
        {"report_id": "0114-2016", "area_no": 1 + i // 9, "question_no": f"{1 + i // 9}.{i % 9}", "achieved": i / 2}
        for i in range(40)
    ]
    everything = ("parquet", "sqlite", "xlsx")
    write_outputs(tmp_path / "whole", tables, formats=everything, csv_dialect="excel-sv", created="2026-01-01")
    for module, name in ((parquet, "ROW_GROUP_ROWS"), (sqlite, "INSERT_BATCH"), (xlsx, "WIDTH_SAMPLE")):
        monkeypatch.setattr(module, name, 7)  # several row groups, insert batches, rows waiting for the widths
    out = tmp_path / "streamed"
    with (
        staged_paths() as stage,
        output_set(out, stage, formats=everything, csv_dialect="excel-sv", created="2026-01-01") as outputs,
    ):
        for i in range(0, 40, 3):  # tables interleaved, a few rows at a time
            for name in TABLES:
                outputs.add(name, tables[name][i : i + 3])
    assert pd.read_parquet(out / "questions.parquet").equals(pd.read_parquet(tmp_path / "whole" / "questions.parquet"))
    import pyarrow.parquet as pq

    assert pq.ParquetFile(out / "questions.parquet").num_row_groups == 5  # 9 rows each (7 reached), then 4
    for name in [f"{t}.csv" for t in TABLES] + [f"excel-sv/{t}.csv" for t in TABLES] + ["datasette-metadata.json"]:
        assert (out / name).read_bytes() == (tmp_path / "whole" / name).read_bytes(), name
    whole, streamed = (sqlite3.connect(p / "kompass.sqlite") for p in (tmp_path / "whole", out))
    for name in TABLES:
        query = f'SELECT * FROM "{name}" ORDER BY rowid'
        assert whole.execute(query).fetchall() == streamed.execute(query).fetchall()
    import openpyxl

    def cells(path: Path) -> list[Any]:
        book = openpyxl.load_workbook(path)
        return [(s.title, s.auto_filter.ref, [[c.value for c in r] for r in s.iter_rows()]) for s in book]

    assert cells(out / "kompass.xlsx") == cells(tmp_path / "whole" / "kompass.xlsx")


def test_repeated_report_id_drops_every_foreign_key(tmp_path: Path) -> None:
    tables = sample_tables()
    tables["reports"][1]["report_id"] = "0114-2016"
    _, warnings = write_outputs(tmp_path, tables, formats=("sqlite",))
    assert warnings == ["reports: repeated primary key ('0114-2016',); kompass.sqlite has an index instead"]
    db = sqlite3.connect(tmp_path / "kompass.sqlite")
    assert db.execute("SELECT count(*) FROM reports").fetchone() == (2,)
    assert all(not db.execute(f'PRAGMA foreign_key_list("{name}")').fetchall() for name in TABLES)
    assert db.execute("SELECT count(*) FROM findings_by_kommun").fetchone() == (4,)  # the join still works


def test_a_table_past_excels_row_limit_goes_on_in_numbered_sheets_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Excel holds 1,048,576 rows a sheet (a national archive's findings pass it): the limit is a parameter of the
    writer, so 25 rows on sheets of 10 stand in for millions. No row may be dropped and nothing may pass unsaid."""
    from openpyxl import load_workbook

    from kompass_extract.write import xlsx
    from kompass_extract.write.readback import read_output_table

    monkeypatch.setattr(xlsx, "SHEET_ROWS", 11)  # the header and 10 rows
    tables = sample_tables()
    tables["findings"] = [
        {"report_id": "0114-2016", "area_no": 1, "kind": "strength", "position": i, "text": f"styrka {i}", "page": 4}
        for i in range(1, 26)
    ]
    _, warnings = write_outputs(tmp_path, tables, formats=("xlsx",))
    book = load_workbook(tmp_path / "kompass.xlsx")
    at = book.sheetnames.index("findings")
    assert book.sheetnames[at : at + 3] == ["findings", "findings (2)", "findings (3)"]
    assert book.sheetnames[0] == "notes"  # the first sheet: whoever opens the workbook sees it
    counts = [book[s].max_row for s in ("findings", "findings (2)", "findings (3)")]
    assert counts == [11, 11, 6]
    for name in ("findings (2)", "findings (3)"):
        assert [c.value for c in book[name][1]] == list(TABLES["findings"].field_names)
        assert book[name].freeze_panes == "A2" and book[name].auto_filter.ref.endswith(str(book[name].max_row))
    assert [c.value for c in book["findings (2)"]["E"]][1:3] == ["styrka 11", "styrka 12"]
    (warning,) = [w for w in warnings if "table findings" in w]
    assert "findings (2)" in warning and "25 rows" in warning and warning.startswith("kompass.xlsx: ")
    assert "findings (3)" in book["notes"]["A2"].value
    package = json.loads((tmp_path / "datapackage.json").read_text())
    xlsx_resource = next(r for r in package["resources"] if r["name"] == "kompass-xlsx")
    assert "findings (2)" in xlsx_resource["description"]
    rows = read_output_table(tmp_path, "findings", fmt="xlsx")
    assert [r["position"] for r in rows] == list(range(1, 26))


def test_a_text_longer_than_an_excel_cell_is_cut_with_a_marker_and_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openpyxl import load_workbook

    from kompass_extract.write import xlsx

    monkeypatch.setattr(xlsx, "CELL_CHARS", 300)
    tables = sample_tables()
    long_text = "ord " * 200  # 800 characters
    astral = "\U0001d11e" * 200  # 200 characters, 400 UTF-16 units: Excel counts units
    tables["findings"][1]["text"] = long_text
    tables["findings"][0]["text"] = astral
    _, warnings = write_outputs(tmp_path, tables, formats=("xlsx",))
    book = load_workbook(tmp_path / "kompass.xlsx")
    cut = [c.value for c in book["findings"]["E"]][1:]
    assert all(xlsx.excel_length(v) <= 300 for v in cut)
    assert cut[1].startswith("ord ord") and "[cut: 800 characters" in cut[1]
    assert cut[0].startswith("\U0001d11e") and "[cut: 200 characters" in cut[0]
    (warning,) = [w for w in warnings if "table findings" in w]
    assert "2 text(s)" in warning and "[cut: N characters" in warning
    assert (tmp_path / "findings.csv").read_text().count("ord ") == 200  # the CSV keeps it whole
