"""List markers on scans found as ink (read/ocr/markers.py), and labels read through stray marks."""

from __future__ import annotations

from PIL import Image, ImageDraw

from kompass_extract.locate.labels import is_label, starts_with_label
from kompass_extract.read.ocr.markers import find_markers
from kompass_extract.read.ocr.tesseract import OcrWord

LINE = 40  # line box height in pixels (a 10-pt line at 300 dpi)


def page_with(marks: list[tuple[str, int]]) -> tuple[Image.Image, list[OcrWord]]:
    """A page with one text line per mark: the mark drawn at x=100, a word box of ink from x=160."""
    image = Image.new("L", (1200, 100 + LINE * 2 * len(marks)), 255)
    draw = ImageDraw.Draw(image)
    words = []
    for n, (kind, x) in enumerate(marks):
        top = 60 + 2 * LINE * n
        draw.rectangle((160, top + 8, 400, top + 30), fill=0)  # the word's letters
        words.append(OcrWord("Text", 160, top, 400, top + LINE, 95.0, n))
        middle = top + 19
        if kind == "disc":
            draw.ellipse((x, middle - 6, x + 12, middle + 6), fill=0)
        elif kind == "dash":
            draw.rectangle((x, middle - 2, x + 20, middle + 1), fill=0)
        elif kind == "stop":  # a full stop on the baseline: no marker
            draw.rectangle((x, top + 26, x + 5, top + 31), fill=0)
        elif kind == "speck":  # a 2-pixel speck of toner: no marker
            draw.rectangle((x, middle, x + 1, middle + 1), fill=0)
        elif kind == "dot":  # a dot of toner a third of a bullet's size, where a bullet would stand
            draw.rectangle((x + 3, middle - 3, x + 8, middle + 2), fill=0)
        elif kind == "disc+speck":  # a bullet with a speck of toner just below it (one run of ink columns)
            draw.ellipse((x, middle - 6, x + 12, middle + 6), fill=0)
            draw.rectangle((x + 5, middle + 9, x + 7, middle + 13), fill=0)
        elif kind == "guess":  # a dash Tesseract read as "-" on a tiny line of its own
            draw.rectangle((x, middle - 2, x + 20, middle + 1), fill=0)
            words.append(OcrWord("-", x, middle - 2, x + 21, middle + 2, 40.0, 100 + n))
    return image, words


def test_blobs_left_of_a_line_are_markers_and_other_ink_is_not() -> None:
    image, words = page_with([("disc", 120), ("dash", 110), ("stop", 130), ("speck", 120), ("none", 0)])
    markers, kept = find_markers(image, words)
    assert kept == words
    lines = sorted(round((m[1] - 60) / (2 * LINE)) for m in markers)
    assert lines == [0, 1]
    disc = min(markers, key=lambda m: m[1])
    assert disc[0] >= 119 and disc[2] <= 134 and disc[2] < 160


def test_a_marker_tesseract_read_as_a_word_becomes_a_marker() -> None:
    image, words = page_with([("guess", 110), ("dash", 110)])
    markers, kept = find_markers(image, words)
    assert [w.text for w in kept] == ["Text", "Text"]
    assert len(markers) == 2


def test_labels_are_read_through_stray_marks() -> None:
    assert is_label('"Förbättringsmöjligheter', "improvements")
    assert starts_with_label("'Styrkor och svagheter", "strengths") is not None
    assert not is_label("Förbättringar i verksamheten", "improvements")


def test_a_dot_much_smaller_than_the_pages_markers_is_a_speck() -> None:
    """A 1-bit copy's toner dot left of a continuation line passes for a blob on its own; beside the page's bullets it
    is a speck."""
    image, words = page_with([("disc", 120), ("dot", 120), ("disc", 120), ("disc", 120)])
    markers, _ = find_markers(image, words)
    assert sorted(round((m[1] - 60) / (2 * LINE)) for m in markers) == [0, 2, 3]


def test_a_speck_under_a_bullet_does_not_stretch_its_box() -> None:
    """The bullet's box alone: stretched by the speck it is an upright bar, which the list parser rejects."""
    image, words = page_with([("disc+speck", 120), ("disc", 120), ("disc", 120)])
    markers, _ = find_markers(image, words)
    first = min(markers, key=lambda m: m[1])
    assert first[3] - first[1] <= 14 and first[2] - first[0] <= 14
