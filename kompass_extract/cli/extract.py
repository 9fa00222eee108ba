"""``kompass-extract extract INPUTS... --out DIR``: convert reports into the output tables.

A thin layer over :func:`kompass_extract.batch.convert`: it parses options, draws the progress bar and the
closing summary on stderr, and prints the run summary as JSON on stdout with ``--json``. Exit codes: 0 when
every input converted, 1 when any failed (or, with ``--strict``, a report has an error-level check), 2 for
usage errors. No traceback reaches the user unless ``--debug`` is given (the group translates errors).
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO, TextIO

import click

from kompass_extract.cli.options import (
    catalog_dir_option,
    debug_option,
    debugging,
    edition_option,
    json_option,
    quiet_option,
)
from kompass_extract.cli.progress import checks_text, run_display
from kompass_extract.common.files import DEFAULT_MAX_MEMORY_MB, display_path, json_text
from kompass_extract.write.formats import CSV_DIALECTS, DEFAULT_FORMATS, FORMATS

OCR_MODES = ("auto", "never", "always")


def _formats(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(v.strip().lower() for v in value.split(",") if v.strip()))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise click.BadParameter(f"choose from {', '.join(FORMATS)} (comma-separated), got {value!r}")
    return chosen


@click.command()
@click.argument("inputs", nargs=-1)
@click.option("--files-from", type=click.File("rb"), default=None,
              help="Also convert the paths listed in this file, one per line or NUL-separated (find -print0); "
              "'-' reads stdin. Listed names are taken literally, and one that is missing is a failure row.")  # fmt: skip
@click.option("--out", "-o", "out_dir", required=True, type=click.Path(file_okay=False), help="Output folder.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Worker processes [default: cores].")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=300.0, show_default=True,
              help="Seconds a file may go without a result or an OCR'd page before its worker is stopped.")  # fmt: skip
@click.option("--max-pages", type=click.IntRange(min=1), default=500, show_default=True, help="Refuse longer PDFs.")
@click.option("--max-memory", "max_memory_mb", type=click.IntRange(min=256), default=DEFAULT_MAX_MEMORY_MB,
              show_default=True, help="Memory (MB of address space) per worker; a file needing more fails as "
              "too-large, and files over an eighth of it are not read.")  # fmt: skip
@click.option("--format", "formats", default=",".join(DEFAULT_FORMATS), show_default=True, callback=_formats,
              help=f"Comma-separated output formats: {', '.join(FORMATS)}.")  # fmt: skip
@click.option("--csv-dialect", type=click.Choice(sorted(CSV_DIALECTS)), default="default", show_default=True,
              help="'excel-sv': also write semicolons, BOM and decimal commas for Swedish Excel in OUT/excel-sv/.")  # fmt: skip
@edition_option("Take the criteria edition as given instead of detecting it.")
@click.option("--ocr", type=click.Choice(OCR_MODES), default="auto", show_default=True,
              help="OCR pages without a text layer: auto, never, always.")  # fmt: skip
@click.option("--corrections", type=click.Path(exists=True, dir_okay=False),
              help="corrections.csv: values a person verified, applied after extraction and before the checks.")  # fmt: skip
@click.option("--force", is_flag=True, help="Ignore cached results and convert every file again.")
@click.option("--strict", is_flag=True, help="Exit 1 when any report has an error-level check.")
@catalog_dir_option
@click.option("--log-json", type=click.Path(dir_okay=False), default=None,
              help="Append one JSON line per finished file to this file (time, file, result, seconds, done, total, ETA).")  # fmt: skip
@quiet_option("No progress bar, no per-file lines and no summary on stderr (failures are still listed).")
@json_option("Print the run summary as JSON on stdout.")
@debug_option
@click.pass_context
def extract(ctx: click.Context, inputs: tuple[str, ...], files_from: BinaryIO | None, out_dir: str, quiet: bool,
            as_json: bool, log_json: str | None, **options: Any) -> None:  # fmt: skip
    """Convert Kommunkompass report PDFs (files, folders, glob patterns, or a list: --files-from) into tables in OUT.

    Writes every table as CSV and Parquet (see --format; CSV always), datapackage.json describing every file,
    reports/<report_id>.json with each whole report, and a run summary under runs/. Results are
    cached in OUT/.cache: a rerun converts only new or changed files.
    """
    from rich.console import Console

    from kompass_extract.batch import convert
    from kompass_extract.batch.inputs import InputNotFoundError, read_path_list
    from kompass_extract.correct import CorrectionsFileError
    from kompass_extract.errors import OutputFolderError

    if not inputs and files_from is None:
        raise click.UsageError("give the reports to convert: files, folders, patterns or --files-from LIST")
    listed = read_path_list(files_from) if files_from is not None else []
    console = Console(stderr=True, quiet=quiet, soft_wrap=True)  # a log line stays one line when piped
    try:
        with _sigterm_raises(), _json_log(log_json) as events, run_display(console, events) as progress:
            summary = convert(inputs, out_dir, progress=progress, listed=listed, **options)
    except (InputNotFoundError, CorrectionsFileError, OutputFolderError) as exc:
        raise click.UsageError(str(exc)) from None
    except KeyboardInterrupt:
        console.print("[yellow]Interrupted.[/] Finished files are cached: run the same command again to continue.")
        ctx.exit(130)
    except Terminated:
        console.print(
            "[yellow]Terminated (SIGTERM).[/] Finished files are cached: run the same command again to continue."
        )
        ctx.exit(128 + signal.SIGTERM)
    data = summary.to_dict()
    _print_summary(console, data)
    if quiet:  # no progress or summary, but a failed input is never silent
        loud = Console(stderr=True, soft_wrap=True)
        for f in data["failures"]:
            loud.print(
                f"failed {f['error_code']}: {display_path(f['source_file'])}: {f['message']}",
                markup=False,
                highlight=False,
            )
    if debugging(ctx):
        for path, trace in summary.tracebacks.items():
            Console(stderr=True).print(f"{path}\n{trace}", style="red", markup=False, highlight=False)
    if as_json:
        click.echo(json_text(data))  # a file name that is not UTF-8 stays exact (as a \udcXX escape)
    ctx.exit(summary.exit_code)


class Terminated(BaseException):
    """SIGTERM arrived (a service manager stopping the job, ``timeout``, ``kill``): not an Exception, so that no
    library code mistakes it for a failed file."""


@contextmanager
def _sigterm_raises() -> Iterator[None]:
    """SIGTERM ends the run as Ctrl-C does: the workers are stopped, staged files removed, nothing half-published,
    and a line says how to continue. Python's default is to die on the spot without a word (exit 143 and a log
    that just stops), leaving staged temporary files for the next run to clear."""

    def raise_terminated(signum: int, frame: object) -> None:
        raise Terminated

    previous = signal.signal(signal.SIGTERM, raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _json_log(path: str | None) -> Iterator[TextIO | None]:
    """The ``--log-json`` file, opened for appending (a resumed run adds to the same log), or None."""
    if path is None:
        yield None
        return
    with open(path, "a", encoding="utf-8") as f:
        yield f


def _print_summary(console: Any, data: dict[str, Any]) -> None:
    """The failures, warnings and a closing line (each file had its line when it finished)."""
    from rich.markup import escape

    for f in data["failures"]:
        # names and messages are data: a file called "Rapport [slutlig].pdf" is not console markup
        text = escape(f"{f['error_code']}: {display_path(f['source_file'])}: {f['message']}")  # as the progress lines
        console.print(f"[red]failed[/] {text}", highlight=False)
    for warning in data["warnings"]:
        console.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False)
    console.print(
        f"{data['converted']} converted, {data['failed']} failed, {data['from_cache']} from cache, "
        f"{len(data['duplicates'])} duplicate(s) skipped; checks {checks_text(data['checks'])}; "
        f"{data['seconds']:.1f} s -> {data['out_dir']}",
        markup=False,
        highlight=False,
    )
