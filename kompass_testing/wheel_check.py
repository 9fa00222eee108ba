"""Install kompass-extract as a user does and convert the Luleå fixture with it: the packaging check of CI.

The tests run on an editable install, which reads every data file from the checkout, so a data file missing
from the wheel goes unnoticed there. This check builds the sdist and, from it, the wheel (so the sdist is
complete too), installs the wheel into a fresh virtual environment in a temporary folder, runs the installed
``kompass-extract`` from outside the checkout and compares the report it wrote with the golden truth.

Usage: ``python -m kompass_testing.wheel_check [--keep DIR]`` (``make wheel-check``). Exit 0 when the
installed tool converts Luleå exactly; the figures are printed either way.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import click

from kompass_extract.model import Report
from kompass_testing.compare import compare, summary

CHECKOUT = Path(__file__).resolve().parent.parent
FIXTURE = CHECKOUT / "fixtures" / "lulea-2018"


def run(cmd: list[str | Path], cwd: Path) -> str:
    """Run a command with an environment that cannot see the checkout; its stdout, or exit with its output."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "KOMPASS_CATALOG_DIR")}
    done = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(map(str, cmd))}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
    return done.stdout


def wheel_problems(wheel: Path) -> list[str]:
    """Files of the package (code and data) the wheel lacks, and test tooling it must not ship."""
    names = set(zipfile.ZipFile(wheel).namelist())
    package = CHECKOUT / "kompass_extract"
    tracked = run(["git", "ls-files", "kompass_extract"], CHECKOUT).split()
    wanted = [
        p
        for p in tracked
        if (CHECKOUT / p).is_file() and (package / "data" in (CHECKOUT / p).parents or p.endswith(".py"))
    ]
    problems = [f"missing from the wheel: {p}" for p in wanted if p not in names]
    problems += [f"test tooling in the wheel: {n}" for n in names if n.startswith(("kompass_testing/", "tests/"))]
    return problems


def clean_copy(target: Path) -> Path:
    """The checkout's files as a fresh clone has them (tracked or new, not ignored), without build leftovers.

    Building in the checkout itself would read the editable install's ``*.egg-info/SOURCES.txt``, which can
    smuggle a data file into the sdist that the package configuration forgets.
    """
    listed = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], CHECKOUT).split("\0")
    for name in filter(None, listed):
        source = CHECKOUT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def check(work: Path) -> int:
    """Build, install, convert and compare inside ``work``; print the figures; the exit status."""
    started = time.monotonic()
    source = clean_copy(work / "src")
    run([sys.executable, "-m", "build", "--outdir", work / "dist", source], work)
    wheel = next((work / "dist").glob("*.whl"))
    sdist = next((work / "dist").glob("*.tar.gz"))
    print(f"built {sdist.name} and {wheel.name} ({time.monotonic() - started:.1f} s)")
    problems = wheel_problems(wheel)
    for problem in problems:  # before installing: a missing data file would stop the conversion below
        print(f"problem: {problem}", file=sys.stderr)
    venv = work / "venv"
    run([sys.executable, "-m", "venv", venv], work)
    run([venv / "bin" / "pip", "install", "-q", wheel], work)
    installed = run([venv / "bin" / "python", "-c", "import kompass_extract; print(kompass_extract.__file__)"], work)
    if CHECKOUT in Path(installed.strip()).parents:
        problems.append(f"the installed package is imported from the checkout: {installed.strip()}")
    print(f"installed into a fresh venv ({time.monotonic() - started:.1f} s): {installed.strip()}")
    run([venv / "bin" / "kompass-extract", "extract", FIXTURE / "report.pdf", "--out", "o", "--format", "csv"], work)
    reports = sorted((work / "o" / "reports").glob("*.json"))
    truth = json.loads((FIXTURE / "truth.json").read_text(encoding="utf-8"))
    if len(reports) != 1:
        problems.append(f"expected one report JSON, found {len(reports)}")
    else:
        report = Report.from_dict(json.loads(reports[0].read_text(encoding="utf-8")))
        mismatches = compare(report, truth)
        exact, total = summary(mismatches, truth)
        print(f"installed kompass-extract converted {reports[0].name}: {exact}/{total} fields exact")
        for mismatch in mismatches[:20]:
            print(f"problem: {mismatch}", file=sys.stderr)
        problems += mismatches
    print(f"wheel check {'failed' if problems else 'passed'} in {time.monotonic() - started:.1f} s")
    return 1 if problems else 0


@click.command()
@click.option(
    "--keep",
    type=click.Path(file_okay=False, path_type=Path),
    help="Work here and keep it (default: a temporary folder).",
)
def main(keep: Path | None) -> None:
    """Build the wheel and sdist, install the wheel outside the checkout and convert the Luleå fixture."""
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        sys.exit(check(keep.resolve()))
    with tempfile.TemporaryDirectory(prefix="kompass-wheel-") as tmp:
        sys.exit(check(Path(tmp)))


if __name__ == "__main__":
    main()
