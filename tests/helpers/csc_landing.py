"""Write small, hand-made children's social care and education landing zones for tests.

SSDA903 files in DfE's CSV layout (upper-case headers, dd/mm/YYYY dates, no council code: the
council comes from the folder's extract.json); education attendance in our own layout. Rows are
dicts keyed by the lower-case column names; dates may be `datetime.date`. Sources not written here
are absent from the landing zone, which the loader treats as "not sent" (empty tables).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

from scorecard.ingest.sources import education, social_care

EXTRACT_DATE = "2023-07-07"
COUNCIL = "916"


def dfe_date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _text(value: object, date_format) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return date_format(value)
    return str(value)


def _write(path: Path, contract, rows, date_format) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.file_header for c in contract.columns])
        for row in rows:
            writer.writerow([_text(row.get(c.name), date_format) for c in contract.columns])
    return path


def write_903(landing: Path, header=(), episodes=(), reviews=(), council_code: str = COUNCIL,
              extract_date: str = EXTRACT_DATE, oc3=None, care_leavers=None) -> Path:
    """header.csv, episodes.csv and reviews.csv (the other optional 903 tables left absent);
    oc3.csv when `oc3` is given (rows: child, dob, in_touch, activ, accom), and the local list
    care_leavers.csv when `care_leavers` is given (rows: child_id, dob, contact_date, in_touch,
    activity, accommodation; council_code defaults to the folder's council; ISO dates)."""
    folder = Path(landing) / social_care.SOURCE / extract_date
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "extract.json").write_text(json.dumps({"council_code": council_code}), encoding="utf-8")
    _write(folder / social_care.HEADER.file_name, social_care.HEADER, header, dfe_date)
    _write(folder / social_care.EPISODES.file_name, social_care.EPISODES, episodes, dfe_date)
    _write(folder / social_care.REVIEWS.file_name, social_care.REVIEWS, reviews, dfe_date)
    if oc3 is not None:
        _write(folder / social_care.OC3.file_name, social_care.OC3, oc3, dfe_date)
    if care_leavers is not None:
        rows = [{"council_code": council_code, **row} for row in care_leavers]
        _write(folder / social_care.CARE_LEAVERS.file_name, social_care.CARE_LEAVERS, rows,
               lambda d: d.isoformat())
    return folder


def write_attendance(landing: Path, rows=(), extract_date: str = EXTRACT_DATE) -> Path:
    """education/<date>/attendance.csv; rows: council_code (defaults to 916), child_id, month
    ('YYYY-MM'), sessions_possible, sessions_missed."""
    contract = education.ATTENDANCE
    path = Path(landing) / contract.source / extract_date / contract.file_name
    rows = [{"council_code": COUNCIL, **row} for row in rows]
    return _write(path, contract, rows, lambda d: d.isoformat())


def child(child_id: str, dob: dt.date, sex: str = "1") -> dict:
    return {"child": child_id, "sex": sex, "dob": dob, "ethnic": "WBRI", "upn": "A123456789012",
            "mother": "", "mc_dob": None}


def episode(child_id: str, decom: dt.date, rne: str = "S", ls: str = "C2", place: str = "U4",
            provider: str = "PR1", dec: dt.date | None = None, rec: str | None = None,
            reason_place_change: str | None = None) -> dict:
    if dec is not None and rec is None:
        rec = "E13"  # left care to live with parents or relatives
    return {"child": child_id, "decom": decom, "rne": rne, "ls": ls, "cin": "N1", "place": place,
            "place_provider": provider, "dec": dec, "rec": rec,
            "reason_place_change": reason_place_change, "home_post": "AB1 2CD",
            "pl_post": "EF3 4GH", "urn": "SC123456" if place.startswith("R") else ""}


def review(child_id: str, review_date: dt.date, dob: dt.date, code: str = "PN1") -> dict:
    return {"child": child_id, "dob": dob, "review": review_date, "review_code": code}


def oc3_row(child_id: str, dob: dt.date, in_touch: str, activ: str = "", accom: str = "") -> dict:
    return {"child": child_id, "dob": dob, "in_touch": in_touch, "activ": activ, "accom": accom}


def care_leaver(child_id: str, dob: dt.date, contact_date: dt.date, in_touch: str,
                activity: str = "", accommodation: str = "") -> dict:
    return {"child_id": child_id, "dob": dob, "contact_date": contact_date, "in_touch": in_touch,
            "activity": activity, "accommodation": accommodation}
