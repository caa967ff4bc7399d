"""Staff in post: the employments every other HR table hangs off.

Children's (CYP) starters and leavers are solved quarter by quarter so that the rolling-year
turnover (GM05) lands on the seed report's figures; the other directorates only need to exist,
so the KPI filters have something to filter out.

To keep headcount arithmetic simple and exact, nobody leaves on the last day of a quarter and
nobody starts on the first: headcount on the first day of a quarter then equals headcount on the
last day of the previous one, and each quarter moves headcount by starters minus leavers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from scorecard_demo.calendar import add_months, quarter_ends, quarter_start, working_calendar
from scorecard_demo.draws import weighted
from scorecard_demo.fit import near_centre
from scorecard_demo.model import (
    CHILDRENS,
    LAST_PERIOD_END,
    OTHER_DIRECTORATES,
    Employment,
)
from scorecard_demo.names import employee_name
from scorecard_demo.targets import TURNOVER_TARGETS

# Staff history starts a year before the first reported quarter, so that every rolling-year
# turnover figure from Jun-20 on counts a full year of leavers.
HISTORY_START = date(2019, 6, 30)
INITIAL_HEADCOUNT = {CHILDRENS: 452, "ADS": 68, "PLC": 52, "RES": 48, "CEX": 22}
CHILDRENS_HEADCOUNT_RANGE = (425, 478)
PREFERRED_HEADCOUNT = 450
EARLIEST_START = date(1986, 1, 6)
MEAN_TENURE_DAYS = 7 * 365

FTE_WEIGHTS = {100: 55, 80: 12, 60: 10, 50: 10, 40: 6, 75: 3, 70: 2, 90: 1, 30: 1}
LEAVING_REASON_WEIGHTS = {"RES": 60, "RET": 12, "EFT": 12, "RED": 8, "DIS": 6, "DEA": 1}
FIRST_PERS_NO = 10_004_117


@dataclass(frozen=True)
class QuarterFlow:
    """How many employments of a directorate leave and start in one quarter."""

    leavers: int
    starters: int


def build_staff(rng: random.Random) -> list[Employment]:
    """All employments in post on 30 Jun 2019 or starting by 30 Jun 2023, with pers_no set."""
    period_ends = quarter_ends(add_months(HISTORY_START, 3), LAST_PERIOD_END)
    staff: list[Employment] = []
    for directorate, headcount in INITIAL_HEADCOUNT.items():
        staff.extend(
            _initial_employment(rng, directorate, len(staff) + i) for i in range(headcount)
        )
    flows = {CHILDRENS: _plan_childrens_turnover(rng, period_ends)}
    for directorate in OTHER_DIRECTORATES:
        flows[directorate] = [
            QuarterFlow(rng.randint(0, 3), rng.randint(0, 3)) for _ in period_ends
        ]
    for i, period_end in enumerate(period_ends):
        for directorate in INITIAL_HEADCOUNT:
            _apply_flow(rng, staff, directorate, period_end, flows[directorate][i])
    _assign_pers_nos(rng, staff)
    return staff


def _plan_childrens_turnover(rng: random.Random, period_ends: list[date]) -> list[QuarterFlow]:
    """Leavers and starters per quarter; where the seed reports GM05, solved to hit it."""
    flows: list[QuarterFlow] = []
    headcount_at_end = [INITIAL_HEADCOUNT[CHILDRENS]]
    for i, period_end in enumerate(period_ends):
        if period_end in TURNOVER_TARGETS:
            flow = _solve_turnover_quarter(
                rng,
                target=TURNOVER_TARGETS[period_end],
                earlier_leavers=sum(f.leavers for f in flows[i - 3 : i]),
                headcount_year_start=headcount_at_end[i - 3],
                headcount_before=headcount_at_end[-1],
            )
        else:
            leavers = rng.randint(13, 19)
            drift = PREFERRED_HEADCOUNT - headcount_at_end[-1]
            flow = QuarterFlow(leavers, max(0, leavers + drift // 4 + rng.randint(-3, 3)))
        flows.append(flow)
        headcount_at_end.append(headcount_at_end[-1] + flow.starters - flow.leavers)
    return flows


def _solve_turnover_quarter(
    rng: random.Random,
    target: str,
    earlier_leavers: int,
    headcount_year_start: int,
    headcount_before: int,
) -> QuarterFlow:
    """The (leavers, starters) nearest a natural-looking quarter whose rolling GM05 is on target.

    Turnover = leavers in the year / mean(headcount at the year's start, headcount at P) * 100;
    the year's leavers are the three earlier quarters' plus this quarter's.
    """
    preferred_leavers = rng.randint(12, 18)
    low, high = CHILDRENS_HEADCOUNT_RANGE
    best: tuple[float, QuarterFlow] | None = None
    for leavers in range(6, 27):
        for starters in range(0, 36):
            headcount = headcount_before + starters - leavers
            if not low <= headcount <= high:
                continue
            turnover = Fraction(200 * (earlier_leavers + leavers), headcount_year_start + headcount)
            if not near_centre(turnover, target):
                continue
            score = abs(leavers - preferred_leavers) + abs(headcount - PREFERRED_HEADCOUNT) / 2
            if best is None or score < best[0]:
                best = (score, QuarterFlow(leavers, starters))
    if best is None:
        raise RuntimeError(f"no quarter of leavers and starters reaches turnover {target}")
    return best[1]


def _initial_employment(rng: random.Random, directorate: str, index: int) -> Employment:
    """Someone in post when the history starts, with a tenure from a long-tailed distribution."""
    start = EARLIEST_START - timedelta(days=1)
    while start < EARLIEST_START:
        start = HISTORY_START - timedelta(days=int(rng.expovariate(1 / MEAN_TENURE_DAYS)))
    while start.weekday() >= 5:
        start -= timedelta(days=1)
    return Employment(index, employee_name(rng), directorate, _fte(rng), start)


def _apply_flow(
    rng: random.Random,
    staff: list[Employment],
    directorate: str,
    period_end: date,
    flow: QuarterFlow,
) -> None:
    """Make `flow.leavers` current employments leave and add `flow.starters` new ones."""
    cal = working_calendar()
    first_day = quarter_start(period_end)
    candidates = [
        emp
        for emp in staff
        if emp.directorate == directorate and emp.leaving is None and emp.start < first_day
    ]
    leaving_days = cal.between(first_day, period_end - timedelta(days=1))
    for emp in rng.sample(candidates, flow.leavers):
        emp.leaving = rng.choice(leaving_days)
        emp.leaving_reason = weighted(rng, LEAVING_REASON_WEIGHTS)
    start_days = cal.between(first_day + timedelta(days=1), period_end)
    for _ in range(flow.starters):
        staff.append(
            Employment(
                len(staff), employee_name(rng), directorate, _fte(rng), rng.choice(start_days)
            )
        )


def _assign_pers_nos(rng: random.Random, staff: list[Employment]) -> None:
    """SAP numbers employments in the order they were set up, with gaps left by other records."""
    pers_no = FIRST_PERS_NO
    for emp in sorted(staff, key=lambda e: (e.start, e.index)):
        pers_no += rng.randint(1, 37)
        emp.pers_no = f"{pers_no:08d}"


def _fte(rng: random.Random) -> int:
    return weighted(rng, FTE_WEIGHTS)
