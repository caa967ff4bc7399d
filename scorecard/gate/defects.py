"""What the last load of each table left out, and why: the defect report a data owner works from.

Every row the contract checks quarantined (`quarantine.rows`) is listed with its file, row, column,
offending value (an identifier's only masked, `X99999`) and reason, for the files of each
table's latest load in `meta.loads` (one file per council when a landing zone holds several
councils). The CSV written for people to open in a spreadsheet is made safe against formula injection
(`scorecard.spreadsheet_safe`).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from scorecard.ingest.sources import IDENTIFIER_COLUMNS
from scorecard.spreadsheet_safe import escape_formulas
from scorecard.ingest.sources.identifiers import masked, names_identifier

REPORT_COLUMNS = ("source", "source_table", "source_file", "row_number", "column_name", "value",
                  "reason")

# The loads of the last run that loaded each table: one per file it read. A file that run kept
# unchanged keeps the quarantine rows (and load_id) of the load that first read it, so
# quarantine rows are matched to loads by file, not by load_id.
_LATEST_LOADS = """
    SELECT *
    FROM meta.loads
    QUALIFY run_id = arg_max(run_id, loaded_at) OVER (PARTITION BY source, source_table)
"""


def defect_report(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """One row per quarantined cell problem of the latest load of each table, by file and row."""
    frame = con.sql(f"""
        SELECT q.source, q.source_table, q.source_file, q.row_number, q.column_name, q.value, q.reason
        FROM quarantine.rows AS q
        JOIN ({_LATEST_LOADS}) AS l USING (source, source_table, source_file)
        ORDER BY q.source_file, q.row_number, q.column_name, q.reason
    """).pl()
    # row and column locate a record for the data team; an identifier's value is only shown
    # masked (scorecard.ingest.sources.identifiers): the report leaves the warehouse
    identifier = pl.Series([names_identifier(IDENTIFIER_COLUMNS, f"raw.{s}__{t}", c) for s, t, c in
                            frame.select("source", "source_table", "column_name").iter_rows()],
                           dtype=pl.Boolean)
    frame = frame.with_columns(
        pl.when(identifier).then(pl.col("value").map_elements(masked, return_dtype=pl.String))
        .otherwise(pl.col("value")).alias("value"))
    return frame.cast({"row_number": pl.Int64}).select(REPORT_COLUMNS)


def summarise_loads(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Per file of each table's latest load: rows in, loaded and quarantined, present or absent."""
    frame = con.sql(f"""
        SELECT source, source_table, source || '__' || source_table AS raw_table,
               source_file AS file,
               CASE WHEN sha256 IS NULL THEN 'absent' ELSE 'present' END AS file_status,
               extract_date, rows_in, rows_loaded, rows_quarantined, load_id, loaded_at
        FROM ({_LATEST_LOADS})
        ORDER BY source, source_table, file
    """).pl()
    return frame.with_columns(pl.format("raw.{}", pl.col("raw_table")).alias("raw_table"))


def write_defect_report(con: duckdb.DuckDBPyConnection, out: Path) -> Path:
    """Write the defect report as a UTF-8 CSV, safe to open in a spreadsheet; returns the path."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    escape_formulas(defect_report(con)).write_csv(out)
    return out


__all__ = ["defect_report", "summarise_loads", "write_defect_report"]
