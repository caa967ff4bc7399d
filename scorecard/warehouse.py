"""The build warehouse (one DuckDB file): its schemas and the bookkeeping in `meta` and `quarantine`.

Readers never open this file: they read the published database (`scorecard.publish.publication`).
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

from scorecard.errors import ScorecardError

# DuckDB's worker threads for every warehouse connection; unset: DuckDB's default (one per core).
# The figures do not depend on it (sums are exact decimals, see sql/macros/kpi_totals.sql); the
# determinism test builds with 1, 2 and 4 to prove it, and a shared machine can cap it.
THREADS_VARIABLE = "SCORECARD_DUCKDB_THREADS"

SCHEMAS = ("raw", "quarantine", "reference", "staging", "intermediate", "kpis", "marts", "meta")

BOOKKEEPING_DDL = """
CREATE TABLE IF NOT EXISTS meta.runs (
    run_id        VARCHAR PRIMARY KEY,
    period_end    DATE NOT NULL,
    publish_from  DATE NOT NULL,
    started_at    TIMESTAMPTZ NOT NULL,
    finished_at   TIMESTAMPTZ,
    status        VARCHAR NOT NULL,          -- running | published | unchanged | failed
    message       VARCHAR
);
CREATE TABLE IF NOT EXISTS meta.loads (
    load_id          VARCHAR PRIMARY KEY,
    run_id           VARCHAR NOT NULL,
    source           VARCHAR NOT NULL,
    source_table     VARCHAR NOT NULL,
    source_file      VARCHAR NOT NULL,
    extract_date     DATE,                     -- null: the source was not sent
    sha256           VARCHAR,                  -- null: the file was absent (loaded as empty)
    rows_in          BIGINT NOT NULL,
    rows_loaded      BIGINT NOT NULL,
    rows_quarantined BIGINT NOT NULL,
    reloaded         BOOLEAN NOT NULL,          -- false: same file as the last load, raw kept as it was
    loaded_at        TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS meta.check_results (
    run_id           VARCHAR NOT NULL,
    suite            VARCHAR NOT NULL,
    table_name       VARCHAR NOT NULL,
    expectation      VARCHAR NOT NULL,
    column_name      VARCHAR,
    kwargs           VARCHAR,
    severity         VARCHAR NOT NULL,
    success          BOOLEAN NOT NULL,
    raised           BOOLEAN NOT NULL,          -- the check itself broke, as opposed to the data failing it
    unexpected_count BIGINT,
    observed         VARCHAR,
    message          VARCHAR,
    checked_at       TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS quarantine.rows (
    load_id      VARCHAR NOT NULL,
    source       VARCHAR NOT NULL,
    source_table VARCHAR NOT NULL,
    source_file  VARCHAR NOT NULL,
    row_number   BIGINT NOT NULL,
    column_name  VARCHAR NOT NULL,
    value        VARCHAR,
    reason       VARCHAR NOT NULL,
    record       VARCHAR NOT NULL            -- the whole row as received, JSON
);
-- Added after the first warehouses were made: theirs gain it too (see scorecard.ops.fingerprint).
ALTER TABLE meta.runs ADD COLUMN IF NOT EXISTS fingerprint VARCHAR;
-- The column map (landing/<source>/columns.toml) a file was read through, and its SHA-256:
-- null for a file in the contract's own layout.
ALTER TABLE meta.loads ADD COLUMN IF NOT EXISTS column_map VARCHAR;
ALTER TABLE meta.loads ADD COLUMN IF NOT EXISTS column_map_sha256 VARCHAR;
"""


def initialise(con: duckdb.DuckDBPyConnection) -> None:
    for schema in SCHEMAS:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    con.execute(BOOKKEEPING_DDL)


def _set_threads(con: duckdb.DuckDBPyConnection) -> None:
    value = os.environ.get(THREADS_VARIABLE, "").strip()
    if not value:
        return
    if not value.isdigit() or int(value) < 1:
        raise ScorecardError(f"{THREADS_VARIABLE} must be a whole number of threads (1 or more), "
                             f"not {value!r}")
    con.execute(f"SET threads = {int(value)}")


def _cannot_open(path: Path, exc: duckdb.Error) -> ScorecardError:
    """One line a person can act on, for a warehouse file DuckDB will not open."""
    text = str(exc).splitlines()[0]
    if any(s in text for s in ("not a valid DuckDB database", "Could not read enough bytes",
                               "Corrupt", "checksum")):
        return ScorecardError(
            f"{path}: the warehouse file is damaged or not a DuckDB database ({text}); move it "
            "aside and run again to rebuild it from the extracts (the published database is "
            "kept), or restore it from a backup")
    if "lock" in text.lower():
        return ScorecardError(f"{path}: the warehouse is open in another program ({text}); "
                              "close it (an analyst's session, a BI tool) and run again")
    return ScorecardError(f"{path}: the warehouse cannot be opened: {text}")


@contextmanager
def open_warehouse(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse file; a new one is created readable by its owner only."""
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    old_umask = os.umask(0o077)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        raise _cannot_open(path, exc) from None
    finally:
        os.umask(old_umask)
    try:
        _set_threads(con)
        if not read_only:
            initialise(con)
        yield con
    finally:
        con.close()
