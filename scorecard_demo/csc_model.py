"""Shared ground for the children's social care demo generator: dates, working days, identifiers.

One identifier space serves every source: a child's case-management id is the 903 CHILD, the CIN
census LAchildID and the local lists' child_id alike. Ids are drawn without replacement from one
seeded generator, so two sources never give the same id to different children by accident.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from datetime import date, timedelta
from functools import lru_cache

from scorecard_demo.calendar import CALENDAR_LAST, WorkingCalendar
from scorecard_demo.model import DEMO_EXTRACT_DATE

EXTRACT_DATE = DEMO_EXTRACT_DATE
# The 903 history reaches back to 2015, so its working days must too.
CSC_CALENDAR_FIRST = date(2014, 1, 1)
ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=1)
def csc_calendar() -> WorkingCalendar:
    """England & Wales working days from 2014, for the social care history."""
    return WorkingCalendar(CSC_CALENDAR_FIRST, CALENDAR_LAST)


def working_gap(earlier: date, later: date) -> int:
    """wdn(later) - wdn(earlier): how many working days `later` falls after `earlier`."""
    calendar = csc_calendar()
    if later >= earlier:
        return calendar.count(earlier + ONE_DAY, later)
    return -calendar.count(later + ONE_DAY, earlier)


def working_day_after(day: date, n: int) -> date:
    """The working day that falls exactly n working days after `day` (day may be a weekend)."""
    days = csc_calendar().days
    index = bisect_right(days, day) - 1  # the last working day on or before `day`
    return days[index + n]


def is_working_day(day: date) -> bool:
    return csc_calendar().count(day, day) == 1


def working_days_in(first: date, last: date) -> list[date]:
    return csc_calendar().between(first, last)


def age_on(dob: date, day: date) -> int:
    """Whole years completed on `day` (a birthday on `day` counts)."""
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def birthday(dob: date, years: int) -> date:
    """The date of the `years`-th birthday (29 Feb birthdays fall on 28 Feb in common years)."""
    try:
        return dob.replace(year=dob.year + years)
    except ValueError:
        return date(dob.year + years, 2, 28)


def random_day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


class IdPool:
    """Unique 6-7 digit child identifiers from one seeded stream."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)
        self._used: set[int] = set()

    def child_id(self) -> str:
        while True:
            value = self._rng.randint(100_000, 9_999_999)
            if value not in self._used:
                self._used.add(value)
                return str(value)


ETHNICITY_WEIGHTS = {
    "WBRI": 70, "WIRI": 1, "WROM": 1, "WIRT": 1, "WOTH": 5, "MWBC": 4, "MWBA": 1, "MWAS": 1,
    "MOTH": 3, "AIND": 2, "APKN": 2, "ABAN": 1, "AOTH": 1, "BCRB": 1, "BAFR": 3, "BOTH": 1,
    "CHNE": 1, "OOTH": 1, "REFU": 1, "NOBT": 1,
}
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
POSTCODE_AREAS = ("NR", "IP", "PE", "CB", "CO", "LN", "NG", "LE")


ETHNICITIES = None  # set below, once Weights is defined


def synthetic_upn(rng: random.Random) -> str:
    """A UPN-shaped string (check letter + LA + school + serial): a direct identifier."""
    return f"{UPN_LETTERS[rng.randrange(len(UPN_LETTERS))]}{rng.randrange(10**12):012d}"


def synthetic_postcode(rng: random.Random) -> str:
    """A postcode-shaped string: a direct identifier the pipeline must not carry past raw."""
    return (
        f"{rng.choice(POSTCODE_AREAS)}{rng.randint(1, 34)} "
        f"{rng.randint(1, 9)}{rng.choice(UPN_LETTERS)}{rng.choice(UPN_LETTERS)}"
    )


def iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def dmy(day: date | None) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}" if day else ""


class Weights:
    """A fixed weighted draw, prepared once (rng.choices with cumulative weights)."""

    def __init__(self, weights: dict) -> None:
        self.keys = list(weights)
        self.cumulative = []
        total = 0
        for value in weights.values():
            total += value
            self.cumulative.append(total)

    def draw(self, rng: random.Random):
        return self.keys[bisect_right(self.cumulative, rng.random() * self.cumulative[-1])]


ETHNICITIES = Weights(ETHNICITY_WEIGHTS)
