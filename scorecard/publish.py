"""Write-audit-publish: the published database is replaced in one atomic step.

Analysts and BI tools read `scorecard_published.duckdb`, a file no run ever holds open for writing. A run
builds and audits in the build warehouse; to publish, it copies the current published file to a
temporary file beside it, writes the new quarter there, and swaps it in with `os.replace`, which is
atomic. A reader keeps seeing the file it opened, never a half-written one; a run that fails or
is killed before the swap leaves the published file exactly as it was.

Published quarters are frozen: a later run that recomputes a published quarter does not
overwrite it; where a figure differs it is recorded in `published.restatements` beside the value
as published. Publishing figures identical to those already published changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from scorecard.config import PUBLISHED_FILE_NAME

FROZEN_TABLES = {
    # published table: the mart it is a frozen copy of
    "published.scorecard": "marts.mart_scorecard",
    "published.kpi_detail": "marts.fct_kpi_detail",
    "published.kpi_breakdowns": "marts.fct_kpi_breakdowns",
    "published.drafted_comments": "marts.mart_drafted_comments",
    "published.risk_register": "marts.fct_risk_register",
}
# What makes a published scorecard figure: a change in any of these is a restatement.
FIGURE_COLUMNS = ("actual", "numerator", "denominator", "target", "status", "comparator",
                  "rolling_12m", "rolling_12m_prev_year")
# Numeric figures are compared as published, at the precision the warehouse sums at (exact
# decimals with 9 places, sql/macros/kpi_totals.sql): a difference beyond the 9th decimal place
# (a DOUBLE's last bit) is not a restatement. `actual` and the rolling figures are already
# rounded to the KPI's decimals.
COMPARED_AT = "DECIMAL(38, 9)"
NUMERIC_FIGURES = ("actual", "numerator", "denominator", "target", "comparator",
                   "rolling_12m", "rolling_12m_prev_year")

RESTATEMENTS_DDL = """
CREATE TABLE IF NOT EXISTS published.restatements (
    council_code VARCHAR, kpi_code VARCHAR, period_end DATE, figure VARCHAR,
    as_published VARCHAR, restated VARCHAR, published_by VARCHAR, restated_by_run VARCHAR,
    detected_at TIMESTAMPTZ
)"""
PUBLICATIONS_DDL = """
CREATE TABLE IF NOT EXISTS published.publications (
    publication_id VARCHAR, run_id VARCHAR, council_code VARCHAR, period_end DATE,
    published_at TIMESTAMPTZ, kpi_rows BIGINT, extracts VARCHAR, checks_run BIGINT,
    checks_failed_warning BIGINT
)"""


@dataclass(frozen=True)
class Publication:
    publication_id: str | None  # None: nothing new to publish
    period_ends: tuple[dt.date, ...]  # quarters newly published
    councils: tuple[str, ...]
    kpi_rows: int
    restatements: int
    unchanged_period_ends: tuple[dt.date, ...]


def published_path_for(warehouse: Path) -> Path:
    """The published database that goes with a build warehouse: `scorecard_published.duckdb`
    beside it (config.PUBLISHED_FILE_NAME says why it is not `published.duckdb`)."""
    return Path(warehouse).with_name(PUBLISHED_FILE_NAME)


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params=None) -> pa.Table:
    return con.sql(sql, params=params).to_arrow_table()


def _new_file(path: Path) -> duckdb.DuckDBPyConnection:
    old_umask = os.umask(0o027)  # owner writes, the analysts' group reads, nobody else
    try:
        return duckdb.connect(str(path))
    finally:
        os.umask(old_umask)


PUBLISHED_MODE = 0o640  # owner writes, the analysts' group reads, nobody else (DESIGN §8)


def _private_copy(source: Path, target: Path) -> None:
    """Copy the published file to `target`, never readable by others, not even for a moment
    (a plain write_bytes would create it under the process umask, often 0644)."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle, open(source, "rb") as original:
        shutil.copyfileobj(original, handle, 1 << 20)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(
    build: duckdb.DuckDBPyConnection,
    published_path: Path,
    run_id: str,
    period_ends: list[dt.date],
    extracts: list[dict],
    checks: list[dict],
    views_dir: Path,
) -> Publication:
    """Publish the build's marts for `period_ends` into a new copy of the published file."""
    published_path = Path(published_path)
    publication_id = uuid.uuid4().hex[:12]
    now = dt.datetime.now(dt.timezone.utc)
    marts = {table: _frame(build, f"SELECT * FROM {mart} WHERE period_end IN "
                                  "(SELECT unnest(?::DATE[]))", [period_ends])
             for table, mart in FROZEN_TABLES.items()}
    # Left by a run that died before its swap; the run lock guarantees no one is writing them.
    for stale in published_path.parent.glob(f".{published_path.name}.*.tmp"):
        stale.unlink()
    tmp = published_path.with_name(f".{published_path.name}.{run_id}.tmp")
    try:
        if published_path.exists():
            _private_copy(published_path, tmp)
        con = _new_file(tmp)
    except BaseException:  # a full disk mid-copy: leave nothing behind
        tmp.unlink(missing_ok=True)
        raise
    try:
        con.execute("CREATE SCHEMA IF NOT EXISTS published")
        con.execute(RESTATEMENTS_DDL)
        con.execute(PUBLICATIONS_DDL)
        for table, frame in marts.items():
            con.register(f"_new_{table.split('.')[1]}", frame)
            con.execute(f"CREATE TABLE IF NOT EXISTS {table} AS SELECT *, ''::VARCHAR AS publication_id, "
                        f"now() AS published_at FROM _new_{table.split('.')[1]} WITH NO DATA")
            _add_new_columns(con, table, frame)
        con.execute("BEGIN TRANSACTION")
        # quarters already published for a council stay as published
        con.execute("CREATE TEMP TABLE _already AS SELECT DISTINCT council_code, period_end "
                    "FROM published.scorecard")
        restated = _record_restatements(con, run_id, now)
        for table in FROZEN_TABLES:
            con.execute(
                f"INSERT INTO {table} BY NAME SELECT n.*, ? AS publication_id, ? AS published_at "
                f"FROM _new_{table.split('.')[1]} AS n ANTI JOIN _already AS a "
                "ON a.council_code = n.council_code AND a.period_end = n.period_end",
                [publication_id, now])
        rows = con.execute("SELECT council_code, period_end, count(*) FROM published.scorecard "
                           "WHERE publication_id = ? GROUP BY ALL ORDER BY 1, 2",
                           [publication_id]).fetchall()
        for council_code, period_end, kpi_rows in rows:
            con.execute("INSERT INTO published.publications VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [publication_id, run_id, council_code, period_end, now, kpi_rows,
                         json.dumps(extracts), len(checks),
                         sum(1 for c in checks if not c["success"])])
        if not rows and not restated:
            con.execute("ROLLBACK")
            con.close()
            tmp.unlink()
            unchanged = tuple(sorted({p for p in period_ends}))
            return Publication(None, (), (), 0, 0, unchanged)
        _replace_data_quality(con, checks)
        for view in sorted(Path(views_dir).glob("*.sql")):
            con.execute(view.read_text(encoding="utf-8"))
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    con.close()
    os.chmod(tmp, PUBLISHED_MODE)  # whatever the umask or the copy left, on every publication
    _fsync(tmp)
    os.replace(tmp, published_path)  # the one atomic step readers can observe
    _fsync(published_path.parent)
    newly = tuple(sorted({r[1] for r in rows}))
    return Publication(publication_id, newly, tuple(sorted({r[0] for r in rows})),
                       sum(r[2] for r in rows), restated,
                       tuple(p for p in sorted(set(period_ends)) if p not in newly))


def _add_new_columns(con: duckdb.DuckDBPyConnection, table: str, frame: pa.Table) -> None:
    """A column the marts gained after a published file was first written (e.g. the scorecard's
    figure_basis) is appended to the published table; rows published before it hold null."""
    schema, name = table.split(".")
    existing = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = ? "
        "AND table_name = ?", [schema, name]).fetchall()}
    for field in frame.schema:
        if field.name not in existing:
            (column_type,) = con.execute(
                f'SELECT column_type FROM (DESCRIBE SELECT "{field.name}" FROM _new_{name})'
            ).fetchone()
            con.execute(f'ALTER TABLE {table} ADD COLUMN "{field.name}" {column_type}')


def _record_restatements(con: duckdb.DuckDBPyConnection, run_id: str, now: dt.datetime) -> int:
    """Figures of already-published quarters that the new build computes differently."""
    def compared(side: str, column: str) -> str:
        if column in NUMERIC_FIGURES:
            return f"CAST({side}.{column} AS {COMPARED_AT})"
        return f"{side}.{column}"

    differences = " UNION ALL ".join(
        f"SELECT o.council_code, o.kpi_code, o.period_end, '{c}' AS figure, "
        f"CAST(o.{c} AS VARCHAR) AS as_published, CAST(n.{c} AS VARCHAR) AS restated, "
        f"o.publication_id AS published_by FROM published.scorecard AS o "
        f"JOIN _new_scorecard AS n USING (council_code, kpi_code, period_end) "
        f"WHERE {compared('o', c)} IS DISTINCT FROM {compared('n', c)}"
        for c in FIGURE_COLUMNS)
    before = con.execute("SELECT count(*) FROM published.restatements").fetchone()[0]
    con.execute(
        f"INSERT INTO published.restatements SELECT d.*, ? AS restated_by_run, ? AS detected_at "
        f"FROM ({differences}) AS d ANTI JOIN published.restatements AS r "
        "ON r.council_code = d.council_code AND r.kpi_code = d.kpi_code "
        "AND r.period_end = d.period_end AND r.figure = d.figure "
        "AND r.restated IS NOT DISTINCT FROM d.restated",
        [run_id, now])
    return con.execute("SELECT count(*) FROM published.restatements").fetchone()[0] - before


def _replace_data_quality(con: duckdb.DuckDBPyConnection, checks: list[dict]) -> None:
    """`published.data_quality`: the results of the gate behind the latest publication."""
    con.execute("DROP TABLE IF EXISTS published.data_quality")
    con.execute(
        "CREATE TABLE published.data_quality (run_id VARCHAR, suite VARCHAR, table_name VARCHAR, "
        "expectation VARCHAR, column_name VARCHAR, severity VARCHAR, success BOOLEAN, "
        "unexpected_count BIGINT, observed VARCHAR, message VARCHAR, checked_at TIMESTAMPTZ)")
    if checks:
        con.executemany(
            "INSERT INTO published.data_quality VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [[c["run_id"], c["suite"], c["table_name"], c["expectation"], c["column_name"],
              c["severity"], c["success"], c["unexpected_count"], c["observed"], c["message"],
              c["checked_at"]] for c in checks])
