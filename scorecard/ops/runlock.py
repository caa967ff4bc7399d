"""One run at a time per warehouse.

A second run on the same warehouse while one is running either waits (up to a timeout) or is
refused at once with a message naming the lock. The lock is an OS file lock, so it is released
when the holding process ends, even by SIGKILL: a crashed run never blocks the next one.
Within one thread the lock is re-entrant, so `scorecard run` can hold it from its first step
(refusing a second run at once, before Prefect starts) while the flow takes it again inside.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from filelock import FileLock, Timeout

from scorecard.errors import ScorecardError


class RunInProgress(ScorecardError):
    """Another run holds the warehouse."""


def lock_path(warehouse: Path) -> Path:
    warehouse = Path(warehouse)
    return warehouse.with_name(warehouse.name + ".lock")


@contextmanager
def run_lock(warehouse: Path, wait_seconds: float = 0) -> Iterator[None]:
    path = lock_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    # One lock object per file in this process, counted per thread: the command line takes the
    # lock before Prefect starts and the flow it then runs in the same thread takes it again,
    # re-entrantly; another thread or process still waits or is refused.
    lock = FileLock(str(path), mode=0o600, is_singleton=True)
    try:
        lock.acquire(timeout=wait_seconds)
    except Timeout:
        raise RunInProgress(
            f"{path}: another run of this warehouse is in progress"
            + (f" (waited {wait_seconds:g} s)" if wait_seconds else "")
            + "; try again when it has finished"
        ) from None
    try:
        yield
    finally:
        lock.release()
