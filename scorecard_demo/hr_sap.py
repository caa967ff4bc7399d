"""The demo council's HR and payroll (SAP) extract: four Windows-1252 CSV files.

Written exactly as docs/contracts.md describes SAP exports: header row, comma separated,
dates as dd.mm.yyyy, decimals with a point, an empty field for a missing value.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from scorecard_demo.absences import build_absences
from scorecard_demo.appraisals import build_appraisals
from scorecard_demo.calendar import working_calendar
from scorecard_demo.model import DEMO_EXTRACT_DATE, Appraisal, Employment, RiddorReport, Spell
from scorecard_demo.riddor import build_riddor
from scorecard_demo.staff import build_staff

SOURCE = "hr_sap"
ENCODING = "cp1252"

STAFF_COLUMNS = (
    "council_code",
    "pers_no",
    "employee_name",
    "directorate",
    "fte",
    "start_date",
    "leaving_date",
    "leaving_reason",
)
ABSENCE_COLUMNS = (
    "council_code",
    "pers_no",
    "absence_start",
    "absence_end",
    "working_days_lost",
    "reason_code",
)
APPRAISAL_COLUMNS = ("council_code", "pers_no", "due_date", "completed_date", "entered_on_sap_date")
RIDDOR_COLUMNS = (
    "council_code",
    "riddor_ref",
    "directorate",
    "incident_date",
    "reported_date",
    "category",
)


@dataclass(frozen=True)
class HrSapData:
    staff: list[Employment]
    absences: list[Spell]
    appraisals: list[Appraisal]
    riddor: list[RiddorReport]


def build_hr_sap() -> HrSapData:
    """All SAP records. Each table has its own seeded generator, so changing one leaves the rest."""
    staff = build_staff(random.Random("scorecard.demo.staff"))
    return HrSapData(
        staff=sorted(staff, key=lambda e: e.pers_no),
        absences=build_absences(random.Random("scorecard.demo.absences"), staff),
        appraisals=build_appraisals(random.Random("scorecard.demo.appraisals"), staff),
        riddor=build_riddor(random.Random("scorecard.demo.riddor")),
    )


def write_hr_sap(out_dir: Path, council_code: str) -> list[Path]:
    """Write the extract to <out_dir>/hr_sap/<extract date>/ and return the files written."""
    data = build_hr_sap()
    folder = out_dir / SOURCE / DEMO_EXTRACT_DATE.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    tables = {
        "staff_in_post": (STAFF_COLUMNS, [_staff_row(council_code, e) for e in data.staff]),
        "absences": (ABSENCE_COLUMNS, [_absence_row(council_code, s) for s in data.absences]),
        "appraisals": (
            APPRAISAL_COLUMNS,
            [_appraisal_row(council_code, a) for a in data.appraisals],
        ),
        "riddor_reports": (RIDDOR_COLUMNS, [_riddor_row(council_code, r) for r in data.riddor]),
    }
    return [
        _write_csv(folder / f"{table}.csv", columns, rows)
        for table, (columns, rows) in tables.items()
    ]


def _write_csv(path: Path, columns: tuple[str, ...], rows: list[list[str]]) -> Path:
    with path.open("w", encoding=ENCODING, newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerows(rows)
    return path


def _staff_row(council_code: str, e: Employment) -> list[str]:
    return [
        council_code,
        e.pers_no,
        e.name,
        e.directorate,
        _decimal(e.fte_h),
        _sap_date(e.start),
        _sap_date(e.leaving),
        e.leaving_reason or "",
    ]


def _absence_row(council_code: str, s: Spell) -> list[str]:
    """working_days_lost is SAP's count over the whole spell; SAP leaves it empty while open."""
    whole_spell = working_calendar().count(s.start, s.end) if s.end else None
    return [
        council_code,
        s.emp.pers_no,
        _sap_date(s.start),
        _sap_date(s.end),
        "" if whole_spell is None else _decimal(100 * whole_spell),
        s.reason_code,
    ]


def _appraisal_row(council_code: str, a: Appraisal) -> list[str]:
    return [
        council_code,
        a.emp.pers_no,
        _sap_date(a.due),
        _sap_date(a.completed),
        _sap_date(a.entered),
    ]


def _riddor_row(council_code: str, r: RiddorReport) -> list[str]:
    return [
        council_code,
        r.ref,
        r.directorate,
        _sap_date(r.incident),
        _sap_date(r.reported),
        r.category,
    ]


def _sap_date(day: date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


def _decimal(hundredths: int) -> str:
    """A two-decimal figure held in hundredths, written without float rounding."""
    return f"{hundredths // 100}.{hundredths % 100:02d}"
