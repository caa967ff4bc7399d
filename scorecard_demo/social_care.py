"""The demo council's children's social care and education extracts, calibrated to the seed.

Builds, in order: the care leavers to be and the 903 history (periods, calibration, short
breaks, reviews), school attendance, the CIN census (referrals, CP plans, section 47 enquiries,
assessments) and the local lists that hang off it; then writes

    social_care/2023-07-07/  extract.json, the six 903 CSVs, cin_census.xml and the six local lists
    education/2023-07-07/    attendance.csv

Every part draws from its own seeded generator, so the output depends on nothing but the code
(and the council code, which only appears where the contracts put it). Nothing reads the clock.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from scorecard_demo.allocations import WORKERS, Case, boundary_case, build_allocations
from scorecard_demo.assessments import build_assessments
from scorecard_demo.attendance import AttendanceRow, build_attendance, school_age
from scorecard_demo.care_leaver_roster import build_roster
from scorecard_demo.care_leavers import LeaverContact, build_care_leavers
from scorecard_demo.cin_census import write_cin_census
from scorecard_demo.cin_model import Referral
from scorecard_demo.cin_referrals import build_referrals, finalise_referrals, referral_awkward_cases
from scorecard_demo.contacts import Contact, build_contacts
from scorecard_demo.cp_plans import build_plans
from scorecard_demo.csc_model import EXTRACT_DATE, IdPool
from scorecard_demo.initial_visits import InitialVisit, build_initial_visits
from scorecard_demo.lac_calibration import calibrate_looked_after
from scorecard_demo.lac_model import LacChild, Period
from scorecard_demo.lac_periods import build_periods
from scorecard_demo.lac_reviews import build_reviews
from scorecard_demo.local_lists import write_csv, write_local_lists
from scorecard_demo.qa_audits import QaAudit, build_qa_audits
from scorecard_demo.section47 import Discussion, build_section47s
from scorecard_demo.short_breaks import build_short_breaks
from scorecard_demo.ssda903 import write_ssda903

SOCIAL_CARE = "social_care"
EDUCATION = "education"
SEEDS = {
    "ids": 916_001, "roster": 916_002, "periods": 916_003, "calibration": 916_004,
    "short_breaks": 916_005, "reviews": 916_006, "attendance": 916_007, "leavers": 916_008,
    "referrals": 916_009, "plans": 916_010, "section47": 916_011, "assessments": 916_012,
    "finalise": 916_013, "allocations": 916_014, "visits": 916_015, "contacts": 916_016,
    "audits": 916_017, "census": 916_018, "ssda903": 916_019,
}


@dataclass
class SocialCareData:
    children: list[LacChild]
    reviews: dict[Period, list[date]]
    attendance: list[AttendanceRow]
    leaver_contacts: list[LeaverContact]
    referrals: list[Referral]
    discussions: list[Discussion]
    cases: list[Case]
    visits: list[InitialVisit]
    contacts: list[Contact]
    audits: list[QaAudit]


def _rng(name: str) -> random.Random:
    return random.Random(SEEDS[name])


def build_social_care() -> SocialCareData:
    ids = IdPool(SEEDS["ids"])
    roster = build_roster(_rng("roster"), ids)
    children = build_periods(_rng("periods"), ids, roster)
    calibrate_looked_after(_rng("calibration"), children)
    for child in children:  # what was drawn beyond the extract date has not happened yet
        for period in child.periods:
            period.events = [e for e in period.events if e.day <= EXTRACT_DATE]
    reviews = build_reviews(_rng("reviews"), children)
    attendance = build_attendance(_rng("attendance"), children)
    short_breaks = build_short_breaks(_rng("short_breaks"), ids)
    attendance += _short_break_attendance(_rng("short_breaks"), short_breaks)
    leaver_contacts = build_care_leavers(_rng("leavers"), roster)

    referrals = build_referrals(_rng("referrals"), ids, referral_awkward_cases(
        _rng("referrals"), ids))
    build_plans(_rng("plans"), referrals)
    discussions = build_section47s(_rng("section47"), referrals)
    build_assessments(_rng("assessments"), referrals)
    finalise_referrals(_rng("finalise"), referrals)
    boundary_child = next(
        r.child for r in referrals
        if r.date >= date(2022, 7, 18) and len(r.child.referrals) == 1 and not r.child.reserved
    )
    boundary_child.reserved = True
    cases = build_allocations(_rng("allocations"), referrals,
                              [boundary_case(_rng("allocations"), boundary_child.id)])
    return SocialCareData(
        children=children + short_breaks,
        reviews=reviews,
        attendance=sorted(attendance, key=lambda r: (r.child_id, r.month)),
        leaver_contacts=leaver_contacts,
        referrals=referrals,
        discussions=discussions,
        cases=cases,
        visits=build_initial_visits(_rng("visits"), referrals),
        contacts=build_contacts(_rng("contacts"), ids, referrals),
        audits=build_qa_audits(_rng("audits"), referrals),
    )


def _short_break_attendance(rng: random.Random, children: list[LacChild]) -> list[AttendanceRow]:
    rows = []
    for child in children:
        if not any(p.ls == "V3" for p in child.periods):
            continue
        month = date(2022, 9, 1)
        while month <= date(2023, 6, 1):
            if month.month != 8 and school_age(child.dob, month):
                possible = rng.choice((30, 34, 38, 42))
                rows.append(AttendanceRow(child.id, month, possible, rng.randint(0, 6)))
            month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return rows


def write_social_care_and_education(out_dir: Path, council_code: str) -> list[Path]:
    data = build_social_care()
    extract = EXTRACT_DATE.isoformat()
    folder = Path(out_dir) / SOCIAL_CARE / extract
    folder.mkdir(parents=True, exist_ok=True)
    manifest = folder / "extract.json"
    manifest.write_text(json.dumps({"council_code": council_code}) + "\n", encoding="utf-8")
    paths = [manifest]
    paths += write_ssda903(folder, _rng("ssda903"), data.children, data.reviews,
                           data.leaver_contacts, WORKERS)
    paths.append(write_cin_census(folder, council_code, _rng("census"), data.referrals))
    paths += write_local_lists(folder, council_code, data.contacts, data.visits,
                               data.discussions, data.cases, data.audits, data.leaver_contacts)
    education = Path(out_dir) / EDUCATION / extract
    education.mkdir(parents=True, exist_ok=True)
    paths.append(write_csv(
        education / "attendance.csv",
        ("council_code", "child_id", "month", "sessions_possible", "sessions_missed"),
        ((council_code, r.child_id, r.month.strftime("%Y-%m"), r.possible, r.missed)
         for r in data.attendance),
    ))
    return paths
