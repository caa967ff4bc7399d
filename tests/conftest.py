"""Shared fixtures: paths to the shared seed and external data, SQL macros, the Prefect harness."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from scorecard import config
from scorecard.models import create_macros

SHARED = config.PROJECT_ROOT.parent / "shared"
SEED_CSV = SHARED / "seed" / "scorecard_q1_2023_24.csv"


@pytest.fixture(scope="session")
def seed_rows() -> list[dict]:
    with SEED_CSV.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture()
def macro_con() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the project's SQL macros, as the marts use them."""
    con = duckdb.connect()
    create_macros(con, config.SQL_DIR)
    yield con
    con.close()


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect server for the whole session (starting one costs ~20 s)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def published_dump(warehouse: Path) -> dict[str, list[tuple]]:
    """Every row of every table and view in `published`, sorted: a byte-for-byte comparable dump."""
    if not Path(warehouse).exists():
        return {}
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'published' "
            "ORDER BY 1").fetchall()]
        return {n: sorted(map(repr, con.execute(f"SELECT * FROM published.{n}").fetchall()))
                for n in names}
    finally:
        con.close()


def build_without_prefect(landing: Path, warehouse: Path, period_end) -> str:
    """Extract, load and build through the plain pipeline functions; returns the run id."""
    from scorecard import pipeline

    run = pipeline.start_run(warehouse, period_end)
    manifest = pipeline.extract(landing, period_end)
    pipeline.load_extracts(warehouse, run["run_id"], manifest)
    pipeline.build(warehouse, run["run_id"], period_end, demo_key=True)
    return run["run_id"]
