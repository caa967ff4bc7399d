"""Column maps (issue 13, item 1): a council's own HR export layout, read through columns.toml.

The demo council's SAP extract and the same records exported iTrent-style (its headers, reasons
and directorates in words, dd/mm/yyyy dates, no LA code: tests/helpers/itrent_landing.py) go through the
real Prefect flow; both must publish the seed's Good Management figures, identically, from the
same raw rows. Small hand-made cases (a header typo, a value the map lacks, a wrong map) are in
the bad-input corpus (tests/bad_input_cases.py); the cases here are about lineage and reloading.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import duckdb
import pytest

from helpers.bad_input_cases import ITRENT_ABSENCES, PERIOD_END, itrent_absences
from conftest import SEED_PERIODS
from helpers.itrent_landing import itrent_from_sap
from scorecard import pipeline
from scorecard.ingest import column_map
from scorecard.errors import ContractError
from scorecard_demo import DEMO_EXTRACT_DATE
from scorecard_demo.audit import write_audit
from scorecard_demo.hr_sap import write_hr_sap
from scorecard.ingest.sources import hr_sap

D = dt.date
COUNCIL = "916"
GM = ("GM01", "GM02", "GM03", "GM04", "GM05")
HR_TABLES = tuple(f"hr_sap__{c.table}" for c in hr_sap.CONTRACTS)
FIGURES = ("kpi_code, period_end, numerator, denominator, actual, target, status, rolling_12m, "
           "rolling_12m_prev_year")
DETAIL = "council_code, kpi_code, period_end, subject_key, numerator_value, denominator_value"


def _query(path: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def both(prefect_harness, tmp_path_factory):
    """The flow on the SAP landing and on the iTrent one (HR and audit: the GM sources)."""
    from flows.quarterly_scorecard import quarterly_scorecard

    root = tmp_path_factory.mktemp("column_maps")
    runs = {}
    for layout in ("sap", "itrent"):
        landing = root / layout / "landing"
        write_hr_sap(landing, COUNCIL)
        write_audit(landing, COUNCIL)
        if layout == "itrent":
            itrent_from_sap(landing / "hr_sap" / DEMO_EXTRACT_DATE.isoformat(), COUNCIL)
        warehouse = root / layout / "scorecard.duckdb"
        result = quarterly_scorecard(period_end=PERIOD_END, landing=str(landing),
                                     warehouse=str(warehouse), publish_from=D(2022, 6, 30),
                                     demo_key=True)
        runs[layout] = {"result": result, "landing": landing, "warehouse": warehouse,
                        "published": root / layout / "scorecard_published.duckdb"}
    return runs


@pytest.mark.flow
def test_the_itrent_export_really_is_in_its_own_layout(both):
    folder = both["itrent"]["landing"] / "hr_sap" / DEMO_EXTRACT_DATE.isoformat()
    with (folder / "absences.csv").open(encoding="utf-8") as handle:
        header, first = handle.readline(), handle.readline()
    assert header.strip() == ("Person Number,Absence Start Date,Absence End Date,Days Lost,"
                              "Absence Reason")
    assert "/" in first and "Sickness - " in first and "." not in first.split(",")[1]
    assert not (folder / "absences.csv").read_text(encoding="utf-8").count(",S0")


@pytest.mark.flow
def test_both_layouts_publish_the_seeds_good_management_figures(both, seed_rows):
    for layout in ("sap", "itrent"):
        assert both[layout]["result"]["publication_id"], layout
        published = dict(((k, p), a) for k, p, a in _query(
            both[layout]["published"], "SELECT kpi_code, period_end, actual FROM "
            "published.scorecard WHERE kpi_code IN ? AND council_code = ?", [list(GM), COUNCIL]))
        for row in (r for r in seed_rows if r["kpi_code"] in GM):
            for column, quarter in SEED_PERIODS.items():
                expected = float(row[column]) if row[column] else None
                assert published[(row["kpi_code"], quarter)] == expected, (layout, row["kpi_code"])


@pytest.mark.flow
def test_both_layouts_publish_identical_figures_and_detail(both):
    def figures(layout):
        published = both[layout]["published"]
        return (_query(published, f"SELECT {FIGURES} FROM published.scorecard WHERE kpi_code IN ? "
                                  "ORDER BY ALL", [list(GM)]),
                _query(published, f"SELECT {DETAIL} FROM published.kpi_detail WHERE kpi_code IN ? "
                                  "ORDER BY ALL", [list(GM)]))
    sap, itrent = figures("sap"), figures("itrent")
    assert len(sap[0]) == len(GM) * len(SEED_PERIODS) and len(sap[1]) > 1000
    assert itrent == sap


@pytest.mark.flow
def test_both_layouts_load_the_same_raw_rows(both):
    def loads(layout):
        return _query(both[layout]["warehouse"],
                      "SELECT source_table, rows_in, rows_loaded, rows_quarantined FROM meta.loads "
                      "WHERE source = 'hr_sap' AND run_id = ? ORDER BY 1",
                      [both[layout]["result"]["run_id"]])
    sap = loads("sap")
    assert [r[0] for r in sap] == ["absences", "appraisals", "riddor_reports", "staff_in_post"]
    assert all(rows_in > 0 and quarantined == 0 for _, rows_in, _, quarantined in sap)
    assert loads("itrent") == sap
    contract_columns = {c.table: ", ".join(c.column_names) for c in hr_sap.CONTRACTS}
    for table in HR_TABLES:
        columns = contract_columns[table.split("__")[1]]
        rows = [_query(both[layout]["warehouse"],
                       f"SELECT _row_number, {columns} FROM raw.{table} ORDER BY _row_number")
                for layout in ("sap", "itrent")]
        assert rows[1] == rows[0], table


@pytest.mark.flow
def test_meta_loads_names_the_map_and_its_hash(both):
    map_path = both["itrent"]["landing"] / "hr_sap" / "columns.toml"
    digest = hashlib.sha256(map_path.read_bytes()).hexdigest()
    for layout, expected in (("itrent", (str(map_path), digest)), ("sap", (None, None))):
        rows = _query(both[layout]["warehouse"],
                      "SELECT DISTINCT source, column_map, column_map_sha256 FROM meta.loads "
                      "WHERE run_id = ?", [both[layout]["result"]["run_id"]])
        assert {(s, m, h) for s, m, h in rows if s == "hr_sap"} == {("hr_sap", *expected)}
        assert {(m, h) for s, m, h in rows if s != "hr_sap"} == {(None, None)}


def _load(landing: Path, warehouse: Path) -> dict:
    run_id = pipeline.start_run(warehouse, PERIOD_END)["run_id"]
    results = pipeline.load_extracts(warehouse, run_id, pipeline.extract(landing, PERIOD_END))
    pipeline.finish_run(warehouse, run_id, "failed", "stopped after loading (test)")
    return next(r for r in results if r["raw_table"] == "raw.hr_sap__absences")


def test_a_changed_map_reloads_an_unchanged_file(tmp_path):
    """A file is reused only when it and its map are both as they were: a map that now
    recodes a value changes what the same file loads."""
    landing, warehouse = tmp_path / "landing", tmp_path / "wh" / "scorecard.duckdb"
    itrent_absences(*ITRENT_ABSENCES[:2], "10000003,13/06/2023,,,Sickness - Flu")(landing)
    first = _load(landing, warehouse)
    assert (first["rows_in"], first["rows_loaded"], first["rows_quarantined"]) == (3, 2, 1)
    assert _load(landing, warehouse)["reloaded"] is False
    map_path = landing / "hr_sap" / "columns.toml"
    map_path.write_text(map_path.read_text(encoding="utf-8").replace(
        '"Sickness - Other" = "S12"', '"Sickness - Other" = "S12"\n"Sickness - Flu" = "S01"'),
        encoding="utf-8")
    again = _load(landing, warehouse)
    assert again["reloaded"] is True
    assert (again["rows_in"], again["rows_loaded"], again["rows_quarantined"]) == (3, 3, 0)
    codes = _query(warehouse, "SELECT _row_number, reason_code FROM raw.hr_sap__absences "
                              "ORDER BY 1")
    assert codes == [(2, "S04"), (3, "S12"), (4, "S01")]
    assert _query(warehouse, "SELECT count(*) FROM quarantine.rows")[0][0] == 0


def test_the_quarantined_record_is_the_row_as_the_council_sent_it(tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "wh" / "scorecard.duckdb"
    itrent_absences(ITRENT_ABSENCES[0], "10000002,12/06/2023,13/06/2023,2,Sickness - Flu")(landing)
    _load(landing, warehouse)
    [(record,)] = _query(warehouse, "SELECT record FROM quarantine.rows")
    assert json.loads(record) == {"Person Number": "10000002", "Absence Start Date": "12/06/2023",
                                  "Absence End Date": "13/06/2023", "Days Lost": "2",
                                  "Absence Reason": "Sickness - Flu"}


def test_a_map_edited_after_the_run_found_it_is_never_applied_unrecorded(tmp_path):
    """meta.loads' SHA-256 is the map applied: a map edited after the run hashed it, read
    again (as a separate worker process would, without this process's parsed copy), is refused
    rather than applied under the old hash."""
    landing = tmp_path / "landing"
    itrent_absences(*ITRENT_ABSENCES)(landing)
    warehouse = tmp_path / "wh" / "scorecard.duckdb"
    run_id = pipeline.start_run(warehouse, PERIOD_END)["run_id"]
    manifest = pipeline.extract(landing, PERIOD_END)
    map_path = landing / "hr_sap" / "columns.toml"
    map_path.write_text(map_path.read_text(encoding="utf-8").replace('= "S12"', '= "S01"'),
                        encoding="utf-8")
    column_map._load.cache_clear()
    with pytest.raises(ContractError) as raised:
        pipeline.load_extracts(warehouse, run_id, manifest)
    assert str(raised.value) == f"{map_path}: changed while the run was reading it (run again)"


@pytest.mark.flow
def test_the_publication_and_the_quality_report_name_the_map(both):
    """An auditor of the published database, or of the run's report, sees the map and its hash."""
    map_path = both["itrent"]["landing"] / "hr_sap" / "columns.toml"
    digest = hashlib.sha256(map_path.read_bytes()).hexdigest()
    [(extracts,)] = _query(both["itrent"]["published"], "SELECT DISTINCT extracts FROM "
                           "published.publications")
    mapped = {Path(e["file"]).name: (e.get("column_map"), e.get("column_map_sha256"))
              for e in json.loads(extracts)}
    assert {name for name, (m, _) in mapped.items() if m} == {
        "staff_in_post.csv", "absences.csv", "appraisals.csv", "riddor_reports.csv"}
    assert {v for v in mapped.values() if v[0]} == {(str(map_path), digest)}
    report = Path(both["itrent"]["result"]["quality_report"]).read_text(encoding="utf-8")
    assert report.count(f"read through {map_path} (SHA-256 {digest[:12]}…)") == 4
