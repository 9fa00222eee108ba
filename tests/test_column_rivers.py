"""A river of wide spaces in justified text is no gutter (parse/columns.py)."""

from __future__ import annotations

from kompass_extract.parse.columns import in_columns
from kompass_extract.read.geometry import Word
from kompass_extract.read.lines import Line

SIZE = 10.0


def _line(parts: list[tuple[str, float]], top: float) -> Line:
    """A line of words laid from each (text, x) part, 5 pt per character and 3 pt spaces."""
    words = []
    for text, x in parts:
        for token in text.split():
            words.append(Word(token, x, top, x + 5.0 * len(token), top + SIZE, SIZE, False))
            x = words[-1].x1 + 3.0
    return Line(words, 1)


def _justified(text: str, top: float, left: float = 70.0, right: float = 281.0) -> Line:
    """``text`` stretched from ``left`` to ``right``: every space alike, as justification sets them."""
    tokens = text.split()
    widths = [5.0 * len(t) for t in tokens]
    space = (right - left - sum(widths)) / (len(tokens) - 1)
    words, x = [], left
    for token, width in zip(tokens, widths, strict=True):
        words.append(Word(token, x, top, x + width, top + SIZE, SIZE, False))
        x += width + space
    return Line(words, 1)


def test_justified_lines_whose_wide_spaces_meet_stay_lines_of_one_column() -> None:
    """Lines of a narrow justified column stretched so that their wide spaces meet ("I en kommun beställer
    politiken" over "genomförandet av ett uppdrag av en" over "utförarorganisation. Det kan vara de") were read as two
    columns between the full lines: the words of the lines were interleaved in the paragraph, with no check. A river
    is no wider than the line's other spaces; a gutter is."""
    full = "modell som är utformad i svenska kommuner och"
    lines = [_line([(full, 70.0)], 100.0 + 14 * n) for n in range(4)]
    lines += [
        _justified("I en kommun beställer politiken", 156.0),
        _justified("genomförandet av ett uppdrag", 170.0),
        _justified("utförarorganisation. Det kan vara", 184.0),
    ]
    lines += [_line([(full, 70.0)], 198.0 + 14 * n) for n in range(4)]
    assert [ln.text for ln in in_columns(lines)[0]] == [ln.text for ln in lines]


def test_two_columns_between_text_across_the_page_are_still_read_column_by_column() -> None:
    """The same lines with the right-hand words starting at one edge are two columns, as before."""
    full = "modell som är utformad i svenska kommuner och"
    lines = [_line([(full, 70.0)], 100.0 + 14 * n) for n in range(4)]
    lines.append(_line([("varierar däremot", 70.0), ("i stor omfattning.", 185.0)], 156.0))
    lines.append(_line([("För att samspelet", 70.0), ("mellan den", 185.0)], 170.0))
    lines += [_line([(full, 70.0)], 184.0 + 14 * n) for n in range(4)]
    texts = [ln.text for ln in in_columns(lines)[0]]
    assert texts[4:8] == ["varierar däremot", "För att samspelet", "i stor omfattning.", "mellan den"]
