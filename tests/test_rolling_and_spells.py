"""Issue 10 items 7 and 8, worked by hand: the rolling 12 months over a quarter with no events,
and absence rows joined into continuous spells before the long-term threshold.

Rolling 12 months (docs/views.md): the four quarters to the period end must all be computed; a
quarter with no events (0 / 0) contributes 0 and 0. Percent = 100 x sum(n) / sum(d); snapshot =
mean of the quarters' snapshot values that exist.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from helpers.cin_landing import assessment, cin_child, plan, referral, write_cin_landing
from conftest import build_without_prefect

D = dt.date
JUN22, SEP22, DEC22, MAR23, JUN23 = (D(2022, 6, 30), D(2022, 9, 30), D(2022, 12, 31),
                                      D(2023, 3, 31), D(2023, 6, 30))

ROLLING_CHILDREN = [
    # HP01 (latest quarter, %): assessments by the quarter they were authorised in.
    # Sep-22: started Mon 1 Aug 2022, authorised Fri 2 Sep: 2-5 Aug (4), 8-26 Aug (15), 30-31 Aug
    # (29 Aug bank holiday) (2), 1-2 Sep (2) = 23rd working day: in time -> Sep-22 1/1
    cin_child("50", referral("2022-08-01", assessment("2022-08-01", "2022-09-02"))),
    # Dec-22: started Tue 1 Nov, authorised Fri 30 Dec: 2-30 Nov (21), 1-23 Dec (17) = 38,
    # 26 and 27 Dec bank holidays, 28-30 Dec = 41st: in time
    cin_child("51", referral("2022-11-01", assessment("2022-11-01", "2022-12-30"))),
    # Dec-22: started Mon 3 Oct, authorised Fri 16 Dec: 4-31 Oct (20), 1-30 Nov (22) = 42,
    # 1-16 Dec (12) = 54th: late -> Dec-22 1/2
    cin_child("52", referral("2022-10-03", assessment("2022-10-03", "2022-12-16"))),
    # Mar-23: no assessment authorised -> 0/0, a computed quarter with no events
    # Jun-23: started Mon 3 Apr 2023, authorised Fri 5 May: 4-6 Apr (3), 7 and 10 Apr off, 11-28
    # Apr (14) = 17, 1 May off, 2-5 May = 21st: in time -> Jun-23 1/1
    cin_child("53", referral("2023-04-03", assessment("2023-04-03", "2023-05-05"))),
    # HP03 (snapshot, % of plans open at P that have lasted 2 years or more, P - start > 729):
    # plan 1 Aug-15 Nov 2022: open at Sep-22 only, 60 days -> not 2 years
    cin_child("54", referral("2022-07-20", plan("2022-08-01", "2022-11-15"))),
    # plan 1 Nov 2020-15 Jan 2023: at Sep-22 698 days (no), at Dec-22 790 days (yes); closed
    # by Mar-23. Snapshots: Sep-22 0/2 = 0.0, Dec-22 1/1 = 100.0, Mar-23 and Jun-23 0/0 (none)
    cin_child("55", referral("2020-10-20", plan("2020-11-01", "2023-01-15"))),
]


@pytest.fixture(scope="module")
def rolling(tmp_path_factory):
    root = tmp_path_factory.mktemp("rolling")
    landing = write_cin_landing(root / "landing", ROLLING_CHILDREN)
    build_without_prefect(landing, root / "wh.duckdb", JUN23)
    con = duckdb.connect(str(root / "wh.duckdb"), read_only=True)
    rows = con.execute("SELECT kpi_code, period_end, actual, rolling_12m, rolling_12m_prev_year "
                       "FROM marts.mart_scorecard WHERE kpi_code IN ('HP01', 'HP03')").fetchall()
    con.close()
    return {(k, p): (a, r, rp) for k, p, a, r, rp in rows}


def test_rolling_percent_counts_an_empty_quarter_as_zero_over_zero(rolling):
    # Mar-23 has no assessments: no value for the quarter itself ...
    assert rolling[("HP01", MAR23)][0] is None
    # ... but the year to Jun-23 is Sep-22 1/1 + Dec-22 1/2 + Mar-23 0/0 + Jun-23 1/1 = 3/4
    assert rolling[("HP01", JUN23)][:2] == (100.0, 75.0)
    # the year to Mar-23 (Jun-22 0/0, Sep-22 1/1, Dec-22 1/2, Mar-23 0/0) = 2/3, published even
    # though the quarter itself has no value
    assert rolling[("HP01", MAR23)][1] == 66.7
    # the year to Jun-22 (Sep-21 .. Jun-22) had no assessments at all: 0/0, no figure
    assert rolling[("HP01", JUN23)][2] is None


def test_rolling_snapshot_is_the_mean_of_the_snapshots_that_have_a_value(rolling):
    # year to Jun-23: Sep-22 0.0 and Dec-22 100.0 have values; Mar-23 and Jun-23 have no plan
    # open, so no value to average -> (0.0 + 100.0) / 2
    assert rolling[("HP03", DEC22)][0] == 100.0
    assert rolling[("HP03", JUN23)][:2] == (None, 50.0)
    # year to Sep-22: only Sep-22 has a value
    assert rolling[("HP03", SEP22)][:2] == (0.0, 0.0)


# --- item 8: absence rows joined into spells ------------------------------------------------
# Calendar (England and Wales, 2023): Good Friday 7 Apr, Easter Monday 10 Apr, Early May 1 May,
# Coronation 8 May, Spring 29 May. Q1 2023/24 = 1 Apr-30 Jun 2023. Long-term: > 20 working days.
# Every employee is full time (FTE 1) in Children's all quarter, so FTE days = working days.

def employee(n):
    return dict(council_code="916", pers_no=f"{20000000 + n}", employee_name=f"Person {n}",
                directorate="CYP", fte="1", start_date=D(2015, 1, 5))


def absence(n, start, end, reason="S01"):
    return dict(council_code="916", pers_no=f"{20000000 + n}", absence_start=start,
                absence_end=end, working_days_lost="", reason_code=reason)


ABSENCES = [
    # E1, Friday end and Monday start: 3-14 Apr (3-6, 11-14: 8 days; Easter off) and 17 Apr-5 May
    # (17-28 Apr 10, 2-5 May 4: 14 days). One spell of 22 days: long-term (each row alone is not)
    absence(1, D(2023, 4, 3), D(2023, 4, 14)),
    absence(1, D(2023, 4, 17), D(2023, 5, 5)),
    # E2, a bank holiday between: Mon 17-Fri 28 Apr (10 days), then Tue 2-Fri 26 May (2-5, 9-12,
    # 15-19, 22-26: 18 days); Sat 29, Sun 30 Apr and Mon 1 May (Early May) are not working days.
    # One spell of 28: long-term
    absence(2, D(2023, 4, 17), D(2023, 4, 28), "S02"),
    absence(2, D(2023, 5, 2), D(2023, 5, 26), "S02"),
    # E3, overlapping rows (a monthly row and fit notes): 1-16 Jun (12 days), 12-23 Jun (10 days,
    # 5 of them already in the first), 23-26 Jun (starts on the day the last ended). One spell,
    # 1-26 Jun = 18 working days, counted once (not 12 + 10 + 2): short-term
    absence(3, D(2023, 6, 1), D(2023, 6, 16)),
    absence(3, D(2023, 6, 12), D(2023, 6, 23)),
    absence(3, D(2023, 6, 23), D(2023, 6, 26)),
    # E4, a working day between: 11-28 Apr (14 days), then 3-19 May (3-5, 9-12, 15-19: 12 days);
    # Tue 2 May was a working day with no absence. Two spells of 14 and 12: neither long-term
    absence(4, D(2023, 4, 11), D(2023, 4, 28)),
    absence(4, D(2023, 5, 3), D(2023, 5, 19)),
    # E5, adjacent but different reason groups: stress Thu 1-Fri 16 Jun (12 days), then
    # infection Mon 19-Fri 30 Jun (10 days). Two spells, neither long-term (joined would be 22)
    absence(5, D(2023, 6, 1), D(2023, 6, 16), "S04"),
    absence(5, D(2023, 6, 19), D(2023, 6, 30), "S01"),
    # E6, two stress codes (S04, S05: one reason group) across Easter: 3-6 Apr (4 days), then
    # Tue 11 Apr-Fri 5 May (4 + 10 + 4 = 18 days). One stress spell of 22: long-term
    absence(6, D(2023, 4, 3), D(2023, 4, 6), "S04"),
    absence(6, D(2023, 4, 11), D(2023, 5, 5), "S05"),
    # E7, across the quarter end: Mon 6-Fri 31 Mar (20 days, Q4), then Mon 3-Tue 4 Apr (2 days,
    # Q1). One spell of 22: long-term; Q1 gets its 2 days, Q4 its 20
    absence(7, D(2023, 3, 6), D(2023, 3, 31)),
    absence(7, D(2023, 4, 3), D(2023, 4, 4)),
]
Q4_23 = MAR23


@pytest.fixture(scope="module")
def spells(tmp_path_factory):
    from helpers.landing_builder import write_landing

    root = tmp_path_factory.mktemp("spells")
    landing = write_landing(root / "landing", [employee(n) for n in range(1, 8)], ABSENCES)
    build_without_prefect(landing, root / "wh.duckdb", JUN23)
    con = duckdb.connect(str(root / "wh.duckdb"), read_only=True)
    figures = {(k, p): (n, d) for k, p, n, d in con.execute(
        "SELECT kpi_code, period_end, numerator, denominator FROM marts.mart_scorecard "
        "WHERE kpi_code IN ('GM01', 'GM02', 'GM03')").fetchall()}
    spell_rows = sorted(con.execute(
        "SELECT absence_start, spell_end, reason_group, absence_rows, spell_working_days, "
        "is_long_term FROM intermediate.int_hr__absence_spells").fetchall())
    con.close()
    return {"figures": figures, "spells": spell_rows, "landing": landing}


def test_continuous_rows_form_one_spell(spells):
    assert spells["spells"] == sorted([
        (D(2023, 4, 3), D(2023, 5, 5), "other", 2, 22, True),      # E1
        (D(2023, 4, 17), D(2023, 5, 26), "other", 2, 28, True),    # E2
        (D(2023, 6, 1), D(2023, 6, 26), "other", 3, 18, False),    # E3
        (D(2023, 4, 11), D(2023, 4, 28), "other", 1, 14, False),   # E4, first
        (D(2023, 5, 3), D(2023, 5, 19), "other", 1, 12, False),    # E4, second
        (D(2023, 6, 1), D(2023, 6, 16), "stress", 1, 12, False),   # E5, stress
        (D(2023, 6, 19), D(2023, 6, 30), "other", 1, 10, False),   # E5, infection
        (D(2023, 4, 3), D(2023, 5, 5), "stress", 2, 22, True),     # E6
        (D(2023, 3, 6), D(2023, 4, 4), "other", 2, 22, True),      # E7
    ])


def test_days_lost_are_unchanged_by_joining_only_long_term_changes(spells):
    figures = spells["figures"]
    # GM01 Q1: E1 22 + E2 28 + E3 18 (overlaps once) + E4 26 + E5 22 + E6 22 + E7 2 = 140;
    # average FTE 7 (seven full-timers all quarter)
    assert figures[("GM01", JUN23)] == (pytest.approx(140), pytest.approx(7))
    # GM02 Q1: long-term spells only: E1 22 + E2 28 + E6 22 + E7 2 = 74
    assert figures[("GM02", JUN23)][0] == pytest.approx(74)
    # GM03 Q1: the stress group: E5's stress spell 12 + E6 22 = 34
    assert figures[("GM03", JUN23)][0] == pytest.approx(34)
    # Q4: E7's 20 March days, in a spell that (as known at this run) lasts 22: long-term
    assert figures[("GM01", Q4_23)][0] == pytest.approx(20)
    assert figures[("GM02", Q4_23)][0] == pytest.approx(20)
    assert figures[("GM03", Q4_23)][0] == 0


def test_the_independent_recomputation_joins_spells_the_same_way(spells):
    from helpers.independent_gm import compute_gm

    independent = compute_gm(spells["landing"], [JUN23])
    got = {r["kpi_code"]: r["numerator"] for r in independent.iter_rows(named=True)
           if r["kpi_code"] in ("GM01", "GM02", "GM03")}
    assert got == {"GM01": pytest.approx(140), "GM02": pytest.approx(74),
                   "GM03": pytest.approx(34)}
