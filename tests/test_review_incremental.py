"""A rebuild of the review site writes only the pages whose inputs changed, and removes pages of reports gone.

Inputs of a page: its report's rows, the PDF its crops come from, the build's settings and the code that renders
it. Every test here fails on a build that writes every page each time (or never removes a page).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_review import PDF_REL, lulea_report, score_only_report, three_report_folder, write_output

from kompass_extract.batch.outdir import LOCK_NAME, folder_lock
from kompass_extract.errors import OutputFolderError
from kompass_extract.review import build_site, record
from kompass_extract.review import site as site_module


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return three_report_folder(tmp_path)


def _stamps(site: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in site.glob("*.html")}


def test_an_unchanged_rebuild_writes_no_report_page_but_the_index(folder: Path, monkeypatch: pytest.MonkeyPatch):
    first = build_site(folder, jobs=1)
    pages = {p.name: p.read_bytes() for p in first.pages}
    before = _stamps(folder / "review")

    def no_page(*args, **kwargs):
        raise AssertionError("an unchanged page was written again")

    monkeypatch.setattr(site_module, "report_page", no_page)
    hashed = []
    monkeypatch.setattr(record, "file_sha256", lambda path: hashed.append(path) or "")
    again = build_site(folder, jobs=1)
    assert again.built == 0 and again.rendered == 0
    assert again.crops == first.crops == 45 and again.problems == first.problems and again.images == 1
    assert {p.name: p.read_bytes() for p in again.pages} == pages
    assert _stamps(folder / "review") == before  # not even renamed onto itself
    assert hashed == []  # the PDF did not change: its SHA-256 is not read again


def test_a_changed_report_alone_is_written_again_and_a_removed_one_is_removed(folder: Path):
    build_site(folder, jobs=1)
    own = folder / "review" / "my-notes.html"
    own.write_text("mine")  # a user's own file in the site folder
    before = _stamps(folder / "review")
    pdf = folder.parent / PDF_REL
    write_output(folder, [lulea_report(pdf), score_only_report("2580-2014", "Luleå", "2580", 2014, "2010", -7)])
    again = build_site(folder, jobs=1)
    after = _stamps(folder / "review")
    assert again.built == 1 and sorted(p.name for p in again.pages) == ["2580-2014.html", "2580-2018.html"]
    assert after["2580-2018.html"] == before["2580-2018.html"]
    assert after["2580-2014.html"] != before["2580-2014.html"]
    assert "1482-2017.html" not in after and own.read_text() == "mine"
    assert "Kungälv" not in (folder / "review" / "index.html").read_text()


def test_a_new_template_a_new_setting_or_a_damaged_image_rebuilds(folder: Path, monkeypatch: pytest.MonkeyPatch):
    assert build_site(folder, jobs=1).built == 3
    monkeypatch.setattr(record, "code_fingerprint", lambda: "another version of the page code")
    assert build_site(folder, jobs=1).built == 3
    assert build_site(folder, jobs=1, scale=1.5).built == 3
    (image,) = (folder / "review" / "crops").rglob("*.png")
    image.write_bytes(image.read_bytes()[:40])
    again = build_site(folder, jobs=1, scale=1.5)
    assert again.built == 1 and again.rendered == 45
    (folder / "review" / "2580-2014.html").unlink()
    assert build_site(folder, jobs=1, scale=1.5).built == 1


def test_a_build_killed_half_way_is_not_trusted_by_the_next(folder: Path, monkeypatch: pytest.MonkeyPatch):
    build_site(folder, jobs=1)
    pdf = folder.parent / PDF_REL
    changed = [lulea_report(pdf), score_only_report("2580-2014", "Luleå", "2580", 2014, "2010", -1),
               score_only_report("1482-2017", "Kungälv", "1482", 2017, "2016", 1)]  # fmt: skip
    write_output(folder, changed)
    real, written = site_module.report_page, []

    def dies_on_the_second(*args, **kwargs):
        if written:
            raise KeyboardInterrupt
        written.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(site_module, "report_page", dies_on_the_second)
    with pytest.raises(KeyboardInterrupt):
        build_site(folder, jobs=1)
    monkeypatch.undo()
    write_output(folder, [lulea_report(pdf), score_only_report("2580-2014", "Luleå", "2580", 2014, "2010", -8),
                          score_only_report("1482-2017", "Kungälv", "1482", 2017, "2016", 5)])  # fmt: skip
    again = build_site(folder, jobs=1)  # back to the first rows: the page the killed build wrote is not theirs
    fresh = folder.parent / "fresh"
    shutil.copytree(folder, fresh, ignore=shutil.ignore_patterns("review"))
    clean = build_site(fresh, jobs=1)
    assert {p.name: p.read_bytes() for p in again.pages} == {p.name: p.read_bytes() for p in clean.pages}
    assert not [p for p in (folder / "review").iterdir() if p.name.endswith(".tmp")]


def test_a_second_build_of_the_same_site_at_once_stops_with_a_clear_error(folder: Path):
    site = folder / "review"
    with folder_lock(site, "wait"), pytest.raises(OutputFolderError, match="another kompass-extract run"):
        build_site(folder, jobs=1)
    assert (site / LOCK_NAME).exists() and build_site(folder, jobs=1).built == 3
