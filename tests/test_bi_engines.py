"""BI tools open the published file (issue 12, item 1): the DuckDB 1.x engines they embed read
every published table and view, and every publication writes the Parquet copies.

The older engines are the real ones, installed from the package registries into a cache folder
outside the repository that the tests create (`~/.cache/scorecard-test-engines/`, or
$SCORECARD_TEST_ENGINES): DuckDB 1.1.3 from PyPI in its own virtual environment, and
`@duckdb/node-api` (the newest 1.x on npm, the client Evidence uses) with node. Installing takes
a minute the first time; later runs reuse the cache.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import stat
import subprocess
import venv
from pathlib import Path

import duckdb
import pytest

from conftest import run_without_prefect
from scorecard_demo import landing_cache
from scorecard.publish.publication import (PUBLISHED_STORAGE_NUMBER, parquet_dir, published_path_for,
                               storage_number)
from test_publication import Q1, small_landing

OLD_DUCKDB = "1.1.3"
NODE_API = "1.5.6-r.1"  # the newest 1.x @duckdb/node-api on npm (`npm view @duckdb/node-api versions`)
COUNCIL = "916"


def engines_cache() -> Path:
    folder = Path(os.environ.get("SCORECARD_TEST_ENGINES")
                  or Path.home() / ".cache" / "scorecard-test-engines")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def old_duckdb_python() -> Path:
    """A virtual environment with duckdb==OLD_DUCKDB from PyPI; its python."""
    env = engines_cache() / f"python-duckdb-{OLD_DUCKDB}"
    python = env / "bin" / "python"
    ready = env / ".installed"
    if not ready.exists():
        shutil.rmtree(env, ignore_errors=True)
        venv.EnvBuilder(with_pip=True).create(env)
        done = subprocess.run([str(python), "-m", "pip", "install", "--quiet",
                               "--disable-pip-version-check", "--only-binary", ":all:",
                               f"duckdb=={OLD_DUCKDB}"], capture_output=True, text=True,
                              timeout=900)
        assert done.returncode == 0, done.stderr
        ready.touch()
    return python


def node_api_folder() -> Path:
    """A folder with @duckdb/node-api NODE_API installed from npm."""
    if not shutil.which("node") or not shutil.which("npm"):
        pytest.fail("node and npm are needed to test @duckdb/node-api (install nodejs and npm)")
    folder = engines_cache() / f"node-api-{NODE_API}"
    ready = folder / ".installed"
    if not ready.exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        (folder / "package.json").write_text(json.dumps({"name": "scorecard-engine-test",
                                                         "private": True}))
        done = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent",
                               f"@duckdb/node-api@{NODE_API}"], cwd=folder,
                              capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stderr
        ready.touch()
    return folder


@pytest.fixture(scope="module")
def demo_published(tmp_path_factory) -> Path:
    """The demo council published in two runs (Mar-23, then Jun-23 with a backfill), so the
    file is a republication: the previous publication's tables copied into a new file."""
    root = tmp_path_factory.mktemp("engines")
    landing_cache.demo_landing(root / "landing", COUNCIL)
    warehouse = root / "warehouse" / "scorecard.duckdb"
    run_without_prefect(root / "landing", warehouse, dt.date(2023, 3, 31))
    run_without_prefect(root / "landing", warehouse, dt.date(2023, 6, 30), dt.date(2022, 12, 31))
    return published_path_for(warehouse)


def expected_counts(published: Path) -> dict[str, int]:
    """Rows of every published table and view, counted by this project's own DuckDB."""
    con = duckdb.connect(str(published), read_only=True)
    try:
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'published' "
            "ORDER BY 1").fetchall()]
        return {n: con.execute(f"SELECT count(*) FROM published.{n}").fetchone()[0] for n in names}
    finally:
        con.close()


OLD_PYTHON_READER = r"""
import json, sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
out = {"version": duckdb.__version__, "relations": {}}
for name, kind in con.execute(
        "SELECT table_name, table_type FROM information_schema.tables "
        "WHERE table_schema = 'published' ORDER BY 1").fetchall():
    # every value, converted to text by the old engine itself (a TIMESTAMPTZ fetched into
    # Python would need pytz, which this bare environment does not have)
    rows = con.execute(f"SELECT CAST(COLUMNS(*) AS VARCHAR) FROM published.{name}").fetchall()
    out["relations"][name] = {"kind": kind, "rows": len(rows)}
out["comment"] = con.execute("SELECT comment FROM duckdb_columns() WHERE schema_name = "
    "'published' AND table_name = 'scorecard' AND column_name = 'council_code'").fetchone()[0]
out["report"] = [list(map(str, r)) for r in con.execute(
    "SELECT kpi_code, q_minus_1, actual FROM published.scorecard_report "
    "WHERE report_period_end = DATE '2023-06-30' ORDER BY display_order").fetchall()]
print(json.dumps(out))
"""

NODE_READER = r"""
const { DuckDBInstance } = require('@duckdb/node-api');
(async () => {
  const instance = await DuckDBInstance.create(process.argv[2], { access_mode: 'READ_ONLY' });
  const con = await instance.connect();
  const version = (await con.runAndReadAll('SELECT version() AS v')).getRowObjects()[0].v;
  const names = (await con.runAndReadAll(
    "SELECT table_name, table_type FROM information_schema.tables " +
    "WHERE table_schema = 'published' ORDER BY 1")).getRows();
  const relations = {};
  for (const [name, kind] of names) {
    const reader = await con.runAndReadAll(`SELECT * FROM published.${name}`);
    // read every value, as a BI tool does, not just the count
    const values = reader.getRowsJson();
    relations[name] = { kind, rows: values.length };
  }
  const report = (await con.runAndReadAll(
    "SELECT kpi_code, CAST(q_minus_1 AS VARCHAR), CAST(actual AS VARCHAR) " +
    "FROM published.scorecard_report WHERE report_period_end = DATE '2023-06-30' " +
    "ORDER BY display_order")).getRows();
  console.log(JSON.stringify({ version, relations, report }));
})().catch((e) => { console.error(String(e)); process.exit(1); });
"""


def report_as_text(published: Path) -> list[list[str]]:
    con = duckdb.connect(str(published), read_only=True)
    try:
        return [[str(v) for v in r] for r in con.execute(
            "SELECT kpi_code, q_minus_1, actual FROM published.scorecard_report "
            "WHERE report_period_end = DATE '2023-06-30' ORDER BY display_order").fetchall()]
    finally:
        con.close()


@pytest.mark.engines
@pytest.mark.slow
def test_duckdb_1_1_reads_every_published_table_and_view(demo_published, tmp_path):
    assert storage_number(demo_published) == PUBLISHED_STORAGE_NUMBER
    python = old_duckdb_python()
    script = tmp_path / "read.py"
    script.write_text(OLD_PYTHON_READER)
    done = subprocess.run([str(python), str(script), str(demo_published)], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["version"] == OLD_DUCKDB
    counts = expected_counts(demo_published)
    assert {n: r["rows"] for n, r in seen["relations"].items()} == counts
    assert seen["relations"]["scorecard_report"]["kind"] == "VIEW"
    assert counts["scorecard_report"] == 24 * 3 and counts["kpi_catalogue"] == 24
    assert seen["comment"] == "DfE three-digit LA code"
    assert seen["report"] == report_as_text(demo_published)  # the view computes the same


@pytest.mark.engines
@pytest.mark.slow
def test_node_api_reads_every_published_table_and_view(demo_published, tmp_path):
    folder = node_api_folder()
    script = folder / "read_published.js"  # beside node_modules, so require() finds it
    script.write_text(NODE_READER)
    done = subprocess.run(["node", str(script), str(demo_published)], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["version"].startswith("v1."), seen["version"]
    assert {n: r["rows"] for n, r in seen["relations"].items()} == expected_counts(demo_published)
    assert seen["relations"]["scorecard_report"]["kind"] == "VIEW"
    node_report = [[str(v) for v in r] for r in seen["report"]]
    ours = [[k, "None" if q is None else q, "None" if a is None else a]
            for k, q, a in report_as_text(demo_published)]
    assert [[k, "None" if q is None else q, "None" if a is None else a]
            for k, q, a in node_report] == ours


# --- the file's format and the Parquet copies, with this project's own DuckDB (fast) -------------

def test_every_publication_writes_storage_v1_1_and_parquet_in_report_order(tmp_path):
    old = os.umask(0o022)  # a umask under which a plain write is world-readable
    try:
        warehouse = tmp_path / "scorecard.duckdb"
        run_without_prefect(small_landing(tmp_path), warehouse, Q1)
    finally:
        os.umask(old)
    published = published_path_for(warehouse)
    assert storage_number(published) == 64  # DuckDB 2.0's own default would be 999
    folder = parquet_dir(published)
    assert folder == tmp_path / "parquet"
    counts = expected_counts(published)
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{n}.parquet" for n in counts)
    con = duckdb.connect()
    try:
        for name, count in counts.items():
            path = folder / f"{name}.parquet"
            assert stat.S_IMODE(path.stat().st_mode) == 0o640, name
            assert con.execute("SELECT count(*) FROM read_parquet(?)",
                               [str(path)]).fetchone()[0] == count, name
        # the scorecard in the report's order: QA01 (display_order 1) first, GM07 (24) last
        codes = [r[0] for r in con.execute("SELECT kpi_code FROM read_parquet(?)",
                                           [str(folder / "scorecard.parquet")]).fetchall()]
        assert codes[:3] == ["QA01", "QA02", "CA01"] and codes[-1] == "GM07" and len(codes) == 24
        # kpi_detail has no display_order: its rows follow the catalogue's order (GM01 = 18th
        # KPI before GM04 = 21st before GM07 = 24th; the small landing has one record each)
        detail = [r[0] for r in con.execute("SELECT kpi_code FROM read_parquet(?)",
                                            [str(folder / "kpi_detail.parquet")]).fetchall()]
        assert detail == sorted(detail, key=["GM01", "GM02", "GM03", "GM04", "GM05", "GM06",
                                             "GM07"].index)
    finally:
        con.close()
    assert not list(folder.glob(".*"))  # no temporary file left


def test_a_file_in_duckdb_2_format_is_rewritten_at_the_next_publication(tmp_path):
    warehouse = tmp_path / "scorecard.duckdb"
    landing = small_landing(tmp_path)
    run_without_prefect(landing, warehouse, Q1)
    published = published_path_for(warehouse)
    before = expected_counts(published)
    # as an earlier version of the project wrote it: DuckDB 2.0's default format, tables only
    legacy = tmp_path / "legacy.duckdb"
    con = duckdb.connect(str(legacy))
    try:
        con.execute(f"ATTACH '{published}' AS old (READ_ONLY)")
        con.execute("CREATE SCHEMA published")
        for (name,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE "
                                   "database_name = 'old' AND schema_name = 'published'").fetchall():
            con.execute(f"CREATE TABLE published.{name} AS SELECT * FROM old.published.{name}")
    finally:
        con.close()
    os.replace(legacy, published)
    assert storage_number(published) == 999
    # nothing new to publish (same extracts, --force), but the format alone is reason to write
    result = run_without_prefect(landing, warehouse, Q1, force=True)
    assert result["publication_id"] is not None and result["period_ends"] == []
    assert storage_number(published) == 64
    assert expected_counts(published) == before
    assert stat.S_IMODE(published.stat().st_mode) == 0o640
