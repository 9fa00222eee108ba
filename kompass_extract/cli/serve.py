"""``kompass-extract serve OUT``: browse, filter and search the SQLite output in Datasette.

Datasette is an optional extra (``pip install 'kompass-extract[serve]'``). It runs in this process with the
database and the metadata that ``extract --format sqlite`` wrote, bound to localhost unless told otherwise.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import click

from kompass_extract.cli.options import debug_option
from kompass_extract.write.formats import DATASETTE_METADATA_NAME, SQLITE_NAME

INSTALL_HINT = "pip install 'kompass-extract[serve]'"


def datasette_args(out_dir: Path, host: str, port: int, open_browser: bool) -> list[str]:
    """The ``datasette serve`` command line for an output folder (immutable: the database is only read)."""
    args = ["serve", "--immutable", str(out_dir / SQLITE_NAME), "--host", host, "--port", str(port)]
    if (out_dir / DATASETTE_METADATA_NAME).is_file():
        args += ["--metadata", str(out_dir / DATASETTE_METADATA_NAME)]
    return args + (["--open"] if open_browser else [])


@click.command()
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: everyone).")
@click.option("--port", "-p", type=click.IntRange(0, 65535), default=8001, show_default=True, help="Port.")
@click.option("--open", "open_", is_flag=True, help="Open Datasette in the default web browser.")
@debug_option
def serve(out_dir: Path, host: str, port: int, open_: bool) -> None:
    """Serve OUT/kompass.sqlite in Datasette: tables with descriptions, facets, search in Swedish (Ö finds ö).

    Needs a folder written with --format sqlite and the serve extra (pip install 'kompass-extract[serve]').
    """
    if not (out_dir / SQLITE_NAME).is_file():
        raise click.UsageError(
            f"{out_dir} has no {SQLITE_NAME}: run 'kompass-extract extract ... --out {out_dir} --format sqlite' first"
        )
    if importlib.util.find_spec("datasette") is None:
        raise click.ClickException(f"Datasette is not installed: {INSTALL_HINT}")
    from datasette.cli import cli as datasette_cli

    click.echo(f"serving {out_dir / SQLITE_NAME} at http://{host}:{port}/ (Ctrl-C stops)", err=True)
    datasette_cli.main(datasette_args(out_dir, host, port, open_), prog_name="datasette")
