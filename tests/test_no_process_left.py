"""A `scorecard run` killed with SIGKILL leaves no Prefect server running behind it.

The command line starts its own Prefect API server on loopback (when PREFECT_API_URL names
none) and the server is told by the kernel to end when its parent dies (PR_SET_PDEATHSIG):
Prefect's own temporary server would be orphaned and keep running.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from test_publication import small_landing

SERVER = "prefect.server.api.server:create_app"


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid and SERVER in cmdline:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_killed_run_leaves_no_prefect_server(tmp_path):
    landing = small_landing(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    run = subprocess.Popen(
        [sys.executable, "-m", "scorecard.ops.cli", "run", "--period-end", "2023-06-30",
         "--landing", str(landing), "--warehouse", str(tmp_path / "wh" / "scorecard.duckdb"),
         "--demo-key"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        servers = []
        while not servers and time.monotonic() < deadline and run.poll() is None:
            servers = _children(run.pid)
            time.sleep(0.2)
        assert servers, "the run started no Prefect server of its own"
        run.send_signal(signal.SIGKILL)
        run.wait(30)
        deadline = time.monotonic() + 30
        while any(_alive(p) for p in servers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(_alive(p) for p in servers)
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
