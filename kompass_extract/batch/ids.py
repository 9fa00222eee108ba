"""Report ids: '<kommunkod>-<year>' with '-2', '-3' for a second report, ordered by content, never by file name."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from kompass_extract.batch.results import ReportSummary
from kompass_extract.locate.labels import labels
from kompass_extract.validate import hit, make_check
from kompass_extract.write.tables import base_report_id

_SAME_REPORT = (
    "{report_id} has the same scores as {other_report_id} ({other_source_file}): the same report saved twice?"
)


def _month_index(month: str | None) -> int:
    name = (month or "").strip().lower()
    months = labels()["months"]
    return months.index(name) if name in months else len(months)


def assign_report_ids(reports: Sequence[ReportSummary], *, flag_duplicates: bool = True) -> None:
    """Set every report's final id; reports sharing a base id get '-2', '-3' by month, then by content hash.

    The order depends only on what the reports contain, never on file names or the order of the inputs, so
    the same set of files always gives the same ids. (A report added later that sorts first takes the base
    id over: ids of a municipality with two reports in one year are stable per run, not across archives.)
    Reports of one id group whose numbers are all equal are flagged ``possible-duplicate-report``: the same
    report saved twice would otherwise enter a panel twice (not with ``flag_duplicates=False``: the ids that
    corrections name are assigned before the corrections, the final ones and the flags after them). Works on
    summaries: the whole batch's reports are never in memory at once.
    """
    groups: dict[str, list[ReportSummary]] = defaultdict(list)
    for report in reports:
        groups[base_report_id(report)].append(report)
    for base, group in groups.items():
        group.sort(key=lambda r: (_month_index(r.month), r.sha256))
        for number, report in enumerate(group, 1):
            report.report_id = base if number == 1 else f"{base}-{number}"
        if flag_duplicates:
            _flag_same_content(group)


def _flag_same_content(group: list[ReportSummary]) -> None:
    seen: dict[str, ReportSummary] = {}
    for report in group:
        first = seen.setdefault(report.numbers, report)
        if first is not report:
            for a, b in ((report, first), (first, report)):
                same = hit(report_id=a.report_id, other_report_id=b.report_id, other_source_file=b.source_file)
                a.add_check(make_check("possible-duplicate-report", same, _SAME_REPORT))
