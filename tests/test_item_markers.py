"""List markers of OCR'd Styrkor / Förbättrings columns that OCR read as text: pictures read as letters, decimal
markers read with a speck, a marker lost altogether before a compound word (as on Chromium-made reports' scans)."""

from __future__ import annotations

from kompass_extract.parse.findings import parse_findings
from kompass_extract.read.geometry import Word
from kompass_extract.read.lines import group_lines
from tests.test_findings_geometry import OCR, marked_row, ocr_words, texts

HEADER = ocr_words("Styrkor", 77.0, 280.0, 291.8) + ocr_words("Förbättringsområden", 405.0, 280.0, 291.8)
PITCH = 14.6


def ink_row(marker: list[str], text: str, top: float, left: float = 80.0) -> list[Word]:
    """A row whose marker OCR read as the words ``marker`` (side by side from ``left``), the text 11 pt right."""
    out, x = [], left
    for token in marker:
        out.append(Word(token, x, top, x + 2.4 * len(token), top + 11.8, 11.8, None, 40.0))
        x += 2.4 * len(token) + 1.2
    return out + ocr_words(text, left + 11.0, top, top + 11.8)


def test_picture_markers_read_as_letters_where_no_marker_was_seen_are_markers_not_text() -> None:
    """A grey 300 dpi scan of a list whose markers are small pictures: Tesseract read them as "LJ", "IH", "Lu |",
    "HH" and the ink reader saw none, so the column was split by its hanging indent with the readings kept in the
    text ("Lu | Visselblåsarfunktion", under 90 % like the printed item). Short words at one x, followed by the
    text where the wrapped lines begin, on most of the lines that begin there, are the markers."""
    rows = [
        (["LJ"], "Systematiskt arbete kring övergripande"),
        ([], "kommunikation"),
        (["LJ"], "Omvärldsspaning både centralt och lokalt"),
        (["IH"], "Processhandbok och digitalt verktyg"),
        (["Lu", "|"], "Visselblåsarfunktion"),
        (["HH"], "Stöd i projektledning"),
    ]
    body = [w for n, (m, t) in enumerate(rows) for w in ink_row(m, t, 300.0 + PITCH * n)]
    body += marked_row("•", "Fler samtal om resultat", 300.4, left=400.0)
    findings = parse_findings(group_lines(HEADER + body, 7), OCR)
    assert texts(findings, "strength") == [
        "Systematiskt arbete kring övergripande kommunikation",
        "Omvärldsspaning både centralt och lokalt",
        "Processhandbok och digitalt verktyg",
        "Visselblåsarfunktion",
        "Stöd i projektledning",
    ]


def test_a_hanging_list_whose_first_words_are_short_keeps_them() -> None:
    """Guard: an unmarked hanging-indent list whose items begin with short words ("Ny", "Fler") at varying widths
    keeps every word: no two of them end where the wrapped lines begin."""
    rows = [
        (80.0, "Ny styrmodell fokuserad på resultat"),
        (91.0, "inom hela den kommunala organisationen"),
        (80.0, "Fler samtal och dialoger kring resultat"),
        (80.0, "Mer samkörd ledningsgrupp"),
    ]
    body = [w for n, (x, t) in enumerate(rows) for w in ocr_words(t, x, 300.0 + PITCH * n, 311.8 + PITCH * n)]
    body += marked_row("•", "Kundcenter", 300.4, left=400.0)
    findings = parse_findings(group_lines(HEADER + body, 7), OCR)
    assert texts(findings, "strength") == [
        "Ny styrmodell fokuserad på resultat inom hela den kommunala organisationen",
        "Fler samtal och dialoger kring resultat",
        "Mer samkörd ledningsgrupp",
    ]


def test_decimal_markers_misread_with_a_speck_or_a_split_full_stop_still_begin_items() -> None:
    """A 1-bit copy of a decimal list: "5." read as "5.6." and "2." as "2" with its full stop seen as a blob of its
    own ("2 ▪"). Both items were glued to the one above ("Nytt ledarutvecklingsprogram 5.6. Tydliggöra ...")."""
    rows = [
        (["1."], "En gemensam strategi"),
        (["2"], "Politikerenkäter samt nytt"),
        ([], "ledarutvecklingsprogram"),
        (["3."], "Mer systematiska insatser"),
        (["4."], "Nytt ledarutvecklingsprogram"),
        (["5.6."], "Tydliggöra strategi kring effektivitet"),
        (["6."], "Visselblåsarfunktion"),
    ]
    body = [w for n, (m, t) in enumerate(rows) for w in ink_row(m, t, 300.0 + PITCH * n)]
    body[3:4] = [body[3], Word("▪", 84.0, 300.0 + PITCH, 86.0, 311.8 + PITCH, 11.8, None, None)]
    body += marked_row("•", "Kundcenter", 300.4, left=400.0)
    findings = parse_findings(group_lines(HEADER + body, 7), OCR)
    assert texts(findings, "strength") == [
        "En gemensam strategi",
        "Politikerenkäter samt nytt ledarutvecklingsprogram",
        "Mer systematiska insatser",
        "Nytt ledarutvecklingsprogram",
        "Tydliggöra strategi kring effektivitet",
        "Visselblåsarfunktion",
    ]


def test_a_lost_marker_before_a_capitalised_compound_begins_a_doubted_item() -> None:
    """OCR lost a marker altogether before "Brukar-/kundbemötande" after a line that ended short: a compound's
    capitalised first part is a capitalised word as an item begins (it was read as a continuation)."""
    rows = [
        ("•", "Jämförelser genom KKiK samt kompetensförsörjningsrapport inom"),
        ("", "hela den kommunala organisationen"),
        ("", "Brukar-/kundbemötande med i kommunens"),
        ("", "övergripande lönekriterier"),
        ("•", "Stärkande av den gemensamma strategin"),
    ]
    header = ocr_words("Styrkor", 77.0, 280.0, 291.8) + ocr_words("Förbättringsområden", 480.0, 280.0, 291.8)
    body = [w for n, (m, t) in enumerate(rows) for w in marked_row(m, t, 300.0 + PITCH * n)]
    body += marked_row("•", "Kundcenter", 300.4, left=480.0) + marked_row("•", "Politikerenkäter", 315.0, 480.0)
    findings = parse_findings(group_lines(header + body, 7), OCR)
    assert texts(findings, "strength") == [
        "Jämförelser genom KKiK samt kompetensförsörjningsrapport inom hela den kommunala organisationen",
        "Brukar-/kundbemötande med i kommunens övergripande lönekriterier",
        "Stärkande av den gemensamma strategin",
    ]
    assert [f.text for f in findings if f.doubt] == ["Brukar-/kundbemötande med i kommunens övergripande lönekriterier"]


def test_a_spaced_hyphen_at_the_items_text_is_a_word_tail_not_a_dash_marker() -> None:
    """A born-digital column with drawn markers and a word printed split "organisa - tionen": the browser wrapped
    "- tionen" to a line of its own, where the items' wrapped text begins, and the dash was read as a marker, so the
    tail became an item and every later item moved down one (no check). A dash right of the column's markers, before
    a lower-case word, below a line ending in a letter, ends that word; a dash at the markers still marks an item."""
    from kompass_extract.parse.item_markers import item_markers
    from kompass_extract.read.lines import Line

    def row(words: list[tuple[str, float]], top: float) -> Line:
        return Line([Word(t, x, top, x + 5.0 * len(t), top + 10.0, 10.0, False) for t, x in words], 1)

    lines = [
        row([("▪", 80.0), ("Fler", 91.0), ("vägar", 115.0), ("organisa", 150.0)], 100.0),
        row([("-", 91.0), ("tionen", 96.5)], 111.0),
        row([("▪", 80.0), ("Chattfunktion", 91.0)], 122.0),
        row([("-", 80.0), ("samverkan", 91.0)], 133.0),
    ]
    assert [had for had, _ in item_markers(lines)] == [True, False, True, True]
