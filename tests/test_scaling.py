"""Per-council work through a Prefect task runner (docs/scaling.md): two worker threads, or a Dask
cluster of two worker processes, give the same results as one council after another. No timing
assertions: the benchmark is bench/, the Dask speed-up is measured in docs/scaling.md."""

from __future__ import annotations

import datetime as dt
import os

import polars as pl
import pytest

from flows.per_council import dask_task_runner, per_council_validation, validate_council
from scorecard_demo import landing_cache

pytestmark = pytest.mark.slow  # several councils built end to end: CI runs it (make test-slow)

PERIOD_END = dt.date(2023, 6, 30)
COUNCILS = ("916", "800", "801")


@pytest.fixture(scope="module")
def council_landings(tmp_path_factory) -> list[str]:
    root = tmp_path_factory.mktemp("councils")
    landings = []
    for code in COUNCILS:
        landing_cache.demo_landing(root / code, code)
        landings.append(str(root / code))
    return landings


@pytest.mark.flow
def test_per_council_tasks_on_two_workers_match_sequential(prefect_harness, council_landings,
                                                           tmp_path):
    sequential = [validate_council(landing, PERIOD_END, tmp_path / "sequential")
                  for landing in council_landings]
    results = per_council_validation(council_landings, PERIOD_END, str(tmp_path / "parallel"))
    parallel = [without_worker(r) for r in results]

    assert parallel == sequential
    assert [r["council_code"] for r in parallel] == list(COUNCILS)
    assert all(f["rows_quarantined"] == 0 for r in parallel for f in r["files"])
    # threads: every council validated in this very process
    assert {r["worker"]["pid"] for r in results} == {os.getpid()}
    assert_same_parquet(tmp_path / "sequential", tmp_path / "parallel")


@pytest.mark.flow
def test_per_council_flow_on_dask_cluster_of_two_processes_matches_sequential(
        prefect_harness, council_landings, tmp_path):
    sequential = [validate_council(landing, PERIOD_END, tmp_path / "sequential")
                  for landing in council_landings]
    on_dask = per_council_validation.with_options(task_runner=dask_task_runner(n_workers=2))
    results = on_dask(council_landings, PERIOD_END, str(tmp_path / "dask"))

    assert [without_worker(r) for r in results] == sequential
    assert [r["council_code"] for r in results] == list(COUNCILS)
    pids = {r["worker"]["pid"] for r in results}
    # the work ran in the cluster's worker processes, more than one of them, none of them us
    assert os.getpid() not in pids
    assert len(pids) > 1
    assert_same_parquet(tmp_path / "sequential", tmp_path / "dask")


def without_worker(result: dict) -> dict:
    return {key: value for key, value in result.items() if key != "worker"}


def assert_same_parquet(expected_dir, actual_dir):
    """The accepted rows each worker staged are the same rows, council by council."""
    staged = sorted(p.relative_to(expected_dir) for p in expected_dir.rglob("*.parquet"))
    assert staged and staged == sorted(p.relative_to(actual_dir)
                                       for p in actual_dir.rglob("*.parquet"))
    for relative in staged:
        assert pl.read_parquet(expected_dir / relative).equals(pl.read_parquet(actual_dir / relative))
