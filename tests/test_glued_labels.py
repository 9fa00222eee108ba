"""Column labels the text layer glues into one word ("MaxProcent"): a header row whose narrow cells set "Max"
against "Procent" was no header row. Typst's fixture typst-enum-table read "Uppnått MaxProcent" into the first
area's overview title (and "Uppnått" into the others'); a held-out Typst report (seed 42) lost the question rows of
two whole areas, whose rows carry their numbers on a line of their own."""

from __future__ import annotations

from pathlib import Path

import pytest

from kompass_extract import extract
from kompass_extract.parse.glued import unglued
from kompass_extract.parse.table_columns import header_columns, label_words
from kompass_extract.read.geometry import Word
from kompass_extract.read.lines import Line

ROOT = Path(__file__).resolve().parent.parent


def _word(text: str, x0: float, x1: float) -> Word:
    return Word(text, x0, 100.0, x1, 110.0, 10.0, True)


def test_a_glued_run_of_labels_is_cut_into_the_labels_by_their_letters() -> None:
    parts = unglued(_word("MaxProcent", 462.0, 532.0), label_words())
    assert parts is not None
    assert [(w.text, w.x0, w.x1) for w in parts] == [("Max", 462.0, 483.0), ("Procent", 483.0, 532.0)]
    three = unglued(_word("UppnåttMaxProcent", 0.0, 170.0), label_words())
    assert three is not None and [w.text for w in three] == ["Uppnått", "Max", "Procent"]


@pytest.mark.parametrize("text", ["Procent", "verksamhetsprocent", "5procent", "MaxProcentX", "Ma"])
def test_a_word_that_is_no_run_of_two_labels_stays_whole(text: str) -> None:
    assert unglued(_word(text, 0.0, 50.0), label_words()) is None


def test_a_header_row_whose_last_labels_touch_gives_every_column() -> None:
    words = [_word("1.", 71.0, 80.0), _word("Samspel", 85.0, 130.0), _word("Uppnått", 393.0, 440.0)]
    columns = header_columns(Line([*words, _word("MaxProcent", 462.0, 532.0)], 1))
    assert columns is not None and set(columns.centres) == {"achieved", "max", "percent"}
    assert columns.centres["achieved"] < columns.centres["max"] < columns.centres["percent"]


def test_the_typst_fixture_with_glued_labels_keeps_them_out_of_the_area_titles() -> None:
    report = extract(ROOT / "fixtures/typst/typst-enum-table/report.pdf")
    titles = [area.overview_title or "" for area in report.areas]
    assert len(titles) == 8 and all(titles)
    assert not [t for t in titles if {"Uppnått", "MaxProcent", "Max", "Procent"} & set(t.split())]
