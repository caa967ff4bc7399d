"""The records the demo generator builds before it writes them out as source extracts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

DEMO_EXTRACT_DATE = date(2023, 7, 7)
FIRST_PERIOD_END = date(2020, 6, 30)
LAST_PERIOD_END = date(2023, 6, 30)

CHILDRENS = "CYP"
OTHER_DIRECTORATES = ("ADS", "PLC", "RES", "CEX")

# Reasons whose category is `stress` in reference/absence_reasons.csv.
STRESS_REASONS = ("S04", "S05")


@dataclass(eq=False)
class Employment:
    """One row of staff_in_post. FTE is held in hundredths so that FTE-day sums stay exact."""

    index: int
    name: str
    directorate: str
    fte_h: int
    start: date
    leaving: date | None = None
    leaving_reason: str | None = None
    pers_no: str = ""

    @property
    def is_childrens(self) -> bool:
        return self.directorate == CHILDRENS

    def in_post(self, day: date) -> bool:
        return self.start <= day and (self.leaving is None or day <= self.leaving)

    def in_post_throughout(self, first: date, last: date) -> bool:
        return self.start <= first and (self.leaving is None or last <= self.leaving)


@dataclass(eq=False)
class Spell:
    """One sickness absence spell; `end` is None while the spell is open at the extract date."""

    emp: Employment
    start: date
    end: date | None
    reason_code: str

    @property
    def is_stress(self) -> bool:
        return self.reason_code in STRESS_REASONS


@dataclass(eq=False)
class Appraisal:
    emp: Employment
    due: date
    completed: date | None = None
    entered: date | None = None


@dataclass(eq=False)
class RiddorReport:
    ref: str
    directorate: str
    incident: date
    reported: date
    category: str


@dataclass(eq=False)
class Recommendation:
    rec_ref: str
    audit_title: str
    directorate: str
    priority: str
    raised: date
    agreed_target: date
    revised_target: date | None
    date_revised: date | None
    status: str
    date_closed: date | None
