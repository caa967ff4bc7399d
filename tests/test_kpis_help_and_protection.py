"""QA01-QA02, CA01-CA03, HP01-HP04 and CL01-CL02 on a few records written out here, worked by hand.

Calendar facts (England and Wales): Good Friday 7 April 2023, Easter Monday 10 April 2023, Early
May bank holiday Monday 1 May 2023, Coronation Monday 8 May 2023, Christmas 2022 bank holidays
26 and 27 December, New Year 2 January 2023. Q1 2023/24 = 1 April-30 June 2023 (P = 30 June);
Q4 2022/23 = 1 January-31 March 2023.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from conftest import build_without_prefect

D = dt.date
Q1 = D(2023, 6, 30)
Q4 = D(2023, 3, 31)
FOLDER = "social_care/2023-07-07"


def write_csv(landing: Path, name: str, header: list[str], rows: list[tuple]) -> None:
    path = landing / FOLDER / name
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows([["916", *("" if v is None else str(v) for v in row)] for row in rows])


def cin_child(child_id: str, *referrals: str) -> str:
    return (f"<Child><ChildIdentifiers><LAchildID>{child_id}</LAchildID>"
            f"<PersonBirthDate>2012-01-01</PersonBirthDate><Sex>1</Sex></ChildIdentifiers>"
            + "".join(referrals) + "</Child>")


def referral(date: str, body: str = "") -> str:
    return f"<CINdetails><CINreferralDate>{date}</CINreferralDate>{body}</CINdetails>"


def assessment(start: str, authorised: str) -> str:
    return (f"<Assessments><AssessmentActualStartDate>{start}</AssessmentActualStartDate>"
            f"<AssessmentAuthorisationDate>{authorised}</AssessmentAuthorisationDate></Assessments>")


def plan(start: str, end: str | None = None, previous: int | None = None) -> str:
    return ("<ChildProtectionPlans>" f"<CPPstartDate>{start}</CPPstartDate>"
            + (f"<CPPendDate>{end}</CPPendDate>" if end else "")
            + (f"<NumberOfPreviousCPP>{previous}</NumberOfPreviousCPP>" if previous is not None else "")
            + "</ChildProtectionPlans>")


CIN_CHILDREN = [
    # CA01: exactly 12 months after the previous referral counts as a re-referral ...
    cin_child("10", referral("2022-05-15"), referral("2023-05-15")),
    # ... 12 months and a day does not
    cin_child("11", referral("2022-05-14"), referral("2023-05-15")),
    cin_child("12", referral("2023-04-03")),
    # two referrals in the same quarter: the second is a re-referral
    cin_child("13", referral("2023-04-20"), referral("2023-06-01")),
    # HP01: started Wed 1 March 2023. Working days after it: 22 in March, 18 in April (Good
    # Friday and Easter Monday off), then 2-5 May (1 May off) = 44, 8 May off, 9 May = 45th.
    cin_child("30", referral("2023-02-27", assessment("2023-03-01", "2023-05-09"))),
    cin_child("31", referral("2023-02-27", assessment("2023-03-01", "2023-05-10"))),
    # Over Christmas: started Mon 14 Nov 2022; 45th working day Thu 19 Jan 2023 (26, 27 Dec and
    # 2 Jan off); in Q4
    cin_child("32", referral("2022-11-10", assessment("2022-11-14", "2023-01-19"))),
    cin_child("33", referral("2022-11-10", assessment("2022-11-14", "2023-01-20"))),
    # HP02/HP03 plans
    cin_child("20", referral("2020-12-01", plan("2021-01-10", "2022-01-10")),
              referral("2023-04-01", plan("2023-04-12"))),           # a second plan
    cin_child("21", referral("2023-04-25", plan("2023-05-02", previous=1))),  # earlier plan elsewhere
    cin_child("22", referral("2023-05-20", plan("2023-06-01"))),
    cin_child("23", referral("2023-06-20", plan("2023-06-30"))),      # starts on the period end
    cin_child("24", referral("2021-06-01", plan("2021-06-30"))),      # 730 days open at P
    cin_child("25", referral("2021-06-01", plan("2021-07-01"))),      # 729 days open at P
    cin_child("26", referral("2021-06-01", plan("2021-08-01", "2023-06-30"))),  # ends on P: closed
]


@pytest.fixture(scope="module")
def kpis(tmp_path_factory):
    landing = tmp_path_factory.mktemp("csc") / "landing"
    (landing / FOLDER).mkdir(parents=True)
    (landing / FOLDER / "extract.json").write_text(json.dumps({"council_code": "916"}))
    for name, header in (("header.csv", "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"),
                         ("episodes.csv", "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,"
                                          "REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN")):
        (landing / FOLDER / name).write_text(header + "\n")
    (landing / FOLDER / "cin_census.xml").write_text(
        "<Message><Header><Source><LEA>916</LEA></Source></Header><Children>"
        + "".join(CIN_CHILDREN) + "</Children></Message>")
    write_csv(landing, "qa_audits.csv", ["council_code", "audit_id", "child_id", "audit_date", "grade"], [
        ("A1", "1", "2023-04-03", "Good"), ("A2", "2", "2023-05-03", "Outstanding"),
        ("A3", "3", "2023-06-30", "Requires improvement"), ("A4", "4", "2023-06-01", "Not graded"),
        ("A5", "5", "2023-03-31", "Inadequate")])
    write_csv(landing, "allocations.csv",
              ["council_code", "allocation_id", "child_id", "worker_id", "start_date", "end_date"], [
        ("L1", "1", "W1", "2022-01-01", "2023-02-01"), ("L2", "1", "W2", "2023-02-02", None),
        ("L3", "2", "W1", "2023-01-01", "2023-03-01"), ("L4", "2", "W2", "2023-03-02", "2023-05-01"),
        ("L5", "2", "W3", "2023-05-02", None),
        # ended exactly six months before P (30 Jun - 6 months = 30 Dec 2022): not counted
        ("L6", "3", "W4", "2022-06-01", "2022-12-30"), ("L7", "3", "W5", "2022-12-31", "2023-03-31"),
        ("L8", "3", "W6", "2023-04-01", None),
        ("L9", "4", "W1", "2023-01-01", "2023-06-29"),      # closed the day before P
        ("L10", "5", "W1", "2023-01-01", "2023-06-30")])    # closes on P: still open at P
    write_csv(landing, "initial_visits.csv",
              ["council_code", "referral_id", "child_id", "referral_date", "visit_date"], [
        # Thu 6 April: Good Friday and Easter Monday off, so 11, 12, 13 April are working days 1-3
        ("R1", "1", "2023-04-06", "2023-04-13"), ("R2", "2", "2023-04-06", "2023-04-14"),
        ("R3", "3", "2023-06-29", None)])
    write_csv(landing, "contacts.csv",
              ["council_code", "contact_id", "child_id", "contact_date", "decision_date", "decision"], [
        ("C1", "1", "2023-04-28", "2023-05-02", "NFA"),      # Fri; Mon 1 May off: next working day
        ("C2", "2", "2023-05-05", "2023-05-09", "REFERRAL"), # Fri; Mon 8 May off
        ("C3", "3", "2023-06-14", "2023-06-16", "NFA"),      # two working days
        ("C4", "4", "2023-06-29", None, None),               # undecided
        ("C5", "5", "2023-03-01", "2023-03-01", "NFA")])     # Q4, before CA03 is reported
    write_csv(landing, "strategy_discussions.csv",
              ["council_code", "discussion_id", "child_id", "concern_date", "discussion_date"], [
        # Mon 3 April: 4, 5, 6, 11, 12 April are working days 1-5 (Easter off)
        ("S1", "1", "2023-04-03", "2023-04-12"), ("S2", "2", "2023-04-03", "2023-04-13"),
        ("S3", "3", "2023-06-28", "2023-06-28")])
    write_csv(landing, "care_leavers.csv",
              ["council_code", "child_id", "dob", "contact_date", "in_touch", "activity", "accommodation"], [
        ("Y1", "2003-06-30", "2023-06-01", "YES", "F1", "B1"),   # 20 on P; suitable, EET
        ("Y2", "2004-06-30", "2023-05-01", "NO", None, None),    # turns 19 on P: in; not in touch
        ("Y3", "2004-07-01", "2023-06-01", "YES", "F1", "B1"),   # 18 at P: youngest group only
        ("Y4", "2001-07-01", "2023-06-01", "REFU", None, None),  # still 21 at P: in; refused
        ("Y5", "2001-06-30", "2023-06-01", "YES", "F1", "B1"),   # turns 22 on P: out
        ("Y6", "2002-01-01", "2022-06-01", "YES", "F1", "B1"),   # died since: latest contact
        ("Y6", "2002-01-01", "2023-03-01", "DIED", None, None),  #   excludes them
        ("Y7", "2003-01-01", "2023-02-01", "YES", "P1", "T2"),   # latest contact counts:
        ("Y7", "2003-01-01", "2023-06-15", "YES", "G4", "C1"),   #   suitable, not EET
        ("Y8", "2003-03-03", "2022-12-01", "RHOM", None, None),  # returned home: excluded
        ("Y8", "2003-03-03", "2023-07-03", "YES", "F1", "B1")])  #   (this contact is after P)
    warehouse = landing.parent / "wh.duckdb"
    build_without_prefect(landing, warehouse, Q1)
    con = duckdb.connect(str(warehouse), read_only=True)
    models = [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'kpis' "
        "AND table_name NOT LIKE '%_detail' AND table_name NOT LIKE 'kpi_gm%'").fetchall()]
    figures = {}
    for model in models:
        for code, period_end, numerator, denominator in con.execute(
                f"SELECT kpi_code, period_end, numerator, denominator FROM kpis.{model}").fetchall():
            figures[(code, period_end)] = (numerator, denominator)
    mart = {(k, p): (a, s) for k, p, a, s in con.execute(
        "SELECT kpi_code, period_end, actual, status FROM marts.mart_scorecard").fetchall()}
    con.close()
    return {"figures": figures, "mart": mart, "warehouse": warehouse}


@pytest.fixture(scope="module")
def kpis_warehouse(kpis):
    return kpis["warehouse"]


def figures(kpis, code, period_end=Q1):
    return kpis["figures"][(code, period_end)]


def test_qa01_graded_audits_in_the_quarter(kpis):
    assert figures(kpis, "QA01") == (2, 3)          # A1, A2 of A1-A3; A4 not graded
    assert figures(kpis, "QA01", Q4) == (0, 1)      # A5


def test_qa02_workers_over_six_months(kpis):
    # open at P: children 1, 2, 3, 5 (4 closed the day before). Workers in the six months:
    # 1 -> W1, W2; 2 -> W1, W2, W3; 3 -> W5, W6 (W4 ended on the boundary); 5 -> W1
    assert figures(kpis, "QA02") == (3, 4)


def test_ca01_re_referrals_within_12_months(kpis):
    # Q1 referrals: 10 (12 months exactly: yes), 11 (12 months and a day: no), 12 (no),
    # 13 on 20 Apr (no) and 1 Jun (yes), and the referrals of children 20-23 (no: child 20's
    # earlier referral was in 2020)
    assert figures(kpis, "CA01") == (2, 9)


def test_ca02_initial_visits_within_3_working_days(kpis):
    assert figures(kpis, "CA02") == (1, 3)


def test_ca03_contact_decisions_next_working_day(kpis):
    assert figures(kpis, "CA03") == (2, 4)
    # the measure starts in Q1 2023/24: nothing is reported for Q4 although data exists
    assert figures(kpis, "CA03", Q4) == (1, 1)
    assert kpis["mart"][("CA03", Q4)] == (None, "no_information")
    assert kpis["mart"][("CA03", Q1)][0] == 50.0


def test_hp01_assessments_within_45_working_days(kpis):
    assert figures(kpis, "HP01") == (1, 2)          # 9 May is the 45th working day, 10 May the 46th
    assert figures(kpis, "HP01", Q4) == (1, 2)      # the same boundary across Christmas


def test_hp02_second_or_subsequent_plans(kpis):
    # Q1 starts: 20 (earlier plan in 2021), 21 (NumberOfPreviousCPP 1), 22, 23 (starts on P)
    assert figures(kpis, "HP02") == (2, 4)


def test_hp03_plans_open_two_years_or_more(kpis):
    # open at P: 20 (2023 plan), 21, 22, 23, 24 (730 days), 25 (729 days); 26 ended on P
    assert figures(kpis, "HP03") == (1, 6)


def test_hp04_strategy_discussions_within_5_working_days(kpis):
    assert figures(kpis, "HP04") == (2, 3)


def test_cl01_cl02_care_leavers_aged_19_to_21(kpis):
    # cohort at P: Y1 (20), Y2 (19 on P), Y4 (21), Y7 (20); Y3 is 18, Y5 22, Y6 died, Y8 RHOM
    assert figures(kpis, "CL01") == (2, 4)          # Y1, Y7 suitably accommodated
    assert figures(kpis, "CL02") == (1, 4)          # Y1 in education, employment or training


def test_care_leaver_breakdowns_for_the_commentary(kpis_warehouse):
    con = duckdb.connect(str(kpis_warehouse), read_only=True)
    rows = {(k, b): (n, d) for k, b, n, d in con.execute(
        "SELECT kpi_code, breakdown, numerator, denominator FROM marts.fct_kpi_breakdowns "
        "WHERE period_end = DATE '2023-06-30'").fetchall()}
    con.close()
    # all ages 17-21 adds Y3 (18: suitable, EET) to the 19-21 cohort of four
    assert rows[("CL01", "ages_17_to_21")] == (3, 5)
    assert rows[("CL02", "ages_17_to_21")] == (2, 5)
    assert rows[("CL01", "ages_17_to_18")] == (1, 1)
