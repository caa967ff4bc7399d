"""HR and payroll (SAP) extracts: staff in post, sickness absence, appraisals, RIDDOR reports.

SAP exports here are Windows-1252 CSV with dd.mm.yyyy dates (docs/contracts.md).
"""

from __future__ import annotations

from scorecard.ingest.sources.contract import COUNCIL_CODE, Column, Contract

DIRECTORATES = ("CYP", "ADS", "PLC", "RES", "CEX")
LEAVING_REASONS = ("RES", "RET", "DIS", "RED", "EFT", "DEA")
ABSENCE_REASONS = tuple(f"S{n:02d}" for n in range(1, 13))
RIDDOR_CATEGORIES = (
    "SPECIFIED_INJURY",
    "OVER_7_DAY_INJURY",
    "OCCUPATIONAL_DISEASE",
    "DANGEROUS_OCCURRENCE",
    "FATALITY",
    "NON_WORKER_HOSPITAL",
)

PERS_NO = Column("pers_no", "pattern", pattern=r"^[0-9]{8}$", identifier=True)
_SAP = {"encoding": "cp1252", "date_formats": ("%d.%m.%Y",)}

STAFF_IN_POST = Contract(
    source="hr_sap",
    table="staff_in_post",
    file_name="staff_in_post.csv",
    description="one row per employment",
    key=("council_code", "pers_no"),
    columns=(
        COUNCIL_CODE,
        PERS_NO,
        Column("employee_name", "text", identifier=True),
        Column("directorate", "code", codes=DIRECTORATES),
        Column("fte", "decimal", minimum=0, minimum_exclusive=True, maximum=1),
        Column("start_date", "date", date_kind="scheduled"),  # a starter not yet started
        Column("leaving_date", "date", required=False, date_kind="scheduled"),  # notice agreed
        Column("leaving_reason", "code", required=False, codes=LEAVING_REASONS,
               required_when="leaving_date"),
    ),
    **_SAP,
)

ABSENCES = Contract(
    source="hr_sap",
    table="absences",
    file_name="absences.csv",
    description="one row per sickness absence spell",
    key=("council_code", "pers_no", "absence_start"),
    columns=(
        COUNCIL_CODE,
        PERS_NO,
        Column("absence_start", "date", event=True),
        Column("absence_end", "date", required=False, date_kind="scheduled"),  # expected end
        Column("working_days_lost", "decimal", required=False, minimum=0),
        Column("reason_code", "code", codes=ABSENCE_REASONS),
    ),
    **_SAP,
)

APPRAISALS = Contract(
    source="hr_sap",
    table="appraisals",
    file_name="appraisals.csv",
    description="one row per appraisal due",
    key=("council_code", "pers_no", "due_date"),
    columns=(
        COUNCIL_CODE,
        PERS_NO,
        Column("due_date", "date", date_kind="target"),
        Column("completed_date", "date", required=False, event=True),
        Column("entered_on_sap_date", "date", required=False, event=True),
    ),
    **_SAP,
)

RIDDOR_REPORTS = Contract(
    source="hr_sap",
    table="riddor_reports",
    file_name="riddor_reports.csv",
    description="one row per report made to the HSE",
    key=("council_code", "riddor_ref"),
    columns=(
        COUNCIL_CODE,
        Column("riddor_ref", "text"),
        Column("directorate", "code", codes=DIRECTORATES),
        Column("incident_date", "date", event=True),
        Column("reported_date", "date", event=True),
        Column("category", "code", codes=RIDDOR_CATEGORIES),
    ),
    **_SAP,
)

CONTRACTS = (STAFF_IN_POST, ABSENCES, APPRAISALS, RIDDOR_REPORTS)
