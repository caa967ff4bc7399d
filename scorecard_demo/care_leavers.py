"""The care leaver list: keeping-in-touch contacts with former relevant children, from 2020,
calibrated for CL01 (suitable accommodation) and CL02 (education, employment or training).

Everyone on it is a care leaver to be from care_leaver_roster.py. A young person joins the list
with a first contact a few weeks after leaving care (or early in 2020, when the list starts) and
is then contacted at least once a quarter until a little after their 22nd birthday. So at each
quarter end their latest contact is the last one inside that quarter, and quarter ends can be
steered one at a time, in order:
1. the cohorts (19-21, and 17-18) are fitted: a young person first recorded later than usual
   joins the list inside the quarter (some 19-21 year olds are only picked up by the service in
   2022), a recent leaver is first contacted just after the quarter end instead of before it, or a
   latest contact says the young person has returned home (RHOM, out of the cohort);
2. suitable accommodation and EET are dealt out over the latest contacts to fit the numerators;
   some with neither are not in touch (NO) or refuse contact (REFU). Two young people die (DIED).

The seed's 19-21 figures are met at every seed quarter end; before Jun-22 the figures are only
aimed at. Of the commentary's breakdowns, CL01's (17-21 and 17-18 at Jun-23), CL02's youngest
group and CL02's 17-21 figure at Jun-22 are met. CL02's 17-21 figures at Mar-23 (58.2) and Jun-23
(50.5) cannot be: at Mar-23 it lies outside the range its two parts (58.5 and 62.1) allow; at
Jun-23, CL01's 17-21 figure (92) needs the 17-18 group to weigh at most 0.40 of the cohort and
CL02's (50.5) at least 0.41.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from scorecard_demo.calendar import quarter_ends, quarter_start
from scorecard_demo.care_leaver_roster import RosterMember, birth_cohort
from scorecard_demo.csc_fit import SHARES, numerator_for, within
from scorecard_demo.csc_model import EXTRACT_DATE, Weights, age_on, birthday, random_day
from scorecard_demo.csc_targets import (
    CALIBRATED_PERIOD_ENDS,
    CL01_ALL_AGES,
    CL01_YOUNGEST,
    CL02_ALL_AGES,
    CL02_YOUNGEST,
    SEED_PERIOD_ENDS,
    TARGETS,
)

FIRST_CONTACT_DAY = date(2020, 1, 6)
CONTACT_QUARTER_ENDS = tuple(quarter_ends(date(2020, 3, 31), date(2023, 6, 30)))
EET = Weights({"F1": 10, "P1": 2, "F2": 30, "P2": 5, "F4": 30, "P4": 12, "F5": 8, "P5": 3})
NEET = Weights({"G4": 30, "G5": 55, "G6": 15})
# No G, H or R (gone abroad, deported, residence not known): LAIT 112 leaves those out of CL01.
SUITABLE = Weights({"U1": 30, "D1": 15, "E1": 10, "Z1": 12, "B1": 13, "K1": 8, "T1": 7, "Y1": 5})
UNSUITABLE = Weights({"V2": 25, "W2": 20, "S2": 15, "X2": 15, "B2": 15, "T2": 10})
NOT_IN_TOUCH = ("NO", "NO", "REFU")
RHOM_MAX_SHARE = 0.1
LATE_JOINERS = 75
LATE_COHORTS = (2001, 2002, 2003)
DEATHS = (date(2021, 5, 20), date(2022, 11, 14))
# Where the report gives no figure for the 17-18 group, aim at these (loosely).
YOUNG_SUITABLE = "88.0"
YOUNG_EET = "60.0"
LOOSE = Fraction(5)  # within half a point: for figures that are only aimed at


@dataclass(eq=False)
class LeaverContact:
    child_id: str
    dob: date
    day: date
    in_touch: str = "YES"
    activity: str = ""
    accommodation: str = ""


@dataclass(eq=False)
class _Leaver:
    member: RosterMember
    joined: date | None  # first contact; None while not yet on the list
    late: bool = False
    died: date | None = None

    def on_list(self, day: date) -> bool:
        return self.joined is not None and self.joined <= day and (
            self.died is None or self.died > day)


def build_care_leavers(rng: random.Random, roster: list[RosterMember]) -> list[LeaverContact]:
    leavers = [
        _Leaver(m, _natural_join(rng, m)) for m in roster
        if m.leave is not None and birthday(m.dob, 22) >= FIRST_CONTACT_DAY
    ]
    candidates = [x for x in leavers if birth_cohort(x.member.dob) in LATE_COHORTS
                  and not x.member.special]
    for leaver in rng.sample(candidates, LATE_JOINERS):
        leaver.joined, leaver.late = None, True
    _deaths(rng, leavers)
    plans = {}
    previous = quarter_start(CALIBRATED_PERIOD_ENDS[0]) - timedelta(days=1)
    for period_end in CALIBRATED_PERIOD_ENDS:
        plans[period_end] = _fit_cohorts(rng, leavers, previous, period_end)
        previous = period_end
    for leaver in leavers:
        if leaver.joined is None and rng.random() < 0.5:
            leaver.joined = random_day(rng, previous + timedelta(days=1), EXTRACT_DATE)
    contacts = {x.member.id: _schedule(rng, x) for x in leavers if x.joined is not None}
    for own in contacts.values():
        for contact in own:
            _random_values(rng, contact)
    for period_end, plan in plans.items():
        _deal_quarter(rng, leavers, contacts, period_end, plan)
    for leaver in leavers:
        if leaver.died is not None:
            last = contacts[leaver.member.id][-1]
            last.in_touch, last.activity, last.accommodation = "DIED", "", ""
    rows = [c for own in contacts.values() for c in own]
    rows.sort(key=lambda c: (c.day, c.child_id))
    return rows


def _natural_join(rng: random.Random, member: RosterMember) -> date:
    return max(member.leave + timedelta(days=rng.randint(10, 75)),
               FIRST_CONTACT_DAY + timedelta(days=rng.randint(0, 40)))


def _deaths(rng: random.Random, leavers: list[_Leaver]) -> None:
    for day in DEATHS:
        for leaver in rng.sample(leavers, len(leavers)):
            member = leaver.member
            if (member.special or leaver.late or leaver.died or leaver.joined is None
                    or leaver.joined > day - timedelta(days=60)
                    or age_on(member.dob, day) > 20 or age_on(member.dob, day) < 18):
                continue
            leaver.died = day
            break


def _group(member: RosterMember, day: date) -> str | None:
    age = age_on(member.dob, day)
    return "young" if 17 <= age <= 18 else "old" if 19 <= age <= 21 else None


def _fit_cohorts(rng, leavers: list[_Leaver], previous: date, period_end: date) -> dict:
    """Fit both cohorts at this quarter end, joining late joiners or putting off recent leavers'
    first contacts as needed; returns (cohort, RHOM count, suitable, EET) for each group (which
    latest contacts say RHOM is decided once the contacts exist, in `_deal_quarter`)."""
    seed = period_end in SEED_PERIOD_ENDS
    counted = {"old": [], "young": []}
    joinable = {"old": [], "young": []}
    deferrable = {"old": [], "young": []}
    for leaver in leavers:
        group = _group(leaver.member, period_end)
        if group is None:
            continue
        if leaver.on_list(period_end):
            counted[group].append(leaver)
            if previous < leaver.joined and not leaver.member.special and not leaver.late:
                deferrable[group].append(leaver)
        elif leaver.late and leaver.joined is None and seed and leaver.died is None \
                and leaver.member.leave < period_end - timedelta(days=14):
            joinable[group].append(leaver)
    best = None
    shares = SHARES if seed else (LOOSE,)
    for share in shares:
        for d_old, join_old, rhom_old in _options(counted["old"], joinable["old"], []):
            old_fit = _fit_old(period_end, d_old, share)
            if old_fit is None:
                continue
            for d_young, join_young, rhom_young in _options(
                counted["young"], joinable["young"], deferrable["young"]
            ):
                young_fit = _fit_young(period_end, d_old, old_fit, d_young, share)
                if young_fit is None:
                    continue
                cost = abs(join_old) + abs(join_young) + rhom_old + rhom_young
                if best is None or cost < best[0]:
                    best = (cost, (d_old, join_old, rhom_old, *old_fit),
                            (d_young, join_young, rhom_young, *young_fit))
        if best:
            break
    if best is None:
        raise RuntimeError(f"care leaver cohorts cannot be fitted at {period_end}")
    _, old, young = best
    plan = {}
    for name, (d, joins, rhom, suitable, eet) in (("old", old), ("young", young)):
        if joins > 0:
            for leaver in rng.sample(joinable[name], joins):
                low = max(previous, leaver.member.leave + timedelta(days=7)) + timedelta(days=1)
                leaver.joined = random_day(rng, low, period_end)
        elif joins < 0:
            for leaver in rng.sample(deferrable[name], -joins):
                leaver.joined = period_end + timedelta(days=rng.randint(1, 40))
        plan[name] = (d, rhom, suitable, eet)
    return plan


def _options(counted: list, joinable: list, deferrable: list):
    """(cohort size, joins (negative: first contacts put off), RHOM) reachable at a quarter end,
    cheapest first for each size."""
    size = len(counted)
    most_rhom = int(RHOM_MAX_SHARE * size)
    seen = {}
    for joins in range(-len(deferrable), len(joinable) + 1):
        for rhom in range(0, most_rhom + 1):
            d = size + joins - rhom
            cost = abs(joins) + rhom
            if d > 0 and (d not in seen or cost < seen[d][0]):
                seen[d] = (cost, joins, rhom)
    natural = size - max(1, round(0.02 * size))
    for d in sorted(seen, key=lambda d: (abs(d - natural), d)):
        yield d, seen[d][1], seen[d][2]


def _fit_old(period_end: date, d_old: int, share) -> tuple[int, int] | None:
    suitable = numerator_for(d_old, TARGETS["CL01"][period_end], share)
    eet = numerator_for(d_old, TARGETS["CL02"][period_end], share)
    return None if suitable is None or eet is None else (suitable, eet)


def _fit_young(period_end, d_old, old_fit, d_young, share) -> tuple[int, int] | None:
    suitable_old, eet_old = old_fit
    suitable = numerator_for(d_young, CL01_YOUNGEST.get(period_end, YOUNG_SUITABLE),
                             share if period_end in CL01_YOUNGEST else LOOSE)
    eet = numerator_for(d_young, CL02_YOUNGEST.get(period_end, YOUNG_EET),
                        share if period_end in CL02_YOUNGEST else LOOSE)
    if suitable is None or eet is None:
        return None
    total = d_old + d_young
    if period_end in CL01_ALL_AGES and not within(
        suitable_old + suitable, total, CL01_ALL_AGES[period_end], share
    ):
        return None
    if period_end in CL02_ALL_AGES and not within(
        eet_old + eet, total, CL02_ALL_AGES[period_end], share
    ):
        return None
    return suitable, eet


def _schedule(rng: random.Random, leaver: _Leaver) -> list[LeaverContact]:
    member = leaver.member
    first = leaver.joined
    last = min(birthday(member.dob, 22) + timedelta(days=rng.randint(0, 100)), EXTRACT_DATE)
    if leaver.died is not None:
        last = leaver.died
    days = {first, last} if leaver.died else {first}
    for quarter_end in [*CONTACT_QUARTER_ENDS, EXTRACT_DATE]:
        start = quarter_start(quarter_end) if quarter_end in CONTACT_QUARTER_ENDS else date(
            2023, 7, 1)
        low, high = max(first, start), min(last, quarter_end)
        if low > high:
            continue
        days.add(random_day(rng, low, high))
        if rng.random() < 0.4:
            days.add(random_day(rng, low, high))
    return [LeaverContact(member.id, member.dob, day) for day in sorted(days) if day <= last]


def _random_values(rng: random.Random, contact: LeaverContact) -> None:
    roll = rng.random()
    if roll < 0.055:
        quiet = "RHOM" if roll < 0.015 else rng.choice(NOT_IN_TOUCH)
        contact.in_touch, contact.activity, contact.accommodation = quiet, "", ""
        return
    contact.in_touch = "YES"
    contact.activity = EET.draw(rng) if rng.random() < 0.55 else NEET.draw(rng)
    contact.accommodation = SUITABLE.draw(rng) if rng.random() < 0.9 else UNSUITABLE.draw(rng)


def _deal_quarter(rng, leavers, contacts, period_end: date, plan: dict) -> None:
    first = quarter_start(period_end)
    latest: dict[str, list[LeaverContact]] = {"old": [], "young": []}
    for leaver in leavers:
        group = _group(leaver.member, period_end)
        if group is None or not leaver.on_list(period_end):
            continue
        own = [c for c in contacts[leaver.member.id] if c.day <= period_end]
        if own[-1].day < first:
            raise RuntimeError(f"care leaver {leaver.member.id} has no contact in the quarter")
        latest[group].append(own[-1])
    for name, (d, rhom, suitable, eet) in plan.items():
        group = latest[name]
        if len(group) - rhom != d:
            raise RuntimeError(f"care leaver cohort {name} is {len(group)} - {rhom}, not {d}")
        rng.shuffle(group)
        for contact in group[:rhom]:
            contact.in_touch, contact.activity, contact.accommodation = "RHOM", "", ""
        _deal(rng, group[rhom:], suitable, eet)


def _deal(rng: random.Random, latest: list[LeaverContact], suitable: int, eet: int) -> None:
    """Give `suitable` of these contacts suitable accommodation and `eet` an EET activity; some
    of those with neither are not in touch or refuse contact."""
    size = len(latest)
    both = min(max(round(suitable * eet / size) if size else 0, suitable + eet - size), suitable,
               eet)
    neither = size - suitable - eet + both
    silent = min(neither, max(1 if neither else 0, round(0.04 * size)))
    flags = ([(True, True)] * both + [(True, False)] * (suitable - both)
             + [(False, True)] * (eet - both) + [(False, False)] * neither)
    rng.shuffle(flags)
    for contact, (is_suitable, is_eet) in zip(latest, flags, strict=True):
        if not is_suitable and not is_eet and silent:
            silent -= 1
            contact.in_touch, contact.activity, contact.accommodation = (
                rng.choice(NOT_IN_TOUCH), "", "")
            continue
        contact.in_touch = "YES"
        contact.activity = EET.draw(rng) if is_eet else NEET.draw(rng)
        contact.accommodation = SUITABLE.draw(rng) if is_suitable else UNSUITABLE.draw(rng)
