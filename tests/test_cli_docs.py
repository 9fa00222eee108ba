"""Every command and every option of the CLI is documented in the README (as sqlite-utils' tests/test_docs.py does).

A new option that the README does not mention fails here, so users reading the README see all there is.
"""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from kompass_extract.cli import COMMANDS, main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def commands() -> list[tuple[str, click.Command]]:
    ctx = click.Context(main)
    found = []
    for name in COMMANDS:
        command = main.get_command(ctx, name)
        found.append((name, command))
        if isinstance(command, click.Group):
            found += [(f"{name} {sub}", command.commands[sub]) for sub in sorted(command.commands)]
    return found


def long_options(command: click.Command) -> list[str]:
    return [o for p in command.params if isinstance(p, click.Option) for o in p.opts if o.startswith("--")]


@pytest.mark.parametrize(("name", "command"), commands())
def test_readme_shows_every_command_and_option(name: str, command: click.Command) -> None:
    assert f"kompass-extract {name}" in README, f"the README never shows 'kompass-extract {name}'"
    missing = [o for o in long_options(command) if not re.search(rf"{re.escape(o)}(?![\w-])", README)]
    assert missing == [], f"{name}: options not in the README: {missing}"
