"""CIN referrals, calibrated so that CA01 (re-referrals within 12 months) hits its figures.

Referrals run from January 2019 to the extract date, about 1,300 a quarter. Each quarter is built
in date order with its re-referral count fixed in advance: a re-referral goes to a child whose
earlier referral in the 12 months before has been closed, any other referral to a new child (or,
now and then, to one last referred over a year ago). Processing in date order means no later
referral can change an earlier one's status. Closure dates set here are provisional: the plans
and assessments attached later (cp_plans.py, assessments.py) may lengthen a referral, never into
the child's next one, and referrals left with no work become NFA (`finalise_referrals`).
"""

from __future__ import annotations

import random
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, timedelta

from scorecard_demo.calendar import add_months, quarter_ends, quarter_start
from scorecard_demo.cin_model import CinChild, Referral
from scorecard_demo.csc_fit import by_distance, choose
from scorecard_demo.csc_model import (
    EXTRACT_DATE,
    ETHNICITIES,
    IdPool,
    Weights,
    age_on,
    csc_calendar,
    synthetic_upn,
)
from scorecard_demo.csc_targets import TARGETS

FIRST_REFERRAL_DAY = date(2019, 1, 2)
REFERRAL_QUARTER_ENDS = tuple(quarter_ends(date(2019, 3, 31), date(2023, 6, 30)))
# Re-referral rates while the census history is still shorter than a year (not reported).
EARLY_CA01 = {
    date(2019, 3, 31): "4.0",
    date(2019, 6, 30): "11.0",
    date(2019, 9, 30): "16.5",
    date(2019, 12, 31): "19.0",
    date(2020, 3, 31): "21.0",
}
NOMINAL_PER_QUARTER = 1320
TAIL_REFERRALS = 95  # 1-7 July 2023, after the last quarter end
OLD_CHILD_SHARE = 0.06
WEEKEND_WEIGHT = 0.06

SOURCE_WEIGHTS = Weights({
    "6": 28, "2A": 15, "2B": 3, "3A": 4, "3B": 4, "3C": 1, "3D": 1, "3E": 3, "3F": 2, "5A": 4,
    "5B": 2, "5C": 2, "5D": 4, "1A": 4, "1B": 2, "1C": 2, "1D": 1, "4": 3, "7": 2, "8": 7, "9": 2,
    "10": 2,
})
NEED_WEIGHTS = Weights(
    {"N1": 55, "N2": 5, "N3": 3, "N4": 15, "N5": 12, "N6": 2, "N7": 1, "N8": 2, "N9": 5}
)
AGE_WEIGHTS = Weights(
    {0: 14, **{a: 5 for a in range(1, 10)}, **{a: 6 for a in range(10, 16)}, 16: 4, 17: 2}
)
# Provisional days from referral to closure (a referral's later work can lengthen it).
SPAN_WEIGHTS = Weights({(0, 0): 22, (20, 60): 35, (61, 150): 25, (151, 400): 15, (401, 700): 3})


@dataclass(frozen=True)
class ForcedReferral:
    """An awkward case: a referral of a given (reserved) child on a given date."""

    child: CinChild
    date: date
    span_days: int


def new_cin_child(rng: random.Random, ids: IdPool, on: date, age: int | None = None) -> CinChild:
    age = AGE_WEIGHTS.draw(rng) if age is None else age
    dob = on - timedelta(days=int(age * 365.25) + rng.randint(1, 360))
    return CinChild(
        id=ids.child_id(),
        dob=dob,
        sex=rng.choice("12"),
        ethnicity=ETHNICITIES.draw(rng),
        upn=synthetic_upn(rng),
    )


def referral_awkward_cases(rng: random.Random, ids: IdPool) -> list[ForcedReferral]:
    """Two children re-referred on 10 May 2023: one exactly 12 months after the previous
    referral (a re-referral), one 12 months and a day after (not one)."""
    exact = new_cin_child(rng, ids, date(2022, 5, 10), age=9)
    late = new_cin_child(rng, ids, date(2022, 5, 9), age=6)
    exact.reserved = late.reserved = True
    return [
        ForcedReferral(exact, date(2022, 5, 10), 35),
        ForcedReferral(late, date(2022, 5, 9), 40),
        ForcedReferral(exact, date(2023, 5, 10), 30),
        ForcedReferral(late, date(2023, 5, 10), 30),
    ]


class _History:
    """Referrals so far, in date order, for window look-ups."""

    def __init__(self) -> None:
        self.dates: list[date] = []
        self.referrals: list[Referral] = []

    def add(self, referral: Referral) -> None:
        self.dates.append(referral.date)
        self.referrals.append(referral)


def is_re_referral(child: CinChild, on: date) -> bool:
    """CA01's rule: an earlier referral of the child on or after `on` - 12 months, before `on`."""
    lower = add_months(on, -12)
    return any(lower <= r.date < on for r in child.referrals)


def build_referrals(
    rng: random.Random, ids: IdPool, forced: list[ForcedReferral]
) -> list[Referral]:
    """Every referral from January 2019 to the extract date, in date order."""
    history = _History()
    for quarter_end in REFERRAL_QUARTER_ENDS:
        first = max(quarter_start(quarter_end), FIRST_REFERRAL_DAY)
        own = [f for f in forced if first <= f.date <= quarter_end]
        target = TARGETS["CA01"].get(quarter_end) or EARLY_CA01[quarter_end]
        nominal = NOMINAL_PER_QUARTER + rng.randint(-45, 45)
        denominator, numerator = choose(by_distance(nominal, nominal - 60, nominal + 60), target)
        forced_re = sum(_forced_status(f) for f in own)
        free = denominator - len(own)
        flags = [True] * (numerator - forced_re) + [False] * (free - numerator + forced_re)
        rng.shuffle(flags)
        dates = _draw_dates(rng, first, quarter_end, free)
        _fill(rng, ids, history, list(zip(dates, flags, strict=True)), own)
    tail_dates = _draw_dates(rng, date(2023, 7, 1), EXTRACT_DATE, TAIL_REFERRALS)
    tail_flags = [rng.random() < 0.25 for _ in tail_dates]
    _fill(rng, ids, history, list(zip(tail_dates, tail_flags, strict=True)), [], lenient=True)
    return history.referrals


def _forced_status(forced: ForcedReferral) -> bool:
    return is_re_referral(forced.child, forced.date) if forced.child.referrals else False


def _draw_dates(rng: random.Random, first: date, last: date, count: int) -> list[date]:
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    working = set(csc_calendar().between(first, last))
    weights = [1.0 if d in working else WEEKEND_WEIGHT for d in days]
    return sorted(rng.choices(days, weights=weights, k=count))


def _fill(
    rng: random.Random,
    ids: IdPool,
    history: _History,
    draws: list[tuple[date, bool]],
    forced: list[ForcedReferral],
    lenient: bool = False,
) -> None:
    items: list[tuple[date, int, object]] = [(d, 1, flag) for d, flag in draws]
    items += [(f.date, 0, f) for f in forced]
    items.sort(key=lambda item: (item[0], item[1]))
    owed = 0  # re-referrals that found no child yet (early on, when history is short)
    for day, _, item in items:
        if isinstance(item, ForcedReferral):
            child, span = item.child, item.span_days
        else:
            want_re = bool(item) or owed > 0
            child = _pick_child(rng, ids, history, day, want_re)
            got_re = is_re_referral(child, day)
            owed += bool(item) - got_re
            span = _span(rng)
        referral = Referral(
            child=child,
            date=day,
            source=SOURCE_WEIGHTS.draw(rng),
            need=NEED_WEIGHTS.draw(rng),
            closure=day + timedelta(days=span),
        )
        child.referrals.append(referral)
        history.add(referral)
    if owed and not lenient:
        raise RuntimeError(f"{owed} re-referrals found no child by {items[-1][0]}")


def _span(rng: random.Random) -> int:
    low, high = SPAN_WEIGHTS.draw(rng)
    return rng.randint(low, high)


def _available(child: CinChild, on: date) -> bool:
    """A child who may be referred on `on`: not an awkward case, closed, under 18."""
    if child.reserved or age_on(child.dob, on) >= 18:
        return False
    last = child.referrals[-1]
    return last.date < on and last.closure is not None and last.closure < on


def _pick_child(
    rng: random.Random, ids: IdPool, history: _History, on: date, want_re: bool
) -> CinChild:
    lower = add_months(on, -12)
    low = bisect_left(history.dates, lower)
    high = bisect_left(history.dates, on)
    if want_re:
        for child in _candidates(rng, history, low, high):
            if _available(child, on):
                return child
        return new_cin_child(rng, ids, on)
    if low > 0 and rng.random() < OLD_CHILD_SHARE:
        for child in _candidates(rng, history, 0, low, tries=20):
            if _available(child, on) and child.referrals[-1].date < lower:
                return child
    return new_cin_child(rng, ids, on)


def _candidates(rng: random.Random, history: _History, low: int, high: int, tries: int = 60):
    if high <= low:
        return
    for _ in range(tries):
        yield history.referrals[rng.randrange(low, high)].child
    start = rng.randrange(low, high)
    for offset in range(high - low):
        yield history.referrals[low + (start + offset) % (high - low)].child


CLOSURE_REASONS = Weights({"RC7": 40, "RC8": 30, "RC9": 18, "RC5": 4, "RC3": 3, "RC4": 3, "RC6": 2})
UNDECIDED_FROM = date(2023, 6, 20)


def finalise_referrals(rng: random.Random, referrals: list[Referral]) -> None:
    """Referrals with no work become NFA (closed the day they came in), bar a few recent ones
    still undecided; closed referrals get a reason. Checks no child's referrals overlap."""
    for referral in referrals:
        has_work = referral.assessments or referral.section47s or referral.plans
        if not has_work:
            if referral.date >= UNDECIDED_FROM and rng.random() < 0.5 and _is_last(referral):
                referral.closure = None
            else:
                referral.nfa = True
                referral.closure = referral.date
                referral.reason = "RC8" if rng.random() < 0.5 else "RC7"
            continue
        if referral.closure is not None and referral.closure > EXTRACT_DATE:
            referral.closure = None
        if referral.closure is not None:
            referral.reason = CLOSURE_REASONS.draw(rng)
    for referral in referrals:
        _check(referral)


def _is_last(referral: Referral) -> bool:
    return referral.next_referral() is None


def _check(referral: Referral) -> None:
    events = [a.authorised or a.start for a in referral.assessments]
    events += [s.icpc or s.start for s in referral.section47s]
    events += [p.end or EXTRACT_DATE for p in referral.plans]
    closure = referral.closure or EXTRACT_DATE
    if any(day > closure for day in events) or any(day < referral.date for day in events):
        raise RuntimeError(f"referral of {referral.child.id} on {referral.date} is inconsistent")
    following = referral.next_referral()
    if following is not None and (referral.closure is None or referral.closure >= following.date):
        raise RuntimeError(f"referrals of {referral.child.id} overlap")
