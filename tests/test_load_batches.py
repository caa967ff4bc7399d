"""A load writes each raw table's files together (scorecard.ingest.load, `Waiting`): the tables
end up as loading one file at a time leaves them, rows in the files' order; what waits is
bounded; and a load that fails part-way leaves meta.loads naming exactly the files raw holds."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from scorecard.errors import ContractError
from scorecard.ingest import load
from scorecard.ingest.landing import find_extracts
from scorecard.ingest.sources import CONTRACTS, social_care
from scorecard.warehouse import initialise
from scorecard_demo.scale import write_scaled_landing

PERIOD_END = dt.date(2023, 6, 30)
LOADS = ("load_id, source, source_table, source_file, extract_date, sha256, rows_in, rows_loaded, "
         "rows_quarantined, reloaded")  # meta.loads less the time of loading


@pytest.fixture(scope="module")
def two_councils(tmp_path_factory):
    """Two councils' extracts: each social care table has a file per council."""
    root = tmp_path_factory.mktemp("landing")
    write_scaled_landing(root, 2)
    return root


def _contents(con) -> dict[str, list[tuple]]:
    """Every raw table's rows in the order the table holds them, the quarantine and meta.loads."""
    tables = {c.raw_table: con.execute(f"SELECT * FROM {c.raw_table}").fetchall()
              for c in CONTRACTS}
    tables["quarantine.rows"] = sorted(con.execute("SELECT * FROM quarantine.rows").fetchall())
    tables["meta.loads"] = sorted(con.execute(f"SELECT {LOADS} FROM meta.loads").fetchall())
    return tables


def _bad_landing(two_councils, tmp_path):
    """A bad row in a council's contacts, so that the quarantine has rows too."""
    landing = tmp_path / "landing"
    shutil.copytree(two_councils, landing)
    contacts = sorted(landing.glob("social_care/*/*/contacts.csv"))[0]
    lines = contacts.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[5] = lines[5].replace(",", ",,", 1)  # a field too many
    contacts.write_text("".join(lines), encoding="utf-8")
    return landing


def test_tables_written_together_hold_what_one_file_at_a_time_holds(two_councils, tmp_path,
                                                                   monkeypatch):
    landing = _bad_landing(two_councils, tmp_path)
    extracts = find_extracts(landing, PERIOD_END)

    one_at_a_time = duckdb.connect()
    initialise(one_at_a_time)
    for extract in extracts:  # each file written on its own, in order (no `Waiting`)
        load.load_extract(one_at_a_time, extract, "run1")
    expected = _contents(one_at_a_time)
    assert len(expected["quarantine.rows"]) >= 1
    assert sum(len(rows) for rows in expected.values()) > 300_000  # two whole councils

    # small limits, so that tables are written at many points and part by part
    monkeypatch.setattr(load, "TABLE_ROWS", 20_000)
    monkeypatch.setattr(load, "PENDING_ROWS", 30_000)
    writes, waiting_before = [], []
    add, write = load.Waiting.add, load.Waiting.write

    def counted_add(self, checked):
        waiting_before.append(sum(self.rows.values()))
        add(self, checked)

    def counted_write(self, con, table):
        writes.append(table)
        write(self, con, table)

    monkeypatch.setattr(load.Waiting, "add", counted_add)
    monkeypatch.setattr(load.Waiting, "write", counted_write)
    con = duckdb.connect()
    initialise(con)
    load.load_all(con, extracts, "run1")
    assert _contents(con) == expected
    assert max(waiting_before) < 30_000  # what waits is written before more is added
    # a table's files written in more than one part (a council's 17,105 reviews each time)
    assert writes.count("raw.social_care__reviews") >= 2
    assert len(writes) < len(extracts)  # and yet fewer writes than files

    monkeypatch.setattr(load, "TABLE_ROWS", 10**9)  # no limit reached: each table written once
    monkeypatch.setattr(load, "PENDING_ROWS", 10**9)
    writes.clear()
    con = duckdb.connect()
    initialise(con)
    load.load_all(con, extracts, "run1")
    assert _contents(con) == expected
    assert sorted(writes) == sorted({e.contract.raw_table for e in extracts})


def _checked(table: str, rows: int, text: str = "") -> load.CheckedFile:
    contract = next(c for c in CONTRACTS if c.raw_table == table)
    extract = load.ExtractFile(contract, Path(f"/landing/{table}.csv"), PERIOD_END, "sha", "916")
    frame = pl.DataFrame({"_row_number": list(range(rows)), "comment": [text] * rows})
    return load.CheckedFile(extract, "run1", "run1:x", frame, frame.clear(), rows, 0)


def test_a_table_is_due_alone_at_table_rows_or_the_fullest_when_too_many_wait(monkeypatch):
    monkeypatch.setattr(load, "TABLE_ROWS", 10)
    monkeypatch.setattr(load, "PENDING_ROWS", 15)
    contacts, reviews = social_care.CONTACTS.raw_table, social_care.REVIEWS.raw_table
    waiting = load.Waiting()
    assert waiting.due() is None
    waiting.add(_checked(contacts, 6))
    assert waiting.due() is None  # 6 of 10, 6 of 15 in all
    waiting.add(_checked(reviews, 5))
    assert waiting.due() is None  # 11 of 15 in all
    waiting.add(_checked(reviews, 4))
    assert waiting.due() == reviews  # 15 in all: the fuller table (9 rows against 6)
    waiting = load.Waiting()
    waiting.add(_checked(contacts, 3))
    waiting.add(_checked(reviews, 10))
    assert waiting.due() == reviews  # 10 of its own, though only 13 in all


def test_a_failed_load_leaves_meta_loads_naming_exactly_what_raw_holds(two_councils, tmp_path,
                                                                     monkeypatch):
    landing = tmp_path / "landing"
    shutil.copytree(two_councils, landing)
    extracts = find_extracts(landing, PERIOD_END)
    # the last table's file refuses its header, after earlier tables were written and committed
    broken = next(e for e in reversed(extracts) if e.present and e.path.suffix == ".csv")
    text = broken.path.read_text(encoding=broken.contract.encoding)
    first_column = broken.contract.columns[0].file_header
    broken.path.write_text(text.replace(first_column, "NOT_" + first_column, 1),
                           encoding=broken.contract.encoding)
    monkeypatch.setattr(load, "TABLE_ROWS", 20_000)
    monkeypatch.setattr(load, "PENDING_ROWS", 30_000)
    con = duckdb.connect()
    initialise(con)
    with pytest.raises(ContractError) as raised:
        load.load_all(con, extracts, "run1")
    assert raised.value.file == str(broken.path)

    held = 0
    for contract in CONTRACTS:
        exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'raw' "
                             "AND table_name = ?", [contract.raw_table[4:]]).fetchone()[0]
        in_raw = set() if not exists else {r[0] for r in con.execute(
            f"SELECT DISTINCT _source_file FROM {contract.raw_table}").fetchall()}
        named = {r[0] for r in con.execute(
            "SELECT source_file FROM meta.loads WHERE source = ? AND source_table = ? "
            "AND rows_loaded > 0", [contract.source, contract.table]).fetchall()}
        assert in_raw == named, contract.raw_table
        held += len(in_raw)
    assert held >= 3  # some tables were committed before the failure
    assert str(broken.path) not in {r[0] for r in con.execute(
        "SELECT source_file FROM meta.loads").fetchall()}


def test_wide_rows_are_written_before_their_bytes_pile_up(monkeypatch):
    """Few rows, but long ones (free-text fields): the bytes waiting bound them too."""
    monkeypatch.setattr(load, "TABLE_ROWS", 1_000)
    monkeypatch.setattr(load, "PENDING_ROWS", 1_000)
    monkeypatch.setattr(load, "PENDING_BYTES", 2_000_000)
    contacts, reviews = social_care.CONTACTS.raw_table, social_care.REVIEWS.raw_table
    waiting = load.Waiting()
    waiting.add(_checked(contacts, 3, "x" * 300_000))  # 900 kB of text in 3 rows
    waiting.add(_checked(reviews, 2, "y" * 300_000))  # 600 kB in 2
    assert waiting.due() is None  # 1.5 MB of 2 MB, 5 rows of 1,000
    waiting.add(_checked(reviews, 2, "z" * 300_000))
    assert waiting.due() == reviews  # 2.1 MB: the table with the most rows (4 against 3)


def test_a_table_is_due_as_soon_as_its_last_file_is_in(monkeypatch):
    """Its writing then overlaps the reading of the other tables' files."""
    monkeypatch.setattr(load, "TABLE_ROWS", 1_000)
    monkeypatch.setattr(load, "PENDING_ROWS", 1_000)
    contacts, reviews = social_care.CONTACTS.raw_table, social_care.REVIEWS.raw_table
    waiting = load.Waiting(to_come={contacts: 2, reviews: 1})
    waiting.add(_checked(contacts, 5))
    assert waiting.due() is None  # one contacts file still to come
    waiting.add(_checked(contacts, 5))
    assert waiting.due() == contacts  # 10 rows of 1,000, but nothing more will come
