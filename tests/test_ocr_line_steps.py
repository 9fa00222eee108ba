"""Items of unmarked OCR'd list columns told apart by line filling and line steps, with the line boxes Tesseract
gave on a 1-bit 200 dpi copy of a Chromium-made report (no marker, no indent, no space between items): a box made
tall by the other column's ink, a short box whose slash did not reach below the baseline, a lone marker blob, and a
row of both columns at the head of the next page in a box as tall as a heading's."""

from __future__ import annotations

from kompass_extract.locate.layout import Layout
from kompass_extract.parse.findings import parse_findings
from kompass_extract.read.geometry import Word
from kompass_extract.read.lines import group_lines
from tests.test_findings_geometry import ocr_words, texts

OCR = Layout(body_size=8.6, pitch=11.2, has_fonts=False)
CHAR = 3.9
"""Width of a character at the copy's 9 pt (points)."""


def boxed(rows: list[tuple[float, float, float, str]]) -> list[Word]:
    """Words of OCR'd lines given as (x, box top, box bottom, text)."""
    return [w for x, top, bottom, text in rows for w in ocr_words(text, x, top, bottom, CHAR)]


def header(top: float) -> list[Word]:
    return ocr_words("Styrkor", 76.8, top, top + 8.6, CHAR) + ocr_words(
        "Förbättringsmöjligheter", 297.0, top, top + 8.6, CHAR
    )


def test_a_line_box_made_tall_by_the_other_column_does_not_make_the_column_look_spaced() -> None:
    """ "Samlad uppföljning ..." shared a Tesseract line with the right column's taller line (box 12.9 pt where the
    column's are 8.4): its place came out 3.5 pt low, the steps around it 14.8 and 7.4 where all others are 11-12,
    and the column was read as one whose items are set apart, every step of 11 a gap between items
    ("för det samlade kulturlivet ..." and "organisationen" became items of their own)."""
    left = [
        (79.9, 229.2, 237.4, "Utveckla kvalitetsarbetet som en del av styrningen"),
        (79.7, 240.5, 249.1, "Omvärldsspaning både centralt och lokalt samt mötesarena"),
        (79.7, 251.8, 258.5, "för det samlade kulturlivet inom hela den kommunala"),
        (79.4, 263.3, 271.4, "organisationen"),
        (79.9, 274.1, 282.5, "System för kreativitet och innovationer"),
        (79.7, 285.6, 294.0, "Systematisera arbetet med brukarundersökningar mer"),
        (79.7, 296.9, 309.8, "Samlad uppföljning av effekter, resultat avseende"),
        (79.7, 307.7, 316.3, "miljöåtgärder"),
    ]
    right = [
        (297.1, 229.2, 237.4, "Förväntansdokument i hela organisationen?"),
        (297.1, 273.8, 280.8, "Hållbart index"),
    ]
    findings = parse_findings(group_lines(header(216.5) + boxed(left + right), 8), OCR)
    assert texts(findings, "strength") == [
        "Utveckla kvalitetsarbetet som en del av styrningen",
        "Omvärldsspaning både centralt och lokalt samt mötesarena för det samlade kulturlivet inom hela den kommunala "
        "organisationen",
        "System för kreativitet och innovationer",
        "Systematisera arbetet med brukarundersökningar mer",
        "Samlad uppföljning av effekter, resultat avseende miljöåtgärder",
    ]


def test_a_short_box_is_placed_by_its_bottom_though_its_text_holds_a_slash() -> None:
    """ "kund/brukarfokus": a 6 pt box (the column's are 8) that stops at the baseline; taking the slash for a
    descender put the line 1.3 pt high, and with one more point of jitter below it the steps 9.8 and 13.2 made the
    column look spaced: "Brukar-/kundbemötande ..." and "Stärkande ..." were read as continuations."""
    right = [
        (297.1, 197.8, 205.9, "Processhandbok och digitalt verktyg för kartläggning"),
        (297.1, 208.8, 215.3, "Kundcenter samt visselblåsarfunktion inom hela den"),
        (297.1, 220.3, 228.2, "kommunala organisationen"),
        (297.1, 231.8, 239.8, "Brukar-/kundbemötande med i kommunens övergripande"),
        (297.1, 243.1, 249.1, "lönekriterier"),
        (297.4, 254.2, 262.1, "Stärkande av den gemensamma strategi kring"),
        (297.1, 265.4, 271.4, "kund/brukarfokus"),
        (297.4, 277.0, 285.1, "Stärkt övergripande styrning och uppföljning av"),
        (297.1, 288.0, 296.4, "kompetensutveckling"),
    ]
    left = [(79.4, 197.8, 205.9, "Förväntansdokument för chefer"), (79.4, 243.1, 251.0, "Mer samkörd ledningsgrupp")]
    findings = parse_findings(group_lines(header(183.6) + boxed(left + right), 12), OCR)
    assert texts(findings, "improvement") == [
        "Processhandbok och digitalt verktyg för kartläggning",
        "Kundcenter samt visselblåsarfunktion inom hela den kommunala organisationen",
        "Brukar-/kundbemötande med i kommunens övergripande lönekriterier",
        "Stärkande av den gemensamma strategi kring kund/brukarfokus",
        "Stärkt övergripande styrning och uppföljning av kompetensutveckling",
    ]


def test_a_lone_marker_blob_that_starts_nothing_gives_no_hanging_indent() -> None:
    """The ink reader saw one blob (a speck) left of the first line of an unmarked column: a lone marker starts no
    item, but its place was still taken for the column's first line's, so every other line seemed indented under
    it (a hanging indent) and the whole column became one item."""
    right = [
        (291.6, 85.2, 93.4, "▪"),
        (296.9, 85.2, 93.4, "Jämförelser genom KKiK"),
        (296.9, 96.0, 104.6, "Light-versioner av budget, årsberättelse samt koppla"),
        (296.9, 107.8, 114.5, "samman kostnader och resultat inom hela den kommunala"),
        (296.9, 119.3, 127.4, "organisationen"),
        (296.9, 130.1, 138.5, "Mer samkörd ledningsgrupp"),
        (296.6, 140.9, 149.8, "Arbete med analys, t.ex. analysverkstäder"),
    ]
    left = [(79.7, 85.2, 91.7, "Utveckla servicedeklarationer"), (79.4, 118.6, 127.4, "Omvärldsspaning")]
    findings = parse_findings(group_lines(header(72.0) + boxed(left + right), 16), OCR)
    assert texts(findings, "improvement") == [
        "Jämförelser genom KKiK",
        "Light-versioner av budget, årsberättelse samt koppla samman kostnader och resultat inom hela den kommunala "
        "organisationen",
        "Mer samkörd ledningsgrupp",
        "Arbete med analys, t.ex. analysverkstäder",
    ]


def test_a_row_of_both_columns_at_the_head_of_the_next_page_is_no_heading_after_the_list() -> None:
    """The list went on at the top of the next page, whose first row Tesseract read as one line across both
    columns in a 14.6 pt box (a heading's size beside the 8.4 pt rows): it was taken for a heading after the list,
    and the list ended there with every item of that page lost."""
    page5 = boxed(
        [
            (79.7, 718.8, 727.7, "Färre tydligare kommunövergripande mål"),
            (297.0, 718.8, 727.7, "Light-versioner av budget"),
            (79.4, 741.4, 749.8, "Tydlig struktur för individuell lönesättning"),
        ]
    )
    page6 = boxed(
        [
            (79.9, 67.2, 81.8, "Ytterligare marknadsföring av vad som hanteras i"),
            (297.0, 67.2, 81.8, "System för uppmärksamhet av arbetsplatser"),
            (79.7, 83.8, 92.2, "fullmäktige, styrelse och nämnder"),
            (297.0, 83.8, 92.2, "Utveckla verksamhetsstödsystem"),
        ]
    )
    lines = group_lines(header(706.3) + page5, 5) + group_lines(page6, 6)
    findings = parse_findings(lines, OCR)
    assert (
        texts(findings, "strength")[-1]
        == "Ytterligare marknadsföring av vad som hanteras i fullmäktige, styrelse och nämnder"
    )
    assert "System för uppmärksamhet av arbetsplatser" in texts(findings, "improvement")


def test_a_tall_box_in_a_spaced_column_still_begins_an_item_at_a_wide_step() -> None:
    """A column whose items are set apart (steps of 15 pt between items, 11 within): "Stärkt övergripande ..." came
    in a 13.7 pt box. Its step may not make a column spaced, but in a column the other steps show spaced, the wide
    step before it still begins an item (it had been joined to "Mötesarena ...")."""
    left = [
        (79.9, 272.4, 281.0, "Mer enhetligt arbete kring processutveckling"),
        (79.7, 288.2, 296.9, "Fler vägar att sprida goda exempel samt nytt"),
        (79.7, 299.3, 309.8, "ledarutvecklingsprogram inom hela den kommunala"),
        (79.7, 310.8, 319.0, "organisationen"),
        (79.7, 325.7, 334.3, "Mer samordning kring arbetsplatsnära lärande"),
        (79.9, 340.1, 347.8, "Hållbart medarbetarindex"),
        (79.9, 356.4, 363.4, "Mötesarena för det samlade kulturlivet"),
        (79.9, 367.2, 380.9, "Stärkt övergripande styrning och uppföljning av"),
        (79.9, 382.6, 391.2, "kompetensutveckling"),
    ]
    right = [(315.1, 271.4, 281.0, "Systematisk hantering av klagomål"), (315.1, 325.7, 334.3, "Koppla samman")]
    findings = parse_findings(group_lines(header(258.0) + boxed(left + right), 8), OCR)
    assert texts(findings, "strength")[-2:] == [
        "Mötesarena för det samlade kulturlivet",
        "Stärkt övergripande styrning och uppföljning av kompetensutveckling",
    ]


def test_a_speck_between_the_two_labels_of_a_header_row_parts_them_not() -> None:
    """A 1-bit copy: "Styrkor" (a tall box) and "Förbättringsmöjligheter" came as two Tesseract lines with a speck
    read as "-" between them in reading order. The two labels were no longer neighbours, so "Styrkor" headed a
    stacked list and every row of both columns was filed under the improvements label (strengths: none)."""
    head = [
        Word("Styrkor", 81.8, 358.6, 111.1, 373.9, 15.3, None, 95.0),
        Word("-", 126.2, 360.2, 128.2, 360.7, 0.5, None, 40.0),
    ]
    head += ocr_words("Förbättringsmöjligheter", 307.7, 365.5, 373.9, CHAR)
    rows = [
        (95.8, 383.3, 391.9, "▪ Utveckla medborgardialogen"),
        (307.7, 383.3, 391.9, "▪ Externs granskningar"),
        (95.8, 394.8, 403.7, "▪ Årets ledare"),
        (307.7, 394.8, 403.7, "▪ Mångfasetterat näringslivsstöd"),
    ]
    lines = group_lines(head + boxed(rows), 7)
    assert [ln.text for ln in lines[:3]] == ["Styrkor", "-", "Förbättringsmöjligheter"]
    findings = parse_findings(lines, OCR)
    assert texts(findings, "strength") == ["Utveckla medborgardialogen", "Årets ledare"]
    assert texts(findings, "improvement") == ["Externs granskningar", "Mångfasetterat näringslivsstöd"]
