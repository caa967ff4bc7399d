"""The Prefect UI tells a run's story (issue 12, item 3), seen as an operator sees it.

`scorecard serve --demo-key` (no PREFECT_HOME, no PREFECT_API_URL) starts its own Prefect server
with the UI and serves the deployment; a run is started from the deployment through the API, as
the UI's Run button does (`POST /deployments/{id}/create_flow_run`, the deployment's own
parameters: no period end). The landing zone's extracts are dated 2023-07-07, so the run must
report 2023-06-30, the latest quarter end they cover, and say so. Then Debian's headless
chromium opens the run's page in the UI: its DOM holds the run's log lines and, on the
Artifacts tab, the run's summary artifact; a screenshot of each is saved in the test's folder.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from scorecard.report.pdf import OFFLINE_FLAGS, find_chromium
from scorecard.ops.schedule import DEPLOYMENT_NAME
from test_publication import small_landing

pytestmark = [pytest.mark.slow, pytest.mark.browser]

# chromium reaches the local server directly and nothing else (the report's flags resolve no
# name and send loopback too through a dead proxy: a report page must load nothing)
UI_FLAGS = tuple(f for f in OFFLINE_FLAGS if not f.startswith(
    ("--proxy-bypass-list", "--host-resolver-rules"))) + (
    "--proxy-bypass-list=127.0.0.1", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1")


def _api(url: str, body: dict | None = None, seconds: float = 30):
    """One API call. A 503 is Prefect's "busy, ask again" (its SQLite store was locked, as while
    its scheduler writes a new deployment's runs; the request changed nothing): asked again, as
    Prefect's own client does, for up to `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        request = urllib.request.Request(url, headers={"Content-Type": "application/json"},
                                         data=None if body is None else json.dumps(body).encode())
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            if exc.code != 503 or time.monotonic() > deadline:
                raise
        time.sleep(0.5)


def _wait(what: str, get, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            found = get()
        except OSError:
            found = None
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"waited {seconds:.0f} s for {what}")


def _chromium(url: str, *args: str, timeout: float = 60) -> str:
    """Run headless chromium on `url` with a throw-away profile; its stdout."""
    with tempfile.TemporaryDirectory(prefix="scorecard-ui-") as profile:
        env = {**os.environ, "HOME": profile, "XDG_CONFIG_HOME": profile, "XDG_CACHE_HOME": profile}
        process = subprocess.Popen(
            [find_chromium(), *UI_FLAGS, f"--user-data-dir={profile}", "--window-size=1400,1000",
             "--force-device-scale-factor=1", "--virtual-time-budget=15000", *args, url],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env,
            start_new_session=True)
        try:
            out, _ = process.communicate(timeout=timeout)
        finally:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    return out.decode("utf-8", "replace")


def test_a_run_started_from_the_deployment_shows_its_logs_and_summary_in_the_ui(tmp_path):
    landing = small_landing(tmp_path)              # every extract folder dated 2023-07-07
    warehouse = tmp_path / "warehouse" / "scorecard.duckdb"
    port = _free_port()
    ui, api = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port}/api"
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("PREFECT_API_URL", "PREFECT_HOME")}
    environment["PREFECT_RUNNER_POLL_FREQUENCY"] = "1"  # pick the run up at once
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("scorecard")), "serve", "--port", str(port),
         "--landing", str(landing), "--warehouse", str(warehouse), "--demo-key"],
        env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        (deployment,) = _wait("the deployment", lambda: _api(f"{api}/deployments/filter", {}), 90)
        assert deployment["name"] == DEPLOYMENT_NAME
        assert deployment["parameters"]["demo_key"] is True     # `serve --demo-key`
        assert deployment["parameters"]["force"] is False
        assert deployment["parameters"]["period_end"] is None
        # Prefect's files live beside the warehouse, not in ~/.prefect
        assert (warehouse.parent / ".prefect" / "prefect.db").is_file()

        # the Run button: a flow run of the deployment with its own parameters
        run = _api(f"{api}/deployments/{deployment['id']}/create_flow_run", {})
        final = _wait("the run to finish", lambda: (lambda r: r if r["state_type"] in (
            "COMPLETED", "FAILED", "CRASHED") else None)(_api(f"{api}/flow_runs/{run['id']}")), 90)
        def logs():
            return [entry["message"] for entry in _api(
                f"{api}/logs/filter", {"logs": {"flow_run_id": {"any_": [run["id"]]}},
                                       "sort": "TIMESTAMP_ASC", "limit": 200})]

        assert final["state_type"] == "COMPLETED", (final["state"]["message"], logs())
        # log lines reach the API in batches: wait for the run's last one
        story = "\n".join(_wait("the run's last log line", lambda: (
            lambda got: got if any(f"run {run['id']}" in m or " finished: " in m for m in got)
            else None)(logs()), 30))

        # the story, in the API: the quarter chosen and why, what was loaded, checks, publication
        assert ("No period end given: reporting 2023-06-30, the latest quarter end the extracts "
                "cover (newest extract folders dated 2023-07-07 or later)") in story
        assert "raw.hr_sap__absences: 1 rows in, 1 loaded, 0 quarantined (read)" in story
        assert "quality gate passed:" in story
        # 24 KPIs on the scorecard, one council, one quarter
        assert "published 24 KPI rows for 2023-06-30 (councils 916)" in story
        (artifact,) = _api(f"{api}/artifacts/filter",
                           {"artifacts": {"flow_run_id": {"any_": [run["id"]]}}})
        assert artifact["key"] == "scorecard-run-summary"
        assert "| published quarters | 2023-06-30 |" in artifact["data"]

        # ... and in the UI, as headless chromium renders the run's page
        page = f"{ui}/runs/flow-run/{run['id']}"
        dom = _chromium(page, "--dump-dom")
        (tmp_path / "run_page.html").write_text(dom, encoding="utf-8")
        assert "No period end given: reporting 2023-06-30" in dom
        assert "published 24 KPI rows for 2023-06-30" in dom
        png = tmp_path / "prefect_ui_run_logs.png"
        _chromium(page, f"--screenshot={png}")
        assert png.stat().st_size > 20_000

        # the run's summary artifact, as its page in the UI shows it (linked from the run's
        # Artifacts tab)
        artifact_page = f"{ui}/artifacts/artifact/{artifact['id']}"
        summary = _chromium(artifact_page, "--dump-dom")
        (tmp_path / "artifact_page.html").write_text(summary, encoding="utf-8")
        assert "scorecard-run-summary" in summary
        assert "Quarterly scorecard run" in summary and "published quarters" in summary
        assert "No period end given: reporting 2023-06-30" in summary
        _chromium(artifact_page, f"--screenshot={tmp_path / 'prefect_ui_artifact.png'}")
        assert (tmp_path / "prefect_ui_artifact.png").stat().st_size > 20_000
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=60)
        print(output)


def _free_port() -> int:
    from scorecard.ops.serve import free_port

    return free_port()
