"""A social-care landing zone with only a CIN census (and the empty 903 files), for tests."""

from __future__ import annotations

import json
from pathlib import Path

FOLDER = "social_care/2023-07-07"


def cin_child(child_id: str, *referrals: str) -> str:
    return (f"<Child><ChildIdentifiers><LAchildID>{child_id}</LAchildID>"
            f"<PersonBirthDate>2012-01-01</PersonBirthDate><Sex>1</Sex></ChildIdentifiers>"
            + "".join(referrals) + "</Child>")


def referral(date: str, *body: str) -> str:
    return f"<CINdetails><CINreferralDate>{date}</CINreferralDate>{''.join(body)}</CINdetails>"


def assessment(start: str, authorised: str) -> str:
    return (f"<Assessments><AssessmentActualStartDate>{start}</AssessmentActualStartDate>"
            f"<AssessmentAuthorisationDate>{authorised}</AssessmentAuthorisationDate></Assessments>")


def plan(start: str, end: str | None = None) -> str:
    return ("<ChildProtectionPlans>" f"<CPPstartDate>{start}</CPPstartDate>"
            + (f"<CPPendDate>{end}</CPPendDate>" if end else "") + "</ChildProtectionPlans>")


def write_cin_landing(landing: Path, children: list[str], council_code: str = "916") -> Path:
    folder = landing / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "extract.json").write_text(json.dumps({"council_code": council_code}))
    (folder / "header.csv").write_text("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n")
    (folder / "episodes.csv").write_text("CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,"
                                         "REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n")
    (folder / "cin_census.xml").write_text(
        f"<Message><Header><Source><LEA>{council_code}</LEA></Source></Header><Children>"
        + "".join(children) + "</Children></Message>")
    return landing
