"""Working days and quarter arithmetic for the demo generator.

The Good Management KPIs count absence in England & Wales working days (Monday to Friday, not a
bank holiday) and report over the three calendar months ending a quarter end. The generator steers
its data by the same arithmetic, so it lives here once.
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import date, timedelta
from functools import lru_cache

import holidays

CALENDAR_FIRST = date(2019, 1, 1)
CALENDAR_LAST = date(2024, 12, 31)


class WorkingCalendar:
    """England & Wales working days over a fixed span, counted in constant time.

    A prefix sum over every day of the span makes `count` a subtraction, which matters because the
    calibration counts spell days thousands of times.
    """

    def __init__(self, first: date, last: date) -> None:
        bank_holidays = holidays.country_holidays(
            "GB", subdiv="ENG", years=range(first.year, last.year + 1)
        )
        self.first = first
        self.last = last
        self.days: list[date] = []
        self._prefix = [0]
        day = first
        while day <= last:
            working = day.weekday() < 5 and day not in bank_holidays
            if working:
                self.days.append(day)
            self._prefix.append(self._prefix[-1] + working)
            day += timedelta(days=1)

    def _offset(self, day: date) -> int:
        if not self.first <= day <= self.last:
            raise ValueError(f"{day} is outside the working calendar {self.first}..{self.last}")
        return (day - self.first).days

    def count(self, start: date, end: date) -> int:
        """Working days from start to end, both included; 0 when end is before start."""
        if end < start:
            return 0
        return self._prefix[self._offset(end) + 1] - self._prefix[self._offset(start)]

    def between(self, start: date, end: date) -> list[date]:
        """The working days from start to end, both included."""
        return self.days[bisect_left(self.days, start) : bisect_left(self.days, end + timedelta(1))]

    def shift(self, day: date, n: int) -> date:
        """The working day n working days after `day` (a working day); n may be negative."""
        index = bisect_left(self.days, day)
        if index == len(self.days) or self.days[index] != day:
            raise ValueError(f"{day} is not a working day")
        return self.days[index + n]

    def spell_end(self, start: date, working_days: int) -> date:
        """Last day of a spell that starts on working day `start` and lasts `working_days`."""
        return self.shift(start, working_days - 1)


@lru_cache(maxsize=1)
def working_calendar() -> WorkingCalendar:
    """The shared calendar covering every date the demo data can hold."""
    return WorkingCalendar(CALENDAR_FIRST, CALENDAR_LAST)


@lru_cache(maxsize=None)  # a quarter of a million calls on a few thousand distinct dates
def add_months(day: date, months: int) -> date:
    """Calendar month arithmetic, clamped to the month's end (31 Mar - 1 month = 28/29 Feb)."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    next_month = date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    return date(year, month + 1, min(day.day, (next_month - timedelta(days=1)).day))


def quarter_start(period_end: date) -> date:
    """First day of the three calendar months ending at the quarter end `period_end`."""
    return add_months(period_end.replace(day=1), -2)


def year_window_start(period_end: date) -> date:
    """First day of the rolling year (P - 12 months, P]."""
    return add_months(period_end, -12) + timedelta(days=1)


def quarter_ends(first: date, last: date) -> list[date]:
    """Quarter ends (30 Jun, 30 Sep, 31 Dec, 31 Mar) from first to last, both included."""
    ends = []
    period_end = first
    while period_end <= last:
        ends.append(period_end)
        period_end = add_months(period_end.replace(day=1), 4) - timedelta(days=1)
    return ends
