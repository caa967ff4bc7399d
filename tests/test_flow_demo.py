"""The real Prefect flow on the demo council, end to end, against the seed report.

The flow runs once per session under Prefect's test harness (a temporary local server); the
tests then read what it published.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest
from typer.testing import CliRunner

from conftest import SEED_PERIODS, published_dump
from helpers.independent_csc import compute_csc
from helpers.independent_gm import compute_gm
from scorecard.config import DEMO_COUNCIL_CODE
from scorecard_demo import landing_cache
from scorecard.errors import ContractError

pytestmark = pytest.mark.flow

D = dt.date
QUARTERS = list(SEED_PERIODS.values())
SEED_COLUMNS = list(SEED_PERIODS)
# Every direct identifier the sources carry: employee numbers and names, child ids (903, CIN and
# local lists), UPNs, postcodes and worker ids.
RAW_IDENTIFIERS = """
SELECT pers_no FROM raw.hr_sap__staff_in_post UNION SELECT employee_name FROM raw.hr_sap__staff_in_post
UNION SELECT child FROM raw.social_care__header UNION SELECT upn FROM raw.social_care__header
UNION SELECT home_post FROM raw.social_care__episodes UNION SELECT pl_post FROM raw.social_care__episodes
UNION SELECT la_child_id FROM raw.social_care__cin_children UNION SELECT upn FROM raw.social_care__cin_children
UNION SELECT child_id FROM raw.social_care__care_leavers UNION SELECT worker_id FROM raw.social_care__allocations
UNION SELECT child_id FROM raw.social_care__contacts
"""
INDEPENDENT_COLUMNS = ["kpi_code", "council_code", "period_end", "numerator", "denominator", "value"]


@pytest.fixture(scope="module")
def demo(prefect_harness, tmp_path_factory):
    from flows.quarterly_scorecard import quarterly_scorecard

    root = tmp_path_factory.mktemp("demo")
    landing, warehouse = root / "landing", root / "scorecard.duckdb"
    landing_cache.demo_landing(landing, DEMO_COUNCIL_CODE)
    result = quarterly_scorecard(period_end=D(2023, 6, 30), landing=str(landing),
                                 warehouse=str(warehouse), publish_from=D(2022, 6, 30),
                                 demo_key=True)
    return {"result": result, "landing": landing, "warehouse": warehouse, "root": root,
            "published": root / "scorecard_published.duckdb"}


def query(warehouse: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def seed_value(text: str):
    return float(text) if text else None


def test_flow_publishes_five_quarters(demo):
    result = demo["result"]
    assert result["period_ends"] == [q.isoformat() for q in QUARTERS]
    assert result["councils"] == [DEMO_COUNCIL_CODE]
    assert result["kpi_rows"] == 24 * 5
    runs = query(demo["warehouse"], "SELECT status FROM meta.runs WHERE run_id = ?", [result["run_id"]])
    assert runs == [("published",)]
    publications = query(demo["published"],
                         "SELECT period_end, kpi_rows, checks_run FROM published.publications ORDER BY 1")
    assert [p[0] for p in publications] == QUARTERS
    assert all(p[1] == 24 and p[2] == result["checks_run"] > 0 for p in publications)


def test_the_flow_made_no_call_beyond_this_machine(demo, no_internet):
    assert no_internet == []


def status_by_the_key(actual: str, target: str, polarity: str) -> str:
    """The seed's key to symbols, worked on the seed's own printed figures: on or better than the
    target is better; worse by at most 5% of the target is worse; beyond that significantly worse."""
    actual, target = Decimal(actual), Decimal(target)
    better = actual >= target if polarity == "Bigger is Better" else actual <= target
    if better:
        return "better_than_target"
    return "worse_than_target" if abs(actual - target) <= Decimal("0.05") * abs(target) \
        else "significantly_worse_than_target"


def test_status_by_the_key_reproduces_the_seeds_jun_23_symbols(seed_rows):
    for row in seed_rows:
        if row["target_jun_23"] and row["actual_jun_23"]:
            assert status_by_the_key(row["actual_jun_23"], row["target_jun_23"], row["polarity"]) \
                == row["status"], row["kpi_code"]


def test_every_seed_row_matches_for_five_quarters(demo, seed_rows):
    published = {
        (k, p): r for k, p, *r in query(demo["published"],
            "SELECT kpi_code, period_end, actual, target, status, symbol, comparator "
            "FROM published.scorecard")
    }
    for row in seed_rows:
        code = row["kpi_code"]
        for quarter, column in zip(QUARTERS, SEED_COLUMNS):
            actual, target, status, symbol, comparator = published[(code, quarter)]
            assert actual == seed_value(row[column]), (code, quarter)
            if quarter < D(2023, 4, 1):
                # 2022/23 has the 2023/24 targets carried forward (reference/targets.csv says so;
                # there is no 2022/23 report), so its quarters have a status, not "◇"
                assert target == seed_value(row["target_jun_23"]), (code, quarter)
                if actual is None:
                    assert status == "no_information", (code, quarter)
                elif target is None:
                    assert status == "missing_target", (code, quarter)   # GM04, GM05: none set
                else:
                    assert status == status_by_the_key(row[column], row["target_jun_23"],
                                                       row["polarity"]), (code, quarter)
        actual, target, status, symbol, comparator = published[(code, D(2023, 6, 30))]
        assert target == seed_value(row["target_jun_23"]), code
        assert status == row["status"], code
        assert comparator == seed_value(row["comparator"]), code
        if row["symbol"]:
            assert symbol == row["symbol"], code
    assert published[("GM04", D(2023, 6, 30))][2] == "missing_target"
    assert published[("GM05", D(2023, 6, 30))][2] == "missing_target"


def test_commentary_facts_are_published(demo):
    facts = {(k, p): (r, rp, n) for k, p, r, rp, n in query(
        demo["published"], "SELECT kpi_code, period_end, rolling_12m, rolling_12m_prev_year, "
                           "numerator FROM published.scorecard WHERE kpi_code IN ('HP02', 'HP03')")}
    # HP02: "over a 12-month period ... 29.4% and worse than the preceding 12-month period (26.9%)"
    assert facts[("HP02", D(2023, 6, 30))][:2] == (29.4, 26.9)
    assert facts[("HP02", D(2022, 6, 30))][0] == 26.9
    # HP03: "22 children have been subject to a protection plan for more than two years (3.9%)"
    assert facts[("HP03", D(2023, 6, 30))][2] == 22
    breakdowns = {(k, p, b): v for k, p, b, v in query(
        demo["published"], "SELECT kpi_code, period_end, breakdown, value FROM published.kpi_breakdowns")}
    june = D(2023, 6, 30)
    # CL01: "across all age groups 92% ... lowest for younger care experienced people (87%)"
    assert round(breakdowns[("CL01", june, "ages_17_to_21")]) == 92
    assert round(breakdowns[("CL01", june, "ages_17_to_18")]) == 87
    # CL02: "youngest ... from 60.7% at the same time last year 62.1% at the end of last quarter to
    # 48.6%", and all age groups 57.5% at Q1 2022/23. The comment's other all-ages figures (58.2%
    # at Mar-23, 50.5% at Jun-23) contradict the table: an all-ages rate must lie between the
    # 19-21 rate and the youngest group's (58.2 is below both 58.5 and 62.1), so no data can give
    # them (tests/test_demo_social_care.py proves it from the seed alone).
    assert breakdowns[("CL02", D(2022, 6, 30), "ages_17_to_21")] == 57.5
    for quarter, youngest in ((D(2022, 6, 30), 60.7), (D(2023, 3, 31), 62.1), (june, 48.6)):
        assert breakdowns[("CL02", quarter, "ages_17_to_18")] == youngest


def test_report_view_has_the_seed_layout(demo, seed_rows):
    rows = query(demo["published"],
                 "SELECT kpi_code, q_minus_4_label, q_minus_4, q_minus_3, q_minus_2, q_minus_1, actual, "
                 "target, symbol, reporting_basis, good_performance FROM published.scorecard_report "
                 "WHERE report_period_end = DATE '2023-06-30' ORDER BY display_order")
    assert [r[0] for r in rows] == [r["kpi_code"] for r in seed_rows]
    by_code = {r[0]: r for r in rows}
    for seed in seed_rows:
        got = by_code[seed["kpi_code"]]
        assert got[1] == "Jun-22"
        assert list(got[2:7]) == [seed_value(seed[c]) for c in SEED_COLUMNS]
        assert got[9] == seed["reporting_basis"]
        assert got[10] == seed["polarity"]


def _independent_rolling(frame: pl.DataFrame, basis: str, unit: str, decimals: int, quarter: D,
                         first: D | None):
    window = frame.filter((pl.col("period_end") <= quarter)).sort("period_end").tail(4)
    assert window.height == 4
    computed = window.filter(pl.col("numerator").is_not_null()
                             & (pl.col("period_end") >= (first or D.min)))
    if basis != "rolling_year" and computed.height < 4:
        return None  # a rolling figure needs all four quarters computed (0 / 0 is computed)
    if basis == "rolling_year":
        value = window["value"][-1]
    elif basis == "snapshot":
        value = window["value"].drop_nulls().mean()  # an empty cohort has no value to average
    elif unit == "percent":
        if not window["denominator"].sum():
            return None
        value = 100 * window["numerator"].sum() / window["denominator"].sum()
    elif unit == "days_per_fte":
        value = window["numerator"].sum() / window["denominator"].mean()
    else:
        value = window["numerator"].sum()
    if value is None:
        return None
    # half away from zero, as the report (and DuckDB's round) does; Python's round() is half-even
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP))


def test_rolling_12_months_match_an_independent_computation(demo):
    with (Path(__file__).parent.parent / "reference" / "kpis.csv").open(encoding="utf-8") as handle:
        catalogue = {r["kpi_code"]: r for r in csv.DictReader(handle)}
    quarter_ends = [D(2021, 6, 30), D(2021, 9, 30), D(2021, 12, 31), D(2022, 3, 31)] + QUARTERS
    independent = pl.concat([  # percent KPIs already x 100
        compute_gm(demo["landing"], quarter_ends).select(INDEPENDENT_COLUMNS),
        compute_csc(demo["landing"], quarter_ends).select(INDEPENDENT_COLUMNS),
    ])
    published = {(k, p): (r, rp) for k, p, r, rp in query(
        demo["published"], "SELECT kpi_code, period_end, rolling_12m, rolling_12m_prev_year "
                           "FROM published.scorecard")}
    checked = 0
    for code in catalogue:
        kpi = catalogue[code]
        frame = independent.filter(pl.col("kpi_code") == code)
        for quarter in QUARTERS:
            rolling, _ = published[(code, quarter)]
            first = kpi["first_period_end"]
            if first and quarter < D.fromisoformat(first):
                assert rolling is None
                continue
            expected = _independent_rolling(frame, kpi["reporting_basis"], kpi["unit"],
                                            int(kpi["decimals"]), quarter,
                                            D.fromisoformat(first) if first else None)
            assert rolling == (None if expected is None else pytest.approx(expected, abs=1e-9)), (
                code, quarter)
            checked += 1
    assert checked >= 100


def test_no_direct_identifier_reaches_published(demo):
    identifiers = {v for (v,) in query(demo["warehouse"], RAW_IDENTIFIERS)}
    con = duckdb.connect(str(demo["published"]), read_only=True)
    try:
        columns = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'published'").fetchall()
        assert len(identifiers) > 5000 and columns
        for table, column in columns:
            values = {str(v) for (v,) in con.execute(
                f'SELECT DISTINCT "{column}" FROM published."{table}"').fetchall()}
            assert not values & identifiers, f"published.{table}.{column} holds a raw identifier"
    finally:
        con.close()


def _landing_without_column(source_landing: Path, target: Path, file_name: str, column: str) -> Path:
    shutil.copytree(source_landing, target)
    path = next(target.rglob(file_name))
    lines = path.read_text(encoding="cp1252").splitlines()
    index = lines[0].split(",").index(column)
    rows = [",".join(c for i, c in enumerate(next(csv.reader([line]))) if i != index) for line in lines]
    path.write_text("\n".join(rows) + "\n", encoding="cp1252")
    return path


def test_missing_column_fails_the_run_and_leaves_published_untouched(demo):
    from flows.quarterly_scorecard import quarterly_scorecard

    broken = _landing_without_column(demo["landing"], demo["root"] / "broken", "absences.csv",
                                     "reason_code")
    before = published_dump(demo["published"])
    with pytest.raises(ContractError) as raised:
        quarterly_scorecard(period_end=D(2023, 6, 30), landing=str(broken.parents[2]),
                            warehouse=str(demo["warehouse"]), demo_key=True)
    assert str(broken) in str(raised.value) and "'reason_code'" in str(raised.value)
    assert published_dump(demo["published"]) == before
    failed = query(demo["warehouse"], "SELECT message FROM meta.runs WHERE status = 'failed'")
    assert any("reason_code" in m for (m,) in failed)


def test_cli_reports_a_bad_file_in_one_line_and_fails(demo):
    from scorecard.ops.cli import app

    broken = _landing_without_column(demo["landing"], demo["root"] / "broken_cli", "staff_in_post.csv",
                                     "fte")
    before = published_dump(demo["published"])
    outcome = CliRunner().invoke(app, ["run", "--period-end", "2023-06-30", "--landing",
                                       str(broken.parents[2]), "--warehouse", str(demo["warehouse"]),
                                       "--demo-key"])
    assert outcome.exit_code == 1
    errors = [line for line in outcome.output.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {broken}, row 1, column 'fte': required column missing from the header"]
    assert published_dump(demo["published"]) == before


@pytest.mark.browser
def test_cli_run_with_report_writes_the_committee_pack_beside_the_published_database(demo):
    from scorecard.ops.cli import app

    root = demo["root"]
    outcome = CliRunner().invoke(app, ["run", "--period-end", "2023-06-30", "--landing",
                                       str(demo["landing"]), "--warehouse", str(demo["warehouse"]),
                                       "--demo-key", "--report", DEMO_COUNCIL_CODE])
    assert outcome.exit_code == 0, outcome.output
    lines = outcome.output.splitlines()
    stem = f"{DEMO_COUNCIL_CODE}_2023-06-30"
    # the run's own lines first, then what `scorecard report` says, for the published file
    assert lines.index(f"html: {root / f'committee_{stem}.html'}") > \
        max(i for i, line in enumerate(lines) if line.startswith("data-quality report"))
    assert f"pdf: {(root / f'committee_{stem}.pdf').resolve()}" in lines
    assert f"xlsx: {root / f'scorecard_{stem}.xlsx'}" in lines
    assert (root / f"committee_{stem}.pdf").read_bytes().startswith(b"%PDF-")
    assert "Performance better than target" in (root / f"committee_{stem}.html").read_text(
        encoding="utf-8")
    assert sorted(p.suffix for p in (root / "parquet").iterdir()) == [".parquet"] * 12
