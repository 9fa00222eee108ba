"""What a batch run produces besides the tables: one :class:`Outcome` per input, :class:`Progress` snapshots for
the CLI's lines and bar, and the :class:`RunSummary` written to ``runs/`` and printed with ``--json``."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from kompass_extract.model import Report


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
    report: Report | None = None
    data: dict[str, Any] | None = field(default=None, repr=False)
    """The report as :meth:`Report.to_dict` gave it (from the worker or the cache), for the report JSON."""
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
