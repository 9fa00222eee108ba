"""Publish a run: assign report ids, apply corrections, build every table from all of the run's results and
write them (report JSONs, tables in every format) into the owned output folder; skip the writing when the last
complete publication already holds exactly what this run would write."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from kompass_extract.batch.ids import assign_report_ids
from kompass_extract.batch.outdir import owned_files, record_owned
from kompass_extract.batch.results import Outcome, RunSummary
from kompass_extract.common.files import display_path
from kompass_extract.correct import CorrectionRow, apply_corrections
from kompass_extract.match.catalog import Catalog
from kompass_extract.write.formats import (
    atomic_path,
    output_files,
    staged_paths,
    write_json,
    write_outputs,
)
from kompass_extract.write.schema import TABLES
from kompass_extract.write.tables import changes_rows, panel_rows, report_rows, slug

PUBLICATION_MARKER = ".cache/last-publication"
"""Key and files of the last complete publication: what the next run may skip, rewrite or remove."""


def publication_key(
    outcomes: list[Outcome], fingerprint: str, options: dict[str, Any], formats: Sequence[str], csv_dialect: str
) -> str:
    """What the published outputs are a function of: the inputs' bytes and paths, the extractor and the options.

    Extraction is deterministic, so equal keys mean byte-identical outputs and a rerun need not write them.
    """
    basis = [[o.path, o.sha256, o.error_code] for o in outcomes]
    text = json.dumps([basis, fingerprint, options, list(formats), csv_dialect], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def last_publication(out: Path) -> dict[str, Any]:
    """The key and the files of the last complete publication in ``out`` ({} when there is none)."""
    try:
        previous = json.loads((out / PUBLICATION_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return previous if isinstance(previous, dict) else {}


def publish(
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
    # the marker of the last publication no longer describes the folder once writing starts (also for --force,
    # which writes no new one): a later run must not skip its writing on the strength of it
    (out / PUBLICATION_MARKER).unlink(missing_ok=True)
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
