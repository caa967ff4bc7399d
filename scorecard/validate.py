"""Row-level contract checks: each failing cell becomes a quarantine record with its reason.

A row with any failure is quarantined whole; the rest are loaded. Nothing is dropped silently:
rows in = rows loaded + rows quarantined.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from scorecard.sources.contract import Column, Contract

QUARANTINE_SCHEMA = {
    "_row_number": pl.Int64,
    "column_name": pl.String,
    "value": pl.String,
    "reason": pl.String,
}


@dataclass(frozen=True)
class Validated:
    loaded: pl.DataFrame
    quarantined: pl.DataFrame  # one row per failing cell: _row_number, column_name, value, reason
    rows_in: int

    @property
    def rows_quarantined(self) -> int:
        return self.quarantined["_row_number"].n_unique()


def _parsed_date(col: pl.Expr, formats: tuple[str, ...]) -> pl.Expr:
    parsed = [col.str.strip_chars().str.to_date(f, strict=False) for f in formats]
    return pl.coalesce(parsed) if len(parsed) > 1 else parsed[0]


def _value_problem(column: Column, contract: Contract) -> pl.Expr:
    """Why this column's value is unacceptable, or null when it is fine (value present)."""
    value = pl.col(column.name).str.strip_chars()
    if column.kind == "code":
        return pl.when(~value.is_in(list(column.codes))).then(
            pl.lit(f"not one of {', '.join(column.codes)}")
        )
    if column.kind == "pattern":
        return pl.when(~value.str.contains(column.pattern)).then(
            pl.lit(f"does not match {column.pattern}")
        )
    if column.kind == "date":
        wanted = " or ".join(f.replace("%d", "dd").replace("%m", "mm").replace("%Y", "yyyy")
                             for f in contract.date_formats)
        parsed = _parsed_date(pl.col(column.name), contract.date_formats)
        return (
            pl.when(parsed.is_null()).then(pl.lit(f"not a valid date ({wanted})"))
            .when(parsed.dt.year() < 1900).then(pl.lit("date before 1900"))
        )
    if column.kind == "decimal":
        number = value.cast(pl.Float64, strict=False)
        problem = pl.when(number.is_null() | number.is_nan()).then(pl.lit("not a number"))
        if column.minimum is not None:
            if column.minimum_exclusive:
                problem = problem.when(number <= column.minimum).then(
                    pl.lit(f"must be greater than {column.minimum:g}"))
            else:
                problem = problem.when(number < column.minimum).then(
                    pl.lit(f"must be at least {column.minimum:g}"))
        if column.maximum is not None:
            problem = problem.when(number > column.maximum).then(
                pl.lit(f"must be at most {column.maximum:g}"))
        return problem
    return pl.lit(None, dtype=pl.String)


def _problem(column: Column, contract: Contract) -> pl.Expr:
    blank = pl.col(column.name).is_null() | (pl.col(column.name).str.strip_chars() == "")
    if column.required:
        missing = blank
        missing_reason = "required value missing"
    elif column.required_when:
        other = pl.col(column.required_when)
        missing = blank & other.is_not_null() & (other.str.strip_chars() != "")
        missing_reason = f"required when {column.required_when} is given"
    else:
        missing = pl.lit(False)
        missing_reason = ""
    return (
        pl.when(missing).then(pl.lit(missing_reason))
        .when(blank).then(pl.lit(None, dtype=pl.String))
        .otherwise(_value_problem(column, contract))
    )


def _duplicate_keys(frame: pl.DataFrame, contract: Contract) -> pl.DataFrame:
    key = list(contract.key)
    rows = frame.select("_row_number", *key).with_columns(
        pl.col("_row_number").min().over(key).alias("_first"),
        pl.len().over(key).alias("_count"),
    ).filter(pl.col("_count") > 1)
    return rows.select(
        "_row_number",
        pl.lit(", ".join(key)).alias("column_name"),
        pl.concat_str([pl.col(k).fill_null("") for k in key], separator="|").alias("value"),
        pl.format("duplicate key: {} rows share it (first at row {})",
                  pl.col("_count"), pl.col("_first")).alias("reason"),
    )


def validate(frame: pl.DataFrame, contract: Contract) -> Validated:
    frame = frame.with_columns(pl.col(contract.column_names).cast(pl.String))
    checks = frame.select(
        "_row_number",
        *[_problem(c, contract).alias(c.name) for c in contract.columns],
    )
    cell_problems = (
        checks.unpivot(index="_row_number", variable_name="column_name", value_name="reason")
        .drop_nulls("reason")
        .join(
            frame.select("_row_number", *contract.column_names).unpivot(
                index="_row_number", variable_name="column_name", value_name="value"
            ),
            on=["_row_number", "column_name"],
            how="left",
        )
        .select(list(QUARANTINE_SCHEMA))
    )
    quarantined = pl.concat(
        [cell_problems.cast(QUARANTINE_SCHEMA), _duplicate_keys(frame, contract).cast(QUARANTINE_SCHEMA)]
    ).sort("_row_number", "column_name")
    bad_rows = quarantined["_row_number"].unique()
    loaded = frame.filter(~pl.col("_row_number").is_in(bad_rows.implode()))
    return Validated(loaded=loaded, quarantined=quarantined, rows_in=frame.height)
