"""Row-level contract checks: each failing cell becomes a quarantine record with its reason.

A row with any failure is quarantined whole; the rest are loaded. Nothing is dropped silently:
rows in = rows loaded + rows quarantined.

Besides the contract's own checks (value present, date in the stated format, number in range, code
in its list, key unique) a row is quarantined for a value longer than MAX_FIELD_CHARS, and, from
what the reader knows about the file (`ReadContext`, attached to the frame by `scorecard.ingest.read`):
a row with too many or too few fields, an event date after the extract date, and a council code
other than the one the extract folder's extract.json names.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import polars as pl

from scorecard.ingest.sources.contract import Column, Contract

QUARANTINE_SCHEMA = {
    "_row_number": pl.Int64,
    "column_name": pl.String,
    "value": pl.String,
    "reason": pl.String,
}
DECIMAL_SHAPE = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$"
INTEGER_SHAPE = r"^[+-]?[0-9]{1,9}$"  # at most 9 digits: always fits a 32-bit integer
MAX_FIELD_CHARS = 32_767  # the most an Excel cell holds: no real extract field is longer
SHOWN_CHARS = 200  # a longer quarantined value is shown cut (the quarantined record keeps it whole)


@dataclass(frozen=True)
class ReadContext:
    """What the reader knows about a frame that its columns do not say."""

    extract_date: dt.date | None = None  # the date of the extract folder the file came from
    council_code: str | None = None  # the council the folder's extract.json names, if it has one
    problems: pl.DataFrame | None = None  # rows the reader found broken (QUARANTINE_SCHEMA)
    # A column map (scorecard.ingest.column_map) applied: the cells it could not translate
    # (QUARANTINE_SCHEMA), our column -> the council's own header, and the frame as received
    # (the council's headers and values, for the quarantined rows' records).
    unmapped: pl.DataFrame | None = None
    headers: dict[str, str] | None = None
    received: pl.DataFrame | None = None


def with_context(frame: pl.DataFrame, context: ReadContext) -> pl.DataFrame:
    """Attach the reader's context to the frame it read (`validate` picks it up)."""
    frame.read_context = context
    return frame


@dataclass(frozen=True)
class Validated:
    loaded: pl.DataFrame
    quarantined: pl.DataFrame  # one row per failing cell: _row_number, column_name, value, reason
    rows_in: int

    @property
    def rows_quarantined(self) -> int:
        return self.quarantined["_row_number"].n_unique()


def _date_shape(date_format: str) -> str:
    """The text a date in this format must look like: day and month of 1-2 digits, 4-digit year.
    ASCII digits only: `\\d` would also take full-width and other scripts' digits."""
    shape = re.escape(date_format)
    for code, digits in (("%d", "[0-9]{1,2}"), ("%m", "[0-9]{1,2}"), ("%Y", "[0-9]{4}")):
        shape = shape.replace(code, digits)
    return f"^{shape}$"


def parsed_date(col: pl.Expr, formats: tuple[str, ...]) -> pl.Expr:
    text = col.str.strip_chars()
    parsed = [pl.when(text.str.contains(_date_shape(f))).then(text.str.to_date(f, strict=False))
              for f in formats]
    return pl.coalesce(parsed)


def _value_checks(column: Column, contract: Contract,
                  context: ReadContext) -> list[tuple[pl.Expr, pl.Expr]]:
    """(is bad, reason) for a value that is present, in the order they are tried."""
    value = pl.col(column.name).str.strip_chars()
    checks: list[tuple[pl.Expr, pl.Expr]] = []
    if column.kind == "code":
        checks.append((~value.is_in(list(column.codes)),
                       pl.lit(f"not one of {', '.join(column.codes)}")))
    if column.kind == "pattern":
        checks.append((~value.str.contains(column.pattern),
                       pl.lit(f"does not match {column.pattern}")))
    if column.kind == "date":
        wanted = " or ".join(f.replace("%d", "dd").replace("%m", "mm").replace("%Y", "yyyy")
                             for f in contract.date_formats)
        parsed = parsed_date(pl.col(column.name), contract.date_formats)
        checks.append((parsed.is_null(), pl.lit(f"not a valid date ({wanted})")))
        checks.append((parsed.dt.year() < 1900, pl.lit("date before 1900")))
        if column.event and context.extract_date is not None:
            checks.append((parsed > context.extract_date,
                           pl.lit(f"after the extract date {context.extract_date}")))
    if column.kind in ("decimal", "integer"):
        # plain notation only: a float parser also takes Infinity, NaN and 1e3, which pass here
        # and then fail the gate or the staging cast
        shape = DECIMAL_SHAPE if column.kind == "decimal" else INTEGER_SHAPE
        number = pl.when(value.str.contains(shape)).then(value.cast(pl.Float64, strict=False))
        checks.append((number.is_null(), pl.lit("not a number" if column.kind == "decimal"
                                                else "not a whole number (at most 9 digits)")))
        if column.minimum is not None and column.minimum_exclusive:
            checks.append((number <= column.minimum,
                           pl.lit(f"must be greater than {column.minimum:g}")))
        elif column.minimum is not None:
            checks.append((number < column.minimum, pl.lit(f"must be at least {column.minimum:g}")))
        if column.maximum is not None:
            checks.append((number > column.maximum, pl.lit(f"must be at most {column.maximum:g}")))
    if (column.name == "council_code" and contract.council_code_from == "column"
            and context.council_code is not None):
        checks.append((value != context.council_code,
                       pl.format("council code {}, but the extract is for {}", value,
                                 pl.lit(context.council_code))))
    return checks


def _problem(column: Column, contract: Contract, context: ReadContext) -> pl.Expr:
    """Why this column's value is unacceptable, or null when it is fine."""
    blank = pl.col(column.name).is_null() | (pl.col(column.name).str.strip_chars() == "")
    if column.required:
        missing, missing_reason = blank, "required value missing"
    elif column.required_when:
        other = pl.col(column.required_when)
        missing = blank & other.is_not_null() & (other.str.strip_chars() != "")
        missing_reason = f"required when {column.required_when} is given"
    else:
        missing, missing_reason = pl.lit(False), ""
    problem = (pl.when(missing).then(pl.lit(missing_reason))
               .when(blank).then(pl.lit(None, pl.String)))
    for bad, reason in _value_checks(column, contract, context):
        problem = problem.when(bad).then(reason)
    return problem


def _cell_problems(frame: pl.DataFrame, contract: Contract, context: ReadContext) -> pl.DataFrame:
    # one narrow frame per column, filtered first: nearly every cell is fine, so unpivoting the
    # whole table to find the few bad ones costs more than all the checks together
    found = frame.lazy().select(
        "_row_number",
        *[_problem(c, contract, context).alias(f"_reason_{i}") for i, c in enumerate(contract.columns)],
        *[pl.col(c.name).alias(f"_value_{i}") for i, c in enumerate(contract.columns)],
    ).filter(pl.any_horizontal(pl.col("^_reason_.*$").is_not_null())).collect()
    if not found.height:  # the usual case: no column to look through
        return _no_problems()
    return pl.concat([
        found.filter(pl.col(f"_reason_{i}").is_not_null()).select(
            "_row_number",
            pl.lit(c.name, pl.String).alias("column_name"),
            pl.col(f"_value_{i}").alias("value"),
            pl.col(f"_reason_{i}").alias("reason"),
        )
        for i, c in enumerate(contract.columns)
    ])


def _typed_key(name: str, contract: Contract) -> pl.Expr:
    """A key column as staging will see it: `01/04/2023` and `1/4/2023` are the same date, ` 7`
    and `7` the same id. Values that do not type stay as trimmed text (they are quarantined on
    their own anyway)."""
    column = next((c for c in contract.columns if c.name == name), None)
    text = pl.col(name).str.strip_chars()
    if column is not None and column.kind == "date":
        return pl.coalesce(parsed_date(pl.col(name), contract.date_formats).cast(pl.String), text)
    if column is not None and column.kind in ("decimal", "integer"):
        return pl.coalesce(text.cast(pl.Float64, strict=False).cast(pl.String), text)
    return text


def _duplicate_keys(frame: pl.DataFrame, contract: Contract) -> pl.DataFrame:
    key = list(contract.key)
    typed = [f"_key_{i}" for i in range(len(key))]
    rows = frame.select("_row_number", *key).with_columns(
        *[_typed_key(name, contract).alias(alias) for name, alias in zip(key, typed)],
    ).with_columns(
        pl.col("_row_number").min().over(typed).alias("_first"),
        pl.len().over(typed).alias("_count"),
    ).filter(pl.col("_count") > 1)
    return rows.select(
        "_row_number",
        pl.lit(", ".join(key)).alias("column_name"),
        pl.concat_str([pl.col(k).fill_null("") for k in key], separator="|").alias("value"),
        pl.format("duplicate key: {} rows share it (first at row {})",
                  pl.col("_count"), pl.col("_first")).alias("reason"),
    )


def _too_long(frame: pl.DataFrame) -> pl.DataFrame:
    """Values of any column (extra columns too) longer than MAX_FIELD_CHARS. Only a column with a
    value of more than MAX_FIELD_CHARS bytes can hold one, and one pass over every column finds
    those (a scan per column was most of a small file's checking)."""
    strings = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    longest = frame.select([pl.col(n).str.len_bytes().max() for n in strings]).row(0) if strings else ()
    candidates = [name for name, size in zip(strings, longest) if size and size > MAX_FIELD_CHARS]
    found = [
        frame.filter(pl.col(name).str.len_chars() > MAX_FIELD_CHARS).select(
            "_row_number",
            pl.lit(name).alias("column_name"),
            pl.col(name).alias("value"),
            pl.format("{} characters, more than the {} a field may hold",
                      pl.col(name).str.len_chars(), pl.lit(MAX_FIELD_CHARS)).alias("reason"),
        )
        for name in candidates
    ]
    return pl.concat([f.cast(QUARANTINE_SCHEMA) for f in found]) if found else _no_problems()


def _no_problems() -> pl.DataFrame:
    return pl.DataFrame(schema=QUARANTINE_SCHEMA)


def _shown(value: pl.Expr) -> pl.Expr:
    length = value.str.len_chars()
    return (pl.when(length > SHOWN_CHARS)
            .then(pl.format("{}… ({} characters)", value.str.slice(0, SHOWN_CHARS), length))
            .otherwise(value))


def with_headers(problems: pl.DataFrame, headers: dict[str, str]) -> pl.DataFrame:
    """Each reason followed by the council's own header(s) of its column(s), where a column map
    renamed them: the data team fixing the export knows its headers, not ours."""
    suffix = {}
    for names in problems["column_name"].unique().to_list() if headers else ():
        own = [headers[n.strip()] for n in names.split(",") if n.strip() in headers]
        if own:
            label = "column" if len(own) == 1 else "columns"
            suffix[names] = f", in the file's {label} " + ", ".join(f"'{h}'" for h in own)
    if not suffix:
        return problems
    return problems.with_columns(
        (pl.col("reason") + pl.col("column_name").replace_strict(suffix, default=""))
        .alias("reason"))


def validate(frame: pl.DataFrame, contract: Contract,
             context: ReadContext | None = None) -> Validated:
    """Check every row; `context` defaults to what `scorecard.ingest.read` attached to the frame."""
    context = context or getattr(frame, "read_context", None) or ReadContext()
    read_problems = context.problems if context.problems is not None else _no_problems()
    frame = frame.with_columns(pl.col(contract.column_names).cast(pl.String))
    # a row the reader found broken (fields shifted or missing) is not checked cell by cell
    whole = frame.filter(~pl.col("_row_number").is_in(read_problems["_row_number"].implode()))
    unmapped = context.unmapped if context.unmapped is not None else _no_problems()
    # a cell the column map could not translate is reported once, for that reason
    cells = _cell_problems(whole, contract, context).cast(QUARANTINE_SCHEMA).join(
        unmapped.select("_row_number", "column_name"), on=["_row_number", "column_name"],
        how="anti")
    quarantined = pl.concat([
        read_problems.cast(QUARANTINE_SCHEMA),
        unmapped.cast(QUARANTINE_SCHEMA),
        cells,
        _duplicate_keys(whole, contract).cast(QUARANTINE_SCHEMA),
        _too_long(frame),
    ]).with_columns(_shown(pl.col("value")).alias("value")).sort("_row_number", "column_name")
    quarantined = with_headers(quarantined, context.headers or {})
    bad_rows = quarantined["_row_number"].unique()
    loaded = frame.filter(~pl.col("_row_number").is_in(bad_rows.implode()))
    return Validated(loaded=loaded, quarantined=quarantined, rows_in=frame.height)
