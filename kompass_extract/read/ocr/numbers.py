"""A second, digits-only OCR pass over the words of a page that are, or may be, numbers.

Tesseract's Swedish model reads the per-cent sign of common serif fonts as "90", "96" or "920" ("75%" -> "7590"),
and a number standing alone in a wide table cell now and then comes out as letters ("11" -> "EL", "7" -> "Zz"). The
English model restricted to digits, "%", "," and "." reads such cells reliably. Re-reading each word on its own would
cost a process start per word, so the words are cut out and stacked into one strip image that a single Tesseract run
reads (a fraction of a second for a page of tables).

List bullets, which Tesseract drops or reads as "e" or "«", are recognised by their shape (a small solid blob, see
:func:`kompass_extract.read.ocr.image.is_bullet`) among short words and uncovered ink, and become "•" words, so that list
items can be told apart downstream as on a text layer.

Which words are re-read: number-like words (:data:`NUMBER_LIKE`), short low-confidence words standing alone (wide
gaps on both sides), which is what a misread table cell looks like, and ink on a text line that no word covers (in
sparse-text mode Tesseract now and then skips a lone "9" in a table). How the readings are combined:

* readings that agree keep the higher confidence; a per-cent misreading ("7590") that the second pass reads as "75%"
  takes the second reading and its confidence (see :func:`normalise_ocr_number`);
* clean numbers that disagree: the more confident reading wins; its confidence is capped below
  :data:`LOW_CONFIDENCE`, so a person is asked to verify it, unless the other reading's confidence is below
  :data:`NOISE` (a failed reading, not a second opinion);
* a word read as letters becomes the second reading's number, capped likewise: one reading is not corroboration.
"""

from __future__ import annotations

import re

import numpy as np
from PIL import Image

from kompass_extract.errors import OcrFailedError
from kompass_extract.read.ocr.image import DARK, grey, is_bullet
from kompass_extract.read.ocr.tesseract import OcrWord, run_tesseract, tesseract_available

NUMBER_LIKE = re.compile(r"(?=.{0,7}\d)[\dOoQDlIi|!\[\]SsBZz%°/.,]{1,8}")
"""A word that is probably a number, possibly with OCR confusions (at least one real digit)."""
SHORT = 3
"""Longest word (characters) that is re-read when it stands alone with a low confidence."""
ALONE = 1.5
"""A word stands alone when the gaps to its neighbours on the line exceed this many line heights."""
NOISE = 50.0
"""Where the readings disagree, one below this confidence is taken for a failed reading and does not cast doubt."""
WHITELIST = "0123456789%,."
BULLET = "\u2022"
BULLET_CONFIDENCE = 90.0
"""Confidence given to a bullet recognised by its shape (Tesseract's own reading of it is usually a wrong letter)."""
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*[.%]?")
"""A clean number as printed: "12", "12,5", "75%", and numbering such as "4." or "1.2"."""

OCR_CONFIDENCE_THRESHOLD = 80.0
"""A number read by OCR below this confidence (0-100) is re-read here and flagged for a person by the checks."""
LOW_CONFIDENCE = OCR_CONFIDENCE_THRESHOLD


_DIGIT_LOOKALIKES = str.maketrans("OoQDlIi|!][SsBZz", "0000111111155822")
_PERCENT_SIGNS = re.compile(r"(?:%[o0]|°/o|[o0]/[o0]|%%)$")
_PERCENT_MISREADS = ("920", "96", "90", "20", "9o")
"""What Tesseract's Swedish model makes of a "%" sign in serif fonts."""


def normalise_ocr_number(text: str, *, percent: bool = False) -> str:
    """Undo the usual OCR confusions in a token that must be a number (only call it where a number is expected).

    Letters that look like digits become digits (O/o/Q/D->0, l/I/i/|/!/[/]->1, S/s->5, B->8, Z/z->2), spaces and stray
    edge punctuation go, and "%o", "%0", "°/o", "o/o", "0/0" become "%". With ``percent=True`` (a percent column) a
    token without "%" whose last characters are a usual misreading of the sign ("96", "90", "920", "20", "9o") loses
    them when what is left is a percentage (0-100), the longest such reading winning: "7596" -> "75%", "79920" ->
    "79%", "7920" -> "79%". Decimal commas are kept ("12,5"). A token that still
    does not look like a number is returned stripped but otherwise as it came, so the caller can flag it.
    """
    token = "".join(text.split()).strip(".,;:'\"‘’“”()-_~")
    mapped = _PERCENT_SIGNS.sub("%", token).translate(_DIGIT_LOOKALIKES)
    if percent and not mapped.endswith("%"):
        heads = [mapped[: -len(t)] for t in _PERCENT_MISREADS if mapped.endswith(t) and len(mapped) > len(t)]
        heads = [h for h in heads if h.isdigit() and int(h) <= 100]
        if heads:
            mapped = max(heads, key=len) + "%"
    return mapped if _NUMBER.fullmatch(mapped) else token


def reread_numbers(image: Image.Image, words: list[OcrWord], *, dpi: int, lang: str = "eng") -> list[OcrWord]:
    """``words`` with the (possible) numbers replaced by their digits-only reading (see the module docstring)."""
    body = float(np.median([w.size for w in words])) if words else 0.0  # the height of a body text line
    words = [_bullet(image, w, body) if len(w.text) <= 2 else w for w in words]
    targets = [i for i, w in enumerate(words) if NUMBER_LIKE.fullmatch(w.text) or _lone_doubtful(words, i)]
    missed = [_bullet(image, w, body) for w in _missed_cells(image, words)]
    words = words + [w for w in missed if w.text]
    missed = [w for w in missed if not w.text]
    targets += range(len(words), len(words) + len(missed))
    words = words + missed
    if not targets:
        return _align_bullets(words, body)
    readings: list[list[tuple[str, float]]] = []
    for chunk in _chunks([words[i] for i in targets]):
        readings += _read_strip(chunk, image, dpi=dpi, lang=lang)
    out = list(words)
    for i, reading in zip(targets, readings, strict=True):
        out[i] = _decide(words[i], reading)
    return _align_bullets([w for w in out if w.text], body)


def _align_bullets(words: list[OcrWord], body: float) -> list[OcrWord]:
    """Give each bullet the line box of the first word of its item, so that it joins that line downstream."""
    out = []
    for w in words:
        if w.text == BULLET:
            centre = (w.top + w.bottom) / 2
            item = [
                v for v in words if v.text != BULLET and 0 <= v.x0 - w.x1 < 3 * body and v.top <= centre <= v.bottom
            ]
            if item:
                first = min(item, key=lambda v: v.x0)
                w = w._replace(top=first.top, bottom=first.bottom, line=first.line)
        out.append(w)
    return out


def _bullet(image: Image.Image, word: OcrWord, body: float) -> OcrWord:
    """``word`` as a "•" when its ink is a bullet's blob for lines ``body`` high (see :func:`is_bullet`)."""
    box = (int(word.x0), int(word.top), int(word.x1) + 1, int(word.bottom) + 1)
    return word._replace(text=BULLET, conf=BULLET_CONFIDENCE) if is_bullet(image, box, body) else word


def _missed_cells(image: Image.Image, words: list[OcrWord]) -> list[OcrWord]:
    """Ink on the text lines that no word covers: cells Tesseract skipped (a lone "9" in a table, typically).

    Each band of lines is cut into runs of ink columns separated by gaps wider than a third of the line height;
    runs big enough to be a glyph become empty words with confidence 0, for the digits-only pass to read.
    """
    if not words:
        return []
    ink = np.asarray(grey(image)) < DARK
    for w in words:
        pad = round((w.bottom - w.top) * 0.15)
        ink[max(0, int(w.top) - pad) : int(w.bottom) + pad, max(0, int(w.x0) - pad) : int(w.x1) + pad] = False
    cells = []
    for top, bottom in _bands(words):
        height = bottom - top
        columns = np.flatnonzero(ink[int(top) : int(bottom)].sum(axis=0) > 0)
        if len(columns) == 0:
            continue
        breaks = np.flatnonzero(np.diff(columns) > height / 3)
        for first, last in zip(np.r_[0, breaks + 1], np.r_[breaks, len(columns) - 1], strict=True):
            x0, x1 = int(columns[first]), int(columns[last]) + 1
            area = ink[int(top) : int(bottom), x0:x1]
            rows = np.flatnonzero(area.any(axis=1))
            if (
                x1 - x0 >= height * 0.15
                and rows[-1] - rows[0] >= height * 0.25
                and area.sum() >= height * height * 0.03
            ):
                cells.append(OcrWord("", x0, top, x1, bottom, 0.0, -1))
    return cells


def _bands(words: list[OcrWord]) -> list[tuple[float, float]]:
    """The vertical extents of the text lines, words overlapping by more than half their height merged."""
    bands: list[list[float]] = []
    for w in sorted(words, key=lambda w: w.top):
        if bands and w.top < bands[-1][1] - (w.bottom - w.top) / 2:
            bands[-1][1] = max(bands[-1][1], w.bottom)
        else:
            bands.append([w.top, w.bottom])
    return [(top, bottom) for top, bottom in bands]


def _lone_doubtful(words: list[OcrWord], i: int) -> bool:
    """A short, low-confidence word with wide gaps on both sides on its line: perhaps a misread table cell."""
    word = words[i]
    if len(word.text) > SHORT or word.conf >= LOW_CONFIDENCE:
        return False
    wide = ALONE * word.size
    before = words[i - 1] if i > 0 and words[i - 1].line == word.line else None
    after = words[i + 1] if i + 1 < len(words) and words[i + 1].line == word.line else None
    return (before is None or word.x0 - before.x1 > wide) and (after is None or after.x0 - word.x1 > wide)


MAX_STRIP = 30_000
"""Tallest strip image (pixels) sent to Tesseract in one run; its own limit is 32,767."""


def strip_runs(heights: list[float], limit: float = MAX_STRIP) -> list[range]:
    """Consecutive runs of items whose stacked heights stay within ``limit`` (a run holds at least one item):
    how many crops go into one Tesseract call, for the digits pass and for the cell re-read alike."""
    runs: list[range] = []
    start, height = 0, 0.0
    for i, h in enumerate(heights):
        if i > start and height + h > limit:
            runs.append(range(start, i))
            start, height = i, 0.0
        height += h
    if heights:
        runs.append(range(start, len(heights)))
    return runs


def _chunks(boxes: list[OcrWord]) -> list[list[OcrWord]]:
    """``boxes`` in runs whose stacked strip stays under :data:`MAX_STRIP` (a noisy page has thousands)."""
    rows = [3 * (box.bottom - box.top) + 16 for box in boxes]  # crop with its padding, plus the gap below it
    return [boxes[run.start : run.stop] for run in strip_runs(rows, MAX_STRIP / 2)] or [[]]


def _read_strip(boxes: list[OcrWord], image: Image.Image, *, dpi: int, lang: str) -> list[list[tuple[str, float]]]:
    """The digits-only readings of ``boxes``, one list per box; none where Tesseract fails on the strip
    (the first readings then stand, with their own confidence)."""
    strip, slots = _stack(boxes, image)
    return [[(text, conf) for _, text, conf in found] for found in read_strip(strip, slots, dpi=dpi, lang=lang)]


def read_strip(
    strip: Image.Image, slots: list[tuple[float, float]], *, dpi: int, lang: str
) -> list[list[tuple[float, str, float]]]:
    """Digits-only readings ``(left, text, confidence)`` of each row ``slot`` (top, bottom) of a stacked strip,
    in Tesseract's order; empty lists where Tesseract fails."""
    found: list[list[tuple[float, str, float]]] = [[] for _ in slots]
    try:
        rows = run_tesseract(
            strip,
            dpi=dpi,
            lang=lang if tesseract_available(lang) else "swe",
            psm=6,
            config=(f"tessedit_char_whitelist={WHITELIST}",),
        )
    except OcrFailedError:
        return found
    for row in rows:
        if row["level"] != 5 or not row["text"].strip():
            continue
        centre = row["top"] + row["height"] / 2
        for n, (top, bottom) in enumerate(slots):
            if top <= centre < bottom:
                found[n].append((row.get("left", 0), row["text"].strip(), row["conf"]))
                break
    return found


def _stack(boxes: list[OcrWord], image: Image.Image) -> tuple[Image.Image, list[tuple[float, float]]]:
    """Cut ``boxes`` out of ``image`` and stack them (see :func:`stack`)."""
    pad = max(4, round(float(np.median([b.bottom - b.top for b in boxes])) * 0.25))
    crops = [image.crop((int(b.x0) - pad, int(b.top) - pad, int(b.x1) + pad, int(b.bottom) + pad)) for b in boxes]
    return stack(crops, 2 * pad)


def stack(crops: list[Image.Image], left: int | None = None) -> tuple[Image.Image, list[tuple[float, float]]]:
    """Stack ``crops`` one per row, well apart and ``left`` pixels from the edge (default: the row gap); return
    the strip and each row's span, so one Tesseract run reads them all and each word goes back to its crop."""
    gap = int(np.median([c.height for c in crops]))  # one tall crop must not space out every row
    left = gap if left is None else left
    width = max(c.width for c in crops) + 2 * left
    strip = Image.new("L", (width, sum(c.height for c in crops) + gap * (len(crops) + 1)), 255)
    slots = []
    y = gap
    for crop in crops:
        strip.paste(crop, (left, y))
        slots.append((y - gap / 2, y + crop.height + gap / 2))
        y += crop.height + gap
    return strip, slots


def _decide(word: OcrWord, reading: list[tuple[str, float]]) -> OcrWord:
    """The text and confidence of a re-read word, from its two readings."""
    second = "".join(text for text, _ in reading)
    second_conf = min((conf for _, conf in reading), default=0.0)
    doubt = LOW_CONFIDENCE - 1
    if second == word.text:
        return word._replace(conf=max(word.conf, second_conf))
    if _NUMBER.fullmatch(second) and second == normalise_ocr_number(word.text, percent=second.endswith("%")):
        return word._replace(text=second, conf=second_conf)
    if not _NUMBER.fullmatch(word.text):  # letters for a number: only the digits-only reading is a number
        if _NUMBER.fullmatch(second):
            return word._replace(text=second, conf=min(second_conf, doubt))
        return word._replace(conf=min(word.conf, doubt))
    if not _NUMBER.fullmatch(second) or second_conf < word.conf:
        winner, loser_conf = word, second_conf if _NUMBER.fullmatch(second) else 0.0
    else:
        winner, loser_conf = word._replace(text=second, conf=second_conf), word.conf
    return winner if loser_conf < NOISE else winner._replace(conf=min(winner.conf, doubt))
