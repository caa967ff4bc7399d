"""The demo council's internal audit recommendations tracker: one XLSX workbook.

Children's (CYP) recommendations are written out by hand so that GM07, the count outstanding
beyond their effective target date, is 0, 4, 5, 8 and 8 at Jun-22, Sep-22, Dec-22, Mar-23 and
Jun-23, with two of Jun-23's eight only just past target. The table notes the edge cases each
one exercises. Other directorates' recommendations are drawn at random: GM07 must filter them out.
"""

from __future__ import annotations

import io
import random
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.writer.excel import ExcelWriter

from scorecard_demo.draws import weighted
from scorecard_demo.model import CHILDRENS, DEMO_EXTRACT_DATE, Recommendation

SOURCE = "audit"
SHEET = "Recommendations"
COLUMNS = (
    ("council_code", "Council code"),
    ("rec_ref", "Rec ref"),
    ("audit_title", "Audit"),
    ("directorate", "Directorate"),
    ("priority", "Priority"),
    ("raised_date", "Date raised"),
    ("agreed_target_date", "Agreed target date"),
    ("revised_target_date", "Revised target date"),
    ("date_revised", "Date revised"),
    ("status", "Status"),
    ("date_closed", "Date closed"),
)
DATE_FORMAT = "dd/mm/yyyy"

D = date
# fmt: off
# audit, priority, raised, agreed target, revised target, date revised, status, date closed
CHILDRENS_RECOMMENDATIONS = (
    # Overdue at Jun-20 only.
    ("Fostering Allowances", "High", D(2019, 11, 12), D(2020, 3, 31), None, None,
     "Implemented", D(2020, 9, 14)),
    # Revised before its target; its revised target equals Dec-20 (due, not yet overdue).
    ("Fostering Allowances", "Medium", D(2019, 11, 12), D(2020, 6, 30), D(2020, 12, 31),
     D(2020, 6, 25), "Implemented", D(2021, 2, 19)),
    ("SEN Transport", "Medium", D(2020, 9, 7), D(2021, 1, 29), None, None,
     "Superseded", D(2021, 10, 1)),
    ("SEN Transport", "Low", D(2020, 9, 7), D(2021, 5, 28), None, None,
     "Risk accepted", D(2021, 5, 20)),
    ("Direct Payments (Children)", "High", D(2021, 3, 1), D(2021, 9, 30), None, None,
     "Implemented", D(2022, 1, 14)),
    # Overdue at Mar-22, closed on Jun-22 itself: not outstanding at Jun-22.
    ("Children's Social Care Case Recording", "Medium", D(2021, 6, 14), D(2021, 12, 17), None,
     None, "Implemented", D(2022, 6, 30)),
    ("Safer Recruitment (DBS Checks)", "High", D(2021, 10, 4), D(2022, 3, 31), None, None,
     "Implemented", D(2022, 3, 29)),
    ("Safer Recruitment (DBS Checks)", "Medium", D(2021, 10, 4), D(2022, 6, 30), D(2022, 9, 30),
     D(2022, 6, 20), "Implemented", D(2022, 9, 15)),
    # Target equals Jun-22 (not overdue there); overdue Sep-22 and Dec-22.
    ("Care Leavers Financial Support", "High", D(2022, 3, 15), D(2022, 6, 30), None, None,
     "Implemented", D(2023, 1, 20)),
    # Revised after its target had passed and after Sep-22: overdue at Sep-22 on the agreed
    # date, not at Dec-22 on the revised one, overdue again at Mar-23.
    ("Care Leavers Financial Support", "Medium", D(2022, 3, 15), D(2022, 8, 31), D(2023, 1, 31),
     D(2022, 10, 14), "Implemented", D(2023, 5, 12)),
    ("Residential Placements Commissioning", "High", D(2022, 5, 10), D(2022, 9, 1), None, None,
     "Open", None),
    # Closed on Dec-22 itself: outstanding at Sep-22 only.
    ("Safer Recruitment (DBS Checks)", "Medium", D(2022, 2, 1), D(2022, 7, 29), None, None,
     "Superseded", D(2022, 12, 31)),
    # Target equals Sep-22: overdue from Dec-22.
    ("Youth Justice Service", "Medium", D(2022, 7, 5), D(2022, 9, 30), None, None, "Open", None),
    ("Youth Justice Service", "Low", D(2022, 7, 5), D(2022, 12, 16), None, None,
     "Implemented", D(2022, 11, 30)),
    ("Youth Justice Service", "Low", D(2022, 7, 5), D(2022, 11, 30), None, None,
     "Risk accepted", D(2023, 2, 28)),
    # Risk accepted after Jun-23 but before the extract: still outstanding at Jun-23.
    ("Residential Placements Commissioning", "Medium", D(2022, 9, 1), D(2022, 10, 31), None, None,
     "Risk accepted", D(2023, 7, 3)),
    # Revision agreed after Jun-23: at Jun-23 the agreed target still applies.
    ("Early Help Grant Claims", "High", D(2022, 10, 10), D(2023, 1, 31), D(2023, 9, 29),
     D(2023, 7, 4), "Open", None),
    ("Early Help Grant Claims", "Medium", D(2022, 10, 10), D(2023, 2, 28), None, None,
     "Implemented", D(2023, 4, 21)),
    ("Early Help Grant Claims", "Low", D(2022, 10, 10), D(2023, 3, 31), None, None,
     "Implemented", D(2023, 3, 20)),
    # Revised before Mar-23 to a June date: not overdue at Mar-23, just elapsed at Jun-23.
    ("Schools Financial Value Standard", "Medium", D(2022, 11, 21), D(2023, 3, 15),
     D(2023, 6, 16), D(2023, 3, 10), "Open", None),
    ("Schools Financial Value Standard", "Low", D(2022, 11, 21), D(2023, 3, 1), None, None,
     "Open", None),
    # Closed on Jun-23 itself: outstanding at Mar-23 only.
    ("Children's Social Care Case Recording", "Medium", D(2023, 1, 9), D(2023, 3, 30), None, None,
     "Implemented", D(2023, 6, 30)),
    # Just elapsed at Jun-23.
    ("Direct Payments (Children)", "High", D(2023, 2, 14), D(2023, 6, 9), None, None, "Open", None),
    ("Direct Payments (Children)", "Medium", D(2023, 2, 14), D(2023, 4, 28), None, None,
     "Open", None),
    ("SEN Transport", "Medium", D(2023, 5, 2), D(2023, 9, 29), None, None, "Open", None),
    # Target equals Jun-23: due, not overdue.
    ("Fostering Allowances", "High", D(2023, 6, 12), D(2023, 6, 30), None, None, "Open", None),
)
# fmt: on

OTHER_AUDITS = {
    "ADS": (
        "Client Contributions",
        "Deprivation of Liberty Safeguards",
        "Care Home Contracts",
        "Adult Direct Payments",
        "Home Care Commissioning",
    ),
    "PLC": (
        "Highways Maintenance Contract",
        "Waste Collection Fleet",
        "Planning Fees",
        "Car Parking Income",
        "Building Control",
    ),
    "RES": (
        "Payroll",
        "Accounts Payable",
        "Council Tax Reductions",
        "IT Access Controls",
        "Procurement Cards",
        "Business Rates",
    ),
    "CEX": ("Corporate Governance", "Information Governance", "Members' Allowances"),
}
FIRST_OTHER_AUDIT = date(2019, 10, 1)
LAST_OTHER_AUDIT = date(2023, 5, 31)
OTHER_AUDIT_COUNT = 24
PRIORITY_WEIGHTS = {"High": 2, "Medium": 5, "Low": 3}
CLOSED_STATUS_WEIGHTS = {"Implemented": 85, "Superseded": 8, "Risk accepted": 7}


def build_recommendations(rng: random.Random) -> list[Recommendation]:
    """All recommendations, numbered audit by audit within each financial year."""
    rows = [(CHILDRENS, *rec) for rec in CHILDRENS_RECOMMENDATIONS]
    for _ in range(OTHER_AUDIT_COUNT):
        directorate = rng.choice(sorted(OTHER_AUDITS))
        title = rng.choice(OTHER_AUDITS[directorate])
        raised = FIRST_OTHER_AUDIT + timedelta(
            rng.randint(0, (LAST_OTHER_AUDIT - FIRST_OTHER_AUDIT).days)
        )
        for _ in range(rng.randint(1, 5)):
            rows.append((directorate, title, *_random_recommendation(rng, raised)))
    return _number(rows)


def _random_recommendation(rng: random.Random, raised: date) -> tuple:
    """Priority, dates and status of a recommendation raised on `raised`, as seen at the extract."""
    agreed = raised + timedelta(rng.randint(45, 270))
    revised = date_revised = None
    if rng.random() < 0.25:
        date_revised = max(raised + timedelta(14), agreed + timedelta(rng.randint(-40, 60)))
        if date_revised <= DEMO_EXTRACT_DATE:
            revised = max(agreed, date_revised) + timedelta(rng.randint(30, 150))
        else:
            date_revised = None
    target = revised or agreed
    closed = max(raised + timedelta(7), target + timedelta(rng.randint(-60, 120)))
    if rng.random() < 0.2 or closed > DEMO_EXTRACT_DATE:
        status, closed = "Open", None
    else:
        status = weighted(rng, CLOSED_STATUS_WEIGHTS)
    return (weighted(rng, PRIORITY_WEIGHTS), raised, agreed, revised, date_revised, status, closed)


def _number(rows: list[tuple]) -> list[Recommendation]:
    """Give each recommendation a ref like IA2223-04.2: audit 4 of 2022/23, recommendation 2."""
    audits: dict[tuple[str, date], str] = {}
    per_year: dict[int, int] = {}
    per_audit: dict[str, int] = {}
    recommendations = []
    for directorate, title, priority, raised, agreed, revised, revised_on, status, closed in sorted(
        rows, key=lambda r: (r[3], r[1], r[4])
    ):
        if (title, raised) not in audits:
            year = raised.year if raised.month >= 4 else raised.year - 1
            per_year[year] = per_year.get(year, 0) + 1
            audits[title, raised] = f"IA{year % 100:02d}{(year + 1) % 100:02d}-{per_year[year]:02d}"
        audit_ref = audits[title, raised]
        per_audit[audit_ref] = per_audit.get(audit_ref, 0) + 1
        recommendations.append(
            Recommendation(
                f"{audit_ref}.{per_audit[audit_ref]}",
                title,
                directorate,
                priority,
                raised,
                agreed,
                revised,
                revised_on,
                status,
                closed,
            )
        )
    return recommendations


def write_audit(out_dir: Path, council_code: str) -> list[Path]:
    """Write <out_dir>/audit/<extract date>/recommendations.xlsx and return its path."""
    recommendations = build_recommendations(random.Random("scorecard.demo.audit"))
    folder = out_dir / SOURCE / DEMO_EXTRACT_DATE.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "recommendations.xlsx"
    path.write_bytes(_workbook_bytes(council_code, recommendations))
    return [path]


def _workbook_bytes(council_code: str, recommendations: list[Recommendation]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append([header for _, header in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for rec in recommendations:
        sheet.append(
            [
                council_code,
                rec.rec_ref,
                rec.audit_title,
                rec.directorate,
                rec.priority,
                rec.raised,
                rec.agreed_target,
                rec.revised_target,
                rec.date_revised,
                rec.status,
                rec.date_closed,
            ]
        )
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
    for column in sheet.columns:
        widest = max(
            len(DATE_FORMAT) if isinstance(c.value, date) else len(str(c.value or ""))
            for c in column
        )
        sheet.column_dimensions[column[0].column_letter].width = widest + 3
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    return _reproducible_xlsx(workbook)


def _reproducible_xlsx(workbook: Workbook) -> bytes:
    """The workbook's bytes with every timestamp fixed, so two runs write identical files.

    openpyxl stamps the document properties and each zip member with the time of saving.
    """
    stamp = datetime.combine(DEMO_EXTRACT_DATE, datetime.min.time())
    workbook.properties.creator = "scorecard demo generator"
    workbook.properties.created = workbook.properties.modified = stamp
    saved = io.BytesIO()
    with zipfile.ZipFile(saved, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).write_data()
    fixed = io.BytesIO()
    with (
        zipfile.ZipFile(saved) as source,
        zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(member.filename))
    return fixed.getvalue()
