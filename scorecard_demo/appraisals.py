"""Annual appraisals, calibrated so GM04 (completed and entered on SAP, rolling year) hits 68.0%.

An appraisal falls due on each anniversary of the employment's start. SAP also raises one for a
leaver whose anniversary falls shortly after their leaving date, before HR has processed the
leaver; it is never completed and the KPI must not count it (not in post on the due date).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from scorecard_demo.calendar import add_months, year_window_start
from scorecard_demo.fit import centred_numerator
from scorecard_demo.model import DEMO_EXTRACT_DATE, Appraisal, Employment
from scorecard_demo.targets import APPRAISAL_TARGETS

# A year before the first reported quarter, so every rolling year from Jun-20 on is complete.
FIRST_DUE = date(2019, 7, 1)
LAST_DUE = date(2023, 6, 30)
RAISED_AFTER_LEAVING_DAYS = 60
COMPLETION_RATE = 0.74
ENTRY_RATE = 0.9

# How an appraisal due in the calibrated year can miss the KPI; each appears at least once.
NOT_HELD = "not held"
NOT_ENTERED = "held, not entered on SAP"
ENTERED_LATE = "held by P, entered on SAP after P"
HELD_LATE = "held after P"
SHORTFALLS = (NOT_HELD, NOT_ENTERED, ENTERED_LATE, HELD_LATE)
SHORTFALL_WEIGHTS = (45, 30, 15, 10)


def build_appraisals(rng: random.Random, staff: list[Employment]) -> list[Appraisal]:
    """Appraisals due July 2019 to June 2023, with completion and SAP entry dates."""
    appraisals = [a for emp in staff for a in _due_appraisals(emp)]
    calibrated: set[int] = set()
    for period_end, target in APPRAISAL_TARGETS.items():
        in_window = _calibrated_window(rng, appraisals, period_end, target)
        calibrated.update(id(a) for a in in_window)
    for appraisal in appraisals:
        if id(appraisal) not in calibrated and appraisal.emp.in_post(appraisal.due):
            _complete_plausibly(rng, appraisal)
    return sorted(appraisals, key=lambda a: (a.emp.pers_no, a.due))


def _due_appraisals(emp: Employment) -> list[Appraisal]:
    """One appraisal per anniversary of the start date in the demo period, while in post."""
    due_dates = []
    for years in range(1, LAST_DUE.year - emp.start.year + 1):
        due = add_months(emp.start, 12 * years)
        if not FIRST_DUE <= due <= LAST_DUE:
            continue
        if emp.leaving is not None and due > emp.leaving + timedelta(RAISED_AFTER_LEAVING_DAYS):
            break
        due_dates.append(due)
    return [Appraisal(emp, due) for due in due_dates]


def _calibrated_window(
    rng: random.Random, appraisals: list[Appraisal], period_end: date, target: str
) -> list[Appraisal]:
    """Complete exactly the share of the rolling year's appraisals that gives `target` percent.

    The KPI's denominator is the children's appraisals due in the year whose appraisee was in post
    on the due date. When its size admits no count near the target's centre, a few appraisals are
    left unraised (SAP does not raise one for staff on secondment) until it does.
    """
    first = year_window_start(period_end)
    eligible = [
        a
        for a in appraisals
        if a.emp.is_childrens and first <= a.due <= period_end and a.emp.in_post(a.due)
    ]
    rng.shuffle(eligible)
    while (completed := centred_numerator(len(eligible), target)) is None:
        appraisals.remove(eligible.pop())
    for appraisal in eligible[:completed]:
        appraisal.completed = _clamp(appraisal.due + timedelta(rng.randint(-21, 40)), period_end)
        appraisal.entered = _clamp(appraisal.completed + timedelta(rng.randint(0, 30)), period_end)
    shortfalls = list(SHORTFALLS) + rng.choices(
        SHORTFALLS, weights=SHORTFALL_WEIGHTS, k=len(eligible) - completed - len(SHORTFALLS)
    )
    for appraisal, shortfall in zip(eligible[completed:], shortfalls, strict=True):
        _fall_short(rng, appraisal, shortfall, period_end)
    return eligible


def _fall_short(rng: random.Random, appraisal: Appraisal, shortfall: str, period_end: date) -> None:
    """Date the appraisal so it misses the KPI at `period_end` (NOT_HELD leaves both empty)."""
    after_period = (DEMO_EXTRACT_DATE - period_end).days
    held_by_period = _clamp(appraisal.due + timedelta(rng.randint(-14, 30)), period_end)
    if shortfall == NOT_ENTERED:
        appraisal.completed = held_by_period
    elif shortfall == ENTERED_LATE:
        appraisal.completed = held_by_period
        appraisal.entered = period_end + timedelta(rng.randint(1, after_period))
    elif shortfall == HELD_LATE:
        appraisal.completed = period_end + timedelta(rng.randint(1, after_period))


def _complete_plausibly(rng: random.Random, appraisal: Appraisal) -> None:
    """Outside the calibrated year: most are held, and most of those entered, by the extract."""
    if rng.random() >= COMPLETION_RATE:
        return
    completed = appraisal.due + timedelta(rng.randint(-21, 60))
    if completed > DEMO_EXTRACT_DATE:
        return
    appraisal.completed = completed
    entered = completed + timedelta(rng.randint(0, 35))
    if rng.random() < ENTRY_RATE and entered <= DEMO_EXTRACT_DATE:
        appraisal.entered = entered


def _clamp(day: date, latest: date) -> date:
    return min(day, latest)
