"""Bare pdfium calls (issue 18): the calls made per word and per page object keep the interpreter's lock."""

from __future__ import annotations

import ctypes
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from kompass_extract.read import document, geometry, markers

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.mark.skipif(
    sys.platform == "win32", reason="pdfium's __stdcall on Windows: ctypes' WINFUNCTYPE, which releases it"
)
def test_bare_calls_keep_the_interpreters_lock() -> None:
    """Regression: an ordinary ctypes call releases the interpreter's lock and takes it back (a mutex and a
    condition signal each way), ~25 ns of each ~200 ns call; a report makes ~31,000 such calls (Chromium's
    ~180,000). These calls return in well under a microsecond, so they keep it: ctypes' flag for that is set."""
    calls = [
        geometry._COUNT_RECTS,
        geometry._GET_RECT,
        geometry._CHAR_BOX,
        geometry._CHAR_ORIGIN,
        geometry._TEXT_OBJECT,
        geometry._FONT_SIZE,
        document._GET_OBJECT,
        document._OBJECT_TYPE,
        markers._OBJECT_TYPE,
    ]
    assert all(type(call)._flags_ & ctypes._FUNCFLAG_PYTHONAPI for call in calls)  # type: ignore[attr-defined]


def test_bare_calls_answer_as_pdfiums_own_bindings() -> None:
    """Guard: the bare calls give what pypdfium2's declared bindings give, on every character of a page."""
    pdf = pdfium.PdfDocument(str(FIXTURES / "generated" / "analys2010-region-gotland" / "report.pdf"))
    try:
        textpage = pdf[2].get_textpage()
        raw, count = textpage.raw, textpage.count_chars()
        assert count > 500
        box = [ctypes.c_double() for _ in range(4)]
        origin = [ctypes.c_double() for _ in range(2)]
        for index in range(count):
            assert geometry._TEXT_OBJECT(raw, index) == (
                ctypes.cast(pdfium_c.FPDFText_GetTextObject(raw, index), ctypes.c_void_p).value
            )
            assert geometry._CHAR_BOX(raw, index, *map(ctypes.byref, box)) == 1
            left, right, bottom, top = (v.value for v in box)  # pdfium's order
            assert (left, bottom, right, top) == textpage.get_charbox(index)
            geometry._CHAR_ORIGIN(raw, index, *map(ctypes.byref, origin))
            x, y = ctypes.c_double(), ctypes.c_double()
            pdfium_c.FPDFText_GetCharOrigin(raw, index, x, y)
            assert (origin[0].value, origin[1].value) == (x.value, y.value)
            assert geometry._FONT_SIZE(raw, index) == pdfium_c.FPDFText_GetFontSize(raw, index)
        textpage.close()
    finally:
        pdf.close()
