"""Internal audit: the recommendations tracker workbook kept by the audit team."""

from __future__ import annotations

from scorecard.ingest.sources.contract import Column, Contract
from scorecard.ingest.sources.hr_sap import DIRECTORATES

PRIORITIES = ("High", "Medium", "Low")
STATUSES = ("Open", "Implemented", "Superseded", "Risk accepted")

RECOMMENDATIONS = Contract(
    source="audit",
    table="recommendations",
    file_name="recommendations.xlsx",
    sheet="Recommendations",
    description="one row per audit recommendation",
    key=("council_code", "rec_ref"),
    # Excel date cells arrive as ISO dates; dates a person typed as text arrive as dd/mm/yyyy.
    date_formats=("%Y-%m-%d", "%d/%m/%Y"),
    columns=(
        Column("council_code", "pattern", header="Council code", pattern=r"^[0-9]{3}$"),
        Column("rec_ref", "text", header="Rec ref"),
        Column("audit_title", "text", header="Audit"),
        Column("directorate", "code", header="Directorate", codes=DIRECTORATES),
        Column("priority", "code", header="Priority", codes=PRIORITIES),
        Column("raised_date", "date", header="Date raised", event=True),
        Column("agreed_target_date", "date", header="Agreed target date", date_kind="target"),
        Column("revised_target_date", "date", required=False, header="Revised target date",
               date_kind="target"),
        Column("date_revised", "date", required=False, header="Date revised",
               required_when="revised_target_date", event=True),
        Column("status", "code", header="Status", codes=STATUSES),
        Column("date_closed", "date", required=False, header="Date closed", event=True),
    ),
)

CONTRACTS = (RECOMMENDATIONS,)
