"""An iTrent-like HR export made from a SAP one, and the column map that reads it.

iTrent names its columns in words ("Person Number", "Absence Start Date", "Org Unit"), writes
reasons and directorates as text and dates as dd/mm/yyyy, and carries no DfE LA code (the
extract folder's extract.json names the council). `itrent_from_sap` rewrites a SAP extract folder
in that layout, row for row, by inverting ITRENT_MAP: what the map reads back must be the SAP
extract exactly.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import tomllib
from pathlib import Path

ITRENT_MAP = """\
# iTrent's HR export onto the hr_sap contract (docs/contracts.md, "Column maps").
# council_code is not mapped: iTrent does not export it, extract.json names the council.

[staff_in_post.columns]
"Person Number" = "pers_no"
"Full Name" = "employee_name"
"FTE" = "fte"
"Start Date" = { column = "start_date", date_format = "dd/mm/yyyy" }
"Leaving Date" = { column = "leaving_date", date_format = "dd/mm/yyyy" }

[staff_in_post.columns."Org Unit"]
column = "directorate"
[staff_in_post.columns."Org Unit".values]
"Children and Young People" = "CYP"
"Adult Social Care" = "ADS"
"Place" = "PLC"
"Resources" = "RES"
"Chief Executive's Office" = "CEX"

[staff_in_post.columns."Reason for Leaving"]
column = "leaving_reason"
[staff_in_post.columns."Reason for Leaving".values]
"Resignation" = "RES"
"Retirement" = "RET"
"Dismissal" = "DIS"
"Redundancy" = "RED"
"End of Fixed Term Contract" = "EFT"
"Death in Service" = "DEA"

[absences.columns]
"Person Number" = "pers_no"
"Absence Start Date" = { column = "absence_start", date_format = "dd/mm/yyyy" }
"Absence End Date" = { column = "absence_end", date_format = "dd/mm/yyyy" }
"Days Lost" = "working_days_lost"

[absences.columns."Absence Reason"]
column = "reason_code"
[absences.columns."Absence Reason".values]
"Sickness - Infections" = "S01"
"Sickness - Back and Neck" = "S02"
"Sickness - Other Musculoskeletal" = "S03"
"Sickness - Stress (Work Related)" = "S04"
"Sickness - Stress, Anxiety, Depression" = "S05"
"Sickness - Gastrointestinal" = "S06"
"Sickness - Headache / Migraine" = "S07"
"Sickness - Surgery / Hospital" = "S08"
"Sickness - Pregnancy Related" = "S09"
"Sickness - Injury at Work" = "S10"
"Sickness - Heart / Circulation" = "S11"
"Sickness - Other / Not Stated" = "S12"

[appraisals.columns]
"Person Number" = "pers_no"
"Appraisal Due Date" = { column = "due_date", date_format = "dd/mm/yyyy" }
"Appraisal Held Date" = { column = "completed_date", date_format = "dd/mm/yyyy" }
"Date Recorded" = { column = "entered_on_sap_date", date_format = "dd/mm/yyyy" }

[riddor_reports.columns]
"RIDDOR Reference" = "riddor_ref"
"Incident Date" = { column = "incident_date", date_format = "dd/mm/yyyy" }
"Date Reported to HSE" = { column = "reported_date", date_format = "dd/mm/yyyy" }

[riddor_reports.columns."Org Unit"]
column = "directorate"
[riddor_reports.columns."Org Unit".values]
"Children and Young People" = "CYP"
"Adult Social Care" = "ADS"
"Place" = "PLC"
"Resources" = "RES"
"Chief Executive's Office" = "CEX"

[riddor_reports.columns."Incident Type"]
column = "category"
[riddor_reports.columns."Incident Type".values]
"Specified Injury" = "SPECIFIED_INJURY"
"Over 7 Day Injury" = "OVER_7_DAY_INJURY"
"Occupational Disease" = "OCCUPATIONAL_DISEASE"
"Dangerous Occurrence" = "DANGEROUS_OCCURRENCE"
"Fatality" = "FATALITY"
"Non-worker Taken to Hospital" = "NON_WORKER_HOSPITAL"
"""


def _itrent_date(text: str) -> str:
    """SAP's dd.mm.yyyy as iTrent writes it, dd/mm/yyyy."""
    return dt.datetime.strptime(text, "%d.%m.%Y").strftime("%d/%m/%Y") if text else ""


def itrent_rows(sap_csv: Path, spec: dict) -> tuple[list[str], list[list[str]]]:
    """A SAP file's rows in iTrent's layout: its headers, codes written out, dates dd/mm/yyyy."""
    with sap_csv.open(encoding="cp1252", newline="") as handle:
        rows = list(csv.DictReader(handle))
    headers, cells = list(spec["columns"]), []
    for row in rows:
        out = []
        for column in spec["columns"].values():
            column = column if isinstance(column, dict) else {"column": column}
            value = row[column["column"]]
            if "values" in column and value:
                value = {code: text for text, code in column["values"].items()}[value]
            if "date_format" in column:
                value = _itrent_date(value)
            out.append(value)
        cells.append(out)
    return headers, cells


def itrent_from_sap(hr_folder: Path, council_code: str, map_text: str = ITRENT_MAP) -> Path:
    """Rewrite a SAP extract folder (landing/hr_sap/<date>/) in iTrent's layout, in place, with
    extract.json naming the council and the map beside the extract folders. Returns the map."""
    spec = tomllib.loads(map_text)
    for table, part in spec.items():
        path = hr_folder / f"{table}.csv"
        headers, rows = itrent_rows(path, part)
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(headers)
            writer.writerows(rows)
    (hr_folder / "extract.json").write_text(json.dumps({"council_code": council_code}),
                                            encoding="utf-8")
    map_path = hr_folder.parent / "columns.toml"
    map_path.write_text(map_text, encoding="utf-8")
    return map_path
