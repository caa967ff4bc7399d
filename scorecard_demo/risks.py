"""The demo council's children's services risk register: one CSV, one row per risk per review.

Eight risks of the kind a children's directorate carries, reviewed by its risk board each quarter
from Jun-22 to Jun-23 (the third Wednesday or so of the quarter's last month). Their scores move
as a real register's do, and exercise every rule of `sql/marts/fct_risk_register.sql`:
- increasing (CYP-R01 at Dec-22, CYP-R04 at Sep-22, Dec-22 and Jun-23, CYP-R06 at Jun-23),
  decreasing (CYP-R02 at Dec-22 and Mar-23; CYP-R03, CYP-R05 and CYP-R08 at Jun-23), unchanged
  (CYP-R07 throughout);
- crossing the Low/Moderate bands (CYP-R08: 6 -> 9 -> 6) and Moderate/High (CYP-R03: 12 -> 16 -> 12,
  CYP-R02: 16 -> 12);
- a risk added part-way (CYP-R05, first reviewed at Dec-22: no trend that quarter);
- a missed review (CYP-R08 was not reviewed in Jan-Mar 2023: Mar-23 carries its Dec-22 review).
Owners are roles, never people. Nothing reads the clock.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from scorecard_demo.model import DEMO_EXTRACT_DATE

SOURCE = "risks"
FILE_NAME = "risk_register.csv"
COLUMNS = ("council_code", "risk_id", "title", "directorate", "owner", "likelihood", "impact",
           "controls", "review_date")

REVIEW_DATES = (date(2022, 6, 15), date(2022, 9, 21), date(2022, 12, 14), date(2023, 3, 15),
                date(2023, 6, 21))

# fmt: off
# risk_id, title, owner, controls, (likelihood, impact) at each review date (None: not reviewed /
# not yet on the register)
RISKS = (
    ("CYP-R01", "Insufficient local placements for children in care, leading to children placed "
     "at a distance and in high-cost external placements",
     "Head of Commissioning (Children)",
     "Placement sufficiency strategy; in-house foster carer recruitment campaign; regional "
     "commissioning framework; weekly placement panel",
     ((4, 4), (4, 4), (5, 4), (5, 4), (5, 4))),
    ("CYP-R02", "Inability to recruit and retain permanent qualified social workers",
     "Assistant Director, Safeguarding and Care",
     "Recruitment and retention payments; ASYE academy; regional agency pay memorandum; "
     "caseload monitoring",
     ((4, 4), (4, 4), (4, 3), (3, 3), (3, 3))),
    ("CYP-R03", "Rising demand at the front door exceeds capacity of the MASH and assessment teams",
     "Head of Service, MASH and Early Help",
     "Daily demand dashboard; threshold guidance for partners; surge rota; early help offer",
     ((3, 3), (3, 4), (4, 4), (4, 4), (4, 3))),
    ("CYP-R04", "Home-to-school transport costs for children with SEND exceed budget",
     "Head of SEND and Inclusion",
     "Route optimisation review; independent travel training; personal transport budgets; "
     "monthly budget monitoring",
     ((3, 3), (4, 3), (4, 4), (4, 4), (5, 4))),
    ("CYP-R05", "Cyber attack disrupts access to children's case records",
     "Head of Children's Systems and Performance",
     "Multi-factor authentication; offline business continuity plan; phishing training; "
     "tested backups",
     (None, None, (3, 5), (3, 5), (2, 5))),
    ("CYP-R06", "Quality of safeguarding practice falls short of the standard expected at "
     "inspection",
     "Assistant Director, Quality and Improvement",
     "Practice quality framework; monthly case audits; practice improvement plan following "
     "the joint targeted area inspection",
     ((3, 4), (3, 4), (3, 4), (3, 4), (4, 4))),
    ("CYP-R07", "Children's services budget overspend on placements and agency staff",
     "Director of Children's Services",
     "Medium-term financial plan; monthly spend panel; placement cost review; agency "
     "conversion programme",
     ((4, 5), (4, 5), (4, 5), (4, 5), (4, 5))),
    ("CYP-R08", "Care leavers unable to access suitable accommodation",
     "Head of Service, Care Leavers",
     "Joint housing protocol with district councils; staying put arrangements; supported "
     "lodgings scheme",
     ((2, 3), (2, 3), (3, 3), None, (2, 3))),
)
# fmt: on


def risk_register_rows(council_code: str) -> list[list[str]]:
    rows = []
    for risk_id, title, owner, controls, scores in RISKS:
        for review_date, score in zip(REVIEW_DATES, scores, strict=True):
            if score is None:
                continue
            likelihood, impact = score
            rows.append([council_code, risk_id, title, "CYP", owner, str(likelihood), str(impact),
                         controls, review_date.isoformat()])
    return rows


def write_risks(out_dir: Path, council_code: str) -> list[Path]:
    """Write <out_dir>/risks/<extract date>/risk_register.csv and return it."""
    folder = Path(out_dir) / SOURCE / DEMO_EXTRACT_DATE.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FILE_NAME
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        writer.writerows(risk_register_rows(council_code))
    return [path]
