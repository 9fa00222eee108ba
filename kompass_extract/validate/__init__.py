"""Stage 5, validate: enrichment (score intervals, the authoritative area score) and rounding-aware rules.

:mod:`~kompass_extract.validate.enrich` computes what the printed numbers imply and writes it onto the report;
the rules (``*_rules.py``) are small functions registered in :mod:`~kompass_extract.validate.registry` with
their code, severity, message template and structured details; :mod:`~kompass_extract.validate.run` runs them.
Every finding is a :class:`~kompass_extract.model.Check`.
"""

from kompass_extract.validate.registry import RULES, SEVERITIES, Hit, Rule, declare, hit, make_check, rule
from kompass_extract.validate.run import severity_counts, validate_report

__all__ = [
    "RULES",
    "SEVERITIES",
    "Hit",
    "Rule",
    "declare",
    "hit",
    "make_check",
    "rule",
    "severity_counts",
    "validate_report",
]
