"""Targets: one per council, KPI and financial year, optionally profiled by quarter, and the
gate's word on targets that are missing or contradict each other (marts.mart_target_coverage).

Built from a small hand-made HR landing (one RIDDOR report in Mar-23 and one in Jun-23: GM06 is
1 in both quarters) through the plain pipeline functions, with a copy of reference/ whose
targets.csv each test edits.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil

import pytest

from helpers.landing_builder import write_landing
from scorecard import config, pipeline
from scorecard.errors import GateFailed
from scorecard.warehouse import open_warehouse

D = dt.date
Q4, Q1 = D(2023, 3, 31), D(2023, 6, 30)
STAFF = [dict(council_code="916", pers_no="10000001", employee_name="Person 1", directorate="CYP",
              fte="1", start_date=D(2015, 1, 5))]
# 2 days lost in each of Mar-23 and Jun-23: GM01 steady (no implausible-movement warning)
ABSENCES = [dict(council_code="916", pers_no="10000001", absence_start=start, absence_end=start + dt.timedelta(1),
                 reason_code="S01") for start in (D(2023, 2, 1), D(2023, 5, 3))]
APPRAISALS = [dict(council_code="916", pers_no="10000001", due_date=D(2023, 3, 31),
                   completed_date=D(2023, 3, 20), entered_on_sap_date=D(2023, 3, 21))]
RIDDOR = [dict(council_code="916", riddor_ref=ref, directorate="CYP", incident_date=day,
               reported_date=day, category="OVER_7_DAY_INJURY")
          for ref, day in (("R-1", D(2023, 2, 10)), ("R-2", D(2023, 5, 10)))]
RECOMMENDATIONS = [dict(council_code="916", rec_ref="A1", audit_title="Payroll", directorate="CYP",
                        priority="High", raised_date=D(2022, 10, 1), agreed_target_date=D(2023, 12, 31),
                        status="Open")]
FIELDS = ["council_code", "kpi_code", "financial_year", "period_end", "target", "source"]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """A warehouse loaded once; each test builds and checks a copy with its own targets."""
    root = tmp_path_factory.mktemp("targets")
    landing = write_landing(root / "landing", STAFF, ABSENCES, APPRAISALS, RIDDOR, RECOMMENDATIONS)
    warehouse = root / "wh.duckdb"
    run = pipeline.start_run(warehouse, Q1)
    pipeline.load_extracts(warehouse, run["run_id"], pipeline.extract(landing, Q1))
    return warehouse, run["run_id"]


def build_with_targets(loaded, tmp_path, monkeypatch, extra_rows=(), drop=lambda row: False):
    reference = tmp_path / "reference"
    shutil.copytree(config.REFERENCE_DIR, reference)
    path = reference / "targets.csv"
    rows = [r for r in csv.DictReader(path.open(encoding="utf-8")) if not drop(r)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows([*rows, *extra_rows])
    warehouse = tmp_path / "wh.duckdb"
    shutil.copyfile(loaded[0], warehouse)
    monkeypatch.setattr(config, "REFERENCE_DIR", reference)
    pipeline.build(warehouse, loaded[1], Q1, demo_key=True)
    try:
        outcome = {"blocking": [], "warnings": pipeline.check(warehouse, loaded[1])["warnings"]}
    except GateFailed as failed:
        outcome = {"blocking": failed.failures, "warnings": []}
    return warehouse, outcome


def scorecard(warehouse, code):
    with open_warehouse(warehouse) as con:
        return dict((p, (a, t, s)) for p, a, t, s in con.execute(
            "SELECT period_end, actual, target, status FROM marts.mart_scorecard "
            "WHERE kpi_code = ? AND period_end IN (?, ?)", [code, Q4, Q1]).fetchall())


def test_every_year_of_the_history_has_a_target_or_says_none_was_set(loaded, tmp_path, monkeypatch):
    warehouse, outcome = build_with_targets(loaded, tmp_path, monkeypatch)
    assert outcome == {"blocking": [], "warnings": []}
    # GM06 is 1 in both quarters; the target is 1 in 2022/23 (carried forward) and 2023/24:
    # smaller is better and meeting the target counts as better.
    assert scorecard(warehouse, "GM06") == {Q4: (1.0, 1.0, "better_than_target"),
                                            Q1: (1.0, 1.0, "better_than_target")}


def test_a_quarter_target_overrides_the_year_for_that_quarter_only(loaded, tmp_path, monkeypatch):
    warehouse, _ = build_with_targets(loaded, tmp_path, monkeypatch, extra_rows=[dict(
        council_code="916", kpi_code="GM06", financial_year="2023/24", period_end="2023-06-30",
        target="0", source="profiled: none expected in Q1")])
    # Jun-23: 1 against a target of 0, smaller is better; a zero target has no tolerance, so
    # significantly worse. Mar-23 keeps 2022/23's target of 1.
    assert scorecard(warehouse, "GM06") == {Q4: (1.0, 1.0, "better_than_target"),
                                            Q1: (1.0, 0.0, "significantly_worse_than_target")}


def test_a_missing_target_is_a_warning_naming_council_kpi_year_and_quarters(loaded, tmp_path, monkeypatch):
    warehouse, outcome = build_with_targets(
        loaded, tmp_path, monkeypatch, drop=lambda r: r["kpi_code"] == "GM06" and r["financial_year"] == "2022/23")
    assert outcome["blocking"] == []
    (warning,) = outcome["warnings"]
    assert warning.startswith("marts.mart_target_coverage: expect_column_values_to_be_null(missing_target_problem)")
    assert "916 GM06 2022/23: no target for Jun-22, Sep-22, Dec-22, Mar-23 (reference/targets.csv" in warning
    assert scorecard(warehouse, "GM06")[Q4] == (1.0, None, "missing_target")


def test_contradicting_target_rows_block_publication(loaded, tmp_path, monkeypatch):
    rows = [dict(kpi_code="GM06", financial_year="2023/24", period_end="", target="2"),
            dict(kpi_code="GM01", financial_year="2023/24", period_end="2023-05-31", target="0"),
            dict(kpi_code="GM02", financial_year="2023/24", period_end="2023-03-31", target="0")]
    _, outcome = build_with_targets(loaded, tmp_path, monkeypatch, extra_rows=[
        dict(council_code="916", source="test", **row) for row in rows])
    # (two rows for a year also give the scorecard two rows for its quarters: that blocks too)
    (blocking,) = [b for b in outcome["blocking"] if b.startswith("marts.mart_target_coverage")]
    assert blocking.startswith("marts.mart_target_coverage: expect_column_values_to_be_null(target_rows_problem) "
                               "failed: 3 unexpected values")
    for problem in ("916 GM06 2023/24: 2 rows for the year",
                    "916 GM01 2023/24: period_end 2023-05-31 is not a quarter end",
                    "916 GM02 2023/24: period_end 2023-03-31 is in 2022/23"):
        assert f"reference/targets.csv {problem}" in blocking
