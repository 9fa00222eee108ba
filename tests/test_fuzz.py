"""Fuzz the batch: a seeded set of hostile and odd inputs (kompass_testing.hostile) converted in one run.

The batch invariants: every input is accounted for exactly once (a report, a failure row or a duplicate), every
failure code is a documented one, no traceback reaches the user, the run ends in bounded time and every file in
bounded memory, good reports under odd names give exactly their own numbers, and a damaged report never gives
another municipality's. ``make test`` runs a fast sample; ``make fuzz`` the whole set
(``KOMPASS_FUZZ_COUNT=200``, with the crafted memory and page bombs) and prints the figures.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from conftest import LULEA_PDF

from kompass_extract.errors import FAILURE_CODES
from kompass_testing.hostile import GENERATED, ODD_NAMES, generate

COUNT = int(os.environ.get("KOMPASS_FUZZ_COUNT", "32"))
FULL = COUNT >= 100
SEED = int(os.environ.get("KOMPASS_FUZZ_SEED", "13"))
TIMEOUT = 60
MAX_MEMORY_MB = 2048
KOMPASS = Path(sys.executable).parent / "kompass-extract"


def _areas(report: dict) -> list[tuple]:
    return [(a["area_no"], a["score"], a["max"], len(a["questions"])) for a in report["areas"]]


def _source_kommunkod(name: str) -> str | None:
    """The kommunkod of the fixture a mutated input was made from (its name says which)."""
    variant = name.split("-", 3)[-1].removesuffix(".pdf")
    if variant == "lulea-2018":
        return "2580"
    truth = GENERATED / variant / "truth.json"
    return json.loads(truth.read_text(encoding="utf-8")).get("kommunkod") if truth.is_file() else None


def test_fuzz_batch_keeps_its_invariants(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    made = {h.name: h for h in generate(inputs, seed=SEED, count=COUNT, bombs=FULL)}
    out = tmp_path / "out"
    start = time.monotonic()
    result = subprocess.run(
        [str(KOMPASS), "extract", str(inputs), "--out", str(out), "--json", "--jobs", "2",
         "--timeout", str(TIMEOUT), "--max-memory", str(MAX_MEMORY_MB)] + ([] if FULL else ["--ocr", "never"]),
        capture_output=True, text=True, timeout=60 * 60,
    )  # fmt: skip
    wall = time.monotonic() - start
    assert result.returncode == 1, result.stderr[-3000:]
    assert "Traceback" not in result.stderr and "Error:" not in result.stderr.replace("error:", "")
    summary = json.loads(result.stdout)

    seen = [Path(r["source_file"]).name for r in summary["reports"]]
    seen += [Path(f["source_file"]).name for f in summary["failures"]]
    seen += [Path(d["source_file"]).name for d in summary["duplicates"]]
    assert sorted(seen) == sorted(made), "every input exactly once"
    pairs = {frozenset((Path(d["source_file"]).name, Path(d["duplicate_of"]).name)) for d in summary["duplicates"]}
    assert frozenset(("same-bytes.pdf", ODD_NAMES[0])) in pairs  # the same bytes under two names: converted once
    failures = {Path(f["source_file"]).name: f for f in summary["failures"]}
    assert {f["error_code"] for f in failures.values()} <= set(FAILURE_CODES)
    assert [f for f in failures.values() if f["error_code"] == "internal-error"] == []
    for name, hostile in made.items():
        if hostile.expect not in (None, "ok"):
            assert failures[name]["error_code"] == hostile.expect, (name, failures[name])
        elif hostile.expect == "ok":
            assert name not in failures, (name, failures.get(name))

    reference = json.loads(
        subprocess.run([sys.executable, "-c", f"from kompass_extract import extract; import json; "
                        f"print(json.dumps(extract({str(LULEA_PDF)!r}).to_dict()))"],
                       capture_output=True, text=True, check=True).stdout
    )  # fmt: skip
    documents = {
        Path(d["source_file"]).name: d
        for d in (json.loads(p.read_text(encoding="utf-8")) for p in (out / "reports").glob("*.json"))
    }
    for name, hostile in made.items():
        if hostile.good_as:
            assert _areas(documents[name]) == _areas(reference), name
    for name, document in documents.items():
        expected = _source_kommunkod(name) if name.startswith("mut-") else None
        if expected and document.get("kommunkod"):
            assert document["kommunkod"] == expected, f"{name} gave another municipality's report"

    timings = [(r["seconds"] or 0.0, Path(r["source_file"]).name) for r in summary["reports"] + summary["failures"]]
    memory = [(r["peak_rss_mb"] or 0.0, Path(r["source_file"]).name) for r in summary["reports"] + summary["failures"]]
    slowest, worst = max(timings), max(memory)
    assert slowest[0] <= TIMEOUT + 5 and worst[0] <= MAX_MEMORY_MB
    assert wall < (40 * 60 if FULL else 240)
    print(
        f"\nfuzz: {len(made)} inputs (seed {SEED}), {summary['converted']} converted, {summary['failed']} failed, "
        f"{len(summary['duplicates'])} duplicates; codes "
        f"{dict(sorted((c, sum(f['error_code'] == c for f in failures.values())) for c in FAILURE_CODES if any(f['error_code'] == c for f in failures.values())))}; "
        f"wall {wall:.1f} s; slowest input {slowest[1][:60]!r} {slowest[0]:.2f} s; "
        f"worst peak memory {worst[1][:60]!r} {worst[0]:.0f} MB"
    )
