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

from cin_landing import assessment, cin_child, plan, referral, write_cin_landing
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
