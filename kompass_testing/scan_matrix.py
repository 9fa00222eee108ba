"""The scan matrix: every fixture with a truth (reportlab, Chromium, Luleå), scanned under every degradation, read back and scored against its truth.

Usage: ``python -m kompass_testing.scan_matrix [--degradation NAME ...] [--fixture NAME ...] [--diagonal]``
(``make scan-matrix`` runs all of it). Scans and OCR'd pages are cached under ``--cache`` (default
``.cache/scan-matrix``), so a second run after a change to parsing or validation re-reads nothing.

Three figures per degradation, the issue's "done when" measures:

* **numbers exact**: question rows (achieved, max, percent), overview totals (achieved, max, percent) and the
  "Poäng" box, as in the truth;
* **silent wrong numbers**: a number that was printed differently and carries no warning or error on its row or its
  area (must be 0: a wrong number is worse than a missing one that is flagged). A number left empty is not wrong;
* **list items found**: Styrkor / Förbättrings items matched one to one, in the right area and column, at text
  similarity >= 90 (rapidfuzz ratio after folding whitespace and case);
* **unwarned list items**: printed items not found in a column whose area carries no ``findings-uncertain``
  and none of whose items carries ``finding-text-uncertain`` (a joined, split or lost item no check names: the
  list's "silent"; a column whose count is wrong with every item found counts one);
* **misread list items**: items found (similarity >= 90) whose text is not the printed one (a letter or word
  misread), and on which no ``finding-text-uncertain`` names that item: OCR text errors no check names.
* **narrative**: the sub-area headings of each area's narrative found exactly ("hd-ex") and at text similarity
  >= 90 ("heads"), its paragraphs found at similarity >= 90, as a whole and at each end ("paras", one to one within the area), and the
  **silent narrative errors** ("N-SILENT"): a heading or paragraph printed and not found, or extracted and not
  printed (a wrong one counts once), in an area that carries none of :data:`NARRATIVE_CHECKS`. On scans there is no
  font to tell a sub-heading from a paragraph's first line, so this is where a narrative goes wrong unseen.
* **the Rubriker box** (``areas.rubriker``, the sub-area headings the box at the head of each area lists): its items
  found exactly ("rb-ex") and at text similarity >= 90 ("rubr"), items lost (printed, not found) and extra (read,
  not printed), and the **silent boxes** ("R-SILENT"): an area whose box was not read exactly as printed (an item
  lost, extra or misread) and that carries none of :data:`BOX_CHECKS`. On scans the box's markers are often read as
  letters and its end is not drawn, so this is where it goes wrong unseen.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import click
from rapidfuzz import fuzz

from kompass_extract.model import Report
from kompass_testing.degrade import DEGRADATIONS, Degradation, cached_degraded_pdf

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SIMILAR = 90.0
"""Text similarity (0-100) from which an extracted list item counts as the printed one."""
LIST_CHECK = "findings-uncertain"
"""The check that says an area's list structure is doubtful."""
TEXT_CHECK = "finding-text-uncertain"
"""The check that says one item's text may be misread (details: kind, position)."""
NARRATIVE_CHECKS = frozenset({"sections-uncertain", "narrative-uncertain", "text-garbled"})
"""Checks that say an area's narrative (its sub-headings, their paragraphs, their letters) is doubtful."""
BOX_CHECKS = frozenset({"rubriker-uncertain", "sections-uncertain", "text-garbled"})
"""Checks that say an area's Rubriker box (its items, their letters) is doubtful."""


@dataclass
class Figures:
    """Counts for one report (or a sum of reports)."""

    reports: int = 0
    pages: int = 0
    seconds: float = 0.0
    numbers: int = 0
    """Printed numbers compared (question rows, overview totals, Poäng boxes)."""
    exact: int = 0
    missing: int = 0
    """Numbers left empty."""
    wrong_flagged: int = 0
    """Wrong numbers with a warning or an error on their row or area."""
    wrong_silent: int = 0
    items: int = 0
    """Printed list items (Styrkor and Förbättrings)."""
    items_found: int = 0
    columns: int = 0
    columns_counted: int = 0
    """Columns (area x kind) whose number of items is the printed one."""
    items_unwarned: int = 0
    """Printed items not found in columns whose area has no ``findings-uncertain`` (see the module docstring)."""
    items_misread: int = 0
    """Items found whose text differs from the printed, with no ``finding-text-uncertain`` on them."""
    headings: int = 0
    """Printed sub-area headings of the narratives."""
    headings_exact: int = 0
    headings_found: int = 0
    """Printed headings with their own extracted heading at similarity >= :data:`SIMILAR`."""
    paragraphs: int = 0
    paragraphs_found: int = 0
    narrative_silent: int = 0
    """Headings and paragraphs wrong, missing or extra in areas with none of :data:`NARRATIVE_CHECKS`."""
    rubriker: int = 0
    """Printed items of the areas' Rubriker boxes."""
    rubriker_exact: int = 0
    rubriker_found: int = 0
    """Printed box items with their own extracted item at similarity >= :data:`SIMILAR`."""
    rubriker_lost: int = 0
    rubriker_extra: int = 0
    """Extracted box items that match no printed one (marker junk, a paragraph read into the box, a split item)."""
    boxes: int = 0
    boxes_wrong: int = 0
    """Boxes not read exactly as printed (an item lost, extra or with a wrong letter)."""
    boxes_silent: int = 0
    """Wrong boxes in areas with none of :data:`BOX_CHECKS`."""
    silent: list[str] = field(default_factory=list)
    """What the silent wrong numbers were: "fixture: area 3 q 3.2 achieved 12 read 2"."""
    unwarned: list[str] = field(default_factory=list)
    """Where the unwarned list items were: "fixture: area 7 improvement, 1 of 4 items"."""
    narrative_unwarned: list[str] = field(default_factory=list)
    """Where the silent narrative errors were: "fixture: area 2 headings, 2 (printed 5, read 6, found 4)"."""
    boxes_unwarned: list[str] = field(default_factory=list)
    """Where the silent boxes were: "fixture: area 3 box, printed 4, read 5, exact 3, found 4"."""

    def __add__(self, other: Figures) -> Figures:
        summed = Figures()
        for f in fields(Figures):
            setattr(summed, f.name, getattr(self, f.name) + getattr(other, f.name))
        return summed

    def row(self) -> str:
        """The figures as one line of the printed table."""
        per_page = self.seconds / self.pages if self.pages else 0.0
        return (
            f"{self.reports:>3} {self.pages:>4} {per_page:>5.1f}s "
            f"{_pct(self.exact, self.numbers):>7} {self.missing:>5} {self.wrong_flagged:>5} {self.wrong_silent:>6} "
            f"{_pct(self.items_found, self.items):>7} {_pct(self.columns_counted, self.columns):>7} "
            f"{self.items_unwarned:>8} {self.items_misread:>7} {_pct(self.headings_exact, self.headings):>6} "
            f"{_pct(self.headings_found, self.headings):>6} {_pct(self.paragraphs_found, self.paragraphs):>6} "
            f"{self.narrative_silent:>8} {_pct(self.rubriker_exact, self.rubriker):>6} "
            f"{_pct(self.rubriker_found, self.rubriker):>6} {self.rubriker_lost:>6} {self.rubriker_extra:>6} "
            f"{self.boxes_wrong:>6} {self.boxes_silent:>8}"
        )


HEADER = (
    f"{'degradation':<26}{'rep':>3} {'pages':>4} {'s/pg':>6} {'exact':>7} {'empty':>5} {'flagd':>5} {'SILENT':>6} "
    f"{'items':>7} {'counts':>7} {'UNWARNED':>8} {'MISREAD':>7} {'hd-ex':>6} {'heads':>6} {'paras':>6} {'N-SILENT':>8} "
    f"{'rb-ex':>6} {'rubr':>6} {'R-LOST':>6} {'R-XTRA':>6} {'R-WRNG':>6} {'R-SILENT':>8}"
)


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def score(report: Report, truth: dict[str, Any], name: str = "") -> Figures:
    """The figures of one extracted report against its truth."""
    out = Figures(reports=1, pages=report.pages)
    flagged = {(c.area_no, c.question_no) for c in report.checks if c.severity in ("error", "warning")}
    doubted = {c.area_no for c in report.checks if c.code == LIST_CHECK}
    misread = {
        (c.area_no, c.details.get("kind"), c.details.get("position")) for c in report.checks if c.code == TEXT_CHECK
    }
    narrative_doubted = {c.area_no for c in report.checks if c.code in NARRATIVE_CHECKS}
    box_doubted = {c.area_no for c in report.checks if c.code in BOX_CHECKS}
    areas = {a.area_no: a for a in report.areas}
    for t in truth["areas"]:
        area = areas.get(t["no"])
        got_rows = {q.question_no: q for q in area.questions} if area else {}
        pairs: list[tuple[str | None, str, Any, Any]] = []
        for q in t["questions"]:
            row = got_rows.get(q["id"])
            for key in ("achieved", "max", "percent"):
                pairs.append((q["id"], key, q[key], getattr(row, key) if row else None))
        total = t["overview_total"]
        for key, attr in (("achieved", "score"), ("max", "max"), ("percent", "percent")):
            pairs.append((None, f"total {key}", total[key], getattr(area, attr) if area else None))
        pairs.append((None, "box", t["header_score"], area.header_score if area else None))
        for question_no, what, expected, got in pairs:
            if expected is None and got is None:
                continue
            out.numbers += 1
            if got is not None and expected is not None and abs(float(got) - float(expected)) < 1e-9:
                out.exact += 1
            elif got is None:
                out.missing += 1
            elif {(t["no"], question_no), (t["no"], None)} & flagged:
                out.wrong_flagged += 1
            else:
                out.wrong_silent += 1
                where = f"q {question_no}" if question_no else ""
                out.silent.append(f"{name}: area {t['no']} {where} {what} {expected} read {got}".replace("  ", " "))
        for kind, printed in (("strength", t["strengths"]), ("improvement", t["improvements"])):
            items = [f for f in area.findings if f.kind == kind] if area else []
            extracted = [f.text for f in items]
            pairs = _matched(printed, extracted)
            found = len(pairs)
            named = {n for n, f in enumerate(items) if (t["no"], kind, f.position) in misread}
            out.items_misread += sum(_fold(printed[p]) != _fold(extracted[e]) and e not in named for p, e in pairs)
            out.items += len(printed)
            out.items_found += found
            out.columns += 1
            out.columns_counted += len(printed) == len(extracted)
            lost = len(printed) - found or int(len(printed) != len(extracted))
            if lost and t["no"] not in doubted and not named:
                out.items_unwarned += lost
                out.unwarned.append(f"{name}: area {t['no']} {kind}, {lost} of {len(printed)} items")
        _score_narrative(out, t, area.sections if area else [], t["no"] not in narrative_doubted, name)
        _score_box(out, t, area.rubriker if area else [], t["no"] not in box_doubted, name)
    return out


def _score_box(out: Figures, truth_area: dict[str, Any], read: list[str], unwarned: bool, name: str) -> None:
    """Add one area's Rubriker box to ``out``: items exact and similar (one to one), lost and extra; the box is wrong
    unless every item was read exactly and nothing more, and silent where ``unwarned``."""
    printed = list(truth_area.get("rubriker", []))
    if not printed and not read:
        return
    found = len(_matched(printed, read))
    exact = len(_matched(printed, read, exact=True))
    out.boxes += 1
    out.rubriker += len(printed)
    out.rubriker_exact += exact
    out.rubriker_found += found
    out.rubriker_lost += len(printed) - found
    out.rubriker_extra += len(read) - found
    if exact == len(printed) == len(read):
        return
    out.boxes_wrong += 1
    if unwarned:
        out.boxes_silent += 1
        out.boxes_unwarned.append(
            f"{name}: area {truth_area['no']} box, printed {len(printed)}, read {len(read)}, exact {exact}, found {found}"
        )


def _score_narrative(out: Figures, truth_area: dict[str, Any], sections: list[Any], unwarned: bool, name: str) -> None:
    """Add one area's narrative to ``out``: headings (exact, similar) and paragraphs (similar), each matched one to
    one; errors (printed not found, extracted not printed: the larger of the two) are silent where ``unwarned``.

    Paragraphs of a section holding a paragraph break the parser could not settle (``Section.breaks``, which the info
    ``paragraph-break-uncertain`` locates) are flagged, not silent, with the printed paragraphs of the heading they
    were read under, as the held-out hunt counts them (:func:`kompass_testing.heldout.silent_fields`)."""
    printed = [n["heading"] for n in truth_area["narrative"] if n["heading"]]
    extracted = [s.heading for s in sections if s.heading]
    found = len(_matched(printed, extracted))
    out.headings += len(printed)
    out.headings_exact += len(_matched(printed, extracted, exact=True))
    out.headings_found += found
    texts = [p for n in truth_area["narrative"] for p in n["paragraphs"]]
    read = [p for s in sections for p in s.paragraphs]
    out.paragraphs += len(texts)
    out.paragraphs_found += len(_matched(texts, read, ends=True))
    if not unwarned:
        return
    texts, read = _settled_paragraphs(truth_area["narrative"], sections)
    for what, total, got, hits in (
        ("headings", len(printed), len(extracted), found),
        ("paragraphs", len(texts), len(read), len(_matched(texts, read, ends=True))),
    ):
        errors = max(total, got) - hits
        if errors:
            out.narrative_silent += errors
            out.narrative_unwarned.append(
                f"{name}: area {truth_area['no']} {what}, {errors} (printed {total}, read {got}, found {hits})"
            )


def _settled_paragraphs(narrative: list[dict[str, Any]], sections: list[Any]) -> tuple[list[str], list[str]]:
    """The printed and the read paragraphs an area's checks leave unflagged: all but those of sections holding an
    unsettled paragraph break and of the printed sub-areas whose headings those sections were read under."""
    doubted = [s for s in sections if s.breaks]
    if not doubted:
        return [p for n in narrative for p in n["paragraphs"]], [p for s in sections for p in s.paragraphs]
    headed = [n for n in narrative if n["heading"]]
    pairs = _matched([n["heading"] for n in headed], [s.heading or "" for s in doubted])
    unsure = {id(headed[i]) for i, _ in pairs}
    if any(not s.heading for s in doubted):  # a section without a heading: the narrative's text before any heading
        unsure |= {id(n) for n in narrative if not n["heading"]}
    texts = [p for n in narrative if id(n) not in unsure for p in n["paragraphs"]]
    return texts, [p for s in sections if not s.breaks for p in s.paragraphs]


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _matched(
    printed: list[str], extracted: list[str], *, exact: bool = False, ends: bool = False
) -> list[tuple[int, int]]:
    """(printed index, extracted index) of the printed items that have their own extracted item at similarity
    >= :data:`SIMILAR` (greedy, one to one); ``exact``: the same text but for runs of whitespace; ``ends``: its
    first and last :data:`END` characters alike too (a long paragraph that lost its first line to a made-up heading
    is still 90% like the printed one)."""
    fold = (lambda t: " ".join(t.split())) if exact else _fold
    left = dict(enumerate(fold(t) for t in extracted))
    pairs = []
    for n, item in enumerate(map(fold, printed)):
        scores = {k: 100.0 * (item == other) if exact else _similarity(item, other, ends) for k, other in left.items()}
        best = max(scores, key=scores.__getitem__, default=None)
        if best is not None and scores[best] >= (100.0 if exact else SIMILAR):
            pairs.append((n, best))
            del left[best]
    return pairs


END = 40
"""Characters at each end of a paragraph that must be alike for it to count as found: where it starts and ends."""


def _similarity(a: str, b: str, ends: bool) -> float:
    whole = fuzz.ratio(a, b)
    return min(whole, fuzz.ratio(a[:END], b[:END]), fuzz.ratio(a[-END:], b[-END:])) if ends else whole


def fixture_folders(names: Iterable[str] = ()) -> list[Path]:
    """The generated fixtures (reportlab and Chromium) and the Luleå report (folders with report.pdf and
    truth.json), optionally by name."""
    folders = [p for kind in ("generated", "chromium") for p in sorted((FIXTURES / kind).glob("*/truth.json"))]
    folders = [p.parent for p in folders] + [FIXTURES / "lulea-2018"]
    wanted = set(names)
    return [f for f in folders if not wanted or f.name in wanted]


def plan(folders: list[Path], degradations: list[Degradation], diagonal: bool) -> list[tuple[Path, Degradation]]:
    """Every fixture under every degradation; or (``diagonal``) each fixture under one, taken in turn, so that
    every fixture and every degradation is seen at 1/len(degradations) of the cost."""
    if diagonal:
        return [(f, degradations[i % len(degradations)]) for i, f in enumerate(folders)]
    return [(f, d) for d in degradations for f in folders]


def run_one(folder: Path, degradation: Degradation, cache_dir: Path, *, only: list[int] | None = None) -> Figures:
    """Scan one fixture under one degradation (only the pages ``only`` when given), extract it (OCR cached in
    ``cache_dir``) and score it."""
    from kompass_extract import extract

    scan = cached_degraded_pdf(folder / "report.pdf", degradation, cache_dir / "scans", only=only)
    started = time.perf_counter()
    report = extract(scan, ocr_cache=str(cache_dir))
    figures = score(report, json.loads((folder / "truth.json").read_text(encoding="utf-8")), folder.name)
    figures.seconds = time.perf_counter() - started
    return figures


@click.command()
@click.option("--degradation", "names", multiple=True, type=click.Choice(sorted(DEGRADATIONS)), help="Repeatable.")
@click.option("--fixture", "fixtures", multiple=True, help="Fixture folder name (repeatable); default: all.")
@click.option("--diagonal", is_flag=True, help="Each fixture under one degradation, in turn (1/8 of the cost).")
@click.option(
    "--cache", "cache_dir", type=click.Path(file_okay=False, path_type=Path), default=ROOT / ".cache/scan-matrix"
)
def main(names: tuple[str, ...], fixtures: tuple[str, ...], diagonal: bool, cache_dir: Path) -> None:
    """Score extraction of degraded scans of the fixtures against their truth; one line per degradation."""
    degradations = [DEGRADATIONS[n] for n in names] if names else list(DEGRADATIONS.values())
    by_degradation: dict[str, Figures] = {}
    for folder, degradation in plan(fixture_folders(fixtures), degradations, diagonal):
        figures = run_one(folder, degradation, cache_dir)
        click.echo(f"{degradation.name:<26}{figures.row()}  {folder.name}", err=True)
        by_degradation[degradation.name] = by_degradation.get(degradation.name, Figures()) + figures
    click.echo(HEADER)
    for name, figures in by_degradation.items():
        click.echo(f"{name:<26}{figures.row()}")
    total = sum(by_degradation.values(), Figures())
    click.echo(f"{'all':<26}{total.row()}")
    for line in total.silent:
        click.echo(f"silent wrong number: {line}")
    for line in total.unwarned:
        click.echo(f"list items lost without {LIST_CHECK} or {TEXT_CHECK}: {line}")
    for line in total.narrative_unwarned:
        click.echo(f"narrative errors without {'/'.join(sorted(NARRATIVE_CHECKS))}: {line}")
    for line in total.boxes_unwarned:
        click.echo(f"Rubriker boxes wrong without {'/'.join(sorted(BOX_CHECKS))}: {line}")


if __name__ == "__main__":
    sys.exit(main())
