"""Shared fixtures: paths to the shared seed and external data, SQL macros, the Prefect harness."""

from __future__ import annotations

import csv
from datetime import date
import ipaddress
import socket
from pathlib import Path

import duckdb
import pytest

from scorecard import config
from scorecard.build.models import create_macros

SHARED = config.PROJECT_ROOT.parent / "shared"
SEED_CSV = SHARED / "seed" / "scorecard_q1_2023_24.csv"
# The seed's value columns and the quarter end each stands for.
SEED_PERIODS = {
    "jun_22": date(2022, 6, 30),
    "sep_22": date(2022, 9, 30),
    "dec_22": date(2022, 12, 31),
    "mar_23": date(2023, 3, 31),
    "actual_jun_23": date(2023, 6, 30),
}


OUTSIDE_CALLS: list[str] = []
LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


def _is_local(host) -> bool:
    host = str(host).strip("[]")
    if host in LOCAL_NAMES or host.startswith("/"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback or ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


@pytest.fixture(scope="session", autouse=True)
def no_internet():
    """Refuse, and remember, any connection or name lookup beyond this machine during the tests."""
    original_connect, original_getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def guarded_connect(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
            OUTSIDE_CALLS.append(f"connect {address}")
            raise ConnectionRefusedError(f"tests may not reach {address}")
        return original_connect(sock, address)

    def guarded_getaddrinfo(host, *args, **kwargs):
        if host is not None and not _is_local(host if isinstance(host, str) else host.decode()):
            OUTSIDE_CALLS.append(f"lookup {host}")
            raise socket.gaierror(f"tests may not look up {host}")
        return original_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = guarded_connect
    socket.getaddrinfo = guarded_getaddrinfo
    yield OUTSIDE_CALLS
    socket.socket.connect, socket.getaddrinfo = original_connect, original_getaddrinfo


@pytest.fixture(scope="session")
def seed_rows() -> list[dict]:
    with SEED_CSV.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture()
def macro_con() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the project's SQL macros, as the marts use them."""
    con = duckdb.connect()
    create_macros(con, config.SQL_DIR)
    yield con
    con.close()


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect server for the whole session (starting one costs ~20 s)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def published_dump(published: Path) -> dict[str, list[tuple]]:
    """Every row of every table and view of the published database, sorted: a comparable dump
    (with the file's own bytes, so that not even an unseen change passes)."""
    if not Path(published).exists():
        return {}
    con = duckdb.connect(str(published), read_only=True)
    try:
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'published' "
            "ORDER BY 1").fetchall()]
        dump = {n: sorted(map(repr, con.execute(f"SELECT * FROM published.{n}").fetchall()))
                for n in names}
    finally:
        con.close()
    dump["file bytes"] = [Path(published).read_bytes()]
    return dump


def build_without_prefect(landing: Path, warehouse: Path, period_end) -> str:
    """Extract, load and build through the plain pipeline functions; returns the run id."""
    from scorecard import pipeline

    run = pipeline.start_run(warehouse, period_end)
    extracts = pipeline.extract(landing, period_end)
    pipeline.load_extracts(warehouse, run["run_id"], extracts)
    pipeline.build(warehouse, run["run_id"], period_end, demo_key=True)
    return run["run_id"]


def run_without_prefect(landing: Path, warehouse: Path, period_end, publish_from=None,
                        force: bool = False) -> dict:
    """Every step of the quarterly flow, in order, under the run lock, as plain calls."""
    from scorecard import pipeline
    from scorecard.ops.runlock import run_lock

    with run_lock(warehouse):
        run = pipeline.start_run(warehouse, period_end, publish_from)
        done = pipeline.run_steps(pipeline.PLAIN_STEPS, landing, warehouse, run, demo_key=True,
                                  force=force)
        publication, checks, rerun = done["publication"], done["checks"], done["rerun"]
        pipeline.finish_steps(warehouse, run["run_id"], done)
    return {"run_id": run["run_id"], "loads": done["loads"], "same_inputs_as": rerun["same_inputs_as"],
            "warnings": checks["warnings"], **publication}
