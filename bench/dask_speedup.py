"""Speed-up of the per-council validation on a Dask cluster of 1 and 2 worker processes
(docs/scaling.md, "Measured: Dask, 1 against 2 workers").

    PYTHONPATH=$PWD .venv/bin/python bench/dask_speedup.py --councils 6 --repeats 2

Writes one demo landing zone per council (`write_demo_landing` with the codes of
`scorecard_demo.scale.council_codes`: 916, 800, 801, ...), then times, `--repeats` times each:
the councils one after another in this process (`validate_council`, no Prefect), and the
`per_council_validation` flow on a `LocalCluster` of 1 and of 2 single-threaded worker processes
(loopback only, no dashboard), all under one temporary Prefect server started before the timings.
A flow's time includes starting and stopping its cluster, as a one-off run pays them; that part
alone (a cluster of the same shape started, its workers importing the per-council module, then
closed) is timed too. Every run's results are checked equal to the sequential ones.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import scorecard  # noqa: F401  (offline settings before Prefect is imported)
from prefect.testing.utilities import prefect_test_harness

from flows.per_council import dask_task_runner, per_council_validation, validate_council
from scorecard_demo import write_demo_landing
from scorecard_demo.scale import council_codes

PERIOD_END = dt.date(2023, 6, 30)


def cluster_overhead(workers: int) -> float:
    """Seconds to start a LocalCluster as `dask_task_runner` does, import the task's module in
    every worker, and close it: what a flow run on a fresh cluster pays before any council."""
    from distributed import Client, LocalCluster

    start = time.perf_counter()
    with LocalCluster(n_workers=workers, processes=True, threads_per_worker=1, host="127.0.0.1",
                      dashboard_address=None) as cluster, Client(cluster) as client:
        client.run(lambda: __import__("flows.per_council"))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--councils", type=int, default=6)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="dask-speedup-") as tmp:
        root = Path(tmp)
        landings = []
        for code in council_codes(args.councils):
            write_demo_landing(root / "landing" / code, code)
            landings.append(str(root / "landing" / code))

        timings: dict[str, list[float]] = {}
        with prefect_test_harness(server_startup_timeout=120):
            expected = None
            for repeat in range(args.repeats):
                start = time.perf_counter()
                sequential = [validate_council(landing, PERIOD_END, root / f"seq{repeat}")
                              for landing in landings]
                timings.setdefault("sequential, one process (no Prefect, no Dask)", []).append(
                    time.perf_counter() - start)
                expected = expected or sequential
                if sequential != expected:
                    raise SystemExit("sequential results differ between repeats")
                for workers in (1, 2):
                    flow = per_council_validation.with_options(
                        task_runner=dask_task_runner(n_workers=workers))
                    start = time.perf_counter()
                    results = flow(landings, PERIOD_END, str(root / f"dask{workers}-{repeat}"))
                    elapsed = time.perf_counter() - start
                    got = [{k: v for k, v in r.items() if k != "worker"} for r in results]
                    if got != expected:
                        raise SystemExit(f"Dask with {workers} worker(s): results differ")
                    pids = {r["worker"]["pid"] for r in results}
                    if len(pids) != workers:
                        raise SystemExit(f"Dask with {workers} worker(s) ran in {len(pids)} processes")
                    timings.setdefault(f"Dask LocalCluster, {workers} worker process(es)", []).append(
                        elapsed)
                    timings.setdefault(f"  of which cluster start + imports + stop, {workers} worker(s)",
                                       []).append(cluster_overhead(workers))

    print(f"{args.councils} councils, {args.repeats} repeats (wall seconds):")
    for name, values in timings.items():
        print(f"  {name}: " + ", ".join(f"{v:.1f}" for v in values))
    one = min(timings["Dask LocalCluster, 1 worker process(es)"])
    two = min(timings["Dask LocalCluster, 2 worker process(es)"])
    print(f"speed-up 1 -> 2 workers (best of {args.repeats}): {one / two:.2f}x")


if __name__ == "__main__":
    main()
