"""Two narrative columns whose head is not a clean run of column lines (parse/columns.py): short text across the
page right above them, and the columns' last lines going on overleaf. Both were read with the columns' lines
interleaved, and no check named it (held-out Chromium report, seed 41: 16 silent fields in two areas)."""

from __future__ import annotations

from kompass_extract.locate.areas import AreaHeading
from kompass_extract.locate.layout import Layout
from kompass_extract.model import Area, Report
from kompass_extract.parse.columns import MIDDLE, in_columns
from kompass_extract.parse.sections import parse_area
from kompass_extract.read.geometry import Word
from kompass_extract.read.lines import Line
from kompass_extract.validate import validate_report

SIZE = 10.0
LEFT, RIGHT = 70.0, 290.0
"""Where the left and the right column begin; the left column's lines end before 280 (a 10 pt gutter)."""


LAYOUT = Layout(body_size=SIZE, pitch=14.0, has_fonts=True)


def _line(parts: list[tuple[str, float]], top: float, page: int = 1, bold: bool = False) -> Line:
    """A line of words laid from each (text, x) part, 5 pt per character and 3 pt spaces."""
    words = []
    for text, x in parts:
        for token in text.split():
            words.append(Word(token, x, top, x + 5.0 * len(token), top + SIZE, SIZE, bold))
            x = words[-1].x1 + 3.0
    return Line(words, page)


def _texts(lines: list[Line]) -> list[str]:
    return [ln.text for ln in in_columns(lines)[0]]


def test_two_columns_right_below_short_lines_across_the_page_are_read_column_by_column() -> None:
    """An area's narrative opens with a heading and a one-line paragraph across the page, shorter than the middle of
    the page, so the paragraph's line crosses the gutter without bridging the page. The columns below were only
    looked for under text that bridges the page; at the narrative's head the paragraph's line closed the gutter and
    the two columns were read line by line across ("Strategi för resultatstyrning och och kartlägga både ...")."""
    head = [
        _line([("Allmänt", LEFT)], 100.0),
        _line([("Många av kommunens verksamheter har deklarationer.", LEFT)], 114.0),
    ]
    left = [
        "Strategi för resultatstyrning",
        "effektivitetsutveckling",
        "Arbetsplatsnära lärande finns inom alla",
        "verksamheter.",
    ]
    right = ["och kartlägga både huvud- och stödprocesser.", "Arbetet sker på olika sätt och med", "olika nivåer.", ""]
    rows = [_line([(a, LEFT), (b, RIGHT)], 132.0 + 14 * n) for n, (a, b) in enumerate(zip(left, right, strict=True))]
    lines = head + rows
    assert max(w.x1 for ln in rows for w in ln.words if w.x0 < RIGHT) < 280 < RIGHT < head[1].x1  # crosses the gutter
    assert _texts(lines) == ["Allmänt", head[1].text, *left, *[r for r in right if r]]


def test_columns_going_on_overleaf_are_parted_where_the_page_before_parted_them() -> None:
    """The columns' last lines at the head of the next page: a left line beside the right column's only line, and a
    left line reaching past the middle of that page's own text (which is narrow: the right column holds one short
    line there). Measured from that page's text alone, the long left line bridged its middle, so the first line was
    a run of its own and was read across the gutter ("omfattning. inte utvärderats. Detta lärande ...")."""
    full_left = "aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddddd"  # ends at 279
    page_1 = [
        _line([(full_left, LEFT), ("ett två tre fyra fem sex sju åtta nio", RIGHT)], 100.0 + 14 * n) for n in range(3)
    ]
    page_2 = [
        _line([("en bild av hur detta", LEFT), ("inte klart.", RIGHT)], 100.0, page=2),
        _line([("Detta lärande samordnas inte, följs inte upp", LEFT)], 114.0, page=2),
    ]
    own_middle = LEFT + 0.7 * (page_2[0].x1 - LEFT)
    assert own_middle < page_2[1].x1 < 280  # past the middle of its page's text, left of the gutter
    texts = _texts(page_1 + page_2)
    assert texts[-3:] == ["en bild av hur detta", "Detta lärande samordnas inte, följs inte upp", "inte klart."]


def test_two_columns_that_are_not_parted_are_doubted_not_read_silently() -> None:
    """Three short lines across the page above two columns, one more than may stand before them: the columns are
    read as they are, interleaved (the gutter test refuses them while a short line crosses the gutter). Their lines'
    gaps, gutter-wide at one x, doubt the area's narrative: ``narrative-uncertain`` names the page and a line."""
    paragraph = [
        "Många av kommunens verksamheter har deklarationer",
        "för sina tjänster och följer upp dem varje år noga",
        "med sina brukare och redovisar dem i en årlig rapport",
    ]
    head = [_line([("Allmänt", LEFT)], 100.0, bold=True)] + [
        _line([(text, LEFT)], 114.0 + 14 * n) for n, text in enumerate(paragraph)
    ]
    left = [
        "Strategi för resultatstyrning",
        "Arbetsplatsnära lärande finns",
        "inom alla verksamheter och",
        "följs upp varje år.",
    ]
    right = [
        "och kartlägga både huvud- och stödprocesser.",
        "Arbetet sker på olika sätt och med",
        "olika nivåer i alla nämnder",
        "och bolag.",
    ]
    rows = [_line([(a, LEFT), (b, RIGHT)], 160.0 + 14 * n) for n, (a, b) in enumerate(zip(left, right, strict=True))]
    middle_end = LEFT + MIDDLE[1] * (max(ln.x1 for ln in rows) - LEFT)
    assert all(RIGHT < ln.x1 < middle_end for ln in head[1:])  # across the gutter (3 pt spaces), not the middle
    narrative = in_columns(head + rows)
    assert not narrative.split and narrative.lines == head + rows
    assert narrative.straddled == rows

    area = Area(1, name="Offentlighet och demokrati")
    parse_area(head + rows, AreaHeading(0, 1, "Offentlighet", _line([("Område 1", LEFT)], 80.0)), LAYOUT, area)
    report = Report(source_file="report.pdf", sha256="0", pages=1, areas=[area])
    [doubt] = [c.message for c in validate_report(report) if c.code == "narrative-uncertain"]
    assert "page 1 hold a white band" in doubt and "Strategi för resultatstyrning" in doubt


def test_a_table_of_one_row_or_rivers_of_justified_spaces_are_no_straddled_columns() -> None:
    """One line with a wide gap is a label beside a value; lines whose wide gaps do not meet at one x, or whose
    gap is no wider than their other spaces (justified), are no columns read across."""
    lone = [
        _line([("Antal invånare", LEFT), ("12 345", RIGHT)], 100.0),
        _line([("Ett stycke text som går vidare", LEFT)], 114.0),
    ]
    apart = [
        _line([("ett två", LEFT), ("tre fyra fem", 200.0)], 100.0),
        _line([("sex sju åtta nio tio elva tolv", LEFT), ("tretton", 330.0)], 114.0),
    ]
    for lines in (lone, apart):
        assert in_columns(lines).straddled == []


def test_the_columns_last_lines_overleaf_not_parted_are_doubted() -> None:
    """At the head of the next page the columns' last lines, one of each joined into a line across the gutter, are
    too few to be columns; when the left column's next line reaches into the gutter they are read as they are.
    That one joined line, whose gap holds where the page before was parted, doubts its section."""
    full_left = "aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddddd"
    page_1 = [
        _line([(full_left, LEFT), ("ett två tre fyra fem sex sju åtta nio", RIGHT)], 100.0 + 14 * n) for n in range(3)
    ]
    page_2 = [
        _line([("en bild av hur detta", LEFT), ("inte klart.", RIGHT)], 100.0, page=2),
        _line([("Detta lärande samordnas inte, följs inte uppåt", LEFT)], 114.0, page=2),
    ]
    assert 282 < page_2[1].x1 < RIGHT  # into the gutter, past where page 1 parted its columns
    narrative = in_columns(page_1 + page_2)
    assert [ln.text for ln in narrative.lines[-2:]] == [ln.text for ln in page_2]
    assert narrative.straddled == page_2[:1]
