"""Command-line interface: a thin layer over the library.

Sub-commands live in their own modules and are imported only when invoked, so ``--help`` and
process start stay fast (no pandas, pyarrow or pdfium at import time).
"""

from __future__ import annotations

import importlib
import os

import click

from kompass_extract import __version__

COMMANDS: dict[str, str] = {
    "extract": "kompass_extract.cli.extract:extract",
    "validate": "kompass_extract.cli.validate:validate",
    "catalog": "kompass_extract.cli.catalog:catalog",
    "review": "kompass_extract.cli.review:review",
    "chart": "kompass_extract.cli.review:chart",
}


class LazyGroup(click.Group):
    """A click group whose commands are imported on first use, and which keeps tracebacks from users."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if os.environ.get("KOMPASS_DEBUG") or ctx.meta.get("debug"):  # a command's --debug sets meta
                raise
            click.echo(f"error: {type(exc).__name__}: {exc} (set KOMPASS_DEBUG=1 for the traceback)", err=True)
            ctx.exit(1)

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
def main() -> None:
    """Turn Kommunkompassen evaluation reports (PDF) into tidy, documented tables."""
