"""The care leavers to be: children looked after past 16 whose start and end of care are fixed
before the rest of the 903 history is simulated, so that the care leaver list (care_leavers.py)
can be shaped for CL01/CL02 while every young person on it has a real 903 history.

Each birth cohort (born July to June) has its own size. The seed's figures need the 17-18 group
to be about a quarter of the 19-21 group at Jun-22 and half of it at Jun-23, so the cohort that
turned 18 in 2021/22 is small and the next one large. Most leave care on their 18th birthday;
some leave at 16 or 17. Children not on this roster leave care before their 16th birthday.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from scorecard_demo.csc_model import (
    ETHNICITIES,
    EXTRACT_DATE,
    IdPool,
    Weights,
    birthday,
    random_day,
    synthetic_upn,
)

HISTORY_START = date(2015, 1, 5)
COHORT_SIZES = {1999: 72, 2000: 75, 2001: 58, 2002: 100, 2003: 100, 2004: 58, 2005: 122, 2006: 90,
                2007: 88}
EARLY_LEAVER_SHARE = 0.12
YOUNG_ENTRANT_SHARE = 0.35
THIRTEEN_WEEKS = timedelta(weeks=13)
LEAVING_AT_18 = Weights({"E17": 20, "E5": 35, "E6": 15, "E8": 20, "E7": 5, "E13": 5})
LEAVING_EARLY = Weights({"E5": 30, "E6": 20, "E13": 30, "E8": 15, "E9": 5})


@dataclass(eq=False)
class RosterMember:
    id: str
    dob: date
    sex: str
    ethnic: str
    upn: str
    start: date
    leave: date | None
    rec: str | None
    special: str | None = None


# Awkward cases: (tag, date of birth, start of care, leaves care)
SPECIALS = (
    # 19 on Jun-23 itself: in the 19-21 cohort; 22 on Jun-23 itself: out of every cohort.
    ("turns 19 on Jun-23", date(2004, 6, 30), date(2019, 2, 18), date(2022, 6, 30)),
    ("turns 22 on Jun-23", date(2001, 6, 30), date(2016, 9, 12), date(2019, 6, 30)),
    # CC02: 16 on Jun-23 itself (out of the under-16s) and 16 the day after (still 15 then).
    ("turns 16 on Jun-23", date(2007, 6, 30), date(2019, 3, 11), None),
    ("turns 16 the day after Jun-23", date(2007, 7, 1), date(2019, 5, 20), None),
)


def build_roster(rng: random.Random, ids: IdPool) -> list[RosterMember]:
    members = []
    for tag, dob, start, leave in SPECIALS:
        members.append(_member(rng, ids, dob, start, leave, "E5" if leave else None, tag))
    for cohort, size in COHORT_SIZES.items():
        for _ in range(size - sum(birth_cohort(m.dob) == cohort for m in members)):
            members.append(_random_member(rng, ids, cohort))
    # The youngest cohorts are partly still to come into care after the extract date.
    return [m for m in members if m.start <= EXTRACT_DATE]


def birth_cohort(dob: date) -> int:
    """Born July (year - 1) to June (year)."""
    return dob.year + (dob.month >= 7)


def _member(rng, ids, dob, start, leave, rec, special=None) -> RosterMember:
    return RosterMember(
        id=ids.child_id(),
        dob=dob,
        sex=rng.choice("12"),
        ethnic=ETHNICITIES.draw(rng),
        upn=synthetic_upn(rng),
        start=start,
        leave=leave if leave is None or leave <= EXTRACT_DATE else None,
        rec=rec if leave is not None and leave <= EXTRACT_DATE else None,
        special=special,
    )


def _random_member(rng: random.Random, ids: IdPool, cohort: int) -> RosterMember:
    dob = random_day(rng, date(cohort - 1, 7, 1), date(cohort, 6, 30))
    if rng.random() < YOUNG_ENTRANT_SHARE:
        start = dob + timedelta(days=rng.randint(5 * 365, 13 * 365))
    else:
        start = dob + timedelta(days=rng.randint(14 * 365 + 30, 17 * 365 + 150))
    if start < HISTORY_START:
        start = random_day(rng, HISTORY_START, date(2015, 9, 30))
    eighteen = birthday(dob, 18)
    leave, rec = eighteen, LEAVING_AT_18.draw(rng)
    if rng.random() < EARLY_LEAVER_SHARE:
        early = dob + timedelta(days=rng.randint(int(16.5 * 365), int(17.9 * 365)))
        if early - start >= 2 * THIRTEEN_WEEKS:
            leave, rec = early, LEAVING_EARLY.draw(rng)
    if leave - start < 2 * THIRTEEN_WEEKS:
        start = leave - timedelta(days=rng.randint(200, 500))
    return _member(rng, ids, dob, start, leave, rec)
