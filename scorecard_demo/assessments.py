"""Single assessments, calibrated for HP01 (authorised within 45 working days of the start).

Built backwards from the quarter of authorisation: each quarter gets its fitted number of
assessments, the fitted number of them lasting 45 working days or fewer, the rest longer; the
start date follows from the authorisation date, and the assessment then joins a referral dated
up to ten days before its start that has none yet. Referrals near the extract date may also
have an assessment still under way (no authorisation date, so in no quarter's count).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from scorecard_demo.calendar import quarter_ends, quarter_start
from scorecard_demo.cin_matching import ReferralIndex, can_stay_open_until, keep_open_until
from scorecard_demo.cin_model import Assessment, Referral
from scorecard_demo.csc_fit import by_distance, choose
from scorecard_demo.csc_model import EXTRACT_DATE, Weights, working_day_after, working_days_in
from scorecard_demo.csc_targets import TARGETS

IN_TIME_DAYS = 45
AUTHORISATION_QUARTER_ENDS = tuple(quarter_ends(date(2019, 6, 30), date(2023, 6, 30)))
EARLY_HP01 = {
    date(2019, 6, 30): "79.0",
    date(2019, 9, 30): "80.5",
    date(2019, 12, 31): "78.8",
    date(2020, 3, 31): "81.2",
}
NOMINAL_PER_QUARTER = 860
IN_TIME_LENGTHS = Weights({(3, 15): 10, (16, 30): 30, (31, 40): 35, (41, 45): 25})
LATE_LENGTHS = Weights({(46, 50): 35, (51, 65): 40, (66, 100): 25})
LEAD_DAYS = 10
OPEN_FROM = date(2023, 5, 20)
EARLIEST_START = date(2019, 1, 9)  # a week into the census history
OPEN_SHARE = 0.6

# (start, working days to authorisation): across Christmas 2022 and Easter 2023, authorised on
# exactly the 45th working day (in time) and the 46th (late).
AWKWARD = (
    (date(2022, 11, 21), 45),
    (date(2022, 11, 21), 46),
    (date(2023, 3, 20), 45),
    (date(2023, 3, 20), 46),
)


def build_assessments(rng: random.Random, referrals: list[Referral]) -> None:
    index = ReferralIndex(referrals)
    for quarter_end in AUTHORISATION_QUARTER_ENDS:
        first = quarter_start(quarter_end)
        target = TARGETS["HP01"].get(quarter_end) or EARLY_HP01[quarter_end]
        nominal = NOMINAL_PER_QUARTER + rng.randint(-40, 40)
        total, in_time = choose(by_distance(nominal, nominal - 60, nominal + 60), target)
        forced = [
            (start, length) for start, length in AWKWARD
            if first <= working_day_after(start, length) <= quarter_end
        ]
        plan = [(s, n, True) for s, n in forced]
        forced_in_time = sum(n <= IN_TIME_DAYS for _, n in forced)
        days = working_days_in(first, quarter_end)
        flags = [True] * (in_time - forced_in_time)
        flags += [False] * (total - len(forced) - len(flags))
        for on_time in flags:
            while True:
                authorised = rng.choice(days)
                low, high = (IN_TIME_LENGTHS if on_time else LATE_LENGTHS).draw(rng)
                length = rng.randint(low, high)
                start = working_day_after(authorised, -length)
                if start >= EARLIEST_START:
                    break
            plan.append((start, length, False))
        plan.sort(key=lambda item: item[0])
        for start, length, is_forced in plan:
            _place(rng, index, start, length, is_forced)
    _open_assessments(rng, referrals)


def _place(
    rng: random.Random, index: ReferralIndex, start: date, length: int, forced: bool
) -> None:
    authorised = working_day_after(start, length)

    def accept(referral: Referral) -> bool:
        return (
            not referral.reserved
            and not referral.assessments
            and referral.child.dob < referral.date
            and can_stay_open_until(referral, authorised)
        )

    referral = index.pick(rng, start - timedelta(days=LEAD_DAYS), start, accept)
    if referral is None and not forced:
        referral = index.pick(rng, start - timedelta(days=4 * LEAD_DAYS), start, accept)
    if referral is None:
        raise RuntimeError(f"no referral for an assessment starting {start}")
    referral.assessments.append(Assessment(start=start, authorised=authorised))
    keep_open_until(rng, referral, authorised)


def _open_assessments(rng: random.Random, referrals: list[Referral]) -> None:
    for referral in referrals:
        if referral.date < OPEN_FROM or referral.assessments or referral.reserved:
            continue
        if rng.random() < OPEN_SHARE and can_stay_open_until(referral, EXTRACT_DATE):
            start = referral.date + timedelta(days=rng.randint(0, 5))
            if start <= EXTRACT_DATE:
                referral.assessments.append(Assessment(start=start, authorised=None))
                referral.closure = None
