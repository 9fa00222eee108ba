"""Corrections as data: values a person verified against the PDF, applied after extraction, before publication.

``corrections.csv`` (:mod:`kompass_extract.correct.file`) names a value by its report and its table key; the batch
and ``validate`` apply it to the extracted report and check the corrected report again
(:mod:`kompass_extract.correct.apply`). The cache keeps the extraction, so a rerun applies the file again.
"""

from kompass_extract.correct.apply import (
    CORRECTION_CODES,
    UnmatchedCorrection,
    apply_corrections,
    correct_report,
    route_corrections,
)
from kompass_extract.correct.file import (
    HEADER,
    CorrectionRow,
    CorrectionsFileError,
    correction_line,
    corrections_digest,
    read_corrections,
)

__all__ = [
    "CORRECTION_CODES",
    "HEADER",
    "CorrectionRow",
    "CorrectionsFileError",
    "UnmatchedCorrection",
    "apply_corrections",
    "correct_report",
    "correction_line",
    "corrections_digest",
    "read_corrections",
    "route_corrections",
]
