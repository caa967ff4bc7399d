"""Codes are DfE's: every value DfE's 903 and CIN guidance accepts loads and passes its raw suite
without a warning, and only values DfE does not have are quarantined or warned about (issue 10,
items 1 and 2).

The code lists below are written out by hand from DfE's guidance as the Data-to-Insight (D2I)
903 validator encodes it (lac_validator/rules/lac2022_23/rule_<n>.py), not taken from our
contracts, so a contract that drifts from DfE fails here:
- IN_TOUCH: rule 131. ACTIV: rule 132. ACCOM: rule 133 (S and X exist only as 2). `0` for ACTIV
  and ACCOM is required when IN_TOUCH is DIED or RHOM (rule 344) and wrong only with YES (rule 345).
- RNE: rule 143 (S L P T U B).
- UPN: a UPN (a letter, 11 digits, a digit or letter) or one of DfE's UPN-unknown reasons UN1 to
  UN10 (rule 442's cases send UN codes in the UPN field; rule 444 exempts UN codes from being
  unique, because they are reasons, not pupils).
Loads and suites run through the plain pipeline functions, not the Prefect flow.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from conftest import build_without_prefect
from scorecard import config, pipeline
from scorecard.gate import quality

PERIOD_END = dt.date(2023, 6, 30)
EXTRACT_DATE = "2023-07-07"
COUNCIL = "916"

IN_TOUCH_131 = ["YES", "NO", "DIED", "REFU", "NREQ", "RHOM"]
ACTIV_132 = ["F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6", "0"]
ACCOM_133 = ["B1", "B2", "C1", "C2", "D1", "D2", "E1", "E2", "G1", "G2", "H1", "H2", "K1", "K2",
             "R1", "R2", "S2", "T1", "T2", "U1", "U2", "V1", "V2", "W1", "W2", "X2", "Y1", "Y2",
             "Z1", "Z2", "0"]
RNE_143 = ["S", "L", "P", "T", "U", "B"]
UPN_UNKNOWN = [f"UN{n}" for n in range(1, 11)]   # UN1 ... UN10

# OC3 rows (child, in_touch, activ, accom), each DfE-valid, one line per young person saying why
OC3_VALID = [
    ("D1", "DIED", "0", "0"),     # died: 0 and 0 are required (rule 344)
    ("D2", "RHOM", "0", "0"),     # returned home for 6 months or more: 0 and 0 required (rule 344)
    ("D3", "NO", "0", "0"),       # not in touch: 0 allowed (only YES refuses it, rule 345)
    ("D4", "REFU", "0", "Z1"),    # refused contact: 0 activity allowed, accommodation known
    ("D5", "NREQ", "G6", "0"),    # no longer required: activity known, 0 accommodation allowed
    ("D6", "YES", "F1", "S2"),    # in touch: S (no fixed abode) exists as 2 (rule 133)
    ("D7", "YES", "P1", "X2"),    # in touch: X (in custody) exists as 2 (rule 133)
]
# and every other code once, all in touch (so never 0): ACCOM_133[i] with ACTIV_132[i % 11]
OC3_VALID += [(f"E{i}", "YES", ACTIV_132[i % 11], accom) for i, accom in enumerate(ACCOM_133[:-1])]
assert {a for _, _, a, _ in OC3_VALID} == set(ACTIV_132)
assert {a for _, _, _, a in OC3_VALID} == set(ACCOM_133)
assert {t for _, t, _, _ in OC3_VALID} == set(IN_TOUCH_131)

# OC3 rows DfE refuses, with the one field that is wrong
OC3_INVALID = [
    ("B1", "YES", "F3", "B1", "activ"),     # F3 is not an activity code (rule 132)
    ("B2", "NO", "P3", "B1", "activ"),      # nor P3 (rule 132)
    ("B3", "YES", "f1", "B1", "activ"),     # codes are upper case (rule 132's own test refuses f1)
    ("B4", "DIED", "0", "01", "accom"),     # 01 is not 0 (rule 133)
    ("B5", "YES", "F1", "S1", "accom"),     # S exists only as S2 (rule 133)
    ("B6", "YES", "F1", "X1", "accom"),     # X exists only as X2 (rule 133)
    ("B7", "YES", "F1", "A1", "accom"),     # no letter A (rule 133)
]
# UPNs DfE refuses: only UN1 to UN10 are reasons
UPN_INVALID = ["UN0", "UN11", "UN01", "un1", "UN"]


def write_csv(path: Path, header: list[str], rows) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def census(upns: list[str]) -> str:
    """A CIN census with one child per line (a row's number is its line), one referral each."""
    children = "\n".join(
        f"<Child><ChildIdentifiers><LAchildID>K{n}</LAchildID><UPN>{upn}</UPN>"
        f"<PersonBirthDate>2015-03-27</PersonBirthDate><Sex>1</Sex></ChildIdentifiers>"
        f"<CINdetails><CINreferralDate>2023-01-05</CINreferralDate></CINdetails></Child>"
        for n, upn in enumerate(upns, start=1))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<Message>\n<Header><Source><LEA>'
            f"{COUNCIL}</LEA></Source></Header>\n<Children>\n{children}\n</Children>\n</Message>\n")


def write_landing(root: Path, oc3_rows, care_leaver_rows, upns: list[str]) -> Path:
    """One council's social care: header (one child per UPN), episodes (one child moving through
    every RNE), oc3, the local care_leavers list and a CIN census."""
    landing = root / "landing"
    folder = landing / "social_care" / EXTRACT_DATE
    folder.mkdir(parents=True)
    (folder / "extract.json").write_text(json.dumps({"council_code": COUNCIL}), encoding="utf-8")
    write_csv(folder / "header.csv", ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
              [[f"U{n}", "1", "01/04/2010", "WBRI", upn, "", ""] for n, upn in enumerate(upns, 1)])
    episodes = [["U1", dt.date(2022, 4, 1 + n).strftime("%d/%m/%Y"), rne, "C2", "N1", "U4", "PR1",
                 "", "", "", "", "", ""] for n, rne in enumerate(RNE_143)]
    write_csv(folder / "episodes.csv", ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE",
                                        "PLACE_PROVIDER", "DEC", "REC", "REASON_PLACE_CHANGE",
                                        "HOME_POST", "PL_POST", "URN"], episodes)
    write_csv(folder / "oc3.csv", ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
              [[child, "15/05/2002", touch, activ, accom] for child, touch, activ, accom, *_ in oc3_rows])
    write_csv(folder / "care_leavers.csv",
              ["council_code", "child_id", "dob", "contact_date", "in_touch", "activity", "accommodation"],
              [[COUNCIL, child, "2002-05-15", "2023-06-01", touch, activ, accom]
               for child, touch, activ, accom, *_ in care_leaver_rows])
    (folder / "cin_census.xml").write_text(census(upns), encoding="utf-8")
    return landing


def raw_suite_results(warehouse: Path):
    suites = [s for s in quality.load_suites(config.EXPECTATIONS_DIR)
              if s.name.startswith("raw__social_care__")
              and "annex_a" not in s.name]  # no Annex A workbook sent: the gate skips its suites
    con = duckdb.connect(str(warehouse))
    try:
        return quality.run_suites(con, suites)
    finally:
        con.close()


@pytest.fixture(scope="module")
def valid(tmp_path_factory):
    root = tmp_path_factory.mktemp("dfe_valid")
    upns = ["A123456789012", "B12345678901C", *UPN_UNKNOWN]
    landing = write_landing(root, OC3_VALID, OC3_VALID, upns)
    warehouse = root / "wh.duckdb"
    build_without_prefect(landing, warehouse, PERIOD_END)
    return {"warehouse": warehouse, "results": raw_suite_results(warehouse)}


@pytest.fixture(scope="module")
def invalid(tmp_path_factory):
    root = tmp_path_factory.mktemp("dfe_invalid")
    upns = ["A123456789012", *UPN_INVALID]
    landing = write_landing(root, OC3_INVALID, OC3_INVALID, upns)
    warehouse = root / "wh.duckdb"
    run = pipeline.start_run(warehouse, PERIOD_END)
    pipeline.load_extracts(warehouse, run["run_id"], pipeline.extract(landing, PERIOD_END))
    return {"warehouse": warehouse, "results": raw_suite_results(warehouse)}


def query(warehouse: Path, sql: str):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_every_dfe_valid_code_loads_and_nothing_is_quarantined(valid):
    loads = dict(query(valid["warehouse"], "SELECT source_table, rows_quarantined FROM meta.loads "
                                           "WHERE source = 'social_care' AND rows_in > 0"))
    assert loads == {"header": 0, "episodes": 0, "oc3": 0, "care_leavers": 0,
                     "cin_children": 0, "cin_referrals": 0}
    oc3 = query(valid["warehouse"], "SELECT child, in_touch, activ, accom FROM raw.social_care__oc3")
    assert sorted(oc3) == sorted(OC3_VALID)
    leavers = query(valid["warehouse"], "SELECT child_id, in_touch, activity, accommodation "
                                        "FROM raw.social_care__care_leavers")
    assert sorted(leavers) == sorted(OC3_VALID)
    assert sorted(r for (r,) in query(valid["warehouse"], "SELECT rne FROM raw.social_care__episodes")) \
        == sorted(RNE_143)


def test_every_dfe_valid_code_passes_the_raw_suites_without_a_warning(valid):
    assert not [r for r in valid["results"] if r.raised]
    failed = {(r.table, r.column) for r in valid["results"] if not r.success}
    # optional files this council did not send are empty: worth a look, nothing more
    assert all(column is None for _, column in failed), failed
    assert {table for table, _ in failed} == {
        f"raw.social_care__{t}" for t in ("reviews", "sw_episodes", "missing", "cin_assessments",
                                          "cin_section47", "cin_cp_plans", "contacts",
                                          "initial_visits", "strategy_discussions", "allocations",
                                          "qa_audits")}


def test_invalid_oc3_codes_are_quarantined_with_dfes_list_in_the_reason(invalid):
    problems = query(invalid["warehouse"],
                     "SELECT source_table, row_number, column_name, value, reason FROM quarantine.rows "
                     "WHERE source_table IN ('oc3', 'care_leavers') ORDER BY source_table, row_number")
    columns = {"oc3": {"activ": "activ", "accom": "accom"},
               "care_leavers": {"activ": "activity", "accom": "accommodation"}}
    expected = []
    for table in ("care_leavers", "oc3"):
        for line, (_, _, activ, accom, wrong) in enumerate(OC3_INVALID, start=2):
            value = activ if wrong == "activ" else accom
            codes = ACTIV_132 if wrong == "activ" else ACCOM_133
            expected.append((table, line, columns[table][wrong], value,
                             f"not one of {', '.join(codes)}"))
    assert problems == expected
    assert query(invalid["warehouse"], "SELECT count(*) FROM raw.social_care__oc3") == [(0,)]


def test_only_upns_outside_dfes_unknown_reasons_warn(valid, invalid):
    def upn_check(results, table):
        (check,) = [r for r in results if r.table == table and r.column == "upn"
                    and r.expectation == "expect_column_values_to_match_regex"]
        return check

    for table in ("raw.social_care__header", "raw.social_care__cin_children"):
        ok = upn_check(valid["results"], table)          # a UPN, a UPN ending in a letter, UN1-UN10
        assert ok.success and ok.severity == "warning", table
        bad = upn_check(invalid["results"], table)
        assert not bad.success and bad.severity == "warning", table   # loaded, never blocking
        assert bad.unexpected_count == len(UPN_INVALID), table        # all but the real UPN
    header_upns = query(invalid["warehouse"], "SELECT upn FROM raw.social_care__header")
    assert sorted(u for (u,) in header_upns) == sorted(["A123456789012", *UPN_INVALID])


def test_upns_never_leave_raw_so_unknown_reasons_link_no_children(valid):
    staged = query(valid["warehouse"],
                   "SELECT table_name, column_name FROM information_schema.columns "
                   "WHERE table_schema NOT IN ('raw', 'quarantine') AND lower(column_name) LIKE '%upn%'")
    assert staged == []
    # each of the 12 header children keeps its own key, UN1-UN10 included
    keys = query(valid["warehouse"], "SELECT count(DISTINCT child_key) FROM staging.stg_social_care__header")
    assert keys == [(12,)]


def test_staging_reads_0_as_not_applicable(valid):
    rows = {r[0]: r[1:] for r in query(
        valid["warehouse"],
        "SELECT c.child_id, s.activity, s.accommodation, s.activity_not_applicable, "
        "s.accommodation_not_applicable, s.suitably_accommodated, s.in_education_employment_training "
        "FROM staging.stg_social_care__care_leavers AS s JOIN raw.social_care__care_leavers AS c "
        "ON c._source_file = s._source_file AND c._row_number = s._row_number "
        "WHERE c.child_id IN ('D1', 'D3', 'D4', 'D5', 'D6', 'E0', 'E1')")}
    assert rows == {
        # child: activity, accommodation, activity n/a, accommodation n/a, suitable, EET
        "D1": (None, None, True, True, None, False),      # DIED 0/0: neither suitable nor unsuitable
        "D3": (None, None, True, True, None, False),      # NO 0/0: the same
        "D4": (None, "Z1", True, False, True, False),     # 0 activity is not EET; Z1 ends in 1: suitable
        "D5": ("G6", None, False, True, None, False),     # G6 is NEET (not F/P); 0 accommodation: n/a
        "D6": ("F1", "S2", False, False, False, True),    # F1 is EET; S2 ends in 2: not suitable
        "E0": ("F1", "B1", False, False, True, True),     # ACTIV_132[0], ACCOM_133[0]
        "E1": ("P1", "B2", False, False, False, True),    # ACTIV_132[1], ACCOM_133[1]
    }
