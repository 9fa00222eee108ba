"""Reading a born-digital page (issue 18): a font's boldness is told once per document, not once per page."""

from __future__ import annotations

import ctypes
from pathlib import Path

import pytest

from kompass_extract.read import geometry
from kompass_extract.read.document import _read_upright, open_pdf

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.mark.parametrize(
    "name", ["generated/analys2010-region-gotland", "lulea-2018", "chromium/chromium-circle-floats"]
)
def test_a_font_is_told_bold_once_per_document(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: every page's reader told each font's boldness from its name again (reportlab's 20 pages: 70
    lookups for 4 fonts, ~9 us each; Chromium's ~100 us). A document's fonts are pdfium's, loaded once and kept
    while its pages are open, so a font told on one page is told for all. Guard: the words are those of each page
    read alone, as before, boldness included."""
    told: list[int] = []
    real = geometry._WordReader._bold

    def counting(self: geometry._WordReader, index: int) -> bool:
        told.append(index)
        return real(self, index)

    monkeypatch.setattr(geometry._WordReader, "_bold", counting)
    doc = open_pdf(str(FIXTURES / name / "report.pdf"))
    told_reading = len(told)
    fonts: set[int] = set()
    try:
        for page in doc.pages:
            textpage, text, frame = _read_upright(page.source)  # type: ignore[arg-type]
            try:
                assert geometry.read_words(textpage, frame, text) == page.words  # alone, with a reader of its own
                for index in range(textpage.count_chars()):
                    obj = geometry._TEXT_OBJECT(textpage.raw, index)
                    if obj:
                        fonts.add(geometry._FONT_OF(ctypes.c_void_p(obj)))
            finally:
                textpage.close()
    finally:
        doc.close()
    assert len(doc.pages) > 10 and len(fonts) >= 2 and any(w.bold for p in doc.pages for w in p.words)
    assert 2 <= told_reading <= len(fonts)
