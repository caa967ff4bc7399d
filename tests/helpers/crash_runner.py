"""Run one quarter without Prefect and kill this very process (SIGKILL) at a chosen point.

Used by tests/test_publication.py to prove that a run killed at any step leaves the published
database exactly as it was. The kill points wrap real functions; nothing in the package knows
about this script.

usage: python crash_runner.py LANDING WAREHOUSE PERIOD_END KILL_POINT
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))  # tests/: conftest and helpers

from conftest import run_without_prefect  # noqa: E402
from scorecard import pipeline  # noqa: E402
from scorecard.gate import quality  # noqa: E402
from scorecard.ingest import load
from scorecard.build import models
from scorecard.publish import publication as publish


def die(*_args, **_kwargs):
    os.kill(os.getpid(), signal.SIGKILL)


def after_calls(function, calls: int):
    """Let `function` run `calls` times, then die on the next call."""
    seen = {"n": 0}

    def wrapper(*args, **kwargs):
        if seen["n"] >= calls:
            die()
        seen["n"] += 1
        return function(*args, **kwargs)

    return wrapper


def half_the_models_then_die(discover):
    def wrapper(*args, **kwargs):
        found = discover(*args, **kwargs)
        yield from found[: len(found) // 2]
        die()

    return wrapper


KILL_POINTS = {
    "extract": lambda: setattr(pipeline.landing, "find_extracts", die),
    "load": lambda: setattr(load.Waiting, "add", after_calls(load.Waiting.add, 2)),
    "build": lambda: setattr(models, "discover", half_the_models_then_die(models.discover)),
    "check": lambda: setattr(quality, "run_suites", die),
    "publish_write": lambda: setattr(publish, "_replace_data_quality", die),
    "publish_swap": lambda: setattr(publish.os, "replace", die),
}

if __name__ == "__main__":
    landing, warehouse, period_end, point = sys.argv[1:5]
    KILL_POINTS[point]()
    run_without_prefect(Path(landing), Path(warehouse), dt.date.fromisoformat(period_end))
    sys.exit(0)


def run_quarter(landing: str, warehouse: str, period_end: str) -> None:
    """A whole normal run, for a process that is killed from outside at a random moment
    (tests/test_random_kills.py starts it from a forkserver that has imported everything)."""
    run_without_prefect(Path(landing), Path(warehouse), dt.date.fromisoformat(period_end))
