"""Stage 5, validate: rounding-aware consistency rules; every finding is a :class:`~kompass_extract.model.Check`."""

from kompass_extract.validate.rules import RULES, SEVERITIES, Rule, severity_counts, validate_report

__all__ = ["RULES", "SEVERITIES", "Rule", "severity_counts", "validate_report"]
