"""Fitting whole-number counts to a published, rounded figure.

The seed report prints each KPI rounded half away from zero. The generator aims at the centre of
that rounding interval, within a tolerance much smaller than half a unit of the last digit, so
that floating-point noise in any independent recomputation can never flip the printed digit.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

# Aim within a tenth of the last printed digit of the target (±0.001 for 2 dp, ±0.01 for 1 dp).
CENTRE_SHARE = Fraction(1, 10)


def tolerance(target: str) -> Fraction:
    """How far from the printed target a generated value may sit: a tenth of its last digit."""
    places = -Decimal(target).as_tuple().exponent
    return CENTRE_SHARE / 10**places


def near_centre(value: Fraction, target: str) -> bool:
    """Whether `value` sits close enough to the printed `target` to round to it robustly."""
    return abs(value - Fraction(target)) <= tolerance(target)


def centred_numerator(denominator: int, target: str, scale: int = 100) -> int | None:
    """A numerator N with scale*N/denominator near the centre of `target`, or None if none fits."""
    if denominator <= 0:
        return None
    numerator = round(Fraction(target) * denominator / scale)
    if near_centre(Fraction(scale * numerator, denominator), target):
        return numerator
    return None
