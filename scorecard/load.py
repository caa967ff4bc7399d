"""Load extract files into `raw` (as received, with lineage) and bad rows into `quarantine`."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import duckdb
import polars as pl

from scorecard.landing import ExtractFile
from scorecard.sources.contract import Contract
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


def _load_id(extract: ExtractFile, run_id: str) -> str:
    base = f"{run_id}:{extract.contract.source}__{extract.contract.table}"
    return f"{base}:{extract.council_code}" if extract.council_code else base


def _table_exists(con: duckdb.DuckDBPyConnection, contract: Contract) -> bool:
    return con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'raw' AND table_name = ?",
        [f"{contract.source}__{contract.table}"]).fetchone()[0] > 0


def _last_loaded_files(con: duckdb.DuckDBPyConnection, contract: Contract) -> dict[str, tuple]:
    """The files the raw table holds: those of the last run that loaded it (path -> sha256 and
    counts). A run whose load failed rolled back its meta.loads rows with its raw rows."""
    rows = con.execute(
        "SELECT source_file, sha256, rows_in, rows_loaded, rows_quarantined FROM meta.loads "
        "WHERE source = $source AND source_table = $table AND run_id = ("
        "  SELECT run_id FROM meta.loads WHERE source = $source AND source_table = $table "
        "  ORDER BY loaded_at DESC LIMIT 1)",
        {"source": contract.source, "table": contract.table}).fetchall()
    return {row[0]: row[1:] for row in rows}


def plan_table(con: duckdb.DuckDBPyConnection, contract: Contract,
               extracts: list[ExtractFile]) -> dict[str, tuple]:
    """Make the raw table and its quarantine hold only the rows of files this run keeps as they
    are (same path, same SHA-256 as when loaded), and return those files with their counts.

    A file that changed, or that the table never held, is loaded afresh by `load_extract`; a
    file the table holds but this run does not read (a council that stopped sending, an older
    extract folder) has its rows removed. With nothing to keep the table is dropped, so a
    column a source stopped sending does not linger.
    """
    held = _last_loaded_files(con, contract) if _table_exists(con, contract) else {}
    keep = {str(e.path): held[str(e.path)] for e in extracts
            if e.present and held.get(str(e.path), (None,))[0] == e.sha256}
    if not keep:
        con.execute(f"DROP TABLE IF EXISTS {contract.raw_table}")
        con.execute("DELETE FROM quarantine.rows WHERE source = ? AND source_table = ?",
                    [contract.source, contract.table])
        return {}
    kept = list(keep)
    con.execute(f"DELETE FROM {contract.raw_table} WHERE NOT list_contains(?, _source_file)", [kept])
    con.execute("DELETE FROM quarantine.rows WHERE source = ? AND source_table = ? "
                "AND NOT list_contains(?, source_file)", [contract.source, contract.table, kept])
    return keep


def record_reuse(con: duckdb.DuckDBPyConnection, extract: ExtractFile, run_id: str,
                 counts: tuple) -> LoadResult:
    """Record that this run keeps the rows an earlier run loaded from the same file."""
    contract = extract.contract
    load_id = _load_id(extract, run_id)
    rows_in, rows_loaded, rows_quarantined = counts[1:]
    con.execute(
        "INSERT INTO meta.loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, false, ?)",
        [load_id, run_id, contract.source, contract.table, str(extract.path), extract.extract_date,
         extract.sha256, rows_in, rows_loaded, rows_quarantined, dt.datetime.now(dt.timezone.utc)])
    return LoadResult(load_id, contract.raw_table, str(extract.path), rows_in, rows_loaded,
                      rows_quarantined, reloaded=False)


def load_extract(con: duckdb.DuckDBPyConnection, extract: ExtractFile, run_id: str) -> LoadResult:
    """Put this file's rows in the raw table (in place of any it held from the same path) and its
    bad rows in quarantine, and record the load. The caller owns the transaction."""
    contract = extract.contract
    load_id = _load_id(extract, run_id)
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
    con.register("_incoming", loaded.to_arrow())
    try:
        if _table_exists(con, contract):
            con.execute(f"DELETE FROM {contract.raw_table} WHERE _source_file = ?", [str(extract.path)])
            held = {r[0] for r in con.execute(f"DESCRIBE {contract.raw_table}").fetchall()}
            for column in (c for c in loaded.columns if c not in held):  # extra columns are kept
                con.execute(f'ALTER TABLE {contract.raw_table} ADD COLUMN "{column}" VARCHAR')
        else:
            con.execute(f"CREATE TABLE {contract.raw_table} AS FROM _incoming LIMIT 0")
        con.execute(f"INSERT INTO {contract.raw_table} BY NAME FROM _incoming")
    finally:
        con.unregister("_incoming")
    con.execute("DELETE FROM quarantine.rows WHERE source = ? AND source_table = ? AND source_file = ?",
                [contract.source, contract.table, str(extract.path)])
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
    return LoadResult(load_id, contract.raw_table, str(extract.path), checked.rows_in,
                      loaded.height, checked.rows_quarantined)


def load_all(con: duckdb.DuckDBPyConnection, extracts: list[ExtractFile], run_id: str) -> list[LoadResult]:
    """Load a run's extract files in one transaction: raw, quarantine and meta.loads change
    together or not at all. Files are read in the order given (a council's files together, so
    its CIN census is parsed once for its five tables); unchanged files are not read again."""
    by_table: dict[Contract, list[ExtractFile]] = {}
    for extract in extracts:
        by_table.setdefault(extract.contract, []).append(extract)
    con.execute("BEGIN")
    try:
        kept = {}
        for contract, files in by_table.items():
            kept[contract] = plan_table(con, contract, files)
        results = [
            record_reuse(con, e, run_id, kept[e.contract][str(e.path)])
            if str(e.path) in kept[e.contract] else load_extract(con, e, run_id)
            for e in extracts
        ]
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return results
