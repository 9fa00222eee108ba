"""Warm conversion speed of the stages after reading (issue 18): parsing and catalog matching do less work, with the
same results as the plain definitions they replace."""

from __future__ import annotations

import pytest

from kompass_extract.locate.labels import is_label
from kompass_extract.model import Area
from kompass_extract.parse import sections
from kompass_extract.read.document import Line, Word


def _word(text: str, x0: float, top: float, size: float = 10.0, bold: bool = False) -> Word:
    return Word(text, x0, top, x0 + 6.0 * len(text), top + size, size, bold)


def test_the_box_tests_words_against_its_labels_only_in_the_lines_it_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: every word of the 40 lines after an area heading was tested against the box labels, though the
    sub-area headings end within a few lines; the lines are read one at a time and the rest are left alone."""
    lines = [
        Line([_word("Rubriker", 50, 100, bold=True), _word("Poäng", 300, 100, bold=True)], 1),
        Line([_word("•", 50, 114), _word("Ledning", 60, 114)], 1),
        Line([_word("•", 50, 128), _word("Styrning", 60, 128), _word("71", 300, 128)], 1),
        *(Line([_word(f"Brödtext{n}", 50, 200 + 14 * n)], 1) for n in range(30)),
    ]
    tested: list[str] = []
    monkeypatch.setattr(sections, "is_label", lambda text, *keys: tested.append(text) or is_label(text, *keys))
    area = Area(1)
    start = sections._parse_box(lines, area, None)
    assert area.rubriker == ["Ledning", "Styrning"] and area.header_score == 71.0
    assert start == 3
    assert "Brödtext0" in tested  # the line that ends the headings is read
    assert not [t for t in tested if t.startswith("Brödtext") and t != "Brödtext0"]
