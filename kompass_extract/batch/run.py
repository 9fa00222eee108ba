"""Convert an archive: many inputs, a process pool with per-file timeouts, a cache, and the output tables.

Every input ends as exactly one report, one failure row or one duplicate. The main process never opens an
input: it ``stat``s each one (a FIFO, device or socket is a ``not-a-file`` row at once), and takes the result
from the cache when the file's signature is unchanged since a worker last read it (:class:`FileIndex`). The
rest go to worker processes, which read and hash each file once under its deadline; the cache key is the
hash of the bytes parsed, and the same bytes under two names are reported once (the other as a duplicate in
the run summary). A worker that overruns its deadline is killed with the programs it started (it may be
stuck in native code, where no Python-level timeout reaches) and replaced. The output folder is owned for
the run (:mod:`kompass_extract.batch.outdir`). The output tables are always rebuilt from the results of *all* of
this run's inputs, then published together (:mod:`kompass_extract.batch.publish`). A converted report does not
stay in the main process: it is cached as it arrives and kept as a small summary; the publication reads the
reports back from the cache one at a time, so the main process's memory does not grow with the archive.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kompass_extract.batch.cache import Cache, FileIndex, worth_keeping
from kompass_extract.batch.inputs import Discovery, discover
from kompass_extract.batch.outdir import claim_output, read_manifest
from kompass_extract.batch.pool import ExtractFn, Job, run_pool
from kompass_extract.batch.publish import publication_key, publish
from kompass_extract.batch.results import Outcome, Progress, ReportSummary, RunSummary
from kompass_extract.common.files import DEFAULT_MAX_MEMORY_MB, Signature, display_path, probe_input
from kompass_extract.correct import corrections_digest, read_corrections
from kompass_extract.errors import (
    KompassError,
    UnreadableFileError,
)
from kompass_extract.match.catalog import load_catalog
from kompass_extract.model import Report
from kompass_extract.pipeline import extract as library_extract
from kompass_extract.write.formats import (
    CSV_DIALECTS,
    DEFAULT_FORMATS,
    FORMATS,
    atomic_path,
    output_plan,
    write_json,
)

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
    if entry["status"] == "ok":  # summarised; the report itself is in the cache until it is published
        summary = entry.get("summary")  # the worker's, when the report is in the cache
        if summary is None:
            summary = ReportSummary.of(Report.from_dict(entry["report"]))
        summary.source_file, summary.sha256 = display_path(path), sha  # the cache may have seen these bytes elsewhere
        return Outcome(path, sha, report=summary, **timing)
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
            summary.duplicates.append(
                {"source_file": path, "sha256": outcomes[first].sha256, "duplicate_of": first, "reason": "same-content"}
            )


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
    listed: Sequence[str] = (),
) -> RunSummary:
    """Convert ``inputs`` (files, directories, glob patterns) and ``listed`` paths (taken literally, see
    :mod:`kompass_extract.batch.inputs`) into the output tables in ``out_dir``.

    Raises :class:`kompass_extract.batch.inputs.InputNotFoundError` for an input that names nothing and
    :class:`kompass_extract.batch.outdir.OutputFolderError` for an output folder that cannot be written or is in use
    by another run, both before any work; every problem with a file becomes a failure row instead. ``extract_fn``
    must be a module-level function (worker processes are spawned and import it by name); it is called as
    ``extract_fn(path, data=<the bytes>, sha256=<their hash>, **options)``; tests inject stubs through it.
    ``corrections`` is a corrections.csv applied after extraction (the cache keeps the extraction); a malformed file
    raises :class:`kompass_extract.correct.CorrectionsFileError` before any work.
    """
    started, clock = datetime.now(UTC), time.perf_counter()
    if set(formats) - set(FORMATS) or csv_dialect not in CSV_DIALECTS:  # fail before the work, not after it
        raise ValueError(f"unknown format in {list(formats)} or CSV dialect {csv_dialect!r}")
    fixes = read_corrections(corrections) if corrections is not None else []
    discovery = discover(inputs, listed)
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
        job = Job(extract_fn, worker_options, cache, result_options, max_memory_mb, reuse=not force)
        outcomes = _convert_all(discovery, cache, job, summary, jobs=jobs, timeout=timeout, force=force,
                                progress=progress)  # fmt: skip
        ordered = [outcomes[p] for p in sorted(outcomes)]
        key_options = {**result_options, "corrections": corrections_digest(fixes) if fixes else None}
        manifest = read_manifest(out)
        formats, csv_dialect, notes = output_plan(formats, csv_dialect, manifest.files)
        summary.warnings += notes
        publish_key = (
            None
            if force
            else publication_key(ordered, cache.fingerprint, key_options, formats, csv_dialect, summary.duplicates)
        )

        def load(outcome: Outcome) -> dict[str, Any]:
            entry = cache.get(outcome.sha256 or "", job.cache_options)
            if entry is None or entry.get("status") != "ok":
                raise RuntimeError(f"the cached result of {display_path(outcome.path)} vanished from {cache.root}")
            return entry["report"]

        publish(out, ordered, summary, catalog, load=load, formats=formats, csv_dialect=csv_dialect, manifest=manifest,
                publish_key=publish_key, corrections=fixes, corrections_file=str(corrections))  # fmt: skip
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
    counts = {"failed": len(outcomes), "cached": 0}  # kept as outcomes arrive: a progress event costs O(1)

    def report_progress(event: str, path: str, outcome: Outcome | None = None, detail: str = "") -> None:
        if progress:
            progress(Progress(total, len(outcomes), counts["failed"], counts["cached"], tuple(running), event, path,
                              outcome, detail))  # fmt: skip

    def record(outcome: Outcome) -> None:
        outcomes[outcome.path] = outcome
        counts["failed"] += outcome.report is None
        counts["cached"] += outcome.cached
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
        if sha and not cached and not entry.get("stored") and worth_keeping(entry):  # else the worker stored it
            cache.put(sha, job.cache_options, entry)
        record(_outcome(path, sha, entry, cached=cached))
    index.save(known)
    _settle_duplicates(outcomes, summary)
    return outcomes
