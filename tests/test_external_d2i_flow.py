"""The public D2I 903 and CIN returns through the real Prefect flow, end to end.

They are synthetic returns with real defects and random codes, for a council that sends only
its statutory returns. The flow must load every row or quarantine it with a reason, compute what
the returns support, and refuse to publish them: a quarter of the OC3 file has codes DfE does not
have (ACTIV F3/P3, ACCOM 01/02/S1; its DfE-valid `0` codes load) and dates lie years after the
extract date. Nothing is published and the reasons are named.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil

import duckdb
import pytest

from conftest import SHARED
from scorecard.errors import GateFailed

pytestmark = [pytest.mark.external, pytest.mark.flow]

D903 = SHARED / "external" / "d2i-903"
PERIOD_END = dt.date(2018, 3, 31)   # the 903 episodes run from 2015 to 31 March 2018
FROM_903 = {"CC01", "CC02", "CC03", "CC04", "CC06"}
# DfE's OC3 codes as the Data-to-Insight validator lists them: ACTIV rule 132, ACCOM rule 133
DFE_ACTIV = {"F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6", "0"}
DFE_ACCOM = {"B1", "B2", "C1", "C2", "D1", "D2", "E1", "E2", "G1", "G2", "H1", "H2", "K1", "K2",
             "R1", "R2", "S2", "T1", "T2", "U1", "U2", "V1", "V2", "W1", "W2", "X2", "Y1", "Y2",
             "Z1", "Z2", "0"}
FROM_OC3 = {"CL01", "CL02"}   # no local care-leaver list: DfE's annual basis from the 903 OC3
NOT_SENT = {"QA01", "QA02", "CA02", "CA03", "HP04", "CC05",
            "GM01", "GM02", "GM03", "GM04", "GM05", "GM06", "GM07"}


@pytest.fixture(scope="module")
def run(prefect_harness, tmp_path_factory):
    from flows.quarterly_scorecard import quarterly_scorecard

    root = tmp_path_factory.mktemp("d2i_flow")
    folder = root / "landing" / "social_care" / "2023-07-07"
    folder.mkdir(parents=True)
    for name in ("header", "episodes", "reviews", "oc3", "sw_episodes", "missing"):
        shutil.copyfile(D903 / f"{name}.csv", folder / f"{name}.csv")
    shutil.copyfile(SHARED / "external" / "d2i-cin" / "fake_CIN_data.xml", folder / "cin_census.xml")
    (folder / "extract.json").write_text(json.dumps({"council_code": "975"}))
    warehouse = root / "scorecard.duckdb"
    with pytest.raises(GateFailed) as refused:
        quarterly_scorecard(period_end=PERIOD_END, landing=str(root / "landing"),
                            warehouse=str(warehouse), demo_key=True)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = {k: (a, n, d, s) for k, a, n, d, s, _ in con.execute(
            "SELECT kpi_code, actual, numerator, denominator, status, figure_basis "
            "FROM marts.mart_scorecard WHERE council_code = '975' AND period_end = ?",
            [PERIOD_END]).fetchall()}
        bases = dict(con.execute(
            "SELECT kpi_code, figure_basis FROM marts.mart_scorecard "
            "WHERE council_code = '975' AND period_end = ?", [PERIOD_END]).fetchall())
        loads = con.execute("SELECT source_table, rows_in, rows_loaded, rows_quarantined "
                            "FROM meta.loads WHERE sha256 IS NOT NULL").fetchall()
    finally:
        con.close()
    return {"root": root, "error": refused.value, "rows": rows, "loads": loads, "bases": bases}


def test_the_gate_refuses_them_and_says_why(run):
    message = str(run["error"])
    # counted from the file: rows whose ACTIV or ACCOM is not DfE's (14 of 53 today)
    with (D903 / "oc3.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    bad = sum(1 for r in rows if r["ACTIV"] not in DFE_ACTIV or r["ACCOM"] not in DFE_ACCOM)
    assert (bad, len(rows)) == (14, 53)
    # the limit is max(5% x 53 = 2.65, 2) = 2 rows
    assert (f"oc3.csv: {bad} of {len(rows)} rows quarantined ({100 * bad / len(rows):.1f}%), "
            "more than the 2 allowed (the larger of 5.0% of its rows and 2 rows)") in message
    assert run["error"].report and "quality_" in str(run["error"].report)
    assert not (run["root"] / "scorecard_published.duckdb").exists()


def test_every_row_is_loaded_or_quarantined(run):
    assert {t for t, *_ in run["loads"]} >= {"header", "episodes", "reviews", "oc3", "cin_referrals"}
    for table, rows_in, loaded, quarantined in run["loads"]:
        assert rows_in == loaded + quarantined, table


def test_what_the_903_supports_is_computed(run):
    for code in FROM_903:
        actual, numerator, denominator, status = run["rows"][code]
        assert denominator > 0 and actual is not None, code
        assert 0 <= numerator <= denominator, code
        assert status == "missing_target", code      # a council with no targets loaded


def test_care_leavers_come_from_the_oc3(run):
    # No local list: CL01/CL02 are on DfE's annual OC3 basis. The latest DECOM is 31 March 2018,
    # so the OC3 describes 2017-18, shown from 31 March 2018. Its young people were all born in
    # January-April 2001: 16 or 17 on 31 March 2018, none with a 19th-21st birthday in the year,
    # so the cohort is empty: 0 / 0, no value (not "no information": the OC3 was sent).
    for code in FROM_OC3:
        assert run["rows"][code] == (None, 0, 0, "no_value"), code
        assert run["bases"][code] == "dfe_oc3_annual", code
    assert {run["bases"][code] for code in FROM_903} == {None}


def test_sources_not_sent_say_no_information(run):
    for code in NOT_SENT:
        assert run["rows"][code] == (None, None, None, "no_information"), code
