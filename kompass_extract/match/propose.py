"""Proposals for new catalog rows from questions that matched nothing in extracted outputs.

The catalog grows from what was extracted: unmatched questions of many reports are grouped by
edition, area and printed number, then clustered by text similarity, so one reviewed row can cover
the same criterion printed (with small differences) in many reports. Rows are in ``criteria.csv`` format
(one per catalog id, the evidence in ``source``), ready to append to the ``criteria.csv`` of a user's
catalog directory (``--catalog-dir``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from kompass_extract.match.catalog import QUESTION_THRESHOLD, Catalog
from kompass_extract.match.text import similarity

EXAMPLE_REPORTS = 5


@dataclass
class _Cluster:
    texts: list[str] = field(default_factory=list)
    maxima: list[str] = field(default_factory=list)
    report_ids: list[str] = field(default_factory=list)


def _number(value: str) -> float | None:
    try:
        return float(value.replace(",", ".")) if value else None
    except ValueError:
        return None


def _max_text(value: str) -> str:
    number = _number(value)
    return "" if number is None else f"{number:g}"


def propose_rows(questions: list[dict[str, str]], reports: list[dict[str, str]], catalog: Catalog) -> list[dict]:
    """Rows to review and append to criteria.csv: one per edition and question number, most reports first.

    Unmatched texts with the same edition, area and number are clustered by similarity; the cluster seen in
    most reports gives the wording (others are named in ``source``). ``questions`` and ``reports`` are rows of
    the output tables (as read from CSV: all strings); questions with a catalog_id, that ``catalog`` matches now,
    or of a report without an edition are left out. Besides the criteria.csv columns a row has ``count`` (reports) and ``variants``.
    """
    edition_of = {r["report_id"]: r.get("edition", "") for r in reports}
    groups: dict[tuple[str, int, str], list[_Cluster]] = {}
    for q in questions:
        if q.get("catalog_id") or not q.get("question_text"):
            continue
        key = (edition_of.get(q["report_id"], ""), int(_number(q["area_no"]) or 0), q["question_no"])
        if key[0] and catalog.match_question(*key, q["question_text"]):  # the catalog grew since the conversion
            continue
        clusters = groups.setdefault(key, [])
        cluster = next((c for c in clusters if similarity(q["question_text"], c.texts[0]) >= QUESTION_THRESHOLD), None)
        if cluster is None:
            cluster = _Cluster()
            clusters.append(cluster)
        cluster.texts.append(q["question_text"])
        cluster.maxima.append(q.get("max", ""))
        cluster.report_ids.append(q["report_id"])

    existing = {c.catalog_id: c.question_text for c in catalog.criteria()}
    rows = []
    for (edition, area_no, question_no), clusters in sorted(groups.items()):
        if not edition:  # a row without an edition has no catalog id
            continue
        best, *others = sorted(clusters, key=lambda c: -len(set(c.report_ids)))
        text = Counter(best.texts).most_common(1)[0][0]
        maximum = Counter(m for m in best.maxima if m).most_common(1)
        reports_seen = sorted(set(best.report_ids))
        source = f"proposed from {len(reports_seen)} report(s): {', '.join(reports_seen[:EXAMPLE_REPORTS])}"
        if others:
            source += "; other wording(s) under this number: " + " | ".join(o.texts[0] for o in others)
        replaced = existing.get(f"{edition}:{question_no}")
        if replaced:
            source += f"; replaces the catalog wording {replaced!r}"
        rows.append(
            {
                "edition": edition,
                "area_no": area_no,
                "area_name": catalog.area_names(edition).get(area_no, ""),
                "question_no": question_no,
                "question_text": text,
                "max": _max_text(maximum[0][0]) if maximum else "",
                "rubrik": "",
                "certainty": "printed",
                "source": source,
                "count": len(reports_seen),
                "variants": len(set(best.texts)),
            }
        )
    return sorted(rows, key=lambda r: (-r["count"], r["edition"], r["area_no"], r["question_no"]))
