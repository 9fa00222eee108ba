"""Reports compiled by Typst (the third PDF producer): justified text whose punctuation hangs past the margin, lines
broken after a slash, table cells whose text runs up to the next column's head, numbered items, drawn squares and
circles, lists side by side without rules or one under the other, CID fonts with ligatures.

The PDFs under fixtures/typst/ are committed (regenerate with ``make typst-fixtures``). Each was chosen from seeds
that the code before the Typst fixes read wrongly and silently (a numbered right-hand column split at a river of
the left column's justified spaces; paragraphs cut at page breaks), so these tests fail on it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kompass_extract import extract
from kompass_testing.compare import compare, summary, unexplained
from kompass_testing.typst_producer import build_typst_truth, compile_pdf, render_typst, typst_variants

TYPST = Path(__file__).resolve().parent.parent / "fixtures" / "typst"
FOLDERS = sorted(p for p in TYPST.iterdir() if (p / "truth.json").is_file())


def _truth(folder: Path) -> dict:
    return json.loads((folder / "truth.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_typst_variant_converts_exactly_and_quietly(folder: Path) -> None:
    truth = _truth(folder)
    report = extract(folder / "report.pdf")
    mismatches = unexplained(compare(report, truth), folder.name)
    exact, total = summary(mismatches, truth)
    listing = "\n".join(str(m) for m in mismatches[:40])
    assert mismatches == [], f"{folder.name}: {exact}/{total} fields exact; typst {truth['typst']}\n{listing}"
    assert [c.message for c in report.checks if c.code == "findings-uncertain"] == []


def test_committed_typst_fixtures_are_the_variants() -> None:
    specs = {s["name"]: s for s in typst_variants()}
    assert {f.name for f in FOLDERS} == set(specs)
    for folder in FOLDERS:
        assert _truth(folder) == json.loads(json.dumps(build_typst_truth(specs[folder.name]))), folder.name
    knobs = [_truth(f)["typst"] for f in FOLDERS]
    assert {k["marker"] for k in knobs} == {"bullet", "dash", "square", "circle", "enum"}
    assert {k["findings_layout"] for k in knobs} == {"grid", "table", "stacked"}
    assert {k["justify"] for k in knobs} == {True, False}
    assert {k["narrative_columns"] for k in knobs} == {1, 2}
    assert {k["overview_valign"] for k in knobs} == {"top", "horizon"}


def test_typst_compiles_a_variant_that_converts(tmp_path: Path) -> None:
    pytest.importorskip("typst")
    spec = next(s for s in typst_variants() if s["typst"].get("font", "Libertinus Serif") == "Libertinus Serif")
    truth = build_typst_truth(spec)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(compile_pdf(render_typst(truth)))
    assert compare(extract(pdf), truth) == []
