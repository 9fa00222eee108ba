"""Held-out born-digital reports: layouts nobody committed, drawn at random from the axes the variant files support.

Every committed fixture passes, so the silent failures that are left hide in combinations of layout knobs that no
variant file holds. This draws new variant specs (seeded), for each PDF producer, from the values the committed
variants already use (``variants.json``, ``chromium_variants.json``, ``typst_variants.json``, and each producer's
defaults), skips any spec equal to a committed one, renders it with its truth, extracts it and scores it:

* **exact**: fields of the truth reproduced (:func:`kompass_testing.compare.summary`);
* **flagged**: a field that differs where a warning or error names its area (for a report-level field: any
  report-level warning or error), or a narrative paragraph of a section that holds a paragraph break the parser
  could not settle (``sections.breaks``, reported as the info ``paragraph-break-uncertain``);
* **SILENT**: a field that differs where no check says so: the failures this hunt is after.

Usage: ``python -m kompass_testing.heldout --seed N --count K --out DIR [--producer NAME ...]`` (``make heldout``);
each report lands in ``DIR/<name>/`` (report.pdf, truth.json), the scores in ``DIR/results.jsonl``, and a table by
producer and by layout axis goes to stdout. ``--score-only`` re-scores the reports already in DIR (after a fix).
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click

from kompass_extract.model import Report
from kompass_testing.compare import Mismatch, compare, summary
from kompass_testing.truth_builder import LAYOUT_DEFAULTS, load_json

PRODUCERS = ("reportlab", "typst", "chromium", "libreoffice")
TEMPLATE_KEYS = ("edition", "template")
SHARED_TEXT_KEYS = (
    "long_findings",
    "improvements_label",
    "half_points",
    "percent_format",
    "area_heading",
    "area_names",
    "name_form",
    "question_typos",
    "total_label",
    "score_step",
    "hyphenated_words",
)
"""Layout keys that the HTML and Typst producers print through the shared report text (report_text.py and the truth's
own strings); the other keys of LAYOUT_DEFAULTS (fonts, page numbers, contents, Kortfakta ...) only reportlab draws,
so a truth holding them would not be what those producers print."""
SHARED_TEMPLATES = ("skl2016", "analys_upper", "skr2020")
"""Templates whose cover the shared report text knows (report_text.cover_lines)."""
LIBREOFFICE_IGNORED = {"findings_layout": ("columns",), "narrative_columns": (2, 3)}
"""HTML knob values LibreOffice's HTML import ignores (CSS columns): such a spec would test the import, not a layout."""
NON_DEFAULT_SHARE = 0.3
"""Chance that a layout key takes a non-default value: most knobs stay at their default, as in real reports."""


def committed_specs() -> dict[str, list[dict[str, Any]]]:
    """The committed variant specs by producer (LibreOffice converts some of the Chromium ones)."""
    from kompass_testing.html_producer import LIBREOFFICE_VARIANTS

    chromium = list(load_json("chromium_variants.json"))
    return {
        "reportlab": list(load_json("variants.json")),
        "chromium": chromium,
        "libreoffice": [s for s in chromium if s["name"] in LIBREOFFICE_VARIANTS],
        "typst": list(load_json("typst_variants.json")),
    }


def _knob_key(producer: str) -> str | None:
    return {"chromium": "html", "libreoffice": "html", "typst": "typst"}.get(producer)


def _producer_defaults(producer: str) -> dict[str, Any]:
    if producer in ("chromium", "libreoffice"):
        from kompass_testing.html_producer import HTML_DEFAULTS, HTML_LATER

        return {**HTML_DEFAULTS, **HTML_LATER}
    if producer == "typst":
        from kompass_testing.typst_producer import TYPST_DEFAULTS

        return dict(TYPST_DEFAULTS)
    return {}


def axes(producer: str) -> tuple[list[tuple[str, str]], dict[str, list[Any]], dict[str, list[Any]]]:
    """(edition, template) pairs, layout values and producer knob values a held-out spec may take: each key's
    default and every value a committed variant file gives it (any producer's file for the shared layout keys)."""
    every = [s for specs in committed_specs().values() for s in specs]
    templates = SHARED_TEMPLATES if producer != "reportlab" else tuple({s["template"] for s in every})
    pairs = sorted({(s["edition"], s["template"]) for s in every if s["template"] in templates})
    keys = LAYOUT_DEFAULTS if producer == "reportlab" else SHARED_TEXT_KEYS
    layout = {k: _values(LAYOUT_DEFAULTS[k], (s[k] for s in every if k in s)) for k in keys}
    knob = _knob_key(producer)
    defaults = _producer_defaults(producer)
    own = [s.get(knob, {}) for s in committed_specs()[producer if producer != "libreoffice" else "chromium"]]
    knobs = {k: _values(v, (s[k] for s in own if k in s)) for k, v in defaults.items()}
    for key, dropped in LIBREOFFICE_IGNORED.items() if producer == "libreoffice" else ():
        knobs[key] = [v for v in knobs[key] if v not in dropped]
    return pairs, layout, knobs


def _values(default: Any, seen: Iterable[Any]) -> list[Any]:
    """The default first, then every other value seen, in a stable order."""
    out = [default]
    for value in sorted(seen, key=json.dumps):
        if value not in out:
            out.append(value)
    return out


def _draw(rng: random.Random, values: list[Any]) -> Any:
    if len(values) > 1 and rng.random() < NON_DEFAULT_SHARE:
        return rng.choice(values[1:])
    return values[0]


def canonical(spec: dict[str, Any], producer: str) -> str:
    """The spec's layout as a string with defaults left out: two specs that print alike give the same string."""
    knob = _knob_key(producer)
    layout = {k: v for k, v in spec.items() if k in LAYOUT_DEFAULTS and v != LAYOUT_DEFAULTS[k]}
    defaults = _producer_defaults(producer)
    knobs = {k: v for k, v in spec.get(knob, {}).items() if v != defaults.get(k)} if knob else {}
    return json.dumps([spec["edition"], spec["template"], layout, knobs], sort_keys=True)


def draw_specs(producer: str, seed: int, count: int) -> list[dict[str, Any]]:
    """``count`` held-out specs for ``producer``: drawn from :func:`axes` with ``seed``, none printing like a
    committed variant (or like another drawn one)."""
    rng = random.Random(f"heldout:{producer}:{seed}")
    pairs, layout, knobs = axes(producer)
    taken = {canonical(s, producer) for s in committed_specs()[producer]}
    specs: list[dict[str, Any]] = []
    while len(specs) < count:
        edition, template = rng.choice(pairs)
        name = f"heldout-{producer}-{seed}-{len(specs):02d}"
        spec: dict[str, Any] = {"name": name, "seed": rng.randrange(10**6), "edition": edition, "template": template}
        spec.update({k: v for k, values in layout.items() if (v := _draw(rng, values)) != LAYOUT_DEFAULTS[k]})
        knob = _knob_key(producer)
        if knob:
            spec[knob] = {k: v for k, values in knobs.items() if (v := _draw(rng, values)) != values[0]}
        key = canonical(spec, producer)
        if key not in taken:
            taken.add(key)
            specs.append(spec)
    return specs


def render(producer: str, spec: dict[str, Any]) -> tuple[bytes, dict[str, Any]]:
    """The PDF bytes and truth of one spec, made by ``producer``."""
    if producer == "reportlab":
        from kompass_testing.generate import generate_variant

        return generate_variant(spec)
    if producer == "typst":
        from kompass_testing.typst_producer import build_typst_truth, compile_pdf, render_typst

        truth = build_typst_truth(spec)
        return compile_pdf(render_typst(truth)), truth
    from kompass_testing.html_producer import (
        build_html_truth,
        convert_with_libreoffice,
        libreoffice_truth,
        print_pdf,
        render_html,
    )

    if producer == "chromium":
        truth = build_html_truth(spec)
        return print_pdf(render_html(truth)), truth
    truth = libreoffice_truth(spec)
    return convert_with_libreoffice(render_html(truth)), truth


def score(folder: Path) -> dict[str, Any]:
    """Extract ``folder/report.pdf`` and score it against ``folder/truth.json`` (see the module's figures)."""
    from kompass_extract import extract
    from kompass_extract.errors import KompassError

    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    try:
        report = extract(folder / "report.pdf")
    except KompassError as exc:
        return {"error": f"{type(exc).__name__}: {exc}"[:300]}
    mismatches = compare(report, truth)
    exact, total = summary(mismatches, truth)
    silent = silent_fields(mismatches, report)
    codes = Counter(c.code for c in report.checks if c.severity in ("warning", "error"))
    return {
        "exact": exact,
        "fields": total,
        "wrong": len(mismatches),
        "flagged": len(mismatches) - len(silent),
        "silent": len(silent),
        "silent_fields": [str(m)[:300] for m in silent[:20]],
        "warnings": dict(sorted(codes.items())),
    }


def silent_fields(mismatches: list[Mismatch], report: Report) -> list[Mismatch]:
    """The mismatches no check names: not in an area (for a report-level field: not in a report) that a warning or
    error names, and not a narrative paragraph of a section holding a paragraph break the parser could not settle
    (``Section.breaks``: the info ``paragraph-break-uncertain`` locates it, ``sections.uncertain_breaks`` counts it)."""
    doubted = {c.area_no for c in report.checks if c.severity in ("warning", "error")}
    breaks = tuple(
        f"areas[{a.area_no}].sections[{i}]." for a in report.areas for i, s in enumerate(a.sections) if s.breaks
    )
    return [m for m in mismatches if _area_of(m) not in doubted and not m.path.startswith(breaks)]


def _area_of(mismatch: Mismatch) -> int | None:
    """The area a field belongs to (``areas[3]...`` -> 3), None for a report-level field."""
    if not mismatch.path.startswith("areas["):
        return None
    return int(mismatch.path[6 : mismatch.path.index("]")])


def table(rows: list[dict[str, Any]]) -> str:
    """Figures by producer, then by layout axis (key=value of the held-out specs that had a silent field)."""
    lines = ["producer      reports  errors  fields exact       flagged  SILENT  reports with SILENT"]
    for producer in PRODUCERS:
        mine = [r for r in rows if r["producer"] == producer]
        if mine:
            lines.append(_line(producer, mine))
    lines.append(_line("all", rows))
    by_axis: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        for axis in _axis_values(row["spec"], row["producer"]):
            by_axis[axis].append(row)
    lines.append("\naxis value (reports having it) with a SILENT field: reports with SILENT / reports, SILENT fields")
    for axis, mine in sorted(by_axis.items()):
        hit = [r for r in mine if r.get("silent")]
        if hit:
            lines.append(f"  {axis}: {len(hit)}/{len(mine)}, {sum(r['silent'] for r in hit)}")
    return "\n".join(lines)


def _line(label: str, rows: list[dict[str, Any]]) -> str:
    ok = [r for r in rows if "error" not in r]
    exact, fields = sum(r["exact"] for r in ok), sum(r["fields"] for r in ok)
    share = f"{exact}/{fields} ({100 * exact / max(fields, 1):.2f}%)"
    return (
        f"{label:<13} {len(rows):>7} {len(rows) - len(ok):>7}  {share:<24} {sum(r['flagged'] for r in ok):>4} "
        f"{sum(r['silent'] for r in ok):>7}  {sum(1 for r in ok if r['silent'])}"
    )


def _axis_values(spec: dict[str, Any], producer: str) -> list[str]:
    knob = _knob_key(producer)
    out = [f"{producer}:{k}={json.dumps(v, ensure_ascii=False)}" for k, v in spec.items() if k in TEMPLATE_KEYS]
    out += [f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in spec.items() if k in LAYOUT_DEFAULTS]
    out += (
        [f"{producer}:{k}={json.dumps(v, ensure_ascii=False)}" for k, v in spec.get(knob, {}).items()] if knob else []
    )
    return out


def run(
    producers: Iterable[str], seed: int, count: int, out: Path, score_only: bool, echo: Callable[[str], None]
) -> list[dict[str, Any]]:
    """Draw, render, extract and score ``count`` specs per producer under ``out``; the rows of results.jsonl."""
    from kompass_testing.generate import write_fixture

    rows = []
    for producer in producers:
        for spec in draw_specs(producer, seed, count):
            folder = out / spec["name"]
            start = time.process_time()
            if not score_only:
                try:
                    write_fixture(folder, *render(producer, spec))
                except Exception as exc:  # noqa: BLE001 - a producer that cannot print a spec is counted, not fatal
                    echo(f"{spec['name']}: not rendered ({type(exc).__name__}: {exc})"[:300])
                    continue
            if not (folder / "report.pdf").exists():
                continue
            row = {"producer": producer, "name": spec["name"], "spec": spec, **score(folder)}
            row["cpu_s"] = round(time.process_time() - start, 2)
            echo(f"{spec['name']}: " + (row.get("error") or f"{row['exact']}/{row['fields']}, SILENT {row['silent']}"))
            rows.append(row)
    return rows


@click.command()
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--count", type=int, default=10, show_default=True, help="Held-out reports per producer.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--producer", "producers", multiple=True, type=click.Choice(PRODUCERS), help="Default: all four.")
@click.option("--score-only", is_flag=True, help="Re-score the reports already rendered under --out.")
def main(seed: int, count: int, out: Path, producers: tuple[str, ...], score_only: bool) -> None:
    """Render held-out born-digital reports, extract them and count exact, flagged and SILENT fields."""
    out.mkdir(parents=True, exist_ok=True)
    rows = run(producers or PRODUCERS, seed, count, out, score_only, lambda text: click.echo(text, err=True))
    with (out / "results.jsonl").open("w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    click.echo(table(rows))


if __name__ == "__main__":
    sys.exit(main())
