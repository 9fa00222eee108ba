"""Small text helpers shared by the site and the charts."""

from __future__ import annotations

import re
from typing import Any


def fmt_num(value: Any) -> str:
    """A number as printed in the reports: '79', '12.5'; empty for a missing value."""
    if value is None:
        return ""
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:g}"


def slug(text: str) -> str:
    """A file-name-safe form of an id ('2580-2018', '1.1'); other characters become '_'."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", text).lstrip(".") or "_"
