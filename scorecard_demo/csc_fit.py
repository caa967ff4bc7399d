"""Fitting whole-number counts to a printed percentage, for the children's social care KPIs.

`scorecard_demo.fit` aims within a tenth of the last printed digit. Several care KPIs share one
denominator between two figures (CL01 and CL02 share a cohort; breakdowns share their parts), and
there that tight a window rarely has a solution. So the search here starts at the centre and widens
in steps, never further than 0.4 of the last digit: every value stays at least a tenth of a digit
away from a rounding boundary, far beyond any floating-point noise in a recomputation.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from functools import lru_cache

from scorecard_demo.fit import CENTRE_SHARE, tolerance

SHARES = (CENTRE_SHARE, Fraction(1, 4), Fraction(2, 5))


@lru_cache(maxsize=None)
def _terms(target: str, share: Fraction) -> tuple[int, int, int, int]:
    """Integers (a, b, c, e) with target = a/b and the allowed distance = c/e."""
    value = Fraction(target)
    limit = tolerance(target) * share / CENTRE_SHARE
    return value.numerator, value.denominator, limit.numerator, limit.denominator


def within(numerator: int, denominator: int, target: str, share: Fraction = SHARES[-1]) -> bool:
    """Whether 100 * numerator / denominator lies within `share` of a digit of `target`."""
    if denominator <= 0:
        return False
    a, b, c, e = _terms(target, share)
    # |100 n / d - a / b| <= c / e, in integers
    return abs(100 * numerator * b - a * denominator) * e <= c * denominator * b


def numerator_for(denominator: int, target: str, share: Fraction = SHARES[-1]) -> int | None:
    """The numerator closest to `target` for this denominator, if it lies within `share`."""
    if denominator <= 0:
        return None
    a, b, _, _ = _terms(target, share)
    numerator = (2 * a * denominator + 100 * b) // (200 * b)  # round half up of a*d/(100 b)
    return numerator if within(numerator, denominator, target, share) else None


def choose(denominators: Iterable[int], target: str) -> tuple[int, int] | None:
    """(denominator, numerator): the first candidate denominator, in the order given, whose best
    numerator is near the centre; the window widens only if no candidate fits a narrower one."""
    candidates = [d for d in denominators if d > 0]
    for share in SHARES:
        for denominator in candidates:
            numerator = numerator_for(denominator, target, share)
            if numerator is not None:
                return denominator, numerator
    return None


def by_distance(centre: int, low: int, high: int) -> list[int]:
    """Integers from low to high ordered by distance from centre (ties: the smaller first)."""
    return sorted(range(max(low, 0), high + 1), key=lambda d: (abs(d - centre), d))
