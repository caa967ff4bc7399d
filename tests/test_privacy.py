"""Privacy and security: keyed pseudonyms, the key required for real data, file permissions,
small-number suppression and formula escaping in exports."""

from __future__ import annotations

import csv
import hashlib
import hmac
import os
import stat
import sys

import duckdb
import polars as pl
import pytest

from conftest import run_without_prefect
from scorecard.errors import ScorecardError
from scorecard.publish.export import scorecard_export, write_csv
from scorecard.spreadsheet_safe import escape_formula
from scorecard.build.pseudonymise import (KEY_VARIABLE, PYTHON_WHITESPACE, pseudonym, register,
                                          resolve_key)
from scorecard.publish.publication import published_path_for
from test_publication import Q1, small_landing


def test_real_data_needs_a_key(monkeypatch):
    monkeypatch.delenv(KEY_VARIABLE, raising=False)
    with pytest.raises(ScorecardError, match=f"{KEY_VARIABLE} is not set"):
        resolve_key(demo=False)
    monkeypatch.setenv(KEY_VARIABLE, "short")
    with pytest.raises(ScorecardError, match="at least 16 characters"):
        resolve_key(demo=False)
    monkeypatch.setenv(KEY_VARIABLE, "a-council-secret-of-some-length")
    assert resolve_key(demo=False) == b"a-council-secret-of-some-length"


def test_pseudonyms_are_stable_keyed_and_kind_specific():
    key, other = b"k" * 32, b"j" * 32
    assert pseudonym(key, "child", "916:123456") == pseudonym(key, "child", "916:123456 ")
    assert pseudonym(key, "child", "916:123456") != pseudonym(other, "child", "916:123456")
    assert pseudonym(key, "child", "916:123456") != pseudonym(key, "worker", "916:123456")
    assert "123456" not in pseudonym(key, "child", "916:123456")


def test_the_sql_trims_exactly_what_pythons_strip_trims():
    assert set(PYTHON_WHITESPACE) == {c for c in range(sys.maxunicode + 1) if chr(c).isspace()}


@pytest.mark.parametrize("key", [b"k" * 16, b"a-council-secret-of-some-length", b"x" * 64, b"y" * 65,
                                 "clé-du-conseil-ü€".encode() * 9])
def test_pseudonyms_computed_in_sql_are_rfc_2104_hmac_sha256(key, tmp_path):
    identifiers = ["916:123456", " 916:123456 ", "916:\t12 34\n", "\u3000916:7\x85", "886:UN1",
                   "916:Zoë", "916:" + "9" * 300, "", None]
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    register(con, key)
    got = con.execute("SELECT pseudonymise(kind, identifier) FROM (VALUES "
                      + ", ".join("(?, ?)" for _ in identifiers) + ") t(kind, identifier)",
                      [v for i in identifiers for v in ("child", i)]).fetchall()
    # Worked independently of the code under test: the standard library's HMAC of "kind:id".
    expected = [None if i is None else
                hmac.new(key, f"child:{i.strip()}".encode(), hashlib.sha256).hexdigest()[:32]
                for i in identifiers]
    assert [g for (g,) in got] == expected
    assert con.execute("SELECT pseudonymise('worker', '916:1')").fetchone()[0] != expected[0]


def test_the_key_never_reaches_the_warehouse_file(tmp_path):
    key = b"a-council-secret-of-some-length"
    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))
    register(con, key)
    con.execute("CREATE TABLE t AS SELECT pseudonymise('child', '916:' || range::VARCHAR) AS p "
                "FROM range(1000)")
    con.close()
    con = duckdb.connect(str(path))
    assert con.execute("SELECT count(*) FROM duckdb_functions() "
                       "WHERE function_name = 'pseudonymise'").fetchone()[0] == 0
    con.close()
    padded = key.ljust(64, b"\0")
    data = path.read_bytes()
    for secret in (key, bytes(b ^ 0x36 for b in padded).hex().encode(),
                   bytes(b ^ 0x5C for b in padded).hex().encode()):
        assert secret not in data and secret.upper() not in data


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = tmp_path_factory.mktemp("privacy")
    warehouse = root / "scorecard.duckdb"
    run_without_prefect(small_landing(root), warehouse, Q1)
    return {"warehouse": warehouse, "published": published_path_for(warehouse)}


def test_no_one_else_can_read_the_warehouse_files(published):
    assert stat.S_IMODE(published["warehouse"].stat().st_mode) & 0o077 == 0      # owner only
    assert stat.S_IMODE(published["published"].stat().st_mode) & 0o007 == 0      # not world-readable


def test_public_export_suppresses_small_numbers(published):
    full = scorecard_export(published["published"], Q1, public=False)
    public = scorecard_export(published["published"], Q1, public=True, threshold=5)
    gm07 = lambda frame: frame.filter(frame["kpi_code"] == "GM07").row(0, named=True)  # noqa: E731
    assert gm07(full)["actual"] == 1.0                       # one overdue recommendation
    assert gm07(public)["actual"] is None
    assert gm07(public)["suppression"] == "suppressed: fewer than 5"
    gm06 = public.filter(public["kpi_code"] == "GM06").row(0, named=True)
    assert gm06["actual"] == 0.0 and gm06["suppression"] == ""   # zero identifies no one


def test_exports_escape_spreadsheet_formulas(tmp_path, published):
    frame = scorecard_export(published["published"], Q1, public=False).with_columns(
        comment=pl.lit('=HYPERLINK("http://example.invalid","click")'))
    out = write_csv(frame, tmp_path / "export.csv")
    with out.open(encoding="utf-8") as handle:
        comments = {row["comment"] for row in csv.DictReader(handle)}
    assert comments == {"'=HYPERLINK(\"http://example.invalid\",\"click\")"}
    assert escape_formula("-1") == "'-1" and escape_formula("@SUM(A1)") == "'@SUM(A1)"
    assert escape_formula("plain text") == "plain text" and escape_formula(3) == 3


def test_analysts_can_open_the_published_file_read_only(published):
    con = duckdb.connect(str(published["published"]), read_only=True)
    try:
        with pytest.raises(duckdb.Error):
            con.execute("DELETE FROM published.scorecard")
    finally:
        con.close()



def _published_rows(path, rows):
    """A published database holding only the rows given (unit, actual, numerator, denominator,
    rolling_12m), for export rules worked by hand."""
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA published")
    con.execute("CREATE TABLE published.scorecard (council_code VARCHAR, kpi_code VARCHAR, "
                "display_order INTEGER, section VARCHAR, title VARCHAR, period_end DATE, "
                "actual DOUBLE, numerator DOUBLE, denominator DOUBLE, target DOUBLE, "
                "status_label VARCHAR, symbol VARCHAR, comparator DOUBLE, rolling_12m DOUBLE, "
                "comment VARCHAR, unit VARCHAR)")
    for order, (code, unit, actual, numerator, denominator, rolling) in enumerate(rows):
        con.execute("INSERT INTO published.scorecard VALUES ('916', ?, ?, 's', 't', ?, ?, ?, ?, "
                    "NULL, 'l', 's', NULL, ?, '', ?)",
                    [code, order, Q1, actual, numerator, denominator, rolling, unit])
    con.close()
    return path


def test_public_export_suppresses_every_count_like_figure(tmp_path):
    path = _published_rows(tmp_path / "p.duckdb", [
        # code, unit, actual, numerator, denominator, rolling_12m
        ("GM06", "count", 0, 0, None, 3),         # 0 this quarter, 3 in the year: rolling hidden
        ("GM07", "count", 7, 7, None, 4),         # 7 shown, 4 in the year hidden
        ("GMX1", "count", 2, 2, None, 9),         # 2 this quarter: the quarter's figures hidden
        ("GMX2", "count", 0, 0, None, 0),         # zeros identify no one
        ("GMX3", "count", 12, 12, None, 40),      # nothing small
        ("CC01", "percent", 50.0, 2, 4, 3.0),     # built on 2 of 4 children: hidden
        ("CC02", "percent", 60.0, 30, 50, 3.0),   # a rolling percentage of 3.0 is no count
    ])
    public = {r["kpi_code"]: r for r in
              scorecard_export(path, Q1, public=True, threshold=5).iter_rows(named=True)}
    shown = lambda code: (public[code]["actual"], public[code]["rolling_12m"])  # noqa: E731
    assert shown("GM06") == (0, None)
    assert public["GM06"]["suppression"] == "rolling 12 months suppressed: fewer than 5"
    assert shown("GM07") == (7, None)
    assert shown("GMX1") == (None, None)
    assert public["GMX1"]["suppression"] == "suppressed: fewer than 5"
    assert shown("GMX2") == (0, 0) and public["GMX2"]["suppression"] == ""
    assert shown("GMX3") == (12, 40)
    assert shown("CC01") == (None, None) and public["CC01"]["numerator"] is None
    assert shown("CC02") == (60.0, 3.0) and public["CC02"]["suppression"] == ""


def test_the_published_file_is_0640_after_every_publication(tmp_path):
    """A republication copies the published file: the copy must not take the process umask."""
    old = os.umask(0o022)  # the common default, under which a plain copy is world-readable
    try:
        warehouse = tmp_path / "scorecard.duckdb"
        run_without_prefect(small_landing(tmp_path), warehouse, Q1)
        published = published_path_for(warehouse)
        assert stat.S_IMODE(published.stat().st_mode) == 0o640
        # a late absence restates the quarter: the file is copied, changed and swapped in
        republished = run_without_prefect(small_landing(tmp_path / "later", extra_absence=True),
                                          warehouse, Q1)
        assert republished["restatements"] > 0
        assert stat.S_IMODE(published.stat().st_mode) == 0o640
        assert not list(tmp_path.glob(".*.tmp"))
    finally:
        os.umask(old)


def test_files_the_command_line_writes_are_not_world_readable(tmp_path):
    """Reports, exports and Prefect's store are written by `scorecard` commands under a umask
    that keeps others out, whatever the login's umask."""
    from typer.testing import CliRunner

    from scorecard.ops.cli import app

    path = _published_rows(tmp_path / "p.duckdb", [("GM06", "count", 0, 0, None, 0)])
    old = os.umask(0o022)
    try:
        result = CliRunner().invoke(app, ["export", "--period-end", Q1.isoformat(),
                                          "--out", str(tmp_path / "out" / "q1.csv"),
                                          "--published", str(path)])
        assert result.exit_code == 0, result.output
        assert stat.S_IMODE((tmp_path / "out" / "q1.csv").stat().st_mode) == 0o640
        assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == 0o750
    finally:
        os.umask(old)
