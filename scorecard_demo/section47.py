"""Section 47 enquiries and the strategy discussions that start them, calibrated for HP04.

Every CP plan already has its enquiry (cp_plans.py). More enquiries, ones that led to no plan,
are added to referrals so that each quarter has the fitted number of strategy discussions; then
each discussion's concern date is set back from it by a number of working days, 0-5 for the
quarter's fitted number in time and 6 or more for the rest (never before the referral). The local
strategy_discussions list starts in April 2020; the census holds enquiries from 2019.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from scorecard_demo.calendar import quarter_ends, quarter_start
from scorecard_demo.cin_matching import ReferralIndex, can_stay_open_until, keep_open_until
from scorecard_demo.cin_model import Referral, Section47
from scorecard_demo.csc_fit import by_distance, choose
from scorecard_demo.csc_model import EXTRACT_DATE, working_day_after, working_days_in, working_gap
from scorecard_demo.csc_targets import SEED_PERIOD_ENDS, TARGETS

LIST_START = date(2020, 4, 1)
S47_QUARTER_ENDS = tuple(quarter_ends(date(2019, 3, 31), date(2023, 6, 30)))
NOMINAL_DISCUSSIONS = 300
EARLY_EXTRA = 120
IN_TIME_DAYS = 5
ICPC_WITHOUT_PLAN = 0.25
# Strategy discussions on Friday 12 May 2023: the concern 5 working days before (4 May, across
# the coronation bank holiday) is in time, 6 working days before (3 May) is not.
AWKWARD_DISCUSSION = date(2023, 5, 12)
AWKWARD_GAPS = (5, 6)


@dataclass(eq=False)
class Discussion:
    referral: Referral
    section47: Section47


def build_section47s(rng: random.Random, referrals: list[Referral]) -> list[Discussion]:
    """Add the enquiries that led to no plan; set every concern date. Returns the discussions of
    the local list (April 2020 on), in date order."""
    index = ReferralIndex(referrals)
    planned = [Discussion(r, s) for r in referrals for s in r.section47s]
    discussions: list[Discussion] = []
    for quarter_end in S47_QUARTER_ENDS:
        first = quarter_start(quarter_end)
        own = [d for d in planned if first <= d.section47.start <= quarter_end]
        target = TARGETS["HP04"].get(quarter_end)
        forced = AWKWARD_GAPS if quarter_end == SEED_PERIOD_ENDS[-1] else ()
        if target is None:
            extra, in_time = EARLY_EXTRA + rng.randint(-15, 15), None
        else:
            nominal = NOMINAL_DISCUSSIONS + rng.randint(-20, 20)
            total, in_time = choose(
                by_distance(nominal, len(own) + 60, nominal + 60), target
            )
            extra = total - len(own)
        days = working_days_in(first, quarter_end)
        for gap in forced:
            own.append(_extra(rng, index, AWKWARD_DISCUSSION, min_gap=gap, forced_gap=gap))
        for _ in range(extra - len(forced)):
            own.append(_extra(rng, index, rng.choice(days), min_gap=0))
        _set_concerns(rng, own, in_time, forced)
        if first >= LIST_START:
            discussions += own
    discussions.sort(key=lambda d: (d.section47.start, d.referral.child.id))
    return discussions


def _extra(
    rng: random.Random, index: ReferralIndex, day: date, min_gap: int, forced_gap: int | None = None
) -> Discussion:
    icpc = working_day_after(day, rng.randint(8, 15)) if rng.random() < ICPC_WITHOUT_PLAN else None
    last_event = icpc or day

    def accept(referral: Referral) -> bool:
        return (
            not referral.reserved
            and not referral.plans
            and not referral.section47s
            and working_gap(referral.date, day) >= min_gap
            and referral.child.dob < referral.date
            and can_stay_open_until(referral, last_event)
        )

    latest = working_day_after(day, -min_gap) if min_gap else day
    referral = index.pick(rng, latest - timedelta(days=28), latest, accept)
    if referral is None:
        raise RuntimeError(f"no referral for a strategy discussion on {day}")
    keep_open_until(rng, referral, min(last_event, EXTRACT_DATE))
    section47 = Section47(
        start=day,
        icpc_target=working_day_after(day, 15),
        icpc=icpc if icpc and icpc <= EXTRACT_DATE else None,
        icpc_not_required=icpc is None,
    )
    if forced_gap is not None:
        section47.concern = working_day_after(day, -forced_gap)
    referral.section47s.append(section47)
    return Discussion(referral, section47)


def _set_concerns(
    rng: random.Random, own: list[Discussion], in_time: int | None, forced: tuple[int, ...]
) -> None:
    free = [d for d in own if d.section47.concern is None]
    forced_in_time = sum(gap <= IN_TIME_DAYS for gap in forced)
    if in_time is None:
        late = {d for d in free if rng.random() < 0.3 and _room(d) > IN_TIME_DAYS}
    else:
        can_be_late = [d for d in free if _room(d) > IN_TIME_DAYS]
        need_late = len(own) - in_time - (len(forced) - forced_in_time)
        if need_late > len(can_be_late) or need_late < 0:
            raise RuntimeError("strategy discussions cannot meet the quarter's figure")
        late = set(rng.sample(can_be_late, need_late))
    for discussion in free:
        room = _room(discussion)
        if discussion in late:
            gap = rng.randint(IN_TIME_DAYS + 1, min(room, IN_TIME_DAYS + 12))
        else:
            gap = min(room, rng.choice((0, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5)))
        discussion.section47.concern = working_day_after(discussion.section47.start, -gap)
        if discussion.section47.concern < discussion.referral.date:
            discussion.section47.concern = discussion.referral.date


def _room(discussion: Discussion) -> int:
    """How many working days back from the discussion the concern may lie (not before the
    referral)."""
    return working_gap(discussion.referral.date, discussion.section47.start)
