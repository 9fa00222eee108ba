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
