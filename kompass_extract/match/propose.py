"""Proposals for new catalog rows from questions that matched nothing in extracted outputs.

The catalog grows from what was extracted: unmatched questions of many reports are grouped by
edition, area and printed number, then clustered by text similarity, so one reviewed row can cover
the same criterion printed (with small differences) in many reports.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from kompass_extract.match.catalog import CRITERIA_FIELDS, QUESTION_THRESHOLD, Catalog
from kompass_extract.match.text import similarity

PROPOSAL_FIELDS = (*CRITERIA_FIELDS, "count", "report_ids", "variants", "existing_text")
"""Catalog columns first (so reviewed rows can be appended to criteria.csv once the last four are
dropped), then what the reviewer needs: how many reports, which, how many wordings, and the
catalog wording already under the same id, if any (then the row is a variant, not a new criterion)."""
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
    """Rows to review: one per cluster of similar unmatched texts with the same edition, area and number.

    ``questions`` and ``reports`` are rows of the ``questions`` and ``reports`` output tables (as
    read from CSV: all strings). Rows with a catalog_id are ignored.
    """
    edition_of = {r["report_id"]: r.get("edition", "") for r in reports}
    groups: dict[tuple[str, int, str], list[_Cluster]] = {}
    for q in questions:
        if q.get("catalog_id") or not q.get("question_text"):
            continue
        key = (edition_of.get(q["report_id"], ""), int(_number(q["area_no"]) or 0), q["question_no"])
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
        area_name = catalog.area_names(edition).get(area_no, "") if edition else ""
        for cluster in clusters:
            text = Counter(cluster.texts).most_common(1)[0][0]
            maximum = Counter(m for m in cluster.maxima if m).most_common(1)
            reports_seen = sorted(set(cluster.report_ids))
            rows.append(
                {
                    "edition": edition,
                    "area_no": area_no,
                    "area_name": area_name,
                    "question_no": question_no,
                    "question_text": text,
                    "max": _max_text(maximum[0][0]) if maximum else "",
                    "rubrik": "",
                    "certainty": "printed",
                    "source": f"extracted from {len(reports_seen)} report(s), e.g. {', '.join(reports_seen[:EXAMPLE_REPORTS])}",
                    "count": len(reports_seen),
                    "report_ids": "; ".join(reports_seen),
                    "variants": len(set(cluster.texts)),
                    "existing_text": existing.get(f"{edition}:{question_no}", "") if edition else "",
                }
            )
    return sorted(rows, key=lambda r: (-r["count"], r["edition"], r["area_no"], r["question_no"]))
