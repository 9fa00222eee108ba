"""Streaming publication: reports leave the main process as they finish, and what it publishes is what whole
tables would give, byte for byte, whatever the number of workers."""

from __future__ import annotations

import csv
import json
import tracemalloc
from pathlib import Path

import pytest
from conftest import make_broken_inputs, make_stub_report, stub_extract

from kompass_extract.batch import convert
from kompass_extract.batch.outdir import LEGACY_MARKER, MANIFEST
from kompass_extract.correct import HEADER
from kompass_extract.match.catalog import load_catalog
from kompass_extract.model import Report
from kompass_extract.write.formats import FORMATS, write_outputs
from kompass_extract.write.schema import TABLES
from kompass_extract.write.tables import changes_rows, panel_rows, report_rows


def test_parent_memory_does_not_grow_with_the_number_of_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each stub report carries 150 KB of text; the main process used to hold every report until the end.

    The writers' buffers (a Parquet row group, a batch of SQLite inserts, the rows an XLSX sheet measures its
    columns by) are bounded by constants, made small here so that a dozen reports reach them."""
    from kompass_extract.write import parquet, sqlite, xlsx

    for module, name, value in (
        (parquet, "ROW_GROUP_TEXT", 1 << 18),
        (sqlite, "INSERT_BATCH", 2),
        (xlsx, "WIDTH_SAMPLE", 2),
    ):
        monkeypatch.setattr(module, name, value)

    def peak(count: int) -> int:
        inputs = tmp_path / f"in-{count}"
        inputs.mkdir()
        for i in range(count):
            make_stub_report(inputs / f"r{i:03d}.pdf", f"{1000 + i}", 2016 + i % 3, text=150)
        tracemalloc.start()
        try:
            summary = convert(
                [str(inputs)], tmp_path / f"out-{count}", jobs=1, formats=FORMATS, extract_fn=stub_extract
            )
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            assert summary.converted == count

    peak(1)  # imports (pandas, pyarrow) are allocations too: made once, before measuring
    few, many = peak(4), peak(12)
    per_report = (many - few) / 8
    assert per_report < 40_000, f"the main process keeps {per_report / 1000:.0f} KB per report (peaks {few}, {many})"


def _stub_archive(inputs: Path) -> Path:
    """Reports with ids to share ('-2'), the same report saved twice, a later year (changes), and a broken file."""
    inputs.mkdir()
    make_stub_report(inputs / "a.pdf", "0114", 2016, "mars")
    make_stub_report(inputs / "b.pdf", "0114", 2016, "oktober")  # same numbers: possible-duplicate-report
    make_stub_report(inputs / "c.pdf", "0114", 2020)
    make_stub_report(inputs / "d.pdf", "2580", 2018, text=3)
    make_stub_report(inputs / "e.pdf", "1480", 2018)
    make_broken_inputs(inputs)
    fixes = inputs.parent / "corrections.csv"
    lines = [",".join(HEADER), "1480-2018,,reports,,,,year,2019,Anna,misread", ",ff00,reports,,,,year,2019,Anna,none"]
    fixes.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return fixes


def test_streamed_publication_equals_whole_tables_for_any_number_of_workers(tmp_path: Path) -> None:
    fixes = _stub_archive(tmp_path / "in")
    outs = {jobs: tmp_path / f"out-{jobs}" for jobs in (1, 2)}
    for jobs, out in outs.items():
        convert([str(tmp_path / "in")], out, jobs=jobs, corrections=fixes, extract_fn=stub_extract)
    names = sorted(p.relative_to(outs[1]) for p in outs[1].rglob("*") if p.suffix in (".csv", ".json"))
    names = [n for n in names if n.parts[0] not in ("runs", ".cache", "datapackage.json")]  # the latter is dated
    assert len([n for n in names if n.parts[0] == "reports"]) == 5
    for name in names:
        assert (outs[1] / name).read_bytes() == (outs[2] / name).read_bytes(), name

    # the same tables built whole, from the published reports, as the batch built them before it streamed
    catalog = load_catalog()
    reports = sorted(
        (Report.from_dict(json.loads(p.read_text())) for p in (outs[1] / "reports").glob("*.json")),
        key=lambda r: r.report_id or "",
    )
    assert {r.report_id for r in reports} == {"0114-2016", "0114-2016-2", "0114-2020", "1480-2019", "2580-2018"}
    assert sum(c.code == "possible-duplicate-report" for r in reports for c in r.checks) == 2
    tables: dict[str, list] = {name: [] for name in TABLES}
    for report in reports:
        for name, rows in report_rows(report, catalog).items():
            tables[name] += rows
    tables["failures"] = [
        {k: row[k] for k in TABLES["failures"].field_names}
        for row in _csv_rows(outs[1] / "failures.csv")  # not in any report: taken as published
    ]
    tables["panel"] = panel_rows(tables["reports"], tables["areas"], catalog)
    tables["changes"] = changes_rows(tables["panel"], catalog)
    tables["area_crosswalk"] = catalog.crosswalk_rows()
    assert len(tables["changes"]) == 2 and len(tables["corrections"]) == 1 and len(tables["failures"]) > 3
    write_outputs(tmp_path / "whole", tables)
    for name in TABLES:
        assert (outs[1] / f"{name}.csv").read_bytes() == (tmp_path / "whole" / f"{name}.csv").read_bytes(), name


def _csv_rows(path: Path) -> list[dict]:
    import csv

    with open(path, newline="", encoding="utf-8") as fh:
        return [{k: v or None for k, v in row.items()} for row in csv.DictReader(fh)]


def test_an_unchanged_rerun_builds_no_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kompass_extract.batch.cache.extractor_fingerprint", lambda: "pinned")
    (tmp_path / "in").mkdir()
    make_stub_report(tmp_path / "in" / "a.pdf", "0114", 2016)
    first = convert([str(tmp_path / "in")], tmp_path / "out", jobs=1, extract_fn=stub_extract)

    def no_rows(*args: object, **kwargs: object) -> None:
        raise AssertionError("a table was built for a publication that is skipped")

    monkeypatch.setattr("kompass_extract.batch.publish.report_rows", no_rows)
    written = {f: (tmp_path / "out" / f).stat().st_mtime_ns for f in first.files}
    again = convert([str(tmp_path / "in")], tmp_path / "out", jobs=1, extract_fn=stub_extract)
    assert (again.from_cache, again.files, again.checks) == (1, first.files, first.checks)
    assert [r["report_id"] for r in again.reports] == [r["report_id"] for r in first.reports]
    assert {f: (tmp_path / "out" / f).stat().st_mtime_ns for f in first.files} == written


def test_the_manifest_is_the_one_record_of_the_publication(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kompass_extract.batch.cache.extractor_fingerprint", lambda: "pinned")
    (tmp_path / "in").mkdir()
    make_stub_report(tmp_path / "in" / "a.pdf", "0114", 2016)
    out = tmp_path / "out"
    (out / "reports").mkdir(parents=True)
    (out / "reports" / "old-2001.json").write_text("{}")  # written by an older version, which kept only its marker
    (out / LEGACY_MARKER).parent.mkdir()
    (out / LEGACY_MARKER).write_text(json.dumps({"key": "x", "files": ["reports/old-2001.json"]}))
    summary = convert([str(tmp_path / "in")], out, jobs=1, extract_fn=stub_extract)
    assert not (out / "reports" / "old-2001.json").exists() and any("dropped" in w for w in summary.warnings)
    assert not (out / LEGACY_MARKER).exists()
    manifest = json.loads((out / MANIFEST).read_text())
    assert sorted(manifest["files"]) == sorted(summary.files) and len(manifest["key"]) == 64
    forced = convert([str(tmp_path / "in")], out, jobs=1, force=True, extract_fn=stub_extract)
    assert json.loads((out / MANIFEST).read_text()) == {"files": sorted(forced.files), "key": None}


def test_check_counts_are_severity_counts_everywhere(tmp_path: Path) -> None:
    """One count of checks per severity (validate's severity_counts), every severity present, in the run summary,
    its reports and the per-file log line."""
    from kompass_extract.cli.progress import result_text

    (tmp_path / "in").mkdir()
    make_stub_report(tmp_path / "in" / "a.pdf", "0114", 2016)
    lines = []
    summary = convert([str(tmp_path / "in")], tmp_path / "out", jobs=1, extract_fn=stub_extract,
                      progress=lambda p: lines.append(result_text(p.outcome)) if p.outcome else None)  # fmt: skip
    assert summary.checks == {"error": 0, "warning": 1, "info": 0}
    assert summary.reports[0]["checks"] == {"error": 0, "warning": 1, "info": 0}
    assert lines[0].endswith("checks 0 error, 1 warning, 0 info")


def test_panel_rows_are_not_held_for_the_whole_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The panel is sorted by municipality and year, the other tables by report id: the publication used to keep
    every report's panel rows to sort them at the end (~13 KB a report in the bench's archive). Bulky panel rows
    (300 KB each: every file is then hashed in whole 1 MiB chunks) make that measurable: the main process may
    hold one report's, not the batch's."""
    from kompass_extract.batch import publish

    real = publish.panel_rows

    def bulky(*args, **kwargs):
        return [{**row, "area_name": "x" * 300_000} for row in real(*args, **kwargs)]

    monkeypatch.setattr(publish, "panel_rows", bulky)

    def peak(count: int) -> int:
        inputs = tmp_path / f"in-{count}"
        inputs.mkdir()
        for i in range(count):
            make_stub_report(inputs / f"r{i:03d}.pdf", f"{1000 + i % 2}", 2010 + i)
        tracemalloc.start()
        try:
            out = tmp_path / f"out-{count}"  # CSV alone: Parquet's row groups (bounded by a constant) are not asked
            summary = convert([str(inputs)], out, jobs=1, formats=("csv",), extract_fn=stub_extract)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            assert summary.converted == count

    peak(1)
    few, many = peak(4), peak(12)
    limit = csv.field_size_limit(1 << 22)
    try:
        rows = _csv_rows(tmp_path / "out-12" / "panel.csv")
    finally:
        csv.field_size_limit(limit)
    assert len(rows) >= 12 and len(rows[0]["area_name"]) == 300_000
    assert [r["kommunkod"] for r in rows] == sorted(r["kommunkod"] for r in rows)
    assert len(_csv_rows(tmp_path / "out-12" / "changes.csv")) > 0
    per_report = (many - few) / 8
    assert per_report < 40_000, f"the main process keeps {per_report / 1000:.0f} KB per report (peaks {few}, {many})"


def test_changes_pair_each_municipalitys_consecutive_reports_whatever_the_order_of_the_panel() -> None:
    """The batch makes changes one report at a time in the panel's order; a report without a comparable area or
    without a kommunkod takes part in no pair, and reports of one year are paired in id order."""
    catalog = load_catalog()
    c1, c2 = list(catalog.concepts)[:2]

    def row(report_id: str, kod: str | None, year: int, concept: str, score: float) -> dict:
        return {"report_id": report_id, "kommunkod": kod, "kommun": None, "year": year, "edition": "2016",
                "concept": concept, "area_no": 1, "area_name": "x", "score": score, "max": 100, "percent": None,
                "comparability": None}  # fmt: skip

    panel = [
        row("0114-2018", "0114", 2018, c1, 70),
        row("0114-2014", "0114", 2014, c2, 50),
        row("unknown-2015", None, 2015, c1, 10),
        row("0114-2014", "0114", 2014, c1, 60),
        row("2580-2016-2", "2580", 2016, c1, 40),
        row("2580-2016", "2580", 2016, c1, 30),
        row("2580-2016-2", "2580", 2016, c2, 45),
    ]
    pairs = [(r["report_id_before"], r["report_id_after"], r["concept"], r["difference"]) for r in
             changes_rows(panel, catalog)]  # fmt: skip
    assert pairs == [("0114-2014", "0114-2018", c1, 10), ("2580-2016", "2580-2016-2", c1, 10)]
