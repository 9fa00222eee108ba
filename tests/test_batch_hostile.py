"""The batch against hostile and odd inputs: one regression test per defect a fuzz run found (issue 13).

Never hang, never lose, never mix up a file: special files, names that are not UTF-8, files replaced during a
run, concurrent runs, user files in the output folder, unreadable folders, memory bombs, interrupted runs.
Permission tests drop root's power to bypass permissions (``setpriv``) when the suite runs as root.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import LULEA_PDF, make_stub_report, read_csv, stub_extract

from kompass_extract.batch import convert
from kompass_extract.batch.cache import Cache
from kompass_extract.batch.outdir import OutputFolderError, claim_output
from kompass_extract.common.files import path_from_display
from kompass_extract.errors import TooManyPagesError
from kompass_extract.match.catalog import load_catalog
from kompass_testing.hostile import blank_pages_pdf

OPTIONS = {"edition": None, "ocr": "auto", "max_pages": 500, "catalog": load_catalog().identity}
KOMPASS = Path(sys.executable).parent / "kompass-extract"


def unprivileged() -> list[str]:
    """A command prefix under which file permissions apply (root bypasses them), or skip the test."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: permissions cannot be tested")
    return ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"]


def run_cli(*args: str, prefix: tuple[str, ...] = (), timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*prefix, str(KOMPASS), "extract", *args], capture_output=True, text=True, timeout=timeout)


def codes(summary: object) -> dict[str, str]:
    return {os.path.basename(f["source_file"]): f["error_code"] for f in summary.failures}  # type: ignore[attr-defined]


def test_fifo_input_does_not_hang(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    os.mkfifo(inputs / "pipe.pdf")
    (inputs / "zero.pdf").symlink_to("/dev/zero")
    make_stub_report(inputs / "good.pdf", "0114", 2016)
    start = time.monotonic()

    summary = convert([str(inputs), str(inputs / "pipe.pdf")], tmp_path / "out", jobs=1, timeout=20,
                      extract_fn=stub_extract)  # fmt: skip

    assert time.monotonic() - start < 15
    assert codes(summary) == {"pipe.pdf": "not-a-file", "zero.pdf": "not-a-file"}
    assert "named pipe" in next(f["message"] for f in summary.failures if f["source_file"].endswith("pipe.pdf"))
    assert [r["report_id"] for r in summary.reports] == ["0114-2016"]


def test_non_utf8_file_name_keeps_all_output(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    name = os.fsdecode(b"G\xe4vle-\xff.pdf")  # Latin-1 bytes from an old archive disk
    make_stub_report(inputs / name, "2180", 2018)
    (inputs / os.fsdecode(b"broken-\xe9.pdf")).write_bytes(b"not a pdf")
    out = tmp_path / "out"

    summary = convert([str(inputs)], out, jobs=1, extract_fn=stub_extract)

    (row,) = read_csv(out / "reports.csv")
    assert row["source_file"] == str(inputs / "G\\xe4vle-\\xff.pdf")  # the display form, valid UTF-8
    assert path_from_display(row["source_file"]) == str(inputs / name)  # which points back to the file
    (failure,) = read_csv(out / "failures.csv")
    assert failure["source_file"].endswith("broken-\\xe9.pdf") and failure["error_code"] == "not-pdf"
    saved = json.loads((out / "reports" / "2180-2018.json").read_text(encoding="utf-8"))
    assert os.fsencode(saved["source_file"]) == os.fsencode(str(inputs / name))  # the exact bytes round-trip
    (run,) = (out / "runs").glob("*.json")
    assert json.loads(run.read_text(encoding="utf-8"))["reports"][0]["source_file"] == str(inputs / name)
    again = convert([str(inputs)], out, jobs=1, extract_fn=stub_extract)
    assert (again.from_cache, again.converted) == (2, 1) and summary.converted == 1
    from kompass_extract.review.site import build_site

    build_site(out, jobs=1)  # the review finds the PDF behind the display form and links its exact bytes
    assert 'href="../../in/G%E4vle-%FF.pdf' in (out / "review" / "2180-2018.html").read_text(encoding="utf-8")


def test_a_newline_or_terminal_escape_in_a_file_name_stays_on_one_line_of_log_and_table(tmp_path: Path) -> None:
    """A file name may hold a newline: its per-file log line was printed over two lines (a grep or a line-based
    log reader of a piped log lost the file), the table held the raw newline, and an escape sequence in a name
    reached the user's terminal."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    names = ["new\nline.pdf", "red\x1b[31m.pdf"]
    for name in names:
        shutil.copyfile(LULEA_PDF, inputs / name)
    (inputs / "tab\tbroken.pdf").write_bytes(b"not a pdf")
    out = tmp_path / "out"

    result = run_cli(str(inputs), "--out", str(out), "--jobs", "1")

    assert result.returncode == 1, result.stderr  # the broken one fails
    assert "\x1b" not in result.stderr and "\t" not in result.stderr
    lines = result.stderr.splitlines()
    assert any("new\\x0aline.pdf  ok 2580-2018" in line for line in lines), result.stderr
    assert any("red\\x1b[31m.pdf" in line for line in lines) and any("tab\\x09broken.pdf" in line for line in lines)
    failed = [line for line in lines if line.startswith("failed not-pdf: ")]  # the run's summary names it the same way
    assert len(failed) == 1 and "tab\\x09broken.pdf: " in failed[0], result.stderr
    rows = read_csv(out / "reports.csv") + read_csv(out / "duplicates.csv") + read_csv(out / "failures.csv")
    shown = sorted(row["source_file"] for row in rows)
    assert shown == sorted(str(inputs / n) for n in ("new\\x0aline.pdf", "red\\x1b[31m.pdf", "tab\\x09broken.pdf"))
    assert sorted(path_from_display(s) for s in shown) == sorted(str(inputs / n) for n in [*names, "tab\tbroken.pdf"])


def test_file_replaced_during_run_is_cached_under_the_bytes_parsed(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    other = make_stub_report(tmp_path / "other.pdf", "0180", 2019)
    shutil.copyfile(other, inputs / "other.pdf")
    victim = make_stub_report(inputs / "a.pdf", "0114", 2016, replace_with="other.pdf")
    original = hashlib.sha256(victim.read_bytes()).hexdigest()
    out = tmp_path / "out"

    first = convert([str(victim)], out, jobs=1, extract_fn=stub_extract)

    (report,) = first.reports
    assert (report["report_id"], report["sha256"]) == ("0114-2016", original)  # what was parsed, and its hash
    assert Cache(out).get(original, OPTIONS)["report"]["kommunkod"] == "0114"
    assert victim.read_bytes() == other.read_bytes()  # the file was replaced during the run
    second = convert([str(victim)], out, jobs=1, extract_fn=stub_extract)
    (report,) = second.reports
    assert report["report_id"] == "0180-2019"  # the new content, never the old content's cached numbers
    assert report["sha256"] == hashlib.sha256(other.read_bytes()).hexdigest()


def test_concurrent_run_into_the_same_out_is_refused(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    make_stub_report(inputs / "a.pdf", "0114", 2016)
    out = tmp_path / "out"
    with claim_output(out):  # another run holds the folder
        with pytest.raises(OutputFolderError, match="another kompass-extract run"):
            convert([str(inputs)], out, jobs=1, extract_fn=stub_extract)
        result = run_cli(str(inputs), "--out", str(out))
        assert result.returncode == 2, result.stderr
        assert "another kompass-extract run" in result.stderr and "Traceback" not in result.stderr
        assert not (out / "reports.csv").exists()
    assert convert([str(inputs)], out, jobs=1, extract_fn=stub_extract).converted == 1  # released


def test_an_unusable_output_folder_is_one_typed_library_error(tmp_path: Path) -> None:
    """Regression: two OutputFolderError classes, and the batch's a ValueError: a library user catching the
    library's errors (KompassError) missed a folder another run holds, and one class caught only half the cases."""
    from kompass_extract import errors
    from kompass_extract.write.readback import output_format

    make_stub_report(tmp_path / "a.pdf", "0114", 2016)
    with claim_output(tmp_path / "out"), pytest.raises(errors.KompassError) as held:
        convert([str(tmp_path / "a.pdf")], tmp_path / "out", jobs=1, extract_fn=stub_extract)
    with pytest.raises(errors.KompassError) as empty:
        output_format(tmp_path / "out")  # a folder with no tables read back
    assert type(held.value) is type(empty.value) is errors.OutputFolderError
    assert errors.OutputFolderError.code not in errors.FAILURE_CODES  # about the folder, never a failure row


def test_user_files_in_out_are_not_deleted(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    a = make_stub_report(inputs / "a.pdf", "0114", 2016)
    b = make_stub_report(inputs / "b.pdf", "0180", 2019)
    out = tmp_path / "out"
    (out / "reports").mkdir(parents=True)
    (out / "reports" / "my-analysis.json").write_text("{}", encoding="utf-8")
    (out / "kompass.xlsx").write_bytes(b"my own workbook")
    (out / "notes.csv").write_text("mine\n", encoding="utf-8")

    convert([str(a)], out, jobs=1, extract_fn=stub_extract)
    summary = convert([str(b)], out, jobs=1, extract_fn=stub_extract)

    assert (out / "reports" / "my-analysis.json").read_text(encoding="utf-8") == "{}"
    assert (out / "kompass.xlsx").read_bytes() == b"my own workbook"
    assert (out / "notes.csv").is_file()
    assert not (out / "reports" / "0114-2016.json").exists()  # the tool's own report of a dropped input
    assert (out / "reports" / "0180-2019.json").is_file()
    assert any("dropped" in w for w in summary.warnings)


def test_unreadable_subfolder_becomes_a_failure_row(tmp_path: Path) -> None:
    prefix = unprivileged()
    inputs = tmp_path / "in"
    (inputs / "locked").mkdir(parents=True)
    shutil.copyfile(LULEA_PDF, inputs / "locked" / "hidden.pdf")
    shutil.copyfile(LULEA_PDF, inputs / "lulea.pdf")
    (inputs / "locked").chmod(0)
    out = tmp_path / "out"
    try:
        result = run_cli(str(inputs), "--out", str(out), "--json", "--jobs", "1", prefix=tuple(prefix))
    finally:
        (inputs / "locked").chmod(0o755)
    assert result.returncode == 1, result.stderr
    summary = json.loads(result.stdout)
    assert [(f["source_file"], f["error_code"]) for f in summary["failures"]] == [
        (str(inputs / "locked"), "unreadable")
    ]
    assert "Permission denied" in summary["failures"][0]["message"]
    assert summary["converted"] == 1
    assert read_csv(out / "failures.csv")[0]["error_code"] == "unreadable"


def test_huge_mediabox_is_rendered_at_a_capped_pixel_count(tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    from kompass_extract.read.ocr.pages import MAX_PIXELS, MAX_SIDE, render_dpi

    for width, height in ((14400, 14400), (1e9, 1e9), (1e9, 10), (595, 842)):
        pdf = pdfium.PdfDocument(blank_pages_pdf(1, width, height))
        page = pdf[0]
        dpi = render_dpi(*page.get_size(), 300)
        image = page.render(scale=dpi / 72, grayscale=True).to_pil()
        assert image.width * image.height <= MAX_PIXELS * 1.001 and max(image.size) <= MAX_SIDE + 1, (width, image.size)
        pdf.close()
    assert render_dpi(595, 842, 300) == 300  # an A4 page keeps its resolution
    from kompass_extract.read.ocr.reread import _crops

    start = time.monotonic()  # the second look at number cells renders pages too, with the same cap
    (crop,) = _crops(blank_pages_pdf(1, 14400, 14400), [(1, (100.0, 100.0, 200.0, 120.0))], {})
    assert time.monotonic() - start < 10 and crop.width * crop.height < 10_000


def test_max_pages_is_checked_before_reading_text(tmp_path: Path) -> None:
    from kompass_extract.pipeline import extract

    path = tmp_path / "many.pdf"
    path.write_bytes(blank_pages_pdf(100_000))
    start = time.monotonic()
    with pytest.raises(TooManyPagesError, match="100000 pages"):
        extract(path, max_pages=500)
    assert time.monotonic() - start < 10  # loading every page's text took minutes and 633 MiB


def test_worker_memory_is_limited_and_large_files_are_not_read(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    with open(inputs / "sparse.pdf", "wb") as fh:  # 1 GiB that takes no disk space
        fh.truncate(1 << 30)
    make_stub_report(inputs / "hog.pdf", "0180", 2019, alloc=2000)
    make_stub_report(inputs / "good.pdf", "0114", 2016)
    start = time.monotonic()

    summary = convert([str(inputs)], tmp_path / "out", jobs=1, max_memory_mb=768, extract_fn=stub_extract)

    assert time.monotonic() - start < 30
    assert codes(summary) == {"sparse.pdf": "too-large", "hog.pdf": "too-large"}
    messages = {os.path.basename(f["source_file"]): f["message"] for f in summary.failures}
    assert "1024 MiB" in messages["sparse.pdf"] and "768 MB" in messages["hog.pdf"]
    assert [r["report_id"] for r in summary.reports] == ["0114-2016"]
    assert all(f["peak_rss_mb"] is None or f["peak_rss_mb"] < 768 for f in summary.failures)


def test_stale_temp_files_are_removed_on_start(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    make_stub_report(inputs / "a.pdf", "0114", 2016)
    out = tmp_path / "out"
    convert([str(inputs)], out, jobs=1, extract_fn=stub_extract)
    stale = [out / ".reports.csv.k3j9x_2a.tmp", out / "reports" / ".0114-2016.json.abcd1234.tmp",
             out / ".kompass.sqlite.zz99yy88.tmp-journal", out / ".cache" / "ab" / ".ab12-x.json.q1w2e3r4.tmp"]  # fmt: skip
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half a file")
    mine = out / ".my-notes.tmp"
    mine.write_text("keep", encoding="utf-8")

    summary = convert([str(inputs)], out, jobs=1, extract_fn=stub_extract)

    assert [p for p in stale if p.exists()] == []
    assert mine.is_file()
    assert any("4 temporary file(s)" in w for w in summary.warnings)


INTERRUPTED = """
import sys
sys.path[:0] = {tests!r}.split(":")
from conftest import stub_extract
from kompass_extract.batch import convert
try:
    convert([{inputs!r}], {out!r}, jobs=2, extract_fn=stub_extract)
except KeyboardInterrupt:
    sys.exit(130)
"""


def _sigint_default() -> None:
    """Start the run as a terminal's foreground job does, with Ctrl-C at its default: a test runner started in
    the background (``cmd &`` in a script without job control, nohup) ignores SIGINT, its children inherit that
    across exec, and Python then installs no KeyboardInterrupt handler, so no press would reach the run."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _interrupt(command: list[str], out: Path, delay: float) -> tuple[int, str]:
    """Run ``command``, press Ctrl-C ``delay`` s after it has locked ``out``; (exit code, stderr)."""
    proc = subprocess.Popen(
        command, stderr=subprocess.PIPE, text=True, start_new_session=True, preexec_fn=_sigint_default
    )
    deadline = time.monotonic() + 30
    while not (out / ".kompass.lock").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(delay)
    for _ in range(PRESSES):
        os.killpg(proc.pid, signal.SIGINT)  # what the terminal does: the whole foreground group
        try:
            _, stderr = proc.communicate(timeout=3)
            return proc.returncode, stderr
        except subprocess.TimeoutExpired:  # it landed in the milliseconds of a worker's start: press again
            continue
    _, stderr = proc.communicate(timeout=30)
    return proc.returncode, stderr


PRESSES = 4
"""A user presses Ctrl-C again when nothing happens. One that lands while a worker is spawned is lost (see
batch/pool.py _sigint_ignored); on a loaded machine spawns are slow, so one retry was not always enough."""


def test_ctrl_c_exits_130_without_worker_tracebacks(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i, kod in enumerate(("0114", "0115", "0117", "0120")):
        make_stub_report(inputs / f"r{i}.pdf", kod, 2020, sleep=5)
    env_path = os.pathsep.join([str(Path(__file__).parent), *sys.path])
    for delay in (0.0, 0.2, 0.5, 1.5):  # while the workers start (their imports take a second), and while they work
        out = tmp_path / f"out-{delay}"
        script = INTERRUPTED.format(tests=env_path, inputs=str(inputs), out=str(out))
        code, stderr = _interrupt([sys.executable, "-c", script], out, delay)
        assert code == 130, (delay, stderr)
        assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, (delay, stderr)
    lulea = tmp_path / "lulea"
    lulea.mkdir()
    for i in range(8):
        (lulea / f"copy{i}.pdf").write_bytes(LULEA_PDF.read_bytes() + b"%" + bytes([48 + i]))
    out = tmp_path / "out-cli"
    code, stderr = _interrupt([str(KOMPASS), "extract", str(lulea), "--out", str(out), "--jobs", "2"], out, 0.3)
    assert code == 130, stderr
    assert "Interrupted" in stderr and "Traceback" not in stderr and "KeyboardInterrupt" not in stderr


def test_sigterm_stops_the_run_with_a_word_and_the_rerun_continues(tmp_path: Path) -> None:
    """A service manager or ``timeout`` sends SIGTERM: the run used to die on the spot (exit 143, the log just
    stopped, staged files left behind). It now ends as Ctrl-C does, and the rerun converts what is left."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(8):
        (inputs / f"copy{i}.pdf").write_bytes(LULEA_PDF.read_bytes() + b"%" + bytes([48 + i]))
    out = tmp_path / "out"
    command = [str(KOMPASS), "extract", str(inputs), "--out", str(out), "--jobs", "2"]
    proc = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 30
    while not (out / ".kompass.lock").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.5)
    os.kill(proc.pid, signal.SIGTERM)  # the main process alone: the workers are its business
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 143, stderr
    assert "Terminated (SIGTERM)" in stderr and "run the same command again" in stderr and "Traceback" not in stderr
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    rerun = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0 and "8 converted, 0 failed" in rerun.stderr, rerun.stderr


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_timeout_kills_tesseract_with_its_worker(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    pid_file = tmp_path / "helper.pid"
    make_stub_report(inputs / "hangs.pdf", "0114", 2016, child=str(pid_file), sleep=60)

    for timeout in (4, 16, 64):  # a loaded machine may start the worker and its helper after a short timeout
        summary = convert([str(inputs)], tmp_path / f"out{timeout}", jobs=1, timeout=timeout, extract_fn=stub_extract)
        assert codes(summary) == {"hangs.pdf": "timeout"}
        if pid_file.exists():
            break
    pid = int(pid_file.read_text(encoding="utf-8"))
    deadline = time.monotonic() + 5
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid), "the helper program outlived its killed worker"


def test_permission_socket_and_link_loop_get_their_own_codes(tmp_path: Path) -> None:
    prefix = unprivileged()
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copyfile(LULEA_PDF, inputs / "secret.pdf")
    (inputs / "secret.pdf").chmod(0)
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(inputs / "socket.pdf"))
        (inputs / "loop.pdf").symlink_to("loop2.pdf")
        (inputs / "loop2.pdf").symlink_to("loop.pdf")
        (inputs / "gone.pdf").symlink_to("nowhere.pdf")
        result = run_cli(str(inputs), "--out", str(tmp_path / "out"), "--json", prefix=tuple(prefix))
    assert result.returncode == 1, result.stderr
    found = {Path(f["source_file"]).name: f["error_code"] for f in json.loads(result.stdout)["failures"]}
    assert found == {"secret.pdf": "unreadable", "socket.pdf": "not-a-file", "loop.pdf": "not-a-file",
                     "loop2.pdf": "not-a-file", "gone.pdf": "missing-file"}  # fmt: skip


def test_unwritable_out_is_a_usage_error_before_any_work(tmp_path: Path) -> None:
    prefix = unprivileged()
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copyfile(LULEA_PDF, inputs / "lulea.pdf")
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        start = time.monotonic()
        result = run_cli(str(inputs), "--out", str(out), prefix=tuple(prefix))
        elapsed = time.monotonic() - start
        inner = run_cli(str(inputs), "--out", str(out / "sub" / "dir"), prefix=tuple(prefix))
    finally:
        out.chmod(0o755)
    assert result.returncode == 2 and inner.returncode == 2, (result.stderr, inner.stderr)
    assert "cannot write to the output folder" in result.stderr and "Traceback" not in result.stderr
    assert elapsed < 10 and list(out.iterdir()) == []  # before any work: nothing converted, nothing written


def test_every_input_is_a_report_a_failure_or_a_duplicate_row(tmp_path: Path) -> None:
    """A copy of a report and a link to it used to be only in the run summary: an archivist reading the tables
    could not find those files anywhere. Every input path is now in exactly one of the three tables."""
    from conftest import make_broken_inputs

    inputs = tmp_path / "in"
    broken = make_broken_inputs(inputs)
    make_stub_report(inputs / "a.pdf", "0114", 2016)
    shutil.copyfile(inputs / "a.pdf", inputs / "b-copy.pdf")  # same bytes
    shutil.copyfile(inputs / "empty.pdf", inputs / "empty-too.pdf")  # empty files are failures, each of them
    (inputs / "c-link.pdf").symlink_to(inputs / "a.pdf")
    make_stub_report(inputs / "d.pdf", "2580", 2018)
    out = tmp_path / "out"
    convert([str(inputs), str(inputs / "a.pdf")], out, extract_fn=stub_extract)
    rows = {name: read_csv(out / f"{name}.csv") for name in ("reports", "failures", "duplicates")}
    paths = [r["source_file"] for table in rows.values() for r in table]
    expected = {"a.pdf", "b-copy.pdf", "c-link.pdf", "d.pdf", "empty-too.pdf", *broken}
    assert sorted(os.path.basename(p) for p in paths) == sorted([*expected, "a.pdf"])  # a.pdf given twice
    duplicates = {(os.path.basename(r["source_file"]), r["reason"], r["report_id"]) for r in rows["duplicates"]}
    assert duplicates == {("b-copy.pdf", "same-content", "0114-2016"), ("c-link.pdf", "same-file", "0114-2016"),
                          ("a.pdf", "same-file", "0114-2016")}  # fmt: skip
    (inputs / "e-copy.pdf").write_bytes((inputs / "d.pdf").read_bytes())
    convert([str(inputs), str(inputs / "a.pdf")], out, extract_fn=stub_extract)  # the cache has every report
    assert "e-copy.pdf" in {os.path.basename(r["source_file"]) for r in read_csv(out / "duplicates.csv")}
