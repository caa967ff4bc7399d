"""Reference data a performance team edits (reference/*.csv) and the bank-holiday calendar."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import holidays
import polars as pl


def load_reference_csvs(con: duckdb.DuckDBPyConnection, reference_dir: Path) -> list[str]:
    """Each CSV becomes `reference.<file stem>`, all text; staging models type it."""
    tables = []
    for path in sorted(Path(reference_dir).glob("*.csv")):
        table = f"reference.{path.stem}"
        con.execute(
            f"CREATE OR REPLACE TABLE {table} AS "
            "SELECT * FROM read_csv(?, header = true, all_varchar = true)",
            [str(path)],
        )
        tables.append(table)
    return tables


def load_bank_holidays(con: duckdb.DuckDBPyConnection, first_year: int, last_year: int) -> int:
    """England and Wales bank holidays from the `holidays` library (maintained upstream)."""
    calendar = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    frame = pl.DataFrame(
        {"holiday_date": list(calendar.keys()), "holiday_name": list(calendar.values())},
        schema={"holiday_date": pl.Date, "holiday_name": pl.String},
    ).sort("holiday_date")
    con.register("_holidays", frame.to_arrow())
    con.execute("CREATE OR REPLACE TABLE reference.bank_holidays AS SELECT * FROM _holidays")
    con.unregister("_holidays")
    return frame.height


def write_run_context(con: duckdb.DuckDBPyConnection, run_id: str, period_end: dt.date,
                      history_quarters: int) -> None:
    """The parameters models read: which quarter the run is for and how far back to compute."""
    con.execute(
        "CREATE OR REPLACE TABLE meta.run_context AS SELECT ?::VARCHAR AS run_id, "
        "?::DATE AS period_end, ?::INTEGER AS history_quarters",
        [run_id, period_end, history_quarters],
    )
