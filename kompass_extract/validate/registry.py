"""The registry of check codes and the small functions that raise them.

A *code* (``RULES``) is the stable, documented name of one kind of doubt: its usual severity and what it
means (the README's table of checks is generated from it). A *rule* is a small function registered for a
code with a message template; it looks at one subject and yields a :class:`Hit` per problem, carrying
the structured details (expected, got, interval, ...) that go into the ``details`` column of ``checks``.
The message is the template filled with those details, so the text and the data cannot disagree.

Adding a rule (in one of the ``*_rules`` modules, or a new one listed in ``RULE_MODULES`` of
:mod:`kompass_extract.validate.run`)::

    @rule(
        "findings-uncertain",
        "warning",
        "A findings list could not be read with confidence.",
        message="area {area_no}: {count} findings read, {why}",
        on="area",
    )
    def findings_uncertain(area: AreaFacts) -> Iterator[Hit]:
        if ...:
            yield hit(area=area.no, count=3, text={"why": "..."})

``on`` says what the function is called with (see :data:`SCOPES`); a second rule for an existing code
omits severity and description. Within a scope, rules run in the order they are registered, and the
scopes run in the order of :data:`SCOPES` (per area: questions, numbering, area, area-review), so the
order of the checks is deterministic. A code raised outside this package (``possible-duplicate-report``
by the batch) is declared with :func:`declare` and made into a check with :func:`make_check`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from kompass_extract.model import Check
from kompass_extract.validate.numbers import fmt, fmt_interval

SEVERITIES = ("error", "warning", "info")

SCOPES = ("report", "question", "numbering", "area", "area-review", "report-end")
"""What a rule is called with, in the order the scopes run:

- ``report``: :class:`~kompass_extract.validate.enrich.ReportFacts`, before the areas;
- ``question``: :class:`~kompass_extract.validate.enrich.QuestionFacts`, each row of each area in printed order;
- ``numbering``: :class:`~kompass_extract.validate.enrich.AreaFacts`, the numbering of an area's rows (these and
  the question rules are the *row* checks an area's totals defer to);
- ``area``: :class:`~kompass_extract.validate.enrich.AreaFacts` with the totals settled (``rows_flagged``, sums);
- ``area-review``: :class:`~kompass_extract.validate.enrich.AreaFacts` with ``checks``, the area's checks so far;
- ``report-end``: :class:`~kompass_extract.validate.enrich.ReportFacts`, after the areas.
"""


@dataclass(frozen=True)
class Rule:
    """A check code: its usual severity and what it means (exceptions are in the description)."""

    severity: str
    description: str


@dataclass(frozen=True)
class RuleFunction:
    """One registered rule: the code it raises, its message template and the function."""

    code: str
    message: str
    scope: str
    function: Callable[[Any], Iterable[Hit]]


@dataclass
class Hit:
    """One problem a rule found: where, the structured details, and message-only wording."""

    details: dict[str, Any]
    area_no: int | None = None
    question_no: str | None = None
    severity: str | None = None
    """Overrides the code's usual severity (e.g. a warning when a row of the area is already an error)."""
    text: dict[str, str] = field(default_factory=dict)
    """Fragments of the message that are wording, not data (kept out of ``details``)."""


def hit(
    *,
    area: int | None = None,
    question: str | None = None,
    severity: str | None = None,
    text: dict[str, str] | None = None,
    **details: Any,
) -> Hit:
    """A :class:`Hit`; keyword arguments other than the named ones are the details."""
    return Hit(details, area, question, severity, text or {})


RULES: dict[str, Rule] = {}
_FUNCTIONS: list[RuleFunction] = []


def declare(code: str, severity: str, description: str) -> None:
    """Declare a check code (once); rules and outside callers then raise it."""
    if code in RULES:
        raise ValueError(f"check code {code!r} is declared twice")
    if severity not in SEVERITIES:
        raise ValueError(f"check code {code!r}: unknown severity {severity!r}")
    RULES[code] = Rule(severity, description)


def rule(
    code: str,
    severity: str | None = None,
    description: str | None = None,
    *,
    message: str,
    on: str,
) -> Callable[[Callable[[Any], Iterable[Hit]]], Callable[[Any], Iterable[Hit]]]:
    """Register the decorated function as a rule raising ``code``; declare the code when new."""
    if on not in SCOPES:
        raise ValueError(f"rule {code!r}: unknown scope {on!r} (one of {', '.join(SCOPES)})")
    if severity is not None or description is not None:
        if severity is None or description is None:
            raise ValueError(f"rule {code!r}: give both a severity and a description, or neither")
        declare(code, severity, description)
    elif code not in RULES:
        raise ValueError(f"rule {code!r}: a new code needs a severity and a description")

    def register(function: Callable[[Any], Iterable[Hit]]) -> Callable[[Any], Iterable[Hit]]:
        _FUNCTIONS.append(RuleFunction(code, message, on, function))
        return function

    return register


def rules_for(scope: str) -> list[RuleFunction]:
    """The rules of one scope in registration order."""
    return [f for f in _FUNCTIONS if f.scope == scope]


def run_rules(scope: str, subject: Any) -> list[Check]:
    """Every rule of ``scope`` on ``subject``, as checks (a new object per check)."""
    return [make_check(f.code, found, f.message) for f in rules_for(scope) for found in f.function(subject)]


def make_check(code: str, found: Hit, message: str) -> Check:
    """A check of ``code`` from a hit: the template filled with the details, the details made JSON-safe."""
    words = {k: _render(v) for k, v in found.details.items()}
    return Check(
        found.severity or RULES[code].severity,
        code,
        message.format_map({**words, **found.text}),  # a text may restate a detail (e.g. 'missing')
        found.area_no,
        found.question_no,
        {k: _plain(v) for k, v in found.details.items()},
    )


def _render(value: Any) -> str:
    """A detail as the message prints it: numbers without trailing zeros, intervals closed, None as '?'."""
    if value is None:
        return "?"
    if isinstance(value, bool | str):
        return str(value)
    if isinstance(value, int | float):
        return fmt(value)
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, int | float) for v in value):
        return fmt_interval(value)
    return str(value)


def _plain(value: Any) -> Any:
    """A detail as JSON data: floats rounded to 6 decimals, infinity as None, tuples as lists."""
    if isinstance(value, float):
        return round(value, 6) if math.isfinite(value) else None
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value
