"""`scorecard serve`: the quarterly deployment, on its schedule, on a local Prefect server.

Without PREFECT_API_URL a Prefect server is started on 127.0.0.1 (its UI at http://127.0.0.1:PORT)
and stopped again when serving stops. Serving registers the deployment `quarterly-scorecard`
with its quarterly cron and runs each scheduled flow run in this process.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from scorecard.errors import ScorecardError
from scorecard.ops.prefect_store import seed_home
from scorecard.ops.schedule import DEPLOYMENT_NAME, TIMEZONE, quarterly_cron

SERVER_START_SECONDS = 120


def _healthy(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _die_with_parent() -> None:
    """In the server's process, before it runs: end it when its parent dies, even by SIGKILL
    (Linux PR_SET_PDEATHSIG), so a killed run leaves no Prefect server behind."""
    os.setsid()  # its own process group, so that stopping it stops what it started too
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    if os.getppid() == 1:  # the parent died before the line above
        os._exit(0)


def _warm_up(api_url: str, server: subprocess.Popen) -> None:
    """Once the server answers, ask it its version: its first API request (not /health) sets up
    its database engine, 0.4 s that this spends while our own process is still starting."""
    deadline = time.monotonic() + SERVER_START_SECONDS
    while not _healthy(api_url):
        if server.poll() is not None or time.monotonic() > deadline:
            return
        time.sleep(0.1)
    try:
        with urllib.request.urlopen(f"{api_url}/admin/version", timeout=10):
            pass
    except OSError:
        pass  # the run's own requests will say what is wrong


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def configured_api_url() -> str | None:
    """The Prefect API this process already points at (the environment, or Prefect's settings
    when Prefect is imported, as under its test harness)."""
    if os.environ.get("PREFECT_API_URL"):
        return os.environ["PREFECT_API_URL"]
    if "prefect.settings" in sys.modules:
        from prefect.settings import PREFECT_API_URL

        return PREFECT_API_URL.value()
    return None


RUN_SCOPED_SERVER_OFF = ("SCHEDULER", "LATE_RUNS", "FOREMAN", "REPOSSESSOR", "CANCELLATION_CLEANUP",
                         "PAUSE_EXPIRATIONS", "DB_VACUUM", "CLEANUP_RECONCILER", "TRIGGERS",
                         "EVENT_LOGGER")


@contextmanager
def local_server(port: int, ui: bool = True,
                 while_starting: Callable[[], object] | None = None) -> Iterator[str]:
    """A Prefect server on loopback for as long as the block runs; its API URL. With `ui` it is
    `prefect server start` (the UI at http://127.0.0.1:PORT); without, only the API, as Prefect's
    own temporary server runs it. Either way it dies with this process.

    The server takes seconds to import and start: `while_starting` is called once it is launched,
    before waiting for it to answer, so this process's own start (importing the flow and Prefect)
    overlaps the server's instead of following it."""
    api_url = f"http://127.0.0.1:{port}/api"
    if _healthy(api_url):
        raise ScorecardError(f"something already answers on 127.0.0.1:{port}; choose --port")
    if ui:
        command = [str(Path(sys.executable).with_name("prefect")), "server", "start", "--host",
                   "127.0.0.1", "--port", str(port)]
    else:
        command = [sys.executable, "-m", "uvicorn", "--factory",
                   "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port",
                   str(port), "--log-level", "error", "--lifespan", "on"]
    # The UI's pages call the API at PREFECT_UI_API_URL, which Prefect otherwise takes from its
    # default port (4200) whatever --port says: a UI on another port showed no runs at all.
    env = {**os.environ, "PREFECT_UI_ENABLED": "1" if ui else "0", "PREFECT_UI_API_URL": api_url,
           "PREFECT_SERVER_API_HOST": "127.0.0.1", "PREFECT_SERVER_API_PORT": str(port)}
    if not ui:
        # A server that lives for one run keeps only what records the run for the UI (task runs,
        # events); scheduling, late-run, worker and automation services would only cost start-up
        # (~1 s of 11 on two cores) and must not schedule the deployment's runs from here.
        env.update({f"PREFECT_SERVER_SERVICES_{name}_ENABLED": "false" for name in RUN_SCOPED_SERVER_OFF})
        # Nor does it register Prefect's block types (no flow of ours uses a block): 4 s of a
        # new home's first start. `scorecard serve`'s server still registers them for the UI.
        env["PREFECT_SERVER_REGISTER_BLOCKS_ON_START"] = "false"
    seed_home(env)
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env=env, preexec_fn=_die_with_parent)
    try:
        if while_starting is not None:
            threading.Thread(target=_warm_up, args=(api_url, server), daemon=True).start()
            while_starting()
        deadline = time.monotonic() + SERVER_START_SECONDS
        while not _healthy(api_url):
            if server.poll() is not None or time.monotonic() > deadline:
                raise ScorecardError(f"the local Prefect server on port {port} did not start")
            time.sleep(0.2)
        yield api_url
    finally:
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        except ProcessLookupError:
            pass


def deployment_parameters(landing: Path, warehouse: Path, demo_key: bool = False) -> dict:
    """The deployment's parameters: what a scheduled run uses, and what the UI's Run button
    offers to change (a period end, the demo key, force, another published file, a wait)."""
    return {"period_end": None, "landing": str(landing), "warehouse": str(warehouse),
            "demo_key": demo_key, "force": False, "published": None, "wait_seconds": 0}


def _serve(landing: Path, warehouse: Path, demo_key: bool) -> None:
    from prefect.schedules import Cron

    from flows.quarterly_scorecard import quarterly_scorecard

    quarterly_scorecard.serve(
        name=DEPLOYMENT_NAME,
        schedules=[Cron(quarterly_cron(), timezone=TIMEZONE)],
        parameters=deployment_parameters(landing, warehouse, demo_key),
        description="The quarterly performance scorecard: extract, load, build, check, publish.",
        tags=["scorecard"],
        pause_on_shutdown=False,  # a restart of the server process must not pause the schedule
    )


def serve_quarterly(landing: Path, warehouse: Path, port: int, demo_key: bool = False) -> None:
    # SIGTERM (a service manager stopping us) ends serving like Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        if configured_api_url():
            _serve(landing, warehouse, demo_key)
            return
        with local_server(port) as api_url:
            os.environ["PREFECT_API_URL"] = api_url  # before Prefect reads its settings
            _serve(landing, warehouse, demo_key)
    except KeyboardInterrupt:
        pass
