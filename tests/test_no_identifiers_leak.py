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
from csc_landing import child, episode, write_903
from scorecard.defects import write_defect_report
from scorecard.publish import published_path_for
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
