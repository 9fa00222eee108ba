"""The Styrkor / Förbättrings list read from word geometry alone, as OCR gives it: no fonts, a line box per
Tesseract line, two labels of one header row on two lines, columns without markers or labels."""

from __future__ import annotations

from kompass_extract.locate.layout import Layout
from kompass_extract.model import Finding
from kompass_extract.parse.findings import parse_findings
from kompass_extract.parse.findings_header import find_findings_header
from kompass_extract.read.geometry import Word
from kompass_extract.read.lines import group_lines

OCR = Layout(body_size=11.5, pitch=14.5, has_fonts=False)


def ocr_words(text: str, x: float, top: float, bottom: float, char: float = 5.2) -> list[Word]:
    """Words as the OCR reader gives them: every word with its Tesseract line's box, size = the box's height."""
    out = []
    for token in text.split(" "):
        out.append(Word(token, x, top, x + char * len(token), bottom, bottom - top, None, 91.0))
        x += char * (len(token) + 1)
    return out


def texts(findings: list[Finding], kind: str) -> list[str]:
    return [f.text for f in findings if f.kind == kind]


def two_columns(top: float, rows: list[tuple[str, str]], left: float = 84.0, right: float = 312.0) -> list[Word]:
    """Rows of a two-column list, each cell a Tesseract line of its own (own box, a little apart in height)."""
    out: list[Word] = []
    for n, (a, b) in enumerate(rows):
        y = top + 14.6 * n
        out += ocr_words(a, left, y, y + 11.8) if a else []
        out += ocr_words(b, right, y + 0.4, y + 12.0) if b else []
    return out


ROWS = [
    ("• Tydlig styrmodell", "• Utveckla uppföljningen av"),
    ("• Gemensam värdegrund", "  kvalitetsarbetet"),
    ("• Aktivt arbete med", "• Fler samtal om resultat"),
    ("  medborgardialog", ""),
]
STRENGTHS = ["Tydlig styrmodell", "Gemensam värdegrund", "Aktivt arbete med medborgardialog"]
IMPROVEMENTS = ["Utveckla uppföljningen av kvalitetsarbetet", "Fler samtal om resultat"]


def _rows(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(a.strip(), b.strip()) for a, b in rows]


def test_a_header_row_that_ocr_set_on_two_lines_is_one_header() -> None:
    """As read from a bw-200 scan: "Styrkor" (descender, a taller box) and "Förbättringsområden" (diacritics, a box
    set higher) are two Tesseract lines whose centres differ by more than line grouping allows; the old code took
    "Styrkor" for a stacked list's heading and filed every item of both columns as a strength."""
    header = ocr_words("Styrkor", 84.5, 300.2, 313.0) + ocr_words("Förbättringsområden", 312.5, 296.9, 308.6)
    narrative = ocr_words("Kommunen har arbetat med frågan länge.", 84.0, 270.0, 281.8)
    lines = group_lines(narrative + header + two_columns(322.0, _rows(ROWS)), 12)
    assert not any("Styrkor" in ln.text and "Förbättringsområden" in ln.text for ln in lines)  # split by grouping
    at = find_findings_header(lines, 1, OCR)
    assert at is not None and lines[at].text in ("Styrkor", "Förbättringsområden")
    assert at == 1  # the first of the two header lines: the narrative ends before both
    findings = parse_findings(lines[at:], OCR)
    assert texts(findings, "strength") == STRENGTHS
    assert texts(findings, "improvement") == IMPROVEMENTS


def test_a_header_repeated_on_the_next_page_split_by_ocr_is_no_item() -> None:
    first = ocr_words("Styrkor", 84.5, 300.2, 313.0) + ocr_words("Förbättringsområden", 312.5, 296.9, 308.6)
    lines = group_lines(first + two_columns(322.0, _rows(ROWS[:2])), 12)
    repeated = ocr_words("Styrkor", 84.5, 60.2, 73.0) + ocr_words("Förbättringsområden", 312.5, 56.9, 68.6)
    lines += group_lines(repeated + two_columns(80.0, _rows(ROWS[2:])), 13)
    findings = parse_findings(lines, OCR)
    assert texts(findings, "strength") == STRENGTHS
    assert texts(findings, "improvement") == IMPROVEMENTS


def test_lines_far_apart_in_height_are_not_one_header() -> None:
    """A lone "Styrkor" heading and an improvements label a line lower are a stacked list, not one row."""
    header = ocr_words("Styrkor", 84.5, 300.2, 313.0)
    lines = group_lines(header + ocr_words("Förbättringsområden", 312.5, 314.0, 325.7), 12)
    assert [ln.text for ln in lines] == ["Styrkor", "Förbättringsområden"]
    assert find_findings_header(lines, 0, OCR) == 0
    assert [f.kind for f in parse_findings(lines, OCR)] == []


def test_unmarked_columns_split_in_the_white_band_under_a_centred_label() -> None:
    """No markers line up, and the right label is centred in its cell (well right of the column's start): the old
    code cut at the label, giving the right column's first words to the left column."""
    rows = [
        ("Tydlig styrmodell", "Utveckla uppföljningen av"),
        ("Gemensam värdegrund", "kvalitetsarbetet"),
        ("Aktivt arbete med", "Fler samtal om resultat"),
    ]
    header = ocr_words("Styrkor", 150.0, 300.0, 312.5) + ocr_words("Förbättringsområden", 350.0, 300.0, 312.5)
    lines = group_lines(header + two_columns(322.0, rows, right=300.0), 12)
    findings = parse_findings(lines, OCR)
    assert " ".join(texts(findings, "strength")) == "Tydlig styrmodell Gemensam värdegrund Aktivt arbete med"
    assert " ".join(texts(findings, "improvement")) == (
        "Utveckla uppföljningen av kvalitetsarbetet Fler samtal om resultat"
    )
    assert all("white band" not in (f.doubt or "") for f in findings)


def test_columns_without_a_white_band_between_them_are_doubted() -> None:
    """OCR ran the two cells of a row into each other: the cut at the label is a guess, and says so."""
    rows = [("Tydlig styrmodell och arbete", "Utveckla uppföljningen"), ("Gemensam värdegrund", "Fler samtal")]
    header = ocr_words("Styrkor", 84.0, 300.0, 312.5) + ocr_words("Förbättringsområden", 220.0, 300.0, 312.5)
    lines = group_lines(header + two_columns(322.0, rows, right=218.0), 12)
    findings = parse_findings(lines, OCR)
    assert findings and any("white band" in (f.doubt or "") for f in findings)


def test_a_list_without_its_improvements_label_is_never_silent() -> None:
    """The improvements label was lost (a speck, a torn corner): the two columns are still told apart by the white
    band between them, and the guess is doubted; a single column is all strengths, also doubted."""
    header = ocr_words("Styrkor", 84.5, 300.2, 313.0)
    lines = group_lines(header + two_columns(322.0, _rows(ROWS)), 12)
    findings = parse_findings(lines, OCR)
    assert texts(findings, "strength") == STRENGTHS
    assert texts(findings, "improvement") == IMPROVEMENTS
    assert all(f.doubt and "no improvements label" in f.doubt for f in findings if f.position == 1)
    single = group_lines(header + two_columns(322.0, [(a, "") for a, _ in _rows(ROWS)]), 12)
    findings = parse_findings(single, OCR)
    assert texts(findings, "strength") == STRENGTHS and texts(findings, "improvement") == []
    assert findings[0].doubt and "every item was read as a strength" in findings[0].doubt


def test_a_tall_ocr_line_box_inside_the_list_does_not_end_it() -> None:
    """Tesseract gave a continuation row a box half again as tall (it took in the accents of the row below): with no
    fonts, that is no heading; the list (and the row's other column, which holds a marker) reads on. A layout whose
    body lines come from a text layer (a partly scanned report) must not take it for a larger heading either."""
    rows = _rows(ROWS)
    body = two_columns(322.0, rows)
    tall = [w for w in body if w.text in ("kvalitetsarbetet",)]
    body = [w for w in body if w not in tall]
    body += ocr_words("kvalitetsarbetet", 312.0, 336.6, 353.6)  # 17 pt box where its neighbours have 11.8
    header = ocr_words("Styrkor", 84.5, 300.2, 313.0) + ocr_words("Förbättringsområden", 312.5, 300.9, 312.6)
    for layout in (OCR, Layout(body_size=10.0, pitch=12.0, has_fonts=True)):
        findings = parse_findings(group_lines(header + body, 12), layout)
        assert texts(findings, "strength") == STRENGTHS
        assert texts(findings, "improvement") == IMPROVEMENTS


def test_an_ocr_heading_after_the_list_still_ends_it() -> None:
    """A line set apart by space, taller than the body and without any marker is a heading: the list ends there."""
    header = ocr_words("Styrkor", 84.5, 300.2, 313.0) + ocr_words("Förbättringsområden", 312.5, 300.9, 312.6)
    heading = ocr_words("Sammanfattande bedömning", 84.0, 400.0, 416.0)
    findings = parse_findings(group_lines(header + two_columns(322.0, _rows(ROWS)) + heading, 12), OCR)
    assert texts(findings, "strength") == STRENGTHS


def test_a_garbled_page_footer_and_specks_below_the_list_join_no_item() -> None:
    """OCR read the footer "Sida 9 av 22" as "Sida 9 uv 22" (so it was not recognised as furniture) far below the
    list, and toner specks as "-" and "." between the rows: none of it is part of an item."""
    header = ocr_words("Styrkor", 84.5, 300.2, 313.0) + ocr_words("Förbättringsområden", 312.5, 300.9, 312.6)
    noise = ocr_words("-", 230.0, 331.0, 332.2) + ocr_words(".", 427.0, 345.0, 346.1)
    footer = ocr_words("Sida 9 uv 22", 276.0, 799.9, 806.4)
    findings = parse_findings(group_lines(header + two_columns(322.0, _rows(ROWS)) + noise + footer, 12), OCR)
    assert texts(findings, "strength") == STRENGTHS
    assert texts(findings, "improvement") == IMPROVEMENTS


def test_a_speck_after_the_strengths_label_does_not_hide_the_split_header() -> None:
    header = ocr_words("Styrkor |", 84.5, 300.2, 315.0) + ocr_words("Förbättringsområden", 312.5, 307.3, 315.0)
    lines = group_lines(header + two_columns(322.0, _rows(ROWS)), 12)
    at = find_findings_header(lines, 0, OCR)
    assert at == 0
    findings = parse_findings(lines[at:], OCR)
    assert texts(findings, "strength") == STRENGTHS
    assert texts(findings, "improvement") == IMPROVEMENTS


def test_a_marker_read_twice_is_stripped_twice() -> None:
    """OCR read the bullet as "•" and the ink reader saw its blob too: two marker words at one place."""
    header = ocr_words("Styrkor", 84.5, 300.2, 313.0) + ocr_words("Förbättringsområden", 312.5, 300.9, 312.6)
    body = ocr_words("•", 80.0, 322.0, 333.8) + ocr_words("• Mångfasetterat näringslivsstöd", 80.4, 322.0, 333.8)
    findings = parse_findings(group_lines(header + body, 12), OCR)
    assert texts(findings, "strength") == ["Mångfasetterat näringslivsstöd"]


def _spaced_column(tops: list[float], texts_: list[str], heights: list[float]) -> list[Word]:
    return [w for t, s, h in zip(tops, texts_, heights, strict=True) for w in ocr_words(s, 80.0, t, t + h, 4.4)]


def test_items_set_apart_by_a_little_space_on_a_jittery_scan() -> None:
    """A list without markers whose items stand a little apart (as Chromium prints a list styled without markers):
    on a 200-dpi scan the line boxes move with accents and descenders, so some continuation steps look as large
    as the smallest item step; the steps fall into two groups all the same, and the line middles tell them apart."""
    header = ocr_words("Styrkor", 77.0, 131.3, 140.2) + ocr_words("Förbättringsområden", 313.0, 131.3, 140.2)
    lines = [
        (143.8, "Utveckla dialog i samband med uppföljning och", 8.8),
        (155.5, "analys", 8.7),
        (169.4, "Kundcenter samt omvärldsspaning både centralt och", 9.6),
        (181.2, "lokalt inom hela den kommunala organisationen", 8.9),
        (197.3, "Fler gemensamma verktyg för kvalitetsutveckling", 8.6),
        (211.0, "Hållbart medarbetarindex", 8.1),
    ]
    body = _spaced_column([t for t, _, _ in lines], [s for _, s, _ in lines], [h for _, _, h in lines])
    findings = parse_findings(group_lines(header + body, 6), OCR)
    assert texts(findings, "strength") == [
        "Utveckla dialog i samband med uppföljning och analys",
        "Kundcenter samt omvärldsspaning både centralt och lokalt inom hela den kommunala organisationen",
        "Fler gemensamma verktyg för kvalitetsutveckling",
        "Hållbart medarbetarindex",
    ]


def test_evenly_stepped_ocr_lines_are_not_spaced_items() -> None:
    """Steps that differ by OCR jitter only (no two groups a quarter of a line apart) split nothing."""
    header = ocr_words("Styrkor", 77.0, 131.3, 140.2) + ocr_words("Förbättringsområden", 313.0, 131.3, 140.2)
    tops = [143.8, 155.9, 167.4, 179.8, 191.5]
    body = _spaced_column(
        tops,
        ["Utveckla dialog i samband med", "uppföljning och analys av de", "resultat som", "kommunen", "har"],
        [8.8, 9.4, 8.6, 9.0, 8.8],
    )
    findings = parse_findings(group_lines(header + body, 6), OCR)
    assert len(texts(findings, "strength")) < 5


def test_a_speck_left_of_a_continuation_is_no_marker() -> None:
    """The ink reader took a toner speck left of a continuation line (and a letter OCR split off its word) for a
    marker: neither lines up with the column's markers, so neither begins an item."""
    header = ocr_words("Styrkor", 76.0, 84.2, 94.1) + ocr_words("Förbättringsområden", 309.0, 84.2, 94.1)
    words_ = ocr_words("▪ Använd Facebook till medborgarinformation", 81.0, 102.2, 111.4)
    words_ += ocr_words("▪", 58.0, 114.0, 123.1) + ocr_words("(politik)", 90.0, 114.0, 123.1)
    words_ += ocr_words("▪ Fler gemensamma verktyg för", 81.0, 126.8, 136.0)
    words_ += ocr_words("▪", 90.0, 139.6, 148.8) + ocr_words("t kvalitetsutveckling", 95.0, 139.6, 148.8)
    words_ += ocr_words("▪ Stärkt styrning", 80.6, 152.4, 161.6)
    findings = parse_findings(group_lines(header + words_, 17), OCR)
    assert texts(findings, "strength") == [
        "Använd Facebook till medborgarinformation (politik)",
        "Fler gemensamma verktyg för t kvalitetsutveckling",
        "Stärkt styrning",
    ]


def test_an_improvements_label_misread_by_a_letter_still_heads_the_right_column() -> None:
    """A 1-bit copy read "Förbättringsområden" as "Förbättringsomraåden": the header was not found and the area
    had no list at all. A long word much like the label beside "Styrkor" is the label; a short or unlike one is not."""
    header = ocr_words("Styrkor", 77.0, 582.7, 591.4) + ocr_words("Förbättringsomraåden", 310.0, 582.7, 591.4)
    lines = group_lines(header + two_columns(600.0, _rows(ROWS)), 7)
    at = find_findings_header(lines, 0, OCR)
    assert at == 0
    findings = parse_findings(lines[at:], OCR)
    assert texts(findings, "strength") == STRENGTHS and texts(findings, "improvement") == IMPROVEMENTS
    other = group_lines(
        ocr_words("Styrkor", 77.0, 582.7, 591.4) + ocr_words("Förbättringsarbetet", 310.0, 582.7, 591.4), 7
    )
    assert find_findings_header(other, 0, OCR) is None


def test_an_improvements_label_broken_into_pieces_by_ocr_still_heads_the_right_column() -> None:
    """Grey and 1-bit scans read the label as "F örbättringsmöj ligheter": the header was not found and the area
    had no list at all (rapport and skl layouts, three areas of the diagonal sample). Its pieces joined are the
    label; the column boundary stands by the joined label, not by its first letter. "Styrkor." (a speck after
    the word) is the strengths label."""
    header = (
        ocr_words("Styrkor.", 77.0, 582.7, 591.4)
        + ocr_words("F", 310.0, 582.7, 591.4)
        + ocr_words("örbättringsmöj", 317.0, 582.7, 591.4)
        + ocr_words("ligheter", 392.0, 582.7, 591.4)
    )
    lines = group_lines(header + two_columns(600.0, _rows(ROWS)), 7)
    at = find_findings_header(lines, 0, OCR)
    assert at == 0
    findings = parse_findings(lines[at:], OCR)
    assert texts(findings, "strength") == STRENGTHS and texts(findings, "improvement") == IMPROVEMENTS
    assert not any(f.doubt for f in findings)


def test_a_caption_naming_both_lists_is_no_header_row() -> None:
    """Pieces joined must begin with the label's letter: "och förbättringsområden" of a caption is no label."""
    caption = ocr_words("Styrkor och förbättringsområden", 77.0, 560.0, 569.0)
    lines = group_lines(caption + two_columns(600.0, _rows(ROWS)), 7)
    assert find_findings_header(lines, 0, OCR) is None


def test_a_header_row_whose_strengths_label_ocr_lost_still_heads_two_columns() -> None:
    """A bw-200 copy lost "Styrkor" altogether (a speck "a" left of where it stood): the area had no list and the
    only sign was an empty area. The improvements label alone over a right-hand column, with a left-hand column
    below, is the header row; the guess is doubted."""
    narrative = ocr_words("Kommunen har arbetat med frågan länge.", 77.0, 560.0, 571.8)
    header = ocr_words("a", 176.0, 580.0, 580.7) + ocr_words("Förbättringsmöjligheter", 310.0, 582.7, 591.4)
    lines = group_lines(narrative + header + two_columns(600.0, _rows(ROWS), left=77.0), 7)
    at = find_findings_header(lines, 0, OCR)
    assert at is not None and "Förbättringsmöjligheter" in lines[at].text
    findings = parse_findings(lines[at:], OCR)
    assert texts(findings, "strength") == STRENGTHS and texts(findings, "improvement") == IMPROVEMENTS
    assert "strengths label was not read" in (findings[0].doubt or "")


def test_a_stacked_lists_second_heading_at_the_margin_is_no_orphan_header() -> None:
    """ "Förbättringsområden" at the left margin heads a stacked list after the strengths; without a strengths
    label before it, it heads nothing."""
    lines = group_lines(
        ocr_words("Förbättringsområden", 77.0, 560.0, 569.0) + ocr_words("• Fler samtal om resultat", 77.0, 575, 584),
        7,
    )
    assert find_findings_header(lines, 0, OCR) is None


def marked_row(marker: str, text: str, top: float, left: float = 80.0) -> list[Word]:
    """A row of an OCR'd marked column: the marker (or what OCR read of it) at ``left``, the text 11 pt right."""
    ink = [Word(marker, left, top, left + 3.5 * len(marker), top + 11.8, 11.8, None, 60.0)] if marker else []
    return ink + ocr_words(text, left + 11.0, top, top + 11.8)


def test_marker_ink_read_as_a_short_word_or_not_seen_at_all_still_starts_an_item() -> None:
    """1-bit copies: OCR read a disc as "-e" (the item was glued to the one above: "... resultat -e En gemensam"),
    and the ink reader missed another disc altogether ("Införande av resultatindikatorer Politikerenkäter"). A
    short word where the column's markers stand is a marker; an unmarked line beginning where the items' text
    begins, with a capitalised word that would have fitted on the line before, is an item, doubted."""
    header = ocr_words("Styrkor", 77.0, 280.0, 291.8) + ocr_words("Förbättringsområden", 405.0, 280.0, 291.8)
    rows = [
        ("•", "Mer samordning kring arbetsplatsnära lärande och stöd"),
        ("•", "Fler samtal och dialoger kring resultat"),
        ("-e", "En gemensam strategi i förhållande till"),
        ("", "kund/brukare"),
        ("•", "Införande av resultatindikatorer"),
        ("", "Politikerenkäter"),
        ("•", "Översyn av ansvar och delegation"),
    ]
    body = [w for n, (m, t) in enumerate(rows) for w in marked_row(m, t, 300.0 + 14.6 * n)]
    body += marked_row("•", "Visselblåsarfunktion", 300.4, left=400.0) + marked_row("•", "Årets ledare", 315.0, 400.0)
    findings = parse_findings(group_lines(header + body, 7), OCR)
    assert texts(findings, "strength") == [
        "Mer samordning kring arbetsplatsnära lärande och stöd",
        "Fler samtal och dialoger kring resultat",
        "En gemensam strategi i förhållande till kund/brukare",
        "Införande av resultatindikatorer",
        "Politikerenkäter",
        "Översyn av ansvar och delegation",
    ]
    assert texts(findings, "improvement") == ["Visselblåsarfunktion", "Årets ledare"]
    doubted = [f.text for f in findings if f.doubt]
    assert doubted == ["Politikerenkäter"]


def test_an_unmarked_continuation_that_would_not_have_fitted_stays_on_its_item() -> None:
    """A capitalised continuation ("Facebook") after a line that was full is no item: its word would not have
    fitted on the line before."""
    header = ocr_words("Styrkor", 77.0, 280.0, 291.8) + ocr_words("Förbättringsområden", 405.0, 280.0, 291.8)
    rows = [
        ("•", "Mer samordning kring arbetsplatsnära lärande"),
        ("•", "Kommunens kanaler och sidor på webben och på"),
        ("", "Facebook"),
    ]
    body = [w for n, (m, t) in enumerate(rows) for w in marked_row(m, t, 300.0 + 14.6 * n)]
    body += marked_row("•", "Visselblåsarfunktion", 300.4, left=400.0)
    findings = parse_findings(group_lines(header + body, 7), OCR)
    assert texts(findings, "strength")[1] == "Kommunens kanaler och sidor på webben och på Facebook"


def test_a_hanging_indent_item_whose_ocr_edge_moved_a_little_left_still_begins_an_item() -> None:
    """An unmarked hanging-indent column on a tinted scan: "Jämförelser genom KKiK" began 1.4 pt (here 2.2) left of the first
    line (continuations stood 11 pt right) and was joined to the item above it with no doubt raised."""
    header = ocr_words("Styrkor", 76.0, 280.0, 291.8) + ocr_words("Förbättringsområden", 312.0, 280.0, 291.8)
    rows = [
        (79.4, "Externs granskningar samt kundcenter inom"),
        (90.5, "hela den kommunala organisationen"),
        (79.4, "Riktlinjer för kompetensbaserad rekrytering"),
        (77.2, "Jämförelser genom KKiK"),
        (79.7, "Mer enhetligt arbete kring processutveckling"),
    ]
    body = [w for n, (x, t) in enumerate(rows) for w in ocr_words(t, x, 300.0 + 11.0 * n, 310.0 + 11.0 * n)]
    body += ocr_words("Medborgardialoger", 312.0, 300.0, 310.0)
    findings = parse_findings(group_lines(header + body, 7), OCR)
    assert texts(findings, "strength") == [
        "Externs granskningar samt kundcenter inom hela den kommunala organisationen",
        "Riktlinjer för kompetensbaserad rekrytering",
        "Jämförelser genom KKiK",
        "Mer enhetligt arbete kring processutveckling",
    ]


def test_a_marker_alone_on_its_line_is_read_without_error() -> None:
    """A marker blob whose text OCR set on the next line (a marker alone on its line) is no place of a marker to
    compare with: it broke the reading of marker ink with a TypeError."""
    header = ocr_words("Styrkor", 77.0, 280.0, 291.8) + ocr_words("Förbättringsområden", 405.0, 280.0, 291.8)
    body = marked_row("•", "", 300.0)[:1] + marked_row("", "Mer samordning kring lärande", 314.6)
    body += (
        marked_row("•", "Utveckla", 329.2)
        + marked_row("-e", "Fler samtal om resultat", 343.8)
        + marked_row("•", "Visselblåsarfunktion", 300.4, 400.0)
    )
    findings = parse_findings(group_lines(header + body, 7), OCR)
    assert texts(findings, "strength")[-2:] == ["Utveckla", "Fler samtal om resultat"]


def test_unmarked_ocr_items_set_apart_are_told_by_baselines_not_box_middles() -> None:
    """1-bit Chromium copies, unmarked columns: an accented line's box reaches higher, a line with descenders
    reaches lower, so the middles of the boxes moved by half of either. An item's last line with descenders and
    the next item's accented first line came closer than two lines of one item, no step threshold was found, and
    the column (full lines, so the line-filling rule could not tell either) was read as one item."""
    header = ocr_words("Styrkor", 91.0, 270.0, 279.0) + ocr_words("Förbättringsområden", 340.0, 270.0, 279.0)
    rows = [  # (baseline, descenders, text): items start at 300, 326 and 352; lines of an item 11 pt apart
        (300.0, False, "Öka arbetet med samråd och därmed tillit"),
        (311.0, True, "och styrning i hela kommunens arbete nu"),
        (326.0, False, "Ökad samverkan med andra aktörer lokalt"),
        (337.0, True, "i regionen och i hela länet med stöd av"),
        (352.0, False, "Ökad tillit till nämnderna hos invånare"),
        (363.0, True, "genom dialog och tydlig information nu"),
    ]
    body = [w for b, down, t in rows for w in ocr_words(t, 91.0, b - 10.0 if not down else b - 7.0, b + 2.5 * down)]
    body += ocr_words("Fler samtal", 340.0, 293.0, 300.0)
    findings = parse_findings(group_lines(header + body, 7), OCR)
    assert texts(findings, "strength") == [
        "Öka arbetet med samråd och därmed tillit och styrning i hela kommunens arbete nu",
        "Ökad samverkan med andra aktörer lokalt i regionen och i hela länet med stöd av",
        "Ökad tillit till nämnderna hos invånare genom dialog och tydlig information nu",
    ]


def test_an_items_wrapped_end_in_a_tall_ocr_box_at_the_next_page_top_does_not_end_the_list() -> None:
    """A partly scanned report (its text-layer pages set the body size): the list went on over a page break, the
    next page's first OCR'd line ("kommunala organisationen", the end of an item, a box 13.7 pt tall) was taken for
    a heading after the list, and the rest of both columns was lost with no check."""
    layout = Layout(body_size=10.0, pitch=12.75, has_fonts=True)
    header = ocr_words("Styrkor", 82.0, 726.0, 735.0) + ocr_words("Förbättringsmöjligheter", 312.0, 726.0, 735.0)
    first = ocr_words("System för kreativitet inom hela den", 84.0, 743.0, 752.0)
    first += ocr_words("Jämförelsetjänst", 312.0, 743.0, 752.0)
    lines = group_lines(header + first, 5)
    top = ocr_words("kommunala organisationen", 95.0, 68.0, 81.7)
    top += ocr_words("Mer av brukarinvolvering", 84.0, 84.0, 92.0) + ocr_words("Fler samtal", 312.0, 84.0, 92.0)
    lines += group_lines(top, 6)
    findings = parse_findings(lines, layout)
    assert texts(findings, "strength") == [
        "System för kreativitet inom hela den kommunala organisationen",
        "Mer av brukarinvolvering",
    ]
    assert " ".join(texts(findings, "improvement")) == "Jämförelsetjänst Fler samtal"  # kept, however split


UNMARKED_SCAN = [  # an unmarked Chromium list on a bw-200 scan, as OCR gave it (left column; tops and bottoms)
    (80.2, 144.2, 151.2, "Införande av resultatindikatorer"),
    (79.7, 158.9, 167.5, "Chattfunktion på webben samt förmåner som sticker"),
    (84.5, 170.6, 179.0, "t inom hela den kommunala organisationen"),  # its "u" read as a marker blob
    (79.9, 186.0, 194.6, "personaipolicyn, HR-strategin och ledningsfilosofi"),  # a finding in lower case
    (79.9, 201.1, 208.1, "Mötesarena för det samlade kulturlivet"),
    (79.7, 217.0, 225.6, "Mer av systematiska jämförelser på övergripande och"),
    (79.4, 228.6, 237.0, "verksamhetsnivå"),
    (79.9, 242.4, 251.8, "Många e-tjänster"),
]
UNMARKED_RIGHT = [
    (315.4, 144.2, 153.1, "Utveckla dialog i samband med uppföljning och"),
    (315.1, 155.5, 163.9, "analys"),
    (315.6, 170.6, 179.0, "Kundcenter samt omvärldsspaning både centralt och"),
]


def _unmarked_scan(rows: list[tuple[float, float, float, str]]) -> list[Word]:
    header = ocr_words("Styrkor", 76.8, 131.5, 139.7) + ocr_words("Förbättringsmöjligheter", 312.7, 131.3, 139.9)
    body = [w for x, top, bottom, text in rows + UNMARKED_RIGHT for w in ocr_words(text, x, top, bottom, 4.2)]
    return header + body


def test_a_letter_read_as_a_marker_blob_makes_no_hanging_indent() -> None:
    """chromium-none-columns x bw-200: the ink reader took the "u" of "ut" at the start of a wrapped line for a
    marker blob; it lined up with no other marker and started nothing, but the line was measured without it, so
    "t inom ..." stood indented and the column was read as a hanging indent: every line at the margin began an
    item, and "verksamhetsnivå", the lower-case wrapped end of an item, became an item of its own (no check). A lone
    marker where the column's lines begin keeps its place; the column's spacing reads it."""
    blob = (79.7, 171.6, 83.3, 177.4)
    findings = parse_findings(group_lines(_unmarked_scan(UNMARKED_SCAN), 6), OCR, markers=lambda page: [blob])
    assert texts(findings, "strength") == [
        "Införande av resultatindikatorer",
        "Chattfunktion på webben samt förmåner som sticker t inom hela den kommunala organisationen",
        "personaipolicyn, HR-strategin och ledningsfilosofi",
        "Mötesarena för det samlade kulturlivet",
        "Mer av systematiska jämförelser på övergripande och verksamhetsnivå",
        "Många e-tjänster",
    ]


def test_a_lower_case_wrapped_end_at_a_hanging_indents_margin_goes_on_doubted() -> None:
    """In a hanging-indent column on a scan, a line at the first line's x that begins with a small letter after a
    full line ending mid-sentence, with no space above it, is the item's wrapped end (the indent may be a misread):
    it is joined and doubted. A finding in lower case after a gap stays an item of its own."""
    rows = [
        (80.0, 144.2, 152.8, "Införande av resultatindikatorer inom"),
        (88.5, 155.8, 164.4, "hela den kommunala organisationen"),  # a true hanging indent
        (79.9, 171.0, 179.6, "personaipolicyn, HR-strategin och ledningsfilosofi"),
        (79.7, 186.2, 194.8, "Mer av systematiska jämförelser på övergripande och"),
        (79.4, 196.1, 204.5, "verksamhetsnivå"),
        (79.9, 213.0, 221.6, "Många e-tjänster"),
    ]
    findings = parse_findings(group_lines(_unmarked_scan(rows), 6), OCR)
    assert texts(findings, "strength") == [
        "Införande av resultatindikatorer inom hela den kommunala organisationen",
        "personaipolicyn, HR-strategin och ledningsfilosofi",
        "Mer av systematiska jämförelser på övergripande och verksamhetsnivå",
        "Många e-tjänster",
    ]
    joined = next(f for f in findings if f.text.endswith("verksamhetsnivå"))
    assert joined.doubt and "verksamhetsnivå" in joined.doubt
