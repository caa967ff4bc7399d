"""GM01-GM07 on a few records written out here, with the expected figures worked by hand.

Calendar facts used (England and Wales): Good Friday 7 April 2023, Easter Monday 10 April 2023,
Coronation bank holiday 8 May 2023, Spring bank holiday 29 May 2023. Q4 2022/23 is
1 Jan-31 Mar 2023 (90 days), Q1 2023/24 is 1 Apr-30 Jun 2023 (91 days).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from conftest import build_without_prefect
from helpers.landing_builder import write_landing

D = dt.date
Q4 = D(2023, 3, 31)
Q1 = D(2023, 6, 30)


EARLY_START = D(2015, 1, 5)


def employee(n, directorate="CYP", fte="1", start=EARLY_START, leaving=None, reason=None):
    return dict(council_code="916", pers_no=f"{10000000 + n}", employee_name=f"Person {n}",
                directorate=directorate, fte=fte, start_date=start, leaving_date=leaving,
                leaving_reason=reason)


def absence(n, start, end, reason="S01", days=""):
    return dict(council_code="916", pers_no=f"{10000000 + n}", absence_start=start,
                absence_end=end, working_days_lost=days, reason_code=reason)


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    """One small council, built once; returns {(kpi, period_end): (numerator, denominator, actual)}."""
    root = tmp_path_factory.mktemp("gm")
    staff = [
        employee(1),                                    # full time all year
        employee(2, fte="0.5", leaving=D(2023, 5, 12), reason="RES"),   # part-time leaver
        employee(3, directorate="RES"),                 # not children's: never counts
        employee(4, start=D(2023, 4, 17)),              # starter in Q1
        employee(5, leaving=D(2022, 9, 30), reason="RET"),
    ]
    absences = [
        # stress, 27 Mar-14 Apr 2023: 5 days in Q4; 3-6 Apr (Good Friday 7th, Easter Monday 10th
        # off) and 11-14 Apr = 8 days in Q1; 13 days in all, so short-term
        absence(1, D(2023, 3, 27), D(2023, 4, 14), "S04", "13"),
        # the part-timer, 8-19 May 2023 but left on 12 May; 8 May is the Coronation holiday:
        # 9-12 May = 4 working days x 0.5 FTE = 2 FTE days
        absence(2, D(2023, 5, 8), D(2023, 5, 19), "S01"),
        # not children's staff
        absence(3, D(2023, 5, 8), D(2023, 5, 19), "S01"),
        # open spell from 1 Jun 2023, measured to the period end: June 2023 has 22 working
        # days (no bank holiday), more than 20, so long-term
        absence(4, D(2023, 6, 1), None, "S02"),
    ]
    appraisals = [
        dict(council_code="916", pers_no="10000001", due_date=D(2023, 1, 31),
             completed_date=D(2023, 1, 20), entered_on_sap_date=D(2023, 2, 1)),
        # held before the period end but only entered on SAP after it: not complete at Q1
        dict(council_code="916", pers_no="10000004", due_date=D(2023, 6, 16),
             completed_date=D(2023, 6, 15), entered_on_sap_date=D(2023, 7, 3)),
        # due when the employee was in post; never completed
        dict(council_code="916", pers_no="10000002", due_date=D(2023, 3, 1)),
        # due more than 12 months before Q1: outside the rolling year
        dict(council_code="916", pers_no="10000001", due_date=D(2022, 6, 30),
             completed_date=D(2022, 6, 1), entered_on_sap_date=D(2022, 6, 2)),
        # not children's staff
        dict(council_code="916", pers_no="10000003", due_date=D(2023, 3, 1)),
    ]
    riddor = [
        dict(council_code="916", riddor_ref="R-1", directorate="CYP", incident_date=D(2023, 3, 28),
             reported_date=D(2023, 4, 3), category="OVER_7_DAY_INJURY"),
        dict(council_code="916", riddor_ref="R-2", directorate="PLC", incident_date=D(2023, 5, 2),
             reported_date=D(2023, 5, 3), category="SPECIFIED_INJURY"),
    ]
    recommendations = [
        # target passed before Q4, revised on 15 Apr 2023 to 30 Sep 2023: overdue at Q4, not at Q1
        dict(council_code="916", rec_ref="A1", audit_title="Placements", directorate="CYP",
             priority="High", raised_date=D(2022, 10, 1), agreed_target_date=D(2023, 1, 31),
             revised_target_date=D(2023, 9, 30), date_revised=D(2023, 4, 15), status="Open"),
        # target is the period end itself: not yet beyond it
        dict(council_code="916", rec_ref="A2", audit_title="Placements", directorate="CYP",
             priority="Medium", raised_date=D(2022, 10, 1), agreed_target_date=D(2023, 6, 30),
             status="Open"),
        # implemented late, on 10 Apr 2023: overdue at Q4, closed by Q1
        dict(council_code="916", rec_ref="A3", audit_title="Payroll", directorate="CYP",
             priority="Low", raised_date=D(2022, 5, 1), agreed_target_date=D(2022, 12, 31),
             status="Implemented", date_closed=D(2023, 4, 10)),
        # another directorate
        dict(council_code="916", rec_ref="A4", audit_title="Highways", directorate="PLC",
             priority="High", raised_date=D(2022, 5, 1), agreed_target_date=D(2022, 12, 31),
             status="Open"),
    ]
    landing = write_landing(root / "landing", staff, absences, appraisals, riddor, recommendations)
    warehouse = root / "wh.duckdb"
    build_without_prefect(landing, warehouse, Q1)
    con = duckdb.connect(str(warehouse), read_only=True)
    rows = con.execute("SELECT kpi_code, period_end, numerator, denominator, actual "
                       "FROM marts.mart_scorecard WHERE kpi_code LIKE 'GM%'").fetchall()
    statuses = con.execute("SELECT DISTINCT status FROM marts.mart_scorecard "
                           "WHERE kpi_code NOT LIKE 'GM%'").fetchall()
    con.close()
    figures = {(k, p): (n, d, a) for k, p, n, d, a in rows}
    figures["statuses of KPIs from sources not sent"] = statuses
    return figures


def test_kpis_of_a_source_not_sent_show_no_information(figures):
    # this council sent HR and audit extracts only: no children's social care figure, not zeros
    assert figures["statuses of KPIs from sources not sent"] == [("no_information",)]


# Average FTE. Q1: #1 1.0 x 91/91; #2 0.5 x 42/91 (1 Apr-12 May); #4 1.0 x 75/91 (17 Apr-30 Jun).
AVG_FTE_Q1 = 1.0 + 0.5 * 42 / 91 + 75 / 91
# Q4: #1 1.0 and #2 0.5 all quarter (#5 left in Sep 2022).
AVG_FTE_Q4 = 1.5


def test_gm01_all_sickness(figures):
    # Q1: #1 8 days + #2 2 FTE days + #4 22 days (1-30 June 2023)
    n, d, a = figures[("GM01", Q1)]
    assert n == pytest.approx(8 + 2 + 22)
    assert d == pytest.approx(AVG_FTE_Q1)
    assert a == round(32 / AVG_FTE_Q1, 2)
    n, d, a = figures[("GM01", Q4)]
    assert (n, d) == (pytest.approx(5), pytest.approx(AVG_FTE_Q4))
    assert a == pytest.approx(3.33)


def test_gm02_long_term_only(figures):
    n, d, _ = figures[("GM02", Q1)]
    assert n == pytest.approx(22)        # only #4's June spell is over 20 working days
    assert figures[("GM02", Q4)][0] == 0


def test_gm03_stress_only(figures):
    assert figures[("GM03", Q1)][0] == pytest.approx(8)
    assert figures[("GM03", Q4)][0] == pytest.approx(5)


def test_gm04_appraisals_must_be_on_sap_by_the_period_end(figures):
    # due in the year to Q1 (1 Jul 2022-30 Jun 2023) for children's staff in post: #1 (31 Jan),
    # #4 (16 Jun), #2 (1 Mar). Complete and on SAP by 30 Jun: #1 only.
    n, d, a = figures[("GM04", Q1)]
    assert (n, d, a) == (1, 3, 33.3)
    # before its first reporting quarter the KPI shows no figure
    assert figures[("GM04", Q4)] == (None, None, None)


def test_gm05_turnover(figures):
    # year to Q1 (1 Jul 2022-30 Jun 2023): leavers #5 (30 Sep 2022) and #2 (12 May 2023);
    # headcount 1 Jul 2022 = #1, #2, #5 = 3; 30 Jun 2023 = #1, #4 = 2; average 2.5 -> 80.0%
    n, d, a = figures[("GM05", Q1)]
    assert (n, d, a) == (2, 2.5, 80.0)
    # year to Q4 (1 Apr 2022-31 Mar 2023): leaver #5; headcount 3 then 2 -> 1 / 2.5
    assert figures[("GM05", Q4)][:2] == (1, 2.5)


def test_gm06_riddor_by_reported_date(figures):
    # R-1 happened in Q4 but was reported in Q1; R-2 is another directorate
    assert figures[("GM06", Q1)][2] == 1
    assert figures[("GM06", Q4)][2] == 0


def test_gm07_overdue_uses_target_as_it_stood(figures):
    # Q4: A1 (target 31 Jan, revision not yet agreed) and A3 (31 Dec, still open) are overdue
    assert figures[("GM07", Q4)][2] == 2
    # Q1: A1 revised to 30 Sep, A2 due on the period end itself, A3 closed: none overdue
    assert figures[("GM07", Q1)][2] == 0
