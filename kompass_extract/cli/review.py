"""``kompass-extract review`` and ``kompass-extract chart``: look at an output folder."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import click

from kompass_extract.cli.kommun import resolve_kommun
from kompass_extract.cli.options import catalog_dir_option, debug_option
from kompass_extract.match.catalog import load_catalog
from kompass_extract.review.crops import DEFAULT_SCALE
from kompass_extract.review.data import ReviewInputError, find_reports, load_output
from kompass_extract.review.site import build_site
from kompass_extract.write.tables import slug

CHART_FORMATS = (".png", ".svg", ".pdf")
OUT_DIR = click.Path(exists=True, file_okay=False, path_type=Path)


@click.command()
@click.argument("out_dir", type=OUT_DIR)
@click.option("--open", "open_", is_flag=True, help="Open the index in the default web browser.")
@click.option("--scale", default=DEFAULT_SCALE, show_default=True, help="Pixels per PDF point of the crops.")
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), default=None, help="Processes rendering crops [default: cores]."
)
@catalog_dir_option
@debug_option
def review(out_dir: Path, open_: bool, scale: float, jobs: int | None, catalog_dir: str | None) -> None:
    """Build a static review site in OUT_DIR/review/: each extracted number beside a crop of the PDF.

    With --catalog-dir the questions' catalog ids shown come from that catalog (the site's footer says so).
    """
    catalog = load_catalog(catalog_dir) if catalog_dir else None
    try:
        result = build_site(out_dir, scale=scale, jobs=jobs, catalog=catalog)
    except ReviewInputError as exc:
        raise click.UsageError(str(exc)) from exc  # not an output folder, or nothing in it to show
    for report_id, problem in result.problems.items():
        click.echo(f"{report_id}: no crops: {problem}", err=True)
    click.echo(f"{result.summary()}: {result.index}", err=True)
    click.echo(str(result.index))
    if open_ and not webbrowser.open(result.index.resolve().as_uri()):
        raise click.ClickException(f"no web browser found to open the site; open {result.index} yourself")


@click.command()
@click.argument("out_dir", type=OUT_DIR)
@click.option(
    "--kommun",
    help="Time series of one municipality: kommunkod (2580, or 180 for 0180) or name (Luleå, Lulea, Upplands-Väsby).",
)
@click.option(
    "--compare",
    help="Area profiles of several municipalities, comma-separated (2580,1482); 'kommun:year' (2580:2018) picks "
    "a report, else the latest is taken. Areas are paired by concept across editions.",
)
@click.option(
    "--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), help="Output file; .png, .svg or .pdf."
)
@catalog_dir_option
@debug_option
def chart(
    out_dir: Path, kommun: str | None, compare: str | None, out_file: Path | None, catalog_dir: str | None
) -> None:
    """Chart area scores: one municipality over time (--kommun) or several side by side (--compare).

    Areas are placed by the concept they measure, so a 2016 and a 2020 report line up although the 2020
    edition renumbered its areas; each bar and line keeps its own edition's area number and name. A name
    or code that fits no report of the folder is a usage error naming the closest municipalities.
    """
    if (kommun is None) == (compare is None):
        raise click.UsageError("give exactly one of --kommun and --compare")
    if out_file is not None and out_file.suffix.lower() not in CHART_FORMATS:
        raise click.UsageError(f"--out must end in one of {', '.join(CHART_FORMATS)}")
    from kompass_extract.review.charts import compare_chart, time_series_chart

    catalog = load_catalog(catalog_dir)
    try:
        views = load_output(out_dir)
        if kommun is not None:
            series = find_reports(views, resolve_kommun(kommun, views, "--kommun"))
            path = time_series_chart(series, out_file or out_dir / f"chart-{slug(series[-1].name)}.png", catalog)
        else:
            keys = [resolve_kommun(k, views, "--compare") for k in (compare or "").split(",") if k.strip()]
            latest = [find_reports(views, k)[-1] for k in keys]
            default = out_dir / f"compare-{'-'.join(slug(v.name) for v in latest)}.png"
            path = compare_chart(latest, out_file or default, catalog)
    except ReviewInputError as exc:
        raise click.UsageError(str(exc)) from exc  # not an output folder, or nothing in it to show
    click.echo(str(path))
