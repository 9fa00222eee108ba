"""Runs that talk: a batch piped to a log shows each file as it finishes, not everything at the end."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

from conftest import LULEA_PDF, copy_with_extra_byte

LINE = re.compile(
    r"^(?P<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)  (?P<file>\S+)  (?P<result>ok|failed) .*  "
    r"(?P<seconds>\d+\.\d s|cached)  (?P<done>\d+)/(?P<total>\d+)  ETA (?P<eta>\d+:\d\d:\d\d|--:--)$"
)


def test_a_line_per_file_appears_while_later_files_are_still_running(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(8):
        copy_with_extra_byte(LULEA_PDF, inputs / f"copy{i}.pdf", bytes([10 + i]))
    (inputs / "broken.pdf").write_bytes(b"not a pdf")
    log, events = tmp_path / "run.log", tmp_path / "events.jsonl"
    with open(log, "w", encoding="utf-8") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "kompass_extract", "extract", str(inputs), "--out", str(tmp_path / "out"),
             "--jobs", "1", "--log-json", str(events)],
            stdout=subprocess.DEVNULL, stderr=stderr,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while not log.read_text(encoding="utf-8").strip() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        first = log.read_text(encoding="utf-8").splitlines()
        still_running = process.poll() is None
        assert process.wait(timeout=300) == 1  # the broken file failed
    assert first and still_running, "the first line came only when the run had ended"
    match = LINE.match(first[0])
    assert match, first[0]
    assert match["total"] == "9" and int(match["done"]) < 9

    lines = [m for m in map(LINE.match, log.read_text(encoding="utf-8").splitlines()) if m]
    assert [int(m["done"]) for m in lines] == list(range(1, 10))
    assert sum(m["result"] == "failed" for m in lines) == 1 and lines[-1]["eta"] == "0:00:00"
    records = [json.loads(line) for line in events.read_text(encoding="utf-8").splitlines()]
    assert [r["file"] for r in records] == [m["file"] for m in lines]
    assert {r["error_code"] for r in records} == {None, "not-pdf"} and all(r["total"] == 9 for r in records)


def test_on_a_terminal_the_lines_appear_above_a_bar_with_an_eta() -> None:
    import io

    from rich.console import Console

    from kompass_extract.batch.results import Outcome, Progress
    from kompass_extract.cli.progress import run_display

    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=200)
    failed = Outcome("b.pdf", "0" * 64, error_code="not-pdf", message="no PDF header", seconds=0.2)
    with run_display(console, None) as update:
        assert update is not None
        update(Progress(2, 0, 0, 0, ("a.pdf", "b.pdf"), "start", "b.pdf"))
        update(Progress(2, 0, 0, 0, ("a.pdf", "b.pdf"), "page", "a.pdf", detail="OCR page 3/21"))
        update(Progress(2, 1, 1, 0, ("a.pdf",), "failed", "b.pdf", failed))
    text = screen.getvalue()
    assert "b.pdf  failed not-pdf: no PDF header  0.2 s  1/2  ETA" in text
    assert "OCR page 3/21" in text and "ETA " in text


def test_the_pages_a_worker_ocrs_reach_the_progress_display(tmp_path: Path) -> None:
    """The OCR hook runs in the worker process; its pages arrive as "page" events before the file's result."""
    from conftest import make_stub_report, stub_extract

    from kompass_extract.batch import convert

    (tmp_path / "in").mkdir()
    make_stub_report(tmp_path / "in" / "scan.pdf", "2580", 2018, ocr_pages=3)
    make_stub_report(tmp_path / "in" / "text.pdf", "1480", 2018)
    events = []
    convert([str(tmp_path / "in")], tmp_path / "out", jobs=1, extract_fn=stub_extract, progress=events.append)
    scan = [(e.event, e.detail) for e in events if e.path.endswith("scan.pdf")]
    assert scan[0] == ("start", "") and scan[-1] == ("ok", "")
    pages = [detail for event, detail in scan if event == "page"]
    assert pages[0] == "OCR page 1, 0/3 done" and pages[-1] == "OCR page 3, 3/3 done" and len(pages) == 6
    assert not any(e.event == "page" for e in events if e.path.endswith("text.pdf"))


def test_a_file_name_that_is_not_utf8_is_logged_as_the_tables_show_it() -> None:
    """The log line printed the name with Python's surrogate escape ('r\\udce9port.pdf') where the tables print
    'r\\xe9port.pdf': a grep of the log for a failure row's source_file found nothing."""
    from kompass_extract.cli.progress import line
    from kompass_extract.common.files import display_path

    name = "/arkiv/r\udce9port.pdf"  # the bytes b"r\xe9port.pdf" (Latin-1) as os.fsdecode gives them
    record = {"time": "2026-11-30T12:00:00Z", "file": name, "message": "ok 0114-2016", "seconds": 0.2,
              "cached": False, "done": 1, "total": 1, "eta_seconds": 0.0}  # fmt: skip
    text = line(record)
    assert display_path(name) == "/arkiv/r\\xe9port.pdf"
    assert "  /arkiv/r\\xe9port.pdf  ok 0114-2016" in text and "\udce9" not in text
