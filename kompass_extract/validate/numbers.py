"""Printed numbers as intervals of the unrounded values they can stand for, and numbers for messages.

Rounding convention: reports may round half up or half to even, so every boundary is treated as reachable
(closed intervals) when deciding that something is *infeasible*. That can only hide an inconsistency of
exactly half a unit, never raise a false alarm.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

Interval = tuple[float, float]

EPS = 1e-9
_STEPS = (1.0, 0.5, 0.1, 0.01)


def fmt(x: float) -> str:
    """A number for messages: no trailing zeros, at most three decimals."""
    if math.isinf(x):
        return "inf"
    return f"{x:.3f}".rstrip("0").rstrip(".") or "0"


def fmt_interval(iv: Interval) -> str:
    """An interval for messages, closed at both ends as the checks treat it (see the module's convention)."""
    return f"[{fmt(iv[0])}, {fmt(iv[1])}]"


def intersect(*ivs: Interval) -> Interval | None:
    """Common part of closed intervals (tolerant of float noise), None when there is none."""
    low, high = max(iv[0] for iv in ivs), min(iv[1] for iv in ivs)
    if low > high + EPS:
        return None
    return low, max(low, high)


def hull(*ivs: Interval) -> Interval:
    return min(iv[0] for iv in ivs), max(iv[1] for iv in ivs)


def rounded(value: float, step: float) -> Interval:
    """Unrounded values that print as ``value`` at precision ``step``."""
    return value - step / 2, value + step / 2


def percent_interval(percent: float, maximum: float, step: float) -> Interval:
    """Unrounded scores whose share of ``maximum`` prints as ``percent`` at precision ``step``."""
    low, high = rounded(percent, step)
    return low * maximum / 100, high * maximum / 100


def printing_step(values: Iterable[float | None]) -> float:
    """The coarsest precision every printed value is a multiple of (1 for integers, 0.5 for half points)."""
    present = [v for v in values if v is not None]
    for step in _STEPS:
        if all(abs(v / step - round(v / step)) < 1e-6 for v in present):
            return step
    return _STEPS[-1]
