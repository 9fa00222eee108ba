"""Two findings lists side by side going on over a page (parse/findings.py): the rest at the next page's head stands
in one column only, and where it stands need not say which list it belongs to."""

from __future__ import annotations

from kompass_extract.locate.layout import Layout
from kompass_extract.parse.findings import parse_findings
from kompass_extract.read.geometry import Word
from kompass_extract.read.lines import Line

SIZE = 10.0
LAYOUT = Layout(body_size=SIZE, pitch=12.0, has_fonts=True)


def _words(text: str, x: float, top: float, bold: bool = False) -> list[Word]:
    out = []
    for token in text.split():
        out.append(Word(token, x, top, x + 5.0 * len(token), top + SIZE, SIZE, bold))
        x = out[-1].x1 + 3.0
    return out


def _lists(right_lower: bool) -> list[Line]:
    """Styrkor at x 70 and Förbättringsområden at 300 on page 1, one of them running a line lower; page 2 holds one
    more item at the left."""
    rows = [
        Line(_words("Styrkor", 70, 600, bold=True) + _words("Förbättringsområden", 300, 600, bold=True), 1),
        Line(_words("• Fler samtal om resultat", 70, 614) + _words("• System för bemötande", 300, 614), 1),
        Line(_words("• Visselblåsarfunktion", 70, 626) + _words("• Mer samkörd ledningsgrupp", 300, 626), 1),
    ]
    lower = _words("• Tydligare uppföljning", 300 if right_lower else 70, 638)
    rows.append(Line(lower, 1))
    rows.append(Line(_words("• Ökad systematik i analysen", 70, 60), 2))
    return rows


def test_the_rest_of_the_list_that_ran_lower_read_in_the_other_column_overleaf_is_doubted() -> None:
    """Chromium floats the two lists side by side: the improvements list ran to the page's foot and its last item
    went on at the left of the next page, where it was read as a strength with no check."""
    found = parse_findings(_lists(right_lower=True), LAYOUT)
    overleaf = next(f for f in found if f.page == 2)
    assert overleaf.kind == "strength"  # where it stands
    assert overleaf.doubt is not None and "improvement list ran lower" in overleaf.doubt


def test_the_rest_of_the_list_that_ran_lower_in_its_own_column_overleaf_is_not_doubted() -> None:
    """A table row split over a page: the strengths cell ran lower and goes on at the left: as read."""
    found = parse_findings(_lists(right_lower=False), LAYOUT)
    overleaf = next(f for f in found if f.page == 2)
    assert overleaf.kind == "strength" and overleaf.doubt is None
