"""Reviews of children looked after (903 reviews), calibrated for CC03 (held by their due date).

Each period of care gets a chain of reviews: the first within 20 working days of the start,
the second within 3 months of the first, then every 6 months, each due date counted from the
review actually held before it; a few are late. Then, quarter by quarter in order, the count is
steered by changes inside the quarter only: an extra review (held early, so on time, which only
gives the next review more time) adds one to both counts; moving a review a few days past its due
date, or back before it, flips it. Every change is checked against the whole period's chain.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from scorecard_demo.calendar import add_months, quarter_start
from scorecard_demo.csc_fit import SHARES, by_distance, numerator_for
from scorecard_demo.csc_model import (
    EXTRACT_DATE,
    is_working_day,
    random_day,
    working_day_after,
    working_gap,
)
from scorecard_demo.csc_targets import CALIBRATED_PERIOD_ENDS, TARGETS
from scorecard_demo.lac_model import LacChild, Period

FIRST_DUE_WORKING_DAYS = 20
LATE_SHARE = 0.005


def due_dates(period: Period, reviews: list[date]) -> list[date | None]:
    """The due date of each review (None for the first, which is counted in working days)."""
    dues: list[date | None] = [None] if reviews else []
    for i in range(1, len(reviews)):
        dues.append(add_months(reviews[i - 1], 3 if i == 1 else 6))
    return dues


def on_time(period: Period, reviews: list[date]) -> list[bool]:
    result = []
    for i, (review, due) in enumerate(zip(reviews, due_dates(period, reviews), strict=True)):
        if i == 0:
            result.append(working_gap(period.start, review) <= FIRST_DUE_WORKING_DAYS)
        else:
            result.append(review <= due)
    return result


def build_reviews(rng: random.Random, children: list[LacChild]) -> dict[Period, list[date]]:
    chains = {p: _chain(rng, p) for c in children for p in c.periods}
    _steer(rng, chains)
    return chains


def _last_day(period: Period) -> date:
    """Reviews fall before the period ends and by the extract date."""
    return min(period.end - timedelta(days=1) if period.end else EXTRACT_DATE, EXTRACT_DATE)


def _on_or_before(day: date) -> date:
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def _on_or_after(day: date) -> date:
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def _chain(rng: random.Random, period: Period) -> list[date]:
    last = _last_day(period)
    late = rng.random() < LATE_SHARE
    first = working_day_after(period.start, rng.randint(21, 28) if late else rng.randint(8, 20))
    reviews = []
    review = first
    while review <= last:
        reviews.append(review)
        due = add_months(review, 3 if len(reviews) == 1 else 6)
        if rng.random() < LATE_SHARE:
            review = _on_or_after(due + timedelta(days=rng.randint(1, 20)))
        else:
            review = _on_or_before(due - timedelta(days=rng.randint(0, 25)))
    return reviews


def _quarter_counts(chains, first: date, last: date) -> tuple[int, int]:
    d = n = 0
    for period, reviews in chains.items():
        for review, ok in zip(reviews, on_time(period, reviews), strict=True):
            if first <= review <= last:
                d += 1
                n += ok
    return d, n


def _steer(rng: random.Random, chains: dict[Period, list[date]]) -> None:
    for period_end in CALIBRATED_PERIOD_ENDS:
        first = quarter_start(period_end)
        periods = [p for p, reviews in chains.items() if any(first <= r <= period_end
                                                               for r in reviews)]
        d, n = _quarter_counts({p: chains[p] for p in periods}, first, period_end)
        target = TARGETS["CC03"][period_end]
        wanted = None
        for share in SHARES:
            for candidate in by_distance(d, d, d + 80):
                numerator = numerator_for(candidate, target, share)
                # Extra reviews add to both counts; then only moves past due dates are needed.
                if numerator is not None and 0 <= n + candidate - d - numerator <= 60:
                    wanted = (candidate, numerator)
                    break
            if wanted:
                break
        if wanted is None:
            raise RuntimeError(f"CC03 cannot be steered at {period_end}")
        while (d, n) != wanted:
            if d < wanted[0]:
                change = _add_review
            else:
                change = _make_late if n > wanted[1] else _make_on_time
            gained = _apply(rng, chains, periods, first, period_end, change)
            d, n = d + gained[0], n + gained[1]


def _apply(rng, chains, periods, first: date, last: date, change) -> tuple[int, int]:
    """Make `change` in a random period where it does exactly what it should in the quarter
    and nothing before it; returns the change in (reviews, on time) for the quarter."""
    expected = _EXPECTED[change]
    for _ in range(len(periods)):
        period = periods[rng.randrange(len(periods))]
        reviews = chains[period]
        candidate = change(rng, period, reviews, first, last)
        if candidate is None:
            continue
        if [r for r in reviews if r < first] != [r for r in candidate if r < first]:
            continue
        before = _quarter_status(period, reviews, first, last)
        after = _quarter_status(period, candidate, first, last)
        if (after[0] - before[0], after[1] - before[1]) == expected:
            chains[period] = candidate
            return expected
    raise RuntimeError(f"CC03: no review could be changed in the quarter to {last}")


def _quarter_status(period: Period, reviews: list[date], first: date, last: date):
    flags = on_time(period, reviews)
    inside = [ok for r, ok in zip(reviews, flags, strict=True) if first <= r <= last]
    return len(inside), sum(inside)


def _add_review(rng, period, reviews, first, last):
    """An extra review held early, between two reviews (or after the last) inside the quarter."""
    for i, review in enumerate(reviews):
        if not first <= review <= last:
            continue
        following = reviews[i + 1] if i + 1 < len(reviews) else _last_day(period) + timedelta(1)
        latest = min(following - timedelta(days=1), last, _last_day(period))
        due = add_months(review, 3 if i == 0 else 6)
        latest = min(latest, due)
        earliest = review + timedelta(days=14)
        if earliest <= latest:
            day = _on_or_before(random_day(rng, earliest, latest))
            if day > review:
                return sorted([*reviews, day])
    return None


def _make_late(rng, period, reviews, first, last):
    flags = on_time(period, reviews)
    dues = due_dates(period, reviews)
    for i, review in enumerate(reviews):
        if i == 0 or not flags[i] or not first <= review <= last:
            continue
        following = reviews[i + 1] if i + 1 < len(reviews) else _last_day(period) + timedelta(1)
        day = _on_or_after(dues[i] + timedelta(days=rng.randint(1, 6)))
        if day <= last and day < following and day <= _last_day(period):
            return [*reviews[:i], day, *reviews[i + 1 :]]
    return None


def _make_on_time(rng, period, reviews, first, last):
    flags = on_time(period, reviews)
    dues = due_dates(period, reviews)
    for i, review in enumerate(reviews):
        if i == 0 or flags[i] or not first <= review <= last:
            continue
        day = _on_or_before(dues[i] - timedelta(days=rng.randint(0, 5)))
        if day >= first and day > reviews[i - 1]:
            return [*reviews[:i], day, *reviews[i + 1 :]]
    return None


_EXPECTED = {_add_review: (1, 1), _make_late: (0, -1), _make_on_time: (0, 1)}
