"""The batch: every input ends as one report or one failure; cache, timeouts, crashes, ids, interrupted runs.

These tests inject :func:`conftest.stub_extract` so they do not depend on the real extractor's speed or
completeness; ``test_cli_extract.py`` runs the real one.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import make_broken_inputs, make_stub_report, read_csv, stub_extract

from kompass_extract.batch import assign_report_ids, base_report_id, convert
from kompass_extract.batch.cache import Cache
from kompass_extract.batch.outdir import LOCK_NAME
from kompass_extract.batch.results import ReportSummary
from kompass_extract.model import Area, Report
from kompass_extract.write.schema import TABLES


def test_mixed_batch_converts_good_reports_and_reports_each_bad_one(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    expected = make_broken_inputs(inputs)
    make_stub_report(inputs / "a.pdf", "2580", 2018)
    make_stub_report(inputs / "b.pdf", "0114", 2016)
    shutil.copyfile(inputs / "a.pdf", inputs / "copy-of-a.pdf")
    out = tmp_path / "out"

    summary = convert([str(inputs), str(inputs / "a.pdf")], out, jobs=2, extract_fn=stub_extract)

    assert summary.exit_code == 1
    assert (summary.converted, summary.failed) == (2, len(expected))
    failures = {Path(r["source_file"]).name: r["error_code"] for r in read_csv(out / "failures.csv")}
    assert failures == expected
    reports = read_csv(out / "reports.csv")
    assert [r["report_id"] for r in reports] == ["0114-2016", "2580-2018"]
    assert reports[0]["kommunkod"] == "0114"
    assert {(d["reason"], Path(d["source_file"]).name) for d in summary.duplicates} == {
        ("same-file", "a.pdf"),
        ("same-content", "copy-of-a.pdf"),
    }
    assert (out / "reports" / "2580-2018.json").is_file()
    for name, table in TABLES.items():
        with open(out / f"{name}.csv", encoding="utf-8") as fh:
            assert fh.readline().rstrip("\n").split(",") == table.field_names
        assert (out / f"{name}.parquet").is_file()
    assert (out / "datapackage.json").is_file()
    assert len(list((out / "runs").glob("*.json"))) == 1


def test_crash_while_reading_a_page_names_the_page_and_the_way_out(tmp_path: Path) -> None:
    """A worker killed by a crash in native code during OCR (Tesseract runs in its process) fails its file with the
    page it was at and how to run Tesseract in a process of its own; the other files are converted."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    make_stub_report(inputs / "crash.pdf", "0114", 2016, ocr_pages=3, signal=int(signal.SIGSEGV))
    make_stub_report(inputs / "good.pdf", "0127", 2019)

    summary = convert([str(inputs)], tmp_path / "out", jobs=1, timeout=60, extract_fn=stub_extract)

    [failure] = summary.failures
    assert failure["error_code"] == "internal-error"
    assert f"signal {int(signal.SIGSEGV)}) after OCR page 3, 3/3 done" in failure["message"]
    assert "KOMPASS_TESSERACT=binary" in failure["message"]
    assert [r["report_id"] for r in summary.reports] == ["0127-2019"]


def test_timeout_counts_from_the_last_ocr_page_a_long_scan_is_not_cut_off(tmp_path: Path) -> None:
    """A scan reading page after page is slow, not stuck: the per-file limit was the time for the whole file, so
    every scan of more than ~120 pages (fewer on a loaded machine) failed as ``timeout`` after its work was done.
    A page that takes longer than the limit still times out."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    make_stub_report(inputs / "long-scan.pdf", "0114", 2016, ocr_pages=6, page_seconds=1.0)
    make_stub_report(inputs / "stuck-page.pdf", "0127", 2019, ocr_pages=2, page_seconds=60)

    # the limit leaves a loaded machine's worker start room (2.5 s failed the long scan there before its first page,
    # and 5 s did at a load of 4 with a full test run beside it)
    summary = convert([str(inputs)], tmp_path / "out", jobs=2, timeout=10, extract_fn=stub_extract)

    assert [r["report_id"] for r in summary.reports] == ["0114-2016"]  # 6 s in all, at most 1 s between pages
    [failure] = summary.failures
    assert (Path(failure["source_file"]).name, failure["error_code"]) == ("stuck-page.pdf", "timeout")
    assert "no progress for 10 s" in failure["message"]


def test_timeout_crash_and_dead_worker_become_failures(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    make_stub_report(inputs / "slow.pdf", "2580", 2018, sleep=60)
    make_stub_report(inputs / "crash.pdf", "0114", 2016, crash=1)
    make_stub_report(inputs / "die.pdf", "0115", 2017, die=1)
    make_stub_report(inputs / "good.pdf", "0127", 2019)
    out = tmp_path / "out"
    start = time.monotonic()

    summary = convert([str(inputs)], out, jobs=2, timeout=8, extract_fn=stub_extract)  # room for a loaded start

    assert time.monotonic() - start < 40
    codes = {Path(f["source_file"]).name: (f["error_code"], f["message"]) for f in summary.failures}
    assert codes["slow.pdf"][0] == "timeout"
    assert codes["crash.pdf"] == ("internal-error", "ValueError: stub crash")
    assert codes["die.pdf"][0] == "internal-error" and "WorkerDied" in codes["die.pdf"][1]
    assert [r["report_id"] for r in summary.reports] == ["0127-2019"]
    assert "ValueError" in summary.tracebacks[str(inputs / "crash.pdf")]
    assert "tracebacks" not in summary.to_dict()
    # failures that depend on the moment are not cached: the next run tries them again
    cache = Cache(out)
    options = {"edition": None, "ocr": "auto", "max_pages": 500}
    sha = {r["source_file"]: r["sha256"] for r in summary.failures}
    assert cache.get(sha[str(inputs / "slow.pdf")], options) is None
    assert cache.get(sha[str(inputs / "crash.pdf")], options) is None


def test_cache_rerun_is_fast_identical_and_covers_added_files(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    make_stub_report(inputs / "a.pdf", "2580", 2018, sleep=1.5)
    make_stub_report(inputs / "b.pdf", "2580", 2018, month="mars", sleep=1.5)
    out = tmp_path / "out"

    t0 = time.perf_counter()
    first = convert([str(inputs)], out, jobs=2, extract_fn=stub_extract)
    t1 = time.perf_counter()
    csvs = {p.name: p.read_bytes() for p in out.glob("*.csv")}
    cached_times = []
    for _ in range(3):  # best of three: the machine is shared, a cached run takes a few hundredths of a second
        t2 = time.perf_counter()
        second = convert([str(inputs)], out, jobs=2, extract_fn=stub_extract)
        cached_times.append(time.perf_counter() - t2)

    assert (first.from_cache, second.from_cache) == (0, 2)
    assert (t1 - t0) >= 20 * min(cached_times), f"first {t1 - t0:.2f} s, cached {cached_times}"
    assert {p.name: p.read_bytes() for p in out.glob("*.csv")} == csvs
    # same municipality and year: the March report comes first whatever the file names
    assert [(r["report_id"], r["source_file"]) for r in second.reports] == [
        ("2580-2018", str(inputs / "b.pdf")),
        ("2580-2018-2", str(inputs / "a.pdf")),
    ]

    make_stub_report(inputs / "c.pdf", "0114", 2016)
    third = convert([str(inputs)], out, jobs=2, extract_fn=stub_extract)
    assert (third.converted, third.from_cache) == (3, 2)
    assert len(read_csv(out / "reports.csv")) == 3
    forced = convert([str(inputs)], out, jobs=2, force=True, extract_fn=stub_extract)
    assert forced.from_cache == 0


def test_a_converted_report_is_stored_by_its_worker_not_the_parent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: the parent, which publishes every report on its own, also encoded each converted report for the
    cache (~5 ms a report, a fifth of its work), after taking the whole report through the pipe and building it
    again for its summary. A worker now stores what it converts, a failure of the file itself too, and sends the
    report's summary; the parent stores only what a worker could not (a worker that died leaves nothing)."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    make_stub_report(inputs / "a.pdf", "2580", 2018)
    make_stub_report(inputs / "b.pdf", "0114", 2016)
    (inputs / "c.pdf").write_bytes(b"%PDF-1.4 cut off")
    make_stub_report(inputs / "d.pdf", "0115", 2016, crash=1)
    stored_by_parent: list[str] = []
    real_put = Cache.put
    monkeypatch.setattr(
        Cache, "put", lambda self, sha, *rest: stored_by_parent.append(sha) or real_put(self, sha, *rest)
    )
    out = tmp_path / "out"
    first = convert([str(inputs)], out, jobs=2, extract_fn=stub_extract)
    assert sorted(f["error_code"] for f in first.failures) == ["corrupt", "internal-error"]
    assert stored_by_parent == []  # the workers stored the two reports and the corrupt file; a crash is not kept
    assert len(list((out / ".cache").glob("??/*.json"))) == 3
    assert sorted((r["source_file"], r["report_id"]) for r in first.reports) == [
        (str(inputs / "a.pdf"), "2580-2018"),
        (str(inputs / "b.pdf"), "0114-2016"),
    ]  # each summary names its own file
    rerun = convert([str(inputs)], out, jobs=2, extract_fn=stub_extract)
    assert rerun.from_cache == 3
    timing = ("seconds", "peak_rss_mb", "cached")
    assert [{k: v for k, v in r.items() if k not in timing} for r in rerun.reports] == [
        {k: v for k, v in r.items() if k not in timing} for r in first.reports
    ]


def test_report_ids_depend_on_content_not_order() -> None:
    def report(sha: str, month: str | None, kod: str | None = "2580", name: str | None = None) -> ReportSummary:
        return ReportSummary.of(
            Report(source_file=f"{sha}.pdf", sha256=sha, pages=1, kommunkod=kod, municipality=name, year=2018,
                   month=month, areas=[Area(1, score=float(len(sha) + ord(sha[0])))])
        )  # fmt: skip

    a, b, c = report("ff", "mars"), report("aa", "oktober"), report("bb", None)
    assign_report_ids([c, b, a])
    assert (a.report_id, b.report_id, c.report_id) == ("2580-2018", "2580-2018-2", "2580-2018-3")
    assert [r.added_checks for r in (a, b, c)] == [[], [], []]  # same id group, other numbers
    d, e = report("11", None), report("00", None)
    assign_report_ids([d, e])
    assert (e.report_id, d.report_id) == ("2580-2018", "2580-2018-2")
    assert base_report_id(report("x", None, kod=None, name="Luleå kommun")) == "lulea-kommun-2018"
    assert base_report_id(Report(source_file="y", sha256="y", pages=1)) == "unknown-unknown"


KILLED_RUN = """
import sys
sys.path.insert(0, {tests!r})
from conftest import stub_extract
import kompass_extract.batch.cache
from kompass_extract.batch import convert
kompass_extract.batch.cache.extractor_fingerprint = lambda: "pinned"  # other edits to the package must not void the cache
convert([{inputs!r}], {out!r}, jobs=1, extract_fn=stub_extract)
"""


def test_killed_run_leaves_complete_outputs_and_rerun_finishes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kompass_extract.batch.cache.extractor_fingerprint", lambda: "pinned")
    inputs = tmp_path / "in"
    inputs.mkdir()
    make_stub_report(inputs / "a.pdf", "0114", 2016)
    out = tmp_path / "out"
    convert([str(inputs)], out, jobs=1, extract_fn=stub_extract)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.name != LOCK_NAME}
    for i, kod in enumerate(("0115", "0117", "0120", "0123")):
        make_stub_report(inputs / f"n{i}.pdf", kod, 2020, sleep=0.5)

    code = KILLED_RUN.format(tests=str(Path(__file__).parent), inputs=str(inputs), out=str(out))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen([sys.executable, "-c", code], env=env)
    try:
        deadline = time.monotonic() + 30
        while len(list((out / ".cache").glob("??/*.json"))) < 3 and time.monotonic() < deadline:  # 1 + 2 new
            time.sleep(0.05)
        assert proc.poll() is None, "the batch finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()

    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.name != LOCK_NAME}
    assert after == before  # nothing published half-way, no temporary files left behind
    rerun = convert([str(inputs)], out, jobs=2, extract_fn=stub_extract)
    assert rerun.converted == 5 and rerun.failed == 0
    assert rerun.from_cache >= 2  # the killed run's finished files were kept
    assert len(read_csv(out / "reports.csv")) == 5


def test_missing_input_is_a_usage_error(tmp_path: Path) -> None:
    from kompass_extract.batch.inputs import InputNotFoundError

    with pytest.raises(InputNotFoundError):
        convert([str(tmp_path / "nope.pdf")], tmp_path / "out", extract_fn=stub_extract)
    (tmp_path / "empty-dir").mkdir()
    with pytest.raises(InputNotFoundError):
        convert([str(tmp_path / "empty-dir")], tmp_path / "out", extract_fn=stub_extract)
    assert not (tmp_path / "out" / "reports.csv").exists()


def test_discovery_finds_pdfs_case_insensitively_and_skips_dot_files(tmp_path: Path) -> None:
    from kompass_extract.batch.inputs import discover

    (tmp_path / "sub" / ".hidden").mkdir(parents=True)
    for name in ("sub/A.PDF", "sub/b.pdf", "sub/._b.pdf", "sub/.hidden/c.pdf", "sub/readme.txt", "x.txt"):
        (tmp_path / name).write_bytes(b"%PDF-1.4")
    found = discover([str(tmp_path / "sub"), str(tmp_path / "sub" / "*.pdf"), str(tmp_path / "x.txt")])
    assert [Path(f.path).name for f in found.files] == ["A.PDF", "b.pdf", "x.txt"]
    assert [Path(p).name for p, _ in found.repeated] == ["b.pdf"]


def test_exit_code_counts_failures_and_strict_errors() -> None:
    from kompass_extract.batch import RunSummary

    summary = RunSummary(out_dir="o", started_at="t", extractor_version="v", options={"strict": False})
    summary.checks = {"error": 1}
    assert summary.exit_code == 0
    summary.options["strict"] = True
    assert summary.exit_code == 1
    summary.checks, summary.failed = {}, 1
    assert summary.exit_code == 1


def test_linked_folders_are_searched_once_and_a_link_loop_ends(tmp_path: Path) -> None:
    """An archive that links in a year's folder from elsewhere: its reports used to be skipped without a word."""
    from kompass_extract.batch.inputs import discover

    elsewhere = tmp_path / "nas" / "2019"
    elsewhere.mkdir(parents=True)
    (elsewhere / "r2019.pdf").write_bytes(b"%PDF-1.4")
    archive = tmp_path / "archive"
    (archive / "a" / "b").mkdir(parents=True)
    (archive / "a" / "b" / "r.pdf").write_bytes(b"%PDF-1.4")
    (archive / "2019").symlink_to(elsewhere)
    (archive / "also-2019").symlink_to(elsewhere)  # the same folder twice: its files once
    (archive / "a" / "b" / "loop").symlink_to(archive)  # a link back up the tree
    found = [f.path for f in discover([str(archive)]).files]
    assert sorted(os.path.relpath(p, archive) for p in found) == ["2019/r2019.pdf", "a/b/r.pdf"]
