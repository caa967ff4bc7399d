"""Every value the loader accepts, the raw Great Expectations suites accept too.

A value the loader accepts and the gate rejects blocks the whole run after loading: the gate
fails on a row that was never quarantined, and nothing publishes. (The other way round does no
harm: a value the loader quarantines never reaches raw.) For every column that a raw suite checks
with an error-level regex, each sample value below that the loader accepts (the contract check of
that column alone, on the trimmed text the reader stores in raw) must match the suite's regex as
both gate engines test it: GX's pandas path (Python `re.search`) and the DuckDB gate (the regex
translated to RE2, `scorecard.gate.quality_sql.translate_regex`). The samples are the shapes real
extracts hold and hostile ones: full-width
and Arabic-Indic digits (Python's and Rust's `\\d` match them), single-digit days and months,
exponents, infinities, signs, very long digit strings.
"""

from __future__ import annotations

import json
import re

import duckdb
import polars as pl
import pytest

from scorecard import config
from scorecard.gate.quality_sql import translate_regex
from scorecard.ingest.sources import CONTRACTS
from scorecard.ingest.validate import ReadContext, _problem

SAMPLES = [
    # dates in every layout a contract names, and near misses
    "01.04.2023", "1.4.2023", "31.12.1999", "29.02.2024", "30.02.2023", "01.04.23", "01.04.2123",
    "01/04/2023", "1/4/2023", "31/12/1899", "2023-04-01", "2023-4-1", "2023-04-01T00:00:00",
    "２０２３-０４-０１", "０１.０４.２０２３", "٠١/٠٤/٢٠٢٣", "01.04.2023 ", "2023/04/01",
    # numbers
    "0", "1", "0.5", "1.0", ".5", "5.", "-0", "+3", "-1", "1e3", "1E-2", "Infinity", "-inf", "NaN",
    "nan", "0x10", "1,5", "١٢", "１２", "99999999999999999999", "2147483648", "40", "007",
    # codes and identifiers
    "916", "９１６", "10000001", "１0000001", "C1", "F1", "0", "UN1", "UN10", "UN11", "A123456789012",
]


def _raw_suite_regexes():
    for path in sorted(config.EXPECTATIONS_DIR.glob("raw__*.json")):
        suite = json.loads(path.read_text(encoding="utf-8"))
        for expectation in suite["expectations"]:
            if (expectation["type"] == "expect_column_values_to_match_regex"
                    and expectation.get("meta", {}).get("severity", "error") == "error"):
                yield path.stem, expectation["kwargs"]["column"], expectation["kwargs"]["regex"]


CHECKED = list(_raw_suite_regexes())
BY_TABLE = {f"raw__{c.source}__{c.table}": c for c in CONTRACTS}


def _loader_accepts(contract, column, values):
    frame = pl.DataFrame({name: [v if name == column.name else None for v in values]
                          for name in contract.column_names}, schema={n: pl.String for n in
                                                                      contract.column_names})
    problems = frame.select(_problem(column, contract, ReadContext()).alias("p"))["p"].to_list()
    return [p is None for p in problems]


def test_every_raw_suite_is_compared():
    assert {suite for suite, _, _ in CHECKED} == set(BY_TABLE)


@pytest.mark.parametrize("suite, column, regex", CHECKED, ids=lambda v: str(v)[:40])
def test_what_the_loader_accepts_the_gate_accepts(suite, column, regex):
    contract = BY_TABLE[suite]
    columns = {c.name: c for c in contract.columns}
    if column not in columns:  # council_code of a table that takes it from extract.json
        assert column == "council_code"
        return
    loader = _loader_accepts(contract, columns[column], SAMPLES)
    pattern = re.compile(regex)
    assert [v for v, ok in zip(SAMPLES, loader) if ok and not pattern.search(v.strip())] == []
    accepted = [v.strip() for v, ok in zip(SAMPLES, loader) if ok]
    in_duckdb = duckdb.execute("SELECT [regexp_matches(v, ?) FOR v IN ?]",
                               [translate_regex(regex), accepted]).fetchone()[0]
    assert [v for v, ok in zip(accepted, in_duckdb) if not ok] == []


def test_values_the_contract_accepts_type_cleanly_at_staging(tmp_path):
    """Odd but valid numbers load, pass the gate's regexes and cast at staging (an `Infinity`
    the old decimal check let through stopped the build with a conversion error)."""
    import datetime as dt

    from conftest import build_without_prefect
    from helpers.csc_landing import child, episode, write_903, write_attendance

    landing = tmp_path / "landing"
    write_903(landing, header=[child("C1", dt.date(2012, 3, 1))],
              episodes=[episode("C1", dt.date(2023, 4, 3))])
    write_attendance(landing, [
        dict(child_id="C1", month="2023-04", sessions_possible="+40", sessions_missed="007"),
        dict(child_id="C1", month="2023-05", sessions_possible="999999999", sessions_missed="-0"),
    ])
    warehouse = tmp_path / "wh.duckdb"
    build_without_prefect(landing, warehouse, dt.date(2023, 6, 30))
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM quarantine.rows").fetchone()[0] == 0
        assert con.execute("SELECT sessions_possible, sessions_missed FROM "
                           "staging.stg_education__attendance ORDER BY month_start").fetchall() \
            == [(40, 7), (999999999, 0)]
    finally:
        con.close()
