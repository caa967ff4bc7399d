"""HP01 on two clocks (issue 10, item 11), worked by hand.

The published HP01 follows DfE (LAIT 304, CIN census table C2): an assessment is timed from its
actual start date to its authorisation. Working Together's statutory timescale runs from the
referral; that figure is published as HP01's `from_referral` breakdown. Day 0 is the start (or
referral) day; authorised on the 45th working day after it is in time.

Calendar (England and Wales): Good Friday 7 April 2023, Easter Monday 10 April 2023, Early May
bank holiday 1 May 2023, Coronation 8 May 2023. Working days after Mon 6 March 2023: 7-10 Mar
(4), 13-31 Mar (15) = 19; April 3-6, 11-28 (18) = 37; 2-5 May (41); 9-12 May (45: Fri 12 May is
the 45th). After Mon 13 March 2023: 14-31 Mar (14); April (18) = 32; 2-5 May = 36; 9-12 May = 40;
15-19 May = 41-45 (Fri 19 May is the 45th); Mon 22 May the 46th.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from helpers.cin_landing import assessment, cin_child, referral, write_cin_landing
from conftest import build_without_prefect

Q1 = dt.date(2023, 6, 30)

CHILDREN = [
    # referred Mon 6 Mar, assessment started a week later, Mon 13 Mar 2023:
    # authorised Fri 19 May = 45th working day from the start (DfE: in time), 50th from the
    # referral (statutory: late)
    cin_child("40", referral("2023-03-06", assessment("2023-03-13", "2023-05-19"))),
    # authorised Fri 12 May = 40th from the start (in time), 45th from the referral (in time)
    cin_child("41", referral("2023-03-06", assessment("2023-03-13", "2023-05-12"))),
    # authorised Mon 15 May = 41st from the start (in time), 46th from the referral (late)
    cin_child("42", referral("2023-03-06", assessment("2023-03-13", "2023-05-15"))),
    # started on the referral day, Mon 6 Mar; authorised Mon 15 May = 46th on both clocks (late)
    cin_child("43", referral("2023-03-06", assessment("2023-03-06", "2023-05-15"))),
    # started 13 Mar, authorised Mon 22 May = 46th from the start (late), 51st from the referral
    cin_child("44", referral("2023-03-06", assessment("2023-03-13", "2023-05-22"))),
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("hp01")
    landing = write_cin_landing(root / "landing", CHILDREN)
    build_without_prefect(landing, root / "wh.duckdb", Q1)
    return root / "wh.duckdb"


def test_published_hp01_counts_from_the_assessment_start(warehouse):
    con = duckdb.connect(str(warehouse), read_only=True)
    row = con.execute("SELECT numerator, denominator, actual FROM marts.mart_scorecard "
                      "WHERE kpi_code = 'HP01' AND period_end = ?", [Q1]).fetchone()
    con.close()
    # authorised in Q1: 40, 41, 42, 43, 44; in time from the start: 40, 41, 42
    assert row == (3, 5, 60.0)


def test_statutory_clock_from_the_referral_is_a_breakdown(warehouse):
    con = duckdb.connect(str(warehouse), read_only=True)
    rows = con.execute("SELECT period_end, breakdown, numerator, denominator, value "
                       "FROM marts.fct_kpi_breakdowns WHERE kpi_code = 'HP01'").fetchall()
    con.close()
    # the same five assessments; in time from the referral: 41 only
    assert rows == [(Q1, "from_referral", 1, 5, 20.0)]
