"""Convert an archive: many inputs, a process pool with per-file timeouts, a cache, and the output tables.

Every input ends as exactly one report, one failure row or one duplicate. The main process never opens an
input: it ``stat``s each one (a FIFO, device or socket is a ``not-a-file`` row at once), and takes the result
from the cache when the file's signature is unchanged since a worker last read it (:class:`FileIndex`). The
rest go to worker processes, which read and hash each file once under its deadline; the cache key is the
hash of the bytes parsed, and the same bytes under two names are reported once (the other as a duplicate in
the run summary). A worker that overruns its deadline is killed with the programs it started (it may be
stuck in native code, where no Python-level timeout reaches) and replaced. The output folder is owned for
the run (:mod:`kompass_extract.batch.outdir`). The output tables are always rebuilt from the results of *all* of this run's inputs,
then published together (see :func:`kompass_extract.write.formats.write_outputs`).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kompass_extract.batch.cache import Cache, FileIndex
from kompass_extract.batch.ids import assign_report_ids
from kompass_extract.batch.inputs import Discovery, discover
from kompass_extract.batch.outdir import claim_output, owned_files, record_owned
from kompass_extract.batch.pool import INTERNAL_ERROR, ExtractFn, Job, run_pool
from kompass_extract.common.files import DEFAULT_MAX_MEMORY_MB, Signature, display_path, probe_input
from kompass_extract.correct import CorrectionRow, apply_corrections, corrections_digest, read_corrections
from kompass_extract.errors import (
    ExtractionTimeoutError,
    KompassError,
    OcrUnavailableError,
    TooLargeError,
    UnreadableFileError,
)
from kompass_extract.match.catalog import Catalog, load_catalog
from kompass_extract.model import Report
from kompass_extract.pipeline import extract as library_extract
from kompass_extract.write.formats import (
    CSV_DIALECTS,
    DEFAULT_FORMATS,
    FORMATS,
    atomic_path,
    output_files,
    output_plan,
    staged_paths,
    write_json,
    write_outputs,
)
from kompass_extract.write.schema import TABLES
from kompass_extract.write.tables import changes_rows, panel_rows, report_rows, slug

PUBLICATION_MARKER = ".cache/last-publication"
"""Key and files of the last complete publication: what the next run may skip, rewrite or remove."""
UNCACHED_CODES = frozenset({ExtractionTimeoutError.code, OcrUnavailableError.code, TooLargeError.code, INTERNAL_ERROR})
"""Failures that depend on the machine, the limits or the moment rather than the file: tried again next run."""


# --- results --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """A snapshot for progress displays, sent after every change."""

    total: int
    done: int
    failed: int
    cached: int
    running: tuple[str, ...]
    event: str  # "start", "ok", "failed", or "page" (``detail`` says which page of ``path`` is being OCR'd)
    path: str
    outcome: Outcome | None = None
    """With "ok" and "failed": what became of ``path`` (report or failure, seconds, cached), for per-file lines."""
    detail: str = ""


@dataclass
class Outcome:
    """What happened to one distinct input."""

    path: str
    sha256: str | None
    report: Report | None = None
    data: dict[str, Any] | None = field(default=None, repr=False)
    """The report as :meth:`Report.to_dict` gave it (from the worker or the cache), for the report JSON."""
    error_code: str | None = None
    message: str | None = None
    seconds: float | None = None
    cached: bool = False
    traceback: str | None = None
    peak_rss_mb: float | None = None
    """The worker's peak resident memory while it converted this file."""


@dataclass
class RunSummary:
    """The run's record: counts, per-file results, duplicates, timing. Not a data table; see ``runs/``."""

    out_dir: str
    started_at: str
    extractor_version: str
    options: dict[str, Any]
    seconds: float = 0.0
    inputs: int = 0
    converted: int = 0
    failed: int = 0
    from_cache: int = 0
    checks: dict[str, int] = field(default_factory=dict)
    reports: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, str]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    tracebacks: dict[str, str] = field(default_factory=dict, repr=False)
    """Tracebacks of internal errors by input, for ``--debug``; kept out of :meth:`to_dict`."""

    @property
    def exit_code(self) -> int:
        """1 when any input failed, or with ``strict`` when any report has an error-level check; else 0."""
        strict_error = self.options.get("strict") and self.checks.get("error", 0) > 0
        return 1 if self.failed or strict_error else 0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["tracebacks"]
        data["exit_code"] = self.exit_code
        return data


# --- the batch ------------------------------------------------------------------------------------------------


EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
"""Empty files stay apart: each is its own broken input, not a duplicate of the others."""


def _probe_inputs(paths: Sequence[str], outcomes: dict[str, Outcome]) -> dict[str, Signature]:
    """Signatures of the inputs that are readable regular files; the others become failure rows at once.

    Only ``stat`` is used: no input is opened in the main process (a FIFO or ``/dev/zero`` would hang it).
    """
    signatures = {}
    for path in paths:
        try:
            signatures[path] = probe_input(path)
        except KompassError as exc:
            outcomes[path] = Outcome(path, None, error_code=exc.code, message=str(exc))
    return signatures


def _outcome(path: str, sha: str | None, entry: dict[str, Any], cached: bool) -> Outcome:
    timing = {"seconds": entry.get("seconds"), "peak_rss_mb": entry.get("peak_rss_mb"), "cached": cached}
    if entry["status"] == "ok":
        report = Report.from_dict(entry["report"])
        report.source_file, report.sha256 = display_path(path), sha  # the cache may have seen these bytes elsewhere
        return Outcome(path, sha, report=report, data=entry["report"], **timing)
    return Outcome(
        path, sha, error_code=entry["error_code"], message=entry["message"], traceback=entry.get("traceback"), **timing
    )


def _settle_duplicates(outcomes: dict[str, Outcome], summary: RunSummary) -> None:
    """Inputs with the same bytes: the first path (sorted) keeps the result, the others are noted as duplicates."""
    by_sha: dict[str, list[str]] = defaultdict(list)
    for path, outcome in outcomes.items():
        if outcome.sha256 and outcome.sha256 != EMPTY_SHA256:
            by_sha[outcome.sha256].append(path)
    for paths in by_sha.values():
        first, *others = sorted(paths)
        for path in others:
            del outcomes[path]
            summary.duplicates.append({"source_file": path, "duplicate_of": first, "reason": "same-content"})


def convert(
    inputs: Sequence[str],
    out_dir: str | os.PathLike[str],
    *,
    jobs: int | None = None,
    timeout: float = 300.0,
    force: bool = False,
    formats: Sequence[str] = DEFAULT_FORMATS,
    csv_dialect: str = "default",
    edition: str | None = None,
    ocr: str = "auto",
    max_pages: int = 500,
    max_memory_mb: int | None = DEFAULT_MAX_MEMORY_MB,
    catalog_dir: str | os.PathLike[str] | None = None,
    strict: bool = False,
    corrections: str | os.PathLike[str] | None = None,
    progress: Callable[[Progress], None] | None = None,
    extract_fn: ExtractFn = library_extract,
) -> RunSummary:
    """Convert ``inputs`` (files, directories, glob patterns) into the output tables in ``out_dir``.

    Raises :class:`kompass_extract.batch.inputs.InputNotFoundError` for an input that names nothing and
    :class:`kompass_extract.batch.outdir.OutputFolderError` for an output folder that cannot be written or is
    in use by another run, both before any work; every problem with a file becomes a failure row instead.
    ``extract_fn`` must be a module-level function (worker processes are spawned and import it by name); it
    is called as ``extract_fn(path, data=<the bytes>, **options)``; tests inject stubs through it. ``corrections`` is a
    corrections.csv applied after extraction (the cache keeps the extraction); a malformed file raises
    :class:`kompass_extract.correct.CorrectionsFileError` before any work.
    """
    started, clock = datetime.now(UTC), time.perf_counter()
    if set(formats) - set(FORMATS) or csv_dialect not in CSV_DIALECTS:  # fail before the work, not after it
        raise ValueError(f"unknown format in {list(formats)} or CSV dialect {csv_dialect!r}")
    fixes = read_corrections(corrections) if corrections is not None else []
    discovery = discover(inputs)
    out = Path(out_dir)
    with claim_output(out) as stale_temps:
        catalog = load_catalog(catalog_dir)  # a broken user catalog stops the run before any work
        # what a result depends on: a grown catalog (another identity) matches cached reports again
        result_options = {"edition": edition, "ocr": ocr, "max_pages": max_pages, "catalog": catalog.identity}
        cache = Cache(out)
        summary = RunSummary(
            out_dir=str(out),
            started_at=started.isoformat(timespec="seconds"),
            extractor_version=cache.fingerprint,
            options={**result_options, "catalog_dir": str(catalog_dir) if catalog_dir else None, "jobs": jobs,
                     "timeout": timeout, "force": force, "formats": list(formats), "csv_dialect": csv_dialect,
                     "strict": strict, "max_memory_mb": max_memory_mb,
                     "corrections": None if corrections is None else str(corrections)},
            inputs=len(discovery.files) + len(discovery.unreadable),
        )  # fmt: skip
        if stale_temps:
            summary.warnings.append(f"removed {stale_temps} temporary file(s) left in {out} by an interrupted run")
        summary.duplicates += [
            {"source_file": p, "duplicate_of": q, "reason": "same-file"} for p, q in discovery.repeated
        ]
        worker_options = {"edition": edition, "ocr": ocr, "max_pages": max_pages, "catalog_dir": catalog_dir,
                          "ocr_cache": str(cache.root)}  # OCR'd pages survive a timeout or a kill  # fmt: skip
        job = Job(extract_fn, worker_options, None if force else cache, result_options, max_memory_mb)
        outcomes = _convert_all(discovery, cache, job, summary, jobs=jobs, timeout=timeout, force=force,
                                progress=progress)  # fmt: skip
        ordered = [outcomes[p] for p in sorted(outcomes)]
        key_options = {**result_options, "corrections": corrections_digest(fixes) if fixes else None}
        previous = _last_publication(out)
        formats, csv_dialect, notes = output_plan(formats, csv_dialect, previous.get("files", ()))
        summary.warnings += notes
        publish_key = None if force else _publish_key(ordered, cache.fingerprint, key_options, formats, csv_dialect)
        _publish(out, ordered, summary, catalog, formats=formats, csv_dialect=csv_dialect, publish_key=publish_key,
                 corrections=fixes, corrections_file=str(corrections), previous=previous)  # fmt: skip
        summary.seconds = round(time.perf_counter() - clock, 3)
        with atomic_path(out / "runs" / f"{started.strftime('%Y%m%dT%H%M%S%fZ')}.json") as tmp:
            write_json(tmp, summary.to_dict())
    return summary


def _convert_all(
    discovery: Discovery,
    cache: Cache,
    job: Job,
    summary: RunSummary,
    *,
    jobs: int | None,
    timeout: float,
    force: bool,
    progress: Callable[[Progress], None] | None,
) -> dict[str, Outcome]:
    """One outcome per distinct input: from the cache when the file's signature is known, else from a worker."""
    outcomes: dict[str, Outcome] = {
        path: Outcome(path, None, error_code=UnreadableFileError.code, message=message)
        for path, message in discovery.unreadable
    }
    signatures = _probe_inputs([f.path for f in discovery.files], outcomes)
    total = len(signatures) + len(outcomes)
    running: list[str] = []

    def report_progress(event: str, path: str, outcome: Outcome | None = None, detail: str = "") -> None:
        if progress:
            failed = sum(1 for o in outcomes.values() if o.report is None)
            cached = sum(1 for o in outcomes.values() if o.cached)
            progress(Progress(total, len(outcomes), failed, cached, tuple(running), event, path, outcome, detail))

    def record(outcome: Outcome) -> None:
        outcomes[outcome.path] = outcome
        report_progress("ok" if outcome.report else "failed", outcome.path, outcome)

    index = FileIndex(cache.root)
    known: dict[str, tuple[Signature, str]] = {}
    todo = []
    for path, sig in sorted(signatures.items()):
        sha = index.sha256(path, sig)
        entry = None if force or sha is None else cache.get(sha, job.cache_options)
        if entry is None:
            todo.append(path)
        else:
            known[path] = (sig, sha)
            record(_outcome(path, sha, entry, cached=True))

    def on_start(path: str) -> None:
        running.append(path)
        report_progress("start", path)

    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))

    def on_page(path: str, text: str) -> None:
        report_progress("page", path, detail=text)

    for path, entry in run_pool(todo, job, jobs=workers, timeout=timeout, on_start=on_start, on_page=on_page):
        running.remove(path)
        sha, cached = entry.get("sha256"), bool(entry.get("cached"))
        if sha and entry.get("signature"):
            known[path] = (tuple(entry["signature"]), sha)
        if sha and not cached and (entry["status"] == "ok" or entry["error_code"] not in UNCACHED_CODES):
            cache.put(sha, job.cache_options, {k: v for k, v in entry.items() if k not in ("signature", "cached")})
        record(_outcome(path, sha, entry, cached=cached))
    index.save(known)
    _settle_duplicates(outcomes, summary)
    return outcomes


def _publish_key(
    outcomes: list[Outcome], fingerprint: str, options: dict[str, Any], formats: Sequence[str], csv_dialect: str
) -> str:
    """What the published outputs are a function of: the inputs' bytes and paths, the extractor and the options.

    Extraction is deterministic, so equal keys mean byte-identical outputs and a rerun need not write them.
    """
    basis = [[o.path, o.sha256, o.error_code] for o in outcomes]
    text = json.dumps([basis, fingerprint, options, list(formats), csv_dialect], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _last_publication(out: Path) -> dict[str, Any]:
    """The key and the files of the last complete publication in ``out`` ({} when there is none)."""
    try:
        previous = json.loads((out / PUBLICATION_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return previous if isinstance(previous, dict) else {}


def _publish(
    out: Path,
    outcomes: list[Outcome],
    summary: RunSummary,
    catalog: Catalog,
    *,
    formats: Sequence[str],
    csv_dialect: str,
    publish_key: str | None = None,
    corrections: Sequence[CorrectionRow] = (),
    corrections_file: str = "",
    previous: dict[str, Any] | None = None,
) -> None:
    """Assign report ids, apply the corrections, fill the summary, and write the report JSONs and every table.

    Corrections name reports by the ids of their extraction, so ids are assigned before them; a correction of a
    kommunkod or year can move a report's id, so the final ids (and the duplicate flags) are assigned after.

    With a ``publish_key`` equal to that of the last complete publication, whose files all still exist,
    the outputs are already what this run would write, and are left as they are.
    """
    reports = [o.report for o in outcomes if o.report is not None]
    unmatched = []
    if corrections:
        assign_report_ids(reports, flag_duplicates=False)
        unmatched = apply_corrections(reports, corrections, catalog)
    assign_report_ids(reports)
    reports.sort(key=lambda r: r.report_id or "")
    failures = [o for o in outcomes if o.report is None]
    failures += [
        Outcome(
            f"{corrections_file}:{u.row.fix.line}", u.row.sha256, error_code="correction-unmatched", message=u.reason
        )
        for u in unmatched
    ]

    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    for report in reports:
        for name, rows in report_rows(report, catalog).items():
            tables[name] += rows
    tables["failures"] = [
        {"source_file": display_path(o.path), "sha256": o.sha256, "error_code": o.error_code, "message": o.message}
        for o in failures
    ]
    tables["panel"] = panel_rows(tables["reports"], tables["areas"], catalog)
    tables["changes"] = changes_rows(tables["panel"], catalog)
    tables["area_crosswalk"] = catalog.crosswalk_rows()

    for o in sorted((o for o in outcomes if o.report is not None), key=lambda o: o.report.report_id or ""):
        report = o.report
        summary.reports.append(
            {
                "report_id": report.report_id,
                "source_file": o.path,
                "sha256": report.sha256,
                "municipality": report.municipality,
                "year": report.year,
                "edition": report.edition,
                "areas": len(report.areas),
                "questions": sum(len(a.questions) for a in report.areas),
                "findings": sum(len(a.findings) for a in report.areas),
                "sections": sum(len(a.sections) for a in report.areas),
                "checks": dict(sorted(Counter(c.severity for c in report.checks).items())),
                "seconds": o.seconds,
                "peak_rss_mb": o.peak_rss_mb,
                "cached": o.cached,
            }
        )
    summary.failures = [
        {
            "source_file": o.path,
            "sha256": o.sha256,
            "error_code": o.error_code,
            "message": o.message,
            "seconds": o.seconds,
            "peak_rss_mb": o.peak_rss_mb,
            "cached": o.cached,
        }
        for o in failures
    ]
    summary.tracebacks = {o.path: o.traceback for o in failures if o.traceback}
    summary.converted, summary.failed = len(reports), len(failures)
    summary.from_cache = sum(1 for o in outcomes if o.cached)
    summary.checks = dict(sorted(Counter(c.severity for r in reports for c in r.checks).items()))

    previous = previous or {}
    if publish_key and previous.get("key") == publish_key and all((out / f).is_file() for f in previous["files"]):
        summary.files = previous["files"]
        return
    _write_publication(out, outcomes, tables, summary, formats=formats, csv_dialect=csv_dialect)
    if publish_key:  # written last: a run killed before this point is published again by the next one
        with atomic_path(out / PUBLICATION_MARKER) as tmp:
            write_json(tmp, {"key": publish_key, "files": summary.files})


def _write_publication(
    out: Path,
    outcomes: list[Outcome],
    tables: dict[str, list[dict[str, Any]]],
    summary: RunSummary,
    *,
    formats: Sequence[str],
    csv_dialect: str,
) -> None:
    """Write the report JSONs and the tables, then delete the tool's own files that this run no longer writes.

    Only files in the manifest of files the tool wrote are ever deleted: a ``reports/my-analysis.json`` or a
    ``kompass.xlsx`` of the user's own stays. The manifest is written before (every file about to be written)
    and after (the files kept), so a run killed half-way still knows every file it may have written.
    """
    documents = {}
    for o in outcomes:
        if o.report is not None and o.data is not None:
            name = f"reports/{slug(o.report.report_id or '') or 'unknown'}.json"
            extracted = o.report.to_dict() if o.report.corrections else o.data
            documents[name] = {**extracted, "report_id": o.report.report_id, "source_file": o.path,
                               "sha256": o.sha256, "checks": [asdict(c) for c in o.report.checks]}  # fmt: skip
    owned = owned_files(out)
    planned = set(documents) | set(output_files(formats, csv_dialect))
    record_owned(out, owned | planned)
    with staged_paths() as stage:
        for name, data in documents.items():
            write_json(stage(out / name), data, indent=None)
    written, warnings = write_outputs(out, tables, formats=formats, csv_dialect=csv_dialect, created=summary.started_at)
    summary.warnings += warnings
    stale = [f for f in sorted(owned - planned - set(written)) if (out / f).is_file()]
    for name in stale:  # only files the tool wrote here, and only those it no longer writes
        (out / name).unlink(missing_ok=True)
    dropped = [f for f in stale if f.startswith("reports/")]
    if dropped:
        summary.warnings.append(
            f"{len(dropped)} report(s) in {out} from earlier runs are not among this run's inputs and were dropped from "
            "its tables (the outputs always describe exactly the inputs of the run; convert the whole archive to keep them)"
        )
    if len(dropped) < len(stale):
        gone = ", ".join(f for f in stale if f not in dropped)
        summary.warnings.append(f"removed {gone}: written here by an earlier run, no longer produced")
    record_owned(out, {f for f in owned | planned | set(written) if (out / f).is_file()})
    summary.files = written + sorted(documents)
