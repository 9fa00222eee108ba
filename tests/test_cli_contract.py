"""One contract for every command: errors translated in one place, shared options, quiet broken pipes, exit 2
for usage errors, municipality arguments resolved the way people type them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kompass_extract.cli import COMMANDS, main
from kompass_extract.cli.kommun import resolve_kommun
from kompass_extract.errors import MissingFileError
from kompass_extract.review.data import ReportView


def all_commands() -> list[tuple[str, click.Command]]:
    """Every command and sub-command with its full name."""
    ctx = click.Context(main)
    found = [("", main)]
    for name in COMMANDS:
        command = main.get_command(ctx, name)
        found.append((name, command))
        if isinstance(command, click.Group):
            found += [(f"{name} {sub}", command.commands[sub]) for sub in command.commands]
    return found


@pytest.mark.parametrize(("name", "command"), all_commands())
def test_every_command_has_debug(name: str, command: click.Command) -> None:
    assert "--debug" in [opt for p in command.params for opt in p.opts], name


def test_a_library_error_is_one_line_with_its_code(tmp_path: Path) -> None:
    (tmp_path / "criteria.csv").write_text("edition,area_no\n2020,1\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["catalog", "--catalog-dir", str(tmp_path), "list"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: catalog-invalid: ") and "missing column" in result.stderr
    assert "Traceback" not in result.output
    debug = CliRunner().invoke(main, ["--debug", "catalog", "--catalog-dir", str(tmp_path), "list"])
    assert debug.exception is not None and type(debug.exception).__name__ == "CatalogError"


def test_unknown_edition_is_a_usage_error_naming_the_editions() -> None:
    result = CliRunner().invoke(main, ["catalog", "list", "--edition", "2018"])
    assert result.exit_code == 2 and "pre2010, 2010, 2016, 2020" in result.stderr and result.stdout == ""


def test_a_missing_file_is_its_own_error(tmp_path: Path) -> None:
    from kompass_extract import extract

    with pytest.raises(MissingFileError) as caught:
        extract(tmp_path / "nope.pdf")
    assert caught.value.code == "missing-file"


def test_a_closed_pipe_ends_quietly() -> None:
    """``kompass-extract catalog list | head -1``: the reader is gone before the first write."""
    process = subprocess.Popen(
        [sys.executable, "-m", "kompass_extract", "catalog", "list"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == 0 and stderr == ""


def view(code: str, name: str, printed: str, year: int) -> ReportView:
    return ReportView({"report_id": f"{code}-{year}", "kommunkod": code, "kommun": name, "municipality": printed,
                       "year": year})  # fmt: skip


VIEWS = [
    view("2580", "Luleå", "Luleå kommun", 2018),
    view("2580", "Luleå", "Luleå kommun", 2022),
    view("1480", "Göteborg", "Göteborgs stad", 2020),
    view("0114", "Upplands Väsby", "Upplands Väsby kommun", 2016),
    view("0180", "Stockholm", "Stockholms stad", 2016),
]


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Lulea", "2580"),
        ("LULEÅ KOMMUN", "2580"),
        ("Goteborg", "1480"),
        ("Göteborgs stad", "1480"),
        ("Upplands-Väsby", "0114"),
        ("upplands vasby", "0114"),
        ("180", "0180"),
        ("2580", "2580"),
        ("Lulea:2018", "2580:2018"),
        ("114:2016", "0114:2016"),
    ],
)
def test_municipality_arguments_are_resolved_as_typed(typed: str, key: str) -> None:
    assert resolve_kommun(typed, VIEWS, "--kommun") == key


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Lulå", "did you mean Luleå (2580)"),
        ("Gotebrg", "did you mean Göteborg (1480)"),
        ("Luleå:2019", "its years: 2018, 2022"),
        ("1482", "no report of 1482 (Kungälv)"),
        ("9999", "9999, which is no kommunkod"),
    ],
)
def test_an_unknown_municipality_is_a_usage_error_with_suggestions(typed: str, message: str) -> None:
    with pytest.raises(click.BadParameter, match=message.replace("(", r"\(").replace(")", r"\)")):
        resolve_kommun(typed, VIEWS, "--kommun")


def test_chart_with_an_unknown_municipality_exits_2(tmp_path: Path) -> None:
    (tmp_path / "reports.csv").write_text(
        "report_id,kommunkod,kommun,municipality,year\n2580-2018,2580,Luleå,Luleå kommun,2018\n", encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["chart", str(tmp_path), "--kommun", "Lulx"])
    assert result.exit_code == 2 and "did you mean Luleå (2580)" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["extract", "{tmp}/nope.pdf", "--out", "{tmp}/out"],
        ["extract", "{tmp}", "--out", "{tmp}/out", "--edition", "2018"],
        ["extract", "{tmp}", "--out", "{tmp}/out", "--format", "docx"],
        ["validate", "{tmp}"],
        ["validate", "{tmp}/nope"],
        ["review", "{tmp}"],
        ["chart", "{tmp}", "--kommun", "2580"],
        ["catalog", "propose", "{tmp}"],
        ["catalog", "--catalog-dir", "{tmp}/nope", "list"],
        ["catalog", "list", "--edition", "2018"],
        ["nosuchcommand"],
    ],
)
def test_usage_errors_exit_2_everywhere(tmp_path: Path, args: list[str]) -> None:
    """A wrong argument (a path that names nothing, a folder that is no output folder, a bad value) exits 2."""
    result = CliRunner().invoke(main, [a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
