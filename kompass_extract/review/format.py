"""Small text helpers shared by the site and the charts."""

from __future__ import annotations

import re
import unicodedata
from typing import Any


def fmt_num(value: Any) -> str:
    """A number as printed in the reports: '79', '12.5'; empty for a missing value."""
    if value is None:
        return ""
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:g}"


def slug(text: str) -> str:
    """A file-name-safe form of an id or name ('2580-2018', '1.1', 'Luleå' -> 'Lulea'); other characters become '_'."""
    ascii_text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[^A-Za-z0-9._-]", "_", ascii_text).lstrip(".") or "_"
