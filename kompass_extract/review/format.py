"""Small text helpers shared by the site and the charts."""

from __future__ import annotations

from typing import Any


def fmt_num(value: Any) -> str:
    """A number as printed in the reports: '79', '12.5'; empty for a missing value."""
    if value is None:
        return ""
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:g}"
