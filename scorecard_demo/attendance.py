"""School attendance of children looked after (education extract), calibrated for CC05 (looked
after at P and missing 10% or more of the sessions possible over the quarter's school months).

A child has a row for each school month (September 2020 to June 2023; none in August) in which
they were looked after and of compulsory school age. At each quarter end the rows of a few
children looked after then are left out (no return from their school), so that the denominator
is the fitted one; then the fitted number of the rest miss 10% or more over the quarter, one of
them exactly 10%. Each month belongs to one quarter, so quarters never disturb each other.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from scorecard_demo.calendar import add_months, quarter_start
from scorecard_demo.csc_fit import SHARES, by_distance, numerator_for
from scorecard_demo.csc_model import age_on
from scorecard_demo.csc_targets import CALIBRATED_PERIOD_ENDS, SEED_PERIOD_ENDS, TARGETS
from scorecard_demo.lac_model import LacChild

FIRST_MONTH = date(2020, 9, 1)
LAST_MONTH = date(2023, 6, 1)
# Sessions possible in a full school month (two a day).
SESSIONS = {1: 36, 2: 32, 3: 44, 4: 24, 5: 38, 6: 42, 7: 30, 9: 36, 10: 36, 11: 42, 12: 30}
MISSING_SHARE = 0.03


@dataclass(eq=False)
class AttendanceRow:
    child_id: str
    month: date  # first day of the school month
    possible: int
    missed: int = 0


def school_age(dob: date, month: date) -> bool:
    """Reception to Year 11: aged 4 to 15 on 31 August before the school year."""
    year = month.year if month.month >= 9 else month.year - 1
    return 4 <= age_on(dob, date(year, 8, 31)) <= 15


def build_attendance(
    rng: random.Random, children: list[LacChild]
) -> list[AttendanceRow]:
    rows: dict[tuple[str, date], AttendanceRow] = {}
    in_range = [c for c in children if any(p.end is None or p.end > FIRST_MONTH for p in c.periods)
                and c.dob > FIRST_MONTH - timedelta(days=17 * 366)]
    month = FIRST_MONTH
    while month <= LAST_MONTH:
        if month.month in SESSIONS:
            month_end = add_months(month, 1) - timedelta(days=1)
            for child in in_range:
                days = _days_looked_after(child, month, month_end)
                if days and school_age(child.dob, month):
                    full = (month_end - month).days + 1
                    possible = max(2, round(SESSIONS[month.month] * days / full / 2) * 2)
                    rows[(child.id, month)] = AttendanceRow(child.id, month, possible)
        month = add_months(month, 1)
    by_quarter: dict[date, list[AttendanceRow]] = {}
    for row in rows.values():
        quarter_end = add_months(row.month, (3 - row.month.month % 3) % 3 + 1) - timedelta(1)
        by_quarter.setdefault(quarter_end, []).append(row)
    kept: list[AttendanceRow] = []
    for quarter_end in sorted(by_quarter):
        kept += _quarter(rng, children, quarter_end, by_quarter[quarter_end])
    kept.sort(key=lambda r: (r.child_id, r.month))
    return kept


def _days_looked_after(child: LacChild, first: date, last: date) -> int:
    days = 0
    for period in child.periods:
        start = max(period.start, first)
        end = min(period.end - timedelta(days=1) if period.end else last, last)
        if start <= end:
            days += (end - start).days + 1
    return days


def _quarter(rng, children, quarter_end: date, rows: list[AttendanceRow]) -> list[AttendanceRow]:
    by_child: dict[str, list[AttendanceRow]] = {}
    for row in rows:
        by_child.setdefault(row.child_id, []).append(row)
    looked_after = {c.id for c in children if c.period_at(quarter_end) is not None}
    counted = sorted(cid for cid in by_child if cid in looked_after)
    target = TARGETS["CC05"].get(quarter_end) if quarter_end >= quarter_start(
        CALIBRATED_PERIOD_ENDS[0]) else None
    if target is None or quarter_end not in CALIBRATED_PERIOD_ENDS:
        for child_rows in by_child.values():
            _absence(rng, child_rows, rng.random() < 0.22)
        return rows
    d0 = len(counted)
    wanted = None
    for share in SHARES:
        for d in by_distance(d0 - round(MISSING_SHARE * d0), d0 - 40, d0):
            n = numerator_for(d, target, share)
            if n is not None:
                wanted = (d, n)
                break
        if wanted:
            break
    d, n = wanted
    dropped = set(rng.sample(counted, d0 - d))
    keep = [cid for cid in counted if cid not in dropped]
    persistent = set(rng.sample(keep, n))
    exact = None
    if quarter_end == SEED_PERIOD_ENDS[-1]:
        exact = next(cid for cid in sorted(persistent) if len(by_child[cid]) == 3)
    result = []
    for cid, child_rows in by_child.items():
        if cid in dropped:
            continue
        if cid == exact:
            _exactly_ten_percent(child_rows)
        else:
            _absence(rng, child_rows, cid in persistent if cid in looked_after
                     else rng.random() < 0.22)
        result += child_rows
    return result


def _absence(rng: random.Random, rows: list[AttendanceRow], persistent: bool) -> None:
    possible = sum(r.possible for r in rows)
    if persistent:
        share = min(0.1 + rng.expovariate(1 / 0.09), 0.95)
        missed = max(math.ceil(share * possible), math.ceil(possible / 10))
    else:
        share = rng.choice((0.0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09))
        missed = min(math.floor(share * possible), math.ceil(possible / 10) - 1)
    _spread(rng, rows, missed)


def _exactly_ten_percent(rows: list[AttendanceRow]) -> None:
    """A quarter with sessions possible a multiple of ten and exactly a tenth of them missed."""
    total = sum(r.possible for r in rows)
    trim = total % 10
    biggest = max(rows, key=lambda r: r.possible)
    biggest.possible -= trim if biggest.possible - trim >= 2 else trim - 10
    total = sum(r.possible for r in rows)
    _spread(random.Random(total), rows, total // 10)


def _spread(rng: random.Random, rows: list[AttendanceRow], missed: int) -> None:
    for row in rows:
        row.missed = 0
    for _ in range(missed):
        choices = [r for r in rows if r.missed < r.possible]
        row = rng.choices(choices, weights=[r.possible - r.missed for r in choices])[0]
        row.missed += 1
