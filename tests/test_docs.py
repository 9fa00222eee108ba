"""The README's reference sections are generated from the schema and the rules: they must agree."""

from pathlib import Path

from kompass_extract.write.docs import BEGIN, END, refresh, stale_sections
from kompass_extract.write.schema import TABLES

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_reference_sections_match_the_code() -> None:
    text = README.read_text(encoding="utf-8")
    assert stale_sections(text) == [], "run: python -m kompass_extract.write.docs --write README.md"
    assert refresh(text) == text


def test_deleted_markers_or_an_edited_row_are_noticed() -> None:
    """Without its markers a section could drift unseen (refresh would leave the text alone): that fails too."""
    text = README.read_text(encoding="utf-8")
    begin, end = BEGIN.format(name="check codes"), END.format(name="check codes")
    assert stale_sections(text.replace(begin, "").replace(end, "")) == ["check codes: markers missing or repeated"]
    edited = text.replace("| `area-missing` | error |", "| `area-missing` | warning |")
    assert edited != text and stale_sections(edited) == ["check codes: out of date"]


def test_readme_documents_every_field() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [f"{t.name}.{f.name}" for t in TABLES.values() for f in t.fields if f"| `{f.name}` |" not in text]
    assert missing == []
