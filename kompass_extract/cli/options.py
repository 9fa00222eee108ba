"""The options every command shares, defined once, and the one place where errors become messages.

Modelled on sqlite-utils' cli.py: a command declares ``@json_option``, ``@quiet_option``, ``@debug_option`` or
``@catalog_dir_option`` instead of spelling the option out, so names, help and behaviour cannot drift between
commands. :func:`report_errors` is used by the group: a :class:`~kompass_extract.errors.KompassError` becomes
``error: <code>: <message>`` and exit 1; any other exception the same without a traceback unless ``--debug``
(or ``KOMPASS_DEBUG=1``) is given; a closed pipe (``| head``) ends the command quietly with exit 0. Usage
errors (click's own, a bad option value, an unknown municipality) exit 2.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click

from kompass_extract.errors import KompassError

F = TypeVar("F", bound=Callable[..., Any])

CATALOG_DIR_ENV = "KOMPASS_CATALOG_DIR"
DEBUG_ENV = "KOMPASS_DEBUG"


def _set_debug(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta["debug"] = True


def debug_option(fn: F) -> F:
    """``--debug``: let tracebacks of internal errors through (stored in ``ctx.meta``, not passed to the command)."""
    return click.option(
        "--debug", is_flag=True, expose_value=False, is_eager=True, callback=_set_debug,
        help=f"Show tracebacks of internal errors (also: {DEBUG_ENV}=1).",
    )(fn)  # fmt: skip


def json_option(help: str) -> Callable[[F], F]:
    """``--json`` (as the parameter ``as_json``), with the command's own description of what it prints."""
    return click.option("--json", "as_json", is_flag=True, help=help)


def quiet_option(help: str = "Nothing on stderr but errors and failures.") -> Callable[[F], F]:
    """``--quiet`` / ``-q``."""
    return click.option("--quiet", "-q", is_flag=True, help=help)


def catalog_dir_option(fn: F) -> F:
    """``--catalog-dir DIR`` (or ``KOMPASS_CATALOG_DIR``): the user's catalog CSVs extending the packaged ones."""
    return click.option(
        "--catalog-dir", type=click.Path(exists=True, file_okay=False), envvar=CATALOG_DIR_ENV, default=None,
        help=f"Folder with catalog CSVs (criteria.csv, ...) that extend or override the packaged ones "
        f"(also: {CATALOG_DIR_ENV}).",
    )(fn)  # fmt: skip


def _edition(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    from kompass_extract.match.catalog import Catalog, load_catalog

    known = list((ctx.find_object(Catalog) or load_catalog()).editions)
    if value not in known:
        raise click.BadParameter(f"choose from {', '.join(known)}, got {value!r}")
    return value


def edition_option(help: str) -> Callable[[F], F]:
    """``--edition E``, checked against the catalog's editions (a usage error names the valid ones)."""
    return click.option("--edition", callback=_edition, help=help)


def debugging(ctx: click.Context) -> bool:
    """True when the user asked for tracebacks (``ctx.meta`` is shared by a group and its commands)."""
    return bool(os.environ.get(DEBUG_ENV)) or bool(ctx.meta.get("debug"))


def fail(message: str) -> None:
    """An error message on stderr (never stdout, which may be a data stream)."""
    click.echo(f"error: {message}", err=True)


@contextmanager
def report_errors(ctx: click.Context) -> Iterator[None]:
    """Translate what a command raises into a message and an exit code, in one place for every command."""
    try:
        yield
    except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
        raise
    except BrokenPipeError:
        _silence_stdout()
        ctx.exit(0)
    except KompassError as exc:
        if debugging(ctx):
            raise
        fail(f"{exc.code}: {exc}")
        ctx.exit(1)
    except Exception as exc:
        if debugging(ctx):
            raise
        fail(f"{type(exc).__name__}: {exc} (--debug shows the traceback)")
        ctx.exit(1)


def _silence_stdout() -> None:
    """The reader went away (``| head``): point stdout at /dev/null so the interpreter's final flush is quiet."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout replaced by a test runner
        pass
    finally:
        os.close(devnull)
