"""Look at the result: a static review site with PDF crops, and charts of area scores.

:func:`build_site` writes ``DIR/review/`` from the tables of an output folder;
:mod:`kompass_extract.review.charts` draws time series and municipality comparisons with matplotlib.
"""

from __future__ import annotations

from kompass_extract.review.crops import crop_pixels, parse_bbox
from kompass_extract.review.data import ReportView, ReviewInputError, find_reports, load_output
from kompass_extract.review.site import SiteResult, build_site

__all__ = [
    "ReportView",
    "ReviewInputError",
    "SiteResult",
    "build_site",
    "crop_pixels",
    "find_reports",
    "load_output",
    "parse_bbox",
]
