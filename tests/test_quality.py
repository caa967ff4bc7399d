"""The quality gate: suites load, good tables pass, and each kind of failure is reported right."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from helpers.good_rows_social_care import SOCIAL_CARE_GOOD_ROWS
from scorecard.config import EXPECTATIONS_DIR
from scorecard.gate.quality import CheckResult, SuiteError, blocking_failures, load_suites, run_suites

LINEAGE = {"_load_id": "load-1", "_source_file": "landing/hr_sap/2025-04-05/x.csv"}
GOOD_ROWS = {
    "raw.hr_sap__staff_in_post": [
        {"council_code": "123", "pers_no": "00000001", "employee_name": "A Person", "directorate": "CYP",
         "fte": "0.5", "start_date": "01.04.2015", "leaving_date": None, "leaving_reason": None},
        {"council_code": "123", "pers_no": "00000002", "employee_name": "B Person", "directorate": "RES",
         "fte": "1.0", "start_date": "15.09.2019", "leaving_date": "31.01.2025", "leaving_reason": "RES"},
    ],
    "raw.hr_sap__absences": [
        {"council_code": "123", "pers_no": "00000001", "absence_start": "03.02.2025", "absence_end": "07.02.2025",
         "working_days_lost": "5", "reason_code": "S04"},
        {"council_code": "123", "pers_no": "00000001", "absence_start": "10.03.2025", "absence_end": None,
         "working_days_lost": None, "reason_code": "S12"},
    ],
    "raw.hr_sap__appraisals": [
        {"council_code": "123", "pers_no": "00000001", "due_date": "30.06.2024", "completed_date": "28.06.2024",
         "entered_on_sap_date": "02.07.2024"},
    ],
    "raw.hr_sap__riddor_reports": [
        {"council_code": "123", "riddor_ref": "R-2025-01", "directorate": "PLC", "incident_date": "06.01.2025",
         "reported_date": "09.01.2025", "category": "OVER_7_DAY_INJURY"},
    ],
    "raw.audit__recommendations": [
        {"council_code": "123", "rec_ref": "A1", "audit_title": "Payroll", "directorate": "RES", "priority": "High",
         "raised_date": "2024-05-01", "agreed_target_date": "2024-09-30", "revised_target_date": "2025-03-31",
         "date_revised": "2024-09-15", "status": "Implemented", "date_closed": "2025-02-01"},
        {"council_code": "123", "rec_ref": "A2", "audit_title": "Payroll", "directorate": "RES", "priority": "Low",
         "raised_date": "2024-05-01", "agreed_target_date": "2024-12-31", "revised_target_date": None,
         "date_revised": None, "status": "Open", "date_closed": None},
    ],
    **SOCIAL_CARE_GOOD_ROWS,
    "raw.risks__risk_register": [
        {"council_code": "123", "risk_id": "CYP-R01", "title": "Placement sufficiency", "directorate": "CYP",
         "owner": "Director of Children's Services", "likelihood": "4", "impact": "5",
         "controls": "Sufficiency strategy; weekly placement panel", "review_date": "2025-03-12"},
        {"council_code": "123", "risk_id": "CYP-R01", "title": "Placement sufficiency", "directorate": "CYP",
         "owner": "Director of Children's Services", "likelihood": "3", "impact": "5",
         "controls": "Sufficiency strategy; weekly placement panel", "review_date": "2025-06-11"},
    ],
}
MART_DDL = """create table marts.mart_scorecard (
    council_code VARCHAR, kpi_code VARCHAR, period_end DATE, title VARCHAR, scorecard VARCHAR, service VARCHAR,
    section VARCHAR, polarity VARCHAR, reporting_basis VARCHAR, unit VARCHAR, decimals INTEGER, actual DOUBLE,
    numerator DOUBLE, denominator DOUBLE, target DOUBLE, tolerance DOUBLE, status VARCHAR, symbol VARCHAR,
    comparator DOUBLE, rolling_12m DOUBLE, rolling_12m_prev_year DOUBLE, direction_vs_prev_quarter VARCHAR,
    direction_vs_prev_year VARCHAR, comment VARCHAR, figure_basis VARCHAR)"""
MART_ROW = {
    "council_code": "123", "kpi_code": "GM01", "period_end": date(2025, 3, 31), "title": "Appraisals on time",
    "scorecard": "Good Management", "service": "Children's", "section": "Workforce", "polarity": "bigger_is_better",
    "reporting_basis": "quarter", "unit": "percent", "decimals": 1, "actual": 75.0, "numerator": 3.0,
    "denominator": 4.0, "target": 80.0, "tolerance": 5.0, "status": "worse_than_target", "symbol": "amber",
    "comparator": None, "rolling_12m": None, "rolling_12m_prev_year": None,
    "direction_vs_prev_quarter": "improved", "direction_vs_prev_year": None, "comment": None,
    "figure_basis": None,
}


@pytest.fixture(scope="module")
def suites():
    return {suite.meta["table"]: suite for suite in load_suites(EXPECTATIONS_DIR)}


def make_raw(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    """Create a raw table as the loader does: contract columns as text plus lineage columns."""
    columns = [*rows[0], *LINEAGE, "_row_number"]
    con.execute(f"create schema if not exists {table.split('.')[0]}")
    types = ", ".join(f"{c} {'BIGINT' if c == '_row_number' else 'VARCHAR'}" for c in columns)
    con.execute(f"create table {table} ({types})")
    values = [[*row.values(), *LINEAGE.values(), number] for number, row in enumerate(rows, start=2)]
    con.executemany(f"insert into {table} values ({', '.join('?' for _ in columns)})", values)


def make_mart(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> None:
    con.execute("create schema if not exists marts")
    con.execute(MART_DDL)
    con.executemany(f"insert into marts.mart_scorecard values ({', '.join('?' for _ in MART_ROW)})",
                    [list(row.values()) for row in rows])


def absences(**changes) -> list[dict]:
    """The good absences with the first row's values changed."""
    first, *rest = GOOD_ROWS["raw.hr_sap__absences"]
    return [{**first, **changes}, *rest]


def check(suites, table: str, rows: list[dict], engine: str | None = None) -> list[CheckResult]:
    con = duckdb.connect()
    make_raw(con, table, rows)
    return run_suites(con, [suites[table]], engine=engine)


def failures(results: list[CheckResult]) -> list[CheckResult]:
    return [r for r in results if not r.success]


def only_failure(results: list[CheckResult]) -> CheckResult:
    failed = failures(results)
    assert len(failed) == 1, [r.message for r in failed]
    return failed[0]


def test_real_suites_load_one_per_table(suites):
    from scorecard.config import SQL_DIR
    marts = {f"marts.{p.stem}" for p in (SQL_DIR / "marts").glob("*.sql")}
    assert set(suites) == {*GOOD_ROWS, *marts}        # every raw table and every mart
    for table, suite in suites.items():
        assert suite.name == table.replace(".", "__", 1)
        assert len(suite.expectations) >= (10 if table.startswith("raw.") else 2)
        assert {e.meta["severity"] for e in suite.expectations} <= {"error", "warning"}


def test_real_suites_pass_on_good_tables(suites):
    con = duckdb.connect()
    for table, rows in GOOD_ROWS.items():
        make_raw(con, table, rows)
    make_mart(con, [MART_ROW, {**MART_ROW, "kpi_code": "GM02", "unit": "count", "actual": 250.0,
                               "numerator": None, "denominator": None, "status": "no_information"}])
    made = {t: suites[t] for t in (*GOOD_ROWS, "marts.mart_scorecard")}
    results = run_suites(con, list(made.values()))
    assert failures(results) == []
    assert [(r.table, r.expectation) for r in results] == [
        (table, e.expectation_type) for table, suite in made.items() for e in suite.expectations]


def test_good_table_passes_and_results_follow_suite_order(suites):
    results = check(suites, "raw.hr_sap__absences", absences())
    suite = suites["raw.hr_sap__absences"]
    assert all(r.success and not r.raised for r in results)
    assert [r.expectation for r in results] == [e.expectation_type for e in suite.expectations]
    assert blocking_failures(results) == []
    assert results[0].message == "raw.hr_sap__absences: expect_table_row_count_to_be_between() passed"


def test_null_in_required_column(suites):
    failed = only_failure(check(suites, "raw.hr_sap__absences", absences(reason_code=None)))
    assert (failed.expectation, failed.table, failed.column, failed.severity) == (
        "expect_column_values_to_not_be_null", "raw.hr_sap__absences", "reason_code", "error")
    assert (failed.unexpected_count, failed.raised) == (1, False)
    assert failed.message == ("raw.hr_sap__absences: expect_column_values_to_not_be_null(reason_code) failed: "
                              "1 unexpected value, e.g. [None]")
    assert blocking_failures([failed]) == [failed]


def test_code_outside_its_list(suites):
    failed = only_failure(check(suites, "raw.hr_sap__absences", absences(reason_code="S13")))
    assert (failed.expectation, failed.column, failed.severity) == (
        "expect_column_values_to_be_in_set", "reason_code", "error")
    assert "S13" in failed.message
    assert json.loads(failed.kwargs)["value_set"][0] == "S01"


def test_duplicate_key(suites):
    first = GOOD_ROWS["raw.hr_sap__absences"][0]
    failed = only_failure(check(suites, "raw.hr_sap__absences", [first, {**first, "reason_code": "S01"}]))
    assert (failed.expectation, failed.column, failed.severity) == (
        "expect_compound_columns_to_be_unique", "council_code, pers_no, absence_start", "error")
    assert failed.unexpected_count == 2


def test_date_not_in_sap_format(suites):
    failed = only_failure(check(suites, "raw.hr_sap__absences", absences(absence_end="2025-02-07")))
    assert (failed.expectation, failed.column, failed.severity) == (
        "expect_column_values_to_match_regex", "absence_end", "error")
    assert "'2025-02-07'" in failed.message


def test_impossible_date_fails_the_regex(suites):
    failed = only_failure(check(suites, "raw.hr_sap__absences", absences(absence_start="31.13.2025")))
    assert (failed.expectation, failed.column) == ("expect_column_values_to_match_regex", "absence_start")


def test_missing_table_is_a_blocking_result_not_a_crash(suites):
    results = run_suites(duckdb.connect(), [suites["raw.hr_sap__absences"]])
    assert len(results) == 1
    missing = results[0]
    assert (missing.table, missing.expectation, missing.severity, missing.success) == (
        "raw.hr_sap__absences", "table_exists", "error", False)
    assert "raw.hr_sap__absences" in missing.message
    assert blocking_failures(results) == results


def test_missing_column_is_reported_and_blocks(suites):
    rows = [{k: v for k, v in row.items() if k != "reason_code"} for row in absences()]
    results = check(suites, "raw.hr_sap__absences", rows)
    failed = {(r.expectation, r.column): r for r in failures(results)}
    assert set(failed) == {("expect_table_columns_to_match_set", None),
                           ("expect_column_values_to_not_be_null", "reason_code"),
                           ("expect_column_values_to_be_in_set", "reason_code")}
    columns_check = failed["expect_table_columns_to_match_set", None]
    assert not columns_check.raised and "reason_code" in columns_check.observed
    broken = failed["expect_column_values_to_not_be_null", "reason_code"]
    assert broken.raised and broken.unexpected_count is None
    assert "could not run" in broken.message and "reason_code" in broken.observed
    assert set(blocking_failures(results)) == set(failed.values())


def test_warning_failure_is_reported_but_does_not_block(suites):
    failed = only_failure(check(suites, "raw.hr_sap__absences", absences(working_days_lost="five")))
    assert (failed.column, failed.severity, failed.success) == ("working_days_lost", "warning", False)
    assert blocking_failures([failed]) == []


def test_conditional_requirement_applies_only_to_matching_rows(suites):
    rows = GOOD_ROWS["raw.hr_sap__staff_in_post"]
    results = check(suites, "raw.hr_sap__staff_in_post", [rows[0], {**rows[1], "leaving_reason": None}])
    failed = only_failure(results)
    assert (failed.expectation, failed.column, failed.unexpected_count) == (
        "expect_column_values_to_not_be_null", "leaving_reason", 1)
    assert json.loads(failed.kwargs)["row_condition"]["column"] == {"name": "leaving_date"}


def test_mart_percent_checks_only_apply_to_percent_rows(suites):
    con = duckdb.connect()
    make_mart(con, [
        {**MART_ROW, "actual": 120.0, "numerator": 6.0, "denominator": 5.0},
        {**MART_ROW, "kpi_code": "GM02", "unit": "count", "actual": 120.0, "numerator": 6.0, "denominator": 5.0},
    ])
    failed = failures(run_suites(con, [suites["marts.mart_scorecard"]]))
    assert {(r.expectation, r.column, r.unexpected_count) for r in failed} == {
        ("expect_column_values_to_be_between", "actual", 1),
        ("expect_column_pair_values_a_to_be_greater_than_b", "denominator, numerator", 1),
    }


def test_one_gx_context_per_call(suites, monkeypatch):
    import great_expectations as gx

    made = []
    real = gx.get_context
    monkeypatch.setattr(gx, "get_context", lambda **kw: made.append(kw) or real(**kw))
    con = duckdb.connect()
    for table, rows in GOOD_ROWS.items():
        make_raw(con, table, rows)
    run_suites(con, [suites[table] for table in GOOD_ROWS], engine="gx")
    assert [kw["mode"] for kw in made] == ["ephemeral"]
    assert made[0]["project_config"].analytics_enabled is False


def test_import_sets_offline_defaults_without_importing_gx():
    env = {k: v for k, v in os.environ.items() if k != "GX_ANALYTICS_ENABLED"}
    code = ("import os, sys, scorecard.gate.quality; "
            "print(os.environ['GX_ANALYTICS_ENABLED'], 'great_expectations' in sys.modules)")
    shown = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert shown.stdout.split() == ["false", "False"]


def write_suite(directory: Path, text: str, name: str = "raw__t.json") -> Path:
    path = directory / name
    path.write_text(text)
    return path


GOOD_SUITE = {"name": "raw__t", "meta": {"table": "raw.t"},
              "expectations": [{"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"}}]}


@pytest.mark.parametrize(("suite_text", "complaint"), [
    ("{not json", "not a suite"),
    (json.dumps({"name": "raw__t", "expectations": []}), "meta.table"),
    (json.dumps({**GOOD_SUITE, "meta": {"table": "raw.other"}}), "does not match the file name"),
    (json.dumps({**GOOD_SUITE, "name": "my suite"}), "should be the file name"),
    (json.dumps({**GOOD_SUITE, "expectations": [{"type": "expect_column_to_be_lovely", "kwargs": {"column": "a"}}]}),
     "expect_column_to_be_lovely not found"),
    (json.dumps({**GOOD_SUITE, "expectations": [{"type": "expect_column_values_to_be_in_set",
                                                 "kwargs": {"column": "a"}}]}), "value_set"),
    (json.dumps({**GOOD_SUITE, "expectations": [{**GOOD_SUITE["expectations"][0],
                                                 "meta": {"severity": "fatal"}}]}), "meta.severity"),
])
def test_malformed_suite_is_a_clear_error_naming_the_file(tmp_path, suite_text, complaint):
    write_suite(tmp_path, json.dumps({**GOOD_SUITE, "name": "raw__s", "meta": {"table": "raw.s"}}), "raw__s.json")
    bad = write_suite(tmp_path, suite_text)
    with pytest.raises(SuiteError, match=complaint) as raised:
        load_suites(tmp_path)
    assert str(raised.value).startswith(str(bad))


def test_severity_defaults_to_error(tmp_path):
    write_suite(tmp_path, json.dumps(GOOD_SUITE))
    (suite,) = load_suites(tmp_path)
    assert suite.expectations[0].meta == {"severity": "error"}


def test_empty_directory_is_an_error(tmp_path):
    with pytest.raises(SuiteError, match="no suite files"):
        load_suites(tmp_path)


# --- big tables: column groups and no batch fingerprint ------------------------------------------

def fields(results: list[CheckResult]) -> list[tuple]:
    return [tuple(getattr(r, f) for f in CheckResult.__dataclass_fields__) for r in results]


def run_both_ways(monkeypatch, con: duckdb.DuckDBPyConnection, suites: list) -> list[CheckResult]:
    """Run `suites` on `con` with GX as one whole-table batch and in column groups; both must agree."""
    import scorecard.gate.quality as quality

    monkeypatch.setattr(quality, "SPLIT_ROWS", 10**9)
    whole = run_suites(con, suites, engine="gx")
    monkeypatch.setattr(quality, "SPLIT_ROWS", 0)
    grouped = run_suites(con, suites, engine="gx")
    assert fields(grouped) == fields(whole)
    return grouped


def test_column_groups_give_the_whole_tables_results(suites, monkeypatch):
    con = duckdb.connect()
    staff = GOOD_ROWS["raw.hr_sap__staff_in_post"]
    risks = GOOD_ROWS["raw.risks__risk_register"]
    make_raw(con, "raw.hr_sap__absences", absences(reason_code="S13", absence_end="2025-02-07")
             + [{**absences()[0], "working_days_lost": "five"}])
    make_raw(con, "raw.hr_sap__staff_in_post", [staff[0], {**staff[1], "leaving_reason": None}])
    make_raw(con, "raw.risks__risk_register", [risks[0], {**risks[1], "likelihood": "9"}])
    make_mart(con, [{**MART_ROW, "actual": 120.0, "numerator": 6.0, "denominator": 5.0},
                    {**MART_ROW, "kpi_code": "GM02", "unit": "count", "actual": 120.0}])
    tables = ["raw.hr_sap__absences", "raw.hr_sap__staff_in_post", "raw.risks__risk_register",
              "marts.mart_scorecard"]
    results = run_both_ways(monkeypatch, con, [suites[t] for t in tables])
    failed = {(r.table, r.expectation, r.column) for r in failures(results)}
    assert ("raw.hr_sap__absences", "expect_column_values_to_be_in_set", "reason_code") in failed
    assert ("raw.hr_sap__absences", "expect_compound_columns_to_be_unique",
            "council_code, pers_no, absence_start") in failed
    assert ("raw.hr_sap__staff_in_post", "expect_column_values_to_not_be_null", "leaving_reason") in failed
    assert ("marts.mart_scorecard", "expect_column_values_to_be_between", "actual") in failed
    assert any(t == "raw.risks__risk_register" for t, _, _ in failed)
    assert [r.expectation for r in results if r.table == "raw.hr_sap__absences"] == [
        e.expectation_type for e in suites["raw.hr_sap__absences"].expectations]


def test_a_column_group_still_finds_the_failing_row(suites, monkeypatch):
    import scorecard.gate.quality as quality

    monkeypatch.setattr(quality, "SPLIT_ROWS", 0)
    failed = only_failure(check(suites, "raw.hr_sap__absences", absences(absence_start="31.13.2025"), "gx"))
    assert (failed.expectation, failed.column, failed.unexpected_count) == (
        "expect_column_values_to_match_regex", "absence_start", 1)
    assert "'31.13.2025'" in failed.message


def test_a_big_table_is_split_and_still_fails_on_one_bad_row(suites):
    import scorecard.gate.quality as quality

    con = duckdb.connect()
    con.execute("create schema raw")
    con.execute(f"""create table raw.hr_sap__staff_in_post as select '123' council_code,
        lpad(i::varchar, 8, '0') pers_no, 'Name ' || i employee_name, 'CYP' directorate,
        if(i = 4321, 'half', '0.5') fte, '01.04.2015' start_date, null::varchar leaving_date,
        null::varchar leaving_reason, 'l1' _load_id, 'f.csv' _source_file, i + 1 _row_number
        from range(1, {quality.SPLIT_ROWS + 1}) t(i)""")
    suite = suites["raw.hr_sap__staff_in_post"]
    assert len(quality._column_groups(quality._gx_suite(suite), quality.SPLIT_ROWS)) > 1
    for engine in ("gx", "duckdb"):
        failed = only_failure(run_suites(con, [suite], engine=engine))
        assert (failed.column, failed.unexpected_count, failed.observed) == (
            "fte", 1, f"1 unexpected of {quality.SPLIT_ROWS}")
        assert "'half'" in failed.message


def test_table_level_expectations_see_the_whole_table_when_split(suites, monkeypatch):
    # `unsent` is read by no expectation and reason_code is missing: a column set check that saw a
    # column group instead of the table would miss the first and find more missing than the second.
    rows = [{**{k: v for k, v in row.items() if k != "reason_code"}, "unsent": "x"} for row in absences()]
    con = duckdb.connect()
    make_raw(con, "raw.hr_sap__absences", rows)
    con.execute("create table raw.hr_sap__appraisals (council_code varchar, pers_no varchar, "
                "due_date varchar, completed_date varchar, entered_on_sap_date varchar, "
                "_load_id varchar, _source_file varchar, _row_number bigint)")
    results = run_both_ways(monkeypatch, con, [suites["raw.hr_sap__absences"], suites["raw.hr_sap__appraisals"]])
    (columns,) = [r for r in failures(results) if r.expectation == "expect_table_columns_to_match_set"]
    assert json.loads(columns.observed) == {"unexpected": ["unsent"], "missing": ["reason_code"]}
    (count,) = [r for r in failures(results) if r.table == "raw.hr_sap__appraisals"]
    assert (count.expectation, count.observed) == ("expect_table_row_count_to_be_between", "0")


def test_a_missing_column_still_breaks_its_checks_when_split(suites, monkeypatch):
    rows = [{k: v for k, v in row.items() if k != "reason_code"} for row in absences()]
    con = duckdb.connect()
    make_raw(con, "raw.hr_sap__absences", rows)
    results = run_both_ways(monkeypatch, con, [suites["raw.hr_sap__absences"]])
    broken = {r.expectation for r in failures(results) if r.raised}
    assert broken == {"expect_column_values_to_not_be_null", "expect_column_values_to_be_in_set"}
    assert all("reason_code" in r.observed for r in failures(results) if r.raised)


def test_column_groups_are_few_and_hold_every_column_read(tmp_path):
    import scorecard.gate.quality as quality

    write_suite(tmp_path, json.dumps({"name": "raw__t", "meta": {"table": "raw.t"}, "expectations": [
        {"type": "expect_table_row_count_to_be_between", "kwargs": {"min_value": 1}},
        {"type": "expect_table_columns_to_match_ordered_list", "kwargs": {"column_list": ["a", "b"]}},
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"}},
        {"type": "expect_compound_columns_to_be_unique", "kwargs": {"column_list": ["a", "b"]}},
        {"type": "expect_column_values_to_not_be_null", "kwargs": {
            "column": "c", "row_condition": {"type": "and", "conditions": [
                {"type": "nullity", "column": {"name": "d"}, "is_null": False},
                {"type": "comparison", "column": {"name": "e"}, "operator": "==", "parameter": 1}]}}},
        {"type": "expect_column_values_to_not_be_null", "kwargs": {
            "column": "f", "row_condition": 'g == "x"', "condition_parser": "pandas"}},
    ]}))
    (suite,) = load_suites(tmp_path, engine="gx")
    suite = quality._gx_suite(suite)
    assert quality._column_groups(suite, quality.SPLIT_ROWS - 1) == [(None, list(suite.expectations))]
    groups = {columns: [e.expectation_type for e in group]
              for columns, group in quality._column_groups(suite, quality.SPLIT_ROWS)}
    assert groups == {
        None: ["expect_table_row_count_to_be_between", "expect_table_columns_to_match_ordered_list",
               "expect_column_values_to_not_be_null"],        # a pandas query: its columns unknown
        frozenset("ab"): ["expect_column_values_to_not_be_null", "expect_compound_columns_to_be_unique"],
        frozenset("cde"): ["expect_column_values_to_not_be_null"],
    }


def test_the_gate_skips_gx_batch_fingerprints_and_restores_the_setting(suites, monkeypatch):
    from great_expectations.execution_engine import pandas_execution_engine as engine

    assert hasattr(engine, "HASH_THRESHOLD"), "GX renamed its fingerprint switch: see quality._no_batch_fingerprint"
    before = engine.HASH_THRESHOLD
    hashed = []
    real = engine.hash_pandas_dataframe
    monkeypatch.setattr(engine, "hash_pandas_dataframe", lambda df: hashed.append(df.shape) or real(df))
    assert all(r.success for r in check(suites, "raw.hr_sap__absences", absences(), "gx"))
    assert hashed == [] and engine.HASH_THRESHOLD == before


@pytest.mark.slow  # a fresh interpreter imports GX (12 s); the GX engine is not the default
def test_great_expectations_is_imported_in_the_background(tmp_path):
    """The flow starts GX's import at the start of a run; in a fresh interpreter, where GX is not
    yet imported, the thread imports it and does not keep the process alive."""
    script = (
        "import sys\n"
        "from scorecard.gate import quality\n"
        "assert 'great_expectations' not in sys.modules\n"
        "thread = quality.import_in_background()\n"
        "assert thread.daemon\n"
        "thread.join()\n"
        "print(sys.modules['great_expectations'].__name__)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "great_expectations"


# --- the engines: DuckDB by default, GX on request -----------------------------------------------

def test_the_default_gate_never_imports_great_expectations():
    """Loading the suites and running them on a table, as pipeline.check does, leaves GX
    unimported. (The GX engine's import is `test_one_gx_context_per_call`'s.)"""
    script = (
        "import sys, duckdb\n"
        "from scorecard import config, pipeline\nfrom scorecard.gate import quality\n"
        "con = duckdb.connect()\n"
        "con.execute('create schema raw')\n"
        "con.execute(\"create table raw.hr_sap__riddor_reports as select '123' council_code\")\n"
        "suites = [s for s in quality.load_suites(config.EXPECTATIONS_DIR)\n"
        "          if s.table == 'raw.hr_sap__riddor_reports']\n"
        "results = quality.run_suites(con, suites)\n"
        "print(len(results), sum(not r.success for r in results), 'great_expectations' in sys.modules)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "SCORECARD_GATE_ENGINE"}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    count, failed, imported = done.stdout.split()
    assert int(count) > 5 and int(failed) > 0 and imported == "False"  # the checks did run


def test_the_engine_comes_from_the_argument_then_the_environment(monkeypatch):
    from scorecard.gate.quality import gate_engine

    monkeypatch.delenv("SCORECARD_GATE_ENGINE", raising=False)
    assert gate_engine() == "duckdb"
    monkeypatch.setenv("SCORECARD_GATE_ENGINE", "gx")
    assert (gate_engine(), gate_engine("duckdb")) == ("gx", "duckdb")
    monkeypatch.setenv("SCORECARD_GATE_ENGINE", "spark")
    with pytest.raises(ValueError, match="SCORECARD_GATE_ENGINE"):
        gate_engine()


@pytest.mark.parametrize(("expectation", "complaint"), [
    # a real GX expectation the DuckDB gate has no SQL for: refused, never skipped
    ({"type": "expect_column_mean_to_be_between", "kwargs": {"column": "a", "min_value": 1}},
     "expect_column_mean_to_be_between not found among the expectation types the gate runs in DuckDB"),
    ({"type": "expect_column_values_to_not_be_null",
      "kwargs": {"column": "a", "row_condition": 'b == "x"', "condition_parser": "pandas"}},
     "pandas query"),
    ({"type": "expect_column_values_to_match_regex", "kwargs": {"column": "a", "regex": r"^(a)\1$"}},
     "no RE2 equivalent"),
    ({"type": "expect_column_values_to_match_regex", "kwargs": {"column": "a", "regex": r"^a(?=b)"}},
     "lookaround"),
    ({"type": "expect_column_values_to_match_regex", "kwargs": {"column": "a", "regex": r"\bword"}},
     "no RE2 equivalent"),
    ({"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "a", "value_set": [1], "mostly": 2}},
     "mostly"),
    ({"type": "expect_column_values_to_be_between", "kwargs": {"column": "a", "min_value": 1, "typo": 2}},
     "unknown arguments"),
])
def test_what_duckdb_cannot_run_is_refused_when_the_suites_load(tmp_path, expectation, complaint):
    bad = write_suite(tmp_path, json.dumps({**GOOD_SUITE, "expectations": [expectation]}))
    with pytest.raises(SuiteError, match=complaint) as raised:
        load_suites(tmp_path, engine="duckdb")
    assert str(raised.value).startswith(str(bad))


def test_the_gx_engine_still_loads_what_only_gx_runs(tmp_path):
    write_suite(tmp_path, json.dumps({**GOOD_SUITE, "expectations": [
        {"type": "expect_column_mean_to_be_between", "kwargs": {"column": "a", "min_value": 1}}]}))
    (suite,) = load_suites(tmp_path, engine="gx")
    con = duckdb.connect()
    con.execute("create schema raw")
    con.execute("create table raw.t as select * from (values (1), (2)) v(a)")
    (result,) = run_suites(con, [suite], engine="gx")
    assert (result.expectation, result.success) == ("expect_column_mean_to_be_between", True)


def test_a_number_held_as_text_is_checked_as_pandas_would():
    """Type edge cases worked by hand: an integer column with a null is a float column to pandas,
    so its regex sees "916.0"; text against a numeric range is a broken check; a code list of
    numbers never matches text."""
    from scorecard.gate.quality import Suite, SuiteExpectation

    con = duckdb.connect()
    con.execute("create schema raw")
    con.execute("create table raw.t as select * from (values (916, '4'), (null, '5')) v(n, s)")
    con.execute("create table raw.u as select * from (values (916, '4')) v(n, s)")

    def run(table: str, type_: str, **kwargs) -> CheckResult:
        suite = Suite(name=table.replace(".", "__"), table=table, meta={"table": table},
                      expectations=(SuiteExpectation(type_, kwargs, {"severity": "error"}),))
        return run_suites(con, [suite], engine="duckdb")[0]

    assert run("raw.t", "expect_column_values_to_match_regex", column="n", regex=r"^[0-9]{3}$").unexpected_count == 1
    assert run("raw.u", "expect_column_values_to_match_regex", column="n", regex=r"^[0-9]{3}$").success
    broken = run("raw.t", "expect_column_values_to_be_between", column="s", min_value=1)
    assert (broken.success, broken.raised) == (False, True)
    assert "must either be None or of the same type" in broken.observed
    assert run("raw.t", "expect_column_values_to_be_in_set", column="s", value_set=[4, 5]).unexpected_count == 2


@pytest.mark.parametrize("escape", ["d", "D", "s", "S", "w", "W"])
def test_regex_classes_mean_what_they_mean_to_python(escape):
    """Every code point: DuckDB (RE2) with the translated class matches exactly where Python's
    re does (Unicode digits, Python's whitespace, word characters)."""
    from scorecard.gate.quality_sql import translate_regex

    pattern = f"^\\{escape}$"
    con = duckdb.connect()
    ours = con.execute(
        "SELECT list(i ORDER BY i) FILTER (WHERE regexp_matches(chr(i::INTEGER), ?)) FROM range(1, 1114112) t(i) "
        "WHERE i NOT BETWEEN 55296 AND 57343", [translate_regex(pattern)]).fetchone()[0] or []
    pythons = [i for i in range(1, 0x110000) if not 0xD800 <= i <= 0xDFFF and re.search(pattern, chr(i))]
    assert ours == pythons


@pytest.mark.parametrize(("pattern", "text"), [
    (r"^[0-9]{3}$", "916\n"), (r"^[0-9]{3}$", "916\n\n"), (r"^\s*[1-5]\s*$", "\u00a03\u3000"),
    (r"^[0-9]{1,2}$", "1{,2}"), (r"^a{,2}$", "aa"), (r"^(?:x|y)\.$", "x."),
    (r"^Requires\ improvement$", "Requires improvement"),
    (r"(?i)^abc$", "ABC"), (r"^[]a]$", "]"), (r"^[\d.]+$", "１.２"), (r"\Aab\Z", "ab\n"), (r"^\x41\u00e9$", "Aé"),
])
def test_translated_regexes_search_as_python_does(pattern, text):
    from scorecard.gate.quality_sql import translate_regex

    found = duckdb.execute("SELECT regexp_matches(?, ?)", [text, translate_regex(pattern)]).fetchone()[0]
    assert found == bool(re.search(pattern, text))
