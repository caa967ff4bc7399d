"""Text that a spreadsheet would run as a formula, made safe: the one rule every file people open
in Excel or LibreOffice goes through (the defect report, the public CSV export, the committee
workbook).

A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula (or starts one)
in Excel and LibreOffice; prefixed with a quote it is shown as the text it is (OWASP's advice on
CSV injection)."""

from __future__ import annotations

import polars as pl

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: object) -> object:
    """Text a spreadsheet would run as a formula is prefixed with a quote; other values as given."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def escape_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """`escape_formula` on every text column of a frame."""
    def escaped(value: pl.Expr) -> pl.Expr:
        starts = pl.any_horizontal([value.str.starts_with(s) for s in FORMULA_STARTS])
        return pl.when(starts.fill_null(False)).then(pl.lit("'") + value).otherwise(value)

    text = [n for n, t in frame.schema.items() if t == pl.String]
    return frame.with_columns(escaped(pl.col(n)).alias(n) for n in text)
