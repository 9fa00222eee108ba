"""Command-line interface: a thin layer over the library.

Sub-commands live in their own modules and are imported only when invoked, so ``--help`` and
process start stay fast (no pandas, pyarrow or pdfium at import time). Options shared by the commands and the
translation of errors into messages and exit codes live in :mod:`kompass_extract.cli.options`.
"""

from __future__ import annotations

import importlib

import click

from kompass_extract import __version__
from kompass_extract.cli.options import debug_option, report_errors

COMMANDS: dict[str, str] = {
    "extract": "kompass_extract.cli.extract:extract",
    "validate": "kompass_extract.cli.validate:validate",
    "catalog": "kompass_extract.cli.catalog:catalog",
    "review": "kompass_extract.cli.review:review",
    "chart": "kompass_extract.cli.review:chart",
    "serve": "kompass_extract.cli.serve:serve",
}


class LazyGroup(click.Group):
    """A click group whose commands are imported on first use, and which turns errors into messages in one place."""

    def invoke(self, ctx: click.Context) -> object:
        with report_errors(ctx):
            return super().invoke(ctx)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        return getattr(importlib.import_module(module_name), attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kompass-extract")
@debug_option
def main() -> None:
    """Turn Kommunkompassen evaluation reports (PDF) into tidy, documented tables."""
