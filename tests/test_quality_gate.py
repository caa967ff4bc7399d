"""The publication gate on real warehouses built from small hand-made extracts.

Each scenario builds a warehouse through the plain pipeline functions (extract, load, build) and
runs the real gate (`pipeline.check`, every suite in expectations/): reconciliation of loads,
catalogue coverage, future dates, quarter-on-quarter plausibility, and the HTML report and
`data_quality_frame` made from what the gate recorded.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from helpers.landing_builder import write_landing
from scorecard import config, pipeline
from scorecard.build import models
from scorecard.gate import quality
from scorecard.errors import GateFailed
from scorecard.gate.quality_report import WITHHELD, data_quality_frame, write_quality_report
from scorecard.ingest.sources import CONTRACTS
from scorecard.warehouse import open_warehouse

D = dt.date
Q4, Q1 = D(2023, 3, 31), D(2023, 6, 30)
SCRIPT = "<script>alert('x')</script>"


def employee(n, directorate="CYP", leaving=None, reason=None):
    return dict(council_code="916", pers_no=f"{10000000 + n}", employee_name=f"Person {n}",
                directorate=directorate, fte="1", start_date=D(2015, 1, 5), leaving_date=leaving,
                leaving_reason=reason)


def riddor(ref, reported):
    return dict(council_code="916", riddor_ref=ref, directorate="CYP", incident_date=reported,
                reported_date=reported, category="OVER_7_DAY_INJURY")


STAFF = [employee(1), employee(2)]
# 2 days lost in each quarter: GM01 steady at 1.00 day per FTE
ABSENCES = [
    dict(council_code="916", pers_no="10000001", absence_start=D(2023, 2, 1), absence_end=D(2023, 2, 2),
         reason_code="S01"),
    dict(council_code="916", pers_no="10000002", absence_start=D(2023, 5, 3), absence_end=D(2023, 5, 4),
         reason_code="S01"),
]
APPRAISALS = [dict(council_code="916", pers_no="10000001", due_date=D(2023, 3, 31),
                   completed_date=D(2023, 3, 20), entered_on_sap_date=D(2023, 3, 21))]
RIDDOR = [riddor("R-1", D(2023, 2, 10)), riddor("R-2", D(2023, 5, 10))]   # one a quarter
RECOMMENDATIONS = [dict(council_code="916", rec_ref="A1", audit_title="Payroll", directorate="CYP",
                        priority="High", raised_date=D(2022, 10, 1), agreed_target_date=D(2023, 12, 31),
                        status="Open")]


def landing(root: Path, staff=STAFF, riddor_reports=RIDDOR) -> Path:
    return write_landing(root / "landing", staff, ABSENCES, APPRAISALS, riddor_reports, RECOMMENDATIONS)


def build(root: Path, tamper: str | None = None, **data) -> tuple[Path, str]:
    """Extract, load, run `tamper` (SQL) on the loaded warehouse, then build; returns (warehouse, run_id)."""
    warehouse = root / "wh.duckdb"
    run = pipeline.start_run(warehouse, Q1)
    pipeline.load_extracts(warehouse, run["run_id"], pipeline.extract(landing(root, **data), Q1))
    if tamper:
        with open_warehouse(warehouse) as con:
            con.execute(tamper)
    pipeline.build(warehouse, run["run_id"], Q1, demo_key=True)
    return warehouse, run["run_id"]


def gate(warehouse: Path, run_id: str) -> dict:
    """The gate's outcome: {"blocking": [...], "warnings": [...]} (blocking empty when it passes)."""
    try:
        checks = pipeline.check(warehouse, run_id)
    except GateFailed as failed:
        return {"blocking": failed.failures, "warnings": warnings_of(warehouse, run_id)}
    return {"blocking": [], "warnings": checks["warnings"]}


def warnings_of(warehouse: Path, run_id: str) -> list[str]:
    with open_warehouse(warehouse) as con:
        return [m for (m,) in con.execute(
            "SELECT message FROM meta.check_results WHERE run_id = ? AND NOT success "
            "AND severity = 'warning'", [run_id]).fetchall()]


def results(warehouse: Path, run_id: str, table: str) -> list[tuple]:
    with open_warehouse(warehouse) as con:
        return con.execute(
            "SELECT expectation, column_name, severity, success, message FROM meta.check_results "
            "WHERE run_id = ? AND table_name = ?", [run_id, table]).fetchall()


def query(warehouse: Path, sql: str, params=None) -> list[tuple]:
    with open_warehouse(warehouse) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    root = tmp_path_factory.mktemp("good")
    warehouse, run_id = build(root)
    return {"warehouse": warehouse, "run_id": run_id, "gate": gate(warehouse, run_id), "root": root}


@pytest.fixture(scope="module")
def future(tmp_path_factory):
    """An absence start (an event) and a leaving date (scheduled) after the extract date of
    2023-07-07; a row quarantined for a directorate that is a script tag and one for an employee
    number of 7 digits; and an employee number of raw changed to break its suite's pattern.

    The loader quarantines a row whose contract marks the column as an event date after the
    extract date; the gate's future-date check is the second line, for whatever reaches staging
    anyway (a column not marked, raw edited after its load). So the dates are put in raw here."""
    root = tmp_path_factory.mktemp("future")
    staff = [*STAFF, employee(3, directorate=SCRIPT), employee(4), {**employee(5), "pers_no": "1234567"}]
    warehouse, run_id = build(root, staff=staff, tamper="""
        UPDATE raw.hr_sap__absences SET absence_start = '20.07.2023', absence_end = '21.07.2023'
        WHERE pers_no = '10000002';
        UPDATE raw.hr_sap__absences SET pers_no = 'X2345678' WHERE pers_no = '10000001';
        UPDATE raw.hr_sap__staff_in_post SET leaving_date = '31.08.2023', leaving_reason = 'RES'
        WHERE pers_no = '10000004';""")
    return {"warehouse": warehouse, "run_id": run_id, "gate": gate(warehouse, run_id), "root": root}


# --- good data -----------------------------------------------------------------------------------

def test_good_data_passes_every_suite(good):
    assert good["gate"] == {"blocking": [], "warnings": []}
    checked = {t for (t,) in query(good["warehouse"], "SELECT DISTINCT table_name FROM meta.check_results "
                                                      "WHERE run_id = ?", [good["run_id"]])}
    assert {"marts.mart_load_reconciliation", "marts.mart_catalogue_coverage", "marts.mart_future_dates",
            "marts.mart_kpi_movements", "marts.fct_kpi_values", "marts.fct_kpi_detail",
            "marts.fct_kpi_breakdowns", "marts.mart_scorecard"} <= checked


def test_reconciliation_balances_every_load_of_the_run(good):
    rows = query(good["warehouse"], "SELECT raw_table, rows_in, rows_loaded, raw_rows, balanced, "
                                    "raw_matches_load, quarantine_matches_load FROM marts.mart_load_reconciliation")
    assert len(rows) == len(CONTRACTS)
    assert ("raw.hr_sap__absences", 2, 2, 2, True, True, True) in rows
    assert all(r[4:] == (True, True, True) for r in rows)


# --- reconciliation ------------------------------------------------------------------------------

def test_a_raw_row_deleted_after_load_blocks_publication(tmp_path):
    warehouse, run_id = build(tmp_path, tamper="DELETE FROM raw.hr_sap__absences WHERE pers_no = '10000001'")
    outcome = gate(warehouse, run_id)
    assert outcome["blocking"] == [
        "marts.mart_load_reconciliation: expect_column_values_to_be_null(raw_table_problem) failed: "
        "1 unexpected value, e.g. ['raw.hr_sap__absences holds 1 rows but its load recorded 2 loaded']"]
    failed = [r for r in results(warehouse, run_id, "marts.mart_load_reconciliation") if not r[3]]
    assert [(e, c, s) for e, c, s, _, _ in failed] == [
        ("expect_column_values_to_be_null", "raw_table_problem", "error")]


def test_load_counts_that_do_not_add_up_block_publication(tmp_path):
    warehouse, run_id = build(tmp_path, tamper="""
        UPDATE meta.loads SET rows_in = rows_in + 1 WHERE source_table = 'riddor_reports';
        INSERT INTO quarantine.rows VALUES ('x', 'hr_sap', 'appraisals', 'f.csv', 9, 'due_date', '', 'r', '{}')""")
    blocking = gate(warehouse, run_id)["blocking"]
    assert len(blocking) == 2
    assert "raw.hr_sap__riddor_reports: 3 rows in but 2 loaded + 0 quarantined = 2" in blocking[0]
    assert "quarantine.rows holds 1 rows of raw.hr_sap__appraisals but its load recorded 0" in blocking[1]


def test_the_reconciliation_counts_every_raw_table_of_the_contracts():
    path = config.SQL_DIR / "marts" / "mart_load_reconciliation.sql"
    files = models._files(config.SQL_DIR, ())
    context = models.template_context(models.catalogue_codes(), files)
    sql = models.render(path, path.read_text(encoding="utf-8"), context)  # the SQL as run
    counted = re.findall(r"SELECT '(raw\.\w+)'(?: AS raw_table)?, _source_file(?: AS source_file)?, "
                         r"count\(\*\)(?: AS raw_rows)?\s+FROM (raw\.\w+) GROUP BY ALL", sql)
    assert all(label == table for label, table in counted)
    assert sorted(t for t, _ in counted) == sorted(c.raw_table for c in CONTRACTS)


# --- catalogue coverage --------------------------------------------------------------------------

def test_a_kpi_missing_from_the_scorecard_blocks_publication(good, tmp_path):
    warehouse = tmp_path / "wh.duckdb"
    shutil.copyfile(good["warehouse"], warehouse)
    coverage = next(m for m in models.discover(config.SQL_DIR) if m.name == "mart_catalogue_coverage")
    with open_warehouse(warehouse) as con:
        con.execute("DELETE FROM marts.mart_scorecard WHERE kpi_code = 'GM03' AND period_end = ?", [Q1])
        con.execute(f"CREATE OR REPLACE TABLE {coverage.relation} AS {coverage.sql.strip().rstrip(';')}")
    outcome = gate(warehouse, good["run_id"])
    assert outcome["blocking"] == [
        "marts.mart_catalogue_coverage: expect_column_values_to_be_null(coverage_problem) failed: 1 unexpected "
        "value, e.g. ['916 2023-06-30: 23 of 24 catalogue KPIs in the scorecard; missing GM03']"]


# --- future dates --------------------------------------------------------------------------------

def test_every_contract_date_column_says_what_a_future_date_means():
    """mart_future_dates is generated from the contracts: a date column with no kind would go
    unchecked without anyone deciding so."""
    for contract in CONTRACTS:
        for column in contract.columns:
            if column.kind == "date":
                assert column.future_date_kind in ("event", "scheduled", "target"), \
                    (contract.raw_table, column.name)
            else:
                assert column.future_date_kind in (None, "event"), (contract.raw_table, column.name)


def test_a_future_event_date_blocks_naming_table_and_column(future):
    (blocking,) = [b for b in future["gate"]["blocking"] if b.startswith("marts.mart_future_dates")]
    assert blocking.startswith("marts.mart_future_dates: expect_column_values_to_be_null(future_dates_problem)")
    assert ("staging.stg_hr_sap__absences.absence_start (raw.hr_sap__absences.absence_start): 1 of 2 dates "
            "after the extract date 2023-07-07, latest 2023-07-20") in blocking


def test_a_future_scheduled_date_is_only_a_warning(future):
    (warning,) = [w for w in future["gate"]["warnings"] if "mart_future_dates" in w]
    assert "staging.stg_hr_sap__staff_in_post.leaving_date" in warning
    assert "staging.stg_hr_sap__absences.absence_end" in warning   # the spell's expected end
    assert not any("leaving_date" in b for b in future["gate"]["blocking"])


def test_future_dates_cover_the_date_columns_of_staging(good):
    """Every date column of a source's staging model is checked, or is a target/due date."""
    not_checked = {("staging.stg_hr_sap__appraisals", "due_date"),
                   ("staging.stg_audit__recommendations", "agreed_target_date"),
                   ("staging.stg_audit__recommendations", "revised_target_date"),
                   ("staging.stg_social_care__cin_section47", "initial_cpc_target_date")}
    # the contracts say the same: these are their target dates, by their staging names
    assert not_checked == {(f"staging.stg_{c.source}__{c.table}", col.staging_name) for c in CONTRACTS
                           for col in c.columns if col.future_date_kind == "target"}
    date_columns = set(query(good["warehouse"], """
        SELECT table_schema || '.' || table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'staging' AND data_type = 'DATE' AND table_name NOT LIKE 'stg_reference%'"""))
    checked = dict(((t, c), k) for t, c, k in query(
        good["warehouse"], "SELECT table_name, column_name, date_kind FROM marts.mart_future_dates"))
    assert set(checked) == date_columns - not_checked
    # a column whose contract says it records an event is never merely 'scheduled' here
    events = {(c.raw_table, col.name) for c in CONTRACTS for col in c.columns if getattr(col, "event", False)}
    raw_of = dict(((t, c), (r, rc)) for t, c, r, rc in query(
        good["warehouse"], "SELECT table_name, column_name, raw_table, raw_column FROM marts.mart_future_dates"))
    assert [k for k, kind in checked.items() if kind == "scheduled" and raw_of[k] in events] == []


# --- plausibility --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def jump(tmp_path_factory):
    """Nine RIDDOR reports in Q1 after one in Q4: GM06 jumps from 1 to 9."""
    root = tmp_path_factory.mktemp("jump")
    reports = [RIDDOR[0], *(riddor(f"R-Q1-{n}", D(2023, 5, n)) for n in range(1, 10))]
    warehouse, run_id = build(root, riddor_reports=reports)
    return {"warehouse": warehouse, "run_id": run_id, "gate": gate(warehouse, run_id)}


def test_a_big_quarter_on_quarter_jump_is_a_warning_not_a_block(jump):
    assert jump["gate"]["blocking"] == []
    assert jump["gate"]["warnings"] == [
        "marts.mart_kpi_movements: expect_column_values_to_be_null(implausible_movement_problem) failed: "
        "1 unexpected value, e.g. ['916 GM06 Jun-23: 1.0 -> 9.0 (+8.0, +800%); limits 5.0 and 100% "
        "(plausibility.csv row GM06)']"]
    assert query(jump["warehouse"], "SELECT kpi_code, previous_actual, actual, implausible_movement "
                                    "FROM marts.mart_kpi_movements WHERE implausible_movement") == [
        ("GM06", 1.0, 9.0, True)]


def test_a_threshold_is_changed_in_reference_plausibility_csv(jump, tmp_path, monkeypatch):
    reference = tmp_path / "reference"
    shutil.copytree(config.REFERENCE_DIR, reference)
    path = reference / "plausibility.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({**r, "max_absolute_change": "10"} if r["kpi_code"] == "GM06" else r for r in rows)
    warehouse = tmp_path / "wh.duckdb"
    shutil.copyfile(jump["warehouse"], warehouse)
    monkeypatch.setattr(config, "REFERENCE_DIR", reference)
    pipeline.build(warehouse, jump["run_id"], Q1, demo_key=True)
    assert query(warehouse, "SELECT count(*) FROM marts.mart_kpi_movements WHERE implausible_movement") == [(0,)]


def test_the_default_row_applies_to_kpis_without_their_own(good):
    limits = dict((k, (a, r, f)) for k, a, r, f in query(good["warehouse"], """
        SELECT DISTINCT kpi_code, max_absolute_change, max_relative_change, threshold_from
        FROM marts.mart_kpi_movements"""))
    assert limits["GM06"] == (5.0, 1.0, "GM06")
    assert limits["QA01"] == (15.0, 0.5, "*")


# --- suites and the catalogue ----------------------------------------------------------------------

def suite(name: str) -> dict:
    return json.loads((config.EXPECTATIONS_DIR / f"{name}.json").read_text(encoding="utf-8"))


def test_every_mart_has_a_suite():
    marts = {p.stem for p in (config.SQL_DIR / "marts").glob("*.sql")}
    suites = {p.stem.removeprefix("marts__") for p in config.EXPECTATIONS_DIR.glob("marts__*.json")}
    assert marts == suites


def test_suite_code_lists_follow_the_catalogue_and_the_contracts():
    """The suites name no KPI code or raw table themselves: the lists are filled in from the
    catalogue and the contracts when the suites are loaded."""
    catalogue = list(csv.DictReader((config.REFERENCE_DIR / "kpis.csv").open(encoding="utf-8")))
    codes = sorted(r["kpi_code"] for r in catalogue)
    per_fte = sorted(r["kpi_code"] for r in catalogue if r["unit"] == "days_per_fte")
    assert per_fte == ["GM01", "GM02", "GM03"]
    raw_tables = sorted(c.raw_table for c in CONTRACTS)
    for name in ("marts__fct_kpi_values", "marts__fct_kpi_detail", "marts__mart_load_reconciliation",
                 "marts__mart_future_dates"):
        assert "GM07" not in json.dumps(suite(name)) and "raw.hr_sap" not in json.dumps(suite(name))
    loaded = {s.name: s for s in quality.load_suites(config.EXPECTATIONS_DIR)}

    def kwargs(name, expectation, **match):
        (found,) = [e.kwargs for e in loaded[name].expectations
                    if e.expectation_type == expectation
                    and all(e.kwargs.get(k) == v for k, v in match.items())]
        return found
    for name in ("marts__fct_kpi_values", "marts__fct_kpi_detail"):
        in_set = kwargs(name, "expect_column_values_to_be_in_set", column="kpi_code")
        assert sorted(in_set["value_set"]) == codes, name
    pair = kwargs("marts__fct_kpi_values", "expect_column_pair_values_a_to_be_greater_than_b")
    assert sorted(pair["row_condition"]["parameter"]) == per_fte
    for name in ("marts__mart_load_reconciliation", "marts__mart_future_dates"):
        in_set = kwargs(name, "expect_column_values_to_be_in_set", column="raw_table")
        assert sorted(in_set["value_set"]) == raw_tables, name


def test_a_catalogue_list_in_a_suite_must_name_a_catalogue_column(tmp_path):
    (tmp_path / "marts__x.json").write_text(json.dumps({
        "name": "marts__x", "meta": {"table": "marts.x"}, "expectations": [
            {"type": "expect_column_values_to_be_in_set",
             "kwargs": {"column": "kpi_code", "value_set": {"$catalogue": "kpi_kode"}}}]}))
    with pytest.raises(quality.SuiteError, match=r"marts__x.json: expectation 1 .*names a column the "
                                                 r"KPI catalogue does not have"):
        quality.load_suites(tmp_path)


def test_numerator_above_denominator_fails_only_for_kpis_that_are_shares(good, tmp_path):
    warehouse = tmp_path / "wh.duckdb"
    shutil.copyfile(good["warehouse"], warehouse)
    with open_warehouse(warehouse) as con:
        con.execute("UPDATE marts.fct_kpi_values SET numerator = denominator + 1 "
                    "WHERE kpi_code IN ('GM01', 'GM05') AND period_end = ?", [Q1])
    blocking = gate(warehouse, good["run_id"])["blocking"]
    assert len(blocking) == 1
    assert blocking[0].startswith("marts.fct_kpi_values: expect_column_pair_values_a_to_be_greater_than_b"
                                  "(denominator, numerator) failed: 1 unexpected value")


# --- the report ----------------------------------------------------------------------------------

class StrictParser(HTMLParser):
    """Fails on a closing tag that does not close the innermost open element; collects text."""

    VOID = {"meta", "br", "hr", "img", "input", "link"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []
        self.doctype = None

    def handle_decl(self, decl):
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1] if self.open else None}>"
        self.open.pop()

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture(scope="module")
def report(future):
    with open_warehouse(future["warehouse"]) as con:
        path = write_quality_report(con, future["run_id"], future["root"] / "reports")
    html = path.read_text(encoding="utf-8")
    parser = StrictParser()
    parser.feed(html)
    parser.close()
    return {"path": path, "html": html, "parser": parser, "text": " ".join(" ".join(parser.text).split())}


def test_the_report_is_well_formed_html(report):
    parser = report["parser"]
    assert parser.doctype == "DOCTYPE html"
    assert parser.open == []
    assert parser.tags[0] == "html" and "script" not in parser.tags and "link" not in parser.tags
    assert report["path"].name.startswith("quality_") and report["path"].suffix == ".html"


def test_the_report_shows_every_failed_check_message_and_the_status_in_words(report, future):
    with open_warehouse(future["warehouse"]) as con:
        frame = data_quality_frame(con, future["run_id"])   # the messages, identifier values withheld
    failed = frame.filter(~frame["success"])
    # the fixture's 2 quarantined staff rows are 40% of its 5-row file, but within the 2 rows a
    # file may always lose (max(5% x 5, 2) = 2): no threshold failure (tests/test_quarantine_threshold.py)
    assert sorted(failed["severity"]) == ["error", "error", "warning"]
    assert failed.filter(failed["column_name"] == "quarantine_threshold_problem").height == 0
    for message in failed["message"]:
        assert " ".join(message.split()) in report["text"]
    text = report["text"]
    assert "BLOCKED" in text and "FAILED (ERROR)" in text and "FAILED (WARNING)" in text
    # failures first, errors before warnings
    assert text.index("FAILED (ERROR)") < text.index("FAILED (WARNING)") < text.index("Passed checks")


def test_the_report_escapes_values(report):
    assert SCRIPT in report["text"]                         # shown, as text
    assert "&lt;script&gt;" in report["html"] and "<script" not in report["html"]


def test_the_report_lists_loads_and_quarantine(report):
    text = report["text"]
    assert "raw.hr_sap__staff_in_post" in text
    assert "not one of CYP, ADS, PLC, RES, CEX" in text     # the quarantine reason, by table
    assert "not sent (loaded empty)" in text                # the social care tables


def test_identifier_values_are_withheld(report, future):
    with open_warehouse(future["warehouse"]) as con:
        frame = data_quality_frame(con, future["run_id"])
    (pattern,) = frame.filter(~frame["success"] & (frame["column_name"] == "pers_no")).to_dicts()
    assert pattern["table_name"] == "raw.hr_sap__absences" and pattern["unexpected_count"] == 1
    assert pattern["message"].endswith(f"failed: 1 unexpected value, e.g. {WITHHELD}")
    assert "X2345678" not in report["html"] and "1234567" not in report["html"]   # nor the quarantined one
    assert report["text"].count(WITHHELD) == 2


def test_the_data_quality_frame_has_one_row_per_check(future):
    with open_warehouse(future["warehouse"]) as con:
        frame = data_quality_frame(con, future["run_id"])
        recorded = con.execute("SELECT count(*), count(*) FILTER (WHERE NOT success) FROM meta.check_results "
                               "WHERE run_id = ?", [future["run_id"]]).fetchone()
    assert frame.columns == ["run_id", "suite", "table_name", "expectation", "column_name", "severity", "success",
                             "unexpected_count", "observed", "message", "checked_at"]
    assert (frame.height, (~frame["success"]).sum()) == recorded
    assert set(frame["run_id"]) == {future["run_id"]}
