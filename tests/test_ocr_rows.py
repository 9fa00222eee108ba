"""OCR'd overview rows on a 1-bit copy: a question number read without its thin dot or digit, a number read as two
words, number cells boxed as a line of their own. Hand-made OCR words (with a confidence), no OCR run."""

from __future__ import annotations

from dataclasses import replace

from kompass_extract.model import Area, Report
from kompass_extract.parse.overview import parse_overview
from kompass_extract.read.geometry import Word
from kompass_extract.read.lines import Line
from kompass_extract.validate import validate_report

SIZE = 8.0
CONF = 90.0


def ocr_words(text: str, x: float, top: float, *, height: float = SIZE) -> list[Word]:
    """OCR'd words laid out from x, 4.5 pt per character."""
    out = []
    for token in text.split(" "):
        width = 4.5 * len(token)
        out.append(Word(token, x, top, x + width, top + height, SIZE, None, CONF))
        x += width + 3.0
    return out


def row(label: str, text: str, numbers: tuple[str, str, str], top: float) -> Line:
    cells = [w for value, x in zip(numbers, (365.0, 405.0, 450.0), strict=True) for w in ocr_words(value, x, top)]
    return Line(ocr_words(f"{label} {text}", 82.5, top) + cells, 20)


def header(area_no: int, title: str, top: float) -> Line:
    heads = ocr_words("Uppnått", 343, top) + ocr_words("Max", 398, top) + ocr_words("Procent", 440, top)
    return Line(ocr_words(f"{area_no}. {title}", 82.0, top) + heads, 20)


def parse(lines: list[Line]) -> dict[int, Area]:
    areas: dict[int, Area] = {}
    parse_overview(lines, areas)
    return areas


def test_question_numbers_misread_on_a_copy_are_numbered_by_their_place() -> None:
    """'il' for 1.1 and '24' for 2.4 (thin dots lost) are the next number of their table; so is '1' for 2.1 (its
    '2.' lost). A '2' after 2.1 could be a 2.2 or a 2.3 whose '.3' was lost with 2.2 not read at all; the 2.3 read
    after it says it is 2.2."""
    lines = [
        header(1, "Offentlighet", 100),
        row("il", "Hur informeras invånarna?", ("25", "30", "83 %"), 116),
        row("1.2", "Hur informeras medborgarna?", ("17", "25", "68 %"), 132),
        row("", "", ("42", "55", "76 %"), 148),
        header(2, "Tillgänglighet", 180),
        row("1", "Finns en strategi?", ("9", "15", "60 %"), 196),
        row("2", "Hur tillgänglig?", ("9,5", "25", "38 %"), 212),
        row("2.3", "Informerar kommunen?", ("18", "20", "90 %"), 228),
        row("24", "Har brukarna valfrihet?", ("10,5", "20", "53 %"), 244),
    ]
    areas = parse(lines)
    found = [(q.question_no, q.question_no_read, q.achieved) for a in areas.values() for q in a.questions]
    assert found == [("1.1", "il", 25.0), ("1.2", None, 17.0), ("2.1", "1", 9.0), ("2.2", "2", 9.5),
                     ("2.3", None, 18.0), ("2.4", "24", 10.5)]  # fmt: skip
    report = Report(source_file="x.pdf", sha256="0", pages=20, ocr=True, areas=[areas[1], areas[2]])
    placed = [c for c in validate_report(report) if c.code == "question-number-by-place"]
    assert [(c.severity, c.question_no) for c in placed] == [("info", "1.1"), ("info", "2.1"), ("info", "2.2"),
                                                             ("info", "2.4")]  # fmt: skip
    assert placed[0].message == "question 1.1: OCR read its number as il; numbered by its place in the table"


def test_a_misread_number_far_from_the_question_numbers_is_not_one() -> None:
    """A row whose first word stands elsewhere than the question numbers (a wrapped text line) is not numbered."""
    lines = [header(1, "Offentlighet", 100), row("1.1", "Hur?", ("25", "30", "83 %"), 116)]
    lines.append(Line([replace(w, x0=w.x0 + 40, x1=w.x1 + 40) for w in row("12", "x", ("1", "2", "3"), 132).words], 20))
    assert [q.question_no for q in parse(lines)[1].questions] == ["1.1"]


def test_a_born_digital_number_is_never_numbered_by_place() -> None:
    lines = [header(1, "Offentlighet", 100), row("1.1", "Hur?", ("25", "30", "83 %"), 116)]
    lines.append(Line([replace(w, conf=None) for w in row("12", "Hur?", ("17", "25", "68 %"), 132).words], 20))
    assert [q.question_no for q in parse(lines)[1].questions] == ["1.1"]


def test_a_question_number_read_as_two_words_is_one() -> None:
    """'2.' and '1' (the dot read as a word gap): question 2.1, read in full, not numbered by place."""
    lines = [header(2, "Tillgänglighet", 100), row("2.", "1 Finns en strategi?", ("9", "15", "60 %"), 116)]
    [q] = parse(lines)[2].questions
    assert (q.question_no, q.question_no_read, q.text, q.achieved) == ("2.1", None, "Finns en strategi?", 9.0)


def test_number_cells_boxed_as_a_line_of_their_own_stay_on_their_row() -> None:
    """Tesseract put a row's cells on a shorter line beside its text (same print line): they are the row's numbers,
    not the total of the area."""
    first = row("4.1", "Är ansvar decentraliserade?", ("19", "35", "54 %"), 116)
    second = row("4.2", "Finns en tydlig delegationsordning?", ("27", "30", "90 %"), 132)
    text = Line([replace(w, bottom=w.bottom + 4) for w in second.words[:5]], 20)  # descenders: a taller box
    cells = Line(second.words[5:], 20)
    areas = parse([header(4, "Ledning", 100), first, cells, text, row("", "", ("46", "65", "71 %"), 148)])
    assert [(q.question_no, q.achieved, q.max) for q in areas[4].questions] == [
        ("4.1", 19.0, 35.0),
        ("4.2", 27.0, 30.0),
    ]
    assert (areas[4].score, areas[4].max) == (46.0, 65.0)


def test_a_cell_boxed_as_a_line_of_its_own_in_a_gap_of_its_row_stays_on_the_row() -> None:
    """The row's line runs past the cell (its other cells read), the cell's own box sits in a gap of it: one line.
    Regression: the '15' became the last area's total and the rows after it were lost."""
    first = row("8.3", "Samverkar kommunen?", ("11", "15", "70 %"), 116)
    line = Line([w for w in first.words if w.text != "15"], 20)
    cell = Line([replace(w, top=w.top + 2, bottom=w.bottom - 1) for w in first.words if w.text == "15"], 20)
    after = row("8.4", "Vilken roll?", ("8", "15", "55 %"), 132)
    areas = parse([header(8, "Samhällsbyggare", 100), line, cell, after, row("", "", ("19", "30", "63 %"), 148)])
    assert [(q.question_no, q.max) for q in areas[8].questions] == [("8.3", 15.0), ("8.4", 15.0)]
    assert areas[8].max == 30.0


def test_a_question_number_read_as_two_words_without_its_dot_is_numbered_by_its_place() -> None:
    """'2' '1' (the dot lost, the halves apart): read as '21', the next number of the table, so question 2.1."""
    lines = [header(2, "Tillgänglighet", 100), row("2", "1 Finns en strategi?", ("9", "15", "60 %"), 116)]
    [q] = parse(lines)[2].questions
    assert (q.question_no, q.question_no_read, q.text) == ("2.1", "21", "Finns en strategi?")


CATALOG_2016_AREA_2 = [
    ("Finns det en kommunövergripande strategi för brukarfokus?", ("14", "15", "93 %")),
    ("Hur arbetar kommunen med tillgänglighet och bemötande?", ("24", "25", "96 %")),
    ("Hur informerar kommunen om service och tjänster?", ("7", "20", "35 %")),
    ("Hur arbetar kommunen med brukarundersökningar?", ("7", "20", "35 %")),
    ("Hur arbetar kommunen med att förtydliga tjänsternas innehåll?", ("9", "20", "45 %")),
]


def _area_2(labels: list[str]) -> list[Line]:
    lines = [header(2, "Tillgänglighet och brukarorientering", 100)]
    for n, (label, (text, numbers)) in enumerate(zip(labels, CATALOG_2016_AREA_2, strict=False)):
        lines.append(row(label, text, numbers, 116 + 16 * n))
    return [*lines, Line(ocr_words("Summa", 82.5, 200) + ocr_words("61", 365, 200) + ocr_words("100", 405, 200), 20)]


def _checks(areas: dict[int, Area], edition: str | None) -> list[tuple[str, str, str | None]]:
    from kompass_extract.match.catalog import load_catalog, match_catalog

    catalog = load_catalog()
    report = Report(source_file="x.pdf", sha256="0", pages=20, ocr=True, areas=list(areas.values()), edition=edition)
    match_catalog(report, catalog)
    codes = ("question-number-by-place", "question-number-doubtful")
    return [(c.code, c.severity, c.question_no) for c in validate_report(report, catalog) if c.code in codes]


def test_rows_whose_numbers_are_misread_beyond_recognition_are_numbered_by_their_neighbours() -> None:
    """'51' for 2.1 (the '2' read as '5') fits no place, but the '22' after it is 2.2 by its place, so the row
    between the area's start and 2.2 is 2.1; '53' for 2.5 after 2.4 is numbered on (by order), which the catalog
    confirms: the area prints the catalog's five rows. Regression: the whole area was lost (its rows unread, the
    rows after an unread one not numbered by place)."""
    areas = parse(_area_2(["51", "22", "23", "24", "53"]))
    got = [(q.question_no, q.question_no_read, q.numbered_by, q.achieved, q.max) for q in areas[2].questions]
    assert got == [
        ("2.1", "51", "neighbours", 14.0, 15.0),
        ("2.2", "22", "reading", 24.0, 25.0),
        ("2.3", "23", "reading", 7.0, 20.0),
        ("2.4", "24", "reading", 7.0, 20.0),
        ("2.5", "53", "order", 9.0, 20.0),
    ]
    assert (areas[2].score, areas[2].max) == (61.0, 100.0)
    placed = [("question-number-by-place", "info", f"2.{k}") for k in range(1, 6)]
    assert _checks(areas, "2016") == placed


def test_a_number_read_with_a_digit_too_many_in_front_is_numbered_by_its_neighbours() -> None:
    """A clean grey scan read 8.1 as '38.1' (a speck before it): a question number of no area, so the row was not
    one; its numbers were taken for the area's total until the total row came, and the row was lost (flagged
    question-missing, an empty row in the data)."""
    areas = parse(_area_2(["32.1", "2.2", "2.3", "2.4", "2.5"]))
    got = [(q.question_no, q.question_no_read, q.numbered_by, q.achieved, q.max) for q in areas[2].questions]
    assert got[0] == ("2.1", "32.1", "neighbours", 14.0, 15.0)
    assert [q.question_no for q in areas[2].questions] == ["2.1", "2.2", "2.3", "2.4", "2.5"]
    assert (areas[2].score, areas[2].max) == (61.0, 100.0)


def test_a_row_numbered_after_the_last_readable_one_is_doubted_unless_the_catalog_confirms_it() -> None:
    """Numbered by order while a row of the area was not read at all (the area prints fewer rows than the catalog
    has), or with no catalog for the edition: the number is a guess, so said (a warning on the row)."""
    lines = _area_2(["2.1", "2.2", "2.3", "2.4", "53"])
    del lines[3]  # 2.3 not read at all: the '53' row is numbered 2.5 by order, and the area prints 4 of 5 rows
    areas = parse(lines)
    assert [(q.question_no, q.numbered_by) for q in areas[2].questions] == [
        ("2.1", None),
        ("2.2", None),
        ("2.4", None),
        ("2.5", "order"),
    ]
    assert ("question-number-doubtful", "warning", "2.5") in _checks(areas, "2016")
    assert ("question-number-doubtful", "warning", "2.5") in _checks(
        parse(_area_2(["2.1", "2.2", "2.3", "2.4", "53"])), None
    )


def test_a_row_whose_text_is_another_catalog_question_is_doubted() -> None:
    lines = _area_2(["2.1", "51", "2.3"])
    lines[2] = row("51", CATALOG_2016_AREA_2[3][0], ("24", "25", "96 %"), 132)  # the text of 2.4 at the place of 2.2
    areas = parse(lines)
    assert [q.question_no for q in areas[2].questions] == ["2.1", "2.2", "2.3"]
    assert ("question-number-doubtful", "warning", "2.2") in _checks(areas, "2016")


def test_unreadable_rows_that_do_not_fill_the_gap_between_their_neighbours_are_dropped() -> None:
    """'51' between the area's start and 2.3 cannot be both 2.1 and 2.2: not numbered, and its numbers are not taken
    for the area's total (the old code did)."""
    lines = _area_2(["51", "2.2", "2.3"])
    del lines[2]
    areas = parse(lines)
    assert [q.question_no for q in areas[2].questions] == ["2.3"]
    assert areas[2].max == 100.0


def test_a_speck_read_as_a_number_does_not_end_the_last_table() -> None:
    """A fragment of a table rule read as '22' (a box a quarter of a line high) on a line of its own after 8.2 was
    taken for the last area's total, and the tables ended there: 8.3 and the real total were lost."""
    lines = [header(8, "Samhällsbyggnad", 100), row("8.1", "Hur samarbetar kommunen?", ("32", "35", "91 %"), 116)]
    lines.append(row("8.2", "Stödjer kommunen föreningslivet?", ("13", "35", "37 %"), 132))
    lines.append(Line(ocr_words("22", 405, 141, height=2.0), 20))
    lines.append(row("8.3", "Samverkar kommunen med andra?", ("17", "30", "57 %"), 148))
    lines.append(row("", "", ("62", "100", "62 %"), 164))
    areas = parse(lines)
    assert [q.question_no for q in areas[8].questions] == ["8.1", "8.2", "8.3"]
    assert (areas[8].score, areas[8].max) == (62.0, 100.0)


def test_a_question_number_whose_dot_is_read_as_a_colon_is_numbered_by_its_place() -> None:
    """'5:2' (the dot read as a colon on a copy): the next number of the table, so 5.2, not a lost row."""
    lines = [header(5, "Resultat", 100), row("5.1", "Finns en strategi?", ("14", "15", "90 %"), 116)]
    lines.append(row("5:2", "Tydliggör kommunen sambandet?", ("23", "25", "90 %"), 132))
    got = [(q.question_no, q.question_no_read, q.achieved) for q in parse(lines)[5].questions]
    assert got == [("5.1", None, 14.0), ("5.2", "5:2", 23.0)]


def test_table_rules_read_as_bars_are_no_cells_and_do_not_hide_a_header() -> None:
    """A Word export's vertical rules read as '|' words: the next area's header row ending in '|' was no header, and
    its bars, read as '1', became the previous area's total (max 1, percent 1)."""
    bar = [*ocr_words("|", 74, 160)]
    title = header(2, "Tillgänglighet", 160)
    lines = [header(1, "Offentlighet", 100), row("1.1", "Hur?", ("25", "30", "83 %"), 116)]
    lines.append(row("", "", ("25", "30", "83 %"), 132))
    lines.append(
        Line(bar + title.words[:-1] + ocr_words("|", 432, 160) + title.words[-1:] + ocr_words("|", 485, 160), 20)
    )
    lines.append(row("2.1", "Finns en strategi?", ("9", "15", "60 %"), 176))
    areas = parse(lines)
    assert (areas[1].score, areas[1].max, areas[1].percent) == (25.0, 30.0, 83.0)
    assert areas[2].overview_title == "Tillgänglighet" and [q.question_no for q in areas[2].questions] == ["2.1"]


def test_a_line_of_specks_beside_a_row_does_not_join_it() -> None:
    """A dash of toner left of the question number, boxed as a line of its own on the row's print line: it joined the
    row in front of its number, so that 2.3 was read as text of 2.2 and its numbers as the area's total."""
    lines = [header(2, "Tillgänglighet", 100), row("2.2", "Hur arbetar kommunen?", ("14", "25", "57 %"), 116)]
    lines.append(Line(ocr_words("-", 52.0, 133, height=1.2), 20))
    lines.append(row("2.3", "Hur informerar kommunen?", ("19", "20", "93 %"), 132))
    lines.append(row("", "", ("33", "45", "73 %"), 148))
    areas = parse(lines)
    assert [(q.question_no, q.text) for q in areas[2].questions] == [
        ("2.2", "Hur arbetar kommunen?"),
        ("2.3", "Hur informerar kommunen?"),
    ]
    assert areas[2].score == 33.0


def test_a_question_number_read_with_a_character_too_many_is_numbered_by_its_place() -> None:
    """'7.34' after 7.3 (a speck read as a digit): 7.4, not a question 7.34 with 7.4-7.33 missing. A number that
    skips ahead otherwise ('7.6' after 7.3: rows not read) is kept as printed."""
    lines = [header(7, "Arbetsgivare", 100), row("7.3", "Hur arbetar kommunen?", ("8", "20", "40 %"), 116)]
    lines.append(row("7.34", "Hur bedrivs lönebildningen?", ("9", "15", "60 %"), 132))
    lines.append(row("7.6", "Hur följs undersökningar upp?", ("5", "15", "33 %"), 148))
    got = [(q.question_no, q.question_no_read) for q in parse(lines)[7].questions]
    assert got == [("7.3", None), ("7.4", "7.34"), ("7.6", None)]


def test_the_end_of_the_tables_is_a_position_in_the_lines_given() -> None:
    """Lines joined or dropped while reading the tables do not shift the position returned: the line after the last
    area's total (a second report's table would be looked for from there)."""
    lines = [header(8, "Samhällsbyggnad", 100), row("8.1", "Hur samarbetar kommunen?", ("32", "35", "91 %"), 116)]
    cells = row("8.2", "Stödjer kommunen?", ("13", "35", "37 %"), 132)
    lines += [Line(cells.words[:3], 20), Line(cells.words[3:], 20), Line(ocr_words("-", 52.0, 141, height=1.0), 20)]
    lines += [row("", "", ("45", "70", "64 %"), 148), Line(ocr_words("5. Revideringen", 82.5, 180), 20)]
    assert parse_overview(lines, {}) == 6


def test_a_wrapped_line_starting_with_a_number_gives_its_numbers_to_its_row() -> None:
    """Numbers printed on the last line of a wrapped row whose text goes on with a year: the row's numbers, not a row
    of its own whose number OCR misread."""
    lines = [header(3, "Politisk styrning", 100), row("3.1", "Finns en plan antagen", ("", "", ""), 116)]
    lines[1] = Line([w for w in lines[1].words if w.text], 20)
    lines.append(row("2016", "av fullmäktige?", ("12", "20", "60 %"), 132))
    lines.append(row("", "", ("12", "20", "60 %"), 148))
    [q] = parse(lines)[3].questions
    assert (q.question_no, q.achieved, q.max) == ("3.1", 12.0, 20.0)


def test_a_misread_number_on_a_row_whose_numbers_stand_by_its_second_line_begins_the_row() -> None:
    """A 1-bit copy read "5.4" as "54" on a row whose numbers stand beside its second text line (held-out pair
    skl2016-single-table-unruled bw-300-specks): the row was lost, its text joined to the row above and its numbers
    taken for the area's total. A wrapped line beginning with "12" (the end of "1.12" alone) stays text."""
    lines = [header(1, "Offentlighet", 100)] + [
        row(f"1.{k}", "Hur?", ("1", "5", "20 %"), 100 + 16 * k) for k in range(1, 11)
    ]
    lines.append(row("1.11", "Finns en strategi för", ("14", "15", "95 %"), 300))
    lines.append(Line(ocr_words("12 kommuner?", 82.5, 308), 20))
    lines.append(row("1.12", "Tydliggör kommunen?", ("14", "25", "55 %"), 320))
    lines.append(Line(ocr_words("113 Arbetar kommunen med en", 82.5, 336), 20))
    lines.append(row("", "effektivisering?", ("11", "15", "73 %"), 344))
    lines.append(row("1.14", "Kommuniceras resultat?", ("14", "15", "90 %"), 360))
    area = parse(lines)[1]
    found = [(q.question_no, q.question_no_read, q.achieved, q.text) for q in area.questions[10:]]
    assert found == [("1.11", None, 14.0, "Finns en strategi för 12 kommuner?"), ("1.12", None, 14.0, "Tydliggör kommunen?"),
                     ("1.13", "113", 11.0, "Arbetar kommunen med en effektivisering?"),
                     ("1.14", None, 14.0, "Kommuniceras resultat?")]  # fmt: skip
    assert area.score is None


def test_a_speck_read_before_a_question_number_does_not_end_the_tables() -> None:
    """A copy's dark edge read as "1" far left of a row ("1 7.2 Arbetar ...") is no chapter numbered 1 after area
    7, which ended the tables and lost areas 7 and 8 (all flagged as missing); the row reads as printed."""
    lines = [
        header(7, "Verksamhetsutveckling", 100),
        row("7.1", "Finns en strategi?", ("13", "20", "66 %"), 116),
        Line(ocr_words("1", 2.0, 132) + row("7.2", "Arbetar verksamheterna?", ("19", "20", "94 %"), 132).words, 20),
        row("", "", ("32", "40", "80 %"), 148),
        header(8, "Samhällsbyggare", 180),
        row("8.1", "Finns en strategi?", ("10", "20", "48 %"), 196),
    ]
    areas = parse(lines)
    assert [(q.question_no, q.achieved) for a in areas.values() for q in a.questions] == [
        ("7.1", 13.0), ("7.2", 19.0), ("8.1", 10.0)
    ]  # fmt: skip
    assert areas[7].score == 32.0 and 1 not in areas
