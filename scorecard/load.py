"""Load extract files into `raw` (as received, with lineage) and bad rows into `quarantine`."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import duckdb
import polars as pl

from scorecard.landing import ExtractFile
from scorecard.read import empty_extract, read_extract
from scorecard.validate import validate


@dataclass(frozen=True)
class LoadResult:
    load_id: str
    raw_table: str
    source_file: str
    rows_in: int
    rows_loaded: int
    rows_quarantined: int
    reloaded: bool = True


def _quarantine_records(frame: pl.DataFrame, problems: pl.DataFrame, extract: ExtractFile,
                        load_id: str) -> pl.DataFrame:
    rows = frame.filter(pl.col("_row_number").is_in(problems["_row_number"].unique().implode()))
    records = rows.select(
        "_row_number",
        pl.Series(
            "record",
            [json.dumps(r, ensure_ascii=False) for r in rows.drop("_row_number").to_dicts()],
            dtype=pl.String,
        ),
    )
    return problems.join(records, on="_row_number", how="left").select(
        pl.lit(load_id).alias("load_id"),
        pl.lit(extract.contract.source).alias("source"),
        pl.lit(extract.contract.table).alias("source_table"),
        pl.lit(str(extract.path)).alias("source_file"),
        pl.col("_row_number").alias("row_number"),
        "column_name",
        "value",
        "reason",
        "record",
    )


def reuse_unchanged(con: duckdb.DuckDBPyConnection, extract: ExtractFile, run_id: str) -> LoadResult | None:
    """If this exact file (same path and SHA-256) was the last one loaded into its raw table,
    keep the raw table and its quarantine as they are and record the load without reading it."""
    contract = extract.contract
    previous = con.execute(
        "SELECT source_file, sha256, rows_in, rows_loaded, rows_quarantined FROM meta.loads "
        "WHERE source = ? AND source_table = ? ORDER BY loaded_at DESC LIMIT 1",
        [contract.source, contract.table]).fetchone()
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'raw' AND table_name = ?",
        [f"{contract.source}__{contract.table}"]).fetchone()[0]
    if not (previous and exists and extract.present
            and previous[:2] == (str(extract.path), extract.sha256)):
        return None
    load_id = f"{run_id}:{contract.source}__{contract.table}"
    con.execute(
        "INSERT INTO meta.loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, false, ?)",
        [load_id, run_id, contract.source, contract.table, str(extract.path), extract.extract_date,
         extract.sha256, *previous[2:], dt.datetime.now(dt.timezone.utc)])
    return LoadResult(load_id, contract.raw_table, str(extract.path), *previous[2:], reloaded=False)


def load_extract(con: duckdb.DuckDBPyConnection, extract: ExtractFile, run_id: str) -> LoadResult:
    """Replace the raw table with this extract; record the load and any quarantined rows."""
    contract = extract.contract
    load_id = f"{run_id}:{contract.source}__{contract.table}"
    if extract.present:
        frame = read_extract(extract.path, contract, extract.council_code)
    else:
        frame = empty_extract(contract)
    checked = validate(frame, contract)
    loaded = checked.loaded.with_columns(
        pl.lit(load_id).alias("_load_id"),
        pl.lit(str(extract.path)).alias("_source_file"),
    )
    quarantined = _quarantine_records(frame, checked.quarantined, extract, load_id)
    con.execute("BEGIN")
    try:
        con.register("_incoming", loaded.to_arrow())
        con.execute(f"CREATE OR REPLACE TABLE {contract.raw_table} AS SELECT * FROM _incoming")
        con.unregister("_incoming")
        con.execute("DELETE FROM quarantine.rows WHERE source = ? AND source_table = ?",
                    [contract.source, contract.table])
        if quarantined.height:
            con.register("_quarantined", quarantined.to_arrow())
            con.execute("INSERT INTO quarantine.rows SELECT * FROM _quarantined")
            con.unregister("_quarantined")
        con.execute(
            "INSERT INTO meta.loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, true, ?)",
            [load_id, run_id, contract.source, contract.table, str(extract.path),
             extract.extract_date, extract.sha256, checked.rows_in, loaded.height,
             checked.rows_quarantined, dt.datetime.now(dt.timezone.utc)],
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return LoadResult(load_id, contract.raw_table, str(extract.path), checked.rows_in,
                      loaded.height, checked.rows_quarantined)
