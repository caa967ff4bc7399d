"""Files are read on worker threads (scorecard.ingest.load): the warehouse ends up the same as reading
one file after another, and an error raised on a worker reaches the run whole, with its file, row
and column (and survives pickling, as a Prefect task's failed state does)."""

from __future__ import annotations

import datetime as dt
import threading

import duckdb
import pytest

from scorecard.ingest import load
from scorecard_demo import landing_cache
from scorecard.errors import ContractError
from scorecard.ingest.landing import find_extracts
from scorecard.ingest.sources import CONTRACTS, social_care
from scorecard.warehouse import initialise

PERIOD_END = dt.date(2023, 6, 30)


@pytest.fixture(scope="module")
def demo_landing(tmp_path_factory):
    root = tmp_path_factory.mktemp("landing")
    landing_cache.demo_landing(root, "916")
    return root


def _load(landing, monkeypatch, readers: int) -> dict[str, list[tuple]]:
    monkeypatch.setattr(load, "READERS", readers)
    con = duckdb.connect()
    initialise(con)
    results = load.load_all(con, find_extracts(landing, PERIOD_END), "run1")
    tables = {c.raw_table: sorted(con.execute(f"SELECT * FROM {c.raw_table}").fetchall())
              for c in CONTRACTS}
    tables["quarantine.rows"] = sorted(con.execute("SELECT * FROM quarantine.rows").fetchall())
    tables["results"] = [tuple(vars(r).values()) for r in results]
    con.close()
    return tables


def test_worker_threads_load_what_one_reader_loads(demo_landing, monkeypatch):
    one_by_one = _load(demo_landing, monkeypatch, readers=1)
    threads = _load(demo_landing, monkeypatch, readers=3)
    assert sum(len(rows) for rows in one_by_one.values()) > 150_000  # the whole demo council
    assert threads == one_by_one


def test_the_cin_census_is_read_once_for_its_five_tables(demo_landing):
    extracts = find_extracts(demo_landing, PERIOD_END)
    groups = load._same_file_groups(extracts)
    [census] = [g for g in groups if g[0].path.name == "cin_census.xml"]
    assert [e.contract.table for e in census] == [
        "cin_children", "cin_referrals", "cin_assessments", "cin_section47", "cin_cp_plans"]
    assert sum(len(g) for g in groups) == len(extracts)


def test_an_error_on_a_worker_keeps_its_file_row_and_column(demo_landing, tmp_path, monkeypatch):
    import pickle
    import shutil

    landing = tmp_path / "landing"
    shutil.copytree(demo_landing, landing)
    [episodes] = list(landing.glob("social_care/*/episodes.csv"))
    text = episodes.read_text(encoding="utf-8")
    episodes.write_text(text.replace("DECOM", "DATE_OF_COMMENCEMENT", 1), encoding="utf-8")
    monkeypatch.setattr(load, "READERS", 2)
    con = duckdb.connect()
    initialise(con)
    with pytest.raises(ContractError) as raised:
        load.load_all(con, find_extracts(landing, PERIOD_END), "run1")
    assert (raised.value.file, raised.value.row, raised.value.column) == (str(episodes), 1, "DECOM")
    assert "required column missing from the header" in str(raised.value)
    copied = pickle.loads(pickle.dumps(raised.value))
    assert (copied.file, copied.row, copied.column, str(copied)) == (
        raised.value.file, 1, "DECOM", str(raised.value))
    # nothing of the failed batch stays: meta.loads names only what raw holds
    held = con.execute("SELECT DISTINCT source_file FROM meta.loads").fetchall()
    assert (str(episodes),) not in held


def test_small_files_are_read_on_while_a_big_one_is_checked(tmp_path, monkeypatch):
    """Behind a file that takes long to check (a council's CIN census), the other worker goes on
    with the small files after it, beyond READERS + 1 files, as long as what waits for the writer
    is small; and the files still come out in their order. The big file's check waits until all
    six small files have been checked: with a window of READERS + 1 files it would wait forever
    (the test would fail on the timeout, not hang)."""
    big = tmp_path / "big.xml"
    big.write_bytes(b"x" * 1000)
    smalls = []
    for i in range(6):
        smalls.append(tmp_path / f"small_{i}.csv")
        smalls[-1].write_bytes(b"y" * 10)
    files = [big, *smalls]
    extracts = [load.ExtractFile(social_care.CONTACTS, path, PERIOD_END, "sha", "916")
                for path in files]
    small_done = threading.Semaphore(0)

    def check_files(group, run_id):
        (extract,) = group
        if extract.path == big:
            for _ in smalls:
                assert small_done.acquire(timeout=30), "the small files were not read ahead"
        else:
            small_done.release()
        return [extract.path]

    monkeypatch.setattr(load, "check_files", check_files)
    monkeypatch.setattr(load, "READERS", 2)
    monkeypatch.setattr(load, "READ_AHEAD_BYTES", 2000)
    assert list(load._read_ahead(extracts, "run1")) == files


def test_read_ahead_stops_at_its_byte_budget(tmp_path, monkeypatch):
    """Beyond READERS + 1 files, READ_AHEAD_BYTES bounds what is read ahead of the writer: with
    files of 1,000 bytes and a budget of 2,500, the fourth file is not started while the first
    is still being checked (the first waits a second for it, in vain)."""
    files = []
    for i in range(6):
        files.append(tmp_path / f"file_{i}.csv")
        files[-1].write_bytes(b"z" * 1000)
    extracts = [load.ExtractFile(social_care.CONTACTS, path, PERIOD_END, "sha", "916")
                for path in files]
    fourth_started = threading.Event()

    def check_files(group, run_id):
        path = group[0].path
        if path == files[3]:
            fourth_started.set()
        if path == files[0]:
            fourth_started.wait(timeout=1)
            return [(path, fourth_started.is_set())]
        return [(path, None)]

    monkeypatch.setattr(load, "check_files", check_files)
    monkeypatch.setattr(load, "READERS", 2)
    monkeypatch.setattr(load, "READ_AHEAD_BYTES", 2500)
    out = list(load._read_ahead(extracts, "run1"))
    assert [path for path, _ in out] == files
    assert out[0] == (files[0], False)
