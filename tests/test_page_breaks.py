"""Paragraph breaks at a page or column break (parse/breaks.py): settled where the page shows how its text was set,
recorded as data (``sections.breaks``, the ``uncertain_breaks`` column, the info ``paragraph-break-uncertain``)
where it does not. Before, every such break after a sentence was read as a new paragraph with no trace: on held-out
reports two in three of them were a paragraph going on, the one silent failure left on born-digital layouts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kompass_extract import extract
from kompass_extract.locate.areas import AreaHeading
from kompass_extract.locate.layout import Layout
from kompass_extract.model import Area, BreakDoubt, Report, Section
from kompass_extract.parse.breaks import PageBreaks
from kompass_extract.parse.sections import parse_area
from kompass_extract.read.geometry import Word
from kompass_extract.read.lines import Line
from kompass_extract.validate import validate_report
from kompass_extract.write.tables import report_rows
from kompass_testing.compare import KNOWN_AMBIGUOUS, Mismatch
from kompass_testing.heldout import silent_fields

SIZE = 10.0
CHAR = 5.0
"""Points per character of the hand-made words."""
GAP = 3.5
"""Points between two words: a space."""
LAYOUT = Layout(body_size=SIZE, pitch=13.0, has_fonts=True)
LEFT = 70.0

FILLER = 2 * (
    "Kommunen har under flera år arbetat med att utveckla styrningen av verksamheten och följer upp "
    "resultaten genom en gemensam modell som förvaltningarna använder i sina planer och rapporter till "
    "nämnderna som sedan sammanställs i en årlig redovisning för hela organisationen med jämförelser över tid "
)


SENTENCE = "och det gäller hela kommunen och alla dess bolag."
LAST_LINE = "jämförelser över tid och det gäller hela kommunen och alla dess bolag."
"""The last line ``_set`` makes of the filler and the sentence "och det gäller ... bolag." (some 60 points short)."""


def _words(text: str, x: float, top: float) -> list[Word]:
    out = []
    for token in text.split():
        out.append(Word(token, x, top, x + CHAR * len(token), top + SIZE, SIZE, False))
        x = out[-1].x1 + GAP
    return out


def _set(text: str, width: float, top: float, page: int, *, justify: bool = False) -> tuple[list[Line], float]:
    """``text`` broken greedily into lines ``width`` wide from ``LEFT``, each line ``LAYOUT.pitch`` below the last
    (justified: every line but the last stretched to the margin); the lines and the top after them."""
    lines, current = [], []
    for token in text.split():
        if current and LEFT + CHAR * len(" ".join([*current, token])) + (GAP - CHAR) * len(current) > LEFT + width:
            lines.append(current)
            current = []
        current.append(token)
    lines.append(current)
    out = []
    for n, tokens in enumerate(lines):
        words = _words(" ".join(tokens), LEFT, top)
        if justify and n < len(lines) - 1 and len(words) > 1:
            stretch = (LEFT + width - words[-1].x1) / (len(words) - 1)
            words = [Word(w.text, w.x0 + i * stretch, w.top, w.x1 + i * stretch, w.bottom, SIZE, False) for i, w in
                     enumerate(words)]  # fmt: skip
        out.append(Line(words, page))
        top += LAYOUT.pitch
    return out, top


def _area(first_page: str, last_line: str, next_page: str, *, width: float = 400.0, justify: bool = False) -> Area:
    """An area whose one section has a paragraph ending page 1 with ``last_line`` and page 2 beginning with
    ``next_page``, both set greedily ``width`` wide."""
    body, _ = _set(f"{first_page} {last_line}", width, 120, 1, justify=justify)
    overleaf, _ = _set(next_page, width, 60, 2, justify=justify)
    return _parsed([*body, *overleaf])


def _report(area: Area) -> Report:
    return Report("report.pdf", "0" * 64, 2, areas=[area])


def test_a_break_after_a_sentence_with_no_room_for_the_next_word_is_recorded_where_it_is() -> None:
    """The line before the break ends a sentence short of the measure, but the next page's first word
    ("Sammanfattningsvis") would not have fitted on it: a new paragraph or the paragraph going on read alike."""
    area = _area(FILLER, SENTENCE, "Sammanfattningsvis finns en modell som används.")
    section = area.sections[0]
    assert len(section.paragraphs) == 2  # the reading kept: a new paragraph
    assert section.breaks == [BreakDoubt(1, 2, LAST_LINE, "Sammanfattningsvis finns en modell som används.", True)]
    checks = [c for c in validate_report(_report(area)) if c.code == "paragraph-break-uncertain"]
    assert [(c.severity, c.area_no) for c in checks] == [("info", 7)]
    assert checks[0].details["page"] == 1 and checks[0].details["after"].startswith("Sammanfattningsvis")
    rows = report_rows(_report(area))["sections"]
    assert [row["uncertain_breaks"] for row in rows] == [1]


def test_a_break_where_the_next_word_would_have_fitted_is_a_new_paragraph_without_doubt() -> None:
    """Greedy breaking puts every word that fits on the line: a short first word overleaf ("Det") that would have
    fitted after the sentence's end says the paragraph ended there."""
    area = _area(FILLER, SENTENCE, "Det finns en modell som används.")
    assert len(area.sections[0].paragraphs) == 2
    assert area.sections[0].breaks == []


def test_a_page_not_broken_greedily_leaves_even_a_fitting_word_in_doubt() -> None:
    """A line inside a paragraph with room for the next line's first word (a paragraph composer, a forced line
    break) says the page was not broken greedily: the fit of the word overleaf then says nothing."""
    body = [Line(_words(text, LEFT, 120 + 13 * n), 1) for n, text in enumerate(_lines_broken_early())]
    last = Line(_words(SENTENCE, LEFT, 120 + 13 * len(body)), 1)
    area = _parsed([*body, last, Line(_words("Det finns en modell som används.", LEFT, 60), 2)])
    assert [b.after for b in area.sections[0].breaks] == ["Det finns en modell som används."]


def _lines_broken_early() -> list[str]:
    lines, _ = _set(FILLER, 400.0, 0, 1)
    texts = [ln.text for ln in lines]
    texts[2] = " ".join(texts[2].split()[:-2])  # the third line ends two words early, inside its sentence
    return texts


def test_a_short_line_of_a_justified_column_ended_its_paragraph() -> None:
    """In a justified column every line that goes on reaches the margin: a short one ended its paragraph, whatever
    the width of the next page's first word."""
    area = _area(FILLER, SENTENCE, "Sammanfattningsvis finns en modell.", justify=True)
    assert len(area.sections[0].paragraphs) == 2
    assert area.sections[0].breaks == []


def test_a_full_ragged_line_read_as_going_on_is_recorded() -> None:
    """A ragged page where three lines end within a few points of a full line that ends a sentence looks justified
    there: the line is read as going on overleaf, and that reading is as open as the other."""
    ends = [460.0, 430.0, 461.0, 445.0, 420.0, 400.0, 460.5, 438.0]
    body = [_ending_at("ord " * 12 + "samt", x1, 120 + 13 * n) for n, x1 in enumerate(ends)]
    last = _ending_at("Detta gäller alla nämnder och bolag i hela organisationen.", 461.0, 120 + 13 * len(ends))
    overleaf = Line(_words("Kommunens modell används.", LEFT, 60), 2)
    area = _parsed([*body, last, overleaf])
    assert area.sections[0].paragraphs[-1].endswith("organisationen. Kommunens modell används.")  # read as going on
    assert [(b.parted, b.paragraph, b.page) for b in area.sections[0].breaks] == [(False, 1, 1)]


def _justified_page(last: Line) -> list[Line]:
    """Two justified paragraphs (each ending in a short line at the natural spacing) and ``last`` below them."""
    first, top = _set(f"{FILLER} {SENTENCE}", 400.0, 120, 1, justify=True)
    second, top = _set(f"{FILLER} {SENTENCE}", 400.0, top, 1, justify=True)
    return [*first, *second, Line([_moved(w, top) for w in last.words], 1)]


def _moved(word: Word, top: float) -> Word:
    return Word(word.text, word.x0, top, word.x1, top + SIZE, SIZE, False)


def test_a_justified_line_stretched_to_the_margin_goes_on_without_doubt() -> None:
    """A line of justified text at the page's foot that ends a sentence, its spaces stretched to reach the margin,
    goes on overleaf: settled by its spacing."""
    text = "Detta gäller alla nämnder och bolag i kommunen."
    natural = _words(text, LEFT, 0)
    stretch = (LEFT + 400.0 - natural[-1].x1) / (len(natural) - 1)
    last = Line([Word(w.text, w.x0 + i * stretch, 0, w.x1 + i * stretch, SIZE, SIZE, False) for i, w in
                 enumerate(natural)], 1)  # fmt: skip
    area = _parsed([*_justified_page(last), Line(_words("Kommunens modell används.", LEFT, 60), 2)])
    assert area.sections[0].paragraphs[-1].endswith("i kommunen. Kommunens modell används.")
    assert area.sections[0].breaks == []


def test_a_justified_page_s_last_line_at_the_margin_at_its_natural_spacing_is_recorded() -> None:
    """A paragraph's last line is set at its natural spacing; when that happens to reach the margin, it reads like a
    justified line that goes on (a Typst report's new paragraph overleaf was joined to it, with no check)."""
    last = _ending_at("Detta gäller alla nämnder och bolag i hela kommunen.", LEFT + 400.0, 0)
    area = _parsed([*_justified_page(last), Line(_words("Kommunens modell används.", LEFT, 60), 2)])
    assert area.sections[0].paragraphs[-1].endswith("hela kommunen. Kommunens modell används.")  # the reading kept
    assert [(b.parted, b.after) for b in area.sections[0].breaks] == [(False, "Kommunens modell används.")]


def _ending_at(text: str, x1: float, top: float) -> Line:
    words = _words(text, LEFT, top)
    last = words[-1]
    return Line([*words[:-1], Word(last.text, last.x0, top, x1, top + SIZE, SIZE, False)], 1)


def _parsed(body: list[Line]) -> Area:
    """An area of one section "Styrning" holding ``body``."""
    area = Area(7)
    title = Line([Word("Område", LEFT, 40, 100, 52, 14, True), Word("7", 104, 40, 110, 52, 14, True)], 1)
    heading = Line([Word("Styrning", LEFT, 100, 110, 110, SIZE, True)], 1)
    parse_area([heading, *body], AreaHeading(0, 7, "Ständiga", title), LAYOUT, area)
    return area


def test_a_section_with_a_doubted_break_survives_the_report_json() -> None:
    report = _report(Area(7, sections=[Section("Styrning", ["A.", "B."], 1)]))
    report.areas[0].sections[0].breaks = [BreakDoubt(1, 2, "A.", "B.", True)]
    again = Report.from_dict(report.to_dict())
    assert again.areas[0].sections[0].breaks == report.areas[0].sections[0].breaks


def test_the_held_out_score_counts_a_paragraph_of_a_doubted_section_as_flagged() -> None:
    """A paragraph field of a section that holds a doubted break is flagged; anything else stays SILENT."""
    sections = [Section("Styrning", ["A.", "B."], 1), Section("Ledning", ["C."], 2)]
    sections[0].breaks = [BreakDoubt(1, 2, "A.", "B.", True)]
    report = _report(Area(7, sections=sections))
    mismatches = [
        Mismatch("areas[7].sections[0].paragraphs[1]", "A. B.", "B."),
        Mismatch("areas[7].sections[1].paragraphs[0]", "C. D.", "C."),
        Mismatch("areas[7].headings[0]", "Styrning", "Styr"),
    ]
    assert [m.path for m in silent_fields(mismatches, report)] == [
        "areas[7].sections[1].paragraphs[0]",
        "areas[7].headings[0]",
    ]


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.mark.parametrize("variant", sorted(KNOWN_AMBIGUOUS))
def test_the_committed_fixtures_breaks_the_text_layer_cannot_settle_are_recorded(variant: str) -> None:
    """The known ambiguities of committed variants (paragraphs going on over a break after a sentence, read as two)
    were wrong with no trace; now their sections carry the doubt."""
    pdf = next(FIXTURES.glob(f"**/{variant}/report.pdf"))
    report = extract(pdf)
    for field in KNOWN_AMBIGUOUS[variant]:
        found = re.match(r"areas\[(\d+)\]\.sections\[(\d+)\]", field)
        assert found is not None
        area = report.area(int(found[1]))
        assert area is not None and area.sections[int(found[2])].breaks, field


def _item_overleaf(overleaf: str) -> list[str]:
    """A bullet item at the foot of the right column of page 1 going on at the head of page 2's left column (a Typst
    report in two columns), indented as the item's text is; a paragraph at the margin below it."""
    body = [
        Line(_words("Kommunen deltar i flera nätverk.", 320, 100), 1),
        Line(_words("• Deltagande i nätverket", 320, 113), 1),
        Line(_words("Bottenviksbågen, under vars paraply", 331, 126), 1),
        Line(_words(overleaf, 82, 60), 2),
        Line(_words("flera EU-finansierade.", 82, 73), 2),
        Line(_words("Kommunen har också en plan för arbetet.", LEFT, 93), 2),
    ]
    return _parsed(body).sections[0].paragraphs


def test_a_bullet_item_going_on_in_the_next_column_overleaf_stays_one_item() -> None:
    """The item's wrapped line overleaf starts left of where the item's text started on page 1 (another column):
    it was read as a new paragraph ("• Deltagande ... under vars paraply" / "flera samarbetsprojekt ..."), with no
    check. A line in lower case goes on the item's sentence; its indent within its own column says so too."""
    for overleaf in ("flera samarbetsprojekt har skapats,", "Luleå och andra kommuner har skapats,"):
        assert _item_overleaf(overleaf) == [
            "Kommunen deltar i flera nätverk.",
            f"• Deltagande i nätverket Bottenviksbågen, under vars paraply {overleaf} flera EU-finansierade.",
            "Kommunen har också en plan för arbetet.",
        ]


def test_a_paragraph_at_the_next_columns_margin_after_an_item_is_no_part_of_the_item() -> None:
    """A bullet item at the foot of the left column that ends in no stop ("... en rehabmottagning i"), the next
    column beginning with a paragraph at its margin: the paragraph was read into the item (the line stood right of
    the item's text on the page), with no check. Within its own column it stands at the margin, left of the item's
    text."""
    body = [
        Line(_words("• Rehabenheten har hjälpt till att bygga", 72, 700), 1),
        Line(_words("upp en rehabmottagning i", 83, 713), 1),
        Line(_words("Som tidigare nämnts följs målen upp", 313, 100), 1),
        Line(_words("i respektive bolags redovisning.", 313, 113), 1),
    ]
    assert _parsed(body).sections[0].paragraphs == [
        "• Rehabenheten har hjälpt till att bygga upp en rehabmottagning i",
        "Som tidigare nämnts följs målen upp i respektive bolags redovisning.",
    ]


@pytest.mark.parametrize("closer", ['"', "”", ")", ".”)"])
def test_a_sentence_closed_by_a_quote_or_bracket_at_a_page_foot_is_a_sentence_end(closer: str) -> None:
    """Regression: a stop inside closing quotes or a bracket ('... "medborgarlöftet".' or '... bolag.”') was no
    sentence end, so the paragraph that ended there at the foot of a page was joined to the next page's first
    paragraph with no doubt recorded. It now reads as the plain stop does: settled by the fit of the next word where
    the page shows greedy breaking, recorded where not."""
    sentence = SENTENCE + closer.removeprefix(".")
    fitting = _area(FILLER, sentence, "Det finns en modell som används.")
    assert len(fitting.sections[0].paragraphs) == 2 and fitting.sections[0].breaks == []
    wide = _area(FILLER, sentence, "Sammanfattningsvis finns en modell som används.")
    assert len(wide.sections[0].paragraphs) == 2
    assert [(b.parted, b.page) for b in wide.sections[0].breaks] == [(True, 1)]


def _squeezed(text: str, right: float, top: float) -> Line:
    """``text`` set from ``LEFT`` with its word spaces narrowed so that it ends at ``right`` (a line that a composer
    shrank to fit its last word)."""
    natural = _words(text, LEFT, top)
    shrink = (natural[-1].x1 - right) / (len(natural) - 1)
    assert GAP - shrink < GAP - 0.5  # narrower than the natural space, by more than a rounding
    return Line([Word(w.text, w.x0 - i * shrink, top, w.x1 - i * shrink, top + SIZE, SIZE, False) for i, w in
                 enumerate(natural)], 1)  # fmt: skip


def test_a_justified_page_s_last_line_squeezed_to_the_margin_is_recorded() -> None:
    """Only spaces stretched wider than the natural one show a justified line that goes on: a paragraph's last line
    may be squeezed to take its last word (Typst does that), and such a line at the margin was read as going on with
    no doubt (a held-out Typst report, seed 45: the next page's paragraph joined to it)."""
    last = _squeezed(
        "Detta gäller alla nämnder och bolag i hela kommunen och regionen samt för verksamheter.", 470.0, 0
    )
    area = _parsed([*_justified_page(last), Line(_words("Kommunens modell används.", LEFT, 60), 2)])
    assert area.sections[0].paragraphs[-1].endswith("verksamheter. Kommunens modell används.")  # the reading kept
    assert [(b.parted, b.after) for b in area.sections[0].breaks] == [(False, "Kommunens modell används.")]


def test_a_line_at_a_justified_margin_read_as_ending_its_paragraph_is_in_doubt() -> None:
    """In a justified column a short line ended its paragraph; one that reaches the margin may go on, so a new
    paragraph read after it is open (a held-out Chromium report, seed 45, parted a paragraph there with no doubt)."""
    full = _ending_at("Detta gäller alla nämnder och bolag i hela kommunen.", LEFT + 400.0, 0)
    page = _justified_page(full)
    overleaf = Line(_words("Kommunens modell används.", LEFT, 60), 2)
    breaks = PageBreaks(page + [overleaf], LAYOUT)
    assert breaks.doubt(page[-1], overleaf, parted=True)
    short = _justified_page(Line(_words("Detta gäller alla nämnder.", LEFT, 0), 1))
    assert not PageBreaks(short + [overleaf], LAYOUT).doubt(short[-1], overleaf, parted=True)
