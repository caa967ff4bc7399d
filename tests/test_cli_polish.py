"""The command line as a newcomer meets it (issue 12, items 7 and 8): help without `<bool>`,
`run` listed first, `backfill` with the options of `run`, `status` and `run` wording that follows
what each run really did, and `comparators` writing to a new or empty file."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from conftest import SHARED, run_without_prefect
from scorecard import pipeline
from scorecard.ops import cli
from scorecard.ops.cli import app, files_read
from test_publication import Q1, small_landing

COMMANDS = ["run", "demo", "backfill", "status", "serve", "report", "export", "comparators"]


def _plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


@pytest.mark.parametrize("command", [[], *([c] for c in COMMANDS)])
def test_help_shows_no_bool_metavar_on_flags(command):
    help_text = _plain(CliRunner().invoke(app, [*command, "--help"]).output)
    assert "--help" in help_text
    assert "<bool>" not in help_text
    # a flag's help row is the flag and its text, with no value type between them
    assert re.search(r"--help\s+Show this message", help_text)


def test_run_the_main_command_is_listed_first():
    help_text = _plain(CliRunner().invoke(app, ["--help"]).output)
    listed = [c for c in COMMANDS if re.search(rf"│ {c}\s", help_text)]
    order = sorted(listed, key=lambda c: re.search(rf"│ {c}\s", help_text).start())
    assert order[0] == "run" and set(order) == set(COMMANDS)


def test_backfill_takes_published_force_and_wait(monkeypatch, tmp_path):
    seen = {}
    monkeypatch.setattr(cli, "run", lambda **kwargs: seen.update(kwargs))
    outcome = CliRunner().invoke(app, [
        "backfill", "--from", "2022-06-30", "--to", "2023-06-30", "--landing", str(tmp_path),
        "--warehouse", str(tmp_path / "w.duckdb"), "--demo-key",
        "--published", str(tmp_path / "p.duckdb"), "--force", "--wait", "30"])
    assert outcome.exit_code == 0, outcome.output
    assert seen["backfill_from"] == "2022-06-30" and seen["period_end"] == "2023-06-30"
    assert seen["published"] == tmp_path / "p.duckdb"
    assert seen["force"] is True and seen["wait"] == 30 and seen["demo_key"] is True


def _status(warehouse: Path) -> list[str]:
    outcome = CliRunner().invoke(app, ["status", "--warehouse", str(warehouse)])
    assert outcome.exit_code == 0, outcome.output
    return outcome.output.splitlines()[1:]  # newest first, below the header


def test_status_of_a_forced_rebuild_says_it_was_rebuilt_not_unchanged(tmp_path):
    warehouse, landing = tmp_path / "scorecard.duckdb", small_landing(tmp_path)
    run_without_prefect(landing, warehouse, Q1)
    run_without_prefect(landing, warehouse, Q1, force=True)
    forced, first = _status(warehouse)
    # the forced run built and checked again; its figures equal those published: nothing new
    assert " rebuilt " in forced and "unchanged" not in forced
    assert re.search(r"rebuilt and ran [1-9]\d* checks", forced)
    assert "no quarter newly published" in forced and "already published" in forced
    assert "published 24 KPI rows for 2023-06-30" in first


def test_status_of_a_run_that_recorded_restatements_says_so(tmp_path):
    warehouse, landing = tmp_path / "scorecard.duckdb", small_landing(tmp_path)
    run_without_prefect(landing, warehouse, Q1)
    # a later extract records two more days of absence in the quarter already published:
    # GM01 for 2023-06-30 is recomputed from 4.0 to 6.0 days and recorded as a restatement
    later = small_landing(tmp_path / "later", extra_absence=True)
    for source in ("hr_sap", "audit"):
        (later / source / "2023-07-07").rename(later / source / "2023-07-14")
    result = run_without_prefect(later, warehouse, Q1)
    assert result["restatements"] >= 1 and result["period_ends"] == []
    restating, _ = _status(warehouse)
    assert "nothing new" not in restating
    assert f"{result['restatements']} restated figures recorded in published.restatements" \
        in restating
    assert " restated " in restating


def test_the_first_run_does_not_claim_files_unchanged_since_their_last_load(tmp_path):
    warehouse, landing = tmp_path / "scorecard.duckdb", small_landing(tmp_path)
    extracts = pipeline.extract(landing, Q1)
    runs = [run_without_prefect(landing, warehouse, Q1) for _ in range(2)]
    first, again = (pipeline.load_totals(extracts, run["loads"]) for run in runs)
    assert first["files"] == 5   # staff, absences, appraisals, RIDDOR, audit tracker
    # first run: nothing was loaded before, so every file was read
    assert files_read(first) == f"{first['files']} files read"
    assert "unchanged" not in files_read(first)
    # second run on the same files: none read again
    assert files_read(again) == f"no file read: all {again['files']} unchanged since their last load"
    assert files_read({"files_reloaded": 2, "files": 5}) == (
        "2 of 5 files read, the rest unchanged since their last load")


@pytest.mark.external
def test_comparators_into_an_existing_empty_file_writes_it(tmp_path):
    out = tmp_path / "comparators.csv"
    out.touch()
    outcome = CliRunner().invoke(app, ["comparators", "--la-code", "916", "--year", "2021-22",
                                       "--dfe-dir", str(SHARED / "external" / "dfe"),
                                       "--out", str(out)])
    assert outcome.exit_code == 0, outcome.output
    assert out.read_text(encoding="utf-8").startswith(
        "council_code,kpi_code,comparator_year,comparator,source")
    con = duckdb.connect()
    assert con.execute("SELECT count(*) FROM read_csv(?, header = true)", [str(out)]).fetchone()[0]


def test_comparators_refuse_an_out_file_that_is_not_a_comparators_csv(tmp_path):
    out = tmp_path / "notes.csv"
    out.write_text("name,value\nx,1\n", encoding="utf-8")
    outcome = CliRunner().invoke(app, ["comparators", "--la-code", "916", "--year", "2021-22",
                                       "--dfe-dir", str(SHARED / "external" / "dfe"),
                                       "--out", str(out)])
    assert outcome.exit_code == 1
    assert "not a comparators CSV (no column council_code, kpi_code" in outcome.output
    assert "Traceback" not in outcome.output
    assert out.read_text(encoding="utf-8") == "name,value\nx,1\n"   # left as it was


def test_run_refuses_a_report_council_that_is_not_a_la_code_before_anything_starts(tmp_path):
    outcome = CliRunner().invoke(app, [
        "run", "--period-end", "2023-06-30", "--landing", str(tmp_path / "landing"),
        "--warehouse", str(tmp_path / "wh" / "w.duckdb"), "--demo-key", "--report", "91"])
    assert outcome.exit_code == 2
    assert "'91' is not a three-digit LA code" in " ".join(_plain(outcome.output).split())
    assert list(tmp_path.iterdir()) == []
