"""Quarter ends of the UK financial year (April to March)."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

from scorecard.errors import ScorecardError

QUARTER_END_DAYS = {(6, 30), (9, 30), (12, 31), (3, 31)}


def check_quarter_end(day: dt.date) -> dt.date:
    if (day.month, day.day) not in QUARTER_END_DAYS:
        raise ScorecardError(
            f"{day.isoformat()} is not a quarter end (30 June, 30 September, 31 December, 31 March)"
        )
    return day


def quarter_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every quarter end from first to last, both included."""
    check_quarter_end(first)
    check_quarter_end(last)
    if first > last:
        raise ScorecardError(f"{first.isoformat()} is after {last.isoformat()}")
    ends = []
    current = first
    while current <= last:
        ends.append(current)
        current = current + relativedelta(months=3, day=31)
    return ends


def label(day: dt.date) -> str:
    """The report's column header for a quarter end: 2023-06-30 -> 'Jun-23'."""
    return day.strftime("%b-%y")
