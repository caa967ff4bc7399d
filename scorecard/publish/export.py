"""Exports of published figures for people outside the warehouse.

A public export suppresses small numbers: a figure built on fewer than `threshold` people (a
numerator or denominator from 1 to threshold - 1, or a count in that range) could identify
children, so the figure and its parts are withheld and marked. Every count-like figure follows
the same rule: for a count KPI that is the quarter's actual and its rolling 12-month sum, each
withheld on its own (a rolling sum of 3 beside a quarter of 0 still identifies). Zero is shown:
it identifies no one. Every text cell is escaped against spreadsheet formula injection.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import duckdb
import polars as pl

from scorecard.spreadsheet_safe import escape_formula

DEFAULT_THRESHOLD = 5
COLUMNS = ("council_code", "kpi_code", "section", "title", "period_end", "actual", "numerator",
           "denominator", "target", "status_label", "symbol", "comparator", "rolling_12m", "comment")


def _small(column: str, threshold: int) -> pl.Expr:
    return pl.col(column).is_between(1, threshold - 1, closed="both").fill_null(False)


def scorecard_export(published: Path, period_end: dt.date, public: bool,
                     threshold: int = DEFAULT_THRESHOLD) -> pl.DataFrame:
    con = duckdb.connect(str(published), read_only=True)
    try:
        frame = con.sql(f"SELECT {', '.join(COLUMNS)}, unit FROM published.scorecard "
                        "WHERE period_end = ? ORDER BY council_code, display_order",
                        params=[period_end]).pl()
    finally:
        con.close()
    if public:
        count = pl.col("unit") == "count"
        small = (_small("numerator", threshold) | _small("denominator", threshold)
                 | (count & _small("actual", threshold)))
        small_rolling = small | (count & _small("rolling_12m", threshold))
        note = f"suppressed: fewer than {threshold}"
        frame = frame.with_columns(
            *[pl.when(small).then(None).otherwise(pl.col(c)).alias(c)
              for c in ("actual", "numerator", "denominator")],
            pl.when(small_rolling).then(None).otherwise(pl.col("rolling_12m")).alias("rolling_12m"),
            pl.when(small).then(pl.lit(note))
            .when(small_rolling).then(pl.lit(f"rolling 12 months {note}"))
            .otherwise(pl.lit("")).alias("suppression"),
        )
    return frame.drop("unit")


def write_csv(frame: pl.DataFrame, out: Path) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(frame.columns)
        for row in frame.iter_rows():
            writer.writerow(["" if v is None else escape_formula(v) for v in row])
    return out
