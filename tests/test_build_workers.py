"""The build on two cursors (scorecard/build/models.py): what one cursor builds, in an order that
never lets a model read a table before it is built, and a failure reported as the sequential
build reported it."""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import pytest

from conftest import build_without_prefect
from scorecard import pipeline
from scorecard.build import models
from scorecard.build.models import build, discover
from scorecard.errors import ScorecardError
from test_publication import small_landing

SLOW = "SELECT range AS x, hash(range) % 7 AS h FROM range(6000000)"  # about 0.2 s to build


def write(root, layer, name, sql):
    (root / layer).mkdir(parents=True, exist_ok=True)
    (root / layer / f"{name}.sql").write_text(sql)


@pytest.fixture()
def sql_dir(tmp_path):
    root = tmp_path / "sql"
    (root / "macros").mkdir(parents=True)
    # a table macro reads a table its caller does not name, as the KPI models' macros read
    # intermediate tables (sql/macros/kpi_totals.sql)
    (root / "macros" / "rows_of.sql").write_text(
        "CREATE OR REPLACE MACRO rows_of(t) AS TABLE SELECT * FROM query_table(t);")
    return root


def _con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA reference; CREATE SCHEMA meta; "
                "CREATE TABLE reference.kpis (kpi_code VARCHAR, display_order VARCHAR)")
    for layer in models.LAYERS:
        con.execute(f"CREATE SCHEMA {layer}")
    return con


def test_no_model_reads_a_table_before_it_is_built(sql_dir):
    write(sql_dir, "staging", "stg_slow", SLOW)
    write(sql_dir, "staging", "stg_quick", "SELECT 1 AS one")
    write(sql_dir, "staging", "stg_counted", "SELECT count(*) AS n FROM staging.stg_slow")
    # four times as long as stg_slow: still running when every other model could start
    write(sql_dir, "intermediate", "int_slow", SLOW.replace("6000000", "24000000"))
    write(sql_dir, "intermediate", "int_quick", "SELECT 2 AS two")
    # names no intermediate table: only the layer order keeps it after int_slow
    write(sql_dir, "marts", "mart_counted",
          "SELECT count(*) AS n FROM rows_of('interm' || 'ediate.int_slow')")
    con = _con()
    built = build(con, sql_dir)
    assert built == [m.relation for m in discover(sql_dir, kpi_codes=[])]
    assert con.execute("SELECT n FROM staging.stg_counted").fetchall() == [(6000000,)]
    assert con.execute("SELECT n FROM marts.mart_counted").fetchall() == [(24000000,)]
    assert con.execute("SELECT count(*) FROM meta.model_sql").fetchone() == (6,)


def test_a_failure_names_the_first_failed_model_in_run_order_and_nothing_after_it_runs(sql_dir):
    # the two broken models start together, one on each cursor, and both fail
    write(sql_dir, "staging", "stg_a_broken", "SELECT * FROM raw.no_such_table")
    write(sql_dir, "staging", "stg_b_broken", "SELECT no_such_column FROM range(3)")
    write(sql_dir, "staging", "stg_c_fine", "SELECT 1 AS one")
    write(sql_dir, "intermediate", "int_after", "SELECT 1 AS one")
    assert [m.relation for m in discover(sql_dir, kpi_codes=[])][:2] == [
        "staging.stg_a_broken", "staging.stg_b_broken"]
    con = _con()
    with pytest.raises(ScorecardError) as raised:
        build(con, sql_dir)
    message = str(raised.value)
    assert message.startswith(f"{sql_dir / 'staging' / 'stg_a_broken.sql'}: Catalog Error: ")
    assert "no_such_table" in message and "\n" not in message
    tables = {t for (t,) in con.execute(
        "SELECT table_schema || '.' || table_name FROM information_schema.tables").fetchall()}
    assert not tables & {"staging.stg_c_fine", "intermediate.int_after"}


def test_after_a_failure_no_model_starts_while_another_finishes(sql_dir):
    write(sql_dir, "staging", "stg_a_broken", "SELECT * FROM raw.no_such_table")
    write(sql_dir, "staging", "stg_b_slow", SLOW)  # still running when stg_a_broken fails
    write(sql_dir, "staging", "stg_c_fine", "SELECT 1 AS one")
    con = _con()
    with pytest.raises(ScorecardError, match="stg_a_broken.sql"):
        build(con, sql_dir)
    tables = {t for (t,) in con.execute(
        "SELECT table_schema || '.' || table_name FROM information_schema.tables").fetchall()}
    assert "staging.stg_b_slow" in tables and "staging.stg_c_fine" not in tables


def test_two_cursors_build_what_one_builds(tmp_path, monkeypatch):
    """A real build (every model of sql/, pseudonymised through the TEMP macro each cursor is
    readied with): two cursors at a time give the same tables, row for row, as one."""
    landing, one = small_landing(tmp_path), tmp_path / "one" / "scorecard.duckdb"
    period_end = dt.date(2023, 6, 30)
    run_id = build_without_prefect(landing, one, period_end)  # two cursors, the default
    two = tmp_path / "two.duckdb"
    shutil.copy(one, two)
    monkeypatch.setattr(models, "BUILD_WORKERS", 1)
    pipeline.build(one, run_id, period_end, demo_key=True)

    def tables(path):
        con = duckdb.connect(str(path), read_only=True)
        try:
            names = [t for (t,) in con.execute(
                "SELECT table_schema || '.' || table_name FROM information_schema.tables "
                "WHERE table_schema IN ('staging', 'intermediate', 'kpis', 'marts') ORDER BY 1"
            ).fetchall()]
            return {n: sorted(map(repr, con.execute(f"SELECT * FROM {n}").fetchall()))
                    for n in names}
        finally:
            con.close()

    built_one, built_two = tables(one), tables(two)
    assert len(built_one) > 100
    assert built_one == built_two
    assert any(built_one[n] for n in built_one if n.startswith("staging.stg_hr_sap"))
