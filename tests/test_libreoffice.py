"""Reports converted by headless LibreOffice (the third PDF producer) from the Chromium variants' HTML.

LibreOffice indents each list cell past the middle of its header label and aligns a table row's cells by their
first lines ('Poäng' on the line of a long rubrik); both broke extraction silently once. The PDFs under
fixtures/libreoffice/ are committed (regenerate with ``make libreoffice-fixtures``), so converting them needs no
LibreOffice.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kompass_extract import extract
from kompass_testing.compare import compare, summary
from kompass_testing.html_producer import LIBREOFFICE_VARIANTS, html_variants, libreoffice_name, libreoffice_truth

LIBREOFFICE = Path(__file__).resolve().parent.parent / "fixtures" / "libreoffice"
FOLDERS = sorted(p for p in LIBREOFFICE.iterdir() if (p / "truth.json").is_file())


def _truth(folder: Path) -> dict:
    return json.loads((folder / "truth.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_libreoffice_variant_converts_exactly_and_quietly(folder: Path) -> None:
    truth = _truth(folder)
    report = extract(folder / "report.pdf")
    mismatches = compare(report, truth)
    exact, total = summary(mismatches, truth)
    listing = "\n".join(str(m) for m in mismatches[:40])
    assert mismatches == [], f"{folder.name}: {exact}/{total} fields exact\n{listing}"
    assert [c.message for c in report.checks if c.severity != "info"] == []


def test_committed_libreoffice_fixtures_are_the_variants() -> None:
    specs = {libreoffice_name(s): s for s in html_variants() if s["name"] in LIBREOFFICE_VARIANTS}
    assert {f.name for f in FOLDERS} == set(specs)
    for folder in FOLDERS:
        assert _truth(folder) == json.loads(json.dumps(libreoffice_truth(specs[folder.name]))), folder.name
    assert {_truth(f)["producer"] for f in FOLDERS} == {"libreoffice"}
