"""``kompass-extract catalog``: show the criteria catalog and propose new rows from extracted outputs."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

import click

from kompass_extract.cli.options import catalog_dir_option, debug_option, edition_option
from kompass_extract.match.catalog import CRITERIA_FIELDS, Catalog, load_catalog


@click.group()
@catalog_dir_option
@debug_option
@click.pass_context
def catalog(ctx: click.Context, catalog_dir: str | None) -> None:
    """The versioned criteria catalog (sub-questions of each edition of the criteria)."""
    ctx.obj = load_catalog(catalog_dir)


@catalog.command("list")
@edition_option("Only this edition.")
@click.option("--format", "fmt", type=click.Choice(["csv", "table"]), default="csv", show_default=True)
@debug_option
@click.pass_obj
def list_(cat: Catalog, edition: str | None, fmt: str) -> None:
    """Print the catalog to stdout."""
    rows = [
        {
            "edition": c.edition,
            "area_no": c.area_no,
            "area_name": cat.area_names(c.edition).get(c.area_no, ""),
            "question_no": c.question_no,
            "question_text": c.question_text,
            "max": "" if c.max is None else f"{c.max:g}",
            "rubrik": c.rubrik or "",
            "certainty": c.certainty,
            "source": c.source,
        }
        for c in cat.criteria(edition)
    ]
    if fmt == "csv":
        _write_csv(sys.stdout, CRITERIA_FIELDS, rows)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(
        *("id", "max", "question", "rubrik", "certainty"), title=f"Criteria catalog ({edition or 'all editions'})"
    )
    for r in rows:
        table.add_row(f"{r['edition']}:{r['question_no']}", r["max"], r["question_text"], r["rubrik"], r["certainty"])
    Console().print(table)


@catalog.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Append the rows to this criteria.csv (created with a header when missing) instead of printing them.",
)
@debug_option
@click.pass_obj
def propose(cat: Catalog, directory: str, out: Path | None) -> None:
    """Propose catalog rows for the questions in DIRECTORY/questions.csv that matched nothing.

    The rows are in criteria.csv format, one per edition and question number, grouped across reports (the
    evidence is in the source column). Review them, then append them to the criteria.csv of your catalog
    folder (--out DIR/criteria.csv does it) and give that folder as --catalog-dir (or KOMPASS_CATALOG_DIR).
    """
    from kompass_extract.errors import OutputFolderError
    from kompass_extract.match.propose import propose_rows
    from kompass_extract.write.readback import read_output_table

    try:
        questions, reports = (read_output_table(directory, t, as_text=True) for t in ("questions", "reports"))
    except OutputFolderError as exc:
        raise click.UsageError(str(exc)) from None
    rows = propose_rows(questions, reports, cat)
    no_edition = {r["report_id"] for r in reports if not r.get("edition")}
    left_out = sum(1 for q in questions if not q.get("catalog_id") and q["report_id"] in no_edition)
    if out is None:
        _write_csv(sys.stdout, CRITERIA_FIELDS, rows)
    else:
        rows = _append_criteria(out, rows)
    click.echo(f"{len(rows)} proposed row(s) from {directory}" + (f" -> {out}" if out else ""), err=True)
    if left_out:
        click.echo(f"{left_out} unmatched question(s) of reports without an edition were left out", err=True)


def _append_criteria(path: Path, rows: list[dict]) -> list[dict]:
    """Append ``rows`` to a criteria.csv (its header first when new), skipping ids it has; the rows written."""
    have: set[tuple[str, str]] = set()
    if path.exists() and path.stat().st_size:
        with open(path, newline="", encoding="utf-8-sig") as f:  # a criteria.csv saved by Excel starts with a BOM
            reader = csv.DictReader(f)
            if tuple(reader.fieldnames or ()) != CRITERIA_FIELDS:
                raise click.UsageError(f"{path} is not a criteria.csv (its header is not {','.join(CRITERIA_FIELDS)})")
            have = {(r["edition"], r["question_no"]) for r in reader}
    new = [r for r in rows if (r["edition"], r["question_no"]) not in have]
    if len(new) < len(rows):
        click.echo(f"{len(rows) - len(new)} proposed id(s) already in {path}: not appended", err=True)
    header = not path.exists() or not path.stat().st_size
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", newline="", encoding="utf-8") as f:
        _write_csv(f, CRITERIA_FIELDS, new, header=header)
    return new


def _write_csv(stream: TextIO, fields: Iterable[str], rows: Iterable[dict], header: bool = True) -> None:
    writer = csv.DictWriter(stream, fieldnames=list(fields), lineterminator="\n", extrasaction="ignore")
    if header:
        writer.writeheader()
    writer.writerows({k: ("" if v is None else v) for k, v in r.items()} for r in rows)
