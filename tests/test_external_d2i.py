"""The real loading step on Data to Insight's public synthetic returns, defects and all.

The SSDA903 CSVs (d2i-903) and CIN census XML files (d2i-cin) are copied at test time into a
landing zone under pytest's tmp_path, never into the repository, and loaded through the plain
pipeline steps (start_run, extract, load_extracts) into a temporary warehouse. Every count is
checked against an independent count of the files, and the defects the contracts quarantine are
checked by file, row and column against what reading the files shows.
"""

from __future__ import annotations

import collections
import csv
import datetime as dt
import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from conftest import SHARED
from scorecard import config, pipeline
from scorecard.gate import quality
from scorecard.gate.defects import defect_report, summarise_loads, write_defect_report
from scorecard.errors import ContractError

pytestmark = pytest.mark.external

D903 = SHARED / "external" / "d2i-903"
DCIN = SHARED / "external" / "d2i-cin"
PERIOD_END = dt.date(2023, 6, 30)
EXTRACT_DATE = "2023-07-07"
FILES_903 = ("header", "episodes", "reviews", "oc3", "sw_episodes", "missing")
CIN_ELEMENTS = {"cin_children": "Child", "cin_referrals": "CINdetails",
                "cin_assessments": "Assessments", "cin_section47": "Section47",
                "cin_cp_plans": "ChildProtectionPlans"}
# DfE's SSDA903 OC3 codes, written out here rather than taken from the contract: ACTIV as the
# Data-to-Insight validator's rule 132 lists them, ACCOM as its rule 133 does (S and X only as 2),
# `0` (not applicable) in both (required when IN_TOUCH is DIED or RHOM, rule 344).
DFE_ACTIV = ["F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6", "0"]
DFE_ACCOM = ["B1", "B2", "C1", "C2", "D1", "D2", "E1", "E2", "G1", "G2", "H1", "H2", "K1", "K2",
             "R1", "R2", "S2", "T1", "T2", "U1", "U2", "V1", "V2", "W1", "W2", "X2", "Y1", "Y2",
             "Z1", "Z2", "0"]


def oc3_defects(path: Path) -> dict[tuple[int, str], str]:
    """{(line, column): value} of every OC3 cell outside DfE's lists, by reading the file."""
    found = {}
    for line, row in enumerate(csv_rows(path), start=2):
        if row["ACTIV"] not in DFE_ACTIV:
            found[(line, "activ")] = row["ACTIV"]
        if row["ACCOM"] not in DFE_ACCOM:
            found[(line, "accom")] = row["ACCOM"]
    return found


def csv_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def make_landing(root: Path, council: str, files_903=FILES_903, census: str | None = None) -> Path:
    """A landing zone in tmp with copies of the public files; hr_sap, audit, education absent."""
    landing = root / "landing"
    folder = landing / "social_care" / EXTRACT_DATE
    folder.mkdir(parents=True)
    for name in files_903:
        shutil.copyfile(D903 / f"{name}.csv", folder / f"{name}.csv")
    if census:
        shutil.copyfile(DCIN / census, folder / "cin_census.xml")
    (folder / "extract.json").write_text(json.dumps({"council_code": council}), encoding="utf-8")
    return landing


def load(root: Path, landing: Path) -> dict:
    warehouse = root / "warehouse.duckdb"
    run = pipeline.start_run(warehouse, PERIOD_END)
    extracts = pipeline.extract(landing, PERIOD_END)
    results = pipeline.load_extracts(warehouse, run["run_id"], extracts)
    return {"root": root, "landing": landing, "warehouse": warehouse, "results": results,
            "folder": landing / "social_care" / EXTRACT_DATE}


@pytest.fixture(scope="module")
def loaded_903(tmp_path_factory):
    root = tmp_path_factory.mktemp("d2i_903")
    return load(root, make_landing(root, "999"))


CENSUSES = {"fake_CIN_data.xml": "975", "CIN_Census_2024.xml": "201",
            "CIN_Census_2026.xml": "201", "CIN_Census_2021.xml": "201"}


@pytest.fixture(scope="module", params=list(CENSUSES))
def loaded_cin(request, tmp_path_factory):
    name = request.param
    root = tmp_path_factory.mktemp("d2i_cin")
    landing = make_landing(root, CENSUSES[name], files_903=("header", "episodes"), census=name)
    return {**load(root, landing), "name": name}


def read_only(warehouse: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(warehouse), read_only=True)


def check_accounting(loaded: dict) -> pl.DataFrame:
    """rows in = loaded + quarantined for every table, and the raw table holds the loaded rows."""
    con = read_only(loaded["warehouse"])
    try:
        summary = summarise_loads(con)
        assert summary.height == len(loaded["results"])
        for row in summary.iter_rows(named=True):
            assert row["rows_in"] == row["rows_loaded"] + row["rows_quarantined"], row
            raw_rows = con.execute(f"SELECT count(*) FROM {row['raw_table']}").fetchone()[0]
            assert raw_rows == row["rows_loaded"], row
            if row["file_status"] == "absent":
                assert row["rows_in"] == 0
        return summary
    finally:
        con.close()


def test_903_loads_and_every_row_is_accounted_for(loaded_903):
    summary = check_accounting(loaded_903).filter(pl.col("source") == "social_care")
    by_table = {r["source_table"]: r for r in summary.iter_rows(named=True)}
    for name in FILES_903:
        row = by_table[name]
        path = loaded_903["folder"] / f"{name}.csv"
        assert row["file"] == str(path) and row["file_status"] == "present"
        assert row["rows_in"] == len(csv_rows(path)) > 0
    assert by_table["episodes"]["rows_in"] == 5050  # as the README of the copy says
    assert by_table["header"]["rows_in"] == 2675
    assert all(by_table[t]["file_status"] == "absent" and by_table[t]["rows_in"] == 0
               for t in ("cin_children", "cin_referrals", "contacts", "care_leavers"))
    con = read_only(loaded_903["warehouse"])
    try:
        other = con.execute("SELECT source, count(*), sum(rows_in) FROM meta.loads "
                            "WHERE source <> 'social_care' GROUP BY 1 ORDER BY 1").fetchall()
        codes = con.execute("SELECT DISTINCT council_code FROM raw.social_care__episodes").fetchall()
    finally:
        con.close()
    assert [(s, n) for s, n, _ in other] == [("audit", 1), ("education", 1), ("hr_sap", 4), ("risks", 1)]
    assert all(total == 0 for _, _, total in other)  # absent sources load as empty tables
    assert codes == [("999",)]  # from extract.json: the DfE layout carries no council code


def test_903_defects_are_quarantined_by_file_row_and_column(loaded_903, tmp_path):
    folder = loaded_903["folder"]
    con = read_only(loaded_903["warehouse"])
    try:
        report = defect_report(con)
        summary = summarise_loads(con)
        out = write_defect_report(con, tmp_path / "defects.csv")
    finally:
        con.close()
    assert report.height > 0
    assert report.null_count().select("source_file", "row_number", "column_name", "reason").row(0) \
        == (0, 0, 0, 0)
    assert (report["row_number"] >= 2).all()
    assert report["source_file"].str.starts_with(str(folder)).all()
    assert report.sort("source_file", "row_number").equals(report)
    # the report covers exactly the quarantined rows of each table
    quarantined = report.group_by("source_table").agg(pl.col("row_number").n_unique().alias("n"))
    expected = summary.filter(pl.col("rows_quarantined") > 0).select("source_table", "rows_quarantined")
    assert dict(quarantined.iter_rows()) == dict(expected.iter_rows())

    # OC3: ACTIV codes outside DfE's list (F3 and P3 do not exist; 0 does) and ACCOM codes outside
    # it (01 and 02 are not 0; S1 does not exist), found by reading the file
    oc3 = csv_rows(folder / "oc3.csv")
    defects = oc3_defects(folder / "oc3.csv")
    assert collections.Counter(column for _, column in defects) == {"activ": 12, "accom": 3}
    assert sorted(set(defects.values())) == ["01", "02", "F3", "P3", "S1"]
    assert len({line for line, _ in defects}) == 14   # line 54 has both F3 and S1
    assert defects[(3, "activ")] == "P3" and oc3[1]["CHILD"] == "864948"
    assert defects[(8, "activ")] == "F3" and defects[(2, "accom")] == "01"
    assert oc3[23]["ACTIV"] == "0" and (25, "activ") not in defects   # RHOM with 0: DfE-valid
    oc3_report = report.filter(pl.col("source_table") == "oc3")
    assert {(n, c): v for n, c, v in oc3_report.select("row_number", "column_name", "value").iter_rows()} \
        == defects
    row3 = oc3_report.filter(pl.col("row_number") == 3).row(0, named=True)
    assert row3["source_file"] == str(folder / "oc3.csv")
    assert row3["reason"] == f"not one of {', '.join(DFE_ACTIV)}"
    row2 = oc3_report.filter(pl.col("row_number") == 2).row(0, named=True)
    assert row2["reason"] == f"not one of {', '.join(DFE_ACCOM)}"

    # reviews: the same child reviewed twice on one date (14 pairs); both rows of a pair go
    reviews = csv_rows(folder / "reviews.csv")
    lines = collections.defaultdict(list)
    for line, r in enumerate(reviews, start=2):
        lines[(r["CHILD"], r["REVIEW"])].append(line)
    duplicated = {line for group in lines.values() if len(group) > 1 for line in group}
    assert len(duplicated) == 28
    review_report = report.filter(pl.col("source_table") == "reviews")
    assert set(review_report["row_number"]) == duplicated
    assert review_report.filter(pl.col("row_number").is_in([10501, 10502])).select(
        "column_name", "value", "reason").rows() == [
        # the key holds the child's id, an identifier: shown only as its shape (999|663650|...)
        ("council_code, child, review", "999|999999|99/99/9999",
         "duplicate key: 2 rows share it (first at row 10501)")] * 2
    assert "663650" not in "".join(review_report["value"].to_list())
    assert reviews[10501 - 2]["REVIEW_CODE"] != reviews[10502 - 2]["REVIEW_CODE"]  # PN5 vs PN0

    # the CSV a person opens says the same, one line per problem
    with out.open(encoding="utf-8", newline="") as handle:
        written = list(csv.DictReader(handle))
    assert len(written) == report.height
    assert list(written[0]) == ["source", "source_table", "source_file", "row_number", "column_name",
                                "value", "reason"]
    assert {"source_table": "oc3", "row_number": "2", "column_name": "accom", "value": "01"}.items() \
        <= written[0].items()


def count_elements(path: Path, element: str) -> int:
    return len(re.findall(rf"<{element}[\s/>]", path.read_text(encoding="utf-8")))


def test_cin_census_loads_and_rows_point_at_their_elements(loaded_cin):
    path = loaded_cin["folder"] / "cin_census.xml"
    lines = path.read_text(encoding="utf-8").splitlines()
    summary = check_accounting(loaded_cin)
    by_table = {r["source_table"]: r for r in summary.iter_rows(named=True)}
    con = read_only(loaded_cin["warehouse"])
    try:
        for table, element in CIN_ELEMENTS.items():
            assert by_table[table]["file"] == str(path)
            assert by_table[table]["rows_in"] == count_elements(path, element), table
            numbers = con.execute(f"SELECT _row_number FROM raw.social_care__{table}").fetchall()
            for (number,) in numbers:  # the row number is the line of the element's start tag
                assert f"<{element}" in lines[number - 1], (table, number)
        codes = con.execute("SELECT DISTINCT council_code FROM raw.social_care__cin_referrals").fetchall()
    finally:
        con.close()
    assert codes == [(CENSUSES[loaded_cin["name"]],)]
    if loaded_cin["name"] == "fake_CIN_data.xml":
        assert by_table["cin_children"]["rows_in"] == 332
        assert by_table["cin_referrals"]["rows_in"] == 402


def test_fake_cin_referral_numbers_and_gender_current(tmp_path):
    landing = make_landing(tmp_path, "975", files_903=("header", "episodes"), census="fake_CIN_data.xml")
    loaded = load(tmp_path, landing)
    con = read_only(loaded["warehouse"])
    try:
        referrals = con.execute(
            "SELECT _row_number, referral_number, cin_referral_date FROM raw.social_care__cin_referrals "
            "WHERE la_child_id = 'RND000824303014' ORDER BY _row_number").fetchall()
        sexes = con.execute("SELECT sex, count(*) FROM raw.social_care__cin_children GROUP BY 1 "
                            "ORDER BY 1").fetchall()
        numbers = con.execute("SELECT referral_number, count(*) FROM raw.social_care__cin_referrals "
                              "GROUP BY 1 ORDER BY 1").fetchall()
    finally:
        con.close()
    assert referrals[:2] == [(48, "1", "2013-10-25"), (57, "2", "2017-10-22")]
    # the file sends <GenderCurrent> (0, 1, 2, 9), never <Sex>
    text = (DCIN / "fake_CIN_data.xml").read_text(encoding="utf-8")
    assert "<Sex>" not in text
    sent = collections.Counter(re.findall(r"<GenderCurrent>(.*?)</GenderCurrent>", text))
    assert dict(sexes) == dict(sent)
    # referral_number counts the <CINdetails> of each child: 332 firsts, then fewer seconds...
    per_child = [block.count("<CINdetails>") for block in text.split("<Child>")[1:]]
    expected = {str(n): sum(1 for c in per_child if c >= n) for n in range(1, max(per_child) + 1)}
    assert dict(numbers) == expected
    assert expected == {"1": 332, "2": 62, "3": 8}


@pytest.mark.parametrize("name", ["CIN_Census_2024.xml", "CIN_Census_2026.xml"])
def test_malformed_elements_load_as_sent_and_raw_suites_warn(tmp_path, name):
    landing = make_landing(tmp_path, "201", files_903=("header", "episodes"), census=name)
    loaded = load(tmp_path, landing)
    con = duckdb.connect(str(loaded["warehouse"]))
    try:
        children = con.execute("SELECT la_child_id, upn, person_birth_date, sex "
                               "FROM raw.social_care__cin_children ORDER BY _row_number").fetchall()
        suites = [s for s in quality.load_suites(config.EXPECTATIONS_DIR)
                  if s.name.startswith("raw__social_care__cin_")]
        results = quality.run_suites(con, suites)
    finally:
        con.close()
    # text after <UPNunknown> ("PersonBirthDate") is not taken for any value; <Sex>M</Sex> is
    # kept as sent (the contract does not code sex) and the suite flags it, without blocking
    assert children == [("DfEX0000001", "A123456789123", "2015-03-27", "1"),
                        ("child_fails_assessments", None, "2023-09-25", "M")]
    assert quality.blocking_failures(results) == []
    warned = {(r.table, r.column) for r in results if not r.success}
    assert ("raw.social_care__cin_children", "sex") in warned
    # an assessment authorised (2020-09-19) years before it started (2028-04-28)
    assert ("raw.social_care__cin_assessments",
            "assessment_authorisation_date, assessment_actual_start_date") in warned


def test_census_for_another_council_is_refused(tmp_path):
    landing = make_landing(tmp_path, "916", files_903=("header", "episodes"),
                           census="fake_CIN_data.xml")
    with pytest.raises(ContractError) as raised:
        load(tmp_path, landing)
    error = raised.value
    assert error.file.endswith("cin_census.xml") and error.column == "LEA"
    assert error.reason == "file is for council 975, extract.json says 916"
    lines = (DCIN / "fake_CIN_data.xml").read_text(encoding="utf-8").splitlines()
    assert [n for n, line in enumerate(lines, start=1) if "<LEA>975</LEA>" in line] == [error.row]
    assert error.row == 10


def test_raw_suites_accept_what_the_contracts_loaded(loaded_903):
    suites = [s for s in quality.load_suites(config.EXPECTATIONS_DIR)
              if s.name.startswith("raw__social_care__")
              and "annex_a" not in s.name]  # no Annex A workbook sent: the gate skips its suites
    assert len(suites) == 17
    con = duckdb.connect(str(loaded_903["warehouse"]))
    try:
        results = quality.run_suites(con, suites)
    finally:
        con.close()
    assert not [r for r in results if r.raised]
    assert quality.blocking_failures(results) == []
    warnings = {(r.table, r.column): r for r in results if not r.success}
    # OC3 codes outside DfE's lists were quarantined at load; what loaded is DfE-valid, `0` included
    assert not [key for key in warnings if key[0] == "raw.social_care__oc3"]
    # optional files not sent: empty tables warn only
    assert ("raw.social_care__contacts", None) in warnings


def _digests(paths) -> dict[tuple[int, str], Path]:
    found = {}
    for path in paths:
        data = path.read_bytes()
        found[(len(data), hashlib.sha256(data).hexdigest())] = path
    return found


def test_nothing_from_shared_is_written_into_the_repository(loaded_903):
    shared = _digests(p for p in [*D903.iterdir(), *DCIN.iterdir()] if p.is_file())
    sizes = {size for size, _ in shared}
    skip = {".git", ".venv", "__pycache__", ".pytest_cache", "node_modules"}
    candidates = []
    for folder, dirs, files in os.walk(config.PROJECT_ROOT):
        dirs[:] = [d for d in dirs if d not in skip]
        for name in files:
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink() and path.stat().st_size in sizes:
                candidates.append(path)
    copies = set(_digests(candidates)) & set(shared)
    assert not copies, [str(shared[c]) for c in copies]
    root = config.PROJECT_ROOT.resolve()
    for result in loaded_903["results"]:
        assert not Path(result["source_file"]).resolve().is_relative_to(root)
