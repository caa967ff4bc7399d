"""`scorecard serve`: the quarterly deployment, on its schedule, on a local Prefect server.

Without PREFECT_API_URL a Prefect server is started on 127.0.0.1 (its UI at http://127.0.0.1:PORT)
and stopped again when serving stops. Serving registers the deployment `quarterly-scorecard`
with its quarterly cron and runs each scheduled flow run in this process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from scorecard.errors import ScorecardError
from scorecard.schedule import DEPLOYMENT_NAME, TIMEZONE, quarterly_cron

SERVER_START_SECONDS = 120


def _healthy(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextmanager
def local_server(port: int) -> Iterator[str]:
    """A Prefect server on loopback for as long as the block runs; its API URL."""
    api_url = f"http://127.0.0.1:{port}/api"
    if _healthy(api_url):
        raise ScorecardError(f"something already answers on 127.0.0.1:{port}; choose --port")
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("prefect")), "server", "start", "--host", "127.0.0.1",
         "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while not _healthy(api_url):
            if server.poll() is not None or time.monotonic() > deadline:
                raise ScorecardError(f"the local Prefect server on port {port} did not start")
            time.sleep(0.5)
        yield api_url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _serve(landing: Path, warehouse: Path) -> None:
    from prefect.schedules import Cron

    from flows.quarterly_scorecard import quarterly_scorecard

    quarterly_scorecard.serve(
        name=DEPLOYMENT_NAME,
        schedules=[Cron(quarterly_cron(), timezone=TIMEZONE)],
        parameters={"period_end": None, "landing": str(landing), "warehouse": str(warehouse)},
        description="The quarterly performance scorecard: extract, load, build, check, publish.",
        tags=["scorecard"],
        pause_on_shutdown=False,  # a restart of the server process must not pause the schedule
    )


def serve_quarterly(landing: Path, warehouse: Path, port: int) -> None:
    # SIGTERM (a service manager stopping us) ends serving like Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        if os.environ.get("PREFECT_API_URL"):
            _serve(landing, warehouse)
            return
        with local_server(port) as api_url:
            os.environ["PREFECT_API_URL"] = api_url  # before Prefect reads its settings
            _serve(landing, warehouse)
    except KeyboardInterrupt:
        pass
