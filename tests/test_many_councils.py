"""A landing zone that serves several councils: social care in one folder per council
(`social_care/<date>/<council_code>/`), the other sources as regional files holding every council.

The scaled demo (`scorecard_demo.scale`) makes every council a copy of the demo council, so the
known answer for each council is the seed's: each must publish exactly the demo council's
figures, and the demo council's Jun-23 actuals must be the seed's.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import run_without_prefect
from scorecard_demo.scale import council_codes, write_scaled_landing
from scorecard.errors import ContractError, LandingError
from scorecard.ingest.landing import find_extracts

pytestmark = pytest.mark.slow  # several councils built end to end: CI runs it (make test-slow)

PERIOD_END = dt.date(2023, 6, 30)
COUNCILS = council_codes(3)  # 916, 800, 801
# targets, and so statuses, are set per council in reference/ (the demo council's only)
FIGURES = "kpi_code, period_end, actual, numerator, denominator, rolling_12m, rolling_12m_prev_year"


@pytest.fixture(scope="module")
def scaled(tmp_path_factory):
    root = tmp_path_factory.mktemp("scaled")
    landing = root / "landing"
    write_scaled_landing(landing, len(COUNCILS))
    warehouse = root / "wh" / "scorecard.duckdb"
    warehouse.parent.mkdir()
    result = run_without_prefect(landing, warehouse, PERIOD_END)
    return {"root": root, "landing": landing, "warehouse": warehouse, "result": result,
            "published": warehouse.parent / "scorecard_published.duckdb"}


def published(path, sql, params=()):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def test_social_care_is_one_folder_per_council(scaled):
    folder = scaled["landing"] / "social_care" / "2023-07-07"
    assert sorted(p.name for p in folder.iterdir()) == sorted(COUNCILS)
    for code in COUNCILS:
        assert json.loads((folder / code / "extract.json").read_text()) == {"council_code": code}
        assert f"<LEA>{code}</LEA>" in (folder / code / "cin_census.xml").read_text()
    episodes = [e for e in find_extracts(scaled["landing"], PERIOD_END)
                if e.contract.table == "episodes"]
    assert [(e.council_code, e.path.parent.name) for e in episodes] == [(c, c) for c in sorted(COUNCILS)]


def test_every_council_publishes_the_demo_councils_figures(scaled, seed_rows):
    assert scaled["result"]["councils"] == sorted(COUNCILS)
    by_council = {
        code: published(scaled["published"],
                        f"SELECT {FIGURES} FROM published.scorecard WHERE council_code = ? ORDER BY 1, 2",
                        [code])
        for code in COUNCILS
    }
    assert len(by_council["916"]) == 24
    assert by_council["800"] == by_council["916"] == by_council["801"]
    actuals = {row[0]: row[2] for row in by_council["916"]}
    for seed in seed_rows:
        expected = float(seed["actual_jun_23"]) if seed["actual_jun_23"] else None
        assert actuals[seed["kpi_code"]] == pytest.approx(expected, abs=0.05), seed["kpi_code"]


def test_each_councils_file_is_its_own_load_and_reconciles(scaled):
    loads = published(scaled["warehouse"],
                      "SELECT source_file, rows_in, rows_loaded, rows_quarantined FROM meta.loads "
                      "WHERE run_id = ? AND source_table = 'cin_referrals' ORDER BY 1",
                      [scaled["result"]["run_id"]])
    assert [row[0].split("/")[-2] for row in loads] == sorted(COUNCILS)
    assert len({row[1:] for row in loads}) == 1  # the same file for each council
    unbalanced = published(scaled["warehouse"],
                           "SELECT raw_table, source_file FROM marts.mart_load_reconciliation "
                           "WHERE NOT (balanced AND raw_matches_load AND quarantine_matches_load)")
    assert unbalanced == []


def test_changing_one_councils_file_reloads_that_file_only(scaled, tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "wh" / "scorecard.duckdb"
    shutil.copytree(scaled["landing"], landing)  # files are known by path: a run of their own
    warehouse.parent.mkdir()
    run_without_prefect(landing, warehouse, PERIOD_END)
    raw_before = published(warehouse, "SELECT count(*) FROM raw.social_care__contacts")[0][0]
    contacts = landing / "social_care" / "2023-07-07" / "800" / "contacts.csv"
    lines = contacts.read_text(encoding="utf-8").splitlines(keepends=True)
    contacts.write_text("".join(lines[:-1]), encoding="utf-8")  # the last contact withdrawn

    rerun = run_without_prefect(landing, warehouse, PERIOD_END)

    # an optional file no council sends (the Annex A workbook) is loaded empty every run: not read
    reloaded = [(r["source_file"].split("/")[-2:], r["rows_loaded"]) for r in rerun["loads"]
                if r["reloaded"] and Path(r["source_file"]).exists()]
    assert [where for where, _ in reloaded] == [["800", "contacts.csv"]]
    assert published(warehouse, "SELECT count(*) FROM raw.social_care__contacts")[0][0] == raw_before - 1
    per_council = dict(published(warehouse, "SELECT council_code, count(*) FROM "
                                 "raw.social_care__contacts GROUP BY ALL"))
    assert per_council["800"] == per_council["916"] - 1 == per_council["801"] - 1


def test_a_council_folder_whose_extract_json_names_another_council_is_refused(scaled, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(scaled["landing"], landing)
    manifest = landing / "social_care" / "2023-07-07" / "801" / "extract.json"
    manifest.write_text('{"council_code": "800"}', encoding="utf-8")
    with pytest.raises(ContractError, match=r"801/extract\.json.*800, but the folder is council 801"):
        find_extracts(landing, PERIOD_END)


def test_files_beside_council_folders_are_refused(scaled, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(scaled["landing"], landing)
    folder = landing / "social_care" / "2023-07-07"
    shutil.copyfile(folder / "916" / "episodes.csv", folder / "episodes.csv")
    with pytest.raises(LandingError, match=r"2023-07-07: holds council folders .* and files \(episodes\.csv\)"):
        find_extracts(landing, PERIOD_END)
