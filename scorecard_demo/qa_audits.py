"""Case file audits (local list, from April 2020), calibrated for QA01 (graded Good or
Outstanding, of those graded); a few audits each quarter are 'Not graded'."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from scorecard_demo.calendar import quarter_start
from scorecard_demo.cin_matching import ReferralIndex
from scorecard_demo.cin_model import Referral
from scorecard_demo.csc_fit import by_distance, choose
from scorecard_demo.csc_model import EXTRACT_DATE, working_days_in
from scorecard_demo.csc_targets import CALIBRATED_PERIOD_ENDS, TARGETS

NOMINAL_GRADED = 62
GOOD_GRADES = ("Good",) * 9 + ("Outstanding",)
POOR_GRADES = ("Requires improvement",) * 3 + ("Inadequate",)


@dataclass(eq=False)
class QaAudit:
    audit_id: str
    child_id: str
    audit_date: date
    grade: str


def build_qa_audits(rng: random.Random, referrals: list[Referral]) -> list[QaAudit]:
    index = ReferralIndex(referrals)
    rows: list[tuple[date, str, str]] = []
    for period_end in CALIBRATED_PERIOD_ENDS:
        days = working_days_in(quarter_start(period_end), period_end)
        nominal = NOMINAL_GRADED + rng.randint(-8, 8)
        graded, good = choose(by_distance(nominal, 40, 90), TARGETS["QA01"][period_end])
        grades = [rng.choice(GOOD_GRADES) for _ in range(good)]
        grades += [rng.choice(POOR_GRADES) for _ in range(graded - good)]
        grades += ["Not graded"] * rng.randint(2, 6)
        for grade in grades:
            day = rng.choice(days)
            rows.append((day, _child_open_on(rng, index, day), grade))
    tail = working_days_in(CALIBRATED_PERIOD_ENDS[-1] + timedelta(1), EXTRACT_DATE)
    for _ in range(4):
        day = rng.choice(tail)
        rows.append((day, _child_open_on(rng, index, day), rng.choice(GOOD_GRADES + POOR_GRADES)))
    rows.sort(key=lambda row: (row[0], row[1]))
    return [
        QaAudit(audit_id=f"QA{number:06d}", child_id=child, audit_date=day, grade=grade)
        for number, (day, child, grade) in enumerate(rows, start=1)
    ]


def _child_open_on(rng: random.Random, index: ReferralIndex, day: date) -> str:
    referral = index.pick(
        rng,
        day - timedelta(days=270),
        day - timedelta(days=7),
        lambda r: not r.nfa and not r.reserved and (r.closure is None or r.closure >= day),
    )
    if referral is None:
        raise RuntimeError(f"no open case to audit on {day}")
    return referral.child.id
