"""kompass-extract: Kommunkompassen evaluation reports (PDF) into tidy, documented tables.

The library entry point is :func:`extract`; it returns a typed :class:`Report` and never prints.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from kompass_extract.model import Report

__all__ = ["__version__", "extract"]


def extract(path: Any, **options: Any) -> Report:
    """Extract one report PDF; see :func:`kompass_extract.pipeline.extract` for the options."""
    from kompass_extract.pipeline import extract as _extract

    return _extract(path, **options)
