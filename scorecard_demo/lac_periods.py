"""Periods of care from 2015, each with its legal status changes and placement moves, built
quarter by quarter so that CC06 (admissions within 12 months of a previous period) hits its
figures.

Each quarter's admissions are fixed in advance: the care leavers to be (care_leaver_roster.py)
and the awkward cases start when they start; the other admissions make up the fitted total, the
fitted number of them children who left care in the 12 months before. Admissions are processed
in date order, so a child's return can only depend on periods already built. A period's whole
course (legal statuses, moves, end) is drawn when it starts; lac_calibration.py then adjusts
what happens near each quarter end.
"""

from __future__ import annotations

import random
from bisect import bisect_left, insort
from dataclasses import dataclass
from datetime import date, timedelta

from scorecard_demo.calendar import add_months, quarter_ends, quarter_start
from scorecard_demo.care_leaver_roster import RosterMember
from scorecard_demo.csc_fit import by_distance, choose
from scorecard_demo.csc_model import (
    ETHNICITIES,
    EXTRACT_DATE,
    IdPool,
    Weights,
    age_on,
    random_day,
    synthetic_postcode,
    synthetic_upn,
)
from scorecard_demo.csc_targets import TARGETS
from scorecard_demo.lac_model import Event, LacChild, Period, Place, returned_within_year

ENTRY_QUARTER_ENDS = tuple(quarter_ends(date(2015, 3, 31), date(2023, 6, 30)))
ENTRY_FIRST_DAY = date(2015, 1, 5)
# Admissions a quarter of children who are not care leavers to be.
USUAL_ADMISSIONS = 52
# Children already in care when the history starts come in over the first half of 2015: settled
# (moves as rare as after two years in care), staying one to eight years or until 16.
STOCK = 330
STOCK_LAST_DAY = date(2015, 6, 30)
STOCK_DAYS = (365, 8 * 365)
NATURAL_RETURN_SHARE = 0.09
OLD_LEAVER_SHARE = 0.03
TAIL_ADMISSIONS = 6
YEAR = 365.25

ENTRY_AGE = Weights({0: 22, 1: 4, 2: 4, 3: 4, 4: 3, 5: 4, 6: 4, 7: 3, 8: 3, 9: 4, 10: 5,
                     11: 6, 12: 7, 13: 9, 14: 10, 15: 8})
ROUTES = {
    "baby": Weights({"adoption": 40, "sgo": 20, "home": 25, "long": 15}),
    "young": Weights({"adoption": 25, "sgo": 20, "home": 35, "long": 20}),
    "child": Weights({"sgo": 15, "home": 50, "long": 35}),
    "teen": Weights({"home": 60, "long": 25, "other": 15}),
}
ROUTE_DAYS = {
    "adoption": (420, 1000),
    "sgo": (360, 1000),
    "home": (20, 600),
    "other": (7, 200),
}
ROUTE_END = {
    "adoption": Weights({"E11": 85, "E12": 15}),
    "sgo": Weights({"E45": 60, "E46": 25, "E41": 15}),
    "home": Weights({"E4A": 45, "E13": 40, "E4B": 15}),
    "other": Weights({"E8": 45, "E3": 30, "E14": 10, "E16": 5, "E15": 10}),
    "long": Weights({"E45": 40, "E4A": 40, "E8": 20}),
}
FOSTER = Weights({"U6": 55, "U3": 18, "U4": 17, "U1": 6, "U5": 2, "U2": 2})
FOSTER_PROVIDER = Weights({"PR1": 52, "PR4": 37, "PR5": 11})
PROVIDERS = {
    "K2": Weights({"PR1": 30, "PR4": 70}),
    "H5": Weights({"PR4": 60, "PR5": 25, "PR1": 15}),
    "R1": Weights({"PR4": 100}),
    "R3": Weights({"PR4": 100}),
    "P1": Weights({"PR0": 100}),
    "A5": Weights({"PR1": 70, "PR5": 30}),
    "A6": Weights({"PR1": 70, "PR5": 30}),
    "Z1": Weights({"PR4": 100}),
}
CHANGE_REASONS = Weights({"CARPL": 35, "CREQB": 15, "CREQO": 10, "CHILD": 8, "LAREQ": 10,
                          "CLOSE": 5, "ALLEG": 3, "STAND": 3, "APPRR": 2, "PLACE": 4, "OTHER": 5})
CATEGORY_OF_NEED = Weights({"N1": 62, "N2": 4, "N3": 3, "N4": 8, "N5": 12, "N6": 2, "N7": 1,
                            "N8": 8})
MOVE_RATES = ((180, 1.6), (730, 0.3), (None, 0.06))  # moves a year by time in care
CARER_CHANGE_RATE = 0.04


@dataclass(frozen=True)
class Admission:
    day: date
    returning: bool


def build_periods(
    rng: random.Random, ids: IdPool, roster: list[RosterMember]
) -> list[LacChild]:
    children = [_roster_child(rng, member) for member in roster]
    children += _boundary_children(rng, ids)
    children += _stock(rng, ids)
    fixed = sorted((c.periods[0] for c in children), key=lambda p: p.start)
    leavers = _Leavers()
    for quarter_end in [*ENTRY_QUARTER_ENDS, EXTRACT_DATE]:
        tail = quarter_end not in ENTRY_QUARTER_ENDS
        first = date(2023, 7, 1) if tail else quarter_start(quarter_end)
        own_fixed = [p for p in fixed if first <= p.start <= quarter_end]
        admissions = _admissions(rng, quarter_end, first, len(own_fixed))
        items = [(a.day, 1, a) for a in admissions] + [(p.start, 0, p) for p in own_fixed]
        items.sort(key=lambda item: (item[0], item[1]))
        owed = 0  # returns that found no child yet; a later admission of the quarter takes them
        for day, _, item in items:
            if isinstance(item, Period):
                leavers.add(item)
                continue
            child = _child_for(rng, ids, leavers, day, item.returning or owed > 0, children)
            period = _new_period(rng, child, day)
            child.periods.append(period)
            leavers.add(period)
            owed += item.returning - returned_within_year(period)
        if owed and TARGETS["CC06"].get(quarter_end):
            raise RuntimeError(f"{owed} returns to care found no child by {quarter_end}")
    return children


def _admissions(rng: random.Random, quarter_end: date, first: date, fixed: int) -> list[Admission]:
    if quarter_end == EXTRACT_DATE:
        count, returning = TAIL_ADMISSIONS, 0
    else:
        nominal = USUAL_ADMISSIONS + rng.randint(-7, 7)
        target = TARGETS["CC06"].get(quarter_end)
        if target is None:
            count = nominal
            returning = sum(rng.random() < NATURAL_RETURN_SHARE for _ in range(count))
        else:
            total, returning = choose(
                by_distance(nominal + fixed, fixed + 40, nominal + fixed + 50), target
            )
            count = total - fixed
    days = sorted(random_day(rng, first, quarter_end) for _ in range(count))
    flags = [True] * returning + [False] * (count - returning)
    rng.shuffle(flags)
    return [Admission(d, f) for d, f in zip(days, flags, strict=True)]


class _Leavers:
    """Periods by end date, to find children who left care in a window."""

    def __init__(self) -> None:
        self.ends: list[tuple[date, int, Period]] = []
        self._n = 0

    def add(self, period: Period) -> None:
        if period.end is not None:
            self._n += 1
            insort(self.ends, (period.end, self._n, period))

    def between(self, first: date, last: date) -> list[Period]:
        low = bisect_left(self.ends, (first, 0))
        high = bisect_left(self.ends, (last + timedelta(days=1), 0))
        return [item[2] for item in self.ends[low:high]]


def _child_for(rng, ids, leavers: _Leavers, day: date, returning: bool, children) -> LacChild:
    if returning:
        window = leavers.between(add_months(day, -12), day - timedelta(days=7))
        child = _pick_leaver(rng, window, day)
        if child is not None:
            return child
    elif rng.random() < OLD_LEAVER_SHARE:
        window = leavers.between(day - timedelta(days=6 * 365), add_months(day, -12) - timedelta(1))
        child = _pick_leaver(rng, window, day)
        if child is not None:
            return child
    child = _new_child(rng, ids, day)
    children.append(child)
    return child


def _pick_leaver(rng: random.Random, window: list[Period], day: date) -> LacChild | None:
    rng.shuffle(window)
    for period in window:
        child = period.child
        if child.pinned or period.locked or child.periods[-1] is not period:
            continue
        if (child.cap() - day).days < 120 or child.dob >= day:
            continue
        return child
    return None


def _new_child(rng: random.Random, ids: IdPool, day: date, age: int | None = None) -> LacChild:
    age = ENTRY_AGE.draw(rng) if age is None else age
    dob = day - timedelta(days=int(age * YEAR) + rng.randint(1, 330))
    return LacChild(
        id=ids.child_id(),
        dob=dob,
        sex=rng.choice("12"),
        ethnic=ETHNICITIES.draw(rng),
        upn=synthetic_upn(rng),
        home_post=synthetic_postcode(rng),
    )


def new_place(rng: random.Random, age: int, ls: str) -> Place:
    roll = rng.random()
    if age >= 16:
        code = "H5" if roll < 0.4 else ("K2" if roll < 0.55 else FOSTER.draw(rng))
    elif age >= 11:
        code = "K2" if roll < 0.2 else ("R1" if roll < 0.22 else ("Z1" if roll < 0.23 else (
            "P1" if roll < 0.26 and ls in ("C1", "C2") else FOSTER.draw(rng))))
    elif age == 0 and roll < 0.04:
        code = "R3"
    else:
        code = "P1" if roll < 0.06 and ls in ("C1", "C2") else FOSTER.draw(rng)
    return make_place(rng, code)


def make_place(rng: random.Random, code: str) -> Place:
    if code in ("U1", "U2", "U3"):
        provider = "PR1"
    elif code.startswith("U"):
        provider = FOSTER_PROVIDER.draw(rng)
    else:
        provider = PROVIDERS[code].draw(rng)
    urn = f"SC{rng.randint(100000, 999999)}" if code in ("K2", "R1", "H5") else "XXXXXXX"
    return Place(code=code, provider=provider, postcode=synthetic_postcode(rng), urn=urn)


def _route(rng: random.Random, age: int) -> str:
    group = "baby" if age == 0 else "young" if age <= 4 else "child" if age <= 9 else "teen"
    return ROUTES[group].draw(rng)


def _new_period(rng: random.Random, child: LacChild, start: date) -> Period:
    age = age_on(child.dob, start)
    route = _route(rng, age)
    cap = child.cap() - timedelta(days=rng.randint(0, 120))
    if route == "long":
        end = cap
    else:
        low, high = ROUTE_DAYS[route]
        end = min(start + timedelta(days=rng.randint(low, high)), cap)
    if end <= start + timedelta(days=2):
        end = start + timedelta(days=3)
    rec = ROUTE_END[route].draw(rng)
    ls = _first_status(rng, age, route)
    period = Period(
        child=child,
        start=start,
        end=end if end <= EXTRACT_DATE else None,
        end_rec=rec if end <= EXTRACT_DATE else None,
        ls=ls,
        place=new_place(rng, age, ls),
        cin=CATEGORY_OF_NEED.draw(rng),
    )
    period.events = course_of_care(rng, child, start, end, ls, route)
    return period


def _stock(rng: random.Random, ids: IdPool) -> list[LacChild]:
    children = []
    for _ in range(STOCK):
        start = random_day(rng, ENTRY_FIRST_DAY, STOCK_LAST_DAY)
        child = _new_child(rng, ids, start, age=rng.randint(0, 13))
        cap = child.cap() - timedelta(days=rng.randint(0, 120))
        end = min(start + timedelta(days=rng.randint(*STOCK_DAYS)), cap)
        route = rng.choice(("long", "sgo", "home"))
        ls = "C1" if rng.random() < 0.8 else "V2"
        period = Period(
            child=child,
            start=start,
            end=end if end <= EXTRACT_DATE else None,
            end_rec=ROUTE_END[route].draw(rng) if end <= EXTRACT_DATE else None,
            ls=ls,
            place=new_place(rng, age_on(child.dob, start), ls),
            cin=CATEGORY_OF_NEED.draw(rng),
        )
        period.events = course_of_care(rng, child, start, end, ls, "stock", settled=True)
        child.periods.append(period)
        children.append(child)
    return children


def _first_status(rng: random.Random, age: int, route: str) -> str:
    roll = rng.random()
    if route in ("adoption", "sgo"):
        return "C2" if roll < 0.75 else ("L2" if roll < 0.85 else "V2")
    if age >= 12 and roll < 0.04:
        return "J2"
    return "V2" if roll < 0.55 else ("C2" if roll < 0.9 else "L1")


def course_of_care(
    rng: random.Random, child: LacChild, start: date, end: date, ls: str, route: str,
    settled: bool = False,
) -> list[Event]:
    """Legal status changes and placement moves strictly inside (start, end)."""
    events: dict[date, Event] = {}

    def add(day: date, event: Event) -> None:
        if start < day < end and day not in events:
            events[day] = event

    status_days = []
    if ls in ("L1", "L2"):
        status_days.append((start + timedelta(days=rng.randint(1, 8)), "C2"))
    elif ls == "V2" and route in ("long", "home") and rng.random() < 0.25:
        status_days.append((start + timedelta(days=rng.randint(60, 300)), "C2"))
    if ls in ("L1", "L2", "C2") or status_days:
        base = status_days[-1][0] if status_days else start
        status_days.append((base + timedelta(days=rng.randint(150, 420)), "C1"))
    if route == "adoption":
        order = end - timedelta(days=rng.randint(200, 320))
        status_days = [(d, s) for d, s in status_days if d < order] + [(order, "E1")]
    for day, status in status_days:
        add(day, Event(day, "legal", status, new_placement=rng.random() < 0.08))
    if route == "adoption":
        day = end - timedelta(days=rng.randint(100, 190))
        add(day, Event(day, "move", "E1", new_placement=True, place=make_place(
            rng, rng.choice(("A5", "A5", "A6")))))
    elapsed = 10_000.0 if settled else 0.0  # days in care; moves follow a piecewise rate
    while True:
        limit, rate = next((x, r) for x, r in MOVE_RATES if x is None or elapsed < x)
        gap = rng.expovariate(rate) * YEAR
        if limit is not None and elapsed + gap >= limit:
            elapsed = float(limit)  # no move before the rate changes: start again from there
            continue
        elapsed += gap
        day = start + timedelta(days=max(1, int(elapsed)) - (10_000 if settled else 0))
        if day >= end:
            break
        add(day, Event(day, "move", "", new_placement=True))
    day = start
    while True:
        day = day + timedelta(days=max(1, int(rng.expovariate(CARER_CHANGE_RATE) * YEAR)))
        if day >= end:
            break
        add(day, Event(day, "move", "", new_placement=False))
    ordered = [events[d] for d in sorted(events)]
    current_ls = ls
    for event in ordered:
        if event.kind == "legal":
            current_ls = event.ls
        else:
            event.ls = current_ls
        if event.new_placement and event.place is None:
            event.place = new_place(rng, age_on(child.dob, event.day), current_ls)
            event.reason = CHANGE_REASONS.draw(rng)
    return ordered


def _roster_child(rng: random.Random, member: RosterMember) -> LacChild:
    child = LacChild(
        id=member.id,
        dob=member.dob,
        sex=member.sex,
        ethnic=member.ethnic,
        upn=member.upn,
        home_post=synthetic_postcode(rng),
        pinned=True,
    )
    age = age_on(member.dob, member.start)
    ls = "C2" if age < 14 or rng.random() < 0.3 else "V2"
    end = member.leave or EXTRACT_DATE + timedelta(days=1)
    period = Period(
        child=child,
        start=member.start,
        end=member.leave,
        end_rec=member.rec,
        ls=ls,
        place=new_place(rng, age, ls),
        cin=CATEGORY_OF_NEED.draw(rng),
    )
    if member.special and member.special.startswith("turns 16"):
        period.locked = True
        period.place = make_place(rng, "U4")
        period.place.provider = "PR1"
    else:
        period.events = course_of_care(rng, child, member.start, end, ls, "long")
    child.periods.append(period)
    return child


def _boundary_children(rng: random.Random, ids: IdPool) -> list[LacChild]:
    """CC02's 30-month line: in care from exactly 30 months before Jun-23 (counts) and from a day
    later (does not); both 8-9 years old, in one foster placement since."""
    children = []
    for start, age in ((date(2020, 12, 30), 8), (date(2020, 12, 31), 9)):
        child = _new_child(rng, ids, start)
        child.dob = start - timedelta(days=int(age * YEAR) + 40)
        place = make_place(rng, "U4")
        place.provider = "PR1"
        child.periods.append(Period(child=child, start=start, end=None, end_rec=None, ls="C1",
                                    place=place, cin="N1", locked=True))
        children.append(child)
    return children
