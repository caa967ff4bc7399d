"""No identifier value reaches a message, log, artifact or report, even the value rejected.

A 903 header with a malformed UPN (a warning-level check, so its examples reach the run's
warnings, meta.check_results, published.data_quality and the HTML report) and a child sent twice
(a duplicate key: the child id is the quarantined value, listed in the defect report). Every
output of the run is searched for the UPN and the child id; the masked forms appear instead.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from conftest import run_without_prefect
from helpers.csc_landing import child, episode, write_903
from scorecard.gate.defects import write_defect_report
from scorecard.publish.publication import published_path_for
from test_publication import small_landing

D = dt.date
Q1 = D(2023, 6, 30)
UPN = "Q98765432100"          # 12 characters: DfE's UPN has 13
CHILD = "SECRETCHILD7781"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("leaks")
    landing = small_landing(root)
    header = [dict(child("C1", D(2012, 3, 1)), upn=UPN), child(CHILD, D(2013, 3, 1)),
              child(CHILD, D(2013, 3, 1))]
    write_903(landing, header, [episode("C1", D(2023, 4, 3))])
    warehouse = root / "wh" / "scorecard.duckdb"
    warehouse.parent.mkdir()
    result = run_without_prefect(landing, warehouse, Q1)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        messages = [r[0] for r in con.execute("SELECT message FROM meta.check_results").fetchall()]
        runs = [r[0] or "" for r in con.execute("SELECT message FROM meta.runs").fetchall()]
        defects = write_defect_report(con, root / "defects.csv").read_text(encoding="utf-8")
    finally:
        con.close()
    published = duckdb.connect(str(published_path_for(warehouse)), read_only=True)
    try:
        quality = published.execute("SELECT string_agg(message, '\n') FROM published.data_quality"
                                    ).fetchone()[0]
    finally:
        published.close()
    reports = "".join(p.read_text(encoding="utf-8") for p in (root / "wh" / "reports").glob("*"))
    return {"result": result, "messages": messages, "runs": runs, "defects": defects,
            "quality": quality, "reports": reports}


def test_the_malformed_upn_is_reported_masked(run):
    [warning] = [w for w in run["result"]["warnings"] if "(upn)" in w]
    assert "['X99999999999']" in warning


def test_the_duplicated_child_is_reported_masked(run):
    assert "XXXXXXXXXXX9999" in run["defects"]
    assert "duplicate key" in run["defects"]


@pytest.mark.parametrize("output", ["warnings", "messages", "runs", "defects", "quality",
                                    "reports"])
def test_no_output_holds_an_identifier(run, output):
    text = repr(run["result"]["warnings"]) if output == "warnings" else str(run[output])
    assert UPN not in text and CHILD not in text


@pytest.mark.slow
def test_neither_the_command_line_nor_prefects_store_holds_an_identifier(tmp_path):
    """The same extract through `scorecard run`: its console output, every log line and
    artifact in Prefect's store (beside the warehouse) and every file the run wrote."""
    import os
    import sqlite3
    import subprocess
    import sys

    landing = small_landing(tmp_path)
    header = [dict(child("C1", D(2012, 3, 1)), upn=UPN), child(CHILD, D(2013, 3, 1)),
              child(CHILD, D(2013, 3, 1))]
    write_903(landing, header, [episode("C1", D(2023, 4, 3))])
    warehouse = tmp_path / "wh" / "scorecard.duckdb"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PREFECT_API") and k != "PREFECT_HOME"}
    run = subprocess.run([sys.executable, "-m", "scorecard.ops.cli", "run", "--period-end",
                          Q1.isoformat(), "--landing", str(landing), "--warehouse",
                          str(warehouse), "--demo-key"], env=env, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    assert "X99999999999" in run.stdout                  # the warning is there, masked
    store = sqlite3.connect(warehouse.parent / ".prefect" / "prefect.db")
    try:
        logged = "\n".join(m for (m,) in store.execute("SELECT message FROM log"))
        artifacts = "\n".join(str(d) for (d,) in store.execute("SELECT data FROM artifact"))
    finally:
        store.close()
    assert "X99999999999" in logged
    for text in (run.stdout, run.stderr, logged, artifacts):
        assert UPN not in text and CHILD not in text
    written = [p for p in (tmp_path / "wh").rglob("*") if p.is_file() and p.suffix in
               (".html", ".csv", ".json", ".md", ".txt", ".log")]
    for path in written:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert UPN not in text and CHILD not in text, path
