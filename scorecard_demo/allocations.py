"""Allocations of social workers to children (local list, from April 2020), calibrated for QA02
(children open at P with at most two distinct workers in the six months to P).

Cases are simulated quarter by quarter: new cases open (for children just referred), some cases
close, some change worker. At each quarter end the count is then steered with changes made
inside the quarter only, so earlier quarter ends never move: extra new cases (+1 open, +1 with
two or fewer workers), extra closures, and extra worker changes that take a case from two
workers in the window to three.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from scorecard_demo.calendar import add_months
from scorecard_demo.cin_matching import ReferralIndex
from scorecard_demo.cin_model import Referral
from scorecard_demo.csc_fit import SHARES, by_distance, numerator_for
from scorecard_demo.csc_model import EXTRACT_DATE, random_day
from scorecard_demo.csc_targets import CALIBRATED_PERIOD_ENDS, SEED_PERIOD_ENDS, TARGETS

LIST_START = date(2020, 4, 1)
INITIAL_CASES = 1350
NEW_PER_QUARTER = 440
CLOSE_PER_QUARTER = 0.30
CHANGES_PER_QUARTER = (0.66, 0.26, 0.08)  # chance of 0, 1 or 2 worker changes in a quarter
WORKERS = tuple(f"SW{n:04d}" for n in range(1, 181))
MAX_WORKERS = 2
FIRST_STEERED = date(2020, 9, 30)  # the first quarter end whose six months lie in the list


@dataclass(eq=False)
class Allocation:
    worker: str
    start: date
    end: date | None = None


@dataclass(eq=False)
class Case:
    child_id: str
    allocations: list[Allocation] = field(default_factory=list)
    reserved: bool = False

    @property
    def closed(self) -> date | None:
        return self.allocations[-1].end

    def open_at(self, day: date) -> bool:
        return self.allocations[0].start <= day and (self.closed is None or self.closed >= day)

    def workers_in(self, first_excluded: date, day: date) -> int:
        return len({
            a.worker for a in self.allocations
            if a.start <= day and (a.end is None or a.end > first_excluded)
        })

    def last_change(self) -> date:
        return self.allocations[-1].start


def boundary_case(rng: random.Random, child_id: str) -> Case:
    """Open at Jun-23 with three workers since August 2022; the first allocation ended exactly
    six months before Jun-23 (30 Dec 2022), so it is outside the window: two workers count."""
    workers = rng.sample(WORKERS, 3)
    return Case(child_id, [
        Allocation(workers[0], date(2022, 8, 1), date(2022, 12, 30)),
        Allocation(workers[1], date(2022, 12, 30), date(2023, 3, 15)),
        Allocation(workers[2], date(2023, 3, 15)),
    ], reserved=True)


def build_allocations(
    rng: random.Random, referrals: list[Referral], reserved: list[Case]
) -> list[Case]:
    index = ReferralIndex(referrals)
    cases: list[Case] = [
        Case(r.child.id, [Allocation(rng.choice(WORKERS), LIST_START)])
        for r in _children_open_on(index, rng, LIST_START, INITIAL_CASES)
    ]
    busy = {c.child_id for c in cases}
    previous = LIST_START - timedelta(days=1)
    for period_end in [*CALIBRATED_PERIOD_ENDS, EXTRACT_DATE]:
        first = previous + timedelta(days=1)
        for case in reserved:
            if first <= case.allocations[0].start <= period_end:
                cases.append(case)
                busy.add(case.child_id)
        live = [c for c in cases if c.closed is None and not c.reserved]
        for case in live:
            changes = rng.choices((0, 1, 2), weights=CHANGES_PER_QUARTER)[0]
            for _ in range(changes):
                _change(rng, case, first, period_end)
            if rng.random() < CLOSE_PER_QUARTER:
                _close(rng, case, first, period_end)
        for _ in range(NEW_PER_QUARTER + rng.randint(-25, 25)):
            _open(rng, index, cases, busy, first, period_end)
        if FIRST_STEERED <= period_end <= SEED_PERIOD_ENDS[-1]:
            _steer(rng, index, cases, busy, first, period_end)
        previous = period_end
    return cases


def _children_open_on(index, rng, day, count) -> list[Referral]:
    chosen, seen = [], set()
    while len(chosen) < count:
        referral = index.pick(rng, day - timedelta(days=300), day, lambda r: not r.reserved
                              and not r.child.reserved and r.child.id not in seen)
        seen.add(referral.child.id)
        chosen.append(referral)
    return chosen


def _free_day(rng: random.Random, case: Case, first: date, last: date) -> date | None:
    low = max(first, case.last_change() + timedelta(days=7))
    return random_day(rng, low, last) if low <= last else None


def _close(rng: random.Random, case: Case, first: date, last: date) -> bool:
    day = _free_day(rng, case, first, last)
    if day is None:
        return False
    case.allocations[-1].end = day
    return True


def _change(rng: random.Random, case: Case, first: date, last: date) -> bool:
    day = _free_day(rng, case, first, last)
    if day is None:
        return False
    seen = {a.worker for a in case.allocations}
    worker = rng.choice(WORKERS)
    while worker in seen:
        worker = rng.choice(WORKERS)
    case.allocations[-1].end = day
    case.allocations.append(Allocation(worker, day))
    return True


def _open(rng, index, cases, busy, first, last) -> bool:
    referral = index.pick(
        rng, first - timedelta(days=10), last - timedelta(days=5),
        lambda r: not r.reserved and not r.child.reserved and r.child.id not in busy,
    )
    if referral is None:
        return False
    start = max(first, referral.date + timedelta(days=rng.randint(0, 10)))
    cases.append(Case(referral.child.id, [Allocation(rng.choice(WORKERS), min(start, last))]))
    busy.add(referral.child.id)
    return True


def _steer(rng, index, cases, busy, first, period_end) -> None:
    window = add_months(period_end, -6)
    open_now = [c for c in cases if c.open_at(period_end)]
    counts = {c: c.workers_in(window, period_end) for c in open_now}
    d0 = len(open_now)
    n0 = sum(n <= MAX_WORKERS for n in counts.values())
    free = [c for c in open_now if not c.reserved and c.closed is None]
    last_close = period_end - timedelta(days=1)
    two = [c for c in free if counts[c] == MAX_WORKERS and _movable(c, first, period_end)]
    many = [c for c in free if counts[c] > MAX_WORKERS and _movable(c, first, last_close)]
    best = None
    for share in SHARES:
        for d in by_distance(d0, d0 - 80, d0 + 80):
            n = numerator_for(d, TARGETS["QA02"][period_end], share)
            if n is None:
                continue
            delta_d, delta_n = d - d0, n - n0
            close_many = max(0, delta_n - delta_d)
            extra_changes = max(0, delta_d - delta_n)
            net_new = delta_d + close_many
            if close_many > len(many) or extra_changes > len(two):
                continue
            cost = close_many + extra_changes + abs(net_new)
            if best is None or cost < best[0]:
                best = (cost, close_many, extra_changes, net_new, (d, n))
        if best:
            break
    if best is None:
        raise RuntimeError(f"QA02 cannot be steered at {period_end}")
    _, close_many, extra_changes, net_new, wanted = best
    rng.shuffle(many)
    rng.shuffle(two)
    for case in many[:close_many]:
        _close(rng, case, first, last_close)
    for case in two[:extra_changes]:
        _change(rng, case, first, period_end)
    if net_new > 0:
        for _ in range(net_new):
            if not _open(rng, index, cases, busy, first, period_end):
                raise RuntimeError(f"no child for a new case by {period_end}")
    else:
        changed = set(two[:extra_changes])
        few = [c for c in free if counts[c] <= MAX_WORKERS and c not in changed
               and _movable(c, first, last_close)]
        for case in rng.sample(few, -net_new):
            _close(rng, case, first, last_close)
    if qa02(cases, period_end) != wanted:
        raise RuntimeError(f"QA02 steering missed {wanted} at {period_end}")


def _movable(case: Case, first: date, last: date) -> bool:
    return max(first, case.last_change() + timedelta(days=7)) <= last


def qa02(cases: list[Case], period_end: date) -> tuple[int, int]:
    """(children open at P, of whom with at most two workers in the six months to P)."""
    window = add_months(period_end, -6)
    open_now = [c for c in cases if c.open_at(period_end)]
    return len(open_now), sum(c.workers_in(window, period_end) <= MAX_WORKERS for c in open_now)
