"""Write-audit-publish: idempotent runs, frozen quarters and restatements, one run at a time,
readers never blocked, and a run killed at any step changes nothing that was published."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from conftest import published_dump, run_without_prefect
from helpers.landing_builder import write_landing
from scorecard.publish.publication import published_path_for
from scorecard.ops.runlock import RunInProgress, run_lock

D = dt.date
Q1 = D(2023, 6, 30)


def small_landing(root: Path, extra_absence: bool = False) -> Path:
    staff = [dict(council_code="916", pers_no="10000001", employee_name="Ann Example",
                  directorate="CYP", fte="1", start_date=D(2015, 1, 5))]
    absences = [dict(council_code="916", pers_no="10000001", absence_start=D(2023, 5, 2),
                     absence_end=D(2023, 5, 5), reason_code="S01")]
    if extra_absence:  # a late-recorded absence in the already published quarter
        absences.append(dict(council_code="916", pers_no="10000001", absence_start=D(2023, 6, 12),
                             absence_end=D(2023, 6, 13), reason_code="S04"))
    appraisals = [dict(council_code="916", pers_no="10000001", due_date=D(2023, 1, 31),
                       completed_date=D(2023, 1, 20), entered_on_sap_date=D(2023, 2, 1))]
    riddor = [dict(council_code="916", riddor_ref="R-1", directorate="PLC",
                   incident_date=D(2023, 5, 2), reported_date=D(2023, 5, 3), category="SPECIFIED_INJURY")]
    recommendations = [dict(council_code="916", rec_ref="A1", audit_title="Payroll", directorate="CYP",
                            priority="High", raised_date=D(2022, 5, 1),
                            agreed_target_date=D(2022, 12, 31), status="Open")]
    return write_landing(root / "landing", staff, absences, appraisals, riddor, recommendations)


def gm01(published: Path, period_end=Q1):
    con = duckdb.connect(str(published), read_only=True)
    try:
        return con.execute("SELECT actual, publication_id FROM published.scorecard "
                           "WHERE kpi_code = 'GM01' AND period_end = ?", [period_end]).fetchone()
    finally:
        con.close()


@pytest.fixture()
def first_run(tmp_path):
    landing = small_landing(tmp_path)
    warehouse = tmp_path / "scorecard.duckdb"
    result = run_without_prefect(landing, warehouse, Q1)
    return {"root": tmp_path, "landing": landing, "warehouse": warehouse, "result": result,
            "published": published_path_for(warehouse)}


def test_same_quarter_same_extracts_changes_nothing(first_run):
    assert first_run["result"]["period_ends"] == ["2023-06-30"]
    before = published_dump(first_run["published"])
    again = run_without_prefect(first_run["landing"], first_run["warehouse"], Q1)
    assert again["publication_id"] is None and again["unchanged_period_ends"] == ["2023-06-30"]
    assert published_dump(first_run["published"]) == before
    # the unchanged extracts were not read again
    assert {r["reloaded"] for r in again["loads"] if r["rows_in"]} == {False}


def test_a_recomputed_published_figure_is_a_restatement_not_an_overwrite(first_run):
    as_published, publication = gm01(first_run["published"])
    assert as_published == 4.0                     # 2-5 May 2023: 4 working days, one FTE
    # a new extract, a week later, records two more days of absence in the same quarter
    landing = small_landing(first_run["root"] / "later", extra_absence=True)
    later = landing / "hr_sap" / "2023-07-07"
    later.rename(later.with_name("2023-07-14"))
    for folder in (landing / "audit" / "2023-07-07",):
        folder.rename(folder.with_name("2023-07-14"))
    result = run_without_prefect(landing, first_run["warehouse"], Q1)
    assert result["restatements"] >= 1
    assert gm01(first_run["published"]) == (4.0, publication)      # as published, untouched
    con = duckdb.connect(str(first_run["published"]), read_only=True)
    restated = con.execute("SELECT figure, as_published, restated, published_by FROM published.restatements "
                           "WHERE kpi_code = 'GM01' AND period_end = ?", [Q1]).fetchall()
    con.close()
    assert ("actual", "4.0", "6.0", publication) in restated


def _hold_lock_in_another_thread(warehouse):
    """Another run holding the warehouse (the lock is re-entrant only within one thread)."""
    held, release = threading.Event(), threading.Event()

    def hold():
        with run_lock(warehouse):
            held.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait()
    return holder, release


def test_a_second_run_is_refused_while_one_holds_the_warehouse(first_run):
    holder, release = _hold_lock_in_another_thread(first_run["warehouse"])
    try:
        with pytest.raises(RunInProgress, match=r"scorecard.duckdb.lock: another run of this "
                                                 r"warehouse is in progress"):
            run_without_prefect(first_run["landing"], first_run["warehouse"], Q1)
    finally:
        release.set()
        holder.join()


def test_the_command_line_refuses_a_second_run_before_prefect_starts(first_run, monkeypatch):
    """The lock is taken before the flow (and Prefect's server) is imported or started."""
    import sys

    from typer.testing import CliRunner

    from scorecard.ops.cli import app

    monkeypatch.delitem(sys.modules, "flows.quarterly_scorecard", raising=False)
    holder, release = _hold_lock_in_another_thread(first_run["warehouse"])
    try:
        started = time.monotonic()
        result = CliRunner().invoke(app, ["run", "--period-end", Q1.isoformat(), "--landing",
                                          str(first_run["landing"]), "--warehouse",
                                          str(first_run["warehouse"]), "--demo-key"])
        assert result.exit_code == 1
        assert "another run of this warehouse is in progress" in result.output
        assert "flows.quarterly_scorecard" not in sys.modules  # Prefect never came into it
        assert time.monotonic() - started < 10
    finally:
        release.set()
        holder.join()


def test_a_run_refused_before_it_starts_leaves_nothing_behind(tmp_path, monkeypatch):
    """No key, or a date that is no quarter end: one line, and no warehouse file, lock or
    Prefect database written."""
    from typer.testing import CliRunner

    from scorecard.ops.cli import app
    from scorecard.build.pseudonymise import KEY_VARIABLE

    monkeypatch.delenv(KEY_VARIABLE, raising=False)
    landing = small_landing(tmp_path)
    warehouse = tmp_path / "wh" / "scorecard.duckdb"
    for args, message in (
        ([], f"{KEY_VARIABLE} is not set"),
        (["--demo-key", "--period-end", "2023-06-29"], "2023-06-29 is not a quarter end"),
        (["--demo-key", "--landing", str(tmp_path / "nowhere")], "landing zone not found"),
    ):
        options = {"--period-end": Q1.isoformat(), "--landing": str(landing)}
        for flag, value in zip(args[1::2], args[2::2]) if args[:1] == ["--demo-key"] else ():
            options[flag] = value
        command = ["run", "--warehouse", str(warehouse), *args[:1]]
        for flag, value in options.items():
            command += [flag, value]
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 1, result.output
        assert message in result.output
        assert len(result.output.strip().splitlines()) == 1
        assert not (tmp_path / "wh").exists()


def test_a_waiting_run_goes_ahead_when_the_first_finishes(first_run):
    released = threading.Event()

    def hold_for_a_moment():
        with run_lock(first_run["warehouse"]):
            held.set()
            time.sleep(1.5)
            released.set()  # still held: the waiting run cannot have the lock before this

    held = threading.Event()
    holder = threading.Thread(target=hold_for_a_moment)
    holder.start()
    held.wait()
    with run_lock(first_run["warehouse"], wait_seconds=30):
        assert released.is_set()
    holder.join()


def test_a_reader_is_neither_blocked_nor_shown_a_partial_state(first_run):
    reader = duckdb.connect(str(first_run["published"]), read_only=True)
    try:
        seen_before = reader.execute("SELECT count(*), max(published_at) FROM published.scorecard").fetchone()
        landing = small_landing(first_run["root"] / "next", extra_absence=True)
        # publishing the next quarter while the reader holds the file open
        for source in ("hr_sap", "audit"):
            folder = landing / source / "2023-07-07"
            folder.rename(folder.with_name("2023-10-06"))
        result = run_without_prefect(landing, first_run["warehouse"], D(2023, 9, 30))
        assert result["period_ends"] == ["2023-09-30"]
        # the reader still sees one whole, consistent publication: the one it opened
        assert reader.execute("SELECT count(*), max(published_at) FROM published.scorecard").fetchone() == seen_before
    finally:
        reader.close()
    fresh = duckdb.connect(str(first_run["published"]), read_only=True)
    try:
        assert fresh.execute("SELECT count(DISTINCT period_end) FROM published.scorecard").fetchone()[0] == 2
    finally:
        fresh.close()


@pytest.mark.slow
@pytest.mark.parametrize("point", ["extract", "load", "build", "check", "publish_write", "publish_swap"])
def test_a_run_killed_at_any_step_leaves_published_as_it_was(first_run, point):
    before = published_dump(first_run["published"])
    landing = small_landing(first_run["root"] / "next", extra_absence=True)
    for source in ("hr_sap", "audit"):
        folder = landing / source / "2023-07-07"
        folder.rename(folder.with_name("2023-10-06"))
    runner = Path(__file__).parent / "helpers" / "crash_runner.py"
    killed = subprocess.run([sys.executable, str(runner), str(landing), str(first_run["warehouse"]),
                             "2023-09-30", point], capture_output=True, text=True, timeout=300)
    assert killed.returncode == -9, killed.stderr[-2000:]
    assert published_dump(first_run["published"]) == before
    # the lock died with the process, and the next run succeeds
    result = run_without_prefect(landing, first_run["warehouse"], D(2023, 9, 30))
    assert result["period_ends"] == ["2023-09-30"]
    # a temporary file a killed run left behind is cleared by the next run
    assert not list(first_run["published"].parent.glob(".scorecard_published.duckdb.*.tmp"))
