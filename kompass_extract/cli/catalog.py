"""``kompass-extract catalog``: show the criteria catalog and propose new rows from extracted outputs."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable
from typing import TextIO

import click

from kompass_extract.match.catalog import CRITERIA_FIELDS, Catalog, load_catalog


@click.group()
@click.option(
    "--catalog-dir",
    type=click.Path(exists=True, file_okay=False),
    default=None,
    help="Directory with extended catalog CSVs (files it lacks come from the packaged catalog).",
)
@click.pass_context
def catalog(ctx: click.Context, catalog_dir: str | None) -> None:
    """The versioned criteria catalog (sub-questions of each edition of the criteria)."""
    ctx.obj = load_catalog(catalog_dir)


@catalog.command("list")
@click.option("--edition", default=None, help="Only this edition (pre2010, 2010, 2016, 2020).")
@click.option("--format", "fmt", type=click.Choice(["csv", "table"]), default="csv", show_default=True)
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
    "--out", type=click.Path(dir_okay=False), default=None, help="Write the proposals here instead of stdout."
)
@click.pass_obj
def propose(cat: Catalog, directory: str, out: str | None) -> None:
    """Propose catalog rows for questions in DIRECTORY/questions.csv that matched nothing.

    Rows are grouped across reports (same edition, area and number, similar text), with counts and
    example report ids. Review them, drop the last four columns and append them to criteria.csv.
    """
    from kompass_extract.match.propose import PROPOSAL_FIELDS, propose_rows
    from kompass_extract.write.readback import OutputFolderError, read_output_table

    try:
        questions, reports = (read_output_table(directory, t, as_text=True) for t in ("questions", "reports"))
    except OutputFolderError as exc:
        raise click.UsageError(str(exc)) from None
    rows = propose_rows(questions, reports, cat)
    if out:
        with open(out, "w", newline="", encoding="utf-8") as f:
            _write_csv(f, PROPOSAL_FIELDS, rows)
    else:
        _write_csv(sys.stdout, PROPOSAL_FIELDS, rows)
    click.echo(f"{len(rows)} proposed row(s) from {directory}", err=True)


def _write_csv(stream: TextIO, fields: Iterable[str], rows: Iterable[dict]) -> None:
    writer = csv.DictWriter(stream, fieldnames=list(fields), lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows({k: ("" if v is None else v) for k, v in r.items()} for r in rows)
