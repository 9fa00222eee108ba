"""What ``extract`` says while it runs: a line per finished file, a progress bar with an ETA, a JSON log.

A batch of hundreds of scans runs for hours; its log must show each file as it finishes, not everything at
the end (a killed run would leave nothing). So every finished file gives one record — timestamp, file, result,
seconds, done/total and an ETA — written at once:

- stderr not a terminal (``2> run.log``, ``| tee``): one line per file, flushed immediately, so ``tail -f`` works;
- stderr a terminal: the same lines appear above a bar that shows the ETA and, for a scan, the page being OCR'd;
- ``--log-json FILE``: the same records as JSON lines (whatever stderr is, and also with ``--quiet``).

The records are built from the batch's :class:`~kompass_extract.batch.results.Progress` snapshots, so the library
stays silent and the CLI decides what to show.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

import click

from kompass_extract.common.files import display_path, json_text

if TYPE_CHECKING:  # the batch (pdfium, pandas) is imported only when a run starts
    from kompass_extract.batch.results import Outcome, Progress

FINISHED = ("ok", "failed")


def result_text(outcome: Outcome) -> str:
    """What became of a file, in a few words: the report and its checks, or the failure."""
    report = outcome.report
    if report is None:
        return f"failed {outcome.error_code}: {outcome.message}"
    who = " ".join(str(x) for x in (report.municipality or "?", report.year or "?"))
    return (
        f"ok {report.report_id or '?'} {who}, edition {report.edition or '?'}: {report.areas} areas, "
        f"{report.questions} questions; checks {checks_text(report.checks)}"
    )


def checks_text(counts: dict[str, int]) -> str:
    """Checks per severity as counted by :func:`kompass_extract.validate.severity_counts`: '0 error, 2 warning, 1 info'."""
    return ", ".join(f"{n} {severity}" for severity, n in counts.items())


def format_eta(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    seconds = round(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class RunLog:
    """Turns progress snapshots into per-file records, lines and JSON lines; keeps the ETA."""

    def __init__(self, line_out: Any | None, json_out: TextIO | None) -> None:
        self.line_out = line_out
        """Where lines go: a callable taking a line (the terminal's console, or stderr with a flush), or None."""
        self.json_out = json_out
        self.started = time.monotonic()

    def eta(self, p: Progress) -> float | None:
        """Seconds left, from the pace of the files converted so far (cached ones take no time)."""
        converted = p.done - p.cached
        remaining = p.total - p.done
        if remaining <= 0:
            return 0.0
        if converted <= 0:
            return None
        return (time.monotonic() - self.started) / converted * remaining

    def record(self, p: Progress) -> dict[str, Any]:
        outcome = p.outcome
        assert outcome is not None
        return {
            "time": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "file": p.path,
            "result": "ok" if outcome.report is not None else "failed",
            "report_id": outcome.report.report_id if outcome.report is not None else None,
            "error_code": outcome.error_code,
            "message": result_text(outcome),
            "seconds": outcome.seconds,
            "cached": outcome.cached,
            "done": p.done,
            "total": p.total,
            "eta_seconds": None if (eta := self.eta(p)) is None else round(eta, 1),
        }

    def __call__(self, p: Progress) -> None:
        if p.event not in FINISHED or p.outcome is None:
            return
        record = self.record(p)
        if self.line_out is not None:
            self.line_out(line(record))
        if self.json_out is not None:
            self.json_out.write(json_text(record, None, sort_keys=False) + "\n")  # a non-UTF-8 name stays exact
            self.json_out.flush()


def line(record: dict[str, Any]) -> str:
    """One log line: timestamp, file, result, seconds, done/total, ETA. The file is shown as the tables show it
    (a name that is not UTF-8 with ``\\xHH`` escapes), so that a grep of the log for a table's ``source_file``
    finds it; the JSON log keeps the exact name."""
    seconds = "cached" if record["cached"] else f"{record['seconds'] or 0:.1f} s"
    return (
        f"{record['time']}  {display_path(record['file'])}  {record['message']}  {seconds}  "
        f"{record['done']}/{record['total']}  ETA {format_eta(record['eta_seconds'])}"
    )


def _stderr_line(text: str) -> None:
    click.echo(text, err=True)
    sys.stderr.flush()  # a `tail -f` of the log sees the file as soon as it is finished


@contextmanager
def run_display(console: Any, log_json: TextIO | None) -> Iterator[Callable[[Progress], None] | None]:
    """The progress callback of ``extract``: per-file lines (and a bar on a terminal), JSON lines to ``log_json``.

    Nothing on stderr with ``--quiet`` (``console.quiet``); the JSON log is written all the same.
    """
    if console.quiet or not console.is_terminal:
        log = RunLog(None if console.quiet else _stderr_line, log_json)
        yield log if (log.line_out or log_json) else None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    bar = Bar(SpinnerColumn(), TextColumn("converting"), BarColumn(), MofNCompleteColumn(),
              TextColumn("[red]{task.fields[failed]} failed[/]"), TimeElapsedColumn(), TextColumn("ETA {task.fields[eta]}"),
              TextColumn("{task.fields[current]}"), console=console, transient=True)  # fmt: skip
    task = bar.add_task("convert", total=None, failed=0, current="", eta="--:--")
    log = RunLog(lambda text: bar.console.print(text, markup=False, highlight=False), log_json)

    pages: dict[str, str] = {}  # path -> the page being OCR'd, from "page" events

    def update(p: Progress) -> None:
        log(p)
        if p.event == "page":
            pages[p.path] = p.detail
        elif p.event in FINISHED:
            pages.pop(p.path, None)
        current = _shorten(p.running[-1]) if p.running else ""
        if p.running and pages.get(p.running[-1]):
            current += f" ({pages[p.running[-1]]})"
        bar.update(task, total=p.total, completed=p.done, failed=p.failed, current=current, eta=format_eta(log.eta(p)))

    with bar:
        yield update


def _shorten(path: str, width: int = 40) -> str:
    return path if len(path) <= width else "…" + path[-(width - 1) :]
