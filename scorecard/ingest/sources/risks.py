"""Risks: the directorate's risk register, one row per risk per quarterly review.

A risk is scored as the council's matrix does: likelihood x impact, each 1 (rare / minimal) to
5 (almost certain / severe); the level bands are in `sql/marts/fct_risk_register.sql`.
"""

from __future__ import annotations

from scorecard.ingest.sources.contract import COUNCIL_CODE, Column, Contract
from scorecard.ingest.sources.hr_sap import DIRECTORATES

ONE_TO_FIVE = r"^[1-5]$"

RISK_REGISTER = Contract(
    source="risks",
    table="risk_register",
    file_name="risk_register.csv",
    key=("council_code", "risk_id", "review_date"),
    description="one row per risk per quarterly review",
    date_formats=("%Y-%m-%d",),
    required_file=True,
    columns=(
        COUNCIL_CODE,
        Column("risk_id", "text"),
        Column("title", "text"),
        Column("directorate", "code", codes=DIRECTORATES),
        Column("owner", "text"),  # a role ("Director of Children's Services"), not a person
        Column("likelihood", "pattern", pattern=ONE_TO_FIVE),
        Column("impact", "pattern", pattern=ONE_TO_FIVE),
        Column("controls", "text"),
        Column("review_date", "date", event=True),
    ),
)

CONTRACTS = (RISK_REGISTER,)
