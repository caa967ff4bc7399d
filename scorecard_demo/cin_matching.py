"""Finding the referral a piece of work (an assessment, a section 47 enquiry) belongs to."""

from __future__ import annotations

import random
from bisect import bisect_left
from collections.abc import Callable
from datetime import date, timedelta

from scorecard_demo.cin_model import Referral
from scorecard_demo.csc_model import EXTRACT_DATE


class ReferralIndex:
    """Referrals in date order, searchable by a window of referral dates."""

    def __init__(self, referrals: list[Referral]) -> None:
        self.referrals = referrals
        self.dates = [r.date for r in referrals]

    def pick(
        self,
        rng: random.Random,
        first: date,
        last: date,
        accept: Callable[[Referral], bool],
        tries: int = 300,
    ) -> Referral | None:
        """A random referral dated first..last that `accept`s, or None."""
        low = bisect_left(self.dates, first)
        high = bisect_left(self.dates, last + timedelta(days=1))
        if high <= low:
            return None
        for _ in range(tries):
            referral = self.referrals[rng.randrange(low, high)]
            if accept(referral):
                return referral
        start = rng.randrange(low, high)
        for offset in range(high - low):
            referral = self.referrals[low + (start + offset) % (high - low)]
            if accept(referral):
                return referral
        return None


def can_stay_open_until(referral: Referral, day: date) -> bool:
    """Whether the referral may run to `day` without reaching the child's next referral."""
    following = referral.next_referral()
    return following is None or following.date > day + timedelta(days=1)


def keep_open_until(rng: random.Random, referral: Referral, day: date) -> None:
    """Lengthen the referral's provisional closure to at least `day` (plus a few days)."""
    if referral.closure is None:
        return
    if referral.closure < day:
        closure = day + timedelta(days=rng.randint(0, 20))
        following = referral.next_referral()
        if following is not None:
            closure = min(closure, following.date - timedelta(days=1))
        referral.closure = closure
    if referral.closure > EXTRACT_DATE:
        referral.closure = None
