"""A KPI is one SQL file (and its drill-through), one catalogue row and a target: added from a
folder outside the project (SCORECARD_KPI_DIRS, docs/adding_a_kpi.md), it is published by the
real flow with its status, rolling figure and detail rows, and no file of the project changes.

ZZ01 here: "% of sickness absence spells starting in the quarter that were for reason S01", over
the existing staging table stg_hr_sap__absences. Its figures are worked by hand below.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from pathlib import Path

import duckdb
import pytest

from helpers.landing_builder import write_landing
from scorecard import config

pytestmark = pytest.mark.flow

D = dt.date

KPI_SQL = """-- ZZ01 % of sickness absence spells starting in the quarter that were for reason S01.
-- Latest quarter; bigger is better. numerator: spells with reason_code S01; denominator: spells
-- starting in the quarter (absence_start), any directorate. Local measure, no DfE equivalent.
SELECT * FROM kpi_totals('kpis.kpi_zz01_s01_share_detail', 'ZZ01', 'hr_sap__staff_in_post')
"""
DETAIL_SQL = """-- ZZ01 drill-through: each sickness absence spell starting in the quarter.
SELECT
    a.council_code,
    'ZZ01'                                                  AS kpi_code,
    p.period_end,
    a.employee_key                                          AS subject_key,
    CASE WHEN a.reason_code = 'S01' THEN 1 ELSE 0 END       AS numerator_value,
    1                                                       AS denominator_value
FROM staging.stg_hr_sap__absences AS a
JOIN intermediate.int_periods AS p ON a.absence_start BETWEEN p.quarter_start AND p.period_end
"""
CATALOGUE_ROW = {
    "kpi_code": "ZZ01", "display_order": "25", "scorecard": "Children & Young People",
    "service": "Good Management", "section": "Sickness", "title": "% of absence spells for reason S01",
    "polarity": "bigger_is_better", "reporting_basis": "latest_quarter",
    "reporting_basis_label": "Latest Quarter", "unit": "percent", "decimals": "1", "tolerance": "0.05",
    "first_period_end": "", "definition": "Absence spells starting in the quarter for reason S01, as a %",
    "numerator_words": "spells with reason S01", "denominator_words": "spells starting in the quarter",
    "dfe_measure": "none (local)", "source_tables": "hr_sap.absences",
}


def employee(n):
    return dict(council_code="916", pers_no=f"{20000000 + n}", employee_name=f"Person {n}",
                directorate="CYP", fte="1", start_date=D(2015, 1, 5))


def spell(n, start, reason):
    return dict(council_code="916", pers_no=f"{20000000 + n}", absence_start=start,
                absence_end=start, reason_code=reason)


# Spells by quarter (S01 of all): Sep-22 1 of 2, Dec-22 1 of 1, Mar-23 0 of 2, Jun-23 3 of 4.
ABSENCES = [
    spell(1, D(2022, 7, 12), "S01"), spell(2, D(2022, 8, 16), "S05"),
    spell(1, D(2022, 11, 8), "S01"),
    spell(1, D(2023, 1, 10), "S02"), spell(2, D(2023, 2, 14), "S03"),
    spell(1, D(2023, 4, 18), "S01"), spell(2, D(2023, 5, 9), "S01"), spell(3, D(2023, 5, 23), "S01"),
    spell(3, D(2023, 6, 6), "S04"),
]
# Every HR and audit table must have rows to pass its raw suite; these do not touch ZZ01.
APPRAISALS = [dict(council_code="916", pers_no="20000001", due_date=D(2023, 3, 31),
                   completed_date=D(2023, 3, 20), entered_on_sap_date=D(2023, 3, 21))]
RECOMMENDATIONS = [dict(council_code="916", rec_ref="A1", audit_title="Payroll", directorate="CYP",
                        priority="High", raised_date=D(2022, 10, 1), agreed_target_date=D(2023, 12, 31),
                        status="Open")]
# Jun-23: 100 x 3 / 4 = 75.0. Target 78.0, bigger is better: 3.0 below it, within the 5%
# tolerance (0.05 x 78 = 3.9), so worse than target, the seed's "●".
# Rolling 12 months (the four quarters to Jun-23, latest-quarter basis): 100 x (1+1+0+3) / (2+1+2+4)
# = 100 x 5 / 9 = 55.56, shown at the KPI's 1 decimal: 55.6.


def project_files() -> dict[str, str]:
    return {str(p.relative_to(config.PROJECT_ROOT)): hashlib.sha256(p.read_bytes()).hexdigest()
            for folder in (config.PROJECT_ROOT / "scorecard", config.SQL_DIR, config.REFERENCE_DIR,
                           config.EXPECTATIONS_DIR)
            for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def added(prefect_harness, tmp_path_factory):
    from flows.quarterly_scorecard import quarterly_scorecard

    root = tmp_path_factory.mktemp("added_kpi")
    folder = root / "my_kpis"
    folder.mkdir()
    (folder / "kpi_zz01_s01_share.sql").write_text(KPI_SQL, encoding="utf-8")
    (folder / "kpi_zz01_s01_share_detail.sql").write_text(DETAIL_SQL, encoding="utf-8")
    with (folder / "kpis.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(CATALOGUE_ROW))
        writer.writeheader()
        writer.writerow(CATALOGUE_ROW)
    (folder / "targets.csv").write_text(
        "council_code,kpi_code,financial_year,target,source\n916,ZZ01,2023/24,78.0,test\n",
        encoding="utf-8")
    landing = write_landing(root / "landing", [employee(1), employee(2), employee(3)], ABSENCES,
                            APPRAISALS, recommendations=RECOMMENDATIONS)
    before = project_files()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(config.KPI_DIRS_ENV, str(folder))
        result = quarterly_scorecard(period_end=D(2023, 6, 30), landing=str(landing),
                                     warehouse=str(root / "scorecard.duckdb"), demo_key=True)
    return {"result": result, "published": root / "scorecard_published.duckdb",
            "warehouse": root / "scorecard.duckdb", "before": before, "after": project_files()}


def query(path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_the_added_kpi_is_published_with_hand_worked_figures(added):
    assert added["result"]["kpi_rows"] == 25
    rows = query(added["published"], """
        SELECT period_end, actual, numerator, denominator, target, status, symbol, rolling_12m, title
        FROM published.scorecard WHERE kpi_code = 'ZZ01'""")
    assert rows == [(D(2023, 6, 30), 75.0, 3.0, 4.0, 78.0, "worse_than_target", "●", 55.6,
                     "% of absence spells for reason S01")]


def test_the_added_kpi_has_its_detail_rows_and_catalogue_entry(added):
    detail = query(added["published"], """
        SELECT numerator_value, denominator_value FROM published.kpi_detail
        WHERE kpi_code = 'ZZ01' ORDER BY numerator_value""")
    assert detail == [(0, 1), (1, 1), (1, 1), (1, 1)]
    assert query(added["published"], "SELECT title FROM published.kpi_catalogue WHERE kpi_code = 'ZZ01'") \
        == [("% of absence spells for reason S01",)]


def test_the_unions_as_run_name_the_added_kpi(added):
    (sql,) = query(added["warehouse"], "SELECT sql FROM meta.model_sql WHERE relation = 'marts.fct_kpi_values'")[0]
    assert sql.rstrip().endswith("UNION ALL BY NAME SELECT * FROM kpis.kpi_zz01_s01_share")


def test_no_project_file_was_edited(added):
    assert added["before"] == added["after"]
