"""Contacts to the front door (local list, from April 2023 when the new system went live),
calibrated for CA03 (final decision within 1 working day of the contact)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from scorecard_demo.calendar import quarter_start
from scorecard_demo.cin_model import Referral
from scorecard_demo.csc_fit import by_distance, choose
from scorecard_demo.csc_model import EXTRACT_DATE, IdPool, Weights, csc_calendar, working_day_after
from scorecard_demo.csc_targets import CA03_TARGET

FIRST_CONTACT_DAY = date(2023, 4, 1)
NOMINAL_PER_QUARTER = 3250
TAIL_CONTACTS = 240
WEEKEND_WEIGHT = 0.12
KNOWN_CHILD_SHARE = 0.4
UNDECIDED_SHARE = 0.02
DECISIONS = Weights({"NFA": 35, "INFORMATION": 20, "EARLY_HELP": 20, "REFERRAL": 25})
# Friday contacts decided on the next working day: Monday 24 April, and Tuesday 30 May after the
# spring bank holiday; a Saturday contact decided on Monday 3 April 2023.
AWKWARD = (
    (date(2023, 4, 21), date(2023, 4, 24)),
    (date(2023, 5, 26), date(2023, 5, 30)),
    (date(2023, 4, 1), date(2023, 4, 3)),
)


@dataclass(eq=False)
class Contact:
    contact_id: str
    child_id: str
    contact_date: date
    decision_date: date | None
    decision: str | None


def build_contacts(
    rng: random.Random, ids: IdPool, referrals: list[Referral]
) -> list[Contact]:
    known = [r.child.id for r in referrals if r.date >= date(2021, 4, 1) and not r.child.reserved]
    rows: list[tuple[date, date | None]] = list(AWKWARD)
    for period_end, target in CA03_TARGET.items():
        first = max(quarter_start(period_end), FIRST_CONTACT_DAY)
        nominal = NOMINAL_PER_QUARTER + rng.randint(-50, 50)
        total, in_time = choose(by_distance(nominal, nominal - 80, nominal + 80), target)
        dates = _draw_days(rng, first, period_end, total - len(AWKWARD))
        flags = [True] * (in_time - len(AWKWARD)) + [False] * (total - in_time)
        rng.shuffle(flags)
        rows += [(day, _decision_day(rng, day, ok)) for day, ok in zip(dates, flags, strict=True)]
    tail = _draw_days(rng, max(CA03_TARGET) + timedelta(days=1), EXTRACT_DATE, TAIL_CONTACTS)
    rows += [(day, _decision_day(rng, day, rng.random() < 0.7)) for day in tail]
    rows.sort(key=lambda row: row[0])
    contacts = []
    for number, (day, decided) in enumerate(rows, start=1):
        child_id = rng.choice(known) if rng.random() < KNOWN_CHILD_SHARE else ids.child_id()
        contacts.append(
            Contact(
                contact_id=f"CT{number:07d}",
                child_id=child_id,
                contact_date=day,
                decision_date=decided,
                decision=DECISIONS.draw(rng) if decided else None,
            )
        )
    return contacts


def _draw_days(rng: random.Random, first: date, last: date, count: int) -> list[date]:
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    working = set(csc_calendar().between(first, last))
    weights = [1.0 if d in working else WEEKEND_WEIGHT for d in days]
    return rng.choices(days, weights=weights, k=count)


def _decision_day(rng: random.Random, day: date, in_time: bool) -> date | None:
    if in_time:
        gap = 0 if rng.random() < 0.45 else 1
    else:
        if rng.random() < UNDECIDED_SHARE:
            return None
        gap = rng.choice((2, 2, 2, 3, 3, 4, 5, 6, 8, 10))
    decided = max(working_day_after(day, gap), day)
    return decided if decided <= EXTRACT_DATE else None
