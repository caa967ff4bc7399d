"""Runs killed with SIGKILL at random moments, not only at named steps.

Each of 20 runs of the next quarter is killed after a delay drawn (with a fixed seed) across the
time a whole run takes, so the kills land in extract, load, build, the gate, the publish copy
and the swap alike. After each kill the published database is either exactly what it was
(byte for byte) or the whole new publication (the quarter's 24 rows, its publication record and
a file that opens), never a mix; then a normal run of the same quarter succeeds and leaves no
temporary file behind. The runs alternate between two versions of the extract (with and without
a late absence), so every run has new inputs and does the full work.

The killed runs are forked from a forkserver that has imported the package once, so a run starts
in milliseconds instead of paying the imports each time.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import random
import time
from pathlib import Path

import duckdb
import pytest

from conftest import published_dump, run_without_prefect
from scorecard.publish.publication import published_path_for
from test_publication import Q1, small_landing

pytestmark = pytest.mark.slow

Q2 = dt.date(2023, 9, 30)
KILLS = 20


def _next_quarter_landing(root: Path, extra_absence: bool) -> Path:
    landing = small_landing(root, extra_absence=extra_absence)
    for source in ("hr_sap", "audit"):
        folder = landing / source / "2023-07-07"
        folder.rename(folder.with_name("2023-10-06"))
    return landing


def _published_state(path: Path) -> tuple[bytes, int, int]:
    """(file bytes, Q2 scorecard rows, Q2 publication records) of a file that must open."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute("SELECT count(*) FROM published.scorecard WHERE period_end = ?",
                           [Q2]).fetchone()[0]
        records = con.execute("SELECT count(*) FROM published.publications WHERE period_end = ?",
                              [Q2]).fetchone()[0]
    finally:
        con.close()
    return path.read_bytes(), rows, records


@pytest.fixture(scope="module")
def forkserver():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["helpers.crash_runner"])
    return context


def test_runs_killed_at_random_moments_leave_old_or_new_never_mixed(tmp_path, forkserver):
    from helpers.crash_runner import run_quarter

    warehouse = tmp_path / "wh" / "scorecard.duckdb"
    warehouse.parent.mkdir()
    run_without_prefect(small_landing(tmp_path / "q1"), warehouse, Q1)
    published = published_path_for(warehouse)
    landings = [_next_quarter_landing(tmp_path / "a", True),
                _next_quarter_landing(tmp_path / "b", False)]

    def child(landing):
        return forkserver.Process(target=run_quarter,
                                  args=(str(landing), str(warehouse), Q2.isoformat()))

    # how long a whole run takes here, from the forkserver (also the first publication of Q2)
    started = time.monotonic()
    whole = child(landings[0])
    whole.start()
    whole.join(300)
    assert whole.exitcode == 0
    duration = time.monotonic() - started

    draw = random.Random(20231006)
    outcomes = {"killed, published as before": 0, "killed, new publication whole": 0,
                "finished before the kill": 0}
    for n in range(KILLS):
        landing = landings[(n + 1) % 2]
        before = published_dump(published)
        process = child(landing)
        process.start()
        time.sleep(draw.uniform(0, duration * 1.1))
        process.kill()
        process.join(60)
        data, rows, records = _published_state(published)
        if process.exitcode == 0:
            outcomes["finished before the kill"] += 1
        elif published_dump(published) == before:
            outcomes["killed, published as before"] += 1
        else:
            # a new publication: Q2 republished whole (restated figures and their record)
            outcomes["killed, new publication whole"] += 1
        assert rows == 24 and records >= 1, n
        # the next normal run succeeds, and cleans up what the killed one left
        after = run_without_prefect(landing, warehouse, Q2)
        assert after["run_id"], n
        assert not list(published.parent.glob(f".{published.name}.*.tmp")), n
        assert _published_state(published)[1] == 24
    assert sum(outcomes.values()) == KILLS
    assert outcomes["killed, published as before"] >= KILLS // 3, outcomes
