"""Unit tests of the parsing stages on hand-made words: each names the layout trap it guards against."""

from __future__ import annotations

from dataclasses import replace

import pytest
from rapidfuzz import fuzz

from kompass_extract.common.editions import EditionFacts
from kompass_extract.locate.areas import AreaHeading, find_area_headings, is_toc_entry
from kompass_extract.locate.furniture import body_lines
from kompass_extract.locate.labels import join_lines, parse_number, parse_score
from kompass_extract.locate.layout import Layout
from kompass_extract.model import Area, Report
from kompass_extract.parse.columns import in_columns, stray_start
from kompass_extract.parse.cover import read_metadata
from kompass_extract.parse.findings import parse_findings
from kompass_extract.parse.overview import parse_overview
from kompass_extract.parse.sections import parse_area
from kompass_extract.parse.table_columns import header_columns
from kompass_extract.read.document import Page
from kompass_extract.read.geometry import Word
from kompass_extract.read.lines import Line, group_lines
from kompass_extract.validate import validate_report

SIZE = 11.0


def words(text: str, x: float, top: float, *, bold: bool = False, gap: float = 4.0) -> list[Word]:
    """Lay out space-separated tokens from x at the given top, 6 pt per character."""
    out = []
    for token in text.split(" "):
        width = 6.0 * len(token)
        out.append(Word(token, x, top, x + width, top + SIZE, SIZE, bold))
        x += width + gap
    return out


def line(text: str, x: float, top: float, page: int = 1, bold: bool = False) -> Line:
    return Line(words(text, x, top, bold=bold), page)


def overview_header() -> Line:
    """An overview table's header line: the area's title and the Uppnått / Max / Procent column heads."""
    heads = [("Uppnått", 405, 447), ("Max", 452, 470), ("Procent", 480, 520)]
    return Line(
        words("1. Offentlighet och demokrati", 70, 100) + [Word(t, x0, 100, x1, 111, SIZE) for t, x0, x1 in heads], 1
    )


LAYOUT = Layout(body_size=SIZE, pitch=14.0, has_fonts=True)


def test_two_columns_at_slightly_different_baselines_are_separate_lines() -> None:
    left = words("Medborgarbudget i", 80, 100)
    right = words("Uppföljning av", 320, 104.5)
    lines = group_lines(left + right, 1)
    assert [ln.text for ln in lines] == ["Medborgarbudget i", "Uppföljning av"]


def test_words_of_one_baseline_share_a_line_in_x_order() -> None:
    ws = words("fångas upp på nämndnivå", 80, 200)
    assert [ln.text for ln in group_lines(list(reversed(ws)), 1)] == ["fångas upp på nämndnivå"]


def test_numbers_with_decimal_comma_and_percent_parse() -> None:
    assert parse_number("12,5") == (12.5, False)
    assert parse_number("75%") == (75.0, True)
    assert parse_number("abc") is None


def test_join_lines_keeps_printed_hyphens_and_conjunction_gaps() -> None:
    assert join_lines(["infört e-", "petitioner"]) == "infört e-petitioner"
    assert join_lines(["medborgar-", "respektive brukare"]) == "medborgar- respektive brukare"
    assert join_lines(["arbetsgivare -", "personalpolitik"]) == "arbetsgivare - personalpolitik"


def test_join_lines_a_word_cut_without_a_hyphen_at_a_narrow_columns_edge_is_joined_whole() -> None:
    """LibreOffice cuts a word too long for a narrow column where it meets the edge, with no hyphen: the items read
    "projektledning/uppföljni ng" and "Medarbetarundersökninga r", with no check. One or two lower-case letters
    without a vowel alone on a line are no word (unless listed: "kr", "nr"); before other words (OCR's misread "t
    inom"), a capital, a word with a vowel, a listed one stay."""
    assert join_lines(["Stöd i projektledning/uppföljni", "ng"]) == "Stöd i projektledning/uppföljning"
    assert join_lines(["Medarbetarundersökninga", "r."]) == "Medarbetarundersökningar."
    assert join_lines(["avtal", "nr"]) == "avtal nr"
    assert join_lines(["som sticker", "t inom hela"]) == "som sticker t inom hela"
    assert join_lines(["del", "B"]) == "del B"
    assert join_lines(["kommunen", "i stort"]) == "kommunen i stort"


def test_join_lines_line_broken_after_a_slash_keeps_the_slashed_words_together() -> None:
    """Typst (and other typesetters) break a line after "/": "kund/ brukare" came out with a space."""
    assert join_lines(["strategi för kund/", "brukare"]) == "strategi för kund/brukare"
    assert join_lines(["resultat från kund-/", "brukarundersökningar"]) == "resultat från kund-/brukarundersökningar"
    assert join_lines(["och /", "eller"]) == "och / eller"


def test_join_lines_a_decade_broken_after_its_hyphen_stays_one_word() -> None:
    """Typst broke "1900-talet" after the hyphen: the digit before it was not taken for part of a word, so the
    narrative read "1900- talet"."""
    assert join_lines(["sedan mitten av 1900-", "talet funnits"]) == "sedan mitten av 1900-talet funnits"
    assert join_lines(["under 1900-", "och 2000-talet"]) == "under 1900- och 2000-talet"
    assert join_lines(["kund-", "/brukare"]) == "kund-/brukare"


def test_running_header_and_page_numbers_are_dropped() -> None:
    pages = []
    for n in range(1, 6):
        ws = words(f"Sveriges Kommuner och Landsting 2018-10-{n:02d}", 70, 20) + words(f"{n} (31)", 500, 800)
        ws += words(f"Brödtext på sidan nummer {n} här", 70, 300)
        pages.append(Page(n, 595, 842, "", words_given=ws))
    bodies = body_lines(pages)
    assert all([ln.text for ln in bodies[p.number]] == [f"Brödtext på sidan nummer {p.number} här"] for p in pages)


def test_toc_entry_with_far_page_number_is_not_a_heading() -> None:
    toc = Line(words("Område 3 Politisk styrning och kontroll", 70, 100) + words("11", 500, 100), 1)
    assert is_toc_entry(toc)
    assert not is_toc_entry(line("Område 3 Politisk styrning och kontroll", 70, 100))


def overview_lines(rows: list[tuple[str, str]], top: float = 100.0) -> list[Line]:
    out = []
    for text, numbers in rows:
        ws = words(text, 70, top) if text else []
        ws += [w for n, x in zip(numbers.split(), (420, 460, 500), strict=False) if n for w in words(n, x, top)]
        out.append(Line(ws, 1))
        top += 14
    return out


def test_overview_numbers_on_last_line_and_total_row() -> None:
    lines = overview_lines(
        [
            ("1. Offentlighet och demokrati", ""),
            ("", ""),
            ("1.1 Finns en plan for", ""),
            ("demokratiutveckling?", "11 15 75%"),
            ("1.2 Hur informeras invånarna?", "12,5 85 15 %"),
            ("", "23,5 100 24%"),
        ]
    )
    header = overview_header()
    lines[0] = header
    lines[4] = Line(
        words("1.2 Hur informeras invånarna?", 70, 156)
        + words("12,5", 420, 156)
        + words("85", 460, 156)
        + words("15 %", 500, 156, gap=1),
        1,
    )
    areas: dict[int, Area] = {}
    parse_overview([ln for ln in lines if ln.words], areas)
    area = areas[1]
    assert area.overview_title == "Offentlighet och demokrati"
    assert [(q.question_no, q.text, q.achieved, q.max, q.percent) for q in area.questions] == [
        ("1.1", "Finns en plan for demokratiutveckling?", 11.0, 15.0, 75.0),
        ("1.2", "Hur informeras invånarna?", 12.5, 85.0, 15.0),
    ]
    assert (area.score, area.max, area.percent) == (23.5, 100.0, 24.0)


def test_overview_without_percent_column() -> None:
    header = Line(
        words("2. Tillgänglighet", 70, 100)
        + [Word("Uppnått", 405, 100, 447, 111, SIZE), Word("Max", 452, 100, 470, 111, SIZE)],
        1,
    )
    rows = [Line(words("2.1 Strategi?", 70, 114) + words("9", 425, 114) + words("15", 458, 114), 1)]
    rows.append(Line(words("9", 425, 128) + words("15", 458, 128), 1))
    areas: dict[int, Area] = {}
    parse_overview([header, *rows], areas)
    q = areas[2].questions[0]
    assert (q.achieved, q.max, q.percent) == (9.0, 15.0, None)
    assert (areas[2].score, areas[2].percent) == (9.0, None)


def test_findings_columns_never_mix_and_continue_across_pages() -> None:
    lines = [
        line("Rubriker", 70, 60, bold=True),
        line("• Strategi", 70, 74),
        Line(words("Poäng", 420, 60, bold=True), 1),
        Line(words("79", 425, 80, bold=True), 1),
        line("Allmänt", 70, 110, bold=True),
        line("Text om kommunen.", 70, 124),
        Line(words("Styrkor", 70, 160, bold=True) + words("Förbättringsmöjligheter", 300, 160, bold=True), 1),
        Line(words("• Första styrkan som", 70, 174) + words("• Första förbättringen", 300, 178), 1),
        line("radbryts", 82, 188),
        Line(words("• Andra förbättringen som", 300, 800), 1),
        Line(words("fortsätter", 312, 60), 2),
        Line(words("• Andra styrkan", 70, 74), 2),
    ]
    area = Area(1)
    parse_area(lines, AreaHeading(0, 1, "Offentlighet", line("Område 1 Offentlighet", 70, 40, bold=True)), LAYOUT, area)
    assert area.header_score == 79
    assert area.rubriker == ["Strategi"]
    assert [s.heading for s in area.sections] == ["Allmänt"]
    assert [f.text for f in area.strengths] == ["Första styrkan som radbryts", "Andra styrkan"]
    assert [f.text for f in area.improvements] == ["Första förbättringen", "Andra förbättringen som fortsätter"]


def test_overview_without_header_row_takes_columns_from_the_first_row() -> None:
    title = line("3. Politisk styrning och kontroll", 70, 100, bold=True)
    rows = [
        Line(
            words("3.1 Genomsyras hela organisationen?", 70, 114)
            + words("13", 420, 114)
            + words("15", 460, 114)
            + words("89%", 500, 114),
            1,
        ),
        Line(
            words("3.2 Styrs kommunen av mål?", 70, 128)
            + words("17", 420, 128)
            + words("25", 460, 128)
            + words("68%", 500, 128),
            1,
        ),
        Line(words("30", 420, 142) + words("40", 460, 142) + words("75%", 500, 142), 1),
    ]
    areas: dict[int, Area] = {}
    parse_overview([title, *rows], areas)
    assert [(q.question_no, q.text, q.achieved, q.max, q.percent) for q in areas[3].questions] == [
        ("3.1", "Genomsyras hela organisationen?", 13.0, 15.0, 89.0),
        ("3.2", "Styrs kommunen av mål?", 17.0, 25.0, 68.0),
    ]
    assert (areas[3].score, areas[3].max, areas[3].percent) == (30.0, 40.0, 75.0)


def test_overview_title_wrapped_onto_the_header_line() -> None:
    labels = [
        Word("Uppnått", 405, 114, 447, 125, SIZE),
        Word("Max", 452, 114, 470, 125, SIZE),
        Word("Procent", 480, 114, 520, 125, SIZE),
    ]
    lines = [
        line("6. Kommunen som arbetsgivare -", 70, 100, bold=True),
        Line(words("personalpolitik", 70, 114, bold=True) + labels, 1),
        Line(
            words("6.1 Finns en personalstrategi?", 70, 128)
            + words("11", 420, 128)
            + words("15", 460, 128)
            + words("70%", 500, 128),
            1,
        ),
    ]
    areas: dict[int, Area] = {}
    parse_overview(lines, areas)
    assert areas[6].overview_title == "Kommunen som arbetsgivare - personalpolitik"
    assert [(q.question_no, q.achieved) for q in areas[6].questions] == [("6.1", 11.0)]


def test_findings_header_at_the_top_of_many_pages_is_not_a_running_header() -> None:
    """Regression: a layout that starts every Styrkor list on a new page made its header 'furniture'."""
    pages = []
    for n in range(1, 6):
        ws = (
            words("Sveriges Kommuner och Landsting", 70, 20)
            + words("Styrkor", 70, 83)
            + words("Förbättringsområden", 300, 83)
        )
        ws += words(f"– Punkt {n}", 70, 98)
        pages.append(Page(n, 595, 842, "", words_given=ws))
    bodies = body_lines(pages)
    assert [ln.text for ln in bodies[3]] == ["Styrkor Förbättringsområden", "– Punkt 3"]


def test_area_sections_numbered_without_the_word_omrade() -> None:
    """Sections headed '3.1 Offentlighet och ...' are found when no 'Område N' heading exists, by their names."""
    names = {1: "Offentlighet och demokratisk kontroll", 2: "Tillgänglighet och brukarorientering"}
    lines = [
        line("3.1 Offentlighet och demokratisk kontroll", 70, 100, bold=True),
        line("Text om området.", 70, 120),
        line("3.2 Tillgänglighet och brukarorientering", 70, 160, bold=True),
        line("3.3 Andra saker i kapitlet", 70, 200, bold=True),
    ]
    found = find_area_headings(lines, LAYOUT, len(lines), lambda no, name: fuzz.ratio(names.get(no, ""), name))
    assert [(h.area_no, h.name) for h in found] == [(1, names[1]), (2, names[2])]


def test_small_running_header_naming_the_area_is_dropped_even_on_two_pages() -> None:
    """A header that names the current area recurs on that area's pages only, in a smaller font."""
    pages = []
    for n in range(1, 8):
        header = "Område 3 Politisk styrning och kontroll" if n in (4, 5) else f"Avsnitt {'ABCDEFG'[n - 1]}"
        ws = [Word(t.text, t.x0, t.top, t.x1, t.bottom, 8.0) for t in words(header, 70, 20)]
        ws += words(f"Brödtext på sidan {n} med fler ord än rubriken har", 70, 300)
        pages.append(Page(n, 595, 842, "", words_given=ws))
    bodies = body_lines(pages)
    assert [ln.text for ln in bodies[4]] == ["Brödtext på sidan 4 med fler ord än rubriken har"]
    assert [ln.text for ln in bodies[1]][0] == "Avsnitt A"  # a one-off small line is kept


def test_box_with_score_under_the_headings_and_no_bullets() -> None:
    lines = [
        line("Rubriker", 70, 60, bold=True),
        line("Strategi för brukarfokus", 70, 74),
        line("Tillgänglighet och bemötande", 70, 88),
        line("Poäng", 70, 110, bold=True),
        Line(words("74", 72, 124, bold=True), 1),
        line("Allmänt", 70, 150, bold=True),
        line("Text om området.", 70, 164),
    ]
    area = Area(2)
    parse_area(
        lines, AreaHeading(0, 2, "Tillgänglighet", line("Område 2 Tillgänglighet", 70, 40, bold=True)), LAYOUT, area
    )
    assert area.rubriker == ["Strategi för brukarfokus", "Tillgänglighet och bemötande"]
    assert area.header_score == 74
    assert [(s.heading, s.paragraphs) for s in area.sections] == [("Allmänt", ["Text om området."])]


def test_column_labels_are_read_as_a_trailing_run_of_phrases() -> None:
    """Regression: 'Resultat' in the area name was taken for the achieved column; 'Max Poäng %' as one label."""
    title = Line(
        words("5.", 70, 100)
        + words("Resultat och effektivitet", 100, 100)
        + words("Uppnådda poäng", 360, 100)
        + words("Max poäng", 440, 100)
        + words("Procent", 500, 100),
        1,
    )
    cols = header_columns(title)
    assert cols is not None and set(cols.centres) == {"achieved", "max", "percent"}
    assert cols.text_right == 356
    swapped = header_columns(
        Line(
            words("1. Offentlighet", 70, 100)
            + words("Max", 380, 100)
            + words("Poäng", 420, 100)
            + words("%", 470, 100),
            1,
        )
    )
    assert swapped is not None and swapped.centres["max"] < swapped.centres["achieved"] < swapped.centres["percent"]
    assert header_columns(line("arbetar med uppföljning och resultat", 70, 100)) is None


def test_summary_subheadings_do_not_shift_the_area_sections() -> None:
    """Regression: bold 'Område N' sub-headings in chapter 2 were taken for the sections of chapter 3."""
    lines = [line(f"Område {n} Namn {n}", 70, 100 + 30 * n, bold=True) for n in (1, 2)]
    lines += [line("Sammanfattning av området.", 70, 200)]
    for n in (1, 2):
        lines += [
            Line(words(f"Område {n} Namn {n}", 70, 60, bold=True), 10 + n),
            Line(words("Rubriker", 70, 80, bold=True) + words("Poäng", 420, 80, bold=True), 10 + n),
            Line(words("• Strategi", 70, 94), 10 + n),
        ]
    found = find_area_headings(lines, LAYOUT, len(lines))
    assert [(h.area_no, h.line.page) for h in found] == [(1, 11), (2, 12)]


@pytest.mark.parametrize(
    ("styrkor", "right_label", "left", "right", "dy"),
    [(160, 360, 70, 300, 0), (73, 337, 97, 337, 7)],
    ids=["centred-labels", "libreoffice-indented-bullets"],
)
def test_findings_columns_split_at_the_right_columns_bullets(
    styrkor: float, right_label: float, left: float, right: float, dy: float
) -> None:
    """Regression: centred 'Styrkor' / 'Förbättringsområden' cells put the split inside the left column; LibreOffice
    indents each cell's list past the middle of its 'Styrkor' label (and sets the right cell a little lower), so the
    left column's bullets were taken for the right column's and every strength was read into the improvements."""
    lines = [
        Line(words("Styrkor", styrkor, 100, bold=True) + words("Förbättringsområden", right_label, 100, bold=True), 1),
        Line(
            words("• Tydlig strategi för arbetet med", left, 114) + words("• Utveckla uppföljningen", right, 114 + dy),
            1,
        ),
        Line(words("demokrati", left + 12, 128) + words("av mål", right + 12, 128 + dy), 1),
        Line(words("• Andra styrkan", left, 142) + words("• Andra förbättringen", right, 142 + dy), 1),
    ]
    area = Area(1)
    parse_area(lines, AreaHeading(0, 1, "Offentlighet", line("Område 1 Offentlighet", 70, 40, bold=True)), LAYOUT, area)
    assert [f.text for f in area.strengths] == ["Tydlig strategi för arbetet med demokrati", "Andra styrkan"]
    assert [f.text for f in area.improvements] == ["Utveckla uppföljningen av mål", "Andra förbättringen"]


def _ending_at(text: str, top: float, right: float, page: int) -> Line:
    """A body line whose last word ends at ``right`` (a justified line ends at the margin)."""
    ws = words(text, 70, top)
    last = ws[-1]
    ws[-1] = Word(last.text, last.x0, last.top, right, last.bottom, last.size, last.bold)
    return Line(ws, page)


@pytest.mark.parametrize(("rights", "paragraphs"), [((500, 500, 500, 500, 501.5), 1), ((430, 470, 455, 440, 500), 2)])
def test_a_justified_page_ending_in_a_full_line_goes_on_on_the_next_page(rights: tuple, paragraphs: int) -> None:
    """Typst's justified reports: a page whose last line reached the margin and ended a sentence (its period hanging
    past the margin) was taken for a paragraph's end, so the paragraph was cut in two at the page break. Ragged
    text keeps the sentence rule: there a sentence ending a page ends its paragraph."""
    texts = [
        "Kommunens ledningsgrupp ser sig idag som en mer samlad",
        "och enhetlig grupp när det gäller kommunikation till",
        "cheferna i organisationen och till medarbetarna som",
        "arbetar nära invånarna i de olika verksamheterna och",
        "enheterna. Deras bild är att tänkandet blivit tydligare.",
    ]
    lines = [line("Allmänt", 70, 60, bold=True)]
    lines += [
        _ending_at(text, 74 + 14 * i, right, 1) for i, (text, right) in enumerate(zip(texts, rights, strict=True))
    ]
    lines.append(line("Att gruppen är enhetlig bekräftas av flera.", 70, 60, page=2))
    area = Area(1)
    parse_area(lines, AreaHeading(0, 1, "Offentlighet", line("Område 1 Offentlighet", 70, 40, bold=True)), LAYOUT, area)
    assert len(area.sections[0].paragraphs) == paragraphs
    assert area.sections[0].paragraphs[-1].endswith("bekräftas av flera.")


def test_a_right_column_line_that_starts_left_of_the_column_is_a_stray() -> None:
    """Typst's numbered right-hand column was split from a justified left column at a river of spaces, so a left
    word ("internationella") opened a right-hand line, silently. Lines that start at the column's markers or at its
    hanging indent are no strays."""
    column = [line("1. Årets ledare", 309, 100), line("2. Nytt program", 309, 114), line("för ledare", 322, 128)]
    assert not stray_start(column)
    assert stray_start([*column, line("internationella 3. Processhandbok", 229, 142)])


def test_caption_and_sentences_starting_with_styrkor_are_not_the_list_header() -> None:
    lines = [
        line("Allmänt", 70, 60, bold=True),
        line("Styrkor är bland annat att planen följs upp.", 70, 74),
        line("Styrkor och förbättringsområden", 70, 100, bold=True),
        Line(words("Styrkor", 70, 114, bold=True) + words("Förbättringsområden", 300, 114, bold=True), 1),
        Line(words("• En styrka", 70, 128) + words("• En förbättring", 300, 128), 1),
    ]
    area = Area(1)
    parse_area(lines, AreaHeading(0, 1, "Offentlighet", line("Område 1 Offentlighet", 70, 40, bold=True)), LAYOUT, area)
    assert [(f.kind, f.text) for f in area.findings] == [("strength", "En styrka"), ("improvement", "En förbättring")]
    assert area.sections[0].paragraphs == ["Styrkor är bland annat att planen följs upp."]


def test_headerless_table_whose_first_question_ends_in_a_year() -> None:
    """Regression: 'Finns en demokratiplan för 2016  9 15' made 2016 the achieved column of every row."""
    rows = [
        Line(words("1.1 Finns en demokratiplan för 2016", 70, 100) + words("9", 425, 100) + words("15", 458, 100), 1)
    ]
    for n, (a, m) in enumerate([(12, 20), (16, 25)], 2):
        rows.append(
            Line(
                words(f"1.{n} Hur informeras invånarna?", 70, 100 + 14 * n)
                + words(str(a), 420, 100 + 14 * n)
                + words(str(m), 458, 100 + 14 * n),
                1,
            )
        )
    areas: dict[int, Area] = {}
    parse_overview([line("1. Offentlighet och demokrati", 70, 86, bold=True), *rows], areas)
    assert [(q.question_no, q.text, q.achieved, q.max) for q in areas[1].questions] == [
        ("1.1", "Finns en demokratiplan för 2016", 9.0, 15.0),
        ("1.2", "Hur informeras invånarna?", 12.0, 20.0),
        ("1.3", "Hur informeras invånarna?", 16.0, 25.0),
    ]


def test_headerless_table_of_an_edition_whose_areas_have_another_maximum() -> None:
    """Regression: a cell above 100 was taken for a year in the question text whatever the edition's area
    maximum, so the rows of an edition with areas of 200 points were not read at all."""
    rows = [
        Line(words(f"3.{k} Styrs kommunen av mål?", 70, 100 + 14 * k) + words(a, 420, 100 + 14 * k)
             + words(m, 460, 100 + 14 * k) + words(p, 500, 100 + 14 * k), 1)
        for k, (a, m, p) in enumerate([("130", "150", "87%"), ("40", "50", "80%")], 1)
    ]  # fmt: skip
    rows.append(Line(words("170", 420, 142) + words("200", 460, 142) + words("85%", 500, 142), 1))
    title = line("3. Politisk styrning och kontroll", 70, 86, bold=True)
    areas: dict[int, Area] = {}
    parse_overview([title, *rows], areas, EditionFacts(area_max=200.0, report_max=1600.0))
    assert [(q.question_no, q.achieved, q.max, q.percent) for q in areas[3].questions] == [
        ("3.1", 130.0, 150.0, 87.0),
        ("3.2", 40.0, 50.0, 80.0),
    ]
    assert (areas[3].score, areas[3].max, areas[3].percent) == (170.0, 200.0, 85.0)
    year = [Line(words("3.1 Finns en plan för 2016", 70, 100) + words("9", 425, 100) + words("15", 460, 100), 1)]
    areas = {}
    parse_overview([title, *year], areas, EditionFacts(area_max=200.0))
    assert [(q.text, q.achieved, q.max) for q in areas[3].questions] == [("Finns en plan för 2016", 9.0, 15.0)]


def test_stacked_lists_are_not_split_at_an_item_line_starting_with_forbattringar() -> None:
    """Regression: "Förbättringar" was an improvements label, and a strength wrapped before the word (area 7 of the
    2016 edition is "Ständiga förbättringar") switched the list to the improvements in the middle of the item."""
    lines = [
        line("Styrkor", 70, 100, bold=True),
        line("• Kommunen arbetar systematiskt med ständiga", 70, 114),
        line("förbättringar i alla verksamheter.", 82, 128),
        line("• Tydlig målstyrning.", 70, 142),
        line("Förbättringsområden", 70, 160, bold=True),
        line("• Jämförelser med andra kommuner.", 70, 174),
    ]
    assert [(f.kind, f.text) for f in parse_findings(lines, LAYOUT)] == [
        ("strength", "Kommunen arbetar systematiskt med ständiga förbättringar i alla verksamheter."),
        ("strength", "Tydlig målstyrning."),
        ("improvement", "Jämförelser med andra kommuner."),
    ]


def test_box_score_is_never_read_from_below_the_box() -> None:
    """Regression: with the score printed as an image, a number in the findings list became the box score."""
    lines = [
        Line(words("Rubriker", 70, 88, bold=True) + words("Poäng", 400, 88, bold=True), 1),
        line("• Strategi", 70, 100),
        line("Allmänt", 70, 150, bold=True),
        line("Text.", 70, 164),
        Line(words("• Arbete", 70, 226) + words("1", 400, 226), 1),
    ]
    area = Area(1)
    parse_area(lines, AreaHeading(0, 1, "Offentlighet", line("Område 1 Offentlighet", 70, 60, bold=True)), LAYOUT, area)
    assert area.header_score is None
    assert [s.heading for s in area.sections] == ["Allmänt"]


def test_box_score_formats() -> None:
    assert [parse_score(t) for t in ("71", "71,5", "67p", "67 poäng", "67/100", "1.1x")] == [71, 71.5, 67, 67, 67, None]


def test_cover_date_beats_a_sentence_about_an_earlier_evaluation() -> None:
    front = [
        line("Analys av Umeå kommun", 70, 200, page=1),
        line("12 okt. 2018", 70, 230, page=1),
        line("Den första utvärderingen i Umeå genomfördes i mars 2009 och gav", 70, 300, page=3),
        line("Utvärderare: Anna Andersson, SKL och Bo Berg, Ramböll", 70, 260, page=1),
    ]
    meta = read_metadata(front, "\n".join(ln.text for ln in front))
    assert (meta.year, meta.month) == (2018, "oktober")
    assert meta.evaluators == ["Anna Andersson, SKL", "Bo Berg, Ramböll"]
    assert meta.provenance["year"]["page"] == 1


def test_findings_table_whose_header_row_repeats_on_the_next_page() -> None:
    """Word repeats a table's header row after a page break; the list goes on under it."""
    header = Line(words("Styrkor", 70, 160, bold=True) + words("Förbättringsmöjligheter", 300, 160, bold=True), 1)
    lines = [
        header,
        Line(words("• Första styrkan", 70, 174) + words("• Första förbättringen", 300, 174), 1),
        Line(words("Styrkor", 70, 60, bold=True) + words("Förbättringsmöjligheter", 300, 60, bold=True), 2),
        Line(words("• Andra styrkan", 70, 74) + words("• Andra förbättringen", 300, 74), 2),
    ]
    area = Area(1)
    parse_area(lines, AreaHeading(0, 1, "Offentlighet", line("Område 1 Offentlighet", 70, 40, bold=True)), LAYOUT, area)
    assert [f.text for f in area.strengths] == ["Första styrkan", "Andra styrkan"]
    assert [f.text for f in area.improvements] == ["Första förbättringen", "Andra förbättringen"]


def test_box_score_label_on_the_line_of_a_long_rubrik() -> None:
    """LibreOffice aligns the first lines of the Rubriker and Poäng cells: the label shared a line with a heading
    of five words and was not seen, so the score ended the Rubriker list early and was lost."""
    lines = [
        line("Rubriker", 70, 60, bold=True),
        Line(words("• Strategi för ständiga förbättringar", 94, 74) + words("Poäng", 323, 74, bold=True), 1),
        Line(words("• Lärande genom omvärldsspaning och", 94, 88) + words("59", 328, 92, bold=True), 1),
        line("samverkan", 108, 102),
        line("• Kreativitet och förbättringar", 94, 116),
        line("Allmänt", 70, 150, bold=True),
        line("Text om området.", 70, 164),
    ]
    area = Area(7)
    parse_area(lines, AreaHeading(0, 7, "Ständiga", line("Område 7 Ständiga", 70, 40, bold=True)), LAYOUT, area)
    assert area.header_score == 59
    assert area.rubriker == [
        "Strategi för ständiga förbättringar",
        "Lärande genom omvärldsspaning och samverkan",
        "Kreativitet och förbättringar",
    ]


def test_a_number_cell_that_is_no_number_is_warned_not_dropped() -> None:
    """A percent cell printed "75procent" (or "75■%": a thin space the font lacks drawn as a box) was dropped:
    the whole Procent column came out empty with no check."""
    header = overview_header()
    row = Line(words("1.1 Finns en plan?", 70, 114) + words("11", 420, 114) + words("15", 460, 114), 1)
    row.words.append(Word("75■%", 490, 114, 514, 125, SIZE))
    areas: dict[int, Area] = {}
    parse_overview([header, row, *overview_lines([("", "11 15 75%")], top=128)], areas)
    (question,) = areas[1].questions
    assert (question.achieved, question.max, question.percent, question.unread) == (11, 15, None, {"percent": "75■%"})
    report = Report(source_file="x.pdf", sha256="0", pages=1, areas=[areas[1]])
    (check,) = [c for c in validate_report(report) if c.code == "question-cell-unread"]
    assert (check.severity, check.question_no) == ("warning", "1.1") and "75■%" in check.message


def test_a_question_word_that_runs_past_the_column_heads_edge_stays_in_the_text() -> None:
    """Typst set "... för alla i" with "i" ending beside the right-aligned head "Uppnått", past the text column's
    edge: the word was dropped from the question text silently. A cell word beside it is still a cell."""
    heads = [("Uppnått", 396, 438), ("Max", 452, 470), ("Procent", 480, 520)]
    header = Line(words("1. Offentlighet", 70, 100) + [Word(t, x0, 100, x1, 111, SIZE) for t, x0, x1 in heads], 1)
    row = Line(
        words("1.1 Tydliggörs det personliga uppdraget för alla chefer", 70, 114)
        + [Word("i", 390, 114, 396, 125, SIZE)]
        + words("5", 430, 114)
        + words("15", 458, 114)
        + words("33%", 496, 114),
        1,
    )
    wrapped = line("organisationen?", 70, 128)
    areas: dict[int, Area] = {}
    parse_overview([header, row, wrapped, *overview_lines([("", "5 15 33%")], top=142)], areas)
    (question,) = areas[1].questions
    assert question.text == "Tydliggörs det personliga uppdraget för alla chefer i organisationen?"
    assert (question.achieved, question.max, question.percent, question.unread) == (5, 15, 33, {})


def test_an_ocr_stray_colon_after_omrade_still_heads_a_section() -> None:
    """A 1-bit scan read "Område 5: Kontroll- och ..." as "Område: 5: Kontroll- ..."; the section was lost and its
    list read into the area before."""
    lines = [
        line("Område: 5: Kontroll- och rapporteringssystem", 70, 80),
        Line(words("Rubriker", 70, 100) + words("Poäng", 420, 100), 8),
        line("• Ekonomisk rapportering", 70, 114),
    ]
    lines = [Line([Word(w.text, w.x0, w.top, w.x1, w.bottom, w.size, None) for w in ln.words], 8) for ln in lines]
    found = find_area_headings(lines, Layout(body_size=SIZE, pitch=14.0, has_fonts=False), len(lines))
    assert [(h.area_no, h.name) for h in found] == [(5, "Kontroll- och rapporteringssystem")]


def test_a_speck_read_before_an_ocr_heading_does_not_hide_it() -> None:
    """A 1-bit scan read a toner speck left of "Område 8 Kommunen som samhällsbyggare" as "." (held-out pair
    skl2018-large-columns bw-300-specks): the section was lost, its box, narrative and lists read into area 7's
    list. A born-digital line that begins with a mark is left as it is."""
    ocr = [
        Line([Word(".", 60, 84, 62, 86, SIZE, None, 72.0)] + words("Område 8 Kommunen som samhällsbyggare", 70, 80), 8),
        Line(words("Rubriker", 70, 100) + words("Poäng", 420, 100), 8),
        line("• Social hållbarhet", 70, 114, page=8),
    ]
    ocr = [Line([replace(w, bold=None, conf=w.conf or 95.0) for w in ln.words], 8) for ln in ocr]
    found = find_area_headings(ocr, Layout(body_size=SIZE, pitch=14.0, has_fonts=False), len(ocr))
    assert [(h.area_no, h.name) for h in found] == [(8, "Kommunen som samhällsbyggare")]
    text_layer = [Line([replace(w, conf=None) for w in ln.words], 8) for ln in ocr]
    assert find_area_headings(text_layer, Layout(body_size=SIZE, pitch=14.0, has_fonts=False), len(ocr)) == []


def test_a_scanned_page_of_a_partly_scanned_report_keeps_its_findings_header() -> None:
    """OCR line boxes are measured against the scanned pages' own body text: beside born-digital pages set in
    larger type, the OCR'd "Styrkor" header at the top of two pages is no small running header."""
    pages = []
    for n in range(1, 7):
        ws = words(f"Brödtext på sidan {n} med fler ord än rubriken har", 70, 300)
        pages.append(Page(n, 595, 842, "", words_given=ws))
    for n in (7, 8):
        ws = [
            Word(t, x, 84.0, x + 40, 92.0, 8.0, None, 95.0) for t, x in (("Styrkor", 76), ("Förbättringsområden", 309))
        ]
        ws += [
            Word(t, 91.0 + 50 * k, 300.0, 131.0 + 50 * k, 308.0, 8.0, None, 95.0) for k, t in enumerate(["a", "b", "c"])
        ]
        pages.append(Page(n, 595, 842, "", words_given=ws, ocr=True))
    bodies = body_lines(pages)
    assert [ln.text for ln in bodies[8]][0] == "Styrkor Förbättringsområden"


def test_an_unread_ocr_box_score_is_placed_under_its_label_to_be_read_again() -> None:
    """OCR read the 'Poäng' label but no number under it: the place under the label is kept (no score, confidence 0)
    so that the repair step reads it again; a text layer's label without a number keeps no place."""

    def ocr(ws: list[Word]) -> list[Word]:
        return [Word(w.text, w.x0, w.top, w.x1, w.bottom, w.size, None, 96.0) for w in ws]

    lines = [
        Line(ocr(words("Rubriker", 70, 88) + words("Poäng", 400, 88)), 1),
        Line(ocr(words("Strategi", 80, 100)), 1),
        Line(ocr(words("Allmänt", 70, 150)), 1),
        Line(ocr(words("Text.", 70, 164)), 1),
    ]
    area = Area(1)
    parse_area(lines, AreaHeading(0, 1, "Offentlighet", line("Område 1 Offentlighet", 70, 60, bold=True)), LAYOUT, area)
    assert (area.header_score, area.header_page, area.header_confidence) == (None, 1, 0.0)
    x0, top, x1, bottom = area.header_bbox
    assert x0 < 400 < 430 < x1 and top == 99 and bottom > top + 2 * SIZE  # under the label, room for a large score
    born_digital = Area(1)
    lines[0] = Line(words("Rubriker", 70, 88) + words("Poäng", 400, 88), 1)
    parse_area(lines, AreaHeading(0, 1, "Offentlighet", line("Område 1", 70, 60, bold=True)), LAYOUT, born_digital)
    assert (born_digital.header_bbox, born_digital.header_confidence) == (None, None)


def _big(text: str, x: float, top: float, page: int = 1) -> Line:
    return Line([Word(text, x, top, x + 12.0 * len(text), top + 2 * SIZE, 2 * SIZE, True)], page)


def _box_area(lines: list[Line]) -> Area:
    area = Area(7)
    parse_area(lines, AreaHeading(0, 7, "Ständiga", line("Område 7 Ständiga", 70, 40, bold=True)), LAYOUT, area)
    return area


def test_a_floated_box_score_centred_across_the_page_under_its_label() -> None:
    """LibreOffice sets a Poäng box floated right of the Rubriker list as the label's paragraph, then the score
    centred across the page, both above 'Rubriker' (and the list maybe on the next page): the score was missed."""
    area = _box_area(
        [
            line("Poäng", 70, 60, bold=True),
            _big("61", 290, 80),
            line("Rubriker", 70, 60, page=2, bold=True),
            line("• Strategi för demokratiutveckling", 94, 80, page=2),
            line("• Etik", 94, 94, page=2),
            line("Allmänt", 70, 130, page=2, bold=True),
            line("Text om området.", 70, 144, page=2),
        ]
    )
    assert (area.header_score, area.header_page) == (61, 1)
    assert area.rubriker == ["Strategi för demokratiutveckling", "Etik"]


def test_a_box_score_at_the_head_of_the_next_page() -> None:
    """The box table cut by a page break: 'Poäng' at the foot of one page, its score at the head of the next."""
    area = _box_area(
        [
            Line(words("Rubriker", 70, 780, bold=True) + words("Poäng", 410, 780, bold=True), 1),
            line("• System för styrning", 94, 60, page=2),
            Line(words("• Ansvarsfördelning och roller", 94, 74) + [_big("47", 417, 70, 2).words[0]], 2),
            line("• Samspel", 94, 88, page=2),
            line("Allmänt", 70, 130, page=2, bold=True),
        ]
    )
    assert (area.header_score, area.header_page) == (47, 2)
    assert area.rubriker == ["System för styrning", "Ansvarsfördelning och roller", "Samspel"]


def test_a_bold_box_label_close_after_a_rubrik_on_its_line() -> None:
    """A tall box row centres 'Poäng' on the line of a rubrik, less than a font size after its last word: its
    weight parts the two cells."""
    area = _box_area(
        [
            line("Rubriker", 70, 60, bold=True),
            line("• Personalstrategi", 94, 74),
            Line(words("• Rekrytering och introduktion", 94, 88) + words("Poäng", 274, 88, bold=True), 1),
            _big("67,5", 277, 104),
            line("• Lönepolitik", 94, 118),
            line("Allmänt", 70, 150, bold=True),
        ]
    )
    assert area.header_score == 67.5
    assert area.rubriker == ["Personalstrategi", "Rekrytering och introduktion", "Lönepolitik"]


def _two_columns(top: float, left: list[str], right: list[str], headings: set[str]) -> list[Line]:
    """Lines of a narrative set in two columns (left at x 70, right at x 320, an empty string a blank line) grouped
    as a page's lines are: words of both columns on one baseline join."""
    placed = [
        w
        for x, column in ((70, left), (320, right))
        for i, text in enumerate(column)
        if text
        for w in words(text, x, top + 14 * i, bold=text in headings)
    ]
    return group_lines(placed, 1)


def test_a_narrative_in_two_columns_is_read_column_by_column() -> None:
    """Lines of a narrative set in two columns joined across the gutter and were read across it: sub-headings went
    missing and paragraphs interleaved (136 wrong fields on a Chromium report, warned only by sections-uncertain).
    The box above and the findings table below (side by side too) are not touched."""
    box = [line("Rubriker", 70, 60, bold=True), line("• Allmänt om", 94, 74), line("• Sista rubriken", 94, 88)]
    narrative = _two_columns(
        120,
        ["Allmänt om", "Kommunen har en plan som", "styr arbetet.", "", "Sista rubriken", "Det finns en tydlig"],
        ["struktur för arbetet i", "kommunen och mål.", "", "Ett andra stycke här."],
        {"Allmänt om", "Sista rubriken"},
    )
    findings = [
        Line(words("Styrkor", 70, 230, bold=True) + words("Förbättringsområden", 320, 230, bold=True), 1),
        Line(words("• Styrka ett", 70, 244) + words("• Förbättring ett", 320, 244), 1),
        Line(words("• Styrka två", 70, 258) + words("• Förbättring två", 320, 258), 1),
    ]
    area = _box_area(box + narrative + findings)
    assert [(s.heading, s.paragraphs) for s in area.sections] == [
        ("Allmänt om", ["Kommunen har en plan som styr arbetet."]),
        ("Sista rubriken", ["Det finns en tydlig struktur för arbetet i kommunen och mål.", "Ett andra stycke här."]),
    ]
    assert [f.text for f in area.strengths] == ["Styrka ett", "Styrka två"]
    assert [f.text for f in area.improvements] == ["Förbättring ett", "Förbättring två"]


def test_a_paragraph_across_the_page_above_two_columns_is_read_region_by_region() -> None:
    """An area's first section set across the page, the rest in two columns below it: the page had a line across
    the middle, so it was read as one column and the two columns' lines interleaved (235 fields wrong on a Chromium
    report, no check at all). Now the lines across stay first, the short last line of their paragraph with them,
    and the columns below are read column by column."""
    box = [line("Rubriker", 70, 60, bold=True), line("• Allmänt om", 94, 74), line("• Sista rubriken", 94, 88)]
    across = [
        line("Allmänt om", 70, 106, bold=True),
        line("Kommunen har en plan som styr hela arbetet i kommunen och", 70, 120),
        line("följer upp den.", 70, 134),
    ]
    narrative = _two_columns(
        148,
        ["Sista rubriken", "Det finns en tydlig", "struktur för arbetet i", "kommunen och mål."],
        ["Ett andra stycke här", "om hur det går till.", "Och ett tredje här."],
        {"Sista rubriken"},
    )
    area = _box_area(box + across + narrative)
    assert [(s.heading, s.paragraphs) for s in area.sections] == [
        ("Allmänt om", ["Kommunen har en plan som styr hela arbetet i kommunen och följer upp den."]),
        (
            "Sista rubriken",
            [
                "Det finns en tydlig struktur för arbetet i kommunen och mål.",
                "Ett andra stycke här om hur det går till. Och ett tredje här.",
            ],
        ),
    ]


def test_a_heading_below_two_columns_heads_the_text_across_the_page_under_it() -> None:
    """Two columns, then a heading and a paragraph across the page: the heading is short, so it was read as the left
    column's last line, before the right column, and took the right column's paragraphs into its section."""
    box = [line("Rubriker", 70, 60, bold=True), line("• Allmänt om", 94, 74), line("• Sista rubriken", 94, 88)]
    narrative = _two_columns(
        106,
        ["Allmänt om", "Det finns en tydlig", "struktur för arbetet i", "kommunen och mål."],
        ["Ett andra stycke här", "om hur det går till.", "Och ett tredje här."],
        {"Allmänt om"},
    )
    below = [
        line("Sista rubriken", 70, 176, bold=True),
        line("Kommunen har en plan som styr hela arbetet i kommunen och", 70, 190),
        line("följer upp den.", 70, 204),
    ]
    area = _box_area(box + narrative + below)
    assert [(s.heading, s.paragraphs) for s in area.sections] == [
        (
            "Allmänt om",
            [
                "Det finns en tydlig struktur för arbetet i kommunen och mål.",
                "Ett andra stycke här om hur det går till. Och ett tredje här.",
            ],
        ),
        ("Sista rubriken", ["Kommunen har en plan som styr hela arbetet i kommunen och följer upp den."]),
    ]


def test_a_one_column_narrative_with_a_short_line_is_read_as_before() -> None:
    lines = [line("Allmänt", 70, 100, bold=True)] + [
        line(text, 70, 114 + 14 * i)
        for i, text in enumerate(["Kommunen har en plan som styr hela arbetet i", "kommunen.", "Nästa stycke."])
    ]
    assert in_columns(lines) == (lines, False, [])


def test_a_full_line_settles_one_column_but_a_joined_line_across_a_gutter_does_not() -> None:
    """The cheap test that spares sorting a page's words: a line whose words run across the middle band with only
    word spaces proves that no gutter lies there; a line of two columns joined across the gutter proves nothing,
    and its page is still read in columns."""
    from kompass_extract.parse.columns import _bridges

    full = line("Kommunen har en plan som styr hela arbetet i kommunen och mål", 70, 100)
    narrowest = 0.8 * 10.0
    assert _bridges(full, full.x0 + 40, full.x1 - 40, narrowest)
    assert not _bridges(full, full.x0 - 1, full.x1 - 40, narrowest)  # the band begins before the line does
    joined = Line(words("Kommunen har en plan", 70, 100) + words("struktur för arbetet", 320, 100), 1)
    assert not _bridges(joined, 150, 330, narrowest)
    two = [joined] + [Line(words(f"rad {i} vänster", 70, 114 + 14 * i) + words(f"rad {i} höger", 320, 114 + 14 * i), 1)
                      for i in range(3)]  # fmt: skip
    assert in_columns(two)[1]


def test_a_bulleted_paragraph_wrapped_to_the_margin_stays_one_paragraph() -> None:
    """LibreOffice sets a paragraph that begins "• " without a hanging indent: its wrapped line starts at the margin,
    left of the item's text, and was read as a new paragraph ("... flera" / "samarbetsprojekt har skapats."), with no
    check. A line that goes on the item's sentence goes on the item; a capitalised paragraph after a list does not."""
    box = [line("Rubriker", 70, 60, bold=True), line("• Allmänt om", 94, 74)]
    narrative = [
        line("Allmänt om", 70, 106, bold=True),
        line("• Deltagande i nätverket Bottenviksbågen, under vars paraply flera", 72, 120),
        line("samarbetsprojekt har skapats, flera EU-finansierade.", 70, 134),
        line("• Ett andra nätverk", 72, 148),
        line("Kommunen har också en plan.", 70, 162),
    ]
    area = _box_area(box + narrative)
    assert area.sections[0].paragraphs == [
        "• Deltagande i nätverket Bottenviksbågen, under vars paraply flera samarbetsprojekt har skapats, flera "
        "EU-finansierade.",
        "• Ett andra nätverk",
        "Kommunen har också en plan.",
    ]


WRAPPED_EVALUATORS = [
    # pdfium gives a hyphen that ends a line as U+FFFE (Typst's text layer): the names wrapped there ("Per-" / "Olof")
    # were read "Per\ufffe Olof"; the wrapped lines are joined as wrapped text is
    (("Utvärderare har varit Per\ufffe", 300, 3), ("Olof Sandberg och Anna Wallin.", 314, 3), "Per-Olof Sandberg"),
    # LibreOffice broke the sentence over a page: the cue read the first line alone, the evaluators ["Ingrid"]
    (
        ("organisationen. Utvärderare har varit Ingrid", 762, 3),
        ("Söderlund och Maria Ekström.", 72, 4),
        "Ingrid Söderlund",
    ),
]


@pytest.mark.parametrize(("first", "second", "name"), WRAPPED_EVALUATORS)
def test_the_sentence_naming_the_evaluators_is_read_whole_where_it_wraps(
    first: tuple[str, float, int], second: tuple[str, float, int], name: str
) -> None:
    """Both were read wrong with no check on them."""
    front = [line(text, 70, top, page=page) for text, top, page in (first, second)]
    meta = read_metadata(front, "\n".join(ln.text for ln in front))
    assert meta.evaluators[0] == name and len(meta.evaluators) == 2


def test_an_evaluator_read_as_one_word_is_warned() -> None:
    report = Report(source_file="x.pdf", sha256="0", pages=1, evaluators=["Ingrid", "Anna Andersson, SKL"])
    found = [c for c in validate_report(report) if c.code == "evaluators-uncertain"]
    assert [c.details["name"] for c in found] == ["Ingrid"]


def test_a_rubrik_broken_inside_a_word_takes_the_spelling_its_sub_heading_prints() -> None:
    """LibreOffice broke "Medarbetarundersökningar", too long for the floated box's line, without a hyphen: the
    rubrik was read "Medarbetarundersökninga r" with no check. The narrative's sub-heading prints it whole."""
    box = [
        line("Rubriker", 70, 60, bold=True),
        line("• Lönebildning", 94, 74),
        line("• Medarbetarundersökninga", 94, 88),
        line("r", 108, 102),
    ]
    narrative = [
        line("Medarbetarundersökningar", 70, 130, bold=True),
        line("Kommunen gör en undersökning varje år.", 70, 144),
        line("Lönebildning", 70, 172, bold=True),
        line("Det finns en lönepolicy.", 70, 186),
    ]
    area = _box_area(box + narrative)
    assert area.rubriker == ["Lönebildning", "Medarbetarundersökningar"]


def test_one_item_per_table_row_without_markers_is_an_item_per_row() -> None:
    """A findings table with one row per item and no markers, every item on one line: the column's least step is
    between two rows, so it was taken for the line step, and the rows that stood only that far apart were joined
    into one item ("... resultatstyrning Tydlig struktur ..."), with no check. A line is set at no more than the
    body's pitch (scaled to its size): steps well over it part items."""
    from kompass_extract.parse.item_starts import Breaks

    size = 9.0
    texts = ["Nya styrmodellen", "Tydlig struktur", "Kvalitetschef och nätverk", "Kundcenter", "Kontaktuppgifter"]
    tops = [368.1, 384.9, 412.5, 429.3, 447.3]
    lines = [
        Line([Word(t, 311.0, top, 311.0 + 5.0 * len(t), top + size, size, False)], 5)
        for t, top in zip(texts, tops, strict=True)
    ]
    breaks = Breaks.of(lines, LAYOUT, None)
    assert [breaks.layout_start(n)[0] for n in range(len(lines))] == [True] * 5


def test_a_line_in_lower_case_at_the_head_of_a_page_goes_on_the_paragraph_after_an_abbreviation() -> None:
    """A column ended with "... på grund av bl.a." and the next began "omfattande pensionsavgångar": the abbreviation's
    stop was taken for a sentence's end at the column break, and the paragraph was cut in two, with no check."""
    lines = [
        line("Allmänt", 70, 100, bold=True),
        line("Svenska kommuner står inför stora behov på grund av bl.a.", 70, 114, page=1),
        line("omfattande pensionsavgångar.", 70, 60, page=2),
        line("Kommunen har en plan.", 70, 74, page=2),
    ]
    area = _box_area([line("Rubriker", 70, 40, bold=True), line("• Allmänt", 94, 54)] + lines)
    assert area.sections[-1].paragraphs == [
        "Svenska kommuner står inför stora behov på grund av bl.a. omfattande pensionsavgångar. Kommunen har en plan."
    ]


def test_an_item_at_the_head_of_the_next_page_of_a_spaced_list_is_an_item() -> None:
    """Items set apart by space, the list going on over a page: a page break shows no space, so the item at the next
    page's head was read as the end of the item before ("... på resultat Nytt ledarutvecklingsprogram"), with no
    check. There the filling tells: its first word would have fitted on the line before."""
    from kompass_extract.parse.item_starts import Breaks

    rows = [("Utveckla verksamhetsstödsystem", 680.0, 4), ("Fler gemensamma verktyg", 700.0, 4)]
    rows += [("Ny styrmodell fokuserad på resultat", 720.0, 4), ("Nytt ledarutvecklingsprogram", 70.0, 5)]
    lines = [Line(words(text, 80.0, top), page) for text, top, page in rows]
    breaks = Breaks.of(lines, LAYOUT, 260.0)
    assert breaks.spaced and [breaks.layout_start(n)[0] for n in range(len(lines))] == [True] * 4


def test_columns_going_on_overleaf_with_one_line_on_a_side_are_parted_where_they_were() -> None:
    """A narrative in two columns went on at the next page's head with two lines in the left column and one in the
    right: their first lines joined across the gutter into one line ("... skapa en enskilda kulturpersonligheter."),
    too few lines for a gutter of its own, and the right column's words were read inside the left's sentence, with no
    check. The columns of the page before part them at the same place."""
    page_one = _two_columns(
        100,
        ["Kommunen har en plan", "för arbetet och mål", "som följs upp."],
        ["Det finns", "ett system", "för uppföljning."],
        set(),
    )
    page_two = [
        Line([*words("Ett område vore att skapa en", 70, 60), *words("enskilda personer.", 320, 60)], 2),
        Line(words("samlande mötesarena för alla.", 70, 74), 2),
    ]
    lines, split, _ = in_columns(page_one + page_two)
    assert split
    assert [ln.text for ln in lines if ln.page == 2] == [
        "Ett område vore att skapa en",
        "samlande mötesarena för alla.",
        "enskilda personer.",
    ]
