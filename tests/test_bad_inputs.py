"""The bad-input corpus (tests/bad_input_cases.py) through the plain pipeline steps.

Every case starts from a warehouse that has already published a good quarter, writes its broken
landing zone, and runs start_run, extract and load_extracts. A file-level case must stop the run
with its error, naming the file, the row and the column where they apply, and leave the published
database byte-for-byte as it was. A row-level case must quarantine exactly its rows, with their
file, row, column and reason, load the rest, and account for every row: rows in = rows loaded +
rows quarantined, and no row number is both loaded and quarantined or neither.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

from helpers.bad_input_cases import (ABSENCE_HEADER, ABSENCE_LINES, CASES, FORMULA, PERIOD_END, SECRET,
                             STAFF_LINES, Case, good, staff)
from conftest import published_dump, run_without_prefect
from scorecard import pipeline
from scorecard.gate.defects import write_defect_report
from scorecard.errors import ContractError
from scorecard.publish.publication import published_path_for


@pytest.fixture(scope="module")
def published_warehouse(tmp_path_factory) -> Path:
    """A build warehouse whose published database holds the good quarter."""
    root = tmp_path_factory.mktemp("published")
    warehouse = root / "warehouse" / "scorecard.duckdb"
    result = run_without_prefect(good(root / "landing"), warehouse, PERIOD_END)
    assert result["publication_id"] and result["kpi_rows"] > 0
    return warehouse


def copy_warehouse(warehouse: Path, to: Path) -> Path:
    to.mkdir(parents=True)
    for path in (warehouse, published_path_for(warehouse)):
        shutil.copyfile(path, to / path.name)
    return to / warehouse.name


def test_the_corpus_is_big_enough():
    assert len(CASES) >= 28
    assert len({c.name for c in CASES}) == len(CASES)
    assert sum(c.error is not None for c in CASES) >= 10
    assert {c.source for c in CASES} == {"hr_sap", "audit", "social_care", "education"}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_bad_input(case: Case, published_warehouse, tmp_path):
    warehouse = copy_warehouse(published_warehouse, tmp_path / "warehouse")
    published = published_path_for(warehouse)
    path = case.make(tmp_path / "landing")
    before = published_dump(published)
    run_id = pipeline.start_run(warehouse, PERIOD_END)["run_id"]
    if case.error is not None:
        with pytest.raises(case.error) as raised:
            extracts = pipeline.extract(tmp_path / "landing", PERIOD_END)
            pipeline.load_extracts(warehouse, run_id, extracts)
        pipeline.finish_run(warehouse, run_id, "failed", str(raised.value))
        assert_names_file_row_and_column(case, raised.value, path)
        assert published_dump(published) == before
        assert nothing_loaded_from(warehouse, run_id, case)
    else:
        extracts = pipeline.extract(tmp_path / "landing", PERIOD_END)
        results = pipeline.load_extracts(warehouse, run_id, extracts)
        pipeline.finish_run(warehouse, run_id, "failed", "stopped after loading (test)")
        [result] = [r for r in results if r["raw_table"] == f"raw.{case.table}"]
        assert_every_row_accounted_for(case, result, warehouse, path)


def assert_names_file_row_and_column(case: Case, error: Exception, path: Path) -> None:
    message = str(error)
    assert "\n" not in message
    assert message.startswith(str(path))
    if isinstance(error, ContractError):
        assert (error.file, error.row, error.column) == (str(path), case.row, case.column)
        if case.reason.endswith("…"):
            assert error.reason.startswith(case.reason[:-1]), error.reason
        else:
            assert error.reason == case.reason
    else:
        assert message == f"{path}: {case.reason}"
    if case.row is not None:
        assert f", row {case.row}" in message
    if case.column is not None:
        assert f", column '{case.column}': " in message
    assert SECRET not in message


def nothing_loaded_from(warehouse: Path, run_id: str, case: Case) -> bool:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM meta.loads WHERE run_id = ? AND source = ? "
                           "AND source_table = ?",
                           [run_id, case.source, case.table.split("__")[1]]).fetchone()[0] == 0
    finally:
        con.close()


def assert_every_row_accounted_for(case: Case, result: dict, warehouse: Path, path: Path) -> None:
    assert result["source_file"] == str(path)
    assert result["rows_in"] == case.rows_in
    assert result["rows_quarantined"] == len({row for row, _, _ in case.quarantined})
    assert result["rows_in"] == result["rows_loaded"] + result["rows_quarantined"]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        problems = con.execute(
            "SELECT row_number, column_name, reason, source_file FROM quarantine.rows "
            "WHERE load_id = ?", [result["load_id"]]).fetchall()
        assert {(row, column, reason) for row, column, reason, _ in problems} == case.quarantined
        assert {file for *_, file in problems} <= {str(path)}
        loaded = {r[0] for r in con.execute(f"SELECT _row_number FROM raw.{case.table}").fetchall()}
        quarantined = {row for row, *_ in problems}
        assert len(loaded) == result["rows_loaded"]
        assert not loaded & quarantined
        assert len(loaded | quarantined) == case.rows_in
        if case.check:
            case.check(con, path)
    finally:
        con.close()


def test_formula_text_is_escaped_in_the_defect_report(published_warehouse, tmp_path):
    case = next(c for c in CASES if c.name == "formula_text_in_the_workbook")
    warehouse = copy_warehouse(published_warehouse, tmp_path / "warehouse")
    case.make(tmp_path / "landing")
    run_id = pipeline.start_run(warehouse, PERIOD_END)["run_id"]
    pipeline.load_extracts(warehouse, run_id, pipeline.extract(tmp_path / "landing", PERIOD_END))
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        out = write_defect_report(con, tmp_path / "defects.csv")
    finally:
        con.close()
    with out.open(encoding="utf-8", newline="") as handle:
        [written] = list(csv.DictReader(handle))
    assert (written["row_number"], written["column_name"]) == ("3", "directorate")
    assert written["value"] == "'" + FORMULA  # shown as text by a spreadsheet, never run


def test_row_level_defects_do_not_stop_the_build(published_warehouse, tmp_path):
    """Several bad rows in one extract are quarantined, and staging is built from the rest."""
    warehouse = copy_warehouse(published_warehouse, tmp_path / "warehouse")
    landing = tmp_path / "landing"
    staff_path = staff(STAFF_LINES[0],
                       "916,10000002,Zoë O’Brien,CYP,-0.5,01.04.2019,,",        # negative FTE
                       "916,10000003,Bob Smith,RES,1,01.09.2020,,,EXTRA",         # a field too many
                       "916,10000004," + "y" * 5_000_000 + ",CYP,1,01.01.2020,,",  # a huge name
                       )(landing)
    lines = [ABSENCE_HEADER, ABSENCE_LINES[0], "916,10000002,10.07.2023,,,S04"]  # a future start
    (staff_path.parent / "absences.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode())
    run_id = pipeline.start_run(warehouse, PERIOD_END)["run_id"]
    extracts = pipeline.extract(landing, PERIOD_END)
    results = {r["raw_table"]: r for r in pipeline.load_extracts(warehouse, run_id, extracts)}
    counts = {t: (r["rows_in"], r["rows_loaded"], r["rows_quarantined"])
              for t, r in results.items()}
    assert counts["raw.hr_sap__staff_in_post"] == (4, 1, 3)
    assert counts["raw.hr_sap__absences"] == (2, 1, 1)
    pipeline.build(warehouse, run_id, PERIOD_END, demo_key=True)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        for table in ("hr_sap__staff_in_post", "hr_sap__absences"):
            staged = con.execute(f"SELECT count(*) FROM staging.stg_{table}").fetchone()[0]
            assert staged == results[f"raw.{table}"]["rows_loaded"]
    finally:
        con.close()
