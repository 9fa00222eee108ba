"""The README's reference sections are generated from the schema and the rules: they must agree."""

from pathlib import Path

from kompass_extract.write.docs import refresh
from kompass_extract.write.schema import TABLES

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_reference_sections_match_the_code() -> None:
    text = README.read_text(encoding="utf-8")
    assert refresh(text) == text, "run: python -m kompass_extract.write.docs --write README.md"


def test_readme_documents_every_field() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [f"{t.name}.{f.name}" for t in TABLES.values() for f in t.fields if f"| `{f.name}` |" not in text]
    assert missing == []
