"""The quarantine threshold is fair to small files (issue 10, item 10).

A file breaches (and the run does not publish) when its quarantined rows are more than
max(max_quarantined_share x rows in, max_quarantined_rows_always_allowed): by default
max(5% x rows, 2). Each council of a many-council landing zone sends its own OC3 file, which is
its own load, so one build tries every case at once. A bad row is one whose ACTIV is `F3`, a code
DfE does not have (Data-to-Insight rule 132); every other row is DfE-valid.

The expected limits are worked by hand from the rule above:
- 13 rows:   5% x 13 = 0.65, so the limit is the 2 rows always allowed. 1 or 2 bad rows pass
  (1 of 13 is 7.7%, which a share alone would refuse); 3 bad rows breach.
- 1000 rows: 5% x 1000 = 50 > 2, so the limit is 50. 50 bad rows (exactly 5.0%) pass; 51 (5.1%)
  breach.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import build_without_prefect, run_without_prefect
from scorecard import config, pipeline
from scorecard.errors import GateFailed

PERIOD_END = dt.date(2023, 6, 30)
EXTRACT_DATE = "2023-07-07"
# council code: (rows in the OC3 file, rows with an invalid ACTIV)
CASES = {
    "801": (13, 1),     # 1 <= max(0.65, 2) = 2: passes; a 5% share alone would refuse 7.7%
    "802": (13, 2),     # 2 <= 2: passes, the boundary for a small file
    "803": (13, 3),     # 3 > 2: breaches (23.1%)
    "804": (1000, 50),  # 50 <= max(50, 2) = 50: exactly at the limit, passes
    "805": (1000, 51),  # 51 > 50: breaches (5.1%)
}


def write_council(landing: Path, council: str, oc3_rows: int, bad_rows: int) -> Path:
    """One council folder of a many-council landing zone: a one-child header and episode, and an
    OC3 file of `oc3_rows` care leavers whose first `bad_rows` have ACTIV `F3`."""
    folder = landing / "social_care" / EXTRACT_DATE / council
    folder.mkdir(parents=True)
    (folder / "extract.json").write_text(json.dumps({"council_code": council}), encoding="utf-8")
    tables = {
        "header.csv": (["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
                       [["H1", "1", "01/04/2010", "WBRI", "A123456789012", "", ""]]),
        "episodes.csv": (["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC",
                          "REC", "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"],
                         [["H1", "01/04/2022", "S", "C2", "N1", "U4", "PR1", "", "", "", "", "", ""]]),
        "oc3.csv": (["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
                    [[f"L{n:04d}", "15/05/2002", "YES", "F3" if n <= bad_rows else "F1", "B1"]
                     for n in range(1, oc3_rows + 1)]),
    }
    for name, (header, rows) in tables.items():
        with (folder / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
    return folder


@pytest.fixture(scope="module")
def councils(tmp_path_factory):
    root = tmp_path_factory.mktemp("thresholds")
    landing = root / "landing"
    for council, (rows, bad) in CASES.items():
        write_council(landing, council, rows, bad)
    warehouse = root / "wh.duckdb"
    run_id = build_without_prefect(landing, warehouse, PERIOD_END)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        oc3 = {row[0]: row[1:] for row in con.execute(
            "SELECT split_part(source_file, '/', -2), rows_in, rows_quarantined, "
            "quarantined_rows_allowed, quarantine_threshold_problem "
            "FROM marts.mart_load_reconciliation WHERE raw_table = 'raw.social_care__oc3'").fetchall()}
    finally:
        con.close()
    try:
        pipeline.check(warehouse, run_id)
        refused = None
    except GateFailed as failed:
        refused = failed
    return {"root": root, "landing": landing, "oc3": oc3, "refused": refused}


def test_each_files_limit_is_the_larger_of_the_share_and_the_count(councils):
    assert {c: (rows_in, quarantined, allowed) for c, (rows_in, quarantined, allowed, _)
            in councils["oc3"].items()} == {
        "801": (13, 1, 2),       # 5% of 13 = 0.65 rows: the 2 always allowed
        "802": (13, 2, 2),
        "803": (13, 3, 2),
        "804": (1000, 50, 50),   # 5% of 1000 = 50 rows
        "805": (1000, 51, 50),
    }


def test_one_or_two_bad_rows_in_a_small_file_do_not_breach(councils):
    assert councils["oc3"]["801"][3] is None   # 1 of 13 (7.7%)
    assert councils["oc3"]["802"][3] is None   # 2 of 13 (15.4%): the boundary


def test_a_large_file_exactly_at_the_share_does_not_breach(councils):
    assert councils["oc3"]["804"][3] is None   # 50 of 1000 = 5.0%, not more


def test_many_bad_rows_in_a_small_file_and_5_1_percent_of_a_large_one_breach(councils):
    folder = councils["landing"] / "social_care" / EXTRACT_DATE
    assert councils["oc3"]["803"][3] == (
        f"{folder / '803' / 'oc3.csv'}: 3 of 13 rows quarantined (23.1%), more than the 2 allowed "
        "(the larger of 5.0% of its rows and 2 rows); see the defect report")
    assert councils["oc3"]["805"][3] == (
        f"{folder / '805' / 'oc3.csv'}: 51 of 1000 rows quarantined (5.1%), more than the 50 "
        "allowed (the larger of 5.0% of its rows and 2 rows); see the defect report")


def test_the_gate_refuses_exactly_the_two_breaching_files(councils):
    refused = councils["refused"]
    assert refused is not None
    threshold = [f for f in refused.failures if "quarantine_threshold_problem" in f]
    assert len(threshold) == 1   # one failed expectation, naming its failing values
    assert "803" in threshold[0] and "805" in threshold[0]
    assert "801/oc3.csv" not in threshold[0] and "802/oc3.csv" not in threshold[0]
    assert "804/oc3.csv" not in threshold[0]


def test_a_small_council_with_one_bad_oc3_row_publishes(tmp_path):
    landing = tmp_path / "landing"
    write_council(landing, "801", 13, 1)   # 1 of 13 quarantined: within the 2 always allowed
    warehouse = tmp_path / "wh" / "scorecard.duckdb"
    warehouse.parent.mkdir()
    result = run_without_prefect(landing, warehouse, PERIOD_END)
    assert result["publication_id"]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        loads = con.execute("SELECT rows_in, rows_loaded, rows_quarantined FROM meta.loads "
                            "WHERE source_table = 'oc3'").fetchall()
    finally:
        con.close()
    assert loads == [(13, 12, 1)]


def test_a_table_row_overrides_the_default_column_by_column(tmp_path, monkeypatch):
    """raw.social_care__oc3 gets its own share (10%) and leaves the count blank, so it keeps the
    default's 2: 13 rows -> max(1.3, 2) = 2 allowed; 1000 rows -> max(100, 2) = 100 allowed."""
    reference = tmp_path / "reference"
    shutil.copytree(config.REFERENCE_DIR, reference)
    with (reference / "quarantine_thresholds.csv").open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            ["raw.social_care__oc3", "0.10", "", "a test override"])
    monkeypatch.setattr(config, "REFERENCE_DIR", reference)
    landing = tmp_path / "landing"
    write_council(landing, "803", 13, 3)     # 3 > 2: still breaches
    write_council(landing, "805", 1000, 51)  # 51 <= 100: passes under the override
    warehouse = tmp_path / "wh.duckdb"
    build_without_prefect(landing, warehouse, PERIOD_END)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        found = con.execute(
            "SELECT split_part(source_file, '/', -2), quarantined_rows_allowed, "
            "quarantine_threshold_problem IS NOT NULL FROM marts.mart_load_reconciliation "
            "WHERE raw_table = 'raw.social_care__oc3' ORDER BY 1").fetchall()
        header = con.execute(
            "SELECT DISTINCT quarantined_rows_allowed FROM marts.mart_load_reconciliation "
            "WHERE raw_table = 'raw.social_care__header'").fetchall()
    finally:
        con.close()
    assert found == [("803", 2, True), ("805", 100, False)]
    assert header == [(2,)]   # other tables keep the default: max(5% x 1, 2) = 2
