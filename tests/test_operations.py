"""Operations: the quarterly schedule, `scorecard serve`, `status` and `backfill`."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from conftest import run_without_prefect
from scorecard import config
from scorecard.cli import app
from scorecard.schedule import DEPLOYMENT_NAME, QUARTERLY_CRON, TIMEZONE, latest_quarter_end
from test_publication import Q1, small_landing

D = dt.date


def test_prefect_yaml_declares_the_quarterly_schedule():
    spec = yaml.safe_load((config.PROJECT_ROOT / "prefect.yaml").read_text())
    (deployment,) = spec["deployments"]
    assert deployment["name"] == DEPLOYMENT_NAME
    assert deployment["schedules"] == [{"cron": QUARTERLY_CRON, "timezone": TIMEZONE, "active": True}]
    path, function = deployment["entrypoint"].split(":")
    assert f"def {function}(" in (config.PROJECT_ROOT / path).read_text()
    assert deployment["parameters"]["period_end"] is None


@pytest.mark.parametrize(("today", "reported"), [
    (D(2023, 7, 7), D(2023, 6, 30)), (D(2023, 7, 1), D(2023, 6, 30)), (D(2023, 6, 30), D(2023, 3, 31)),
    (D(2024, 1, 7), D(2023, 12, 31)), (D(2023, 10, 7), D(2023, 9, 30)), (D(2023, 4, 7), D(2023, 3, 31)),
])
def test_a_scheduled_run_reports_the_quarter_just_ended(today, reported):
    assert latest_quarter_end(today) == reported


def test_status_shows_what_each_run_published(tmp_path):
    warehouse = tmp_path / "scorecard.duckdb"
    landing = small_landing(tmp_path)
    run_without_prefect(landing, warehouse, Q1)
    run_without_prefect(landing, warehouse, Q1)
    outcome = CliRunner().invoke(app, ["status", "--warehouse", str(warehouse)])
    assert outcome.exit_code == 0, outcome.output
    lines = outcome.output.splitlines()
    assert "unchanged" in lines[1] and "already published" in lines[1]
    assert "published 24 KPI rows for 2023-06-30" in lines[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, body: dict | None = None):
    request = urllib.request.Request(url, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read() or b"null")


@pytest.mark.flow
def test_serve_starts_registers_the_deployment_and_stops_cleanly(tmp_path):
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    environment = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    environment["PREFECT_HOME"] = str(tmp_path / "prefect-home")
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("scorecard")), "serve", "--port", str(port),
         "--landing", str(tmp_path / "landing"), "--warehouse", str(tmp_path / "scorecard.duckdb")],
        env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 180
        deployments = []
        while time.monotonic() < deadline and not deployments:
            time.sleep(1)
            assert server.poll() is None, server.stdout.read()
            try:
                deployments = _get(f"{api}/deployments/filter", {})
            except OSError:
                continue
        (deployment,) = deployments
        assert deployment["name"] == DEPLOYMENT_NAME
        (schedule,) = deployment["schedules"]
        assert schedule["schedule"]["cron"] == QUARTERLY_CRON
        assert schedule["schedule"]["timezone"] == TIMEZONE
        assert deployment["parameters"]["period_end"] is None
    finally:
        server.send_signal(signal.SIGTERM)
        returncode = server.wait(timeout=90)
    assert returncode == 0, server.stdout.read()
    with pytest.raises(OSError):                 # the local server went with it
        _get(f"{api}/health")
