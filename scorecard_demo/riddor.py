"""RIDDOR reports to the Health and Safety Executive.

The seed reports no Children's (CYP) report in any of its five quarters (GM06 = 0), so the
demo's reports in those quarters are all in other directorates; Children's has two reports in
earlier years and one incident late in June 2023 reported only in July, after the quarter end,
which a count by incident date would wrongly include.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from scorecard_demo.calendar import quarter_ends, quarter_start, working_calendar
from scorecard_demo.draws import weighted
from scorecard_demo.model import (
    CHILDRENS,
    FIRST_PERIOD_END,
    LAST_PERIOD_END,
    RiddorReport,
)

CATEGORY_WEIGHTS = {
    "OVER_7_DAY_INJURY": 55,
    "SPECIFIED_INJURY": 20,
    "NON_WORKER_HOSPITAL": 10,
    "DANGEROUS_OCCURRENCE": 8,
    "OCCUPATIONAL_DISEASE": 7,
}
# Directorates other than Children's, weighted to where injuries happen: care work, depots.
DIRECTORATE_WEIGHTS = {"ADS": 5, "PLC": 6, "RES": 1, "CEX": 1}

CHILDRENS_REPORTS = (
    (date(2020, 11, 17), date(2020, 11, 26), "OVER_7_DAY_INJURY"),
    (date(2022, 2, 8), date(2022, 2, 10), "SPECIFIED_INJURY"),
    (date(2023, 6, 28), date(2023, 7, 4), "OVER_7_DAY_INJURY"),
)


def build_riddor(rng: random.Random) -> list[RiddorReport]:
    """One to three reports a quarter outside Children's, plus the Children's reports above."""
    cal = working_calendar()
    incidents = [(CHILDRENS, *report) for report in CHILDRENS_REPORTS]
    for period_end in quarter_ends(FIRST_PERIOD_END, LAST_PERIOD_END):
        working_days = cal.between(quarter_start(period_end), period_end)
        for _ in range(rng.randint(1, 3)):
            incident = rng.choice(working_days[:-10])
            category = weighted(rng, CATEGORY_WEIGHTS)
            # Over-7-day injuries are reportable within 15 days; others within 10.
            within = 14 if category == "OVER_7_DAY_INJURY" else 9
            reported = incident + timedelta(rng.randint(1, within))
            incidents.append((weighted(rng, DIRECTORATE_WEIGHTS), incident, reported, category))
    reports = []
    per_year: dict[int, int] = {}
    for directorate, incident, reported, category in sorted(incidents, key=lambda i: (i[2], i[1])):
        per_year[reported.year] = per_year.get(reported.year, 0) + 1
        ref = f"RIDDOR/{reported.year}/{per_year[reported.year]:03d}"
        reports.append(RiddorReport(ref, directorate, incident, reported, category))
    return reports
