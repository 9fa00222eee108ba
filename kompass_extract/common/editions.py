"""What an edition of the criteria fixes about a report's shape: how many areas, their maxima, the table columns.

The values live in ``data/catalog/editions.csv`` (one row per edition; a user's catalog directory can add an
edition); :class:`~kompass_extract.match.catalog.Catalog` reads them. Parsing runs before the edition is known,
so it uses the facts :meth:`EditionFacts.covering` every edition of the catalog; validation and the report
totals use the facts of the report's edition.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

COLUMN_NAMES = ("achieved", "max", "percent")
"""The numeric columns an overview table can have (Uppnått, Max, Procent)."""
PERCENT_MAX = 100.0
_CANONICAL_QUESTION_NO = re.compile(r"^(\d+)\.(\d+)$")


def question_no(area_no: int, k: int) -> str:
    """The question number a report carries, whatever its edition prints: '<area>.<k>' ("1.10", "8.3")."""
    return f"{area_no}.{k}"


@dataclass(frozen=True)
class EditionFacts:
    """The shape of a report of one edition."""

    area_count: int = 8
    """Areas 1..area_count."""
    area_max: float = 100.0
    """Maximum of each area's total row."""
    report_max: float = 800.0
    """Maximum of the sum of the area totals."""
    columns: tuple[str, ...] = COLUMN_NAMES
    """Order of the numeric columns of the overview tables, read when a table prints no header row."""
    question_no_patterns: tuple[str, ...] = (r"^(\d{1,2})[.,](\d{1,2})[.:]?$",)
    """How a printed question number looks; groups 1 and 2 are the area and the question within it."""

    @property
    def area_nos(self) -> range:
        return range(1, self.area_count + 1)

    @property
    def cell_max(self) -> float:
        """The largest number an overview cell can hold: a score (at most the area maximum) or a percent."""
        return max(self.area_max, PERCENT_MAX)

    @cached_property
    def question_no_res(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p) for p in self.question_no_patterns)

    def match_question_no(self, text: str) -> re.Match[str] | None:
        """The printed question number ``text`` as (area, k) groups, None when it is not one."""
        return next((m for r in self.question_no_res if (m := r.match(text))), None)

    def parse_question_no(self, text: str) -> tuple[int, int] | None:
        """(area, k) of a question number as a report carries it (:func:`question_no`) or as the edition prints
        it (a catalog criterion copied from a report: "1:2" of an edition printing "1:2"); None for neither."""
        text = (text or "").strip()
        m = _CANONICAL_QUESTION_NO.match(text) or self.match_question_no(text)
        return (int(m.group(1)), int(m.group(2))) if m else None

    @classmethod
    def covering(cls, facts: Iterable[EditionFacts]) -> EditionFacts:
        """Facts that admit a report of any of ``facts`` (for parsing, before the edition is known): the most
        areas, the highest maxima, every question-number pattern; the columns when all agree, else the default."""
        facts = list(facts) or [cls()]
        columns = {f.columns for f in facts}
        patterns = tuple(dict.fromkeys(p for f in facts for p in f.question_no_patterns))
        return cls(
            max(f.area_count for f in facts),
            max(f.area_max for f in facts),
            max(f.report_max for f in facts),
            columns.pop() if len(columns) == 1 else COLUMN_NAMES,
            patterns,
        )


DEFAULT_FACTS = EditionFacts()
"""Facts of every packaged edition; used when the edition is unknown."""
