"""Per-council work fanned out over a Prefect task runner (docs/scaling.md).

Reading and validating a council's extract files (contracts, quarantine) needs no warehouse: it is
pure work on files, one task per council landing zone, that any worker can run. Its result is
small and plain (per file: hash, rows in, rows accepted, rows quarantined, and the accepted rows
written as Parquet beside the worker's scratch directory when `staging_dir` is given), so the
single-writer steps - load into DuckDB, build, gate, publish - stay in one place and only append
what the workers produced.

`per_council_validation` runs on whatever task runner the caller gives it with
`.with_options(task_runner=...)`: the built-in `ThreadPoolTaskRunner` by default, a Dask cluster of
processes (`dask_task_runner`, prefect-dask) or a work pool's workers across machines, unchanged.
Each task's result names the worker (host, process id) that validated the council.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from pathlib import Path

import scorecard  # noqa: F401  (offline settings before Prefect is imported)
from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from scorecard.ingest import landing as landing_mod
from scorecard.ingest.read import empty_extract, read_extract
from scorecard.ingest.validate import validate


def validate_council(landing: Path, period_end: dt.date,
                     staging_dir: Path | None = None) -> dict:
    """One council landing zone, read and validated file by file (no warehouse): plain data."""
    files = []
    council = None
    for item in landing_mod.find_extracts(Path(landing), period_end):
        contract = item.contract
        frame = (read_extract(item.path, contract, item.council_code) if item.present
                 else empty_extract(contract))
        checked = validate(frame, contract)
        council = council or item.council_code
        if staging_dir is not None and checked.loaded.height:
            out = Path(staging_dir) / (item.council_code or "all") / f"{contract.source}__{contract.table}.parquet"
            out.parent.mkdir(parents=True, exist_ok=True)
            checked.loaded.write_parquet(out)
        files.append({"table": contract.raw_table, "sha256": item.sha256,
                      "rows_in": checked.rows_in, "rows_loaded": checked.loaded.height,
                      "rows_quarantined": checked.rows_quarantined})
    return {"landing": str(landing), "council_code": council, "files": files}


@task(name="validate-council", cache_policy=NO_CACHE, retries=1)
def validate_council_task(landing: str, period_end: dt.date, staging_dir: str | None) -> dict:
    result = validate_council(Path(landing), period_end, Path(staging_dir) if staging_dir else None)
    # which machine and process did the work: traces a council back to its worker's log
    return {**result, "worker": {"host": socket.gethostname(), "pid": os.getpid()}}


def dask_task_runner(n_workers: int = 2, address: str | None = None):
    """A Dask task runner: with `address`, the scheduler of an existing cluster (a regional
    deployment, docs/scaling.md); without, a LocalCluster of `n_workers` single-threaded worker
    processes, listening on the loopback interface only and with no dashboard."""
    from prefect_dask import DaskTaskRunner  # only callers that fan out to Dask pay its import

    if address is not None:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs={"n_workers": n_workers, "processes": True, "threads_per_worker": 1,
                        "host": "127.0.0.1", "dashboard_address": None})


@flow(name="per_council_validation", task_runner=ThreadPoolTaskRunner(max_workers=2))
def per_council_validation(landings: list[str], period_end: dt.date,
                           staging_dir: str | None = None) -> list[dict]:
    """Every council's extracts validated in parallel, results in the order of `landings`."""
    futures = [validate_council_task.submit(landing, period_end, staging_dir)
               for landing in landings]
    return [future.result() for future in futures]
