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
from scorecard.ops.cli import app
from scorecard.ops.schedule import DEPLOYMENT_NAME, QUARTERLY_CRON, TIMEZONE, latest_quarter_end
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
def test_the_last_quarter_end_before_a_day(today, reported):
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


@pytest.mark.slow
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


def _landing_with_dates(root: Path, dates: dict[str, list[str]]) -> Path:
    for source, folders in dates.items():
        for folder in folders:
            (root / source / folder).mkdir(parents=True)
    return root


@pytest.mark.parametrize(("dates", "reported", "deciding"), [
    # one extract date, a week after Q1 ended: Q1 (30 June 2023), not the quarter before today
    ({"hr_sap": ["2023-07-07"], "audit": ["2023-07-07"]}, D(2023, 6, 30), D(2023, 7, 7)),
    # an extract taken on the quarter end itself covers that quarter
    ({"hr_sap": ["2023-09-30"]}, D(2023, 9, 30), D(2023, 9, 30)),
    # the day before a quarter end covers only the quarter before
    ({"hr_sap": ["2023-12-30"]}, D(2023, 9, 30), D(2023, 12, 30)),
    # each source's newest folder counts; audit's newest (2023-10-02) covers only Q2, so Q2
    ({"hr_sap": ["2023-07-07", "2024-01-08"], "audit": ["2023-04-03", "2023-10-02"]},
     D(2023, 9, 30), D(2023, 10, 2)),
    # January after a year end: Q3 (31 December)
    ({"social_care": ["2024-01-05"]}, D(2023, 12, 31), D(2024, 1, 5)),
])
def test_a_run_without_period_end_reports_the_latest_quarter_the_extracts_cover(
        tmp_path, dates, reported, deciding):
    from scorecard.ops.schedule import covered_quarter_end

    assert covered_quarter_end(_landing_with_dates(tmp_path / "landing", dates)) == (
        reported, deciding)


def test_a_landing_zone_without_extracts_names_no_quarter(tmp_path):
    from scorecard.errors import LandingError
    from scorecard.ops.schedule import covered_quarter_end

    (tmp_path / "landing" / "hr_sap").mkdir(parents=True)
    with pytest.raises(LandingError, match="no extract folder"):
        covered_quarter_end(tmp_path / "landing")


def test_the_deployment_offers_every_run_option():
    from scorecard.ops.serve import deployment_parameters

    spec = yaml.safe_load((config.PROJECT_ROOT / "prefect.yaml").read_text())
    (deployment,) = spec["deployments"]
    served = deployment_parameters(Path("warehouse/landing"), Path("warehouse/scorecard.duckdb"))
    assert deployment["parameters"] == served
    assert {"demo_key": False, "force": False, "published": None, "wait_seconds": 0,
            "period_end": None}.items() <= served.items()


def _prefect_log(home: Path) -> list[tuple[str, str]]:
    import sqlite3

    con = sqlite3.connect(home / "prefect.db")
    try:
        return con.execute("SELECT level, message FROM log ORDER BY timestamp").fetchall()
    finally:
        con.close()


def _prefect_events(home: Path) -> set[str]:
    import sqlite3

    con = sqlite3.connect(home / "prefect.db")
    try:
        return {event for (event,) in con.execute("SELECT DISTINCT event FROM events")}
    finally:
        con.close()


@pytest.mark.slow
def test_scorecard_run_logs_to_prefect_beside_the_warehouse_and_keeps_the_console_quiet(tmp_path):
    """`scorecard run` with neither PREFECT_HOME nor PREFECT_API_URL: Prefect's store is
    `.prefect` beside the warehouse, the run's log lines (and a failed run's error) are in it,
    and the console shows only the run's own summary."""
    landing, warehouse = small_landing(tmp_path), tmp_path / "wh" / "scorecard.duckdb"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PREFECT_API") and k != "PREFECT_HOME"}
    command = [sys.executable, "-m", "scorecard.ops.cli", "run", "--landing", str(landing),
               "--warehouse", str(warehouse), "--demo-key"]
    ok = subprocess.run([*command, "--period-end", "2023-06-30"], env=env, capture_output=True,
                        text=True, timeout=300)
    assert ok.returncode == 0, ok.stderr
    # the first run read every file: nothing had been loaded before
    assert "loaded 5 rows (5 files read), quarantined 0" in ok.stdout
    assert "INFO" not in ok.stdout + ok.stderr and "Task run" not in ok.stdout + ok.stderr
    home = warehouse.parent / ".prefect"
    logged = [message for _, message in _prefect_log(home)]
    assert "raw.hr_sap__absences: 1 rows in, 1 loaded, 0 quarantined (read)" in logged
    assert any(m.startswith("published 24 KPI rows for 2023-06-30 (councils 916)") for m in logged)
    # the run's events are kept, but no heartbeat: the server that would read them dies with it
    events = _prefect_events(home)
    assert {"prefect.flow-run.Running", "prefect.flow-run.Completed"} <= events
    assert "prefect.flow-run.heartbeat" not in events

    # the extracts (dated 2023-07-07) cannot cover Q2: the failure reaches Prefect's log too
    failed = subprocess.run([*command, "--period-end", "2023-09-30"], env=env,
                            capture_output=True, text=True, timeout=300)
    assert failed.returncode == 1
    assert failed.stderr.startswith("error: ") and len(failed.stderr.strip().splitlines()) == 1
    errors = [message for level, message in _prefect_log(home) if level >= 40]
    assert any("before the period end 2023-09-30" in m for m in errors), errors
    assert any("failed, the published database is as it was" in m for m in errors), errors
