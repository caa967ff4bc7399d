"""Re-running an unchanged quarter rebuilds, re-checks and republishes nothing; any changed input,
a failed run in between or a publication that no longer stands means the full run again."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import published_dump, run_without_prefect
from scorecard import config, pipeline
from scorecard.errors import ContractError
from scorecard.ops.fingerprint import run_fingerprint
from scorecard.publish.publication import published_path_for
from test_flow_demo import query
from test_publication import Q1, small_landing

D = dt.date
DEMO_KEY = config.DEMO_HMAC_KEY.encode()


def publish_once(root: Path) -> dict:
    landing = small_landing(root)
    warehouse = root / "warehouse" / "scorecard.duckdb"
    first = run_without_prefect(landing, warehouse, Q1)
    assert first["period_ends"] == ["2023-06-30"]
    return {"root": root, "landing": landing, "warehouse": warehouse,
            "published": published_path_for(warehouse), "first": first["run_id"]}


@pytest.fixture(scope="module")
def first_publication(tmp_path_factory) -> dict:
    return publish_once(tmp_path_factory.mktemp("first"))


@pytest.fixture()
def published_once(first_publication, tmp_path) -> dict:
    """A copy of the first publication's warehouse and published database, for one test. The
    landing zone is shared (its paths are among the inputs): a test must not change it."""
    shutil.copytree(first_publication["warehouse"].parent, tmp_path / "warehouse")
    warehouse = tmp_path / "warehouse" / "scorecard.duckdb"
    return {**first_publication, "root": tmp_path, "warehouse": warehouse,
            "published": published_path_for(warehouse)}


def checks_of(warehouse: Path, run_id: str) -> int:
    return query(warehouse, "SELECT count(*) FROM meta.check_results WHERE run_id = ?", [run_id])[0][0]


def outcome(warehouse: Path, run_id: str) -> tuple:
    return query(warehouse, "SELECT status, message FROM meta.runs WHERE run_id = ?", [run_id])[0]


def assert_full_run(warehouse: Path, run: dict) -> None:
    assert run["same_inputs_as"] is None
    assert checks_of(warehouse, run["run_id"]) > 0
    assert outcome(warehouse, run["run_id"])[1] is None


def test_an_unchanged_rerun_builds_checks_and_publishes_nothing(published_once):
    warehouse = published_once["warehouse"]
    before = published_dump(published_once["published"])
    again = run_without_prefect(published_once["landing"], warehouse, Q1)
    assert again["same_inputs_as"] == published_once["first"]
    assert outcome(warehouse, again["run_id"]) == (
        "unchanged", f"same inputs as run {published_once['first']} (already published; "
                     "nothing rebuilt, checked or republished)")
    assert checks_of(warehouse, again["run_id"]) == 0
    assert not (warehouse.parent / "reports" / f"quality_{again['run_id']}.html").exists()
    assert published_dump(published_once["published"]) == before
    # its loads are recorded, and none read its file again (nor loads an absent optional file
    # as an empty table again: it was absent at the last load too)
    loads = query(warehouse, "SELECT count(*), count(*) FILTER (WHERE reloaded), "
                             "count(*) FILTER (WHERE sha256 IS NULL) "
                             "FROM meta.loads WHERE run_id = ?", [again["run_id"]])[0]
    assert loads[:2] == (len(again["loads"]), 0) and loads[0] > 0 and loads[2] > 0
    # the runs after it name the run that built, not the previous rerun
    assert run_without_prefect(published_once["landing"], warehouse, Q1)["same_inputs_as"] == \
        published_once["first"]


def test_a_changed_byte_in_a_landing_file_means_a_full_run(tmp_path):
    own = publish_once(tmp_path)
    staff = next(own["landing"].rglob("staff_in_post.csv"))
    staff.write_bytes(staff.read_bytes().replace(b"Ann Example", b"Ann Exampla"))
    changed = run_without_prefect(own["landing"], own["warehouse"], Q1)
    assert_full_run(own["warehouse"], changed)
    assert {r["source_file"]: r["reloaded"] for r in changed["loads"]}[str(staff)] is True
    # that full run published nothing new, and is what the next rerun on the same files stands on
    again = run_without_prefect(own["landing"], own["warehouse"], Q1)
    assert again["same_inputs_as"] == changed["run_id"]


def test_a_changed_reference_csv_means_a_full_run(published_once, monkeypatch):
    reference = published_once["root"] / "reference"
    shutil.copytree(config.REFERENCE_DIR, reference)
    monkeypatch.setattr(config, "REFERENCE_DIR", reference)
    same = run_without_prefect(published_once["landing"], published_once["warehouse"], Q1)
    assert same["same_inputs_as"] == published_once["first"]   # a copy, byte for byte
    commentary = reference / "commentary.csv"
    text = commentary.read_text(encoding="utf-8")
    commentary.write_text(text.replace("JTAI inspection.", "JTAI inspection in May."),
                          encoding="utf-8")
    changed = run_without_prefect(published_once["landing"], published_once["warehouse"], Q1)
    assert_full_run(published_once["warehouse"], changed)


def test_another_key_or_period_means_a_full_run(published_once, monkeypatch):
    backfill = run_without_prefect(published_once["landing"], published_once["warehouse"], Q1,
                                   publish_from=D(2023, 3, 31))
    assert_full_run(published_once["warehouse"], backfill)
    assert backfill["period_ends"] == ["2023-03-31"]
    monkeypatch.setenv("SCORECARD_HMAC_KEY", "another-council-key-of-some-length")
    rekeyed = run_without_prefect(published_once["landing"], published_once["warehouse"], Q1,
                                  publish_from=D(2023, 3, 31))
    assert_full_run(published_once["warehouse"], rekeyed)


def test_a_failed_run_is_no_reference(tmp_path):
    landing, warehouse = small_landing(tmp_path), tmp_path / "scorecard.duckdb"
    # a run on these very files that got as far as its fingerprint, then failed
    run = pipeline.start_run(warehouse, Q1)
    extracts = pipeline.extract(landing, Q1)
    pipeline.load_extracts(warehouse, run["run_id"], extracts)
    pipeline.fingerprint_run(warehouse, run["run_id"], run["period_ends"], extracts, demo_key=True)
    pipeline.finish_run(warehouse, run["run_id"], "failed", "stopped after its fingerprint (test)")
    first = run_without_prefect(landing, warehouse, Q1)
    assert_full_run(warehouse, first)
    assert first["period_ends"] == ["2023-06-30"]


def test_a_failed_run_on_other_files_in_between_means_a_full_run(published_once):
    broken = small_landing(published_once["root"] / "broken")
    staff = next(broken.rglob("staff_in_post.csv"))
    staff.write_text("council_code\n916\n", encoding="cp1252")
    with pytest.raises(ContractError):
        run_without_prefect(broken, published_once["warehouse"], Q1)
    back = run_without_prefect(published_once["landing"], published_once["warehouse"], Q1)
    assert_full_run(published_once["warehouse"], back)


@pytest.mark.parametrize("lost", ["published file", "marts"])
def test_a_publication_or_build_that_no_longer_stands_means_a_full_run(published_once, lost):
    if lost == "published file":
        published_once["published"].unlink()
    else:
        import duckdb

        con = duckdb.connect(str(published_once["warehouse"]))
        con.execute("DROP TABLE marts.mart_scorecard")
        con.close()
    again = run_without_prefect(published_once["landing"], published_once["warehouse"], Q1)
    assert_full_run(published_once["warehouse"], again)
    if lost == "published file":
        assert again["period_ends"] == ["2023-06-30"]
        assert published_once["published"].is_file()


def test_force_rebuilds_the_same_inputs(published_once):
    forced = run_without_prefect(published_once["landing"], published_once["warehouse"], Q1,
                                 force=True)
    assert_full_run(published_once["warehouse"], forced)


# --- the fingerprint itself, on copies of the project's folders ----------------------------------

@pytest.fixture()
def inputs(tmp_path):
    folders = []
    for source in (config.SQL_DIR, config.REFERENCE_DIR, config.EXPECTATIONS_DIR):
        folders.append(tmp_path / source.name)
        shutil.copytree(source, folders[-1])
    landing = small_landing(tmp_path)
    return {"extracts": pipeline.extract(landing, Q1), "period_end": Q1, "publish_from": Q1,
            "calendar_years": (2000, 2024), "key": DEMO_KEY, "folders": folders}


def fingerprint(inputs: dict, **changed) -> str:
    return run_fingerprint(**{**inputs, **changed})


def test_the_same_inputs_give_the_same_fingerprint(inputs):
    assert fingerprint(inputs) == fingerprint(inputs)
    assert fingerprint(inputs) == fingerprint(inputs, extracts=list(reversed(inputs["extracts"])))


@pytest.mark.parametrize("folder", ["sql", "reference", "expectations"])
def test_any_changed_or_added_file_changes_the_fingerprint(inputs, folder):
    before = fingerprint(inputs)
    root = next(f for f in inputs["folders"] if f.name == folder)
    path = sorted(p for p in root.rglob("*") if p.is_file())[0]
    original = path.read_bytes()
    path.write_bytes(original + b" ")
    assert fingerprint(inputs) != before
    path.write_bytes(original)
    assert fingerprint(inputs) == before
    (root / "new_file.txt").write_text("x")
    assert fingerprint(inputs) != before


def test_run_parameters_and_the_key_change_the_fingerprint(inputs):
    before = fingerprint(inputs)
    assert fingerprint(inputs, period_end=D(2023, 9, 30)) != before
    assert fingerprint(inputs, publish_from=D(2023, 3, 31)) != before
    assert fingerprint(inputs, calendar_years=(2000, 2025)) != before
    assert fingerprint(inputs, key=b"another-council-key-of-some-length") != before


def test_an_absent_or_changed_extract_changes_the_fingerprint(inputs):
    before = fingerprint(inputs)
    first, *rest = inputs["extracts"]
    assert fingerprint(inputs, extracts=[{**first, "sha256": None}, *rest]) != before
    assert fingerprint(inputs, extracts=[{**first, "sha256": "0" * 64}, *rest]) != before
    assert fingerprint(inputs, extracts=rest) != before


# --- the command line, through the Prefect flow --------------------------------------------------

@pytest.mark.flow
def test_cli_says_a_rerun_was_unchanged_and_force_rebuilds(prefect_harness, tmp_path):
    from scorecard.ops.cli import app

    landing, warehouse = small_landing(tmp_path), tmp_path / "scorecard.duckdb"
    command = ["run", "--period-end", "2023-06-30", "--landing", str(landing),
               "--warehouse", str(warehouse), "--demo-key"]
    first = CliRunner().invoke(app, command)
    assert first.exit_code == 0, first.output
    (first_run,), = query(warehouse, "SELECT run_id FROM meta.runs")
    before = published_dump(published_path_for(warehouse))

    again = CliRunner().invoke(app, command)
    assert again.exit_code == 0, again.output
    assert again.output.splitlines()[0] == (
        f"unchanged: same inputs as run {first_run} (already published; nothing rebuilt, "
        "checked or republished); --force rebuilds")
    assert f"data-quality report of run {first_run}: " in again.output

    forced = CliRunner().invoke(app, [*command, "--force"])
    assert forced.exit_code == 0, forced.output
    assert "unchanged:" not in forced.output
    assert "already published, kept as published: 2023-06-30" in forced.output
    runs = query(warehouse, "SELECT status, (SELECT count(*) FROM meta.check_results AS c "
                            "WHERE c.run_id = r.run_id) > 0 FROM meta.runs AS r ORDER BY started_at")
    assert runs == [("published", True), ("unchanged", False), ("unchanged", True)]
    assert published_dump(published_path_for(warehouse)) == before
