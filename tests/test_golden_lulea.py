"""The real-world golden answer: the Luleå 2018 report must convert exactly."""

from __future__ import annotations

import json
from pathlib import Path

from kompass_extract import extract
from kompass_extract.testing.compare import compare, summary

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "lulea-2018"


def test_lulea_2018_converts_exactly() -> None:
    truth = json.loads((FIXTURE / "truth.json").read_text(encoding="utf-8"))
    mismatches = compare(extract(FIXTURE / "report.pdf"), truth)
    exact, total = summary(mismatches, truth)
    listing = "\n".join(str(m) for m in mismatches[:60])
    assert mismatches == [], f"{exact}/{total} fields exact\n{listing}"
