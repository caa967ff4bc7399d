"""The bench's equal-work check (`bench/tight.py`, `differences`): the tight baseline's ratio is
printed only when its raw tables, meta.loads and marts hold the pipeline's rows.

Two small warehouses are written by hand: one as the pipeline leaves it (two runs, the second
unchanged), one as the tight baseline does (its own run id, load time and build time).
"""

from __future__ import annotations

import duckdb

from bench.tight import differences
from scorecard.warehouse import initialise

PIPELINE_RUN, RERUN, TIGHT_RUN = "20230707T060000-aaaaaa", "20230707T070000-bbbbbb", "T-cccccc"
FILE = "/landing/social_care/2023-07-07/916/header.csv"


LOADED = ("load_id, run_id, source, source_table, source_file, extract_date, sha256, rows_in, "
          "rows_loaded, rows_quarantined, reloaded, loaded_at")  # no column map: files in our layout


def warehouse(path, run_id: str, *, rows=(("C1", "1"), ("C2", "2")), mart_value=7,
              source_file=FILE, rows_loaded=2, rerun: str | None = None):
    con = duckdb.connect(str(path))
    initialise(con)
    for run, started in ((run_id, "2023-07-07 06:00:00+00"), (rerun, "2023-07-07 07:00:00+00")):
        if run:
            con.execute("INSERT INTO meta.runs (run_id, period_end, publish_from, started_at, "
                        "status) VALUES (?, DATE '2023-06-30', DATE '2023-06-30', ?, 'published')",
                        [run, started])
    load_id = f"{run_id}:social_care__header:916"
    con.execute("CREATE TABLE raw.social_care__header (_row_number BIGINT, council_code VARCHAR, "
                "child VARCHAR, sex VARCHAR, _load_id VARCHAR, _source_file VARCHAR)")
    for number, (child, sex) in enumerate(rows, start=2):
        con.execute("INSERT INTO raw.social_care__header VALUES (?, '916', ?, ?, ?, ?)",
                    [number, child, sex, load_id, source_file])
    con.execute("INSERT INTO meta.loads (" + LOADED + ") VALUES (?, ?, 'social_care', 'header', ?, "
                "DATE '2023-07-07', 'abc', 2, ?, 0, true, now())",
                [load_id, run_id, FILE, rows_loaded])
    if rerun:  # the unchanged rerun records the same file as kept
        con.execute("INSERT INTO meta.loads (" + LOADED + ") VALUES (?, ?, 'social_care', 'header', ?, "
                    "DATE '2023-07-07', 'abc', 2, 2, 0, false, now())",
                    [f"{rerun}:social_care__header:916", rerun, FILE])
    con.execute("CREATE TABLE marts.mart_scorecard AS SELECT 'CA01' AS kpi, ? AS value, "
                "now() AS built_at, ? AS run_id", [mart_value, run_id])
    con.close()
    return path


def test_the_same_rows_under_other_run_ids_and_times_are_equal_work(tmp_path):
    pipeline = warehouse(tmp_path / "p.duckdb", PIPELINE_RUN, rerun=RERUN)
    tight = warehouse(tmp_path / "t.duckdb", TIGHT_RUN)
    assert differences(pipeline, tight, TIGHT_RUN) == []


def test_a_mart_row_that_differs_is_named(tmp_path):
    pipeline = warehouse(tmp_path / "p.duckdb", PIPELINE_RUN, rerun=RERUN)
    tight = warehouse(tmp_path / "t.duckdb", TIGHT_RUN, mart_value=8)
    assert differences(pipeline, tight, TIGHT_RUN) == [
        "marts.mart_scorecard: 1 rows only in the pipeline's, 1 only in the tight baseline's"]


def test_raw_rows_lineage_and_loads_that_differ_are_named(tmp_path):
    pipeline = warehouse(tmp_path / "p.duckdb", PIPELINE_RUN, rerun=RERUN)
    # one raw value differs, and every row names another source file: both raw rows differ
    tight = warehouse(tmp_path / "t.duckdb", TIGHT_RUN, rows=(("C1", "1"), ("C2", "9")),
                      source_file="/elsewhere/header.csv", rows_loaded=1)
    assert differences(pipeline, tight, TIGHT_RUN) == [
        "raw.social_care__header: 2 rows only in the pipeline's, 2 only in the tight baseline's",
        "meta.loads: 1 rows only in the pipeline's, 1 only in the tight baseline's"]


def test_a_missing_table_or_column_is_named(tmp_path):
    pipeline = warehouse(tmp_path / "p.duckdb", PIPELINE_RUN, rerun=RERUN)
    tight = warehouse(tmp_path / "t.duckdb", TIGHT_RUN)
    con = duckdb.connect(str(tight))
    con.execute("DROP TABLE marts.mart_scorecard")
    con.execute("ALTER TABLE raw.social_care__header DROP COLUMN sex")
    con.close()
    assert differences(pipeline, tight, TIGHT_RUN) == [
        "raw.social_care__header: columns differ: ['sex']",
        "marts: tables only in the pipeline's ['mart_scorecard'], only in the tight baseline's []"]
