"""The risk register (source `risks`, marts.fct_risk_register, published.risk_register) on a few
reviews written out here, with score, level and trend worked by hand.

Rules (docs/contracts.md, sql/marts/fct_risk_register.sql): score = likelihood x impact;
Low 1-6, Moderate 7-12, High 13-25; each quarter shows a risk's latest review dated on or before
the period end (carried forward when it was not reviewed in the quarter); trend compares the
score with the previous quarter's, found by the same rule; a risk with no review by the previous
quarter end is new (no trend). Q4 2022/23 ends 31 Mar 2023, Q1 2023/24 on 30 Jun 2023.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import duckdb
import pytest

from conftest import run_without_prefect
from helpers.landing_builder import EXTRACT_DATE, write_landing
from scorecard import config, pipeline
from scorecard.build import models
from scorecard.gate import quality
from scorecard.ingest.sources import risks

D = dt.date
Q3, Q4, Q1 = D(2022, 12, 31), D(2023, 3, 31), D(2023, 6, 30)
OWNER = "Director of Children's Services"


def review(risk_id, review_date, likelihood, impact, title=None, council_code="916"):
    return dict(council_code=council_code, risk_id=risk_id, title=title or f"Risk {risk_id}",
                directorate="CYP", owner=OWNER, likelihood=likelihood, impact=impact,
                controls="Monthly monitoring, escalation to the risk board", review_date=review_date)


def write_risk_register(landing: Path, rows, extract_date: str = EXTRACT_DATE) -> Path:
    contract = risks.RISK_REGISTER
    path = landing / contract.source / extract_date / contract.file_name
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(contract.column_names)
        for row in rows:
            writer.writerow([row[c].isoformat() if isinstance(row[c], dt.date) else row[c]
                             for c in contract.column_names])
    return path


def hr_and_audit_landing(root: Path) -> Path:
    """The HR and audit extracts a council always sends, one record each (the gate wants rows)."""
    return write_landing(
        root / "landing",
        staff=[dict(council_code="916", pers_no="10000001", employee_name="Person 1",
                    directorate="CYP", fte="1", start_date=D(2015, 1, 5))],
        absences=[dict(council_code="916", pers_no="10000001", absence_start=D(2023, 5, 3),
                       absence_end=D(2023, 5, 4), reason_code="S01")],
        appraisals=[dict(council_code="916", pers_no="10000001", due_date=D(2023, 3, 31),
                         completed_date=D(2023, 3, 20), entered_on_sap_date=D(2023, 3, 21))],
        riddor=[dict(council_code="916", riddor_ref="R-1", directorate="CYP",
                     incident_date=D(2023, 5, 10), reported_date=D(2023, 5, 10),
                     category="OVER_7_DAY_INJURY")],
        recommendations=[dict(council_code="916", rec_ref="A1", audit_title="Payroll",
                              directorate="CYP", priority="High", raised_date=D(2022, 10, 1),
                              agreed_target_date=D(2023, 12, 31), status="Open")])


REVIEWS = [
    # R1 rising across the Low/Moderate boundary: 6 (Low) at Q3, 8 (Moderate) at Q4, 12 at Q1;
    # renamed at its last review (the register shows the latest title)
    review("R1", D(2022, 12, 10), 2, 3),
    review("R1", D(2023, 3, 10), 2, 4),
    review("R1", D(2023, 5, 20), 3, 4, title="Placement sufficiency (revised)"),
    # R2 falling across the Moderate/High boundary: new at Q4 with 15 (High), 12 (Moderate) at Q1
    review("R2", D(2023, 2, 1), 3, 5),
    review("R2", D(2023, 4, 15), 4, 3),
    # R3 unchanged at the maximum, reviewed on the period end itself (which is in the quarter)
    review("R3", D(2023, 1, 15), 5, 5),
    review("R3", D(2023, 6, 30), 5, 5),
    # R4 reviewed on Q4's last day and not in Q1: Q1 carries the Q4 review
    review("R4", D(2023, 3, 31), 1, 1),
    # R5 reviewed twice in Q1: the later review counts; new at Q1 (nothing by Q4)
    review("R5", D(2023, 4, 10), 4, 4),
    review("R5", D(2023, 6, 1), 2, 2),
    # R6 first reviewed after the period end (before the extract date): not on Q1's register
    review("R6", D(2023, 7, 5), 3, 3),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("risks")
    landing = hr_and_audit_landing(root)
    write_risk_register(landing, REVIEWS)
    warehouse = root / "wh.duckdb"
    outcome = run_without_prefect(landing, warehouse, Q1)
    con = duckdb.connect(str(warehouse), read_only=True)
    columns = ("risk_id", "period_end", "title", "likelihood", "impact", "score", "level",
               "review_date", "reviewed_in_quarter", "previous_score", "previous_level", "trend")
    rows = con.execute(f"SELECT {', '.join(columns)} FROM marts.fct_risk_register").fetchall()
    con.close()
    register = {(r[0], r[1]): dict(zip(columns, r)) for r in rows}
    return {"register": register, "warehouse": warehouse, "outcome": outcome}


def at(built, risk_id, period_end):
    return built["register"].get((risk_id, period_end))


def test_score_is_likelihood_times_impact_and_level_follows_the_matrix(built):
    assert (at(built, "R1", Q3)["score"], at(built, "R1", Q3)["level"]) == (6, "Low")        # 2 x 3
    assert (at(built, "R1", Q4)["score"], at(built, "R1", Q4)["level"]) == (8, "Moderate")   # 2 x 4
    assert (at(built, "R1", Q1)["score"], at(built, "R1", Q1)["level"]) == (12, "Moderate")  # 3 x 4
    assert (at(built, "R2", Q4)["score"], at(built, "R2", Q4)["level"]) == (15, "High")      # 3 x 5
    assert (at(built, "R3", Q1)["score"], at(built, "R3", Q1)["level"]) == (25, "High")
    assert (at(built, "R4", Q1)["score"], at(built, "R4", Q1)["level"]) == (1, "Low")


def test_trend_against_the_previous_quarter(built):
    r1 = at(built, "R1", Q1)
    assert (r1["previous_score"], r1["previous_level"], r1["trend"]) == (8, "Moderate", "increasing")
    assert at(built, "R1", Q4)["trend"] == "increasing"                  # 6 -> 8
    r2 = at(built, "R2", Q1)
    assert (r2["previous_score"], r2["previous_level"], r2["trend"]) == (15, "High", "decreasing")
    assert (at(built, "R3", Q1)["previous_score"], at(built, "R3", Q1)["trend"]) == (25, "no_change")


def test_a_new_risk_has_no_trend(built):
    assert at(built, "R1", Q3)["trend"] is None and at(built, "R1", Q3)["previous_score"] is None
    assert (at(built, "R2", Q4)["previous_score"], at(built, "R2", Q4)["trend"]) == (None, None)
    assert (at(built, "R5", Q1)["previous_score"], at(built, "R5", Q1)["trend"]) == (None, None)


def test_a_quarter_without_a_review_carries_the_previous_review(built):
    r4 = at(built, "R4", Q1)
    assert (r4["score"], r4["review_date"], r4["reviewed_in_quarter"]) == (1, D(2023, 3, 31), False)
    assert (r4["previous_score"], r4["trend"]) == (1, "no_change")   # the same review both quarters
    assert at(built, "R4", Q4)["reviewed_in_quarter"] is True        # 31 Mar is in Q4


def test_the_review_used_is_the_latest_on_or_before_the_period_end(built):
    r5 = at(built, "R5", Q1)                                          # two reviews in Q1
    assert (r5["review_date"], r5["likelihood"], r5["impact"], r5["score"]) == (D(2023, 6, 1), 2, 2, 4)
    assert at(built, "R1", Q1)["title"] == "Placement sufficiency (revised)"
    assert at(built, "R1", Q4)["title"] == "Risk R1"                 # the title as it stood then
    assert at(built, "R3", Q1)["review_date"] == Q1                  # a review on the period end
    assert at(built, "R5", Q4) is None                                # first reviewed after Q4
    assert at(built, "R6", Q1) is None                                # reviewed after the period end
    assert {r for r, p in built["register"] if p == Q1} == {"R1", "R2", "R3", "R4", "R5"}
    assert at(built, "R1", D(2022, 9, 30)) is None                    # before its first review


def test_the_register_passes_the_gate_and_is_published(built):
    assert built["outcome"]["publication_id"]
    con = duckdb.connect(str(built["outcome"]["published"]), read_only=True)
    rows = con.execute("SELECT risk_id, score, level, trend FROM published.risk_register "
                       "WHERE council_code = '916' ORDER BY risk_id").fetchall()
    periods = con.execute("SELECT DISTINCT period_end FROM published.risk_register").fetchall()
    con.close()
    assert periods == [(Q1,)]                                         # the published quarter only
    assert rows == [("R1", 12, "Moderate", "increasing"), ("R2", 12, "Moderate", "decreasing"),
                    ("R3", 25, "High", "no_change"), ("R4", 1, "Low", "no_change"),
                    ("R5", 4, "Low", None)]


def test_level_bands_at_every_score_of_the_matrix():
    """All 25 cells of the 5 x 5 matrix through the model itself: boundaries 6/7 and 12/13."""
    con = duckdb.connect()
    models.create_macros(con, config.SQL_DIR)
    con.execute("CREATE SCHEMA staging; CREATE SCHEMA intermediate")
    con.execute("CREATE TABLE intermediate.int_periods AS SELECT DATE '2023-06-30' AS period_end, "
                "'Jun-23' AS period_label, DATE '2023-04-01' AS quarter_start, "
                "DATE '2023-03-31' AS previous_period_end")
    con.execute("""CREATE TABLE staging.stg_risks__risk_register AS
        SELECT '916' AS council_code, 'R' || l || i AS risk_id, 'Risk' AS title, 'CYP' AS directorate,
               'Director' AS owner, l AS likelihood, i AS impact, 'Controls' AS controls,
               DATE '2023-05-01' AS review_date
        FROM range(1, 6) AS a(l), range(1, 6) AS b(i)""")
    (model,) = [m for m in models.discover(config.SQL_DIR) if m.name == "fct_risk_register"]
    rows = con.execute(f"SELECT likelihood, impact, score, level FROM ({model.sql})").fetchall()
    con.close()
    assert len(rows) == 25
    for likelihood, impact, score, level in rows:
        assert score == likelihood * impact
        assert level == ("Low" if score <= 6 else "Moderate" if score <= 12 else "High")
    levels = {score: level for _, _, score, level in rows}
    assert (levels[6], levels[8], levels[12], levels[15]) == ("Low", "Moderate", "Moderate", "High")


def test_the_mart_suite_blocks_a_score_or_level_that_breaks_the_matrix(built, tmp_path):
    con = duckdb.connect()
    con.execute(f"ATTACH '{built['warehouse']}' AS wh (READ_ONLY)")
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE TABLE marts.fct_risk_register AS SELECT * FROM wh.marts.fct_risk_register")
    (suite,) = [s for s in quality.load_suites(config.EXPECTATIONS_DIR)
                if s.meta["table"] == "marts.fct_risk_register"]
    assert quality.blocking_failures(quality.run_suites(con, [suite])) == []
    # 3 x 4 recorded as 13 and called High; a risk with a previous score but no trend
    con.execute("UPDATE marts.fct_risk_register SET score = 13, level = 'High' "
                "WHERE risk_id = 'R1' AND period_end = DATE '2023-06-30'")
    con.execute("UPDATE marts.fct_risk_register SET trend = NULL "
                "WHERE risk_id = 'R2' AND period_end = DATE '2023-06-30'")
    failed = quality.blocking_failures(quality.run_suites(con, [suite]))
    con.close()
    assert sorted((f.expectation, f.column, f.unexpected_count) for f in failed) == [
        ("expect_column_pair_values_to_be_in_set", "score, level", 1),       # 13 is no product
        ("expect_column_values_to_be_in_set", "score", 1),                   # the 3 x 4 cell
        ("expect_column_values_to_not_be_null", "trend", 1),
    ]
    assert not any(f.raised for f in failed)


def test_a_likelihood_outside_one_to_five_is_quarantined(tmp_path):
    landing = hr_and_audit_landing(tmp_path)
    write_risk_register(landing, [review("R1", D(2023, 5, 1), 6, 3), review("R2", D(2023, 5, 1), 2, "0"),
                                  review("R3", D(2023, 5, 1), 2, 2)])
    warehouse = tmp_path / "wh.duckdb"
    run = pipeline.start_run(warehouse, Q1)
    pipeline.load_extracts(warehouse, run["run_id"], pipeline.extract(landing, Q1))
    con = duckdb.connect(str(warehouse), read_only=True)
    quarantined = con.execute("SELECT row_number, column_name, value FROM quarantine.rows "
                              "WHERE source = 'risks' ORDER BY row_number").fetchall()
    loaded = con.execute("SELECT risk_id FROM raw.risks__risk_register").fetchall()
    con.close()
    assert quarantined == [(2, "likelihood", "6"), (3, "impact", "0")]
    assert loaded == [("R3",)]


def test_a_council_that_sends_no_risk_register_is_not_blocked(tmp_path):
    landing = hr_and_audit_landing(tmp_path)
    outcome = run_without_prefect(landing, tmp_path / "wh.duckdb", Q1)
    assert outcome["publication_id"]
    con = duckdb.connect(str(outcome["published"]), read_only=True)
    assert con.execute("SELECT count(*) FROM published.risk_register").fetchone() == (0,)
    con.close()
