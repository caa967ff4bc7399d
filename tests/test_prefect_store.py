"""A new Prefect home gets a copy of a database migrated once per Prefect version, instead of
migrating its own on the server's first start; and `scorecard run --demo-landing` writes the
demo's extracts while that server starts, refusing a folder that holds anything."""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
import types
from pathlib import Path

import pytest

from scorecard.ops import prefect_store
from scorecard.ops.prefect_store import make_template, seed_home


def _sqlite_heads() -> set[str]:
    """The newest revisions of Prefect's SQLite migrations, read from its own scripts."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    import prefect.server.database as database

    migrations = Path(database.__file__).parent / "_migrations"
    config = Config()
    config.set_main_option("script_location", str(migrations))
    config.set_main_option("version_locations", str(migrations / "versions" / "sqlite"))
    return set(ScriptDirectory.from_config(config).get_heads())


def _rows(database: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(database)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def template() -> Path:
    return make_template()  # `make`'s bootstrap made it; otherwise made here once (about 10 s)


def test_a_new_home_gets_a_database_with_every_migration_applied(tmp_path, template):
    home = tmp_path / "prefect-home"
    assert seed_home({"PREFECT_HOME": str(home)}) is True
    database = home / "prefect.db"
    assert _rows(database, "PRAGMA integrity_check") == [("ok",)]
    assert {revision for (revision,) in _rows(database, "SELECT version_num FROM alembic_version")} \
        == _sqlite_heads()
    tables = {name for (name,) in _rows(database, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"flow", "flow_run", "task_run", "log", "deployment"} <= tables
    # an empty store: no run of anyone's came with the copy
    assert _rows(database, "SELECT count(*) FROM flow_run") == [(0,)]
    assert list(home.glob(".*partial")) == []


def test_a_home_with_a_database_keeps_it(tmp_path, template):
    home = tmp_path / "prefect-home"
    home.mkdir()
    (home / "prefect.db").write_bytes(b"the runs of last year")
    assert seed_home({"PREFECT_HOME": str(home)}) is False
    assert (home / "prefect.db").read_bytes() == b"the runs of last year"


@pytest.mark.parametrize("setting", ["environment", "profile"])
def test_a_home_whose_prefect_uses_another_database_gets_no_file(tmp_path, template, setting):
    home = tmp_path / "prefect-home"
    env = {"PREFECT_HOME": str(home)}
    url = "postgresql+asyncpg://prefect@db.internal/prefect"
    if setting == "environment":
        env["PREFECT_API_DATABASE_CONNECTION_URL"] = url
    else:
        home.mkdir()
        (home / "profiles.toml").write_text(
            f'[profiles.default]\nPREFECT_SERVER_DATABASE_CONNECTION_URL = "{url}"\n',
            encoding="utf-8")
    assert seed_home(env) is False
    assert not (home / "prefect.db").exists()


def test_without_a_template_prefect_migrates_the_home_itself(tmp_path, monkeypatch):
    monkeypatch.setattr(prefect_store, "template_path", lambda: tmp_path / "no-template.db")
    assert seed_home({"PREFECT_HOME": str(tmp_path / "prefect-home")}) is False
    assert not (tmp_path / "prefect-home" / "prefect.db").exists()


def test_the_template_is_named_for_the_installed_prefect(template):
    from importlib.metadata import version

    assert template.name == f"prefect-{version('prefect')}.db"
    assert template.is_relative_to(sys.prefix)


Q1 = dt.date(2023, 6, 30)


def _run_demo(landing: Path, warehouse: Path, monkeypatch) -> tuple:
    """`scorecard run --demo-landing` with the flow replaced by one that records what it saw,
    against a configured Prefect API (so no server is started)."""
    from typer.testing import CliRunner

    from scorecard.ops.cli import app

    seen = {}

    def quarterly_scorecard(**parameters):
        seen.update(parameters, files=sorted(p.relative_to(landing).as_posix()
                                             for p in landing.rglob("*") if p.is_file()))
        raise OSError("stop here: what the flow was given is all this test needs")

    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    monkeypatch.setitem(sys.modules, "flows.quarterly_scorecard",
                        types.SimpleNamespace(quarterly_scorecard=quarterly_scorecard))
    result = CliRunner().invoke(app, ["run", "--demo-landing", "--period-end", Q1.isoformat(),
                                      "--landing", str(landing), "--warehouse", str(warehouse),
                                      "--demo-key"])
    return result, seen


def test_demo_landing_writes_the_extracts_before_the_flow_reads_them(tmp_path, monkeypatch):
    landing = tmp_path / "landing"
    result, seen = _run_demo(landing, tmp_path / "wh" / "scorecard.duckdb", monkeypatch)
    assert result.exit_code == 1 and "stop here" in result.output
    assert seen["landing"] == str(landing)
    assert f"wrote the demo council's {len(seen['files'])} extract files to {landing}" \
        in result.output
    # every source's folder, as `scorecard demo` writes them
    assert {name.split("/")[0] for name in seen["files"]} == {
        "hr_sap", "audit", "social_care", "education", "risks"}


def test_demo_landing_refuses_a_folder_that_holds_anything(tmp_path, monkeypatch):
    landing = tmp_path / "landing"
    (landing / "hr_sap").mkdir(parents=True)
    (landing / "hr_sap" / "a council's own file.csv").write_text("kept\n", encoding="utf-8")
    warehouse = tmp_path / "wh" / "scorecard.duckdb"
    result, seen = _run_demo(landing, warehouse, monkeypatch)
    assert result.exit_code == 1 and seen == {}
    assert result.output.strip() == (
        f"error: {landing}: the demo's extracts are written to a new or empty folder, and this "
        "one is not empty")
    assert [p.name for p in landing.rglob("*")] == ["hr_sap", "a council's own file.csv"]
    assert not warehouse.parent.exists()
