"""The council's own lists (docs/social_care_spec.md): UTF-8 CSV, dates YYYY-MM-DD, the council
code first on every row."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from scorecard_demo.allocations import Case
from scorecard_demo.care_leavers import LeaverContact
from scorecard_demo.contacts import Contact
from scorecard_demo.initial_visits import InitialVisit
from scorecard_demo.qa_audits import QaAudit
from scorecard_demo.section47 import Discussion
from scorecard_demo.csc_model import iso


def write_csv(path: Path, columns: tuple[str, ...], rows: Iterable[tuple]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    return path


def write_local_lists(
    folder: Path,
    council_code: str,
    contacts: list[Contact],
    visits: list[InitialVisit],
    discussions: list[Discussion],
    cases: list[Case],
    audits: list[QaAudit],
    leavers: list[LeaverContact],
) -> list[Path]:
    code = council_code
    allocations = sorted(
        ((case.child_id, a) for case in cases for a in case.allocations),
        key=lambda item: (item[1].start, item[0], item[1].worker),
    )
    return [
        write_csv(
            folder / "contacts.csv",
            ("council_code", "contact_id", "child_id", "contact_date", "decision_date", "decision"),
            ((code, c.contact_id, c.child_id, iso(c.contact_date), iso(c.decision_date),
              c.decision or "") for c in contacts),
        ),
        write_csv(
            folder / "initial_visits.csv",
            ("council_code", "referral_id", "child_id", "referral_date", "visit_date"),
            ((code, v.referral_id, v.child_id, iso(v.referral_date), iso(v.visit_date))
             for v in visits),
        ),
        write_csv(
            folder / "strategy_discussions.csv",
            ("council_code", "discussion_id", "child_id", "concern_date", "discussion_date"),
            ((code, f"SD{number:06d}", d.referral.child.id, iso(d.section47.concern),
              iso(d.section47.start)) for number, d in enumerate(discussions, start=1)),
        ),
        write_csv(
            folder / "allocations.csv",
            ("council_code", "allocation_id", "child_id", "worker_id", "start_date", "end_date"),
            ((code, f"AL{number:07d}", child_id, a.worker, iso(a.start), iso(a.end))
             for number, (child_id, a) in enumerate(allocations, start=1)),
        ),
        write_csv(
            folder / "qa_audits.csv",
            ("council_code", "audit_id", "child_id", "audit_date", "grade"),
            ((code, a.audit_id, a.child_id, iso(a.audit_date), a.grade) for a in audits),
        ),
        write_csv(
            folder / "care_leavers.csv",
            ("council_code", "child_id", "dob", "contact_date", "in_touch", "activity",
             "accommodation"),
            ((code, c.child_id, iso(c.dob), iso(c.day), c.in_touch, c.activity, c.accommodation)
             for c in leavers),
        ),
    ]
