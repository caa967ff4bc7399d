"""Write small, hand-made landing zones for tests: CSV in the SAP layout, the audit workbook."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from openpyxl import Workbook

from scorecard.ingest.sources import audit, hr_sap

EXTRACT_DATE = "2023-07-07"


def sap_date(value: dt.date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def write_sap_csv(landing: Path, contract, rows: list[dict], extract_date: str = EXTRACT_DATE,
                  columns: list[str] | None = None) -> Path:
    path = landing / contract.source / extract_date / contract.file_name
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = columns or list(contract.column_names)
    with path.open("w", encoding="cp1252", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_text(row.get(c)) for c in columns])
    return path


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return sap_date(value)
    return str(value)


def write_recommendations(landing: Path, rows: list[dict], extract_date: str = EXTRACT_DATE) -> Path:
    contract = audit.RECOMMENDATIONS
    path = landing / contract.source / extract_date / contract.file_name
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = contract.sheet
    sheet.append([c.file_header for c in contract.columns])
    for row in rows:
        sheet.append([row.get(c.name) for c in contract.columns])
    workbook.save(path)
    return path


def write_landing(landing: Path, staff=(), absences=(), appraisals=(), riddor=(), recommendations=(),
                  extract_date: str = EXTRACT_DATE) -> Path:
    """A complete landing zone: every contract gets a file, empty tables get a header only."""
    write_sap_csv(landing, hr_sap.STAFF_IN_POST, list(staff), extract_date)
    write_sap_csv(landing, hr_sap.ABSENCES, list(absences), extract_date)
    write_sap_csv(landing, hr_sap.APPRAISALS, list(appraisals), extract_date)
    write_sap_csv(landing, hr_sap.RIDDOR_REPORTS, list(riddor), extract_date)
    write_recommendations(landing, list(recommendations), extract_date)
    return landing
