"""The gate's two engines agree: every expectation of every suite, run by GX on pandas and compiled
to DuckDB SQL (scorecard.gate.quality_sql), gives the same success, unexpected count, element count,
broken-check flag and recorded arguments, on the demo warehouse and on broken copies of it.

GX is the reference here: the suites are GX suites and GX's pandas path is what the gate ran
before. The broken copies are made in the test from the demo build: nulls (and NaN) in every
column, odd values in every column (codes off their lists, text that misses the regexes in the
ways Python and RE2 differ on - full-width digits, a final newline, spaces - numbers out of
range, dates a century out), duplicated rows, and wrong shapes and types (a column dropped or
added, numbers held as text and codes held as numbers, an empty table, a missing table).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from conftest import SHARED, build_without_prefect
from scorecard.config import EXPECTATIONS_DIR
from scorecard_demo import landing_cache
from scorecard_demo.model import DEMO_EXTRACT_DATE
from scorecard.gate.quality import CheckResult, load_suites, run_suites

# GX runs every suite three times here (about a minute of CPU): with the end-to-end tests
pytestmark = [pytest.mark.slow, pytest.mark.external]

PERIOD_END = dt.date(2023, 6, 30)
SAMPLE_ROWS = 3000  # rows of each table the broken copies keep: GX is slow, the faults are not
ODD_TEXT = ["ZZZ", "１２", "12\n", " 7 ", "", "UN99", "2023-13-01", "31.12.1899", "٣", "Low"]
ODD_NUMBERS = ["-1", "0", "999999", "26"]
ODD_DOUBLES = ["'nan'::DOUBLE", "-1.5", "1e12", "100.5"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("engines_agree")
    landing_cache.demo_landing(root / "landing", "916")
    # Ofsted's public Annex A sample beside the demo's returns, so its suites meet rows too
    shutil.copyfile(SHARED / "external" / "liia-annex-a" / "Annex_A.xlsx",
                    root / "landing" / "social_care" / DEMO_EXTRACT_DATE.isoformat() / "annex_a.xlsx")
    warehouse = root / "warehouse" / "scorecard.duckdb"
    build_without_prefect(root / "landing", warehouse, PERIOD_END)
    return warehouse


@pytest.fixture(scope="module")
def suites():
    return load_suites(EXPECTATIONS_DIR, engine="gx")  # both engines can run every suite


def tables_of(suites) -> list[str]:
    return [suite.table for suite in suites]


def copy_of(warehouse: Path, tables: list[str], rows: int | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory copy of `tables`, each its first `rows` rows (all when None), in table order."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{warehouse}' AS demo (READ_ONLY)")
    for table in tables:
        schema = table.split(".")[0]
        con.execute(f"CREATE SCHEMA IF NOT EXISTS memory.{schema}")
        limit = f" LIMIT {rows}" if rows else ""
        con.execute(f"CREATE TABLE memory.{table} AS SELECT * FROM demo.{table}{limit}")
    con.execute("DETACH demo")
    return con


def columns_of(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in con.execute(f"DESCRIBE {table}").fetchall()]


def odd_value(type_: str, row: str) -> str | None:
    """SQL for an odd value of a column of `type_`, varying with the row; None to leave it."""
    def pick(options: list[str]) -> str:
        return "[" + ", ".join(options) + f"][1 + ({row}) % {len(options)}]"

    if type_ == "VARCHAR":
        return pick(["'" + v.replace("'", "''") + "'" for v in ODD_TEXT])
    if type_ in ("INTEGER", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT"):
        return pick(ODD_NUMBERS)
    if type_ in ("DOUBLE", "FLOAT"):
        return pick(ODD_DOUBLES)
    if type_ == "DATE":
        return pick(["DATE '2123-01-01'", "DATE '1899-12-31'"])
    if type_ == "BOOLEAN":
        return "NULL"
    return None


def break_values(con: duckdb.DuckDBPyConnection, tables: list[str]) -> None:
    """Nulls on some rows of every column and odd values on others (different rows for each
    column, so a row keeps most of its values), then the first rows of each table repeated."""
    for table in tables:
        for number, (column, type_) in enumerate(columns_of(con, table)):
            quoted = '"' + column.replace('"', '""') + '"'
            con.execute(f"UPDATE {table} SET {quoted} = NULL WHERE (rowid + {number}) % 11 = 0")
            odd = odd_value(type_, "rowid")
            if odd is not None:
                con.execute(f"UPDATE {table} SET {quoted} = {odd} WHERE (rowid + {number}) % 13 = 5")
        if con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] < 3:  # two identical odd rows
            odd = [odd_value(type_, "0") or "NULL" for _, type_ in columns_of(con, table)]
            con.execute(f"INSERT INTO {table} VALUES ({', '.join(odd)}), ({', '.join(odd)})")
        else:
            con.execute(f"INSERT INTO {table} SELECT * FROM {table} WHERE rowid < 2")


def break_shapes(con: duckdb.DuckDBPyConnection, tables: list[str]) -> None:
    """Each table a different way: a column dropped, a column added, its types changed (numbers
    as text, text that holds numbers as numbers), emptied, or gone."""
    for number, table in enumerate(tables):
        columns = columns_of(con, table)
        way = number % 5
        if way == 0:
            con.execute(f'ALTER TABLE {table} DROP COLUMN "{columns[1][0]}"')
        elif way == 1:
            con.execute(f"ALTER TABLE {table} ADD COLUMN unsent VARCHAR DEFAULT 'x'")
        elif way == 2:
            for column, type_ in columns:
                if type_ != "VARCHAR":
                    con.execute(f'ALTER TABLE {table} ALTER "{column}" SET DATA TYPE VARCHAR')
                elif con.execute(f'SELECT bool_and(TRY_CAST("{column}" AS BIGINT) IS NOT NULL) '
                                 f'AND count("{column}") > 0 FROM {table}').fetchone()[0]:
                    con.execute(f'ALTER TABLE {table} ALTER "{column}" SET DATA TYPE BIGINT '
                                f'USING TRY_CAST("{column}" AS BIGINT)')
        elif way == 3:
            con.execute(f"DELETE FROM {table}")
        else:
            con.execute(f"DROP TABLE {table}")


def agree(con: duckdb.DuckDBPyConnection, suites) -> list[CheckResult]:
    """Run both engines; assert they agree on every expectation; return DuckDB's results."""
    ours = run_suites(con, suites, engine="duckdb")
    theirs = run_suites(con, suites, engine="gx")
    assert [(r.suite, r.expectation, r.column) for r in ours] == [
        (r.suite, r.expectation, r.column) for r in theirs]
    disagreements = []
    for mine, gx in zip(ours, theirs):
        same = (mine.table, mine.severity, mine.success, mine.unexpected_count, mine.raised) == (
            gx.table, gx.severity, gx.success, gx.unexpected_count, gx.raised)
        # GX writes integer bounds as floats (0.0): the same arguments, compared as numbers
        same = same and json.loads(mine.kwargs) == json.loads(gx.kwargs)
        # a broken check's wording is the engine's own; every other observation is the same
        same = same and (mine.raised or mine.observed == gx.observed)
        if not same:
            disagreements.append((mine, gx))
    assert disagreements == []
    return ours


def kinds(results: list[CheckResult], failed: bool) -> Counter:
    return Counter(r.expectation for r in results if r.success != failed and not r.raised)


def test_the_engines_agree_on_the_demo_warehouse(demo, suites):
    con = copy_of(demo, tables_of(suites))
    results = agree(con, suites)
    assert len(results) == sum(len(s.expectations) for s in suites)
    assert [r.message for r in results if not r.success] == []


def test_the_engines_agree_on_broken_values(demo, suites):
    con = copy_of(demo, tables_of(suites), SAMPLE_ROWS)
    break_values(con, tables_of(suites))
    results = agree(con, suites)
    # every kind of expectation the suites use failed somewhere, on data, not by breaking
    used = {e.type for s in suites for e in s.expectations}
    assert set(kinds(results, failed=True)) >= used - {"expect_table_columns_to_match_set",
                                                      "expect_table_row_count_to_be_between"}
    assert sum(not r.success for r in results) > len(results) // 3


def test_the_engines_agree_on_broken_shapes_and_types(demo, suites):
    con = copy_of(demo, tables_of(suites), SAMPLE_ROWS)
    break_shapes(con, tables_of(suites))
    results = agree(con, suites)
    failed = kinds(results, failed=True)
    assert failed["expect_table_columns_to_match_set"] > 0
    assert failed["expect_table_row_count_to_be_between"] > 0
    assert any(r.raised for r in results)                      # checks of a dropped column
    assert any(r.expectation == "table_exists" for r in results)


def test_suites_on_two_cursors_give_what_one_gives_in_order(demo, suites, monkeypatch):
    """The DuckDB gate checks two suites at a time, each on its own cursor: the same results,
    failures, examples and order as one suite after another."""
    from scorecard.gate import quality_sql

    con = copy_of(demo, tables_of(suites), SAMPLE_ROWS)
    break_values(con, tables_of(suites))
    monkeypatch.setattr(quality_sql, "SUITE_WORKERS", 1)
    one = run_suites(con, suites, engine="duckdb")
    monkeypatch.setattr(quality_sql, "SUITE_WORKERS", 2)
    two = run_suites(con, suites, engine="duckdb")
    assert sum(not r.success for r in one) > len(one) // 3  # failures, with their examples
    assert two == one
