"""Charts of area scores: one municipality over time, and several municipalities side by side.

Area numbers mean different things in different editions of the criteria, so the time series
never draws a line across an edition change: it breaks the lines there and marks the change.
matplotlib is imported only when a chart is drawn (Agg backend, no display needed); the file
format follows the extension of the output path (.png, .svg, .pdf).
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

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


def _area_names(view: ReportView) -> dict[int, str]:
    return {a["area_no"]: a.get("area_name_canonical") or a.get("area_name") or "" for a in view.areas}


def _scores(view: ReportView) -> dict[int, float]:
    return {a["area_no"]: s for a in view.areas if (s := view.area_score(a)) is not None}


def _x_positions(views: list[ReportView]) -> list[float]:
    """The year of each report; a second report of the same year is nudged right so it stays visible."""
    xs: list[float] = []
    for view in views:
        x = float(view.report.get("year") or (xs[-1] + 1 if xs else 0))
        while x in xs:
            x += 0.25
        xs.append(x)
    return xs


def time_series_chart(views: list[ReportView], out: str | Path) -> Path:
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
    names = _area_names(views[-1])
    area_nos = sorted({n for v in views for n in _scores(v)})
    colors = plt.get_cmap("tab10")
    for k, area_no in enumerate(area_nos):
        label: str | None = f"{area_no}. {names.get(area_no, '')}".strip()
        for run in runs:
            points = [(xs[i], _scores(views[i])[area_no]) for i in run if area_no in _scores(views[i])]
            if points:
                ax.plot(*zip(*points, strict=True), marker="o", color=colors(k % 10), label=label)
                label = None  # one legend entry per area
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
    fig.legend(loc="outside lower center", ncols=2, fontsize=9, frameon=False)
    return _save(fig, Path(out))


def compare_chart(views: list[ReportView], out: str | Path) -> Path:
    """Area profiles of several reports (one per municipality) as grouped bars."""
    if not views:
        raise ReviewInputError("no reports to compare")
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=FIGSIZE, dpi=DPI, layout="constrained")
    area_nos = sorted({n for v in views for n in _scores(v)})
    width = 0.8 / len(views)
    colors = plt.get_cmap("tab10")
    for k, view in enumerate(views):
        scores = _scores(view)
        xs = [n + (k - (len(views) - 1) / 2) * width for n in area_nos if n in scores]
        edition = view.report.get("edition") or "unknown"
        ax.bar(
            xs,
            [scores[n] for n in area_nos if n in scores],
            width=width * 0.95,
            color=colors(k % 10),
            label=f"{view.label} (edition {edition})",
        )
    names = _area_names(views[0])
    ax.set_xticks(
        area_nos, [f"{n}\n" + textwrap.fill(names.get(n, ""), 16, break_long_words=False) for n in area_nos], fontsize=8
    )
    ax.set_ylim(0, max([100.0, *(a.get("max") or 0 for v in views for a in v.areas)]))
    ax.set_ylabel("area score (points)")
    editions = {v.report.get("edition") for v in views}
    caveat = " (editions differ: compare areas with care)" if len(editions) > 1 else ""
    ax.set_title(f"Area profiles, latest report of each municipality{caveat}")
    ax.grid(axis="y", color="0.9")
    ax.set_axisbelow(True)
    fig.legend(loc="outside lower center", ncols=min(len(views), 3), fontsize=9, frameon=False)
    return _save(fig, Path(out))
