"""Write-audit-publish: the published database is replaced in one atomic step.

Analysts and BI tools read `scorecard_published.duckdb`, a file no run ever holds open for writing. A run
builds and audits in the build warehouse; to publish, it copies the current published file to a
temporary file beside it, writes the new quarter there, and swaps it in with `os.replace`, which is
atomic. A reader keeps seeing the file it opened, never a half-written one; a run that fails or
is killed before the swap leaves the published file exactly as it was.

The file is written in DuckDB's storage format v1.1.0 (PUBLISHED_STORAGE_VERSION), whatever the
engine writing it, so that the DuckDB 1.x engines embedded in BI tools' drivers open it: each
publication writes a new file in that format, copying the previous publication's tables into it.
Every table and view is described (`COMMENT ON`) from docs/views.md, and a Parquet copy of each,
in the report's order, is written beside the file (`parquet/<relation>.parquet`).

Published quarters are frozen: a later run that recomputes a published quarter does not
overwrite it; where a figure differs it is recorded in `published.restatements` beside the value
as published. Publishing figures identical to those already published changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa

from scorecard.config import PUBLISHED_FILE_NAME
from scorecard.gate.quality_report import DATA_QUALITY_SCHEMA
from scorecard.publish.views_doc import VIEWS_DOC, read_views_doc

FROZEN_TABLES = {
    # published table: the mart it is a frozen copy of
    "published.scorecard": "marts.mart_scorecard",
    "published.kpi_detail": "marts.fct_kpi_detail",
    "published.kpi_breakdowns": "marts.fct_kpi_breakdowns",
    "published.drafted_comments": "marts.mart_drafted_comments",
    "published.risk_register": "marts.fct_risk_register",
}
# Replaced at every publication (not frozen): what the KPIs are and where the comparators come from.
CURRENT_TABLES = {
    "published.kpi_catalogue": "SELECT * FROM staging.stg_reference__kpi_catalogue "
                               "ORDER BY display_order",
    "published.councils": "SELECT * FROM staging.stg_reference__councils ORDER BY council_code",
    "published.comparator_detail": "SELECT * FROM staging.stg_reference__comparator_neighbours "
                                   "ORDER BY council_code, comparator_year, kpi_code, "
                                   "neighbour_rank",
}
# DuckDB 1.1 and later read this storage format (DuckDB 2.0's default, storage number 999, is
# refused by every 1.x engine). Storage number 64 is what the header of such a file holds.
PUBLISHED_STORAGE_VERSION = "v1.1.0"
PUBLISHED_STORAGE_NUMBER = 64
PARQUET_DIR_NAME = "parquet"
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


def storage_number(path: Path) -> int | None:
    """The storage version number in a DuckDB file's header (64: DuckDB 0.10 to 1.1 read it;
    999: DuckDB 2.0's newest format), or None for a file that is not a DuckDB database."""
    with open(path, "rb") as handle:
        header = handle.read(20)
    if len(header) < 20 or header[8:12] != b"DUCK":
        return None
    return int.from_bytes(header[12:20], "little")


def _open_new_file(path: Path, previous: Path | None) -> duckdb.DuckDBPyConnection:
    """A connection whose default database is a new file at `path` in PUBLISHED_STORAGE_VERSION,
    holding a copy of every table of the previous publication (views are created afresh)."""
    con = duckdb.connect()
    try:
        old_umask = os.umask(0o027)  # owner writes, the analysts' group reads, nobody else
        try:
            con.execute(f"ATTACH {_literal(str(path))} AS publication "
                        f"(STORAGE_VERSION '{PUBLISHED_STORAGE_VERSION}')")
        finally:
            os.umask(old_umask)
        con.execute("USE publication")
        con.execute("CREATE SCHEMA IF NOT EXISTS published")
        if previous is not None:
            con.execute(f"ATTACH {_literal(str(previous))} AS previous (READ_ONLY)")
            tables = [r[0] for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'previous' "
                "AND schema_name = 'published' ORDER BY table_name").fetchall()]
            for name in tables:
                con.execute(f'CREATE TABLE published."{name}" AS '
                            f'SELECT * FROM previous.published."{name}"')
            con.execute("DETACH previous")
    except BaseException:
        con.close()
        raise
    return con


PUBLISHED_MODE = 0o640  # owner writes, the analysts' group reads, nobody else (DESIGN §8)


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
    views_doc: Path = VIEWS_DOC,
) -> Publication:
    """Publish the build's marts for `period_ends` into a new copy of the published file, then
    write its Parquet copies."""
    published_path = Path(published_path)
    publication_id = uuid.uuid4().hex[:12]
    now = dt.datetime.now(dt.timezone.utc)
    marts = {table: _frame(build, f"SELECT * FROM {mart} WHERE period_end IN "
                                  "(SELECT unnest(?::DATE[]))", [period_ends])
             for table, mart in FROZEN_TABLES.items()}
    current = {table: _frame(build, sql) for table, sql in CURRENT_TABLES.items()}
    descriptions = read_views_doc(views_doc)
    # Left by a run that died before its swap; the run lock guarantees no one is writing them.
    for stale in [*published_path.parent.glob(f".{published_path.name}.*.tmp"),
                  *published_path.parent.glob(f".{published_path.name}.*.tmp.wal")]:
        stale.unlink()
    tmp = published_path.with_name(f".{published_path.name}.{run_id}.tmp")
    previous = published_path if published_path.exists() else None
    # a file from before the storage version was chosen is rewritten even with nothing new
    migrating = previous is not None and storage_number(previous) != PUBLISHED_STORAGE_NUMBER
    try:
        con = _open_new_file(tmp, previous)
    except BaseException:  # a full disk mid-copy: leave nothing behind
        _remove(tmp)
        raise
    try:
        con.execute(RESTATEMENTS_DDL)
        con.execute(PUBLICATIONS_DDL)
        for table, frame in marts.items():
            con.register(f"_new_{table.split('.')[1]}", frame)
            con.execute(f"CREATE TABLE IF NOT EXISTS {table} AS SELECT *, ''::VARCHAR AS publication_id, "
                        f"now() AS published_at FROM _new_{table.split('.')[1]} WITH NO DATA")
            _add_new_columns(con, table, frame)
        changed = _replace_current_tables(con, current)
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
        if not rows and not restated and not changed and not migrating:
            con.execute("ROLLBACK")
            con.close()
            _remove(tmp)
            if not parquet_is_current(published_path):
                write_parquet(published_path)
            unchanged = tuple(sorted({p for p in period_ends}))
            return Publication(None, (), (), 0, 0, unchanged)
        _replace_data_quality(con, checks)
        for view in sorted(Path(views_dir).glob("*.sql")):
            con.execute(view.read_text(encoding="utf-8"))
        con.execute("COMMIT")
        _comment(con, descriptions)
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        _remove(tmp)
        raise
    con.close()
    os.chmod(tmp, PUBLISHED_MODE)  # whatever the umask or the copy left, on every publication
    _fsync(tmp)
    os.replace(tmp, published_path)  # the one atomic step readers can observe
    _fsync(published_path.parent)
    write_parquet(published_path)
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
    """`published.data_quality`: the results of the gate behind the latest publication, in the
    order the gate ran them (one insert: row by row, the demo's 672 checks took 0.8 s)."""
    con.execute("DROP TABLE IF EXISTS published.data_quality")
    con.register("_data_quality", pl.DataFrame(checks, schema=DATA_QUALITY_SCHEMA).to_arrow())
    try:
        con.execute("CREATE TABLE published.data_quality AS FROM _data_quality")
    finally:
        con.unregister("_data_quality")


def _remove(path: Path) -> None:
    Path(path).unlink(missing_ok=True)
    Path(f"{path}.wal").unlink(missing_ok=True)


def _replace_current_tables(con: duckdb.DuckDBPyConnection, frames: dict[str, pa.Table]) -> bool:
    """Replace the tables that show the catalogue as it is now; True when any differs from
    what the previous publication held (a changed definition is worth a publication)."""
    changed = False
    for table, frame in frames.items():
        name = table.split(".")[1]
        con.register(f"_current_{name}", frame)
        exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = "
                             "'publication' AND schema_name = 'published' AND table_name = ?",
                             [name]).fetchone()[0]
        if not exists:
            changed = True
        else:
            old = [(r[0], r[1]) for r in con.execute(f"DESCRIBE {table}").fetchall()]
            new = [(r[0], r[1]) for r in con.execute(f"DESCRIBE _current_{name}").fetchall()]
            if old != new or con.execute(
                    f"SELECT count(*) FROM ((FROM {table} EXCEPT ALL FROM _current_{name}) "
                    f"UNION ALL (FROM _current_{name} EXCEPT ALL FROM {table}))").fetchone()[0]:
                changed = True
        con.execute(f"CREATE OR REPLACE TABLE {table} AS FROM _current_{name}")
    return changed


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _comment(con: duckdb.DuckDBPyConnection, descriptions: dict) -> None:
    """COMMENT ON every published table, view and column docs/views.md describes, in one
    statement (one by one, each its own transaction, the demo's took 0.36 s)."""
    statements = []
    relations = con.execute(
        "SELECT table_name, table_type FROM information_schema.tables "
        "WHERE table_catalog = 'publication' AND table_schema = 'published'").fetchall()
    for name, kind in relations:
        doc = descriptions.get(name)
        if doc is None:
            continue
        target = "VIEW" if kind == "VIEW" else "TABLE"
        if doc.description:
            statements.append(f'COMMENT ON {target} published."{name}" IS {_literal(doc.description)}')
        columns = [r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_catalog = "
            "'publication' AND table_schema = 'published' AND table_name = ?", [name]).fetchall()]
        statements += [f'COMMENT ON COLUMN published."{name}"."{column}" IS '
                       f"{_literal(doc.columns[column])}" for column in columns if column in doc.columns]
    if statements:
        con.execute("BEGIN TRANSACTION; " + "; ".join(statements) + "; COMMIT")


def parquet_dir(published_path: Path) -> Path:
    """Where the Parquet copies of a published file go: `parquet/` beside it."""
    return Path(published_path).parent / PARQUET_DIR_NAME


def relation_order(con: duckdb.DuckDBPyConnection, name: str) -> tuple[str, str]:
    """FROM and ORDER BY clauses that read a published relation in the report's order: by
    council, quarter, the KPI's place in the report, then every other column left to right."""
    columns = [r[0] for r in con.execute(f'DESCRIBE published."{name}"').fetchall()]
    source = f'published."{name}" AS r'
    keys = [f"r.{c}" for c in ("council_code", "period_end", "report_period_end")
            if c in columns]
    if "display_order" in columns:
        keys.append("r.display_order")
    elif "kpi_code" in columns and name != "kpi_catalogue":
        source += (" LEFT JOIN (SELECT kpi_code, display_order FROM published.kpi_catalogue) "
                   "AS k ON k.kpi_code = r.kpi_code")
        keys.append("k.display_order")
    keys += [f'r."{c}"' for c in columns if f"r.{c}" not in keys]
    return source, ", ".join(keys)


def published_relations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every table and view of the `published` schema, by name (names that could not be a file
    name are refused)."""
    names = [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'published' "
        "ORDER BY table_name").fetchall()]
    for name in names:
        if not name.replace("_", "").isalnum() or not name.isascii():
            raise ValueError(f"unexpected published relation name {name!r}")
    return names


def write_parquet(published_path: Path, out_dir: Path | None = None) -> list[Path]:
    """`<out_dir>/<relation>.parquet` for every published table and view, rows in the report's
    order, 0640; each written beside its final name and moved into place, so a reader never
    sees half a file. Files of relations no longer published are removed. Returns the files,
    by relation name."""
    out_dir = Path(out_dir) if out_dir is not None else parquet_dir(published_path)
    old_umask = os.umask(0o027)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        # left by a writer killed mid-copy (an hour old: not one still being written)
        for stale in out_dir.glob(".*.parquet.*.tmp"):
            if time.time() - stale.stat().st_mtime > 3600:
                stale.unlink(missing_ok=True)
        con = duckdb.connect(str(published_path), read_only=True)
        written = []
        try:
            has_catalogue = con.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'published' "
                "AND table_name = 'kpi_catalogue'").fetchone()[0]
            for name in published_relations(con):
                path = out_dir / f"{name}.parquet"
                tmp = out_dir / f".{name}.parquet.{uuid.uuid4().hex[:8]}.tmp"
                if has_catalogue:
                    source, order = relation_order(con, name)
                    select = f"SELECT r.* FROM {source} ORDER BY {order}"
                else:
                    select = f'SELECT * FROM published."{name}" ORDER BY ALL'
                try:
                    con.execute(f"COPY ({select}) TO {_literal(str(tmp))} "
                                "(FORMAT parquet, COMPRESSION zstd)")
                    os.chmod(tmp, PUBLISHED_MODE)
                    os.replace(tmp, path)
                finally:
                    tmp.unlink(missing_ok=True)
                written.append(path)
        finally:
            con.close()
        for old in out_dir.glob("*.parquet"):
            if old not in written:
                old.unlink()
    finally:
        os.umask(old_umask)
    return written


def parquet_is_current(published_path: Path) -> bool:
    """Whether every published relation has a Parquet copy written after the file itself."""
    published_path = Path(published_path)
    if not published_path.exists():
        return True
    out_dir = parquet_dir(published_path)
    con = duckdb.connect(str(published_path), read_only=True)
    try:
        names = published_relations(con)
    finally:
        con.close()
    since = published_path.stat().st_mtime
    return all((out_dir / f"{n}.parquet").exists()
               and (out_dir / f"{n}.parquet").stat().st_mtime >= since for n in names)
