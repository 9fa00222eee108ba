"""Figures per PDF producer and list-marker kind over fixture folders with a truth: the issue-12 targets.

Usage: ``python -m kompass_testing.figures fixtures/generated fixtures/chromium fixtures/typst fixtures/lulea-2018``.
Prints, per group (producer / marker kind): reports, numbers exact, wrong numbers without a warning or error
on their area, and list items right (strengths, improvements and Rubriker: the column has as many items as
printed and each reads with similarity >= 90).
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import click
from rapidfuzz import fuzz

from kompass_extract import extract
from kompass_extract.model import Report
from kompass_testing.compare import flatten_report, flatten_truth

NUMBER_KEYS = ("header_score", "score", "max", "percent", ".achieved")
LIST_KEYS = ("strengths", "improvements", "rubriker")
SIMILAR = 90


def group_of(truth: dict[str, Any]) -> str:
    """'reportlab / pua', 'chromium / disc', 'lulea (Word)': what made the PDF and how its lists are marked."""
    if "layout" not in truth:
        return "Luleå 2018 (Word export)"
    if truth.get("producer") == "chromium":
        return f"chromium / {truth['html']['marker']}"
    if truth.get("producer") == "typst":
        return f"typst / {truth['typst']['marker']}"
    return f"reportlab / {truth['layout']['bullet']}"


def score(report: Report, truth: dict[str, Any]) -> dict[str, int]:
    """Counts for one report: numbers (exact, total, wrong and unflagged) and list items (right, total)."""
    expected, got = flatten_truth(truth), flatten_report(report)
    flagged = {c.area_no for c in report.checks if c.severity in ("warning", "error")}
    counts = defaultdict(int)
    for path, value in expected.items():
        if not path.startswith("areas[") or not path.endswith(NUMBER_KEYS) or value is None:
            continue
        counts["numbers"] += 1
        found = got.get(path)
        if found is not None and abs(float(found) - float(value)) < 1e-9:
            counts["numbers_exact"] += 1
        elif found is not None and int(path[6 : path.index("]")]) not in flagged:
            counts["numbers_wrong_silent"] += 1
    for area in truth["areas"]:
        for key in LIST_KEYS:
            printed = area[key]
            read = [got.get(f"areas[{area['no']}].{key}[{i}]") for i in range(len(printed) + 1)]
            same_count = read[len(printed)] is None and all(r is not None for r in read[: len(printed)])
            counts["items"] += len(printed)
            if same_count:
                counts["items_right"] += sum(fuzz.ratio(p, r) >= SIMILAR for p, r in zip(printed, read, strict=False))
    return counts


def figures(folders: list[Path]) -> dict[str, dict[str, int]]:
    """Summed counts per group over every ``report.pdf`` with a ``truth.json`` under ``folders``."""
    groups: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for truth_path in sorted(
        p for folder in folders for p in [*folder.glob("truth.json"), *folder.glob("*/truth.json")]
    ):
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        counts = score(extract(truth_path.parent / "report.pdf"), truth)
        group = groups[group_of(truth)]
        group["reports"] += 1
        for key, value in counts.items():
            group[key] += value
    return groups


@click.command()
@click.argument("folders", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
def main(folders: tuple[Path, ...]) -> None:
    """Print the figures per producer / marker kind (a Markdown table)."""
    groups = figures(list(folders))
    click.echo("| producer / markers | reports | numbers exact | wrong numbers unflagged | list items right |")
    click.echo("|---|---:|---:|---:|---:|")
    for name in sorted(groups):
        g = groups[name]
        click.echo(
            f"| {name} | {g['reports']} | {g['numbers_exact']}/{g['numbers']} ({_pct(g['numbers_exact'], g['numbers'])}) "
            f"| {g['numbers_wrong_silent']} | {g['items_right']}/{g['items']} ({_pct(g['items_right'], g['items'])}) |"
        )


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


if __name__ == "__main__":
    sys.exit(main())
