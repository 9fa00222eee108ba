"""``kompass-extract validate DIR``: re-run the consistency checks on an output folder.

Reads the report JSONs the tool wrote (``DIR/reports/*.json`` listed in the folder's manifest of its own files;
a JSON of the user's own there is named and skipped), re-checks each with the current rules and prints a summary
per report and severity. The folder is not modified: the checks table written at conversion time stays as it was,
so re-validating is always safe.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from kompass_extract.cli.options import catalog_dir_option, debug_option, json_option
from kompass_extract.match.catalog import Catalog, load_catalog
from kompass_extract.model import Check, Report
from kompass_extract.validate import SEVERITIES, severity_counts, validate_report


def _report_files(directory: Path) -> tuple[list[Path], list[Path] | None]:
    """The report JSONs of the folder, and the JSON files in its reports/ that the tool did not write.

    The manifest of the files the tool wrote decides: a user's own JSON dropped into reports/ (an analysis, a
    copy of a report) is no report of the folder, neither an unreadable one nor one counted twice. Without a
    manifest (a folder of an older version, or copied without .cache) every reports/*.json is read and the
    second item is None."""
    from kompass_extract.batch.outdir import read_manifest

    present = sorted((directory / "reports").glob("*.json"))
    owned = read_manifest(directory).files
    if not owned:
        return present, None
    listed = sorted(directory / f for f in owned if f.startswith("reports/") and f.endswith(".json"))
    return listed, [p for p in present if p not in set(listed)]


def _load(path: Path) -> Report | str:
    """The report of one report JSON, or the reason it could not be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            return f"not a report JSON (a {type(data).__name__}, not an object)"
        return Report.from_dict(data)
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        return f"{type(exc).__name__}: {exc}"


def _result(path: Path, report: Report | str, catalog: Catalog | None) -> dict[str, Any]:
    """Checks of one report (the current rules on its values as published), or why it could not be read.

    With a user's catalog the questions are matched with it first (in memory), so the checks say what the
    grown catalog makes of the report.
    """
    from kompass_extract.correct import CORRECTION_CODES

    if isinstance(report, str):
        return {"file": str(path), "report_id": None, "read_error": report, "checks": []}
    if catalog is not None:
        from kompass_extract.match.catalog import match_catalog

        match_catalog(report, catalog)
    unmatched = [c for c in report.checks if c.code in CORRECTION_CODES]
    checks = validate_report(report, catalog) + unmatched
    return {
        "file": str(path),
        "report_id": report.report_id,
        "read_error": None,
        "counts": severity_counts(checks),
        "checks": [c.__dict__ for c in checks],
    }


def _print_summary(results: list[dict[str, Any]], show_info: bool) -> None:
    """A table of counts per report and severity, then one grep-able line per finding."""
    from rich.console import Console
    from rich.table import Table

    summary = Table(title="Checks per report")
    summary.add_column("report", no_wrap=True)
    for severity in SEVERITIES:
        summary.add_column(severity, justify="right")
    for r in results:
        name = r["report_id"] or Path(r["file"]).stem
        if r["read_error"]:
            summary.add_row(name, "unreadable", "", "")
        else:
            summary.add_row(name, *(str(r["counts"][s]) for s in SEVERITIES))
    Console().print(summary)
    shown = set(SEVERITIES) if show_info else {"error", "warning"}
    for r in results:
        for c in (Check(**c) for c in r["checks"]):
            if c.severity in shown:
                where = c.question_no or (f"area {c.area_no}" if c.area_no is not None else "report")
                click.echo(f"{r['report_id']}\t{c.severity}\t{c.code}\t{where}\t{c.message}")


@click.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--strict", is_flag=True, help="Exit with status 1 when any check is an error (or a report is unreadable)."
)
@json_option("Print the checks of every report as JSON instead of tables.")
@click.option(
    "--info", "show_info", is_flag=True, help="List info-level findings too (not with --json, which has them all)."
)
@click.option(
    "--corrections",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="corrections.csv to apply (instead of those applied at extraction) before checking.",
)
@catalog_dir_option
@debug_option
def validate(
    directory: Path, strict: bool, as_json: bool, show_info: bool, corrections: Path | None, catalog_dir: str | None
) -> None:
    """Re-check the reports of an output folder (DIRECTORY/reports/*.json it wrote) and summarise the findings.

    The folder is read only; the checks are printed, not written back. With --corrections the file's corrections
    replace those applied at extraction, so a corrections file can be tried before a rerun publishes it. With
    --catalog-dir the questions are matched with that catalog first, so the checks show what a grown catalog
    makes of the folder.
    """
    from kompass_extract.batch.outdir import MANIFEST
    from kompass_extract.correct import CorrectionsFileError, apply_corrections, read_corrections

    paths, foreign = _report_files(directory)
    if not paths:
        raise click.UsageError(f"no report JSON files of kompass-extract in {directory / 'reports'}")
    if foreign is None:
        note = f"{directory} has no manifest of the files kompass-extract wrote ({MANIFEST})"
        click.echo(f"warning: {note}: every reports/*.json is read as a report", err=True)
    for path in foreign or ():
        click.echo(f"skipped {path}: not written by kompass-extract here (not in the folder's manifest)", err=True)
    try:
        rows = read_corrections(corrections) if corrections is not None else None
    except CorrectionsFileError as exc:
        raise click.UsageError(str(exc)) from None
    loaded = [(p, _load(p)) for p in paths]
    unmatched = []
    catalog = load_catalog(catalog_dir) if catalog_dir else None
    if rows is not None:
        unmatched = apply_corrections([r for _, r in loaded if isinstance(r, Report)], rows, catalog)
    results = [_result(p, r, catalog) for p, r in loaded]
    for r in results:
        if r["read_error"]:
            click.echo(f"cannot read {r['file']}: {r['read_error']}", err=True)
    for u in unmatched:
        click.echo(f"correction not applied: {u.reason}", err=True)
    if as_json:
        click.echo(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        _print_summary(results, show_info)
    failed = bool(unmatched) or any(r["read_error"] or r["counts"]["error"] for r in results)
    totals = severity_counts(Check(**c) for r in results for c in r["checks"])
    click.echo(
        f"{len(results)} reports: " + ", ".join(f"{n} {s}" for s, n in totals.items()),
        err=True,
    )
    if strict and failed:
        sys.exit(1)
