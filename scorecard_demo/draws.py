"""Small helpers for seeded random draws."""

from __future__ import annotations

import random
from typing import TypeVar

T = TypeVar("T")


def weighted(rng: random.Random, weights: dict[T, int]) -> T:
    """One key of `weights`, drawn with the given relative weights."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]
