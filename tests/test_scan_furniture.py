"""Running headers and footers on OCR'd pages: Tesseract garbles them ("Sverigey Kommuner och Landstinzg",
"12 (17)" read "217)") and tears parts off them, so they no longer repeat letter for letter; a list's header row at
the top of a page, whose box is lower than the body's, is no running header."""

from __future__ import annotations

from kompass_extract.locate.furniture import body_lines
from kompass_extract.read.document import Page
from kompass_extract.read.geometry import Word

BOX = 9.6
"""An OCR'd body line's box height."""


def ocr_words(text: str, x: float, top: float, height: float = BOX) -> list[Word]:
    out = []
    for token in text.split(" "):
        out.append(Word(token, x, top, x + 5.0 * len(token), top + height, height, None, 90.0))
        x += 5.0 * (len(token) + 1)
    return out


def scanned(n: int, header: str, *rest: tuple[str, float, float]) -> Page:
    ws = ocr_words(header, 70.0, 34.8, 7.0)
    for k in range(3):  # the body text, which sets the body size
        ws += ocr_words(f"Brödtext på sidan {n} med fler ord än rubriken har, rad {k}", 76, 400 + 14 * k)
    for text, x, top in rest:
        ws += ocr_words(text, x, top)
    return Page(n, 595, 842, "", words_given=ws, ocr=True)


HEADER = "Sveriges Kommuner och Landsting RAPPORT 2005-02-01 {} (14)"


def test_a_garbled_running_header_on_a_scan_is_still_furniture() -> None:
    """Before, the misread header of a page that ends a list was read as the list's last item's continuation
    ("Stöd i projektledning/uppföljning Sveriges Kommuner och Landsting")."""
    pages = [scanned(n, HEADER.format(n)) for n in range(1, 9)]
    pages.append(scanned(9, "Sverigey Komnumer och Landstinzg RAPPORT 2005-02-01 217)", ("• Kundcenter", 91, 100)))
    pages.append(scanned(10, "Sveriges Kommuner och Landsting", ("RAPPORT 2005-02-01 54", 320, 20)))
    bodies = body_lines(pages)
    assert [ln.text for ln in bodies[9]][:2] == [
        "• Kundcenter",
        "Brödtext på sidan 9 med fler ord än rubriken har, rad 0",
    ]
    assert [ln.text for ln in bodies[10]][0] == "Brödtext på sidan 10 med fler ord än rubriken har, rad 0"


def test_a_short_line_or_other_text_in_the_band_is_no_garbled_header() -> None:
    """A box score under a heading near the top, or a list row there, is content however it compares."""
    pages = [scanned(n, HEADER.format(n)) for n in range(1, 9)]
    pages.append(scanned(9, HEADER.format(9), ("Område 2", 76, 45), ("68", 486, 60), ("• Mer samverkan", 91, 80)))
    bodies = body_lines(pages)
    assert [ln.text for ln in bodies[9]][:3] == ["Område 2", "68", "• Mer samverkan"]


def test_a_list_header_row_at_the_top_of_scanned_pages_is_content() -> None:
    """The OCR'd header row "Styrkor Förbättringsmöjligheter" has no descenders or capitals' accents below or above
    the body's: its box was clearly lower than the body's, it stood at the top of two pages, and it was dropped as
    a small running header with the whole area's list (seen on grey 150 dpi and colour scans)."""
    pages = [scanned(n, HEADER.format(n)) for n in range(1, 9)]
    for n in (4, 7):
        pages[n - 1].words_given += [
            Word(t, x, 83.8, x + 60, 91.8, 8.0, None, 95.0)
            for t, x in (("Styrkor", 76), ("Förbättringsmöjligheter", 309))
        ]
    bodies = body_lines(pages)
    assert [ln.text for ln in bodies[7]][0] == "Styrkor Förbättringsmöjligheter"


def test_an_area_running_header_that_ocr_garbled_on_its_other_page_is_still_furniture() -> None:
    """Each area's running header ("Område N <name>", set small) heads its two pages; on a grey 150 dpi scan the
    last area's read differently on its second page, so on its first it recurred nowhere and was glued to the
    previous area's last list item ("Utveckla dialog ... analys Område 8 Kommunen som samhällsbyggare", held-out
    pair skl2017-hyphenated-running grey-150). The area's heading, a footnote and the body stay."""
    names = ["Offentlighet", "Tillgänglighet", "Politisk styrning", "Ledarskap", "Kommunen som samhällsbyggare"]
    pages = []
    for n in range(1, 11):
        area = (n + 1) // 2
        header = f"Område {area} {names[area - 1]}" if n != 10 else "Område 5 Kon som häll byggare"
        page = scanned(n, HEADER.format(n))
        page.words_given += ocr_words(header, 320, 44.4, 7.0) + ocr_words(f"{n} Se bilaga {chr(64 + n)}", 76, 790, 7.0)
        if n % 2:
            page.words_given += ocr_words(header, 76, 80.9, 13.2)
        pages.append(page)
    bodies = body_lines(pages)
    assert [ln.text for ln in bodies[9]][:2] == [
        "Område 5 Kommunen som samhällsbyggare",
        "Brödtext på sidan 9 med fler ord än rubriken har, rad 0",
    ]
    assert bodies[9][0].top == 80.9 and bodies[9][-1].text == "9 Se bilaga I"
