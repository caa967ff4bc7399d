"""Ofsted's Annex A workbook as a council's only social care source.

The public synthetic sample (../shared/external/liia-annex-a/Annex_A.xlsx, from Social Finance's
liia-tools) goes through the real Prefect flow as council 886's only social care extract, dated
1 Apr 2021, publishing Sep-20 to Mar-21. Its figures are worked here from the workbook's rows,
read with openpyxl in the test and counted by DfE's definitions:

- CA01 (LAIT 271, re-referrals within 12 months): referrals dated in the quarter; a re-referral
  has an earlier referral of the child in the 12 months before. List 3's "Number of Referrals
  in Last 12 Months" says how many (0 for some referrals, so it does not count the referral itself).
- HP02 (LAIT 15, second or subsequent CP plan): plans starting in the quarter whose child had a
  plan before ("Number of Previous Child Protection Plans" 1 or more).
- CL01/CL02 (LAIT 112/113): former relevant young people aged 19-21 at the quarter end; suitable
  accommodation / in education, employment or training (F1 P1 F2 P2, and Annex A's F3 P3).

The sheet, header and value spellings councils use are exercised on copies of the workbook built
here with openpyxl; data-map.yml (liia-tools' map of those spellings) is checked against our own
reference/annex_a_values.csv.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
import openpyxl
import pytest
import yaml

from conftest import SHARED
from scorecard.ingest.annex_a import (HEADER_VARIANTS, clear_cache, code_for, header_key, list_number,
                               read_annex_a)
from scorecard.errors import ContractError
from scorecard.ingest.sources.social_care import ANNEX_A, ANNEX_A_DOMAINS

pytestmark = [pytest.mark.external]  # every test reads the public sample

SAMPLE = SHARED / "external" / "liia-annex-a" / "Annex_A.xlsx"
DATA_MAP = SHARED / "external" / "liia-annex-a" / "data-map.yml"
COUNCIL = "886"
EXTRACT = dt.date(2021, 4, 1)
P = dt.date(2021, 3, 31)
QUARTERS = {dt.date(2020, 9, 30): dt.date(2020, 7, 1), dt.date(2020, 12, 31): dt.date(2020, 10, 1),
            dt.date(2021, 3, 31): dt.date(2021, 1, 1)}


def _sheet_rows(title: str) -> list[dict]:
    workbook = openpyxl.load_workbook(SAMPLE, read_only=True, data_only=True)
    try:
        rows = list(workbook[title].iter_rows(values_only=True))
    finally:
        workbook.close()
    return [dict(zip(rows[0], row)) for row in rows[1:] if any(v is not None for v in row)]


def _quarter(day: dt.datetime) -> dt.date | None:
    return next((end for end, start in QUARTERS.items() if start <= day.date() <= end), None)


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _ca01_by_hand() -> dict[dt.date, tuple[int, int]]:
    figures = {end: [0, 0] for end in QUARTERS}
    for row in _sheet_rows("List 3"):
        quarter = _quarter(row["Date of Referral"])
        if quarter:
            figures[quarter][1] += 1
            figures[quarter][0] += row["Number of Referrals in Last 12 Months"] >= 1
    return {k: tuple(v) for k, v in figures.items()}


def _hp02_by_hand() -> dict[dt.date, tuple[int, int]]:
    figures = {end: [0, 0] for end in QUARTERS}
    for row in _sheet_rows("List 7"):
        quarter = _quarter(row["Child Protection Plan Start Date"])
        if quarter:
            figures[quarter][1] += 1
            figures[quarter][0] += row["Number of Previous Child Protection Plans"] >= 1
    return {k: tuple(v) for k, v in figures.items()}


def _care_leavers_by_hand() -> tuple[tuple[int, int], tuple[int, int]]:
    cohort = [r for r in _sheet_rows("List 9")
              if "former relevant" in r["Eligibility Category"].lower()
              and 19 <= _age(r["Date of Birth"].date(), P) <= 21
              and "died" not in r["LA in Touch"].lower()]
    suitable = sum("unsuitable" not in (r["Suitability of Accommodation"] or "unsuitable").lower()
                   for r in cohort)
    eet = sum((r["Activity Status"] or "")[:2] in ("F1", "P1", "F2", "P2", "F3", "P3")
              for r in cohort)
    return (suitable, len(cohort)), (eet, len(cohort))


def _hp01_by_hand() -> dict[dt.date, tuple[int, int]]:
    """HP01 (LAIT 304): assessments authorised in the quarter; in time within 45 working days of
    the start. 45 working days are nine weeks plus at most the bank holidays among them, so any
    assessment taking over 100 calendar days is late and one taking under 63 is in time; the
    sample has none in between (the test says so)."""
    figures = {end: [0, 0] for end in QUARTERS}
    for row in _sheet_rows("List 4"):
        quarter = _quarter(row["Continuous Assessment Date of Authorisation"])
        if quarter:
            days = (row["Continuous Assessment Date of Authorisation"]
                    - row["Continuous Assessment Start Date"]).days
            assert not 63 <= days <= 100, days
            figures[quarter][1] += 1
            figures[quarter][0] += days < 63
    return {k: tuple(v) for k, v in figures.items()}


def _looked_after_at_p() -> list[dict]:
    return [r for r in _sheet_rows("List 8")
            if r["Date Started to be Looked After"].date() <= P
            and (r["Date Ceased to be Looked After"] is None
                 or r["Date Ceased to be Looked After"].date() > P)
            and not r["Child's Legal Status"].startswith(("V3", "V4"))]


def _snapshots_by_hand() -> dict[str, tuple[int, int]]:
    """CC01 (foster placements U1-U6 at P, the council's own PR1), CC04 (LAIT 372: 3 or more
    placements in the last 12 months, Annex A's own count) and HP03 (LAIT 264: plans open at P
    that had run over 729 days), all at the quarter end the workbook describes."""
    fostered = [r for r in _looked_after_at_p()
                if r["Placement Type"].split(") ", 1)[-1][:2] in ("U1", "U2", "U3", "U4", "U5", "U6")
                and r["Start Date of Most Recent Placement"].date() <= P]
    looked_after = _looked_after_at_p()
    plans = [r for r in _sheet_rows("List 7")
             if r["Child Protection Plan Start Date"].date() <= P
             and (r["Child Protection Plan End Date"] is None
                  or r["Child Protection Plan End Date"].date() > P)]
    return {
        "CC01": (sum("PR1" in r["Placement Provider"] for r in fostered), len(fostered)),
        "CC04": (sum(r["Number of Placements in the Last 12 months"] >= 3 for r in looked_after),
                 len(looked_after)),
        "HP03": (sum((P - r["Child Protection Plan Start Date"].date()).days > 729 for r in plans),
                 len(plans)),
    }


def test_hand_worked_figures_are_what_the_workbook_says():
    """The rows behind the figures, one line each (so the counting rules above cannot drift)."""
    assert _ca01_by_hand()[dt.date(2020, 9, 30)] == (3, 6)  # 4653765 (2), 997679 (1), 10897459 (2)
    # authorised Nov 2020 (started Dec 2019) and Jan-Feb 2021 (started 2019 and Feb 2020): late
    assert _hp01_by_hand() == {dt.date(2020, 9, 30): (0, 0), dt.date(2020, 12, 31): (0, 1),
                               dt.date(2021, 3, 31): (0, 4)}
    assert _hp02_by_hand()[dt.date(2020, 12, 31)] == (0, 1)  # 10721552, first plan
    assert _hp02_by_hand()[dt.date(2021, 3, 31)] == (2, 2)  # 5358472, 14953858: 1 previous each
    # 19-21 on 31 Mar 2021: 10414520 (19, U suitable, F2), 4939073 (21, nothing recorded),
    # 6102196 (21, U suitable, F3)
    assert _care_leavers_by_hand() == ((2, 3), (2, 3))
    # in care at 31 Mar 2021: 1761444 (U6 PR4), 1373595 (U1 PR1), 14065184 (U4 PR5), 2529037
    # (U6 PR4; 2 placements); 3623204 ceased Sep 2020. Plans open: 5358472, 14953858 (Feb 2021).
    assert _snapshots_by_hand() == {"CC01": (1, 4), "CC04": (0, 4), "HP03": (0, 2)}


@pytest.fixture(scope="module")
def published(prefect_harness, tmp_path_factory):
    from flows.quarterly_scorecard import quarterly_scorecard

    root = tmp_path_factory.mktemp("annex_a")
    folder = root / "landing" / "social_care" / EXTRACT.isoformat()
    folder.mkdir(parents=True)
    shutil.copyfile(SAMPLE, folder / "annex_a.xlsx")
    (folder / "extract.json").write_text(json.dumps({"council_code": COUNCIL}), encoding="utf-8")
    warehouse = root / "wh" / "scorecard.duckdb"
    warehouse.parent.mkdir()
    quarterly_scorecard(period_end=P, publish_from=dt.date(2020, 9, 30),
                        landing=str(root / "landing"), warehouse=str(warehouse), demo_key=True)
    con = duckdb.connect(str(warehouse.parent / "scorecard_published.duckdb"), read_only=True)
    try:
        yield {"con": con, "warehouse": warehouse}
    finally:
        con.close()


def _published(published, code) -> dict[dt.date, tuple]:
    return {r[0]: r[1:] for r in published["con"].execute(
        "SELECT period_end, numerator, denominator, figure_basis FROM published.scorecard "
        "WHERE council_code = ? AND kpi_code = ?", [COUNCIL, code]).fetchall()}


@pytest.mark.flow
@pytest.mark.parametrize("code, by_hand", [("CA01", _ca01_by_hand), ("HP01", _hp01_by_hand),
                                           ("HP02", _hp02_by_hand)])
def test_kpis_from_annex_a_lists_publish_with_their_basis(published, code, by_hand):
    rows = _published(published, code)
    assert {end: (int(n), int(d)) for end, (n, d, _) in rows.items()} == by_hand()
    assert {basis for _, _, basis in rows.values()} == {"annex_a"}


@pytest.mark.flow
def test_care_leavers_from_list_9_at_the_quarter_it_describes(published):
    cl01, cl02 = _care_leavers_by_hand()
    for code, expected in (("CL01", cl01), ("CL02", cl02)):
        rows = _published(published, code)
        # list 9 is the status when the workbook was produced: only Mar-21 gets a figure
        assert {end: (int(n), int(d), basis) for end, (n, d, basis) in rows.items()
                if n is not None} == {P: (*expected, "annex_a")}


@pytest.mark.flow
@pytest.mark.parametrize("code", ["CC01", "CC04", "HP03"])
def test_snapshots_from_lists_7_and_8_at_the_quarter_they_describe(published, code):
    rows = _published(published, code)
    assert {end: (int(n), int(d), basis) for end, (n, d, basis) in rows.items()
            if n is not None} == {P: (*_snapshots_by_hand()[code], "annex_a")}


@pytest.mark.flow
def test_the_sample_loads_whole_and_no_identifier_reaches_staging(published):
    con = duckdb.connect(str(published["warehouse"]), read_only=True)
    try:
        loads = con.execute("SELECT source_table, rows_in, rows_loaded FROM meta.loads "
                            "WHERE source_table LIKE 'annex_a%'").fetchall()
        staged = con.execute("SELECT child_key FROM staging.stg_social_care__annex_a_list3_referrals"
                             ).fetchall()
        columns = {r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'staging' "
            "AND table_name LIKE 'stg_social_care__annex_a%'").fetchall()}
    finally:
        con.close()
    rows = {t: len(_sheet_rows(f"List {t.split('_')[2][4:]}")) for t, _, _ in loads}
    assert {t: (i, n) for t, i, n in loads} == {t: (rows[t], rows[t]) for t in rows}
    ids = {str(r["Child Unique ID"]) for r in _sheet_rows("List 3")}
    assert not ids & {k for (k,) in staged}
    assert not columns & {"child_id", "dob", "allocated_worker", "placement_postcode"}


# --- the spellings councils use ----------------------------------------------------------------

def _mangled(path: Path) -> Path:
    """The sample with its sheets renamed, headers re-spelt and some values typed by hand."""
    workbook = openpyxl.load_workbook(SAMPLE)
    workbook["List 3"].title = "list_3"
    workbook["List 9"].title = "LIST9 - Care leavers"
    workbook["List 1"].title = "List 01 Contacts"
    referrals = workbook["list_3"]
    referrals["A1"] = "  child unique id "
    referrals["F1"] = "REFERRAL DATE"
    referrals["H1"] = "Referral NFA"
    referrals["G2"] = "Police"              # the source's name alone
    referrals["H2"] = "yes"                 # Y
    referrals["F3"] = "17/09/2020"          # a date typed as text
    referrals["H3"] = "Maybe"               # not a value Annex A has
    referrals["F4"] = "16th Sept"           # not a date
    referrals["I5"] = "two"                 # not a count
    leavers = workbook["LIST9 - Care leavers"]
    leavers["J2"] = "Refused contact"       # REFU
    leavers["K2"] = "Z - with former foster carers"
    leavers["M2"] = "F1 - full time in HE"  # a code, then the council's own words
    leavers["L3"] = "N/A"                   # not Unsuitable: cannot be placed
    path = path / "annex_a.xlsx"
    workbook.save(path)
    return path


@pytest.fixture()
def mangled(tmp_path):
    clear_cache()
    folder = tmp_path / EXTRACT.isoformat()
    folder.mkdir()
    tables = read_annex_a(_mangled(folder), EXTRACT, COUNCIL)
    yield tables
    clear_cache()


def test_sheet_names_as_councils_write_them():
    assert [list_number(t) for t in ("List 1", "list_1", "List1 - Contacts", "LIST 01",
                                     "list-3 referrals", "List 10", "Lists guide", "Summary")] \
        == [1, 1, 1, 1, 3, 10, None, None]


def test_headers_compare_by_their_words():
    assert header_key("Referral NFA?") == header_key("referral  nfa") == "referral nfa"
    assert header_key("Is this a second period (Y/N)") == "is this second period"


def test_mangled_workbook_normalises_what_it_can(mangled):
    referrals = mangled.frames["annex_a_list3_referrals"]
    first = referrals.filter(referrals["_row_number"] == 2).row(0, named=True)
    assert (first["referral_source"], first["referral_nfa"]) == ("6", "Y")
    assert referrals.filter(referrals["_row_number"] == 3)["referral_date"].item() == "2020-09-17"
    leavers = mangled.frames["annex_a_list9_care_leavers"]
    row = leavers.filter(leavers["_row_number"] == 2).row(0, named=True)
    assert (row["in_touch"], row["accommodation_type"], row["activity"]) == ("REFU", "Z", "F1")
    assert mangled.frames["annex_a_list1_contacts"].height == 5


def test_what_cannot_be_understood_is_quarantined_with_sheet_row_and_column(mangled):
    problems = {(r["_row_number"], r["column_name"]): r["reason"]
                for r in mangled.problems["annex_a_list3_referrals"].iter_rows(named=True)}
    assert set(problems) == {(3, "referral_nfa"), (4, "referral_date"),
                             (5, "referrals_last_12_months")}
    assert problems[(3, "referral_nfa")].startswith("sheet 'list_3' cell H3 ('Referral NFA'): ")
    assert problems[(4, "referral_date")].startswith("sheet 'list_3' cell F4 ('REFERRAL DATE'): ")
    assert problems[(5, "referrals_last_12_months")].startswith(
        "sheet 'list_3' cell I5 ('Number of Referrals in Last 12 Months'): not a whole number")
    (leaver,) = mangled.problems["annex_a_list9_care_leavers"].iter_rows(named=True)
    assert (leaver["_row_number"], leaver["column_name"], leaver["value"]) == (3, "suitability", "N/A")
    assert leaver["reason"].startswith("sheet 'LIST9 - Care leavers' cell L3 ")


def test_two_sheets_for_one_list_stop_the_file(tmp_path):
    workbook = openpyxl.load_workbook(SAMPLE)
    workbook.copy_worksheet(workbook["List 3"]).title = "list_3 (2)"
    path = tmp_path / "annex_a.xlsx"
    workbook.save(path)
    clear_cache()
    with pytest.raises(ContractError, match="sheets 'List 3' and 'list_3 \\(2\\)' are both Annex A list 3"):
        read_annex_a(path, EXTRACT, COUNCIL)


def test_a_missing_required_column_names_sheet_and_column(tmp_path):
    workbook = openpyxl.load_workbook(SAMPLE)
    workbook["List 7"]["G1"] = "Start"
    path = tmp_path / "annex_a.xlsx"
    workbook.save(path)
    clear_cache()
    with pytest.raises(ContractError) as error:
        read_annex_a(path, EXTRACT, COUNCIL)
    assert error.value.column == "List 7!Child Protection Plan Start Date"
    assert "required column missing" in error.value.reason


# --- data-map.yml against our reference ---------------------------------------------------------

def _data_map_columns():
    lists = yaml.safe_load(DATA_MAP.read_text(encoding="utf-8"))["data_config"]
    read = {(c.sheet, header_key(h)): col.name for c in ANNEX_A for col in c.columns
            if col.name in ANNEX_A_DOMAINS
            for h in (col.file_header, *HEADER_VARIANTS.get(col.name, ()))}
    for sheet, columns in lists.items():
        for header, values in columns.items():
            name = read.get((sheet, header_key(header)))
            if name is not None:
                yield sheet, header, name, values


DATA_MAP_COLUMNS = list(_data_map_columns()) if DATA_MAP.exists() else []


def test_every_coded_column_we_read_is_in_the_data_map():
    found = {(sheet, name) for sheet, _, name, _ in DATA_MAP_COLUMNS}
    wanted = {(c.sheet, col.name) for c in ANNEX_A for col in c.columns if col.name in ANNEX_A_DOMAINS}
    assert wanted - found == set()


@pytest.mark.parametrize("sheet, header, name, values", DATA_MAP_COLUMNS,
                         ids=[f"{s}:{n}" for s, _, n, _ in DATA_MAP_COLUMNS])
def test_our_reference_places_every_value_of_the_data_map(sheet, header, name, values):
    """Each of Ofsted's values in data-map.yml (its `code`) is placed on one of our codes, every
    one of our codes is one of Ofsted's values, and each of the map's own short names (`name`)
    is placed on the same code as its value wherever our reference places it at all."""
    domain = ANNEX_A_DOMAINS[name]
    placed = {v["code"]: code_for(domain, v["code"]) for v in values}
    assert [v for v, code in placed.items() if code is None] == []
    contract_codes = next(col.codes for c in ANNEX_A for col in c.columns if col.name == name)
    assert set(placed.values()) == set(contract_codes)
    named = {v["code"]: code_for(domain, str(v["name"]).split(" - /")[0]) for v in values}
    assert {v: c for v, c in named.items() if c is not None and c != placed[v]} == {}


# --- beside the statutory returns ---------------------------------------------------------------

@pytest.fixture(scope="module")
def beside_returns(tmp_path_factory):
    """The demo council's landing (903, CIN census, local lists) with the Annex A sample beside
    its returns in the same extract folder, built for Q1 2023/24."""
    from conftest import build_without_prefect
    from scorecard_demo import landing_cache
    from scorecard_demo.model import DEMO_EXTRACT_DATE

    root = tmp_path_factory.mktemp("annex_a_beside")
    landing = root / "landing"
    landing_cache.demo_landing(landing, "916")
    shutil.copyfile(SAMPLE, landing / "social_care" / DEMO_EXTRACT_DATE.isoformat() / "annex_a.xlsx")
    warehouse = root / "scorecard.duckdb"
    build_without_prefect(landing, warehouse, dt.date(2023, 6, 30))
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        yield con
    finally:
        con.close()


def test_where_a_council_sends_both_the_statutory_returns_win(beside_returns, seed_rows):
    loaded = dict(beside_returns.execute(
        "SELECT source_table, rows_loaded FROM meta.loads WHERE source_table LIKE 'annex_a%'"
    ).fetchall())
    assert loaded["annex_a_list3_referrals"] == len(_sheet_rows("List 3"))
    rows = {code: (actual, basis) for code, actual, basis in beside_returns.execute(
        "SELECT kpi_code, actual, figure_basis FROM marts.mart_scorecard "
        "WHERE council_code = '916' AND period_end = DATE '2023-06-30'").fetchall()}
    assert [code for code, (_, basis) in rows.items() if basis == "annex_a"] == []
    for row in seed_rows:  # the seed's figures, unmoved by the workbook beside them
        expected = float(row["actual_jun_23"]) if row["actual_jun_23"] else None
        assert rows[row["kpi_code"]][0] == expected, row["kpi_code"]


def test_the_loader_quarantines_each_cell_with_its_sheet_and_keeps_every_row(tmp_path):
    """The mangled workbook through the real load: every row of each list read is in raw or in
    quarantine (rows in = loaded + quarantined), each quarantined cell with its sheet and cell."""
    from scorecard import pipeline

    clear_cache()
    folder = tmp_path / "landing" / "social_care" / EXTRACT.isoformat()
    folder.mkdir(parents=True)
    _mangled(folder)
    (folder / "extract.json").write_text(json.dumps({"council_code": COUNCIL}), encoding="utf-8")
    warehouse = tmp_path / "scorecard.duckdb"
    run = pipeline.start_run(warehouse, P)
    loads = pipeline.load_extracts(warehouse, run["run_id"],
                                   pipeline.extract(tmp_path / "landing", P))
    clear_cache()
    counts = {load["raw_table"]: (load["rows_in"], load["rows_loaded"], load["rows_quarantined"]) for load in loads
              if "annex_a" in load["raw_table"]}
    assert counts["raw.social_care__annex_a_list3_referrals"] == (6, 3, 3)
    assert counts["raw.social_care__annex_a_list9_care_leavers"] == (6, 5, 1)
    assert all(i == n + q for i, n, q in counts.values())
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        quarantined = con.execute(
            "SELECT source_table, row_number, column_name, reason FROM quarantine.rows "
            "WHERE source_table LIKE 'annex_a%' ORDER BY 1, 2").fetchall()
    finally:
        con.close()
    assert [(t, r, c) for t, r, c, _ in quarantined] == [
        ("annex_a_list3_referrals", 3, "referral_nfa"),
        ("annex_a_list3_referrals", 4, "referral_date"),
        ("annex_a_list3_referrals", 5, "referrals_last_12_months"),
        ("annex_a_list9_care_leavers", 3, "suitability"),
    ]
    assert all(reason.startswith(("sheet 'list_3' cell ", "sheet 'LIST9 - Care leavers' cell "))
               for *_, reason in quarantined)


def test_a_file_that_is_no_workbook_or_holds_no_list_stops_with_its_path(tmp_path):
    clear_cache()
    broken = tmp_path / "annex_a.xlsx"
    broken.write_bytes(SAMPLE.read_bytes()[:2000])  # cut short
    with pytest.raises(ContractError, match="annex_a.xlsx: not readable as XLSX"):
        read_annex_a(broken, EXTRACT, COUNCIL)
    workbook = openpyxl.Workbook()
    workbook.active.title = "Guidance"
    other = tmp_path / "other" / "annex_a.xlsx"
    other.parent.mkdir()
    workbook.save(other)
    with pytest.raises(ContractError, match="no Annex A list sheet"):
        read_annex_a(other, EXTRACT, COUNCIL)
    clear_cache()


def test_a_title_above_the_header_and_a_list_left_out(tmp_path):
    """Councils put a title row above the header, and may leave a list out: the header is found
    below the title (rows keep the sheet's numbers) and the missing list loads empty."""
    workbook = openpyxl.load_workbook(SAMPLE)
    workbook["List 5"].insert_rows(1, amount=2)
    workbook["List 5"]["A1"] = "List 5: Section 47 enquiries and ICPCs, last 6 months"
    del workbook["List 4"]
    path = tmp_path / "annex_a.xlsx"
    workbook.save(path)
    clear_cache()
    tables = read_annex_a(path, EXTRACT, COUNCIL)
    clear_cache()
    assert tables.frames["annex_a_list4_assessments"].height == 0
    section47 = tables.frames["annex_a_list5_section47"]
    assert section47["_row_number"].to_list() == [4, 5, 6, 7, 8]
    assert tables.problems["annex_a_list5_section47"].height == 0
