"""Publish a run: assign report ids, apply corrections, and write the report JSONs and every table into the owned
output folder; or nothing, when the folder already holds exactly what this run would write.

Streaming: the batch keeps a small :class:`~kompass_extract.batch.results.ReportSummary` per report, and the
publication reads each report back from the cache, in the order of the tables (by report id, which only the
whole batch decides), writes its JSON and its rows to every format and lets it go. The parent's memory does not
grow with the archive beyond the summaries and the panel's few rows per report. The cache is the spill: every
converted report is already there, written atomically when it finished (reading one back costs ~1 ms).
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from kompass_extract.batch.ids import assign_report_ids
from kompass_extract.batch.outdir import Manifest, record_manifest
from kompass_extract.batch.results import Outcome, RunSummary
from kompass_extract.common.files import display_path
from kompass_extract.correct import CorrectionRow, UnmatchedCorrection, correct_report, route_corrections
from kompass_extract.match.catalog import Catalog
from kompass_extract.model import Report
from kompass_extract.validate import SEVERITIES
from kompass_extract.write.formats import output_files, staged_paths, write_json
from kompass_extract.write.outputs import output_set
from kompass_extract.write.tables import PanelChanges, Row, panel_order, panel_rows, report_rows, slug

ReportLoader = Callable[[Outcome], dict[str, Any]]
"""The report of a converted input as :meth:`Report.to_dict` gave it, read back from the cache."""


class PanelSpill:
    """Each report's panel rows, kept in an unnamed temporary file in the output folder until every report is in,
    then given back a report at a time in :func:`~kompass_extract.write.tables.panel_order`, which only the whole
    batch decides (municipality and year come first, the other tables go by report id). The parent holds a key
    and an offset per report, not the rows: its memory stays flat with the archive."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.index: list[tuple[tuple, int, int]] = []

    def __enter__(self) -> PanelSpill:
        self.file = tempfile.TemporaryFile(dir=self.folder)  # unlinked at once: gone however the run ends
        return self

    def __exit__(self, *exc: object) -> None:
        self.file.close()

    def add(self, order: tuple, rows: list[Row]) -> None:
        data = json.dumps(rows, ensure_ascii=False).encode()
        self.index.append((order, self.file.tell(), len(data)))
        self.file.write(data)

    def in_order(self) -> Iterator[list[Row]]:
        for _, offset, length in sorted(self.index, key=lambda entry: entry[0]):
            self.file.seek(offset)
            yield json.loads(self.file.read(length))


def publication_key(
    outcomes: list[Outcome],
    fingerprint: str,
    options: dict[str, Any],
    formats: Sequence[str],
    csv_dialect: str,
    duplicates: Sequence[dict[str, Any]] = (),
) -> str:
    """What the published outputs are a function of: the inputs' bytes and paths (also of duplicates), the extractor
    and the options.

    Extraction is deterministic, so equal keys mean byte-identical outputs and a rerun need not write them.
    """
    basis = [[o.path, o.sha256, o.error_code] for o in outcomes] + [
        [d["source_file"], d["duplicate_of"], d["reason"]] for d in duplicates
    ]
    text = json.dumps([basis, fingerprint, options, list(formats), csv_dialect], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def publish(
    out: Path,
    outcomes: list[Outcome],
    summary: RunSummary,
    catalog: Catalog,
    *,
    load: ReportLoader,
    formats: Sequence[str],
    csv_dialect: str,
    manifest: Manifest,
    publish_key: str | None = None,
    corrections: Sequence[CorrectionRow] = (),
    corrections_file: str = "",
) -> None:
    """Assign report ids, apply the corrections, fill the summary, and write the report JSONs and every table.

    Corrections name reports by the ids of their extraction, so ids are assigned before them; a correction of a
    kommunkod or year can move a report's id, so the final ids (and the duplicate flags) are assigned after.

    With a ``publish_key`` equal to the key in the ``manifest``, whose files all still exist, the outputs are
    already what this run would write: nothing is read back or built.
    """
    reports = [o for o in outcomes if o.report is not None]
    unmatched = _correct(reports, corrections, catalog, load) if corrections else []
    assign_report_ids([o.report for o in reports if o.report])
    reports.sort(key=lambda o: (o.report.report_id if o.report else None) or "")
    failures = [o for o in outcomes if o.report is None]
    failures += [
        Outcome(
            f"{corrections_file}:{u.row.fix.line}", u.row.sha256, error_code="correction-unmatched", message=u.reason
        )
        for u in unmatched
    ]
    _summarise(summary, outcomes, reports, failures)
    documents = [f"reports/{slug(o.report.report_id or '') or 'unknown'}.json" for o in reports if o.report]
    summary.files = output_files(formats, csv_dialect) + sorted(documents)
    if publish_key and manifest.key == publish_key and all((out / f).is_file() for f in manifest.files):
        return
    _write_publication(out, reports, documents, failures, summary, catalog, load=load, formats=formats,
                       csv_dialect=csv_dialect, manifest=manifest, publish_key=publish_key)  # fmt: skip


def _correct(
    reports: list[Outcome], corrections: Sequence[CorrectionRow], catalog: Catalog, load: ReportLoader
) -> list[UnmatchedCorrection]:
    """Route the corrections by the ids of the extraction; read back, correct and summarise again each report
    they name. Returns the corrections that name no report."""
    summaries = [o.report for o in reports if o.report]
    assign_report_ids(summaries, flag_duplicates=False)
    routed, unmatched = route_corrections([(s.report_id, s.sha256) for s in summaries], corrections)
    for outcome, rows in zip(reports, routed, strict=True):
        if rows and outcome.report:
            outcome.report.corrections = tuple(rows)
            outcome.report.corrected(published_report(outcome, load(outcome), catalog))
    return unmatched


def published_report(outcome: Outcome, data: dict[str, Any], catalog: Catalog) -> Report:
    """The report as published: its extraction named as in this run, corrected, with the checks of the batch."""
    assert outcome.report is not None
    report = Report.from_dict(data)
    report.source_file, report.sha256 = display_path(outcome.path), outcome.sha256  # the cache may know other names
    report.report_id = outcome.report.report_id
    if outcome.report.corrections:
        correct_report(report, outcome.report.corrections, catalog)
    report.checks += outcome.report.added_checks
    return report


def duplicate_rows(duplicates: list[dict[str, Any]], reports: list[Outcome]) -> list[Row]:
    """The duplicates table: each input skipped as a duplicate, with the report it is published as."""
    by_path = {o.path: o for o in reports}
    rows = []
    for d in sorted(duplicates, key=lambda d: d["source_file"]):
        kept = by_path.get(d["duplicate_of"])
        rows.append({"source_file": display_path(d["source_file"]), "sha256": d.get("sha256"),
                     "duplicate_of": display_path(d["duplicate_of"]), "reason": d["reason"],
                     "report_id": kept.report.report_id if kept and kept.report else None})  # fmt: skip
    return rows


def _summarise(summary: RunSummary, outcomes: list[Outcome], reports: list[Outcome], failures: list[Outcome]) -> None:
    for o in reports:
        s = o.report
        assert s is not None
        summary.reports.append(
            {"report_id": s.report_id, "source_file": o.path, "sha256": s.sha256, "municipality": s.municipality,
             "year": s.year, "edition": s.edition, "areas": s.areas, "questions": s.questions, "findings": s.findings,
             "sections": s.sections, "checks": s.checks, "seconds": o.seconds, "peak_rss_mb": o.peak_rss_mb,
             "cached": o.cached}
        )  # fmt: skip
    summary.failures = [
        {"source_file": o.path, "sha256": o.sha256, "error_code": o.error_code, "message": o.message,
         "seconds": o.seconds, "peak_rss_mb": o.peak_rss_mb, "cached": o.cached}
        for o in failures
    ]  # fmt: skip
    summary.tracebacks = {o.path: o.traceback for o in failures if o.traceback}
    summary.converted, summary.failed = len(reports), len(failures)
    summary.from_cache = sum(1 for o in outcomes if o.cached)
    summary.checks = {s: sum(o.report.checks[s] for o in reports if o.report) for s in SEVERITIES}


def _write_publication(
    out: Path,
    reports: list[Outcome],
    documents: list[str],
    failures: list[Outcome],
    summary: RunSummary,
    catalog: Catalog,
    *,
    load: ReportLoader,
    formats: Sequence[str],
    csv_dialect: str,
    manifest: Manifest,
    publish_key: str | None,
) -> None:
    """Write the report JSONs and the tables, one report at a time, publish them together, then delete the tool's
    own files that this run no longer writes.

    Only files in the manifest are ever deleted: a ``reports/my-analysis.json`` or a ``kompass.xlsx`` of the user's
    own stays. The manifest is written before (every file about to be written, no key) and after (the files kept
    and the publication's key), so a run killed half-way still knows every file it may have written, and the
    next run publishes again.
    """
    planned = set(documents) | set(output_files(formats, csv_dialect))
    record_manifest(out, manifest.files | planned)
    with (
        staged_paths() as stage,
        output_set(out, stage, formats=formats, csv_dialect=csv_dialect, created=summary.started_at) as outputs,
        PanelSpill(out) as panel,
    ):
        for outcome, document in zip(reports, documents, strict=True):
            data = load(outcome)
            report = published_report(outcome, data, catalog)
            extracted = report.to_dict() if report.corrections else data
            write_json(stage(out / document), {**extracted, "report_id": report.report_id, "source_file": outcome.path,
                       "sha256": outcome.sha256, "checks": [asdict(c) for c in report.checks]}, indent=None)  # fmt: skip
            rows = report_rows(report, catalog)
            for name, table_rows in rows.items():
                outputs.add(name, table_rows)
            panel.add(panel_order(rows["reports"][0]), panel_rows(rows["reports"], rows["areas"], catalog))
        outputs.add("failures", [{"source_file": display_path(o.path), "sha256": o.sha256,
                                  "error_code": o.error_code, "message": o.message} for o in failures])  # fmt: skip
        outputs.add("duplicates", duplicate_rows(summary.duplicates, reports))
        changes = PanelChanges(catalog)
        for report_panel in panel.in_order():
            outputs.add("panel", report_panel)
            outputs.add("changes", changes.add(report_panel))
        outputs.add("area_crosswalk", catalog.crosswalk_rows())
    summary.warnings += outputs.warnings
    written = set(outputs.files) | set(documents)
    stale = [f for f in sorted(manifest.files - written) if (out / f).is_file()]
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
    record_manifest(out, written, publish_key)  # last: a run killed before this point is published again by the next
