"""The held-out generator draws layouts no variant file holds, and scores what it renders (kompass_testing.heldout)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kompass_testing.generate import write_fixture
from kompass_testing.heldout import PRODUCERS, axes, canonical, committed_specs, draw_specs, render, score


@pytest.mark.parametrize("producer", PRODUCERS)
def test_held_out_specs_are_seeded_and_none_prints_like_a_committed_variant(producer: str) -> None:
    specs = draw_specs(producer, seed=7, count=6)
    assert specs == draw_specs(producer, seed=7, count=6)
    committed = {canonical(s, producer) for s in committed_specs()[producer]}
    drawn = [canonical(s, producer) for s in specs]
    assert len(set(drawn)) == 6 and not committed & set(drawn)
    pairs, layout, knobs = axes(producer)
    for spec in specs:
        assert (spec["edition"], spec["template"]) in pairs
        assert all(spec[k] in values for k, values in layout.items() if k in spec)


def test_libreoffice_specs_leave_out_the_css_columns_it_ignores() -> None:
    for spec in draw_specs("libreoffice", seed=3, count=20):
        assert spec["html"].get("findings_layout") != "columns" and spec["html"].get("narrative_columns", 1) == 1


def test_a_held_out_report_is_rendered_and_scored(tmp_path: Path) -> None:
    spec = draw_specs("reportlab", seed=1, count=1)[0]
    folder = write_fixture(tmp_path / spec["name"], *render("reportlab", spec))
    row = score(folder)
    assert row["fields"] > 500 and row["fields"] - row["exact"] <= row["wrong"]
    assert row["wrong"] == row["flagged"] + row["silent"]
