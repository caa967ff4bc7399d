"""Reference data a performance team edits (reference/*.csv) and the bank-holiday calendar."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Iterable

import duckdb
import holidays
import polars as pl

from scorecard.errors import ScorecardError


def load_reference_csvs(con: duckdb.DuckDBPyConnection, reference_dir: Path,
                        extra_dirs: Iterable[Path] = ()) -> list[str]:
    """Each CSV becomes `reference.<file stem>`, all text; staging models type it. A CSV of an
    extra KPI folder (config.kpi_dirs()) adds its rows to the table of the same name, by column
    name; a column the table lacks, or a KPI code the catalogue already has, is an error."""
    extra_dirs = tuple(extra_dirs)
    tables = []
    for path in sorted(Path(reference_dir).glob("*.csv")):
        table = f"reference.{path.stem}"
        con.execute(
            f"CREATE OR REPLACE TABLE {table} AS "
            "SELECT * FROM read_csv(?, header = true, all_varchar = true)",
            [str(path)],
        )
        tables.append(table)
    for folder in extra_dirs:
        for path in sorted(Path(folder).glob("*.csv")):
            table = f"reference.{path.stem}"
            if table not in tables:
                raise ScorecardError(f"{path}: no reference table {path.stem} to add rows to "
                                     f"(one of {', '.join(sorted(t.split('.')[1] for t in tables))})")
            if path.stem == "kpis":
                catalogue_rows(reference_dir, extra_dirs)  # a code given twice: a clear error
            try:
                con.execute(f"INSERT INTO {table} BY NAME "
                            "SELECT * FROM read_csv(?, header = true, all_varchar = true)", [str(path)])
            except duckdb.Error as exc:
                raise ScorecardError(f"{path}: cannot add its rows to {table}: "
                                     f"{str(exc).splitlines()[0]}") from None
    return tables


def catalogue_rows(reference_dir: Path, extra_dirs: Iterable[Path] = ()) -> list[dict]:
    """The KPI catalogue's rows: reference/kpis.csv, then each extra folder's kpis.csv, in display
    order. A KPI code given twice is an error naming both files and rows."""
    rows: list[dict] = []
    seen: dict[str, str] = {}
    for path in [Path(reference_dir) / "kpis.csv", *(Path(d) / "kpis.csv" for d in extra_dirs)]:
        if not path.exists():
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=2):
                where = f"{path} row {number}"
                code = (row.get("kpi_code") or "").strip()
                if code in seen:
                    raise ScorecardError(f"{where}, column kpi_code: {code} is already in the "
                                         f"catalogue ({seen[code]})")
                seen[code] = where
                rows.append(row)

    def order(row: dict):
        try:
            return (int(row.get("display_order") or 0), row["kpi_code"])
        except ValueError:
            return (0, row["kpi_code"])
    return sorted(rows, key=order)


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
