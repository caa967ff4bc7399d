"""Education: school attendance of children in care, by school month."""

from __future__ import annotations

from scorecard.ingest.sources.contract import COUNCIL_CODE, Column, Contract

ATTENDANCE = Contract(
    source="education",
    table="attendance",
    file_name="attendance.csv",
    key=("council_code", "child_id", "month"),
    description="sessions possible and missed per child per school month",
    date_formats=("%Y-%m-%d",),
    columns=(
        COUNCIL_CODE,
        Column("child_id", "text", identifier=True),
        # a school month (YYYY-MM), staged as its first day and checked as an event date
        Column("month", "pattern", pattern=r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$", date_kind="event",
               staged_as="month_start"),
        Column("sessions_possible", "integer", minimum=0),
        Column("sessions_missed", "integer", minimum=0),
    ),
)

CONTRACTS = (ATTENDANCE,)
