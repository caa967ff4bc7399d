"""Initial visits after a referral (local list), calibrated for CA02 (visit within 3 working
days of the referral). Each quarter's fitted number of CIN referrals need a visit; the fitted
number of those are visited on day 0-3, the rest later (or not yet, near the extract date)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from scorecard_demo.calendar import quarter_start
from scorecard_demo.cin_model import Referral
from scorecard_demo.csc_fit import by_distance, choose
from scorecard_demo.csc_model import EXTRACT_DATE, working_day_after
from scorecard_demo.csc_targets import CALIBRATED_PERIOD_ENDS, TARGETS

IN_TIME_DAYS = 3
NOMINAL_PER_QUARTER = 760
TAIL_SHARE = 0.55
# Referred Thursday 4 May 2023: visited Wednesday 10 May is exactly the 3rd working day (Monday
# 8 May was the coronation bank holiday), Thursday 11 May is the 4th.
AWKWARD_REFERRAL_DAY = date(2023, 5, 4)
AWKWARD_GAPS = (3, 4)


@dataclass(eq=False)
class InitialVisit:
    referral_id: str
    child_id: str
    referral_date: date
    visit_date: date | None


def build_initial_visits(rng: random.Random, referrals: list[Referral]) -> list[InitialVisit]:
    chosen: list[tuple[Referral, int]] = []
    for period_end in CALIBRATED_PERIOD_ENDS:
        first = quarter_start(period_end)
        pool = [r for r in referrals if first <= r.date <= period_end and not r.reserved]
        nominal = NOMINAL_PER_QUARTER + rng.randint(-40, 40)
        total, in_time = choose(
            by_distance(nominal, nominal - 60, min(nominal + 60, len(pool))),
            TARGETS["CA02"][period_end],
        )
        forced = []
        if first <= AWKWARD_REFERRAL_DAY <= period_end:
            on_day = [r for r in pool if r.date == AWKWARD_REFERRAL_DAY]
            forced = list(zip(on_day[: len(AWKWARD_GAPS)], AWKWARD_GAPS, strict=True))
        taken = {id(r) for r, _ in forced}
        rest = rng.sample([r for r in pool if id(r) not in taken], total - len(forced))
        in_time_left = in_time - sum(gap <= IN_TIME_DAYS for _, gap in forced)
        flags = [True] * in_time_left + [False] * (len(rest) - in_time_left)
        rng.shuffle(flags)
        chosen += forced
        chosen += [(r, _gap(rng, ok)) for r, ok in zip(rest, flags, strict=True)]
    tail = [r for r in referrals if r.date > CALIBRATED_PERIOD_ENDS[-1] and not r.reserved]
    chosen += [(r, _gap(rng, rng.random() < 0.75)) for r in tail if rng.random() < TAIL_SHARE]
    chosen.sort(key=lambda item: (item[0].date, item[0].child.id))
    visits = []
    for number, (referral, gap) in enumerate(chosen, start=1):
        visit = max(working_day_after(referral.date, gap), referral.date)
        visits.append(
            InitialVisit(
                referral_id=f"RF{number:07d}",
                child_id=referral.child.id,
                referral_date=referral.date,
                visit_date=visit if visit <= EXTRACT_DATE else None,
            )
        )
    return visits


def _gap(rng: random.Random, in_time: bool) -> int:
    if in_time:
        return rng.choice((0, 1, 1, 1, 2, 2, 2, 3, 3))
    return rng.choice((4, 4, 5, 5, 6, 7, 8, 10, 12, 15))
