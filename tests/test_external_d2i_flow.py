"""The public D2I 903 and CIN returns through the real Prefect flow, end to end.

They are synthetic returns with real defects and random codes, for a council that sends only
its statutory returns: the flow must publish what they support and say "no information" for the
rest, never zeros.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil

import duckdb
import pytest

from conftest import SHARED

pytestmark = [pytest.mark.external, pytest.mark.flow]

D903 = SHARED / "external" / "d2i-903"
PERIOD_END = dt.date(2018, 3, 31)   # the 903 episodes run from 2015 to 31 March 2018
FROM_903 = {"CC01", "CC02", "CC03", "CC04", "CC06"}
NOT_SENT = {"QA01", "QA02", "CA02", "CA03", "HP04", "CC05", "CL01", "CL02",
            "GM01", "GM02", "GM03", "GM04", "GM05", "GM06", "GM07"}


@pytest.fixture(scope="module")
def published(prefect_harness, tmp_path_factory):
    from flows.quarterly_scorecard import quarterly_scorecard

    root = tmp_path_factory.mktemp("d2i_flow")
    folder = root / "landing" / "social_care" / "2023-07-07"
    folder.mkdir(parents=True)
    for name in ("header", "episodes", "reviews", "oc3", "sw_episodes", "missing"):
        shutil.copyfile(D903 / f"{name}.csv", folder / f"{name}.csv")
    shutil.copyfile(SHARED / "external" / "d2i-cin" / "fake_CIN_data.xml", folder / "cin_census.xml")
    (folder / "extract.json").write_text(json.dumps({"council_code": "975"}))
    warehouse = root / "scorecard.duckdb"
    result = quarterly_scorecard(period_end=PERIOD_END, landing=str(root / "landing"),
                                 warehouse=str(warehouse), demo_key=True)
    con = duckdb.connect(str(root / "scorecard_published.duckdb"), read_only=True)
    rows = {k: (a, n, d, s) for k, a, n, d, s in con.execute(
        "SELECT kpi_code, actual, numerator, denominator, status FROM published.scorecard "
        "WHERE council_code = '975' AND period_end = ?", [PERIOD_END]).fetchall()}
    con.close()
    return {"result": result, "rows": rows}


def test_the_returns_are_published_with_their_defects_as_warnings(published):
    result = published["result"]
    assert result["councils"] == ["975"] and result["kpi_rows"] == 24
    assert result["rows_quarantined"] > 0            # the duplicate reviews and bad OC3 codes
    assert any("raw.social_care__oc3" in w for w in result["warnings"])


def test_what_the_903_supports_is_computed(published):
    for code in FROM_903:
        actual, numerator, denominator, status = published["rows"][code]
        assert denominator > 0 and actual is not None, code
        assert 0 <= numerator <= denominator, code
        assert status == "missing_target", code      # a council with no targets loaded


def test_sources_not_sent_say_no_information(published):
    for code in NOT_SENT:
        assert published["rows"][code] == (None, None, None, "no_information"), code
