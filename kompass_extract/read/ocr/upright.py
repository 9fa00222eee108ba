"""A page's first reading, turned upright when the scan lies sideways or upside down.

Tesseract's orientation detection costs 0.25-0.3 s of CPU a page, so it runs only on a first reading that leaves the
orientation in doubt (:func:`doubtful`); a turned page is read again, and the turned reading is kept only when it
is more legible than the first (:func:`legible`): detection guesses on a page of little text. A page read as
fragments that detection does not turn legible is read at the other turns (1.3 s each) before it is given up.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from PIL import Image

from kompass_extract.read.ocr.image import deskew, estimate_skew, remove_rules
from kompass_extract.read.ocr.tesseract import OcrWord, page_rotation, run_tesseract, tsv_words

DOUBTFUL_CONFIDENCE = 60.0
DOUBTFUL_WORDS = 30
UPRIGHT_WORDS = 3
"""Words of four letters or more read with :data:`UPRIGHT_CONFIDENCE` that prove a page upright (with a quarter of
its words at least): text read sideways or upside down gives none. Measured on the first readings of 10 pages of 5
scans (covers among them), each turned 0, 90, 180 and 270 degrees: 4 to 210 such words upright, at most 1 turned
("LTOC", "puejg")."""
UPRIGHT_CONFIDENCE = 85.0
UNREAD_WORDS = 10
"""Words a reading must hold for a page to count as holding text: two list items running on to a page of their own
(22 words) were read upside down as 25 fragments, one of them a long word."""
UNREAD_SHARE = 0.05
"""Share of a reading's words that are legible under which the page was not read: text read turned gave 0-2.5% (1-bit
copies of pages turned 90, 180 and 270 degrees; Luleå's page 5 upside down at 150 dpi 5 of 383), upright text
two fifths and more."""
_LONG_WORD = re.compile(r"[^\W\d_]{4,}")


class Reading(NamedTuple):
    """A page read upright: the image turned (whitened, not deskewed), its skew, the turn in degrees clockwise, the
    deskewed image cleared of rules that Tesseract read, and its words."""

    image: Image.Image
    skew: float
    rotation: int
    clean: Image.Image
    words: list[OcrWord]


def upright_reading(image: Image.Image, *, dpi: float, lang: str, psm: int) -> Reading:
    """Read ``image`` (whitened paper); when the reading is :func:`doubtful`, ask orientation detection and read the
    page again turned, keeping the turned reading when it is more :func:`legible`. A page of many words none of
    them legible (:func:`unread`) that detection did not turn legible is read at each other turn, until one is no
    longer doubtful, and the most legible reading is kept: on a 1-bit copy, detection could not tell four pages
    copied sideways or upside down from upright ones, and each was read as some 150-400 fragments."""
    best = _read(image, dpi, lang, psm, 0)
    if not doubtful(best.words):
        return best
    detected = page_rotation(best.clean)
    turns = [detected] if detected else []
    if unread(best.words):
        turns += [turn for turn in (180, 90, 270) if turn != detected]
    for turn in turns:
        reading = _read(image.rotate(-turn, expand=True), dpi, lang, psm, turn)
        if legible(reading.words) > legible(best.words):
            best = reading
        if not doubtful(best.words):
            break
    return best


def _read(image: Image.Image, dpi: float, lang: str, psm: int, rotation: int) -> Reading:
    skew = estimate_skew(image)
    clean = remove_rules(deskew(image, skew))
    return Reading(image, skew, rotation, clean, tsv_words(run_tesseract(clean, dpi=dpi, lang=lang, psm=psm)))


def doubtful(words: list[OcrWord]) -> bool:
    """A first reading that few words, few long words read with confidence, or a low median confidence make suspect:
    is the page turned? Not when long words read with high confidence prove it upright: a cover (a dozen words under
    a logo Tesseract reads as junk) is not sent to orientation detection. A page of lists copied sideways read as 66
    words of one or two characters, their median confidence above :data:`DOUBTFUL_CONFIDENCE`, and none of them a
    long word: the page was read as fragments, not detected turned."""
    sure = legible(words, UPRIGHT_CONFIDENCE)
    if sure >= UPRIGHT_WORDS and 4 * sure >= len(words):
        return False
    if len(words) < DOUBTFUL_WORDS or sure < UPRIGHT_WORDS:
        return True
    confidences = sorted(w.conf for w in words)
    return confidences[len(confidences) // 2] < DOUBTFUL_CONFIDENCE


def unread(words: list[OcrWord]) -> bool:
    """A reading of a page that holds text (:data:`UNREAD_WORDS` words or more) of which next to nothing is legible
    (under :data:`UNREAD_SHARE` of its words long words read with :data:`DOUBTFUL_CONFIDENCE`, and at most one): text
    read turned, or too poor a copy; a blank page read as grain gives few words."""
    found = legible(words)
    return len(words) >= UNREAD_WORDS and (found < UNREAD_SHARE * len(words) or found <= 1)


def legible(words: list[OcrWord], confidence: float = DOUBTFUL_CONFIDENCE) -> int:
    """Words of four letters or more read with ``confidence`` at least: what text read upright gives and text read
    turned does not."""
    return sum(1 for w in words if w.conf >= confidence and _LONG_WORD.fullmatch(w.text))
