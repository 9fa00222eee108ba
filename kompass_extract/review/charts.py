"""Charts of area scores: one municipality over time, and several municipalities side by side.

Area numbers mean different things in different editions of the criteria (2016 area 8 'Kommunen som
samhällsbyggare' is 2020 area 2 'Samhällsutveckling'), so areas are placed by the concept they measure
(``areas.concept``, from the catalog's crosswalk), never by their number, and each point or bar keeps its
own edition's number and name. The time series never draws a line across an edition change: it breaks the
lines there and marks the change.
matplotlib is imported only when a chart is drawn (Agg backend, no display needed); the file
format follows the extension of the output path (.png, .svg, .pdf).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kompass_extract.match.catalog import Catalog, Concept, load_catalog
from kompass_extract.review.data import ReportView, ReviewInputError
from kompass_extract.review.format import fmt_num

FIGSIZE = (10.0, 6.0)
DPI = 100
"""A PNG is FIGSIZE * DPI pixels (1000 x 600): stable, so pages embedding it keep their layout."""


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "kompass-extract"  # stable element ids in SVG output
    import matplotlib.pyplot as plt

    return plt


def _save(fig: Any, out: Path) -> Path:
    """Save without timestamps so the same data gives the same file."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fmt = out.suffix.lstrip(".").lower() or "png"
    metadata = {"Date": None} if fmt in ("svg", "pdf") else {}
    fig.savefig(out, format=fmt, dpi=DPI, metadata=metadata)
    import matplotlib.pyplot as plt

    plt.close(fig)
    return out


@dataclass(frozen=True)
class AreaPoint:
    """One report's area as drawn: named by its own edition's number and name, placed by its concept."""

    view: ReportView
    area_no: int
    area_name: str
    score: float


def concept_points(view: ReportView, catalog: Catalog) -> dict[str, AreaPoint]:
    """The report's scored areas by concept (from the areas table; the catalog fills in older output folders)."""
    edition = view.report.get("edition")
    points = {}
    for area in view.areas:
        concept = area.get("concept") or catalog.concept_of(edition, area["area_no"])
        score = view.area_score(area)
        if concept and score is not None:
            name = area.get("area_name_canonical") or area.get("area_name") or ""
            points[concept] = AreaPoint(view, area["area_no"], name, score)
    return points


def compare_groups(views: list[ReportView], catalog: Catalog | None = None) -> list[tuple[Concept, list[AreaPoint]]]:
    """Per concept (in catalog order), each report's area measuring it: areas pair by concept, never by number."""
    catalog = catalog or load_catalog()
    points = [concept_points(v, catalog) for v in views]
    groups = []
    for concept in catalog.concepts.values():
        members = [p[concept.concept] for p in points if concept.concept in p]
        if members:
            groups.append((concept, members))
    return groups


def _x_positions(views: list[ReportView]) -> list[float]:
    """The year of each report; a second report of the same year is nudged right so it stays visible."""
    xs: list[float] = []
    for view in views:
        x = float(view.report.get("year") or (xs[-1] + 1 if xs else 0))
        while x in xs:
            x += 0.25
        xs.append(x)
    return xs


def time_series_chart(views: list[ReportView], out: str | Path, catalog: Catalog | None = None) -> Path:
    """Area scores of one municipality's reports (oldest first), lines broken and marked at edition changes."""
    if not views:
        raise ReviewInputError("no reports to chart")
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=FIGSIZE, dpi=DPI, layout="constrained")
    xs = _x_positions(views)
    editions = [v.report.get("edition") or "unknown" for v in views]
    runs: list[list[int]] = []
    for i, edition in enumerate(editions):
        if runs and editions[runs[-1][-1]] == edition:
            runs[-1].append(i)
        else:
            runs.append([i])
    catalog = catalog or load_catalog()
    points = [concept_points(v, catalog) for v in views]
    concepts = [c for c in catalog.concepts.values() if any(c.concept in p for p in points)]
    colors = plt.get_cmap("tab10")
    for k, concept in enumerate(concepts):
        for run in runs:  # one legend entry per concept and edition: each point keeps its own edition's name
            run_points = [(xs[i], points[i][concept.concept]) for i in run if concept.concept in points[i]]
            if run_points:
                first = run_points[0][1]
                label = f"{concept.label}: {editions[run[0]]} area {first.area_no} {first.area_name}"
                ax.plot(
                    [x for x, _ in run_points],
                    [p.score for _, p in run_points],
                    marker="o",
                    color=colors(k % 10),
                    label=textwrap.shorten(label, 90, placeholder="…"),
                )
    for run in runs[1:]:
        x = (xs[run[0] - 1] + xs[run[0]]) / 2
        ax.axvline(x, color="0.4", linestyle="--", linewidth=1)
        ax.annotate(
            f"edition {editions[run[0]]}",
            (x, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(4, -14),
            textcoords="offset points",
            fontsize=9,
            color="0.3",
        )
    ax.set_xticks(xs, [f"{fmt_num(v.report.get('year'))}\n{e}" for v, e in zip(views, editions, strict=True)])
    ax.set_xlim(min(xs) - 0.5, max(xs) + 0.5)
    ax.set_ylim(0, max([100.0, *(a.get("max") or 0 for v in views for a in v.areas)]))
    ax.set_ylabel("area score (points)")
    ax.set_title(f"{views[-1].name}: Kommunkompassen area scores by report (edition below the year)")
    ax.grid(axis="y", color="0.9")
    fig.legend(loc="outside lower center", ncols=2, fontsize=7, frameon=False)
    return _save(fig, Path(out))


def compare_chart(views: list[ReportView], out: str | Path, catalog: Catalog | None = None) -> Path:
    """Area profiles of several reports (one per municipality) as grouped bars."""
    if not views:
        raise ReviewInputError("no reports to compare")
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=FIGSIZE, dpi=DPI, layout="constrained")
    groups = compare_groups(views, catalog)
    width = 0.8 / len(views)
    colors = plt.get_cmap("tab10")
    for k, view in enumerate(views):
        edition = view.report.get("edition") or "unknown"
        bars = [(g, p) for g, (_, members) in enumerate(groups) for p in members if p.view is view]
        xs = [g + (k - (len(views) - 1) / 2) * width for g, _ in bars]
        ax.bar(
            xs,
            [p.score for _, p in bars],
            width=width * 0.95,
            color=colors(k % 10),
            label=f"{view.label} (edition {edition})",
        )
        for x, (_, p) in zip(xs, bars, strict=True):  # each bar names its own edition's area
            ax.annotate(
                textwrap.shorten(f"{p.area_no}. {p.area_name}", 34, placeholder="…"),
                (x, 2),
                rotation=90,
                ha="center",
                va="bottom",
                fontsize=6,
                color="white",
            )
    ax.set_xticks(
        range(len(groups)),
        [textwrap.fill(c.label, 16, break_long_words=False) for c, _ in groups],
        fontsize=8,
    )
    ax.set_ylim(0, max([100.0, *(a.get("max") or 0 for v in views for a in v.areas)]))
    ax.set_ylabel("area score (points)")
    editions = {v.report.get("edition") for v in views}
    caveat = "; editions differ: see area_crosswalk before comparing" if len(editions) > 1 else ""
    ax.set_title(f"Area profiles by concept{caveat}", fontsize=10)
    ax.grid(axis="y", color="0.9")
    ax.set_axisbelow(True)
    fig.legend(loc="outside lower center", ncols=min(len(views), 3), fontsize=9, frameon=False)
    return _save(fig, Path(out))
