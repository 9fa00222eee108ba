"""Warm conversion speed (issue 18): what was made faster must still give the same results and leave the process
as it found it."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from conftest import make_pdf

from kompass_extract import pipeline
from kompass_extract.errors import NotKommunkompassError


def _record_collector(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Record whether the cyclic collector is on when the pipeline opens the PDF."""
    seen: list[bool] = []
    real = pipeline.open_pdf

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "open_pdf", spy)
    return seen


def test_the_collector_is_paused_while_a_file_is_converted_and_on_again_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _record_collector(monkeypatch)
    pdf = make_pdf(tmp_path / "not-a-report.pdf", ["Ett brev om annat"])
    assert gc.isenabled()
    with pytest.raises(NotKommunkompassError):  # on again after an error too
        pipeline.extract(pdf)
    assert seen == [False]
    assert gc.isenabled()


def test_a_collector_turned_off_by_the_caller_stays_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _record_collector(monkeypatch)
    pdf = make_pdf(tmp_path / "not-a-report.pdf", ["Ett brev om annat"])
    gc.disable()
    try:
        with pytest.raises(NotKommunkompassError):
            pipeline.extract(pdf)
        assert seen == [False]
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_every_date_cue_reads_a_year() -> None:
    """read_metadata tries the date cues only on text with a digit: each cue must read a year (or an ISO date)."""
    from kompass_extract.parse.cover import _cues

    for pattern in _cues("date_cues"):
        assert {"year", "isodate"} & set(pattern.groupindex), pattern.pattern


def test_letter_spacing_is_collapsed_by_its_definition() -> None:
    """Counting the one-letter tokens in C gives what counting them one by one gave."""
    import random

    from kompass_extract.locate.labels import _WIDE_SPACES, collapse_letter_spacing

    def by_definition(text: str) -> str:
        tokens = text.split(" ")
        if len(tokens) >= 4 and sum(len(t) == 1 for t in tokens) >= 0.8 * len([t for t in tokens if t]):
            return _WIDE_SPACES.sub("\u0000", text).replace(" ", "").replace("\u0000", " ")
        return text

    rnd = random.Random(18)
    pieces = ["S", "V", "E", "", " ", "ab", "Å", "kommun", "7"]
    texts = ["S V E R I G E S  K O M M U N E R", "Analys av Luleå kommun", "a b c", "a b c d e", "   "]
    texts += [" ".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12))) for _ in range(2000)]
    for text in texts:
        assert collapse_letter_spacing(text) == by_definition(text), repr(text)
