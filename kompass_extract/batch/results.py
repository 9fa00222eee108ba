"""What a batch run produces besides the tables: one :class:`Outcome` per input (a converted report as its
:class:`ReportSummary`), :class:`Progress` snapshots for the CLI's lines and bar, and the :class:`RunSummary`
written to ``runs/`` and printed with ``--json``."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

from kompass_extract.correct import CorrectionRow
from kompass_extract.model import Check, Report
from kompass_extract.validate import severity_counts


@dataclass
class ReportSummary:
    """What the batch keeps of a converted report until it is published: a few hundred bytes.

    The report itself (~0.4 MB in memory) waits in the cache, from which the publication reads it back, one at a
    time, in the order of the tables; whatever needs the whole batch (ids, reports saved twice, corrections,
    the run's counts) is decided from these summaries. The fields of :func:`base_report_id` keep their names.
    """

    source_file: str
    sha256: str | None
    municipality: str | None
    kommun: str | None
    kommunkod: str | None
    year: int | None
    month: str | None
    edition: str | None
    areas: int
    questions: int
    findings: int
    sections: int
    checks: dict[str, int]
    """Checks per severity, every severity present (:func:`severity_counts`), the added ones included."""
    numbers: str
    """A digest of every area's and question's numbers: equal for the same report saved twice."""
    report_id: str | None = None
    added_checks: list[Check] = field(default_factory=list)
    """Checks that only the whole batch can raise (``possible-duplicate-report``), added at publication."""
    corrections: tuple[CorrectionRow, ...] = ()
    """The corrections that name this report, applied again when it is published."""

    @classmethod
    def of(cls, report: Report) -> ReportSummary:
        return cls(
            source_file=report.source_file,
            sha256=report.sha256,
            municipality=report.municipality,
            kommun=report.kommun,
            kommunkod=report.kommunkod,
            year=report.year,
            month=report.month,
            edition=report.edition,
            areas=len(report.areas),
            questions=sum(len(a.questions) for a in report.areas),
            findings=sum(len(a.findings) for a in report.areas),
            sections=sum(len(a.sections) for a in report.areas),
            checks=severity_counts(report.checks),
            numbers=_numbers_digest(report),
            report_id=report.report_id,
        )

    def corrected(self, report: Report) -> None:
        """Take over what corrections changed: identity, edition, counts and checks of the corrected report."""
        fresh = ReportSummary.of(report)
        fresh.report_id, fresh.corrections = self.report_id, self.corrections
        self.__dict__.update(fresh.__dict__)

    def add_check(self, check: Check) -> None:
        self.added_checks.append(check)
        self.checks = {s: n + (s == check.severity) for s, n in self.checks.items()}


def _numbers_digest(report: Report) -> str:
    def number(value: float | None) -> float | None:
        return None if value is None else float(value) + 0.0  # 55 and 55.0 are equal, and so are 0.0 and -0.0

    numbers = tuple(
        (a.area_no, number(a.score), number(a.header_score),
         tuple((q.question_no, number(q.achieved), number(q.max), number(q.percent)) for q in a.questions))
        for a in report.areas
    )  # fmt: skip
    return hashlib.sha256(repr(numbers).encode()).hexdigest()


@dataclass(frozen=True)
class Progress:
    """A snapshot for progress displays, sent after every change."""

    total: int
    done: int
    failed: int
    cached: int
    running: tuple[str, ...]
    event: str  # "start", "ok", "failed", or "page" (``detail`` says which page of ``path`` is being OCR'd)
    path: str
    outcome: Outcome | None = None
    """With "ok" and "failed": what became of ``path`` (report or failure, seconds, cached), for per-file lines."""
    detail: str = ""


@dataclass
class Outcome:
    """What happened to one distinct input."""

    path: str
    sha256: str | None
    report: ReportSummary | None = None
    """A converted report, summarised (the report itself is in the cache)."""
    error_code: str | None = None
    message: str | None = None
    seconds: float | None = None
    cached: bool = False
    traceback: str | None = None
    peak_rss_mb: float | None = None
    """The worker's peak resident memory while it converted this file."""


@dataclass
class RunSummary:
    """The run's record: counts, per-file results, duplicates, timing. Not a data table; see ``runs/``."""

    out_dir: str
    started_at: str
    extractor_version: str
    options: dict[str, Any]
    seconds: float = 0.0
    inputs: int = 0
    converted: int = 0
    failed: int = 0
    from_cache: int = 0
    checks: dict[str, int] = field(default_factory=dict)
    reports: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, str]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    tracebacks: dict[str, str] = field(default_factory=dict, repr=False)
    """Tracebacks of internal errors by input, for ``--debug``; kept out of :meth:`to_dict`."""

    @property
    def exit_code(self) -> int:
        """1 when any input failed, or with ``strict`` when any report has an error-level check; else 0."""
        strict_error = self.options.get("strict") and self.checks.get("error", 0) > 0
        return 1 if self.failed or strict_error else 0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["tracebacks"]
        data["exit_code"] = self.exit_code
        return data
