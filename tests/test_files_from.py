"""``extract --files-from``: the paths of a list (``find`` output) converted in one run, taken literally."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

from click.testing import CliRunner
from conftest import LULEA_PDF, make_stub_report, read_csv, stub_extract

from kompass_extract.batch import convert
from kompass_extract.batch.inputs import read_path_list
from kompass_extract.cli import main


def test_a_list_is_read_by_lines_or_by_nuls_and_keeps_names_that_are_not_utf8() -> None:
    assert read_path_list(io.BytesIO(b"a.pdf\r\n\nb c.pdf\nlast.pdf")) == ["a.pdf", "b c.pdf", "last.pdf"]
    # find -print0: the only way to list a name that holds a newline
    assert read_path_list(io.BytesIO(b"new\nline.pdf\0plain.pdf\0")) == ["new\nline.pdf", "plain.pdf"]
    assert os.fsencode(read_path_list(io.BytesIO(b"G\xe4vle.pdf\n"))[0]) == b"G\xe4vle.pdf"


def test_listed_paths_are_literal_and_a_missing_one_is_a_failure_row_not_the_end_of_the_run(tmp_path: Path) -> None:
    """A name with "[" is no pattern, a listed folder is searched, and a listed file gone since the list was made
    fails alone: the other thousands of a list are converted."""
    inputs = tmp_path / "in"
    (inputs / "year").mkdir(parents=True)
    make_stub_report(inputs / "Rapport [slutlig].pdf", "0114", 2016)
    make_stub_report(inputs / "Rapport s.pdf", "0127", 2019)  # what the pattern "Rapport [slutlig].pdf" would match
    make_stub_report(inputs / "year" / "r.pdf", "2180", 2018)
    listed = [str(inputs / "Rapport [slutlig].pdf"), str(inputs / "year"), str(inputs / "gone*.pdf")]

    summary = convert([], tmp_path / "out", jobs=1, extract_fn=stub_extract, listed=listed)

    assert sorted(r["report_id"] for r in summary.reports) == ["0114-2016", "2180-2018"]
    [failure] = summary.failures
    assert (failure["source_file"], failure["error_code"]) == (str(inputs / "gone*.pdf"), "missing-file")


def test_files_from_stdin_with_the_cli(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copyfile(LULEA_PDF, inputs / "new\nline.pdf")
    listing = os.fsencode(str(inputs / "new\nline.pdf")) + b"\0"
    out = tmp_path / "out"

    result = CliRunner().invoke(main, ["extract", "--files-from", "-", "--out", str(out), "--json"], input=listing)

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["converted"] == 1
    (row,) = read_csv(out / "reports.csv")
    assert (row["report_id"], row["source_file"]) == ("2580-2018", str(inputs / "new\\x0aline.pdf"))
    nothing = CliRunner().invoke(main, ["extract", "--out", str(out)])
    assert nothing.exit_code == 2 and "--files-from" in nothing.output
